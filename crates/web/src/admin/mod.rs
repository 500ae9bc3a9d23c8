//! Administration: accounts and roles, policies and modes, the audit log, and the outbox.

mod audit;
mod outbox;
mod policies;
mod users;

use services::auth::roles::ADMIN;

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

/// Pages of the log and the outbox.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    sida: i64,
}

/// Rows per page of the log and the outbox.
const PAGE_SIZE: i64 = 100;

/// The page asked for (from 0; a missing or unreadable `sida` is the first) and the offset of
/// its first row; a page past any possible row is not found, never an overflow.
fn page_of(
    q: Result<axum::extract::Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(i64, i64), crate::error::AppError> {
    let page = q.map(|axum::extract::Query(q)| q.sida).unwrap_or(0).max(0);
    let offset = page
        .checked_mul(PAGE_SIZE)
        .ok_or(crate::error::AppError::NotFound)?;
    Ok((page, offset))
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    use services::audit::roles::READERS as AUDIT_READERS;
    use services::outbox::roles::READERS as OUTBOX_READERS;
    use services::policies::roles::MANAGERS;
    vec![
        route!(get, "/admin/anvandare", Access::Roles(ADMIN), users::list),
        route!(
            post,
            "/admin/anvandare/{id}/roll",
            Access::Roles(ADMIN),
            users::set_role
        ),
        route!(
            post,
            "/admin/anvandare/{id}/avsluta-sessioner",
            Access::Roles(ADMIN),
            users::end_sessions
        ),
        route!(
            get,
            "/admin/policyer",
            Access::Roles(MANAGERS),
            policies::page
        ),
        route!(
            post,
            "/admin/policyer",
            Access::Roles(MANAGERS),
            policies::set
        ),
        route!(
            get,
            "/admin/granskning",
            Access::Roles(AUDIT_READERS),
            audit::log
        ),
        route!(get, "/utkorg", Access::Roles(OUTBOX_READERS), outbox::list),
        route!(
            get,
            "/utkorg/{id}",
            Access::Roles(OUTBOX_READERS),
            outbox::message
        ),
    ]
}

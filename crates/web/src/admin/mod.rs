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

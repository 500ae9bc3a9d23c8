//! Continuity on the web: the continuity manager's pages (coverage board, cover, the day's
//! proposal, rosters, staff, functions, absences, plans, situation reports, settings), the
//! operator's page of the services' state, everyone's phone-sized absence page, the answer to a
//! request to cover by signed link, and the JSON API.

mod api;
mod public;
mod staff;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::role::Role;
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value;
use services::ServiceError;
use services::continuity::roles;
use views::Lang;
use views::pages::FieldError;

use crate::access::Access;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;

const READ: Access = Access::Roles(roles::READ);
const MANAGE: Access = Access::Roles(roles::MANAGE);
const OWN: Access = Access::Roles(roles::OWN_ABSENCE);
const STATUS: Access = Access::Roles(roles::SERVICE_STATUS);

/// The routes of continuity.
pub fn routes() -> Vec<RouteSpec> {
    let mut all = vec![
        route!(get, "/static/continuity.css", Access::Public, stylesheet),
        route!(
            get,
            "/tackning/{token}",
            Access::Public,
            public::answer_page
        ),
        route!(post, "/tackning/{token}", Access::Public, public::answer),
    ];
    all.extend(board_routes());
    all.extend(people_routes());
    all.extend(plan_routes());
    all.extend(api_routes());
    all
}

/// The board, cover, the day's proposal and the roster editor.
fn board_routes() -> Vec<RouteSpec> {
    use staff::board;
    vec![
        route!(get, "/beredskap/bemanning", READ, board::board),
        route!(get, "/beredskap/bemanning/tackning", MANAGE, board::cover),
        route!(get, "/beredskap/bemanning/dag", MANAGE, board::day),
        route!(post, "/beredskap/bemanning/fraga", MANAGE, board::ask),
        route!(get, "/beredskap/schema", MANAGE, board::roster),
        route!(post, "/beredskap/schema", MANAGE, board::roster_add),
        route!(
            post,
            "/beredskap/schema/ta-bort",
            MANAGE,
            board::roster_remove
        ),
    ]
}

/// Staff, functions, absences and the settings.
fn people_routes() -> Vec<RouteSpec> {
    use staff::people;
    vec![
        route!(
            get,
            "/beredskap/bemanning/installningar",
            MANAGE,
            people::settings
        ),
        route!(
            post,
            "/beredskap/bemanning/installningar",
            MANAGE,
            people::save_settings
        ),
        route!(get, "/beredskap/personal", MANAGE, people::staff),
        route!(post, "/beredskap/personal", MANAGE, people::staff_create),
        route!(get, "/beredskap/personal/ny", MANAGE, people::staff_new),
        route!(get, "/beredskap/personal/{id}", MANAGE, people::staff_edit),
        route!(post, "/beredskap/personal/{id}", MANAGE, people::staff_save),
        route!(get, "/beredskap/funktioner", READ, people::functions),
        route!(get, "/beredskap/franvaro", MANAGE, people::absences),
        route!(post, "/beredskap/franvaro", MANAGE, people::absence_for),
        route!(
            post,
            "/beredskap/franvaro/{id}/ta-bort",
            MANAGE,
            people::absence_withdraw
        ),
        route!(get, "/franvaro", OWN, people::own_absence),
        route!(post, "/franvaro", OWN, people::own_absence_report),
        route!(
            post,
            "/franvaro/{id}/ta-bort",
            OWN,
            people::own_absence_withdraw
        ),
    ]
}

/// Plans, situation reports and the services' state.
fn plan_routes() -> Vec<RouteSpec> {
    use staff::plans;
    vec![
        route!(get, "/beredskap/planer", READ, plans::plans),
        route!(post, "/beredskap/planer", MANAGE, plans::plan_create),
        route!(get, "/beredskap/planer/{id}", READ, plans::plan),
        route!(post, "/beredskap/planer/{id}", MANAGE, plans::plan_save),
        route!(
            post,
            "/beredskap/planer/{id}/granskad",
            MANAGE,
            plans::plan_review
        ),
        route!(
            post,
            "/beredskap/planer/{id}/ovningar",
            MANAGE,
            plans::exercise
        ),
        route!(get, "/beredskap/lagesbild", READ, plans::report_latest),
        route!(post, "/beredskap/lagesbild", READ, plans::report_issue),
        route!(get, "/beredskap/lagesbild/{id}", READ, plans::report),
        route!(get, "/beredskap/tjanster", STATUS, plans::services),
        route!(post, "/beredskap/tjanster", STATUS, plans::service_save),
    ]
}

/// The JSON API.
fn api_routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/api/v1/continuity/coverage", READ, api::coverage),
        route!(post, "/api/v1/continuity/absences", MANAGE, api::absence),
        route!(get, "/api/v1/continuity/cover", MANAGE, api::cover),
        route!(
            get,
            "/api/v1/continuity/situation-report",
            READ,
            api::report
        ),
    ]
}

/// The navigation links continuity adds for a role.
pub fn nav(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    if roles::READ.contains(&role) {
        v.push(("/beredskap/bemanning", "nav-continuity"));
    }
    if roles::SERVICE_STATUS.contains(&role) && !roles::READ.contains(&role) {
        v.push(("/beredskap/tjanster", "nav-service-status"));
    }
    if roles::OWN_ABSENCE.contains(&role) {
        v.push(("/franvaro", "nav-own-absence"));
    }
    v
}

/// The API paths of continuity as the OpenAPI document lists them.
pub fn documented_paths() -> Vec<(&'static str, &'static str)> {
    api::documented_paths()
}

/// Continuity's part of the OpenAPI document: `(paths, schemas)`.
pub fn openapi() -> (Value, Value) {
    api::openapi()
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../views/static/continuity.css"),
    )
        .into_response()
}

/// A date typed as `YYYY-MM-DD`.
fn date(s: &str) -> Option<Date> {
    domain::time::parse_date(s.trim()).ok()
}

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// Minutes after midnight as `HH:MM`.
fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A shift's clock times: `22:00–06:00`.
fn times(shift: &services::continuity::ShiftRow) -> String {
    format!("{}–{}", hhmm(shift.starts_min), hhmm(shift.ends_min))
}

/// `mån 23/11`.
fn day_label(lang: Lang, d: Date) -> String {
    let wd = d.weekday().to_monday_one_offset();
    format!(
        "{} {}/{}",
        views::translate(lang, &format!("continuity-weekday-{wd}"), &[]),
        d.day(),
        d.month()
    )
}

/// `Tisdag 2026-11-24 22:00–06:00`.
fn when(lang: Lang, d: Date, starts: Timestamp, ends: Timestamp) -> String {
    let tz = domain::time::stockholm();
    let local = |t: Timestamp| {
        let dt = tz.to_datetime(t);
        format!("{:02}:{:02}", dt.hour(), dt.minute())
    };
    let wd = d.weekday().to_monday_one_offset();
    format!(
        "{} {d} {}–{}",
        views::translate(lang, &format!("weekday-{wd}"), &[]),
        local(starts),
        local(ends)
    )
}

/// An instant as Stockholm civil time.
fn at(t: Timestamp) -> String {
    domain::time::format_datetime(t, &domain::time::stockholm())
}

/// A refusal shown on the page it came from (its field, named in the reader's language);
/// anything else is an error page.
fn refused(lang: Lang, e: ServiceError) -> Result<Vec<FieldError>, AppError> {
    crate::pages::refusal(lang, e, "content")
}

//! The route table: method, path, who may call it, and the handler. The single source of truth
//! for the router, the access guard, the access-matrix test and the OpenAPI check.

use axum::routing::MethodRouter;
use domain::role::Role;
pub(crate) use services::customers::CUSTOMER_READERS;

use crate::access::Access;
use crate::{AppState, api, campaign, cases, chat, continuity, credit, pages, portal, visits};

pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: fn() -> MethodRouter<AppState>,
}

pub(crate) const STAFF: &[Role] = &Role::STAFF;
pub(crate) const ADMIN: &[Role] = &[Role::Admin];
/// Read and change the policies (change_policy checks the same roles).
pub(crate) const POLICY_READERS: &[Role] = &[Role::ContinuityManager, Role::Admin];
pub(crate) const OUTBOX_READERS: &[Role] = &[Role::Agent, Role::Admin];
pub(crate) const CUSTOMER: &[Role] = &[Role::Customer];
/// The customer-centre desk: agents (and admins).
pub(crate) const DESK: &[Role] = &[Role::Agent, Role::Admin];
/// Who plans the meter-exchange campaign.
pub(crate) const PLANNERS: &[Role] = &[Role::Planner, Role::Admin];
/// Book a customer's indoor meter visit for a caller.
pub(crate) const CALLER_BOOKERS: &[Role] = &[Role::Agent, Role::Planner, Role::Admin];
/// Who reads a crew's work list: its technicians, and planners naming the crew.
pub(crate) const WORK_LIST: &[Role] = &[Role::Technician, Role::Planner, Role::Admin];
pub(crate) const TECHNICIANS: &[Role] = &[Role::Technician];
/// Who follows the campaign's progress.
pub(crate) const PROGRESS: &[Role] = &[Role::Planner, Role::ContinuityManager, Role::Admin];
/// Who records or withdraws a caller's "no home visits" declaration: customer service.
pub(crate) const HOME_VISIT_AGENTS: &[Role] = &[Role::Agent, Role::Admin];
/// Credit officers decide referred requests for more time.
pub(crate) const CREDIT: &[Role] = &[Role::CreditOfficer, Role::Admin];
/// Ask for more time for a caller: agents and credit officers.
pub(crate) const EXTENSION_FOR_CALLER: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
/// The debt-collection list: credit officers and finance.
pub(crate) const COLLECTION: &[Role] = &[Role::CreditOfficer, Role::Finance, Role::Admin];
/// Payments, matching, reference rates, the board report.
pub(crate) const FINANCE: &[Role] = &[Role::Finance, Role::Admin];
/// Case handling: agents and credit officers (their teams' queues only), admins (every team).
pub(crate) const CASE_WORKERS: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
/// Who sets a site's hours, desks and services.
pub(crate) const SITE_ADMINS: &[Role] = &[Role::ContinuityManager, Role::Admin];

#[macro_export]
macro_rules! route {
    ($method:ident, $path:literal, $access:expr, $handler:path) => {
        $crate::routes::RouteSpec {
            method: $crate::routes::const_str_upper(stringify!($method)),
            path: $path,
            access: $access,
            handler: || ::axum::routing::$method($handler),
        }
    };
}

pub const fn const_str_upper(m: &'static str) -> &'static str {
    match m.as_bytes() {
        b"get" => "GET",
        b"post" => "POST",
        _ => "OTHER",
    }
}

/// Every route of the application.
pub fn table() -> Vec<RouteSpec> {
    [
        pages::routes(),
        chat::routes(),
        campaign::routes(),
        portal::routes(),
        visits::routes(),
        credit::routes(),
        cases::routes(),
        continuity::routes(),
        api::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

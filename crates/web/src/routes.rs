//! The route table: method, path, who may call it, and the handler. The single source of truth
//! for the router, the access guard, the access-matrix test and the OpenAPI check.

use axum::routing::MethodRouter;

use crate::access::Access;
use crate::{
    AppState, account, admin, api, campaign, cases, chat, community, continuity, credit, customers,
    home, modes, portal, suppliers, visits,
};

pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: fn() -> MethodRouter<AppState>,
}

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
        home::routes(),
        account::routes(),
        customers::routes(),
        admin::routes(),
        chat::routes(),
        campaign::routes(),
        portal::routes(),
        visits::routes(),
        credit::routes(),
        cases::routes(),
        continuity::routes(),
        suppliers::routes(),
        community::routes(),
        modes::routes(),
        api::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

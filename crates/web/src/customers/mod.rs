//! Customers, for staff: the search, one customer's page, and the audited reveal of a full
//! identity number. (The customer's own overview is the portal home, in `home`.)

mod staff;

use services::customers::roles::{IDENTITY_READERS, READERS};

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/kunder", Access::Roles(READERS), staff::search),
        route!(get, "/kunder/{id}", Access::Roles(READERS), staff::customer),
        route!(
            post,
            "/kunder/{id}/personnummer",
            Access::Roles(IDENTITY_READERS),
            staff::reveal_identity
        ),
    ]
}

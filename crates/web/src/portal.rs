//! "Mina sidor" pages beyond invoices: messages from the company ([`messages`]), contact
//! preferences ([`settings`]) and the download of everything held about the customer
//! ([`data`]). The "no home visits" pages are the campaign's (`web::campaign`).

mod data;
mod messages;
mod settings;

use services::portal::roles::CUSTOMER;

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/mina-sidor/meddelanden",
            Access::Roles(CUSTOMER),
            messages::list
        ),
        route!(
            get,
            "/mina-sidor/meddelanden/{id}",
            Access::Roles(CUSTOMER),
            messages::one
        ),
        route!(
            get,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            settings::page
        ),
        route!(
            post,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            settings::submit
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter",
            Access::Roles(CUSTOMER),
            data::page
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter.json",
            Access::Roles(CUSTOMER),
            data::download
        ),
    ]
}

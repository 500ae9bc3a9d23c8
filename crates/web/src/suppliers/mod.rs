//! Suppliers on the web: the register, its suppliers and the inbox of stopped e-invoices for
//! finance and the planners, and the offer of shorter payment terms, answered by the supplier
//! through its signed link (suppliers never log in).

mod edit;
mod public;
mod staff;

use services::ServiceError;
use services::suppliers::roles;
use views::Lang;
use views::pages::FieldError;

use crate::access::Access;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;

const READ: Access = Access::Roles(roles::READ);
const MANAGE: Access = Access::Roles(roles::MANAGE);

/// The routes of suppliers.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/leverantorer", READ, staff::list),
        route!(post, "/leverantorer", MANAGE, edit::create),
        route!(get, "/leverantorer/ny", MANAGE, edit::new_form),
        route!(post, "/leverantorer/import", MANAGE, edit::import),
        route!(get, "/leverantorer/inkorg", READ, staff::inbox),
        route!(get, "/leverantorer/{id}", READ, staff::detail),
        route!(post, "/leverantorer/{id}", MANAGE, edit::update),
        route!(get, "/leverantorer/{id}/andra", MANAGE, edit::edit_form),
        route!(
            get,
            "/leverantor/erbjudande/{token}",
            Access::Public,
            public::offer_page
        ),
        route!(
            post,
            "/leverantor/erbjudande/{token}",
            Access::Public,
            public::answer
        ),
    ]
}

/// A refusal shown on the page it came from.
fn refused(lang: Lang, e: ServiceError) -> Result<Vec<FieldError>, AppError> {
    crate::pages::refusal(lang, e, "svar")
}

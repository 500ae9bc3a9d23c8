//! Suppliers on the web: the register, its suppliers and the inbox of stopped e-invoices for
//! finance and the planners, and the offer of shorter payment terms, answered by the supplier
//! through its signed link (suppliers never log in).

mod edit;
mod payments;
mod public;
mod reports;
mod staff;
mod work;

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
/// Projects and work orders.
const PLAN: Access = Access::Roles(roles::PLAN);
/// Attesting (either step) and disputes: whoever orders work, and finance.
const ATTEST: Access = Access::Roles(domain::suppliers::pay::RECEIPT_ROLES);

/// The routes of suppliers.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/leverantorer", READ, staff::list),
        route!(post, "/leverantorer", MANAGE, edit::create),
        route!(get, "/leverantorer/ny", MANAGE, edit::new_form),
        route!(post, "/leverantorer/import", MANAGE, edit::import),
        route!(get, "/leverantorer/inkorg", READ, staff::inbox),
        route!(post, "/leverantorer/inkorg", MANAGE, staff::receive),
        route!(get, "/leverantorer/betalningar", READ, payments::show),
        route!(post, "/leverantorer/betalningar", MANAGE, payments::propose),
        route!(
            post,
            "/leverantorer/betalningar/{id}/godkann",
            MANAGE,
            payments::approve_proposal
        ),
        route!(
            post,
            "/leverantorer/betalningar/{id}/makulera",
            MANAGE,
            payments::cancel_proposal
        ),
        route!(
            get,
            "/leverantorer/betalningsfiler/{id}",
            MANAGE,
            payments::file
        ),
        route!(post, "/leverantorer/bankfiler", MANAGE, payments::bank_file),
        route!(
            post,
            "/leverantorer/bankposter/{id}",
            MANAGE,
            payments::resolve_entry
        ),
        route!(
            post,
            "/leverantorer/fakturor/{id}/attest",
            ATTEST,
            payments::attest
        ),
        route!(
            post,
            "/leverantorer/fakturor/{id}/godkann",
            ATTEST,
            payments::approve
        ),
        route!(
            post,
            "/leverantorer/fakturor/{id}/bestrid",
            ATTEST,
            payments::dispute
        ),
        route!(
            post,
            "/leverantorer/fakturor/{id}/ater",
            ATTEST,
            payments::resolve
        ),
        route!(
            post,
            "/leverantorer/fakturor/{id}/kvitta",
            MANAGE,
            payments::settle
        ),
        route!(get, "/leverantorer/rapporter", READ, reports::show),
        route!(get, "/leverantorer/projekt", READ, work::show),
        route!(post, "/leverantorer/projekt", PLAN, work::add_project),
        route!(
            post,
            "/leverantorer/arbetsordrar",
            PLAN,
            work::add_work_order
        ),
        route!(
            post,
            "/leverantorer/arbetsordrar/{id}/tidigarelagg",
            PLAN,
            work::bring_forward
        ),
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

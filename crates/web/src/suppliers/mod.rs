//! Suppliers on the web: the offer of shorter payment terms, answered by the supplier through
//! its signed link (suppliers never log in).

mod public;

use services::ServiceError;
use views::Lang;
use views::pages::FieldError;

use crate::access::Access;
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;

/// The routes of suppliers.
pub fn routes() -> Vec<RouteSpec> {
    vec![
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
    match e {
        ServiceError::Invalid(i) => Ok(vec![FieldError {
            field: i.field.to_owned(),
            message: views::explain(lang, &i.problem),
        }]),
        ServiceError::Conflict(p) => Ok(vec![FieldError {
            field: "svar".into(),
            message: views::explain(lang, &p),
        }]),
        other => Err(other.into()),
    }
}

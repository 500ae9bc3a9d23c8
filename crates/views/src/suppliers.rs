//! Suppliers' pages: the offer of shorter payment terms a supplier answers by its signed link.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

/// The offer as its link shows it; every sentence is translated by the handler with the offer's
/// facts.
#[derive(Template)]
#[template(path = "suppliers/offer.html")]
pub struct OfferPage {
    pub layout: Layout,
    pub token: String,
    pub intro: String,
    pub until: Option<String>,
    pub answer_by: String,
    pub state: String,
    pub accept: String,
    /// Still open to an answer.
    pub open: bool,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

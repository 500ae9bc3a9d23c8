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

/// One supplier in the register's list.
#[derive(Clone, Debug)]
pub struct SupplierLine {
    pub id: i64,
    pub name: String,
    pub org_number: String,
    pub municipality: String,
    pub local: bool,
    pub size: String,
    pub trades: String,
    pub pay_to: String,
    pub terms_days: u32,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "suppliers/list.html")]
pub struct SuppliersPage {
    pub layout: Layout,
    pub suppliers: Vec<SupplierLine>,
    pub local_count: usize,
    /// May add, edit and import (finance, admins).
    pub can_manage: bool,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A labelled fact on the supplier's page.
#[derive(Clone, Debug)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One offer of shorter terms as the supplier's page lists it.
#[derive(Clone, Debug)]
pub struct OfferLine {
    pub days: u32,
    pub from: String,
    pub answer_by: String,
    pub state: String,
}

/// One invoice on the supplier's page.
#[derive(Clone, Debug)]
pub struct InvoiceLine {
    pub number: String,
    pub kind: String,
    pub received: String,
    pub terms_days: u32,
    pub due: String,
    pub amount: String,
    pub state: String,
    /// Due on an accepted offer's shorter terms.
    pub shortened: bool,
}

#[derive(Template)]
#[template(path = "suppliers/detail.html")]
pub struct SupplierPage {
    pub layout: Layout,
    pub id: i64,
    pub can_manage: bool,
    pub name: String,
    pub facts: Vec<Fact>,
    pub contacts: Vec<String>,
    pub offers: Vec<OfferLine>,
    pub invoices: Vec<InvoiceLine>,
}

/// One broken rule of a refused e-invoice, in the reader's language.
#[derive(Clone, Debug)]
pub struct FindingLine {
    pub rule: String,
    pub message: String,
    pub path: String,
}

/// One refused e-invoice in the inbox.
#[derive(Clone, Debug)]
pub struct InboxLine {
    pub file: String,
    pub received: String,
    pub supplier: String,
    pub number: String,
    pub reason: String,
    pub findings: Vec<FindingLine>,
}

#[derive(Template)]
#[template(path = "suppliers/inbox.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub documents: Vec<InboxLine>,
}

/// The register's form as typed.
#[derive(Clone, Debug, Default)]
pub struct SupplierForm {
    pub org_number: String,
    pub name: String,
    pub vat_number: String,
    pub f_skatt: bool,
    pub bankgiro: String,
    pub plusgiro: String,
    pub iban: String,
    pub bic: String,
    pub municipality: String,
    pub size: String,
    pub terms_days: String,
    /// Every trade with its name and whether it is ticked.
    pub trades: Vec<(String, String, bool)>,
    pub active: bool,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

#[derive(Template)]
#[template(path = "suppliers/edit.html")]
pub struct SupplierEditPage {
    pub layout: Layout,
    /// `None` for a new supplier.
    pub id: Option<i64>,
    pub form: SupplierForm,
    /// `(code, name)` of every size class.
    pub sizes: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
}

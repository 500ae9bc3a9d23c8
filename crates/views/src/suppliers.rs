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
    /// A draft reply to the supplier naming what to correct, in Swedish (the supplier's).
    pub reply: String,
    pub id: i64,
}

#[derive(Template)]
#[template(path = "suppliers/inbox.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub documents: Vec<InboxLine>,
    /// May upload e-invoice files (finance, admins).
    pub can_upload: bool,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
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

/// An invoice waiting for attestation, or a credit note not yet used, on the payments page.
#[derive(Clone, Debug)]
pub struct AttestLine {
    pub id: i64,
    pub supplier: String,
    pub number: String,
    pub kind: String,
    /// What is left to pay (a credit note's amount).
    pub amount: String,
    pub due: String,
    pub state: String,
    pub attested_by: Option<String>,
    pub dispute_reason: Option<String>,
    /// Which buttons it has.
    pub can_attest: bool,
    pub can_approve: bool,
    pub disputed: bool,
    pub credit_note: bool,
    /// A credit note: `(id, "number, amount")` of its supplier's invoices it could settle.
    pub settles: Vec<(i64, String)>,
}

/// A pain.001 file of a proposal.
#[derive(Clone, Debug)]
pub struct PaymentFileLine {
    pub id: i64,
    pub account: String,
    pub version: String,
    pub payments: u32,
    pub sum: String,
}

/// A payment proposal on the payments page.
#[derive(Clone, Debug)]
pub struct ProposalLine {
    pub id: i64,
    pub pay_date: String,
    pub state: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub open: bool,
    pub files: Vec<PaymentFileLine>,
}

/// An entry of the bank's files that matched no payment.
#[derive(Clone, Debug)]
pub struct EntryLine {
    pub id: i64,
    pub file: String,
    pub end_to_end_id: String,
    pub reference: String,
    pub amount: String,
    pub booked: String,
    pub status: String,
}

/// A payment the bank rejected, with the reason in the reader's language.
#[derive(Clone, Debug)]
pub struct RejectedLine {
    pub supplier: String,
    pub number: String,
    pub amount: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "suppliers/payments.html")]
pub struct PaymentsPage {
    pub layout: Layout,
    pub rejected: Vec<RejectedLine>,
    /// May propose and approve payments and take in the bank's files (finance, admins).
    pub can_pay: bool,
    pub to_attest: Vec<AttestLine>,
    pub proposals: Vec<ProposalLine>,
    pub entries: Vec<EntryLine>,
    pub pay_date: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One trade's row of the local work report: a cell per month.
#[derive(Clone, Debug)]
pub struct TradeRow {
    pub trade: String,
    /// `(hours, kronor, hours a year before, kronor a year before)` per month.
    pub cells: Vec<(u32, String, u32, String)>,
}

/// A work order on the projects page.
#[derive(Clone, Debug)]
pub struct OrderLine {
    pub id: i64,
    pub supplier: String,
    pub trade: String,
    pub reference: String,
    pub month: String,
    /// Brought forward from this month.
    pub moved_from: Option<String>,
    pub hours: u32,
    pub amount: String,
    pub state: String,
    pub movable: bool,
}

/// A project with its work orders.
#[derive(Clone, Debug)]
pub struct ProjectBlock {
    pub name: String,
    pub kind: String,
    pub budget: String,
    pub ordered: String,
    pub budget_owner: String,
    pub period: String,
    pub orders: Vec<OrderLine>,
}

#[derive(Template)]
#[template(path = "suppliers/work.html")]
pub struct WorkPage {
    pub layout: Layout,
    /// May add projects and work orders and bring work forward (planners, admins).
    pub can_plan: bool,
    pub months: Vec<String>,
    pub report: Vec<TradeRow>,
    pub projects: Vec<ProjectBlock>,
    /// `(id, name)` of projects, suppliers; `(code, name)` of trades and project kinds.
    pub project_choices: Vec<(i64, String)>,
    pub supplier_choices: Vec<(i64, String)>,
    pub trade_choices: Vec<(String, String)>,
    pub kind_choices: Vec<(String, String)>,
    pub this_month: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One week of the liquidity forecast as the table shows it.
#[derive(Clone, Debug)]
pub struct WeekLine {
    pub starts: String,
    pub customers_in: String,
    pub suppliers_out: String,
    pub suppliers_out_if: String,
    pub balance: String,
    pub balance_if: String,
    /// What the what-if costs by this week (balance minus balance under it).
    pub cost: String,
}

#[derive(Template)]
#[template(path = "suppliers/reports.html")]
pub struct ReportsPage {
    pub layout: Layout,
    pub months: Vec<String>,
    pub target_days: u32,
    /// `(group, cells)`: average days and count per month, or "–".
    pub days_rows: Vec<(String, Vec<String>)>,
    pub days_chart: String,
    pub spend_rows: Vec<(String, Vec<String>)>,
    pub weeks: Vec<WeekLine>,
    pub forecast_chart: String,
    /// The what-if as asked: days and which suppliers (`local`, `small`, `all`).
    pub what_if_days: String,
    pub what_if_rule: String,
    /// `(code, name)` of the what-if's choices.
    pub rules: Vec<(String, String)>,
    pub what_if_on: bool,
    pub errors: Vec<FieldError>,
}

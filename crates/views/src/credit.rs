//! Views of credit: the portal's extension requests, the credit officers' queue, and finance's
//! payments page.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

#[derive(Clone, Debug)]
pub struct UnpaidLine {
    pub id: i64,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: String,
    pub outstanding_ore: i64,
    pub status: String,
    pub can_ask: bool,
}

#[derive(Clone, Debug)]
pub struct ReasonLine {
    pub passed: bool,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct ArrangementLine {
    pub id: i64,
    pub invoice_number: String,
    pub what: String,
    pub status_key: String,
    pub amount_ore: i64,
    pub reasons: Vec<ReasonLine>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "portal_extension.html")]
pub struct PortalExtensionPage {
    pub layout: Layout,
    pub invoices: Vec<UnpaidLine>,
    pub arrangements: Vec<ArrangementLine>,
    pub max_instalments: u32,
    pub result: Option<ArrangementLine>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct QueueLine {
    pub id: i64,
    pub customer: String,
    pub invoice_number: String,
    pub what: String,
    pub amount_ore: i64,
    pub requested: i64,
    pub failed: Vec<String>,
}

#[derive(Template)]
#[template(path = "credit_queue.html")]
pub struct CreditQueuePage {
    pub layout: Layout,
    pub lines: Vec<QueueLine>,
    pub message: Option<String>,
}

#[derive(Template)]
#[template(path = "credit_case.html")]
pub struct CreditCasePage {
    pub layout: Layout,
    pub line: ArrangementLine,
    pub customer: String,
    pub due_on: String,
    pub reminders_12m: usize,
    pub broken_12m: usize,
    pub collections_12m: usize,
    pub decidable: bool,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct UnmatchedLine {
    pub id: i64,
    pub paid_on: String,
    pub amount_ore: i64,
    pub reference: String,
    pub payer: String,
}

#[derive(Clone, Debug)]
pub struct RateLine {
    pub valid_from: String,
    pub rate: String,
    pub late: String,
}

#[derive(Template)]
#[template(path = "finance.html")]
pub struct FinancePage {
    pub layout: Layout,
    pub unmatched: Vec<UnmatchedLine>,
    pub rates: Vec<RateLine>,
    pub collection_count: usize,
    pub message: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CollectionLine {
    pub customer: String,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: String,
    pub outstanding_ore: i64,
    /// Late-payment interest accrued until today.
    pub interest_ore: i64,
    pub since: String,
}

#[derive(Template)]
#[template(path = "collection.html")]
pub struct CollectionPage {
    pub layout: Layout,
    pub lines: Vec<CollectionLine>,
}

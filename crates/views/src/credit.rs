//! Views of credit: the portal's extension requests, the credit officers' queue, the
//! debt-collection list, and finance's payments page; and the sentences credit data is read in
//! (what an arrangement agrees, the reasons of an assessment).

use askama::Template;
use domain::credit::{ArrangementKind, ArrangementStatus, InvoiceStatus, Reason};
use domain::ids::{ArrangementId, InvoiceId, PaymentId};
use domain::money::Money;
use jiff::civil::Date;

use crate::pages::FieldError;
use crate::{Lang, Layout, explain, translate};

/// What an arrangement agrees, in `lang`: "Ny förfallodag 2026-11-30", "3 monthly instalments".
pub fn arrangement_what(
    lang: Lang,
    kind: ArrangementKind,
    new_due_on: Option<Date>,
    instalments: Option<i64>,
) -> String {
    match kind {
        ArrangementKind::Extension => translate(
            lang,
            "credit-what-extension",
            &[(
                "date",
                new_due_on.map(|d| d.to_string()).unwrap_or_default(),
            )],
        ),
        ArrangementKind::Instalments => translate(
            lang,
            "credit-what-instalments",
            &[("count", instalments.unwrap_or(0).to_string())],
        ),
    }
}

/// The reasons of an assessment, each passed or not, in `lang`.
pub fn reason_lines(lang: Lang, reasons: &[Reason]) -> Vec<ReasonLine> {
    reasons
        .iter()
        .map(|r| ReasonLine {
            passed: r.passed,
            text: explain(lang, r),
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct UnpaidLine {
    pub id: InvoiceId,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: Date,
    pub outstanding: Money,
    pub status: InvoiceStatus,
    pub can_ask: bool,
}

#[derive(Clone, Debug)]
pub struct ReasonLine {
    pub passed: bool,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct ArrangementLine {
    pub id: ArrangementId,
    pub invoice_number: String,
    pub what: String,
    pub status: ArrangementStatus,
    pub amount: Money,
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
    pub id: ArrangementId,
    pub customer: String,
    pub invoice_number: String,
    pub what: String,
    pub amount: Money,
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
    pub due_on: Date,
    pub reminders_12m: usize,
    pub broken_12m: usize,
    pub collections_12m: usize,
    pub decidable: bool,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct UnmatchedLine {
    pub id: PaymentId,
    pub paid_on: Date,
    pub amount: Money,
    pub reference: String,
    pub payer: String,
}

#[derive(Clone, Debug)]
pub struct RateLine {
    pub valid_from: Date,
    /// The reference rate, in per cent with a decimal comma.
    pub rate: String,
    /// The late-payment interest rate (reference + 8 points, never below 0).
    pub late: String,
}

impl RateLine {
    /// A rate in basis points as per cent with a decimal comma (`2,00`, `-0,50`).
    pub fn percent(bp: i32) -> String {
        let sign = if bp < 0 { "-" } else { "" };
        let bp = bp.unsigned_abs();
        format!("{sign}{},{:02}", bp / 100, bp % 100)
    }
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
    pub due_on: Date,
    pub outstanding: Money,
    /// Late-payment interest accrued until today.
    pub interest: Money,
    pub since: Option<Date>,
}

#[derive(Template)]
#[template(path = "collection.html")]
pub struct CollectionPage {
    pub layout: Layout,
    pub lines: Vec<CollectionLine>,
}

#[cfg(test)]
mod tests;

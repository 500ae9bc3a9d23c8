//! The invoice CSV import: all or nothing, idempotent by invoice number, with the customer's
//! pending fees and interest billed on each new invoice.

use std::collections::{HashMap, HashSet};

use domain::credit::{CreditProblem, InvoiceStatus};
use domain::ids::CustomerId;
use domain::money::Money;
use domain::ocr::OcrReference;
use domain::problem::{Invalid, Problem};
use jiff::civil::Date;

use super::Credit;
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// What an invoice import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InvoiceImportReport {
    pub invoices: u64,
    pub amount_ore: i64,
    pub already_imported: u64,
    /// Fees and interest billed on the new invoices.
    pub charges_billed_ore: i64,
}

/// Why an invoice file was refused; nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum InvoiceImportError {
    /// A row (line 1 is the header) with a bad field: people read `invalid.problem`.
    #[error("line {line}, field {}: {:?}", .invalid.field, .invalid.problem)]
    Row { line: u64, invalid: Invalid },
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for InvoiceImportError {
    fn from(e: store::StoreError) -> Self {
        InvoiceImportError::Service(e.into())
    }
}

/// The columns of an invoice file, in order (see the README).
pub const INVOICE_COLUMNS: [&str; 6] = [
    "customer_number",
    "invoice_number",
    "issued_on",
    "due_on",
    "amount",
    "ocr",
];

/// Parses an amount in kronor as written in Sweden or as plain öre-free decimals:
/// `1 234,50`, `1234.50`, `1234`.
pub fn parse_kronor(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}'))
        .collect();
    let t = t.trim_end_matches("kr").replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let ore = whole.parse::<i64>().ok()?.checked_mul(100)?;
    let frac = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse::<i64>().ok()?
    };
    ore.checked_add(frac)
}

/// One row of the file, checked.
struct Row {
    line: u64,
    customer: String,
    number: String,
    issued: Date,
    due: Date,
    amount: Money,
    ocr: String,
}

fn refused(line: u64, field: &'static str, problem: impl Into<Problem>) -> InvoiceImportError {
    InvoiceImportError::Row {
        line,
        invalid: Invalid::new(field, problem),
    }
}

/// Checks one record (on `line`); `numbers` are the invoice numbers seen so far in the file.
fn parse_row(
    rec: &csv::StringRecord,
    line: u64,
    numbers: &mut HashSet<String>,
) -> Result<Row, InvoiceImportError> {
    let get = |k: usize| rec.get(k).unwrap_or("").to_owned();
    let customer = get(0);
    if customer.is_empty() {
        return Err(refused(line, "customer_number", Problem::Required));
    }
    let number = get(1);
    if number.is_empty() {
        return Err(refused(line, "invoice_number", Problem::Required));
    }
    if number.len() > 30 {
        return Err(refused(
            line,
            "invoice_number",
            Problem::TooLong { max: 30 },
        ));
    }
    if !numbers.insert(number.clone()) {
        let p = CreditProblem::DuplicateInvoiceNumber { number };
        return Err(refused(line, "invoice_number", p));
    }
    let issued = domain::time::parse_date(&get(2)).map_err(|e| refused(line, "issued_on", e))?;
    let due = domain::time::parse_date(&get(3)).map_err(|e| refused(line, "due_on", e))?;
    if due < issued {
        return Err(refused(line, "due_on", CreditProblem::DueBeforeIssued));
    }
    let amount = parse_kronor(&get(4))
        .filter(|a| *a > 0)
        .ok_or_else(|| refused(line, "amount", CreditProblem::NotAnAmount { found: get(4) }))?;
    let ocr = match get(5) {
        // A missing reference is made from the invoice number (Luhn with length digit).
        s if s.is_empty() => {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            OcrReference::generate(&digits, true).map_err(|e| refused(line, "ocr", e))?
        }
        s => OcrReference::parse_with_length_digit(&s).map_err(|e| refused(line, "ocr", e))?,
    };
    Ok(Row {
        line,
        customer,
        number,
        issued,
        due,
        amount: Money::from_ore(amount),
        ocr: ocr.as_str().to_owned(),
    })
}

/// Reads the file: UTF-8, comma or semicolon separated, a header row with
/// [`INVOICE_COLUMNS`], every row checked.
fn read_rows(bytes: &[u8]) -> Result<Vec<Row>, InvoiceImportError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| refused(1, "file", CreditProblem::NotUtf8))?;
    let delimiter = if text.lines().next().is_some_and(|h| h.contains(';')) {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let wrong_header = || {
        let expected = INVOICE_COLUMNS.join(",");
        refused(1, "header", CreditProblem::CsvHeader { expected })
    };
    let headers = reader.headers().map_err(|_| wrong_header())?;
    let header: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    if header != INVOICE_COLUMNS {
        return Err(wrong_header());
    }
    let mut rows = Vec::new();
    let mut numbers = HashSet::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => refused(
                line,
                "row",
                CreditProblem::CsvFieldCount {
                    expected: *expected_len,
                    found: *len,
                },
            ),
            _ => refused(line, "row", CreditProblem::CsvUnreadable),
        })?;
        rows.push(parse_row(&rec, line, &mut numbers)?);
    }
    Ok(rows)
}

impl Credit {
    /// Imports invoices from CSV (UTF-8, comma or semicolon separated, a header row with
    /// [`INVOICE_COLUMNS`]). All or nothing: any bad row stops the import and names its line
    /// and field. An invoice number imported before is skipped. A missing OCR reference is
    /// generated from the invoice number (Luhn with length digit); a given one must be valid.
    /// The customer's pending fees and interest are billed on the new invoice.
    pub async fn import_invoices(
        &self,
        actor: &Actor,
        bytes: &[u8],
    ) -> Result<InvoiceImportReport, InvoiceImportError> {
        let rows = read_rows(bytes)?;
        let mut tx = self.s.store().begin().await?;
        let wanted: Vec<&str> = rows
            .iter()
            .map(|r| r.customer.as_str())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let customers: HashMap<String, CustomerId> =
            store::credit::customer_ids_by_number(&mut tx, &wanted)
                .await?
                .into_iter()
                .collect();
        if let Some(r) = rows.iter().find(|r| !customers.contains_key(&r.customer)) {
            let p = CreditProblem::UnknownCustomer {
                number: r.customer.clone(),
            };
            return Err(refused(r.line, "customer_number", p));
        }
        let all: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
        let existing: HashSet<String> = store::credit::existing_invoice_numbers(&mut tx, &all)
            .await?
            .into_iter()
            .collect();
        let now = self.s.now_micros();
        let new: Vec<store::credit::NewInvoice> = rows
            .iter()
            .filter(|r| !existing.contains(&r.number))
            .map(|r| store::credit::NewInvoice {
                customer_id: customers[&r.customer],
                invoice_number: r.number.clone(),
                ocr: r.ocr.clone(),
                issued_on: r.issued,
                due_on: r.due,
                amount: r.amount,
                paid: Money::ZERO,
                status: InvoiceStatus::Open,
                created_at: now,
            })
            .collect();
        let mut report = InvoiceImportReport {
            already_imported: existing.len() as u64,
            ..InvoiceImportReport::default()
        };
        self.insert_billed(&mut tx, &new, &mut report).await?;
        let detail = format!(
            "{} new, {} already imported",
            report.invoices, report.already_imported
        );
        let event = Event {
            action: "invoices_imported",
            object_kind: "invoices",
            object_id: "csv",
            outcome: Outcome::Success,
            detail: &detail,
        };
        audit::record(&mut tx, &self.s, actor, &event).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Inserts the new invoices in chunks, each with its customer's pending charges billed on
    /// it. An OCR reference that belongs to an invoice already is refused.
    async fn insert_billed(
        &self,
        tx: &mut store::Tx,
        new: &[store::credit::NewInvoice],
        report: &mut InvoiceImportReport,
    ) -> Result<()> {
        for chunk in new.chunks(500) {
            let ids = store::credit::insert_invoices(tx, chunk)
                .await
                .map_err(|e| {
                    if e.is_conflict_on("ocr") {
                        ServiceError::invalid("ocr", CreditProblem::OcrTaken)
                    } else {
                        e.into()
                    }
                })?;
            let by_number: HashMap<String, domain::ids::InvoiceId> = ids.into_iter().collect();
            for inv in chunk {
                report.invoices += 1;
                report.amount_ore += inv.amount.ore();
                if let Some(id) = by_number.get(&inv.invoice_number) {
                    report.charges_billed_ore +=
                        store::credit::bill_pending_charges(tx, inv.customer_id, *id)
                            .await?
                            .ore();
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_kronor;

    #[test]
    fn kronor_as_written_in_sweden() {
        assert_eq!(parse_kronor("1 234,50"), Some(123_450));
        assert_eq!(parse_kronor("1234.5"), Some(123_450));
        assert_eq!(parse_kronor("1234"), Some(123_400));
        assert_eq!(parse_kronor("12 kr"), Some(1_200));
        assert_eq!(parse_kronor("1,234"), None);
        assert_eq!(parse_kronor("x"), None);
    }
}

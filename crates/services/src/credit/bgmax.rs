//! BgMax payment imports: payments matched to invoices by OCR reference, the rest to the
//! manual matching queue.
//!
//! An import is all-or-nothing and idempotent: a file is known by its TK01 timestamp and
//! receiving bankgiro numbers (the same file with other line endings is the same file), a
//! payment by its receiving bankgiro, payment date, BGC serial number and kind. The same file
//! twice, one after the other or at the same time, records one set of payments: the file row's
//! unique key serialises concurrent imports, and the second finds the first's.
//!
//! The file is read twice and never held whole: a first pass checks every line, a second
//! imports section by section in chunks of [`IMPORT_CHUNK`] entries, one statement per chunk.
//! On SQLite the next chunk's invoices are read on a read connection of the import's own while
//! this chunk is written.

use std::collections::{BTreeSet, HashMap, HashSet};

use domain::credit::{BgmaxFault, BgmaxFaultKind, CreditProblem};
use domain::ids::{BgmaxFileId, InvoiceId};
use domain::money::Money;
use formats::bgmax::{self, ParseError, ParseErrorKind, PaymentKind};
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use store::credit::{ImportInvoice, ImportedPayment};

use super::Credit;
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// What an import did, as `beredskap import bgmax --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Payments and deductions recorded by this import.
    pub payments: u64,
    /// Their sum in öre (deductions negative).
    pub amount_ore: i64,
    /// Recorded against an invoice found by OCR (fully or partly).
    pub matched: u64,
    /// Put in the manual matching queue (unknown reference, deductions, over-payments).
    pub unmatched: u64,
    /// Known from an earlier import and not recorded again.
    pub already_imported: u64,
}

impl ImportReport {
    /// The sum of the payments recorded.
    pub fn amount(&self) -> Money {
        Money::from_ore(self.amount_ore)
    }
}

/// A file refused as not valid BgMax: where, and what is wrong (in the reader's language).
fn format_error(e: ParseError) -> ServiceError {
    ServiceError::invalid(
        "file",
        CreditProblem::BgmaxFormat {
            line: e.line,
            field: e.field,
            fault: fault(&e.kind),
        },
    )
}

/// The fault of a parse error as data, with the values its message names.
fn fault(kind: &ParseErrorKind) -> BgmaxFault {
    use BgmaxFaultKind as F;
    use ParseErrorKind as K;
    let f = BgmaxFault::new;
    match kind {
        K::EmptyFile => f(F::EmptyFile),
        K::ByteOrderMark => f(F::ByteOrderMark),
        K::Tab { column } => f(F::Tab).with("column", column),
        K::ControlCharacter { column, byte } => f(F::ControlCharacter)
            .with("column", column)
            .with("byte", format!("0x{byte:02X}")),
        K::LooksLikeUtf8 { column } => f(F::LooksLikeUtf8).with("column", column),
        K::TooLong { length } => f(F::TooLong).with("length", length),
        K::EmptyLine => f(F::EmptyLine),
        K::UnknownRecordType { code } => f(F::UnknownRecordType).with("code", code),
        K::NotDigits { value } => f(F::NotDigits).with("value", value),
        K::Blank => f(F::Blank),
        K::InvalidCode { value, allowed } => f(F::InvalidCode)
            .with("value", value)
            .with("allowed", allowed),
        K::InvalidDate { value } => f(F::InvalidDate).with("value", value),
        K::WrongLayout { found } => f(F::WrongLayout).with("found", found),
        K::UnsupportedVersion { found } => f(F::UnsupportedVersion).with("found", found),
        K::InvalidCurrency { value } => f(F::InvalidCurrency).with("value", value),
        K::OcrFormat { reference } => f(F::OcrFormat).with("reference", reference),
        K::OcrCheckDigit { reference } => f(F::OcrCheckDigit).with("reference", reference),
        K::MissingStart { found } => f(F::MissingStart).with("record", found),
        K::DuplicateStart { first_line } => f(F::DuplicateStart).with("first_line", first_line),
        K::OutsideSection { record } => f(F::OutsideSection).with("record", record),
        K::SectionNotClosed {
            record,
            opened_line,
        } => f(F::SectionNotClosed)
            .with("record", record)
            .with("opened_line", opened_line),
        K::OutsidePayment { record } => f(F::OutsidePayment).with("record", record),
        K::OutOfOrder {
            record,
            payment_line,
        } => f(F::OutOfOrder)
            .with("record", record)
            .with("payment_line", payment_line),
        K::Duplicate {
            record,
            payment_line,
        } => f(F::Duplicate)
            .with("record", record)
            .with("payment_line", payment_line),
        K::EmptySection { opened_line } => f(F::EmptySection).with("opened_line", opened_line),
        K::AfterEnd { record, end_line } => f(F::AfterEnd)
            .with("record", record)
            .with("end_line", end_line),
        K::MissingEnd { open_section: None } => f(F::MissingEnd),
        K::MissingEnd {
            open_section: Some(line),
        } => f(F::MissingEndInSection).with("opened_line", line),
        K::CurrencyMismatch { section, deposit } => f(F::CurrencyMismatch)
            .with("section", section)
            .with("deposit", deposit),
        K::DepositAmountMismatch { stated, computed } => f(F::DepositAmountMismatch)
            .with("stated", stated)
            .with("computed", computed),
        K::DepositCountMismatch { stated, computed } => f(F::DepositCountMismatch)
            .with("stated", stated)
            .with("computed", computed),
        K::EndCountMismatch { stated, computed } => f(F::EndCountMismatch)
            .with("stated", stated)
            .with("computed", computed),
        K::ExtraReferenceSumMismatch { payment, extra } => f(F::ExtraReferenceSumMismatch)
            .with("payment", payment)
            .with("extra", extra),
        // A fault this list does not know yet: the parser's own words.
        other => f(F::Other).with("detail", other),
    }
}

fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every run, unlike a HashMap's random state.
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// A payment of the file in import form.
struct Entry {
    key: String,
    reference: String,
    paid_on: Date,
    amount_ore: i64,
    deduction: bool,
    payer: Option<String>,
}

/// The payments of a section in import form, keyed. A key repeated inside the file (seen in
/// Bankgirot's own examples) gets its occurrence number, stable for the same file; occurrences
/// are counted by a 64-bit hash of the key (16 bytes a payment instead of the key itself): a
/// collision only numbers a key that was unique anyway, the same way every time.
fn section_entries(section: bgmax::Section, seen: &mut HashMap<u64, u32>) -> Result<Vec<Entry>> {
    let day = section.deposit.payment_date;
    let paid_on = Date::new(
        i16::try_from(day.year).unwrap_or(i16::MAX),
        i8::try_from(day.month).unwrap_or(i8::MAX),
        i8::try_from(day.day).unwrap_or(i8::MAX),
    )
    .map_err(|e| ServiceError::Internal(format!("BgMax payment date {day}: {e}")))?;
    let date = day.to_string();
    let mut all: Vec<bgmax::Payment> = section.payments;
    all.extend(section.deductions);
    all.sort_by_key(|p| p.line);
    Ok(all
        .into_iter()
        .map(|p| {
            let kind = match p.kind {
                PaymentKind::Payment => "p",
                PaymentKind::Deduction => "d",
            };
            let amount_ore = p.signed_amount_ore();
            let base = format!(
                "{}:{date}:{}:{kind}",
                section.receiving_bankgiro, p.bgc_serial
            );
            let n = seen.entry(key_hash(&base)).or_insert(0);
            *n += 1;
            let key = if *n == 1 { base } else { format!("{base}#{n}") };
            Entry {
                key,
                reference: p.reference,
                paid_on,
                amount_ore,
                deduction: p.kind == PaymentKind::Deduction,
                payer: p.payer_name.map(|n| n.name.trim().to_owned()),
            }
        })
        .collect())
}

/// Entries per chunk of the import: the invoices of one chunk are read in one go, its payments
/// written in one go.
pub const IMPORT_CHUNK: usize = 2000;

/// A file's entries, section by section, in chunks of at most [`IMPORT_CHUNK`] (a chunk never
/// spans two sections).
struct EntryChunks<'a> {
    reader: bgmax::SectionReader<'a>,
    seen: HashMap<u64, u32>,
    pending: std::vec::IntoIter<Entry>,
}

impl<'a> EntryChunks<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        EntryChunks {
            reader: bgmax::SectionReader::new(bytes),
            seen: HashMap::new(),
            pending: Vec::new().into_iter(),
        }
    }

    fn next_chunk(&mut self) -> Result<Option<Vec<Entry>>> {
        loop {
            let chunk: Vec<Entry> = self.pending.by_ref().take(IMPORT_CHUNK).collect();
            if !chunk.is_empty() {
                return Ok(Some(chunk));
            }
            match self.reader.next_section().map_err(format_error)? {
                Some(section) => {
                    self.pending = section_entries(section, &mut self.seen)?.into_iter();
                }
                None => return Ok(None),
            }
        }
    }
}

/// The distinct OCR references of a chunk's payments (deductions are never matched).
fn chunk_refs(chunk: &[Entry]) -> Vec<&str> {
    chunk
        .iter()
        .filter(|e| !e.deduction && !e.reference.is_empty())
        .map(|e| e.reference.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect()
}

/// Every payment key of a file (read again, section by section).
fn payment_keys(bytes: &[u8]) -> Result<Vec<String>> {
    let mut seen = HashMap::new();
    let mut keys = Vec::new();
    let mut reader = bgmax::SectionReader::new(bytes);
    while let Some(section) = reader.next_section().map_err(format_error)? {
        keys.extend(
            section_entries(section, &mut seen)?
                .into_iter()
                .map(|e| e.key),
        );
    }
    Ok(keys)
}

/// What names a file, from a first pass that checks every line.
struct Scanned {
    /// TK01 timestamp and receiving bankgiro numbers.
    key: String,
    sha: String,
    count: u64,
    total: Money,
    test_marker: bool,
}

/// The first pass: checks the whole file and keeps only what names it, so a bad line is
/// reported before anything is written and the file is never held whole in memory.
fn scan(bytes: &[u8]) -> Result<Scanned> {
    let mut reader = bgmax::SectionReader::new(bytes);
    let mut bankgiros = BTreeSet::new();
    let mut count = 0u64;
    let mut total = 0i64;
    while let Some(section) = reader.next_section().map_err(format_error)? {
        count += (section.payments.len() + section.deductions.len()) as u64;
        total += section.payments.iter().map(|p| p.amount_ore).sum::<i64>()
            - section.deductions.iter().map(|p| p.amount_ore).sum::<i64>();
        bankgiros.insert(section.receiving_bankgiro);
    }
    let file = reader.finish().map_err(format_error)?;
    Ok(Scanned {
        key: format!(
            "{}:{}",
            file.created.to_bgmax(),
            bankgiros.into_iter().collect::<Vec<_>>().join(",")
        ),
        sha: hex::encode(Sha256::digest(bytes)),
        count,
        total: Money::from_ore(total),
        test_marker: file.test_marker,
    })
}

/// A chunk's payments in import form, and for each entry its row applied to an invoice and
/// its row left unmatched (indexes into the rows).
struct Planned {
    rows: Vec<ImportedPayment>,
    entry_rows: Vec<(Option<usize>, Option<usize>)>,
}

/// Matches a chunk's entries to invoices by OCR: the part an invoice still takes is applied,
/// an over-payment (or a payment to an invoice already paid) and anything unknown waits for
/// a person. `remaining` is what each invoice still takes as this import fills it, so two
/// payments of one file to the same invoice are split correctly.
fn plan_chunk(
    chunk: &[Entry],
    invoices: &HashMap<String, ImportInvoice>,
    remaining: &mut HashMap<InvoiceId, (domain::ids::CustomerId, i64)>,
) -> Planned {
    let mut rows = Vec::with_capacity(chunk.len());
    let mut entry_rows = Vec::with_capacity(chunk.len());
    for e in chunk {
        let row =
            |key: String, invoice_id, customer_id, amount_ore: i64, unmatched| ImportedPayment {
                payment_key: key,
                invoice_id,
                customer_id,
                paid_on: e.paid_on,
                amount: Money::from_ore(amount_ore),
                reference: e.reference.clone(),
                payer: e.payer.clone(),
                unmatched,
            };
        let Some(inv) = (!e.deduction).then(|| invoices.get(&e.reference)).flatten() else {
            entry_rows.push((None, Some(rows.len())));
            rows.push(row(e.key.clone(), None, None, e.amount_ore, true));
            continue;
        };
        let left = remaining
            .entry(inv.id)
            .or_insert((inv.customer_id, (inv.amount.ore() - inv.paid.ore()).max(0)));
        let to_invoice = e.amount_ore.min(left.1);
        let excess = e.amount_ore - to_invoice;
        let mut matched_row = None;
        let mut excess_row = None;
        if to_invoice > 0 {
            left.1 -= to_invoice;
            matched_row = Some(rows.len());
            let r = row(
                e.key.clone(),
                Some(inv.id),
                Some(inv.customer_id),
                to_invoice,
                false,
            );
            rows.push(r);
        }
        if excess > 0 {
            // Over-payment (or an invoice already paid): the rest waits for a person to decide
            // (refund or another invoice).
            let key = if to_invoice > 0 {
                format!("{}:excess", e.key)
            } else {
                e.key.clone()
            };
            excess_row = Some(rows.len());
            rows.push(row(key, None, Some(inv.customer_id), excess, true));
        }
        entry_rows.push((matched_row, excess_row));
    }
    Planned { rows, entry_rows }
}

/// Records a chunk's payments and applies to invoices only what was recorded now (a payment
/// known from an earlier file is not applied again). Returns, row by row, whether it was
/// recorded.
async fn write_chunk(
    tx: &mut store::Tx,
    file: BgmaxFileId,
    plan: &Planned,
    now: i64,
) -> Result<Vec<bool>> {
    let inserted = store::credit::insert_imported_payments(tx, file, &plan.rows, now).await?;
    let mut per_invoice: HashMap<InvoiceId, (i64, Date)> = HashMap::new();
    for (row, _) in &plan.entry_rows {
        let Some(i) = *row else { continue };
        let r = &plan.rows[i];
        if let (true, Some(invoice)) = (inserted[i], r.invoice_id) {
            let e = per_invoice.entry(invoice).or_insert((0, r.paid_on));
            e.0 += r.amount.ore();
            e.1 = e.1.max(r.paid_on);
        }
    }
    let updates: Vec<(InvoiceId, Money, Date)> = per_invoice
        .into_iter()
        .map(|(id, (amount, date))| (id, Money::from_ore(amount), date))
        .collect();
    store::credit::apply_payments(tx, &updates).await?;
    Ok(inserted)
}

/// Adds a written chunk to the report: each entry once, as matched when part of it went to an
/// invoice, and as already imported when nothing of it was recorded now.
fn count_chunk(report: &mut ImportReport, chunk: &[Entry], plan: &Planned, inserted: &[bool]) {
    let mut counted: HashSet<&str> = HashSet::with_capacity(chunk.len());
    for (e, (matched_row, excess_row)) in chunk.iter().zip(&plan.entry_rows) {
        let recorded = |row: &Option<usize>| row.is_some_and(|i| inserted[i]);
        if !recorded(matched_row) && !recorded(excess_row) {
            report.already_imported += 1;
            continue;
        }
        if !counted.insert(e.key.as_str()) {
            continue;
        }
        report.payments += 1;
        report.amount_ore += e.amount_ore;
        if matched_row.is_some() {
            report.matched += 1;
        } else {
            report.unmatched += 1;
        }
    }
}

impl Credit {
    /// Imports a BgMax file. Validates the whole file before writing anything; a file that is
    /// not valid BgMax is refused on the field `file` with [`CreditProblem::BgmaxFormat`], a
    /// test file with [`CreditProblem::BgmaxTestFile`], another file under a known TK01
    /// timestamp and bankgiro as a conflict ([`CreditProblem::BgmaxConflictingFile`]).
    pub async fn import_bgmax(&self, actor: &Actor, bytes: &[u8]) -> Result<ImportReport> {
        let file = scan(bytes)?;
        if file.test_marker && !self.s.demo_mode() {
            return Err(ServiceError::invalid("file", CreditProblem::BgmaxTestFile));
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let new_file = store::credit::NewFile {
            key: &file.key,
            sha256: &file.sha,
            payments: i64::try_from(file.count).unwrap_or(i64::MAX),
            amount: file.total,
            by: &actor.name,
            now,
        };
        let Some(file_id) = store::credit::insert_file(&mut tx, &new_file).await? else {
            return self.known_file(&mut tx, &file, bytes).await;
        };
        let report = self.import_chunks(&mut tx, file_id, bytes, now).await?;
        let detail = format!(
            "{} payments, {} matched, {} unmatched, {} already imported",
            report.payments, report.matched, report.unmatched, report.already_imported
        );
        let event = Event {
            action: "bgmax_imported",
            object_kind: "bgmax_file",
            object_id: &file.key,
            outcome: Outcome::Success,
            detail: &detail,
        };
        audit::record(&mut tx, &self.s, actor, &event).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// A file whose key is known: the same bytes, or the same payments with other line
    /// endings, is a repeat that records nothing; anything else under the same key is refused.
    async fn known_file(
        &self,
        tx: &mut store::Tx,
        file: &Scanned,
        bytes: &[u8],
    ) -> Result<ImportReport> {
        let same_bytes =
            store::credit::file_sha(tx, &file.key).await?.as_deref() == Some(file.sha.as_str());
        let keys = payment_keys(bytes)?;
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        if !same_bytes && store::credit::known_payment_keys(tx, &keys).await? != file.count {
            return Err(ServiceError::conflict(
                CreditProblem::BgmaxConflictingFile {
                    key: file.key.clone(),
                },
            ));
        }
        Ok(ImportReport {
            already_imported: file.count,
            ..ImportReport::default()
        })
    }

    /// The second pass: section by section, each in chunks. On SQLite the invoices of the next
    /// chunk are read on a read connection (its own thread) while this chunk is written: we
    /// hold the write lock, so the last commit is what this transaction started from, and an
    /// invoice this import changed already is taken from `remaining`, never from a read.
    async fn import_chunks(
        &self,
        tx: &mut store::Tx,
        file_id: BgmaxFileId,
        bytes: &[u8],
        now: i64,
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut remaining = HashMap::new();
        let mut reader = store::credit::InvoiceReader::open(self.s.store()).await?;
        let mut chunks = EntryChunks::new(bytes);
        let mut current = chunks.next_chunk()?;
        let mut ahead: Option<Vec<ImportInvoice>> = None;
        while let Some(chunk) = current.take() {
            let found = match ahead.take() {
                Some(found) => found,
                None => store::credit::invoices_by_ocr(tx, &chunk_refs(&chunk)).await?,
            };
            let invoices: HashMap<String, ImportInvoice> =
                found.into_iter().map(|i| (i.ocr.clone(), i)).collect();
            let plan = plan_chunk(&chunk, &invoices, &mut remaining);
            let write = write_chunk(tx, file_id, &plan, now);
            let next = async {
                let next = chunks.next_chunk()?;
                let found = match (&next, reader.as_mut()) {
                    (Some(next), Some(reader)) => {
                        Some(reader.invoices_by_ocr(&chunk_refs(next)).await?)
                    }
                    _ => None,
                };
                Ok::<_, ServiceError>((next, found))
            };
            let (inserted, next) = tokio::join!(write, next);
            let inserted = inserted?;
            (current, ahead) = next?;
            count_chunk(&mut report, &chunk, &plan, &inserted);
        }
        Ok(report)
    }
}

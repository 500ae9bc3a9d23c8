//! Credit (measure M4): BgMax payment imports matched to invoices by OCR, the manual matching
//! queue, and the reference-rate table of räntelagen.
//!
//! An import is all-or-nothing and idempotent: a file is known by its TK01 timestamp and
//! receiving bankgiro numbers (the same file with other line endings is the same file), a
//! payment by its receiving bankgiro, payment date, BGC serial number and kind. The same file
//! twice, one after the other or at the same time, records one set of payments: the file row's
//! unique key serialises concurrent imports, and the second finds the first's.

use std::collections::{HashMap, HashSet};

use formats::bgmax::{self, PaymentKind};
use sha2::{Digest, Sha256};
pub use store::credit::ArrangementRow;
use store::credit::NewPayment;

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

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

/// Why an import was refused; nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not valid BgMax: the message names line and field and what to do.
    #[error("{0}")]
    Format(#[from] bgmax::ParseError),
    #[error(
        "the file is a Bankgirot test file (TK01 marker T); test files are never booked — import the production file"
    )]
    TestFile,
    /// The TK01 timestamp and bankgiro are known, but from a file with other payments.
    #[error(
        "a file with the same TK01 timestamp ({0}) and receiving bankgiro but other payments was imported before; Bankgirot never reuses a timestamp, so ask the bank which file is right before importing"
    )]
    ConflictingFile(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for ImportError {
    fn from(e: store::StoreError) -> Self {
        ImportError::Service(e.into())
    }
}

fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same on every run, unlike a HashMap's random state.
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// The payments of a section in import form, keyed. A key repeated inside the file (seen in
/// Bankgirot's own examples) gets its occurrence number, stable for the same file; occurrences
/// are counted by a 64-bit hash of the key (16 bytes a payment instead of the key itself): a
/// collision only numbers a key that was unique anyway, the same way every time.
fn section_entries(section: bgmax::Section, seen: &mut HashMap<u64, u32>) -> Vec<Entry> {
    let date = section.deposit.payment_date.to_string();
    let mut all: Vec<bgmax::Payment> = section.payments;
    all.extend(section.deductions);
    all.sort_by_key(|p| p.line);
    all.into_iter()
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
                paid_on: date.clone(),
                amount_ore,
                deduction: p.kind == PaymentKind::Deduction,
                payer: p.payer_name.map(|n| n.name.trim().to_owned()),
            }
        })
        .collect()
}

/// Entries per chunk of the import: the invoices of one chunk are read in one go, its payments
/// written in one go.
const IMPORT_CHUNK: usize = 2000;

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

    fn next_chunk(&mut self) -> Result<Option<Vec<Entry>>, bgmax::ParseError> {
        loop {
            let chunk: Vec<Entry> = self.pending.by_ref().take(IMPORT_CHUNK).collect();
            if !chunk.is_empty() {
                return Ok(Some(chunk));
            }
            match self.reader.next_section()? {
                Some(section) => {
                    self.pending = section_entries(section, &mut self.seen).into_iter();
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
fn payment_keys(bytes: &[u8]) -> Result<Vec<String>, bgmax::ParseError> {
    let mut seen = HashMap::new();
    let mut keys = Vec::new();
    let mut reader = bgmax::SectionReader::new(bytes);
    while let Some(section) = reader.next_section()? {
        keys.extend(
            section_entries(section, &mut seen)
                .into_iter()
                .map(|e| e.key),
        );
    }
    Ok(keys)
}

/// A payment of the file in import form.
struct Entry {
    key: String,
    reference: String,
    paid_on: String,
    amount_ore: i64,
    deduction: bool,
    payer: Option<String>,
}

impl Services {
    /// Imports a BgMax file. Validates the whole file before writing anything.
    pub async fn import_bgmax(
        &self,
        actor: &Actor,
        bytes: &[u8],
    ) -> Result<ImportReport, ImportError> {
        // First pass: check the whole file and keep only what names it, so a bad line is
        // reported before anything is written and the file is never held whole in memory.
        let mut reader = bgmax::SectionReader::new(bytes);
        let mut bankgiros = std::collections::BTreeSet::new();
        let mut count = 0u64;
        let mut total = 0i64;
        while let Some(section) = reader.next_section()? {
            count += (section.payments.len() + section.deductions.len()) as u64;
            total += section.payments.iter().map(|p| p.amount_ore).sum::<i64>()
                - section.deductions.iter().map(|p| p.amount_ore).sum::<i64>();
            bankgiros.insert(section.receiving_bankgiro);
        }
        let file = reader.finish()?;
        if file.test_marker && !self.demo_mode() {
            return Err(ImportError::TestFile);
        }
        let file_key = format!(
            "{}:{}",
            file.created.to_bgmax(),
            bankgiros.into_iter().collect::<Vec<_>>().join(",")
        );
        let sha = hex::encode(Sha256::digest(bytes));

        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let Some(file_id) = store::credit::insert_file(
            &mut tx,
            &file_key,
            &sha,
            i64::try_from(count).unwrap_or(i64::MAX),
            total,
            &actor.name,
            now,
        )
        .await?
        else {
            // Known file: the same bytes, or the same payments with other line endings, is a
            // repeat; anything else under the same key is refused.
            let same_bytes = store::credit::file_sha(&mut tx, &file_key)
                .await?
                .as_deref()
                == Some(sha.as_str());
            let keys = payment_keys(bytes)?;
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            if !same_bytes && store::credit::known_payment_keys(&mut tx, &keys).await? != count {
                return Err(ImportError::ConflictingFile(file_key));
            }
            return Ok(ImportReport {
                already_imported: count,
                ..ImportReport::default()
            });
        };
        let mut report = ImportReport::default();
        // Remaining amount per invoice as this import fills it, so two payments of one file to
        // the same invoice are split correctly.
        let mut remaining: HashMap<i64, (i64, i64)> = HashMap::new();
        // Second pass: section by section, each in chunks. On SQLite the invoices of the next
        // chunk are read on a read connection (its own thread) while this chunk is written: we
        // hold the write lock, so the last commit is what this transaction started from, and an
        // invoice this import changed already is taken from `remaining`, never from a read.
        let mut reader = store::credit::InvoiceReader::open(self.store()).await?;
        let mut chunks = EntryChunks::new(bytes);
        let mut current = chunks.next_chunk()?;
        let mut ahead: Option<Vec<store::credit::OpenInvoice>> = None;
        while let Some(chunk) = current.take() {
            {
                let found = match ahead.take() {
                    Some(found) => found,
                    None => store::credit::invoices_by_ocr(&mut tx, &chunk_refs(&chunk)).await?,
                };
                let invoices: HashMap<String, store::credit::OpenInvoice> =
                    found.into_iter().map(|i| (i.ocr.clone(), i)).collect();
                let mut rows = Vec::with_capacity(chunk.len());
                // Per entry: its row applied to an invoice and its row left unmatched, as
                // indexes into `rows`.
                let mut entry_rows: Vec<(Option<usize>, Option<usize>)> =
                    Vec::with_capacity(chunk.len());
                for e in &chunk {
                    let invoice = (!e.deduction).then(|| invoices.get(&e.reference)).flatten();
                    match invoice {
                        Some(inv) => {
                            let left = remaining.entry(inv.id).or_insert((
                                inv.customer_id,
                                (inv.amount_ore - inv.paid_ore).max(0),
                            ));
                            let to_invoice = e.amount_ore.min(left.1);
                            let excess = e.amount_ore - to_invoice;
                            let mut matched_row = None;
                            let mut excess_row = None;
                            if to_invoice > 0 {
                                left.1 -= to_invoice;
                                matched_row = Some(rows.len());
                                rows.push(NewPayment {
                                    payment_key: e.key.clone(),
                                    invoice_id: Some(inv.id),
                                    customer_id: Some(inv.customer_id),
                                    paid_on: e.paid_on.clone(),
                                    amount_ore: to_invoice,
                                    reference: e.reference.clone(),
                                    payer: e.payer.clone(),
                                    unmatched: false,
                                });
                            }
                            if excess > 0 {
                                // Over-payment (or an invoice already paid): the rest waits for a
                                // person to decide (refund or another invoice).
                                excess_row = Some(rows.len());
                                rows.push(NewPayment {
                                    payment_key: if to_invoice > 0 {
                                        format!("{}:excess", e.key)
                                    } else {
                                        e.key.clone()
                                    },
                                    invoice_id: None,
                                    customer_id: Some(inv.customer_id),
                                    paid_on: e.paid_on.clone(),
                                    amount_ore: excess,
                                    reference: e.reference.clone(),
                                    payer: e.payer.clone(),
                                    unmatched: true,
                                });
                            }
                            entry_rows.push((matched_row, excess_row));
                        }
                        None => {
                            entry_rows.push((None, Some(rows.len())));
                            rows.push(NewPayment {
                                payment_key: e.key.clone(),
                                invoice_id: None,
                                customer_id: None,
                                paid_on: e.paid_on.clone(),
                                amount_ore: e.amount_ore,
                                reference: e.reference.clone(),
                                payer: e.payer.clone(),
                                unmatched: true,
                            });
                        }
                    }
                }
                let write = async {
                    let inserted =
                        store::credit::insert_payments(&mut tx, file_id, &rows, now).await?;
                    // Only what was recorded now is applied; a payment known from an earlier
                    // file is not.
                    let mut per_invoice: HashMap<i64, (i64, &str)> = HashMap::new();
                    for (row, _) in entry_rows.iter() {
                        let Some(i) = *row else { continue };
                        let r = &rows[i];
                        if let (true, Some(invoice)) = (inserted[i], r.invoice_id) {
                            let e = per_invoice
                                .entry(invoice)
                                .or_insert((0, r.paid_on.as_str()));
                            e.0 += r.amount_ore;
                            if r.paid_on.as_str() > e.1 {
                                e.1 = r.paid_on.as_str();
                            }
                        }
                    }
                    let updates: Vec<(i64, i64, String)> = per_invoice
                        .into_iter()
                        .map(|(id, (amount, date))| (id, amount, date.to_owned()))
                        .collect();
                    store::credit::apply_payments(&mut tx, &updates).await?;
                    Ok::<_, ImportError>(inserted)
                };
                let next = async {
                    let next = chunks.next_chunk()?;
                    let found = match (&next, reader.as_mut()) {
                        (Some(next), Some(reader)) => {
                            Some(reader.invoices_by_ocr(&chunk_refs(next)).await?)
                        }
                        _ => None,
                    };
                    Ok::<_, ImportError>((next, found))
                };
                let (inserted, next) = tokio::join!(write, next);
                let inserted = inserted?;
                (current, ahead) = next?;
                let mut counted: HashSet<&str> = HashSet::with_capacity(chunk.len());
                for (e, (matched_row, excess_row)) in chunk.iter().zip(&entry_rows) {
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
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "bgmax_imported",
                object_kind: "bgmax_file",
                object_id: &file_key,
                outcome: Outcome::Success,
                detail: &format!(
                    "{} payments, {} matched, {} unmatched, {} already imported",
                    report.payments, report.matched, report.unmatched, report.already_imported
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Payments waiting for a person: unknown references, deductions and over-payments.
    pub async fn unmatched_payments(
        &self,
        limit: i64,
    ) -> Result<Vec<store::credit::UnmatchedPayment>> {
        Ok(store::credit::unmatched(self.store(), limit).await?)
    }

    /// Matches a queued payment to an invoice named by OCR or invoice number.
    pub async fn match_payment(
        &self,
        actor: &Actor,
        payment_id: i64,
        invoice_key: &str,
    ) -> Result<()> {
        let invoice = store::credit::invoice_by_ocr_or_number(self.store(), invoice_key.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("invoice", "ingen faktura med det OCR- eller fakturanumret")
            })?;
        let mut tx = self.store().begin().await?;
        let Some((amount, paid_on)) =
            store::credit::match_payment(&mut tx, payment_id, invoice.id, invoice.customer_id)
                .await?
        else {
            return Err(ServiceError::conflict("betalningen är redan matchad"));
        };
        store::credit::apply_payments(&mut tx, &[(invoice.id, amount, paid_on)]).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "payment_matched",
                object_kind: "payment",
                object_id: &payment_id.to_string(),
                outcome: Outcome::Success,
                detail: &invoice.ocr,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What one nightly dunning and interest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DunningReport {
    pub examined: u64,
    pub marked_overdue: u64,
    pub reminders: u64,
    pub fees_ore: i64,
    pub fees_not_agreed: u64,
    pub to_collection: u64,
    pub broken_arrangements: u64,
    pub interest_posted: u64,
    pub interest_ore: i64,
}

fn date(s: &str) -> Option<jiff::civil::Date> {
    domain::time::parse_date(s).ok()
}

impl Services {
    /// The reference-rate table; seeded with the known rates the first time it is read empty.
    pub async fn reference_rates(&self) -> Result<Vec<domain::credit::ReferenceRate>> {
        let mut rows = store::credit::reference_rates(self.store()).await?;
        if rows.is_empty() {
            let mut tx = self.store().begin().await?;
            for r in domain::credit::known_reference_rates() {
                store::credit::seed_reference_rate(
                    &mut tx,
                    &r.valid_from.to_string(),
                    i64::from(r.rate_bp),
                    self.now_micros(),
                )
                .await?;
            }
            tx.commit().await?;
            rows = store::credit::reference_rates(self.store()).await?;
        }
        Ok(rows
            .into_iter()
            .filter_map(|(d, bp)| {
                Some(domain::credit::ReferenceRate {
                    valid_from: date(&d)?,
                    rate_bp: i32::try_from(bp).ok()?,
                })
            })
            .collect())
    }

    /// Finance sets the reference rate of a half-year (1 January or 1 July).
    pub async fn set_reference_rate(
        &self,
        actor: &Actor,
        valid_from: jiff::civil::Date,
        rate_bp: i32,
    ) -> Result<()> {
        if !(valid_from.day() == 1 && (valid_from.month() == 1 || valid_from.month() == 7)) {
            return Err(ServiceError::invalid(
                "valid_from",
                "referensräntan gäller från 1 januari eller 1 juli",
            ));
        }
        if !(-1000..=2000).contains(&rate_bp) {
            return Err(ServiceError::invalid(
                "rate",
                "räntan ska vara mellan −10 och 20 procent",
            ));
        }
        self.reference_rates().await?;
        let mut tx = self.store().begin().await?;
        store::credit::set_reference_rate(
            &mut tx,
            &valid_from.to_string(),
            i64::from(rate_bp),
            &actor.name,
            self.now_micros(),
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "reference_rate_set",
                object_kind: "reference_rate",
                object_id: &valid_from.to_string(),
                outcome: Outcome::Success,
                detail: &rate_bp.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What late-payment interest needs for these invoices: their payments, and the windows
    /// of approved (also later completed or broken) arrangements, during which no interest runs.
    #[allow(clippy::type_complexity)]
    async fn interest_inputs(
        &self,
        ids: &[i64],
    ) -> Result<(
        HashMap<i64, Vec<(jiff::civil::Date, i64)>>,
        HashMap<i64, Vec<(jiff::civil::Date, jiff::civil::Date)>>,
    )> {
        let mut payments: HashMap<i64, Vec<(jiff::civil::Date, i64)>> = HashMap::new();
        for (inv, d, ore) in store::credit::payments_of(self.store(), ids).await? {
            if let Some(d) = date(&d) {
                payments.entry(inv).or_default().push((d, ore));
            }
        }
        let mut waived: HashMap<i64, Vec<(jiff::civil::Date, jiff::civil::Date)>> = HashMap::new();
        for a in
            store::credit::arrangements_of(self.store(), ids, "('approved', 'completed', 'broken')")
                .await?
        {
            let end = match a.kind.as_str() {
                "extension" => a.new_due_on.as_deref().and_then(date),
                _ => None,
            };
            let end = match end {
                Some(e) => Some(e),
                None => store::credit::instalments_of(self.store(), &[a.id])
                    .await?
                    .last()
                    .and_then(|i| date(&i.2)),
            };
            if let (Some(from), Some(to)) = (date(&a.original_due_on), end) {
                let to = a
                    .broken_on
                    .as_deref()
                    .and_then(date)
                    .map_or(to, |b| b.min(to));
                waived
                    .entry(a.invoice_id)
                    .or_default()
                    .push((from.tomorrow().unwrap_or(from), to));
            }
        }
        Ok((payments, waived))
    }

    /// The debt-collection list with the interest accrued on each invoice until `today`.
    pub async fn collection_with_interest(
        &self,
        today: jiff::civil::Date,
    ) -> Result<Vec<(store::credit::CreditInvoice, String, Option<String>, i64)>> {
        let rows = store::credit::collection_list(self.store()).await?;
        let rates = self.reference_rates().await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
        let (mut payments, mut waived) = self.interest_inputs(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|(inv, name, since)| {
                let interest = date(&inv.due_on).map_or(0, |due| {
                    domain::credit::late_interest(&domain::credit::InterestQuery {
                        amount_ore: inv.amount_ore,
                        due,
                        payments: &payments.remove(&inv.id).unwrap_or_default(),
                        until: today,
                        rates: &rates,
                        waived: &waived.remove(&inv.id).unwrap_or_default(),
                    })
                    .total_ore
                });
                (inv, name, since, interest)
            })
            .collect())
    }

    /// The nightly run: overdue marking, broken arrangements, reminders (with a fee only where
    /// agreed), the debt-collection list, and late-payment interest on invoices paid late
    /// (posted as a charge for the customer's next invoice, never for a day inside an approved
    /// extension). Idempotent: the same day twice does nothing the second time.
    pub async fn run_dunning(&self, today: jiff::civil::Date) -> Result<DunningReport> {
        use domain::credit::{DunningState, DunningStep, ExtensionStatus, SentReminder};
        let mut report = DunningReport::default();
        let policy = match self
            .policies()
            .at(domain::policy::Capability::Credit, self.now())
            .await?
        {
            domain::policy::PolicyBody::Credit(p) => p,
            _ => {
                return Err(ServiceError::Internal(
                    "credit policy of another kind".into(),
                ));
            }
        };
        let rates = self.reference_rates().await?;
        let today_s = today.to_string();
        let now = self.now_micros();
        let status = if self.demo_mode() {
            domain::outbox::OutboxStatus::Held
        } else {
            domain::outbox::OutboxStatus::Pending
        };
        {
            let mut tx = self.store().begin().await?;
            report.marked_overdue = store::credit::mark_overdue(&mut tx, &today_s).await?;
            store::credit::complete_paid_arrangements(&mut tx).await?;
            tx.commit().await?;
        }
        let candidates = store::credit::dunning_candidates(self.store(), &today_s).await?;
        report.examined = candidates.len() as u64;
        for page in candidates.chunks(5000) {
            let in_extension: Vec<i64> = page
                .iter()
                .filter(|r| r.status == "extension")
                .map(|r| r.id)
                .collect();
            let arrangements =
                store::credit::arrangements_of(self.store(), &in_extension, "('approved')").await?;
            let instalments = store::credit::instalments_of(
                self.store(),
                &arrangements
                    .iter()
                    .filter(|a| a.kind == "instalments")
                    .map(|a| a.id)
                    .collect::<Vec<_>>(),
            )
            .await?;
            let arrangement_of: HashMap<i64, &store::credit::ArrangementRow> =
                arrangements.iter().map(|a| (a.invoice_id, a)).collect();
            let mut broken = Vec::new();
            let mut reminders: Vec<store::credit::NewReminder> = Vec::new();
            let mut charges: Vec<store::credit::NewCharge> = Vec::new();
            let mut collection = Vec::new();
            let mut texts: Vec<(i64, String, String, String, String)> = Vec::new();
            for r in page {
                let Some(due) = date(&r.due_on) else { continue };
                let outstanding = r.amount_ore - r.paid_ore;
                // An approved arrangement: active until a date or instalment is missed.
                let (extension, dunning_due) = match arrangement_of.get(&r.id) {
                    Some(a) => {
                        let missed = match a.kind.as_str() {
                            "extension" => a
                                .new_due_on
                                .as_deref()
                                .and_then(date)
                                .filter(|d| *d < today)
                                .map(|d| (d, d)),
                            _ => {
                                let mut owed = 0;
                                let mut missed = None;
                                for (_, _, d, ore) in instalments.iter().filter(|i| i.0 == a.id) {
                                    owed += ore;
                                    if let Some(d) = date(d)
                                        && d < today
                                        && r.paid_ore < owed
                                    {
                                        missed = Some((d, d));
                                        break;
                                    }
                                }
                                missed
                            }
                        };
                        match missed {
                            Some((on, from)) => {
                                broken.push((a.id, r.id, on.to_string()));
                                (ExtensionStatus::Broken, from)
                            }
                            None => (ExtensionStatus::Active, due),
                        }
                    }
                    None => (ExtensionStatus::Inactive, due),
                };
                let state = DunningState {
                    outstanding_ore: outstanding,
                    due: dunning_due,
                    level: u8::try_from(r.reminder_level.clamp(0, 2)).unwrap_or(2),
                    last_reminder: r
                        .reminder_due_on
                        .as_deref()
                        .and_then(date)
                        .map(|d| SentReminder { sent: d, due: d }),
                    extension,
                };
                match domain::credit::next_dunning_step(&state, &policy, r.fee_agreed, today) {
                    Some(DunningStep::Reminder(rem)) => {
                        reminders.push((
                            r.id,
                            i64::from(rem.level),
                            today_s.clone(),
                            rem.due.to_string(),
                            rem.fee_ore,
                        ));
                        if rem.fee_ore > 0 {
                            charges.push((
                                r.customer_id,
                                r.id,
                                "reminder_fee",
                                rem.fee_ore,
                                today_s.clone(),
                                format!("fee:{}:{}", r.id, rem.level),
                            ));
                        } else {
                            report.fees_not_agreed += 1;
                        }
                        let en = r.language == "en";
                        let money = domain::money::Money::from_ore(outstanding);
                        let fee = domain::money::Money::from_ore(rem.fee_ore);
                        let (subject, body) = if en {
                            (
                                format!("Reminder {}: invoice {}", rem.level, r.invoice_number),
                                format!(
                                    "Dear {},\nwe have not received payment of invoice {} ({money}, due {}). Please pay by {} to bankgiro with OCR {}.{}\nShort of money? Ask for more time under Mina sidor or call us.",
                                    r.name,
                                    r.invoice_number,
                                    r.due_on,
                                    rem.due,
                                    r.ocr,
                                    if rem.fee_ore > 0 {
                                        format!(
                                            " A reminder fee of {fee} is added to your next invoice."
                                        )
                                    } else {
                                        String::new()
                                    }
                                ),
                            )
                        } else {
                            (
                                format!("Påminnelse {}: faktura {}", rem.level, r.invoice_number),
                                format!(
                                    "Hej {},\nvi har inte fått betalt för faktura {} ({money}, förföll {}). Betala senast {} till bankgiro med OCR {}.{}\nHar du svårt att betala? Ansök om anstånd på Mina sidor eller ring oss.",
                                    r.name,
                                    r.invoice_number,
                                    r.due_on,
                                    rem.due,
                                    r.ocr,
                                    if rem.fee_ore > 0 {
                                        format!(
                                            " En påminnelseavgift på {fee} läggs på din nästa faktura."
                                        )
                                    } else {
                                        String::new()
                                    }
                                ),
                            )
                        };
                        let (channel, recipient) =
                            match (r.preferred_channel.as_str(), &r.email, &r.phone) {
                                ("email", Some(e), _) => ("email", e.clone()),
                                ("sms", _, Some(p)) => ("sms", p.clone()),
                                (_, Some(e), _) => ("email", e.clone()),
                                _ => ("letter", r.name.clone()),
                            };
                        texts.push((
                            r.id,
                            channel.to_owned(),
                            recipient,
                            subject,
                            format!("{body}\n#{}", rem.level),
                        ));
                    }
                    Some(DunningStep::DebtCollection) => collection.push(r.id),
                    None => {}
                }
            }
            let mut tx = self.store().begin().await?;
            store::credit::break_arrangements(&mut tx, &broken).await?;
            report.broken_arrangements += broken.len() as u64;
            let recorded: std::collections::HashSet<i64> =
                store::credit::record_reminders(&mut tx, &reminders, now)
                    .await?
                    .into_iter()
                    .collect();
            report.reminders += recorded.len() as u64;
            let charges: Vec<_> = charges
                .into_iter()
                .filter(|c| recorded.contains(&c.1))
                .collect();
            report.fees_ore += charges.iter().map(|c| c.3).sum::<i64>();
            store::credit::record_charges(&mut tx, &charges).await?;
            let customer_of: HashMap<i64, i64> =
                page.iter().map(|r| (r.id, r.customer_id)).collect();
            let keys: Vec<String> = texts
                .iter()
                .map(|t| format!("reminder:{}:{}", t.0, t.4.rsplit('#').next().unwrap_or("0")))
                .collect();
            let msgs: Vec<store::outbox::NewMessage<'_>> = texts
                .iter()
                .zip(&keys)
                .filter(|(t, _)| recorded.contains(&t.0))
                .map(|(t, key)| store::outbox::NewMessage {
                    channel: t.1.parse().unwrap_or(domain::customer::Channel::Letter),
                    customer_id: customer_of
                        .get(&t.0)
                        .copied()
                        .map(domain::ids::CustomerId::new),
                    recipient: &t.2,
                    subject: &t.3,
                    body_text: t.4.rsplit_once("\n#").map_or(t.4.as_str(), |(b, _)| b),
                    body_html: None,
                    attachment: None,
                    status,
                    dedupe_key: Some(key),
                    now,
                })
                .collect();
            store::outbox::insert_many(&mut tx, &msgs).await?;
            store::credit::to_collection(&mut tx, &collection, &today_s).await?;
            report.to_collection += collection.len() as u64;
            tx.commit().await?;
        }
        // Interest on invoices paid late.
        // Payments are sometimes booked days after they were made; sixty days back covers that.
        let since = today
            .checked_sub(jiff::Span::new().days(60))
            .unwrap_or(today)
            .to_string();
        let late = store::credit::paid_late_without_interest(self.store(), &since).await?;
        for page in late.chunks(5000) {
            let ids: Vec<i64> = page.iter().map(|r| r.id).collect();
            let (mut payments, mut waived) = self.interest_inputs(&ids).await?;
            let mut charges: Vec<store::credit::NewCharge> = Vec::new();
            for r in page {
                let (Some(due), Some(paid_on)) = (date(&r.due_on), date(&r.paid_on)) else {
                    continue;
                };
                let pays = payments.remove(&r.id).unwrap_or_default();
                let w = waived.remove(&r.id).unwrap_or_default();
                let b = domain::credit::late_interest(&domain::credit::InterestQuery {
                    amount_ore: r.amount_ore,
                    due,
                    payments: &pays,
                    until: paid_on,
                    rates: &rates,
                    waived: &w,
                });
                // Zero is recorded too, so the invoice is not examined again every night.
                charges.push((
                    r.customer_id,
                    r.id,
                    "interest",
                    b.total_ore,
                    today_s.clone(),
                    format!("interest:{}", r.id),
                ));
            }
            let mut tx = self.store().begin().await?;
            let n = store::credit::record_charges(&mut tx, &charges).await?;
            tx.commit().await?;
            report.interest_posted += charges.iter().filter(|c| c.3 > 0).count() as u64;
            report.interest_ore += charges.iter().map(|c| c.3).sum::<i64>();
            let _ = n;
        }
        Ok(report)
    }
}

/// What a request for more time came to.
#[derive(Debug, Clone)]
pub struct ExtensionOutcome {
    pub arrangement_id: i64,
    pub assessment: domain::credit::Assessment,
}

/// A referred request with what the credit officer needs to decide it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub arrangement: store::credit::ArrangementRow,
    pub invoice: store::credit::CreditInvoice,
    pub customer_name: String,
    pub reasons: Vec<serde_json::Value>,
    pub reminders_12m: usize,
    pub broken_12m: usize,
    pub collections_12m: usize,
}

/// One row of the board report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoardRow {
    pub month: String,
    pub segment: String,
    pub granted: i64,
    pub deferred_ore: i64,
    pub interest_waived_ore: i64,
    pub broken: i64,
}

fn invoice_state(
    i: &store::credit::CreditInvoice,
    today: jiff::civil::Date,
) -> domain::credit::InvoiceState {
    use domain::credit::InvoiceState;
    match i.status.as_str() {
        "paid" => InvoiceState::Paid,
        "extension" => InvoiceState::InExtension,
        "collection" => InvoiceState::WithCollection,
        _ if i.paid_ore >= i.amount_ore => InvoiceState::Paid,
        _ if date(&i.due_on).is_some_and(|d| d < today) => InvoiceState::Overdue,
        _ if i.paid_ore > 0 => InvoiceState::PartlyPaid,
        _ => InvoiceState::Open,
    }
}

impl Services {
    /// The credit policy in force now.
    pub async fn credit_policy_now(&self) -> Result<domain::policy::CreditPolicy> {
        self.credit_policy().await
    }

    async fn credit_policy(&self) -> Result<domain::policy::CreditPolicy> {
        match self
            .policies()
            .at(domain::policy::Capability::Credit, self.now())
            .await?
        {
            domain::policy::PolicyBody::Credit(p) => Ok(p),
            _ => Err(ServiceError::Internal(
                "credit policy of another kind".into(),
            )),
        }
    }

    async fn payment_history(
        &self,
        customer: i64,
        months: u32,
    ) -> Result<domain::credit::PaymentHistory> {
        let since = self
            .today()
            .checked_sub(jiff::Span::new().months(i64::from(months.min(600))))
            .unwrap_or(self.today());
        let (r, b, c, active) =
            store::credit::history(self.store(), customer, &since.to_string()).await?;
        Ok(domain::credit::PaymentHistory {
            reminders: r.iter().filter_map(|d| date(d)).collect(),
            broken_arrangements: b.iter().filter_map(|d| date(d)).collect(),
            debt_collections: c.iter().filter_map(|d| date(d)).collect(),
            active_arrangements: u32::try_from(active).unwrap_or(u32::MAX),
        })
    }

    /// A customer (portal) or an agent (phone) asks for a new due date or instalments. Within
    /// the policy in force it is approved at once; otherwise it goes to the credit officers'
    /// queue; impossible requests are refused. The reasons are kept with the request.
    pub async fn request_extension(
        &self,
        actor: &Actor,
        invoice_id: i64,
        ask: domain::credit::Ask,
    ) -> Result<ExtensionOutcome> {
        use domain::credit::Decision;
        let invoice = store::credit::credit_invoice(self.store(), invoice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let source = match actor.role {
            Some(domain::role::Role::Customer) => {
                if actor.customer_id != Some(domain::ids::CustomerId::new(invoice.customer_id)) {
                    return Err(ServiceError::NotFound);
                }
                "portal"
            }
            Some(
                domain::role::Role::Agent
                | domain::role::Role::CreditOfficer
                | domain::role::Role::Admin,
            ) => "agent",
            _ => return Err(ServiceError::Forbidden),
        };
        let policy = self.credit_policy().await?;
        let today = self.today();
        let due = date(&invoice.due_on)
            .ok_or_else(|| ServiceError::Internal("invoice due date unreadable".into()))?;
        let history = self
            .payment_history(invoice.customer_id, policy.require_clean_history_months)
            .await?;
        let req = domain::credit::ExtensionRequest {
            outstanding_ore: invoice.amount_ore - invoice.paid_ore,
            due,
            state: invoice_state(&invoice, today),
            ask,
        };
        let assessment = domain::credit::assess_extension(&req, &history, &policy, today);
        let reasons = serde_json::to_string(&assessment.reasons)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let (kind, new_due, instalments) = match ask {
            domain::credit::Ask::NewDueDate(d) => ("extension", Some(d.to_string()), None),
            domain::credit::Ask::Instalments(n) => (
                "instalments",
                assessment.schedule.last().map(|s| s.0.to_string()),
                Some(i64::from(n)),
            ),
        };
        let status = match assessment.decision {
            Decision::Approve => "approved",
            Decision::Refer => "referred",
            Decision::Refuse => "refused",
        };
        let mut tx = self.store().begin().await?;
        let id = store::credit::insert_arrangement(
            &mut tx,
            &store::credit::NewArrangement {
                invoice_id,
                customer_id: invoice.customer_id,
                kind,
                status,
                source,
                original_due_on: &invoice.due_on,
                new_due_on: new_due.as_deref(),
                instalments,
                amount_ore: req.outstanding_ore,
                waive_interest: policy.waive_interest,
                reasons: &reasons,
                requested_by: &actor.name,
                decided_by: (status != "referred").then_some("policy"),
                now: self.now_micros(),
            },
        )
        .await?;
        if !assessment.schedule.is_empty() && kind == "instalments" {
            let rows: Vec<(String, i64)> = assessment
                .schedule
                .iter()
                .map(|(d, o)| (d.to_string(), *o))
                .collect();
            store::credit::insert_instalments(&mut tx, id, &rows).await?;
        }
        if status == "approved" {
            store::credit::set_invoice_status(&mut tx, invoice_id, "extension").await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "extension_requested",
                object_kind: "arrangement",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: status,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ExtensionOutcome {
            arrangement_id: id,
            assessment,
        })
    }

    /// The id of a customer's invoice by its number (404 when it is someone else's).
    pub async fn invoice_by_number_for(&self, customer: i64, number: &str) -> Result<i64> {
        match store::credit::invoice_by_ocr_or_number(self.store(), number).await? {
            Some(i) if i.customer_id == customer => Ok(i.id),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The credit officers' queue: referred requests, oldest first, with payment history.
    pub async fn credit_queue(&self) -> Result<Vec<QueueItem>> {
        let mut out = Vec::new();
        for a in store::credit::arrangements_with_status(self.store(), "referred", 200).await? {
            out.push(self.queue_item(a).await?);
        }
        Ok(out)
    }

    pub async fn arrangement_detail(&self, id: i64) -> Result<QueueItem> {
        let a = store::credit::arrangement(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.queue_item(a).await
    }

    async fn queue_item(&self, a: store::credit::ArrangementRow) -> Result<QueueItem> {
        let invoice = store::credit::credit_invoice(self.store(), a.invoice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let customer =
            store::customers::get(self.store(), domain::ids::CustomerId::new(a.customer_id))
                .await?
                .ok_or(ServiceError::NotFound)?;
        let h = self.payment_history(a.customer_id, 12).await?;
        let reasons: Vec<serde_json::Value> = serde_json::from_str(&a.reasons).unwrap_or_default();
        Ok(QueueItem {
            reminders_12m: h.reminders.len(),
            broken_12m: h.broken_arrangements.len(),
            collections_12m: h.debt_collections.len(),
            arrangement: a,
            invoice,
            customer_name: customer.name,
            reasons,
        })
    }

    /// A credit officer decides a referred request, saying why.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: i64,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        if !matches!(
            actor.role,
            Some(domain::role::Role::CreditOfficer | domain::role::Role::Admin)
        ) {
            return Err(ServiceError::Forbidden);
        }
        if note.trim().is_empty() {
            return Err(ServiceError::invalid(
                "note",
                "skriv varför (syns i historiken)",
            ));
        }
        let a = store::credit::arrangement(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.store().begin().await?;
        let status = if approve { "approved" } else { "refused" };
        if !store::credit::decide(
            &mut tx,
            id,
            status,
            &actor.name,
            note.trim(),
            self.now_micros(),
        )
        .await?
        {
            return Err(ServiceError::conflict("ärendet är redan avgjort"));
        }
        if approve {
            store::credit::set_invoice_status(&mut tx, a.invoice_id, "extension").await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "extension_decided",
                object_kind: "arrangement",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: status,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn customer_credit(
        &self,
        customer: i64,
    ) -> Result<(
        Vec<store::credit::CreditInvoice>,
        Vec<store::credit::ArrangementRow>,
    )> {
        Ok((
            store::credit::unpaid_invoices_of(self.store(), customer).await?,
            store::credit::customer_arrangements(self.store(), customer).await?,
        ))
    }

    pub async fn collection_list(
        &self,
    ) -> Result<Vec<(store::credit::CreditInvoice, String, Option<String>)>> {
        Ok(store::credit::collection_list(self.store()).await?)
    }

    /// Extensions granted, amounts deferred, interest waived and broken arrangements per month
    /// and customer segment (private, business).
    pub async fn board_report(&self) -> Result<Vec<BoardRow>> {
        let rates = self.reference_rates().await?;
        let mut waived: HashMap<(String, String), i64> = HashMap::new();
        for status in ["approved", "completed", "broken"] {
            for a in store::credit::arrangements_with_status(self.store(), status, 100_000).await? {
                if !a.waive_interest {
                    continue;
                }
                let (Some(from), Some(to)) = (
                    date(&a.original_due_on),
                    a.new_due_on.as_deref().and_then(date),
                ) else {
                    continue;
                };
                let b = domain::credit::late_interest(&domain::credit::InterestQuery {
                    amount_ore: a.amount_ore,
                    due: from,
                    payments: &[],
                    until: to,
                    rates: &rates,
                    waived: &[],
                });
                let kind = store::customers::get(
                    self.store(),
                    domain::ids::CustomerId::new(a.customer_id),
                )
                .await?
                .map(|c| c.kind.as_str().to_owned())
                .unwrap_or_default();
                *waived
                    .entry((a.original_due_on[..7].to_owned(), kind))
                    .or_default() += b.total_ore;
            }
        }
        Ok(store::credit::board_report(self.store())
            .await?
            .into_iter()
            .map(|(month, segment, granted, deferred, broken)| BoardRow {
                interest_waived_ore: waived
                    .get(&(month.clone(), segment.clone()))
                    .copied()
                    .unwrap_or(0),
                month,
                segment,
                granted,
                deferred_ore: deferred,
                broken,
            })
            .collect())
    }
}

/// What an invoice import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InvoiceImportReport {
    pub invoices: u64,
    pub amount_ore: i64,
    pub already_imported: u64,
    /// Fees and interest billed on the new invoices.
    pub charges_billed_ore: i64,
}

/// A bad row of an invoice file: where and what.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, field {field}: {message}")]
pub struct CsvError {
    pub line: u64,
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InvoiceImportError {
    #[error("{0}")]
    Row(#[from] CsvError),
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

impl Services {
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
        let text = std::str::from_utf8(bytes).map_err(|e| CsvError {
            line: 1,
            field: "file",
            message: format!("not UTF-8 ({e}); save the file as UTF-8"),
        })?;
        let delimiter = if text.lines().next().is_some_and(|h| h.contains(';')) {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| CsvError {
            line: 1,
            field: "header",
            message: e.to_string(),
        })?;
        let header: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
        if header != INVOICE_COLUMNS {
            return Err(CsvError {
                line: 1,
                field: "header",
                message: format!("expected the columns {}", INVOICE_COLUMNS.join(",")),
            }
            .into());
        }
        struct Row {
            customer: String,
            number: String,
            issued: String,
            due: String,
            amount: i64,
            ocr: String,
        }
        let mut rows = Vec::new();
        let mut numbers = HashSet::new();
        for (i, rec) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let rec = rec.map_err(|e| CsvError {
                line,
                field: "row",
                message: e.to_string(),
            })?;
            let get = |k: usize| rec.get(k).unwrap_or("").to_owned();
            let bad = |field: &'static str, message: String| CsvError {
                line,
                field,
                message,
            };
            let customer = get(0);
            if customer.is_empty() {
                return Err(bad("customer_number", "missing".into()).into());
            }
            let number = get(1);
            if number.is_empty() || number.len() > 30 {
                return Err(bad("invoice_number", "1–30 characters".into()).into());
            }
            if !numbers.insert(number.clone()) {
                return Err(bad(
                    "invoice_number",
                    format!("{number} appears twice in the file"),
                )
                .into());
            }
            let issued = domain::time::parse_date(&get(2))
                .map_err(|_| bad("issued_on", "a date YYYY-MM-DD".into()))?;
            let due = domain::time::parse_date(&get(3))
                .map_err(|_| bad("due_on", "a date YYYY-MM-DD".into()))?;
            if due < issued {
                return Err(bad("due_on", "before issued_on".into()).into());
            }
            let amount = parse_kronor(&get(4)).filter(|a| *a > 0).ok_or_else(|| {
                bad(
                    "amount",
                    format!("{:?} is not an amount in kronor such as 1 234,50", get(4)),
                )
            })?;
            let ocr = match get(5) {
                s if s.is_empty() => {
                    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
                    domain::ocr::OcrReference::generate(&digits, true)
                        .map_err(|e| {
                            bad(
                                "ocr",
                                format!(
                                    "cannot make an OCR reference from the invoice number: {e}"
                                ),
                            )
                        })?
                        .as_str()
                        .to_owned()
                }
                s => domain::ocr::OcrReference::parse_with_length_digit(&s)
                    .map_err(|e| bad("ocr", format!("{s:?}: {e}")))?
                    .as_str()
                    .to_owned(),
            };
            rows.push(Row {
                customer,
                number,
                issued: issued.to_string(),
                due: due.to_string(),
                amount,
                ocr,
            });
        }
        let mut tx = self.store().begin().await?;
        let wanted: Vec<&str> = rows
            .iter()
            .map(|r| r.customer.as_str())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let customers: HashMap<String, i64> =
            store::credit::customer_ids_by_number(&mut tx, &wanted)
                .await?
                .into_iter()
                .collect();
        for (i, r) in rows.iter().enumerate() {
            if !customers.contains_key(&r.customer) {
                return Err(CsvError {
                    line: i as u64 + 2,
                    field: "customer_number",
                    message: format!("no customer {}", r.customer),
                }
                .into());
            }
        }
        let all: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
        let existing: HashSet<String> = store::credit::existing_invoice_numbers(&mut tx, &all)
            .await?
            .into_iter()
            .collect();
        let mut report = InvoiceImportReport::default();
        let now = self.now_micros();
        let new: Vec<store::customers::NewInvoice> = rows
            .iter()
            .filter(|r| !existing.contains(&r.number))
            .map(|r| store::customers::NewInvoice {
                customer_id: customers[&r.customer],
                invoice_number: r.number.clone(),
                ocr: r.ocr.clone(),
                issued_on: r.issued.clone(),
                due_on: r.due.clone(),
                amount_ore: r.amount,
                paid_ore: 0,
                status: "open".into(),
                created_at: now,
            })
            .collect();
        report.already_imported = existing.len() as u64;
        for chunk in new.chunks(500) {
            let ids = store::customers::insert_invoices(&mut tx, chunk)
                .await
                .map_err(|e| {
                    if e.is_conflict_on("ocr") {
                        ServiceError::invalid(
                            "ocr",
                            "an OCR reference of the file belongs to an invoice already",
                        )
                    } else {
                        e.into()
                    }
                })?;
            let by_number: HashMap<String, i64> = ids.into_iter().collect();
            for inv in chunk {
                report.invoices += 1;
                report.amount_ore += inv.amount_ore;
                if let Some(id) = by_number.get(&inv.invoice_number) {
                    report.charges_billed_ore +=
                        store::credit::bill_pending_charges(&mut tx, inv.customer_id, *id).await?;
                }
            }
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "invoices_imported",
                object_kind: "invoices",
                object_id: "csv",
                outcome: Outcome::Success,
                detail: &format!(
                    "{} new, {} already imported",
                    report.invoices, report.already_imported
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }
}

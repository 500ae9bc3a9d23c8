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
        let file = bgmax::parse(bytes)?;
        if file.test_marker && !self.demo_mode() {
            return Err(ImportError::TestFile);
        }
        let mut bankgiros: Vec<&str> = file
            .sections
            .iter()
            .map(|s| s.receiving_bankgiro.as_str())
            .collect();
        bankgiros.sort_unstable();
        bankgiros.dedup();
        let file_key = format!("{}:{}", file.created.to_bgmax(), bankgiros.join(","));
        let sha = hex::encode(Sha256::digest(bytes));

        // Payment keys; a key repeated inside the file (seen in Bankgirot's own examples) gets
        // its occurrence number, which is stable for the same file.
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut entries = Vec::with_capacity(
            file.sections
                .iter()
                .map(|s| s.payments.len() + s.deductions.len())
                .sum(),
        );
        for section in &file.sections {
            let date = section.deposit.payment_date.to_string();
            for p in section.entries() {
                let kind = match p.kind {
                    PaymentKind::Payment => "p",
                    PaymentKind::Deduction => "d",
                };
                let base = format!(
                    "{}:{date}:{}:{kind}",
                    section.receiving_bankgiro, p.bgc_serial
                );
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                let key = if *n == 1 { base } else { format!("{base}#{n}") };
                entries.push(Entry {
                    key,
                    reference: p.reference.clone(),
                    paid_on: date.clone(),
                    amount_ore: p.signed_amount_ore(),
                    deduction: p.kind == PaymentKind::Deduction,
                    payer: p.payer_name.as_ref().map(|n| n.name.trim().to_owned()),
                });
            }
        }
        drop(seen);
        let count = entries.len() as u64;
        let total: i64 = entries.iter().map(|e| e.amount_ore).sum();
        drop(file);

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
            let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
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
        for chunk in entries.chunks(2000) {
            let refs: Vec<&str> = chunk
                .iter()
                .filter(|e| !e.deduction && !e.reference.is_empty())
                .map(|e| e.reference.as_str())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let invoices: HashMap<String, store::credit::OpenInvoice> =
                store::credit::invoices_by_ocr(&mut tx, &refs)
                    .await?
                    .into_iter()
                    .map(|i| (i.ocr.clone(), i))
                    .collect();
            let mut rows = Vec::with_capacity(chunk.len());
            let mut applied: Vec<(String, i64, i64, String)> = Vec::new();
            for e in chunk {
                let invoice = (!e.deduction).then(|| invoices.get(&e.reference)).flatten();
                match invoice {
                    Some(inv) => {
                        let left = remaining
                            .entry(inv.id)
                            .or_insert((inv.customer_id, (inv.amount_ore - inv.paid_ore).max(0)));
                        let to_invoice = e.amount_ore.min(left.1);
                        let excess = e.amount_ore - to_invoice;
                        if to_invoice > 0 {
                            left.1 -= to_invoice;
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
                            applied.push((e.key.clone(), inv.id, to_invoice, e.paid_on.clone()));
                        }
                        if excess > 0 {
                            // Over-payment (or an invoice already paid): the rest waits for a
                            // person to decide (refund or another invoice).
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
                    }
                    None => rows.push(NewPayment {
                        payment_key: e.key.clone(),
                        invoice_id: None,
                        customer_id: None,
                        paid_on: e.paid_on.clone(),
                        amount_ore: e.amount_ore,
                        reference: e.reference.clone(),
                        payer: e.payer.clone(),
                        unmatched: true,
                    }),
                }
            }
            let inserted: HashSet<String> =
                store::credit::insert_payments(&mut tx, file_id, &rows, now)
                    .await?
                    .into_iter()
                    .collect();
            // Only what was recorded now is applied; a payment known from an earlier file is not.
            let mut per_invoice: HashMap<i64, (i64, String)> = HashMap::new();
            for (key, invoice, amount, date) in applied {
                if inserted.contains(&key) {
                    let e = per_invoice.entry(invoice).or_insert((0, date.clone()));
                    e.0 += amount;
                    if date > e.1 {
                        e.1 = date;
                    }
                }
            }
            let updates: Vec<(i64, i64, String)> = per_invoice
                .into_iter()
                .map(|(id, (amount, date))| (id, amount, date))
                .collect();
            store::credit::apply_payments(&mut tx, &updates).await?;
            let matched_keys: HashSet<&str> = rows
                .iter()
                .filter(|r| !r.unmatched)
                .map(|r| r.payment_key.as_str())
                .collect();
            let mut counted: HashSet<&str> = HashSet::new();
            for e in chunk {
                let base_in = inserted.contains(&e.key);
                let excess_in = inserted.contains(&format!("{}:excess", e.key));
                if !base_in && !excess_in {
                    report.already_imported += 1;
                    continue;
                }
                if !counted.insert(e.key.as_str()) {
                    continue;
                }
                report.payments += 1;
                report.amount_ore += e.amount_ore;
                if matched_keys.contains(e.key.as_str()) {
                    report.matched += 1;
                } else {
                    report.unmatched += 1;
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
            return Err(ServiceError::Conflict(
                "betalningen är redan matchad".into(),
            ));
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

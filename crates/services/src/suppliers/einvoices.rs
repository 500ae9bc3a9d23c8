//! E-invoices in Peppol BIS Billing 3.0: each file is read and checked against the fatal rules
//! of EN 16931 and Peppol (`formats::peppol`), matched to its supplier by organisation number,
//! and taken in as an invoice due on the terms in force; a refused file waits in the inbox with
//! its findings. A file is received once (by its SHA-256): sent again, it is reported as before
//! and changes nothing. Files are written in chunks, one transaction each, so good files are
//! taken in even when others are refused.

use std::collections::HashMap;

use domain::ids::{SupplierId, SupplierInvoiceId};
use domain::money::Money;
use domain::suppliers::{InvoiceKind, Refusal};
use formats::peppol::{self, Checked, DocumentKind, Flag};
use sha2::{Digest, Sha256};
use store::suppliers::{FindingRow, NewDocument, NewSupplierInvoice, OfferRow, SupplierRow};

use super::invoices::due;
use super::{Suppliers, roles};
use crate::Actor;
use crate::error::Result;

/// Files written per transaction.
pub const CHUNK: usize = 500;

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentOutcome {
    pub file: String,
    /// Received before: nothing was written now.
    pub duplicate: bool,
    pub refusal: Option<Refusal>,
    /// The seller's organisation number as the document gave it.
    pub supplier: Option<String>,
    pub invoice_number: Option<String>,
    /// `PayableAmount` in hundredths (öre for SEK).
    pub total_minor: Option<i64>,
    pub invoice_id: Option<SupplierInvoiceId>,
    pub errors: Vec<FindingRow>,
    pub warnings: Vec<FindingRow>,
    /// Where an unreadable file broke (line and column).
    pub unreadable_at: Option<(u32, u32)>,
}

impl DocumentOutcome {
    pub fn accepted(&self) -> bool {
        self.refusal.is_none()
    }
}

fn rows(checked: &Checked) -> Vec<FindingRow> {
    checked
        .findings
        .iter()
        .map(|f| FindingRow {
            rule: f.rule.clone(),
            fatal: f.flag == Flag::Fatal,
            path: f.path.clone(),
        })
        .collect()
}

fn split(findings: Vec<FindingRow>) -> (Vec<FindingRow>, Vec<FindingRow>) {
    findings.into_iter().partition(|f| f.fatal)
}

/// One file, read and checked (no database yet).
struct Read {
    file: String,
    sha256: String,
    body: String,
    checked: std::result::Result<Checked, peppol::ReadError>,
}

fn read(file: &str, bytes: &[u8]) -> Read {
    Read {
        file: file.to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        body: String::from_utf8_lossy(bytes).into_owned(),
        checked: peppol::check(bytes),
    }
}

/// The register as an import needs it.
struct Register {
    by_org: HashMap<String, SupplierRow>,
    offers: HashMap<SupplierId, Vec<OfferRow>>,
}

impl Suppliers {
    /// Receives e-invoice files (`(name, bytes)`), in order; returns what became of each.
    pub async fn receive_einvoices(
        &self,
        actor: &Actor,
        files: &[(String, Vec<u8>)],
    ) -> Result<Vec<DocumentOutcome>> {
        Self::require(actor, roles::MANAGE)?;
        let store = self.s.store();
        let register = Register {
            by_org: store::suppliers::suppliers(store)
                .await?
                .into_iter()
                .map(|s| (s.org_number.normalised(), s))
                .collect(),
            offers: store::suppliers::offers(store).await?.into_iter().fold(
                HashMap::new(),
                |mut m: HashMap<SupplierId, Vec<OfferRow>>, o| {
                    m.entry(o.supplier_id).or_default().push(o);
                    m
                },
            ),
        };
        let mut out = Vec::with_capacity(files.len());
        for chunk in files.chunks(CHUNK) {
            let read: Vec<Read> = chunk.iter().map(|(f, b)| read(f, b)).collect();
            let mut tx = store.begin().await?;
            let mut taken = 0usize;
            for r in &read {
                let outcome = self.take(&mut tx, &register, r).await?;
                if outcome.accepted() && !outcome.duplicate {
                    taken += 1;
                }
                out.push(outcome);
            }
            let refused = out
                .iter()
                .rev()
                .take(read.len())
                .filter(|o| !o.accepted())
                .count();
            self.audit(
                &mut tx,
                actor,
                "einvoices_received",
                "supplier_documents",
                0,
                &format!("files={} taken_in={taken} refused={refused}", read.len()),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(out)
    }

    /// One file inside the chunk's transaction.
    async fn take(
        &self,
        tx: &mut store::Tx,
        register: &Register,
        r: &Read,
    ) -> Result<DocumentOutcome> {
        if let Some(before) = store::suppliers::document_by_sha(tx, &r.sha256).await? {
            let (errors, warnings) = split(store::suppliers::findings_in(tx, before.id).await?);
            return Ok(DocumentOutcome {
                file: r.file.clone(),
                duplicate: true,
                refusal: before.refusal,
                supplier: before.seller_org_number,
                invoice_number: before.invoice_number,
                total_minor: before.total_minor,
                invoice_id: before.invoice_id,
                errors,
                warnings,
                unreadable_at: None,
            });
        }
        let mut outcome = DocumentOutcome {
            file: r.file.clone(),
            duplicate: false,
            refusal: None,
            supplier: None,
            invoice_number: None,
            total_minor: None,
            invoice_id: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            unreadable_at: None,
        };
        let mut supplier_id = None;
        let mut findings = Vec::new();
        match &r.checked {
            Err(e) => {
                outcome.refusal = Some(Refusal::Unreadable);
                outcome.unreadable_at = Some(match e {
                    peppol::ReadError::NotUtf8 { line, column }
                    | peppol::ReadError::NotXml { line, column, .. }
                    | peppol::ReadError::NotUbl { line, column, .. } => (*line, *column),
                });
            }
            Ok(checked) => {
                findings = rows(checked);
                let doc = checked.document.as_ref();
                outcome.supplier = doc.and_then(peppol::seller_org_number);
                outcome.invoice_number = doc.map(|d| d.number.clone());
                outcome.total_minor = doc.map(|d| d.payable_minor);
                let supplier = outcome
                    .supplier
                    .as_ref()
                    .and_then(|o| register.by_org.get(o));
                supplier_id = supplier.map(|s| s.id);
                outcome.refusal = match (doc, supplier) {
                    _ if !checked.accepted() => Some(Refusal::Rules),
                    (None, _) => Some(Refusal::Unreadable),
                    (Some(_), None) => Some(Refusal::UnknownSupplier),
                    (Some(d), Some(_)) if d.currency != "SEK" => Some(Refusal::Currency),
                    (Some(d), Some(s)) => {
                        let offers = register.offers.get(&s.id).map_or(&[][..], Vec::as_slice);
                        match self.invoice_of(tx, s, offers, d).await? {
                            Some(id) => {
                                outcome.invoice_id = Some(id);
                                None
                            }
                            None => Some(Refusal::NumberTaken),
                        }
                    }
                };
            }
        }
        store::suppliers::insert_document(
            tx,
            &NewDocument {
                sha256: &r.sha256,
                file_name: &r.file,
                refusal: outcome.refusal,
                supplier_id,
                invoice_id: outcome.invoice_id,
                invoice_number: outcome.invoice_number.as_deref(),
                seller_org_number: outcome.supplier.as_deref(),
                total_minor: outcome.total_minor,
                body: &r.body,
                findings: &findings,
            },
            self.s.now_micros(),
        )
        .await?;
        (outcome.errors, outcome.warnings) = split(findings);
        Ok(outcome)
    }

    /// Records the invoice of an accepted document; `None` when the supplier already has a
    /// document of this kind and number.
    async fn invoice_of(
        &self,
        tx: &mut store::Tx,
        s: &SupplierRow,
        offers: &[OfferRow],
        d: &peppol::Document,
    ) -> Result<Option<SupplierInvoiceId>> {
        let kind = match d.kind {
            DocumentKind::Invoice => InvoiceKind::Invoice,
            DocumentKind::CreditNote => InvoiceKind::CreditNote,
        };
        let received_on = self.s.today().max(d.issue_date);
        let (terms_days, due_date, offer_id) = due(s, offers, received_on);
        let reference = d.payment.iter().find_map(|p| p.payment_id.as_deref());
        store::suppliers::insert_invoice(
            tx,
            &NewSupplierInvoice {
                supplier_id: s.id,
                kind,
                number: &d.number,
                issue_date: d.issue_date,
                received_on,
                terms_days,
                due_date,
                offer_id,
                amount: Money::from_ore(d.payable_minor),
                vat: Money::from_ore(d.tax_minor),
                order_reference: d.order_reference.as_deref(),
                payment_reference: reference,
                buyer_reference: d.buyer_reference.as_deref(),
            },
            self.s.now_micros(),
        )
        .await
        .map_err(Into::into)
    }
}

impl Suppliers {
    /// The inbox: refused e-invoices, newest first, each with its findings.
    pub async fn inbox(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(store::suppliers::DocumentRow, Vec<FindingRow>)>> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let mut out = Vec::new();
        for d in store::suppliers::refused_documents(store).await? {
            let findings = store::suppliers::findings_of(store, d.id).await?;
            out.push((d, findings));
        }
        Ok(out)
    }
}

//! The bank's answers to the payment files: pain.002 status reports (accepted or rejected per
//! payment, with the reason code) and camt.054 debit notifications (the payments booked, which
//! marks their invoices paid). A file is taken in once (by SHA-256), all in one transaction;
//! what matches no payment, or not its amount, waits in a queue for finance.

use domain::ids::BankEntryId;
use domain::money::Money;
use domain::problem::Problem;
use domain::suppliers::SupplierProblem;
use domain::suppliers::pay::{EntryState, PaymentState};
use formats::iso20022::{ReadError, ReadErrorKind, camt054, pain002};
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::suppliers::payments::{
    self as db, BankStatus, EntryRow, NewEntry, PaymentRow, RejectedRow,
};

use super::{Suppliers, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// What a bank file did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BankImport {
    /// `pain.002` or `camt.054`.
    pub kind: &'static str,
    pub message_id: String,
    /// The same file was taken in before: nothing changed.
    pub already: bool,
    pub accepted: u32,
    pub rejected: u32,
    pub paid: u32,
    /// Booked payments the bank reversed (returned): their invoices wait to be paid again.
    pub returned: u32,
    /// Entries queued for finance.
    pub unmatched: u32,
}

/// The fault code of the message `suppliers-problem-bank-file`.
fn fault(kind: &ReadErrorKind) -> &'static str {
    match kind {
        ReadErrorKind::NotUtf8 => "not_utf8",
        ReadErrorKind::Xml(_) => "xml",
        ReadErrorKind::UnsupportedDocument { .. } => "unsupported",
        ReadErrorKind::Missing => "missing",
        ReadErrorKind::MissingAttribute { .. } => "attribute",
        ReadErrorKind::Empty => "empty",
        ReadErrorKind::BadAmount { .. } => "amount",
        ReadErrorKind::BadDate { .. } => "date",
        ReadErrorKind::BadIndicator { .. } => "indicator",
        ReadErrorKind::BadBoolean { .. } => "boolean",
        ReadErrorKind::UnknownStatus { .. } => "status",
        _ => "no_status",
    }
}

fn unreadable(e: &ReadError) -> ServiceError {
    ServiceError::invalid(
        "file",
        SupplierProblem::BankFile {
            line: e.line,
            column: e.column,
            path: e.path.clone(),
            fault: fault(&e.kind).to_owned(),
        },
    )
}

enum BankFile {
    Status(pain002::StatusReport),
    Debits(camt054::Notification),
}

/// Reads the file as whichever of the two it says it is: the reader of its namespace names
/// where it is wrong; a file of neither is refused as such.
fn read(bytes: &[u8]) -> std::result::Result<BankFile, ServiceError> {
    let status_err = match pain002::read(bytes) {
        Ok(r) => return Ok(BankFile::Status(r)),
        Err(e) => e,
    };
    let debits_err = match camt054::read(bytes) {
        Ok(n) => return Ok(BankFile::Debits(n)),
        Err(e) => e,
    };
    let unsupported = |e: &ReadError| matches!(e.kind, ReadErrorKind::UnsupportedDocument { .. });
    Err(match (unsupported(&status_err), unsupported(&debits_err)) {
        (true, true) => ServiceError::invalid("file", SupplierProblem::NotABankFile),
        (true, false) => unreadable(&debits_err),
        (false, _) => unreadable(&status_err),
    })
}

/// The code and text of a status's first reason.
fn reason(reasons: &[pain002::Reason]) -> (Option<String>, Option<String>) {
    let Some(r) = reasons.first() else {
        return (None, None);
    };
    let code = r.code.as_ref().map(|c| match c {
        pain002::ReasonCode::Iso(c) | pain002::ReasonCode::Proprietary(c) => c.clone(),
    });
    let info = Some(r.additional_info.join(" ")).filter(|s| !s.is_empty());
    (code, info)
}

impl Suppliers {
    /// Takes in a pain.002 or camt.054 file from the bank, once.
    pub async fn import_bank_file(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<BankImport> {
        Self::require(actor, roles::MANAGE)?;
        let file = read(bytes)?;
        let sha = hex::encode(Sha256::digest(bytes));
        let (kind, message_id) = match &file {
            BankFile::Status(r) => ("pain002", r.message_id.clone()),
            BankFile::Debits(n) => ("camt054", n.message_id.clone()),
        };
        let mut out = BankImport {
            kind: if kind == "pain002" {
                "pain.002"
            } else {
                "camt.054"
            },
            message_id: message_id.clone(),
            ..BankImport::default()
        };
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let Some(file_id) =
            db::insert_bank_file(&mut tx, &sha, kind, &message_id, file_name, now).await?
        else {
            out.already = true;
            return Ok(out);
        };
        match &file {
            BankFile::Status(r) => status_report(&mut tx, file_id, r, &mut out, now).await?,
            BankFile::Debits(n) => debits(&mut tx, file_id, n, &mut out, now).await?,
        }
        let detail = serde_json::to_string(&out).unwrap_or_default();
        self.audit(
            &mut tx,
            actor,
            "supplier_bank_file",
            "bank_file",
            file_id,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Payments the bank rejected or returned whose invoices wait to be paid again, newest first.
    pub async fn rejected_payments(&self, actor: &Actor) -> Result<Vec<RejectedRow>> {
        Self::require(actor, roles::MANAGE)?;
        Ok(db::rejected(self.s.store()).await?)
    }

    /// The bank's entries that matched no payment, oldest first.
    pub async fn unmatched_entries(&self, actor: &Actor) -> Result<Vec<EntryRow>> {
        Self::require(actor, roles::MANAGE)?;
        Ok(db::entries(self.s.store(), EntryState::Unmatched).await?)
    }

    /// Marks an unmatched entry looked into, with what was done.
    pub async fn resolve_entry(&self, actor: &Actor, id: BankEntryId, note: &str) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        let note = note.trim();
        if note.is_empty() {
            return Err(ServiceError::invalid("note", Problem::ReasonRequired));
        }
        let mut tx = self.s.store().begin().await?;
        if !db::resolve_entry(&mut tx, id, note, &actor.name).await? {
            return Err(ServiceError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_bank_entry_resolved",
            "bank_entry",
            id.get(),
            note,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A status report: each payment's status, or the group's (or batch's) when the bank rejected
/// a whole file without naming payments.
async fn status_report(
    tx: &mut store::Tx,
    file_id: i64,
    r: &pain002::StatusReport,
    out: &mut BankImport,
    now: i64,
) -> Result<()> {
    for (n, p) in r.payments.iter().enumerate() {
        let position = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let (code, info) = reason(&p.reasons);
        let payment = db::payment_by_end_to_end(tx, &p.original_end_to_end_id).await?;
        let done = match (payment, p.status) {
            (Some(pay), s) => {
                apply_status(
                    tx,
                    &pay,
                    s,
                    &p.status_code,
                    code.as_deref(),
                    info.as_deref(),
                    out,
                    now,
                )
                .await?
            }
            (None, _) => false,
        };
        if !done && p.status != pain002::Status::Pending {
            let entry = NewEntry {
                position,
                end_to_end_id: Some(p.original_end_to_end_id.clone()),
                reference: code.clone(),
                counterparty: info.clone(),
                status_code: Some(p.status_code.clone()),
                ..NewEntry::default()
            };
            db::insert_entry(tx, file_id, &entry).await?;
            out.unmatched += 1;
        }
    }
    // A whole file rejected without the payments named: every payment of it.
    let rejected = |s: Option<pain002::Status>| s == Some(pain002::Status::Rejected);
    let whole = rejected(r.group_status) || r.batches.iter().any(|b| rejected(b.status));
    if r.payments.is_empty()
        && whole
        && let Some(file) = db::file_by_message_id(tx, &r.original_message_id).await?
    {
        {
            let reasons = match r.batches.iter().find(|b| rejected(b.status)) {
                Some(b) if !b.reasons.is_empty() => &b.reasons,
                _ => &r.group_reasons,
            };
            let (code, info) = reason(reasons);
            for pay in db::payments_of_file(tx, file.proposal_id, &file.debtor_account).await? {
                let status = r.group_status_code.clone().unwrap_or_else(|| "RJCT".into());
                apply_status(
                    tx,
                    &pay,
                    pain002::Status::Rejected,
                    &status,
                    code.as_deref(),
                    info.as_deref(),
                    out,
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Records one payment's status; `false` when it does not apply (the payment was never sent,
/// or has been paid or rejected already).
#[allow(clippy::too_many_arguments)]
async fn apply_status(
    tx: &mut store::Tx,
    pay: &PaymentRow,
    status: pain002::Status,
    status_code: &str,
    reason_code: Option<&str>,
    reason_info: Option<&str>,
    out: &mut BankImport,
    now: i64,
) -> Result<bool> {
    let state = match status {
        pain002::Status::Accepted | pain002::Status::PartiallyAccepted => PaymentState::Accepted,
        pain002::Status::Rejected => PaymentState::Rejected,
        pain002::Status::Pending => return Ok(true),
    };
    let s = BankStatus {
        state,
        status_code: Some(status_code),
        reason_code,
        reason_info,
    };
    let from: &[PaymentState] = match state {
        PaymentState::Accepted => &[PaymentState::Sent],
        _ => &[PaymentState::Sent, PaymentState::Accepted],
    };
    let moved = db::set_payment_status(tx, pay.id, from, &s, now).await?;
    if moved {
        match state {
            PaymentState::Accepted => out.accepted += 1,
            _ => out.rejected += 1,
        }
    }
    // Already there (the same report again), or accepted after the booking said paid.
    let known =
        pay.state == state || (state == PaymentState::Accepted && pay.state == PaymentState::Paid);
    Ok(moved || known)
}

/// A debit notification: each booked debit's payments marked paid (their invoices too); a
/// reversal of a paid one returns it; the rest is queued.
async fn debits(
    tx: &mut store::Tx,
    file_id: i64,
    n: &camt054::Notification,
    out: &mut BankImport,
    now: i64,
) -> Result<()> {
    let mut position = 0;
    for entry in n.entries.iter().filter(|e| e.debit != e.reversal) {
        let booked = entry.status == "BOOK";
        let on = entry.booking_date.or(entry.value_date);
        for t in &entry.details {
            position += 1;
            let payment = match &t.end_to_end_id {
                Some(id) => db::payment_by_end_to_end(tx, id).await?,
                None => None,
            };
            let amount = t.amount_ore.map(Money::from_ore);
            let matched = match (&payment, booked, on) {
                (Some(p), true, Some(on)) if amount.is_none_or(|a| a == p.amount) => {
                    settle_booked(tx, p, entry.reversal, on, out, now).await?
                }
                _ => false,
            };
            if !matched {
                let queued = NewEntry {
                    position,
                    end_to_end_id: t.end_to_end_id.clone(),
                    reference: t.reference.clone(),
                    counterparty: t.counterparty.clone(),
                    amount: amount.or(Some(Money::from_ore(entry.amount_ore))),
                    booking_date: on,
                    status_code: Some(entry.status.clone()),
                };
                db::insert_entry(tx, file_id, &queued).await?;
                out.unmatched += 1;
            }
        }
        if entry.details.is_empty() {
            position += 1;
            let queued = NewEntry {
                position,
                amount: Some(Money::from_ore(entry.amount_ore)),
                booking_date: on,
                reference: entry.servicer_reference.clone(),
                status_code: Some(entry.status.clone()),
                ..NewEntry::default()
            };
            db::insert_entry(tx, file_id, &queued).await?;
            out.unmatched += 1;
        }
    }
    Ok(())
}

/// A booked payment: paid (its invoice paid on `on`), or, reversed, returned (its invoice
/// approved again for the next proposal). `false` when the payment was not in a state for it.
async fn settle_booked(
    tx: &mut store::Tx,
    p: &PaymentRow,
    reversal: bool,
    on: jiff::civil::Date,
    out: &mut BankImport,
    now: i64,
) -> Result<bool> {
    if reversal {
        let s = BankStatus {
            state: PaymentState::Rejected,
            status_code: None,
            reason_code: None,
            reason_info: None,
        };
        if !db::set_payment_status(tx, p.id, &[PaymentState::Paid], &s, now).await? {
            return Ok(false);
        }
        db::unmark_paid(tx, p.invoice_id).await?;
        out.returned += 1;
        return Ok(true);
    }
    let s = BankStatus {
        state: PaymentState::Paid,
        status_code: None,
        reason_code: p.reason_code.as_deref(),
        reason_info: p.reason_info.as_deref(),
    };
    let from = [PaymentState::Sent, PaymentState::Accepted];
    if !db::set_payment_status(tx, p.id, &from, &s, now).await? {
        return Ok(false);
    }
    db::mark_paid(tx, p.invoice_id, on).await?;
    out.paid += 1;
    Ok(true)
}

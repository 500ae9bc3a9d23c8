//! Paying suppliers: attestation and settlement on the invoices, payment proposals with their
//! payments and pain.001 files, and the bank's pain.002 and camt.054 files with the entries that
//! matched nothing. Every change of state is conditional on the state it leaves, so a step taken
//! twice (two clicks, a file imported again) is taken once.

use domain::ids::{
    BankEntryId, PaymentFileId, PaymentProposalId, SupplierId, SupplierInvoiceId, SupplierPaymentId,
};
use domain::money::Money;
use domain::suppliers::InvoiceState;
use domain::suppliers::pay::{EntryState, PaymentState, ProposalState};
use jiff::civil::Date;

use super::{INVOICE_COLUMNS, SupplierInvoiceRow};
use crate::{Result, Store, Tx};

/// The payment states that hold an invoice (the live index's list).
const LIVE: &str = "'proposed', 'sent', 'accepted', 'paid'";

/// An invoice.
pub async fn invoice(store: &Store, id: SupplierInvoiceId) -> Result<Option<SupplierInvoiceRow>> {
    let sql = format!("SELECT {INVOICE_COLUMNS} FROM supplier_invoices WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierInvoiceRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// The first step of attestation: `false` when the invoice was no longer waiting for it.
pub async fn attest(tx: &mut Tx, id: SupplierInvoiceId, by: &str) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'attested', attested_by = $1 \
         WHERE id = $2 AND state = 'received'"
    )
    .bind(by)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// The second step: `false` when the invoice was no longer waiting for it.
pub async fn approve(tx: &mut Tx, id: SupplierInvoiceId, by: &str) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'approved', approved_by = $1 \
         WHERE id = $2 AND state = 'attested'"
    )
    .bind(by)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Holds an open invoice back with a reason: `false` when it was not open (or is in a payment
/// that is not rejected or cancelled).
pub async fn dispute(tx: &mut Tx, id: SupplierInvoiceId, reason: &str) -> Result<bool> {
    let sql = format!(
        "UPDATE supplier_invoices SET state = 'disputed', dispute_reason = $1 \
         WHERE id = $2 AND state IN ('received', 'attested', 'approved') AND NOT EXISTS \
         (SELECT 1 FROM supplier_payments p WHERE p.invoice_id = $2 AND p.state IN ({LIVE}))"
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(reason)
            .bind(id.get())
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// A dispute resolved: the invoice is received again and attested anew.
pub async fn resolve_dispute(tx: &mut Tx, id: SupplierInvoiceId) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'received', attested_by = NULL, \
         approved_by = NULL, dispute_reason = NULL WHERE id = $1 AND state = 'disputed'"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Uses a credit note on an invoice: the invoice (still as `seen`, and held by no payment) gets
/// its new credited total and state, and the credit note is settled, once. `false` when either
/// moved meanwhile (nothing is changed then; the caller drops the transaction).
pub async fn settle(
    tx: &mut Tx,
    credit: SupplierInvoiceId,
    invoice: &SupplierInvoiceRow,
    credited: Money,
    invoice_state: InvoiceState,
) -> Result<bool> {
    let sql = format!(
        "UPDATE supplier_invoices SET credited_ore = $1, state = $2 \
         WHERE id = $3 AND state = $4 AND credited_ore = $5 AND NOT EXISTS \
         (SELECT 1 FROM supplier_payments p WHERE p.invoice_id = $3 AND p.state IN ({LIVE}))"
    );
    let moved = with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(credited.ore())
        .bind(invoice_state.as_str())
        .bind(invoice.id.get())
        .bind(invoice.state.as_str())
        .bind(invoice.credited.ore())
        .execute(conn)
        .await?
        .rows_affected());
    if moved != 1 {
        return Ok(false);
    }
    let used = with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'credited', settles_id = $1 \
         WHERE id = $2 AND state = 'received' AND kind = 'credit_note'"
    )
    .bind(invoice.id.get())
    .bind(credit.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(used == 1)
}

/// Invoices waiting for a step of attestation (or held in dispute), and credit notes not yet
/// used, by due date.
pub async fn awaiting(store: &Store) -> Result<Vec<SupplierInvoiceRow>> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM supplier_invoices WHERE \
         (kind = 'invoice' AND state IN ('received', 'attested', 'disputed')) \
         OR (kind = 'credit_note' AND state = 'received') ORDER BY due_date, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierInvoiceRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Approved invoices due by `pay_date` that no payment holds, by supplier and due date.
pub async fn payable(store: &Store, pay_date: Date) -> Result<Vec<SupplierInvoiceRow>> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM supplier_invoices i WHERE i.state = 'approved' \
         AND i.kind = 'invoice' AND i.due_date <= $1 AND NOT EXISTS \
         (SELECT 1 FROM supplier_payments p WHERE p.invoice_id = i.id AND p.state IN ({LIVE})) \
         ORDER BY i.supplier_id, i.due_date, i.id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierInvoiceRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(pay_date.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// A payment proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRow {
    pub id: PaymentProposalId,
    pub pay_date: Date,
    pub state: ProposalState,
    pub proposed_by: String,
    pub proposed_at: jiff::Timestamp,
    pub decided_by: Option<String>,
    pub decided_at: Option<jiff::Timestamp>,
}

from_row!(ProposalRow, "supplier_payment_proposals", |c| ProposalRow {
    id: c.id("id")?,
    pay_date: c.date("pay_date")?,
    state: c.code("state")?,
    proposed_by: c.get("proposed_by")?,
    proposed_at: c.instant("proposed_at")?,
    decided_by: c.get("decided_by")?,
    decided_at: c.instant_opt("decided_at")?,
});

const PROPOSAL_COLUMNS: &str =
    "id, pay_date, state, proposed_by, proposed_at, decided_by, decided_at";

pub async fn insert_proposal(
    tx: &mut Tx,
    pay_date: Date,
    by: &str,
    now: i64,
) -> Result<PaymentProposalId> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_payment_proposals (pay_date, state, proposed_by, proposed_at) \
         VALUES ($1, 'proposed', $2, $3) RETURNING id"
    )
    .bind(pay_date.to_string())
    .bind(by)
    .bind(now)
    .fetch_one(conn)
    .await?);
    Ok(PaymentProposalId::new(id))
}

pub async fn proposal(store: &Store, id: PaymentProposalId) -> Result<Option<ProposalRow>> {
    let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM supplier_payment_proposals WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Every proposal, newest first.
pub async fn proposals(store: &Store) -> Result<Vec<ProposalRow>> {
    let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM supplier_payment_proposals ORDER BY id DESC");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Approves or cancels a proposal still proposed: `false` when it was decided meanwhile.
pub async fn decide_proposal(
    tx: &mut Tx,
    id: PaymentProposalId,
    state: ProposalState,
    by: &str,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_payment_proposals SET state = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND state = 'proposed'"
    )
    .bind(state.as_str())
    .bind(by)
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// One payment of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: SupplierPaymentId,
    pub proposal_id: PaymentProposalId,
    pub invoice_id: SupplierInvoiceId,
    pub supplier_id: SupplierId,
    pub debtor_account: String,
    pub end_to_end_id: String,
    pub amount: Money,
    pub state: PaymentState,
    /// The bank's status code (`ACSC`, `RJCT`…) and reason (`AC01`…) with its text.
    pub status_code: Option<String>,
    pub reason_code: Option<String>,
    pub reason_info: Option<String>,
}

from_row!(PaymentRow, "supplier_payments", |c| PaymentRow {
    id: c.id("id")?,
    proposal_id: c.id("proposal_id")?,
    invoice_id: c.id("invoice_id")?,
    supplier_id: c.id("supplier_id")?,
    debtor_account: c.get("debtor_account")?,
    end_to_end_id: c.get("end_to_end_id")?,
    amount: c.money("amount_ore")?,
    state: c.code("state")?,
    status_code: c.get("status_code")?,
    reason_code: c.get("reason_code")?,
    reason_info: c.get("reason_info")?,
});

const PAYMENT_COLUMNS: &str = "id, proposal_id, invoice_id, supplier_id, debtor_account, \
     end_to_end_id, amount_ore, state, status_code, reason_code, reason_info";

/// A payment as proposed.
pub struct NewPayment<'a> {
    pub proposal_id: PaymentProposalId,
    pub invoice_id: SupplierInvoiceId,
    pub supplier_id: SupplierId,
    pub debtor_account: &'a str,
    pub end_to_end_id: &'a str,
    pub amount: Money,
}

/// Proposes a payment: `None` when another live payment holds the invoice (a proposal made at
/// the same moment took it).
pub async fn insert_payment(
    tx: &mut Tx,
    p: &NewPayment<'_>,
    now: i64,
) -> Result<Option<SupplierPaymentId>> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_payments (proposal_id, invoice_id, supplier_id, debtor_account, \
         end_to_end_id, amount_ore, state, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7) \
         ON CONFLICT (invoice_id) WHERE state IN ('proposed', 'sent', 'accepted', 'paid') \
         DO NOTHING RETURNING id"
    )
    .bind(p.proposal_id.get())
    .bind(p.invoice_id.get())
    .bind(p.supplier_id.get())
    .bind(p.debtor_account)
    .bind(p.end_to_end_id)
    .bind(p.amount.ore())
    .bind(now)
    .fetch_optional(conn)
    .await?);
    Ok(id.map(SupplierPaymentId::new))
}

/// The payments of a proposal, in the order proposed.
pub async fn payments_of(store: &Store, id: PaymentProposalId) -> Result<Vec<PaymentRow>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM supplier_payments WHERE proposal_id = $1 ORDER BY id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, PaymentRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_all(pool)
            .await?
    }))
}

/// The payments of one file (a proposal's payments from one debtor account), in a transaction.
pub async fn payments_of_file(
    tx: &mut Tx,
    id: PaymentProposalId,
    debtor_account: &str,
) -> Result<Vec<PaymentRow>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM supplier_payments WHERE proposal_id = $1 \
         AND debtor_account = $2 ORDER BY id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, PaymentRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .bind(debtor_account)
    .fetch_all(conn)
    .await?))
}

/// The payment the bank reports by its end-to-end id.
pub async fn payment_by_end_to_end(tx: &mut Tx, id: &str) -> Result<Option<PaymentRow>> {
    let sql = format!("SELECT {PAYMENT_COLUMNS} FROM supplier_payments WHERE end_to_end_id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, PaymentRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(conn)
    .await?))
}

/// Moves every payment of a proposal in state `from` to `to`; how many moved.
pub async fn move_payments(
    tx: &mut Tx,
    id: PaymentProposalId,
    from: PaymentState,
    to: PaymentState,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_payments SET state = $1, updated_at = $2 \
         WHERE proposal_id = $3 AND state = $4"
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id.get())
    .bind(from.as_str())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// What the bank said about a payment.
pub struct BankStatus<'a> {
    pub state: PaymentState,
    pub status_code: Option<&'a str>,
    pub reason_code: Option<&'a str>,
    pub reason_info: Option<&'a str>,
}

/// Records the bank's word on a payment in one of `from`: `false` when it had moved on.
pub async fn set_payment_status(
    tx: &mut Tx,
    id: SupplierPaymentId,
    from: &[PaymentState],
    s: &BankStatus<'_>,
    now: i64,
) -> Result<bool> {
    let from = from
        .iter()
        .map(|f| format!("'{}'", f.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE supplier_payments SET state = $1, status_code = COALESCE($2, status_code), \
         reason_code = $3, reason_info = $4, updated_at = $5 WHERE id = $6 AND state IN ({from})"
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(s.state.as_str())
            .bind(s.status_code)
            .bind(s.reason_code)
            .bind(s.reason_info)
            .bind(now)
            .bind(id.get())
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// An approved invoice paid on `on`: `false` when it was not approved.
pub async fn mark_paid(tx: &mut Tx, id: SupplierInvoiceId, on: Date) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'paid', paid_on = $1 \
         WHERE id = $2 AND state = 'approved'"
    )
    .bind(on.to_string())
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// A paid invoice whose payment came back: approved again, to be paid anew.
pub async fn unmark_paid(tx: &mut Tx, id: SupplierInvoiceId) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_invoices SET state = 'approved', paid_on = NULL \
         WHERE id = $1 AND state = 'paid'"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// A pain.001 file of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: PaymentFileId,
    pub proposal_id: PaymentProposalId,
    pub debtor_account: String,
    pub message_id: String,
    /// `pain.001.001.09` or `.03`.
    pub version: String,
    pub payments: u32,
    pub sum: Money,
}

from_row!(FileRow, "supplier_payment_files", |c| FileRow {
    id: c.id("id")?,
    proposal_id: c.id("proposal_id")?,
    debtor_account: c.get("debtor_account")?,
    message_id: c.get("message_id")?,
    version: c.get("version")?,
    payments: c.count("payments")?,
    sum: c.money("sum_ore")?,
});

const FILE_COLUMNS: &str =
    "id, proposal_id, debtor_account, message_id, version, payments, sum_ore";

/// A file as written.
pub struct NewFile<'a> {
    pub proposal_id: PaymentProposalId,
    pub debtor_account: &'a str,
    pub message_id: &'a str,
    pub version: &'a str,
    pub payments: u32,
    pub sum: Money,
    pub body: &'a str,
}

pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>) -> Result<PaymentFileId> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_payment_files (proposal_id, debtor_account, message_id, version, \
         payments, sum_ore, body) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(f.proposal_id.get())
    .bind(f.debtor_account)
    .bind(f.message_id)
    .bind(f.version)
    .bind(i64::from(f.payments))
    .bind(f.sum.ore())
    .bind(f.body)
    .fetch_one(conn)
    .await?);
    Ok(PaymentFileId::new(id))
}

/// The files of a proposal, by debtor account.
pub async fn files_of(store: &Store, id: PaymentProposalId) -> Result<Vec<FileRow>> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM supplier_payment_files WHERE proposal_id = $1 \
         ORDER BY debtor_account"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, FileRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_all(pool)
            .await?
    }))
}

/// A file's text.
pub async fn file_body(store: &Store, id: PaymentFileId) -> Result<Option<String>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_scalar::<_, String>("SELECT body FROM supplier_payment_files WHERE id = $1")
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// The file a status report answers, by its message id.
pub async fn file_by_message_id(tx: &mut Tx, message_id: &str) -> Result<Option<FileRow>> {
    let sql = format!("SELECT {FILE_COLUMNS} FROM supplier_payment_files WHERE message_id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, FileRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(message_id)
    .fetch_optional(conn)
    .await?))
}

/// Takes in a bank file once: `None` when a file with this SHA-256 was taken in before.
pub async fn insert_bank_file(
    tx: &mut Tx,
    sha256: &str,
    kind: &str,
    message_id: &str,
    file_name: &str,
    now: i64,
) -> Result<Option<i64>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_bank_files (sha256, kind, message_id, file_name, received_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING id"
    )
    .bind(sha256)
    .bind(kind)
    .bind(message_id)
    .bind(file_name)
    .bind(now)
    .fetch_optional(conn)
    .await?))
}

/// An entry of the bank's files that matched no payment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewEntry {
    pub position: u32,
    pub end_to_end_id: Option<String>,
    pub reference: Option<String>,
    pub counterparty: Option<String>,
    pub amount: Option<Money>,
    pub booking_date: Option<Date>,
    pub status_code: Option<String>,
}

pub async fn insert_entry(tx: &mut Tx, file_id: i64, e: &NewEntry) -> Result<BankEntryId> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_bank_entries (file_id, position, end_to_end_id, reference, \
         counterparty, amount_ore, booking_date, status_code, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unmatched') RETURNING id"
    )
    .bind(file_id)
    .bind(i64::from(e.position))
    .bind(e.end_to_end_id.as_deref())
    .bind(e.reference.as_deref())
    .bind(e.counterparty.as_deref())
    .bind(e.amount.map(Money::ore))
    .bind(e.booking_date.map(|d| d.to_string()))
    .bind(e.status_code.as_deref())
    .fetch_one(conn)
    .await?);
    Ok(BankEntryId::new(id))
}

/// An entry of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: BankEntryId,
    pub file_name: String,
    pub kind: String,
    pub end_to_end_id: Option<String>,
    pub reference: Option<String>,
    pub counterparty: Option<String>,
    pub amount: Option<Money>,
    pub booking_date: Option<Date>,
    pub status_code: Option<String>,
    pub state: EntryState,
    pub note: Option<String>,
}

from_row!(EntryRow, "supplier_bank_entries", |c| EntryRow {
    id: c.id("id")?,
    file_name: c.get("file_name")?,
    kind: c.get("kind")?,
    end_to_end_id: c.get("end_to_end_id")?,
    reference: c.get("reference")?,
    counterparty: c.get("counterparty")?,
    amount: c.money_opt("amount_ore")?,
    booking_date: c.date_opt("booking_date")?,
    status_code: c.get("status_code")?,
    state: c.code("state")?,
    note: c.get("note")?,
});

/// Entries in `state`, oldest first.
pub async fn entries(store: &Store, state: EntryState) -> Result<Vec<EntryRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, EntryRow>(
            "SELECT e.id, f.file_name, f.kind, e.end_to_end_id, e.reference, e.counterparty, \
             e.amount_ore, e.booking_date, e.status_code, e.state, e.note \
             FROM supplier_bank_entries e JOIN supplier_bank_files f ON f.id = e.file_id \
             WHERE e.state = $1 ORDER BY e.id",
        )
        .bind(state.as_str())
        .fetch_all(pool)
        .await?
    }))
}

/// Marks an unmatched entry looked into: `false` when it was resolved already.
pub async fn resolve_entry(tx: &mut Tx, id: BankEntryId, note: &str, by: &str) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_bank_entries SET state = 'resolved', note = $1, resolved_by = $2 \
         WHERE id = $3 AND state = 'unmatched'"
    )
    .bind(note)
    .bind(by)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// A payment the bank rejected (or returned) whose invoice still waits to be paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub invoice_number: String,
    pub supplier: String,
    pub amount: Money,
    pub status_code: Option<String>,
    pub reason_code: Option<String>,
    pub reason_info: Option<String>,
}

from_row!(RejectedRow, "supplier_payments", |c| RejectedRow {
    invoice_number: c.get("number")?,
    supplier: c.get("name")?,
    amount: c.money("amount_ore")?,
    status_code: c.get("status_code")?,
    reason_code: c.get("reason_code")?,
    reason_info: c.get("reason_info")?,
});

/// The latest rejected payments whose invoices are not yet paid, newest first.
pub async fn rejected(store: &Store) -> Result<Vec<RejectedRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, RejectedRow>(
            "SELECT i.number, s.name, p.amount_ore, p.status_code, p.reason_code, p.reason_info \
             FROM supplier_payments p JOIN supplier_invoices i ON i.id = p.invoice_id \
             JOIN suppliers s ON s.id = p.supplier_id \
             WHERE p.state = 'rejected' AND i.state = 'approved' \
             ORDER BY p.updated_at DESC, p.id DESC LIMIT 50",
        )
        .fetch_all(pool)
        .await?
    }))
}

//! The nightly dunning and interest run: unpaid invoices with what dunning needs of their
//! customer, reminders and charges recorded in bulk (once per invoice and level, once per
//! dedupe key), the debt-collection list, and invoices paid late.

use domain::credit::{ChargeKind, InvoiceStatus};
use domain::ids::{ArrangementId, CustomerId, InvoiceId};
use domain::money::Money;
use jiff::civil::Date;

use super::{CHUNK, id_list, rows_per};
use crate::customers::Contact;
use crate::{Result, Store, Tx};

/// An unpaid invoice with what dunning needs of its customer.
#[derive(Debug, Clone)]
pub struct DunningRow {
    pub id: InvoiceId,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: Date,
    pub amount: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    pub reminder_level: i64,
    pub reminder_due_on: Option<Date>,
    /// The customer's terms agree to a reminder fee.
    pub fee_agreed: bool,
    /// How to reach the customer (the reminder).
    pub contact: Contact,
}

from_row!(DunningRow, "invoices", |c| DunningRow {
    id: c.id("id")?,
    invoice_number: c.get("invoice_number")?,
    ocr: c.get("ocr")?,
    due_on: c.date("due_on")?,
    amount: c.money("amount_ore")?,
    paid: c.money("paid_ore")?,
    status: c.code("status")?,
    reminder_level: c.get("reminder_level")?,
    reminder_due_on: c.date_opt("reminder_due_on")?,
    fee_agreed: c.get("fee_agreed")?,
    contact: Contact {
        id: c.id("customer_id")?,
        name: c.get("name")?,
        email: c.get("email")?,
        phone: c.get("phone")?,
        language: c.code("language")?,
        preferred_channel: c.code("preferred_channel")?,
        letter_address: c.get("letter_address")?,
    },
});

/// Unpaid invoices due before `today`, including those in an extension, in id order.
pub async fn dunning_candidates(store: &Store, today: Date) -> Result<Vec<DunningRow>> {
    let sql = format!(
        "SELECT i.id, i.customer_id, i.invoice_number, i.ocr, i.due_on, i.amount_ore, i.paid_ore, i.status, \
         i.reminder_level, i.reminder_due_on, c.reminder_fee_agreed AS fee_agreed, c.name, c.email, c.phone, \
         c.preferred_channel, c.language, \
         c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address \
         FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.status IN {} AND i.paid_ore < i.amount_ore AND i.due_on < $1 ORDER BY i.id",
        super::code_list(InvoiceStatus::DUNNABLE)
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DunningRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(today.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// An arrangement broken on a day; its invoice goes back to overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken {
    pub arrangement: ArrangementId,
    pub invoice: InvoiceId,
    pub on: Date,
}

/// Marks arrangements broken (only approved ones); their invoices go back to overdue.
pub async fn break_arrangements(tx: &mut Tx, rows: &[Broken]) -> Result<()> {
    for b in rows {
        with_tx!(tx, |conn| {
            sqlx::query("UPDATE arrangements SET status = 'broken', broken_on = $2 WHERE id = $1 AND status = 'approved'")
                .bind(b.arrangement.get())
                .bind(b.on.to_string())
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE invoices SET status = 'overdue' WHERE id = $1 AND status = 'extension'",
            )
            .bind(b.invoice.get())
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
    }
    Ok(())
}

/// Marks unpaid open or partly paid invoices due before `today` overdue; returns how many.
pub async fn mark_overdue(tx: &mut Tx, today: Date) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE invoices SET status = 'overdue' WHERE status IN ('open', 'partly_paid') \
         AND paid_ore < amount_ore AND due_on < $1"
    )
    .bind(today.to_string())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A reminder to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReminder {
    pub invoice: InvoiceId,
    /// 1 or 2.
    pub level: i64,
    pub sent_on: Date,
    /// The new due date the reminder states.
    pub due_on: Date,
    pub fee: Money,
}

/// Records reminders (one per invoice and level) and raises the invoices' level; returns the
/// invoices recorded now (a reminder recorded before is skipped).
pub async fn record_reminders(
    tx: &mut Tx,
    rows: &[NewReminder],
    now: i64,
) -> Result<Vec<InvoiceId>> {
    let mut done = Vec::new();
    for chunk in rows.chunks(rows_per(5)) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, {now})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO reminders (invoice_id, level, sent_on, due_on, fee_ore, created_at) VALUES {values} \
             ON CONFLICT (invoice_id, level) DO NOTHING RETURNING invoice_id"
        );
        let ids = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.invoice.get())
                    .bind(r.level)
                    .bind(r.sent_on.to_string())
                    .bind(r.due_on.to_string())
                    .bind(r.fee.ore());
            }
            q.fetch_all(conn).await?
        });
        done.extend(ids.into_iter().map(InvoiceId::new));
    }
    let recorded: std::collections::HashSet<InvoiceId> = done.iter().copied().collect();
    let updates: Vec<&NewReminder> = rows
        .iter()
        .filter(|r| recorded.contains(&r.invoice))
        .collect();
    for chunk in updates.chunks(rows_per(3)) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE invoices SET reminder_level = v.column2, reminder_due_on = v.column3, \
             status = CASE WHEN invoices.status IN ('open', 'partly_paid') THEN 'overdue' ELSE invoices.status END \
             FROM (VALUES {values}) AS v WHERE invoices.id = v.column1"
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.invoice.get())
                    .bind(r.level)
                    .bind(r.due_on.to_string());
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(done)
}

/// Puts invoices on the debt-collection list.
pub async fn to_collection(tx: &mut Tx, ids: &[InvoiceId], today: Date) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "UPDATE invoices SET status = 'collection', collection_on = $1 WHERE status <> 'paid' AND id IN ({})",
            id_list(chunk.len(), 2)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(today.to_string());
            for id in chunk {
                q = q.bind(id.get());
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// A charge to bill on the customer's next invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge {
    pub customer: CustomerId,
    /// The invoice the charge arose on.
    pub source_invoice: InvoiceId,
    pub kind: ChargeKind,
    pub amount: Money,
    pub created_on: Date,
    /// The same key again is one charge (`fee:<invoice>:<level>`, `interest:<invoice>`).
    pub dedupe_key: String,
}

/// Records charges; a repeated dedupe key is skipped. Returns how many were recorded.
pub async fn record_charges(tx: &mut Tx, rows: &[NewCharge]) -> Result<u64> {
    let mut n = 0u64;
    for chunk in rows.chunks(rows_per(6)) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 6;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO invoice_charges (customer_id, source_invoice_id, kind, amount_ore, created_on, dedupe_key) \
             VALUES {values} ON CONFLICT (dedupe_key) DO NOTHING"
        );
        n += with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for c in chunk {
                q = q
                    .bind(c.customer.get())
                    .bind(c.source_invoice.get())
                    .bind(c.kind.as_str())
                    .bind(c.amount.ore())
                    .bind(c.created_on.to_string())
                    .bind(&c.dedupe_key);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

/// An invoice paid after its due date that has no interest charge yet.
#[derive(Debug, Clone)]
pub struct LatePaid {
    pub id: InvoiceId,
    pub customer_id: CustomerId,
    pub due_on: Date,
    pub paid_on: Date,
    pub amount: Money,
}

from_row!(LatePaid, "invoices", |c| LatePaid {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    due_on: c.date("due_on")?,
    paid_on: c.date("paid_on")?,
    amount: c.money("amount_ore")?,
});

/// Only invoices paid on or after `since` are looked at (the run covers recent payments; the
/// index on `paid_on` keeps it from reading every invoice ever paid).
pub async fn paid_late_without_interest(store: &Store, since: Date) -> Result<Vec<LatePaid>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, LatePaid>(
            "SELECT i.id, i.customer_id, i.due_on, i.paid_on, i.amount_ore FROM invoices i \
             WHERE i.paid_on >= $1 AND i.status = 'paid' AND i.paid_on > i.due_on \
             AND NOT EXISTS (SELECT 1 FROM invoice_charges ch WHERE ch.source_invoice_id = i.id AND ch.kind = 'interest') \
             ORDER BY i.id",
        )
        .bind(since.to_string())
        .fetch_all(pool)
        .await?
    }))
}

/// Payments of these invoices: `(invoice, paid on, öre)`, by invoice and date.
pub async fn payments_of_invoices(
    store: &Store,
    invoice_ids: &[InvoiceId],
) -> Result<Vec<(InvoiceId, Date, i64)>> {
    let mut out = Vec::new();
    for chunk in invoice_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT invoice_id, paid_on, amount_ore FROM payments WHERE invoice_id IN ({}) ORDER BY invoice_id, paid_on",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(id.get());
            }
            q.fetch_all(pool).await?
        });
        for (id, on, ore) in rows {
            out.push((
                InvoiceId::new(id),
                super::parse_date("payments", "paid_on", on)?,
                ore,
            ));
        }
    }
    Ok(out)
}

/// Arrangements whose invoice is paid are completed.
pub async fn complete_paid_arrangements(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE arrangements SET status = 'completed' WHERE status = 'approved' \
         AND invoice_id IN (SELECT id FROM invoices WHERE status = 'paid')"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

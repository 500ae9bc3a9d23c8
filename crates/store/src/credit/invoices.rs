//! Invoices and their payments: bulk inserts (the demo town, the CSV import), a customer's
//! latest invoices and payments, lookups by OCR reference or number, pending charges billed on
//! a new invoice, and the debt-collection list.

use domain::credit::{InvoiceStatus, PaymentSource};
use domain::ids::{CustomerId, InvoiceId, PaymentId};
use domain::money::Money;
use jiff::civil::Date;

use super::{CHUNK, id_list};
use crate::backend::values_placeholders;
use crate::{Result, Store, Tx};

/// An invoice as the customer pages list it.
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub customer_id: CustomerId,
    pub invoice_number: String,
    pub ocr: String,
    pub issued_on: Date,
    pub due_on: Date,
    pub amount: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
}

from_row!(InvoiceRow, "invoices", |c| InvoiceRow {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    invoice_number: c.get("invoice_number")?,
    ocr: c.get("ocr")?,
    issued_on: c.date("issued_on")?,
    due_on: c.date("due_on")?,
    amount: c.money("amount_ore")?,
    paid: c.money("paid_ore")?,
    status: c.code("status")?,
});

/// A customer's latest invoices (`$1` the customer, `$2` how many).
pub(crate) const INVOICES_OF: &str = "SELECT id, customer_id, invoice_number, ocr, issued_on, due_on, amount_ore, paid_ore, status \
     FROM invoices WHERE customer_id = $1 ORDER BY due_on DESC, id DESC LIMIT $2";

/// A payment's customer is its invoice's customer (every writer takes it from the invoice), so
/// payments with an invoice are found through the customer's invoices and only the others
/// through `payments_customer_idx`, which holds just those (migration 0004).
pub(crate) const PAYMENTS_OF: &str = "SELECT id, invoice_id, paid_on, amount_ore, source, reference FROM payments \
     WHERE customer_id = $1 AND invoice_id IN (SELECT id FROM invoices WHERE customer_id = $1) \
     UNION ALL \
     SELECT id, invoice_id, paid_on, amount_ore, source, reference FROM payments \
     WHERE customer_id = $1 AND invoice_id IS NULL \
     ORDER BY paid_on DESC, id DESC LIMIT $2";

#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub customer_id: CustomerId,
    pub invoice_number: String,
    pub ocr: String,
    pub issued_on: Date,
    pub due_on: Date,
    pub amount: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    pub created_at: i64,
}

/// Inserts many invoices, 9 parameters each, in statements of at most
/// [`crate::backend::MAX_PARAMS`] parameters; returns each one's (invoice number, id), for
/// linking payments.
pub async fn insert_invoices(tx: &mut Tx, rows: &[NewInvoice]) -> Result<Vec<(String, InvoiceId)>> {
    let mut out = Vec::with_capacity(rows.len());
    for part in rows.chunks(crate::backend::rows_per_statement(9)) {
        out.extend(insert_invoices_part(tx, part).await?);
    }
    Ok(out)
}

async fn insert_invoices_part(
    tx: &mut Tx,
    rows: &[NewInvoice],
) -> Result<Vec<(String, InvoiceId)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO invoices (customer_id, invoice_number, ocr, issued_on, due_on, amount_ore, paid_ore, status, created_at) VALUES {} \
         RETURNING invoice_number, id",
        values_placeholders(tx.backend(), rows.len(), 9)
    );
    let ids = with_tx!(tx, |conn| {
        let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
        for r in rows {
            q = q
                .bind(r.customer_id.get())
                .bind(&r.invoice_number)
                .bind(&r.ocr)
                .bind(r.issued_on.to_string())
                .bind(r.due_on.to_string())
                .bind(r.amount.ore())
                .bind(r.paid.ore())
                .bind(r.status.as_str())
                .bind(r.created_at);
        }
        q.fetch_all(conn).await?
    });
    Ok(ids
        .into_iter()
        .map(|(number, id)| (number, InvoiceId::new(id)))
        .collect())
}

/// A payment to record outside a BgMax import (the demo town's).
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub invoice_id: Option<InvoiceId>,
    pub customer_id: CustomerId,
    pub paid_on: Date,
    pub amount: Money,
    pub source: PaymentSource,
    pub reference: String,
    pub created_at: i64,
}

/// Inserts many payments, 7 parameters each, in statements of at most
/// [`crate::backend::MAX_PARAMS`] parameters.
pub async fn insert_payments(tx: &mut Tx, rows: &[NewPayment]) -> Result<()> {
    for part in rows.chunks(crate::backend::rows_per_statement(7)) {
        insert_payments_part(tx, part).await?;
    }
    Ok(())
}

async fn insert_payments_part(tx: &mut Tx, rows: &[NewPayment]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO payments (invoice_id, customer_id, paid_on, amount_ore, source, reference, created_at) VALUES {}",
        values_placeholders(tx.backend(), rows.len(), 7)
    );
    with_tx!(tx, |conn| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for r in rows {
            q = q
                .bind(r.invoice_id.map(InvoiceId::get))
                .bind(r.customer_id.get())
                .bind(r.paid_on.to_string())
                .bind(r.amount.ore())
                .bind(r.source.as_str())
                .bind(&r.reference)
                .bind(r.created_at);
        }
        q.execute(conn).await?.rows_affected()
    });
    Ok(())
}

/// A customer's latest `limit` invoices, newest due date first.
pub async fn invoices_of(
    store: &Store,
    customer_id: CustomerId,
    limit: i64,
) -> Result<Vec<InvoiceRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, InvoiceRow>(INVOICES_OF)
            .bind(customer_id.get())
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// A recorded payment as the customer pages list it.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: PaymentId,
    pub invoice_id: Option<InvoiceId>,
    pub paid_on: Date,
    pub amount: Money,
    pub source: PaymentSource,
    pub reference: String,
}

from_row!(PaymentRow, "payments", |c| PaymentRow {
    id: c.id("id")?,
    invoice_id: c.id_opt("invoice_id")?,
    paid_on: c.date("paid_on")?,
    amount: c.money("amount_ore")?,
    source: c.code("source")?,
    reference: c.get("reference")?,
});

/// A customer's latest `limit` payments, with an invoice or without.
pub async fn payments_of(
    store: &Store,
    customer_id: CustomerId,
    limit: i64,
) -> Result<Vec<PaymentRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, PaymentRow>(PAYMENTS_OF)
            .bind(customer_id.get())
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn count_invoices(store: &Store) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM invoices"
    )
    .fetch_one(pool)
    .await?))
}

/// One invoice as credit sees it.
#[derive(Debug, Clone)]
pub struct CreditInvoice {
    pub id: InvoiceId,
    pub customer_id: CustomerId,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: Date,
    pub amount: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    pub reminder_level: i64,
}

impl CreditInvoice {
    /// What is left to pay (never below zero).
    pub fn outstanding(&self) -> Money {
        Money::from_ore((self.amount.ore() - self.paid.ore()).max(0))
    }
}

from_row!(CreditInvoice, "invoices", |c| CreditInvoice {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    invoice_number: c.get("invoice_number")?,
    ocr: c.get("ocr")?,
    due_on: c.date("due_on")?,
    amount: c.money("amount_ore")?,
    paid: c.money("paid_ore")?,
    status: c.code("status")?,
    reminder_level: c.get("reminder_level")?,
});

const CREDIT_INVOICE: &str = "SELECT id, customer_id, invoice_number, ocr, due_on, amount_ore, paid_ore, status, reminder_level FROM invoices";

pub async fn credit_invoice(store: &Store, id: InvoiceId) -> Result<Option<CreditInvoice>> {
    let sql = format!("{CREDIT_INVOICE} WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// The invoice with this OCR reference or invoice number.
pub async fn invoice_by_ocr_or_number(store: &Store, key: &str) -> Result<Option<CreditInvoice>> {
    let sql = format!("{CREDIT_INVOICE} WHERE ocr = $1 OR invoice_number = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(key)
            .fetch_optional(pool)
            .await?
    }))
}

/// A customer's invoices not fully paid, earliest due first.
pub async fn unpaid_invoices_of(store: &Store, customer: CustomerId) -> Result<Vec<CreditInvoice>> {
    let sql = format!(
        "{CREDIT_INVOICE} WHERE customer_id = $1 AND status <> 'paid' AND paid_ore < amount_ore ORDER BY due_on, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer.get())
            .fetch_all(pool)
            .await?
    }))
}

/// Every invoice not fully paid whose status still allows an extension (open, partly paid,
/// overdue), for the credit policy's preview.
pub async fn extendable_invoices(store: &Store) -> Result<Vec<CreditInvoice>> {
    let sql = format!(
        "{CREDIT_INVOICE} WHERE status IN ('open', 'partly_paid', 'overdue') AND paid_ore < amount_ore ORDER BY customer_id, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// One line of the debt-collection list.
#[derive(Debug, Clone)]
pub struct CollectionRow {
    pub invoice: CreditInvoice,
    pub customer_name: String,
    /// The day the invoice was put on the list.
    pub since: Option<Date>,
}

from_row!(CollectionRow, "invoices", |c| CollectionRow {
    invoice: CreditInvoice {
        id: c.id("id")?,
        customer_id: c.id("customer_id")?,
        invoice_number: c.get("invoice_number")?,
        ocr: c.get("ocr")?,
        due_on: c.date("due_on")?,
        amount: c.money("amount_ore")?,
        paid: c.money("paid_ore")?,
        status: c.code("status")?,
        reminder_level: c.get("reminder_level")?,
    },
    customer_name: c.get("name")?,
    since: c.date_opt("collection_on")?,
});

/// The debt-collection list, oldest first.
pub async fn collection_list(store: &Store) -> Result<Vec<CollectionRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CollectionRow>(
            "SELECT i.id, i.customer_id, i.invoice_number, i.ocr, i.due_on, i.amount_ore, i.paid_ore, i.status, \
             i.reminder_level, c.name, i.collection_on FROM invoices i JOIN customers c ON c.id = i.customer_id \
             WHERE i.status = 'collection' ORDER BY i.collection_on, i.id",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// Customer ids by customer number.
pub async fn customer_ids_by_number(
    tx: &mut Tx,
    numbers: &[&str],
) -> Result<Vec<(String, CustomerId)>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(CHUNK) {
        let sql = format!(
            "SELECT customer_number, id FROM customers WHERE customer_number IN ({})",
            id_list(chunk.len(), 1)
        );
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(conn).await?
        });
        out.extend(rows.into_iter().map(|(n, id)| (n, CustomerId::new(id))));
    }
    Ok(out)
}

/// Invoice numbers among these that exist already.
pub async fn existing_invoice_numbers(tx: &mut Tx, numbers: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(CHUNK) {
        let sql = format!(
            "SELECT invoice_number FROM invoices WHERE invoice_number IN ({})",
            id_list(chunk.len(), 1)
        );
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone()));
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(conn).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Bills a customer's pending charges (fees, interest) on a new invoice: they are linked to it
/// and its amount grows by their sum. Returns the sum.
pub async fn bill_pending_charges(
    tx: &mut Tx,
    customer: CustomerId,
    invoice: InvoiceId,
) -> Result<Money> {
    let sum = with_tx!(tx, |conn| {
        let sum = sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(amount_ore), 0) AS BIGINT) FROM invoice_charges \
             WHERE customer_id = $1 AND billed_invoice_id IS NULL",
        )
        .bind(customer.get())
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE invoice_charges SET billed_invoice_id = $2 WHERE customer_id = $1 AND billed_invoice_id IS NULL",
        )
        .bind(customer.get())
        .bind(invoice.get())
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE invoices SET amount_ore = amount_ore + $2 WHERE id = $1")
            .bind(invoice.get())
            .bind(sum)
            .execute(&mut *conn)
            .await?;
        sum
    });
    Ok(Money::from_ore(sum))
}

/// The demo town: nine customers in ten have terms that agree to a reminder fee.
pub async fn demo_fee_agreement(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE customers SET reminder_fee_agreed = TRUE WHERE id % 10 <> 0"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Sets `paid_on` of paid invoices from their latest payment where it is missing (invoices
/// loaded in bulk, such as the credit benchmark's).
pub async fn paid_on_from_payments(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE invoices SET paid_on = (SELECT MAX(p.paid_on) FROM payments p WHERE p.invoice_id = invoices.id) \
         WHERE status = 'paid' AND paid_on IS NULL"
    )
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

#[cfg(test)]
mod tests {
    use super::PAYMENTS_OF;
    use crate::{ConnectOptions, Store};

    /// Payments with an invoice come through the customer's invoices, the rest through the
    /// partial `payments_customer_idx`: no step reads the whole payments table.
    #[tokio::test]
    async fn payments_of_a_customer_are_found_through_indexes() {
        let store = Store::connect("sqlite::memory:", &ConnectOptions::default())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let plan = crate::backend::testing::sqlite_plan(&store, PAYMENTS_OF).await;
        assert!(!plan.iter().any(|l| l.starts_with("SCAN")), "{plan:?}");
        for index in [
            "payments_invoice_idx",
            "invoices_customer_idx",
            "payments_customer_idx",
        ] {
            assert!(plan.iter().any(|l| l.contains(index)), "{index}: {plan:?}");
        }
    }
}

//! What finance's supplier reports read: paid and open supplier invoices with their supplier's
//! group, local spend by trade, and the customers' side of the liquidity forecast (open
//! invoices with any granted extension, and each customer's record of paying late).

use domain::ids::{CustomerId, SupplierId};
use domain::money::Money;
use domain::suppliers::{SizeClass, Trade};
use jiff::civil::Date;

use crate::{Result, Store};

/// A supplier invoice with its supplier's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFacts {
    pub supplier_id: SupplierId,
    pub local: bool,
    pub size: SizeClass,
    pub received_on: Date,
    pub due_date: Date,
    pub paid_on: Option<Date>,
    /// What is (or was) to be paid after credit notes.
    pub left: Money,
    /// The trade of the work order it was matched to.
    pub trade: Option<Trade>,
}

from_row!(InvoiceFacts, "supplier_invoices", |c| InvoiceFacts {
    supplier_id: c.id("supplier_id")?,
    local: c.get("is_local")?,
    size: c.code("size_class")?,
    received_on: c.date("received_on")?,
    due_date: c.date("due_date")?,
    paid_on: c.date_opt("paid_on")?,
    left: c.money("left_ore")?,
    trade: c.code_opt("trade")?,
});

const FACTS: &str = "SELECT i.supplier_id, s.is_local, s.size_class, i.received_on, i.due_date, \
     i.paid_on, i.amount_ore - i.credited_ore AS left_ore, w.trade \
     FROM supplier_invoices i JOIN suppliers s ON s.id = i.supplier_id \
     LEFT JOIN supplier_work_orders w ON w.id = i.work_order_id WHERE i.kind = 'invoice' ";

async fn facts(store: &Store, condition: &str, since: Date) -> Result<Vec<InvoiceFacts>> {
    let sql = format!("{FACTS} AND {condition} ORDER BY i.id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, InvoiceFacts>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(since.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// Invoices paid on or after `since`.
pub async fn paid_since(store: &Store, since: Date) -> Result<Vec<InvoiceFacts>> {
    facts(store, "i.state = 'paid' AND i.paid_on >= $1", since).await
}

/// Invoices still to be paid (disputed ones are held, so not counted).
pub async fn open(store: &Store) -> Result<Vec<InvoiceFacts>> {
    facts(
        store,
        "i.state IN ('received', 'attested', 'approved') AND i.received_on >= $1",
        jiff::civil::date(1900, 1, 1),
    )
    .await
}

/// Invoices received on or after `since` that are not disputed or settled by credit notes.
pub async fn received_since(store: &Store, since: Date) -> Result<Vec<InvoiceFacts>> {
    facts(
        store,
        "i.state IN ('received', 'attested', 'approved', 'paid') AND i.received_on >= $1",
        since,
    )
    .await
}

/// A customer invoice still to be paid: its due date (or a granted extension's) and what is
/// open. Invoices gone to collection are not expected within the forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerOpen {
    pub customer_id: CustomerId,
    pub due_on: Date,
    pub extended_to: Option<Date>,
    pub open: Money,
}

from_row!(CustomerOpen, "invoices", |c| CustomerOpen {
    customer_id: c.id("customer_id")?,
    due_on: c.date("due_on")?,
    extended_to: c.date_opt("extended_to")?,
    open: c.money("open_ore")?,
});

pub async fn customer_open(store: &Store) -> Result<Vec<CustomerOpen>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CustomerOpen>(
            "SELECT i.customer_id, i.due_on, i.amount_ore - i.paid_ore AS open_ore, \
             (SELECT MAX(a.new_due_on) FROM arrangements a WHERE a.invoice_id = i.id \
              AND a.kind = 'extension' AND a.status = 'approved') AS extended_to \
             FROM invoices i WHERE i.status IN ('open', 'partly_paid', 'overdue', 'extension') \
             AND i.amount_ore > i.paid_ore ORDER BY i.id",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// A paid customer invoice: when it was due and when it was last paid on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerPaid {
    pub customer_id: CustomerId,
    pub due_on: Date,
    pub paid_on: Date,
}

from_row!(CustomerPaid, "invoices", |c| CustomerPaid {
    customer_id: c.id("customer_id")?,
    due_on: c.date("due_on")?,
    paid_on: c.date("paid_on")?,
});

pub async fn customer_paid(store: &Store) -> Result<Vec<CustomerPaid>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CustomerPaid>(
            "SELECT i.customer_id, i.due_on, MAX(p.paid_on) AS paid_on \
             FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE i.status = 'paid' \
             GROUP BY i.id, i.customer_id, i.due_on",
        )
        .fetch_all(pool)
        .await?
    }))
}

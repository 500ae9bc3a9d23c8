//! What changes of policy changed for each customer, until one message per customer and change
//! key has been composed from them (see `services::capability`).

use domain::ids::{CustomerId, OutboxId};
use domain::policy::Capability;

use crate::{Result, Tx};

#[derive(Debug, Clone)]
pub struct ChangeRow {
    pub id: i64,
    pub change_key: String,
    pub customer_id: CustomerId,
    pub capability: Capability,
    pub object_id: i64,
    /// `domain::policy::CustomerChange` as JSON.
    pub body: String,
}

from_row!(ChangeRow, "customer_changes", |c| ChangeRow {
    id: c.get("id")?,
    change_key: c.get("change_key")?,
    customer_id: c.id("customer_id")?,
    capability: c.code("capability")?,
    object_id: c.get("object_id")?,
    body: c.get("body")?,
});

/// One customer's change under a key. The same key, customer, capability and object again is
/// ignored (returns `false`): a hook applied twice records once.
pub struct NewChange<'a> {
    pub change_key: &'a str,
    pub customer_id: CustomerId,
    pub capability: Capability,
    pub object_id: i64,
    pub body: &'a str,
    pub now: i64,
}

pub async fn record(tx: &mut Tx, c: &NewChange<'_>) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO customer_changes (change_key, customer_id, capability, object_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (change_key, customer_id, capability, object_id) DO NOTHING"
    )
    .bind(c.change_key)
    .bind(c.customer_id.get())
    .bind(c.capability.as_str())
    .bind(c.object_id)
    .bind(c.body)
    .bind(c.now)
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

/// The pending changes under `key` of the first `customers` customers (by id) who have any,
/// in customer order: one statement, two range scans of `customer_changes_pending_idx` (the
/// last of those customers, found once, bounds the rows; a `customer_id IN (…)` subquery made
/// PostgreSQL scan the key's rows once per row).
pub async fn next_pending(tx: &mut Tx, key: &str, customers: i64) -> Result<Vec<ChangeRow>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, ChangeRow>(
        "SELECT id, change_key, customer_id, capability, object_id, body FROM customer_changes \
         WHERE change_key = $1 AND composed_at IS NULL AND customer_id <= \
           (SELECT MAX(customer_id) FROM \
             (SELECT DISTINCT customer_id FROM customer_changes WHERE change_key = $1 AND composed_at IS NULL \
              ORDER BY customer_id LIMIT $2) first_customers) \
         ORDER BY customer_id, capability, object_id"
    )
    .bind(key)
    .bind(customers)
    .fetch_all(conn)
    .await?
    }))
}

/// Keys with changes not yet composed (a composer that died is finished by the next run).
pub async fn pending_keys(tx: &mut Tx) -> Result<Vec<String>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT change_key FROM customer_changes WHERE composed_at IS NULL ORDER BY change_key"
    )
    .fetch_all(conn)
    .await?
    }))
}

/// Marks changes composed, with the message that told the customer (none when the customer
/// could not be reached).
pub async fn mark_composed(
    tx: &mut Tx,
    ids: &[i64],
    outbox_id: Option<OutboxId>,
    now: i64,
) -> Result<()> {
    for id in ids {
        with_tx!(tx, |conn| sqlx::query(
            "UPDATE customer_changes SET composed_at = $2, outbox_id = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(now)
        .bind(outbox_id.map(OutboxId::get))
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// How to reach each of many customers, in id order (one statement per chunk).
pub async fn contacts(
    store: &crate::Store,
    ids: &[CustomerId],
) -> Result<Vec<crate::customers::Contact>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::backend::MAX_NUMBERED_PARAMS) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} FROM customers c WHERE c.id IN ({list}) ORDER BY c.id",
            crate::customers::CONTACT_COLUMNS
        );
        let rows = with_pool!(store, |pool| {
            let mut q =
                sqlx::query_as::<_, crate::customers::Contact>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(id.get());
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

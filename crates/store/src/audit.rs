//! The append-only, hash-chained audit log.
//!
//! Appends take the single `audit_head` row first (`UPDATE … RETURNING`), which serialises
//! writers on both backends, so the chain never forks. The hash itself is computed by the caller
//! (services), which keeps cryptography out of this crate.

use domain::audit::Outcome;
use domain::ids::{AuditEntryId, UserId};

use crate::{Result, Store, Tx};

/// One entry of the log. `action` and `object_kind` are open sets on purpose: every capability
/// names its own events, and the log must keep what was written even after a name changes.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: AuditEntryId,
    pub seq: i64,
    pub at: i64,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub outcome: Outcome,
    pub address: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

from_row!(AuditRow, "audit_log", |c| AuditRow {
    id: c.id("id")?,
    seq: c.get("seq")?,
    at: c.get("at")?,
    actor_user_id: c.id_opt("actor_user_id")?,
    actor: c.get("actor")?,
    action: c.get("action")?,
    object_kind: c.get("object_kind")?,
    object_id: c.get("object_id")?,
    outcome: c.code("outcome")?,
    address: c.get("address")?,
    detail: c.get("detail")?,
    prev_hash: c.get("prev_hash")?,
    hash: c.get("hash")?,
});

/// Locks the head of the chain and returns the next sequence number and the previous hash.
pub async fn lock_head(tx: &mut Tx) -> Result<(i64, String)> {
    let (seq, last): (i64, String) = with_tx!(tx, |conn| sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash"
    )
    .fetch_one(conn)
    .await?);
    Ok((seq, last))
}

/// The last sequence number and hash appended, as committed.
pub async fn head(store: &Store) -> Result<(i64, String)> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(pool)
            .await?
    }))
}

pub async fn append(tx: &mut Tx, row: &AuditRow) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, object_kind, object_id, outcome, address, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(row.seq)
        .bind(row.at)
        .bind(row.actor_user_id.map(UserId::get))
        .bind(&row.actor)
        .bind(&row.action)
        .bind(&row.object_kind)
        .bind(&row.object_id)
        .bind(row.outcome.as_str())
        .bind(&row.address)
        .bind(&row.detail)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&mut *conn)
        .await?.rows_affected();
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(&row.hash)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

const COLUMNS: &str = "id, seq, at, actor_user_id, actor, action, object_kind, object_id, outcome, address, detail, prev_hash, hash";

/// Newest first; `action` filters when given.
pub async fn list(
    store: &Store,
    action: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE ($1 = '' OR action = $1) ORDER BY seq DESC LIMIT $2 OFFSET $3"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AuditRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(action.unwrap_or(""))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?))
}

/// Up to `limit` rows after sequence number `after`, in chain order (verification reads the
/// chain in such batches, so memory stays bounded however long the log grows).
pub async fn in_order_after(store: &Store, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AuditRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Every row in chain order.
pub async fn all_in_order(store: &Store) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AuditRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

//! Effective-dated policies per capability, and the modes that bundle them.
//!
//! A policy's body is JSON (`TEXT`), read into `domain::policy::PolicyBody` by services, where
//! an unreadable body is reported with the policy's id instead of failing the whole list.

use domain::ids::{ModeId, PolicyId};
use domain::policy::Capability;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct PolicyRow {
    pub id: PolicyId,
    pub capability: Capability,
    pub mode_id: Option<ModeId>,
    pub effective_from: i64,
    pub effective_to: Option<i64>,
    pub body: String,
    pub set_by: String,
    pub reason: String,
    pub created_at: i64,
}

from_row!(PolicyRow, "policies", |c| PolicyRow {
    id: c.id("id")?,
    capability: c.code("capability")?,
    mode_id: c.id_opt("mode_id")?,
    effective_from: c.get("effective_from")?,
    effective_to: c.get("effective_to")?,
    body: c.get("body")?,
    set_by: c.get("set_by")?,
    reason: c.get("reason")?,
    created_at: c.get("created_at")?,
});

const COLUMNS: &str =
    "id, capability, mode_id, effective_from, effective_to, body, set_by, reason, created_at";

pub struct NewPolicy<'a> {
    pub capability: Capability,
    pub mode_id: Option<ModeId>,
    pub effective_from: i64,
    pub effective_to: Option<i64>,
    pub body: &'a str,
    pub set_by: &'a str,
    pub reason: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, p: &NewPolicy<'_>) -> Result<PolicyId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO policies (capability, mode_id, effective_from, effective_to, body, set_by, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    )
    .bind(p.capability.as_str())
    .bind(p.mode_id.map(ModeId::get))
    .bind(p.effective_from)
    .bind(p.effective_to)
    .bind(p.body)
    .bind(p.set_by)
    .bind(p.reason)
    .bind(p.now)
    .fetch_one(conn)
    .await?
    });
    Ok(PolicyId::new(id))
}

/// The policy in force for a capability at an instant: among rows whose interval contains the
/// instant, the one that starts latest wins (ties: the one recorded last).
pub async fn at(store: &Store, capability: Capability, at: i64) -> Result<Option<PolicyRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM policies WHERE capability = $1 AND effective_from <= $2 \
         AND (effective_to IS NULL OR effective_to > $2) ORDER BY effective_from DESC, id DESC LIMIT 1"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PolicyRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(capability.as_str())
    .bind(at)
    .fetch_optional(pool)
    .await?))
}

pub async fn list(store: &Store) -> Result<Vec<PolicyRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM policies ORDER BY capability, effective_from DESC, id DESC");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PolicyRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

//! "No home visits" declarations, stored sealed (see migration 0008). The store never sees the
//! plain text: services seal and open it.

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeclarationRow {
    pub id: i64,
    pub customer_id: i64,
    pub key_id: String,
    pub nonce: String,
    pub sealed: String,
    pub consent_version: String,
    pub consented_at: i64,
    pub review_on: String,
    pub recorded_by: String,
}

const COLUMNS: &str =
    "id, customer_id, key_id, nonce, sealed, consent_version, consented_at, review_on, recorded_by";

/// A declaration to store, already sealed.
#[derive(Debug, Clone)]
pub struct NewDeclaration<'a> {
    pub customer_id: i64,
    pub key_id: &'a str,
    pub nonce: &'a str,
    pub sealed: &'a str,
    pub consent_version: &'a str,
    pub consented_at: i64,
    pub review_on: &'a str,
    pub recorded_by: &'a str,
}

/// Records a declaration, replacing the customer's earlier one.
pub async fn upsert(tx: &mut Tx, d: &NewDeclaration<'_>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO home_visit_declarations (customer_id, key_id, nonce, sealed, consent_version, consented_at, review_on, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (customer_id) DO UPDATE SET key_id = excluded.key_id, nonce = excluded.nonce, \
           sealed = excluded.sealed, consent_version = excluded.consent_version, \
           consented_at = excluded.consented_at, review_on = excluded.review_on, recorded_by = excluded.recorded_by"
    )
    .bind(d.customer_id)
    .bind(d.key_id)
    .bind(d.nonce)
    .bind(d.sealed)
    .bind(d.consent_version)
    .bind(d.consented_at)
    .bind(d.review_on)
    .bind(d.recorded_by)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn of_customer(store: &Store, customer_id: i64) -> Result<Option<DeclarationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM home_visit_declarations WHERE customer_id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DeclarationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer_id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Deletes the customer's declaration; true when there was one.
pub async fn delete(tx: &mut Tx, customer_id: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM home_visit_declarations WHERE customer_id = $1"
    )
    .bind(customer_id)
    .execute(conn)
    .await?
    .rows_affected())
        > 0)
}

/// Deletes every declaration (the campaign has closed); returns how many.
pub async fn delete_all(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM home_visit_declarations"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

/// The customers who asked not to be visited, with the review date: what a planner may know.
pub async fn deferred(store: &Store) -> Result<Vec<(i64, String)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT customer_id, review_on FROM home_visit_declarations ORDER BY customer_id",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// Declarations sealed under another key than `active` (to re-seal after a rotation).
pub async fn not_under_key(tx: &mut Tx, active: &str) -> Result<Vec<DeclarationRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM home_visit_declarations WHERE key_id <> $1 ORDER BY id");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, DeclarationRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(active)
    .fetch_all(conn)
    .await?))
}

/// Replaces a row's seal (same content, new key).
pub async fn reseal(tx: &mut Tx, id: i64, key_id: &str, nonce: &str, sealed: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE home_visit_declarations SET key_id = $1, nonce = $2, sealed = $3 WHERE id = $4"
    )
    .bind(key_id)
    .bind(nonce)
    .bind(sealed)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

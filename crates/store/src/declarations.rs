//! "No home visits" declarations, stored sealed (see migration 0008). The store never sees the
//! plain text: services seal and open it.

use domain::campaign::{ConsentVersion, RecordedBy};
use domain::ids::{CustomerId, DeclarationId};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct DeclarationRow {
    pub id: DeclarationId,
    pub customer_id: CustomerId,
    /// The name of the key that sealed the row.
    pub key_id: String,
    pub nonce: String,
    pub sealed: String,
    pub consent_version: ConsentVersion,
    pub consented_at: i64,
    pub review_on: Date,
    pub recorded_by: RecordedBy,
}

from_row!(DeclarationRow, "home_visit_declarations", |c| {
    DeclarationRow {
        id: c.id("id")?,
        customer_id: c.id("customer_id")?,
        key_id: c.get("key_id")?,
        nonce: c.get("nonce")?,
        sealed: c.get("sealed")?,
        consent_version: c.code("consent_version")?,
        consented_at: c.get("consented_at")?,
        review_on: c.date("review_on")?,
        recorded_by: c.code("recorded_by")?,
    }
});

const COLUMNS: &str =
    "id, customer_id, key_id, nonce, sealed, consent_version, consented_at, review_on, recorded_by";

/// A declaration to store, already sealed.
#[derive(Debug, Clone)]
pub struct NewDeclaration<'a> {
    pub customer_id: CustomerId,
    pub key_id: &'a str,
    pub nonce: &'a str,
    pub sealed: &'a str,
    pub consent_version: ConsentVersion,
    pub consented_at: i64,
    pub review_on: Date,
    pub recorded_by: RecordedBy,
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
    .bind(d.customer_id.get())
    .bind(d.key_id)
    .bind(d.nonce)
    .bind(d.sealed)
    .bind(d.consent_version.as_str())
    .bind(d.consented_at)
    .bind(d.review_on.to_string())
    .bind(d.recorded_by.as_str())
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn of_customer(store: &Store, customer_id: CustomerId) -> Result<Option<DeclarationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM home_visit_declarations WHERE customer_id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DeclarationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer_id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Deletes the customer's declaration; true when there was one.
pub async fn delete(tx: &mut Tx, customer_id: CustomerId) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM home_visit_declarations WHERE customer_id = $1"
    )
    .bind(customer_id.get())
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

/// What a planner may know of a declaration: the household asked not to be visited, and when
/// to review that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferralRow {
    pub customer_id: CustomerId,
    pub review_on: Date,
}

from_row!(DeferralRow, "home_visit_declarations", |c| DeferralRow {
    customer_id: c.id("customer_id")?,
    review_on: c.date("review_on")?,
});

/// The customers who asked not to be visited, with the review date.
pub async fn deferred(store: &Store) -> Result<Vec<DeferralRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DeferralRow>(
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
pub async fn reseal(
    tx: &mut Tx,
    id: DeclarationId,
    key_id: &str,
    nonce: &str,
    sealed: &str,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE home_visit_declarations SET key_id = $1, nonce = $2, sealed = $3 WHERE id = $4"
    )
    .bind(key_id)
    .bind(nonce)
    .bind(sealed)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

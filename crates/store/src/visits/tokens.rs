//! Bearer tokens of API clients (staff accounts), stored as SHA-256 hashes.

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    pub token_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub customer_id: Option<i64>,
    pub disabled: bool,
    pub last_used_at: Option<i64>,
}

pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(hash)
        .bind(now)
        .bind(expires_at)
        .fetch_one(conn)
        .await?
    }))
}

/// The account behind a token that is neither revoked nor expired at `now`.
pub async fn token_user(store: &Store, hash: &str, now: i64) -> Result<Option<TokenUser>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, TokenUser>(
        "SELECT t.id AS token_id, u.id AS user_id, u.username, u.display_name, u.role, u.customer_id, \
         u.disabled, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await?
    }))
}

pub async fn touch_token(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn revoke_tokens(tx: &mut Tx, user_id: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"
    )
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

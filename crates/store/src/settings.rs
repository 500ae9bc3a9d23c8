//! Key–value settings that belong to the database itself (for example which demo town it holds).

use crate::{Result, Tx};

pub async fn get(store: &crate::Store, key: &str) -> Result<Option<String>> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
        "SELECT value FROM settings WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(pool)
    .await?))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?.rows_affected()
    });
    Ok(())
}

/// Stores a value unless the key exists (two processes racing to create a secret keep one).
pub async fn insert_if_missing(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(())
}

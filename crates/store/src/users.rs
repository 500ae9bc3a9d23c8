//! Accounts: staff and customer logins with their role.

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub customer_id: Option<i64>,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub is_demo: bool,
    pub created_at: i64,
    pub password_changed_at: i64,
}

const COLUMNS: &str = "id, username, display_name, role, customer_id, password_hash, totp_secret, totp_enabled, disabled, is_demo, created_at, password_changed_at";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub customer_id: Option<i64>,
    pub password_hash: &'a str,
    pub is_demo: bool,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, role, customer_id, password_hash, is_demo, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.role)
    .bind(u.customer_id)
    .bind(u.password_hash)
    .bind(u.is_demo)
    .bind(u.now)
    .fetch_one(conn)
    .await?
    }))
}

pub async fn by_username(store: &Store, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(username)
    .fetch_optional(pool)
    .await?))
}

pub async fn by_id(store: &Store, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

pub async fn list(store: &Store) -> Result<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY role, username");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn set_role(tx: &mut Tx, id: i64, role: &str) -> Result<bool> {
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET role = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(role)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n == 1)
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn set_totp(tx: &mut Tx, id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(secret)
    .bind(enabled)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Records that a TOTP code of time step `step` was used; 0 rows when a code of that step or a
/// later one was already accepted (a replay).
pub async fn use_totp_step(tx: &mut Tx, id: i64, step: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET totp_last_step = $2 \
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)"
    )
    .bind(id)
    .bind(step)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn set_disabled(tx: &mut Tx, id: i64, disabled: bool) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET disabled = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(disabled)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn delete_demo(tx: &mut Tx) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE is_demo = TRUE)",
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM users WHERE is_demo = TRUE")
            .execute(&mut *conn)
            .await?
            .rows_affected()
    });
    Ok(())
}

//! Server-side sessions (only a hash of the cookie's token is stored) and failed-login records.

use domain::ids::{CustomerId, SessionId, UserId};
use domain::role::Role;

use crate::{Result, Store, Tx};

pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: UserId,
    csrf: &str,
    mfa_pending: bool,
    now: i64,
) -> Result<SessionId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id"
    )
    .bind(token_hash)
    .bind(user_id.get())
    .bind(csrf)
    .bind(mfa_pending)
    .bind(now)
    .fetch_one(conn)
    .await?
    });
    Ok(SessionId::new(id))
}

pub async fn touch(tx: &mut Tx, id: SessionId, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE id = $1"
    )
    .bind(id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: SessionId) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id.get())
        .execute(conn)
        .await?
        .rows_affected());
    Ok(())
}

/// Ends every session of a user (password change, disabling, an admin's request).
pub async fn delete_for_user(tx: &mut Tx, user_id: UserId) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn count_for_user(store: &Store, user_id: UserId) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1"
    )
    .bind(user_id.get())
    .fetch_one(pool)
    .await?))
}

pub async fn delete_older_than(
    tx: &mut Tx,
    last_seen_before: i64,
    created_before: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2"
    )
    .bind(last_seen_before)
    .bind(created_before)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Failed logins in the window for an account name and for an address.
pub async fn recent_failures(
    store: &Store,
    account: &str,
    address: &str,
    since: i64,
) -> Result<(i64, i64)> {
    with_pool!(store, |pool| {
        let by_account = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at >= $2",
        )
        .bind(account)
        .bind(since)
        .fetch_one(pool)
        .await?;
        let by_address = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at >= $2",
        )
        .bind(address)
        .bind(since)
        .fetch_one(pool)
        .await?;
        Ok((by_account, by_address))
    })
}

/// Counts one attempt under `key` in a fixed window of `window` µs (a window older than that
/// starts again at this attempt) and returns the attempts in the window, this one included.
/// One statement, so parallel attempts on any server each see their own count.
pub async fn count_attempt(tx: &mut Tx, key: &str, now: i64, window: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO login_attempts (attempt_key, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (attempt_key) DO UPDATE SET \
           attempts = CASE WHEN login_attempts.window_start <= $3 THEN 1 ELSE login_attempts.attempts + 1 END, \
           window_start = CASE WHEN login_attempts.window_start <= $3 THEN $2 ELSE login_attempts.window_start END \
         RETURNING attempts"
    )
    .bind(key)
    .bind(now)
    .bind(now - window)
    .fetch_one(conn)
    .await?
    }))
}

/// Takes back an attempt that succeeded (only failures count against the limits).
pub async fn forgive_attempt(tx: &mut Tx, key: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE login_attempts SET attempts = attempts - 1 WHERE attempt_key = $1 AND attempts > 0"
    )
    .bind(key)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Deletes counters whose window ended before `before` (the prune job).
pub async fn prune_attempts(tx: &mut Tx, before: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM login_attempts WHERE window_start < $1"
    )
    .bind(before)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Failed logins and second-factor codes of an account since `since`, inside a transaction.
pub async fn failures_of(tx: &mut Tx, account: &str, since: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at >= $2"
    )
    .bind(account)
    .bind(since)
    .fetch_one(conn)
    .await?))
}

/// When a session was opened, if it still exists.
pub async fn created_at(tx: &mut Tx, id: SessionId) -> Result<Option<i64>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT created_at FROM sessions WHERE id = $1"
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

pub async fn record_failure(tx: &mut Tx, account: &str, address: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO login_failures (account, address, at) VALUES ($1, $2, $3)"
    )
    .bind(account)
    .bind(address)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn prune_failures(tx: &mut Tx, before: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM login_failures WHERE at < $1"
    )
    .bind(before)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// A session together with its account, in one round trip (this runs on every request).
#[derive(Debug, Clone)]
pub struct SessionWithUser {
    pub id: SessionId,
    pub user_id: UserId,
    pub csrf_token: String,
    pub mfa_pending: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub customer_id: Option<CustomerId>,
    pub totp_enabled: bool,
    pub disabled: bool,
    /// A demo account (made by `beredskap demo`): its sessions work only in demo mode.
    pub is_demo: bool,
}

from_row!(SessionWithUser, "sessions", |c| SessionWithUser {
    id: c.id("id")?,
    user_id: c.id("user_id")?,
    csrf_token: c.get("csrf_token")?,
    mfa_pending: c.get("mfa_pending")?,
    created_at: c.get("created_at")?,
    last_seen_at: c.get("last_seen_at")?,
    username: c.get("username")?,
    display_name: c.get("display_name")?,
    role: c.code("role")?,
    customer_id: c.id_opt("customer_id")?,
    totp_enabled: c.get("totp_enabled")?,
    disabled: c.get("disabled")?,
    is_demo: c.get("is_demo")?,
});

pub async fn with_user(store: &Store, token_hash: &str) -> Result<Option<SessionWithUser>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SessionWithUser>(
            "SELECT s.id, s.user_id, s.csrf_token, s.mfa_pending, s.created_at, s.last_seen_at, \
         u.username, u.display_name, u.role, u.customer_id, u.totp_enabled, u.disabled, u.is_demo \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await?
    }))
}

//! Accounts: staff and customer logins with their role.

use domain::ids::{CustomerId, UserId};
use domain::role::Role;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub customer_id: Option<CustomerId>,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub is_demo: bool,
    pub created_at: i64,
    pub password_changed_at: i64,
}

from_row!(UserRow, "users", |c| UserRow {
    id: c.id("id")?,
    username: c.get("username")?,
    display_name: c.get("display_name")?,
    role: c.code("role")?,
    customer_id: c.id_opt("customer_id")?,
    password_hash: c.get("password_hash")?,
    totp_secret: c.get("totp_secret")?,
    totp_enabled: c.get("totp_enabled")?,
    disabled: c.get("disabled")?,
    is_demo: c.get("is_demo")?,
    created_at: c.get("created_at")?,
    password_changed_at: c.get("password_changed_at")?,
});

const COLUMNS: &str = "id, username, display_name, role, customer_id, password_hash, totp_secret, totp_enabled, disabled, is_demo, created_at, password_changed_at";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub customer_id: Option<CustomerId>,
    pub password_hash: &'a str,
    pub is_demo: bool,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>) -> Result<UserId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, role, customer_id, password_hash, is_demo, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.role.as_str())
    .bind(u.customer_id.map(CustomerId::get))
    .bind(u.password_hash)
    .bind(u.is_demo)
    .bind(u.now)
    .fetch_one(conn)
    .await?
    });
    Ok(UserId::new(id))
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

pub async fn by_id(store: &Store, id: UserId) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
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

pub async fn set_role(tx: &mut Tx, id: UserId, role: Role) -> Result<bool> {
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET role = $2 WHERE id = $1"
    )
    .bind(id.get())
    .bind(role.as_str())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n == 1)
}

pub async fn set_password(tx: &mut Tx, id: UserId, hash: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1"
    )
    .bind(id.get())
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn set_totp(tx: &mut Tx, id: UserId, secret: Option<&str>, enabled: bool) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1"
    )
    .bind(id.get())
    .bind(secret)
    .bind(enabled)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Locks a user's row for the rest of the transaction (on SQLite the write transaction holds
/// the database already): attempts at one account's second factor take turns.
pub async fn lock(tx: &mut Tx, id: UserId) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET totp_last_step = totp_last_step WHERE id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Records that a TOTP code of time step `step` was used; 0 rows when a code of that step or a
/// later one was already accepted (a replay).
pub async fn use_totp_step(tx: &mut Tx, id: UserId, step: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET totp_last_step = $2 \
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)"
    )
    .bind(id.get())
    .bind(step)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn set_disabled(tx: &mut Tx, id: UserId, disabled: bool) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET disabled = $2 WHERE id = $1"
    )
    .bind(id.get())
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

/// Sets (or clears) the e-mail address a member of staff is reminded at.
pub async fn set_email(tx: &mut Tx, user: UserId, email: Option<&str>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET email = $2 WHERE id = $1"
    )
    .bind(user.get())
    .bind(email)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A new set of recovery codes, `(lookup, argon2 hash)` each, in place of the user's old set.
pub async fn replace_recovery_codes(
    tx: &mut Tx,
    id: UserId,
    codes: &[(String, String)],
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM recovery_codes WHERE user_id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    for (lookup, hash) in codes {
        with_tx!(tx, |conn| {
            sqlx::query(
            "INSERT INTO recovery_codes (user_id, lookup, code_hash, created_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(id.get())
        .bind(lookup.as_str())
        .bind(hash.as_str())
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
        });
    }
    Ok(())
}

/// The unused recovery code of a user with this lookup: `(id, argon2 hash)`.
pub async fn recovery_code(
    store: &Store,
    id: UserId,
    lookup: &str,
) -> Result<Option<(i64, String)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>(
        "SELECT id, code_hash FROM recovery_codes WHERE user_id = $1 AND lookup = $2 AND used_at IS NULL"
    )
    .bind(id.get())
    .bind(lookup)
    .fetch_optional(pool)
    .await?
    }))
}

/// Marks a recovery code used; 0 rows when it was used meanwhile.
pub async fn use_recovery_code(tx: &mut Tx, code: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE recovery_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL"
    )
    .bind(code)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// How many of a user's recovery codes are left.
pub async fn recovery_codes_left(store: &Store, id: UserId) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"
    )
    .bind(id.get())
    .fetch_one(pool)
    .await?))
}

/// A passkey of a user as stored.
#[derive(Debug, Clone)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub credential_id: String,
    /// The credential as webauthn-rs serialises it.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

from_row!(PasskeyRow, "passkeys", |c| PasskeyRow {
    id: c.get("id")?,
    name: c.get("name")?,
    credential_id: c.get("credential_id")?,
    credential: c.get("credential")?,
    created_at: c.get("created_at")?,
    last_used_at: c.get("last_used_at")?,
});

/// A user's passkeys, oldest first.
pub async fn passkeys(store: &Store, id: UserId) -> Result<Vec<PasskeyRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PasskeyRow>(
        "SELECT id, name, credential_id, credential, created_at, last_used_at FROM passkeys \
         WHERE user_id = $1 ORDER BY id"
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?))
}

/// Whether a user has any passkey.
pub async fn has_passkeys(store: &Store, id: UserId) -> Result<bool> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM passkeys WHERE user_id = $1"
    )
    .bind(id.get())
    .fetch_one(pool)
    .await?)
        > 0)
}

pub async fn insert_passkey(
    tx: &mut Tx,
    id: UserId,
    name: &str,
    credential_id: &str,
    credential: &str,
    now: i64,
) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO passkeys (user_id, name, credential_id, credential, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(id.get())
    .bind(name)
    .bind(credential_id)
    .bind(credential)
    .bind(now)
    .fetch_one(conn)
    .await?))
}

/// Records a use of a passkey, with its credential as updated (the signature counter).
pub async fn passkey_used(tx: &mut Tx, passkey: i64, credential: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE id = $1"
    )
    .bind(passkey)
    .bind(credential)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Removes one of a user's passkeys; 0 rows when it is not theirs.
pub async fn delete_passkey(tx: &mut Tx, id: UserId, passkey: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM passkeys WHERE id = $1 AND user_id = $2"
    )
    .bind(passkey)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Keeps a ceremony's state; returns its id. Ceremonies older than `stale_before` go.
pub async fn insert_ceremony(
    tx: &mut Tx,
    id: UserId,
    kind: &str,
    state: &str,
    now: i64,
    stale_before: i64,
) -> Result<i64> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM passkey_ceremonies WHERE created_at < $1"
    )
    .bind(stale_before)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO passkey_ceremonies (user_id, kind, state, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(id.get())
    .bind(kind)
    .bind(state)
    .bind(now)
    .fetch_one(conn)
    .await?))
}

/// Takes a ceremony of this user and kind, begun after `since` (it is deleted: good once).
pub async fn take_ceremony(
    tx: &mut Tx,
    id: UserId,
    ceremony: i64,
    kind: &str,
    since: i64,
) -> Result<Option<String>> {
    let state = with_tx!(tx, |conn| sqlx::query_scalar::<_, String>(
        "SELECT state FROM passkey_ceremonies \
         WHERE id = $1 AND user_id = $2 AND kind = $3 AND created_at >= $4"
    )
    .bind(ceremony)
    .bind(id.get())
    .bind(kind)
    .bind(since)
    .fetch_optional(conn)
    .await?);
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM passkey_ceremonies WHERE id = $1 AND user_id = $2"
    )
    .bind(ceremony)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(state)
}

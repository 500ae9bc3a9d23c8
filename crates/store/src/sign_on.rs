//! Single sign-on with OpenID Connect: logins under way at an identity provider, and the
//! identities providers vouch for, tied to accounts.

use domain::ids::{CustomerId, UserId};
use domain::role::SignOn;

use crate::{Result, Store, Tx};
use domain::code::TypedId;

/// A login under way, as its callback finds it.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub browser_hash: String,
    pub provider: SignOn,
    pub pkce_verifier: String,
    pub nonce: String,
    pub created_at: i64,
}

from_row!(RequestRow, "sign_on_requests", |c| RequestRow {
    browser_hash: c.get("browser_hash")?,
    provider: c.code("provider")?,
    pkce_verifier: c.get("pkce_verifier")?,
    nonce: c.get("nonce")?,
    created_at: c.get("created_at")?,
});

pub struct NewRequest<'a> {
    pub state_hash: &'a str,
    pub browser_hash: &'a str,
    pub provider: SignOn,
    pub pkce_verifier: &'a str,
    pub nonce: &'a str,
    pub now: i64,
}

/// Keeps a login under way. Those begun before `stale_before` go in the same statement batch.
pub async fn insert_request(tx: &mut Tx, r: &NewRequest<'_>, stale_before: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sign_on_requests WHERE created_at < $1"
    )
    .bind(stale_before)
    .execute(conn)
    .await?
    .rows_affected());
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO sign_on_requests \
         (state_hash, browser_hash, provider, pkce_verifier, nonce, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(r.state_hash)
    .bind(r.browser_hash)
    .bind(r.provider.as_str())
    .bind(r.pkce_verifier)
    .bind(r.nonce)
    .bind(r.now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Takes the login under way with this state (it is deleted: a callback is good once, even
/// when two arrive at once: only the one whose delete removed the row gets it).
pub async fn take_request(tx: &mut Tx, state_hash: &str) -> Result<Option<RequestRow>> {
    let row = with_tx!(tx, |conn| sqlx::query_as::<_, RequestRow>(
        "SELECT browser_hash, provider, pkce_verifier, nonce, created_at \
         FROM sign_on_requests WHERE state_hash = $1"
    )
    .bind(state_hash)
    .fetch_optional(conn)
    .await?);
    let deleted = with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sign_on_requests WHERE state_hash = $1"
    )
    .bind(state_hash)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(row.filter(|_| deleted == 1))
}

/// The account an identity provider's subject is tied to.
pub async fn user_of(store: &Store, issuer: &str, subject: &str) -> Result<Option<UserId>> {
    let id = with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT user_id FROM external_identities WHERE issuer = $1 AND subject = $2"
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(pool)
    .await?);
    Ok(id.map(UserId::from_i64))
}

/// Ties a provider's subject to an account, or notes its login when it already is.
pub async fn link(
    tx: &mut Tx,
    provider: SignOn,
    issuer: &str,
    subject: &str,
    user: UserId,
    now: i64,
) -> Result<()> {
    let updated = with_tx!(tx, |conn| sqlx::query(
        "UPDATE external_identities SET last_login_at = $1 \
         WHERE issuer = $2 AND subject = $3 AND user_id = $4"
    )
    .bind(now)
    .bind(issuer)
    .bind(subject)
    .bind(user.get())
    .execute(conn)
    .await?
    .rows_affected());
    if updated == 0 {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO external_identities \
             (provider, issuer, subject, user_id, created_at, last_login_at) \
             VALUES ($1, $2, $3, $4, $5, $5)"
        )
        .bind(provider.as_str())
        .bind(issuer)
        .bind(subject)
        .bind(user.get())
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// The private customers with this personal identity number (12 digits), oldest first, with
/// the customer account of each where there is one.
pub async fn customers_with_identity(
    store: &Store,
    personnummer: &str,
) -> Result<Vec<(CustomerId, Option<UserId>)>> {
    let rows = with_pool!(store, |pool| sqlx::query_as::<_, (i64, Option<i64>)>(
        "SELECT c.id, u.id FROM customers c \
         LEFT JOIN users u ON u.customer_id = c.id \
         WHERE c.identity_number = $1 AND c.kind = 'private' ORDER BY c.id, u.id"
    )
    .bind(personnummer)
    .fetch_all(pool)
    .await?);
    let mut out: Vec<(CustomerId, Option<UserId>)> = Vec::new();
    for (c, u) in rows {
        let c = CustomerId::from_i64(c);
        if out.last().is_some_and(|(last, _)| *last == c) {
            continue;
        }
        out.push((c, u.map(UserId::from_i64)));
    }
    Ok(out)
}

/// Whether any identity provider speaks for this account.
pub async fn is_linked(store: &Store, user: UserId) -> Result<bool> {
    let n = with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM external_identities WHERE user_id = $1"
    )
    .bind(user.get())
    .fetch_one(pool)
    .await?);
    Ok(n > 0)
}

//! The notification outbox: every message to a customer is a row first, sent after commit.

use domain::customer::Channel;
use domain::ids::{CustomerId, OutboxId};
use domain::outbox::OutboxStatus;

use crate::{Backend, Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub channel: Channel,
    pub customer_id: Option<CustomerId>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

from_row!(OutboxRow, "outbox", |c| OutboxRow {
    id: c.id("id")?,
    channel: c.code("channel")?,
    customer_id: c.id_opt("customer_id")?,
    recipient: c.get("recipient")?,
    subject: c.get("subject")?,
    body_text: c.get("body_text")?,
    body_html: c.get("body_html")?,
    attachment_name: c.get("attachment_name")?,
    attachment_type: c.get("attachment_type")?,
    attachment_body: c.get("attachment_body")?,
    status: c.code("status")?,
    attempts: c.get("attempts")?,
    last_error: c.get("last_error")?,
    created_at: c.get("created_at")?,
    sent_at: c.get("sent_at")?,
});

const COLUMNS: &str = "id, channel, customer_id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment_body, status, attempts, last_error, created_at, sent_at";

pub struct NewMessage<'a> {
    pub channel: Channel,
    pub customer_id: Option<CustomerId>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    pub attachment: Option<(&'a str, &'a str, &'a str)>,
    /// `Held` in demo mode: kept for the Outbox page, never handed to a transport.
    pub status: OutboxStatus,
    pub dedupe_key: Option<&'a str>,
    pub now: i64,
}

/// Queues a message; a repeated dedupe key is ignored (returns `None`).
pub async fn insert(tx: &mut Tx, m: &NewMessage<'_>) -> Result<Option<OutboxId>> {
    let (an, at, ab) = match m.attachment {
        Some((n, t, b)) => (Some(n), Some(t), Some(b)),
        None => (None, None, None),
    };
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO outbox (channel, customer_id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment_body, status, attempts, dedupe_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
    )
    .bind(m.channel.as_str())
    .bind(m.customer_id.map(CustomerId::get))
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body_text)
    .bind(m.body_html)
    .bind(an)
    .bind(at)
    .bind(ab)
    .bind(m.status.as_str())
    .bind(m.dedupe_key)
    .bind(m.now)
    .fetch_optional(conn)
    .await?
    })
    .map(OutboxId::new))
}

/// Queues many messages, one statement per batch; repeated dedupe keys are skipped. Returns how
/// many were queued.
pub async fn insert_many(tx: &mut Tx, msgs: &[NewMessage<'_>]) -> Result<u64> {
    let mut n = 0u64;
    for chunk in msgs.chunks(crate::backend::rows_per_statement(12)) {
        let values =
            crate::backend::Placeholders::new(tx.backend())
                .rows_with(chunk.len(), 13, |c| (c == 10).then(|| "0".to_owned()));
        let sql = format!(
            "INSERT INTO outbox (channel, customer_id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment_body, status, attempts, dedupe_key, created_at) \
             VALUES {values} ON CONFLICT (dedupe_key) DO NOTHING"
        );
        n += with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for m in chunk {
                let (an, at, ab) = match m.attachment {
                    Some((n, t, b)) => (Some(n), Some(t), Some(b)),
                    None => (None, None, None),
                };
                q = q
                    .bind(m.channel.as_str())
                    .bind(m.customer_id.map(CustomerId::get))
                    .bind(m.recipient)
                    .bind(m.subject)
                    .bind(m.body_text)
                    .bind(m.body_html)
                    .bind(an)
                    .bind(at)
                    .bind(ab)
                    .bind(m.status.as_str())
                    .bind(m.dedupe_key)
                    .bind(m.now);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

pub async fn list(store: &Store, limit: i64, offset: i64) -> Result<Vec<OutboxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1 OFFSET $2");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?))
}

pub async fn get(store: &Store, id: OutboxId) -> Result<Option<OutboxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// Claims up to `limit` pending messages, oldest first, for one sender until `until`: no other
/// sender gets them meanwhile (PostgreSQL skips rows another claim holds, SQLite writes one at
/// a time), and [`mark`] ends the claim. A claim that runs out unmarked (its server died) is
/// taken again by the next sender.
pub async fn claim_pending(
    store: &Store,
    limit: i64,
    now: i64,
    until: i64,
) -> Result<Vec<OutboxRow>> {
    let mut tx = store.begin().await?;
    let lock = match tx.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET claimed_until = $1 WHERE id IN (SELECT id FROM outbox \
         WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $2) \
         ORDER BY id LIMIT $3{lock}) RETURNING {COLUMNS}"
    );
    let mut rows = with_tx!(tx, |conn| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(until)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?);
    tx.commit().await?;
    rows.sort_by_key(|r| r.id.get());
    Ok(rows)
}

pub async fn mark(
    tx: &mut Tx,
    id: OutboxId,
    status: OutboxStatus,
    error: Option<&str>,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE outbox SET status = $2, last_error = $3, attempts = attempts + 1, \
         claimed_until = NULL, sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE sent_at END WHERE id = $1"
    )
    .bind(id.get())
    .bind(status.as_str())
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// The messages sent (or being sent) to one customer, newest first, for the portal.
pub async fn of_customer(
    store: &Store,
    customer_id: CustomerId,
    limit: i64,
) -> Result<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox WHERE customer_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Messages waiting to be sent, and the oldest one's creation time (`None` when none waits).
pub async fn backlog(store: &Store) -> Result<(i64, Option<i64>)> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, Option<i64>),
    >(
        "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'"
    )
    .fetch_one(pool)
    .await?))
}

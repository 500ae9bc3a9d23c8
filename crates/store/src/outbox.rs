//! The notification outbox: every message to a customer is a row first, sent after commit.

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub customer_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "id, channel, customer_id, recipient, subject, body_text, attachment_name, attachment_type, attachment_body, status, attempts, last_error, created_at, sent_at";

pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub customer_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub attachment: Option<(&'a str, &'a str, &'a str)>,
    /// `held` in demo mode: kept for the Outbox page, never handed to a transport.
    pub status: &'a str,
    pub dedupe_key: Option<&'a str>,
    pub now: i64,
}

/// Queues a message; a repeated dedupe key is ignored (returns `None`).
pub async fn insert(tx: &mut Tx, m: &NewMessage<'_>) -> Result<Option<i64>> {
    let (an, at, ab) = match m.attachment {
        Some((n, t, b)) => (Some(n), Some(t), Some(b)),
        None => (None, None, None),
    };
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO outbox (channel, customer_id, recipient, subject, body_text, attachment_name, attachment_type, attachment_body, status, attempts, dedupe_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
    )
    .bind(m.channel)
    .bind(m.customer_id)
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body_text)
    .bind(an)
    .bind(at)
    .bind(ab)
    .bind(m.status)
    .bind(m.dedupe_key)
    .bind(m.now)
    .fetch_optional(conn)
    .await?
    }))
}

/// Queues many messages, one statement per batch; repeated dedupe keys are skipped. Returns how
/// many were queued.
pub async fn insert_many(tx: &mut Tx, msgs: &[NewMessage<'_>]) -> Result<u64> {
    let mut n = 0u64;
    for chunk in msgs.chunks(crate::backend::rows_per_statement(11)) {
        let values =
            crate::backend::Placeholders::new(tx.backend())
                .rows_with(chunk.len(), 12, |c| (c == 9).then(|| "0".to_owned()));
        let sql = format!(
            "INSERT INTO outbox (channel, customer_id, recipient, subject, body_text, attachment_name, attachment_type, attachment_body, status, attempts, dedupe_key, created_at) \
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
                    .bind(m.channel)
                    .bind(m.customer_id)
                    .bind(m.recipient)
                    .bind(m.subject)
                    .bind(m.body_text)
                    .bind(an)
                    .bind(at)
                    .bind(ab)
                    .bind(m.status)
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

pub async fn get(store: &Store, id: i64) -> Result<Option<OutboxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

pub async fn pending(store: &Store, limit: i64) -> Result<Vec<OutboxRow>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE status = 'pending' ORDER BY id LIMIT $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

pub async fn mark(tx: &mut Tx, id: i64, status: &str, error: Option<&str>, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE outbox SET status = $2, last_error = $3, attempts = attempts + 1, \
         sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE sent_at END WHERE id = $1"
    )
    .bind(id)
    .bind(status)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// The messages sent (or being sent) to one customer, newest first, for the portal.
pub async fn of_customer(store: &Store, customer_id: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox WHERE customer_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OutboxRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

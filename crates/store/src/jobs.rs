//! The job queue on a table: enqueue, claim, finish, retry.
//!
//! The claim is the one place where the backends differ: PostgreSQL adds `FOR UPDATE SKIP LOCKED`
//! so several workers (and app instances) never take the same row; SQLite serialises writers
//! with `BEGIN IMMEDIATE`, so the same statement without the locking clause is already exclusive.

use domain::ids::JobId;
use domain::jobs::JobStatus;

use crate::{Backend, Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: JobId,
    /// The kind as stored. The `jobs` crate knows the kinds this program runs; a kind it does
    /// not know (written by a newer program) is not corruption: the job fails for good.
    pub kind: String,
    pub payload: String,
    pub status: JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub last_error: Option<String>,
}

from_row!(JobRow, "jobs", |c| JobRow {
    id: c.id("id")?,
    kind: c.get("kind")?,
    payload: c.get("payload")?,
    status: c.code("status")?,
    attempts: c.get("attempts")?,
    max_attempts: c.get("max_attempts")?,
    run_at: c.get("run_at")?,
    last_error: c.get("last_error")?,
});

/// Queues a job; with a dedupe key, a second enqueue of the same key is a no-op (returns `None`).
pub async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    payload: &str,
    run_at: i64,
    max_attempts: i64,
    dedupe_key: Option<&str>,
    now: i64,
) -> Result<Option<JobId>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at) \
         VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
    )
    .bind(kind)
    .bind(payload)
    .bind(max_attempts)
    .bind(run_at)
    .bind(dedupe_key)
    .bind(now)
    .fetch_optional(conn)
    .await?
    })
    .map(JobId::new))
}

/// Takes the oldest due job, marks it running and counts the attempt. `None` when the queue is empty.
pub async fn claim(store: &Store, now: i64) -> Result<Option<JobRow>> {
    claim_as(store, now, None).await
}

/// [`claim`] for a named worker (`host:pid`), kept on the row as `claimed_by`.
pub async fn claim_as(store: &Store, now: i64, worker: Option<&str>) -> Result<Option<JobRow>> {
    let mut tx = store.begin().await?;
    let pick = match tx.backend() {
        Backend::Postgres => {
            "SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => {
            "SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1"
        }
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = $1, claimed_by = $2 WHERE id = ({pick}) \
         RETURNING id, kind, payload, status, attempts, max_attempts, run_at, last_error"
    );
    let row = with_tx!(tx, |conn| sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(now)
    .bind(worker)
    .fetch_optional(conn)
    .await?);
    tx.commit().await?;
    Ok(row)
}

/// Gives a running job back to the queue without counting the attempt: its worker is shutting
/// down and another takes it at once (every job is safe to run again). Returns whether it was
/// still this worker's to give.
pub async fn release(store: &Store, id: JobId) -> Result<bool> {
    let mut tx = store.begin().await?;
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE jobs SET status = 'queued', locked_at = NULL, attempts = attempts - 1 \
         WHERE id = $1 AND status = 'running'"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

pub async fn complete(store: &Store, id: JobId, now: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $2, locked_at = NULL WHERE id = $1"
    )
    .bind(id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    tx.commit().await
}

/// Marks every queued job of `kind` that is due by `now` done: the run about to start covers
/// them (a re-plan reads the state as it is when it starts). Returns how many.
pub async fn coalesce(store: &Store, kind: &str, now: i64) -> Result<u64> {
    let mut tx = store.begin().await?;
    let n = with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $2, last_error = 'covered by another run' \
         WHERE kind = $1 AND status = 'queued' AND run_at <= $2"
    )
    .bind(kind)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    tx.commit().await?;
    Ok(n)
}

/// Records a failure: back to the queue at `retry_at`, or failed for good when attempts are used up.
pub async fn fail(
    store: &Store,
    id: JobId,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut tx = store.begin().await?;
    with_tx!(tx, |conn| {
        match retry_at {
        Some(at) => sqlx::query("UPDATE jobs SET status = 'queued', run_at = $2, last_error = $3, locked_at = NULL WHERE id = $1")
            .bind(id.get())
            .bind(at)
            .bind(error)
            .execute(conn)
            .await?.rows_affected(),
        None => sqlx::query("UPDATE jobs SET status = 'failed', finished_at = $2, last_error = $3, locked_at = NULL WHERE id = $1")
            .bind(id.get())
            .bind(now)
            .bind(error)
            .execute(conn)
            .await?.rows_affected(),
    }
    });
    tx.commit().await
}

/// Marks a running job as alive (its `locked_at` is the last heartbeat).
pub async fn heartbeat(store: &Store, id: JobId, now: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    with_tx!(tx, |conn| {
        sqlx::query("UPDATE jobs SET locked_at = $2 WHERE id = $1 AND status = 'running'")
            .bind(id.get())
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
    });
    tx.commit().await?;
    Ok(())
}

/// Returns to the queue the running jobs without a heartbeat since `stale_before`.
pub async fn requeue_stale(store: &Store, stale_before: i64) -> Result<u64> {
    let mut tx = store.begin().await?;
    let n = with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE jobs SET status = 'queued', locked_at = NULL WHERE status = 'running' AND locked_at < $1"
    )
    .bind(stale_before)
    .execute(conn)
    .await?.rows_affected()
    });
    tx.commit().await?;
    Ok(n)
}

pub async fn get(store: &Store, id: JobId) -> Result<Option<JobRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, JobRow>(
        "SELECT id, kind, payload, status, attempts, max_attempts, run_at, last_error FROM jobs WHERE id = $1"
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?
    }))
}

/// The running jobs and the worker that claimed each: `(id, kind, claimed_by)`.
pub async fn running_claims(store: &Store) -> Result<Vec<(JobId, String, Option<String>)>> {
    let rows = with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, String, Option<String>),
    >(
        "SELECT id, kind, claimed_by FROM jobs WHERE status = 'running' ORDER BY id"
    )
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, kind, by)| (JobId::new(id), kind, by))
        .collect())
}

pub async fn count_by_status(store: &Store, status: JobStatus) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM jobs WHERE status = $1"
    )
    .bind(status.as_str())
    .fetch_one(pool)
    .await?))
}

/// The queue as the metrics show it: jobs due and waiting, running, and failed for good, and
/// the oldest due job's `run_at` (`None` when none waits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    pub due: i64,
    pub running: i64,
    pub failed: i64,
    pub oldest_due_at: Option<i64>,
}

pub async fn queue_stats(store: &Store, now: i64) -> Result<QueueStats> {
    let (due, running, failed, oldest_due_at) = with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, i64, i64, Option<i64>),
    >(
        "SELECT \
         COALESCE(SUM(CASE WHEN status = 'queued' AND run_at <= $1 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0), \
         MIN(CASE WHEN status = 'queued' AND run_at <= $1 THEN run_at END) \
         FROM jobs WHERE status <> 'done'"
    )
    .bind(now)
    .fetch_one(pool)
    .await?);
    Ok(QueueStats {
        due,
        running,
        failed,
        oldest_due_at,
    })
}

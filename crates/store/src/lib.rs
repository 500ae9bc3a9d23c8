//! Persistence for Beredskap on SQLite (the embedded default) and PostgreSQL.
//!
//! One schema and one set of SQL serve both backends: every query is written once in a portable
//! subset (numbered placeholders, `RETURNING`, `ON CONFLICT`, no date functions, no `ILIKE`) and
//! expanded once per backend by the dispatch macros in [`backend`].
//! Instants are `BIGINT` microseconds UTC, civil dates `TEXT` `YYYY-MM-DD`, money `BIGINT` öre.
//!
//! This crate owns connecting (by URL scheme), migrations, transactions and the SQL.
//! It deliberately holds no business rules: those live in `domain` and `services`.

#[macro_use]
pub mod backend;
#[macro_use]
pub mod codec;
pub mod audit;
pub mod campaign;
pub mod cases;
pub mod chat;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod customer_changes;
pub mod customers;
pub mod declarations;
pub mod export;
pub mod jobs;
pub mod modes;
pub mod outbox;
pub mod policies;
pub mod portal;
pub mod registers;
pub mod sessions;
pub mod settings;
pub mod sign_on;
pub mod suppliers;
pub mod users;
pub mod visits;

pub use backend::{Backend, ConnectOptions, Store, Tx};

/// What can go wrong talking to the database, split into what a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names a database this program cannot use.
    #[error(
        "unsupported database URL {0:?}: use sqlite://PATH (the embedded default) or postgres://USER@HOST:PORT/DB"
    )]
    UnknownScheme(String),
    /// `serve` and friends never create an empty SQLite file by accident.
    #[error(
        "no database file at {0}: create it with `beredskap migrate --database-url sqlite://{0}` or start the demo town with `beredskap demo`"
    )]
    MissingDatabase(String),
    /// A unique constraint said no; the name says which.
    #[error("already exists ({0})")]
    Conflict(String),
    /// The database has migrations this binary does not know: it is older than the data.
    #[error(
        "the database schema is newer than this program (migration {0} is unknown): run a newer beredskap"
    )]
    SchemaTooNew(i64),
    /// A stored value could not be read back into its type: the table, the column and the
    /// value say where.
    #[error("corrupt value in {table}.{column}: {message}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        message: String,
    },
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
        {
            // PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed: t.c".
            let name = db.constraint().map(str::to_owned).unwrap_or_else(|| {
                db.message()
                    .trim_start_matches("UNIQUE constraint failed: ")
                    .to_owned()
            });
            return StoreError::Conflict(name);
        }
        if let sqlx::Error::ColumnDecode { source, .. } = &e
            && let Some(bad) = source.downcast_ref::<codec::BadValue>()
        {
            return StoreError::Corrupt {
                table: bad.table,
                column: bad.column,
                message: format!("{:?}: {}", bad.value, bad.reason),
            };
        }
        StoreError::Database(e)
    }
}

impl StoreError {
    /// True when the error is a unique violation of the named constraint (or, on SQLite, column).
    pub fn is_conflict_on(&self, needle: &str) -> bool {
        matches!(self, StoreError::Conflict(c) if c.contains(needle))
    }

    /// A failure that running the same transaction again may not meet: PostgreSQL's
    /// serialization failure (40001) or deadlock (40P01), or SQLite's busy/locked after the
    /// busy timeout. Services retry these a few times before answering.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => matches!(
                db.code().as_deref(),
                Some("40001" | "40P01" | "5" | "6" | "517" | "262")
            ),
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Statements only tests use: reading a row built from literals, to prove the codec refuses
/// what the domain does not know.
#[doc(hidden)]
pub mod testing {
    use crate::outbox::OutboxRow;
    use crate::{Result, Store};

    /// Records a schema version this build does not know, as a newer build would have.
    pub async fn record_unknown_migration(store: &Store, version: i64) -> Result<()> {
        let mut tx = store.begin().await?;
        with_tx!(tx, |conn| {
            sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from a newer build', TRUE, $2, 0)"
        )
        .bind(version)
        .bind(vec![0u8; 48])
        .execute(conn)
        .await?
        .rows_affected()
        });
        tx.commit().await
    }

    /// Every outbox row's dedupe key with its customer (rows with both).
    pub async fn outbox_keys(store: &Store) -> Result<Vec<(String, i64)>> {
        Ok(with_pool!(store, |pool| {
            sqlx::query_as::<_, (String, i64)>(
                "SELECT dedupe_key, customer_id FROM outbox \
             WHERE dedupe_key IS NOT NULL AND customer_id IS NOT NULL ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// The state an activation leaves behind, one line per row, without the instants at which
    /// things happened: activations and their steps, the policies, the crisis log, the changes
    /// recorded for customers, the messages of changes, campaign jobs' classes, visits' flags
    /// and keyed jobs. Two runs that did the same thing at different times print the same.
    pub async fn crisis_fingerprint(store: &Store) -> Result<Vec<String>> {
        let mut out = Vec::new();
        with_pool!(store, |pool| {
            for (id, status) in
                sqlx::query_as::<_, (i64, String)>("SELECT id, status FROM activations ORDER BY id")
                    .fetch_all(pool)
                    .await?
            {
                out.push(format!("activation {id} {status}"));
            }
            for r in sqlx::query_as::<_, (i64, String, String, String, i64)>(
                "SELECT activation_id, phase, capability, effects, \
                 CAST(CASE WHEN done_at IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                 FROM activation_steps ORDER BY activation_id, phase, capability",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("step {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, i64, Option<i64>, String, Option<i64>)>(
                "SELECT capability, effective_from, effective_to, body, activation_id \
                 FROM policies ORDER BY capability, effective_from, id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("policy {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, Option<i64>, String)>(
                "SELECT kind, activation_id, summary FROM crisis_log ORDER BY id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("log {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, i64, String, i64, String, i64)>(
                "SELECT change_key, customer_id, capability, object_id, body, \
                 CAST(CASE WHEN outbox_id IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                 FROM customer_changes ORDER BY change_key, customer_id, capability, object_id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("change {r:?}"));
            }
            for r in sqlx::query_as::<_, (Option<i64>, String, String, String, String, String)>(
                "SELECT customer_id, channel, recipient, subject, body_text, dedupe_key \
                 FROM outbox WHERE dedupe_key LIKE 'changes:%' \
                 ORDER BY dedupe_key, customer_id, subject, body_text",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("message {r:?}"));
            }
        });
        out.extend(capability_rows(store).await?);
        Ok(out)
    }

    /// The rows the capabilities' hooks change, for [`crisis_fingerprint`].
    async fn capability_rows(store: &Store) -> Result<Vec<String>> {
        let mut out = Vec::new();
        with_pool!(store, |pool| {
            for r in sqlx::query_as::<_, (i64, i64, String, i64)>(
                "SELECT id, tier, plannability, \
                 CAST(CASE WHEN needs_booking THEN 1 ELSE 0 END AS BIGINT) \
                 FROM campaign_jobs ORDER BY id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("campaign job {r:?}"));
            }
            for r in sqlx::query_as::<_, (i64, String, i64)>(
                "SELECT id, status, CAST(CASE WHEN flagged_at IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                 FROM visits ORDER BY id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("visit {r:?}"));
            }
            for r in sqlx::query_as::<_, (i64, String, i64, String, String)>(
                "SELECT supplier_id, change_key, days, applies_from, state \
                 FROM supplier_offers ORDER BY supplier_id, change_key",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("supplier offer {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, String)>(
                "SELECT recipient, dedupe_key FROM outbox WHERE dedupe_key LIKE 'suppliers:%' \
                 ORDER BY dedupe_key",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("supplier message {r:?}"));
            }
            for r in sqlx::query_as::<_, (i64, Option<String>)>(
                "SELECT id, over_limit_key FROM community_events ORDER BY id",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("community event {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, String)>(
                "SELECT recipient, dedupe_key FROM outbox WHERE dedupe_key LIKE 'community:%' \
                 ORDER BY dedupe_key",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("community message {r:?}"));
            }
            for r in sqlx::query_as::<_, (String, String, String)>(
                "SELECT kind, dedupe_key, status FROM jobs \
                 WHERE dedupe_key IS NOT NULL ORDER BY kind, dedupe_key",
            )
            .fetch_all(pool)
            .await?
            {
                out.push(format!("job {r:?}"));
            }
        });
        Ok(out)
    }

    pub async fn outbox_row_from_literals(
        store: &Store,
        channel: &str,
        status: &str,
    ) -> Result<OutboxRow> {
        Ok(with_pool!(store, |pool| {
            sqlx::query_as::<_, OutboxRow>(
            "SELECT CAST(1 AS BIGINT) AS id, CAST($1 AS TEXT) AS channel, CAST(NULL AS BIGINT) AS customer_id, \
             'r' AS recipient, 's' AS subject, 'b' AS body_text, CAST(NULL AS TEXT) AS body_html, \
             CAST(NULL AS TEXT) AS attachment_name, CAST(NULL AS TEXT) AS attachment_type, \
             CAST(NULL AS TEXT) AS attachment_body, CAST($2 AS TEXT) AS status, CAST(0 AS BIGINT) AS attempts, \
             CAST(NULL AS TEXT) AS last_error, CAST(0 AS BIGINT) AS created_at, CAST(NULL AS BIGINT) AS sent_at"
        )
        .bind(channel)
        .bind(status)
        .fetch_one(pool)
        .await?
        }))
    }
}

/// Statements only tests use (tampering with the audit log to prove the chain notices).
#[doc(hidden)]
pub mod audit_testing {
    use crate::{Result, Tx};

    pub async fn rewrite_first_actor(tx: &mut Tx, actor: &str) -> Result<()> {
        with_tx!(tx, |conn| sqlx::query(
            "UPDATE audit_log SET actor = $1 WHERE seq = 1"
        )
        .bind(actor)
        .execute(conn)
        .await?
        .rows_affected());
        Ok(())
    }
}

//! Connecting by URL scheme, the two pools, transactions, migrations and the dispatch macros.
//!
//! The macros take one body and expand it once per backend, so a query is written once but
//! type-checked against both SQLite and PostgreSQL. Backend-specific statements are allowed only
//! behind an explicit `match` on [`Backend`] with both arms visible (listed in ARCHITECTURE.md).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite};

use crate::{Result, StoreError};

/// Runs `$body` with `$pool` bound to the read pool of whichever backend is in use.
#[macro_export]
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store.db() {
            $crate::backend::Db::Sqlite { read: $pool, .. } => $body,
            $crate::backend::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of an open write transaction.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx.inner() {
            $crate::backend::TxInner::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::backend::TxInner::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Which database engine a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to open a database.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Create a missing SQLite file (the demo and `migrate` do; `serve` does not).
    pub create_if_missing: bool,
    /// Connections in the read pool (SQLite) or the whole pool (PostgreSQL).
    pub max_connections: u32,
    /// How long a writer waits for SQLite's lock before giving up.
    pub busy_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            create_if_missing: false,
            max_connections: 16,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite allows one writer at a time; a one-connection write pool queues writers in the
    /// application instead of in `SQLITE_BUSY` retries, and readers never wait for it (WAL).
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
        /// In memory: both pools are the same single connection.
        shared: bool,
    },
    Postgres(PgPool),
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Where a URL points, decided once at start-up.
#[derive(Debug, PartialEq, Eq)]
pub enum Location {
    SqliteFile(String),
    SqliteMemory,
    Postgres(String),
}

/// Classifies a database URL by its scheme; anything unknown is an error naming both choices.
pub fn parse_url(url: &str) -> Result<Location> {
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" {
            return Ok(Location::SqliteMemory);
        }
        return Ok(Location::SqliteFile(path.to_owned()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_owned()));
    }
    Err(StoreError::UnknownScheme(redact_url(url)))
}

/// Hides a password in a URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Store {
    /// Opens the database the URL names. Does not migrate.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Store> {
        let db = match parse_url(url)? {
            Location::SqliteFile(path) => {
                if !opts.create_if_missing && !std::path::Path::new(&path).exists() {
                    return Err(StoreError::MissingDatabase(path));
                }
                let base = SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(opts.create_if_missing)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit we acknowledged survives a power cut (NORMAL may roll it back).
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(opts.busy_timeout)
                    // 64 MiB of page cache per connection instead of 2 MiB: index maintenance on
                    // large imports stays in memory.
                    .pragma("cache_size", "-65536")
                    // sqlx's worker thread hands rows over one by one through a channel of 50;
                    // a bulk read of thousands of rows then ping-pongs between the threads.
                    .row_buffer_size(4096);
                // A local file does not go stale: skip the ping sqlx otherwise sends before every
                // acquire, which costs a worker-thread round trip per query.
                let write = SqlitePoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(base.clone())
                    .await?;
                let read = SqlitePoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(opts.max_connections.max(1))
                    .connect_with(base.read_only(true))
                    .await?;
                Db::Sqlite {
                    write,
                    read,
                    shared: false,
                }
            }
            Location::SqliteMemory => {
                // Each in-memory connection is its own database, so both pools share one connection.
                let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(opts)
                    .await?;
                Db::Sqlite {
                    write: pool.clone(),
                    read: pool,
                    shared: true,
                }
            }
            Location::Postgres(url) => {
                let opts_pg = PgConnectOptions::from_str(&url)?;
                // No ping before every checkout (a round trip per query); connections are recycled
                // instead, and a broken one fails its query and is dropped by the pool.
                let pool = PgPoolOptions::new()
                    .test_before_acquire(false)
                    .max_lifetime(Duration::from_secs(30 * 60))
                    .idle_timeout(Duration::from_secs(5 * 60))
                    .max_connections(opts.max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts_pg)
                    .await?;
                Db::Postgres(pool)
            }
        };
        let store = Store { db };
        if store.sqlite_plans_stable().await? == Some(false) {
            tracing::warn!(
                "this SQLite was built without SQLITE_ENABLE_QPSG: statements with a bound LIMIT or \
                 LIKE are re-compiled on every execution; build from the repository (its \
                 .cargo/config.toml sets LIBSQLITE3_FLAGS)"
            );
        }
        Ok(store)
    }

    /// On SQLite, whether the library keeps a statement's query plan across new bindings
    /// (compile option `ENABLE_QPSG`, set through `.cargo/config.toml`); `None` on PostgreSQL.
    pub async fn sqlite_plans_stable(&self) -> Result<Option<bool>> {
        match &self.db {
            Db::Sqlite { read, .. } => {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'",
                )
                .fetch_one(read)
                .await?;
                Ok(Some(n > 0))
            }
            Db::Postgres(_) => Ok(None),
        }
    }

    #[doc(hidden)]
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every pending migration, each in its own transaction.
    /// Refuses a database that has migrations this binary does not know.
    pub async fn migrate(&self) -> Result<()> {
        let status = self.migration_status().await?;
        if let Some(v) = status.unknown.first() {
            return Err(StoreError::SchemaTooNew(*v));
        }
        match &self.db {
            Db::Sqlite { write, .. } => SQLITE_MIGRATOR.run(write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// Which migrations are applied, pending, or unknown to this binary.
    pub async fn migration_status(&self) -> Result<MigrationStatus> {
        // The one backend-specific read here: asking whether the bookkeeping table exists.
        let exists: bool = match &self.db {
            Db::Sqlite { read, .. } => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(read)
                .await?
                    > 0
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()",
                )
                .fetch_one(pool)
                .await?
                    > 0
            }
        };
        let applied: Vec<i64> = if exists {
            with_pool!(self, |pool| {
                sqlx::query_scalar::<_, i64>(
                    "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version",
                )
                .fetch_all(pool)
                .await?
            })
        } else {
            Vec::new()
        };
        let known: Vec<i64> = SQLITE_MIGRATOR.iter().map(|m| m.version).collect();
        Ok(MigrationStatus {
            pending: known
                .iter()
                .copied()
                .filter(|v| !applied.contains(v))
                .collect(),
            unknown: applied
                .iter()
                .copied()
                .filter(|v| !known.contains(v))
                .collect(),
            applied,
        })
    }

    /// Opens a write transaction: `BEGIN IMMEDIATE` on SQLite so the write lock is taken up front
    /// (a deferred transaction that reads and then writes fails at once under contention).
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.db {
            Db::Sqlite { write, .. } => TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx { inner })
    }

    /// A consistent online copy of the SQLite database (`VACUUM INTO`); PostgreSQL uses pg_dump.
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        match &self.db {
            Db::Sqlite { write, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(write)
                    .await?
                    .rows_affected();
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Corrupt {
                table: "-",
                column: "-",
                message: "backup of PostgreSQL is done with pg_dump; see the README".into(),
            }),
        }
    }

    /// SQLite's own check of the whole file (`PRAGMA integrity_check`, then
    /// `PRAGMA foreign_key_check`): the problems found, none when the file is sound. PostgreSQL
    /// keeps its own pages sound; nothing to check here.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        let Db::Sqlite { read, .. } = &self.db else {
            return Ok(Vec::new());
        };
        let mut problems: Vec<String> = sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_all(read)
            .await?
            .into_iter()
            .filter(|r| r != "ok")
            .collect();
        let orphans: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                .fetch_all(read)
                .await?;
        problems.extend(
            orphans
                .into_iter()
                .take(20)
                .map(|(t, row, parent)| format!("{t} row {row} refers to a missing {parent} row")),
        );
        Ok(problems)
    }

    /// Every table of the application with its number of rows, by name.
    pub async fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let names: Vec<String> = match &self.db {
            Db::Sqlite { read, .. } => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
                )
                .fetch_all(read)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT table_name::TEXT FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                     AND table_name <> '_sqlx_migrations' ORDER BY table_name",
                )
                .fetch_all(pool)
                .await?
            }
        };
        let mut counts = Vec::with_capacity(names.len());
        for name in names {
            // The names come from the catalogue, each a plain identifier of the schema.
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let sql = format!("SELECT COUNT(*) FROM {name}");
            let n: i64 = with_pool!(self, |pool| sqlx::query_scalar::<_, i64>(
                sqlx::AssertSqlSafe(sql.clone())
            )
            .fetch_one(pool)
            .await?);
            counts.push((name, n));
        }
        Ok(counts)
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let r: Result<i64> = with_pool!(self, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT CAST(1 AS BIGINT)"
        )
        .fetch_one(pool)
        .await
        .map_err(StoreError::from));
        r.is_ok()
    }

    /// True once [`Store::close`] has begun (long-lived tasks such as the chat listener stop).
    pub fn is_closed(&self) -> bool {
        match &self.db {
            Db::Sqlite { write, .. } => write.is_closed(),
            Db::Postgres(p) => p.is_closed(),
        }
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { write, read, .. } => {
                // Readers first: the last connection to close folds the WAL into the main file,
                // and only the (read-write) writer can do that.
                read.close().await;
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(write)
                    .await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// Migration bookkeeping for `beredskap migrate --check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    pub applied: Vec<i64>,
    pub pending: Vec<i64>,
    pub unknown: Vec<i64>,
}

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
}

#[doc(hidden)]
pub enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    #[doc(hidden)]
    pub fn inner(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Bound parameters per multi-row statement written with [`Placeholders`] (below SQLite's
/// limit of 32 766 and PostgreSQL's of 65 535). Bare `?` placeholders, which [`Placeholders`]
/// writes for SQLite, are bound by position; numbered ones (`$n`, `?NNN`) are looked up by name
/// through `sqlite3_bind_parameter_name`, a linear scan, so a statement of those costs the square
/// of its parameter count (a 2 250-parameter insert once spent 60 % of an import's CPU there):
/// statements with `$n` placeholders stay below [`MAX_NUMBERED_PARAMS`].
pub const MAX_PARAMS: usize = 20_000;

/// Bound parameters per multi-row statement written with `$n` placeholders on both backends.
pub const MAX_NUMBERED_PARAMS: usize = 200;

/// Rows per multi-row statement of `columns` parameters a row.
pub fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).max(1)
}

/// Placeholder text for one statement's bound parameters, in the order they are bound:
/// `$1, $2, …` on PostgreSQL, bare `?` on SQLite (bound by position in O(1); see [`MAX_PARAMS`]).
/// A statement uses either these or its own `$n`, never both.
#[derive(Debug)]
pub struct Placeholders {
    backend: Backend,
    next: usize,
}

impl Placeholders {
    pub fn new(backend: Backend) -> Placeholders {
        Placeholders { backend, next: 0 }
    }

    /// Appends the next placeholder to `out`.
    pub fn push(&mut self, out: &mut String) {
        self.next += 1;
        match self.backend {
            Backend::Sqlite => out.push('?'),
            Backend::Postgres => {
                out.push('$');
                out.push_str(&self.next.to_string());
            }
        }
    }

    /// The next placeholder.
    pub fn one(&mut self) -> String {
        let mut s = String::with_capacity(6);
        self.push(&mut s);
        s
    }

    /// `n` placeholders separated by commas, for `IN (…)`.
    pub fn list(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n * 7);
        for i in 0..n {
            if i > 0 {
                s.push_str(", ");
            }
            self.push(&mut s);
        }
        s
    }

    /// `(…), (…)`: `rows` tuples of `cols` placeholders, for `VALUES`.
    pub fn rows(&mut self, rows: usize, cols: usize) -> String {
        self.rows_with(rows, cols, |_| None)
    }

    /// Like [`Placeholders::rows`], but column `c` is the literal `extra(c)` where that is `Some`
    /// (bound columns are counted without them).
    pub fn rows_with(
        &mut self,
        rows: usize,
        cols: usize,
        extra: impl Fn(usize) -> Option<String>,
    ) -> String {
        let mut s = String::with_capacity(rows * (cols * 7 + 4));
        for r in 0..rows {
            if r > 0 {
                s.push_str(", ");
            }
            s.push('(');
            for c in 0..cols {
                if c > 0 {
                    s.push_str(", ");
                }
                match extra(c) {
                    Some(lit) => s.push_str(&lit),
                    None => self.push(&mut s),
                }
            }
            s.push(')');
        }
        s
    }
}

/// Placeholders `(…), (…)` for a multi-row insert of `rows` × `cols` parameters.
pub fn values_placeholders(backend: Backend, rows: usize, cols: usize) -> String {
    Placeholders::new(backend).rows(rows, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            parse_url("sqlite://a.db").unwrap(),
            Location::SqliteFile("a.db".into())
        );
        assert_eq!(
            parse_url("sqlite::memory:").unwrap(),
            Location::SqliteMemory
        );
        assert!(matches!(
            parse_url("postgres://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        let e = parse_url("mysql://root:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sqlite://") && e.contains("postgres://"), "{e}");
        assert!(!e.contains("secret"), "password leaked: {e}");
    }

    /// Without the flag every customer page re-compiles its `LIMIT $n` statements (≈ 18 % CPU).
    #[tokio::test]
    async fn bundled_sqlite_keeps_plans_stable() {
        let store = Store::connect("sqlite::memory:", &ConnectOptions::default())
            .await
            .unwrap();
        assert_eq!(store.sqlite_plans_stable().await.unwrap(), Some(true));
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            values_placeholders(Backend::Postgres, 2, 2),
            "($1, $2), ($3, $4)"
        );
        assert_eq!(values_placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
        let mut p = Placeholders::new(Backend::Postgres);
        assert_eq!(p.one(), "$1");
        assert_eq!(p.list(2), "$2, $3");
        assert_eq!(
            p.rows_with(2, 3, |c| (c == 1).then(|| "'x'".to_owned())),
            "($4, 'x', $5), ($6, 'x', $7)"
        );
        assert_eq!(Placeholders::new(Backend::Sqlite).list(3), "?, ?, ?");
    }
}

/// Raw statements for tests of the schema itself (never used by the application).
#[doc(hidden)]
pub mod testing {
    use super::Store;

    pub async fn query_strings(store: &Store, sql: &str) -> Vec<String> {
        let sql = sql.to_owned();
        with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
            sqlx::AssertSqlSafe(sql.clone())
        )
        .fetch_all(pool)
        .await)
        .expect("test query")
    }

    pub async fn query_pairs(store: &Store, sql: &str) -> Vec<(String, String)> {
        let sql = sql.to_owned();
        with_pool!(store, |pool| sqlx::query_as::<_, (String, String)>(
            sqlx::AssertSqlSafe(sql.clone())
        )
        .fetch_all(pool)
        .await)
        .expect("test query")
    }

    /// The `detail` lines of SQLite's `EXPLAIN QUERY PLAN` for `sql` (parameters unbound).
    pub async fn sqlite_plan(store: &Store, sql: &str) -> Vec<String> {
        let super::Db::Sqlite { read, .. } = store.db() else {
            panic!("query plans are read on SQLite");
        };
        let sql = format!("EXPLAIN QUERY PLAN {sql}");
        sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(sql))
            .fetch_all(read)
            .await
            .expect("query plan")
            .into_iter()
            .map(|r| r.3)
            .collect()
    }

    /// A statement that may be refused (a CHECK, a foreign key), for tests of the schema.
    pub async fn try_execute(store: &Store, sql: &str) -> crate::Result<u64> {
        let mut tx = store.begin().await?;
        let sql = sql.to_owned();
        let n = with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(conn)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(n)
    }

    pub async fn execute(store: &Store, sql: &str) {
        let mut tx = store.begin().await.expect("begin");
        let sql = sql.to_owned();
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))
        .expect("test statement");
        tx.commit().await.expect("commit");
    }
}

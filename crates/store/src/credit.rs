//! Credit: BgMax files and their payments, matching to invoices, reference rates, reminders,
//! charges (fees and interest billed on the next invoice) and arrangements (extensions and
//! instalment plans).

use crate::{Result, Store, Tx};

use crate::backend::{Backend, Placeholders, rows_per_statement};

/// Bound parameters per statement written with `$n` placeholders (see
/// [`crate::backend::MAX_NUMBERED_PARAMS`]).
const CHUNK: usize = crate::backend::MAX_NUMBERED_PARAMS;

/// Rows per multi-row statement with `columns` `$n` parameters a row.
fn rows_per(columns: usize) -> usize {
    (CHUNK / columns).max(1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenInvoice {
    pub id: i64,
    pub customer_id: i64,
    pub ocr: String,
    pub amount_ore: i64,
    pub paid_ore: i64,
    pub status: String,
    pub due_on: String,
}

/// Records a file unless its key is known; `None` means it was imported before.
pub async fn insert_file(
    tx: &mut Tx,
    key: &str,
    sha256: &str,
    payments: i64,
    amount_ore: i64,
    by: &str,
    now: i64,
) -> Result<Option<i64>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO bgmax_files (file_key, sha256, payments, amount_ore, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (file_key) DO NOTHING RETURNING id"
    )
    .bind(key)
    .bind(sha256)
    .bind(payments)
    .bind(amount_ore)
    .bind(by)
    .bind(now)
    .fetch_optional(conn)
    .await?
    }))
}

/// The content hash of the file recorded under `key`.
pub async fn file_sha(tx: &mut Tx, key: &str) -> Result<Option<String>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, String>(
        "SELECT sha256 FROM bgmax_files WHERE file_key = $1"
    )
    .bind(key)
    .fetch_optional(conn)
    .await?))
}

/// How many of these payment keys are recorded.
pub async fn known_payment_keys(tx: &mut Tx, keys: &[&str]) -> Result<u64> {
    let mut n = 0u64;
    for chunk in keys.chunks(crate::backend::MAX_PARAMS) {
        let list = Placeholders::new(tx.backend()).list(chunk.len());
        let sql = format!("SELECT COUNT(*) FROM payments WHERE payment_key IN ({list})");
        let c = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()));
            for k in chunk {
                q = q.bind(*k);
            }
            q.fetch_one(conn).await?
        });
        n += u64::try_from(c).unwrap_or(0);
    }
    Ok(n)
}

/// Invoices with these OCR references.
pub async fn invoices_by_ocr(tx: &mut Tx, ocrs: &[&str]) -> Result<Vec<OpenInvoice>> {
    let mut out = Vec::with_capacity(ocrs.len());
    for chunk in ocrs.chunks(crate::backend::MAX_PARAMS) {
        let list = Placeholders::new(tx.backend()).list(chunk.len());
        let sql = format!(
            "SELECT id, customer_id, ocr, amount_ore, paid_ore, status, due_on FROM invoices WHERE ocr IN ({list})"
        );
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_as::<_, OpenInvoice>(sqlx::AssertSqlSafe(sql.clone()));
            for o in chunk {
                q = q.bind(*o);
            }
            q.fetch_all(conn).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// A read connection of an import's own, beside its write transaction (SQLite only: there the
/// writer holds the only write lock, so the last commit is what the transaction started from,
/// and the reader works on its own thread while the writer's thread writes).
pub struct InvoiceReader {
    conn: sqlx::SqliteConnection,
}

impl InvoiceReader {
    /// `None` on PostgreSQL, where reads stay in the transaction (and on an in-memory SQLite,
    /// whose one connection is the writer's).
    pub async fn open(store: &Store) -> Result<Option<InvoiceReader>> {
        match store.db() {
            crate::backend::Db::Sqlite {
                read,
                shared: false,
                ..
            } => {
                // Taken out of the pool, so its small page cache (each page is read once, in
                // OCR order) never serves a page request and is closed with the import.
                let mut conn = read.acquire().await?.detach();
                sqlx::query("PRAGMA cache_size = -2048")
                    .execute(&mut conn)
                    .await?;
                Ok(Some(InvoiceReader { conn }))
            }
            crate::backend::Db::Sqlite { .. } | crate::backend::Db::Postgres(_) => Ok(None),
        }
    }

    /// Invoices with these OCR references as last committed.
    pub async fn invoices_by_ocr(&mut self, ocrs: &[&str]) -> Result<Vec<OpenInvoice>> {
        let mut out = Vec::with_capacity(ocrs.len());
        for chunk in ocrs.chunks(crate::backend::MAX_PARAMS) {
            let sql = format!(
                "SELECT id, customer_id, ocr, amount_ore, paid_ore, status, due_on FROM invoices WHERE ocr IN ({})",
                Placeholders::new(Backend::Sqlite).list(chunk.len())
            );
            let mut q = sqlx::query_as::<_, OpenInvoice>(sqlx::AssertSqlSafe(sql));
            for o in chunk {
                q = q.bind(*o);
            }
            out.extend(q.fetch_all(&mut self.conn).await?);
        }
        Ok(out)
    }
}

pub async fn invoice_by_ocr_or_number(store: &Store, key: &str) -> Result<Option<OpenInvoice>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, OpenInvoice>(
        "SELECT id, customer_id, ocr, amount_ore, paid_ore, status, due_on FROM invoices \
         WHERE ocr = $1 OR invoice_number = $1"
    )
    .bind(key)
    .fetch_optional(pool)
    .await?))
}

/// A payment to record.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub payment_key: String,
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub paid_on: String,
    pub amount_ore: i64,
    pub reference: String,
    pub payer: Option<String>,
    pub unmatched: bool,
}

/// Inserts payments whose keys are new; returns, row by row, whether it was inserted (the rest
/// were known). `file_id` must be the file this transaction recorded: a chunk with known keys
/// is told apart by the rows of this file.
pub async fn insert_payments(
    tx: &mut Tx,
    file_id: i64,
    rows: &[NewPayment],
    now: i64,
) -> Result<Vec<bool>> {
    let mut inserted = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(rows_per_statement(9)) {
        let values = Placeholders::new(tx.backend()).rows_with(chunk.len(), 11, |c| match c {
            5 => Some("'bgmax'".to_owned()),
            10 => Some(now.to_string()),
            _ => None,
        });
        // No RETURNING: handing every key back row by row costs more than the insert; when
        // some keys were known (rare), the keys of this file are read back instead.
        let sql = format!(
            "INSERT INTO payments (payment_key, invoice_id, customer_id, paid_on, amount_ore, source, reference, payer, unmatched, file_id, created_at) \
             VALUES {values} ON CONFLICT (payment_key) DO NOTHING"
        );
        let n = with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(&r.payment_key)
                    .bind(r.invoice_id)
                    .bind(r.customer_id)
                    .bind(&r.paid_on)
                    .bind(r.amount_ore)
                    .bind(&r.reference)
                    .bind(&r.payer)
                    .bind(r.unmatched)
                    .bind(file_id);
            }
            q.execute(conn).await?.rows_affected()
        });
        if usize::try_from(n).ok() == Some(chunk.len()) {
            inserted.extend(std::iter::repeat_n(true, chunk.len()));
            continue;
        }
        let mut p = Placeholders::new(tx.backend());
        let sql = format!(
            "SELECT payment_key FROM payments WHERE file_id = {} AND payment_key IN ({})",
            p.one(),
            p.list(chunk.len())
        );
        let ours: std::collections::HashSet<String> = with_tx!(tx, |conn| {
            let mut q =
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone())).bind(file_id);
            for r in chunk {
                q = q.bind(&r.payment_key);
            }
            q.fetch_all(conn).await?
        })
        .into_iter()
        .collect();
        inserted.extend(chunk.iter().map(|r| ours.contains(&r.payment_key)));
    }
    Ok(inserted)
}

/// Adds payments to invoices, `(invoice id, öre, date paid)`, one statement per chunk: paid
/// when covered, otherwise partly paid (an extension or a collection keeps its status until the
/// invoice is paid).
pub async fn apply_payments(tx: &mut Tx, rows: &[(i64, i64, String)]) -> Result<()> {
    for chunk in rows.chunks(rows_per_statement(3)) {
        let values = Placeholders::new(tx.backend()).rows(chunk.len(), 3);
        // `column1…3` are the names both SQLite and PostgreSQL give a VALUES list's columns.
        let sql = format!(
            "UPDATE invoices SET paid_ore = invoices.paid_ore + v.column2, \
             status = CASE WHEN invoices.paid_ore + v.column2 >= invoices.amount_ore THEN 'paid' \
                           WHEN invoices.status IN ('extension', 'collection') THEN invoices.status ELSE 'partly_paid' END, \
             paid_on = CASE WHEN invoices.paid_ore + v.column2 >= invoices.amount_ore THEN v.column3 ELSE invoices.paid_on END \
             FROM (VALUES {values}) AS v WHERE invoices.id = v.column1"
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (id, amount, date) in chunk {
                q = q.bind(*id).bind(*amount).bind(date);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnmatchedPayment {
    pub id: i64,
    pub paid_on: String,
    pub amount_ore: i64,
    pub reference: String,
    pub payer: Option<String>,
    pub file_id: Option<i64>,
}

pub async fn unmatched(store: &Store, limit: i64) -> Result<Vec<UnmatchedPayment>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        UnmatchedPayment,
    >(
        "SELECT id, paid_on, amount_ore, reference, payer, file_id FROM payments \
         WHERE unmatched = TRUE ORDER BY id LIMIT $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Takes a payment out of the matching queue for an invoice; false when someone else did.
pub async fn match_payment(
    tx: &mut Tx,
    payment_id: i64,
    invoice_id: i64,
    customer_id: i64,
) -> Result<Option<(i64, String)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, (i64, String)>(
        "UPDATE payments SET unmatched = FALSE, invoice_id = $2, customer_id = $3 \
         WHERE id = $1 AND unmatched = TRUE RETURNING amount_ore, paid_on"
    )
    .bind(payment_id)
    .bind(invoice_id)
    .bind(customer_id)
    .fetch_optional(conn)
    .await?))
}

// ---- reference rates -------------------------------------------------------------------------

pub async fn reference_rates(store: &Store) -> Result<Vec<(String, i64)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT valid_from, rate_bp FROM reference_rates ORDER BY valid_from",
        )
        .fetch_all(pool)
        .await?
    }))
}

pub async fn set_reference_rate(
    tx: &mut Tx,
    valid_from: &str,
    rate_bp: i64,
    by: &str,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO reference_rates (valid_from, rate_bp, set_by, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (valid_from) DO UPDATE SET rate_bp = excluded.rate_bp, set_by = excluded.set_by, created_at = excluded.created_at"
    )
    .bind(valid_from)
    .bind(rate_bp)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn seed_reference_rate(
    tx: &mut Tx,
    valid_from: &str,
    rate_bp: i64,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO reference_rates (valid_from, rate_bp, set_by, created_at) VALUES ($1, $2, 'system', $3) \
         ON CONFLICT (valid_from) DO NOTHING"
    )
    .bind(valid_from)
    .bind(rate_bp)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

// ---- dunning and interest ------------------------------------------------------------------

/// An unpaid invoice with what dunning needs of its customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DunningRow {
    pub id: i64,
    pub customer_id: i64,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: String,
    pub amount_ore: i64,
    pub paid_ore: i64,
    pub status: String,
    pub reminder_level: i64,
    pub reminder_due_on: Option<String>,
    pub fee_agreed: bool,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: String,
    pub language: String,
}

/// Unpaid invoices due before `today`, including those in an extension, in id order.
pub async fn dunning_candidates(store: &Store, today: &str) -> Result<Vec<DunningRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DunningRow>(
            "SELECT i.id, i.customer_id, i.invoice_number, i.ocr, i.due_on, i.amount_ore, i.paid_ore, i.status, \
             i.reminder_level, i.reminder_due_on, c.reminder_fee_agreed AS fee_agreed, c.name, c.email, c.phone, \
             c.preferred_channel, c.language \
             FROM invoices i JOIN customers c ON c.id = i.customer_id \
             WHERE i.status IN ('open', 'partly_paid', 'overdue', 'extension') \
             AND i.paid_ore < i.amount_ore AND i.due_on < $1 ORDER BY i.id",
        )
        .bind(today)
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArrangementRow {
    pub id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub status: String,
    pub source: String,
    pub original_due_on: String,
    pub new_due_on: Option<String>,
    pub instalments: Option<i64>,
    pub amount_ore: i64,
    pub waive_interest: bool,
    pub reasons: String,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub broken_on: Option<String>,
    pub created_at: i64,
}

const ARRANGEMENT_COLUMNS: &str = "id, invoice_id, customer_id, kind, status, source, original_due_on, new_due_on, instalments, amount_ore, waive_interest, reasons, requested_by, decided_by, decision_note, decided_at, broken_on, created_at";

fn id_list(n: usize, from: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Arrangements of these invoices in the given statuses (a `('a', 'b')` list of literals).
pub async fn arrangements_of(
    store: &Store,
    invoice_ids: &[i64],
    statuses: &'static str,
) -> Result<Vec<ArrangementRow>> {
    let mut out = Vec::new();
    for chunk in invoice_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE status IN {statuses} AND invoice_id IN ({}) ORDER BY id",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q = sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Instalments of these arrangements: `(arrangement id, seq, due on, öre)`.
pub async fn instalments_of(store: &Store, ids: &[i64]) -> Result<Vec<(i64, i64, String, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT arrangement_id, seq, due_on, amount_ore FROM arrangement_instalments \
             WHERE arrangement_id IN ({}) ORDER BY arrangement_id, seq",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q =
                sqlx::query_as::<_, (i64, i64, String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Marks arrangements broken on a date (only approved ones); the invoices go back to overdue.
pub async fn break_arrangements(tx: &mut Tx, rows: &[(i64, i64, String)]) -> Result<()> {
    for (arrangement, invoice, on) in rows {
        with_tx!(tx, |conn| {
            sqlx::query("UPDATE arrangements SET status = 'broken', broken_on = $2 WHERE id = $1 AND status = 'approved'")
                .bind(arrangement)
                .bind(on)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE invoices SET status = 'overdue' WHERE id = $1 AND status = 'extension'",
            )
            .bind(invoice)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
    }
    Ok(())
}

/// Marks unpaid open or partly paid invoices due before `today` overdue; returns how many.
pub async fn mark_overdue(tx: &mut Tx, today: &str) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE invoices SET status = 'overdue' WHERE status IN ('open', 'partly_paid') \
         AND paid_ore < amount_ore AND due_on < $1"
    )
    .bind(today)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A reminder to record: `(invoice id, level, sent on, due on, fee öre)`.
pub type NewReminder = (i64, i64, String, String, i64);

/// Records reminders (one per invoice and level) and raises the invoices' level; returns the
/// invoice ids recorded now (a reminder recorded before is skipped).
pub async fn record_reminders(tx: &mut Tx, rows: &[NewReminder], now: i64) -> Result<Vec<i64>> {
    let mut done = Vec::new();
    for chunk in rows.chunks(rows_per(5)) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, {now})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO reminders (invoice_id, level, sent_on, due_on, fee_ore, created_at) VALUES {values} \
             ON CONFLICT (invoice_id, level) DO NOTHING RETURNING invoice_id"
        );
        let ids = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()));
            for (invoice, level, sent, due, fee) in chunk {
                q = q
                    .bind(*invoice)
                    .bind(*level)
                    .bind(sent)
                    .bind(due)
                    .bind(*fee);
            }
            q.fetch_all(conn).await?
        });
        done.extend(ids);
    }
    let recorded: std::collections::HashSet<i64> = done.iter().copied().collect();
    let updates: Vec<&NewReminder> = rows.iter().filter(|r| recorded.contains(&r.0)).collect();
    for chunk in updates.chunks(rows_per(3)) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE invoices SET reminder_level = v.column2, reminder_due_on = v.column3, \
             status = CASE WHEN invoices.status IN ('open', 'partly_paid') THEN 'overdue' ELSE invoices.status END \
             FROM (VALUES {values}) AS v WHERE invoices.id = v.column1"
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (invoice, level, _, due, _) in chunk.iter().copied() {
                q = q.bind(*invoice).bind(*level).bind(due);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(done)
}

/// Puts invoices on the debt-collection list.
pub async fn to_collection(tx: &mut Tx, ids: &[i64], today: &str) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "UPDATE invoices SET status = 'collection', collection_on = $1 WHERE status <> 'paid' AND id IN ({})",
            id_list(chunk.len(), 2)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(today);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// A charge to bill on the customer's next invoice:
/// `(customer, source invoice, kind, öre, created on, dedupe key)`.
pub type NewCharge = (i64, i64, &'static str, i64, String, String);

/// Records charges; a repeated dedupe key is skipped. Returns how many were recorded.
pub async fn record_charges(tx: &mut Tx, rows: &[NewCharge]) -> Result<u64> {
    let mut n = 0u64;
    for chunk in rows.chunks(rows_per(6)) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 6;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO invoice_charges (customer_id, source_invoice_id, kind, amount_ore, created_on, dedupe_key) \
             VALUES {values} ON CONFLICT (dedupe_key) DO NOTHING"
        );
        n += with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (c, inv, kind, ore, on, key) in chunk {
                q = q
                    .bind(*c)
                    .bind(*inv)
                    .bind(*kind)
                    .bind(*ore)
                    .bind(on)
                    .bind(key);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

/// Invoices paid after their due date that have no interest charge yet (keyset pages by id).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LatePaid {
    pub id: i64,
    pub customer_id: i64,
    pub due_on: String,
    pub paid_on: String,
    pub amount_ore: i64,
}

/// Only invoices paid on or after `since` are looked at (the run covers recent payments; the
/// index on `paid_on` keeps it from reading every invoice ever paid).
pub async fn paid_late_without_interest(store: &Store, since: &str) -> Result<Vec<LatePaid>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, LatePaid>(
            "SELECT i.id, i.customer_id, i.due_on, i.paid_on, i.amount_ore FROM invoices i \
             WHERE i.paid_on >= $1 AND i.status = 'paid' AND i.paid_on > i.due_on \
             AND NOT EXISTS (SELECT 1 FROM invoice_charges ch WHERE ch.source_invoice_id = i.id AND ch.kind = 'interest') \
             ORDER BY i.id",
        )
        .bind(since)
        .fetch_all(pool)
        .await?
    }))
}

/// Payments of these invoices: `(invoice id, paid on, öre)`.
pub async fn payments_of(store: &Store, invoice_ids: &[i64]) -> Result<Vec<(i64, String, i64)>> {
    let mut out = Vec::new();
    for chunk in invoice_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT invoice_id, paid_on, amount_ore FROM payments WHERE invoice_id IN ({}) ORDER BY invoice_id, paid_on",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

// ---- arrangements --------------------------------------------------------------------------

pub struct NewArrangement<'a> {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub kind: &'a str,
    pub status: &'a str,
    pub source: &'a str,
    pub original_due_on: &'a str,
    pub new_due_on: Option<&'a str>,
    pub instalments: Option<i64>,
    pub amount_ore: i64,
    pub waive_interest: bool,
    pub reasons: &'a str,
    pub requested_by: &'a str,
    pub decided_by: Option<&'a str>,
    pub now: i64,
}

pub async fn insert_arrangement(tx: &mut Tx, a: &NewArrangement<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO arrangements (invoice_id, customer_id, kind, status, source, original_due_on, new_due_on, \
         instalments, amount_ore, waive_interest, reasons, requested_by, decided_by, decided_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $13 IS NULL THEN NULL ELSE $14 END, $14) RETURNING id"
    )
    .bind(a.invoice_id)
    .bind(a.customer_id)
    .bind(a.kind)
    .bind(a.status)
    .bind(a.source)
    .bind(a.original_due_on)
    .bind(a.new_due_on)
    .bind(a.instalments)
    .bind(a.amount_ore)
    .bind(a.waive_interest)
    .bind(a.reasons)
    .bind(a.requested_by)
    .bind(a.decided_by)
    .bind(a.now)
    .fetch_one(conn)
    .await?
    }))
}

pub async fn insert_instalments(
    tx: &mut Tx,
    arrangement: i64,
    rows: &[(String, i64)],
) -> Result<()> {
    for (i, (due, ore)) in rows.iter().enumerate() {
        with_tx!(tx, |conn| {
            sqlx::query(
            "INSERT INTO arrangement_instalments (arrangement_id, seq, due_on, amount_ore) VALUES ($1, $2, $3, $4)"
        )
        .bind(arrangement)
        .bind(i64::try_from(i).unwrap_or(0) + 1)
        .bind(due)
        .bind(*ore)
        .execute(conn)
        .await?
        .rows_affected()
        });
    }
    Ok(())
}

/// Sets an invoice's status (an arrangement approved: `extension`).
pub async fn set_invoice_status(tx: &mut Tx, invoice: i64, status: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE invoices SET status = $2 WHERE id = $1 AND status <> 'paid'"
    )
    .bind(invoice)
    .bind(status)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Records a credit officer's decision on a referred arrangement; false when it was decided.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: &str,
    by: &str,
    note: &str,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE arrangements SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5 \
         WHERE id = $1 AND status = 'referred'"
    )
    .bind(id)
    .bind(status)
    .bind(by)
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

pub async fn arrangement(store: &Store, id: i64) -> Result<Option<ArrangementRow>> {
    let sql = format!("SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn arrangements_with_status(
    store: &Store,
    status: &str,
    limit: i64,
) -> Result<Vec<ArrangementRow>> {
    let sql = format!(
        "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE status = $1 ORDER BY created_at, id LIMIT $2"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(status)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn customer_arrangements(store: &Store, customer: i64) -> Result<Vec<ArrangementRow>> {
    let sql = format!(
        "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE customer_id = $1 ORDER BY created_at DESC, id DESC"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer)
            .fetch_all(pool)
            .await?
    }))
}

/// A customer's payment history since `since`: reminder dates, broken arrangements, collections,
/// and how many arrangements are active.
pub async fn history(
    store: &Store,
    customer: i64,
    since: &str,
) -> Result<(Vec<String>, Vec<String>, Vec<String>, i64)> {
    with_pool!(store, |pool| {
        let reminders = sqlx::query_scalar::<_, String>(
            "SELECT r.sent_on FROM reminders r JOIN invoices i ON i.id = r.invoice_id \
             WHERE i.customer_id = $1 AND r.sent_on >= $2 ORDER BY r.sent_on",
        )
        .bind(customer)
        .bind(since)
        .fetch_all(pool)
        .await?;
        let broken = sqlx::query_scalar::<_, String>(
            "SELECT broken_on FROM arrangements WHERE customer_id = $1 AND status = 'broken' AND broken_on >= $2",
        )
        .bind(customer)
        .bind(since)
        .fetch_all(pool)
        .await?;
        let collections = sqlx::query_scalar::<_, String>(
            "SELECT collection_on FROM invoices WHERE customer_id = $1 AND collection_on IS NOT NULL AND collection_on >= $2",
        )
        .bind(customer)
        .bind(since)
        .fetch_all(pool)
        .await?;
        let active = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM arrangements WHERE customer_id = $1 AND status = 'approved'",
        )
        .bind(customer)
        .fetch_one(pool)
        .await?;
        Ok((reminders, broken, collections, active))
    })
}

/// One invoice as credit sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CreditInvoice {
    pub id: i64,
    pub customer_id: i64,
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: String,
    pub amount_ore: i64,
    pub paid_ore: i64,
    pub status: String,
    pub reminder_level: i64,
}

pub async fn credit_invoice(store: &Store, id: i64) -> Result<Option<CreditInvoice>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(
        "SELECT id, customer_id, invoice_number, ocr, due_on, amount_ore, paid_ore, status, reminder_level \
         FROM invoices WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    }))
}

pub async fn unpaid_invoices_of(store: &Store, customer: i64) -> Result<Vec<CreditInvoice>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CreditInvoice>(
        "SELECT id, customer_id, invoice_number, ocr, due_on, amount_ore, paid_ore, status, reminder_level \
         FROM invoices WHERE customer_id = $1 AND status <> 'paid' AND paid_ore < amount_ore ORDER BY due_on, id"
    )
    .bind(customer)
    .fetch_all(pool)
    .await?
    }))
}

/// The debt-collection list.
pub async fn collection_list(
    store: &Store,
) -> Result<Vec<(CreditInvoice, String, Option<String>)>> {
    let rows = with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, i64, String, String, String, i64, i64, String, i64, String, Option<String>)>(
        "SELECT i.id, i.customer_id, i.invoice_number, i.ocr, i.due_on, i.amount_ore, i.paid_ore, i.status, \
         i.reminder_level, c.name, i.collection_on FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.status = 'collection' ORDER BY i.collection_on, i.id"
    )
    .fetch_all(pool)
    .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                CreditInvoice {
                    id: r.0,
                    customer_id: r.1,
                    invoice_number: r.2,
                    ocr: r.3,
                    due_on: r.4,
                    amount_ore: r.5,
                    paid_ore: r.6,
                    status: r.7,
                    reminder_level: r.8,
                },
                r.9,
                r.10,
            )
        })
        .collect())
}

/// Board report rows: per month of the request and customer kind —
/// `(month, kind, granted, amount deferred öre, broken)`.
pub async fn board_report(store: &Store) -> Result<Vec<(String, String, i64, i64, i64)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (String, String, i64, i64, i64)>(
        "SELECT substr(a.original_due_on, 1, 7) AS month, c.kind, \
         CAST(SUM(CASE WHEN a.status IN ('approved', 'completed', 'broken') THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN a.status IN ('approved', 'completed', 'broken') THEN a.amount_ore ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN a.status = 'broken' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM arrangements a JOIN customers c ON c.id = a.customer_id \
         GROUP BY substr(a.original_due_on, 1, 7), c.kind ORDER BY 1, 2"
    )
    .fetch_all(pool)
    .await?
    }))
}

/// The demo town: nine customers in ten have terms that agree to a reminder fee.
pub async fn demo_fee_agreement(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE customers SET reminder_fee_agreed = TRUE WHERE id % 10 <> 0"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Sets `paid_on` of paid invoices from their latest payment where it is missing (invoices
/// loaded in bulk, such as the credit benchmark's).
pub async fn paid_on_from_payments(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE invoices SET paid_on = (SELECT MAX(p.paid_on) FROM payments p WHERE p.invoice_id = invoices.id) \
         WHERE status = 'paid' AND paid_on IS NULL"
    )
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// Customer ids by customer number.
pub async fn customer_ids_by_number(tx: &mut Tx, numbers: &[&str]) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(CHUNK) {
        let sql = format!(
            "SELECT customer_number, id FROM customers WHERE customer_number IN ({})",
            id_list(chunk.len(), 1)
        );
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql.clone()));
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(conn).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Invoice numbers among these that exist already.
pub async fn existing_invoice_numbers(tx: &mut Tx, numbers: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(CHUNK) {
        let sql = format!(
            "SELECT invoice_number FROM invoices WHERE invoice_number IN ({})",
            id_list(chunk.len(), 1)
        );
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone()));
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(conn).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Bills a customer's pending charges (fees, interest) on a new invoice: they are linked to it
/// and its amount grows by their sum. Returns the sum.
pub async fn bill_pending_charges(tx: &mut Tx, customer: i64, invoice: i64) -> Result<i64> {
    let sum = with_tx!(tx, |conn| {
        let sum = sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(amount_ore), 0) AS BIGINT) FROM invoice_charges \
             WHERE customer_id = $1 AND billed_invoice_id IS NULL",
        )
        .bind(customer)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE invoice_charges SET billed_invoice_id = $2 WHERE customer_id = $1 AND billed_invoice_id IS NULL",
        )
        .bind(customer)
        .bind(invoice)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE invoices SET amount_ore = amount_ore + $2 WHERE id = $1")
            .bind(invoice)
            .bind(sum)
            .execute(&mut *conn)
            .await?;
        sum
    });
    Ok(sum)
}

/// Arrangements whose invoice is paid are completed.
pub async fn complete_paid_arrangements(tx: &mut Tx) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE arrangements SET status = 'completed' WHERE status = 'approved' \
         AND invoice_id IN (SELECT id FROM invoices WHERE status = 'paid')"
    )
    .execute(conn)
    .await?
    .rows_affected()))
}

//! Credit: BgMax files and their payments, matching to invoices, reference rates, reminders,
//! charges (fees and interest billed on the next invoice) and arrangements (extensions and
//! instalment plans).

use crate::{Result, Store, Tx};

/// Rows per multi-row statement (SQLite allows 32 766 parameters; PostgreSQL 65 535).
const CHUNK: usize = 500;

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
    for chunk in keys.chunks(CHUNK) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
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
    for chunk in ocrs.chunks(CHUNK) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
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

/// Inserts payments whose keys are new; returns the keys inserted (the rest were known).
pub async fn insert_payments(
    tx: &mut Tx,
    file_id: i64,
    rows: &[NewPayment],
    now: i64,
) -> Result<Vec<String>> {
    let mut inserted = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK / 2) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 9;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, 'bgmax', ${}, ${}, ${}, ${}, {now})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO payments (payment_key, invoice_id, customer_id, paid_on, amount_ore, source, reference, payer, unmatched, file_id, created_at) \
             VALUES {values} ON CONFLICT (payment_key) DO NOTHING RETURNING payment_key"
        );
        let keys = with_tx!(tx, |conn| {
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone()));
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
            q.fetch_all(conn).await?
        });
        inserted.extend(keys);
    }
    Ok(inserted)
}

/// Adds payments to invoices, `(invoice id, öre, date paid)`, one statement per chunk: paid
/// when covered, otherwise partly paid (an extension or a collection keeps its status until the
/// invoice is paid).
pub async fn apply_payments(tx: &mut Tx, rows: &[(i64, i64, String)]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3))
            .collect::<Vec<_>>()
            .join(", ");
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

//! BgMax files and their payments: the file row that makes an import idempotent, the payments
//! recorded in bulk, their amounts applied to invoices, the read-ahead connection of an import
//! on SQLite, and the manual matching queue.

use domain::ids::{BgmaxFileId, CustomerId, InvoiceId, PaymentId};
use domain::money::Money;
use jiff::civil::Date;

use crate::backend::{Backend, Placeholders, rows_per_statement};
use crate::{Result, Store, Tx};

/// An invoice as an import fills it: what it may still receive.
#[derive(Debug, Clone)]
pub struct ImportInvoice {
    pub id: InvoiceId,
    pub customer_id: CustomerId,
    pub ocr: String,
    pub amount: Money,
    pub paid: Money,
}

from_row!(ImportInvoice, "invoices", |c| ImportInvoice {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    ocr: c.get("ocr")?,
    amount: c.money("amount_ore")?,
    paid: c.money("paid_ore")?,
});

const IMPORT_INVOICES: &str = "SELECT id, customer_id, ocr, amount_ore, paid_ore FROM invoices";

/// What names a file and what it holds.
pub struct NewFile<'a> {
    /// TK01 timestamp and receiving bankgiro numbers.
    pub key: &'a str,
    pub sha256: &'a str,
    pub payments: i64,
    pub amount: Money,
    pub by: &'a str,
    pub now: i64,
}

/// Records a file unless its key is known; `None` means it was imported before.
pub async fn insert_file(tx: &mut Tx, f: &NewFile<'_>) -> Result<Option<BgmaxFileId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO bgmax_files (file_key, sha256, payments, amount_ore, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (file_key) DO NOTHING RETURNING id"
    )
    .bind(f.key)
    .bind(f.sha256)
    .bind(f.payments)
    .bind(f.amount.ore())
    .bind(f.by)
    .bind(f.now)
    .fetch_optional(conn)
    .await?
    });
    Ok(id.map(BgmaxFileId::new))
}

/// Every imported file's key, and the files whose recorded payments do not add up to the
/// amount the file declared: `(key, declared öre, recorded öre)`. An import is one
/// transaction, so the second list is empty unless something wrote half a file.
pub async fn file_balances(store: &Store) -> Result<(Vec<String>, Vec<(String, i64, i64)>)> {
    let rows = with_pool!(store, |pool| sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT f.file_key, f.amount_ore, CAST(COALESCE(SUM(p.amount_ore), 0) AS BIGINT) \
         FROM bgmax_files f LEFT JOIN payments p ON p.file_id = f.id \
         GROUP BY f.id, f.file_key, f.amount_ore ORDER BY f.id"
    )
    .fetch_all(pool)
    .await?);
    let keys = rows.iter().map(|(k, _, _)| k.clone()).collect();
    let off = rows.into_iter().filter(|(_, a, b)| a != b).collect();
    Ok((keys, off))
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
pub async fn invoices_by_ocr(tx: &mut Tx, ocrs: &[&str]) -> Result<Vec<ImportInvoice>> {
    let mut out = Vec::with_capacity(ocrs.len());
    for chunk in ocrs.chunks(crate::backend::MAX_PARAMS) {
        let list = Placeholders::new(tx.backend()).list(chunk.len());
        let sql = format!("{IMPORT_INVOICES} WHERE ocr IN ({list})");
        let rows = with_tx!(tx, |conn| {
            let mut q = sqlx::query_as::<_, ImportInvoice>(sqlx::AssertSqlSafe(sql.clone()));
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
    pub async fn invoices_by_ocr(&mut self, ocrs: &[&str]) -> Result<Vec<ImportInvoice>> {
        let mut out = Vec::with_capacity(ocrs.len());
        for chunk in ocrs.chunks(crate::backend::MAX_PARAMS) {
            let sql = format!(
                "{IMPORT_INVOICES} WHERE ocr IN ({})",
                Placeholders::new(Backend::Sqlite).list(chunk.len())
            );
            let mut q = sqlx::query_as::<_, ImportInvoice>(sqlx::AssertSqlSafe(sql));
            for o in chunk {
                q = q.bind(*o);
            }
            out.extend(q.fetch_all(&mut self.conn).await?);
        }
        Ok(out)
    }
}

/// A payment of a BgMax file to record.
#[derive(Debug, Clone)]
pub struct ImportedPayment {
    pub payment_key: String,
    pub invoice_id: Option<InvoiceId>,
    pub customer_id: Option<CustomerId>,
    pub paid_on: Date,
    pub amount: Money,
    pub reference: String,
    pub payer: Option<String>,
    pub unmatched: bool,
}

/// Inserts payments whose keys are new; returns, row by row, whether it was inserted (the rest
/// were known). `file_id` must be the file this transaction recorded: a chunk with known keys
/// is told apart by the rows of this file.
pub async fn insert_imported_payments(
    tx: &mut Tx,
    file_id: BgmaxFileId,
    rows: &[ImportedPayment],
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
                    .bind(r.invoice_id.map(InvoiceId::get))
                    .bind(r.customer_id.map(CustomerId::get))
                    .bind(r.paid_on.to_string())
                    .bind(r.amount.ore())
                    .bind(&r.reference)
                    .bind(&r.payer)
                    .bind(r.unmatched)
                    .bind(file_id.get());
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
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(file_id.get());
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

/// Adds payments to invoices, `(invoice, amount, date paid)`, one statement per chunk: paid
/// when covered, otherwise partly paid (an extension or a collection keeps its status until the
/// invoice is paid).
pub async fn apply_payments(tx: &mut Tx, rows: &[(InvoiceId, Money, Date)]) -> Result<()> {
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
                q = q.bind(id.get()).bind(amount.ore()).bind(date.to_string());
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// A payment waiting for a person: an unknown reference, a deduction, an over-payment.
#[derive(Debug, Clone)]
pub struct UnmatchedPayment {
    pub id: PaymentId,
    pub paid_on: Date,
    pub amount: Money,
    pub reference: String,
    pub payer: Option<String>,
    pub file_id: Option<BgmaxFileId>,
}

from_row!(UnmatchedPayment, "payments", |c| UnmatchedPayment {
    id: c.id("id")?,
    paid_on: c.date("paid_on")?,
    amount: c.money("amount_ore")?,
    reference: c.get("reference")?,
    payer: c.get("payer")?,
    file_id: c.id_opt("file_id")?,
});

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

/// Takes a payment out of the matching queue for an invoice: its amount and date, or `None`
/// when someone else did.
pub async fn match_payment(
    tx: &mut Tx,
    payment: PaymentId,
    invoice: InvoiceId,
    customer: CustomerId,
) -> Result<Option<(Money, Date)>> {
    let row = with_tx!(tx, |conn| sqlx::query_as::<_, (i64, String)>(
        "UPDATE payments SET unmatched = FALSE, invoice_id = $2, customer_id = $3 \
         WHERE id = $1 AND unmatched = TRUE RETURNING amount_ore, paid_on"
    )
    .bind(payment.get())
    .bind(invoice.get())
    .bind(customer.get())
    .fetch_optional(conn)
    .await?);
    row.map(|(ore, on)| {
        Ok((
            Money::from_ore(ore),
            super::parse_date("payments", "paid_on", on)?,
        ))
    })
    .transpose()
}

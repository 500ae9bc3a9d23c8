//! Arrangements (payment extensions and instalment plans): requests with the reasons of their
//! assessment, credit officers' decisions, instalments, a customer's payment history as the
//! credit rules read it, and the board report.

use std::collections::HashMap;

use domain::credit::{
    ArrangementKind, ArrangementSource, ArrangementStatus, InvoiceStatus, PaymentHistory, Reason,
};
use domain::customer::CustomerKind;
use domain::ids::{ArrangementId, CustomerId, InvoiceId};
use domain::money::Money;
use jiff::civil::Date;

use super::{CHUNK, code_list, id_list, parse_dates};
use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct ArrangementRow {
    pub id: ArrangementId,
    pub invoice_id: InvoiceId,
    pub customer_id: CustomerId,
    pub kind: ArrangementKind,
    pub status: ArrangementStatus,
    pub source: ArrangementSource,
    pub original_due_on: Date,
    /// The new due date, or the last instalment's.
    pub new_due_on: Option<Date>,
    pub instalments: Option<i64>,
    pub amount: Money,
    pub waive_interest: bool,
    /// Every rule of the assessment, as it was when the request was made.
    pub reasons: Vec<Reason>,
    pub requested_by: String,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub broken_on: Option<Date>,
    pub created_at: i64,
}

/// The stored reasons (JSON), read back as facts.
fn reasons(stored: String) -> Result<Vec<Reason>, sqlx::Error> {
    serde_json::from_str(&stored).map_err(|e| sqlx::Error::ColumnDecode {
        index: "reasons".into(),
        source: Box::new(crate::codec::BadValue {
            table: "arrangements",
            column: "reasons",
            value: stored.clone(),
            reason: e.to_string(),
        }),
    })
}

from_row!(ArrangementRow, "arrangements", |c| ArrangementRow {
    id: c.id("id")?,
    invoice_id: c.id("invoice_id")?,
    customer_id: c.id("customer_id")?,
    kind: c.code("kind")?,
    status: c.code("status")?,
    source: c.code("source")?,
    original_due_on: c.date("original_due_on")?,
    new_due_on: c.date_opt("new_due_on")?,
    instalments: c.get("instalments")?,
    amount: c.money("amount_ore")?,
    waive_interest: c.get("waive_interest")?,
    reasons: reasons(c.get("reasons")?)?,
    requested_by: c.get("requested_by")?,
    decided_by: c.get("decided_by")?,
    decision_note: c.get("decision_note")?,
    decided_at: c.get("decided_at")?,
    broken_on: c.date_opt("broken_on")?,
    created_at: c.get("created_at")?,
});

const ARRANGEMENT_COLUMNS: &str = "id, invoice_id, customer_id, kind, status, source, original_due_on, new_due_on, instalments, amount_ore, waive_interest, reasons, requested_by, decided_by, decision_note, decided_at, broken_on, created_at";

/// Arrangements of these invoices in the given statuses.
pub async fn arrangements_of(
    store: &Store,
    invoice_ids: &[InvoiceId],
    statuses: &[ArrangementStatus],
) -> Result<Vec<ArrangementRow>> {
    let mut out = Vec::new();
    let statuses = code_list(statuses);
    for chunk in invoice_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE status IN {statuses} AND invoice_id IN ({}) ORDER BY id",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q = sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(id.get());
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// One instalment of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instalment {
    pub arrangement: ArrangementId,
    /// 1, 2, … in date order.
    pub seq: i64,
    pub due_on: Date,
    pub amount: Money,
}

from_row!(Instalment, "arrangement_instalments", |c| Instalment {
    arrangement: c.id("arrangement_id")?,
    seq: c.get("seq")?,
    due_on: c.date("due_on")?,
    amount: c.money("amount_ore")?,
});

/// Instalments of these arrangements, by arrangement and number.
pub async fn instalments_of(store: &Store, ids: &[ArrangementId]) -> Result<Vec<Instalment>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT arrangement_id, seq, due_on, amount_ore FROM arrangement_instalments \
             WHERE arrangement_id IN ({}) ORDER BY arrangement_id, seq",
            id_list(chunk.len(), 1)
        );
        let rows = with_pool!(store, |pool| {
            let mut q = sqlx::query_as::<_, Instalment>(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(id.get());
            }
            q.fetch_all(pool).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

pub struct NewArrangement<'a> {
    pub invoice_id: InvoiceId,
    pub customer_id: CustomerId,
    pub kind: ArrangementKind,
    pub status: ArrangementStatus,
    pub source: ArrangementSource,
    pub original_due_on: Date,
    pub new_due_on: Option<Date>,
    pub instalments: Option<i64>,
    pub amount: Money,
    pub waive_interest: bool,
    pub reasons: &'a [Reason],
    pub requested_by: &'a str,
    pub decided_by: Option<&'a str>,
    pub now: i64,
}

pub async fn insert_arrangement(tx: &mut Tx, a: &NewArrangement<'_>) -> Result<ArrangementId> {
    let reasons = serde_json::to_string(a.reasons).map_err(|e| crate::StoreError::Corrupt {
        table: "arrangements",
        column: "reasons",
        message: e.to_string(),
    })?;
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO arrangements (invoice_id, customer_id, kind, status, source, original_due_on, new_due_on, \
         instalments, amount_ore, waive_interest, reasons, requested_by, decided_by, decided_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $13 IS NULL THEN NULL ELSE $14 END, $14) RETURNING id"
    )
    .bind(a.invoice_id.get())
    .bind(a.customer_id.get())
    .bind(a.kind.as_str())
    .bind(a.status.as_str())
    .bind(a.source.as_str())
    .bind(a.original_due_on.to_string())
    .bind(a.new_due_on.map(|d| d.to_string()))
    .bind(a.instalments)
    .bind(a.amount.ore())
    .bind(a.waive_interest)
    .bind(&reasons)
    .bind(a.requested_by)
    .bind(a.decided_by)
    .bind(a.now)
    .fetch_one(conn)
    .await?
    });
    Ok(ArrangementId::new(id))
}

/// A plan's instalments `(due on, öre)`, numbered from 1 in the order given.
pub async fn insert_instalments(
    tx: &mut Tx,
    arrangement: ArrangementId,
    rows: &[(Date, i64)],
) -> Result<()> {
    for (i, (due, ore)) in rows.iter().enumerate() {
        with_tx!(tx, |conn| {
            sqlx::query(
            "INSERT INTO arrangement_instalments (arrangement_id, seq, due_on, amount_ore) VALUES ($1, $2, $3, $4)"
        )
        .bind(arrangement.get())
        .bind(i64::try_from(i).unwrap_or(0) + 1)
        .bind(due.to_string())
        .bind(*ore)
        .execute(conn)
        .await?
        .rows_affected()
        });
    }
    Ok(())
}

/// Sets an unpaid invoice's status (an arrangement approved: `extension`).
pub async fn set_invoice_status(
    tx: &mut Tx,
    invoice: InvoiceId,
    status: InvoiceStatus,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE invoices SET status = $2 WHERE id = $1 AND status <> 'paid'"
    )
    .bind(invoice.get())
    .bind(status.as_str())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Records a credit officer's decision on a referred arrangement; false when it was decided.
pub async fn decide(
    tx: &mut Tx,
    id: ArrangementId,
    status: ArrangementStatus,
    by: &str,
    note: &str,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE arrangements SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5 \
         WHERE id = $1 AND status = 'referred'"
    )
    .bind(id.get())
    .bind(status.as_str())
    .bind(by)
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Withdraws an invoice's referral still waiting for an officer (a later request the policy
/// grants by itself takes its place); returns how many were withdrawn.
pub async fn withdraw_referrals_of(
    tx: &mut Tx,
    invoice: InvoiceId,
    by: &str,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE arrangements SET status = 'withdrawn', decided_by = $2, decision_note = '', decided_at = $3 \
         WHERE invoice_id = $1 AND status = 'referred'"
    )
    .bind(invoice.get())
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

pub async fn arrangement(store: &Store, id: ArrangementId) -> Result<Option<ArrangementRow>> {
    let sql = format!("SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Arrangements in one status, oldest first.
pub async fn arrangements_with_status(
    store: &Store,
    status: ArrangementStatus,
    limit: i64,
) -> Result<Vec<ArrangementRow>> {
    let sql = format!(
        "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE status = $1 ORDER BY created_at, id LIMIT $2"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(status.as_str())
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// A customer's arrangements, newest first.
pub async fn customer_arrangements(
    store: &Store,
    customer: CustomerId,
) -> Result<Vec<ArrangementRow>> {
    let sql = format!(
        "SELECT {ARRANGEMENT_COLUMNS} FROM arrangements WHERE customer_id = $1 ORDER BY created_at DESC, id DESC"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ArrangementRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer.get())
            .fetch_all(pool)
            .await?
    }))
}

/// A customer's payment history since `since`: reminder dates, broken arrangements,
/// collections, and how many arrangements are active.
pub async fn history(store: &Store, customer: CustomerId, since: Date) -> Result<PaymentHistory> {
    let since = since.to_string();
    let (reminders, broken, collections, active) = with_pool!(store, |pool| {
        let reminders = sqlx::query_scalar::<_, String>(
            "SELECT r.sent_on FROM reminders r JOIN invoices i ON i.id = r.invoice_id \
             WHERE i.customer_id = $1 AND r.sent_on >= $2 ORDER BY r.sent_on",
        )
        .bind(customer.get())
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let broken = sqlx::query_scalar::<_, String>(
            "SELECT broken_on FROM arrangements WHERE customer_id = $1 AND status = 'broken' AND broken_on >= $2",
        )
        .bind(customer.get())
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let collections = sqlx::query_scalar::<_, String>(
            "SELECT collection_on FROM invoices WHERE customer_id = $1 AND collection_on IS NOT NULL AND collection_on >= $2",
        )
        .bind(customer.get())
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let active = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM arrangements WHERE customer_id = $1 AND status = 'approved'",
        )
        .bind(customer.get())
        .fetch_one(pool)
        .await?;
        (reminders, broken, collections, active)
    });
    Ok(PaymentHistory {
        reminders: parse_dates("reminders", "sent_on", reminders)?,
        broken_arrangements: parse_dates("arrangements", "broken_on", broken)?,
        debt_collections: parse_dates("invoices", "collection_on", collections)?,
        active_arrangements: u32::try_from(active).unwrap_or(u32::MAX),
    })
}

/// Every customer's payment history since `since` (customers with none are left out), read in
/// four statements, for the credit policy's preview.
pub async fn histories(store: &Store, since: Date) -> Result<HashMap<CustomerId, PaymentHistory>> {
    let since = since.to_string();
    let (reminders, broken, collections, active) = with_pool!(store, |pool| {
        let reminders = sqlx::query_as::<_, (i64, String)>(
            "SELECT i.customer_id, r.sent_on FROM reminders r JOIN invoices i ON i.id = r.invoice_id \
             WHERE r.sent_on >= $1",
        )
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let broken = sqlx::query_as::<_, (i64, String)>(
            "SELECT customer_id, broken_on FROM arrangements WHERE status = 'broken' AND broken_on >= $1",
        )
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let collections = sqlx::query_as::<_, (i64, String)>(
            "SELECT customer_id, collection_on FROM invoices WHERE collection_on IS NOT NULL AND collection_on >= $1",
        )
        .bind(&since)
        .fetch_all(pool)
        .await?;
        let active = sqlx::query_as::<_, (i64, i64)>(
            "SELECT customer_id, COUNT(*) FROM arrangements WHERE status = 'approved' GROUP BY customer_id",
        )
        .fetch_all(pool)
        .await?;
        (reminders, broken, collections, active)
    });
    let mut out: HashMap<CustomerId, PaymentHistory> = HashMap::new();
    for (table, column, rows, pick) in [
        ("reminders", "sent_on", reminders, 0),
        ("arrangements", "broken_on", broken, 1),
        ("invoices", "collection_on", collections, 2),
    ] {
        for (customer, on) in rows {
            let on = super::parse_date(table, column, on)?;
            let h = out.entry(CustomerId::new(customer)).or_default();
            match pick {
                0 => h.reminders.push(on),
                1 => h.broken_arrangements.push(on),
                _ => h.debt_collections.push(on),
            }
        }
    }
    for (customer, n) in active {
        out.entry(CustomerId::new(customer))
            .or_default()
            .active_arrangements = u32::try_from(n).unwrap_or(u32::MAX);
    }
    Ok(out)
}

/// One row of the board report: requests by month of the original due date and customer kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardReportRow {
    /// `YYYY-MM`.
    pub month: String,
    pub kind: CustomerKind,
    /// Arrangements granted (and possibly completed or broken since).
    pub granted: i64,
    /// Their amounts.
    pub deferred: Money,
    pub broken: i64,
}

from_row!(BoardReportRow, "arrangements", |c| BoardReportRow {
    month: c.get("month")?,
    kind: c.code("kind")?,
    granted: c.get("granted")?,
    deferred: c.money("deferred_ore")?,
    broken: c.get("broken")?,
});

pub async fn board_report(store: &Store) -> Result<Vec<BoardReportRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, BoardReportRow>(
        "SELECT substr(a.original_due_on, 1, 7) AS month, c.kind, \
         CAST(SUM(CASE WHEN a.status IN ('approved', 'completed', 'broken') THEN 1 ELSE 0 END) AS BIGINT) AS granted, \
         CAST(SUM(CASE WHEN a.status IN ('approved', 'completed', 'broken') THEN a.amount_ore ELSE 0 END) AS BIGINT) AS deferred_ore, \
         CAST(SUM(CASE WHEN a.status = 'broken' THEN 1 ELSE 0 END) AS BIGINT) AS broken \
         FROM arrangements a JOIN customers c ON c.id = a.customer_id \
         GROUP BY substr(a.original_due_on, 1, 7), c.kind ORDER BY 1, 2"
    )
    .fetch_all(pool)
    .await?
    }))
}

/// A granted arrangement whose interest was waived, with its customer's kind (the board
/// report's interest-waived column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaivedRow {
    pub original_due_on: Date,
    pub new_due_on: Option<Date>,
    pub amount: Money,
    pub kind: CustomerKind,
}

from_row!(WaivedRow, "arrangements", |c| WaivedRow {
    original_due_on: c.date("original_due_on")?,
    new_due_on: c.date_opt("new_due_on")?,
    amount: c.money("amount_ore")?,
    kind: c.code("kind")?,
});

pub async fn waived_arrangements(store: &Store) -> Result<Vec<WaivedRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, WaivedRow>(
            "SELECT a.original_due_on, a.new_due_on, a.amount_ore, c.kind \
             FROM arrangements a JOIN customers c ON c.id = a.customer_id \
             WHERE a.waive_interest = TRUE AND a.status IN ('approved', 'completed', 'broken') \
             ORDER BY a.id",
        )
        .fetch_all(pool)
        .await?
    }))
}

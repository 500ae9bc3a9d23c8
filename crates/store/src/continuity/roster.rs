//! Rosters, absences, requests to cover a shift, and the alerts about red shifts.

use domain::continuity::{AbsenceReason, RequestStatus, RosterSource};
use domain::ids::{AbsenceId, CoverRequestId, RosterEntryId, ShiftId, StaffId};
use jiff::civil::Date;

use crate::backend::{Placeholders, rows_per_statement};
use crate::{Result, Store, Tx};

/// One person on one shift on the day it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub id: RosterEntryId,
    pub staff_id: StaffId,
    pub shift_id: ShiftId,
    pub on_date: Date,
    pub source: RosterSource,
    /// A rule broken on purpose (13 §: the unforeseen): why, and who decided.
    pub deviation_reason: Option<String>,
    pub deviation_by: Option<String>,
}

from_row!(RosterRow, "roster_entries", |c| RosterRow {
    id: c.id("id")?,
    staff_id: c.id("staff_id")?,
    shift_id: c.id("shift_id")?,
    on_date: c.date("on_date")?,
    source: c.code("source")?,
    deviation_reason: c.get("deviation_reason")?,
    deviation_by: c.get("deviation_by")?,
});

const ROSTER_COLUMNS: &str =
    "id, staff_id, shift_id, on_date, source, deviation_reason, deviation_by";

/// An entry to write.
#[derive(Debug, Clone)]
pub struct NewRosterEntry<'a> {
    pub staff_id: StaffId,
    pub shift_id: ShiftId,
    pub on_date: Date,
    pub source: RosterSource,
    pub deviation: Option<(&'a str, &'a str)>,
    pub created_by: &'a str,
    pub now: i64,
}

/// Entries whose shift starts on a day in `[from, to]`.
pub async fn roster_between(store: &Store, from: Date, to: Date) -> Result<Vec<RosterRow>> {
    let sql = format!(
        "SELECT {ROSTER_COLUMNS} FROM roster_entries WHERE on_date >= $1 AND on_date <= $2 \
         ORDER BY on_date, shift_id, staff_id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, RosterRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?))
}

/// The same inside a write transaction (a change checked against what is there).
pub async fn roster_between_in(tx: &mut Tx, from: Date, to: Date) -> Result<Vec<RosterRow>> {
    let sql = format!(
        "SELECT {ROSTER_COLUMNS} FROM roster_entries WHERE on_date >= $1 AND on_date <= $2 \
         ORDER BY on_date, shift_id, staff_id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, RosterRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(conn)
    .await?))
}

/// One person's entries with a start day in `[from, to]`, inside a write transaction.
pub async fn roster_of_in(
    tx: &mut Tx,
    staff: StaffId,
    from: Date,
    to: Date,
) -> Result<Vec<RosterRow>> {
    let sql = format!(
        "SELECT {ROSTER_COLUMNS} FROM roster_entries WHERE staff_id = $1 AND on_date >= $2 \
         AND on_date <= $3 ORDER BY on_date, shift_id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, RosterRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(staff.get())
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(conn)
    .await?))
}

pub async fn roster_entry(store: &Store, id: RosterEntryId) -> Result<Option<RosterRow>> {
    let sql = format!("SELECT {ROSTER_COLUMNS} FROM roster_entries WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, RosterRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// Writes entries, many to a statement; one already there is left as it is. Returns how many
/// were new.
pub async fn insert_roster(tx: &mut Tx, entries: &[NewRosterEntry<'_>]) -> Result<u64> {
    const COLS: usize = 8;
    let mut n = 0;
    for chunk in entries.chunks(rows_per_statement(COLS)) {
        let values = Placeholders::new(tx.backend()).rows(chunk.len(), COLS);
        let sql = format!(
            "INSERT INTO roster_entries (staff_id, shift_id, on_date, source, deviation_reason, \
             deviation_by, created_by, created_at) VALUES {values} \
             ON CONFLICT (staff_id, shift_id, on_date) DO NOTHING"
        );
        n += with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for e in chunk {
                q = q
                    .bind(e.staff_id.get())
                    .bind(e.shift_id.get())
                    .bind(e.on_date.to_string())
                    .bind(e.source.as_str())
                    .bind(e.deviation.map(|d| d.0))
                    .bind(e.deviation.map(|d| d.1))
                    .bind(e.created_by)
                    .bind(e.now);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

pub async fn delete_roster_entry(tx: &mut Tx, id: RosterEntryId) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM roster_entries WHERE id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A reported absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceRow {
    pub id: AbsenceId,
    pub staff_id: StaffId,
    pub reason: AbsenceReason,
    pub from_date: Date,
    /// The last day away.
    pub to_date: Date,
    pub reported_by: String,
    pub reported_at: i64,
}

from_row!(AbsenceRow, "absences", |c| AbsenceRow {
    id: c.id("id")?,
    staff_id: c.id("staff_id")?,
    reason: c.code("reason")?,
    from_date: c.date("from_date")?,
    to_date: c.date("to_date")?,
    reported_by: c.get("reported_by")?,
    reported_at: c.get("reported_at")?,
});

const ABSENCE_COLUMNS: &str = "id, staff_id, reason, from_date, to_date, reported_by, reported_at";

pub struct NewAbsence<'a> {
    pub staff_id: StaffId,
    pub reason: AbsenceReason,
    pub from_date: Date,
    pub to_date: Date,
    pub reported_by: &'a str,
    pub now: i64,
}

pub async fn insert_absence(tx: &mut Tx, a: &NewAbsence<'_>) -> Result<AbsenceId> {
    Ok(AbsenceId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO absences (staff_id, reason, from_date, to_date, reported_by, reported_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(a.staff_id.get())
        .bind(a.reason.as_str())
        .bind(a.from_date.to_string())
        .bind(a.to_date.to_string())
        .bind(a.reported_by)
        .bind(a.now)
        .fetch_one(conn)
        .await?
    })))
}

/// Absences that meet the days `[from, to]`.
pub async fn absences_between(store: &Store, from: Date, to: Date) -> Result<Vec<AbsenceRow>> {
    let sql = format!(
        "SELECT {ABSENCE_COLUMNS} FROM absences WHERE to_date >= $1 AND from_date <= $2 \
         ORDER BY from_date, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AbsenceRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?))
}

pub async fn absences_between_in(tx: &mut Tx, from: Date, to: Date) -> Result<Vec<AbsenceRow>> {
    let sql = format!(
        "SELECT {ABSENCE_COLUMNS} FROM absences WHERE to_date >= $1 AND from_date <= $2 \
         ORDER BY from_date, id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, AbsenceRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(conn)
    .await?))
}

/// One person's absences ending on or after `from`, newest first.
pub async fn absences_of(store: &Store, staff: StaffId, from: Date) -> Result<Vec<AbsenceRow>> {
    let sql = format!(
        "SELECT {ABSENCE_COLUMNS} FROM absences WHERE staff_id = $1 AND to_date >= $2 \
         ORDER BY from_date DESC, id DESC"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AbsenceRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(staff.get())
    .bind(from.to_string())
    .fetch_all(pool)
    .await?))
}

pub async fn absence(store: &Store, id: AbsenceId) -> Result<Option<AbsenceRow>> {
    let sql = format!("SELECT {ABSENCE_COLUMNS} FROM absences WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, AbsenceRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn delete_absence(tx: &mut Tx, id: AbsenceId) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM absences WHERE id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Deletes absences whose last day is before `before` (the retention limit); returns how many.
pub async fn purge_absences(tx: &mut Tx, before: Date) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM absences WHERE to_date < $1"
    )
    .bind(before.to_string())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A request to cover a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverRequestRow {
    pub id: CoverRequestId,
    pub shift_id: ShiftId,
    pub on_date: Date,
    pub staff_id: StaffId,
    pub status: RequestStatus,
    pub asked_by: String,
    pub asked_at: i64,
    pub answered_at: Option<i64>,
}

from_row!(CoverRequestRow, "cover_requests", |c| CoverRequestRow {
    id: c.id("id")?,
    shift_id: c.id("shift_id")?,
    on_date: c.date("on_date")?,
    staff_id: c.id("staff_id")?,
    status: c.code("status")?,
    asked_by: c.get("asked_by")?,
    asked_at: c.get("asked_at")?,
    answered_at: c.get("answered_at")?,
});

const REQUEST_COLUMNS: &str =
    "id, shift_id, on_date, staff_id, status, asked_by, asked_at, answered_at";

/// Records a request, or finds the one already made for this person, shift and day
/// (`(id, true)` when new).
pub async fn ask(
    tx: &mut Tx,
    shift: ShiftId,
    on_date: Date,
    staff: StaffId,
    by: &str,
    now: i64,
) -> Result<(CoverRequestId, bool)> {
    let inserted = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO cover_requests (shift_id, on_date, staff_id, status, asked_by, asked_at) \
         VALUES ($1, $2, $3, 'asked', $4, $5) ON CONFLICT (shift_id, on_date, staff_id) DO NOTHING \
         RETURNING id"
    )
    .bind(shift.get())
    .bind(on_date.to_string())
    .bind(staff.get())
    .bind(by)
    .bind(now)
    .fetch_optional(conn)
    .await?);
    if let Some(id) = inserted {
        return Ok((CoverRequestId::new(id), true));
    }
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM cover_requests WHERE shift_id = $1 AND on_date = $2 AND staff_id = $3"
    )
    .bind(shift.get())
    .bind(on_date.to_string())
    .bind(staff.get())
    .fetch_one(conn)
    .await?);
    Ok((CoverRequestId::new(id), false))
}

pub async fn cover_request(store: &Store, id: CoverRequestId) -> Result<Option<CoverRequestRow>> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM cover_requests WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CoverRequestRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

pub async fn cover_request_in(tx: &mut Tx, id: CoverRequestId) -> Result<Option<CoverRequestRow>> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM cover_requests WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, CoverRequestRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

/// Requests for shifts starting on days in `[from, to]`.
pub async fn cover_requests_between(
    store: &Store,
    from: Date,
    to: Date,
) -> Result<Vec<CoverRequestRow>> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM cover_requests WHERE on_date >= $1 AND on_date <= $2 \
         ORDER BY on_date, shift_id, asked_at"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CoverRequestRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// Answers a request still waiting; returns 0 when it was answered before.
pub async fn answer(
    tx: &mut Tx,
    id: CoverRequestId,
    status: RequestStatus,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE cover_requests SET status = $2, answered_at = $3 WHERE id = $1 AND status = 'asked'"
    )
    .bind(id.get())
    .bind(status.as_str())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Opens an alert for a red shift: its id, or `None` when one is open already.
pub async fn raise_alert(
    tx: &mut Tx,
    shift: ShiftId,
    on_date: Date,
    now: i64,
) -> Result<Option<i64>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO coverage_alerts (shift_id, on_date, raised_at) VALUES ($1, $2, $3) \
         ON CONFLICT (shift_id, on_date) WHERE cleared_at IS NULL DO NOTHING RETURNING id"
    )
    .bind(shift.get())
    .bind(on_date.to_string())
    .bind(now)
    .fetch_optional(conn)
    .await?))
}

/// The open alerts: `(id, shift, day)`.
pub async fn open_alerts_in(tx: &mut Tx) -> Result<Vec<(i64, ShiftId, Date)>> {
    let rows: Vec<(i64, i64, String)> =
        with_tx!(tx, |conn| sqlx::query_as::<_, (i64, i64, String)>(
            "SELECT id, shift_id, on_date FROM coverage_alerts WHERE cleared_at IS NULL ORDER BY id"
        )
        .fetch_all(conn)
        .await?);
    rows.into_iter()
        .map(|(id, shift, d)| {
            d.parse::<Date>()
                .map(|d| (id, ShiftId::new(shift), d))
                .map_err(|e| crate::StoreError::Corrupt {
                    table: "coverage_alerts",
                    column: "on_date",
                    message: format!("{d:?}: {e}"),
                })
        })
        .collect()
}

pub async fn clear_alert(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE coverage_alerts SET cleared_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

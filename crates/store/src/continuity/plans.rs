//! Contingency plans and their exercises, the services' state, and the situation reports.

use domain::continuity::{ExerciseStatus, ReportKind, Service, ServiceState};
use domain::ids::{ExerciseId, FunctionId, PlanId, ReportId};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// A contingency plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub id: PlanId,
    pub function_id: Option<FunctionId>,
    pub title: String,
    pub owner: String,
    pub measures: String,
    pub last_reviewed_on: Option<Date>,
    pub next_review_on: Date,
    pub updated_at: i64,
    pub updated_by: String,
}

from_row!(PlanRow, "contingency_plans", |c| PlanRow {
    id: c.id("id")?,
    function_id: c.id_opt("function_id")?,
    title: c.get("title")?,
    owner: c.get("owner")?,
    measures: c.get("measures")?,
    last_reviewed_on: c.date_opt("last_reviewed_on")?,
    next_review_on: c.date("next_review_on")?,
    updated_at: c.get("updated_at")?,
    updated_by: c.get("updated_by")?,
});

const PLAN_COLUMNS: &str = "id, function_id, title, owner, measures, last_reviewed_on, \
                            next_review_on, updated_at, updated_by";

/// A plan as written.
pub struct NewPlan<'a> {
    pub function_id: Option<FunctionId>,
    pub title: &'a str,
    pub owner: &'a str,
    pub measures: &'a str,
    pub last_reviewed_on: Option<Date>,
    pub next_review_on: Date,
    pub by: &'a str,
    pub now: i64,
}

pub async fn plans(store: &Store) -> Result<Vec<PlanRow>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM contingency_plans ORDER BY next_review_on, id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PlanRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn plan(store: &Store, id: PlanId) -> Result<Option<PlanRow>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM contingency_plans WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PlanRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn insert_plan(tx: &mut Tx, p: &NewPlan<'_>) -> Result<PlanId> {
    Ok(PlanId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO contingency_plans (function_id, title, owner, measures, last_reviewed_on, \
             next_review_on, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
        )
        .bind(p.function_id.map(FunctionId::get))
        .bind(p.title)
        .bind(p.owner)
        .bind(p.measures)
        .bind(p.last_reviewed_on.map(|d| d.to_string()))
        .bind(p.next_review_on.to_string())
        .bind(p.now)
        .bind(p.by)
        .fetch_one(conn)
        .await?
    })))
}

pub async fn update_plan(tx: &mut Tx, id: PlanId, p: &NewPlan<'_>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE contingency_plans SET function_id = $2, title = $3, owner = $4, measures = $5, \
         last_reviewed_on = $6, next_review_on = $7, updated_at = $8, updated_by = $9 WHERE id = $1"
    )
    .bind(id.get())
    .bind(p.function_id.map(FunctionId::get))
    .bind(p.title)
    .bind(p.owner)
    .bind(p.measures)
    .bind(p.last_reviewed_on.map(|d| d.to_string()))
    .bind(p.next_review_on.to_string())
    .bind(p.now)
    .bind(p.by)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// An exercise of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseRow {
    pub id: ExerciseId,
    pub plan_id: PlanId,
    pub on_date: Date,
    pub status: ExerciseStatus,
    pub lessons: String,
    pub logged_by: String,
    pub logged_at: i64,
    /// The change of policy that postponed it.
    pub postponed_by: Option<String>,
}

from_row!(ExerciseRow, "contingency_exercises", |c| ExerciseRow {
    id: c.id("id")?,
    plan_id: c.id("plan_id")?,
    on_date: c.date("on_date")?,
    status: c.code("status")?,
    lessons: c.get("lessons")?,
    logged_by: c.get("logged_by")?,
    logged_at: c.get("logged_at")?,
    postponed_by: c.get("postponed_by")?,
});

const EXERCISE_COLUMNS: &str =
    "id, plan_id, on_date, status, lessons, logged_by, logged_at, postponed_by";

pub async fn exercises(store: &Store) -> Result<Vec<ExerciseRow>> {
    let sql =
        format!("SELECT {EXERCISE_COLUMNS} FROM contingency_exercises ORDER BY on_date DESC, id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ExerciseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

/// Planned exercises on days in `[from, to]` (`to` open when `None`).
pub async fn planned_exercises(
    store: &Store,
    from: Date,
    to: Option<Date>,
) -> Result<Vec<ExerciseRow>> {
    let sql = format!(
        "SELECT {EXERCISE_COLUMNS} FROM contingency_exercises WHERE status = 'planned' \
         AND on_date >= $1 AND ($2 IS NULL OR on_date <= $2) ORDER BY on_date, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ExerciseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.map(|d| d.to_string()))
    .fetch_all(pool)
    .await?))
}

pub struct NewExercise<'a> {
    pub plan_id: PlanId,
    pub on_date: Date,
    pub status: ExerciseStatus,
    pub lessons: &'a str,
    pub by: &'a str,
    pub now: i64,
}

pub async fn insert_exercise(tx: &mut Tx, e: &NewExercise<'_>) -> Result<ExerciseId> {
    Ok(ExerciseId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO contingency_exercises (plan_id, on_date, status, lessons, logged_by, logged_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(e.plan_id.get())
        .bind(e.on_date.to_string())
        .bind(e.status.as_str())
        .bind(e.lessons)
        .bind(e.by)
        .bind(e.now)
        .fetch_one(conn)
        .await?
    })))
}

/// Postpones planned exercises on days in `[from, to]` under a change key; returns the ids
/// postponed now.
pub async fn postpone_exercises(
    tx: &mut Tx,
    from: Date,
    to: Option<Date>,
    key: &str,
) -> Result<Vec<ExerciseId>> {
    let ids: Vec<i64> = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "UPDATE contingency_exercises SET status = 'postponed', postponed_by = $3 \
         WHERE status = 'planned' AND on_date >= $1 AND ($2 IS NULL OR on_date <= $2) RETURNING id"
    )
    .bind(from.to_string())
    .bind(to.map(|d| d.to_string()))
    .bind(key)
    .fetch_all(conn)
    .await?);
    let mut ids: Vec<ExerciseId> = ids.into_iter().map(ExerciseId::new).collect();
    ids.sort();
    Ok(ids)
}

/// Exercises postponed under a change key.
pub async fn postponed_by(store: &Store, key: &str) -> Result<Vec<ExerciseId>> {
    let ids: Vec<i64> = with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM contingency_exercises WHERE postponed_by = $1 ORDER BY id"
    )
    .bind(key)
    .fetch_all(pool)
    .await?);
    Ok(ids.into_iter().map(ExerciseId::new).collect())
}

/// A service's state as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatusRow {
    pub service: Service,
    pub state: ServiceState,
    pub note: String,
    pub set_by: String,
    pub set_at: i64,
}

from_row!(ServiceStatusRow, "service_status", |c| ServiceStatusRow {
    service: c.code("service")?,
    state: c.code("state")?,
    note: c.get("note")?,
    set_by: c.get("set_by")?,
    set_at: c.get("set_at")?,
});

pub async fn set_service_status(tx: &mut Tx, s: &ServiceStatusRow) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO service_status (service, state, note, set_by, set_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(s.service.as_str())
    .bind(s.state.as_str())
    .bind(&s.note)
    .bind(&s.set_by)
    .bind(s.set_at)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Each service's latest state reported at or before `at` (microseconds).
pub async fn service_status_at(store: &Store, at: i64) -> Result<Vec<ServiceStatusRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        ServiceStatusRow,
    >(
        "SELECT s.service, s.state, s.note, s.set_by, s.set_at FROM service_status s \
         WHERE s.set_at <= $1 AND s.id = (SELECT MAX(t.id) FROM service_status t \
           WHERE t.service = s.service AND t.set_at <= $1) \
         ORDER BY s.service"
    )
    .bind(at)
    .fetch_all(pool)
    .await?))
}

/// A situation report as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: ReportId,
    pub report_date: Date,
    pub kind: ReportKind,
    /// The report as JSON.
    pub body: String,
    pub created_by: String,
    pub created_at: i64,
}

from_row!(ReportRow, "situation_reports", |c| ReportRow {
    id: c.id("id")?,
    report_date: c.date("report_date")?,
    kind: c.code("kind")?,
    body: c.get("body")?,
    created_by: c.get("created_by")?,
    created_at: c.get("created_at")?,
});

/// Stores a report; a second scheduled report of a day is not stored (`None`).
pub async fn insert_report(
    tx: &mut Tx,
    date: Date,
    kind: ReportKind,
    body: &str,
    by: &str,
    now: i64,
) -> Result<Option<ReportId>> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO situation_reports (report_date, kind, body, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (report_date) WHERE kind = 'scheduled' DO NOTHING \
         RETURNING id"
    )
    .bind(date.to_string())
    .bind(kind.as_str())
    .bind(body)
    .bind(by)
    .bind(now)
    .fetch_optional(conn)
    .await?);
    Ok(id.map(ReportId::new))
}

/// The reports issued, newest first, without their bodies' size in mind (a year is a few
/// hundred rows).
pub async fn reports(store: &Store, limit: i64) -> Result<Vec<ReportRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ReportRow>(
        "SELECT id, report_date, kind, body, created_by, created_at FROM situation_reports \
         ORDER BY report_date DESC, created_at DESC, id DESC LIMIT $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

pub async fn report(store: &Store, id: ReportId) -> Result<Option<ReportRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ReportRow>(
        "SELECT id, report_date, kind, body, created_by, created_at FROM situation_reports WHERE id = $1"
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?
    }))
}

/// The latest report of a day (scheduled or not).
pub async fn report_of(store: &Store, date: Date) -> Result<Option<ReportRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ReportRow>(
        "SELECT id, report_date, kind, body, created_by, created_at FROM situation_reports \
         WHERE report_date = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
    )
    .bind(date.to_string())
    .fetch_optional(pool)
    .await?))
}

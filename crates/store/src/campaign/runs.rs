//! Planning runs started from the planner's page: a row each, so every server shows the same
//! run and its progress, and at most one runs per campaign (a partial unique index, whichever
//! server was asked). The server whose worker plans writes the progress; any server reads it.

use domain::campaign::PlanFailure;
use domain::code::TypedId;
use domain::ids::{CampaignId, PlanRunId, UserId};
use domain::role::Role;

use crate::{Result, Store, Tx};

/// What a finished run stored: the counts of the plan it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunReport {
    pub considered: i64,
    pub assigned: i64,
    pub unassigned: i64,
    pub crew_days: i64,
    pub travel_m: i64,
    pub seconds_ms: i64,
}

/// A planning run as stored.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: PlanRunId,
    pub campaign_id: CampaignId,
    pub started_by: String,
    pub started_by_role: Role,
    pub started_by_user: Option<UserId>,
    pub weeks: u32,
    pub budget_ms: i64,
    /// The classification's counts (JSON) when the run follows a policy change.
    pub classified: Option<String>,
    pub requested_at: i64,
    pub percent: u8,
    pub elapsed_ms: i64,
    pub beat_at: i64,
    pub finished_at: Option<i64>,
    /// `None` while running.
    pub outcome: Option<std::result::Result<RunReport, PlanFailure>>,
}

macro_rules! run_columns {
    () => {
        "id, campaign_id, started_by, started_by_role, started_by_user, weeks, \
     budget_ms, classified, requested_at, percent, elapsed_ms, beat_at, finished_at, considered, \
     assigned, unassigned, crew_days, travel_m, seconds_ms, failure"
    };
}

from_row!(RunRow, "plan_runs", |c| {
    let finished_at: Option<i64> = c.get("finished_at")?;
    let failure: Option<PlanFailure> = c.code_opt("failure")?;
    let report = RunReport {
        considered: c.get::<Option<i64>>("considered")?.unwrap_or(0),
        assigned: c.get::<Option<i64>>("assigned")?.unwrap_or(0),
        unassigned: c.get::<Option<i64>>("unassigned")?.unwrap_or(0),
        crew_days: c.get::<Option<i64>>("crew_days")?.unwrap_or(0),
        travel_m: c.get::<Option<i64>>("travel_m")?.unwrap_or(0),
        seconds_ms: c.get::<Option<i64>>("seconds_ms")?.unwrap_or(0),
    };
    RunRow {
        id: c.id("id")?,
        campaign_id: c.id("campaign_id")?,
        started_by: c.get("started_by")?,
        started_by_role: c.code("started_by_role")?,
        started_by_user: c.id_opt("started_by_user")?,
        weeks: c.count("weeks")?,
        budget_ms: c.get("budget_ms")?,
        classified: c.get("classified")?,
        requested_at: c.get("requested_at")?,
        percent: u8::try_from(c.get::<i64>("percent")?.clamp(0, 100)).unwrap_or(100),
        elapsed_ms: c.get("elapsed_ms")?,
        beat_at: c.get("beat_at")?,
        finished_at,
        outcome: finished_at.map(|_| match failure {
            Some(f) => Err(f),
            None => Ok(report),
        }),
    }
});

/// A run to start.
pub struct NewRun<'a> {
    pub campaign_id: CampaignId,
    pub started_by: &'a str,
    pub started_by_role: Role,
    pub started_by_user: Option<UserId>,
    pub weeks: u32,
    pub budget_ms: i64,
    pub classified: Option<&'a str>,
    pub now: i64,
}

/// Records a run to start. While another runs for the campaign this is a
/// [`crate::StoreError::Conflict`] on `plan_runs` (see [`is_running_conflict`]).
pub async fn insert(tx: &mut Tx, r: &NewRun<'_>) -> Result<PlanRunId> {
    let id = with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO plan_runs (campaign_id, started_by, started_by_role, started_by_user, \
         weeks, budget_ms, classified, requested_at, beat_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id"
    )
    .bind(r.campaign_id.get())
    .bind(r.started_by)
    .bind(r.started_by_role.as_str())
    .bind(r.started_by_user.map(UserId::get))
    .bind(i64::from(r.weeks))
    .bind(r.budget_ms)
    .bind(r.classified)
    .bind(r.now)
    .fetch_one(conn)
    .await?);
    Ok(PlanRunId::from_i64(id))
}

/// Whether an error from [`insert`] means a run is going on already.
pub fn is_running_conflict(e: &crate::StoreError) -> bool {
    e.is_conflict_on("plan_runs")
}

/// Gives up the unfinished runs of a campaign that no server has moved since `silent_before`
/// (their server was lost and their job with it): they end as stopped. Returns how many.
pub async fn give_up_silent(
    tx: &mut Tx,
    campaign_id: CampaignId,
    silent_before: i64,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE plan_runs SET finished_at = $1, failure = 'stopped' \
         WHERE campaign_id = $2 AND finished_at IS NULL AND beat_at < $3"
    )
    .bind(now)
    .bind(campaign_id.get())
    .bind(silent_before)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn get(store: &Store, id: PlanRunId) -> Result<Option<RunRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, RunRow>(
        concat!("SELECT ", run_columns!(), " FROM plan_runs WHERE id = $1")
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// The newest run: the one going on, or the last one finished.
pub async fn latest(store: &Store) -> Result<Option<RunRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, RunRow>(
        concat!(
            "SELECT ",
            run_columns!(),
            " FROM plan_runs ORDER BY id DESC LIMIT 1"
        )
    )
    .fetch_optional(pool)
    .await?))
}

/// How many runs are going on (for the metrics).
pub async fn running(store: &Store) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM plan_runs WHERE finished_at IS NULL"
    )
    .fetch_one(pool)
    .await?))
}

/// A server writes how far its run is. `false` when the run has finished meanwhile (given up,
/// or finished by another server that took its job over).
pub async fn progress(
    store: &Store,
    id: PlanRunId,
    percent: u8,
    elapsed_ms: i64,
    now: i64,
) -> Result<bool> {
    let mut tx = store.begin().await?;
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE plan_runs SET percent = $1, elapsed_ms = $2, beat_at = $3 \
         WHERE id = $4 AND finished_at IS NULL"
    )
    .bind(i64::from(percent.min(99)))
    .bind(elapsed_ms)
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// Records how a run ended, once: `false` when it had ended already.
pub async fn finish(
    tx: &mut Tx,
    id: PlanRunId,
    outcome: std::result::Result<RunReport, PlanFailure>,
    now: i64,
) -> Result<bool> {
    let (r, failure) = match outcome {
        Ok(r) => (Some(r), None),
        Err(f) => (None, Some(f.as_str())),
    };
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE plan_runs SET finished_at = $1, percent = 100, considered = $2, assigned = $3, \
         unassigned = $4, crew_days = $5, travel_m = $6, seconds_ms = $7, failure = $8 \
         WHERE id = $9 AND finished_at IS NULL"
    )
    .bind(now)
    .bind(r.map(|r| r.considered))
    .bind(r.map(|r| r.assigned))
    .bind(r.map(|r| r.unassigned))
    .bind(r.map(|r| r.crew_days))
    .bind(r.map(|r| r.travel_m))
    .bind(r.map(|r| r.seconds_ms))
    .bind(failure)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n == 1)
}

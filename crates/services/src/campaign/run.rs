//! Planning in the background: the run a planner starts from the page, and the worker's
//! re-plan after a failed visit, a booking, or the start or end of a campaign policy.
//!
//! A run from the page is a row (`store::campaign::runs`) and a job ([`PLAN_RUN_JOB`]):
//! whichever server's worker claims the job plans, writing the run's progress to its row each
//! second, so the page shows the same run from every server and two never run at once (a
//! unique index, whichever server was asked). When the planning server dies its job's claim
//! goes stale (`Services::worker_silent_limit`) and another worker starts the run again from the start.

use std::time::{Duration, Instant};

use domain::campaign::PlanFailure;
use domain::code::TypedId;
use domain::ids::PlanRunId;
use store::campaign::runs::{self, NewRun, RunReport, RunRow};

use super::Campaign;
use super::classify::{ClassifyReport, Tell};
use super::plan::{PlanBudget, PlanReport};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// The search time of a re-plan by the worker, unless the settings say otherwise.
const WORKER_PLAN_SECONDS: u64 = 10;

/// The job queue kind that classifies and re-plans the campaign (run by the worker).
pub const REPLAN_JOB: &str = "campaign_replan";

/// The job queue kind of a planning run started from the page (payload `{"run": id}`).
pub const PLAN_RUN_JOB: &str = "campaign_plan_run";

/// An unfinished run that no server has moved for this long was lost with its job (the job
/// failed for good, or the queue was cleared): it is given up when the next run is asked for.
/// Far above the time a lost server's job takes to be taken over (`Services::worker_silent_limit`).
const RUN_SILENT_LIMIT: Duration = Duration::from_secs(300);

/// How often the planning server writes a run's progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// A planning run started from the planner's page, as every server reads it.
#[derive(Debug, Clone)]
pub struct PlanRun {
    pub id: PlanRunId,
    pub started_by: String,
    pub budget: Duration,
    /// The classification that ran first, when the run follows a policy change.
    pub classified: Option<ClassifyReport>,
    /// `None` while running; the report, or why there is none.
    pub outcome: Option<std::result::Result<PlanReport, PlanFailure>>,
    percent: u8,
    elapsed: Duration,
}

impl PlanRun {
    fn of(row: RunRow) -> PlanRun {
        PlanRun {
            id: row.id,
            started_by: row.started_by,
            budget: Duration::from_millis(u64::try_from(row.budget_ms).unwrap_or(0)),
            classified: row
                .classified
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            outcome: row.outcome.map(|o| o.map(report_of)),
            percent: row.percent,
            elapsed: Duration::from_millis(u64::try_from(row.elapsed_ms).unwrap_or(0)),
        }
    }

    pub fn running(&self) -> bool {
        self.outcome.is_none()
    }

    /// How long the planning server has searched so far (since it began, or began again).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How far the run is, 0–100: the engine searches for its whole budget, so the time used
    /// is the progress; at most 99 until the plan is stored.
    pub fn percent(&self) -> u8 {
        if self.running() {
            self.percent.min(99)
        } else {
            100
        }
    }
}

fn report_of(r: RunReport) -> PlanReport {
    PlanReport {
        jobs_considered: usize::try_from(r.considered).unwrap_or(0),
        assigned: usize::try_from(r.assigned).unwrap_or(0),
        unassigned: usize::try_from(r.unassigned).unwrap_or(0),
        crew_days: usize::try_from(r.crew_days).unwrap_or(0),
        travel_km: r.travel_m as f64 / 1000.0,
        seconds: r.seconds_ms as f64 / 1000.0,
    }
}

fn report_row(r: &PlanReport) -> RunReport {
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    RunReport {
        considered: n(r.jobs_considered),
        assigned: n(r.assigned),
        unassigned: n(r.unassigned),
        crew_days: n(r.crew_days),
        travel_m: (r.travel_km * 1000.0).round() as i64,
        seconds_ms: (r.seconds * 1000.0).round() as i64,
    }
}

/// How a planning task ended, as the page tells it.
fn outcome_of(
    run: std::result::Result<Result<PlanReport>, tokio::task::JoinError>,
) -> std::result::Result<PlanReport, PlanFailure> {
    match run {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(ServiceError::NotFound)) => Err(PlanFailure::NoCampaign),
        Ok(Err(e)) => {
            // The details are for the log, not the page.
            tracing::error!(error = %e, "planning run failed");
            Err(PlanFailure::Unexpected)
        }
        Err(e) => {
            tracing::error!(error = %e, "planning run panicked");
            Err(PlanFailure::Stopped)
        }
    }
}

/// Queues a re-plan (classify, then plan) for the worker at `at`; `key` names the event that
/// asks for it, so the same event never queues two. The key travels in the payload: the run
/// records the households it tells under it.
pub async fn queue_replan(tx: &mut store::Tx, at: i64, key: &str, now: i64) -> Result<()> {
    store::jobs::enqueue(
        tx,
        REPLAN_JOB,
        &serde_json::json!({ "key": key }).to_string(),
        at,
        3,
        Some(&format!("{REPLAN_JOB}:{key}")),
        now,
    )
    .await?;
    Ok(())
}

/// A minute in microseconds.
pub(super) const MINUTE: i64 = 60_000_000;

/// Queues one re-plan at the end of the current minute for the events of that minute named
/// `event` (bookings, declarations, postponements): a hundred of them in a minute cost one run.
pub(super) async fn queue_replan_this_minute(
    tx: &mut store::Tx,
    event: &str,
    now: i64,
) -> Result<()> {
    let minute = now.div_euclid(MINUTE) + 1;
    queue_replan(tx, minute * MINUTE, &format!("{event}:{minute}"), now).await
}

impl Campaign {
    /// Starts planning the open campaign in the background (see [`Campaign::plan`]): the run is
    /// recorded and queued for a worker, and read back with [`Campaign::plan_run`]. A run
    /// already going (asked of any server) is a conflict; no open campaign is `NotFound`.
    pub async fn start_plan(
        &self,
        actor: &Actor,
        weeks: u32,
        budget: Duration,
        classified: Option<ClassifyReport>,
    ) -> Result<PlanRunId> {
        Self::may_plan(actor)?;
        let campaign = self.open_campaign().await?;
        let now = self.s.now_micros();
        let silent = i64::try_from(RUN_SILENT_LIMIT.as_micros()).unwrap_or(i64::MAX);
        let classified = classified
            .map(|c| serde_json::to_string(&c))
            .transpose()
            .map_err(|e| ServiceError::Internal(format!("classification: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        let given_up = runs::give_up_silent(&mut tx, campaign.id, now - silent, now).await?;
        if given_up > 0 {
            tracing::warn!(given_up, "planning runs without a server given up");
        }
        let new = NewRun {
            campaign_id: campaign.id,
            started_by: &actor.name,
            started_by_role: actor.role.ok_or(ServiceError::Forbidden)?,
            started_by_user: actor.user_id,
            weeks: weeks.clamp(1, 8),
            budget_ms: i64::try_from(budget.as_millis()).unwrap_or(i64::MAX).max(1),
            classified: classified.as_deref(),
            now,
        };
        let id = match runs::insert(&mut tx, &new).await {
            Ok(id) => id,
            Err(e) if runs::is_running_conflict(&e) => {
                return Err(ServiceError::conflict(
                    domain::campaign::CampaignProblem::PlanRunning,
                ));
            }
            Err(e) => return Err(e.into()),
        };
        store::jobs::enqueue(
            &mut tx,
            PLAN_RUN_JOB,
            &serde_json::json!({ "run": id.get() }).to_string(),
            now,
            3,
            Some(&format!("{PLAN_RUN_JOB}:{id}")),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The planning run going on, or the last one finished, whichever server runs it.
    pub async fn plan_run(&self, actor: &Actor) -> Result<Option<PlanRun>> {
        Self::may_plan(actor)?;
        Ok(runs::latest(self.s.store()).await?.map(PlanRun::of))
    }

    /// The worker's part of a run from the page, for the queued job with this payload: plans
    /// as the person who asked, writes the progress each second, and records the outcome once.
    /// A run that has ended (given up, or finished by the server that had the job before) is
    /// left alone; one that began on a server since lost begins again here.
    pub async fn run_plan_job(&self, payload: &str) -> Result<()> {
        let Some(id) = serde_json::from_str::<serde_json::Value>(payload)
            .ok()
            .and_then(|v| v.get("run")?.as_i64())
            .map(PlanRunId::from_i64)
        else {
            tracing::warn!(payload, "a planning run job without its run");
            return Ok(());
        };
        let store = self.s.store();
        let Some(run) = runs::get(store, id).await? else {
            return Ok(());
        };
        if run.finished_at.is_some()
            || !runs::progress(store, id, 0, 0, self.s.now_micros()).await?
        {
            return Ok(());
        }
        let actor = Actor {
            user_id: run.started_by_user,
            name: run.started_by.clone(),
            role: Some(run.started_by_role),
            ..Actor::system()
        };
        let budget = Duration::from_millis(u64::try_from(run.budget_ms).unwrap_or(1));
        let started = Instant::now();
        let c = self.clone();
        let weeks = run.weeks;
        let mut planning =
            tokio::spawn(async move { c.plan(&actor, weeks, PlanBudget::Time(budget), 1).await });
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        let joined = loop {
            tokio::select! {
                r = &mut planning => break r,
                _ = tick.tick() => {
                    let elapsed = started.elapsed();
                    let percent = (elapsed.as_secs_f64() / budget.as_secs_f64().max(0.001) * 100.0)
                        .min(99.0) as u8;
                    let ms = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
                    if let Err(e) = runs::progress(store, id, percent, ms, self.s.now_micros()).await {
                        tracing::warn!(error = %e, "planning run: progress not written");
                    }
                }
            }
        };
        let outcome = outcome_of(joined);
        let mut tx = store.begin().await?;
        runs::finish(
            &mut tx,
            id,
            outcome.as_ref().map(report_row).map_err(|f| *f),
            self.s.now_micros(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The worker's re-plan, for the queued job with this payload: every re-plan queued and
    /// due by now is folded into this one; the campaign is classified under the policy in force
    /// (it may have started or ended since), the households whose visit no longer holds are
    /// told (recorded under this re-plan's key, so a retry tells nobody twice), and the
    /// campaign is planned two weeks ahead. No open campaign: nothing to do.
    pub async fn run_replan(&self, payload: &str) -> Result<()> {
        let key = serde_json::from_str::<serde_json::Value>(payload)
            .ok()
            .and_then(|v| v.get("key")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("run:{}", self.s.now_micros()));
        let change_key = format!("{REPLAN_JOB}:{key}");
        let covered =
            store::jobs::coalesce(self.s.store(), REPLAN_JOB, self.s.now_micros()).await?;
        if covered > 0 {
            tracing::info!(covered, "re-plans folded into this one");
        }
        let system = Actor::system();
        let policy = self.policy().await?;
        match self
            .classify_with(&system, &policy, Tell::Recorded(&change_key))
            .await
        {
            Ok(_) | Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        }
        // Also finishes telling after a run that died between classifying and telling.
        self.s.tell_customers(&change_key).await?;
        let seconds = self
            .s
            .settings()
            .plan_seconds
            .unwrap_or(WORKER_PLAN_SECONDS);
        match self
            .plan(
                &system,
                2,
                PlanBudget::Time(Duration::from_secs(seconds)),
                1,
            )
            .await
        {
            Ok(r) => tracing::info!(assigned = r.assigned, "campaign re-planned"),
            // The campaign closed meanwhile: nothing to re-plan.
            Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

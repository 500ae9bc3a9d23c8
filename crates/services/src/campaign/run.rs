//! Planning in the background: the run a planner starts from the page (held by this server,
//! one at a time, its progress on the page) and the worker's re-plan after a failed visit, a
//! booking, or the start or end of a campaign policy.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::problem::{Explain, Problem};

use super::Campaign;
use super::classify::{ClassifyReport, Tell};
use super::plan::{PlanBudget, PlanReport};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// The search time of a re-plan by the worker, unless the settings say otherwise.
const WORKER_PLAN_SECONDS: u64 = 10;

/// The job queue kind that classifies and re-plans the campaign (run by the worker).
pub const REPLAN_JOB: &str = "campaign_replan";

/// The campaign's own state in a server: the planning run from the page. Shared by every
/// clone of the services (and their views from another clock); only the handle reaches it.
#[derive(Debug, Default)]
pub struct State {
    plan_run: Mutex<Option<PlanRun>>,
}

/// A planning run started from the planner's page: it runs in the background so the page can
/// show its progress, one at a time per server.
#[derive(Debug, Clone)]
pub struct PlanRun {
    pub id: u64,
    pub started_by: String,
    started: Instant,
    pub budget: Duration,
    /// The classification that ran first, when the run follows a policy change.
    pub classified: Option<ClassifyReport>,
    /// `None` while running; the report, or why there is none.
    pub outcome: Option<std::result::Result<PlanReport, PlanFailure>>,
}

impl PlanRun {
    pub fn running(&self) -> bool {
        self.outcome.is_none()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// How far the run is, 0–100: the engine searches for its whole budget, so the time used
    /// is the progress; 99 until the plan is stored.
    pub fn percent(&self) -> u8 {
        if !self.running() {
            return 100;
        }
        let b = self.budget.as_secs_f64().max(0.001);
        ((self.elapsed().as_secs_f64() / b * 100.0) as u8).min(99)
    }
}

/// Why a planning run from the page stored no plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanFailure {
    /// The campaign was closed meanwhile.
    NoCampaign,
    /// The plan was refused.
    Refused(Problem),
    /// Something unexpected; the cause is in the log.
    Unexpected,
    /// The planner stopped (panicked); the cause is in the log.
    Stopped,
}

impl Explain for PlanFailure {
    fn message_key(&self) -> &'static str {
        match self {
            PlanFailure::NoCampaign => "campaign-plan-failure-no-campaign",
            PlanFailure::Refused(p) => p.message_key(),
            PlanFailure::Unexpected => "campaign-plan-failure-unexpected",
            PlanFailure::Stopped => "campaign-plan-failure-stopped",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PlanFailure::Refused(p) => p.args(),
            _ => Vec::new(),
        }
    }
}

impl PlanFailure {
    fn of(
        run: std::result::Result<Result<PlanReport>, tokio::task::JoinError>,
    ) -> std::result::Result<PlanReport, PlanFailure> {
        match run {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(ServiceError::NotFound)) => Err(PlanFailure::NoCampaign),
            Ok(Err(
                ServiceError::Conflict(p)
                | ServiceError::Invalid(domain::problem::Invalid { problem: p, .. }),
            )) => Err(PlanFailure::Refused(p)),
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

impl Campaign {
    fn slot(&self) -> Result<std::sync::MutexGuard<'_, Option<PlanRun>>> {
        self.s
            .campaign_state()
            .plan_run
            .lock()
            .map_err(|_| ServiceError::Internal("plan run lock poisoned".into()))
    }

    /// Starts planning the open campaign in the background (see [`Campaign::plan`]); the run
    /// is read back with [`Campaign::plan_run`]. A run already going is a conflict.
    pub fn start_plan(
        &self,
        actor: &Actor,
        weeks: u32,
        budget: Duration,
        classified: Option<ClassifyReport>,
    ) -> Result<u64> {
        Self::may_plan(actor)?;
        let id = {
            let mut slot = self.slot()?;
            if slot.as_ref().is_some_and(PlanRun::running) {
                return Err(ServiceError::conflict(
                    domain::campaign::CampaignProblem::PlanRunning,
                ));
            }
            let id = slot.as_ref().map_or(1, |r| r.id + 1);
            *slot = Some(PlanRun {
                id,
                started_by: actor.name.clone(),
                started: Instant::now(),
                budget,
                classified,
                outcome: None,
            });
            id
        };
        let campaign = self.clone();
        let actor = actor.clone();
        tokio::spawn(async move {
            let c = campaign.clone();
            let run =
                tokio::spawn(
                    async move { c.plan(&actor, weeks, PlanBudget::Time(budget), 1).await },
                )
                .await;
            let outcome = PlanFailure::of(run);
            if let Ok(mut slot) = campaign.slot()
                && let Some(r) = slot.as_mut().filter(|r| r.id == id)
            {
                r.outcome = Some(outcome);
            }
        });
        Ok(id)
    }

    /// Whether a planning run from the page is going on on this server (for the metrics).
    pub fn plan_running(&self) -> bool {
        self.slot()
            .is_ok_and(|r| r.as_ref().is_some_and(PlanRun::running))
    }

    /// The planning run going on, or the last one finished, on this server.
    pub fn plan_run(&self, actor: &Actor) -> Result<Option<PlanRun>> {
        Self::may_plan(actor)?;
        Ok(self.slot()?.clone())
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

//! Planning the open campaign with the `planner` engine: the problem (plannable jobs, fixed
//! ones pinned to their crew and day, crews with their working days) and one planning run.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use domain::campaign as rules;
use domain::ids::{CampaignJobId, CrewId};
use jiff::civil::Date;
use store::campaign::{CampaignRow, CrewRow, JobRow, PlannedRow};

use super::{Campaign, civil_date, planner_date};
use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// What a planning run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanReport {
    pub jobs_considered: usize,
    pub assigned: usize,
    pub unassigned: usize,
    pub crew_days: usize,
    pub travel_km: f64,
    pub seconds: f64,
}

/// How long a planning run may search.
#[derive(Debug, Clone, Copy)]
pub enum PlanBudget {
    Time(Duration),
    /// A fixed number of iterations: the same plan every run (tests).
    Iterations(u64),
}

/// The working days after `today` up to `last`.
fn working_days(today: Date, last: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut d = today;
    while let Ok(next) = d.tomorrow() {
        if next > last {
            break;
        }
        if domain::calendar::is_working_day(next) {
            days.push(next);
        }
        d = next;
    }
    days
}

/// The active crews as the engine sees them, each working the days it is not off.
fn planner_crews(
    crews: &[CrewRow],
    working: &[Date],
    off: &HashSet<(CrewId, Date)>,
) -> Vec<planner::model::Crew> {
    crews
        .iter()
        .filter(|c| c.active)
        .map(|c| planner::model::Crew {
            id: c.id.to_string(),
            skills: c.skills.clone(),
            depot_lat: c.depot_lat_e6 as f64 / 1e6,
            depot_lon: c.depot_lon_e6 as f64 / 1e6,
            shift_start_min: c.shift_start_min as i32,
            shift_end_min: c.shift_end_min as i32,
            dates: working
                .iter()
                .filter(|d| !off.contains(&(c.id, **d)))
                .map(|d| planner_date(*d))
                .collect(),
        })
        .collect()
}

/// One job as the engine sees it, or `None` when it is not to be planned: deferred, paused,
/// done, failed, or waiting for a booking (unless it is the job `include` asks about).
fn planner_job(
    j: &JobRow,
    first: Date,
    include: Option<CampaignJobId>,
) -> Option<planner::model::Job> {
    if j.plannability != rules::Plannability::Plannable || j.status.is_finished() {
        return None;
    }
    let fixed = j.status.is_fixed() || j.pinned;
    let window = match (j.window_on, j.window_start_min, j.window_end_min) {
        (Some(d), Some(s), Some(e)) => Some(planner::model::Window {
            date: planner_date(d),
            start_min: s as i32,
            end_min: e as i32,
        }),
        _ => None,
    };
    // A job that must be booked waits for its booking (unless it is the one asked about).
    if j.needs_booking && window.is_none() && include != Some(j.id) {
        return None;
    }
    Some(planner::model::Job {
        id: j.id.to_string(),
        lat: j.lat_e6 as f64 / 1e6,
        lon: j.lon_e6 as f64 / 1e6,
        service_min: j.service_min as i32,
        tier: j.tier,
        skill: j.skill.clone(),
        window,
        fixed: match (fixed, j.crew_id, j.planned_on) {
            (true, Some(c), Some(d)) => Some(planner::model::Fixed {
                crew: c.to_string(),
                date: planner_date(d),
            }),
            _ => None,
        },
        earliest: (!fixed).then(|| planner_date(first)),
    })
}

impl Campaign {
    /// The planning problem of the open campaign over `weeks` weeks: plannable jobs (those
    /// waiting for a booking only when `include` names them), fixed jobs pinned, crews with
    /// their working days. Also returns the jobs as stored.
    pub(super) async fn problem(
        &self,
        campaign: &CampaignRow,
        weeks: u32,
        include: Option<CampaignJobId>,
    ) -> Result<(planner::model::Problem, Vec<JobRow>)> {
        let policy = self.policy().await?;
        let today = self.s.today();
        let first =
            rules::first_visit_day(today, policy.notice_working_days).max(campaign.starts_on);
        let last = first.saturating_add(jiff::Span::new().days(i64::from(weeks.max(1)) * 7));
        let crews = store::campaign::crews(self.s.store()).await?;
        let off: HashSet<(CrewId, Date)> = store::campaign::days_off(self.s.store(), today)
            .await?
            .into_iter()
            .map(|d| (d.crew_id, d.day))
            .collect();
        let working = working_days(today, last);
        let jobs = store::campaign::jobs(self.s.store(), campaign.id).await?;
        let problem = planner::model::Problem {
            jobs: jobs
                .iter()
                .filter_map(|j| planner_job(j, first, include))
                .collect(),
            crews: planner_crews(&crews, &working, &off),
            travel: planner::model::Travel::default(),
        };
        Ok((problem, jobs))
    }

    /// Plans the open campaign over `weeks` weeks of working days from the first day a notice
    /// sent today allows. Notified and booked jobs are fixed to their crew and day (a booked
    /// window is kept); deferred and paused jobs are left out.
    pub async fn plan(
        &self,
        actor: &Actor,
        weeks: u32,
        budget: PlanBudget,
        seed: u64,
    ) -> Result<PlanReport> {
        Self::may_plan(actor)?;
        let started = Instant::now();
        let campaign = self.open_campaign().await?;
        let (problem, _) = self.problem(&campaign, weeks, None).await?;
        let considered = problem.jobs.len();
        let plan = tokio::task::spawn_blocking(move || {
            let clock = move || started.elapsed();
            let b = match budget {
                PlanBudget::Time(t) => planner::Budget::timed(t, &clock),
                PlanBudget::Iterations(n) => planner::Budget::iterations(n),
            };
            planner::campaign::plan(&problem, &b, seed)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("planner: {e}")))?;
        let rows = planned_rows(&plan);
        let report = PlanReport {
            jobs_considered: considered,
            assigned: plan.kpi.jobs_assigned,
            unassigned: plan.unassigned.len(),
            crew_days: plan.kpi.crew_days_used,
            travel_km: plan.kpi.travel_km,
            seconds: started.elapsed().as_secs_f64(),
        };
        let mut tx = self.s.store().begin().await?;
        store::campaign::store_plan(&mut tx, campaign.id, &rows, self.s.now_micros()).await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "campaign_planned",
                object_kind: "campaign",
                object_id: &campaign.id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "{} of {} jobs on {} crew-days, {:.0} km",
                    report.assigned, report.jobs_considered, report.crew_days, report.travel_km
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// Every stop of the engine's plan as a job's place: crew, day, arrival and order.
fn planned_rows(plan: &planner::model::Plan) -> Vec<PlannedRow> {
    plan.routes
        .iter()
        .flat_map(|r| {
            r.stops.iter().enumerate().filter_map(move |(i, s)| {
                Some(PlannedRow {
                    id: CampaignJobId::new(s.job.parse().ok()?),
                    crew_id: CrewId::new(r.crew.parse().ok()?),
                    planned_on: civil_date(r.date)?,
                    arrive_min: i64::from(s.arrive_min),
                    seq: i as i64 + 1,
                })
            })
        })
        .collect()
}

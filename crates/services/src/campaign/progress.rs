//! Where the campaign stands: jobs per tier and state, the burn-up of done and planned jobs,
//! a forecast of the last day, the backlog waiting for declarations or restrictions to end,
//! and the kilometres of each crew-day.

use std::collections::{BTreeMap, BTreeSet};

use domain::campaign::{JobStatus, Plannability};
use domain::ids::{CampaignJobId, CrewId};
use jiff::civil::Date;
use store::campaign::{CrewRow, JobRow};

use super::Campaign;
use crate::Actor;
use crate::error::Result;

/// The columns of [`Progress::per_tier`].
pub const DONE: usize = 0;
pub const PLANNED: usize = 1;
pub const DEFERRED: usize = 2;
pub const PAUSED: usize = 3;
pub const FAILED: usize = 4;
pub const NOT_PLANNED: usize = 5;

/// Where the campaign stands, for the progress page.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Per tier 1–3: (done, planned (incl. notified and booked), deferred, paused, failed, open).
    pub per_tier: [[usize; 6]; 3],
    /// Per day: (date, done by the end of it, done + planned by the end of it).
    pub burn_up: Vec<(Date, usize, usize)>,
    pub total: usize,
    /// The day the last plannable job is done if the plan holds and the jobs not yet planned
    /// go at the planned pace; `None` while nothing is planned.
    pub forecast: Option<Date>,
    /// Deferred at the customer's request, by review date (`None`: no date held).
    pub deferred_backlog: Vec<(Option<Date>, usize)>,
    /// Paused by the policy (waiting for the restrictions to end).
    pub paused_backlog: usize,
    /// (crew, day, km) over the planned routes, depot to depot.
    pub km: Vec<(String, Date, f64)>,
}

impl Campaign {
    pub async fn progress(&self, actor: &Actor) -> Result<Progress> {
        Self::require(actor, super::roles::PROGRESS)?;
        let campaign = self.open_campaign().await?;
        let jobs = store::campaign::jobs(self.s.store(), campaign.id).await?;
        let crews = store::campaign::crews(self.s.store()).await?;
        Ok(progress_of(&jobs, &crews, self.s.today(), self.s.tz()))
    }

    /// Where the open campaign's jobs are and whether each is done, for a map of what a change
    /// of policy would move (none without an open campaign). Places only: no names, no reasons.
    pub async fn places(&self, actor: &Actor) -> Result<Vec<JobPlace>> {
        Self::require(actor, super::roles::PROGRESS)?;
        let Some(campaign) = store::campaign::open_campaign(self.s.store()).await? else {
            return Ok(Vec::new());
        };
        Ok(store::campaign::jobs(self.s.store(), campaign.id)
            .await?
            .into_iter()
            .map(|j| JobPlace {
                job: j.id,
                lat_e6: j.lat_e6,
                lon_e6: j.lon_e6,
                done: j.status == JobStatus::Done,
            })
            .collect())
    }
}

/// A campaign job's place on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobPlace {
    pub job: CampaignJobId,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub done: bool,
}

/// The column of the tier table a job counts in.
fn column(j: &JobRow) -> usize {
    column_of(j.status, j.plannability)
}

/// The column of a job in `status` with `plannability` (the class it has, or would have
/// under another policy).
pub(super) fn column_of(status: JobStatus, plannability: Plannability) -> usize {
    match (status, plannability) {
        (JobStatus::Done, _) => DONE,
        (JobStatus::Failed, _) => FAILED,
        (_, Plannability::DeferredAtRequest) => DEFERRED,
        (_, Plannability::Paused) => PAUSED,
        (s, _) if s.is_placed() => PLANNED,
        _ => NOT_PLANNED,
    }
}

/// The progress figures from the jobs and crews (no IO).
pub fn progress_of(
    jobs: &[JobRow],
    crews: &[CrewRow],
    today: Date,
    tz: &jiff::tz::TimeZone,
) -> Progress {
    let mut p = Progress {
        total: jobs.len(),
        ..Default::default()
    };
    let mut done_per_day: BTreeMap<Date, usize> = BTreeMap::new();
    let mut pace = Pace::default();
    let mut backlog: BTreeMap<Option<Date>, usize> = BTreeMap::new();
    for j in jobs {
        let col = column(j);
        p.per_tier[usize::from(j.tier.clamp(1, 3) - 1)][col] += 1;
        pace.add(col, j.planned_on);
        match col {
            DONE => {
                let d = j
                    .done_at
                    .map(|m| domain::time::civil_date(domain::time::from_micros(m), tz))
                    .unwrap_or(today);
                *done_per_day.entry(d).or_default() += 1;
            }
            DEFERRED => *backlog.entry(j.review_on).or_default() += 1,
            PAUSED => p.paused_backlog += 1,
            _ => {}
        }
    }
    p.deferred_backlog = backlog.into_iter().collect();
    p.burn_up = burn_up(&done_per_day, &pace.planned_per_day);
    p.forecast = pace.forecast();
    p.km = km_per_crew_day(jobs, crews);
    p
}

/// Done, and done + planned, by the end of each day.
fn burn_up(
    done_per_day: &BTreeMap<Date, usize>,
    planned_per_day: &BTreeMap<Date, usize>,
) -> Vec<(Date, usize, usize)> {
    let days: BTreeSet<Date> = done_per_day
        .keys()
        .chain(planned_per_day.keys())
        .copied()
        .collect();
    let (mut done, mut planned) = (0usize, 0usize);
    days.into_iter()
        .map(|d| {
            done += done_per_day.get(&d).copied().unwrap_or(0);
            planned += planned_per_day.get(&d).copied().unwrap_or(0);
            (d, done, done + planned)
        })
        .collect()
}

/// The planned jobs per day and the plannable jobs not yet in the plan: what the forecast of
/// the last day is made of.
#[derive(Debug, Clone, Default)]
pub(super) struct Pace {
    pub planned_per_day: BTreeMap<Date, usize>,
    pub unplanned: usize,
}

impl Pace {
    /// Counts a job in column `col` (of [`column_of`]), planned on `planned_on`.
    pub fn add(&mut self, col: usize, planned_on: Option<Date>) {
        match (col, planned_on) {
            (PLANNED, Some(d)) => *self.planned_per_day.entry(d).or_default() += 1,
            (NOT_PLANNED, _) => self.unplanned += 1,
            _ => {}
        }
    }

    /// The planned pace (jobs per working day over the planned days) carries the plannable
    /// jobs not yet in the plan past the last planned day; `None` while nothing is planned.
    pub fn forecast(&self) -> Option<Date> {
        let first = self.planned_per_day.keys().next().copied()?;
        let last = self.planned_per_day.keys().last().copied()?;
        let planned_days = domain::calendar::working_days_between(first, last).max(1) as usize;
        let pace = (self.planned_per_day.values().sum::<usize>() / planned_days).max(1);
        let extra = self.unplanned.div_ceil(pace);
        Some(domain::calendar::add_working_days(last, extra as u32))
    }
}

/// Kilometres per crew-day: depot → stops in order → depot, straight lines × 1.3 detour (the
/// planner's own travel model).
fn km_per_crew_day(jobs: &[JobRow], crews: &[CrewRow]) -> Vec<(String, Date, f64)> {
    let mut routes: BTreeMap<(CrewId, Date), Vec<&JobRow>> = BTreeMap::new();
    for j in jobs {
        if let (Some(c), Some(d)) = (j.crew_id, j.planned_on) {
            routes.entry((c, d)).or_default().push(j);
        }
    }
    let mut km = Vec::new();
    for ((crew, day), mut stops) in routes {
        let Some(c) = crews.iter().find(|c| c.id == crew) else {
            continue;
        };
        stops.sort_by_key(|j| j.seq);
        let depot = (c.depot_lat_e6 as f64 / 1e6, c.depot_lon_e6 as f64 / 1e6);
        let mut at = depot;
        let mut m = 0.0;
        for s in stops {
            let next = (s.lat_e6 as f64 / 1e6, s.lon_e6 as f64 / 1e6);
            m += planner::campaign::haversine_m(at, next);
            at = next;
        }
        m += planner::campaign::haversine_m(at, depot);
        km.push((c.name.clone(), day, m * 1.3 / 1000.0));
    }
    km
}

//! The meter-exchange campaign (DESIGN §3.2): jobs from meter points classified by
//! `domain::campaign` under the policy in force, crews, and planning with the `planner` engine.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use domain::campaign::{self as rules, MeterFacts, Plannability};
use domain::policy::{Capability, PolicyBody};
use domain::role::Role;
use jiff::civil::Date;

use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError, Services};

/// How many jobs changed class, as a planner sees it after a policy or declaration change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassifyReport {
    pub total: u64,
    pub plannable: u64,
    pub paused: u64,
    pub deferred: u64,
    /// Were paused or deferred, may be planned now.
    pub released: u64,
    /// Deferred at the customer's request since this run.
    pub newly_deferred: u64,
    /// Paused by the policy since this run.
    pub newly_paused: u64,
    /// Lost their place in the plan (deferred or paused while planned, notified or booked).
    pub unplanned: u64,
    /// Notified or booked jobs that kept their place.
    pub kept_fixed: u64,
}

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

/// A crew as a planner enters it.
#[derive(Debug, Clone)]
pub struct CrewForm {
    pub name: String,
    /// `own`, or `subcontractor` with a supplier.
    pub supplier_id: Option<i64>,
    pub skills: Vec<String>,
    pub depot_lat_e6: i64,
    pub depot_lon_e6: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
}

/// How long a planning run may search.
#[derive(Debug, Clone, Copy)]
pub enum PlanBudget {
    Time(Duration),
    /// A fixed number of iterations: the same plan every run (tests).
    Iterations(u64),
}

fn planner_date(d: Date) -> planner::Date {
    planner::Date::new(i32::from(d.year()), d.month() as u8, d.day() as u8)
        .unwrap_or_else(|| planner::Date::from_days(0))
}

fn civil(d: planner::Date) -> String {
    d.to_string()
}

impl Services {
    fn may_plan(actor: &Actor) -> Result<()> {
        match actor.role {
            None | Some(Role::Planner | Role::Admin) => Ok(()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    async fn campaign_policy(&self) -> Result<domain::policy::CampaignPolicy> {
        match self.policies().at(Capability::Campaign, self.now()).await? {
            PolicyBody::Campaign(p) => Ok(p),
            _ => Err(ServiceError::Internal(
                "campaign policy of another kind".into(),
            )),
        }
    }

    /// Opens the campaign: one job for every meter point, classified under the policy in force.
    pub async fn open_campaign(
        &self,
        actor: &Actor,
        name: &str,
        starts_on: Date,
    ) -> Result<(i64, ClassifyReport)> {
        Self::may_plan(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "name",
                "Ge kampanjen ett namn (högst 100 tecken).",
            ));
        }
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if store::campaign::open_campaign_in(&mut tx).await?.is_some() {
            return Err(ServiceError::conflict(
                "a campaign is already open; close it before opening another",
            ));
        }
        let id =
            store::campaign::insert_campaign(&mut tx, name, &starts_on.to_string(), now).await?;
        let n = store::campaign::insert_jobs_from_meter_points(&mut tx, id, now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "campaign_opened",
                object_kind: "campaign",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{name}: {n} jobs"),
            },
        )
        .await?;
        tx.commit().await?;
        let report = self.classify_campaign(actor).await?;
        Ok((id, report))
    }

    /// Classifies every job again under the policy in force and the declarations held; run
    /// after a policy change or a declaration. Done and failed jobs keep their state; notified
    /// or booked jobs keep their place unless they became deferred or paused.
    pub async fn classify_campaign(&self, actor: &Actor) -> Result<ClassifyReport> {
        Self::may_plan(actor)?;
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Err(ServiceError::NotFound);
        };
        let policy = self.campaign_policy().await?;
        let declared: HashMap<i64, String> = self
            .deferred_at_request(actor)
            .await?
            .into_iter()
            .map(|d| (d.customer_id, d.review_on))
            .collect();
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let jobs = store::campaign::jobs_in(&mut tx, campaign.id).await?;
        let mut report = ClassifyReport {
            total: jobs.len() as u64,
            ..Default::default()
        };
        let mut changes = Vec::new();
        // Customers told of a day that no longer holds, and why it does not.
        let mut told: Vec<(i64, Plannability)> = Vec::new();
        for j in &jobs {
            let facts = MeterFacts {
                placement: j
                    .placement
                    .parse()
                    .map_err(|_| bad_fact(j.id, "placement"))?,
                property: j
                    .property_kind
                    .parse()
                    .map_err(|_| bad_fact(j.id, "property"))?,
                kind: j
                    .meter_kind
                    .parse()
                    .map_err(|_| bad_fact(j.id, "meter kind"))?,
                declared_no_home_visits: declared.contains_key(&j.customer_id),
            };
            let c = rules::classify(facts, &policy);
            let open_state = matches!(j.status.as_str(), "done" | "failed");
            let before = j.plannability.as_str();
            let after = c.plannability.as_str();
            match c.plannability {
                Plannability::Plannable => report.plannable += 1,
                Plannability::Paused => report.paused += 1,
                Plannability::DeferredAtRequest => report.deferred += 1,
            }
            let held = c.plannability != Plannability::Plannable;
            let placed = matches!(j.status.as_str(), "planned" | "notified" | "booked");
            if before != after {
                match c.plannability {
                    Plannability::Plannable => report.released += 1,
                    Plannability::DeferredAtRequest => report.newly_deferred += 1,
                    Plannability::Paused => report.newly_paused += 1,
                }
            }
            if held && placed && !open_state {
                report.unplanned += 1;
                if matches!(j.status.as_str(), "notified" | "booked") {
                    told.push((j.id, c.plannability));
                }
            } else if matches!(j.status.as_str(), "notified" | "booked") {
                report.kept_fixed += 1;
            }
            let review_on = (c.plannability == Plannability::DeferredAtRequest)
                .then(|| declared.get(&j.customer_id).cloned())
                .flatten();
            let row = store::campaign::JobClassRow {
                id: j.id,
                tier: i64::from(c.tier),
                plannability: after,
                needs_booking: c.needs_booking,
                skill: c.skill,
                service_min: i64::from(c.service_minutes),
                review_on: review_on.clone(),
                unplan: held && !open_state,
            };
            let same = j.tier == row.tier
                && j.plannability == row.plannability
                && j.needs_booking == row.needs_booking
                && j.skill.as_deref() == row.skill
                && j.service_min == row.service_min
                && j.review_on == review_on
                && !(row.unplan && (placed || j.pinned));
            if !same {
                changes.push(row);
            }
        }
        let ids: Vec<i64> = told.iter().map(|(id, _)| *id).collect();
        let to_tell = store::campaign::notice_rows_in(&mut tx, &ids).await?;
        let why: HashMap<i64, Plannability> = told.into_iter().collect();
        store::campaign::set_classes(&mut tx, &changes, now).await?;
        for j in &to_tell {
            let Some(why) = why.get(&j.id) else { continue };
            let (subject, body) = postponed_message(j, *why);
            self.queue_job_message(
                &mut tx,
                j,
                subject,
                body,
                format!("campaign:{}:postponed:{}", j.id, j.planned_on),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "campaign_classified",
                object_kind: "campaign",
                object_id: &campaign.id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "{} released, {} newly deferred, {} newly paused, {} unplanned, {} fixed kept",
                    report.released,
                    report.newly_deferred,
                    report.newly_paused,
                    report.unplanned,
                    report.kept_fixed
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Adds a crew: our own, or a subcontractor's (linked to the supplier).
    pub async fn add_crew(&self, actor: &Actor, form: &CrewForm) -> Result<i64> {
        Self::may_plan(actor)?;
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(ServiceError::invalid(
                "name",
                "Ge laget ett namn (högst 60 tecken).",
            ));
        }
        if !(0..1440).contains(&form.shift_start_min)
            || form.shift_end_min <= form.shift_start_min
            || form.shift_end_min > 1440
        {
            return Err(ServiceError::invalid(
                "shift",
                "Arbetspasset måste sluta efter att det börjar, samma dygn.",
            ));
        }
        let skills: Vec<&str> = form
            .skills
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if skills
            .iter()
            .any(|s| !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err(ServiceError::invalid(
                "skills",
                "Skriv behörigheter med bokstäver och siffror, till exempel ct.",
            ));
        }
        if let Some(supplier) = form.supplier_id
            && !store::campaign::local_suppliers(self.store(), SUBCONTRACT_TRADE)
                .await?
                .iter()
                .any(|(id, _)| *id == supplier)
        {
            return Err(ServiceError::invalid(
                "supplier",
                "Välj en lokal elentreprenör ur leverantörsregistret.",
            ));
        }
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let id = store::campaign::insert_crew(
            &mut tx,
            &store::campaign::NewCrew {
                name,
                kind: if form.supplier_id.is_some() {
                    "subcontractor"
                } else {
                    "own"
                },
                supplier_id: form.supplier_id,
                skills: &skills.join(","),
                depot_lat_e6: form.depot_lat_e6,
                depot_lon_e6: form.depot_lon_e6,
                shift_start_min: form.shift_start_min,
                shift_end_min: form.shift_end_min,
            },
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "crew_added",
                object_kind: "crew",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: name,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a crew off on a day (sick, leave); the next planning run leaves the day empty.
    pub async fn crew_day_off(
        &self,
        actor: &Actor,
        crew: i64,
        day: Date,
        reason: &str,
    ) -> Result<()> {
        Self::may_plan(actor)?;
        if !matches!(reason, "sick" | "leave" | "other") {
            return Err(ServiceError::invalid(
                "reason",
                "Välj sjuk, ledig eller annat.",
            ));
        }
        let mut tx = self.store().begin().await?;
        store::campaign::set_day_off(&mut tx, crew, &day.to_string(), reason).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "crew_day_off",
                object_kind: "crew",
                object_id: &crew.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{day} {reason}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes the open campaign: jobs keep their record, and every "no home visits" declaration
    /// is deleted in the same transaction (they were collected for this campaign only).
    /// Returns how many declarations were deleted.
    pub async fn close_campaign(&self, actor: &Actor) -> Result<u64> {
        Self::may_plan(actor)?;
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let Some(id) = store::campaign::open_campaign_in(&mut tx).await? else {
            return Err(ServiceError::NotFound);
        };
        store::campaign::close_campaign(&mut tx, id, now).await?;
        let purged = store::declarations::delete_all(&mut tx).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "campaign_closed",
                object_kind: "campaign",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{purged} declarations deleted"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(purged)
    }

    /// Pins a planned job to its crew and day, so that re-plans keep it there, or unpins it.
    /// Only a job placed on a day can be pinned.
    pub async fn pin_job(&self, actor: &Actor, job: i64, pinned: bool) -> Result<()> {
        Self::may_plan(actor)?;
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if store::campaign::set_pinned(&mut tx, job, pinned, now).await? == 0 {
            return Err(ServiceError::conflict(
                "only a job planned on a day can be pinned",
            ));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: if pinned {
                    "campaign_job_pinned"
                } else {
                    "campaign_job_unpinned"
                },
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The planning problem of the open campaign over `weeks` weeks: plannable jobs (those
    /// waiting for a booking only when `include` names them), fixed jobs pinned, crews with
    /// their working days. Also returns the jobs as stored.
    async fn campaign_problem(
        &self,
        campaign: &store::campaign::CampaignRow,
        weeks: u32,
        include: Option<i64>,
    ) -> Result<(planner::model::Problem, Vec<store::campaign::JobRow>)> {
        let policy = self.campaign_policy().await?;
        let today = self.today();
        let starts_on = domain::time::parse_date(&campaign.starts_on).unwrap_or(today);
        let first = rules::first_visit_day(today, policy.notice_working_days).max(starts_on);
        let last = first.saturating_add(jiff::Span::new().days(i64::from(weeks.max(1)) * 7));
        let crews = store::campaign::crews(self.store()).await?;
        let off: HashSet<(i64, String)> =
            store::campaign::days_off(self.store(), &today.to_string())
                .await?
                .into_iter()
                .collect();
        let mut working = Vec::new();
        let mut d = today;
        while let Ok(next) = d.tomorrow() {
            if next > last {
                break;
            }
            if domain::calendar::is_working_day(next) {
                working.push(next);
            }
            d = next;
        }
        let crews_p: Vec<planner::model::Crew> = crews
            .iter()
            .filter(|c| c.active)
            .map(|c| planner::model::Crew {
                id: c.id.to_string(),
                skills: c
                    .skills
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                depot_lat: c.depot_lat_e6 as f64 / 1e6,
                depot_lon: c.depot_lon_e6 as f64 / 1e6,
                shift_start_min: c.shift_start_min as i32,
                shift_end_min: c.shift_end_min as i32,
                dates: working
                    .iter()
                    .filter(|d| !off.contains(&(c.id, d.to_string())))
                    .map(|d| planner_date(*d))
                    .collect(),
            })
            .collect();
        let jobs = store::campaign::jobs(self.store(), campaign.id).await?;
        let mut jobs_p = Vec::new();
        for j in &jobs {
            if j.plannability != "plannable" || matches!(j.status.as_str(), "done" | "failed") {
                continue;
            }
            let fixed = matches!(j.status.as_str(), "notified" | "booked") || j.pinned;
            let window = match (&j.window_on, j.window_start_min, j.window_end_min) {
                (Some(d), Some(s), Some(e)) => {
                    domain::time::parse_date(d)
                        .ok()
                        .map(|d| planner::model::Window {
                            date: planner_date(d),
                            start_min: s as i32,
                            end_min: e as i32,
                        })
                }
                _ => None,
            };
            // A job that must be booked waits for its booking (unless it is the one asked about).
            if j.needs_booking && window.is_none() && include != Some(j.id) {
                continue;
            }
            jobs_p.push(planner::model::Job {
                id: j.id.to_string(),
                lat: j.lat_e6 as f64 / 1e6,
                lon: j.lon_e6 as f64 / 1e6,
                service_min: j.service_min as i32,
                tier: j.tier.clamp(1, 3) as u8,
                skill: j.skill.clone(),
                window,
                fixed: match (fixed, j.crew_id, &j.planned_on) {
                    (true, Some(c), Some(d)) => {
                        domain::time::parse_date(d)
                            .ok()
                            .map(|d| planner::model::Fixed {
                                crew: c.to_string(),
                                date: planner_date(d),
                            })
                    }
                    _ => None,
                },
                earliest: (!fixed).then(|| planner_date(first)),
            });
        }
        let problem = planner::model::Problem {
            jobs: jobs_p,
            crews: crews_p,
            travel: planner::model::Travel::default(),
        };
        Ok((problem, jobs))
    }

    /// Plans the open campaign over `weeks` weeks of working days from the first day a notice
    /// sent today allows. Notified and booked jobs are fixed to their crew and day (a booked
    /// window is kept); deferred and paused jobs are left out.
    pub async fn plan_campaign(
        &self,
        actor: &Actor,
        weeks: u32,
        budget: PlanBudget,
        seed: u64,
    ) -> Result<PlanReport> {
        Self::may_plan(actor)?;
        let started = Instant::now();
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Err(ServiceError::NotFound);
        };
        let (problem, _) = self.campaign_problem(&campaign, weeks, None).await?;
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
        let rows: Vec<store::campaign::PlannedRow> = plan
            .routes
            .iter()
            .flat_map(|r| {
                r.stops.iter().enumerate().filter_map(move |(i, s)| {
                    Some(store::campaign::PlannedRow {
                        id: s.job.parse().ok()?,
                        crew_id: r.crew.parse().ok()?,
                        planned_on: civil(r.date),
                        arrive_min: i64::from(s.arrive_min),
                        seq: i as i64 + 1,
                    })
                })
            })
            .collect();
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        store::campaign::store_plan(&mut tx, campaign.id, &rows, now).await?;
        let report = PlanReport {
            jobs_considered: considered,
            assigned: plan.kpi.jobs_assigned,
            unassigned: plan.unassigned.len(),
            crew_days: plan.kpi.crew_days_used,
            travel_km: plan.kpi.travel_km,
            seconds: started.elapsed().as_secs_f64(),
        };
        audit::record(
            &mut tx,
            self,
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
    /// `None` while running; the report, or what went wrong.
    pub outcome: Option<std::result::Result<PlanReport, String>>,
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

impl Services {
    /// Starts planning the open campaign in the background (see [`Services::plan_campaign`]);
    /// the run is read back with [`Services::plan_run`]. A run already going is a conflict.
    pub fn start_plan(
        &self,
        actor: &Actor,
        weeks: u32,
        budget: Duration,
        classified: Option<ClassifyReport>,
    ) -> Result<u64> {
        Self::may_plan(actor)?;
        let id = {
            let mut slot = self
                .plan_run_slot()
                .lock()
                .map_err(|_| ServiceError::Internal("plan run lock poisoned".into()))?;
            if slot.as_ref().is_some_and(PlanRun::running) {
                return Err(ServiceError::conflict("a plan is already running"));
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
        let services = self.clone();
        let actor = actor.clone();
        tokio::spawn(async move {
            let s = services.clone();
            let run = tokio::spawn(async move {
                s.plan_campaign(&actor, weeks, PlanBudget::Time(budget), 1)
                    .await
            })
            .await;
            let outcome = match run {
                Ok(Ok(r)) => Ok(r),
                Ok(Err(ServiceError::NotFound)) => Err("no open campaign".to_owned()),
                Ok(Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_)))) => {
                    Err(format!("{:?}", e.problem()))
                }
                Ok(Err(e)) => {
                    // The details are for the log, not the page.
                    tracing::error!(error = %e, "planning run failed");
                    Err("an unexpected error; it is in the log".to_owned())
                }
                Err(e) => {
                    tracing::error!(error = %e, "planning run panicked");
                    Err("the planner stopped unexpectedly".to_owned())
                }
            };
            if let Ok(mut slot) = services.plan_run_slot().lock()
                && let Some(r) = slot.as_mut().filter(|r| r.id == id)
            {
                r.outcome = Some(outcome);
            }
        });
        Ok(id)
    }

    /// The planning run going on, or the last one finished, on this server.
    pub fn plan_run(&self, actor: &Actor) -> Result<Option<PlanRun>> {
        Self::may_plan(actor)?;
        Ok(self
            .plan_run_slot()
            .lock()
            .map_err(|_| ServiceError::Internal("plan run lock poisoned".into()))?
            .clone())
    }
}

/// The trade of the local suppliers whose crews may take meter exchanges.
pub const SUBCONTRACT_TRADE: &str = "electrical";

/// What the planner's page shows.
#[derive(Debug, Clone)]
pub struct CampaignOverview {
    pub campaign: Option<store::campaign::CampaignRow>,
    pub jobs: Vec<store::campaign::JobRow>,
    pub crews: Vec<store::campaign::CrewRow>,
    /// Local electrical suppliers, `(id, name)`, that a subcontracted crew may come from.
    pub suppliers: Vec<(i64, String)>,
}

impl Services {
    pub async fn campaign_overview(&self, actor: &Actor) -> Result<CampaignOverview> {
        Self::may_plan(actor)?;
        let campaign = store::campaign::open_campaign(self.store()).await?;
        let jobs = match &campaign {
            Some(c) => store::campaign::jobs(self.store(), c.id).await?,
            None => Vec::new(),
        };
        Ok(CampaignOverview {
            campaign,
            jobs,
            crews: store::campaign::crews(self.store()).await?,
            suppliers: store::campaign::local_suppliers(self.store(), SUBCONTRACT_TRADE).await?,
        })
    }

    /// The centre of the town's meter points, `(lat, lon)` in millionths of a degree: where a
    /// new crew's depot goes until depots are edited.
    pub async fn meter_points_centre(&self) -> Result<Option<(i64, i64)>> {
        Ok(store::campaign::meter_points_centre(self.store()).await?)
    }
}

/// The message to a customer whose notified or booked visit no longer holds: deferred at the
/// household's own request, or paused by the policy in force.
fn postponed_message(j: &store::campaign::NoticeRow, why: Plannability) -> (String, String) {
    let at_request = why == Plannability::DeferredAtRequest;
    if j.language == "en" {
        let reason = if at_request {
            "As you asked, we will not come into your home for now. We will be in touch before we come; you can withdraw the request on My pages at any time."
        } else {
            "Because of the restrictions in force, we cannot come into homes for now. We will be in touch with a new time when we can."
        };
        (
            "Your meter exchange is postponed".to_owned(),
            format!(
                "Hello {},\n\nThe exchange of the electricity meter at {} planned for {} is postponed. {reason}",
                j.name, j.street, j.planned_on
            ),
        )
    } else {
        let reason = if at_request {
            "Som du bett om kommer vi inte hem till dig tills vidare. Vi hör av oss innan vi kommer; du kan när som helst återkalla begäran på Mina sidor."
        } else {
            "På grund av de restriktioner som gäller nu kan vi inte gå in i bostäder. Vi hör av oss med en ny tid när vi kan komma."
        };
        (
            "Ditt mätarbyte skjuts upp".to_owned(),
            format!(
                "Hej {},\n\nBytet av elmätaren på {} som var planerat till {} skjuts upp. {reason}",
                j.name, j.street, j.planned_on
            ),
        )
    }
}

fn bad_fact(job: i64, what: &str) -> ServiceError {
    ServiceError::Internal(format!("campaign job {job}: unknown {what}"))
}

/// Why a visit failed, as the technician records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason {
    NotHome,
    NoAccess,
    WrongMeterKind,
    CustomerDeclined,
    Hazard,
}

impl FailReason {
    pub const ALL: [FailReason; 5] = [
        FailReason::NotHome,
        FailReason::NoAccess,
        FailReason::WrongMeterKind,
        FailReason::CustomerDeclined,
        FailReason::Hazard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailReason::NotHome => "not_home",
            FailReason::NoAccess => "no_access",
            FailReason::WrongMeterKind => "wrong_meter_kind",
            FailReason::CustomerDeclined => "customer_declined",
            FailReason::Hazard => "hazard",
        }
    }

    pub fn parse(s: &str) -> Option<FailReason> {
        FailReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether the job goes back to be planned again; a hazard or the wrong meter kind needs
    /// a planner's decision first (another crew, other equipment).
    pub fn reopens(self) -> bool {
        matches!(
            self,
            FailReason::NotHome | FailReason::NoAccess | FailReason::CustomerDeclined
        )
    }
}

/// What a technician enters for a finished exchange.
#[derive(Debug, Clone, Default)]
pub struct DoneForm {
    pub old_reading: String,
    pub new_meter_number: String,
    pub new_reading: String,
}

/// The job queue kind that re-plans after a failed visit (run by the worker).
pub const REPLAN_JOB: &str = "campaign_replan";

/// Queues a re-plan (classify, then plan) for the worker at `at`; `key` names the event that
/// asks for it, so the same event never queues two.
pub(crate) async fn queue_replan(tx: &mut store::Tx, at: i64, key: &str, now: i64) -> Result<()> {
    store::jobs::enqueue(
        tx,
        REPLAN_JOB,
        "{}",
        at,
        3,
        Some(&format!("{REPLAN_JOB}:{key}")),
        now,
    )
    .await?;
    Ok(())
}

/// The most a brand-new meter may show when it is fitted (kWh).
const MAX_NEW_READING: i64 = 100;

impl Services {
    /// The crew whose stops a technician sees: their own. Planners and admins name one.
    async fn crew_of(&self, actor: &Actor, asked: Option<i64>) -> Result<i64> {
        match actor.role {
            Some(Role::Technician) => {
                let uid = actor.user_id.ok_or(ServiceError::Forbidden)?;
                let crew = store::campaign::user_crew(self.store(), uid.get())
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                match asked {
                    Some(a) if a != crew => Err(ServiceError::Forbidden),
                    _ => Ok(crew),
                }
            }
            Some(Role::Planner | Role::Admin) => asked.ok_or(ServiceError::NotFound),
            _ => Err(ServiceError::Forbidden),
        }
    }

    pub async fn crew_name(&self, crew: i64) -> Result<String> {
        store::campaign::crews(self.store())
            .await?
            .into_iter()
            .find(|c| c.id == crew)
            .map(|c| c.name)
            .ok_or(ServiceError::NotFound)
    }

    /// A crew's stops on a day, in route order.
    pub async fn work_list(
        &self,
        actor: &Actor,
        crew: Option<i64>,
        day: Date,
    ) -> Result<(i64, Vec<store::campaign::StopRow>)> {
        let crew = self.crew_of(actor, crew).await?;
        let stops = store::campaign::crew_stops(self.store(), crew, &day.to_string()).await?;
        Ok((crew, stops))
    }

    /// Puts a technician account in a crew (planners).
    pub async fn assign_technician(
        &self,
        actor: &Actor,
        user_id: i64,
        crew: Option<i64>,
    ) -> Result<()> {
        Self::may_plan(actor)?;
        let mut tx = self.store().begin().await?;
        if store::campaign::set_user_crew(&mut tx, user_id, crew).await? == 0 {
            return Err(ServiceError::invalid(
                "user",
                "Kontot är inte en teknikers.",
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records a finished exchange: the old meter's final reading, the new meter's number and
    /// its first reading.
    pub async fn complete_job(&self, actor: &Actor, job: i64, form: &DoneForm) -> Result<()> {
        let crew = self.crew_of(actor, None).await?;
        let old: i64 = form
            .old_reading
            .trim()
            .replace(' ', "")
            .parse()
            .ok()
            .filter(|v| (0..=99_999_999).contains(v))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "old_reading",
                    "Skriv den gamla mätarens slutställning i hela kWh.",
                )
            })?;
        let number = form.new_meter_number.trim().to_uppercase();
        if !(6..=20).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ServiceError::invalid(
                "new_meter_number",
                "Skriv den nya mätarens nummer, 6–20 bokstäver och siffror.",
            ));
        }
        let new: i64 = form
            .new_reading
            .trim()
            .parse()
            .ok()
            .filter(|v| (0..=MAX_NEW_READING).contains(v))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "new_reading",
                    format!("Skriv den nya mätarens ställning, 0–{MAX_NEW_READING} kWh."),
                )
            })?;
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if store::campaign::record_done(&mut tx, job, crew, old, &number, new, now).await? == 0 {
            return Err(ServiceError::conflict(
                "the stop is not your crew's or is already recorded",
            ));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "meter_exchanged",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: &format!("new meter {number}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed visit; the campaign is re-planned by the worker shortly after (one run
    /// covers every failure queued before it starts).
    pub async fn fail_job(&self, actor: &Actor, job: i64, reason: FailReason) -> Result<()> {
        let crew = self.crew_of(actor, None).await?;
        // A booked visit that did not happen: the customer is offered a new window at once
        // (the link is signed before the write transaction opens).
        let rebook = match store::campaign::notice_row(self.store(), job).await? {
            Some(j) if j.status == "booked" && reason.reopens() => {
                let link = self.meter_link(job).await?;
                Some((j, link))
            }
            _ => None,
        };
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if store::campaign::record_failed(
            &mut tx,
            job,
            crew,
            reason.as_str(),
            reason.reopens(),
            now,
        )
        .await?
            == 0
        {
            return Err(ServiceError::conflict(
                "the stop is not your crew's or is already recorded",
            ));
        }
        queue_replan(&mut tx, now, &format!("failed:{job}:{now}"), now).await?;
        if let Some((j, link)) = &rebook {
            let (subject, body) = if j.language == "en" {
                (
                    "We missed you: book a new time".to_owned(),
                    format!(
                        "Hello {},\n\nOur technician could not exchange the meter at {} today. Choose a new time here:\n{link}",
                        j.name, j.street
                    ),
                )
            } else {
                (
                    "Vi kom inte in: boka en ny tid".to_owned(),
                    format!(
                        "Hej {},\n\nVår tekniker kunde inte byta mätaren på {} i dag. Välj en ny tid här:\n{link}",
                        j.name, j.street
                    ),
                )
            };
            self.queue_job_message(
                &mut tx,
                j,
                subject,
                body,
                format!("campaign:{job}:rebook:{now}"),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "meter_visit_failed",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: reason.as_str(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

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
    /// Deferred at the customer's request, by review date.
    pub deferred_backlog: Vec<(String, usize)>,
    /// Paused by the policy (waiting for the restrictions to end).
    pub paused_backlog: usize,
    /// (crew, day, km) over the planned routes, depot to depot.
    pub km: Vec<(String, Date, f64)>,
}

impl Services {
    pub async fn campaign_progress(&self, actor: &Actor) -> Result<Progress> {
        if !matches!(
            actor.role,
            None | Some(Role::Planner | Role::Admin | Role::ContinuityManager)
        ) {
            return Err(ServiceError::Forbidden);
        }
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Err(ServiceError::NotFound);
        };
        let jobs = store::campaign::jobs(self.store(), campaign.id).await?;
        let crews = store::campaign::crews(self.store()).await?;
        Ok(progress_of(&jobs, &crews, self.today(), self.tz()))
    }
}

/// The progress figures from the jobs and crews (no IO).
pub fn progress_of(
    jobs: &[store::campaign::JobRow],
    crews: &[store::campaign::CrewRow],
    today: Date,
    tz: &jiff::tz::TimeZone,
) -> Progress {
    use std::collections::BTreeMap;
    let mut p = Progress {
        total: jobs.len(),
        ..Default::default()
    };
    let mut done_per_day: BTreeMap<Date, usize> = BTreeMap::new();
    let mut planned_per_day: BTreeMap<Date, usize> = BTreeMap::new();
    let mut backlog: BTreeMap<String, usize> = BTreeMap::new();
    let mut unplanned_plannable = 0usize;
    for j in jobs {
        let t = (j.tier.clamp(1, 3) - 1) as usize;
        let col = match (j.status.as_str(), j.plannability.as_str()) {
            ("done", _) => 0,
            ("failed", _) => 4,
            (_, "deferred") => 2,
            (_, "paused") => 3,
            ("planned" | "notified" | "booked", _) => 1,
            _ => 5,
        };
        p.per_tier[t][col] += 1;
        match col {
            0 => {
                let d = j
                    .done_at
                    .map(|m| domain::time::civil_date(domain::time::from_micros(m), tz))
                    .unwrap_or(today);
                *done_per_day.entry(d).or_default() += 1;
            }
            1 => {
                if let Some(d) = j
                    .planned_on
                    .as_deref()
                    .and_then(|d| domain::time::parse_date(d).ok())
                {
                    *planned_per_day.entry(d).or_default() += 1;
                }
            }
            2 => {
                *backlog
                    .entry(j.review_on.clone().unwrap_or_default())
                    .or_default() += 1;
            }
            3 => p.paused_backlog += 1,
            5 => unplanned_plannable += 1,
            _ => {}
        }
    }
    p.deferred_backlog = backlog.into_iter().collect();
    let days: std::collections::BTreeSet<Date> = done_per_day
        .keys()
        .chain(planned_per_day.keys())
        .copied()
        .collect();
    let (mut done, mut planned) = (0usize, 0usize);
    for d in &days {
        done += done_per_day.get(d).copied().unwrap_or(0);
        planned += planned_per_day.get(d).copied().unwrap_or(0);
        p.burn_up.push((*d, done, done + planned));
    }
    // Forecast: the planned pace (jobs per working day over the planned days) carries the
    // plannable jobs not yet in the plan past the last planned day.
    if let (Some(first), Some(last)) = (
        planned_per_day.keys().next().copied(),
        planned_per_day.keys().last().copied(),
    ) {
        let planned_days = domain::calendar::working_days_between(first, last).max(1) as usize;
        let pace = (planned_per_day.values().sum::<usize>() / planned_days).max(1);
        let extra = unplanned_plannable.div_ceil(pace);
        p.forecast = Some(domain::calendar::add_working_days(last, extra as u32));
    }
    // Kilometres per crew-day: depot → stops in order → depot, straight lines × 1.3 detour (the
    // planner's own travel model).
    let mut routes: BTreeMap<(i64, Date), Vec<&store::campaign::JobRow>> = BTreeMap::new();
    for j in jobs {
        if let (Some(c), Some(d)) = (
            j.crew_id,
            j.planned_on
                .as_deref()
                .and_then(|d| domain::time::parse_date(d).ok()),
        ) {
            routes.entry((c, d)).or_default().push(j);
        }
    }
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
        p.km.push((c.name.clone(), day, m * 1.3 / 1000.0));
    }
    p
}

/// What a notice run sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeReport {
    /// Interruption notices sent (the jobs are now fixed to their day).
    pub notices: u64,
    /// Reminders for tomorrow's visits, with the arrival window.
    pub reminders: u64,
    /// Invitations to book a window, with a link that works without login.
    pub invitations: u64,
    /// Messages on the day with the arrival window of today's visits.
    pub arrivals: u64,
}

/// The arrival window of a visit: the booked window, or an hour either side of the planned
/// arrival.
fn arrival_window(j: &store::campaign::NoticeRow) -> String {
    match (j.window_start_min, j.window_end_min) {
        (Some(a), Some(b)) => format!("{}–{}", hhmm(a), hhmm(b)),
        _ => {
            let a = j.arrive_min.unwrap_or(8 * 60);
            format!(
                "{}–{}",
                hhmm((a - 60).max(0)),
                hhmm((a + 60).min(24 * 60 - 1))
            )
        }
    }
}

/// How many working days past the earliest allowed day notices go out: a job planned further
/// ahead waits (its day may still move).
const NOTICE_SPAN_WORKING_DAYS: u32 = 2;

/// `HH:MM` of minutes after midnight (the planner's own formatting, one for the whole app).
pub use planner::date::hhmm;

impl Services {
    /// Sends the campaign's messages due today, on each customer's channel: interruption notices
    /// for planned jobs (not those waiting for a booking) whose day lies just beyond the policy's
    /// notice period — they are fixed to that day from then on —, invitations to book for indoor
    /// jobs, reminders with the arrival window for tomorrow's notified or booked visits, and the
    /// arrival window on the day. Idempotent: dedupe keys per job and day.
    pub async fn send_campaign_notices(&self, actor: &Actor) -> Result<NoticeReport> {
        Self::may_plan(actor)?;
        if store::campaign::open_campaign(self.store())
            .await?
            .is_none()
        {
            return Ok(NoticeReport::default());
        }
        let policy = self.campaign_policy().await?;
        let today = self.today();
        let first = rules::first_visit_day(today, policy.notice_working_days);
        let last = domain::calendar::add_working_days(first, NOTICE_SPAN_WORKING_DAYS);
        let due = store::campaign::notice_candidates(
            self.store(),
            &first.to_string(),
            &last.to_string(),
            &["planned"],
        )
        .await?;
        let tomorrow = domain::calendar::add_working_days(today, 1).to_string();
        let remind = store::campaign::notice_candidates(
            self.store(),
            &tomorrow,
            &tomorrow,
            &["notified", "booked"],
        )
        .await?;
        let today_s = today.to_string();
        let arriving = store::campaign::notice_candidates(
            self.store(),
            &today_s,
            &today_s,
            &["notified", "booked"],
        )
        .await?;
        let invite = store::campaign::invite_candidates(self.store()).await?;
        let mut links = Vec::with_capacity(invite.len());
        for j in &invite {
            links.push(self.meter_link(j.id).await?);
        }
        // An indoor visit's notice carries the link to choose another time.
        let mut rebook_links = HashMap::new();
        for j in due.iter().filter(|j| j.tier == 2) {
            rebook_links.insert(j.id, self.meter_link(j.id).await?);
        }
        let now = self.now_micros();
        let mut report = NoticeReport::default();
        let mut tx = self.store().begin().await?;
        for (j, link) in invite.iter().zip(&links) {
            let required = j.needs_booking;
            let (subject, body) = if j.language == "en" {
                let otherwise = if required {
                    "We only come at a time you have booked."
                } else {
                    "If you do not choose, we will propose a time and send you a notice in good time."
                };
                (
                    "Book a time for your new electricity meter".to_owned(),
                    format!(
                        "Hello {},\n\nThe electricity meter at {} is indoors, so our technician needs to come in. Choose a time that suits you:\n{link}\n\nThe link works without logging in. {otherwise} If someone in the household belongs to a risk group, you can ask for no home visits on My pages instead.",
                        j.name, j.street
                    ),
                )
            } else {
                let otherwise = if required {
                    "Vi kommer bara på en tid du har bokat."
                } else {
                    "Väljer du ingen tid föreslår vi en och skickar en avisering i god tid."
                };
                (
                    "Boka tid för din nya elmätare".to_owned(),
                    format!(
                        "Hej {},\n\nElmätaren på {} sitter inomhus, så vår tekniker behöver komma in. Välj en tid som passar dig:\n{link}\n\nLänken fungerar utan inloggning. {otherwise} Tillhör någon i hushållet en riskgrupp kan du i stället be om inga hembesök på Mina sidor.",
                        j.name, j.street
                    ),
                )
            };
            if self
                .queue_job_message(
                    &mut tx,
                    j,
                    subject,
                    body,
                    format!("campaign:{}:invite", j.id),
                )
                .await?
            {
                report.invitations += 1;
            }
        }
        let mut notified = Vec::new();
        for j in &due {
            let en = j.language == "en";
            let rebook = rebook_links.get(&j.id).map(|link| {
                if en {
                    format!("\n\nThe meter is indoors, so someone needs to let our technician in. If the time does not suit you, choose another one here (no login needed):\n{link}")
                } else {
                    format!("\n\nMätaren sitter inomhus, så någon behöver släppa in vår tekniker. Passar inte tiden kan du välja en annan här (ingen inloggning behövs):\n{link}")
                }
            });
            let (subject, mut body) = if en {
                (
                    "We are exchanging your electricity meter".to_owned(),
                    format!(
                        "Hello {},\n\nWe will exchange the electricity meter at {}, {} {} (meter point {}) on {}, around {}. The power will be off for about half an hour. You do not need to be at home if the meter is outdoors or in a meter room.\n\nQuestions: reply to this message or call customer service.",
                        j.name,
                        j.street,
                        j.postal_code,
                        j.city,
                        j.anlaggnings_id,
                        j.planned_on,
                        hhmm(j.arrive_min.unwrap_or(8 * 60)),
                    ),
                )
            } else {
                (
                    "Vi byter din elmätare".to_owned(),
                    format!(
                        "Hej {},\n\nVi byter elmätaren på {}, {} {} (anläggning {}) den {}, omkring klockan {}. Strömmen är borta ungefär en halvtimme. Du behöver inte vara hemma om mätaren sitter utomhus eller i ett mätarrum.\n\nFrågor: svara på det här meddelandet eller ring kundservice.",
                        j.name,
                        j.street,
                        j.postal_code,
                        j.city,
                        j.anlaggnings_id,
                        j.planned_on,
                        hhmm(j.arrive_min.unwrap_or(8 * 60)),
                    ),
                )
            };
            if let Some(r) = rebook {
                body.push_str(&r);
            }
            if self
                .queue_job_message(
                    &mut tx,
                    j,
                    subject,
                    body,
                    format!("campaign:{}:notice:{}", j.id, j.planned_on),
                )
                .await?
            {
                report.notices += 1;
            }
            notified.push(j.id);
        }
        store::campaign::mark_notified(&mut tx, &notified, now).await?;
        for j in &remind {
            let window = arrival_window(j);
            let (subject, body) = if j.language == "en" {
                (
                    "Tomorrow: your meter exchange".to_owned(),
                    format!(
                        "Hello {},\n\nTomorrow, {}, our technician comes to {} between {}. The power will be off for about half an hour.",
                        j.name, j.planned_on, j.street, window
                    ),
                )
            } else {
                (
                    "I morgon: mätarbyte".to_owned(),
                    format!(
                        "Hej {},\n\nI morgon, {}, kommer vår tekniker till {} mellan {}. Strömmen är borta ungefär en halvtimme.",
                        j.name, j.planned_on, j.street, window
                    ),
                )
            };
            if self
                .queue_job_message(
                    &mut tx,
                    j,
                    subject,
                    body,
                    format!("campaign:{}:reminder:{}", j.id, j.planned_on),
                )
                .await?
            {
                report.reminders += 1;
            }
        }
        for j in &arriving {
            let window = arrival_window(j);
            let (subject, body) = if j.language == "en" {
                (
                    format!("Today: our technician comes {window}"),
                    format!(
                        "Hello {},\n\nToday our technician comes to {} between {window} to exchange the electricity meter. The power will be off for about half an hour.",
                        j.name, j.street
                    ),
                )
            } else {
                (
                    format!("I dag: teknikern kommer {window}"),
                    format!(
                        "Hej {},\n\nI dag kommer vår tekniker till {} mellan {window} och byter elmätaren. Strömmen är borta ungefär en halvtimme.",
                        j.name, j.street
                    ),
                )
            };
            if self
                .queue_job_message(
                    &mut tx,
                    j,
                    subject,
                    body,
                    format!("campaign:{}:arrival:{}", j.id, j.planned_on),
                )
                .await?
            {
                report.arrivals += 1;
            }
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "campaign_notices_sent",
                object_kind: "campaign",
                object_id: "open",
                outcome: Outcome::Success,
                detail: &format!(
                    "{} notices, {} reminders, {} invitations, {} arrival windows",
                    report.notices, report.reminders, report.invitations, report.arrivals
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Queues one campaign message on the customer's channel; false when it was sent before.
    async fn queue_job_message(
        &self,
        tx: &mut store::Tx,
        j: &store::campaign::NoticeRow,
        subject: String,
        body: String,
        key: String,
    ) -> Result<bool> {
        use crate::outbox::Message;
        let (channel, recipient) = crate::outbox::customer_route(
            j.preferred_channel
                .parse()
                .unwrap_or(domain::customer::Channel::Letter),
            j.email.as_deref(),
            j.phone.as_deref(),
            &j.letter_address,
        );
        Ok(self
            .queue_message(
                tx,
                &Message {
                    channel,
                    customer_id: Some(domain::ids::CustomerId::new(j.customer_id)),
                    recipient,
                    subject,
                    body,
                    html: None,
                    attachment: None,
                    dedupe_key: Some(key),
                },
            )
            .await?
            .is_some())
    }
}

/// How many times a booking recomputes its offers when other bookings keep coming first.
const BOOKING_ATTEMPTS: usize = 3;

/// A window a customer may book for an indoor visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndoorWindow {
    pub date: Date,
    pub start_min: i32,
    pub end_min: i32,
    pub crew_id: i64,
}

/// One indoor job as its customer sees it on the booking page.
#[derive(Debug, Clone)]
pub struct IndoorJob {
    pub job_id: i64,
    pub street: String,
    pub status: String,
    pub booked: Option<IndoorWindow>,
    pub windows: Vec<IndoorWindow>,
}

/// How a booking is made: by the customer signed in, through the link in the invitation
/// (no login), or by an agent for a caller.
#[derive(Debug, Clone, Copy)]
pub enum Booker<'a> {
    Actor(&'a Actor),
    /// Staff booking while this customer is on the phone: only the customer's own jobs.
    ForCaller(&'a Actor, i64),
    Link,
}

impl Services {
    /// The signed link of a job's invitation to book (no login needed).
    pub async fn meter_link(&self, job: i64) -> Result<String> {
        Ok(format!(
            "{}/matarbyte/{}",
            self.public_url(),
            self.link_token("meter", job).await?
        ))
    }

    /// The job a link stands for, if genuine.
    pub async fn meter_link_job(&self, token: &str) -> Result<Option<i64>> {
        self.link_id("meter", token).await
    }

    async fn job_of_booker(&self, booker: Booker<'_>, job: i64) -> Result<store::campaign::JobRow> {
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Err(ServiceError::NotFound);
        };
        let row = store::campaign::job(self.store(), campaign.id, job)
            .await?
            .ok_or(ServiceError::NotFound)?;
        match booker {
            Booker::Link => {}
            Booker::Actor(a) => match a.role {
                Some(Role::Customer)
                    if a.customer_id == Some(domain::ids::CustomerId::new(row.customer_id)) => {}
                Some(Role::Agent | Role::Planner | Role::Admin) => {}
                _ => return Err(ServiceError::NotFound),
            },
            Booker::ForCaller(a, customer) => match a.role {
                Some(Role::Agent | Role::Planner | Role::Admin) if customer == row.customer_id => {}
                _ => return Err(ServiceError::NotFound),
            },
        }
        Ok(row)
    }

    /// Whether this booker may book this job (not found otherwise); reads only the job.
    pub async fn may_book(&self, booker: Booker<'_>, job: i64) -> Result<()> {
        self.job_of_booker(booker, job).await.map(|_| ())
    }

    /// The customer's indoor jobs that take a booking, with the windows on offer.
    pub async fn my_indoor_jobs(&self, actor: &Actor) -> Result<Vec<IndoorJob>> {
        let customer = match (actor.role, actor.customer_id) {
            (Some(Role::Customer), Some(c)) => c,
            _ => return Err(ServiceError::Forbidden),
        };
        self.indoor_jobs_of(actor, customer.get()).await
    }

    /// A customer's indoor jobs that take a booking, for an agent (or planner) booking for a
    /// caller; the customer themself too.
    pub async fn indoor_jobs_of(&self, actor: &Actor, customer: i64) -> Result<Vec<IndoorJob>> {
        match actor.role {
            Some(Role::Customer)
                if actor.customer_id == Some(domain::ids::CustomerId::new(customer)) => {}
            Some(Role::Agent | Role::Planner | Role::Admin) => {}
            _ => return Err(ServiceError::Forbidden),
        }
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Ok(Vec::new());
        };
        let mine: Vec<i64> = store::campaign::jobs(self.store(), campaign.id)
            .await?
            .into_iter()
            .filter(|j| {
                j.customer_id == customer
                    && (j.needs_booking || j.tier == 2)
                    && j.plannability == "plannable"
            })
            .map(|j| j.id)
            .collect();
        let mut out = Vec::new();
        for id in mine {
            out.push(self.indoor_job(Booker::Actor(actor), id).await?);
        }
        Ok(out)
    }

    /// One indoor job with the windows a crew already working nearby can absorb (computed from
    /// the plan, not a fixed grid).
    pub async fn indoor_job(&self, booker: Booker<'_>, job: i64) -> Result<IndoorJob> {
        let row = self.job_of_booker(booker, job).await?;
        let booked = match (
            &row.window_on,
            row.window_start_min,
            row.window_end_min,
            row.crew_id,
        ) {
            (Some(d), Some(a), Some(b), Some(c)) => {
                domain::time::parse_date(d).ok().map(|date| IndoorWindow {
                    date,
                    start_min: a as i32,
                    end_min: b as i32,
                    crew_id: c,
                })
            }
            _ => None,
        };
        let windows = if matches!(row.status.as_str(), "done" | "failed")
            || row.plannability != "plannable"
        {
            Vec::new()
        } else {
            self.offers_for(job).await?
        };
        Ok(IndoorJob {
            job_id: job,
            street: row.street,
            status: row.status,
            booked,
            windows,
        })
    }

    async fn offers_for(&self, job: i64) -> Result<Vec<IndoorWindow>> {
        Ok(self.versioned_offers(job).await?.0)
    }

    /// The windows on offer for a job and the plan version they were computed from.
    async fn versioned_offers(&self, job: i64) -> Result<(Vec<IndoorWindow>, i64)> {
        let Some(campaign) = store::campaign::open_campaign(self.store()).await? else {
            return Ok((Vec::new(), 0));
        };
        let (problem, jobs) = self.campaign_problem(&campaign, 3, Some(job)).await?;
        // The plan as it stands, read back from the jobs.
        let mut routes: std::collections::BTreeMap<(i64, String), Vec<&store::campaign::JobRow>> =
            std::collections::BTreeMap::new();
        for j in &jobs {
            if let (Some(c), Some(d)) = (j.crew_id, &j.planned_on)
                && j.id != job
                && !matches!(j.status.as_str(), "done" | "failed")
            {
                routes.entry((c, d.clone())).or_default().push(j);
            }
        }
        let plan = planner::model::Plan {
            routes: routes
                .into_iter()
                .filter_map(|((crew, day), mut stops)| {
                    stops.sort_by_key(|j| j.seq);
                    Some(planner::model::Route {
                        crew: crew.to_string(),
                        date: planner_date(domain::time::parse_date(&day).ok()?),
                        stops: stops
                            .iter()
                            .map(|j| {
                                let a = j.arrive_min.unwrap_or(0) as i32;
                                planner::model::Stop {
                                    job: j.id.to_string(),
                                    arrive_min: a,
                                    depart_min: a + j.service_min as i32,
                                }
                            })
                            .collect(),
                        travel_s: 0,
                        travel_m: 0,
                    })
                })
                .collect(),
            ..Default::default()
        };
        let policy = self.campaign_policy().await?;
        let from = rules::first_visit_day(self.today(), policy.notice_working_days);
        let offers = planner::window_offers(
            &problem,
            &plan,
            &job.to_string(),
            planner_date(from),
            // Three weeks of working days: the plan fills the first days; later ones have room.
            &planner::OfferOptions {
                days: 15,
                ..Default::default()
            },
        );
        let mut out: Vec<IndoorWindow> = offers
            .into_iter()
            .filter_map(|o| {
                Some(IndoorWindow {
                    date: domain::time::parse_date(&o.date.to_string()).ok()?,
                    start_min: o.start_min,
                    end_min: o.end_min,
                    crew_id: o.crew.parse().ok()?,
                })
            })
            .collect();
        out.sort_by_key(|w| (w.date, w.start_min));
        Ok((out, campaign.plan_version))
    }

    /// Books (or rebooks) an indoor window: it must be one on offer now. The job is fixed to
    /// that crew, day and window, and a re-plan is queued to fit it into the route.
    pub async fn book_indoor_window(
        &self,
        booker: Booker<'_>,
        job: i64,
        date: Date,
        start_min: i32,
    ) -> Result<IndoorWindow> {
        let row = self.job_of_booker(booker, job).await?;
        if !row.needs_booking && row.tier != 2 {
            return Err(ServiceError::conflict("this visit needs no booking"));
        }
        // Optimistic: the offers come from one plan version and the booking commits only if no
        // other booking or plan came in between; otherwise the offers are computed again.
        for _ in 0..BOOKING_ATTEMPTS {
            let (offers, version) = self.versioned_offers(job).await?;
            let Some(w) = offers
                .into_iter()
                .find(|w| w.date == date && w.start_min == start_min)
            else {
                return Err(ServiceError::conflict(
                    "that window is no longer free; choose another",
                ));
            };
            if let Some(w) = self.try_book_window(booker, &row, w, version).await? {
                return Ok(w);
            }
        }
        Err(ServiceError::conflict(
            "many bookings are being made right now; try again",
        ))
    }

    /// Books `w` if the plan is still at `version`; `None` when it moved on.
    async fn try_book_window(
        &self,
        booker: Booker<'_>,
        row: &store::campaign::JobRow,
        w: IndoorWindow,
        version: i64,
    ) -> Result<Option<IndoorWindow>> {
        let job = row.id;
        let now = self.now_micros();
        let actor = match booker {
            Booker::Actor(a) | Booker::ForCaller(a, _) => a.clone(),
            Booker::Link => Actor {
                name: "kund via länk".into(),
                ..Actor::system()
            },
        };
        let mut tx = self.store().begin().await?;
        if store::campaign::bump_plan_version(&mut tx, row.campaign_id, Some(version)).await? == 0 {
            return Ok(None);
        }
        if store::campaign::book_window(
            &mut tx,
            job,
            w.crew_id,
            &w.date.to_string(),
            i64::from(w.start_min),
            i64::from(w.end_min),
            now,
        )
        .await?
            == 0
        {
            return Err(ServiceError::conflict("the visit can no longer be booked"));
        }
        queue_replan(&mut tx, now, &format!("booking:{job}:{now}"), now).await?;
        // The confirmation goes on the customer's channel, whoever booked.
        if let Some(j) = store::campaign::notice_rows_in(&mut tx, &[job])
            .await?
            .into_iter()
            .next()
        {
            let window = format!(
                "{} {}–{}",
                w.date,
                hhmm(i64::from(w.start_min)),
                hhmm(i64::from(w.end_min))
            );
            let (subject, body) = if j.language == "en" {
                (
                    format!("Booked: meter exchange {window}"),
                    format!(
                        "Hello {},\n\nOur technician comes to exchange the electricity meter at {} on {window}. Someone needs to be at home to let them in; the visit takes about half an hour, and the power is off meanwhile.\n\nTo choose another time, use the link in our invitation or My pages.",
                        j.name, j.street
                    ),
                )
            } else {
                (
                    format!("Bokat: mätarbyte {window}"),
                    format!(
                        "Hej {},\n\nVår tekniker kommer och byter elmätaren på {} {window}. Någon behöver vara hemma och släppa in teknikern; besöket tar ungefär en halvtimme och strömmen är borta under tiden.\n\nVill du välja en annan tid använder du länken i vår inbjudan eller Mina sidor.",
                        j.name, j.street
                    ),
                )
            };
            self.queue_job_message(
                &mut tx,
                &j,
                subject,
                body,
                format!("campaign:{job}:booked:{}:{}", w.date, w.start_min),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            self,
            &actor,
            &Event {
                action: "meter_visit_booked",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{} {}", w.date, hhmm(i64::from(w.start_min))),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(w))
    }
}

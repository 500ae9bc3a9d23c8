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
        match self.policy_at(Capability::Campaign, self.now()).await? {
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
            return Err(ServiceError::Conflict(
                "a campaign is already open; close it before opening another".into(),
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
        store::campaign::set_classes(&mut tx, &changes, now).await?;
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
            // A job that must be booked waits for its booking.
            if j.needs_booking && window.is_none() {
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

/// What the planner's page shows.
#[derive(Debug, Clone)]
pub struct CampaignOverview {
    pub campaign: Option<store::campaign::CampaignRow>,
    pub jobs: Vec<store::campaign::JobRow>,
    pub crews: Vec<store::campaign::CrewRow>,
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
        })
    }
}

fn bad_fact(job: i64, what: &str) -> ServiceError {
    ServiceError::Internal(format!("campaign job {job}: unknown {what}"))
}

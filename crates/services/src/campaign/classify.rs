//! Classifying the campaign's jobs under a campaign policy and the declarations held: what
//! changes (computed without writing, so a preview and the change itself agree), writing it,
//! and telling each household whose told or booked visit no longer holds.
//!
//! Done and failed jobs keep their state; notified or booked jobs keep their place unless they
//! became deferred or paused. A household is told without any reason of health: "as you asked"
//! or "because of the restrictions in force".

use std::collections::{BTreeSet, HashMap};

use domain::campaign::{self as rules, MeterFacts, Plannability};
use domain::ids::{CampaignId, CampaignJobId, CrewId, CustomerId};
use domain::policy::{CampaignPolicy, Capability, CustomerChange};
use jiff::civil::Date;
use store::campaign::route_day::Removal;
use store::campaign::{JobClassRow, JobRow};
use views::messages::campaign::VisitPostponed;

use super::Campaign;
use super::progress::{Pace, column_of};
use super::run::queue_replan_this_minute;
use crate::audit::{self, Event, Outcome};
use crate::capability::{Effect, Impact, Unit, record_change};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// How many jobs changed class, as a planner sees it after a policy or declaration change.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// A told (notified) or booked visit that no longer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Postponement {
    pub job: CampaignJobId,
    pub customer: CustomerId,
    pub planned_on: Date,
    /// Deferred at the household's request (otherwise paused by the policy).
    pub at_request: bool,
}

/// A job taken off the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unplanned {
    pub job: CampaignJobId,
    /// The crew and day it was on.
    pub place: Option<(CrewId, Date)>,
    /// When the crew was to arrive, minutes after midnight.
    pub arrive_min: Option<i64>,
}

/// What classifying every job under a policy changes, against what is stored.
#[derive(Debug, Clone, Default)]
pub(super) struct Reclassification {
    pub report: ClassifyReport,
    /// The classes that differ from the stored ones.
    pub rows: Vec<JobClassRow>,
    pub deferred: Vec<CampaignJobId>,
    pub released: Vec<CampaignJobId>,
    pub paused: Vec<CampaignJobId>,
    pub retiered: Vec<CampaignJobId>,
    /// Jobs taken off the plan.
    pub unplanned: Vec<Unplanned>,
    pub postponed: Vec<Postponement>,
    /// The pace of the plan as stored, and as it stands right after the change (before the
    /// re-plan fills the freed places): the campaign's forecast end before and after.
    pub pace_before: Pace,
    pub pace_after: Pace,
}

impl Reclassification {
    /// Classifies `jobs` under `policy`, the households in `declared` (with their review
    /// dates) having asked for no home visits.
    pub fn of(
        jobs: &[JobRow],
        policy: &CampaignPolicy,
        declared: &HashMap<CustomerId, Date>,
    ) -> Reclassification {
        let mut r = Reclassification {
            report: ClassifyReport {
                total: jobs.len() as u64,
                ..Default::default()
            },
            ..Default::default()
        };
        for j in jobs {
            r.add(j, policy, declared);
        }
        r
    }

    fn add(&mut self, j: &JobRow, policy: &CampaignPolicy, declared: &HashMap<CustomerId, Date>) {
        let facts = MeterFacts {
            placement: j.placement,
            property: j.property_kind,
            kind: j.meter_kind,
            declared_no_home_visits: declared.contains_key(&j.customer_id),
        };
        let c = rules::classify(facts, policy);
        self.pace_before
            .add(column_of(j.status, j.plannability), j.planned_on);
        self.pace_after
            .add(column_of(j.status, c.plannability), j.planned_on);
        let report = &mut self.report;
        match c.plannability {
            Plannability::Plannable => report.plannable += 1,
            Plannability::Paused => report.paused += 1,
            Plannability::DeferredAtRequest => report.deferred += 1,
        }
        if j.plannability != c.plannability {
            match c.plannability {
                Plannability::Plannable => {
                    report.released += 1;
                    self.released.push(j.id);
                }
                Plannability::DeferredAtRequest => {
                    report.newly_deferred += 1;
                    self.deferred.push(j.id);
                }
                Plannability::Paused => {
                    report.newly_paused += 1;
                    self.paused.push(j.id);
                }
            }
        }
        if j.tier != c.tier {
            self.retiered.push(j.id);
        }
        let held = c.plannability != Plannability::Plannable;
        let finished = j.status.is_finished();
        let placed = j.status.is_placed();
        if held && placed && !finished {
            self.report.unplanned += 1;
            self.unplanned.push(Unplanned {
                job: j.id,
                place: j.crew_id.zip(j.planned_on),
                arrive_min: j.arrive_min,
            });
            if let (true, Some(planned_on)) = (j.status.is_fixed(), j.planned_on) {
                self.postponed.push(Postponement {
                    job: j.id,
                    customer: j.customer_id,
                    planned_on,
                    at_request: c.plannability == Plannability::DeferredAtRequest,
                });
            }
        } else if j.status.is_fixed() {
            self.report.kept_fixed += 1;
        }
        let review_on = (c.plannability == Plannability::DeferredAtRequest)
            .then(|| declared.get(&j.customer_id).copied())
            .flatten();
        let row = JobClassRow {
            id: j.id,
            tier: c.tier,
            plannability: c.plannability,
            needs_booking: c.needs_booking,
            skill: c.skill,
            service_min: i64::from(c.service_minutes),
            review_on,
            unplan: held && !finished,
        };
        let same = j.tier == row.tier
            && j.plannability == row.plannability
            && j.needs_booking == row.needs_booking
            && j.skill.as_deref() == row.skill
            && j.service_min == row.service_min
            && j.review_on == review_on
            && !(row.unplan && (placed || j.pinned));
        if !same {
            self.rows.push(row);
        }
    }

    /// The change as a policy hook reports it: the effects with the jobs behind them, and each
    /// household whose visit no longer holds.
    pub fn impact(&self) -> Impact {
        let ids = |v: &[CampaignJobId]| v.iter().map(|id| id.get()).collect::<Vec<_>>();
        let crew_days: BTreeSet<(CrewId, Date)> =
            self.unplanned.iter().filter_map(|u| u.place).collect();
        let losing: Vec<i64> = self
            .unplanned
            .iter()
            .filter(|u| u.place.is_some())
            .map(|u| u.job.get())
            .collect();
        let postponed: Vec<CampaignJobId> = self.postponed.iter().map(|p| p.job).collect();
        let mut impact = Impact::new(Capability::Campaign);
        impact.effects = vec![
            Effect::count("jobs_deferred", ids(&self.deferred)),
            Effect::count("jobs_released", ids(&self.released)),
            Effect::count("jobs_paused", ids(&self.paused)),
            Effect::count("jobs_retiered", ids(&self.retiered)),
            Effect::count("visits_postponed", ids(&postponed)),
            Effect {
                value: i64::try_from(crew_days.len()).unwrap_or(i64::MAX),
                ..Effect::count("crew_days_affected", losing)
            },
            Effect::figure(
                "forecast_end_before_date",
                Unit::date_value(self.pace_before.forecast()),
            ),
            Effect::figure(
                "forecast_end_after_date",
                Unit::date_value(self.pace_after.forecast()),
            ),
        ];
        impact.customers = self
            .postponed
            .iter()
            .map(|p| (p.customer, p.change()))
            .collect();
        impact
    }
}

impl Postponement {
    fn change(&self) -> CustomerChange {
        CustomerChange::MeterVisitPostponed {
            job: self.job,
            planned_on: self.planned_on,
            at_request: self.at_request,
        }
    }
}

/// What a declaration's classification reads before its transaction opens.
#[derive(Debug, Clone)]
pub(crate) struct DeclarationContext {
    campaign: CampaignId,
    policy: CampaignPolicy,
}

/// How the households whose visit no longer holds are told.
#[derive(Clone, Copy, Debug)]
pub(super) enum Tell<'a> {
    /// A message of their own now (a planner classified again after a declaration).
    Now,
    /// Their change recorded under this key in the classifying transaction, for
    /// `Services::tell_customers` to compose (a change of policy).
    Recorded(&'a str),
}

impl Campaign {
    /// Classifies every job again under the policy in force and the declarations held; run
    /// after a declaration. Done and failed jobs keep their state; notified or booked jobs keep
    /// their place unless they became deferred or paused, and their households are told.
    pub async fn classify(&self, actor: &Actor) -> Result<ClassifyReport> {
        Self::may_plan(actor)?;
        let policy = self.policy().await?;
        Ok(self.classify_with(actor, &policy, Tell::Now).await?.report)
    }

    /// Classifies as [`Campaign::classify`] does right after a campaign policy was recorded
    /// that is in force now, recording each postponed household's change under `key` and
    /// telling them (one message each). Not found when no campaign is open.
    pub async fn classify_for_policy(&self, actor: &Actor, key: &str) -> Result<ClassifyReport> {
        Self::may_plan(actor)?;
        let policy = self.policy().await?;
        let r = self
            .classify_with(actor, &policy, Tell::Recorded(key))
            .await?;
        self.s.tell_customers(key).await?;
        Ok(r.report)
    }

    /// The households that asked for no home visits, with their review dates (an audited read).
    pub(super) async fn declared(&self, actor: &Actor) -> Result<HashMap<CustomerId, Date>> {
        Ok(self
            .s
            .declarations()
            .deferred(actor)
            .await?
            .into_iter()
            .map(|d| (d.customer_id, d.review_on))
            .collect())
    }

    /// Classifies the open campaign under `policy` and writes the classes in one transaction,
    /// with the households told as `tell` says. Not found when no campaign is open.
    pub(super) async fn classify_with(
        &self,
        actor: &Actor,
        policy: &CampaignPolicy,
        tell: Tell<'_>,
    ) -> Result<Reclassification> {
        let campaign = self.open_campaign().await?;
        let declared = self.declared(actor).await?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let jobs = store::campaign::jobs_in(&mut tx, campaign.id).await?;
        let r = Reclassification::of(&jobs, policy, &declared);
        store::campaign::set_classes(&mut tx, &r.rows, now).await?;
        self.strike_off_today(&mut tx, &r.unplanned).await?;
        match tell {
            Tell::Now => self.tell_postponed(&mut tx, &r.postponed).await?,
            Tell::Recorded(key) => {
                for p in &r.postponed {
                    record_change(&self.s, &mut tx, key, p.customer, p.job.get(), &p.change())
                        .await?;
                }
            }
        }
        let c = &r.report;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "campaign_classified",
                object_kind: "campaign",
                object_id: &campaign.id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "{} released, {} newly deferred, {} newly paused, {} unplanned, {} fixed kept",
                    c.released, c.newly_deferred, c.newly_paused, c.unplanned, c.kept_fixed
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Reads what a declaration needs before its transaction opens: the open campaign and the
    /// campaign policy in force. `None` when no campaign is open.
    pub(crate) async fn declaration_context(&self) -> Result<Option<DeclarationContext>> {
        let Some(campaign) = store::campaign::open_campaign(self.s.store()).await? else {
            return Ok(None);
        };
        Ok(Some(DeclarationContext {
            campaign: campaign.id,
            policy: self.policy().await?,
        }))
    }

    /// What a "no home visits" declaration recorded (`review_on` given) or withdrawn (`None`)
    /// does at once, in the declaration's own transaction: the household's jobs are classified
    /// under the policy in force. A visit deferred at the request leaves its crew's day whatever
    /// it stood at (planned, notified, booked, on today's list); a booking is released; the
    /// household is told once that the visit is postponed as they asked; a stop on today's list
    /// is struck off it for the technician; and a re-plan is queued to fill the place (or to
    /// plan a released visit).
    pub(crate) async fn declaration_changed(
        &self,
        tx: &mut store::Tx,
        ctx: &DeclarationContext,
        customer: CustomerId,
        review_on: Option<Date>,
    ) -> Result<ClassifyReport> {
        let jobs = store::campaign::customer_jobs_in(tx, ctx.campaign, customer).await?;
        let declared: HashMap<CustomerId, Date> =
            review_on.map(|d| (customer, d)).into_iter().collect();
        let r = Reclassification::of(&jobs, &ctx.policy, &declared);
        if r.rows.is_empty() {
            return Ok(r.report);
        }
        let now = self.s.now_micros();
        store::campaign::set_classes(tx, &r.rows, now).await?;
        self.strike_off_today(tx, &r.unplanned).await?;
        self.tell_postponed(tx, &r.postponed).await?;
        if !r.unplanned.is_empty() || !r.released.is_empty() {
            // A booking computed against the plan before this one no longer fits it.
            store::campaign::bump_plan_version(tx, ctx.campaign, None).await?;
            queue_replan_this_minute(tx, "declaration", now).await?;
        }
        Ok(r.report)
    }

    /// Records the stops taken off a crew's list of today, which the technician may have read.
    pub(super) async fn strike_off_today(
        &self,
        tx: &mut store::Tx,
        unplanned: &[Unplanned],
    ) -> Result<()> {
        let today = self.s.today();
        let removals: Vec<Removal> = unplanned
            .iter()
            .filter_map(|u| match u.place {
                Some((crew, day)) if day == today => Some(Removal {
                    crew,
                    day,
                    job: u.job,
                    arrive_min: u.arrive_min,
                }),
                _ => None,
            })
            .collect();
        store::campaign::route_day::record(tx, &removals, self.s.now_micros()).await?;
        Ok(())
    }

    /// Tells each postponed household now, once per job and day.
    async fn tell_postponed(&self, tx: &mut store::Tx, postponed: &[Postponement]) -> Result<()> {
        let ids: Vec<CampaignJobId> = postponed.iter().map(|p| p.job).collect();
        let rows = store::campaign::notice_rows_in(tx, &ids).await?;
        for p in postponed {
            let j = rows
                .iter()
                .find(|j| j.job == p.job)
                .ok_or_else(|| ServiceError::Internal(format!("campaign job {} gone", p.job)))?;
            let message = VisitPostponed {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                planned_on: p.planned_on,
                at_request: p.at_request,
            };
            self.s
                .tell(
                    tx,
                    &j.contact,
                    &message,
                    format!("campaign:{}:postponed:{}", p.job, p.planned_on),
                )
                .await?;
        }
        Ok(())
    }
}

//! Setting the campaign up and keeping it: opening and closing it, crews and their days off,
//! pinning a stop, technicians in crews, and what the planner's page and the customer's
//! Mina sidor show of it.

use domain::campaign::{self as rules, CampaignProblem, CrewKind, DayOffReason, ExchangeState};
use domain::ids::{CampaignId, CampaignJobId, CrewId, CustomerId, SupplierId, UserId};
use domain::problem::Problem;
use jiff::civil::Date;
use store::campaign::{CampaignRow, CrewRow, JobRow, SupplierRow};

use super::Campaign;
use super::classify::ClassifyReport;
use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// The trade of the local suppliers whose crews may take meter exchanges.
pub const SUBCONTRACT_TRADE: domain::suppliers::Trade = domain::suppliers::Trade::Electrical;

/// Where a crew's depot is when no meter point gives a centre (Karlskoga).
const FALLBACK_DEPOT: (i64, i64) = (59_326_000, 14_523_000);

/// A crew as a planner enters it.
#[derive(Debug, Clone)]
pub struct CrewForm {
    pub name: String,
    /// Our own crew, or a subcontractor's from this local supplier.
    pub supplier_id: Option<SupplierId>,
    pub skills: Vec<String>,
    /// `(lat, lon)` in millionths of a degree; `None`: the centre of the town's meter points,
    /// until depots are edited.
    pub depot: Option<(i64, i64)>,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
}

/// What the planner's page shows.
#[derive(Debug, Clone)]
pub struct CampaignOverview {
    pub campaign: Option<CampaignRow>,
    pub jobs: Vec<JobRow>,
    pub crews: Vec<CrewRow>,
    /// Local electrical suppliers a subcontracted crew may come from.
    pub suppliers: Vec<SupplierRow>,
}

/// The meter exchange as its customer has been told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterExchange {
    pub state: ExchangeState,
    /// The day, when notified or booked.
    pub on: Option<Date>,
}

impl Campaign {
    /// Opens the campaign: one job for every meter point, classified under the policy in force.
    pub async fn open(
        &self,
        actor: &Actor,
        name: &str,
        starts_on: Date,
    ) -> Result<(CampaignId, ClassifyReport)> {
        Self::may_plan(actor)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(ServiceError::invalid("name", Problem::Required));
        }
        if name.chars().count() > rules::MAX_CAMPAIGN_NAME {
            return Err(ServiceError::invalid(
                "name",
                Problem::TooLong {
                    max: rules::MAX_CAMPAIGN_NAME,
                },
            ));
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if store::campaign::open_campaign_in(&mut tx).await?.is_some() {
            return Err(ServiceError::conflict(CampaignProblem::AlreadyOpen));
        }
        let id = store::campaign::insert_campaign(&mut tx, name, starts_on, now).await?;
        let n = store::campaign::insert_jobs_from_meter_points(&mut tx, id, now).await?;
        audit::record(
            &mut tx,
            &self.s,
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
        let report = self.classify(actor).await?;
        Ok((id, report))
    }

    /// Closes the open campaign: jobs keep their record, and every "no home visits" declaration
    /// is deleted in the same transaction (they were collected for this campaign only).
    /// Returns how many declarations were deleted.
    pub async fn close(&self, actor: &Actor) -> Result<u64> {
        Self::may_plan(actor)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let Some(id) = store::campaign::open_campaign_in(&mut tx).await? else {
            return Err(ServiceError::NotFound);
        };
        store::campaign::close_campaign(&mut tx, id, now).await?;
        let purged = store::declarations::delete_all(&mut tx).await?;
        audit::record(
            &mut tx,
            &self.s,
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

    /// Checks a crew as entered; returns its name and skills, trimmed.
    async fn checked_crew<'a>(&self, form: &'a CrewForm) -> Result<(&'a str, Vec<&'a str>)> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(ServiceError::invalid("name", Problem::Required));
        }
        if name.chars().count() > rules::MAX_CREW_NAME {
            return Err(ServiceError::invalid(
                "name",
                Problem::TooLong {
                    max: rules::MAX_CREW_NAME,
                },
            ));
        }
        if !(0..1440).contains(&form.shift_start_min)
            || form.shift_end_min <= form.shift_start_min
            || form.shift_end_min > 1440
        {
            return Err(ServiceError::invalid(
                "shift",
                CampaignProblem::ShiftOutOfDay,
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
            return Err(ServiceError::invalid("skills", CampaignProblem::BadSkill));
        }
        if let Some(supplier) = form.supplier_id
            && !store::campaign::local_suppliers(self.s.store(), SUBCONTRACT_TRADE)
                .await?
                .iter()
                .any(|s| s.id == supplier)
        {
            return Err(ServiceError::invalid(
                "supplier",
                CampaignProblem::NotALocalSupplier,
            ));
        }
        Ok((name, skills))
    }

    /// Adds a crew: our own, or a subcontractor's (linked to the supplier).
    pub async fn add_crew(&self, actor: &Actor, form: &CrewForm) -> Result<CrewId> {
        Self::may_plan(actor)?;
        let (name, skills) = self.checked_crew(form).await?;
        let (lat, lon) = match form.depot {
            Some(d) => d,
            None => store::campaign::meter_points_centre(self.s.store())
                .await?
                .unwrap_or(FALLBACK_DEPOT),
        };
        let mut tx = self.s.store().begin().await?;
        let id = store::campaign::insert_crew(
            &mut tx,
            &store::campaign::NewCrew {
                name,
                kind: if form.supplier_id.is_some() {
                    CrewKind::Subcontractor
                } else {
                    CrewKind::Own
                },
                supplier_id: form.supplier_id,
                skills: &skills,
                depot_lat_e6: lat,
                depot_lon_e6: lon,
                shift_start_min: form.shift_start_min,
                shift_end_min: form.shift_end_min,
            },
            self.s.now_micros(),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
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
        crew: CrewId,
        day: Date,
        reason: DayOffReason,
    ) -> Result<()> {
        Self::may_plan(actor)?;
        let mut tx = self.s.store().begin().await?;
        store::campaign::set_day_off(&mut tx, crew, day, reason).await?;
        audit::record(
            &mut tx,
            &self.s,
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

    /// Pins a planned job to its crew and day, so that re-plans keep it there, or unpins it.
    /// Only a job placed on a day can be pinned.
    pub async fn pin(&self, actor: &Actor, job: CampaignJobId, pinned: bool) -> Result<()> {
        Self::may_plan(actor)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if store::campaign::set_pinned(&mut tx, job, pinned, now).await? == 0 {
            return Err(ServiceError::conflict(CampaignProblem::NotPinnable));
        }
        audit::record(
            &mut tx,
            &self.s,
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

    /// Puts a technician account in a crew, or takes it out with `None` (planners).
    pub async fn assign_technician(
        &self,
        actor: &Actor,
        user: UserId,
        crew: Option<CrewId>,
    ) -> Result<()> {
        Self::may_plan(actor)?;
        let mut tx = self.s.store().begin().await?;
        if store::campaign::set_user_crew(&mut tx, user, crew).await? == 0 {
            return Err(ServiceError::invalid(
                "user",
                CampaignProblem::NotATechnician,
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The open campaign with its jobs, the crews and the suppliers a crew may come from.
    pub async fn overview(&self, actor: &Actor) -> Result<CampaignOverview> {
        Self::may_plan(actor)?;
        let store = self.s.store();
        let campaign = store::campaign::open_campaign(store).await?;
        let jobs = match &campaign {
            Some(c) => store::campaign::jobs(store, c.id).await?,
            None => Vec::new(),
        };
        Ok(CampaignOverview {
            campaign,
            jobs,
            crews: store::campaign::crews(store).await?,
            suppliers: store::campaign::local_suppliers(store, SUBCONTRACT_TRADE).await?,
        })
    }

    /// The meter exchange as a customer has been told it, for their Mina sidor: a notified or
    /// booked day, deferred at their request, or done; nothing else (a planned day may move).
    pub(crate) async fn meter_exchange_for(
        &self,
        customer: CustomerId,
    ) -> Result<Option<MeterExchange>> {
        let jobs: Vec<_> = store::campaign::customer_jobs(self.s.store(), customer)
            .await?
            .into_iter()
            .map(|j| (j.status, j.plannability, j.planned_on))
            .collect();
        Ok(rules::exchange_state(&jobs).map(|(state, on)| MeterExchange { state, on }))
    }
}

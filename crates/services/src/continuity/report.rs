//! The daily situation report ("lägesbild"), at 07:00 and on demand: the services' state, the
//! staffing of every critical function today, absence by reason, the customer side, credit
//! measures, supplier payments and community support. Stored as issued (JSON, the API's form),
//! so previous reports stay readable.
//!
//! The figures of other capabilities are read here and nowhere else in continuity, one function
//! each ([`customer_side`], [`credit`], [`suppliers`], [`community`]), so that they follow those
//! capabilities when they change.

use domain::continuity::{AbsenceReason, CoverageStatus, ReportKind, Service, ServiceState};
use domain::ids::ReportId;
use domain::problem::Problem;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::continuity::ReportRow;

use super::world::{Parts, World};
use super::{Continuity, roles};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// When the scheduled report is issued (Stockholm time).
pub const REPORT_HOUR: i8 = 7;

/// A capability's figures, or that it has none to give (not built yet, or nothing running).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "figures", rename_all = "snake_case")]
pub enum Figures<T> {
    Available(T),
    NotAvailable,
}

/// Figures no capability gives yet: only [`Figures::NotAvailable`] can hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoFigures {}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub service: Service,
    /// `None` while the operator on duty has not reported.
    pub state: Option<ServiceState>,
    pub note: String,
    pub set_by: Option<String>,
    pub set_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftLine {
    pub shift: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub required: i64,
    pub rostered: i64,
    pub present: i64,
    pub status: CoverageStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffingLine {
    /// The function's code.
    pub function: String,
    pub name: String,
    pub service: Service,
    /// The worst of the day's shifts.
    pub status: CoverageStatus,
    pub shifts: Vec<ShiftLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceCount {
    pub reason: AbsenceReason,
    /// People absent on the day for this reason.
    pub staff: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatFigures {
    pub queued: i64,
    /// How long the first in line has waited.
    pub longest_wait_minutes: i64,
    /// The estimate the first in line is given; `None` with no agent online.
    pub estimated_wait_minutes: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFigures {
    pub done: i64,
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSide {
    pub chat: Figures<ChatFigures>,
    pub open_cases: Figures<i64>,
    pub visits_today: Figures<i64>,
    pub campaign: Figures<CampaignFigures>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditFigures {
    /// Requests for more time waiting for a credit officer.
    pub pending_requests: i64,
    /// Extensions granted this month.
    pub granted_this_month: i64,
    pub interest_waived_this_month_ore: i64,
}

/// The situation report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SituationReport {
    pub date: Date,
    pub kind: ReportKind,
    pub generated_at: Timestamp,
    pub generated_by: String,
    pub services: Vec<ServiceLine>,
    pub staffing: Vec<StaffingLine>,
    pub absence: Vec<AbsenceCount>,
    pub customers: CustomerSide,
    pub credit: Figures<CreditFigures>,
    pub suppliers: Figures<NoFigures>,
    pub community: Figures<CommunityFigures>,
}

/// Community support's figures: what was given this month, free upgrades running and planned,
/// event applications waiting for a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityFigures {
    pub given_this_month_ore: i64,
    pub upgrades_active: i64,
    pub upgrades_scheduled: i64,
    pub events_waiting: i64,
}

impl Continuity {
    /// Issues a report now (on demand) and stores it.
    pub async fn issue_report(&self, actor: &Actor) -> Result<ReportId> {
        Self::require(actor, roles::READ)?;
        let report = self.build_report(actor, ReportKind::OnDemand).await?;
        self.store_report(&report, actor)
            .await?
            .ok_or_else(|| ServiceError::Internal("an on-demand report was not stored".into()))
    }

    /// The 07:00 report: issued once a day from 07:00 Stockholm time (the job runs it; a second
    /// run the same day does nothing). Returns the report issued now, if any.
    pub async fn scheduled_report(&self) -> Result<Option<ReportId>> {
        let local = self.s.tz().to_datetime(self.s.now());
        if local.hour() < REPORT_HOUR {
            return Ok(None);
        }
        let today = self.s.today();
        if store::continuity::reports(self.s.store(), 50)
            .await?
            .iter()
            .any(|r| r.report_date == today && r.kind == ReportKind::Scheduled)
        {
            return Ok(None);
        }
        let system = Actor::system();
        let report = self.build_report(&system, ReportKind::Scheduled).await?;
        self.store_report(&report, &system).await
    }

    async fn store_report(
        &self,
        report: &SituationReport,
        actor: &Actor,
    ) -> Result<Option<ReportId>> {
        let body = serde_json::to_string(report)
            .map_err(|e| ServiceError::Internal(format!("situation report: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        let id = store::continuity::insert_report(
            &mut tx,
            report.date,
            report.kind,
            &body,
            &actor.name,
            self.s.now_micros(),
        )
        .await?;
        if let Some(id) = id {
            self.audit(
                &mut tx,
                actor,
                "situation_report",
                "situation_report",
                id.get(),
                report.kind.as_str(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The reports issued, newest first.
    pub async fn reports(&self, actor: &Actor) -> Result<Vec<ReportRow>> {
        Self::require(actor, roles::READ)?;
        Ok(store::continuity::reports(self.s.store(), 400).await?)
    }

    /// One report as issued.
    pub async fn report(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> Result<(ReportRow, SituationReport)> {
        Self::require(actor, roles::READ)?;
        let row = store::continuity::report(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let report = parse(&row)?;
        Ok((row, report))
    }

    /// The latest report of a day; for today without one, the report as it stands now (not
    /// stored).
    pub async fn report_of(&self, actor: &Actor, date: Date) -> Result<SituationReport> {
        Self::require(actor, roles::READ)?;
        match store::continuity::report_of(self.s.store(), date).await? {
            Some(row) => parse(&row),
            None if date == self.s.today() => self.build_report(actor, ReportKind::OnDemand).await,
            None => Err(ServiceError::NotFound),
        }
    }

    /// The operator on duty says whether a service is delivered without disturbance.
    pub async fn set_service_status(
        &self,
        actor: &Actor,
        service: Service,
        state: ServiceState,
        note: &str,
    ) -> Result<()> {
        Self::require(actor, roles::SERVICE_STATUS)?;
        let note = domain::continuity::values::optional_text(note, 500)
            .map_err(|p| ServiceError::invalid("note", p))?
            .unwrap_or_default();
        if state == ServiceState::Disturbed && note.is_empty() {
            return Err(ServiceError::invalid("note", Problem::Required));
        }
        let mut tx = self.s.store().begin().await?;
        store::continuity::set_service_status(
            &mut tx,
            &store::continuity::ServiceStatusRow {
                service,
                state,
                note,
                set_by: actor.name.clone(),
                set_at: self.s.now_micros(),
            },
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "service_status",
            "service",
            0,
            service.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The services' state as last reported.
    pub async fn service_states(&self, actor: &Actor) -> Result<Vec<ServiceLine>> {
        Self::require(actor, roles::SERVICE_STATUS)?;
        self.services_now().await
    }

    async fn services_now(&self) -> Result<Vec<ServiceLine>> {
        let rows =
            store::continuity::service_status_at(self.s.store(), self.s.now_micros()).await?;
        Ok(Service::ALL
            .iter()
            .map(
                |&service| match rows.iter().find(|r| r.service == service) {
                    Some(r) => ServiceLine {
                        service,
                        state: Some(r.state),
                        note: r.note.clone(),
                        set_by: Some(r.set_by.clone()),
                        set_at: Some(domain::time::from_micros(r.set_at)),
                    },
                    None => ServiceLine {
                        service,
                        state: None,
                        note: String::new(),
                        set_by: None,
                        set_at: None,
                    },
                },
            )
            .collect())
    }

    async fn build_report(&self, actor: &Actor, kind: ReportKind) -> Result<SituationReport> {
        let today = self.s.today();
        let world = World::load(&self.s, today, today, Parts::default()).await?;
        let staffing = staffing(&world, today);
        let mut absence: Vec<AbsenceCount> = AbsenceReason::ALL
            .iter()
            .map(|&reason| AbsenceCount { reason, staff: 0 })
            .collect();
        let mut counted = std::collections::HashSet::new();
        for a in world
            .absences
            .iter()
            .filter(|a| a.from_date <= today && today <= a.to_date)
        {
            if counted.insert(a.staff_id)
                && let Some(c) = absence.iter_mut().find(|c| c.reason == a.reason)
            {
                c.staff += 1;
            }
        }
        Ok(SituationReport {
            date: today,
            kind,
            generated_at: self.s.now(),
            generated_by: actor.name.clone(),
            services: self.services_now().await?,
            staffing,
            absence,
            customers: customer_side(&self.s, today).await?,
            credit: credit(&self.s, today).await?,
            suppliers: suppliers(),
            community: community(&self.s, today).await?,
        })
    }
}

fn parse(row: &ReportRow) -> Result<SituationReport> {
    serde_json::from_str(&row.body)
        .map_err(|e| ServiceError::Internal(format!("situation report {}: {e}", row.id)))
}

/// Every function's shifts starting on `date`, the worst status first within the day.
fn staffing(world: &World, date: Date) -> Vec<StaffingLine> {
    world
        .functions
        .iter()
        .map(|f| {
            let shifts: Vec<ShiftLine> = world
                .shifts_of(f.id)
                .map(|s| {
                    let o = world.occurrence(f, s, date, None);
                    ShiftLine {
                        shift: s.shift.clone(),
                        starts_at: o.starts_at,
                        ends_at: o.ends_at,
                        required: o.cell.required,
                        rostered: i64::try_from(o.cell.rostered.len()).unwrap_or(i64::MAX),
                        present: o.cell.present(),
                        status: o.status(),
                    }
                })
                .collect();
            StaffingLine {
                function: f.code.clone(),
                name: f.name.clone(),
                service: f.service,
                status: shifts
                    .iter()
                    .map(|s| s.status)
                    .max()
                    .unwrap_or(CoverageStatus::Green),
                shifts,
            }
        })
        .collect()
}

// ---- other capabilities' figures ---------------------------------------------------------------

/// Chat queue and wait, open cases, visits today and the meter campaign's progress.
async fn customer_side(s: &Services, today: Date) -> Result<CustomerSide> {
    let queued = store::chat::queue_length(s.store()).await?;
    let first = store::chat::queue(s.store(), 1).await?.into_iter().next();
    let chat = ChatFigures {
        queued,
        longest_wait_minutes: first
            .as_ref()
            .map_or(0, |c| (s.now_micros() - c.queued_at).max(0) / 60_000_000),
        estimated_wait_minutes: match &first {
            Some(c) => s.chat().estimate(c.id).await?.wait_minutes.map(i64::from),
            None => Some(0),
        },
    };
    let open_cases = store::cases::queue(
        s.store(),
        &store::cases::QueueFilter {
            limit: 1_000_000,
            ..Default::default()
        },
    )
    .await?
    .len();
    let mut visits = 0usize;
    for site in s.visits().sites().await? {
        visits += s
            .visits()
            .desk_day(site.id, today)
            .await?
            .visits
            .iter()
            .filter(|v| v.visit.status != domain::visits::VisitStatus::Cancelled)
            .count();
    }
    let campaign = match s.campaign().progress(&Actor::system()).await {
        Ok(p) => Figures::Available(CampaignFigures {
            done: p.per_tier.iter().map(|t| t[0] as i64).sum(),
            total: p.total as i64,
        }),
        Err(ServiceError::NotFound) => Figures::NotAvailable,
        Err(e) => return Err(e),
    };
    Ok(CustomerSide {
        chat: Figures::Available(chat),
        open_cases: Figures::Available(open_cases as i64),
        visits_today: Figures::Available(visits as i64),
        campaign,
    })
}

/// Requests for more time waiting, and this month's extensions and waived interest.
async fn credit(s: &Services, today: Date) -> Result<Figures<CreditFigures>> {
    let pending = s.credit().credit_queue().await?.len() as i64;
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let rows = s.credit().board_report().await?;
    let this_month = rows.iter().filter(|r| r.month == month);
    Ok(Figures::Available(CreditFigures {
        pending_requests: pending,
        granted_this_month: this_month.clone().map(|r| r.granted).sum(),
        interest_waived_this_month_ore: this_month.map(|r| r.interest_waived.ore()).sum(),
    }))
}

/// Supplier payments: the suppliers capability does not exist yet.
fn suppliers() -> Figures<NoFigures> {
    Figures::NotAvailable
}

/// Community support: this month's ledger, upgrades running and planned, events waiting.
async fn community(s: &Services, today: Date) -> Result<Figures<CommunityFigures>> {
    let c = s.community();
    let system = Actor::system();
    let first = jiff::civil::date(today.year(), today.month(), 1);
    let given = c.ledger(&system, first, today).await?.totals.total.ore();
    let open = c.open_upgrades(&system).await?;
    let state = |st| open.iter().filter(|u| u.state == st).count() as i64;
    let events_waiting = c
        .events(&system)
        .await?
        .iter()
        .filter(|e| e.state == domain::community::events::EventState::Applied)
        .count() as i64;
    Ok(Figures::Available(CommunityFigures {
        given_this_month_ore: given,
        upgrades_active: state(domain::community::upgrades::UpgradeState::Active),
        upgrades_scheduled: state(domain::community::upgrades::UpgradeState::Scheduled),
        events_waiting,
    }))
}

//! The meter-exchange campaign (DESIGN §3.2): jobs from meter points classified by
//! `domain::campaign` under the policy in force, crews, planning with the `planner` engine,
//! the customers' messages, booking an indoor window, the technician's work list and the
//! progress figures.
//!
//! Everything goes through the handle `services.campaign()` ([`Campaign`]), which also owns
//! the capability's state: the planning run started from the planner's page ([`State`]). Who
//! may do what is declared once in [`roles`], read by the route table and by the checks here.
//! A change of the campaign policy reaches the campaign through [`PolicyHook`]
//! (`hook.rs`); the "no home visits" declarations are their own handle
//! (`services.declarations()`), read here only as "deferred at the customer's request".
//!
//! - `setup`: opening and closing the campaign, crews and days off, pinning, technicians.
//! - `classify`: the jobs' classes under a policy, what changes, and who is told.
//! - `plan`: the planning problem and a planning run; `run`: the background run from the page
//!   and the worker's re-plan.
//! - `notices`: the morning's notices, invitations, reminders and arrival windows.
//! - `booking`: signed links, window offers and optimistic booking.
//! - `work_list`: the technician's day, done and failed.
//! - `progress`: the figures of the progress page.
//!
//! [`PolicyHook`]: crate::capability::PolicyHook

mod booking;
mod classify;
mod hook;
mod notices;
mod plan;
mod progress;
pub mod roles;
mod run;
mod setup;
mod work_list;

use domain::policy::{CampaignPolicy, Capability, PolicyBody};
use domain::role::Role;

pub use booking::{Booker, IndoorJob, IndoorWindow};
pub use classify::ClassifyReport;
pub use notices::NoticeReport;
pub use plan::{PlanBudget, PlanReport};
pub use progress::{JobPlace, Progress, progress_of};
pub use run::{PLAN_RUN_JOB, PlanRun, REPLAN_JOB, queue_replan};
pub use setup::{CampaignOverview, CrewForm, MeterExchange, SUBCONTRACT_TRADE};
pub use store::campaign::{CampaignRow, CrewRow, JobRow, StopRow};
pub use work_list::{DoneForm, WorkList};

use crate::error::Result;
use crate::{Actor, ServiceError, Services};

/// `HH:MM` of minutes after midnight (the planner's own formatting, one for the whole app).
pub use planner::date::hhmm;

/// The meter-exchange campaign: `services.campaign()`.
#[derive(Clone)]
pub struct Campaign {
    s: Services,
}

impl Campaign {
    pub(crate) fn new(s: Services) -> Campaign {
        Campaign { s }
    }

    /// Whether the actor is in `roles`; the system (no role: jobs, the CLI, a policy change)
    /// always is.
    fn require(actor: &Actor, roles: &[Role]) -> Result<()> {
        match actor.role {
            None => Ok(()),
            Some(r) if roles.contains(&r) => Ok(()),
            Some(_) => Err(ServiceError::Forbidden),
        }
    }

    fn may_plan(actor: &Actor) -> Result<()> {
        Self::require(actor, roles::PLANNERS)
    }

    /// The campaign policy in force now.
    async fn policy(&self) -> Result<CampaignPolicy> {
        campaign_policy(
            &self
                .s
                .policies()
                .at(Capability::Campaign, self.s.now())
                .await?,
        )
    }

    /// The open campaign; not found when none is open.
    pub(crate) async fn open_campaign(&self) -> Result<store::campaign::CampaignRow> {
        store::campaign::open_campaign(self.s.store())
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

/// The campaign policy in a policy body of the campaign.
pub(crate) fn campaign_policy(body: &PolicyBody) -> Result<CampaignPolicy> {
    match body {
        PolicyBody::Campaign(p) => Ok(p.clone()),
        other => Err(ServiceError::Internal(format!(
            "a {} policy where a campaign policy belongs",
            other.capability()
        ))),
    }
}

/// A civil date as the planner engine's date.
fn planner_date(d: jiff::civil::Date) -> planner::Date {
    planner::Date::new(i32::from(d.year()), d.month() as u8, d.day() as u8)
        .unwrap_or_else(|| planner::Date::from_days(0))
}

/// The planner engine's date as a civil date.
fn civil_date(d: planner::Date) -> Option<jiff::civil::Date> {
    domain::time::parse_date(&d.to_string()).ok()
}

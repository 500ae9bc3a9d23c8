//! Customer-service cases (DESIGN §3.4): opened from a chat, the portal's contact form or by an
//! agent during a phone call; routed to a team by category; SLA due times in business hours;
//! replies the customer sees and internal notes they never see.
//!
//! The handle is [`Cases`] (`services.cases()`). Who may do what ([`roles`]):
//! - a customer opens cases for themselves (portal, chat), reads their own cases without internal
//!   notes and writes customer messages; another customer's case is "not found";
//! - case workers (agents and credit officers) work the queues of the teams they are members of;
//!   a case of another team is "not found" to them; admins see every team;
//! - an actor without a role (the system, e.g. a chat closing outside opening hours) may open a
//!   chat case and add chat transcripts.
//!
//! The first entry of a new case is the `body` of [`NewCase`] as a customer message. For a phone
//! case the agent writes it on the caller's behalf: it is still a customer message (the customer
//! sees it in the portal, so they can check what was noted), authored by the agent's account,
//! which is how pages tell it was taken on the phone (`EntryRow::taken_by_phone`). The first
//! entry of a chat case is the customer's first message, signed with the customer's name.

mod entries;
mod staff;

use domain::cases::{
    BusinessHours, CaseLink, CaseSource, CaseStatus, Category, SlaState, SlaTargets,
};
use domain::ids::{CustomerId, UserId};
use domain::role::Role;
pub use store::cases::{Account, CaseCustomer, CaseListRow, CaseRow, EntryRow, LinkChoice, Member};

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Who may do what with cases; the route table reads the same constants.
pub mod roles {
    use domain::role::Role;

    /// Case handling: agents and credit officers (their teams' queues only), admins (every
    /// team).
    pub const CASE_WORKERS: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
    /// Who sees and works every team's cases.
    pub const ALL_TEAMS: &[Role] = &[Role::Admin];
    /// Who adds staff to teams.
    pub const TEAM_ADMINS: &[Role] = &[Role::Admin];
    /// Customers: their own cases, in the portal.
    pub use crate::portal::roles::CUSTOMER;
}

/// The cases capability: `services.cases()`.
#[derive(Clone)]
pub struct Cases {
    s: Services,
}

impl Cases {
    /// The handle over `s`; made by `Services::cases`.
    pub(crate) fn new(s: Services) -> Cases {
        Cases { s }
    }
}

/// A case to open.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub customer_id: CustomerId,
    pub category: Category,
    pub source: CaseSource,
    pub subject: String,
    pub body: String,
    pub link: Option<CaseLink>,
}

/// The settings row that overrides the SLA targets, a JSON object from category to
/// `[first response minutes, resolution minutes]`, e.g. `{"outage": [30, 540]}`.
pub const SLA_SETTING: &str = "cases.sla_minutes";

/// Which cases a staff queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub team: Option<domain::cases::Team>,
    pub status: Option<CaseStatus>,
    pub mine: bool,
    pub unassigned: bool,
    pub at_risk: bool,
    pub breached: bool,
}

/// A staff queue: the teams the actor may see and the cases matching the query.
#[derive(Clone, Debug)]
pub struct Queue {
    pub teams: Vec<domain::cases::Team>,
    pub cases: Vec<CaseListRow>,
}

/// One case as staff see it.
#[derive(Clone, Debug)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub entries: Vec<EntryRow>,
    pub customer: CaseCustomer,
    pub assignee_name: Option<String>,
    /// Members of the case's team (who it can be assigned to).
    pub members: Vec<Member>,
    /// Teams it can be moved to.
    pub teams: Vec<domain::cases::Team>,
    pub first_response_state: Option<SlaState>,
    pub resolve_state: Option<SlaState>,
}

fn is_case_worker(role: Option<Role>) -> bool {
    role.is_some_and(|r| roles::CASE_WORKERS.contains(&r))
}

fn is_customer(role: Option<Role>) -> bool {
    role.is_some_and(|r| roles::CUSTOMER.contains(&r))
}

fn sees_every_team(role: Option<Role>) -> bool {
    role.is_some_and(|r| roles::ALL_TEAMS.contains(&r))
}

/// The customer a customer's session acts for.
fn own_customer(actor: &Actor) -> Option<CustomerId> {
    actor.customer_id.filter(|_| is_customer(actor.role))
}

fn user_of(actor: &Actor) -> Option<UserId> {
    actor.user_id
}

impl Cases {
    /// The SLA targets of a category: the settings row when it names the category, else the
    /// defaults of [`domain::cases::default_targets`].
    pub async fn sla_targets(&self, category: Category) -> Result<SlaTargets> {
        let default = domain::cases::default_targets(category);
        let Some(raw) = store::settings::get(self.s.store(), SLA_SETTING).await? else {
            return Ok(default);
        };
        let parsed: std::collections::HashMap<String, [i64; 2]> = match serde_json::from_str(&raw) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(setting = SLA_SETTING, error = %e, "unreadable SLA setting; using the defaults");
                return Ok(default);
            }
        };
        Ok(match parsed.get(category.as_str()) {
            Some([first, resolve]) if *first > 0 && *resolve > 0 => SlaTargets {
                first_response_minutes: *first,
                resolve_minutes: *resolve,
            },
            _ => default,
        })
    }

    /// Where the two SLA targets of a case stand now (`None` once met or when the case is done).
    pub fn sla_states(&self, case: &CaseRow) -> (Option<SlaState>, Option<SlaState>) {
        let open = case.status.is_open();
        let now = self.s.now();
        let h = BusinessHours::default();
        let from = domain::time::from_micros;
        let state = |due: i64| h.sla_state(now, from(due), from(case.created_at));
        (
            (open && case.first_response_at.is_none()).then(|| state(case.first_response_due)),
            (open && case.resolved_at.is_none()).then(|| state(case.resolve_due)),
        )
    }

    /// The name an entry is signed with: a staff account's display name, else the actor's name.
    async fn author_of(&self, actor: &Actor) -> Result<String> {
        Ok(match user_of(actor) {
            Some(id) => store::cases::account(self.s.store(), id)
                .await?
                .map_or_else(|| actor.name.clone(), |u| u.display_name),
            None => actor.name.clone(),
        })
    }

    /// A customer's own cases, newest first.
    pub async fn mine(&self, actor: &Actor) -> Result<Vec<CaseRow>> {
        let customer = own_customer(actor).ok_or(ServiceError::Forbidden)?;
        Ok(store::cases::of_customer(self.s.store(), customer, 200).await?)
    }

    /// A customer's own case with the entries they may see (never internal notes); another
    /// customer's case is not found.
    pub async fn my_case(
        &self,
        actor: &Actor,
        id: domain::ids::CaseId,
    ) -> Result<(CaseRow, Vec<EntryRow>)> {
        let customer = own_customer(actor).ok_or(ServiceError::NotFound)?;
        let case = store::cases::get(self.s.store(), id)
            .await?
            .filter(|c| c.customer_id == customer)
            .ok_or(ServiceError::NotFound)?;
        let entries = store::cases::entries(self.s.store(), id, false).await?;
        Ok((case, entries))
    }

    /// What a new case for this customer can be linked to: their extension requests and their
    /// visits not yet over. Customers get only their own.
    pub async fn link_choices(
        &self,
        actor: &Actor,
        customer: CustomerId,
    ) -> Result<Vec<LinkChoice>> {
        if own_customer(actor) != Some(customer) && !is_case_worker(actor.role) {
            return Err(ServiceError::NotFound);
        }
        Ok(store::cases::link_choices(self.s.store(), customer, self.s.now_micros()).await?)
    }
}

//! Customer-service cases (DESIGN §3.4): opened from a chat, the portal's contact form or by an
//! agent during a phone call; routed to a team by category; SLA due times in business hours;
//! replies the customer sees and internal notes they never see.
//!
//! Who may do what:
//! - a customer opens cases for themselves (portal, chat), reads their own cases without internal
//!   notes and writes customer messages; another customer's case is "not found";
//! - agents and credit officers work the queues of the teams they are members of; a case of
//!   another team is "not found" to them; admins see every team;
//! - an actor without a role (the system, e.g. a chat closing outside opening hours) may open a
//!   chat case and add chat transcripts.
//!
//! The first entry of a new case is the `body` of [`NewCase`] as a customer message. For a phone
//! case the agent writes it on the caller's behalf: it is still a customer message (the customer
//! sees it in the portal, so they can check what was noted), authored by the agent's account and
//! signed "display name (telefon)". Staff entries are signed with the account's display name.

use domain::cases::{BusinessHours, CaseSource, CaseStatus, Category, EntryKind, SlaTargets};
use domain::ids::CustomerId;
use domain::role::Role;
use store::Tx;
pub use store::cases::{CaseListRow, CaseRow, EntryRow, TeamRow};
use views::messages::CustomerMessage;

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// The object a case is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseLink {
    Arrangement(i64),
    Visit(i64),
}

impl CaseLink {
    pub fn kind(self) -> &'static str {
        match self {
            CaseLink::Arrangement(_) => "arrangement",
            CaseLink::Visit(_) => "visit",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            CaseLink::Arrangement(id) | CaseLink::Visit(id) => id,
        }
    }

    /// The link stored in a case row, if any.
    pub fn from_row(kind: Option<&str>, id: Option<i64>) -> Option<CaseLink> {
        match (kind, id) {
            (Some("arrangement"), Some(id)) => Some(CaseLink::Arrangement(id)),
            (Some("visit"), Some(id)) => Some(CaseLink::Visit(id)),
            _ => None,
        }
    }
}

/// A case to open.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub customer_id: i64,
    pub category: Category,
    pub source: CaseSource,
    pub subject: String,
    pub body: String,
    pub link: Option<CaseLink>,
}

/// Something a new case can be linked to, offered on the forms.
#[derive(Clone, Debug)]
pub struct LinkChoice {
    pub link: CaseLink,
    /// A visit's start (microseconds UTC).
    pub at: Option<i64>,
    /// An arrangement's kind and status, e.g. `extension approved`.
    pub detail: String,
}

/// The settings row that overrides the SLA targets, a JSON object from category to
/// `[first response minutes, resolution minutes]`, e.g. `{"outage": [30, 540]}`.
pub const SLA_SETTING: &str = "cases.sla_minutes";

/// Which cases a staff queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub team: Option<String>,
    pub status: Option<CaseStatus>,
    pub mine: bool,
    pub unassigned: bool,
    pub at_risk: bool,
    pub breached: bool,
}

/// A staff queue: the teams the actor may see and the cases matching the query.
#[derive(Clone, Debug)]
pub struct Queue {
    pub teams: Vec<TeamRow>,
    pub cases: Vec<CaseListRow>,
}

/// One case as staff see it.
#[derive(Clone, Debug)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub entries: Vec<EntryRow>,
    pub customer_name: String,
    pub customer_number: String,
    pub assignee_name: Option<String>,
    /// Members of the case's team (who it can be assigned to).
    pub members: Vec<(i64, String)>,
    /// Teams it can be moved to.
    pub teams: Vec<TeamRow>,
    pub first_response_state: Option<domain::cases::SlaState>,
    pub resolve_state: Option<domain::cases::SlaState>,
}

fn is_staff(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Agent | Role::CreditOfficer | Role::Admin))
}

impl Services {
    /// The SLA targets of a category: the settings row when it names the category, else the
    /// defaults of [`domain::cases::default_targets`].
    pub async fn sla_targets(&self, category: Category) -> Result<SlaTargets> {
        let default = domain::cases::default_targets(category);
        let Some(raw) = store::settings::get(self.store(), SLA_SETTING).await? else {
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

    /// The name an entry is signed with: a staff account's display name, else the actor's name.
    async fn author_of(&self, actor: &Actor) -> Result<String> {
        Ok(match actor.user_id {
            Some(id) => store::users::by_id(self.store(), id)
                .await?
                .map_or_else(|| actor.name.clone(), |u| u.display_name),
            None => actor.name.clone(),
        })
    }

    /// Opens a case in its own transaction; see [`Services::open_case_in`].
    pub async fn open_case(&self, actor: &Actor, new: NewCase) -> Result<i64> {
        let mut tx = self.store().begin().await?;
        let id = self.open_case_in(&mut tx, actor, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens a case inside the caller's transaction: checks who may open it, routes it to the
    /// team of its category, sets the SLA due times, writes the first entry and the audit log,
    /// and queues a confirmation to the customer on their channel.
    pub async fn open_case_in(&self, tx: &mut Tx, actor: &Actor, new: &NewCase) -> Result<i64> {
        match actor.role {
            Some(Role::Customer) => {
                if actor.customer_id != Some(domain::ids::CustomerId::new(new.customer_id)) {
                    return Err(ServiceError::NotFound);
                }
                if new.source == CaseSource::Phone {
                    return Err(ServiceError::Forbidden);
                }
            }
            r if is_staff(r) => {}
            None if new.source == CaseSource::Chat => {}
            _ => return Err(ServiceError::Forbidden),
        }
        let subject = domain::cases::check_subject(&new.subject)
            .map_err(|m| ServiceError::invalid("subject", m))?;
        let body =
            domain::cases::check_body(&new.body).map_err(|m| ServiceError::invalid("body", m))?;
        let contact = store::cases::contact(tx, new.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let Some(link) = new.link {
            match store::cases::link_owner(tx, link.kind(), link.id()).await? {
                Some(Some(owner)) if owner == new.customer_id => {}
                _ => {
                    return Err(ServiceError::invalid(
                        "link",
                        "the linked extension or visit is not this customer's",
                    ));
                }
            }
        }
        let targets = self.sla_targets(new.category).await?;
        let now = self.now();
        let due = BusinessHours::default().due_times(now, targets);
        let micros = domain::time::to_micros;
        let now_us = micros(now);
        let team = new.category.team();
        let id = store::cases::insert_case(
            tx,
            &store::cases::NewCaseRow {
                customer_id: new.customer_id,
                category: new.category.as_str(),
                source: new.source.as_str(),
                status: CaseStatus::New.as_str(),
                team,
                assignee_user_id: None,
                subject,
                link: new.link.map(|l| (l.kind(), l.id())),
                created_by: &actor.name,
                now: now_us,
                first_response_due: micros(due.first_response_due),
                first_response_risk_at: micros(due.first_response_risk_at),
                resolve_due: micros(due.resolve_due),
                resolve_risk_at: micros(due.resolve_risk_at),
            },
        )
        .await?;
        let author_name = if actor.role == Some(Role::Customer) {
            contact.name.clone()
        } else if new.source == CaseSource::Phone {
            format!("{} (telefon)", self.author_of(actor).await?)
        } else {
            self.author_of(actor).await?
        };
        store::cases::insert_entry(
            tx,
            &store::cases::NewEntry {
                case_id: id,
                kind: EntryKind::CustomerMessage.as_str(),
                author_user_id: actor.user_id.map(domain::ids::UserId::get),
                author_name: &author_name,
                body,
                now: now_us,
            },
        )
        .await?;
        audit::record(
            tx,
            self,
            actor,
            &Event {
                action: "case_opened",
                object_kind: "case",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{} {} {team}", new.source.as_str(), new.category.as_str()),
            },
        )
        .await?;
        let message = views::messages::cases::CaseOpened {
            case: id,
            name: contact.name.clone(),
            subject: subject.to_owned(),
            category: new.category,
            answer_by: domain::time::format_datetime(due.first_response_due, self.tz()),
            link: format!("{}/mina-sidor/arenden/{id}", self.public_url()),
        };
        self.queue_case_message(tx, contact.id, &message, format!("case:{id}:opened"))
            .await?;
        Ok(id)
    }

    async fn queue_case_message(
        &self,
        tx: &mut Tx,
        customer: i64,
        message: &dyn CustomerMessage,
        key: String,
    ) -> Result<()> {
        let contact = store::customers::contact(tx, CustomerId::new(customer))
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.tell(tx, &contact, message, key).await?;
        Ok(())
    }

    /// Adds an entry in its own transaction; see [`Services::add_case_entry_in`].
    pub async fn add_case_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        kind: EntryKind,
        body: &str,
    ) -> Result<i64> {
        let mut tx = self.store().begin().await?;
        let id = self
            .add_case_entry_in(&mut tx, actor, case_id, kind, body)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds an entry to a case inside the caller's transaction.
    ///
    /// Customers write customer messages (and chat transcripts) on their own cases; a message
    /// on a case waiting for them or resolved reopens it; a closed case takes no more messages.
    /// Staff of the case's team write replies, internal notes, chat transcripts and messages
    /// taken on the phone; the first reply records the first response; a new case becomes open.
    /// A reply is sent to the customer through the outbox with a link to the portal case.
    pub async fn add_case_entry_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: i64,
        kind: EntryKind,
        body: &str,
    ) -> Result<i64> {
        let body = domain::cases::check_body(body).map_err(|m| ServiceError::invalid("body", m))?;
        let case = store::cases::get_for_update(tx, case_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Open);
        let now = self.now_micros();
        let contact = store::cases::contact(tx, case.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let author_name;
        let mut new_status = None;
        match actor.role {
            Some(Role::Customer) => {
                if actor.customer_id != Some(domain::ids::CustomerId::new(case.customer_id)) {
                    return Err(ServiceError::NotFound);
                }
                if !matches!(kind, EntryKind::CustomerMessage | EntryKind::ChatTranscript) {
                    return Err(ServiceError::Forbidden);
                }
                if status == CaseStatus::Closed {
                    return Err(ServiceError::conflict(
                        "ärendet är stängt; skicka ett nytt meddelande via kontaktformuläret",
                    ));
                }
                if matches!(status, CaseStatus::WaitingOnCustomer | CaseStatus::Resolved) {
                    new_status = Some(CaseStatus::Open);
                }
                author_name = contact.name.clone();
            }
            r if is_staff(r) => {
                self.check_team_access_tx(tx, actor, &case).await?;
                if status == CaseStatus::New {
                    new_status = Some(CaseStatus::Open);
                }
                let name = self.author_of(actor).await?;
                author_name = if kind == EntryKind::CustomerMessage {
                    format!("{name} (telefon)")
                } else {
                    name
                };
            }
            None if kind == EntryKind::ChatTranscript => {
                author_name = actor.name.clone();
            }
            _ => return Err(ServiceError::Forbidden),
        }
        let entry = store::cases::insert_entry(
            tx,
            &store::cases::NewEntry {
                case_id,
                kind: kind.as_str(),
                author_user_id: actor.user_id.map(domain::ids::UserId::get),
                author_name: &author_name,
                body,
                now,
            },
        )
        .await?;
        match new_status {
            Some(s) => store::cases::set_status(tx, case_id, s.as_str(), None, now).await?,
            None => store::cases::touch(tx, case_id, now).await?,
        }
        if kind == EntryKind::AgentReply {
            store::cases::record_first_response(tx, case_id, now).await?;
            let message = views::messages::cases::CaseReplied {
                case: case_id,
                name: contact.name.clone(),
                subject: case.subject.clone(),
                link: format!("{}/mina-sidor/arenden/{case_id}", self.public_url()),
            };
            self.queue_case_message(
                tx,
                contact.id,
                &message,
                format!("case:{case_id}:reply:{entry}"),
            )
            .await?;
        }
        audit::record(
            tx,
            self,
            actor,
            &Event {
                action: "case_entry_added",
                object_kind: "case",
                object_id: &case_id.to_string(),
                outcome: Outcome::Success,
                detail: kind.as_str(),
            },
        )
        .await?;
        Ok(entry)
    }

    /// The teams a staff member works (every team for admins).
    pub async fn case_teams_of(&self, actor: &Actor) -> Result<Vec<TeamRow>> {
        let all = store::cases::teams(self.store()).await?;
        match actor.role {
            Some(Role::Admin) => Ok(all),
            r if is_staff(r) => {
                let mine = match actor.user_id {
                    Some(u) => store::cases::teams_of(self.store(), u.get()).await?,
                    None => Vec::new(),
                };
                Ok(all.into_iter().filter(|t| mine.contains(&t.key)).collect())
            }
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// Every team (for routing and the move-team choice).
    pub async fn case_teams(&self) -> Result<Vec<TeamRow>> {
        Ok(store::cases::teams(self.store()).await?)
    }

    async fn check_team_access_tx(&self, tx: &mut Tx, actor: &Actor, case: &CaseRow) -> Result<()> {
        match actor.role {
            Some(Role::Admin) => Ok(()),
            r if is_staff(r) => {
                let user = actor.user_id.ok_or(ServiceError::NotFound)?;
                if store::cases::teams_of_tx(tx, user.get())
                    .await?
                    .contains(&case.team)
                {
                    Ok(())
                } else {
                    Err(ServiceError::NotFound)
                }
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    async fn check_team_access(&self, actor: &Actor, case: &CaseRow) -> Result<()> {
        match actor.role {
            Some(Role::Admin) => Ok(()),
            r if is_staff(r) => {
                let user = actor.user_id.ok_or(ServiceError::NotFound)?;
                if store::cases::teams_of(self.store(), user.get())
                    .await?
                    .contains(&case.team)
                {
                    Ok(())
                } else {
                    Err(ServiceError::NotFound)
                }
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The staff queue: open cases of the actor's teams (or one of them), filtered.
    pub async fn case_queue(&self, actor: &Actor, q: &QueueQuery) -> Result<Queue> {
        let teams = self.case_teams_of(actor).await?;
        let keys: Vec<String> = teams.iter().map(|t| t.key.clone()).collect();
        if let Some(team) = &q.team
            && !keys.contains(team)
        {
            return Err(ServiceError::NotFound);
        }
        let now = self.now_micros();
        let cases = store::cases::queue(
            self.store(),
            &store::cases::QueueFilter {
                teams: (actor.role != Some(Role::Admin)).then_some(keys.as_slice()),
                team: q.team.as_deref(),
                status: q.status.map(CaseStatus::as_str),
                assignee: if q.mine {
                    actor.user_id.map(domain::ids::UserId::get).or(Some(-1))
                } else {
                    None
                },
                unassigned: q.unassigned,
                breached_at: q.breached.then_some(now),
                at_risk_at: q.at_risk.then_some(now),
                limit: 500,
            },
        )
        .await?;
        Ok(Queue { teams, cases })
    }

    /// One case for staff of its team, with every entry.
    pub async fn case_detail(&self, actor: &Actor, id: i64) -> Result<CaseDetail> {
        if !is_staff(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let case = store::cases::get(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.check_team_access(actor, &case).await?;
        let customer =
            store::customers::get(self.store(), domain::ids::CustomerId::new(case.customer_id))
                .await?
                .ok_or(ServiceError::NotFound)?;
        let entries = store::cases::entries(self.store(), id, true).await?;
        let members = store::cases::members(self.store(), &case.team).await?;
        let assignee_name = case
            .assignee_user_id
            .and_then(|u| members.iter().find(|m| m.0 == u).map(|m| m.1.clone()));
        let assignee_name = match (assignee_name, case.assignee_user_id) {
            (Some(n), _) => Some(n),
            (None, Some(u)) => store::users::by_id(self.store(), domain::ids::UserId::new(u))
                .await?
                .map(|u| u.display_name),
            (None, None) => None,
        };
        let (fr, rs) = self.sla_states(&case);
        Ok(CaseDetail {
            customer_name: customer.name,
            customer_number: customer.customer_number,
            assignee_name,
            members,
            teams: store::cases::teams(self.store()).await?,
            first_response_state: fr,
            resolve_state: rs,
            entries,
            case,
        })
    }

    /// Where the two SLA targets of a case stand now (`None` once met or when the case is done).
    pub fn sla_states(
        &self,
        case: &CaseRow,
    ) -> (
        Option<domain::cases::SlaState>,
        Option<domain::cases::SlaState>,
    ) {
        let open = CaseStatus::parse(&case.status).is_some_and(CaseStatus::is_open);
        let now = self.now();
        let h = BusinessHours::default();
        let from = domain::time::from_micros;
        let state = |due: i64| h.sla_state(now, from(due), from(case.created_at));
        (
            (open && case.first_response_at.is_none()).then(|| state(case.first_response_due)),
            (open && case.resolved_at.is_none()).then(|| state(case.resolve_due)),
        )
    }

    /// A customer's own cases, newest first.
    pub async fn my_cases(&self, actor: &Actor) -> Result<Vec<CaseRow>> {
        let customer = match (actor.role, actor.customer_id) {
            (Some(Role::Customer), Some(c)) => c,
            _ => return Err(ServiceError::Forbidden),
        };
        Ok(store::cases::of_customer(self.store(), customer.get(), 200).await?)
    }

    /// A customer's own case with the entries they may see (never internal notes); another
    /// customer's case is not found.
    pub async fn my_case(&self, actor: &Actor, id: i64) -> Result<(CaseRow, Vec<EntryRow>)> {
        let customer = match (actor.role, actor.customer_id) {
            (Some(Role::Customer), Some(c)) => c,
            _ => return Err(ServiceError::NotFound),
        };
        let case = store::cases::get(self.store(), id)
            .await?
            .filter(|c| c.customer_id == customer.get())
            .ok_or(ServiceError::NotFound)?;
        let entries = store::cases::entries(self.store(), id, false).await?;
        Ok((case, entries))
    }

    /// A customer's cases as staff see them on the customer page (only teams the actor works).
    pub async fn customer_cases(&self, actor: &Actor, customer: i64) -> Result<Vec<CaseRow>> {
        let teams = self.case_teams_of(actor).await?;
        let all = store::cases::of_customer(self.store(), customer, 50).await?;
        Ok(if actor.role == Some(Role::Admin) {
            all
        } else {
            all.into_iter()
                .filter(|c| teams.iter().any(|t| t.key == c.team))
                .collect()
        })
    }

    /// Opens a transaction on a case the actor's team may change.
    async fn begin_change(&self, actor: &Actor, id: i64) -> Result<(Tx, CaseRow)> {
        if !is_staff(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        let case = store::cases::get_for_update(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.check_team_access_tx(&mut tx, actor, &case).await?;
        Ok((tx, case))
    }

    async fn finish_change(
        &self,
        mut tx: Tx,
        actor: &Actor,
        id: i64,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action,
                object_kind: "case",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Assigns a case to a member of its team (`None` clears the assignee).
    pub async fn assign_case(&self, actor: &Actor, id: i64, user: Option<i64>) -> Result<()> {
        let (mut tx, case) = self.begin_change(actor, id).await?;
        if let Some(u) = user {
            let members = store::cases::members(self.store(), &case.team).await?;
            if !members.iter().any(|m| m.0 == u) {
                return Err(ServiceError::invalid(
                    "assignee",
                    "välj någon i ärendets team",
                ));
            }
        }
        store::cases::set_assignee(&mut tx, id, user, self.now_micros()).await?;
        let detail = user.map(|u| u.to_string()).unwrap_or_default();
        self.finish_change(tx, actor, id, "case_assigned", &detail)
            .await
    }

    /// Changes the status; resolving records the resolution time, reopening clears it.
    pub async fn set_case_status(&self, actor: &Actor, id: i64, status: CaseStatus) -> Result<()> {
        let (mut tx, case) = self.begin_change(actor, id).await?;
        let now = self.now_micros();
        let resolved_at = match status {
            CaseStatus::Resolved | CaseStatus::Closed => Some(case.resolved_at.unwrap_or(now)),
            _ => None,
        };
        store::cases::set_status(&mut tx, id, status.as_str(), resolved_at, now).await?;
        self.finish_change(tx, actor, id, "case_status", status.as_str())
            .await
    }

    /// Moves a case to another team's queue (the assignee is cleared).
    pub async fn move_case(&self, actor: &Actor, id: i64, team: &str) -> Result<()> {
        let teams = store::cases::teams(self.store()).await?;
        if !teams.iter().any(|t| t.key == team) {
            return Err(ServiceError::invalid("team", "okänt team"));
        }
        let (mut tx, _) = self.begin_change(actor, id).await?;
        store::cases::set_team(&mut tx, id, team, self.now_micros()).await?;
        self.finish_change(tx, actor, id, "case_moved", team).await
    }

    /// Adds a staff account to a team (admins; the demo).
    pub async fn add_team_member(&self, actor: &Actor, user_id: i64, team: &str) -> Result<()> {
        if actor.role != Some(Role::Admin) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        store::cases::add_member(&mut tx, user_id, team).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "team_member_added",
                object_kind: "user",
                object_id: &user_id.to_string(),
                outcome: Outcome::Success,
                detail: team,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer a phone case is for, by id or by customer number: (id, name, number).
    pub async fn case_customer(
        &self,
        actor: &Actor,
        id: Option<i64>,
        number: &str,
    ) -> Result<(i64, String, String)> {
        if !is_staff(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let found = match id {
            Some(id) => store::customers::get(self.store(), domain::ids::CustomerId::new(id))
                .await?
                .map(|c| (c.id.get(), c.name, c.customer_number)),
            None => store::cases::customer_by_number(self.store(), number.trim()).await?,
        };
        found.ok_or_else(|| ServiceError::invalid("customer", "ingen kund med det kundnumret"))
    }

    /// What a new case for this customer can be linked to: their extension requests and their
    /// coming visits. Customers get only their own.
    pub async fn case_link_choices(&self, actor: &Actor, customer: i64) -> Result<Vec<LinkChoice>> {
        match actor.role {
            Some(Role::Customer)
                if actor.customer_id == Some(domain::ids::CustomerId::new(customer)) => {}
            r if is_staff(r) => {}
            _ => return Err(ServiceError::NotFound),
        }
        let (_, arrangements) = self.customer_credit(customer).await?;
        let mut out: Vec<LinkChoice> = arrangements
            .into_iter()
            .map(|a| LinkChoice {
                link: CaseLink::Arrangement(a.id),
                at: None,
                detail: format!("{} {}", a.kind, a.status),
            })
            .collect();
        for v in self.customer_visits(customer).await? {
            out.push(LinkChoice {
                link: CaseLink::Visit(v.id),
                at: Some(v.starts_at),
                detail: v.status,
            });
        }
        Ok(out)
    }
}

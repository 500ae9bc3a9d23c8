//! What case workers do: the teams they work, the queues, one case, assignment, status and
//! moves between teams, and the customer a phone case is for.

use domain::cases::{CaseProblem, CaseStatus, Team};
use domain::ids::{CaseId, CustomerId, UserId};
use store::Tx;

use super::{
    CaseCustomer, CaseDetail, CaseRow, Cases, Queue, QueueQuery, is_case_worker, roles,
    sees_every_team, user_of,
};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

impl Cases {
    /// The teams a case worker works (every team for admins).
    pub async fn teams_of(&self, actor: &Actor) -> Result<Vec<Team>> {
        let all = store::cases::teams(self.s.store()).await?;
        if sees_every_team(actor.role) {
            return Ok(all);
        }
        if !is_case_worker(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let mine = match user_of(actor) {
            Some(u) => store::cases::teams_of(self.s.store(), u).await?,
            None => Vec::new(),
        };
        Ok(all.into_iter().filter(|t| mine.contains(t)).collect())
    }

    /// Every team (for routing and the move-team choice).
    pub async fn teams(&self) -> Result<Vec<Team>> {
        Ok(store::cases::teams(self.s.store()).await?)
    }

    /// A case worker may see a case of their own teams only (admins: every team); anything
    /// else is not found. Read inside the caller's transaction when there is one.
    async fn check_team_access(
        &self,
        tx: Option<&mut Tx>,
        actor: &Actor,
        case: &CaseRow,
    ) -> Result<()> {
        if sees_every_team(actor.role) {
            return Ok(());
        }
        if !is_case_worker(actor.role) {
            return Err(ServiceError::NotFound);
        }
        let user = user_of(actor).ok_or(ServiceError::NotFound)?;
        let teams = match tx {
            Some(tx) => store::cases::teams_of_tx(tx, user).await?,
            None => store::cases::teams_of(self.s.store(), user).await?,
        };
        if teams.contains(&case.team) {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    pub(super) async fn check_team_access_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case: &CaseRow,
    ) -> Result<()> {
        self.check_team_access(Some(tx), actor, case).await
    }

    /// The staff queue: open cases of the actor's teams (or one of them), filtered.
    pub async fn queue(&self, actor: &Actor, q: &QueueQuery) -> Result<Queue> {
        let teams = self.teams_of(actor).await?;
        if let Some(team) = q.team
            && !teams.contains(&team)
        {
            return Err(ServiceError::NotFound);
        }
        let assignee = match (q.mine, user_of(actor)) {
            (false, _) => None,
            (true, Some(u)) => Some(u),
            // "Mine" without an account matches nothing.
            (true, None) => {
                return Ok(Queue {
                    teams,
                    cases: Vec::new(),
                });
            }
        };
        let now = self.s.now_micros();
        let cases = store::cases::queue(
            self.s.store(),
            &store::cases::QueueFilter {
                teams: (!sees_every_team(actor.role)).then_some(teams.as_slice()),
                team: q.team,
                status: q.status,
                assignee,
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
    pub async fn detail(&self, actor: &Actor, id: CaseId) -> Result<CaseDetail> {
        if !is_case_worker(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let store = self.s.store();
        let case = store::cases::get(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.check_team_access(None, actor, &case).await?;
        let customer = store::cases::customer(store, case.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let entries = store::cases::entries(store, id, true).await?;
        let members = store::cases::members(store, case.team).await?;
        let assignee_name = match case.assignee_user_id {
            None => None,
            Some(u) => match members.iter().find(|m| m.id == u) {
                Some(m) => Some(m.name.clone()),
                None => store::cases::account(store, u)
                    .await?
                    .map(|a| a.display_name),
            },
        };
        let (first_response_state, resolve_state) = self.sla_states(&case);
        Ok(CaseDetail {
            customer,
            assignee_name,
            members,
            teams: store::cases::teams(store).await?,
            first_response_state,
            resolve_state,
            entries,
            case,
        })
    }

    /// A customer's cases as staff see them on the customer page (only teams the actor works).
    pub async fn of_customer(&self, actor: &Actor, customer: CustomerId) -> Result<Vec<CaseRow>> {
        let teams = self.teams_of(actor).await?;
        let all = store::cases::of_customer(self.s.store(), customer, 50).await?;
        Ok(if sees_every_team(actor.role) {
            all
        } else {
            all.into_iter()
                .filter(|c| teams.contains(&c.team))
                .collect()
        })
    }

    /// Opens a transaction on a case the actor's team may change.
    async fn begin_change(&self, actor: &Actor, id: CaseId) -> Result<(Tx, CaseRow)> {
        if !is_case_worker(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.s.store().begin().await?;
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
        id: CaseId,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        self.audit(&mut tx, actor, action, id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Assigns a case to a member of its team (`None` clears the assignee).
    pub async fn assign(&self, actor: &Actor, id: CaseId, user: Option<UserId>) -> Result<()> {
        let (mut tx, case) = self.begin_change(actor, id).await?;
        if let Some(u) = user {
            let members = store::cases::members(self.s.store(), case.team).await?;
            if !members.iter().any(|m| m.id == u) {
                return Err(ServiceError::invalid(
                    "assignee",
                    CaseProblem::AssigneeNotInTeam,
                ));
            }
        }
        store::cases::set_assignee(&mut tx, id, user, self.s.now_micros()).await?;
        let detail = user.map(|u| u.to_string()).unwrap_or_default();
        self.finish_change(tx, actor, id, "case_assigned", &detail)
            .await
    }

    /// Changes the status; resolving records the resolution time, reopening clears it.
    pub async fn set_status(&self, actor: &Actor, id: CaseId, status: CaseStatus) -> Result<()> {
        let (mut tx, case) = self.begin_change(actor, id).await?;
        let now = self.s.now_micros();
        let resolved_at = match status {
            CaseStatus::Resolved | CaseStatus::Closed => Some(case.resolved_at.unwrap_or(now)),
            _ => None,
        };
        store::cases::set_status(&mut tx, id, status, resolved_at, now).await?;
        self.finish_change(tx, actor, id, "case_status", status.as_str())
            .await
    }

    /// Moves a case to another team's queue (the assignee is cleared).
    pub async fn move_to(&self, actor: &Actor, id: CaseId, team: Team) -> Result<()> {
        let (mut tx, _) = self.begin_change(actor, id).await?;
        store::cases::set_team(&mut tx, id, team, self.s.now_micros()).await?;
        self.finish_change(tx, actor, id, "case_moved", team.as_str())
            .await
    }

    /// Adds a staff account to a team (admins; the demo).
    pub async fn add_team_member(&self, actor: &Actor, user: UserId, team: Team) -> Result<()> {
        if !actor.role.is_some_and(|r| roles::TEAM_ADMINS.contains(&r)) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.s.store().begin().await?;
        store::cases::add_member(&mut tx, user, team).await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "team_member_added",
                object_kind: "user",
                object_id: &user.to_string(),
                outcome: Outcome::Success,
                detail: team.as_str(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer a phone case is for, by id or by customer number.
    pub async fn customer(
        &self,
        actor: &Actor,
        id: Option<CustomerId>,
        number: &str,
    ) -> Result<CaseCustomer> {
        if !is_case_worker(actor.role) {
            return Err(ServiceError::Forbidden);
        }
        let found = match id {
            Some(id) => store::cases::customer(self.s.store(), id).await?,
            None => store::cases::customer_by_number(self.s.store(), number.trim()).await?,
        };
        found.ok_or_else(|| ServiceError::invalid("customer", CaseProblem::NoSuchCustomerNumber))
    }
}

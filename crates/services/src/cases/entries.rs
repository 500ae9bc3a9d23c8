//! Opening a case and adding entries to it, from every source; each tells the customer through
//! the outbox in the transaction that makes the change.

use domain::cases::{BusinessHours, CaseProblem, CaseSource, CaseStatus, EntryKind};
use domain::ids::{CaseEntryId, CaseId};
use store::Tx;
use views::messages::CustomerMessage;

use super::{Cases, NewCase, is_case_worker, is_customer, own_customer, user_of};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

impl Cases {
    /// Opens a case in its own transaction; see [`Cases::open_in`].
    pub async fn open(&self, actor: &Actor, new: NewCase) -> Result<CaseId> {
        let mut tx = self.s.store().begin().await?;
        let id = self.open_in(&mut tx, actor, &new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Who may open `new`: the customer for themselves (not as a phone case), case workers,
    /// and the chat itself (no role) for a chat case.
    fn may_open(actor: &Actor, new: &NewCase) -> Result<()> {
        match actor.role {
            r if is_customer(r) => {
                if own_customer(actor) != Some(new.customer_id) {
                    return Err(ServiceError::NotFound);
                }
                if new.source == CaseSource::Phone {
                    return Err(ServiceError::Forbidden);
                }
                Ok(())
            }
            r if is_case_worker(r) => Ok(()),
            None if new.source == CaseSource::Chat => Ok(()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// Opens a case inside the caller's transaction: checks who may open it, routes it to the
    /// team of its category, sets the SLA due times, writes the first entry and the audit log,
    /// and queues a confirmation to the customer on their channel.
    pub async fn open_in(&self, tx: &mut Tx, actor: &Actor, new: &NewCase) -> Result<CaseId> {
        Self::may_open(actor, new)?;
        let subject = domain::cases::check_subject(&new.subject)
            .map_err(|p| ServiceError::invalid("subject", p))?;
        let body =
            domain::cases::check_body(&new.body).map_err(|p| ServiceError::invalid("body", p))?;
        let contact = store::customers::contact(tx, new.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let Some(link) = new.link
            && store::cases::link_owner(tx, link).await? != Some(Some(new.customer_id))
        {
            return Err(ServiceError::invalid(
                "link",
                CaseProblem::LinkNotTheCustomers,
            ));
        }
        let targets = self.sla_targets(new.category).await?;
        let now = self.s.now();
        let due = BusinessHours::default().due_times(now, targets);
        let micros = domain::time::to_micros;
        let now_us = micros(now);
        let team = new.category.team();
        let id = store::cases::insert_case(
            tx,
            &store::cases::NewCaseRow {
                customer_id: new.customer_id,
                category: new.category,
                source: new.source,
                status: CaseStatus::New,
                team,
                assignee_user_id: None,
                subject,
                link: new.link,
                created_by: &actor.name,
                now: now_us,
                first_response_due: micros(due.first_response_due),
                first_response_risk_at: micros(due.first_response_risk_at),
                resolve_due: micros(due.resolve_due),
                resolve_risk_at: micros(due.resolve_risk_at),
            },
        )
        .await?;
        // The customer's own words are signed with their name; a message taken on the phone
        // with the account of whoever took it.
        let by_customer = own_customer(actor).is_some() || new.source == CaseSource::Chat;
        let (author_user_id, author_name) = if by_customer {
            (
                user_of(actor).filter(|_| own_customer(actor).is_some()),
                contact.name.clone(),
            )
        } else {
            (user_of(actor), self.author_of(actor).await?)
        };
        store::cases::insert_entry(
            tx,
            &store::cases::NewEntry {
                case_id: id,
                kind: EntryKind::CustomerMessage,
                author_user_id,
                author_name: &author_name,
                body,
                now: now_us,
            },
        )
        .await?;
        let detail = format!("{} {} {team}", new.source, new.category);
        self.audit(tx, actor, "case_opened", id, &detail).await?;
        let message = views::messages::cases::CaseOpened {
            case: id.get(),
            name: contact.name.clone(),
            subject: subject.to_owned(),
            category: new.category,
            answer_by: domain::time::format_datetime(due.first_response_due, self.s.tz()),
            link: self.portal_link(id),
        };
        self.s
            .tell(tx, &contact, &message, format!("case:{id}:opened"))
            .await?;
        Ok(id)
    }

    fn portal_link(&self, id: CaseId) -> String {
        format!("{}/mina-sidor/arenden/{id}", self.s.public_url())
    }

    pub(super) async fn audit(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        id: CaseId,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            tx,
            &self.s,
            actor,
            &Event {
                action,
                object_kind: "case",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }

    /// Adds an entry in its own transaction; see [`Cases::add_entry_in`].
    pub async fn add_entry(
        &self,
        actor: &Actor,
        case_id: CaseId,
        kind: EntryKind,
        body: &str,
    ) -> Result<CaseEntryId> {
        let mut tx = self.s.store().begin().await?;
        let id = self
            .add_entry_in(&mut tx, actor, case_id, kind, body)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Who may write an entry of `kind` on `case`, the status the case moves to, and the name
    /// the entry is signed with.
    async fn entry_rights(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case: &store::cases::CaseRow,
        kind: EntryKind,
        customer_name: &str,
    ) -> Result<(Option<CaseStatus>, String)> {
        if is_customer(actor.role) {
            if own_customer(actor) != Some(case.customer_id) {
                return Err(ServiceError::NotFound);
            }
            if !matches!(kind, EntryKind::CustomerMessage | EntryKind::ChatTranscript) {
                return Err(ServiceError::Forbidden);
            }
            let reopen = match case.status {
                CaseStatus::Closed => {
                    return Err(ServiceError::conflict(CaseProblem::CaseClosed));
                }
                CaseStatus::WaitingOnCustomer | CaseStatus::Resolved => Some(CaseStatus::Open),
                _ => None,
            };
            return Ok((reopen, customer_name.to_owned()));
        }
        match actor.role {
            r if is_case_worker(r) => {
                self.check_team_access_tx(tx, actor, case).await?;
                let open = (case.status == CaseStatus::New).then_some(CaseStatus::Open);
                Ok((open, self.author_of(actor).await?))
            }
            None if kind == EntryKind::ChatTranscript => Ok((None, actor.name.clone())),
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// Adds an entry to a case inside the caller's transaction.
    ///
    /// Customers write customer messages (and chat transcripts) on their own cases; a message
    /// on a case waiting for them or resolved reopens it; a closed case takes no more messages.
    /// Staff of the case's team write replies, internal notes, chat transcripts and messages
    /// taken on the phone; the first reply records the first response; a new case becomes open.
    /// A reply is sent to the customer through the outbox with a link to the portal case.
    pub async fn add_entry_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: CaseId,
        kind: EntryKind,
        body: &str,
    ) -> Result<CaseEntryId> {
        let body = domain::cases::check_body(body).map_err(|p| ServiceError::invalid("body", p))?;
        let case = store::cases::get_for_update(tx, case_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.s.now_micros();
        let contact = store::customers::contact(tx, case.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (new_status, author_name) = self
            .entry_rights(tx, actor, &case, kind, &contact.name)
            .await?;
        let entry = store::cases::insert_entry(
            tx,
            &store::cases::NewEntry {
                case_id,
                kind,
                author_user_id: user_of(actor),
                author_name: &author_name,
                body,
                now,
            },
        )
        .await?;
        match new_status {
            Some(s) => store::cases::set_status(tx, case_id, s, None, now).await?,
            None => store::cases::touch(tx, case_id, now).await?,
        }
        if kind == EntryKind::AgentReply {
            store::cases::record_first_response(tx, case_id, now).await?;
            let message = views::messages::cases::CaseReplied {
                case: case_id.get(),
                name: contact.name.clone(),
                subject: case.subject.clone(),
                link: self.portal_link(case_id),
            };
            let message: &dyn CustomerMessage = &message;
            self.s
                .tell(
                    tx,
                    &contact,
                    message,
                    format!("case:{case_id}:reply:{entry}"),
                )
                .await?;
        }
        self.audit(tx, actor, "case_entry_added", case_id, kind.as_str())
            .await?;
        Ok(entry)
    }
}

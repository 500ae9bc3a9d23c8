//! Support for local events: organisers apply on a public form (or through the API); an event
//! above the gathering limit in force on its day is refused at once with the limit and its
//! source (exactly the limit is allowed). A continuity manager decides; approved support goes
//! into the ledger and the organiser is told by e-mail.

use domain::community::events::{EventNeed, EventState, check_attendees};
use domain::community::{CommunityProblem, LedgerCategory, RecipientKind};
use domain::customer::Channel;
use domain::identity::OrgNumber;
use domain::ids::EventId;
use domain::problem::Problem;
use store::community::{self as db, Decision, EventRow, NewEntry, NewEvent};

use super::{Community, count, date, kronor, roles, text};
use crate::Actor;
use crate::error::{Result, ServiceError};
use crate::outbox::Message;

/// An application as typed in (or sent to the API).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventInput {
    pub organiser: String,
    pub org_number: String,
    pub contact_name: String,
    /// Where the decision is sent; the public form requires it.
    pub contact_email: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub expected_attendees: String,
    /// Codes of [`EventNeed`].
    pub needs: Vec<String>,
    /// Kronor asked for (with the need `money`).
    pub amount: String,
    pub description: String,
}

fn email(value: &str) -> Result<Option<&str>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.len() > 200 || !v.contains('@') || v.contains(char::is_whitespace) {
        return Err(ServiceError::invalid(
            "contact_email",
            domain::suppliers::SupplierProblem::BadEmail,
        ));
    }
    Ok(Some(v))
}

impl Community {
    /// Takes in an application (anyone: the form is public). `email_required`: the public form
    /// needs an address to answer to; the API may leave it out.
    pub async fn apply_for_event(
        &self,
        actor: &Actor,
        input: &EventInput,
        email_required: bool,
    ) -> Result<EventId> {
        let organiser = text("organiser", &input.organiser, 200)?;
        let org_number = input
            .org_number
            .trim()
            .parse::<OrgNumber>()
            .map_err(|e| ServiceError::invalid("org_number", Problem::Identity(e)))?;
        let contact_email = email(&input.contact_email)?;
        if email_required && contact_email.is_none() {
            return Err(ServiceError::invalid("contact_email", Problem::Required));
        }
        let contact_name = Some(input.contact_name.trim()).filter(|n| !n.is_empty());
        if contact_name.is_some_and(|n| n.chars().count() > 200) {
            return Err(ServiceError::invalid(
                "contact_name",
                Problem::TooLong { max: 200 },
            ));
        }
        let event_on = date("date", &input.date)?;
        if event_on < self.s.today() {
            return Err(ServiceError::invalid("date", Problem::InThePast));
        }
        let place = text("place", &input.place, 200)?;
        let expected = u32::try_from(count(
            "expected_attendees",
            &input.expected_attendees,
            1,
            1_000_000,
        )?)
        .unwrap_or(u32::MAX);
        let mut needs = Vec::new();
        for n in &input.needs {
            let need = domain::code::parse_code::<EventNeed>(n.trim())
                .map_err(|e| ServiceError::invalid("needs", e))?;
            if !needs.contains(&need) {
                needs.push(need);
            }
        }
        if needs.is_empty() {
            return Err(ServiceError::invalid("needs", CommunityProblem::NoNeeds));
        }
        let amount = kronor("amount", &input.amount)?;
        let description = input.description.trim();
        if description.chars().count() > 2000 {
            return Err(ServiceError::invalid(
                "description",
                Problem::TooLong { max: 2000 },
            ));
        }
        self.check_limit(event_on, expected).await?;
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_event(
            &mut tx,
            &NewEvent {
                organiser,
                org_number: &org_number,
                contact_name,
                contact_email,
                event_on,
                place,
                expected_attendees: expected,
                needs: &needs,
                amount,
                description,
            },
            self.s.now_micros(),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "event_applied",
            "community_event",
            id.get(),
            organiser,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Refuses `expected` people on `day` above the gathering limit of the community policy in
    /// force at the start of that day.
    async fn check_limit(&self, day: jiff::civil::Date, expected: u32) -> Result<()> {
        let policy = self
            .policy_at(domain::time::start_of_day(day, self.s.tz()))
            .await?;
        check_attendees(policy.gathering_limit.as_ref(), expected)
            .map_err(|e| ServiceError::invalid("expected_attendees", e))
    }

    /// Every application, the latest event first (continuity managers and admins).
    pub async fn events(&self, actor: &Actor) -> Result<Vec<EventRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::events(self.s.store()).await?)
    }

    /// Decides an application: approved (with the support given, which goes into the ledger)
    /// or refused with a note; the organiser is told by e-mail. An event now above the limit in
    /// force on its day cannot be approved.
    pub async fn decide_event(
        &self,
        actor: &Actor,
        id: EventId,
        approve: bool,
        support: &str,
        note: &str,
    ) -> Result<()> {
        Self::require(actor, roles::DECIDE)?;
        let support = kronor("support", support)?;
        let note = note.trim();
        if note.chars().count() > 1000 {
            return Err(ServiceError::invalid(
                "note",
                Problem::TooLong { max: 1000 },
            ));
        }
        if !approve && note.is_empty() {
            return Err(ServiceError::invalid("note", Problem::ReasonRequired));
        }
        let event = {
            let mut tx = self.s.store().begin().await?;
            let e = db::event(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            tx.rollback().await?;
            e
        };
        if event.state != EventState::Applied {
            return Err(ServiceError::conflict(CommunityProblem::AlreadyDecided));
        }
        if approve {
            if event.event_on < self.s.today() {
                return Err(ServiceError::conflict(CommunityProblem::EventPassed));
            }
            self.check_limit(event.event_on, event.expected_attendees)
                .await?;
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let decision = Decision {
            state: if approve {
                EventState::Approved
            } else {
                EventState::Refused
            },
            decided_by: &actor.name,
            note,
            support: approve.then_some(support),
        };
        if !db::decide_event(&mut tx, id, &decision, now).await? {
            return Err(ServiceError::conflict(CommunityProblem::AlreadyDecided));
        }
        if approve && !support.is_zero() {
            let org = event.org_number.to_string();
            let description = format!("{} {}", event.place, event.event_on);
            let reason = if note.is_empty() {
                "event support"
            } else {
                note
            };
            db::insert_entry(
                &mut tx,
                &NewEntry {
                    category: LedgerCategory::EventSupport,
                    given_on: self.s.today(),
                    amount: support,
                    recipient_kind: RecipientKind::Organisation,
                    recipient: &event.organiser,
                    recipient_org_number: Some(&org),
                    customer_id: None,
                    description: &description,
                    item_id: None,
                    quantity: None,
                    decided_by: &actor.name,
                    reason,
                    source_key: Some(&format!("event:{}", id.get())),
                },
                now,
            )
            .await?;
        }
        self.tell_organiser(&mut tx, &event, approve, support, note)
            .await?;
        let action = if approve {
            "event_approved"
        } else {
            "event_refused"
        };
        self.audit(&mut tx, actor, action, "community_event", id.get(), note)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tell_organiser(
        &self,
        tx: &mut store::Tx,
        event: &EventRow,
        approved: bool,
        support: domain::money::Money,
        note: &str,
    ) -> Result<()> {
        let Some(to) = event.contact_email.as_deref() else {
            return Ok(());
        };
        let message = views::messages::community::EventDecided {
            organiser: event.organiser.clone(),
            place: event.place.clone(),
            date: event.event_on,
            approved,
            support: (approved && !support.is_zero()).then_some(support),
            note: note.to_owned(),
        };
        self.email(
            tx,
            to,
            &message,
            format!("community:event:{}:decided", event.id),
        )
        .await
    }

    /// E-mails someone who is not a customer (an organiser), in Swedish.
    pub(super) async fn email(
        &self,
        tx: &mut store::Tx,
        to: &str,
        message: &dyn views::messages::CustomerMessage,
        dedupe_key: String,
    ) -> Result<()> {
        let rendered = message
            .render(domain::customer::Language::Sv)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.s
            .queue_message(
                tx,
                &Message {
                    channel: Channel::Email,
                    customer_id: None,
                    recipient: to.to_owned(),
                    subject: rendered.subject,
                    body: rendered.text,
                    html: Some(rendered.html),
                    attachment: None,
                    dedupe_key: Some(dedupe_key),
                },
            )
            .await?;
        Ok(())
    }
}

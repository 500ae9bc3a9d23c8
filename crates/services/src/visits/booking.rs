//! Booking, confirming, cancelling and moving a visit. Every change of places happens in one
//! write transaction with the bucket updates, so the cap holds under any concurrency.

use domain::ids::VisitId;
use domain::time::{civil_date, from_micros};
use domain::visits::{self as rules, VisitError, VisitSource, VisitStatus, WaitStatus};
use store::Tx;

use super::messages::Notice;
use super::{
    Booked, BookingError, BookingRequest, CONFIRM_WITHIN_MINUTES, Caps, MAX_UNCONFIRMED, MINUTE,
    SiteView, VisitRow, Visits, normalise_phone, person_key, retry_transient, roles, take_places,
};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// What a booking request was checked into before its transaction opens.
struct Checked {
    view: SiteView,
    end: i64,
    caps: Caps,
    person: String,
    status: VisitStatus,
    expires_at: Option<i64>,
}

impl Visits {
    /// Books a visit. Never exceeds the cap or the staffed desks at any instant of the visit.
    pub async fn book(&self, actor: &Actor, req: &BookingRequest) -> Result<Booked, BookingError> {
        may_book(actor, req)?;
        if let Some(done) = self.replay(req).await? {
            return Ok(done);
        }
        self.count_public(actor, req).await?;
        match retry_transient(|| self.try_book(actor, req)).await {
            // The same key raced another request of the same client (a unique-key conflict), or
            // waited on the same person's lock and then found that request's visit overlapping:
            // answer with that visit.
            Err(BookingError::Service(ServiceError::Store(e)))
                if e.is_conflict_on("idempotency") =>
            {
                self.replay(req)
                    .await?
                    .ok_or_else(|| ServiceError::conflict(VisitError::Retry).into())
            }
            Err(BookingError::Overlap) if req.idempotency_key.is_some() => {
                self.replay(req).await?.ok_or(BookingError::Overlap)
            }
            other => other,
        }
    }

    /// The booking an earlier request with the same idempotency key made, if any.
    async fn replay(&self, req: &BookingRequest) -> Result<Option<Booked>> {
        let Some(key) = &req.idempotency_key else {
            return Ok(None);
        };
        let Some(visit) = store::visits::by_idempotency_key(self.store(), key).await? else {
            return Ok(None);
        };
        // A key stands for one request: the same key with another body is a client's mistake,
        // answered as such, not with a visit that is not what it asked for.
        let same = visit.site_id == req.site_id
            && visit.service_id == req.service_id
            && visit.starts_at == req.start
            && visit.party == i64::from(req.party)
            && visit.name == req.name.trim()
            && visit.phone == req.phone.trim();
        if !same {
            return Err(ServiceError::conflict(VisitError::IdempotencyKeyReused));
        }
        let link = self.visit_link(visit.id).await?;
        Ok(Some(Booked {
            visit,
            link,
            replayed: true,
        }))
    }

    /// The request checked against the site's rules, outside any transaction.
    async fn check(&self, req: &BookingRequest) -> Result<Checked, BookingError> {
        validate_contact(req)?;
        rules::check_party(req.party).map_err(|e| BookingError::invalid("party", e))?;
        let view = self.site_view(req.site_id).await.map_err(|e| match e {
            ServiceError::NotFound => BookingError::invalid("site", VisitError::UnknownSite),
            e => e.into(),
        })?;
        let service = view
            .service(req.service_id)
            .ok_or_else(|| BookingError::invalid("service", VisitError::UnknownService))?;
        let now = self.now();
        let duration = u32::try_from(service.duration_minutes).unwrap_or(0);
        let (end, _) = view
            .rules
            .check_start(req.start, duration, now)
            .map_err(|e| BookingError::invalid("start", e))?;
        let public = req.source == VisitSource::Public;
        Ok(Checked {
            view,
            end,
            caps: self.caps().await?,
            person: person_key(req.customer_id, &req.phone),
            status: if public {
                VisitStatus::Unconfirmed
            } else {
                VisitStatus::Booked
            },
            expires_at: public.then_some(now + CONFIRM_WITHIN_MINUTES * MINUTE),
        })
    }

    async fn try_book(&self, actor: &Actor, req: &BookingRequest) -> Result<Booked, BookingError> {
        // Links are signed with a key read (or created) before any write transaction opens:
        // creating it needs the writer, which an open transaction holds.
        self.s.link_secret().await?;
        let c = self.check(req).await?;
        let now = self.now();
        let mut tx = self.store().begin().await?;
        store::visits::lock_person(&mut tx, &c.person, now).await?;
        if store::visits::overlapping(&mut tx, &c.person, req.start, c.end, None).await? > 0 {
            return Err(BookingError::Overlap);
        }
        // Unconfirmed bookings hold places for half an hour: one phone number may hold at most
        // two at a time, so the public page cannot be used to block a day.
        if req.source == VisitSource::Public
            && store::visits::unconfirmed_holds(&mut tx, &c.person, now).await? >= MAX_UNCONFIRMED
        {
            return Err(BookingError::invalid(
                "phone",
                VisitError::TooManyUnconfirmed,
            ));
        }
        take_places(&mut tx, &c.view, &c.caps, req.start, c.end, req.party).await?;
        let id = self.insert(&mut tx, actor, req, &c).await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(id).await?;
        let notice = if c.status == VisitStatus::Unconfirmed {
            Notice::ConfirmRequest
        } else {
            Notice::Confirmation
        };
        self.notify(&mut tx, &c.view, &visit, notice, &link).await?;
        if req.source == VisitSource::Agent {
            self.audit(&mut tx, actor, "visit_booked", id, req.source.as_str())
                .await?;
        }
        tx.commit().await?;
        Ok(Booked {
            visit,
            link,
            replayed: false,
        })
    }

    async fn insert(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        req: &BookingRequest,
        c: &Checked,
    ) -> Result<VisitId> {
        store::visits::insert_visit(
            tx,
            &store::visits::NewVisit {
                site_id: req.site_id,
                service_id: req.service_id,
                starts_at: req.start,
                ends_at: c.end,
                party: i64::from(req.party),
                status: c.status,
                source: req.source,
                customer_id: req.customer_id,
                name: req.name.trim(),
                phone: req.phone.trim(),
                email: req
                    .email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty()),
                language: req.language,
                person_key: &c.person,
                idempotency_key: req.idempotency_key.as_deref(),
                booked_by: actor.user_id,
                waitlist_id: None,
                expires_at: c.expires_at,
                checked_in_at: None,
                now: self.now(),
            },
        )
        .await
        .map_err(Into::into)
    }

    pub(super) async fn audit(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        id: VisitId,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            tx,
            &self.s,
            actor,
            &Event {
                action,
                object_kind: "visit",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }

    /// Confirms a booking from the public page, or accepts a waitlist offer.
    pub async fn confirm(&self, token: &str) -> Result<VisitRow> {
        self.s.link_secret().await?;
        let v = self.visit_by_token(token).await?;
        let view = self.site_view(v.site_id).await?;
        let now = self.now();
        let mut tx = self.store().begin().await?;
        if v.expires_at.is_some_and(|e| e <= now) {
            return Err(ServiceError::conflict(VisitError::ConfirmExpired));
        }
        if !store::visits::transition(
            &mut tx,
            v.id,
            VisitStatus::AWAITING,
            VisitStatus::Booked,
            now,
        )
        .await?
        {
            return Err(ServiceError::conflict(VisitError::NotAwaitingConfirmation));
        }
        if let Some(w) = v.waitlist_id {
            store::visits::wait_transition(
                &mut tx,
                w,
                WaitStatus::Offered,
                WaitStatus::Booked,
                Some(v.id),
            )
            .await?;
        }
        let visit = store::visits::visit_in(&mut tx, v.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(v.id).await?;
        self.notify(&mut tx, &view, &visit, Notice::Confirmation, &link)
            .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Cancels a visit before it starts; its places are free at once and offered to the
    /// waitlist of the day.
    pub async fn cancel(&self, actor: &Actor, id: VisitId) -> Result<VisitRow> {
        // Cancelling locks buckets and then (offering the places) a waiting person's row; a
        // booking takes them the other way round, so PostgreSQL may pick one as a deadlock
        // victim: run it again.
        retry_transient(|| self.try_cancel(actor, id)).await
    }

    async fn try_cancel(&self, actor: &Actor, id: VisitId) -> Result<VisitRow> {
        self.s.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now();
        let started = |v: &VisitRow| v.starts_at <= now && !v.status.awaits_confirmation();
        if started(&v) {
            return Err(ServiceError::conflict(VisitError::Started));
        }
        let view = self.site_view(v.site_id).await?;
        let mut tx = self.store().begin().await?;
        // Decide from the visit as it is now, row locked: a rebook may have moved it since it
        // was read, and giving back its old places would corrupt the counts.
        let v = store::visits::lock_visit(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if started(&v) {
            return Err(ServiceError::conflict(VisitError::Started));
        }
        if !store::visits::transition(&mut tx, id, VisitStatus::OPEN, VisitStatus::Cancelled, now)
            .await?
        {
            return Err(ServiceError::conflict(VisitError::AlreadyCancelled));
        }
        store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
        if let Some(w) = v.waitlist_id {
            store::visits::wait_transition(
                &mut tx,
                w,
                WaitStatus::Offered,
                WaitStatus::Cancelled,
                None,
            )
            .await?;
        }
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if v.status != VisitStatus::Offered {
            let link = self.visit_link(id).await?;
            self.notify(&mut tx, &view, &visit, Notice::Cancelled, &link)
                .await?;
        }
        if actor.user_id.is_some() && actor.customer_id.is_none() {
            self.audit(&mut tx, actor, "visit_cancelled", id, "")
                .await?;
        }
        let day = civil_date(from_micros(v.starts_at), self.s.tz());
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a visit to another start in one transaction: the new places are taken and the old
    /// given back together, so a full new time leaves the old booking untouched.
    pub async fn rebook(
        &self,
        actor: &Actor,
        id: VisitId,
        start: i64,
    ) -> Result<VisitRow, BookingError> {
        retry_transient(|| self.try_rebook(actor, id, start)).await
    }

    /// The visit may still move: open, and not started.
    fn check_movable(v: &VisitRow, now: i64) -> Result<()> {
        if !v.status.is_open() {
            return Err(ServiceError::conflict(VisitError::NotMovable));
        }
        if v.starts_at <= now {
            return Err(ServiceError::conflict(VisitError::Started));
        }
        Ok(())
    }

    async fn try_rebook(
        &self,
        actor: &Actor,
        id: VisitId,
        start: i64,
    ) -> Result<VisitRow, BookingError> {
        self.s.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now();
        Self::check_movable(&v, now)?;
        let view = self.site_view(v.site_id).await?;
        let duration = u32::try_from((v.ends_at - v.starts_at) / MINUTE).unwrap_or(0);
        let (end, _) = view
            .rules
            .check_start(start, duration, now)
            .map_err(|e| BookingError::invalid("start", e))?;
        let caps = self.caps().await?;
        let party = u32::try_from(v.party).unwrap_or(1);
        let mut tx = self.store().begin().await?;
        store::visits::lock_person(&mut tx, &v.person_key, now).await?;
        // The visit as it is now, row locked: a concurrent cancel or rebook may have changed it
        // since it was read, and its current places are the ones to give back.
        let v = store::visits::lock_visit(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Self::check_movable(&v, now)?;
        if v.ends_at - v.starts_at != end - start {
            return Err(ServiceError::conflict(VisitError::Changed).into());
        }
        if store::visits::overlapping(&mut tx, &v.person_key, start, end, Some(id)).await? > 0 {
            return Err(BookingError::Overlap);
        }
        // Give back first, then take: a visit moved by 15 minutes overlaps itself.
        store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
        take_places(&mut tx, &view, &caps, start, end, party).await?;
        if !store::visits::move_visit(&mut tx, id, start, end).await? {
            return Err(ServiceError::conflict(VisitError::AlreadyCancelled).into());
        }
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if visit.status == VisitStatus::Booked {
            let link = self.visit_link(id).await?;
            self.notify(&mut tx, &view, &visit, Notice::Confirmation, &link)
                .await?;
        }
        if actor.user_id.is_some() && actor.customer_id.is_none() {
            self.audit(&mut tx, actor, "visit_rebooked", id, "").await?;
        }
        let old_day = civil_date(from_micros(v.starts_at), self.s.tz());
        self.offer_freed(&mut tx, &view, old_day).await?;
        tx.commit().await?;
        Ok(visit)
    }
}

/// Who may book from where: the desk and API clients for callers, customers for themselves
/// (a customer books only under their own customer number), anyone on the public page.
fn may_book(actor: &Actor, req: &BookingRequest) -> Result<()> {
    match req.source {
        VisitSource::Public => Ok(()),
        VisitSource::Portal => {
            roles::may(actor, roles::CUSTOMERS)?;
            match (actor.role, actor.customer_id) {
                (Some(_), Some(own)) if req.customer_id != Some(own) => {
                    Err(ServiceError::Forbidden)
                }
                (Some(_), None) => Err(ServiceError::Forbidden),
                _ => Ok(()),
            }
        }
        VisitSource::Agent | VisitSource::Api | VisitSource::WalkIn | VisitSource::Waitlist => {
            roles::may(actor, roles::DESK)
        }
    }
}

/// A name, a phone number to be reached at (a customer of record may have none), and an e-mail
/// address that looks like one.
pub(super) fn validate_contact(req: &BookingRequest) -> Result<(), BookingError> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(BookingError::invalid("name", VisitError::Name));
    }
    let known_without_phone = req.customer_id.is_some() && req.phone.trim().is_empty();
    if normalise_phone(&req.phone).is_none() && !known_without_phone {
        return Err(BookingError::invalid("phone", VisitError::Phone));
    }
    if let Some(e) = &req.email
        && (!e.contains('@') || e.len() > 200 || e.chars().any(char::is_whitespace))
    {
        return Err(BookingError::invalid("email", VisitError::Email));
    }
    Ok(())
}

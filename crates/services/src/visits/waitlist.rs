//! The waitlist of a day: freed places are offered to the people waiting, first come first,
//! each offer held for [`OFFER_HOURS`](super::OFFER_HOURS) or until the visit would start.

use domain::visits::{self as rules, VisitError, VisitSource, VisitStatus, WaitStatus};
use jiff::civil::Date;
use store::Tx;

use super::booking::validate_contact;
use super::messages::Notice;
use super::{
    BookingError, BookingRequest, MINUTE, OFFER_HOURS, SiteView, Visits, WaitRow, person_key,
    take_places,
};
use crate::Actor;
use crate::error::{Result, ServiceError};

impl Visits {
    /// Puts a person on the waitlist for a day; when places free up they are offered in turn.
    pub async fn join_waitlist(
        &self,
        actor: &Actor,
        req: &BookingRequest,
        day: Date,
    ) -> Result<WaitRow, BookingError> {
        self.s.link_secret().await?;
        validate_contact(req)?;
        self.count_public(actor, req).await?;
        rules::check_party(req.party).map_err(|e| BookingError::invalid("party", e))?;
        let view = self.site_view(req.site_id).await?;
        if view.service(req.service_id).is_none() {
            return Err(BookingError::invalid("service", VisitError::UnknownService));
        }
        if day < self.s.today() || view.rules.spans_on(day).is_empty() {
            return Err(BookingError::invalid("day", VisitError::Closed));
        }
        let key = person_key(req.customer_id, &req.phone);
        let mut tx = self.store().begin().await?;
        self.may_wait(&mut tx, &key, req, day).await?;
        let id = store::visits::insert_wait(
            &mut tx,
            &store::visits::NewWait {
                site_id: req.site_id,
                service_id: req.service_id,
                day,
                party: i64::from(req.party),
                customer_id: req.customer_id,
                name: req.name.trim(),
                phone: req.phone.trim(),
                email: req.email.as_deref().filter(|e| !e.trim().is_empty()),
                language: req.language,
                person_key: &key,
                now: self.now(),
            },
        )
        .await?;
        // Places may be free already (a cancellation since the page was shown).
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        store::visits::wait(self.store(), id)
            .await?
            .ok_or_else(|| ServiceError::NotFound.into())
    }

    /// Leaves the waitlist through the link.
    pub async fn leave_waitlist(&self, token: &str) -> Result<WaitRow> {
        let id = self.wait_id_of(token).await?;
        let mut tx = self.store().begin().await?;
        store::visits::wait_transition(
            &mut tx,
            id,
            WaitStatus::Waiting,
            WaitStatus::Cancelled,
            None,
        )
        .await?;
        tx.commit().await?;
        store::visits::wait(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Offers freed places of `day` to the waitlist, first come first: each entry whose party
    /// fits the earliest free slot gets that slot held for it until its deadline.
    pub(super) async fn offer_freed(
        &self,
        tx: &mut Tx,
        view: &SiteView,
        day: Date,
    ) -> Result<usize> {
        let waiting = store::visits::waiting_in(tx, view.site.id, day).await?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let caps = self.caps().await?;
        let mut offered = 0;
        // A shape (duration, party) that found no free slot finds none later in this pass
        // either (offers only take places), nor does a larger party of the same duration: with
        // a thousand people waiting, a freed place costs a few searches, not a thousand.
        let mut no_slot: Vec<(i64, i64)> = Vec::new();
        for w in waiting {
            let Some(service) = view.service(w.service_id) else {
                continue;
            };
            let duration = service.duration_minutes;
            if no_slot
                .iter()
                .any(|(d, party)| *d == duration && *party <= w.party)
            {
                continue;
            }
            match self.offer(tx, view, &caps, &w, day).await? {
                Offer::Made => offered += 1,
                Offer::NoSlot => no_slot.push((duration, w.party)),
                Offer::NotForThisPerson => {}
            }
        }
        Ok(offered)
    }

    /// Offers `w` the first free slot of `day` that fits, if any.
    async fn offer(
        &self,
        tx: &mut Tx,
        view: &SiteView,
        caps: &super::Caps,
        w: &WaitRow,
        day: Date,
    ) -> Result<Offer> {
        let Some(service) = view.service(w.service_id) else {
            return Ok(Offer::NotForThisPerson);
        };
        let party = u32::try_from(w.party).unwrap_or(1);
        let duration = u32::try_from(service.duration_minutes).unwrap_or(0);
        let Some(slot) = self
            .first_free_slot(tx, view, caps, duration, party, day)
            .await?
        else {
            return Ok(Offer::NoSlot);
        };
        let now = self.now();
        store::visits::lock_person(tx, &w.person_key, now).await?;
        if store::visits::overlapping(tx, &w.person_key, slot.start, slot.end, None).await? > 0 {
            return Ok(Offer::NotForThisPerson);
        }
        if take_places(tx, view, caps, slot.start, slot.end, party)
            .await
            .is_err()
        {
            return Ok(Offer::NoSlot);
        }
        let deadline = (now + OFFER_HOURS * 60 * MINUTE).min(slot.start);
        let id = store::visits::insert_visit(
            tx,
            &store::visits::NewVisit {
                site_id: view.site.id,
                service_id: service.id,
                starts_at: slot.start,
                ends_at: slot.end,
                party: w.party,
                status: VisitStatus::Offered,
                source: VisitSource::Waitlist,
                customer_id: w.customer_id,
                name: &w.name,
                phone: &w.phone,
                email: w.email.as_deref(),
                language: w.language,
                person_key: &w.person_key,
                idempotency_key: None,
                booked_by: None,
                waitlist_id: Some(w.id),
                expires_at: Some(deadline),
                checked_in_at: None,
                now,
            },
        )
        .await?;
        store::visits::wait_transition(
            tx,
            w.id,
            WaitStatus::Waiting,
            WaitStatus::Offered,
            Some(id),
        )
        .await?;
        let visit = store::visits::visit_in(tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let link = self.visit_link(id).await?;
        self.notify(tx, view, &visit, Notice::Offer, &link).await?;
        Ok(Offer::Made)
    }
}

/// What offering a freed place to one person came to.
enum Offer {
    Made,
    /// No free slot of the day fits this shape (duration and party).
    NoSlot,
    /// A slot fits, but not this person (an overlapping visit of theirs, a retired service).
    NotForThisPerson,
}

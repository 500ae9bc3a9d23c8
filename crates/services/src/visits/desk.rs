//! The desk: the day's visits per desk, check-in, no-shows and walk-ins.

use std::collections::HashMap;

use domain::ids::{CustomerId, SiteId, SiteServiceId, VisitId};
use domain::time::{at_civil, civil_date, from_micros, start_of_day, to_micros};
use domain::visits::{
    self as rules, BUCKET_MICROS, Occupancy, VisitError, VisitSource, VisitStatus,
};
use jiff::civil::{Date, Time};

use super::{
    BookingError, CHECK_IN_EARLY_MINUTES, MINUTE, NO_SHOW_AFTER_MINUTES, ServiceRow, SiteView,
    VisitRow, Visits, WaitRow, retry_transient, roles, take_places,
};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// One row of the desk view.
#[derive(Debug, Clone)]
pub struct DeskVisit {
    pub visit: VisitRow,
    pub desk: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct DeskDay {
    pub site: SiteView,
    pub date: Date,
    pub desks: u32,
    pub visits: Vec<DeskVisit>,
    pub waitlist: Vec<WaitRow>,
    pub cap: u32,
    pub walk_in_allowed: bool,
    /// Over the last 30 days: visits that ended in a no-show, and all that were due.
    pub no_shows_30d: (i64, i64),
}

impl DeskDay {
    /// The service of a visit or a waitlist entry.
    pub fn service(&self, id: SiteServiceId) -> Option<&ServiceRow> {
        self.site.any_service(id)
    }
}

impl Visits {
    pub async fn check_in(&self, actor: &Actor, id: VisitId) -> Result<VisitRow> {
        roles::may(actor, roles::DESK)?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now();
        if now < v.starts_at - CHECK_IN_EARLY_MINUTES * MINUTE || now >= v.ends_at {
            return Err(ServiceError::conflict(VisitError::CheckInWindow));
        }
        let mut tx = self.store().begin().await?;
        if !store::visits::transition(
            &mut tx,
            id,
            &[VisitStatus::Booked],
            VisitStatus::CheckedIn,
            now,
        )
        .await?
        {
            return Err(ServiceError::conflict(VisitError::NotBooked));
        }
        self.audit(&mut tx, actor, "visit_checked_in", id, "")
            .await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Marks a booked visit that nobody came to; the rest of its time is given back.
    pub async fn mark_no_show(&self, actor: &Actor, id: VisitId) -> Result<VisitRow> {
        roles::may(actor, roles::DESK)?;
        // The same lock order as a cancel (buckets, then a waiting person): retried likewise.
        retry_transient(|| self.try_no_show(actor, id)).await
    }

    async fn try_no_show(&self, actor: &Actor, id: VisitId) -> Result<VisitRow> {
        self.s.link_secret().await?;
        let v = store::visits::visit(self.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.now();
        if now < v.starts_at + NO_SHOW_AFTER_MINUTES * MINUTE {
            return Err(ServiceError::conflict(VisitError::NoShowTooEarly));
        }
        let view = self.site_view(v.site_id).await?;
        let mut tx = self.store().begin().await?;
        if !store::visits::transition(
            &mut tx,
            id,
            &[VisitStatus::Booked],
            VisitStatus::NoShow,
            now,
        )
        .await?
        {
            return Err(ServiceError::conflict(VisitError::NotBooked));
        }
        let from = (now.div_euclid(BUCKET_MICROS) + 1) * BUCKET_MICROS;
        if from < v.ends_at {
            store::visits::release(
                &mut tx,
                v.site_id,
                from.max(v.starts_at),
                v.ends_at,
                v.party,
            )
            .await?;
        }
        self.audit(&mut tx, actor, "visit_no_show", id, "").await?;
        let visit = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let day = civil_date(from_micros(v.starts_at), self.s.tz());
        self.offer_freed(&mut tx, &view, day).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Registers a visitor who came without a booking, against the same cap, when the policy
    /// in force allows walk-ins. The visit starts now (this 5-minute bucket) and is checked in.
    /// An empty name is kept empty (the desk names such a visitor).
    pub async fn walk_in(
        &self,
        actor: &Actor,
        site_id: SiteId,
        service_id: SiteServiceId,
        party: u32,
        name: &str,
    ) -> Result<VisitRow, BookingError> {
        roles::may(actor, roles::DESK)?;
        rules::check_party(party).map_err(|e| BookingError::invalid("party", e))?;
        let now = self.now();
        let caps = self.caps().await?;
        if !caps.at(now).walk_in {
            return Err(BookingError::invalid("policy", VisitError::WalkInsStopped));
        }
        let view = self.site_view(site_id).await?;
        let service = view
            .service(service_id)
            .ok_or_else(|| BookingError::invalid("service", VisitError::UnknownService))?;
        let start = now.div_euclid(BUCKET_MICROS) * BUCKET_MICROS;
        let end = start + service.duration_minutes * MINUTE;
        let day = civil_date(from_micros(start), self.s.tz());
        let open = view.rules.spans_on(day).iter().any(|s| {
            let o = to_micros(at_civil(day, s.opens, self.s.tz()));
            let c = to_micros(at_civil(day, s.closes, self.s.tz()));
            o <= start && end <= c
        });
        if !open {
            return Err(BookingError::invalid("start", VisitError::ClosedNow));
        }
        let mut tx = self.store().begin().await?;
        take_places(&mut tx, &view, &caps, start, end, party).await?;
        let key = format!("w:{now}:{}", rand::random::<u32>());
        let id = store::visits::insert_visit(
            &mut tx,
            &store::visits::NewVisit {
                site_id,
                service_id,
                starts_at: start,
                ends_at: end,
                party: i64::from(party),
                status: VisitStatus::CheckedIn,
                source: VisitSource::WalkIn,
                customer_id: None,
                name: name.trim(),
                phone: "",
                email: None,
                language: domain::customer::Language::Sv,
                person_key: &key,
                idempotency_key: None,
                booked_by: actor.user_id,
                waitlist_id: None,
                expires_at: None,
                checked_in_at: Some(now),
                now,
            },
        )
        .await?;
        self.audit(&mut tx, actor, "visit_walk_in", id, "").await?;
        let v = store::visits::visit_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit().await?;
        Ok(v)
    }

    /// The day at a site per desk, with the waitlist and the no-show rate.
    pub async fn desk_day(&self, site_id: SiteId, date: Date) -> Result<DeskDay> {
        let view = self.site_view(site_id).await?;
        let tz = self.s.tz().clone();
        let lo = to_micros(start_of_day(date, &tz));
        let hi = to_micros(start_of_day(date.tomorrow().unwrap_or(date), &tz));
        let rows =
            store::visits::site_visits(self.store(), site_id, lo, hi, VisitStatus::ON_THE_DESK)
                .await?;
        let desks = view
            .rules
            .spans_on(date)
            .iter()
            .map(|s| s.staffed_desks)
            .max()
            .unwrap_or(0);
        let occ: Vec<Occupancy> = rows
            .iter()
            .map(|v| Occupancy {
                id: v.id.get(),
                start: v.starts_at,
                end: v.ends_at,
                party: u32::try_from(v.party).unwrap_or(1),
            })
            .collect();
        let assigned: HashMap<i64, Option<u32>> =
            rules::assign_desks(&occ, desks).into_iter().collect();
        let visits = rows
            .into_iter()
            .map(|v| DeskVisit {
                desk: assigned.get(&v.id.get()).copied().flatten(),
                visit: v,
            })
            .collect();
        let waitlist = store::visits::waitlist_of_day(self.store(), site_id, date).await?;
        let caps = self.caps().await?;
        let noon = to_micros(at_civil(
            date,
            Time::new(12, 0, 0, 0).unwrap_or(Time::midnight()),
            &tz,
        ));
        let now = self.now();
        Ok(DeskDay {
            cap: caps.cap_at(noon),
            walk_in_allowed: caps.at(now).walk_in,
            no_shows_30d: self.no_shows(site_id, now).await?,
            site: view,
            date,
            desks,
            visits,
            waitlist,
        })
    }

    /// Over the 30 days before `now`: visits that ended in a no-show, and all that were due.
    async fn no_shows(&self, site_id: SiteId, now: i64) -> Result<(i64, i64)> {
        let counts =
            store::visits::outcome_counts(self.store(), site_id, now - 30 * 24 * 60 * MINUTE, now)
                .await?;
        let no_shows = counts
            .iter()
            .filter(|c| c.status == VisitStatus::NoShow)
            .map(|c| c.count)
            .sum();
        let due = counts
            .iter()
            .filter(|c| c.status.was_due())
            .map(|c| c.count)
            .sum();
        Ok((no_shows, due))
    }

    /// A customer's visits that have not ended.
    pub async fn customer_visits(&self, customer_id: CustomerId) -> Result<Vec<VisitRow>> {
        Ok(store::visits::customer_visits(self.store(), customer_id, self.now()).await?)
    }
}

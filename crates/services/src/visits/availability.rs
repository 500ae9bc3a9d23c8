//! Sites as the booking pages read them, and the slots a site offers a party.

use std::collections::{BTreeMap, HashMap};

use domain::ids::{SiteId, SiteServiceId};
use domain::problem::Problem;
use domain::time::{start_of_day, to_micros};
use domain::visits::{
    self as rules, BucketLoad, OpeningSpan, SiteRules, Slot, SlotQuery, VisitError,
};
use jiff::civil::{Date, Time};
use store::Tx;

use super::{ExceptionRow, HoursRow, SiteRow, SiteView, Visits};
use crate::error::{Result, ServiceError};

fn minutes_to_time(m: i64) -> Time {
    let m = m.clamp(0, 24 * 60 - 1);
    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::midnight())
}

/// 24:00 is stored as 1440 minutes; as a civil time it is the last representable instant.
fn minutes_to_time_end(m: i64) -> Time {
    if m >= 24 * 60 {
        Time::new(23, 59, 59, 999_999_999).unwrap_or(Time::midnight())
    } else {
        minutes_to_time(m)
    }
}

fn span(opens: i64, closes: i64, desks: i64) -> OpeningSpan {
    OpeningSpan {
        opens: minutes_to_time(opens),
        closes: minutes_to_time_end(closes),
        staffed_desks: u32::try_from(desks).unwrap_or(0),
    }
}

/// Builds the pure rules from the stored rows.
pub fn rules_from_rows(
    site: &SiteRow,
    hours: &[HoursRow],
    exceptions: &[ExceptionRow],
) -> SiteRules {
    let mut weekly: [Vec<OpeningSpan>; 7] = Default::default();
    for h in hours {
        let idx = usize::try_from(h.weekday - 1).unwrap_or(0).min(6);
        weekly[idx].push(span(h.opens_min, h.closes_min, h.staffed_desks));
    }
    let mut ex = BTreeMap::<Date, Vec<OpeningSpan>>::new();
    for e in exceptions {
        let spans = ex.entry(e.day).or_default();
        if let (Some(o), Some(c)) = (e.opens_min, e.closes_min) {
            spans.push(span(o, c, e.staffed_desks));
        }
    }
    SiteRules {
        weekly,
        exceptions: ex,
        closed_on_holidays: site.closed_on_holidays,
        lead_minutes: u32::try_from(site.lead_minutes).unwrap_or(0),
        horizon_days: u32::try_from(site.horizon_days).unwrap_or(0),
        slot_step_minutes: u32::try_from(site.slot_step_minutes).unwrap_or(15),
    }
}

/// The stored bucket loads as the rules read them.
fn loads(rows: Vec<(i64, i64, i64)>) -> HashMap<i64, BucketLoad> {
    rows.into_iter()
        .map(|(b, p, v)| {
            (
                b,
                BucketLoad {
                    present: u32::try_from(p).unwrap_or(u32::MAX),
                    visits: u32::try_from(v).unwrap_or(u32::MAX),
                },
            )
        })
        .collect()
}

impl Visits {
    pub async fn sites(&self) -> Result<Vec<SiteRow>> {
        Ok(store::visits::sites(self.store()).await?)
    }

    /// A site with its rules (exceptions from yesterday to the end of its horizon).
    pub async fn site_view(&self, site_id: SiteId) -> Result<SiteView> {
        let site = store::visits::site(self.store(), site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let hours = store::visits::hours(self.store(), site_id).await?;
        let today = self.s.today();
        let from = today.yesterday().unwrap_or(today);
        let to = today.saturating_add(jiff::Span::new().days(site.horizon_days.clamp(0, 3650) + 1));
        let exceptions = store::visits::exceptions(self.store(), site_id, from, to).await?;
        let services = store::visits::services(self.store(), site_id).await?;
        let rules = rules_from_rows(&site, &hours, &exceptions);
        Ok(SiteView {
            site,
            rules,
            services,
            hours,
        })
    }

    /// Special days of a site from `from` on.
    pub async fn site_exceptions(&self, site_id: SiteId, from: Date) -> Result<Vec<ExceptionRow>> {
        Ok(store::visits::exceptions(self.store(), site_id, from, Date::MAX).await?)
    }

    /// Slots of one service for a party between two dates (inclusive), with places left and
    /// the bookings of that party size that would succeed now.
    pub async fn availability(
        &self,
        site_id: SiteId,
        service_id: SiteServiceId,
        from: Date,
        to: Date,
        party: u32,
    ) -> Result<(SiteView, Vec<Slot>)> {
        rules::check_party(party).map_err(|e| ServiceError::invalid("party", e))?;
        if to < from {
            return Err(ServiceError::invalid("to", Problem::EndsBeforeStart));
        }
        let view = self.site_view(site_id).await?;
        let service = view
            .service(service_id)
            .ok_or_else(|| ServiceError::invalid("service", VisitError::UnknownService))?;
        let duration = u32::try_from(service.duration_minutes).unwrap_or(0);
        let caps = self.caps().await?;
        let tz = self.s.tz().clone();
        let lo = to_micros(start_of_day(from, &tz));
        let hi = to_micros(start_of_day(to.tomorrow().unwrap_or(to), &tz));
        let load = loads(store::visits::load(self.store(), site_id, lo, hi).await?);
        let slots = rules::slots(
            &view.rules,
            &SlotQuery {
                from,
                to,
                duration_minutes: duration,
                party,
                now: self.now(),
            },
            |b| caps.cap_at(b),
            |b| load.get(&b).copied().unwrap_or_default(),
        );
        Ok((view, slots))
    }

    /// The first slot of `day` where `party` fits, as the open transaction sees the buckets.
    pub(super) async fn first_free_slot(
        &self,
        tx: &mut Tx,
        view: &SiteView,
        caps: &super::Caps,
        duration_minutes: u32,
        party: u32,
        day: Date,
    ) -> Result<Option<Slot>> {
        let tz = self.s.tz().clone();
        let lo = to_micros(start_of_day(day, &tz));
        let hi = to_micros(start_of_day(day.tomorrow().unwrap_or(day), &tz));
        let load = loads(store::visits::load_in(tx, view.site.id, lo, hi).await?);
        Ok(rules::slots(
            &view.rules,
            &SlotQuery {
                from: day,
                to: day,
                duration_minutes,
                party,
                now: self.now(),
            },
            |b| caps.cap_at(b),
            |b| load.get(&b).copied().unwrap_or_default(),
        )
        .into_iter()
        .next())
    }
}

//! The periodic sweep: unconfirmed bookings and waitlist offers whose time ran out give their
//! places back (offered to the next in line), and tomorrow's visitors are reminded.

use std::collections::HashMap;

use domain::ids::SiteId;
use domain::time::{civil_date, from_micros, start_of_day, to_micros};
use domain::visits::{VisitStatus, WaitStatus};

use super::messages::Notice;
use super::{SiteView, Visits};
use crate::error::Result;

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: usize,
    pub offered: usize,
    pub reminded: usize,
}

impl Visits {
    /// Expires unconfirmed bookings and waitlist offers (offering the places to the next in
    /// line) and sends tomorrow's reminders. Safe to run from several workers at once.
    pub async fn sweep(&self) -> Result<SweepReport> {
        self.s.link_secret().await?;
        let mut report = SweepReport::default();
        self.expire_holds(&mut report).await?;
        self.remind(&mut report).await?;
        Ok(report)
    }

    async fn expire_holds(&self, report: &mut SweepReport) -> Result<()> {
        let now = self.now();
        for v in store::visits::expired_holds(self.store(), now, 500).await? {
            let view = self.site_view(v.site_id).await?;
            let mut tx = self.store().begin().await?;
            // Its places as they are now: a hold may have been rebooked since the list was read.
            let Some(v) = store::visits::lock_visit(&mut tx, v.id).await? else {
                continue;
            };
            if !store::visits::transition(
                &mut tx,
                v.id,
                VisitStatus::AWAITING,
                VisitStatus::Expired,
                now,
            )
            .await?
            {
                continue;
            }
            store::visits::release(&mut tx, v.site_id, v.starts_at, v.ends_at, v.party).await?;
            if let Some(w) = v.waitlist_id {
                store::visits::wait_transition(
                    &mut tx,
                    w,
                    WaitStatus::Offered,
                    WaitStatus::Expired,
                    None,
                )
                .await?;
            }
            let day = civil_date(from_micros(v.starts_at), self.s.tz());
            report.offered += self.offer_freed(&mut tx, &view, day).await?;
            tx.commit().await?;
            report.expired += 1;
        }
        Ok(())
    }

    async fn remind(&self, report: &mut SweepReport) -> Result<()> {
        let now = self.now();
        let tz = self.s.tz().clone();
        let today = self.s.today();
        let tomorrow = today.tomorrow().unwrap_or(today);
        let lo = to_micros(start_of_day(tomorrow, &tz));
        let hi = to_micros(start_of_day(tomorrow.tomorrow().unwrap_or(tomorrow), &tz));
        let mut views: HashMap<SiteId, SiteView> = HashMap::new();
        for v in store::visits::due_reminders(self.store(), lo, hi, 1000).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = views.entry(v.site_id) {
                e.insert(self.site_view(v.site_id).await?);
            }
            let Some(view) = views.get(&v.site_id) else {
                continue;
            };
            let mut tx = self.store().begin().await?;
            if !store::visits::mark_reminded(&mut tx, v.id, now).await? {
                continue;
            }
            let link = self.visit_link(v.id).await?;
            self.notify(&mut tx, view, &v, Notice::Reminder, &link)
                .await?;
            tx.commit().await?;
            report.reminded += 1;
        }
        Ok(())
    }
}

//! The campaign's messages due today, on each customer's channel and in their language:
//! interruption notices, invitations to book, reminders the day before and the arrival window
//! on the day. Idempotent: each message has a dedupe key per job (and day).

use domain::campaign::{self as rules, JobStatus};
use domain::ids::CampaignJobId;
use jiff::civil::Date;
use store::campaign::NoticeRow;
use views::messages::CustomerMessage;
use views::messages::campaign::{
    ArrivalToday, ArrivalWindow, BookingInvitation, InterruptionNotice, VisitReminder,
};

use super::Campaign;
use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// How many working days past the earliest allowed day notices go out: a job planned further
/// ahead waits (its day may still move).
const NOTICE_SPAN_WORKING_DAYS: u32 = 2;

/// What a notice run sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeReport {
    /// Interruption notices sent (the jobs are now fixed to their day).
    pub notices: u64,
    /// Reminders for tomorrow's visits, with the arrival window.
    pub reminders: u64,
    /// Invitations to book a window, with a link that works without login.
    pub invitations: u64,
    /// Messages on the day with the arrival window of today's visits.
    pub arrivals: u64,
}

/// The messages due, read (and their links signed) before the write transaction opens.
struct Due {
    /// Planned jobs just beyond the notice period, with the link to choose another time for an
    /// indoor visit.
    notices: Vec<(NoticeRow, Option<String>)>,
    /// Indoor jobs to invite to book, with their links.
    invitations: Vec<(NoticeRow, String)>,
    /// Notified or booked visits on the next working day, with the link to postpone an indoor
    /// visit when the infection routine asks whether anyone at home is ill.
    reminders: Vec<(NoticeRow, Option<String>)>,
    /// Notified or booked visits today.
    arrivals: Vec<NoticeRow>,
}

/// The arrival window of a visit: the booked window, or an hour either side of the planned
/// arrival.
fn window(j: &NoticeRow) -> ArrivalWindow {
    ArrivalWindow::of(j.window_start_min.zip(j.window_end_min), j.arrive_min)
}

/// The day of a job read for a day's messages (the queries only return jobs on a day).
fn day(j: &NoticeRow) -> Result<Date> {
    j.planned_on
        .ok_or_else(|| ServiceError::Internal(format!("campaign job {} has no day", j.job)))
}

impl Campaign {
    /// Sends the campaign's messages due today, on each customer's channel: interruption notices
    /// for planned jobs (not those waiting for a booking) whose day lies just beyond the policy's
    /// notice period — they are fixed to that day from then on —, invitations to book for indoor
    /// jobs, reminders with the arrival window for tomorrow's notified or booked visits, and the
    /// arrival window on the day. Idempotent: dedupe keys per job and day.
    pub async fn send_notices(&self, actor: &Actor) -> Result<NoticeReport> {
        Self::may_plan(actor)?;
        if store::campaign::open_campaign(self.s.store())
            .await?
            .is_none()
        {
            return Ok(NoticeReport::default());
        }
        let due = self.due().await?;
        let mut tx = self.s.store().begin().await?;
        let report = NoticeReport {
            invitations: self.send_invitations(&mut tx, &due.invitations).await?,
            notices: self
                .send_interruption_notices(&mut tx, &due.notices)
                .await?,
            reminders: self.send_reminders(&mut tx, &due.reminders).await?,
            arrivals: self.send_arrivals(&mut tx, &due.arrivals).await?,
        };
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "campaign_notices_sent",
                object_kind: "campaign",
                object_id: "open",
                outcome: Outcome::Success,
                detail: &format!(
                    "{} notices, {} reminders, {} invitations, {} arrival windows",
                    report.notices, report.reminders, report.invitations, report.arrivals
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Reads what is due today and signs the links the messages carry.
    async fn due(&self) -> Result<Due> {
        let store = self.s.store();
        let policy = self.policy().await?;
        let today = self.s.today();
        let first = rules::first_visit_day(today, policy.notice_working_days);
        let last = domain::calendar::add_working_days(first, NOTICE_SPAN_WORKING_DAYS);
        let tomorrow = domain::calendar::add_working_days(today, 1);
        let told = [JobStatus::Notified, JobStatus::Booked];
        let planned =
            store::campaign::notice_candidates(store, first, last, &[JobStatus::Planned]).await?;
        // Under the infection routine an indoor visit's reminder asks whether anyone at home is
        // ill or in quarantine, with the link to postpone it without saying why.
        let mut reminders = Vec::new();
        for j in store::campaign::notice_candidates(store, tomorrow, tomorrow, &told).await? {
            let link = match rules::routine_applies(&policy, j.tier) {
                true => Some(self.postpone_link(j.job).await?),
                false => None,
            };
            reminders.push((j, link));
        }
        let arrivals = store::campaign::notice_candidates(store, today, today, &told).await?;
        let mut invitations = Vec::new();
        for j in store::campaign::invite_candidates(store).await? {
            let link = self.meter_link(j.job).await?;
            invitations.push((j, link));
        }
        // An indoor visit's notice carries the link to choose another time.
        let mut notices = Vec::with_capacity(planned.len());
        for j in planned {
            let link = match j.tier {
                2 => Some(self.meter_link(j.job).await?),
                _ => None,
            };
            notices.push((j, link));
        }
        Ok(Due {
            notices,
            invitations,
            reminders,
            arrivals,
        })
    }

    /// Queues one message about a job to its customer; false when it was sent before.
    async fn tell_job(
        &self,
        tx: &mut store::Tx,
        j: &NoticeRow,
        message: &dyn CustomerMessage,
        key: String,
    ) -> Result<bool> {
        Ok(self.s.tell(tx, &j.contact, message, key).await?.is_some())
    }

    async fn send_invitations(
        &self,
        tx: &mut store::Tx,
        due: &[(NoticeRow, String)],
    ) -> Result<u64> {
        let mut sent = 0;
        for (j, link) in due {
            let m = BookingInvitation {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                link: link.clone(),
                required: j.needs_booking,
            };
            sent += u64::from(
                self.tell_job(tx, j, &m, format!("campaign:{}:invite", j.job))
                    .await?,
            );
        }
        Ok(sent)
    }

    /// The interruption notices; every job noticed (now or before) is fixed to its day.
    async fn send_interruption_notices(
        &self,
        tx: &mut store::Tx,
        due: &[(NoticeRow, Option<String>)],
    ) -> Result<u64> {
        let mut sent = 0;
        let mut notified: Vec<CampaignJobId> = Vec::with_capacity(due.len());
        for (j, link) in due {
            let planned_on = day(j)?;
            let m = InterruptionNotice {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                postal_code: j.postal_code.clone(),
                city: j.city.clone(),
                anlaggnings_id: j.anlaggnings_id.clone(),
                planned_on,
                arrive_min: j.arrive_min.unwrap_or(8 * 60),
                rebook_link: link.clone(),
            };
            let key = format!("campaign:{}:notice:{planned_on}", j.job);
            sent += u64::from(self.tell_job(tx, j, &m, key).await?);
            notified.push(j.job);
        }
        store::campaign::mark_notified(tx, &notified, self.s.now_micros()).await?;
        Ok(sent)
    }

    async fn send_reminders(
        &self,
        tx: &mut store::Tx,
        due: &[(NoticeRow, Option<String>)],
    ) -> Result<u64> {
        let mut sent = 0;
        for (j, postpone) in due {
            let planned_on = day(j)?;
            let m = VisitReminder {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                planned_on,
                window: window(j),
                postpone: postpone.clone(),
            };
            let key = format!("campaign:{}:reminder:{planned_on}", j.job);
            sent += u64::from(self.tell_job(tx, j, &m, key).await?);
        }
        Ok(sent)
    }

    async fn send_arrivals(&self, tx: &mut store::Tx, due: &[NoticeRow]) -> Result<u64> {
        let mut sent = 0;
        for j in due {
            let planned_on = day(j)?;
            let m = ArrivalToday {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                window: window(j),
            };
            let key = format!("campaign:{}:arrival:{planned_on}", j.job);
            sent += u64::from(self.tell_job(tx, j, &m, key).await?);
        }
        Ok(sent)
    }
}

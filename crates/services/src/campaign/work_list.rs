//! The technician's day: their crew's stops in route order, an exchange recorded done, a
//! visit recorded failed (which re-plans, and offers a booked customer a new window at once).

use domain::campaign::{self as rules, CampaignProblem, FailReason, JobStatus};
use domain::customer::Channel;
use domain::ids::{CampaignJobId, CrewId};
use domain::role::Role;
use jiff::civil::Date;
use store::campaign::NoticeRow;
use store::campaign::StopRow;
use store::campaign::route_day::RemovalRow;
use views::messages::campaign::{ArrivalDelayed, ArrivalWindow, OnTheWay, RebookOffer};

use super::Campaign;
use super::run::queue_replan;
use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::outbox::Recipient;
use crate::{Actor, ServiceError};

/// What a technician enters for a finished exchange.
#[derive(Debug, Clone, Default)]
pub struct DoneForm {
    pub old_reading: String,
    pub new_meter_number: String,
    pub new_reading: String,
    /// The technician confirms the infection routine was followed (asked at indoor stops while
    /// the policy has it).
    pub routine_followed: bool,
}

/// A crew's stops on a day, in route order.
#[derive(Debug, Clone)]
pub struct WorkList {
    pub crew: CrewId,
    pub crew_name: String,
    /// Where the crew's day starts and ends, micro-degrees (latitude, longitude).
    pub depot_e6: (i64, i64),
    pub stops: Vec<StopRow>,
    /// Stops struck off the day after it was planned (a declaration, a policy): nobody goes.
    pub removed: Vec<RemovalRow>,
    /// The policy in force asks for the infection routine at indoor (tier 2) stops.
    pub routine: bool,
}

/// The next customer on the crew's route today and when to expect the crew, worked out (and
/// the link to a new window signed) before the transaction that records the stop.
struct NextArrival {
    row: NoticeRow,
    arrival: rules::LiveArrival,
    /// The link to choose a new window, when the crew will miss the booked one.
    link: Option<String>,
}

/// Where a stop is, in degrees.
fn place(s: &StopRow) -> (f64, f64) {
    (s.lat_e6 as f64 / 1e6, s.lon_e6 as f64 / 1e6)
}

/// The exchange as entered, checked: the old meter's final reading, the new meter's number
/// (upper case) and its first reading.
fn checked(form: &DoneForm) -> Result<(i64, String, i64)> {
    let old: i64 = form
        .old_reading
        .trim()
        .replace(' ', "")
        .parse()
        .ok()
        .filter(|v| (0..=rules::MAX_OLD_READING).contains(v))
        .ok_or_else(|| ServiceError::invalid("old_reading", CampaignProblem::OldReading))?;
    let number = form.new_meter_number.trim().to_uppercase();
    if !(6..=20).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ServiceError::invalid(
            "new_meter_number",
            CampaignProblem::MeterNumber,
        ));
    }
    let new: i64 = form
        .new_reading
        .trim()
        .parse()
        .ok()
        .filter(|v| (0..=rules::MAX_NEW_READING).contains(v))
        .ok_or_else(|| {
            ServiceError::invalid(
                "new_reading",
                CampaignProblem::NewReading {
                    max: rules::MAX_NEW_READING,
                },
            )
        })?;
    Ok((old, number, new))
}

impl Campaign {
    /// The crew whose stops a technician sees: their own. Planners and admins name one.
    async fn crew_of(&self, actor: &Actor, asked: Option<CrewId>) -> Result<CrewId> {
        match actor.role {
            Some(Role::Technician) => {
                let uid = actor.user_id.ok_or(ServiceError::Forbidden)?;
                let crew = store::campaign::user_crew(self.s.store(), uid)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                match asked {
                    Some(a) if a != crew => Err(ServiceError::Forbidden),
                    _ => Ok(crew),
                }
            }
            Some(r) if super::roles::WORK_LIST.contains(&r) => asked.ok_or(ServiceError::NotFound),
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// A crew's stops on a day, in route order: a technician's own crew, or the one a planner
    /// names. Not found for a technician not yet in a crew.
    pub async fn work_list(
        &self,
        actor: &Actor,
        crew: Option<CrewId>,
        day: Date,
    ) -> Result<WorkList> {
        let crew = self.crew_of(actor, crew).await?;
        let row = store::campaign::crews(self.s.store())
            .await?
            .into_iter()
            .find(|c| c.id == crew)
            .ok_or(ServiceError::NotFound)?;
        let stops = store::campaign::crew_stops(self.s.store(), crew, day).await?;
        let removed = store::campaign::route_day::of_day(self.s.store(), crew, day).await?;
        let routine = self.policy().await?.indoor_routine;
        Ok(WorkList {
            routine,
            removed,
            crew,
            crew_name: row.name,
            depot_e6: (row.depot_lat_e6, row.depot_lon_e6),
            stops,
        })
    }

    /// Records a finished exchange: the old meter's final reading, the new meter's number and
    /// its first reading.
    pub async fn complete_job(
        &self,
        actor: &Actor,
        job: CampaignJobId,
        form: &DoneForm,
    ) -> Result<()> {
        let crew = self.crew_of(actor, None).await?;
        let (old, number, new) = checked(form)?;
        let tier = store::campaign::notice_row(self.s.store(), job)
            .await?
            .map_or(1, |j| j.tier);
        let routine = rules::routine_applies(&self.policy().await?, tier);
        if routine && !form.routine_followed {
            return Err(ServiceError::invalid(
                "routine",
                CampaignProblem::RoutineNotConfirmed,
            ));
        }
        let done = store::campaign::Exchange {
            old_reading: old,
            new_meter_number: &number,
            new_reading: new,
            routine_followed: routine.then_some(true),
        };
        let next = self.next_arrival(crew, job).await?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if store::campaign::record_done(&mut tx, job, crew, done, now).await? == 0 {
            return Err(ServiceError::conflict(CampaignProblem::StopNotYours));
        }
        self.tell_next(&mut tx, next).await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "meter_exchanged",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: &format!("new meter {number}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed visit; the campaign is re-planned by the worker shortly after (one run
    /// covers every failure queued before it starts). A booked visit that did not happen and
    /// goes back to be planned: the customer is offered a new window at once.
    pub async fn fail_job(
        &self,
        actor: &Actor,
        job: CampaignJobId,
        reason: FailReason,
    ) -> Result<()> {
        let crew = self.crew_of(actor, None).await?;
        // The link is signed before the write transaction opens.
        let rebook = match store::campaign::notice_row(self.s.store(), job).await? {
            Some(j) if j.status == JobStatus::Booked && reason.reopens() => {
                let link = self.meter_link(job).await?;
                Some((j, link))
            }
            _ => None,
        };
        let next = self.next_arrival(crew, job).await?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if store::campaign::record_failed(&mut tx, job, crew, reason, now).await? == 0 {
            return Err(ServiceError::conflict(CampaignProblem::StopNotYours));
        }
        self.tell_next(&mut tx, next).await?;
        queue_replan(&mut tx, now, &format!("failed:{job}:{now}"), now).await?;
        if let Some((j, link)) = rebook {
            let offer = RebookOffer {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                link,
            };
            self.s
                .tell(
                    &mut tx,
                    &j.contact,
                    &offer,
                    format!("campaign:{job}:rebook:{now}"),
                )
                .await?;
        }
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "meter_visit_failed",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: reason.as_str(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The next stop on the crew's route today after `job` (the first still to be visited in
    /// route order), and when the crew can be there leaving now: by the planner's travel model
    /// from this stop. `None` when `job` is not on today's list or nobody is left.
    async fn next_arrival(&self, crew: CrewId, job: CampaignJobId) -> Result<Option<NextArrival>> {
        let today = self.s.today();
        let stops = store::campaign::crew_stops(self.s.store(), crew, today).await?;
        let Some(here) = stops
            .iter()
            .find(|s| s.id == job && !s.status.is_finished())
        else {
            return Ok(None);
        };
        let Some(next) = stops.iter().find(|s| s.id != job && s.status.is_placed()) else {
            return Ok(None);
        };
        let travel_s = planner::model::Travel::default()
            .seconds_between(place(here), place(next))
            .unwrap_or(0);
        let local = self.s.tz().to_datetime(self.s.now());
        let now_min = i64::from(local.hour()) * 60 + i64::from(local.minute());
        let booked = next.window_start_min.zip(next.window_end_min);
        let arrival = rules::live_arrival(now_min, (i64::from(travel_s) + 59) / 60, booked);
        let Some(row) = store::campaign::notice_row(self.s.store(), next.id).await? else {
            return Ok(None);
        };
        let link = if arrival.late {
            Some(self.meter_link(next.id).await?)
        } else {
            None
        };
        Ok(Some(NextArrival { row, arrival, link }))
    }

    /// Tells the next customer when to expect the crew, on their phone (else by e-mail; a live
    /// time is no use in a letter), once per visit and day; one the crew will reach after the
    /// booked window closes is told so and offered a new window. The time is kept for Mina
    /// sidor.
    async fn tell_next(&self, tx: &mut store::Tx, next: Option<NextArrival>) -> Result<()> {
        let Some(NextArrival { row, arrival, link }) = next else {
            return Ok(());
        };
        let now = self.s.now_micros();
        store::campaign::route_day::set_eta(tx, row.job, arrival.from_min, arrival.to_min, now)
            .await?;
        let c = &row.contact;
        let (channel, address) = match (c.phone.as_deref(), c.email.as_deref()) {
            (Some(p), _) if !p.trim().is_empty() => (Channel::Sms, p),
            (_, Some(e)) if !e.trim().is_empty() => (Channel::Email, e),
            _ => return Ok(()),
        };
        let to = Recipient {
            customer_id: Some(c.id),
            language: c.language,
            channel,
            address,
        };
        let day = row.planned_on.unwrap_or_else(|| self.s.today());
        let expected = ArrivalWindow {
            start_min: arrival.from_min,
            end_min: arrival.to_min,
        };
        match (row.window_start_min.zip(row.window_end_min), link) {
            (Some((start_min, end_min)), Some(link)) => {
                let m = ArrivalDelayed {
                    name: c.name.clone(),
                    street: row.street.clone(),
                    booked: ArrivalWindow { start_min, end_min },
                    expected,
                    link,
                };
                let key = format!("campaign:{}:late:{day}", row.job);
                self.s.tell_to(tx, &to, &m, key, None).await?;
            }
            _ => {
                let m = OnTheWay {
                    name: c.name.clone(),
                    street: row.street.clone(),
                    window: expected,
                };
                let key = format!("campaign:{}:on-the-way:{day}", row.job);
                self.s.tell_to(tx, &to, &m, key, None).await?;
            }
        }
        Ok(())
    }
}

//! Booking an indoor window: the signed link in the invitation (no login), the windows a crew
//! already working nearby can absorb (computed from the plan, not a fixed grid), and the
//! booking itself, optimistic against the plan version.

use std::collections::BTreeMap;

use domain::campaign::{self as rules, CampaignProblem, Plannability};
use domain::ids::{CampaignJobId, CrewId, CustomerId};
use domain::role::Role;
use jiff::civil::Date;
use store::campaign::{BookedWindow, JobRow};
use views::messages::campaign::{ArrivalWindow, BookingConfirmed, PostponedByHousehold};

use super::classify::Unplanned;
use super::run::{MINUTE, queue_replan_this_minute};
use super::{Campaign, civil_date, planner_date};
use crate::audit::{self, Event, Outcome};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// How many times a booking recomputes its offers when other bookings keep coming first.
const BOOKING_ATTEMPTS: usize = 3;

/// The kind of the signed links to a job's booking page.
const LINK_KIND: &str = "meter";

/// Bookings of one job in a day (each one moves the visit and re-plans): enough to change one's
/// mind a few times, not enough to keep the planner busy through a leaked link.
pub const BOOKINGS_PER_JOB_PER_DAY: i64 = 5;

/// A window a customer may book for an indoor visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndoorWindow {
    pub date: Date,
    pub start_min: i32,
    pub end_min: i32,
    pub crew_id: CrewId,
}

/// One indoor job as its customer sees it on the booking page.
#[derive(Debug, Clone)]
pub struct IndoorJob {
    pub job_id: CampaignJobId,
    pub street: String,
    pub status: domain::campaign::JobStatus,
    /// The visit's day, when it is on one.
    pub planned_on: Option<Date>,
    pub booked: Option<IndoorWindow>,
    pub windows: Vec<IndoorWindow>,
}

/// How a booking is made: by the customer signed in, through the link in the invitation
/// (no login), or by an agent for a caller.
#[derive(Debug, Clone, Copy)]
pub enum Booker<'a> {
    Actor(&'a Actor),
    /// Staff booking while this customer is on the phone: only the customer's own jobs.
    ForCaller(&'a Actor, CustomerId),
    Link,
}

impl Booker<'_> {
    /// Who the audit log names: the signed-in actor, or the customer holding the link.
    fn actor(&self) -> Actor {
        match self {
            Booker::Actor(a) | Booker::ForCaller(a, _) => (*a).clone(),
            Booker::Link => Actor {
                name: "customer (signed link)".into(),
                ..Actor::system()
            },
        }
    }
}

/// Whether a job takes a booking: an indoor visit (tier 2), or one the policy lets happen only
/// at a booked window.
fn takes_booking(j: &JobRow) -> bool {
    j.needs_booking || j.tier == 2
}

/// The window a job has booked, if any.
fn booked_window(j: &JobRow) -> Option<IndoorWindow> {
    match (j.window_on, j.window_start_min, j.window_end_min, j.crew_id) {
        (Some(date), Some(a), Some(b), Some(crew_id)) => Some(IndoorWindow {
            date,
            start_min: a as i32,
            end_min: b as i32,
            crew_id,
        }),
        _ => None,
    }
}

/// The plan as it stands, read back from the jobs (all but `job`, and none done or failed).
fn current_plan(jobs: &[JobRow], job: CampaignJobId) -> planner::model::Plan {
    let mut routes: BTreeMap<(CrewId, Date), Vec<&JobRow>> = BTreeMap::new();
    for j in jobs {
        if let (Some(c), Some(d)) = (j.crew_id, j.planned_on)
            && j.id != job
            && !j.status.is_finished()
        {
            routes.entry((c, d)).or_default().push(j);
        }
    }
    planner::model::Plan {
        routes: routes
            .into_iter()
            .map(|((crew, day), mut stops)| {
                stops.sort_by_key(|j| j.seq);
                planner::model::Route {
                    crew: crew.to_string(),
                    date: planner_date(day),
                    stops: stops
                        .iter()
                        .map(|j| {
                            let a = j.arrive_min.unwrap_or(0) as i32;
                            planner::model::Stop {
                                job: j.id.to_string(),
                                arrive_min: a,
                                depart_min: a + j.service_min as i32,
                            }
                        })
                        .collect(),
                    travel_s: 0,
                    travel_m: 0,
                }
            })
            .collect(),
        ..Default::default()
    }
}

impl Campaign {
    /// The signed link of a job's invitation to book (no login needed).
    pub async fn meter_link(&self, job: CampaignJobId) -> Result<String> {
        Ok(format!(
            "{}/matarbyte/{}",
            self.s.public_url(),
            self.s.link_token(LINK_KIND, job.get()).await?
        ))
    }

    /// The signed link to postpone a job's indoor visit (the infection routine's question).
    pub async fn postpone_link(&self, job: CampaignJobId) -> Result<String> {
        Ok(format!("{}/skjut-upp", self.meter_link(job).await?))
    }

    /// Postpones a visit still to come at the household's word, without a reason (the
    /// infection routine's question answered "yes" through the link, or a caller telling an
    /// agent): it leaves its crew's day, a booking is released, a stop on today's list is struck
    /// off for the technician, the household is told once with the link to choose a new time,
    /// and a re-plan is queued. Nothing says why.
    pub async fn postpone_visit(&self, booker: Booker<'_>, job: CampaignJobId) -> Result<()> {
        let row = self.job_of_booker(booker, job).await?;
        let (Some(planned_on), true) = (row.planned_on, row.status.is_placed()) else {
            return Err(ServiceError::conflict(CampaignProblem::NotPostponable));
        };
        let link = self.meter_link(job).await?;
        let actor = booker.actor();
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if store::campaign::route_day::postpone(&mut tx, job, now).await? == 0 {
            return Err(ServiceError::conflict(CampaignProblem::NotPostponable));
        }
        let off = Unplanned {
            job,
            place: row.crew_id.map(|crew| (crew, planned_on)),
            arrive_min: row.arrive_min,
        };
        self.strike_off_today(&mut tx, &[off]).await?;
        store::campaign::bump_plan_version(&mut tx, row.campaign_id, None).await?;
        queue_replan_this_minute(&mut tx, "postponed", now).await?;
        if let Some(j) = store::campaign::notice_rows_in(&mut tx, &[job])
            .await?
            .into_iter()
            .next()
        {
            let m = PostponedByHousehold {
                name: j.contact.name.clone(),
                street: j.street.clone(),
                planned_on,
                link,
            };
            let key = format!("campaign:{job}:postponed-by-household:{planned_on}");
            self.s.tell(&mut tx, &j.contact, &m, key).await?;
        }
        audit::record(
            &mut tx,
            &self.s,
            &actor,
            &Event {
                action: "meter_visit_postponed",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{planned_on}, at the household's word"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The job a link stands for, if genuine.
    pub async fn meter_link_job(&self, token: &str) -> Result<Option<CampaignJobId>> {
        Ok(self
            .s
            .link_id(LINK_KIND, token)
            .await?
            .map(CampaignJobId::new))
    }

    /// The job, when this booker may book it; not found otherwise.
    async fn job_of_booker(&self, booker: Booker<'_>, job: CampaignJobId) -> Result<JobRow> {
        let campaign = self.open_campaign().await?;
        let row = store::campaign::job(self.s.store(), campaign.id, job)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let bookers = super::roles::CALLER_BOOKERS;
        let allowed = match booker {
            Booker::Link => true,
            Booker::Actor(a) => match a.role {
                Some(Role::Customer) => a.customer_id == Some(row.customer_id),
                Some(r) => bookers.contains(&r),
                None => false,
            },
            Booker::ForCaller(a, customer) => {
                a.role.is_some_and(|r| bookers.contains(&r)) && customer == row.customer_id
            }
        };
        if allowed {
            Ok(row)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Whether this booker may book this job (not found otherwise); reads only the job.
    pub async fn may_book(&self, booker: Booker<'_>, job: CampaignJobId) -> Result<()> {
        self.job_of_booker(booker, job).await.map(|_| ())
    }

    /// The signed-in customer's indoor jobs that take a booking, with the windows on offer.
    pub async fn my_indoor_jobs(&self, actor: &Actor) -> Result<Vec<IndoorJob>> {
        let customer = match (actor.role, actor.customer_id) {
            (Some(Role::Customer), Some(c)) => c,
            _ => return Err(ServiceError::Forbidden),
        };
        self.indoor_jobs_of(actor, customer).await
    }

    /// A customer's indoor jobs that take a booking, for an agent (or planner) booking for a
    /// caller; the customer themself too.
    pub async fn indoor_jobs_of(
        &self,
        actor: &Actor,
        customer: CustomerId,
    ) -> Result<Vec<IndoorJob>> {
        match actor.role {
            Some(Role::Customer) if actor.customer_id == Some(customer) => {}
            Some(r) if super::roles::CALLER_BOOKERS.contains(&r) => {}
            _ => return Err(ServiceError::Forbidden),
        }
        let Some(campaign) = store::campaign::open_campaign(self.s.store()).await? else {
            return Ok(Vec::new());
        };
        let mine: Vec<CampaignJobId> = store::campaign::jobs(self.s.store(), campaign.id)
            .await?
            .into_iter()
            .filter(|j| {
                j.customer_id == customer
                    && takes_booking(j)
                    && j.plannability == Plannability::Plannable
            })
            .map(|j| j.id)
            .collect();
        let mut out = Vec::new();
        for id in mine {
            out.push(self.indoor_job(Booker::Actor(actor), id).await?);
        }
        Ok(out)
    }

    /// One indoor job with the windows a crew already working nearby can absorb.
    pub async fn indoor_job(&self, booker: Booker<'_>, job: CampaignJobId) -> Result<IndoorJob> {
        let row = self.job_of_booker(booker, job).await?;
        let windows = if row.status.is_finished() || row.plannability != Plannability::Plannable {
            Vec::new()
        } else {
            self.offers(job).await?.0
        };
        Ok(IndoorJob {
            job_id: job,
            booked: booked_window(&row),
            planned_on: row.planned_on,
            street: row.street,
            status: row.status,
            windows,
        })
    }

    /// The windows on offer for a job and the plan version they were computed from.
    async fn offers(&self, job: CampaignJobId) -> Result<(Vec<IndoorWindow>, i64)> {
        let Some(campaign) = store::campaign::open_campaign(self.s.store()).await? else {
            return Ok((Vec::new(), 0));
        };
        let (problem, jobs) = self.problem(&campaign, 3, Some(job)).await?;
        let plan = current_plan(&jobs, job);
        let policy = self.policy().await?;
        let from = rules::first_visit_day(self.s.today(), policy.notice_working_days);
        let offers = planner::window_offers(
            &problem,
            &plan,
            &job.to_string(),
            planner_date(from),
            // Three weeks of working days: the plan fills the first days; later ones have room.
            &planner::OfferOptions {
                days: 15,
                ..Default::default()
            },
        );
        let mut out: Vec<IndoorWindow> = offers
            .into_iter()
            .filter_map(|o| {
                Some(IndoorWindow {
                    date: civil_date(o.date)?,
                    start_min: o.start_min,
                    end_min: o.end_min,
                    crew_id: CrewId::new(o.crew.parse().ok()?),
                })
            })
            .collect();
        out.sort_by_key(|w| (w.date, w.start_min));
        Ok((out, campaign.plan_version))
    }

    /// Books (or rebooks) an indoor window: it must be one on offer now. The job is fixed to
    /// that crew, day and window, and a re-plan is queued to fit it into the route.
    pub async fn book_window(
        &self,
        booker: Booker<'_>,
        job: CampaignJobId,
        date: Date,
        start_min: i32,
    ) -> Result<IndoorWindow> {
        let row = self.job_of_booker(booker, job).await?;
        if !takes_booking(&row) {
            return Err(ServiceError::conflict(CampaignProblem::NoBookingNeeded));
        }
        // Optimistic: the offers come from one plan version and the booking commits only if no
        // other booking or plan came in between; otherwise the offers are computed again.
        for _ in 0..BOOKING_ATTEMPTS {
            let (offers, version) = self.offers(job).await?;
            let Some(w) = offers
                .into_iter()
                .find(|w| w.date == date && w.start_min == start_min)
            else {
                return Err(ServiceError::conflict(CampaignProblem::WindowTaken));
            };
            tracing::debug!(%job, version, "booking against plan version");
            if let Some(w) = self.try_book(booker, &row, w, version).await? {
                return Ok(w);
            }
            tracing::debug!(%job, version, "plan moved on; offers computed again");
        }
        Err(ServiceError::conflict(CampaignProblem::Busy))
    }

    /// Books `w` if the plan is still at `version`; `None` when it moved on.
    async fn try_book(
        &self,
        booker: Booker<'_>,
        row: &JobRow,
        w: IndoorWindow,
        version: i64,
    ) -> Result<Option<IndoorWindow>> {
        let job = row.id;
        let now = self.s.now_micros();
        let actor = booker.actor();
        let mut tx = self.s.store().begin().await?;
        // Counted in the booking's own transaction: a refused or lost attempt does not count.
        let key = format!("meter-booking:{job}");
        let today = store::sessions::count_attempt(&mut tx, &key, now, 24 * 60 * MINUTE).await?;
        if today > BOOKINGS_PER_JOB_PER_DAY {
            return Err(ServiceError::RateLimited);
        }
        if store::campaign::bump_plan_version(&mut tx, row.campaign_id, Some(version)).await? == 0 {
            return Ok(None);
        }
        let booked = BookedWindow {
            crew: w.crew_id,
            day: w.date,
            start_min: i64::from(w.start_min),
            end_min: i64::from(w.end_min),
        };
        if store::campaign::book_window(&mut tx, job, booked, now).await? == 0 {
            return Err(ServiceError::conflict(CampaignProblem::NotBookable));
        }
        queue_replan_this_minute(&mut tx, "booking", now).await?;
        self.confirm(&mut tx, job, &w).await?;
        audit::record(
            &mut tx,
            &self.s,
            &actor,
            &Event {
                action: "meter_visit_booked",
                object_kind: "campaign_job",
                object_id: &job.to_string(),
                outcome: Outcome::Success,
                detail: &format!("{} {}", w.date, super::hhmm(i64::from(w.start_min))),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(w))
    }

    /// The confirmation goes on the customer's channel, whoever booked.
    async fn confirm(
        &self,
        tx: &mut store::Tx,
        job: CampaignJobId,
        w: &IndoorWindow,
    ) -> Result<()> {
        let Some(j) = store::campaign::notice_rows_in(tx, &[job])
            .await?
            .into_iter()
            .next()
        else {
            return Ok(());
        };
        let m = BookingConfirmed {
            name: j.contact.name.clone(),
            street: j.street.clone(),
            date: w.date,
            window: ArrivalWindow {
                start_min: i64::from(w.start_min),
                end_min: i64::from(w.end_min),
            },
        };
        let key = format!("campaign:{job}:booked:{}:{}", w.date, w.start_min);
        self.s.tell(tx, &j.contact, &m, key).await?;
        Ok(())
    }
}

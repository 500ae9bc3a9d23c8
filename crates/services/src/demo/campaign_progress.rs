//! The demo's meter-exchange campaign some weeks under way (issue 20 §6), so a newcomer who
//! signs in as the planner or the technician finds it working rather than an empty page.
//!
//! It is lived through, not written: the continuity manager puts the pandemic's campaign
//! policy in force (the Karlskoga way), the planner opens the campaign some working days before
//! the first visits a notice allows, plans two weeks and sends the notices; then day by day, on
//! a clock set to that day, the morning's notices and reminders go out, invited indoor
//! households book windows through their links, the crews work their lists in route order
//! (most stops done, a few failed: nobody home or no access, planned again; the wrong
//! meter kind, left for the planner), in the evening a booked household
//! answers the infection routine's question with "yes" and postpones, and the campaign is
//! planned again. Every step is the same service call a person's click makes, with its audit
//! record and its messages. Every random draw comes from one generator seeded with the demo's
//! seed, and the planner runs a fixed number of iterations, so the same seed gives the same
//! campaign on the same day.

use std::sync::Arc;

use domain::campaign::{FailReason, JobStatus, notice_due};
use domain::ids::{CampaignJobId, CrewId};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::role::Role;
use jiff::civil::{Date, Time};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::campaign::planner;
use crate::campaign::{Booker, DoneForm, PlanBudget};
use crate::error::Result;
use crate::{Actor, FixedClock, Services};

/// Working days of visits before today.
const DAYS_WORKED: u8 = 8;
/// Per cent of the stops that fail.
const FAIL_PERCENT: u32 = 8;
/// Per cent of the invited indoor households still to book that book on a given day...
const BOOK_PERCENT: u32 = 35;
/// ...but no more than this many a day...
const BOOKING_TRIES_PER_DAY: usize = 12;
/// ...and no more than this many campaign jobs read a day by the tries: each reads the windows
/// on offer, a pass over the whole campaign (0.3 s in the town of 20 000 meters), so the town
/// gets two tries a day and `demo` stays within its minute.
const BOOKING_ROWS_PER_DAY: usize = 40_000;
/// Booked households that postpone the evening before (the infection routine's "yes").
const POSTPONED_PER_DAY: usize = 1;
/// Planner iterations of each plan: the same plan for the same seed, in seconds.
const PLAN_ITERATIONS: u64 = 1_500;

/// What the campaign in progress holds once seeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignInProgress {
    pub opened_on: Option<Date>,
    pub days_worked: usize,
    pub done: usize,
    pub failed: usize,
    pub booked: usize,
    pub postponed: usize,
    /// Stops planned from today on, after the last plan.
    pub planned_ahead: usize,
}

/// The instant `at` o'clock (Stockholm) on `day`.
fn on(day: Date, at: Time) -> jiff::Timestamp {
    domain::time::at_civil(day, at, &domain::time::stockholm())
}

impl Services {
    /// Opens the demo's campaign in the past and lives through its days up to this morning
    /// (see the module). The demo's crews must exist ([`Services::generate_demo`] makes them)
    /// and no campaign may be open. The town's marker (`size:seed`) gains `:campaign`.
    pub async fn seed_demo_campaign_in_progress(&self, seed: u64) -> Result<CampaignInProgress> {
        // As in Karlskoga, the exchange goes on under the pandemic's campaign policy: meters
        // needing no contact first, indoor visits by booking only, the infection routine.
        let policy = PolicyBody::preset(Capability::Campaign, Preset::Pandemic);
        let notice = crate::campaign::campaign_policy(&policy)?.notice_working_days;
        let today = self.today();
        let first = notice_due(today, DAYS_WORKED);
        let opened_on = notice_due(first, notice);
        let clock = Arc::new(FixedClock::new(on(opened_on, Time::constant(8, 0, 0, 0))));
        let then = self.with_clock(clock.clone());
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6361_6d70);
        let mut out = CampaignInProgress {
            opened_on: Some(opened_on),
            ..Default::default()
        };
        let manager = Actor {
            role: Some(Role::ContinuityManager),
            name: "demo".into(),
            ..Actor::system()
        };
        then.policies()
            .change(
                &manager,
                &policy,
                then.now(),
                None,
                "Pandemin: kontaktfria mätare först, inomhusbesök bara efter bokning",
            )
            .await?;
        let c = then.campaign();
        c.open(&planner(), "Mätarbyte 2026", opened_on).await?;
        c.plan(&planner(), 2, PlanBudget::Iterations(PLAN_ITERATIONS), seed)
            .await?;
        c.send_notices(&planner()).await?;
        let technicians = self.demo_technicians(&mut rng).await?;
        let mut day = opened_on;
        while day < today {
            day = domain::calendar::add_working_days(day, 1);
            if day >= today {
                break;
            }
            clock.set(on(day, Time::constant(7, 0, 0, 0)));
            c.send_notices(&planner()).await?;
            out.booked += then.demo_bookings(&mut rng).await?;
            // The lists are empty until the first day the notices allowed.
            let (done, failed) = then
                .demo_work_day(&clock, day, &technicians, &mut rng)
                .await?;
            out.done += done;
            out.failed += failed;
            out.days_worked += usize::from(done + failed > 0);
            clock.set(on(day, Time::constant(17, 0, 0, 0)));
            let tomorrow = domain::calendar::add_working_days(day, 1);
            out.postponed += then.demo_postponements(tomorrow).await?;
            then.demo_replan(seed).await?;
        }
        // This morning: the notices, and the plan the planner finds on the page.
        clock.set(on(today, Time::constant(6, 30, 0, 0)));
        then.demo_replan(seed).await?;
        c.send_notices(&planner()).await?;
        let campaign = self.campaign().open_campaign().await?;
        out.planned_ahead = store::campaign::jobs(self.store(), campaign.id)
            .await?
            .iter()
            .filter(|j| j.status.is_placed() && j.planned_on.is_some_and(|d| d >= today))
            .count();
        // The town's marker becomes `marker(size, seed, true)` (`beredskap demo` knows it again).
        if let Some(m) = store::settings::get(self.store(), "demo").await? {
            let mut tx = self.store().begin().await?;
            store::settings::set(&mut tx, "demo", &format!("{m}{}", super::CAMPAIGN_MARK)).await?;
            tx.commit().await?;
        }
        Ok(out)
    }

    /// A technician for every crew: the demo's own in the first, and one made for each other
    /// crew (no demo password: an administrator sets one when someone needs it).
    async fn demo_technicians(&self, rng: &mut ChaCha8Rng) -> Result<Vec<(CrewId, Actor)>> {
        let mut out = Vec::new();
        let demo =
            store::users::by_username(self.store(), Role::Technician.demo_username()).await?;
        for (i, crew) in store::campaign::crews(self.store())
            .await?
            .into_iter()
            .enumerate()
        {
            let own = match &demo {
                Some(u)
                    if store::campaign::user_crew(self.store(), u.id).await? == Some(crew.id) =>
                {
                    Some(u.id)
                }
                _ => None,
            };
            let user = match own {
                Some(u) => u,
                None => {
                    let password: String = (0..24)
                        .map(|_| char::from(rng.random_range(b'a'..=b'z')))
                        .collect();
                    let id = self
                        .accounts()
                        .create_user(
                            &format!("tekniker{}", i + 1),
                            &format!("Tekniker {}, {}", i + 1, crew.name),
                            Role::Technician,
                            None,
                            &password,
                            false,
                        )
                        .await?;
                    self.campaign()
                        .assign_technician(&planner(), id, Some(crew.id))
                        .await?;
                    id
                }
            };
            out.push((
                crew.id,
                Actor {
                    role: Some(Role::Technician),
                    user_id: Some(user),
                    name: format!("tekniker {}", i + 1),
                    ..Actor::system()
                },
            ));
        }
        Ok(out)
    }

    /// Invited indoor households that have not booked book one of the first windows offered,
    /// through the link in their invitation; returns how many booked.
    async fn demo_bookings(&self, rng: &mut ChaCha8Rng) -> Result<usize> {
        let c = self.campaign();
        let campaign = self.campaign().open_campaign().await?;
        let all = store::campaign::jobs(self.store(), campaign.id).await?;
        let jobs = all.len();
        let waiting: Vec<CampaignJobId> = all
            .into_iter()
            .filter(|j| {
                j.needs_booking
                    && j.window_on.is_none()
                    && matches!(j.status, JobStatus::Open | JobStatus::Planned)
            })
            .map(|j| j.id)
            .collect();
        // Drawn before any window is read: reading the offers costs a pass over the campaign.
        let mut booking: Vec<CampaignJobId> = waiting
            .into_iter()
            .filter(|_| rng.random_range(0..100) < BOOK_PERCENT)
            .collect();
        let tries = (BOOKING_ROWS_PER_DAY / jobs.max(1)).clamp(2, BOOKING_TRIES_PER_DAY);
        booking.truncate(tries);
        let mut booked = 0;
        for job in booking {
            let offered = c.indoor_job(Booker::Link, job).await?;
            // No window on offer (the weeks planned are full): the household waits.
            let Some(w) = offered.windows.get(
                rng.random_range(0..3usize)
                    .min(offered.windows.len().saturating_sub(1)),
            ) else {
                continue;
            };
            c.book_window(Booker::Link, job, w.date, w.start_min)
                .await?;
            booked += 1;
        }
        Ok(booked)
    }

    /// The evening before: indoor households booked on `day` that answer the reminder's
    /// question (anyone at home ill or in quarantine?) with "yes" postpone through its link.
    async fn demo_postponements(&self, day: Date) -> Result<usize> {
        let c = self.campaign();
        let campaign = self.campaign().open_campaign().await?;
        let indoor: Vec<CampaignJobId> = store::campaign::jobs(self.store(), campaign.id)
            .await?
            .into_iter()
            .filter(|j| j.status == JobStatus::Booked && j.planned_on == Some(day))
            .map(|j| j.id)
            .take(POSTPONED_PER_DAY)
            .collect();
        for &job in &indoor {
            c.postpone_visit(Booker::Link, job).await?;
        }
        Ok(indoor.len())
    }

    /// Each crew works its list of `day` in route order, the clock at each arrival: most
    /// stops done with readings and a new meter, a few failed. Returns (done, failed).
    async fn demo_work_day(
        &self,
        clock: &FixedClock,
        day: Date,
        technicians: &[(CrewId, Actor)],
        rng: &mut ChaCha8Rng,
    ) -> Result<(usize, usize)> {
        let c = self.campaign();
        let (mut done, mut failed) = (0, 0);
        for (crew, tech) in technicians {
            let list = c.work_list(tech, Some(*crew), day).await?;
            for stop in list.stops.iter().filter(|s| !s.status.is_finished()) {
                let minute = stop.arrive_min.unwrap_or(8 * 60).clamp(0, 23 * 60);
                let at = Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0)
                    .unwrap_or(Time::constant(12, 0, 0, 0));
                clock.set(on(day, at));
                if rng.random_range(0..100) < FAIL_PERCENT {
                    // Most go back to be planned again; the wrong meter kind waits for the
                    // planner (another crew, other equipment).
                    let reason = match rng.random_range(0..10) {
                        0..=5 => FailReason::NotHome,
                        6..=7 => FailReason::NoAccess,
                        _ => FailReason::WrongMeterKind,
                    };
                    c.fail_job(tech, stop.id, reason).await?;
                    failed += 1;
                } else {
                    let form = DoneForm {
                        old_reading: rng.random_range(1_000..90_000).to_string(),
                        new_meter_number: format!("KEM{:09}", rng.random_range(0..1_000_000_000)),
                        new_reading: rng.random_range(0..5).to_string(),
                        routine_followed: true,
                    };
                    c.complete_job(tech, stop.id, &form).await?;
                    done += 1;
                }
            }
        }
        Ok((done, failed))
    }

    /// The evening's re-plan, as the worker makes it after failures and bookings: the re-plans
    /// queued during the day are folded into this one, and the campaign is planned two weeks
    /// ahead (a fixed number of iterations, not the worker's seconds).
    async fn demo_replan(&self, seed: u64) -> Result<()> {
        store::jobs::coalesce(self.store(), crate::campaign::REPLAN_JOB, self.now_micros()).await?;
        self.campaign()
            .plan(&planner(), 2, PlanBudget::Iterations(PLAN_ITERATIONS), seed)
            .await?;
        Ok(())
    }
}

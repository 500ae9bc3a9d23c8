//! A "no home visits" declaration protects at once, whatever the household's visit stood at
//! (issue 20): planned, notified, booked, or on a technician's list of today. Under a policy
//! that defers risk groups the visit leaves its crew's day in the declaration's transaction,
//! a booking is released, the household is told once (without a reason of health), a stop on
//! today's list is struck off for the technician, and a re-plan is queued. Withdrawing the
//! declaration releases the visit to be planned again.

use domain::campaign::{ConsentVersion, JobStatus, Plannability};
use domain::ids::{CampaignJobId, CustomerId};
use domain::meter::{Placement, PropertyKind};
use domain::policy::Preset;
use domain::role::Role;
use services::campaign::Booker;
use services::declarations::DeclarationForm;
use services::{Actor, Services};
use store::campaign::{BookedWindow, JobRow, PlannedRow};
use test_support::BACKENDS;

use crate::campaign_town::{Town, planner};

fn customer(id: CustomerId) -> Actor {
    Actor {
        role: Some(Role::Customer),
        customer_id: Some(id),
        ..Actor::system()
    }
}

fn form(s: &Services) -> DeclarationForm {
    DeclarationForm {
        consent: true,
        consent_version: ConsentVersion::CURRENT.to_string(),
        until: s
            .today()
            .saturating_add(jiff::Span::new().days(90))
            .to_string(),
        note: "Min man är i riskgrupp".into(),
    }
}

/// The messages telling this household its visit is postponed.
async fn postponements(s: &Services, c: CustomerId) -> Vec<store::outbox::OutboxRow> {
    store::outbox::of_customer(s.store(), c, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| {
            m.subject == "Ditt mätarbyte skjuts upp"
                || m.subject == "Your meter exchange is postponed"
        })
        .collect()
}

async fn job(s: &Services, id: CampaignJobId) -> JobRow {
    let campaign = store::campaign::open_campaign(s.store())
        .await
        .unwrap()
        .unwrap();
    store::campaign::job(s.store(), campaign.id, id)
        .await
        .unwrap()
        .unwrap()
}

/// Whether a re-plan for declarations is queued (looked at by claiming every job an hour
/// ahead and giving each back).
async fn declaration_replan_queued(s: &Services) -> bool {
    let ahead = s.now_micros() + 3_600_000_000;
    let mut claimed = Vec::new();
    while let Some(j) = store::jobs::claim(s.store(), ahead).await.unwrap() {
        claimed.push(j);
    }
    for j in &claimed {
        store::jobs::release(s.store(), j.id).await.unwrap();
    }
    claimed
        .iter()
        .any(|j| j.kind == services::campaign::REPLAN_JOB && j.payload.contains("declaration:"))
}

#[tokio::test]
async fn a_declaration_takes_the_visit_off_at_once_in_every_state() {
    for backend in BACKENDS {
        let Some(town) = Town::new(backend).await else {
            continue;
        };
        let (s, c, campaign, crew) = (&town.s, town.s.campaign(), town.campaign, town.crew);
        // The pandemic policy in force: risk groups are deferred.
        town.campaign_policy(Preset::Pandemic).await;

        // Five households with one indoor meter each at a house, still visited under the policy.
        let single = town
            .single_jobs(5, |j| {
                j.placement == Placement::Indoor
                    && j.property_kind == PropertyKind::House
                    && j.plannability == Plannability::Plannable
            })
            .await;
        assert_eq!(
            single.len(),
            5,
            "{backend:?}: the demo has indoor meters at houses"
        );
        let [planned, notified, booked, booked_today, notified_today] =
            [0, 1, 2, 3, 4].map(|i| single[i].id);
        let today = s.today();
        let later = domain::campaign::first_visit_day(today, 5);
        // Their visits in every state: planned later; notified later; booked later; booked
        // for today and notified for today (both on the technician's list this morning).
        let mut tx = s.store().begin().await.unwrap();
        let place = |id, day, arrive_min, seq| PlannedRow {
            id,
            crew_id: crew,
            planned_on: day,
            arrive_min,
            seq,
        };
        store::campaign::store_plan(
            &mut tx,
            campaign,
            &[
                place(planned, later, 9 * 60, 1),
                place(notified, later, 10 * 60, 2),
                place(notified_today, today, 13 * 60, 3),
            ],
            s.now_micros(),
        )
        .await
        .unwrap();
        store::campaign::mark_notified(&mut tx, &[notified, notified_today], s.now_micros())
            .await
            .unwrap();
        for (id, day) in [(booked, later), (booked_today, today)] {
            let w = BookedWindow {
                crew,
                day,
                start_min: 7 * 60,
                end_min: 9 * 60,
            };
            store::campaign::book_window(&mut tx, id, w, s.now_micros())
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let before = c.work_list(&planner(), Some(crew), today).await.unwrap();
        assert_eq!(before.stops.len(), 2, "{backend:?}");
        assert!(before.removed.is_empty());

        for (id, told) in [
            (planned, false),
            (notified, true),
            (booked, true),
            (booked_today, true),
            (notified_today, true),
        ] {
            let who = single.iter().find(|j| j.id == id).unwrap().customer_id;
            s.declarations()
                .declare(&customer(who), who, &form(s))
                .await
                .unwrap();
            // Off the plan at once: no crew, no day, no window, deferred at the request.
            let j = job(s, id).await;
            assert_eq!(
                j.plannability,
                Plannability::DeferredAtRequest,
                "{backend:?}"
            );
            assert_eq!(j.status, JobStatus::Open, "{backend:?}: job {id}");
            assert_eq!((j.crew_id, j.planned_on), (None, None), "{backend:?}");
            assert_eq!(j.window_on, None, "{backend:?}: the booking is released");
            assert!(j.review_on.is_some());
            // A household that knew its day is told once, "as you asked", never why.
            let msgs = postponements(s, who).await;
            assert_eq!(
                msgs.len(),
                usize::from(told),
                "{backend:?}: job {id}: {msgs:?}"
            );
            for m in &msgs {
                assert!(!m.body_text.contains("riskgrupp") && !m.body_text.contains("hälsa"));
            }
            assert!(
                declaration_replan_queued(s).await,
                "{backend:?}: a re-plan fills the place"
            );
            // The same declaration again tells nobody twice.
            s.declarations()
                .declare(&customer(who), who, &form(s))
                .await
                .unwrap();
            assert_eq!(postponements(s, who).await.len(), usize::from(told));
            // A booking page opened before cannot book the visit back in.
            assert!(
                c.book_window(Booker::Link, id, later, 7 * 60)
                    .await
                    .is_err(),
                "{backend:?}: a deferred visit was booked"
            );
            assert!(
                c.indoor_job(Booker::Link, id)
                    .await
                    .unwrap()
                    .windows
                    .is_empty(),
                "{backend:?}"
            );
        }
        // The technician's list of today: both stops struck off, nobody left to visit.
        let after = c.work_list(&planner(), Some(crew), today).await.unwrap();
        assert!(after.stops.is_empty(), "{backend:?}: {:?}", after.stops);
        let struck: Vec<_> = after.removed.iter().map(|r| r.job).collect();
        assert_eq!(struck, [booked_today, notified_today], "{backend:?}");
        assert_eq!(after.removed[1].arrive_min, Some(13 * 60));
        // A later day's list shows no struck stops: its technician had not set out.
        let later_list = c.work_list(&planner(), Some(crew), later).await.unwrap();
        assert!(later_list.removed.is_empty(), "{backend:?}");
        assert!(later_list.stops.is_empty(), "{backend:?}");

        // Withdrawn: the visit may be planned and booked again at once.
        let who = single[2].customer_id;
        s.declarations()
            .withdraw(&customer(who), who)
            .await
            .unwrap();
        let j = job(s, booked).await;
        assert_eq!(j.plannability, Plannability::Plannable, "{backend:?}");
        assert_eq!(j.review_on, None);
    }
}

#[tokio::test]
async fn under_a_policy_that_does_not_defer_a_declaration_moves_nothing() {
    for backend in BACKENDS {
        let Some(town) = Town::new(backend).await else {
            continue;
        };
        let s = &town.s;
        let jobs = town.jobs().await;
        let j = jobs
            .iter()
            .find(|j| j.placement == Placement::Indoor)
            .unwrap();
        s.declarations()
            .declare(&customer(j.customer_id), j.customer_id, &form(s))
            .await
            .unwrap();
        let after = job(s, j.id).await;
        assert_eq!(after.plannability, Plannability::Plannable, "{backend:?}");
        assert!(!declaration_replan_queued(s).await, "{backend:?}");
        assert!(postponements(s, j.customer_id).await.is_empty());
    }
}

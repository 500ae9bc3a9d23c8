//! Live arrival times (issue 20): when a technician finishes a stop, the next customer on the
//! route gets a text message with a narrowed arrival time from the route and the travel model,
//! and Mina sidor shows it; a crew that will miss a booked window tells the customer and offers
//! a new one.

use std::sync::Arc;

use domain::campaign::FailReason;
use domain::customer::{Channel, Language};
use domain::ids::{CampaignJobId, CustomerId};
use domain::meter::Placement;
use services::Services;
use services::campaign::DoneForm;
use store::campaign::{BookedWindow, JobRow, PlannedRow};
use test_support::BACKENDS;

use crate::campaign_town::Town;

/// The services with the clock at `hh:mm` of today in Stockholm.
fn at(s: &Services, hh: i8, mm: i8) -> Services {
    s.with_clock(Arc::new(services::FixedClock::new(domain::time::at_civil(
        s.today(),
        jiff::civil::time(hh, mm, 0, 0),
        &domain::time::stockholm(),
    ))))
}

/// The customer's text messages, subject and body.
async fn texts(s: &Services, c: CustomerId) -> Vec<(String, String)> {
    store::outbox::of_customer(s.store(), c, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == Channel::Sms)
        .map(|m| (m.subject, m.body_text))
        .collect()
}

fn done() -> DoneForm {
    DoneForm {
        old_reading: "48213".into(),
        new_meter_number: "KEM123456".into(),
        new_reading: "0".into(),
        routine_followed: false,
    }
}

#[tokio::test]
async fn finishing_a_stop_tells_the_next_customer_when_the_crew_comes_and_a_late_crew_offers_a_new_window()
 {
    for backend in BACKENDS {
        let Some(town) = Town::new(backend).await else {
            continue;
        };
        let (s, c, campaign, crew) = (&town.s, town.s.campaign(), town.campaign, town.crew);
        let technician = &town.technician;
        // Four households with one meter each, on today's route in this order: A told 08:00,
        // B booked 10:00-12:00, C booked 12:00-13:00, D with no phone or e-mail.
        let single = town
            .single_jobs(4, |j| j.placement == Placement::Indoor)
            .await;
        let [a, b, cc, d] = [0, 1, 2, 3].map(|i| &single[i]);
        let today = s.today();
        let mut tx = s.store().begin().await.unwrap();
        for (j, phone) in [(a, true), (b, true), (cc, true), (d, false)] {
            let prefs = store::customers::ContactPreferences {
                email: None,
                phone: phone.then(|| format!("070-123 45 {:02}", j.id.get() % 100)),
                language: Language::Sv,
                // A letter is their choice for news; a live time goes by text or not at all.
                preferred_channel: Channel::Letter,
            };
            store::customers::set_contact_preferences(&mut tx, j.customer_id, &prefs)
                .await
                .unwrap();
        }
        for (j, start, end) in [(b, 10 * 60, 12 * 60), (cc, 12 * 60, 13 * 60)] {
            let w = BookedWindow {
                crew,
                day: today,
                start_min: start,
                end_min: end,
            };
            store::campaign::book_window(&mut tx, j.id, w, s.now_micros())
                .await
                .unwrap();
        }
        let row = |j: &JobRow, arrive_min, seq| PlannedRow {
            id: j.id,
            crew_id: crew,
            planned_on: today,
            arrive_min,
            seq,
        };
        store::campaign::store_plan(
            &mut tx,
            campaign,
            &[
                row(a, 8 * 60, 1),
                row(b, 10 * 60, 2),
                row(cc, 12 * 60, 3),
                row(d, 14 * 60, 4),
            ],
            s.now_micros(),
        )
        .await
        .unwrap();
        store::campaign::mark_notified(&mut tx, &[a.id, d.id], s.now_micros())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let seq = |s: &Services, id: CampaignJobId| {
            let s = s.clone();
            async move {
                store::campaign::crew_stops(s.store(), crew, s.today())
                    .await
                    .unwrap()
                    .iter()
                    .position(|x| x.id == id)
            }
        };
        assert_eq!(seq(s, a.id).await, Some(0), "{backend:?}");
        assert_eq!(seq(s, d.id).await, Some(3), "{backend:?}");

        // 09:00: A is done. B is booked from 10:00: the crew waits for it, so 10:00-10:15.
        let nine = at(s, 9, 0);
        nine.campaign()
            .complete_job(technician, a.id, &done())
            .await
            .unwrap();
        let told = texts(s, b.customer_id).await;
        assert_eq!(told.len(), 1, "{backend:?}: {told:?}");
        assert!(
            told[0].0.contains("10:00–10:15") && told[0].1.contains("10:00 och 10:15"),
            "{backend:?}: {told:?}"
        );
        assert!(
            texts(s, cc.customer_id).await.is_empty(),
            "only the next stop"
        );
        // Mina sidor shows the time to B's household today.
        let eta = store::campaign::route_day::customer_eta(s.store(), b.customer_id, today)
            .await
            .unwrap()
            .expect("the time is kept for Mina sidor");
        assert_eq!((eta.from_min, eta.to_min), (600, 615), "{backend:?}");

        // 13:10: B is done, late. C's booked window closed at 13:00: C is told so, with when
        // to expect the crew and the link to choose a new window.
        let late = at(s, 13, 10);
        late.campaign()
            .complete_job(technician, b.id, &done())
            .await
            .unwrap();
        let told = texts(s, cc.customer_id).await;
        assert_eq!(told.len(), 1, "{backend:?}: {told:?}");
        let (subject, body) = &told[0];
        assert!(subject.contains("sen"), "{backend:?}: {subject}");
        assert!(
            body.contains("/matarbyte/"),
            "{backend:?}: a link to rebook: {body}"
        );
        let link = body.rsplit(' ').next().unwrap();
        let token = link.rsplit('/').next().unwrap();
        assert_eq!(
            c.meter_link_job(token).await.unwrap(),
            Some(cc.id),
            "{backend:?}: the link is C's"
        );
        // C fails (not home): D has no phone or e-mail, so nobody is told, but the time is kept.
        late.campaign()
            .fail_job(technician, cc.id, FailReason::NotHome)
            .await
            .unwrap();
        assert!(texts(s, d.customer_id).await.is_empty(), "{backend:?}");
        let eta = store::campaign::route_day::customer_eta(s.store(), d.customer_id, today)
            .await
            .unwrap();
        assert!(eta.is_some(), "{backend:?}");
        // Recording a stop twice is refused and tells nobody again.
        assert!(
            late.campaign()
                .complete_job(technician, a.id, &done())
                .await
                .is_err()
        );
        assert_eq!(texts(s, b.customer_id).await.len(), 1, "{backend:?}");
        // The last stop done: nobody is left to tell.
        late.campaign()
            .complete_job(technician, d.id, &done())
            .await
            .unwrap();
    }
}

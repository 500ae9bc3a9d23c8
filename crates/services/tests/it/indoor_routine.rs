//! The indoor-visit routine (issue 20): under a policy with the infection routine, the day
//! before an indoor visit the household is asked whether anyone at home is ill or in
//! quarantine, and "yes" (the link) postpones the visit without storing why; the technician's
//! list shows the routine at indoor stops and the exchange is recorded only with it confirmed.

use domain::campaign::{CampaignProblem, JobStatus, Plannability};
use domain::meter::{Placement, PropertyKind};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::problem::{Invalid, Problem};
use services::campaign::{Booker, DoneForm};
use services::{ServiceError, Services};
use store::campaign::{BookedWindow, PlannedRow};
use test_support::BACKENDS;

use crate::campaign_town::{Town, planner};

async fn subjects(s: &Services, c: domain::ids::CustomerId) -> Vec<(String, String)> {
    store::outbox::of_customer(s.store(), c, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.subject, m.body_text))
        .collect()
}

#[tokio::test]
async fn the_day_before_an_indoor_visit_the_household_may_postpone_it_and_the_technician_confirms_the_routine()
 {
    for backend in BACKENDS {
        let Some(town) = Town::new(backend).await else {
            continue;
        };
        let (s, c, campaign, crew) = (&town.s, town.s.campaign(), town.campaign, town.crew);
        let technician = &town.technician;
        town.campaign_policy(Preset::Pandemic).await;
        // Tomorrow: two indoor visits at houses, booked; today: one indoor and one outdoor stop.
        let indoor = town
            .single_jobs(3, |j| {
                j.placement == Placement::Indoor
                    && j.property_kind == PropertyKind::House
                    && j.plannability == Plannability::Plannable
            })
            .await;
        let outdoor = &town
            .single_jobs(1, |j| j.placement == Placement::OutdoorCabinet)
            .await[0];
        let today = s.today();
        let tomorrow = domain::calendar::add_working_days(today, 1);
        let mut tx = s.store().begin().await.unwrap();
        for (j, day, start) in [
            (&indoor[0], tomorrow, 8 * 60),
            (&indoor[1], tomorrow, 10 * 60),
            (&indoor[2], today, 8 * 60),
        ] {
            let w = BookedWindow {
                crew,
                day,
                start_min: start,
                end_min: start + 120,
            };
            store::campaign::book_window(&mut tx, j.id, w, s.now_micros())
                .await
                .unwrap();
        }
        let row = PlannedRow {
            id: outdoor.id,
            crew_id: crew,
            planned_on: today,
            arrive_min: 11 * 60,
            seq: 2,
        };
        store::campaign::store_plan(&mut tx, campaign, &[row], s.now_micros())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // The reminders of the day before ask the question, with the link to postpone.
        let sent = c.send_notices(&planner()).await.unwrap();
        assert!(sent.reminders >= 2, "{backend:?}: {sent:?}");
        let asked = subjects(s, indoor[0].customer_id).await;
        let (_, body) = asked
            .iter()
            .find(|(_, b)| b.contains("karantän") || b.contains("quarantine"))
            .unwrap_or_else(|| panic!("{backend:?}: the question: {asked:?}"));
        let link = body
            .split_whitespace()
            .find(|w| w.ends_with("/skjut-upp"))
            .expect("the link to postpone");
        let token = link.rsplit('/').nth(1).unwrap();
        assert_eq!(c.meter_link_job(token).await.unwrap(), Some(indoor[0].id));

        // "Yes": the visit leaves the day, the booking is released, the household is told once
        // with a link to choose a new time. Nothing says why.
        c.postpone_visit(Booker::Link, indoor[0].id).await.unwrap();
        let j = store::campaign::job(s.store(), campaign, indoor[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(j.status, JobStatus::Open, "{backend:?}");
        assert_eq!((j.crew_id, j.planned_on, j.window_on), (None, None, None));
        assert_eq!(
            j.plannability,
            Plannability::Plannable,
            "not deferred for good"
        );
        let told: Vec<_> = subjects(s, indoor[0].customer_id)
            .await
            .into_iter()
            .filter(|(sub, _)| sub.contains("uppskjutet") || sub.contains("postponed"))
            .collect();
        assert_eq!(told.len(), 1, "{backend:?}: {told:?}");
        assert!(told[0].1.contains("/matarbyte/"), "{backend:?}");
        for (sub, body) in &told {
            assert!(!sub.contains("sjuk") && !body.contains("sjuk") && !body.contains(" ill"));
        }
        let audit = store::audit::list(s.store(), Some("meter_visit_postponed"), 5, 0)
            .await
            .unwrap();
        let entry = audit.first().expect("audited");
        assert!(!entry.detail.contains("sjuk") && !entry.detail.contains("ill"));
        // Twice: nothing to postpone, and nobody told again.
        assert!(matches!(
            c.postpone_visit(Booker::Link, indoor[0].id).await,
            Err(ServiceError::Conflict(Problem::Campaign(
                CampaignProblem::NotPostponable
            )))
        ));

        // Today's list: the routine at the indoor stop, confirmed before the exchange counts.
        let list = c.work_list(technician, None, today).await.unwrap();
        assert!(list.routine, "{backend:?}");
        let form = |routine_followed| DoneForm {
            old_reading: "48213".into(),
            new_meter_number: "KEM123456".into(),
            new_reading: "0".into(),
            routine_followed,
        };
        assert!(matches!(
            c.complete_job(technician, indoor[2].id, &form(false)).await,
            Err(ServiceError::Invalid(Invalid {
                field: "routine",
                problem: Problem::Campaign(CampaignProblem::RoutineNotConfirmed),
            }))
        ));
        c.complete_job(technician, indoor[2].id, &form(true))
            .await
            .unwrap();
        // An outdoor stop has no routine to confirm.
        c.complete_job(technician, outdoor.id, &form(false))
            .await
            .unwrap();

        // Back to normal: the list shows no routine.
        town.campaign_policy(Preset::Normal).await;
        assert!(!c.work_list(technician, None, today).await.unwrap().routine);
    }
}

#[test]
fn the_pandemic_preset_has_the_routine_and_normal_times_do_not() {
    for (preset, on) in [(Preset::Pandemic, true), (Preset::Normal, false)] {
        match PolicyBody::preset(Capability::Campaign, preset) {
            PolicyBody::Campaign(p) => assert_eq!(p.indoor_routine, on),
            other => panic!("{other:?}"),
        }
    }
    // A campaign policy recorded before the routine existed reads as without it.
    let old: domain::policy::CampaignPolicy = serde_json::from_str(
        r#"{"indoor_visits":"house_owners_only","defer_risk_group":true,"notice_working_days":5,"indoor_requires_booking":true}"#,
    )
    .unwrap();
    assert!(!old.indoor_routine);
}

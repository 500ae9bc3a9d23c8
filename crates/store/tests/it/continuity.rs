//! Continuity's tables on both backends: the widened capability check, functions and shifts,
//! staff with competences, rosters once per person, shift and day, absences and their purge,
//! cover requests answered once, red-shift alerts once until cleared, exercises postponed under
//! a key, the services' latest state and one scheduled report a day.

use domain::continuity::values::Competence;
use domain::continuity::{
    AbsenceReason, ExerciseStatus, ReportKind, RequestStatus, RosterSource, Service, ServiceState,
};
use jiff::civil::date;
use store::continuity as c;
use test_support::{BACKENDS, test_store};

#[tokio::test]
async fn policies_and_modes_accept_the_continuity_capability_and_nothing_unknown() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let body = r#"{"capability":"continuity","rules":{"remote_work_default":true,"travel_limited":true,"meetings_postponed":true,"team_separation":true,"raised_minimum":{"rule":"all"}}}"#;
        store::policies::insert(
            &mut tx,
            &store::policies::NewPolicy {
                capability: domain::policy::Capability::Continuity,
                mode_id: None,
                effective_from: 100,
                effective_to: Some(200),
                body,
                set_by: "t",
                reason: "r",
                now: 0,
            },
        )
        .await
        .unwrap();
        let mode = store::modes::insert_mode(&mut tx, "Pandemi", "", "t", 0)
            .await
            .unwrap();
        store::modes::set_policy(&mut tx, mode, domain::policy::Capability::Continuity, body)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let rows = c::policies_between(&store, 150, 160).await.unwrap();
        assert_eq!(rows, vec![(100, Some(200), body.to_owned())], "{backend:?}");
        assert!(
            c::policies_between(&store, 200, 300)
                .await
                .unwrap()
                .is_empty()
        );
        let bad = store::backend::testing::try_execute(
            &store,
            &format!(
                "INSERT INTO mode_policies (mode_id, capability, body) VALUES ({mode}, 'weather', '{{}}')"
            ),
        )
        .await;
        assert!(
            bad.is_err(),
            "{backend:?}: the check still refuses an unknown capability"
        );
    }
}

/// A function with a night shift, one person on it two nights running: `(night, person)`.
async fn fixture(store: &store::Store) -> (domain::ids::ShiftId, domain::ids::StaffId) {
    let mut tx = store.begin().await.unwrap();
    let competences = vec!["control_room".to_owned(), "el_auth".to_owned()];
    let f = c::insert_function(
        &mut tx,
        &c::NewFunction {
            code: "grid_control",
            name: "Driftcentral el",
            service: Service::Electricity,
            competences: &competences,
            remote_ok: false,
            now: 1,
        },
    )
    .await
    .unwrap();
    let night = c::insert_shift(
        &mut tx,
        &c::NewShift {
            function_id: f,
            shift: "night",
            starts_min: 22 * 60,
            ends_min: 6 * 60,
            min_staff: 2,
            min_staff_crisis: 3,
        },
    )
    .await
    .unwrap();
    let s = c::insert_staff(
        &mut tx,
        &c::NewStaff {
            employee_number: "1001",
            name: "Anna Andersson",
            team: "A",
            phone: Some("070-1234567"),
            email: None,
            remote_possible: true,
            weekly_minutes: 2250,
            now: 1,
        },
    )
    .await
    .unwrap();
    c::set_competences(
        &mut tx,
        s,
        &[Competence {
            code: "control_room".into(),
            expires_on: Some(date(2027, 1, 31)),
        }],
    )
    .await
    .unwrap();
    let entry = |d| c::NewRosterEntry {
        staff_id: s,
        shift_id: night,
        on_date: d,
        source: RosterSource::Import,
        deviation: None,
        created_by: "t",
        now: 1,
    };
    let days = [entry(date(2026, 11, 23)), entry(date(2026, 11, 24))];
    assert_eq!(c::insert_roster(&mut tx, &days).await.unwrap(), 2);
    assert_eq!(
        c::insert_roster(&mut tx, &days).await.unwrap(),
        0,
        "once per person, shift and day"
    );
    tx.commit().await.unwrap();
    (night, s)
}

#[tokio::test]
async fn functions_staff_and_rosters_round_trip() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let (_night, s) = fixture(&store).await;
        let competences = vec!["control_room".to_owned(), "el_auth".to_owned()];

        let functions = c::functions(&store).await.unwrap();
        assert_eq!(functions.len(), 1);
        assert_eq!(functions[0].competences, competences);
        assert_eq!(functions[0].service, Service::Electricity);
        assert!(!functions[0].remote_ok);
        let shifts = c::shifts(&store).await.unwrap();
        assert_eq!(
            (shifts[0].starts_min, shifts[0].min_staff_crisis),
            (1320, 3)
        );
        let person = c::staff_by_number(&store, "1001").await.unwrap().unwrap();
        assert_eq!(person.team, "A");
        assert!(person.remote_possible);
        assert_eq!(person.weekly_minutes, 2250);
        assert_eq!(
            c::competences_of(&store, s).await.unwrap()[0].expires_on,
            Some(date(2027, 1, 31))
        );
        let roster = c::roster_between(&store, date(2026, 11, 24), date(2026, 11, 30))
            .await
            .unwrap();
        assert_eq!(roster.len(), 1);
        assert_eq!(roster[0].on_date, date(2026, 11, 24));
        assert_eq!(roster[0].source, RosterSource::Import);
    }
}

#[tokio::test]
async fn absences_requests_and_alerts_behave_once() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let (night, s) = fixture(&store).await;
        // Absences meet a range by their days; the purge deletes those past the retention.
        let mut tx = store.begin().await.unwrap();
        let a = c::insert_absence(
            &mut tx,
            &c::NewAbsence {
                staff_id: s,
                reason: AbsenceReason::CareOfSickChild,
                from_date: date(2026, 11, 20),
                to_date: date(2026, 11, 24),
                reported_by: "Anna Andersson",
                now: 1,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let hit = c::absences_between(&store, date(2026, 11, 24), date(2026, 11, 30))
            .await
            .unwrap();
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].reason, AbsenceReason::CareOfSickChild);
        assert!(
            c::absences_between(&store, date(2026, 11, 25), date(2026, 11, 30))
                .await
                .unwrap()
                .is_empty()
        );
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            c::purge_absences(&mut tx, date(2026, 11, 24))
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            c::purge_absences(&mut tx, date(2026, 11, 25))
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
        assert!(c::absence(&store, a).await.unwrap().is_none());

        // A request is made once per person, shift and day, and answered once.
        let mut tx = store.begin().await.unwrap();
        let (r, new) = c::ask(&mut tx, night, date(2026, 11, 25), s, "chef", 5)
            .await
            .unwrap();
        assert!(new);
        let (again, new) = c::ask(&mut tx, night, date(2026, 11, 25), s, "chef", 6)
            .await
            .unwrap();
        assert_eq!((again, new), (r, false), "{backend:?}");
        assert_eq!(
            c::answer(&mut tx, r, RequestStatus::Accepted, 7)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            c::answer(&mut tx, r, RequestStatus::Declined, 8)
                .await
                .unwrap(),
            0
        );
        // An alert is raised once until it is cleared.
        let first = c::raise_alert(&mut tx, night, date(2026, 11, 25), 1)
            .await
            .unwrap();
        assert!(first.is_some());
        let second = c::raise_alert(&mut tx, night, date(2026, 11, 25), 2)
            .await
            .unwrap();
        assert_eq!(second, None, "{backend:?}");
        let open = c::open_alerts_in(&mut tx).await.unwrap();
        assert_eq!(open.len(), 1);
        c::clear_alert(&mut tx, open[0].0, 3).await.unwrap();
        let again = c::raise_alert(&mut tx, night, date(2026, 11, 25), 4)
            .await
            .unwrap();
        assert!(again.is_some() && again != first);
        tx.commit().await.unwrap();
        let req = c::cover_request(&store, r).await.unwrap().unwrap();
        assert_eq!(
            (req.status, req.answered_at),
            (RequestStatus::Accepted, Some(7))
        );
    }
}

#[tokio::test]
async fn plans_exercises_services_and_reports() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let plan = c::insert_plan(
            &mut tx,
            &c::NewPlan {
                function_id: None,
                title: "Pandemiplan",
                owner: "Bengt",
                measures: "Dela lagen",
                last_reviewed_on: None,
                next_review_on: date(2026, 12, 1),
                by: "t",
                now: 1,
            },
        )
        .await
        .unwrap();
        for d in [date(2026, 11, 20), date(2026, 12, 2), date(2027, 3, 1)] {
            c::insert_exercise(
                &mut tx,
                &c::NewExercise {
                    plan_id: plan,
                    on_date: d,
                    status: ExerciseStatus::Planned,
                    lessons: "",
                    by: "t",
                    now: 1,
                },
            )
            .await
            .unwrap();
        }
        let postponed =
            c::postpone_exercises(&mut tx, date(2026, 11, 23), Some(date(2027, 1, 1)), "k1")
                .await
                .unwrap();
        assert_eq!(postponed.len(), 1, "{backend:?}");
        assert!(
            c::postpone_exercises(&mut tx, date(2026, 11, 23), Some(date(2027, 1, 1)), "k1")
                .await
                .unwrap()
                .is_empty()
        );
        for (state, at) in [
            (ServiceState::Undisturbed, 10),
            (ServiceState::Disturbed, 20),
        ] {
            c::set_service_status(
                &mut tx,
                &c::ServiceStatusRow {
                    service: Service::Water,
                    state,
                    note: String::new(),
                    set_by: "op".into(),
                    set_at: at,
                },
            )
            .await
            .unwrap();
        }
        let d = date(2026, 11, 23);
        let first = c::insert_report(&mut tx, d, ReportKind::Scheduled, "{}", "system", 1)
            .await
            .unwrap();
        assert!(first.is_some());
        assert!(
            c::insert_report(&mut tx, d, ReportKind::Scheduled, "{}", "system", 2)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: one scheduled report a day"
        );
        assert!(
            c::insert_report(&mut tx, d, ReportKind::OnDemand, "{\"x\":1}", "chef", 3)
                .await
                .unwrap()
                .is_some()
        );
        tx.commit().await.unwrap();
        assert_eq!(c::postponed_by(&store, "k1").await.unwrap(), postponed);
        assert_eq!(
            c::planned_exercises(&store, date(2026, 11, 1), None)
                .await
                .unwrap()
                .len(),
            2
        );
        let at_15 = c::service_status_at(&store, 15).await.unwrap();
        assert_eq!(at_15[0].state, ServiceState::Undisturbed);
        let now = c::service_status_at(&store, 25).await.unwrap();
        assert_eq!(now[0].state, ServiceState::Disturbed);
        assert_eq!(
            c::report_of(&store, d).await.unwrap().unwrap().body,
            "{\"x\":1}"
        );
        assert_eq!(c::reports(&store, 10).await.unwrap().len(), 2);
        assert_eq!(c::plans(&store).await.unwrap()[0].title, "Pandemiplan");
    }
}

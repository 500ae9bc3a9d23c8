//! Continuity through its handle, on both backends: imports, the coverage board and its alerts,
//! absences, cover candidates and the day's assignment, asking and answering by signed link,
//! roster changes with the working-time rules, the situation report, the policy hook, and the
//! demo's data — with every roster and proposal checked by an independent implementation of the
//! rest rules below.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::continuity::worktime::WorkingTimeRules;
use domain::continuity::{
    AbsenceReason, ContinuityPolicy, ContinuityProblem, CoverageStatus, Exclusion, RequestStatus,
    Rule, Service, ServiceState,
};
use domain::customer::Channel;
use domain::policy::{Capability, PolicyBody};
use domain::problem::Problem;
use domain::role::Role;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use services::capability::PolicyChange;
use services::continuity::{AbsenceInput, ContinuitySettings, ImportError, RosterChange};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

const TODAY: Date = date(2026, 11, 23);

const FUNCTIONS: &str = "\
code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok
grid,Driftcentral,electricity,dag,06:00,14:00,0,1,control_room,false
grid,Driftcentral,electricity,natt,22:00,06:00,2,3,control_room,false
kund,Kundtjänst,customer_service,dag,08:00,17:00,0,0,,true
";

const STAFF: &str = "\
employee_number;name;team;competences;phone;email;remote_possible;weekly_hours
1;Anna Ek;A;control_room;070-1;;false;40
2;Bo Berg;A;control_room:2027-12-31;070-2;;false;40
3;Cia Dahl;B;control_room;070-3;cia@x.se;true;40
4;Dan Ek;A;control_room:2026-11-01;070-4;;false;40
5;Eva Fors;B;;;eva@x.se;true;37,5
6;Fia Gran;A;control_room;070-6;;true;40
7;Gus Holm;B;control_room;070-7;;false;40
9;Ida Ivarsson;B;control_room;070-9;;false;24
";

const ROSTER: &str = "\
employee_number,function_code,shift,date
1,grid,natt,2026-11-23
2,grid,natt,2026-11-23
6,grid,natt,2026-11-24
7,grid,natt,2026-11-24
3,grid,dag,2026-11-24
9,kund,dag,2026-11-25
9,kund,dag,2026-11-26
9,kund,dag,2026-11-27
";

fn manager() -> Actor {
    Actor {
        role: Some(Role::ContinuityManager),
        name: "Bengt Beredskap".into(),
        ..Actor::system()
    }
}

/// A fresh service at Monday 23 November 2026, 10:00, with the functions, staff and roster
/// above, and overtime limited to 10 hours in four weeks.
async fn setup(backend: Backend) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(FixedClock::new(test_now()));
    let s = Services::new(store, clock.clone(), test_settings(false));
    let c = s.continuity();
    let m = manager();
    c.save_settings(
        &m,
        &ContinuitySettings {
            rules: WorkingTimeRules {
                overtime_period_hours: 10,
                ..Default::default()
            },
            absence_retention_days: 90,
        },
    )
    .await
    .unwrap();
    c.import_functions(&m, FUNCTIONS.as_bytes()).await.unwrap();
    c.import_staff(&m, STAFF.as_bytes(), false).await.unwrap();
    c.import_roster(&m, ROSTER.as_bytes()).await.unwrap();
    Some((s, clock, db))
}

async fn staff_id(s: &Services, number: &str) -> domain::ids::StaffId {
    store::continuity::staff_by_number(s.store(), number)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Links a new account to a person on the staff.
async fn account_for(s: &Services, number: &str, username: &str, role: Role) -> Actor {
    let user = s
        .accounts()
        .create_user(username, username, role, None, "pw-long-enough-1", false)
        .await
        .unwrap();
    let id = staff_id(s, number).await;
    let mut tx = s.store().begin().await.unwrap();
    store::continuity::set_staff_user(&mut tx, id, Some(user))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Actor {
        user_id: Some(user),
        name: username.into(),
        role: Some(role),
        customer_id: None,
        address: "test".into(),
    }
}

fn line_error(e: ImportError) -> (u64, &'static str, Problem) {
    match e {
        ImportError::Line(l) => (l.line, l.field, l.problem),
        other => panic!("expected a line error, got {other:?}"),
    }
}

fn problem(e: ServiceError) -> Problem {
    match e {
        ServiceError::Invalid(i) => i.problem,
        ServiceError::Conflict(p) => p,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn sms_to(s: &Services, recipient: &str) -> Vec<store::outbox::OutboxRow> {
    s.outbox(500, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.recipient == recipient && m.channel == Channel::Sms)
        .collect()
}

async fn cell(s: &Services, shift: &str, d: Date) -> services::continuity::BoardCell {
    let board = s.continuity().board(&manager(), d, 1).await.unwrap();
    board
        .cells()
        .find(|(r, c)| r.function.code == "grid" && r.shift.shift == shift && c.date == d)
        .map(|(_, c)| c.clone())
        .unwrap()
}

#[tokio::test]
async fn imports_are_all_or_nothing_name_line_and_field_and_change_nothing_twice() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        let again = c.import_functions(&m, FUNCTIONS.as_bytes()).await.unwrap();
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, 3),
            "{backend:?}"
        );
        let again = c.import_staff(&m, STAFF.as_bytes(), false).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 8));
        let again = c.import_roster(&m, ROSTER.as_bytes()).await.unwrap();
        assert_eq!((again.inserted, again.unchanged), (0, 8));
        // A changed minimum updates one row; a bad row later in the file stops everything.
        let changed = FUNCTIONS.replace("dag,06:00,14:00,0,1", "dag,06:00,14:00,0,2");
        let n = c.import_functions(&m, changed.as_bytes()).await.unwrap();
        assert_eq!((n.inserted, n.updated, n.unchanged), (0, 1, 2));
        let bad = format!("{FUNCTIONS}water,Vattenverk,water,dag,25:00,14:00,1,1,,false\n");
        let bad = bad.replace(
            "kund,Kundtjänst,customer_service,dag",
            "kund,Kundtjänst,customer_service,kvall",
        );
        let (line, field, p) =
            line_error(c.import_functions(&m, bad.as_bytes()).await.unwrap_err());
        assert_eq!((line, field, p), (5, "start", Problem::NotATime));
        let functions = c.functions(&m).await.unwrap();
        assert_eq!(
            functions.len(),
            2,
            "{backend:?}: nothing of the bad file was imported"
        );
        assert!(
            functions
                .iter()
                .all(|f| f.shifts.iter().all(|s| s.shift != "kvall"))
        );
        // Line errors name the row: an unknown service, an unknown person, a breach.
        let e = c
            .import_functions(
                &m,
                FUNCTIONS.replace("electricity,natt", "gas,natt").as_bytes(),
            )
            .await
            .unwrap_err();
        assert!(matches!(
            line_error(e),
            (3, "service", Problem::UnknownChoice(_))
        ));
        let e = c
            .import_roster(
                &m,
                b"employee_number,function_code,shift,date\n99,grid,dag,2026-11-25\n",
            )
            .await
            .unwrap_err();
        assert_eq!(
            line_error(e).2,
            Problem::Continuity(ContinuityProblem::UnknownStaff {
                employee_number: "99".into()
            })
        );
        let e = c
            .import_roster(&m, b"employee_number,function_code,shift,date\n1,grid,natt,2026-11-25\n1,grid,dag,2026-11-26\n")
            .await
            .unwrap_err();
        let (line, field, p) = line_error(e);
        assert_eq!((line, field), (3, "date"));
        assert!(
            matches!(
                p,
                Problem::Continuity(ContinuityProblem::Breach {
                    rule: Rule::DailyRest,
                    found_minutes: 480,
                    ..
                })
            ),
            "{p:?}"
        );
        let e = c
            .import_roster(
                &m,
                b"employee_number,function_code,shift,date\n5,grid,dag,2026-11-25\n",
            )
            .await
            .unwrap_err();
        assert!(matches!(
            line_error(e).2,
            Problem::Continuity(ContinuityProblem::MissingCompetence { .. })
        ));
        let e = c
            .import_staff(&m, b"employee_number,name\n1,Anna\n", false)
            .await
            .unwrap_err();
        assert_eq!(line_error(e).1, "header");
        // Only managers import.
        let agent = Actor {
            role: Some(Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            c.import_staff(&agent, STAFF.as_bytes(), false).await,
            Err(ImportError::Service(ServiceError::Forbidden))
        ));
    }
}

#[tokio::test]
async fn the_board_follows_absences_and_managers_are_told_once_when_a_shift_turns_red() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let anna = account_for(&s, "1", "anna", Role::Technician).await;
        account_for(&s, "6", "chef", Role::ContinuityManager).await;
        let night = cell(&s, "natt", TODAY).await;
        assert_eq!(
            (night.required, night.rostered, night.present, night.status),
            (2, 2, 2, CoverageStatus::Amber),
            "{backend:?}"
        );
        assert_eq!(
            cell(&s, "natt", date(2026, 11, 24)).await.status,
            CoverageStatus::Amber
        );
        assert_eq!(
            cell(&s, "natt", date(2026, 11, 25)).await.status,
            CoverageStatus::Red
        );
        // Anna is sick tonight: the night turns red, and the manager gets one text message.
        let id = c
            .report_own_absence(
                &anna,
                &AbsenceInput {
                    reason: AbsenceReason::Sick,
                    from: TODAY,
                    to: TODAY,
                },
            )
            .await
            .unwrap();
        let night = cell(&s, "natt", TODAY).await;
        assert_eq!((night.present, night.status), (1, CoverageStatus::Red));
        assert_eq!(
            night
                .missing
                .iter()
                .map(|m| m.1.as_str())
                .collect::<Vec<_>>(),
            ["Anna Ek"]
        );
        let texts = sms_to(&s, "070-6").await;
        assert_eq!(texts.len(), 1, "{backend:?}");
        assert!(
            texts[0].body_text.contains("Driftcentral") && texts[0].body_text.contains("22:00")
        );
        assert_eq!(c.alert_red_shifts().await.unwrap(), 0, "told once");
        // Taken back: green again is not told; red again is told again.
        c.withdraw_absence(&anna, id).await.unwrap();
        assert_eq!(cell(&s, "natt", TODAY).await.status, CoverageStatus::Amber);
        c.report_absence(
            &manager(),
            staff_id(&s, "2").await,
            &AbsenceInput {
                reason: AbsenceReason::CareOfSickChild,
                from: TODAY,
                to: date(2026, 11, 24),
            },
        )
        .await
        .unwrap();
        assert_eq!(sms_to(&s, "070-6").await.len(), 2);
        // Someone not linked to the staff cannot report their own absence; dates are checked.
        let stranger = Actor {
            user_id: Some(domain::ids::UserId::new(999)),
            role: Some(Role::Agent),
            ..Actor::system()
        };
        let input = AbsenceInput {
            reason: AbsenceReason::Other,
            from: TODAY,
            to: TODAY,
        };
        assert_eq!(
            problem(c.report_own_absence(&stranger, &input).await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::NotOnStaff)
        );
        let backwards = AbsenceInput {
            to: date(2026, 11, 22),
            ..input
        };
        assert_eq!(
            problem(c.report_own_absence(&anna, &backwards).await.unwrap_err()),
            Problem::EndsBeforeStart
        );
        assert_eq!(c.own_absences(&anna).await.unwrap().len(), 0);
        // The board is for continuity managers; an anonymous visitor is nobody's system.
        assert!(matches!(
            c.board(&anna, TODAY, 14).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            c.board(&Actor::anonymous("192.0.2.1"), TODAY, 14).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn cover_ranks_candidates_and_excludes_everyone_else_with_the_first_reason() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        c.report_absence(
            &m,
            staff_id(&s, "1").await,
            &AbsenceInput {
                reason: AbsenceReason::Sick,
                from: TODAY,
                to: TODAY,
            },
        )
        .await
        .unwrap();
        let list = c.cover(&m, "grid", TODAY, "natt").await.unwrap();
        assert_eq!(
            (list.required, list.present, list.status),
            (2, 1, CoverageStatus::Red)
        );
        let names: Vec<&str> = list
            .candidates
            .iter()
            .map(|x| x.staff.name.as_str())
            .collect();
        assert_eq!(names, ["Fia Gran", "Gus Holm"], "{backend:?}");
        let reasons: BTreeMap<&str, Exclusion> = list
            .excluded
            .iter()
            .map(|e| (e.staff.employee_number.as_deref().unwrap_or(""), e.reason))
            .collect();
        let expected: BTreeMap<&str, Exclusion> = [
            ("1", Exclusion::Absent),
            ("2", Exclusion::AlreadyRostered),
            ("3", Exclusion::DailyRest),
            ("4", Exclusion::Competence),
            ("5", Exclusion::Competence),
            ("9", Exclusion::Overtime),
        ]
        .into();
        assert_eq!(reasons, expected, "{backend:?}");
        // Under the pandemic policy the night needs three and teams are kept apart: Gus is
        // of another team than the night's.
        s.policies()
            .set(
                &m,
                &PolicyBody::preset(Capability::Continuity, domain::policy::Preset::Pandemic),
                test_now() - SignedDuration::from_hours(1),
                None,
                "Pandemi",
            )
            .await
            .unwrap();
        let list = c.cover(&m, "grid", TODAY, "natt").await.unwrap();
        assert_eq!(list.required, 3);
        assert_eq!(list.candidates.len(), 1);
        assert!(
            list.excluded
                .iter()
                .any(|e| e.staff.name == "Gus Holm" && e.reason == Exclusion::TeamSeparation)
        );
        // Unknown names are named.
        assert_eq!(
            problem(c.cover(&m, "grid", TODAY, "kvall").await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::UnknownShift {
                function: "grid".into(),
                shift: "kvall".into()
            })
        );
    }
}

#[tokio::test]
async fn the_day_proposal_fills_every_gap_it_can_with_different_people_within_the_rules() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        c.report_absence(
            &m,
            staff_id(&s, "1").await,
            &AbsenceInput {
                reason: AbsenceReason::Sick,
                from: TODAY,
                to: date(2026, 11, 24),
            },
        )
        .await
        .unwrap();
        // Wednesday: the night has nobody (two short); the day needs nobody.
        let d = date(2026, 11, 25);
        let p = c.day_proposal(&m, d).await.unwrap();
        let night = p.gaps.iter().find(|g| g.shift.shift == "natt").unwrap();
        assert_eq!(
            (
                night.required,
                night.present,
                night.proposed.len(),
                night.open
            ),
            (2, 0, 2, 0)
        );
        let mut people: Vec<&str> = p
            .gaps
            .iter()
            .flat_map(|g| g.proposed.iter().map(|x| x.staff.name.as_str()))
            .collect();
        let n = people.len();
        people.sort_unstable();
        people.dedup();
        assert_eq!(people.len(), n, "{backend:?}: each person at most once");
        // Every proposal keeps the rest rules by an independent check.
        let settings = c.settings().await.unwrap();
        for g in &p.gaps {
            for x in &g.proposed {
                let mut spans = roster_spans(&s, x.staff.id).await;
                spans.push(independent::span(&g.shift, d));
                let broken = independent::rest_breaches(&spans, &settings.rules);
                assert!(
                    broken.is_empty(),
                    "{} on {}: {broken:?}",
                    x.staff.name,
                    g.shift.shift
                );
            }
        }
    }
}

#[tokio::test]
async fn asking_sends_a_signed_link_and_an_acceptance_rosters_once() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        c.report_absence(
            &m,
            staff_id(&s, "1").await,
            &AbsenceInput {
                reason: AbsenceReason::Quarantine,
                from: TODAY,
                to: TODAY,
            },
        )
        .await
        .unwrap();
        let night = store::continuity::shifts(s.store())
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.shift == "natt")
            .unwrap();
        let fia = staff_id(&s, "6").await;
        let gus = staff_id(&s, "7").await;
        c.ask(&m, night.id, TODAY, fia).await.unwrap();
        c.ask(&m, night.id, TODAY, fia).await.unwrap();
        c.ask(&m, night.id, TODAY, gus).await.unwrap();
        let texts = sms_to(&s, "070-6").await;
        assert_eq!(
            texts.len(),
            1,
            "{backend:?}: asking again sends nothing new"
        );
        let token = |body: &str| {
            body.split("/tackning/")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned()
        };
        let fia_token = token(&texts[0].body_text);
        let gus_token = token(&sms_to(&s, "070-7").await[0].body_text);
        // A guessed link is nobody's.
        assert!(matches!(
            c.answer_cover("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true, "x")
                .await,
            Err(ServiceError::NotFound)
        ));
        assert_eq!(
            c.answer_cover(&fia_token, true, "x").await.unwrap(),
            RequestStatus::Accepted
        );
        let cell = cell(&s, "natt", TODAY).await;
        assert_eq!(
            (cell.present, cell.status),
            (2, CoverageStatus::Amber),
            "{backend:?}"
        );
        assert_eq!(
            problem(c.answer_cover(&fia_token, true, "x").await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::Answered)
        );
        // Gus answers too late: the night no longer needs him, and his request lapses.
        assert_eq!(
            problem(c.answer_cover(&gus_token, true, "x").await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::NotNeeded)
        );
        assert_eq!(
            c.cover_request(&gus_token).await.unwrap().request.status,
            RequestStatus::Lapsed
        );
        assert_eq!(
            problem(c.ask(&m, night.id, TODAY, gus).await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::NotNeeded)
        );
        let roster = store::continuity::roster_between(s.store(), TODAY, TODAY)
            .await
            .unwrap();
        assert_eq!(
            roster
                .iter()
                .filter(|r| r.staff_id == fia && r.source == domain::continuity::RosterSource::Cover)
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn roster_changes_keep_the_rules_unless_a_deviation_is_recorded() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        let night = store::continuity::shifts(s.store())
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.shift == "natt")
            .unwrap();
        let change = RosterChange {
            staff: staff_id(&s, "3").await,
            shift: night.id,
            date: TODAY,
            deviation: None,
        };
        assert_eq!(
            problem(c.add_to_roster(&m, &change).await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::Breach {
                rule: Rule::DailyRest,
                found_minutes: 480,
                limit_minutes: 660
            }),
            "{backend:?}"
        );
        let id = c
            .add_to_roster(
                &m,
                &RosterChange {
                    deviation: Some("Storm, ingen annan kan".into()),
                    ..change.clone()
                },
            )
            .await
            .unwrap();
        let cell = cell(&s, "natt", TODAY).await;
        assert_eq!(
            (cell.present, cell.deviations, cell.status),
            (3, 1, CoverageStatus::Green)
        );
        let entry = store::continuity::roster_entry(s.store(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.deviation_by.as_deref(), Some("Bengt Beredskap"));
        c.remove_from_roster(&m, id).await.unwrap();
        let unqualified = RosterChange {
            staff: staff_id(&s, "5").await,
            ..change
        };
        assert!(matches!(
            problem(c.add_to_roster(&m, &unqualified).await.unwrap_err()),
            Problem::Continuity(ContinuityProblem::MissingCompetence { .. })
        ));
    }
}

#[tokio::test]
async fn absences_are_purged_after_the_retention() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let id = c
            .report_absence(
                &manager(),
                staff_id(&s, "5").await,
                &AbsenceInput {
                    reason: AbsenceReason::Sick,
                    from: TODAY,
                    to: TODAY,
                },
            )
            .await
            .unwrap();
        clock.advance(SignedDuration::from_hours(24 * 90));
        assert_eq!(c.purge_absences().await.unwrap(), 0, "{backend:?}");
        clock.advance(SignedDuration::from_hours(24));
        assert_eq!(c.purge_absences().await.unwrap(), 1);
        assert!(
            store::continuity::absence(s.store(), id)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn the_hook_previews_what_apply_does_and_does_it_once() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        let plan = c
            .save_plan(
                &m,
                None,
                &services::continuity::PlanInput {
                    function: "grid".into(),
                    title: "Driftcentralen".into(),
                    owner: "Bengt".into(),
                    measures: "Två i tjänst".into(),
                    next_review_on: "2027-01-01".into(),
                },
            )
            .await
            .unwrap();
        let exercise = c
            .log_exercise(&m, plan, date(2026, 11, 30), false, "")
            .await
            .unwrap();
        let hook = s.hook(Capability::Continuity).expect("a continuity hook");
        let normal = PolicyBody::Continuity(ContinuityPolicy::preset(false));
        let pandemic = PolicyBody::Continuity(ContinuityPolicy::preset(true));
        let change = PolicyChange {
            before: normal.clone(),
            after: pandemic.clone(),
            at: test_now(),
            until: None,
        };
        let preview = hook.preview(&change).await.unwrap();
        assert!(preview.customers.is_empty());
        // Tonight's night needs three under the pandemic minimum and has two; every night of
        // the fortnight is then red (nobody else is rostered), the day shifts too.
        let red = preview
            .effects
            .iter()
            .find(|e| e.key == "shifts_turning_red")
            .unwrap();
        assert!(
            red.value >= 1 && !red.ids.is_empty(),
            "{backend:?}: {red:?}"
        );
        assert_eq!(
            preview.effect("staff_told"),
            8,
            "everyone with a phone or e-mail"
        );
        assert_eq!(preview.effect("staff_told_to_work_remotely"), 3);
        let postponed = preview
            .effects
            .iter()
            .find(|e| e.key == "meetings_postponed")
            .unwrap();
        assert_eq!(postponed.ids, vec![exercise.get()]);
        let before = s.outbox(1000, 0).await.unwrap().len();
        let applied = hook.apply(&change, "activation:1").await.unwrap();
        assert_eq!(
            applied.effects, preview.effects,
            "{backend:?}: preview is what apply does"
        );
        let after = s.outbox(1000, 0).await.unwrap().len();
        assert_eq!(after - before, 8);
        let again = hook.apply(&change, "activation:1").await.unwrap();
        assert_eq!(again.effects, applied.effects);
        assert_eq!(
            s.outbox(1000, 0).await.unwrap().len(),
            after,
            "{backend:?}: once"
        );
        let ex = store::continuity::exercises(s.store()).await.unwrap();
        assert_eq!(ex[0].status, domain::continuity::ExerciseStatus::Postponed);
        assert_eq!(ex[0].postponed_by.as_deref(), Some("activation:1"));
        // What the policy says, and that continuity has nothing to tell customers.
        let keys: Vec<&str> = hook.describe(&pandemic).iter().map(|m| m.key).collect();
        assert_eq!(
            keys,
            [
                "continuity-measure-remote-work",
                "continuity-measure-travel-limited",
                "continuity-measure-meetings-postponed",
                "continuity-measure-team-separation",
                "continuity-measure-raised-all"
            ]
        );
        assert_eq!(
            hook.describe(&normal)
                .iter()
                .map(|m| m.key)
                .collect::<Vec<_>>(),
            ["continuity-measure-normal"]
        );
        let item = hook
            .change_item(&domain::policy::CustomerChange::VisitOverCap {
                visit: domain::ids::VisitId::new(1),
                starts_at: test_now(),
            })
            .await;
        assert!(matches!(item, Err(ServiceError::Internal(_))));
        // Back to normal: the red shifts recover and staff hear that everyday work is back.
        let back = hook.preview(&change.reverted(test_now())).await.unwrap();
        assert_eq!(back.effect("shifts_no_longer_red"), red.value);
        assert_eq!(back.effect("staff_told_to_work_remotely"), 0);
        assert_eq!(back.effect("meetings_postponed"), 0);
    }
}

#[tokio::test]
async fn the_situation_report_is_issued_at_seven_and_on_demand_and_stays_readable() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = s.continuity();
        let m = manager();
        let op = Actor {
            role: Some(Role::Technician),
            name: "Olle Operatör".into(),
            ..Actor::system()
        };
        assert_eq!(
            problem(
                c.set_service_status(&op, Service::Water, ServiceState::Disturbed, " ")
                    .await
                    .unwrap_err()
            ),
            Problem::Required
        );
        c.set_service_status(
            &op,
            Service::Water,
            ServiceState::Disturbed,
            "Läcka i Bofors",
        )
        .await
        .unwrap();
        c.report_absence(
            &m,
            staff_id(&s, "1").await,
            &AbsenceInput {
                reason: AbsenceReason::CareOfSickChild,
                from: TODAY,
                to: TODAY,
            },
        )
        .await
        .unwrap();
        let id = c.issue_report(&m).await.unwrap();
        let (_, report) = c.report(&m, id).await.unwrap();
        let water = report
            .services
            .iter()
            .find(|l| l.service == Service::Water)
            .unwrap();
        assert_eq!(water.state, Some(ServiceState::Disturbed));
        assert_eq!(water.note, "Läcka i Bofors");
        assert!(report.services.iter().any(|l| l.state.is_none()));
        let grid = report
            .staffing
            .iter()
            .find(|l| l.function == "grid")
            .unwrap();
        assert_eq!(grid.status, CoverageStatus::Red, "{backend:?}");
        let vab = report
            .absence
            .iter()
            .find(|a| a.reason == AbsenceReason::CareOfSickChild)
            .unwrap();
        assert_eq!(vab.staff, 1);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["suppliers"]["status"], "not_available");
        assert_eq!(json["community"]["status"], "available");
        assert_eq!(json["community"]["figures"]["events_waiting"], 0);
        assert_eq!(json["customers"]["open_cases"]["status"], "available");
        assert_eq!(json["customers"]["campaign"]["status"], "not_available");
        // The 07:00 report: not before seven, once a day.
        clock.set("2026-11-24T05:30:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(c.scheduled_report().await.unwrap(), None);
        clock.set("2026-11-24T06:05:00Z".parse::<Timestamp>().unwrap());
        assert!(c.scheduled_report().await.unwrap().is_some());
        assert_eq!(c.scheduled_report().await.unwrap(), None);
        // Yesterday's report stays as it was issued.
        assert_eq!(c.report_of(&m, TODAY).await.unwrap(), report);
        assert_eq!(c.reports(&m).await.unwrap().len(), 2);
        assert!(matches!(
            c.report_of(&m, date(2026, 11, 1)).await,
            Err(ServiceError::NotFound)
        ));
    }
}

#[tokio::test]
async fn the_demo_has_eighty_staff_a_month_of_lawful_rosters_and_one_red_night() {
    let Some((store, _db)) = test_store(Backend::Sqlite).await else {
        return;
    };
    let s = Services::new(
        store,
        Arc::new(FixedClock::new(test_now())),
        test_settings(true),
    );
    s.generate_demo(services::demo::DemoSize::Small, 42, &services::demo::Quiet)
        .await
        .unwrap();
    let c = s.continuity();
    let m = manager();
    let staff = c.staff(&m).await.unwrap();
    assert_eq!(staff.len(), 80);
    assert!(
        staff
            .iter()
            .all(|p| p.row.employee_number.is_some() && !p.competences.is_empty())
    );
    let services_covered: std::collections::BTreeSet<Service> = c
        .functions(&m)
        .await
        .unwrap()
        .iter()
        .map(|f| f.function.service)
        .collect();
    assert_eq!(services_covered.len(), Service::ALL.len());
    let roster = store::continuity::roster_between(s.store(), date(2026, 1, 1), date(2027, 12, 31))
        .await
        .unwrap();
    let days: std::collections::BTreeSet<Date> = roster.iter().map(|r| r.on_date).collect();
    assert!(days.len() >= 28, "a month of rosters: {}", days.len());
    // Every person's roster keeps the rest rules, by an independent check.
    let settings = c.settings().await.unwrap();
    for p in &staff {
        let spans = roster_spans(&s, p.row.id).await;
        let broken = independent::rest_breaches(&spans, &settings.rules);
        assert!(broken.is_empty(), "{}: {broken:?}", p.row.name);
    }
    // One red shift in the next fortnight: tomorrow's night in the grid control room.
    let board = c.board(&m, TODAY, 14).await.unwrap();
    let red: Vec<(String, String, Date)> = board
        .cells()
        .filter(|(_, cell)| cell.status == CoverageStatus::Red)
        .map(|(r, cell)| (r.function.code.clone(), r.shift.shift.clone(), cell.date))
        .collect();
    assert_eq!(
        red,
        [(
            "grid_control".to_owned(),
            "natt".to_owned(),
            date(2026, 11, 24)
        )]
    );
    assert!(
        c.absences(&m, TODAY, date(2026, 12, 7))
            .await
            .unwrap()
            .len()
            >= 3
    );
    // The demo's continuity manager is told of it by text message, and can find cover.
    assert!(
        s.outbox(1000, 0)
            .await
            .unwrap()
            .iter()
            .any(|o| o.channel == Channel::Sms && o.subject.contains("Driftcentral el"))
    );
    let cover = c
        .cover(&m, "grid_control", date(2026, 11, 24), "natt")
        .await
        .unwrap();
    assert!(!cover.candidates.is_empty());
    assert!(!c.reports(&m).await.unwrap().is_empty());
    assert_eq!(c.plans(&m).await.unwrap().due, 1);
}

/// Every work period of one person (start and end instants from the shift's clock times).
async fn roster_spans(s: &Services, person: domain::ids::StaffId) -> Vec<(Timestamp, Timestamp)> {
    let shifts = store::continuity::shifts(s.store()).await.unwrap();
    store::continuity::roster_between(s.store(), date(2026, 1, 1), date(2027, 12, 31))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.staff_id == person)
        .map(|r| {
            independent::span(
                shifts.iter().find(|x| x.id == r.shift_id).unwrap(),
                r.on_date,
            )
        })
        .collect()
}

/// The rest rules written again, minute by minute, sharing no code with `domain`.
mod independent {
    use jiff::civil::{Date, Weekday};
    use jiff::tz::TimeZone;
    use jiff::{SignedDuration, Timestamp, ToSpan};

    use domain::continuity::worktime::WorkingTimeRules;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    /// When a shift starting on `d` runs.
    pub fn span(shift: &store::continuity::ShiftRow, d: Date) -> (Timestamp, Timestamp) {
        let at = |day: Date, minutes: i64| {
            day.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0)
                .to_zoned_datetime(tz())
                .unwrap()
                .timestamp()
        };
        let end_day = if shift.ends_min <= shift.starts_min {
            d.tomorrow().unwrap()
        } else {
            d
        };
        (at(d, shift.starts_min), at(end_day, shift.ends_min))
    }

    /// The longest run of minutes in `[from, to)` not covered by any period.
    fn longest_free(periods: &[(Timestamp, Timestamp)], from: Timestamp, to: Timestamp) -> i64 {
        let minutes = (to - from).as_secs() / 60;
        let (mut best, mut run) = (0, 0);
        for m in 0..minutes {
            let t = from + SignedDuration::from_mins(m);
            let working = periods.iter().any(|(a, b)| *a <= t && t < *b);
            run = if working { 0 } else { run + 1 };
            best = best.max(run);
        }
        best
    }

    /// Each daily-rest and weekly-rest rule broken: `(rule, where, minutes found)`.
    pub fn rest_breaches(
        periods: &[(Timestamp, Timestamp)],
        rules: &WorkingTimeRules,
    ) -> Vec<(&'static str, Timestamp, i64)> {
        let mut out = Vec::new();
        for (start, _) in periods {
            let end = *start + SignedDuration::from_hours(i64::from(rules.daily_window_hours));
            let free = longest_free(periods, *start, end);
            if free < i64::from(rules.daily_rest_hours) * 60 {
                out.push(("daily", *start, free));
            }
        }
        let mut weeks = std::collections::BTreeSet::new();
        for (a, b) in periods {
            for t in [a, b] {
                let d = t.to_zoned_datetime(tz()).date();
                let mut monday = d;
                while monday.weekday() != Weekday::Monday {
                    monday = monday.yesterday().unwrap();
                }
                weeks.insert(monday);
            }
        }
        for monday in weeks {
            let from = monday.to_zoned_datetime(tz()).unwrap().timestamp();
            let to = monday
                .checked_add(7.days())
                .unwrap()
                .to_zoned_datetime(tz())
                .unwrap()
                .timestamp();
            let worked = periods.iter().any(|(a, b)| *a < to && from < *b);
            let free = longest_free(periods, from, to);
            if worked && free < i64::from(rules.weekly_rest_hours) * 60 {
                out.push(("weekly", from, free));
            }
        }
        out
    }
}

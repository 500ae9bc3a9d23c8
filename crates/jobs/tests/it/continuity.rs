//! Continuity's background work: red shifts told once, the 07:00 situation report once a day,
//! and absences purged after their retention — each job one call of the handle.

use std::sync::Arc;

use domain::continuity::AbsenceReason;
use domain::customer::Channel;
use domain::role::Role;
use jiff::civil::date;
use jobs::JobKind;
use services::outbox::{TransportSettings, Transports};
use services::{Actor, FixedClock, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

const FUNCTIONS: &str = "code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok\n\
grid,Driftcentral,electricity,natt,22:00,06:00,2,3,,false\n";
const STAFF: &str = "employee_number,name,team,competences,phone,email,remote_possible\n\
1,Anna Ek,A,,070-1,,false\n2,Bo Berg,A,,070-2,,false\n3,Cia Chef,A,,070-3,,false\n";
const ROSTER: &str = "employee_number,function_code,shift,date\n\
1,grid,natt,2026-11-23\n2,grid,natt,2026-11-23\n1,grid,natt,2026-11-24\n2,grid,natt,2026-11-24\n";

async fn run(s: &Services, kind: JobKind, key: &str) -> usize {
    jobs::enqueue(s, kind, &serde_json::json!({}), s.now(), Some(key))
        .await
        .unwrap();
    let transports = Transports::from_settings(&TransportSettings::default()).unwrap();
    jobs::run_pending(s, &transports).await.unwrap()
}

#[test]
fn the_job_kinds_are_named_once() {
    for kind in [
        JobKind::ContinuityReport,
        JobKind::ContinuityAlerts,
        JobKind::ContinuityPurge,
    ] {
        assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
    }
}

#[tokio::test]
async fn red_shifts_reports_and_the_purge_run_as_jobs_once_each() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(FixedClock::new(test_now()));
        let s = Services::new(store, clock.clone(), test_settings(false));
        let c = s.continuity();
        let m = Actor {
            role: Some(Role::ContinuityManager),
            ..Actor::system()
        };
        c.import_functions(&m, FUNCTIONS.as_bytes()).await.unwrap();
        c.import_staff(&m, STAFF.as_bytes(), false).await.unwrap();
        c.import_roster(&m, ROSTER.as_bytes()).await.unwrap();
        let chef = s
            .accounts()
            .create_user(
                "chef",
                "Cia Chef",
                Role::ContinuityManager,
                None,
                "ett-langt-losenord-1",
                false,
            )
            .await
            .unwrap();
        let cia = store::continuity::staff_by_number(s.store(), "3")
            .await
            .unwrap()
            .unwrap();
        let anna = store::continuity::staff_by_number(s.store(), "1")
            .await
            .unwrap()
            .unwrap();
        // Anna's absence is written straight into the table (as an import from another
        // system would), so only the job can notice the red night.
        let mut tx = s.store().begin().await.unwrap();
        store::continuity::set_staff_user(&mut tx, cia.id, Some(chef))
            .await
            .unwrap();
        store::continuity::insert_absence(
            &mut tx,
            &store::continuity::NewAbsence {
                staff_id: anna.id,
                reason: AbsenceReason::Sick,
                from_date: date(2026, 11, 23),
                to_date: date(2026, 11, 23),
                reported_by: "x",
                now: 0,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let texts = |s: Services| async move {
            s.outbox(100, 0)
                .await
                .unwrap()
                .into_iter()
                .filter(|o| o.recipient == "070-3" && o.channel == Channel::Sms)
                .count()
        };
        assert_eq!(run(&s, JobKind::ContinuityAlerts, "a1").await, 1);
        assert_eq!(texts(s.clone()).await, 1, "{backend:?}");
        assert_eq!(run(&s, JobKind::ContinuityAlerts, "a2").await, 1);
        assert_eq!(texts(s.clone()).await, 1, "{backend:?}: told once");
        // The report: not before 07:00, then once a day.
        clock.set("2026-11-24T05:00:00Z".parse().unwrap());
        run(&s, JobKind::ContinuityReport, "r1").await;
        assert!(c.reports(&m).await.unwrap().is_empty());
        clock.set("2026-11-24T06:30:00Z".parse().unwrap());
        run(&s, JobKind::ContinuityReport, "r2").await;
        run(&s, JobKind::ContinuityReport, "r3").await;
        let reports = c.reports(&m).await.unwrap();
        assert_eq!(reports.len(), 1, "{backend:?}");
        assert_eq!(reports[0].kind, domain::continuity::ReportKind::Scheduled);
        // The purge: after the retention (90 days by default) the absence is gone.
        clock.set("2027-02-22T12:00:00Z".parse().unwrap());
        run(&s, JobKind::ContinuityPurge, "p1").await;
        assert!(
            store::continuity::absences_between(s.store(), date(2026, 1, 1), date(2027, 12, 31))
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
    }
}

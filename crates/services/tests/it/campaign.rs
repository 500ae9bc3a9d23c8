//! The meter-exchange campaign: jobs from meter points, classes under the policy in force,
//! planning with crews, and a policy change that defers declared households' indoor jobs while
//! notified jobs keep their place.

use std::sync::Arc;

use base64::Engine;
use domain::campaign::{ConsentVersion, DayOffReason, JobStatus, Plannability};
use domain::meter::{Placement, PropertyKind};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::role::Role;
use services::campaign::{CrewForm, PlanBudget};
use services::declarations::{DeclarationForm, Keyring};
use services::{Actor, ServiceError, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

fn planner() -> Actor {
    Actor {
        role: Some(Role::Planner),
        name: "planerare".into(),
        ..Actor::system()
    }
}

fn crew(name: &str, skills: &[&str]) -> CrewForm {
    CrewForm {
        name: name.into(),
        supplier_id: None,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        depot: Some((59_326_000, 14_523_000)),
        shift_start_min: 7 * 60,
        shift_end_min: 16 * 60,
    }
}

#[tokio::test]
async fn plan_then_a_pandemic_defers_declared_homes_and_keeps_notified_jobs() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut settings = test_settings(false);
        settings.declaration_keys = Keyring::parse(&format!(
            "k:{}",
            base64::engine::general_purpose::STANDARD.encode([9u8; 32])
        ))
        .unwrap();
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            settings,
        );
        s.generate_demo(services::demo::DemoSize::Small, 5, &services::demo::Quiet)
            .await
            .unwrap();
        // Only planners open and plan campaigns.
        let agent = Actor {
            role: Some(Role::Agent),
            ..Actor::system()
        };
        let c = s.campaign();
        assert!(matches!(
            c.open(&agent, "Mätarbyte", s.today()).await,
            Err(ServiceError::Forbidden)
        ));
        let (id, normal) = c
            .open(&planner(), "Mätarbyte 2026", s.today())
            .await
            .unwrap();
        let points = store::customers::count_meter_points(s.store())
            .await
            .unwrap();
        assert_eq!(
            normal.total as i64, points,
            "{backend:?}: one job per meter point"
        );
        assert_eq!(normal.plannable, normal.total, "normal times pause nothing");
        assert!(matches!(
            c.open(&planner(), "Till", s.today()).await,
            Err(ServiceError::Conflict(domain::problem::Problem::Campaign(
                domain::campaign::CampaignProblem::AlreadyOpen
            )))
        ));
        c.add_crew(&planner(), &crew("Lag 1", &["ct"]))
            .await
            .unwrap();
        let two = c.add_crew(&planner(), &crew("Lag 2", &[])).await.unwrap();
        assert!(matches!(
            c.add_crew(
                &planner(),
                &CrewForm {
                    shift_end_min: 60,
                    ..crew("Lag 3", &[])
                }
            )
            .await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "shift",
                problem: domain::problem::Problem::Campaign(
                    domain::campaign::CampaignProblem::ShiftOutOfDay
                ),
            }))
        ));
        let first = domain::campaign::first_visit_day(s.today(), 5);
        c.crew_day_off(&planner(), two, first, DayOffReason::Sick)
            .await
            .unwrap();

        let report = c
            .plan(&planner(), 2, PlanBudget::Iterations(2_000), 1)
            .await
            .unwrap();
        assert!(report.assigned > 0, "{backend:?}: {report:?}");
        let jobs = store::campaign::jobs(s.store(), id).await.unwrap();
        let planned: Vec<_> = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Planned)
            .collect();
        assert_eq!(planned.len(), report.assigned, "{backend:?}");
        // Nothing before the notice period, nobody on a day off, CT jobs only with the skill.
        for j in &planned {
            let day = j.planned_on.unwrap();
            assert!(
                day >= first,
                "{backend:?}: job {} on {day}, notice allows {first}",
                j.id
            );
            assert!(
                !(j.crew_id == Some(two) && day == first),
                "planned on a day off"
            );
            if j.skill.as_deref() == Some("ct") {
                assert_ne!(
                    j.crew_id,
                    Some(two),
                    "a CT job went to a crew without the skill"
                );
            }
        }

        // The morning's notices: the planned jobs just beyond the notice period are told and
        // fixed; a second run sends nothing again. The day before, reminders go out.
        let sent = c.send_notices(&planner()).await.unwrap();
        assert!(sent.notices > 0, "{backend:?}: {sent:?}");
        assert_eq!(
            c.send_notices(&planner()).await.unwrap().notices,
            0,
            "{backend:?}: notices are sent once"
        );
        let told: Vec<_> = store::campaign::jobs(s.store(), id)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.status == JobStatus::Notified)
            .collect();
        assert_eq!(told.len() as u64, sent.notices, "{backend:?}");
        for j in &told {
            let day = j.planned_on.unwrap();
            assert!(
                domain::campaign::notice_due(day, 5) >= s.today(),
                "{backend:?}: a notice less than 5 working days ahead"
            );
        }
        let eve = told[0].planned_on.unwrap().yesterday().unwrap();
        let eve_clock = s.with_clock(Arc::new(services::FixedClock::new(domain::time::at_civil(
            eve,
            jiff::civil::time(8, 0, 0, 0),
            &domain::time::stockholm(),
        ))));
        if domain::calendar::is_working_day(eve) {
            let r = eve_clock.campaign().send_notices(&planner()).await.unwrap();
            assert!(r.reminders > 0, "{backend:?}: {r:?}");
        }
        // Back to the test's own plan: undo the notices so the rest of the scenario marks its own.
        let told: Vec<_> = store::campaign::jobs(s.store(), id)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.status == JobStatus::Notified)
            .collect();
        let mut tx = s.store().begin().await.unwrap();
        for j in &told {
            store::campaign::set_classes(
                &mut tx,
                &[store::campaign::JobClassRow {
                    id: j.id,
                    tier: j.tier,
                    plannability: Plannability::Plannable,
                    needs_booking: j.needs_booking,
                    skill: None,
                    service_min: j.service_min,
                    review_on: None,
                    unplan: true,
                }],
                s.now_micros(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        c.plan(&planner(), 2, PlanBudget::Iterations(2_000), 1)
            .await
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), id).await.unwrap();
        let planned: Vec<_> = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Planned)
            .collect();

        // Notices go out for the tier-1 jobs planned; they are fixed from now on.
        let notified: Vec<_> = planned
            .iter()
            .filter(|j| j.tier == 1)
            .map(|j| j.id)
            .collect();
        assert!(!notified.is_empty());
        let mut tx = s.store().begin().await.unwrap();
        store::campaign::mark_notified(&mut tx, &notified, s.now_micros())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // The customer of a notified job sees the day on Mina sidor; a planned, not yet
        // notified day is not shown (it may still move).
        let told = jobs.iter().find(|j| notified.contains(&j.id)).unwrap();
        let session = |customer: domain::ids::CustomerId| services::auth::SessionUser {
            session_id: None,
            user_id: domain::ids::UserId::new(0),
            username: "kund".into(),
            display_name: "Kund".into(),
            role: Role::Customer,
            customer_id: Some(customer),
            csrf_token: String::new(),
            mfa_pending: false,
            totp_enabled: false,
        };
        let seen = s
            .portal()
            .attention(&session(told.customer_id))
            .await
            .unwrap();
        assert_eq!(
            seen.meter_exchange,
            Some((
                domain::campaign::ExchangeState::Notified,
                told.planned_on.map(|d| d.to_string())
            )),
            "{backend:?}"
        );
        if let Some(untold) = jobs.iter().find(|j| {
            j.status == JobStatus::Planned
                && !notified.contains(&j.id)
                && jobs
                    .iter()
                    .filter(|k| k.customer_id == j.customer_id)
                    .count()
                    == 1
        }) {
            let seen = s
                .portal()
                .attention(&session(untold.customer_id))
                .await
                .unwrap();
            assert_eq!(seen.meter_exchange, None, "{backend:?}");
        }
        // A household with an indoor meter at a house declares "no home visits".
        let indoor_house = |j: &&store::campaign::JobRow| {
            j.placement == Placement::Indoor && j.property_kind == PropertyKind::House
        };
        let indoor = jobs
            .iter()
            .filter(indoor_house)
            .find(|j| j.status == JobStatus::Planned)
            .or_else(|| jobs.iter().find(indoor_house))
            .expect("the demo has indoor meters at houses");
        // The household was told its day before it declared (when its job is planned).
        let told_indoor = indoor.status == JobStatus::Planned;
        if told_indoor {
            let mut tx = s.store().begin().await.unwrap();
            store::campaign::mark_notified(&mut tx, &[indoor.id], s.now_micros())
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(indoor.customer_id),
            ..Actor::system()
        };
        s.declarations()
            .declare(
                &customer,
                indoor.customer_id,
                &DeclarationForm {
                    consent: true,
                    consent_version: ConsentVersion::CURRENT.to_string(),
                    until: s
                        .today()
                        .saturating_add(jiff::Span::new().days(120))
                        .to_string(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        // Normal policy: the declaration alone does not defer (the policy decides).
        assert_eq!(c.classify(&planner()).await.unwrap().deferred, 0);

        // The continuity manager switches the campaign policy to pandemic.
        let cm = Actor {
            role: Some(Role::ContinuityManager),
            ..Actor::system()
        };
        // The change classifies the campaign at once and reports what moved.
        let change = s
            .policies()
            .change(
                &cm,
                &PolicyBody::preset(Capability::Campaign, Preset::Pandemic),
                s.now(),
                None,
                "Pandemi",
            )
            .await
            .unwrap();
        let after = change.impact.expect("the open campaign is classified");
        let again = c.classify(&planner()).await.unwrap();
        assert_eq!(
            (again.newly_deferred, again.newly_paused, again.unplanned),
            (0, 0, 0),
            "{backend:?}: classifying again changes nothing: {again:?}"
        );
        assert!(after.effect("jobs_deferred") >= 1, "{backend:?}: {after:?}");
        assert!(
            after.effect("jobs_paused") >= 1,
            "{backend:?}: indoor apartments pause: {after:?}"
        );
        let kept = store::campaign::jobs(s.store(), id)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| notified.contains(&j.id) && j.status == JobStatus::Notified)
            .count();
        assert_eq!(kept, notified.len(), "{backend:?}: notified days are kept");
        if told_indoor {
            assert!(
                after.effect("visits_postponed") >= 1,
                "{backend:?}: {after:?}"
            );
            let msgs = store::outbox::of_customer(s.store(), indoor.customer_id, 50)
                .await
                .unwrap();
            assert!(
                msgs.iter()
                    .any(|m| m.subject == "Ditt mätarbyte skjuts upp"
                        && !m.body_text.contains("hälsa")),
                "{backend:?}: the household is told its day is off, without a reason of health: {msgs:?}"
            );
        }
        // The switch queued a re-plan for the worker.
        let queued = store::jobs::claim(s.store(), s.now_micros())
            .await
            .unwrap()
            .expect("a job is queued");
        assert_eq!(queued.kind, services::campaign::REPLAN_JOB, "{backend:?}");
        let jobs = store::campaign::jobs(s.store(), id).await.unwrap();
        for j in jobs.iter().filter(|j| {
            j.customer_id == indoor.customer_id
                && j.placement != Placement::OutdoorCabinet
                && j.placement != Placement::MeterRoom
        }) {
            assert_eq!(
                j.plannability,
                Plannability::DeferredAtRequest,
                "{backend:?}"
            );
            assert_eq!(j.crew_id, None, "a deferred job keeps no place in the plan");
            assert!(j.review_on.is_some());
        }
        for j in jobs.iter().filter(|j| notified.contains(&j.id)) {
            assert_eq!(
                j.status,
                JobStatus::Notified,
                "{backend:?}: notified tier-1 jobs stay"
            );
            assert!(j.crew_id.is_some());
        }
        // Re-planning leaves deferred, paused and unbooked indoor jobs out, and keeps the fixed.
        c.plan(&planner(), 2, PlanBudget::Iterations(2_000), 1)
            .await
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), id).await.unwrap();
        for j in &jobs {
            if j.plannability != Plannability::Plannable
                || (j.needs_booking && j.window_on.is_none())
            {
                assert!(
                    j.crew_id.is_none(),
                    "{backend:?}: job {} planned: {j:?}",
                    j.id
                );
            }
        }
        for j in jobs.iter().filter(|j| notified.contains(&j.id)) {
            assert_eq!(j.status, JobStatus::Notified);
            assert!(
                j.crew_id.is_some(),
                "{backend:?}: a notified job lost its place"
            );
        }
        // Withdrawing the declaration releases the household's jobs at once.
        s.declarations()
            .withdraw(&customer, indoor.customer_id)
            .await
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), id).await.unwrap();
        let mine = jobs.iter().filter(|j| j.customer_id == indoor.customer_id);
        for j in mine {
            assert_ne!(
                j.plannability,
                Plannability::DeferredAtRequest,
                "{backend:?}: {j:?}"
            );
        }
        let again = c.classify(&planner()).await.unwrap();
        assert_eq!(again.released, 0, "{backend:?}: {again:?}");
    }
}

#[tokio::test]
async fn a_planning_run_is_the_databases_seen_from_every_server_one_at_a_time_and_run_once() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(services::FixedClock::new(test_now()));
        let s = Services::new(store.clone(), clock.clone(), test_settings(false));
        // A second server on the same database, with its own memory.
        let other = Services::new(store, clock.clone(), test_settings(false));
        s.generate_demo(services::demo::DemoSize::Small, 5, &services::demo::Quiet)
            .await
            .unwrap();
        let c = s.campaign();
        c.open(&planner(), "Mätarbyte", s.today()).await.unwrap();
        assert!(c.plan_run(&planner()).await.unwrap().is_none());
        let budget = std::time::Duration::from_secs(1);
        let id = c.start_plan(&planner(), 1, budget, None).await.unwrap();
        // The other server sees the run and refuses a second one; others may not plan at all.
        let seen = other
            .campaign()
            .plan_run(&planner())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((seen.id, seen.running(), seen.percent()), (id, true, 0));
        assert!(matches!(
            other
                .campaign()
                .start_plan(&planner(), 1, budget, None)
                .await,
            Err(ServiceError::Conflict(domain::problem::Problem::Campaign(
                domain::campaign::CampaignProblem::PlanRunning
            )))
        ));
        let agent = Actor {
            role: Some(Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            c.start_plan(&agent, 1, budget, None).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            c.plan_run(&agent).await,
            Err(ServiceError::Forbidden)
        ));
        // The run is a job in the queue; the other server's worker takes it.
        let job = store::jobs::claim(s.store(), s.now_micros())
            .await
            .unwrap()
            .expect("the run is queued");
        assert_eq!(job.kind, services::campaign::PLAN_RUN_JOB, "{backend:?}");
        let worker = other.campaign();
        let payload = job.payload.clone();
        let planning = tokio::spawn(async move { worker.run_plan_job(&payload).await });
        // Progress, read by the first server, only grows while the run lasts, and is whole at
        // its end (no assumption on how long the run takes).
        let mut seen = 0;
        let done = loop {
            let r = c.plan_run(&planner()).await.unwrap().unwrap();
            assert!(r.percent() >= seen, "{backend:?}: progress went back");
            seen = r.percent();
            if !r.running() {
                break r;
            }
            assert!(r.percent() <= 99);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        planning.await.unwrap().unwrap();
        assert_eq!(done.percent(), 100);
        assert!(
            seen > 0,
            "{backend:?}: the progress was written while it ran"
        );
        let report = done.outcome.clone().unwrap().unwrap();
        assert!(report.assigned > 0, "{backend:?}: {report:?}");
        assert!(
            report.seconds > 0.0,
            "{backend:?}: the run reports its time"
        );
        // The job again (a retry, another worker): the run has ended, nothing is planned twice.
        let planned = |s: &Services| {
            let s = s.clone();
            async move {
                store::audit::all_in_order(s.store())
                    .await
                    .unwrap()
                    .iter()
                    .filter(|e| e.action == "campaign_planned")
                    .count()
            }
        };
        let before = planned(&s).await;
        s.campaign().run_plan_job(&job.payload).await.unwrap();
        assert_eq!(planned(&s).await, before, "{backend:?}");
        let again = c.plan_run(&planner()).await.unwrap().unwrap();
        assert_eq!(again.outcome, done.outcome, "{backend:?}");

        // The next run gets a later number. Its server is lost before it finishes: nobody
        // moves it for five minutes, and the next run asked for gives it up.
        let lost = c.start_plan(&planner(), 1, budget, None).await.unwrap();
        assert!(lost.get() > id.get());
        clock.advance(jiff::SignedDuration::from_secs(4 * 60));
        assert!(c.start_plan(&planner(), 1, budget, None).await.is_err());
        clock.advance(jiff::SignedDuration::from_secs(2 * 60));
        let next = c.start_plan(&planner(), 1, budget, None).await.unwrap();
        let runs = store::campaign::runs::get(s.store(), lost)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            runs.outcome,
            Some(Err(domain::campaign::PlanFailure::Stopped)),
            "{backend:?}"
        );
        // The lost run's job, taken over late, leaves it alone; the next one plans.
        let payload = |id: domain::ids::PlanRunId| format!("{{\"run\": {}}}", id.get());
        s.campaign().run_plan_job(&payload(lost)).await.unwrap();
        s.campaign().run_plan_job(&payload(next)).await.unwrap();
        let last = c.plan_run(&planner()).await.unwrap().unwrap();
        assert_eq!(last.id, next);
        assert!(
            matches!(last.outcome, Some(Ok(ref r)) if r.assigned > 0),
            "{last:?}"
        );
        assert_eq!(planned(&s).await, before + 1, "{backend:?}");
    }
}

#[tokio::test]
async fn closing_the_campaign_deletes_every_declaration_with_it() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut settings = test_settings(false);
        settings.declaration_keys = Keyring::parse(&format!(
            "k:{}",
            base64::engine::general_purpose::STANDARD.encode([7u8; 32])
        ))
        .unwrap();
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            settings,
        );
        s.generate_demo(services::demo::DemoSize::Small, 5, &services::demo::Quiet)
            .await
            .unwrap();
        let c = s.campaign();
        let id = c.open(&planner(), "Mätarbyte", s.today()).await.unwrap().0;
        let job = store::campaign::jobs(s.store(), id).await.unwrap()[0].clone();
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(job.customer_id),
            ..Actor::system()
        };
        s.declarations()
            .declare(
                &customer,
                job.customer_id,
                &DeclarationForm {
                    consent: true,
                    consent_version: ConsentVersion::CURRENT.to_string(),
                    until: s
                        .today()
                        .saturating_add(jiff::Span::new().days(60))
                        .to_string(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        let agent = Actor {
            role: Some(Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            c.close(&agent).await,
            Err(ServiceError::Forbidden)
        ));
        assert_eq!(c.close(&planner()).await.unwrap(), 1, "{backend:?}");
        assert!(
            store::campaign::open_campaign(s.store())
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store::declarations::of_customer(s.store(), job.customer_id)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: the declaration went with the campaign"
        );
        assert!(matches!(
            c.close(&planner()).await,
            Err(ServiceError::NotFound)
        ));
    }
}

//! The planner's campaign page: open, crews, plan, the map, classify after a policy change.

use axum::http::StatusCode;
use domain::campaign::{JobStatus, Plannability};
use domain::ids::CampaignJobId;
use test_support::{BACKENDS, Session, TestApp, TestResponse};

/// Follows a planning run started from the page until the plan is shown, checking the progress
/// page on the way.
async fn finish_plan(app: &TestApp, p: &Session, started: TestResponse) -> TestResponse {
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    assert_eq!(started.location(), Some("/kampanj/planering"));
    // The run is a job: a worker (here, beside the test) plans while the page follows it.
    let services = app.services.clone();
    let worker = tokio::spawn(async move { test_support::run_due_jobs(&services).await });
    for _ in 0..600 {
        let r = app.get("/kampanj/planering", Some(p)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if !r.body.contains("<progress") {
            assert!(worker.await.unwrap() >= 1);
            return r;
        }
        assert!(r.body.contains("Planeringen pågår"), "{}", r.body);
        let json = app.get("/kampanj/planering.json", Some(p)).await;
        assert!(json.body.contains("\"percent\""), "{}", json.body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the plan did not finish in a minute");
}

#[tokio::test]
async fn a_planner_opens_the_campaign_adds_crews_plans_and_sees_the_routes() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let p = app.login_demo("planerare").await;
        let page = app.get("/kampanj", Some(&p)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("action=\"/kampanj\""));
        let today = app.services.today().to_string();
        let r = app
            .post(
                "/kampanj",
                Some(&p),
                &[("name", "Mätarbyte 2026"), ("starts_on", &today)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for (name, skills) in [("Lag Norr", "ct"), ("Lag Syd", "")] {
            let r = app
                .post(
                    "/kampanj/lag",
                    Some(&p),
                    &[("name", name), ("skills", skills), ("shift", "07:00-16:00")],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let bad = app
            .post(
                "/kampanj/lag",
                Some(&p),
                &[("name", "X"), ("skills", ""), ("shift", "16-07")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#shift\""));
        let started = app
            .post("/kampanj/planera", Some(&p), &[("weeks", "1")])
            .await;
        let r = finish_plan(&app, &p, started).await;
        assert!(r.body.contains("jobb planerade"), "{backend:?}: {}", r.body);
        assert!(r.body.contains("<svg"), "the map is drawn");
        assert!(
            r.body.contains("<polyline"),
            "{backend:?}: routes on the map"
        );
        assert!(r.body.contains("Lag Norr") || r.body.contains("Lag Syd"));
        // Pin a planned job: a re-plan keeps it on its crew and day; unpin it again. A job
        // not on any day cannot be pinned.
        let id = app
            .services
            .campaign()
            .overview(&admin())
            .await
            .unwrap()
            .campaign
            .unwrap()
            .id;
        let jobs = store::campaign::jobs(app.services.store(), id)
            .await
            .unwrap();
        let planned = jobs
            .iter()
            .find(|j| j.status == JobStatus::Planned)
            .unwrap();
        let planned_on = planned.planned_on.unwrap().to_string();
        let r = app
            .post(
                &format!("/kampanj/jobb/{}/fast", planned.id),
                Some(&p),
                &[("pinned", "1"), ("dag", &planned_on)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = app
            .get(&format!("/kampanj?dag={planned_on}"), Some(&p))
            .await;
        assert!(
            page.body.contains("låst"),
            "{backend:?}: the stop shows as pinned"
        );
        assert!(page.body.contains("Lås upp "));
        let started = app
            .post("/kampanj/planera", Some(&p), &[("weeks", "1")])
            .await;
        finish_plan(&app, &p, started).await;
        let again = store::campaign::job(app.services.store(), id, planned.id)
            .await
            .unwrap()
            .unwrap();
        assert!(again.pinned);
        assert_eq!(
            (again.crew_id, again.planned_on),
            (planned.crew_id, planned.planned_on),
            "{backend:?}: a pinned job stays on its crew and day"
        );
        let r = app
            .post(
                &format!("/kampanj/jobb/{}/fast", planned.id),
                Some(&p),
                &[("pinned", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let again = store::campaign::job(app.services.store(), id, planned.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!again.pinned);
        let jobs = store::campaign::jobs(app.services.store(), id)
            .await
            .unwrap();
        if let Some(open) = jobs.iter().find(|j| j.planned_on.is_none()) {
            let r = app
                .post(
                    &format!("/kampanj/jobb/{}/fast", open.id),
                    Some(&p),
                    &[("pinned", "1")],
                )
                .await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{backend:?}");
        }
        // A crew of a local subcontractor, chosen from the supplier register; an unknown
        // supplier is refused at its field.
        let suppliers = store::campaign::local_suppliers(
            app.services.store(),
            domain::suppliers::Trade::Electrical,
        )
        .await
        .unwrap();
        let supplier = suppliers
            .first()
            .expect("the demo has a local electrician")
            .id;
        let r = app
            .post(
                "/kampanj/lag",
                Some(&p),
                &[
                    ("name", "UE Öst"),
                    ("supplier", &supplier.to_string()),
                    ("skills", ""),
                    ("shift", "07:00-15:00"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let crews = store::campaign::crews(app.services.store()).await.unwrap();
        let ue = crews.iter().find(|c| c.name == "UE Öst").unwrap();
        assert_eq!(
            (ue.kind, ue.supplier_id),
            (domain::campaign::CrewKind::Subcontractor, Some(supplier))
        );
        let bad = app
            .post(
                "/kampanj/lag",
                Some(&p),
                &[
                    ("name", "UE Väst"),
                    ("supplier", "999999"),
                    ("shift", "07:00-15:00"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#supplier\""));

        let started = app.post("/kampanj/klassa", Some(&p), &[]).await;
        let r = finish_plan(&app, &p, started).await;
        assert!(r.body.contains("Efter omklassningen"), "{}", r.body);
        // Progress: counts, a forecast once planned, charts and the CSV; the continuity
        // manager follows it too.
        let prog = app.get("/kampanj/framsteg", Some(&p)).await;
        assert_eq!(prog.status, StatusCode::OK);
        assert!(prog.body.contains("Prognos: klart"), "{}", prog.body);
        assert!(prog.body.contains("burn-title"));
        let csv = app.get("/kampanj/framsteg.csv", Some(&p)).await;
        assert!(csv.body.starts_with("section,key,tier_or_crew,value\n"));
        assert!(csv.body.contains("\nforecast,"));
        assert!(csv.body.contains("\nkm,"));
        let cm = app.login_demo("beredskap").await;
        assert_eq!(
            app.get("/kampanj/framsteg", Some(&cm)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get("/kampanj", Some(&cm)).await.status,
            StatusCode::FORBIDDEN
        );
        // Other staff and customers have no campaign page; no CSRF, no change.
        for user in ["kundtjanst", "kund", "tekniker"] {
            let s = app.login_demo(user).await;
            assert_eq!(
                app.get("/kampanj", Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{user}"
            );
        }
        // Closing asks for confirmation first.
        let r = app.post("/kampanj/avsluta", Some(&p), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#confirm\""));
        let r = app
            .post("/kampanj/avsluta", Some(&p), &[("confirm", "ja")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Kampanjen är avslutad"), "{}", r.body);
        assert!(
            r.body.contains("action=\"/kampanj\""),
            "a new one can be started"
        );
        let forged = app
            .request(
                axum::http::Method::POST,
                "/kampanj/klassa",
                Some(&p),
                Some(String::new()),
                &[],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_technician_sees_the_crews_stops_records_done_and_failed_and_nothing_else() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let planner = services::Actor {
            role: Some(domain::role::Role::Planner),
            ..services::Actor::system()
        };
        let s = &app.services;
        let c = s.campaign();
        c.open(&planner, "Mätarbyte", s.today()).await.unwrap();
        let crew = |name: &str| services::campaign::CrewForm {
            name: name.into(),
            supplier_id: None,
            skills: vec!["ct".into()],
            depot: Some((59_326_000, 14_523_000)),
            shift_start_min: 420,
            shift_end_min: 960,
        };
        let one = c.add_crew(&planner, &crew("Lag 1")).await.unwrap();
        let two = c.add_crew(&planner, &crew("Lag 2")).await.unwrap();
        let tek = app.user_id("tekniker").await;
        // Not in a crew yet: an empty day, said plainly.
        let t = app.login_demo("tekniker").await;
        let page = app.get("/tekniker", Some(&t)).await;
        assert_eq!(page.status, StatusCode::OK);
        c.assign_technician(&planner, tek, Some(one)).await.unwrap();
        s.accounts()
            .create_user(
                "tek2",
                "Tekla Två",
                domain::role::Role::Technician,
                None,
                "lösenord-två-2",
                false,
            )
            .await
            .unwrap();
        c.assign_technician(&planner, app.user_id("tek2").await, Some(two))
            .await
            .unwrap();
        c.plan(
            &planner,
            1,
            services::campaign::PlanBudget::Iterations(1_500),
            1,
        )
        .await
        .unwrap();
        let campaign = store::campaign::open_campaign(s.store())
            .await
            .unwrap()
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), campaign.id).await.unwrap();
        let mine: Vec<_> = jobs.iter().filter(|j| j.crew_id == Some(one)).collect();
        let day = mine[0].planned_on.unwrap();
        let mine: Vec<_> = mine
            .into_iter()
            .filter(|j| j.planned_on == Some(day))
            .collect();
        assert!(mine.len() >= 2, "{backend:?}");
        let list = app.get(&format!("/tekniker?dag={day}"), Some(&t)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("geo:"), "navigation links");
        assert!(
            list.body
                .contains(&format!("/tekniker/jobb/{}/klar", mine[0].id))
        );
        // A stop struck off the day after it was planned (a declaration, a policy) is shown
        // struck off, with where and when, so nobody goes.
        let struck = jobs.iter().find(|j| j.crew_id.is_none()).unwrap();
        let mut tx = s.store().begin().await.unwrap();
        let removal = store::campaign::route_day::Removal {
            crew: one,
            day,
            job: struck.id,
            arrive_min: Some(10 * 60),
        };
        store::campaign::route_day::record(&mut tx, &[removal], s.now_micros())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let list = app.get(&format!("/tekniker?dag={day}"), Some(&t)).await;
        assert!(
            list.body.contains("Strukna från dagens lista")
                && list.body.contains(&format!("10:00 · {}", struck.street)),
            "{backend:?}: {}",
            list.body
        );
        // Another crew's list is not theirs to read.
        assert_eq!(
            app.get(&format!("/tekniker?lag={two}"), Some(&t))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // A bad reading: the form again with the field named, nothing recorded.
        let path = format!("/tekniker/jobb/{}/klar", mine[0].id);
        let r = app
            .post(
                &path,
                Some(&t),
                &[
                    ("old_reading", "abc"),
                    ("new_meter_number", "KEM123456"),
                    ("new_reading", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains(&format!("href=\"#old_reading-{}\"", mine[0].id))
        );
        let r = app
            .post(
                &path,
                Some(&t),
                &[
                    ("old_reading", "48 213"),
                    ("new_meter_number", "kem123456"),
                    ("new_reading", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Twice is refused, not applied again.
        let again = app
            .post(
                &path,
                Some(&t),
                &[
                    ("old_reading", "48213"),
                    ("new_meter_number", "KEM123456"),
                    ("new_reading", "0"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        // The other crew's technician cannot record this crew's stop.
        let t2 = app.login("tek2", "lösenord-två-2").await;
        let r = app
            .post(
                &format!("/tekniker/jobb/{}/misslyckad", mine[1].id),
                Some(&t2),
                &[("reason", "not_home")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = app
            .post(
                &format!("/tekniker/jobb/{}/misslyckad", mine[1].id),
                Some(&t),
                &[("reason", "not_home")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let jobs = store::campaign::jobs(s.store(), campaign.id).await.unwrap();
        let done = jobs.iter().find(|j| j.id == mine[0].id).unwrap();
        assert_eq!(done.status, JobStatus::Done);
        let failed = jobs.iter().find(|j| j.id == mine[1].id).unwrap();
        assert_eq!(
            (failed.status, failed.crew_id),
            (JobStatus::Open, None),
            "not home: planned again"
        );
        // The re-plan is queued for the worker; planners and customers cannot record stops.
        let transports = services::outbox::Transports::from_settings(&Default::default()).unwrap();
        let queued = jobs::run_pending(s, &transports).await.unwrap();
        assert!(queued >= 1, "{backend:?}: the re-plan job ran");
        let p = app.login_demo("planerare").await;
        assert_eq!(
            app.post(&path, Some(&p), &[("old_reading", "1")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn an_indoor_customer_books_a_window_through_the_invitation_link() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = &app.services;
        let cm = services::Actor {
            role: Some(domain::role::Role::ContinuityManager),
            ..services::Actor::system()
        };
        s.policies()
            .set(
                &cm,
                &domain::policy::PolicyBody::preset(
                    domain::policy::Capability::Campaign,
                    domain::policy::Preset::Pandemic,
                ),
                s.now(),
                None,
                "Pandemi",
            )
            .await
            .unwrap();
        let planner = services::Actor {
            role: Some(domain::role::Role::Planner),
            ..services::Actor::system()
        };
        let c = s.campaign();
        c.open(&planner, "Mätarbyte", s.today()).await.unwrap();
        for name in ["Lag 1", "Lag 2"] {
            c.add_crew(
                &planner,
                &services::campaign::CrewForm {
                    name: name.into(),
                    supplier_id: None,
                    skills: vec!["ct".into()],
                    depot: Some((59_326_000, 14_523_000)),
                    shift_start_min: 420,
                    shift_end_min: 960,
                },
            )
            .await
            .unwrap();
        }
        c.plan(
            &planner,
            2,
            services::campaign::PlanBudget::Iterations(1_500),
            1,
        )
        .await
        .unwrap();
        let sent = c.send_notices(&planner).await.unwrap();
        assert!(sent.invitations > 0, "{backend:?}: {sent:?}");
        // The invitation carries a link that works without login.
        let msgs = store::outbox::list(s.store(), 10_000, 0).await.unwrap();
        let anon = app.anonymous().await;
        // Customers near where crews already work are offered windows; others hear "no free
        // times" until a crew works nearby. Take the first invitation with a window on offer.
        let mut found = None;
        for m in msgs.iter().filter(|m| m.body_text.contains("/matarbyte/")) {
            let link = m
                .body_text
                .split_whitespace()
                .find(|w| w.contains("/matarbyte/"))
                .unwrap();
            let path = link[link.find("/matarbyte/").unwrap()..].to_owned();
            let page = app.get(&path, Some(&anon)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            if let Some(v) = page
                .body
                .split("name=\"window\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
            {
                found = Some((path, v.to_owned()));
                break;
            }
            assert!(page.body.contains("Inga lediga tider"), "{}", page.body);
        }
        let (path, value) =
            found.unwrap_or_else(|| panic!("{backend:?}: no invitation had a window"));
        let path = path.as_str();
        let r = app.post(path, Some(&anon), &[("window", &value)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Tiden är bokad"), "{}", r.body);
        let job: CampaignJobId = c
            .meter_link_job(&path["/matarbyte/".len()..])
            .await
            .unwrap()
            .unwrap();
        let campaign = store::campaign::open_campaign(s.store())
            .await
            .unwrap()
            .unwrap();
        let row = store::campaign::jobs(s.store(), campaign.id)
            .await
            .unwrap()
            .into_iter()
            .find(|j| j.id == job)
            .unwrap();
        assert_eq!(row.status, JobStatus::Booked);
        assert_eq!(
            row.window_on.map(|d| d.to_string()).as_deref(),
            Some(value.split('|').next().unwrap())
        );
        assert!(row.crew_id.is_some(), "the booking fixes the job to a crew");
        // The customer gets a confirmation on their channel.
        let mine = store::outbox::of_customer(s.store(), row.customer_id, 50)
            .await
            .unwrap();
        assert!(
            mine.iter()
                .any(|m| m.subject.starts_with("Bokat: mätarbyte ")),
            "{backend:?}: {:?}",
            mine.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );

        // A window not on offer is refused; a made-up link is not found.
        let r = app
            .post(path, Some(&anon), &[("window", "2020-01-01|480")])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            app.get("/matarbyte/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Some(&anon))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Re-planning keeps the booked window.
        c.plan(
            &planner,
            2,
            services::campaign::PlanBudget::Iterations(1_500),
            1,
        )
        .await
        .unwrap();
        let again = store::campaign::jobs(s.store(), campaign.id)
            .await
            .unwrap()
            .into_iter()
            .find(|j| j.id == job)
            .unwrap();
        assert_eq!(
            (again.status, again.planned_on),
            (JobStatus::Booked, row.planned_on)
        );
        // An agent rebooks for the caller from the customer's page; other staff cannot.
        let agent = app.login_demo("kundtjanst").await;
        let customer_page = app
            .get(&format!("/kunder/{}", row.customer_id), Some(&agent))
            .await;
        assert!(
            customer_page
                .body
                .contains(&format!("/kunder/{}/matarbyte", row.customer_id))
        );
        let page = app
            .get(
                &format!("/kunder/{}/matarbyte", row.customer_id),
                Some(&agent),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Du bokar åt kunden"));
        let other = page
            .body
            .split("name=\"window\" value=\"")
            .skip(1)
            .filter_map(|r| r.split('"').next())
            .find(|v| *v != value)
            .map(str::to_owned);
        if let Some(other) = other {
            let r = app
                .post(
                    &format!("/kunder/{}/matarbyte/{job}/boka", row.customer_id),
                    Some(&agent),
                    &[("window", &other)],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(r.body.contains("Tiden är bokad"), "{}", r.body);
            let moved = store::campaign::job(s.store(), campaign.id, job)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                moved.window_on.map(|d| d.to_string()).as_deref(),
                Some(other.split('|').next().unwrap())
            );
        }
        // Another customer's job cannot be booked under this customer's page.
        let foreign = store::campaign::jobs(s.store(), campaign.id)
            .await
            .unwrap()
            .into_iter()
            .find(|j| j.customer_id != row.customer_id)
            .unwrap();
        let r = app
            .post(
                &format!("/kunder/{}/matarbyte/{}/boka", row.customer_id, foreign.id),
                Some(&agent),
                &[("window", &value)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let tech = app.login_demo("tekniker").await;
        assert_eq!(
            app.get(
                &format!("/kunder/{}/matarbyte", row.customer_id),
                Some(&tech)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );

        // On the day, the customer gets the arrival window.
        let now_booked = store::campaign::job(s.store(), campaign.id, job)
            .await
            .unwrap()
            .unwrap();
        let day = now_booked.window_on.unwrap();
        let that_morning = s.with_clock(std::sync::Arc::new(services::FixedClock::new(
            domain::time::at_civil(
                day,
                jiff::civil::time(7, 0, 0, 0),
                &domain::time::stockholm(),
            ),
        )));
        let sent = that_morning
            .campaign()
            .send_notices(&planner)
            .await
            .unwrap();
        assert!(sent.arrivals >= 1, "{backend:?}: {sent:?}");
        let mine = store::outbox::of_customer(s.store(), row.customer_id, 50)
            .await
            .unwrap();
        assert!(
            mine.iter()
                .any(|m| m.subject.starts_with("I dag: teknikern kommer ")),
            "{backend:?}"
        );
        // The crew's list that day shows the infection routine at the indoor stop, and the
        // exchange form asks for it to be confirmed.
        let p = app.login_demo("planerare").await;
        let list = app
            .get(
                &format!("/tekniker?lag={}&dag={day}", now_booked.crew_id.unwrap()),
                Some(&p),
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        for text in [
            "Rutin för inomhusbesök",
            "Bär munskydd inomhus",
            "Ta inte i hand",
            "name=\"routine\"",
        ] {
            assert!(
                list.body.contains(text),
                "{backend:?}: {text}: {}",
                list.body
            );
        }
        // The infection routine's link (in the reminder under the pandemic policy): the
        // question, then "yes" postpones the visit without a reason; a second time there is
        // nothing left to postpone.
        let postpone = format!("{path}/skjut-upp");
        let q = app.get(&postpone, Some(&anon)).await;
        assert_eq!(q.status, StatusCode::OK, "{}", q.body);
        assert!(q.body.contains("sjuk eller i karantän"), "{}", q.body);
        let r = app.post(&postpone, Some(&anon), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Besöket är uppskjutet"), "{}", r.body);
        assert!(r.body.contains(&format!("href=\"{path}\"")), "{}", r.body);
        let after = store::campaign::job(s.store(), campaign.id, job)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((after.status, after.window_on), (JobStatus::Open, None));
        let again = app.post(&postpone, Some(&anon), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    }
}

fn admin() -> services::Actor {
    services::Actor {
        role: Some(domain::role::Role::Admin),
        ..services::Actor::system()
    }
}

#[tokio::test]
async fn the_continuity_manager_switches_the_campaign_policy_and_sees_what_moved() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        app.services
            .campaign()
            .open(&admin(), "Mätarbyte", app.services.today())
            .await
            .unwrap();
        let cm = app.login_demo("beredskap").await;
        let page = app.get("/admin/policyer", Some(&cm)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("name=\"preset\""));
        let bad = app
            .post(
                "/admin/policyer",
                Some(&cm),
                &[
                    ("capability", "campaign"),
                    ("preset", "pandemic"),
                    ("from", "igår"),
                    ("reason", "Pandemi"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#from\""));
        let no_reason = app
            .post(
                "/admin/policyer",
                Some(&cm),
                &[
                    ("capability", "campaign"),
                    ("preset", "pandemic"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.body.contains("href=\"#reason\""));
        let r = app
            .post(
                "/admin/policyer",
                Some(&cm),
                &[
                    ("capability", "campaign"),
                    ("preset", "pandemic"),
                    ("from", ""),
                    ("reason", "Folkhälsomyndighetens råd"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("Policyn för Mätarbyte gäller från"),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("Mätarbyten som skjuts upp på hushållets begäran:"),
            "{backend:?}: the page says what the change did: {}",
            r.body
        );
        assert!(r.body.contains("Folkhälsomyndighetens råd"));
        let id = app
            .services
            .campaign()
            .overview(&admin())
            .await
            .unwrap()
            .campaign
            .unwrap()
            .id;
        let jobs = store::campaign::jobs(app.services.store(), id)
            .await
            .unwrap();
        assert!(
            jobs.iter().any(|j| j.plannability == Plannability::Paused),
            "{backend:?}: indoor apartments pause under the pandemic policy"
        );
        // A policy that starts tomorrow changes nothing today; its re-plan waits for it.
        let tomorrow = app.services.today().tomorrow().unwrap();
        let r = app
            .post(
                "/admin/policyer",
                Some(&cm),
                &[
                    ("capability", "campaign"),
                    ("preset", "normal"),
                    ("from", &format!("{tomorrow}T06:00")),
                    ("reason", "Restriktionerna hävs"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(!r.body.contains("Efter omklassningen"));
        let today_jobs = store::campaign::jobs(app.services.store(), id)
            .await
            .unwrap();
        assert_eq!(
            today_jobs
                .iter()
                .map(|j| (j.id, j.plannability))
                .collect::<Vec<_>>(),
            jobs.iter()
                .map(|j| (j.id, j.plannability))
                .collect::<Vec<_>>(),
            "{backend:?}: nothing is re-classified today"
        );
        let start = domain::time::to_micros(domain::time::at_civil(
            tomorrow,
            jiff::civil::Time::constant(6, 0, 0, 0),
            &domain::time::stockholm(),
        ));
        let waiting = store::backend::testing::query_strings(
            app.services.store(),
            &format!(
                "SELECT payload FROM jobs WHERE kind = '{}' AND status = 'queued' AND run_at = {start}",
                services::campaign::REPLAN_JOB
            ),
        )
        .await;
        assert!(
            waiting.iter().any(|p| p.contains(":from")),
            "{backend:?}: a re-plan waits for the policy's start: {waiting:?}"
        );
        // Planners and agents may not change policies.
        for user in ["planerare", "kundtjanst"] {
            let s = app.login_demo(user).await;
            let r = app
                .post(
                    "/admin/policyer",
                    Some(&s),
                    &[
                        ("capability", "campaign"),
                        ("preset", "normal"),
                        ("reason", "x"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

/// The same session reading pages in English.
fn in_english(s: &Session) -> Session {
    let mut s = s.clone();
    s.cookie = format!("{}; lang=en", s.cookie);
    s
}

#[tokio::test]
async fn every_campaign_page_and_refusal_speaks_the_readers_language() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    app.services
        .campaign()
        .open(&admin(), "Mätarbyte", app.services.today())
        .await
        .unwrap();
    let planner = app.login_demo("planerare").await;
    let customer = app.login_demo("kund").await;
    let technician = app.login_demo("tekniker").await;
    for (lang, en) in [("sv", false), ("en", true)] {
        let say = |sv: &'static str, en_text: &'static str| if en { en_text } else { sv };
        let pick = |s: &Session| if en { in_english(s) } else { s.clone() };
        let (p, c, t) = (pick(&planner), pick(&customer), pick(&technician));
        let page = app.get("/kampanj", Some(&p)).await;
        assert_eq!(page.status, StatusCode::OK, "{lang}");
        assert!(page.body.contains(say("Planerbara", "Plannable")), "{lang}");
        assert!(
            page.body.contains(say("Sjuk", "Sick")),
            "{lang}: day-off reasons"
        );
        // A refusal of the service is named in the reader's language, at its field.
        let r = app
            .post(
                "/kampanj/lag",
                Some(&p),
                &[("name", "Lag X"), ("skills", ""), ("shift", "16:00-07:00")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(r.body.contains("href=\"#shift\""));
        assert!(
            r.body.contains(say(
                "Arbetspasset måste sluta efter att det börjar",
                "The shift must end after it starts"
            )),
            "{lang}: {}",
            r.body
        );
        let prog = app.get("/kampanj/framsteg", Some(&p)).await;
        assert!(
            prog.body
                .contains(say("Mätarbytet: framsteg", "The meter exchange: progress")),
            "{lang}"
        );
        let work = app.get("/tekniker", Some(&t)).await;
        assert!(
            work.body.contains(say("Dagens jobb", "Today&#39;s jobs")),
            "{lang}"
        );
        let booking = app.get("/mina-sidor/matarbyte", Some(&c)).await;
        assert!(
            booking.body.contains(say(
                "Boka tid för mätarbytet",
                "Book a time for the meter exchange"
            )),
            "{lang}"
        );
        // The consent text and the declaration's refusals in the reader's language.
        let page = app.get("/mina-sidor/hembesok", Some(&c)).await;
        assert!(page.body.contains(say("riskgrupp", "risk group")), "{lang}");
        let r = app
            .post(
                "/mina-sidor/hembesok",
                Some(&c),
                &[
                    ("until", "2020-01-01"),
                    (
                        "consent_version",
                        domain::campaign::ConsentVersion::CURRENT.as_str(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(
            r.body.contains(say(
                "utan ditt samtycke kan vi inte spara begäran",
                "without consent we cannot keep the request"
            )),
            "{lang}: {}",
            r.body
        );
        let r = app
            .post(
                "/mina-sidor/hembesok",
                Some(&c),
                &[
                    ("until", "2020-01-01"),
                    ("consent", "ja"),
                    (
                        "consent_version",
                        domain::campaign::ConsentVersion::CURRENT.as_str(),
                    ),
                ],
            )
            .await;
        assert!(
            r.body.contains(say(
                "Välj ett datum efter i dag",
                "Choose a date after today"
            )),
            "{lang}: {}",
            r.body
        );
    }
}

#[tokio::test]
async fn mina_sidor_shows_the_live_arrival_time_of_todays_visit() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let planner = services::Actor {
            role: Some(domain::role::Role::Planner),
            ..services::Actor::system()
        };
        let s = &app.services;
        let c = s.campaign();
        let (campaign, _) = c.open(&planner, "Mätarbyte", s.today()).await.unwrap();
        let crew = c
            .add_crew(
                &planner,
                &services::campaign::CrewForm {
                    name: "Lag 1".into(),
                    supplier_id: None,
                    skills: vec!["ct".into()],
                    depot: Some((59_326_000, 14_523_000)),
                    shift_start_min: 420,
                    shift_end_min: 960,
                },
            )
            .await
            .unwrap();
        // The demo customer's meter is on today's route, and the crew told a time.
        let jobs = store::campaign::jobs(s.store(), campaign).await.unwrap();
        let mine = jobs
            .iter()
            .find(|j| j.customer_id == domain::ids::CustomerId::new(1))
            .unwrap();
        let kund = app.login_demo("kund").await;
        let before = app.get("/mina-sidor", Some(&kund)).await;
        assert!(!before.body.contains("Mätarbyte i dag"), "{backend:?}");
        let mut tx = s.store().begin().await.unwrap();
        let row = store::campaign::PlannedRow {
            id: mine.id,
            crew_id: crew,
            planned_on: s.today(),
            arrive_min: 600,
            seq: 1,
        };
        store::campaign::store_plan(&mut tx, campaign, &[row], s.now_micros())
            .await
            .unwrap();
        store::campaign::route_day::set_eta(&mut tx, mine.id, 600, 630, s.now_micros())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let page = app.get("/mina-sidor", Some(&kund)).await;
        assert!(
            page.body.contains(&format!(
                "Mätarbyte i dag: teknikern räknar med att komma till {} 10:00–10:30.",
                mine.street
            )),
            "{backend:?}: {}",
            page.body
        );
    }
}

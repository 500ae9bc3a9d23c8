//! Continuity over HTTP on the demo town: the pages in both languages, asking for cover and the
//! answer by the signed link, everyone's own absence page, the roster editor's refusal of a
//! breach, the situation report, and the JSON API with a bearer token (as the OpenAPI document
//! says).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use test_support::{BACKENDS, Backend, Session, TestApp};

/// The same session reading English.
fn english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

const TOMORROW_NIGHT: &str =
    "/beredskap/bemanning/tackning?funktion=grid_control&datum=2026-11-24&pass=natt";

#[tokio::test]
async fn the_manager_sees_the_red_night_finds_cover_and_the_person_accepts_by_link() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("beredskap").await;
    let board = app.get("/beredskap/bemanning", Some(&s)).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("Driftcentral el") && board.body.contains("cov-red"));
    assert!(board.body.contains("Röda pass: 1"), "{}", board.body);
    assert!(board.body.contains("funktion=grid_control"));
    let en = app.get("/beredskap/bemanning", Some(&english(&s))).await;
    assert!(en.body.contains("Red shifts: 1") && en.body.contains("District heating"));
    // The shift's cover: candidates best first and the excluded with their reason.
    let cover = app.get(TOMORROW_NIGHT, Some(&s)).await;
    assert_eq!(cover.status, StatusCode::OK);
    assert!(
        cover.body.contains("Frånvarande") && cover.body.contains("Fråga "),
        "{}",
        cover.body
    );
    let en = app.get(TOMORROW_NIGHT, Some(&english(&s))).await;
    assert!(en.body.contains("Cannot take the shift") && en.body.contains("Absent"));
    // The day's proposal names the same shift.
    let day = app
        .get("/beredskap/bemanning/dag?datum=2026-11-24", Some(&s))
        .await;
    assert!(day.body.contains("Driftcentral el, natt"), "{}", day.body);
    // Ask the first candidate: a text message with a link.
    let list = app
        .services
        .continuity()
        .cover(
            &manager(),
            "grid_control",
            jiff::civil::date(2026, 11, 24),
            "natt",
        )
        .await
        .unwrap();
    let first = &list.candidates[0];
    let asked = app
        .post(
            "/beredskap/bemanning/fraga",
            Some(&s),
            &[
                ("shift", &list.shift.id.to_string()),
                ("date", "2026-11-24"),
                ("staff", &first.staff.id.to_string()),
                ("back", "cover"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("Frågan är skickad"), "{}", asked.body);
    let phone = first.staff.phone.clone().unwrap();
    let sms = app
        .services
        .outbox(1000, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == phone && m.body_text.contains("/tackning/"))
        .expect("a text message with the link");
    let link = sms.body_text.split("http://localhost:8080").nth(1).unwrap();
    let link = link.split_whitespace().next().unwrap().to_owned();
    // The person opens the link without logging in and accepts.
    let anon = app.anonymous().await;
    let page = app.get(&link, Some(&anon)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&first.staff.name));
    let empty = app.post(&link, Some(&anon), &[]).await;
    assert_eq!(empty.status, StatusCode::CONFLICT, "no answer given");
    let yes = app.post(&link, Some(&anon), &[("svar", "ja")]).await;
    assert!(yes.body.contains("Du står nu på schemat"), "{}", yes.body);
    let again = app.post(&link, Some(&anon), &[("svar", "nej")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("redan besvarad"));
    let board = app.get("/beredskap/bemanning", Some(&s)).await;
    assert!(board.body.contains("Röda pass: 0"), "the night is covered");
    assert_eq!(
        app.get("/tackning/nonsense", Some(&anon)).await.status,
        StatusCode::NOT_FOUND
    );
}

fn manager() -> services::Actor {
    services::Actor {
        role: Some(domain::role::Role::ContinuityManager),
        ..services::Actor::system()
    }
}

#[tokio::test]
async fn everyone_on_the_staff_reports_their_own_absence_from_a_small_page() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("tekniker").await;
    let page = app.get("/franvaro", Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vård av sjukt barn") && page.body.contains("aldrig diagnos"));
    let bad = app
        .post(
            "/franvaro",
            Some(&s),
            &[
                ("reason", "sick"),
                ("from", "2026-11-25"),
                ("back", "2026-11-24"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post(
            "/franvaro",
            Some(&s),
            &[
                ("reason", "care_of_sick_child"),
                ("from", "2026-11-23"),
                ("back", "2026-11-25"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Frånvaron är anmäld") && ok.body.contains("2026-11-24"));
    // An agent without a staff record is told so; a customer cannot come here at all.
    let agent = app.login_demo("kundtjanst").await;
    let page = app.get("/franvaro", Some(&english(&agent))).await;
    assert!(page.body.contains("not linked to anyone on the staff"));
    let customer = app.login_demo("kund").await;
    assert_eq!(
        app.get("/franvaro", Some(&customer)).await.status,
        StatusCode::FORBIDDEN
    );
    // The manager sees it, with the reason and never more.
    let m = app.login_demo("beredskap").await;
    let list = app.get("/beredskap/franvaro", Some(&m)).await;
    assert!(list.body.contains("Vård av sjukt barn"), "{}", list.body);
}

#[tokio::test]
async fn pages_for_rosters_staff_plans_reports_services_and_settings_in_both_languages() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("beredskap").await;
    for (path, sv, en) in [
        (
            "/beredskap/personal",
            "Anställningsnummer",
            "Employee number",
        ),
        ("/beredskap/personal/1", "Behörigheter", "Competences"),
        ("/beredskap/personal/ny", "Ny person", "New person"),
        (
            "/beredskap/funktioner",
            "Värmeverket drifttekniker",
            "Minimum staffing in a crisis",
        ),
        (
            "/beredskap/schema",
            "Lägg till på schemat",
            "Add to the roster",
        ),
        (
            "/beredskap/franvaro",
            "Anmäl frånvaro för någon",
            "Report someone",
        ),
        (
            "/beredskap/planer",
            "En plan ska granskas",
            "One plan needs a review",
        ),
        ("/beredskap/planer/1", "Lärdomar", "Lessons"),
        (
            "/beredskap/lagesbild",
            "Bemanning i de samhällsviktiga funktionerna",
            "Staffing of the critical functions",
        ),
        ("/beredskap/tjanster", "Fiberavbrott", "Disturbed"),
        (
            "/beredskap/bemanning/installningar",
            "Dygnsvila, timmar",
            "Daily rest, hours",
        ),
    ] {
        let p = app.get(path, Some(&s)).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert!(p.body.contains(sv), "{path}: {sv}");
        let p = app.get(path, Some(&english(&s))).await;
        assert!(p.body.contains(en), "{path}: {en}");
    }
    // The report prints on A4 and says what other capabilities cannot give yet.
    let report = app.get("/beredskap/lagesbild", Some(&s)).await;
    assert!(
        report.body.contains("/static/continuity.css") && report.body.contains("Inte tillgängligt")
    );
    let css = app.get("/static/continuity.css", None).await;
    assert!(css.body.contains("@page") && css.body.contains("size: A4"));
    let issued = app.post("/beredskap/lagesbild", Some(&s), &[]).await;
    assert!(issued.body.contains("Lägesbilden är framtagen"));
}

#[tokio::test]
async fn the_roster_editor_refuses_a_breach_and_keeps_a_deviation_and_operators_set_states() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("beredskap").await;
    // The roster editor refuses a breach, named in the reader's language, and keeps a
    // deviation with a reason.
    let night = app
        .services
        .continuity()
        .roster(
            &manager(),
            domain::ids::FunctionId::new(1),
            jiff::civil::date(2026, 11, 23),
            2,
        )
        .await
        .unwrap();
    let day_shift = night
        .shifts
        .iter()
        .find(|x| x.shift.shift == "dag")
        .unwrap();
    let away: Vec<domain::ids::StaffId> = app
        .services
        .continuity()
        .absences(
            &manager(),
            jiff::civil::date(2026, 11, 23),
            jiff::civil::date(2026, 11, 30),
        )
        .await
        .unwrap()
        .iter()
        .map(|a| a.absence.staff_id)
        .collect();
    let on_night = night
        .shifts
        .iter()
        .find(|x| x.shift.shift == "natt")
        .unwrap()
        .days[0]
        .entries
        .iter()
        .map(|e| e.0.staff_id)
        .find(|p| !away.contains(p))
        .expect("someone on Monday's night who is not away");
    let form = |deviation: &str| {
        vec![
            ("function", "1".to_owned()),
            ("from", "2026-11-23".to_owned()),
            ("staff", on_night.to_string()),
            ("shift", day_shift.shift.id.to_string()),
            ("date", "2026-11-24".to_owned()),
            ("deviation", deviation.to_owned()),
        ]
    };
    let fields =
        |v: &[(&'static str, String)]| v.iter().map(|(k, x)| (*k, x.clone())).collect::<Vec<_>>();
    let f = fields(&form(""));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post("/beredskap/schema", Some(&english(&s)), &f).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Breaks the daily rest"),
        "{}",
        refused.body
    );
    let f = fields(&form("Storm, ingen annan finns"));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let kept = app.post("/beredskap/schema", Some(&s), &f).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert!(
        kept.body.contains("avsteg: Storm, ingen annan finns"),
        "{}",
        kept.body
    );
    // The operator on duty sets a service's state.
    let op = app.login_demo("tekniker").await;
    let saved = app
        .post(
            "/beredskap/tjanster",
            Some(&op),
            &[
                ("service", "water"),
                ("state", "disturbed"),
                ("note", "Läcka vid Bofors"),
            ],
        )
        .await;
    assert!(saved.body.contains("Läget är sparat") && saved.body.contains("Läcka vid Bofors"));
    assert_eq!(
        app.get("/beredskap/bemanning", Some(&op)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Tokens of a continuity manager and of an agent (demo accounts have none): accounts for the
/// municipality's crisis management and for another system.
async fn tokens(app: &TestApp) -> (String, String) {
    let mut out = Vec::new();
    for (name, role) in [
        ("krisledning", domain::role::Role::ContinuityManager),
        ("kundsystem", domain::role::Role::Agent),
    ] {
        app.services
            .accounts()
            .create_user(name, name, role, None, "ett-langt-losenord-1", false)
            .await
            .unwrap();
        out.push(
            app.services
                .accounts()
                .create_api_token(name, "api")
                .await
                .unwrap(),
        );
    }
    (out.remove(0), out.remove(0))
}

#[tokio::test]
async fn the_api_gives_coverage_cover_absences_and_the_report_with_a_bearer_token() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (token, agent) = tokens(&app).await;
        let (status, cells) = app
            .api(
                Method::GET,
                "/api/v1/continuity/coverage?from=2026-11-24&days=1",
                &token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let cells = cells.as_array().unwrap();
        assert!(cells.iter().all(|c| c["date"] == "2026-11-24"));
        let night = cells
            .iter()
            .find(|c| c["function"] == "grid_control" && c["shift"] == "natt")
            .unwrap();
        assert_eq!(night["status"], "red");
        assert_eq!(night["required"], 2);
        assert!(night["present"].as_i64().unwrap() < night["rostered"].as_i64().unwrap());
        let (status, cover) = app
            .api(
                Method::GET,
                "/api/v1/continuity/cover?function=grid_control&date=2026-11-24&shift=natt",
                &token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!cover["candidates"].as_array().unwrap().is_empty());
        let reasons: Vec<&str> = cover["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["reason"].as_str().unwrap())
            .collect();
        assert!(
            reasons.contains(&"absent") && reasons.contains(&"competence"),
            "{reasons:?}"
        );
        let (status, created) = app.api(
            Method::POST,
            "/api/v1/continuity/absences",
            &token,
            Some(json!({"employee_number": "1005", "from": "2026-11-23", "to": "2026-11-24", "reason": "quarantine"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert!(created["id"].as_i64().is_some());
        let (status, e) = app.api(
            Method::POST,
            "/api/v1/continuity/absences",
            &token,
            Some(json!({"employee_number": "1005", "from": "2026-11-23", "to": "2026-11-24", "reason": "flu"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["field"], "reason");
        let (status, e) = app
            .api(
                Method::GET,
                "/api/v1/continuity/coverage?from=24/11",
                &token,
                None,
            )
            .await;
        assert_eq!(
            (status, e["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
        );
        let (status, report) = app
            .api(
                Method::GET,
                "/api/v1/continuity/situation-report",
                &token,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(report["date"], "2026-11-23");
        assert_eq!(report["suppliers"]["status"], "not_available");
        assert!(report["staffing"].as_array().unwrap().len() >= 8);
        // The document describes every one of these paths.
        let doc = app.get("/api/openapi.json", None).await;
        let doc: Value = serde_json::from_str(&doc.body).unwrap();
        for p in ["coverage", "absences", "cover", "situation-report"] {
            assert!(
                doc["paths"][format!("/api/v1/continuity/{p}")].is_object(),
                "{p}"
            );
        }
        assert!(doc["components"]["schemas"]["Cover"].is_object());
        // Another role's token is refused.
        let (status, _) = app
            .api(Method::GET, "/api/v1/continuity/coverage", &agent, None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

//! Cases over HTTP on the demo town (both backends): a customer never reads or answers another
//! customer's case, internal notes never reach the portal, agents see only their teams' queues
//! and cases, phone cases from the customer page, the SLA views, and CSRF on the new POSTs.

use axum::http::{Method, StatusCode};
use domain::cases::CaseStatus;
use domain::ids::CaseId;
use domain::role::Role;
use test_support::{BACKENDS, Session, TestApp};

/// The id at the end of a redirect to a case page.
fn case_id(location: Option<&str>) -> CaseId {
    location
        .and_then(|l| l.rsplit('/').next())
        .and_then(|id| id.parse().ok())
        .map(CaseId::new)
        .unwrap_or_else(|| panic!("no case id in {location:?}"))
}

/// Customer B: a second demo customer with a portal account `kund2`.
async fn customer_b(app: &TestApp) -> (i64, Session) {
    let karin = store::users::by_username(app.services.store(), "kund")
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap();
    let other: i64 = store::backend::testing::query_strings(
        app.services.store(),
        &format!("SELECT CAST(MIN(id) AS TEXT) FROM customers WHERE id <> {karin}"),
    )
    .await[0]
        .parse()
        .unwrap();
    app.services
        .accounts()
        .create_user(
            "kund2",
            "Kund Två",
            Role::Customer,
            Some(domain::ids::CustomerId::new(other)),
            "demo",
            true,
        )
        .await
        .unwrap();
    (other, app.login_demo("kund2").await)
}

async fn karin_opens(app: &TestApp, s: &Session, category: &str, subject: &str) -> CaseId {
    let r = app
        .post(
            "/mina-sidor/kontakt",
            Some(s),
            &[
                ("kategori", category),
                ("rubrik", subject),
                ("meddelande", "Hej! Jag undrar över något."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    case_id(r.location())
}

#[tokio::test]
async fn a_customer_never_reads_or_answers_another_customers_case() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let karin = app.login_demo("kund").await;
        let (_, b) = customer_b(&app).await;
        let id = karin_opens(&app, &karin, "moving", "Flytt i januari").await;
        let page = app
            .get(&format!("/mina-sidor/arenden/{id}"), Some(&karin))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Flytt i januari"));
        assert!(
            app.get("/mina-sidor/arenden", Some(&karin))
                .await
                .body
                .contains("Flytt i januari")
        );
        // Customer B: 404 for the page and the reply, and nothing in their list.
        let r = app
            .get(&format!("/mina-sidor/arenden/{id}"), Some(&b))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains("Flytt i januari"));
        let r = app
            .post(
                &format!("/mina-sidor/arenden/{id}/svar"),
                Some(&b),
                &[("meddelande", "Jag tar över det här ärendet")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            !app.get("/mina-sidor/arenden", Some(&b))
                .await
                .body
                .contains("Flytt i januari")
        );
        // An agent of kundservice writes a note and a reply; Karin sees only the reply.
        let agent = app.login_demo("kundtjanst").await;
        let r = app
            .post(
                &format!("/arenden/{id}/anteckning"),
                Some(&agent),
                &[("meddelande", "Hemlig intern notering om kunden")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app
            .post(
                &format!("/arenden/{id}/svar"),
                Some(&agent),
                &[("meddelande", "Vilket datum flyttar du?")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let staff_page = app.get(&format!("/arenden/{id}"), Some(&agent)).await;
        assert!(staff_page.body.contains("Hemlig intern notering"));
        let page = app
            .get(&format!("/mina-sidor/arenden/{id}"), Some(&karin))
            .await;
        assert!(page.body.contains("Vilket datum flyttar du?"));
        assert!(!page.body.contains("Hemlig intern notering"));
        // Karin answers after the agent set it to waiting: it reopens.
        let r = app
            .post(
                &format!("/arenden/{id}/status"),
                Some(&agent),
                &[("status", "waiting_on_customer")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = app
            .post(
                &format!("/mina-sidor/arenden/{id}/svar"),
                Some(&karin),
                &[("meddelande", "Den 15 januari.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let c = store::cases::get(app.services.store(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.status, CaseStatus::Open);
        // An empty answer is refused with the field named, not a 500.
        let r = app
            .post(
                &format!("/mina-sidor/arenden/{id}/svar"),
                Some(&karin),
                &[("meddelande", "  ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#body\""), "{}", r.body);
        // The reply went out through the outbox with a link to the portal case.
        let sent = app.services.outbox(500, 0).await.unwrap();
        assert!(
            sent.iter()
                .any(|m| m.subject == format!("Nytt svar i ditt ärende {id}")
                    && m.body_text.contains(&format!("/mina-sidor/arenden/{id}")))
        );
    }
}

#[tokio::test]
async fn agents_see_only_their_teams_queues_and_cases() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let karin = app.login_demo("kund").await;
        // Broadband goes to bredband: agent2's team, not kundtjanst's or the credit officer's.
        let id = karin_opens(&app, &karin, "broadband", "Routern blinkar").await;
        let agent = app.login_demo("kundtjanst").await;
        let agent2 = app.login_demo("agent2").await;
        let credit = app.login_demo("kredit").await;
        let admin = app.login_demo("admin").await;
        for s in [&agent, &credit] {
            assert_eq!(
                app.get(&format!("/arenden/{id}"), Some(s)).await.status,
                StatusCode::NOT_FOUND
            );
            let r = app
                .post(
                    &format!("/arenden/{id}/svar"),
                    Some(s),
                    &[("meddelande", "hej")],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            assert_eq!(
                app.get("/arenden?team=bredband", Some(s)).await.status,
                StatusCode::NOT_FOUND
            );
            assert!(
                !app.get("/arenden", Some(s))
                    .await
                    .body
                    .contains("Routern blinkar")
            );
        }
        let mine = app.get("/arenden?team=bredband", Some(&agent2)).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.body.contains("Routern blinkar"));
        assert_eq!(
            app.get(&format!("/arenden/{id}"), Some(&agent2))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/arenden/{id}"), Some(&admin))
                .await
                .status,
            StatusCode::OK
        );
        // agent2 takes it, then moves it to kundservice: now kundtjanst sees it and agent2 not.
        let r = app
            .post(
                &format!("/arenden/{id}/tilldela"),
                Some(&agent2),
                &[("handlaggare", "mig")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.get("/arenden?tilldelad=mig", Some(&agent2))
                .await
                .body
                .contains("Routern blinkar")
        );
        let r = app
            .post(
                &format!("/arenden/{id}/team"),
                Some(&agent2),
                &[("team", "kundservice")],
            )
            .await;
        assert_eq!(r.location(), Some("/arenden"));
        assert_eq!(
            app.get(&format!("/arenden/{id}"), Some(&agent))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("/arenden/{id}"), Some(&agent2))
                .await
                .status,
            StatusCode::OK,
            "agent2 is in kundservice too"
        );
        // Customers and other staff roles are refused by the guard.
        for who in ["kund", "ekonomi", "planerare"] {
            let s = app.login_demo(who).await;
            assert_eq!(
                app.get("/arenden", Some(&s)).await.status,
                StatusCode::FORBIDDEN
            );
        }
    }
}

#[tokio::test]
async fn phone_cases_from_the_customer_page_and_the_sla_views() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let agent = app.login_demo("kundtjanst").await;
        let karin = store::users::by_username(app.services.store(), "kund")
            .await
            .unwrap()
            .unwrap()
            .customer_id
            .unwrap();
        let customer_page = app.get(&format!("/kunder/{karin}"), Some(&agent)).await;
        assert!(
            customer_page
                .body
                .contains(&format!("/arenden/ny?kund={karin}"))
        );
        let form = app
            .get(&format!("/arenden/ny?kund={karin}"), Some(&agent))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Karin Lindqvist"));
        let karin_s = karin.to_string();
        // A blank subject names the field.
        let r = app
            .post(
                "/arenden",
                Some(&agent),
                &[
                    ("kund", &karin_s),
                    ("kategori", "invoice"),
                    ("rubrik", ""),
                    ("meddelande", "Kunden undrar över fakturan."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#subject\""), "{}", r.body);
        // An unknown customer number names the customer field.
        let r = app
            .post(
                "/arenden",
                Some(&agent),
                &[
                    ("kundnummer", "999999999"),
                    ("kategori", "invoice"),
                    ("rubrik", "Faktura"),
                    ("meddelande", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#customer\""), "{}", r.body);
        let r = app
            .post(
                "/arenden",
                Some(&agent),
                &[
                    ("kund", &karin_s),
                    ("kategori", "invoice"),
                    ("rubrik", "Ringde om fakturan"),
                    ("meddelande", "Kunden undrar över fakturan."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = case_id(r.location());
        let page = app.get(&format!("/arenden/{id}"), Some(&agent)).await;
        assert!(page.body.contains("Ringde om fakturan"));
        assert!(page.body.contains("Telefon"));
        let c = store::cases::get(app.services.store(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.team.as_str(), c.source.as_str()),
            ("fakturering", "phone")
        );
        // The customer page lists it for the agent.
        let customer_page = app.get(&format!("/kunder/{karin}"), Some(&agent)).await;
        assert!(
            customer_page
                .body
                .contains(&format!("href=\"/arenden/{id}\""))
        );
        // The demo has cases past their SLA and at risk in the agent's teams; each view shows
        // only its own.
        let late = app.get("/arenden?sla=forsenad", Some(&agent)).await;
        assert_eq!(late.status, StatusCode::OK);
        assert!(late.body.contains("sla-breached"), "{}", late.body);
        assert!(!late.body.contains("sla-at_risk"));
        let risk = app.get("/arenden?sla=risk", Some(&agent)).await;
        assert!(risk.body.contains("sla-at_risk"), "{}", risk.body);
        assert!(!risk.body.contains("sla-breached"));
    }
}

#[tokio::test]
async fn case_posts_need_the_csrf_token() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let karin = app.login_demo("kund").await;
    let agent = app.login_demo("kundtjanst").await;
    let id = karin_opens(&app, &karin, "other", "Fråga").await;
    let before = store::cases::entries(app.services.store(), id, true)
        .await
        .unwrap()
        .len();
    for (path, s) in [
        ("/mina-sidor/kontakt".to_owned(), &karin),
        (format!("/mina-sidor/arenden/{id}/svar"), &karin),
        (format!("/arenden/{id}/svar"), &agent),
        (format!("/arenden/{id}/anteckning"), &agent),
        (format!("/arenden/{id}/status"), &agent),
        ("/arenden".to_owned(), &agent),
    ] {
        for body in [
            "meddelande=x&kategori=other&rubrik=x&status=closed".to_owned(),
            "csrf=nope&meddelande=x&kategori=other&rubrik=x&status=closed".to_owned(),
        ] {
            let r = app
                .request(Method::POST, &path, Some(s), Some(body), &[])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    let after = store::cases::entries(app.services.store(), id, true)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
    let c = store::cases::get(app.services.store(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, CaseStatus::New);
}

/// The same session with the interface in English (the `lang` cookie).
fn in_english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

#[tokio::test]
async fn case_pages_speak_the_readers_language() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let agent = app.login_demo("kundtjanst").await;
    let agent_en = in_english(&agent);
    let karin = store::users::by_username(app.services.store(), "kund")
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap()
        .to_string();
    // A refusal reads in the reader's language, never the other.
    let blank = [
        ("kund", karin.as_str()),
        ("kategori", "invoice"),
        ("rubrik", ""),
        ("meddelande", "Kunden undrar över fakturan."),
    ];
    let sv = app.post("/arenden", Some(&agent), &blank).await;
    assert_eq!(sv.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sv.body.contains("Skriv en rubrik."), "{}", sv.body);
    let en = app.post("/arenden", Some(&agent_en), &blank).await;
    assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(en.body.contains("Write a subject."), "{}", en.body);
    assert!(!en.body.contains("Skriv en rubrik."));
    // A message taken on the phone says so, in each language; team and source are named.
    let r = app
        .post(
            "/arenden",
            Some(&agent),
            &[
                ("kund", karin.as_str()),
                ("kategori", "invoice"),
                ("rubrik", "Ringde om fakturan"),
                ("meddelande", "Kunden undrar över fakturan."),
            ],
        )
        .await;
    let id = case_id(r.location());
    let sv = app.get(&format!("/arenden/{id}"), Some(&agent)).await;
    assert!(sv.body.contains(" (telefon)"), "{}", sv.body);
    assert!(sv.body.contains("Fakturering"));
    let en = app.get(&format!("/arenden/{id}"), Some(&agent_en)).await;
    assert!(en.body.contains(" (by phone)"), "{}", en.body);
    assert!(en.body.contains("Billing"), "{}", en.body);
    assert!(en.body.contains(">Phone<"), "{}", en.body);
    assert!(!en.body.contains("(telefon)"));
    let queue = app.get("/arenden", Some(&agent_en)).await;
    assert!(queue.body.contains("Customer service"), "{}", queue.body);
    // The customer reads it in the portal in English too.
    let karin_en = in_english(&app.login_demo("kund").await);
    let page = app
        .get(&format!("/mina-sidor/arenden/{id}"), Some(&karin_en))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(" (by phone)"), "{}", page.body);
    assert!(page.body.contains("Invoice"), "{}", page.body);
    // A team that does not exist is refused on the form, in the reader's language.
    let r = app
        .post(
            &format!("/arenden/{id}/team"),
            Some(&agent_en),
            &[("team", "nowhere")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose one of the options."), "{}", r.body);
    // A closed case refuses the customer's answer, in English.
    let r = app
        .post(
            &format!("/arenden/{id}/status"),
            Some(&agent),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .post(
            &format!("/mina-sidor/arenden/{id}/svar"),
            Some(&karin_en),
            &[("meddelande", "One more thing")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("The case is closed."), "{}", r.body);
}

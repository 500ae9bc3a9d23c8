//! Community support over HTTP on the demo town: the staff pages in both languages with a
//! donation and the ledger's CSV, the public event form refusing an event above the limit in
//! force on its day, the portal's broadband page (a clear answer for a private customer, a
//! granted upgrade for a business), and the JSON API with a bearer token.

use axum::http::{Method, StatusCode};
use domain::community::{CommunityPolicy, GatheringLimit};
use domain::policy::PolicyBody;
use serde_json::json;
use store::backend::testing::{execute, query_strings};
use test_support::{Backend, Session, TestApp};

fn english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

/// The pandemic's community policy, with the gathering limit `limit` when given, from now on.
async fn crisis(app: &TestApp, limit: Option<u32>) {
    let mut p = CommunityPolicy::preset(true);
    if let Some(max) = limit {
        p.gathering_limit = Some(GatheringLimit {
            max_people: max,
            source: "SFS 2020:114".into(),
        });
    }
    app.services
        .policies()
        .change(
            &services::Actor::system(),
            &PolicyBody::Community(p),
            app.services.now(),
            None,
            "test",
        )
        .await
        .unwrap();
}

/// A customer number of the demo: a business with broadband, or a private customer.
async fn demo_customer(app: &TestApp, business: bool) -> String {
    let kind = if business { "business" } else { "private" };
    query_strings(
        app.services.store(),
        &format!(
            "SELECT c.customer_number FROM customers c JOIN subscriptions s ON s.customer_id = c.id \
             WHERE c.kind = '{kind}' AND s.service = 'broadband' ORDER BY c.id LIMIT 1"
        ),
    )
    .await
    .remove(0)
}

#[tokio::test]
async fn the_continuity_manager_donates_from_stock_and_reads_the_ledger_in_both_languages() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("beredskap").await;
    let page = app.get("/samhalle", Some(&s)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Handsprit") && page.body.contains("Reserv"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Ingen gräns för allmänna sammankomster"));
    let en = app.get("/samhalle", Some(&english(&s))).await;
    assert!(en.body.contains("Stock and donations") && en.body.contains("Can be given"));
    let item = query_strings(
        app.services.store(),
        "SELECT CAST(id AS TEXT) FROM community_items WHERE name = 'Handsprit'",
    )
    .await
    .remove(0);
    let too_much = app
        .post(
            "/samhalle/gavor",
            Some(&s),
            &[
                ("item_id", item.as_str()),
                ("quantity", "301"),
                ("recipient", "Karlskoga kommun, äldreomsorgen"),
                ("recipient_kind", "public_body"),
                ("org_number", ""),
                ("reason", "Hemtjänsten saknar handsprit"),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_much.body.contains("Högst 300 kan ges"),
        "{}",
        too_much.body
    );
    let ok = app
        .post(
            "/samhalle/gavor",
            Some(&s),
            &[
                ("item_id", item.as_str()),
                ("quantity", "100"),
                ("recipient", "Karlskoga kommun, äldreomsorgen"),
                ("recipient_kind", "public_body"),
                ("org_number", ""),
                ("reason", "Hemtjänsten saknar handsprit"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("registrerad i liggaren"), "{}", ok.body);
    let finance = app.login_demo("ekonomi").await;
    let ledger = app.get("/samhalle/liggare", Some(&finance)).await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(ledger.body.contains("äldreomsorgen") && ledger.body.contains("Region Örebro län"));
    assert!(ledger.body.contains("Gåvor ur lager"), "{}", ledger.body);
    let csv = app
        .get(
            "/samhalle/liggare.csv?from=2026-01-01&to=2026-12-31",
            Some(&finance),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("date,category,amount_ore"));
    assert_eq!(
        csv.body
            .lines()
            .filter(|l| l.contains(",donation,"))
            .count(),
        2
    );
    let bad = app
        .get(
            "/samhalle/liggare?from=2026-12-31&to=2026-01-01",
            Some(&finance),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Finance reads the ledger but not the stock; an agent neither.
    assert_eq!(
        app.get("/samhalle", Some(&finance)).await.status,
        StatusCode::FORBIDDEN
    );
    let agent = app.login_demo("kundtjanst").await;
    assert_eq!(
        app.get("/samhalle/liggare", Some(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
    let events = app.get("/samhalle/evenemang", Some(&s)).await;
    assert!(events.body.contains("Nobelhallen") && events.body.contains("Bevilja"));
}

#[tokio::test]
async fn the_public_form_refuses_an_event_above_the_limit_in_force_on_its_day() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    crisis(&app, Some(8)).await;
    let anon = app.anonymous().await;
    let form = app.get("/evenemang/ansok", Some(&anon)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("högst 8 personer"), "{}", form.body);
    let fields = |people: &'static str| {
        vec![
            ("organiser", "Karlskoga Folkdansgille"),
            ("org_number", "802003-1236"),
            ("contact_name", "Anna"),
            ("contact_email", "anna@example.se"),
            ("date", "2026-12-12"),
            ("place", "Folkets park"),
            ("expected_attendees", people),
            ("need_equipment", "true"),
            ("amount", ""),
            ("description", "Luciadans"),
        ]
    };
    let refused = app
        .post("/evenemang/ansok", Some(&anon), &fields("9"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("de 8 som får samlas den dagen (SFS 2020:114)"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Luciadans"), "what was typed stays");
    let taken = app
        .post("/evenemang/ansok", Some(&anon), &fields("8"))
        .await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(
        taken.body.contains("Vi har tagit emot er ansökan"),
        "{}",
        taken.body
    );
}

#[tokio::test]
async fn a_business_asks_for_a_faster_connection_on_mina_sidor_and_a_private_customer_is_told_why_not()
 {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let kund = app.login_demo("kund").await;
    let page = app.get("/mina-sidor/bredband", Some(&kund)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The demo customer is a private customer (or has no broadband): the page says why not.
    assert!(
        page.body.contains("bara företag") || page.body.contains("inget bredbandsabonnemang"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("name=\"speed_mbit\""));
    // Made a business with broadband, under the pandemic policy, the customer may ask.
    let customer = query_strings(
        app.services.store(),
        "SELECT CAST(customer_id AS TEXT) FROM users WHERE username = 'kund'",
    )
    .await
    .remove(0);
    execute(
        app.services.store(),
        &format!("UPDATE customers SET kind = 'business' WHERE id = {customer}"),
    )
    .await;
    execute(
        app.services.store(),
        &format!(
            "INSERT INTO subscriptions (customer_id, service, started_on, speed_mbit) \
             SELECT {customer}, 'broadband', '2020-01-01', 100 WHERE NOT EXISTS \
             (SELECT 1 FROM subscriptions WHERE customer_id = {customer} AND service = 'broadband')"
        ),
    )
    .await;
    let closed = app.get("/mina-sidor/bredband", Some(&kund)).await;
    assert!(
        closed.body.contains("erbjuds inte just nu"),
        "{}",
        closed.body
    );
    crisis(&app, None).await;
    let open = app.get("/mina-sidor/bredband", Some(&kund)).await;
    assert!(open.body.contains("name=\"speed_mbit\""), "{}", open.body);
    let asked = app
        .post(
            "/mina-sidor/bredband",
            Some(&kund),
            &[
                ("speed_mbit", "1000"),
                ("from", "2026-11-23"),
                ("to", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("beviljad"), "{}", asked.body);
    assert!(
        asked.body.contains("Pågår"),
        "it starts today: {}",
        asked.body
    );
    let again = app
        .post(
            "/mina-sidor/bredband",
            Some(&kund),
            &[
                ("speed_mbit", "1000"),
                ("from", "2026-11-24"),
                ("to", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let started = app
        .services
        .outbox(1000, 0)
        .await
        .unwrap()
        .into_iter()
        .any(|m| m.subject.contains("Högre hastighet på ert bredband"));
    assert!(started, "the customer is told at the start");
}

#[tokio::test]
async fn the_api_grants_upgrades_refuses_with_reasons_takes_events_and_gives_the_ledger() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    app.services
        .accounts()
        .create_user(
            "kundsystem",
            "kundsystem",
            domain::role::Role::Agent,
            None,
            "ett-langt-losenord-1",
            false,
        )
        .await
        .unwrap();
    let token = app
        .services
        .accounts()
        .create_api_token("kundsystem", "api")
        .await
        .unwrap();
    let business = demo_customer(&app, true).await;
    let private = demo_customer(&app, false).await;
    let body = |number: &str| json!({"customer_number": number, "speed_mbit": 1000, "from": "2026-12-01", "to": "2027-01-31"});
    let (status, refused) = app
        .api(
            Method::POST,
            "/api/v1/broadband-upgrades",
            &token,
            Some(body(&business)),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the normal policy offers none: {refused}"
    );
    assert_eq!(refused["code"], "community-problem-not-offered");
    crisis(&app, None).await;
    let (status, refused) = app
        .api(
            Method::POST,
            "/api/v1/broadband-upgrades",
            &token,
            Some(body(&private)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["code"], "community-problem-not-a-business");
    let (status, made) = app
        .api(
            Method::POST,
            "/api/v1/broadband-upgrades",
            &token,
            Some(body(&business)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["state"], "scheduled");
    assert_eq!(made["to"], "2027-01-31");
    let (status, list) = app
        .api(
            Method::GET,
            &format!("/api/v1/broadband-upgrades?customer_number={business}"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["speed_mbit"], 1000);
    let event = |people: u32| {
        json!({"organiser": "Karlskoga IF", "org_number": "802455-3821", "date": "2026-12-20",
               "place": "Nobelhallen", "expected_attendees": people, "needs": ["money"], "amount_ore": 250000})
    };
    let (status, err) = app
        .api(Method::POST, "/api/v1/events", &token, Some(event(51)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "expected_attendees");
    assert!(err["error"].as_str().unwrap().contains("50"), "{err}");
    let (status, made) = app
        .api(Method::POST, "/api/v1/events", &token, Some(event(50)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    // The ledger is for finance and the continuity managers, not agents.
    let (status, _) = app
        .api(
            Method::GET,
            "/api/v1/community/ledger?from=2026-01-01&to=2026-12-31",
            &token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.services
        .accounts()
        .create_user(
            "ekonomisystem",
            "ekonomisystem",
            domain::role::Role::Finance,
            None,
            "ett-langt-losenord-1",
            false,
        )
        .await
        .unwrap();
    let finance = app
        .services
        .accounts()
        .create_api_token("ekonomisystem", "api")
        .await
        .unwrap();
    let (status, ledger) = app
        .api(
            Method::GET,
            "/api/v1/community/ledger?from=2026-01-01&to=2026-12-31",
            &finance,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    assert!(ledger["totals"]["donation"].as_i64().unwrap() > 0);
    assert!(ledger["totals"]["event_support"].as_i64().unwrap() > 0);
    let entries = ledger["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e["decided_by"].is_string() && e["date"].is_string())
    );
}

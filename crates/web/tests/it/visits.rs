//! The customer centre over HTTP: the API with bearer tokens (201, 409, idempotency), 200
//! concurrent requests for the last places, the public booking page and its link, the desk.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use domain::ids::{SiteId, SiteServiceId};
use domain::policy::{PolicyBody, VisitsPolicy};
use domain::role::Role;
use domain::visits::VisitStatus;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use services::Actor;
use test_support::{BACKENDS, TestApp};
use tower::ServiceExt;

struct Api {
    router: axum::Router,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        if body.is_some() {
            b = b.header("content-type", "application/json");
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = b
            .body(body.map_or_else(Body::empty, |v| Body::from(v.to_string())))
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// A site with the standard set-up, a visits cap, an agent account and its API token.
async fn setup(app: &TestApp, desks: i64, cap: u32) -> (SiteId, SiteServiceId, String) {
    let s = &app.services;
    let admin = Actor {
        role: Some(Role::Admin),
        ..Actor::system()
    };
    let site = s
        .visits()
        .create_site(
            &admin,
            &services::visits::NewSite {
                name: "Kundcenter Karlskoga".into(),
                street: "Bergsgatan 2".into(),
                postal_code: "691 31".into(),
                city: "Karlskoga".into(),
                desks,
            },
        )
        .await
        .unwrap();
    s.visits().set_up_standard_site(&admin, site).await.unwrap();
    let from = s
        .now()
        .saturating_sub(jiff::SignedDuration::from_hours(1))
        .unwrap();
    s.policies()
        .set(
            &admin,
            &PolicyBody::Visits(VisitsPolicy {
                walk_in: false,
                booking_required: true,
                max_present_per_site: cap,
            }),
            from,
            None,
            "test",
        )
        .await
        .unwrap();
    s.accounts()
        .create_user(
            "bokning",
            "Bokningssystem",
            Role::Agent,
            None,
            "lösenord-för-test",
            false,
        )
        .await
        .unwrap();
    let token = s
        .accounts()
        .create_api_token("bokning", "test")
        .await
        .unwrap();
    let service = s.visits().site_view(site).await.unwrap().services[0].id;
    (site, service, token)
}

fn visit_body(site: SiteId, service: SiteServiceId, start: &str, party: u32, phone: &str) -> Value {
    json!({ "site": site, "service": service, "start": start, "party": party,
            "name": "Anna Andersson", "phone": phone, "email": "anna@example.se" })
}

#[tokio::test]
async fn api_books_with_a_bearer_token_and_answers_409_when_full() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        let (site, service, token) = setup(&app, 2, 3).await;
        let api = Api {
            router: app.router.clone(),
        };
        let (st, sites) = api
            .call(Method::GET, "/api/v1/sites", Some(&token), None, &[])
            .await;
        assert_eq!(st, StatusCode::OK, "{sites}");
        assert_eq!(sites["sites"][0]["services"].as_array().unwrap().len(), 4);
        // Tuesday 2026-11-24: 09:00–12:00 and 13:00–16:00, 20-minute service every 15 minutes.
        let path = format!(
            "/api/v1/sites/{site}/availability?service={service}&from=2026-11-24&to=2026-11-24&party=1"
        );
        let (st, av) = api.call(Method::GET, &path, Some(&token), None, &[]).await;
        assert_eq!(st, StatusCode::OK, "{av}");
        let slots = av["slots"].as_array().unwrap();
        assert_eq!(slots.len(), 22, "{backend:?}");
        assert_eq!(slots[0]["start"], "2026-11-24T08:00:00Z");
        // Cap 3, but two staffed desks: two bookings of one person would succeed, not three.
        assert_eq!(slots[0]["free_places"], 2);
        let start = slots[0]["start"].as_str().unwrap().to_owned();

        // No token, a wrong token: 401.
        let (st, _) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                None,
                Some(visit_body(site, service, &start, 1, "0701111111")),
                &[],
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let (st, _) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some("bk_nope"),
                Some(visit_body(site, service, &start, 1, "0701111111")),
                &[],
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);

        // 201 with the visit and its cancel link; the same Idempotency-Key again: 200, same visit.
        let key = [("idempotency-key", "req-1")];
        let (st, v) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some(&token),
                Some(visit_body(site, service, &start, 3, "0701111111")),
                &key,
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert!(
            v["cancel_link"].as_str().unwrap().contains("/besok/"),
            "{v}"
        );
        let (st, again) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some(&token),
                Some(visit_body(site, service, &start, 3, "0701111111")),
                &key,
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(again["id"], v["id"]);
        // The cap (3) is reached: 409 for anyone else at an overlapping time.
        let (st, full) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some(&token),
                Some(visit_body(site, service, &start, 1, "0702222222")),
                &[],
            )
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "{full}");
        assert!(full["error"].as_str().unwrap().contains("full"), "{full}");
        assert_eq!(full["code"], "visits-problem-full", "{full}");
        // Bad input names the field.
        let (st, bad) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some(&token),
                Some(visit_body(site, service, "tisdag", 1, "0702222222")),
                &[],
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["field"], "start", "{bad}");
        let (st, bad) = api
            .call(
                Method::POST,
                "/api/v1/visits",
                Some(&token),
                Some(visit_body(site, service, &start, 5, "0702222222")),
                &[],
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad["field"], "party", "{bad}");
        // A bearer token is only for the API: a page does not accept it.
        let page = app
            .request(
                Method::GET,
                "/kundcenter",
                None,
                None,
                &[("authorization", &format!("Bearer {token}"))],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        // The document lists the new paths.
        let (_, doc) = api
            .call(Method::GET, "/api/openapi.json", None, None, &[])
            .await;
        assert!(doc["paths"]["/api/v1/visits"]["post"]["responses"]["409"].is_object());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_requests_sell_exactly_the_last_ten_places() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        let (site, service, token) = setup(&app, 12, 10).await;
        let api = Arc::new(Api {
            router: app.router.clone(),
        });
        let path = format!(
            "/api/v1/sites/{site}/availability?service={service}&from=2026-11-24&to=2026-11-24&party=1"
        );
        let (_, av) = api.call(Method::GET, &path, Some(&token), None, &[]).await;
        // Distinct, non-overlapping slots (20-minute visits every 30 minutes of the list).
        let starts: Vec<String> = av["slots"]
            .as_array()
            .unwrap()
            .iter()
            .step_by(2)
            .take(5)
            .map(|s| s["start"].as_str().unwrap().to_owned())
            .collect();
        for (round, start) in starts.iter().enumerate() {
            let mut tasks = Vec::new();
            for i in 0..200 {
                let api = api.clone();
                let token = token.clone();
                let body = visit_body(site, service, start, 1, &format!("07{round:02}{i:06}"));
                tasks.push(tokio::spawn(async move {
                    api.call(
                        Method::POST,
                        "/api/v1/visits",
                        Some(&token),
                        Some(body),
                        &[],
                    )
                    .await
                    .0
                }));
            }
            let mut created = 0;
            let mut conflicts = 0;
            for t in tasks {
                match t.await.unwrap() {
                    StatusCode::CREATED => created += 1,
                    StatusCode::CONFLICT => conflicts += 1,
                    other => panic!("{backend:?} round {round}: unexpected {other}"),
                }
            }
            assert_eq!((created, conflicts), (10, 190), "{backend:?} round {round}");
        }
        let (_, av) = api.call(Method::GET, &path, Some(&token), None, &[]).await;
        for s in av["slots"].as_array().unwrap() {
            assert!(
                !starts.contains(&s["start"].as_str().unwrap().to_owned()),
                "a sold-out slot is still offered"
            );
        }
    }
}

#[tokio::test]
async fn public_booking_confirm_and_cancel_through_the_link() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        let (site, service, _) = setup(&app, 3, 8).await;
        let page = app
            .get(
                &format!("/besok?kundcenter={site}&tjanst={service}&antal=2&dag=2026-11-24"),
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("name=\"start\""), "slots listed");
        let start = page
            .body
            .split("name=\"start\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        let anon = app.anonymous().await;
        let form = |phone: &'static str, start: String| {
            vec![
                ("kundcenter", site.to_string()),
                ("tjanst", service.to_string()),
                ("antal", "2".to_owned()),
                ("dag", "2026-11-24".to_owned()),
                ("start", start),
                ("name", "Sven Svensson".to_owned()),
                ("phone", phone.to_owned()),
                ("email", "sven@example.se".to_owned()),
            ]
        };
        // A malformed post gets the form back with the field marked, never a 500.
        let fields = form("inte ett nummer", start.clone());
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad = app.post("/besok", Some(&anon), &f).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"phone-error\""), "{}", bad.body);
        let fields = form("070-123 45 67", String::new());
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad = app.post("/besok", Some(&anon), &f).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let fields = form("070-123 45 67", start.clone());
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let sent = app.post("/besok", Some(&anon), &f).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.body.contains("sven@example.se"));
        let msgs = app.services.outbox(10, 0).await.unwrap();
        let link = msgs[0]
            .body_text
            .split_whitespace()
            .find(|w| w.contains("/besok/"))
            .unwrap()
            .to_owned();
        let path = &link[link.find("/besok/").unwrap()..];
        let token = path.trim_start_matches("/besok/").to_owned();
        let manage = app.get(path, None).await;
        assert_eq!(manage.status, StatusCode::OK);
        assert!(manage.body.contains(&format!("/besok/{token}/bekrafta")));
        // A forged token is a 404, not someone else's visit.
        let mut forged = token.clone();
        forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
        assert_eq!(
            app.get(&format!("/besok/{forged}"), None).await.status,
            StatusCode::NOT_FOUND
        );

        let ok = app
            .post(&format!("/besok/{token}/bekrafta"), Some(&anon), &[])
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let msgs = app.services.outbox(10, 0).await.unwrap();
        let confirmation = &msgs[0];
        assert_eq!(confirmation.attachment_name.as_deref(), Some("besok.ics"));
        assert!(
            confirmation
                .attachment_body
                .as_deref()
                .unwrap()
                .contains("BEGIN:VEVENT")
        );
        let twice = app
            .post(&format!("/besok/{token}/bekrafta"), Some(&anon), &[])
            .await;
        assert_eq!(
            twice.status,
            StatusCode::CONFLICT,
            "confirming twice is refused, not repeated"
        );

        let cancelled = app
            .post(&format!("/besok/{token}/avboka"), Some(&anon), &[])
            .await;
        assert_eq!(cancelled.status, StatusCode::OK);
        let v = app.services.visits().visit_by_token(&token).await.unwrap();
        assert_eq!(v.status, VisitStatus::Cancelled);
        let (_, slots) = app
            .services
            .visits()
            .availability(
                site,
                service,
                jiff::civil::date(2026, 11, 24),
                jiff::civil::date(2026, 11, 24),
                1,
            )
            .await
            .unwrap();
        assert!(
            slots.iter().all(|s| s.free_places == 8),
            "the places are free again at once"
        );
    }
}

#[tokio::test]
async fn the_desk_checks_a_visitor_in() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        let (site, service, _) = setup(&app, 3, 8).await;
        app.services
            .accounts()
            .create_user(
                "disk",
                "Disk Diskman",
                Role::Agent,
                None,
                "lösenord-för-test",
                false,
            )
            .await
            .unwrap();
        let agent = app.login("disk", "lösenord-för-test").await;
        // Book for a caller at 11:00 tomorrow, then let the clock reach 10:55 that day.
        let form = app
            .get(
                &format!(
                    "/kundcenter/boka?kundcenter={site}&tjanst={service}&antal=1&dag=2026-11-24"
                ),
                Some(&agent),
            )
            .await;
        assert_eq!(form.status, StatusCode::OK);
        let eleven = domain::time::to_micros("2026-11-24T10:00:00Z".parse().unwrap()).to_string();
        let booked = app
            .post(
                "/kundcenter/boka",
                Some(&agent),
                &[
                    ("kundcenter", &site.to_string()),
                    ("tjanst", &service.to_string()),
                    ("antal", "1"),
                    ("dag", "2026-11-24"),
                    ("start", &eleven),
                    ("name", "Greta Garbo"),
                    ("phone", "0586-123 45"),
                ],
            )
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
        app.clock.set("2026-11-24T09:55:00Z".parse().unwrap());
        let agent = app.login("disk", "lösenord-för-test").await;
        let desk = app
            .get(
                &format!("/kundcenter?kundcenter={site}&dag=2026-11-24"),
                Some(&agent),
            )
            .await;
        assert_eq!(desk.status, StatusCode::OK);
        assert!(desk.body.contains("Greta Garbo"));
        let id = desk
            .body
            .split("/kundcenter/besok/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_owned();
        let done = app
            .post(
                &format!("/kundcenter/besok/{id}/incheckning"),
                Some(&agent),
                &[("dag", "2026-11-24")],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("Greta Garbo är incheckad"));
        let v = store::visits::visit(app.services.store(), id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.status, VisitStatus::CheckedIn);
    }
}

#[tokio::test]
async fn an_agent_asks_for_more_time_for_a_caller() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let agent = app.login_demo("kundtjanst").await;
        let page = app.get("/kunder/1", Some(&agent)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("/kunder/1/anstand"),
            "the agent sees the form"
        );
        let number = page
            .body
            .split("name=\"invoice\"><option value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("an unpaid invoice to choose")
            .to_owned();
        let r = app
            .post(
                "/kunder/1/anstand",
                Some(&agent),
                &[
                    ("invoice", &number),
                    ("kind", "instalments"),
                    ("instalments", "2"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("✓") || r.body.contains("✗"),
            "the policy's reasons are shown"
        );
        // Another customer's invoice number is not found through this customer.
        let r = app
            .post(
                "/kunder/2/anstand",
                Some(&agent),
                &[
                    ("invoice", &number),
                    ("kind", "instalments"),
                    ("instalments", "2"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_debt_collection_csv_has_the_accrued_interest() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kredit").await;
        let r = app.get("/kredit/inkasso.csv", Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}");
        let mut lines = r.body.lines();
        assert_eq!(
            lines.next(),
            Some("kund,fakturanummer,ocr,forfallodag,kvar_ore,upplupen_ranta_ore,pa_listan_sedan")
        );
        let first = lines
            .next()
            .expect("the demo town has invoices on the list");
        let interest: i64 = first.split(',').nth(5).unwrap().parse().unwrap();
        assert!(interest > 0, "{first}");
    }
}

/// Issue 18, item 11: a slot's `free_places` in the API is the number of bookings of that
/// party size that would succeed now, the staffed desks counted as well as the cap.
#[tokio::test]
async fn free_places_are_the_bookings_that_would_succeed_now() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        // Two staffed desks, at most three people present.
        let (site, service, token) = setup(&app, 2, 3).await;
        let api = Api {
            router: app.router.clone(),
        };
        let path = |party: u32| {
            format!(
                "/api/v1/sites/{site}/availability?service={service}&from=2026-11-24&to=2026-11-24&party={party}"
            )
        };
        let (_, one) = api
            .call(Method::GET, &path(1), Some(&token), None, &[])
            .await;
        let first = &one["slots"][0];
        assert_eq!(
            first["free_places"], 2,
            "{backend:?}: the desks bind: {one}"
        );
        let (_, two) = api
            .call(Method::GET, &path(2), Some(&token), None, &[])
            .await;
        assert_eq!(
            two["slots"][0]["free_places"], 1,
            "{backend:?}: one party of two under a cap of three: {two}"
        );
        // Exactly as many bookings as it said succeed, and the next is refused.
        let start = first["start"].as_str().unwrap().to_owned();
        for (i, want) in [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CONFLICT,
        ]
        .into_iter()
        .enumerate()
        {
            let body = visit_body(site, service, &start, 1, &format!("070333000{i}"));
            let (st, v) = api
                .call(
                    Method::POST,
                    "/api/v1/visits",
                    Some(&token),
                    Some(body),
                    &[],
                )
                .await;
            assert_eq!(st, want, "{backend:?} booking {i}: {v}");
        }
        let (_, after) = api
            .call(Method::GET, &path(1), Some(&token), None, &[])
            .await;
        assert!(
            after["slots"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["start"] != first["start"]),
            "{backend:?}: the full slot is no longer offered"
        );
    }
}

/// The pages speak the reader's language: refusals and answers come from the message files.
#[tokio::test]
async fn booking_and_desk_pages_speak_english_too() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        let (site, service, _) = setup(&app, 3, 8).await;
        let mut anon = app.anonymous().await;
        anon.cookie.push_str("; lang=en");
        let start = domain::time::to_micros("2026-11-24T09:00:00Z".parse().unwrap()).to_string();
        let fields = [
            ("kundcenter", site.to_string()),
            ("tjanst", service.to_string()),
            ("antal", "1".to_owned()),
            ("dag", "2026-11-24".to_owned()),
            ("start", start.clone()),
            ("name", "Sven Svensson".to_owned()),
            ("phone", "not a number".to_owned()),
        ];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad = app.post("/besok", Some(&anon), &f).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("Write a phone number"),
            "{backend:?}: {}",
            bad.body
        );
        assert!(
            !bad.body.contains("Skriv ett telefonnummer"),
            "{}",
            bad.body
        );
        // A walk-in at the desk, in English, while walk-ins are not allowed.
        app.services
            .accounts()
            .create_user(
                "desk-en",
                "Desk",
                Role::Agent,
                None,
                "lösenord-för-test",
                false,
            )
            .await
            .unwrap();
        let mut agent = app.login("desk-en", "lösenord-för-test").await;
        agent.cookie.push_str("; lang=en");
        let r = app
            .post(
                "/kundcenter/spontanbesok",
                Some(&agent),
                &[
                    ("kundcenter", &site.to_string()),
                    ("tjanst", &service.to_string()),
                    ("antal", "1"),
                    ("name", "Eva"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body
                .contains("Visits without a booking are not allowed under the rules in force."),
            "{backend:?}: {}",
            r.body
        );
        // The desk names statuses in English.
        let booked = app
            .services
            .visits()
            .book(
                &Actor::system(),
                &services::visits::BookingRequest {
                    site_id: site,
                    service_id: service,
                    start: start.parse().unwrap(),
                    party: 1,
                    name: "Greta Garbo".into(),
                    phone: "0586-123 45".into(),
                    email: None,
                    language: domain::customer::Language::En,
                    customer_id: None,
                    source: domain::visits::VisitSource::Agent,
                    idempotency_key: None,
                },
            )
            .await
            .unwrap();
        let desk = app
            .get(
                &format!("/kundcenter?kundcenter={site}&dag=2026-11-24"),
                Some(&agent),
            )
            .await;
        assert!(desk.body.contains("Greta Garbo"), "{}", desk.body);
        assert!(desk.body.contains(">Booked<"), "{backend:?}: {}", desk.body);
        // The visitor's confirmation speaks the visitor's language.
        let msgs = app.services.outbox(10, 0).await.unwrap();
        let sms = msgs
            .iter()
            .find(|m| m.recipient == "0586-123 45")
            .expect("a confirmation by text message");
        assert!(sms.subject.starts_with("Booked:"), "{}", sms.subject);
        assert!(sms.body_text.contains(&booked.link), "{}", sms.body_text);
    }
}

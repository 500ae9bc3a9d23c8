//! "Mina sidor": messages, contact preferences and the data download, each only the
//! customer's own.

use axum::http::StatusCode;
use domain::role::Role;
use test_support::{BACKENDS, TestApp};

#[tokio::test]
async fn a_customer_reads_their_own_messages_sets_preferences_and_downloads_their_data() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        // A second customer with an account of their own.
        app.services
            .accounts()
            .create_user(
                "kund2",
                "Kund Två",
                Role::Customer,
                Some(domain::ids::CustomerId::new(2)),
                "lösenord-två-2",
                false,
            )
            .await
            .unwrap();
        let a = app.login_demo("kund").await;
        let b = app.login("kund2", "lösenord-två-2").await;

        let list = app.get("/mina-sidor/meddelanden", Some(&a)).await;
        assert_eq!(list.status, StatusCode::OK, "{backend:?}");
        let mut tx = app.services.store().begin().await.unwrap();
        store::outbox::insert(
            &mut tx,
            &store::outbox::NewMessage {
                channel: domain::customer::Channel::Email,
                customer_id: Some(domain::ids::CustomerId::new(1)),
                recipient: "karin@example.se",
                subject: "Påminnelse: faktura 123 & \"mer\"",
                body_text: "Hej Karin",
                body_html: None,
                attachment: None,
                status: domain::outbox::OutboxStatus::Held,
                dedupe_key: None,
                now: 1,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let theirs =
            store::outbox::of_customer(app.services.store(), domain::ids::CustomerId::new(1), 1)
                .await
                .unwrap();
        {
            let m = theirs
                .first()
                .expect("the demo customer has been sent messages");
            let path = format!("/mina-sidor/meddelanden/{}", m.id);
            let own = app.get(&path, Some(&a)).await;
            assert_eq!(own.status, StatusCode::OK);
            assert!(own.body.contains(&html_escape(&m.subject)), "{}", own.body);
            // Customer B asks for A's message: not found, nothing of it shown.
            let other = app.get(&path, Some(&b)).await;
            assert_eq!(other.status, StatusCode::NOT_FOUND, "{backend:?}");
            assert!(!other.body.contains(&html_escape(&m.subject)));
        }

        // Preferences: a channel the customer cannot be reached on is refused, naming the field.
        let r = app
            .post(
                "/mina-sidor/installningar",
                Some(&a),
                &[
                    ("channel", "email"),
                    ("email", ""),
                    ("phone", ""),
                    ("language", "sv"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#channel\""), "{}", r.body);
        assert!(
            r.body
                .contains("Skriv en e-postadress för att få meddelanden med e-post."),
            "{}",
            r.body
        );
        // The same refusal in English for a reader of English, and nothing Swedish.
        let a_en = test_support::Session {
            cookie: format!("{}; lang=en", a.cookie),
            csrf: a.csrf.clone(),
        };
        let r = app
            .post(
                "/mina-sidor/installningar",
                Some(&a_en),
                &[
                    ("channel", "sms"),
                    ("email", ""),
                    ("phone", "0586-123 45"),
                    ("language", "sv"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("Write a mobile number (07…) to get text messages."),
            "{}",
            r.body
        );
        assert!(!r.body.contains("Skriv ett mobilnummer"));
        let r = app
            .post(
                "/mina-sidor/installningar",
                Some(&a),
                &[
                    ("channel", "email"),
                    ("email", "karin.l@example.se"),
                    ("phone", "070-111 22 33"),
                    ("language", "sv"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = app.get(r.location().unwrap(), Some(&a)).await;
        assert!(page.body.contains("karin.l@example.se"));
        // Without the CSRF token nothing changes.
        let forged = app
            .request(
                axum::http::Method::POST,
                "/mina-sidor/installningar",
                Some(&a),
                Some("channel=letter&email=&phone=&language=en".into()),
                &[],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        // The download: A's data as an attachment, not B's.
        let d = app.get("/mina-sidor/mina-uppgifter.json", Some(&a)).await;
        assert_eq!(d.status, StatusCode::OK);
        assert!(
            d.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(d.headers["cache-control"], "no-store");
        let json: serde_json::Value = serde_json::from_str(&d.body).unwrap();
        assert_eq!(json["customer_id"], 1);
        assert!(d.body.contains("karin.l@example.se"));
        let db = app.get("/mina-sidor/mina-uppgifter.json", Some(&b)).await;
        let jb: serde_json::Value = serde_json::from_str(&db.body).unwrap();
        assert_eq!(jb["customer_id"], 2);
        assert!(!db.body.contains("karin.l@example.se"), "{backend:?}");
        let exports = || async {
            store::audit::all_in_order(app.services.store())
                .await
                .unwrap()
                .iter()
                .filter(|r| r.action == "customer_data_exported")
                .count()
        };
        let before = exports().await;
        let page = app.get("/mina-sidor/mina-uppgifter", Some(&a)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("invoices"));
        assert_eq!(
            exports().await,
            before,
            "{backend:?}: viewing the counts is not an export"
        );
        // Staff have no "my data" of a customer's.
        let agent = app.login_demo("kundtjanst").await;
        assert_eq!(
            app.get("/mina-sidor/mina-uppgifter.json", Some(&agent))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn no_home_visits_declared_in_the_portal_and_by_an_agent_withdrawn_and_kept_private() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        app.services
            .accounts()
            .create_user(
                "kund2",
                "Kund Två",
                Role::Customer,
                Some(domain::ids::CustomerId::new(2)),
                "lösenord-två-2",
                false,
            )
            .await
            .unwrap();
        let a = app.login_demo("kund").await;
        let b = app.login("kund2", "lösenord-två-2").await;
        let page = app.get("/mina-sidor/hembesok", Some(&a)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("riskgrupp"), "the consent text is shown");
        let until = app
            .services
            .today()
            .saturating_add(jiff::Span::new().days(60))
            .to_string();
        // Without consent: the form again, the field marked, nothing stored.
        let r = app
            .post(
                "/mina-sidor/hembesok",
                Some(&a),
                &[
                    ("until", until.as_str()),
                    ("note", "hej"),
                    (
                        "consent_version",
                        domain::campaign::ConsentVersion::CURRENT.as_str(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#consent\""));
        let r = app
            .post(
                "/mina-sidor/hembesok",
                Some(&a),
                &[
                    ("until", until.as_str()),
                    ("note", "ring innan"),
                    ("consent", "ja"),
                    (
                        "consent_version",
                        domain::campaign::ConsentVersion::CURRENT.as_str(),
                    ),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = app.get(r.location().unwrap(), Some(&a)).await;
        assert!(page.body.contains(&until) && page.body.contains("ring innan"));
        // B sees only their own (none); B cannot withdraw A's (the route acts on B's own).
        let pb = app.get("/mina-sidor/hembesok", Some(&b)).await;
        assert!(!pb.body.contains("ring innan"));
        // Customers cannot use the agents' routes; planners cannot open the declaration.
        assert_eq!(
            app.get("/kunder/1/hembesok", Some(&b)).await.status,
            StatusCode::FORBIDDEN
        );
        let planner = app.login_demo("planerare").await;
        assert_eq!(
            app.get("/kunder/1/hembesok", Some(&planner)).await.status,
            StatusCode::FORBIDDEN
        );
        // An agent on the phone sees it (audited) and withdraws it for the caller.
        let agent = app.login_demo("kundtjanst").await;
        let ap = app.get("/kunder/1/hembesok", Some(&agent)).await;
        assert_eq!(ap.status, StatusCode::OK);
        assert!(ap.body.contains("ring innan"));
        let r = app
            .post("/kunder/1/hembesok/aterkalla", Some(&agent), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            store::declarations::of_customer(app.services.store(), domain::ids::CustomerId::new(1))
                .await
                .unwrap()
                .is_none()
        );
        let reads = store::audit::all_in_order(app.services.store())
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "declaration_read")
            .count();
        assert!(
            reads >= 4,
            "every page view that opened it is audited: {reads}"
        );
    }
}

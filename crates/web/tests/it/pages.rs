//! Pages and API answers for each role.

use axum::http::StatusCode;
use test_support::{Backend, TestApp};

#[tokio::test]
async fn the_customer_sees_their_own_overview_and_nothing_of_others() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("kund").await;
    let r = app.get("/mina-sidor", Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Välkommen, Karin Lindqvist"), "{}", r.body);
    assert!(r.body.contains("735999"), "meter points listed");
    for path in [
        "/kunder/2",
        "/kunder?q=a",
        "/api/v1/customers/2",
        "/api/v1/customers?q=andersson",
    ] {
        assert_eq!(
            app.get(path, Some(&s)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let me: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/me", Some(&s)).await.body).unwrap();
    assert_eq!(me["role"], "customer");
}

#[tokio::test]
async fn staff_search_finds_by_name_number_address_and_meter_point() {
    for backend in test_support::BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kundtjanst").await;
        let one: serde_json::Value =
            serde_json::from_str(&app.get("/api/v1/customers/1", Some(&s)).await.body).unwrap();
        let mp = one["meter_points"][0]["anlaggnings_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let street = one["address"]["street"].as_str().unwrap().to_owned();
        for q in [
            "lindqvist",
            "LINDQVIST",
            "1000001",
            mp.as_str(),
            street.to_lowercase().as_str(),
        ] {
            let r: serde_json::Value = serde_json::from_str(
                &app.get(
                    &format!(
                        "/api/v1/customers?q={}",
                        test_support::encode(&[("x".into(), q.into())]).trim_start_matches("x=")
                    ),
                    Some(&s),
                )
                .await
                .body,
            )
            .unwrap();
            let ids: Vec<i64> = r["customers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect();
            assert!(
                ids.contains(&1),
                "{backend:?}: {q:?} did not find customer 1: {r}"
            );
            assert!(
                r["customers"][0]["identity_masked"]
                    .as_str()
                    .unwrap()
                    .ends_with("****")
            );
        }
        // Wildcards are literal.
        let r: serde_json::Value =
            serde_json::from_str(&app.get("/api/v1/customers?q=%25%25", Some(&s)).await.body)
                .unwrap();
        assert!(r["customers"].as_array().unwrap().is_empty());
        let page = app.get("/kunder?q=Lindqvist", Some(&s)).await;
        assert!(page.body.contains("href=\"/kunder/1\""));
        let detail = app.get("/kunder/1", Some(&s)).await;
        assert!(detail.body.contains("1000001") && detail.body.contains("kr"));
    }
}

#[tokio::test]
async fn english_on_request() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let anon = app.anonymous().await;
    let r = app
        .post(
            "/sprak",
            Some(&anon),
            &[("lang", "en"), ("next", "/logga-in")],
        )
        .await;
    assert_eq!(r.location(), Some("/logga-in"));
    let lang = r.cookie("lang").unwrap();
    let mut s = anon.clone();
    s.cookie = format!("{}; lang={lang}", s.cookie);
    let page = app.get("/logga-in", Some(&s)).await;
    assert!(page.body.contains("<html lang=\"en\">") && page.body.contains("Log in"));
    // Off-site redirects are refused.
    let r = app
        .post(
            "/sprak",
            Some(&anon),
            &[("lang", "en"), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(r.location(), Some("/"));
}

#[tokio::test]
async fn readiness_fails_while_the_worker_is_silent_and_the_queues_are_measured() {
    // On both databases: a readiness probe that fails on PostgreSQL takes every server out of
    // the load balancer.
    for backend in test_support::BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        app.services.note_worker_alive();
        assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
        app.clock.advance(jiff::SignedDuration::from_secs(91));
        let r = app.get("/readyz", None).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.body, "worker stalled");
        let m = app.get("/metrics", None).await.body;
        assert!(m.contains("beredskap_worker_silent_seconds 91"), "{m}");
        app.services.note_worker_alive();
        assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);

        // A job due for five minutes shows as such.
        let mut tx = app.services.store().begin().await.unwrap();
        let now = app.services.now_micros();
        store::jobs::enqueue(&mut tx, "prune", "{}", now - 300_000_000, 3, None, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let m = app.get("/metrics", None).await.body;
        assert!(m.contains("beredskap_jobs{state=\"due\"} 1"), "{m}");
        assert!(m.contains("beredskap_jobs_oldest_due_seconds 300"), "{m}");
    }
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    assert_eq!(app.get("/healthz", None).await.body, "ok");
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    app.get("/logga-in", None).await;
    let m = app.get("/metrics", None).await.body;
    assert!(
        m.contains(
            "beredskap_http_requests_total{method=\"GET\",route=\"/logga-in\",status=\"200\"} 1"
        ),
        "{m}"
    );
    assert!(m.contains("beredskap_http_request_duration_seconds_bucket"));
    // The shared queues and this server's sockets, planning run and worker (none runs here).
    for line in [
        "beredskap_jobs{state=\"due\"} ",
        "beredskap_jobs{state=\"failed\"} 0",
        "beredskap_jobs_oldest_due_seconds ",
        "beredskap_outbox_pending ",
        "beredskap_outbox_oldest_pending_seconds ",
        "beredskap_websockets_open 0",
        "beredskap_plan_runs_active 0",
    ] {
        assert!(m.contains(line), "{line} in {m}");
    }
    assert!(!m.contains("beredskap_worker_silent_seconds"));
    let doc: serde_json::Value =
        serde_json::from_str(&app.get("/api/openapi.json", None).await.body).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    for spec in web::table()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
    {
        let op = &doc["paths"][spec.path][spec.method.to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is missing from the OpenAPI document",
            spec.method,
            spec.path
        );
    }
    for (m, p) in web::api::documented_paths() {
        assert!(
            web::table()
                .iter()
                .any(|s| s.path == p && s.method.eq_ignore_ascii_case(m)),
            "documented but not routed: {p}"
        );
    }
}

#[tokio::test]
async fn every_role_lands_on_a_home_page() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    for role in domain::role::Role::ALL {
        let s = app.login_demo(role.demo_username()).await;
        let root = app.get("/", Some(&s)).await;
        let home = root.location().unwrap().to_owned();
        let page = app.get(&home, Some(&s)).await;
        assert_eq!(page.status, StatusCode::OK, "{role}");
        assert!(page.body.contains("<main id=\"content\">"), "{role}");
    }
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_a_scraper_with_the_token() {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let get = |router: axum::Router, peer: &str, bearer: Option<&str>| {
        let mut req = axum::http::Request::get("/metrics")
            .extension(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
        if let Some(b) = bearer {
            req = req.header("authorization", format!("Bearer {b}"));
        }
        async move {
            router
                .oneshot(req.body(axum::body::Body::empty()).unwrap())
                .await
                .unwrap()
                .status()
        }
    };
    // No token configured: loopback reads them, another host does not learn they exist.
    let open = web::router(web::AppState::new(
        app.services.clone(),
        web::HttpSettings::default(),
    ));
    assert_eq!(
        get(open.clone(), "127.0.0.1:5000", None).await,
        StatusCode::OK
    );
    assert_eq!(get(open.clone(), "[::1]:5000", None).await, StatusCode::OK);
    assert_eq!(
        get(open, "192.0.2.7:5000", None).await,
        StatusCode::NOT_FOUND
    );
    // A token configured: only the scraper that sends it, from anywhere.
    let guarded = web::router(web::AppState::new(
        app.services.clone(),
        web::HttpSettings {
            metrics_token: Some("skrapa-med-mig".to_owned().into()),
            ..Default::default()
        },
    ));
    assert_eq!(
        get(guarded.clone(), "192.0.2.7:5000", Some("skrapa-med-mig")).await,
        StatusCode::OK
    );
    assert_eq!(
        get(guarded.clone(), "192.0.2.7:5000", Some("gissning")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(guarded, "127.0.0.1:5000", None).await,
        StatusCode::NOT_FOUND
    );
}

/// Responses are gzipped for clients that ask, with `Vary: Accept-Encoding`; a client that does
/// not ask gets them as they are. The map page's scripts and the tile source's CSP ride along.
#[tokio::test]
async fn responses_are_compressed_for_clients_that_ask() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let router = web::router(web::AppState::new(
        app.services.clone(),
        web::HttpSettings {
            map_tiles: Some(views::map::Tiles {
                url: "https://tile.example.org/{z}/{x}/{y}.png".into(),
                attribution: "Exempel".into(),
            }),
            ..Default::default()
        },
    ));
    let get = |gzip: bool| {
        let mut req = axum::http::Request::get("/static/map.js").extension(
            axum::extract::ConnectInfo("127.0.0.1:5000".parse::<std::net::SocketAddr>().unwrap()),
        );
        if gzip {
            req = req.header("accept-encoding", "gzip");
        }
        let router = router.clone();
        async move {
            let resp = router
                .oneshot(req.body(axum::body::Body::empty()).unwrap())
                .await
                .unwrap();
            let headers = resp.headers().clone();
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            (headers, body)
        }
    };
    let (plain_headers, plain) = get(false).await;
    let (gzip_headers, gzipped) = get(true).await;
    assert_eq!(plain_headers.get("content-encoding"), None);
    assert!(plain.starts_with(b"// Draws the day's routes"));
    assert_eq!(gzip_headers["content-encoding"], "gzip");
    assert!(
        gzip_headers["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    assert_eq!(gzipped[..2], [0x1f, 0x8b], "gzip magic");
    assert!(
        gzipped.len() * 2 < plain.len(),
        "{} of {}",
        gzipped.len(),
        plain.len()
    );
    assert!(
        gzip_headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("img-src 'self' data: https://tile.example.org;")
    );
}

/// The policies page describes every policy from Fluent in the reader's language, and a bad
/// form is refused field by field.
#[tokio::test]
async fn policies_are_described_in_the_readers_language() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = app.login_demo("beredskap").await;
    let sv = app.get("/admin/policyer", Some(&s)).await;
    assert_eq!(sv.status, StatusCode::OK);
    assert!(
        sv.body
            .contains("Högst 40 personer samtidigt i varje kundcenter")
            && sv.body.contains("Mätarbyten inomhus görs som vanligt"),
        "{}",
        sv.body
    );
    let en = test_support::Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    };
    let page = app.get("/admin/policyer", Some(&en)).await;
    assert!(
        page.body
            .contains("At most 40 people at a time in each customer centre")
            && page
                .body
                .contains("Indoor meter exchanges go ahead as usual")
            && page.body.contains("Pandemi 2020"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("personer samtidigt"), "{}", page.body);
    // The pandemic mode's portal policy shows the banner as written for the reader.
    assert!(page.body.contains(
        "A banner on every page: “The customer centre receives visitors by appointment only."
    ));
    // A policy that ends before it starts is refused on its field, in the reader's language.
    let r = app
        .post(
            "/admin/policyer",
            Some(&en),
            &[
                ("capability", "visits"),
                ("preset", "pandemic"),
                ("from", "2026-12-01T08:00"),
                ("to", "2026-11-30T08:00"),
                ("reason", "test"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#to\"") && r.body.contains("The end must be after the start."),
        "{}",
        r.body
    );
}

/// The audit log names outcomes, and ending an account's sessions says how many ended, in the
/// reader's language.
#[tokio::test]
async fn the_admin_pages_speak_the_readers_language() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let admin = app.login_demo("admin").await;
    let _kund = app.login_demo("kund").await;
    let kund = app.user_id("kund").await;
    let r = app
        .post(
            &format!("/admin/anvandare/{kund}/avsluta-sessioner"),
            Some(&admin),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("En session avslutad."), "{}", r.body);
    let log = app.get("/admin/granskning", Some(&admin)).await;
    assert!(log.body.contains("<td>Lyckades</td>"), "{}", log.body);
    let en = test_support::Session {
        cookie: format!("{}; lang=en", admin.cookie),
        csrf: admin.csrf.clone(),
    };
    let log = app.get("/admin/granskning", Some(&en)).await;
    assert!(log.body.contains("<td>Succeeded</td>"), "{}", log.body);
    // An unknown role is refused on the form, not with an error page.
    let r = app
        .post(
            &format!("/admin/anvandare/{kund}/roll"),
            Some(&en),
            &[("role", "root")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose one of the options."), "{}", r.body);
}

//! CSRF, security headers, request ids, audit entries, and forms that must not 500.

use axum::http::{Method, StatusCode};
use test_support::{BACKENDS, TestApp};

#[tokio::test]
async fn state_changes_need_a_token_and_a_same_site_origin() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kundtjanst").await;
        // No token.
        let r = app
            .request(
                Method::POST,
                "/logga-ut",
                Some(&s),
                Some(String::new()),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A wrong token.
        let r = app
            .request(
                Method::POST,
                "/logga-ut",
                Some(&s),
                Some("csrf=nope".into()),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The right token from a foreign origin, and a cross-site fetch.
        let body = format!("csrf={}", s.csrf);
        let r = app
            .request(
                Method::POST,
                "/logga-ut",
                Some(&s),
                Some(body.clone()),
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .request(
                Method::POST,
                "/logga-ut",
                Some(&s),
                Some(body.clone()),
                &[("sec-fetch-site", "cross-site")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The session survived all of that; the real thing works.
        assert_eq!(app.get("/personal", Some(&s)).await.status, StatusCode::OK);
        let r = app
            .request(
                Method::POST,
                "/logga-ut",
                Some(&s),
                Some(body),
                &[
                    ("origin", "http://localhost"),
                    ("sec-fetch-site", "same-origin"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_login_form_is_protected_before_login_too() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let r = app
            .request(
                Method::POST,
                "/logga-in",
                None,
                Some("username=kund&password=demo".into()),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Formuläret har gått ut"));
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kundtjanst").await;
        for (path, session) in [
            ("/logga-in", None),
            ("/personal", Some(&s)),
            ("/finns-inte", None),
            ("/api/v1/me", None),
            ("/healthz", None),
        ] {
            let r = app.get(path, session).await;
            let h = |k: &str| {
                r.headers
                    .get(k)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert!(
                h("content-security-policy").contains("frame-ancestors 'none'"),
                "{path}"
            );
            assert!(
                h("strict-transport-security").contains("max-age=31536000"),
                "{path}"
            );
            assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
            assert_eq!(h("referrer-policy"), "same-origin", "{path}");
            assert_eq!(h("cache-control"), "no-store", "{path}");
            assert_eq!(h("x-request-id").len(), 16, "{path}");
        }
        let r = app.get("/finns-inte", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let id = r
            .headers
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(r.body.contains(&id), "the error page shows the request id");
        let r = app.get("/api/v1/me", None).await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["request_id"].as_str().unwrap().len(), 16);
    }
}

#[tokio::test]
async fn malformed_form_posts_get_the_form_back_never_a_500() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kundtjanst").await;
        let body = format!("csrf={}&current_password=%ZZ%&new_password", s.csrf);
        let r = app
            .request(Method::POST, "/konto/losenord", Some(&s), Some(body), &[])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("aria-invalid=\"true\""));
        let admin = app.login_demo("admin").await;
        let r = app
            .post(
                "/admin/anvandare/2/roll",
                Some(&admin),
                &[("role", "emperor")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = app
            .post(
                "/admin/anvandare/abc/roll",
                Some(&admin),
                &[("role", "agent")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn logins_role_changes_and_identity_reads_are_audited_in_an_unbroken_chain() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        app.try_login("kundtjanst", "wrong").await;
        let agent = app.login_demo("kundtjanst").await;
        let r = app.post("/kunder/1/personnummer", Some(&agent), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        let admin = app.login_demo("admin").await;
        let planner_id = app.user_id("planerare").await;
        let r = app
            .post(
                &format!("/admin/anvandare/{planner_id}/roll"),
                Some(&admin),
                &[("role", "finance")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let log = services::audit::list(&app.services, 500, 0).await.unwrap();
        let has = |action: &str, outcome: &str, actor: &str| {
            log.iter()
                .any(|e| e.action == action && e.outcome.as_str() == outcome && e.actor == actor)
        };
        assert!(has("login", "failure", "kundtjanst"), "failed login");
        assert!(has("login", "success", "kundtjanst"), "login");
        assert!(
            has("identity_read", "success", "kundtjanst"),
            "identity read"
        );
        assert!(log.iter().any(|e| e.action == "role_change"
            && e.object_id == "planerare"
            && e.detail == "planner -> finance"));
        // Every request's entry has the client's address. The demo's own set-up has none ("-"):
        // it acts as "system", and opens its sample cases as their customers and agents.
        assert!(
            log.iter()
                .filter(|e| e.address != "-")
                .all(|e| e.address == "local" && e.at > 0)
        );
        assert!(
            log.iter()
                .filter(|e| e.actor == "system")
                .all(|e| e.address == "-")
        );
        assert!(log.iter().filter(|e| e.address == "local").count() >= 4);
        assert_eq!(
            services::audit::verify_chain(&app.services).await.unwrap(),
            None,
            "{backend:?}"
        );
        // Read in small batches, the chain holds across every batch boundary.
        for batch in [1, 2, 7] {
            assert_eq!(
                services::audit::verify_chain_in_batches(&app.services, batch)
                    .await
                    .unwrap(),
                None,
                "{backend:?}: batch {batch}"
            );
        }
        // An edited row breaks the chain.
        let mut tx = app.services.store().begin().await.unwrap();
        test_support_tamper(&mut tx).await;
        tx.commit().await.unwrap();
        let broken = services::audit::verify_chain(&app.services).await.unwrap();
        assert!(broken.is_some(), "{backend:?}: tampering went unnoticed");
        assert_eq!(
            services::audit::verify_chain_in_batches(&app.services, 3)
                .await
                .unwrap(),
            broken,
            "{backend:?}: the same break in small batches"
        );
    }
}

async fn test_support_tamper(tx: &mut store::Tx) {
    store::audit_testing::rewrite_first_actor(tx, "someone-else")
        .await
        .unwrap();
}

#[tokio::test]
async fn identity_numbers_are_masked_and_never_in_urls_or_logs() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        // Everything the server logs while these requests run, at every level, with each request's
        // span (its fields) written when it closes.
        let logs = LogCapture::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(logs.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let identity = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT identity_number FROM customers WHERE id = 1",
        )
        .await
        .remove(0);
        let digits: String = identity.chars().filter(char::is_ascii_digit).collect();
        let agent = app.login_demo("kundtjanst").await;
        let page = app.get("/kunder/1", Some(&agent)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("-****"), "masked on the detail page");
        assert!(
            page.body.contains("personnummer\""),
            "agents get the reveal button"
        );
        // A search for the number itself: the query is not logged.
        let search = app
            .get(&format!("/kunder?q={identity}"), Some(&agent))
            .await;
        assert_eq!(search.status, StatusCode::OK);
        let planner = app.login_demo("planerare").await;
        let page = app.get("/kunder/1", Some(&planner)).await;
        assert_eq!(page.status, StatusCode::OK, "planners see the customer");
        assert!(
            !page.body.contains("personnummer\""),
            "planners get no reveal button"
        );
        assert_eq!(
            app.post("/kunder/1/personnummer", Some(&planner), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let full = app.post("/kunder/1/personnummer", Some(&agent), &[]).await;
        assert!(!full.body.contains("-****"));
        assert!(
            full.body.contains(&identity[identity.len() - 4..]),
            "the reveal shows the whole number"
        );
        for path in web::table().iter().map(|s| s.path) {
            assert!(
                !path.contains("personnummer}") && !path.contains("{identity"),
                "no identity number in a URL: {path}"
            );
        }
        let logged = logs.text();
        // The positive control: the requests were logged, so the absence below means something.
        assert!(
            logged.contains("/kunder/1/personnummer") && logged.contains("path=/kunder"),
            "{logged}"
        );
        let logged_digits: String = logged.chars().filter(char::is_ascii_digit).collect();
        assert!(
            !logged.contains(&identity) && !logged_digits.contains(&digits),
            "the identity number reached the logs: {logged}"
        );
    }
}

/// A `tracing` writer that keeps what is written, for a test to read.
#[derive(Clone, Default)]
struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> LogCapture {
        self.clone()
    }
}

#[tokio::test]
async fn a_bearer_token_opens_only_the_api_and_credentials_are_stored_as_hashes() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        // Demo accounts get no tokens: a staff account of its own.
        app.services
            .accounts()
            .create_user(
                "integration",
                "Integration",
                domain::role::Role::Agent,
                None,
                "lösenord-för-test",
                false,
            )
            .await
            .unwrap();
        let token = app
            .services
            .accounts()
            .create_api_token("integration", "test")
            .await
            .unwrap();
        let bearer = format!("Bearer {token}");
        // The positive control: the token works where it belongs.
        let api = app
            .request(
                Method::GET,
                "/api/v1/sites",
                None,
                None,
                &[("authorization", bearer.as_str())],
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{backend:?}: {}", api.body);
        // Outside /api/ it is no credential: a state change with it alone is refused, and
        // reveals nothing.
        let identity = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT identity_number FROM customers WHERE id = 1",
        )
        .await
        .remove(0);
        let page = app
            .request(
                Method::POST,
                "/kunder/1/personnummer",
                None,
                Some(String::new()),
                &[("authorization", bearer.as_str())],
            )
            .await;
        assert!(
            page.status.is_client_error() || page.status.is_redirection(),
            "{backend:?}: {}",
            page.status
        );
        assert!(!page.body.contains(&identity[identity.len() - 4..]));
        // Neither the API token nor a session's cookie is stored as it is.
        let session = app.login_demo("kundtjanst").await;
        let session_values: Vec<&str> = session
            .cookie
            .split(';')
            .filter_map(|c| c.split_once('=').map(|(_, v)| v.trim()))
            .filter(|v| v.len() >= 16)
            .collect();
        assert!(!session_values.is_empty(), "{}", session.cookie);
        let stored = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT token_hash FROM sessions UNION ALL SELECT token_hash FROM api_tokens",
        )
        .await;
        assert!(stored.len() >= 2, "{backend:?}: {stored:?}");
        for secret in session_values.iter().copied().chain([token.as_str()]) {
            assert!(
                stored.iter().all(|h| !h.contains(secret)),
                "{backend:?}: a credential is stored in the clear"
            );
        }
    }
}

#[tokio::test]
async fn a_page_number_past_any_row_is_not_found_not_an_overflow() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let admin = app.login_demo("admin").await;
        for path in ["/admin/granskning", "/utkorg"] {
            let first = app.get(&format!("{path}?sida=1"), Some(&admin)).await;
            assert_eq!(first.status, StatusCode::OK, "{backend:?} {path}");
            let far = app
                .get(&format!("{path}?sida={}", i64::MAX), Some(&admin))
                .await;
            assert_eq!(far.status, StatusCode::NOT_FOUND, "{backend:?} {path}");
        }
    }
}

/// Behind a reverse proxy configured as trusted (`http.trusted_proxies`), the limits and the
/// audit log see each client's own address; the proxy's word is not taken from anyone else, and
/// a relayed request is never "this machine" for `/metrics`.
#[tokio::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    use std::net::SocketAddr;
    for backend in BACKENDS {
        let http = web::HttpSettings {
            trusted_proxies: web::forwarded::parse_trusted("127.0.0.1").unwrap(),
            ..Default::default()
        };
        let Some(app) = TestApp::demo_with(backend, http).await else {
            continue;
        };
        let proxy: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        let stranger: SocketAddr = "198.51.100.20:50000".parse().unwrap();
        let anon = app.anonymous().await;
        let login = |peer: SocketAddr, user: &str, forwarded_for: &'static str| {
            let body = test_support::encode(&[
                ("username".to_owned(), user.to_owned()),
                ("password".to_owned(), "fel lösenord".to_owned()),
                ("csrf".to_owned(), anon.csrf.clone()),
            ]);
            let anon = anon.clone();
            let app = &app;
            async move {
                app.request_from(
                    Some(peer),
                    Method::POST,
                    "/logga-in",
                    Some(&anon),
                    Some(body),
                    &[("x-forwarded-for", forwarded_for)],
                )
                .await
                .status
            }
        };
        // Ten wrong passwords (for ten accounts) from one client behind the proxy: the
        // eleventh attempt from that client is refused, another client is not.
        for i in 0..10 {
            let status = login(proxy, &format!("ingen{i}"), "203.0.113.5").await;
            assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{backend:?} {i}");
        }
        assert_eq!(
            login(proxy, "ingen10", "203.0.113.5").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        assert_ne!(
            login(proxy, "ingen11", "203.0.113.6").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}: one client's failures lock out only that client"
        );
        // A stranger's own X-Forwarded-For is not believed: counted under its own address.
        for _ in 0..3 {
            login(stranger, "ingen12", "203.0.113.6").await;
        }
        let addresses = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT address FROM audit_log WHERE action = 'login' AND object_id = 'ingen12'",
        )
        .await;
        assert!(
            !addresses.is_empty() && addresses.iter().all(|a| a == "198.51.100.20"),
            "{backend:?}: {addresses:?}"
        );
        let addresses = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT address FROM audit_log WHERE action = 'login' AND object_id = 'ingen0'",
        )
        .await;
        assert_eq!(addresses, ["203.0.113.5"], "{backend:?}");

        // /metrics: this machine, yes; the proxy on this machine relaying the world, no.
        let metrics = |headers: &'static [(&'static str, &'static str)]| {
            let app = &app;
            async move {
                app.request_from(Some(proxy), Method::GET, "/metrics", None, None, headers)
                    .await
                    .status
            }
        };
        assert_eq!(metrics(&[]).await, StatusCode::OK, "{backend:?}");
        assert_eq!(
            metrics(&[("x-forwarded-for", "203.0.113.5")]).await,
            StatusCode::NOT_FOUND,
            "{backend:?}"
        );
        assert_eq!(
            metrics(&[("forwarded", "for=127.0.0.1")]).await,
            StatusCode::NOT_FOUND,
            "{backend:?}: relayed, even when the proxy says the client is local"
        );
    }
}

/// An upload's CSRF token travels as the form's first field, never in the address (finding 10):
/// in the query string, or after the file, it is refused.
#[tokio::test]
async fn an_upload_carries_its_token_first_in_the_body_not_in_the_address() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let finance = app.login_demo("ekonomi").await;
        let boundary = "----b";
        let file = "org_number;name\n";
        let post = |uri: String, body: String| {
            let app = &app;
            let finance = finance.clone();
            async move {
                app.request(
                    Method::POST,
                    &uri,
                    Some(&finance),
                    Some(body),
                    &[(
                        "content-type",
                        &format!("multipart/form-data; boundary={boundary}"),
                    )],
                )
                .await
                .status
            }
        };
        let file_part = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n\r\n{file}\r\n"
        );
        let token_part = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
            finance.csrf
        );
        let end = format!("--{boundary}--\r\n");
        // The old way: the token in the query string.
        let r = post(
            format!("/leverantorer/import?csrf={}", finance.csrf),
            format!("{file_part}{end}"),
        )
        .await;
        assert_eq!(r, StatusCode::FORBIDDEN, "{backend:?}");
        // The token after the file.
        let r = post(
            "/leverantorer/import".into(),
            format!("{file_part}{token_part}{end}"),
        )
        .await;
        assert_eq!(r, StatusCode::FORBIDDEN, "{backend:?}");
        // A wrong token first.
        let wrong = token_part.replace(&finance.csrf, "fel");
        let r = post(
            "/leverantorer/import".into(),
            format!("{wrong}{file_part}{end}"),
        )
        .await;
        assert_eq!(r, StatusCode::FORBIDDEN, "{backend:?}");
        // The token first: the file reaches the import (which refuses its missing columns).
        let r = post(
            "/leverantorer/import".into(),
            format!("{token_part}{file_part}{end}"),
        )
        .await;
        assert_eq!(r, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        // The upload forms put it there.
        let page = app.get("/leverantorer", Some(&finance)).await;
        assert!(
            page.body.contains(
                "enctype=\"multipart/form-data\" class=\"card\">\n  <input type=\"hidden\" name=\"csrf\""
            ) && !page.body.contains("?csrf="),
            "{backend:?}"
        );
    }
}

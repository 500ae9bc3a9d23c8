//! Login, sessions, rate limiting, TOTP and password changes.

use axum::http::StatusCode;
use jiff::SignedDuration;
use test_support::{BACKENDS, Session, TestApp};

#[tokio::test]
async fn session_cookie_has_the_right_attributes_and_a_new_id_at_each_login() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (r1, s1) = app.try_login("kundtjanst", "demo").await;
        assert_eq!(r1.status, StatusCode::SEE_OTHER);
        let cookie = r1
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-beredskap="))
            .expect("session cookie");
        for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
            assert!(cookie.contains(attr), "{attr} missing in {cookie}");
        }
        assert!(
            !cookie.contains("Domain"),
            "__Host- cookies must not carry a Domain: {cookie}"
        );
        let (_, s2) = app.try_login("kundtjanst", "demo").await;
        assert_ne!(
            s1.unwrap().cookie,
            s2.unwrap().cookie,
            "a login must issue a fresh session id"
        );
    }
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("kundtjanst").await;
        assert_eq!(app.get("/personal", Some(&s)).await.status, StatusCode::OK);
        let r = app.post("/logga-ut", Some(&s), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The old cookie, replayed, no longer works.
        let again = app.get("/personal", Some(&s)).await;
        assert_eq!(again.location(), Some("/logga-in"));
    }
}

#[tokio::test]
async fn unknown_accounts_get_the_same_answer_as_wrong_passwords() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (known, _) = app.try_login("kundtjanst", "wrong").await;
        let (unknown, _) = app.try_login("nobody-here", "wrong").await;
        assert_eq!(known.status, StatusCode::UNAUTHORIZED);
        assert_eq!(known.status, unknown.status);
        let strip = |b: &str| {
            b.replace("kundtjanst", "X")
                .replace("nobody-here", "X")
                .lines()
                .filter(|l| !l.contains("csrf"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&known.body), strip(&unknown.body));
    }
}

#[tokio::test]
async fn rate_limited_after_ten_failures_a_minute_per_account_and_per_address() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        for i in 0..10 {
            let (r, _) = app.try_login("kredit", &format!("wrong{i}")).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        // The right password no longer helps while the limit holds, and an unknown name is
        // limited the same way.
        let (r, s) = app.try_login("kredit", "demo").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(s.is_none());
        assert_eq!(
            r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
            Some("60")
        );
        // A minute later the account works again.
        app.clock.advance(SignedDuration::from_secs(61));
        let (r, _) = app.try_login("kredit", "demo").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend:?}");
    }
}

#[tokio::test]
async fn unknown_accounts_are_limited_too() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        for _ in 0..10 {
            app.try_login("ghost", "x").await;
        }
        let (r, _) = app.try_login("ghost", "x").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // All test requests come from one address, so the address limit now holds for others too.
        let (r, _) = app.try_login("kundtjanst", "demo").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        // Staff: 15 minutes idle.
        let s = app.login_demo("kundtjanst").await;
        app.clock.advance(SignedDuration::from_mins(14));
        assert_eq!(app.get("/personal", Some(&s)).await.status, StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(16));
        assert_eq!(
            app.get("/personal", Some(&s)).await.location(),
            Some("/logga-in")
        );
        // Customers: 30 minutes idle, 12 hours absolute however busy.
        let c = app.login_demo("kund").await;
        for _ in 0..24 {
            app.clock.advance(SignedDuration::from_mins(29));
            assert_eq!(
                app.get("/mina-sidor", Some(&c)).await.status,
                StatusCode::OK
            );
        }
        app.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(
            app.get("/mina-sidor", Some(&c)).await.location(),
            Some("/logga-in")
        );
    }
}

#[tokio::test]
async fn a_password_change_ends_every_session() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let a = app.login_demo("ekonomi").await;
        let b = app.login_demo("ekonomi").await;
        // Too short: the form comes back with the field marked.
        let r = app
            .post(
                "/konto/losenord",
                Some(&a),
                &[("current_password", "demo"), ("new_password", "short")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("aria-invalid=\"true\"") && r.body.contains("Använd minst 12 tecken."),
            "{}",
            r.body
        );
        // An English reader is told in English, never in Swedish.
        let en = test_support::Session {
            cookie: format!("{}; lang=en", a.cookie),
            csrf: a.csrf.clone(),
        };
        let r = app
            .post(
                "/konto/losenord",
                Some(&en),
                &[("current_password", "wrong"), ("new_password", "short")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("The current password is wrong.") && !r.body.contains("lösenord"),
            "{}",
            r.body
        );
        let long = "en mycket lång lösenfras som är över sextiofyra tecken lång och ska accepteras oförändrad!";
        assert!(long.chars().count() > 64);
        let r = app
            .post(
                "/konto/losenord",
                Some(&a),
                &[("current_password", "demo"), ("new_password", long)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        for s in [&a, &b] {
            assert_eq!(
                app.get("/personal", Some(s)).await.location(),
                Some("/logga-in")
            );
        }
        let (r, _) = app.try_login("ekonomi", "demo").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        app.login("ekonomi", long).await;
    }
}

#[tokio::test]
async fn admin_must_enrol_totp_before_anything_else() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (r, s) = app.try_login("admin", "demo").await;
        assert_eq!(r.location(), Some("/logga-in/totp"));
        let s = s.unwrap();
        // Before the second factor, staff pages send the admin back to the TOTP step.
        let r = app.get("/admin/anvandare", Some(&s)).await;
        assert_eq!(r.location(), Some("/logga-in/totp"));
        let r = app.get("/api/v1/me", Some(&s)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // A wrong code is refused and audited; the right one rotates the session.
        let page = app.get("/logga-in/totp", Some(&s)).await;
        let s = Session {
            csrf: page.csrf().unwrap(),
            ..s
        };
        app.post("/logga-in/totp/ny", Some(&s), &[]).await;
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", "000000")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let admin = app.login_demo("admin").await;
        assert_eq!(
            app.get("/admin/anvandare", Some(&admin)).await.status,
            StatusCode::OK
        );
        // The pre-TOTP session is dead after rotation... and the next login asks for the code.
        let (r, s) = app.try_login("admin", "demo").await;
        assert_eq!(r.location(), Some("/logga-in/totp"));
        // A code is good once: the one just used (still inside its window) is refused, and the
        // refusal is audited as a failure; the next step's code works.
        let s = s.unwrap();
        let page = app.get("/logga-in/totp", Some(&s)).await;
        let s = Session {
            csrf: page.csrf().unwrap(),
            ..s
        };
        let admin = store::users::by_username(app.services.store(), "admin")
            .await
            .unwrap()
            .unwrap();
        let secret = admin.totp_secret.unwrap();
        let used = app
            .services
            .accounts()
            .totp_code_for(admin.id, &secret)
            .unwrap();
        let failures = || async {
            store::audit::all_in_order(app.services.store())
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action == "totp_login" && e.outcome.as_str() == "failure")
                .count()
        };
        let before = failures().await;
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", &used)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a replayed code"
        );
        assert_eq!(failures().await, before + 1);
        app.clock.advance(jiff::SignedDuration::from_secs(30));
        let fresh = app
            .services
            .accounts()
            .totp_code_for(admin.id, &secret)
            .unwrap();
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", &fresh)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}

#[tokio::test]
async fn demo_accounts_do_not_work_outside_demo_mode() {
    for backend in BACKENDS {
        let Some(app) = TestApp::new(backend).await else {
            continue;
        };
        app.services
            .accounts()
            .create_user(
                "demo-agent",
                "Demo",
                domain::role::Role::Agent,
                None,
                "demo",
                true,
            )
            .await
            .unwrap();
        let (r, _) = app.try_login("demo-agent", "demo").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
}

#[test]
fn production_password_hashes_are_argon2id_with_the_asvs_parameters() {
    let h = services::auth::hash_password_with(
        &services::auth::AuthSettings::default(),
        "correct horse",
    )
    .unwrap();
    assert!(h.starts_with("$argon2id$v=19$m=47104,t=1,p=1$"), "{h}");
}

/// Six characters that are never a code (a digit string could be the right one by chance).
const WRONG: &str = "00000x";

/// A half-open session (password accepted, code owed) for the admin, with its form token.
async fn owing_a_code(app: &TestApp) -> Session {
    let (r, s) = app.try_login("admin", "demo").await;
    assert_eq!(r.location(), Some("/logga-in/totp"), "{}", r.status);
    let s = s.unwrap();
    let page = app.get("/logga-in/totp", Some(&s)).await;
    Session {
        csrf: page.csrf().unwrap(),
        ..s
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn second_factor_codes_cannot_be_guessed_at_length() {
    use services::auth::{TOTP_FAILURES_PER_HOUR, TOTP_TRIES_PER_LOGIN};
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        // The admin has a second factor (enrolled by the first login).
        app.login_demo("admin").await;
        let admin = store::users::by_username(app.services.store(), "admin")
            .await
            .unwrap()
            .unwrap();
        let secret = admin.totp_secret.unwrap();
        let code = |app: &TestApp| {
            app.services
                .accounts()
                .totp_code_for(admin.id, &secret)
                .unwrap()
        };
        app.clock.advance(SignedDuration::from_secs(61));

        // Forty wrong codes at once on one half-open session: five are tried, the session ends.
        let s = owing_a_code(&app).await;
        let answers = futures_util::future::join_all(
            (0..40).map(|_| app.post("/logga-in/totp", Some(&s), &[("code", WRONG)])),
        )
        .await;
        let tried = answers
            .iter()
            .filter(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY)
            .count();
        assert_eq!(tried as i64, TOTP_TRIES_PER_LOGIN, "{backend:?}");
        // The rest are refused: too many, or (once the session ended) its form token is no
        // longer valid or the password is asked again.
        assert!(
            answers
                .iter()
                .all(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY
                    || r.status == StatusCode::TOO_MANY_REQUESTS
                    || r.status == StatusCode::FORBIDDEN
                    || r.location() == Some("/logga-in")),
            "{backend:?}: {:?}",
            answers
                .iter()
                .map(|r| (r.status, r.location()))
                .collect::<Vec<_>>()
        );
        let r = app.get("/logga-in/totp", Some(&s)).await;
        assert_eq!(
            r.location(),
            Some("/logga-in"),
            "{backend:?}: the session ended"
        );
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", &code(&app))])
            .await;
        assert_ne!(
            r.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: a dead session stays dead"
        );

        // Wrong codes over several logins count against the account for an hour: once the
        // hour holds TOTP_FAILURES_PER_HOUR, even the right code is not tried.
        let mut failed = TOTP_TRIES_PER_LOGIN;
        while failed < TOTP_FAILURES_PER_HOUR {
            app.clock.advance(SignedDuration::from_secs(61));
            let s = owing_a_code(&app).await;
            let r = app
                .post("/logga-in/totp", Some(&s), &[("code", WRONG)])
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
            failed += 1;
        }
        app.clock.advance(SignedDuration::from_secs(61));
        let s = owing_a_code(&app).await;
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", &code(&app))])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");

        // A half-open session lives five minutes.
        app.clock.advance(SignedDuration::from_secs(3_600));
        let s = owing_a_code(&app).await;
        app.clock.advance(SignedDuration::from_secs(6 * 60));
        let r = app.get("/logga-in/totp", Some(&s)).await;
        assert_eq!(r.location(), Some("/logga-in"), "{backend:?}: expired");
        // After the hour, a fresh login and the right code get in.
        let s = owing_a_code(&app).await;
        let r = app
            .post("/logga-in/totp", Some(&s), &[("code", &code(&app))])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend:?}: {}", r.body);
    }
}

#[tokio::test]
async fn wrong_current_passwords_are_audited_and_limited_like_logins() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let s = app.login_demo("ekonomi").await;
        let limit = app.services.settings().auth.max_failures_per_minute;
        let (a, s) = (&app, &s);
        let change = move |current: &'static str| async move {
            let fields = [
                ("current_password", current),
                ("new_password", "en lång och ny lösenfras"),
            ];
            a.post("/konto/losenord", Some(s), &fields).await
        };
        for _ in 0..limit {
            assert_eq!(
                change("fel").await.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}"
            );
        }
        let audited = store::audit::all_in_order(app.services.store())
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "password_change" && e.outcome.as_str() == "failure")
            .count();
        assert_eq!(audited as i64, limit, "{backend:?}");
        // The limit is reached: even the right password waits a minute.
        assert_eq!(
            change("demo").await.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        app.clock.advance(SignedDuration::from_secs(61));
        assert_eq!(
            change("demo").await.status,
            StatusCode::SEE_OTHER,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_session_still_owing_its_second_factor_can_log_out() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        app.login_demo("admin").await;
        let s = owing_a_code(&app).await;
        let r = app.post("/logga-ut", Some(&s), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_ne!(r.location(), Some("/logga-in/totp"), "{backend:?}");
        let r = app.get("/logga-in/totp", Some(&s)).await;
        assert_eq!(
            r.location(),
            Some("/logga-in"),
            "{backend:?}: the session ended"
        );
    }
}

/// Every member of staff has a second factor (finding 3): a planner's first login enrols one,
/// and is given ten recovery codes, once. A recovery code logs in once; a wrong one counts like
/// a wrong TOTP code; new codes replace the old. The demo's accounts other than the
/// administrator are let in with the password, in demo mode only.
#[tokio::test]
async fn every_member_of_staff_enrols_a_second_factor_and_gets_recovery_codes() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (r, _) = app.try_login("planerare", "demo").await;
        assert_eq!(r.location(), Some("/"), "{backend:?}: the demo's planner");
        app.services
            .accounts()
            .create_user(
                "petra",
                "Petra Planerare",
                domain::role::Role::Planner,
                None,
                "mätarbyte i Karlskoga vintern",
                false,
            )
            .await
            .unwrap();
        let (r, s) = app
            .try_login("petra", "mätarbyte i Karlskoga vintern")
            .await;
        assert_eq!(r.location(), Some("/logga-in/totp"), "{backend:?}");
        let s = s.unwrap();
        assert_eq!(
            app.get("/personal", Some(&s)).await.location(),
            Some("/logga-in/totp"),
            "nothing before the second factor"
        );
        // Enrol: the codes are shown once, with the new session.
        let page = app.get("/logga-in/totp", Some(&s)).await;
        let s = Session {
            csrf: page.csrf().unwrap(),
            ..s
        };
        let enrol = app.post("/logga-in/totp/ny", Some(&s), &[]).await;
        let secret = enrol
            .body
            .split("<code>")
            .nth(1)
            .and_then(|x| x.split("</code>").next())
            .unwrap()
            .to_owned();
        let id = app.user_id("petra").await;
        let code = app.services.accounts().totp_code_for(id, &secret).unwrap();
        let done = app
            .post("/logga-in/totp", Some(&s), &[("code", &code)])
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let codes: Vec<String> = done
            .body
            .split("<li><code>")
            .skip(1)
            .filter_map(|x| x.split("</code>").next())
            .map(str::to_owned)
            .collect();
        assert_eq!(codes.len(), 10, "{backend:?}: {}", done.body);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 19 && c.matches('-').count() == 3)
        );
        // The codes are kept only as hashes.
        let stored = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT lookup || ':' || code_hash FROM recovery_codes",
        )
        .await;
        assert_eq!(stored.len(), 10);
        assert!(stored.iter().all(|r| r.contains("$argon2id$")));
        assert!(
            !stored
                .iter()
                .any(|r| r.contains(&codes[0].replace('-', "")[4..]))
        );

        // A recovery code in place of the app's code, once.
        let recover = |code: String| {
            let app = &app;
            async move {
                app.clock.advance(SignedDuration::from_secs(1));
                let (r, s) = app
                    .try_login("petra", "mätarbyte i Karlskoga vintern")
                    .await;
                assert_eq!(r.location(), Some("/logga-in/totp"));
                let s = s.unwrap();
                let page = app.get("/logga-in/totp", Some(&s)).await;
                assert!(page.body.contains("name=\"recovery\""));
                let s = Session {
                    csrf: page.csrf().unwrap(),
                    ..s
                };
                app.post("/logga-in/reservkod", Some(&s), &[("recovery", &code)])
                    .await
            }
        };
        let typed = codes[3].to_uppercase().replace('-', " ");
        let r = recover(typed).await;
        assert_eq!(r.location(), Some("/personal"), "{backend:?}: {}", r.body);
        let r = recover(codes[3].clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "used up");
        assert!(r.body.contains("Reservkoden stämmer inte"));
        let r = recover("abcd-efgh-jkmn-pqrs".into()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The account page says how many are left and makes a new set.
        let petra = app.login("petra", "mätarbyte i Karlskoga vintern").await;
        let account = app.get("/konto", Some(&petra)).await;
        assert!(
            account.body.contains("Reservkoder kvar: 9."),
            "{}",
            account.body
        );
        let fresh = app.post("/konto/reservkoder", Some(&petra), &[]).await;
        assert_eq!(fresh.status, StatusCode::OK);
        let r = recover(codes[4].clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the old set is gone"
        );
        let audit = store::audit::all_in_order(app.services.store())
            .await
            .unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "recovery_codes_issued")
                .count(),
            2
        );
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "recovery_code_login" && e.outcome.as_str() == "failure")
                .count(),
            3
        );
    }
}

/// The passkey ceremonies' refusals (the browser test adds and uses one): a challenge names this
/// site; an answer that is not a passkey's, or to a ceremony used or not one's own, is refused;
/// the login ceremony is only for a session owing its second step.
#[tokio::test]
async fn passkey_ceremonies_refuse_what_is_not_an_answer_to_them() {
    use axum::http::Method;
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let planner = app.login_demo("planerare").await;
        let json = |path: &'static str, s: &Session, body: String| {
            let app = &app;
            let s = s.clone();
            async move {
                app.request(
                    Method::POST,
                    path,
                    Some(&s),
                    Some(body),
                    &[
                        ("content-type", "application/json"),
                        ("x-csrf-token", &s.csrf),
                    ],
                )
                .await
            }
        };
        let r = json("/konto/passkey/start", &planner, "{}".into()).await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}: {}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["publicKey"]["rp"]["id"], "localhost");
        assert!(v["publicKey"]["challenge"].as_str().unwrap().len() >= 22);
        let ceremony = v["ceremony"].as_i64().unwrap();
        let forged = serde_json::json!({
            "ceremony": ceremony,
            "name": "Falsk",
            "credential": {
                "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
                "response": { "attestationObject": "AAAA", "clientDataJSON": "AAAA" }
            }
        });
        let r = json("/konto/passkey", &planner, forged.to_string()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        // The ceremony was used up by that answer.
        let r = json("/konto/passkey", &planner, forged.to_string()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            app.services
                .accounts()
                .passkeys(&planner_user(&app).await)
                .await
                .unwrap()
                .is_empty()
        );
        // Without the CSRF header, nothing starts.
        let r = app
            .request(
                Method::POST,
                "/konto/passkey/start",
                Some(&planner),
                Some("{}".into()),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // A full session has no second step to give.
        let r = json("/logga-in/passkey/start", &planner, "{}".into()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

async fn planner_user(app: &TestApp) -> services::auth::SessionUser {
    let row = store::users::by_username(app.services.store(), "planerare")
        .await
        .unwrap()
        .unwrap();
    services::auth::SessionUser {
        session_id: None,
        user_id: row.id,
        username: row.username,
        display_name: row.display_name,
        role: row.role,
        customer_id: None,
        csrf_token: String::new(),
        mfa_pending: false,
        totp_enabled: false,
    }
}

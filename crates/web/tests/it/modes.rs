//! Crisis modes over HTTP: the API (modes, preview, four-eyes activation, its progress, the
//! end, the policies in force at an instant), the public crisis page and its feed, and the
//! banner on portal and public pages while measures are in force.

use axum::http::{Method, StatusCode};
use serde_json::json;
use test_support::{BACKENDS, TestApp};

/// Tokens (demo accounts have none) of two continuity managers of the municipality's crisis
/// management and of another system acting as an agent.
async fn tokens(app: &TestApp) -> [String; 3] {
    use domain::role::Role;
    let mut out = Vec::new();
    for (name, role) in [
        ("krisledning1", Role::ContinuityManager),
        ("krisledning2", Role::ContinuityManager),
        ("kundsystem", Role::Agent),
    ] {
        let accounts = app.services.accounts();
        accounts
            .create_user(name, name, role, None, "ett-langt-losenord-1", false)
            .await
            .unwrap();
        out.push(accounts.create_api_token(name, "api").await.unwrap());
    }
    out.try_into().unwrap()
}

#[tokio::test]
async fn the_api_previews_proposes_approves_by_a_second_person_and_ends() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let [first, second, agent] = tokens(&app).await;

        let (st, modes) = app.api(Method::GET, "/api/v1/modes", &first, None).await;
        assert_eq!(st, StatusCode::OK, "{modes}");
        let pandemic = modes
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "Pandemi 2020")
            .expect("the demo ships the pandemic preset")["id"]
            .as_i64()
            .unwrap();
        // A copy, made through the API.
        let (st, copy) = app
            .api(
                Method::POST,
                "/api/v1/modes",
                &first,
                Some(json!({"name": "Pandemi, kopia", "copy_of": pandemic})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{copy}");
        assert_eq!(
            copy["policies"]["visits"]["rules"]["max_present_per_site"],
            8
        );
        // Agents see none of it.
        let (st, _) = app.api(Method::GET, "/api/v1/modes", &agent, None).await;
        assert_eq!(st, StatusCode::FORBIDDEN);

        let from = app.services.now().to_string();
        let (st, preview) = app
            .api(
                Method::POST,
                &format!("/api/v1/modes/{pandemic}/preview"),
                &first,
                Some(json!({"from": from, "to": null})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{preview}");
        for cap in ["campaign", "visits", "credit", "portal", "continuity"] {
            assert!(
                preview["capabilities"][cap].is_object(),
                "{backend:?} {cap}: {preview}"
            );
        }
        assert!(preview["customers_to_notify"].is_u64());
        assert_eq!(preview["capabilities"]["portal"]["banner_shown"], 1);

        let (st, proposed) = app
            .api(
                Method::POST,
                &format!("/api/v1/modes/{pandemic}/activations"),
                &first,
                Some(json!({"from": from, "to": null, "reason": "Smittspridning i kommunen"})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{proposed}");
        assert_eq!(proposed["status"], "awaiting_approval");
        let id = proposed["id"].as_i64().unwrap();
        // The proposer cannot approve.
        let (st, _) = app
            .api(
                Method::POST,
                &format!("/api/v1/activations/{id}/approve"),
                &first,
                None,
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{backend:?}");
        let (st, approved) = app
            .api(
                Method::POST,
                &format!("/api/v1/activations/{id}/approve"),
                &second,
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{approved}");
        assert_eq!(approved["status"], "activating", "{approved}");
        // The worker runs the start; the progress has the preview's effects, capability by
        // capability.
        app.services.crisis().run_start(id).await.unwrap();
        let (st, done) = app
            .api(
                Method::GET,
                &format!("/api/v1/activations/{id}"),
                &first,
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(done["status"], "active");
        assert_eq!(done["capabilities"], preview["capabilities"], "{backend:?}");

        // The policies in force now are the mode's.
        let (st, now) = app
            .api(
                Method::GET,
                &format!("/api/v1/policies?at={}", app.services.now()),
                &agent,
                None,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{now}");
        assert_eq!(
            now["policies"]["visits"]["rules"]["max_present_per_site"],
            8
        );

        // The public page and the portal say so.
        let public = app.get("/kris", None).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(
            public.body.contains("Högst 8 personer samtidigt"),
            "{}",
            public.body
        );
        let feed = app.get("/kris/atom.xml", None).await;
        assert!(
            feed.body
                .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
        );
        assert!(feed.body.contains("Pandemi 2020"), "{}", feed.body);
        let kund = app.login_demo("kund").await;
        let portal = app.get("/mina-sidor", Some(&kund)).await;
        assert!(portal.body.contains("href=\"/kris\""), "{}", portal.body);

        // Ended by hand: asked by one, approved by the other (the same call).
        app.clock.advance(jiff::SignedDuration::from_hours(24));
        let (st, _) = app
            .api(
                Method::POST,
                &format!("/api/v1/activations/{id}/end"),
                &first,
                Some(json!({"reason": "Läget är normalt"})),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        let (st, ended) = app
            .api(
                Method::POST,
                &format!("/api/v1/activations/{id}/end"),
                &second,
                Some(json!({})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{ended}");
        assert_eq!(ended["status"], "ended", "{ended}");
        let public = app.get("/kris", None).await;
        assert!(public.body.contains("normal drift"), "{}", public.body);
        let portal = app.get("/mina-sidor", Some(&kund)).await;
        assert!(
            !portal.body.contains("href=\"/kris\""),
            "{backend:?}: no banner after the end"
        );
    }
}

#[tokio::test]
async fn the_pages_walk_propose_approve_and_log_in_both_languages() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let first = app.login_demo("beredskap").await;
    let list = app.get("/beredskap/lagen", Some(&first)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Pandemi 2020") && list.body.contains("Krislägen"));
    let id = app
        .services
        .crisis()
        .list(&services::Actor {
            role: Some(domain::role::Role::Admin),
            ..services::Actor::system()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Pandemi 2020")
        .unwrap()
        .id;
    let editor = app
        .get(&format!("/beredskap/lagen/{id}"), Some(&first))
        .await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(
        editor
            .body
            .contains("name=\"visits.max_present_per_site\" value=\"8\""),
        "{}",
        editor.body
    );
    // A field error is shown on its field.
    let mut form: Vec<(String, String)> = Vec::new();
    for cap_field in [
        ("campaign.indoor_visits", "house_owners_only"),
        ("campaign.notice_working_days", "5"),
        ("visits.max_present_per_site", "0"),
        ("credit.max_extension_days", "60"),
        ("credit.max_amount_ore", "20 000"),
        ("credit.require_clean_history_months", "12"),
        ("credit.auto_approve_up_to_ore", "5 000"),
        ("credit.reminder_grace_days", "10"),
        ("credit.max_instalments", "6"),
        ("suppliers.applies_to", "local"),
        ("suppliers.shortened_terms_days", "10"),
        ("portal.chat_hours", "19:00-07:00"),
        ("name", "Pandemi 2020"),
        ("version", "1"),
    ] {
        form.push((cap_field.0.into(), cap_field.1.into()));
    }
    let bad = app
        .post(
            &format!("/beredskap/lagen/{id}"),
            Some(&first),
            &form
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("visits-max_present_per_site-error"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("portal-chat_hours-error")
            && bad.body.contains("med öppning före stängning"),
        "{}",
        bad.body
    );
    assert!(
        editor
            .body
            .contains("name=\"portal.chat_hours\" value=\"07:00-19:00\""),
        "the preset's chat hours are in the editor"
    );
    let preview = app
        .get(
            &format!("/beredskap/lagen/{id}/forhandsgranska"),
            Some(&first),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Förhandsgranskning"));
    // Times of day and days read as such, not as numbers.
    assert!(
        preview.body.contains("07:00") && preview.body.contains("19:00"),
        "{}",
        preview.body
    );
    let csv = app
        .get(
            &format!("/beredskap/lagen/{id}/forhandsgranska.csv"),
            Some(&first),
        )
        .await;
    assert!(
        csv.body
            .starts_with("customer_id,name,channel,language,subject,body")
    );
    let en = test_support::Session {
        cookie: format!("{}; lang=en", first.cookie),
        csrf: first.csrf.clone(),
    };
    let english = app.get("/beredskap/logg", Some(&en)).await;
    assert!(english.body.contains("Crisis log"), "{}", english.body);
    let r = app
        .post(
            "/beredskap/logg",
            Some(&first),
            &[
                ("summary", "Alla möten med fler än tio deltagare skjuts upp"),
                ("reason", "Folkhälsomyndighetens råd"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let log = app.get("/beredskap/logg.csv", Some(&first)).await;
    assert!(
        log.body.contains("measure") && log.body.contains("skjuts upp"),
        "{}",
        log.body
    );
}

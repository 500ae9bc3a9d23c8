//! The planner's campaign page: open, crews, plan, the map, classify after a policy change.

use axum::http::StatusCode;
use test_support::{BACKENDS, TestApp};

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
        let r = app
            .post("/kampanj/planera", Some(&p), &[("weeks", "1")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("<svg"), "the map is drawn");
        assert!(
            r.body.contains("<polyline"),
            "{backend:?}: routes on the map"
        );
        assert!(r.body.contains("Lag Norr") || r.body.contains("Lag Syd"));
        let r = app.post("/kampanj/klassa", Some(&p), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        // Other staff and customers have no campaign page; no CSRF, no change.
        for user in ["kundtjanst", "kund", "tekniker"] {
            let s = app.login_demo(user).await;
            assert_eq!(
                app.get("/kampanj", Some(&s)).await.status,
                StatusCode::FORBIDDEN,
                "{user}"
            );
        }
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

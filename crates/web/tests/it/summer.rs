//! Sponsorship and summer jobs over HTTP on the demo town: the clubs' agreements with their
//! instalments (finance reads, the continuity manager decides), the draw of the demo's season
//! with the result published without names and checkable, and the public application form,
//! which works without script and asks a minor's guardian to consent.

use axum::http::StatusCode;
use store::backend::testing::query_strings;
use test_support::{Backend, TestApp};

#[tokio::test]
async fn agreements_are_read_by_finance_and_decided_by_the_continuity_manager() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let finance = app.login_demo("ekonomi").await;
    let list = app.get("/samhalle/sponsring", Some(&finance)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Karlskoga Hockeyklubb"), "{}", list.body);
    assert!(
        !list.body.contains("Teckna avtalet"),
        "finance does not decide"
    );
    let id = query_strings(
        app.services.store(),
        "SELECT CAST(id AS TEXT) FROM sponsorship_agreements ORDER BY id LIMIT 1",
    )
    .await
    .remove(0);
    let manager = app.login_demo("beredskap").await;
    let page = app
        .get(&format!("/samhalle/sponsring/{id}"), Some(&manager))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Skickad till betalning"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("SPONS-{id}-1")));
    assert!(
        page.body.contains("Inställda"),
        "the demo's cancelled matches"
    );
    let released = app
        .post(
            &format!("/samhalle/sponsring/{id}/matcher"),
            Some(&manager),
            &[("number", "1"), ("cancelled", "true")],
        )
        .await;
    assert_eq!(released.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(released.body.contains("redan skickad till betalning"));
    let bad = app
        .post(
            "/samhalle/sponsring",
            Some(&manager),
            &[
                ("supplier_id", ""),
                ("starts_on", "2027-01-01"),
                ("ends_on", "2027-12-31"),
                ("amount", "1000"),
                ("instalments", "2"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#supplier_id\""), "{}", bad.body);
}

#[tokio::test]
async fn the_demo_season_is_drawn_and_the_result_published_without_names() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let year = (app.services.today().year() + 1).to_string();
    let manager = app.login_demo("beredskap").await;
    let page = app.get("/samhalle/sommarjobb", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Fjärrvärmeverket, kvällsskift"));
    assert!(
        page.body
            .contains("Minderåriga får inte arbeta mellan 22 och 6"),
        "{}",
        page.body
    );
    let drawn = app
        .post(
            &format!("/samhalle/sommarjobb/{year}/lotta"),
            Some(&manager),
            &[],
        )
        .await;
    assert_eq!(drawn.status, StatusCode::OK);
    assert!(
        drawn.body.contains("Lottningen är gjord: 26 fick jobb"),
        "{}",
        drawn.body
    );
    let anon = app.anonymous().await;
    let result = app
        .get(&format!("/sommarjobb/{year}/lottning"), Some(&anon))
        .await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(result.body.contains(&format!("{year}-")) && result.body.contains("SplitMix64"));
    let names = query_strings(
        app.services.store(),
        "SELECT name FROM summer_applications ORDER BY id LIMIT 5",
    )
    .await;
    assert!(
        names.iter().all(|n| !result.body.contains(n.as_str())),
        "no names"
    );
    let csv = app
        .get(&format!("/sommarjobb/{year}/lottning.csv"), Some(&anon))
        .await;
    assert!(
        csv.body
            .starts_with("rank,reference,priority,ticket,chosen\n")
    );
    assert_eq!(csv.body.lines().count(), 241);
    let applications = app
        .get(
            &format!("/samhalle/sommarjobb/{year}/ansokningar"),
            Some(&manager),
        )
        .await;
    assert!(applications.body.contains(names[0].as_str()));
    let letters = app
        .post(
            &format!("/samhalle/sommarjobb/{year}/brev"),
            Some(&manager),
            &[],
        )
        .await;
    assert!(
        letters.body.contains("240 brev är skickade"),
        "{}",
        letters.body
    );
}

#[tokio::test]
async fn young_people_apply_on_the_public_form_and_a_minor_needs_consent() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let anon = app.anonymous().await;
    let closed = app.get("/sommarjobb", Some(&anon)).await;
    assert!(closed.body.contains("Ansökan är inte öppen just nu"));
    let today = app.services.today();
    let year = (today.year() + 2).to_string();
    let manager = app.login_demo("beredskap").await;
    let opened = app
        .post(
            "/samhalle/sommarjobb",
            Some(&manager),
            &[
                ("year", &year),
                ("apply_until", &format!("{}-03-31", today.year() + 2)),
                ("first_day", &format!("{}-06-20", today.year() + 2)),
                ("priority_first_job", "true"),
            ],
        )
        .await;
    assert!(
        opened.body.contains("Säsongen är öppnad"),
        "{}",
        opened.body
    );
    let birth = format!("{}-01-15", today.year() + 2 - 16);
    let form = |consent: &'static str| {
        vec![
            ("name", "Alva Ung".to_owned()),
            ("birth_date", birth.clone()),
            ("email", "alva@example.se".to_owned()),
            ("phone", String::new()),
            ("wish", String::new()),
            ("first_job", "true".to_owned()),
            ("guardian_name", "Eva Ung".to_owned()),
            ("guardian_email", "eva@example.se".to_owned()),
            ("guardian_consent", consent.to_owned()),
        ]
    };
    let without = form("");
    let fields: Vec<(&str, &str)> = without.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post("/sommarjobb", Some(&anon), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("vårdnadshavares medgivande"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Alva Ung"), "what was typed stays");
    let with = form("true");
    let fields: Vec<(&str, &str)> = with.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let taken = app.post("/sommarjobb", Some(&anon), &fields).await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(
        taken
            .body
            .contains(&format!("Din ansökan har nummer {year}-")),
        "{}",
        taken.body
    );
}

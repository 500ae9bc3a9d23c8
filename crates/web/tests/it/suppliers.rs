//! Suppliers on the web: the offer of shorter terms is answered by its signed link, in Swedish
//! or English, once.

use axum::http::StatusCode;
use domain::policy::{Capability, PolicyBody, Preset};
use services::capability::PolicyChange;
use test_support::{Backend, Session, TestApp};

fn english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

#[tokio::test]
async fn a_local_supplier_accepts_shorter_terms_by_the_link_in_its_email() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let s = &app.services;
    let change = PolicyChange {
        before: PolicyBody::preset(Capability::Suppliers, Preset::Normal),
        after: PolicyBody::preset(Capability::Suppliers, Preset::Pandemic),
        at: s.now(),
        until: None,
    };
    let hook = s.hook(Capability::Suppliers).unwrap();
    let impact = hook.apply(&change, "test:suppliers").await.unwrap();
    let offers = impact.effects.iter().find(|e| e.key == "offers").unwrap();
    assert!(
        offers.value > 0,
        "the demo's local suppliers are offered the terms"
    );
    let mail = s
        .outbox(1000, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.body_text.contains("/leverantor/erbjudande/"))
        .expect("an offer by e-mail");
    let link = mail
        .body_text
        .split("http://localhost:8080")
        .nth(1)
        .unwrap();
    let link = link.split_whitespace().next().unwrap().to_owned();
    let anon = app.anonymous().await;
    let page = app.get(&link, Some(&anon)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("inom 10 dagar"), "{}", page.body);
    let en = app.get(&link, Some(&english(&anon))).await;
    assert!(en.body.contains("within 10 days"), "{}", en.body);
    let empty = app.post(&link, Some(&anon), &[]).await;
    assert_eq!(empty.status, StatusCode::CONFLICT, "no answer given");
    let yes = app.post(&link, Some(&anon), &[("svar", "ja")]).await;
    assert_eq!(yes.status, StatusCode::OK);
    assert!(
        yes.body.contains("betalas nu inom 10 dagar"),
        "{}",
        yes.body
    );
    let again = app.post(&link, Some(&anon), &[("svar", "nej")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("redan besvarat"), "{}", again.body);
    assert_eq!(
        app.get("/leverantor/erbjudande/nonsense", Some(&anon))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

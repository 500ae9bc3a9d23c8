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

#[tokio::test]
async fn finance_reads_the_register_a_supplier_and_the_inbox_with_its_reasons_in_both_languages() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let finance = app.login_demo("ekonomi").await;
    let list = app.get("/leverantorer", Some(&finance)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Schakt") && list.body.contains("lokala"),
        "{}",
        list.body
    );
    let en = app.get("/leverantorer", Some(&english(&finance))).await;
    assert!(en.body.contains("of them local") && en.body.contains("Excavation"));
    // The first supplier's page: its facts and its bankgiro.
    let id = services::suppliers::SupplierRow::clone(
        &app.services
            .suppliers()
            .list(&services::Actor::system())
            .await
            .unwrap()[0],
    )
    .id;
    let page = app
        .get(&format!("/leverantorer/{id}"), Some(&finance))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Bankgiro") && page.body.contains("F-skatt"),
        "{}",
        page.body
    );
    // A stopped e-invoice waits in the inbox with the rule and what it means.
    let org = "5560360793";
    let lines = [test_support::peppol::GenLine {
        name: "Grävning",
        quantity: "1",
        price: "2000.00",
        net: "2000.00",
    }];
    let bad =
        test_support::peppol::invoice_from(org, "F-9", &lines, "2000.00", "500.00", "2600.00");
    app.services
        .suppliers()
        .receive_einvoices(
            &services::Actor::system(),
            &[("bad.xml".into(), bad.into_bytes())],
        )
        .await
        .unwrap();
    let inbox = app.get("/leverantorer/inkorg", Some(&finance)).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(
        inbox.body.contains("bad.xml") && inbox.body.contains("BR-CO-15"),
        "{}",
        inbox.body
    );
    let sv_reason = inbox.body.contains("regler");
    let en = app
        .get("/leverantorer/inkorg", Some(&english(&finance)))
        .await;
    assert!(sv_reason && en.body.contains("Breaks rules"), "{}", en.body);
    // Planners read; agents do not.
    let planner = app.login_demo("planerare").await;
    assert_eq!(
        app.get("/leverantorer", Some(&planner)).await.status,
        StatusCode::OK
    );
    let agent = app.login_demo("kundtjanst").await;
    assert_eq!(
        app.get("/leverantorer", Some(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn finance_adds_edits_and_imports_suppliers_and_a_planner_cannot() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    app.services
        .accounts()
        .create_user(
            "frida",
            "Frida",
            domain::role::Role::Finance,
            None,
            "pw-long-enough-1",
            false,
        )
        .await
        .unwrap();
    app.services
        .accounts()
        .create_user(
            "per",
            "Per",
            domain::role::Role::Planner,
            None,
            "pw-long-enough-1",
            false,
        )
        .await
        .unwrap();
    let finance = app.login("frida", "pw-long-enough-1").await;
    let form = app.get("/leverantorer/ny", Some(&finance)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("trade_excavation"), "{}", form.body);
    let fields = [
        ("org_number", "556036-0793"),
        ("name", "Karlskoga Schakt AB"),
        ("bankgiro", "5050-1056"),
        ("municipality", "Karlskoga"),
        ("size", "small"),
        ("terms_days", "30"),
        ("trade_excavation", "true"),
        ("f_skatt", "true"),
        ("active", "true"),
        ("contact_email", "eva@schakt.example"),
    ];
    // A wrong check digit: the form comes back with the field named, in Swedish.
    let bad = app.post("/leverantorer", Some(&finance), &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("bankgironummer") && bad.body.contains("href=\"#bankgiro\""));
    let mut good = fields.to_vec();
    good[2] = ("bankgiro", "5050-1055");
    let saved = app.post("/leverantorer", Some(&finance), &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let at = saved.location().unwrap().to_owned();
    let page = app.get(&at, Some(&finance)).await;
    assert!(page.body.contains("Karlskoga Schakt AB") && page.body.contains("5050-1055"));
    let edit = app.get(&format!("{at}/andra"), Some(&finance)).await;
    assert!(edit.body.contains("value=\"5050-1055\""), "{}", edit.body);
    good[1] = ("name", "Karlskoga Schakt & Mark AB");
    let moved = app.post(&at, Some(&finance), &good).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(app.get(&at, Some(&finance)).await.body.contains("Mark AB"));
    // The register's file: a bad line is named and nothing is imported; then all of it is.
    let file = "org_number;name;plusgiro;municipality;trades;f_skatt\n\
                5565475489;Degerfors VVS AB;902003-3;Degerfors;plumbing_hvac;ja\n\
                5560125790;Örebro Automation AB;902003-4;Örebro;automation;nej\n";
    let refused = app
        .upload("/leverantorer/import", &finance, "file", "reg.csv", file)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("rad 3, fältet plusgiro"),
        "{}",
        refused.body
    );
    let fixed = file.replace("902003-4", "902003-3");
    let done = app
        .upload("/leverantorer/import", &finance, "file", "reg.csv", &fixed)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("2 nya"), "{}", done.body);
    // The planner reads the register but neither adds nor imports.
    let planner = app.login("per", "pw-long-enough-1").await;
    let list = app.get("/leverantorer", Some(&planner)).await;
    assert!(list.body.contains("Degerfors VVS AB") && !list.body.contains("/leverantorer/ny"));
    assert_eq!(
        app.post("/leverantorer", Some(&planner), &good)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

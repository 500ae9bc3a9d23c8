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

#[tokio::test]
async fn finance_approves_the_demo_proposal_downloads_its_file_and_takes_in_the_bank_answer() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let finance = app.login_demo("ekonomi").await;
    let page = app.get("/leverantorer/betalningar", Some(&finance)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The demo's month: invoices at each step, a dispute, a credit note, a proposal to approve.
    for text in [
        "Attestera leveransen",
        "Godkänn beloppet",
        "Bestriden",
        "Kvitta",
        "Godkänn förslaget",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    let proposals = app
        .services
        .suppliers()
        .proposals(&services::Actor::system())
        .await
        .unwrap();
    assert_eq!(proposals.len(), 1);
    let id = proposals[0].id.get();
    let detail = app
        .services
        .suppliers()
        .proposal(&services::Actor::system(), proposals[0].id)
        .await
        .unwrap();
    let file = &detail.files[0];
    let download = app
        .get(
            &format!("/leverantorer/betalningsfiler/{}", file.id.get()),
            Some(&finance),
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(
        download.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    assert!(download.body.contains(&file.message_id));
    let approved = app
        .post(
            &format!("/leverantorer/betalningar/{id}/godkann"),
            Some(&finance),
            &[],
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK);
    assert!(
        approved.body.contains("Förslaget är godkänt"),
        "{}",
        approved.body
    );
    // Twice: refused, named on the page.
    let again = app
        .post(
            &format!("/leverantorer/betalningar/{id}/godkann"),
            Some(&finance),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("inte längre öppet"), "{}", again.body);
    // The bank accepts the first payment.
    let report = test_support::bank::status_report(
        "STS-1",
        &file.message_id,
        &[test_support::bank::Status {
            end_to_end_id: &detail.payments[0].end_to_end_id,
            code: "ACSC",
            reason: None,
        }],
    );
    let taken = app
        .upload(
            "/leverantorer/bankfiler",
            &finance,
            "file",
            "status.xml",
            &report,
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(taken.body.contains("1 godkända"), "{}", taken.body);
    // It rejects the second: the reason's text shows, and the invoice waits for the next one.
    let rejection = test_support::bank::status_report(
        "STS-2",
        &file.message_id,
        &[test_support::bank::Status {
            end_to_end_id: &detail.payments[1].end_to_end_id,
            code: "RJCT",
            reason: Some(("AC01", "Kontot saknas")),
        }],
    );
    let rejected = app
        .upload(
            "/leverantorer/bankfiler",
            &finance,
            "file",
            "status2.xml",
            &rejection,
        )
        .await;
    assert!(
        rejected.body.contains("Betalningar som banken avvisat"),
        "{}",
        rejected.body
    );
    assert!(
        rejected
            .body
            .contains("AC01: Felaktigt kontonummer (Kontot saknas)"),
        "{}",
        rejected.body
    );
    let broken = app
        .upload(
            "/leverantorer/bankfiler",
            &finance,
            "file",
            "x.xml",
            "<Document",
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("Rad 1"), "{}", broken.body);

    // A planner attests a delivery but sees no proposals and cannot approve them.
    let planner = app.login_demo("planerare").await;
    let waiting = app
        .services
        .suppliers()
        .awaiting_attestation(&services::Actor::system())
        .await
        .unwrap();
    let received = waiting
        .iter()
        .find(|i| i.state == domain::suppliers::InvoiceState::Received)
        .unwrap();
    let attested = app
        .post(
            &format!("/leverantorer/fakturor/{}/attest", received.id.get()),
            Some(&planner),
            &[],
        )
        .await;
    assert_eq!(attested.status, StatusCode::OK);
    assert!(
        attested.body.contains("Leveransen är attesterad"),
        "{}",
        attested.body
    );
    assert!(!attested.body.contains("Betalningsförslag"));
    let no_reason = app
        .post(
            &format!("/leverantorer/fakturor/{}/bestrid", received.id.get()),
            Some(&planner),
            &[("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason
            .body
            .contains(&format!("href=\"#reason-{}\"", received.id.get()))
    );
    assert_eq!(
        app.post(
            &format!("/leverantorer/betalningar/{id}/makulera"),
            Some(&planner),
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let agent = app.login_demo("kundtjanst").await;
    assert_eq!(
        app.get("/leverantorer/betalningar", Some(&agent))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_planner_brings_the_demo_work_forward_and_reads_local_work_beside_last_year() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let planner = app.login_demo("planerare").await;
    let page = app.get("/leverantorer/projekt", Some(&planner)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Fjärrvärme Bergsgatan",
        "Mätarbyte",
        "Schakt och mark",
        "Tidigarelägg",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    let orders = app
        .services
        .suppliers()
        .work_orders(&services::Actor::system())
        .await
        .unwrap();
    // The campaign's subcontracted crew has its work as work orders of the meter exchange.
    let crew = store::campaign::local_suppliers(
        app.services.store(),
        services::campaign::SUBCONTRACT_TRADE,
    )
    .await
    .unwrap()
    .remove(0);
    let projects = app
        .services
        .suppliers()
        .projects(&services::Actor::system())
        .await
        .unwrap();
    let meters = projects.iter().find(|p| p.name == "Mätarbyte").unwrap();
    let crew_orders: Vec<_> = orders.iter().filter(|o| o.supplier_id == crew.id).collect();
    assert!(!crew_orders.is_empty());
    assert!(
        crew_orders
            .iter()
            .all(|o| o.project_id == meters.id && o.description.contains("arbetslaget"))
    );
    let this_month = domain::suppliers::work::Month::of(app.services.today());
    let later = orders
        .iter()
        .find(|o| o.month > this_month.plus(1))
        .expect("planned work ahead");
    let to = this_month.plus(1).to_string();
    let moved = app
        .post(
            &format!("/leverantorer/arbetsordrar/{}/tidigarelagg", later.id.get()),
            Some(&planner),
            &[("month", &to)],
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    assert!(moved.body.contains("tidigarelagt"), "{}", moved.body);
    assert!(moved.body.contains("tidigarelagd från"), "{}", moved.body);
    // Again to the same month: not earlier, named at its field.
    let again = app
        .post(
            &format!("/leverantorer/arbetsordrar/{}/tidigarelagg", later.id.get()),
            Some(&planner),
            &[("month", &to)],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains(&format!("href=\"#month-{}\"", later.id.get()))
    );
    // Finance reads but does not plan.
    let finance = app.login_demo("ekonomi").await;
    let read = app.get("/leverantorer/projekt", Some(&finance)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("Tidigarelägg"));
    assert_eq!(
        app.post("/leverantorer/projekt", Some(&finance), &[("name", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn finance_reads_the_reports_with_charts_beside_tables_and_asks_what_shorter_terms_cost() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let finance = app.login_demo("ekonomi").await;
    let page = app.get("/leverantorer/rapporter", Some(&finance)).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Dagar till betalning",
        "Mål 30 dagar",
        "Schakt och mark",
        "Ackumulerat netto",
        "role=\"img\"",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("Kostnad hittills"), "no what-if asked");
    let asked = app
        .get(
            "/leverantorer/rapporter?dagar=10&galler=local",
            Some(&finance),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("Kostnad hittills") && asked.body.contains("Med kortare villkor"));
    let bad = app
        .get("/leverantorer/rapporter?dagar=99", Some(&finance))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#dagar\""), "{}", bad.body);
    let en = app
        .get("/leverantorer/rapporter", Some(&english(&finance)))
        .await;
    assert!(en.body.contains("Days to pay"), "{}", en.body);
}

#[tokio::test]
async fn finance_uploads_e_invoices_and_a_stopped_one_has_a_draft_reply_naming_its_rules() {
    let Some(app) = TestApp::demo(Backend::Sqlite).await else {
        return;
    };
    let finance = app.login_demo("ekonomi").await;
    // The demo's month of e-invoices left three in the inbox, with real rule ids.
    let inbox = app.get("/leverantorer/inkorg", Some(&finance)).await;
    for rule in [
        "BR-CO-15",
        "PEPPOL-EN16931-R003",
        "finns inte i leverantörsregistret",
    ] {
        assert!(inbox.body.contains(rule), "{rule}: {}", inbox.body);
    }
    let supplier = app
        .services
        .suppliers()
        .list(&services::Actor::system())
        .await
        .unwrap()
        .remove(0);
    let org = supplier.org_number.normalised();
    let lines = [test_support::peppol::GenLine {
        name: "Grävning",
        quantity: "1",
        price: "2000.00",
        net: "2000.00",
    }];
    let bad =
        test_support::peppol::invoice_from(&org, "F-91", &lines, "2000.00", "500.00", "2600.00");
    let taken = app
        .upload("/leverantorer/inkorg", &finance, "file", "f91.xml", &bad)
        .await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(taken.body.contains("0 av 1 filer"), "{}", taken.body);
    assert!(taken.body.contains("Utkast till svar till leverantören"));
    assert!(
        taken.body.contains("F-91 (filen f91.xml)") && taken.body.contains("BR-CO-15:"),
        "{}",
        taken.body
    );
    let good =
        test_support::peppol::invoice_from(&org, "F-92", &lines, "2000.00", "500.00", "2500.00");
    let ok = app
        .upload("/leverantorer/inkorg", &finance, "file", "f92.xml", &good)
        .await;
    assert!(ok.body.contains("1 av 1 filer"), "{}", ok.body);
    // Planners read the inbox but do not upload.
    let planner = app.login_demo("planerare").await;
    let read = app.get("/leverantorer/inkorg", Some(&planner)).await;
    assert!(!read.body.contains("Ta emot e-fakturor"));
    assert_eq!(
        app.upload("/leverantorer/inkorg", &planner, "file", "x.xml", &good)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

//! `beredskap pay proposal` and `beredskap import bank` as finance runs them: the proposal's
//! pain.001 files written whole (one per debtor account, valid against the ISO schema), its JSON
//! line, and the bank's status report taken in once.

use std::sync::Arc;

use domain::role::Role;
use services::suppliers::{
    DebtorAccountSetting, InvoiceInput, PayeeKind, PaymentSettings, SupplierInput,
};
use services::{Actor, Services};
use store::{ConnectOptions, Store};

use super::{bin, run, stderr, temp};

fn person(role: Role, name: &str) -> Actor {
    Actor {
        role: Some(role),
        name: name.into(),
        ..Actor::system()
    }
}

/// Two suppliers (bankgiro and IBAN) with an approved invoice each, due today.
async fn approved_invoices(url: &str) {
    let store = Store::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    let s = Services::new(
        store,
        Arc::new(services::SystemClock),
        test_support::test_settings(false),
    );
    let h = s.suppliers();
    let frida = person(Role::Finance, "Frida Finans");
    let pia = person(Role::Planner, "Pia Planerare");
    h.save_payment_settings(
        &frida,
        &PaymentSettings {
            payer_name: "Karlskoga Energi & Miljö AB".into(),
            payer_org_number: "556036-0793".into(),
            accounts: vec![
                DebtorAccountSetting {
                    name: "bg".into(),
                    bankgiro: "991-2346".into(),
                    pays: vec![PayeeKind::Bankgiro, PayeeKind::Plusgiro],
                    ..Default::default()
                },
                DebtorAccountSetting {
                    name: "bank".into(),
                    iban: "SE45 5000 0000 0583 9825 7466".into(),
                    bic: "ESSESESS".into(),
                    pays: vec![PayeeKind::Iban],
                    ..Default::default()
                },
            ],
            limits: Default::default(),
        },
    )
    .await
    .unwrap();
    let received = s.today().checked_sub(jiff::Span::new().days(30)).unwrap();
    let suppliers = [
        ("556036-0793", "5050-1055", "", ""),
        (
            "5565475489",
            "",
            "SE45 5000 0000 0583 9825 7466",
            "ESSESESS",
        ),
    ];
    for (i, (org, bankgiro, iban, bic)) in suppliers.into_iter().enumerate() {
        let id = h
            .save(
                &frida,
                None,
                &SupplierInput {
                    org_number: org.into(),
                    name: format!("Leverantör {i} AB"),
                    f_skatt: true,
                    bankgiro: bankgiro.into(),
                    iban: iban.into(),
                    bic: bic.into(),
                    municipality: "Karlskoga".into(),
                    size: "small".into(),
                    terms_days: "30".into(),
                    trades: vec!["excavation".into()],
                    active: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let invoice = h
            .record_invoice(
                &frida,
                &InvoiceInput {
                    supplier_id: Some(id),
                    number: format!("F-{i}"),
                    issue_date: received.to_string(),
                    received_on: received.to_string(),
                    amount: "1 000,00".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        h.attest(&pia, invoice).await.unwrap();
        h.approve(&frida, invoice).await.unwrap();
    }
    s.store().close().await;
}

#[test]
fn a_proposal_writes_one_valid_pain001_per_account_and_the_bank_answer_is_taken_once() {
    let d = temp("pay");
    let url = format!("sqlite://{}", d.join("pay.sqlite").display());
    assert!(
        run(bin().args(["migrate", "--database-url", &url]), &d)
            .status
            .success()
    );
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(approved_invoices(&url));
    let today =
        domain::time::civil_date(jiff::Timestamp::now(), &domain::time::stockholm()).to_string();
    // A day that cannot be read: exit 2.
    let o = run(
        bin().args([
            "pay",
            "proposal",
            "--date",
            "30/11",
            "--out",
            "pay.xml",
            "--database-url",
            &url,
        ]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(
        bin().args([
            "pay",
            "proposal",
            "--date",
            &today,
            "--out",
            "pay.xml",
            "--json",
            "--database-url",
            &url,
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = line["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{line}");
    assert_eq!(files[0]["account"], "bank");
    assert_eq!(files[0]["payments"], 1);
    assert_eq!(files[0]["sum_ore"], 100_000);
    assert!(files[0]["path"].as_str().unwrap().ends_with("pay-bank.xml"));
    assert!(files[1]["path"].as_str().unwrap().ends_with("pay-bg.xml"));
    for name in ["pay-bank.xml", "pay-bg.xml"] {
        let body = std::fs::read_to_string(d.join(name)).unwrap();
        assert!(
            body.contains("<NbOfTxs>1</NbOfTxs>") && body.contains("<CtrlSum>1000.00</CtrlSum>")
        );
        assert_valid(&d.join(name), "pain.001.001.09");
    }
    assert!(!d.join("pay.xml").exists() && !d.join("pay-bg.xml.partial").exists());
    // Nothing left to pay: the refusal says so, in one line.
    let o = run(
        bin().args([
            "pay",
            "proposal",
            "--date",
            &today,
            "--out",
            "again.xml",
            "--database-url",
            &url,
        ]),
        &d,
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Nothing falls due"), "{}", stderr(&o));
    assert!(!d.join("again.xml").exists());

    // The bank's status report for the bankgiro file, twice: taken in once.
    let message_id = files[1]["message_id"].as_str().unwrap();
    let report = test_support::bank::status_report("STS-1", message_id, &[]);
    std::fs::write(d.join("status.xml"), report).unwrap();
    let args = [
        "import",
        "bank",
        "status.xml",
        "--json",
        "--database-url",
        &url,
    ];
    let o = run(bin().args(args), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let first: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(first["kind"], "pain.002");
    assert_eq!(first["already"], false);
    let o = run(bin().args(args), &d);
    let second: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(second["already"], true);
    // A file that is neither: exit 1 and the reason.
    std::fs::write(d.join("other.xml"), "<x/>").unwrap();
    let o = run(
        bin().args(["import", "bank", "other.xml", "--database-url", &url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("other.xml"), "{}", stderr(&o));
}

/// Validates with xmllint against the shared ISO schema (skipped, loudly, without them).
fn assert_valid(file: &std::path::Path, schema: &str) {
    let Some(iso) = test_support::shared_data("formats/iso20022") else {
        return;
    };
    let xsd = iso.join("xsd").join(format!("{schema}.xsd"));
    let out = match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            assert!(!test_support::in_ci(), "xmllint is required in CI");
            test_support::skip("xmllint (libxml2-utils)");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

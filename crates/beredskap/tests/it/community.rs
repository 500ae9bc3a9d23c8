//! `beredskap community run` and `beredskap community orders` as a continuity manager (or cron)
//! runs them: the day's upgrades started once, and the order file written whole in JSON or CSV.

use std::sync::Arc;

use domain::community::CommunityPolicy;
use domain::community::upgrades::Via;
use domain::policy::PolicyBody;
use services::community::UpgradeInput;
use services::{Actor, Services};
use store::backend::testing::execute;
use store::{ConnectOptions, Store};

use super::{bin, run, stderr, temp};

/// A business with broadband at 100 Mbit/s and a free upgrade to 1 000 from today.
async fn one_upgrade(url: &str) {
    let store = Store::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    execute(
        &store,
        "INSERT INTO customers (customer_number, kind, name, identity_number, language, \
         preferred_channel, street, postal_code, city, search_text, created_at, email) \
         VALUES ('7000001', 'business', 'Verkstad AB', '556036-0793', 'sv', 'email', \
         'Storgatan 1', '691 31', 'Karlskoga', 'verkstad', 0, 'v@example.se')",
    )
    .await;
    execute(
        &store,
        "INSERT INTO subscriptions (customer_id, service, started_on, speed_mbit) \
         SELECT id, 'broadband', '2020-01-01', 100 FROM customers",
    )
    .await;
    let s = Services::new(
        store,
        Arc::new(services::SystemClock),
        test_support::test_settings(false),
    );
    s.policies()
        .change(
            &Actor::system(),
            &PolicyBody::Community(CommunityPolicy::preset(true)),
            s.now(),
            None,
            "test",
        )
        .await
        .unwrap();
    let today = s.today();
    let tomorrow = today.saturating_add(jiff::Span::new().days(1));
    s.community()
        .request_upgrade(
            &Actor::system(),
            Via::Api,
            &UpgradeInput {
                customer_number: "7000001".into(),
                speed_mbit: "1000".into(),
                from: tomorrow.to_string(),
                to: tomorrow
                    .saturating_add(jiff::Span::new().days(30))
                    .to_string(),
            },
        )
        .await
        .unwrap();
    s.store().close().await;
}

#[test]
fn the_day_run_starts_an_upgrade_once_and_its_order_file_is_written_whole() {
    let d = temp("community");
    let url = format!("sqlite://{}", d.join("c.sqlite").display());
    assert!(
        run(bin().args(["migrate", "--database-url", &url]), &d)
            .status
            .success()
    );
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(one_upgrade(&url));
    let tomorrow = domain::time::civil_date(jiff::Timestamp::now(), &domain::time::stockholm())
        .saturating_add(jiff::Span::new().days(1))
        .to_string();
    let o = run(
        bin().args(["community", "run", "--date", "1/12", "--database-url", &url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let line = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    let o = run(
        bin().args([
            "community",
            "run",
            "--date",
            &tomorrow,
            "--json",
            "--database-url",
            &url,
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(line(&o).trim()).unwrap();
    assert_eq!(
        (v["started"].as_u64(), v["orders"].as_u64()),
        (Some(1), Some(1))
    );
    let again = run(
        bin().args([
            "community",
            "run",
            "--date",
            &tomorrow,
            "--json",
            "--database-url",
            &url,
        ]),
        &d,
    );
    let v: serde_json::Value = serde_json::from_str(line(&again).trim()).unwrap();
    assert_eq!(v["started"].as_u64(), Some(0), "once");
    for (format, file) in [("json", "orders.json"), ("csv", "orders.csv")] {
        let o = run(
            bin().args([
                "community",
                "orders",
                "--date",
                &tomorrow,
                "--format",
                format,
                "--out",
                file,
                "--database-url",
                &url,
            ]),
            &d,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let body = std::fs::read_to_string(d.join(file)).unwrap();
        assert!(
            body.contains("7000001") && body.contains("upgrade"),
            "{body}"
        );
        assert!(!d.join("orders.partial").exists());
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("orders.json")).unwrap()).unwrap();
    assert_eq!(json[0]["speed_mbit"], 1000);
    assert_eq!(json[0]["effective_on"], tomorrow);
    let o = run(
        bin().args([
            "community",
            "orders",
            "--date",
            &tomorrow,
            "--format",
            "xml",
            "--out",
            "x",
            "--database-url",
            &url,
        ]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
}

//! Crash safety, short: `beredskap bench crash` kills one server with SIGKILL at random points
//! under bookings, case replies, BgMax uploads and a crisis activation, on each database; every acknowledged write
//! survives, nothing is written twice or by half, and SQLite's file stays sound. The full run
//! (30 rounds per database) is a benchmark (docs/benchmarks.md).

use test_support::Backend;

use super::{bin, run, stderr, temp};

async fn rounds(backend: Backend) {
    let db = match backend {
        Backend::Postgres => match test_support::test_db(Backend::Postgres).await {
            Some(db) => Some(db),
            None => return,
        },
        Backend::Sqlite => None,
    };
    let d = temp(&format!("crash-{backend:?}"));
    let mut args: Vec<String> = ["bench", "crash", "--rounds", "5", "--max-ms", "1500"]
        .map(str::to_owned)
        .to_vec();
    if let Some(db) = &db {
        args.extend(["--database-url".to_owned(), db.url.clone()]);
    }
    let o = tokio::task::spawn_blocking(move || run(bin().args(&args), &d))
        .await
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{backend:?}: {out}\n{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(r["found"]["violations"], 0, "{r}");
    assert_eq!(r["integrity_problems"], serde_json::json!([]), "{r}");
    // The crisis activation carried on across the kills finishes with every step done.
    assert_eq!(r["found"]["activation_active"], true, "{r}");
    assert!(r["found"]["activation_steps"].as_u64().unwrap() > 0, "{r}");
    for kind in ["bookings", "case_replies", "bgmax_files"] {
        assert!(
            r["acknowledged"][kind].as_u64().unwrap() > 0,
            "no {kind}: {r}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_at_random_points_loses_no_acknowledged_write_on_sqlite() {
    rounds(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_at_random_points_loses_no_acknowledged_write_on_postgres() {
    rounds(Backend::Postgres).await;
}

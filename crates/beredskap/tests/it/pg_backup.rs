//! The PostgreSQL backup path as README's "Backups" gives it: `pg_dump --format=custom` while
//! the database is written, `pg_restore` into a new database, `beredskap migrate --check`, and a
//! server on the restored copy. Every write acknowledged before the dump began is in it.

use test_support::Backend;

use super::restore::{WriteLoad, ready};
use super::{bin, run, serve_on_free_port, stderr, temp};

/// Whether PostgreSQL's client tools are here.
fn client_tools() -> bool {
    ["pg_dump", "pg_restore"].iter().all(|t| {
        std::process::Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_under_write_load_restores_into_a_new_database_and_serves() {
    let Some(live_db) = test_support::test_db(Backend::Postgres).await else {
        return;
    };
    if !client_tools() {
        test_support::skip("pg_dump and pg_restore (PostgreSQL's client tools)");
        return;
    }
    let d = temp("pg-backup");
    let o = run(bin().args(["migrate", "--database-url", &live_db.url]), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let live = store::Store::connect(&live_db.url, &store::ConnectOptions::default())
        .await
        .unwrap();
    let load = WriteLoad::start(&live, 200).await;
    let before = load.acked();
    let (dir, url) = (d.clone(), live_db.url.clone());
    let o = tokio::task::spawn_blocking(move || {
        let file = dir.join("beredskap.dump");
        std::process::Command::new("pg_dump")
            .args(["--format=custom", "--file"])
            .arg(&file)
            .arg(&url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(o.status.success(), "pg_dump: {}", stderr(&o));
    let after = load.stop().await;
    live.close().await;

    // Into a new, empty database, as the README says; then checked and served.
    let target = test_support::test_db(Backend::Postgres).await.unwrap();
    let o = std::process::Command::new("pg_restore")
        .args(["--exit-on-error", "--no-owner", "--dbname", &target.url])
        .arg(d.join("beredskap.dump"))
        .output()
        .unwrap();
    assert!(o.status.success(), "pg_restore: {}", stderr(&o));
    let o = run(
        bin().args(["migrate", "--check", "--database-url", &target.url]),
        &d,
    );
    assert!(o.status.success(), "migrate --check: {}", stderr(&o));
    let restored = store::Store::connect(&target.url, &store::ConnectOptions::default())
        .await
        .unwrap();
    let keys: std::collections::HashSet<String> = store::outbox::list(&restored, 1_000_000, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect();
    for i in &before {
        assert!(
            keys.contains(&format!("w:{i}")),
            "write {i}, acknowledged before the dump, is missing"
        );
    }
    assert!(keys.len() <= after);
    restored.close().await;
    let (mut server, port) = serve_on_free_port(&d, &target.url, &[], std::process::Stdio::null());
    let up = ready(port).await;
    let _ = server.kill();
    let _ = server.wait();
    assert!(up, "the server answers ready on the restored database");
}

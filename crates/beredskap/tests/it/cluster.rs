//! Three servers on one PostgreSQL database behind HAProxy (Debian's package, started here on
//! loopback) under bookings, chat and a planning run, while one server at a time is killed
//! with SIGKILL or restarted with SIGTERM in turn, then all stopped with SIGTERM: `beredskap bench cluster`
//! drives it and checks the database; this test asks for a short run and checks again.

use test_support::Backend;

use super::{bin, run, stderr, temp};

fn haproxy() -> bool {
    std::process::Command::new("haproxy")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_behind_haproxy_lose_nothing_when_one_is_killed() {
    let Some(db) = test_support::test_db(Backend::Postgres).await else {
        return;
    };
    if !haproxy() {
        test_support::skip("HAProxy (Debian's haproxy package)");
        return;
    }
    let d = temp("cluster");
    let (dir, url) = (d.clone(), db.url.clone());
    let o = tokio::task::spawn_blocking(move || {
        run(
            bin().args([
                "bench",
                "cluster",
                "--database-url",
                &url,
                "--servers",
                "3",
                "--seconds",
                "16",
                "--kill-every",
                "7",
                "--concurrency",
                "4",
                "--chats",
                "3",
                "--slots",
                "12",
                "--plan-seconds",
                "4",
                "--graceful-restarts",
            ]),
            &dir,
        )
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let found = &r["found"];
    for k in [
        "lost_bookings",
        "doubled_bookings",
        "buckets_over_cap",
        "buckets_out_of_step",
        "lost_chat_messages",
        "doubled_chat_messages",
        "jobs_left_claimed",
        "jobs_failed",
        "violations",
    ] {
        assert_eq!(found[k], 0, "{k}: {r}");
    }
    assert_eq!(found["plan_run_ok"], true, "{r}");
    // The first kill took the planning server down; another server took the run over.
    let kills = r["kills"].as_array().unwrap();
    assert!(kills.len() >= 2, "{r}");
    assert_eq!(kills[0]["planning"], true, "{r}");
    assert!(r["plan_run_finished_at_s"].as_f64().unwrap() > kills[0]["at_s"].as_f64().unwrap());
    // The second was a graceful restart: SIGTERM, and the server exited cleanly.
    assert_eq!(kills[1]["signal"], "TERM", "{r}");
    assert_eq!(kills[1]["clean_exit"], true, "{r}");
    // Bookings met the cap (refusals) and were acknowledged across the kills; a client's
    // errors during a kill are at most its requests in flight, and none was given up.
    let b = &r["bookings"];
    assert!(
        b["acknowledged"].as_u64().unwrap() > 0 && b["full_409"].as_u64().unwrap() > 0,
        "{r}"
    );
    assert_eq!(b["given_up"], 0, "{r}");
    // HAProxy sends an API request whose server died unanswered to another server (the
    // idempotency key makes a second delivery harmless), so the errors clients see during a
    // stop are at most the API requests HAProxy had in flight on that server.
    for e in b["attempt_errors_per_kill"].as_array().unwrap() {
        assert_eq!(e["within_in_flight"], true, "{r}");
    }
    // Chat went on, and at SIGTERM every open socket was told to reconnect (1012).
    let c = &r["chat"];
    assert!(c["acknowledged"].as_u64().unwrap() > 0, "{r}");
    assert!(c["restart_hints"].as_u64().unwrap() >= 3, "{r}");
    assert_eq!(r["clean_sigterm_stops"], 3, "{r}");

    // Checked again here: no bucket of any site is over the cap of six.
    let store = store::Store::connect(&db.url, &store::ConnectOptions::default())
        .await
        .unwrap();
    for site in store::visits::sites(&store).await.unwrap() {
        for (_, present, _) in store::visits::load(&store, site.id, 0, i64::MAX)
            .await
            .unwrap()
        {
            assert!(present <= 6, "{} has {present} present", site.name);
        }
    }
    store.close().await;
}

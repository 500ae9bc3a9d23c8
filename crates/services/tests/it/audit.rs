//! The audit chain under concurrent appends, on both backends: every entry lands, each with its
//! own sequence number, and the chain verifies; entries removed from its end are found.

use std::sync::Arc;

use services::audit::{Event, Outcome};
use services::{Actor, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_appends_make_one_chain() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let before = count(&s).await;
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    let actor = Actor {
                        name: format!("writer {i}"),
                        ..Actor::system()
                    };
                    services::audit::record_alone(
                        &s,
                        &actor,
                        &Event {
                            action: "concurrency_probe",
                            object_kind: "test",
                            object_id: &i.to_string(),
                            outcome: Outcome::Success,
                            detail: "",
                        },
                    )
                    .await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(
            count(&s).await,
            before + 200,
            "{backend:?}: every append landed"
        );
        let seqs = store::backend::testing::query_strings(
            s.store(),
            "SELECT CAST(COUNT(DISTINCT seq) AS TEXT) || ',' || CAST(MIN(seq) AS TEXT) || ',' || \
             CAST(MAX(seq) AS TEXT) FROM audit_log",
        )
        .await;
        assert_eq!(
            seqs[0],
            format!("{},1,{}", before + 200, before + 200),
            "{backend:?}: one sequence, no gaps, no repeats"
        );
        assert_eq!(
            services::audit::verify_chain(&s).await.unwrap(),
            None,
            "{backend:?}: the chain broke under concurrent appends"
        );
    }
}

async fn count(s: &Services) -> i64 {
    store::backend::testing::query_strings(
        s.store(),
        "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
    )
    .await[0]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn deleting_the_newest_entries_breaks_the_chain_at_the_first_missing() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        for i in 0..6 {
            services::audit::record_alone(
                &s,
                &Actor::system(),
                &Event {
                    action: "probe",
                    object_kind: "test",
                    object_id: &i.to_string(),
                    outcome: Outcome::Success,
                    detail: "",
                },
            )
            .await
            .unwrap();
        }
        let last = count(&s).await;
        assert_eq!(services::audit::verify_chain(&s).await.unwrap(), None);
        // Someone with the database removes the last two entries: the chain no longer reaches
        // the head, and the break is at the first one missing.
        store::backend::testing::execute(
            s.store(),
            &format!("DELETE FROM audit_log WHERE seq > {}", last - 2),
        )
        .await;
        assert_eq!(
            services::audit::verify_chain(&s).await.unwrap(),
            Some(last - 1),
            "{backend:?}"
        );
        // And every entry removed: the chain breaks at the first.
        store::backend::testing::execute(s.store(), "DELETE FROM audit_log").await;
        assert_eq!(
            services::audit::verify_chain_in_batches(&s, 2)
                .await
                .unwrap(),
            Some(1),
            "{backend:?}"
        );
    }
}

//! The campaign's plan version: a booking commits only against the version its offers came
//! from, so two bookings computed from the same plan cannot both land.

use test_support::{BACKENDS, test_store};

#[tokio::test]
async fn a_stale_plan_version_loses_and_concurrent_bumps_serialise() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let id = store::campaign::insert_campaign(
            &mut tx,
            "Mätarbyte",
            jiff::civil::date(2026, 12, 1),
            0,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let v = store::campaign::open_campaign(&store)
            .await
            .unwrap()
            .unwrap()
            .plan_version;

        // Two bookers read version v; both try to commit against it, at the same time.
        let mut handles = Vec::new();
        for _ in 0..2 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                let n = store::campaign::bump_plan_version(&mut tx, id, Some(v))
                    .await
                    .unwrap();
                // Hold the transaction a moment, so that the other one really overlaps.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                tx.commit().await.unwrap();
                n
            }));
        }
        let mut won = Vec::new();
        for h in handles {
            won.push(h.await.unwrap());
        }
        won.sort_unstable();
        assert_eq!(won, vec![0, 1], "{backend:?}: exactly one booking lands");

        // Storing a plan moves the version on too, so offers computed before it are stale.
        let mut tx = store.begin().await.unwrap();
        store::campaign::store_plan(&mut tx, id, &[], 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let now = store::campaign::open_campaign(&store)
            .await
            .unwrap()
            .unwrap()
            .plan_version;
        assert_eq!(now, v + 2, "{backend:?}");
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            store::campaign::bump_plan_version(&mut tx, id, Some(v + 1))
                .await
                .unwrap(),
            0
        );
    }
}

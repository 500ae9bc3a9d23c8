//! The campaign's plan version: a booking commits only against the version its offers came
//! from, so two bookings computed from the same plan cannot both land. Planning runs from the
//! page: one at a time, whichever server is asked.

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

#[tokio::test]
async fn one_planning_run_at_a_time_even_asked_of_four_servers_at_once() {
    use store::campaign::runs::{self, NewRun, RunReport};
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let campaign = store::campaign::insert_campaign(
            &mut tx,
            "Mätarbyte",
            jiff::civil::date(2026, 12, 1),
            0,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let start = |store: store::Store, now: i64| async move {
            let mut tx = store.begin().await.unwrap();
            let r = runs::insert(
                &mut tx,
                &NewRun {
                    campaign_id: campaign,
                    started_by: "planerare",
                    started_by_role: domain::role::Role::Planner,
                    started_by_user: None,
                    weeks: 2,
                    budget_ms: 10_000,
                    classified: None,
                    now,
                },
            )
            .await;
            match r {
                Ok(id) => {
                    tx.commit().await.unwrap();
                    Some(id)
                }
                Err(e) => {
                    assert!(runs::is_running_conflict(&e), "{e}");
                    None
                }
            }
        };
        let mut handles = Vec::new();
        for _ in 0..4 {
            handles.push(tokio::spawn(start(store.clone(), 1_000)));
        }
        let mut started = Vec::new();
        for h in handles {
            started.extend(h.await.unwrap());
        }
        assert_eq!(started.len(), 1, "{backend:?}: two runs at once");
        let id = started[0];
        assert_eq!(runs::running(&store).await.unwrap(), 1);
        // Progress moves an unfinished run only; the outcome is written once.
        assert!(runs::progress(&store, id, 40, 4_000, 2_000).await.unwrap());
        let row = runs::latest(&store).await.unwrap().unwrap();
        assert_eq!(
            (row.percent, row.elapsed_ms, row.beat_at),
            (40, 4_000, 2_000)
        );
        let report = RunReport {
            considered: 10,
            assigned: 9,
            unassigned: 1,
            crew_days: 2,
            travel_m: 12_345,
            seconds_ms: 10_000,
        };
        let mut tx = store.begin().await.unwrap();
        assert!(runs::finish(&mut tx, id, Ok(report), 3_000).await.unwrap());
        assert!(
            !runs::finish(
                &mut tx,
                id,
                Err(domain::campaign::PlanFailure::Stopped),
                3_000
            )
            .await
            .unwrap()
        );
        tx.commit().await.unwrap();
        assert!(!runs::progress(&store, id, 50, 5_000, 4_000).await.unwrap());
        let row = runs::get(&store, id).await.unwrap().unwrap();
        assert_eq!(row.outcome, Some(Ok(report)), "{backend:?}");
        assert_eq!((row.percent, row.finished_at), (100, Some(3_000)));
        // Finished, it no longer blocks the next; a silent one is given up.
        let next = start(store.clone(), 5_000).await.expect("the next run");
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            runs::give_up_silent(&mut tx, campaign, 5_000, 9_000)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            runs::give_up_silent(&mut tx, campaign, 5_001, 9_000)
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
        let row = runs::get(&store, next).await.unwrap().unwrap();
        assert_eq!(
            row.outcome,
            Some(Err(domain::campaign::PlanFailure::Stopped))
        );
        assert_eq!(runs::running(&store).await.unwrap(), 0);
    }
}

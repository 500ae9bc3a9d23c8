//! Crash safety of an activation, as operations would meet it: the worker (`beredskap jobs run`)
//! is killed with SIGKILL at a random point of an approved activation of the pandemic mode on
//! the small demo town, started again three minutes later, and must finish with the state an
//! uninterrupted run leaves and without telling any customer twice. Twenty rounds on each
//! database. The town's campaign is planned and its households told their days first, so the
//! mode postpones visits and those households are told.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use domain::campaign::JobStatus;
use domain::policy::Preset;
use domain::role::Role;
use jiff::SignedDuration;
use rand::Rng;
use services::campaign::{CrewForm, PlanBudget};
use services::demo::{DemoSize, Quiet};
use services::modes::NewMode;
use services::{Actor, Services};
use store::{ConnectOptions, Store};
use test_support::{BACKENDS, Backend, TestDb, copy_db, test_now, test_settings, test_store};

use super::bin;

const ROUNDS: usize = 20;

/// When the activation starts (the tests' fixed Monday morning), and when the worker comes
/// back after being killed: later than a dead worker's heartbeat can be trusted.
const START: &str = "2026-11-23T09:00:00Z";
const RESTART: &str = "2026-11-23T09:03:00Z";

/// The small town with the pandemic mode approved by a second person, its start come.
async fn approved_activation(backend: Backend) -> Option<TestDb> {
    let (store, db) = test_store(backend).await?;
    let clock = std::sync::Arc::new(services::FixedClock::new(test_now()));
    let s = Services::new(store, clock, test_settings(true));
    s.generate_demo(DemoSize::Small, 42, &Quiet).await.unwrap();
    notified_campaign(&s).await;
    let mut managers = Vec::new();
    for name in ["anna.beredskap", "bo.beredskap"] {
        let id = s
            .accounts()
            .create_user(
                name,
                name,
                Role::ContinuityManager,
                None,
                "lösenord-lång-nog-1",
                false,
            )
            .await
            .unwrap();
        managers.push(Actor {
            user_id: Some(id),
            name: name.into(),
            role: Some(Role::ContinuityManager),
            customer_id: None,
            address: "test".into(),
        });
    }
    let crisis = s.crisis();
    let mode = crisis
        .create(
            &managers[0],
            "Pandemi",
            "",
            NewMode::Preset(Preset::Pandemic),
        )
        .await
        .unwrap();
    let from = s.now();
    let to = from.checked_add(SignedDuration::from_hours(24 * 60)).ok();
    let id = crisis
        .propose(&managers[0], mode, None, from, to, "Smittspridning i länet")
        .await
        .unwrap();
    crisis.approve(&managers[1], id).await.unwrap();
    s.store().close().await;
    Some(db)
}

/// The meter-exchange campaign open, planned for two crews and every planned household told
/// its day, so the pandemic mode postpones some of them and they are told.
async fn notified_campaign(s: &Services) {
    let planner = Actor {
        role: Some(Role::Planner),
        name: "planerare".into(),
        ..Actor::system()
    };
    let c = s.campaign();
    let campaign = c.open(&planner, "Mätarbyte", s.today()).await.unwrap().0;
    for (name, skills) in [("Lag 1", vec!["ct".to_owned()]), ("Lag 2", vec![])] {
        let form = CrewForm {
            name: name.into(),
            supplier_id: None,
            skills,
            depot: Some((59_326_000, 14_523_000)),
            shift_start_min: 7 * 60,
            shift_end_min: 16 * 60,
        };
        c.add_crew(&planner, &form).await.unwrap();
    }
    c.plan(&planner, 2, PlanBudget::Iterations(1_500), 1)
        .await
        .unwrap();
    let planned: Vec<_> = store::campaign::jobs(s.store(), campaign)
        .await
        .unwrap()
        .iter()
        .filter(|j| j.status == JobStatus::Planned)
        .map(|j| j.id)
        .collect();
    let mut tx = s.store().begin().await.unwrap();
    store::campaign::mark_notified(&mut tx, &planned, s.now_micros())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// `beredskap jobs run` on a database at a given time, with one-second re-plans.
fn jobs_run(url: &str, now: &str) -> std::process::Command {
    let mut c = bin();
    c.args(["jobs", "run", "--now", now, "--database-url", url])
        .env("BEREDSKAP_WORKER__PLAN_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_to_end(url: &str, now: &str) {
    let o = jobs_run(url, now).output().unwrap();
    assert!(
        o.status.success(),
        "jobs run: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

async fn fingerprint(url: &str) -> Vec<String> {
    let store = Store::connect(url, &ConnectOptions::default())
        .await
        .unwrap();
    let lines = store::testing::crisis_fingerprint(&store).await.unwrap();
    store.close().await;
    lines
}

/// Messages about changes per customer.
fn messages_per_customer(lines: &[String]) -> BTreeMap<String, usize> {
    let mut per = BTreeMap::new();
    for l in lines.iter().filter(|l| l.starts_with("message ")) {
        let customer = l.split(',').next().unwrap_or_default().to_owned();
        *per.entry(customer).or_default() += 1;
    }
    per
}

fn assert_same(expected: &[String], got: &[String], what: &str) {
    if expected == got {
        return;
    }
    let missing: Vec<_> = expected
        .iter()
        .filter(|l| !got.contains(l))
        .take(5)
        .collect();
    let extra: Vec<_> = got
        .iter()
        .filter(|l| !expected.contains(l))
        .take(5)
        .collect();
    panic!(
        "{what}: the end state differs from an uninterrupted run ({} lines against {})\n\
         missing: {missing:#?}\nextra: {extra:#?}",
        got.len(),
        expected.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activation_killed_at_random_points_finishes_as_if_it_never_was() {
    let mut rng = rand::rng();
    for backend in BACKENDS {
        let Some(base) = approved_activation(backend).await else {
            continue;
        };
        let before = fingerprint(&base.url).await;
        // The uninterrupted run (and the same later start that every killed round gets).
        let reference = copy_db(&base).await;
        let started = Instant::now();
        run_to_end(&reference.url, START);
        let took = started.elapsed();
        run_to_end(&reference.url, RESTART);
        let expected = fingerprint(&reference.url).await;
        assert!(
            expected
                .iter()
                .any(|l| l.starts_with("activation ") && l.ends_with(" active")),
            "{backend:?}: the reference run did not activate: {:?}",
            expected
                .iter()
                .filter(|l| l.starts_with("activation "))
                .collect::<Vec<_>>()
        );
        let told = messages_per_customer(&expected);
        assert!(!told.is_empty(), "{backend:?}: the activation told nobody");
        assert!(
            told.values().all(|&n| n == 1),
            "{backend:?}: a customer was told twice in the uninterrupted run"
        );
        let mut mid_way = 0;
        for round in 1..=ROUNDS {
            let db = copy_db(&base).await;
            let mut child = jobs_run(&db.url, START).spawn().unwrap();
            let ms = took.as_millis().max(20) as u64;
            tokio::time::sleep(Duration::from_millis(rng.random_range(ms / 10..ms))).await;
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap(); // SIGKILL
            }
            child.wait().unwrap();
            let killed = fingerprint(&db.url).await;
            if killed != before && killed != expected {
                mid_way += 1;
            }
            run_to_end(&db.url, RESTART);
            let got = fingerprint(&db.url).await;
            assert_same(&expected, &got, &format!("{backend:?} round {round}"));
            assert!(
                messages_per_customer(&got).values().all(|&n| n == 1),
                "{backend:?} round {round}: a customer was told twice"
            );
        }
        eprintln!(
            "{backend:?}: {ROUNDS} rounds, {mid_way} killed half way (an uninterrupted run takes {took:?})"
        );
        assert!(
            mid_way >= ROUNDS / 4,
            "{backend:?}: only {mid_way} of {ROUNDS} kills fell inside the activation"
        );
    }
}

#[test]
fn the_crisis_bench_runs_on_the_small_town() {
    let d = super::temp("bench-crisis");
    let o = super::run(
        bin().args([
            "bench",
            "crisis",
            "--size",
            "small",
            "--runs",
            "1",
            "--plan-seconds",
            "1",
            "--visit-days",
            "2",
            "--dir",
            ".",
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", super::stderr(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        out["activation"]["approval_to_active_s"].is_number(),
        "{out}"
    );
    assert!(
        out["preview"]["customers_to_notify"].as_u64() > Some(0),
        "{out}"
    );
    assert_eq!(
        out["preview"]["effects"], out["activation"]["steps"],
        "the activation did what the preview said"
    );
}

//! `beredskap bench community`: the daily run of free broadband upgrades for many business
//! subscriptions on a fresh SQLite database (issue 17's figure: 5 000 started, then 5 000
//! reverted, each ≤ 5 s), and a run cut off half way and run again, which must end with every
//! provisioning order, message and ledger entry written exactly once.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use domain::community::upgrades::Via;
use domain::customer::{Channel, CustomerKind, Language};
use domain::ids::{CustomerId, SubscriptionId};
use domain::money::Money;
use jiff::ToSpan;
use services::{Actor, FixedClock, Services};
use store::community::upgrades::NewUpgrade;
use store::{ConnectOptions, Store};

use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchCommunityArgs {
    /// Business customers with broadband, each with an upgrade starting on the same day.
    #[arg(long, default_value_t = 5000)]
    pub upgrades: usize,
    /// Where the database goes (default: a folder in the temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

/// `n` business customers with broadband at 100 Mbit/s and an upgrade to 1 000 Mbit/s each from
/// `from` for 30 days.
async fn prepare(store: &Store, n: usize, from: jiff::civil::Date) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let rows: Vec<store::customers::NewCustomer> = (0..n)
        .map(|i| store::customers::NewCustomer {
            customer_number: format!("{}", 8_000_000 + i),
            kind: CustomerKind::Business,
            name: format!("Bänkföretag {i} AB"),
            identity_number: "556036-0793".into(),
            email: Some(format!("f{i}@example.se")),
            phone: None,
            language: Language::Sv,
            preferred_channel: Channel::Email,
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("bänkföretag {i}"),
            created_at: 0,
        })
        .collect();
    store::customers::insert_customers(&mut tx, &rows).await?;
    let subs: Vec<store::customers::NewSubscription> = rows
        .iter()
        .map(|r| store::customers::NewSubscription {
            customer_number: r.customer_number.clone(),
            anlaggnings_id: None,
            service: domain::meter::UtilityService::Broadband,
            started_on: jiff::civil::date(2020, 1, 1),
        })
        .collect();
    for part in subs.chunks(500) {
        store::customers::insert_subscriptions(&mut tx, part).await?;
    }
    store::community::upgrades::set_unrecorded_speeds(&mut tx, 100).await?;
    tx.commit().await?;
    let ids = store::community::upgrades::businesses_with_broadband(store).await?;
    let mut tx = store.begin().await?;
    for c in ids {
        let sub = store::community::upgrades::connection_of(store, c)
            .await?
            .and_then(|c| c.subscription_id)
            .ok_or_else(|| anyhow::anyhow!("customer {c} has no broadband"))?;
        upgrade(&mut tx, c, sub, from).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn upgrade(
    tx: &mut store::Tx,
    customer: CustomerId,
    subscription: SubscriptionId,
    from: jiff::civil::Date,
) -> anyhow::Result<()> {
    store::community::upgrades::insert_upgrade(
        tx,
        &NewUpgrade {
            customer_id: customer,
            subscription_id: subscription,
            normal_speed_mbit: 100,
            speed_mbit: 1000,
            from,
            to: from.saturating_add(29.days()),
            via: Via::Api,
            requested_by: "bench",
            value: Money::from_ore(49_315),
        },
        0,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("a second upgrade for {customer}"))?;
    Ok(())
}

async fn fresh(
    config: &Config,
    dir: &std::path::Path,
    name: &str,
) -> anyhow::Result<(Services, Arc<FixedClock>)> {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Store::connect(
        &format!("sqlite://{}", path.display()),
        &ConnectOptions {
            create_if_missing: true,
            ..Default::default()
        },
    )
    .await?;
    store.migrate().await?;
    let clock = Arc::new(FixedClock::new(jiff::Timestamp::now()));
    Ok((
        Services::new(store, clock.clone(), config.service_settings(false)),
        clock,
    ))
}

async fn counts(s: &Services) -> anyhow::Result<[String; 3]> {
    Ok(store::community::upgrades::written_counts(s.store())
        .await?
        .map(|n| n.to_string()))
}

pub async fn run(config: &Config, args: &BenchCommunityArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.upgrades > 0, "--upgrades must be positive");
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("beredskap-bench-community"));
    std::fs::create_dir_all(&dir)?;
    let system = Actor::system();
    let (s, clock) = fresh(config, &dir, "community.sqlite").await?;
    let from = s.today();
    prepare(s.store(), args.upgrades, from).await?;
    let started = Instant::now();
    let run = s.community().run_day(&system, from).await?;
    let start_took = started.elapsed();
    anyhow::ensure!(run.started == args.upgrades, "started {run:?}");
    let back = from.saturating_add(30.days());
    clock.set(domain::time::start_of_day(back, s.tz()));
    let started = Instant::now();
    let run = s.community().run_day(&system, back).await?;
    let revert_took = started.elapsed();
    anyhow::ensure!(run.reverted == args.upgrades, "reverted {run:?}");
    println!(
        "daily upgrade run, {n} business subscriptions: started in {:.0} ms, reverted in {:.0} ms \
         ({n} orders, messages and ledger entries each way)",
        start_took.as_secs_f64() * 1000.0,
        revert_took.as_secs_f64() * 1000.0,
        n = args.upgrades,
    );
    // Cut off half way, then run again: the same end state, nothing twice.
    let (s, _clock) = fresh(config, &dir, "community-cut.sqlite").await?;
    prepare(s.store(), args.upgrades, from).await?;
    let cut_after = start_took / 2;
    let task = {
        let s = s.clone();
        tokio::spawn(async move { s.community().run_day(&Actor::system(), from).await })
    };
    tokio::time::sleep(cut_after).await;
    task.abort();
    let _ = task.await;
    let half = counts(&s).await?;
    let rest = s.community().run_day(&system, from).await?;
    let whole = counts(&s).await?;
    let n = args.upgrades.to_string();
    anyhow::ensure!(
        whole.iter().all(|c| *c == n),
        "after the rerun: orders, messages, ledger entries = {whole:?}, expected {n} each"
    );
    println!(
        "cut off after {:.0} ms with {} orders written; the rerun started the other {} and ended \
         with {n} orders, {n} messages, {n} ledger entries",
        cut_after.as_secs_f64() * 1000.0,
        half[0],
        rest.started,
    );
    Ok(ExitCode::SUCCESS)
}

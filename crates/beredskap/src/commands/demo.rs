//! `beredskap demo`: builds the deterministic demo town (or reuses an identical one) and serves it
//! in demo mode, where messages stay on the Outbox page and the demo logins work.
//!
//! On SQLite the town is generated into `FILE.partial` and renamed when complete, so an
//! interrupted run never leaves a half-built town behind.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use services::Services;
use services::demo::{DemoSize, DemoStage, Progress};
use store::{ConnectOptions, Store};

use crate::cli::DemoArgs;
use crate::config::Config;

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, stage: DemoStage, total: u64) {
        self.0.set_position(0);
        self.0.set_length(total);
        // The command line speaks English.
        self.0.set_message(views::label(views::Lang::En, stage));
    }
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

/// `FILE`, `FILE-wal` and `FILE-shm`: a SQLite database and what may lie beside it.
pub(super) fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .collect()
}

/// Removes a SQLite database with its sidecars.
pub(super) fn remove_all(path: &Path) -> anyhow::Result<()> {
    for p in sidecars(path) {
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    Ok(())
}

async fn generate(services: &Services, town: &Town) -> anyhow::Result<()> {
    let (size, seed) = (town.size, town.seed);
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:40} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let summary = services
        .generate_demo(size, seed, &Bar(bar.clone()))
        .await
        .map_err(super::refusal)?;
    bar.finish_and_clear();
    println!(
        "demo town: {} customers, {} meter points, {} subscriptions, {} invoices, {} payments, {} suppliers, {} staff",
        summary.customers,
        summary.meter_points,
        summary.subscriptions,
        summary.invoices,
        summary.payments,
        summary.suppliers,
        summary.staff
    );
    if town.campaign {
        let bar = ProgressBar::new_spinner();
        bar.set_message("the meter-exchange campaign, day by day");
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        let c = services
            .seed_demo_campaign_in_progress(seed)
            .await
            .map_err(super::refusal)?;
        bar.finish_and_clear();
        println!(
            "meter-exchange campaign: opened {}, {} days worked, {} meters exchanged, {} visits failed, {} windows booked, {} visits postponed, {} stops planned ahead",
            c.opened_on.map(|d| d.to_string()).unwrap_or_default(),
            c.days_worked,
            c.done,
            c.failed,
            c.booked,
            c.postponed,
            c.planned_ahead
        );
    }
    Ok(())
}

/// Which town to build: its size, its seed, and whether its campaign is under way.
struct Town {
    size: DemoSize,
    seed: u64,
    campaign: bool,
}

impl Town {
    /// What the database records of the town, to know it again.
    fn marker(&self) -> String {
        services::demo::marker(self.size, self.seed, self.campaign)
    }
}

/// How to open the demo's database: connection options shared by every step.
struct Opener {
    max_connections: u32,
}

impl Opener {
    async fn open(&self, url: String, create: bool) -> Result<Store, store::StoreError> {
        Store::connect(
            &url,
            &ConnectOptions {
                create_if_missing: create,
                max_connections: self.max_connections,
                ..Default::default()
            },
        )
        .await
    }
}

/// The town in a PostgreSQL database: reused when it holds the same town, built when empty.
async fn on_postgres(
    opener: &Opener,
    url: &str,
    services_for: impl Fn(Store) -> Services,
    town: &Town,
) -> anyhow::Result<Store> {
    let marker = town.marker();
    let marker = marker.as_str();
    let store = opener
        .open(url.to_owned(), false)
        .await
        .context("opening the PostgreSQL database for the demo")?;
    store.migrate().await?;
    match store::settings::get(&store, "demo").await? {
        Some(m) if m == marker => {
            println!("reusing the demo town already in the database ({marker})")
        }
        Some(m) => {
            bail!("the database holds another demo town ({m}); use an empty database for {marker}")
        }
        None => generate(&services_for(store.clone()), town).await?,
    }
    Ok(store)
}

/// Whether the SQLite file holds this very town, migrated.
async fn holds_town(opener: &Opener, path: &Path, marker: &str) -> bool {
    let url = format!("sqlite://{}", path.display());
    let Ok(store) = opener.open(url, false).await else {
        return false;
    };
    let ok = store
        .migration_status()
        .await
        .is_ok_and(|s| s.pending.is_empty() && s.unknown.is_empty())
        && store::settings::get(&store, "demo")
            .await
            .ok()
            .flatten()
            .as_deref()
            == Some(marker);
    store.close().await;
    ok
}

/// The town in a SQLite file: reused when it is this town (unless `--fresh`), otherwise built
/// in `FILE.partial` and renamed into place when complete.
async fn on_sqlite(
    opener: &Opener,
    args: &DemoArgs,
    services_for: impl Fn(Store) -> Services,
    town: &Town,
) -> anyhow::Result<Store> {
    let path = &args.db;
    let marker = town.marker();
    let marker = marker.as_str();
    if path.exists() && !args.fresh && holds_town(opener, path, marker).await {
        println!(
            "reusing the demo town in {} ({marker}); pass --fresh to rebuild it",
            path.display()
        );
    } else {
        let partial = PathBuf::from(format!("{}.partial", path.display()));
        remove_all(&partial)?;
        let store = opener
            .open(format!("sqlite://{}", partial.display()), true)
            .await?;
        store.migrate().await?;
        generate(&services_for(store.clone()), town).await?;
        store.close().await;
        remove_all(path)?;
        std::fs::rename(&partial, path)
            .with_context(|| format!("moving the demo town into {}", path.display()))?;
    }
    Ok(opener
        .open(format!("sqlite://{}", path.display()), false)
        .await?)
}

/// What the server prints once it listens: the address and the demo logins.
fn ready_message(elapsed: f64) -> super::serve::OnReady {
    Box::new(move |addr: std::net::SocketAddr| {
        let host = if addr.ip().is_loopback() {
            "localhost".to_owned()
        } else {
            addr.ip().to_string()
        };
        let mut ready = format!(
            "\nBeredskap demo town is ready in {elapsed:.1} s: http://{host}:{}/\n\nLogins (password \"demo\"):\n",
            addr.port()
        );
        for &role in domain::role::Role::ALL {
            ready.push_str(&format!(
                "  {:<12} {}\n",
                role.demo_username(),
                views::label(views::Lang::En, role)
            ));
        }
        ready.push_str(
            "\nThe admin account asks for a TOTP authenticator on first login. Stop with Ctrl-C.",
        );
        ready
    })
}

pub async fn run(
    config: &Config,
    database_url: Option<&str>,
    args: &DemoArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let town = Town {
        size: args.size.into(),
        seed: args.seed,
        // The region's campaign is not lived through (each day's plan and offers read half a
        // million jobs); `--size town` shows one under way.
        campaign: !args.no_campaign && !matches!(args.size, crate::cli::Size::Region),
    };
    let clock = super::clock(args.now.as_deref())?;
    let settings = config.service_settings(true);
    let opener = Opener {
        max_connections: config.database.max_connections,
    };
    let services_for = |store: Store| Services::new(store, clock.clone(), settings.clone());
    let store = match database_url {
        Some(url) if url.starts_with("postgres") => {
            on_postgres(&opener, url, services_for, &town).await?
        }
        Some(_) => {
            bail!("demo uses --db FILE for SQLite, or --database-url postgres://… for PostgreSQL")
        }
        None => on_sqlite(&opener, args, services_for, &town).await?,
    };
    let services = Services::new(store, clock, settings);
    if args.no_serve {
        println!(
            "demo town ready in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        services.store().close().await;
        return Ok(ExitCode::SUCCESS);
    }
    let mut config = config.clone();
    config.http.listen = args.listen.clone();
    let ready = ready_message(started.elapsed().as_secs_f64());
    super::serve::serve(&config, services, true, Some(ready)).await?;
    Ok(ExitCode::SUCCESS)
}

//! `beredskap demo`: builds the deterministic demo town (or reuses an identical one) and serves it
//! in demo mode, where messages stay on the Outbox page and the demo logins work.
//!
//! On SQLite the town is generated into `FILE.partial` and renamed when complete, so an
//! interrupted run never leaves a half-built town behind.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use services::demo::{DemoSize, Progress};
use services::{Services, SystemClock};
use store::{ConnectOptions, Store};

use crate::cli::DemoArgs;
use crate::config::Config;

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.0.set_position(0);
        self.0.set_length(total);
        self.0.set_message(name.to_owned());
    }
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .collect()
}

fn remove_all(path: &Path) -> anyhow::Result<()> {
    for p in sidecars(path) {
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    Ok(())
}

async fn generate(services: &Services, size: DemoSize, seed: u64) -> anyhow::Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:40} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let summary = services
        .generate_demo(size, seed, &Bar(bar.clone()))
        .await?;
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
    Ok(())
}

pub async fn run(
    config: &Config,
    database_url: Option<&str>,
    args: &DemoArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let size: DemoSize = args.size.into();
    let marker = format!("{}:{}", size.as_str(), args.seed);
    let clock: Arc<dyn services::Clock> = match &args.now {
        None => Arc::new(SystemClock),
        Some(t) => Arc::new(services::OffsetClock::starting_at(
            t.parse::<jiff::Timestamp>().map_err(|_| {
                anyhow::anyhow!(
                    "--now {t:?} is not an RFC 3339 time: write it like 2026-11-24T10:05:00+01:00"
                )
            })?,
        )),
    };
    let settings = config.service_settings(true);
    let max_connections = config.database.max_connections;
    let open = |url: String, create: bool| async move {
        Store::connect(
            &url,
            &ConnectOptions {
                create_if_missing: create,
                max_connections,
                ..Default::default()
            },
        )
        .await
    };

    let store = match database_url {
        Some(url) if url.starts_with("postgres") => {
            let store = open(url.to_owned(), false)
                .await
                .context("opening the PostgreSQL database for the demo")?;
            store.migrate().await?;
            let services = Services::new(store.clone(), clock.clone(), settings.clone());
            match store::settings::get(&store, "demo").await? {
                Some(m) if m == marker => {
                    println!("reusing the demo town already in the database ({marker})")
                }
                Some(m) => bail!(
                    "the database holds another demo town ({m}); use an empty database for {marker}"
                ),
                None => generate(&services, size, args.seed).await?,
            }
            store
        }
        Some(_) => {
            bail!("demo uses --db FILE for SQLite, or --database-url postgres://… for PostgreSQL")
        }
        None => {
            let path = &args.db;
            let mut reuse = false;
            if path.exists() && !args.fresh {
                let url = format!("sqlite://{}", path.display());
                if let Ok(store) = open(url, false).await {
                    let ok = store
                        .migration_status()
                        .await
                        .is_ok_and(|s| s.pending.is_empty() && s.unknown.is_empty())
                        && store::settings::get(&store, "demo")
                            .await
                            .ok()
                            .flatten()
                            .as_deref()
                            == Some(marker.as_str());
                    store.close().await;
                    reuse = ok;
                }
            }
            if reuse {
                println!(
                    "reusing the demo town in {} ({marker}); pass --fresh to rebuild it",
                    path.display()
                );
            } else {
                let partial = PathBuf::from(format!("{}.partial", path.display()));
                remove_all(&partial)?;
                let store = open(format!("sqlite://{}", partial.display()), true).await?;
                store.migrate().await?;
                let services = Services::new(store.clone(), clock.clone(), settings.clone());
                generate(&services, size, args.seed).await?;
                store.close().await;
                remove_all(path)?;
                std::fs::rename(&partial, path)
                    .with_context(|| format!("moving the demo town into {}", path.display()))?;
            }
            open(format!("sqlite://{}", path.display()), false).await?
        }
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
    let elapsed = started.elapsed().as_secs_f64();
    let ready = Box::new(move |addr: std::net::SocketAddr| {
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
    });
    super::serve::serve(&config, services, true, Some(ready)).await?;
    Ok(ExitCode::SUCCESS)
}

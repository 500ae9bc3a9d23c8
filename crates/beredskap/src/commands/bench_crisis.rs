//! `beredskap bench crisis`: crisis mode's figures (issue 14).
//!
//! On a fresh database (SQLite in a temporary folder unless `--database-url` names an empty
//! one) it builds the demo town of `--size` at a fixed instant, opens the meter-exchange
//! campaign, plans it two weeks ahead for `--crews` crews and marks every planned household told
//! its day, books the customer centres full for `--visit-days` days, lets the worker run what is queued, creates the pandemic mode from its preset and
//! has one continuity manager propose it from now and a second approve it. Timed, through the
//! services the pages use:
//!
//! 1. the preview of the mode (`--runs` times; the figure: ≤ 5 s for the town);
//! 2. from the approval to `active`: the approval, then the worker's activation job (one step
//!    per capability, every affected customer's one message queued) — the figure: ≤ 60 s for
//!    the town, ≤ 10 min for the region;
//! 3. the follow-up work the activation queued (the campaign's re-plan under the mode with
//!    `--plan-seconds` of search, the messages handed to the outbox), until the queue is empty.
//!
//! The process's peak resident memory is printed at the end (the figure: < 2 GiB for the region).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use domain::campaign::JobStatus;
use domain::modes::ActivationStatus;
use domain::policy::Preset;
use domain::role::Role;
use domain::visits::VisitSource;
use services::campaign::{CrewForm, PlanBudget};
use services::modes::NewMode;
use services::visits::{BookingError, BookingRequest};
use services::{Actor, Services};
use store::{ConnectOptions, Store};

use super::bench::percentile;
use crate::cli::Size;
use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchCrisisArgs {
    /// The demo town to switch (small, town or region).
    #[arg(long, value_enum, default_value = "town")]
    pub size: Size,
    /// Crews of the campaign planned before the switch.
    #[arg(long, default_value_t = 4)]
    pub crews: usize,
    /// Days ahead whose customer-centre slots are booked full by parties of four.
    #[arg(long, default_value_t = 5)]
    pub visit_days: u32,
    /// Timed previews.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Search time of the campaign's re-plan after the activation, in seconds.
    #[arg(long, default_value_t = 10)]
    pub plan_seconds: u64,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works, on an
    /// empty database).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Folder for the SQLite file.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// The instant the bench runs at (the demo's data is laid out around it).
    #[arg(long, default_value = "2026-11-24T10:05:00+01:00")]
    pub now: String,
}

pub async fn run(config: &Config, args: &BenchCrisisArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("beredskap-bench-crisis-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.sqlite").display()));
    let store = Store::connect(
        &url,
        &ConnectOptions {
            create_if_missing: true,
            max_connections: config.database.max_connections,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("opening {}", store::backend::redact_url(&url)))?;
    store.migrate().await?;
    let mut settings = config.service_settings(true);
    settings.plan_seconds = Some(args.plan_seconds.max(1));
    let services = Services::new(store, super::clock(Some(&args.now))?, settings);
    let transports = services::outbox::Transports::from_settings(&services.settings().mail)?;

    let t = Instant::now();
    services
        .generate_demo(args.size.into(), 42, &services::demo::Quiet)
        .await?;
    let generated = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let planned = notified_campaign(&services, args.crews).await?;
    let campaign_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let crowded = crowded_visits(&services, args.visit_days).await?;
    let visits_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let drained = jobs::run_pending(&services, &transports).await?;
    let drained_s = t.elapsed().as_secs_f64();

    let (anna, bo) = managers(&services).await?;
    let crisis = services.crisis();
    let mode = crisis
        .create(
            &anna,
            "Pandemi, bänk",
            "",
            NewMode::Preset(Preset::Pandemic),
        )
        .await
        .map_err(super::refusal)?;
    let from = services.now();

    // 1. The preview.
    let mut previews = Vec::with_capacity(args.runs);
    let mut preview = None;
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        preview = Some(
            crisis
                .preview(&anna, mode, from, None)
                .await
                .map_err(super::refusal)?,
        );
        previews.push(t.elapsed().as_secs_f64());
    }
    let preview = preview.context("no preview was run")?;
    previews.sort_by(f64::total_cmp);

    // 2. From the approval to active, as the worker does it.
    let id = crisis
        .propose(&anna, mode, None, from, None, "Bänk: pandemi i länet")
        .await
        .map_err(super::refusal)?;
    let (to_active, all_done, jobs_run) =
        time_activation(&services, &transports, (&anna, &bo), id).await?;
    let done = crisis.activation(&anna, id).await?;
    let (status, steps) = (done.row.status, done.steps);
    anyhow::ensure!(
        status == ActivationStatus::Active,
        "the activation ended as {status}, not active"
    );
    println!(
        "{}",
        serde_json::json!({
            "database": format!("{:?}", services.store().backend()),
            "size": format!("{:?}", args.size).to_lowercase(),
            "demo_built_s": generated,
            "campaign": { "crews": args.crews, "households_told_their_day": planned, "set_up_s": campaign_s },
            "visits": { "booked_parties_of_four": crowded, "days": args.visit_days, "set_up_s": visits_s },
            "demo_jobs_drained": drained, "demo_jobs_s": drained_s,
            "preview": {
                "runs": previews.len(),
                "p50_s": percentile(&previews, 50.0),
                "max_s": previews.last(),
                "customers_to_notify": preview.customers.len(),
                "effects": preview.effects(),
            },
            "activation": {
                "approval_to_active_s": to_active,
                "approval_to_queue_empty_s": all_done,
                "jobs_run": jobs_run,
                "steps": steps.iter().map(|s| (s.capability.as_str(), s.effects.clone())).collect::<std::collections::BTreeMap<_, _>>(),
            },
            "peak_rss_mib": peak_rss_mib(),
        })
    );
    services.store().close().await;
    if args.database_url.is_none() && args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// Approves the activation as the second manager and runs the worker's jobs until the queue is
/// empty: the seconds to `active`, the seconds to an empty queue, and the jobs run.
async fn time_activation(
    services: &Services,
    transports: &services::outbox::Transports,
    (anna, bo): (&Actor, &Actor),
    id: i64,
) -> anyhow::Result<(Option<f64>, f64, usize)> {
    let crisis = services.crisis();
    let t = Instant::now();
    crisis.approve(bo, id).await.map_err(super::refusal)?;
    let mut jobs_run = 0;
    let mut to_active = None;
    loop {
        let turn = jobs::run_once(services, transports).await?;
        if to_active.is_none()
            && crisis.activation(anna, id).await?.row.status == ActivationStatus::Active
        {
            to_active = Some(t.elapsed().as_secs_f64());
        }
        match turn {
            jobs::Turn::Empty => break,
            _ => jobs_run += 1,
        }
    }
    Ok((to_active, t.elapsed().as_secs_f64(), jobs_run))
}

/// The meter-exchange campaign open with `crews` crews, planned two weeks ahead and every
/// planned household told its day (as the notices would have), so that switching the mode
/// postpones visits people were told of and they get a message. Returns how many were told.
async fn notified_campaign(services: &Services, crews: usize) -> anyhow::Result<usize> {
    let planner = Actor {
        role: Some(Role::Planner),
        name: "bänk".into(),
        ..Actor::system()
    };
    let c = services.campaign();
    let campaign = c
        .open(&planner, "Mätarbyte, bänk", services.today())
        .await
        .map_err(super::refusal)?
        .0;
    for n in 0..crews {
        let form = CrewForm {
            name: format!("Lag {}", n + 1),
            supplier_id: None,
            skills: if n % 2 == 0 {
                vec!["ct".to_owned()]
            } else {
                Vec::new()
            },
            depot: Some((59_326_000, 14_523_000)),
            shift_start_min: 7 * 60,
            shift_end_min: 16 * 60,
        };
        c.add_crew(&planner, &form).await.map_err(super::refusal)?;
    }
    c.plan(&planner, 2, PlanBudget::Iterations(2_000), 1)
        .await
        .map_err(super::refusal)?;
    let planned: Vec<_> = store::campaign::jobs(services.store(), campaign)
        .await?
        .iter()
        .filter(|j| j.status == JobStatus::Planned)
        .map(|j| j.id)
        .collect();
    let mut tx = services.store().begin().await?;
    store::campaign::mark_notified(&mut tx, &planned, services.now_micros()).await?;
    tx.commit().await?;
    Ok(planned.len())
}

/// The customer centres full for the next `days` days: every desk of every slot booked by a
/// party of four (the demo's customers, through the booking service), so the pandemic cap of
/// eight people present flags visits and their customers are offered new times. Returns the
/// visits booked.
async fn crowded_visits(services: &Services, days: u32) -> anyhow::Result<usize> {
    let visits = services.visits();
    let today = services.today();
    let from = today.tomorrow().unwrap_or(today);
    let to = today.saturating_add(jiff::Span::new().days(i64::from(days)));
    let customers = store::customers::count(services.store()).await?.max(1);
    let mut booked = 0usize;
    let mut next = 0i64;
    for site in visits.sites().await? {
        let view = visits.site_view(site.id).await?;
        let Some(service) = view.services.first().map(|s| s.id) else {
            continue;
        };
        let (_, slots) = visits
            .availability(site.id, service, from, to, 4)
            .await
            .map_err(super::refusal)?;
        for slot in slots.iter().step_by(2) {
            for _ in 0..view.site.desks {
                next += 1;
                let customer = domain::ids::CustomerId::new(1 + next % customers);
                let req = BookingRequest {
                    site_id: site.id,
                    service_id: service,
                    start: slot.start,
                    party: 4,
                    name: format!("Bänkkund {next}"),
                    phone: format!("0708{next:06}"),
                    email: None,
                    language: domain::customer::Language::Sv,
                    customer_id: Some(customer),
                    source: VisitSource::Agent,
                    idempotency_key: None,
                };
                match visits.book(&Actor::system(), &req).await {
                    Ok(_) => booked += 1,
                    Err(BookingError::Full | BookingError::Overlap) => {}
                    Err(e) => anyhow::bail!("booking a bench visit: {e}"),
                }
            }
        }
    }
    Ok(booked)
}

/// Two continuity managers: the one who proposes and the one who approves.
pub(super) async fn managers(services: &Services) -> anyhow::Result<(Actor, Actor)> {
    let mut out = Vec::new();
    for name in ["bank.forslag", "bank.godkann"] {
        let id = services
            .accounts()
            .create_user(
                name,
                name,
                Role::ContinuityManager,
                None,
                "bänk-lösenord-lång-nog",
                false,
            )
            .await
            .map_err(super::refusal)?;
        out.push(Actor {
            user_id: Some(id),
            name: name.into(),
            role: Some(Role::ContinuityManager),
            customer_id: None,
            address: "bench".into(),
        });
    }
    let second = out.pop().context("two managers")?;
    let first = out.pop().context("two managers")?;
    Ok((first, second))
}

/// The process's peak resident set (Linux's VmHWM), in MiB.
pub(super) fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

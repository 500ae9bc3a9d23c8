//! `beredskap bench summer-draw`: the summer-job draw over many applications on a fresh SQLite
//! database (issue 17's figure: 10 000 applications ≤ 1 s), made twice on two databases with the
//! same published seed, which must give the identical result (the same digest).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use jiff::ToSpan;
use services::community::{PostingInput, SeasonInput};
use services::{Actor, FixedClock, Services};
use store::community::summer::NewApplication;
use store::{ConnectOptions, Store};

use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchSummerArgs {
    /// Applications in the draw.
    #[arg(long, default_value_t = 10_000)]
    pub applications: usize,
    /// The published seed both draws use.
    #[arg(long, default_value = "5eed0f5ummer2027")]
    pub seed: String,
    /// Where the databases go (default: a folder in the temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

/// A season opening today with 20 postings of 25 places (500 in all), half of them with hours for
/// minors, and `n` applications of 16–19-year-olds.
async fn prepare(
    config: &Config,
    path: &std::path::Path,
    n: usize,
    seed: &str,
) -> anyhow::Result<(Services, i64)> {
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
    let now = jiff::Timestamp::now();
    let clock = Arc::new(FixedClock::new(now));
    let s = Services::new(store, clock.clone(), config.service_settings(false));
    let system = Actor::system();
    let today = s.today();
    let year = i64::from(today.year()) + 1;
    let first = jiff::civil::date(today.year() + 1, 6, 21);
    s.community()
        .open_season(
            &system,
            &SeasonInput {
                year: year.to_string(),
                apply_until: today.to_string(),
                first_day: first.to_string(),
                priority_first_job: true,
            },
        )
        .await?;
    for p in 0..20 {
        s.community()
            .add_posting(
                &system,
                &PostingInput {
                    year,
                    workplace: format!("Arbetsplats {p}"),
                    supervisor: "Handledare".into(),
                    description: String::new(),
                    starts_on: first.to_string(),
                    weeks: "3".into(),
                    start_time: if p % 2 == 0 { "08:00" } else { "14:00" }.into(),
                    end_time: if p % 2 == 0 { "16:30" } else { "22:30" }.into(),
                    break_minutes: "30".into(),
                    days_per_week: "5".into(),
                    places: "25".into(),
                    hourly_wage: "115".into(),
                },
            )
            .await?;
    }
    let mut tx = s.store().begin().await?;
    for i in 0..n {
        let birth = first
            .checked_sub(jiff::Span::new().years(16 + (i % 4) as i64))?
            .checked_sub(((i % 300) as i64).days())?;
        let name = format!("Sökande {i}");
        let email = format!("s{i}@example.se");
        let guardian = (i % 4 < 2).then_some("vardnadshavare@example.se");
        store::community::summer::insert_application(
            &mut tx,
            &NewApplication {
                year,
                name: &name,
                birth_date: birth,
                email: &email,
                phone: None,
                first_job: i % 3 == 0,
                wish_id: None,
                guardian_name: guardian.map(|_| "Vårdnadshavare"),
                guardian_email: guardian,
                guardian_consent: guardian.is_some(),
            },
            0,
        )
        .await?;
    }
    store::community::summer::publish_seed(&mut tx, year, seed, "bench", 0).await?;
    tx.commit().await?;
    clock.set(now.checked_add(jiff::SignedDuration::from_hours(48))?);
    Ok((s, year))
}

pub async fn run(config: &Config, args: &BenchSummerArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.applications > 0, "--applications must be positive");
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("beredskap-bench-summer"));
    std::fs::create_dir_all(&dir)?;
    let mut results = Vec::new();
    for name in ["summer-a.sqlite", "summer-b.sqlite"] {
        let (s, year) = prepare(config, &dir.join(name), args.applications, &args.seed).await?;
        let started = Instant::now();
        let outcome = s.community().draw(&Actor::system(), year).await?;
        let took = started.elapsed();
        println!(
            "summer-job draw over {} applications: {:.0} ms ({} chosen, {} on the reserve list, \
             digest {})",
            args.applications,
            took.as_secs_f64() * 1000.0,
            outcome.chosen,
            outcome.not_chosen,
            &outcome.digest[..16],
        );
        s.store().close().await;
        results.push(outcome.digest);
    }
    anyhow::ensure!(
        results[0] == results[1],
        "the same seed gave different results: {} and {}",
        results[0],
        results[1]
    );
    println!("the same seed on a second database gave the identical result");
    Ok(ExitCode::SUCCESS)
}

//! `beredskap bench registers`: a region's registers imported (issue 19's figure: 500 000 meter
//! points and 425 000 customers in ≤ 2 min on SQLite, ≤ 5 min on PostgreSQL).
//!
//! It writes `customers.csv` and `meter-points.csv` in the layouts of `beredskap import` (so
//! they can be imported by hand too), then, on a fresh database (SQLite in the folder unless
//! `--database-url` names one), times through the same service the command line uses:
//! 1. the customers' import; 2. the meter points' import (each starts a subscription);
//! 3. both files again (nothing changes); and prints the peak memory.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use domain::meter::AnlaggningsId;
use domain::ocr::luhn_check_digit;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use services::Actor;

use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchRegistersArgs {
    /// Customers in the register.
    #[arg(long, default_value_t = 425_000)]
    pub customers: usize,
    /// Meter points (at least one per customer; the rest go to the first customers).
    #[arg(long, default_value_t = 500_000)]
    pub meter_points: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works, on an
    /// empty database).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Folder for the files and the SQLite database.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

const STREETS: [&str; 8] = [
    "Storgatan",
    "Kungsgatan",
    "Bergsvägen",
    "Skogsvägen",
    "Industrivägen",
    "Älvvägen",
    "Kyrkogatan",
    "Torget",
];
const TOWNS: [(&str, &str); 4] = [
    ("Karlskoga", "691"),
    ("Degerfors", "693"),
    ("Storfors", "688"),
    ("Laxå", "695"),
];
const NAMES: [&str; 8] = [
    "Karin", "Anders", "Maria", "Erik", "Sara", "Johan", "Eva", "Lars",
];
const SURNAMES: [&str; 6] = [
    "Lindqvist",
    "Andersson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Berg",
];

fn with_luhn(body: &str) -> String {
    format!("{body}{}", luhn_check_digit(body))
}

/// The customer file: four in five people, one in five companies.
fn customers_csv(rng: &mut ChaCha8Rng, n: usize) -> String {
    let mut s = String::with_capacity(n * 120);
    s.push_str(
        "customer_number,identity_number,name,street,postal_code,city,email,phone,language\n",
    );
    for i in 0..n {
        let (identity, name) = if rng.random_bool(0.8) {
            let year = rng.random_range(1932..=2004);
            let body = format!(
                "{:02}{:02}{:02}{:03}",
                year % 100,
                rng.random_range(1..=12),
                rng.random_range(1..=28),
                rng.random_range(0..1000)
            );
            (
                format!("{}{}", year / 100, with_luhn(&body)),
                format!(
                    "{} {}",
                    NAMES[rng.random_range(0..NAMES.len())],
                    SURNAMES[rng.random_range(0..SURNAMES.len())]
                ),
            )
        } else {
            (
                with_luhn(&format!("556{:06}", rng.random_range(0..1_000_000))),
                format!("Företag {i} AB"),
            )
        };
        let (town, postal) = TOWNS[rng.random_range(0..TOWNS.len())];
        let email = if rng.random_bool(0.7) {
            format!("kund{i}@example.se")
        } else {
            String::new()
        };
        let phone = if rng.random_bool(0.85) {
            format!(
                "070-{:03} {:02} {:02}",
                rng.random_range(0..1000),
                rng.random_range(0..100),
                rng.random_range(0..100)
            )
        } else {
            String::new()
        };
        let language = if rng.random_bool(0.05) { "en" } else { "sv" };
        let _ = writeln!(
            s,
            "{},{identity},{name},{} {},{postal} {:02},{town},{email},{phone},{language}",
            2_000_000 + i,
            STREETS[rng.random_range(0..STREETS.len())],
            rng.random_range(1..200),
            rng.random_range(30..60),
        );
    }
    s
}

/// The meter-point file: one per customer, then more for the first customers.
fn meter_points_csv(rng: &mut ChaCha8Rng, customers: usize, n: usize) -> anyhow::Result<String> {
    let mut s = String::with_capacity(n * 150);
    s.push_str("meter_point_id,customer_number,street,postal_code,city,latitude,longitude,property_kind,placement,meter_kind,service\n");
    for i in 0..n {
        let id = AnlaggningsId::from_body(&format!("735999{:011}", 1_000_000 + i))
            .context("a meter-point id")?;
        let (town, postal) = TOWNS[rng.random_range(0..TOWNS.len())];
        let kind = ["house", "apartment", "business", "other"][rng.random_range(0..4)];
        let placement =
            ["outdoor_cabinet", "meter_room", "indoor", "unknown"][rng.random_range(0..4)];
        let meter_kind = if rng.random_bool(0.05) {
            "ct"
        } else {
            "direct"
        };
        let service = if rng.random_bool(0.9) {
            "electricity"
        } else {
            "district_heating"
        };
        let _ = writeln!(
            s,
            "{},{},{} {},{postal} {:02},{town},{:.6},{:.6},{kind},{placement},{meter_kind},{service}",
            id.as_str(),
            2_000_000 + i % customers,
            STREETS[rng.random_range(0..STREETS.len())],
            rng.random_range(1..200),
            rng.random_range(30..60),
            59.33 + rng.random_range(-0.3..0.3),
            14.52 + rng.random_range(-0.5..0.5),
        );
    }
    Ok(s)
}

pub async fn run(config: &Config, args: &BenchRegistersArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.customers > 0 && args.meter_points >= args.customers,
        "--meter-points must be at least --customers (one meter point per customer)"
    );
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("beredskap-bench-registers-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let customers = customers_csv(&mut rng, args.customers);
    let meters = meter_points_csv(&mut rng, args.customers, args.meter_points)?;
    std::fs::write(dir.join("customers.csv"), &customers)?;
    std::fs::write(dir.join("meter-points.csv"), &meters)?;
    let services = super::bench::fresh_services(config, args.database_url.as_deref(), &dir).await?;
    let actor = Actor {
        name: "cli:bench-registers".into(),
        ..Actor::system()
    };
    let r = services.registers();
    let fail = |e: services::import::ImportError| anyhow::anyhow!("bench data: {e}");
    println!(
        "registers: {} customers ({} MB), {} meter points ({} MB) in {}",
        args.customers,
        customers.len() / 1_000_000,
        args.meter_points,
        meters.len() / 1_000_000,
        dir.display()
    );
    let mut total = 0.0;
    for (what, again) in [("first import", false), ("the same files again", true)] {
        let t = Instant::now();
        let c = r
            .import_customers(&actor, customers.as_bytes(), false)
            .await
            .map_err(fail)?;
        let customers_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m = r
            .import_meter_points(&actor, meters.as_bytes(), false)
            .await
            .map_err(fail)?;
        let meters_s = t.elapsed().as_secs_f64();
        if !again {
            total = customers_s + meters_s;
        }
        println!(
            "{what}: customers {customers_s:.1} s ({} added, {} unchanged), meter points {meters_s:.1} s ({} added, {} unchanged), together {:.1} s",
            c.inserted,
            c.unchanged,
            m.inserted,
            m.unchanged,
            customers_s + meters_s
        );
    }
    println!(
        "peak memory: {} MiB",
        super::bench_crisis::peak_rss_mib().unwrap_or(0)
    );
    println!(
        "goal: ≤ 120 s on SQLite, ≤ 300 s on PostgreSQL for the first import: {:.1} s",
        total
    );
    services.store().close().await;
    Ok(ExitCode::SUCCESS)
}

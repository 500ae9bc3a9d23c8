//! `beredskap bench continuity`: continuity's figures (issue 16).
//!
//! On a fresh database (SQLite in a temporary folder unless `--database-url` names one) it
//! imports, through the same imports a user runs, `--functions` critical functions with three
//! eight-hour shifts each (minimum two, crisis minimum three), `--staff` people (each holding the
//! competences of three functions) and `--days` days of rosters (three people on every shift, a
//! rotation that keeps the working-time rules; the import checks it), then makes `--gaps` shifts
//! of tomorrow red (two of their three people absent) and times, through the service:
//!
//! 1. the coverage board of `--days` days from today (the figure: ≤ 200 ms p95 for 2 000 staff,
//!    40 functions, 3 shifts, 14 days);
//! 2. the cover proposal for tomorrow, the exact assignment over every red shift (the figure:
//!    ≤ 1 s for 30 uncovered shifts among 2 000 staff).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use domain::continuity::AbsenceReason;
use domain::role::Role;
use services::{Actor, Services};

use super::bench::percentile;
use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchContinuityArgs {
    /// People on the staff.
    #[arg(long, default_value_t = 2000)]
    pub staff: usize,
    /// Critical functions, each with three shifts.
    #[arg(long, default_value_t = 40)]
    pub functions: usize,
    /// Days of rosters and of the board.
    #[arg(long, default_value_t = 14)]
    pub days: u32,
    /// Shifts of tomorrow made red.
    #[arg(long, default_value_t = 30)]
    pub gaps: usize,
    /// Timed runs of each operation.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works, on an
    /// empty database).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Folder for the SQLite file.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

const SHIFTS: [(&str, &str, &str); 3] = [
    ("dag", "06:00", "14:00"),
    ("kvall", "14:00", "22:00"),
    ("natt", "22:00", "06:00"),
];

fn functions_csv(n: usize) -> String {
    let mut s = String::from(
        "code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok\n",
    );
    let services = [
        "electricity",
        "district_heating",
        "water",
        "waste",
        "broadband",
        "customer_service",
        "it",
    ];
    for f in 0..n {
        for (shift, start, end) in SHIFTS {
            let _ = writeln!(
                s,
                "f{f},Funktion {f},{},{shift},{start},{end},2,3,c{f},false",
                services[f % services.len()]
            );
        }
    }
    s
}

/// Each person's three functions: their own and two others.
fn functions_of(i: usize, n: usize) -> [usize; 3] {
    [i % n, (i + 7) % n, (i + 19) % n]
}

fn staff_csv(staff: usize, functions: usize) -> String {
    let mut s = String::from("employee_number,name,team,competences,phone,email,remote_possible\n");
    for i in 0..staff {
        let c = functions_of(i, functions);
        let _ = writeln!(
            s,
            "{},Person {i},{},c{};c{};c{},070-{i:07},,false",
            10_000 + i,
            if i.is_multiple_of(2) { "A" } else { "B" },
            c[0],
            c[1],
            c[2]
        );
    }
    s
}

/// Three people on every shift: a function's own people (those whose first function it is),
/// each always on the same shift, taking turns day by day.
fn roster_csv(staff: usize, functions: usize, from: jiff::civil::Date, days: u32) -> String {
    let mut s = String::from("employee_number,function_code,shift,date\n");
    for f in 0..functions {
        let own: Vec<usize> = (0..staff).filter(|i| i % functions == f).collect();
        for (k, (shift, _, _)) in SHIFTS.iter().enumerate() {
            let group: Vec<usize> = own.iter().copied().skip(k).step_by(3).collect();
            if group.is_empty() {
                continue;
            }
            for d in 0..days {
                let day = from
                    .checked_add(jiff::Span::new().days(i64::from(d)))
                    .unwrap_or(from);
                for t in 0..3usize.min(group.len()) {
                    let person = group[(d as usize * 3 + t) % group.len()];
                    let _ = writeln!(s, "{},f{f},{shift},{day}", 10_000 + person);
                }
            }
        }
    }
    s
}

fn timing(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    serde_json::json!({
        "runs": ms.len(),
        "p50_ms": percentile(&ms, 50.0),
        "p95_ms": percentile(&ms, 95.0),
        "max_ms": ms.last().copied().unwrap_or(0.0),
    })
}

pub async fn run(config: &Config, args: &BenchContinuityArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.functions > 0 && args.staff >= 18 * args.functions,
        "--staff must be at least 18 times --functions (six people take turns on each shift)"
    );
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("beredskap-bench-continuity-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let services = super::bench::fresh_services(config, args.database_url.as_deref(), &dir).await?;
    let manager = Actor {
        role: Some(Role::ContinuityManager),
        name: "bench".into(),
        ..Actor::system()
    };
    let c = services.continuity();
    let today = services.today();
    let tomorrow = today.tomorrow().unwrap_or(today);
    let t = Instant::now();
    let import = |e: services::continuity::ImportError| anyhow::anyhow!("bench data: {e}");
    c.import_functions(&manager, functions_csv(args.functions).as_bytes())
        .await
        .map_err(import)?;
    c.import_staff(
        &manager,
        staff_csv(args.staff, args.functions).as_bytes(),
        false,
    )
    .await
    .map_err(import)?;
    let roster = c
        .import_roster(
            &manager,
            roster_csv(args.staff, args.functions, today, args.days.max(2)).as_bytes(),
        )
        .await
        .map_err(import)?;
    let gaps = make_gaps(&services, tomorrow, args.gaps).await?;
    let setup_s = t.elapsed().as_secs_f64();

    let mut board_ms = Vec::with_capacity(args.runs);
    let mut cells = 0;
    for _ in 0..args.runs {
        let t = Instant::now();
        let b = c.board(&manager, today, args.days).await?;
        board_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        cells = b.cells().count();
    }
    let mut cover_ms = Vec::with_capacity(args.runs);
    let (mut red, mut filled) = (0, 0);
    for _ in 0..args.runs {
        let t = Instant::now();
        let p = c.day_proposal(&manager, tomorrow).await?;
        cover_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        red = p.gaps.len();
        filled = p.gaps.iter().map(|g| g.proposed.len()).sum::<usize>();
    }
    let out = serde_json::json!({
        "database": args.database_url.as_deref().map_or_else(|| "sqlite".to_owned(), store::backend::redact_url),
        "staff": args.staff, "functions": args.functions, "shifts": args.functions * 3,
        "days": args.days, "roster_entries": roster.inserted, "setup_s": setup_s,
        "board": { "cells": cells, "timing": timing(board_ms) },
        "cover": { "absent": gaps, "red_shifts": red, "places_filled": filled, "timing": timing(cover_ms) },
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    services.store().close().await;
    Ok(ExitCode::SUCCESS)
}

/// Makes `n` of tomorrow's shifts red: two of the three people on each are absent.
async fn make_gaps(services: &Services, day: jiff::civil::Date, n: usize) -> anyhow::Result<usize> {
    let roster = store::continuity::roster_between(services.store(), day, day).await?;
    let mut by_shift: std::collections::BTreeMap<_, Vec<_>> = std::collections::BTreeMap::new();
    for r in &roster {
        by_shift.entry(r.shift_id).or_default().push(r.staff_id);
    }
    let mut tx = services.store().begin().await?;
    let mut absent = 0;
    for people in by_shift.values().take(n) {
        for p in people.iter().take(2) {
            store::continuity::insert_absence(
                &mut tx,
                &store::continuity::NewAbsence {
                    staff_id: *p,
                    reason: AbsenceReason::Sick,
                    from_date: day,
                    to_date: day,
                    reported_by: "bench",
                    now: services.now_micros(),
                },
            )
            .await?;
            absent += 1;
        }
    }
    tx.commit().await?;
    Ok(absent)
}

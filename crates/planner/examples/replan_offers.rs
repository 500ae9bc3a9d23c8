//! Benchmark for re-planning and window offers on the town week (1 500 jobs,
//! 15 crews, 5 days): plans once, then (1) re-plans the first day after a
//! failed visit with a 0.5 s budget, timing it, and (2) times window offers
//! for 100 unbooked tier-2 jobs and reports the p95.
//! `cargo run --release -p planner --example replan_offers -- [PLAN_SECONDS]`

use planner::town::{TownSpec, generate};
use planner::{Budget, Change, Date, OfferOptions, apply_change, plan, replan, window_offers};
use std::time::{Duration, Instant};

fn main() {
    let secs: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0);
    let from = Date::parse("2026-03-02").unwrap_or(Date {
        year: 2026,
        month: 3,
        day: 2,
    });
    let dates: Vec<Date> = (0..5).map(|k| from.add_days(k)).collect();
    let p = generate(&TownSpec {
        jobs: 1500,
        crews: 15,
        dates: dates.clone(),
        window_share: 0.15,
        seed: 2,
    });
    let t = Instant::now();
    let clock = || t.elapsed();
    let base = plan(&p, &Budget::timed(Duration::from_secs_f64(secs), &clock), 1);
    println!(
        "plan: {} of {} placed, {:.1} h travel, {:.1} s",
        base.kpi.jobs_assigned,
        p.jobs.len(),
        base.kpi.travel_hours,
        t.elapsed().as_secs_f64()
    );

    let failed = base
        .routes
        .iter()
        .find(|r| r.date == dates[0])
        .and_then(|r| r.stops.first())
        .map(|s| s.job.clone())
        .unwrap_or_default();
    let mut q = p.clone();
    apply_change(
        &mut q,
        &Change::FailedVisit {
            job: failed,
            date: dates[0],
        },
    );
    let t = Instant::now();
    let clock = || t.elapsed();
    let re = replan(
        &q,
        &base,
        Some((dates[0], 1)),
        &Budget::timed(Duration::from_millis(500), &clock),
        1,
    );
    println!(
        "replan one day after a failed visit: {:.3} s, {} moved, {} placed (was {})",
        t.elapsed().as_secs_f64(),
        re.kpi.moved,
        re.kpi.jobs_assigned,
        base.kpi.jobs_assigned
    );

    let mut times: Vec<f64> = Vec::new();
    let mut n_offers = 0;
    for j in p
        .jobs
        .iter()
        .filter(|j| j.tier == 2 && j.window.is_none())
        .take(100)
    {
        let t = Instant::now();
        let offers = window_offers(&p, &base, &j.id, dates[0], &OfferOptions::default());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        n_offers += offers.len();
    }
    times.sort_by(f64::total_cmp);
    let p95 = times.get(times.len() * 95 / 100).copied().unwrap_or(0.0);
    println!(
        "window offers: {} jobs, p50 {:.1} ms, p95 {:.1} ms, {:.1} offers per job",
        times.len(),
        times[times.len() / 2],
        p95,
        n_offers as f64 / times.len().max(1) as f64
    );
}

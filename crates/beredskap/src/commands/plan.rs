//! `beredskap plan`: reads JOBS.csv and CREWS.csv, gives every crew the
//! Swedish working days from `--from`, runs the planner and writes PLAN.json
//! atomically (temp file, then rename). Bad input: one line naming file, row
//! and column, exit code 2, nothing written.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// Jobs: id,lat,lon,service_min,tier,skill,window_date,window_start,window_end,fixed_crew,fixed_date,earliest_date
    #[arg(long)]
    pub jobs: PathBuf,
    /// Crews: id,skills,depot_lat,depot_lon,shift_start,shift_end (skills separated by `;`)
    #[arg(long)]
    pub crews: PathBuf,
    /// First day of the horizon (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Number of Swedish working days in the horizon.
    #[arg(long)]
    pub days: u32,
    /// Search time budget in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many search iterations instead of after --seconds:
    /// the same input and seed then always give the same plan.
    #[arg(long)]
    pub iterations: Option<u64>,
    /// Where to write PLAN.json.
    #[arg(long)]
    pub out: PathBuf,
}

/// A bad-input message for the user; becomes exit code 2.
struct BadInput(String);

pub fn run(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    // The budget covers the whole command: reading, planning and writing.
    let start = Instant::now();
    let problem = match load(args) {
        Ok(p) => p,
        Err(BadInput(msg)) => {
            eprintln!("error: {msg}");
            return Ok(ExitCode::from(2));
        }
    };
    let reserve = (args.seconds * 0.05).min(0.6);
    let search =
        Duration::from_secs_f64((args.seconds - reserve).max(0.0)).saturating_sub(start.elapsed());
    let t_search = Instant::now();
    let clock = || t_search.elapsed();
    let budget = match args.iterations {
        Some(n) => planner::Budget::iterations(n),
        None => planner::Budget::timed(search, &clock),
    };
    let plan = planner::plan(&problem, &budget, args.seed);
    let json = plan_json(&plan);
    write_atomically(&args.out, &serde_json::to_vec_pretty(&json)?)?;
    let k = &plan.kpi;
    eprintln!(
        "planned {}/{} jobs on {} crew-days ({:.2} per crew-day), travel {:.1} km / {:.2} h, {:.1} s",
        k.jobs_assigned,
        k.jobs_total,
        k.crew_days_used,
        k.jobs_per_crew_day,
        k.travel_km,
        k.travel_hours,
        start.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn load(args: &PlanArgs) -> Result<planner::Problem, BadInput> {
    let name = |p: &Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| {
            BadInput(format!(
                "{}: {e} — fix: give a readable UTF-8 CSV file",
                p.display()
            ))
        })
    };
    let located = |p: &Path, e: planner::InputError| BadInput(format!("{} {e}", name(p)));
    if !(args.seconds > 0.0 && args.seconds.is_finite()) {
        return Err(BadInput(
            "--seconds must be a positive number — fix: e.g. --seconds 10".into(),
        ));
    }
    let from: jiff::civil::Date = args.from.parse().map_err(|_| {
        BadInput(format!(
            "--from {:?} is not a date — fix: write YYYY-MM-DD",
            args.from
        ))
    })?;
    if args.days == 0 {
        return Err(BadInput(
            "--days must be at least 1 — fix: e.g. --days 5".into(),
        ));
    }
    let jobs = planner::csv::parse_jobs(&read(&args.jobs)?).map_err(|e| located(&args.jobs, e))?;
    let mut crews =
        planner::csv::parse_crews(&read(&args.crews)?).map_err(|e| located(&args.crews, e))?;
    let dates = working_days(from, args.days);
    for c in &mut crews {
        c.dates = dates.clone();
    }
    let problem = planner::Problem {
        jobs,
        crews,
        travel: planner::Travel::default(),
    };
    planner::csv::validate(&problem).map_err(|e| {
        let file = match e.file {
            planner::InputFile::Jobs => &args.jobs,
            planner::InputFile::Crews => &args.crews,
        };
        located(file, e)
    })?;
    Ok(problem)
}

/// The first `n` Swedish working days on or after `from`.
fn working_days(from: jiff::civil::Date, n: u32) -> Vec<planner::Date> {
    let mut out = Vec::with_capacity(n as usize);
    let mut d = from;
    while out.len() < n as usize {
        if domain::calendar::is_working_day(d)
            && let Some(pd) =
                planner::Date::new(i32::from(d.year()), d.month() as u8, d.day() as u8)
        {
            out.push(pd);
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

fn plan_json(plan: &planner::Plan) -> serde_json::Value {
    let hm = |m: i32| planner::date::hhmm(i64::from(m));
    let routes: Vec<_> = plan
        .routes
        .iter()
        .map(|r| {
            serde_json::json!({
                "crew": r.crew,
                "date": r.date.to_string(),
                "travel_km": (r.travel_m as f64 / 100.0).round() / 10.0,
                "stops": r.stops.iter().map(|s| serde_json::json!({"job": s.job, "arrive": hm(s.arrive_min), "depart": hm(s.depart_min)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let unassigned: Vec<_> = plan
        .unassigned
        .iter()
        .map(|u| serde_json::json!({"job": u.job, "reason": u.reason.as_str()}))
        .collect();
    let k = &plan.kpi;
    let tiers: Vec<_> = (0..3)
        .map(|t| {
            serde_json::json!({
                "tier": t + 1,
                "assigned": k.assigned_by_tier[t],
                "total": k.total_by_tier[t],
                "completion_date": k.completion_by_tier[t].map(|d| d.to_string()),
            })
        })
        .collect();
    serde_json::json!({
        "routes": routes,
        "unassigned": unassigned,
        "kpi": {
            "jobs_total": k.jobs_total,
            "jobs_assigned": k.jobs_assigned,
            "crew_days_used": k.crew_days_used,
            "jobs_per_crew_day": (k.jobs_per_crew_day * 100.0).round() / 100.0,
            "travel_km": (k.travel_km * 10.0).round() / 10.0,
            "travel_hours": (k.travel_hours * 100.0).round() / 100.0,
            "moved": k.moved,
            "tiers": tiers,
        },
    })
}

/// Writes to `<out>.tmp` in the same folder, then renames, so a reader never sees half a plan.
fn write_atomically(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, out)
        .with_context(|| format!("renaming {} to {}", tmp.display(), out.display()))?;
    Ok(())
}

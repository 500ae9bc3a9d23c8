//! `beredskap bench vrptw FILE…`: solves Solomon-format VRPTW instances with
//! the planner's search under the DIMACS convention (distance-only objective,
//! ⌊10 × Euclidean⌋ in tenths) and prints one JSON line per instance with the
//! gap to the best-known distance from `bks.csv`.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct BenchVrptwArgs {
    /// Solomon-format instance files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Wall-time budget per instance, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Random seed (same seed and iteration count give the same routes).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Best-known solutions; default: the `bks.csv` found in a parent folder of
    /// each instance, else `../shared/data/vrp/bks.csv`.
    #[arg(long)]
    pub bks: Option<PathBuf>,
    /// Tuning: neighbours per job for ruin and granular insertion.
    #[arg(long, hide = true)]
    pub neighbours: Option<usize>,
    /// Tuning: start temperature as a multiple of the typical neighbour distance.
    #[arg(long, hide = true)]
    pub t0: Option<f64>,
    /// Tuning: average number of jobs removed per ruin.
    #[arg(long, hide = true)]
    pub removed: Option<f64>,
    /// Tuning: neighbours for the 2-opt* tail exchange (0 = off).
    #[arg(long, hide = true)]
    pub ls: Option<usize>,
}

pub fn run(args: &BenchVrptwArgs) -> anyhow::Result<ExitCode> {
    if !(args.seconds > 0.0 && args.seconds.is_finite()) {
        eprintln!("error: --seconds must be a positive number — fix: e.g. --seconds 10");
        return Ok(ExitCode::from(2));
    }
    for file in &args.files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: {}: {e} — fix: give an existing Solomon-format file",
                    file.display()
                );
                return Ok(ExitCode::from(2));
            }
        };
        let inst = match planner::solomon::parse(&text) {
            Ok(i) => i,
            Err(e) => {
                eprintln!(
                    "error: {}: {e} — fix: use the Solomon text layout (VEHICLE/CUSTOMER sections)",
                    file.display()
                );
                return Ok(ExitCode::from(2));
            }
        };
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(&inst.name)
            .to_string();
        let bks = find_bks(args.bks.as_deref(), file, &name)?;
        let problem = inst.dimacs();
        let start = Instant::now();
        let clock = || start.elapsed();
        let budget = planner::search::Budget::timed(Duration::from_secs_f64(args.seconds), &clock);
        let mut params = planner::search::Params::default();
        params.neighbours = args.neighbours.unwrap_or(params.neighbours);
        params.t0_factor = args.t0.unwrap_or(params.t0_factor);
        params.avg_removed = args.removed.unwrap_or(params.avg_removed);
        params.ls_neighbours = args.ls.unwrap_or(params.ls_neighbours);
        let sol = planner::search::solve(&problem, None, &budget, args.seed, &params);
        let secs = start.elapsed().as_secs_f64();
        let mut total = 0i64;
        for (v, r) in sol.routes.iter().enumerate() {
            let (travel, ok) = problem.route_travel(v as u32, r);
            if !ok {
                bail!("internal error: route {v} of {name} is infeasible");
            }
            total += travel;
        }
        let distance = total as f64 / 10.0;
        let routes: Vec<Vec<u32>> = sol
            .routes
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.iter().map(|&j| j + 1).collect())
            .collect();
        let gap = bks.map(|b| (distance - b) / b * 100.0);
        let line = serde_json::json!({
            "instance": name,
            "vehicles": routes.len(),
            "distance": distance,
            "bks_distance": bks,
            "gap_pct": gap.map(|g| (g * 1000.0).round() / 1000.0),
            "seconds": (secs * 100.0).round() / 100.0,
            "unassigned": sol.unassigned.iter().map(|&j| j + 1).collect::<Vec<_>>(),
            "iterations": sol.iterations,
            "routes": routes,
        });
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The `dimacs_distance` of `name` (case-insensitive) from bks.csv, if known.
fn find_bks(explicit: Option<&Path>, file: &Path, name: &str) -> anyhow::Result<Option<f64>> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => file
            .ancestors()
            .skip(1)
            .map(|d| d.join("bks.csv"))
            .find(|p| p.is_file())
            .or_else(|| Some(PathBuf::from("../shared/data/vrp/bks.csv")).filter(|p| p.is_file())),
    };
    let Some(path) = path else { return Ok(None) };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header = split_csv(lines.next().unwrap_or(""));
    let (Some(ci), Some(cd)) = (
        header.iter().position(|h| h == "instance"),
        header.iter().position(|h| h == "dimacs_distance"),
    ) else {
        return Ok(None);
    };
    for line in lines {
        let cells = split_csv(line);
        if cells.get(ci).is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return Ok(cells.get(cd).and_then(|c| c.parse::<f64>().ok()));
        }
    }
    Ok(None)
}

/// Splits a CSV line, keeping commas inside double quotes (bks.csv's source columns have them).
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().map_or((), |s| s.push(c)),
        }
    }
    cells
}

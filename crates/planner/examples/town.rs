//! Writes a synthetic town as JOBS.csv and CREWS.csv for `beredskap plan` and
//! the peer scripts: `cargo run -p planner --example town -- DIR JOBS CREWS FROM DAYS SEED`.
//! Booked windows fall on the first DAYS weekdays from FROM (pass working days only).

use planner::town::{TownSpec, crews_csv, generate, jobs_csv};

fn main() -> Result<(), String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [dir, jobs, crews, from, days, seed] = a.as_slice() else {
        return Err("usage: town DIR JOBS CREWS FROM DAYS SEED".into());
    };
    let p = |s: &str| s.parse::<usize>().map_err(|e| format!("{s}: {e}"));
    let from = planner::Date::parse(from).ok_or("FROM must be YYYY-MM-DD")?;
    // Weekdays only; the benchmark horizons avoid public holidays.
    let dates: Vec<_> = (0..400)
        .map(|k| from.add_days(k))
        .filter(|d| d.weekday() <= 5)
        .take(p(days)?)
        .collect();
    let spec = TownSpec {
        jobs: p(jobs)?,
        crews: p(crews)?,
        dates,
        window_share: 0.15,
        seed: p(seed)? as u64,
    };
    let town = generate(&spec);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(format!("{dir}/jobs.csv"), jobs_csv(&town.jobs)).map_err(|e| e.to_string())?;
    std::fs::write(format!("{dir}/crews.csv"), crews_csv(&town.crews))
        .map_err(|e| e.to_string())?;
    Ok(())
}

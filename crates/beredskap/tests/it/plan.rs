//! `beredskap plan`: a small valid run (PLAN.json, same plan twice with an
//! iteration budget) and bad input (exit 2, one line naming file, row and
//! column, no PLAN.json written).

use super::{bin, run, stderr, temp};
use std::path::Path;

const JOBS_HEADER: &str = "id,lat,lon,service_min,tier,skill,window_date,window_start,window_end,fixed_crew,fixed_date,earliest_date";
const CREWS: &str = "id,skills,depot_lat,depot_lon,shift_start,shift_end\n\
c1,ct,59.3267,14.5239,07:00,15:00\n\
c2,,59.3350,14.5600,07:00,15:00\n";

/// Ten jobs in Karlskoga: a booked window, a skilled job, a fixed job.
fn jobs() -> String {
    let mut s = format!("{JOBS_HEADER}\n");
    for i in 0..10 {
        let lat = 59.31 + 0.004 * f64::from(i);
        let lon = 14.50 + 0.006 * f64::from(i % 5);
        let (skill, window, fixed) = match i {
            0 => ("", "2026-12-02,09:00,11:00", ","),
            1 => ("ct", ",,", ","),
            2 => ("", ",,", "c2,2026-12-01"),
            _ => ("", ",,", ","),
        };
        s.push_str(&format!(
            "j{i},{lat:.6},{lon:.6},{},{},{skill},{window},{fixed},\n",
            20 + 2 * i,
            1 + i % 3
        ));
    }
    s
}

fn write(dir: &Path, jobs: &str, crews: &str) {
    std::fs::write(dir.join("JOBS.csv"), jobs).unwrap();
    std::fs::write(dir.join("CREWS.csv"), crews).unwrap();
}

fn plan(dir: &Path, out: &str) -> std::process::Output {
    run(
        bin().args([
            "plan",
            "--jobs",
            "JOBS.csv",
            "--crews",
            "CREWS.csv",
            "--from",
            "2026-12-01",
            "--days",
            "2",
            "--iterations",
            "2000",
            "--seed",
            "7",
            "--out",
            out,
        ]),
        dir,
    )
}

#[test]
fn a_small_plan_is_written_and_repeatable_with_iterations() {
    let d = temp("plan-ok");
    write(&d, &jobs(), CREWS);
    let o = plan(&d, "PLAN.json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(d.join("PLAN.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let routes = v["routes"].as_array().expect("routes");
    assert!(v["unassigned"].is_array(), "{text}");
    let kpi = &v["kpi"];
    assert_eq!(kpi["jobs_total"], 10, "{text}");
    let stops: Vec<&serde_json::Value> = routes
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap())
        .collect();
    assert_eq!(
        stops.len() + v["unassigned"].as_array().unwrap().len(),
        10,
        "{text}"
    );
    assert_eq!(kpi["jobs_assigned"].as_u64(), Some(stops.len() as u64));
    // Ten short jobs fit easily in four crew-days: all placed, the rules kept.
    assert_eq!(stops.len(), 10, "{text}");
    for r in routes {
        let ids: Vec<&str> = r["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["job"].as_str().unwrap())
            .collect();
        if ids.contains(&"j0") {
            assert_eq!(r["date"], "2026-12-02", "booked window day: {text}");
        }
        if ids.contains(&"j1") {
            assert_eq!(r["crew"], "c1", "only c1 has ct: {text}");
        }
        if ids.contains(&"j2") {
            assert_eq!(
                (&r["crew"], &r["date"]),
                (&"c2".into(), &"2026-12-01".into())
            );
        }
    }
    // Same input, seed and iterations: byte-identical plan.
    let o2 = plan(&d, "PLAN2.json");
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    assert_eq!(text, std::fs::read_to_string(d.join("PLAN2.json")).unwrap());
}

/// Runs a plan that must fail: exit 2, one error line with file, row and column, no output.
fn rejected(name: &str, jobs: &str, crews: &str, file: &str, row: usize, column: &str) {
    let d = temp(name);
    write(&d, jobs, crews);
    let o = plan(&d, "PLAN.json");
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    let want = format!("{file} row {row}, column {column}");
    assert!(e.contains(&want), "want {want:?} in {e}");
    assert!(e.contains("fix:"), "{e}");
    assert!(!d.join("PLAN.json").exists(), "no output on bad input");
    let left: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "JOBS.csv" && n != "CREWS.csv")
        .collect();
    assert!(left.is_empty(), "stray files {left:?}");
}

#[test]
fn an_unknown_column_is_rejected() {
    let bad = jobs().replacen("earliest_date", "colour", 1);
    rejected("plan-col", &bad, CREWS, "JOBS.csv", 1, "colour");
    let crews = CREWS.replacen("skills", "skils", 1);
    rejected("plan-col2", &jobs(), &crews, "CREWS.csv", 1, "skils");
}

#[test]
fn coordinates_outside_sweden_are_rejected() {
    // Row 5 (j3) in Berlin.
    let bad = jobs().replacen("j3,59.322000,14.518000", "j3,52.520000,13.405000", 1);
    assert_ne!(bad, jobs());
    rejected("plan-lat", &bad, CREWS, "JOBS.csv", 5, "lat");
    let crews = CREWS.replacen("59.3350,14.5600", "59.3350,9.9000", 1);
    rejected("plan-lon", &jobs(), &crews, "CREWS.csv", 3, "depot_lon");
}

#[test]
fn a_window_ending_before_it_starts_is_rejected() {
    let bad = jobs().replacen("2026-12-02,09:00,11:00", "2026-12-02,11:00,09:00", 1);
    rejected("plan-win", &bad, CREWS, "JOBS.csv", 2, "window_end");
}

#[test]
fn a_fixed_job_on_a_non_working_day_is_rejected() {
    // 2026-12-05 is a Saturday.
    let bad = jobs().replacen("c2,2026-12-01", "c2,2026-12-05", 1);
    assert_ne!(bad, jobs());
    rejected("plan-fixed", &bad, CREWS, "JOBS.csv", 4, "fixed_date");
    // 2026-12-24 is julafton: off, and beyond the two-day horizon anyway.
    let bad = jobs().replacen("c2,2026-12-01", "c2,2026-12-24", 1);
    rejected("plan-fixed2", &bad, CREWS, "JOBS.csv", 4, "fixed_date");
}

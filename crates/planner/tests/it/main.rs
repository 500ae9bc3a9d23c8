//! Planner integration tests: one binary, one module per topic.

mod campaign;
mod input;
mod offers;
mod replan;
mod search_props;
mod solomon;

use planner::Date;
use planner::town::{TownSpec, generate};

/// Five weekdays from Monday 2 March 2026 (no Swedish public holidays in that week).
pub fn week() -> Vec<Date> {
    let d = Date::new(2026, 3, 2).unwrap_or(Date {
        year: 2026,
        month: 3,
        day: 2,
    });
    (0..5).map(|k| d.add_days(k)).collect()
}

pub fn town(jobs: usize, crews: usize, days: usize, seed: u64) -> planner::Problem {
    generate(&TownSpec {
        jobs,
        crews,
        dates: week()[..days].to_vec(),
        window_share: 0.15,
        seed,
    })
}

/// Checks every route against windows, shifts, skills, fixed crew-days and earliest dates, and that no job appears twice.
pub fn check_plan(p: &planner::Problem, plan: &planner::Plan) {
    use std::collections::HashSet;
    let mut seen = HashSet::new();
    for r in &plan.routes {
        let crew = p
            .crews
            .iter()
            .find(|c| c.id == r.crew)
            .expect("route crew exists");
        assert!(
            crew.dates.contains(&r.date),
            "{} does not work {}",
            crew.id,
            r.date
        );
        let mut last = crew.shift_start_min;
        for s in &r.stops {
            assert!(seen.insert(s.job.clone()), "{} planned twice", s.job);
            let j = p
                .jobs
                .iter()
                .find(|j| j.id == s.job)
                .expect("stop job exists");
            assert!(s.arrive_min >= last, "{}: overlapping stops", s.job);
            if let Some(w) = &j.window {
                assert_eq!(w.date, r.date, "{} window date", j.id);
                assert!(
                    s.arrive_min >= w.start_min && s.arrive_min <= w.end_min,
                    "{} outside its window",
                    j.id
                );
            }
            if let Some(f) = &j.fixed {
                assert_eq!(
                    (&f.crew, f.date),
                    (&r.crew, r.date),
                    "fixed job {} moved",
                    j.id
                );
            }
            if let Some(sk) = &j.skill {
                assert!(crew.skills.contains(sk), "{} lacks skill {sk}", crew.id);
            }
            if let Some(e) = j.earliest {
                assert!(r.date >= e, "{} before its earliest date", j.id);
            }
            last = s.depart_min;
        }
        assert!(
            last <= crew.shift_end_min,
            "{} on {} ends after the shift",
            r.crew,
            r.date
        );
    }
    for u in &plan.unassigned {
        assert!(
            !seen.contains(&u.job),
            "{} both planned and unassigned",
            u.job
        );
    }
    assert_eq!(seen.len() + plan.unassigned.len(), p.jobs.len());
}

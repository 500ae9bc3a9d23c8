use crate::{check_plan, town};
use planner::{Budget, Reason, plan};

#[test]
fn town_day_is_feasible_and_tiers_are_lexicographic() {
    let p = town(300, 15, 1, 7);
    let pl = plan(&p, &Budget::iterations(20_000), 1);
    check_plan(&p, &pl);
    assert!(
        pl.kpi.jobs_assigned > 150,
        "only {} placed",
        pl.kpi.jobs_assigned
    );
    // A tier-3 job is only planned when no unplanned tier-1/2 job could have been.
    let planned_t3 = pl.kpi.assigned_by_tier[2];
    let unplanned_t1 = pl.kpi.total_by_tier[0] - pl.kpi.assigned_by_tier[0];
    if planned_t3 > 0 {
        for u in &pl.unassigned {
            let j = p
                .jobs
                .iter()
                .find(|j| j.id == u.job)
                .map(|j| (j.tier, j.window.is_some()));
            if let Some((tier, false)) = j {
                assert!(
                    tier == 3,
                    "free tier-{tier} job {} left out while tier-3 jobs are planned ({unplanned_t1} tier 1 out)",
                    u.job
                );
            }
        }
    }
    let km: f64 = pl.routes.iter().map(|r| r.travel_m as f64 / 1000.0).sum();
    assert!((km - pl.kpi.travel_km).abs() < 1e-6);
}

#[test]
fn same_input_and_seed_give_the_same_plan() {
    let p = town(200, 6, 3, 3);
    let a = plan(&p, &Budget::iterations(5_000), 42);
    let b = plan(&p, &Budget::iterations(5_000), 42);
    assert_eq!(a, b);
    let c = plan(&p, &Budget::iterations(5_000), 43);
    check_plan(&p, &c);
}

#[test]
fn unassigned_reasons() {
    let mut p = town(40, 3, 2, 5);
    let d = p.crews[0].dates[0];
    p.jobs[0].skill = Some("gas".into());
    p.jobs[1].earliest = Some(d.add_days(30));
    p.jobs[2].window = Some(planner::Window {
        date: d.add_days(60),
        start_min: 480,
        end_min: 600,
    });
    // A window no crew can reach in time: it closes before the shift starts.
    p.jobs[3].window = Some(planner::Window {
        date: d,
        start_min: 300,
        end_min: 320,
    });
    let pl = plan(&p, &Budget::iterations(2_000), 1);
    check_plan(&p, &pl);
    let reason = |id: &str| pl.unassigned.iter().find(|u| u.job == id).map(|u| u.reason);
    assert_eq!(reason(&p.jobs[0].id), Some(Reason::NoCrewWithSkill));
    assert_eq!(reason(&p.jobs[1].id), Some(Reason::Deferred));
    assert_eq!(reason(&p.jobs[2].id), Some(Reason::BeyondHorizon));
    assert_eq!(reason(&p.jobs[3].id), Some(Reason::WindowCannotBeMet));
}

#[test]
fn fixed_jobs_stay_on_their_crew_day() {
    let mut p = town(120, 4, 3, 9);
    let days = p.crews[0].dates.clone();
    for (k, j) in p.jobs.iter_mut().enumerate().take(12) {
        j.fixed = Some(planner::Fixed {
            crew: format!("crew{:02}", k % 4 + 1),
            date: days[k % 3],
        });
        if j.skill.is_some() && k % 4 != 0 {
            j.skill = None; // only crew01 has the skill
        }
        if let Some(w) = &mut j.window {
            w.date = days[k % 3];
        }
    }
    let pl = plan(&p, &Budget::iterations(5_000), 2);
    check_plan(&p, &pl);
    for j in p.jobs.iter().take(12) {
        assert!(
            pl.routes
                .iter()
                .any(|r| r.stops.iter().any(|s| s.job == j.id)),
            "fixed job {} not planned",
            j.id
        );
    }
}

#[test]
fn a_long_horizon_is_decomposed_into_blocks_and_ends_early() {
    let mut p = town(600, 5, 5, 11);
    // Ten weeks of working days: the jobs need about two of them.
    let start = p.crews[0].dates[0];
    let dates: Vec<_> = (0..70)
        .map(|k| start.add_days(k))
        .filter(|d| d.weekday() <= 5)
        .collect();
    for c in &mut p.crews {
        c.dates = dates.clone();
    }
    let pl = plan(&p, &Budget::iterations(20_000), 1);
    check_plan(&p, &pl);
    let free_unplanned = pl
        .unassigned
        .iter()
        .filter(|u| u.reason == Reason::BeyondHorizon)
        .count();
    assert_eq!(free_unplanned, 0);
    let last = pl.routes.iter().map(|r| r.date).max();
    assert!(
        last < Some(dates[20]),
        "campaign should end within four weeks, ends {last:?}"
    );
    assert!(pl.kpi.completion_by_tier[0] <= pl.kpi.completion_by_tier[2]);
}

#[test]
fn a_supplied_matrix_drives_times_and_kpis() {
    let mut p = town(12, 2, 1, 8);
    for j in &mut p.jobs {
        j.window = None;
        j.skill = None;
    }
    // Every leg takes 10 minutes and 5 km, whatever the coordinates say.
    let n = p.jobs.len() + p.crews.len();
    let seconds: Vec<u32> = (0..n * n)
        .map(|k| if k / n == k % n { 0 } else { 600 })
        .collect();
    let meters: Vec<u32> = seconds.iter().map(|&s| s / 600 * 5000).collect();
    p.travel = planner::Travel::Matrix { seconds, meters };
    let pl = plan(&p, &Budget::iterations(2_000), 1);
    check_plan(&p, &pl);
    assert_eq!(pl.kpi.jobs_assigned, 12);
    let legs: usize = pl.routes.iter().map(|r| r.stops.len() + 1).sum();
    assert!((pl.kpi.travel_km - 5.0 * legs as f64).abs() < 1e-9);
    for r in &pl.routes {
        let crew = p
            .crews
            .iter()
            .find(|c| c.id == r.crew)
            .map(|c| c.shift_start_min)
            .unwrap_or(0);
        assert_eq!(
            r.stops[0].arrive_min,
            crew + 10,
            "first stop 10 min after the shift starts"
        );
    }
}

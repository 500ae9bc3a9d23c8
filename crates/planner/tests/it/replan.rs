use crate::{check_plan, town};
use planner::{Budget, Change, apply_change, plan, replan};

fn fixed_town() -> planner::Problem {
    let mut p = town(200, 6, 5, 21);
    let days = p.crews[0].dates.clone();
    // Book a few jobs on fixed crew-days, as if notified.
    for (k, j) in p
        .jobs
        .iter_mut()
        .enumerate()
        .filter(|(_, j)| j.window.is_some())
        .take(8)
    {
        let crew = if j.skill.is_some() {
            "crew01".to_string()
        } else {
            format!("crew{:02}", k % 6 + 1)
        };
        if let Some(w) = &j.window {
            j.fixed = Some(planner::Fixed { crew, date: w.date });
        }
        let _ = days.len();
    }
    p
}

fn crew_day(pl: &planner::Plan, job: &str) -> Option<(String, planner::Date)> {
    pl.routes
        .iter()
        .find(|r| r.stops.iter().any(|s| s.job == job))
        .map(|r| (r.crew.clone(), r.date))
}

#[test]
fn failed_visit_moves_only_free_jobs_and_counts_moves() {
    let p = fixed_town();
    let base = plan(&p, &Budget::iterations(10_000), 1);
    check_plan(&p, &base);
    let day0 = p.crews[0].dates[0];
    let failed = base
        .routes
        .iter()
        .find(|r| r.date == day0)
        .and_then(|r| r.stops.first())
        .map(|s| s.job.clone())
        .expect("the town's plan has a route on its first day (the precondition of this test)");
    let mut q = p.clone();
    apply_change(
        &mut q,
        &Change::FailedVisit {
            job: failed.clone(),
            date: day0,
        },
    );
    let re = replan(&q, &base, Some((day0, 5)), &Budget::iterations(5_000), 1);
    check_plan(&q, &re);
    for j in q.jobs.iter().filter(|j| j.fixed.is_some()) {
        assert_eq!(
            crew_day(&re, &j.id),
            crew_day(&base, &j.id),
            "fixed {} moved",
            j.id
        );
    }
    assert!(crew_day(&re, &failed).is_none_or(|(_, d)| d > day0));
    let moved = q
        .jobs
        .iter()
        .filter(|j| {
            crew_day(&base, &j.id).is_some() && crew_day(&base, &j.id) != crew_day(&re, &j.id)
        })
        .count();
    assert_eq!(re.kpi.moved, moved);
    assert!(
        moved < base.kpi.jobs_assigned / 3,
        "{moved} moved: re-plan is not stable"
    );
}

#[test]
fn crew_off_sick_reports_its_fixed_jobs_and_keeps_other_days() {
    let p = fixed_town();
    let base = plan(&p, &Budget::iterations(10_000), 1);
    let day1 = p.crews[0].dates[1];
    let mut q = p.clone();
    apply_change(
        &mut q,
        &Change::CrewOff {
            crew: "crew02".into(),
            date: day1,
        },
    );
    let re = replan(&q, &base, Some((day1, 1)), &Budget::iterations(3_000), 1);
    check_plan(&q, &re);
    assert!(
        !re.routes
            .iter()
            .any(|r| r.crew == "crew02" && r.date == day1)
    );
    for r in base.routes.iter().filter(|r| r.date != day1) {
        let now = re
            .routes
            .iter()
            .find(|x| x.crew == r.crew && x.date == r.date);
        assert_eq!(
            now.map(|x| &x.stops),
            Some(&r.stops),
            "day outside the scope changed"
        );
    }
    for j in q.jobs.iter().filter(|j| {
        j.fixed
            .as_ref()
            .is_some_and(|f| f.crew == "crew02" && f.date == day1)
    }) {
        let reason = re
            .unassigned
            .iter()
            .find(|u| u.job == j.id)
            .map(|u| u.reason);
        assert_eq!(reason, Some(planner::Reason::CrewUnavailable));
    }
}

#[test]
fn pausing_a_tier_defers_its_free_jobs() {
    let p = fixed_town();
    let base = plan(&p, &Budget::iterations(5_000), 1);
    let mut q = p.clone();
    let until = p.crews[0].dates[4].add_days(30);
    apply_change(&mut q, &Change::PauseTier { tier: 3, until });
    let re = replan(&q, &base, None, &Budget::iterations(5_000), 1);
    check_plan(&q, &re);
    for j in q.jobs.iter().filter(|j| j.tier == 3 && j.fixed.is_none()) {
        assert!(
            crew_day(&re, &j.id).is_none(),
            "paused {} still planned",
            j.id
        );
    }
}

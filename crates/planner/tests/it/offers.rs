use crate::{check_plan, town};
use planner::{Budget, OfferOptions, plan, window_offers};

#[test]
fn offers_fit_the_plan_and_are_ranked() {
    let p = town(150, 6, 5, 4);
    let pl = plan(&p, &Budget::iterations(5_000), 1);
    check_plan(&p, &pl);
    let target = p
        .jobs
        .iter()
        .find(|j| j.tier == 2 && j.window.is_none() && j.skill.is_none())
        .map(|j| j.id.clone())
        .expect("the town has a tier-2 job without window or skill (the precondition)");
    let offers = window_offers(
        &p,
        &pl,
        &target,
        p.crews[0].dates[0],
        &OfferOptions::default(),
    );
    assert!(!offers.is_empty(), "no offers for {target}");
    assert!(
        offers
            .windows(2)
            .all(|w| w[0].added_travel_s <= w[1].added_travel_s)
    );
    // Accepting the best offer and re-planning with the job booked keeps every window.
    let best = &offers[0];
    let mut booked = p.clone();
    if let Some(j) = booked.jobs.iter_mut().find(|j| j.id == target) {
        j.window = Some(planner::Window {
            date: best.date,
            start_min: best.start_min,
            end_min: best.end_min,
        });
        j.fixed = Some(planner::Fixed {
            crew: best.crew.clone(),
            date: best.date,
        });
    }
    let mut prev = pl.clone();
    for r in &mut prev.routes {
        r.stops.retain(|s| s.job != target);
    }
    let re = planner::replan(
        &booked,
        &prev,
        Some((best.date, 1)),
        &Budget::iterations(2_000),
        1,
    );
    check_plan(&booked, &re);
    assert!(
        re.routes
            .iter()
            .any(|r| r.crew == best.crew && r.stops.iter().any(|s| s.job == target))
    );
    assert!(
        window_offers(
            &p,
            &pl,
            "no-such-job",
            p.crews[0].dates[0],
            &OfferOptions::default()
        )
        .is_empty()
    );
}

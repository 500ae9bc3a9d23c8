//! Property: on random small instances every returned route is feasible and
//! every job is either routed exactly once or unassigned.

use planner::search::{Budget, Instance, JobSpec, NONE, Params, VehicleSpec, solve};
use proptest::prelude::*;

fn instance(
    pts: &[(i32, i32, i32, i32, i32)],
    vehicles: usize,
    cap: i32,
    skilled: bool,
    pinned: bool,
) -> Instance {
    // Node order: jobs, then one depot at (50, 50).
    let n = pts.len() + 1;
    let xy: Vec<(i32, i32)> = pts
        .iter()
        .map(|p| (p.0, p.1))
        .chain(std::iter::once((50, 50)))
        .collect();
    let mut time = vec![0; n * n];
    for a in 0..n {
        for b in 0..n {
            let d = (((xy[a].0 - xy[b].0).pow(2) + (xy[a].1 - xy[b].1).pow(2)) as f64).sqrt();
            time[a * n + b] = (10.0 * d) as i32;
        }
    }
    let jobs = pts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut j = JobSpec::new(p.4, p.2, p.2 + p.3, 1_000_000 * (1 + (i % 3) as i64));
            j.demand = 1 + (i as i32 % 4);
            if skilled && i % 5 == 0 {
                j.skills = 1;
            }
            if pinned && i % 7 == 3 {
                j.only_vehicle = (i % vehicles) as u32;
            }
            j
        })
        .collect();
    let vehicles = (0..vehicles)
        .map(|v| VehicleSpec {
            start: (n - 1) as u32,
            end: (n - 1) as u32,
            shift_start: 0,
            shift_end: 4000,
            capacity: cap,
            skills: if v % 2 == 0 { 1 } else { 0 },
            day: 0,
        })
        .collect();
    Instance {
        n_nodes: n,
        time,
        jobs,
        vehicles,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn routes_are_feasible_and_jobs_accounted_once(
        pts in prop::collection::vec((0..100i32, 0..100i32, 0..3000i32, 50..1500i32, 0..120i32), 1..60),
        vehicles in 1..6usize,
        cap in 3..40i32,
        skilled in any::<bool>(),
        pinned in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let inst = instance(&pts, vehicles, cap, skilled, pinned);
        let sol = solve(&inst, None, &Budget::iterations(300), seed, &Params::default());
        let mut seen = vec![0u8; pts.len()];
        for (v, r) in sol.routes.iter().enumerate() {
            let (_, ok) = inst.route_travel(v as u32, r);
            prop_assert!(ok, "route {} infeasible: {:?}", v, r);
            for &j in r {
                seen[j as usize] += 1;
                let only = inst.jobs[j as usize].only_vehicle;
                prop_assert!(only == NONE || only == v as u32);
            }
        }
        for &j in &sol.unassigned {
            seen[j as usize] += 1;
        }
        prop_assert!(seen.iter().all(|&c| c == 1), "jobs lost or duplicated: {:?}", seen);
        let travel: i64 = sol.routes.iter().enumerate().map(|(v, r)| inst.route_travel(v as u32, r).0).sum();
        let penalty: i64 = sol.unassigned.iter().map(|&j| inst.jobs[j as usize].penalty).sum();
        prop_assert_eq!(sol.cost, travel + penalty);
    }
}

//! The campaign layer: turns jobs, crews and dates into integer VRPTW
//! sub-problems (one per block of up to five working days — "by week"), picks
//! each block's jobs by tier and then by area (a sweep around the town's
//! centroid), runs the search, and assembles the plan, the unassigned reasons
//! and the KPIs. Re-planning reuses the same loop with the previous plan as a
//! warm start, fixed jobs pinned to their crew-day and a cost per moved job.

use crate::date::Date;
use crate::model::{Crew, Fixed, Job, Kpi, Plan, Problem, Reason, Route, Stop, Travel, Unassigned};
use crate::search::{self, Budget, Instance, JobSpec, NONE, Params, VehicleSpec};
use std::collections::HashMap;
use std::time::Duration;

/// Working days per decomposition block.
const BLOCK_DAYS: usize = 5;
/// Rough travel per job, used only to size a block's job pool.
const EST_TRAVEL_PER_JOB_S: i64 = 600;
/// Cost (in travel seconds) of moving a free job to another crew-day when re-planning.
pub const MOVE_COST_S: i64 = 900;

/// A change to apply before re-planning.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The visit failed on `date`: the job is re-planned from the next day on (and is no longer fixed).
    FailedVisit { job: String, date: Date },
    /// The crew does not work on `date`.
    CrewOff { crew: String, date: Date },
    /// Policy pause: free jobs of `tier` wait until `until`.
    PauseTier { tier: u8, until: Date },
}

/// Applies a change to the problem (a pure edit; plan with [`replan`] afterwards).
pub fn apply_change(problem: &mut Problem, change: &Change) {
    match change {
        Change::FailedVisit { job, date } => {
            if let Some(j) = problem.jobs.iter_mut().find(|j| &j.id == job) {
                j.fixed = None;
                if j.window.as_ref().is_some_and(|w| w.date <= *date) {
                    j.window = None;
                }
                j.earliest = Some(
                    j.earliest
                        .map_or(date.add_days(1), |e| e.max(date.add_days(1))),
                );
            }
        }
        Change::CrewOff { crew, date } => {
            if let Some(c) = problem.crews.iter_mut().find(|c| &c.id == crew) {
                c.dates.retain(|d| d != date);
            }
        }
        Change::PauseTier { tier, until } => {
            for j in problem
                .jobs
                .iter_mut()
                .filter(|j| j.tier == *tier && j.fixed.is_none())
            {
                j.earliest = Some(j.earliest.map_or(*until, |e| e.max(*until)));
            }
        }
    }
}

/// Plans from scratch over all crews' working dates.
pub fn plan(problem: &Problem, budget: &Budget<'_>, seed: u64) -> Plan {
    run(problem, None, None, budget, seed)
}

/// Re-plans after changes. Fixed jobs keep their crew and date; routes on
/// dates outside `scope` (`(first date, number of working days)`) are kept as
/// they were; inside it free jobs may move, at a cost, and `kpi.moved` counts them.
pub fn replan(
    problem: &Problem,
    previous: &Plan,
    scope: Option<(Date, usize)>,
    budget: &Budget<'_>,
    seed: u64,
) -> Plan {
    run(problem, Some(previous), scope, budget, seed)
}

/// Shared lookups over one problem.
pub(crate) struct Ctx<'a> {
    pub p: &'a Problem,
    pub dates: Vec<Date>,
    pub crew_skills: Vec<u64>,
    /// Required skill bits per job; `None` when no crew has the skill.
    pub job_skills: Vec<Option<u64>>,
    pub crew_by_id: HashMap<&'a str, usize>,
    pub job_by_id: HashMap<&'a str, usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(p: &'a Problem) -> Ctx<'a> {
        let mut dates: Vec<Date> = p
            .crews
            .iter()
            .flat_map(|c| c.dates.iter().copied())
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let mut bits: HashMap<&str, u64> = HashMap::new();
        let mut crew_skills = Vec::with_capacity(p.crews.len());
        for c in &p.crews {
            let mut m = 0u64;
            for s in &c.skills {
                let next = bits.len();
                // More than 64 distinct skills is not a real crew roster; extra ones share the last bit.
                let b = *bits.entry(s.as_str()).or_insert(1u64 << next.min(63));
                m |= b;
            }
            crew_skills.push(m);
        }
        let job_skills = p
            .jobs
            .iter()
            .map(|j| j.skill.as_deref().map_or(Some(0), |s| bits.get(s).copied()))
            .collect();
        Ctx {
            p,
            dates,
            crew_skills,
            job_skills,
            crew_by_id: p
                .crews
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i))
                .collect(),
            job_by_id: p
                .jobs
                .iter()
                .enumerate()
                .map(|(i, j)| (j.id.as_str(), i))
                .collect(),
        }
    }

    pub fn day_of(&self, d: Date) -> Option<usize> {
        self.dates.binary_search(&d).ok()
    }

    fn coords(&self, loc: usize) -> (f64, f64) {
        let nj = self.p.jobs.len();
        if loc < nj {
            (self.p.jobs[loc].lat, self.p.jobs[loc].lon)
        } else {
            let c = &self.p.crews[loc - nj];
            (c.depot_lat, c.depot_lon)
        }
    }

    /// Travel seconds and metres between global locations (jobs, then crew depots).
    pub fn travel(&self, a: usize, b: usize) -> (i32, i64) {
        match &self.p.travel {
            Travel::Haversine { detour, speed_kmh } => {
                let m = haversine_m(self.coords(a), self.coords(b)) * detour;
                ((m / (speed_kmh / 3.6)).round() as i32, m.round() as i64)
            }
            Travel::Matrix { seconds, meters } => {
                let n = self.p.jobs.len() + self.p.crews.len();
                let k = a * n + b;
                // A missing or huge entry means unreachable: 2^24 s (194 days) never fits a shift
                // and keeps every sum of travel times inside i32.
                (
                    seconds.get(k).copied().unwrap_or(1 << 24).min(1 << 24) as i32,
                    i64::from(meters.get(k).copied().unwrap_or(0)),
                )
            }
        }
    }

    pub fn depot_loc(&self, crew: usize) -> usize {
        self.p.jobs.len() + crew
    }

    /// First allowed day index and, if the job is pinned to one date, that day.
    fn day_range(&self, j: usize) -> (usize, usize) {
        let job = &self.p.jobs[j];
        let lo = job
            .earliest
            .map_or(0, |e| self.dates.partition_point(|d| *d < e));
        let pinned = job
            .fixed
            .as_ref()
            .map(|f| f.date)
            .or(job.window.as_ref().map(|w| w.date));
        match pinned.and_then(|d| self.day_of(d)) {
            Some(day) => (lo.max(day), day),
            None => (lo, usize::MAX),
        }
    }
}

/// Great-circle distance in metres.
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// A job's reason for staying out of the plan that is known before any search.
fn static_reason(ctx: &Ctx<'_>, j: usize) -> Option<Reason> {
    let job = &ctx.p.jobs[j];
    let last = ctx.dates.last()?;
    if ctx.job_skills[j].is_none() {
        return Some(Reason::NoCrewWithSkill);
    }
    if job.earliest.is_some_and(|e| e > *last) {
        return Some(Reason::Deferred);
    }
    if let Some(f) = &job.fixed {
        let ok = ctx
            .crew_by_id
            .get(f.crew.as_str())
            .is_some_and(|&c| ctx.p.crews[c].dates.binary_search(&f.date).is_ok());
        if !ok {
            return Some(Reason::CrewUnavailable);
        }
    }
    if let Some(w) = &job.window
        && ctx.day_of(w.date).is_none()
    {
        return Some(if w.date > *last {
            Reason::BeyondHorizon
        } else {
            Reason::WindowCannotBeMet
        });
    }
    let (lo, hi) = ctx.day_range(j);
    if lo >= ctx.dates.len() || (hi != usize::MAX && lo > hi) {
        return Some(if job.earliest.is_some() {
            Reason::Deferred
        } else {
            Reason::BeyondHorizon
        });
    }
    None
}

fn post_reason(job: &Job) -> Reason {
    if job.window.is_some() || job.fixed.is_some() {
        Reason::WindowCannotBeMet
    } else {
        Reason::BeyondHorizon
    }
}

struct Assigned {
    crew: usize,
    day: usize,
    jobs: Vec<usize>,
}

/// The previous plan in this problem's indices (all empty when planning from scratch).
struct Previous<'a> {
    /// Previous crew-day of each job that still exists.
    crew_day: Vec<Option<(usize, usize)>>,
    /// Previous job sequence of each crew-day that still exists (empty if the crew no longer works it).
    routes: HashMap<(usize, usize), Vec<usize>>,
    /// Previous (crew id, date) of every job, for counting moves even onto dates nobody works now.
    at: Vec<Option<(&'a str, Date)>>,
}

impl<'a> Previous<'a> {
    /// Maps the previous plan's routes onto this problem's crews, days and jobs.
    fn index(ctx: &Ctx<'_>, previous: Option<&'a Plan>) -> Previous<'a> {
        let nj = ctx.p.jobs.len();
        let mut crew_day: Vec<Option<(usize, usize)>> = vec![None; nj];
        let mut routes: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut at: Vec<Option<(&str, Date)>> = vec![None; nj];
        if let Some(pl) = previous {
            for r in &pl.routes {
                for s in &r.stops {
                    if let Some(&j) = ctx.job_by_id.get(s.job.as_str()) {
                        at[j] = Some((r.crew.as_str(), r.date));
                    }
                }
                let (Some(&c), Some(day)) =
                    (ctx.crew_by_id.get(r.crew.as_str()), ctx.day_of(r.date))
                else {
                    continue;
                };
                let works = ctx.p.crews[c].dates.binary_search(&r.date).is_ok();
                let mut seq = Vec::new();
                for s in &r.stops {
                    if let Some(&j) = ctx.job_by_id.get(s.job.as_str()) {
                        crew_day[j] = Some((c, day));
                        if works {
                            seq.push(j);
                        }
                    }
                }
                routes.insert((c, day), seq);
            }
        }
        Previous {
            crew_day,
            routes,
            at,
        }
    }
}

/// Plans (or re-plans, given `previous`) the problem: keeps routes outside the scope, then
/// plans the remaining jobs block by block, sharing the budget.
fn run(
    problem: &Problem,
    previous: Option<&Plan>,
    scope: Option<(Date, usize)>,
    budget: &Budget<'_>,
    seed: u64,
) -> Plan {
    let ctx = Ctx::new(problem);
    let nj = problem.jobs.len();
    let prev = Previous::index(&ctx, previous);
    let (scope_lo, scope_hi) = scope_days(&ctx, scope);
    let mut done = vec![false; nj];
    let mut unassigned: Vec<Unassigned> = Vec::new();
    let mut assigned = keep_outside_scope(&ctx, &prev.routes, (scope_lo, scope_hi), &mut done);
    let mut pool = initial_pool(&ctx, (scope_lo, scope_hi), &mut done, &mut unassigned);
    sort_by_tier_and_area(&ctx, &mut pool);

    let blocks: Vec<(usize, usize)> = (scope_lo..scope_hi)
        .step_by(BLOCK_DAYS)
        .map(|s| (s, (s + BLOCK_DAYS).min(scope_hi)))
        .collect();
    let avg_service_s = avg_service_s(problem, &pool);
    let start_elapsed = budget.elapsed.map(|f| f());
    for (bi, &(d0, d1)) in blocks.iter().enumerate() {
        if pool.is_empty() {
            break;
        }
        let vehicles = block_vehicles(&ctx, (d0, d1));
        let cap = block_capacity(problem, &vehicles, avg_service_s);
        let selected = select_for_block(&ctx, &pool, &prev.crew_day, (d0, d1), cap);
        if selected.is_empty() {
            continue;
        }
        // Share the remaining budget over the blocks the remaining work needs.
        let work_left = pool.len() as f64 / cap as f64;
        let blocks_needed = (work_left.ceil() as usize).clamp(1, blocks.len() - bi);
        let share = 1.0 / blocks_needed as f64;
        let solved = with_block_budget(budget, start_elapsed, share, |b| {
            solve_block(
                &ctx,
                &selected,
                &vehicles,
                &prev,
                b,
                seed.wrapping_add(bi as u64),
            )
        });
        for a in solved {
            for &j in &a.jobs {
                done[j] = true;
            }
            if !a.jobs.is_empty() {
                assigned.push(a);
            }
        }
        pool.retain(|&j| !done[j]);
    }
    for j in pool {
        unassigned.push(Unassigned {
            job: problem.jobs[j].id.clone(),
            reason: post_reason(&problem.jobs[j]),
        });
    }
    finish(&ctx, assigned, unassigned, &prev.at)
}

/// The re-planning scope as a range of day indices `[lo, hi)`; all days without a scope.
fn scope_days(ctx: &Ctx<'_>, scope: Option<(Date, usize)>) -> (usize, usize) {
    match scope {
        Some((from, n)) => {
            let lo = ctx.dates.partition_point(|d| *d < from);
            (lo, (lo + n).min(ctx.dates.len()))
        }
        None => (0, ctx.dates.len()),
    }
}

/// Routes outside the scope are kept verbatim (minus jobs that are no longer allowed there); marks their jobs done.
fn keep_outside_scope(
    ctx: &Ctx<'_>,
    prev_routes: &HashMap<(usize, usize), Vec<usize>>,
    (scope_lo, scope_hi): (usize, usize),
    done: &mut [bool],
) -> Vec<Assigned> {
    let mut assigned: Vec<Assigned> = Vec::new();
    for (&(c, day), seq) in prev_routes {
        if day >= scope_lo && day < scope_hi {
            continue;
        }
        let keep: Vec<usize> = seq
            .iter()
            .copied()
            .filter(|&j| {
                let (lo, hi) = ctx.day_range(j);
                static_reason(ctx, j).is_none() && day >= lo && (hi == usize::MAX || day == hi)
            })
            .collect();
        for &j in &keep {
            done[j] = true;
        }
        assigned.push(Assigned {
            crew: c,
            day,
            jobs: keep,
        });
    }
    assigned
}

/// The jobs left to plan in the scope; the others get their reason in `unassigned` and are marked done.
fn initial_pool(
    ctx: &Ctx<'_>,
    (scope_lo, scope_hi): (usize, usize),
    done: &mut [bool],
    unassigned: &mut Vec<Unassigned>,
) -> Vec<usize> {
    let jobs = &ctx.p.jobs;
    let mut pool: Vec<usize> = Vec::new();
    for (j, &is_done) in done.to_vec().iter().enumerate() {
        if is_done {
            continue;
        }
        if let Some(r) = static_reason(ctx, j) {
            unassigned.push(Unassigned {
                job: jobs[j].id.clone(),
                reason: r,
            });
            done[j] = true;
            continue;
        }
        let (lo, hi) = ctx.day_range(j);
        if hi != usize::MAX && (hi < scope_lo || hi >= scope_hi) || lo >= scope_hi {
            unassigned.push(Unassigned {
                job: jobs[j].id.clone(),
                reason: post_reason(&jobs[j]),
            });
            done[j] = true;
            continue;
        }
        pool.push(j);
    }
    pool
}

/// Mean service time of the pool's jobs in seconds (30 minutes for an empty pool).
fn avg_service_s(problem: &Problem, pool: &[usize]) -> i64 {
    if pool.is_empty() {
        1800
    } else {
        pool.iter()
            .map(|&j| i64::from(problem.jobs[j].service_min) * 60)
            .sum::<i64>()
            / pool.len() as i64
    }
}

/// The block's vehicles: every crew working each day of `[d0, d1)`, day by day.
fn block_vehicles(ctx: &Ctx<'_>, (d0, d1): (usize, usize)) -> Vec<(usize, usize)> {
    (d0..d1)
        .flat_map(|day| {
            let date = ctx.dates[day];
            ctx.p
                .crews
                .iter()
                .enumerate()
                .filter(move |(_, c)| c.dates.binary_search(&date).is_ok())
                .map(move |(c, _)| (c, day))
        })
        .collect()
}

/// Rough number of jobs the vehicles' shifts hold, at least one.
fn block_capacity(problem: &Problem, vehicles: &[(usize, usize)], avg_service_s: i64) -> usize {
    let shift_s: i64 = vehicles
        .iter()
        .map(|&(c, _)| {
            i64::from(problem.crews[c].shift_end_min - problem.crews[c].shift_start_min) * 60
        })
        .sum();
    (shift_s / (avg_service_s + EST_TRAVEL_PER_JOB_S)).max(1) as usize
}

/// The pool's jobs this block takes: when there are far more than `cap`, the pinned and
/// previously-here jobs plus the first others in pool order up to 1.6 × `cap`.
fn select_for_block(
    ctx: &Ctx<'_>,
    pool: &[usize],
    prev: &[Option<(usize, usize)>],
    (d0, d1): (usize, usize),
    cap: usize,
) -> Vec<usize> {
    // Jobs this block may take: not pinned to a later block, not waiting for a later date.
    let eligible: Vec<usize> = pool
        .iter()
        .copied()
        .filter(|&j| {
            let (lo, hi) = ctx.day_range(j);
            lo < d1 && (hi == usize::MAX || (hi >= d0 && hi < d1))
        })
        .collect();
    if eligible.len() as f64 > 2.2 * cap as f64 {
        let must = |j: usize| {
            let (_, hi) = ctx.day_range(j);
            hi != usize::MAX || prev[j].is_some_and(|(_, d)| d >= d0 && d < d1)
        };
        let mut sel: Vec<usize> = eligible.iter().copied().filter(|&j| must(j)).collect();
        let room = (cap as f64 * 1.6) as usize;
        sel.extend(
            eligible
                .iter()
                .copied()
                .filter(|&j| !must(j))
                .take(room.saturating_sub(sel.len())),
        );
        sel
    } else {
        eligible
    }
}

/// Runs `solve` with `share` of the budget left: of the iterations and, on a clock, of the time.
fn with_block_budget<R>(
    budget: &Budget<'_>,
    start_elapsed: Option<Duration>,
    share: f64,
    solve: impl FnOnce(&Budget<'_>) -> R,
) -> R {
    let iters = if budget.max_iterations == u64::MAX {
        u64::MAX
    } else {
        ((budget.max_iterations as f64 * share) as u64).max(1)
    };
    match (budget.elapsed, start_elapsed) {
        (Some(el), Some(t0)) => {
            let used = el().saturating_sub(t0);
            let left = budget.time_limit.saturating_sub(used);
            let base = el();
            let sub = move || el().saturating_sub(base);
            let b = Budget {
                max_iterations: iters,
                time_limit: left.mul_f64(share),
                elapsed: Some(&sub),
            };
            solve(&b)
        }
        _ => {
            let b = Budget {
                max_iterations: iters,
                time_limit: Duration::MAX,
                elapsed: None,
            };
            solve(&b)
        }
    }
}

/// Tier first; within a tier, by angle around the centroid so a block takes a compact sector.
fn sort_by_tier_and_area(ctx: &Ctx<'_>, pool: &mut [usize]) {
    let jobs = &ctx.p.jobs;
    if pool.is_empty() {
        return;
    }
    let (mut la, mut lo) = (0.0, 0.0);
    for &j in pool.iter() {
        la += jobs[j].lat;
        lo += jobs[j].lon;
    }
    la /= pool.len() as f64;
    lo /= pool.len() as f64;
    let key = |j: usize| {
        let a = (jobs[j].lat - la).atan2((jobs[j].lon - lo) * la.to_radians().cos());
        (jobs[j].tier, (a * 1e6) as i64, j)
    };
    pool.sort_by_key(|&j| key(j));
}

/// Solves one block: the integer instance over `sel` and the block's vehicles, warm-started
/// from their previous routes, with the routes mapped back to crew-days and jobs.
fn solve_block(
    ctx: &Ctx<'_>,
    sel: &[usize],
    vehicles: &[(usize, usize)],
    prev: &Previous<'_>,
    budget: &Budget<'_>,
    seed: u64,
) -> Vec<Assigned> {
    // Depot nodes: one per distinct crew in this block.
    let mut crews: Vec<usize> = vehicles.iter().map(|&(c, _)| c).collect();
    crews.sort_unstable();
    crews.dedup();
    let mut locs: Vec<usize> = sel.to_vec();
    locs.extend(crews.iter().map(|&c| ctx.depot_loc(c)));
    let nn = locs.len();
    let time = time_matrix(ctx, &locs);
    let veh_index: HashMap<(usize, usize), u32> = vehicles
        .iter()
        .enumerate()
        .map(|(v, &cd)| (cd, v as u32))
        .collect();
    let prizes = Prizes::new(ctx.p, sel, vehicles);
    let jobs: Vec<JobSpec> = sel
        .iter()
        .map(|&j| job_spec(ctx, j, &prizes, &veh_index, &prev.crew_day))
        .collect();
    let vspecs = vehicle_specs(ctx, vehicles, &crews, sel.len());
    let inst = Instance {
        n_nodes: nn,
        time,
        jobs,
        vehicles: vspecs,
    };
    let init = warm_start(sel, vehicles, &prev.routes);
    let warm = init.iter().any(|r| !r.is_empty());
    let params = Params::default();
    let sol = search::solve(
        &inst,
        warm.then_some(init.as_slice()),
        budget,
        seed,
        &params,
    );
    vehicles
        .iter()
        .zip(sol.routes)
        .map(|(&(crew, day), r)| Assigned {
            crew,
            day,
            jobs: r.into_iter().map(|k| sel[k as usize]).collect(),
        })
        .collect()
}

/// Travel seconds between the block's nodes (`locs` holds their global locations), row-major.
fn time_matrix(ctx: &Ctx<'_>, locs: &[usize]) -> Vec<i32> {
    let nn = locs.len();
    let mut time = vec![0i32; nn * nn];
    for a in 0..nn {
        for b in 0..nn {
            if a != b {
                time[a * nn + b] = ctx.travel(locs[a], locs[b]).0;
            }
        }
    }
    time
}

/// Lexicographic tiers as prizes: one job of a tier outweighs all jobs of the tiers below, all travel included.
struct Prizes {
    /// Prize of a job by tier; index 0 is a booked window.
    by_tier: [i64; 4],
    /// Penalty for leaving out a fixed job; it outweighs every prize.
    fixed: i64,
}

impl Prizes {
    /// The block's prizes from its jobs' tiers, its shift time and the move costs.
    fn new(p: &Problem, sel: &[usize], vehicles: &[(usize, usize)]) -> Prizes {
        let n = sel.len();
        let shift_total: i64 = vehicles
            .iter()
            .map(|&(c, _)| i64::from(p.crews[c].shift_end_min - p.crews[c].shift_start_min) * 60)
            .sum();
        let mut count = [0i64; 4];
        for &j in sel {
            let t = if p.jobs[j].window.is_some() {
                0
            } else {
                p.jobs[j].tier.clamp(1, 3)
            };
            count[usize::from(t)] += 1;
        }
        let p3 = shift_total.max(1) + MOVE_COST_S * (n as i64 + 1);
        let p2 = p3.saturating_mul(count[3] + 1);
        let p1 = p2.saturating_mul(count[2] + 1);
        let p0 = p1.saturating_mul(count[1] + 1);
        // Keep the sum of all prizes far from i64 overflow; only absurdly large blocks hit
        // this cap, and there the tiers stay ordered but no longer strictly lexicographic.
        let cap = (1i64 << 60) / (n as i64 + 1);
        let (p0, p1, p2, p3) = (
            p0.min(cap),
            p1.min(cap / 2),
            p2.min(cap / 4),
            p3.min(cap / 8),
        );
        Prizes {
            by_tier: [p0, p1, p2, p3],
            fixed: p0.saturating_mul(count[0] + 1).min(cap),
        }
    }
}

/// The search's view of job `j`: service, window, prize, skills, allowed days, fixed vehicle and move cost.
fn job_spec(
    ctx: &Ctx<'_>,
    j: usize,
    prizes: &Prizes,
    veh_index: &HashMap<(usize, usize), u32>,
    prev: &[Option<(usize, usize)>],
) -> JobSpec {
    let job = &ctx.p.jobs[j];
    let (lo, hi) = ctx.day_range(j);
    let (early, late) = job
        .window
        .as_ref()
        .map_or((0, 48 * 3600), |w| (w.start_min * 60, w.end_min * 60));
    // A booked window is a promise to the customer: it outranks every tier.
    let prize = if job.window.is_some() {
        prizes.by_tier[0]
    } else {
        prizes.by_tier[usize::from(job.tier.clamp(1, 3))]
    };
    let mut s = JobSpec::new(job.service_min * 60, early, late, prize);
    s.skills = ctx.job_skills[j].unwrap_or(u64::MAX);
    s.day_min = lo.min(usize::from(u16::MAX)) as u16;
    s.day_max = hi.min(usize::from(u16::MAX)) as u16;
    if let Some(Fixed { crew, date }) = &job.fixed {
        s.penalty = prizes.fixed;
        let v = ctx
            .crew_by_id
            .get(crew.as_str())
            .zip(ctx.day_of(*date))
            .and_then(|(&c, d)| veh_index.get(&(c, d)).copied());
        // A fixed crew-day outside this block: nothing here may take the job.
        s.only_vehicle = v.unwrap_or(NONE);
        if v.is_none() {
            s.day_min = u16::MAX;
            s.day_max = 0;
        }
    }
    if let Some(cd) = prev[j] {
        s.prev_vehicle = veh_index.get(&cd).copied().unwrap_or(NONE);
        s.move_cost = MOVE_COST_S;
    }
    s
}

/// The search's view of the vehicles: depot node (after the `n` job nodes), shift, skills and day.
fn vehicle_specs(
    ctx: &Ctx<'_>,
    vehicles: &[(usize, usize)],
    crews: &[usize],
    n: usize,
) -> Vec<VehicleSpec> {
    vehicles
        .iter()
        .map(|&(c, day)| {
            let crew: &Crew = &ctx.p.crews[c];
            let depot = (n + crews.binary_search(&c).unwrap_or(0)) as u32;
            VehicleSpec {
                start: depot,
                end: depot,
                shift_start: crew.shift_start_min * 60,
                shift_end: crew.shift_end_min * 60,
                capacity: i32::MAX,
                skills: ctx.crew_skills[c],
                day: day.min(usize::from(u16::MAX)) as u16,
            }
        })
        .collect()
}

/// Each vehicle's previous route in block-local job nodes (jobs not in `sel` dropped).
fn warm_start(
    sel: &[usize],
    vehicles: &[(usize, usize)],
    prev_routes: &HashMap<(usize, usize), Vec<usize>>,
) -> Vec<Vec<u32>> {
    let local: HashMap<usize, u32> = sel
        .iter()
        .enumerate()
        .map(|(i, &j)| (j, i as u32))
        .collect();
    vehicles
        .iter()
        .map(|cd| {
            prev_routes.get(cd).map_or(Vec::new(), |r| {
                r.iter().filter_map(|j| local.get(j).copied()).collect()
            })
        })
        .collect()
}

fn finish(
    ctx: &Ctx<'_>,
    mut assigned: Vec<Assigned>,
    mut unassigned: Vec<Unassigned>,
    prev: &[Option<(&str, Date)>],
) -> Plan {
    let p = ctx.p;
    assigned.retain(|a| !a.jobs.is_empty());
    assigned.sort_by_key(|a| (a.day, a.crew));
    let mut kpi = Kpi {
        jobs_total: p.jobs.len(),
        ..Kpi::default()
    };
    let mut routes = Vec::with_capacity(assigned.len());
    let mut now: Vec<Option<(&str, Date)>> = vec![None; p.jobs.len()];
    let (mut travel_s, mut travel_m) = (0i64, 0i64);
    for a in &assigned {
        let crew = &p.crews[a.crew];
        let date = ctx.dates[a.day];
        let mut clock = crew.shift_start_min * 60;
        let mut at = ctx.depot_loc(a.crew);
        let (mut rs, mut rm) = (0i64, 0i64);
        let mut stops = Vec::with_capacity(a.jobs.len());
        for &j in &a.jobs {
            let job = &p.jobs[j];
            let (s, m) = ctx.travel(at, j);
            rs += i64::from(s);
            rm += m;
            clock += s;
            if let Some(w) = &job.window {
                clock = clock.max(w.start_min * 60);
            }
            let depart = clock + job.service_min * 60;
            stops.push(Stop {
                job: job.id.clone(),
                arrive_min: clock.div_euclid(60),
                depart_min: depart.div_euclid(60),
            });
            clock = depart;
            at = j;
            now[j] = Some((crew.id.as_str(), date));
            let t = usize::from(job.tier.clamp(1, 3)) - 1;
            kpi.assigned_by_tier[t] += 1;
            kpi.completion_by_tier[t] = kpi.completion_by_tier[t].max(Some(date));
        }
        let (s, m) = ctx.travel(at, ctx.depot_loc(a.crew));
        rs += i64::from(s);
        rm += m;
        travel_s += rs;
        travel_m += rm;
        routes.push(Route {
            crew: crew.id.clone(),
            date,
            stops,
            travel_s: rs,
            travel_m: rm,
        });
    }
    for job in &p.jobs {
        kpi.total_by_tier[usize::from(job.tier.clamp(1, 3)) - 1] += 1;
    }
    // A tier's forecast completion is its last planned date, unless some of its jobs did not
    // fit the horizon; jobs out for a reason a person must act on (skill, deferral, an
    // unmeetable booking) do not hold the forecast back.
    for u in unassigned
        .iter()
        .filter(|u| u.reason == Reason::BeyondHorizon)
    {
        if let Some(&j) = ctx.job_by_id.get(u.job.as_str()) {
            kpi.completion_by_tier[usize::from(p.jobs[j].tier.clamp(1, 3)) - 1] = None;
        }
    }
    kpi.jobs_assigned = kpi.assigned_by_tier.iter().sum();
    kpi.crew_days_used = routes.len();
    kpi.jobs_per_crew_day = if routes.is_empty() {
        0.0
    } else {
        kpi.jobs_assigned as f64 / routes.len() as f64
    };
    kpi.travel_km = travel_m as f64 / 1000.0;
    kpi.travel_hours = travel_s as f64 / 3600.0;
    kpi.moved = prev
        .iter()
        .zip(&now)
        .filter(|(a, b)| a.is_some() && a != b)
        .count();
    unassigned.sort_by(|a, b| a.job.cmp(&b.job));
    Plan {
        routes,
        unassigned,
        kpi,
    }
}

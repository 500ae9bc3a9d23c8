//! The routing search: a generic VRPTW with optional jobs, solved by
//! ruin-and-recreate (SISR, Christiaens & Vanden Berghe 2020) under
//! simulated annealing.
//!
//! This module owns the integer [`Instance`] (one travel-time matrix, job
//! windows, vehicles with their own depots, shifts, skills and day) and the
//! search. It knows nothing of dates, tiers or CSV: the campaign layer maps
//! those onto penalties and per-job vehicle restrictions.
//!
//! Why SISR and not a genetic algorithm: it handles optional (prize) jobs,
//! per-vehicle restrictions and warm starts with no extra machinery, and each
//! iteration only touches a few routes, so it scales to week problems. Time
//! window feasibility of an insertion is O(1) from each route's forward
//! earliest-start and backward latest-start arrays.

use crate::rng::Rng;
use std::time::Duration;

/// Marks "no vehicle / no route".
pub const NONE: u32 = u32::MAX;

/// One job node (node index = position in [`Instance::jobs`]).
#[derive(Clone, Debug)]
pub struct JobSpec {
    pub service: i32,
    /// Service may start at or after `early` …
    pub early: i32,
    /// … and at or before `late`.
    pub late: i32,
    pub demand: i32,
    /// Cost added while the job is unassigned (its prize).
    pub penalty: i64,
    /// Required skills (bit set); a vehicle must have all of them.
    pub skills: u64,
    /// Allowed vehicle days, inclusive.
    pub day_min: u16,
    pub day_max: u16,
    /// The only vehicle allowed, or [`NONE`].
    pub only_vehicle: u32,
    /// The vehicle in the previous plan, or [`NONE`]; assigning elsewhere costs `move_cost`.
    pub prev_vehicle: u32,
    pub move_cost: i64,
}

impl JobSpec {
    /// A job with a window and no restrictions.
    pub fn new(service: i32, early: i32, late: i32, penalty: i64) -> JobSpec {
        JobSpec {
            service,
            early,
            late,
            demand: 0,
            penalty,
            skills: 0,
            day_min: 0,
            day_max: u16::MAX,
            only_vehicle: NONE,
            prev_vehicle: NONE,
            move_cost: 0,
        }
    }
}

/// One vehicle (a crew on one day, or one truck of a benchmark fleet).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VehicleSpec {
    pub start: u32,
    pub end: u32,
    pub shift_start: i32,
    pub shift_end: i32,
    pub capacity: i32,
    pub skills: u64,
    pub day: u16,
}

/// The integer problem. Nodes `0..jobs.len()` are jobs; depots follow.
#[derive(Clone, Debug)]
pub struct Instance {
    pub n_nodes: usize,
    /// Row-major `n_nodes × n_nodes` travel times; also the travel cost.
    pub time: Vec<i32>,
    pub jobs: Vec<JobSpec>,
    pub vehicles: Vec<VehicleSpec>,
}

impl Instance {
    #[inline]
    pub fn t(&self, a: u32, b: u32) -> i32 {
        self.time[a as usize * self.n_nodes + b as usize]
    }

    #[inline]
    fn allowed(&self, j: u32, v: u32) -> bool {
        let job = &self.jobs[j as usize];
        let veh = &self.vehicles[v as usize];
        job.skills & !veh.skills == 0
            && veh.day >= job.day_min
            && veh.day <= job.day_max
            && (job.only_vehicle == NONE || job.only_vehicle == v)
    }

    /// Travel of a route given as job nodes, and whether it is feasible.
    pub fn route_travel(&self, v: u32, nodes: &[u32]) -> (i64, bool) {
        let veh = &self.vehicles[v as usize];
        let mut prev = veh.start;
        let mut clock = veh.shift_start;
        let mut travel = 0i64;
        let mut ok = true;
        let mut load = 0;
        for &n in nodes {
            let j = &self.jobs[n as usize];
            let tt = self.t(prev, n);
            travel += i64::from(tt);
            clock = (clock + tt).max(j.early);
            ok &= clock <= j.late && self.allowed(n, v);
            clock += j.service;
            load += j.demand;
            prev = n;
        }
        let tt = self.t(prev, veh.end);
        travel += i64::from(tt);
        ok &= clock + tt <= veh.shift_end && load <= veh.capacity;
        (travel, ok)
    }
}

/// How long the search may run: iterations (deterministic) and/or wall time
/// measured by a caller-supplied clock (the crate reads no clock itself).
pub struct Budget<'a> {
    pub max_iterations: u64,
    pub time_limit: Duration,
    pub elapsed: Option<&'a dyn Fn() -> Duration>,
}

impl<'a> Budget<'a> {
    /// A pure iteration budget: same input and seed give the same result.
    pub fn iterations(n: u64) -> Budget<'static> {
        Budget {
            max_iterations: n,
            time_limit: Duration::MAX,
            elapsed: None,
        }
    }

    /// A wall-time budget, `elapsed` returning the time since the caller's start.
    pub fn timed(limit: Duration, elapsed: &'a dyn Fn() -> Duration) -> Budget<'a> {
        Budget {
            max_iterations: u64::MAX,
            time_limit: limit,
            elapsed: Some(elapsed),
        }
    }

    /// Fraction of the budget used, in `[0, 1]`; iteration-only budgets never read the clock.
    fn progress(&self, iter: u64) -> f64 {
        let mut p = iter as f64 / self.max_iterations as f64;
        if let Some(el) = self.elapsed {
            let lim = self.time_limit.as_secs_f64();
            if lim <= 0.0 {
                return 1.0;
            }
            p = p.max(el().as_secs_f64() / lim);
        }
        p.min(1.0)
    }
}

/// Search parameters (defaults follow the SISR paper).
#[derive(Clone, Debug)]
pub struct Params {
    /// Average number of removed jobs per ruin.
    pub avg_removed: f64,
    /// Maximum string length.
    pub max_string: f64,
    pub blink_rate: f64,
    /// Neighbours per job for ruin adjacency and granular insertion.
    pub neighbours: usize,
    /// Start and end temperature as multiples of the typical neighbour distance.
    pub t0_factor: f64,
    pub tf_factor: f64,
    /// Neighbours tried by the 2-opt* tail exchange after each recreate (0 = off).
    pub ls_neighbours: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            avg_removed: 10.0,
            max_string: 10.0,
            blink_rate: 0.01,
            neighbours: 40,
            t0_factor: 10.0,
            tf_factor: 0.1,
            ls_neighbours: 10,
        }
    }
}

/// A solution: one job sequence per vehicle, plus the unassigned jobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub routes: Vec<Vec<u32>>,
    pub unassigned: Vec<u32>,
    /// Travel plus penalties plus move costs.
    pub cost: i64,
    pub travel: i64,
    pub iterations: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Pos {
    node: u32,
    /// Travel time to the next position.
    arc: i32,
    /// Earliest departure (service start + service); at the end depot, the arrival.
    dep: i32,
    /// Latest service start that keeps the rest of the route feasible.
    latest: i32,
    /// Load after this position.
    load: i32,
}

#[derive(Clone, Debug, Default)]
struct Route {
    nodes: Vec<u32>,
    /// Depot, jobs, depot: one entry per path position, packed so that an insertion check
    /// between positions `pos` and `pos + 1` touches one or two cache lines.
    info: Vec<Pos>,
    load: i32,
    travel: i64,
    extra: i64,
    /// Path position of the last job pinned to this vehicle or carrying a move
    /// cost (0 = none): 2-opt* may only move tails after it.
    last_pinned: usize,
}

#[derive(Clone, Debug)]
struct State {
    routes: Vec<Route>,
    route_of: Vec<u32>,
    pos_of: Vec<u32>,
    unassigned: Vec<u32>,
    un_idx: Vec<u32>,
    travel: i64,
    extra: i64,
    penalty: i64,
    /// Number of empty routes, so full fleets skip the empty-vehicle search.
    empty: usize,
}

impl State {
    fn cost(&self) -> i64 {
        self.travel + self.extra + self.penalty
    }

    fn new(inst: &Instance) -> State {
        let n = inst.jobs.len();
        let mut s = State {
            routes: vec![Route::default(); inst.vehicles.len()],
            route_of: vec![NONE; n],
            pos_of: vec![0; n],
            unassigned: (0..n as u32).collect(),
            un_idx: (0..n as u32).collect(),
            travel: 0,
            extra: 0,
            penalty: inst.jobs.iter().map(|j| j.penalty).sum(),
            empty: 0,
        };
        for v in 0..inst.vehicles.len() {
            s.recompute(inst, v as u32);
        }
        s
    }

    fn unassign(&mut self, inst: &Instance, j: u32) {
        self.route_of[j as usize] = NONE;
        self.un_idx[j as usize] = self.unassigned.len() as u32;
        self.unassigned.push(j);
        self.penalty += inst.jobs[j as usize].penalty;
    }

    fn take_unassigned(&mut self, inst: &Instance, j: u32) {
        let i = self.un_idx[j as usize] as usize;
        let last = *self.unassigned.last().unwrap_or(&j);
        self.unassigned.swap_remove(i);
        if last != j {
            self.un_idx[last as usize] = i as u32;
        }
        self.penalty -= inst.jobs[j as usize].penalty;
    }

    /// Rebuilds a route's schedule arrays and totals after its node list changed.
    fn recompute(&mut self, inst: &Instance, v: u32) {
        let veh = &inst.vehicles[v as usize];
        let r = &mut self.routes[v as usize];
        let len = r.nodes.len();
        // info is empty only before the first computation; afterwards it has len + 2 entries.
        if r.info.len() == 2 {
            self.empty -= 1;
        }
        if len == 0 {
            self.empty += 1;
        }
        r.info.clear();
        r.info.push(Pos {
            node: veh.start,
            arc: 0,
            dep: veh.shift_start,
            latest: 0,
            load: 0,
        });
        let mut prev = veh.start;
        let mut travel = 0i64;
        let mut load = 0;
        let mut extra = 0i64;
        r.last_pinned = 0;
        for (k, &n) in r.nodes.iter().enumerate() {
            let j = &inst.jobs[n as usize];
            if j.only_vehicle != NONE || j.prev_vehicle != NONE {
                r.last_pinned = k + 1;
            }
            let tt = inst.t(prev, n);
            travel += i64::from(tt);
            r.info[k].arc = tt;
            let st = (r.info[k].dep + tt).max(j.early);
            load += j.demand;
            r.info.push(Pos {
                node: n,
                arc: 0,
                dep: st + j.service,
                latest: 0,
                load,
            });
            if j.prev_vehicle != NONE && j.prev_vehicle != v {
                extra += j.move_cost;
            }
            self.route_of[n as usize] = v;
            self.pos_of[n as usize] = k as u32;
            prev = n;
        }
        let tt = inst.t(prev, veh.end);
        travel += i64::from(tt);
        r.info[len].arc = tt;
        let arrive = r.info[len].dep + tt;
        r.info.push(Pos {
            node: veh.end,
            arc: 0,
            dep: arrive,
            latest: veh.shift_end,
            load,
        });
        for k in (1..=len).rev() {
            let j = &inst.jobs[r.info[k].node as usize];
            r.info[k].latest = j.late.min(r.info[k + 1].latest - j.service - r.info[k].arc);
        }
        r.info[0].latest = r.info[1].latest - r.info[0].arc;
        self.travel += travel - r.travel;
        self.extra += extra - r.extra;
        r.travel = travel;
        r.load = load;
        r.extra = extra;
    }

    fn copy_routes_from(&mut self, other: &State, touched: &[u32]) {
        for &v in touched {
            self.routes[v as usize].clone_from(&other.routes[v as usize]);
        }
        self.route_of.clone_from(&other.route_of);
        self.pos_of.clone_from(&other.pos_of);
        self.unassigned.clone_from(&other.unassigned);
        self.un_idx.clone_from(&other.un_idx);
        self.travel = other.travel;
        self.extra = other.extra;
        self.penalty = other.penalty;
        self.empty = other.empty;
    }
}

/// Runs the search. `init` (one job list per vehicle) warm-starts it; jobs
/// that are infeasible there are dropped and re-inserted by the search.
pub fn solve(
    inst: &Instance,
    init: Option<&[Vec<u32>]>,
    budget: &Budget<'_>,
    seed: u64,
    params: &Params,
) -> Solution {
    Solver::new(inst, params, seed).run(init, budget)
}

struct Solver<'a> {
    inst: &'a Instance,
    p: &'a Params,
    rng: Rng,
    knn: Vec<Vec<u32>>,
    /// Vehicles grouped into identical classes, so only one empty vehicle per class is tried.
    classes: Vec<Vec<u32>>,
    hint: Vec<u32>,
    /// Class of each vehicle; 2-opt* only exchanges tails between identical vehicles.
    class_of: Vec<u32>,
    two_opt: bool,
    /// Transposed travel matrix: `tt[j * n + p]` = time from `p` to `j`.
    tt: Vec<i32>,
    n: usize,
    full_scan: bool,
    mark: Vec<u32>,
    stamp: u32,
    far: Vec<i32>,
    scale: f64,
}

#[derive(Clone, Copy)]
struct Ins {
    v: u32,
    pos: u32,
    delta: i64,
}

impl<'a> Solver<'a> {
    fn new(inst: &'a Instance, p: &'a Params, seed: u64) -> Solver<'a> {
        let n = inst.jobs.len();
        let k = p.neighbours.min(n.saturating_sub(1));
        let mut knn = Vec::with_capacity(n);
        let mut buf: Vec<(i32, u32)> = Vec::with_capacity(n);
        let mut near_sum = 0f64;
        for i in 0..n as u32 {
            buf.clear();
            for j in 0..n as u32 {
                if j != i {
                    // Symmetrised so that a job with a late window still counts as near.
                    let d = inst.t(i, j).min(inst.t(j, i));
                    buf.push((d, j));
                }
            }
            if k > 0 && k < buf.len() {
                buf.select_nth_unstable(k);
                buf.truncate(k);
            }
            buf.sort_unstable();
            if let Some(&(d, _)) = buf.get(4.min(buf.len().saturating_sub(1))) {
                near_sum += f64::from(d);
            }
            knn.push(buf.iter().map(|&(_, j)| j).collect::<Vec<u32>>());
        }
        let scale = (near_sum / n.max(1) as f64).max(1.0);
        let mut classes: Vec<Vec<u32>> = Vec::new();
        let mut reps: Vec<&VehicleSpec> = Vec::new();
        for (v, spec) in inst.vehicles.iter().enumerate() {
            match reps.iter().position(|r| *r == spec) {
                Some(c) => classes[c].push(v as u32),
                None => {
                    reps.push(spec);
                    classes.push(vec![v as u32]);
                }
            }
        }
        let far = (0..n as u32)
            .map(|j| inst.vehicles.first().map_or(0, |v| inst.t(v.start, j)))
            .collect();
        Solver {
            inst,
            p,
            rng: Rng::new(seed),
            knn,
            hint: vec![0; classes.len()],
            class_of: {
                let mut c = vec![0u32; inst.vehicles.len()];
                for (k, cls) in classes.iter().enumerate() {
                    for &v in cls {
                        c[v as usize] = k as u32;
                    }
                }
                c
            },
            two_opt: p.ls_neighbours > 0
                && inst
                    .jobs
                    .iter()
                    .all(|j| j.only_vehicle == NONE && j.prev_vehicle == NONE),
            classes,
            tt: {
                let nn = inst.n_nodes;
                let mut tt = vec![0; nn * nn];
                for a in 0..nn {
                    for b in 0..nn {
                        tt[b * nn + a] = inst.time[a * nn + b];
                    }
                }
                tt
            },
            n: inst.n_nodes,
            full_scan: n <= 250,
            mark: vec![0; n],
            stamp: 0,
            far,
            scale,
        }
    }

    fn run(&mut self, init: Option<&[Vec<u32>]>, budget: &Budget<'_>) -> Solution {
        let inst = self.inst;
        let mut cur = State::new(inst);
        if let Some(init) = init {
            self.warm_start(&mut cur, init);
        }
        let mut all: Vec<u32> = cur.unassigned.clone();
        // The first construction looks at every route: granular lists are empty of routed jobs yet.
        let granular = self.full_scan;
        self.full_scan = true;
        self.recreate(&mut cur, &mut all);
        self.full_scan = granular;
        let mut cand = cur.clone();
        let mut best = cur.clone();
        let t0 = self.p.t0_factor * self.scale;
        let tf = self.p.tf_factor * self.scale;
        let mut iter = 0u64;
        let mut progress = 0.0;
        let mut touched: Vec<u32> = Vec::new();
        let mut removed: Vec<u32> = Vec::new();
        while iter < budget.max_iterations && !inst.jobs.is_empty() {
            if iter.is_multiple_of(64) {
                progress = budget.progress(iter);
                if progress >= 1.0 {
                    break;
                }
            }
            iter += 1;
            let temp = t0 * (tf / t0).powf(progress);
            touched.clear();
            removed.clear();
            self.ruin(&mut cand, &mut touched, &mut removed);
            self.add_pool_candidates(&cand, &mut removed);
            self.recreate_tracked(&mut cand, &mut removed, &mut touched);
            if self.two_opt {
                self.two_opt_star(&mut cand, &mut touched);
            }
            let threshold = cur.cost() as f64 - temp * self.rng.unit().ln();
            if (cand.cost() as f64) < threshold {
                cur.copy_routes_from(&cand, &touched);
                if cur.cost() < best.cost() {
                    best.clone_from(&cur);
                }
            } else {
                cand.copy_routes_from(&cur, &touched);
            }
        }
        let mut unassigned = best.unassigned.clone();
        unassigned.sort_unstable();
        Solution {
            routes: best.routes.iter().map(|r| r.nodes.clone()).collect(),
            unassigned,
            cost: best.cost(),
            travel: best.travel,
            iterations: iter,
        }
    }

    fn warm_start(&mut self, s: &mut State, init: &[Vec<u32>]) {
        let inst = self.inst;
        for (v, nodes) in init.iter().enumerate().take(inst.vehicles.len()) {
            let mut seq: Vec<u32> = Vec::new();
            for &n in nodes {
                if (n as usize) < inst.jobs.len()
                    && s.route_of[n as usize] == NONE
                    && !seq.contains(&n)
                {
                    let mut trial = seq.clone();
                    trial.push(n);
                    // Keep the prefix that stays feasible; the rest goes back to the pool.
                    if inst.route_travel(v as u32, &trial).1 {
                        seq = trial;
                    }
                }
            }
            for &n in &seq {
                s.take_unassigned(inst, n);
            }
            s.routes[v].nodes = seq;
            s.recompute(inst, v as u32);
        }
    }

    fn ruin(&mut self, s: &mut State, touched: &mut Vec<u32>, removed: &mut Vec<u32>) {
        let inst = self.inst;
        let n = inst.jobs.len();
        let assigned = n - s.unassigned.len();
        if assigned == 0 {
            return;
        }
        let nonempty = s
            .routes
            .iter()
            .filter(|r| !r.nodes.is_empty())
            .count()
            .max(1);
        let avg_card = assigned as f64 / nonempty as f64;
        let ls_max = self.p.max_string.min(avg_card);
        let ks_max = (4.0 * self.p.avg_removed / (1.0 + ls_max) - 1.0).max(1.0);
        let ks = (self.rng.unit() * ks_max) as usize + 1;
        let mut seed = self.rng.below(n) as u32;
        for _ in 0..64 {
            if s.route_of[seed as usize] != NONE {
                break;
            }
            seed = self.rng.below(n) as u32;
        }
        let knn_len = self.knn[seed as usize].len();
        for idx in 0..=knn_len {
            if touched.len() >= ks {
                break;
            }
            let c = if idx == 0 {
                seed
            } else {
                self.knn[seed as usize][idx - 1]
            };
            let v = s.route_of[c as usize];
            if v == NONE || touched.contains(&v) {
                continue;
            }
            let len = s.routes[v as usize].nodes.len();
            let lmax = (len as f64).min(ls_max);
            let l = ((self.rng.unit() * lmax) as usize + 1).min(len);
            let pos = s.pos_of[c as usize] as usize;
            let route = &mut s.routes[v as usize];
            if l < len && self.rng.chance(0.5) {
                // Split string: remove l of l+m consecutive jobs, keeping m in the middle.
                let mut m = 1;
                while l + m < len && self.rng.chance(0.5) {
                    m += 1;
                }
                let total = l + m;
                let lo = pos.saturating_sub(total - 1).min(len - total);
                let hi = pos.min(len - total);
                let start = lo + self.rng.below(hi - lo + 1);
                let keep = start + self.rng.below(total - m + 1);
                let mut k = 0;
                route.nodes.retain(|&node| {
                    let i = k;
                    k += 1;
                    let del = i >= start && i < start + total && !(i >= keep && i < keep + m);
                    if del {
                        removed.push(node);
                    }
                    !del
                });
            } else {
                let lo = pos.saturating_sub(l - 1).min(len - l);
                let hi = pos.min(len - l);
                let start = lo + self.rng.below(hi - lo + 1);
                removed.extend(route.nodes.drain(start..start + l));
            }
            touched.push(v);
        }
        for &j in removed.iter() {
            s.unassign(inst, j);
        }
        for &v in touched.iter() {
            s.recompute(inst, v);
        }
    }

    /// Unassigned jobs near the ruined area also get a chance, so a pool of
    /// optional jobs is worked through without trying all of it every time.
    fn add_pool_candidates(&mut self, s: &State, removed: &mut Vec<u32>) {
        if s.unassigned.len() <= removed.len() {
            removed.clear();
            removed.extend_from_slice(&s.unassigned);
            return;
        }
        self.stamp = self.stamp.wrapping_add(1);
        for &j in removed.iter() {
            self.mark[j as usize] = self.stamp;
        }
        let base = removed.len();
        for i in 0..base {
            let j = removed[i] as usize;
            for &w in self.knn[j].iter().take(10) {
                if s.route_of[w as usize] == NONE && self.mark[w as usize] != self.stamp {
                    self.mark[w as usize] = self.stamp;
                    removed.push(w);
                }
            }
        }
        for _ in 0..2 {
            let w = s.unassigned[self.rng.below(s.unassigned.len())];
            if self.mark[w as usize] != self.stamp {
                self.mark[w as usize] = self.stamp;
                removed.push(w);
            }
        }
    }

    fn recreate(&mut self, s: &mut State, jobs: &mut [u32]) {
        let mut touched = Vec::new();
        self.recreate_tracked(s, jobs, &mut touched);
    }

    fn recreate_tracked(&mut self, s: &mut State, jobs: &mut [u32], touched: &mut Vec<u32>) {
        let inst = self.inst;
        // Random keys per job for the "random" order; deterministic given the rng.
        match self.rng.below(11) {
            0..=3 => {
                for i in (1..jobs.len()).rev() {
                    let k = self.rng.below(i + 1);
                    jobs.swap(i, k);
                }
            }
            4..=7 => {
                if inst.jobs.iter().any(|j| j.demand != 0) {
                    jobs.sort_by_key(|&j| std::cmp::Reverse(inst.jobs[j as usize].demand));
                } else {
                    jobs.sort_by_key(|&j| {
                        let job = &inst.jobs[j as usize];
                        job.late - job.early
                    });
                }
            }
            8..=9 => jobs.sort_by_key(|&j| std::cmp::Reverse(self.far[j as usize])),
            _ => jobs.sort_by_key(|&j| self.far[j as usize]),
        }
        // Higher prizes (tiers, fixed jobs) always go first: a lower tier never takes the place of a higher one.
        jobs.sort_by_key(|&j| std::cmp::Reverse(inst.jobs[j as usize].penalty));
        for &j in jobs.iter() {
            if s.route_of[j as usize] != NONE {
                continue;
            }
            if let Some(ins) = self.best_insertion(s, j) {
                s.take_unassigned(inst, j);
                s.routes[ins.v as usize].nodes.insert(ins.pos as usize, j);
                s.recompute(inst, ins.v);
                if !touched.contains(&ins.v) {
                    touched.push(ins.v);
                }
            }
        }
    }

    /// Cost of inserting `j` before position `pos` (0-based in the node list) of route `v`, if feasible.
    #[inline]
    fn eval(&self, s: &State, j: u32, v: u32, pos: usize) -> Option<i64> {
        let r = &s.routes[v as usize];
        let job = &self.inst.jobs[j as usize];
        let (a, b) = (&r.info[pos], &r.info[pos + 1]);
        let (p, q) = (a.node as usize, b.node as usize);
        // Row j of the matrix and of its transpose: both contiguous, so they stay in cache
        // while every position of every candidate route is tried for this job.
        let base = j as usize * self.n;
        let to_j = self.tt[base + p];
        let arr = a.dep + to_j;
        if arr > job.late {
            return None;
        }
        let from_j = self.inst.time[base + q];
        if arr.max(job.early) + job.service + from_j > b.latest {
            return None;
        }
        let mut delta = i64::from(to_j + from_j - a.arc);
        if job.prev_vehicle != NONE && job.prev_vehicle != v {
            delta += job.move_cost;
        }
        Some(delta)
    }

    fn scan_route(&mut self, s: &State, j: u32, v: u32, best: &mut Option<Ins>) {
        let inst = self.inst;
        let r = &s.routes[v as usize];
        if r.load + inst.jobs[j as usize].demand > inst.vehicles[v as usize].capacity {
            return;
        }
        let late = inst.jobs[j as usize].late;
        for pos in 0..=r.nodes.len() {
            // Earliest starts only grow along a route: once too late here, later is too late too.
            if r.info[pos].dep > late {
                break;
            }
            if self.rng.chance(self.p.blink_rate) {
                continue;
            }
            if let Some(d) = self.eval(s, j, v, pos)
                && best.is_none_or(|b| d < b.delta)
            {
                *best = Some(Ins {
                    v,
                    pos: pos as u32,
                    delta: d,
                });
            }
        }
    }

    /// 2-opt* (tail exchange) from the touched routes towards routes holding
    /// neighbours of their jobs, first improvement: A[..=i] + B[k+1..] and
    /// B[..=k] + A[i+1..]. Ruin-and-recreate never swaps whole tails, which long
    /// routes need. Only between identical vehicles, so each tail's latest starts
    /// (computed for the same depot and shift end) stay valid: O(1) per move.
    fn two_opt_star(&mut self, s: &mut State, touched: &mut Vec<u32>) {
        let inst = self.inst;
        let mut t = 0;
        let mut moves = 0;
        while t < touched.len() && moves < 64 {
            let a = touched[t];
            let mut improved = false;
            let la = s.routes[a as usize].nodes.len();
            'scan: for i in 1..=la {
                let u = s.routes[a as usize].info[i].node;
                let kn = self.p.ls_neighbours.min(self.knn[u as usize].len());
                for x in 0..kn {
                    let w = self.knn[u as usize][x];
                    let b = s.route_of[w as usize];
                    if b == NONE || b == a || self.class_of[b as usize] != self.class_of[a as usize]
                    {
                        continue;
                    }
                    let (ra, rb) = (&s.routes[a as usize], &s.routes[b as usize]);
                    let k1 = s.pos_of[w as usize] as usize + 1;
                    let k = k1 - 1;
                    // Pinned jobs and jobs with a move cost must not change vehicle.
                    if ra.last_pinned > i || rb.last_pinned > k {
                        continue;
                    }
                    let (pa, pa1, pb, pb1) =
                        (&ra.info[i], &ra.info[i + 1], &rb.info[k], &rb.info[k1]);
                    let t_uw = inst.t(u, w);
                    let t_ba = inst.t(pb.node, pa1.node);
                    if t_uw + t_ba >= pa.arc + pb.arc
                        || pa.dep + t_uw > pb1.latest
                        || pb.dep + t_ba > pa1.latest
                    {
                        continue;
                    }
                    let cap = inst.vehicles[a as usize].capacity;
                    if pa.load + (rb.load - pb.load) > cap || pb.load + (ra.load - pa.load) > cap {
                        continue;
                    }
                    let tail_a = ra.nodes[i..].to_vec();
                    let tail_b = rb.nodes[k..].to_vec();
                    s.routes[a as usize].nodes.truncate(i);
                    s.routes[a as usize].nodes.extend(tail_b);
                    s.routes[b as usize].nodes.truncate(k);
                    s.routes[b as usize].nodes.extend(tail_a);
                    s.recompute(inst, a);
                    s.recompute(inst, b);
                    if !touched.contains(&b) {
                        touched.push(b);
                    }
                    improved = true;
                    moves += 1;
                    break 'scan;
                }
            }
            if !improved {
                t += 1;
            }
        }
    }

    /// An empty vehicle of class `c`; the hint avoids rescanning a large uniform fleet.
    fn empty_of_class(&mut self, s: &State, c: usize) -> Option<u32> {
        let cls = &self.classes[c];
        let h = self.hint[c] as usize;
        if h < cls.len() && s.routes[cls[h] as usize].nodes.is_empty() {
            return Some(cls[h]);
        }
        let k = cls
            .iter()
            .position(|&v| s.routes[v as usize].nodes.is_empty())?;
        self.hint[c] = k as u32;
        Some(cls[k])
    }

    fn empty_vehicle_allowed(&mut self, s: &State, j: u32) -> bool {
        if s.empty == 0 {
            return false;
        }
        (0..self.classes.len()).any(|c| {
            self.empty_of_class(s, c)
                .is_some_and(|v| self.inst.allowed(j, v))
        })
    }

    fn best_insertion(&mut self, s: &State, j: u32) -> Option<Ins> {
        let inst = self.inst;
        let job = &inst.jobs[j as usize];
        let mut best: Option<Ins> = None;
        if job.only_vehicle != NONE {
            if inst.allowed(j, job.only_vehicle) {
                self.scan_route(s, j, job.only_vehicle, &mut best);
            }
            return best;
        }
        if self.full_scan {
            for v in 0..inst.vehicles.len() as u32 {
                if !s.routes[v as usize].nodes.is_empty() && inst.allowed(j, v) {
                    self.scan_route(s, j, v, &mut best);
                }
            }
        } else {
            let demand = job.demand;
            for k in 0..self.knn[j as usize].len() {
                let w = self.knn[j as usize][k];
                let v = s.route_of[w as usize];
                if v == NONE || !inst.allowed(j, v) {
                    continue;
                }
                let r = &s.routes[v as usize];
                if r.load + demand > inst.vehicles[v as usize].capacity {
                    continue;
                }
                let pw = s.pos_of[w as usize] as usize;
                for pos in [pw, pw + 1] {
                    if self.rng.chance(self.p.blink_rate) {
                        continue;
                    }
                    if let Some(d) = self.eval(s, j, v, pos)
                        && best.is_none_or(|b| d < b.delta)
                    {
                        best = Some(Ins {
                            v,
                            pos: pos as u32,
                            delta: d,
                        });
                    }
                }
            }
            // A job pinned to one day may have no routed neighbours on that day; and
            // before a job opens a new route, every existing route is worth a look.
            if best.is_none() && (job.day_min == job.day_max || self.empty_vehicle_allowed(s, j)) {
                for v in 0..inst.vehicles.len() as u32 {
                    if !s.routes[v as usize].nodes.is_empty() && inst.allowed(j, v) {
                        self.scan_route(s, j, v, &mut best);
                    }
                }
            }
        }
        let classes = if s.empty == 0 { 0 } else { self.classes.len() };
        for c in 0..classes {
            let Some(v) = self.empty_of_class(s, c) else {
                continue;
            };
            if inst.allowed(j, v)
                && job.demand <= inst.vehicles[v as usize].capacity
                && let Some(d) = self.eval(s, j, v, 0)
                && best.is_none_or(|b| d < b.delta)
            {
                best = Some(Ins {
                    v,
                    pos: 0,
                    delta: d,
                });
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_instance() -> Instance {
        // Depot at 0, jobs at 1..=4 on a line; travel = |a - b|.
        let xs: [i32; 5] = [1, 2, 3, 4, 0];
        let n = xs.len();
        let mut time = vec![0; n * n];
        for a in 0..n {
            for b in 0..n {
                time[a * n + b] = (xs[a] - xs[b]).abs();
            }
        }
        let jobs = (0..4).map(|_| JobSpec::new(1, 0, 100, 1000)).collect();
        let veh = VehicleSpec {
            start: 4,
            end: 4,
            shift_start: 0,
            shift_end: 100,
            capacity: 10,
            skills: 0,
            day: 0,
        };
        Instance {
            n_nodes: n,
            time,
            jobs,
            vehicles: vec![veh.clone(), veh],
        }
    }

    #[test]
    fn serves_all_on_a_line_with_minimal_travel() {
        let inst = line_instance();
        let sol = solve(&inst, None, &Budget::iterations(200), 1, &Params::default());
        assert!(sol.unassigned.is_empty());
        assert_eq!(sol.travel, 8);
    }

    #[test]
    fn windows_are_respected_and_impossible_jobs_dropped() {
        let mut inst = line_instance();
        inst.jobs[3].late = 2; // job at x=4 cannot be reached by time 2
        inst.jobs[0].early = 50;
        let sol = solve(&inst, None, &Budget::iterations(200), 1, &Params::default());
        assert_eq!(sol.unassigned, vec![3]);
        for (v, r) in sol.routes.iter().enumerate() {
            assert!(inst.route_travel(v as u32, r).1);
        }
    }
}

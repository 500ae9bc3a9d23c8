//! Window offers: for one unbooked job and the current plan, the booking
//! windows on the next working days that a crew already working nearby can
//! absorb without breaking any booked window or shift, ranked by added travel.
//! Read-only: the plan is not changed, and no search runs.

use crate::campaign::{Ctx, haversine_m};
use crate::date::Date;
use crate::model::{Crew, Plan, Problem};

#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub date: Date,
    pub start_min: i32,
    pub end_min: i32,
    pub crew: String,
    pub added_travel_s: i64,
}

/// Options for [`window_offers`].
#[derive(Clone, Debug)]
pub struct OfferOptions {
    pub days: usize,
    pub window_min: i32,
    /// Windows start every `step_min` minutes within the shift.
    pub step_min: i32,
    /// A crew counts as nearby if a stop of its day (or its depot) is this close.
    pub radius_km: f64,
}

impl Default for OfferOptions {
    fn default() -> OfferOptions {
        OfferOptions {
            days: 5,
            window_min: 120,
            step_min: 60,
            radius_km: 3.0,
        }
    }
}

/// Best offer per (date, window), ranked by added travel; empty if the job is unknown.
pub fn window_offers(
    problem: &Problem,
    plan: &Plan,
    job_id: &str,
    from: Date,
    opt: &OfferOptions,
) -> Vec<Offer> {
    let ctx = Ctx::new(problem);
    let Some(&j) = ctx.job_by_id.get(job_id) else {
        return Vec::new();
    };
    let job = &problem.jobs[j];
    let Some(need) = ctx.job_skills[j] else {
        return Vec::new();
    };
    let first = ctx
        .dates
        .partition_point(|d| *d < from.max(job.earliest.unwrap_or(from)));
    let radius_m = opt.radius_km * 1000.0;
    let near = |loc: usize| {
        let (a, b) = (problem.jobs[j].lat, problem.jobs[j].lon);
        let p = if loc < problem.jobs.len() {
            (problem.jobs[loc].lat, problem.jobs[loc].lon)
        } else {
            let c = &problem.crews[loc - problem.jobs.len()];
            (c.depot_lat, c.depot_lon)
        };
        haversine_m((a, b), p) <= radius_m
    };
    let mut best: Vec<Offer> = Vec::new();
    for &date in ctx.dates.iter().skip(first).take(opt.days) {
        for (c, crew) in problem.crews.iter().enumerate() {
            if crew.dates.binary_search(&date).is_err() || need & !ctx.crew_skills[c] != 0 {
                continue;
            }
            let stops = planned_stops(&ctx, plan, date, &crew.id, j);
            let depot = ctx.depot_loc(c);
            if !near(depot) && !stops.iter().any(|&k| near(k)) {
                continue;
            }
            let day = PlannedDay::new(&ctx, crew, depot, stops);
            if !day.feasible() {
                continue; // The day as planned is already infeasible; offer nothing on it.
            }
            offer_windows(&day, j, date, opt, &mut best);
        }
    }
    best.sort_by(|a, b| {
        (a.added_travel_s, a.date, a.start_min).cmp(&(b.added_travel_s, b.date, b.start_min))
    });
    best
}

/// The crew's planned stops on `date` as job indices, without job `j` itself.
fn planned_stops(ctx: &Ctx<'_>, plan: &Plan, date: Date, crew: &str, j: usize) -> Vec<usize> {
    plan.routes
        .iter()
        .find(|r| r.date == date && r.crew == crew)
        .map(|r| {
            r.stops
                .iter()
                .filter_map(|s| ctx.job_by_id.get(s.job.as_str()).copied())
                .filter(|&k| k != j)
                .collect()
        })
        .unwrap_or_default()
}

/// A crew's planned day as positions `0..=len + 1` (depot, stops, depot) with forward
/// earliest service starts and backward latest starts, as in the search.
struct PlannedDay<'a> {
    ctx: &'a Ctx<'a>,
    crew: &'a Crew,
    depot: usize,
    stops: Vec<usize>,
    fwd: Vec<i32>,
    bwd: Vec<i32>,
}

impl<'a> PlannedDay<'a> {
    /// The day's earliest and latest service starts at every position.
    fn new(ctx: &'a Ctx<'a>, crew: &'a Crew, depot: usize, stops: Vec<usize>) -> PlannedDay<'a> {
        let len = stops.len();
        let mut day = PlannedDay {
            ctx,
            crew,
            depot,
            stops,
            fwd: vec![crew.shift_start_min * 60; len + 2],
            bwd: vec![crew.shift_end_min * 60; len + 2],
        };
        for i in 1..=len + 1 {
            day.fwd[i] =
                (day.fwd[i - 1] + day.service(i - 1) + ctx.travel(day.loc(i - 1), day.loc(i)).0)
                    .max(if i <= len { day.tw(i).0 } else { 0 });
        }
        for i in (1..=len).rev() {
            day.bwd[i] = day
                .tw(i)
                .1
                .min(day.bwd[i + 1] - day.service(i) - ctx.travel(day.loc(i), day.loc(i + 1)).0);
        }
        day
    }

    /// Whether position `i` is the depot at either end.
    fn is_depot(&self, i: usize) -> bool {
        i == 0 || i == self.stops.len() + 1
    }

    /// Global location at position `i`.
    fn loc(&self, i: usize) -> usize {
        if self.is_depot(i) {
            self.depot
        } else {
            self.stops[i - 1]
        }
    }

    /// Service seconds at position `i`.
    fn service(&self, i: usize) -> i32 {
        if self.is_depot(i) {
            0
        } else {
            self.ctx.p.jobs[self.stops[i - 1]].service_min * 60
        }
    }

    /// Time window in seconds at position `i`: the shift at the depot, else the booked window or the whole day.
    fn tw(&self, i: usize) -> (i32, i32) {
        if self.is_depot(i) {
            (self.crew.shift_start_min * 60, self.crew.shift_end_min * 60)
        } else {
            self.ctx.p.jobs[self.stops[i - 1]]
                .window
                .as_ref()
                .map_or((0, 48 * 3600), |w| (w.start_min * 60, w.end_min * 60))
        }
    }

    /// Whether the day as planned keeps every booked window and the shift.
    fn feasible(&self) -> bool {
        !(1..=self.stops.len() + 1).any(|i| self.fwd[i] > self.bwd[i])
    }

    /// Least added travel of inserting job `j` anywhere in the day with its service
    /// starting within `[e, l]` seconds; `None` if no position fits.
    fn cheapest_insertion(&self, j: usize, e: i32, l: i32) -> Option<i64> {
        let ctx = self.ctx;
        let service_s = ctx.p.jobs[j].service_min * 60;
        let mut cheapest: Option<i64> = None;
        for pos in 0..=self.stops.len() {
            let (p, q) = (self.loc(pos), self.loc(pos + 1));
            let arr = self.fwd[pos] + self.service(pos) + ctx.travel(p, j).0;
            if arr > l {
                break;
            }
            let st = arr.max(e);
            let arr_q = st + service_s + ctx.travel(j, q).0;
            if arr_q > self.bwd[pos + 1] {
                continue;
            }
            let d = i64::from(ctx.travel(p, j).0 + ctx.travel(j, q).0 - ctx.travel(p, q).0);
            cheapest = Some(cheapest.map_or(d, |c| c.min(d)));
        }
        cheapest
    }
}

/// Tries every window start in the crew's shift on this day and keeps, per (date, window),
/// the crew with the least added travel in `best`.
fn offer_windows(
    day: &PlannedDay<'_>,
    j: usize,
    date: Date,
    opt: &OfferOptions,
    best: &mut Vec<Offer>,
) {
    let crew = day.crew;
    let mut start = crew.shift_start_min;
    while start + opt.window_min <= crew.shift_end_min {
        let (e, l) = (start * 60, (start + opt.window_min) * 60);
        if let Some(d) = day.cheapest_insertion(j, e, l) {
            match best
                .iter_mut()
                .find(|o| o.date == date && o.start_min == start)
            {
                Some(o) if o.added_travel_s <= d => {}
                Some(o) => {
                    o.crew = crew.id.clone();
                    o.added_travel_s = d;
                }
                None => best.push(Offer {
                    date,
                    start_min: start,
                    end_min: start + opt.window_min,
                    crew: crew.id.clone(),
                    added_travel_s: d,
                }),
            }
        }
        start += opt.step_min.max(1);
    }
}

//! Window offers: for one unbooked job and the current plan, the booking
//! windows on the next working days that a crew already working nearby can
//! absorb without breaking any booked window or shift, ranked by added travel.
//! Read-only: the plan is not changed, and no search runs.

use crate::campaign::{Ctx, haversine_m};
use crate::date::Date;
use crate::model::{Plan, Problem};

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
            let stops: Vec<usize> = plan
                .routes
                .iter()
                .find(|r| r.date == date && r.crew == crew.id)
                .map(|r| {
                    r.stops
                        .iter()
                        .filter_map(|s| ctx.job_by_id.get(s.job.as_str()).copied())
                        .filter(|&k| k != j)
                        .collect()
                })
                .unwrap_or_default();
            let depot = ctx.depot_loc(c);
            if !near(depot) && !stops.iter().any(|&k| near(k)) {
                continue;
            }
            // Forward earliest service starts and backward latest starts, as in the search.
            let len = stops.len();
            let loc = |i: usize| {
                if i == 0 || i == len + 1 {
                    depot
                } else {
                    stops[i - 1]
                }
            };
            let service = |i: usize| {
                if i == 0 || i == len + 1 {
                    0
                } else {
                    problem.jobs[stops[i - 1]].service_min * 60
                }
            };
            let tw = |i: usize| {
                if i == 0 || i == len + 1 {
                    (crew.shift_start_min * 60, crew.shift_end_min * 60)
                } else {
                    problem.jobs[stops[i - 1]]
                        .window
                        .as_ref()
                        .map_or((0, 48 * 3600), |w| (w.start_min * 60, w.end_min * 60))
                }
            };
            let mut fwd = vec![crew.shift_start_min * 60; len + 2];
            for i in 1..=len + 1 {
                fwd[i] = (fwd[i - 1] + service(i - 1) + ctx.travel(loc(i - 1), loc(i)).0)
                    .max(if i <= len { tw(i).0 } else { 0 });
            }
            let mut bwd = vec![crew.shift_end_min * 60; len + 2];
            for i in (1..=len).rev() {
                bwd[i] = tw(i)
                    .1
                    .min(bwd[i + 1] - service(i) - ctx.travel(loc(i), loc(i + 1)).0);
            }
            if (1..=len + 1).any(|i| fwd[i] > bwd[i]) {
                continue; // The day as planned is already infeasible; offer nothing on it.
            }
            let mut start = crew.shift_start_min;
            while start + opt.window_min <= crew.shift_end_min {
                let (e, l) = (start * 60, (start + opt.window_min) * 60);
                let mut cheapest: Option<i64> = None;
                for pos in 0..=len {
                    let (p, q) = (loc(pos), loc(pos + 1));
                    let arr = fwd[pos] + service(pos) + ctx.travel(p, j).0;
                    if arr > l {
                        break;
                    }
                    let st = arr.max(e);
                    let arr_q = st + job.service_min * 60 + ctx.travel(j, q).0;
                    if arr_q > bwd[pos + 1] {
                        continue;
                    }
                    let d = i64::from(ctx.travel(p, j).0 + ctx.travel(j, q).0 - ctx.travel(p, q).0);
                    cheapest = Some(cheapest.map_or(d, |c| c.min(d)));
                }
                if let Some(d) = cheapest {
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
    }
    best.sort_by(|a, b| {
        (a.added_travel_s, a.date, a.start_min).cmp(&(b.added_travel_s, b.date, b.start_min))
    });
    best
}

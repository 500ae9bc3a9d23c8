//! A synthetic town for benchmarks and tests (deterministic for a seed):
//! meters around 59.33 N 14.52 E within ~15 km, crews at three depots.
//! Mix as in the planner issue: service 20–40 min, tiers 10/30/60 %, 10 %
//! needing a skill ("ct") that a third of the crews have, 15 % with a booked
//! 2-hour window on one of the given dates, shifts 07:00–15:00.

use crate::date::{Date, hhmm};
use crate::model::{Crew, Job, Problem, Travel, Window};
use crate::rng::Rng;

pub const CENTRE: (f64, f64) = (59.33, 14.52);

#[derive(Clone, Debug)]
pub struct TownSpec {
    pub jobs: usize,
    pub crews: usize,
    /// Working dates of every crew; booked windows fall on these.
    pub dates: Vec<Date>,
    pub window_share: f64,
    pub seed: u64,
}

fn offset(rng: &mut Rng, max_km: f64) -> (f64, f64) {
    // Uniform over the disc.
    let r = max_km * rng.unit().sqrt();
    let a = rng.unit() * std::f64::consts::TAU;
    let (dy, dx) = (r * a.sin(), r * a.cos());
    (
        CENTRE.0 + dy / 111.32,
        CENTRE.1 + dx / (111.32 * CENTRE.0.to_radians().cos()),
    )
}

/// Generates the town problem.
pub fn generate(spec: &TownSpec) -> Problem {
    let mut rng = Rng::new(spec.seed);
    let depots = [CENTRE, (59.36, 14.45), (59.30, 14.60)];
    let crews = (0..spec.crews)
        .map(|i| Crew {
            id: format!("crew{:02}", i + 1),
            skills: if i % 3 == 0 {
                vec!["ct".into()]
            } else {
                Vec::new()
            },
            depot_lat: depots[i % 3].0,
            depot_lon: depots[i % 3].1,
            shift_start_min: 7 * 60,
            shift_end_min: 15 * 60,
            dates: spec.dates.clone(),
        })
        .collect();
    let jobs = (0..spec.jobs)
        .map(|i| {
            // A dense centre and a sparse rest of the municipality.
            let (lat, lon) = if rng.chance(0.6) {
                offset(&mut rng, 4.0)
            } else {
                offset(&mut rng, 15.0)
            };
            let service_min = 20 + rng.below(21) as i32;
            let u = rng.unit();
            let tier = if u <= 0.1 {
                1
            } else if u <= 0.4 {
                2
            } else {
                3
            };
            let skill = rng.chance(0.1).then(|| "ct".to_string());
            let window = (rng.chance(spec.window_share) && !spec.dates.is_empty()).then(|| {
                let start = (7 + rng.below(7) as i32) * 60;
                Window {
                    date: spec.dates[rng.below(spec.dates.len())],
                    start_min: start,
                    end_min: start + 120,
                }
            });
            Job {
                id: format!("m{:05}", i + 1),
                lat: (lat * 1e6).round() / 1e6,
                lon: (lon * 1e6).round() / 1e6,
                service_min,
                tier,
                skill,
                window,
                fixed: None,
                earliest: None,
            }
        })
        .collect();
    Problem {
        jobs,
        crews,
        travel: Travel::default(),
    }
}

/// JOBS.csv text for the generated jobs.
pub fn jobs_csv(jobs: &[Job]) -> String {
    let mut s = crate::csv::JOB_COLUMNS.join(",");
    s.push('\n');
    for j in jobs {
        let (wd, ws, we) =
            j.window
                .as_ref()
                .map_or((String::new(), String::new(), String::new()), |w| {
                    (
                        w.date.to_string(),
                        hhmm(i64::from(w.start_min)),
                        hhmm(i64::from(w.end_min)),
                    )
                });
        let (fc, fd) = j
            .fixed
            .as_ref()
            .map_or((String::new(), String::new()), |f| {
                (f.crew.clone(), f.date.to_string())
            });
        let e = j.earliest.map_or(String::new(), |d| d.to_string());
        s.push_str(&format!(
            "{},{},{},{},{},{},{wd},{ws},{we},{fc},{fd},{e}\n",
            j.id,
            j.lat,
            j.lon,
            j.service_min,
            j.tier,
            j.skill.as_deref().unwrap_or("")
        ));
    }
    s
}

/// CREWS.csv text for the generated crews.
pub fn crews_csv(crews: &[Crew]) -> String {
    let mut s = crate::csv::CREW_COLUMNS.join(",");
    s.push('\n');
    for c in crews {
        s.push_str(&format!(
            "{},{},{},{},{},{}\n",
            c.id,
            c.skills.join(";"),
            c.depot_lat,
            c.depot_lon,
            hhmm(i64::from(c.shift_start_min)),
            hhmm(i64::from(c.shift_end_min))
        ));
    }
    s
}

//! The campaign's input and output types: jobs, crews, the travel model, the
//! plan with its unassigned reasons and KPIs, and input validation errors.

use crate::date::Date;
use std::fmt;

/// A booked visit window on one date, minutes after midnight.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub date: Date,
    pub start_min: i32,
    pub end_min: i32,
}

/// A job that is already notified or booked: its crew and date never change.
#[derive(Clone, Debug, PartialEq)]
pub struct Fixed {
    pub crew: String,
    pub date: Date,
}

/// One meter exchange.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    pub service_min: i32,
    /// 1, 2 or 3; a lower number is served first.
    pub tier: u8,
    pub skill: Option<String>,
    pub window: Option<Window>,
    pub fixed: Option<Fixed>,
    /// Not before this date (a deferral's review date, or the day after a failed visit).
    pub earliest: Option<Date>,
}

/// A crew with its depot, shift and working dates (public holidays already removed).
#[derive(Clone, Debug, PartialEq)]
pub struct Crew {
    pub id: String,
    pub skills: Vec<String>,
    pub depot_lat: f64,
    pub depot_lon: f64,
    pub shift_start_min: i32,
    pub shift_end_min: i32,
    /// Sorted working dates.
    pub dates: Vec<Date>,
}

/// How travel time and distance are derived.
#[derive(Clone, Debug, PartialEq)]
pub enum Travel {
    /// Great-circle distance × `detour` at `speed_kmh`.
    Haversine { detour: f64, speed_kmh: f64 },
    /// Supplied matrices over the locations "all jobs in order, then all crew
    /// depots in order", row-major.
    Matrix { seconds: Vec<u32>, meters: Vec<u32> },
}

impl Default for Travel {
    fn default() -> Travel {
        Travel::Haversine {
            detour: 1.3,
            speed_kmh: 40.0,
        }
    }
}

impl Travel {
    /// Travel seconds between two points (latitude, longitude in degrees) by the haversine
    /// model; `None` for supplied matrices, which know only their own locations.
    pub fn seconds_between(&self, a: (f64, f64), b: (f64, f64)) -> Option<i32> {
        match self {
            Travel::Haversine { detour, speed_kmh } => {
                let m = crate::campaign::haversine_m(a, b) * detour;
                Some((m / (speed_kmh / 3.6)).round() as i32)
            }
            Travel::Matrix { .. } => None,
        }
    }
}

/// Everything the planner needs.
#[derive(Clone, Debug, Default)]
pub struct Problem {
    pub jobs: Vec<Job>,
    pub crews: Vec<Crew>,
    pub travel: Travel,
}

/// One visit in a route; times are minutes after midnight.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub job: String,
    /// Service start (the crew is at the door).
    pub arrive_min: i32,
    pub depart_min: i32,
}

/// One crew's day.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub crew: String,
    pub date: Date,
    pub stops: Vec<Stop>,
    pub travel_s: i64,
    pub travel_m: i64,
}

/// Why a job is not in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NoCrewWithSkill,
    WindowCannotBeMet,
    BeyondHorizon,
    Deferred,
    /// Its fixed crew does not work that day any more (e.g. off sick); a person must re-book it.
    CrewUnavailable,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoCrewWithSkill => "no crew has the skill",
            Reason::WindowCannotBeMet => "window cannot be met",
            Reason::BeyondHorizon => "beyond the horizon",
            Reason::Deferred => "deferred",
            Reason::CrewUnavailable => "fixed crew unavailable",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Unassigned {
    pub job: String,
    pub reason: Reason,
}

/// Key figures of a plan.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Kpi {
    pub jobs_total: usize,
    pub jobs_assigned: usize,
    pub crew_days_used: usize,
    pub jobs_per_crew_day: f64,
    pub travel_km: f64,
    pub travel_hours: f64,
    /// Per tier 1..=3: assigned, total, and the forecast completion: the last planned date,
    /// or `None` when some job of the tier did not fit the horizon.
    pub assigned_by_tier: [usize; 3],
    pub total_by_tier: [usize; 3],
    pub completion_by_tier: [Option<Date>; 3],
    /// Jobs whose crew-day differs from the previous plan (re-plans only).
    pub moved: usize,
}

/// The planner's answer.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plan {
    pub routes: Vec<Route>,
    pub unassigned: Vec<Unassigned>,
    pub kpi: Kpi,
}

/// Which input file an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFile {
    Jobs,
    Crews,
}

/// A bad input value: file, row (1-based line, header = 1), column, what and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    pub file: InputFile,
    pub row: usize,
    pub column: String,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column {}: {} — fix: {}",
            self.row, self.column, self.message, self.fix
        )
    }
}

impl std::error::Error for InputError {}

//! What the coverage board, the cover proposals, the alerts, the report and the policy hook
//! all compute from: functions and shifts, staff, rosters and absences over a span of days, and
//! the continuity policies in force over it, loaded once per request.

use std::collections::{BTreeSet, HashMap};

use domain::continuity::coverage::{Cell, ShiftTimes};
use domain::continuity::values::Competence;
use domain::continuity::worktime::{Load, Span};
use domain::continuity::{ContinuityPolicy, CoverageStatus};
use domain::ids::{FunctionId, ShiftId, StaffId};
use domain::policy::{Capability, Policy, PolicyBody, Preset};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use store::continuity::{AbsenceRow, FunctionRow, RosterRow, ShiftRow, StaffRow};

use super::settings::ContinuitySettings;
use crate::Services;
use crate::error::{Result, ServiceError};

/// One shift on one day, as the board and the report show it.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence<'a> {
    pub function: &'a FunctionRow,
    pub shift: &'a ShiftRow,
    pub date: Date,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub cell: Cell<StaffId>,
}

impl Occurrence<'_> {
    pub fn status(&self) -> CoverageStatus {
        self.cell.status()
    }
}

pub(crate) fn times(shift: &ShiftRow) -> ShiftTimes {
    ShiftTimes {
        start_min: i32::try_from(shift.starts_min).unwrap_or(0),
        end_min: i32::try_from(shift.ends_min).unwrap_or(0),
    }
}

/// The loaded data.
pub(crate) struct World {
    pub tz: TimeZone,
    pub settings: ContinuitySettings,
    pub functions: Vec<FunctionRow>,
    pub shifts: Vec<ShiftRow>,
    pub staff: Vec<StaffRow>,
    pub competences: HashMap<StaffId, Vec<Competence>>,
    pub roster: Vec<RosterRow>,
    pub absences: Vec<AbsenceRow>,
    policies: Vec<Policy>,
    by_slot: HashMap<(ShiftId, Date), Vec<StaffId>>,
    absent: HashMap<StaffId, Vec<(Date, Date)>>,
}

/// Which parts to load.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Parts {
    pub competences: bool,
}

impl World {
    /// Functions, shifts and staff, and the roster and absences of the days `[from, to]`.
    pub async fn load(s: &Services, from: Date, to: Date, parts: Parts) -> Result<World> {
        let store = s.store();
        let tz = s.tz().clone();
        let settings = s.continuity().settings().await?;
        let functions = store::continuity::functions(store).await?;
        let shifts = store::continuity::shifts(store).await?;
        let staff = store::continuity::staff(store).await?;
        let mut competences: HashMap<StaffId, Vec<Competence>> = HashMap::new();
        if parts.competences {
            for c in store::continuity::competences(store).await? {
                competences
                    .entry(c.staff_id)
                    .or_default()
                    .push(c.competence);
            }
        }
        let roster = store::continuity::roster_between(store, from, to).await?;
        let absences = store::continuity::absences_between(store, from, to).await?;
        // Policies over the whole span, the night shift of its last day included.
        let lo = domain::time::to_micros(domain::time::start_of_day(from, &tz));
        let hi = domain::time::to_micros(domain::time::start_of_day(plus(to, 2), &tz));
        let mut policies = Vec::new();
        for (f, t, body) in store::continuity::policies_between(store, lo, hi).await? {
            let body = PolicyBody::from_json(&body)
                .map_err(|e| ServiceError::Internal(format!("stored continuity policy: {e}")))?;
            policies.push(Policy {
                body,
                effective_from: domain::time::from_micros(f),
                effective_to: t.map(domain::time::from_micros),
                set_by: String::new(),
                reason: String::new(),
            });
        }
        Ok(World::new(
            tz,
            settings,
            (functions, shifts, staff),
            competences,
            roster,
            absences,
            policies,
        ))
    }

    pub fn new(
        tz: TimeZone,
        settings: ContinuitySettings,
        (functions, shifts, staff): (Vec<FunctionRow>, Vec<ShiftRow>, Vec<StaffRow>),
        competences: HashMap<StaffId, Vec<Competence>>,
        roster: Vec<RosterRow>,
        absences: Vec<AbsenceRow>,
        policies: Vec<Policy>,
    ) -> World {
        let mut by_slot: HashMap<(ShiftId, Date), Vec<StaffId>> = HashMap::new();
        for r in &roster {
            by_slot
                .entry((r.shift_id, r.on_date))
                .or_default()
                .push(r.staff_id);
        }
        let mut absent: HashMap<StaffId, Vec<(Date, Date)>> = HashMap::new();
        for a in &absences {
            absent
                .entry(a.staff_id)
                .or_default()
                .push((a.from_date, a.to_date));
        }
        World {
            tz,
            settings,
            functions,
            shifts,
            staff,
            competences,
            roster,
            absences,
            policies,
            by_slot,
            absent,
        }
    }

    /// The continuity policy in force at an instant.
    pub fn policy_at(&self, at: Timestamp) -> ContinuityPolicy {
        match domain::policy::select_in_force(&self.policies, Capability::Continuity, at) {
            PolicyBody::Continuity(p) => p,
            _ => match PolicyBody::preset(Capability::Continuity, Preset::Normal) {
                PolicyBody::Continuity(p) => p,
                _ => ContinuityPolicy::preset(false),
            },
        }
    }

    pub fn function(&self, id: FunctionId) -> Option<&FunctionRow> {
        self.functions.iter().find(|f| f.id == id)
    }

    pub fn function_by_code(&self, code: &str) -> Option<&FunctionRow> {
        self.functions.iter().find(|f| f.code == code)
    }

    pub fn shift(&self, id: ShiftId) -> Option<&ShiftRow> {
        self.shifts.iter().find(|s| s.id == id)
    }

    pub fn shifts_of(&self, function: FunctionId) -> impl Iterator<Item = &ShiftRow> {
        self.shifts
            .iter()
            .filter(move |s| s.function_id == function)
    }

    pub fn person(&self, id: StaffId) -> Option<&StaffRow> {
        self.staff.iter().find(|p| p.id == id)
    }

    pub fn is_absent(&self, staff: StaffId, date: Date) -> bool {
        self.absent
            .get(&staff)
            .is_some_and(|spans| spans.iter().any(|(f, t)| *f <= date && date <= *t))
    }

    pub fn rostered(&self, shift: ShiftId, date: Date) -> &[StaffId] {
        self.by_slot
            .get(&(shift, date))
            .map_or(&[], |v| v.as_slice())
    }

    /// One shift on one day under the policy in force at its start (or under `policy`).
    pub fn occurrence<'a>(
        &'a self,
        function: &'a FunctionRow,
        shift: &'a ShiftRow,
        date: Date,
        policy: Option<&ContinuityPolicy>,
    ) -> Occurrence<'a> {
        let (starts_at, ends_at) = times(shift).occurrence(date, &self.tz);
        let raised = match policy {
            Some(p) => p.raises(&function.code),
            None => self.policy_at(starts_at).raises(&function.code),
        };
        let required =
            domain::continuity::coverage::required(shift.min_staff, shift.min_staff_crisis, raised);
        let cell = Cell::new(required, self.rostered(shift.id, date).to_vec(), |p| {
            self.is_absent(*p, date)
        });
        Occurrence {
            function,
            shift,
            date,
            starts_at,
            ends_at,
            cell,
        }
    }

    /// Every shift of every function on the days `[from, to]`, functions in their order.
    pub fn occurrences(&self, from: Date, to: Date) -> Vec<Occurrence<'_>> {
        let mut out = Vec::new();
        for f in &self.functions {
            for s in self.shifts_of(f.id) {
                let mut d = from;
                while d <= to {
                    out.push(self.occurrence(f, s, d, None));
                    d = plus(d, 1);
                }
            }
        }
        out
    }

    /// Each person's work periods from the roster loaded.
    pub fn loads(&self) -> HashMap<StaffId, Load> {
        let mut spans: HashMap<StaffId, Vec<Span>> = HashMap::new();
        for r in &self.roster {
            if let Some(shift) = self.shift(r.shift_id) {
                spans
                    .entry(r.staff_id)
                    .or_default()
                    .push(times(shift).span(r.on_date, &self.tz));
            }
        }
        spans
            .into_iter()
            .map(|(p, v)| (p, Load::new(v, &self.tz)))
            .collect()
    }

    /// The teams of the people rostered on a shift (those absent included: cover comes from
    /// the team that is missing someone).
    pub fn teams_on(&self, shift: ShiftId, date: Date) -> BTreeSet<String> {
        self.rostered(shift, date)
            .iter()
            .filter_map(|p| self.person(*p))
            .map(|p| p.team.clone())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

pub(crate) fn plus(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

//! Editing the roster in the app: one function's shifts over some days, adding a person
//! (checked against absence, competences, overlapping shifts and the working-time rules; a
//! breach only as a deviation a manager records with a reason) and taking one off.

use domain::continuity::worktime::Load;
use domain::continuity::{ContinuityProblem, CoverageStatus, RosterSource};
use domain::ids::{FunctionId, RosterEntryId, ShiftId, StaffId};
use domain::problem::Problem;
use jiff::civil::Date;
use store::continuity::{FunctionRow, RosterRow, ShiftRow, StaffRow};

use super::world::{Parts, World, plus, times};
use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// A person to add to a shift on a day; a deviation reason when the change breaks a rule on
/// purpose (13 §: something unforeseen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterChange {
    pub staff: StaffId,
    pub shift: ShiftId,
    pub date: Date,
    pub deviation: Option<String>,
}

/// One shift on one day in the roster editor.
#[derive(Clone, Debug)]
pub struct RosterDay {
    pub date: Date,
    pub required: i64,
    pub present: i64,
    pub status: CoverageStatus,
    /// The entries with the person's name, and whether they are absent that day.
    pub entries: Vec<(RosterRow, String, bool)>,
}

#[derive(Clone, Debug)]
pub struct RosterShift {
    pub shift: ShiftRow,
    pub days: Vec<RosterDay>,
}

/// One function's roster over some days, and who may be put on it.
#[derive(Clone, Debug)]
pub struct RosterView {
    pub function: FunctionRow,
    pub from: Date,
    pub days: u32,
    pub shifts: Vec<RosterShift>,
    /// People holding the function's competences (valid on the first day).
    pub qualified: Vec<StaffRow>,
}

impl Continuity {
    /// One function's roster for `days` days from `from`.
    pub async fn roster(
        &self,
        actor: &Actor,
        function: FunctionId,
        from: Date,
        days: u32,
    ) -> Result<RosterView> {
        Self::require(actor, roles::MANAGE)?;
        if !(1..=super::coverage::MAX_DAYS).contains(&days) {
            return Err(ServiceError::invalid(
                "days",
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(super::coverage::MAX_DAYS),
                },
            ));
        }
        let to = plus(from, i64::from(days) - 1);
        let world = World::load(&self.s, from, to, Parts { competences: true }).await?;
        let f = world.function(function).ok_or(ServiceError::NotFound)?;
        let mut shifts = Vec::new();
        for s in world.shifts_of(f.id) {
            let mut out = Vec::new();
            let mut d = from;
            while d <= to {
                let o = world.occurrence(f, s, d, None);
                let entries = world
                    .roster
                    .iter()
                    .filter(|r| r.shift_id == s.id && r.on_date == d)
                    .map(|r| {
                        let name = world
                            .person(r.staff_id)
                            .map(|p| p.name.clone())
                            .unwrap_or_default();
                        (r.clone(), name, world.is_absent(r.staff_id, d))
                    })
                    .collect();
                out.push(RosterDay {
                    date: d,
                    required: o.cell.required,
                    present: o.cell.present(),
                    status: o.status(),
                    entries,
                });
                d = plus(d, 1);
            }
            shifts.push(RosterShift {
                shift: s.clone(),
                days: out,
            });
        }
        let qualified = world
            .staff
            .iter()
            .filter(|p| {
                let held = world.competences.get(&p.id).map_or(&[][..], Vec::as_slice);
                domain::continuity::cover::missing_competence(&f.competences, held, from).is_none()
            })
            .cloned()
            .collect();
        Ok(RosterView {
            function: f.clone(),
            from,
            days,
            shifts,
            qualified,
        })
    }

    /// Puts a person on a shift. Refused when they are absent that day, lack a competence, are
    /// on an overlapping shift, or the shift breaks a working-time rule — the last unless a
    /// deviation reason is given, which is then stored with the manager's name and shown.
    pub async fn add_to_roster(
        &self,
        actor: &Actor,
        change: &RosterChange,
    ) -> Result<RosterEntryId> {
        Self::require(actor, roles::MANAGE)?;
        let store = self.s.store();
        let (person, shifts, function) = self.roster_subjects(change).await?;
        let shift = shifts
            .iter()
            .find(|s| s.id == change.shift)
            .ok_or(ServiceError::NotFound)?;
        let held = store::continuity::competences_of(store, person.id).await?;
        if let Some(missing) =
            domain::continuity::cover::missing_competence(&function.competences, &held, change.date)
        {
            return Err(ServiceError::invalid(
                "staff",
                ContinuityProblem::MissingCompetence {
                    competence: missing.clone(),
                },
            ));
        }
        let deviation = change
            .deviation
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if deviation.is_some_and(|r| r.chars().count() > 500) {
            return Err(ServiceError::invalid(
                "deviation",
                Problem::TooLong { max: 500 },
            ));
        }
        let settings = self.settings().await?;
        let tz = self.s.tz().clone();
        let mut tx = store.begin().await?;
        let absent = store::continuity::absences_between_in(&mut tx, change.date, change.date)
            .await?
            .iter()
            .any(|a| a.staff_id == person.id);
        if absent {
            return Err(ServiceError::invalid("staff", ContinuityProblem::Absent));
        }
        let from = plus(
            Date::new(change.date.year(), 1, 1).unwrap_or(change.date),
            -7,
        );
        let mine = store::continuity::roster_of_in(&mut tx, person.id, from, plus(change.date, 35))
            .await?;
        let span = times(shift).span(change.date, &tz);
        let load = Load::new(
            mine.iter()
                .filter_map(|r| {
                    shifts
                        .iter()
                        .find(|s| s.id == r.shift_id)
                        .map(|s| times(s).span(r.on_date, &tz))
                })
                .collect(),
            &tz,
        );
        if load.overlaps(span) {
            return Err(ServiceError::invalid(
                "staff",
                ContinuityProblem::AlreadyRostered,
            ));
        }
        if let Err(breach) = load.check_addition(span, person.weekly_minutes, &settings.rules, &tz)
            && deviation.is_none()
        {
            return Err(ServiceError::invalid(
                "staff",
                ContinuityProblem::from(breach),
            ));
        }
        let now = self.s.now_micros();
        let entry = store::continuity::NewRosterEntry {
            staff_id: person.id,
            shift_id: shift.id,
            on_date: change.date,
            source: RosterSource::App,
            deviation: deviation.map(|r| (r, actor.name.as_str())),
            created_by: &actor.name,
            now,
        };
        if store::continuity::insert_roster(&mut tx, &[entry]).await? == 0 {
            return Err(ServiceError::invalid(
                "staff",
                ContinuityProblem::AlreadyRostered,
            ));
        }
        let id = store::continuity::roster_of_in(&mut tx, person.id, change.date, change.date)
            .await?
            .into_iter()
            .find(|r| r.shift_id == shift.id)
            .map(|r| r.id)
            .ok_or_else(|| ServiceError::Internal("roster entry just written is missing".into()))?;
        let detail = if deviation.is_some() { "deviation" } else { "" };
        self.audit(
            &mut tx,
            actor,
            "roster_added",
            "roster_entry",
            id.get(),
            detail,
        )
        .await?;
        tx.commit().await?;
        self.alert_red_shifts().await?;
        Ok(id)
    }

    /// The person, every shift and the function of the shift a change names.
    async fn roster_subjects(
        &self,
        change: &RosterChange,
    ) -> Result<(StaffRow, Vec<ShiftRow>, FunctionRow)> {
        let store = self.s.store();
        let person = store::continuity::staff_member(store, change.staff)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let shifts = store::continuity::shifts(store).await?;
        let function_id = shifts
            .iter()
            .find(|s| s.id == change.shift)
            .map(|s| s.function_id)
            .ok_or(ServiceError::NotFound)?;
        let function = store::continuity::functions(store)
            .await?
            .into_iter()
            .find(|f| f.id == function_id)
            .ok_or(ServiceError::NotFound)?;
        Ok((person, shifts, function))
    }

    /// Takes a person off a shift.
    pub async fn remove_from_roster(&self, actor: &Actor, id: RosterEntryId) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        let mut tx = self.s.store().begin().await?;
        if store::continuity::delete_roster_entry(&mut tx, id).await? == 0 {
            return Err(ServiceError::NotFound);
        }
        self.audit(
            &mut tx,
            actor,
            "roster_removed",
            "roster_entry",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        self.alert_red_shifts().await?;
        Ok(())
    }
}

//! The three import files (layouts in the README): functions with their shifts, staff, and
//! rosters. UTF-8, comma or semicolon separated, one header row; all or nothing, in one
//! transaction; a bad value names its line and field; a second import of the same file changes
//! nothing. Every new roster entry is checked against the working-time rules.

use std::collections::{BTreeMap, HashMap};

use domain::continuity::coverage::ShiftTimes;
use domain::continuity::values::{self, Competence};
use domain::continuity::worktime::Load;
use domain::continuity::{ContinuityProblem, RosterSource, Service};
use domain::ids::{ShiftId, StaffId};
use domain::problem::Problem;
use jiff::civil::Date;
use store::continuity::{NewFunction, NewRosterEntry, NewShift};

use super::staff::{ParsedStaff, StaffInput, parse_staff};
use super::world::plus;
use super::{Continuity, roles};
use crate::Actor;

pub use crate::import::{ImportCounts, ImportError, LineError};
use crate::import::{ImportResult, get};

pub const FUNCTION_COLUMNS: [&str; 10] = [
    "code",
    "name",
    "service",
    "shift",
    "start",
    "end",
    "min_staff",
    "min_staff_crisis",
    "competences",
    "remote_ok",
];
pub const STAFF_COLUMNS: [&str; 7] = [
    "employee_number",
    "name",
    "team",
    "competences",
    "phone",
    "email",
    "remote_possible",
];
pub const ROSTER_COLUMNS: [&str; 4] = ["employee_number", "function_code", "shift", "date"];

fn read_csv(
    bytes: &[u8],
    required: &[&'static str],
    optional: &[&'static str],
) -> ImportResult<Vec<(u64, crate::import::Row)>> {
    crate::import::read_csv(
        bytes,
        required,
        optional,
        ContinuityProblem::NotUtf8.into(),
        |expected| ContinuityProblem::Header { expected }.into(),
    )
}

fn at(line: u64, field: &'static str) -> impl Fn(Problem) -> ImportError {
    move |problem| {
        LineError {
            line,
            field,
            problem,
        }
        .into()
    }
}

fn count(s: &str) -> Result<i64, Problem> {
    match s.trim().parse::<i64>() {
        Ok(n) if (0..=1000).contains(&n) => Ok(n),
        Ok(_) => Err(Problem::OutOfRange { min: 0, max: 1000 }),
        Err(_) => Err(Problem::NotANumber),
    }
}

/// One row of the functions file, parsed.
struct FunctionLine {
    line: u64,
    code: String,
    name: String,
    service: Service,
    competences: Vec<String>,
    remote_ok: bool,
    shift: String,
    start: i32,
    end: i32,
    min_staff: i64,
    min_staff_crisis: i64,
}

fn parse_function_line(line: u64, row: &crate::import::Row) -> ImportResult<FunctionLine> {
    Ok(FunctionLine {
        line,
        code: values::code(get(row, "code")).map_err(at(line, "code"))?,
        name: values::required_text(get(row, "name"), 100).map_err(at(line, "name"))?,
        service: get(row, "service")
            .trim()
            .parse::<Service>()
            .map_err(|e| at(line, "service")(Problem::UnknownChoice(e)))?,
        shift: values::code(get(row, "shift")).map_err(at(line, "shift"))?,
        start: values::clock(get(row, "start")).map_err(at(line, "start"))?,
        end: values::clock(get(row, "end")).map_err(at(line, "end"))?,
        min_staff: count(get(row, "min_staff")).map_err(at(line, "min_staff"))?,
        min_staff_crisis: count(get(row, "min_staff_crisis"))
            .map_err(at(line, "min_staff_crisis"))?,
        competences: values::codes(get(row, "competences")).map_err(at(line, "competences"))?,
        remote_ok: values::boolean(get(row, "remote_ok")).map_err(at(line, "remote_ok"))?,
    })
}

/// The functions file, parsed and checked row by row: a shift once per function, and the same
/// name, service, competences and remoteness on every row of a function.
fn parse_function_file(bytes: &[u8]) -> ImportResult<Vec<FunctionLine>> {
    let rows = read_csv(bytes, &FUNCTION_COLUMNS, &[])?;
    let mut lines: Vec<FunctionLine> = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        let f = parse_function_line(*line, row)?;
        if let Some(first) = lines.iter().find(|x| x.code == f.code) {
            if first.shift == f.shift {
                return Err(at(f.line, "shift")(
                    ContinuityProblem::Duplicate { line: first.line }.into(),
                ));
            }
            if (
                &first.name,
                first.service,
                &first.competences,
                first.remote_ok,
            ) != (&f.name, f.service, &f.competences, f.remote_ok)
            {
                return Err(at(f.line, "code")(
                    ContinuityProblem::Inconsistent { line: first.line }.into(),
                ));
            }
        }
        lines.push(f);
    }
    Ok(lines)
}

impl Continuity {
    /// `beredskap import functions`: one row per function and shift.
    pub async fn import_functions(
        &self,
        actor: &Actor,
        bytes: &[u8],
    ) -> ImportResult<ImportCounts> {
        Self::require(actor, roles::MANAGE)?;
        let lines = parse_function_file(bytes)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let mut functions: HashMap<String, store::continuity::FunctionRow> =
            store::continuity::functions_in(&mut tx)
                .await?
                .into_iter()
                .map(|f| (f.code.clone(), f))
                .collect();
        let shifts = store::continuity::shifts_in(&mut tx).await?;
        let mut counts = ImportCounts::default();
        let mut changed_functions: Vec<String> = Vec::new();
        for f in &lines {
            let new = NewFunction {
                code: &f.code,
                name: &f.name,
                service: f.service,
                competences: &f.competences,
                remote_ok: f.remote_ok,
                now,
            };
            let (function_id, function_changed) = match functions.get(&f.code) {
                None => {
                    let id = store::continuity::insert_function(&mut tx, &new).await?;
                    functions.insert(
                        f.code.clone(),
                        store::continuity::FunctionRow {
                            id,
                            code: f.code.clone(),
                            name: f.name.clone(),
                            service: f.service,
                            competences: f.competences.clone(),
                            remote_ok: f.remote_ok,
                        },
                    );
                    changed_functions.push(f.code.clone());
                    (id, true)
                }
                Some(existing) => {
                    let differs = (
                        &existing.name,
                        existing.service,
                        &existing.competences,
                        existing.remote_ok,
                    ) != (&f.name, f.service, &f.competences, f.remote_ok);
                    if differs {
                        store::continuity::update_function(&mut tx, existing.id, &new).await?;
                        changed_functions.push(f.code.clone());
                    }
                    (existing.id, changed_functions.contains(&f.code))
                }
            };
            let shift = NewShift {
                function_id,
                shift: &f.shift,
                starts_min: i64::from(f.start),
                ends_min: i64::from(f.end),
                min_staff: f.min_staff,
                min_staff_crisis: f.min_staff_crisis,
            };
            match shifts
                .iter()
                .find(|s| s.function_id == function_id && s.shift == f.shift)
            {
                None => {
                    store::continuity::insert_shift(&mut tx, &shift).await?;
                    counts.inserted += 1;
                }
                Some(s) => {
                    let same = (s.starts_min, s.ends_min, s.min_staff, s.min_staff_crisis)
                        == (
                            shift.starts_min,
                            shift.ends_min,
                            shift.min_staff,
                            shift.min_staff_crisis,
                        );
                    if !same {
                        store::continuity::update_shift(&mut tx, s.id, &shift).await?;
                    }
                    if same && !function_changed {
                        counts.unchanged += 1;
                    } else {
                        counts.updated += 1;
                    }
                }
            }
        }
        let detail = serde_json::to_string(&counts).unwrap_or_default();
        self.audit(
            &mut tx,
            actor,
            "continuity_import_functions",
            "import",
            0,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// `beredskap import staff`: one row per person, by employee number; with `dry_run` the
    /// counts are what the import would do, and nothing is written.
    pub async fn import_staff(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
    ) -> ImportResult<ImportCounts> {
        Self::require(actor, roles::MANAGE)?;
        let rows = read_csv(bytes, &STAFF_COLUMNS, &["weekly_hours"])?;
        let mut people: Vec<(u64, ParsedStaff)> = Vec::with_capacity(rows.len());
        for (line, row) in &rows {
            let input = StaffInput {
                employee_number: get(row, "employee_number").to_owned(),
                name: get(row, "name").to_owned(),
                team: get(row, "team").to_owned(),
                competences: get(row, "competences").to_owned(),
                phone: get(row, "phone").to_owned(),
                email: get(row, "email").to_owned(),
                remote_possible: get(row, "remote_possible").to_owned(),
                weekly_hours: get(row, "weekly_hours").to_owned(),
                username: String::new(),
            };
            if get(row, "remote_possible").trim().is_empty() {
                return Err(at(*line, "remote_possible")(Problem::Required));
            }
            let p = parse_staff(&input).map_err(|(field, problem)| at(*line, field)(problem))?;
            if let Some((first, _)) = people
                .iter()
                .find(|(_, q)| q.employee_number == p.employee_number)
            {
                return Err(at(*line, "employee_number")(
                    ContinuityProblem::Duplicate { line: *first }.into(),
                ));
            }
            people.push((*line, p));
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let existing: HashMap<String, store::continuity::StaffRow> =
            store::continuity::staff_in(&mut tx)
                .await?
                .into_iter()
                .filter_map(|r| r.employee_number.clone().map(|n| (n, r)))
                .collect();
        let mut held: HashMap<StaffId, Vec<Competence>> = HashMap::new();
        for c in store::continuity::competences_in(&mut tx).await? {
            held.entry(c.staff_id).or_default().push(c.competence);
        }
        let mut counts = ImportCounts::default();
        for (_, p) in &people {
            match existing.get(&p.employee_number) {
                Some(row) => {
                    let mine = held.get(&row.id).map_or(&[][..], Vec::as_slice);
                    if p.same_as(row, mine) {
                        counts.unchanged += 1;
                        continue;
                    }
                    store::continuity::update_staff(&mut tx, row.id, &p.as_new(now)).await?;
                    store::continuity::set_competences(&mut tx, row.id, &p.competences).await?;
                    counts.updated += 1;
                }
                None => {
                    let id = store::continuity::insert_staff(&mut tx, &p.as_new(now)).await?;
                    store::continuity::set_competences(&mut tx, id, &p.competences).await?;
                    counts.inserted += 1;
                }
            }
        }
        let detail = serde_json::to_string(&counts).unwrap_or_default();
        self.audit(
            &mut tx,
            actor,
            "continuity_import_staff",
            "import",
            0,
            &detail,
        )
        .await?;
        if dry_run {
            tx.rollback().await?;
            return Ok(counts);
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// `beredskap import roster`: one row per person, shift and day. Every new entry is checked
    /// (overlap, competences, the working-time rules) against the roster already stored and
    /// the file's earlier rows.
    pub async fn import_roster(&self, actor: &Actor, bytes: &[u8]) -> ImportResult<ImportCounts> {
        Self::require(actor, roles::MANAGE)?;
        let rows = read_csv(bytes, &ROSTER_COLUMNS, &[])?;
        let settings = self.settings().await?;
        let tz = self.s.tz().clone();
        let mut tx = self.s.store().begin().await?;
        let staff: HashMap<String, store::continuity::StaffRow> =
            store::continuity::staff_in(&mut tx)
                .await?
                .into_iter()
                .filter_map(|r| r.employee_number.clone().map(|n| (n, r)))
                .collect();
        let functions = store::continuity::functions_in(&mut tx).await?;
        let shifts = store::continuity::shifts_in(&mut tx).await?;
        let mut held: HashMap<StaffId, Vec<Competence>> = HashMap::new();
        for c in store::continuity::competences_in(&mut tx).await? {
            held.entry(c.staff_id).or_default().push(c.competence);
        }
        // Resolve every row first.
        let mut wanted: Vec<(u64, StaffId, ShiftId, Date)> = Vec::with_capacity(rows.len());
        let mut seen: HashMap<(StaffId, ShiftId, Date), u64> = HashMap::new();
        for (line, row) in &rows {
            let number = values::employee_number(get(row, "employee_number"))
                .map_err(at(*line, "employee_number"))?;
            let person = staff.get(&number).ok_or_else(|| {
                at(*line, "employee_number")(
                    ContinuityProblem::UnknownStaff {
                        employee_number: number.clone(),
                    }
                    .into(),
                )
            })?;
            let code =
                values::code(get(row, "function_code")).map_err(at(*line, "function_code"))?;
            let function = functions.iter().find(|f| f.code == code).ok_or_else(|| {
                at(*line, "function_code")(
                    ContinuityProblem::UnknownFunction { code: code.clone() }.into(),
                )
            })?;
            let shift_name = values::code(get(row, "shift")).map_err(at(*line, "shift"))?;
            let shift = shifts
                .iter()
                .find(|s| s.function_id == function.id && s.shift == shift_name)
                .ok_or_else(|| {
                    at(*line, "shift")(
                        ContinuityProblem::UnknownShift {
                            function: code.clone(),
                            shift: shift_name.clone(),
                        }
                        .into(),
                    )
                })?;
            let date = domain::time::parse_date(get(row, "date").trim())
                .map_err(|e| at(*line, "date")(e.into()))?;
            if let Some(first) = seen.insert((person.id, shift.id, date), *line) {
                return Err(at(*line, "date")(
                    ContinuityProblem::Duplicate { line: first }.into(),
                ));
            }
            let mine = held.get(&person.id).map_or(&[][..], Vec::as_slice);
            if let Some(missing) =
                domain::continuity::cover::missing_competence(&function.competences, mine, date)
            {
                return Err(at(*line, "employee_number")(
                    ContinuityProblem::MissingCompetence {
                        competence: missing.clone(),
                    }
                    .into(),
                ));
            }
            wanted.push((*line, person.id, shift.id, date));
        }
        let counts = self
            .write_roster(&mut tx, actor, &wanted, &shifts, &staff, &settings, &tz)
            .await?;
        let detail = serde_json::to_string(&counts).unwrap_or_default();
        self.audit(
            &mut tx,
            actor,
            "continuity_import_roster",
            "import",
            0,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// Checks the new rows of a roster file against the rules and writes them.
    #[allow(clippy::too_many_arguments)]
    async fn write_roster(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        wanted: &[(u64, StaffId, ShiftId, Date)],
        shifts: &[store::continuity::ShiftRow],
        staff: &HashMap<String, store::continuity::StaffRow>,
        settings: &super::ContinuitySettings,
        tz: &jiff::tz::TimeZone,
    ) -> ImportResult<ImportCounts> {
        let mut counts = ImportCounts::default();
        let (Some(lo), Some(hi)) = (
            wanted.iter().map(|w| w.3).min(),
            wanted.iter().map(|w| w.3).max(),
        ) else {
            return Ok(counts);
        };
        // A year's overtime and a month either side: the windows the rules look at.
        let from = plus(Date::new(lo.year(), 1, 1).unwrap_or(lo), -7);
        let to = plus(hi, 35);
        let existing = store::continuity::roster_between_in(tx, from, to).await?;
        let stored: std::collections::HashSet<(StaffId, ShiftId, Date)> = existing
            .iter()
            .map(|r| (r.staff_id, r.shift_id, r.on_date))
            .collect();
        let times_of = |id: ShiftId| {
            shifts.iter().find(|s| s.id == id).map(|s| ShiftTimes {
                start_min: i32::try_from(s.starts_min).unwrap_or(0),
                end_min: i32::try_from(s.ends_min).unwrap_or(0),
            })
        };
        let mut loads: BTreeMap<StaffId, Load> = BTreeMap::new();
        let mut spans: HashMap<StaffId, Vec<domain::continuity::worktime::Span>> = HashMap::new();
        for r in &existing {
            if let Some(t) = times_of(r.shift_id) {
                spans
                    .entry(r.staff_id)
                    .or_default()
                    .push(t.span(r.on_date, tz));
            }
        }
        for (p, v) in spans {
            loads.insert(p, Load::new(v, tz));
        }
        let contract: HashMap<StaffId, i64> =
            staff.values().map(|s| (s.id, s.weekly_minutes)).collect();
        let mut sorted: Vec<&(u64, StaffId, ShiftId, Date)> = wanted.iter().collect();
        sorted.sort_by_key(|(line, p, s, d)| (*p, *d, times_of(*s).map(|t| t.start_min), *line));
        let now = self.s.now_micros();
        let mut new_entries = Vec::new();
        for (line, person, shift, date) in sorted {
            if stored.contains(&(*person, *shift, *date)) {
                counts.unchanged += 1;
                continue;
            }
            let Some(t) = times_of(*shift) else {
                continue;
            };
            let span = t.span(*date, tz);
            let load = loads.entry(*person).or_default();
            if load.overlaps(span) {
                return Err(at(*line, "date")(ContinuityProblem::AlreadyRostered.into()));
            }
            let minutes = contract.get(person).copied().unwrap_or(2400);
            load.check_addition(span, minutes, &settings.rules, tz)
                .map_err(|b| at(*line, "date")(ContinuityProblem::from(b).into()))?;
            load.add(span, tz);
            new_entries.push(NewRosterEntry {
                staff_id: *person,
                shift_id: *shift,
                on_date: *date,
                source: RosterSource::Import,
                deviation: None,
                created_by: &actor.name,
                now,
            });
        }
        counts.inserted = store::continuity::insert_roster(tx, &new_entries).await?;
        Ok(counts)
    }
}

//! JOBS.csv and CREWS.csv parsed from text (the CLI reads the files), and the
//! cross-checks that need crews' working dates. Every error names the row
//! (1-based line, header = row 1), the column, what is wrong and how to fix it.

use crate::date::{Date, parse_hhmm};
use crate::model::{Crew, Fixed, InputError, InputFile, Job, Problem, Window};
use std::collections::HashSet;

pub const JOB_COLUMNS: [&str; 12] = [
    "id",
    "lat",
    "lon",
    "service_min",
    "tier",
    "skill",
    "window_date",
    "window_start",
    "window_end",
    "fixed_crew",
    "fixed_date",
    "earliest_date",
];
pub const CREW_COLUMNS: [&str; 6] = [
    "id",
    "skills",
    "depot_lat",
    "depot_lon",
    "shift_start",
    "shift_end",
];

/// Sweden's bounding box, with a small margin.
const LAT: (f64, f64) = (55.0, 69.2);
const LON: (f64, f64) = (10.5, 24.3);

fn err(
    file: InputFile,
    row: usize,
    column: &str,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> InputError {
    InputError {
        file,
        row,
        column: column.to_string(),
        message: message.into(),
        fix: fix.into(),
    }
}

/// Splits one CSV line; double quotes group commas, `""` is a quote.
fn split_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

struct Table {
    /// Column index of each expected column.
    idx: Vec<usize>,
    rows: Vec<(usize, Vec<String>)>,
}

fn table(text: &str, file: InputFile, expected: &[&str]) -> Result<Table, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let header = match lines.next() {
        Some((_, h)) => split_line(h),
        None => {
            return Err(err(
                file,
                1,
                "(header)",
                "the file is empty",
                format!("start with the header {}", expected.join(",")),
            ));
        }
    };
    for h in &header {
        if !expected.contains(&h.as_str()) {
            return Err(err(
                file,
                1,
                h,
                "unknown column",
                format!("use exactly the columns {}", expected.join(",")),
            ));
        }
    }
    let mut idx = Vec::new();
    for e in expected {
        match header.iter().position(|h| h == e) {
            Some(i) => idx.push(i),
            None => {
                return Err(err(
                    file,
                    1,
                    e,
                    "missing column",
                    format!("add the column {e} to the header (cells may be empty)"),
                ));
            }
        }
    }
    let mut rows = Vec::new();
    for (no, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_line(line);
        if cells.len() != header.len() {
            return Err(err(
                file,
                no + 1,
                "(row)",
                format!("{} cells, header has {}", cells.len(), header.len()),
                "give every row one cell per header column, empty if absent",
            ));
        }
        rows.push((no + 1, cells));
    }
    Ok(Table { idx, rows })
}

fn num<T: std::str::FromStr>(
    file: InputFile,
    row: usize,
    col: &str,
    s: &str,
    what: &str,
) -> Result<T, InputError> {
    s.parse().map_err(|_| {
        err(
            file,
            row,
            col,
            format!("{s:?} is not {what}"),
            format!("write {what}"),
        )
    })
}

fn coord(
    file: InputFile,
    row: usize,
    col: &str,
    s: &str,
    range: (f64, f64),
) -> Result<f64, InputError> {
    let v: f64 = num(file, row, col, s, "a decimal number")?;
    if !(range.0..=range.1).contains(&v) {
        return Err(err(
            file,
            row,
            col,
            format!("{v} is outside Sweden"),
            format!("use WGS84 decimal degrees within {}–{}", range.0, range.1),
        ));
    }
    Ok(v)
}

fn date(file: InputFile, row: usize, col: &str, s: &str) -> Result<Option<Date>, InputError> {
    if s.is_empty() {
        return Ok(None);
    }
    Date::parse(s).map(Some).ok_or_else(|| {
        err(
            file,
            row,
            col,
            format!("{s:?} is not a date"),
            "write YYYY-MM-DD",
        )
    })
}

fn time(file: InputFile, row: usize, col: &str, s: &str) -> Result<i32, InputError> {
    parse_hhmm(s).ok_or_else(|| {
        err(
            file,
            row,
            col,
            format!("{s:?} is not a time"),
            "write HH:MM, 00:00–24:00",
        )
    })
}

/// Parses JOBS.csv text.
pub fn parse_jobs(text: &str) -> Result<Vec<Job>, InputError> {
    let f = InputFile::Jobs;
    let t = table(text, f, &JOB_COLUMNS)?;
    let mut seen = HashSet::new();
    let mut jobs = Vec::with_capacity(t.rows.len());
    for (row, cells) in &t.rows {
        let row = *row;
        let c = |k: usize| cells[t.idx[k]].as_str();
        let id = c(0).to_string();
        if id.is_empty() {
            return Err(err(f, row, "id", "empty id", "give every job a unique id"));
        }
        if !seen.insert(id.clone()) {
            return Err(err(
                f,
                row,
                "id",
                format!("duplicate id {id:?}"),
                "give every job a unique id",
            ));
        }
        let lat = coord(f, row, "lat", c(1), LAT)?;
        let lon = coord(f, row, "lon", c(2), LON)?;
        let service_min: i32 = num(f, row, "service_min", c(3), "a whole number of minutes")?;
        if !(1..=600).contains(&service_min) {
            return Err(err(
                f,
                row,
                "service_min",
                format!("{service_min} minutes"),
                "use 1–600 minutes",
            ));
        }
        let tier: u8 = num(f, row, "tier", c(4), "a tier 1, 2 or 3")?;
        if !(1..=3).contains(&tier) {
            return Err(err(f, row, "tier", format!("tier {tier}"), "use 1, 2 or 3"));
        }
        let skill = Some(c(5).to_string()).filter(|s| !s.is_empty());
        let window = parse_window(f, row, c(6), c(7), c(8))?;
        let fixed = parse_fixed(f, row, c(9), c(10))?;
        if let (Some(w), Some(fx)) = (&window, &fixed)
            && w.date != fx.date
        {
            return Err(err(
                f,
                row,
                "fixed_date",
                "fixed date differs from the window date",
                "make them the same date",
            ));
        }
        let earliest = date(f, row, "earliest_date", c(11))?;
        jobs.push(Job {
            id,
            lat,
            lon,
            service_min,
            tier,
            skill,
            window,
            fixed,
            earliest,
        });
    }
    Ok(jobs)
}

/// The booked window from `window_date`, `window_start` and `window_end`: all three or none.
fn parse_window(
    f: InputFile,
    row: usize,
    date_cell: &str,
    start_cell: &str,
    end_cell: &str,
) -> Result<Option<Window>, InputError> {
    let wd = date(f, row, "window_date", date_cell)?;
    match (wd, start_cell, end_cell) {
        (None, "", "") => Ok(None),
        (Some(d), s, e) if !s.is_empty() && !e.is_empty() => {
            let (s, e) = (
                time(f, row, "window_start", s)?,
                time(f, row, "window_end", e)?,
            );
            if e <= s {
                return Err(err(
                    f,
                    row,
                    "window_end",
                    "the window ends before it starts",
                    "make window_end later than window_start",
                ));
            }
            Ok(Some(Window {
                date: d,
                start_min: s,
                end_min: e,
            }))
        }
        _ => {
            let col = if wd.is_none() {
                "window_date"
            } else if start_cell.is_empty() {
                "window_start"
            } else {
                "window_end"
            };
            Err(err(
                f,
                row,
                col,
                "incomplete window",
                "fill window_date, window_start and window_end together, or none",
            ))
        }
    }
}

/// The fixed assignment from `fixed_crew` and `fixed_date`: both or neither.
fn parse_fixed(
    f: InputFile,
    row: usize,
    crew_cell: &str,
    date_cell: &str,
) -> Result<Option<Fixed>, InputError> {
    let fd = date(f, row, "fixed_date", date_cell)?;
    match (crew_cell, fd) {
        ("", None) => Ok(None),
        (crew, Some(d)) if !crew.is_empty() => Ok(Some(Fixed {
            crew: crew.to_string(),
            date: d,
        })),
        _ => {
            let col = if crew_cell.is_empty() {
                "fixed_crew"
            } else {
                "fixed_date"
            };
            Err(err(
                f,
                row,
                col,
                "incomplete fixed assignment",
                "fill fixed_crew and fixed_date together, or neither",
            ))
        }
    }
}

/// Parses CREWS.csv text; working dates are filled in by the caller.
pub fn parse_crews(text: &str) -> Result<Vec<Crew>, InputError> {
    let f = InputFile::Crews;
    let t = table(text, f, &CREW_COLUMNS)?;
    let mut seen = HashSet::new();
    let mut crews = Vec::with_capacity(t.rows.len());
    for (row, cells) in &t.rows {
        let row = *row;
        let c = |k: usize| cells[t.idx[k]].as_str();
        let id = c(0).to_string();
        if id.is_empty() || !seen.insert(id.clone()) {
            return Err(err(
                f,
                row,
                "id",
                format!("empty or duplicate id {id:?}"),
                "give every crew a unique id",
            ));
        }
        let skills = c(1)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let depot_lat = coord(f, row, "depot_lat", c(2), LAT)?;
        let depot_lon = coord(f, row, "depot_lon", c(3), LON)?;
        let s = time(f, row, "shift_start", c(4))?;
        let e = time(f, row, "shift_end", c(5))?;
        if e <= s {
            return Err(err(
                f,
                row,
                "shift_end",
                "the shift ends before it starts",
                "make shift_end later than shift_start",
            ));
        }
        crews.push(Crew {
            id,
            skills,
            depot_lat,
            depot_lon,
            shift_start_min: s,
            shift_end_min: e,
            dates: Vec::new(),
        });
    }
    if crews.is_empty() {
        return Err(err(f, 2, "id", "no crews", "add at least one crew row"));
    }
    Ok(crews)
}

/// Checks that need the crews' working dates. Rows assume the jobs and crews
/// are in file order (as [`parse_jobs`] and [`parse_crews`] return them).
pub fn validate(p: &Problem) -> Result<(), InputError> {
    for (i, c) in p.crews.iter().enumerate() {
        if c.dates.is_empty() {
            return Err(err(
                InputFile::Crews,
                i + 2,
                "id",
                format!("crew {:?} has no working days in the horizon", c.id),
                "extend --days or remove the crew",
            ));
        }
    }
    for (i, j) in p.jobs.iter().enumerate() {
        let row = i + 2;
        if let Some(fx) = &j.fixed {
            let Some(c) = p.crews.iter().find(|c| c.id == fx.crew) else {
                return Err(err(
                    InputFile::Jobs,
                    row,
                    "fixed_crew",
                    format!("unknown crew {:?}", fx.crew),
                    "use an id from CREWS.csv",
                ));
            };
            if let Some(sk) = &j.skill
                && !c.skills.contains(sk)
            {
                return Err(err(
                    InputFile::Jobs,
                    row,
                    "fixed_crew",
                    format!("crew {} lacks the skill {sk:?} the job needs", c.id),
                    "fix the job on a crew with that skill",
                ));
            }
            if c.dates.binary_search(&fx.date).is_err() {
                return Err(err(
                    InputFile::Jobs,
                    row,
                    "fixed_date",
                    format!(
                        "{} is not a working day of crew {} in the horizon",
                        fx.date, c.id
                    ),
                    "use a working day (not a weekend or public holiday) within --from/--days",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "id,lat,lon,service_min,tier,skill,window_date,window_start,window_end,fixed_crew,fixed_date,earliest_date\n";

    #[test]
    fn parses_a_full_row() {
        let jobs = parse_jobs(&format!(
            "{H}a,59.3,14.5,30,2,ct,2026-03-02,08:00,10:00,c1,2026-03-02,\n"
        ))
        .map_err(|e| e.to_string());
        let jobs = jobs.unwrap_or_default();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            jobs[0].window.as_ref().map(|w| (w.start_min, w.end_min)),
            Some((480, 600))
        );
        assert_eq!(jobs[0].skill.as_deref(), Some("ct"));
    }

    #[test]
    fn errors_name_row_and_column() {
        let e = parse_jobs(&format!(
            "{H}a,59.3,14.5,30,2,,,,,,,\nb,52.0,14.5,30,2,,,,,,,\n"
        ))
        .err();
        assert_eq!(e.map(|e| (e.row, e.column)), Some((3, "lat".to_string())));
        let e = parse_jobs(&format!("{H}a,59.3,14.5,30,2,,2026-03-02,10:00,08:00,,,\n")).err();
        assert_eq!(
            e.map(|e| (e.row, e.column)),
            Some((2, "window_end".to_string()))
        );
        let e = parse_jobs("id,lat,lon,colour\n").err();
        assert_eq!(e.map(|e| e.column), Some("colour".to_string()));
        let e = parse_crews("id,skills,depot_lat,depot_lon,shift_start\n").err();
        assert_eq!(e.map(|e| e.column), Some("shift_end".to_string()));
    }
}

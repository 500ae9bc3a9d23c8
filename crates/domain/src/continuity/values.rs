//! The values people type into the import files and the forms, parsed once: codes, clock
//! times, yes/no, hours, and competences with their expiry.

use jiff::civil::Date;

use super::ContinuityProblem;
use crate::problem::Problem;

/// The longest code of a function, shift or competence.
pub const MAX_CODE: usize = 40;

/// A code as stored: trimmed and lower-cased; 1–40 characters without separators or spaces.
pub fn code(s: &str) -> Result<String, Problem> {
    let c = s.trim().to_lowercase();
    if c.is_empty()
        || c.chars().count() > MAX_CODE
        || c.chars()
            .any(|ch| ch.is_whitespace() || matches!(ch, ';' | ':' | ',' | '"'))
    {
        return Err(ContinuityProblem::BadCode.into());
    }
    Ok(c)
}

/// `HH:MM` (or `H:MM`) as minutes after midnight, 00:00–23:59; `24:00` is midnight.
pub fn clock(s: &str) -> Result<i32, Problem> {
    let (h, m) = s.trim().split_once(':').ok_or(Problem::NotATime)?;
    if !(1..=2).contains(&h.len()) || m.len() != 2 {
        return Err(Problem::NotATime);
    }
    match (h.parse::<i32>(), m.parse::<i32>()) {
        (Ok(24), Ok(0)) => Ok(0),
        (Ok(h), Ok(m)) if (0..24).contains(&h) && (0..60).contains(&m) => Ok(h * 60 + m),
        _ => Err(Problem::NotATime),
    }
}

/// `true` or `false` (also `ja`/`nej`, `yes`/`no`, `1`/`0`).
pub fn boolean(s: &str) -> Result<bool, Problem> {
    match s.trim().to_lowercase().as_str() {
        "true" | "ja" | "yes" | "1" => Ok(true),
        "false" | "nej" | "no" | "0" => Ok(false),
        _ => Err(ContinuityProblem::NotABoolean.into()),
    }
}

/// Hours such as `40`, `37,5` or `37.5` as minutes; 1–80 hours a week.
pub fn weekly_hours(s: &str) -> Result<i64, Problem> {
    let t = s.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || (digits(frac) && frac.len() <= 2)) {
        return Err(ContinuityProblem::NotHours.into());
    }
    let whole: i64 = whole.parse().map_err(|_| ContinuityProblem::NotHours)?;
    let frac_minutes = if frac.is_empty() {
        0
    } else {
        let hundredths: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| ContinuityProblem::NotHours)?;
        hundredths * 60 / 100
    };
    let minutes = whole * 60 + frac_minutes;
    if !(60..=80 * 60).contains(&minutes) {
        return Err(Problem::OutOfRange { min: 1, max: 80 });
    }
    Ok(minutes)
}

/// A competence a person holds, valid through its expiry day when it has one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Competence {
    pub code: String,
    pub expires_on: Option<Date>,
}

impl Competence {
    /// Whether it still holds on `date`.
    pub fn valid_on(&self, date: Date) -> bool {
        self.expires_on.is_none_or(|e| date <= e)
    }
}

/// Codes separated by `;` (empty: none), each once, sorted.
pub fn codes(s: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for part in s.split(';').filter(|p| !p.trim().is_empty()) {
        out.push(code(part)?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Competences held, separated by `;`, each `code` or `code:YYYY-MM-DD` (its expiry).
pub fn competences(s: &str) -> Result<Vec<Competence>, Problem> {
    let mut out: Vec<Competence> = Vec::new();
    for part in s.split(';').filter(|p| !p.trim().is_empty()) {
        let (c, expiry) = match part.split_once(':') {
            Some((c, d)) => (c, Some(crate::time::parse_date(d.trim())?)),
            None => (part, None),
        };
        let c = code(c)?;
        if let Some(existing) = out.iter_mut().find(|x| x.code == c) {
            // The same competence twice: the later expiry holds.
            existing.expires_on = match (existing.expires_on, expiry) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
        } else {
            out.push(Competence {
                code: c,
                expires_on: expiry,
            });
        }
    }
    out.sort();
    Ok(out)
}

/// Competences written back the way the import reads them.
pub fn competences_text(list: &[Competence]) -> String {
    list.iter()
        .map(|c| match c.expires_on {
            Some(d) => format!("{}:{d}", c.code),
            None => c.code.clone(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// An employee number: 1–20 characters without spaces.
pub fn employee_number(s: &str) -> Result<String, Problem> {
    let n = s.trim();
    if n.is_empty() {
        return Err(Problem::Required);
    }
    if n.chars().count() > 20 || n.chars().any(char::is_whitespace) {
        return Err(ContinuityProblem::BadCode.into());
    }
    Ok(n.to_owned())
}

/// Free text of at most `max` characters, trimmed; `None` when empty.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, Problem> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// Text that must be there, of at most `max` characters.
pub fn required_text(s: &str, max: usize) -> Result<String, Problem> {
    optional_text(s, max)?.ok_or(Problem::Required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn values_parse_as_written() {
        assert_eq!(clock("06:00"), Ok(360));
        assert_eq!(clock("7:30"), Ok(450));
        assert_eq!(clock("24:00"), Ok(0));
        assert_eq!(clock("25:00"), Err(Problem::NotATime));
        assert_eq!(clock("0600"), Err(Problem::NotATime));
        assert_eq!(boolean(" TRUE "), Ok(true));
        assert!(boolean("kanske").is_err());
        assert_eq!(weekly_hours("37,5"), Ok(2250));
        assert_eq!(weekly_hours("40"), Ok(2400));
        assert!(weekly_hours("0").is_err());
        assert!(weekly_hours("fyrtio").is_err());
        assert_eq!(code(" Grid_Control "), Ok("grid_control".into()));
        assert!(code("a b").is_err() && code("").is_err());
        assert_eq!(codes("b;a;;a"), Ok(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn competences_carry_their_expiry() {
        let c = competences("el_auth:2027-01-31;control_room").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].code, "el_auth");
        assert!(c[1].valid_on(date(2027, 1, 31)));
        assert!(!c[1].valid_on(date(2027, 2, 1)));
        assert!(c[0].valid_on(date(2099, 1, 1)));
        assert_eq!(competences_text(&c), "control_room;el_auth:2027-01-31");
        assert!(competences("x:2027-02-30").is_err());
    }
}

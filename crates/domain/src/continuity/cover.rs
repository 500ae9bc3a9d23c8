//! Who can cover a shift, and why the others cannot.
//!
//! A person can cover a shift when they are not absent that day, hold every competence the
//! function requires (valid on that day), are not already on an overlapping shift, keep the
//! daily rest, the weekly rest and the overtime limits with the shift added, and — when the
//! policy separates teams — belong to a team already on the shift. The first reason that applies
//! (in the order of [`Exclusion`]) is the one shown. Candidates are ranked by [`cost`]: overtime
//! first, then how much they already work that week.

use std::collections::BTreeSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::Exclusion;
use super::Rule;
use super::values::Competence;
use super::worktime::{Addition, Load, Span, WorkingTimeRules};

/// A shift that needs people: when it runs, what it requires, and which teams may come.
#[derive(Clone, Debug)]
pub struct Gap<'a> {
    /// The day the shift starts.
    pub date: Date,
    pub span: Span,
    pub competences: &'a [String],
    /// With team separation: the teams on the shift (empty: any team may come).
    pub teams: Option<&'a BTreeSet<String>>,
}

/// A person as the cover check sees them.
#[derive(Clone, Debug)]
pub struct Person<'a> {
    pub team: &'a str,
    pub competences: &'a [Competence],
    /// Absent on the gap's day.
    pub absent: bool,
    pub load: &'a Load,
    /// Contracted minutes a week.
    pub contract_minutes: i64,
}

/// Whether `person` can take `gap`: what it costs them, or the first reason they cannot.
pub fn evaluate(
    person: &Person<'_>,
    gap: &Gap<'_>,
    rules: &WorkingTimeRules,
    tz: &TimeZone,
) -> Result<Addition, Exclusion> {
    if person.absent {
        return Err(Exclusion::Absent);
    }
    let holds = |code: &String| {
        person
            .competences
            .iter()
            .any(|c| &c.code == code && c.valid_on(gap.date))
    };
    if !gap.competences.iter().all(holds) {
        return Err(Exclusion::Competence);
    }
    if person.load.overlaps(gap.span) {
        return Err(Exclusion::AlreadyRostered);
    }
    let addition = person
        .load
        .check_addition(gap.span, person.contract_minutes, rules, tz)
        .map_err(|b| match b.rule {
            Rule::DailyRest => Exclusion::DailyRest,
            Rule::WeeklyRest => Exclusion::WeeklyRest,
            Rule::OvertimePeriod | Rule::OvertimeMonth | Rule::OvertimeYear => Exclusion::Overtime,
        })?;
    if let Some(teams) = gap.teams
        && !teams.is_empty()
        && !teams.contains(person.team)
    {
        return Err(Exclusion::TeamSeparation);
    }
    Ok(addition)
}

/// The ranking of a candidate (lower is better): an hour of overtime weighs four hours of
/// ordinary work already done that week.
pub fn cost(a: &Addition) -> i64 {
    4 * a.overtime_added_minutes + a.week_minutes_before
}

/// The first competence of `required` that `held` lacks on `date`.
pub fn missing_competence<'a>(
    required: &'a [String],
    held: &[Competence],
    date: Date,
) -> Option<&'a String> {
    required
        .iter()
        .find(|code| !held.iter().any(|c| &c.code == *code && c.valid_on(date)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tz() -> TimeZone {
        crate::time::stockholm()
    }

    fn span(d: Date, from: i8, hours: i64) -> Span {
        let s = crate::time::at_civil(d, time(from, 0, 0, 0), &tz()).as_second();
        Span {
            start: s,
            end: s + hours * 3600,
        }
    }

    #[test]
    fn the_first_reason_that_applies_is_given() {
        let d = date(2026, 11, 24);
        let night_before = Load::new(vec![span(date(2026, 11, 23), 22, 8)], &tz());
        let empty = Load::default();
        let required = vec!["control_room".to_owned()];
        let held = vec![Competence {
            code: "control_room".into(),
            expires_on: Some(date(2026, 12, 31)),
        }];
        let expired = vec![Competence {
            code: "control_room".into(),
            expires_on: Some(date(2026, 11, 1)),
        }];
        let teams: BTreeSet<String> = ["a".to_owned()].into();
        let gap = Gap {
            date: d,
            span: span(d, 14, 8),
            competences: &required,
            teams: Some(&teams),
        };
        let rules = WorkingTimeRules::default();
        let person = |absent, competences, load, team| Person {
            team,
            competences,
            absent,
            load,
            contract_minutes: 2400,
        };
        let check = |p: Person<'_>| evaluate(&p, &gap, &rules, &tz());
        assert_eq!(
            check(person(true, &expired, &night_before, "b")),
            Err(Exclusion::Absent)
        );
        assert_eq!(
            check(person(false, &expired, &night_before, "b")),
            Err(Exclusion::Competence)
        );
        assert_eq!(
            check(person(false, &held, &night_before, "b")),
            Err(Exclusion::DailyRest)
        );
        assert_eq!(
            check(person(false, &held, &empty, "b")),
            Err(Exclusion::TeamSeparation)
        );
        let ok = check(person(false, &held, &empty, "a")).unwrap();
        assert_eq!(cost(&ok), 0);
        let on_it = Load::new(vec![span(d, 13, 4)], &tz());
        assert_eq!(
            check(person(false, &held, &on_it, "a")),
            Err(Exclusion::AlreadyRostered)
        );
        assert_eq!(
            missing_competence(&required, &expired, d),
            Some(&required[0])
        );
        assert_eq!(missing_competence(&required, &held, d), None);
    }
}

//! The working-time rules of Arbetstidslagen (SFS 1982:673) as a checker of one person's work
//! periods: daily rest (13 §), weekly rest (14 §) and general overtime (8 §).
//!
//! Every number is a setting ([`WorkingTimeRules`]), defaulting to the law, because collective
//! agreements deviate (3 §). The definitions used:
//!
//! - **Daily rest**: within the `daily_window_hours` (24) that begin at the start of each work
//!   period, the longest stretch without work must be at least `daily_rest_hours` (11).
//! - **Weekly rest**: in each calendar week (Monday 00:00 to Monday 00:00, Stockholm time) that
//!   holds work, the longest stretch without work inside the week must be at least
//!   `weekly_rest_hours` (36).
//! - **Overtime**: a calendar week's overtime is the time worked in it beyond the contracted
//!   weekly hours. Depending on [`OvertimeBasis`], the overtime of any `overtime_period_weeks`
//!   (4) consecutive weeks may not pass `overtime_period_hours` (48), or that of a calendar month
//!   may not pass `overtime_month_hours` (50); and that of a calendar year may not pass
//!   `overtime_year_hours` (200). A week belongs to the month and year of its Thursday (as ISO
//!   weeks belong to years), so every week counts in exactly one month.
//!
//! Work periods are half-open intervals of instants, kept as whole seconds (UTC).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::{OvertimeBasis, Rule};
use crate::problem::Problem;

/// The numbers of the working-time rules; the law's by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingTimeRules {
    pub daily_rest_hours: u32,
    pub daily_window_hours: u32,
    pub weekly_rest_hours: u32,
    pub overtime_basis: OvertimeBasis,
    pub overtime_period_weeks: u32,
    pub overtime_period_hours: u32,
    pub overtime_month_hours: u32,
    pub overtime_year_hours: u32,
}

impl Default for WorkingTimeRules {
    fn default() -> WorkingTimeRules {
        WorkingTimeRules {
            daily_rest_hours: 11,
            daily_window_hours: 24,
            weekly_rest_hours: 36,
            overtime_basis: OvertimeBasis::FourWeeks,
            overtime_period_weeks: 4,
            overtime_period_hours: 48,
            overtime_month_hours: 50,
            overtime_year_hours: 200,
        }
    }
}

impl WorkingTimeRules {
    /// Checks values a person could get wrong; the error names the field.
    pub fn validate(&self) -> Result<(), (&'static str, Problem)> {
        let range = |field: &'static str, v: u32, min: i64, max: i64| {
            if (min..=max).contains(&i64::from(v)) {
                Ok(())
            } else {
                Err((field, Problem::OutOfRange { min, max }))
            }
        };
        range("daily_window_hours", self.daily_window_hours, 1, 48)?;
        range(
            "daily_rest_hours",
            self.daily_rest_hours,
            0,
            i64::from(self.daily_window_hours),
        )?;
        range("weekly_rest_hours", self.weekly_rest_hours, 0, 168)?;
        range("overtime_period_weeks", self.overtime_period_weeks, 1, 12)?;
        range("overtime_period_hours", self.overtime_period_hours, 0, 1000)?;
        range("overtime_month_hours", self.overtime_month_hours, 0, 1000)?;
        range("overtime_year_hours", self.overtime_year_hours, 0, 5000)?;
        Ok(())
    }

    fn daily_window(&self) -> i64 {
        i64::from(self.daily_window_hours) * 3600
    }

    fn limit_minutes(&self, rule: Rule) -> i64 {
        60 * i64::from(match rule {
            Rule::DailyRest => self.daily_rest_hours,
            Rule::WeeklyRest => self.weekly_rest_hours,
            Rule::OvertimePeriod => self.overtime_period_hours,
            Rule::OvertimeMonth => self.overtime_month_hours,
            Rule::OvertimeYear => self.overtime_year_hours,
        })
    }
}

/// A work period `[start, end)` in seconds since the epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    pub fn of(start: Timestamp, end: Timestamp) -> Span {
        Span {
            start: start.as_second(),
            end: end.as_second(),
        }
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    fn clip(self, w: Span) -> i64 {
        (self.end.min(w.end) - self.start.max(w.start)).max(0)
    }
}

/// A rule broken: which, where its window starts, and the rest or overtime found against the
/// limit (minutes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breach {
    pub rule: Rule,
    /// The start of the window the rule was measured in (seconds).
    pub at: i64,
    pub found_minutes: i64,
    pub limit_minutes: i64,
}

impl Breach {
    pub fn at(&self) -> Timestamp {
        Timestamp::from_second(self.at).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// The longest time without work inside `window`, in seconds. `spans` are sorted by start.
fn longest_rest(spans: &[Span], window: Span) -> i64 {
    // No work period is longer than a day and an hour (a shift ends within a day of starting).
    let from = spans.partition_point(|s| s.start + 25 * 3600 <= window.start);
    let mut cursor = window.start;
    let mut best = 0;
    for s in &spans[from..] {
        if s.start >= window.end {
            break;
        }
        if s.end <= window.start {
            continue;
        }
        let (a, b) = (s.start.max(window.start), s.end.min(window.end));
        if a > cursor {
            best = best.max(a - cursor);
        }
        cursor = cursor.max(b);
    }
    best.max(window.end - cursor)
}

/// The Monday of the week `t` falls in (Stockholm time).
pub fn week_of(t: i64, tz: &TimeZone) -> Date {
    let d = crate::time::civil_date(
        Timestamp::from_second(t).unwrap_or(Timestamp::UNIX_EPOCH),
        tz,
    );
    d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
        .unwrap_or(d)
}

fn plus_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// The week's window `[Monday 00:00, next Monday 00:00)` in seconds.
fn week_window(monday: Date, tz: &TimeZone) -> Span {
    Span::of(
        crate::time::start_of_day(monday, tz),
        crate::time::start_of_day(plus_days(monday, 7), tz),
    )
}

/// The month and year a week belongs to: those of its Thursday.
fn month_of_week(monday: Date) -> (i16, i8) {
    let thursday = plus_days(monday, 3);
    (thursday.year(), thursday.month())
}

/// One person's work periods, sorted, with the minutes worked per calendar week.
#[derive(Clone, Debug, Default)]
pub struct Load {
    spans: Vec<Span>,
    weeks: BTreeMap<Date, i64>,
}

/// What adding a period would cost: the overtime it adds and the minutes already worked in its
/// week (for ranking candidates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addition {
    pub overtime_added_minutes: i64,
    pub week_minutes_before: i64,
}

impl Load {
    pub fn new(mut spans: Vec<Span>, tz: &TimeZone) -> Load {
        spans.sort();
        let mut weeks = BTreeMap::new();
        for s in &spans {
            add_minutes(&mut weeks, *s, tz);
        }
        Load { spans, weeks }
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Adds a period (after [`Load::check_addition`] said yes, or as a recorded deviation).
    pub fn add(&mut self, s: Span, tz: &TimeZone) {
        let at = self.spans.partition_point(|x| *x < s);
        self.spans.insert(at, s);
        add_minutes(&mut self.weeks, s, tz);
    }

    /// Whether a period overlaps one already held.
    pub fn overlaps(&self, new: Span) -> bool {
        let from = self
            .spans
            .partition_point(|s| s.start + 25 * 3600 <= new.start);
        self.spans[from..]
            .iter()
            .take_while(|s| s.start < new.end)
            .any(|s| s.overlaps(new))
    }

    /// Every rule this person's periods break.
    pub fn breaches(
        &self,
        contract_minutes: i64,
        rules: &WorkingTimeRules,
        tz: &TimeZone,
    ) -> Vec<Breach> {
        let mut out = Vec::new();
        let daily_limit = rules.limit_minutes(Rule::DailyRest);
        for s in &self.spans {
            let window = Span {
                start: s.start,
                end: s.start + rules.daily_window(),
            };
            let found = longest_rest(&self.spans, window) / 60;
            if found < daily_limit {
                out.push(Breach {
                    rule: Rule::DailyRest,
                    at: s.start,
                    found_minutes: found,
                    limit_minutes: daily_limit,
                });
            }
        }
        let weekly_limit = rules.limit_minutes(Rule::WeeklyRest);
        for &monday in self.weeks.keys() {
            let window = week_window(monday, tz);
            let found = longest_rest(&self.spans, window) / 60;
            if found < weekly_limit {
                out.push(Breach {
                    rule: Rule::WeeklyRest,
                    at: window.start,
                    found_minutes: found,
                    limit_minutes: weekly_limit,
                });
            }
        }
        let overtime = overtime_per_week(&self.weeks, contract_minutes);
        let weeks: BTreeSet<Date> = self.weeks.keys().copied().collect();
        for (rule, key, found) in overtime_totals(&overtime, &weeks, rules) {
            let limit = rules.limit_minutes(rule);
            if found > limit {
                out.push(Breach {
                    rule,
                    at: week_window(key, tz).start,
                    found_minutes: found,
                    limit_minutes: limit,
                });
            }
        }
        out
    }

    /// Whether adding `new` keeps the rules: the first rule it breaks (in the order daily rest,
    /// weekly rest, overtime), or what it costs. A window already below a limit (a recorded
    /// deviation) only counts against the addition when the addition makes it worse.
    pub fn check_addition(
        &self,
        new: Span,
        contract_minutes: i64,
        rules: &WorkingTimeRules,
        tz: &TimeZone,
    ) -> Result<Addition, Breach> {
        let affected: BTreeSet<Date> = [week_of(new.start, tz), week_of(new.end - 1, tz)]
            .into_iter()
            .collect();
        // The periods that any window the addition touches can see: its weeks, and a daily
        // window (plus the longest period) on either side.
        let reach = rules.daily_window() + 2 * 86_400;
        let lo = affected
            .first()
            .map_or(new.start, |w| week_window(*w, tz).start)
            .min(new.start - reach);
        let hi = affected
            .last()
            .map_or(new.end, |w| week_window(*w, tz).end)
            .max(new.end + reach);
        let before: Vec<Span> = self
            .spans
            .iter()
            .copied()
            .filter(|s| s.end > lo && s.start < hi)
            .collect();
        let mut with = before.clone();
        with.push(new);
        with.sort();
        self.check_daily(new, &before, &with, rules)?;
        let weekly_limit = rules.limit_minutes(Rule::WeeklyRest);
        for &monday in &affected {
            let window = week_window(monday, tz);
            let after = longest_rest(&with, window) / 60;
            let was = longest_rest(&before, window) / 60;
            if after < weekly_limit && after < was {
                return Err(Breach {
                    rule: Rule::WeeklyRest,
                    at: window.start,
                    found_minutes: after,
                    limit_minutes: weekly_limit,
                });
            }
        }
        let mut weeks_after = self.weeks.clone();
        add_minutes(&mut weeks_after, new, tz);
        let ot_before = overtime_per_week(&self.weeks, contract_minutes);
        let ot_after = overtime_per_week(&weeks_after, contract_minutes);
        let before_totals: BTreeMap<(Rule, Date), i64> =
            overtime_totals(&ot_before, &affected, rules)
                .into_iter()
                .map(|(r, k, v)| ((r, k), v))
                .collect();
        for (rule, key, after) in overtime_totals(&ot_after, &affected, rules) {
            let limit = rules.limit_minutes(rule);
            let was = before_totals.get(&(rule, key)).copied().unwrap_or(0);
            if after > limit && after > was {
                return Err(Breach {
                    rule,
                    at: week_window(key, tz).start,
                    found_minutes: after,
                    limit_minutes: limit,
                });
            }
        }
        let overtime_added_minutes = affected
            .iter()
            .map(|w| ot_after.get(w).copied().unwrap_or(0) - ot_before.get(w).copied().unwrap_or(0))
            .sum();
        Ok(Addition {
            overtime_added_minutes,
            week_minutes_before: self
                .weeks
                .get(&week_of(new.start, tz))
                .copied()
                .unwrap_or(0),
        })
    }

    /// Daily rest in the window the new period opens and in every window it falls into.
    fn check_daily(
        &self,
        new: Span,
        before: &[Span],
        with: &[Span],
        rules: &WorkingTimeRules,
    ) -> Result<(), Breach> {
        let limit = rules.limit_minutes(Rule::DailyRest);
        let window_len = rules.daily_window();
        let starts = before
            .iter()
            .map(|s| s.start)
            .filter(|&s| s < new.end && s + window_len > new.start)
            .map(|s| (s, true));
        for (start, existed) in std::iter::once((new.start, false)).chain(starts) {
            let window = Span {
                start,
                end: start + window_len,
            };
            let after = longest_rest(with, window) / 60;
            let was = if existed {
                longest_rest(before, window) / 60
            } else {
                i64::MAX
            };
            if after < limit && after < was {
                return Err(Breach {
                    rule: Rule::DailyRest,
                    at: start,
                    found_minutes: after,
                    limit_minutes: limit,
                });
            }
        }
        Ok(())
    }
}

fn add_minutes(weeks: &mut BTreeMap<Date, i64>, s: Span, tz: &TimeZone) {
    let mut monday = week_of(s.start, tz);
    loop {
        let w = week_window(monday, tz);
        if w.start >= s.end {
            break;
        }
        let minutes = s.clip(w) / 60;
        if minutes > 0 {
            *weeks.entry(monday).or_default() += minutes;
        }
        monday = plus_days(monday, 7);
    }
}

fn overtime_per_week(weeks: &BTreeMap<Date, i64>, contract_minutes: i64) -> BTreeMap<Date, i64> {
    weeks
        .iter()
        .map(|(w, m)| (*w, (m - contract_minutes).max(0)))
        .collect()
}

/// The overtime totals the rules limit, for the windows that hold any of `weeks`: each
/// `(rule, first Monday of the window, minutes)`.
fn overtime_totals(
    overtime: &BTreeMap<Date, i64>,
    weeks: &BTreeSet<Date>,
    rules: &WorkingTimeRules,
) -> Vec<(Rule, Date, i64)> {
    let mut out = Vec::new();
    let sum_of = |from: Date, to: Date| -> i64 { overtime.range(from..to).map(|(_, m)| m).sum() };
    match rules.overtime_basis {
        OvertimeBasis::FourWeeks => {
            let n = i64::from(rules.overtime_period_weeks.max(1));
            let mut starts = BTreeSet::new();
            for &w in weeks {
                for k in 0..n {
                    starts.insert(plus_days(w, -7 * k));
                }
            }
            for start in starts {
                out.push((
                    Rule::OvertimePeriod,
                    start,
                    sum_of(start, plus_days(start, 7 * n)),
                ));
            }
        }
        OvertimeBasis::CalendarMonth => {
            let months: BTreeSet<(i16, i8)> = weeks.iter().map(|w| month_of_week(*w)).collect();
            for (y, m) in months {
                let total: i64 = overtime
                    .iter()
                    .filter(|(w, _)| month_of_week(**w) == (y, m))
                    .map(|(_, v)| v)
                    .sum();
                let first = overtime
                    .keys()
                    .chain(weeks.iter())
                    .copied()
                    .filter(|w| month_of_week(*w) == (y, m))
                    .min();
                if let Some(first) = first {
                    out.push((Rule::OvertimeMonth, first, total));
                }
            }
        }
    }
    let years: BTreeSet<i16> = weeks.iter().map(|w| month_of_week(*w).0).collect();
    for y in years {
        let total: i64 = overtime
            .iter()
            .filter(|(w, _)| month_of_week(**w).0 == y)
            .map(|(_, v)| v)
            .sum();
        let first = overtime
            .keys()
            .chain(weeks.iter())
            .copied()
            .filter(|w| month_of_week(*w).0 == y)
            .min();
        if let Some(first) = first {
            out.push((Rule::OvertimeYear, first, total));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tz() -> TimeZone {
        crate::time::stockholm()
    }

    /// A period on `d` from `from` to `to` o'clock (an end not after the start ends next day).
    fn shift(d: Date, from: i8, to: i8) -> Span {
        let start = crate::time::at_civil(d, time(from, 0, 0, 0), &tz());
        let end_day = if to <= from { plus_days(d, 1) } else { d };
        Span::of(
            start,
            crate::time::at_civil(end_day, time(to, 0, 0, 0), &tz()),
        )
    }

    const MONDAY: Date = date(2026, 11, 23);

    #[test]
    fn a_night_then_a_morning_breaks_the_daily_rest() {
        let load = Load::new(vec![shift(MONDAY, 22, 6)], &tz());
        let next = shift(plus_days(MONDAY, 1), 14, 22);
        // 06:00 to 14:00 is eight hours of rest.
        let e = load
            .check_addition(next, 40 * 60, &WorkingTimeRules::default(), &tz())
            .unwrap_err();
        assert_eq!(e.rule, Rule::DailyRest);
        assert_eq!(e.found_minutes, 8 * 60);
        assert_eq!(e.limit_minutes, 11 * 60);
        // Two days later is fine.
        assert!(
            load.check_addition(
                shift(plus_days(MONDAY, 2), 6, 14),
                2400,
                &WorkingTimeRules::default(),
                &tz()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_full_week_of_days_leaves_the_weekend_for_weekly_rest() {
        let days: Vec<Span> = (0..5).map(|i| shift(plus_days(MONDAY, i), 7, 16)).collect();
        let load = Load::new(days, &tz());
        assert!(
            load.breaches(2400, &WorkingTimeRules::default(), &tz())
                .is_empty()
        );
        // Saturday and Sunday too: the longest rest is 15 hours a night.
        let sat = shift(plus_days(MONDAY, 5), 7, 16);
        let mut spans = load.spans().to_vec();
        spans.push(sat);
        let load6 = Load::new(spans, &tz());
        let e = load6
            .check_addition(
                shift(plus_days(MONDAY, 6), 7, 16),
                2400,
                &WorkingTimeRules::default(),
                &tz(),
            )
            .unwrap_err();
        assert_eq!(e.rule, Rule::WeeklyRest);
        assert_eq!(e.found_minutes, 15 * 60);
    }

    #[test]
    fn overtime_over_four_weeks_is_limited() {
        // 40 contracted hours, 52 worked a week (four 13-hour days): 12 h overtime a week,
        // 48 h over four weeks is allowed, one more day is not.
        let mut spans = Vec::new();
        for week in 0..4 {
            for day in 0..4 {
                spans.push(shift(plus_days(MONDAY, week * 7 + day), 6, 19));
            }
        }
        let load = Load::new(spans, &tz());
        let rules = WorkingTimeRules::default();
        assert!(
            load.breaches(2400, &rules, &tz()).is_empty(),
            "{:?}",
            load.breaches(2400, &rules, &tz())
        );
        let e = load
            .check_addition(shift(plus_days(MONDAY, 25), 6, 12), 2400, &rules, &tz())
            .unwrap_err();
        assert_eq!(e.rule, Rule::OvertimePeriod);
        assert_eq!(e.found_minutes, 54 * 60);
        // The same hours under the monthly basis: a week counts in the month of its Thursday,
        // so November holds only the week of 23 November and December the other three.
        let monthly = WorkingTimeRules {
            overtime_basis: OvertimeBasis::CalendarMonth,
            ..rules
        };
        assert!(
            load.check_addition(shift(plus_days(MONDAY, 25), 6, 12), 2400, &monthly, &tz())
                .is_ok()
        );
    }

    #[test]
    fn costs_name_the_overtime_added() {
        // 32 contracted hours, worked Monday to Thursday: Friday is all overtime.
        let load = Load::new(
            (0..4).map(|i| shift(plus_days(MONDAY, i), 7, 15)).collect(),
            &tz(),
        );
        let a = load
            .check_addition(
                shift(plus_days(MONDAY, 4), 7, 15),
                32 * 60,
                &WorkingTimeRules::default(),
                &tz(),
            )
            .unwrap();
        assert_eq!(a.overtime_added_minutes, 8 * 60);
        assert_eq!(a.week_minutes_before, 32 * 60);
        assert!(load.overlaps(shift(MONDAY, 14, 18)));
        assert!(!load.overlaps(shift(MONDAY, 15, 18)));
    }

    #[test]
    fn a_daylight_saving_night_is_measured_in_real_hours() {
        // 25 October 2026: clocks go back; 22:00 to 06:00 is nine hours.
        let night = shift(date(2026, 10, 24), 22, 6);
        assert_eq!(night.end - night.start, 9 * 3600);
        let mut weeks = BTreeMap::new();
        add_minutes(&mut weeks, night, &tz());
        assert_eq!(weeks.values().sum::<i64>(), 9 * 60);
    }

    #[test]
    fn settings_are_checked() {
        assert!(WorkingTimeRules::default().validate().is_ok());
        let bad = WorkingTimeRules {
            daily_rest_hours: 30,
            ..Default::default()
        };
        assert_eq!(bad.validate().unwrap_err().0, "daily_rest_hours");
    }
}

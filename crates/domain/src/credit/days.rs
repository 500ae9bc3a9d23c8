//! Day arithmetic that is total for every `Date`, so interval sums need no fallible date
//! operations.

use jiff::Span;
use jiff::civil::Date;

/// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar. Total for
/// every `Date`, so interval arithmetic needs no fallible date operations.
pub(crate) fn day_number(d: Date) -> i64 {
    let (month, day) = (i64::from(d.month()), i64::from(d.day()));
    // Years start in March so the leap day is the last day of the year.
    let year = i64::from(d.year()) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `n` days after 1970-01-01, saturating at jiff's date range.
pub(crate) fn date_at(n: i64) -> Date {
    const EPOCH: Date = Date::constant(1970, 1, 1);
    Span::new()
        .try_days(n)
        .ok()
        .and_then(|span| EPOCH.checked_add(span).ok())
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// `date` moved by `days`, saturating at jiff's date range.
pub(crate) fn add_days(date: Date, days: i64) -> Date {
    date_at(day_number(date).saturating_add(days))
}

/// Days from `a` to `b` (negative when `b` is before `a`).
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

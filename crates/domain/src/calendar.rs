//! Swedish public holidays and working-day arithmetic.
//!
//! This module owns the answer to "is this a day the office and the field
//! crews work?", which drives due dates, notice periods and appointment
//! booking. Public holidays follow lag (1989:253) om allmänna helgdagar as
//! in force since 2005 (nationaldagen a holiday, annandag pingst not); the
//! same rules are applied to every year, including earlier ones.
//!
//! All functions are pure and work on [`jiff::civil::Date`]. Years outside
//! jiff's range (-9999..=9999) are clamped into it, and date arithmetic
//! saturates at [`Date::MAX`] instead of panicking.

use jiff::Span;
use jiff::civil::{Date, Weekday};

/// Number of named public holidays in a year.
const HOLIDAY_COUNT: usize = 13;

/// Builds a date the caller knows to be valid (fixed month and day in a
/// clamped year). The fallback is unreachable; it only keeps the function
/// free of panics.
fn ymd(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).unwrap_or(Date::MIN)
}

/// Moves `date` by `days`, saturating at jiff's date range.
fn shift(date: Date, days: i64) -> Date {
    date.saturating_add(Span::new().days(days))
}

/// The first date on or after `from` that falls on `weekday`.
fn first_weekday_on_or_after(from: Date, weekday: Weekday) -> Date {
    let ahead =
        (weekday.to_monday_zero_offset() - from.weekday().to_monday_zero_offset()).rem_euclid(7);
    shift(from, i64::from(ahead))
}

/// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm,
/// also known as Meeus/Jones/Butcher).
///
/// The result always falls between 22 March and 25 April. Years outside
/// -9999..=9999 are clamped into that range.
pub fn easter_sunday(year: i16) -> Date {
    let year = year.clamp(-9999, 9999);
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // n / 31 is 3 or 4 and n % 31 + 1 is at most 31, so both fit in i8.
    ymd(year, (n / 31) as i8, (n % 31 + 1) as i8)
}

/// The named holidays of `year` in no particular order.
fn holiday_table(year: i16) -> [(Date, &'static str); HOLIDAY_COUNT] {
    let year = year.clamp(-9999, 9999);
    let easter = easter_sunday(year);
    [
        (ymd(year, 1, 1), "nyårsdagen"),
        (ymd(year, 1, 6), "trettondedag jul"),
        (shift(easter, -2), "långfredagen"),
        (easter, "påskdagen"),
        (shift(easter, 1), "annandag påsk"),
        (ymd(year, 5, 1), "första maj"),
        (shift(easter, 39), "Kristi himmelsfärdsdag"),
        (ymd(year, 6, 6), "nationaldagen"),
        (shift(easter, 49), "pingstdagen"),
        (midsommardagen(year), "midsommardagen"),
        (
            first_weekday_on_or_after(ymd(year, 10, 31), Weekday::Saturday),
            "alla helgons dag",
        ),
        (ymd(year, 12, 25), "juldagen"),
        (ymd(year, 12, 26), "annandag jul"),
    ]
}

/// Midsommardagen: the Saturday between 20 and 26 June.
fn midsommardagen(year: i16) -> Date {
    first_weekday_on_or_after(ymd(year, 6, 20), Weekday::Saturday)
}

/// The public holidays (allmänna helgdagar with a name) of `year`, sorted
/// by date, with their Swedish names in lower case as written in running
/// text ("Kristi himmelsfärdsdag" keeps its capital).
///
/// Ordinary Sundays are also allmänna helgdagar by law but are not listed;
/// [`is_working_day`] excludes weekends separately. Two holidays can fall on
/// the same date (Kristi himmelsfärdsdag on första maj); both are listed.
pub fn public_holidays(year: i16) -> Vec<(Date, &'static str)> {
    let mut holidays = holiday_table(year).to_vec();
    holidays.sort_by_key(|(date, _)| *date);
    holidays
}

/// The eves that are not public holidays but on which practically all
/// workplaces are closed: midsommarafton, julafton and nyårsafton.
pub fn de_facto_days_off(year: i16) -> Vec<(Date, &'static str)> {
    let year = year.clamp(-9999, 9999);
    vec![
        (shift(midsommardagen(year), -1), "midsommarafton"),
        (ymd(year, 12, 24), "julafton"),
        (ymd(year, 12, 31), "nyårsafton"),
    ]
}

/// `true` when `date` is one of the named public holidays of its year.
pub fn is_public_holiday(date: Date) -> bool {
    holiday_table(date.year())
        .iter()
        .any(|(holiday, _)| *holiday == date)
}

/// `true` for Monday–Friday that is neither a public holiday nor one of the
/// de-facto days off (midsommarafton, julafton, nyårsafton).
///
/// The eves are not holidays in law, but offices and field crews are off,
/// so promising a customer a visit or a reply on them would be misleading.
pub fn is_working_day(date: Date) -> bool {
    DaysOff::default().is_working_day(date)
}

/// The `n`-th working day after `date` (`date` itself is not counted).
///
/// With `n == 0` the date is returned unchanged, even if it is not a working
/// day; use [`next_working_day_on_or_after`] to move it. Saturates at
/// [`Date::MAX`].
pub fn add_working_days(date: Date, n: u32) -> Date {
    let mut days_off = DaysOff::default();
    let mut current = date;
    let mut remaining = n;
    while remaining > 0 {
        match current.tomorrow() {
            Ok(next) => current = next,
            Err(_) => return Date::MAX,
        }
        if days_off.is_working_day(current) {
            remaining -= 1;
        }
    }
    current
}

/// The number of working days in the half-open interval `(a, b]`: the days
/// after `a` up to and including `b`.
///
/// When `b` is before `a` the result is the negated count of `(b, a]`, so
/// `add_working_days(a, n)` gives a `b` with
/// `working_days_between(a, b) == n`.
pub fn working_days_between(a: Date, b: Date) -> i64 {
    if b < a {
        return -working_days_between(b, a);
    }
    let mut days_off = DaysOff::default();
    let mut count = 0;
    let mut current = a;
    while current < b {
        match current.tomorrow() {
            Ok(next) => current = next,
            Err(_) => break,
        }
        if days_off.is_working_day(current) {
            count += 1;
        }
    }
    count
}

/// `date` itself when it is a working day, otherwise the first working day
/// after it. Saturates at [`Date::MAX`].
pub fn next_working_day_on_or_after(date: Date) -> Date {
    let mut days_off = DaysOff::default();
    let mut current = date;
    while !days_off.is_working_day(current) {
        match current.tomorrow() {
            Ok(next) => current = next,
            Err(_) => return Date::MAX,
        }
    }
    current
}

/// The non-working weekdays of one year, remembered while walking across
/// many days so the holidays are not recomputed for every date.
#[derive(Default)]
struct DaysOff {
    cached: Option<(i16, Vec<Date>)>,
}

impl DaysOff {
    fn is_working_day(&mut self, date: Date) -> bool {
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return false;
        }
        let year = date.year();
        let days = match &self.cached {
            Some((cached_year, days)) if *cached_year == year => days,
            _ => {
                let days = holiday_table(year)
                    .iter()
                    .chain(de_facto_days_off(year).iter())
                    .map(|(day, _)| *day)
                    .collect();
                &self.cached.insert((year, days)).1
            }
        };
        !days.contains(&date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn holiday(year: i16, name: &str) -> Date {
        public_holidays(year)
            .into_iter()
            .find(|(_, n)| *n == name)
            .map(|(d, _)| d)
            .unwrap()
    }

    #[test]
    fn easter_known_years() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2019), date(2019, 4, 21));
        // The extremes of the Easter range.
        assert_eq!(easter_sunday(2285), date(2285, 3, 22));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
        // Out-of-range years are clamped rather than panicking.
        assert_eq!(easter_sunday(i16::MAX).year(), 9999);
        assert_eq!(easter_sunday(i16::MIN).year(), -9999);
    }

    #[test]
    fn holidays_2026() {
        let expected = [
            (date(2026, 1, 1), "nyårsdagen"),
            (date(2026, 1, 6), "trettondedag jul"),
            (date(2026, 4, 3), "långfredagen"),
            (date(2026, 4, 5), "påskdagen"),
            (date(2026, 4, 6), "annandag påsk"),
            (date(2026, 5, 1), "första maj"),
            (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
            (date(2026, 5, 24), "pingstdagen"),
            (date(2026, 6, 6), "nationaldagen"),
            (date(2026, 6, 20), "midsommardagen"),
            (date(2026, 10, 31), "alla helgons dag"),
            (date(2026, 12, 25), "juldagen"),
            (date(2026, 12, 26), "annandag jul"),
        ];
        assert_eq!(public_holidays(2026), expected.to_vec());
    }

    #[test]
    fn holidays_other_years() {
        assert_eq!(holiday(2025, "midsommardagen"), date(2025, 6, 21));
        assert_eq!(holiday(2024, "midsommardagen"), date(2024, 6, 22));
        assert_eq!(holiday(2025, "alla helgons dag"), date(2025, 11, 1));
        assert_eq!(holiday(2024, "alla helgons dag"), date(2024, 11, 2));
        assert_eq!(holiday(2025, "Kristi himmelsfärdsdag"), date(2025, 5, 29));
        assert_eq!(holiday(2025, "pingstdagen"), date(2025, 6, 8));
        // 2008: Kristi himmelsfärdsdag coincided with första maj.
        let same_day: Vec<_> = public_holidays(2008)
            .into_iter()
            .filter(|(d, _)| *d == date(2008, 5, 1))
            .collect();
        assert_eq!(same_day.len(), 2);
    }

    #[test]
    fn working_days() {
        // Midsommarafton 2026 is Friday 19 June.
        assert!(!is_working_day(date(2026, 6, 19)));
        assert!(!is_public_holiday(date(2026, 6, 19)));
        assert!(is_working_day(date(2026, 6, 18)));
        assert!(!is_working_day(date(2026, 12, 24)));
        assert!(!is_working_day(date(2026, 12, 31)));
        assert!(!is_working_day(date(2026, 6, 20)));
        assert!(is_public_holiday(date(2026, 6, 6)));
        // An ordinary Sunday is off but not a named holiday.
        assert!(!is_working_day(date(2026, 6, 14)));
        assert!(!is_public_holiday(date(2026, 6, 14)));

        // Thursday before Easter 2026 plus one working day: skips
        // långfredagen, the weekend and annandag påsk.
        assert_eq!(add_working_days(date(2026, 4, 2), 1), date(2026, 4, 7));
        assert_eq!(add_working_days(date(2026, 4, 2), 0), date(2026, 4, 2));
        assert_eq!(add_working_days(date(2026, 12, 23), 1), date(2026, 12, 28));
        assert_eq!(add_working_days(date(2026, 12, 30), 1), date(2027, 1, 4));
        assert_eq!(working_days_between(date(2026, 4, 2), date(2026, 4, 7)), 1);
        assert_eq!(working_days_between(date(2026, 4, 7), date(2026, 4, 2)), -1);
        assert_eq!(working_days_between(date(2026, 4, 7), date(2026, 4, 7)), 0);
        // January 2026 has 22 weekdays, minus nyårsdagen and trettondedag jul.
        assert_eq!(
            working_days_between(date(2025, 12, 31), date(2026, 1, 31)),
            20
        );
        assert_eq!(
            next_working_day_on_or_after(date(2026, 6, 19)),
            date(2026, 6, 22)
        );
        assert_eq!(
            next_working_day_on_or_after(date(2026, 6, 22)),
            date(2026, 6, 22)
        );
        // Saturation at the end of jiff's range instead of a panic.
        assert_eq!(add_working_days(date(9999, 12, 30), 5), Date::MAX);
        assert_eq!(next_working_day_on_or_after(Date::MAX), Date::MAX);
    }

    fn arb_date() -> impl Strategy<Value = Date> {
        (1900i16..=2200, 1i8..=12, 1i8..=31)
            .prop_map(|(y, m, d)| date(y, m, 1).saturating_add(Span::new().days(i64::from(d) - 1)))
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_in_range(year in -9999i16..=9999) {
            let easter = easter_sunday(year);
            prop_assert_eq!(easter.weekday(), Weekday::Sunday);
            prop_assert_eq!(easter.year(), year);
            prop_assert!(easter >= date(year, 3, 22) && easter <= date(year, 4, 25));
        }

        #[test]
        fn named_saturdays(year in 1900i16..=2200) {
            let midsommar = holiday(year, "midsommardagen");
            prop_assert_eq!(midsommar.weekday(), Weekday::Saturday);
            prop_assert!(midsommar >= date(year, 6, 20) && midsommar <= date(year, 6, 26));
            let helgon = holiday(year, "alla helgons dag");
            prop_assert_eq!(helgon.weekday(), Weekday::Saturday);
            prop_assert!(helgon >= date(year, 10, 31) && helgon <= date(year, 11, 6));
            prop_assert_eq!(public_holidays(year).len(), HOLIDAY_COUNT);
        }

        #[test]
        fn add_working_days_lands_on_working_day(start in arb_date(), n in 1u32..400) {
            let end = add_working_days(start, n);
            prop_assert!(end > start);
            prop_assert!(is_working_day(end));
            prop_assert_eq!(working_days_between(start, end), i64::from(n));
            prop_assert_eq!(working_days_between(end, start), -i64::from(n));
        }

        #[test]
        fn next_working_day_is_working(start in arb_date()) {
            let next = next_working_day_on_or_after(start);
            prop_assert!(next >= start);
            prop_assert!(is_working_day(next));
            prop_assert_eq!(next == start, is_working_day(start));
        }
    }
}

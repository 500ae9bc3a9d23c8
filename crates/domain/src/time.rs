//! Instants, civil dates and the Europe/Stockholm zone.
//!
//! This module owns the conversions between the three ways Beredskap talks
//! about time: instants stored as `i64` microseconds since the Unix epoch
//! (UTC), [`jiff::Timestamp`] in code, and civil dates and times in
//! Europe/Stockholm, which is what customers, letters and due dates use. It
//! never reads the clock; callers pass instants in.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The text is not shaped like `YYYY-MM-DD`.
    #[error("expected a date written as YYYY-MM-DD, such as 2026-11-27, found {found:?}")]
    DateFormat {
        /// The text that was given (truncated to 40 characters).
        found: String,
    },
    /// The shape is right but there is no such day.
    #[error(
        "{found} is not a calendar date; the month must be 01–12 and the day must exist in that month"
    )]
    InvalidDate {
        /// The text that was given.
        found: String,
    },
}

/// The Europe/Stockholm time zone from the tz database bundled into the
/// binary (jiff feature `tzdb-bundle-always`), so the result never depends
/// on the host's zoneinfo files.
///
/// The zone is looked up once and cached. The lookup can only fail if the
/// bundle lacks Europe/Stockholm, which would be a broken build rather than
/// a runtime condition, so it is the one documented `expect` in this crate.
pub fn stockholm() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        TimeZone::get("Europe/Stockholm")
            .expect("the bundled tz database always contains Europe/Stockholm")
    })
    .clone()
}

/// The storage form of an instant: whole microseconds since
/// 1970-01-01T00:00:00Z.
///
/// Sub-microsecond parts are floored (towards the past), so the stored value
/// never lies after the real instant and ordering is preserved.
pub fn to_micros(ts: Timestamp) -> i64 {
    let micros = ts.as_nanosecond().div_euclid(1_000);
    // Every jiff timestamp is within about ±2.6e17 µs, so this always fits.
    i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX })
}

/// The instant for a stored microsecond count.
///
/// Values beyond jiff's supported range (years -9999..=9999) are clamped to
/// [`Timestamp::MIN`] or [`Timestamp::MAX`] instead of failing, so a corrupt
/// row cannot crash a page.
pub fn from_micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(if us < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// The civil date of `ts` in `tz`.
pub fn civil_date(ts: Timestamp, tz: &TimeZone) -> Date {
    tz.to_datetime(ts).date()
}

/// The first instant of `date` in `tz`.
///
/// Usually midnight; in zones where a clock change skips midnight it is the
/// first instant after the gap. Near the ends of jiff's range, where the
/// instant cannot be represented, the result saturates.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Timestamp {
    at_civil(date, Time::midnight(), tz)
}

/// The instant at which the clocks in `tz` show `time` on `date`.
///
/// Clock changes are resolved the way most calendars do ("compatible"): a
/// time that does not exist because the clocks jumped forward (02:30 on the
/// last Sunday of March in Stockholm) is moved forward by the length of the
/// gap (to 03:30 CEST), and a time that occurs twice because the clocks went
/// back (02:30 on the last Sunday of October) means the earlier occurrence.
/// Near the ends of jiff's range the result saturates.
pub fn at_civil(date: Date, time: Time, tz: &TimeZone) -> Timestamp {
    tz.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .unwrap_or(if date.year() < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
}

/// Formats `ts` as the civil time in `tz`, `YYYY-MM-DD HH:MM` (for example
/// `2026-11-27 14:05`), the form used on screens and in letters.
pub fn format_datetime(ts: Timestamp, tz: &TimeZone) -> String {
    let datetime = tz.to_datetime(ts);
    format!(
        "{} {:02}:{:02}",
        format_date(datetime.date()),
        datetime.hour(),
        datetime.minute()
    )
}

/// Formats a date as ISO 8601 `YYYY-MM-DD`, for example `2026-11-27`.
pub fn format_date(d: Date) -> String {
    d.to_string()
}

/// Parses a date written strictly as `YYYY-MM-DD` (four-digit year, two-digit
/// month and day, no surrounding whitespace; callers trim form input).
pub fn parse_date(s: &str) -> Result<Date, TimeError> {
    let bytes = s.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        return Err(TimeError::DateFormat {
            found: s.chars().take(40).collect(),
        });
    }
    let number = |range: std::ops::Range<usize>| -> i16 {
        bytes[range]
            .iter()
            .fold(0, |acc, byte| acc * 10 + i16::from(*byte - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let invalid = || TimeError::InvalidDate {
        found: s.to_owned(),
    };
    let month = i8::try_from(month).map_err(|_| invalid())?;
    let day = i8::try_from(day).map_err(|_| invalid())?;
    Date::new(year, month, day).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    #[test]
    fn stockholm_offsets() {
        let tz = stockholm();
        let winter = at_civil(date(2026, 1, 15), time(12, 0, 0, 0), &tz);
        assert_eq!(winter.to_string(), "2026-01-15T11:00:00Z");
        let summer = at_civil(date(2026, 7, 15), time(12, 0, 0, 0), &tz);
        assert_eq!(summer.to_string(), "2026-07-15T10:00:00Z");
    }

    #[test]
    fn spring_forward_day_has_23_hours() {
        let tz = stockholm();
        let day = start_of_day(date(2026, 3, 29), &tz);
        let next = start_of_day(date(2026, 3, 30), &tz);
        assert_eq!(next.duration_since(day), SignedDuration::from_hours(23));
        assert_eq!(day.to_string(), "2026-03-28T23:00:00Z");
    }

    #[test]
    fn fall_back_day_has_25_hours() {
        let tz = stockholm();
        let day = start_of_day(date(2026, 10, 25), &tz);
        let next = start_of_day(date(2026, 10, 26), &tz);
        assert_eq!(next.duration_since(day), SignedDuration::from_hours(25));
    }

    #[test]
    fn gap_and_fold_resolution() {
        let tz = stockholm();
        // 02:30 does not exist on 2026-03-29: it becomes 03:30 CEST.
        let gap = at_civil(date(2026, 3, 29), time(2, 30, 0, 0), &tz);
        assert_eq!(gap.to_string(), "2026-03-29T01:30:00Z");
        assert_eq!(format_datetime(gap, &tz), "2026-03-29 03:30");
        // 02:30 happens twice on 2026-10-25: the first (CEST) is chosen.
        let fold = at_civil(date(2026, 10, 25), time(2, 30, 0, 0), &tz);
        assert_eq!(fold.to_string(), "2026-10-25T00:30:00Z");
        assert_eq!(format_datetime(fold, &tz), "2026-10-25 02:30");
    }

    #[test]
    fn civil_dates_and_formatting() {
        let tz = stockholm();
        // 23:30 UTC on 27 November is already 28 November in Stockholm.
        let ts: Timestamp = "2026-11-27T23:30:00Z".parse().unwrap();
        assert_eq!(civil_date(ts, &tz), date(2026, 11, 28));
        assert_eq!(format_datetime(ts, &tz), "2026-11-28 00:30");
        let ts: Timestamp = "2026-11-27T13:05:59Z".parse().unwrap();
        assert_eq!(format_datetime(ts, &tz), "2026-11-27 14:05");
        assert_eq!(format_date(date(2026, 11, 27)), "2026-11-27");
        assert_eq!(format_date(date(987, 1, 2)), "0987-01-02");
    }

    #[test]
    fn parse_date_is_strict() {
        assert_eq!(parse_date("2026-11-27"), Ok(date(2026, 11, 27)));
        assert_eq!(parse_date("2024-02-29"), Ok(date(2024, 2, 29)));
        for bad in [
            "2026-1-27",
            " 2026-11-27",
            "2026/11/27",
            "20261127",
            "2026-11-27T00",
            "",
        ] {
            assert!(
                matches!(parse_date(bad), Err(TimeError::DateFormat { .. })),
                "{bad}"
            );
        }
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "2026-00-10",
            "2026-04-31",
            "2026-04-00",
        ] {
            assert!(
                matches!(parse_date(bad), Err(TimeError::InvalidDate { .. })),
                "{bad}"
            );
        }
        assert!(
            parse_date("27/11")
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn micros_clamp_and_round() {
        assert_eq!(from_micros(i64::MAX), Timestamp::MAX);
        assert_eq!(from_micros(i64::MIN), Timestamp::MIN);
        assert_eq!(to_micros(Timestamp::UNIX_EPOCH), 0);
        // Half a microsecond before the epoch floors to -1.
        let ts = Timestamp::new(0, -500).unwrap();
        assert_eq!(to_micros(ts), -1);
        let ts = Timestamp::new(0, 1_500).unwrap();
        assert_eq!(to_micros(ts), 1);
        let max = to_micros(Timestamp::MAX);
        assert_eq!(to_micros(from_micros(max)), max);
        assert_eq!(to_micros(from_micros(max + 1)), max);
    }

    proptest! {
        #[test]
        fn micros_round_trip(us in to_micros(Timestamp::MIN)..=to_micros(Timestamp::MAX)) {
            prop_assert_eq!(to_micros(from_micros(us)), us);
        }

        #[test]
        fn start_of_day_is_that_day(y in 1970i16..=2100, m in 1i8..=12, d in 1i8..=28) {
            let tz = stockholm();
            let day = date(y, m, d);
            let start = start_of_day(day, &tz);
            prop_assert_eq!(civil_date(start, &tz), day);
            let just_before = start - SignedDuration::from_micros(1);
            prop_assert!(civil_date(just_before, &tz) < day);
            prop_assert_eq!(parse_date(&format_date(day)), Ok(day));
        }
    }
}

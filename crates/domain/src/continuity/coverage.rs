//! The coverage of a shift: when it runs, how many it needs under the policy in force, how many
//! are rostered and present, and its status.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::CoverageStatus;
use super::worktime::Span;

/// A shift's clock times in minutes after midnight; an end not after the start ends the next
/// day (a 22:00–06:00 night, or a 07:00–07:00 day and night).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftTimes {
    pub start_min: i32,
    pub end_min: i32,
}

impl ShiftTimes {
    /// Whether the end falls on the next day.
    pub fn overnight(self) -> bool {
        self.end_min <= self.start_min
    }

    fn time(minutes: i32) -> Time {
        let m = minutes.clamp(0, 24 * 60 - 1);
        Time::constant((m / 60) as i8, (m % 60) as i8, 0, 0)
    }

    /// When the shift that starts on `date` (Stockholm time) begins and ends. Across a change
    /// of the clocks a night is an hour shorter or longer, as it is for the people on it.
    pub fn occurrence(self, date: Date, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let start = crate::time::at_civil(date, Self::time(self.start_min), tz);
        let end_day = if self.overnight() {
            date.tomorrow().unwrap_or(date)
        } else {
            date
        };
        let end = crate::time::at_civil(end_day, Self::time(self.end_min), tz);
        (start, end)
    }

    pub fn span(self, date: Date, tz: &TimeZone) -> Span {
        let (a, b) = self.occurrence(date, tz);
        Span::of(a, b)
    }
}

/// The minimum a shift needs: its crisis minimum when the policy in force raises its function.
pub fn required(min_staff: i64, min_staff_crisis: i64, raised: bool) -> i64 {
    if raised { min_staff_crisis } else { min_staff }
}

/// Green above the minimum, amber at it, red below it.
pub fn status(required: i64, present: i64) -> CoverageStatus {
    match present.cmp(&required) {
        std::cmp::Ordering::Greater => CoverageStatus::Green,
        std::cmp::Ordering::Equal => CoverageStatus::Amber,
        std::cmp::Ordering::Less => CoverageStatus::Red,
    }
}

/// One shift on one day: who is rostered, who of them is away, and what that means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell<P> {
    pub required: i64,
    pub rostered: Vec<P>,
    /// The rostered people who are absent.
    pub missing: Vec<P>,
}

impl<P: Clone> Cell<P> {
    /// The cell of `rostered` people of whom those for which `absent` holds are away.
    pub fn new(required: i64, rostered: Vec<P>, absent: impl Fn(&P) -> bool) -> Cell<P> {
        let missing = rostered.iter().filter(|p| absent(p)).cloned().collect();
        Cell {
            required,
            rostered,
            missing,
        }
    }

    pub fn present(&self) -> i64 {
        i64::try_from(self.rostered.len() - self.missing.len()).unwrap_or(i64::MAX)
    }

    pub fn status(&self) -> CoverageStatus {
        status(self.required, self.present())
    }

    /// People needed to reach the minimum.
    pub fn shortfall(&self) -> i64 {
        (self.required - self.present()).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn status_is_green_above_amber_at_and_red_below_the_minimum() {
        assert_eq!(status(2, 3), CoverageStatus::Green);
        assert_eq!(status(2, 2), CoverageStatus::Amber);
        assert_eq!(status(2, 1), CoverageStatus::Red);
        let cell = Cell::new(2, vec![1, 2, 3], |p| *p == 2);
        assert_eq!(
            (cell.present(), cell.status(), cell.missing.clone()),
            (2, CoverageStatus::Amber, vec![2])
        );
        let short = Cell::new(3, vec![1, 2], |p| *p == 2);
        assert_eq!(
            (short.status(), short.shortfall()),
            (CoverageStatus::Red, 2)
        );
        assert_eq!(required(2, 3, true), 3);
        assert_eq!(required(2, 3, false), 2);
    }

    #[test]
    fn a_night_ends_the_next_morning() {
        let tz = crate::time::stockholm();
        let night = ShiftTimes {
            start_min: 22 * 60,
            end_min: 6 * 60,
        };
        let (a, b) = night.occurrence(date(2026, 11, 23), &tz);
        assert_eq!(a.to_string(), "2026-11-23T21:00:00Z");
        assert_eq!(b.to_string(), "2026-11-24T05:00:00Z");
        let round = ShiftTimes {
            start_min: 7 * 60,
            end_min: 7 * 60,
        };
        let s = round.span(date(2026, 11, 23), &tz);
        assert_eq!(s.end - s.start, 24 * 3600);
    }
}

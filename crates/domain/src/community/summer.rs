//! Summer jobs for young people: postings with their hours, applications, a lottery anyone can
//! check, and the working-time rules for minors.
//!
//! The draw gives each application a ticket from the published seed and the application's
//! reference: the FNV-1a 64-bit hash of the UTF-8 text `seed:reference`, passed through the
//! SplitMix64 finaliser. Applications are drawn by priority group first (when the season has one),
//! then by ticket, lowest first, then by reference. The seed is published before the draw and the
//! references with their order afterwards, so anyone can recompute every ticket.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::CommunityProblem;

crate::closed_set! {
    /// Where an application stands.
    pub enum ApplicationState in "summer-application" {
        Applied = "applied",
        /// Drawn and placed in a posting.
        Chosen = "chosen",
        /// Not drawn for a place: on the reserve list in draw order.
        NotChosen = "not_chosen",
    }
}

/// The rules for young workers, as settings (Arbetsmiljöverket's provisions on minors; values
/// change with amendments and agreements).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummerRules {
    /// The youngest who may apply, on the season's first working day.
    pub min_age: u32,
    /// The oldest who may apply.
    pub max_age: u32,
    /// Under this age a worker is a minor: a guardian consents, and the hours below apply.
    pub minor_age: u32,
    /// No work for minors from this hour…
    pub night_from_hour: u32,
    /// …until this hour.
    pub night_until_hour: u32,
    pub max_hours_day: u32,
    pub max_hours_week: u32,
    /// Applications are kept this many days after the season's last working day, then purged.
    pub retention_days: u32,
}

impl Default for SummerRules {
    fn default() -> Self {
        SummerRules {
            min_age: 16,
            max_age: 19,
            minor_age: 18,
            night_from_hour: 22,
            night_until_hour: 6,
            max_hours_day: 8,
            max_hours_week: 40,
            retention_days: 90,
        }
    }
}

impl SummerRules {
    /// Checks the settings hold together.
    pub fn validate(&self) -> Result<(), CommunityProblem> {
        if self.min_age > self.max_age
            || self.minor_age > 18
            || self.night_from_hour > 24
            || self.night_until_hour > 12
            || self.max_hours_day == 0
            || self.max_hours_day > 24
            || self.max_hours_week == 0
            || self.max_hours_week > 168
        {
            return Err(CommunityProblem::RulesInvalid);
        }
        Ok(())
    }
}

/// A posting's working hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hours {
    pub start: Time,
    pub end: Time,
    pub break_minutes: u32,
    /// Working days a week (Monday on).
    pub days_per_week: u32,
}

impl Hours {
    fn minutes_of(t: Time) -> u32 {
        u32::try_from(t.hour()).unwrap_or(0) * 60 + u32::try_from(t.minute()).unwrap_or(0)
    }

    /// Checks the hours are a working day at all.
    pub fn validate(&self) -> Result<(), CommunityProblem> {
        if self.end <= self.start
            || self.days_per_week == 0
            || self.days_per_week > 7
            || self.break_minutes >= Self::minutes_of(self.end) - Self::minutes_of(self.start)
        {
            return Err(CommunityProblem::HoursInvalid);
        }
        Ok(())
    }

    /// Minutes worked a day (breaks excluded).
    pub fn day_minutes(&self) -> u32 {
        (Self::minutes_of(self.end) - Self::minutes_of(self.start))
            .saturating_sub(self.break_minutes)
    }

    pub fn week_minutes(&self) -> u32 {
        self.day_minutes() * self.days_per_week
    }

    /// Whether a minor may work these hours: none in the night, at most the hours a day and a
    /// week of `rules`. The refusal names the rule broken.
    pub fn check_minor(&self, rules: &SummerRules) -> Result<(), CommunityProblem> {
        let start = Self::minutes_of(self.start);
        let end = Self::minutes_of(self.end);
        if start < rules.night_until_hour * 60 || end > rules.night_from_hour * 60 {
            return Err(CommunityProblem::NightWork {
                from: rules.night_from_hour,
                until: rules.night_until_hour,
            });
        }
        if self.day_minutes() > rules.max_hours_day * 60 {
            return Err(CommunityProblem::DayTooLong {
                max: rules.max_hours_day,
            });
        }
        if self.week_minutes() > rules.max_hours_week * 60 {
            return Err(CommunityProblem::WeekTooLong {
                max: rules.max_hours_week,
            });
        }
        Ok(())
    }
}

/// Whole years of age on `on` of someone born on `birth`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether someone born on `birth` may apply for a season whose first working day is `first`,
/// and whether they are a minor then (a guardian must consent).
pub fn eligibility(
    birth: Date,
    first: Date,
    rules: &SummerRules,
) -> Result<bool, CommunityProblem> {
    let age = age_on(birth, first);
    if age < rules.min_age || age > rules.max_age {
        return Err(CommunityProblem::AgeOutside {
            min: rules.min_age,
            max: rules.max_age,
        });
    }
    Ok(age < rules.minor_age)
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The SplitMix64 finaliser.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An application's ticket in the draw with `seed`.
pub fn ticket(seed: &str, reference: &str) -> u64 {
    splitmix64(fnv1a64(format!("{seed}:{reference}").as_bytes()))
}

/// One application in the draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub reference: String,
    /// In the priority group (drawn before the others).
    pub priority: bool,
}

/// The order of the draw: indices into `entries`, the first drawn first.
pub fn draw(seed: &str, entries: &[Entry]) -> Vec<usize> {
    let mut keyed: Vec<(bool, u64, &str, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                !e.priority,
                ticket(seed, &e.reference),
                e.reference.as_str(),
                i,
            )
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, _, i)| i).collect()
}

/// A posting's places in the draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Places {
    pub places: u32,
    /// Its hours are within the rules for minors.
    pub fits_minors: bool,
}

/// Who the draw places: an applicant's wish and whether they are a minor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub wish: Option<usize>,
    pub minor: bool,
}

/// Places applicants in draw order: in their wish when it has a place they may take, otherwise
/// in the first posting with one; a minor only where the hours fit the rules for minors. Returns
/// the posting of each applicant (by index), `None` for those not placed.
pub fn place(order: &[usize], applicants: &[Applicant], postings: &[Places]) -> Vec<Option<usize>> {
    let mut left: Vec<u32> = postings.iter().map(|p| p.places).collect();
    let mut out = vec![None; applicants.len()];
    let mut free: u32 = left.iter().sum();
    for &i in order {
        if free == 0 {
            break;
        }
        let a = applicants[i];
        let may = |p: usize, left: &[u32]| left[p] > 0 && (!a.minor || postings[p].fits_minors);
        let chosen = a
            .wish
            .filter(|&w| w < postings.len() && may(w, &left))
            .or_else(|| (0..postings.len()).find(|&p| may(p, &left)));
        if let Some(p) = chosen {
            left[p] -= 1;
            free -= 1;
            out[i] = Some(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn the_ticket_is_fnv1a_then_splitmix64() {
        // FNV-1a 64 of the empty string and of "a" (the published test values).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        // SplitMix64's first output from state 0.
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(ticket("s", "r"), splitmix64(fnv1a64(b"s:r")));
    }

    #[test]
    fn the_same_seed_gives_the_same_draw_whatever_the_order_of_the_list() {
        let entries: Vec<Entry> = (0..500)
            .map(|i| Entry {
                reference: format!("2027-{i:05}"),
                priority: i % 7 == 0,
            })
            .collect();
        let a = draw("seed-1", &entries);
        let b = draw("seed-1", &entries);
        assert_eq!(a, b);
        let mut reversed = entries.clone();
        reversed.reverse();
        let r: Vec<&str> = draw("seed-1", &reversed)
            .into_iter()
            .map(|i| reversed[i].reference.as_str())
            .collect();
        let f: Vec<&str> = a.iter().map(|&i| entries[i].reference.as_str()).collect();
        assert_eq!(r, f);
        assert_ne!(draw("seed-2", &entries), a);
        // The priority group comes first.
        let first_other = a.iter().position(|&i| !entries[i].priority).unwrap();
        assert!(a[first_other..].iter().all(|&i| !entries[i].priority));
        assert_eq!(first_other, entries.iter().filter(|e| e.priority).count());
    }

    #[test]
    fn minors_are_placed_only_where_the_hours_fit() {
        let postings = [
            Places {
                places: 1,
                fits_minors: false,
            },
            Places {
                places: 1,
                fits_minors: true,
            },
        ];
        let applicants = [
            Applicant {
                wish: Some(0),
                minor: true,
            },
            Applicant {
                wish: None,
                minor: true,
            },
            Applicant {
                wish: None,
                minor: false,
            },
        ];
        assert_eq!(
            place(&[0, 1, 2], &applicants, &postings),
            vec![Some(1), None, Some(0)]
        );
    }

    #[test]
    fn hours_for_minors_follow_the_rules() {
        let rules = SummerRules::default();
        let day = Hours {
            start: time(8, 0, 0, 0),
            end: time(16, 30, 0, 0),
            break_minutes: 30,
            days_per_week: 5,
        };
        assert_eq!(day.day_minutes(), 480);
        assert_eq!(day.check_minor(&rules), Ok(()));
        let late = Hours {
            end: time(22, 30, 0, 0),
            start: time(15, 0, 0, 0),
            ..day
        };
        assert_eq!(
            late.check_minor(&rules),
            Err(CommunityProblem::NightWork { from: 22, until: 6 })
        );
        let early = Hours {
            start: time(5, 30, 0, 0),
            end: time(12, 0, 0, 0),
            ..day
        };
        assert!(matches!(
            early.check_minor(&rules),
            Err(CommunityProblem::NightWork { .. })
        ));
        let long = Hours {
            end: time(17, 0, 0, 0),
            ..day
        };
        assert_eq!(
            long.check_minor(&rules),
            Err(CommunityProblem::DayTooLong { max: 8 })
        );
        let six_days = Hours {
            days_per_week: 6,
            ..day
        };
        assert_eq!(
            six_days.check_minor(&rules),
            Err(CommunityProblem::WeekTooLong { max: 40 })
        );
    }

    #[test]
    fn age_and_consent() {
        let rules = SummerRules::default();
        let first = date(2027, 6, 21);
        assert_eq!(age_on(date(2011, 6, 21), first), 16);
        assert_eq!(age_on(date(2011, 6, 22), first), 15);
        assert_eq!(eligibility(date(2011, 6, 21), first, &rules), Ok(true));
        assert_eq!(eligibility(date(2009, 1, 1), first, &rules), Ok(false));
        assert_eq!(
            eligibility(date(2011, 6, 22), first, &rules),
            Err(CommunityProblem::AgeOutside { min: 16, max: 19 })
        );
    }
}

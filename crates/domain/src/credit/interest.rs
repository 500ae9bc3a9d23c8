//! Reference rates and late-payment interest (räntelagen 3, 6 and 9 §§).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::days::{date_at, day_number};

/// Percentage points added to the reference rate for late-payment interest (räntelagen 6 §),
/// in basis points.
pub const LATE_INTEREST_MARGIN_BP: i32 = 800;

/// Day count: interest per day is the yearly rate / 365, also in leap years (actual/365, the
/// Swedish practice; the law fixes none).
pub const DAYS_PER_YEAR: i128 = 365;

/// Basis points per whole (100 % = 10 000 bp).
const BP_PER_UNIT: i128 = 10_000;

/// Exact interest is counted in units of 1 / 3 650 000 öre: one öre outstanding for one day at
/// one basis point earns exactly one unit (1 öre × 1/10 000 × 1/365).
pub const INTEREST_UNITS_PER_ORE: i128 = BP_PER_UNIT * DAYS_PER_YEAR;

/// The reference rate (referensränta) the Riksbank set for the half-year starting `valid_from`
/// (räntelagen 9 §).
///
/// A row stays in force until the next row's `valid_from`; the last row stays in force until a
/// newer one is added. The table is data: finance adds a row each half-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReferenceRate {
    /// First day the rate applies (1 January or 1 July).
    pub valid_from: Date,
    /// The rate in basis points: 250 = 2.50 %. Can be negative (−50 = −0.50 % in 2019).
    pub rate_bp: i32,
}

const fn rate(year: i16, month: i8, rate_bp: i32) -> ReferenceRate {
    ReferenceRate {
        valid_from: Date::constant(year, month, 1),
        rate_bp,
    }
}

/// The reference rates 2019-01-01 … 2026-01-01 (Riksbank, published list). The rows from 2025
/// are derived from the policy rate at the end of the previous half-year rounded up to the
/// nearest half percentage point and are marked unverified in `swedish-formats.md` §2.1.
const KNOWN_REFERENCE_RATES: [ReferenceRate; 15] = [
    rate(2019, 1, -50),
    rate(2019, 7, 0),
    rate(2020, 1, 0),
    rate(2020, 7, 0),
    rate(2021, 1, 0),
    rate(2021, 7, 0),
    rate(2022, 1, 0),
    rate(2022, 7, 50),
    rate(2023, 1, 250),
    rate(2023, 7, 350),
    rate(2024, 1, 400),
    rate(2024, 7, 400),
    rate(2025, 1, 250),
    rate(2025, 7, 200),
    rate(2026, 1, 200),
];

/// The reference rates known when this code was written (2019-01-01 … 2026-01-01), oldest
/// first: the seed for the editable `reference_rates` table.
pub fn known_reference_rates() -> Vec<ReferenceRate> {
    KNOWN_REFERENCE_RATES.to_vec()
}

/// The reference rate in force on `day`: the row with the latest `valid_from` on or before it.
///
/// `rates` may be in any order; of two rows with the same `valid_from` the later one in the
/// slice wins. `None` when `day` is before every row (or the table is empty): the rate is not
/// known, and [`late_interest`] charges no interest for such days rather than guess.
pub fn reference_rate_bp(rates: &[ReferenceRate], day: Date) -> Option<i32> {
    rates
        .iter()
        .enumerate()
        .filter(|(_, r)| r.valid_from <= day)
        .max_by_key(|(i, r)| (r.valid_from, *i))
        .map(|(_, r)| r.rate_bp)
}

/// The yearly late-payment interest rate on `day` in basis points: the reference rate in force
/// (räntelagen 9 §) + 8 percentage points (6 §).
///
/// Never negative: a reference rate below −8 % gives 0. Returns 0 when no rate covers `day`
/// (see [`reference_rate_bp`], which tells that case apart).
pub fn late_interest_rate_bp(rates: &[ReferenceRate], day: Date) -> i32 {
    reference_rate_bp(rates, day).map_or(0, clamp_late_rate)
}

fn clamp_late_rate(reference_bp: i32) -> i32 {
    reference_bp.saturating_add(LATE_INTEREST_MARGIN_BP).max(0)
}

/// What to compute late-payment interest for.
///
/// **The day rule.** Interest is charged for every day `d` with `due < d ≤ until`, on the
/// remainder outstanding *during* day `d` before that day's payments — the invoice amount minus
/// every payment dated before `d`, never below zero. So a payment on day `d` still pays
/// interest for day `d` and stops interest from day `d + 1`; a payment on or before the due
/// date means no interest at all. Paid on the due date + 30: 30 days of interest.
#[derive(Clone, Copy, Debug)]
pub struct InterestQuery<'a> {
    /// The invoice amount in öre (the claim, excluding any earlier interest: no interest on
    /// interest). Zero or negative: no interest.
    pub amount_ore: i64,
    /// The original due date, set in advance (räntelagen 3 §); interest starts the day after.
    pub due: Date,
    /// Payments as (date paid, öre), in any order. Partial payments reduce the base from the
    /// day after they are paid; a negative amount (a reversed payment) raises it again.
    pub payments: &'a [(Date, i64)],
    /// The last day to charge interest for, inclusive: usually the last payment date or today.
    pub until: Date,
    /// The reference-rate table, in any order (see [`reference_rate_bp`]).
    pub rates: &'a [ReferenceRate],
    /// Inclusive date ranges of approved extensions during which no interest runs. A range with
    /// its start after its end is empty. Ranges may overlap.
    pub waived: &'a [(Date, Date)],
}

/// Why a run of days does or does not earn interest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentStatus {
    /// Interest charged at `rate_bp`.
    Charged,
    /// Inside an approved extension's interest-free window: nothing charged. `rate_bp` is the
    /// rate that would otherwise have applied.
    Waived,
    /// Before the first row of the reference-rate table: nothing charged, since the legal rate
    /// is not known. Add the missing half-year to the table and recompute.
    NoReferenceRate,
}

/// A run of consecutive days with the same remainder, rate and status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InterestSegment {
    /// First day, inclusive.
    pub from: Date,
    /// Last day, inclusive.
    pub to: Date,
    /// Number of days in `from..=to`.
    pub days: i64,
    /// The remainder the interest is charged on, in öre.
    pub remainder_ore: i64,
    /// The yearly late-interest rate (reference + 800 bp, clamped at 0) in force on these days.
    pub rate_bp: i32,
    pub status: SegmentStatus,
    /// Exact interest in units of 1 / [`INTEREST_UNITS_PER_ORE`] öre:
    /// `remainder_ore × rate_bp × days` (0 unless [`SegmentStatus::Charged`]).
    pub interest_units: i128,
}

impl InterestSegment {
    /// This segment's interest rounded half up to whole öre, for display. The segments' rounded
    /// amounts need not add up to [`InterestBreakdown::total_ore`], which is rounded once.
    pub fn interest_ore(&self) -> i64 {
        units_to_ore(self.interest_units)
    }
}

/// The result of [`late_interest`]: how it was computed, and the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InterestBreakdown {
    /// Runs of days with something outstanding, in date order. Days with nothing outstanding
    /// are left out.
    pub segments: Vec<InterestSegment>,
    /// The exact total in units of 1 / [`INTEREST_UNITS_PER_ORE`] öre.
    pub total_units: i128,
    /// The total rounded once, half up, to whole öre.
    pub total_ore: i64,
}

impl InterestBreakdown {
    /// Days inside the period for which no reference rate was known (see
    /// [`SegmentStatus::NoReferenceRate`]); non-zero means the table needs a row.
    pub fn days_without_reference_rate(&self) -> i64 {
        self.segments
            .iter()
            .filter(|s| s.status == SegmentStatus::NoReferenceRate)
            .map(|s| s.days)
            .sum()
    }
}

/// Late-payment interest (dröjsmålsränta) under räntelagen 3, 6 and 9 §§, exact to the unit and
/// rounded once, half up, to whole öre.
///
/// For each day `d` with `q.due < d ≤ q.until` (see [`InterestQuery`] for the day rule):
/// `interest(d) = remainder(d) × rate_bp(d) / (10 000 × 365)`, where `rate_bp(d)` is
/// [`late_interest_rate_bp`] on `d` — each day uses the rate of its own half-year, so a delay
/// across 1 January or 1 July is split. Days inside a waived window or before the first
/// reference rate earn nothing. Interest is charged on the claim only, never on interest.
///
/// Works segment by segment (the remainder, rate and waiver change only at payment dates, rate
/// rows and window edges), so long periods cost no more than short ones.
pub fn late_interest(q: &InterestQuery<'_>) -> InterestBreakdown {
    let start = day_number(q.due).saturating_add(1);
    // Exclusive end.
    let end = day_number(q.until).saturating_add(1);
    let mut segments: Vec<InterestSegment> = Vec::new();
    if end <= start {
        return InterestBreakdown::from_segments(segments);
    }

    // Payments as (first day they no longer count towards the remainder, öre), by day.
    let mut payments: Vec<(i64, i128)> = q
        .payments
        .iter()
        .map(|(d, ore)| (day_number(*d) + 1, i128::from(*ore)))
        .collect();
    payments.sort_by_key(|(day, _)| *day);
    let rates: Vec<(i64, i32)> = {
        let mut rows: Vec<(usize, &ReferenceRate)> = q.rates.iter().enumerate().collect();
        // By date, and of equal dates the later row last so it wins.
        rows.sort_by_key(|(i, r)| (r.valid_from, *i));
        rows.iter()
            .map(|(_, r)| (day_number(r.valid_from), r.rate_bp))
            .collect()
    };
    // Waived windows as half-open day ranges.
    let waived: Vec<(i64, i64)> = q
        .waived
        .iter()
        .filter(|(a, b)| a <= b)
        .map(|(a, b)| (day_number(*a), day_number(*b) + 1))
        .collect();

    let mut cuts: Vec<i64> = vec![start, end];
    cuts.extend(payments.iter().map(|(day, _)| *day));
    cuts.extend(rates.iter().map(|(day, _)| *day));
    cuts.extend(waived.iter().flat_map(|(a, b)| [*a, *b]));
    cuts.retain(|c| (start..=end).contains(c));
    cuts.sort_unstable();
    cuts.dedup();

    let amount = i128::from(q.amount_ore);
    let mut paid: i128 = 0;
    let mut next_payment = 0;
    for window in cuts.windows(2) {
        let (from, to_excl) = (window[0], window[1]);
        while next_payment < payments.len() && payments[next_payment].0 <= from {
            paid += payments[next_payment].1;
            next_payment += 1;
        }
        let remainder = (amount - paid).clamp(0, i128::from(i64::MAX));
        if remainder == 0 {
            continue;
        }
        let reference = match rates.partition_point(|(day, _)| *day <= from) {
            0 => None,
            n => Some(rates[n - 1].1),
        };
        let rate_bp = reference.map_or(0, clamp_late_rate);
        let status = if waived.iter().any(|(a, b)| *a <= from && from < *b) {
            SegmentStatus::Waived
        } else if reference.is_none() {
            SegmentStatus::NoReferenceRate
        } else {
            SegmentStatus::Charged
        };
        let days = to_excl - from;
        let units = if status == SegmentStatus::Charged {
            remainder * i128::from(rate_bp) * i128::from(days)
        } else {
            0
        };
        // remainder was clamped into the i64 range above.
        let remainder_ore = i64::try_from(remainder).unwrap_or(i64::MAX);
        match segments.last_mut() {
            Some(last)
                if day_number(last.to) + 1 == from
                    && last.remainder_ore == remainder_ore
                    && last.rate_bp == rate_bp
                    && last.status == status =>
            {
                last.to = date_at(to_excl - 1);
                last.days += days;
                last.interest_units = last.interest_units.saturating_add(units);
            }
            _ => segments.push(InterestSegment {
                from: date_at(from),
                to: date_at(to_excl - 1),
                days,
                remainder_ore,
                rate_bp,
                status,
                interest_units: units,
            }),
        }
    }
    InterestBreakdown::from_segments(segments)
}

impl InterestBreakdown {
    fn from_segments(segments: Vec<InterestSegment>) -> InterestBreakdown {
        let total_units = segments
            .iter()
            .fold(0i128, |sum, s| sum.saturating_add(s.interest_units));
        InterestBreakdown {
            segments,
            total_units,
            total_ore: units_to_ore(total_units),
        }
    }
}

/// Rounds non-negative interest units half up to whole öre, saturating at `i64::MAX`.
fn units_to_ore(units: i128) -> i64 {
    let ore = units.max(0).saturating_add(INTEREST_UNITS_PER_ORE / 2) / INTEREST_UNITS_PER_ORE;
    i64::try_from(ore).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;

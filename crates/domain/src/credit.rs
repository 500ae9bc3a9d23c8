//! Credit: late-payment interest, payment extensions (anstånd), instalment plans and reminders.
//!
//! Pure rules, no IO: the day "today" and every table (reference rates, payments, history) are
//! arguments. Money is whole öre in an `i64`; interest is computed exactly with `i128` rational
//! arithmetic and rounded once, so no floating point touches an amount. The legal background is
//! in `swedish-formats.md` §2:
//!
//! * **Räntelagen (1975:635)** — [`late_interest`]. 3 §: interest runs from the due date set in
//!   advance; 6 §: the rate is the reference rate + 8 percentage points per year; 9 §: the
//!   Riksbank sets the reference rate per calendar half-year, so a delay spanning 1 January or
//!   1 July is split and each part uses its own half-year's rate. No interest on interest.
//! * **Lag (1981:739) om ersättning för inkassokostnader m.m.** — [`next_dunning_step`].
//!   2 §: a reminder fee only if agreed no later than when the debt arose; 4 §: at most 60 kr
//!   per written reminder.
//! * **Anstånd and avbetalningsplan** — [`assess_extension`], [`instalment_schedule`]. There is
//!   no statutory right to a deferral of a utility's private-law claim; an extension is an
//!   agreement, and [`crate::policy::CreditPolicy`] says which the platform may grant by itself
//!   and which a credit officer decides.

use std::fmt;

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::money::Money;
use crate::policy::CreditPolicy;

// ---------------------------------------------------------------------------------------------
// Reference rates and late-payment interest (räntelagen)
// ---------------------------------------------------------------------------------------------

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

/// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar. Total for
/// every `Date`, so interval arithmetic needs no fallible date operations.
fn day_number(d: Date) -> i64 {
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
fn date_at(n: i64) -> Date {
    const EPOCH: Date = Date::constant(1970, 1, 1);
    Span::new()
        .try_days(n)
        .ok()
        .and_then(|span| EPOCH.checked_add(span).ok())
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// `date` moved by `days`, saturating at jiff's date range.
fn add_days(date: Date, days: i64) -> Date {
    date_at(day_number(date).saturating_add(days))
}

/// Days from `a` to `b` (negative when `b` is before `a`).
fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

// ---------------------------------------------------------------------------------------------
// Payment extensions (anstånd) and instalment plans
// ---------------------------------------------------------------------------------------------

/// Upper bound on the instalments of one plan, whatever the policy says: a guard against typing
/// errors and unbounded schedules, not a credit limit (that is
/// [`CreditPolicy::max_instalments`]). Five years of monthly instalments.
pub const MAX_PLAN_INSTALMENTS: u32 = 60;

/// Where an invoice stands, as far as a payment extension is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceState {
    /// Sent, not yet due.
    Open,
    /// Past its due date, nothing paid.
    Overdue,
    /// Some but not all of it paid.
    PartlyPaid,
    /// Fully paid.
    Paid,
    /// An extension or instalment plan is already in force.
    InExtension,
    /// Handed over to debt collection.
    WithCollection,
}

impl InvoiceState {
    /// Whether a new extension may be granted in this state.
    pub fn allows_extension(self) -> bool {
        matches!(
            self,
            InvoiceState::Open | InvoiceState::Overdue | InvoiceState::PartlyPaid
        )
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            InvoiceState::Open => "Obetald",
            InvoiceState::Overdue => "Förfallen",
            InvoiceState::PartlyPaid => "Delvis betald",
            InvoiceState::Paid => "Betald",
            InvoiceState::InExtension => "Anstånd",
            InvoiceState::WithCollection => "Inkasso",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            InvoiceState::Open => "Unpaid",
            InvoiceState::Overdue => "Overdue",
            InvoiceState::PartlyPaid => "Partly paid",
            InvoiceState::Paid => "Paid",
            InvoiceState::InExtension => "Extended",
            InvoiceState::WithCollection => "Debt collection",
        }
    }
}

/// What the customer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Ask {
    /// Pay the whole remainder on a later date.
    NewDueDate(Date),
    /// Pay the remainder in this many monthly instalments (see [`first_instalment_due`] and
    /// [`instalment_schedule`]).
    Instalments(u32),
}

/// A request for a payment extension on one invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    /// What is left to pay on the invoice, in öre.
    pub outstanding_ore: i64,
    /// The invoice's current due date.
    pub due: Date,
    pub state: InvoiceState,
    pub ask: Ask,
}

/// The customer's payment history that the credit rules look at. Dates outside the policy's
/// window are ignored, so the full history may be passed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentHistory {
    /// Dates reminders were sent.
    pub reminders: Vec<Date>,
    /// Dates earlier extensions or instalment plans were broken.
    pub broken_arrangements: Vec<Date>,
    /// Dates invoices were sent to debt collection.
    pub debt_collections: Vec<Date>,
    /// Extensions or instalment plans in force on the customer's other invoices.
    pub active_arrangements: u32,
}

/// The outcome of [`assess_extension`], ordered by strength: `Refuse` wins over `Refer`, which
/// wins over `Approve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Within the policy: the platform grants it.
    Approve,
    /// Possible, but a credit officer decides.
    Refer,
    /// Not possible at all.
    Refuse,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Refer => "refer",
            Decision::Refuse => "refuse",
        }
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            Decision::Approve => "Godkänns",
            Decision::Refer => "Prövas av kreditansvarig",
            Decision::Refuse => "Avslås",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Decision::Approve => "Approved",
            Decision::Refer => "Referred to a credit officer",
            Decision::Refuse => "Refused",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The facts behind one rule, from which its texts are written.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    InvoiceState(InvoiceState),
    Outstanding(i64),
    NewDueAfterCurrent {
        new_due: Date,
        current: Date,
    },
    NewDueNotPassed {
        new_due: Date,
    },
    InstalmentCount(u32),
    MaxAmount {
        max: i64,
    },
    AutoApproveAmount {
        max: i64,
    },
    ExtensionDays {
        days: i64,
        max: u32,
    },
    MaxInstalments {
        n: u32,
        max: u32,
    },
    History {
        kind: HistoryKind,
        months: u32,
        count: usize,
        latest: Option<Date>,
    },
    ActiveArrangements(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HistoryKind {
    Reminders,
    BrokenArrangements,
    DebtCollections,
}

/// One rule [`assess_extension`] checked, passed or not, with plain-language texts.
///
/// Serialises as `{code, passed, on_failure, text_sv, text_en}` so the reasons can be stored
/// with the decision and shown later as they were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Stable snake_case identifier of the rule, for code and storage.
    pub code: &'static str,
    /// Whether the request met the rule.
    pub passed: bool,
    /// What a failure of this rule leads to: [`Decision::Refuse`] or [`Decision::Refer`].
    pub on_failure: Decision,
    check: Check,
}

impl Reason {
    fn new(check: Check, passed: bool) -> Reason {
        let (code, on_failure) = match &check {
            Check::InvoiceState(_) => ("invoice_state", Decision::Refuse),
            Check::Outstanding(_) => ("amount_outstanding", Decision::Refuse),
            Check::NewDueAfterCurrent { .. } => ("new_due_after_current", Decision::Refuse),
            Check::NewDueNotPassed { .. } => ("new_due_not_passed", Decision::Refuse),
            Check::InstalmentCount(_) => ("instalment_count", Decision::Refuse),
            Check::MaxAmount { .. } => ("max_amount", Decision::Refer),
            Check::AutoApproveAmount { .. } => ("auto_approve_amount", Decision::Refer),
            Check::ExtensionDays { .. } => ("max_extension_days", Decision::Refer),
            Check::MaxInstalments { .. } => ("max_instalments", Decision::Refer),
            Check::History { kind, .. } => match kind {
                HistoryKind::Reminders => ("no_recent_reminders", Decision::Refer),
                HistoryKind::BrokenArrangements => {
                    ("no_recent_broken_arrangements", Decision::Refer)
                }
                HistoryKind::DebtCollections => ("no_recent_debt_collection", Decision::Refer),
            },
            Check::ActiveArrangements(_) => ("no_active_arrangement", Decision::Refer),
        };
        Reason {
            code,
            passed,
            on_failure,
            check,
        }
    }

    /// The rule's outcome in plain Swedish, e.g. "Beloppet överstiger 20 000,00 kr".
    pub fn text_sv(&self) -> String {
        let ok = self.passed;
        match &self.check {
            Check::InvoiceState(state) => match state {
                _ if ok => "Fakturan kan få anstånd".to_owned(),
                InvoiceState::Paid => "Fakturan är redan betald".to_owned(),
                InvoiceState::WithCollection => "Fakturan har lämnats till inkasso".to_owned(),
                InvoiceState::InExtension => "Fakturan har redan anstånd".to_owned(),
                other => format!("Fakturan kan inte få anstånd ({})", other.label_sv()),
            },
            Check::Outstanding(ore) if ok => format!("Kvar att betala: {}", Money::from_ore(*ore)),
            Check::Outstanding(_) => "Det finns inget kvar att betala på fakturan".to_owned(),
            Check::NewDueAfterCurrent { new_due, current } if ok => {
                format!("Det nya förfallodatumet {new_due} är senare än {current}")
            }
            Check::NewDueAfterCurrent { new_due, current } => {
                format!("Det nya förfallodatumet {new_due} måste vara senare än {current}")
            }
            Check::NewDueNotPassed { new_due } if ok => {
                format!("Det nya förfallodatumet {new_due} har inte passerat")
            }
            Check::NewDueNotPassed { new_due } => {
                format!("Det nya förfallodatumet {new_due} har redan passerat")
            }
            Check::InstalmentCount(n) if ok => format!("{n} delbetalningar"),
            Check::InstalmentCount(n) if *n < 2 => {
                "En avbetalningsplan måste ha minst 2 delbetalningar".to_owned()
            }
            Check::InstalmentCount(_) => {
                format!("En avbetalningsplan kan ha högst {MAX_PLAN_INSTALMENTS} delbetalningar")
            }
            Check::MaxAmount { max, .. } if ok => {
                format!("Beloppet är högst {}", Money::from_ore(*max))
            }
            Check::MaxAmount { max, .. } => {
                format!("Beloppet överstiger {}", Money::from_ore(*max))
            }
            Check::AutoApproveAmount { max, .. } if ok => format!(
                "Beloppet ryms inom gränsen för automatiskt godkännande, {}",
                Money::from_ore(*max)
            ),
            Check::AutoApproveAmount { max, .. } => format!(
                "Beloppet överstiger gränsen för automatiskt godkännande, {}",
                Money::from_ore(*max)
            ),
            Check::ExtensionDays { days, max } if ok => {
                format!(
                    "Anståndet är {} – högst {} tillåts",
                    days_sv(*days),
                    days_sv(i64::from(*max))
                )
            }
            Check::ExtensionDays { days, max } => format!(
                "Anståndet är {} – längre än {}",
                days_sv(*days),
                days_sv(i64::from(*max))
            ),
            Check::MaxInstalments { n, max } if ok => {
                format!("{n} delbetalningar – högst {max} tillåts")
            }
            Check::MaxInstalments { n, max } => format!("{n} delbetalningar – fler än {max}"),
            Check::History { kind, months, .. } if *months == 0 => format!(
                "{} kontrolleras inte enligt policyn",
                match kind {
                    HistoryKind::Reminders => "Påminnelser",
                    HistoryKind::BrokenArrangements => "Brutna betalningsöverenskommelser",
                    HistoryKind::DebtCollections => "Ärenden till inkasso",
                }
            ),
            Check::History {
                kind,
                months,
                count,
                latest,
            } => {
                let period = if *months == 1 {
                    "den senaste månaden".to_owned()
                } else {
                    format!("de senaste {months} månaderna")
                };
                let what = match (kind, *count) {
                    (HistoryKind::Reminders, 0) => "Inga påminnelser".to_owned(),
                    (HistoryKind::Reminders, 1) => "1 påminnelse".to_owned(),
                    (HistoryKind::Reminders, n) => format!("{n} påminnelser"),
                    (HistoryKind::BrokenArrangements, 0) => {
                        "Inga brutna betalningsöverenskommelser".to_owned()
                    }
                    (HistoryKind::BrokenArrangements, 1) => {
                        "1 bruten betalningsöverenskommelse".to_owned()
                    }
                    (HistoryKind::BrokenArrangements, n) => {
                        format!("{n} brutna betalningsöverenskommelser")
                    }
                    (HistoryKind::DebtCollections, 0) => "Inga ärenden till inkasso".to_owned(),
                    (HistoryKind::DebtCollections, 1) => "1 ärende till inkasso".to_owned(),
                    (HistoryKind::DebtCollections, n) => format!("{n} ärenden till inkasso"),
                };
                match latest {
                    Some(d) => format!("{what} {period}, senast {d}"),
                    None => format!("{what} {period}"),
                }
            }
            Check::ActiveArrangements(0) => "Inga andra pågående betalningsöverenskommelser".into(),
            Check::ActiveArrangements(1) => {
                "Kunden har redan 1 pågående betalningsöverenskommelse".to_owned()
            }
            Check::ActiveArrangements(n) => {
                format!("Kunden har redan {n} pågående betalningsöverenskommelser")
            }
        }
    }

    /// The rule's outcome in plain English, e.g. "The amount is over 20 000,00 kr".
    pub fn text_en(&self) -> String {
        let ok = self.passed;
        match &self.check {
            Check::InvoiceState(state) => match state {
                _ if ok => "The invoice can be given an extension".to_owned(),
                InvoiceState::Paid => "The invoice is already paid".to_owned(),
                InvoiceState::WithCollection => {
                    "The invoice has been sent to debt collection".to_owned()
                }
                InvoiceState::InExtension => "The invoice already has an extension".to_owned(),
                other => format!("The invoice cannot be extended ({})", other.label_en()),
            },
            Check::Outstanding(ore) if ok => format!("Left to pay: {}", Money::from_ore(*ore)),
            Check::Outstanding(_) => "Nothing is left to pay on the invoice".to_owned(),
            Check::NewDueAfterCurrent { new_due, current } if ok => {
                format!("The new due date {new_due} is after {current}")
            }
            Check::NewDueAfterCurrent { new_due, current } => {
                format!("The new due date {new_due} must be after {current}")
            }
            Check::NewDueNotPassed { new_due } if ok => {
                format!("The new due date {new_due} has not passed")
            }
            Check::NewDueNotPassed { new_due } => {
                format!("The new due date {new_due} has already passed")
            }
            Check::InstalmentCount(n) if ok => format!("{n} instalments"),
            Check::InstalmentCount(n) if *n < 2 => {
                "An instalment plan needs at least 2 instalments".to_owned()
            }
            Check::InstalmentCount(_) => {
                format!("An instalment plan can have at most {MAX_PLAN_INSTALMENTS} instalments")
            }
            Check::MaxAmount { max, .. } if ok => {
                format!("The amount is at most {}", Money::from_ore(*max))
            }
            Check::MaxAmount { max, .. } => format!("The amount is over {}", Money::from_ore(*max)),
            Check::AutoApproveAmount { max, .. } if ok => format!(
                "The amount is within the limit for automatic approval, {}",
                Money::from_ore(*max)
            ),
            Check::AutoApproveAmount { max, .. } => format!(
                "The amount is over the limit for automatic approval, {}",
                Money::from_ore(*max)
            ),
            Check::ExtensionDays { days, max } if ok => format!(
                "The extension is {}; at most {} are allowed",
                days_en(*days),
                days_en(i64::from(*max))
            ),
            Check::ExtensionDays { days, max } => format!(
                "The extension is {}, longer than {}",
                days_en(*days),
                days_en(i64::from(*max))
            ),
            Check::MaxInstalments { n, max } if ok => {
                format!("{n} instalments; at most {max} are allowed")
            }
            Check::MaxInstalments { n, max } => format!("{n} instalments, more than {max}"),
            Check::History { kind, months, .. } if *months == 0 => format!(
                "{} are not checked under the policy",
                match kind {
                    HistoryKind::Reminders => "Reminders",
                    HistoryKind::BrokenArrangements => "Broken payment arrangements",
                    HistoryKind::DebtCollections => "Debt collections",
                }
            ),
            Check::History {
                kind,
                months,
                count,
                latest,
            } => {
                let period = if *months == 1 {
                    "the last month".to_owned()
                } else {
                    format!("the last {months} months")
                };
                let what = match (kind, *count) {
                    (HistoryKind::Reminders, 0) => "No reminders".to_owned(),
                    (HistoryKind::Reminders, 1) => "1 reminder".to_owned(),
                    (HistoryKind::Reminders, n) => format!("{n} reminders"),
                    (HistoryKind::BrokenArrangements, 0) => {
                        "No broken payment arrangements".to_owned()
                    }
                    (HistoryKind::BrokenArrangements, 1) => {
                        "1 broken payment arrangement".to_owned()
                    }
                    (HistoryKind::BrokenArrangements, n) => {
                        format!("{n} broken payment arrangements")
                    }
                    (HistoryKind::DebtCollections, 0) => {
                        "No invoices sent to debt collection".to_owned()
                    }
                    (HistoryKind::DebtCollections, 1) => {
                        "1 invoice sent to debt collection".to_owned()
                    }
                    (HistoryKind::DebtCollections, n) => {
                        format!("{n} invoices sent to debt collection")
                    }
                };
                match latest {
                    Some(d) => format!("{what} in {period}, the latest on {d}"),
                    None => format!("{what} in {period}"),
                }
            }
            Check::ActiveArrangements(0) => "No other active payment arrangements".to_owned(),
            Check::ActiveArrangements(1) => {
                "The customer already has 1 active payment arrangement".to_owned()
            }
            Check::ActiveArrangements(n) => {
                format!("The customer already has {n} active payment arrangements")
            }
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Reason", 5)?;
        s.serialize_field("code", self.code)?;
        s.serialize_field("passed", &self.passed)?;
        s.serialize_field("on_failure", &self.on_failure)?;
        s.serialize_field("text_sv", &self.text_sv())?;
        s.serialize_field("text_en", &self.text_en())?;
        s.end()
    }
}

fn days_sv(n: i64) -> String {
    if n == 1 {
        "1 dag".to_owned()
    } else {
        format!("{n} dagar")
    }
}

fn days_en(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// The result of [`assess_extension`]: the decision, every rule behind it, and the proposal
/// that would be agreed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The strongest outcome among the failed rules; `Approve` when all passed.
    pub decision: Decision,
    /// Every rule checked, passed or not, in a fixed order: the refusal rules first, then the
    /// ones that refer to a credit officer.
    pub reasons: Vec<Reason>,
    /// What the customer would pay and when: one row (new due date, remainder) for
    /// [`Ask::NewDueDate`], the [`instalment_schedule`] for [`Ask::Instalments`]. Empty when no
    /// schedule can be made (fewer than one or more than [`MAX_PLAN_INSTALMENTS`] instalments).
    pub schedule: Vec<(Date, i64)>,
    /// Days from the current due date to the last date of `schedule`, if any.
    pub extension_days: Option<i64>,
    /// With [`CreditPolicy::waive_interest`]: the inclusive window from the day after the
    /// current due date to the last date of `schedule`, to pass as
    /// [`InterestQuery::waived`] once the extension is approved. `None` when the policy charges
    /// interest during extensions (an agreed new due date then does not stop the original
    /// interest) or there is no schedule.
    pub interest_free: Option<(Date, Date)>,
}

impl Assessment {
    /// The rules that failed, strongest consequence first.
    pub fn failed(&self) -> Vec<&Reason> {
        let mut failed: Vec<&Reason> = self.reasons.iter().filter(|r| !r.passed).collect();
        failed.sort_by_key(|r| std::cmp::Reverse(r.on_failure));
        failed
    }
}

/// The due date of the first instalment of a plan agreed on `today` for an invoice due on
/// `due`: the due date itself while it has not passed; otherwise ten days after today (the
/// same time to pay as a reminder gives), moved to the next working day.
pub fn first_instalment_due(due: Date, today: Date) -> Date {
    if due >= today {
        due
    } else {
        reminder_due_date(today)
    }
}

/// Assesses a request for a payment extension or an instalment plan against the credit policy.
///
/// Every rule appears in [`Assessment::reasons`], passed or not. The decision is the strongest
/// consequence of the failed rules (`Refuse` > `Refer` > `Approve`).
///
/// **Refuse** when the invoice is [`InvoiceState::Paid`], [`InvoiceState::WithCollection`] or
/// already [`InvoiceState::InExtension`]; when nothing is outstanding; for a new due date, when
/// it is not after the current due date or has already passed (is before `today`); for
/// instalments, when fewer than 2 or more than [`MAX_PLAN_INSTALMENTS`].
///
/// **Refer** to a credit officer when the outstanding amount is over
/// [`CreditPolicy::max_amount_ore`] or over [`CreditPolicy::auto_approve_up_to_ore`]; when the
/// extension (new due date − current due date, or the last instalment's date − current due
/// date) is longer than [`CreditPolicy::max_extension_days`]; when there are more instalments
/// than [`CreditPolicy::max_instalments`]; when any reminder, broken arrangement or debt
/// collection is dated within [`CreditPolicy::require_clean_history_months`] calendar months
/// before `today` (from `today` minus that many months, inclusive; later dates count too; 0
/// months turns the history checks off); and when the customer already has an active
/// arrangement on another invoice.
///
/// **Approve** otherwise.
pub fn assess_extension(
    req: &ExtensionRequest,
    history: &PaymentHistory,
    policy: &CreditPolicy,
    today: Date,
) -> Assessment {
    let mut reasons = vec![
        Reason::new(Check::InvoiceState(req.state), req.state.allows_extension()),
        Reason::new(
            Check::Outstanding(req.outstanding_ore),
            req.outstanding_ore > 0,
        ),
    ];
    let amount = req.outstanding_ore.max(0);

    let schedule = match req.ask {
        Ask::NewDueDate(new_due) => {
            reasons.push(Reason::new(
                Check::NewDueAfterCurrent {
                    new_due,
                    current: req.due,
                },
                new_due > req.due,
            ));
            reasons.push(Reason::new(
                Check::NewDueNotPassed { new_due },
                new_due >= today,
            ));
            vec![(new_due, amount)]
        }
        Ask::Instalments(n) => {
            reasons.push(Reason::new(
                Check::InstalmentCount(n),
                (2..=MAX_PLAN_INSTALMENTS).contains(&n),
            ));
            if (1..=MAX_PLAN_INSTALMENTS).contains(&n) {
                instalment_schedule(amount, n, first_instalment_due(req.due, today))
            } else {
                Vec::new()
            }
        }
    };

    reasons.push(Reason::new(
        Check::MaxAmount {
            max: policy.max_amount_ore,
        },
        req.outstanding_ore <= policy.max_amount_ore,
    ));
    reasons.push(Reason::new(
        Check::AutoApproveAmount {
            max: policy.auto_approve_up_to_ore,
        },
        req.outstanding_ore <= policy.auto_approve_up_to_ore,
    ));
    let last_date = schedule.last().map(|(d, _)| *d);
    let extension_days = last_date.map(|d| days_between(req.due, d));
    if let Some(days) = extension_days {
        reasons.push(Reason::new(
            Check::ExtensionDays {
                days,
                max: policy.max_extension_days,
            },
            days <= i64::from(policy.max_extension_days),
        ));
    }
    if let Ask::Instalments(n) = req.ask {
        reasons.push(Reason::new(
            Check::MaxInstalments {
                n,
                max: policy.max_instalments,
            },
            n <= policy.max_instalments,
        ));
    }

    let months = policy.require_clean_history_months;
    let window_start = Span::new()
        .try_months(i64::from(months))
        .ok()
        .and_then(|span| today.checked_sub(span).ok())
        .unwrap_or(Date::MIN);
    for (kind, dates) in [
        (HistoryKind::Reminders, &history.reminders),
        (
            HistoryKind::BrokenArrangements,
            &history.broken_arrangements,
        ),
        (HistoryKind::DebtCollections, &history.debt_collections),
    ] {
        let recent: Vec<Date> = if months == 0 {
            Vec::new()
        } else {
            dates
                .iter()
                .copied()
                .filter(|d| *d >= window_start)
                .collect()
        };
        reasons.push(Reason::new(
            Check::History {
                kind,
                months,
                count: recent.len(),
                latest: recent.iter().max().copied(),
            },
            recent.is_empty(),
        ));
    }
    reasons.push(Reason::new(
        Check::ActiveArrangements(history.active_arrangements),
        history.active_arrangements == 0,
    ));

    let decision = reasons
        .iter()
        .filter(|r| !r.passed)
        .map(|r| r.on_failure)
        .max()
        .unwrap_or(Decision::Approve);
    let interest_free = match last_date {
        Some(last) if policy.waive_interest && last > req.due => Some((add_days(req.due, 1), last)),
        _ => None,
    };
    Assessment {
        decision,
        reasons,
        schedule,
        extension_days,
        interest_free,
    }
}

/// `n` monthly instalments of `amount_ore`, öre-exact.
///
/// The amounts add up to `amount_ore` exactly: each is `amount_ore / n` and the remainder öre
/// go on the first instalment (`10 000 öre / 3` → 3 334, 3 333, 3 333). The due dates are
/// `first_due` plus 0, 1, 2 … calendar months, keeping its day of month and clamping to the
/// month's last day only where that day does not exist: 31 Jan → 29 Feb (2024) → 31 Mar →
/// 30 Apr → 31 May. Dates saturate at the end of jiff's range. `n == 0` gives an empty plan.
///
/// `n` is not capped here; [`assess_extension`] refuses more than [`MAX_PLAN_INSTALMENTS`].
pub fn instalment_schedule(amount_ore: i64, n: u32, first_due: Date) -> Vec<(Date, i64)> {
    if n == 0 {
        return Vec::new();
    }
    let count = i64::from(n);
    let base = amount_ore / count;
    let first = amount_ore - base * (count - 1);
    (0..n)
        .map(|k| {
            // Counting every month from `first_due` (not from the previous instalment) keeps
            // the 31st after a short month.
            let due = Span::new()
                .try_months(i64::from(k))
                .ok()
                .and_then(|span| first_due.checked_add(span).ok())
                .unwrap_or(Date::MAX);
            (due, if k == 0 { first } else { base })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reminders (dunning)
// ---------------------------------------------------------------------------------------------

/// The highest reminder fee allowed by lag (1981:739) om ersättning för inkassokostnader 4 §:
/// 60 kr per written reminder.
pub const REMINDER_FEE_MAX_ORE: i64 = 6_000;

/// Calendar days a reminder gives to pay, before moving to a working day.
pub const REMINDER_PAYMENT_DAYS: i64 = 10;

/// The due date a reminder sent on `sent` states: ten days later, moved to the next working day
/// ([`calendar::next_working_day_on_or_after`]).
pub fn reminder_due_date(sent: Date) -> Date {
    calendar::next_working_day_on_or_after(add_days(sent, REMINDER_PAYMENT_DAYS))
}

/// Whether a payment extension or instalment plan holds dunning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    /// No extension (or it has ended).
    Inactive,
    /// Approved and kept so far: no dunning.
    Active,
    /// The customer missed a date of the extension: dunning resumes from [`DunningState::due`].
    Broken,
}

/// A reminder already sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SentReminder {
    pub sent: Date,
    /// The new due date the reminder stated.
    pub due: Date,
}

/// Where an invoice stands in the reminder process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningState {
    /// What is left to pay, in öre.
    pub outstanding_ore: i64,
    /// The original due date or, under an extension, the extended one.
    pub due: Date,
    /// Reminders sent so far: 0, 1 or 2 (higher counts as 2).
    pub level: u8,
    /// The latest reminder, if any.
    pub last_reminder: Option<SentReminder>,
    pub extension: ExtensionStatus,
}

/// Whether a reminder carries the reminder fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeDecision {
    /// [`REMINDER_FEE_MAX_ORE`] is charged: the customer's terms agree to it.
    Charged,
    /// No fee: it was not agreed no later than when the debt arose (inkassokostnadslagen 2 §).
    NotAgreed,
}

impl FeeDecision {
    /// Stable snake_case identifier.
    pub fn code(self) -> &'static str {
        match self {
            FeeDecision::Charged => "reminder_fee_charged",
            FeeDecision::NotAgreed => "reminder_fee_not_agreed",
        }
    }

    pub fn text_sv(self) -> String {
        match self {
            FeeDecision::Charged => format!(
                "Påminnelseavgift {} enligt avtal (lagen om ersättning för inkassokostnader 2 och 4 §§)",
                Money::from_ore(REMINDER_FEE_MAX_ORE)
            ),
            FeeDecision::NotAgreed => "Ingen påminnelseavgift: avgiften har inte avtalats med \
                                       kunden (lagen om ersättning för inkassokostnader 2 §)"
                .to_owned(),
        }
    }

    pub fn text_en(self) -> String {
        match self {
            FeeDecision::Charged => format!(
                "Reminder fee {} as agreed (Debt Recovery Costs Act, sections 2 and 4)",
                Money::from_ore(REMINDER_FEE_MAX_ORE)
            ),
            FeeDecision::NotAgreed => "No reminder fee: the fee was not agreed with the \
                                       customer (Debt Recovery Costs Act, section 2)"
                .to_owned(),
        }
    }
}

/// A reminder to send today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// 1 for the first reminder, 2 for the second.
    pub level: u8,
    /// The day it is sent (`today`).
    pub sent: Date,
    /// The new due date it states ([`reminder_due_date`]).
    pub due: Date,
    /// The fee on this reminder: [`REMINDER_FEE_MAX_ORE`] or 0. One fee at most.
    pub fee_ore: i64,
    /// Why the fee is or is not charged.
    pub fee: FeeDecision,
}

/// The next step for an unpaid invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum DunningStep {
    /// Send a reminder.
    Reminder(Reminder),
    /// Put the invoice on the debt-collection list. Never carries a fee: collection costs are
    /// the collection agency's, under their own rules.
    DebtCollection,
}

impl DunningStep {
    /// The fee this step charges: a reminder's fee, never one for debt collection.
    pub fn fee_ore(&self) -> i64 {
        match self {
            DunningStep::Reminder(r) => r.fee_ore,
            DunningStep::DebtCollection => 0,
        }
    }
}

/// The next dunning step for an invoice on `today`, or `None` when nothing is due yet.
///
/// * Nothing while nothing is outstanding or an extension is [`ExtensionStatus::Active`].
/// * The step is due once `today` is after the *base* + [`CreditPolicy::reminder_grace_days`],
///   where the base is the later of [`DunningState::due`] and the last reminder's due date.
///   Then: level 0 → the first reminder; level 1 → the second; level 2 → debt collection.
/// * A reminder states a new due date ten days after today, moved to the next working day
///   ([`reminder_due_date`]), and charges [`REMINDER_FEE_MAX_ORE`] only when `fee_agreed` —
///   the customer's terms agreed to the fee no later than when the debt arose
///   (inkassokostnadslagen 2 §); otherwise 0, with [`FeeDecision::NotAgreed`] saying why.
///
/// Calling again the same day gives the same answer; the caller records the step (raising the
/// level and storing the reminder) before asking again.
pub fn next_dunning_step(
    inv: &DunningState,
    policy: &CreditPolicy,
    fee_agreed: bool,
    today: Date,
) -> Option<DunningStep> {
    if inv.outstanding_ore <= 0 || inv.extension == ExtensionStatus::Active {
        return None;
    }
    let base = inv.last_reminder.map_or(inv.due, |r| r.due.max(inv.due));
    if today <= add_days(base, i64::from(policy.reminder_grace_days)) {
        return None;
    }
    match inv.level {
        0 | 1 => {
            let fee = if fee_agreed {
                FeeDecision::Charged
            } else {
                FeeDecision::NotAgreed
            };
            Some(DunningStep::Reminder(Reminder {
                level: inv.level + 1,
                sent: today,
                due: reminder_due_date(today),
                fee_ore: if fee_agreed { REMINDER_FEE_MAX_ORE } else { 0 },
                fee,
            }))
        }
        _ => Some(DunningStep::DebtCollection),
    }
}

/// Why a credit operation refused its input. People read [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditProblem {}

impl CreditProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CreditProblem> {
        Vec::new()
    }
}

impl crate::problem::Explain for CreditProblem {
    fn message_key(&self) -> &'static str {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Capability, PolicyBody, Preset};
    use jiff::civil::date;
    use proptest::prelude::*;

    const NBSP: char = '\u{a0}';

    fn normal_policy() -> CreditPolicy {
        match PolicyBody::preset(Capability::Credit, Preset::Normal) {
            PolicyBody::Credit(c) => c,
            _ => unreachable!(),
        }
    }

    fn query<'a>(
        amount_ore: i64,
        due: Date,
        payments: &'a [(Date, i64)],
        until: Date,
        rates: &'a [ReferenceRate],
        waived: &'a [(Date, Date)],
    ) -> InterestQuery<'a> {
        InterestQuery {
            amount_ore,
            due,
            payments,
            until,
            rates,
            waived,
        }
    }

    fn interest(
        amount: i64,
        due: Date,
        payments: &[(Date, i64)],
        until: Date,
    ) -> InterestBreakdown {
        late_interest(&query(
            amount,
            due,
            payments,
            until,
            &KNOWN_REFERENCE_RATES,
            &[],
        ))
    }

    // --- dates -------------------------------------------------------------------------------

    #[test]
    fn day_numbers_match_jiff() {
        for d in [
            date(1970, 1, 1),
            date(1969, 12, 31),
            date(2000, 2, 29),
            date(2024, 3, 1),
            date(1900, 3, 1),
            Date::MIN,
            Date::MAX,
        ] {
            let expected = i64::from(d.since(date(1970, 1, 1)).unwrap().get_days());
            assert_eq!(day_number(d), expected, "{d}");
            assert_eq!(date_at(day_number(d)), d);
        }
        assert_eq!(date_at(day_number(Date::MAX) + 1), Date::MAX);
        assert_eq!(date_at(day_number(Date::MIN) - 1), Date::MIN);
    }

    // --- reference rates ---------------------------------------------------------------------

    #[test]
    fn known_rates_are_the_published_table() {
        let rates = known_reference_rates();
        assert_eq!(rates.len(), 15);
        assert_eq!(rates[0], rate(2019, 1, -50));
        assert_eq!(rates[14], rate(2026, 1, 200));
        assert!(rates.windows(2).all(|w| w[0].valid_from < w[1].valid_from));
        assert!(
            rates
                .iter()
                .all(|r| r.valid_from.day() == 1 && matches!(r.valid_from.month(), 1 | 7))
        );
    }

    #[test]
    fn late_rate_is_reference_plus_eight_points() {
        let rates = known_reference_rates();
        assert_eq!(late_interest_rate_bp(&rates, date(2019, 3, 1)), 750);
        assert_eq!(late_interest_rate_bp(&rates, date(2022, 12, 31)), 850);
        assert_eq!(late_interest_rate_bp(&rates, date(2023, 1, 1)), 1050);
        assert_eq!(late_interest_rate_bp(&rates, date(2023, 6, 30)), 1050);
        assert_eq!(late_interest_rate_bp(&rates, date(2023, 7, 1)), 1150);
        assert_eq!(late_interest_rate_bp(&rates, date(2024, 12, 31)), 1200);
        assert_eq!(late_interest_rate_bp(&rates, date(2025, 1, 1)), 1050);
        // The last row stays in force until a newer one is added.
        assert_eq!(late_interest_rate_bp(&rates, date(2030, 5, 5)), 1000);
        // Before the table: unknown, no rate.
        assert_eq!(reference_rate_bp(&rates, date(2018, 12, 31)), None);
        assert_eq!(late_interest_rate_bp(&rates, date(2018, 12, 31)), 0);
        assert_eq!(reference_rate_bp(&[], date(2024, 1, 1)), None);
        // Order does not matter; of equal dates the later row wins.
        let mut shuffled = rates.clone();
        shuffled.reverse();
        shuffled.push(rate(2024, 1, 425));
        assert_eq!(late_interest_rate_bp(&shuffled, date(2024, 3, 1)), 1225);
        assert_eq!(late_interest_rate_bp(&shuffled, date(2023, 8, 1)), 1150);
        // A negative total rate clamps to 0.
        assert_eq!(
            late_interest_rate_bp(&[rate(2020, 1, -900)], date(2020, 2, 1)),
            0
        );
    }

    // --- late interest -----------------------------------------------------------------------

    #[test]
    fn no_interest_when_paid_on_or_before_due() {
        let due = date(2024, 3, 31);
        for paid in [date(2024, 3, 1), due] {
            let b = interest(1_000_000, due, &[(paid, 1_000_000)], paid);
            assert_eq!(b.total_ore, 0);
            assert!(b.segments.is_empty());
            // Even computed up to a later day: nothing was outstanding after the due date.
            let b = interest(1_000_000, due, &[(paid, 1_000_000)], date(2024, 12, 31));
            assert_eq!(b.total_ore, 0);
            assert!(b.segments.is_empty());
        }
        // `until` on or before the due date: no day to charge.
        assert_eq!(interest(1_000_000, due, &[], due).total_ore, 0);
        assert_eq!(interest(1_000_000, due, &[], date(2024, 1, 1)).total_ore, 0);
        // Nothing owed at all.
        assert_eq!(interest(0, due, &[], date(2024, 6, 1)).total_ore, 0);
        assert_eq!(interest(-5_000, due, &[], date(2024, 6, 1)).total_ore, 0);
    }

    #[test]
    fn worked_example_thirty_days_at_twelve_percent() {
        // 10 000 kr due 2024-03-31, paid 2024-04-30: 1–30 April, 30 days at 4.00 % + 8 = 12 %.
        // 10 000 × 0.12 × 30 / 365 = 98.630… kr → 98.63 kr.
        let due = date(2024, 3, 31);
        let paid = date(2024, 4, 30);
        let b = interest(1_000_000, due, &[(paid, 1_000_000)], paid);
        assert_eq!(b.total_ore, 9_863);
        assert_eq!(b.total_units, 1_000_000 * 1_200 * 30);
        assert_eq!(
            b.segments,
            vec![InterestSegment {
                from: date(2024, 4, 1),
                to: paid,
                days: 30,
                remainder_ore: 1_000_000,
                rate_bp: 1_200,
                status: SegmentStatus::Charged,
                interest_units: 36_000_000_000,
            }]
        );
        assert_eq!(b.segments[0].interest_ore(), 9_863);
        // The payment day itself is charged; the day after is not.
        let b = interest(1_000_000, due, &[(paid, 1_000_000)], date(2024, 5, 31));
        assert_eq!(b.total_ore, 9_863);
        // One day: 10 000 × 0.12 / 365 = 3.2876… kr.
        assert_eq!(
            interest(1_000_000, due, &[], date(2024, 4, 1)).total_ore,
            329
        );
    }

    #[test]
    fn leap_year_is_still_actual_over_365() {
        // All of 2024 (366 days) at 12 %: 10 000 × 0.12 × 366 / 365 = 1 203.287… kr.
        let b = interest(1_000_000, date(2023, 12, 31), &[], date(2024, 12, 31));
        assert_eq!(b.total_ore, 120_329);
        // The two 2024 half-years have the same rate and are shown as one run.
        assert_eq!(b.segments.len(), 1);
        assert_eq!(b.segments[0].days, 366);
    }

    #[test]
    fn delay_across_first_of_july_2023_is_split() {
        // Due 2023-06-15, paid 2023-07-15: 16–30 June at 10.50 %, 1–15 July at 11.50 %.
        // 10 000 × (0.105 × 15 + 0.115 × 15) / 365 = 43.1507 + 47.2603 = 90.4110 kr.
        let paid = date(2023, 7, 15);
        let b = interest(1_000_000, date(2023, 6, 15), &[(paid, 1_000_000)], paid);
        assert_eq!(b.segments.len(), 2);
        let (june, july) = (&b.segments[0], &b.segments[1]);
        assert_eq!(
            (june.from, june.to, june.days),
            (date(2023, 6, 16), date(2023, 6, 30), 15)
        );
        assert_eq!(june.rate_bp, 1_050);
        assert_eq!(
            (july.from, july.to, july.days),
            (date(2023, 7, 1), paid, 15)
        );
        assert_eq!(july.rate_bp, 1_150);
        assert_eq!(june.interest_ore(), 4_315);
        assert_eq!(july.interest_ore(), 4_726);
        assert_eq!(b.total_ore, 9_041);
    }

    #[test]
    fn partial_payments_reduce_the_base_from_the_next_day() {
        // 10 000 kr due 2024-03-31; 4 000 kr paid 2024-04-10, 6 000 kr paid 2024-04-30, given
        // in reverse order. 1–10 April on 10 000 kr, 11–30 April on 6 000 kr:
        // (10 000 × 10 + 6 000 × 20) × 0.12 / 365 = 72.3288 kr.
        let due = date(2024, 3, 31);
        let payments = [(date(2024, 4, 30), 600_000), (date(2024, 4, 10), 400_000)];
        let b = interest(1_000_000, due, &payments, date(2024, 4, 30));
        assert_eq!(b.segments.len(), 2);
        assert_eq!(
            (
                b.segments[0].to,
                b.segments[0].days,
                b.segments[0].remainder_ore
            ),
            (date(2024, 4, 10), 10, 1_000_000)
        );
        assert_eq!(
            (
                b.segments[1].from,
                b.segments[1].days,
                b.segments[1].remainder_ore
            ),
            (date(2024, 4, 11), 20, 600_000)
        );
        assert_eq!(b.total_ore, 7_233);
        // A payment before the due date lowers the base from the start.
        let b = interest(
            1_000_000,
            due,
            &[(date(2024, 3, 20), 500_000)],
            date(2024, 4, 30),
        );
        assert_eq!(b.segments[0].remainder_ore, 500_000);
        assert_eq!(b.total_ore, 4_932); // 5 000 × 0.12 × 30 / 365 = 49.315 kr
        // An overpayment leaves nothing; a reversal brings the debt back.
        let payments = [(date(2024, 4, 5), 1_200_000), (date(2024, 4, 20), -200_000)];
        let b = interest(1_000_000, due, &payments, date(2024, 4, 30));
        assert_eq!(b.segments.len(), 1);
        assert_eq!(b.segments[0].days, 5);
        assert_eq!(b.segments[0].remainder_ore, 1_000_000);
    }

    #[test]
    fn waived_window_days_are_free() {
        // Extension 1–15 April approved: only 16–30 April is charged.
        let due = date(2024, 3, 31);
        let waived = [(date(2024, 4, 1), date(2024, 4, 15))];
        let rates = known_reference_rates();
        let b = late_interest(&query(
            1_000_000,
            due,
            &[],
            date(2024, 4, 30),
            &rates,
            &waived,
        ));
        assert_eq!(b.segments.len(), 2);
        assert_eq!(b.segments[0].status, SegmentStatus::Waived);
        assert_eq!(b.segments[0].days, 15);
        assert_eq!(b.segments[0].interest_units, 0);
        assert_eq!(b.segments[0].rate_bp, 1_200);
        assert_eq!(b.segments[1].status, SegmentStatus::Charged);
        assert_eq!(b.segments[1].from, date(2024, 4, 16));
        assert_eq!(b.total_ore, 4_932); // 10 000 × 0.12 × 15 / 365 = 49.315 kr
        // Overlapping windows and an empty (reversed) window.
        let waived = [
            (date(2024, 4, 1), date(2024, 4, 10)),
            (date(2024, 4, 5), date(2024, 4, 15)),
            (date(2024, 4, 25), date(2024, 4, 20)),
        ];
        let b = late_interest(&query(
            1_000_000,
            due,
            &[],
            date(2024, 4, 30),
            &rates,
            &waived,
        ));
        assert_eq!(b.total_ore, 4_932);
    }

    #[test]
    fn days_before_the_rate_table_are_not_charged_but_reported() {
        let b = interest(1_000_000, date(2018, 12, 21), &[], date(2019, 1, 10));
        assert_eq!(b.segments.len(), 2);
        assert_eq!(b.segments[0].status, SegmentStatus::NoReferenceRate);
        assert_eq!(b.days_without_reference_rate(), 10);
        // 1–10 January 2019 at 7.50 %: 10 000 × 0.075 × 10 / 365 = 20.548 kr.
        assert_eq!(b.total_ore, 2_055);
    }

    #[test]
    fn negative_total_rate_clamps_to_zero() {
        let rates = [rate(2020, 1, -900), rate(2020, 7, 0)];
        let b = late_interest(&query(
            1_000_000,
            date(2020, 6, 20),
            &[],
            date(2020, 7, 10),
            &rates,
            &[],
        ));
        assert_eq!(b.segments[0].rate_bp, 0);
        assert_eq!(b.segments[0].interest_units, 0);
        // Only 1–10 July at 8 %: 10 000 × 0.08 × 10 / 365 = 21.918 kr.
        assert_eq!(b.total_ore, 2_192);
    }

    #[test]
    fn extreme_inputs_do_not_overflow_or_loop() {
        let b = interest(i64::MAX, Date::MIN, &[], Date::MAX);
        assert!(b.total_ore > 0);
        assert_eq!(b.segments.last().unwrap().to, Date::MAX);
        let b = interest(
            i64::MAX,
            date(2019, 1, 1),
            &[(date(2019, 1, 5), i64::MIN)],
            Date::MAX,
        );
        assert_eq!(b.total_ore, i64::MAX);
        let b = interest(1, Date::MAX, &[], Date::MAX);
        assert_eq!(b.total_ore, 0);
    }

    #[test]
    fn breakdown_serialises() {
        let b = interest(1_000_000, date(2024, 3, 31), &[], date(2024, 4, 30));
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"total_ore\":9863"), "{json}");
        assert!(json.contains("\"status\":\"charged\""), "{json}");
    }

    fn arb_rates() -> impl Strategy<Value = Vec<ReferenceRate>> {
        prop::collection::vec((0i64..4000, -1200i32..1500), 0..6).prop_map(|rows| {
            rows.into_iter()
                .map(|(offset, rate_bp)| ReferenceRate {
                    valid_from: add_days(date(2019, 1, 1), offset),
                    rate_bp,
                })
                .collect()
        })
    }

    fn arb_payments() -> impl Strategy<Value = Vec<(Date, i64)>> {
        prop::collection::vec((0i64..1500, 0i64..50_000_000), 0..6).prop_map(|rows| {
            rows.into_iter()
                .map(|(offset, ore)| (add_days(date(2020, 1, 1), offset), ore))
                .collect()
        })
    }

    fn arb_waived() -> impl Strategy<Value = Vec<(Date, Date)>> {
        prop::collection::vec((0i64..1500, 0i64..200), 0..4).prop_map(|rows| {
            rows.into_iter()
                .map(|(offset, len)| {
                    let a = add_days(date(2020, 1, 1), offset);
                    (a, add_days(a, len))
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn day_number_round_trips(offset in -2_500_000i64..2_500_000) {
            let d = date_at(offset);
            prop_assert_eq!(day_number(d), offset);
            prop_assert_eq!(
                i64::from(d.since(date(1970, 1, 1)).unwrap().get_days()),
                offset
            );
        }

        #[test]
        fn interest_is_monotone_in_until_and_never_negative(
            amount in 0i64..100_000_000,
            due_offset in 0i64..1000,
            a in 0i64..2000,
            b in 0i64..2000,
            payments in arb_payments(),
            rates in arb_rates(),
            waived in arb_waived(),
        ) {
            let due = add_days(date(2020, 1, 1), due_offset);
            let (early, late) = (a.min(b), a.max(b));
            let base = date(2019, 6, 1);
            let first = late_interest(&query(
                amount, due, &payments, add_days(base, early), &rates, &waived,
            ));
            let second = late_interest(&query(
                amount, due, &payments, add_days(base, late), &rates, &waived,
            ));
            prop_assert!(first.total_units >= 0);
            prop_assert!(first.total_ore >= 0);
            prop_assert!(first.segments.iter().all(|s| s.interest_units >= 0 && s.rate_bp >= 0));
            prop_assert!(first.total_units <= second.total_units);
            prop_assert!(first.total_ore <= second.total_ore);
            // Segments are in order, do not overlap and are all after the due date.
            for s in &second.segments {
                prop_assert!(s.from > due && s.from <= s.to);
                prop_assert_eq!(s.days, days_between(s.from, s.to) + 1);
            }
            for w in second.segments.windows(2) {
                prop_assert!(w[0].to < w[1].from);
            }
        }

        #[test]
        fn interest_is_zero_when_nothing_remains(
            amount in 0i64..100_000_000,
            extra in 0i64..1_000_000,
            paid_before in 0i64..60,
            days in 0i64..1500,
            rates in arb_rates(),
        ) {
            let due = date(2021, 5, 31);
            let payments = [
                (add_days(due, -paid_before), amount / 2),
                (due, amount - amount / 2 + extra),
            ];
            let b = late_interest(&query(
                amount, due, &payments, add_days(due, days), &rates, &[],
            ));
            prop_assert_eq!(b.total_units, 0);
            prop_assert!(b.segments.is_empty());
        }

        #[test]
        fn interest_is_additive_over_adjacent_periods(
            amount in 0i64..100_000_000,
            split in 0i64..800,
            rest in 0i64..800,
            payments in arb_payments(),
            rates in arb_rates(),
            waived in arb_waived(),
        ) {
            let due = date(2020, 2, 10);
            let middle = add_days(due, split);
            let until = add_days(middle, rest);
            let whole = late_interest(&query(amount, due, &payments, until, &rates, &waived));
            let first = late_interest(&query(amount, due, &payments, middle, &rates, &waived));
            // The second period starts the day after `middle`, as if that were the due date.
            let second = late_interest(&query(amount, middle, &payments, until, &rates, &waived));
            prop_assert_eq!(whole.total_units, first.total_units + second.total_units);
            prop_assert!((whole.total_ore - first.total_ore - second.total_ore).abs() <= 1);
        }

        #[test]
        fn extension_covering_every_day_gives_zero(
            amount in 0i64..100_000_000,
            days in 0i64..1500,
            payments in arb_payments(),
            rates in arb_rates(),
        ) {
            let due = date(2020, 3, 15);
            let until = add_days(due, days);
            let waived = [(add_days(due, 1), until)];
            let b = late_interest(&query(amount, due, &payments, until, &rates, &waived));
            prop_assert_eq!(b.total_ore, 0);
            prop_assert!(b.segments.iter().all(|s| s.status == SegmentStatus::Waived));
        }

        #[test]
        fn segment_units_match_a_day_by_day_sum(
            amount in 0i64..100_000_000,
            days in 0i64..400,
            payments in arb_payments(),
            rates in arb_rates(),
            waived in arb_waived(),
        ) {
            let due = date(2020, 11, 20);
            let until = add_days(due, days);
            let b = late_interest(&query(amount, due, &payments, until, &rates, &waived));
            let mut expected: i128 = 0;
            for k in 1..=days {
                let d = add_days(due, k);
                let paid: i64 = payments.iter().filter(|(p, _)| *p < d).map(|(_, o)| o).sum();
                let remainder = (amount - paid).max(0);
                let free = waived.iter().any(|(a, b)| *a <= d && d <= *b);
                if !free {
                    expected += i128::from(remainder)
                        * i128::from(late_interest_rate_bp(&rates, d));
                }
            }
            prop_assert_eq!(b.total_units, expected);
        }
    }

    // --- extensions --------------------------------------------------------------------------

    fn request(outstanding_ore: i64, ask: Ask) -> ExtensionRequest {
        ExtensionRequest {
            outstanding_ore,
            due: date(2024, 3, 31),
            state: InvoiceState::Open,
            ask,
        }
    }

    fn today() -> Date {
        date(2024, 3, 25)
    }

    fn reason<'a>(a: &'a Assessment, code: &str) -> &'a Reason {
        a.reasons
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("no reason {code}: {:?}", a.reasons))
    }

    fn plain(s: String) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn a_small_short_extension_with_clean_history_is_approved() {
        let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
        let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
        assert_eq!(a.decision, Decision::Approve);
        assert!(a.reasons.iter().all(|r| r.passed), "{:?}", a.failed());
        assert!(a.failed().is_empty());
        assert_eq!(a.schedule, vec![(date(2024, 4, 20), 150_000)]);
        assert_eq!(a.extension_days, Some(20));
        // The normal policy charges interest during an extension.
        assert_eq!(a.interest_free, None);
        let codes: Vec<&str> = a.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [
                "invoice_state",
                "amount_outstanding",
                "new_due_after_current",
                "new_due_not_passed",
                "max_amount",
                "auto_approve_amount",
                "max_extension_days",
                "no_recent_reminders",
                "no_recent_broken_arrangements",
                "no_recent_debt_collection",
                "no_active_arrangement",
            ]
        );
        assert_eq!(
            reason(&a, "no_recent_reminders").text_sv(),
            "Inga påminnelser de senaste 12 månaderna"
        );
        assert_eq!(
            reason(&a, "no_recent_reminders").text_en(),
            "No reminders in the last 12 months"
        );
        assert_eq!(
            plain(reason(&a, "max_extension_days").text_sv()),
            "Anståndet är 20 dagar – högst 30 dagar tillåts"
        );
    }

    #[test]
    fn refused_states() {
        for (state, sv, en) in [
            (
                InvoiceState::Paid,
                "Fakturan är redan betald",
                "The invoice is already paid",
            ),
            (
                InvoiceState::WithCollection,
                "Fakturan har lämnats till inkasso",
                "The invoice has been sent to debt collection",
            ),
            (
                InvoiceState::InExtension,
                "Fakturan har redan anstånd",
                "The invoice already has an extension",
            ),
        ] {
            let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
            req.state = state;
            let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
            assert_eq!(a.decision, Decision::Refuse, "{state:?}");
            let r = reason(&a, "invoice_state");
            assert!(!r.passed);
            assert_eq!(r.on_failure, Decision::Refuse);
            assert_eq!(r.text_sv(), sv);
            assert_eq!(r.text_en(), en);
        }
        for state in [
            InvoiceState::Open,
            InvoiceState::Overdue,
            InvoiceState::PartlyPaid,
        ] {
            let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
            req.state = state;
            let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
            assert_eq!(a.decision, Decision::Approve, "{state:?}");
        }
    }

    #[test]
    fn new_due_date_must_be_later_and_not_passed() {
        let policy = normal_policy();
        let history = PaymentHistory::default();
        for new_due in [date(2024, 3, 31), date(2024, 3, 30)] {
            let a = assess_extension(
                &request(150_000, Ask::NewDueDate(new_due)),
                &history,
                &policy,
                today(),
            );
            assert_eq!(a.decision, Decision::Refuse);
            assert!(!reason(&a, "new_due_after_current").passed);
            assert!(reason(&a, "new_due_not_passed").passed);
        }
        let r = &assess_extension(
            &request(150_000, Ask::NewDueDate(date(2024, 3, 30))),
            &history,
            &policy,
            today(),
        );
        assert_eq!(
            reason(r, "new_due_after_current").text_en(),
            "The new due date 2024-03-30 must be after 2024-03-31"
        );
        // An overdue invoice: a later date that has also passed already.
        let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 10)));
        req.state = InvoiceState::Overdue;
        let a = assess_extension(&req, &history, &policy, date(2024, 4, 15));
        assert_eq!(a.decision, Decision::Refuse);
        assert!(reason(&a, "new_due_after_current").passed);
        assert!(!reason(&a, "new_due_not_passed").passed);
        assert_eq!(
            reason(&a, "new_due_not_passed").text_sv(),
            "Det nya förfallodatumet 2024-04-10 har redan passerat"
        );
        // Nothing outstanding: refused.
        let a = assess_extension(
            &request(0, Ask::NewDueDate(date(2024, 4, 10))),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refuse);
        assert!(!reason(&a, "amount_outstanding").passed);
    }

    #[test]
    fn instalments_need_at_least_two_and_at_most_the_hard_cap() {
        let policy = normal_policy();
        let history = PaymentHistory::default();
        for n in [0, 1] {
            let a = assess_extension(
                &request(150_000, Ask::Instalments(n)),
                &history,
                &policy,
                today(),
            );
            assert_eq!(a.decision, Decision::Refuse, "{n}");
            let r = reason(&a, "instalment_count");
            assert!(!r.passed);
            assert_eq!(
                r.text_en(),
                "An instalment plan needs at least 2 instalments"
            );
        }
        let a = assess_extension(
            &request(150_000, Ask::Instalments(0)),
            &history,
            &policy,
            today(),
        );
        assert!(a.schedule.is_empty());
        assert_eq!(a.extension_days, None);
        let a = assess_extension(
            &request(150_000, Ask::Instalments(u32::MAX)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refuse);
        assert!(a.schedule.is_empty());
        assert_eq!(
            reason(&a, "instalment_count").text_sv(),
            "En avbetalningsplan kan ha högst 60 delbetalningar"
        );
    }

    #[test]
    fn instalment_plans_are_referred_beyond_the_policy() {
        let mut policy = normal_policy();
        policy.max_extension_days = 31;
        let history = PaymentHistory::default();
        // Two instalments: 31 March and 30 April: 30 days. Approved.
        let a = assess_extension(
            &request(150_000, Ask::Instalments(2)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Approve, "{:?}", a.failed());
        assert_eq!(
            a.schedule,
            vec![(date(2024, 3, 31), 75_000), (date(2024, 4, 30), 75_000)]
        );
        assert_eq!(a.extension_days, Some(30));
        assert_eq!(
            reason(&a, "max_instalments").text_en(),
            "2 instalments; at most 3 are allowed"
        );
        // Three instalments run to 31 May: 61 days, too long.
        let a = assess_extension(
            &request(150_000, Ask::Instalments(3)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refer);
        assert!(reason(&a, "max_instalments").passed);
        let days = reason(&a, "max_extension_days");
        assert!(!days.passed);
        assert_eq!(
            days.text_en(),
            "The extension is 61 days, longer than 31 days"
        );
        // Four is more than the policy's three.
        policy.max_extension_days = 365;
        let a = assess_extension(
            &request(150_000, Ask::Instalments(4)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refer);
        assert_eq!(
            reason(&a, "max_instalments").text_sv(),
            "4 delbetalningar – fler än 3"
        );
    }

    #[test]
    fn an_overdue_invoice_gets_its_first_instalment_ten_days_out() {
        let mut req = request(150_000, Ask::Instalments(2));
        req.state = InvoiceState::Overdue;
        // Today 2024-04-15 (Monday): 25 April is a Thursday.
        let a = assess_extension(
            &req,
            &PaymentHistory::default(),
            &normal_policy(),
            date(2024, 4, 15),
        );
        assert_eq!(a.schedule[0].0, date(2024, 4, 25));
        assert_eq!(a.schedule[1].0, date(2024, 5, 25));
        assert_eq!(a.extension_days, Some(55));
        assert_eq!(
            first_instalment_due(date(2024, 3, 31), date(2024, 3, 31)),
            date(2024, 3, 31)
        );
        // Ten days after 2024-12-15 is juldagen; then annandag jul; Friday the 27th.
        assert_eq!(
            first_instalment_due(date(2024, 12, 1), date(2024, 12, 15)),
            date(2024, 12, 27)
        );
        // Ten days after 2024-12-21 is nyårsafton; then nyårsdagen; Thursday 2 January.
        assert_eq!(
            first_instalment_due(date(2024, 12, 1), date(2024, 12, 21)),
            date(2025, 1, 2)
        );
    }

    #[test]
    fn amounts_over_the_limits_are_referred_with_the_amount_in_swedish_form() {
        let policy = normal_policy();
        let history = PaymentHistory::default();
        // Over the auto-approve limit (2 000 kr), under the maximum (20 000 kr).
        let a = assess_extension(
            &request(200_001, Ask::NewDueDate(date(2024, 4, 20))),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refer);
        assert!(reason(&a, "max_amount").passed);
        let auto = reason(&a, "auto_approve_amount");
        assert!(!auto.passed);
        assert_eq!(auto.on_failure, Decision::Refer);
        assert_eq!(
            plain(auto.text_sv()),
            "Beloppet överstiger gränsen för automatiskt godkännande, 2 000,00 kr"
        );
        // Exactly at the limit is fine.
        let a = assess_extension(
            &request(200_000, Ask::NewDueDate(date(2024, 4, 20))),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Approve);
        // Over the maximum.
        let a = assess_extension(
            &request(2_000_001, Ask::NewDueDate(date(2024, 4, 20))),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refer);
        let max = reason(&a, "max_amount");
        assert!(!max.passed);
        assert_eq!(plain(max.text_sv()), "Beloppet överstiger 20 000,00 kr");
        assert_eq!(plain(max.text_en()), "The amount is over 20 000,00 kr");
    }

    #[test]
    fn a_long_extension_is_referred() {
        let a = assess_extension(
            &request(150_000, Ask::NewDueDate(date(2024, 5, 1))),
            &PaymentHistory::default(),
            &normal_policy(),
            today(),
        );
        assert_eq!(a.extension_days, Some(31));
        assert_eq!(a.decision, Decision::Refer);
        assert_eq!(
            reason(&a, "max_extension_days").text_sv(),
            "Anståndet är 31 dagar – längre än 30 dagar"
        );
    }

    #[test]
    fn history_within_the_window_is_referred() {
        let policy = normal_policy();
        let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
        // Window: 2023-03-25 … today, inclusive at the start.
        let history = PaymentHistory {
            reminders: vec![date(2023, 3, 24), date(2023, 3, 25), date(2023, 11, 2)],
            broken_arrangements: vec![date(2022, 1, 1)],
            debt_collections: vec![date(2024, 1, 9)],
            active_arrangements: 0,
        };
        let a = assess_extension(&req, &history, &policy, today());
        assert_eq!(a.decision, Decision::Refer);
        let reminders = reason(&a, "no_recent_reminders");
        assert!(!reminders.passed);
        assert_eq!(
            reminders.text_sv(),
            "2 påminnelser de senaste 12 månaderna, senast 2023-11-02"
        );
        assert_eq!(
            reminders.text_en(),
            "2 reminders in the last 12 months, the latest on 2023-11-02"
        );
        assert!(reason(&a, "no_recent_broken_arrangements").passed);
        let collection = reason(&a, "no_recent_debt_collection");
        assert!(!collection.passed);
        assert_eq!(
            collection.text_en(),
            "1 invoice sent to debt collection in the last 12 months, the latest on 2024-01-09"
        );
        // Only the old entries: clean.
        let old = PaymentHistory {
            reminders: vec![date(2023, 3, 24)],
            broken_arrangements: vec![date(2022, 1, 1)],
            ..PaymentHistory::default()
        };
        assert_eq!(
            assess_extension(&req, &old, &policy, today()).decision,
            Decision::Approve
        );
        // A broken arrangement alone is enough.
        let broken = PaymentHistory {
            broken_arrangements: vec![date(2024, 2, 1)],
            ..PaymentHistory::default()
        };
        let a = assess_extension(&req, &broken, &policy, today());
        assert_eq!(a.decision, Decision::Refer);
        assert_eq!(
            reason(&a, "no_recent_broken_arrangements").text_sv(),
            "1 bruten betalningsöverenskommelse de senaste 12 månaderna, senast 2024-02-01"
        );
        // 0 months: history not checked.
        let mut lax = policy.clone();
        lax.require_clean_history_months = 0;
        let a = assess_extension(&req, &history, &lax, today());
        assert_eq!(a.decision, Decision::Approve);
        assert_eq!(
            reason(&a, "no_recent_reminders").text_en(),
            "Reminders are not checked under the policy"
        );
    }

    #[test]
    fn another_active_arrangement_is_referred() {
        let history = PaymentHistory {
            active_arrangements: 1,
            ..PaymentHistory::default()
        };
        let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
        let a = assess_extension(&req, &history, &normal_policy(), today());
        assert_eq!(a.decision, Decision::Refer);
        assert_eq!(
            reason(&a, "no_active_arrangement").text_en(),
            "The customer already has 1 active payment arrangement"
        );
    }

    #[test]
    fn refuse_wins_over_refer_and_every_rule_is_reported() {
        let mut req = request(5_000_000, Ask::NewDueDate(date(2024, 9, 1)));
        req.state = InvoiceState::Paid;
        let history = PaymentHistory {
            reminders: vec![date(2024, 1, 1)],
            ..PaymentHistory::default()
        };
        let a = assess_extension(&req, &history, &normal_policy(), today());
        assert_eq!(a.decision, Decision::Refuse);
        let failed: Vec<&str> = a.failed().iter().map(|r| r.code).collect();
        assert_eq!(
            failed,
            [
                "invoice_state",
                "max_amount",
                "auto_approve_amount",
                "max_extension_days",
                "no_recent_reminders"
            ]
        );
        assert_eq!(a.reasons.len(), 11);
        // Stored form.
        let json = serde_json::to_value(&a.reasons[0]).unwrap();
        assert_eq!(json["code"], "invoice_state");
        assert_eq!(json["passed"], false);
        assert_eq!(json["on_failure"], "refuse");
        assert_eq!(json["text_sv"], "Fakturan är redan betald");
        assert_eq!(json["text_en"], "The invoice is already paid");
        assert!(
            serde_json::to_string(&a)
                .unwrap()
                .contains("\"decision\":\"refuse\"")
        );
    }

    #[test]
    fn pandemic_policy_waives_interest_during_the_extension() {
        let policy = match PolicyBody::preset(Capability::Credit, Preset::Pandemic) {
            PolicyBody::Credit(c) => c,
            _ => unreachable!(),
        };
        let req = request(400_000, Ask::NewDueDate(date(2024, 5, 20)));
        let a = assess_extension(&req, &PaymentHistory::default(), &policy, today());
        assert_eq!(a.decision, Decision::Approve, "{:?}", a.failed());
        assert_eq!(a.interest_free, Some((date(2024, 4, 1), date(2024, 5, 20))));
        // Paid on the new date: no interest.
        let waived = [a.interest_free.unwrap()];
        let rates = known_reference_rates();
        let b = late_interest(&query(
            400_000,
            req.due,
            &[(date(2024, 5, 20), 400_000)],
            date(2024, 5, 20),
            &rates,
            &waived,
        ));
        assert_eq!(b.total_ore, 0);
    }

    #[test]
    fn instalment_schedule_is_ore_exact_and_keeps_the_day() {
        let s = instalment_schedule(10_000, 3, date(2024, 1, 31));
        assert_eq!(
            s,
            vec![
                (date(2024, 1, 31), 3_334),
                (date(2024, 2, 29), 3_333),
                (date(2024, 3, 31), 3_333)
            ]
        );
        let s = instalment_schedule(100_001, 5, date(2023, 1, 31));
        let dates: Vec<Date> = s.iter().map(|(d, _)| *d).collect();
        assert_eq!(
            dates,
            [
                date(2023, 1, 31),
                date(2023, 2, 28),
                date(2023, 3, 31),
                date(2023, 4, 30),
                date(2023, 5, 31)
            ]
        );
        assert_eq!(s[0].1, 20_001);
        assert!(s[1..].iter().all(|(_, a)| *a == 20_000));
        // Across a year end, and a day every month has.
        let s = instalment_schedule(999, 2, date(2024, 12, 15));
        assert_eq!(s, vec![(date(2024, 12, 15), 500), (date(2025, 1, 15), 499)]);
        assert!(instalment_schedule(10_000, 0, date(2024, 1, 1)).is_empty());
        assert_eq!(
            instalment_schedule(7, 1, date(2024, 1, 1)),
            vec![(date(2024, 1, 1), 7)]
        );
        // Dates saturate at the end of the range.
        let s = instalment_schedule(3, 3, date(9999, 11, 30));
        assert_eq!(s[2].0, Date::MAX);
    }

    proptest! {
        #[test]
        fn instalment_schedule_sums_and_spaces(
            amount in -10_000_000_000i64..10_000_000_000,
            n in 1u32..=MAX_PLAN_INSTALMENTS,
            offset in 0i64..3000,
        ) {
            let first = add_days(date(2020, 1, 1), offset);
            let s = instalment_schedule(amount, n, first);
            prop_assert_eq!(s.len(), n as usize);
            prop_assert_eq!(s.iter().map(|(_, a)| a).sum::<i64>(), amount);
            let rest = s[1..].iter().map(|(_, a)| *a).collect::<Vec<_>>();
            prop_assert!(rest.iter().all(|a| *a == amount / i64::from(n)));
            prop_assert!((s[0].1 - amount / i64::from(n)).abs() < i64::from(n));
            for (k, (d, _)) in s.iter().enumerate() {
                prop_assert_eq!(d.day(), first.day().min(d.days_in_month()));
                let months = (i32::from(d.year()) - i32::from(first.year())) * 12
                    + i32::from(d.month()) - i32::from(first.month());
                prop_assert_eq!(months, k as i32);
            }
        }
    }

    // --- dunning -----------------------------------------------------------------------------

    fn unpaid(due: Date) -> DunningState {
        DunningState {
            outstanding_ore: 123_450,
            due,
            level: 0,
            last_reminder: None,
            extension: ExtensionStatus::Inactive,
        }
    }

    #[test]
    fn first_reminder_after_the_grace_days() {
        let policy = normal_policy(); // 10 grace days
        let inv = unpaid(date(2024, 3, 31));
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 3, 31)),
            None
        );
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 4, 10)),
            None
        );
        let step = next_dunning_step(&inv, &policy, true, date(2024, 4, 11)).unwrap();
        assert_eq!(
            step,
            DunningStep::Reminder(Reminder {
                level: 1,
                sent: date(2024, 4, 11),
                due: date(2024, 4, 22), // 21 April is a Sunday
                fee_ore: REMINDER_FEE_MAX_ORE,
                fee: FeeDecision::Charged,
            })
        );
        assert_eq!(step.fee_ore(), 6_000);
        assert_eq!(
            plain(FeeDecision::Charged.text_sv()),
            "Påminnelseavgift 60,00 kr enligt avtal (lagen om ersättning för inkassokostnader 2 och 4 §§)"
        );
    }

    #[test]
    fn a_reminder_fee_without_agreement_is_refused() {
        let inv = unpaid(date(2024, 3, 31));
        let Some(DunningStep::Reminder(r)) =
            next_dunning_step(&inv, &normal_policy(), false, date(2024, 4, 15))
        else {
            panic!("expected a reminder");
        };
        assert_eq!(r.fee_ore, 0);
        assert_eq!(r.fee, FeeDecision::NotAgreed);
        assert_eq!(r.fee.code(), "reminder_fee_not_agreed");
        assert_eq!(
            r.fee.text_en(),
            "No reminder fee: the fee was not agreed with the customer (Debt Recovery Costs Act, section 2)"
        );
        assert!(r.fee.text_sv().contains("inte avtalats"));
    }

    #[test]
    fn second_reminder_after_the_first_reminders_due_date() {
        let policy = normal_policy();
        let mut inv = unpaid(date(2024, 3, 31));
        inv.level = 1;
        inv.last_reminder = Some(SentReminder {
            sent: date(2024, 4, 11),
            due: date(2024, 4, 22),
        });
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 5, 2)),
            None
        );
        let Some(DunningStep::Reminder(r)) =
            next_dunning_step(&inv, &policy, true, date(2024, 5, 3))
        else {
            panic!("expected a reminder");
        };
        assert_eq!(r.level, 2);
        // 13 May is a Monday.
        assert_eq!(r.due, date(2024, 5, 13));
        assert_eq!(r.fee_ore, 6_000);
    }

    #[test]
    fn debt_collection_after_the_second_reminder_never_with_a_fee() {
        let policy = normal_policy();
        let mut inv = unpaid(date(2024, 3, 31));
        inv.level = 2;
        inv.last_reminder = Some(SentReminder {
            sent: date(2024, 5, 3),
            due: date(2024, 5, 13),
        });
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 5, 23)),
            None
        );
        let step = next_dunning_step(&inv, &policy, true, date(2024, 5, 24)).unwrap();
        assert_eq!(step, DunningStep::DebtCollection);
        assert_eq!(step.fee_ore(), 0);
        // Levels above 2 are treated as 2.
        inv.level = 7;
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 5, 24)),
            Some(DunningStep::DebtCollection)
        );
    }

    #[test]
    fn no_dunning_during_an_active_extension() {
        let policy = normal_policy();
        let mut inv = unpaid(date(2024, 3, 31));
        inv.extension = ExtensionStatus::Active;
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
            None
        );
        // Broken: dunning resumes from the (extended) due date.
        inv.extension = ExtensionStatus::Broken;
        inv.due = date(2024, 4, 30);
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 5, 10)),
            None
        );
        assert!(matches!(
            next_dunning_step(&inv, &policy, true, date(2024, 5, 11)),
            Some(DunningStep::Reminder(Reminder { level: 1, .. }))
        ));
    }

    #[test]
    fn nothing_outstanding_nothing_to_dun() {
        let policy = normal_policy();
        let mut inv = unpaid(date(2024, 3, 31));
        inv.outstanding_ore = 0;
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
            None
        );
        inv.outstanding_ore = -100;
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
            None
        );
    }

    #[test]
    fn an_extension_after_a_reminder_moves_the_base() {
        // A reminder was sent, then an extension to 31 May granted and broken.
        let policy = normal_policy();
        let mut inv = unpaid(date(2024, 5, 31));
        inv.level = 1;
        inv.last_reminder = Some(SentReminder {
            sent: date(2024, 4, 11),
            due: date(2024, 4, 22),
        });
        inv.extension = ExtensionStatus::Broken;
        assert_eq!(
            next_dunning_step(&inv, &policy, true, date(2024, 6, 10)),
            None
        );
        assert!(matches!(
            next_dunning_step(&inv, &policy, true, date(2024, 6, 11)),
            Some(DunningStep::Reminder(Reminder { level: 2, .. }))
        ));
    }

    #[test]
    fn reminder_due_dates_skip_holidays() {
        // 2024-12-15 + 10 = 2024-12-25 (juldagen) → 26th (annandag jul) → 27th (Friday).
        assert_eq!(reminder_due_date(date(2024, 12, 15)), date(2024, 12, 27));
        // 2024-06-11 + 10 = midsommarafton 21 June → Monday 24 June.
        assert_eq!(reminder_due_date(date(2024, 6, 11)), date(2024, 6, 24));
        assert_eq!(reminder_due_date(date(2024, 4, 3)), date(2024, 4, 15));
    }
}

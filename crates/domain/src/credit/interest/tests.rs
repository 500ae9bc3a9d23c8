//! Tests of reference rates and late-payment interest.

use super::*;
use crate::credit::days::{add_days, date_at, day_number, days_between};
use jiff::civil::date;
use proptest::prelude::*;

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

fn interest(amount: i64, due: Date, payments: &[(Date, i64)], until: Date) -> InterestBreakdown {
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

//! When a supplier's invoice falls due: the agreed terms counted from the day it was received
//! (never more than the law's 30 days for a public buyer), or the shorter terms of an accepted
//! crisis offer from the day they apply.

use jiff::ToSpan;
use jiff::civil::Date;

use super::LAW_TERMS_DAYS;

/// The days an invoice received under `agreed_days` is paid in; `shortened` is the accepted
/// offer's days when one applies. The shorter always wins, and nothing exceeds the law's limit.
pub fn days(agreed_days: u32, shortened: Option<u32>) -> u32 {
    let agreed = agreed_days.min(LAW_TERMS_DAYS);
    shortened.map_or(agreed, |s| s.min(agreed))
}

/// The due date of an invoice received on `received` with `days` terms.
pub fn due_date(received: Date, days: u32) -> Date {
    received.saturating_add(i64::from(days).days())
}

/// The due date of an open invoice once shorter terms apply from `from`: the shorter terms
/// counted from its receipt, but not before the terms apply (an invoice already older than the
/// shorter terms falls due on the first day they apply) and never later than it was due.
pub fn shortened_due_date(received: Date, current_due: Date, short_days: u32, from: Date) -> Date {
    due_date(received, short_days).max(from).min(current_due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn agreed_terms_are_capped_by_the_law_and_the_shorter_wins() {
        assert_eq!(days(30, None), 30);
        assert_eq!(days(45, None), 30);
        assert_eq!(days(20, Some(10)), 10);
        assert_eq!(days(5, Some(10)), 5);
        assert_eq!(due_date(date(2020, 3, 20), 30), date(2020, 4, 19));
    }

    #[test]
    fn an_open_invoice_moves_to_the_shorter_terms_from_the_day_they_apply() {
        let from = date(2020, 4, 1);
        // Received on 25 March with 30 days: due 24 April; 10 days from receipt is 4 April.
        assert_eq!(
            shortened_due_date(date(2020, 3, 25), date(2020, 4, 24), 10, from),
            date(2020, 4, 4)
        );
        // Received on 10 March: ten days have passed, so it falls due the day terms apply.
        assert_eq!(
            shortened_due_date(date(2020, 3, 10), date(2020, 4, 9), 10, from),
            from
        );
        // Already due earlier than the shorter terms would say: unchanged.
        assert_eq!(
            shortened_due_date(date(2020, 3, 30), date(2020, 4, 2), 10, from),
            date(2020, 4, 2)
        );
    }

    proptest! {
        #[test]
        fn shortening_never_delays_and_never_reaches_before_the_start(
            received in 0i64..400, terms in 1u32..=30, short in 1u32..=30, start in 0i64..400,
        ) {
            let base = date(2020, 1, 1);
            let received = base.saturating_add(received.days());
            let from = base.saturating_add(start.days());
            let due = due_date(received, terms);
            let moved = shortened_due_date(received, due, short, from);
            prop_assert!(moved <= due);
            prop_assert!(moved >= from.min(due));
        }
    }
}

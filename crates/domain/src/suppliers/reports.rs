//! Finance's reports on suppliers: days to pay per supplier group and month against the target
//! of the policy in force, and the 13-week liquidity forecast: expected customer payments (their
//! invoices' due dates, moved by granted extensions and by each customer's habit of paying late)
//! against supplier payments under the terms in force, with a what-if of shorter terms.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use super::terms;
use super::work::Month;
use crate::money::Money;

crate::closed_set! {
    /// The groups days to pay are reported for; a local small company counts as local.
    pub enum SupplierGroup in "suppliers-group" {
        Local = "local",
        Small = "small",
        Other = "other",
    }
}

impl SupplierGroup {
    pub fn of(local: bool, small: bool) -> SupplierGroup {
        match (local, small) {
            (true, _) => SupplierGroup::Local,
            (false, true) => SupplierGroup::Small,
            (false, false) => SupplierGroup::Other,
        }
    }
}

/// A paid supplier invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paid {
    pub group: SupplierGroup,
    pub received: Date,
    pub paid: Date,
}

/// Average days from receipt to payment, and how many invoices, per group and month paid.
pub fn days_to_pay(paid: &[Paid]) -> BTreeMap<(SupplierGroup, Month), (f64, u32)> {
    let mut sums: BTreeMap<(SupplierGroup, Month), (i64, u32)> = BTreeMap::new();
    for p in paid {
        let days = i64::from((p.paid - p.received).get_days()).max(0);
        let e = sums.entry((p.group, Month::of(p.paid))).or_default();
        e.0 += days;
        e.1 += 1;
    }
    sums.into_iter()
        .map(|(k, (days, n))| (k, (days as f64 / f64::from(n), n)))
        .collect()
}

/// A customer invoice still to be paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerDue {
    /// The due date, or the new one of a granted extension.
    pub due: Date,
    pub open: Money,
    /// The customer's average days late on paid invoices (0 for one who pays on time).
    pub habit_days: u32,
}

/// A supplier invoice still to be paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SupplierDue {
    pub received: Date,
    pub due: Date,
    pub left: Money,
    pub local: bool,
    pub small: bool,
}

/// Which suppliers a what-if shortens terms for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhatIfRule {
    All,
    Local,
    Small,
}

/// "Shorten terms for `rule`'s suppliers to `days` from today."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WhatIf {
    pub days: u32,
    pub rule: WhatIfRule,
}

/// One week of the forecast.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Week {
    /// Its Monday.
    pub starts: Option<Date>,
    pub customers_in: Money,
    pub suppliers_out: Money,
    /// Supplier payments under the what-if (equal to `suppliers_out` without one).
    pub suppliers_out_if: Money,
    /// Net since the forecast's start (in minus out), and under the what-if.
    pub balance: Money,
    pub balance_if: Money,
}

/// The Monday of the week `d` is in.
pub fn monday(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.saturating_sub(back.days())
}

/// The 13 weeks from the week of `today`: what comes in and goes out each week (anything due
/// before today falls in the first week), with the what-if's supplier payments beside.
pub fn forecast(
    today: Date,
    customers: &[CustomerDue],
    suppliers: &[SupplierDue],
    what_if: Option<WhatIf>,
) -> Vec<Week> {
    const WEEKS: usize = 13;
    let first = monday(today);
    let week_of = |d: Date| -> Option<usize> {
        let d = d.max(today);
        let days = (d - first).get_days();
        usize::try_from(days / 7).ok().filter(|w| *w < WEEKS)
    };
    let mut weeks: Vec<Week> = (0..WEEKS)
        .map(|w| Week {
            starts: Some(first.saturating_add((7 * w as i64).days())),
            ..Week::default()
        })
        .collect();
    for c in customers {
        let expected = c.due.saturating_add(i64::from(c.habit_days).days());
        if let Some(w) = week_of(expected) {
            weeks[w].customers_in += c.open;
        }
    }
    for s in suppliers {
        if let Some(w) = week_of(s.due) {
            weeks[w].suppliers_out += s.left;
        }
        let due_if = match what_if {
            Some(wi) if applies(wi.rule, s) => {
                terms::shortened_due_date(s.received, s.due, wi.days, today)
            }
            _ => s.due,
        };
        if let Some(w) = week_of(due_if) {
            weeks[w].suppliers_out_if += s.left;
        }
    }
    let (mut balance, mut balance_if) = (Money::ZERO, Money::ZERO);
    for w in &mut weeks {
        balance += w.customers_in - w.suppliers_out;
        balance_if += w.customers_in - w.suppliers_out_if;
        w.balance = balance;
        w.balance_if = balance_if;
    }
    weeks
}

fn applies(rule: WhatIfRule, s: &SupplierDue) -> bool {
    match rule {
        WhatIfRule::All => true,
        WhatIfRule::Local => s.local,
        WhatIfRule::Small => s.small,
    }
}

/// A customer's habit: the average days late over its paid invoices (paid early counts as 0),
/// capped at 90 so one odd payment does not push money out of the forecast.
pub fn habit_days(late: &[i32]) -> u32 {
    if late.is_empty() {
        return 0;
    }
    let sum: i64 = late.iter().map(|d| i64::from((*d).max(0))).sum();
    let avg = sum / late.len() as i64;
    u32::try_from(avg.min(90)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    fn kr(k: i64) -> Money {
        Money::from_kronor(k)
    }

    #[test]
    fn days_to_pay_average_per_group_and_month() {
        let paid = [
            Paid {
                group: SupplierGroup::Local,
                received: date(2026, 3, 1),
                paid: date(2026, 3, 11),
            },
            Paid {
                group: SupplierGroup::Local,
                received: date(2026, 2, 28),
                paid: date(2026, 3, 30),
            },
            Paid {
                group: SupplierGroup::Other,
                received: date(2026, 3, 1),
                paid: date(2026, 4, 1),
            },
        ];
        let r = days_to_pay(&paid);
        let march = Month::parse("2026-03").unwrap();
        assert_eq!(r[&(SupplierGroup::Local, march)], (20.0, 2));
        assert_eq!(
            r[&(SupplierGroup::Other, Month::parse("2026-04").unwrap())],
            (31.0, 1)
        );
        assert_eq!(SupplierGroup::of(true, true), SupplierGroup::Local);
        assert_eq!(SupplierGroup::of(false, true), SupplierGroup::Small);
    }

    #[test]
    fn the_forecast_places_money_in_its_weeks_and_the_what_if_shows_its_cost() {
        // Wednesday 2 December 2026; the first week starts Monday 30 November.
        let today = date(2026, 12, 2);
        assert_eq!(monday(today).weekday(), Weekday::Monday);
        let customers = [
            // Due next week, paid on time.
            CustomerDue {
                due: date(2026, 12, 9),
                open: kr(1000),
                habit_days: 0,
            },
            // Due this week but usually a week late.
            CustomerDue {
                due: date(2026, 12, 3),
                open: kr(500),
                habit_days: 7,
            },
            // Overdue already: expected now.
            CustomerDue {
                due: date(2026, 11, 1),
                open: kr(200),
                habit_days: 0,
            },
        ];
        let suppliers = [
            // A local supplier's invoice received 25 November, due 25 December on 30 days.
            SupplierDue {
                received: date(2026, 11, 25),
                due: date(2026, 12, 25),
                left: kr(800),
                local: true,
                small: false,
            },
            SupplierDue {
                received: date(2026, 11, 25),
                due: date(2026, 12, 25),
                left: kr(300),
                local: false,
                small: false,
            },
        ];
        let what_if = WhatIf {
            days: 10,
            rule: WhatIfRule::Local,
        };
        let weeks = forecast(today, &customers, &suppliers, Some(what_if));
        assert_eq!(weeks.len(), 13);
        assert_eq!(weeks[0].customers_in, kr(200));
        assert_eq!(weeks[1].customers_in, kr(1500));
        // Due 25 December: week 4 (from 21 December); the local one moves to 5 December.
        assert_eq!(weeks[3].suppliers_out, kr(1100));
        assert_eq!(weeks[0].suppliers_out_if, kr(800));
        assert_eq!(weeks[3].suppliers_out_if, kr(300));
        // The cost falls in the first weeks and is made up when the invoice would have fallen due.
        assert_eq!(weeks[0].balance - weeks[0].balance_if, kr(800));
        assert_eq!(weeks[3].balance, weeks[3].balance_if);
        assert_eq!(weeks[12].balance, kr(1700 - 1100));
        // Without a what-if the two agree.
        let plain = forecast(today, &customers, &suppliers, None);
        assert!(plain.iter().all(|w| w.balance == w.balance_if));
    }

    #[test]
    fn a_habit_is_the_average_lateness_never_negative_and_capped() {
        assert_eq!(habit_days(&[]), 0);
        assert_eq!(habit_days(&[-5, 10, 20]), 10);
        assert_eq!(habit_days(&[400]), 90);
    }
}

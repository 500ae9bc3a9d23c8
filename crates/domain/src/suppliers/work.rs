//! Planned work that keeps subcontractors busy: projects (district-heating pipes on a street,
//! cable laying, the meter exchange) with work orders to suppliers by trade, each in a month
//! with its hours and kronor. A planner brings work forward from later months into the crisis,
//! and compares what local subcontractors were given per trade and month with the same months a
//! year before.

use std::collections::BTreeMap;
use std::fmt;

use super::{SupplierProblem, Trade};
use crate::money::Money;

crate::closed_set! {
    /// What a project is.
    pub enum ProjectKind in "suppliers-project-kind" {
        DistrictHeating = "district_heating",
        Cable = "cable",
        MeterExchange = "meter_exchange",
        Water = "water",
        Broadband = "broadband",
        Other = "other",
    }
}

crate::closed_set! {
    /// Where a work order stands.
    pub enum OrderState in "suppliers-order" {
        /// In the plan, not yet ordered from the supplier.
        Planned = "planned",
        /// Ordered: the supplier has it.
        Ordered = "ordered",
        Done = "done",
        Cancelled = "cancelled",
    }
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    /// 1–12.
    month: i8,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    /// The month a day is in.
    pub fn of(d: jiff::civil::Date) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn first_day(self) -> jiff::civil::Date {
        jiff::civil::date(self.year, self.month, 1)
    }

    /// `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let index = i32::from(self.year) * 12 + i32::from(self.month) - 1 + n;
        Month {
            year: i16::try_from(index.div_euclid(12)).unwrap_or(i16::MAX),
            month: i8::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    pub fn year_before(self) -> Month {
        self.plus(-12)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Whether a work order planned for `planned` may be brought forward to `to` when the current
/// month is `current`: only work not yet done or cancelled, only to an earlier month, and not
/// into the past.
pub fn bring_forward(
    state: OrderState,
    planned: Month,
    to: Month,
    current: Month,
) -> Result<(), SupplierProblem> {
    if !matches!(state, OrderState::Planned | OrderState::Ordered) {
        return Err(SupplierProblem::OrderNotMovable);
    }
    if to >= planned {
        return Err(SupplierProblem::NotEarlier);
    }
    if to < current {
        return Err(SupplierProblem::MonthPassed);
    }
    Ok(())
}

/// One work order as the trade report counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderFacts {
    pub trade: Trade,
    pub month: Month,
    pub hours: u32,
    pub amount: Money,
    /// The supplier's workplace is local.
    pub local: bool,
    pub state: OrderState,
}

/// Hours and kronor of one trade in one month, and in the same month a year before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthWork {
    pub hours: u32,
    pub amount: Money,
    pub hours_year_before: u32,
    pub amount_year_before: Money,
}

/// What local subcontractors were given per trade in each of `months` (work not cancelled),
/// beside the same months a year before; trades with no work in either are left out.
pub fn local_work_by_trade(
    orders: &[OrderFacts],
    months: &[Month],
) -> BTreeMap<Trade, Vec<(Month, MonthWork)>> {
    let mut sums: BTreeMap<(Trade, Month), (u32, Money)> = BTreeMap::new();
    for o in orders
        .iter()
        .filter(|o| o.local && o.state != OrderState::Cancelled)
    {
        let e = sums.entry((o.trade, o.month)).or_default();
        e.0 = e.0.saturating_add(o.hours);
        e.1 += o.amount;
    }
    let mut out = BTreeMap::new();
    for trade in Trade::ALL {
        let row: Vec<(Month, MonthWork)> = months
            .iter()
            .map(|m| {
                let (hours, amount) = sums.get(&(*trade, *m)).copied().unwrap_or_default();
                let (hy, ay) = sums
                    .get(&(*trade, m.year_before()))
                    .copied()
                    .unwrap_or_default();
                (
                    *m,
                    MonthWork {
                        hours,
                        amount,
                        hours_year_before: hy,
                        amount_year_before: ay,
                    },
                )
            })
            .collect();
        if row
            .iter()
            .any(|(_, w)| w.hours > 0 || w.hours_year_before > 0 || !w.amount.is_zero())
        {
            out.insert(*trade, row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn months_read_write_and_count() {
        assert_eq!(m("2026-11").to_string(), "2026-11");
        assert_eq!(m("2026-11").plus(2), m("2027-01"));
        assert_eq!(m("2026-01").plus(-1), m("2025-12"));
        assert_eq!(m("2026-03").year_before(), m("2025-03"));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("26-01"), None);
        assert_eq!(Month::of(jiff::civil::date(2026, 4, 30)), m("2026-04"));
    }

    #[test]
    fn work_comes_forward_only_to_an_earlier_month_not_in_the_past() {
        let now = m("2026-04");
        assert_eq!(
            bring_forward(OrderState::Planned, m("2026-09"), m("2026-05"), now),
            Ok(())
        );
        assert_eq!(
            bring_forward(OrderState::Ordered, m("2026-09"), now, now),
            Ok(())
        );
        assert_eq!(
            bring_forward(OrderState::Planned, m("2026-09"), m("2026-09"), now),
            Err(SupplierProblem::NotEarlier)
        );
        assert_eq!(
            bring_forward(OrderState::Planned, m("2026-09"), m("2026-03"), now),
            Err(SupplierProblem::MonthPassed)
        );
        assert_eq!(
            bring_forward(OrderState::Done, m("2026-09"), m("2026-05"), now),
            Err(SupplierProblem::OrderNotMovable)
        );
    }

    #[test]
    fn the_report_sums_local_work_per_trade_beside_the_year_before() {
        let order = |trade, month: &str, hours, kr, local, state| OrderFacts {
            trade,
            month: m(month),
            hours,
            amount: Money::from_kronor(kr),
            local,
            state,
        };
        let orders = [
            order(
                Trade::Excavation,
                "2026-04",
                100,
                50_000,
                true,
                OrderState::Ordered,
            ),
            order(
                Trade::Excavation,
                "2026-04",
                20,
                10_000,
                true,
                OrderState::Planned,
            ),
            order(
                Trade::Excavation,
                "2025-04",
                40,
                18_000,
                true,
                OrderState::Done,
            ),
            // Not local, or cancelled: not counted.
            order(
                Trade::Excavation,
                "2026-04",
                500,
                1,
                false,
                OrderState::Ordered,
            ),
            order(
                Trade::Haulage,
                "2026-04",
                8,
                4_000,
                true,
                OrderState::Cancelled,
            ),
        ];
        let report = local_work_by_trade(&orders, &[m("2026-04"), m("2026-05")]);
        assert_eq!(report.len(), 1, "haulage had nothing left");
        let rows = &report[&Trade::Excavation];
        assert_eq!(
            rows[0].1,
            MonthWork {
                hours: 120,
                amount: Money::from_kronor(60_000),
                hours_year_before: 40,
                amount_year_before: Money::from_kronor(18_000),
            }
        );
        assert_eq!(rows[1].1, MonthWork::default());
    }
}

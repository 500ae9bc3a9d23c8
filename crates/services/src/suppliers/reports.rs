//! Finance's supplier reports: days to pay per supplier group and month against the target of
//! the suppliers policy in force, local spend per trade and month, and the 13-week liquidity
//! forecast with its what-if of shorter terms (the rules are `domain::suppliers::reports`').

use std::collections::{BTreeMap, HashMap};

use domain::ids::{CustomerId, SupplierId};
use domain::money::Money;
use domain::policy::{Capability, PolicyBody};
use domain::suppliers::reports::{
    self, CustomerDue, Paid, SupplierDue, SupplierGroup, Week, WhatIf,
};
use domain::suppliers::work::Month;
use domain::suppliers::{LAW_TERMS_DAYS, SizeClass, Trade};
use store::suppliers::reports as db;

use super::{Suppliers, roles};
use crate::Actor;
use crate::error::Result;

/// A month's cell: average days to pay and how many invoices (`None`: none were paid).
pub type DaysCell = Option<(f64, u32)>;

/// Days to pay per group in each month, with the target in force.
#[derive(Clone, Debug, PartialEq)]
pub struct DaysToPay {
    pub months: Vec<Month>,
    /// The suppliers policy's shortened terms when it has them, else the law's 30 days.
    pub target_days: u32,
    /// Per group, per month: average days and how many invoices (`None`: none paid).
    pub rows: Vec<(SupplierGroup, Vec<DaysCell>)>,
}

/// Local spend per trade in each month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSpend {
    pub months: Vec<Month>,
    pub rows: Vec<(Trade, Vec<Money>)>,
}

fn months_back(today: jiff::civil::Date, count: u32) -> Vec<Month> {
    let now = Month::of(today);
    let n = i32::try_from(count.clamp(1, 24)).unwrap_or(6);
    (0..n).map(|i| now.plus(i - n + 1)).collect()
}

impl Suppliers {
    async fn target_days(&self) -> Result<u32> {
        Ok(
            match self
                .s
                .policies()
                .at(Capability::Suppliers, self.s.now())
                .await?
            {
                PolicyBody::Suppliers(p) => p.shortened_terms_days.unwrap_or(LAW_TERMS_DAYS),
                _ => LAW_TERMS_DAYS,
            },
        )
    }

    /// Days from receipt to payment per supplier group over the last `months` months.
    pub async fn days_to_pay(&self, actor: &Actor, months: u32) -> Result<DaysToPay> {
        Self::require(actor, roles::READ)?;
        let months = months_back(self.s.today(), months);
        let since = months[0].first_day();
        let paid: Vec<Paid> = db::paid_since(self.s.store(), since)
            .await?
            .into_iter()
            .filter_map(|f| {
                Some(Paid {
                    group: SupplierGroup::of(f.local, f.size == SizeClass::Small),
                    received: f.received_on,
                    paid: f.paid_on?,
                })
            })
            .collect();
        let table = reports::days_to_pay(&paid);
        let rows = SupplierGroup::ALL
            .iter()
            .map(|g| {
                let cells = months
                    .iter()
                    .map(|m| table.get(&(*g, *m)).copied())
                    .collect();
                (*g, cells)
            })
            .collect();
        Ok(DaysToPay {
            months,
            target_days: self.target_days().await?,
            rows,
        })
    }

    /// What was invoiced by local suppliers per trade (the matched work order's, else the
    /// supplier's first) over the last `months` months, by month received.
    pub async fn local_spend(&self, actor: &Actor, months: u32) -> Result<LocalSpend> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let months = months_back(self.s.today(), months);
        let first_trade: HashMap<SupplierId, Trade> = store::suppliers::suppliers(store)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.id, *s.trades.first()?)))
            .collect();
        let mut sums: BTreeMap<(Trade, Month), Money> = BTreeMap::new();
        for f in db::received_since(store, months[0].first_day()).await? {
            let Some(trade) = f.trade.or_else(|| first_trade.get(&f.supplier_id).copied()) else {
                continue;
            };
            if f.local {
                *sums.entry((trade, Month::of(f.received_on))).or_default() += f.left;
            }
        }
        let rows = Trade::ALL
            .iter()
            .map(|t| {
                (
                    *t,
                    months
                        .iter()
                        .map(|m| sums.get(&(*t, *m)).copied().unwrap_or_default())
                        .collect::<Vec<Money>>(),
                )
            })
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_zero()))
            .collect();
        Ok(LocalSpend { months, rows })
    }

    /// The 13 weeks from this one: expected customer payments against supplier payments under
    /// the terms in force, and under `what_if` beside them.
    pub async fn liquidity_forecast(
        &self,
        actor: &Actor,
        what_if: Option<WhatIf>,
    ) -> Result<Vec<Week>> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let today = self.s.today();
        let mut late: HashMap<CustomerId, Vec<i32>> = HashMap::new();
        for p in db::customer_paid(store).await? {
            late.entry(p.customer_id)
                .or_default()
                .push((p.paid_on - p.due_on).get_days());
        }
        let habits: HashMap<CustomerId, u32> = late
            .into_iter()
            .map(|(c, days)| (c, reports::habit_days(&days)))
            .collect();
        let customers: Vec<CustomerDue> = db::customer_open(store)
            .await?
            .into_iter()
            .map(|c| CustomerDue {
                due: c.extended_to.unwrap_or(c.due_on),
                open: c.open,
                habit_days: habits.get(&c.customer_id).copied().unwrap_or(0),
            })
            .collect();
        let suppliers: Vec<SupplierDue> = db::open(store)
            .await?
            .into_iter()
            .map(|f| SupplierDue {
                received: f.received_on,
                due: f.due_date,
                left: f.left,
                local: f.local,
                small: f.size == SizeClass::Small,
            })
            .collect();
        Ok(reports::forecast(today, &customers, &suppliers, what_if))
    }
}

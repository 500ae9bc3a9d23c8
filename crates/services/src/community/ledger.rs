//! The community ledger: everything given in a period, per month and per category, with the
//! totals the annual sustainability report quotes; as a page, a printable page, CSV and the API.

use std::collections::BTreeMap;

use domain::community::LedgerCategory;
use domain::money::Money;
use jiff::civil::Date;
use store::community::LedgerRow;

use super::{Community, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// Money per category (every category present, zero when nothing was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerTotals {
    pub by_category: BTreeMap<LedgerCategory, Money>,
    pub total: Money,
}

impl LedgerTotals {
    fn new() -> LedgerTotals {
        LedgerTotals {
            by_category: LedgerCategory::ALL
                .iter()
                .map(|c| (*c, Money::ZERO))
                .collect(),
            total: Money::ZERO,
        }
    }

    fn add(&mut self, category: LedgerCategory, amount: Money) {
        let slot = self.by_category.entry(category).or_insert(Money::ZERO);
        *slot = slot.checked_add(amount).unwrap_or(*slot);
        self.total = self.total.checked_add(amount).unwrap_or(self.total);
    }
}

/// The ledger of a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    pub from: Date,
    pub to: Date,
    pub entries: Vec<LedgerRow>,
    pub totals: LedgerTotals,
    /// Per month (`YYYY-MM`), in order.
    pub months: Vec<(String, LedgerTotals)>,
}

/// The longest period one request reads.
const MAX_DAYS: i64 = 3 * 366;

impl Community {
    /// The ledger from `from` to `to`, both included (continuity managers, finance, admins).
    pub async fn ledger(&self, actor: &Actor, from: Date, to: Date) -> Result<Ledger> {
        Self::require(actor, roles::LEDGER)?;
        if to < from {
            return Err(ServiceError::invalid(
                "to",
                domain::problem::Problem::EndsBeforeStart,
            ));
        }
        if (to - from).get_days() as i64 > MAX_DAYS {
            return Err(ServiceError::invalid(
                "to",
                domain::problem::Problem::OutOfRange {
                    min: 1,
                    max: MAX_DAYS,
                },
            ));
        }
        let entries = store::community::entries(self.s.store(), from, to).await?;
        let mut totals = LedgerTotals::new();
        let mut months: Vec<(String, LedgerTotals)> = Vec::new();
        for e in &entries {
            totals.add(e.category, e.amount);
            let month = format!("{:04}-{:02}", e.given_on.year(), e.given_on.month());
            if months.last().is_none_or(|(m, _)| *m != month) {
                months.push((month, LedgerTotals::new()));
            }
            if let Some((_, t)) = months.last_mut() {
                t.add(e.category, e.amount);
            }
        }
        Ok(Ledger {
            from,
            to,
            entries,
            totals,
            months,
        })
    }

    /// The ledger as CSV (UTF-8, comma separated, one header row; amounts in öre).
    pub async fn ledger_csv(&self, actor: &Actor, from: Date, to: Date) -> Result<Vec<u8>> {
        let ledger = self.ledger(actor, from, to).await?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| ServiceError::Internal(format!("ledger csv: {e}"));
        w.write_record([
            "date",
            "category",
            "amount_ore",
            "recipient_kind",
            "recipient",
            "org_number",
            "description",
            "quantity",
            "decided_by",
            "decided_at",
            "reason",
        ])
        .map_err(fail)?;
        let tz = self.s.tz().clone();
        for e in &ledger.entries {
            w.write_record([
                e.given_on.to_string(),
                e.category.as_str().to_owned(),
                e.amount.ore().to_string(),
                e.recipient_kind.as_str().to_owned(),
                cell(&e.recipient),
                e.recipient_org_number.clone().unwrap_or_default(),
                cell(&e.description),
                e.quantity.map(|q| q.to_string()).unwrap_or_default(),
                cell(&e.decided_by),
                domain::time::format_datetime(e.decided_at, &tz),
                cell(&e.reason),
            ])
            .map_err(fail)?;
        }
        w.into_inner()
            .map_err(|e| ServiceError::Internal(format!("ledger csv: {e}")))
    }
}

/// A free-text field as a spreadsheet should read it: text, never a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

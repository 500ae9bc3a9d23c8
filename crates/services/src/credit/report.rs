//! The board report: extensions granted, amounts deferred, interest waived and arrangements
//! broken, per month and customer segment.

use std::collections::HashMap;

use domain::credit::InterestQuery;
use domain::customer::CustomerKind;
use domain::money::Money;

use super::Credit;
use crate::error::Result;

/// One row of the board report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BoardRow {
    /// `YYYY-MM` of the original due date.
    pub month: String,
    pub segment: CustomerKind,
    pub granted: i64,
    pub deferred: Money,
    /// The late-payment interest not charged inside granted extensions that waived it.
    pub interest_waived: Money,
    pub broken: i64,
}

impl Credit {
    /// Extensions granted, amounts deferred, interest waived and broken arrangements per month
    /// and customer segment (private, business).
    pub async fn board_report(&self) -> Result<Vec<BoardRow>> {
        let rates = self.reference_rates().await?;
        let mut waived: HashMap<(String, CustomerKind), i64> = HashMap::new();
        for a in store::credit::waived_arrangements(self.s.store()).await? {
            let Some(to) = a.new_due_on else { continue };
            let b = domain::credit::late_interest(&InterestQuery {
                amount_ore: a.amount.ore(),
                due: a.original_due_on,
                payments: &[],
                until: to,
                rates: &rates,
                waived: &[],
            });
            let month = a.original_due_on.strftime("%Y-%m").to_string();
            *waived.entry((month, a.kind)).or_default() += b.total_ore;
        }
        Ok(store::credit::board_report(self.s.store())
            .await?
            .into_iter()
            .map(|r| BoardRow {
                interest_waived: Money::from_ore(
                    waived.get(&(r.month.clone(), r.kind)).copied().unwrap_or(0),
                ),
                month: r.month,
                segment: r.kind,
                granted: r.granted,
                deferred: r.deferred,
                broken: r.broken,
            })
            .collect())
    }
}

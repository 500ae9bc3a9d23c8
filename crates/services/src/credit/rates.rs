//! The reference-rate table of räntelagen 9 §: seeded with the known rates, kept by finance.

use domain::credit::{CreditProblem, ReferenceRate};
use jiff::civil::Date;

use super::Credit;
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// The lowest and highest reference rate finance may set, in basis points (−10 % … 20 %).
pub const RATE_RANGE_BP: (i32, i32) = (-1000, 2000);

impl Credit {
    /// The reference-rate table; seeded with the known rates the first time it is read empty.
    pub async fn reference_rates(&self) -> Result<Vec<ReferenceRate>> {
        let rows = store::credit::reference_rates(self.s.store()).await?;
        if !rows.is_empty() {
            return Ok(rows);
        }
        let mut tx = self.s.store().begin().await?;
        for r in domain::credit::known_reference_rates() {
            store::credit::seed_reference_rate(&mut tx, &r, self.s.now_micros()).await?;
        }
        tx.commit().await?;
        Ok(store::credit::reference_rates(self.s.store()).await?)
    }

    /// Finance sets the reference rate of a half-year (1 January or 1 July).
    pub async fn set_reference_rate(
        &self,
        actor: &Actor,
        valid_from: Date,
        rate_bp: i32,
    ) -> Result<()> {
        if !(valid_from.day() == 1 && (valid_from.month() == 1 || valid_from.month() == 7)) {
            return Err(ServiceError::invalid(
                "valid_from",
                CreditProblem::RateStart,
            ));
        }
        let (min_bp, max_bp) = RATE_RANGE_BP;
        if !(min_bp..=max_bp).contains(&rate_bp) {
            return Err(ServiceError::invalid(
                "rate",
                CreditProblem::RateRange { min_bp, max_bp },
            ));
        }
        self.reference_rates().await?;
        let mut tx = self.s.store().begin().await?;
        store::credit::set_reference_rate(
            &mut tx,
            valid_from,
            rate_bp,
            &actor.name,
            self.s.now_micros(),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "reference_rate_set",
                object_kind: "reference_rate",
                object_id: &valid_from.to_string(),
                outcome: Outcome::Success,
                detail: &rate_bp.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

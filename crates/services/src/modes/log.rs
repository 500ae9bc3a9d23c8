//! The crisis log: every proposal, approval, activation, end and decision taken by hand, in one
//! chronological list for the after-action review.

use domain::ids::ModeId;
use domain::modes::LogKind;
use domain::problem::Problem;
use jiff::Timestamp;
use store::Tx;

use super::{Modes, roles};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// Which entries to show.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub kind: Option<LogKind>,
}

/// The longest summary or reason a measure may have.
pub const MAX_TEXT: usize = 2000;

impl Modes {
    /// Writes one log entry inside the caller's transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn log_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        kind: LogKind,
        activation: Option<i64>,
        mode: Option<ModeId>,
        summary: &str,
        reason: &str,
    ) -> Result<()> {
        store::modes::log(
            tx,
            &store::modes::NewLogEntry {
                at: self.s.now_micros(),
                kind,
                actor: &actor.name,
                user_id: actor.user_id.map(domain::ids::UserId::new),
                activation_id: activation,
                mode_id: mode,
                summary,
                reason,
            },
        )
        .await?;
        Ok(())
    }

    /// Records a decision taken by hand (meetings postponed, travel limited…): what, and why.
    pub async fn log_measure(&self, actor: &Actor, summary: &str, reason: &str) -> Result<i64> {
        Self::require(actor, roles::PROPOSE)?;
        let summary = summary.trim();
        let reason = reason.trim();
        if summary.is_empty() {
            return Err(ServiceError::invalid("summary", Problem::Required));
        }
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", Problem::ReasonRequired));
        }
        for (field, text) in [("summary", summary), ("reason", reason)] {
            if text.chars().count() > MAX_TEXT {
                return Err(ServiceError::invalid(
                    field,
                    Problem::TooLong { max: MAX_TEXT },
                ));
            }
        }
        let mut tx = self.s.store().begin().await?;
        let id = store::modes::log(
            &mut tx,
            &store::modes::NewLogEntry {
                at: self.s.now_micros(),
                kind: LogKind::Measure,
                actor: &actor.name,
                user_id: actor.user_id.map(domain::ids::UserId::new),
                activation_id: None,
                mode_id: None,
                summary,
                reason,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "crisis_measure",
                object_kind: "crisis_log",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The log, oldest first.
    pub async fn log(
        &self,
        actor: &Actor,
        filter: &LogFilter,
    ) -> Result<Vec<store::modes::LogRow>> {
        Self::require(actor, roles::READ)?;
        Ok(store::modes::log_entries(
            self.s.store(),
            filter.from.map(domain::time::to_micros),
            filter.to.map(domain::time::to_micros),
            filter.kind,
        )
        .await?)
    }
}

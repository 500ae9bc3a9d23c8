//! Continuity's settings: the numbers of the working-time rules (the law's by default, since
//! collective agreements differ) and how long absence records are kept.

use domain::continuity::worktime::WorkingTimeRules;
use domain::problem::Problem;
use serde::{Deserialize, Serialize};

use super::{Continuity, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// The settings row's key in `settings`.
const KEY: &str = "continuity.settings";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinuitySettings {
    pub rules: WorkingTimeRules,
    /// Days after an absence's last day before the record is deleted.
    pub absence_retention_days: u32,
}

impl Default for ContinuitySettings {
    fn default() -> ContinuitySettings {
        ContinuitySettings {
            rules: WorkingTimeRules::default(),
            absence_retention_days: 90,
        }
    }
}

impl Continuity {
    /// The settings in force (the defaults until someone saves them).
    pub async fn settings(&self) -> Result<ContinuitySettings> {
        match store::settings::get(self.s.store(), KEY).await? {
            None => Ok(ContinuitySettings::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| ServiceError::Internal(format!("continuity settings: {e}"))),
        }
    }

    /// Saves the settings (continuity managers and admins), checked and audited.
    pub async fn save_settings(&self, actor: &Actor, s: &ContinuitySettings) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        s.rules
            .validate()
            .map_err(|(field, problem)| ServiceError::invalid(field, problem))?;
        if !(1..=3650).contains(&s.absence_retention_days) {
            return Err(ServiceError::invalid(
                "absence_retention_days",
                Problem::OutOfRange { min: 1, max: 3650 },
            ));
        }
        let json = serde_json::to_string(s)
            .map_err(|e| ServiceError::Internal(format!("continuity settings: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        store::settings::set(&mut tx, KEY, &json).await?;
        self.audit(&mut tx, actor, "continuity_settings", "settings", 0, &json)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

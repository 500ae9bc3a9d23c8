//! Modes as the continuity manager edits them: from a preset, as a copy, policy by policy.

use std::collections::BTreeMap;

use domain::ids::ModeId;
use domain::modes::{LogKind, ModeProblem, PresetData};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::problem::{Invalid, Problem};

use super::{Modes, policy_map, roles};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// A mode with its policies.
#[derive(Clone, Debug)]
pub struct ModeView {
    pub row: store::modes::ModeRow,
    pub policies: BTreeMap<Capability, PolicyBody>,
}

/// How a new mode starts.
#[derive(Clone, Debug)]
pub enum NewMode {
    Preset(Preset),
    Copy(ModeId),
}

impl Modes {
    /// Every mode, oldest first.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<store::modes::ModeRow>> {
        Self::require(actor, roles::READ)?;
        Ok(store::modes::modes(self.s.store()).await?)
    }

    /// One mode with its policies.
    pub async fn mode(&self, actor: &Actor, id: ModeId) -> Result<ModeView> {
        Self::require(actor, roles::READ)?;
        let row = store::modes::mode(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let policies = policy_map(
            store::modes::policies_of(self.s.store(), id)
                .await?
                .into_iter()
                .map(|p| (p.capability, p.body)),
        )?;
        Ok(ModeView { row, policies })
    }

    /// Creates a mode from a preset (shipped data) or as a copy of another mode.
    pub async fn create(
        &self,
        actor: &Actor,
        name: &str,
        description: &str,
        from: NewMode,
    ) -> Result<ModeId> {
        Self::require(actor, roles::PROPOSE)?;
        let name = domain::modes::check_name(name).map_err(|p| ServiceError::invalid("name", p))?;
        let policies: Vec<PolicyBody> = match &from {
            NewMode::Preset(p) => PresetData::of(*p).policies,
            NewMode::Copy(id) => self
                .mode(actor, *id)
                .await?
                .policies
                .into_values()
                .collect(),
        };
        let mut tx = self.s.store().begin().await?;
        let id = store::modes::insert_mode(
            &mut tx,
            name,
            description.trim(),
            &actor.name,
            self.s.now_micros(),
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("name") {
                ServiceError::invalid("name", ModeProblem::NameTaken)
            } else {
                e.into()
            }
        })?;
        for body in &policies {
            store::modes::set_policy(&mut tx, id, body.capability(), &body.to_json()).await?;
        }
        self.log_in(
            &mut tx,
            actor,
            LogKind::ModeCreated,
            None,
            Some(id),
            name,
            description.trim(),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "mode_created",
                object_kind: "mode",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: name,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a mode edited from `expected_version`: name, description and every policy, each
    /// checked; a refused value names its field as `<capability>.<field>`. An editor who worked
    /// on an older version is refused (someone else saved meanwhile). Returns the new version.
    pub async fn save(
        &self,
        actor: &Actor,
        id: ModeId,
        expected_version: i64,
        name: &str,
        description: &str,
        policies: &BTreeMap<Capability, PolicyBody>,
    ) -> Result<i64> {
        Self::require(actor, roles::PROPOSE)?;
        let name = domain::modes::check_name(name).map_err(|p| ServiceError::invalid("name", p))?;
        if let Some(c) = domain::modes::missing_capability(policies) {
            return Err(ServiceError::invalid(
                c.as_str(),
                ModeProblem::MissingPolicy { capability: c },
            ));
        }
        if let Err((c, e)) = domain::modes::check_policies(policies) {
            return Err(ServiceError::Invalid(Invalid {
                field: domain::modes::policy_field_path(c, &e),
                problem: Problem::Policy(e),
            }));
        }
        let mut tx = self.s.store().begin().await?;
        let n = store::modes::bump(
            &mut tx,
            id,
            expected_version,
            name,
            description.trim(),
            &actor.name,
            self.s.now_micros(),
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("name") {
                ServiceError::invalid("name", ModeProblem::NameTaken)
            } else {
                e.into()
            }
        })?;
        if n == 0 {
            let current = store::modes::mode_in(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            return Err(ServiceError::conflict(ModeProblem::StaleVersion {
                previewed: expected_version,
                current: current.version,
            }));
        }
        for (c, body) in policies {
            store::modes::set_policy(&mut tx, id, *c, &body.to_json()).await?;
        }
        self.log_in(
            &mut tx,
            actor,
            LogKind::ModeEdited,
            None,
            Some(id),
            name,
            "",
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "mode_edited",
                object_kind: "mode",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("version {}", expected_version + 1),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(expected_version + 1)
    }
}

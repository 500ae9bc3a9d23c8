//! Reading and setting policies; `policy_at` is the one way every module asks what is in force.

use domain::policy::{Capability, PolicyBody, PolicyError, Preset};
use domain::role::Role;
use jiff::Timestamp;
use store::policies::{ModePolicyRow, ModeRow, PolicyRow};

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// What recording a policy did.
#[derive(Debug, Clone)]
pub struct PolicyChange {
    pub id: i64,
    /// The campaign's jobs classified again under a campaign policy now in force (no campaign
    /// open: none).
    pub campaign: Option<crate::campaign::ClassifyReport>,
}

/// A stored policy with its parsed body.
#[derive(Debug, Clone)]
pub struct PolicyEntry {
    pub row: PolicyRow,
    pub body: Result<PolicyBody, PolicyError>,
}

impl Services {
    /// The policy in force for `capability` at `at`; the normal preset when no row is in force.
    pub async fn policy_at(&self, capability: Capability, at: Timestamp) -> Result<PolicyBody> {
        let row = store::policies::at(
            self.store(),
            capability.as_str(),
            domain::time::to_micros(at),
        )
        .await?;
        match row {
            None => Ok(PolicyBody::preset(capability, Preset::Normal)),
            Some(r) => PolicyBody::from_json(&r.body).map_err(|e| {
                ServiceError::Internal(format!(
                    "policy {} for {capability} is unreadable: {e}",
                    r.id
                ))
            }),
        }
    }

    /// Records a new effective-dated policy (continuity manager or admin); see
    /// [`Services::change_policy`] for what follows from it.
    pub async fn set_policy(
        &self,
        actor: &Actor,
        body: &PolicyBody,
        from: Timestamp,
        to: Option<Timestamp>,
        reason: &str,
    ) -> Result<i64> {
        Ok(self.change_policy(actor, body, from, to, reason).await?.id)
    }

    /// Records a new effective-dated policy (continuity manager or admin). A campaign policy
    /// re-classifies the campaign's jobs at once when it is already in force (so a household
    /// that asked for no home visits is taken out of the plan before anyone reads it) and
    /// queues a re-plan for the moment it starts and the moment it ends.
    pub async fn change_policy(
        &self,
        actor: &Actor,
        body: &PolicyBody,
        from: Timestamp,
        to: Option<Timestamp>,
        reason: &str,
    ) -> Result<PolicyChange> {
        if !matches!(
            actor.role,
            Some(Role::ContinuityManager | Role::Admin) | None
        ) {
            return Err(ServiceError::Forbidden);
        }
        body.validate()
            .map_err(|e| ServiceError::invalid("policy", e.to_string()))?;
        if to.is_some_and(|t| t <= from) {
            return Err(ServiceError::invalid(
                "effective_to",
                PolicyError::EndsBeforeStart.to_string(),
            ));
        }
        if reason.trim().is_empty() {
            return Err(ServiceError::invalid(
                "reason",
                "say why the policy changes",
            ));
        }
        let mut tx = self.store().begin().await?;
        let id = store::policies::insert(
            &mut tx,
            &store::policies::NewPolicy {
                capability: body.capability().as_str(),
                mode_id: None,
                effective_from: domain::time::to_micros(from),
                effective_to: to.map(domain::time::to_micros),
                body: &body.to_json(),
                set_by: &actor.name,
                reason: reason.trim(),
                now: self.now_micros(),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "policy_set",
                object_kind: "policy",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: body.capability().as_str(),
            },
        )
        .await?;
        let now = self.now_micros();
        if body.capability() == Capability::Campaign {
            let ends = to.map(domain::time::to_micros);
            for (at, what) in [(Some(domain::time::to_micros(from)), "from"), (ends, "to")] {
                if let Some(at) = at {
                    crate::campaign::queue_replan(
                        &mut tx,
                        at.max(now),
                        &format!("policy:{id}:{what}"),
                        now,
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        let mut change = PolicyChange { id, campaign: None };
        if body.capability() == Capability::Campaign && from <= self.now() {
            let by = Actor {
                name: format!("policy {id} ({})", actor.name),
                ..Actor::system()
            };
            match self
                .campaign()
                .classify_for_policy(&by, &format!("policy:{id}"))
                .await
            {
                Ok(r) => change.campaign = Some(r),
                Err(ServiceError::NotFound) => {}
                // The policy stands; the queued re-plan classifies again.
                Err(e) => {
                    tracing::error!(error = %e, "classifying the campaign after a policy change failed")
                }
            }
        }
        if body.capability() == Capability::Visits {
            // A lowered cap flags the visits above it and offers their customers new times. The
            // policy stands either way; the visits sweep repeats this if it fails here.
            if let Err(e) = self.reconcile_visit_caps().await {
                tracing::error!(error = %e, "flagging visits after a cap change failed");
            }
        }
        Ok(change)
    }

    pub async fn policies(&self) -> Result<Vec<PolicyEntry>> {
        Ok(store::policies::list(self.store())
            .await?
            .into_iter()
            .map(|row| PolicyEntry {
                body: PolicyBody::from_json(&row.body),
                row,
            })
            .collect())
    }

    /// Creates a mode that bundles one policy per capability from a preset.
    pub async fn create_mode(
        &self,
        actor: &Actor,
        name: &str,
        description: &str,
        preset: Preset,
    ) -> Result<i64> {
        let mut tx = self.store().begin().await?;
        let id = store::policies::insert_mode(
            &mut tx,
            name,
            description,
            &actor.name,
            self.now_micros(),
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("name") {
                ServiceError::conflict(format!("mode {name} exists"))
            } else {
                e.into()
            }
        })?;
        for &c in Capability::ALL {
            store::policies::set_mode_policy(
                &mut tx,
                id,
                c.as_str(),
                &PolicyBody::preset(c, preset).to_json(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn modes(&self) -> Result<(Vec<ModeRow>, Vec<ModePolicyRow>)> {
        Ok((
            store::policies::list_modes(self.store()).await?,
            store::policies::mode_policies(self.store()).await?,
        ))
    }
}

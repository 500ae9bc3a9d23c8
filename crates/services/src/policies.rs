//! Policies and modes (`services.policies()`): `at` is the one way every module asks what is in
//! force; `change` records a new effective-dated policy and sets off what follows from it.

use domain::ids::{ModeId, PolicyId};
use domain::policy::{Capability, Policy, PolicyBody, PolicyError, Preset};
use domain::problem::Problem;
use jiff::Timestamp;
use store::policies::{ModePolicyRow, ModeRow, PolicyRow};

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Who may read and change policies, declared once: the route table and [`Policies::change`]
/// read the same list.
pub mod roles {
    use domain::role::Role;

    /// Read the policies and modes, and change a policy.
    pub const MANAGERS: &[Role] = &[Role::ContinuityManager, Role::Admin];
}

/// The policies handle: `services.policies()`.
#[derive(Clone)]
pub struct Policies {
    s: Services,
}

impl Policies {
    pub(crate) fn new(s: Services) -> Policies {
        Policies { s }
    }
}

/// What recording a policy did.
#[derive(Debug, Clone)]
pub struct PolicyChange {
    pub id: PolicyId,
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

/// A mode with the policy it holds for each capability.
#[derive(Debug, Clone)]
pub struct Mode {
    pub row: ModeRow,
    pub policies: Vec<(Capability, Result<PolicyBody, PolicyError>)>,
}

fn micros(t: Timestamp) -> i64 {
    domain::time::to_micros(t)
}

impl Policies {
    /// The policy in force for `capability` at `at`; the normal preset when no row is in force.
    pub async fn at(&self, capability: Capability, at: Timestamp) -> Result<PolicyBody> {
        let row = store::policies::at(self.s.store(), capability, micros(at)).await?;
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

    /// Every readable policy recorded for `capability`, as the domain's rule
    /// (`domain::policy::select_in_force`) reads them.
    pub async fn of(&self, capability: Capability) -> Result<Vec<Policy>> {
        Ok(store::policies::list(self.s.store())
            .await?
            .into_iter()
            .filter(|r| r.capability == capability)
            .filter_map(|r| {
                Some(Policy {
                    body: PolicyBody::from_json(&r.body).ok()?,
                    effective_from: domain::time::from_micros(r.effective_from),
                    effective_to: r.effective_to.map(domain::time::from_micros),
                    set_by: r.set_by,
                    reason: r.reason,
                })
            })
            .collect())
    }

    /// Records a new effective-dated policy (continuity manager or admin); see
    /// [`Policies::change`] for what follows from it.
    pub async fn set(
        &self,
        actor: &Actor,
        body: &PolicyBody,
        from: Timestamp,
        to: Option<Timestamp>,
        reason: &str,
    ) -> Result<PolicyId> {
        Ok(self.change(actor, body, from, to, reason).await?.id)
    }

    /// Records a new effective-dated policy (continuity manager or admin). A campaign policy
    /// re-classifies the campaign's jobs at once when it is already in force (so a household
    /// that asked for no home visits is taken out of the plan before anyone reads it) and
    /// queues a re-plan for the moment it starts and the moment it ends.
    pub async fn change(
        &self,
        actor: &Actor,
        body: &PolicyBody,
        from: Timestamp,
        to: Option<Timestamp>,
        reason: &str,
    ) -> Result<PolicyChange> {
        if actor.role.is_some_and(|r| !roles::MANAGERS.contains(&r)) {
            return Err(ServiceError::Forbidden);
        }
        check(body, from, to, reason)?;
        let s = &self.s;
        let mut tx = s.store().begin().await?;
        let id = store::policies::insert(
            &mut tx,
            &store::policies::NewPolicy {
                capability: body.capability(),
                mode_id: None,
                effective_from: micros(from),
                effective_to: to.map(micros),
                body: &body.to_json(),
                set_by: &actor.name,
                reason: reason.trim(),
                now: s.now_micros(),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            s,
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
        let now = s.now_micros();
        if body.capability() == Capability::Campaign {
            let ends = to.map(micros);
            for (at, what) in [(Some(micros(from)), "from"), (ends, "to")] {
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
        if body.capability() == Capability::Campaign && from <= s.now() {
            let by = Actor {
                name: format!("policy {id} ({})", actor.name),
                ..Actor::system()
            };
            match s.classify_campaign(&by).await {
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
            if let Err(e) = s.reconcile_visit_caps().await {
                tracing::error!(error = %e, "flagging visits after a cap change failed");
            }
        }
        Ok(change)
    }

    /// Every policy recorded, each capability's newest first.
    pub async fn list(&self) -> Result<Vec<PolicyEntry>> {
        Ok(store::policies::list(self.s.store())
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
    ) -> Result<ModeId> {
        let mut tx = self.s.store().begin().await?;
        let id = store::policies::insert_mode(
            &mut tx,
            name,
            description,
            &actor.name,
            self.s.now_micros(),
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("name") {
                ServiceError::conflict(PolicyError::ModeExists {
                    name: name.to_owned(),
                })
            } else {
                e.into()
            }
        })?;
        for &c in Capability::ALL {
            store::policies::set_mode_policy(
                &mut tx,
                id,
                c,
                &PolicyBody::preset(c, preset).to_json(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Every mode with its policies.
    pub async fn modes(&self) -> Result<Vec<Mode>> {
        let modes = store::policies::list_modes(self.s.store()).await?;
        let policies: Vec<ModePolicyRow> = store::policies::mode_policies(self.s.store()).await?;
        Ok(modes
            .into_iter()
            .map(|row| Mode {
                policies: policies
                    .iter()
                    .filter(|p| p.mode_id == row.id)
                    .map(|p| (p.capability, PolicyBody::from_json(&p.body)))
                    .collect(),
                row,
            })
            .collect())
    }
}

/// The checks a new policy passes before anything is written; the refusal names the field.
fn check(body: &PolicyBody, from: Timestamp, to: Option<Timestamp>, reason: &str) -> Result<()> {
    body.validate()
        .map_err(|e| ServiceError::invalid(e.field(), e))?;
    if to.is_some_and(|t| t <= from) {
        return Err(ServiceError::invalid(
            "effective_to",
            PolicyError::EndsBeforeStart,
        ));
    }
    if reason.trim().is_empty() {
        return Err(ServiceError::invalid("reason", Problem::ReasonRequired));
    }
    Ok(())
}

//! Policies and modes (`services.policies()`): `at` is the one way every module asks what is in
//! force; `change` records a new effective-dated policy and sets off what follows from it.

use domain::ids::PolicyId;
use domain::policy::{Capability, Policy, PolicyBody, PolicyError, Preset};
use domain::problem::Problem;
use jiff::Timestamp;
use store::modes::ModeRow;
use store::policies::PolicyRow;

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
    /// What the capability's hook did at once (the campaign classified again, visits above a
    /// lowered cap flagged…); `None` when the hook failed (the policy stands and the work it
    /// queued for its start repeats it) or the capability has no hook.
    pub impact: Option<crate::capability::Impact>,
    /// Customers told of what changed for them (one message each).
    pub told: usize,
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

    /// Records a new effective-dated policy (continuity manager or admin) and lets the
    /// capability's policy hook make what follows from it, under the key `policy:<id>`: the
    /// campaign classifies at once when the policy is already in force (so a household that asked
    /// for no home visits is out of the plan before anyone reads it) and queues a re-plan for the
    /// policy's start and end; the customer centre flags visits above a lowered cap. Every
    /// customer something changed for is then told, once.
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
        let before = self.at(body.capability(), from).await?;
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
        tx.commit().await?;
        let key = format!("policy:{id}");
        let change = crate::capability::PolicyChange {
            before,
            after: body.clone(),
            at: from,
            until: to,
        };
        let impact = match s.hook(body.capability()) {
            None => None,
            Some(hook) => match hook.apply(&change, &key).await {
                Ok(impact) => Some(impact),
                Err(e) => {
                    tracing::error!(error = %e, policy = %id, "applying a policy change failed");
                    None
                }
            },
        };
        let told = match s.tell_customers(&key).await {
            Ok(n) => n,
            Err(e) => {
                // The changes stay recorded; the next call for the key tells them.
                tracing::error!(error = %e, policy = %id, "telling customers of a policy failed");
                0
            }
        };
        Ok(PolicyChange { id, impact, told })
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

    /// Every mode with its policies.
    pub async fn modes(&self) -> Result<Vec<Mode>> {
        let modes = store::modes::modes(self.s.store()).await?;
        let policies = store::modes::all_policies(self.s.store()).await?;
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

//! Proposing, approving and running an activation of a mode, and ending it.

use std::collections::BTreeMap;

use domain::ids::ModeId;
use domain::modes::{ActivationStatus, LogKind, ModeProblem, StepPhase};
use domain::policy::{Capability, PolicyBody};
use domain::problem::Problem;
use jiff::Timestamp;
use store::Tx;

use super::{Modes, roles};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::capability::PolicyChange;
use crate::error::{Result, ServiceError};

/// The job kinds an activation queues; the worker runs each with one call.
pub const START_JOB: &str = "activation_start";
pub const END_JOB: &str = "activation_end";
pub const REMIND_JOB: &str = "activation_remind";

/// How long before a planned end the continuity managers are reminded.
pub const REMIND_BEFORE: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// A step done: which capability moved, in which phase, and what it reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    pub phase: StepPhase,
    pub capability: Capability,
    /// Planned (the preview) while the step runs; as reported once done.
    pub effects: BTreeMap<String, i64>,
    pub started_at: i64,
    /// `None` while the step runs.
    pub done_at: Option<i64>,
}

/// An activation with its mode's name, its approved policies and the steps done so far.
#[derive(Clone, Debug)]
pub struct ActivationView {
    pub row: store::modes::ActivationRow,
    pub mode_name: String,
    /// Display names of the people named on the activation (proposer, deciders).
    pub people: BTreeMap<domain::ids::UserId, String>,
    pub policies: BTreeMap<Capability, PolicyBody>,
    pub steps: Vec<StepView>,
}

impl Modes {
    /// Proposes switching into `mode` (at the version the proposer previewed) from `from`
    /// until `to`, with a reason; a different person must approve it.
    pub async fn propose(
        &self,
        actor: &Actor,
        mode: ModeId,
        previewed_version: Option<i64>,
        from: Timestamp,
        to: Option<Timestamp>,
        reason: &str,
    ) -> Result<i64> {
        Self::require(actor, roles::PROPOSE)?;
        let user = Self::user_of(actor)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", Problem::ReasonRequired));
        }
        let now = self.s.now();
        if from < now - jiff::SignedDuration::from_mins(1) {
            return Err(ServiceError::invalid("from", ModeProblem::StartsInThePast));
        }
        if to.is_some_and(|t| t <= from) {
            return Err(ServiceError::invalid("to", Problem::EndsBeforeStart));
        }
        let view = self.mode(actor, mode).await?;
        if let Some(v) = previewed_version
            && v != view.row.version
        {
            return Err(ServiceError::conflict(ModeProblem::StaleVersion {
                previewed: v,
                current: view.row.version,
            }));
        }
        let snapshot: Vec<&PolicyBody> = view.policies.values().collect();
        let policies = serde_json::to_string(&snapshot)
            .map_err(|e| ServiceError::Internal(format!("mode policies: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        let id = store::modes::insert_activation(
            &mut tx,
            &store::modes::NewActivation {
                mode_id: mode,
                mode_version: view.row.version,
                policies: &policies,
                starts_at: domain::time::to_micros(from),
                ends_at: to.map(domain::time::to_micros),
                reason,
                proposed_by: user,
                now: self.s.now_micros(),
            },
        )
        .await?;
        self.log_in(
            &mut tx,
            actor,
            LogKind::Proposed,
            Some(id),
            Some(mode),
            &view.row.name,
            reason,
        )
        .await?;
        self.audit(&mut tx, actor, "activation_proposed", id, &view.row.name)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A second person approves: the activation's policy rows are written for its interval
    /// and its start is queued. The proposer cannot approve, nor can anyone approve an
    /// activation that overlaps another approved one.
    pub async fn approve(&self, actor: &Actor, id: i64) -> Result<ActivationStatus> {
        Self::require(actor, roles::APPROVE)?;
        let user = Self::user_of(actor)?;
        let mut tx = self.s.store().begin().await?;
        let a = store::modes::activation_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if a.status != ActivationStatus::AwaitingApproval {
            return Err(ServiceError::conflict(ModeProblem::WrongState {
                status: a.status,
            }));
        }
        if let Err(p) = domain::modes::may_approve(a.proposed_by.get(), user.get()) {
            drop(tx);
            self.denied(actor, "activation_approve", id).await?;
            return Err(ServiceError::conflict(p));
        }
        let interval = |r: &store::modes::ActivationRow| {
            (
                domain::time::from_micros(r.starts_at),
                r.ends_at.map(domain::time::from_micros),
            )
        };
        for other in store::modes::holding_in(&mut tx).await? {
            if other.id != id && domain::modes::overlaps(interval(&a), interval(&other)) {
                return Err(ServiceError::conflict(ModeProblem::Overlaps {
                    activation: other.id,
                }));
            }
        }
        let now = self.s.now();
        let status = domain::modes::approved_status(domain::time::from_micros(a.starts_at), now);
        for body in approved_policies(&a)?.values() {
            store::modes::insert_policy(
                &mut tx,
                &store::modes::ActivationPolicy {
                    activation: id,
                    mode_id: a.mode_id,
                    capability: body.capability(),
                    from: a.starts_at,
                    to: a.ends_at,
                    body: &body.to_json(),
                    set_by: &actor.name,
                    reason: &a.reason,
                    now: self.s.now_micros(),
                },
            )
            .await?;
        }
        store::modes::decide(&mut tx, id, status, user, self.s.now_micros()).await?;
        self.queue(
            &mut tx,
            START_JOB,
            id,
            a.starts_at,
            &format!("activation:{id}:start"),
        )
        .await?;
        self.log_in(
            &mut tx,
            actor,
            LogKind::Approved,
            Some(id),
            Some(a.mode_id),
            "",
            "",
        )
        .await?;
        self.audit(&mut tx, actor, "activation_approved", id, status.as_str())
            .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// The second person says no (or the proposer withdraws): nothing happens.
    pub async fn reject(&self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        Self::require(actor, roles::APPROVE)?;
        let user = Self::user_of(actor)?;
        let mut tx = self.s.store().begin().await?;
        let a = store::modes::activation_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (to, kind) = if a.proposed_by == user {
            (ActivationStatus::Withdrawn, LogKind::Withdrawn)
        } else {
            (ActivationStatus::Rejected, LogKind::Rejected)
        };
        if store::modes::decide(&mut tx, id, to, user, self.s.now_micros()).await? == 0 {
            return Err(ServiceError::conflict(ModeProblem::WrongState {
                status: a.status,
            }));
        }
        self.log_in(
            &mut tx,
            actor,
            kind,
            Some(id),
            Some(a.mode_id),
            "",
            reason.trim(),
        )
        .await?;
        self.audit(&mut tx, actor, "activation_rejected", id, to.as_str())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs the start of an approved activation whose start has come: one step per
    /// capability, each recorded when done, then one message per affected customer, then
    /// `active`. Safe to run again at any point (a resumed run skips what is done). Returns
    /// the status afterwards.
    pub async fn run_start(&self, id: i64) -> Result<ActivationStatus> {
        let a = self.row(id).await?;
        let now = self.s.now_micros();
        match a.status {
            ActivationStatus::Scheduled if now < a.starts_at => return Ok(a.status),
            ActivationStatus::Scheduled => {
                let mut tx = self.s.store().begin().await?;
                store::modes::set_status(
                    &mut tx,
                    id,
                    ActivationStatus::Scheduled,
                    ActivationStatus::Activating,
                )
                .await?;
                tx.commit().await?;
            }
            ActivationStatus::Activating => {}
            other => return Ok(other),
        }
        let key = format!("activation:{id}");
        let policies = approved_policies(&a)?;
        let at = domain::time::from_micros(a.starts_at);
        let until = a.ends_at.map(domain::time::from_micros);
        self.run_steps(id, StepPhase::Start, &key, |c| {
            let after = policies.get(&c).cloned();
            async move {
                let Some(after) = after else {
                    return Ok(None);
                };
                let before = self.in_force(c, at, Some(id)).await?;
                Ok(Some(PolicyChange {
                    before,
                    after,
                    at,
                    until,
                }))
            }
        })
        .await?;
        self.s.tell_customers(&key).await?;
        let mut tx = self.s.store().begin().await?;
        if store::modes::mark_activated(&mut tx, id, self.s.now_micros()).await? == 1 {
            let system = Actor::system();
            self.log_in(
                &mut tx,
                &system,
                LogKind::Activated,
                Some(id),
                Some(a.mode_id),
                "",
                "",
            )
            .await?;
            if let Some(end) = a.ends_at {
                self.queue_end(&mut tx, id, end).await?;
            }
        }
        tx.commit().await?;
        Ok(self.row(id).await?.status)
    }

    /// Runs the end of an activation whose end has come: every capability moved back to the
    /// policy in force after it, customers told once, then `ended`. Safe to run again.
    pub async fn run_end(&self, id: i64) -> Result<ActivationStatus> {
        let a = self.row(id).await?;
        let now = self.s.now_micros();
        let Some(end) = a.ends_at else {
            return Ok(a.status);
        };
        match a.status {
            ActivationStatus::Active if now < end => return Ok(a.status),
            ActivationStatus::Active => {
                let mut tx = self.s.store().begin().await?;
                store::modes::set_status(
                    &mut tx,
                    id,
                    ActivationStatus::Active,
                    ActivationStatus::Ending,
                )
                .await?;
                tx.commit().await?;
            }
            ActivationStatus::Ending => {}
            // Not started yet: its start comes first (the job is retried).
            ActivationStatus::Scheduled | ActivationStatus::Activating => {
                return Err(ServiceError::conflict(ModeProblem::WrongState {
                    status: a.status,
                }));
            }
            other => return Ok(other),
        }
        let key = format!("activation:{id}:end");
        let policies = approved_policies(&a)?;
        let at = domain::time::from_micros(end);
        self.run_steps(id, StepPhase::End, &key, |c| {
            let before = policies.get(&c).cloned();
            async move {
                let Some(before) = before else {
                    return Ok(None);
                };
                let after = self.in_force(c, at, Some(id)).await?;
                Ok(Some(PolicyChange {
                    before,
                    after,
                    at,
                    until: None,
                }))
            }
        })
        .await?;
        self.s.tell_customers(&key).await?;
        let mut tx = self.s.store().begin().await?;
        if store::modes::mark_ended(&mut tx, id, self.s.now_micros()).await? == 1 {
            let system = Actor::system();
            self.log_in(
                &mut tx,
                &system,
                LogKind::Ended,
                Some(id),
                Some(a.mode_id),
                "",
                "",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(self.row(id).await?.status)
    }

    /// One phase's steps: every hook whose step is not done applies its change under `key`.
    /// A step is recorded as begun, with its preview as the plan, before the hook applies it,
    /// and done, with the effects the hook reported, after. A step found begun but not done
    /// (the worker died in it) is applied again, which changes nothing already changed, and
    /// keeps its plan: the hook would now report only what was left to do.
    async fn run_steps<F, Fut>(
        &self,
        id: i64,
        phase: StepPhase,
        key: &str,
        change_of: F,
    ) -> Result<()>
    where
        F: Fn(Capability) -> Fut,
        Fut: Future<Output = Result<Option<PolicyChange>>>,
    {
        let steps: BTreeMap<Capability, store::modes::StepRow> =
            store::modes::steps(self.s.store(), id)
                .await?
                .into_iter()
                .filter(|s| s.phase == phase)
                .map(|s| (s.capability, s))
                .collect();
        for hook in self.s.hooks() {
            let c = hook.capability();
            let begun = steps.get(&c);
            if begun.is_some_and(|s| s.done_at.is_some()) {
                continue;
            }
            let Some(change) = change_of(c).await? else {
                continue;
            };
            let resumed = match begun {
                Some(step) => Some(step.effects.clone()),
                None => {
                    let planned = effects_json(&hook.preview(&change).await?)?;
                    let mut tx = self.s.store().begin().await?;
                    store::modes::begin_step(&mut tx, id, phase, c, &planned, self.s.now_micros())
                        .await?;
                    tx.commit().await?;
                    None
                }
            };
            let impact = hook.apply(&change, key).await?;
            let effects = match resumed {
                Some(planned) => planned,
                None => effects_json(&impact)?,
            };
            let mut tx = self.s.store().begin().await?;
            store::modes::finish_step(&mut tx, id, phase, c, &effects, self.s.now_micros()).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Asks to end an activation at `at` (now or later) by hand; a second person approves.
    pub async fn propose_end(
        &self,
        actor: &Actor,
        id: i64,
        at: Timestamp,
        reason: &str,
    ) -> Result<()> {
        Self::require(actor, roles::PROPOSE)?;
        let user = Self::user_of(actor)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", Problem::ReasonRequired));
        }
        let mut tx = self.s.store().begin().await?;
        let a = store::modes::activation_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let at_us = domain::time::to_micros(at).max(self.s.now_micros());
        if at_us <= a.starts_at || a.ends_at.is_some_and(|e| at_us >= e) {
            return Err(ServiceError::invalid("at", ModeProblem::NotEndable));
        }
        if store::modes::propose_end(&mut tx, id, user, at_us, reason, self.s.now_micros()).await?
            == 0
        {
            return Err(ServiceError::conflict(ModeProblem::NotEndable));
        }
        self.log_in(
            &mut tx,
            actor,
            LogKind::EndProposed,
            Some(id),
            Some(a.mode_id),
            "",
            reason,
        )
        .await?;
        self.audit(&mut tx, actor, "activation_end_proposed", id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A second person approves the end asked for by hand: the policies end at the requested
    /// instant and the end is queued for it.
    pub async fn approve_end(&self, actor: &Actor, id: i64) -> Result<()> {
        Self::require(actor, roles::APPROVE)?;
        let user = Self::user_of(actor)?;
        let mut tx = self.s.store().begin().await?;
        let a = store::modes::activation_in(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (Some(proposer), Some(at)) = (a.end_proposed_by, a.end_requested_at) else {
            return Err(ServiceError::conflict(ModeProblem::NotEndable));
        };
        if let Err(p) = domain::modes::may_approve(proposer.get(), user.get()) {
            drop(tx);
            self.denied(actor, "activation_end_approve", id).await?;
            return Err(ServiceError::conflict(p));
        }
        if store::modes::approve_end(&mut tx, id, user, self.s.now_micros()).await? == 0 {
            return Err(ServiceError::conflict(ModeProblem::NotEndable));
        }
        store::modes::end_policies(&mut tx, id, at).await?;
        if a.status == ActivationStatus::Active {
            self.queue_end(&mut tx, id, at).await?;
        }
        self.log_in(
            &mut tx,
            actor,
            LogKind::EndApproved,
            Some(id),
            Some(a.mode_id),
            "",
            a.end_reason.as_deref().unwrap_or(""),
        )
        .await?;
        self.audit(&mut tx, actor, "activation_end_approved", id, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An activation with its steps.
    pub async fn activation(&self, actor: &Actor, id: i64) -> Result<ActivationView> {
        Self::require(actor, roles::READ)?;
        let row = self.row(id).await?;
        let mode_name = store::modes::mode(self.s.store(), row.mode_id)
            .await?
            .map(|m| m.name)
            .unwrap_or_default();
        let policies = approved_policies(&row)?;
        let steps = store::modes::steps(self.s.store(), id)
            .await?
            .into_iter()
            .map(|s| StepView {
                phase: s.phase,
                capability: s.capability,
                effects: serde_json::from_str(&s.effects).unwrap_or_default(),
                started_at: s.started_at,
                done_at: s.done_at,
            })
            .collect();
        let ids: Vec<domain::ids::UserId> = [
            Some(row.proposed_by),
            row.decided_by,
            row.end_proposed_by,
            row.end_approved_by,
        ]
        .into_iter()
        .flatten()
        .collect();
        let people = store::modes::user_names(self.s.store(), &ids)
            .await?
            .into_iter()
            .collect();
        Ok(ActivationView {
            row,
            mode_name,
            people,
            policies,
            steps,
        })
    }

    /// Every activation, newest first.
    pub async fn activations(&self, actor: &Actor) -> Result<Vec<store::modes::ActivationRow>> {
        Self::require(actor, roles::READ)?;
        Ok(store::modes::activations(self.s.store()).await?)
    }

    pub(crate) async fn row(&self, id: i64) -> Result<store::modes::ActivationRow> {
        store::modes::activation(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn queue_end(&self, tx: &mut Tx, id: i64, end: i64) -> Result<()> {
        self.queue(tx, END_JOB, id, end, &format!("activation:{id}:end:{end}"))
            .await?;
        let remind = end - REMIND_BEFORE.as_micros() as i64;
        if remind > self.s.now_micros() {
            self.queue(
                tx,
                REMIND_JOB,
                id,
                remind,
                &format!("activation:{id}:remind:{end}"),
            )
            .await?;
        }
        Ok(())
    }

    async fn queue(&self, tx: &mut Tx, kind: &str, id: i64, at: i64, key: &str) -> Result<()> {
        let now = self.s.now_micros();
        store::jobs::enqueue(
            tx,
            kind,
            &serde_json::json!({ "activation": id }).to_string(),
            at.max(now),
            10,
            Some(key),
            now,
        )
        .await?;
        Ok(())
    }

    async fn audit(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        id: i64,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            tx,
            &self.s,
            actor,
            &Event {
                action,
                object_kind: "activation",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }

    /// A refused second-person step is audited as denied, in its own transaction.
    async fn denied(&self, actor: &Actor, action: &str, id: i64) -> Result<()> {
        let mut tx = self.s.store().begin().await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action,
                object_kind: "activation",
                object_id: &id.to_string(),
                outcome: Outcome::Denied,
                detail: "the proposer cannot approve",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reminder a week before a planned end: each continuity manager with an e-mail
    /// address gets one message, and the log records it (once).
    pub async fn remind_end(&self, id: i64) -> Result<usize> {
        let a = self.row(id).await?;
        let Some(end) = a.ends_at else {
            return Ok(0);
        };
        if a.status != ActivationStatus::Active {
            return Ok(0);
        }
        let mode = store::modes::mode(self.s.store(), a.mode_id)
            .await?
            .map(|m| m.name)
            .unwrap_or_default();
        let mut tx = self.s.store().begin().await?;
        if store::modes::logged_in(&mut tx, id, LogKind::EndReminder).await? {
            return Ok(0);
        }
        let message = views::messages::modes::EndReminder {
            mode: mode.clone(),
            ends_at: domain::time::format_datetime(domain::time::from_micros(end), self.s.tz()),
            link: format!("{}/beredskap/aktiveringar/{id}", self.s.public_url()),
        };
        let mut sent = 0;
        for (user, email) in store::modes::continuity_managers(&mut tx).await? {
            let rendered =
                views::messages::CustomerMessage::render(&message, domain::customer::Language::Sv)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let queued = self
                .s
                .queue_message(
                    &mut tx,
                    &crate::outbox::Message {
                        channel: domain::customer::Channel::Email,
                        customer_id: None,
                        recipient: email,
                        subject: rendered.subject,
                        body: rendered.text,
                        html: Some(rendered.html),
                        attachment: None,
                        dedupe_key: Some(format!("activation:{id}:remind:{end}:{user}")),
                    },
                )
                .await?;
            sent += usize::from(queued.is_some());
        }
        let system = Actor::system();
        self.log_in(
            &mut tx,
            &system,
            LogKind::EndReminder,
            Some(id),
            Some(a.mode_id),
            &mode,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(sent)
    }
}

/// The policies an activation was approved with, by capability.
pub(crate) fn approved_policies(
    a: &store::modes::ActivationRow,
) -> Result<BTreeMap<Capability, PolicyBody>> {
    let list: Vec<PolicyBody> = serde_json::from_str(&a.policies)
        .map_err(|e| ServiceError::Internal(format!("activation {} policies: {e}", a.id)))?;
    Ok(list.into_iter().map(|p| (p.capability(), p)).collect())
}

/// The activation a queued job is about (`{"activation": id}`).
fn activation_of(payload: &str) -> Result<i64> {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["activation"].as_i64())
        .ok_or_else(|| ServiceError::Internal(format!("activation job payload {payload:?}")))
}

impl Modes {
    /// The worker's start job: runs (or resumes) the start of the activation in the payload.
    pub async fn start_job(&self, payload: &str) -> Result<ActivationStatus> {
        self.run_start(activation_of(payload)?).await
    }

    /// The worker's end job: runs (or resumes) the end; before the start is through it fails,
    /// and the worker tries again later.
    pub async fn end_job(&self, payload: &str) -> Result<ActivationStatus> {
        self.run_end(activation_of(payload)?).await
    }

    /// The worker's reminder job, a week before a planned end.
    pub async fn remind_job(&self, payload: &str) -> Result<usize> {
        self.remind_end(activation_of(payload)?).await
    }
}

/// A capability's effects as stored on its step: a JSON object of effect key to count.
fn effects_json(impact: &crate::capability::Impact) -> Result<String> {
    let effects: BTreeMap<&str, i64> = impact.effects.iter().map(|e| (e.key, e.value)).collect();
    serde_json::to_string(&effects).map_err(|e| ServiceError::Internal(format!("effects: {e}")))
}

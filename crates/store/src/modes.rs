//! Crisis modes: modes and their policies (versioned), activations with their steps, and the
//! crisis log.

use domain::ids::{ModeId, UserId};
use domain::modes::{ActivationStatus, LogKind, StepPhase};
use domain::policy::Capability;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct ModeRow {
    pub id: ModeId,
    pub name: String,
    pub description: String,
    pub version: i64,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
}

from_row!(ModeRow, "modes", |c| ModeRow {
    id: c.id("id")?,
    name: c.get("name")?,
    description: c.get("description")?,
    version: c.get("version")?,
    created_at: c.get("created_at")?,
    created_by: c.get("created_by")?,
    updated_at: c.get("updated_at")?,
    updated_by: c.get("updated_by")?,
});

const MODE_COLUMNS: &str =
    "id, name, description, version, created_at, created_by, updated_at, updated_by";

/// One policy of a mode, as stored (`body` is the policy's JSON).
#[derive(Debug, Clone)]
pub struct ModePolicyRow {
    pub mode_id: ModeId,
    pub capability: Capability,
    pub body: String,
}

from_row!(ModePolicyRow, "mode_policies", |c| ModePolicyRow {
    mode_id: c.id("mode_id")?,
    capability: c.code("capability")?,
    body: c.get("body")?,
});

pub async fn insert_mode(
    tx: &mut Tx,
    name: &str,
    description: &str,
    by: &str,
    now: i64,
) -> Result<ModeId> {
    Ok(ModeId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO modes (name, description, created_by, created_at, version) \
             VALUES ($1, $2, $3, $4, 1) RETURNING id",
        )
        .bind(name)
        .bind(description)
        .bind(by)
        .bind(now)
        .fetch_one(conn)
        .await?
    })))
}

/// Sets (or replaces) one policy of a mode.
pub async fn set_policy(
    tx: &mut Tx,
    mode: ModeId,
    capability: Capability,
    body: &str,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO mode_policies (mode_id, capability, body) VALUES ($1, $2, $3) \
         ON CONFLICT (mode_id, capability) DO UPDATE SET body = excluded.body"
    )
    .bind(mode.get())
    .bind(capability.as_str())
    .bind(body)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Saves a mode's name and description and bumps its version, only if it still is
/// `expected_version` (an editor working on an old copy gets 0 rows back).
pub async fn bump(
    tx: &mut Tx,
    mode: ModeId,
    expected_version: i64,
    name: &str,
    description: &str,
    by: &str,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE modes SET name = $3, description = $4, version = version + 1, updated_by = $5, \
         updated_at = $6 WHERE id = $1 AND version = $2"
    )
    .bind(mode.get())
    .bind(expected_version)
    .bind(name)
    .bind(description)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn modes(store: &Store) -> Result<Vec<ModeRow>> {
    let sql = format!("SELECT {MODE_COLUMNS} FROM modes ORDER BY id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ModeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn mode(store: &Store, id: ModeId) -> Result<Option<ModeRow>> {
    let sql = format!("SELECT {MODE_COLUMNS} FROM modes WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ModeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// A mode inside a write transaction (the version an activation is proposed against).
pub async fn mode_in(tx: &mut Tx, id: ModeId) -> Result<Option<ModeRow>> {
    let sql = format!("SELECT {MODE_COLUMNS} FROM modes WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ModeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

pub async fn policies_of(store: &Store, mode: ModeId) -> Result<Vec<ModePolicyRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ModePolicyRow>(
        "SELECT mode_id, capability, body FROM mode_policies WHERE mode_id = $1 ORDER BY capability"
    )
    .bind(mode.get())
    .fetch_all(pool)
    .await?
    }))
}

/// Every mode's policies, by mode.
pub async fn all_policies(store: &Store) -> Result<Vec<ModePolicyRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ModePolicyRow>(
            "SELECT mode_id, capability, body FROM mode_policies ORDER BY mode_id, capability",
        )
        .fetch_all(pool)
        .await?
    }))
}

pub async fn policies_of_in(tx: &mut Tx, mode: ModeId) -> Result<Vec<ModePolicyRow>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ModePolicyRow>(
        "SELECT mode_id, capability, body FROM mode_policies WHERE mode_id = $1 ORDER BY capability"
    )
    .bind(mode.get())
    .fetch_all(conn)
    .await?))
}

/// An activation of a mode.
#[derive(Debug, Clone)]
pub struct ActivationRow {
    pub id: i64,
    pub mode_id: ModeId,
    pub mode_version: i64,
    /// The policies approved (JSON list of policy bodies).
    pub policies: String,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub reason: String,
    pub status: ActivationStatus,
    pub proposed_by: UserId,
    pub proposed_at: i64,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<i64>,
    pub end_proposed_by: Option<UserId>,
    pub end_proposed_at: Option<i64>,
    /// When the end asked for by hand takes effect.
    pub end_requested_at: Option<i64>,
    pub end_reason: Option<String>,
    pub end_approved_by: Option<UserId>,
    pub end_approved_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub ended_at: Option<i64>,
}

from_row!(ActivationRow, "activations", |c| ActivationRow {
    id: c.get("id")?,
    mode_id: c.id("mode_id")?,
    mode_version: c.get("mode_version")?,
    policies: c.get("policies")?,
    starts_at: c.get("starts_at")?,
    ends_at: c.get("ends_at")?,
    reason: c.get("reason")?,
    status: c.code("status")?,
    proposed_by: c.id("proposed_by")?,
    proposed_at: c.get("proposed_at")?,
    decided_by: c.id_opt("decided_by")?,
    decided_at: c.get("decided_at")?,
    end_proposed_by: c.id_opt("end_proposed_by")?,
    end_proposed_at: c.get("end_proposed_at")?,
    end_requested_at: c.get("end_requested_at")?,
    end_reason: c.get("end_reason")?,
    end_approved_by: c.id_opt("end_approved_by")?,
    end_approved_at: c.get("end_approved_at")?,
    activated_at: c.get("activated_at")?,
    ended_at: c.get("ended_at")?,
});

const ACTIVATION_COLUMNS: &str = "id, mode_id, mode_version, policies, starts_at, ends_at, reason, status, \
     proposed_by, proposed_at, decided_by, decided_at, end_proposed_by, end_proposed_at, end_requested_at, \
     end_reason, end_approved_by, end_approved_at, activated_at, ended_at";

pub struct NewActivation<'a> {
    pub mode_id: ModeId,
    pub mode_version: i64,
    pub policies: &'a str,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub reason: &'a str,
    pub proposed_by: UserId,
    pub now: i64,
}

pub async fn insert_activation(tx: &mut Tx, a: &NewActivation<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO activations (mode_id, mode_version, policies, starts_at, ends_at, reason, status, \
             proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_approval', $7, $8) RETURNING id",
        )
        .bind(a.mode_id.get())
        .bind(a.mode_version)
        .bind(a.policies)
        .bind(a.starts_at)
        .bind(a.ends_at)
        .bind(a.reason)
        .bind(a.proposed_by.get())
        .bind(a.now)
        .fetch_one(conn)
        .await?
    }))
}

pub async fn activation(store: &Store, id: i64) -> Result<Option<ActivationRow>> {
    let sql = format!("SELECT {ACTIVATION_COLUMNS} FROM activations WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ActivationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// An activation inside a write transaction, to decide a step on its current state.
pub async fn activation_in(tx: &mut Tx, id: i64) -> Result<Option<ActivationRow>> {
    let sql = format!("SELECT {ACTIVATION_COLUMNS} FROM activations WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ActivationRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(conn)
    .await?))
}

/// Every activation, newest first.
pub async fn activations(store: &Store) -> Result<Vec<ActivationRow>> {
    let sql = format!("SELECT {ACTIVATION_COLUMNS} FROM activations ORDER BY id DESC");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ActivationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Approved activations that hold policies (scheduled to over), inside a write transaction:
/// the overlap check of a new approval.
pub async fn holding_in(tx: &mut Tx) -> Result<Vec<ActivationRow>> {
    let sql = format!(
        "SELECT {ACTIVATION_COLUMNS} FROM activations \
         WHERE status IN ('scheduled', 'activating', 'active', 'ending') ORDER BY starts_at"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ActivationRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

/// Moves an activation from one status to another; 0 rows when it was no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: ActivationStatus,
    to: ActivationStatus,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE activations SET status = $3 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Records the second person's decision (approval or rejection).
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    to: ActivationStatus,
    by: UserId,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE activations SET status = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $1 AND status = 'awaiting_approval'"
    )
    .bind(id)
    .bind(to.as_str())
    .bind(by.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn mark_activated(tx: &mut Tx, id: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE activations SET status = 'active', activated_at = $2 WHERE id = $1 AND status = 'activating'"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

pub async fn mark_ended(tx: &mut Tx, id: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE activations SET status = 'ended', ended_at = $2 WHERE id = $1 AND status = 'ending'"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Asks to end an activation by hand at `at` (waiting for a second person).
pub async fn propose_end(
    tx: &mut Tx,
    id: i64,
    by: UserId,
    at: i64,
    reason: &str,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE activations SET end_proposed_by = $2, end_proposed_at = $5, end_requested_at = $3, \
         end_reason = $4, end_approved_by = NULL, end_approved_at = NULL \
         WHERE id = $1 AND end_approved_at IS NULL \
         AND status IN ('scheduled', 'activating', 'active')"
    )
    .bind(id)
    .bind(by.get())
    .bind(at)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// The second person's approval of an end asked for by hand: the activation now ends at the
/// requested instant.
pub async fn approve_end(tx: &mut Tx, id: i64, by: UserId, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE activations SET end_approved_by = $2, end_approved_at = $3, ends_at = end_requested_at \
         WHERE id = $1 AND end_proposed_by IS NOT NULL AND end_approved_at IS NULL"
    )
    .bind(id)
    .bind(by.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// The steps of an activation, begun or done, in the order they began.
pub async fn steps(store: &Store, activation: i64) -> Result<Vec<StepRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, StepRow>(
        "SELECT activation_id, phase, capability, effects, started_at, done_at FROM activation_steps \
         WHERE activation_id = $1 ORDER BY started_at, capability"
    )
    .bind(activation)
    .fetch_all(pool)
    .await?
    }))
}

/// One capability's step of an activation: begun with the effects its preview planned, done
/// with the effects it reported.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub activation_id: i64,
    pub phase: StepPhase,
    pub capability: Capability,
    /// JSON object of effect key to count.
    pub effects: String,
    pub started_at: i64,
    /// `None` while the step runs (or if the worker died in it: the next run resumes it).
    pub done_at: Option<i64>,
}

from_row!(StepRow, "activation_steps", |c| StepRow {
    activation_id: c.get("activation_id")?,
    phase: c.code("phase")?,
    capability: c.code("capability")?,
    effects: c.get("effects")?,
    started_at: c.get("started_at")?,
    done_at: c.get("done_at")?,
});

/// Records that a step began, with the effects planned for it; a step begun before keeps its
/// plan (`false`).
pub async fn begin_step(
    tx: &mut Tx,
    activation: i64,
    phase: StepPhase,
    capability: Capability,
    planned: &str,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO activation_steps (activation_id, phase, capability, effects, started_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (activation_id, phase, capability) DO NOTHING"
    )
    .bind(activation)
    .bind(phase.as_str())
    .bind(capability.as_str())
    .bind(planned)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Marks a begun step done with the effects it reported; a step done before is left alone.
pub async fn finish_step(
    tx: &mut Tx,
    activation: i64,
    phase: StepPhase,
    capability: Capability,
    effects: &str,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE activation_steps SET effects = $4, done_at = $5 \
         WHERE activation_id = $1 AND phase = $2 AND capability = $3 AND done_at IS NULL"
    )
    .bind(activation)
    .bind(phase.as_str())
    .bind(capability.as_str())
    .bind(effects)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// One entry of the crisis log.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub id: i64,
    pub at: i64,
    pub kind: LogKind,
    pub actor: String,
    pub user_id: Option<UserId>,
    pub activation_id: Option<i64>,
    pub mode_id: Option<ModeId>,
    pub summary: String,
    pub reason: String,
}

from_row!(LogRow, "crisis_log", |c| LogRow {
    id: c.get("id")?,
    at: c.get("at")?,
    kind: c.code("kind")?,
    actor: c.get("actor")?,
    user_id: c.id_opt("user_id")?,
    activation_id: c.get("activation_id")?,
    mode_id: c.id_opt("mode_id")?,
    summary: c.get("summary")?,
    reason: c.get("reason")?,
});

pub struct NewLogEntry<'a> {
    pub at: i64,
    pub kind: LogKind,
    pub actor: &'a str,
    pub user_id: Option<UserId>,
    pub activation_id: Option<i64>,
    pub mode_id: Option<ModeId>,
    pub summary: &'a str,
    pub reason: &'a str,
}

pub async fn log(tx: &mut Tx, e: &NewLogEntry<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO crisis_log (at, kind, actor, user_id, activation_id, mode_id, summary, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(e.at)
        .bind(e.kind.as_str())
        .bind(e.actor)
        .bind(e.user_id.map(UserId::get))
        .bind(e.activation_id)
        .bind(e.mode_id.map(ModeId::get))
        .bind(e.summary)
        .bind(e.reason)
        .fetch_one(conn)
        .await?
    }))
}

/// The crisis log between two instants (either open), oldest first, optionally of one kind.
pub async fn log_entries(
    store: &Store,
    from: Option<i64>,
    to: Option<i64>,
    kind: Option<LogKind>,
) -> Result<Vec<LogRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, LogRow>(
        "SELECT id, at, kind, actor, user_id, activation_id, mode_id, summary, reason FROM crisis_log \
         WHERE ($1 IS NULL OR at >= $1) AND ($2 IS NULL OR at < $2) AND ($3 IS NULL OR kind = $3) \
         ORDER BY at, id"
    )
    .bind(from)
    .bind(to)
    .bind(kind.map(LogKind::as_str))
    .fetch_all(pool)
    .await?
    }))
}

/// Whether a log entry of `kind` exists for an activation (a reminder is sent once).
pub async fn logged_in(tx: &mut Tx, activation: i64, kind: LogKind) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM crisis_log WHERE activation_id = $1 AND kind = $2"
    )
    .bind(activation)
    .bind(kind.as_str())
    .fetch_one(conn)
    .await?)
        > 0)
}

/// One capability's policy for an approved activation's interval.
pub struct ActivationPolicy<'a> {
    pub activation: i64,
    pub mode_id: ModeId,
    pub capability: Capability,
    pub from: i64,
    pub to: Option<i64>,
    pub body: &'a str,
    pub set_by: &'a str,
    pub reason: &'a str,
    pub now: i64,
}

pub async fn insert_policy(tx: &mut Tx, p: &ActivationPolicy<'_>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO policies (capability, mode_id, activation_id, effective_from, effective_to, body, set_by, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(p.capability.as_str())
    .bind(p.mode_id.get())
    .bind(p.activation)
    .bind(p.from)
    .bind(p.to)
    .bind(p.body)
    .bind(p.set_by)
    .bind(p.reason)
    .bind(p.now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Ends an activation's policies at `at` (an end approved by hand moves it earlier).
pub async fn end_policies(tx: &mut Tx, activation: i64, at: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE policies SET effective_to = $2 WHERE activation_id = $1 AND effective_from < $2"
    )
    .bind(activation)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// The body of the policy in force for `capability` at `at`, ignoring the rows of one
/// activation (what applies once that activation is over, or before it began).
pub async fn policy_at_excluding(
    store: &Store,
    capability: Capability,
    at: i64,
    activation: i64,
) -> Result<Option<String>> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
        "SELECT body FROM policies WHERE capability = $1 AND effective_from <= $2 \
         AND (effective_to IS NULL OR effective_to > $2) \
         AND (activation_id IS NULL OR activation_id <> $3) \
         ORDER BY effective_from DESC, id DESC LIMIT 1"
    )
    .bind(capability.as_str())
    .bind(at)
    .bind(activation)
    .fetch_optional(pool)
    .await?))
}

/// The instant of the latest change of the measures in force (an activation that started or
/// ended), for the public crisis page.
pub async fn last_change(store: &Store) -> Result<Option<i64>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(at) FROM crisis_log WHERE kind IN ('activated', 'ended', 'measure')",
        )
        .fetch_one(pool)
        .await?
    }))
}

/// The continuity managers who can be reached by e-mail: (user, address).
pub async fn continuity_managers(tx: &mut Tx) -> Result<Vec<(UserId, String)>> {
    let rows: Vec<(i64, String)> = with_tx!(tx, |conn| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, email FROM users WHERE role = 'continuity_manager' AND NOT disabled \
         AND email IS NOT NULL AND email <> '' ORDER BY id"
    )
    .fetch_all(conn)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, email)| (UserId::new(id), email))
        .collect())
}

/// The display names of some users (proposers and approvers on the activation pages).
pub async fn user_names(store: &Store, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
    let mut out = Vec::new();
    for id in ids {
        let name: Option<String> = with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
            "SELECT display_name FROM users WHERE id = $1"
        )
        .bind(id.get())
        .fetch_optional(pool)
        .await?);
        if let Some(n) = name {
            out.push((*id, n));
        }
    }
    Ok(out)
}

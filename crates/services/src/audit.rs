//! Writing and verifying the audit log: who did what to which record, when, from where, outcome.
//!
//! Each entry's hash covers the previous entry's hash and its own fields, so an edited or deleted
//! row breaks the chain ([`verify_chain`]). Fields are stored as given; pages escape them on output
//! and newlines are replaced, so a crafted value cannot forge log lines.

pub use domain::audit::Outcome;
use domain::ids::AuditEntryId;
use sha2::{Digest, Sha256};
use store::Tx;
pub use store::audit::AuditRow;

use crate::auth::SessionUser;
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Who reads the log.
pub mod roles {
    /// The audit log page: administrators.
    pub const READERS: &[domain::role::Role] = crate::auth::roles::ADMIN;
}

/// One event to record.
pub struct Event<'a> {
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: &'a str,
    pub outcome: Outcome,
    pub detail: &'a str,
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn chain_hash(prev: &str, r: &AuditRow) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &r.seq.to_string(),
        &r.at.to_string(),
        &r.actor_user_id.map(|i| i.to_string()).unwrap_or_default(),
        &r.actor,
        &r.action,
        &r.object_kind,
        &r.object_id,
        r.outcome.as_str(),
        &r.address,
        &r.detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an event inside the caller's transaction, so the record and the change commit together.
pub async fn record(tx: &mut Tx, services: &Services, actor: &Actor, ev: &Event<'_>) -> Result<()> {
    let (seq, prev_hash) = store::audit::lock_head(tx).await?;
    let mut row = AuditRow {
        id: AuditEntryId::new(0),
        seq,
        at: services.now_micros(),
        actor_user_id: actor.user_id,
        actor: clean(&actor.name),
        action: clean(ev.action),
        object_kind: clean(ev.object_kind),
        object_id: clean(ev.object_id),
        outcome: ev.outcome,
        address: clean(&actor.address),
        detail: clean(ev.detail),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    row.hash = chain_hash(&prev_hash, &row);
    store::audit::append(tx, &row).await?;
    Ok(())
}

/// Records an event in a transaction of its own (for reads and failures, where nothing else is written).
/// Records a successful action on one object (`kind`, `id`) inside the caller's transaction.
pub(crate) async fn success(
    tx: &mut Tx,
    services: &Services,
    actor: &Actor,
    (action, kind, id): (&str, &str, i64),
    detail: &str,
) -> Result<()> {
    record(
        tx,
        services,
        actor,
        &Event {
            action,
            object_kind: kind,
            object_id: &id.to_string(),
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}

pub async fn record_alone(services: &Services, actor: &Actor, ev: &Event<'_>) -> Result<()> {
    let mut tx = services.store().begin().await?;
    record(&mut tx, services, actor, ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Rows read at a time while verifying.
const VERIFY_BATCH: i64 = 10_000;

/// Checks the whole chain, in batches (memory stays bounded); returns the sequence number of
/// the first broken entry.
pub async fn verify_chain(services: &Services) -> Result<Option<i64>> {
    verify_chain_in_batches(services, VERIFY_BATCH).await
}

/// [`verify_chain`] with a batch size of the caller's (tests cross batch boundaries with it).
///
/// The head (the last sequence number and hash appended) is read first and the chain must
/// reach it: rows deleted from the end are a break at the first missing number. Rows appended
/// while verifying continue the chain and are checked too.
pub async fn verify_chain_in_batches(services: &Services, batch: i64) -> Result<Option<i64>> {
    let batch = batch.max(1);
    let (head_seq, head_hash) = store::audit::head(services.store()).await?;
    let mut prev = String::new();
    let mut after = 0;
    loop {
        let rows = store::audit::in_order_after(services.store(), after, batch).await?;
        let Some(last) = rows.last() else {
            return Ok((after < head_seq).then_some(after + 1));
        };
        after = last.seq;
        for r in rows {
            let reaches_head = r.seq != head_seq || r.hash == head_hash;
            if r.prev_hash != prev || chain_hash(&prev, &r) != r.hash || !reaches_head {
                return Ok(Some(r.seq));
            }
            prev = r.hash;
        }
    }
}

/// A page of the log, newest first, with where the chain breaks (if it does): what the audit
/// page shows its readers.
pub async fn page(
    services: &Services,
    reader: &SessionUser,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditRow>, Option<i64>)> {
    if !roles::READERS.contains(&reader.role) {
        return Err(ServiceError::Forbidden);
    }
    let rows = store::audit::list(services.store(), None, limit, offset).await?;
    Ok((rows, verify_chain(services).await?))
}

/// A page of the log, newest first (tests and tools; the page checks its reader with [`page`]).
pub async fn list(services: &Services, limit: i64, offset: i64) -> Result<Vec<AuditRow>> {
    Ok(store::audit::list(services.store(), None, limit, offset).await?)
}

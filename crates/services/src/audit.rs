//! Writing and verifying the audit log: who did what to which record, when, from where, outcome.
//!
//! Each entry's hash covers the previous entry's hash and its own fields, so an edited or deleted
//! row breaks the chain ([`verify_chain`]). The hash is an HMAC-SHA-256 under the first of
//! `security.keys`, written `NAME:HEX` so the verifier knows the key: without the key, someone
//! who can write to the database cannot rewrite the log and compute a chain that holds. (An
//! unkeyed SHA-256, bare hex, is what a database without keys wrote; once a keyed entry is in
//! the chain, an unkeyed one after it is a break, so the chain cannot be downgraded.) Fields are stored as given; pages escape them on output
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

/// The hash an entry carries: keyed under `key` (its name and bytes) when there is one.
fn chain_hash(key: Option<(&str, &[u8; 32])>, prev: &str, r: &AuditRow) -> String {
    use hmac::{Hmac, Mac};
    match key {
        Some((name, key)) => {
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
            feed(r, prev, |b| mac.update(b));
            format!("{name}:{}", hex::encode(mac.finalize().into_bytes()))
        }
        None => {
            let mut h = Sha256::new();
            feed(r, prev, |b| h.update(b));
            hex::encode(h.finalize())
        }
    }
}

/// Every field of an entry, each with its length first, so no two entries feed the same bytes.
fn feed(r: &AuditRow, prev: &str, mut update: impl FnMut(&[u8])) {
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
        update(&(part.len() as u64).to_le_bytes());
        update(part.as_bytes());
    }
}

/// Whether an entry's hash is right: under the key it names, or unkeyed when no keyed entry
/// came before it (`keyed` says whether one did).
fn holds(services: &Services, prev: &str, r: &AuditRow, keyed: bool) -> bool {
    match r.hash.split_once(':') {
        Some((name, _)) => services
            .security_keys()
            .get(name)
            .is_some_and(|key| chain_hash(Some((name, key)), prev, r) == r.hash),
        None => !keyed && chain_hash(None, prev, r) == r.hash,
    }
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
    row.hash = chain_hash(services.security_keys().active(), &prev_hash, &row);
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
    let mut keyed = false;
    loop {
        let rows = store::audit::in_order_after(services.store(), after, batch).await?;
        let Some(last) = rows.last() else {
            return Ok((after < head_seq).then_some(after + 1));
        };
        after = last.seq;
        for r in rows {
            let reaches_head = r.seq != head_seq || r.hash == head_hash;
            if r.prev_hash != prev || !holds(services, &prev, &r, keyed) || !reaches_head {
                return Ok(Some(r.seq));
            }
            keyed |= r.hash.contains(':');
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

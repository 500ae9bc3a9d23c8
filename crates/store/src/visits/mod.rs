//! Customer-centre sites, their hours and services, the occupancy buckets, visits and the
//! waitlist.
//!
//! The cap is enforced by [`take_bucket`]: an upsert whose update is guarded by
//! `present + party <= cap AND visits < desks`, run for each bucket of a visit in ascending order
//! inside one write transaction (`BEGIN IMMEDIATE` on SQLite; row locks held to commit on
//! PostgreSQL, always taken in the same order, so no deadlocks).
//!
//! Rows come out typed: ids, [`VisitStatus`], [`VisitSource`], [`WaitStatus`], [`Language`] and
//! civil dates, each decoded once by its `from_row!`.

mod buckets;
mod sites;
mod tokens;
mod waitlist;

pub use buckets::*;
pub use sites::*;
pub use tokens::*;
pub use waitlist::*;

use domain::customer::Language;
use domain::ids::{CustomerId, SiteId, SiteServiceId, UserId, VisitId, WaitId};
use domain::visits::{VisitSource, VisitStatus};

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct VisitRow {
    pub id: VisitId,
    pub site_id: SiteId,
    pub service_id: SiteServiceId,
    /// Microseconds UTC, like every instant below.
    pub starts_at: i64,
    pub ends_at: i64,
    pub party: i64,
    pub status: VisitStatus,
    pub source: VisitSource,
    pub customer_id: Option<CustomerId>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: Language,
    pub person_key: String,
    pub idempotency_key: Option<String>,
    pub booked_by: Option<UserId>,
    pub waitlist_id: Option<WaitId>,
    pub expires_at: Option<i64>,
    pub flagged_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub sequence: i64,
    pub created_at: i64,
}

from_row!(VisitRow, "visits", |c| VisitRow {
    id: c.id("id")?,
    site_id: c.id("site_id")?,
    service_id: c.id("service_id")?,
    starts_at: c.get("starts_at")?,
    ends_at: c.get("ends_at")?,
    party: c.get("party")?,
    status: c.code("status")?,
    source: c.code("source")?,
    customer_id: c.id_opt("customer_id")?,
    name: c.get("name")?,
    phone: c.get("phone")?,
    email: c.get("email")?,
    language: c.code("language")?,
    person_key: c.get("person_key")?,
    idempotency_key: c.get("idempotency_key")?,
    booked_by: c.id_opt("booked_by")?,
    waitlist_id: c.id_opt("waitlist_id")?,
    expires_at: c.get("expires_at")?,
    flagged_at: c.get("flagged_at")?,
    reminded_at: c.get("reminded_at")?,
    checked_in_at: c.get("checked_in_at")?,
    ended_at: c.get("ended_at")?,
    sequence: c.get("sequence")?,
    created_at: c.get("created_at")?,
});

const VISIT_COLUMNS: &str = "id, site_id, service_id, starts_at, ends_at, party, status, source, customer_id, name, phone, email, language, person_key, idempotency_key, booked_by, waitlist_id, expires_at, flagged_at, reminded_at, checked_in_at, ended_at, sequence, created_at";

/// Statuses whose visits hold places in the buckets.
pub const HOLDING: &[VisitStatus] = VisitStatus::HOLDING;

/// `('a', 'b')`: the codes of `statuses` as an SQL list. The codes are the closed set's own
/// literals, never input.
fn status_list(statuses: &[VisitStatus]) -> String {
    let codes: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", codes.join(", "))
}

// ---- visits --------------------------------------------------------------------------------

/// Locks (creating if need be) the row of one person, serialising that person's bookings.
pub async fn lock_person(tx: &mut Tx, person_key: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO visit_people (person_key, touched_at) VALUES ($1, $2) \
         ON CONFLICT (person_key) DO UPDATE SET touched_at = excluded.touched_at"
    )
    .bind(person_key)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// The person's visits holding places that overlap `[start, end)`, except `except`.
pub async fn overlapping(
    tx: &mut Tx,
    person_key: &str,
    start: i64,
    end: i64,
    except: Option<VisitId>,
) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM visits WHERE person_key = $1 AND starts_at < $3 AND ends_at > $2 \
         AND id <> $4 AND status IN {}",
        status_list(HOLDING)
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(person_key)
    .bind(start)
    .bind(end)
    .bind(except.map_or(0, VisitId::get))
    .fetch_one(conn)
    .await?))
}

pub struct NewVisit<'a> {
    pub site_id: SiteId,
    pub service_id: SiteServiceId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party: i64,
    pub status: VisitStatus,
    pub source: VisitSource,
    pub customer_id: Option<CustomerId>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub language: Language,
    pub person_key: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub booked_by: Option<UserId>,
    pub waitlist_id: Option<WaitId>,
    pub expires_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub now: i64,
}

pub async fn insert_visit(tx: &mut Tx, v: &NewVisit<'_>) -> Result<VisitId> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO visits (site_id, service_id, starts_at, ends_at, party, status, source, customer_id, \
         name, phone, email, language, person_key, idempotency_key, booked_by, waitlist_id, expires_at, \
         checked_in_at, sequence, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 0, $19) RETURNING id"
    )
    .bind(v.site_id.get())
    .bind(v.service_id.get())
    .bind(v.starts_at)
    .bind(v.ends_at)
    .bind(v.party)
    .bind(v.status.as_str())
    .bind(v.source.as_str())
    .bind(v.customer_id.map(CustomerId::get))
    .bind(v.name)
    .bind(v.phone)
    .bind(v.email)
    .bind(v.language.as_str())
    .bind(v.person_key)
    .bind(v.idempotency_key)
    .bind(v.booked_by.map(UserId::get))
    .bind(v.waitlist_id.map(WaitId::get))
    .bind(v.expires_at)
    .bind(v.checked_in_at)
    .bind(v.now)
    .fetch_one(conn)
    .await
    .map(VisitId::new)?
    }))
}

pub async fn visit(store: &Store, id: VisitId) -> Result<Option<VisitRow>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// The visit as the open transaction sees it (after earlier writes in it).
pub async fn visit_in(tx: &mut Tx, id: VisitId) -> Result<Option<VisitRow>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

/// The visit as it is now, its row locked until the transaction ends (PostgreSQL; SQLite's
/// write transaction is exclusive already): a cancel or rebook that decides from the visit's
/// time and status cannot be overtaken by another one between reading and writing.
pub async fn lock_visit(tx: &mut Tx, id: VisitId) -> Result<Option<VisitRow>> {
    let sql =
        format!("UPDATE visits SET sequence = sequence WHERE id = $1 RETURNING {VISIT_COLUMNS}");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

pub async fn by_idempotency_key(store: &Store, key: &str) -> Result<Option<VisitRow>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE idempotency_key = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(key)
    .fetch_optional(pool)
    .await?))
}

/// Moves a visit from one of `from` to `to`; false when it was not in one of them (someone else
/// got there first), so a transition happens exactly once.
pub async fn transition(
    tx: &mut Tx,
    id: VisitId,
    from: &[VisitStatus],
    to: VisitStatus,
    now: i64,
) -> Result<bool> {
    let sql = format!(
        "UPDATE visits SET status = $2, \
         checked_in_at = CASE WHEN $2 = 'checked_in' THEN $3 ELSE checked_in_at END, \
         ended_at = CASE WHEN $2 IN ('cancelled', 'expired', 'no_show') THEN $3 ELSE ended_at END, \
         expires_at = CASE WHEN $2 = 'booked' THEN NULL ELSE expires_at END, \
         sequence = sequence + 1 \
         WHERE id = $1 AND status IN {}",
        status_list(from)
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .bind(to.as_str())
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// Moves a holding visit to a new time (the caller has taken the new buckets, released the old).
pub async fn move_visit(tx: &mut Tx, id: VisitId, starts_at: i64, ends_at: i64) -> Result<bool> {
    let sql = format!(
        "UPDATE visits SET starts_at = $2, ends_at = $3, flagged_at = NULL, reminded_at = NULL, \
         sequence = sequence + 1 WHERE id = $1 AND status IN {}",
        status_list(HOLDING)
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .bind(starts_at)
            .bind(ends_at)
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// Visits of a site overlapping `[from, to)` in the given statuses, in start order.
pub async fn site_visits(
    store: &Store,
    site_id: SiteId,
    from: i64,
    to: i64,
    statuses: &[VisitStatus],
) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE site_id = $1 AND starts_at < $3 AND ends_at > $2 \
         AND status IN {} ORDER BY starts_at, id",
        status_list(statuses)
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id.get())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// Visits holding places that end after `from`, in booking order (for the cap check).
pub async fn holding_in_booking_order(
    store: &Store,
    site_id: SiteId,
    from: i64,
) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE site_id = $1 AND ends_at > $2 AND status IN {} \
         ORDER BY created_at, id",
        status_list(HOLDING)
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id.get())
    .bind(from)
    .fetch_all(pool)
    .await?))
}

pub async fn customer_visits(
    store: &Store,
    customer_id: CustomerId,
    from: i64,
) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE customer_id = $1 AND ends_at > $2 \
         ORDER BY starts_at, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .bind(from)
    .fetch_all(pool)
    .await?))
}

/// Unconfirmed bookings and waitlist offers whose time ran out.
pub async fn expired_holds(store: &Store, now: i64, limit: i64) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE status IN {} AND expires_at <= $1 \
         ORDER BY expires_at, id LIMIT $2",
        status_list(VisitStatus::AWAITING)
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Booked visits starting in `[from, to)` that have had no reminder.
pub async fn due_reminders(store: &Store, from: i64, to: i64, limit: i64) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE status = 'booked' AND reminded_at IS NULL \
         AND starts_at >= $1 AND starts_at < $2 ORDER BY starts_at, id LIMIT $3"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Marks a reminder sent; false when another worker already did.
pub async fn mark_reminded(tx: &mut Tx, id: VisitId, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
    )
    .bind(id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Flags a visit above a lowered cap; false when it was flagged already.
pub async fn flag(tx: &mut Tx, id: VisitId, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET flagged_at = $2 WHERE id = $1 AND flagged_at IS NULL"
    )
    .bind(id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Clears flags of visits that fit again (the cap went back up).
pub async fn unflag(tx: &mut Tx, id: VisitId) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET flagged_at = NULL WHERE id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// How many visits of one service that started in a period ended in one status.
#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub service_id: SiteServiceId,
    pub status: VisitStatus,
    pub count: i64,
}

from_row!(OutcomeRow, "visits", |c| OutcomeRow {
    service_id: c.id("service_id")?,
    status: c.code("status")?,
    count: c.get("count")?,
});

/// Outcome counts of visits that started in `[from, to)`.
pub async fn outcome_counts(
    store: &Store,
    site_id: SiteId,
    from: i64,
    to: i64,
) -> Result<Vec<OutcomeRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OutcomeRow>(
        "SELECT service_id, status, COUNT(*) AS count FROM visits WHERE site_id = $1 \
         AND starts_at >= $2 AND starts_at < $3 GROUP BY service_id, status ORDER BY service_id, status"
    )
    .bind(site_id.get())
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?
    }))
}

/// A person's unconfirmed public bookings still holding places.
pub async fn unconfirmed_holds(tx: &mut Tx, person_key: &str, now: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM visits WHERE person_key = $1 AND status = 'unconfirmed' AND expires_at > $2"
    )
    .bind(person_key)
    .bind(now)
    .fetch_one(conn)
    .await?
    }))
}

//! Customer-centre sites, their hours and services, the occupancy buckets, visits and the
//! waitlist.
//!
//! The cap is enforced by [`take_bucket`]: an upsert whose update is guarded by
//! `present + party <= cap AND visits < desks`, run for each bucket of a visit in ascending order
//! inside one write transaction (`BEGIN IMMEDIATE` on SQLite; row locks held to commit on
//! PostgreSQL, always taken in the same order, so no deadlocks).

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub desks: i64,
    pub lead_minutes: i64,
    pub horizon_days: i64,
    pub slot_step_minutes: i64,
    pub closed_on_holidays: bool,
}

const SITE_COLUMNS: &str = "id, name, street, postal_code, city, phone, desks, lead_minutes, horizon_days, slot_step_minutes, closed_on_holidays";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoursRow {
    pub id: i64,
    pub weekday: i64,
    pub opens_min: i64,
    pub closes_min: i64,
    pub staffed_desks: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExceptionRow {
    pub id: i64,
    pub day: String,
    pub opens_min: Option<i64>,
    pub closes_min: Option<i64>,
    pub staffed_desks: i64,
    pub note: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    pub site_id: i64,
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub duration_minutes: i64,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub site_id: i64,
    pub service_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party: i64,
    pub status: String,
    pub source: String,
    pub customer_id: Option<i64>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: String,
    pub person_key: String,
    pub idempotency_key: Option<String>,
    pub booked_by: Option<i64>,
    pub waitlist_id: Option<i64>,
    pub expires_at: Option<i64>,
    pub flagged_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub sequence: i64,
    pub created_at: i64,
}

const VISIT_COLUMNS: &str = "id, site_id, service_id, starts_at, ends_at, party, status, source, customer_id, name, phone, email, language, person_key, idempotency_key, booked_by, waitlist_id, expires_at, flagged_at, reminded_at, checked_in_at, ended_at, sequence, created_at";

/// Statuses whose visits hold places in the buckets.
pub const HOLDING: &str = "('unconfirmed', 'offered', 'booked', 'checked_in')";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WaitRow {
    pub id: i64,
    pub site_id: i64,
    pub service_id: i64,
    pub day: String,
    pub party: i64,
    pub customer_id: Option<i64>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: String,
    pub person_key: String,
    pub status: String,
    pub visit_id: Option<i64>,
    pub created_at: i64,
}

const WAIT_COLUMNS: &str = "id, site_id, service_id, day, party, customer_id, name, phone, email, language, person_key, status, visit_id, created_at";

// ---- sites ---------------------------------------------------------------------------------

pub async fn sites(store: &Store) -> Result<Vec<SiteRow>> {
    let sql = format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, SiteRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn site(store: &Store, id: i64) -> Result<Option<SiteRow>> {
    let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, SiteRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

pub struct SiteSettings<'a> {
    pub phone: &'a str,
    pub desks: i64,
    pub lead_minutes: i64,
    pub horizon_days: i64,
    pub slot_step_minutes: i64,
    pub closed_on_holidays: bool,
}

pub async fn update_site(tx: &mut Tx, id: i64, s: &SiteSettings<'_>) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE sites SET phone = $2, desks = $3, lead_minutes = $4, horizon_days = $5, \
         slot_step_minutes = $6, closed_on_holidays = $7 WHERE id = $1"
    )
    .bind(id)
    .bind(s.phone)
    .bind(s.desks)
    .bind(s.lead_minutes)
    .bind(s.horizon_days)
    .bind(s.slot_step_minutes)
    .bind(s.closed_on_holidays)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

pub async fn hours(store: &Store, site_id: i64) -> Result<Vec<HoursRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, HoursRow>(
        "SELECT id, weekday, opens_min, closes_min, staffed_desks FROM site_hours \
         WHERE site_id = $1 ORDER BY weekday, opens_min"
    )
    .bind(site_id)
    .fetch_all(pool)
    .await?))
}

/// Replaces a weekday's spans.
pub async fn set_hours(
    tx: &mut Tx,
    site_id: i64,
    weekday: i64,
    spans: &[(i64, i64, i64)],
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM site_hours WHERE site_id = $1 AND weekday = $2")
            .bind(site_id)
            .bind(weekday)
            .execute(&mut *conn)
            .await?;
        for (opens, closes, desks) in spans {
            sqlx::query(
                "INSERT INTO site_hours (site_id, weekday, opens_min, closes_min, staffed_desks) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(site_id)
            .bind(weekday)
            .bind(opens)
            .bind(closes)
            .bind(desks)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

pub async fn exceptions(
    store: &Store,
    site_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<ExceptionRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ExceptionRow>(
        "SELECT id, day, opens_min, closes_min, staffed_desks, note FROM site_exceptions \
         WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, opens_min"
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// Replaces the exception of one date: no spans closes the site that day.
pub async fn set_exception(
    tx: &mut Tx,
    site_id: i64,
    day: &str,
    spans: &[(i64, i64, i64)],
    note: &str,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM site_exceptions WHERE site_id = $1 AND day = $2")
            .bind(site_id)
            .bind(day)
            .execute(&mut *conn)
            .await?;
        if spans.is_empty() {
            sqlx::query(
                "INSERT INTO site_exceptions (site_id, day, opens_min, closes_min, staffed_desks, note) \
                 VALUES ($1, $2, NULL, NULL, 0, $3)",
            )
            .bind(site_id)
            .bind(day)
            .bind(note)
            .execute(&mut *conn)
            .await?;
        }
        for (opens, closes, desks) in spans {
            sqlx::query(
                "INSERT INTO site_exceptions (site_id, day, opens_min, closes_min, staffed_desks, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(site_id)
            .bind(day)
            .bind(opens)
            .bind(closes)
            .bind(desks)
            .bind(note)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

pub async fn delete_exception(tx: &mut Tx, site_id: i64, day: &str) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM site_exceptions WHERE site_id = $1 AND day = $2"
    )
    .bind(site_id)
    .bind(day)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn services(store: &Store, site_id: i64) -> Result<Vec<ServiceRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ServiceRow>(
        "SELECT id, site_id, code, name_sv, name_en, duration_minutes, active FROM site_services \
         WHERE site_id = $1 ORDER BY id"
    )
    .bind(site_id)
    .fetch_all(pool)
    .await?))
}

pub struct NewService<'a> {
    pub code: &'a str,
    pub name_sv: &'a str,
    pub name_en: &'a str,
    pub duration_minutes: i64,
    pub active: bool,
}

/// Adds a service, or updates the one with the same code.
pub async fn upsert_service(tx: &mut Tx, site_id: i64, s: &NewService<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO site_services (site_id, code, name_sv, name_en, duration_minutes, active) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site_id, code) DO UPDATE SET \
         name_sv = excluded.name_sv, name_en = excluded.name_en, \
         duration_minutes = excluded.duration_minutes, active = excluded.active RETURNING id"
    )
    .bind(site_id)
    .bind(s.code)
    .bind(s.name_sv)
    .bind(s.name_en)
    .bind(s.duration_minutes)
    .bind(s.active)
    .fetch_one(conn)
    .await?))
}

// ---- buckets -------------------------------------------------------------------------------

/// Buckets with anyone booked in `[from, to)`: `(starts_at, present, visits)`.
pub async fn load(store: &Store, site_id: i64, from: i64, to: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT starts_at, present, visits FROM visit_buckets \
         WHERE site_id = $1 AND starts_at >= $2 AND starts_at < $3 AND visits > 0 ORDER BY starts_at"
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?
    }))
}

/// The same as [`load`], read inside a write transaction.
pub async fn load_in(
    tx: &mut Tx,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT starts_at, present, visits FROM visit_buckets \
         WHERE site_id = $1 AND starts_at >= $2 AND starts_at < $3 AND visits > 0 ORDER BY starts_at"
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?
    }))
}

/// Adds a party to one bucket if it stays within the cap and a staffed desk is free there.
/// The caller has checked `party <= cap` and `desks >= 1` (the insert path has no guard).
pub async fn take_bucket(
    tx: &mut Tx,
    site_id: i64,
    starts_at: i64,
    party: i64,
    cap: i64,
    desks: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO visit_buckets (site_id, starts_at, present, visits) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (site_id, starts_at) DO UPDATE SET present = visit_buckets.present + excluded.present, \
         visits = visit_buckets.visits + 1 \
         WHERE visit_buckets.present + excluded.present <= $4 AND visit_buckets.visits < $5"
    )
    .bind(site_id)
    .bind(starts_at)
    .bind(party)
    .bind(cap)
    .bind(desks)
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

/// Gives back the places of a visit `[from, to)`.
pub async fn release(tx: &mut Tx, site_id: i64, from: i64, to: i64, party: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visit_buckets SET present = present - $4, visits = visits - 1 \
         WHERE site_id = $1 AND starts_at >= $2 AND starts_at < $3"
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .bind(party)
    .execute(conn)
    .await?
    .rows_affected()))
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
    except: i64,
) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM visits WHERE person_key = $1 AND starts_at < $3 AND ends_at > $2 \
         AND id <> $4 AND status IN {HOLDING}"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(person_key)
    .bind(start)
    .bind(end)
    .bind(except)
    .fetch_one(conn)
    .await?))
}

pub struct NewVisit<'a> {
    pub site_id: i64,
    pub service_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party: i64,
    pub status: &'a str,
    pub source: &'a str,
    pub customer_id: Option<i64>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub language: &'a str,
    pub person_key: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub booked_by: Option<i64>,
    pub waitlist_id: Option<i64>,
    pub expires_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub now: i64,
}

pub async fn insert_visit(tx: &mut Tx, v: &NewVisit<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO visits (site_id, service_id, starts_at, ends_at, party, status, source, customer_id, \
         name, phone, email, language, person_key, idempotency_key, booked_by, waitlist_id, expires_at, \
         checked_in_at, sequence, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 0, $19) RETURNING id"
    )
    .bind(v.site_id)
    .bind(v.service_id)
    .bind(v.starts_at)
    .bind(v.ends_at)
    .bind(v.party)
    .bind(v.status)
    .bind(v.source)
    .bind(v.customer_id)
    .bind(v.name)
    .bind(v.phone)
    .bind(v.email)
    .bind(v.language)
    .bind(v.person_key)
    .bind(v.idempotency_key)
    .bind(v.booked_by)
    .bind(v.waitlist_id)
    .bind(v.expires_at)
    .bind(v.checked_in_at)
    .bind(v.now)
    .fetch_one(conn)
    .await?
    }))
}

pub async fn visit(store: &Store, id: i64) -> Result<Option<VisitRow>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

/// The visit as the open transaction sees it (after earlier writes in it).
pub async fn visit_in(tx: &mut Tx, id: i64) -> Result<Option<VisitRow>> {
    let sql = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(conn)
    .await?))
}

/// The visit as it is now, its row locked until the transaction ends (PostgreSQL; SQLite's
/// write transaction is exclusive already): a cancel or rebook that decides from the visit's
/// time and status cannot be overtaken by another one between reading and writing.
pub async fn lock_visit(tx: &mut Tx, id: i64) -> Result<Option<VisitRow>> {
    let sql =
        format!("UPDATE visits SET sequence = sequence WHERE id = $1 RETURNING {VISIT_COLUMNS}");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
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

/// Moves a visit from one of `from` (a `('a', 'b')` list of literals) to `to`; false when it was
/// not in one of them (someone else got there first), so a transition happens exactly once.
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    from: &'static str,
    to: &str,
    now: i64,
) -> Result<bool> {
    let sql = format!(
        "UPDATE visits SET status = $2, \
         checked_in_at = CASE WHEN $2 = 'checked_in' THEN $3 ELSE checked_in_at END, \
         ended_at = CASE WHEN $2 IN ('cancelled', 'expired', 'no_show') THEN $3 ELSE ended_at END, \
         expires_at = CASE WHEN $2 = 'booked' THEN NULL ELSE expires_at END, \
         sequence = sequence + 1 \
         WHERE id = $1 AND status IN {from}"
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(to)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// Moves a holding visit to a new time (the caller has taken the new buckets, released the old).
pub async fn move_visit(tx: &mut Tx, id: i64, starts_at: i64, ends_at: i64) -> Result<bool> {
    let sql = format!(
        "UPDATE visits SET starts_at = $2, ends_at = $3, flagged_at = NULL, reminded_at = NULL, \
         sequence = sequence + 1 WHERE id = $1 AND status IN {HOLDING}"
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
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
    site_id: i64,
    from: i64,
    to: i64,
    statuses: &'static str,
) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE site_id = $1 AND starts_at < $3 AND ends_at > $2 \
         AND status IN {statuses} ORDER BY starts_at, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// Visits holding places that end after `from`, in booking order (for the cap check).
pub async fn holding_in_booking_order(
    store: &Store,
    site_id: i64,
    from: i64,
) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE site_id = $1 AND ends_at > $2 AND status IN {HOLDING} \
         ORDER BY created_at, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id)
    .bind(from)
    .fetch_all(pool)
    .await?))
}

pub async fn customer_visits(store: &Store, customer_id: i64, from: i64) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE customer_id = $1 AND ends_at > $2 \
         ORDER BY starts_at, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, VisitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id)
    .bind(from)
    .fetch_all(pool)
    .await?))
}

/// Unconfirmed bookings and waitlist offers whose time ran out.
pub async fn expired_holds(store: &Store, now: i64, limit: i64) -> Result<Vec<VisitRow>> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE status IN ('unconfirmed', 'offered') AND expires_at <= $1 \
         ORDER BY expires_at, id LIMIT $2"
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
pub async fn mark_reminded(tx: &mut Tx, id: i64, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Flags a visit above a lowered cap; false when it was flagged already.
pub async fn flag(tx: &mut Tx, id: i64, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET flagged_at = $2 WHERE id = $1 AND flagged_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Clears flags of visits that fit again (the cap went back up).
pub async fn unflag(tx: &mut Tx, id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE visits SET flagged_at = NULL WHERE id = $1"
    )
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Outcome counts of visits that started in `[from, to)`: `(service_id, status, count)`.
pub async fn outcome_counts(
    store: &Store,
    site_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String, i64)>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, String, i64),
    >(
        "SELECT service_id, status, COUNT(*) FROM visits WHERE site_id = $1 AND starts_at >= $2 \
         AND starts_at < $3 GROUP BY service_id, status ORDER BY service_id, status"
    )
    .bind(site_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

// ---- waitlist ------------------------------------------------------------------------------

pub struct NewWait<'a> {
    pub site_id: i64,
    pub service_id: i64,
    pub day: &'a str,
    pub party: i64,
    pub customer_id: Option<i64>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub language: &'a str,
    pub person_key: &'a str,
    pub now: i64,
}

pub async fn insert_wait(tx: &mut Tx, w: &NewWait<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO visit_waitlist (site_id, service_id, day, party, customer_id, name, phone, email, \
         language, person_key, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'waiting', $11) RETURNING id"
    )
    .bind(w.site_id)
    .bind(w.service_id)
    .bind(w.day)
    .bind(w.party)
    .bind(w.customer_id)
    .bind(w.name)
    .bind(w.phone)
    .bind(w.email)
    .bind(w.language)
    .bind(w.person_key)
    .bind(w.now)
    .fetch_one(conn)
    .await?
    }))
}

pub async fn wait(store: &Store, id: i64) -> Result<Option<WaitRow>> {
    let sql = format!("SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

/// Entries still waiting for a day, first come first.
pub async fn waiting_in(tx: &mut Tx, site_id: i64, day: &str) -> Result<Vec<WaitRow>> {
    let sql = format!(
        "SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE site_id = $1 AND day = $2 AND status = 'waiting' ORDER BY id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id)
    .bind(day)
    .fetch_all(conn)
    .await?))
}

pub async fn waitlist_of_day(store: &Store, site_id: i64, day: &str) -> Result<Vec<WaitRow>> {
    let sql = format!(
        "SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE site_id = $1 AND day = $2 ORDER BY id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id)
    .bind(day)
    .fetch_all(pool)
    .await?))
}

/// Moves a waitlist entry between statuses; false when it was not in `from`.
pub async fn wait_transition(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    visit_id: Option<i64>,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE visit_waitlist SET status = $3, visit_id = COALESCE($4, visit_id) WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(visit_id)
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

// ---- API tokens ----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    pub token_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub customer_id: Option<i64>,
    pub disabled: bool,
    pub last_used_at: Option<i64>,
}

pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    hash: &str,
    now: i64,
) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(user_id)
    .bind(name)
    .bind(hash)
    .bind(now)
    .fetch_one(conn)
    .await?
    }))
}

/// The account behind a token that is not revoked.
pub async fn token_user(store: &Store, hash: &str) -> Result<Option<TokenUser>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, TokenUser>(
        "SELECT t.id AS token_id, u.id AS user_id, u.username, u.display_name, u.role, u.customer_id, \
         u.disabled, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?
    }))
}

pub async fn touch_token(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn revoke_tokens(tx: &mut Tx, user_id: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"
    )
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()))
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

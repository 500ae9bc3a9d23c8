//! The meter-exchange campaign: campaigns, jobs (one per meter point, with their class and
//! plan), crews and their days off.

use crate::backend::{MAX_PARAMS, Placeholders, values_placeholders};
use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub starts_on: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// Bumped by every change of the routes; see [`bump_plan_version`].
    pub plan_version: i64,
}

pub async fn insert_campaign(tx: &mut Tx, name: &str, starts_on: &str, now: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO campaigns (name, status, starts_on, created_at) VALUES ($1, 'open', $2, $3) RETURNING id"
    )
    .bind(name)
    .bind(starts_on)
    .bind(now)
    .fetch_one(conn)
    .await?
    }))
}

/// The open campaign, if any (at most one is open).
pub async fn open_campaign(store: &Store) -> Result<Option<CampaignRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CampaignRow>(
        "SELECT id, name, status, starts_on, created_at, closed_at, plan_version FROM campaigns \
         WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    .fetch_optional(pool)
    .await?))
}

/// Bumps the campaign's plan version; with `expected`, only if it still is that version
/// (compare and swap: 0 rows means another change came first). On PostgreSQL a concurrent
/// bump waits for the other transaction and then sees its version.
pub async fn bump_plan_version(tx: &mut Tx, campaign: i64, expected: Option<i64>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaigns SET plan_version = plan_version + 1 \
         WHERE id = $1 AND ($2 IS NULL OR plan_version = $2)"
    )
    .bind(campaign)
    .bind(expected)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// The open campaign inside a write transaction (to refuse a second one).
pub async fn open_campaign_in(tx: &mut Tx) -> Result<Option<i64>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM campaigns WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    .fetch_optional(conn)
    .await?))
}

pub async fn close_campaign(tx: &mut Tx, id: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaigns SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'"
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// One open job for every electricity meter point not yet in the campaign, in one statement;
/// classification follows in the same transaction.
pub async fn insert_jobs_from_meter_points(tx: &mut Tx, campaign: i64, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO campaign_jobs (campaign_id, meter_point_id, tier, plannability, needs_booking, service_min, status, updated_at) \
         SELECT $1, m.id, 1, 'plannable', FALSE, 30, 'open', $2 FROM meter_points m \
         WHERE NOT EXISTS (SELECT 1 FROM campaign_jobs j WHERE j.campaign_id = $1 AND j.meter_point_id = m.id) \
         ORDER BY m.id"
    )
    .bind(campaign)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// A job with what the rules and the planner need to know.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub campaign_id: i64,
    pub meter_point_id: i64,
    pub customer_id: i64,
    pub street: String,
    pub placement: String,
    pub property_kind: String,
    pub meter_kind: String,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub tier: i64,
    pub plannability: String,
    pub needs_booking: bool,
    pub skill: Option<String>,
    pub service_min: i64,
    pub status: String,
    pub crew_id: Option<i64>,
    pub planned_on: Option<String>,
    pub arrive_min: Option<i64>,
    pub seq: Option<i64>,
    pub pinned: bool,
    pub window_on: Option<String>,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    pub review_on: Option<String>,
    pub done_at: Option<i64>,
}

const JOB_COLUMNS: &str = "j.id, j.campaign_id, j.meter_point_id, m.customer_id, m.street, m.placement, m.property_kind, m.meter_kind, \
    m.lat_e6, m.lon_e6, j.tier, j.plannability, j.needs_booking, j.skill, j.service_min, j.status, j.crew_id, \
    j.planned_on, j.arrive_min, j.seq, j.pinned, j.window_on, j.window_start_min, j.window_end_min, j.review_on, j.done_at";

/// Every job of a campaign with its meter point's facts, in id order.
fn jobs_sql() -> String {
    format!(
        "SELECT {JOB_COLUMNS} FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
         WHERE j.campaign_id = $1 ORDER BY j.id"
    )
}

pub async fn jobs(store: &Store, campaign: i64) -> Result<Vec<JobRow>> {
    let sql = jobs_sql();
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign)
    .fetch_all(pool)
    .await?))
}

/// One job of a campaign, if it is that campaign's.
pub async fn job(store: &Store, campaign: i64, id: i64) -> Result<Option<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
         WHERE j.campaign_id = $1 AND j.id = $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign)
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

/// The same inside a write transaction (classification reads and writes in one).
pub async fn jobs_in(tx: &mut Tx, campaign: i64) -> Result<Vec<JobRow>> {
    let sql = jobs_sql();
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign)
    .fetch_all(conn)
    .await?))
}

/// A job's class as the rules decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobClassRow {
    pub id: i64,
    pub tier: i64,
    pub plannability: &'static str,
    pub needs_booking: bool,
    pub skill: Option<&'static str>,
    pub service_min: i64,
    pub review_on: Option<String>,
    /// Deferred or paused jobs lose their place in the plan (unless done).
    pub unplan: bool,
}

/// Writes jobs' classes, in chunks of one statement each.
pub async fn set_classes(tx: &mut Tx, rows: &[JobClassRow], now: i64) -> Result<()> {
    const COLS: usize = 8;
    for chunk in rows.chunks((MAX_PARAMS / COLS).max(1)) {
        let sql = format!(
            "UPDATE campaign_jobs SET tier = v.column2, plannability = v.column3, needs_booking = v.column4, \
             skill = v.column5, service_min = v.column6, review_on = v.column7, \
             status = CASE WHEN v.column8 AND campaign_jobs.status IN ('planned', 'notified', 'booked') THEN 'open' ELSE campaign_jobs.status END, \
             crew_id = CASE WHEN v.column8 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked') THEN NULL ELSE campaign_jobs.crew_id END, \
             planned_on = CASE WHEN v.column8 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked') THEN NULL ELSE campaign_jobs.planned_on END, \
             pinned = CASE WHEN v.column8 THEN FALSE ELSE campaign_jobs.pinned END, \
             window_on = CASE WHEN v.column8 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked') THEN NULL ELSE campaign_jobs.window_on END, \
             window_start_min = CASE WHEN v.column8 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked') THEN NULL ELSE campaign_jobs.window_start_min END, \
             window_end_min = CASE WHEN v.column8 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked') THEN NULL ELSE campaign_jobs.window_end_min END, \
             updated_at = {now} \
             FROM (VALUES {}) AS v WHERE campaign_jobs.id = v.column1",
            values_placeholders(tx.backend(), chunk.len(), COLS)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.id)
                    .bind(r.tier)
                    .bind(r.plannability)
                    .bind(r.needs_booking)
                    .bind(r.skill)
                    .bind(r.service_min)
                    .bind(r.review_on.clone())
                    .bind(r.unplan);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// A job's place in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    pub id: i64,
    pub crew_id: i64,
    pub planned_on: String,
    pub arrive_min: i64,
    pub seq: i64,
}

/// Replaces the plan: jobs not notified, booked, done or failed lose their place, then the
/// given ones get theirs (status `planned`, or kept when notified or booked).
pub async fn store_plan(tx: &mut Tx, campaign: i64, rows: &[PlannedRow], now: i64) -> Result<()> {
    bump_plan_version(tx, campaign, None).await?;
    with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'open', crew_id = NULL, planned_on = NULL, arrive_min = NULL, seq = NULL, updated_at = $2 \
         WHERE campaign_id = $1 AND status = 'planned' AND NOT pinned"
    )
    .bind(campaign)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    const COLS: usize = 5;
    for chunk in rows.chunks((MAX_PARAMS / COLS).max(1)) {
        let sql = format!(
            "UPDATE campaign_jobs SET crew_id = v.column2, planned_on = v.column3, arrive_min = v.column4, seq = v.column5, \
             status = CASE WHEN campaign_jobs.status = 'open' THEN 'planned' ELSE campaign_jobs.status END, updated_at = {now} \
             FROM (VALUES {}) AS v WHERE campaign_jobs.id = v.column1 AND campaign_jobs.status IN ('open', 'planned', 'notified', 'booked')",
            values_placeholders(tx.backend(), chunk.len(), COLS)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.id)
                    .bind(r.crew_id)
                    .bind(&r.planned_on)
                    .bind(r.arrive_min)
                    .bind(r.seq);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CrewRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub supplier_id: Option<i64>,
    pub skills: String,
    pub depot_lat_e6: i64,
    pub depot_lon_e6: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
    pub active: bool,
}

/// A crew to add.
#[derive(Debug, Clone)]
pub struct NewCrew<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub supplier_id: Option<i64>,
    pub skills: &'a str,
    pub depot_lat_e6: i64,
    pub depot_lon_e6: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
}

pub async fn insert_crew(tx: &mut Tx, c: &NewCrew<'_>, now: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO crews (name, kind, supplier_id, skills, depot_lat_e6, depot_lon_e6, shift_start_min, shift_end_min, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(c.name)
    .bind(c.kind)
    .bind(c.supplier_id)
    .bind(c.skills)
    .bind(c.depot_lat_e6)
    .bind(c.depot_lon_e6)
    .bind(c.shift_start_min)
    .bind(c.shift_end_min)
    .bind(now)
    .fetch_one(conn)
    .await?
    }))
}

pub async fn crews(store: &Store) -> Result<Vec<CrewRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CrewRow>(
        "SELECT id, name, kind, supplier_id, skills, depot_lat_e6, depot_lon_e6, shift_start_min, shift_end_min, active \
         FROM crews ORDER BY id"
    )
    .fetch_all(pool)
    .await?
    }))
}

/// Pins a placed job to its crew and day (re-plans keep it there) or unpins it; 0 rows when
/// the job is not in the open campaign, or is to be pinned but not placed on a day.
pub async fn set_pinned(tx: &mut Tx, job: i64, pinned: bool, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET pinned = $2, updated_at = $3 \
         WHERE id = $1 AND campaign_id IN (SELECT id FROM campaigns WHERE status = 'open') \
           AND ($2 = FALSE OR (status IN ('planned', 'notified', 'booked') AND crew_id IS NOT NULL AND planned_on IS NOT NULL))"
    )
    .bind(job)
    .bind(pinned)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

pub async fn set_day_off(tx: &mut Tx, crew: i64, day: &str, reason: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO crew_days_off (crew_id, day, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (crew_id, day) DO UPDATE SET reason = excluded.reason"
    )
    .bind(crew)
    .bind(day)
    .bind(reason)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Days off from `from` on, `(crew, day)`.
pub async fn days_off(store: &Store, from: &str) -> Result<Vec<(i64, String)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT crew_id, day FROM crew_days_off WHERE day >= $1 ORDER BY crew_id, day",
        )
        .bind(from)
        .fetch_all(pool)
        .await?
    }))
}

/// Marks planned jobs as notified (their interruption notice or invitation went out): they are
/// fixed to their crew and day from now on.
pub async fn mark_notified(tx: &mut Tx, ids: &[i64], now: i64) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(MAX_PARAMS) {
        let list = Placeholders::new(tx.backend()).list(chunk.len());
        let sql = format!(
            "UPDATE campaign_jobs SET status = 'notified', notified_at = {now}, updated_at = {now} \
             WHERE status = 'planned' AND id IN ({list})"
        );
        n += with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

/// Puts a technician account in a crew (or takes it out with `None`).
pub async fn set_user_crew(tx: &mut Tx, user_id: i64, crew: Option<i64>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET crew_id = $1 WHERE id = $2 AND role = 'technician'"
    )
    .bind(crew)
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn user_crew(store: &Store, user_id: i64) -> Result<Option<i64>> {
    Ok(
        with_pool!(store, |pool| sqlx::query_scalar::<_, Option<i64>>(
            "SELECT crew_id FROM users WHERE id = $1"
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?)
        .flatten(),
    )
}

/// One stop of a crew's day, with what the technician needs at the door.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StopRow {
    pub id: i64,
    pub seq: Option<i64>,
    pub arrive_min: Option<i64>,
    pub status: String,
    pub tier: i64,
    pub service_min: i64,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    pub anlaggnings_id: String,
    pub meter_number: String,
    pub meter_kind: String,
    pub placement: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub failure_reason: Option<String>,
    pub new_meter_number: Option<String>,
}

pub async fn crew_stops(store: &Store, crew: i64, day: &str) -> Result<Vec<StopRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, StopRow>(
        "SELECT j.id, j.seq, j.arrive_min, j.status, j.tier, j.service_min, j.window_start_min, j.window_end_min, \
                m.anlaggnings_id, m.meter_number, m.meter_kind, m.placement, m.street, m.postal_code, m.city, \
                m.lat_e6, m.lon_e6, c.name AS customer_name, c.phone AS customer_phone, j.failure_reason, j.new_meter_number \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.crew_id = $1 AND j.planned_on = $2 ORDER BY j.seq, j.id"
    )
    .bind(crew)
    .bind(day)
    .fetch_all(pool)
    .await?
    }))
}

/// Records a finished exchange on a job of the crew that is still to be done; 0 rows when the
/// job is not the crew's or already recorded.
pub async fn record_done(
    tx: &mut Tx,
    job: i64,
    crew: i64,
    old_reading: i64,
    new_meter_number: &str,
    new_reading: i64,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'done', done_at = $1, old_reading = $2, new_meter_number = $3, \
         new_reading = $4, failure_reason = NULL, updated_at = $1 \
         WHERE id = $5 AND crew_id = $6 AND status IN ('planned', 'notified', 'booked')"
    )
    .bind(now)
    .bind(old_reading)
    .bind(new_meter_number)
    .bind(new_reading)
    .bind(job)
    .bind(crew)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// Records a failed visit. `reopen` puts the job back to be planned again (not home, no
/// access, declined); otherwise it stays failed for a planner to look at (hazard, wrong kind).
pub async fn record_failed(
    tx: &mut Tx,
    job: i64,
    crew: i64,
    reason: &str,
    reopen: bool,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaign_jobs SET failure_reason = $1, updated_at = $2, \
         status = CASE WHEN $3 THEN 'open' ELSE 'failed' END, \
         crew_id = CASE WHEN $3 THEN NULL ELSE crew_id END, \
         planned_on = CASE WHEN $3 THEN NULL ELSE planned_on END, \
         window_on = NULL, window_start_min = NULL, window_end_min = NULL, pinned = FALSE \
         WHERE id = $4 AND crew_id = $5 AND status IN ('planned', 'notified', 'booked')"
    )
    .bind(reason)
    .bind(now)
    .bind(reopen)
    .bind(job)
    .bind(crew)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A customer's jobs in the open campaign: `(status, plannability, planned_on)`.
pub async fn customer_jobs(
    store: &Store,
    customer: i64,
) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        (String, String, Option<String>),
    >(
        "SELECT j.status, j.plannability, j.planned_on FROM campaign_jobs j \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN campaigns c ON c.id = j.campaign_id \
         WHERE m.customer_id = $1 AND c.status = 'open' ORDER BY j.planned_on, j.id"
    )
    .bind(customer)
    .fetch_all(pool)
    .await?))
}

/// A job to tell its customer about, with where to reach them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub status: String,
    /// The job may only be visited at a window the customer booked.
    pub needs_booking: bool,
    pub tier: i64,
    pub planned_on: String,
    pub arrive_min: Option<i64>,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    pub customer_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: String,
    pub language: String,
    /// The customer's name and postal address, for a letter.
    pub letter_address: String,
    /// The meter point's address (where the visit is).
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub anlaggnings_id: String,
}

/// Plannable jobs of the open campaign on days `from..=to` in these states.
pub async fn notice_candidates(
    store: &Store,
    from: &str,
    to: &str,
    statuses: &[&str],
) -> Result<Vec<NoticeRow>> {
    let list = statuses
        .iter()
        .map(|s| format!("'{}'", s.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT j.id, j.status, j.needs_booking, j.tier, j.planned_on, j.arrive_min, j.window_start_min, j.window_end_min, \
                c.id AS customer_id, c.name, c.email, c.phone, c.preferred_channel, c.language, \
                c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address, \
                m.street, m.postal_code, m.city, m.anlaggnings_id \
         FROM campaign_jobs j JOIN campaigns k ON k.id = j.campaign_id \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE k.status = 'open' AND j.plannability = 'plannable' AND j.planned_on >= $1 AND j.planned_on <= $2 \
           AND j.status IN ({list}) ORDER BY j.planned_on, j.id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, NoticeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// Books a window for a job still to be done: fixed to the crew and day, arrival at the start
/// of the window until the next plan fits it into the route.
pub async fn book_window(
    tx: &mut Tx,
    job: i64,
    crew: i64,
    day: &str,
    start_min: i64,
    end_min: i64,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'booked', crew_id = $1, planned_on = $2, window_on = $2, \
         window_start_min = $3, window_end_min = $4, arrive_min = $3, updated_at = $5 \
         WHERE id = $6 AND plannability = 'plannable' AND status IN ('open', 'planned', 'notified', 'booked')"
    )
    .bind(crew)
    .bind(day)
    .bind(start_min)
    .bind(end_min)
    .bind(now)
    .bind(job)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// Indoor jobs of the open campaign without a booked window, not yet notified: each is invited
/// once to book (a job that needs a booking waits for it; others may choose instead of taking
/// the day the plan gives them).
pub async fn invite_candidates(store: &Store) -> Result<Vec<NoticeRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, NoticeRow>(
        "SELECT j.id, j.status, j.needs_booking, j.tier, '' AS planned_on, \
                j.arrive_min, j.window_start_min, j.window_end_min, \
                c.id AS customer_id, c.name, c.email, c.phone, c.preferred_channel, c.language, \
                c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address, \
                m.street, m.postal_code, m.city, m.anlaggnings_id \
         FROM campaign_jobs j JOIN campaigns k ON k.id = j.campaign_id \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE k.status = 'open' AND j.plannability = 'plannable' AND (j.needs_booking OR j.tier = 2) \
           AND j.window_on IS NULL AND j.status IN ('open', 'planned') ORDER BY j.id"
    )
    .fetch_all(pool)
    .await?
    }))
}

/// Jobs with their customers' contact details, read in a transaction, in id order.
pub async fn notice_rows_in(tx: &mut Tx, ids: &[i64]) -> Result<Vec<NoticeRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT j.id, j.status, j.needs_booking, j.tier, COALESCE(j.planned_on, '') AS planned_on, j.arrive_min, j.window_start_min, \
                j.window_end_min, c.id AS customer_id, c.name, c.email, c.phone, c.preferred_channel, c.language, \
                c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address, \
                m.street, m.postal_code, m.city, m.anlaggnings_id \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.id IN ({list}) ORDER BY j.id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, NoticeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

/// One job with its customer's contact details (for a message about that job).
pub async fn notice_row(store: &Store, job: i64) -> Result<Option<NoticeRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, NoticeRow>(
        "SELECT j.id, j.status, j.needs_booking, j.tier, COALESCE(j.planned_on, '') AS planned_on, j.arrive_min, j.window_start_min, \
                j.window_end_min, c.id AS customer_id, c.name, c.email, c.phone, c.preferred_channel, c.language, \
                c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address, \
                m.street, m.postal_code, m.city, m.anlaggnings_id \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.id = $1"
    )
    .bind(job)
    .fetch_optional(pool)
    .await?
    }))
}

/// The mean position of all meter points, `(lat, lon)` in millionths of a degree.
pub async fn meter_points_centre(store: &Store) -> Result<Option<(i64, i64)>> {
    let row: (Option<f64>, Option<f64>) = with_pool!(store, |pool| {
        sqlx::query_as::<_, (Option<f64>, Option<f64>)>(
            "SELECT AVG(CAST(lat_e6 AS DOUBLE PRECISION)), AVG(CAST(lon_e6 AS DOUBLE PRECISION)) FROM meter_points",
        )
        .fetch_one(pool)
        .await?
    });
    Ok(match row {
        (Some(lat), Some(lon)) => Some((lat.round() as i64, lon.round() as i64)),
        _ => None,
    })
}

/// Local suppliers of a trade, `(id, name)`, for subcontracted crews.
pub async fn local_suppliers(store: &Store, trade: &str) -> Result<Vec<(i64, String)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT id, name FROM suppliers WHERE is_local AND trades = $1 ORDER BY id",
        )
        .bind(trade)
        .fetch_all(pool)
        .await?
    }))
}

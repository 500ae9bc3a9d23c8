//! The meter-exchange campaign: campaigns, jobs (one per meter point, with their class and
//! plan), crews and their days off.
//!
//! Every row is read into domain types here ([`from_row!`]): statuses, plannability, crew kind
//! and failure reasons as closed sets, ids typed, civil dates as `Date`. Instants stay
//! microseconds UTC (`i64`).

pub mod route_day;
pub mod runs;

use domain::campaign::{
    CampaignStatus, CrewKind, DayOffReason, FailReason, JobStatus, Plannability,
};
use domain::ids::{
    CampaignId, CampaignJobId, CrewId, CustomerId, MeterPointId, SupplierId, UserId,
};
use domain::meter::{MeterKind, Placement, PropertyKind};
use jiff::civil::Date;

use crate::backend::{MAX_PARAMS, Placeholders, values_placeholders};
use crate::customers::{CONTACT_COLUMNS, Contact};
use crate::{Result, Store, Tx};

/// A contact tier stored as `BIGINT` 1–3 (the table's `CHECK` holds it there).
fn tier(table: &'static str, v: i64) -> std::result::Result<u8, sqlx::Error> {
    u8::try_from(v)
        .ok()
        .filter(|t| (1..=3).contains(t))
        .ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "tier".to_owned(),
            source: format!("{table}.tier holds {v}: not a tier (1, 2 or 3)").into(),
        })
}

#[derive(Debug, Clone)]
pub struct CampaignRow {
    pub id: CampaignId,
    pub name: String,
    pub status: CampaignStatus,
    pub starts_on: Date,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// Bumped by every change of the routes; see [`bump_plan_version`].
    pub plan_version: i64,
}

from_row!(CampaignRow, "campaigns", |c| CampaignRow {
    id: c.id("id")?,
    name: c.get("name")?,
    status: c.code("status")?,
    starts_on: c.date("starts_on")?,
    created_at: c.get("created_at")?,
    closed_at: c.get("closed_at")?,
    plan_version: c.get("plan_version")?,
});

pub async fn insert_campaign(
    tx: &mut Tx,
    name: &str,
    starts_on: Date,
    now: i64,
) -> Result<CampaignId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO campaigns (name, status, starts_on, created_at) VALUES ($1, 'open', $2, $3) RETURNING id"
    )
    .bind(name)
    .bind(starts_on.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?
    });
    Ok(CampaignId::new(id))
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
pub async fn bump_plan_version(
    tx: &mut Tx,
    campaign: CampaignId,
    expected: Option<i64>,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaigns SET plan_version = plan_version + 1 \
         WHERE id = $1 AND ($2 IS NULL OR plan_version = $2)"
    )
    .bind(campaign.get())
    .bind(expected)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// The open campaign inside a write transaction (to refuse a second one).
pub async fn open_campaign_in(tx: &mut Tx) -> Result<Option<CampaignId>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM campaigns WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    .fetch_optional(conn)
    .await?)
    .map(CampaignId::new))
}

pub async fn close_campaign(tx: &mut Tx, id: CampaignId, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaigns SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'"
    )
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// One open job for every electricity meter point not yet in the campaign, in one statement;
/// classification follows in the same transaction.
pub async fn insert_jobs_from_meter_points(
    tx: &mut Tx,
    campaign: CampaignId,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO campaign_jobs (campaign_id, meter_point_id, tier, plannability, needs_booking, service_min, status, updated_at) \
         SELECT $1, m.id, 1, 'plannable', FALSE, 30, 'open', $2 FROM meter_points m \
         WHERE NOT EXISTS (SELECT 1 FROM campaign_jobs j WHERE j.campaign_id = $1 AND j.meter_point_id = m.id) \
         ORDER BY m.id"
    )
    .bind(campaign.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// A job with what the rules and the planner need to know.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: CampaignJobId,
    pub campaign_id: CampaignId,
    pub meter_point_id: MeterPointId,
    pub customer_id: CustomerId,
    pub street: String,
    pub placement: Placement,
    pub property_kind: PropertyKind,
    pub meter_kind: MeterKind,
    pub lat_e6: i64,
    pub lon_e6: i64,
    /// 1 no contact, 2 contact allowed, 3 paused by policy.
    pub tier: u8,
    pub plannability: Plannability,
    pub needs_booking: bool,
    pub skill: Option<String>,
    pub service_min: i64,
    pub status: JobStatus,
    pub crew_id: Option<CrewId>,
    pub planned_on: Option<Date>,
    pub arrive_min: Option<i64>,
    pub seq: Option<i64>,
    pub pinned: bool,
    pub window_on: Option<Date>,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    pub review_on: Option<Date>,
    pub done_at: Option<i64>,
}

from_row!(JobRow, "campaign_jobs", |c| JobRow {
    id: c.id("id")?,
    campaign_id: c.id("campaign_id")?,
    meter_point_id: c.id("meter_point_id")?,
    customer_id: c.id("customer_id")?,
    street: c.get("street")?,
    placement: c.code("placement")?,
    property_kind: c.code("property_kind")?,
    meter_kind: c.code("meter_kind")?,
    lat_e6: c.get("lat_e6")?,
    lon_e6: c.get("lon_e6")?,
    tier: tier("campaign_jobs", c.get("tier")?)?,
    plannability: c.code("plannability")?,
    needs_booking: c.get("needs_booking")?,
    skill: c.get("skill")?,
    service_min: c.get("service_min")?,
    status: c.code("status")?,
    crew_id: c.id_opt("crew_id")?,
    planned_on: c.date_opt("planned_on")?,
    arrive_min: c.get("arrive_min")?,
    seq: c.get("seq")?,
    pinned: c.get("pinned")?,
    window_on: c.date_opt("window_on")?,
    window_start_min: c.get("window_start_min")?,
    window_end_min: c.get("window_end_min")?,
    review_on: c.date_opt("review_on")?,
    done_at: c.get("done_at")?,
});

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

pub async fn jobs(store: &Store, campaign: CampaignId) -> Result<Vec<JobRow>> {
    let sql = jobs_sql();
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign.get())
    .fetch_all(pool)
    .await?))
}

/// One job of a campaign, if it is that campaign's.
pub async fn job(store: &Store, campaign: CampaignId, id: CampaignJobId) -> Result<Option<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
         WHERE j.campaign_id = $1 AND j.id = $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign.get())
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// The same inside a write transaction (classification reads and writes in one).
pub async fn jobs_in(tx: &mut Tx, campaign: CampaignId) -> Result<Vec<JobRow>> {
    let sql = jobs_sql();
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign.get())
    .fetch_all(conn)
    .await?))
}

/// A customer's jobs in a campaign, inside a write transaction (a declaration classifies
/// them where it is recorded).
pub async fn customer_jobs_in(
    tx: &mut Tx,
    campaign: CampaignId,
    customer: CustomerId,
) -> Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
         WHERE j.campaign_id = $1 AND m.customer_id = $2 ORDER BY j.id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, JobRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(campaign.get())
    .bind(customer.get())
    .fetch_all(conn)
    .await?))
}

/// The street of a job's meter point (where the visit is), read in a transaction.
pub async fn job_street(store: &Store, job: CampaignJobId) -> Result<Option<String>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_scalar::<_, String>(
        "SELECT m.street FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id WHERE j.id = $1"
    )
    .bind(job.get())
    .fetch_optional(pool)
    .await?
    }))
}

/// A job's class as the rules decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobClassRow {
    pub id: CampaignJobId,
    pub tier: u8,
    pub plannability: Plannability,
    pub needs_booking: bool,
    pub skill: Option<&'static str>,
    pub service_min: i64,
    pub review_on: Option<Date>,
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
                    .bind(r.id.get())
                    .bind(i64::from(r.tier))
                    .bind(r.plannability.as_str())
                    .bind(r.needs_booking)
                    .bind(r.skill)
                    .bind(r.service_min)
                    .bind(r.review_on.map(|d| d.to_string()))
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
    pub id: CampaignJobId,
    pub crew_id: CrewId,
    pub planned_on: Date,
    pub arrive_min: i64,
    pub seq: i64,
}

/// Replaces the plan: jobs not notified, booked, done or failed lose their place, then the
/// given ones get theirs (status `planned`, or kept when notified or booked).
pub async fn store_plan(
    tx: &mut Tx,
    campaign: CampaignId,
    rows: &[PlannedRow],
    now: i64,
) -> Result<()> {
    bump_plan_version(tx, campaign, None).await?;
    with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'open', crew_id = NULL, planned_on = NULL, arrive_min = NULL, seq = NULL, updated_at = $2 \
         WHERE campaign_id = $1 AND status = 'planned' AND NOT pinned"
    )
    .bind(campaign.get())
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
                    .bind(r.id.get())
                    .bind(r.crew_id.get())
                    .bind(r.planned_on.to_string())
                    .bind(r.arrive_min)
                    .bind(r.seq);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct CrewRow {
    pub id: CrewId,
    pub name: String,
    pub kind: CrewKind,
    pub supplier_id: Option<SupplierId>,
    /// The crew's skills (`ct`), stored comma-separated.
    pub skills: Vec<String>,
    pub depot_lat_e6: i64,
    pub depot_lon_e6: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
    pub active: bool,
}

fn skills(stored: String) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

from_row!(CrewRow, "crews", |c| CrewRow {
    id: c.id("id")?,
    name: c.get("name")?,
    kind: c.code("kind")?,
    supplier_id: c.id_opt("supplier_id")?,
    skills: skills(c.get("skills")?),
    depot_lat_e6: c.get("depot_lat_e6")?,
    depot_lon_e6: c.get("depot_lon_e6")?,
    shift_start_min: c.get("shift_start_min")?,
    shift_end_min: c.get("shift_end_min")?,
    active: c.get("active")?,
});

/// A crew to add.
#[derive(Debug, Clone)]
pub struct NewCrew<'a> {
    pub name: &'a str,
    pub kind: CrewKind,
    pub supplier_id: Option<SupplierId>,
    pub skills: &'a [&'a str],
    pub depot_lat_e6: i64,
    pub depot_lon_e6: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
}

pub async fn insert_crew(tx: &mut Tx, c: &NewCrew<'_>, now: i64) -> Result<CrewId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO crews (name, kind, supplier_id, skills, depot_lat_e6, depot_lon_e6, shift_start_min, shift_end_min, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(c.name)
    .bind(c.kind.as_str())
    .bind(c.supplier_id.map(SupplierId::get))
    .bind(c.skills.join(","))
    .bind(c.depot_lat_e6)
    .bind(c.depot_lon_e6)
    .bind(c.shift_start_min)
    .bind(c.shift_end_min)
    .bind(now)
    .fetch_one(conn)
    .await?
    });
    Ok(CrewId::new(id))
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
pub async fn set_pinned(tx: &mut Tx, job: CampaignJobId, pinned: bool, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET pinned = $2, updated_at = $3 \
         WHERE id = $1 AND campaign_id IN (SELECT id FROM campaigns WHERE status = 'open') \
           AND ($2 = FALSE OR (status IN ('planned', 'notified', 'booked') AND crew_id IS NOT NULL AND planned_on IS NOT NULL))"
    )
    .bind(job.get())
    .bind(pinned)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

pub async fn set_day_off(tx: &mut Tx, crew: CrewId, day: Date, reason: DayOffReason) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO crew_days_off (crew_id, day, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (crew_id, day) DO UPDATE SET reason = excluded.reason"
    )
    .bind(crew.get())
    .bind(day.to_string())
    .bind(reason.as_str())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// A crew's day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayOffRow {
    pub crew_id: CrewId,
    pub day: Date,
}

from_row!(DayOffRow, "crew_days_off", |c| DayOffRow {
    crew_id: c.id("crew_id")?,
    day: c.date("day")?,
});

/// Days off from `from` on.
pub async fn days_off(store: &Store, from: Date) -> Result<Vec<DayOffRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, DayOffRow>(
            "SELECT crew_id, day FROM crew_days_off WHERE day >= $1 ORDER BY crew_id, day",
        )
        .bind(from.to_string())
        .fetch_all(pool)
        .await?
    }))
}

/// Marks planned jobs as notified (their interruption notice or invitation went out): they are
/// fixed to their crew and day from now on.
pub async fn mark_notified(tx: &mut Tx, ids: &[CampaignJobId], now: i64) -> Result<u64> {
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
                q = q.bind(id.get());
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(n)
}

/// Puts a technician account in a crew (or takes it out with `None`).
pub async fn set_user_crew(tx: &mut Tx, user: UserId, crew: Option<CrewId>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET crew_id = $1 WHERE id = $2 AND role = 'technician'"
    )
    .bind(crew.map(CrewId::get))
    .bind(user.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn user_crew(store: &Store, user: UserId) -> Result<Option<CrewId>> {
    Ok(
        with_pool!(store, |pool| sqlx::query_scalar::<_, Option<i64>>(
            "SELECT crew_id FROM users WHERE id = $1"
        )
        .bind(user.get())
        .fetch_optional(pool)
        .await?)
        .flatten()
        .map(CrewId::new),
    )
}

/// One stop of a crew's day, with what the technician needs at the door.
#[derive(Debug, Clone)]
pub struct StopRow {
    pub id: CampaignJobId,
    pub seq: Option<i64>,
    pub arrive_min: Option<i64>,
    pub status: JobStatus,
    pub tier: u8,
    pub service_min: i64,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    pub anlaggnings_id: String,
    pub meter_number: String,
    pub meter_kind: MeterKind,
    pub placement: Placement,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub failure_reason: Option<FailReason>,
    pub new_meter_number: Option<String>,
}

from_row!(StopRow, "campaign_jobs", |c| StopRow {
    id: c.id("id")?,
    seq: c.get("seq")?,
    arrive_min: c.get("arrive_min")?,
    status: c.code("status")?,
    tier: tier("campaign_jobs", c.get("tier")?)?,
    service_min: c.get("service_min")?,
    window_start_min: c.get("window_start_min")?,
    window_end_min: c.get("window_end_min")?,
    anlaggnings_id: c.get("anlaggnings_id")?,
    meter_number: c.get("meter_number")?,
    meter_kind: c.code("meter_kind")?,
    placement: c.code("placement")?,
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    lat_e6: c.get("lat_e6")?,
    lon_e6: c.get("lon_e6")?,
    customer_name: c.get("customer_name")?,
    customer_phone: c.get("customer_phone")?,
    failure_reason: c.code_opt("failure_reason")?,
    new_meter_number: c.get("new_meter_number")?,
});

pub async fn crew_stops(store: &Store, crew: CrewId, day: Date) -> Result<Vec<StopRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, StopRow>(
        "SELECT j.id, j.seq, j.arrive_min, j.status, j.tier, j.service_min, j.window_start_min, j.window_end_min, \
                m.anlaggnings_id, m.meter_number, m.meter_kind, m.placement, m.street, m.postal_code, m.city, \
                m.lat_e6, m.lon_e6, c.name AS customer_name, c.phone AS customer_phone, j.failure_reason, j.new_meter_number \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.crew_id = $1 AND j.planned_on = $2 ORDER BY j.seq, j.id"
    )
    .bind(crew.get())
    .bind(day.to_string())
    .fetch_all(pool)
    .await?
    }))
}

/// A finished exchange as the technician records it.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    pub old_reading: i64,
    pub new_meter_number: &'a str,
    pub new_reading: i64,
    /// Whether the infection routine was confirmed; `None` where none applied.
    pub routine_followed: Option<bool>,
}

/// Records a finished exchange on a job of the crew that is still to be done; 0 rows when the
/// job is not the crew's or already recorded.
pub async fn record_done(
    tx: &mut Tx,
    job: CampaignJobId,
    crew: CrewId,
    done: Exchange<'_>,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'done', done_at = $1, old_reading = $2, new_meter_number = $3, \
         new_reading = $4, failure_reason = NULL, routine_followed = $7, updated_at = $1 \
         WHERE id = $5 AND crew_id = $6 AND status IN ('planned', 'notified', 'booked')"
    )
    .bind(now)
    .bind(done.old_reading)
    .bind(done.new_meter_number)
    .bind(done.new_reading)
    .bind(job.get())
    .bind(crew.get())
    .bind(done.routine_followed)
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// Records a failed visit. A reason that [reopens](FailReason::reopens) puts the job back to
/// be planned again (not home, no access, declined); otherwise it stays failed for a planner to
/// look at (hazard, wrong kind). 0 rows when the job is not the crew's or already recorded.
pub async fn record_failed(
    tx: &mut Tx,
    job: CampaignJobId,
    crew: CrewId,
    reason: FailReason,
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
    .bind(reason.as_str())
    .bind(now)
    .bind(reason.reopens())
    .bind(job.get())
    .bind(crew.get())
    .execute(conn)
    .await?
    .rows_affected()))
}

/// One of a customer's jobs in the open campaign, as the customer may know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerJobRow {
    pub status: JobStatus,
    pub plannability: Plannability,
    pub planned_on: Option<Date>,
}

from_row!(CustomerJobRow, "campaign_jobs", |c| CustomerJobRow {
    status: c.code("status")?,
    plannability: c.code("plannability")?,
    planned_on: c.date_opt("planned_on")?,
});

/// A customer's jobs in the open campaign, by day.
pub async fn customer_jobs(store: &Store, customer: CustomerId) -> Result<Vec<CustomerJobRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CustomerJobRow>(
            "SELECT j.status, j.plannability, j.planned_on FROM campaign_jobs j \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN campaigns c ON c.id = j.campaign_id \
         WHERE m.customer_id = $1 AND c.status = 'open' ORDER BY j.planned_on, j.id",
        )
        .bind(customer.get())
        .fetch_all(pool)
        .await?
    }))
}

/// A job to tell its customer about, with where to reach them.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub job: CampaignJobId,
    pub status: JobStatus,
    /// The job may only be visited at a window the customer booked.
    pub needs_booking: bool,
    pub tier: u8,
    /// `None` for a job not on a day (an invitation to book).
    pub planned_on: Option<Date>,
    pub arrive_min: Option<i64>,
    pub window_start_min: Option<i64>,
    pub window_end_min: Option<i64>,
    /// How to reach the customer.
    pub contact: Contact,
    /// The meter point's address (where the visit is).
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub anlaggnings_id: String,
}

from_row!(NoticeRow, "campaign_jobs", |c| NoticeRow {
    job: c.id("job_id")?,
    status: c.code("status")?,
    needs_booking: c.get("needs_booking")?,
    tier: tier("campaign_jobs", c.get("tier")?)?,
    planned_on: c.date_opt("planned_on")?,
    arrive_min: c.get("arrive_min")?,
    window_start_min: c.get("window_start_min")?,
    window_end_min: c.get("window_end_min")?,
    contact: Contact {
        id: c.id("id")?,
        name: c.get("name")?,
        email: c.get("email")?,
        phone: c.get("phone")?,
        language: c.code("language")?,
        preferred_channel: c.code("preferred_channel")?,
        letter_address: c.get("letter_address")?,
    },
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    anlaggnings_id: c.get("anlaggnings_id")?,
});

/// The columns of [`NoticeRow`] from `campaign_jobs j`, `meter_points m` and `customers c`.
fn notice_columns() -> String {
    format!(
        "j.id AS job_id, j.status, j.needs_booking, j.tier, j.planned_on, j.arrive_min, j.window_start_min, \
         j.window_end_min, {CONTACT_COLUMNS}, m.street, m.postal_code, m.city, m.anlaggnings_id"
    )
}

/// Plannable jobs of the open campaign on days `from..=to` in these states.
pub async fn notice_candidates(
    store: &Store,
    from: Date,
    to: Date,
    statuses: &[JobStatus],
) -> Result<Vec<NoticeRow>> {
    // Codes of a closed set: never user input.
    let list = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {} \
         FROM campaign_jobs j JOIN campaigns k ON k.id = j.campaign_id \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE k.status = 'open' AND j.plannability = 'plannable' AND j.planned_on >= $1 AND j.planned_on <= $2 \
           AND j.status IN ({list}) ORDER BY j.planned_on, j.id",
        notice_columns()
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, NoticeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?))
}

/// A window booked for a job, on a crew's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookedWindow {
    pub crew: CrewId,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
}

/// Books a window for a job still to be done: fixed to the crew and day, arrival at the start
/// of the window until the next plan fits it into the route.
pub async fn book_window(
    tx: &mut Tx,
    job: CampaignJobId,
    w: BookedWindow,
    now: i64,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'booked', crew_id = $1, planned_on = $2, window_on = $2, \
         window_start_min = $3, window_end_min = $4, arrive_min = $3, eta_from_min = NULL, eta_to_min = NULL, eta_at = NULL, updated_at = $5 \
         WHERE id = $6 AND plannability = 'plannable' AND status IN ('open', 'planned', 'notified', 'booked')"
    )
    .bind(w.crew.get())
    .bind(w.day.to_string())
    .bind(w.start_min)
    .bind(w.end_min)
    .bind(now)
    .bind(job.get())
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// Indoor jobs of the open campaign without a booked window, not yet notified: each is invited
/// once to book (a job that needs a booking waits for it; others may choose instead of taking
/// the day the plan gives them).
pub async fn invite_candidates(store: &Store) -> Result<Vec<NoticeRow>> {
    let sql = format!(
        "SELECT {} \
         FROM campaign_jobs j JOIN campaigns k ON k.id = j.campaign_id \
         JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE k.status = 'open' AND j.plannability = 'plannable' AND (j.needs_booking OR j.tier = 2) \
           AND j.window_on IS NULL AND j.status IN ('open', 'planned') ORDER BY j.id",
        notice_columns()
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, NoticeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Jobs with their customers' contact details, read in a transaction, in id order.
pub async fn notice_rows_in(tx: &mut Tx, ids: &[CampaignJobId]) -> Result<Vec<NoticeRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(|id| id.get().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {} \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.id IN ({list}) ORDER BY j.id",
        notice_columns()
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, NoticeRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

/// One job with its customer's contact details (for a message about that job).
pub async fn notice_row(store: &Store, job: CampaignJobId) -> Result<Option<NoticeRow>> {
    let sql = format!(
        "SELECT {} \
         FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id JOIN customers c ON c.id = m.customer_id \
         WHERE j.id = $1",
        notice_columns()
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, NoticeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(job.get())
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

/// A local supplier a subcontracted crew may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierRow {
    pub id: SupplierId,
    pub name: String,
}

from_row!(SupplierRow, "suppliers", |c| SupplierRow {
    id: c.id("id")?,
    name: c.get("name")?,
});

/// Local suppliers of a trade, for subcontracted crews.
pub async fn local_suppliers(
    store: &Store,
    trade: domain::suppliers::Trade,
) -> Result<Vec<SupplierRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SupplierRow>(
            "SELECT id, name FROM suppliers WHERE is_local AND active AND id IN \
             (SELECT supplier_id FROM supplier_trades WHERE trade = $1) ORDER BY id",
        )
        .bind(trade.as_str())
        .fetch_all(pool)
        .await?
    }))
}

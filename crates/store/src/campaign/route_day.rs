//! The day of a crew's route as it happens: stops taken off a crew's list of today (a
//! declaration, a policy pausing the visit), kept so the technician's list shows them struck
//! off in case it was read before (no reason kept, only where and when the stop was to be);
//! and the live arrival time the next customer was told.

use domain::ids::{CampaignJobId, CrewId, CustomerId};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// A stop taken off a crew's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub crew: CrewId,
    pub day: Date,
    pub job: CampaignJobId,
    /// When the crew was to arrive, minutes after midnight.
    pub arrive_min: Option<i64>,
}

/// A stop struck off a crew's list, as the technician sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalRow {
    pub job: CampaignJobId,
    pub arrive_min: Option<i64>,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// When it was taken off, microseconds UTC.
    pub removed_at: i64,
}

from_row!(RemovalRow, "work_list_removals", |c| RemovalRow {
    job: c.id("job_id")?,
    arrive_min: c.get("arrive_min")?,
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    removed_at: c.get("removed_at")?,
});

/// Records stops taken off; one taken off the same day again keeps its first record.
pub async fn record(tx: &mut Tx, removals: &[Removal], now: i64) -> Result<()> {
    for r in removals {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO work_list_removals (crew_id, day, job_id, arrive_min, removed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (crew_id, day, job_id) DO NOTHING"
        )
        .bind(r.crew.get())
        .bind(r.day.to_string())
        .bind(r.job.get())
        .bind(r.arrive_min)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// The stops taken off a crew's day, in the order they were to be visited; none that is back on
/// the crew's list of that day.
pub async fn of_day(store: &Store, crew: CrewId, day: Date) -> Result<Vec<RemovalRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, RemovalRow>(
            "SELECT r.job_id, r.arrive_min, r.removed_at, m.street, m.postal_code, m.city \
             FROM work_list_removals r JOIN campaign_jobs j ON j.id = r.job_id \
             JOIN meter_points m ON m.id = j.meter_point_id \
             WHERE r.crew_id = $1 AND r.day = $2 \
             AND NOT (j.crew_id IS NOT NULL AND j.crew_id = r.crew_id AND j.planned_on = r.day) \
             ORDER BY r.arrive_min, r.job_id",
        )
        .bind(crew.get())
        .bind(day.to_string())
        .fetch_all(pool)
        .await?
    }))
}

/// Records the live arrival window told to a job's customer.
pub async fn set_eta(
    tx: &mut Tx,
    job: CampaignJobId,
    from_min: i64,
    to_min: i64,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE campaign_jobs SET eta_from_min = $1, eta_to_min = $2, eta_at = $3 WHERE id = $4"
    )
    .bind(from_min)
    .bind(to_min)
    .bind(now)
    .bind(job.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// A live arrival time as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtaRow {
    pub street: String,
    pub from_min: i64,
    pub to_min: i64,
}

from_row!(EtaRow, "campaign_jobs", |c| EtaRow {
    street: c.get("street")?,
    from_min: c.get("eta_from_min")?,
    to_min: c.get("eta_to_min")?,
});

/// The latest live arrival time told to a customer for a visit still to come on `day`.
pub async fn customer_eta(
    store: &Store,
    customer: CustomerId,
    day: Date,
) -> Result<Option<EtaRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, EtaRow>(
            "SELECT m.street, j.eta_from_min, j.eta_to_min \
             FROM campaign_jobs j JOIN meter_points m ON m.id = j.meter_point_id \
             WHERE m.customer_id = $1 AND j.planned_on = $2 AND j.eta_from_min IS NOT NULL \
             AND j.status IN ('planned', 'notified', 'booked') ORDER BY j.eta_at DESC LIMIT 1",
        )
        .bind(customer.get())
        .bind(day.to_string())
        .fetch_optional(pool)
        .await?
    }))
}

/// Takes a visit still to come off its crew's day at the household's word (no reason kept):
/// back to be planned, its booking and live time released. 0 rows when it was not on a day.
pub async fn postpone(tx: &mut Tx, job: CampaignJobId, now: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE campaign_jobs SET status = 'open', crew_id = NULL, planned_on = NULL, arrive_min = NULL, \
         seq = NULL, pinned = FALSE, window_on = NULL, window_start_min = NULL, window_end_min = NULL, \
         eta_from_min = NULL, eta_to_min = NULL, eta_at = NULL, updated_at = $1 \
         WHERE id = $2 AND status IN ('planned', 'notified', 'booked')"
    )
    .bind(now)
    .bind(job.get())
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

//! Stops taken off a crew's list of today (a declaration, a policy pausing the visit): kept so
//! the technician's list shows them struck off, in case the list was read before. No reason is
//! kept, only where and when the stop was to be.

use domain::ids::{CampaignJobId, CrewId};
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

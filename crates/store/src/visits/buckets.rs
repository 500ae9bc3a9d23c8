//! The occupancy buckets: people present and visits in progress per site and 5-minute bucket.

use domain::ids::SiteId;

use crate::{Result, Store, Tx};

// ---- buckets -------------------------------------------------------------------------------

const LOAD_SQL: &str = "SELECT starts_at, present, visits FROM visit_buckets \
     WHERE site_id = $1 AND starts_at >= $2 AND starts_at < $3 AND visits > 0 ORDER BY starts_at";

/// Buckets with anyone booked in `[from, to)`: `(starts_at, present, visits)`.
pub async fn load(
    store: &Store,
    site_id: SiteId,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, i64, i64)>(LOAD_SQL)
            .bind(site_id.get())
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
    }))
}

/// The same as [`load`], read inside a write transaction.
pub async fn load_in(
    tx: &mut Tx,
    site_id: SiteId,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, (i64, i64, i64)>(LOAD_SQL)
            .bind(site_id.get())
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
    site_id: SiteId,
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
    .bind(site_id.get())
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
pub async fn release(tx: &mut Tx, site_id: SiteId, from: i64, to: i64, party: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE visit_buckets SET present = present - $4, visits = visits - 1 \
         WHERE site_id = $1 AND starts_at >= $2 AND starts_at < $3"
    )
    .bind(site_id.get())
    .bind(from)
    .bind(to)
    .bind(party)
    .execute(conn)
    .await?
    .rows_affected()))
}

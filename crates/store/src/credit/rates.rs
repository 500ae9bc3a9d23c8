//! The reference rates of räntelagen 9 §, one row per half-year, editable by finance.

use domain::credit::ReferenceRate;
use jiff::civil::Date;

use crate::{Result, Store, Tx};

struct RateRow(ReferenceRate);

from_row!(RateRow, "reference_rates", |c| RateRow(ReferenceRate {
    valid_from: c.date("valid_from")?,
    rate_bp: {
        let bp: i64 = c.get("rate_bp")?;
        i32::try_from(bp).map_err(|e| sqlx::Error::ColumnDecode {
            index: "rate_bp".into(),
            source: Box::new(crate::codec::BadValue {
                table: "reference_rates",
                column: "rate_bp",
                value: bp.to_string(),
                reason: e.to_string(),
            }),
        })?
    },
}));

/// The table, oldest first.
pub async fn reference_rates(store: &Store) -> Result<Vec<ReferenceRate>> {
    let rows = with_pool!(store, |pool| {
        sqlx::query_as::<_, RateRow>(
            "SELECT valid_from, rate_bp FROM reference_rates ORDER BY valid_from",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Sets the rate of the half-year starting `valid_from` (a row for it again replaces it).
pub async fn set_reference_rate(
    tx: &mut Tx,
    valid_from: Date,
    rate_bp: i32,
    by: &str,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO reference_rates (valid_from, rate_bp, set_by, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (valid_from) DO UPDATE SET rate_bp = excluded.rate_bp, set_by = excluded.set_by, created_at = excluded.created_at"
    )
    .bind(valid_from.to_string())
    .bind(i64::from(rate_bp))
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Adds a known rate unless its half-year has one.
pub async fn seed_reference_rate(tx: &mut Tx, rate: &ReferenceRate, now: i64) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO reference_rates (valid_from, rate_bp, set_by, created_at) VALUES ($1, $2, 'system', $3) \
         ON CONFLICT (valid_from) DO NOTHING"
    )
    .bind(rate.valid_from.to_string())
    .bind(i64::from(rate.rate_bp))
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

//! The utility's registers as its billing system hands them over: every customer and meter
//! point read at once for comparison, updates one row at a time, inserts in bulk
//! (`crate::customers`), and the subscriptions that tie a meter point to its customer.

use domain::ids::{CustomerId, MeterPointId, SubscriptionId};
use domain::meter::UtilityService;
use jiff::civil::Date;

use crate::backend::values_placeholders;
use crate::customers::{
    CUSTOMER_COLUMNS, CustomerRow, METER_POINT_COLUMNS, MeterPointRow, NewCustomer, NewMeterPoint,
};
use crate::{Result, Store, Tx};

/// Every customer, for an import to compare its lines with.
pub async fn all_customers(store: &Store) -> Result<Vec<CustomerRow>> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CustomerRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

/// Rewrites a customer with what the register says (its creation time stays).
pub async fn update_customer(tx: &mut Tx, id: CustomerId, c: &NewCustomer) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE customers SET kind = $1, name = $2, identity_number = $3, email = $4, \
         phone = $5, language = $6, preferred_channel = $7, street = $8, postal_code = $9, \
         city = $10, search_text = $11 WHERE id = $12"
    )
    .bind(c.kind.as_str())
    .bind(&c.name)
    .bind(&c.identity_number)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(c.language.as_str())
    .bind(c.preferred_channel.as_str())
    .bind(&c.street)
    .bind(&c.postal_code)
    .bind(&c.city)
    .bind(&c.search_text)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Every meter point, for an import to compare its lines with.
pub async fn all_meter_points(store: &Store) -> Result<Vec<MeterPointRow>> {
    let sql = format!("SELECT {METER_POINT_COLUMNS} FROM meter_points");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, MeterPointRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Rewrites a meter point with what the register says (its id and creation time stay).
pub async fn update_meter_point(tx: &mut Tx, id: MeterPointId, m: &NewMeterPoint) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE meter_points SET customer_id = $1, street = $2, postal_code = $3, city = $4, \
         lat_e6 = $5, lon_e6 = $6, property_kind = $7, placement = $8, fuse_amps = $9, \
         meter_kind = $10, meter_number = $11 WHERE id = $12"
    )
    .bind(m.customer_id.get())
    .bind(&m.street)
    .bind(&m.postal_code)
    .bind(&m.city)
    .bind(m.lat_e6)
    .bind(m.lon_e6)
    .bind(m.property_kind.as_str())
    .bind(m.placement.as_str())
    .bind(m.fuse_amps)
    .bind(m.meter_kind.as_str())
    .bind(&m.meter_number)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Meter-point ids by their 18-digit id, read inside the import's transaction (so rows it
/// just inserted are there).
pub async fn meter_point_ids(tx: &mut Tx) -> Result<Vec<(String, MeterPointId)>> {
    let rows = with_tx!(tx, |conn| sqlx::query_as::<_, (String, i64)>(
        "SELECT anlaggnings_id, id FROM meter_points"
    )
    .fetch_all(conn)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(a, id)| (a, MeterPointId::new(id)))
        .collect())
}

/// A subscription still running on a meter point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSubscription {
    pub id: SubscriptionId,
    pub customer_id: CustomerId,
    pub meter_point_id: MeterPointId,
    pub service: UtilityService,
}

from_row!(ActiveSubscription, "subscriptions", |c| {
    ActiveSubscription {
        id: c.id("id")?,
        customer_id: c.id("customer_id")?,
        meter_point_id: c.id("meter_point_id")?,
        service: c.code("service")?,
    }
});

/// Every subscription on a meter point that has not ended.
pub async fn active_meter_subscriptions(store: &Store) -> Result<Vec<ActiveSubscription>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        ActiveSubscription,
    >(
        "SELECT id, customer_id, meter_point_id, service FROM subscriptions \
         WHERE meter_point_id IS NOT NULL AND ended_on IS NULL"
    )
    .fetch_all(pool)
    .await?))
}

/// Ends a subscription on a day (the customer moved out).
pub async fn end_subscription(tx: &mut Tx, id: SubscriptionId, day: Date) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE subscriptions SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL"
    )
    .bind(day.to_string())
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Starts subscriptions `(customer, meter point, service)` on a day, many per statement.
pub async fn start_subscriptions(
    tx: &mut Tx,
    rows: &[(CustomerId, MeterPointId, UtilityService)],
    day: Date,
) -> Result<()> {
    let day = day.to_string();
    for part in rows.chunks(crate::backend::rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO subscriptions (customer_id, meter_point_id, service, started_on) VALUES {}",
            values_placeholders(tx.backend(), part.len(), 4)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (c, m, s) in part {
                q = q.bind(c.get()).bind(m.get()).bind(s.as_str()).bind(&day);
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRow {
    pub id: SubscriptionId,
    pub customer_id: CustomerId,
    pub meter_point_id: Option<MeterPointId>,
    pub service: UtilityService,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

from_row!(SubscriptionRow, "subscriptions", |c| SubscriptionRow {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    meter_point_id: c.id_opt("meter_point_id")?,
    service: c.code("service")?,
    started_on: c.date("started_on")?,
    ended_on: c.date_opt("ended_on")?,
});

/// Every subscription, ended ones too (an import matches them by customer, service, meter
/// point and start).
pub async fn all_subscriptions(store: &Store) -> Result<Vec<SubscriptionRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SubscriptionRow>(
        "SELECT id, customer_id, meter_point_id, service, started_on, ended_on FROM subscriptions ORDER BY id"
    )
    .fetch_all(pool)
    .await?
    }))
}

/// A subscription to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    pub customer_id: CustomerId,
    pub meter_point_id: Option<MeterPointId>,
    pub service: UtilityService,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

/// Adds subscriptions, many per statement.
pub async fn insert_subscriptions(tx: &mut Tx, rows: &[NewSubscription]) -> Result<()> {
    for part in rows.chunks(crate::backend::rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO subscriptions (customer_id, meter_point_id, service, started_on, ended_on) VALUES {}",
            values_placeholders(tx.backend(), part.len(), 5)
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for r in part {
                q = q
                    .bind(r.customer_id.get())
                    .bind(r.meter_point_id.map(|m| m.get()))
                    .bind(r.service.as_str())
                    .bind(r.started_on.to_string())
                    .bind(r.ended_on.map(|d| d.to_string()));
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// Sets a subscription's start and (or no) end.
pub async fn update_subscription(
    tx: &mut Tx,
    id: SubscriptionId,
    started_on: Date,
    ended_on: Option<Date>,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE subscriptions SET started_on = $1, ended_on = $2 WHERE id = $3"
    )
    .bind(started_on.to_string())
    .bind(ended_on.map(|d| d.to_string()))
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

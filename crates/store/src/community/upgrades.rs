//! Free broadband upgrades for businesses and the provisioning orders sent for them.

use domain::community::upgrades::{OrderAction, UpgradeState, Via};
use domain::customer::CustomerKind;
use domain::ids::{CustomerId, ProvisioningOrderId, SubscriptionId, UpgradeId};
use domain::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// A customer's broadband connection, as an upgrade needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub customer_id: CustomerId,
    pub customer_number: String,
    pub name: String,
    pub kind: CustomerKind,
    /// `None` when the customer has no broadband subscription running.
    pub subscription_id: Option<SubscriptionId>,
    pub speed_mbit: Option<u32>,
}

from_row!(Connection, "customers", |c| Connection {
    customer_id: c.id("id")?,
    customer_number: c.get("customer_number")?,
    name: c.get("name")?,
    kind: c.code("kind")?,
    subscription_id: c.id_opt("subscription_id")?,
    speed_mbit: c
        .get::<Option<i64>>("speed_mbit")?
        .map(|s| u32::try_from(s).unwrap_or(0)),
});

/// Which customer a connection is looked up by.
enum Key<'a> {
    Number(&'a str),
    Id(CustomerId),
}

/// The customer with this number and their broadband connection (the first running one).
pub async fn connection(store: &Store, customer_number: &str) -> Result<Option<Connection>> {
    connection_by(store, Key::Number(customer_number)).await
}

/// The customer with this id and their broadband connection.
pub async fn connection_of(store: &Store, customer: CustomerId) -> Result<Option<Connection>> {
    connection_by(store, Key::Id(customer)).await
}

const CONNECTION_SELECT: &str = "SELECT c.id, c.customer_number, c.name, c.kind, \
     (SELECT s.id FROM subscriptions s WHERE s.customer_id = c.id AND s.service = 'broadband' \
      AND s.ended_on IS NULL ORDER BY s.id LIMIT 1) AS subscription_id, \
     (SELECT s.speed_mbit FROM subscriptions s WHERE s.customer_id = c.id \
      AND s.service = 'broadband' AND s.ended_on IS NULL ORDER BY s.id LIMIT 1) AS speed_mbit \
     FROM customers c";

async fn connection_by(store: &Store, key: Key<'_>) -> Result<Option<Connection>> {
    let filter = match key {
        Key::Number(_) => "c.customer_number = $1",
        Key::Id(_) => "c.id = $1",
    };
    let sql = format!("{CONNECTION_SELECT} WHERE {filter}");
    Ok(with_pool!(store, |pool| {
        let q = sqlx::query_as::<_, Connection>(sqlx::AssertSqlSafe(sql.clone()));
        match key {
            Key::Number(n) => q.bind(n),
            Key::Id(id) => q.bind(id.get()),
        }
        .fetch_optional(pool)
        .await?
    }))
}

/// Sets a broadband connection's speed.
pub async fn set_speed(tx: &mut Tx, subscription: SubscriptionId, speed: u32) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE subscriptions SET speed_mbit = $1 WHERE id = $2"
    )
    .bind(i64::from(speed))
    .bind(subscription.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// An upgrade, with its customer's number and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeRow {
    pub id: UpgradeId,
    pub customer_id: CustomerId,
    pub customer_number: String,
    pub customer_name: String,
    pub subscription_id: SubscriptionId,
    pub normal_speed_mbit: u32,
    pub speed_mbit: u32,
    pub from: Date,
    pub to: Date,
    pub state: UpgradeState,
    pub via: Via,
    pub requested_by: String,
    pub value: Money,
    pub started_at: Option<Timestamp>,
    pub reminded_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub cancelled_by: Option<String>,
    pub created_at: Timestamp,
}

from_row!(UpgradeRow, "broadband_upgrades", |c| UpgradeRow {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    customer_number: c.get("customer_number")?,
    customer_name: c.get("customer_name")?,
    subscription_id: c.id("subscription_id")?,
    normal_speed_mbit: c.count("normal_speed_mbit")?,
    speed_mbit: c.count("speed_mbit")?,
    from: c.date("from_on")?,
    to: c.date("to_on")?,
    state: c.code("state")?,
    via: c.code("requested_via")?,
    requested_by: c.get("requested_by")?,
    value: c.money("value_ore")?,
    started_at: c.instant_opt("started_at")?,
    reminded_at: c.instant_opt("reminded_at")?,
    ended_at: c.instant_opt("ended_at")?,
    cancelled_by: c.get("cancelled_by")?,
    created_at: c.instant("created_at")?,
});

const UPGRADE_SELECT: &str = "SELECT u.id, u.customer_id, c.customer_number, \
     c.name AS customer_name, u.subscription_id, u.normal_speed_mbit, u.speed_mbit, u.from_on, \
     u.to_on, u.state, u.requested_via, u.requested_by, u.value_ore, u.started_at, \
     u.reminded_at, u.ended_at, u.cancelled_by, u.created_at \
     FROM broadband_upgrades u JOIN customers c ON c.id = u.customer_id";

/// An upgrade as written: scheduled.
pub struct NewUpgrade<'a> {
    pub customer_id: CustomerId,
    pub subscription_id: SubscriptionId,
    pub normal_speed_mbit: u32,
    pub speed_mbit: u32,
    pub from: Date,
    pub to: Date,
    pub via: Via,
    pub requested_by: &'a str,
    pub value: Money,
}

/// Writes an upgrade: `None` when the connection has one scheduled or running (the partial unique
/// index decides, so two requests at once cannot both be written).
pub async fn insert_upgrade(
    tx: &mut Tx,
    u: &NewUpgrade<'_>,
    now: i64,
) -> Result<Option<UpgradeId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO broadband_upgrades (customer_id, subscription_id, normal_speed_mbit, \
             speed_mbit, from_on, to_on, state, requested_via, requested_by, value_ore, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8, $9, $10) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(u.customer_id.get())
        .bind(u.subscription_id.get())
        .bind(i64::from(u.normal_speed_mbit))
        .bind(i64::from(u.speed_mbit))
        .bind(u.from.to_string())
        .bind(u.to.to_string())
        .bind(u.via.as_str())
        .bind(u.requested_by)
        .bind(u.value.ore())
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    Ok(id.map(UpgradeId::new))
}

/// One upgrade.
pub async fn upgrade(store: &Store, id: UpgradeId) -> Result<Option<UpgradeRow>> {
    let sql = format!("{UPGRADE_SELECT} WHERE u.id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, UpgradeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// A customer's upgrades, the latest first.
pub async fn upgrades_of(store: &Store, customer: CustomerId) -> Result<Vec<UpgradeRow>> {
    let sql =
        format!("{UPGRADE_SELECT} WHERE u.customer_id = $1 ORDER BY u.from_on DESC, u.id DESC");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, UpgradeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(customer.get())
            .fetch_all(pool)
            .await?
    }))
}

/// Every upgrade in one of `states`, by first day.
pub async fn upgrades_in(store: &Store, states: &[UpgradeState]) -> Result<Vec<UpgradeRow>> {
    let list: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
    let sql = format!(
        "{UPGRADE_SELECT} WHERE u.state IN ({}) ORDER BY u.from_on, u.id",
        list.join(", ")
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, UpgradeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Upgrades the daily run may have something to do with on `today`: scheduled ones whose first
/// day has come, and running ones whose last day is within `remind_until`.
pub async fn due(store: &Store, today: Date, remind_until: Date) -> Result<Vec<UpgradeRow>> {
    let sql = format!(
        "{UPGRADE_SELECT} WHERE (u.state = 'scheduled' AND u.from_on <= $1) \
         OR (u.state = 'active' AND u.to_on <= $2) ORDER BY u.id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, UpgradeRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(today.to_string())
            .bind(remind_until.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// Moves an upgrade from `from` to `to`, stamping the moment (`started_at` for active,
/// `ended_at` for reverted and cancelled): `false` when it was not in `from`.
pub async fn set_state(
    tx: &mut Tx,
    id: UpgradeId,
    from: UpgradeState,
    to: UpgradeState,
    by: Option<&str>,
    now: i64,
) -> Result<bool> {
    let column = match to {
        UpgradeState::Active => "started_at",
        _ => "ended_at",
    };
    let sql = format!(
        "UPDATE broadband_upgrades SET state = $1, {column} = $2, \
         cancelled_by = COALESCE($3, cancelled_by) WHERE id = $4 AND state = $5"
    );
    Ok(
        with_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(to.as_str())
            .bind(now)
            .bind(by)
            .bind(id.get())
            .bind(from.as_str())
            .execute(conn)
            .await?
            .rows_affected())
            == 1,
    )
}

/// Notes that the customer was reminded of the end: `false` when they were already.
pub async fn mark_reminded(tx: &mut Tx, id: UpgradeId, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE broadband_upgrades SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL \
         AND state = 'active'"
    )
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// A provisioning order, with what the network operator needs to carry it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: ProvisioningOrderId,
    pub upgrade_id: UpgradeId,
    pub action: OrderAction,
    pub speed_mbit: u32,
    pub effective_on: Date,
    pub idempotency_key: String,
    pub customer_number: String,
    pub subscription_id: SubscriptionId,
    pub delivered_at: Option<Timestamp>,
    pub attempts: u32,
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

from_row!(OrderRow, "provisioning_orders", |c| OrderRow {
    id: c.id("id")?,
    upgrade_id: c.id("upgrade_id")?,
    action: c.code("action")?,
    speed_mbit: c.count("speed_mbit")?,
    effective_on: c.date("effective_on")?,
    idempotency_key: c.get("idempotency_key")?,
    customer_number: c.get("customer_number")?,
    subscription_id: c.id("subscription_id")?,
    delivered_at: c.instant_opt("delivered_at")?,
    attempts: c.count("attempts")?,
    next_attempt_at: c.instant_opt("next_attempt_at")?,
    last_error: c.get("last_error")?,
});

const ORDER_SELECT: &str = "SELECT o.id, o.upgrade_id, o.action, o.speed_mbit, o.effective_on, \
     o.idempotency_key, c.customer_number, u.subscription_id, o.delivered_at, o.attempts, \
     o.next_attempt_at, o.last_error FROM provisioning_orders o \
     JOIN broadband_upgrades u ON u.id = o.upgrade_id JOIN customers c ON c.id = u.customer_id";

/// Writes an order once per idempotency key: whether it was new.
pub async fn insert_order(
    tx: &mut Tx,
    upgrade: UpgradeId,
    action: OrderAction,
    speed: u32,
    effective_on: Date,
    now: i64,
) -> Result<bool> {
    let key = format!("upgrade-{}-{}", upgrade.get(), action.as_str());
    Ok(with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO provisioning_orders (upgrade_id, action, speed_mbit, effective_on, \
         idempotency_key, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
         ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(upgrade.get())
    .bind(action.as_str())
    .bind(i64::from(speed))
    .bind(effective_on.to_string())
    .bind(key)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// The orders that take effect on `day` (the day's order file).
pub async fn orders_on(store: &Store, day: Date) -> Result<Vec<OrderRow>> {
    let sql = format!("{ORDER_SELECT} WHERE o.effective_on = $1 ORDER BY o.id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(day.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// The most recent orders, newest first.
pub async fn recent_orders(store: &Store, limit: i64) -> Result<Vec<OrderRow>> {
    let sql = format!("{ORDER_SELECT} ORDER BY o.id DESC LIMIT $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// Orders not yet delivered whose next attempt is due at `now`, oldest first.
pub async fn undelivered(store: &Store, now: i64, limit: i64) -> Result<Vec<OrderRow>> {
    let sql = format!(
        "{ORDER_SELECT} WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1 \
         ORDER BY o.id LIMIT $2"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// Records an attempt at delivering an order: delivered, or failed with the next attempt due.
pub async fn record_attempt(
    tx: &mut Tx,
    id: ProvisioningOrderId,
    outcome: std::result::Result<i64, (&str, i64)>,
) -> Result<()> {
    let (delivered, error, next) = match outcome {
        Ok(at) => (Some(at), None, None),
        Err((e, next)) => (None, Some(e.to_owned()), Some(next)),
    };
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE provisioning_orders SET attempts = attempts + 1, delivered_at = $1, \
         last_error = $2, next_attempt_at = COALESCE($3, next_attempt_at) \
         WHERE id = $4 AND delivered_at IS NULL"
    )
    .bind(delivered)
    .bind(error.clone())
    .bind(next)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Business customers with a running broadband subscription (who may ask for a free upgrade).
pub async fn businesses_with_broadband(store: &Store) -> Result<Vec<CustomerId>> {
    let ids: Vec<i64> = with_pool!(store, |pool| {
        sqlx::query_scalar::<_, i64>(
            "SELECT DISTINCT c.id FROM customers c JOIN subscriptions s ON s.customer_id = c.id \
             WHERE c.kind = 'business' AND s.service = 'broadband' AND s.ended_on IS NULL \
             ORDER BY c.id",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(ids.into_iter().map(CustomerId::new).collect())
}

/// Records `speed` for every running broadband subscription without one (the register's
/// standard speed, for connections sold before speeds were kept).
pub async fn set_unrecorded_speeds(tx: &mut Tx, speed: u32) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE subscriptions SET speed_mbit = $1 WHERE service = 'broadband' \
         AND speed_mbit IS NULL"
    )
    .bind(i64::from(speed))
    .execute(conn)
    .await?
    .rows_affected()))
}

/// How many provisioning orders, messages and ledger entries there are (the benchmark's check
/// that a daily run cut off and run again wrote each exactly once).
pub async fn written_counts(store: &Store) -> Result<[i64; 3]> {
    let mut out = [0; 3];
    for (slot, sql) in out.iter_mut().zip([
        "SELECT COUNT(*) FROM provisioning_orders",
        "SELECT COUNT(*) FROM outbox",
        "SELECT COUNT(*) FROM community_ledger",
    ]) {
        *slot = with_pool!(store, |pool| {
            sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?
        });
    }
    Ok(out)
}

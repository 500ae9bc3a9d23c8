//! Community support: the stock of critical supplies, the ledger of everything given, and
//! applications for event support; free broadband upgrades and their provisioning orders in
//! [`upgrades`].

pub mod sponsorship;
pub mod summer;
pub mod upgrades;

use domain::community::events::{EventNeed, EventState};
use domain::community::{LedgerCategory, RecipientKind, StockUnit};
use domain::identity::OrgNumber;
use domain::ids::{CustomerId, EventId, FunctionId, LedgerEntryId, StockItemId};
use domain::money::Money;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// An item of stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: StockItemId,
    pub name: String,
    pub unit: StockUnit,
    pub quantity: i64,
    pub reserve: i64,
    pub usage_per_week: i64,
    pub unit_value: Money,
    pub location: String,
    pub function_id: Option<FunctionId>,
}

from_row!(ItemRow, "community_items", |c| ItemRow {
    id: c.id("id")?,
    name: c.get("name")?,
    unit: c.code("unit")?,
    quantity: c.get("quantity")?,
    reserve: c.get("reserve")?,
    usage_per_week: c.get("usage_per_week")?,
    unit_value: c.money("unit_value_ore")?,
    location: c.get("location")?,
    function_id: c.id_opt("function_id")?,
});

const ITEM_COLUMNS: &str =
    "id, name, unit, quantity, reserve, usage_per_week, unit_value_ore, location, function_id";

/// An item as written (or counted again).
pub struct NewItem<'a> {
    pub name: &'a str,
    pub unit: StockUnit,
    pub quantity: i64,
    pub reserve: i64,
    pub usage_per_week: i64,
    pub unit_value: Money,
    pub location: &'a str,
    pub function_id: Option<FunctionId>,
}

/// Writes an item: `None` when its name is taken.
pub async fn insert_item(tx: &mut Tx, i: &NewItem<'_>, now: i64) -> Result<Option<StockItemId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO community_items (name, unit, quantity, reserve, usage_per_week, \
             unit_value_ore, location, function_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(i.name)
        .bind(i.unit.as_str())
        .bind(i.quantity)
        .bind(i.reserve)
        .bind(i.usage_per_week)
        .bind(i.unit_value.ore())
        .bind(i.location)
        .bind(i.function_id.map(|f| f.get()))
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    Ok(id.map(StockItemId::new))
}

/// Records a count of an item: its quantity, reserve, usage and place.
pub async fn update_item(tx: &mut Tx, id: StockItemId, i: &NewItem<'_>, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE community_items SET quantity = $1, reserve = $2, usage_per_week = $3, \
         unit_value_ore = $4, location = $5, function_id = $6, updated_at = $7 WHERE id = $8"
    )
    .bind(i.quantity)
    .bind(i.reserve)
    .bind(i.usage_per_week)
    .bind(i.unit_value.ore())
    .bind(i.location)
    .bind(i.function_id.map(|f| f.get()))
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Takes `amount` from an item's stock only if its reserve stays: `false` when it would not (the
/// database's own check, so two donations at once cannot both pass).
pub async fn take(tx: &mut Tx, id: StockItemId, amount: i64, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE community_items SET quantity = quantity - $1, updated_at = $2 \
         WHERE id = $3 AND quantity - $1 >= reserve"
    )
    .bind(amount)
    .bind(now)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Every item, by name.
pub async fn items(store: &Store) -> Result<Vec<ItemRow>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM community_items ORDER BY name, id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// One item, read in a write transaction.
pub async fn item(tx: &mut Tx, id: StockItemId) -> Result<Option<ItemRow>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM community_items WHERE id = $1");
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(conn)
            .await?
    }))
}

/// One entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub id: LedgerEntryId,
    pub category: LedgerCategory,
    pub given_on: Date,
    pub amount: Money,
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    pub recipient_org_number: Option<String>,
    pub customer_id: Option<CustomerId>,
    pub description: String,
    pub item_id: Option<StockItemId>,
    pub quantity: Option<i64>,
    pub decided_by: String,
    pub decided_at: Timestamp,
    pub reason: String,
}

from_row!(LedgerRow, "community_ledger", |c| LedgerRow {
    id: c.id("id")?,
    category: c.code("category")?,
    given_on: c.date("given_on")?,
    amount: c.money("amount_ore")?,
    recipient_kind: c.code("recipient_kind")?,
    recipient: c.get("recipient")?,
    recipient_org_number: c.get("recipient_org_number")?,
    customer_id: c.id_opt("customer_id")?,
    description: c.get("description")?,
    item_id: c.id_opt("item_id")?,
    quantity: c.get("quantity")?,
    decided_by: c.get("decided_by")?,
    decided_at: c.instant("decided_at")?,
    reason: c.get("reason")?,
});

const LEDGER_COLUMNS: &str = "id, category, given_on, amount_ore, recipient_kind, recipient, \
     recipient_org_number, customer_id, description, item_id, quantity, decided_by, decided_at, \
     reason";

/// An entry as written.
pub struct NewEntry<'a> {
    pub category: LedgerCategory,
    pub given_on: Date,
    pub amount: Money,
    pub recipient_kind: RecipientKind,
    pub recipient: &'a str,
    pub recipient_org_number: Option<&'a str>,
    pub customer_id: Option<CustomerId>,
    pub description: &'a str,
    pub item_id: Option<StockItemId>,
    pub quantity: Option<i64>,
    pub decided_by: &'a str,
    pub reason: &'a str,
    /// What made the entry (`upgrade:12`): written once per source.
    pub source_key: Option<&'a str>,
}

/// Writes an entry: `None` when its source already has one.
pub async fn insert_entry(
    tx: &mut Tx,
    e: &NewEntry<'_>,
    now: i64,
) -> Result<Option<LedgerEntryId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO community_ledger (category, given_on, amount_ore, recipient_kind, \
             recipient, recipient_org_number, customer_id, description, item_id, quantity, \
             decided_by, decided_at, reason, source_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $12) \
             ON CONFLICT (source_key) DO NOTHING RETURNING id",
        )
        .bind(e.category.as_str())
        .bind(e.given_on.to_string())
        .bind(e.amount.ore())
        .bind(e.recipient_kind.as_str())
        .bind(e.recipient)
        .bind(e.recipient_org_number)
        .bind(e.customer_id.map(|c| c.get()))
        .bind(e.description)
        .bind(e.item_id.map(|i| i.get()))
        .bind(e.quantity)
        .bind(e.decided_by)
        .bind(now)
        .bind(e.reason)
        .bind(e.source_key)
        .fetch_optional(conn)
        .await?
    });
    Ok(id.map(LedgerEntryId::new))
}

/// The entries given from `from` to `to` (both included), by day.
pub async fn entries(store: &Store, from: Date, to: Date) -> Result<Vec<LedgerRow>> {
    let sql = format!(
        "SELECT {LEDGER_COLUMNS} FROM community_ledger WHERE given_on >= $1 AND given_on <= $2 \
         ORDER BY given_on, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, LedgerRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// An application for event support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: EventId,
    pub organiser: String,
    pub org_number: OrgNumber,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub event_on: Date,
    pub place: String,
    pub expected_attendees: u32,
    pub needs: Vec<EventNeed>,
    /// Money asked for.
    pub amount: Money,
    pub description: String,
    pub state: EventState,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub decision_note: Option<String>,
    pub support: Option<Money>,
    /// The policy change under which the organiser was told the event is above the limit.
    pub over_limit_key: Option<String>,
    pub created_at: Timestamp,
}

/// Codes of a closed set stored separated by `;` (an event's needs, what a club gives back).
pub(crate) fn codes<T: domain::code::Code>(s: &str) -> std::result::Result<Vec<T>, String> {
    s.split(';')
        .filter(|c| !c.is_empty())
        .map(|c| T::from_code(c).ok_or_else(|| format!("not a {}: {c}", T::SET)))
        .collect()
}

from_row!(EventRow, "community_events", |c| EventRow {
    id: c.id("id")?,
    organiser: c.get("organiser")?,
    org_number: c.parsed("org_number", |s| s.parse::<OrgNumber>())?,
    contact_name: c.get("contact_name")?,
    contact_email: c.get("contact_email")?,
    event_on: c.date("event_on")?,
    place: c.get("place")?,
    expected_attendees: c.count("expected_attendees")?,
    needs: c.parsed("needs", codes::<EventNeed>)?,
    amount: c.money("amount_ore")?,
    description: c.get("description")?,
    state: c.code("state")?,
    decided_by: c.get("decided_by")?,
    decided_at: c.instant_opt("decided_at")?,
    decision_note: c.get("decision_note")?,
    support: c.money_opt("support_ore")?,
    over_limit_key: c.get("over_limit_key")?,
    created_at: c.instant("created_at")?,
});

const EVENT_COLUMNS: &str = "id, organiser, org_number, contact_name, contact_email, event_on, \
     place, expected_attendees, needs, amount_ore, description, state, decided_by, decided_at, \
     decision_note, support_ore, over_limit_key, created_at";

/// An application as written.
pub struct NewEvent<'a> {
    pub organiser: &'a str,
    pub org_number: &'a OrgNumber,
    pub contact_name: Option<&'a str>,
    pub contact_email: Option<&'a str>,
    pub event_on: Date,
    pub place: &'a str,
    pub expected_attendees: u32,
    pub needs: &'a [EventNeed],
    pub amount: Money,
    pub description: &'a str,
}

pub async fn insert_event(tx: &mut Tx, e: &NewEvent<'_>, now: i64) -> Result<EventId> {
    let needs: Vec<&str> = e.needs.iter().map(|n| n.as_str()).collect();
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO community_events (organiser, org_number, contact_name, contact_email, \
             event_on, place, expected_attendees, needs, amount_ore, description, state, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'applied', $11) \
             RETURNING id",
        )
        .bind(e.organiser)
        .bind(e.org_number.to_string())
        .bind(e.contact_name)
        .bind(e.contact_email)
        .bind(e.event_on.to_string())
        .bind(e.place)
        .bind(i64::from(e.expected_attendees))
        .bind(needs.join(";"))
        .bind(e.amount.ore())
        .bind(e.description)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(EventId::new(id))
}

/// Every application, the latest event first.
pub async fn events(store: &Store) -> Result<Vec<EventRow>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM community_events ORDER BY event_on DESC, id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// Approved events on `from` or later.
pub async fn approved_from(store: &Store, from: Date) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM community_events WHERE state = 'approved' \
         AND event_on >= $1 ORDER BY event_on, id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(from.to_string())
            .fetch_all(pool)
            .await?
    }))
}

/// One application, read in a write transaction.
pub async fn event(tx: &mut Tx, id: EventId) -> Result<Option<EventRow>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM community_events WHERE id = $1");
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(conn)
            .await?
    }))
}

/// A decision on an application.
pub struct Decision<'a> {
    pub state: EventState,
    pub decided_by: &'a str,
    pub note: &'a str,
    pub support: Option<Money>,
}

/// Decides an application still waiting: `false` when it was decided meanwhile.
pub async fn decide_event(tx: &mut Tx, id: EventId, d: &Decision<'_>, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE community_events SET state = $1, decided_by = $2, decided_at = $3, \
         decision_note = $4, support_ore = $5 WHERE id = $6 AND state = 'applied'"
    )
    .bind(d.state.as_str())
    .bind(d.decided_by)
    .bind(now)
    .bind(d.note)
    .bind(d.support.map(|m| m.ore()))
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Marks an approved event as above the limit of the change under `key`: `false` when it was
/// marked under that key already.
pub async fn mark_over_limit(tx: &mut Tx, id: EventId, key: &str) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE community_events SET over_limit_key = $1 WHERE id = $2 \
         AND (over_limit_key IS NULL OR over_limit_key <> $1)"
    )
    .bind(key)
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

//! Customers, their meter points and subscriptions, and the staff search (invoices and
//! payments: `crate::credit`).

use domain::customer::{Channel, CustomerKind, Language};
use domain::ids::{CustomerId, MeterPointId, SubscriptionId};
use domain::meter::{MeterKind, Placement, PropertyKind, UtilityService};
use jiff::civil::Date;

use crate::backend::values_placeholders;
use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct CustomerRow {
    pub id: CustomerId,
    pub customer_number: String,
    pub kind: CustomerKind,
    pub name: String,
    /// Normalised (digits only); masked for every reader but the audited reveal.
    pub identity_number: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub preferred_channel: Channel,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub created_at: i64,
}

from_row!(CustomerRow, "customers", |c| CustomerRow {
    id: c.id("id")?,
    customer_number: c.get("customer_number")?,
    kind: c.code("kind")?,
    name: c.get("name")?,
    identity_number: c.get("identity_number")?,
    email: c.get("email")?,
    phone: c.get("phone")?,
    language: c.code("language")?,
    preferred_channel: c.code("preferred_channel")?,
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    created_at: c.get("created_at")?,
});

pub(crate) const CUSTOMER_COLUMNS: &str = "id, customer_number, kind, name, identity_number, email, phone, language, preferred_channel, street, postal_code, city, created_at";

/// The columns of [`MeterPointRow`], written once for every query that reads one.
macro_rules! meter_point_columns {
    () => {
        "id, anlaggnings_id, customer_id, street, postal_code, city, lat_e6, lon_e6, property_kind, placement, fuse_amps, meter_kind, meter_number"
    };
}
pub(crate) const METER_POINT_COLUMNS: &str = meter_point_columns!();
const METER_POINTS_OF: &str = concat!(
    "SELECT ",
    meter_point_columns!(),
    " FROM meter_points WHERE customer_id = $1 ORDER BY anlaggnings_id"
);
const SUBSCRIPTIONS_OF: &str = "SELECT id, service, meter_point_id, started_on, ended_on FROM subscriptions WHERE customer_id = $1 ORDER BY service, id";
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub customer_number: String,
    pub kind: CustomerKind,
    pub name: String,
    pub identity_number: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub preferred_channel: Channel,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// Lower-cased name, number and address, so search compares with `LIKE` the same way on both backends.
    pub search_text: String,
    pub created_at: i64,
}

/// Inserts many rows, 13 parameters each, in statements of at most
/// [`crate::backend::MAX_PARAMS`] parameters.
pub async fn insert_customers(tx: &mut Tx, rows: &[NewCustomer]) -> Result<()> {
    for part in rows.chunks(crate::backend::rows_per_statement(13)) {
        insert_customers_part(tx, part).await?;
    }
    Ok(())
}

/// Inserts many customers in one statement per batch; the caller chooses the batch size.
async fn insert_customers_part(tx: &mut Tx, rows: &[NewCustomer]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO customers (customer_number, kind, name, identity_number, email, phone, language, preferred_channel, street, postal_code, city, search_text, created_at) VALUES {}",
        values_placeholders(tx.backend(), rows.len(), 13)
    );
    with_tx!(tx, |conn| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for r in rows {
            q = q
                .bind(&r.customer_number)
                .bind(r.kind.as_str())
                .bind(&r.name)
                .bind(&r.identity_number)
                .bind(&r.email)
                .bind(&r.phone)
                .bind(r.language.as_str())
                .bind(r.preferred_channel.as_str())
                .bind(&r.street)
                .bind(&r.postal_code)
                .bind(&r.city)
                .bind(&r.search_text)
                .bind(r.created_at);
        }
        q.execute(conn).await?.rows_affected()
    });
    Ok(())
}

/// Customer ids by customer number, for linking bulk-inserted rows.
pub async fn ids_by_number(tx: &mut Tx) -> Result<Vec<(String, CustomerId)>> {
    let rows = with_tx!(tx, |conn| sqlx::query_as::<_, (String, i64)>(
        "SELECT customer_number, id FROM customers"
    )
    .fetch_all(conn)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(number, id)| (number, CustomerId::new(id)))
        .collect())
}

pub async fn get(store: &Store, id: CustomerId) -> Result<Option<CustomerRow>> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CustomerRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn count(store: &Store) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM customers"
    )
    .fetch_one(pool)
    .await?))
}

/// A customer found by the staff search, with the meter point that matched (if any).
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub id: CustomerId,
    pub customer_number: String,
    pub kind: CustomerKind,
    pub name: String,
    pub identity_number: String,
    pub street: String,
    pub city: String,
}

from_row!(SearchHit, "customers", |c| SearchHit {
    id: c.id("id")?,
    customer_number: c.get("customer_number")?,
    kind: c.code("kind")?,
    name: c.get("name")?,
    identity_number: c.get("identity_number")?,
    street: c.get("street")?,
    city: c.get("city")?,
});

/// Search by name, customer number or address (substring, case-insensitive through the
/// lower-cased `search_text`), or exactly by an 18-digit meter-point id.
/// `needle` must already be lower-cased and trimmed by the caller.
pub async fn search(
    store: &Store,
    needle: &str,
    meter_point_id: Option<&str>,
    limit: i64,
) -> Result<Vec<SearchHit>> {
    with_pool!(store, |pool| {
        if let Some(mp) = meter_point_id {
            return Ok(sqlx::query_as::<_, SearchHit>(
                "SELECT c.id, c.customer_number, c.kind, c.name, c.identity_number, c.street, c.city \
                 FROM customers c JOIN meter_points m ON m.customer_id = c.id WHERE m.anlaggnings_id = $1 LIMIT $2",
            )
            .bind(mp)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        }
        // An exact customer number first, then substring matches in name order.
        let pattern = format!("%{}%", escape_like(needle));
        Ok(sqlx::query_as::<_, SearchHit>(
            "SELECT id, customer_number, kind, name, identity_number, street, city FROM customers \
             WHERE customer_number = $1 OR search_text LIKE $2 ESCAPE '\\' \
             ORDER BY CASE WHEN customer_number = $1 THEN 0 ELSE 1 END, name, id LIMIT $3",
        )
        .bind(needle)
        .bind(pattern)
        .bind(limit)
        .fetch_all(pool)
        .await?)
    })
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[derive(Debug, Clone)]
pub struct MeterPointRow {
    pub id: MeterPointId,
    pub anlaggnings_id: String,
    pub customer_id: CustomerId,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub property_kind: PropertyKind,
    pub placement: Placement,
    pub fuse_amps: i64,
    pub meter_kind: MeterKind,
    pub meter_number: String,
}

from_row!(MeterPointRow, "meter_points", |c| MeterPointRow {
    id: c.id("id")?,
    anlaggnings_id: c.get("anlaggnings_id")?,
    customer_id: c.id("customer_id")?,
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    lat_e6: c.get("lat_e6")?,
    lon_e6: c.get("lon_e6")?,
    property_kind: c.code("property_kind")?,
    placement: c.code("placement")?,
    fuse_amps: c.get("fuse_amps")?,
    meter_kind: c.code("meter_kind")?,
    meter_number: c.get("meter_number")?,
});

#[derive(Debug, Clone)]
pub struct NewMeterPoint {
    pub anlaggnings_id: String,
    pub customer_id: CustomerId,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub property_kind: PropertyKind,
    pub placement: Placement,
    pub fuse_amps: i64,
    pub meter_kind: MeterKind,
    pub meter_number: String,
    pub created_at: i64,
}

/// Inserts many rows, 13 parameters each, in statements of at most
/// [`crate::backend::MAX_PARAMS`] parameters.
pub async fn insert_meter_points(tx: &mut Tx, rows: &[NewMeterPoint]) -> Result<()> {
    for part in rows.chunks(crate::backend::rows_per_statement(13)) {
        insert_meter_points_part(tx, part).await?;
    }
    Ok(())
}

async fn insert_meter_points_part(tx: &mut Tx, rows: &[NewMeterPoint]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO meter_points (anlaggnings_id, customer_id, street, postal_code, city, lat_e6, lon_e6, property_kind, placement, fuse_amps, meter_kind, meter_number, created_at) VALUES {}",
        values_placeholders(tx.backend(), rows.len(), 13)
    );
    with_tx!(tx, |conn| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for r in rows {
            q = q
                .bind(&r.anlaggnings_id)
                .bind(r.customer_id.get())
                .bind(&r.street)
                .bind(&r.postal_code)
                .bind(&r.city)
                .bind(r.lat_e6)
                .bind(r.lon_e6)
                .bind(r.property_kind.as_str())
                .bind(r.placement.as_str())
                .bind(r.fuse_amps)
                .bind(r.meter_kind.as_str())
                .bind(&r.meter_number)
                .bind(r.created_at);
        }
        q.execute(conn).await?.rows_affected()
    });
    Ok(())
}

pub async fn meter_points_of(store: &Store, customer_id: CustomerId) -> Result<Vec<MeterPointRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, MeterPointRow>(METER_POINTS_OF)
            .bind(customer_id.get())
            .fetch_all(pool)
            .await?
    }))
}

pub async fn count_meter_points(store: &Store) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM meter_points"
    )
    .fetch_one(pool)
    .await?))
}

#[derive(Debug, Clone)]
pub struct SubscriptionRow {
    pub id: SubscriptionId,
    pub service: UtilityService,
    pub meter_point_id: Option<MeterPointId>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

from_row!(SubscriptionRow, "subscriptions", |c| SubscriptionRow {
    id: c.id("id")?,
    service: c.code("service")?,
    meter_point_id: c.id_opt("meter_point_id")?,
    started_on: c.date("started_on")?,
    ended_on: c.date_opt("ended_on")?,
});

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub customer_number: String,
    pub anlaggnings_id: Option<String>,
    pub service: UtilityService,
    pub started_on: Date,
}

/// Links by customer number and meter-point id, so bulk callers need not know row ids.
pub async fn insert_subscriptions(tx: &mut Tx, rows: &[NewSubscription]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut sql = String::from(
        "INSERT INTO subscriptions (customer_id, meter_point_id, service, started_on) ",
    );
    for i in 0..rows.len() {
        let b = i * 4;
        if i > 0 {
            sql.push_str(" UNION ALL ");
        }
        sql.push_str(&format!(
            "SELECT (SELECT id FROM customers WHERE customer_number = ${}), (SELECT id FROM meter_points WHERE anlaggnings_id = ${}), ${}, ${}",
            b + 1,
            b + 2,
            b + 3,
            b + 4
        ));
    }
    with_tx!(tx, |conn| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for r in rows {
            q = q
                .bind(&r.customer_number)
                .bind(&r.anlaggnings_id)
                .bind(r.service.as_str())
                .bind(r.started_on.to_string());
        }
        q.execute(conn).await?.rows_affected()
    });
    Ok(())
}

pub async fn subscriptions_of(
    store: &Store,
    customer_id: CustomerId,
) -> Result<Vec<SubscriptionRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SubscriptionRow>(SUBSCRIPTIONS_OF)
            .bind(customer_id.get())
            .fetch_all(pool)
            .await?
    }))
}

/// Rows in the other registers the demo town fills.
pub async fn insert_staff(
    tx: &mut Tx,
    name: &str,
    title: &str,
    function: &str,
    skills: &str,
    remote: bool,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO staff (name, title, function, skills, remote_capable, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(name)
    .bind(title)
    .bind(function)
    .bind(skills)
    .bind(remote)
    .bind(now)
    .execute(conn)
    .await?.rows_affected()
    });
    Ok(())
}

/// Everything the customer pages show, read on one connection (one pool checkout, not five).
#[derive(Debug, Clone)]
pub struct CustomerBundle {
    pub customer: CustomerRow,
    pub meter_points: Vec<MeterPointRow>,
    pub subscriptions: Vec<SubscriptionRow>,
    pub invoices: Vec<crate::credit::InvoiceRow>,
    pub payments: Vec<crate::credit::PaymentRow>,
}

pub async fn bundle(store: &Store, id: CustomerId, limit: i64) -> Result<Option<CustomerBundle>> {
    let id_value = id.get();
    let customer_sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
    with_pool!(store, |pool| {
        let mut conn = pool.acquire().await?;
        let Some(customer) =
            sqlx::query_as::<_, CustomerRow>(sqlx::AssertSqlSafe(customer_sql.clone()))
                .bind(id_value)
                .fetch_optional(&mut *conn)
                .await?
        else {
            return Ok(None);
        };
        let meter_points = sqlx::query_as::<_, MeterPointRow>(METER_POINTS_OF)
            .bind(id_value)
            .fetch_all(&mut *conn)
            .await?;
        let subscriptions = sqlx::query_as::<_, SubscriptionRow>(SUBSCRIPTIONS_OF)
            .bind(id_value)
            .fetch_all(&mut *conn)
            .await?;
        let invoices = sqlx::query_as::<_, crate::credit::InvoiceRow>(crate::credit::INVOICES_OF)
            .bind(id_value)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
        let payments = sqlx::query_as::<_, crate::credit::PaymentRow>(crate::credit::PAYMENTS_OF)
            .bind(id_value)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
        Ok(Some(CustomerBundle {
            customer,
            meter_points,
            subscriptions,
            invoices,
            payments,
        }))
    })
}

/// How a customer wants to be reached, as they set it in the portal.
#[derive(Debug, Clone)]
pub struct ContactPreferences {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub preferred_channel: Channel,
}

pub async fn set_contact_preferences(
    tx: &mut Tx,
    customer_id: CustomerId,
    p: &ContactPreferences,
) -> Result<u64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE customers SET email = $1, phone = $2, language = $3, preferred_channel = $4 WHERE id = $5"
    )
    .bind(&p.email)
    .bind(&p.phone)
    .bind(p.language.as_str())
    .bind(p.preferred_channel.as_str())
    .bind(customer_id.get())
    .execute(conn)
    .await?
    .rows_affected()
    }))
}

/// How to reach a customer: what every message to a customer needs.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: CustomerId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub preferred_channel: Channel,
    /// Name and postal address, for a letter.
    pub letter_address: String,
}

from_row!(Contact, "customers", |c| Contact {
    id: c.id("id")?,
    name: c.get("name")?,
    email: c.get("email")?,
    phone: c.get("phone")?,
    language: c.code("language")?,
    preferred_channel: c.code("preferred_channel")?,
    letter_address: c.get("letter_address")?,
});

/// The columns of [`Contact`], from `customers` aliased `c`.
pub const CONTACT_COLUMNS: &str = "c.id, c.name, c.email, c.phone, c.language, c.preferred_channel, \
     c.name || ', ' || c.street || ', ' || c.postal_code || ' ' || c.city AS letter_address";

/// How to reach one customer, read inside a write transaction.
pub async fn contact(tx: &mut Tx, id: CustomerId) -> Result<Option<Contact>> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM customers c WHERE c.id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, Contact>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

//! The waitlist of a day: people offered freed places in turn.

use domain::customer::Language;
use domain::ids::{CustomerId, SiteId, SiteServiceId, VisitId, WaitId};
use domain::visits::WaitStatus;
use jiff::civil::Date;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct WaitRow {
    pub id: WaitId,
    pub site_id: SiteId,
    pub service_id: SiteServiceId,
    pub day: Date,
    pub party: i64,
    pub customer_id: Option<CustomerId>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: Language,
    pub person_key: String,
    pub status: WaitStatus,
    pub visit_id: Option<VisitId>,
    pub created_at: i64,
}

from_row!(WaitRow, "visit_waitlist", |c| WaitRow {
    id: c.id("id")?,
    site_id: c.id("site_id")?,
    service_id: c.id("service_id")?,
    day: c.date("day")?,
    party: c.get("party")?,
    customer_id: c.id_opt("customer_id")?,
    name: c.get("name")?,
    phone: c.get("phone")?,
    email: c.get("email")?,
    language: c.code("language")?,
    person_key: c.get("person_key")?,
    status: c.code("status")?,
    visit_id: c.id_opt("visit_id")?,
    created_at: c.get("created_at")?,
});

const WAIT_COLUMNS: &str = "id, site_id, service_id, day, party, customer_id, name, phone, email, language, person_key, status, visit_id, created_at";

// ---- waitlist ------------------------------------------------------------------------------

pub struct NewWait<'a> {
    pub site_id: SiteId,
    pub service_id: SiteServiceId,
    pub day: Date,
    pub party: i64,
    pub customer_id: Option<CustomerId>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub language: Language,
    pub person_key: &'a str,
    pub now: i64,
}

pub async fn insert_wait(tx: &mut Tx, w: &NewWait<'_>) -> Result<WaitId> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO visit_waitlist (site_id, service_id, day, party, customer_id, name, phone, email, \
         language, person_key, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
    )
    .bind(w.site_id.get())
    .bind(w.service_id.get())
    .bind(w.day.to_string())
    .bind(w.party)
    .bind(w.customer_id.map(CustomerId::get))
    .bind(w.name)
    .bind(w.phone)
    .bind(w.email)
    .bind(w.language.as_str())
    .bind(w.person_key)
    .bind(WaitStatus::Waiting.as_str())
    .bind(w.now)
    .fetch_one(conn)
    .await
    .map(WaitId::new)?
    }))
}

pub async fn wait(store: &Store, id: WaitId) -> Result<Option<WaitRow>> {
    let sql = format!("SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// A person's entries still waiting or offered: `(site, day)` of each, for the limits on
/// joining (one per day and site, a few at once).
pub async fn open_waits_of(tx: &mut Tx, person_key: &str) -> Result<Vec<(SiteId, String)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, (i64, String)>(
        "SELECT site_id, day FROM visit_waitlist WHERE person_key = $1 \
         AND status IN ('waiting', 'offered') ORDER BY id"
    )
    .bind(person_key)
    .fetch_all(conn)
    .await?)
    .into_iter()
    .map(|(site, day)| (SiteId::new(site), day))
    .collect())
}

/// Entries still waiting for a day, first come first.
pub async fn waiting_in(tx: &mut Tx, site_id: SiteId, day: Date) -> Result<Vec<WaitRow>> {
    let sql = format!(
        "SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE site_id = $1 AND day = $2 AND status = 'waiting' ORDER BY id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id.get())
    .bind(day.to_string())
    .fetch_all(conn)
    .await?))
}

pub async fn waitlist_of_day(store: &Store, site_id: SiteId, day: Date) -> Result<Vec<WaitRow>> {
    let sql = format!(
        "SELECT {WAIT_COLUMNS} FROM visit_waitlist WHERE site_id = $1 AND day = $2 ORDER BY id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, WaitRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(site_id.get())
    .bind(day.to_string())
    .fetch_all(pool)
    .await?))
}

/// Moves a waitlist entry between statuses; false when it was not in `from`.
pub async fn wait_transition(
    tx: &mut Tx,
    id: WaitId,
    from: WaitStatus,
    to: WaitStatus,
    visit_id: Option<VisitId>,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE visit_waitlist SET status = $3, visit_id = COALESCE($4, visit_id) WHERE id = $1 AND status = $2"
    )
    .bind(id.get())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(visit_id.map(VisitId::get))
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

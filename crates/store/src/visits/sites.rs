//! Sites, their weekly hours, the dates with other hours, and the services they offer.

use domain::customer::Language;
use domain::ids::{SiteId, SiteServiceId};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct SiteRow {
    pub id: SiteId,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub desks: i64,
    pub lead_minutes: i64,
    pub horizon_days: i64,
    pub slot_step_minutes: i64,
    pub closed_on_holidays: bool,
}

from_row!(SiteRow, "sites", |c| SiteRow {
    id: c.id("id")?,
    name: c.get("name")?,
    street: c.get("street")?,
    postal_code: c.get("postal_code")?,
    city: c.get("city")?,
    phone: c.get("phone")?,
    desks: c.get("desks")?,
    lead_minutes: c.get("lead_minutes")?,
    horizon_days: c.get("horizon_days")?,
    slot_step_minutes: c.get("slot_step_minutes")?,
    closed_on_holidays: c.get("closed_on_holidays")?,
});

const SITE_COLUMNS: &str = "id, name, street, postal_code, city, phone, desks, lead_minutes, horizon_days, slot_step_minutes, closed_on_holidays";

/// One weekly opening span; minutes after midnight (1440 is midnight at the end of the day).
#[derive(Debug, Clone)]
pub struct HoursRow {
    pub id: i64,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    pub opens_min: i64,
    pub closes_min: i64,
    pub staffed_desks: i64,
}

from_row!(HoursRow, "site_hours", |c| HoursRow {
    id: c.get("id")?,
    weekday: c.get("weekday")?,
    opens_min: c.get("opens_min")?,
    closes_min: c.get("closes_min")?,
    staffed_desks: c.get("staffed_desks")?,
});

/// One span of a date with other hours; a row without times closes the site that day.
#[derive(Debug, Clone)]
pub struct ExceptionRow {
    pub id: i64,
    pub day: Date,
    pub opens_min: Option<i64>,
    pub closes_min: Option<i64>,
    pub staffed_desks: i64,
    pub note: String,
}

from_row!(ExceptionRow, "site_exceptions", |c| ExceptionRow {
    id: c.get("id")?,
    day: c.date("day")?,
    opens_min: c.get("opens_min")?,
    closes_min: c.get("closes_min")?,
    staffed_desks: c.get("staffed_desks")?,
    note: c.get("note")?,
});

#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub id: SiteServiceId,
    pub site_id: SiteId,
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub duration_minutes: i64,
    pub active: bool,
}

from_row!(ServiceRow, "site_services", |c| ServiceRow {
    id: c.id("id")?,
    site_id: c.id("site_id")?,
    code: c.get("code")?,
    name_sv: c.get("name_sv")?,
    name_en: c.get("name_en")?,
    duration_minutes: c.get("duration_minutes")?,
    active: c.get("active")?,
});

impl ServiceRow {
    /// The service's name as the site wrote it in `lang`.
    pub fn name(&self, lang: Language) -> &str {
        match lang {
            Language::Sv => &self.name_sv,
            Language::En => &self.name_en,
        }
    }
}

// ---- sites ---------------------------------------------------------------------------------

/// A new site with no hours or services yet.
pub struct NewSite<'a> {
    pub name: &'a str,
    pub street: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub desks: i64,
    pub now: i64,
}

pub async fn insert_site(tx: &mut Tx, s: &NewSite<'_>) -> Result<SiteId> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO sites (name, street, postal_code, city, desks, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(s.name)
    .bind(s.street)
    .bind(s.postal_code)
    .bind(s.city)
    .bind(s.desks)
    .bind(s.now)
    .fetch_one(conn)
    .await
    .map(SiteId::new)?
    }))
}

pub async fn sites(store: &Store) -> Result<Vec<SiteRow>> {
    let sql = format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, SiteRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn site(store: &Store, id: SiteId) -> Result<Option<SiteRow>> {
    let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, SiteRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub struct SiteSettings<'a> {
    pub phone: &'a str,
    pub desks: i64,
    pub lead_minutes: i64,
    pub horizon_days: i64,
    pub slot_step_minutes: i64,
    pub closed_on_holidays: bool,
}

pub async fn update_site(tx: &mut Tx, id: SiteId, s: &SiteSettings<'_>) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE sites SET phone = $2, desks = $3, lead_minutes = $4, horizon_days = $5, \
         slot_step_minutes = $6, closed_on_holidays = $7 WHERE id = $1"
    )
    .bind(id.get())
    .bind(s.phone)
    .bind(s.desks)
    .bind(s.lead_minutes)
    .bind(s.horizon_days)
    .bind(s.slot_step_minutes)
    .bind(s.closed_on_holidays)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

pub async fn hours(store: &Store, site_id: SiteId) -> Result<Vec<HoursRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, HoursRow>(
        "SELECT id, weekday, opens_min, closes_min, staffed_desks FROM site_hours \
         WHERE site_id = $1 ORDER BY weekday, opens_min"
    )
    .bind(site_id.get())
    .fetch_all(pool)
    .await?))
}

/// Replaces a weekday's spans: `(opens, closes, staffed desks)`, minutes after midnight.
pub async fn set_hours(
    tx: &mut Tx,
    site_id: SiteId,
    weekday: i64,
    spans: &[(i64, i64, i64)],
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM site_hours WHERE site_id = $1 AND weekday = $2")
            .bind(site_id.get())
            .bind(weekday)
            .execute(&mut *conn)
            .await?;
        for (opens, closes, desks) in spans {
            sqlx::query(
                "INSERT INTO site_hours (site_id, weekday, opens_min, closes_min, staffed_desks) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(site_id.get())
            .bind(weekday)
            .bind(opens)
            .bind(closes)
            .bind(desks)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// The exceptions of the dates `from..=to`.
pub async fn exceptions(
    store: &Store,
    site_id: SiteId,
    from: Date,
    to: Date,
) -> Result<Vec<ExceptionRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ExceptionRow>(
        "SELECT id, day, opens_min, closes_min, staffed_desks, note FROM site_exceptions \
         WHERE site_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, opens_min"
    )
    .bind(site_id.get())
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?))
}

/// Replaces the exception of one date: no spans closes the site that day.
pub async fn set_exception(
    tx: &mut Tx,
    site_id: SiteId,
    day: Date,
    spans: &[(i64, i64, i64)],
    note: &str,
) -> Result<()> {
    let day = day.to_string();
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM site_exceptions WHERE site_id = $1 AND day = $2")
            .bind(site_id.get())
            .bind(&day)
            .execute(&mut *conn)
            .await?;
        if spans.is_empty() {
            sqlx::query(
                "INSERT INTO site_exceptions (site_id, day, opens_min, closes_min, staffed_desks, note) \
                 VALUES ($1, $2, NULL, NULL, 0, $3)",
            )
            .bind(site_id.get())
            .bind(&day)
            .bind(note)
            .execute(&mut *conn)
            .await?;
        }
        for (opens, closes, desks) in spans {
            sqlx::query(
                "INSERT INTO site_exceptions (site_id, day, opens_min, closes_min, staffed_desks, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(site_id.get())
            .bind(&day)
            .bind(opens)
            .bind(closes)
            .bind(desks)
            .bind(note)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

pub async fn delete_exception(tx: &mut Tx, site_id: SiteId, day: Date) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM site_exceptions WHERE site_id = $1 AND day = $2"
    )
    .bind(site_id.get())
    .bind(day.to_string())
    .execute(conn)
    .await?
    .rows_affected()))
}

pub async fn services(store: &Store, site_id: SiteId) -> Result<Vec<ServiceRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ServiceRow>(
        "SELECT id, site_id, code, name_sv, name_en, duration_minutes, active FROM site_services \
         WHERE site_id = $1 ORDER BY id"
    )
    .bind(site_id.get())
    .fetch_all(pool)
    .await?))
}

pub struct NewService<'a> {
    pub code: &'a str,
    pub name_sv: &'a str,
    pub name_en: &'a str,
    pub duration_minutes: i64,
    pub active: bool,
}

/// Adds a service, or updates the one with the same code.
pub async fn upsert_service(
    tx: &mut Tx,
    site_id: SiteId,
    s: &NewService<'_>,
) -> Result<SiteServiceId> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO site_services (site_id, code, name_sv, name_en, duration_minutes, active) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site_id, code) DO UPDATE SET \
         name_sv = excluded.name_sv, name_en = excluded.name_en, \
         duration_minutes = excluded.duration_minutes, active = excluded.active RETURNING id"
    )
    .bind(site_id.get())
    .bind(s.code)
    .bind(s.name_sv)
    .bind(s.name_en)
    .bind(s.duration_minutes)
    .bind(s.active)
    .fetch_one(conn)
    .await
    .map(SiteServiceId::new)?))
}

//! Summer jobs: seasons with their published seed and draw, postings, and applications (personal
//! data of young people, purged after the season by [`purge`]).

use domain::community::summer::ApplicationState;
use domain::ids::{ApplicationId, PostingId};
use domain::money::Money;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

use crate::{Result, Store, Tx};

/// A season of summer jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeasonRow {
    pub year: i64,
    /// The last day to apply.
    pub apply_until: Date,
    /// The first working day; ages are counted on it.
    pub first_day: Date,
    /// Those who have not had a summer job with the company before are drawn first.
    pub priority_first_job: bool,
    pub seed: Option<String>,
    pub seed_published_at: Option<Timestamp>,
    pub seed_published_by: Option<String>,
    pub drawn_at: Option<Timestamp>,
    pub drawn_by: Option<String>,
    pub letters_at: Option<Timestamp>,
    pub purged_at: Option<Timestamp>,
}

from_row!(SeasonRow, "summer_seasons", |c| SeasonRow {
    year: c.get("year")?,
    apply_until: c.date("apply_until")?,
    first_day: c.date("first_day")?,
    priority_first_job: c.get("priority_first_job")?,
    seed: c.get("seed")?,
    seed_published_at: c.instant_opt("seed_published_at")?,
    seed_published_by: c.get("seed_published_by")?,
    drawn_at: c.instant_opt("drawn_at")?,
    drawn_by: c.get("drawn_by")?,
    letters_at: c.instant_opt("letters_at")?,
    purged_at: c.instant_opt("purged_at")?,
});

const SEASON_COLUMNS: &str = "year, apply_until, first_day, priority_first_job, seed, \
     seed_published_at, seed_published_by, drawn_at, drawn_by, letters_at, purged_at";

/// Opens a season: `false` when the year has one.
pub async fn insert_season(
    tx: &mut Tx,
    year: i64,
    apply_until: Date,
    first_day: Date,
    priority_first_job: bool,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO summer_seasons (year, apply_until, first_day, priority_first_job, \
         created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO NOTHING"
    )
    .bind(year)
    .bind(apply_until.to_string())
    .bind(first_day.to_string())
    .bind(priority_first_job)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Every season, the latest first.
pub async fn seasons(store: &Store) -> Result<Vec<SeasonRow>> {
    let sql = format!("SELECT {SEASON_COLUMNS} FROM summer_seasons ORDER BY year DESC");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SeasonRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// One season.
pub async fn season(store: &Store, year: i64) -> Result<Option<SeasonRow>> {
    let sql = format!("SELECT {SEASON_COLUMNS} FROM summer_seasons WHERE year = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, SeasonRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_optional(pool)
            .await?
    }))
}

/// One season, read in a write transaction (the draw and the letters check it there).
pub async fn season_in(tx: &mut Tx, year: i64) -> Result<Option<SeasonRow>> {
    let sql = format!("SELECT {SEASON_COLUMNS} FROM summer_seasons WHERE year = $1");
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, SeasonRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_optional(conn)
            .await?
    }))
}

/// Publishes the seed, once: `false` when one was published.
pub async fn publish_seed(tx: &mut Tx, year: i64, seed: &str, by: &str, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE summer_seasons SET seed = $1, seed_published_by = $2, seed_published_at = $3 \
         WHERE year = $4 AND seed IS NULL"
    )
    .bind(seed)
    .bind(by)
    .bind(now)
    .bind(year)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Marks the season drawn, once: `false` when it was (or has no seed).
pub async fn mark_drawn(tx: &mut Tx, year: i64, by: &str, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE summer_seasons SET drawn_by = $1, drawn_at = $2 \
         WHERE year = $3 AND drawn_at IS NULL AND seed IS NOT NULL"
    )
    .bind(by)
    .bind(now)
    .bind(year)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Marks the letters sent, once: `false` when they were (or the season is not drawn).
pub async fn mark_letters(tx: &mut Tx, year: i64, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE summer_seasons SET letters_at = $1 \
         WHERE year = $2 AND letters_at IS NULL AND drawn_at IS NOT NULL"
    )
    .bind(now)
    .bind(year)
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Deletes a season's applications and records when: the count deleted.
pub async fn purge(tx: &mut Tx, year: i64, now: i64) -> Result<u64> {
    let n = with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM summer_applications WHERE year = $1"
    )
    .bind(year)
    .execute(conn)
    .await?
    .rows_affected());
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE summer_seasons SET purged_at = $1 WHERE year = $2"
    )
    .bind(now)
    .bind(year)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(n)
}

/// A posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingRow {
    pub id: PostingId,
    pub year: i64,
    pub workplace: String,
    pub supervisor: String,
    pub description: String,
    pub starts_on: Date,
    pub weeks: u32,
    pub start: Time,
    pub end: Time,
    pub break_minutes: u32,
    pub days_per_week: u32,
    pub places: u32,
    pub hourly_wage: Money,
}

impl PostingRow {
    pub fn hours(&self) -> domain::community::summer::Hours {
        domain::community::summer::Hours {
            start: self.start,
            end: self.end,
            break_minutes: self.break_minutes,
            days_per_week: self.days_per_week,
        }
    }

    /// The last day of the posting's last week.
    pub fn last_day(&self) -> Date {
        self.starts_on
            .checked_add(jiff::Span::new().days(i64::from(self.weeks) * 7 - 1))
            .unwrap_or(self.starts_on)
    }
}

fn time(s: &str) -> std::result::Result<Time, jiff::Error> {
    s.parse::<Time>()
}

from_row!(PostingRow, "summer_postings", |c| PostingRow {
    id: c.id("id")?,
    year: c.get("year")?,
    workplace: c.get("workplace")?,
    supervisor: c.get("supervisor")?,
    description: c.get("description")?,
    starts_on: c.date("starts_on")?,
    weeks: c.count("weeks")?,
    start: c.parsed("start_time", time)?,
    end: c.parsed("end_time", time)?,
    break_minutes: c.count("break_minutes")?,
    days_per_week: c.count("days_per_week")?,
    places: c.count("places")?,
    hourly_wage: c.money("hourly_wage_ore")?,
});

const POSTING_COLUMNS: &str = "id, year, workplace, supervisor, description, starts_on, weeks, \
     start_time, end_time, break_minutes, days_per_week, places, hourly_wage_ore";

/// A posting as written.
pub struct NewPosting<'a> {
    pub year: i64,
    pub workplace: &'a str,
    pub supervisor: &'a str,
    pub description: &'a str,
    pub starts_on: Date,
    pub weeks: u32,
    pub hours: domain::community::summer::Hours,
    pub places: u32,
    pub hourly_wage: Money,
}

pub async fn insert_posting(tx: &mut Tx, p: &NewPosting<'_>, now: i64) -> Result<PostingId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO summer_postings (year, workplace, supervisor, description, starts_on, \
             weeks, start_time, end_time, break_minutes, days_per_week, places, hourly_wage_ore, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING id",
        )
        .bind(p.year)
        .bind(p.workplace)
        .bind(p.supervisor)
        .bind(p.description)
        .bind(p.starts_on.to_string())
        .bind(i64::from(p.weeks))
        .bind(p.hours.start.strftime("%H:%M").to_string())
        .bind(p.hours.end.strftime("%H:%M").to_string())
        .bind(i64::from(p.hours.break_minutes))
        .bind(i64::from(p.hours.days_per_week))
        .bind(i64::from(p.places))
        .bind(p.hourly_wage.ore())
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(PostingId::new(id))
}

/// A season's postings, in the order they were made.
pub async fn postings(store: &Store, year: i64) -> Result<Vec<PostingRow>> {
    let sql = format!("SELECT {POSTING_COLUMNS} FROM summer_postings WHERE year = $1 ORDER BY id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, PostingRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_all(pool)
            .await?
    }))
}

/// A season's postings, read in a write transaction.
pub async fn postings_in(tx: &mut Tx, year: i64) -> Result<Vec<PostingRow>> {
    let sql = format!("SELECT {POSTING_COLUMNS} FROM summer_postings WHERE year = $1 ORDER BY id");
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, PostingRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_all(conn)
            .await?
    }))
}

/// An application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: ApplicationId,
    pub year: i64,
    pub name: String,
    pub birth_date: Date,
    pub email: String,
    pub phone: Option<String>,
    pub first_job: bool,
    pub wish_id: Option<PostingId>,
    pub guardian_name: Option<String>,
    pub guardian_email: Option<String>,
    pub guardian_consent_at: Option<Timestamp>,
    pub state: ApplicationState,
    /// The place in the draw (1 first).
    pub draw_rank: Option<u32>,
    pub posting_id: Option<PostingId>,
}

impl ApplicationRow {
    /// The reference the applicant and the published draw see.
    pub fn reference(&self) -> String {
        reference(self.year, self.id)
    }
}

/// The reference of application `id` of season `year` (`2027-00042`).
pub fn reference(year: i64, id: ApplicationId) -> String {
    format!("{year}-{:05}", id.get())
}

from_row!(ApplicationRow, "summer_applications", |c| ApplicationRow {
    id: c.id("id")?,
    year: c.get("year")?,
    name: c.get("name")?,
    birth_date: c.date("birth_date")?,
    email: c.get("email")?,
    phone: c.get("phone")?,
    first_job: c.get("first_job")?,
    wish_id: c.id_opt("wish_id")?,
    guardian_name: c.get("guardian_name")?,
    guardian_email: c.get("guardian_email")?,
    guardian_consent_at: c.instant_opt("guardian_consent_at")?,
    state: c.code("state")?,
    draw_rank: c
        .get::<Option<i64>>("draw_rank")?
        .map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
    posting_id: c.id_opt("posting_id")?,
});

const APPLICATION_COLUMNS: &str = "id, year, name, birth_date, email, phone, first_job, wish_id, \
     guardian_name, guardian_email, guardian_consent_at, state, draw_rank, posting_id";

/// An application as sent.
pub struct NewApplication<'a> {
    pub year: i64,
    pub name: &'a str,
    pub birth_date: Date,
    /// Lower case: one application per address and season.
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub first_job: bool,
    pub wish_id: Option<PostingId>,
    pub guardian_name: Option<&'a str>,
    pub guardian_email: Option<&'a str>,
    /// When the guardian's consent was given (applicants under 18).
    pub guardian_consent: bool,
}

/// Writes an application: `None` when the address has applied this season.
pub async fn insert_application(
    tx: &mut Tx,
    a: &NewApplication<'_>,
    now: i64,
) -> Result<Option<ApplicationId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO summer_applications (year, name, birth_date, email, phone, first_job, \
             wish_id, guardian_name, guardian_email, guardian_consent_at, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'applied', $11) \
             ON CONFLICT (year, email) DO NOTHING RETURNING id",
        )
        .bind(a.year)
        .bind(a.name)
        .bind(a.birth_date.to_string())
        .bind(a.email)
        .bind(a.phone)
        .bind(a.first_job)
        .bind(a.wish_id.map(|w| w.get()))
        .bind(a.guardian_name)
        .bind(a.guardian_email)
        .bind(a.guardian_consent.then_some(now))
        .bind(now)
        .fetch_optional(conn)
        .await?
    });
    Ok(id.map(ApplicationId::new))
}

/// A season's applications: in draw order once drawn, otherwise as they came.
pub async fn applications(store: &Store, year: i64) -> Result<Vec<ApplicationRow>> {
    let sql = format!(
        "SELECT {APPLICATION_COLUMNS} FROM summer_applications WHERE year = $1 \
         ORDER BY COALESCE(draw_rank, 0), id"
    );
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_all(pool)
            .await?
    }))
}

/// A season's applications, read in a write transaction (the draw).
pub async fn applications_in(tx: &mut Tx, year: i64) -> Result<Vec<ApplicationRow>> {
    let sql = format!(
        "SELECT {APPLICATION_COLUMNS} FROM summer_applications WHERE year = $1 ORDER BY id"
    );
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .fetch_all(conn)
            .await?
    }))
}

/// The result of the draw for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    pub id: ApplicationId,
    pub rank: u32,
    pub state: ApplicationState,
    pub posting: Option<PostingId>,
}

/// Writes the draw's result, a few hundred rows a statement.
pub async fn set_drawn(tx: &mut Tx, drawn: &[Drawn]) -> Result<()> {
    for chunk in drawn.chunks(400) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 4;
                format!(
                    "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS TEXT), CAST(${} AS BIGINT))",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE summer_applications SET draw_rank = v.column2, state = v.column3, \
             posting_id = v.column4 FROM (VALUES {values}) AS v \
             WHERE summer_applications.id = v.column1"
        );
        with_tx!(tx, |conn| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for d in chunk {
                q = q
                    .bind(d.id.get())
                    .bind(i64::from(d.rank))
                    .bind(d.state.as_str())
                    .bind(d.posting.map(|p| p.get()));
            }
            q.execute(conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// How many applications a season has.
pub async fn application_count(store: &Store, year: i64) -> Result<i64> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM summer_applications WHERE year = $1")
            .bind(year)
            .fetch_one(pool)
            .await?
    }))
}

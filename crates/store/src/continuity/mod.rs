//! Continuity: critical functions and their shifts, the staff with competences, rosters,
//! absences, cover requests, red-shift alerts, contingency plans and exercises, the services'
//! state and the situation reports.

mod plans;
mod roster;

pub use plans::*;
pub use roster::*;

use domain::continuity::Service;
use domain::continuity::values::Competence;
use domain::ids::{FunctionId, ShiftId, StaffId, UserId};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// The codes of a function's competences as stored: sorted, separated by `;`.
pub fn join_codes(codes: &[String]) -> String {
    codes.join(";")
}

fn split_codes(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A critical function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRow {
    pub id: FunctionId,
    pub code: String,
    pub name: String,
    pub service: Service,
    pub competences: Vec<String>,
    pub remote_ok: bool,
}

from_row!(FunctionRow, "continuity_functions", |c| FunctionRow {
    id: c.id("id")?,
    code: c.get("code")?,
    name: c.get("name")?,
    service: c.code("service")?,
    competences: split_codes(&c.get::<String>("competences")?),
    remote_ok: c.get("remote_ok")?,
});

const FUNCTION_COLUMNS: &str = "id, code, name, service, competences, remote_ok";

/// One shift of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRow {
    pub id: ShiftId,
    pub function_id: FunctionId,
    pub shift: String,
    pub starts_min: i64,
    pub ends_min: i64,
    pub min_staff: i64,
    pub min_staff_crisis: i64,
}

from_row!(ShiftRow, "continuity_shifts", |c| ShiftRow {
    id: c.id("id")?,
    function_id: c.id("function_id")?,
    shift: c.get("shift")?,
    starts_min: c.get("starts_min")?,
    ends_min: c.get("ends_min")?,
    min_staff: c.get("min_staff")?,
    min_staff_crisis: c.get("min_staff_crisis")?,
});

const SHIFT_COLUMNS: &str =
    "id, function_id, shift, starts_min, ends_min, min_staff, min_staff_crisis";

/// A function as written (import or form).
pub struct NewFunction<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub service: Service,
    pub competences: &'a [String],
    pub remote_ok: bool,
    pub now: i64,
}

pub async fn functions(store: &Store) -> Result<Vec<FunctionRow>> {
    let sql = format!("SELECT {FUNCTION_COLUMNS} FROM continuity_functions ORDER BY service, code");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, FunctionRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn functions_in(tx: &mut Tx) -> Result<Vec<FunctionRow>> {
    let sql = format!("SELECT {FUNCTION_COLUMNS} FROM continuity_functions ORDER BY service, code");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, FunctionRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

pub async fn insert_function(tx: &mut Tx, f: &NewFunction<'_>) -> Result<FunctionId> {
    Ok(FunctionId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO continuity_functions (code, name, service, competences, remote_ok, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(f.code)
        .bind(f.name)
        .bind(f.service.as_str())
        .bind(join_codes(f.competences))
        .bind(f.remote_ok)
        .bind(f.now)
        .fetch_one(conn)
        .await?
    })))
}

pub async fn update_function(tx: &mut Tx, id: FunctionId, f: &NewFunction<'_>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE continuity_functions SET name = $2, service = $3, competences = $4, remote_ok = $5, \
         updated_at = $6 WHERE id = $1"
    )
    .bind(id.get())
    .bind(f.name)
    .bind(f.service.as_str())
    .bind(join_codes(f.competences))
    .bind(f.remote_ok)
    .bind(f.now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn shifts(store: &Store) -> Result<Vec<ShiftRow>> {
    let sql = format!(
        "SELECT {SHIFT_COLUMNS} FROM continuity_shifts ORDER BY function_id, starts_min, shift"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ShiftRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn shifts_in(tx: &mut Tx) -> Result<Vec<ShiftRow>> {
    let sql = format!(
        "SELECT {SHIFT_COLUMNS} FROM continuity_shifts ORDER BY function_id, starts_min, shift"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ShiftRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

/// A shift as written: its function, name, clock times and minimums.
pub struct NewShift<'a> {
    pub function_id: FunctionId,
    pub shift: &'a str,
    pub starts_min: i64,
    pub ends_min: i64,
    pub min_staff: i64,
    pub min_staff_crisis: i64,
}

pub async fn insert_shift(tx: &mut Tx, s: &NewShift<'_>) -> Result<ShiftId> {
    Ok(ShiftId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO continuity_shifts (function_id, shift, starts_min, ends_min, min_staff, min_staff_crisis) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(s.function_id.get())
        .bind(s.shift)
        .bind(s.starts_min)
        .bind(s.ends_min)
        .bind(s.min_staff)
        .bind(s.min_staff_crisis)
        .fetch_one(conn)
        .await?
    })))
}

pub async fn update_shift(tx: &mut Tx, id: ShiftId, s: &NewShift<'_>) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE continuity_shifts SET starts_min = $2, ends_min = $3, min_staff = $4, \
         min_staff_crisis = $5 WHERE id = $1"
    )
    .bind(id.get())
    .bind(s.starts_min)
    .bind(s.ends_min)
    .bind(s.min_staff)
    .bind(s.min_staff_crisis)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// A member of staff as continuity sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub id: StaffId,
    pub employee_number: Option<String>,
    pub name: String,
    pub team: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub remote_possible: bool,
    pub weekly_minutes: i64,
    pub user_id: Option<UserId>,
}

from_row!(StaffRow, "staff", |c| StaffRow {
    id: c.id("id")?,
    employee_number: c.get("employee_number")?,
    name: c.get("name")?,
    team: c.get("team")?,
    phone: c.get("phone")?,
    email: c.get("email")?,
    remote_possible: c.get("remote_capable")?,
    weekly_minutes: c.get("weekly_minutes")?,
    user_id: c.id_opt("user_id")?,
});

const STAFF_COLUMNS: &str =
    "id, employee_number, name, team, phone, email, remote_capable, weekly_minutes, user_id";

/// A person as written (import or form).
pub struct NewStaff<'a> {
    pub employee_number: &'a str,
    pub name: &'a str,
    pub team: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub remote_possible: bool,
    pub weekly_minutes: i64,
    pub now: i64,
}

pub async fn staff(store: &Store) -> Result<Vec<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY name, id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, StaffRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(pool)
    .await?))
}

pub async fn staff_in(tx: &mut Tx) -> Result<Vec<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY name, id");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, StaffRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(conn)
    .await?))
}

pub async fn staff_member(store: &Store, id: StaffId) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, StaffRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn staff_by_number(store: &Store, number: &str) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE employee_number = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, StaffRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(number)
    .fetch_optional(pool)
    .await?))
}

/// The person an account belongs to.
pub async fn staff_by_user(store: &Store, user: UserId) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE user_id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, StaffRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(user.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn insert_staff(tx: &mut Tx, s: &NewStaff<'_>) -> Result<StaffId> {
    // title, function and skills are the first demo's columns; competences have their table.
    Ok(StaffId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO staff (name, title, function, skills, remote_capable, created_at, \
             employee_number, team, phone, email, weekly_minutes, updated_at) \
             VALUES ($1, '', '', '', $2, $3, $4, $5, $6, $7, $8, $3) RETURNING id",
        )
        .bind(s.name)
        .bind(s.remote_possible)
        .bind(s.now)
        .bind(s.employee_number)
        .bind(s.team)
        .bind(s.phone)
        .bind(s.email)
        .bind(s.weekly_minutes)
        .fetch_one(conn)
        .await?
    })))
}

/// Writes a person's details (the employee number included: the demo's first rows get theirs
/// this way).
pub async fn update_staff(tx: &mut Tx, id: StaffId, s: &NewStaff<'_>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE staff SET employee_number = $2, name = $3, team = $4, phone = $5, email = $6, \
         remote_capable = $7, weekly_minutes = $8, updated_at = $9 WHERE id = $1"
    )
    .bind(id.get())
    .bind(s.employee_number)
    .bind(s.name)
    .bind(s.team)
    .bind(s.phone)
    .bind(s.email)
    .bind(s.remote_possible)
    .bind(s.weekly_minutes)
    .bind(s.now)
    .execute(conn)
    .await?
    .rows_affected()))
}

/// Links a person to the account they log in with (or unlinks with `None`).
pub async fn set_staff_user(tx: &mut Tx, id: StaffId, user: Option<UserId>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE staff SET user_id = $2 WHERE id = $1"
    )
    .bind(id.get())
    .bind(user.map(UserId::get))
    .execute(conn)
    .await?
    .rows_affected()))
}

/// A competence a person holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetenceRow {
    pub staff_id: StaffId,
    pub competence: Competence,
}

from_row!(CompetenceRow, "staff_competences", |c| CompetenceRow {
    staff_id: c.id("staff_id")?,
    competence: Competence {
        code: c.get("competence")?,
        expires_on: c.date_opt("expires_on")?,
    },
});

pub async fn competences(store: &Store) -> Result<Vec<CompetenceRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, CompetenceRow>(
        "SELECT staff_id, competence, expires_on FROM staff_competences ORDER BY staff_id, competence"
    )
    .fetch_all(pool)
    .await?
    }))
}

pub async fn competences_in(tx: &mut Tx) -> Result<Vec<CompetenceRow>> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_as::<_, CompetenceRow>(
        "SELECT staff_id, competence, expires_on FROM staff_competences ORDER BY staff_id, competence"
    )
    .fetch_all(conn)
    .await?
    }))
}

pub async fn competences_of(store: &Store, id: StaffId) -> Result<Vec<Competence>> {
    let rows = with_pool!(store, |pool| sqlx::query_as::<_, CompetenceRow>(
        "SELECT staff_id, competence, expires_on FROM staff_competences WHERE staff_id = $1 \
         ORDER BY competence"
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?);
    Ok(rows.into_iter().map(|r| r.competence).collect())
}

/// Replaces a person's competences.
pub async fn set_competences(tx: &mut Tx, id: StaffId, list: &[Competence]) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM staff_competences WHERE staff_id = $1"
    )
    .bind(id.get())
    .execute(conn)
    .await?
    .rows_affected());
    for c in list {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO staff_competences (staff_id, competence, expires_on) VALUES ($1, $2, $3)"
        )
        .bind(id.get())
        .bind(&c.code)
        .bind(c.expires_on.map(|d: Date| d.to_string()))
        .execute(conn)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// The continuity policies whose interval meets `[from, to)` (microseconds), oldest first:
/// `(effective_from, effective_to, body)`.
pub async fn policies_between(
    store: &Store,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, Option<i64>, String)>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, Option<i64>, String),
    >(
        "SELECT effective_from, effective_to, body FROM policies WHERE capability = 'continuity' \
         AND effective_from < $2 AND (effective_to IS NULL OR effective_to > $1) \
         ORDER BY effective_from, id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// A continuity manager and how to reach them: the phone of the staff row their account is
/// linked to (for text messages), and their account's e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerContact {
    pub user_id: UserId,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

from_row!(ManagerContact, "users", |c| ManagerContact {
    user_id: c.id("id")?,
    name: c.get("display_name")?,
    phone: c.get("phone")?,
    email: c.get("email")?,
});

/// The continuity managers with an account that is not disabled.
pub async fn managers_in(tx: &mut Tx) -> Result<Vec<ManagerContact>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ManagerContact>(
        "SELECT u.id, u.display_name, s.phone, u.email FROM users u \
         LEFT JOIN staff s ON s.user_id = u.id \
         WHERE u.role = 'continuity_manager' AND NOT u.disabled ORDER BY u.id"
    )
    .fetch_all(conn)
    .await?))
}

/// The user names of the accounts linked to staff: `(staff, username)`.
pub async fn linked_usernames(store: &Store) -> Result<Vec<(StaffId, String)>> {
    let rows: Vec<(i64, String)> = with_pool!(store, |pool| sqlx::query_as::<_, (i64, String)>(
        "SELECT s.id, u.username FROM staff s JOIN users u ON u.id = s.user_id ORDER BY s.id"
    )
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(s, u)| (StaffId::new(s), u))
        .collect())
}

/// The function each of the first demo's staff rows was created for (`staff.function`), which
/// the continuity demo reads to give them teams and competences.
pub async fn first_demo_functions(store: &Store) -> Result<Vec<(StaffId, String)>> {
    let rows: Vec<(i64, String)> = with_pool!(store, |pool| sqlx::query_as::<_, (i64, String)>(
        "SELECT id, function FROM staff ORDER BY id"
    )
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(id, f)| (StaffId::new(id), f))
        .collect())
}

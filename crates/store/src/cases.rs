//! Customer-service cases: teams and members, cases, their entries, and the queue views.
//!
//! Statuses, categories and kinds are stored as the `as_str` forms of `domain::cases`; the
//! SLA instants (`*_due`, `*_risk_at`) are computed by services when a case is opened, so the
//! at-risk and breached views are plain comparisons with "now".

use crate::{Result, Store, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub key: String,
    pub name_sv: String,
    pub name_en: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub customer_id: i64,
    pub category: String,
    pub source: String,
    pub status: String,
    pub team: String,
    pub assignee_user_id: Option<i64>,
    pub subject: String,
    pub link_kind: Option<String>,
    pub link_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_due: i64,
    pub first_response_risk_at: i64,
    pub first_response_at: Option<i64>,
    pub resolve_due: i64,
    pub resolve_risk_at: i64,
    pub resolved_at: Option<i64>,
}

const CASE_COLUMNS: &str = "c.id, c.customer_id, c.category, c.source, c.status, c.team, c.assignee_user_id, c.subject, c.link_kind, c.link_id, c.created_by, c.created_at, c.updated_at, c.first_response_due, c.first_response_risk_at, c.first_response_at, c.resolve_due, c.resolve_risk_at, c.resolved_at";

/// A case in a list, with the names a list shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseListRow {
    #[sqlx(flatten)]
    pub case: CaseRow,
    pub customer_name: String,
    pub customer_number: String,
    pub assignee_name: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub author_user_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

const ENTRY_COLUMNS: &str = "id, case_id, kind, author_user_id, author_name, body, created_at";

pub struct NewCaseRow<'a> {
    pub customer_id: i64,
    pub category: &'a str,
    pub source: &'a str,
    pub status: &'a str,
    pub team: &'a str,
    pub assignee_user_id: Option<i64>,
    pub subject: &'a str,
    pub link: Option<(&'a str, i64)>,
    pub created_by: &'a str,
    pub now: i64,
    pub first_response_due: i64,
    pub first_response_risk_at: i64,
    pub resolve_due: i64,
    pub resolve_risk_at: i64,
}

pub async fn insert_case(tx: &mut Tx, c: &NewCaseRow<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO cases (customer_id, category, source, status, team, assignee_user_id, subject, link_kind, link_id, created_by, created_at, updated_at, first_response_due, first_response_risk_at, resolve_due, resolve_risk_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15) RETURNING id"
    )
    .bind(c.customer_id)
    .bind(c.category)
    .bind(c.source)
    .bind(c.status)
    .bind(c.team)
    .bind(c.assignee_user_id)
    .bind(c.subject)
    .bind(c.link.map(|l| l.0))
    .bind(c.link.map(|l| l.1))
    .bind(c.created_by)
    .bind(c.now)
    .bind(c.first_response_due)
    .bind(c.first_response_risk_at)
    .bind(c.resolve_due)
    .bind(c.resolve_risk_at)
    .fetch_one(conn)
    .await?
    }))
}

pub struct NewEntry<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub author_user_id: Option<i64>,
    pub author_name: &'a str,
    pub body: &'a str,
    pub now: i64,
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "INSERT INTO case_entries (case_id, kind, author_user_id, author_name, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(e.case_id)
    .bind(e.kind)
    .bind(e.author_user_id)
    .bind(e.author_name)
    .bind(e.body)
    .bind(e.now)
    .fetch_one(conn)
    .await?))
}

pub async fn get(store: &Store, id: i64) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(pool)
    .await?))
}

/// The case inside a write transaction, locked against concurrent changes on PostgreSQL
/// (SQLite's single writer already serialises).
pub async fn get_for_update(tx: &mut Tx, id: i64) -> Result<Option<CaseRow>> {
    let lock = match tx.backend() {
        crate::Backend::Sqlite => "",
        crate::Backend::Postgres => " FOR UPDATE",
    };
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1{lock}");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(conn)
    .await?))
}

/// The entries of a case, oldest first; without internal notes when `include_internal` is false.
pub async fn entries(store: &Store, case_id: i64, include_internal: bool) -> Result<Vec<EntryRow>> {
    let filter = if include_internal {
        ""
    } else {
        " AND kind <> 'internal_note'"
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM case_entries WHERE case_id = $1{filter} ORDER BY created_at, id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?))
}

/// Sets the first-response instant unless one is already recorded.
pub async fn record_first_response(tx: &mut Tx, id: i64, at: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET first_response_at = $2 WHERE id = $1 AND first_response_at IS NULL"
    )
    .bind(id)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Changes the status; `resolved_at` is set when resolving and cleared when reopening.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    resolved_at: Option<i64>,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET status = $2, resolved_at = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(status)
    .bind(resolved_at)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn set_assignee(tx: &mut Tx, id: i64, user: Option<i64>, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET assignee_user_id = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(user)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Moves a case to another team; the assignee is cleared (they may not be in the new team).
pub async fn set_team(tx: &mut Tx, id: i64, team: &str, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET team = $2, assignee_user_id = NULL, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(team)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn touch(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET updated_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Which cases a queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter<'a> {
    /// Only these teams; `None` for every team (admins).
    pub teams: Option<&'a [String]>,
    pub team: Option<&'a str>,
    /// Only this status; `None` for every open status (new, open, waiting on the customer).
    pub status: Option<&'a str>,
    /// Only cases assigned to this user.
    pub assignee: Option<i64>,
    pub unassigned: bool,
    /// Only open cases whose first response or resolution is past due at this instant.
    pub breached_at: Option<i64>,
    /// Only open cases at risk (and not yet breached) at this instant.
    pub at_risk_at: Option<i64>,
    pub limit: i64,
}

/// Open-case condition for the SLA views: the clock of a target runs until it is met.
const BREACHED: &str = "((c.first_response_at IS NULL AND c.first_response_due < $B) OR (c.resolved_at IS NULL AND c.resolve_due < $B))";
const AT_RISK: &str = "((c.first_response_at IS NULL AND c.first_response_risk_at <= $B) OR (c.resolved_at IS NULL AND c.resolve_risk_at <= $B))";

pub async fn queue(store: &Store, f: &QueueFilter<'_>) -> Result<Vec<CaseListRow>> {
    let mut conds: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    // Text parameters come first ($1..), integers after; each condition names its slot.
    if let Some(teams) = f.teams {
        if teams.is_empty() {
            return Ok(Vec::new());
        }
        let slots: Vec<String> = teams
            .iter()
            .map(|t| {
                texts.push(t.clone());
                format!("$T{}", texts.len())
            })
            .collect();
        conds.push(format!("c.team IN ({})", slots.join(", ")));
    }
    if let Some(team) = f.team {
        texts.push(team.to_owned());
        conds.push(format!("c.team = $T{}", texts.len()));
    }
    match f.status {
        Some(s) => {
            texts.push(s.to_owned());
            conds.push(format!("c.status = $T{}", texts.len()));
        }
        None => conds.push("c.status IN ('new', 'open', 'waiting_on_customer')".into()),
    }
    if let Some(user) = f.assignee {
        ints.push(user);
        conds.push(format!("c.assignee_user_id = $I{}", ints.len()));
    }
    if f.unassigned {
        conds.push("c.assignee_user_id IS NULL".into());
    }
    if let Some(now) = f.breached_at {
        ints.push(now);
        conds.push(BREACHED.replace("$B", &format!("$I{}", ints.len())));
    }
    if let Some(now) = f.at_risk_at {
        ints.push(now);
        let slot = format!("$I{}", ints.len());
        conds.push(format!(
            "{} AND NOT {}",
            AT_RISK.replace("$B", &slot),
            BREACHED.replace("$B", &slot)
        ));
    }
    ints.push(f.limit.clamp(1, 1000));
    let limit_slot = format!("$I{}", ints.len());
    let mut sql = format!(
        "SELECT {CASE_COLUMNS}, cu.name AS customer_name, cu.customer_number, u.display_name AS assignee_name \
         FROM cases c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_user_id \
         WHERE {} ORDER BY c.resolve_due, c.id LIMIT {limit_slot}",
        conds.join(" AND ")
    );
    // Number the slots: texts first, then integers (longest names first so $T12 is not $T1 + 2).
    let n_texts = texts.len();
    for i in (1..=ints.len()).rev() {
        sql = sql.replace(&format!("$I{i}"), &format!("${}", n_texts + i));
    }
    for i in (1..=n_texts).rev() {
        sql = sql.replace(&format!("$T{i}"), &format!("${i}"));
    }
    Ok(with_pool!(store, |pool| {
        let mut q = sqlx::query_as::<_, CaseListRow>(sqlx::AssertSqlSafe(sql.clone()));
        for t in &texts {
            q = q.bind(t.clone());
        }
        for i in &ints {
            q = q.bind(*i);
        }
        q.fetch_all(pool).await?
    }))
}

/// A customer's cases, newest first.
pub async fn of_customer(store: &Store, customer_id: i64, limit: i64) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases c WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

pub async fn teams(store: &Store) -> Result<Vec<TeamRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, TeamRow>(
        "SELECT key, name_sv, name_en FROM teams ORDER BY key"
    )
    .fetch_all(pool)
    .await?))
}

/// The teams a user belongs to, by key.
pub async fn teams_of(store: &Store, user_id: i64) -> Result<Vec<String>> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
        "SELECT team FROM team_members WHERE user_id = $1 ORDER BY team"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?))
}

/// The same inside a write transaction.
pub async fn teams_of_tx(tx: &mut Tx, user_id: i64) -> Result<Vec<String>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, String>(
        "SELECT team FROM team_members WHERE user_id = $1 ORDER BY team"
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?))
}

/// A team's members: (user id, display name), enabled accounts only.
pub async fn members(store: &Store, team: &str) -> Result<Vec<(i64, String)>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, u.display_name FROM team_members m JOIN users u ON u.id = m.user_id \
         WHERE m.team = $1 AND u.disabled = FALSE ORDER BY u.display_name, u.id",
        )
        .bind(team)
        .fetch_all(pool)
        .await?
    }))
}

/// Adds a user to a team; already a member is fine.
pub async fn add_member(tx: &mut Tx, user_id: i64, team: &str) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO team_members (user_id, team) VALUES ($1, $2) ON CONFLICT (user_id, team) DO NOTHING"
    )
    .bind(user_id)
    .bind(team)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// The customer fields a case message needs, read inside the transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseContact {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub preferred_channel: String,
    /// Name and postal address, for a letter.
    pub letter_address: String,
}

pub async fn contact(tx: &mut Tx, customer_id: i64) -> Result<Option<CaseContact>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, CaseContact>(
        "SELECT id, name, email, phone, language, preferred_channel, \
                name || ', ' || street || ', ' || postal_code || ' ' || city AS letter_address \
         FROM customers WHERE id = $1"
    )
    .bind(customer_id)
    .fetch_optional(conn)
    .await?))
}

/// The customer an arrangement or a visit belongs to (`None` when it does not exist).
pub async fn link_owner(tx: &mut Tx, kind: &str, id: i64) -> Result<Option<Option<i64>>> {
    let sql = match kind {
        "arrangement" => "SELECT customer_id FROM arrangements WHERE id = $1",
        _ => "SELECT customer_id FROM visits WHERE id = $1",
    };
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, Option<i64>>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(id)
    .fetch_optional(conn)
    .await?))
}

/// A customer by customer number: (id, name, customer number).
pub async fn customer_by_number(
    store: &Store,
    number: &str,
) -> Result<Option<(i64, String, String)>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<
        _,
        (i64, String, String),
    >(
        "SELECT id, name, customer_number FROM customers WHERE customer_number = $1"
    )
    .bind(number)
    .fetch_optional(pool)
    .await?))
}

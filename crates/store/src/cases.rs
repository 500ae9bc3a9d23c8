//! Customer-service cases: teams and members, cases, their entries, and the queue views.
//!
//! Categories, sources, statuses, teams, entry kinds and link kinds are stored as the codes of
//! `domain::cases` and read back as those types; the SLA instants (`*_due`, `*_risk_at`) are
//! computed by services when a case is opened, so the at-risk and breached views are plain
//! comparisons with "now".

use domain::cases::{CaseLink, CaseSource, CaseStatus, Category, EntryKind, LinkKind, Team};
use domain::ids::{ArrangementId, CaseEntryId, CaseId, CustomerId, UserId, VisitId};
use domain::role::Role;

use crate::{Result, Store, Tx};

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: CaseId,
    pub customer_id: CustomerId,
    pub category: Category,
    pub source: CaseSource,
    pub status: CaseStatus,
    pub team: Team,
    pub assignee_user_id: Option<UserId>,
    pub subject: String,
    pub link: Option<CaseLink>,
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

/// The fields of a [`CaseRow`] from the columns of [`CASE_COLUMNS`] (shared by the list row).
macro_rules! case_row {
    ($c:ident) => {
        CaseRow {
            id: $c.id("id")?,
            customer_id: $c.id("customer_id")?,
            category: $c.code("category")?,
            source: $c.code("source")?,
            status: $c.code("status")?,
            team: $c.code("team")?,
            assignee_user_id: $c.id_opt("assignee_user_id")?,
            subject: $c.get("subject")?,
            link: $c
                .code_opt::<LinkKind>("link_kind")?
                .zip($c.get::<Option<i64>>("link_id")?)
                .map(|(kind, id)| CaseLink::new(kind, id)),
            created_by: $c.get("created_by")?,
            created_at: $c.get("created_at")?,
            updated_at: $c.get("updated_at")?,
            first_response_due: $c.get("first_response_due")?,
            first_response_risk_at: $c.get("first_response_risk_at")?,
            first_response_at: $c.get("first_response_at")?,
            resolve_due: $c.get("resolve_due")?,
            resolve_risk_at: $c.get("resolve_risk_at")?,
            resolved_at: $c.get("resolved_at")?,
        }
    };
}

from_row!(CaseRow, "cases", |c| case_row!(c));

const CASE_COLUMNS: &str = "c.id, c.customer_id, c.category, c.source, c.status, c.team, c.assignee_user_id, c.subject, c.link_kind, c.link_id, c.created_by, c.created_at, c.updated_at, c.first_response_due, c.first_response_risk_at, c.first_response_at, c.resolve_due, c.resolve_risk_at, c.resolved_at";

/// A case in a list, with the names a list shows.
#[derive(Debug, Clone)]
pub struct CaseListRow {
    pub case: CaseRow,
    pub customer_name: String,
    pub customer_number: String,
    pub assignee_name: Option<String>,
}

from_row!(CaseListRow, "cases", |c| CaseListRow {
    case: case_row!(c),
    customer_name: c.get("customer_name")?,
    customer_number: c.get("customer_number")?,
    assignee_name: c.get("assignee_name")?,
});

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: CaseEntryId,
    pub case_id: CaseId,
    pub kind: EntryKind,
    pub author_user_id: Option<UserId>,
    pub author_name: String,
    /// The author's role when an account wrote the entry.
    pub author_role: Option<Role>,
    pub body: String,
    pub created_at: i64,
}

impl EntryRow {
    /// A customer message a member of staff wrote down during a phone call.
    pub fn taken_by_phone(&self) -> bool {
        self.kind == EntryKind::CustomerMessage
            && self.author_role.is_some_and(|r| r != Role::Customer)
    }
}

from_row!(EntryRow, "case_entries", |c| EntryRow {
    id: c.id("id")?,
    case_id: c.id("case_id")?,
    kind: c.code("kind")?,
    author_user_id: c.id_opt("author_user_id")?,
    author_name: c.get("author_name")?,
    author_role: c.code_opt("author_role")?,
    body: c.get("body")?,
    created_at: c.get("created_at")?,
});

const ENTRY_SELECT: &str = "SELECT e.id, e.case_id, e.kind, e.author_user_id, e.author_name, u.role AS author_role, e.body, e.created_at \
     FROM case_entries e LEFT JOIN users u ON u.id = e.author_user_id";

pub struct NewCaseRow<'a> {
    pub customer_id: CustomerId,
    pub category: Category,
    pub source: CaseSource,
    pub status: CaseStatus,
    pub team: Team,
    pub assignee_user_id: Option<UserId>,
    pub subject: &'a str,
    pub link: Option<CaseLink>,
    pub created_by: &'a str,
    pub now: i64,
    pub first_response_due: i64,
    pub first_response_risk_at: i64,
    pub resolve_due: i64,
    pub resolve_risk_at: i64,
}

pub async fn insert_case(tx: &mut Tx, c: &NewCaseRow<'_>) -> Result<CaseId> {
    Ok(CaseId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO cases (customer_id, category, source, status, team, assignee_user_id, subject, link_kind, link_id, created_by, created_at, updated_at, first_response_due, first_response_risk_at, resolve_due, resolve_risk_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15) RETURNING id"
    )
    .bind(c.customer_id.get())
    .bind(c.category.as_str())
    .bind(c.source.as_str())
    .bind(c.status.as_str())
    .bind(c.team.as_str())
    .bind(c.assignee_user_id.map(UserId::get))
    .bind(c.subject)
    .bind(c.link.map(|l| l.kind().as_str()))
    .bind(c.link.map(CaseLink::id))
    .bind(c.created_by)
    .bind(c.now)
    .bind(c.first_response_due)
    .bind(c.first_response_risk_at)
    .bind(c.resolve_due)
    .bind(c.resolve_risk_at)
    .fetch_one(conn)
    .await?
    })))
}

pub struct NewEntry<'a> {
    pub case_id: CaseId,
    pub kind: EntryKind,
    pub author_user_id: Option<UserId>,
    pub author_name: &'a str,
    pub body: &'a str,
    pub now: i64,
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>) -> Result<CaseEntryId> {
    Ok(CaseEntryId::new(with_tx!(tx, |conn| sqlx::query_scalar::<
        _,
        i64,
    >(
        "INSERT INTO case_entries (case_id, kind, author_user_id, author_name, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(e.case_id.get())
    .bind(e.kind.as_str())
    .bind(e.author_user_id.map(UserId::get))
    .bind(e.author_name)
    .bind(e.body)
    .bind(e.now)
    .fetch_one(conn)
    .await?)))
}

pub async fn get(store: &Store, id: CaseId) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// The case inside a write transaction, locked against concurrent changes on PostgreSQL
/// (SQLite's single writer already serialises).
pub async fn get_for_update(tx: &mut Tx, id: CaseId) -> Result<Option<CaseRow>> {
    let lock = match tx.backend() {
        crate::Backend::Sqlite => "",
        crate::Backend::Postgres => " FOR UPDATE",
    };
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1{lock}");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

/// The entries of a case, oldest first; without internal notes when `include_internal` is false.
pub async fn entries(
    store: &Store,
    case_id: CaseId,
    include_internal: bool,
) -> Result<Vec<EntryRow>> {
    let filter = if include_internal {
        ""
    } else {
        " AND e.kind <> 'internal_note'"
    };
    let sql = format!("{ENTRY_SELECT} WHERE e.case_id = $1{filter} ORDER BY e.created_at, e.id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(case_id.get())
    .fetch_all(pool)
    .await?))
}

/// Sets the first-response instant unless one is already recorded.
pub async fn record_first_response(tx: &mut Tx, id: CaseId, at: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET first_response_at = $2 WHERE id = $1 AND first_response_at IS NULL"
    )
    .bind(id.get())
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Changes the status; `resolved_at` is set when resolving and cleared when reopening.
pub async fn set_status(
    tx: &mut Tx,
    id: CaseId,
    status: CaseStatus,
    resolved_at: Option<i64>,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET status = $2, resolved_at = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(id.get())
    .bind(status.as_str())
    .bind(resolved_at)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn set_assignee(tx: &mut Tx, id: CaseId, user: Option<UserId>, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET assignee_user_id = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id.get())
    .bind(user.map(UserId::get))
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Moves a case to another team; the assignee is cleared (they may not be in the new team).
pub async fn set_team(tx: &mut Tx, id: CaseId, team: Team, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET team = $2, assignee_user_id = NULL, updated_at = $3 WHERE id = $1"
    )
    .bind(id.get())
    .bind(team.as_str())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn touch(tx: &mut Tx, id: CaseId, now: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE cases SET updated_at = $2 WHERE id = $1"
    )
    .bind(id.get())
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
    pub teams: Option<&'a [Team]>,
    pub team: Option<Team>,
    /// Only this status; `None` for every open status (new, open, waiting on the customer).
    pub status: Option<CaseStatus>,
    /// Only cases assigned to this user.
    pub assignee: Option<UserId>,
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

/// The conditions of a queue with their text (`$T…`) and integer (`$I…`) slots.
#[derive(Default)]
struct Conditions {
    conds: Vec<String>,
    texts: Vec<&'static str>,
    ints: Vec<i64>,
}

impl Conditions {
    fn text(&mut self, v: &'static str) -> String {
        self.texts.push(v);
        format!("$T{}", self.texts.len())
    }

    fn int(&mut self, v: i64) -> String {
        self.ints.push(v);
        format!("$I{}", self.ints.len())
    }

    fn of(f: &QueueFilter<'_>) -> Conditions {
        let mut q = Conditions::default();
        if let Some(teams) = f.teams {
            let slots: Vec<String> = teams.iter().map(|t| q.text(t.as_str())).collect();
            q.conds.push(format!("c.team IN ({})", slots.join(", ")));
        }
        if let Some(team) = f.team {
            let slot = q.text(team.as_str());
            q.conds.push(format!("c.team = {slot}"));
        }
        match f.status {
            Some(s) => {
                let slot = q.text(s.as_str());
                q.conds.push(format!("c.status = {slot}"));
            }
            None => q
                .conds
                .push("c.status IN ('new', 'open', 'waiting_on_customer')".into()),
        }
        if let Some(user) = f.assignee {
            let slot = q.int(user.get());
            q.conds.push(format!("c.assignee_user_id = {slot}"));
        }
        if f.unassigned {
            q.conds.push("c.assignee_user_id IS NULL".into());
        }
        if let Some(now) = f.breached_at {
            let slot = q.int(now);
            q.conds.push(BREACHED.replace("$B", &slot));
        }
        if let Some(now) = f.at_risk_at {
            let slot = q.int(now);
            q.conds.push(format!(
                "{} AND NOT {}",
                AT_RISK.replace("$B", &slot),
                BREACHED.replace("$B", &slot)
            ));
        }
        q
    }

    /// Numbers the slots: texts first, then integers (longest names first so `$T12` is not
    /// `$T1` + `2`).
    fn number(&self, mut sql: String) -> String {
        let n_texts = self.texts.len();
        for i in (1..=self.ints.len()).rev() {
            sql = sql.replace(&format!("$I{i}"), &format!("${}", n_texts + i));
        }
        for i in (1..=n_texts).rev() {
            sql = sql.replace(&format!("$T{i}"), &format!("${i}"));
        }
        sql
    }
}

pub async fn queue(store: &Store, f: &QueueFilter<'_>) -> Result<Vec<CaseListRow>> {
    if f.teams.is_some_and(<[Team]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut q = Conditions::of(f);
    let limit_slot = q.int(f.limit.clamp(1, 1000));
    let sql = q.number(format!(
        "SELECT {CASE_COLUMNS}, cu.name AS customer_name, cu.customer_number, u.display_name AS assignee_name \
         FROM cases c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_user_id \
         WHERE {} ORDER BY c.resolve_due, c.id LIMIT {limit_slot}",
        q.conds.join(" AND ")
    ));
    Ok(with_pool!(store, |pool| {
        let mut query = sqlx::query_as::<_, CaseListRow>(sqlx::AssertSqlSafe(sql.clone()));
        for t in &q.texts {
            query = query.bind(*t);
        }
        for i in &q.ints {
            query = query.bind(*i);
        }
        query.fetch_all(pool).await?
    }))
}

/// A customer's cases, newest first.
pub async fn of_customer(
    store: &Store,
    customer_id: CustomerId,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases c WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Every team, in the order of their keys.
pub async fn teams(store: &Store) -> Result<Vec<Team>> {
    let keys = with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
        "SELECT key FROM teams ORDER BY key"
    )
    .fetch_all(pool)
    .await?);
    keys.into_iter().map(|k| team(&k)).collect()
}

fn team(key: &str) -> Result<Team> {
    Team::parse(key).ok_or_else(|| crate::StoreError::Corrupt {
        table: "teams",
        column: "key",
        message: format!("{key:?} is not a case-team"),
    })
}

/// The teams a user belongs to.
pub async fn teams_of(store: &Store, user_id: UserId) -> Result<Vec<Team>> {
    let keys = with_pool!(store, |pool| sqlx::query_scalar::<_, String>(
        "SELECT team FROM team_members WHERE user_id = $1 ORDER BY team"
    )
    .bind(user_id.get())
    .fetch_all(pool)
    .await?);
    keys.iter().map(|k| team(k)).collect()
}

/// The same inside a write transaction.
pub async fn teams_of_tx(tx: &mut Tx, user_id: UserId) -> Result<Vec<Team>> {
    let keys = with_tx!(tx, |conn| sqlx::query_scalar::<_, String>(
        "SELECT team FROM team_members WHERE user_id = $1 ORDER BY team"
    )
    .bind(user_id.get())
    .fetch_all(conn)
    .await?);
    keys.iter().map(|k| team(k)).collect()
}

/// A member of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: UserId,
    pub name: String,
}

from_row!(Member, "team_members", |c| Member {
    id: c.id("id")?,
    name: c.get("display_name")?,
});

/// A team's members, enabled accounts only, by name.
pub async fn members(store: &Store, team: Team) -> Result<Vec<Member>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, Member>(
            "SELECT u.id, u.display_name FROM team_members m JOIN users u ON u.id = m.user_id \
         WHERE m.team = $1 AND u.disabled = FALSE ORDER BY u.display_name, u.id",
        )
        .bind(team.as_str())
        .fetch_all(pool)
        .await?
    }))
}

/// Adds a user to a team; already a member is fine.
pub async fn add_member(tx: &mut Tx, user_id: UserId, team: Team) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO team_members (user_id, team) VALUES ($1, $2) ON CONFLICT (user_id, team) DO NOTHING"
    )
    .bind(user_id.get())
    .bind(team.as_str())
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// An account as cases and chats see it: the name entries are signed with, the role, and
/// whether it is disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
}

from_row!(Account, "users", |c| Account {
    id: c.id("id")?,
    display_name: c.get("display_name")?,
    role: c.code("role")?,
    disabled: c.get("disabled")?,
});

pub async fn account(store: &Store, id: UserId) -> Result<Option<Account>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, Account>(
        "SELECT id, display_name, role, disabled FROM users WHERE id = $1"
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn account_by_username(store: &Store, username: &str) -> Result<Option<Account>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, Account>(
        "SELECT id, display_name, role, disabled FROM users WHERE username = $1"
    )
    .bind(username)
    .fetch_optional(pool)
    .await?))
}

/// The customer an arrangement or a visit belongs to (`None` when it does not exist).
pub async fn link_owner(tx: &mut Tx, link: CaseLink) -> Result<Option<Option<CustomerId>>> {
    let sql = match link.kind() {
        LinkKind::Arrangement => "SELECT customer_id FROM arrangements WHERE id = $1",
        LinkKind::Visit => "SELECT customer_id FROM visits WHERE id = $1",
    };
    let owner = with_tx!(tx, |conn| sqlx::query_scalar::<_, Option<i64>>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(link.id())
    .fetch_optional(conn)
    .await?);
    Ok(owner.map(|o| o.map(CustomerId::new)))
}

/// What a new case of a customer can be linked to: their extension requests (newest first,
/// with when they were made) and their visits not yet over (soonest first, with their start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkChoice {
    pub link: CaseLink,
    /// When the request was made, or the visit starts (microseconds UTC).
    pub at: i64,
}

pub async fn link_choices(
    store: &Store,
    customer: CustomerId,
    now: i64,
) -> Result<Vec<LinkChoice>> {
    let (arrangements, visits) = with_pool!(store, |pool| {
        let a = sqlx::query_as::<_, (i64, i64)>(
            "SELECT id, created_at FROM arrangements WHERE customer_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(customer.get())
        .fetch_all(pool)
        .await?;
        let v = sqlx::query_as::<_, (i64, i64)>(
            "SELECT id, starts_at FROM visits WHERE customer_id = $1 AND ends_at > $2 ORDER BY starts_at, id",
        )
        .bind(customer.get())
        .bind(now)
        .fetch_all(pool)
        .await?;
        (a, v)
    });
    Ok(arrangements
        .into_iter()
        .map(|(id, at)| LinkChoice {
            link: CaseLink::Arrangement(ArrangementId::new(id)),
            at,
        })
        .chain(visits.into_iter().map(|(id, at)| LinkChoice {
            link: CaseLink::Visit(VisitId::new(id)),
            at,
        }))
        .collect())
}

/// A customer a member of staff opens a case for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCustomer {
    pub id: CustomerId,
    pub name: String,
    pub customer_number: String,
}

from_row!(CaseCustomer, "customers", |c| CaseCustomer {
    id: c.id("id")?,
    name: c.get("name")?,
    customer_number: c.get("customer_number")?,
});

pub async fn customer_by_number(store: &Store, number: &str) -> Result<Option<CaseCustomer>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseCustomer>(
        "SELECT id, name, customer_number FROM customers WHERE customer_number = $1"
    )
    .bind(number)
    .fetch_optional(pool)
    .await?))
}

pub async fn customer(store: &Store, id: CustomerId) -> Result<Option<CaseCustomer>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, CaseCustomer>(
        "SELECT id, name, customer_number FROM customers WHERE id = $1"
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

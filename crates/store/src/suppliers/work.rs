//! Projects and their work orders to suppliers.

use domain::ids::{ProjectId, SupplierId, WorkOrderId};
use domain::money::Money;
use domain::suppliers::Trade;
use domain::suppliers::work::{Month, OrderState, ProjectKind};
use jiff::civil::Date;

use crate::{Result, Store, Tx};

/// A project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub id: ProjectId,
    pub name: String,
    pub kind: ProjectKind,
    pub budget: Money,
    pub budget_owner: String,
    pub starts_on: Date,
    pub ends_on: Date,
}

from_row!(ProjectRow, "supplier_projects", |c| ProjectRow {
    id: c.id("id")?,
    name: c.get("name")?,
    kind: c.code("kind")?,
    budget: c.money("budget_ore")?,
    budget_owner: c.get("budget_owner")?,
    starts_on: c.date("starts_on")?,
    ends_on: c.date("ends_on")?,
});

const PROJECT_COLUMNS: &str = "id, name, kind, budget_ore, budget_owner, starts_on, ends_on";

/// A project as written.
pub struct NewProject<'a> {
    pub name: &'a str,
    pub kind: ProjectKind,
    pub budget: Money,
    pub budget_owner: &'a str,
    pub starts_on: Date,
    pub ends_on: Date,
}

pub async fn insert_project(tx: &mut Tx, p: &NewProject<'_>, now: i64) -> Result<ProjectId> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_projects (name, kind, budget_ore, budget_owner, starts_on, ends_on, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(p.name)
    .bind(p.kind.as_str())
    .bind(p.budget.ore())
    .bind(p.budget_owner)
    .bind(p.starts_on.to_string())
    .bind(p.ends_on.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?
    });
    Ok(ProjectId::new(id))
}

/// Every project, by start.
pub async fn projects(store: &Store) -> Result<Vec<ProjectRow>> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM supplier_projects ORDER BY starts_on, id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

/// A work order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOrderRow {
    pub id: WorkOrderId,
    pub project_id: ProjectId,
    pub supplier_id: SupplierId,
    pub trade: Trade,
    pub reference: String,
    pub description: String,
    pub month: Month,
    /// Where the plan first had it.
    pub planned_month: Month,
    pub hours: u32,
    pub amount: Money,
    pub state: OrderState,
    pub ordered_by: String,
}

fn month(s: &str) -> std::result::Result<Month, String> {
    Month::parse(s).ok_or_else(|| format!("not a month: {s}"))
}

from_row!(WorkOrderRow, "supplier_work_orders", |c| WorkOrderRow {
    id: c.id("id")?,
    project_id: c.id("project_id")?,
    supplier_id: c.id("supplier_id")?,
    trade: c.code("trade")?,
    reference: c.get("reference")?,
    description: c.get("description")?,
    month: c.parsed("month", month)?,
    planned_month: c.parsed("planned_month", month)?,
    hours: c.count("hours")?,
    amount: c.money("amount_ore")?,
    state: c.code("state")?,
    ordered_by: c.get("ordered_by")?,
});

const ORDER_COLUMNS: &str = "id, project_id, supplier_id, trade, reference, description, month, \
     planned_month, hours, amount_ore, state, ordered_by";

/// A work order as written.
pub struct NewWorkOrder<'a> {
    pub project_id: ProjectId,
    pub supplier_id: SupplierId,
    pub trade: Trade,
    pub reference: &'a str,
    pub description: &'a str,
    pub month: Month,
    pub hours: u32,
    pub amount: Money,
    pub state: OrderState,
    pub ordered_by: &'a str,
}

/// Writes a work order: `None` when its reference is taken.
pub async fn insert_work_order(
    tx: &mut Tx,
    o: &NewWorkOrder<'_>,
    now: i64,
) -> Result<Option<WorkOrderId>> {
    let id = with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO supplier_work_orders (project_id, supplier_id, trade, reference, description, \
         month, planned_month, hours, amount_ore, state, ordered_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (reference) DO NOTHING RETURNING id"
    )
    .bind(o.project_id.get())
    .bind(o.supplier_id.get())
    .bind(o.trade.as_str())
    .bind(o.reference)
    .bind(o.description)
    .bind(o.month.to_string())
    .bind(i64::from(o.hours))
    .bind(o.amount.ore())
    .bind(o.state.as_str())
    .bind(o.ordered_by)
    .bind(now)
    .fetch_optional(conn)
    .await?
    });
    Ok(id.map(WorkOrderId::new))
}

/// Every work order, by month.
pub async fn work_orders(store: &Store) -> Result<Vec<WorkOrderRow>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM supplier_work_orders ORDER BY month, id");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, WorkOrderRow>(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(pool)
            .await?
    }))
}

pub async fn work_order(store: &Store, id: WorkOrderId) -> Result<Option<WorkOrderRow>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM supplier_work_orders WHERE id = $1");
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, WorkOrderRow>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.get())
            .fetch_optional(pool)
            .await?
    }))
}

/// Moves a work order from `from` to `to`: `false` when it was moved (or done) meanwhile.
pub async fn move_work_order(tx: &mut Tx, id: WorkOrderId, from: Month, to: Month) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_work_orders SET month = $1 WHERE id = $2 AND month = $3 \
         AND state IN ('planned', 'ordered')"
    )
    .bind(to.to_string())
    .bind(id.get())
    .bind(from.to_string())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

/// Sets a work order's state: `false` when it was not in `from`.
pub async fn set_order_state(
    tx: &mut Tx,
    id: WorkOrderId,
    from: OrderState,
    to: OrderState,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE supplier_work_orders SET state = $1 WHERE id = $2 AND state = $3"
    )
    .bind(to.as_str())
    .bind(id.get())
    .bind(from.as_str())
    .execute(conn)
    .await?
    .rows_affected())
        == 1)
}

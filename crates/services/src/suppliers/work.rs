//! Planned work that keeps subcontractors busy: projects with a budget and a budget owner, work
//! orders to suppliers by trade and month (their reference is what the supplier's invoice quotes,
//! which matches the invoice to the order), work brought forward into the crisis, and the report
//! of hours and kronor given to local subcontractors per trade and month beside the year before.

use std::collections::{BTreeMap, HashMap};

use domain::ids::{ProjectId, SupplierId, WorkOrderId};
use domain::problem::Problem;
use domain::suppliers::work::{self, Month, MonthWork, OrderFacts, OrderState, ProjectKind};
use domain::suppliers::{SupplierProblem, Trade};
use jiff::civil::Date;
use store::suppliers::work::{self as db, NewProject, NewWorkOrder, ProjectRow, WorkOrderRow};

use super::{Suppliers, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// A project as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectInput {
    pub name: String,
    pub kind: String,
    /// Kronor as written.
    pub budget: String,
    pub budget_owner: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// A work order as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkOrderInput {
    pub project_id: Option<ProjectId>,
    pub supplier_id: Option<SupplierId>,
    pub trade: String,
    pub reference: String,
    pub description: String,
    /// `YYYY-MM`.
    pub month: String,
    pub hours: String,
    /// Kronor as written.
    pub amount: String,
    /// Ordered from the supplier already (else only planned).
    pub ordered: bool,
}

fn text<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::invalid(field, Problem::Required));
    }
    if v.chars().count() > max {
        return Err(ServiceError::invalid(field, Problem::TooLong { max }));
    }
    Ok(v)
}

fn date(field: &'static str, value: &str) -> Result<Date> {
    domain::time::parse_date(value.trim())
        .map_err(|e| ServiceError::invalid(field, Problem::Date(e)))
}

fn kronor(field: &'static str, value: &str) -> Result<domain::money::Money> {
    let m = domain::money::parse_kronor(value)
        .map_err(|e| ServiceError::invalid(field, Problem::Money(e)))?;
    if m.is_negative() {
        return Err(ServiceError::invalid(
            field,
            Problem::OutOfRange {
                min: 0,
                max: i64::MAX,
            },
        ));
    }
    Ok(m)
}

fn month(field: &'static str, value: &str) -> Result<Month> {
    Month::parse(value).ok_or_else(|| ServiceError::invalid(field, SupplierProblem::BadMonth))
}

impl Suppliers {
    /// Adds a project (planners and admins).
    pub async fn add_project(&self, actor: &Actor, input: &ProjectInput) -> Result<ProjectId> {
        Self::require(actor, roles::PLAN)?;
        let name = text("name", &input.name, 120)?;
        let kind = domain::code::parse_code::<ProjectKind>(input.kind.trim())
            .map_err(|e| ServiceError::invalid("kind", e))?;
        let budget = kronor("budget", &input.budget)?;
        let budget_owner = text("budget_owner", &input.budget_owner, 120)?;
        let starts_on = date("starts_on", &input.starts_on)?;
        let ends_on = date("ends_on", &input.ends_on)?;
        if ends_on < starts_on {
            return Err(ServiceError::invalid("ends_on", Problem::EndsBeforeStart));
        }
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_project(
            &mut tx,
            &NewProject {
                name,
                kind,
                budget,
                budget_owner,
                starts_on,
                ends_on,
            },
            self.s.now_micros(),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "supplier_project_added",
            "supplier_project",
            id.get(),
            name,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a work order to a supplier in one of its trades (planners and admins); the
    /// reference is unique.
    pub async fn add_work_order(
        &self,
        actor: &Actor,
        input: &WorkOrderInput,
    ) -> Result<WorkOrderId> {
        Self::require(actor, roles::PLAN)?;
        let store = self.s.store();
        let project_id = input
            .project_id
            .ok_or(ServiceError::invalid("project_id", Problem::Required))?;
        if !db::projects(store)
            .await?
            .iter()
            .any(|p| p.id == project_id)
        {
            return Err(ServiceError::invalid("project_id", Problem::Required));
        }
        let supplier_id = input
            .supplier_id
            .ok_or(ServiceError::invalid("supplier_id", Problem::Required))?;
        let supplier = store::suppliers::supplier(store, supplier_id)
            .await?
            .ok_or(ServiceError::invalid("supplier_id", Problem::Required))?;
        let trade = domain::code::parse_code::<Trade>(input.trade.trim())
            .map_err(|e| ServiceError::invalid("trade", e))?;
        if !supplier.trades.contains(&trade) {
            return Err(ServiceError::invalid("trade", SupplierProblem::NotInTrade));
        }
        let reference = text("reference", &input.reference, 35)?;
        let description = text("description", &input.description, 500)?;
        let month = month("month", &input.month)?;
        let hours: u32 = input
            .hours
            .trim()
            .parse()
            .map_err(|_| ServiceError::invalid("hours", Problem::NotANumber))?;
        let amount = kronor("amount", &input.amount)?;
        let state = if input.ordered {
            OrderState::Ordered
        } else {
            OrderState::Planned
        };
        let mut tx = store.begin().await?;
        let new = NewWorkOrder {
            project_id,
            supplier_id,
            trade,
            reference,
            description,
            month,
            hours,
            amount,
            state,
            ordered_by: &actor.name,
        };
        let Some(id) = db::insert_work_order(&mut tx, &new, self.s.now_micros()).await? else {
            return Err(ServiceError::invalid(
                "reference",
                SupplierProblem::ReferenceTaken {
                    reference: reference.to_owned(),
                },
            ));
        };
        self.audit(
            &mut tx,
            actor,
            "supplier_work_ordered",
            "supplier_work_order",
            id.get(),
            reference,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Brings a work order forward to an earlier month, not before this one.
    pub async fn bring_forward(&self, actor: &Actor, id: WorkOrderId, to: &str) -> Result<Month> {
        Self::require(actor, roles::PLAN)?;
        let to = month("month", to)?;
        let order = db::work_order(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let current = Month::of(self.s.today());
        work::bring_forward(order.state, order.month, to, current)
            .map_err(|p| ServiceError::invalid("month", p))?;
        let mut tx = self.s.store().begin().await?;
        if !db::move_work_order(&mut tx, id, order.month, to).await? {
            return Err(ServiceError::conflict(SupplierProblem::OrderNotMovable));
        }
        let detail = format!("{} -> {to}", order.month);
        self.audit(
            &mut tx,
            actor,
            "supplier_work_brought_forward",
            "supplier_work_order",
            id.get(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(to)
    }

    /// Moves a work order on: planned → ordered → done, or either → cancelled.
    pub async fn set_work_order_state(
        &self,
        actor: &Actor,
        id: WorkOrderId,
        to: OrderState,
    ) -> Result<()> {
        Self::require(actor, roles::PLAN)?;
        let order = db::work_order(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let allowed = matches!(
            (order.state, to),
            (OrderState::Planned, OrderState::Ordered)
                | (OrderState::Ordered, OrderState::Done)
                | (
                    OrderState::Planned | OrderState::Ordered,
                    OrderState::Cancelled
                )
        );
        if !allowed {
            return Err(ServiceError::conflict(SupplierProblem::OrderNotMovable));
        }
        let mut tx = self.s.store().begin().await?;
        if !db::set_order_state(&mut tx, id, order.state, to).await? {
            return Err(ServiceError::conflict(SupplierProblem::OrderNotMovable));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_work_order_state",
            "supplier_work_order",
            id.get(),
            to.as_str(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every project.
    pub async fn projects(&self, actor: &Actor) -> Result<Vec<ProjectRow>> {
        Self::require(actor, roles::READ)?;
        Ok(db::projects(self.s.store()).await?)
    }

    /// Every work order, by month.
    pub async fn work_orders(&self, actor: &Actor) -> Result<Vec<WorkOrderRow>> {
        Self::require(actor, roles::READ)?;
        Ok(db::work_orders(self.s.store()).await?)
    }

    /// Hours and kronor given to local subcontractors per trade in the `count` months from
    /// `first`, beside the same months a year before.
    pub async fn local_work_report(
        &self,
        actor: &Actor,
        first: Month,
        count: u32,
    ) -> Result<BTreeMap<Trade, Vec<(Month, MonthWork)>>> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let local: HashMap<SupplierId, bool> = store::suppliers::suppliers(store)
            .await?
            .into_iter()
            .map(|s| (s.id, s.is_local))
            .collect();
        let facts: Vec<OrderFacts> = db::work_orders(store)
            .await?
            .into_iter()
            .map(|o| OrderFacts {
                trade: o.trade,
                month: o.month,
                hours: o.hours,
                amount: o.amount,
                local: local.get(&o.supplier_id).copied().unwrap_or(false),
                state: o.state,
            })
            .collect();
        let months: Vec<Month> = (0..count.min(24))
            .map(|i| first.plus(i32::try_from(i).unwrap_or(0)))
            .collect();
        Ok(work::local_work_by_trade(&facts, &months))
    }
}

//! Projects and work orders: the report of local subcontractors' work per trade and month beside
//! the year before (planners, finance, admins), the projects with their work orders, and for the
//! planners the forms to add them and to bring work forward.

use std::collections::HashMap;

use axum::extract::{Path, State};
use domain::ids::{ProjectId, SupplierId, WorkOrderId};
use domain::suppliers::Trade;
use domain::suppliers::work::{Month, OrderState, ProjectKind};
use services::ServiceError;
use services::suppliers::{ProjectInput, WorkOrderInput, roles};
use views::pages::FieldError;
use views::suppliers::{OrderLine, ProjectBlock, TradeRow, WorkPage};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, id_of, outcome, outcome_at, render, status_of};

/// Months the report shows: two back, this one and five ahead.
const BACK: i32 = 2;
const MONTHS: u32 = 8;

async fn page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let h = state.services.suppliers();
    let actor = ctx.actor();
    let this_month = Month::of(state.services.today());
    let first = this_month.plus(-BACK);
    let report = h.local_work_report(&actor, first, MONTHS).await?;
    let suppliers = h.list(&actor).await?;
    let names: HashMap<SupplierId, String> =
        suppliers.iter().map(|s| (s.id, s.name.clone())).collect();
    let orders = h.work_orders(&actor).await?;
    let projects = h.projects(&actor).await?;
    let blocks = projects
        .iter()
        .map(|p| {
            let mine: Vec<_> = orders.iter().filter(|o| o.project_id == p.id).collect();
            let ordered: domain::money::Money = mine
                .iter()
                .filter(|o| o.state != OrderState::Cancelled)
                .map(|o| o.amount)
                .sum();
            ProjectBlock {
                name: p.name.clone(),
                kind: views::label(lang, p.kind),
                budget: p.budget.to_string(),
                ordered: ordered.to_string(),
                budget_owner: p.budget_owner.clone(),
                period: format!("{} – {}", p.starts_on, p.ends_on),
                orders: mine
                    .iter()
                    .filter(|o| o.month >= first)
                    .map(|o| OrderLine {
                        id: o.id.get(),
                        supplier: names.get(&o.supplier_id).cloned().unwrap_or_default(),
                        trade: views::label(lang, o.trade),
                        reference: o.reference.clone(),
                        month: o.month.to_string(),
                        moved_from: (o.planned_month != o.month)
                            .then(|| o.planned_month.to_string()),
                        hours: o.hours,
                        amount: o.amount.to_string(),
                        state: views::label(lang, o.state),
                        movable: matches!(o.state, OrderState::Planned | OrderState::Ordered)
                            && o.month > this_month,
                    })
                    .collect(),
            }
        })
        .collect();
    let page = WorkPage {
        layout: ctx.layout(state, "projects-title").await,
        can_plan: actor.require(roles::PLAN).is_ok(),
        months: (0..MONTHS as i32)
            .map(|i| first.plus(i).to_string())
            .collect(),
        report: report
            .into_iter()
            .map(|(trade, cells)| TradeRow {
                trade: views::label(lang, trade),
                cells: cells
                    .into_iter()
                    .map(|(_, w)| {
                        (
                            w.hours,
                            w.amount.to_string(),
                            w.hours_year_before,
                            w.amount_year_before.to_string(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        projects: blocks,
        project_choices: projects
            .iter()
            .map(|p| (p.id.get(), p.name.clone()))
            .collect(),
        supplier_choices: suppliers
            .iter()
            .filter(|s| s.active)
            .map(|s| (s.id.get(), s.name.clone()))
            .collect(),
        trade_choices: Trade::ALL
            .iter()
            .map(|t| (t.as_str().to_owned(), views::label(lang, *t)))
            .collect(),
        kind_choices: ProjectKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), views::label(lang, *k)))
            .collect(),
        this_month: this_month.to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    done: Result<String, ServiceError>,
    field: &str,
) -> PageResult {
    let (said, errors) = outcome(ctx.lang, done, field)?;
    page(state, ctx, said, errors).await
}

/// [`after`] with any refusal named at `field`, a row's own field.
async fn after_at(
    state: &AppState,
    ctx: &Ctx,
    done: Result<String, ServiceError>,
    field: &str,
) -> PageResult {
    let (said, errors) = outcome_at(ctx.lang, done, field)?;
    page(state, ctx, said, errors).await
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, None, Vec::new()).await
}

pub async fn add_project(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = ProjectInput {
        name: f.get("name").to_owned(),
        kind: f.get("kind").to_owned(),
        budget: f.get("budget").to_owned(),
        budget_owner: f.get("budget_owner").to_owned(),
        starts_on: f.get("starts_on").to_owned(),
        ends_on: f.get("ends_on").to_owned(),
    };
    let done = state
        .services
        .suppliers()
        .add_project(&ctx.actor(), &input)
        .await;
    after(
        &state,
        &ctx,
        done.map(|_| ctx.t("projects-added-project")),
        "name",
    )
    .await
}

pub async fn add_work_order(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = WorkOrderInput {
        project_id: id_of::<ProjectId>(f.get("project_id")).ok(),
        supplier_id: id_of::<SupplierId>(f.get("supplier_id")).ok(),
        trade: f.get("trade").to_owned(),
        reference: f.get("reference").to_owned(),
        description: f.get("description").to_owned(),
        month: f.get("month").to_owned(),
        hours: f.get("hours").to_owned(),
        amount: f.get("amount").to_owned(),
        ordered: f.get("ordered") == "true",
    };
    let done = state
        .services
        .suppliers()
        .add_work_order(&ctx.actor(), &input)
        .await;
    after(
        &state,
        &ctx,
        done.map(|_| ctx.t("projects-added-order")),
        "reference",
    )
    .await
}

pub async fn bring_forward(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: WorkOrderId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .bring_forward(&ctx.actor(), id, f.get("month"))
        .await
        .map(|m| {
            views::translate(
                ctx.lang,
                "projects-brought-forward",
                &[("month", m.to_string())],
            )
        });
    after_at(&state, &ctx, done, &format!("month-{}", id.get())).await
}

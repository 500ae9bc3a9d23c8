//! Mina sidor: a customer asks for a later due date or instalments, and sees their requests.

use axum::extract::State;
use axum::http::StatusCode;
use domain::credit::{ArrangementStatus, Ask, Decision, InvoiceStatus};
use domain::ids::InvoiceId;
use domain::problem::Problem;
use views::credit::{ArrangementLine, PortalExtensionPage, UnpaidLine};
use views::pages::FieldError;

use super::line;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render};

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    result: Option<ArrangementLine>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let u = ctx.user()?;
    let cid = u.customer_id.ok_or(AppError::Forbidden)?;
    let credit = state.services.credit();
    let (invoices, arrangements) = credit.customer_credit(cid).await?;
    let policy = credit.policy_now().await?;
    let number_of = |id: InvoiceId| {
        invoices
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.invoice_number.clone())
            .unwrap_or_default()
    };
    let referred = |id: InvoiceId| {
        arrangements
            .iter()
            .any(|a| a.invoice_id == id && a.status == ArrangementStatus::Referred)
    };
    let page = PortalExtensionPage {
        layout: ctx.layout(state, "extension-title").await,
        arrangements: arrangements
            .iter()
            .map(|a| line(a, &number_of(a.invoice_id), ctx.lang))
            .collect(),
        invoices: invoices
            .iter()
            .map(|i| UnpaidLine {
                id: i.id,
                invoice_number: i.invoice_number.clone(),
                ocr: i.ocr.clone(),
                due_on: i.due_on,
                outstanding: i.amount - i.paid,
                status: i.status,
                can_ask: !matches!(
                    i.status,
                    InvoiceStatus::Extension | InvoiceStatus::Collection
                ) && !referred(i.id),
            })
            .collect(),
        max_instalments: policy.max_instalments.clamp(2, 12),
        result,
        errors,
    };
    render(status, &page)
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page_with(&state, &ctx, None, vec![], StatusCode::OK).await
}

/// What the form asks for, or the field that is wrong and why.
fn ask_of(form: &FormData, invoice: i64) -> Result<Ask, (String, Problem)> {
    if form.get("kind") == "instalments" {
        form.get("instalments")
            .trim()
            .parse::<u32>()
            .map(Ask::Instalments)
            .map_err(|_| (format!("n-{invoice}"), Problem::NotANumber))
    } else {
        domain::time::parse_date(form.get("date").trim())
            .map(Ask::NewDueDate)
            .map_err(|e| (format!("date-{invoice}"), Problem::Date(e)))
    }
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let invoice = parse_id(form.get("invoice"))?;
    let ask = match ask_of(&form, invoice) {
        Ok(ask) => ask,
        Err((field, problem)) => {
            let e = FieldError {
                field,
                message: views::explain(ctx.lang, &problem),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page_with(&state, &ctx, None, vec![e], status).await;
        }
    };
    let credit = state.services.credit();
    let outcome = credit
        .request_extension(&actor, InvoiceId::new(invoice), ask)
        .await?;
    let a = credit.arrangement_detail(outcome.arrangement_id).await?;
    let result = line(&a.arrangement, &a.invoice.invoice_number, ctx.lang);
    let status = if outcome.assessment.decision == Decision::Refuse {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_with(&state, &ctx, Some(result), vec![], status).await
}

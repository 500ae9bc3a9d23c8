//! The staff search and customer page.

use axum::extract::{Path, Query, State};
use domain::ids::CustomerId;
use domain::problem::Invalid;
use services::ServiceError;
use services::customers::roles::IDENTITY_READERS;
use services::customers::{CustomerHit, mask_identity};
use views::pages::{CustomerHitLine, CustomerPage, CustomersPage, PaymentLine};

use crate::AppState;
use crate::ctx::Ctx;
use crate::home::{invoice_lines, meter_lines, service_lines};
use crate::pages::{PageResult, id_of, ok};

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

fn hit_line(h: CustomerHit, lang: views::Lang) -> CustomerHitLine {
    CustomerHitLine {
        id: h.id,
        customer_number: h.customer_number,
        name: h.name,
        kind: views::label(lang, h.kind),
        identity_masked: h.identity_masked,
        address: format!("{}, {}", h.street, h.city),
    }
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let u = ctx.user()?;
    let query = q.map(|Query(q)| q.q).unwrap_or_default();
    let (hits, error) = match state.services.customers().search(u, &query, 50).await {
        Ok(h) => (h, None),
        Err(ServiceError::Invalid(Invalid { problem, .. })) => {
            (Vec::new(), Some(views::explain(ctx.lang, &problem)))
        }
        Err(e) => return Err(e.into()),
    };
    let page = CustomersPage {
        layout: ctx.layout(&state, "customers-title").await,
        searched: !query.trim().is_empty(),
        query,
        hits: hits.into_iter().map(|h| hit_line(h, ctx.lang)).collect(),
        error,
    };
    ok(&page)
}

async fn customer_page(
    state: &AppState,
    ctx: &Ctx,
    id: CustomerId,
    revealed: Option<String>,
) -> PageResult {
    let u = ctx.user()?;
    let d = state.services.customers().detail(u, id).await?;
    let cases = if services::cases::roles::CASE_WORKERS.contains(&u.role) {
        crate::cases::customer_case_lines(state, ctx, id.get()).await?
    } else {
        Vec::new()
    };
    let c = &d.customer;
    let page = CustomerPage {
        layout: ctx.layout(state, "customers-title").await,
        id,
        customer_number: c.customer_number.clone(),
        name: c.name.clone(),
        kind: views::label(ctx.lang, c.kind),
        identity_revealed: revealed.is_some(),
        identity: revealed.unwrap_or_else(|| mask_identity(&c.identity_number)),
        can_reveal: IDENTITY_READERS.contains(&u.role),
        address: format!("{}, {} {}", c.street, c.postal_code, c.city),
        email: c.email.clone().unwrap_or_default(),
        phone: c.phone.clone().unwrap_or_default(),
        language: views::label(ctx.lang, c.language),
        channel: views::label(ctx.lang, c.preferred_channel),
        open_ore: d.open_amount.ore(),
        overdue_count: d.overdue_count,
        meters: meter_lines(&d, ctx.lang),
        services: service_lines(&d, ctx.lang),
        invoices: invoice_lines(&d),
        payments: d
            .payments
            .iter()
            .map(|p| PaymentLine {
                paid_on: p.paid_on.to_string(),
                amount_ore: p.amount.ore(),
                reference: p.reference.clone(),
            })
            .collect(),
        can_request_extension: services::credit::roles::EXTENSION_FOR_CALLER.contains(&u.role),
        can_handle_home_visits: services::declarations::roles::HOME_VISIT_AGENTS.contains(&u.role),
        cases,
    };
    ok(&page)
}

pub async fn customer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    customer_page(&state, &ctx, id_of(&id)?, None).await
}

pub async fn reveal_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_of(&id)?;
    let full = state
        .services
        .customers()
        .reveal_identity(ctx.user()?, id, &ctx.address)
        .await?;
    customer_page(&state, &ctx, id, Some(full)).await
}

//! Mina sidor → Besök: a customer's own visits, and booking one.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use domain::ids::SiteId;
use domain::visits::VisitStatus;
use services::visits::SiteView;
use services::visits::roles::CUSTOMERS;
use views::visits::{MyVisitLine, PortalVisitsPage};

use super::booking::{self, BookQuery, Flavour, Shown};
use super::summary;
use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, render};
use crate::route;
use crate::routes::RouteSpec;

pub async fn visits(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let cid = u.customer_id.ok_or(AppError::Forbidden)?;
    let visits = state.services.visits();
    let rows = visits.customer_visits(cid).await?;
    let mut views_by_site: HashMap<SiteId, SiteView> = HashMap::new();
    let mut lines = Vec::new();
    for v in rows.iter().filter(|v| v.status != VisitStatus::Expired) {
        if let std::collections::hash_map::Entry::Vacant(e) = views_by_site.entry(v.site_id) {
            e.insert(visits.site_view(v.site_id).await?);
        }
        let Some(view) = views_by_site.get(&v.site_id) else {
            continue;
        };
        lines.push(MyVisitLine {
            visit: summary(&state, ctx.lang, view, v),
            link: visits.visit_link(v.id).await?,
        });
    }
    render(
        StatusCode::OK,
        &PortalVisitsPage {
            layout: ctx.layout(&state, "portal-visits-title").await,
            visits: lines,
        },
    )
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = booking::choose(&state, &q).await?;
    booking::page(&state, &ctx, Flavour::Portal, &c, Shown::blank()).await
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::submit(&state, &ctx, Flavour::Portal, &form).await
}

pub async fn waitlist(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::join_waitlist(&state, &ctx, Flavour::Portal, &form).await
}

/// Mina sidor → Besök.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/mina-sidor/besok", Access::Roles(CUSTOMERS), visits),
        route!(
            get,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMERS),
            form
        ),
        route!(
            post,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMERS),
            submit
        ),
        route!(
            post,
            "/mina-sidor/besok/boka/ko",
            Access::Roles(CUSTOMERS),
            waitlist
        ),
    ]
}

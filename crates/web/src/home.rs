//! The ways in: the root redirect, the staff and portal home pages, the stylesheet, and the
//! health, readiness and metrics endpoints.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::role::Role;
use services::auth::roles::{CUSTOMER, STAFF};
use services::customers::CustomerDetail;
use views::pages::{InvoiceLine, MeterLine, PortalHome, ServiceLine, StaffHome, StaffLink};

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, nav_for};
use crate::pages::{PageResult, ok, see_other};
use crate::route;
use crate::routes::RouteSpec;

/// Where a user lands after logging in.
pub(crate) fn home_of(role: Role) -> &'static str {
    if role == Role::Customer {
        "/mina-sidor"
    } else {
        "/personal"
    }
}

pub async fn root(ctx: Ctx) -> Response {
    match &ctx.user {
        Some(u) if u.mfa_pending => see_other("/logga-in/totp"),
        Some(u) => see_other(home_of(u.role)),
        None => see_other("/logga-in"),
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../views/static/app.css"),
    )
        .into_response()
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready for traffic: the database answers, and this server's background worker (when it runs
/// one) has shown it is alive within [`services::Services::worker_silent_limit`].
pub async fn readyz(State(state): State<AppState>) -> Response {
    if !state.services.store().ping().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    if state
        .services
        .worker_silent_for()
        .is_some_and(|d| d > state.services.worker_silent_limit())
    {
        return (StatusCode::SERVICE_UNAVAILABLE, "worker stalled").into_response();
    }
    "ready".into_response()
}

pub(crate) fn meter_lines(d: &CustomerDetail, lang: views::Lang) -> Vec<MeterLine> {
    d.meter_points
        .iter()
        .map(|m| MeterLine {
            anlaggnings_id: m.anlaggnings_id.clone(),
            address: format!("{}, {} {}", m.street, m.postal_code, m.city),
            property: views::label(lang, m.property_kind),
            placement: views::label(lang, m.placement),
            meter_kind: views::label(lang, m.meter_kind),
            fuse_amps: m.fuse_amps,
        })
        .collect()
}

pub(crate) fn service_lines(d: &CustomerDetail, lang: views::Lang) -> Vec<ServiceLine> {
    d.subscriptions
        .iter()
        .map(|s| ServiceLine {
            service: views::label(lang, s.service),
            since: s.started_on.to_string(),
        })
        .collect()
}

pub(crate) fn invoice_lines(d: &CustomerDetail) -> Vec<InvoiceLine> {
    d.invoices
        .iter()
        .map(|i| InvoiceLine {
            invoice_number: i.invoice_number.clone(),
            ocr: i.ocr.clone(),
            due_on: i.due_on.to_string(),
            amount_ore: i.amount.ore(),
            paid_ore: i.paid.ore(),
            status: i.status,
        })
        .collect()
}

/// The extension requests and plans in play, one line each.
fn extension_lines(ctx: &Ctx, attention: &services::portal::Attention) -> Vec<String> {
    attention
        .arrangements
        .iter()
        .map(|a| {
            // An extension moves the due date; a plan splits the amount into instalments.
            let what = match &a.new_due_on {
                Some(date) => views::translate(
                    ctx.lang,
                    "portal-extension-new-date",
                    &[("date", date.to_string())],
                ),
                None => views::translate(
                    ctx.lang,
                    "portal-extension-instalments",
                    &[("count", a.instalments.unwrap_or(0).to_string())],
                ),
            };
            views::translate(
                ctx.lang,
                "portal-extension-status",
                &[
                    ("what", what),
                    ("status", ctx.t(&format!("arrangement-{}", a.status))),
                ],
            )
        })
        .collect()
}

pub async fn portal_home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let d = state.services.customers().portal_overview(u).await?;
    let attention = state.services.portal().attention(u).await?;
    let next_visit = attention.next_visit.as_ref().map(|v| {
        domain::time::format_datetime(
            domain::time::from_micros(v.starts_at),
            &domain::time::stockholm(),
        )
    });
    let page = PortalHome {
        layout: ctx.layout(&state, "portal-title").await,
        name: d.customer.name.clone(),
        unpaid_count: d.unpaid_count,
        unpaid_ore: d.open_amount.ore(),
        overdue_count: d.overdue_count,
        invoices: invoice_lines(&d),
        meters: meter_lines(&d, ctx.lang),
        services: service_lines(&d, ctx.lang),
        email: d.customer.email.clone().unwrap_or_default(),
        phone: d.customer.phone.clone().unwrap_or_default(),
        channel: views::label(ctx.lang, d.customer.preferred_channel),
        extensions: extension_lines(&ctx, &attention),
        next_visit,
        cases_waiting: attention.cases_waiting,
        cases_open: attention.cases_open,
        meter_exchange: match &attention.arrival {
            Some(a) => Some(views::translate(
                ctx.lang,
                "portal-meter-arrival",
                &[
                    ("street", a.street.clone()),
                    (
                        "window",
                        format!(
                            "{}–{}",
                            services::campaign::hhmm(a.from_min),
                            services::campaign::hhmm(a.to_min)
                        ),
                    ),
                ],
            )),
            None => attention.meter_exchange.as_ref().map(|(state, day)| {
                views::translate(
                    ctx.lang,
                    &format!("portal-meter-{state}"),
                    &[("date", day.clone().unwrap_or_default())],
                )
            }),
        },
    };
    ok(&page)
}

pub async fn staff_home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let links = nav_for(u.role)
        .into_iter()
        .skip(1)
        .map(|(href, label_key)| StaffLink { href, label_key })
        .collect();
    let page = StaffHome {
        layout: ctx.layout(&state, "staff-title").await,
        name: u.display_name.clone(),
        role: views::label(ctx.lang, u.role),
        links,
        can_search: services::customers::roles::READERS.contains(&u.role),
    };
    ok(&page)
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/", Access::Public, root),
        route!(get, "/static/app.css", Access::Public, stylesheet),
        route!(
            get,
            "/static/leaflet.js",
            Access::Public,
            crate::map::leaflet_js
        ),
        route!(
            get,
            "/static/leaflet.css",
            Access::Public,
            crate::map::leaflet_css
        ),
        route!(get, "/static/map.js", Access::Public, crate::map::map_js),
        route!(get, "/healthz", Access::Public, healthz),
        route!(get, "/readyz", Access::Public, readyz),
        route!(get, "/metrics", Access::Public, crate::metrics::render),
        route!(get, "/mina-sidor", Access::Roles(CUSTOMER), portal_home),
        route!(get, "/personal", Access::Roles(STAFF), staff_home),
    ]
}

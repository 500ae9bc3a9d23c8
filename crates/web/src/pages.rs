//! HTML pages. Each handler extracts, calls one service and renders one view.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::policy::Capability;
use domain::role::Role;
use services::ServiceError;
use services::auth::LoginStep;
use services::customers::{CustomerDetail, IDENTITY_READERS, mask_identity};
use views::Template;
use views::pages::*;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData, nav_for};
use crate::error::AppError;
use crate::route;
use crate::routes::RouteSpec;
#[allow(unused_imports)]
use crate::routes::{ADMIN, CUSTOMER, CUSTOMER_READERS, OUTBOX_READERS, POLICY_READERS, STAFF};
use crate::session::{clear_session_cookie, session_cookie};

pub(crate) type PageResult = Result<Response, AppError>;

pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> PageResult {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("render: {e}")))?;
    Ok((status, Html(html)).into_response())
}

fn ok<T: Template>(page: &T) -> PageResult {
    render(StatusCode::OK, page)
}

/// A script of ours, served with an hour's caching.
pub(crate) fn script(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn home_of(role: Role) -> &'static str {
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

pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.services.store().ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

pub async fn login_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    if let Some(u) = &ctx.user
        && !u.mfa_pending
    {
        return Ok(see_other(home_of(u.role)));
    }
    let page = LoginPage {
        layout: ctx.layout(&state, "login-title").await,
        username: String::new(),
        error_key: None,
        show_demo_hint: state.http.show_demo_hint,
    };
    ok(&page)
}

pub async fn login_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let username = form.get("username").to_owned();
    let result = state
        .services
        .login(&username, form.get("password"), &ctx.address)
        .await;
    let (status, key) = match result {
        Ok(session) => {
            let to = match session.next {
                LoginStep::Done => "/",
                LoginStep::EnterTotp | LoginStep::EnrolTotp => "/logga-in/totp",
            };
            let mut resp = see_other(to);
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &session.token));
            return Ok(resp);
        }
        Err(ServiceError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login-failed"),
        Err(ServiceError::RateLimited) => (StatusCode::TOO_MANY_REQUESTS, "login-rate-limited"),
        Err(e) => return Err(e.into()),
    };
    let page = LoginPage {
        layout: ctx.layout(&state, "login-title").await,
        username,
        error_key: Some(key),
        show_demo_hint: state.http.show_demo_hint,
    };
    let mut resp = render(status, &page)?;
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("60"),
        );
    }
    Ok(resp)
}

pub async fn set_language(State(state): State<AppState>, form: FormData) -> Response {
    let lang = views::Lang::from_code(form.get("lang")).unwrap_or_default();
    // Only local paths, so the form cannot be used to redirect elsewhere.
    let next = form.get("next");
    let next = if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    };
    let mut resp = see_other(next);
    resp.headers_mut().append(
        header::SET_COOKIE,
        crate::session::set_cookie(
            state.http.secure_cookies,
            "lang",
            lang.code(),
            Some(365 * 24 * 3600),
            "Lax",
        ),
    );
    resp
}

pub async fn totp_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let page = TotpPage {
        layout: ctx.layout(&state, "totp-title").await,
        enrolled: u.totp_enabled,
        new_secret: None,
        new_uri: None,
        error: false,
    };
    ok(&page)
}

pub async fn totp_new(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    if u.totp_enabled {
        return Ok(see_other("/logga-in/totp"));
    }
    let e = state.services.totp_begin(u).await?;
    let page = TotpPage {
        layout: ctx.layout(&state, "totp-enrol-title").await,
        enrolled: false,
        new_secret: Some(e.secret_base32),
        new_uri: Some(e.uri),
        error: false,
    };
    ok(&page)
}

pub async fn totp_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let u = ctx.user()?;
    match state
        .services
        .totp_verify(u, form.get("code"), &ctx.address)
        .await
    {
        Ok(token) => {
            let mut resp = see_other(home_of(u.role));
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &token));
            Ok(resp)
        }
        Err(ServiceError::Invalid(_)) => {
            let page = TotpPage {
                layout: ctx.layout(&state, "totp-title").await,
                enrolled: true,
                new_secret: None,
                new_uri: None,
                error: true,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    state.services.logout(u, &ctx.address).await?;
    let mut resp = see_other("/logga-in");
    resp.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(resp)
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let page = AccountPage {
        layout: ctx.layout(&state, "account-title").await,
        username: u.username.clone(),
        is_staff: u.role.is_staff(),
        totp_enabled: u.totp_enabled,
        errors: Vec::new(),
    };
    ok(&page)
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let u = ctx.user()?;
    match state
        .services
        .change_password(
            u,
            form.get("current_password"),
            form.get("new_password"),
            &ctx.address,
        )
        .await
    {
        Ok(()) => {
            let mut resp = see_other("/logga-in");
            resp.headers_mut()
                .append(header::SET_COOKIE, clear_session_cookie(&state));
            Ok(resp)
        }
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let page = AccountPage {
                layout: ctx.layout(&state, "account-title").await,
                username: u.username.clone(),
                is_staff: u.role.is_staff(),
                totp_enabled: u.totp_enabled,
                errors: vec![FieldError {
                    field: field.to_owned(),
                    message: views::explain(ctx.lang, &message),
                }],
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// A stored closed-set value (e.g. `meter_room`) as its name in the page's language; an
/// unknown value is shown as stored rather than hidden.
pub(crate) fn label_of<T: domain::code::Code>(raw: &str, lang: views::Lang) -> String {
    T::from_code(raw).map_or_else(|| raw.to_owned(), |v| views::label(lang, v))
}

fn meter_lines(d: &CustomerDetail, lang: views::Lang) -> Vec<MeterLine> {
    use domain::meter::{MeterKind, Placement, PropertyKind};
    d.meter_points
        .iter()
        .map(|m| MeterLine {
            anlaggnings_id: m.anlaggnings_id.clone(),
            address: format!("{}, {} {}", m.street, m.postal_code, m.city),
            property: label_of::<PropertyKind>(&m.property_kind, lang),
            placement: label_of::<Placement>(&m.placement, lang),
            meter_kind: label_of::<MeterKind>(&m.meter_kind, lang),
            fuse_amps: m.fuse_amps,
        })
        .collect()
}

fn service_lines(d: &CustomerDetail, lang: views::Lang) -> Vec<ServiceLine> {
    d.subscriptions
        .iter()
        .map(|s| ServiceLine {
            service: label_of::<domain::meter::UtilityService>(&s.service, lang),
            since: s.started_on.clone(),
        })
        .collect()
}

fn invoice_lines(d: &CustomerDetail) -> Vec<InvoiceLine> {
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

pub(crate) fn channel_label(channel: &str, lang: views::Lang) -> String {
    label_of::<domain::customer::Channel>(channel, lang)
}

pub async fn portal_home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let d = state.services.portal_overview(u).await?;
    let attention = state.services.portal().attention(u).await?;
    let extensions = attention
        .arrangements
        .iter()
        .map(|a| {
            let what =
                views::credit::arrangement_what(ctx.lang, a.kind, a.new_due_on, a.instalments);
            views::translate(
                ctx.lang,
                "portal-extension-status",
                &[("what", what), ("status", ctx.t(a.status.message_key()))],
            )
        })
        .collect();
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
        channel: channel_label(&d.customer.preferred_channel, ctx.lang),
        extensions,
        next_visit,
        cases_waiting: attention.cases_waiting,
        cases_open: attention.cases_open,
        meter_exchange: attention.meter_exchange.as_ref().map(|(state, day)| {
            views::translate(
                ctx.lang,
                &format!("portal-meter-{state}"),
                &[("date", day.clone().unwrap_or_default())],
            )
        }),
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
        can_search: services::customers::CUSTOMER_READERS.contains(&u.role),
    };
    ok(&page)
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn customers(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let u = ctx.user()?;
    let query = q.map(|Query(q)| q.q).unwrap_or_default();
    let (hits, error) = match state.services.search_customers(u, &query, 50).await {
        Ok(h) => (h, None),
        Err(ServiceError::Invalid(domain::problem::Invalid { problem, .. })) => {
            (Vec::new(), Some(views::explain(ctx.lang, &problem)))
        }
        Err(e) => return Err(e.into()),
    };
    let page = CustomersPage {
        layout: ctx.layout(&state, "customers-title").await,
        searched: !query.trim().is_empty(),
        query,
        hits: hits
            .into_iter()
            .map(|h| CustomerHitLine {
                id: h.id,
                customer_number: h.customer_number,
                name: h.name,
                kind: h.kind,
                identity_masked: h.identity_masked,
                address: h.address,
            })
            .collect(),
        error,
    };
    ok(&page)
}

pub(crate) fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(AppError::NotFound)
}

async fn customer_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    revealed: Option<String>,
) -> PageResult {
    let u = ctx.user()?;
    let d = state.services.customer_detail(u, id).await?;
    let cases = if matches!(u.role, Role::Agent | Role::CreditOfficer | Role::Admin) {
        crate::cases::customer_case_lines(state, ctx, id).await?
    } else {
        Vec::new()
    };
    let c = &d.customer;
    let kind = label_of::<domain::customer::CustomerKind>(&c.kind, ctx.lang);
    let page = CustomerPage {
        layout: ctx.layout(state, "customers-title").await,
        id,
        customer_number: c.customer_number.clone(),
        name: c.name.clone(),
        kind,
        identity_revealed: revealed.is_some(),
        identity: revealed.unwrap_or_else(|| mask_identity(&c.identity_number)),
        can_reveal: IDENTITY_READERS.contains(&u.role),
        address: format!("{}, {} {}", c.street, c.postal_code, c.city),
        email: c.email.clone().unwrap_or_default(),
        phone: c.phone.clone().unwrap_or_default(),
        language: c.language.clone(),
        channel: channel_label(&c.preferred_channel, ctx.lang),
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
        can_handle_home_visits: matches!(u.role, Role::Agent | Role::Admin),
        cases,
    };
    ok(&page)
}

pub async fn customer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    customer_page(&state, &ctx, parse_id(&id)?, None).await
}

pub async fn reveal_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let full = state
        .services
        .reveal_identity(ctx.user()?, id, &ctx.address)
        .await?;
    customer_page(&state, &ctx, id, Some(full)).await
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let users = state.services.users().await?;
    let staff_roles = Role::STAFF
        .iter()
        .map(|r| (r.as_str().to_owned(), views::label(ctx.lang, *r)))
        .collect();
    let page = UsersPage {
        layout: ctx.layout(state, "users-title").await,
        users: users
            .into_iter()
            .map(|u| UserLine {
                id: u.id,
                is_customer: u.role == "customer",
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                totp_enabled: u.totp_enabled,
                is_demo: u.is_demo,
            })
            .collect(),
        staff_roles,
        message,
        errors,
    };
    render(status, &page)
}

pub async fn users(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    users_page(&state, &ctx, None, Vec::new(), StatusCode::OK).await
}

pub async fn set_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let Ok(role) = form.get("role").parse::<Role>() else {
        let e = FieldError {
            field: "role".into(),
            message: ctx.t("error-400"),
        };
        return users_page(
            &state,
            &ctx,
            None,
            vec![e],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state
        .services
        .set_role(ctx.user()?, id, role, &ctx.address)
        .await
    {
        Ok(()) => Ok(see_other("/admin/anvandare")),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            users_page(
                &state,
                &ctx,
                None,
                vec![FieldError {
                    field: field.into(),
                    message: views::explain(ctx.lang, &message),
                }],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn end_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let n = state
        .services
        .end_sessions(ctx.user()?, id, &ctx.address)
        .await?;
    users_page(
        &state,
        &ctx,
        Some(format!("{n}")),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn policies(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    policies_page(&state, &ctx, None, Vec::new(), StatusCode::OK).await
}

/// Parses a `datetime-local` value as Stockholm civil time.
fn local_time(s: &str) -> Option<jiff::Timestamp> {
    let dt: jiff::civil::DateTime = s.trim().parse().ok()?;
    Some(domain::time::at_civil(
        dt.date(),
        dt.time(),
        &domain::time::stockholm(),
    ))
}

/// Switches one capability to a preset (normal or pandemic) from a given time, with a reason;
/// a campaign policy in force at once re-classifies the campaign and reports what moved.
pub async fn set_policy(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let invalid = |field: &str, key: &str| {
        vec![FieldError {
            field: field.to_owned(),
            message: ctx.t(key),
        }]
    };
    let Ok(capability) = form.get("capability").parse::<Capability>() else {
        let e = invalid("capability", "policy-set-capability");
        return policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let preset = match form.get("preset") {
        "normal" => domain::policy::Preset::Normal,
        "pandemic" => domain::policy::Preset::Pandemic,
        _ => {
            let e = invalid("preset", "policy-set-preset");
            return policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let from = match form.get("from").trim() {
        "" => state.services.now(),
        f => match local_time(f) {
            Some(t) => t,
            None => {
                let e = invalid("from", "policy-set-from");
                return policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        },
    };
    let to = match form.get("to").trim() {
        "" => None,
        t => match local_time(t) {
            Some(t) => Some(t),
            None => {
                let e = invalid("to", "policy-set-to");
                return policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        },
    };
    let body = domain::policy::PolicyBody::preset(capability, preset);
    match state
        .services
        .change_policy(&actor, &body, from, to, form.get("reason"))
        .await
    {
        Ok(change) => {
            let mut msg = views::translate(
                ctx.lang,
                "policy-set-done",
                &[
                    ("capability", views::label(ctx.lang, capability)),
                    (
                        "from",
                        domain::time::format_datetime(from, &domain::time::stockholm()),
                    ),
                ],
            );
            if let Some(c) = change.campaign {
                msg.push(' ');
                msg.push_str(&crate::campaign::classified_message(ctx.lang, &c));
            }
            policies_page(&state, &ctx, Some(msg), Vec::new(), StatusCode::OK).await
        }
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let e = vec![FieldError {
                field: match field {
                    "effective_to" => "to".to_owned(),
                    f => f.to_owned(),
                },
                message: views::explain(ctx.lang, &message),
            }];
            policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn policies_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let cap_label = |c: Capability| views::label(ctx.lang, c);
    let now = state.services.now();
    let mut in_force = Vec::new();
    for &c in Capability::ALL {
        in_force.push((
            cap_label(c),
            state.services.policy_at(c, now).await?.summary_sv(),
        ));
    }
    let all = state
        .services
        .policies()
        .await?
        .into_iter()
        .map(|p| PolicyLine {
            capability: p
                .row
                .capability
                .parse()
                .map(cap_label)
                .unwrap_or(p.row.capability.clone()),
            summary: p
                .body
                .as_ref()
                .map(|b| b.summary_sv())
                .unwrap_or_else(|e| e.to_string()),
            from: p.row.effective_from,
            to: p.row.effective_to,
            set_by: p.row.set_by,
            reason: p.row.reason,
        })
        .collect();
    let (modes, mode_policies) = state.services.modes().await?;
    let modes = modes
        .into_iter()
        .map(|m| ModeLine {
            policies: mode_policies
                .iter()
                .filter(|p| p.mode_id == m.id)
                .map(|p| {
                    (
                        p.capability
                            .parse()
                            .map(cap_label)
                            .unwrap_or(p.capability.clone()),
                        domain::policy::PolicyBody::from_json(&p.body)
                            .map(|b| b.summary_sv())
                            .unwrap_or_else(|e| e.to_string()),
                    )
                })
                .collect(),
            name: m.name,
            description: m.description,
        })
        .collect();
    let now_local =
        domain::time::format_datetime(now, &domain::time::stockholm()).replacen(' ', "T", 1);
    render(
        status,
        &PoliciesPage {
            layout: ctx.layout(state, "policies-title").await,
            in_force,
            all,
            modes,
            capabilities: Capability::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), cap_label(*c)))
                .collect(),
            now_local,
            result,
            errors,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    sida: i64,
}

const PAGE_SIZE: i64 = 100;

pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let page = q.map(|Query(q)| q.sida).unwrap_or(0).max(0);
    let mut rows = services::audit::list(&state.services, PAGE_SIZE + 1, page * PAGE_SIZE).await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let broken_at = services::audit::verify_chain(&state.services).await?;
    let lines = rows
        .into_iter()
        .map(|r| AuditLine {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object: format!("{} {}", r.object_kind, r.object_id),
            outcome: r.outcome,
            address: r.address,
            detail: r.detail,
        })
        .collect();
    ok(&AuditPage {
        layout: ctx.layout(&state, "audit-title").await,
        lines,
        broken_at,
        page,
        has_more,
    })
}

fn outbox_line(r: &services::outbox::OutboxRow, lang: views::Lang) -> OutboxLine {
    OutboxLine {
        id: r.id.get(),
        channel: views::label(lang, r.channel),
        recipient: r.recipient.clone(),
        subject: r.subject.clone(),
        status: views::label(lang, r.status),
        created_at: r.created_at,
        attachment: r.attachment_name.clone(),
    }
}

pub async fn outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let page = q.map(|Query(q)| q.sida).unwrap_or(0).max(0);
    let mut rows = state
        .services
        .outbox(PAGE_SIZE + 1, page * PAGE_SIZE)
        .await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    ok(&OutboxPage {
        layout: ctx.layout(&state, "outbox-title").await,
        lines: rows.iter().map(|r| outbox_line(r, ctx.lang)).collect(),
        page,
        has_more,
    })
}

pub async fn outbox_message(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let r = state
        .services
        .outbox_message(domain::ids::OutboxId::new(parse_id(&id)?))
        .await?;
    ok(&OutboxMessagePage {
        layout: ctx.layout(&state, "outbox-title").await,
        line: outbox_line(&r, ctx.lang),
        customer_id: r.customer_id.map(domain::ids::CustomerId::get),
        body: r.body_text.clone(),
        attachment_body: r.attachment_body.clone(),
    })
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/", Access::Public, root),
        route!(get, "/static/app.css", Access::Public, stylesheet),
        route!(get, "/healthz", Access::Public, healthz),
        route!(get, "/readyz", Access::Public, readyz),
        route!(get, "/metrics", Access::Public, crate::metrics::render),
        route!(get, "/logga-in", Access::Public, login_form),
        route!(post, "/logga-in", Access::Public, login_submit),
        route!(post, "/sprak", Access::Public, set_language),
        route!(get, "/logga-in/totp", Access::SecondFactor, totp_form),
        route!(post, "/logga-in/totp", Access::SecondFactor, totp_submit),
        route!(post, "/logga-in/totp/ny", Access::SecondFactor, totp_new),
        route!(post, "/logga-ut", Access::Authenticated, logout),
        route!(get, "/konto", Access::Authenticated, account),
        route!(
            post,
            "/konto/losenord",
            Access::Authenticated,
            change_password
        ),
        route!(get, "/mina-sidor", Access::Roles(CUSTOMER), portal_home),
        route!(get, "/personal", Access::Roles(STAFF), staff_home),
        route!(get, "/kunder", Access::Roles(CUSTOMER_READERS), customers),
        route!(
            get,
            "/kunder/{id}",
            Access::Roles(CUSTOMER_READERS),
            customer
        ),
        route!(
            post,
            "/kunder/{id}/personnummer",
            Access::Roles(IDENTITY_READERS),
            reveal_identity
        ),
        route!(get, "/admin/anvandare", Access::Roles(ADMIN), users),
        route!(
            post,
            "/admin/anvandare/{id}/roll",
            Access::Roles(ADMIN),
            set_role
        ),
        route!(
            post,
            "/admin/anvandare/{id}/avsluta-sessioner",
            Access::Roles(ADMIN),
            end_sessions
        ),
        route!(
            get,
            "/admin/policyer",
            Access::Roles(POLICY_READERS),
            policies
        ),
        route!(
            post,
            "/admin/policyer",
            Access::Roles(POLICY_READERS),
            set_policy
        ),
        route!(get, "/admin/granskning", Access::Roles(ADMIN), audit),
        route!(get, "/utkorg", Access::Roles(OUTBOX_READERS), outbox),
        route!(
            get,
            "/utkorg/{id}",
            Access::Roles(OUTBOX_READERS),
            outbox_message
        ),
    ]
}

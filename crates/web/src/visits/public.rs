//! Without login: the public booking page and the visit's own page behind the signed link in
//! every message (confirm, cancel, move).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::time::{civil_date, from_micros, parse_date};
use jiff::civil::Date;
use services::ServiceError;
use services::visits::VisitRow;
use views::visits::VisitManagePage;

use super::booking::{self, BookQuery, Flavour, Shown};
use super::{conflict_text, open_days, slot_lines, summary};
use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render};
use crate::route;
use crate::routes::RouteSpec;

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = booking::choose(&state, &q).await?;
    booking::page(&state, &ctx, Flavour::Public, &c, Shown::blank()).await
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::submit(&state, &ctx, Flavour::Public, &form).await
}

pub async fn waitlist(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::join_waitlist(&state, &ctx, Flavour::Public, &form).await
}

#[derive(serde::Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    dag: Option<String>,
}

/// What the link page says after an action: done, or why not.
enum Outcome {
    Done(String),
    Refused(String),
}

async fn manage_page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    day: Option<Date>,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> PageResult {
    let visits = state.services.visits();
    let v = visits.visit_by_token(token).await?;
    let view = visits.site_view(v.site_id).await?;
    let now = state.services.now_micros();
    let upcoming = v.starts_at > now;
    let open = v.status.is_open();
    let slots = match day {
        Some(d) if upcoming && open => {
            let party = u32::try_from(v.party).unwrap_or(1);
            visits
                .availability(v.site_id, v.service_id, d, d, party)
                .await?
                .1
        }
        _ => Vec::new(),
    };
    let day_s = day.map(|d| d.to_string()).unwrap_or_default();
    let (message, error) = match outcome {
        Some(Outcome::Done(m)) => (Some(m), None),
        Some(Outcome::Refused(e)) => (None, Some(e)),
        None => (None, None),
    };
    render(
        status,
        &VisitManagePage {
            layout: ctx.layout(state, "visit-manage-title").await,
            token: token.to_owned(),
            visit: summary(state, ctx.lang, &view, &v),
            can_confirm: v.status.awaits_confirmation() && v.expires_at.is_none_or(|e| e > now),
            can_cancel: open && (upcoming || v.status.awaits_confirmation()),
            can_rebook: open && upcoming,
            days: open_days(state, ctx.lang, &view, &day_s),
            day: day_s,
            slots: slot_lines(state, &slots),
            message,
            error,
        },
    )
}

pub async fn manage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> PageResult {
    let day = q
        .ok()
        .and_then(|Query(q)| q.dag)
        .and_then(|d| parse_date(d.trim()).ok());
    manage_page(&state, &ctx, &token, day, None, StatusCode::OK).await
}

/// The link page again after an action: its message (`done`, a message key), or the conflict
/// that stopped it.
async fn after_action(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    result: Result<VisitRow, ServiceError>,
    done: &str,
) -> PageResult {
    let (outcome, status) = match result {
        Ok(_) => (Outcome::Done(ctx.t(done)), StatusCode::OK),
        Err(e) => (
            Outcome::Refused(conflict_text(ctx.lang, e)?),
            StatusCode::CONFLICT,
        ),
    };
    manage_page(state, ctx, token, None, Some(outcome), status).await
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let result = state.services.visits().confirm(&token).await;
    after_action(&state, &ctx, &token, result, "visit-confirmed-done").await
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let visits = state.services.visits();
    let v = visits.visit_by_token(&token).await?;
    let result = visits.cancel(&ctx.actor(), v.id).await;
    after_action(&state, &ctx, &token, result, "visit-cancelled-done").await
}

pub async fn rebook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> PageResult {
    let visits = state.services.visits();
    let v = visits.visit_by_token(&token).await?;
    let Ok(start) = form.get("start").trim().parse::<i64>() else {
        let refused = Outcome::Refused(ctx.t("visit-choose-time"));
        return manage_page(
            &state,
            &ctx,
            &token,
            None,
            Some(refused),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match visits.rebook(&ctx.actor(), v.id, start).await {
        Ok(_) => {
            let done = Outcome::Done(ctx.t("visit-moved-done"));
            manage_page(&state, &ctx, &token, None, Some(done), StatusCode::OK).await
        }
        Err(e) => {
            let (status, err) = booking::refusal(ctx.lang, e)?;
            let day = civil_date(from_micros(start), state.services.tz());
            let refused = Outcome::Refused(err.message);
            manage_page(&state, &ctx, &token, Some(day), Some(refused), status).await
        }
    }
}

/// The public booking page and the visit's link page: no login.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        // Customer centre: the public booking page and the link in every message work without login.
        route!(get, "/besok", Access::Public, form),
        route!(post, "/besok", Access::Public, submit),
        route!(post, "/besok/ko", Access::Public, waitlist),
        route!(get, "/besok/{token}", Access::Public, manage),
        route!(post, "/besok/{token}/bekrafta", Access::Public, confirm),
        route!(post, "/besok/{token}/avboka", Access::Public, cancel),
        route!(post, "/besok/{token}/omboka", Access::Public, rebook),
    ]
}

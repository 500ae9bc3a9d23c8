//! Booking an indoor window through the signed link in the invitation, without login.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::CampaignJobId;
use services::ServiceError;
use services::campaign::Booker;
use views::campaign::PostponePage;

use super::common::{
    BookingFor, booked_message, booking_job, booking_page, field_message, parse_window, refused,
};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, render};

/// The job a link stands for; a made-up link is not found.
async fn link_job(state: &AppState, token: &str) -> Result<CampaignJobId, AppError> {
    state
        .services
        .campaign()
        .meter_link_job(token)
        .await?
        .ok_or(AppError::NotFound)
}

async fn link_jobs(
    state: &AppState,
    token: &str,
    job: CampaignJobId,
) -> Result<Vec<views::campaign::BookingJob>, AppError> {
    let j = state
        .services
        .campaign()
        .indoor_job(Booker::Link, job)
        .await?;
    Ok(vec![booking_job(&j, format!("/matarbyte/{token}"))])
}

pub async fn booking(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    let jobs = link_jobs(&state, &token, job).await?;
    booking_page(&state, &ctx, jobs, None, vec![], BookingFor::Link).await
}

pub async fn booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    let r = match parse_window(form.get("window")) {
        Some((date, start)) => state
            .services
            .campaign()
            .book_window(Booker::Link, job, date, start)
            .await
            .map(Some),
        None => Ok(None),
    };
    let jobs = link_jobs(&state, &token, job).await?;
    let at = format!("window-{job}");
    let (result, errors) = match r {
        Ok(Some(w)) => (Some(booked_message(&w, &ctx)), vec![]),
        Ok(None) => (None, field_message(&at, "booking-choose", &ctx)),
        Err(e) => (None, refused(e, |_| at.clone(), &ctx)?),
    };
    booking_page(&state, &ctx, jobs, result, errors, BookingFor::Link).await
}

/// The postponement page of a link: the visit, and the question.
async fn postpone_page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    job: CampaignJobId,
    result: Option<String>,
    error: Option<String>,
) -> PageResult {
    let j = state
        .services
        .campaign()
        .indoor_job(Booker::Link, job)
        .await?;
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = PostponePage {
        layout: ctx.layout(state, "postpone-title").await,
        street: j.street,
        day: j.planned_on.map(|d| d.to_string()),
        action: format!("/matarbyte/{token}/skjut-upp"),
        booking: format!("/matarbyte/{token}"),
        result,
        error,
    };
    render(status, &page)
}

/// The infection routine's question, from the link in the reminder.
pub async fn postpone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    postpone_page(&state, &ctx, &token, job, None, None).await
}

/// Postpones the visit: someone at home is ill or in quarantine (nothing says so).
pub async fn postpone_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    _form: FormData,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    match state
        .services
        .campaign()
        .postpone_visit(Booker::Link, job)
        .await
    {
        Ok(()) => {
            let done = Some(ctx.t("postpone-done"));
            postpone_page(&state, &ctx, &token, job, done, None).await
        }
        Err(ServiceError::Conflict(p)) => {
            let e = Some(views::explain(ctx.lang, &p));
            postpone_page(&state, &ctx, &token, job, None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

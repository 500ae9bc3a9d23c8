//! Booking an indoor window through the signed link in the invitation, without login.

use axum::extract::{Path, State};
use domain::ids::CampaignJobId;
use services::campaign::Booker;

use super::common::{
    BookingFor, booked_message, booking_job, booking_page, field_message, parse_window, refused,
};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::PageResult;

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

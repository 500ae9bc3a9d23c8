//! Customer service for a customer on the phone: booking (or rebooking) their indoor window,
//! and recording or withdrawing their "no home visits" request. The confirmation goes to the
//! customer either way.

use axum::extract::{Path, State};
use domain::ids::{CampaignJobId, CustomerId};
use services::campaign::Booker;

use super::common::{
    BookingFor, DoneQuery, Whose, booked_message, booking_job, booking_page, done_message,
    field_message, home_visits_page, home_visits_submit as submit,
    home_visits_withdraw as withdraw, parse_window, refused,
};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id};

async fn caller_jobs(
    state: &AppState,
    ctx: &Ctx,
    customer: CustomerId,
) -> Result<Vec<views::campaign::BookingJob>, AppError> {
    let actor = ctx.user()?.actor(&ctx.address);
    Ok(state
        .services
        .campaign()
        .indoor_jobs_of(&actor, customer)
        .await?
        .iter()
        .map(|j| booking_job(j, format!("/kunder/{customer}/matarbyte/{}/boka", j.job_id)))
        .collect())
}

pub async fn booking(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let customer = CustomerId::new(parse_id(&id)?);
    let jobs = caller_jobs(&state, &ctx, customer).await?;
    booking_page(
        &state,
        &ctx,
        jobs,
        None,
        vec![],
        BookingFor::Caller(customer),
    )
    .await
}

pub async fn booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, job)): Path<(String, String)>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let customer = CustomerId::new(parse_id(&id)?);
    let job = CampaignJobId::new(parse_id(&job)?);
    // The job must be this customer's, whatever the form says.
    let booker = Booker::ForCaller(&actor, customer);
    let campaign = state.services.campaign();
    campaign.may_book(booker, job).await?;
    let r = match parse_window(form.get("window")) {
        Some((date, start)) => campaign
            .book_window(booker, job, date, start)
            .await
            .map(Some),
        None => Ok(None),
    };
    let jobs = caller_jobs(&state, &ctx, customer).await?;
    let at = format!("window-{job}");
    let (result, errors) = match r {
        Ok(Some(w)) => (Some(booked_message(&w, &ctx)), vec![]),
        Ok(None) => (None, field_message(&at, "booking-choose", &ctx)),
        Err(e) => (None, refused(e, |_| at.clone(), &ctx)?),
    };
    let who = BookingFor::Caller(customer);
    booking_page(&state, &ctx, jobs, result, errors, who).await
}

pub async fn home_visits(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    q: Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let whose = Whose::Caller(CustomerId::new(parse_id(&id)?));
    let result = done_message(&ctx, &q);
    home_visits_page(&state, &ctx, whose, None, result, vec![]).await
}

pub async fn home_visits_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let whose = Whose::Caller(CustomerId::new(parse_id(&id)?));
    submit(&state, &ctx, whose, &form).await
}

pub async fn home_visits_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let whose = Whose::Caller(CustomerId::new(parse_id(&id)?));
    withdraw(&state, &ctx, whose).await
}

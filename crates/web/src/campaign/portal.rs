//! The customer's own campaign pages on Mina sidor: booking a window for an indoor visit, and
//! asking for no home visits (or withdrawing the request).

use axum::extract::{Path, State};
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

async fn my_jobs(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Vec<views::campaign::BookingJob>, AppError> {
    let actor = ctx.user()?.actor(&ctx.address);
    Ok(state
        .services
        .campaign()
        .my_indoor_jobs(&actor)
        .await?
        .iter()
        .map(|j| booking_job(j, format!("/mina-sidor/matarbyte/{}/boka", j.job_id)))
        .collect())
}

pub async fn booking(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let jobs = my_jobs(&state, &ctx).await?;
    booking_page(&state, &ctx, jobs, None, vec![], BookingFor::Portal).await
}

pub async fn booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let job = domain::ids::CampaignJobId::new(parse_id(&id)?);
    let at = format!("window-{job}");
    let Some((date, start)) = parse_window(form.get("window")) else {
        let jobs = my_jobs(&state, &ctx).await?;
        let e = field_message(&at, "booking-choose", &ctx);
        return booking_page(&state, &ctx, jobs, None, e, BookingFor::Portal).await;
    };
    let r = state
        .services
        .campaign()
        .book_window(Booker::Actor(&actor), job, date, start)
        .await;
    let jobs = my_jobs(&state, &ctx).await?;
    match r {
        Ok(w) => {
            let msg = booked_message(&w, &ctx);
            booking_page(&state, &ctx, jobs, Some(msg), vec![], BookingFor::Portal).await
        }
        Err(e) => {
            let e = refused(e, |_| at.clone(), &ctx)?;
            booking_page(&state, &ctx, jobs, None, e, BookingFor::Portal).await
        }
    }
}

pub async fn home_visits(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let result = done_message(&ctx, &q);
    home_visits_page(&state, &ctx, Whose::Mine, None, result, vec![]).await
}

pub async fn home_visits_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    submit(&state, &ctx, Whose::Mine, &form).await
}

pub async fn home_visits_withdraw(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    withdraw(&state, &ctx, Whose::Mine).await
}

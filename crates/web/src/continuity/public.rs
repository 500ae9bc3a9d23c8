//! The answer to a request to cover a shift, by the signed link in the text message: no login,
//! the link is the key (an id and its MAC).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::continuity::RequestStatus;
use views::continuity::AnswerPage;
use views::pages::FieldError;

use super::{refused, when};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render};

async fn page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let v = state.services.continuity().cover_request(token).await?;
    let tz = domain::time::stockholm();
    let day = domain::time::civil_date(v.starts_at, &tz);
    let page = AnswerPage {
        layout: ctx.layout(state, "continuity-report-title").await,
        token: token.to_owned(),
        name: v.name.clone(),
        function: v.function.clone(),
        shift: v.shift.clone(),
        when: when(ctx.lang, day, v.starts_at, v.ends_at),
        status: views::label(ctx.lang, v.request.status),
        open: v.request.status == RequestStatus::Asked,
        result,
        errors,
    };
    render(
        if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        },
        &page,
    )
}

pub async fn answer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    page(&state, &ctx, &token, None, Vec::new()).await
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    f: FormData,
) -> PageResult {
    let accept = match f.get("svar") {
        "ja" => true,
        "nej" => false,
        _ => {
            let errors = vec![FieldError {
                field: "svar".into(),
                message: views::explain(ctx.lang, &domain::problem::Problem::Required),
            }];
            return page(&state, &ctx, &token, None, errors).await;
        }
    };
    match state
        .services
        .continuity()
        .answer_cover(&token, accept, &ctx.address)
        .await
    {
        Ok(status) => {
            let key = if status == RequestStatus::Accepted {
                "continuity-answer-accepted"
            } else {
                "continuity-answer-declined"
            };
            page(&state, &ctx, &token, Some(ctx.t(key)), Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            page(&state, &ctx, &token, None, errors).await
        }
    }
}

//! "Mina uppgifter": what is held about the customer, and the download of all of it.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use views::portal::*;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::{PageResult, render};

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let tables = state.services.portal().data_summary(ctx.user()?).await?;
    let page = PortalDataPage {
        layout: ctx.layout(&state, "mydata-title").await,
        tables,
    };
    render(StatusCode::OK, &page)
}

/// The download: the whole export as a JSON attachment, never cached.
pub async fn download(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let export = state
        .services
        .portal()
        .export(&user.actor(&ctx.address), user)
        .await?;
    let body = serde_json::to_vec_pretty(&export)
        .map_err(|e| AppError::Internal(format!("export: {e}")))?;
    let name = format!(
        "attachment; filename=\"mina-uppgifter-{}.json\"",
        state.services.today()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

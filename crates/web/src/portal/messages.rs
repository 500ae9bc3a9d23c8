//! The messages the company has sent the customer, and one of them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::OutboxId;
use views::portal::*;

use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, parse_id, render};

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let rows = state.services.portal().messages(ctx.user()?).await?;
    let page = PortalMessagesPage {
        layout: ctx.layout(&state, "messages-title").await,
        messages: rows
            .into_iter()
            .map(|m| MessageLine {
                id: m.id,
                subject: m.subject,
                channel: views::label(ctx.lang, m.channel),
                created_at: m.created_at,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

pub async fn one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = OutboxId::new(parse_id(&id)?);
    let m = state.services.portal().message(ctx.user()?, id).await?;
    let page = PortalMessagePage {
        layout: ctx.layout(&state, "messages-title").await,
        subject: m.subject,
        channel: views::label(ctx.lang, m.channel),
        created_at: m.created_at,
        body: m.body_text,
        attachment: m.attachment_name,
    };
    render(StatusCode::OK, &page)
}

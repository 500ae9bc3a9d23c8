//! The outbox: every message to a customer as queued (in demo mode, held and never sent).

use axum::extract::{Path, Query, State};
use views::pages::{OutboxLine, OutboxMessagePage, OutboxPage};

use super::{PAGE_SIZE, PageQuery};
use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, id_of, ok};

fn line(r: &services::outbox::OutboxRow, lang: views::Lang) -> OutboxLine {
    OutboxLine {
        id: r.id,
        channel: views::label(lang, r.channel),
        recipient: r.recipient.clone(),
        subject: r.subject.clone(),
        status: views::label(lang, r.status),
        created_at: r.created_at,
        attachment: r.attachment_name.clone(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (page, offset) = super::page_of(q)?;
    let mut rows = state.services.outbox(PAGE_SIZE + 1, offset).await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    ok(&OutboxPage {
        layout: ctx.layout(&state, "outbox-title").await,
        lines: rows.iter().map(|r| line(r, ctx.lang)).collect(),
        page,
        has_more,
    })
}

pub async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let r = state.services.outbox_message(id_of(&id)?).await?;
    ok(&OutboxMessagePage {
        layout: ctx.layout(&state, "outbox-title").await,
        line: line(&r, ctx.lang),
        customer_id: r.customer_id,
        body: r.body_text.clone(),
        attachment_body: r.attachment_body.clone(),
    })
}

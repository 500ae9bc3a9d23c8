//! The audit log, newest first, with whether its hash chain holds.

use axum::extract::{Query, State};
use views::pages::{AuditLine, AuditPage};

use super::{PAGE_SIZE, PageQuery};
use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, ok};

pub async fn log(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (page, offset) = super::page_of(q)?;
    let (mut rows, broken_at) =
        services::audit::page(&state.services, ctx.user()?, PAGE_SIZE + 1, offset).await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let lines = rows
        .into_iter()
        .map(|r| AuditLine {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object_kind: r.object_kind,
            object_id: r.object_id,
            outcome: views::label(ctx.lang, r.outcome),
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

//! The public crisis page and its Atom feed: no login, the measures in force in plain words.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use services::modes::{FeedEntry, PublicMeasures};
use views::Lang;
use views::modes::{ChangeLine, CrisisFeed, PublicCrisisPage, PublicSection};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::{PageResult, render};

fn sections(lang: Lang, measures: &[PublicMeasures]) -> Vec<PublicSection> {
    measures
        .iter()
        .map(|m| PublicSection {
            heading: views::label(lang, m.capability),
            measures: m.measures.iter().map(|x| views::explain(lang, x)).collect(),
        })
        .collect()
}

fn change_line(lang: Lang, e: &FeedEntry) -> ChangeLine {
    ChangeLine {
        id: e.id,
        at: domain::time::to_micros(e.at),
        at_rfc3339: e.at.to_string(),
        title: format!("{}: {}", views::label(lang, e.kind), e.title),
        sections: sections(lang, &e.measures),
    }
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let info = state.services.crisis().public_info().await?;
    let page = PublicCrisisPage {
        layout: ctx.layout(&state, "crisis-public-title").await,
        sections: sections(ctx.lang, &info.measures),
        last_change: info.last_change.map(domain::time::to_micros),
        changes: info
            .changes
            .iter()
            .map(|e| change_line(ctx.lang, e))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

/// The Atom feed of changes, in the reader's language (cookie), Swedish by default.
pub async fn feed(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::response::Response, AppError> {
    let entries = state.services.crisis().feed(50).await?;
    let base = state.services.public_url().to_owned();
    let updated = entries
        .first()
        .map(|e| e.at)
        .unwrap_or_else(|| state.services.now());
    let feed = CrisisFeed {
        self_url: format!("{base}/kris/atom.xml"),
        page_url: format!("{base}/kris"),
        title: views::translate(ctx.lang, "crisis-public-title", &[]),
        updated: updated.to_string(),
        entries: entries.iter().map(|e| change_line(ctx.lang, e)).collect(),
        lang: ctx.lang,
    };
    let body = views::Template::render(&feed)
        .map_err(|e| AppError::Internal(format!("render feed: {e}")))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

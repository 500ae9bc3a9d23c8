//! The supplier's answer to an offer of shorter payment terms, by the signed link in the
//! e-mail: no login, the link is the key (an id and its MAC).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::suppliers::OfferState;
use jiff::ToSpan;
use jiff::civil::Date;
use views::Lang;
use views::pages::FieldError;
use views::suppliers::OfferPage;

use super::refused;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render};

fn day(lang: Lang, d: Date) -> String {
    let wd = d.weekday().to_monday_one_offset();
    format!(
        "{} {d}",
        views::translate(lang, &format!("weekday-{wd}"), &[])
    )
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let v = state.services.suppliers().offer(token).await?;
    let lang = ctx.lang;
    let o = &v.offer;
    let page = OfferPage {
        layout: ctx.layout(state, "suppliers-offer-title").await,
        token: token.to_owned(),
        intro: views::translate(
            lang,
            "suppliers-offer-intro",
            &[
                ("supplier", v.supplier.name.clone()),
                ("days", o.days.to_string()),
                ("standard", v.supplier.terms_days.to_string()),
                ("from", day(lang, o.applies_from)),
            ],
        ),
        until: o.applies_until.map(|u| {
            views::translate(
                lang,
                "suppliers-offer-until",
                &[("until", day(lang, u.saturating_sub(1.day())))],
            )
        }),
        answer_by: views::translate(
            lang,
            "suppliers-offer-answer-by",
            &[("date", day(lang, o.answer_by))],
        ),
        state: views::translate(
            lang,
            "suppliers-offer-state",
            &[("state", views::label(lang, o.state))],
        ),
        accept: views::translate(
            lang,
            "suppliers-offer-accept",
            &[("days", o.days.to_string())],
        ),
        open: v.open,
        result,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    render(status, &page)
}

pub async fn offer_page(
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
    let suppliers = state.services.suppliers();
    match suppliers.answer_offer(&token, accept, &ctx.address).await {
        Ok(answer) => {
            let days = suppliers.offer(&token).await?.offer.days;
            let key = if answer == OfferState::Accepted {
                "suppliers-answer-accepted"
            } else {
                "suppliers-answer-declined"
            };
            let said = views::translate(ctx.lang, key, &[("days", days.to_string())]);
            page(&state, &ctx, &token, Some(said), Vec::new()).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            page(&state, &ctx, &token, None, errors).await
        }
    }
}

//! The public application for event support: no login; an event above the gathering limit in
//! force on its day is refused on the form with the limit and its source.

use axum::extract::State;
use domain::community::events::EventNeed;
use services::community::EventInput;
use views::community::ApplyPage;
use views::pages::FieldError;

use super::limit_sentence;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, refusal, render, status_of};

const FIELDS: [&str; 9] = [
    "organiser",
    "org_number",
    "contact_name",
    "contact_email",
    "date",
    "place",
    "expected_attendees",
    "amount",
    "description",
];

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<&FormData>,
    errors: Vec<FieldError>,
    received: Option<i64>,
) -> PageResult {
    let lang = ctx.lang;
    let policy = state
        .services
        .community()
        .policy_at(state.services.now())
        .await?;
    let page = ApplyPage {
        layout: ctx.layout(state, "community-apply-title").await,
        limit_today: limit_sentence(lang, &policy),
        needs: EventNeed::ALL
            .iter()
            .map(|n| {
                let checked =
                    form.is_some_and(|f| f.get(&format!("need_{}", n.as_str())) == "true");
                (n.as_str().to_owned(), views::label(lang, *n), checked)
            })
            .collect(),
        values: FIELDS
            .iter()
            .map(|k| {
                (
                    (*k).to_owned(),
                    form.map(|f| f.get(k).to_owned()).unwrap_or_default(),
                )
            })
            .collect(),
        errors,
        received,
    };
    render(status_of(&page.errors), &page)
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, None, Vec::new(), None).await
}

pub async fn apply(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = EventInput {
        organiser: f.get("organiser").to_owned(),
        org_number: f.get("org_number").to_owned(),
        contact_name: f.get("contact_name").to_owned(),
        contact_email: f.get("contact_email").to_owned(),
        date: f.get("date").to_owned(),
        place: f.get("place").to_owned(),
        expected_attendees: f.get("expected_attendees").to_owned(),
        needs: EventNeed::ALL
            .iter()
            .filter(|n| f.get(&format!("need_{}", n.as_str())) == "true")
            .map(|n| n.as_str().to_owned())
            .collect(),
        amount: f.get("amount").to_owned(),
        description: f.get("description").to_owned(),
    };
    match state
        .services
        .community()
        .apply_for_event(&ctx.actor(), &input, true)
        .await
    {
        Ok(id) => page(&state, &ctx, None, Vec::new(), Some(id.get())).await,
        Err(e) => {
            let errors = refusal(ctx.lang, e, "organiser")?;
            page(&state, &ctx, Some(&f), errors, None).await
        }
    }
}

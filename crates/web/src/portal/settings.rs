//! How the customer wants to be reached: the form and its refusals, named in the reader's
//! language.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use services::ServiceError;
use services::portal::ContactForm;
use views::pages::FieldError;
use views::portal::*;

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render, see_other};

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<ContactForm>,
    saved: bool,
    errors: Vec<FieldError>,
) -> PageResult {
    let form = match form {
        Some(f) => f,
        None => {
            let c = state.services.portal().contact(ctx.user()?).await?;
            ContactForm {
                email: c.email.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                language: c.language.as_str().to_owned(),
                channel: c.preferred_channel.as_str().to_owned(),
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PortalSettingsPage {
        layout: ctx.layout(state, "prefs-title").await,
        email: form.email,
        phone: form.phone,
        language: form.language,
        channel: form.channel,
        saved,
        errors,
    };
    render(status, &page)
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    sparat: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<SavedQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let saved = q.is_ok_and(|q| q.sparat.is_some());
    settings_page(&state, &ctx, None, saved, vec![]).await
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let user = ctx.user()?;
    let contact = ContactForm {
        email: form.get("email").to_owned(),
        phone: form.get("phone").to_owned(),
        language: form.get("language").to_owned(),
        channel: form.get("channel").to_owned(),
    };
    match state
        .services
        .portal()
        .set_contact(&user.actor(&ctx.address), user, &contact)
        .await
    {
        Ok(()) => Ok(see_other("/mina-sidor/installningar?sparat=1")),
        Err(ServiceError::Invalid(domain::problem::Invalid { field, problem })) => {
            let e = FieldError {
                field: field.to_owned(),
                message: views::explain(ctx.lang, &problem),
            };
            settings_page(&state, &ctx, Some(contact), false, vec![e]).await
        }
        Err(e) => Err(e.into()),
    }
}

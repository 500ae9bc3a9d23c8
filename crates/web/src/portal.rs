//! "Mina sidor" pages beyond invoices: messages from the company, contact preferences and the
//! download of everything held about the customer.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use services::ServiceError;
use services::portal::ContactForm;
use views::pages::FieldError;
use views::portal::*;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
use crate::routes::CUSTOMER;
use crate::routes::RouteSpec;

pub async fn messages(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let rows = state.services.portal_messages(ctx.user()?).await?;
    let page = PortalMessagesPage {
        layout: ctx.layout(&state, "messages-title").await,
        messages: rows
            .into_iter()
            .map(|m| MessageLine {
                id: m.id.get(),
                subject: m.subject,
                channel: views::label(ctx.lang, m.channel),
                created_at: m.created_at,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

pub async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = domain::ids::OutboxId::new(parse_id(&id)?);
    let m = state.services.portal_message(ctx.user()?, id).await?;
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
            let c = state.services.contact_preferences(ctx.user()?).await?;
            ContactForm {
                email: c.email.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                language: c.language,
                channel: c.preferred_channel,
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

pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<SavedQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let saved = q.is_ok_and(|q| q.sparat.is_some());
    settings_page(&state, &ctx, None, saved, vec![]).await
}

pub async fn settings_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let user = ctx.user()?;
    let contact = ContactForm {
        email: form.get("email").to_owned(),
        phone: form.get("phone").to_owned(),
        language: form.get("language").to_owned(),
        channel: form.get("channel").to_owned(),
    };
    match state
        .services
        .set_contact_preferences(&user.actor(&ctx.address), user, &contact)
        .await
    {
        Ok(()) => Ok(see_other("/mina-sidor/installningar?sparat=1")),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let message = if ctx.lang == views::Lang::En {
                english(field).to_owned()
            } else {
                views::explain(ctx.lang, &message)
            };
            let e = FieldError {
                field: field.to_owned(),
                message,
            };
            settings_page(&state, &ctx, Some(contact), false, vec![e]).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The English for a contact-preference error (the service speaks Swedish).
fn english(field: &str) -> &'static str {
    match field {
        "email" => "The e-mail address does not look right, for example name@example.com.",
        "phone" => "Write a phone number, for example 070-123 45 67.",
        "language" => "Choose Swedish or English.",
        _ => {
            "Choose a channel you can be reached on: e-mail needs an address, a text message a mobile number (07…)."
        }
    }
}

pub async fn my_data(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.user()?;
    let tables = state.services.customer_data_summary(user).await?;
    let page = PortalDataPage {
        layout: ctx.layout(&state, "mydata-title").await,
        tables,
    };
    render(StatusCode::OK, &page)
}

/// The download: the whole export as a JSON attachment, never cached.
pub async fn my_data_download(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let user = ctx.user()?;
    let export = state
        .services
        .customer_export(&user.actor(&ctx.address), user)
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

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/mina-sidor/meddelanden",
            Access::Roles(CUSTOMER),
            messages
        ),
        route!(
            get,
            "/mina-sidor/meddelanden/{id}",
            Access::Roles(CUSTOMER),
            message
        ),
        route!(
            get,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            settings
        ),
        route!(
            post,
            "/mina-sidor/installningar",
            Access::Roles(CUSTOMER),
            settings_submit
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter",
            Access::Roles(CUSTOMER),
            my_data
        ),
        route!(
            get,
            "/mina-sidor/mina-uppgifter.json",
            Access::Roles(CUSTOMER),
            my_data_download
        ),
    ]
}

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
#[allow(unused_imports)]
use crate::routes::HOME_VISIT_AGENTS;
use crate::routes::RouteSpec;
use services::auth::roles::CUSTOMER;

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

// ---- "no home visits" --------------------------------------------------------------------------

/// Whose declaration a page handles: the signed-in customer's, or a caller's (agents).
#[derive(Clone, Copy)]
enum Whose {
    Mine,
    Caller(i64),
}

impl Whose {
    fn action(self) -> String {
        match self {
            Whose::Mine => "/mina-sidor/hembesok".into(),
            Whose::Caller(id) => format!("/kunder/{id}/hembesok"),
        }
    }

    fn customer(self, ctx: &Ctx) -> Result<i64, AppError> {
        match self {
            Whose::Mine => ctx
                .user()?
                .customer_id
                .map(domain::ids::CustomerId::get)
                .ok_or(AppError::Forbidden),
            Whose::Caller(id) => Ok(id),
        }
    }
}

struct HomeVisitsForm {
    until: String,
    note: String,
}

async fn home_visits_page(
    state: &AppState,
    ctx: &Ctx,
    whose: Whose,
    form: Option<HomeVisitsForm>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let user = ctx.user()?;
    let actor = user.actor(&ctx.address);
    let customer = whose.customer(ctx)?;
    let for_caller = match whose {
        Whose::Mine => None,
        Whose::Caller(id) => Some(state.services.customer_name(id).await?),
    };
    // Opening the declaration is a read of health-adjacent data: the service audits it.
    let held = state
        .services
        .read_declaration(&actor, customer)
        .await?
        .map(|d| HeldDeclaration {
            until: d.until.to_string(),
            consented_at: d.consented_at,
            consent_version: d.consent_version,
            note: d.note,
            by_agent: d.recorded_by == "agent",
        });
    let version = services::declarations::CONSENT_VERSION;
    let (sv, en) = services::declarations::consent_text(version).unwrap_or_default();
    let form = form.unwrap_or_else(|| HomeVisitsForm {
        until: held.as_ref().map(|h| h.until.clone()).unwrap_or_default(),
        note: held.as_ref().map(|h| h.note.clone()).unwrap_or_default(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = HomeVisitsPage {
        layout: ctx.layout(state, "homevisit-title").await,
        action: whose.action(),
        for_caller,
        held,
        consent_version: version.to_owned(),
        consent_text: if ctx.lang == views::Lang::En { en } else { sv }.to_owned(),
        until: form.until,
        note: form.note,
        max_note: services::declarations::MAX_NOTE_CHARS,
        result,
        errors,
    };
    render(status, &page)
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    klart: Option<String>,
}

fn done_message(
    ctx: &Ctx,
    q: &Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Option<String> {
    let key = match q.as_ref().ok()?.klart.as_deref()? {
        "sparat" => "homevisit-saved",
        "aterkallat" => "homevisit-withdrawn",
        "ingen" => "homevisit-none",
        _ => return None,
    };
    Some(ctx.t(key))
}

async fn home_visits_submit(
    state: &AppState,
    ctx: &Ctx,
    whose: Whose,
    form: &FormData,
) -> PageResult {
    let user = ctx.user()?;
    let customer = whose.customer(ctx)?;
    let declaration = services::declarations::DeclarationForm {
        consent: form.get("consent") == "ja",
        consent_version: form.get("consent_version").to_owned(),
        until: form.get("until").to_owned(),
        note: form.get("note").to_owned(),
    };
    match state
        .services
        .declare_no_home_visits(&user.actor(&ctx.address), customer, &declaration)
        .await
    {
        Ok(()) => Ok(see_other(&format!("{}?klart=sparat", whose.action()))),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let message = if ctx.lang == views::Lang::En {
                match field {
                    "consent" => {
                        "Tick the box to consent; without consent we cannot keep the request."
                            .to_owned()
                    }
                    "until" => {
                        "Choose a date after today and within a year, as YYYY-MM-DD.".to_owned()
                    }
                    _ => format!(
                        "Write at most {} characters.",
                        services::declarations::MAX_NOTE_CHARS
                    ),
                }
            } else {
                views::explain(ctx.lang, &message)
            };
            let e = FieldError {
                field: field.to_owned(),
                message,
            };
            let kept = HomeVisitsForm {
                until: declaration.until,
                note: declaration.note,
            };
            home_visits_page(state, ctx, whose, Some(kept), None, vec![e]).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn home_visits_withdraw(state: &AppState, ctx: &Ctx, whose: Whose) -> PageResult {
    let user = ctx.user()?;
    let customer = whose.customer(ctx)?;
    let existed = state
        .services
        .withdraw_declaration(&user.actor(&ctx.address), customer)
        .await?;
    let done = if existed { "aterkallat" } else { "ingen" };
    Ok(see_other(&format!("{}?klart={done}", whose.action())))
}

pub async fn my_home_visits(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let result = done_message(&ctx, &q);
    home_visits_page(&state, &ctx, Whose::Mine, None, result, vec![]).await
}

pub async fn my_home_visits_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    home_visits_submit(&state, &ctx, Whose::Mine, &form).await
}

pub async fn my_home_visits_withdraw(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    home_visits_withdraw(&state, &ctx, Whose::Mine).await
}

pub async fn caller_home_visits(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    q: Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let id = parse_id(&id)?;
    let result = done_message(&ctx, &q);
    home_visits_page(&state, &ctx, Whose::Caller(id), None, result, vec![]).await
}

pub async fn caller_home_visits_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    home_visits_submit(&state, &ctx, Whose::Caller(id), &form).await
}

pub async fn caller_home_visits_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    home_visits_withdraw(&state, &ctx, Whose::Caller(id)).await
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
        route!(
            get,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            my_home_visits
        ),
        route!(
            post,
            "/mina-sidor/hembesok",
            Access::Roles(CUSTOMER),
            my_home_visits_submit
        ),
        route!(
            post,
            "/mina-sidor/hembesok/aterkalla",
            Access::Roles(CUSTOMER),
            my_home_visits_withdraw
        ),
        route!(
            get,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            caller_home_visits
        ),
        route!(
            post,
            "/kunder/{id}/hembesok",
            Access::Roles(HOME_VISIT_AGENTS),
            caller_home_visits_submit
        ),
        route!(
            post,
            "/kunder/{id}/hembesok/aterkalla",
            Access::Roles(HOME_VISIT_AGENTS),
            caller_home_visits_withdraw
        ),
    ]
}

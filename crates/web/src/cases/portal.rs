//! The customer's cases in the portal: the list, one case without internal notes with a reply
//! form, and the contact form that opens a case.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::cases::{CaseSource, CaseStatus, Category, EntryKind};
use domain::ids::CaseId;
use domain::role::Role;
use services::cases::NewCase;
use views::cases::*;
use views::pages::FieldError;

use super::{
    case_line, category, choices, entry_lines, field_error, link_choices, link_view, parse_link,
    refusal,
};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let cases = state.services.cases().mine(&ctx.actor()).await?;
    let page = PortalCasesPage {
        layout: ctx.layout(&state, "my-cases-title").await,
        lines: cases.iter().map(|c| case_line(&ctx, c)).collect(),
    };
    render(StatusCode::OK, &page)
}

async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    errors: Vec<FieldError>,
    body: String,
    status: StatusCode,
) -> PageResult {
    let (case, entries) = state.services.cases().my_case(&ctx.actor(), id).await?;
    let page = PortalCasePage {
        layout: ctx.layout(state, "my-cases-title").await,
        id,
        subject: case.subject.clone(),
        category: views::label(ctx.lang, case.category),
        status: views::label(ctx.lang, case.status),
        created: case.created_at,
        link: link_view(ctx, &case, Role::Customer),
        entries: entry_lines(ctx, &entries),
        can_reply: case.status != CaseStatus::Closed,
        body,
        errors,
    };
    render(status, &page)
}

pub async fn case(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = CaseId::new(parse_id(&id)?);
    case_page(&state, &ctx, id, vec![], String::new(), StatusCode::OK).await
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = CaseId::new(parse_id(&id)?);
    let text = form.get("meddelande");
    match state
        .services
        .cases()
        .add_entry(&ctx.actor(), id, EntryKind::CustomerMessage, text)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/mina-sidor/arenden/{id}"))),
        Err(e) => {
            let (_, problem) = refusal(e)?;
            let errors = vec![field_error(&ctx, "body", &problem)];
            case_page(
                &state,
                &ctx,
                id,
                errors,
                text.to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

struct ContactForm<'a> {
    category: Option<Category>,
    link: &'a str,
    subject: &'a str,
    body: &'a str,
}

async fn contact_page(
    state: &AppState,
    ctx: &Ctx,
    form: ContactForm<'_>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let customer = services::portal::Portal::customer_of(ctx.user()?)?;
    let links = state
        .services
        .cases()
        .link_choices(&ctx.actor(), customer)
        .await?;
    let page = ContactPage {
        layout: ctx.layout(state, "contact-title").await,
        categories: choices(ctx, form.category),
        links: link_choices(ctx, &links, form.link),
        subject: form.subject.to_owned(),
        body: form.body.to_owned(),
        errors,
    };
    render(status, &page)
}

pub async fn contact_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let form = ContactForm {
        category: None,
        link: "",
        subject: "",
        body: "",
    };
    contact_page(&state, &ctx, form, vec![], StatusCode::OK).await
}

pub async fn contact_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let customer = services::portal::Portal::customer_of(ctx.user()?).map_err(AppError::from)?;
    let shown = ContactForm {
        category: Category::parse(form.get("kategori")),
        link: form.get("lank"),
        subject: form.get("rubrik"),
        body: form.get("meddelande"),
    };
    let error = match (category(form.get("kategori")), parse_link(shown.link)) {
        (Err(p), _) => field_error(&ctx, "category", &p),
        (_, Err(p)) => field_error(&ctx, "link", &p),
        (Ok(category), Ok(link)) => {
            let new = NewCase {
                customer_id: customer,
                category,
                source: CaseSource::Portal,
                subject: shown.subject.to_owned(),
                body: shown.body.to_owned(),
                link,
            };
            match state.services.cases().open(&ctx.actor(), new).await {
                Ok(id) => return Ok(see_other(&format!("/mina-sidor/arenden/{id}"))),
                Err(e) => {
                    let (field, problem) = refusal(e)?;
                    field_error(&ctx, field, &problem)
                }
            }
        }
    };
    contact_page(
        &state,
        &ctx,
        shown,
        vec![error],
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

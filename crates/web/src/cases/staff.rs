//! The case workers' pages: the queue, the phone-case form, and one case with its actions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::cases::{CaseSource, CaseStatus, Category, EntryKind, SlaState, Team};
use domain::ids::{CaseId, CustomerId, UserId};
use domain::problem::Problem;
use services::ServiceError;
use services::cases::{NewCase, QueueQuery};
use views::cases::*;
use views::pages::FieldError;

use super::{
    badge, category, choices, entry_lines, field_error, link_choices, link_view, parse_link,
    refusal,
};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};

fn severity(s: SlaState) -> u8 {
    match s {
        SlaState::OnTrack => 0,
        SlaState::AtRisk => 1,
        SlaState::Breached => 2,
    }
}

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    parse_id(raw).map(CaseId::new)
}

/// The filters of the queue as the query string writes them.
#[derive(serde::Deserialize, Default)]
pub struct QueueParams {
    #[serde(default)]
    team: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    tilldelad: String,
    #[serde(default)]
    sla: String,
}

impl QueueParams {
    fn query(&self) -> QueueQuery {
        QueueQuery {
            team: Team::parse(&self.team),
            status: CaseStatus::parse(&self.status),
            mine: self.tilldelad == "mig",
            unassigned: self.tilldelad == "ingen",
            at_risk: self.sla == "risk",
            breached: self.sla == "forsenad",
        }
    }
}

fn queue_line(state: &AppState, ctx: &Ctx, l: &services::cases::CaseListRow) -> CaseLine {
    let (fr, rs) = state.services.cases().sla_states(&l.case);
    let worst = [fr, rs].into_iter().flatten().max_by_key(|s| severity(*s));
    CaseLine {
        id: l.case.id,
        subject: l.case.subject.clone(),
        customer: format!("{} ({})", l.customer_name, l.customer_number),
        category: views::label(ctx.lang, l.case.category),
        status: views::label(ctx.lang, l.case.status),
        team: views::label(ctx.lang, l.case.team),
        assignee: l.assignee_name.clone().unwrap_or_default(),
        created: l.case.created_at,
        due: if l.case.first_response_at.is_none() {
            l.case.first_response_due
        } else {
            l.case.resolve_due
        },
        sla: badge(ctx, worst),
    }
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<QueueParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params.map(|Query(p)| p).unwrap_or_default();
    if !p.team.is_empty() && Team::parse(&p.team).is_none() {
        return Err(AppError::NotFound);
    }
    let q = p.query();
    let queue = state.services.cases().queue(&ctx.actor(), &q).await?;
    let opt = |value: &str, key: &str, selected: bool| Choice {
        value: value.to_owned(),
        label: ctx.t(key),
        selected,
    };
    let page = CaseQueuePage {
        layout: ctx.layout(&state, "cases-title").await,
        teams: queue
            .teams
            .iter()
            .map(|&t| Choice {
                value: t.as_str().to_owned(),
                label: views::label(ctx.lang, t),
                selected: Some(t) == q.team,
            })
            .collect(),
        statuses: choices(&ctx, q.status),
        assigned: vec![
            opt("mig", "cases-mine", q.mine),
            opt("ingen", "cases-unassigned", q.unassigned),
        ],
        sla: vec![
            opt("risk", "cases-at-risk", q.at_risk),
            opt("forsenad", "cases-breached", q.breached),
        ],
        lines: queue
            .cases
            .iter()
            .map(|l| queue_line(&state, &ctx, l))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

// ---- a phone case -------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(default)]
    kund: String,
}

struct NewForm {
    customer_id: Option<CustomerId>,
    customer_number: String,
    category: Option<Category>,
    link: String,
    subject: String,
    body: String,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    form: NewForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let cases = state.services.cases();
    let (customer_id, name, number, links) = match form.customer_id {
        Some(id) => {
            let c = cases.customer(&actor, Some(id), "").await?;
            let links = cases.link_choices(&actor, c.id).await?;
            (Some(c.id), c.name, c.customer_number, links)
        }
        None => (
            None,
            String::new(),
            form.customer_number.clone(),
            Vec::new(),
        ),
    };
    let page = CaseNewPage {
        layout: ctx.layout(state, "cases-new-title").await,
        customer_id,
        customer_name: name,
        customer_number: number,
        categories: choices(ctx, form.category),
        links: link_choices(ctx, &links, &form.link),
        subject: form.subject,
        body: form.body,
        errors,
    };
    render(status, &page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<NewParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params.map(|Query(p)| p).unwrap_or_default();
    let customer_id = if p.kund.is_empty() {
        None
    } else {
        Some(CustomerId::new(parse_id(&p.kund)?))
    };
    let form = NewForm {
        customer_id,
        customer_number: String::new(),
        category: None,
        link: String::new(),
        subject: String::new(),
        body: String::new(),
    };
    new_page(&state, &ctx, form, vec![], StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.actor();
    let cases = state.services.cases();
    let customer_id = match form.get("kund") {
        "" => None,
        raw => Some(CustomerId::new(parse_id(raw)?)),
    };
    let mut f = NewForm {
        customer_id,
        customer_number: form.get("kundnummer").trim().to_owned(),
        category: Category::parse(form.get("kategori")),
        link: form.get("lank").to_owned(),
        subject: form.get("rubrik").to_owned(),
        body: form.get("meddelande").to_owned(),
    };
    let mut errors = Vec::new();
    let customer = match cases
        .customer(&actor, customer_id, &f.customer_number)
        .await
    {
        Ok(c) => Some(c),
        Err(e) => {
            let (field, problem) = refusal(e)?;
            errors.push(field_error(&ctx, field, &problem));
            None
        }
    };
    let category = match category(form.get("kategori")) {
        Ok(c) => c,
        Err(p) => {
            errors.push(field_error(&ctx, "category", &p));
            return new_page(&state, &ctx, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let link = parse_link(&f.link).unwrap_or_else(|p| {
        errors.push(field_error(&ctx, "link", &p));
        None
    });
    let Some(customer) = customer.filter(|_| errors.is_empty()) else {
        return new_page(&state, &ctx, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewCase {
        customer_id: customer.id,
        category,
        source: CaseSource::Phone,
        subject: f.subject.clone(),
        body: f.body.clone(),
        link,
    };
    match cases.open(&actor, new).await {
        Ok(id) => Ok(see_other(&format!("/arenden/{id}"))),
        Err(e) => {
            let (field, problem) = refusal(e)?;
            f.customer_id = Some(customer.id);
            let errors = vec![field_error(&ctx, field, &problem)];
            new_page(&state, &ctx, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

// ---- one case -----------------------------------------------------------------------------------

/// What the case page shows besides the case: form errors and the texts kept.
#[derive(Default)]
struct Kept {
    errors: Vec<FieldError>,
    reply: String,
    note: String,
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    kept: Kept,
    status: StatusCode,
) -> PageResult {
    let u = ctx.user()?;
    let d = state.services.cases().detail(&ctx.actor(), id).await?;
    let c = &d.case;
    let me = u.user_id;
    let page = CaseStaffPage {
        layout: ctx.layout(state, "cases-title").await,
        id,
        subject: c.subject.clone(),
        customer_id: c.customer_id,
        customer_name: d.customer.name.clone(),
        customer_number: d.customer.customer_number.clone(),
        category: views::label(ctx.lang, c.category),
        source: views::label(ctx.lang, c.source),
        status: views::label(ctx.lang, c.status),
        team: views::label(ctx.lang, c.team),
        assignee: d
            .assignee_name
            .clone()
            .unwrap_or_else(|| ctx.t("cases-nobody")),
        created: c.created_at,
        first_response_due: c.first_response_due,
        first_response_at: c.first_response_at,
        first_response_sla: badge(ctx, d.first_response_state),
        resolve_due: c.resolve_due,
        resolved_at: c.resolved_at,
        resolve_sla: badge(ctx, d.resolve_state),
        link: link_view(ctx, c, u.role),
        entries: entry_lines(ctx, &d.entries),
        members: d
            .members
            .iter()
            .map(|m| Choice {
                value: m.id.to_string(),
                label: m.name.clone(),
                selected: c.assignee_user_id == Some(m.id),
            })
            .collect(),
        teams: choices(ctx, Some(c.team)),
        statuses: choices(ctx, Some(c.status)),
        assigned_to_me: c.assignee_user_id == Some(me),
        errors: kept.errors,
        reply: kept.reply,
        note: kept.note,
    };
    render(status, &page)
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = case_id(&id)?;
    detail_page(&state, &ctx, id, Kept::default(), StatusCode::OK).await
}

async fn add_entry(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    kind: EntryKind,
    form: &FormData,
) -> PageResult {
    let id = case_id(id)?;
    let text = form.get("meddelande");
    match state
        .services
        .cases()
        .add_entry(&ctx.actor(), id, kind, text)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/arenden/{id}"))),
        Err(e) => {
            let (_, problem) = refusal(e)?;
            let (field, reply, note) = if kind == EntryKind::AgentReply {
                ("reply", text.to_owned(), String::new())
            } else {
                ("note", String::new(), text.to_owned())
            };
            let kept = Kept {
                errors: vec![field_error(ctx, field, &problem)],
                reply,
                note,
            };
            detail_page(state, ctx, id, kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    add_entry(&state, &ctx, &id, EntryKind::AgentReply, &form).await
}

pub async fn note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    add_entry(&state, &ctx, &id, EntryKind::InternalNote, &form).await
}

/// Re-renders the case with a field error, or passes other errors on.
async fn after_change(
    state: &AppState,
    ctx: &Ctx,
    id: CaseId,
    result: Result<(), ServiceError>,
    done: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(done)),
        Err(e) => {
            let (field, problem) = refusal(e)?;
            let kept = Kept {
                errors: vec![field_error(ctx, field, &problem)],
                ..Kept::default()
            };
            detail_page(state, ctx, id, kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = case_id(&id)?;
    let u = ctx.user()?;
    let user = match form.get("handlaggare") {
        "mig" => Some(u.user_id),
        "" => None,
        raw => Some(raw.parse::<UserId>().map_err(|_| AppError::BadRequest)?),
    };
    let r = state.services.cases().assign(&ctx.actor(), id, user).await;
    after_change(&state, &ctx, id, r, &format!("/arenden/{id}")).await
}

pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = case_id(&id)?;
    let r = match form.get("status").parse::<CaseStatus>() {
        Ok(s) => state.services.cases().set_status(&ctx.actor(), id, s).await,
        Err(e) => Err(ServiceError::invalid(
            "new-status",
            Problem::UnknownChoice(e),
        )),
    };
    after_change(&state, &ctx, id, r, &format!("/arenden/{id}")).await
}

pub async fn move_team(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = case_id(&id)?;
    let r = match form.get("team").parse::<Team>() {
        Ok(team) => state.services.cases().move_to(&ctx.actor(), id, team).await,
        Err(e) => Err(ServiceError::invalid("team", Problem::UnknownChoice(e))),
    };
    // After a move the case may belong to a team the mover is not in: back to the queue.
    after_change(&state, &ctx, id, r, "/arenden").await
}

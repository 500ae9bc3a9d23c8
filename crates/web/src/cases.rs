//! Pages of cases: the staff queues (`/arenden`), one case with replies, notes, assignment,
//! status and team, the phone-case form; and the portal's own cases, replies and contact form.
//! Handlers only translate between forms and `services::cases`; access to a case (own team, own
//! customer) is decided there, and anything not the viewer's is a 404.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::cases::{CaseSource, CaseStatus, Category, EntryKind, SlaState};
use domain::role::Role;
use services::ServiceError;
use services::cases::{CaseLink, LinkChoice, NewCase, QueueQuery};
use services::cases::{CaseRow, EntryRow};
use views::cases::*;
use views::pages::FieldError;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
#[allow(unused_imports)]
use crate::routes::CASE_WORKERS;
use crate::routes::RouteSpec;
use services::auth::roles::CUSTOMER;

fn category_label(ctx: &Ctx, raw: &str) -> String {
    Category::parse(raw).map_or_else(|| raw.to_owned(), |c| ctx.t(c.message_key()))
}

fn status_label(ctx: &Ctx, raw: &str) -> String {
    CaseStatus::parse(raw).map_or_else(|| raw.to_owned(), |c| ctx.t(c.message_key()))
}

fn badge(ctx: &Ctx, state: Option<SlaState>) -> Option<SlaBadge> {
    state.map(|s| SlaBadge {
        state: s.as_str().to_owned(),
        label: ctx.t(s.message_key()),
    })
}

fn severity(s: SlaState) -> u8 {
    match s {
        SlaState::OnTrack => 0,
        SlaState::AtRisk => 1,
        SlaState::Breached => 2,
    }
}

fn entry_lines(ctx: &Ctx, entries: &[EntryRow]) -> Vec<EntryLine> {
    entries
        .iter()
        .map(|e| EntryLine {
            kind: e.kind.clone(),
            kind_label: EntryKind::parse(&e.kind)
                .map_or_else(|| e.kind.clone(), |k| ctx.t(k.message_key())),
            author: e.author_name.clone(),
            body: e.body.clone(),
            at: e.created_at,
        })
        .collect()
}

fn choices<T: Copy + PartialEq>(
    ctx: &Ctx,
    all: &[T],
    value: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> &'static str,
    selected: Option<T>,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: value(*v).to_owned(),
            label: ctx.t(key(*v)),
            selected: selected == Some(*v),
        })
        .collect()
}

fn category_choices(ctx: &Ctx, selected: Option<Category>) -> Vec<Choice> {
    choices(
        ctx,
        Category::ALL,
        Category::as_str,
        Category::message_key,
        selected,
    )
}

fn link_value(l: CaseLink) -> String {
    format!("{}:{}", l.kind(), l.id())
}

fn parse_link(raw: &str) -> Result<Option<CaseLink>, FieldError> {
    let bad = || FieldError {
        field: "link".into(),
        message: "välj något i listan".into(),
    };
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
    let id = id.parse::<i64>().map_err(|_| bad())?;
    match kind {
        "arrangement" => Ok(Some(CaseLink::Arrangement(id))),
        "visit" => Ok(Some(CaseLink::Visit(id))),
        _ => Err(bad()),
    }
}

fn link_choices(ctx: &Ctx, links: &[LinkChoice], selected: &str) -> Vec<Choice> {
    links
        .iter()
        .map(|l| {
            let value = link_value(l.link);
            let label = match l.link {
                CaseLink::Arrangement(id) => format!(
                    "{} ({})",
                    views::translate(
                        ctx.lang,
                        "cases-linked-arrangement",
                        &[("id", id.to_string())]
                    ),
                    l.detail
                ),
                CaseLink::Visit(id) => format!(
                    "{} ({})",
                    views::translate(ctx.lang, "cases-linked-visit", &[("id", id.to_string())]),
                    l.at.map(|t| {
                        domain::time::format_datetime(
                            domain::time::from_micros(t),
                            &domain::time::stockholm(),
                        )
                    })
                    .unwrap_or_default()
                ),
            };
            Choice {
                selected: value == selected,
                value,
                label,
            }
        })
        .collect()
}

/// The case's link as the viewer may follow it.
fn link_view(ctx: &Ctx, case: &CaseRow, role: Role) -> Option<LinkView> {
    let link = CaseLink::from_row(case.link_kind.as_deref(), case.link_id)?;
    let (key, href) = match link {
        CaseLink::Arrangement(id) => (
            "cases-linked-arrangement",
            match role {
                Role::Customer => Some("/mina-sidor/anstand".to_owned()),
                Role::CreditOfficer | Role::Admin => Some(format!("/kredit/{id}")),
                _ => None,
            },
        ),
        CaseLink::Visit(_) => (
            "cases-linked-visit",
            match role {
                Role::Customer => Some("/mina-sidor/besok".to_owned()),
                Role::Agent | Role::Admin => Some("/kundcenter".to_owned()),
                _ => None,
            },
        ),
    };
    Some(LinkView {
        href,
        text: views::translate(ctx.lang, key, &[("id", link.id().to_string())]),
    })
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message,
    }
}

// ---- staff: queues ------------------------------------------------------------------------------

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

pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<QueueParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params.map(|Query(p)| p).unwrap_or_default();
    let actor = ctx.actor();
    let status = CaseStatus::parse(&p.status);
    let q = QueueQuery {
        team: (!p.team.is_empty()).then(|| p.team.clone()),
        status,
        mine: p.tilldelad == "mig",
        unassigned: p.tilldelad == "ingen",
        at_risk: p.sla == "risk",
        breached: p.sla == "forsenad",
    };
    let queue = state.services.case_queue(&actor, &q).await?;
    let all_teams = state.services.case_teams().await?;
    let team_name = |key: &str| {
        all_teams
            .iter()
            .find(|t| t.key == key)
            .map(|t| {
                if ctx.lang == views::Lang::En {
                    t.name_en.clone()
                } else {
                    t.name_sv.clone()
                }
            })
            .unwrap_or_else(|| key.to_owned())
    };
    let lines = queue
        .cases
        .iter()
        .map(|l| {
            let (fr, rs) = state.services.sla_states(&l.case);
            let worst = [fr, rs].into_iter().flatten().max_by_key(|s| severity(*s));
            CaseLine {
                id: l.case.id,
                subject: l.case.subject.clone(),
                customer: format!("{} ({})", l.customer_name, l.customer_number),
                category: category_label(&ctx, &l.case.category),
                status: status_label(&ctx, &l.case.status),
                team: team_name(&l.case.team),
                assignee: l.assignee_name.clone().unwrap_or_default(),
                created: l.case.created_at,
                due: if l.case.first_response_at.is_none() {
                    l.case.first_response_due
                } else {
                    l.case.resolve_due
                },
                sla: badge(&ctx, worst),
            }
        })
        .collect();
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
            .map(|t| Choice {
                value: t.key.clone(),
                label: team_name(&t.key),
                selected: t.key == p.team,
            })
            .collect(),
        statuses: choices(
            &ctx,
            CaseStatus::ALL,
            CaseStatus::as_str,
            CaseStatus::message_key,
            status,
        ),
        assigned: vec![
            opt("mig", "cases-mine", q.mine),
            opt("ingen", "cases-unassigned", q.unassigned),
        ],
        sla: vec![
            opt("risk", "cases-at-risk", q.at_risk),
            opt("forsenad", "cases-breached", q.breached),
        ],
        lines,
    };
    render(StatusCode::OK, &page)
}

// ---- staff: a phone case ------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(default)]
    kund: String,
}

struct NewForm {
    customer_id: Option<i64>,
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
    let (customer_id, name, number, links) = match form.customer_id {
        Some(id) => {
            let (id, name, number) = state.services.case_customer(&actor, Some(id), "").await?;
            let links = state.services.case_link_choices(&actor, id).await?;
            (Some(id), name, number, links)
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
        categories: category_choices(ctx, form.category),
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
        Some(parse_id(&p.kund)?)
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
    let customer_id = match form.get("kund") {
        "" => None,
        raw => Some(parse_id(raw)?),
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
    let customer = match state
        .services
        .case_customer(&actor, customer_id, &f.customer_number)
        .await
    {
        Ok(c) => Some(c),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            problem: message, ..
        })) => {
            errors.push(field_error("customer", views::explain(ctx.lang, &message)));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let Some(category) = f.category else {
        errors.push(field_error("category", "välj en kategori".into()));
        return new_page(&state, &ctx, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let link = match parse_link(&f.link) {
        Ok(l) => l,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let Some((cid, _, _)) = customer.filter(|_| errors.is_empty()) else {
        return new_page(&state, &ctx, f, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewCase {
        customer_id: cid,
        category,
        source: CaseSource::Phone,
        subject: f.subject.clone(),
        body: f.body.clone(),
        link,
    };
    match state.services.open_case(&actor, new).await {
        Ok(id) => Ok(see_other(&format!("/arenden/{id}"))),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            f.customer_id = Some(cid);
            new_page(
                &state,
                &ctx,
                f,
                vec![field_error(field, views::explain(ctx.lang, &message))],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- staff: one case ----------------------------------------------------------------------------

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<FieldError>,
    reply: String,
    note: String,
    status: StatusCode,
) -> PageResult {
    let u = ctx.user()?;
    let actor = ctx.actor();
    let d = state.services.case_detail(&actor, id).await?;
    let c = &d.case;
    let team_name = |key: &str| {
        d.teams
            .iter()
            .find(|t| t.key == key)
            .map(|t| {
                if ctx.lang == views::Lang::En {
                    t.name_en.clone()
                } else {
                    t.name_sv.clone()
                }
            })
            .unwrap_or_else(|| key.to_owned())
    };
    let page = CaseStaffPage {
        layout: ctx.layout(state, "cases-title").await,
        id,
        subject: c.subject.clone(),
        customer_id: c.customer_id,
        customer_name: d.customer_name.clone(),
        customer_number: d.customer_number.clone(),
        category: category_label(ctx, &c.category),
        source: CaseSource::parse(&c.source)
            .map_or_else(|| c.source.clone(), |s| ctx.t(s.message_key())),
        status: status_label(ctx, &c.status),
        team: team_name(&c.team),
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
            .map(|(uid, name)| Choice {
                value: uid.to_string(),
                label: name.clone(),
                selected: c.assignee_user_id == Some(*uid),
            })
            .collect(),
        teams: d
            .teams
            .iter()
            .map(|t| Choice {
                value: t.key.clone(),
                label: team_name(&t.key),
                selected: t.key == c.team,
            })
            .collect(),
        statuses: choices(
            ctx,
            CaseStatus::ALL,
            CaseStatus::as_str,
            CaseStatus::message_key,
            CaseStatus::parse(&c.status),
        ),
        assigned_to_me: c.assignee_user_id == Some(u.user_id.get()),
        errors,
        reply,
        note,
    };
    render(status, &page)
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id)?;
    detail_page(
        &state,
        &ctx,
        id,
        vec![],
        String::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

async fn add_entry(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    kind: EntryKind,
    form: &FormData,
) -> PageResult {
    let id = parse_id(id)?;
    let text = form.get("meddelande");
    match state
        .services
        .add_case_entry(&ctx.actor(), id, kind, text)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/arenden/{id}"))),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            problem: message, ..
        })) => {
            let (field, reply, note) = if kind == EntryKind::AgentReply {
                ("reply", text.to_owned(), String::new())
            } else {
                ("note", String::new(), text.to_owned())
            };
            detail_page(
                state,
                ctx,
                id,
                vec![field_error(field, views::explain(ctx.lang, &message))],
                reply,
                note,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
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
    id: i64,
    result: Result<(), ServiceError>,
    done: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(done)),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            detail_page(
                state,
                ctx,
                id,
                vec![field_error(field, views::explain(ctx.lang, &message))],
                String::new(),
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let u = ctx.user()?;
    let user = match form.get("handlaggare") {
        "mig" => Some(u.user_id.get()),
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    let r = state.services.assign_case(&ctx.actor(), id, user).await;
    after_change(&state, &ctx, id, r, &format!("/arenden/{id}")).await
}

pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let r = match CaseStatus::parse(form.get("status")) {
        Some(s) => state.services.set_case_status(&ctx.actor(), id, s).await,
        None => Err(ServiceError::invalid(
            "new-status",
            "välj en status i listan",
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
    let id = parse_id(&id)?;
    let r = state
        .services
        .move_case(&ctx.actor(), id, form.get("team"))
        .await;
    // After a move the case may belong to a team the mover is not in: back to the queue.
    after_change(&state, &ctx, id, r, "/arenden").await
}

/// The customer's cases in the viewer's teams, for the customer page.
pub(crate) async fn customer_case_lines(
    state: &AppState,
    ctx: &Ctx,
    customer: i64,
) -> Result<Vec<PortalCaseLine>, AppError> {
    let cases = state
        .services
        .customer_cases(&ctx.actor(), customer)
        .await?;
    Ok(cases
        .iter()
        .map(|c| PortalCaseLine {
            id: c.id,
            subject: c.subject.clone(),
            category: category_label(ctx, &c.category),
            status: status_label(ctx, &c.status),
            created: c.created_at,
            updated: c.updated_at,
        })
        .collect())
}

// ---- portal -------------------------------------------------------------------------------------

pub async fn portal_list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let cases = state.services.my_cases(&ctx.actor()).await?;
    let page = PortalCasesPage {
        layout: ctx.layout(&state, "my-cases-title").await,
        lines: cases
            .iter()
            .map(|c| PortalCaseLine {
                id: c.id,
                subject: c.subject.clone(),
                category: category_label(&ctx, &c.category),
                status: status_label(&ctx, &c.status),
                created: c.created_at,
                updated: c.updated_at,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

async fn portal_case_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<FieldError>,
    body: String,
    status: StatusCode,
) -> PageResult {
    let (case, entries) = state.services.my_case(&ctx.actor(), id).await?;
    let page = PortalCasePage {
        layout: ctx.layout(state, "my-cases-title").await,
        id,
        subject: case.subject.clone(),
        category: category_label(ctx, &case.category),
        status: status_label(ctx, &case.status),
        created: case.created_at,
        link: link_view(ctx, &case, Role::Customer),
        entries: entry_lines(ctx, &entries),
        can_reply: case.status != CaseStatus::Closed.as_str(),
        body,
        errors,
    };
    render(status, &page)
}

pub async fn portal_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    portal_case_page(&state, &ctx, id, vec![], String::new(), StatusCode::OK).await
}

pub async fn portal_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let text = form.get("meddelande");
    match state
        .services
        .add_case_entry(&ctx.actor(), id, EntryKind::CustomerMessage, text)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/mina-sidor/arenden/{id}"))),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            problem: message, ..
        })) => {
            portal_case_page(
                &state,
                &ctx,
                id,
                vec![field_error("body", views::explain(ctx.lang, &message))],
                text.to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
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
    let u = ctx.user()?;
    let cid = u
        .customer_id
        .map(domain::ids::CustomerId::get)
        .ok_or(AppError::Forbidden)?;
    let links = state.services.case_link_choices(&ctx.actor(), cid).await?;
    let page = ContactPage {
        layout: ctx.layout(state, "contact-title").await,
        categories: category_choices(ctx, form.category),
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
    let u = ctx.user()?;
    let cid = u
        .customer_id
        .map(domain::ids::CustomerId::get)
        .ok_or(AppError::Forbidden)?;
    let shown = ContactForm {
        category: Category::parse(form.get("kategori")),
        link: form.get("lank"),
        subject: form.get("rubrik"),
        body: form.get("meddelande"),
    };
    let result: Result<(), FieldError> = match (shown.category, parse_link(shown.link)) {
        (None, _) => Err(field_error("category", "välj en kategori".into())),
        (_, Err(e)) => Err(e),
        (Some(category), Ok(link)) => {
            let new = NewCase {
                customer_id: cid,
                category,
                source: CaseSource::Portal,
                subject: shown.subject.to_owned(),
                body: shown.body.to_owned(),
                link,
            };
            match state.services.open_case(&ctx.actor(), new).await {
                Ok(id) => return Ok(see_other(&format!("/mina-sidor/arenden/{id}"))),
                Err(ServiceError::Invalid(domain::problem::Invalid {
                    field,
                    problem: message,
                })) => Err(field_error(field, views::explain(ctx.lang, &message))),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let errors = result.err().into_iter().collect();
    contact_page(
        &state,
        &ctx,
        shown,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        // Cases.
        route!(get, "/arenden", Access::Roles(CASE_WORKERS), queue),
        route!(post, "/arenden", Access::Roles(CASE_WORKERS), create),
        route!(get, "/arenden/ny", Access::Roles(CASE_WORKERS), new_form),
        route!(get, "/arenden/{id}", Access::Roles(CASE_WORKERS), detail),
        route!(
            post,
            "/arenden/{id}/svar",
            Access::Roles(CASE_WORKERS),
            reply
        ),
        route!(
            post,
            "/arenden/{id}/anteckning",
            Access::Roles(CASE_WORKERS),
            note
        ),
        route!(
            post,
            "/arenden/{id}/tilldela",
            Access::Roles(CASE_WORKERS),
            assign
        ),
        route!(
            post,
            "/arenden/{id}/status",
            Access::Roles(CASE_WORKERS),
            set_status
        ),
        route!(
            post,
            "/arenden/{id}/team",
            Access::Roles(CASE_WORKERS),
            move_team
        ),
        route!(
            get,
            "/mina-sidor/arenden",
            Access::Roles(CUSTOMER),
            portal_list
        ),
        route!(
            get,
            "/mina-sidor/arenden/{id}",
            Access::Roles(CUSTOMER),
            portal_case
        ),
        route!(
            post,
            "/mina-sidor/arenden/{id}/svar",
            Access::Roles(CUSTOMER),
            portal_reply
        ),
        route!(
            get,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            contact_form
        ),
        route!(
            post,
            "/mina-sidor/kontakt",
            Access::Roles(CUSTOMER),
            contact_submit
        ),
    ]
}

//! The continuity manager's pages: modes, the editor, the preview, the approval and progress of
//! an activation, and the crisis log.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::ModeId;
use domain::modes::{ActivationStatus, LogKind};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::problem::Invalid;
use jiff::Timestamp;
use services::ServiceError;
use services::modes::{LogFilter, ModePreview, NewMode};
use views::Lang;
use views::modes::{
    ActivationLine, ActivationPage, CrisisLogPage, Link, LogLine, ModeEditPage, ModeLine,
    ModesPage, PreviewPage, StepLine,
};
use views::pages::FieldError;

use super::{csv_field, csv_response, effect_label, form, preview_view};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use services::capability::Unit;

/// `YYYY-MM-DDTHH:MM` (a `datetime-local` field) as a Stockholm instant.
fn local_time(s: &str) -> Option<Timestamp> {
    let dt: jiff::civil::DateTime = s.trim().parse().ok()?;
    Some(domain::time::at_civil(
        dt.date(),
        dt.time(),
        &domain::time::stockholm(),
    ))
}

/// An instant as a `datetime-local` value in Stockholm.
fn local_value(t: Timestamp) -> String {
    t.to_zoned_datetime(domain::time::stockholm())
        .datetime()
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn field_errors(lang: Lang, errors: &[Invalid]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: e.field.replace('.', "-"),
            message: views::explain(lang, &e.problem),
        })
        .collect()
}

/// A refused step shown on the page it came from; anything else is an error page.
fn refused(lang: Lang, e: ServiceError) -> Result<Vec<FieldError>, AppError> {
    match e {
        ServiceError::Invalid(i) => Ok(field_errors(lang, &[i])),
        ServiceError::Conflict(p) => Ok(vec![FieldError {
            field: "content".into(),
            message: views::explain(lang, &p),
        }]),
        other => Err(other.into()),
    }
}

fn mode_id(raw: &str) -> Result<ModeId, AppError> {
    Ok(ModeId::new(parse_id(raw)?))
}

/// Measures of each capability's policy, as sentences.
fn measures(
    state: &AppState,
    lang: Lang,
    policies: &BTreeMap<Capability, PolicyBody>,
) -> BTreeMap<Capability, Vec<String>> {
    state
        .services
        .crisis()
        .describe(policies)
        .into_iter()
        .map(|(c, ms)| (c, ms.iter().map(|m| views::explain(lang, m)).collect()))
        .collect()
}

async fn modes_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let crisis = state.services.crisis();
    let modes = crisis.list(&actor).await?;
    let names: BTreeMap<ModeId, String> = modes.iter().map(|m| (m.id, m.name.clone())).collect();
    let activations = crisis.activations(&actor).await?;
    let page = ModesPage {
        layout: ctx.layout(state, "modes-title").await,
        modes: modes
            .into_iter()
            .map(|m| ModeLine {
                id: m.id.get(),
                name: m.name,
                description: m.description,
                version: m.version,
                changed_at: m.updated_at.unwrap_or(m.created_at),
                changed_by: m.updated_by.unwrap_or(m.created_by),
            })
            .collect(),
        activations: activations
            .into_iter()
            .map(|a| ActivationLine {
                id: a.id,
                mode: names.get(&a.mode_id).cloned().unwrap_or_default(),
                status: views::label(ctx.lang, a.status),
                from: a.starts_at,
                to: a.ends_at,
                proposed_by: a.proposed_by.to_string(),
            })
            .collect(),
        result,
        errors,
    };
    render(status, &page)
}

pub async fn modes(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    modes_page(&state, &ctx, None, Vec::new(), StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let from = match f.get("from").split_once(':') {
        Some(("preset", "pandemic")) => NewMode::Preset(Preset::Pandemic),
        Some(("copy", id)) => NewMode::Copy(mode_id(id)?),
        _ => NewMode::Preset(Preset::Normal),
    };
    match state
        .services
        .crisis()
        .create(&ctx.actor(), f.get("name"), f.get("description"), from)
        .await
    {
        Ok(id) => Ok(see_other(&format!("/beredskap/lagen/{id}"))),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            modes_page(&state, &ctx, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    id: ModeId,
    sent: Option<&FormData>,
    errors: &[Invalid],
    other_errors: Vec<FieldError>,
    result: Option<String>,
    status: StatusCode,
) -> PageResult {
    let view = state.services.crisis().mode(&ctx.actor(), id).await?;
    let mut all = field_errors(ctx.lang, errors);
    all.extend(other_errors);
    let page = ModeEditPage {
        layout: ctx.layout(state, "modes-title").await,
        id: id.get(),
        version: view.row.version,
        name: sent.map_or(view.row.name.clone(), |f| f.get("name").to_owned()),
        description: sent.map_or(view.row.description.clone(), |f| {
            f.get("description").to_owned()
        }),
        fieldsets: form::fieldsets(ctx.lang, &view.policies, sent, errors),
        now_local: local_value(state.services.now()),
        result,
        errors: all,
    };
    render(status, &page)
}

pub async fn edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = mode_id(&id)?;
    edit_page(
        &state,
        &ctx,
        id,
        None,
        &[],
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = mode_id(&id)?;
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    let policies = match form::parse(&f) {
        Ok(p) => p,
        Err(errors) => {
            return edit_page(&state, &ctx, id, Some(&f), &errors, Vec::new(), None, bad).await;
        }
    };
    let version = f.get("version").trim().parse::<i64>().unwrap_or(0);
    let saved = state
        .services
        .crisis()
        .save(
            &ctx.actor(),
            id,
            version,
            f.get("name"),
            f.get("description"),
            &policies,
        )
        .await;
    match saved {
        Ok(v) => {
            let msg = views::translate(ctx.lang, "modes-saved", &[("version", v.to_string())]);
            edit_page(
                &state,
                &ctx,
                id,
                None,
                &[],
                Vec::new(),
                Some(msg),
                StatusCode::OK,
            )
            .await
        }
        Err(ServiceError::Invalid(i)) => {
            edit_page(&state, &ctx, id, Some(&f), &[i], Vec::new(), None, bad).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            edit_page(&state, &ctx, id, Some(&f), &[], errors, None, bad).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    fran: String,
    #[serde(default)]
    till: String,
}

/// The interval a preview is asked for; an empty start is now.
fn interval(
    state: &AppState,
    from: &str,
    to: &str,
) -> Result<(Timestamp, Option<Timestamp>), Invalid> {
    let start = match from.trim() {
        "" => state.services.now(),
        f => local_time(f).ok_or(Invalid::new("fran", domain::problem::Problem::NotADateTime))?,
    };
    let end = match to.trim() {
        "" => None,
        t => Some(
            local_time(t).ok_or(Invalid::new("till", domain::problem::Problem::NotADateTime))?,
        ),
    };
    Ok((start, end))
}

async fn mode_preview(
    state: &AppState,
    ctx: &Ctx,
    id: ModeId,
    q: &PreviewQuery,
) -> Result<Result<(ModePreview, services::modes::ModeView), Invalid>, AppError> {
    let (from, to) = match interval(state, &q.fran, &q.till) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let crisis = state.services.crisis();
    let view = crisis.mode(&ctx.actor(), id).await?;
    match crisis.preview(&ctx.actor(), id, from, to).await {
        Ok(p) => Ok(Ok((p, view))),
        Err(ServiceError::Invalid(i)) => Ok(Err(i)),
        Err(e) => Err(e.into()),
    }
}

pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> PageResult {
    let id = mode_id(&id)?;
    let (p, view) = match mode_preview(&state, &ctx, id, &q).await? {
        Ok(x) => x,
        Err(e) => {
            let bad = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&state, &ctx, id, None, &[e], Vec::new(), None, bad).await;
        }
    };
    let csv = format!(
        "/beredskap/lagen/{id}/forhandsgranska.csv?fran={}&till={}",
        urlencode(&q.fran),
        urlencode(&q.till)
    );
    let m = measures(&state, ctx.lang, &view.policies);
    let map = preview_map(&state, &ctx, &p).await?;
    let page = PreviewPage {
        map,
        layout: ctx.layout(&state, "modes-preview-title").await,
        mode_id: id.get(),
        mode_name: view.row.name,
        version: view.row.version,
        preview: preview_view(ctx.lang, &p, &m, csv),
        from_local: local_value(p.from),
        to_local: p.to.map(local_value).unwrap_or_default(),
        errors: Vec::new(),
    };
    render(StatusCode::OK, &page)
}

/// The campaign's jobs the preview would take off the plan or postpone, on a map among the
/// remaining ones; `None` when the change moves none.
async fn preview_map(
    state: &AppState,
    ctx: &Ctx,
    p: &ModePreview,
) -> Result<Option<views::map::MapView>, AppError> {
    const MOVED: [&str; 3] = ["jobs_deferred", "jobs_paused", "visits_postponed"];
    let moved: std::collections::BTreeSet<i64> = p
        .impacts
        .iter()
        .filter(|i| i.capability == Capability::Campaign)
        .flat_map(|i| i.effects.iter())
        .filter(|e| MOVED.contains(&e.key))
        .flat_map(|e| e.ids.iter().copied())
        .collect();
    if moved.is_empty() {
        return Ok(None);
    }
    let places = state.services.campaign().places(&ctx.actor()).await?;
    let map = views::map::DayMap {
        routes: Vec::new(),
        dots: places
            .iter()
            .filter(|j| !j.done)
            .map(|j| views::map::MapDot {
                lat: j.lat_e6 as f64 / 1e6,
                lon: j.lon_e6 as f64 / 1e6,
                affected: moved.contains(&j.job.get()),
            })
            .collect(),
        show_dots: true,
    };
    Ok(Some(
        map.view(&ctx.t("map-preview"), crate::map::tiles(state)),
    ))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every customer the preview would tell, with the message each would get.
pub async fn preview_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> PageResult {
    let id = mode_id(&id)?;
    let (p, _) = mode_preview(&state, &ctx, id, &q)
        .await?
        .map_err(AppError::Invalid)?;
    let mut out = String::from("customer_id,name,channel,language,subject,body\n");
    for n in &p.customers {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            n.customer,
            csv_field(&n.name),
            n.channel,
            n.language,
            csv_field(&n.subject),
            csv_field(&n.body)
        ));
    }
    Ok(csv_response("forhandsgranskning.csv", out))
}

pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = mode_id(&id)?;
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    let (from, to) = match interval(&state, f.get("fran"), f.get("till")) {
        Ok(i) => i,
        Err(e) => return edit_page(&state, &ctx, id, None, &[e], Vec::new(), None, bad).await,
    };
    let version = f.get("version").trim().parse::<i64>().ok();
    match state
        .services
        .crisis()
        .propose(&ctx.actor(), id, version, from, to, f.get("reason"))
        .await
    {
        Ok(a) => Ok(see_other(&format!(
            "/beredskap/aktiveringar/{a}?klart=proposed"
        ))),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            edit_page(&state, &ctx, id, None, &[], errors, None, bad).await
        }
    }
}

async fn activation_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let crisis = state.services.crisis();
    let view = crisis.activation(&actor, id).await?;
    let a = &view.row;
    let me = actor.user_id;
    let name_of = |u: domain::ids::UserId| {
        view.people
            .get(&u)
            .cloned()
            .unwrap_or_else(|| u.to_string())
    };
    let m = measures(state, ctx.lang, &view.policies);
    let preview = if a.status == ActivationStatus::AwaitingApproval {
        let p = crisis.preview_activation(&actor, id).await?;
        Some(preview_view(ctx.lang, &p, &m, String::new()))
    } else {
        None
    };
    let end_at = match (a.end_requested_at, a.end_approved_at, a.ends_at) {
        (Some(at), None, _) => Some(at),
        (_, _, Some(at)) if a.status == ActivationStatus::Active => Some(at),
        _ => None,
    };
    let end_preview = match end_at {
        Some(at) => {
            let p = crisis
                .preview_end(&actor, id, domain::time::from_micros(at))
                .await?;
            Some(preview_view(ctx.lang, &p, &BTreeMap::new(), String::new()))
        }
        None => None,
    };
    let end_pending = a.end_proposed_by.is_some() && a.end_approved_at.is_none();
    let endable = matches!(
        a.status,
        ActivationStatus::Scheduled | ActivationStatus::Activating | ActivationStatus::Active
    );
    let page = ActivationPage {
        layout: ctx.layout(state, "modes-title").await,
        id,
        mode: view.mode_name.clone(),
        status: views::label(ctx.lang, a.status),
        status_code: a.status.as_str().to_owned(),
        from: a.starts_at,
        to: a.ends_at,
        reason: a.reason.clone(),
        proposed_by: name_of(a.proposed_by),
        decided_by: a.decided_by.map(name_of),
        measures: view
            .policies
            .keys()
            .map(|c| views::modes::ImpactView {
                capability: views::label(ctx.lang, *c),
                measures: m.get(c).cloned().unwrap_or_default(),
                effects: Vec::new(),
            })
            .collect(),
        preview,
        end_preview,
        may_approve: a.status == ActivationStatus::AwaitingApproval && me != Some(a.proposed_by),
        may_propose_end: endable && !end_pending,
        end_proposal: a.end_requested_at.filter(|_| end_pending).map(|at| {
            views::translate(
                ctx.lang,
                "modes-end-proposed",
                &[(
                    "at",
                    domain::time::format_datetime(
                        domain::time::from_micros(at),
                        &domain::time::stockholm(),
                    ),
                )],
            )
        }),
        may_approve_end: end_pending && me != a.end_proposed_by,
        steps: view
            .steps
            .iter()
            .map(|s| StepLine {
                phase: views::label(ctx.lang, s.phase),
                capability: views::label(ctx.lang, s.capability),
                effects: s
                    .effects
                    .iter()
                    .map(|(k, v)| views::modes::EffectLine {
                        label: effect_label(ctx.lang, s.capability, k),
                        value: Unit::of_key(k).show(*v),
                    })
                    .collect(),
                done_at: s.done_at,
            })
            .collect(),
        now_local: local_value(state.services.now()),
        result,
        errors,
    };
    render(status, &page)
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    klart: Option<String>,
}

pub async fn activation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let key = match q.klart.as_deref() {
        Some("proposed") => Some("modes-proposed"),
        Some("approved") => Some("modes-approved"),
        Some("rejected") => Some("modes-rejected"),
        _ => None,
    };
    let result = key.map(|k| ctx.t(k));
    activation_page(&state, &ctx, id, result, Vec::new(), StatusCode::OK).await
}

/// Runs one step of an activation's life and shows the page again, with the outcome.
async fn step(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    outcome: Result<(), ServiceError>,
    ok_key: &str,
) -> PageResult {
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/beredskap/aktiveringar/{id}?klart={ok_key}"
        ))),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            activation_page(state, ctx, id, None, errors, StatusCode::CONFLICT).await
        }
    }
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let crisis = state.services.crisis();
    let r = crisis.approve(&ctx.actor(), id).await.map(|_| ());
    // A start that has come runs at once; the worker would otherwise pick it up within its
    // next turn. Either way its progress is on the page, from any server.
    if r.is_ok() {
        let _ = crisis.run_start(id).await;
    }
    step(&state, &ctx, id, r, "approved").await
}

pub async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let r = state
        .services
        .crisis()
        .reject(&ctx.actor(), id, f.get("reason"))
        .await;
    step(&state, &ctx, id, r, "rejected").await
}

pub async fn propose_end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let Some(at) = local_time(f.get("at")) else {
        let e = field_errors(
            ctx.lang,
            &[Invalid::new("at", domain::problem::Problem::NotADateTime)],
        );
        return activation_page(&state, &ctx, id, None, e, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let r = state
        .services
        .crisis()
        .propose_end(&ctx.actor(), id, at, f.get("reason"))
        .await;
    step(&state, &ctx, id, r, "end_proposed").await
}

pub async fn approve_end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let crisis = state.services.crisis();
    let r = crisis.approve_end(&ctx.actor(), id).await;
    if r.is_ok() {
        let _ = crisis.run_end(id).await;
    }
    step(&state, &ctx, id, r, "end_approved").await
}

#[derive(serde::Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    fran: String,
    #[serde(default)]
    till: String,
    #[serde(default)]
    slag: String,
}

fn log_filter(q: &LogQuery) -> LogFilter {
    let tz = domain::time::stockholm();
    let day = |s: &str| domain::time::parse_date(s.trim()).ok();
    LogFilter {
        from: day(&q.fran).map(|d| domain::time::start_of_day(d, &tz)),
        to: day(&q.till)
            .and_then(|d| d.tomorrow().ok())
            .map(|d| domain::time::start_of_day(d, &tz)),
        kind: LogKind::parse(q.slag.trim()),
    }
}

async fn log_page(
    state: &AppState,
    ctx: &Ctx,
    q: &LogQuery,
    result: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let filter = log_filter(q);
    let rows = state.services.crisis().log(&ctx.actor(), &filter).await?;
    let page = CrisisLogPage {
        layout: ctx.layout(state, "crisis-log-title").await,
        lines: rows
            .into_iter()
            .map(|r| LogLine {
                at: r.at,
                kind: views::label(ctx.lang, r.kind),
                actor: r.actor,
                what: r.summary,
                reason: r.reason,
                link: r.activation_id.map(|a| Link {
                    href: format!("/beredskap/aktiveringar/{a}"),
                    text: format!("#{a}"),
                }),
            })
            .collect(),
        kinds: LogKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    views::label(ctx.lang, *k),
                    filter.kind == Some(*k),
                )
            })
            .collect(),
        from: q.fran.clone(),
        to: q.till.clone(),
        csv: format!(
            "/beredskap/logg.csv?fran={}&till={}&slag={}",
            urlencode(&q.fran),
            urlencode(&q.till),
            urlencode(&q.slag)
        ),
        result,
        errors,
    };
    render(status, &page)
}

pub async fn log(State(state): State<AppState>, ctx: Ctx, Query(q): Query<LogQuery>) -> PageResult {
    log_page(&state, &ctx, &q, None, Vec::new(), StatusCode::OK).await
}

pub async fn log_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LogQuery>,
) -> PageResult {
    let rows = state
        .services
        .crisis()
        .log(&ctx.actor(), &log_filter(&q))
        .await?;
    let tz = domain::time::stockholm();
    let mut out = String::from("at,kind,actor,activation,summary,reason\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            domain::time::format_datetime(domain::time::from_micros(r.at), &tz),
            r.kind,
            csv_field(&r.actor),
            r.activation_id.map(|a| a.to_string()).unwrap_or_default(),
            csv_field(&r.summary),
            csv_field(&r.reason)
        ));
    }
    Ok(csv_response("krislogg.csv", out))
}

pub async fn measure(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let q = LogQuery::default();
    match state
        .services
        .crisis()
        .log_measure(&ctx.actor(), f.get("summary"), f.get("reason"))
        .await
    {
        Ok(_) => {
            let msg = ctx.t("crisis-measure-saved");
            log_page(&state, &ctx, &q, Some(msg), Vec::new(), StatusCode::OK).await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            log_page(
                &state,
                &ctx,
                &q,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

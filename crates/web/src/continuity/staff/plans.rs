//! Contingency plans and exercises, the situation reports, and the services' state.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::continuity::{Service, ServiceState};
use domain::ids::{PlanId, ReportId};
use domain::problem::Problem;
use services::continuity::{Figures, PlanInput, ServiceLine, SituationReport};
use views::Lang;
use views::continuity::*;
use views::pages::FieldError;

use super::super::{at, plus, refused};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, parse_id, render, see_other};

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

async fn function_choices(
    state: &AppState,
    ctx: &Ctx,
    selected: Option<&str>,
) -> Result<Vec<Choice>, crate::error::AppError> {
    Ok(state
        .services
        .continuity()
        .functions(&ctx.actor())
        .await?
        .into_iter()
        .map(|f| Choice {
            selected: Some(f.function.name.as_str()) == selected,
            value: f.function.code,
            label: f.function.name,
        })
        .collect())
}

async fn plans_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let o = state.services.continuity().plans(&ctx.actor()).await?;
    let page = PlansPage {
        layout: ctx.layout(state, "continuity-plans-title").await,
        plans: o
            .plans
            .iter()
            .map(|p| PlanLine {
                id: p.plan.id.get(),
                title: p.plan.title.clone(),
                function: p
                    .function
                    .clone()
                    .unwrap_or_else(|| ctx.t("continuity-whole-company")),
                owner: p.plan.owner.clone(),
                last: p
                    .plan
                    .last_reviewed_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "–".into()),
                next: p.plan.next_review_on.to_string(),
                due: p.due,
                exercises: p.exercises.len(),
            })
            .collect(),
        due: o.due,
        functions: function_choices(state, ctx, None).await?,
        next: plus(state.services.today(), 365).to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn plans(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    plans_page(&state, &ctx, None, Vec::new()).await
}

fn plan_input(f: &FormData) -> PlanInput {
    PlanInput {
        function: f.get("function").to_owned(),
        title: f.get("title").to_owned(),
        owner: f.get("owner").to_owned(),
        measures: f.get("measures").to_owned(),
        next_review_on: f.get("next_review_on").to_owned(),
    }
}

pub async fn plan_create(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    match state
        .services
        .continuity()
        .save_plan(&ctx.actor(), None, &plan_input(&f))
        .await
    {
        Ok(id) => Ok(see_other(&format!("/beredskap/planer/{id}"))),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            plans_page(&state, &ctx, None, errors).await
        }
    }
}

async fn plan_page(
    state: &AppState,
    ctx: &Ctx,
    id: PlanId,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let v = state.services.continuity().plan(&ctx.actor(), id).await?;
    let today = state.services.today();
    let page = PlanPage {
        layout: ctx.layout(state, "continuity-plans-title").await,
        id: id.get(),
        title: v.plan.title.clone(),
        owner: v.plan.owner.clone(),
        measures: v.plan.measures.clone(),
        last: v
            .plan
            .last_reviewed_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "–".into()),
        next: v.plan.next_review_on.to_string(),
        due: v.due,
        functions: function_choices(state, ctx, v.function.as_deref()).await?,
        exercises: v
            .exercises
            .iter()
            .map(|e| ExerciseLine {
                date: e.on_date.to_string(),
                status: views::label(ctx.lang, e.status),
                lessons: e.lessons.clone(),
                logged_by: e.logged_by.clone(),
            })
            .collect(),
        next_review: plus(today, 365).to_string(),
        today: today.to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn plan(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = PlanId::new(parse_id(&id)?);
    plan_page(&state, &ctx, id, None, Vec::new()).await
}

pub async fn plan_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = PlanId::new(parse_id(&id)?);
    match state
        .services
        .continuity()
        .save_plan(&ctx.actor(), Some(id), &plan_input(&f))
        .await
    {
        Ok(_) => {
            plan_page(
                &state,
                &ctx,
                id,
                Some(ctx.t("continuity-plan-saved")),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            plan_page(&state, &ctx, id, None, errors).await
        }
    }
}

pub async fn plan_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = PlanId::new(parse_id(&id)?);
    let outcome = match domain::time::parse_date(f.get("next_review_on").trim()) {
        Ok(next) => {
            state
                .services
                .continuity()
                .review_plan(&ctx.actor(), id, next)
                .await
        }
        Err(e) => Err(services::ServiceError::invalid("next_review", e)),
    };
    match outcome {
        Ok(()) => {
            plan_page(
                &state,
                &ctx,
                id,
                Some(ctx.t("continuity-review-saved")),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            plan_page(&state, &ctx, id, None, errors).await
        }
    }
}

pub async fn exercise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id = PlanId::new(parse_id(&id)?);
    let outcome = match domain::time::parse_date(f.get("on_date").trim()) {
        Ok(d) => state
            .services
            .continuity()
            .log_exercise(
                &ctx.actor(),
                id,
                d,
                f.get("held") == "true",
                f.get("lessons"),
            )
            .await
            .map(|_| ()),
        Err(e) => Err(services::ServiceError::invalid("on_date", e)),
    };
    match outcome {
        Ok(()) => {
            plan_page(
                &state,
                &ctx,
                id,
                Some(ctx.t("continuity-exercise-saved")),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            plan_page(&state, &ctx, id, None, errors).await
        }
    }
}

// ---- situation report ---------------------------------------------------------------------

fn service_view(lang: Lang, l: &ServiceLine) -> ServiceStateView {
    ServiceStateView {
        service: views::label(lang, l.service),
        code: l.service.as_str().to_owned(),
        state: l.state.map_or("unknown", |s| s.as_str()).to_owned(),
        label: l.state.map_or_else(
            || views::translate(lang, "continuity-not-reported", &[]),
            |s| views::label(lang, s),
        ),
        note: l.note.clone(),
        set: match (&l.set_by, l.set_at) {
            (Some(who), Some(when)) => views::translate(
                lang,
                "continuity-set-by",
                &[("who", who.clone()), ("when", at(when))],
            ),
            _ => String::new(),
        },
    }
}

fn figure(lang: Lang, key: &str, value: impl ToString) -> FigureLine {
    FigureLine {
        label: views::translate(lang, key, &[]),
        value: value.to_string(),
    }
}

fn unavailable(lang: Lang) -> Vec<FigureLine> {
    vec![FigureLine {
        label: views::translate(lang, "continuity-not-available", &[]),
        value: String::new(),
    }]
}

/// The customer side of a report: the chat queue, open cases, today's visits, the campaign.
fn customer_figures(lang: Lang, c: &services::continuity::CustomerSide) -> Vec<FigureLine> {
    let t = |k: &str| views::translate(lang, k, &[]);
    let mut customers = Vec::new();
    match &c.chat {
        Figures::Available(chat) => {
            customers.push(figure(lang, "continuity-figure-chat-queued", chat.queued));
            customers.push(figure(
                lang,
                "continuity-figure-chat-longest-wait",
                chat.longest_wait_minutes,
            ));
            customers.push(figure(
                lang,
                "continuity-figure-chat-estimated-wait",
                chat.estimated_wait_minutes
                    .map_or_else(|| t("continuity-figure-unknown"), |m| m.to_string()),
            ));
        }
        Figures::NotAvailable => customers.extend(unavailable(lang)),
    }
    for (key, f) in [
        ("continuity-figure-open-cases", &c.open_cases),
        ("continuity-figure-visits-today", &c.visits_today),
    ] {
        customers.push(match f {
            Figures::Available(n) => figure(lang, key, n),
            Figures::NotAvailable => figure(lang, key, t("continuity-not-available")),
        });
    }
    customers.push(match &c.campaign {
        Figures::Available(p) => figure(
            lang,
            "continuity-figure-campaign",
            format!("{} / {}", p.done, p.total),
        ),
        Figures::NotAvailable => figure(
            lang,
            "continuity-figure-campaign",
            t("continuity-not-available"),
        ),
    });
    customers
}

/// A report as the page prints it.
pub(crate) fn report_view(lang: Lang, r: &SituationReport) -> ReportView {
    let customers = customer_figures(lang, &r.customers);
    let credit = match &r.credit {
        Figures::Available(c) => vec![
            figure(lang, "continuity-figure-credit-pending", c.pending_requests),
            figure(
                lang,
                "continuity-figure-credit-granted",
                c.granted_this_month,
            ),
            figure(
                lang,
                "continuity-figure-credit-interest",
                domain::money::Money::from_ore(c.interest_waived_this_month_ore),
            ),
        ],
        Figures::NotAvailable => unavailable(lang),
    };
    let tz = domain::time::stockholm();
    let clock = |t: jiff::Timestamp| {
        let d = tz.to_datetime(t);
        format!("{:02}:{:02}", d.hour(), d.minute())
    };
    ReportView {
        title: views::translate(
            lang,
            "continuity-report-heading",
            &[("date", r.date.to_string())],
        ),
        issued: views::translate(
            lang,
            "continuity-report-issued",
            &[
                ("when", at(r.generated_at)),
                ("who", r.generated_by.clone()),
                ("kind", views::label(lang, r.kind)),
            ],
        ),
        services: r.services.iter().map(|l| service_view(lang, l)).collect(),
        staffing: r
            .staffing
            .iter()
            .map(|f| StaffingView {
                name: f.name.clone(),
                service: views::label(lang, f.service),
                status: f.status.as_str().to_owned(),
                status_label: views::label(lang, f.status),
                shifts: f
                    .shifts
                    .iter()
                    .map(|s| ShiftStateView {
                        shift: s.shift.clone(),
                        times: format!("{}–{}", clock(s.starts_at), clock(s.ends_at)),
                        required: s.required,
                        rostered: s.rostered,
                        present: s.present,
                        status: s.status.as_str().to_owned(),
                        status_label: views::label(lang, s.status),
                    })
                    .collect(),
            })
            .collect(),
        absence: r
            .absence
            .iter()
            .map(|a| FigureLine {
                label: views::label(lang, a.reason),
                value: a.staff.to_string(),
            })
            .collect(),
        customers,
        credit,
        suppliers: match &r.suppliers {
            Figures::Available(never) => match *never {},
            Figures::NotAvailable => unavailable(lang),
        },
        community: match &r.community {
            Figures::Available(c) => vec![
                figure(
                    lang,
                    "continuity-figure-community-given",
                    domain::money::Money::from_ore(c.given_this_month_ore),
                ),
                figure(
                    lang,
                    "continuity-figure-community-upgrades",
                    c.upgrades_active,
                ),
                figure(
                    lang,
                    "continuity-figure-community-scheduled",
                    c.upgrades_scheduled,
                ),
                figure(lang, "continuity-figure-community-events", c.events_waiting),
            ],
            Figures::NotAvailable => unavailable(lang),
        },
    }
}

async fn report_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<ReportId>,
    result: Option<String>,
) -> PageResult {
    let c = state.services.continuity();
    let actor = ctx.actor();
    let list = c.reports(&actor).await?;
    let shown = match id.or_else(|| list.first().map(|r| r.id)) {
        Some(id) => Some(c.report(&actor, id).await?),
        None => None,
    };
    let page = ReportPage {
        layout: ctx.layout(state, "continuity-report-title").await,
        json: shown.as_ref().map(|(row, _)| {
            format!(
                "/api/v1/continuity/situation-report?date={}",
                row.report_date
            )
        }),
        report: shown.as_ref().map(|(_, r)| report_view(ctx.lang, r)),
        previous: list
            .iter()
            .map(|r| ReportLink {
                id: r.id.get(),
                text: format!(
                    "{} ({}, {})",
                    r.report_date,
                    views::label(ctx.lang, r.kind),
                    at(domain::time::from_micros(r.created_at))
                ),
            })
            .collect(),
        result,
    };
    render(StatusCode::OK, &page)
}

pub async fn report_latest(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    report_page(&state, &ctx, None, None).await
}

pub async fn report(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = ReportId::new(parse_id(&id)?);
    report_page(&state, &ctx, Some(id), None).await
}

pub async fn report_issue(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let id = state
        .services
        .continuity()
        .issue_report(&ctx.actor())
        .await?;
    report_page(
        &state,
        &ctx,
        Some(id),
        Some(ctx.t("continuity-report-issued-now")),
    )
    .await
}

// ---- the services' state ------------------------------------------------------------------

async fn services_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lines = state
        .services
        .continuity()
        .service_states(&ctx.actor())
        .await?;
    let page = ServicesPage {
        layout: ctx.layout(state, "continuity-services-title").await,
        services: lines.iter().map(|l| service_view(ctx.lang, l)).collect(),
        states: ServiceState::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: views::label(ctx.lang, *s),
                selected: false,
            })
            .collect(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn services(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    services_page(&state, &ctx, None, Vec::new()).await
}

pub async fn service_save(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let parsed = (
        f.get("service").parse::<Service>(),
        f.get("state").parse::<ServiceState>(),
    );
    let (service, st) = match parsed {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            let errors = vec![FieldError {
                field: "content".into(),
                message: views::explain(ctx.lang, &Problem::UnknownChoice(e)),
            }];
            return services_page(&state, &ctx, None, errors).await;
        }
    };
    match state
        .services
        .continuity()
        .set_service_status(&ctx.actor(), service, st, f.get("note"))
        .await
    {
        Ok(()) => {
            services_page(
                &state,
                &ctx,
                Some(ctx.t("continuity-service-saved")),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            services_page(&state, &ctx, None, errors).await
        }
    }
}

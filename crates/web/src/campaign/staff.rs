//! The planner's page (open a campaign, crews and days off, plan in the background, classify
//! again, pin a stop, the plan per crew and day on a server-drawn map) and the campaign's
//! progress for planners and the continuity manager.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::campaign::{DayOffReason, JobStatus, Plannability};
use domain::ids::{CampaignJobId, CrewId, SupplierId};
use domain::problem::{Invalid, Problem};
use services::ServiceError;
use services::campaign::{CampaignOverview, ClassifyReport, CrewForm, PlanRun, hhmm};
use views::campaign::*;
use views::map::{DayMap, MapDot, MapRoute, MapStop, StopMark};
use views::pages::FieldError;

use super::common::{field_error, field_message};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, parse_id, render, see_other};

/// The search time a planning run from the page gets (the engine's own budget) unless the
/// settings say otherwise.
pub const PAGE_PLAN_SECONDS: u64 = 10;

/// Jobs per tier and state.
fn counts(o: &CampaignOverview) -> Vec<TierCounts> {
    let mut counts: Vec<TierCounts> = (1..=3)
        .map(|t| TierCounts {
            tier: t,
            ..Default::default()
        })
        .collect();
    for j in &o.jobs {
        let c = &mut counts[usize::from(j.tier.clamp(1, 3) - 1)];
        match j.plannability {
            Plannability::Paused => c.paused += 1,
            Plannability::DeferredAtRequest => c.deferred += 1,
            Plannability::Plannable => c.plannable += 1,
        }
        match j.status {
            JobStatus::Planned => c.planned += 1,
            JobStatus::Notified => c.notified += 1,
            JobStatus::Booked => c.booked += 1,
            JobStatus::Done => c.done += 1,
            JobStatus::Failed => c.failed += 1,
            JobStatus::Open => {}
        }
    }
    counts
}

/// How a stop on a route is marked on the map.
fn stop_mark(j: &services::campaign::JobRow) -> StopMark {
    match (j.plannability, j.status) {
        (_, JobStatus::Done) => StopMark::Done,
        (_, JobStatus::Failed) => StopMark::Failed,
        (Plannability::DeferredAtRequest, _) => StopMark::Deferred,
        (_, JobStatus::Booked) => StopMark::Booked,
        _ if j.window_start_min.is_some() => StopMark::Booked,
        _ => StopMark::Planned,
    }
}

fn degrees(e6: i64) -> f64 {
    e6 as f64 / 1e6
}

/// Each crew's route on `day`, as lists, and the day's map: the routes, and the remaining jobs
/// (not done, not on the day) as faint dots.
fn routes_on(o: &CampaignOverview, day: &str, all: bool) -> (Vec<RouteLine>, DayMap) {
    let mut routes = Vec::new();
    let mut map = DayMap {
        show_dots: all,
        ..DayMap::default()
    };
    // The day parsed once, not every job's day formatted for each crew.
    let day_date = domain::time::parse_date(day).ok();
    let on_day =
        |j: &&services::campaign::JobRow| j.planned_on.is_some() && j.planned_on == day_date;
    for c in &o.crews {
        let mut stops: Vec<_> = o
            .jobs
            .iter()
            .filter(|j| j.crew_id == Some(c.id) && on_day(j))
            .collect();
        if stops.is_empty() {
            continue;
        }
        stops.sort_by_key(|j| j.seq);
        let colour = views::map::crew_colour(routes.len());
        let depot = (degrees(c.depot_lat_e6), degrees(c.depot_lon_e6));
        let lines: Vec<StopLine> = stops
            .iter()
            .map(|j| StopLine {
                job: j.id,
                pinned: j.pinned,
                seq: j.seq.unwrap_or(0),
                arrive: hhmm(j.arrive_min.unwrap_or(0)),
                address: j.street.clone(),
                tier: j.tier,
                status: j.status,
                window: j
                    .window_start_min
                    .zip(j.window_end_min)
                    .map(|(a, b)| format!("{}–{}", hhmm(a), hhmm(b))),
                lat: degrees(j.lat_e6),
                lon: degrees(j.lon_e6),
                mark: stop_mark(j),
            })
            .collect();
        map.routes.push(MapRoute {
            label: c.name.clone(),
            colour,
            depot: Some(depot),
            stops: lines
                .iter()
                .enumerate()
                .map(|(i, l)| MapStop {
                    number: i + 1,
                    anchor: format!("stop-{}", l.job),
                    lat: l.lat,
                    lon: l.lon,
                    mark: l.mark,
                    next: false,
                    title: format!("{}. {}", i + 1, l.address),
                })
                .collect(),
        });
        routes.push(RouteLine {
            crew: c.name.clone(),
            day: day.to_owned(),
            stops: lines,
            colour,
            depot,
        });
    }
    map.dots = o
        .jobs
        .iter()
        .filter(|j| j.status != JobStatus::Done)
        .filter(|j| !on_day(j))
        .map(|j| MapDot {
            lat: degrees(j.lat_e6),
            lon: degrees(j.lon_e6),
            affected: false,
        })
        .collect();
    (routes, map)
}

#[allow(clippy::too_many_arguments)]
fn page(
    state: &AppState,
    ctx: &Ctx,
    layout: views::Layout,
    o: &CampaignOverview,
    (day, all): (Option<String>, bool),
    result: Option<String>,
    errors: Vec<FieldError>,
    today: String,
) -> CampaignPage {
    let days: Vec<String> = o
        .jobs
        .iter()
        .filter_map(|j| j.planned_on.map(|d| d.to_string()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let day = day
        .filter(|d| days.contains(d))
        .or_else(|| days.first().cloned())
        .unwrap_or_default();
    let (routes, day_map) = routes_on(o, &day, all);
    let map = day_map.view(
        &views::translate(ctx.lang, "campaign-map", &[("day", day.clone())]),
        crate::map::tiles(state),
    );
    CampaignPage {
        layout,
        campaign: o
            .campaign
            .as_ref()
            .map(|c| (c.id, c.name.clone(), c.starts_on)),
        counts: counts(o),
        crews: o
            .crews
            .iter()
            .map(|c| CrewLine {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind,
                skills: c.skills.join(","),
                shift: format!("{}–{}", hhmm(c.shift_start_min), hhmm(c.shift_end_min)),
            })
            .collect(),
        routes,
        day,
        days,
        map,
        all,
        result,
        errors,
        today,
        suppliers: o
            .suppliers
            .iter()
            .map(|s| (s.id.get(), s.name.clone()))
            .collect(),
        day_off_reasons: DayOffReason::ALL,
    }
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    day: Option<String>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    show_day(state, ctx, (day, false), result, errors).await
}

/// The page for a day, with or without the remaining jobs drawn faintly.
async fn show_day(
    state: &AppState,
    ctx: &Ctx,
    day: (Option<String>, bool),
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let o = state.services.campaign().overview(&actor).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let layout = ctx.layout(state, "campaign-title").await;
    let today = state.services.today().to_string();
    render(
        status,
        &page(state, ctx, layout, &o, day, result, errors, today),
    )
}

/// The page again with a refused input at its field, or the error as it is.
async fn show_refusal(state: &AppState, ctx: &Ctx, e: ServiceError) -> PageResult {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => {
            show(state, ctx, None, None, field_error(field, &problem, ctx)).await
        }
        e => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    dag: Option<String>,
    /// `1`: draw the remaining jobs faintly.
    #[serde(default)]
    alla: Option<String>,
}

pub async fn planner_page(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<DayQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (day, all) = q
        .ok()
        .map(|q| (q.0.dag, q.0.alla.as_deref() == Some("1")))
        .unwrap_or_default();
    show_day(&state, &ctx, (day, all), None, vec![]).await
}

pub async fn open(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let starts = match domain::time::parse_date(form.get("starts_on").trim()) {
        Ok(d) => d,
        Err(e) => {
            let e = field_error("starts_on", &Problem::Date(e), &ctx);
            return show(&state, &ctx, None, None, e).await;
        }
    };
    let opened = state
        .services
        .campaign()
        .open(&actor, form.get("name"), starts)
        .await;
    match opened {
        Ok((_, r)) => {
            let msg = views::translate(
                ctx.lang,
                "campaign-opened",
                &[
                    ("total", r.total.to_string()),
                    ("deferred", r.deferred.to_string()),
                    ("paused", r.paused.to_string()),
                ],
            );
            show(&state, &ctx, None, Some(msg), vec![]).await
        }
        Err(e) => show_refusal(&state, &ctx, e).await,
    }
}

fn plan_budget(state: &AppState) -> std::time::Duration {
    std::time::Duration::from_secs(
        state
            .services
            .settings()
            .plan_seconds
            .unwrap_or(PAGE_PLAN_SECONDS),
    )
}

/// Starts a planning run in the background and shows its progress; a run already going is
/// shown instead of starting another.
pub async fn plan(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let weeks = form.get("weeks").parse::<u32>().unwrap_or(2).clamp(1, 4);
    match state
        .services
        .campaign()
        .start_plan(&actor, weeks, plan_budget(&state), None)
        .await
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/kampanj/planering")),
        Err(e) => Err(e.into()),
    }
}

/// What a classification moved, as the planner and the continuity manager read it.
pub(crate) fn classified_message(lang: views::Lang, c: &ClassifyReport) -> String {
    views::translate(
        lang,
        "campaign-classified",
        &[
            ("released", c.released.to_string()),
            ("deferred", c.newly_deferred.to_string()),
            ("paused", c.newly_paused.to_string()),
            ("unplanned", c.unplanned.to_string()),
            ("kept", c.kept_fixed.to_string()),
        ],
    )
}

fn plan_message(lang: views::Lang, r: &PlanRun) -> Option<String> {
    let classified = r.classified.as_ref().map(|c| classified_message(lang, c));
    let planned = match r.outcome.as_ref()? {
        Ok(p) => views::translate(
            lang,
            "campaign-planned-result",
            &[
                ("assigned", p.assigned.to_string()),
                ("considered", p.jobs_considered.to_string()),
                ("days", p.crew_days.to_string()),
                ("km", format!("{:.0}", p.travel_km)),
                ("seconds", format!("{:.1}", p.seconds)),
            ],
        ),
        Err(e) => views::translate(
            lang,
            "campaign-plan-failed",
            &[("error", views::label(lang, *e))],
        ),
    };
    Some(match classified {
        Some(c) => format!("{c} {planned}"),
        None => planned,
    })
}

/// The planning run: its progress while it runs (the page offers a reload; a script, when it
/// runs, follows the progress by itself), then the plan with the result.
pub async fn plan_status(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let Some(run) = state.services.campaign().plan_run(&actor).await? else {
        return Ok(see_other("/kampanj"));
    };
    if run.running() {
        let layout = ctx.layout(&state, "campaign-planning-title").await;
        return render(
            StatusCode::OK,
            &PlanRunPage {
                layout,
                percent: run.percent(),
                elapsed: run.elapsed().as_secs(),
                budget: run.budget.as_secs(),
                started_by: run.started_by.clone(),
            },
        );
    }
    let msg = plan_message(ctx.lang, &run);
    show(&state, &ctx, None, msg, vec![]).await
}

/// The planning run's progress for the page's script.
pub async fn plan_status_json(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::response::Response, crate::error::AppError> {
    use axum::response::IntoResponse;
    let actor = ctx.user()?.actor(&ctx.address);
    let run = state.services.campaign().plan_run(&actor).await?;
    Ok(axum::Json(serde_json::json!({
        "running": run.as_ref().is_some_and(|r| r.running()),
        "percent": run.as_ref().map_or(100, |r| r.percent()),
        "elapsed_seconds": run.as_ref().map_or(0, |r| r.elapsed().as_secs()),
    }))
    .into_response())
}

/// The planning page's script: follows a running plan and reloads when it is done.
pub async fn plan_script() -> axum::response::Response {
    crate::pages::script(include_str!("../../../views/static/plan.js"))
}

/// Closes the campaign (the form asks to confirm); the declarations are deleted with it.
pub async fn close(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    if form.get("confirm") != "ja" {
        let e = field_message("confirm", "campaign-close-confirm", &ctx);
        return show(&state, &ctx, None, None, e).await;
    }
    let purged = state.services.campaign().close(&actor).await?;
    let msg = views::translate(
        ctx.lang,
        "campaign-closed",
        &[("purged", purged.to_string())],
    );
    show(&state, &ctx, None, Some(msg), vec![]).await
}

/// Pins a planned job to its crew and day, or unpins it.
pub async fn pin(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let job = CampaignJobId::new(parse_id(&id)?);
    let pinned = form.get("pinned") == "1";
    state.services.campaign().pin(&actor, job, pinned).await?;
    let day = form.get("dag").trim();
    Ok(see_other(&if day.is_empty() {
        "/kampanj#plan".to_owned()
    } else {
        format!("/kampanj?dag={day}#plan")
    }))
}

pub async fn notices(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let r = state.services.campaign().send_notices(&actor).await?;
    let msg = views::translate(
        ctx.lang,
        "campaign-notices-sent",
        &[
            ("notices", r.notices.to_string()),
            ("reminders", r.reminders.to_string()),
            ("invitations", r.invitations.to_string()),
        ],
    );
    show(&state, &ctx, None, Some(msg), vec![]).await
}

/// After a policy change or a declaration: classify every job again, then re-plan (notified
/// and booked jobs stay where they are), and show the counts before and after.
pub async fn classify(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let campaign = state.services.campaign();
    let r = campaign.classify(&actor).await?;
    match campaign
        .start_plan(&actor, 2, plan_budget(&state), Some(r))
        .await
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/kampanj/planering")),
        Err(e) => Err(e.into()),
    }
}

/// `HH:MM-HH:MM` as minutes after midnight.
fn parse_shift(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.trim().split_once('-')?;
    let m = |t: &str| -> Option<i64> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        ((0..=24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
    };
    Some((m(a)?, m(b)?))
}

pub async fn add_crew(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let Some((start, end)) = parse_shift(form.get("shift")) else {
        let e = field_error("shift", &Problem::NotATime, &ctx);
        return show(&state, &ctx, None, None, e).await;
    };
    let supplier_id = match form.get("supplier").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(SupplierId::new(id)),
            Err(_) => {
                let e = field_error("supplier", &Problem::NotANumber, &ctx);
                return show(&state, &ctx, None, None, e).await;
            }
        },
    };
    let crew = CrewForm {
        name: form.get("name").to_owned(),
        supplier_id,
        skills: form
            .get("skills")
            .split([',', ' '])
            .map(str::to_owned)
            .collect(),
        depot: None,
        shift_start_min: start,
        shift_end_min: end,
    };
    match state.services.campaign().add_crew(&actor, &crew).await {
        Ok(_) => show(&state, &ctx, None, None, vec![]).await,
        Err(e) => show_refusal(&state, &ctx, e).await,
    }
}

pub async fn day_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let crew = CrewId::new(parse_id(&id)?);
    let at = format!("off-{crew}");
    let day = match domain::time::parse_date(form.get("day").trim()) {
        Ok(d) => d,
        Err(e) => {
            let e = field_error(&at, &Problem::Date(e), &ctx);
            return show(&state, &ctx, None, None, e).await;
        }
    };
    let reason = match form.get("reason").parse::<DayOffReason>() {
        Ok(r) => r,
        Err(e) => {
            let e = field_error(&format!("why-{crew}"), &Problem::UnknownChoice(e), &ctx);
            return show(&state, &ctx, None, None, e).await;
        }
    };
    state
        .services
        .campaign()
        .crew_day_off(&actor, crew, day, reason)
        .await?;
    show(&state, &ctx, None, None, vec![]).await
}

pub async fn progress(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let p = state.services.campaign().progress(&actor).await?;
    let burn_up: Vec<(String, usize, usize)> = p
        .burn_up
        .iter()
        .map(|(d, a, b)| (d.to_string(), *a, *b))
        .collect();
    let km_rows: Vec<(String, f64)> =
        p.km.iter()
            .map(|(c, d, k)| (format!("{c} {d}"), *k))
            .collect();
    let page = ProgressPage {
        layout: ctx.layout(&state, "progress-title").await,
        tiers: (0..3).map(|t| (t as u8 + 1, p.per_tier[t])).collect(),
        total: p.total,
        forecast: p.forecast.map(|d| d.to_string()),
        chart: burn_up_chart(&ctx, &p),
        burn_up,
        deferred_backlog: p
            .deferred_backlog
            .iter()
            .map(|(d, n)| (d.map(|d| d.to_string()).unwrap_or_default(), *n))
            .collect(),
        paused_backlog: p.paused_backlog,
        km_chart: views::charts::hbars(
            "km",
            (&ctx.t("progress-km"), &ctx.t("progress-chart-desc")),
            &ctx.t("progress-axis-km"),
            &km_rows,
        ),
        km: p
            .km
            .iter()
            .map(|(c, d, k)| (c.clone(), d.to_string(), format!("{k:.1}")))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

/// The burn-up with its axes and the forecast date on the time axis.
fn burn_up_chart(ctx: &Ctx, p: &services::campaign::Progress) -> String {
    let days: Vec<views::charts::BurnDay> = p
        .burn_up
        .iter()
        .map(|(d, a, b)| views::charts::BurnDay {
            day: *d,
            done: *a,
            done_and_planned: *b,
        })
        .collect();
    let words = (
        ctx.t("campaign-job-status-done"),
        ctx.t("progress-done-planned"),
        ctx.t("progress-all-jobs"),
        ctx.t("progress-forecast-short"),
    );
    views::charts::burn_up(
        "burn",
        (&ctx.t("progress-burn-up"), &ctx.t("progress-chart-desc")),
        views::charts::Axes {
            x: &ctx.t("campaign-day"),
            y: &ctx.t("progress-axis-jobs"),
        },
        &views::charts::BurnWords {
            done: &words.0,
            done_and_planned: &words.1,
            total: &words.2,
            forecast: &words.3,
        },
        p.total,
        &days,
        p.forecast,
    )
}

/// The progress as CSV: one row per tier and state, then the burn-up and the km per crew-day.
pub async fn progress_csv(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::response::Response, crate::error::AppError> {
    use axum::response::IntoResponse;
    let actor = ctx.user()?.actor(&ctx.address);
    let p = state.services.campaign().progress(&actor).await?;
    let mut out = String::from("section,key,tier_or_crew,value\n");
    let states = [
        "done",
        "planned",
        "deferred",
        "paused",
        "failed",
        "not_planned",
    ];
    for (t, row) in p.per_tier.iter().enumerate() {
        for (i, n) in row.iter().enumerate() {
            out.push_str(&format!("tier,{},{},{n}\n", states[i], t + 1));
        }
    }
    for (d, a, b) in &p.burn_up {
        out.push_str(&format!(
            "burn_up_done,{d},,{a}\nburn_up_done_and_planned,{d},,{b}\n"
        ));
    }
    if let Some(f) = p.forecast {
        out.push_str(&format!("forecast,{f},,\n"));
    }
    for (d, n) in &p.deferred_backlog {
        let d = d.map(|d| d.to_string()).unwrap_or_default();
        out.push_str(&format!("deferred_review,{d},,{n}\n"));
    }
    for (c, d, k) in &p.km {
        let c = c.replace('"', "\"\"");
        out.push_str(&format!("km,{d},\"{c}\",{k:.1}\n"));
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"matarbyte-framsteg.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

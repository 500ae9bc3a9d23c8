//! The planner's page of the meter-exchange campaign: open a campaign, crews and days off,
//! plan, classify again after a policy change, and see the plan per crew and day on a
//! server-drawn map.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use services::ServiceError;
use services::campaign::{CampaignOverview, CrewForm, hhmm};
use views::campaign::*;
use views::pages::FieldError;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
use crate::routes::RouteSpec;
#[allow(unused_imports)]
use crate::routes::{CALLER_BOOKERS, PLANNERS, PROGRESS, TECHNICIANS, WORK_LIST};
use services::auth::roles::CUSTOMER;

/// The search time a planning run from the page gets (the engine's own budget) unless the
/// settings say otherwise.
pub const PAGE_PLAN_SECONDS: u64 = 10;

fn page(
    ctx: &Ctx,
    layout: views::Layout,
    o: &CampaignOverview,
    day: Option<String>,
    result: Option<String>,
    errors: Vec<FieldError>,
    today: String,
) -> CampaignPage {
    let mut counts: Vec<TierCounts> = (1..=3)
        .map(|t| TierCounts {
            tier: t,
            ..Default::default()
        })
        .collect();
    for j in &o.jobs {
        let c = &mut counts[(j.tier.clamp(1, 3) - 1) as usize];
        match j.plannability.as_str() {
            "paused" => c.paused += 1,
            "deferred" => c.deferred += 1,
            _ => c.plannable += 1,
        }
        match j.status.as_str() {
            "planned" => c.planned += 1,
            "notified" => c.notified += 1,
            "booked" => c.booked += 1,
            "done" => c.done += 1,
            "failed" => c.failed += 1,
            _ => {}
        }
    }
    let days: Vec<String> = o
        .jobs
        .iter()
        .filter_map(|j| j.planned_on.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let day = day
        .filter(|d| days.contains(d))
        .or_else(|| days.first().cloned())
        .unwrap_or_default();
    let crew_name = |id: i64| {
        o.crews
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut routes = Vec::new();
    let mut map_routes = Vec::new();
    for c in &o.crews {
        let mut stops: Vec<_> = o
            .jobs
            .iter()
            .filter(|j| j.crew_id == Some(c.id) && j.planned_on.as_deref() == Some(day.as_str()))
            .collect();
        if stops.is_empty() {
            continue;
        }
        stops.sort_by_key(|j| j.seq);
        let depot = (c.depot_lat_e6 as f64 / 1e6, c.depot_lon_e6 as f64 / 1e6);
        let mut pts = vec![depot];
        pts.extend(
            stops
                .iter()
                .map(|j| (j.lat_e6 as f64 / 1e6, j.lon_e6 as f64 / 1e6)),
        );
        pts.push(depot);
        map_routes.push(MapRoute {
            label: format!("{} {day}", crew_name(c.id)),
            points: pts,
        });
        routes.push(RouteLine {
            crew: crew_name(c.id),
            day: day.clone(),
            stops: stops
                .iter()
                .map(|j| StopLine {
                    job: j.id,
                    pinned: j.pinned,
                    seq: j.seq.unwrap_or(0),
                    arrive: hhmm(j.arrive_min.unwrap_or(0)),
                    address: j.street.clone(),
                    tier: j.tier,
                    status: ctx.t(&format!("campaign-{}", j.status)),
                })
                .collect(),
        });
    }
    let points: Vec<MapPoint> = o
        .jobs
        .iter()
        .map(|j| MapPoint {
            lat: j.lat_e6 as f64 / 1e6,
            lon: j.lon_e6 as f64 / 1e6,
            class: match (j.plannability.as_str(), j.status.as_str()) {
                (_, "done") => "done",
                (_, "failed") => "failed",
                ("deferred", _) => "deferred",
                ("paused", _) => "paused",
                (_, "planned" | "notified" | "booked") => "planned",
                _ => "open",
            },
        })
        .collect();
    let map = svg_map(&ctx.t("campaign-title"), &points, &map_routes);
    CampaignPage {
        layout,
        campaign: o
            .campaign
            .as_ref()
            .map(|c| (c.id, c.name.clone(), c.starts_on.clone())),
        counts,
        crews: o
            .crews
            .iter()
            .map(|c| CrewLine {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind.clone(),
                skills: c.skills.clone(),
                shift: format!("{}–{}", hhmm(c.shift_start_min), hhmm(c.shift_end_min)),
            })
            .collect(),
        routes,
        day,
        days,
        map,
        result,
        errors,
        today,
        suppliers: o.suppliers.clone(),
    }
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    day: Option<String>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let o = state.services.campaign_overview(&actor).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let layout = ctx.layout(state, "campaign-title").await;
    let p = page(
        ctx,
        layout,
        &o,
        day,
        result,
        errors,
        state.services.today().to_string(),
    );
    render(status, &p)
}

#[derive(serde::Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    dag: Option<String>,
}

pub async fn planner_page(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<DayQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let day = q.ok().and_then(|q| q.0.dag);
    show(&state, &ctx, day, None, vec![]).await
}

fn field_error(field: &str, message: String) -> Vec<FieldError> {
    vec![FieldError {
        field: field.to_owned(),
        message,
    }]
}

pub async fn open(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let Ok(starts) = domain::time::parse_date(form.get("starts_on").trim()) else {
        let e = field_error("starts_on", ctx.t("campaign-starts"));
        return show(&state, &ctx, None, None, e).await;
    };
    match state
        .services
        .open_campaign(&actor, form.get("name"), starts)
        .await
    {
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
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            show(
                &state,
                &ctx,
                None,
                None,
                field_error(field, views::explain(ctx.lang, &message)),
            )
            .await
        }
        Err(e) => Err(e.into()),
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
        .start_plan(&actor, weeks, plan_budget(&state), None)
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/kampanj/planering")),
        Err(e) => Err(e.into()),
    }
}

/// What a classification moved, as the planner and the continuity manager read it.
pub(crate) fn classified_message(
    lang: views::Lang,
    c: &services::campaign::ClassifyReport,
) -> String {
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

fn plan_message(lang: views::Lang, r: &services::campaign::PlanRun) -> Option<String> {
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
        Err(e) => views::translate(lang, "campaign-plan-failed", &[("error", e.clone())]),
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
    let Some(run) = state.services.plan_run(&actor)? else {
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
    let run = state.services.plan_run(&actor)?;
    Ok(axum::Json(serde_json::json!({
        "running": run.as_ref().is_some_and(|r| r.running()),
        "percent": run.as_ref().map_or(100, |r| r.percent()),
        "elapsed_seconds": run.as_ref().map_or(0, |r| r.elapsed().as_secs()),
    }))
    .into_response())
}

/// The planning page's script: follows a running plan and reloads when it is done.
pub async fn plan_script() -> axum::response::Response {
    crate::pages::script(include_str!("../../views/static/plan.js"))
}

/// Closes the campaign (the form asks to confirm); the declarations are deleted with it.
pub async fn close(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    if form.get("confirm") != "ja" {
        let e = field_error("confirm", ctx.t("campaign-close-confirm"));
        return show(&state, &ctx, None, None, e).await;
    }
    let purged = state.services.close_campaign(&actor).await?;
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
    let id = parse_id(&id)?;
    let pinned = form.get("pinned") == "1";
    state.services.pin_job(&actor, id, pinned).await?;
    let day = form.get("dag").trim();
    Ok(see_other(&if day.is_empty() {
        "/kampanj#plan".to_owned()
    } else {
        format!("/kampanj?dag={day}#plan")
    }))
}

pub async fn notices(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let r = state.services.send_campaign_notices(&actor).await?;
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

/// After a policy change: classify every job again, then re-plan (notified and booked jobs stay
/// where they are), and show the counts before and after.
pub async fn classify(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let r = state.services.classify_campaign(&actor).await?;
    match state
        .services
        .start_plan(&actor, 2, plan_budget(&state), Some(r))
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/kampanj/planering")),
        Err(e) => Err(e.into()),
    }
}

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
        let e = field_error("shift", ctx.t("campaign-shift"));
        return show(&state, &ctx, None, None, e).await;
    };
    let supplier_id = match form.get("supplier").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let e = field_error("supplier", ctx.t("campaign-crew-supplier"));
                return show(&state, &ctx, None, None, e).await;
            }
        },
    };
    // The depot: the centre of the town's meter points, until depots are edited.
    let (lat, lon) = state
        .services
        .meter_points_centre()
        .await?
        .unwrap_or((59_326_000, 14_523_000));
    let crew = CrewForm {
        name: form.get("name").to_owned(),
        supplier_id,
        skills: form
            .get("skills")
            .split([',', ' '])
            .map(str::to_owned)
            .collect(),
        depot_lat_e6: lat,
        depot_lon_e6: lon,
        shift_start_min: start,
        shift_end_min: end,
    };
    match state.services.add_crew(&actor, &crew).await {
        Ok(_) => show(&state, &ctx, None, None, vec![]).await,
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            show(
                &state,
                &ctx,
                None,
                None,
                field_error(field, views::explain(ctx.lang, &message)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn day_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let id = parse_id(&id)?;
    let Ok(day) = domain::time::parse_date(form.get("day").trim()) else {
        let e = field_error(&format!("off-{id}"), ctx.t("campaign-day-off"));
        return show(&state, &ctx, None, None, e).await;
    };
    match state
        .services
        .crew_day_off(&actor, id, day, form.get("reason"))
        .await
    {
        Ok(()) => show(&state, &ctx, None, None, vec![]).await,
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            show(
                &state,
                &ctx,
                None,
                None,
                field_error(field, views::explain(ctx.lang, &message)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the technician's work list ----------------------------------------------------------------

#[derive(serde::Deserialize)]
pub struct WorkQuery {
    #[serde(default)]
    lag: Option<i64>,
    #[serde(default)]
    dag: Option<String>,
    #[serde(default)]
    klart: Option<String>,
}

async fn work_page(
    state: &AppState,
    ctx: &Ctx,
    q: &WorkQuery,
    errors: Vec<FieldError>,
    error_stop: i64,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let day = q
        .dag
        .as_deref()
        .and_then(|d| domain::time::parse_date(d).ok())
        .unwrap_or_else(|| state.services.today());
    let (crew, stops) = match state.services.work_list(&actor, q.lag, day).await {
        Ok(x) => x,
        // A technician not yet in a crew sees an empty day, not an error.
        Err(ServiceError::NotFound) if actor.role == Some(domain::role::Role::Technician) => {
            let page = WorkListPage {
                layout: ctx.layout(state, "work-title").await,
                day: day.to_string(),
                crew: ctx.t("work-no-crew"),
                stops: vec![],
                reasons: vec![],
                result: None,
                errors: vec![],
                error_stop: 0,
            };
            return render(StatusCode::OK, &page);
        }
        Err(e) => return Err(e.into()),
    };
    let crew_name = state
        .services
        .crew_name(crew)
        .await
        .unwrap_or_else(|_| crew.to_string());
    let result = match q.klart.as_deref() {
        Some("klar") => Some(ctx.t("work-saved-done")),
        Some("misslyckad") => Some(ctx.t("work-saved-failed")),
        _ => None,
    };
    let stops = stops
        .into_iter()
        .map(|s| {
            let lat = s.lat_e6 as f64 / 1e6;
            let lon = s.lon_e6 as f64 / 1e6;
            WorkStop {
                id: s.id,
                seq: s.seq.unwrap_or(0),
                arrive: hhmm(s.arrive_min.unwrap_or(0)),
                window: match (s.window_start_min, s.window_end_min) {
                    (Some(a), Some(b)) => Some(format!("{}–{}", hhmm(a), hhmm(b))),
                    _ => None,
                },
                address: format!("{}, {} {}", s.street, s.postal_code, s.city),
                nav: format!("geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}"),
                customer: s.customer_name,
                phone: s.customer_phone.unwrap_or_default(),
                meter: s.anlaggnings_id,
                meter_number: s.meter_number,
                placement: super::pages::label_of::<domain::meter::Placement>(
                    &s.placement,
                    ctx.lang,
                ),
                ct: s.meter_kind == "ct",
                status: ctx.t(&format!("campaign-{}", s.status)),
                open: matches!(s.status.as_str(), "planned" | "notified" | "booked"),
                note: s
                    .failure_reason
                    .map(|r| ctx.t(&format!("work-reason-{r}")))
                    .or(s.new_meter_number)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let layout = ctx.layout(state, "work-title").await;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = WorkListPage {
        layout,
        day: day.to_string(),
        crew: crew_name,
        stops,
        reasons: services::campaign::FailReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), ctx.t(&format!("work-reason-{}", r.as_str()))))
            .collect(),
        result,
        errors,
        error_stop,
    };
    render(status, &page)
}

pub async fn work_list(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<WorkQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|q| q.0).unwrap_or(WorkQuery {
        lag: None,
        dag: None,
        klart: None,
    });
    work_page(&state, &ctx, &q, vec![], 0).await
}

pub async fn job_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let id = parse_id(&id)?;
    let done = services::campaign::DoneForm {
        old_reading: form.get("old_reading").to_owned(),
        new_meter_number: form.get("new_meter_number").to_owned(),
        new_reading: form.get("new_reading").to_owned(),
    };
    let day = form_day(&form);
    match state.services.complete_job(&actor, id, &done).await {
        Ok(()) => Ok(crate::pages::see_other(&format!(
            "/tekniker?dag={}&klart=klar#stop-{id}",
            day.as_deref().unwrap_or_default()
        ))),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let q = WorkQuery {
                lag: None,
                dag: day,
                klart: None,
            };
            let e = field_error(&format!("{field}-{id}"), views::explain(ctx.lang, &message));
            work_page(&state, &ctx, &q, e, id).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn job_failed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let id = parse_id(&id)?;
    let reason = services::campaign::FailReason::parse(form.get("reason"))
        .ok_or(crate::error::AppError::BadRequest)?;
    state.services.fail_job(&actor, id, reason).await?;
    Ok(crate::pages::see_other(&format!(
        "/tekniker?dag={}&klart=misslyckad#stop-{id}",
        form_day(&form).as_deref().unwrap_or_default()
    )))
}

/// The day of the work list a form was sent from, when it is a date.
fn form_day(form: &FormData) -> Option<String> {
    domain::time::parse_date(form.get("dag").trim())
        .ok()
        .map(|d| d.to_string())
}

// ---- progress ----------------------------------------------------------------------------------

pub async fn progress(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let p = state.services.campaign_progress(&actor).await?;
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
        chart: svg_burn_up(&ctx.t("progress-burn-up"), p.total, &burn_up),
        burn_up,
        deferred_backlog: p.deferred_backlog.clone(),
        paused_backlog: p.paused_backlog,
        km_chart: svg_bars(&ctx.t("progress-km"), &km_rows),
        km: p
            .km
            .iter()
            .map(|(c, d, k)| (c.clone(), d.to_string(), format!("{k:.1}")))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

/// The progress as CSV: one row per tier and state, then the burn-up and the km per crew-day.
pub async fn progress_csv(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::response::Response, crate::error::AppError> {
    use axum::response::IntoResponse;
    let actor = ctx.user()?.actor(&ctx.address);
    let p = state.services.campaign_progress(&actor).await?;
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

// ---- booking an indoor window --------------------------------------------------------------------

fn window_label(w: &services::campaign::IndoorWindow) -> String {
    format!(
        "{} {}–{}",
        w.date,
        hhmm(i64::from(w.start_min)),
        hhmm(i64::from(w.end_min))
    )
}

fn booking_job(j: &services::campaign::IndoorJob, action: String) -> BookingJob {
    BookingJob {
        job_id: j.job_id,
        street: j.street.clone(),
        booked: j.booked.as_ref().map(window_label),
        action,
        windows: j
            .windows
            .iter()
            .map(|w| (format!("{}|{}", w.date, w.start_min), window_label(w)))
            .collect(),
    }
}

fn parse_window(raw: &str) -> Option<(jiff::civil::Date, i32)> {
    let (d, m) = raw.split_once('|')?;
    Some((domain::time::parse_date(d).ok()?, m.parse().ok()?))
}

async fn booking_page(
    state: &AppState,
    ctx: &Ctx,
    jobs: Vec<BookingJob>,
    result: Option<String>,
    errors: Vec<FieldError>,
    portal: bool,
) -> PageResult {
    booking_page_for(state, ctx, jobs, result, errors, portal, None).await
}

async fn booking_page_for(
    state: &AppState,
    ctx: &Ctx,
    jobs: Vec<BookingJob>,
    result: Option<String>,
    errors: Vec<FieldError>,
    portal: bool,
    caller: Option<i64>,
) -> PageResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let page = MeterBookingPage {
        layout: ctx.layout(state, "booking-title").await,
        jobs,
        result,
        errors,
        portal,
        caller,
    };
    render(status, &page)
}

async fn my_booking_jobs(
    state: &AppState,
    ctx: &Ctx,
) -> Result<Vec<BookingJob>, crate::error::AppError> {
    let actor = ctx.user()?.actor(&ctx.address);
    Ok(state
        .services
        .my_indoor_jobs(&actor)
        .await?
        .iter()
        .map(|j| booking_job(j, format!("/mina-sidor/matarbyte/{}/boka", j.job_id)))
        .collect())
}

pub async fn my_booking(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let jobs = my_booking_jobs(&state, &ctx).await?;
    booking_page(&state, &ctx, jobs, None, vec![], true).await
}

pub async fn my_booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let id = parse_id(&id)?;
    let Some((date, start)) = parse_window(form.get("window")) else {
        let jobs = my_booking_jobs(&state, &ctx).await?;
        let e = field_error(&format!("window-{id}"), ctx.t("booking-choose"));
        return booking_page(&state, &ctx, jobs, None, e, true).await;
    };
    let r = state
        .services
        .book_indoor_window(services::campaign::Booker::Actor(&actor), id, date, start)
        .await;
    let jobs = my_booking_jobs(&state, &ctx).await?;
    match r {
        Ok(w) => {
            let msg = views::translate(ctx.lang, "booking-done", &[("window", window_label(&w))]);
            booking_page(&state, &ctx, jobs, Some(msg), vec![], true).await
        }
        Err(ServiceError::Conflict(_)) => {
            let e = field_error(&format!("window-{id}"), ctx.t("booking-taken"));
            booking_page(&state, &ctx, jobs, None, e, true).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn caller_booking_jobs(
    state: &AppState,
    ctx: &Ctx,
    customer: i64,
) -> Result<Vec<BookingJob>, crate::error::AppError> {
    let actor = ctx.user()?.actor(&ctx.address);
    Ok(state
        .services
        .indoor_jobs_of(&actor, customer)
        .await?
        .iter()
        .map(|j| booking_job(j, format!("/kunder/{customer}/matarbyte/{}/boka", j.job_id)))
        .collect())
}

/// An agent books (or rebooks) a customer's indoor visit while the customer is on the phone.
pub async fn caller_booking(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let customer = parse_id(&id)?;
    let jobs = caller_booking_jobs(&state, &ctx, customer).await?;
    booking_page_for(&state, &ctx, jobs, None, vec![], false, Some(customer)).await
}

pub async fn caller_booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, job)): Path<(String, String)>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let customer = parse_id(&id)?;
    let job = parse_id(&job)?;
    // The job must be this customer's.
    let booker = services::campaign::Booker::ForCaller(&actor, customer);
    state.services.may_book(booker, job).await?;
    let r = match parse_window(form.get("window")) {
        Some((date, start)) => state
            .services
            .book_indoor_window(booker, job, date, start)
            .await
            .map(Some),
        None => Ok(None),
    };
    let jobs = caller_booking_jobs(&state, &ctx, customer).await?;
    let page = |result, errors| {
        booking_page_for(&state, &ctx, jobs, result, errors, false, Some(customer))
    };
    match r {
        Ok(Some(w)) => {
            let msg = views::translate(ctx.lang, "booking-done", &[("window", window_label(&w))]);
            page(Some(msg), vec![]).await
        }
        Ok(None) => {
            page(
                None,
                field_error(&format!("window-{job}"), ctx.t("booking-choose")),
            )
            .await
        }
        Err(ServiceError::Conflict(_)) => {
            page(
                None,
                field_error(&format!("window-{job}"), ctx.t("booking-taken")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn link_job(state: &AppState, token: &str) -> Result<i64, crate::error::AppError> {
    state
        .services
        .meter_link_job(token)
        .await?
        .ok_or(crate::error::AppError::NotFound)
}

async fn link_booking_jobs(
    state: &AppState,
    token: &str,
    job: i64,
) -> Result<Vec<BookingJob>, crate::error::AppError> {
    let j = state
        .services
        .indoor_job(services::campaign::Booker::Link, job)
        .await?;
    Ok(vec![booking_job(&j, format!("/matarbyte/{token}"))])
}

pub async fn link_booking(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    let jobs = link_booking_jobs(&state, &token, job).await?;
    booking_page(&state, &ctx, jobs, None, vec![], false).await
}

pub async fn link_booking_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> PageResult {
    let job = link_job(&state, &token).await?;
    let r = match parse_window(form.get("window")) {
        Some((date, start)) => state
            .services
            .book_indoor_window(services::campaign::Booker::Link, job, date, start)
            .await
            .map(Some),
        None => Ok(None),
    };
    let jobs = link_booking_jobs(&state, &token, job).await?;
    match r {
        Ok(Some(w)) => {
            let msg = views::translate(ctx.lang, "booking-done", &[("window", window_label(&w))]);
            booking_page(&state, &ctx, jobs, Some(msg), vec![], false).await
        }
        Ok(None) => {
            let e = field_error(&format!("window-{job}"), ctx.t("booking-choose"));
            booking_page(&state, &ctx, jobs, None, e, false).await
        }
        Err(ServiceError::Conflict(_)) => {
            let e = field_error(&format!("window-{job}"), ctx.t("booking-taken"));
            booking_page(&state, &ctx, jobs, None, e, false).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/static/plan.js", Access::Public, plan_script),
        route!(get, "/kampanj", Access::Roles(PLANNERS), planner_page),
        route!(post, "/kampanj", Access::Roles(PLANNERS), open),
        route!(get, "/kampanj/framsteg", Access::Roles(PROGRESS), progress),
        route!(
            get,
            "/kampanj/framsteg.csv",
            Access::Roles(PROGRESS),
            progress_csv
        ),
        route!(
            post,
            "/kampanj/aviseringar",
            Access::Roles(PLANNERS),
            notices
        ),
        route!(post, "/kampanj/planera", Access::Roles(PLANNERS), plan),
        route!(
            get,
            "/kampanj/planering",
            Access::Roles(PLANNERS),
            plan_status
        ),
        route!(
            get,
            "/kampanj/planering.json",
            Access::Roles(PLANNERS),
            plan_status_json
        ),
        route!(post, "/kampanj/avsluta", Access::Roles(PLANNERS), close),
        route!(
            post,
            "/kampanj/jobb/{id}/fast",
            Access::Roles(PLANNERS),
            pin
        ),
        route!(post, "/kampanj/klassa", Access::Roles(PLANNERS), classify),
        route!(post, "/kampanj/lag", Access::Roles(PLANNERS), add_crew),
        route!(
            post,
            "/kampanj/lag/{id}/ledig",
            Access::Roles(PLANNERS),
            day_off
        ),
        route!(get, "/tekniker", Access::Roles(WORK_LIST), work_list),
        route!(
            post,
            "/tekniker/jobb/{id}/klar",
            Access::Roles(TECHNICIANS),
            job_done
        ),
        route!(
            post,
            "/tekniker/jobb/{id}/misslyckad",
            Access::Roles(TECHNICIANS),
            job_failed
        ),
        route!(
            get,
            "/kunder/{id}/matarbyte",
            Access::Roles(CALLER_BOOKERS),
            caller_booking
        ),
        route!(
            post,
            "/kunder/{id}/matarbyte/{job}/boka",
            Access::Roles(CALLER_BOOKERS),
            caller_booking_submit
        ),
        route!(
            get,
            "/mina-sidor/matarbyte",
            Access::Roles(CUSTOMER),
            my_booking
        ),
        route!(
            post,
            "/mina-sidor/matarbyte/{id}/boka",
            Access::Roles(CUSTOMER),
            my_booking_submit
        ),
        route!(get, "/matarbyte/{token}", Access::Public, link_booking),
        route!(
            post,
            "/matarbyte/{token}",
            Access::Public,
            link_booking_submit
        ),
    ]
}

//! The technician's work list: the crew's stops of a day in route order, with navigation
//! links, and the forms that record an exchange done or a visit failed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::campaign::{FailReason, JobStatus, RoutineStep};
use domain::ids::{CampaignJobId, CrewId};
use domain::meter::MeterKind;
use domain::problem::Invalid;
use domain::role::Role;
use services::ServiceError;
use services::campaign::StopRow;
use services::campaign::{DoneForm, hhmm};
use views::campaign::{RemovedStop, WorkListPage, WorkStop};
use views::map::{DayMap, MapRoute, MapStop, StopMark};
use views::pages::FieldError;

use super::common::field_error;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};

#[derive(serde::Deserialize, Default)]
pub struct WorkQuery {
    #[serde(default)]
    lag: Option<CrewId>,
    #[serde(default)]
    dag: Option<String>,
    #[serde(default)]
    klart: Option<String>,
}

fn work_stop(number: usize, s: StopRow) -> WorkStop {
    let lat = s.lat_e6 as f64 / 1e6;
    let lon = s.lon_e6 as f64 / 1e6;
    let mark = match s.status {
        JobStatus::Done => StopMark::Done,
        JobStatus::Failed => StopMark::Failed,
        _ if s.window_start_min.is_some() || s.status == JobStatus::Booked => StopMark::Booked,
        _ => StopMark::Planned,
    };
    WorkStop {
        number,
        lat,
        lon,
        mark,
        next: false,
        routine: false,
        id: s.id,
        seq: s.seq.unwrap_or(0),
        arrive: hhmm(s.arrive_min.unwrap_or(0)),
        window: s
            .window_start_min
            .zip(s.window_end_min)
            .map(|(a, b)| format!("{}–{}", hhmm(a), hhmm(b))),
        address: format!("{}, {} {}", s.street, s.postal_code, s.city),
        nav: format!("geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}"),
        customer: s.customer_name,
        phone: s.customer_phone.unwrap_or_default(),
        meter: s.anlaggnings_id,
        meter_number: s.meter_number,
        placement: s.placement,
        ct: s.meter_kind == MeterKind::Ct,
        status: s.status,
        failure: s.failure_reason,
        new_meter_number: s.new_meter_number,
    }
}

async fn work_page(
    state: &AppState,
    ctx: &Ctx,
    q: &WorkQuery,
    errors: Vec<FieldError>,
    error_stop: Option<CampaignJobId>,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let day = q
        .dag
        .as_deref()
        .and_then(|d| domain::time::parse_date(d).ok())
        .unwrap_or_else(|| state.services.today());
    let (crew, depot, mut stops, removed): (_, _, Vec<WorkStop>, Vec<RemovedStop>) = match state
        .services
        .campaign()
        .work_list(&actor, q.lag, day)
        .await
    {
        Ok(w) => (
            Some(w.crew_name),
            Some((w.depot_e6.0 as f64 / 1e6, w.depot_e6.1 as f64 / 1e6)),
            w.stops
                .into_iter()
                .enumerate()
                .map(|(i, s)| WorkStop {
                    routine: w.routine && s.tier == 2,
                    ..work_stop(i + 1, s)
                })
                .collect(),
            w.removed
                .into_iter()
                .map(|r| RemovedStop {
                    time: r.arrive_min.map(services::campaign::hhmm),
                    address: format!("{}, {} {}", r.street, r.postal_code, r.city),
                })
                .collect(),
        ),
        // A technician not yet in a crew sees an empty day, not an error.
        Err(ServiceError::NotFound) if actor.role == Some(Role::Technician) => {
            (None, None, vec![], vec![])
        }
        Err(e) => return Err(e.into()),
    };
    let result = match q.klart.as_deref() {
        Some("klar") => Some(ctx.t("work-saved-done")),
        Some("misslyckad") => Some(ctx.t("work-saved-failed")),
        _ => None,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if let Some(next) = stops.iter_mut().find(|s| s.status.is_placed()) {
        next.next = true;
    }
    let map = (!stops.is_empty()).then(|| day_map(crew.as_deref(), depot, &stops));
    let map = map.map(|m| m.view(&ctx.t("work-map"), crate::map::tiles(state)));
    let page = WorkListPage {
        layout: ctx.layout(state, "work-title").await,
        map,
        day: day.to_string(),
        reasons: if crew.is_some() { FailReason::ALL } else { &[] },
        crew,
        stops,
        result,
        errors,
        error_stop,
        removed,
        routine_steps: RoutineStep::ALL,
    };
    render(status, &page)
}

/// The crew's route of the day, the next stop highlighted.
fn day_map(crew: Option<&str>, depot: Option<(f64, f64)>, stops: &[WorkStop]) -> DayMap {
    DayMap {
        routes: vec![MapRoute {
            label: crew.unwrap_or_default().to_owned(),
            colour: views::map::crew_colour(0),
            depot,
            stops: stops
                .iter()
                .map(|s| MapStop {
                    number: s.number,
                    anchor: format!("stop-{}", s.id),
                    lat: s.lat,
                    lon: s.lon,
                    mark: s.mark,
                    next: s.next,
                    title: format!("{}. {}", s.number, s.address),
                })
                .collect(),
        }],
        ..DayMap::default()
    }
}

pub async fn work_list(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<axum::extract::Query<WorkQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|q| q.0).unwrap_or_default();
    work_page(&state, &ctx, &q, vec![], None).await
}

/// The day of the work list a form was sent from, when it is a date.
fn form_day(form: &FormData) -> Option<String> {
    domain::time::parse_date(form.get("dag").trim())
        .ok()
        .map(|d| d.to_string())
}

pub async fn job_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let job = CampaignJobId::new(parse_id(&id)?);
    let done = DoneForm {
        old_reading: form.get("old_reading").to_owned(),
        new_meter_number: form.get("new_meter_number").to_owned(),
        new_reading: form.get("new_reading").to_owned(),
        routine_followed: form.get("routine") == "ja",
    };
    let day = form_day(&form);
    match state
        .services
        .campaign()
        .complete_job(&actor, job, &done)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/tekniker?dag={}&klart=klar#stop-{job}",
            day.as_deref().unwrap_or_default()
        ))),
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            let q = WorkQuery {
                dag: day,
                ..Default::default()
            };
            let e = field_error(&format!("{field}-{job}"), &problem, &ctx);
            work_page(&state, &ctx, &q, e, Some(job)).await
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
    let job = CampaignJobId::new(parse_id(&id)?);
    let reason = FailReason::parse(form.get("reason")).ok_or(AppError::BadRequest)?;
    state
        .services
        .campaign()
        .fail_job(&actor, job, reason)
        .await?;
    Ok(see_other(&format!(
        "/tekniker?dag={}&klart=misslyckad#stop-{job}",
        form_day(&form).as_deref().unwrap_or_default()
    )))
}

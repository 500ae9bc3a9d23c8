//! Staff pages of the customer centre: booking for a caller, the desk (the day per desk,
//! check-in, no-show, cancel, walk-ins) and the site settings.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::{SiteId, SiteServiceId, VisitId};
use domain::problem::{Invalid, Problem};
use domain::time::parse_date;
use domain::visits::{VisitError, VisitStatus, parse_time};
use jiff::civil::{Date, Time};
use services::ServiceError;
use services::visits::Visits;
use services::visits::roles::{DESK, SITE_ADMINS};
use services::visits::{
    BookingError, CHECK_IN_EARLY_MINUTES, CapReport, DeskDay, NO_SHOW_AFTER_MINUTES, NewService,
    NewSite, SiteSettings, VisitRow,
};
use views::Lang;
use views::pages::FieldError;
use views::visits::{
    Choice, DeskColumn, DeskLine, DeskPage, ExceptionLine, HoursLine, ServiceAdminLine,
    SiteSettingsPage, WaitLine,
};

use super::booking::{self, BookQuery, Flavour, Shown};
use super::{conflict_text, num, time_of};
use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
use crate::routes::RouteSpec;

const MINUTE: i64 = 60_000_000;

// ---- booking for a caller -----------------------------------------------------------------

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = booking::choose(&state, &q).await?;
    booking::page(&state, &ctx, Flavour::Agent, &c, Shown::blank()).await
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::submit(&state, &ctx, Flavour::Agent, &form).await
}

pub async fn waitlist(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    booking::join_waitlist(&state, &ctx, Flavour::Agent, &form).await
}

// ---- the desk -----------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct DeskQuery {
    #[serde(default)]
    kundcenter: Option<String>,
    #[serde(default)]
    dag: Option<String>,
}

/// A visitor's name as the desk shows it (a walk-in may have none).
fn visitor(lang: Lang, v: &VisitRow) -> String {
    if v.name.trim().is_empty() {
        views::translate(lang, "desk-walk-in-anonymous", &[])
    } else {
        v.name.clone()
    }
}

/// The desk's line of one visit, with what may be done with it now.
async fn desk_line(
    state: &AppState,
    lang: Lang,
    day: &DeskDay,
    v: &VisitRow,
) -> Result<DeskLine, AppError> {
    let now = state.services.now_micros();
    let booked = v.status == VisitStatus::Booked;
    Ok(DeskLine {
        id: v.id.get(),
        time: format!(
            "{}–{}",
            time_of(v.starts_at, state),
            time_of(v.ends_at, state)
        ),
        name: visitor(lang, v),
        phone: v.phone.clone(),
        service: day
            .service(v.service_id)
            .map(|s| s.name(lang).to_owned())
            .unwrap_or_default(),
        party: v.party,
        status: views::label(lang, v.status),
        source: views::label(lang, v.source),
        flagged: v.flagged_at.is_some(),
        can_check_in: booked
            && now >= v.starts_at - CHECK_IN_EARLY_MINUTES * MINUTE
            && now < v.ends_at,
        can_no_show: booked && now >= v.starts_at + NO_SHOW_AFTER_MINUTES * MINUTE,
        can_cancel: v.status.is_open() && v.starts_at > now,
        link: state.services.visits().visit_link(v.id).await?,
    })
}

/// The day's visits per desk (the last column: visits without a desk), and the flagged ones.
async fn columns(
    state: &AppState,
    lang: Lang,
    day: &DeskDay,
) -> Result<(Vec<DeskColumn>, Vec<DeskLine>), AppError> {
    let now = state.services.now_micros();
    let mut columns: Vec<DeskColumn> = (1..=day.desks)
        .map(|d| DeskColumn {
            desk: Some(d),
            lines: Vec::new(),
        })
        .collect();
    let mut unassigned = DeskColumn {
        desk: None,
        lines: Vec::new(),
    };
    let mut flagged = Vec::new();
    for dv in &day.visits {
        let line = desk_line(state, lang, day, &dv.visit).await?;
        if line.flagged && dv.visit.starts_at > now {
            flagged.push(line.clone());
        }
        match dv.desk.and_then(|d| columns.get_mut(d as usize - 1)) {
            Some(col) => col.lines.push(line),
            None => unassigned.lines.push(line),
        }
    }
    if !unassigned.lines.is_empty() {
        columns.push(unassigned);
    }
    Ok((columns, flagged))
}

/// What the desk page says besides the day: done, or why not.
enum Said {
    Nothing,
    Done(String),
    Refused(String),
}

async fn desk_page(
    state: &AppState,
    ctx: &Ctx,
    site: Option<SiteId>,
    date: Option<Date>,
    said: Said,
    status: StatusCode,
) -> PageResult {
    let visits = state.services.visits();
    let sites = visits.sites().await?;
    let site_id = site
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
        .ok_or(AppError::NotFound)?;
    let date = date.unwrap_or_else(|| state.services.today());
    let day = visits.desk_day(site_id, date).await?;
    let (columns, flagged) = columns(state, ctx.lang, &day).await?;
    let (message, error) = match said {
        Said::Nothing => (None, None),
        Said::Done(m) => (Some(m), None),
        Said::Refused(e) => (None, Some(e)),
    };
    let active = day.site.services.iter().filter(|s| s.active);
    render(
        status,
        &DeskPage {
            layout: ctx.layout(state, "desk-title").await,
            sites: sites
                .iter()
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: s.name.clone(),
                    selected: s.id == site_id,
                })
                .collect(),
            site_id: site_id.get(),
            site_name: day.site.site.name.clone(),
            date: date.to_string(),
            prev: date.yesterday().unwrap_or(date).to_string(),
            next: date.tomorrow().unwrap_or(date).to_string(),
            desks: day.desks,
            cap: day.cap,
            columns,
            waitlist: day
                .waitlist
                .iter()
                .map(|w| WaitLine {
                    name: w.name.clone(),
                    phone: w.phone.clone(),
                    service: day
                        .service(w.service_id)
                        .map(|s| s.name(ctx.lang).to_owned())
                        .unwrap_or_default(),
                    party: w.party,
                    status: views::label(ctx.lang, w.status),
                })
                .collect(),
            flagged,
            walk_in_allowed: day.walk_in_allowed,
            services: active
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: s.name(ctx.lang).to_owned(),
                    selected: false,
                })
                .collect(),
            no_shows: day.no_shows_30d.0,
            due: day.no_shows_30d.1,
            message,
            error,
        },
    )
}

pub async fn desk(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<DeskQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let date = q.dag.as_deref().and_then(|d| parse_date(d.trim()).ok());
    let site = num(q.kundcenter.as_deref()).map(SiteId::new);
    desk_page(&state, &ctx, site, date, Said::Nothing, StatusCode::OK).await
}

/// What the desk does with one visit.
#[derive(Clone, Copy)]
enum DeskAction {
    CheckIn,
    NoShow,
    Cancel,
}

impl DeskAction {
    /// The message saying it is done (`{ $name }` is the visitor).
    fn done_key(self) -> &'static str {
        match self {
            DeskAction::CheckIn => "desk-checked-in",
            DeskAction::NoShow => "desk-marked-no-show",
            DeskAction::Cancel => "desk-cancelled",
        }
    }
}

async fn desk_action(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    form: &FormData,
    action: DeskAction,
) -> PageResult {
    let id = VisitId::new(parse_id(id)?);
    let actor = ctx.user()?.actor(&ctx.address);
    let visits = state.services.visits();
    let result = match action {
        DeskAction::CheckIn => visits.check_in(&actor, id).await,
        DeskAction::NoShow => visits.mark_no_show(&actor, id).await,
        DeskAction::Cancel => visits.cancel(&actor, id).await,
    };
    let date = parse_date(form.get("dag").trim()).ok();
    match result {
        Ok(v) => {
            let name = visitor(ctx.lang, &v);
            let done = views::translate(ctx.lang, action.done_key(), &[("name", name)]);
            desk_page(
                state,
                ctx,
                Some(v.site_id),
                date,
                Said::Done(done),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let text = conflict_text(ctx.lang, e)?;
            desk_page(
                state,
                ctx,
                None,
                date,
                Said::Refused(text),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, DeskAction::CheckIn).await
}

pub async fn no_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, DeskAction::NoShow).await
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, DeskAction::Cancel).await
}

pub async fn walk_in(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = SiteId::new(num(Some(form.get("kundcenter"))).unwrap_or(0));
    let service = SiteServiceId::new(num(Some(form.get("tjanst"))).unwrap_or(0));
    let party = num(Some(form.get("antal")))
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(1);
    let result = state
        .services
        .visits()
        .walk_in(&actor, site, service, party, form.get("name"))
        .await;
    let (said, status) = match result {
        Ok(v) => {
            let name = visitor(ctx.lang, &v);
            let done = views::translate(ctx.lang, "desk-walked-in", &[("name", name)]);
            (Said::Done(done), StatusCode::OK)
        }
        // Full at the desk means now: nobody more may be let in.
        Err(BookingError::Full) => (
            Said::Refused(ctx.t("desk-walk-in-full")),
            StatusCode::CONFLICT,
        ),
        Err(e) => {
            let (status, err) = booking::refusal(ctx.lang, e)?;
            (Said::Refused(err.message), status)
        }
    };
    desk_page(&state, &ctx, Some(site), None, said, status).await
}

// ---- site settings ------------------------------------------------------------------------

/// Parses `09:00-12:00 3, 13:00-16:00 3` (desks default to all desks).
fn parse_spans(s: &str, desks: i64) -> Result<Vec<(Time, Time, u32)>, Problem> {
    let mut out = Vec::new();
    for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (range, d) = match part.split_once(char::is_whitespace) {
            Some((r, d)) => (r.trim(), d.trim()),
            None => (part, ""),
        };
        let (o, c) = range
            .split_once(['-', '–'])
            .ok_or(Problem::Visits(VisitError::SpanFormat))?;
        let opens = parse_time(o).ok_or(Problem::NotATime)?;
        let closes = if c.trim() == "24:00" {
            Time::new(23, 59, 59, 999_999_999).unwrap_or(Time::midnight())
        } else {
            parse_time(c).ok_or(Problem::NotATime)?
        };
        let staffed = if d.is_empty() {
            u32::try_from(desks).unwrap_or(1)
        } else {
            d.parse::<u32>().map_err(|_| Problem::NotANumber)?
        };
        out.push((opens, closes, staffed));
    }
    Ok(out)
}

/// A stored opening span: opens and closes in minutes of the day (none when closed), desks.
type StoredSpan = (Option<i64>, Option<i64>, i64);

fn spans_text(rows: &[StoredSpan]) -> String {
    rows.iter()
        .filter_map(|(o, c, d)| {
            let (o, c) = ((*o)?, (*c)?);
            Some(format!(
                "{:02}:{:02}-{:02}:{:02} {d}",
                o / 60,
                o % 60,
                c / 60,
                c % 60
            ))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The page with no site yet: it still offers the form to create one.
fn empty_settings(
    layout: views::Layout,
    message: Option<String>,
    errors: Vec<FieldError>,
) -> SiteSettingsPage {
    SiteSettingsPage {
        layout,
        sites: vec![],
        site_id: 0,
        name: String::new(),
        phone: String::new(),
        desks: 0,
        lead_minutes: 0,
        horizon_days: 0,
        slot_step_minutes: 0,
        closed_on_holidays: true,
        hours: vec![],
        exceptions: vec![],
        services: vec![],
        cap_now: 0,
        message,
        errors,
    }
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    site: Option<SiteId>,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let visits = state.services.visits();
    let sites = visits.sites().await?;
    let layout = ctx.layout(state, "site-title").await;
    let Some(site_id) = site
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
    else {
        return render(status, &empty_settings(layout, message, errors));
    };
    let view = visits.site_view(site_id).await?;
    let caps = visits.caps().await?;
    let exceptions = exception_lines(&visits, site_id, state.services.today()).await?;
    let s = &view.site;
    let hours = (1..=7)
        .map(|wd| HoursLine {
            weekday: wd,
            name_key: format!("weekday-{wd}"),
            spans: spans_text(
                &view
                    .hours
                    .iter()
                    .filter(|h| h.weekday == wd)
                    .map(|h| (Some(h.opens_min), Some(h.closes_min), h.staffed_desks))
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    render(
        status,
        &SiteSettingsPage {
            layout,
            sites: sites
                .iter()
                .map(|x| Choice {
                    value: x.id.to_string(),
                    label: x.name.clone(),
                    selected: x.id == site_id,
                })
                .collect(),
            site_id: site_id.get(),
            name: s.name.clone(),
            phone: s.phone.clone(),
            desks: s.desks,
            lead_minutes: s.lead_minutes,
            horizon_days: s.horizon_days,
            slot_step_minutes: s.slot_step_minutes,
            closed_on_holidays: s.closed_on_holidays,
            hours,
            exceptions,
            services: view
                .services
                .iter()
                .map(|x| ServiceAdminLine {
                    code: x.code.clone(),
                    name_sv: x.name_sv.clone(),
                    name_en: x.name_en.clone(),
                    minutes: x.duration_minutes,
                    active: x.active,
                })
                .collect(),
            cap_now: caps.cap_at(state.services.now_micros()),
            message,
            errors,
        },
    )
}

/// The dates with other hours from `today` on, one line per date.
async fn exception_lines(
    visits: &Visits,
    site_id: SiteId,
    today: Date,
) -> Result<Vec<ExceptionLine>, AppError> {
    let rows = visits.site_exceptions(site_id, today).await?;
    let mut by_day: Vec<(Date, Vec<StoredSpan>, String)> = Vec::new();
    for r in rows {
        match by_day.last_mut() {
            Some((d, spans, _)) if *d == r.day => {
                spans.push((r.opens_min, r.closes_min, r.staffed_desks))
            }
            _ => by_day.push((
                r.day,
                vec![(r.opens_min, r.closes_min, r.staffed_desks)],
                r.note.clone(),
            )),
        }
    }
    Ok(by_day
        .into_iter()
        .map(|(day, spans, note)| ExceptionLine {
            day: day.to_string(),
            spans: spans_text(&spans),
            note,
        })
        .collect())
}

#[derive(serde::Deserialize, Default)]
pub struct SiteQuery {
    #[serde(default)]
    kundcenter: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<SiteQuery>, QueryRejection>,
) -> PageResult {
    let site = q
        .ok()
        .and_then(|Query(q)| num(q.kundcenter.as_deref()))
        .map(SiteId::new);
    settings_page(&state, &ctx, site, None, vec![], StatusCode::OK).await
}

fn saved(ctx: &Ctx, report: Option<&CapReport>) -> String {
    match report {
        Some(r) if !r.flagged.is_empty() => views::translate(
            ctx.lang,
            "site-saved-flagged",
            &[("count", r.flagged.len().to_string())],
        ),
        _ => ctx.t("saved"),
    }
}

fn field_error(lang: Lang, e: ServiceError) -> Result<FieldError, AppError> {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => Ok(FieldError {
            field: field.to_owned(),
            message: views::explain(lang, &problem),
        }),
        ServiceError::Conflict(p) => Ok(FieldError {
            field: "name".into(),
            message: views::explain(lang, &p),
        }),
        other => Err(other.into()),
    }
}

async fn settings_result(
    state: &AppState,
    ctx: &Ctx,
    site: Option<SiteId>,
    r: Result<Option<CapReport>, ServiceError>,
) -> PageResult {
    match r {
        Ok(rep) => {
            let m = saved(ctx, rep.as_ref());
            settings_page(state, ctx, site, Some(m), vec![], StatusCode::OK).await
        }
        Err(e) => {
            let f = field_error(ctx.lang, e)?;
            settings_page(
                state,
                ctx,
                site,
                None,
                vec![f],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn int_field(form: &FormData, name: &'static str) -> Result<i64, ServiceError> {
    form.get(name)
        .trim()
        .parse::<i64>()
        .map_err(|_| ServiceError::invalid(name, Problem::NotANumber))
}

fn site_of(form: &FormData) -> Option<SiteId> {
    num(Some(form.get("kundcenter"))).map(SiteId::new)
}

pub async fn settings_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = site_of(&form);
    let r = async {
        let s = SiteSettings {
            phone: form.get("phone").trim(),
            desks: int_field(&form, "desks")?,
            lead_minutes: int_field(&form, "lead_minutes")?,
            horizon_days: int_field(&form, "horizon_days")?,
            slot_step_minutes: int_field(&form, "slot_step_minutes")?,
            closed_on_holidays: form.get("closed_on_holidays") == "1",
        };
        state
            .services
            .visits()
            .update_site_settings(&actor, site.unwrap_or(SiteId::new(0)), &s)
            .await
            .map(Some)
    }
    .await;
    settings_result(&state, &ctx, site, r).await
}

pub async fn settings_hours(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = site_of(&form);
    let r = async {
        let visits = state.services.visits();
        let view = visits.site_view(site.unwrap_or(SiteId::new(0))).await?;
        let spans = parse_spans(form.get("spans"), view.site.desks)
            .map_err(|p| ServiceError::invalid("hours", p))?;
        let weekday = int_field(&form, "weekday")?;
        visits
            .set_site_hours(&actor, view.site.id, weekday, &spans)
            .await
            .map(Some)
    }
    .await;
    settings_result(&state, &ctx, site, r).await
}

pub async fn settings_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = site_of(&form);
    let r = async {
        let visits = state.services.visits();
        let view = visits.site_view(site.unwrap_or(SiteId::new(0))).await?;
        let day =
            parse_date(form.get("day").trim()).map_err(|e| ServiceError::invalid("day", e))?;
        if form.get("remove") == "1" {
            return visits
                .remove_site_exception(&actor, view.site.id, day)
                .await
                .map(Some);
        }
        let spans = parse_spans(form.get("spans"), view.site.desks)
            .map_err(|p| ServiceError::invalid("ex-spans", p))?;
        visits
            .set_site_exception(&actor, view.site.id, day, &spans, form.get("note"))
            .await
            .map(Some)
    }
    .await;
    settings_result(&state, &ctx, site, r).await
}

pub async fn settings_service(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = site_of(&form);
    let r = async {
        let minutes = int_field(&form, "duration_minutes")?;
        state
            .services
            .visits()
            .save_site_service(
                &actor,
                site.unwrap_or(SiteId::new(0)),
                &NewService {
                    code: form.get("code").trim(),
                    name_sv: form.get("name_sv").trim(),
                    name_en: form.get("name_en").trim(),
                    duration_minutes: minutes,
                    active: form.get("active") == "1",
                },
            )
            .await
            .map(|_| None)
    }
    .await;
    settings_result(&state, &ctx, site, r).await
}

pub async fn settings_new_site(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let r = async {
        let desks = int_field(&form, "desks")?;
        state
            .services
            .visits()
            .create_site(
                &actor,
                &NewSite {
                    name: form.get("name").to_owned(),
                    street: form.get("street").to_owned(),
                    postal_code: form.get("postal_code").to_owned(),
                    city: form.get("city").to_owned(),
                    desks,
                },
            )
            .await
    }
    .await;
    match r {
        Ok(id) => Ok(see_other(&format!(
            "/kundcenter/installningar?kundcenter={id}"
        ))),
        Err(e) => {
            let f = field_error(ctx.lang, e)?;
            settings_page(
                &state,
                &ctx,
                None,
                None,
                vec![f],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Booking for a caller and the desk (agents), the site settings (site administrators).
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/kundcenter", Access::Roles(DESK), desk),
        route!(get, "/kundcenter/boka", Access::Roles(DESK), form),
        route!(post, "/kundcenter/boka", Access::Roles(DESK), submit),
        route!(post, "/kundcenter/boka/ko", Access::Roles(DESK), waitlist),
        route!(
            post,
            "/kundcenter/besok/{id}/incheckning",
            Access::Roles(DESK),
            check_in
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/utebliven",
            Access::Roles(DESK),
            no_show
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/avboka",
            Access::Roles(DESK),
            cancel
        ),
        route!(
            post,
            "/kundcenter/spontanbesok",
            Access::Roles(DESK),
            walk_in
        ),
        route!(
            get,
            "/kundcenter/installningar",
            Access::Roles(SITE_ADMINS),
            settings
        ),
        route!(
            post,
            "/kundcenter/installningar",
            Access::Roles(SITE_ADMINS),
            settings_submit
        ),
        route!(
            post,
            "/kundcenter/installningar/oppettider",
            Access::Roles(SITE_ADMINS),
            settings_hours
        ),
        route!(
            post,
            "/kundcenter/installningar/undantag",
            Access::Roles(SITE_ADMINS),
            settings_exception
        ),
        route!(
            post,
            "/kundcenter/installningar/tjanster",
            Access::Roles(SITE_ADMINS),
            settings_service
        ),
        route!(
            post,
            "/kundcenter/installningar/nytt",
            Access::Roles(SITE_ADMINS),
            settings_new_site
        ),
    ]
}

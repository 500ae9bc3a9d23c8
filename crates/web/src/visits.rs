//! Pages of the customer centre: public booking, the visit's link page, the portal's visits,
//! the desk view and the site settings.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::customer::Language;
use domain::time::{civil_date, format_date, from_micros, parse_date};
use domain::visits::{MAX_PARTY, parse_time};
use jiff::civil::{Date, Time};
use services::ServiceError;
use services::visits::{BookingError, BookingRequest, SiteView, Source, VisitRow};
use views::Lang;
use views::pages::FieldError;
use views::visits::*;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
use crate::routes::RouteSpec;
#[allow(unused_imports)]
use crate::routes::{DESK, SITE_ADMINS};
use services::auth::roles::CUSTOMER;

/// Query of the booking pages (Swedish names, as in the addresses people see).
#[derive(serde::Deserialize, Default)]
pub struct BookQuery {
    #[serde(default)]
    kundcenter: Option<String>,
    #[serde(default)]
    tjanst: Option<String>,
    #[serde(default)]
    antal: Option<String>,
    #[serde(default)]
    dag: Option<String>,
}

fn num(s: Option<&str>) -> Option<i64> {
    s.and_then(|v| v.trim().parse().ok())
}

/// Which booking page: the public one, the portal's, or an agent's for a caller.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Public,
    Portal,
    Agent,
}

impl Flavour {
    fn base(self) -> &'static str {
        match self {
            Flavour::Public => "/besok",
            Flavour::Portal => "/mina-sidor/besok/boka",
            Flavour::Agent => "/kundcenter/boka",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Flavour::Public => "visit-book-public-title",
            Flavour::Portal => "visit-book-portal-title",
            Flavour::Agent => "visit-book-agent-title",
        }
    }

    fn source(self) -> Source {
        match self {
            Flavour::Public => Source::Public,
            Flavour::Portal => Source::Portal,
            Flavour::Agent => Source::Agent,
        }
    }
}

fn service_name(lang: Lang, s: &services::visits::ServiceRow) -> String {
    match lang {
        Lang::Sv => s.name_sv.clone(),
        Lang::En => s.name_en.clone(),
    }
}

/// The next open days within the horizon, for the day chooser.
fn open_days(state: &AppState, view: &SiteView, selected: &str) -> Vec<Choice> {
    let today = state.services.today();
    let mut out = Vec::new();
    let mut d = today;
    for _ in 0..=view.site.horizon_days.clamp(0, 365) {
        if !view.rules.spans_on(d).is_empty() {
            let value = d.to_string();
            out.push(Choice {
                label: day_label(d),
                selected: value == selected,
                value,
            });
        }
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

fn day_label(d: Date) -> String {
    const DAYS: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
    format!(
        "{} {}",
        DAYS[domain::visits::weekday_index(d.weekday())],
        format_date(d)
    )
}

fn time_of(micros: i64, state: &AppState) -> String {
    let t = state.services.tz().to_datetime(from_micros(micros));
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn when(micros: i64, state: &AppState) -> String {
    domain::time::format_datetime(from_micros(micros), state.services.tz())
}

struct Chosen {
    view: SiteView,
    service_id: i64,
    party: u32,
    day: Option<Date>,
}

async fn choose(state: &AppState, q: &BookQuery) -> Result<Chosen, AppError> {
    let sites = state.services.sites().await?;
    let site_id = num(q.kundcenter.as_deref())
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
        .ok_or(AppError::NotFound)?;
    let view = state.services.site_view(site_id).await?;
    let service_id = num(q.tjanst.as_deref())
        .filter(|id| view.service(*id).is_some())
        .or_else(|| view.services.iter().find(|s| s.active).map(|s| s.id))
        .ok_or(AppError::NotFound)?;
    let party = num(q.antal.as_deref())
        .and_then(|p| u32::try_from(p).ok())
        .filter(|p| (1..=MAX_PARTY).contains(p))
        .unwrap_or(1);
    let day = q.dag.as_deref().and_then(|d| parse_date(d.trim()).ok());
    Ok(Chosen {
        view,
        service_id,
        party,
        day,
    })
}

#[allow(clippy::too_many_arguments)]
async fn book_page(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    c: &Chosen,
    contact: (&str, &str, &str),
    errors: Vec<FieldError>,
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let slots = match c.day {
        Some(d) => {
            state
                .services
                .availability(c.view.site.id, c.service_id, d, d, c.party)
                .await?
                .1
        }
        None => Vec::new(),
    };
    let day = c.day.map(|d| d.to_string()).unwrap_or_default();
    let page = BookPage {
        layout: ctx.layout(state, flavour.heading()).await,
        heading_key: flavour.heading(),
        choose_action: flavour.base().to_owned(),
        book_action: flavour.base().to_owned(),
        waitlist_action: (flavour != Flavour::Agent || c.day.is_some())
            .then(|| format!("{}/ko", flavour.base())),
        site_id: c.view.site.id,
        site_name: c.view.site.name.clone(),
        site_address: format!(
            "{}, {} {}",
            c.view.site.street, c.view.site.postal_code, c.view.site.city
        ),
        services: c
            .view
            .services
            .iter()
            .filter(|s| s.active)
            .map(|s| Choice {
                value: s.id.to_string(),
                label: format!("{} ({} min)", service_name(ctx.lang, s), s.duration_minutes),
                selected: s.id == c.service_id,
            })
            .collect(),
        parties: (1..=MAX_PARTY)
            .map(|p| Choice {
                value: p.to_string(),
                label: p.to_string(),
                selected: p == c.party,
            })
            .collect(),
        days: open_days(state, &c.view, &day),
        slots: slots
            .iter()
            .map(|s| SlotLine {
                value: s.start.to_string(),
                time: time_of(s.start, state),
                free_places: s.free_places,
            })
            .collect(),
        day,
        ask_contact: flavour != Flavour::Portal,
        name: contact.0.to_owned(),
        phone: contact.1.to_owned(),
        email: contact.2.to_owned(),
        errors,
        notice,
    };
    render(status, &page)
}

fn query_of(form: &FormData) -> BookQuery {
    BookQuery {
        kundcenter: Some(form.get("kundcenter").to_owned()),
        tjanst: Some(form.get("tjanst").to_owned()),
        antal: Some(form.get("antal").to_owned()),
        dag: Some(form.get("dag").to_owned()),
    }
}

fn booking_error_fields(e: &BookingError, lang: Lang) -> Option<(StatusCode, FieldError)> {
    let (status, field, message) = match e {
        BookingError::Full => (
            StatusCode::CONFLICT,
            "start",
            if lang == Lang::En {
                "That time was just taken. Choose another time.".to_owned()
            } else {
                "Tiden hann bli fullbokad. Välj en annan tid.".to_owned()
            },
        ),
        BookingError::Overlap => (
            StatusCode::CONFLICT,
            "start",
            if lang == Lang::En {
                "You already have a visit at that time.".to_owned()
            } else {
                "Du har redan ett besök på den tiden.".to_owned()
            },
        ),
        BookingError::Invalid { field, message } => {
            (StatusCode::UNPROCESSABLE_ENTITY, *field, message.clone())
        }
        BookingError::Service(_) => return None,
    };
    Some((
        status,
        FieldError {
            field: field.to_owned(),
            message,
        },
    ))
}

async fn submit_booking(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    form: &FormData,
) -> PageResult {
    let c = choose(state, &query_of(form)).await?;
    let actor = ctx.actor();
    let (name, phone, email, customer_id, language) = match flavour {
        Flavour::Portal => {
            let u = ctx.user()?;
            let cid = u
                .customer_id
                .map(domain::ids::CustomerId::get)
                .ok_or(AppError::Forbidden)?;
            let d = state.services.customers().portal_overview(u).await?;
            let c = d.customer;
            (
                c.name,
                c.phone.unwrap_or_default(),
                c.email.unwrap_or_default(),
                Some(cid),
                c.language,
            )
        }
        _ => (
            form.get("name").to_owned(),
            form.get("phone").to_owned(),
            form.get("email").to_owned(),
            None,
            if ctx.lang == Lang::En {
                Language::En
            } else {
                Language::Sv
            },
        ),
    };
    let start = form.get("start").trim().parse::<i64>();
    let Ok(start) = start else {
        let err = FieldError {
            field: "start".into(),
            message: if ctx.lang == Lang::En {
                "Choose a time.".into()
            } else {
                "Välj en tid.".into()
            },
        };
        return book_page(
            state,
            ctx,
            flavour,
            &c,
            (&name, &phone, &email),
            vec![err],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let req = BookingRequest {
        site_id: c.view.site.id,
        service_id: c.service_id,
        start,
        party: c.party,
        name: name.clone(),
        phone: phone.clone(),
        email: Some(email.clone()).filter(|e| !e.trim().is_empty()),
        language,
        customer_id,
        source: flavour.source(),
        idempotency_key: None,
    };
    match state.services.book_visit(&actor, &req).await {
        Ok(b) => match flavour {
            Flavour::Public => render(
                StatusCode::OK,
                &VisitNoticePage {
                    layout: ctx.layout(state, "visit-sent-title").await,
                    heading_key: "visit-sent-title",
                    text: if ctx.lang == Lang::En {
                        format!(
                            "We have sent a link to {}. Open it and confirm within 30 minutes, or the time is released.",
                            if email.trim().is_empty() {
                                &phone
                            } else {
                                &email
                            }
                        )
                    } else {
                        format!(
                            "Vi har skickat en länk till {}. Öppna den och bekräfta inom 30 minuter, annars släpps tiden.",
                            if email.trim().is_empty() {
                                &phone
                            } else {
                                &email
                            }
                        )
                    },
                    back: None,
                },
            ),
            Flavour::Portal => Ok(see_other("/mina-sidor/besok")),
            Flavour::Agent => Ok(see_other(&format!(
                "/kundcenter?kundcenter={}&dag={}&bokad={}",
                b.visit.site_id,
                civil_date(from_micros(b.visit.starts_at), state.services.tz()),
                b.visit.id
            ))),
        },
        Err(e) => match booking_error_fields(&e, ctx.lang) {
            Some((status, field)) => {
                book_page(
                    state,
                    ctx,
                    flavour,
                    &c,
                    (&name, &phone, &email),
                    vec![field],
                    None,
                    status,
                )
                .await
            }
            None => match e {
                BookingError::Service(s) => Err(s.into()),
                _ => Err(AppError::Internal("unreachable booking error".into())),
            },
        },
    }
}

async fn submit_waitlist(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    form: &FormData,
) -> PageResult {
    let c = choose(state, &query_of(form)).await?;
    let (name, phone, email, customer_id) = match flavour {
        Flavour::Portal => {
            let u = ctx.user()?;
            let d = state.services.customers().portal_overview(u).await?;
            (
                d.customer.name,
                d.customer.phone.unwrap_or_default(),
                d.customer.email.unwrap_or_default(),
                u.customer_id.map(domain::ids::CustomerId::get),
            )
        }
        _ => (
            form.get("name").to_owned(),
            form.get("phone").to_owned(),
            form.get("email").to_owned(),
            None,
        ),
    };
    let Some(day) = c.day else {
        return Err(AppError::BadRequest);
    };
    let req = BookingRequest {
        site_id: c.view.site.id,
        service_id: c.service_id,
        start: 0,
        party: c.party,
        name: name.clone(),
        phone: phone.clone(),
        email: Some(email.clone()).filter(|e| !e.trim().is_empty()),
        language: if ctx.lang == Lang::En {
            Language::En
        } else {
            Language::Sv
        },
        customer_id,
        source: flavour.source(),
        idempotency_key: None,
    };
    match state.services.join_waitlist(&req, day).await {
        Ok(w) => render(
            StatusCode::OK,
            &VisitNoticePage {
                layout: ctx.layout(state, "visit-waitlist-title").await,
                heading_key: "visit-waitlist-title",
                text: if w.status == "offered" {
                    if ctx.lang == Lang::En {
                        "A time was free: we have sent you an offer. Accept it within two hours."
                            .into()
                    } else {
                        "En tid var ledig: vi har skickat ett erbjudande. Tacka ja inom två timmar."
                            .into()
                    }
                } else if ctx.lang == Lang::En {
                    format!(
                        "You are on the waitlist for {day}. If a time becomes free we send you an offer."
                    )
                } else {
                    format!("Du står i kö för {day}. Blir en tid ledig skickar vi ett erbjudande.")
                },
                back: Some(flavour.base().to_owned()),
            },
        ),
        Err(e) => match booking_error_fields(&e, ctx.lang) {
            Some((status, field)) => {
                book_page(
                    state,
                    ctx,
                    flavour,
                    &c,
                    (&name, &phone, &email),
                    vec![field],
                    None,
                    status,
                )
                .await
            }
            None => match e {
                BookingError::Service(s) => Err(s.into()),
                _ => Err(AppError::Internal("unreachable booking error".into())),
            },
        },
    }
}

// ---- public booking ---------------------------------------------------------------------------

pub async fn public_form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = choose(&state, &q).await?;
    book_page(
        &state,
        &ctx,
        Flavour::Public,
        &c,
        ("", "", ""),
        vec![],
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn public_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    submit_booking(&state, &ctx, Flavour::Public, &form).await
}

pub async fn public_waitlist(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    submit_waitlist(&state, &ctx, Flavour::Public, &form).await
}

// ---- the visit's link page ----------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    dag: Option<String>,
}

fn summary(state: &AppState, lang: Lang, view: &SiteView, v: &VisitRow) -> VisitSummary {
    VisitSummary {
        when: when(v.starts_at, state),
        service: view
            .services
            .iter()
            .find(|s| s.id == v.service_id)
            .map(|s| service_name(lang, s))
            .unwrap_or_default(),
        party: v.party,
        status: format!("visit-status-{}", v.status),
        place: view.address(),
        flagged: v.flagged_at.is_some(),
        expires: v
            .expires_at
            .filter(|_| matches!(v.status.as_str(), "unconfirmed" | "offered"))
            .map(|e| when(e, state)),
    }
}

async fn manage_page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    day: Option<Date>,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let v = state.services.visit_by_token(token).await?;
    let view = state.services.site_view(v.site_id).await?;
    let now = state.services.now_micros();
    let upcoming = v.starts_at > now;
    let holding = matches!(v.status.as_str(), "unconfirmed" | "offered" | "booked");
    let slots = match day {
        Some(d) if upcoming && holding => {
            state
                .services
                .availability(
                    v.site_id,
                    v.service_id,
                    d,
                    d,
                    u32::try_from(v.party).unwrap_or(1),
                )
                .await?
                .1
        }
        _ => Vec::new(),
    };
    let day_s = day.map(|d| d.to_string()).unwrap_or_default();
    render(
        status,
        &VisitManagePage {
            layout: ctx.layout(state, "visit-manage-title").await,
            token: token.to_owned(),
            visit: summary(state, ctx.lang, &view, &v),
            can_confirm: matches!(v.status.as_str(), "unconfirmed" | "offered")
                && v.expires_at.is_none_or(|e| e > now),
            can_cancel: holding && (upcoming || v.status != "booked"),
            can_rebook: holding && upcoming,
            days: open_days(state, &view, &day_s),
            day: day_s,
            slots: slots
                .iter()
                .map(|s| SlotLine {
                    value: s.start.to_string(),
                    time: time_of(s.start, state),
                    free_places: s.free_places,
                })
                .collect(),
            message,
            error,
        },
    )
}

pub async fn manage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> PageResult {
    let day = q
        .ok()
        .and_then(|Query(q)| q.dag)
        .and_then(|d| parse_date(d.trim()).ok());
    manage_page(&state, &ctx, &token, day, None, None, StatusCode::OK).await
}

fn conflict_text(lang: Lang, e: ServiceError) -> Result<String, AppError> {
    match e {
        ServiceError::Conflict(m) => Ok(views::explain(lang, &m)),
        other => Err(other.into()),
    }
}

/// The link page again after an action: its message, or the conflict that stopped it.
async fn after_action(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    result: Result<VisitRow, ServiceError>,
    done: (&str, &str),
) -> PageResult {
    match result {
        Ok(_) => {
            let m = if ctx.lang == Lang::En { done.1 } else { done.0 };
            manage_page(
                state,
                ctx,
                token,
                None,
                Some(m.into()),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let text = conflict_text(ctx.lang, e)?;
            manage_page(
                state,
                ctx,
                token,
                None,
                None,
                Some(text),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn manage_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let result = state.services.confirm_visit(&token).await;
    after_action(
        &state,
        &ctx,
        &token,
        result,
        (
            "Besöket är bokat. En bekräftelse är på väg.",
            "The visit is booked. A confirmation is on its way.",
        ),
    )
    .await
}

pub async fn manage_cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let v = state.services.visit_by_token(&token).await?;
    let result = state.services.cancel_visit(&ctx.actor(), v.id).await;
    after_action(
        &state,
        &ctx,
        &token,
        result,
        (
            "Besöket är avbokat och tiden är ledig för andra.",
            "The visit is cancelled and the time is free for others.",
        ),
    )
    .await
}

pub async fn manage_rebook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> PageResult {
    let v = state.services.visit_by_token(&token).await?;
    let actor = ctx.actor();
    let Ok(start) = form.get("start").trim().parse::<i64>() else {
        return manage_page(
            &state,
            &ctx,
            &token,
            None,
            None,
            Some(
                if ctx.lang == Lang::En {
                    "Choose a time."
                } else {
                    "Välj en tid."
                }
                .into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state.services.rebook_visit(&actor, v.id, start).await {
        Ok(_) => {
            let m = if ctx.lang == Lang::En {
                "The visit is moved. A new confirmation is on its way."
            } else {
                "Besöket är flyttat. En ny bekräftelse är på väg."
            };
            manage_page(
                &state,
                &ctx,
                &token,
                None,
                Some(m.into()),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (status, text) = match booking_error_fields(&e, ctx.lang) {
                Some((s, f)) => (s, f.message),
                None => match e {
                    BookingError::Service(s) => (StatusCode::CONFLICT, conflict_text(ctx.lang, s)?),
                    _ => return Err(AppError::Internal("unreachable".into())),
                },
            };
            let day = civil_date(from_micros(start), state.services.tz());
            manage_page(&state, &ctx, &token, Some(day), None, Some(text), status).await
        }
    }
}

// ---- portal -------------------------------------------------------------------------------------

pub async fn portal_visits(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let cid = u
        .customer_id
        .map(domain::ids::CustomerId::get)
        .ok_or(AppError::Forbidden)?;
    let rows = state.services.customer_visits(cid).await?;
    let mut views_by_site: HashMap<i64, SiteView> = HashMap::new();
    let mut visits = Vec::new();
    for v in rows
        .iter()
        .filter(|v| !matches!(v.status.as_str(), "expired"))
    {
        if let std::collections::hash_map::Entry::Vacant(e) = views_by_site.entry(v.site_id) {
            e.insert(state.services.site_view(v.site_id).await?);
        }
        let Some(view) = views_by_site.get(&v.site_id) else {
            continue;
        };
        visits.push(MyVisitLine {
            visit: summary(&state, ctx.lang, view, v),
            link: state.services.visit_link(v.id).await?,
        });
    }
    render(
        StatusCode::OK,
        &PortalVisitsPage {
            layout: ctx.layout(&state, "portal-visits-title").await,
            visits,
        },
    )
}

pub async fn portal_form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = choose(&state, &q).await?;
    book_page(
        &state,
        &ctx,
        Flavour::Portal,
        &c,
        ("", "", ""),
        vec![],
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn portal_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    submit_booking(&state, &ctx, Flavour::Portal, &form).await
}

pub async fn portal_waitlist(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    submit_waitlist(&state, &ctx, Flavour::Portal, &form).await
}

// ---- agents: booking for a caller and the desk --------------------------------------------------

pub async fn agent_form(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<BookQuery>, QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = choose(&state, &q).await?;
    book_page(
        &state,
        &ctx,
        Flavour::Agent,
        &c,
        ("", "", ""),
        vec![],
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn agent_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    submit_booking(&state, &ctx, Flavour::Agent, &form).await
}

pub async fn agent_waitlist(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    submit_waitlist(&state, &ctx, Flavour::Agent, &form).await
}

#[derive(serde::Deserialize, Default)]
pub struct DeskQuery {
    #[serde(default)]
    kundcenter: Option<String>,
    #[serde(default)]
    dag: Option<String>,
}

async fn desk_page(
    state: &AppState,
    ctx: &Ctx,
    site: Option<i64>,
    date: Option<Date>,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let sites = state.services.sites().await?;
    let site_id = site
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
        .ok_or(AppError::NotFound)?;
    let date = date.unwrap_or_else(|| state.services.today());
    let day = state.services.desk_day(site_id, date).await?;
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
        let v = &dv.visit;
        let line = DeskLine {
            id: v.id,
            time: format!(
                "{}–{}",
                time_of(v.starts_at, state),
                time_of(v.ends_at, state)
            ),
            name: v.name.clone(),
            phone: v.phone.clone(),
            service: dv.service_name.clone(),
            party: v.party,
            status: format!("visit-status-{}", v.status),
            source: v.source.clone(),
            flagged: v.flagged_at.is_some(),
            can_check_in: v.status == "booked"
                && now >= v.starts_at - services::visits::CHECK_IN_EARLY_MINUTES * 60_000_000
                && now < v.ends_at,
            can_no_show: v.status == "booked"
                && now >= v.starts_at + services::visits::NO_SHOW_AFTER_MINUTES * 60_000_000,
            can_cancel: matches!(v.status.as_str(), "booked" | "unconfirmed" | "offered")
                && v.starts_at > now,
            link: state.services.visit_link(v.id).await?,
        };
        if line.flagged && v.starts_at > now {
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
    let names: HashMap<i64, String> = day
        .site
        .services
        .iter()
        .map(|s| (s.id, service_name(ctx.lang, s)))
        .collect();
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
            site_id,
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
                    service: names.get(&w.service_id).cloned().unwrap_or_default(),
                    party: w.party,
                    status: format!("wait-status-{}", w.status),
                })
                .collect(),
            flagged,
            walk_in_allowed: day.walk_in_allowed,
            services: day
                .site
                .services
                .iter()
                .filter(|s| s.active)
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: service_name(ctx.lang, s),
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
    desk_page(
        &state,
        &ctx,
        num(q.kundcenter.as_deref()),
        date,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

async fn desk_action(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    form: &FormData,
    what: &str,
) -> PageResult {
    let id = parse_id(id)?;
    let actor = ctx.user()?.actor(&ctx.address);
    let result = match what {
        "check_in" => state.services.check_in(&actor, id).await,
        "no_show" => state.services.mark_no_show(&actor, id).await,
        _ => state.services.cancel_visit(&actor, id).await,
    };
    let date = parse_date(form.get("dag").trim()).ok();
    match result {
        Ok(v) => {
            let m = match (what, ctx.lang) {
                ("check_in", Lang::Sv) => format!("{} är incheckad.", v.name),
                ("check_in", Lang::En) => format!("{} is checked in.", v.name),
                ("no_show", Lang::Sv) => format!("{} är markerad som utebliven.", v.name),
                ("no_show", Lang::En) => format!("{} is marked as not come.", v.name),
                (_, Lang::Sv) => format!("Besöket för {} är avbokat.", v.name),
                (_, Lang::En) => format!("The visit of {} is cancelled.", v.name),
            };
            desk_page(
                state,
                ctx,
                Some(v.site_id),
                date,
                Some(m),
                None,
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
                None,
                Some(text),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

pub async fn desk_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, "check_in").await
}

pub async fn desk_no_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, "no_show").await
}

pub async fn desk_cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    desk_action(&state, &ctx, &id, &form, "cancel").await
}

pub async fn desk_walk_in(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = num(Some(form.get("kundcenter"))).unwrap_or(0);
    let service = num(Some(form.get("tjanst"))).unwrap_or(0);
    let party = num(Some(form.get("antal")))
        .and_then(|p| u32::try_from(p).ok())
        .unwrap_or(1);
    match state
        .services
        .walk_in(&actor, site, service, party, form.get("name"))
        .await
    {
        Ok(v) => {
            let m = if ctx.lang == Lang::En {
                format!("{} is registered and checked in.", v.name)
            } else {
                format!("{} är registrerad och incheckad.", v.name)
            };
            desk_page(
                &state,
                &ctx,
                Some(site),
                None,
                Some(m),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (status, text) = match booking_error_fields(&e, ctx.lang) {
                Some((s, f)) => (
                    s,
                    if matches!(e, BookingError::Full) {
                        if ctx.lang == Lang::En {
                            "Full right now: no more people may be let in.".to_owned()
                        } else {
                            "Fullt just nu: fler får inte släppas in.".to_owned()
                        }
                    } else {
                        f.message
                    },
                ),
                None => match e {
                    BookingError::Service(s) => return Err(s.into()),
                    _ => return Err(AppError::Internal("unreachable".into())),
                },
            };
            desk_page(&state, &ctx, Some(site), None, None, Some(text), status).await
        }
    }
}

// ---- site settings ------------------------------------------------------------------------------

/// Parses `09:00-12:00 3, 13:00-16:00 3` (desks default to all desks).
fn parse_spans(s: &str, desks: i64) -> Result<Vec<(Time, Time, u32)>, String> {
    let mut out = Vec::new();
    for part in s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (range, d) = match part.split_once(char::is_whitespace) {
            Some((r, d)) => (r.trim(), d.trim()),
            None => (part, ""),
        };
        let (o, c) = range
            .split_once(['-', '–'])
            .ok_or_else(|| format!("{part:?}: skriv som 09:00-12:00 3"))?;
        let opens = parse_time(o).ok_or_else(|| format!("{o:?} är ingen tid (TT:MM)"))?;
        let closes = if c.trim() == "24:00" {
            Time::new(23, 59, 59, 999_999_999).unwrap_or(Time::midnight())
        } else {
            parse_time(c).ok_or_else(|| format!("{c:?} är ingen tid (TT:MM)"))?
        };
        let staffed = if d.is_empty() {
            u32::try_from(desks).unwrap_or(1)
        } else {
            d.parse::<u32>()
                .map_err(|_| format!("{d:?}: antal bemannade diskar ska vara ett heltal"))?
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

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    site: Option<i64>,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let sites = state.services.sites().await?;
    let Some(site_id) = site
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
    else {
        // No site yet: the page still offers the form to create one.
        return render(
            status,
            &SiteSettingsPage {
                layout: ctx.layout(state, "site-title").await,
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
            },
        );
    };
    let view = state.services.site_view(site_id).await?;
    let caps = state.services.visit_caps().await?;
    let today = state.services.today();
    let exceptions = store_exceptions(state, site_id, today).await?;
    let s = &view.site;
    render(
        status,
        &SiteSettingsPage {
            layout: ctx.layout(state, "site-title").await,
            sites: sites
                .iter()
                .map(|x| Choice {
                    value: x.id.to_string(),
                    label: x.name.clone(),
                    selected: x.id == site_id,
                })
                .collect(),
            site_id,
            name: s.name.clone(),
            phone: s.phone.clone(),
            desks: s.desks,
            lead_minutes: s.lead_minutes,
            horizon_days: s.horizon_days,
            slot_step_minutes: s.slot_step_minutes,
            closed_on_holidays: s.closed_on_holidays,
            hours: (1..=7)
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
                .collect(),
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

async fn store_exceptions(
    state: &AppState,
    site_id: i64,
    today: Date,
) -> Result<Vec<ExceptionLine>, AppError> {
    let rows = state.services.site_exceptions(site_id, today).await?;
    let mut by_day: Vec<(String, Vec<StoredSpan>, String)> = Vec::new();
    for r in rows {
        match by_day.last_mut() {
            Some((d, spans, _)) if *d == r.day => {
                spans.push((r.opens_min, r.closes_min, r.staffed_desks))
            }
            _ => by_day.push((
                r.day.clone(),
                vec![(r.opens_min, r.closes_min, r.staffed_desks)],
                r.note.clone(),
            )),
        }
    }
    Ok(by_day
        .into_iter()
        .map(|(day, spans, note)| ExceptionLine {
            day,
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
    let site = q.ok().and_then(|Query(q)| num(q.kundcenter.as_deref()));
    settings_page(&state, &ctx, site, None, vec![], StatusCode::OK).await
}

fn saved(ctx: &Ctx, report: Option<&services::visits::CapReport>) -> String {
    let base = ctx.t("saved");
    match report {
        Some(r) if !r.flagged.is_empty() => {
            if ctx.lang == Lang::En {
                format!(
                    "{base} {} visits no longer fit and were flagged; their customers are offered new times.",
                    r.flagged.len()
                )
            } else {
                format!(
                    "{base} {} besök får inte längre plats och är flaggade; kunderna erbjuds nya tider.",
                    r.flagged.len()
                )
            }
        }
        _ => base,
    }
}

fn field_error(lang: Lang, e: ServiceError) -> Result<FieldError, AppError> {
    match e {
        ServiceError::Invalid(domain::problem::Invalid { field, problem }) => Ok(FieldError {
            field: field.to_owned(),
            message: views::explain(lang, &problem),
        }),
        ServiceError::Conflict(m) => Ok(FieldError {
            field: "name".into(),
            message: views::explain(lang, &m),
        }),
        other => Err(other.into()),
    }
}

async fn settings_result(
    state: &AppState,
    ctx: &Ctx,
    site: Option<i64>,
    r: Result<Option<services::visits::CapReport>, ServiceError>,
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
        .map_err(|_| ServiceError::invalid(name, "skriv ett heltal"))
}

pub async fn settings_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = num(Some(form.get("kundcenter")));
    let r = async {
        let s = services::visits::SiteSettings {
            phone: form.get("phone").trim(),
            desks: int_field(&form, "desks")?,
            lead_minutes: int_field(&form, "lead_minutes")?,
            horizon_days: int_field(&form, "horizon_days")?,
            slot_step_minutes: int_field(&form, "slot_step_minutes")?,
            closed_on_holidays: form.get("closed_on_holidays") == "1",
        };
        state
            .services
            .update_site_settings(&actor, site.unwrap_or(0), &s)
            .await
            .map(Some)
    }
    .await;
    settings_result(&state, &ctx, site, r).await
}

pub async fn settings_hours(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let site = num(Some(form.get("kundcenter")));
    let r = async {
        let view = state.services.site_view(site.unwrap_or(0)).await?;
        let spans = parse_spans(form.get("spans"), view.site.desks)
            .map_err(|m| ServiceError::invalid("hours", m))?;
        let weekday = int_field(&form, "weekday")?;
        state
            .services
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
    let site = num(Some(form.get("kundcenter")));
    let r = async {
        let view = state.services.site_view(site.unwrap_or(0)).await?;
        let day = parse_date(form.get("day").trim())
            .map_err(|_| ServiceError::invalid("day", "skriv datumet som ÅÅÅÅ-MM-DD"))?;
        if form.get("remove") == "1" {
            return state
                .services
                .remove_site_exception(&actor, view.site.id, day)
                .await
                .map(Some);
        }
        let spans = parse_spans(form.get("spans"), view.site.desks)
            .map_err(|m| ServiceError::invalid("ex-spans", m))?;
        state
            .services
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
    let site = num(Some(form.get("kundcenter")));
    let r = async {
        let minutes = int_field(&form, "duration_minutes")?;
        state
            .services
            .save_site_service(
                &actor,
                site.unwrap_or(0),
                &services::visits::NewService {
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
            .create_site(
                &actor,
                &services::visits::NewSite {
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

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        // Customer centre: the public booking page and the link in every message work without login.
        route!(get, "/besok", Access::Public, public_form),
        route!(post, "/besok", Access::Public, public_submit),
        route!(post, "/besok/ko", Access::Public, public_waitlist),
        route!(get, "/besok/{token}", Access::Public, manage),
        route!(
            post,
            "/besok/{token}/bekrafta",
            Access::Public,
            manage_confirm
        ),
        route!(post, "/besok/{token}/avboka", Access::Public, manage_cancel),
        route!(post, "/besok/{token}/omboka", Access::Public, manage_rebook),
        route!(
            get,
            "/mina-sidor/besok",
            Access::Roles(CUSTOMER),
            portal_visits
        ),
        route!(
            get,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMER),
            portal_form
        ),
        route!(
            post,
            "/mina-sidor/besok/boka",
            Access::Roles(CUSTOMER),
            portal_submit
        ),
        route!(
            post,
            "/mina-sidor/besok/boka/ko",
            Access::Roles(CUSTOMER),
            portal_waitlist
        ),
        route!(get, "/kundcenter", Access::Roles(DESK), desk),
        route!(get, "/kundcenter/boka", Access::Roles(DESK), agent_form),
        route!(post, "/kundcenter/boka", Access::Roles(DESK), agent_submit),
        route!(
            post,
            "/kundcenter/boka/ko",
            Access::Roles(DESK),
            agent_waitlist
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/incheckning",
            Access::Roles(DESK),
            desk_check_in
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/utebliven",
            Access::Roles(DESK),
            desk_no_show
        ),
        route!(
            post,
            "/kundcenter/besok/{id}/avboka",
            Access::Roles(DESK),
            desk_cancel
        ),
        route!(
            post,
            "/kundcenter/spontanbesok",
            Access::Roles(DESK),
            desk_walk_in
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

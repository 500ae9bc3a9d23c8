//! The booking form the public page, the portal and the desk share: choose a service, a party
//! and a day (GET), then a time (POST); or join the day's waitlist when it is full.

use axum::http::StatusCode;
use domain::customer::Language;
use domain::ids::{CustomerId, SiteId, SiteServiceId};
use domain::problem::Problem;
use domain::time::{civil_date, from_micros, parse_date};
use domain::visits::{MAX_PARTY, VisitError, VisitSource, WaitStatus};
use jiff::civil::Date;
use services::ServiceError;
use services::visits::{BookingError, BookingRequest, SiteView};
use views::Lang;
use views::pages::FieldError;
use views::visits::{BookPage, Choice, VisitNoticePage};

use super::{explain, num, open_days, slot_lines};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, render, see_other};

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

impl BookQuery {
    /// The same choice as posted back with a chosen time.
    fn of(form: &FormData) -> BookQuery {
        BookQuery {
            kundcenter: Some(form.get("kundcenter").to_owned()),
            tjanst: Some(form.get("tjanst").to_owned()),
            antal: Some(form.get("antal").to_owned()),
            dag: Some(form.get("dag").to_owned()),
        }
    }
}

/// Which booking page: the public one, the portal's, or an agent's for a caller.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Public,
    Portal,
    Agent,
}

impl Flavour {
    pub fn base(self) -> &'static str {
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

    fn source(self) -> VisitSource {
        match self {
            Flavour::Public => VisitSource::Public,
            Flavour::Portal => VisitSource::Portal,
            Flavour::Agent => VisitSource::Agent,
        }
    }
}

/// The site, service, party and day chosen (defaults where the query says nothing usable).
pub struct Chosen {
    view: SiteView,
    service_id: SiteServiceId,
    party: u32,
    day: Option<Date>,
}

pub async fn choose(state: &AppState, q: &BookQuery) -> Result<Chosen, AppError> {
    let visits = state.services.visits();
    let sites = visits.sites().await?;
    let site_id = num(q.kundcenter.as_deref())
        .map(SiteId::new)
        .filter(|id| sites.iter().any(|s| s.id == *id))
        .or_else(|| sites.first().map(|s| s.id))
        .ok_or(AppError::NotFound)?;
    let view = visits.site_view(site_id).await?;
    let service_id = num(q.tjanst.as_deref())
        .map(SiteServiceId::new)
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

/// What the form shows besides the choice: the contact fields as entered, the refusals, and
/// the answer status.
pub struct Shown<'a> {
    pub contact: (&'a str, &'a str, &'a str),
    pub errors: Vec<FieldError>,
    pub status: StatusCode,
}

impl Shown<'_> {
    pub fn blank() -> Shown<'static> {
        Shown {
            contact: ("", "", ""),
            errors: Vec::new(),
            status: StatusCode::OK,
        }
    }
}

pub async fn page(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    c: &Chosen,
    shown: Shown<'_>,
) -> PageResult {
    let slots = match c.day {
        Some(d) => {
            state
                .services
                .visits()
                .availability(c.view.site.id, c.service_id, d, d, c.party)
                .await?
                .1
        }
        None => Vec::new(),
    };
    let day = c.day.map(|d| d.to_string()).unwrap_or_default();
    let site = &c.view.site;
    let page = BookPage {
        layout: ctx.layout(state, flavour.heading()).await,
        heading_key: flavour.heading(),
        choose_action: flavour.base().to_owned(),
        book_action: flavour.base().to_owned(),
        waitlist_action: (flavour != Flavour::Agent || c.day.is_some())
            .then(|| format!("{}/ko", flavour.base())),
        site_id: site.id.get(),
        site_name: site.name.clone(),
        site_address: format!("{}, {} {}", site.street, site.postal_code, site.city),
        services: c
            .view
            .services
            .iter()
            .filter(|s| s.active)
            .map(|s| Choice {
                value: s.id.to_string(),
                label: format!("{} ({} min)", s.name(ctx.lang), s.duration_minutes),
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
        days: open_days(state, ctx.lang, &c.view, &day),
        slots: slot_lines(state, &slots),
        day,
        ask_contact: flavour != Flavour::Portal,
        name: shown.contact.0.to_owned(),
        phone: shown.contact.1.to_owned(),
        email: shown.contact.2.to_owned(),
        errors: shown.errors,
        notice: None,
    };
    render(shown.status, &page)
}

/// A refused booking as the form shows it: the answer status and the field with its sentence.
/// Failures that are not the person's to fix are the error page.
pub fn refusal(lang: Lang, e: BookingError) -> Result<(StatusCode, FieldError), AppError> {
    let (status, field, problem): (_, &str, Problem) = match e {
        BookingError::Full => (StatusCode::CONFLICT, "start", VisitError::Full.into()),
        BookingError::Overlap => (StatusCode::CONFLICT, "start", VisitError::Overlap.into()),
        BookingError::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, i.field, i.problem),
        BookingError::Service(ServiceError::Conflict(p)) => (StatusCode::CONFLICT, "start", p),
        BookingError::Service(e) => return Err(e.into()),
    };
    Ok((
        status,
        FieldError {
            field: field.to_owned(),
            message: explain(lang, problem),
        },
    ))
}

/// Who the booking is for: the portal's customer as on record, else the contact fields.
struct Booker {
    name: String,
    phone: String,
    email: String,
    customer_id: Option<CustomerId>,
    language: Language,
}

async fn booker(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    form: &FormData,
) -> Result<Booker, AppError> {
    if flavour == Flavour::Portal {
        let u = ctx.user()?;
        let cid = u.customer_id.ok_or(AppError::Forbidden)?;
        let c = state
            .services
            .customers()
            .portal_overview(u)
            .await?
            .customer;
        return Ok(Booker {
            name: c.name,
            phone: c.phone.unwrap_or_default(),
            email: c.email.unwrap_or_default(),
            customer_id: Some(cid),
            language: c.language,
        });
    }
    Ok(Booker {
        name: form.get("name").to_owned(),
        phone: form.get("phone").to_owned(),
        email: form.get("email").to_owned(),
        customer_id: None,
        language: ctx.lang,
    })
}

impl Booker {
    fn request(&self, c: &Chosen, flavour: Flavour, start: i64) -> BookingRequest {
        BookingRequest {
            site_id: c.view.site.id,
            service_id: c.service_id,
            start,
            party: c.party,
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: Some(self.email.clone()).filter(|e| !e.trim().is_empty()),
            language: self.language,
            customer_id: self.customer_id,
            source: flavour.source(),
            idempotency_key: None,
        }
    }

    fn shown(&self, error: FieldError, status: StatusCode) -> Shown<'_> {
        Shown {
            contact: (&self.name, &self.phone, &self.email),
            errors: vec![error],
            status,
        }
    }
}

pub async fn submit(state: &AppState, ctx: &Ctx, flavour: Flavour, form: &FormData) -> PageResult {
    let c = choose(state, &BookQuery::of(form)).await?;
    let who = booker(state, ctx, flavour, form).await?;
    let Ok(start) = form.get("start").trim().parse::<i64>() else {
        let err = FieldError {
            field: "start".into(),
            message: ctx.t("visit-choose-time"),
        };
        return page(
            state,
            ctx,
            flavour,
            &c,
            who.shown(err, StatusCode::UNPROCESSABLE_ENTITY),
        )
        .await;
    };
    let req = who.request(&c, flavour, start);
    let b = match state.services.visits().book(&ctx.actor(), &req).await {
        Ok(b) => b,
        Err(e) => {
            let (status, err) = refusal(ctx.lang, e)?;
            return page(state, ctx, flavour, &c, who.shown(err, status)).await;
        }
    };
    match flavour {
        Flavour::Public => {
            let to = if who.email.trim().is_empty() {
                &who.phone
            } else {
                &who.email
            };
            render(
                StatusCode::OK,
                &VisitNoticePage {
                    layout: ctx.layout(state, "visit-sent-title").await,
                    heading_key: "visit-sent-title",
                    text: views::translate(ctx.lang, "visit-sent-text", &[("to", to.clone())]),
                    back: None,
                },
            )
        }
        Flavour::Portal => Ok(see_other("/mina-sidor/besok")),
        Flavour::Agent => Ok(see_other(&format!(
            "/kundcenter?kundcenter={}&dag={}&bokad={}",
            b.visit.site_id,
            civil_date(from_micros(b.visit.starts_at), state.services.tz()),
            b.visit.id
        ))),
    }
}

pub async fn join_waitlist(
    state: &AppState,
    ctx: &Ctx,
    flavour: Flavour,
    form: &FormData,
) -> PageResult {
    let c = choose(state, &BookQuery::of(form)).await?;
    let mut who = booker(state, ctx, flavour, form).await?;
    // The waitlist's messages speak the language of the page it was joined on.
    who.language = ctx.lang;
    let Some(day) = c.day else {
        return Err(AppError::BadRequest);
    };
    let req = who.request(&c, flavour, 0);
    match state
        .services
        .visits()
        .join_waitlist(&ctx.actor(), &req, day)
        .await
    {
        Ok(w) => render(
            StatusCode::OK,
            &VisitNoticePage {
                layout: ctx.layout(state, "visit-waitlist-title").await,
                heading_key: "visit-waitlist-title",
                text: if w.status == WaitStatus::Offered {
                    ctx.t("visit-waitlist-offered")
                } else {
                    views::translate(
                        ctx.lang,
                        "visit-waitlist-waiting",
                        &[("day", day.to_string())],
                    )
                },
                back: Some(flavour.base().to_owned()),
            },
        ),
        Err(e) => {
            let (status, err) = refusal(ctx.lang, e)?;
            page(state, ctx, flavour, &c, who.shown(err, status)).await
        }
    }
}

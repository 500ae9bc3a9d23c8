//! What several audiences' pages share: the booking page and the "no home visits" page (the
//! customer's own, and customer service's for a caller), and refusals shown at their field.

use axum::http::StatusCode;
use domain::campaign::{ConsentVersion, MAX_NOTE_CHARS};
use domain::ids::CustomerId;
use domain::problem::{Explain, Invalid};
use services::ServiceError;
use services::campaign::{IndoorJob, IndoorWindow, hhmm};
use services::declarations::DeclarationForm;
use views::campaign::{BookingJob, HeldDeclaration, HomeVisitsPage, MeterBookingPage};
use views::pages::FieldError;

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, render, see_other};

/// One refusal, named in the reader's language at its field.
pub(super) fn field_error(field: &str, why: &dyn Explain, ctx: &Ctx) -> Vec<FieldError> {
    vec![FieldError {
        field: field.to_owned(),
        message: views::explain(ctx.lang, why),
    }]
}

/// A message of the campaign's file at a field.
pub(super) fn field_message(field: &str, key: &str, ctx: &Ctx) -> Vec<FieldError> {
    vec![FieldError {
        field: field.to_owned(),
        message: ctx.t(key),
    }]
}

/// A refused input at its field (the field prefixed, as `window-17`), or the error as it is.
pub(super) fn refused(
    e: ServiceError,
    field: impl FnOnce(&'static str) -> String,
    ctx: &Ctx,
) -> Result<Vec<FieldError>, AppError> {
    match e {
        ServiceError::Invalid(Invalid { field: f, problem }) => {
            Ok(field_error(&field(f), &problem, ctx))
        }
        ServiceError::Conflict(problem) => Ok(field_error(&field("window"), &problem, ctx)),
        e => Err(e.into()),
    }
}

pub(super) fn window_label(w: &IndoorWindow) -> String {
    format!(
        "{} {}–{}",
        w.date,
        hhmm(i64::from(w.start_min)),
        hhmm(i64::from(w.end_min))
    )
}

pub(super) fn booking_job(j: &IndoorJob, action: String) -> BookingJob {
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

/// The window a booking form chose: `DATE|START`.
pub(super) fn parse_window(raw: &str) -> Option<(jiff::civil::Date, i32)> {
    let (d, m) = raw.split_once('|')?;
    Some((domain::time::parse_date(d).ok()?, m.parse().ok()?))
}

/// Who books on the booking page.
#[derive(Clone, Copy)]
pub(super) enum BookingFor {
    /// The customer on Mina sidor.
    Portal,
    /// Anyone with the signed link.
    Link,
    /// Customer service for this caller.
    Caller(CustomerId),
}

/// The booking page; 409 when it shows a refusal.
pub(super) async fn booking_page(
    state: &AppState,
    ctx: &Ctx,
    jobs: Vec<BookingJob>,
    result: Option<String>,
    errors: Vec<FieldError>,
    who: BookingFor,
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
        portal: matches!(who, BookingFor::Portal),
        caller: match who {
            BookingFor::Caller(c) => Some(c),
            _ => None,
        },
    };
    render(status, &page)
}

/// What a booking came to: the window booked, or what to show at the job's choice.
pub(super) fn booked_message(w: &IndoorWindow, ctx: &Ctx) -> String {
    views::translate(ctx.lang, "booking-done", &[("window", window_label(w))])
}

/// Whose declaration a page handles: the signed-in customer's, or a caller's (agents).
#[derive(Clone, Copy)]
pub(super) enum Whose {
    Mine,
    Caller(CustomerId),
}

impl Whose {
    fn action(self) -> String {
        match self {
            Whose::Mine => "/mina-sidor/hembesok".into(),
            Whose::Caller(id) => format!("/kunder/{id}/hembesok"),
        }
    }

    fn customer(self, ctx: &Ctx) -> Result<CustomerId, AppError> {
        match self {
            Whose::Mine => ctx.user()?.customer_id.ok_or(AppError::Forbidden),
            Whose::Caller(id) => Ok(id),
        }
    }
}

/// The date and note as the form had them, to show again with a refusal.
pub(super) struct HomeVisitsForm {
    until: String,
    note: String,
}

/// The "no home visits" page: the declaration held (opening it is an audited read), and the
/// form to give or change it.
pub(super) async fn home_visits_page(
    state: &AppState,
    ctx: &Ctx,
    whose: Whose,
    form: Option<HomeVisitsForm>,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let customer = whose.customer(ctx)?;
    let for_caller = match whose {
        Whose::Mine => None,
        Whose::Caller(id) => Some(state.services.customer_name(id.get()).await?),
    };
    let held = state
        .services
        .declarations()
        .read(&actor, customer)
        .await?
        .map(|d| HeldDeclaration {
            until: d.until,
            consented_at: d.consented_at,
            consent_version: d.consent_version,
            note: d.note,
            recorded_by: d.recorded_by,
        });
    let form = form.unwrap_or_else(|| HomeVisitsForm {
        until: held
            .as_ref()
            .map(|h| h.until.to_string())
            .unwrap_or_default(),
        note: held.as_ref().map(|h| h.note.clone()).unwrap_or_default(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = HomeVisitsPage {
        layout: ctx.layout(state, "homevisit-title").await,
        action: whose.action(),
        for_caller,
        held,
        consent_version: ConsentVersion::CURRENT,
        until: form.until,
        note: form.note,
        max_note: MAX_NOTE_CHARS,
        result,
        errors,
    };
    render(status, &page)
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    klart: Option<String>,
}

/// What the page says after a redirect from a change.
pub(super) fn done_message(
    ctx: &Ctx,
    q: &Result<axum::extract::Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Option<String> {
    let key = match q.as_ref().ok()?.klart.as_deref()? {
        "sparat" => "homevisit-saved",
        "aterkallat" => "homevisit-withdrawn",
        "ingen" => "homevisit-none",
        _ => return None,
    };
    Some(ctx.t(key))
}

/// Records (or replaces) the declaration; a refusal shows the form again at its field.
pub(super) async fn home_visits_submit(
    state: &AppState,
    ctx: &Ctx,
    whose: Whose,
    form: &FormData,
) -> PageResult {
    let user = ctx.user()?;
    let customer = whose.customer(ctx)?;
    let declaration = DeclarationForm {
        consent: form.get("consent") == "ja",
        consent_version: form.get("consent_version").to_owned(),
        until: form.get("until").to_owned(),
        note: form.get("note").to_owned(),
    };
    match state
        .services
        .declarations()
        .declare(&user.actor(&ctx.address), customer, &declaration)
        .await
    {
        Ok(()) => Ok(see_other(&format!("{}?klart=sparat", whose.action()))),
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            let kept = HomeVisitsForm {
                until: declaration.until,
                note: declaration.note,
            };
            let e = field_error(field, &problem, ctx);
            home_visits_page(state, ctx, whose, Some(kept), None, e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Withdraws the declaration (the row is deleted) and says whether there was one.
pub(super) async fn home_visits_withdraw(state: &AppState, ctx: &Ctx, whose: Whose) -> PageResult {
    let user = ctx.user()?;
    let customer = whose.customer(ctx)?;
    let existed = state
        .services
        .declarations()
        .withdraw(&user.actor(&ctx.address), customer)
        .await?;
    let done = if existed { "aterkallat" } else { "ingen" };
    Ok(see_other(&format!("{}?klart={done}", whose.action())))
}

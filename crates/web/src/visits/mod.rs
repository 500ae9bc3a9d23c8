//! Pages and API of the customer centre, by audience: `public` (the booking page and the link
//! in every message, no login), `portal` (Mina sidor → Besök), `staff` (booking for a caller,
//! the desk, the site settings), `api` (sites, free times, booking for a caller), with the
//! booking form the first three share in `booking`.

mod api;
mod booking;
mod portal;
mod public;
mod staff;

pub use api::{documented_paths, openapi_paths, openapi_schemas};

use domain::problem::Problem;
use domain::time::{format_date, from_micros};
use domain::visits::weekday_index;
use jiff::civil::Date;
use services::ServiceError;
use services::visits::{SiteView, VisitRow};
use views::Lang;
use views::visits::{Choice, SlotLine, VisitSummary};

use crate::AppState;
use crate::error::AppError;
use crate::routes::RouteSpec;

fn num(s: Option<&str>) -> Option<i64> {
    s.and_then(|v| v.trim().parse().ok())
}

/// The next open days within the horizon, for the day chooser.
fn open_days(state: &AppState, lang: Lang, view: &SiteView, selected: &str) -> Vec<Choice> {
    let today = state.services.today();
    let mut out = Vec::new();
    let mut d = today;
    for _ in 0..=view.site.horizon_days.clamp(0, 365) {
        if !view.rules.spans_on(d).is_empty() {
            let value = d.to_string();
            out.push(Choice {
                label: day_label(lang, d),
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

/// `tis 2026-11-24`.
fn day_label(lang: Lang, d: Date) -> String {
    let weekday = views::translate(
        lang,
        &format!("weekday-short-{}", weekday_index(d.weekday()) + 1),
        &[],
    );
    views::translate(
        lang,
        "visit-day-choice",
        &[("weekday", weekday), ("date", format_date(d))],
    )
}

/// `HH:MM` in Stockholm.
fn time_of(micros: i64, state: &AppState) -> String {
    let t = state.services.tz().to_datetime(from_micros(micros));
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn when(micros: i64, state: &AppState) -> String {
    domain::time::format_datetime(from_micros(micros), state.services.tz())
}

fn slot_lines(state: &AppState, slots: &[domain::visits::Slot]) -> Vec<SlotLine> {
    slots
        .iter()
        .map(|s| SlotLine {
            value: s.start.to_string(),
            time: time_of(s.start, state),
            free_places: s.free_places,
        })
        .collect()
}

/// A visit as its owner reads it.
fn summary(state: &AppState, lang: Lang, view: &SiteView, v: &VisitRow) -> VisitSummary {
    VisitSummary {
        when: when(v.starts_at, state),
        service: view
            .any_service(v.service_id)
            .map(|s| s.name(lang).to_owned())
            .unwrap_or_default(),
        party: v.party,
        status: views::label(lang, v.status),
        place: view.address(),
        flagged: v.flagged_at.is_some(),
        expires: v
            .expires_at
            .filter(|_| v.status.awaits_confirmation())
            .map(|e| when(e, state)),
    }
}

/// The sentence for a refusal the person can act on; anything else is the error page.
fn conflict_text(lang: Lang, e: ServiceError) -> Result<String, AppError> {
    match e.problem() {
        Some(p) => Ok(views::explain(lang, p)),
        None => Err(e.into()),
    }
}

/// A field's problem in the reader's language.
fn explain(lang: Lang, problem: impl Into<Problem>) -> String {
    views::explain(lang, &problem.into())
}

/// The routes this module serves (each audience's own); `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    [
        public::routes(),
        portal::routes(),
        staff::routes(),
        api::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

//! Crisis modes on the web: the continuity manager's pages (modes, preview, approval and
//! progress, the crisis log), the public crisis page with its Atom feed, and the JSON API.

mod api;
mod form;
mod public;
mod staff;

use std::collections::BTreeMap;

use domain::policy::Capability;
use services::capability::Impact;
use services::modes::{ModePreview, roles};
use views::Lang;
use views::modes::{EffectLine, ImpactView, NoticeCount, NoticeSample, PreviewView};

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

/// The routes of crisis modes: the public crisis page, the staff pages and the API.
pub fn routes() -> Vec<RouteSpec> {
    let mut all = vec![
        route!(get, "/kris", Access::Public, public::page),
        route!(get, "/kris/atom.xml", Access::Public, public::feed),
    ];
    all.extend(staff_routes());
    all.extend(api_routes());
    all
}

/// The continuity manager's pages.
fn staff_routes() -> Vec<RouteSpec> {
    vec![
        route!(
            get,
            "/beredskap/lagen",
            Access::Roles(roles::READ),
            staff::modes
        ),
        route!(
            post,
            "/beredskap/lagen",
            Access::Roles(roles::PROPOSE),
            staff::create
        ),
        route!(
            get,
            "/beredskap/lagen/{id}",
            Access::Roles(roles::READ),
            staff::edit
        ),
        route!(
            post,
            "/beredskap/lagen/{id}",
            Access::Roles(roles::PROPOSE),
            staff::save
        ),
        route!(
            get,
            "/beredskap/lagen/{id}/forhandsgranska",
            Access::Roles(roles::READ),
            staff::preview
        ),
        route!(
            get,
            "/beredskap/lagen/{id}/forhandsgranska.csv",
            Access::Roles(roles::READ),
            staff::preview_csv
        ),
        route!(
            post,
            "/beredskap/lagen/{id}/foresla",
            Access::Roles(roles::PROPOSE),
            staff::propose
        ),
        route!(
            get,
            "/beredskap/aktiveringar/{id}",
            Access::Roles(roles::READ),
            staff::activation
        ),
        route!(
            post,
            "/beredskap/aktiveringar/{id}/godkann",
            Access::Roles(roles::APPROVE),
            staff::approve
        ),
        route!(
            post,
            "/beredskap/aktiveringar/{id}/avsla",
            Access::Roles(roles::APPROVE),
            staff::reject
        ),
        route!(
            post,
            "/beredskap/aktiveringar/{id}/avsluta",
            Access::Roles(roles::PROPOSE),
            staff::propose_end
        ),
        route!(
            post,
            "/beredskap/aktiveringar/{id}/avsluta/godkann",
            Access::Roles(roles::APPROVE),
            staff::approve_end
        ),
        route!(
            get,
            "/beredskap/logg",
            Access::Roles(roles::READ),
            staff::log
        ),
        route!(
            get,
            "/beredskap/logg.csv",
            Access::Roles(roles::READ),
            staff::log_csv
        ),
        route!(
            post,
            "/beredskap/logg",
            Access::Roles(roles::PROPOSE),
            staff::measure
        ),
    ]
}

/// The JSON API of modes and activations.
fn api_routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/api/v1/modes", Access::Roles(roles::READ), api::modes),
        route!(
            post,
            "/api/v1/modes",
            Access::Roles(roles::PROPOSE),
            api::create
        ),
        route!(
            get,
            "/api/v1/modes/{id}",
            Access::Roles(roles::READ),
            api::mode
        ),
        route!(
            post,
            "/api/v1/modes/{id}/preview",
            Access::Roles(roles::READ),
            api::preview
        ),
        route!(
            post,
            "/api/v1/modes/{id}/activations",
            Access::Roles(roles::PROPOSE),
            api::propose
        ),
        route!(
            get,
            "/api/v1/activations/{id}",
            Access::Roles(roles::READ),
            api::activation
        ),
        route!(
            post,
            "/api/v1/activations/{id}/approve",
            Access::Roles(roles::APPROVE),
            api::approve
        ),
        route!(
            post,
            "/api/v1/activations/{id}/end",
            Access::Roles(roles::PROPOSE),
            api::end
        ),
        route!(
            get,
            "/api/v1/policies",
            Access::Roles(&domain::role::Role::STAFF),
            api::policies
        ),
    ]
}

pub use api::{documented_paths, openapi};

/// An effect named in `lang` (`effect-<capability>-<key>`).
fn effect_label(lang: Lang, capability: Capability, key: &str) -> String {
    views::translate(lang, &format!("effect-{}-{key}", capability.as_str()), &[])
}

/// A capability's impact as the preview shows it, with what its new policy says.
fn impact_view(lang: Lang, i: &Impact, measures: Vec<String>) -> ImpactView {
    ImpactView {
        capability: views::label(lang, i.capability),
        measures,
        effects: i
            .effects
            .iter()
            .map(|e| EffectLine {
                label: effect_label(lang, i.capability, e.key),
                value: e.unit().show(e.value),
            })
            .collect(),
    }
}

/// A preview as the pages show it: per capability, and the customers by channel and language
/// with a few of their messages.
fn preview_view(
    lang: Lang,
    p: &ModePreview,
    measures: &BTreeMap<Capability, Vec<String>>,
    csv: String,
) -> PreviewView {
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for n in &p.customers {
        *counts
            .entry((
                views::label(lang, n.channel),
                views::label(lang, n.language),
            ))
            .or_default() += 1;
    }
    PreviewView {
        from: domain::time::to_micros(p.from),
        to: p.to.map(domain::time::to_micros),
        impacts: p
            .impacts
            .iter()
            .map(|i| {
                impact_view(
                    lang,
                    i,
                    measures.get(&i.capability).cloned().unwrap_or_default(),
                )
            })
            .collect(),
        customers: p.customers.len(),
        counts: counts
            .into_iter()
            .map(|((channel, language), count)| NoticeCount {
                channel,
                language,
                count,
            })
            .collect(),
        samples: p
            .customers
            .iter()
            .take(3)
            .map(|n| NoticeSample {
                name: n.name.clone(),
                channel: views::label(lang, n.channel),
                language: views::label(lang, n.language),
                subject: n.subject.clone(),
                body: n.body.clone(),
            })
            .collect(),
        csv,
    }
}

/// One CSV field, quoted when it must be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A CSV response, downloaded under `name`.
fn csv_response(name: &str, body: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

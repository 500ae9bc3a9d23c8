//! Policies and modes: what is in force, every policy recorded, the modes, and switching one
//! capability to a preset from a given time.
//!
//! Each policy is described by its capability's `PolicyHook::describe`, named from Fluent.

use axum::extract::State;
use axum::http::StatusCode;
use domain::policy::{Capability, PolicyBody, PolicyError, Preset, SupplierRule};
use domain::problem::Invalid;
use services::ServiceError;
use views::Lang;
use views::pages::{FieldError, ModeLine, PoliciesPage, PolicyLine};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, render};

/// What a policy says, one measure per line, in `lang`: the capability's own policy hook
/// describes it. Suppliers have no capability module yet, so their policy is said here.
fn describe(services: &services::Services, lang: Lang, body: &PolicyBody) -> Vec<String> {
    if let Some(hook) = services.hook(body.capability()) {
        return hook
            .describe(body)
            .iter()
            .map(|m| views::explain(lang, m))
            .collect();
    }
    match body {
        PolicyBody::Suppliers(s) => vec![match s.shortened_terms_days {
            Some(days) => views::translate(
                lang,
                "policy-suppliers-shortened",
                &[
                    ("days", days.to_string()),
                    ("rule", supplier_rule(lang, &s.applies_to)),
                ],
            ),
            None => views::translate(lang, "policy-suppliers-standard", &[]),
        }],
        _ => Vec::new(),
    }
}

fn supplier_rule(lang: Lang, rule: &SupplierRule) -> String {
    let t = |key: &str, args: &[(&str, String)]| views::translate(lang, key, args);
    match rule {
        SupplierRule::All => t("supplier-rule-all", &[]),
        SupplierRule::Local => t("supplier-rule-local", &[]),
        SupplierRule::Small => t("supplier-rule-small", &[]),
        SupplierRule::Trade(tr) => t("supplier-rule-trade", &[("trade", tr.clone())]),
    }
}

/// A policy's description as one line for the tables, or why it cannot be read.
fn summary(
    services: &services::Services,
    lang: Lang,
    body: &Result<PolicyBody, PolicyError>,
) -> String {
    match body {
        Ok(b) => describe(services, lang, b).join("; "),
        Err(e) => views::explain(lang, e),
    }
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    policies_page(&state, &ctx, None, Vec::new(), StatusCode::OK).await
}

/// Parses a `datetime-local` value as Stockholm civil time.
fn local_time(s: &str) -> Option<jiff::Timestamp> {
    let dt: jiff::civil::DateTime = s.trim().parse().ok()?;
    Some(domain::time::at_civil(
        dt.date(),
        dt.time(),
        &domain::time::stockholm(),
    ))
}

/// The form's change, or the field it fails on and why.
struct Form {
    capability: Capability,
    preset: Preset,
    from: Option<jiff::Timestamp>,
    to: Option<jiff::Timestamp>,
}

/// Reads the form; a field that does not parse names its hint (`policy-set-<field>`).
fn parse_form(form: &FormData) -> Result<Form, (&'static str, &'static str)> {
    let capability = form
        .get("capability")
        .parse::<Capability>()
        .map_err(|_| ("capability", "policy-set-capability"))?;
    let preset = match form.get("preset") {
        "normal" => Preset::Normal,
        "pandemic" => Preset::Pandemic,
        _ => return Err(("preset", "policy-set-preset")),
    };
    let when = |field: &'static str, hint: &'static str| match form.get(field).trim() {
        "" => Ok(None),
        t => local_time(t).map(Some).ok_or((field, hint)),
    };
    Ok(Form {
        capability,
        preset,
        from: when("from", "policy-set-from")?,
        to: when("to", "policy-set-to")?,
    })
}

/// Switches one capability to a preset (normal or pandemic) from a given time, with a reason;
/// a campaign policy in force at once re-classifies the campaign and reports what moved.
pub async fn set(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let invalid = |field: &str, message: String| {
        vec![FieldError {
            field: field.to_owned(),
            message,
        }]
    };
    let f = match parse_form(&form) {
        Ok(f) => f,
        Err((field, hint)) => {
            let e = invalid(field, ctx.t(hint));
            return policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let from = f.from.unwrap_or_else(|| state.services.now());
    let body = PolicyBody::preset(f.capability, f.preset);
    let result = state
        .services
        .policies()
        .change(&actor, &body, from, f.to, form.get("reason"))
        .await;
    match result {
        Ok(change) => {
            let mut msg = views::translate(
                ctx.lang,
                "policy-set-done",
                &[
                    ("capability", views::label(ctx.lang, f.capability)),
                    (
                        "from",
                        domain::time::format_datetime(from, &domain::time::stockholm()),
                    ),
                ],
            );
            // What the capability did at once, effect by effect (nothing: no sentence).
            for e in change.impact.iter().flat_map(|i| &i.effects) {
                let key = format!("effect-{}-{}", f.capability.as_str(), e.key);
                msg.push_str(&format!(" {}: {}.", ctx.t(&key), e.value));
            }
            policies_page(&state, &ctx, Some(msg), Vec::new(), StatusCode::OK).await
        }
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            // The service names the stored field; the form calls the end `to`.
            let field = if field == "effective_to" { "to" } else { field };
            let e = invalid(field, views::explain(ctx.lang, &problem));
            policies_page(&state, &ctx, None, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn policies_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let policies = state.services.policies();
    let now = state.services.now();
    let mut in_force = Vec::new();
    for &c in Capability::ALL {
        let body = policies.at(c, now).await?;
        in_force.push((
            views::label(lang, c),
            describe(&state.services, lang, &body).join("; "),
        ));
    }
    let all = policies
        .list()
        .await?
        .into_iter()
        .map(|p| PolicyLine {
            capability: views::label(lang, p.row.capability),
            summary: summary(&state.services, lang, &p.body),
            from: p.row.effective_from,
            to: p.row.effective_to,
            set_by: p.row.set_by,
            reason: p.row.reason,
        })
        .collect();
    let modes = policies
        .modes()
        .await?
        .into_iter()
        .map(|m| ModeLine {
            policies: m
                .policies
                .iter()
                .map(|(c, body)| (views::label(lang, *c), summary(&state.services, lang, body)))
                .collect(),
            name: m.row.name,
            description: m.row.description,
        })
        .collect();
    let now_local =
        domain::time::format_datetime(now, &domain::time::stockholm()).replacen(' ', "T", 1);
    render(
        status,
        &PoliciesPage {
            layout: ctx.layout(state, "policies-title").await,
            in_force,
            all,
            modes,
            capabilities: Capability::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), views::label(lang, *c)))
                .collect(),
            now_local,
            result,
            errors,
        },
    )
}

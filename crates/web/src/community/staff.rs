//! Community support for staff: the stock with donations, event applications, broadband upgrades
//! with the provisioning orders, and the ledger (printable, and as CSV).

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use domain::community::upgrades::Via;
use domain::community::{LedgerCategory, RecipientKind, StockUnit};
use domain::ids::{EventId, FunctionId, StockItemId, UpgradeId};
use services::ServiceError;
use services::community::{DonationInput, ItemInput, OrderFormat, UpgradeInput, roles};
use views::community::{
    BroadbandPage, EventLine, EventsPage, LedgerLine, LedgerPage, OrderLine, StockLine, StockPage,
};
use views::pages::FieldError;

use super::{limit_sentence, offer_sentence, upgrade_line};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, id_of, outcome, outcome_at, render, status_of};

async fn stock_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let h = state.services.community();
    let stock = h.stock(&actor).await?;
    let functions = state.services.continuity().functions(&actor).await?;
    let policy = h.policy_at(state.services.now()).await?;
    let body = domain::policy::PolicyBody::Community(policy);
    let measures = state
        .services
        .hook(domain::policy::Capability::Community)
        .map(|hook| hook.describe(&body))
        .unwrap_or_default()
        .iter()
        .map(|m| views::explain(lang, m))
        .collect();
    let page = StockPage {
        layout: ctx.layout(state, "community-stock-title").await,
        measures,
        items: stock
            .iter()
            .map(|l| StockLine {
                id: l.item.id.get(),
                name: l.item.name.clone(),
                unit: views::label(lang, l.item.unit),
                quantity: l.item.quantity,
                reserve: l.item.reserve,
                available: l.available,
                usage_per_week: l.item.usage_per_week,
                weeks: l.weeks,
                reserve_weeks: l.reserve_weeks,
                location: l.item.location.clone(),
                unit_value: l.item.unit_value.to_string(),
                function: l.item.function_id.and_then(|f| {
                    functions
                        .iter()
                        .find(|v| v.function.id == f)
                        .map(|v| v.function.name.clone())
                }),
            })
            .collect(),
        unit_choices: StockUnit::ALL
            .iter()
            .map(|u| (u.as_str().to_owned(), views::label(lang, *u)))
            .collect(),
        recipient_choices: [RecipientKind::Organisation, RecipientKind::PublicBody]
            .iter()
            .map(|k| (k.as_str().to_owned(), views::label(lang, *k)))
            .collect(),
        function_choices: functions
            .iter()
            .map(|v| (v.function.id.get(), v.function.name.clone()))
            .collect(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn stock(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    stock_page(&state, &ctx, None, Vec::new()).await
}

pub async fn add_item(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = ItemInput {
        name: f.get("name").to_owned(),
        unit: f.get("unit").to_owned(),
        quantity: f.get("quantity").to_owned(),
        reserve: f.get("reserve").to_owned(),
        usage_per_week: f.get("usage_per_week").to_owned(),
        unit_value: f.get("unit_value").to_owned(),
        location: f.get("location").to_owned(),
        function_id: id_of::<FunctionId>(f.get("function_id")).ok(),
    };
    let done = state
        .services
        .community()
        .add_item(&ctx.actor(), &input)
        .await
        .map(|_| ctx.t("community-item-added"));
    let (said, errors) = outcome(ctx.lang, done, "name")?;
    stock_page(&state, &ctx, said, errors).await
}

pub async fn donate(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = DonationInput {
        item_id: id_of::<StockItemId>(f.get("item_id")).ok(),
        quantity: f.get("quantity").to_owned(),
        recipient: f.get("recipient").to_owned(),
        recipient_kind: f.get("recipient_kind").to_owned(),
        org_number: f.get("org_number").to_owned(),
        reason: f.get("reason").to_owned(),
    };
    let done = state
        .services
        .community()
        .donate(&ctx.actor(), &input)
        .await
        .map(|_| ctx.t("community-donated"));
    let (said, errors) = outcome(ctx.lang, done, "quantity")?;
    stock_page(&state, &ctx, said, errors).await
}

async fn events_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let h = state.services.community();
    let events = h.events(&ctx.actor()).await?;
    let policy = h.policy_at(state.services.now()).await?;
    let tz = state.services.tz().clone();
    let page = EventsPage {
        layout: ctx.layout(state, "community-events-title").await,
        limit_today: limit_sentence(lang, &policy),
        events: events
            .iter()
            .map(|e| EventLine {
                id: e.id.get(),
                organiser: e.organiser.clone(),
                org_number: e.org_number.to_string(),
                contact: [e.contact_name.clone(), e.contact_email.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                date: e.event_on.to_string(),
                place: e.place.clone(),
                expected: e.expected_attendees,
                needs: e
                    .needs
                    .iter()
                    .map(|n| views::label(lang, *n))
                    .collect::<Vec<_>>()
                    .join(", "),
                amount: e.amount.to_string(),
                description: e.description.clone(),
                state: views::label(lang, e.state),
                open: e.state == domain::community::events::EventState::Applied,
                over_limit: e.over_limit_key.is_some(),
                decision: match (&e.decided_by, e.decided_at) {
                    (Some(by), Some(at)) => {
                        let mut s = views::translate(
                            lang,
                            "community-decided",
                            &[
                                ("by", by.clone()),
                                ("at", domain::time::format_datetime(at, &tz)),
                            ],
                        );
                        if let Some(m) = e.support.filter(|m| !m.is_zero()) {
                            s.push_str(&format!(" · {m}"));
                        }
                        if let Some(n) = e.decision_note.as_deref().filter(|n| !n.is_empty()) {
                            s.push_str(&format!(" · {n}"));
                        }
                        Some(s)
                    }
                    _ => None,
                },
            })
            .collect(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn events(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    events_page(&state, &ctx, None, Vec::new()).await
}

pub async fn decide_event(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: EventId = id_of(&id)?;
    let approve = f.get("decision") == "approve";
    let done = state
        .services
        .community()
        .decide_event(&ctx.actor(), id, approve, f.get("support"), f.get("note"))
        .await
        .map(|()| {
            ctx.t(if approve {
                "community-approved-done"
            } else {
                "community-refused-done"
            })
        });
    let (said, errors) = outcome_at(ctx.lang, done, &format!("note-{}", id.get()))?;
    events_page(&state, &ctx, said, errors).await
}

async fn broadband_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let h = state.services.community();
    let can_decide = actor.require(roles::DECIDE).is_ok();
    let policy = h.policy_at(state.services.now()).await?;
    let tz = state.services.tz().clone();
    let (upgrades, orders) = if can_decide {
        (
            h.open_upgrades(&actor).await?,
            h.recent_orders(&actor).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let webhook = state.services.settings().provisioning.url.is_some();
    let page = BroadbandPage {
        layout: ctx.layout(state, "community-broadband-title").await,
        can_decide,
        offer_today: offer_sentence(lang, &policy),
        upgrades: upgrades.iter().map(|u| upgrade_line(lang, u)).collect(),
        orders: orders
            .iter()
            .map(|o| OrderLine {
                key: o.idempotency_key.clone(),
                action: views::label(lang, o.action),
                customer_number: o.customer_number.clone(),
                speed: o.speed_mbit,
                effective_on: o.effective_on.to_string(),
                delivery: match (o.delivered_at, &o.last_error) {
                    (Some(at), _) => views::translate(
                        lang,
                        "community-delivered",
                        &[("at", domain::time::format_datetime(at, &tz))],
                    ),
                    (None, Some(e)) => views::translate(
                        lang,
                        "community-not-delivered",
                        &[("attempts", o.attempts.to_string()), ("error", e.clone())],
                    ),
                    (None, None) if webhook => ctx.t("community-pending"),
                    (None, None) => ctx.t("community-no-webhook"),
                },
            })
            .collect(),
        speed_choices: h.broadband_settings().await?.speeds(),
        today: state.services.today().to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn broadband(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    broadband_page(&state, &ctx, None, Vec::new()).await
}

pub async fn record_upgrade(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = UpgradeInput {
        customer_number: f.get("customer_number").to_owned(),
        speed_mbit: f.get("speed_mbit").to_owned(),
        from: f.get("from").to_owned(),
        to: f.get("to").to_owned(),
    };
    let done = state
        .services
        .community()
        .request_upgrade(&ctx.actor(), Via::Agent, &input)
        .await
        .map(|u| super::granted(ctx.lang, &u));
    let (said, errors) = outcome(ctx.lang, done, "customer_number")?;
    broadband_page(&state, &ctx, said, errors).await
}

pub async fn cancel_upgrade(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: UpgradeId = id_of(&id)?;
    let done = state
        .services
        .community()
        .cancel_upgrade(&ctx.actor(), id)
        .await
        .map(|()| ctx.t("community-cancelled-done"));
    let (said, errors) = outcome_at(ctx.lang, done, &format!("cancel-{}", id.get()))?;
    broadband_page(&state, &ctx, said, errors).await
}

pub async fn run_day(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let done = state
        .services
        .community()
        .run_day(&ctx.actor(), state.services.today())
        .await
        .map(|r| {
            views::translate(
                ctx.lang,
                "community-ran",
                &[
                    ("started", r.started.to_string()),
                    ("reminded", r.reminded.to_string()),
                    ("reverted", r.reverted.to_string()),
                ],
            )
        });
    let (said, errors) = outcome(ctx.lang, done, "run")?;
    broadband_page(&state, &ctx, said, errors).await
}

#[derive(serde::Deserialize, Default)]
pub struct OrderParams {
    datum: Option<String>,
    format: Option<String>,
}

/// The order file of a day, downloaded.
pub async fn order_file(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<OrderParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let day = match q.datum.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => state.services.today(),
        Some(s) => domain::time::parse_date(s).map_err(|_| AppError::NotFound)?,
    };
    let format =
        OrderFormat::parse(q.format.as_deref().unwrap_or("json")).ok_or(AppError::NotFound)?;
    let orders = state
        .services
        .community()
        .orders_on(&ctx.actor(), day)
        .await?;
    let body = services::community::order_file(&orders, format)?;
    let (kind, ext) = match format {
        OrderFormat::Json => ("application/json", "json"),
        OrderFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"provisioning-{day}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodParams {
    from: Option<String>,
    to: Option<String>,
}

/// The period asked for (this year until today by default), and whether it could be read: on a
/// refusal the default period stands beside the error.
fn period(
    state: &AppState,
    q: Result<Query<PeriodParams>, axum::extract::rejection::QueryRejection>,
) -> (
    (jiff::civil::Date, jiff::civil::Date),
    Result<(), ServiceError>,
) {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let today = state.services.today();
    let first = jiff::civil::date(today.year(), 1, 1);
    let parse = |field: &'static str, v: Option<&str>, default: jiff::civil::Date| match v
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(default),
        Some(s) => domain::time::parse_date(s)
            .map_err(|e| ServiceError::invalid(field, domain::problem::Problem::Date(e))),
    };
    match (
        parse("from", q.from.as_deref(), first),
        parse("to", q.to.as_deref(), today),
    ) {
        (Ok(from), Ok(to)) => ((from, to), Ok(())),
        (Err(e), _) | (_, Err(e)) => ((first, today), Err(e)),
    }
}

pub async fn ledger(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PeriodParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let ((from, to), asked) = period(&state, q);
    let read = match asked {
        Ok(()) => {
            state
                .services
                .community()
                .ledger(&ctx.actor(), from, to)
                .await
        }
        Err(e) => Err(e),
    };
    let (ledger, errors) = match read {
        Ok(l) => (Some(l), Vec::new()),
        Err(e) => (None, crate::pages::refusal(lang, e, "from")?),
    };
    let tz = state.services.tz().clone();
    let amounts = |t: &services::community::LedgerTotals| -> Vec<String> {
        LedgerCategory::ALL
            .iter()
            .map(|c| {
                t.by_category
                    .get(c)
                    .copied()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let page = LedgerPage {
        layout: ctx.layout(&state, "community-ledger-title").await,
        from: from.to_string(),
        to: to.to_string(),
        categories: LedgerCategory::ALL
            .iter()
            .map(|c| views::label(lang, *c))
            .collect(),
        months: ledger
            .iter()
            .flat_map(|l| l.months.iter())
            .map(|(m, t)| (m.clone(), amounts(t), t.total.to_string()))
            .collect(),
        totals: ledger
            .as_ref()
            .map(|l| amounts(&l.totals))
            .unwrap_or_default(),
        total: ledger
            .as_ref()
            .map(|l| l.totals.total.to_string())
            .unwrap_or_default(),
        entries: ledger
            .iter()
            .flat_map(|l| l.entries.iter())
            .map(|e| LedgerLine {
                date: e.given_on.to_string(),
                category: views::label(lang, e.category),
                amount: e.amount.to_string(),
                recipient: e.recipient.clone(),
                org_number: e.recipient_org_number.clone().unwrap_or_default(),
                description: e.description.clone(),
                decision: views::translate(
                    lang,
                    "community-decided",
                    &[
                        ("by", e.decided_by.clone()),
                        ("at", domain::time::format_datetime(e.decided_at, &tz)),
                    ],
                ),
                reason: e.reason.clone(),
            })
            .collect(),
        csv_link: format!("/samhalle/liggare.csv?from={from}&to={to}"),
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn ledger_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<PeriodParams>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let ((from, to), asked) = period(&state, q);
    asked?;
    let body = state
        .services
        .community()
        .ledger_csv(&ctx.actor(), from, to)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"community-ledger-{from}-{to}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

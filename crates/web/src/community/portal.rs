//! The customer's broadband on Mina sidor: today's speed, asking for a free higher speed while
//! the community policy offers it (businesses with broadband only; anyone else gets the reason),
//! and their upgrades, a scheduled one cancellable.

use axum::extract::{Path, State};
use domain::community::CommunityProblem;
use domain::community::upgrades::{Line, Via, may_ask};
use domain::ids::UpgradeId;
use services::community::UpgradeInput;
use views::community::PortalBroadbandPage;
use views::pages::FieldError;

use super::upgrade_line;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, id_of, outcome, outcome_at, render, status_of};

async fn page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let customer = actor.customer_id.ok_or(AppError::Forbidden)?;
    let h = state.services.community();
    let (connection, upgrades) = h.upgrades_of(&actor, customer).await?;
    let policy = h.policy_at(state.services.now()).await?;
    let speed = connection.as_ref().and_then(|c| c.speed_mbit);
    let cannot = match &connection {
        Some(c) => may_ask(
            &policy,
            c.kind,
            Line::of(c.subscription_id.is_some(), c.speed_mbit),
        )
        .err(),
        None => Some(CommunityProblem::NoBroadband),
    };
    let speeds = h.broadband_settings().await?.speeds();
    let page = PortalBroadbandPage {
        layout: ctx.layout(state, "community-portal-title").await,
        speed,
        cannot: cannot.map(|p| views::explain(lang, &p)),
        max_days: policy.free_upgrade_max_days,
        speed_choices: speeds
            .into_iter()
            .filter(|s| speed.is_none_or(|now| *s > now))
            .collect(),
        upgrades: upgrades.iter().map(|u| upgrade_line(lang, u)).collect(),
        today: state.services.today().to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, None, Vec::new()).await
}

pub async fn ask(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = UpgradeInput {
        customer_number: String::new(),
        speed_mbit: f.get("speed_mbit").to_owned(),
        from: f.get("from").to_owned(),
        to: f.get("to").to_owned(),
    };
    let done = state
        .services
        .community()
        .request_upgrade(&ctx.actor(), Via::Portal, &input)
        .await
        .map(|u| super::granted(ctx.lang, &u));
    let (said, errors) = outcome(ctx.lang, done, "speed_mbit")?;
    page(&state, &ctx, said, errors).await
}

pub async fn cancel(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id: UpgradeId = id_of(&id)?;
    let done = state
        .services
        .community()
        .cancel_upgrade(&ctx.actor(), id)
        .await
        .map(|()| ctx.t("community-cancelled-done"));
    let (said, errors) = outcome_at(ctx.lang, done, &format!("cancel-{}", id.get()))?;
    page(&state, &ctx, said, errors).await
}

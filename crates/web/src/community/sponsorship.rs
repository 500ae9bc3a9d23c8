//! Sponsorship agreements for staff: the list with a form for a new agreement, one agreement
//! with its instalments (matches cancelled or not, ending it early), and releasing the
//! instalments now due to the suppliers' payment run.

use axum::extract::{Path, State};
use domain::community::sponsorship::{AgreementState, InstalmentState, ReturnKind};
use domain::ids::AgreementId;
use services::community::{AgreementInput, AgreementRow, RELEASE_LEAD_DAYS, roles};
use views::Lang;
use views::community::{AgreementLine, AgreementPage, InstalmentLine, SponsorshipPage};
use views::pages::FieldError;

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, id_of, outcome, outcome_at, render, status_of};

fn line(lang: Lang, a: &AgreementRow) -> AgreementLine {
    AgreementLine {
        id: a.id.get(),
        club: a.club.clone(),
        org_number: a.org_number.clone(),
        period: format!("{} – {}", a.starts_on, a.ends_on),
        amount: a.amount.to_string(),
        instalments: a.instalments,
        returns: a
            .returns
            .iter()
            .map(|r| views::label(lang, *r))
            .collect::<Vec<_>>()
            .join(", "),
        state: views::label(lang, a.state),
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let can_decide = actor.require(roles::DECIDE).is_ok();
    let agreements = state.services.community().agreements(&actor).await?;
    let club_choices = if can_decide {
        state
            .services
            .community()
            .payable_clubs(&actor)
            .await?
            .into_iter()
            .map(|(id, name)| (id.get(), name))
            .collect()
    } else {
        Vec::new()
    };
    let page = SponsorshipPage {
        layout: ctx.layout(state, "community-sponsorship-title").await,
        can_decide,
        agreements: agreements.iter().map(|a| line(lang, a)).collect(),
        club_choices,
        return_choices: ReturnKind::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), views::label(lang, *r)))
            .collect(),
        lead_days: RELEASE_LEAD_DAYS,
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    list_page(&state, &ctx, None, Vec::new()).await
}

pub async fn make(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let input = AgreementInput {
        supplier_id: f.get("supplier_id").to_owned(),
        starts_on: f.get("starts_on").to_owned(),
        ends_on: f.get("ends_on").to_owned(),
        amount: f.get("amount").to_owned(),
        instalments: f.get("instalments").to_owned(),
        returns: ReturnKind::ALL
            .iter()
            .filter(|r| f.get(&format!("return_{}", r.as_str())) == "true")
            .map(|r| r.as_str().to_owned())
            .collect(),
        returns_note: f.get("returns_note").to_owned(),
        reason: f.get("reason").to_owned(),
    };
    let done = state
        .services
        .community()
        .make_agreement(&ctx.actor(), &input)
        .await
        .map(|_| ctx.t("community-agreement-made"));
    let (said, errors) = outcome(ctx.lang, done, "supplier_id")?;
    list_page(&state, &ctx, said, errors).await
}

pub async fn release(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let done = state
        .services
        .community()
        .release_instalments(&ctx.actor(), state.services.today())
        .await
        .map(|r| {
            views::translate(
                ctx.lang,
                "community-released",
                &[
                    ("paid", r.paid.to_string()),
                    ("withheld", r.withheld.to_string()),
                ],
            )
        });
    let (said, errors) = outcome(ctx.lang, done, "release")?;
    list_page(&state, &ctx, said, errors).await
}

async fn agreement_page(
    state: &AppState,
    ctx: &Ctx,
    id: AgreementId,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let (a, instalments) = state.services.community().agreement(&actor, id).await?;
    let tz = state.services.tz().clone();
    let page = AgreementPage {
        layout: ctx.layout(state, "community-sponsorship-title").await,
        can_decide: actor.require(roles::DECIDE).is_ok(),
        returns_note: a.returns_note.clone(),
        decision: views::translate(
            lang,
            "community-decided",
            &[
                ("by", a.decided_by.clone()),
                ("at", domain::time::format_datetime(a.decided_at, &tz)),
            ],
        ),
        reason: a.reason.clone(),
        active: a.state == AgreementState::Active,
        instalments: instalments
            .iter()
            .map(|i| InstalmentLine {
                number: i.number,
                due: i.due_on.to_string(),
                base: i.base.to_string(),
                extra: i.extra.to_string(),
                matches_cancelled: i.matches_cancelled,
                state: views::label(lang, i.state),
                open: i.state == InstalmentState::Planned,
                invoice: i
                    .invoice_id
                    .map(|_| format!("SPONS-{}-{}", a.id.get(), i.number)),
            })
            .collect(),
        agreement: line(lang, &a),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    agreement_page(&state, &ctx, id_of(&id)?, None, Vec::new()).await
}

pub async fn matches(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: AgreementId = id_of(&id)?;
    let number: u32 = f.get("number").trim().parse().unwrap_or(0);
    let done = state
        .services
        .community()
        .set_matches_cancelled(&ctx.actor(), id, number, f.get("cancelled") == "true")
        .await
        .map(|()| ctx.t("community-matches-saved"));
    let (said, errors) = outcome_at(ctx.lang, done, &format!("matches-{number}"))?;
    agreement_page(&state, &ctx, id, said, errors).await
}

pub async fn terminate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: AgreementId = id_of(&id)?;
    let done = state
        .services
        .community()
        .terminate_agreement(&ctx.actor(), id, f.get("reason"))
        .await
        .map(|()| ctx.t("community-terminated"));
    let (said, errors) = outcome(ctx.lang, done, "reason")?;
    agreement_page(&state, &ctx, id, said, errors).await
}

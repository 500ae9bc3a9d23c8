//! Attestation and payment: the invoices waiting for either step (planners, finance, admins),
//! credit notes to settle, payment proposals with their pain.001 files approved by a second
//! person, the bank's files taken in and the entries that matched nothing (finance, admins).

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use domain::ids::{BankEntryId, PaymentFileId, PaymentProposalId, SupplierId, SupplierInvoiceId};
use domain::suppliers::pay::ProposalState;
use domain::suppliers::{InvoiceKind, InvoiceState};
use services::ServiceError;
use services::suppliers::{SupplierInvoiceRow, roles};
use views::pages::FieldError;
use views::suppliers::{
    AttestLine, EntryLine, PaymentFileLine, PaymentsPage, ProposalLine, RejectedLine,
};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, id_of, outcome, outcome_at, render, status_of};

fn attest_line(
    ctx: &Ctx,
    i: &SupplierInvoiceRow,
    names: &HashMap<SupplierId, String>,
    open: &[SupplierInvoiceRow],
) -> AttestLine {
    let lang = ctx.lang;
    let credit_note = i.kind == InvoiceKind::CreditNote;
    let settles = if credit_note {
        open.iter()
            .filter(|o| o.supplier_id == i.supplier_id && o.kind == InvoiceKind::Invoice)
            .filter(|o| o.left_to_pay() >= i.amount)
            .map(|o| (o.id.get(), format!("{}, {}", o.number, o.left_to_pay())))
            .collect()
    } else {
        Vec::new()
    };
    AttestLine {
        id: i.id.get(),
        supplier: names.get(&i.supplier_id).cloned().unwrap_or_default(),
        number: i.number.clone(),
        kind: views::label(lang, i.kind),
        amount: i.left_to_pay().to_string(),
        due: i.due_date.to_string(),
        state: views::label(lang, i.state),
        attested_by: i.attested_by.clone(),
        dispute_reason: i.dispute_reason.clone(),
        can_attest: !credit_note && i.state == InvoiceState::Received,
        can_approve: !credit_note && i.state == InvoiceState::Attested,
        disputed: i.state == InvoiceState::Disputed,
        credit_note,
        settles,
    }
}

async fn proposals(state: &AppState, ctx: &Ctx) -> Result<Vec<ProposalLine>, AppError> {
    let h = state.services.suppliers();
    let actor = ctx.actor();
    let mut lines = Vec::new();
    // The latest twenty: older ones are in the audit log.
    for p in h.proposals(&actor).await?.into_iter().take(20) {
        let files = h.proposal_files(&actor, p.id).await?;
        lines.push(ProposalLine {
            id: p.id.get(),
            pay_date: p.pay_date.to_string(),
            state: views::label(ctx.lang, p.state),
            proposed_by: p.proposed_by,
            decided_by: p.decided_by,
            open: p.state == ProposalState::Proposed,
            files: files
                .iter()
                .map(|f| PaymentFileLine {
                    id: f.id.get(),
                    account: f.debtor_account.clone(),
                    version: f.version.clone(),
                    payments: f.payments,
                    sum: f.sum.to_string(),
                })
                .collect(),
        });
    }
    Ok(lines)
}

async fn entries(state: &AppState, ctx: &Ctx) -> Result<Vec<EntryLine>, AppError> {
    let rows = state
        .services
        .suppliers()
        .unmatched_entries(&ctx.actor())
        .await?;
    let dash = || "–".to_owned();
    Ok(rows
        .into_iter()
        .map(|e| EntryLine {
            id: e.id.get(),
            file: e.file_name,
            end_to_end_id: e.end_to_end_id.unwrap_or_else(dash),
            reference: [e.reference, e.counterparty]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            amount: e.amount.map_or_else(dash, |a| a.to_string()),
            booked: e.booking_date.map_or_else(dash, |d| d.to_string()),
            status: e.status_code.unwrap_or_else(dash),
        })
        .collect())
}

/// The bank's reason in the reader's language: the ISO code's text (or the code itself when it
/// is not one of those named), with the bank's own words after it.
fn reason_text(lang: views::Lang, r: &services::suppliers::RejectedRow) -> String {
    let code = r
        .reason_code
        .as_deref()
        .or(r.status_code.as_deref())
        .unwrap_or("");
    let named = views::translate(lang, &format!("pay-reason-{code}"), &[]);
    let text = if named.starts_with("pay-reason-") {
        views::translate(lang, "pay-reason-other", &[("code", code.to_owned())])
    } else {
        format!("{code}: {named}")
    };
    match &r.reason_info {
        Some(info) => format!("{text} ({info})"),
        None => text,
    }
}

async fn rejected(state: &AppState, ctx: &Ctx) -> Result<Vec<RejectedLine>, AppError> {
    let rows = state
        .services
        .suppliers()
        .rejected_payments(&ctx.actor())
        .await?;
    Ok(rows
        .iter()
        .map(|r| RejectedLine {
            supplier: r.supplier.clone(),
            number: r.invoice_number.clone(),
            amount: r.amount.to_string(),
            reason: reason_text(ctx.lang, r),
        })
        .collect())
}

/// The page, with what the last step said.
async fn page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let h = state.services.suppliers();
    let actor = ctx.actor();
    let waiting = h.awaiting_attestation(&actor).await?;
    let names: HashMap<SupplierId, String> = h
        .list(&actor)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let open: Vec<SupplierInvoiceRow> = waiting
        .iter()
        .filter(|i| i.kind == InvoiceKind::Invoice)
        .cloned()
        .collect();
    let can_pay = actor.require(roles::MANAGE).is_ok();
    let page = PaymentsPage {
        layout: ctx.layout(state, "payments-title").await,
        can_pay,
        to_attest: waiting
            .iter()
            .map(|i| attest_line(ctx, i, &names, &open))
            .collect(),
        proposals: if can_pay {
            proposals(state, ctx).await?
        } else {
            Vec::new()
        },
        entries: if can_pay {
            entries(state, ctx).await?
        } else {
            Vec::new()
        },
        rejected: if can_pay {
            rejected(state, ctx).await?
        } else {
            Vec::new()
        },
        pay_date: state.services.today().to_string(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, None, Vec::new()).await
}

/// The page after a step: what it did, or why it was refused (at `field`).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    done: Result<String, ServiceError>,
    field: &str,
) -> PageResult {
    let (said, errors) = outcome(ctx.lang, done, field)?;
    page(state, ctx, said, errors).await
}

/// [`after`] with any refusal named at `field`, a row's own field.
async fn after_at(
    state: &AppState,
    ctx: &Ctx,
    done: Result<String, ServiceError>,
    field: &str,
) -> PageResult {
    let (said, errors) = outcome_at(ctx.lang, done, field)?;
    page(state, ctx, said, errors).await
}

pub async fn attest(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id: SupplierInvoiceId = id_of(&id)?;
    let done = state.services.suppliers().attest(&ctx.actor(), id).await;
    after(
        &state,
        &ctx,
        done.map(|_| ctx.t("payments-attested")),
        "to-attest",
    )
    .await
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: SupplierInvoiceId = id_of(&id)?;
    let done = state.services.suppliers().approve(&ctx.actor(), id).await;
    after(
        &state,
        &ctx,
        done.map(|_| ctx.t("payments-approved")),
        "to-attest",
    )
    .await
}

pub async fn dispute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: SupplierInvoiceId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .dispute(&ctx.actor(), id, f.get("reason"))
        .await;
    let field = format!("reason-{}", id.get());
    after_at(
        &state,
        &ctx,
        done.map(|()| ctx.t("payments-disputed")),
        &field,
    )
    .await
}

pub async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: SupplierInvoiceId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .resolve_dispute(&ctx.actor(), id)
        .await;
    after(
        &state,
        &ctx,
        done.map(|()| ctx.t("payments-resolved")),
        "to-attest",
    )
    .await
}

pub async fn settle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let credit: SupplierInvoiceId = id_of(&id)?;
    let invoice: SupplierInvoiceId = id_of(f.get("invoice_id"))?;
    let done = state
        .services
        .suppliers()
        .settle_credit_note(&ctx.actor(), credit, invoice)
        .await;
    let field = format!("settles-{}", credit.get());
    after(
        &state,
        &ctx,
        done.map(|_| ctx.t("payments-settled")),
        &field,
    )
    .await
}

pub async fn propose(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    let date = match domain::time::parse_date(f.get("pay_date").trim()) {
        Ok(d) => d,
        Err(e) => {
            let errors = vec![FieldError {
                field: "pay_date".into(),
                message: views::explain(ctx.lang, &domain::problem::Problem::Date(e)),
            }];
            return page(&state, &ctx, None, errors).await;
        }
    };
    let done = state
        .services
        .suppliers()
        .propose_payments(&ctx.actor(), date)
        .await
        .map(|made| {
            views::translate(
                ctx.lang,
                "payments-proposed",
                &[
                    ("day", made.pay_date.to_string()),
                    ("files", made.files.len().to_string()),
                    (
                        "payments",
                        made.files
                            .iter()
                            .map(|f| f.payments)
                            .sum::<u32>()
                            .to_string(),
                    ),
                ],
            )
        });
    after(&state, &ctx, done, "pay_date").await
}

pub async fn approve_proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: PaymentProposalId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .approve_proposal(&ctx.actor(), id)
        .await;
    after(
        &state,
        &ctx,
        done.map(|()| ctx.t("payments-proposal-approved")),
        "pay_date",
    )
    .await
}

pub async fn cancel_proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: PaymentProposalId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .cancel_proposal(&ctx.actor(), id)
        .await;
    after(
        &state,
        &ctx,
        done.map(|()| ctx.t("payments-proposal-cancelled")),
        "pay_date",
    )
    .await
}

/// A pain.001 file, downloaded to send to the bank.
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<axum::response::Response, AppError> {
    let id: PaymentFileId = id_of(&id)?;
    let body = state
        .services
        .suppliers()
        .payment_file(&ctx.actor(), id)
        .await?;
    let name = format!("attachment; filename=\"pain001-{}.xml\"", id.get());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

pub async fn bank_file(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> PageResult {
    let Some((name, bytes)) = crate::pages::uploaded_file(multipart, "file").await? else {
        let errors = vec![FieldError {
            field: "file".into(),
            message: ctx.t("payments-choose-file"),
        }];
        return page(&state, &ctx, None, errors).await;
    };
    let done = state
        .services
        .suppliers()
        .import_bank_file(&ctx.actor(), &name, &bytes)
        .await
        .map(|b| {
            let key = if b.already {
                "payments-bank-already"
            } else {
                "payments-bank-taken"
            };
            views::translate(
                ctx.lang,
                key,
                &[
                    ("kind", b.kind.to_owned()),
                    ("message", b.message_id.clone()),
                    ("accepted", b.accepted.to_string()),
                    ("rejected", b.rejected.to_string()),
                    ("paid", b.paid.to_string()),
                    ("returned", b.returned.to_string()),
                    ("unmatched", b.unmatched.to_string()),
                ],
            )
        });
    after(&state, &ctx, done, "file").await
}

pub async fn resolve_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: BankEntryId = id_of(&id)?;
    let done = state
        .services
        .suppliers()
        .resolve_entry(&ctx.actor(), id, f.get("note"))
        .await;
    let field = format!("note-{}", id.get());
    after_at(
        &state,
        &ctx,
        done.map(|()| ctx.t("payments-entry-resolved")),
        &field,
    )
    .await
}

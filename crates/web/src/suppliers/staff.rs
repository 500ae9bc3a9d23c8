//! The register for finance and the planners: the list, one supplier with its contacts, offers
//! and invoices, and the inbox of e-invoices that were stopped, each reason in the reader's
//! language.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::suppliers::PayTo;
use services::suppliers::{FindingRow, OfferRow, SupplierInvoiceRow, SupplierRow, roles};
use views::Lang;
use views::pages::FieldError;
use views::suppliers::*;

use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, id_of, render, status_of};

fn pay_to(lang: Lang, p: Option<&PayTo>) -> String {
    match p {
        Some(PayTo::Bankgiro(b)) => {
            views::translate(lang, "suppliers-pay-bankgiro", &[("number", b.to_string())])
        }
        Some(PayTo::Plusgiro(p)) => {
            views::translate(lang, "suppliers-pay-plusgiro", &[("number", p.to_string())])
        }
        Some(PayTo::Iban { iban, bic }) => views::translate(
            lang,
            "suppliers-pay-iban",
            &[("iban", iban.to_string()), ("bic", bic.as_str().to_owned())],
        ),
        None => views::translate(lang, "suppliers-pay-none", &[]),
    }
}

fn trades(lang: Lang, s: &SupplierRow) -> String {
    s.trades
        .iter()
        .map(|t| views::label(lang, *t))
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(lang: Lang, s: &SupplierRow) -> SupplierLine {
    SupplierLine {
        id: s.id.get(),
        name: s.name.clone(),
        org_number: s.org_number.to_string(),
        municipality: s.municipality.clone(),
        local: s.is_local,
        size: views::label(lang, s.size),
        trades: trades(lang, s),
        pay_to: pay_to(lang, s.pay_to.as_ref()),
        terms_days: s.terms_days,
        active: s.active,
    }
}

/// The register, with what an import said.
pub(super) async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let all = state.services.suppliers().list(&ctx.actor()).await?;
    let page = SuppliersPage {
        layout: ctx.layout(state, "suppliers-list-title").await,
        local_count: all.iter().filter(|s| s.is_local).count(),
        suppliers: all.iter().map(|s| line(ctx.lang, s)).collect(),
        can_manage: ctx.actor().require(roles::MANAGE).is_ok(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    list_page(&state, &ctx, None, Vec::new()).await
}

fn offer_line(lang: Lang, o: &OfferRow) -> OfferLine {
    OfferLine {
        days: o.days,
        from: o.applies_from.to_string(),
        answer_by: o.answer_by.to_string(),
        state: views::label(lang, o.state),
    }
}

fn invoice_line(lang: Lang, i: &SupplierInvoiceRow) -> InvoiceLine {
    InvoiceLine {
        number: i.number.clone(),
        kind: views::label(lang, i.kind),
        received: i.received_on.to_string(),
        terms_days: i.terms_days,
        due: i.due_date.to_string(),
        amount: i.amount.to_string(),
        state: views::label(lang, i.state),
        shortened: i.offer_id.is_some(),
    }
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let d = state
        .services
        .suppliers()
        .detail(&ctx.actor(), id_of(&id)?)
        .await?;
    let lang = ctx.lang;
    let s = &d.supplier;
    let yes_no = |b: bool| {
        ctx.t(if b {
            "suppliers-fact-yes"
        } else {
            "suppliers-fact-no"
        })
    };
    let fact = |key: &str, value: String| Fact {
        label: ctx.t(key),
        value,
    };
    let facts = vec![
        fact("suppliers-col-org", s.org_number.to_string()),
        fact(
            "suppliers-fact-vat",
            s.vat_number
                .as_ref()
                .map_or("–".into(), |v| v.as_str().to_owned()),
        ),
        fact("suppliers-fact-f-skatt", yes_no(s.f_skatt)),
        fact("suppliers-col-pay-to", pay_to(lang, s.pay_to.as_ref())),
        fact(
            "suppliers-col-municipality",
            if s.is_local {
                format!("{} · {}", s.municipality, ctx.t("suppliers-local"))
            } else {
                s.municipality.clone()
            },
        ),
        fact("suppliers-col-size", views::label(lang, s.size)),
        fact("suppliers-col-trades", trades(lang, s)),
        fact("suppliers-col-terms", s.terms_days.to_string()),
    ];
    let page = SupplierPage {
        layout: ctx.layout(&state, "suppliers-list-title").await,
        id: s.id.get(),
        can_manage: ctx.actor().require(roles::MANAGE).is_ok(),
        name: s.name.clone(),
        facts,
        contacts: d
            .contacts
            .iter()
            .map(|c| {
                [Some(c.name.clone()), c.email.clone(), c.phone.clone()]
                    .into_iter()
                    .flatten()
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect(),
        offers: d.offers.iter().map(|o| offer_line(lang, o)).collect(),
        invoices: d.invoices.iter().map(|i| invoice_line(lang, i)).collect(),
    };
    render(StatusCode::OK, &page)
}

/// The draft reply to a refused e-invoice's supplier: what was refused and each broken rule,
/// in Swedish (the language Swedish suppliers are written to).
fn reply(d: &services::suppliers::DocumentRow, findings: &[FindingRow]) -> String {
    let sv = Lang::Sv;
    let mut text = views::translate(
        sv,
        "suppliers-reply-body",
        &[
            (
                "number",
                d.invoice_number.clone().unwrap_or_else(|| "–".into()),
            ),
            ("file", d.file_name.clone()),
            (
                "reason",
                d.refusal
                    .map_or(String::new(), |r| views::label(sv, r).to_lowercase()),
            ),
        ],
    );
    for f in findings.iter().filter(|f| f.fatal) {
        text.push('\n');
        text.push_str(&views::translate(
            sv,
            "suppliers-reply-rule",
            &[
                ("rule", f.rule.clone()),
                (
                    "message",
                    views::translate(sv, &format!("peppol-rule-{}", f.rule), &[]),
                ),
            ],
        ));
    }
    text
}

/// The inbox of stopped e-invoices, with what an upload said.
pub(super) async fn inbox_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<String>,
    errors: Vec<FieldError>,
) -> PageResult {
    let lang = ctx.lang;
    let docs = state.services.suppliers().inbox(&ctx.actor()).await?;
    let tz = domain::time::stockholm();
    let page = InboxPage {
        layout: ctx.layout(state, "suppliers-inbox-title").await,
        documents: docs
            .into_iter()
            .map(|(d, findings)| InboxLine {
                reply: reply(&d, &findings),
                id: d.id.get(),
                file: d.file_name,
                received: domain::time::civil_date(d.received_at, &tz).to_string(),
                supplier: d.seller_org_number.unwrap_or_else(|| "–".into()),
                number: d.invoice_number.unwrap_or_else(|| "–".into()),
                reason: d.refusal.map_or(String::new(), |r| views::label(lang, r)),
                findings: findings
                    .into_iter()
                    .filter(|f| f.fatal)
                    .map(|f| FindingLine {
                        message: views::translate(lang, &format!("peppol-rule-{}", f.rule), &[]),
                        rule: f.rule,
                        path: f.path,
                    })
                    .collect(),
            })
            .collect(),
        can_upload: ctx.actor().require(roles::MANAGE).is_ok(),
        result,
        errors,
    };
    render(status_of(&page.errors), &page)
}

pub async fn inbox(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    inbox_page(&state, &ctx, None, Vec::new()).await
}

/// E-invoice files uploaded by finance: each checked and taken in, or stopped into the inbox.
pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let files = crate::pages::uploaded_files(multipart, "file").await?;
    if files.is_empty() {
        let errors = vec![FieldError {
            field: "file".into(),
            message: ctx.t("suppliers-einvoice-choose"),
        }];
        return inbox_page(&state, &ctx, None, errors).await;
    }
    let files: Vec<(String, Vec<u8>)> = files.into_iter().map(|(n, b)| (n, b.to_vec())).collect();
    let outcomes = state
        .services
        .suppliers()
        .receive_einvoices(&ctx.actor(), &files)
        .await?;
    let accepted = outcomes.iter().filter(|o| o.accepted()).count();
    let said = views::translate(
        ctx.lang,
        "suppliers-einvoice-received",
        &[
            ("files", outcomes.len().to_string()),
            ("accepted", accepted.to_string()),
            ("refused", (outcomes.len() - accepted).to_string()),
        ],
    );
    inbox_page(&state, &ctx, Some(said), Vec::new()).await
}

//! Staff pages of credit: the credit officers' queue and decisions, a request for more time
//! for a caller, the debt-collection list, and finance's payments page (BgMax upload, matching
//! queue, reference rates, the nightly run by hand, the board report).

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use domain::credit::{ArrangementStatus, Ask, CreditProblem, Decision};
use domain::ids::{ArrangementId, CustomerId, PaymentId};
use domain::problem::{Invalid, Problem};
use services::ServiceError;
use services::credit::roles::CREDIT;
use views::credit::{
    CollectionLine, CollectionPage, CreditCasePage, CreditQueuePage, FinancePage, QueueLine,
    RateLine, UnmatchedLine,
};
use views::pages::FieldError;

use super::{csv_response, line, what};
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render};

// ---- credit officers ---------------------------------------------------------------------------

pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let items = state.services.credit().credit_queue().await?;
    let lines = items
        .iter()
        .map(|q| QueueLine {
            id: q.arrangement.id,
            customer: q.customer_name.clone(),
            invoice_number: q.invoice.invoice_number.clone(),
            what: what(&q.arrangement, ctx.lang),
            amount: q.arrangement.amount,
            requested: q.arrangement.created_at,
            failed: q
                .arrangement
                .reasons
                .iter()
                .filter(|r| !r.passed)
                .map(|r| views::explain(ctx.lang, r))
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &CreditQueuePage {
            layout: ctx.layout(&state, "credit-queue-title").await,
            lines,
            message: None,
        },
    )
}

/// One request with the customer's history; `decidable` when it waits for a decision the
/// reader may make.
async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    id: ArrangementId,
    decidable_by_reader: bool,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let q = state.services.credit().arrangement_detail(id).await?;
    render(
        status,
        &CreditCasePage {
            layout: ctx.layout(state, "credit-queue-title").await,
            line: line(&q.arrangement, &q.invoice.invoice_number, ctx.lang),
            customer: q.customer_name.clone(),
            due_on: q.invoice.due_on,
            reminders_12m: q.reminders_12m,
            broken_12m: q.broken_12m,
            collections_12m: q.collections_12m,
            decidable: q.arrangement.status == ArrangementStatus::Referred && decidable_by_reader,
            errors,
        },
    )
}

/// An agent asks for more time for a caller, from the customer's page.
pub async fn agent_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(customer): Path<String>,
    form: FormData,
) -> PageResult {
    let customer = CustomerId::new(parse_id(&customer)?);
    let u = ctx.user()?;
    let actor = u.actor(&ctx.address);
    let credit = state.services.credit();
    let invoice = credit
        .invoice_by_number_for(customer, form.get("invoice").trim())
        .await?;
    let ask = if form.get("kind") == "instalments" {
        Ask::Instalments(
            form.get("instalments")
                .trim()
                .parse()
                .map_err(|_| AppError::BadRequest)?,
        )
    } else {
        domain::time::parse_date(form.get("date").trim())
            .map(Ask::NewDueDate)
            .map_err(|e| AppError::Invalid(Invalid::new("date", e)))?
    };
    let out = credit.request_extension(&actor, invoice, ask).await?;
    let mut errors = Vec::new();
    if out.assessment.decision == Decision::Refuse {
        errors.push(FieldError {
            field: "note".into(),
            message: ctx.t(ArrangementStatus::Refused.message_key()),
        });
    }
    let may_decide = CREDIT.contains(&u.role);
    case_page(
        &state,
        &ctx,
        out.arrangement_id,
        may_decide,
        errors,
        StatusCode::OK,
    )
    .await
}

pub async fn case(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = ArrangementId::new(parse_id(&id)?);
    case_page(&state, &ctx, id, true, vec![], StatusCode::OK).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = ArrangementId::new(parse_id(&id)?);
    let actor = ctx.user()?.actor(&ctx.address);
    let approve = form.get("decision") == "approve";
    match state
        .services
        .credit()
        .decide_extension(&actor, id, approve, form.get("note"))
        .await
    {
        Ok(()) => {
            let mut resp = axum::response::Redirect::to("/kredit").into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            let e = FieldError {
                field: field.to_owned(),
                message: views::explain(ctx.lang, &problem),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            case_page(&state, &ctx, id, true, vec![e], status).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the debt-collection list ---------------------------------------------------------------------

pub async fn collection(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let today = state.services.today();
    let rows = state
        .services
        .credit()
        .collection_with_interest(today)
        .await?;
    render(
        StatusCode::OK,
        &CollectionPage {
            layout: ctx.layout(&state, "credit-collection").await,
            lines: rows
                .into_iter()
                .map(|l| CollectionLine {
                    customer: l.row.customer_name,
                    outstanding: l.row.invoice.amount - l.row.invoice.paid,
                    invoice_number: l.row.invoice.invoice_number,
                    ocr: l.row.invoice.ocr,
                    due_on: l.row.invoice.due_on,
                    interest: l.interest,
                    since: l.row.since,
                })
                .collect(),
        },
    )
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("csv: {e}"))
}

pub async fn collection_csv(State(state): State<AppState>) -> PageResult {
    let today = state.services.today();
    let rows = state
        .services
        .credit()
        .collection_with_interest(today)
        .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kund",
        "fakturanummer",
        "ocr",
        "forfallodag",
        "kvar_ore",
        "upplupen_ranta_ore",
        "pa_listan_sedan",
    ])
    .map_err(csv_error)?;
    for l in rows {
        let i = l.row.invoice;
        w.write_record([
            l.row.customer_name,
            i.invoice_number,
            i.ocr,
            i.due_on.to_string(),
            (i.amount - i.paid).ore().to_string(),
            l.interest.ore().to_string(),
            l.row.since.map(|d| d.to_string()).unwrap_or_default(),
        ])
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(csv_response("inkassolista.csv", body))
}

// ---- finance ------------------------------------------------------------------------------------

async fn finance_page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let credit = state.services.credit();
    let unmatched = credit.unmatched_payments(200).await?;
    let rates = credit.reference_rates().await?;
    let collection = credit.collection_list().await?.len();
    render(
        status,
        &FinancePage {
            layout: ctx.layout(state, "finance-title").await,
            unmatched: unmatched
                .into_iter()
                .map(|u| UnmatchedLine {
                    id: u.id,
                    paid_on: u.paid_on,
                    amount: u.amount,
                    reference: u.reference,
                    payer: u.payer.unwrap_or_default(),
                })
                .collect(),
            rates: rates
                .iter()
                .rev()
                .map(|r| RateLine {
                    valid_from: r.valid_from,
                    rate: RateLine::percent(r.rate_bp),
                    late: RateLine::percent(
                        (r.rate_bp + domain::credit::LATE_INTEREST_MARGIN_BP).max(0),
                    ),
                })
                .collect(),
            collection_count: collection,
            message,
            error,
        },
    )
}

/// The finance page with a refusal named in the reader's language (422).
async fn refused(state: &AppState, ctx: &Ctx, error: String) -> PageResult {
    finance_page(
        state,
        ctx,
        None,
        Some(error),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn finance(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    finance_page(&state, &ctx, None, None, StatusCode::OK).await
}

/// BgMax files are read whole (up to 256 MiB), so a server reads one at a time: a second upload
/// while one is being read is refused (429) rather than doubling the memory.
static BGMAX_UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

pub async fn upload_bgmax(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    // The body is not read until the file is asked for below, so a refused upload costs nothing.
    let Ok(_reading) = BGMAX_UPLOADS.try_acquire() else {
        return Err(crate::error::AppError::RateLimited);
    };
    let Some(bytes) = crate::pages::uploaded(multipart, "file").await? else {
        return refused(&state, &ctx, ctx.t("finance-choose-file")).await;
    };
    match state.services.credit().import_bgmax(&actor, &bytes).await {
        Ok(r) => {
            let m = views::translate(
                ctx.lang,
                "finance-imported",
                &[
                    ("payments", r.payments.to_string()),
                    ("amount", r.amount().to_string()),
                    ("matched", r.matched.to_string()),
                    ("unmatched", r.unmatched.to_string()),
                    ("already", r.already_imported.to_string()),
                ],
            );
            finance_page(&state, &ctx, Some(m), None, StatusCode::OK).await
        }
        Err(e) => match e.problem() {
            Some(p) => {
                let reason = views::explain(ctx.lang, p);
                let m = views::translate(ctx.lang, "finance-not-imported", &[("reason", reason)]);
                refused(&state, &ctx, m).await
            }
            None => Err(e.into()),
        },
    }
}

pub async fn match_payment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = PaymentId::new(parse_id(&id)?);
    let actor = ctx.user()?.actor(&ctx.address);
    match state
        .services
        .credit()
        .match_payment(&actor, id, form.get("invoice"))
        .await
    {
        Ok(()) => finance_page(&state, &ctx, Some(ctx.t("saved")), None, StatusCode::OK).await,
        Err(e) => match e.problem() {
            Some(p) => refused(&state, &ctx, views::explain(ctx.lang, p)).await,
            None => Err(e.into()),
        },
    }
}

pub async fn set_rate(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let day = domain::time::parse_date(form.get("valid_from").trim());
    let rate = parse_percent_bp(form.get("rate"));
    let r = match (day, rate) {
        (Ok(d), Some(bp)) => {
            state
                .services
                .credit()
                .set_reference_rate(&actor, d, bp)
                .await
        }
        (Err(e), _) => Err(ServiceError::invalid("valid_from", Problem::Date(e))),
        (_, None) => Err(ServiceError::invalid("rate", CreditProblem::NotAPercent)),
    };
    match r {
        Ok(()) => finance_page(&state, &ctx, Some(ctx.t("saved")), None, StatusCode::OK).await,
        Err(ServiceError::Invalid(Invalid { problem, .. })) => {
            refused(&state, &ctx, views::explain(ctx.lang, &problem)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `2,00` or `-0.5` percent as basis points.
fn parse_percent_bp(s: &str) -> Option<i32> {
    let t = s.trim().replace(',', ".").replace('−', "-");
    let neg = t.starts_with('-');
    let t = t.trim_start_matches('-');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if frac.len() > 2 || whole.is_empty() {
        return None;
    }
    let w: i32 = whole.parse().ok()?;
    let f: i32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    let bp = w.checked_mul(100)?.checked_add(f)?;
    Some(if neg { -bp } else { bp })
}

pub async fn run_dunning(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let today = state.services.today();
    let r = state.services.credit().run_dunning(today).await?;
    let money = |ore: i64| domain::money::Money::from_ore(ore).to_string();
    let m = views::translate(
        ctx.lang,
        "finance-dunning-done",
        &[
            ("reminders", r.reminders.to_string()),
            ("fees", money(r.fees_ore)),
            ("collection", r.to_collection.to_string()),
            ("broken", r.broken_arrangements.to_string()),
            ("interest_count", r.interest_posted.to_string()),
            ("interest", money(r.interest_ore)),
        ],
    );
    finance_page(&state, &ctx, Some(m), None, StatusCode::OK).await
}

pub async fn board_report_csv(State(state): State<AppState>) -> PageResult {
    let rows = state.services.credit().board_report().await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "manad",
        "segment",
        "beviljade",
        "uppskjutet_ore",
        "efterskankt_ranta_ore",
        "brutna",
    ])
    .map_err(csv_error)?;
    for r in rows {
        w.write_record([
            r.month,
            r.segment.as_str().to_owned(),
            r.granted.to_string(),
            r.deferred.ore().to_string(),
            r.interest_waived.ore().to_string(),
            r.broken.to_string(),
        ])
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(csv_response("styrelserapport.csv", body))
}

#[cfg(test)]
mod tests {
    use super::parse_percent_bp;

    #[test]
    fn percent() {
        assert_eq!(parse_percent_bp("2,00"), Some(200));
        assert_eq!(parse_percent_bp("-0.5"), Some(-50));
        assert_eq!(parse_percent_bp("3"), Some(300));
        assert_eq!(parse_percent_bp("2,555"), None);
        assert_eq!(parse_percent_bp("x"), None);
    }
}

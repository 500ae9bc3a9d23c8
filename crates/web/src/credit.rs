//! Pages of credit: the portal's extension requests, the credit officers' queue and decisions,
//! the debt-collection list, and finance's payments page (BgMax upload, matching queue,
//! reference rates, the board report).

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::credit::{Ask, Decision};
use domain::money::Money;
use services::ServiceError;
use views::Lang;
use views::credit::*;
use views::pages::FieldError;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render};
use crate::route;
use crate::routes::RouteSpec;
#[allow(unused_imports)]
use crate::routes::{COLLECTION, CREDIT, EXTENSION_FOR_CALLER, FINANCE};
use services::auth::roles::CUSTOMER;

fn reasons_of(v: &[serde_json::Value], lang: Lang) -> Vec<ReasonLine> {
    v.iter()
        .map(|r| ReasonLine {
            passed: r["passed"].as_bool().unwrap_or(false),
            text: r[if lang == Lang::En {
                "text_en"
            } else {
                "text_sv"
            }]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        })
        .collect()
}

fn what(a: &store_view::Arrangement, lang: Lang) -> String {
    match (a.kind.as_str(), lang) {
        ("extension", Lang::Sv) => format!(
            "Ny förfallodag {}",
            a.new_due_on.clone().unwrap_or_default()
        ),
        ("extension", Lang::En) => {
            format!("New due date {}", a.new_due_on.clone().unwrap_or_default())
        }
        (_, Lang::Sv) => format!("{} månadsbetalningar", a.instalments.unwrap_or(0)),
        (_, Lang::En) => format!("{} monthly instalments", a.instalments.unwrap_or(0)),
    }
}

/// The arrangement type as the web sees it (re-exported from services).
mod store_view {
    pub use services::credit::ArrangementRow as Arrangement;
}

fn line(a: &store_view::Arrangement, invoice_number: &str, lang: Lang) -> ArrangementLine {
    let reasons: Vec<serde_json::Value> = serde_json::from_str(&a.reasons).unwrap_or_default();
    ArrangementLine {
        id: a.id,
        invoice_number: invoice_number.to_owned(),
        what: what(a, lang),
        status_key: format!("arrangement-{}", a.status),
        amount_ore: a.amount_ore,
        reasons: reasons_of(&reasons, lang),
        note: a.decision_note.clone().unwrap_or_default(),
    }
}

// ---- portal -------------------------------------------------------------------------------------

async fn portal_page(
    state: &AppState,
    ctx: &Ctx,
    result: Option<ArrangementLine>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let u = ctx.user()?;
    let cid = u
        .customer_id
        .map(domain::ids::CustomerId::get)
        .ok_or(AppError::Forbidden)?;
    let (invoices, arrangements) = state.services.customer_credit(cid).await?;
    let policy = state.services.credit_policy_now().await?;
    let number_of = |id: i64| {
        invoices
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.invoice_number.clone())
            .unwrap_or_default()
    };
    let page = PortalExtensionPage {
        layout: ctx.layout(state, "extension-title").await,
        arrangements: arrangements
            .iter()
            .map(|a| line(a, &number_of(a.invoice_id), ctx.lang))
            .collect(),
        invoices: invoices
            .iter()
            .map(|i| UnpaidLine {
                id: i.id,
                invoice_number: i.invoice_number.clone(),
                ocr: i.ocr.clone(),
                due_on: i.due_on.clone(),
                outstanding_ore: i.amount_ore - i.paid_ore,
                status: i.status.clone(),
                can_ask: !matches!(i.status.as_str(), "extension" | "collection")
                    && !arrangements
                        .iter()
                        .any(|a| a.invoice_id == i.id && a.status == "referred"),
            })
            .collect(),
        max_instalments: policy.max_instalments.clamp(2, 12),
        result,
        errors,
    };
    render(status, &page)
}

pub async fn portal(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    portal_page(&state, &ctx, None, vec![], StatusCode::OK).await
}

pub async fn portal_submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let invoice = parse_id(form.get("invoice"))?;
    let ask = if form.get("kind") == "instalments" {
        match form.get("instalments").trim().parse::<u32>() {
            Ok(n) => Ask::Instalments(n),
            Err(_) => {
                let e = FieldError {
                    field: format!("n-{invoice}"),
                    message: ctx.t("extension-count"),
                };
                return portal_page(
                    &state,
                    &ctx,
                    None,
                    vec![e],
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    } else {
        match domain::time::parse_date(form.get("date").trim()) {
            Ok(d) => Ask::NewDueDate(d),
            Err(_) => {
                let e = FieldError {
                    field: format!("date-{invoice}"),
                    message: if ctx.lang == Lang::En {
                        "Write the new due date as YYYY-MM-DD, for example 2027-01-15.".into()
                    } else {
                        "Skriv den nya förfallodagen som ÅÅÅÅ-MM-DD, till exempel 2027-01-15."
                            .into()
                    },
                };
                return portal_page(
                    &state,
                    &ctx,
                    None,
                    vec![e],
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    };
    let outcome = state
        .services
        .request_extension(&actor, invoice, ask)
        .await?;
    let a = state
        .services
        .arrangement_detail(outcome.arrangement_id)
        .await?;
    let result = line(&a.arrangement, &a.invoice.invoice_number, ctx.lang);
    let status = if outcome.assessment.decision == Decision::Refuse {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    portal_page(&state, &ctx, Some(result), vec![], status).await
}

// ---- credit officers ---------------------------------------------------------------------------

pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let items = state.services.credit_queue().await?;
    let lines = items
        .iter()
        .map(|q| QueueLine {
            id: q.arrangement.id,
            customer: q.customer_name.clone(),
            invoice_number: q.invoice.invoice_number.clone(),
            what: what(&q.arrangement, ctx.lang),
            amount_ore: q.arrangement.amount_ore,
            requested: q.arrangement.created_at,
            failed: reasons_of(&q.reasons, ctx.lang)
                .into_iter()
                .filter(|r| !r.passed)
                .map(|r| r.text)
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

async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let q = state.services.arrangement_detail(id).await?;
    render(
        status,
        &CreditCasePage {
            layout: ctx.layout(state, "credit-queue-title").await,
            line: line(&q.arrangement, &q.invoice.invoice_number, ctx.lang),
            customer: q.customer_name.clone(),
            due_on: q.invoice.due_on.clone(),
            reminders_12m: q.reminders_12m,
            broken_12m: q.broken_12m,
            collections_12m: q.collections_12m,
            decidable: q.arrangement.status == "referred",
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
    let customer = parse_id(&customer)?;
    let u = ctx.user()?;
    let actor = u.actor(&ctx.address);
    let invoice = state
        .services
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
        match domain::time::parse_date(form.get("date").trim()) {
            Ok(d) => Ask::NewDueDate(d),
            Err(_) => {
                return Err(AppError::Invalid(
                    "date: skriv den nya förfallodagen som ÅÅÅÅ-MM-DD".into(),
                ));
            }
        }
    };
    let out = state
        .services
        .request_extension(&actor, invoice, ask)
        .await?;
    let mut errors = Vec::new();
    if out.assessment.decision == Decision::Refuse {
        errors.push(FieldError {
            field: "note".into(),
            message: ctx.t("arrangement-refused"),
        });
    }
    let q = state
        .services
        .arrangement_detail(out.arrangement_id)
        .await?;
    render(
        StatusCode::OK,
        &CreditCasePage {
            layout: ctx.layout(&state, "credit-queue-title").await,
            line: line(&q.arrangement, &q.invoice.invoice_number, ctx.lang),
            customer: q.customer_name.clone(),
            due_on: q.invoice.due_on.clone(),
            reminders_12m: q.reminders_12m,
            broken_12m: q.broken_12m,
            collections_12m: q.collections_12m,
            decidable: q.arrangement.status == "referred"
                && matches!(
                    u.role,
                    domain::role::Role::CreditOfficer | domain::role::Role::Admin
                ),
            errors,
        },
    )
}

pub async fn case(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    case_page(&state, &ctx, parse_id(&id)?, vec![], StatusCode::OK).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let actor = ctx.user()?.actor(&ctx.address);
    let approve = form.get("decision") == "approve";
    match state
        .services
        .decide_extension(&actor, id, approve, form.get("note"))
        .await
    {
        Ok(()) => {
            let items = state.services.credit_queue().await?;
            let _ = items;
            let mut resp = axum::response::Redirect::to("/kredit").into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            case_page(
                &state,
                &ctx,
                id,
                vec![FieldError {
                    field: field.to_owned(),
                    message: views::explain(ctx.lang, &message),
                }],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn collection(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let rows = state
        .services
        .collection_with_interest(state.services.today())
        .await?;
    render(
        StatusCode::OK,
        &CollectionPage {
            layout: ctx.layout(&state, "credit-collection").await,
            lines: rows
                .into_iter()
                .map(|(i, name, since, interest)| CollectionLine {
                    customer: name,
                    invoice_number: i.invoice_number,
                    ocr: i.ocr,
                    due_on: i.due_on,
                    outstanding_ore: i.amount_ore - i.paid_ore,
                    interest_ore: interest,
                    since: since.unwrap_or_default(),
                })
                .collect(),
        },
    )
}

fn csv_response(name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn collection_csv(State(state): State<AppState>) -> PageResult {
    let rows = state
        .services
        .collection_with_interest(state.services.today())
        .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    w.write_record([
        "kund",
        "fakturanummer",
        "ocr",
        "forfallodag",
        "kvar_ore",
        "upplupen_ranta_ore",
        "pa_listan_sedan",
    ])
    .map_err(csv_err)?;
    for (i, name, since, interest) in rows {
        w.write_record([
            name,
            i.invoice_number,
            i.ocr,
            i.due_on,
            (i.amount_ore - i.paid_ore).to_string(),
            interest.to_string(),
            since.unwrap_or_default(),
        ])
        .map_err(csv_err)?;
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
    let unmatched = state.services.unmatched_payments(200).await?;
    let rates = state.services.reference_rates().await?;
    let collection = state.services.collection_list().await?.len();
    let pct = |bp: i32| format!("{},{:02}", bp / 100, (bp % 100).abs()).replace("0,-", "-0,");
    render(
        status,
        &FinancePage {
            layout: ctx.layout(state, "finance-title").await,
            unmatched: unmatched
                .into_iter()
                .map(|u| UnmatchedLine {
                    id: u.id,
                    paid_on: u.paid_on,
                    amount_ore: u.amount_ore,
                    reference: u.reference,
                    payer: u.payer.unwrap_or_default(),
                })
                .collect(),
            rates: rates
                .iter()
                .rev()
                .map(|r| RateLine {
                    valid_from: r.valid_from.to_string(),
                    rate: pct(r.rate_bp),
                    late: pct((r.rate_bp + domain::credit::LATE_INTEREST_MARGIN_BP).max(0)),
                })
                .collect(),
            collection_count: collection,
            message,
            error,
        },
    )
}

pub async fn finance(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    finance_page(&state, &ctx, None, None, StatusCode::OK).await
}

pub async fn upload_bgmax(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let mut bytes = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        if field.name() == Some("file") {
            bytes = Some(field.bytes().await.map_err(|_| AppError::BadRequest)?);
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        let e = if ctx.lang == Lang::En {
            "Choose a file."
        } else {
            "Välj en fil."
        };
        return finance_page(
            &state,
            &ctx,
            None,
            Some(e.into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state.services.import_bgmax(&actor, &bytes).await {
        Ok(r) => {
            let m = if ctx.lang == Lang::En {
                format!(
                    "{} payments ({}) imported: {} matched, {} to the matching queue, {} already imported.",
                    r.payments,
                    Money::from_ore(r.amount_ore),
                    r.matched,
                    r.unmatched,
                    r.already_imported
                )
            } else {
                format!(
                    "{} betalningar ({}) inlästa: {} matchade, {} till matchningskön, {} redan inlästa.",
                    r.payments,
                    Money::from_ore(r.amount_ore),
                    r.matched,
                    r.unmatched,
                    r.already_imported
                )
            };
            finance_page(&state, &ctx, Some(m), None, StatusCode::OK).await
        }
        Err(services::credit::ImportError::Service(e)) => Err(e.into()),
        Err(e) => {
            let m = if ctx.lang == Lang::En {
                format!("Nothing was imported: {e}")
            } else {
                format!("Inget lästes in: {e}")
            };
            finance_page(
                &state,
                &ctx,
                None,
                Some(m),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn match_payment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let actor = ctx.user()?.actor(&ctx.address);
    match state
        .services
        .match_payment(&actor, id, form.get("invoice"))
        .await
    {
        Ok(()) => finance_page(&state, &ctx, Some(ctx.t("saved")), None, StatusCode::OK).await,
        Err(
            ServiceError::Invalid(domain::problem::Invalid {
                problem: message, ..
            })
            | ServiceError::Conflict(message),
        ) => {
            finance_page(
                &state,
                &ctx,
                None,
                Some(views::explain(ctx.lang, &message)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn set_rate(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.user()?.actor(&ctx.address);
    let day = domain::time::parse_date(form.get("valid_from").trim());
    let rate = parse_percent_bp(form.get("rate"));
    let r = match (day, rate) {
        (Ok(d), Some(bp)) => state.services.set_reference_rate(&actor, d, bp).await,
        _ => Err(ServiceError::invalid(
            "rate",
            "skriv datum som ÅÅÅÅ-MM-DD och räntan i procent, till exempel 2,00",
        )),
    };
    match r {
        Ok(()) => finance_page(&state, &ctx, Some(ctx.t("saved")), None, StatusCode::OK).await,
        Err(ServiceError::Invalid(domain::problem::Invalid {
            problem: message, ..
        })) => {
            finance_page(
                &state,
                &ctx,
                None,
                Some(views::explain(ctx.lang, &message)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
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
    let r = state.services.run_dunning(state.services.today()).await?;
    let m = if ctx.lang == Lang::En {
        format!(
            "{} reminders ({} in fees), {} to debt collection, {} broken arrangements, interest on {} invoices ({}).",
            r.reminders,
            Money::from_ore(r.fees_ore),
            r.to_collection,
            r.broken_arrangements,
            r.interest_posted,
            Money::from_ore(r.interest_ore)
        )
    } else {
        format!(
            "{} påminnelser ({} i avgifter), {} till inkasso, {} brutna överenskommelser, ränta på {} fakturor ({}).",
            r.reminders,
            Money::from_ore(r.fees_ore),
            r.to_collection,
            r.broken_arrangements,
            r.interest_posted,
            Money::from_ore(r.interest_ore)
        )
    };
    finance_page(&state, &ctx, Some(m), None, StatusCode::OK).await
}

pub async fn board_report_csv(State(state): State<AppState>) -> PageResult {
    let rows = state.services.board_report().await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    w.write_record([
        "manad",
        "segment",
        "beviljade",
        "uppskjutet_ore",
        "efterskankt_ranta_ore",
        "brutna",
    ])
    .map_err(csv_err)?;
    for r in rows {
        w.write_record([
            r.month,
            r.segment,
            r.granted.to_string(),
            r.deferred_ore.to_string(),
            r.interest_waived_ore.to_string(),
            r.broken.to_string(),
        ])
        .map_err(csv_err)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(csv_response("styrelserapport.csv", body))
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        // Credit.
        route!(get, "/mina-sidor/anstand", Access::Roles(CUSTOMER), portal),
        route!(
            post,
            "/mina-sidor/anstand",
            Access::Roles(CUSTOMER),
            portal_submit
        ),
        route!(get, "/kredit", Access::Roles(CREDIT), queue),
        route!(
            post,
            "/kunder/{id}/anstand",
            Access::Roles(EXTENSION_FOR_CALLER),
            agent_request
        ),
        route!(
            get,
            "/kredit/inkasso",
            Access::Roles(COLLECTION),
            collection
        ),
        route!(
            get,
            "/kredit/inkasso.csv",
            Access::Roles(COLLECTION),
            collection_csv
        ),
        route!(get, "/kredit/{id}", Access::Roles(CREDIT), case),
        route!(post, "/kredit/{id}/beslut", Access::Roles(CREDIT), decide),
        route!(get, "/ekonomi", Access::Roles(FINANCE), finance),
        // A day's BgMax file is small, but a month's can be tens of megabytes.
        route!(
            post,
            "/ekonomi/betalningar/{id}/matcha",
            Access::Roles(FINANCE),
            match_payment
        ),
        route!(
            post,
            "/ekonomi/referensranta",
            Access::Roles(FINANCE),
            set_rate
        ),
        route!(
            post,
            "/ekonomi/paminnelsekorning",
            Access::Roles(FINANCE),
            run_dunning
        ),
        route!(
            get,
            "/ekonomi/styrelserapport.csv",
            Access::Roles(FINANCE),
            board_report_csv
        ),
    ]
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

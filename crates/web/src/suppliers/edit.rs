//! Adding and editing a supplier, and importing the register's file (finance and admins).

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use domain::ids::SupplierId;
use domain::suppliers::{PayTo, SizeClass, Trade};
use services::ServiceError;
use services::import::ImportError;
use services::suppliers::{SupplierInput, roles};
use views::Lang;
use views::pages::FieldError;
use views::suppliers::{SupplierEditPage, SupplierForm};

use super::refused;
use super::staff::list_page;
use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, id_of, render, see_other};

fn trades_of(lang: Lang, ticked: &[Trade]) -> Vec<(String, String, bool)> {
    Trade::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_owned(),
                views::label(lang, *t),
                ticked.contains(t),
            )
        })
        .collect()
}

fn form_of(lang: Lang, f: &FormData) -> SupplierForm {
    let ticked: Vec<Trade> = Trade::ALL
        .iter()
        .copied()
        .filter(|t| f.get(&format!("trade_{}", t.as_str())) == "true")
        .collect();
    SupplierForm {
        org_number: f.get("org_number").to_owned(),
        name: f.get("name").to_owned(),
        vat_number: f.get("vat_number").to_owned(),
        f_skatt: f.get("f_skatt") == "true",
        bankgiro: f.get("bankgiro").to_owned(),
        plusgiro: f.get("plusgiro").to_owned(),
        iban: f.get("iban").to_owned(),
        bic: f.get("bic").to_owned(),
        municipality: f.get("municipality").to_owned(),
        size: f.get("size").to_owned(),
        terms_days: f.get("terms_days").to_owned(),
        trades: trades_of(lang, &ticked),
        active: f.get("active") == "true",
        contact_name: f.get("contact_name").to_owned(),
        contact_email: f.get("contact_email").to_owned(),
        contact_phone: f.get("contact_phone").to_owned(),
    }
}

fn input_of(form: &SupplierForm) -> SupplierInput {
    SupplierInput {
        org_number: form.org_number.clone(),
        name: form.name.clone(),
        vat_number: form.vat_number.clone(),
        f_skatt: form.f_skatt,
        bankgiro: form.bankgiro.clone(),
        plusgiro: form.plusgiro.clone(),
        iban: form.iban.clone(),
        bic: form.bic.clone(),
        municipality: form.municipality.clone(),
        size: form.size.clone(),
        terms_days: form.terms_days.clone(),
        trades: form
            .trades
            .iter()
            .filter(|(_, _, on)| *on)
            .map(|(code, _, _)| code.clone())
            .collect(),
        active: form.active,
        contact_name: form.contact_name.clone(),
        contact_email: form.contact_email.clone(),
        contact_phone: form.contact_phone.clone(),
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    form: SupplierForm,
    errors: Vec<FieldError>,
) -> PageResult {
    ctx.actor().require(roles::MANAGE)?;
    let page = SupplierEditPage {
        layout: ctx.layout(state, "suppliers-list-title").await,
        id,
        form,
        sizes: SizeClass::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), views::label(ctx.lang, *s)))
            .collect(),
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(status, &page)
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let form = SupplierForm {
        f_skatt: true,
        active: true,
        size: SizeClass::Small.as_str().into(),
        terms_days: domain::suppliers::LAW_TERMS_DAYS.to_string(),
        trades: trades_of(ctx.lang, &[]),
        ..Default::default()
    };
    page(&state, &ctx, None, form, Vec::new()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id: SupplierId = id_of(&id)?;
    let d = state.services.suppliers().detail(&ctx.actor(), id).await?;
    let s = &d.supplier;
    let (bankgiro, plusgiro, iban, bic) = match &s.pay_to {
        Some(PayTo::Bankgiro(b)) => (b.to_string(), String::new(), String::new(), String::new()),
        Some(PayTo::Plusgiro(p)) => (String::new(), p.to_string(), String::new(), String::new()),
        Some(PayTo::Iban { iban, bic }) => (
            String::new(),
            String::new(),
            iban.to_string(),
            bic.as_str().to_owned(),
        ),
        None => Default::default(),
    };
    let contact = d.contacts.first();
    let form = SupplierForm {
        org_number: s.org_number.to_string(),
        name: s.name.clone(),
        vat_number: s
            .vat_number
            .as_ref()
            .map_or(String::new(), |v| v.as_str().to_owned()),
        f_skatt: s.f_skatt,
        bankgiro,
        plusgiro,
        iban,
        bic,
        municipality: s.municipality.clone(),
        size: s.size.as_str().into(),
        terms_days: s.terms_days.to_string(),
        trades: trades_of(ctx.lang, &s.trades),
        active: s.active,
        contact_name: contact.map_or(String::new(), |c| c.name.clone()),
        contact_email: contact.and_then(|c| c.email.clone()).unwrap_or_default(),
        contact_phone: contact.and_then(|c| c.phone.clone()).unwrap_or_default(),
    };
    page(&state, &ctx, Some(id.get()), form, Vec::new()).await
}

async fn save(state: &AppState, ctx: &Ctx, id: Option<SupplierId>, f: &FormData) -> PageResult {
    let form = form_of(ctx.lang, f);
    match state
        .services
        .suppliers()
        .save(&ctx.actor(), id, &input_of(&form))
        .await
    {
        Ok(saved) => Ok(see_other(&format!("/leverantorer/{saved}"))),
        Err(e) => {
            let errors = refused(ctx.lang, e)?;
            page(state, ctx, id.map(|i| i.get()), form, errors).await
        }
    }
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, f: FormData) -> PageResult {
    save(&state, &ctx, None, &f).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    f: FormData,
) -> PageResult {
    let id: SupplierId = id_of(&id)?;
    save(&state, &ctx, Some(id), &f).await
}

pub async fn import(State(state): State<AppState>, ctx: Ctx, multipart: Multipart) -> PageResult {
    let Some(bytes) = crate::pages::uploaded(multipart, "file").await? else {
        let errors = vec![FieldError {
            field: "file".into(),
            message: ctx.t("suppliers-choose-file"),
        }];
        return list_page(&state, &ctx, None, errors).await;
    };
    match state
        .services
        .suppliers()
        .import(&ctx.actor(), &bytes, false)
        .await
    {
        Ok(c) => {
            let said = views::translate(
                ctx.lang,
                "suppliers-imported",
                &[
                    ("inserted", c.inserted.to_string()),
                    ("updated", c.updated.to_string()),
                    ("unchanged", c.unchanged.to_string()),
                ],
            );
            list_page(&state, &ctx, Some(said), Vec::new()).await
        }
        Err(ImportError::Line(l)) => {
            let message = views::translate(
                ctx.lang,
                "suppliers-not-imported",
                &[
                    ("line", l.line.to_string()),
                    ("field", l.field.to_owned()),
                    ("reason", views::explain(ctx.lang, &l.problem)),
                ],
            );
            let errors = vec![FieldError {
                field: "file".into(),
                message,
            }];
            list_page(&state, &ctx, None, errors).await
        }
        Err(ImportError::Service(ServiceError::Invalid(i))) => {
            let errors = vec![FieldError {
                field: "file".into(),
                message: views::explain(ctx.lang, &i.problem),
            }];
            list_page(&state, &ctx, None, errors).await
        }
        Err(ImportError::Service(e)) => Err(e.into()),
    }
}

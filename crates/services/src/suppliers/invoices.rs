//! Invoices from suppliers, recorded by hand (e-invoices arrive the same way once read): each
//! falls due on the supplier's terms counted from the day it was received, or on the shorter
//! terms of an offer the supplier accepted that covers that day.

use domain::ids::{SupplierId, SupplierInvoiceId};
use domain::money::Money;
use domain::problem::{Invalid, Problem};
use domain::suppliers::{InvoiceKind, OfferState, terms};
use jiff::civil::Date;
use store::suppliers::{NewSupplierInvoice, OfferRow, SupplierRow};

use super::{Suppliers, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// An invoice as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceInput {
    pub supplier_id: Option<SupplierId>,
    pub kind: String,
    pub number: String,
    pub issue_date: String,
    /// Empty: today.
    pub received_on: String,
    /// VAT included, in kronor as written (`12 500,00`).
    pub amount: String,
    pub vat: String,
    pub order_reference: String,
    pub payment_reference: String,
}

/// The accepted offer whose shorter terms cover an invoice received on `received`.
pub(super) fn covering_offer(offers: &[OfferRow], received: Date) -> Option<&OfferRow> {
    offers
        .iter()
        .filter(|o| o.state == OfferState::Accepted)
        .filter(|o| o.applies_from <= received && o.applies_until.is_none_or(|u| received < u))
        .min_by_key(|o| o.days)
}

/// The terms and due date of an invoice from `supplier` received on `received`.
pub(super) fn due(
    supplier: &SupplierRow,
    offers: &[OfferRow],
    received: Date,
) -> (u32, Date, Option<domain::ids::SupplierOfferId>) {
    let offer = covering_offer(offers, received);
    let days = terms::days(supplier.terms_days, offer.map(|o| o.days));
    (days, terms::due_date(received, days), offer.map(|o| o.id))
}

fn date(field: &'static str, value: &str) -> std::result::Result<Date, Invalid> {
    domain::time::parse_date(value.trim()).map_err(|e| Invalid::new(field, Problem::Date(e)))
}

fn money(field: &'static str, value: &str) -> std::result::Result<Money, Invalid> {
    domain::money::parse_kronor(value).map_err(|e| Invalid::new(field, Problem::Money(e)))
}

impl Suppliers {
    /// Records an invoice (or credit note); the same number from the same supplier twice is one
    /// invoice (the second call returns the first's id).
    pub async fn record_invoice(
        &self,
        actor: &Actor,
        input: &InvoiceInput,
    ) -> Result<SupplierInvoiceId> {
        Self::require(actor, roles::MANAGE)?;
        let supplier_id = input
            .supplier_id
            .ok_or(ServiceError::invalid("supplier_id", Problem::Required))?;
        let store = self.s.store();
        let supplier = store::suppliers::supplier(store, supplier_id)
            .await?
            .ok_or(ServiceError::invalid("supplier_id", Problem::Required))?;
        let kind = match input.kind.trim() {
            "" => InvoiceKind::Invoice,
            k => domain::code::parse_code::<InvoiceKind>(k)
                .map_err(|e| ServiceError::invalid("kind", e))?,
        };
        let number = input.number.trim();
        if number.is_empty() {
            return Err(ServiceError::invalid("number", Problem::Required));
        }
        if number.chars().count() > 60 {
            return Err(ServiceError::invalid(
                "number",
                Problem::TooLong { max: 60 },
            ));
        }
        let issue_date = date("issue_date", &input.issue_date).map_err(ServiceError::Invalid)?;
        let received_on = match input.received_on.trim() {
            "" => self.s.today(),
            r => date("received_on", r).map_err(ServiceError::Invalid)?,
        };
        if received_on < issue_date {
            return Err(ServiceError::invalid(
                "received_on",
                Problem::EndsBeforeStart,
            ));
        }
        let amount = money("amount", &input.amount).map_err(ServiceError::Invalid)?;
        let vat = match input.vat.trim() {
            "" => Money::ZERO,
            v => money("vat", v).map_err(ServiceError::Invalid)?,
        };
        let offers: Vec<OfferRow> = store::suppliers::offers(store)
            .await?
            .into_iter()
            .filter(|o| o.supplier_id == supplier_id)
            .collect();
        let (terms_days, due_date, offer_id) = due(&supplier, &offers, received_on);
        let optional = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
        let (order_reference, payment_reference) = (
            optional(&input.order_reference),
            optional(&input.payment_reference),
        );
        let mut tx = store.begin().await?;
        let inserted = store::suppliers::insert_invoice(
            &mut tx,
            &NewSupplierInvoice {
                supplier_id,
                kind,
                number,
                issue_date,
                received_on,
                terms_days,
                due_date,
                offer_id,
                amount,
                vat,
                order_reference: order_reference.as_deref(),
                payment_reference: payment_reference.as_deref(),
                buyer_reference: None,
            },
            self.s.now_micros(),
        )
        .await?;
        let id = match inserted {
            Some(id) => {
                self.audit(
                    &mut tx,
                    actor,
                    "supplier_invoice_recorded",
                    "supplier_invoice",
                    id.get(),
                    "",
                )
                .await?;
                id
            }
            None => store::suppliers::invoices_of(store, supplier_id)
                .await?
                .into_iter()
                .find(|i| i.kind == kind && i.number == number)
                .map(|i| i.id)
                .ok_or(ServiceError::NotFound)?,
        };
        tx.commit().await?;
        Ok(id)
    }
}

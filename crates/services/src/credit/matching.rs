//! The manual matching queue: payments with an unknown reference, deductions and
//! over-payments, matched by a person to an invoice named by OCR reference or number.

use domain::credit::CreditProblem;
use domain::ids::PaymentId;
use store::credit::UnmatchedPayment;

use super::Credit;
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

impl Credit {
    /// Payments waiting for a person: unknown references, deductions and over-payments.
    pub async fn unmatched_payments(&self, limit: i64) -> Result<Vec<UnmatchedPayment>> {
        Ok(store::credit::unmatched(self.s.store(), limit).await?)
    }

    /// Matches a queued payment to an invoice named by OCR or invoice number. An unknown
    /// invoice is refused on the field `invoice`; a payment matched meanwhile is a conflict.
    pub async fn match_payment(
        &self,
        actor: &Actor,
        payment: PaymentId,
        invoice_key: &str,
    ) -> Result<()> {
        let invoice = store::credit::invoice_by_ocr_or_number(self.s.store(), invoice_key.trim())
            .await?
            .ok_or_else(|| ServiceError::invalid("invoice", CreditProblem::NoSuchInvoice))?;
        let mut tx = self.s.store().begin().await?;
        let Some((amount, paid_on)) =
            store::credit::match_payment(&mut tx, payment, invoice.id, invoice.customer_id).await?
        else {
            return Err(ServiceError::conflict(CreditProblem::AlreadyMatched));
        };
        store::credit::apply_payments(&mut tx, &[(invoice.id, amount, paid_on)]).await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "payment_matched",
                object_kind: "payment",
                object_id: &payment.to_string(),
                outcome: Outcome::Success,
                detail: &invoice.ocr,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

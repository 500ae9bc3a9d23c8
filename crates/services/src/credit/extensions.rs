//! Requests for more time to pay (a later due date or instalments), assessed against the
//! credit policy in force: approved at once within it, referred to a credit officer outside
//! it, refused when impossible. The reasons are kept with the request.

use domain::credit::{
    ArrangementKind, ArrangementSource, ArrangementStatus, Ask, Assessment, CreditProblem,
    ExtensionRequest, InvoiceState, InvoiceStatus, PaymentHistory,
};
use domain::ids::{ArrangementId, CustomerId, InvoiceId};
use domain::problem::Problem;
use domain::role::Role;
use jiff::civil::Date;
use store::credit::{ArrangementRow, CreditInvoice};

use super::{Credit, roles};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// What a request for more time came to.
#[derive(Debug, Clone)]
pub struct ExtensionOutcome {
    pub arrangement_id: ArrangementId,
    pub assessment: Assessment,
}

/// A request with what the credit officer needs to decide it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub arrangement: ArrangementRow,
    pub invoice: CreditInvoice,
    pub customer_name: String,
    pub reminders_12m: usize,
    pub broken_12m: usize,
    pub collections_12m: usize,
}

/// Where an invoice stands for the extension rules, from its ledger status on `today`.
pub(super) fn invoice_state(i: &CreditInvoice, today: Date) -> InvoiceState {
    match i.status {
        InvoiceStatus::Paid => InvoiceState::Paid,
        InvoiceStatus::Extension => InvoiceState::InExtension,
        InvoiceStatus::Collection => InvoiceState::WithCollection,
        _ if i.paid >= i.amount => InvoiceState::Paid,
        _ if i.due_on < today => InvoiceState::Overdue,
        _ if i.paid.ore() > 0 => InvoiceState::PartlyPaid,
        _ => InvoiceState::Open,
    }
}

/// The request an assessment reads for an invoice.
pub(super) fn extension_request(i: &CreditInvoice, today: Date, ask: Ask) -> ExtensionRequest {
    ExtensionRequest {
        outstanding_ore: i.amount.ore() - i.paid.ore(),
        due: i.due_on,
        state: invoice_state(i, today),
        ask,
    }
}

impl Credit {
    /// A customer's payment history over the last `months` (at most fifty years).
    pub(super) async fn payment_history(
        &self,
        customer: CustomerId,
        months: u32,
    ) -> Result<PaymentHistory> {
        let today = self.s.today();
        let since = today
            .checked_sub(jiff::Span::new().months(i64::from(months.min(600))))
            .unwrap_or(today);
        Ok(store::credit::history(self.s.store(), customer, since).await?)
    }

    /// A customer (portal) or an agent (phone) asks for a new due date or instalments. Within
    /// the policy in force it is approved at once; otherwise it goes to the credit officers'
    /// queue; impossible requests are refused. The reasons are kept with the request.
    pub async fn request_extension(
        &self,
        actor: &Actor,
        invoice_id: InvoiceId,
        ask: Ask,
    ) -> Result<ExtensionOutcome> {
        let invoice = store::credit::credit_invoice(self.s.store(), invoice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let source = match actor.role {
            Some(Role::Customer) => {
                if actor.customer_id != Some(invoice.customer_id) {
                    return Err(ServiceError::NotFound);
                }
                ArrangementSource::Portal
            }
            Some(r) if roles::EXTENSION_FOR_CALLER.contains(&r) => ArrangementSource::Agent,
            _ => return Err(ServiceError::Forbidden),
        };
        let policy = self.policy_now().await?;
        let today = self.s.today();
        let history = self
            .payment_history(invoice.customer_id, policy.require_clean_history_months)
            .await?;
        let req = extension_request(&invoice, today, ask);
        let assessment = domain::credit::assess_extension(&req, &history, &policy, today);
        let (kind, new_due, instalments) = match ask {
            Ask::NewDueDate(d) => (ArrangementKind::Extension, Some(d), None),
            Ask::Instalments(n) => (
                ArrangementKind::Instalments,
                assessment.schedule.last().map(|s| s.0),
                Some(i64::from(n)),
            ),
        };
        let status = ArrangementStatus::of(assessment.decision);
        let mut tx = self.s.store().begin().await?;
        let new = store::credit::NewArrangement {
            invoice_id,
            customer_id: invoice.customer_id,
            kind,
            status,
            source,
            original_due_on: invoice.due_on,
            new_due_on: new_due,
            instalments,
            amount: domain::money::Money::from_ore(req.outstanding_ore),
            waive_interest: policy.waive_interest,
            reasons: &assessment.reasons,
            requested_by: &actor.name,
            decided_by: (status != ArrangementStatus::Referred).then_some("policy"),
            now: self.s.now_micros(),
        };
        // A request the policy grants by itself replaces a referral still waiting (the
        // customer asked again after the policy changed).
        if status == ArrangementStatus::Approved {
            store::credit::withdraw_referrals_of(&mut tx, invoice_id, "policy", new.now).await?;
        }
        // One open request per invoice, kept by a unique index: of two sent at once, the
        // second is refused here whatever either read before.
        let id = store::credit::insert_arrangement(&mut tx, &new)
            .await
            .map_err(|e| {
                if e.is_conflict_on("arrangements_open_per_invoice_key")
                    || e.is_conflict_on("arrangements.invoice_id")
                {
                    ServiceError::conflict(CreditProblem::AlreadyRequested)
                } else {
                    e.into()
                }
            })?;
        if !assessment.schedule.is_empty() && kind == ArrangementKind::Instalments {
            store::credit::insert_instalments(&mut tx, id, &assessment.schedule).await?;
        }
        if status == ArrangementStatus::Approved {
            store::credit::set_invoice_status(&mut tx, invoice_id, InvoiceStatus::Extension)
                .await?;
        }
        let event = Event {
            action: "extension_requested",
            object_kind: "arrangement",
            object_id: &id.to_string(),
            outcome: Outcome::Success,
            detail: status.as_str(),
        };
        audit::record(&mut tx, &self.s, actor, &event).await?;
        tx.commit().await?;
        Ok(ExtensionOutcome {
            arrangement_id: id,
            assessment,
        })
    }

    /// A customer's invoice by its number or OCR reference (404 when it is someone else's).
    pub async fn invoice_by_number_for(
        &self,
        customer: CustomerId,
        number: &str,
    ) -> Result<InvoiceId> {
        match store::credit::invoice_by_ocr_or_number(self.s.store(), number).await? {
            Some(i) if i.customer_id == customer => Ok(i.id),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The credit officers' queue: referred requests, oldest first, with payment history.
    pub async fn credit_queue(&self) -> Result<Vec<QueueItem>> {
        let referred = store::credit::arrangements_with_status(
            self.s.store(),
            ArrangementStatus::Referred,
            200,
        )
        .await?;
        let mut out = Vec::with_capacity(referred.len());
        for a in referred {
            out.push(self.queue_item(a).await?);
        }
        Ok(out)
    }

    /// One request with its invoice and the customer's history.
    pub async fn arrangement_detail(&self, id: ArrangementId) -> Result<QueueItem> {
        let a = store::credit::arrangement(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.queue_item(a).await
    }

    async fn queue_item(&self, a: ArrangementRow) -> Result<QueueItem> {
        let invoice = store::credit::credit_invoice(self.s.store(), a.invoice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let customer = store::customers::get(self.s.store(), a.customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let h = self.payment_history(a.customer_id, 12).await?;
        Ok(QueueItem {
            reminders_12m: h.reminders.len(),
            broken_12m: h.broken_arrangements.len(),
            collections_12m: h.debt_collections.len(),
            arrangement: a,
            invoice,
            customer_name: customer.name,
        })
    }

    /// A credit officer decides a referred request, saying why (the note is required and kept
    /// in the history). A request decided meanwhile is a conflict.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: ArrangementId,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        if !actor.role.is_some_and(|r| roles::CREDIT.contains(&r)) {
            return Err(ServiceError::Forbidden);
        }
        if note.trim().is_empty() {
            return Err(ServiceError::invalid("note", Problem::ReasonRequired));
        }
        let a = store::credit::arrangement(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // Four eyes: whoever filed a referral (an officer taking a call) does not decide it.
        if a.requested_by == actor.name {
            return Err(ServiceError::conflict(CreditProblem::OwnRequest));
        }
        let status = if approve {
            ArrangementStatus::Approved
        } else {
            ArrangementStatus::Refused
        };
        let mut tx = self.s.store().begin().await?;
        let now = self.s.now_micros();
        if !store::credit::decide(&mut tx, id, status, &actor.name, note.trim(), now).await? {
            return Err(ServiceError::conflict(CreditProblem::AlreadyDecided));
        }
        if approve {
            store::credit::set_invoice_status(&mut tx, a.invoice_id, InvoiceStatus::Extension)
                .await?;
        }
        let event = Event {
            action: "extension_decided",
            object_kind: "arrangement",
            object_id: &id.to_string(),
            outcome: Outcome::Success,
            detail: status.as_str(),
        };
        audit::record(&mut tx, &self.s, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A customer's unpaid invoices and their arrangements (newest first).
    pub async fn customer_credit(
        &self,
        customer: CustomerId,
    ) -> Result<(Vec<CreditInvoice>, Vec<ArrangementRow>)> {
        Ok((
            store::credit::unpaid_invoices_of(self.s.store(), customer).await?,
            store::credit::customer_arrangements(self.s.store(), customer).await?,
        ))
    }

    /// A customer's arrangements still in play (with a credit officer, or approved).
    pub async fn arrangements_in_play(&self, customer: CustomerId) -> Result<Vec<ArrangementRow>> {
        Ok(
            store::credit::customer_arrangements(self.s.store(), customer)
                .await?
                .into_iter()
                .filter(|a| {
                    matches!(
                        a.status,
                        ArrangementStatus::Referred | ArrangementStatus::Approved
                    )
                })
                .collect(),
        )
    }
}

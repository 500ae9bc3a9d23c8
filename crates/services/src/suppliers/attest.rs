//! Attestation of suppliers' invoices in two steps (the person who ordered confirms delivery,
//! then a budget owner approves the amount within their role's limit), disputes with a reason,
//! and credit notes that settle invoices. The rules are `domain::suppliers::pay`'s; each step is
//! taken once (the store changes a row only from the state the rule saw).

use domain::ids::SupplierInvoiceId;
use domain::problem::Problem;
use domain::role::Role;
use domain::suppliers::pay::{self, Settling};
use domain::suppliers::{InvoiceState, SupplierProblem};
use store::suppliers::SupplierInvoiceRow;
use store::suppliers::payments as db;

use super::Suppliers;
use crate::Actor;
use crate::error::{Result, ServiceError};

fn conflict(p: SupplierProblem) -> ServiceError {
    ServiceError::conflict(p)
}

fn settling(i: &SupplierInvoiceRow) -> Settling {
    Settling {
        kind: i.kind,
        state: i.state,
        amount: i.amount,
        credited: i.credited,
    }
}

impl Suppliers {
    /// What waits for attestation (invoices in either step or in dispute) and the credit notes
    /// not yet used, by due date, for whoever attests.
    pub async fn awaiting_attestation(&self, actor: &Actor) -> Result<Vec<SupplierInvoiceRow>> {
        Self::require(actor, pay::RECEIPT_ROLES)?;
        Ok(db::awaiting(self.s.store()).await?)
    }

    async fn invoice_for(&self, id: SupplierInvoiceId) -> Result<SupplierInvoiceRow> {
        db::invoice(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The first step: the delivery is confirmed by someone who orders work.
    pub async fn attest(&self, actor: &Actor, id: SupplierInvoiceId) -> Result<InvoiceState> {
        Self::require(actor, pay::RECEIPT_ROLES)?;
        let invoice = self.invoice_for(id).await?;
        let next = pay::attest_receipt(invoice.kind, invoice.state).map_err(conflict)?;
        // An invoice matched to a work order is attested by whoever placed the order; finance
        // and admins may stand in (someone away, someone gone).
        let stands_in = matches!(actor.role, None | Some(Role::Finance | Role::Admin));
        if let Some(order) = invoice.work_order_id
            && !stands_in
            && let Some(order) = store::suppliers::work::work_order(self.s.store(), order).await?
            && order.ordered_by != actor.name
        {
            return Err(conflict(SupplierProblem::NotOrderer {
                orderer: order.ordered_by,
            }));
        }
        let mut tx = self.s.store().begin().await?;
        if !db::attest(&mut tx, id, &actor.name).await? {
            return Err(conflict(SupplierProblem::NotAwaiting {
                state: invoice.state,
            }));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_invoice_attested",
            "supplier_invoice",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The second step: a budget owner, not the first attester, approves what is left to pay
    /// within their role's limit.
    pub async fn approve(&self, actor: &Actor, id: SupplierInvoiceId) -> Result<InvoiceState> {
        Self::require(actor, pay::BUDGET_ROLES)?;
        let invoice = self.invoice_for(id).await?;
        let limits = self.payment_settings().await?.limits;
        // The system (a script with no role) approves as an admin would; people by their role.
        let role = actor.role.unwrap_or(domain::role::Role::Admin);
        let next = pay::approve_budget(
            invoice.state,
            invoice.attested_by.as_deref(),
            &actor.name,
            role,
            invoice.left_to_pay(),
            &limits,
        )
        .map_err(conflict)?;
        let mut tx = self.s.store().begin().await?;
        if !db::approve(&mut tx, id, &actor.name).await? {
            return Err(conflict(SupplierProblem::NotAwaiting {
                state: invoice.state,
            }));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_invoice_approved",
            "supplier_invoice",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Holds an open invoice back with a reason (told to the supplier); an invoice already in a
    /// payment that has not come back cannot be held.
    pub async fn dispute(&self, actor: &Actor, id: SupplierInvoiceId, reason: &str) -> Result<()> {
        Self::require(actor, pay::RECEIPT_ROLES)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", Problem::ReasonRequired));
        }
        if reason.chars().count() > 500 {
            return Err(ServiceError::invalid(
                "reason",
                Problem::TooLong { max: 500 },
            ));
        }
        let invoice = self.invoice_for(id).await?;
        pay::dispute(invoice.state).map_err(conflict)?;
        let mut tx = self.s.store().begin().await?;
        if !db::dispute(&mut tx, id, reason).await? {
            return Err(conflict(SupplierProblem::NotAwaiting {
                state: invoice.state,
            }));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_invoice_disputed",
            "supplier_invoice",
            id.get(),
            reason,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A dispute settled with the supplier: the invoice is attested anew.
    pub async fn resolve_dispute(&self, actor: &Actor, id: SupplierInvoiceId) -> Result<()> {
        Self::require(actor, pay::RECEIPT_ROLES)?;
        let invoice = self.invoice_for(id).await?;
        pay::resolve_dispute(invoice.state).map_err(conflict)?;
        let mut tx = self.s.store().begin().await?;
        if !db::resolve_dispute(&mut tx, id).await? {
            return Err(conflict(SupplierProblem::NotAwaiting {
                state: invoice.state,
            }));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_dispute_resolved",
            "supplier_invoice",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses a credit note on an invoice of the same supplier: the invoice has that much less to
    /// pay and, with nothing left, is settled. Returns the invoice's state afterwards.
    pub async fn settle_credit_note(
        &self,
        actor: &Actor,
        credit_note: SupplierInvoiceId,
        invoice: SupplierInvoiceId,
    ) -> Result<InvoiceState> {
        Self::require(actor, super::roles::MANAGE)?;
        let credit = self.invoice_for(credit_note).await?;
        let target = self.invoice_for(invoice).await?;
        if credit.supplier_id != target.supplier_id {
            return Err(conflict(SupplierProblem::OtherSupplier));
        }
        let s = pay::settle(settling(&target), settling(&credit)).map_err(conflict)?;
        let mut tx = self.s.store().begin().await?;
        // Refused when either moved since they were read, or a payment holds the invoice.
        if !db::settle(&mut tx, credit_note, &target, s.credited, s.invoice_state).await? {
            return Err(conflict(SupplierProblem::NotAwaiting {
                state: target.state,
            }));
        }
        let detail = format!("credit note {}", credit_note.get());
        self.audit(
            &mut tx,
            actor,
            "supplier_credit_settled",
            "supplier_invoice",
            invoice.get(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(s.invoice_state)
    }
}

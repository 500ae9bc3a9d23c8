//! Sponsorship agreements with local clubs. A club is paid as a supplier: each instalment, a
//! fortnight before it is due, becomes an invoice in the suppliers' capability, attested by the
//! agreement (whoever decided it), approved by a second person in finance and paid by the
//! payment run like any other. The community policy in force on the due date decides the
//! crisis measures: extra support in per cent, and paying when the matches were cancelled.

use domain::community::sponsorship::{
    self as rules, AgreementState, InstalmentState, Release, ReturnKind,
};
use domain::community::{CommunityProblem, LedgerCategory, RecipientKind};
use domain::ids::{AgreementId, SupplierId};
use domain::money::Money;
use domain::problem::Problem;
use domain::suppliers::InvoiceKind;
use jiff::ToSpan;
use jiff::civil::Date;
use store::community::sponsorship::{self as db, AgreementRow, InstalmentRow, NewAgreement};
use store::community::{self as ledger, NewEntry};

use super::{Community, count, date, kronor, roles, text};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// Instalments become invoices this many days before they are due, so the payment run can pay
/// them on time.
pub const RELEASE_LEAD_DAYS: i64 = 14;

/// An agreement as typed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgreementInput {
    /// The club's id in the supplier register.
    pub supplier_id: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Kronor for the whole period.
    pub amount: String,
    pub instalments: String,
    /// Codes of [`ReturnKind`].
    pub returns: Vec<String>,
    pub returns_note: String,
    pub reason: String,
}

/// What a release run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Released {
    pub paid: u32,
    pub withheld: u32,
    /// The extra support of the crisis measure in the invoices made.
    pub extra_ore: i64,
}

impl Community {
    /// Every agreement, the latest first (continuity managers, finance, admins).
    pub async fn agreements(&self, actor: &Actor) -> Result<Vec<AgreementRow>> {
        Self::require(actor, roles::LEDGER)?;
        Ok(db::agreements(self.s.store()).await?)
    }

    /// One agreement with its instalments.
    pub async fn agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<(AgreementRow, Vec<InstalmentRow>)> {
        Self::require(actor, roles::LEDGER)?;
        let store = self.s.store();
        let a = db::agreement(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let instalments = db::instalments_of(store, id).await?;
        Ok((a, instalments))
    }

    /// The suppliers an agreement can be made with (active, with an account to pay to), by name.
    pub async fn payable_clubs(&self, actor: &Actor) -> Result<Vec<(SupplierId, String)>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(store::suppliers::suppliers(self.s.store())
            .await?
            .into_iter()
            .filter(|s| s.active && s.pay_to.is_some())
            .map(|s| (s.id, s.name))
            .collect())
    }

    /// Makes an agreement with a club in the supplier register (which must have an account to
    /// be paid to), with its instalments.
    pub async fn make_agreement(
        &self,
        actor: &Actor,
        input: &AgreementInput,
    ) -> Result<AgreementId> {
        Self::require(actor, roles::DECIDE)?;
        let supplier_id = input
            .supplier_id
            .trim()
            .parse::<i64>()
            .map(SupplierId::new)
            .map_err(|_| ServiceError::invalid("supplier_id", Problem::Required))?;
        let supplier = store::suppliers::supplier(self.s.store(), supplier_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("supplier_id", Problem::Required))?;
        if supplier.pay_to.is_none() || !supplier.active {
            return Err(ServiceError::invalid(
                "supplier_id",
                CommunityProblem::NotPayable,
            ));
        }
        let starts_on = date("starts_on", &input.starts_on)?;
        let ends_on = date("ends_on", &input.ends_on)?;
        let amount = kronor("amount", &input.amount)?;
        let n = count(
            "instalments",
            &input.instalments,
            1,
            i64::from(rules::MAX_INSTALMENTS),
        )?;
        let schedule = rules::schedule(amount, u32::try_from(n).unwrap_or(1), starts_on, ends_on)
            .map_err(|e| {
            let field = match e {
                CommunityProblem::PeriodBackwards => "ends_on",
                CommunityProblem::QuantityZero => "amount",
                _ => "instalments",
            };
            ServiceError::invalid(field, e)
        })?;
        let mut returns = Vec::new();
        for r in &input.returns {
            let r = domain::code::parse_code::<ReturnKind>(r.trim())
                .map_err(|e| ServiceError::invalid("returns", e))?;
            if !returns.contains(&r) {
                returns.push(r);
            }
        }
        let note = input.returns_note.trim();
        if note.chars().count() > 1000 {
            return Err(ServiceError::invalid(
                "returns_note",
                Problem::TooLong { max: 1000 },
            ));
        }
        let reason = text("reason", &input.reason, 1000)?;
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_agreement(
            &mut tx,
            &NewAgreement {
                supplier_id,
                club: &supplier.name,
                starts_on,
                ends_on,
                amount,
                returns: &returns,
                returns_note: note,
                decided_by: &actor.name,
                reason,
                schedule: &schedule,
            },
            self.s.now_micros(),
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "sponsorship_agreed",
            "sponsorship_agreement",
            id.get(),
            &format!("{} {amount}", supplier.name),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records that the matches an instalment sponsors were cancelled (or were not after all);
    /// only before the instalment is released.
    pub async fn set_matches_cancelled(
        &self,
        actor: &Actor,
        id: AgreementId,
        number: u32,
        cancelled: bool,
    ) -> Result<()> {
        Self::require(actor, roles::DECIDE)?;
        let mut tx = self.s.store().begin().await?;
        if !db::set_cancelled(&mut tx, id, number, cancelled).await? {
            return Err(ServiceError::conflict(CommunityProblem::InstalmentClosed));
        }
        let action = if cancelled {
            "sponsorship_matches_cancelled"
        } else {
            "sponsorship_matches_played"
        };
        self.audit(
            &mut tx,
            actor,
            action,
            "sponsorship_agreement",
            id.get(),
            &number.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends an agreement early: instalments not yet released are not paid.
    pub async fn terminate_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        reason: &str,
    ) -> Result<()> {
        Self::require(actor, roles::DECIDE)?;
        let reason = text("reason", reason, 1000)?;
        let mut tx = self.s.store().begin().await?;
        if !db::terminate(&mut tx, id, &actor.name, self.s.now_micros()).await? {
            return Err(ServiceError::conflict(CommunityProblem::AgreementClosed));
        }
        self.audit(
            &mut tx,
            actor,
            "sponsorship_terminated",
            "sponsorship_agreement",
            id.get(),
            reason,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Releases the instalments due within [`RELEASE_LEAD_DAYS`] of `today`, each once and in
    /// one transaction: an attested invoice to the club and a ledger entry, or withheld when
    /// its matches were cancelled and the policy in force on its due date does not keep paying.
    /// Safe to run again: a released instalment is never released twice.
    pub async fn release_instalments(&self, actor: &Actor, today: Date) -> Result<Released> {
        Self::require(actor, roles::DECIDE)?;
        let store = self.s.store();
        let by = today
            .checked_add(RELEASE_LEAD_DAYS.days())
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut done = Released::default();
        let agreements: std::collections::HashMap<AgreementId, AgreementRow> =
            db::agreements(store)
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
        for i in db::planned_due(store, by).await? {
            let Some(a) = agreements.get(&i.agreement_id) else {
                continue;
            };
            if a.state != AgreementState::Active {
                continue;
            }
            let policy = self
                .policy_at(domain::time::start_of_day(i.due_on, self.s.tz()))
                .await?;
            match rules::release(i.base, i.matches_cancelled, &policy) {
                Release::Withhold => {
                    if self.withhold(actor, a, &i).await? {
                        done.withheld += 1;
                    }
                }
                Release::Pay { base, extra } => {
                    if self.pay(actor, a, &i, today, base, extra).await? {
                        done.paid += 1;
                        done.extra_ore += extra.ore();
                    }
                }
            }
        }
        Ok(done)
    }

    async fn withhold(&self, actor: &Actor, a: &AgreementRow, i: &InstalmentRow) -> Result<bool> {
        let mut tx = self.s.store().begin().await?;
        let now = self.s.now_micros();
        if !db::settle_instalment(
            &mut tx,
            i.id,
            InstalmentState::Withheld,
            Money::ZERO,
            None,
            now,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        self.audit(
            &mut tx,
            actor,
            "sponsorship_withheld",
            "sponsorship_agreement",
            a.id.get(),
            &i.number.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn pay(
        &self,
        actor: &Actor,
        a: &AgreementRow,
        i: &InstalmentRow,
        today: Date,
        base: Money,
        extra: Money,
    ) -> Result<bool> {
        let now = self.s.now_micros();
        let due = i.due_on.max(today);
        let terms = u32::try_from(today.until(due).map_or(0, |s| s.get_days())).unwrap_or(0);
        let number = format!("SPONS-{}-{}", a.id.get(), i.number);
        let order = format!("SPONS-{}", a.id.get());
        let amount = base + extra;
        let mut tx = self.s.store().begin().await?;
        let Some(invoice) = store::suppliers::insert_invoice(
            &mut tx,
            &store::suppliers::NewSupplierInvoice {
                supplier_id: a.supplier_id,
                kind: InvoiceKind::Invoice,
                number: &number,
                issue_date: today,
                received_on: today,
                terms_days: terms,
                due_date: due,
                offer_id: None,
                amount,
                vat: Money::ZERO,
                order_reference: Some(&order),
                payment_reference: None,
                buyer_reference: None,
            },
            now,
        )
        .await?
        else {
            // Another run released it at the same moment (its invoice holds the number).
            tx.rollback().await?;
            return Ok(false);
        };
        store::suppliers::payments::attest(&mut tx, invoice, &a.decided_by).await?;
        if !db::settle_instalment(
            &mut tx,
            i.id,
            InstalmentState::Released,
            extra,
            Some(invoice),
            now,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        let description = format!("{} {}/{}", a.club, i.number, a.instalments);
        ledger::insert_entry(
            &mut tx,
            &NewEntry {
                category: LedgerCategory::Sponsorship,
                given_on: i.due_on,
                amount,
                recipient_kind: RecipientKind::Organisation,
                recipient: &a.club,
                recipient_org_number: Some(&a.org_number),
                customer_id: None,
                description: &description,
                item_id: None,
                quantity: None,
                decided_by: &a.decided_by,
                reason: &a.reason,
                source_key: Some(&format!("sponsorship:{}", i.id.get())),
            },
            now,
        )
        .await?;
        self.audit(
            &mut tx,
            actor,
            "sponsorship_released",
            "sponsorship_agreement",
            a.id.get(),
            &format!("{} {amount}", i.number),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

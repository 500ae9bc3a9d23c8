//! Attesting and paying suppliers' invoices: two steps of attestation (the person who ordered
//! confirms the delivery, then a budget owner approves the amount within their role's limit,
//! never the same person), disputes, credit notes that settle invoices, and which approved
//! invoices a payment proposal for a day pays and with how much.

use serde::{Deserialize, Serialize};

use super::{InvoiceKind, InvoiceState, SupplierProblem};
use crate::money::Money;
use crate::role::Role;

/// Who may attest an invoice's first step: the planners who order the work, finance, admins.
pub const RECEIPT_ROLES: &[Role] = &[Role::Planner, Role::Finance, Role::Admin];
/// Who may approve as budget owner (the second step), each within the limit of their role.
pub const BUDGET_ROLES: &[Role] = &[Role::Planner, Role::Finance, Role::Admin];

crate::closed_set! {
    /// Where a payment proposal stands.
    pub enum ProposalState in "suppliers-proposal" {
        /// Made, waiting for a second person in finance to approve it.
        Proposed = "proposed",
        /// Approved: its files may go to the bank.
        Approved = "approved",
        /// Withdrawn before approval; its invoices are free for the next proposal.
        Cancelled = "cancelled",
    }
}

crate::closed_set! {
    /// Where one payment of a proposal stands.
    pub enum PaymentState in "suppliers-payment" {
        /// In a proposal not yet approved.
        Proposed = "proposed",
        /// Approved and written to the bank's file.
        Sent = "sent",
        /// The bank's status report accepted it.
        Accepted = "accepted",
        /// The bank rejected or returned it; the invoice waits for the next proposal.
        Rejected = "rejected",
        /// The bank's debit notification booked it: the invoice is paid.
        Paid = "paid",
        /// Its proposal was cancelled.
        Cancelled = "cancelled",
    }
}

impl PaymentState {
    /// Still holding its invoice (no other proposal may pay it).
    pub fn is_live(self) -> bool {
        !matches!(self, PaymentState::Rejected | PaymentState::Cancelled)
    }
}

crate::closed_set! {
    /// Where an entry of the bank's files that matched no payment stands.
    pub enum EntryState in "suppliers-entry" {
        /// Waiting for someone in finance.
        Unmatched = "unmatched",
        /// Looked into, with a note.
        Resolved = "resolved",
    }
}

/// The most each role may approve as budget owner, VAT included. Admins have no limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalLimits {
    pub planner: Money,
    pub finance: Money,
}

impl Default for ApprovalLimits {
    fn default() -> ApprovalLimits {
        ApprovalLimits {
            planner: Money::from_kronor(100_000),
            finance: Money::from_kronor(1_000_000),
        }
    }
}

impl ApprovalLimits {
    /// The most `role` may approve: `None` when it may not approve at all, `Some(None)` when
    /// it has no limit.
    pub fn limit(&self, role: Role) -> Option<Option<Money>> {
        match role {
            Role::Admin => Some(None),
            Role::Planner => Some(Some(self.planner)),
            Role::Finance => Some(Some(self.finance)),
            _ => None,
        }
    }
}

/// The first step: the person who ordered confirms the delivery. Only a received invoice (not a
/// credit note, which settles an invoice instead) can take it.
pub fn attest_receipt(
    kind: InvoiceKind,
    state: InvoiceState,
) -> Result<InvoiceState, SupplierProblem> {
    if kind != InvoiceKind::Invoice {
        return Err(SupplierProblem::NotAnInvoice);
    }
    match state {
        InvoiceState::Received => Ok(InvoiceState::Attested),
        _ => Err(SupplierProblem::NotAwaiting { state }),
    }
}

/// The second step: a budget owner other than the first attester approves `amount` (what is
/// left to pay) within their role's limit.
pub fn approve_budget(
    state: InvoiceState,
    attested_by: Option<&str>,
    approver: &str,
    role: Role,
    amount: Money,
    limits: &ApprovalLimits,
) -> Result<InvoiceState, SupplierProblem> {
    if state != InvoiceState::Attested {
        return Err(SupplierProblem::NotAwaiting { state });
    }
    if attested_by.is_some_and(|a| a == approver) {
        return Err(SupplierProblem::SameAttester);
    }
    match limits.limit(role) {
        None => Err(SupplierProblem::NoApprovalRight),
        Some(Some(limit)) if amount > limit => Err(SupplierProblem::OverLimit { limit }),
        Some(_) => Ok(InvoiceState::Approved),
    }
}

/// Holding an open invoice back; a reason is required (the supplier is told it).
pub fn dispute(state: InvoiceState) -> Result<InvoiceState, SupplierProblem> {
    if state.is_open() {
        Ok(InvoiceState::Disputed)
    } else {
        Err(SupplierProblem::NotAwaiting { state })
    }
}

/// A dispute resolved: the invoice starts its attestation again.
pub fn resolve_dispute(state: InvoiceState) -> Result<InvoiceState, SupplierProblem> {
    match state {
        InvoiceState::Disputed => Ok(InvoiceState::Received),
        _ => Err(SupplierProblem::NotAwaiting { state }),
    }
}

/// One side of a settlement: what the invoice or credit note is and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settling {
    pub kind: InvoiceKind,
    pub state: InvoiceState,
    pub amount: Money,
    /// For an invoice: what credit notes have already taken off.
    pub credited: Money,
}

/// What settling a credit note against an invoice does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// The invoice's credited total afterwards.
    pub credited: Money,
    /// The invoice's state afterwards: credited when nothing is left to pay, else as it was.
    pub invoice_state: InvoiceState,
}

/// Settles `credit` (a credit note not yet used) against `invoice` (of the same supplier, not
/// paid): the credit note is used up, the invoice has that much less to pay, and an invoice with
/// nothing left is settled. A credit note larger than what is left is refused.
pub fn settle(invoice: Settling, credit: Settling) -> Result<Settlement, SupplierProblem> {
    if credit.kind != InvoiceKind::CreditNote {
        return Err(SupplierProblem::NotACreditNote);
    }
    if invoice.kind != InvoiceKind::Invoice {
        return Err(SupplierProblem::NotAnInvoice);
    }
    if credit.state != InvoiceState::Received {
        return Err(SupplierProblem::NotAwaiting {
            state: credit.state,
        });
    }
    if !(invoice.state.is_open() || invoice.state == InvoiceState::Disputed) {
        return Err(SupplierProblem::NotAwaiting {
            state: invoice.state,
        });
    }
    let left = invoice.amount - invoice.credited;
    if credit.amount > left {
        return Err(SupplierProblem::CreditTooLarge { left });
    }
    let credited = invoice.credited + credit.amount;
    let invoice_state = if credited == invoice.amount {
        InvoiceState::Credited
    } else {
        invoice.state
    };
    Ok(Settlement {
        credited,
        invoice_state,
    })
}

/// What a proposal for `pay_date` pays of an invoice: what is left after credit notes, when it
/// is an approved invoice due by that day; `None` otherwise (it is not yet due, not approved,
/// or nothing is left to pay).
pub fn to_pay(
    kind: InvoiceKind,
    state: InvoiceState,
    due: jiff::civil::Date,
    amount: Money,
    credited: Money,
    pay_date: jiff::civil::Date,
) -> Option<Money> {
    let left = amount - credited;
    (kind == InvoiceKind::Invoice
        && state == InvoiceState::Approved
        && due <= pay_date
        && left > Money::ZERO)
        .then_some(left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn kr(k: i64) -> Money {
        Money::from_kronor(k)
    }

    #[test]
    fn two_steps_by_two_people_within_the_limit() {
        let limits = ApprovalLimits::default();
        let s = attest_receipt(InvoiceKind::Invoice, InvoiceState::Received).unwrap();
        assert_eq!(s, InvoiceState::Attested);
        // The first step twice, or on a credit note: refused.
        assert_eq!(
            attest_receipt(InvoiceKind::Invoice, s),
            Err(SupplierProblem::NotAwaiting { state: s })
        );
        assert_eq!(
            attest_receipt(InvoiceKind::CreditNote, InvoiceState::Received),
            Err(SupplierProblem::NotAnInvoice)
        );
        // The same person: refused; another within the limit: approved.
        assert_eq!(
            approve_budget(s, Some("Pia"), "Pia", Role::Finance, kr(10), &limits),
            Err(SupplierProblem::SameAttester)
        );
        assert_eq!(
            approve_budget(s, Some("Pia"), "Olle", Role::Planner, kr(100_000), &limits),
            Ok(InvoiceState::Approved)
        );
        assert_eq!(
            approve_budget(
                s,
                Some("Pia"),
                "Olle",
                Role::Planner,
                kr(100_000) + Money::from_ore(1),
                &limits
            ),
            Err(SupplierProblem::OverLimit { limit: kr(100_000) })
        );
        assert_eq!(
            approve_budget(s, Some("Pia"), "Ada", Role::Admin, kr(50_000_000), &limits),
            Ok(InvoiceState::Approved)
        );
        assert_eq!(
            approve_budget(s, Some("Pia"), "Kim", Role::Agent, kr(1), &limits),
            Err(SupplierProblem::NoApprovalRight)
        );
        // Not attested yet: the second step waits.
        assert_eq!(
            approve_budget(
                InvoiceState::Received,
                None,
                "Olle",
                Role::Finance,
                kr(1),
                &limits
            ),
            Err(SupplierProblem::NotAwaiting {
                state: InvoiceState::Received
            })
        );
    }

    #[test]
    fn a_dispute_holds_an_open_invoice_and_its_resolution_starts_over() {
        for open in [
            InvoiceState::Received,
            InvoiceState::Attested,
            InvoiceState::Approved,
        ] {
            assert_eq!(dispute(open), Ok(InvoiceState::Disputed));
        }
        assert!(dispute(InvoiceState::Paid).is_err());
        assert_eq!(
            resolve_dispute(InvoiceState::Disputed),
            Ok(InvoiceState::Received)
        );
        assert!(resolve_dispute(InvoiceState::Approved).is_err());
    }

    #[test]
    fn credit_notes_settle_what_is_left_and_never_more() {
        let invoice = Settling {
            kind: InvoiceKind::Invoice,
            state: InvoiceState::Attested,
            amount: kr(1000),
            credited: kr(0),
        };
        let credit = |k| Settling {
            kind: InvoiceKind::CreditNote,
            state: InvoiceState::Received,
            amount: kr(k),
            credited: kr(0),
        };
        let part = settle(invoice, credit(400)).unwrap();
        assert_eq!(part.credited, kr(400));
        assert_eq!(part.invoice_state, InvoiceState::Attested);
        let rest = settle(
            Settling {
                credited: part.credited,
                ..invoice
            },
            credit(600),
        )
        .unwrap();
        assert_eq!(rest.invoice_state, InvoiceState::Credited);
        assert_eq!(
            settle(
                Settling {
                    credited: kr(400),
                    ..invoice
                },
                credit(601)
            ),
            Err(SupplierProblem::CreditTooLarge { left: kr(600) })
        );
        assert_eq!(
            settle(credit(1), invoice),
            Err(SupplierProblem::NotACreditNote)
        );
        let used = Settling {
            state: InvoiceState::Credited,
            ..credit(1)
        };
        assert!(settle(invoice, used).is_err());
        let paid = Settling {
            state: InvoiceState::Paid,
            ..invoice
        };
        assert!(settle(paid, credit(1)).is_err());
    }

    #[test]
    fn a_proposal_pays_approved_invoices_due_by_its_day_less_their_credits() {
        let day = date(2026, 12, 10);
        let pay = |state, due, credited| {
            to_pay(InvoiceKind::Invoice, state, due, kr(1000), credited, day)
        };
        assert_eq!(pay(InvoiceState::Approved, day, kr(0)), Some(kr(1000)));
        assert_eq!(
            pay(InvoiceState::Approved, date(2026, 12, 1), kr(250)),
            Some(kr(750))
        );
        assert_eq!(pay(InvoiceState::Approved, date(2026, 12, 11), kr(0)), None);
        assert_eq!(pay(InvoiceState::Attested, day, kr(0)), None);
        assert_eq!(pay(InvoiceState::Approved, day, kr(1000)), None);
        assert_eq!(
            to_pay(
                InvoiceKind::CreditNote,
                InvoiceState::Approved,
                day,
                kr(1),
                kr(0),
                day
            ),
            None
        );
    }
}

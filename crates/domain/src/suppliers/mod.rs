//! Suppliers (issue 15): the register of the companies the utility buys from, which of them the
//! suppliers policy names, and the payment terms each one's invoices fall due under.
//!
//! A supplier is *local* when its workplace is in one of the municipalities the register counts
//! as local, and *small* by the EU's definition (fewer than 50 employees and a turnover or
//! balance sheet of at most 10 million euro), recorded as its size class. The law gives a public
//! buyer 30 days to pay (lag (2013:513) om betalningstider i kommersiella förhållanden, counted from the day the invoice is received); under a
//! crisis the suppliers policy may offer shorter terms to the suppliers it names, and a supplier
//! who accepts the offer is paid on the shorter terms from the day the policy starts.

pub mod accounts;
pub mod pay;
pub mod reports;
pub mod terms;
pub mod work;

use crate::money::Money;
use crate::policy::{SupplierRule, SuppliersPolicy};

pub use accounts::{Bankgiro, Bic, Iban, PayTo, Plusgiro, VatNumber};

/// The days a public buyer has to pay when nothing shorter is agreed.
pub const LAW_TERMS_DAYS: u32 = 30;

crate::closed_set! {
    /// A trade a supplier works in (the seed's seven and the others a utility buys).
    pub enum Trade in "suppliers-trade" {
        Excavation = "excavation",
        Haulage = "haulage",
        Electrical = "electrical",
        PlumbingHvac = "plumbing_hvac",
        Automation = "automation",
        EnvironmentalMeasurement = "environmental_measurement",
        Transport = "transport",
        CivilWorks = "civil_works",
        Cleaning = "cleaning",
        ItServices = "it_services",
        Consulting = "consulting",
        /// Advertising and sponsorship (clubs paid for what they give back).
        Marketing = "marketing",
    }
}

crate::closed_set! {
    /// The EU's size classes as far as payment terms care: a small company or not.
    pub enum SizeClass in "suppliers-size" {
        Small = "small",
        Other = "other",
    }
}

crate::closed_set! {
    /// Where an offer of shorter payment terms stands.
    pub enum OfferState in "suppliers-offer" {
        /// Sent, not yet answered.
        Offered = "offered",
        Accepted = "accepted",
        Declined = "declined",
        /// The policy that made the offer ended before it was answered.
        Lapsed = "lapsed",
    }
}

crate::closed_set! {
    /// What a supplier sent.
    pub enum InvoiceKind in "suppliers-invoice-kind" {
        Invoice = "invoice",
        CreditNote = "credit_note",
    }
}

crate::closed_set! {
    /// Where a supplier's invoice stands.
    pub enum InvoiceState in "suppliers-invoice" {
        /// Received and checked, waiting for the person who ordered to attest it.
        Received = "received",
        /// Attested by the person who ordered, waiting for the budget owner.
        Attested = "attested",
        /// Approved for payment.
        Approved = "approved",
        /// Held back with a reason given to the supplier.
        Disputed = "disputed",
        Paid = "paid",
        /// Settled by a credit note.
        Credited = "credited",
    }
}

impl InvoiceState {
    /// Not yet paid or settled: its due date can still move.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InvoiceState::Received | InvoiceState::Attested | InvoiceState::Approved
        )
    }
}

crate::closed_set! {
    /// Why an e-invoice that passed the rules was still not taken in.
    pub enum Refusal in "suppliers-refusal" {
        /// It breaks fatal rules of EN 16931 or Peppol BIS 3 (the findings say which).
        Rules = "rules",
        /// Not a UBL Invoice or CreditNote that can be read at all.
        Unreadable = "unreadable",
        /// The seller is not in the register (or has no Swedish organisation number).
        UnknownSupplier = "unknown_supplier",
        /// Not in Swedish kronor.
        Currency = "currency",
        /// The supplier has already sent another document with this number.
        NumberTaken = "number_taken",
    }
}

/// What the suppliers policy asks of a supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierFacts<'a> {
    pub local: bool,
    pub size: SizeClass,
    pub trades: &'a [Trade],
    pub active: bool,
}

/// Whether `policy` offers shorter terms to this supplier: it shortens terms at all, the
/// supplier is active and the policy's rule names it.
pub fn eligible(policy: &SuppliersPolicy, s: &SupplierFacts<'_>) -> bool {
    if policy.shortened_terms_days.is_none() || !s.active {
        return false;
    }
    match &policy.applies_to {
        SupplierRule::All => true,
        SupplierRule::Local => s.local,
        SupplierRule::Small => s.size == SizeClass::Small,
        SupplierRule::Trade(code) => Trade::parse(code).is_some_and(|t| s.trades.contains(&t)),
    }
}

/// Why a supplier operation refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupplierProblem {
    #[error("not a bankgiro number (7 or 8 digits with a check digit)")]
    BadBankgiro,
    #[error("not a plusgiro number (2 to 8 digits with a check digit)")]
    BadPlusgiro,
    #[error("not an IBAN (country, check digits, account)")]
    BadIban,
    #[error("not a BIC (8 or 11 letters and digits)")]
    BadBic,
    #[error("the BIC's country is not the IBAN's")]
    BicCountry,
    #[error("no bankgiro, plusgiro or IBAN given")]
    NoAccount,
    #[error("more than one of bankgiro, plusgiro and IBAN given")]
    SeveralAccounts,
    #[error("not a VAT number")]
    BadVatNumber,
    #[error("a Swedish VAT number must hold the organisation number")]
    VatNotOrgNumber,
    #[error("unknown trade {code:?}")]
    UnknownTrade { code: String },
    #[error("no trade given")]
    NoTrade,
    #[error("another supplier has organisation number {org_number}")]
    OrgNumberTaken { org_number: String },
    #[error("the same organisation number is on line {line}")]
    Duplicate { line: u64 },
    #[error("the header row is not {expected}")]
    Header { expected: String },
    #[error("the file is not UTF-8")]
    NotUtf8,
    #[error("not yes or no")]
    NotABoolean,
    #[error("not an e-mail address")]
    BadEmail,
    #[error("the offer has been answered")]
    OfferAnswered,
    #[error("the offer is no longer open")]
    OfferClosed,
    #[error("the policy in force offers no shorter terms to this supplier")]
    NotEligible,
    #[error("only an invoice can be attested, paid or settled by a credit note")]
    NotAnInvoice,
    #[error("not a credit note")]
    NotACreditNote,
    #[error("the invoice is {state}, not waiting for this")]
    NotAwaiting { state: InvoiceState },
    #[error("the person who attested the delivery may not also approve the amount")]
    SameAttester,
    #[error("this role may not approve invoices")]
    NoApprovalRight,
    #[error("above this role's approval limit of {limit}")]
    OverLimit { limit: Money },
    #[error("the credit note is larger than the {left} left to pay")]
    CreditTooLarge { left: Money },
    #[error("the credit note is from another supplier")]
    OtherSupplier,
    #[error("no account is set up to pay from")]
    NoDebtorAccount,
    #[error("the payment proposal is no longer open")]
    ProposalClosed,
    #[error("the person who made the proposal may not approve it")]
    OwnProposal,
    #[error("nothing is due for payment by that day")]
    NothingToPay,
    #[error("not a pain.002 status report or a camt.054 notification")]
    NotABankFile,
    #[error("the payment day has passed")]
    PayDatePassed,
    /// The bank's file cannot be read: where, and what is wrong (`fault` is a code such as
    /// `xml`, `missing`, `amount`, `date`, `status`).
    #[error("line {line}, column {column}, {path}: {fault}")]
    BankFile {
        line: u32,
        column: u32,
        path: String,
        fault: String,
    },
    #[error("the account name is taken by another account")]
    AccountNameTaken,
    #[error("another account already pays this kind of payment")]
    PayeeKindTaken,
    #[error("only planned or ordered work can be moved")]
    OrderNotMovable,
    #[error("work can only be brought forward to an earlier month")]
    NotEarlier,
    #[error("the month has passed")]
    MonthPassed,
    #[error("not a month (YYYY-MM)")]
    BadMonth,
    #[error("another work order has reference {reference}")]
    ReferenceTaken { reference: String },
    #[error("the supplier does not work in that trade")]
    NotInTrade,
    #[error("the work order was placed by {orderer}, who attests its delivery")]
    NotOrderer { orderer: String },
}

impl SupplierProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<SupplierProblem> {
        vec![
            SupplierProblem::BadBankgiro,
            SupplierProblem::BadPlusgiro,
            SupplierProblem::BadIban,
            SupplierProblem::BadBic,
            SupplierProblem::BicCountry,
            SupplierProblem::NoAccount,
            SupplierProblem::SeveralAccounts,
            SupplierProblem::BadVatNumber,
            SupplierProblem::VatNotOrgNumber,
            SupplierProblem::UnknownTrade { code: "x".into() },
            SupplierProblem::NoTrade,
            SupplierProblem::OrgNumberTaken {
                org_number: "556036-0793".into(),
            },
            SupplierProblem::Duplicate { line: 2 },
            SupplierProblem::Header {
                expected: "org_number;name".into(),
            },
            SupplierProblem::NotUtf8,
            SupplierProblem::NotABoolean,
            SupplierProblem::BadEmail,
            SupplierProblem::OfferAnswered,
            SupplierProblem::OfferClosed,
            SupplierProblem::NotEligible,
            SupplierProblem::NotAnInvoice,
            SupplierProblem::NotACreditNote,
            SupplierProblem::NotAwaiting {
                state: InvoiceState::Paid,
            },
            SupplierProblem::SameAttester,
            SupplierProblem::NoApprovalRight,
            SupplierProblem::OverLimit {
                limit: Money::from_kronor(100_000),
            },
            SupplierProblem::CreditTooLarge {
                left: Money::from_kronor(600),
            },
            SupplierProblem::OtherSupplier,
            SupplierProblem::NoDebtorAccount,
            SupplierProblem::ProposalClosed,
            SupplierProblem::OwnProposal,
            SupplierProblem::NothingToPay,
            SupplierProblem::NotABankFile,
            SupplierProblem::PayDatePassed,
            SupplierProblem::BankFile {
                line: 3,
                column: 7,
                path: "/Document/CstmrPmtStsRpt/GrpHdr/MsgId".into(),
                fault: "missing".into(),
            },
            SupplierProblem::AccountNameTaken,
            SupplierProblem::PayeeKindTaken,
            SupplierProblem::OrderNotMovable,
            SupplierProblem::NotEarlier,
            SupplierProblem::MonthPassed,
            SupplierProblem::BadMonth,
            SupplierProblem::ReferenceTaken {
                reference: "AO-1".into(),
            },
            SupplierProblem::NotInTrade,
            SupplierProblem::NotOrderer {
                orderer: "planerare".into(),
            },
        ]
    }
}

impl crate::problem::Explain for SupplierProblem {
    fn message_key(&self) -> &'static str {
        match self {
            SupplierProblem::BadBankgiro => "suppliers-problem-bankgiro",
            SupplierProblem::BadPlusgiro => "suppliers-problem-plusgiro",
            SupplierProblem::BadIban => "suppliers-problem-iban",
            SupplierProblem::BadBic => "suppliers-problem-bic",
            SupplierProblem::BicCountry => "suppliers-problem-bic-country",
            SupplierProblem::NoAccount => "suppliers-problem-no-account",
            SupplierProblem::SeveralAccounts => "suppliers-problem-several-accounts",
            SupplierProblem::BadVatNumber => "suppliers-problem-vat",
            SupplierProblem::VatNotOrgNumber => "suppliers-problem-vat-org",
            SupplierProblem::UnknownTrade { .. } => "suppliers-problem-unknown-trade",
            SupplierProblem::NoTrade => "suppliers-problem-no-trade",
            SupplierProblem::OrgNumberTaken { .. } => "suppliers-problem-org-taken",
            SupplierProblem::Duplicate { .. } => "suppliers-problem-duplicate",
            SupplierProblem::Header { .. } => "suppliers-problem-header",
            SupplierProblem::NotUtf8 => "suppliers-problem-not-utf8",
            SupplierProblem::NotABoolean => "suppliers-problem-not-a-boolean",
            SupplierProblem::BadEmail => "suppliers-problem-email",
            SupplierProblem::OfferAnswered => "suppliers-problem-offer-answered",
            SupplierProblem::OfferClosed => "suppliers-problem-offer-closed",
            SupplierProblem::NotEligible => "suppliers-problem-not-eligible",
            SupplierProblem::NotAnInvoice => "suppliers-problem-not-an-invoice",
            SupplierProblem::NotACreditNote => "suppliers-problem-not-a-credit-note",
            SupplierProblem::NotAwaiting { .. } => "suppliers-problem-not-awaiting",
            SupplierProblem::SameAttester => "suppliers-problem-same-attester",
            SupplierProblem::NoApprovalRight => "suppliers-problem-no-approval-right",
            SupplierProblem::OverLimit { .. } => "suppliers-problem-over-limit",
            SupplierProblem::CreditTooLarge { .. } => "suppliers-problem-credit-too-large",
            SupplierProblem::OtherSupplier => "suppliers-problem-other-supplier",
            SupplierProblem::NoDebtorAccount => "suppliers-problem-no-debtor-account",
            SupplierProblem::ProposalClosed => "suppliers-problem-proposal-closed",
            SupplierProblem::OwnProposal => "suppliers-problem-own-proposal",
            SupplierProblem::NothingToPay => "suppliers-problem-nothing-to-pay",
            SupplierProblem::NotABankFile => "suppliers-problem-not-a-bank-file",
            SupplierProblem::PayDatePassed => "suppliers-problem-pay-date-passed",
            SupplierProblem::BankFile { .. } => "suppliers-problem-bank-file",
            SupplierProblem::AccountNameTaken => "suppliers-problem-account-name-taken",
            SupplierProblem::PayeeKindTaken => "suppliers-problem-payee-kind-taken",
            SupplierProblem::OrderNotMovable => "suppliers-problem-order-not-movable",
            SupplierProblem::NotEarlier => "suppliers-problem-not-earlier",
            SupplierProblem::MonthPassed => "suppliers-problem-month-passed",
            SupplierProblem::BadMonth => "suppliers-problem-bad-month",
            SupplierProblem::ReferenceTaken { .. } => "suppliers-problem-reference-taken",
            SupplierProblem::NotInTrade => "suppliers-problem-not-in-trade",
            SupplierProblem::NotOrderer { .. } => "suppliers-problem-not-orderer",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            SupplierProblem::UnknownTrade { code } => vec![("code", code.clone())],
            SupplierProblem::OrgNumberTaken { org_number } => {
                vec![("number", org_number.clone())]
            }
            SupplierProblem::Duplicate { line } => vec![("line", line.to_string())],
            SupplierProblem::Header { expected } => vec![("expected", expected.clone())],
            SupplierProblem::NotAwaiting { state } => vec![("state", state.as_str().to_owned())],
            SupplierProblem::OverLimit { limit } => vec![("limit", limit.to_string())],
            SupplierProblem::ReferenceTaken { reference } => {
                vec![("reference", reference.clone())]
            }
            SupplierProblem::NotOrderer { orderer } => vec![("orderer", orderer.clone())],
            SupplierProblem::CreditTooLarge { left } => vec![("left", left.to_string())],
            SupplierProblem::BankFile {
                line,
                column,
                path,
                fault,
            } => vec![
                ("line", line.to_string()),
                ("column", column.to_string()),
                ("path", path.clone()),
                ("fault", fault.clone()),
            ],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(days: Option<u32>, rule: SupplierRule) -> SuppliersPolicy {
        SuppliersPolicy {
            shortened_terms_days: days,
            applies_to: rule,
        }
    }

    #[test]
    fn the_policy_names_suppliers_by_its_rule() {
        let trades = [Trade::Excavation];
        let local_small = SupplierFacts {
            local: true,
            size: SizeClass::Small,
            trades: &trades,
            active: true,
        };
        let far_big = SupplierFacts {
            local: false,
            size: SizeClass::Other,
            ..local_small.clone()
        };
        let cases = [
            (SupplierRule::All, true, true),
            (SupplierRule::Local, true, false),
            (SupplierRule::Small, true, false),
            (SupplierRule::Trade("excavation".into()), true, true),
            (SupplierRule::Trade("haulage".into()), false, false),
            (SupplierRule::Trade("nonsense".into()), false, false),
        ];
        for (rule, a, b) in cases {
            let p = policy(Some(10), rule.clone());
            assert_eq!(eligible(&p, &local_small), a, "{rule:?} local small");
            assert_eq!(eligible(&p, &far_big), b, "{rule:?} far big");
        }
        // No shortened terms: nobody; an inactive supplier: never.
        assert!(!eligible(&policy(None, SupplierRule::All), &local_small));
        let inactive = SupplierFacts {
            active: false,
            ..local_small
        };
        assert!(!eligible(&policy(Some(10), SupplierRule::All), &inactive));
    }
}

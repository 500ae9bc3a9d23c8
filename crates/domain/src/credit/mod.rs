//! Credit: late-payment interest, payment extensions (anstånd), instalment plans and reminders.
//!
//! Pure rules, no IO: the day "today" and every table (reference rates, payments, history) are
//! arguments. Money is whole öre in an `i64`; interest is computed exactly with `i128` rational
//! arithmetic and rounded once, so no floating point touches an amount. The legal background is
//! in `swedish-formats.md` §2:
//!
//! * **Räntelagen (1975:635)** — [`late_interest`]. 3 §: interest runs from the due date set in
//!   advance; 6 §: the rate is the reference rate + 8 percentage points per year; 9 §: the
//!   Riksbank sets the reference rate per calendar half-year, so a delay spanning 1 January or
//!   1 July is split and each part uses its own half-year's rate. No interest on interest.
//! * **Lag (1981:739) om ersättning för inkassokostnader m.m.** — [`next_dunning_step`].
//!   2 §: a reminder fee only if agreed no later than when the debt arose; 4 §: at most 60 kr
//!   per written reminder.
//! * **Anstånd and avbetalningsplan** — [`assess_extension`], [`instalment_schedule`]. There is
//!   no statutory right to a deferral of a utility's private-law claim; an extension is an
//!   agreement, and [`crate::policy::CreditPolicy`] says which the platform may grant by itself
//!   and which a credit officer decides.
//!
//! The closed sets of stored credit data (invoice status, arrangement kind, status and source,
//! charge kind, payment source) are declared here; people read their names from the Fluent
//! file `credit.ftl`. Refusals are [`CreditProblem`]s, the reasons behind a decision
//! [`Reason`]s: both are data, named in each reader's language by `views`.

mod days;
mod dunning;
mod extension;
mod interest;
mod problem;

pub use dunning::*;
pub use extension::*;
pub use interest::*;
pub use problem::*;

crate::closed_set! {
    /// Where an invoice stands in the ledger (`invoices.status`).
    pub enum InvoiceStatus in "invoice-status" {
        /// Sent, nothing paid, not yet past its due date.
        Open = "open",
        /// Some but not all of it paid.
        PartlyPaid = "partly_paid",
        /// Fully paid.
        Paid = "paid",
        /// Past its due date (or reminded), not fully paid.
        Overdue = "overdue",
        /// An approved extension or instalment plan is in force.
        Extension = "extension",
        /// On the debt-collection list.
        Collection = "collection",
    }
}

impl InvoiceStatus {
    /// The statuses dunning looks at: unpaid and not yet with debt collection.
    pub const DUNNABLE: &'static [InvoiceStatus] = &[
        InvoiceStatus::Open,
        InvoiceStatus::PartlyPaid,
        InvoiceStatus::Overdue,
        InvoiceStatus::Extension,
    ];
}

crate::closed_set! {
    /// What an arrangement agrees (`arrangements.kind`).
    pub enum ArrangementKind in "arrangement-kind" {
        /// The whole remainder on a later due date.
        Extension = "extension",
        /// The remainder in monthly instalments.
        Instalments = "instalments",
    }
}

crate::closed_set! {
    /// Where a request for more time stands (`arrangements.status`).
    pub enum ArrangementStatus in "arrangement-status" {
        /// Waiting for a credit officer.
        Referred = "referred",
        /// Granted, by the policy or by a credit officer, and kept so far.
        Approved = "approved",
        /// Refused, by the policy or by a credit officer.
        Refused = "refused",
        /// Granted, then a date was missed.
        Broken = "broken",
        /// Granted and the invoice is paid.
        Completed = "completed",
        /// Taken back by the customer.
        Withdrawn = "withdrawn",
    }
}

impl ArrangementStatus {
    /// The statuses of an arrangement that was granted (and may have ended since): its
    /// interest-free window, if any, counts.
    pub const GRANTED: &'static [ArrangementStatus] = &[
        ArrangementStatus::Approved,
        ArrangementStatus::Completed,
        ArrangementStatus::Broken,
    ];

    /// The status a request gets from the assessment's decision.
    pub fn of(decision: Decision) -> ArrangementStatus {
        match decision {
            Decision::Approve => ArrangementStatus::Approved,
            Decision::Refer => ArrangementStatus::Referred,
            Decision::Refuse => ArrangementStatus::Refused,
        }
    }
}

crate::closed_set! {
    /// Who asked for more time (`arrangements.source`).
    pub enum ArrangementSource in "arrangement-source" {
        /// The customer, on Mina sidor.
        Portal = "portal",
        /// Customer service or a credit officer, for a caller.
        Agent = "agent",
    }
}

crate::closed_set! {
    /// What a charge billed on the customer's next invoice is (`invoice_charges.kind`).
    pub enum ChargeKind in "charge-kind" {
        /// The reminder fee agreed in the customer's terms.
        ReminderFee = "reminder_fee",
        /// Late-payment interest on an invoice paid late.
        Interest = "interest",
    }
}

crate::closed_set! {
    /// Where a payment was recorded from (`payments.source`).
    pub enum PaymentSource in "payment-source" {
        /// A BgMax file from Bankgirot.
        Bgmax = "bgmax",
        /// Entered by hand.
        Manual = "manual",
        /// Made up for the demo town.
        Demo = "demo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_stored_ones() {
        let codes = |all: &[&str]| all.join(",");
        assert_eq!(
            codes(
                &InvoiceStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
            ),
            "open,partly_paid,paid,overdue,extension,collection"
        );
        assert_eq!(
            ArrangementStatus::Referred.message_key(),
            "arrangement-status-referred"
        );
        assert_eq!(
            ArrangementStatus::of(Decision::Refer),
            ArrangementStatus::Referred
        );
        assert_eq!(ChargeKind::ReminderFee.as_str(), "reminder_fee");
        assert!(Decision::Refuse > Decision::Refer && Decision::Refer > Decision::Approve);
        assert_eq!(
            serde_json::to_string(&InvoiceState::WithCollection).unwrap(),
            "\"with_collection\""
        );
    }
}

//! Reminders (dunning) under lag (1981:739) om ersättning för inkassokostnader m.m.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::days::add_days;
use crate::calendar;
use crate::money::Money;
use crate::policy::CreditPolicy;

pub const REMINDER_FEE_MAX_ORE: i64 = 6_000;

/// Calendar days a reminder gives to pay, before moving to a working day.
pub const REMINDER_PAYMENT_DAYS: i64 = 10;

/// The due date a reminder sent on `sent` states: ten days later, moved to the next working day
/// ([`calendar::next_working_day_on_or_after`]).
pub fn reminder_due_date(sent: Date) -> Date {
    calendar::next_working_day_on_or_after(add_days(sent, REMINDER_PAYMENT_DAYS))
}

/// Whether a payment extension or instalment plan holds dunning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    /// No extension (or it has ended).
    Inactive,
    /// Approved and kept so far: no dunning.
    Active,
    /// The customer missed a date of the extension: dunning resumes from [`DunningState::due`].
    Broken,
}

/// A reminder already sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SentReminder {
    pub sent: Date,
    /// The new due date the reminder stated.
    pub due: Date,
}

/// Where an invoice stands in the reminder process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DunningState {
    /// What is left to pay, in öre.
    pub outstanding_ore: i64,
    /// The original due date or, under an extension, the extended one.
    pub due: Date,
    /// Reminders sent so far: 0, 1 or 2 (higher counts as 2).
    pub level: u8,
    /// The latest reminder, if any.
    pub last_reminder: Option<SentReminder>,
    pub extension: ExtensionStatus,
}

/// Whether a reminder carries the reminder fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeDecision {
    /// [`REMINDER_FEE_MAX_ORE`] is charged: the customer's terms agree to it.
    Charged,
    /// No fee: it was not agreed no later than when the debt arose (inkassokostnadslagen 2 §).
    NotAgreed,
}

impl FeeDecision {
    /// Stable snake_case identifier.
    pub fn code(self) -> &'static str {
        match self {
            FeeDecision::Charged => "reminder_fee_charged",
            FeeDecision::NotAgreed => "reminder_fee_not_agreed",
        }
    }
}

/// Why a fee is or is not charged, for people: the law behind it and, when charged, the fee.
impl crate::problem::Explain for FeeDecision {
    fn message_key(&self) -> &'static str {
        match self {
            FeeDecision::Charged => "credit-fee-charged",
            FeeDecision::NotAgreed => "credit-fee-not-agreed",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            FeeDecision::Charged => {
                vec![("fee", Money::from_ore(REMINDER_FEE_MAX_ORE).to_string())]
            }
            FeeDecision::NotAgreed => Vec::new(),
        }
    }
}

/// A reminder to send today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// 1 for the first reminder, 2 for the second.
    pub level: u8,
    /// The day it is sent (`today`).
    pub sent: Date,
    /// The new due date it states ([`reminder_due_date`]).
    pub due: Date,
    /// The fee on this reminder: [`REMINDER_FEE_MAX_ORE`] or 0. One fee at most.
    pub fee_ore: i64,
    /// Why the fee is or is not charged.
    pub fee: FeeDecision,
}

/// The next step for an unpaid invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum DunningStep {
    /// Send a reminder.
    Reminder(Reminder),
    /// Put the invoice on the debt-collection list. Never carries a fee: collection costs are
    /// the collection agency's, under their own rules.
    DebtCollection,
}

impl DunningStep {
    /// The fee this step charges: a reminder's fee, never one for debt collection.
    pub fn fee_ore(&self) -> i64 {
        match self {
            DunningStep::Reminder(r) => r.fee_ore,
            DunningStep::DebtCollection => 0,
        }
    }
}

/// The next dunning step for an invoice on `today`, or `None` when nothing is due yet.
///
/// * Nothing while nothing is outstanding or an extension is [`ExtensionStatus::Active`].
/// * The step is due once `today` is after the *base* + [`CreditPolicy::reminder_grace_days`],
///   where the base is the later of [`DunningState::due`] and the last reminder's due date.
///   Then: level 0 → the first reminder; level 1 → the second; level 2 → debt collection.
/// * A reminder states a new due date ten days after today, moved to the next working day
///   ([`reminder_due_date`]), and charges [`REMINDER_FEE_MAX_ORE`] only when `fee_agreed` —
///   the customer's terms agreed to the fee no later than when the debt arose
///   (inkassokostnadslagen 2 §); otherwise 0, with [`FeeDecision::NotAgreed`] saying why.
///
/// Calling again the same day gives the same answer; the caller records the step (raising the
/// level and storing the reminder) before asking again.
pub fn next_dunning_step(
    inv: &DunningState,
    policy: &CreditPolicy,
    fee_agreed: bool,
    today: Date,
) -> Option<DunningStep> {
    if inv.outstanding_ore <= 0 || inv.extension == ExtensionStatus::Active {
        return None;
    }
    let base = inv.last_reminder.map_or(inv.due, |r| r.due.max(inv.due));
    if today <= add_days(base, i64::from(policy.reminder_grace_days)) {
        return None;
    }
    match inv.level {
        0 | 1 => {
            let fee = if fee_agreed {
                FeeDecision::Charged
            } else {
                FeeDecision::NotAgreed
            };
            Some(DunningStep::Reminder(Reminder {
                level: inv.level + 1,
                sent: today,
                due: reminder_due_date(today),
                fee_ore: if fee_agreed { REMINDER_FEE_MAX_ORE } else { 0 },
                fee,
            }))
        }
        _ => Some(DunningStep::DebtCollection),
    }
}

#[cfg(test)]
mod tests;

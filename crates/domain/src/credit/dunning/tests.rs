//! Tests of the dunning steps.

use super::*;
use crate::policy::{Capability, PolicyBody, Preset};
use crate::problem::Explain;
use jiff::civil::date;

fn normal_policy() -> CreditPolicy {
    match PolicyBody::preset(Capability::Credit, Preset::Normal) {
        PolicyBody::Credit(c) => c,
        _ => unreachable!(),
    }
}

fn unpaid(due: Date) -> DunningState {
    DunningState {
        outstanding_ore: 123_450,
        due,
        level: 0,
        last_reminder: None,
        extension: ExtensionStatus::Inactive,
    }
}

#[test]
fn first_reminder_after_the_grace_days() {
    let policy = normal_policy(); // 10 grace days
    let inv = unpaid(date(2024, 3, 31));
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 3, 31)),
        None
    );
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 4, 10)),
        None
    );
    let step = next_dunning_step(&inv, &policy, true, date(2024, 4, 11)).unwrap();
    assert_eq!(
        step,
        DunningStep::Reminder(Reminder {
            level: 1,
            sent: date(2024, 4, 11),
            due: date(2024, 4, 22), // 21 April is a Sunday
            fee_ore: REMINDER_FEE_MAX_ORE,
            fee: FeeDecision::Charged,
        })
    );
    assert_eq!(step.fee_ore(), 6_000);
    // The fee is named with its amount (the sentences: the tests of `views::credit`).
    assert_eq!(
        Explain::args(&FeeDecision::Charged),
        vec![("fee", "60,00\u{a0}kr".to_owned())]
    );
}

#[test]
fn a_reminder_fee_without_agreement_is_refused() {
    let inv = unpaid(date(2024, 3, 31));
    let Some(DunningStep::Reminder(r)) =
        next_dunning_step(&inv, &normal_policy(), false, date(2024, 4, 15))
    else {
        panic!("expected a reminder");
    };
    assert_eq!(r.fee_ore, 0);
    assert_eq!(r.fee, FeeDecision::NotAgreed);
    assert_eq!(r.fee.code(), "reminder_fee_not_agreed");
    assert_eq!(Explain::message_key(&r.fee), "credit-fee-not-agreed");
}

#[test]
fn second_reminder_after_the_first_reminders_due_date() {
    let policy = normal_policy();
    let mut inv = unpaid(date(2024, 3, 31));
    inv.level = 1;
    inv.last_reminder = Some(SentReminder {
        sent: date(2024, 4, 11),
        due: date(2024, 4, 22),
    });
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 5, 2)),
        None
    );
    let Some(DunningStep::Reminder(r)) = next_dunning_step(&inv, &policy, true, date(2024, 5, 3))
    else {
        panic!("expected a reminder");
    };
    assert_eq!(r.level, 2);
    // 13 May is a Monday.
    assert_eq!(r.due, date(2024, 5, 13));
    assert_eq!(r.fee_ore, 6_000);
}

#[test]
fn debt_collection_after_the_second_reminder_never_with_a_fee() {
    let policy = normal_policy();
    let mut inv = unpaid(date(2024, 3, 31));
    inv.level = 2;
    inv.last_reminder = Some(SentReminder {
        sent: date(2024, 5, 3),
        due: date(2024, 5, 13),
    });
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 5, 23)),
        None
    );
    let step = next_dunning_step(&inv, &policy, true, date(2024, 5, 24)).unwrap();
    assert_eq!(step, DunningStep::DebtCollection);
    assert_eq!(step.fee_ore(), 0);
    // Levels above 2 are treated as 2.
    inv.level = 7;
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 5, 24)),
        Some(DunningStep::DebtCollection)
    );
}

#[test]
fn no_dunning_during_an_active_extension() {
    let policy = normal_policy();
    let mut inv = unpaid(date(2024, 3, 31));
    inv.extension = ExtensionStatus::Active;
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
        None
    );
    // Broken: dunning resumes from the (extended) due date.
    inv.extension = ExtensionStatus::Broken;
    inv.due = date(2024, 4, 30);
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 5, 10)),
        None
    );
    assert!(matches!(
        next_dunning_step(&inv, &policy, true, date(2024, 5, 11)),
        Some(DunningStep::Reminder(Reminder { level: 1, .. }))
    ));
}

#[test]
fn nothing_outstanding_nothing_to_dun() {
    let policy = normal_policy();
    let mut inv = unpaid(date(2024, 3, 31));
    inv.outstanding_ore = 0;
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
        None
    );
    inv.outstanding_ore = -100;
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 12, 31)),
        None
    );
}

#[test]
fn an_extension_after_a_reminder_moves_the_base() {
    // A reminder was sent, then an extension to 31 May granted and broken.
    let policy = normal_policy();
    let mut inv = unpaid(date(2024, 5, 31));
    inv.level = 1;
    inv.last_reminder = Some(SentReminder {
        sent: date(2024, 4, 11),
        due: date(2024, 4, 22),
    });
    inv.extension = ExtensionStatus::Broken;
    assert_eq!(
        next_dunning_step(&inv, &policy, true, date(2024, 6, 10)),
        None
    );
    assert!(matches!(
        next_dunning_step(&inv, &policy, true, date(2024, 6, 11)),
        Some(DunningStep::Reminder(Reminder { level: 2, .. }))
    ));
}

#[test]
fn reminder_due_dates_skip_holidays() {
    // 2024-12-15 + 10 = 2024-12-25 (juldagen) → 26th (annandag jul) → 27th (Friday).
    assert_eq!(reminder_due_date(date(2024, 12, 15)), date(2024, 12, 27));
    // 2024-06-11 + 10 = midsommarafton 21 June → Monday 24 June.
    assert_eq!(reminder_due_date(date(2024, 6, 11)), date(2024, 6, 24));
    assert_eq!(reminder_due_date(date(2024, 4, 3)), date(2024, 4, 15));
}

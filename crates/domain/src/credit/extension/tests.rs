//! Tests of the extension assessment. The sentences people read for each reason are tested
//! in `views::credit`; these check the facts behind them.

use super::*;
use crate::credit::days::add_days;
use crate::credit::{InterestQuery, ReferenceRate, known_reference_rates, late_interest};
use crate::policy::{Capability, PolicyBody, Preset};
use jiff::civil::date;
use proptest::prelude::*;

fn normal_policy() -> CreditPolicy {
    match PolicyBody::preset(Capability::Credit, Preset::Normal) {
        PolicyBody::Credit(c) => c,
        _ => unreachable!(),
    }
}

fn query<'a>(
    amount_ore: i64,
    due: Date,
    payments: &'a [(Date, i64)],
    until: Date,
    rates: &'a [ReferenceRate],
    waived: &'a [(Date, Date)],
) -> InterestQuery<'a> {
    InterestQuery {
        amount_ore,
        due,
        payments,
        until,
        rates,
        waived,
    }
}

/// A reason's message and arguments, for comparing facts.
fn said(r: &Reason) -> (&'static str, Vec<(&'static str, String)>) {
    (r.message_key(), r.args())
}

fn args(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

fn request(outstanding_ore: i64, ask: Ask) -> ExtensionRequest {
    ExtensionRequest {
        outstanding_ore,
        due: date(2024, 3, 31),
        state: InvoiceState::Open,
        ask,
    }
}

fn today() -> Date {
    date(2024, 3, 25)
}

fn reason<'a>(a: &'a Assessment, code: &str) -> &'a Reason {
    a.reasons
        .iter()
        .find(|r| r.code() == code)
        .unwrap_or_else(|| panic!("no reason {code}: {:?}", a.reasons))
}

#[test]
fn a_small_short_extension_with_clean_history_is_approved() {
    let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
    let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
    assert_eq!(a.decision, Decision::Approve);
    assert!(a.reasons.iter().all(|r| r.passed), "{:?}", a.failed());
    assert!(a.failed().is_empty());
    assert_eq!(a.schedule, vec![(date(2024, 4, 20), 150_000)]);
    assert_eq!(a.extension_days, Some(20));
    // The normal policy charges interest during an extension.
    assert_eq!(a.interest_free, None);
    let codes: Vec<&str> = a.reasons.iter().map(|r| r.code()).collect();
    assert_eq!(
        codes,
        [
            "invoice_state",
            "amount_outstanding",
            "new_due_after_current",
            "new_due_not_passed",
            "max_amount",
            "auto_approve_amount",
            "max_extension_days",
            "no_recent_reminders",
            "no_recent_broken_arrangements",
            "no_recent_debt_collection",
            "no_active_arrangement",
        ]
    );
    assert_eq!(
        said(reason(&a, "no_recent_reminders")),
        (
            "credit-reason-reminders",
            args(&[("months", "12"), ("count", "0")])
        )
    );
    assert_eq!(
        said(reason(&a, "max_extension_days")),
        (
            "credit-reason-extension-days-ok",
            args(&[("days", "20"), ("max", "30")])
        )
    );
}

#[test]
fn refused_states() {
    for (state, key) in [
        (InvoiceState::Paid, "credit-reason-invoice-paid"),
        (
            InvoiceState::WithCollection,
            "credit-reason-invoice-collection",
        ),
        (InvoiceState::InExtension, "credit-reason-invoice-extended"),
    ] {
        let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
        req.state = state;
        let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
        assert_eq!(a.decision, Decision::Refuse, "{state:?}");
        let r = reason(&a, "invoice_state");
        assert!(!r.passed);
        assert_eq!(r.on_failure, Decision::Refuse);
        assert_eq!(said(r), (key, Vec::new()));
    }
    for state in [
        InvoiceState::Open,
        InvoiceState::Overdue,
        InvoiceState::PartlyPaid,
    ] {
        let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
        req.state = state;
        let a = assess_extension(&req, &PaymentHistory::default(), &normal_policy(), today());
        assert_eq!(a.decision, Decision::Approve, "{state:?}");
    }
}

#[test]
fn new_due_date_must_be_later_and_not_passed() {
    let policy = normal_policy();
    let history = PaymentHistory::default();
    for new_due in [date(2024, 3, 31), date(2024, 3, 30)] {
        let a = assess_extension(
            &request(150_000, Ask::NewDueDate(new_due)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refuse);
        assert!(!reason(&a, "new_due_after_current").passed);
        assert!(reason(&a, "new_due_not_passed").passed);
    }
    let r = &assess_extension(
        &request(150_000, Ask::NewDueDate(date(2024, 3, 30))),
        &history,
        &policy,
        today(),
    );
    assert_eq!(
        said(reason(r, "new_due_after_current")),
        (
            "credit-reason-new-due-not-after",
            args(&[("new_due", "2024-03-30"), ("current", "2024-03-31")])
        )
    );
    // An overdue invoice: a later date that has also passed already.
    let mut req = request(150_000, Ask::NewDueDate(date(2024, 4, 10)));
    req.state = InvoiceState::Overdue;
    let a = assess_extension(&req, &history, &policy, date(2024, 4, 15));
    assert_eq!(a.decision, Decision::Refuse);
    assert!(reason(&a, "new_due_after_current").passed);
    assert!(!reason(&a, "new_due_not_passed").passed);
    assert_eq!(
        said(reason(&a, "new_due_not_passed")),
        (
            "credit-reason-new-due-passed",
            args(&[("new_due", "2024-04-10")])
        )
    );
    // Nothing outstanding: refused.
    let a = assess_extension(
        &request(0, Ask::NewDueDate(date(2024, 4, 10))),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refuse);
    assert!(!reason(&a, "amount_outstanding").passed);
}

#[test]
fn instalments_need_at_least_two_and_at_most_the_hard_cap() {
    let policy = normal_policy();
    let history = PaymentHistory::default();
    for n in [0, 1] {
        let a = assess_extension(
            &request(150_000, Ask::Instalments(n)),
            &history,
            &policy,
            today(),
        );
        assert_eq!(a.decision, Decision::Refuse, "{n}");
        let r = reason(&a, "instalment_count");
        assert!(!r.passed);
        assert_eq!(r.message_key(), "credit-reason-instalments-too-few");
    }
    let a = assess_extension(
        &request(150_000, Ask::Instalments(0)),
        &history,
        &policy,
        today(),
    );
    assert!(a.schedule.is_empty());
    assert_eq!(a.extension_days, None);
    let a = assess_extension(
        &request(150_000, Ask::Instalments(u32::MAX)),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refuse);
    assert!(a.schedule.is_empty());
    assert_eq!(
        said(reason(&a, "instalment_count")),
        (
            "credit-reason-instalments-too-many",
            args(&[("n", "4294967295"), ("max", "60")])
        )
    );
}

#[test]
fn instalment_plans_are_referred_beyond_the_policy() {
    let mut policy = normal_policy();
    policy.max_extension_days = 31;
    let history = PaymentHistory::default();
    // Two instalments: 31 March and 30 April: 30 days. Approved.
    let a = assess_extension(
        &request(150_000, Ask::Instalments(2)),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Approve, "{:?}", a.failed());
    assert_eq!(
        a.schedule,
        vec![(date(2024, 3, 31), 75_000), (date(2024, 4, 30), 75_000)]
    );
    assert_eq!(a.extension_days, Some(30));
    assert_eq!(
        said(reason(&a, "max_instalments")),
        (
            "credit-reason-max-instalments-ok",
            args(&[("n", "2"), ("max", "3")])
        )
    );
    // Three instalments run to 31 May: 61 days, too long.
    let a = assess_extension(
        &request(150_000, Ask::Instalments(3)),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refer);
    assert!(reason(&a, "max_instalments").passed);
    let days = reason(&a, "max_extension_days");
    assert!(!days.passed);
    assert_eq!(
        said(days),
        (
            "credit-reason-extension-days-over",
            args(&[("days", "61"), ("max", "31")])
        )
    );
    // Four is more than the policy's three.
    policy.max_extension_days = 365;
    let a = assess_extension(
        &request(150_000, Ask::Instalments(4)),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refer);
    assert_eq!(
        said(reason(&a, "max_instalments")),
        (
            "credit-reason-max-instalments-over",
            args(&[("n", "4"), ("max", "3")])
        )
    );
}

#[test]
fn an_overdue_invoice_gets_its_first_instalment_ten_days_out() {
    let mut req = request(150_000, Ask::Instalments(2));
    req.state = InvoiceState::Overdue;
    // Today 2024-04-15 (Monday): 25 April is a Thursday.
    let a = assess_extension(
        &req,
        &PaymentHistory::default(),
        &normal_policy(),
        date(2024, 4, 15),
    );
    assert_eq!(a.schedule[0].0, date(2024, 4, 25));
    assert_eq!(a.schedule[1].0, date(2024, 5, 25));
    assert_eq!(a.extension_days, Some(55));
    assert_eq!(
        first_instalment_due(date(2024, 3, 31), date(2024, 3, 31)),
        date(2024, 3, 31)
    );
    // Ten days after 2024-12-15 is juldagen; then annandag jul; Friday the 27th.
    assert_eq!(
        first_instalment_due(date(2024, 12, 1), date(2024, 12, 15)),
        date(2024, 12, 27)
    );
    // Ten days after 2024-12-21 is nyårsafton; then nyårsdagen; Thursday 2 January.
    assert_eq!(
        first_instalment_due(date(2024, 12, 1), date(2024, 12, 21)),
        date(2025, 1, 2)
    );
}

#[test]
fn amounts_over_the_limits_are_referred_with_the_amount_in_swedish_form() {
    let policy = normal_policy();
    let history = PaymentHistory::default();
    // Over the auto-approve limit (2 000 kr), under the maximum (20 000 kr).
    let a = assess_extension(
        &request(200_001, Ask::NewDueDate(date(2024, 4, 20))),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refer);
    assert!(reason(&a, "max_amount").passed);
    let auto = reason(&a, "auto_approve_amount");
    assert!(!auto.passed);
    assert_eq!(auto.on_failure, Decision::Refer);
    assert_eq!(
        said(auto),
        (
            "credit-reason-auto-approve-over",
            args(&[("max", "2\u{a0}000,00\u{a0}kr")])
        )
    );
    // Exactly at the limit is fine.
    let a = assess_extension(
        &request(200_000, Ask::NewDueDate(date(2024, 4, 20))),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Approve);
    // Over the maximum.
    let a = assess_extension(
        &request(2_000_001, Ask::NewDueDate(date(2024, 4, 20))),
        &history,
        &policy,
        today(),
    );
    assert_eq!(a.decision, Decision::Refer);
    let max = reason(&a, "max_amount");
    assert!(!max.passed);
    assert_eq!(
        said(max),
        (
            "credit-reason-max-amount-over",
            args(&[("max", "20\u{a0}000,00\u{a0}kr")])
        )
    );
}

#[test]
fn a_long_extension_is_referred() {
    let a = assess_extension(
        &request(150_000, Ask::NewDueDate(date(2024, 5, 1))),
        &PaymentHistory::default(),
        &normal_policy(),
        today(),
    );
    assert_eq!(a.extension_days, Some(31));
    assert_eq!(a.decision, Decision::Refer);
    assert_eq!(
        said(reason(&a, "max_extension_days")),
        (
            "credit-reason-extension-days-over",
            args(&[("days", "31"), ("max", "30")])
        )
    );
}

#[test]
fn history_within_the_window_is_referred() {
    let policy = normal_policy();
    let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
    // Window: 2023-03-25 … today, inclusive at the start.
    let history = PaymentHistory {
        reminders: vec![date(2023, 3, 24), date(2023, 3, 25), date(2023, 11, 2)],
        broken_arrangements: vec![date(2022, 1, 1)],
        debt_collections: vec![date(2024, 1, 9)],
        active_arrangements: 0,
    };
    let a = assess_extension(&req, &history, &policy, today());
    assert_eq!(a.decision, Decision::Refer);
    let reminders = reason(&a, "no_recent_reminders");
    assert!(!reminders.passed);
    assert_eq!(
        said(reminders),
        (
            "credit-reason-reminders-latest",
            args(&[("months", "12"), ("count", "2"), ("latest", "2023-11-02")])
        )
    );
    assert!(reason(&a, "no_recent_broken_arrangements").passed);
    let collection = reason(&a, "no_recent_debt_collection");
    assert!(!collection.passed);
    assert_eq!(
        said(collection),
        (
            "credit-reason-collections-latest",
            args(&[("months", "12"), ("count", "1"), ("latest", "2024-01-09")])
        )
    );
    // Only the old entries: clean.
    let old = PaymentHistory {
        reminders: vec![date(2023, 3, 24)],
        broken_arrangements: vec![date(2022, 1, 1)],
        ..PaymentHistory::default()
    };
    assert_eq!(
        assess_extension(&req, &old, &policy, today()).decision,
        Decision::Approve
    );
    // A broken arrangement alone is enough.
    let broken = PaymentHistory {
        broken_arrangements: vec![date(2024, 2, 1)],
        ..PaymentHistory::default()
    };
    let a = assess_extension(&req, &broken, &policy, today());
    assert_eq!(a.decision, Decision::Refer);
    assert_eq!(
        said(reason(&a, "no_recent_broken_arrangements")),
        (
            "credit-reason-broken-latest",
            args(&[("months", "12"), ("count", "1"), ("latest", "2024-02-01")])
        )
    );
    // 0 months: history not checked.
    let mut lax = policy.clone();
    lax.require_clean_history_months = 0;
    let a = assess_extension(&req, &history, &lax, today());
    assert_eq!(a.decision, Decision::Approve);
    assert_eq!(
        said(reason(&a, "no_recent_reminders")),
        (
            "credit-reason-reminders-off",
            args(&[("months", "0"), ("count", "0")])
        )
    );
}

#[test]
fn another_active_arrangement_is_referred() {
    let history = PaymentHistory {
        active_arrangements: 1,
        ..PaymentHistory::default()
    };
    let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
    let a = assess_extension(&req, &history, &normal_policy(), today());
    assert_eq!(a.decision, Decision::Refer);
    assert_eq!(
        said(reason(&a, "no_active_arrangement")),
        ("credit-reason-active", args(&[("count", "1")]))
    );
}

#[test]
fn refuse_wins_over_refer_and_every_rule_is_reported() {
    let mut req = request(5_000_000, Ask::NewDueDate(date(2024, 9, 1)));
    req.state = InvoiceState::Paid;
    let history = PaymentHistory {
        reminders: vec![date(2024, 1, 1)],
        ..PaymentHistory::default()
    };
    let a = assess_extension(&req, &history, &normal_policy(), today());
    assert_eq!(a.decision, Decision::Refuse);
    let failed: Vec<&str> = a.failed().iter().map(|r| r.code()).collect();
    assert_eq!(
        failed,
        [
            "invoice_state",
            "max_amount",
            "auto_approve_amount",
            "max_extension_days",
            "no_recent_reminders"
        ]
    );
    assert_eq!(a.reasons.len(), 11);
    // Stored form.
    let json = serde_json::to_value(&a.reasons[0]).unwrap();
    assert_eq!(json["code"], "invoice_state");
    assert_eq!(json["passed"], false);
    assert_eq!(json["on_failure"], "refuse");
    assert_eq!(json["check"]["rule"], "invoice_state");
    assert_eq!(json["check"]["state"], "paid");
    // Read back as it was stored.
    let back: Vec<Reason> =
        serde_json::from_str(&serde_json::to_string(&a.reasons).unwrap()).unwrap();
    assert_eq!(back, a.reasons);
    // A reason stored with sentences (before facts were kept) is read by its code.
    let old: Reason = serde_json::from_str(
        r#"{"code":"max_amount","passed":false,"on_failure":"refer","text_sv":"x","text_en":"y"}"#,
    )
    .unwrap();
    assert_eq!(old.code(), "max_amount");
    assert_eq!(old.on_failure, Decision::Refer);
    assert!(!old.passed);
    assert!(
        serde_json::to_string(&a)
            .unwrap()
            .contains("\"decision\":\"refuse\"")
    );
}

#[test]
fn pandemic_policy_waives_interest_during_the_extension() {
    let policy = match PolicyBody::preset(Capability::Credit, Preset::Pandemic) {
        PolicyBody::Credit(c) => c,
        _ => unreachable!(),
    };
    let req = request(400_000, Ask::NewDueDate(date(2024, 5, 20)));
    let a = assess_extension(&req, &PaymentHistory::default(), &policy, today());
    assert_eq!(a.decision, Decision::Approve, "{:?}", a.failed());
    assert_eq!(a.interest_free, Some((date(2024, 4, 1), date(2024, 5, 20))));
    // Paid on the new date: no interest.
    let waived = [a.interest_free.unwrap()];
    let rates = known_reference_rates();
    let b = late_interest(&query(
        400_000,
        req.due,
        &[(date(2024, 5, 20), 400_000)],
        date(2024, 5, 20),
        &rates,
        &waived,
    ));
    assert_eq!(b.total_ore, 0);
}

#[test]
fn instalment_schedule_is_ore_exact_and_keeps_the_day() {
    let s = instalment_schedule(10_000, 3, date(2024, 1, 31));
    assert_eq!(
        s,
        vec![
            (date(2024, 1, 31), 3_334),
            (date(2024, 2, 29), 3_333),
            (date(2024, 3, 31), 3_333)
        ]
    );
    let s = instalment_schedule(100_001, 5, date(2023, 1, 31));
    let dates: Vec<Date> = s.iter().map(|(d, _)| *d).collect();
    assert_eq!(
        dates,
        [
            date(2023, 1, 31),
            date(2023, 2, 28),
            date(2023, 3, 31),
            date(2023, 4, 30),
            date(2023, 5, 31)
        ]
    );
    assert_eq!(s[0].1, 20_001);
    assert!(s[1..].iter().all(|(_, a)| *a == 20_000));
    // Across a year end, and a day every month has.
    let s = instalment_schedule(999, 2, date(2024, 12, 15));
    assert_eq!(s, vec![(date(2024, 12, 15), 500), (date(2025, 1, 15), 499)]);
    assert!(instalment_schedule(10_000, 0, date(2024, 1, 1)).is_empty());
    assert_eq!(
        instalment_schedule(7, 1, date(2024, 1, 1)),
        vec![(date(2024, 1, 1), 7)]
    );
    // Dates saturate at the end of the range.
    let s = instalment_schedule(3, 3, date(9999, 11, 30));
    assert_eq!(s[2].0, Date::MAX);
}

proptest! {
    #[test]
    fn instalment_schedule_sums_and_spaces(
        amount in -10_000_000_000i64..10_000_000_000,
        n in 1u32..=MAX_PLAN_INSTALMENTS,
        offset in 0i64..3000,
    ) {
        let first = add_days(date(2020, 1, 1), offset);
        let s = instalment_schedule(amount, n, first);
        prop_assert_eq!(s.len(), n as usize);
        prop_assert_eq!(s.iter().map(|(_, a)| a).sum::<i64>(), amount);
        let rest = s[1..].iter().map(|(_, a)| *a).collect::<Vec<_>>();
        prop_assert!(rest.iter().all(|a| *a == amount / i64::from(n)));
        prop_assert!((s[0].1 - amount / i64::from(n)).abs() < i64::from(n));
        for (k, (d, _)) in s.iter().enumerate() {
            prop_assert_eq!(d.day(), first.day().min(d.days_in_month()));
            let months = (i32::from(d.year()) - i32::from(first.year())) * 12
                + i32::from(d.month()) - i32::from(first.month());
            prop_assert_eq!(months, k as i32);
        }
    }
}

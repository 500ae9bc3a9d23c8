//! The sentences credit data is read in, in both languages: the reasons of an assessment as
//! they read before they were kept as facts, the fee decisions, refusals, and what an
//! arrangement agrees.

use domain::credit::{
    Ask, Assessment, BgmaxFault, BgmaxFaultKind, CreditProblem, ExtensionRequest, FeeDecision,
    InvoiceState, PaymentHistory, Reason, assess_extension,
};
use domain::policy::{Capability, CreditPolicy, PolicyBody, Preset};
use domain::problem::Problem;
use jiff::civil::{Date, date};

use super::*;

fn normal_policy() -> CreditPolicy {
    match PolicyBody::preset(Capability::Credit, Preset::Normal) {
        PolicyBody::Credit(c) => c,
        _ => unreachable!(),
    }
}

fn request(outstanding_ore: i64, ask: Ask) -> ExtensionRequest {
    ExtensionRequest {
        outstanding_ore,
        due: date(2024, 3, 31),
        state: InvoiceState::Open,
        ask,
    }
}

fn assess(
    req: &ExtensionRequest,
    history: &PaymentHistory,
    policy: &CreditPolicy,
    today: Date,
) -> Assessment {
    assess_extension(req, history, policy, today)
}

fn today() -> Date {
    date(2024, 3, 25)
}

/// The reason `code` of an assessment in Swedish and English, with ordinary spaces.
fn read(a: &Assessment, code: &str) -> (String, String) {
    let r = a
        .reasons
        .iter()
        .find(|r| r.code() == code)
        .unwrap_or_else(|| panic!("no reason {code}"));
    let plain = |s: String| s.replace('\u{a0}', " ");
    (plain(explain(Lang::Sv, r)), plain(explain(Lang::En, r)))
}

#[test]
fn every_reason_reads_in_both_languages() {
    for r in Reason::examples() {
        for lang in [Lang::Sv, Lang::En] {
            let text = explain(lang, &r);
            assert_ne!(text, domain::problem::Explain::message_key(&r), "{r:?}");
            assert!(!text.contains('$') && !text.contains('{'), "{r:?}: {text}");
        }
    }
}

#[test]
fn reasons_read_as_they_did() {
    let policy = normal_policy();
    let none = PaymentHistory::default();
    let a = assess(
        &request(150_000, Ask::NewDueDate(date(2024, 4, 20))),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&a, "no_recent_reminders"),
        (
            "Inga påminnelser de senaste 12 månaderna".into(),
            "No reminders in the last 12 months".into()
        )
    );
    assert_eq!(
        read(&a, "max_extension_days").0,
        "Anståndet är 20 dagar – högst 30 dagar tillåts"
    );
    assert_eq!(
        read(&a, "max_extension_days").1,
        "The extension is 20 days; at most 30 days are allowed"
    );
    let mut paid = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
    paid.state = InvoiceState::Paid;
    assert_eq!(
        read(&assess(&paid, &none, &policy, today()), "invoice_state"),
        (
            "Fakturan är redan betald".into(),
            "The invoice is already paid".into()
        )
    );
    let earlier = assess(
        &request(150_000, Ask::NewDueDate(date(2024, 3, 30))),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&earlier, "new_due_after_current").1,
        "The new due date 2024-03-30 must be after 2024-03-31"
    );
    let mut late = request(150_000, Ask::NewDueDate(date(2024, 4, 10)));
    late.state = InvoiceState::Overdue;
    assert_eq!(
        read(
            &assess(&late, &none, &policy, date(2024, 4, 15)),
            "new_due_not_passed"
        )
        .0,
        "Det nya förfallodatumet 2024-04-10 har redan passerat"
    );
    let one = assess(
        &request(150_000, Ask::Instalments(1)),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&one, "instalment_count").1,
        "An instalment plan needs at least 2 instalments"
    );
    let many = assess(
        &request(150_000, Ask::Instalments(u32::MAX)),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&many, "instalment_count").0,
        "En avbetalningsplan kan ha högst 60 delbetalningar"
    );
    let four = assess(
        &request(150_000, Ask::Instalments(4)),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&four, "max_instalments").0,
        "4 delbetalningar – fler än 3"
    );
    let mut lax = policy.clone();
    lax.max_extension_days = 31;
    let two = assess(&request(150_000, Ask::Instalments(2)), &none, &lax, today());
    assert_eq!(
        read(&two, "max_instalments").1,
        "2 instalments; at most 3 are allowed"
    );
    let three = assess(&request(150_000, Ask::Instalments(3)), &none, &lax, today());
    assert_eq!(
        read(&three, "max_extension_days").1,
        "The extension is 61 days, longer than 31 days"
    );
    let long = assess(
        &request(150_000, Ask::NewDueDate(date(2024, 5, 1))),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&long, "max_extension_days").0,
        "Anståndet är 31 dagar – längre än 30 dagar"
    );
}

#[test]
fn amounts_and_history_read_as_they_did() {
    let policy = normal_policy();
    let none = PaymentHistory::default();
    let over_auto = assess(
        &request(200_001, Ask::NewDueDate(date(2024, 4, 20))),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&over_auto, "auto_approve_amount").0,
        "Beloppet överstiger gränsen för automatiskt godkännande, 2 000,00 kr"
    );
    let over_max = assess(
        &request(2_000_001, Ask::NewDueDate(date(2024, 4, 20))),
        &none,
        &policy,
        today(),
    );
    assert_eq!(
        read(&over_max, "max_amount"),
        (
            "Beloppet överstiger 20 000,00 kr".into(),
            "The amount is over 20 000,00 kr".into()
        )
    );
    let req = request(150_000, Ask::NewDueDate(date(2024, 4, 20)));
    let history = PaymentHistory {
        reminders: vec![date(2023, 3, 24), date(2023, 3, 25), date(2023, 11, 2)],
        broken_arrangements: vec![date(2022, 1, 1)],
        debt_collections: vec![date(2024, 1, 9)],
        active_arrangements: 0,
    };
    let a = assess(&req, &history, &policy, today());
    assert_eq!(
        read(&a, "no_recent_reminders"),
        (
            "2 påminnelser de senaste 12 månaderna, senast 2023-11-02".into(),
            "2 reminders in the last 12 months, the latest on 2023-11-02".into()
        )
    );
    assert_eq!(
        read(&a, "no_recent_debt_collection").1,
        "1 invoice sent to debt collection in the last 12 months, the latest on 2024-01-09"
    );
    let broken = PaymentHistory {
        broken_arrangements: vec![date(2024, 2, 1)],
        ..PaymentHistory::default()
    };
    assert_eq!(
        read(
            &assess(&req, &broken, &policy, today()),
            "no_recent_broken_arrangements"
        )
        .0,
        "1 bruten betalningsöverenskommelse de senaste 12 månaderna, senast 2024-02-01"
    );
    let mut unchecked = policy.clone();
    unchecked.require_clean_history_months = 0;
    assert_eq!(
        read(
            &assess(&req, &history, &unchecked, today()),
            "no_recent_reminders"
        )
        .1,
        "Reminders are not checked under the policy"
    );
    let active = PaymentHistory {
        active_arrangements: 1,
        ..PaymentHistory::default()
    };
    assert_eq!(
        read(
            &assess(&req, &active, &policy, today()),
            "no_active_arrangement"
        )
        .1,
        "The customer already has 1 active payment arrangement"
    );
}

#[test]
fn fee_decisions_name_the_law() {
    let plain = |s: String| s.replace('\u{a0}', " ");
    assert_eq!(
        plain(explain(Lang::Sv, &FeeDecision::Charged)),
        "Påminnelseavgift 60,00 kr enligt avtal (lagen om ersättning för inkassokostnader 2 och 4 §§)"
    );
    assert_eq!(
        explain(Lang::En, &FeeDecision::NotAgreed),
        "No reminder fee: the fee was not agreed with the customer (Debt Recovery Costs Act, section 2)"
    );
    assert!(explain(Lang::Sv, &FeeDecision::NotAgreed).contains("inte avtalats"));
}

#[test]
fn a_bad_bgmax_line_is_named_with_what_to_do() {
    let p = Problem::Credit(CreditProblem::BgmaxFormat {
        line: 17,
        field: "record",
        fault: BgmaxFault::new(BgmaxFaultKind::Tab).with("column", 5),
    });
    let en = explain(Lang::En, &p);
    assert!(
        en.starts_with("line 17, field record: TAB character at column 5"),
        "{en}"
    );
    assert!(
        en.contains("fetch the original file from the bank again"),
        "{en}"
    );
    let sv = explain(Lang::Sv, &p);
    assert!(
        sv.starts_with("rad 17, fält record: TAB-tecken i kolumn 5"),
        "{sv}"
    );
    assert!(sv.contains("hämta originalfilen från banken igen"), "{sv}");
}

#[test]
fn arrangements_and_rates_read_plainly() {
    use domain::credit::ArrangementKind;
    assert_eq!(
        arrangement_what(
            Lang::Sv,
            ArrangementKind::Extension,
            Some(date(2026, 11, 30)),
            None
        ),
        "Ny förfallodag 2026-11-30"
    );
    assert_eq!(
        arrangement_what(Lang::En, ArrangementKind::Instalments, None, Some(3)),
        "3 monthly instalments"
    );
    assert_eq!(RateLine::percent(200), "2,00");
    assert_eq!(RateLine::percent(-50), "-0,50");
    assert_eq!(RateLine::percent(1050), "10,50");
}

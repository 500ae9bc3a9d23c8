//! Sponsorship agreements through the community handle, on both backends: instalments become
//! attested invoices a fortnight before they are due, once, which finance approves and the
//! payment run pays; cancelled matches withhold an instalment under the everyday policy and are
//! paid with extra support under the pandemic one; an agreement ended early pays no more; and
//! the hook's preview counts the instalments the measures touch.

use std::sync::Arc;

use domain::community::sponsorship::InstalmentState;
use domain::community::{CommunityPolicy, CommunityProblem, LedgerCategory};
use domain::ids::SupplierId;
use domain::policy::{Capability, PolicyBody};
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use domain::suppliers::InvoiceState;
use jiff::civil::{Date, date};
use services::capability::PolicyChange;
use services::community::AgreementInput;
use services::suppliers::{DebtorAccountSetting, PayeeKind, PaymentSettings, SupplierInput};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

const TODAY: Date = date(2026, 11, 23);

fn person(role: Role, name: &str) -> Actor {
    Actor {
        role: Some(role),
        name: name.into(),
        ..Actor::system()
    }
}

fn manager() -> Actor {
    person(Role::ContinuityManager, "Berit Beredskap")
}

fn frida() -> Actor {
    person(Role::Finance, "Frida Finans")
}

async fn setup(backend: Backend) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(FixedClock::new(test_now()));
    let s = Services::new(store, clock.clone(), test_settings(false));
    Some((s, clock, db))
}

async fn club(s: &Services, org: &str, name: &str, active: bool) -> SupplierId {
    s.suppliers()
        .save(
            &frida(),
            None,
            &SupplierInput {
                org_number: org.into(),
                name: name.into(),
                bankgiro: "5050-1055".into(),
                municipality: "Karlskoga".into(),
                size: "small".into(),
                terms_days: "30".into(),
                trades: vec!["marketing".into()],
                active,
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

fn agreement(club: SupplierId, from: Date, to: Date, amount: &str, n: &str) -> AgreementInput {
    AgreementInput {
        supplier_id: club.get().to_string(),
        starts_on: from.to_string(),
        ends_on: to.to_string(),
        amount: amount.into(),
        instalments: n.into(),
        returns: vec!["shirt_logo".into(), "tickets".into()],
        returns_note: "Logga på matchtröjan".into(),
        reason: "Styrelsebeslut 2026-11".into(),
    }
}

fn invalid(e: ServiceError) -> (&'static str, Problem) {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

async fn set_policy(s: &Services, p: CommunityPolicy, from: jiff::Timestamp) {
    s.policies()
        .change(
            &Actor::system(),
            &PolicyBody::Community(p),
            from,
            None,
            "test",
        )
        .await
        .unwrap();
}

fn at(day: Date) -> jiff::Timestamp {
    domain::time::start_of_day(day, &domain::time::stockholm())
        .checked_add(jiff::SignedDuration::from_hours(9))
        .unwrap()
}

#[tokio::test]
async fn instalments_become_invoices_once_and_follow_the_crisis_measures() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.community();
        let hockey = club(&s, "802003-1236", "Karlskoga Hockeyklubb", true).await;
        let dormant = club(&s, "802455-3821", "Vilande IF", false).await;
        let year = date(2027, 11, 21);
        // Refusals, each at its field.
        assert!(matches!(
            h.make_agreement(
                &person(Role::Agent, "Anna Agent"),
                &agreement(hockey, TODAY, year, "100000", "4")
            )
            .await,
            Err(ServiceError::Forbidden)
        ));
        assert_eq!(
            invalid(
                h.make_agreement(&manager(), &agreement(dormant, TODAY, year, "100000", "4"))
                    .await
                    .unwrap_err()
            ),
            (
                "supplier_id",
                Problem::Community(CommunityProblem::NotPayable)
            )
        );
        assert_eq!(
            invalid(
                h.make_agreement(&manager(), &agreement(hockey, year, TODAY, "100000", "4"))
                    .await
                    .unwrap_err()
            ),
            (
                "ends_on",
                Problem::Community(CommunityProblem::PeriodBackwards)
            )
        );
        assert_eq!(
            invalid(
                h.make_agreement(&manager(), &agreement(hockey, TODAY, year, "100000", "25"))
                    .await
                    .unwrap_err()
            )
            .0,
            "instalments"
        );
        let id = h
            .make_agreement(&manager(), &agreement(hockey, TODAY, year, "100000", "4"))
            .await
            .unwrap();
        let (a, instalments) = h.agreement(&frida(), id).await.unwrap();
        assert_eq!(a.club, "Karlskoga Hockeyklubb");
        assert_eq!(
            instalments.iter().map(|i| i.due_on).collect::<Vec<_>>(),
            vec![
                TODAY,
                date(2027, 2, 23),
                date(2027, 5, 23),
                date(2027, 8, 23)
            ],
            "{backend:?}"
        );
        assert_eq!(
            instalments.iter().map(|i| i.base.ore()).sum::<i64>(),
            10_000_000
        );
        h.set_matches_cancelled(&manager(), id, 2, true)
            .await
            .unwrap();
        h.set_matches_cancelled(&manager(), id, 4, true)
            .await
            .unwrap();

        // Today: the first instalment, once however often the run goes.
        let r = h.release_instalments(&manager(), TODAY).await.unwrap();
        assert_eq!((r.paid, r.withheld), (1, 0));
        let again = h.release_instalments(&manager(), TODAY).await.unwrap();
        assert_eq!((again.paid, again.withheld), (0, 0), "released once");
        let (_, instalments) = h.agreement(&frida(), id).await.unwrap();
        assert_eq!(instalments[0].state, InstalmentState::Released);
        assert!(matches!(
            h.set_matches_cancelled(&manager(), id, 1, true).await,
            Err(ServiceError::Conflict(Problem::Community(
                CommunityProblem::InstalmentClosed
            )))
        ));
        let invoices = store::suppliers::invoices_of(s.store(), hockey)
            .await
            .unwrap();
        assert_eq!(invoices.len(), 1);
        let invoice = &invoices[0];
        assert_eq!(invoice.number, format!("SPONS-{}-1", id.get()));
        assert_eq!(invoice.amount.ore(), 2_500_000);
        assert_eq!(invoice.state, InvoiceState::Attested);
        assert_eq!(invoice.attested_by.as_deref(), Some("Berit Beredskap"));
        // Finance approves it (a second person) and the payment run pays it.
        s.suppliers().approve(&frida(), invoice.id).await.unwrap();
        s.suppliers()
            .save_payment_settings(
                &frida(),
                &PaymentSettings {
                    payer_name: "Karlskoga Energi & Miljö AB".into(),
                    payer_org_number: "556036-0793".into(),
                    accounts: vec![DebtorAccountSetting {
                        name: "bg".into(),
                        bankgiro: "991-2346".into(),
                        pays: vec![PayeeKind::Bankgiro],
                        ..Default::default()
                    }],
                    limits: Default::default(),
                },
            )
            .await
            .unwrap();
        let proposal = s
            .suppliers()
            .propose_payments(&frida(), date(2026, 11, 30))
            .await
            .unwrap();
        assert_eq!(proposal.files.len(), 1);
        assert_eq!(proposal.files[0].sum.ore(), 2_500_000, "{backend:?}");
        let ledger = h
            .ledger(&frida(), date(2026, 1, 1), date(2027, 12, 31))
            .await
            .unwrap();
        assert_eq!(
            ledger.totals.by_category[&LedgerCategory::Sponsorship].ore(),
            2_500_000
        );
        assert_eq!(ledger.entries[0].decided_by, "Berit Beredskap");

        // February, everyday policy: the cancelled matches' instalment is withheld.
        clock.set(at(date(2027, 2, 10)));
        let r = h
            .release_instalments(&manager(), date(2027, 2, 10))
            .await
            .unwrap();
        assert_eq!((r.paid, r.withheld), (0, 1));

        // From April the pandemic policy: a fifth more, and cancelled matches paid.
        set_policy(&s, CommunityPolicy::preset(true), at(date(2027, 4, 1))).await;
        clock.set(at(date(2027, 5, 10)));
        let r = h
            .release_instalments(&manager(), date(2027, 5, 10))
            .await
            .unwrap();
        assert_eq!((r.paid, r.withheld, r.extra_ore), (1, 0, 500_000));
        clock.set(at(date(2027, 8, 10)));
        let r = h
            .release_instalments(&manager(), date(2027, 8, 10))
            .await
            .unwrap();
        assert_eq!((r.paid, r.withheld), (1, 0), "cancelled matches paid");
        let (_, instalments) = h.agreement(&frida(), id).await.unwrap();
        assert_eq!(
            instalments.iter().map(|i| i.state).collect::<Vec<_>>(),
            vec![
                InstalmentState::Released,
                InstalmentState::Withheld,
                InstalmentState::Released,
                InstalmentState::Released
            ]
        );
        assert_eq!(instalments[3].extra.ore(), 500_000);
        let amounts: Vec<i64> = store::suppliers::invoices_of(s.store(), hockey)
            .await
            .unwrap()
            .iter()
            .map(|i| i.amount.ore())
            .collect();
        assert_eq!(amounts.iter().sum::<i64>(), 2_500_000 + 2 * 3_000_000);
    }
}

#[tokio::test]
async fn an_agreement_ended_early_pays_no_more_and_the_hook_counts_the_measures() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.community();
        let football = club(&s, "802003-1236", "Karlskoga FF", true).await;
        let swim = club(&s, "802455-3821", "Karlskoga SS", true).await;
        let later = date(2027, 1, 1);
        let ends = date(2027, 12, 31);
        let f = h
            .make_agreement(&manager(), &agreement(football, later, ends, "40000", "4"))
            .await
            .unwrap();
        let w = h
            .make_agreement(&manager(), &agreement(swim, later, ends, "10000", "2"))
            .await
            .unwrap();
        h.set_matches_cancelled(&manager(), f, 1, true)
            .await
            .unwrap();
        let change = PolicyChange {
            before: PolicyBody::Community(CommunityPolicy::preset(false)),
            after: PolicyBody::Community(CommunityPolicy::preset(true)),
            at: test_now(),
            until: None,
        };
        let hook = s.hook(Capability::Community).expect("a community hook");
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(preview.effect("instalments_with_extra"), 6, "{backend:?}");
        assert_eq!(preview.effect("sponsorship_extra_ore"), 1_000_000);
        assert_eq!(preview.effect("cancelled_instalments_paid"), 1);
        assert_eq!(
            invalid(h.terminate_agreement(&manager(), w, " ").await.unwrap_err()).0,
            "reason"
        );
        h.terminate_agreement(&manager(), w, "Föreningen lades ned")
            .await
            .unwrap();
        assert!(matches!(
            h.terminate_agreement(&manager(), w, "igen").await,
            Err(ServiceError::Conflict(Problem::Community(
                CommunityProblem::AgreementClosed
            )))
        ));
        let (_, swim_instalments) = h.agreement(&manager(), w).await.unwrap();
        assert!(
            swim_instalments
                .iter()
                .all(|i| i.state == InstalmentState::Cancelled)
        );
        let r = h.release_instalments(&manager(), ends).await.unwrap();
        assert_eq!((r.paid, r.withheld), (3, 1), "only the football club's");
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(preview.effect("instalments_with_extra"), 0);
    }
}

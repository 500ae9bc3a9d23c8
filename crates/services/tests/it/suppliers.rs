//! Suppliers through their handle, on both backends: the register (every value checked, the
//! organisation number unique), its import (all or nothing, the same file twice changes nothing),
//! invoices due on the terms in force, and the suppliers policy's hook: offers by e-mail with a
//! signed link, the preview equal to what apply does, apply twice under one key doing it once,
//! and an acceptance bringing the supplier's open invoices forward.

use std::sync::Arc;

use domain::ids::SupplierId;
use domain::policy::{Capability, PolicyBody, Preset};
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use domain::suppliers::{OfferState, SupplierProblem};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use services::capability::{Impact, PolicyChange};
use services::import::ImportError;
use services::suppliers::{InvoiceInput, SupplierInput};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

const TODAY: Date = date(2026, 11, 23);

fn finance() -> Actor {
    Actor {
        role: Some(Role::Finance),
        name: "Frida Finans".into(),
        ..Actor::system()
    }
}

fn as_role(role: Role) -> Actor {
    Actor {
        role: Some(role),
        ..finance()
    }
}

/// A local small excavation firm paid by bankgiro, with a contact who reads e-mail.
fn local() -> SupplierInput {
    SupplierInput {
        org_number: "556036-0793".into(),
        name: "Karlskoga Schakt AB".into(),
        vat_number: "SE556036079301".into(),
        f_skatt: true,
        bankgiro: "5050-1055".into(),
        municipality: "Karlskoga".into(),
        size: "small".into(),
        terms_days: "30".into(),
        trades: vec!["excavation".into()],
        active: true,
        contact_name: "Eva Lind".into(),
        contact_email: "eva@schakt.example".into(),
        ..Default::default()
    }
}

/// A large firm in Stockholm paid by IBAN.
fn distant() -> SupplierInput {
    SupplierInput {
        org_number: "5565475489".into(),
        name: "Stockholm Kabel AB".into(),
        vat_number: String::new(),
        f_skatt: true,
        bankgiro: String::new(),
        iban: "SE45 5000 0000 0583 9825 7466".into(),
        bic: "ESSESESS".into(),
        municipality: "Stockholm".into(),
        size: "other".into(),
        trades: vec!["electrical".into(), "transport".into()],
        contact_email: "ekonomi@kabel.example".into(),
        ..local()
    }
}

async fn setup(backend: Backend) -> Option<(Services, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let s = Services::new(
        store,
        Arc::new(FixedClock::new(test_now())),
        test_settings(false),
    );
    Some((s, db))
}

fn invalid_field(e: ServiceError) -> (&'static str, Problem) {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

#[tokio::test]
async fn the_register_checks_every_value_and_keeps_org_numbers_unique() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let id = h.save(&finance(), None, &local()).await.unwrap();
        let d = h.detail(&as_role(Role::Planner), id).await.unwrap();
        assert!(d.supplier.is_local, "{backend:?}: Karlskoga is local");
        assert_eq!(d.supplier.org_number.to_string(), "556036-0793");
        assert_eq!(d.contacts.len(), 1);
        let far = h.save(&finance(), None, &distant()).await.unwrap();
        let far_row = h.detail(&finance(), far).await.unwrap().supplier;
        assert!(!far_row.is_local);
        assert_eq!(far_row.trades.len(), 2);

        let cases: Vec<(SupplierInput, &str)> = vec![
            (
                SupplierInput {
                    bankgiro: "5050-1056".into(),
                    ..local()
                },
                "bankgiro",
            ),
            (
                SupplierInput {
                    org_number: "556036-0794".into(),
                    ..local()
                },
                "org_number",
            ),
            (
                SupplierInput {
                    vat_number: "SE556036079401".into(),
                    ..local()
                },
                "vat_number",
            ),
            (
                SupplierInput {
                    iban: "SE45 5000 0000 0583 9825 7466".into(),
                    ..local()
                },
                "bankgiro",
            ),
            (
                SupplierInput {
                    trades: vec!["astrology".into()],
                    ..local()
                },
                "trades",
            ),
            (
                SupplierInput {
                    terms_days: "45".into(),
                    ..local()
                },
                "terms_days",
            ),
            (
                SupplierInput {
                    contact_email: "eva at schakt".into(),
                    ..local()
                },
                "contact_email",
            ),
        ];
        for (input, field) in cases {
            let e = h.save(&finance(), Some(id), &input).await.unwrap_err();
            assert_eq!(invalid_field(e).0, field, "{backend:?}");
        }
        // Another supplier cannot take the number; the same one may be saved again.
        let e = h.save(&finance(), Some(far), &local()).await.unwrap_err();
        assert!(matches!(
            invalid_field(e),
            (
                "org_number",
                Problem::Suppliers(SupplierProblem::OrgNumberTaken { .. })
            )
        ));
        h.save(&finance(), Some(id), &local()).await.unwrap();
        // Planners read; only finance and admins write; agents see nothing.
        assert!(matches!(
            h.save(&as_role(Role::Planner), None, &local()).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            h.list(&as_role(Role::Agent)).await,
            Err(ServiceError::Forbidden)
        ));
        assert_eq!(h.list(&finance()).await.unwrap().len(), 2);
    }
}

const FILE: &str = "\
org_number;name;bankgiro;plusgiro;municipality;size;trades;f_skatt;contact_email
556036-0793;Karlskoga Schakt AB;5050-1055;;Karlskoga;small;excavation;ja;eva@schakt.example
5565475489;Degerfors VVS AB;;902003-3;Degerfors;small;plumbing_hvac,haulage;ja;
5560125790;Örebro Automation AB;991-2346;;Örebro;other;automation;nej;info@auto.example
";

#[tokio::test]
async fn the_import_is_all_or_nothing_and_the_same_file_twice_changes_nothing() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        // A bad bankgiro on line 4 (the header is line 1): nothing is written.
        let bad = FILE.replace("991-2346", "991-2347");
        match h.import(&finance(), bad.as_bytes(), false).await {
            Err(ImportError::Line(l)) => {
                assert_eq!((l.line, l.field), (4, "bankgiro"), "{backend:?}");
                assert_eq!(l.problem, Problem::Suppliers(SupplierProblem::BadBankgiro));
            }
            other => panic!("{backend:?}: expected a line error, got {other:?}"),
        }
        assert!(h.list(&finance()).await.unwrap().is_empty());
        let twice = format!("{FILE}556036-0793;Igen AB;5050-1055;;Karlskoga;;excavation;ja;\n");
        match h.import(&finance(), twice.as_bytes(), false).await {
            Err(ImportError::Line(l)) => assert_eq!((l.line, l.field), (5, "org_number")),
            other => panic!("expected a duplicate, got {other:?}"),
        }
        let first = h.import(&finance(), FILE.as_bytes(), false).await.unwrap();
        assert_eq!((first.inserted, first.updated, first.unchanged), (3, 0, 0));
        let again = h.import(&finance(), FILE.as_bytes(), false).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
        let changed = FILE.replace("Degerfors VVS AB", "Degerfors VVS & Rör AB");
        let third = h
            .import(&finance(), changed.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!((third.inserted, third.updated, third.unchanged), (0, 1, 2));
        let all = h.list(&finance()).await.unwrap();
        assert_eq!(all.iter().filter(|s| s.is_local).count(), 2);
        assert!(matches!(
            h.import(&as_role(Role::Planner), FILE.as_bytes(), false)
                .await,
            Err(ImportError::Service(ServiceError::Forbidden))
        ));
    }
}

fn invoice(supplier: SupplierId, number: &str, received: Date, kronor: &str) -> InvoiceInput {
    InvoiceInput {
        supplier_id: Some(supplier),
        number: number.into(),
        issue_date: received.to_string(),
        received_on: received.to_string(),
        amount: kronor.into(),
        vat: "0".into(),
        ..Default::default()
    }
}

fn pandemic(s: &Services) -> PolicyChange {
    PolicyChange {
        before: PolicyBody::preset(Capability::Suppliers, Preset::Normal),
        after: PolicyBody::preset(Capability::Suppliers, Preset::Pandemic),
        at: s.now(),
        until: None,
    }
}

fn effect(impact: &Impact, key: &str) -> (i64, Vec<i64>) {
    let e = impact
        .effects
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no effect {key}"));
    (e.value, e.ids.clone())
}

#[tokio::test]
async fn crisis_mode_offers_local_suppliers_shorter_terms_and_an_acceptance_brings_invoices_forward()
 {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let near = h.save(&finance(), None, &local()).await.unwrap();
        let far = h.save(&finance(), None, &distant()).await.unwrap();
        // Received five days ago on 30 days: due in 25 days; and one from the distant firm.
        let old = h
            .record_invoice(
                &finance(),
                &invoice(near, "F-1", TODAY - 5.days(), "12 500,00"),
            )
            .await
            .unwrap();
        h.record_invoice(&finance(), &invoice(far, "K-9", TODAY - 5.days(), "4 000"))
            .await
            .unwrap();
        let change = pandemic(&s);
        let hook = s.hook(Capability::Suppliers).unwrap();
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(
            effect(&preview, "offers"),
            (1, vec![near.get()]),
            "{backend:?}"
        );
        assert_eq!(
            effect(&preview, "invoices_brought_forward_if_accepted"),
            (1, vec![old.get()])
        );
        assert_eq!(
            effect(&preview, "brought_forward_if_accepted_ore").0,
            1_250_000
        );
        // Cash moved per week: received five days ago on ten days, due in the first week.
        assert_eq!(
            effect(&preview, "paid_earlier_week_1_ore"),
            (1_250_000, vec![old.get()])
        );
        for later in [
            "paid_earlier_week_2_ore",
            "paid_earlier_week_3_ore",
            "paid_earlier_later_ore",
        ] {
            assert_eq!(effect(&preview, later).0, 0, "{later}");
        }
        assert!(preview.customers.is_empty());
        // Applying does what the preview said, once under its key.
        let applied = hook.apply(&change, "mode:1").await.unwrap();
        assert_eq!(applied.effects, preview.effects);
        let again = hook.apply(&change, "mode:1").await.unwrap();
        assert_eq!(again.effects, preview.effects);
        let mails: Vec<_> = s
            .outbox(100, 0)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.recipient == "eva@schakt.example")
            .collect();
        assert_eq!(
            mails.len(),
            1,
            "{backend:?}: one offer, however often applied"
        );
        let offers = store::suppliers::offers(s.store()).await.unwrap();
        assert_eq!(offers.len(), 1);
        let offer = &offers[0];
        assert_eq!((offer.days, offer.state), (10, OfferState::Offered));
        let link = h.offer_link(offer.id).await.unwrap();
        assert!(mails[0].body_text.contains(&link), "{}", mails[0].body_text);
        let token = link.rsplit('/').next().unwrap().to_owned();

        // A forged token opens nothing; the real one shows the offer.
        // One character of the MAC changed.
        let mut forged = token.clone().into_bytes();
        forged[20] = if forged[20] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(matches!(
            h.offer(&forged).await,
            Err(ServiceError::NotFound)
        ));
        assert!(h.offer(&token).await.unwrap().open);
        assert_eq!(
            h.answer_offer(&token, true, "198.51.100.7").await.unwrap(),
            OfferState::Accepted
        );
        let d = h.detail(&finance(), near).await.unwrap();
        let moved = d.invoices.iter().find(|i| i.id == old).unwrap();
        assert_eq!(
            moved.due_date,
            TODAY + 5.days(),
            "{backend:?}: 10 days from receipt"
        );
        assert_eq!(moved.offer_id, Some(offer.id));
        // Answered once only; a new invoice comes on the shorter terms.
        assert!(matches!(
            h.answer_offer(&token, false, "198.51.100.7").await,
            Err(ServiceError::Conflict(Problem::Suppliers(
                SupplierProblem::OfferAnswered
            )))
        ));
        let new = h
            .record_invoice(&finance(), &invoice(near, "F-2", TODAY, "1 000"))
            .await
            .unwrap();
        let d = h.detail(&finance(), near).await.unwrap();
        let fresh = d.invoices.iter().find(|i| i.id == new).unwrap();
        assert_eq!((fresh.terms_days, fresh.due_date), (10, TODAY + 10.days()));
        // The same invoice recorded twice is one invoice.
        let twice = h
            .record_invoice(&finance(), &invoice(near, "F-2", TODAY, "1 000"))
            .await
            .unwrap();
        assert_eq!(twice, new);
        // Back to normal: nothing is open to lapse, and no offers go out.
        let back = hook.preview(&change.reverted(s.now())).await.unwrap();
        assert_eq!(effect(&back, "offers").0, 0);
        assert_eq!(effect(&back, "offers_lapsing").0, 0);
    }
}

#[tokio::test]
async fn an_offer_not_answered_lapses_when_the_policy_ends() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        h.save(&finance(), None, &local()).await.unwrap();
        let change = pandemic(&s);
        let hook = s.hook(Capability::Suppliers).unwrap();
        hook.apply(&change, "mode:1").await.unwrap();
        let end = change.reverted(s.now());
        let preview = hook.preview(&end).await.unwrap();
        assert_eq!(effect(&preview, "offers_lapsing").0, 1, "{backend:?}");
        hook.apply(&end, "mode:1:end").await.unwrap();
        let offer = &store::suppliers::offers(s.store()).await.unwrap()[0];
        assert_eq!(offer.state, OfferState::Lapsed);
        let token = h.offer_link(offer.id).await.unwrap();
        let token = token.rsplit('/').next().unwrap();
        assert!(!h.offer(token).await.unwrap().open);
        assert!(matches!(
            h.answer_offer(token, true, "198.51.100.7").await,
            Err(ServiceError::Conflict(Problem::Suppliers(
                SupplierProblem::OfferAnswered
            )))
        ));
    }
}

fn lines() -> Vec<test_support::peppol::GenLine> {
    vec![test_support::peppol::GenLine {
        name: "Schaktning Bergsgatan",
        quantity: "10",
        price: "200.00",
        net: "2000.00",
    }]
}

fn einvoice(org: &str, number: &str) -> Vec<u8> {
    test_support::peppol::invoice_from(org, number, &lines(), "2000.00", "500.00", "2500.00")
        .into_bytes()
}

#[tokio::test]
async fn e_invoices_are_checked_by_the_rules_matched_to_the_register_and_taken_in_once() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let near = h.save(&finance(), None, &local()).await.unwrap();
        let good = einvoice("5560360793", "F-100");
        // The totals no longer add up: VAT included is not the net plus the VAT.
        let bad = test_support::peppol::invoice_from(
            "5560360793",
            "F-101",
            &lines(),
            "2000.00",
            "500.00",
            "2600.00",
        )
        .into_bytes();
        let stranger = einvoice("5565475489", "X-1");
        let same_number = String::from_utf8(good.clone())
            .unwrap()
            .replace("Schaktning Bergsgatan", "Schaktning Storgatan")
            .into_bytes();
        let files = vec![
            ("good.xml".to_owned(), good.clone()),
            ("bad.xml".to_owned(), bad),
            ("stranger.xml".to_owned(), stranger),
            ("broken.xml".to_owned(), b"<Invoice><unclosed>".to_vec()),
            ("same-number.xml".to_owned(), same_number),
        ];
        let out = h.receive_einvoices(&finance(), &files).await.unwrap();
        let by = |f: &str| out.iter().find(|o| o.file == f).unwrap();
        let ok = by("good.xml");
        assert!(ok.accepted(), "{backend:?}: {ok:?}");
        assert_eq!(ok.supplier.as_deref(), Some("5560360793"));
        assert_eq!(ok.total_minor, Some(250_000));
        let refused = by("bad.xml");
        assert_eq!(refused.refusal, Some(domain::suppliers::Refusal::Rules));
        assert!(
            refused.errors.iter().any(|f| f.rule == "BR-CO-15"),
            "{:?}",
            refused.errors
        );
        assert_eq!(
            by("stranger.xml").refusal,
            Some(domain::suppliers::Refusal::UnknownSupplier)
        );
        let broken = by("broken.xml");
        assert_eq!(broken.refusal, Some(domain::suppliers::Refusal::Unreadable));
        assert!(broken.unreadable_at.is_some());
        assert_eq!(
            by("same-number.xml").refusal,
            Some(domain::suppliers::Refusal::NumberTaken)
        );
        // Taken in as an invoice due on the supplier's 30 days, counted from its issue date
        // when that is later than the day it arrived (the generated invoice is dated 30 November).
        let d = h.detail(&finance(), near).await.unwrap();
        assert_eq!(d.invoices.len(), 1);
        let inv = &d.invoices[0];
        assert_eq!((inv.number.as_str(), inv.amount.ore()), ("F-100", 250_000));
        assert_eq!(inv.due_date, date(2026, 12, 30));
        assert_eq!(inv.payment_reference.as_deref(), Some("4711000000017"));
        // The inbox holds the four refused; the same files again change nothing.
        assert_eq!(
            store::suppliers::refused_documents(s.store())
                .await
                .unwrap()
                .len(),
            4
        );
        let again = h.receive_einvoices(&finance(), &files).await.unwrap();
        assert!(again.iter().all(|o| o.duplicate), "{backend:?}");
        assert_eq!(
            again.iter().map(|o| o.refusal).collect::<Vec<_>>(),
            out.iter().map(|o| o.refusal).collect::<Vec<_>>()
        );
        assert_eq!(h.detail(&finance(), near).await.unwrap().invoices.len(), 1);
        assert_eq!(
            store::suppliers::refused_documents(s.store())
                .await
                .unwrap()
                .len(),
            4
        );
        assert!(matches!(
            h.receive_einvoices(&as_role(Role::Planner), &files).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

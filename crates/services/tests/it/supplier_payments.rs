//! Paying suppliers through the handle, on both backends: attestation in two steps by two people
//! within their limits, disputes, credit notes settling invoices; the payment settings checked;
//! a proposal paying exactly the approved invoices due by its day, one pain.001 file per debtor
//! account with exact counts and sums, approved by a second person; the bank's pain.002 and
//! camt.054 files taken in once, moving payments and invoices, and queueing what matched nothing.

use std::sync::Arc;

use domain::ids::{SupplierId, SupplierInvoiceId};
use domain::money::Money;
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use domain::suppliers::pay::{PaymentState, ProposalState};
use domain::suppliers::{InvoiceState, SupplierProblem};
use jiff::civil::{Date, date};
use services::suppliers::{
    DebtorAccountSetting, InvoiceInput, Pain001Version, PayeeKind, PaymentSettings, SupplierInput,
};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::bank::{Debit, Status, debit_notification, status_report};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

/// Today in the tests (`test_now`).
const TODAY: Date = date(2026, 11, 23);
const PAY_DAY: Date = date(2026, 11, 30);

fn person(role: Role, name: &str) -> Actor {
    Actor {
        role: Some(role),
        name: name.into(),
        ..Actor::system()
    }
}

fn frida() -> Actor {
    person(Role::Finance, "Frida Finans")
}

fn filip() -> Actor {
    person(Role::Finance, "Filip Finans")
}

fn pia() -> Actor {
    person(Role::Planner, "Pia Planerare")
}

fn supplier(org: &str, name: &str, pay: (&str, &str, &str, &str)) -> SupplierInput {
    let (bankgiro, plusgiro, iban, bic) = pay;
    SupplierInput {
        org_number: org.into(),
        name: name.into(),
        f_skatt: true,
        bankgiro: bankgiro.into(),
        plusgiro: plusgiro.into(),
        iban: iban.into(),
        bic: bic.into(),
        municipality: "Karlskoga".into(),
        size: "small".into(),
        terms_days: "30".into(),
        trades: vec!["excavation".into()],
        active: true,
        ..Default::default()
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

/// Three suppliers: paid by bankgiro, by plusgiro and by IBAN.
async fn suppliers(s: &Services) -> [SupplierId; 3] {
    let h = s.suppliers();
    let bg = supplier(
        "556036-0793",
        "Karlskoga Schakt AB",
        ("5050-1055", "", "", ""),
    );
    let pg = supplier("5565475489", "Degerfors VVS AB", ("", "902003-3", "", ""));
    let iban = supplier(
        "5560125790",
        "Stockholm Kabel AB",
        ("", "", "SE45 5000 0000 0583 9825 7466", "ESSESESS"),
    );
    [
        h.save(&frida(), None, &bg).await.unwrap(),
        h.save(&frida(), None, &pg).await.unwrap(),
        h.save(&frida(), None, &iban).await.unwrap(),
    ]
}

/// An invoice received `days_ago` days before today (so due 30 days after that).
async fn invoice(
    s: &Services,
    supplier: SupplierId,
    kind: &str,
    number: &str,
    amount: &str,
    days_ago: i64,
    ocr: &str,
) -> SupplierInvoiceId {
    let received = TODAY.checked_sub(jiff::Span::new().days(days_ago)).unwrap();
    s.suppliers()
        .record_invoice(
            &frida(),
            &InvoiceInput {
                supplier_id: Some(supplier),
                kind: kind.into(),
                number: number.into(),
                issue_date: received.to_string(),
                received_on: received.to_string(),
                amount: amount.into(),
                payment_reference: ocr.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

fn conflict(e: ServiceError) -> SupplierProblem {
    match e {
        ServiceError::Conflict(Problem::Suppliers(p)) => p,
        other => panic!("expected a suppliers conflict, got {other:?}"),
    }
}

fn invalid(e: ServiceError) -> (&'static str, Problem) {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

async fn state(s: &Services, id: SupplierInvoiceId) -> InvoiceState {
    store::suppliers::payments::invoice(s.store(), id)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn invoices_are_attested_in_two_steps_by_two_people_within_their_limits() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let [bg, pg, _] = suppliers(&s).await;
        let big = invoice(&s, bg, "", "F-1", "150 000,00", 5, "").await;
        let small = invoice(&s, bg, "", "F-2", "5 000,00", 5, "").await;

        let agent = person(Role::Agent, "Kim Kundtjänst");
        assert!(matches!(
            h.attest(&agent, big).await,
            Err(ServiceError::Forbidden)
        ));
        // The second step waits for the first.
        assert_eq!(
            conflict(h.approve(&frida(), big).await.unwrap_err()),
            SupplierProblem::NotAwaiting {
                state: InvoiceState::Received
            }
        );
        assert_eq!(h.attest(&pia(), big).await.unwrap(), InvoiceState::Attested);
        assert!(matches!(
            conflict(h.attest(&pia(), big).await.unwrap_err()),
            SupplierProblem::NotAwaiting { .. }
        ));
        // Not the same person; a planner only up to 100 000 kr; finance up to a million.
        assert_eq!(
            conflict(h.approve(&pia(), big).await.unwrap_err()),
            SupplierProblem::SameAttester
        );
        let other_planner = person(Role::Planner, "Olle Planerare");
        assert_eq!(
            conflict(h.approve(&other_planner, big).await.unwrap_err()),
            SupplierProblem::OverLimit {
                limit: Money::from_kronor(100_000)
            },
            "{backend:?}"
        );
        assert_eq!(
            h.approve(&frida(), big).await.unwrap(),
            InvoiceState::Approved
        );
        assert_eq!(state(&s, big).await, InvoiceState::Approved);

        // A dispute needs a reason, holds the invoice, and its resolution starts over.
        assert_eq!(
            invalid(h.dispute(&pia(), small, "  ").await.unwrap_err()).0,
            "reason"
        );
        h.attest(&pia(), small).await.unwrap();
        h.dispute(&pia(), small, "Fel antal timmar").await.unwrap();
        assert_eq!(state(&s, small).await, InvoiceState::Disputed);
        assert!(h.approve(&frida(), small).await.is_err());
        h.resolve_dispute(&pia(), small).await.unwrap();
        assert_eq!(state(&s, small).await, InvoiceState::Received);

        // Credit notes: part, then the rest settles it; never more, never another supplier's.
        let two = invoice(&s, bg, "credit_note", "K-1", "2 000,00", 2, "").await;
        let four = invoice(&s, bg, "credit_note", "K-2", "4 000,00", 1, "").await;
        let three = invoice(&s, bg, "credit_note", "K-3", "3 000,00", 1, "").await;
        let foreign = invoice(&s, pg, "credit_note", "K-9", "1,00", 1, "").await;
        assert_eq!(
            h.settle_credit_note(&frida(), two, small).await.unwrap(),
            InvoiceState::Received
        );
        assert_eq!(
            conflict(
                h.settle_credit_note(&frida(), four, small)
                    .await
                    .unwrap_err()
            ),
            SupplierProblem::CreditTooLarge {
                left: Money::from_kronor(3_000)
            }
        );
        assert_eq!(
            conflict(
                h.settle_credit_note(&frida(), foreign, small)
                    .await
                    .unwrap_err()
            ),
            SupplierProblem::OtherSupplier
        );
        assert_eq!(
            h.settle_credit_note(&frida(), three, small).await.unwrap(),
            InvoiceState::Credited
        );
        // A used credit note cannot settle again.
        assert!(h.settle_credit_note(&frida(), two, big).await.is_err());
        assert_eq!(state(&s, two).await, InvoiceState::Credited);
    }
}

fn settings() -> PaymentSettings {
    PaymentSettings {
        payer_name: "Karlskoga Energi & Miljö AB".into(),
        payer_org_number: "556036-0793".into(),
        accounts: vec![
            DebtorAccountSetting {
                name: "bg".into(),
                bankgiro: "991-2346".into(),
                pays: vec![PayeeKind::Bankgiro, PayeeKind::Plusgiro],
                ..Default::default()
            },
            DebtorAccountSetting {
                name: "bank".into(),
                iban: "SE45 5000 0000 0583 9825 7466".into(),
                bic: "ESSESESS".into(),
                pays: vec![PayeeKind::Iban],
                version: Pain001Version::V03,
                ..Default::default()
            },
        ],
        limits: Default::default(),
    }
}

/// The text of every `<name>` element of `xml`.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split(&close).next())
        .collect()
}

/// Attested by the planner, approved by finance.
async fn approved(s: &Services, id: SupplierInvoiceId) {
    s.suppliers().attest(&pia(), id).await.unwrap();
    s.suppliers().approve(&frida(), id).await.unwrap();
}

#[tokio::test]
async fn the_settings_are_checked_before_anything_is_paid() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        assert_eq!(
            conflict(h.propose_payments(&frida(), PAY_DAY).await.unwrap_err()),
            SupplierProblem::NoDebtorAccount
        );
        let mut bad = settings();
        bad.payer_name = " ".into();
        assert_eq!(
            invalid(h.save_payment_settings(&frida(), &bad).await.unwrap_err()).0,
            "payer_name"
        );
        let mut bad = settings();
        bad.accounts[1].pays.push(PayeeKind::Bankgiro);
        assert_eq!(
            invalid(h.save_payment_settings(&frida(), &bad).await.unwrap_err()),
            (
                "accounts.pays",
                Problem::Suppliers(SupplierProblem::PayeeKindTaken)
            )
        );
        let mut bad = settings();
        bad.accounts[0].bankgiro = "991-2347".into();
        assert_eq!(
            invalid(h.save_payment_settings(&frida(), &bad).await.unwrap_err()),
            (
                "accounts.account",
                Problem::Suppliers(SupplierProblem::BadBankgiro)
            )
        );
        assert!(matches!(
            h.save_payment_settings(&pia(), &settings()).await,
            Err(ServiceError::Forbidden)
        ));
        h.save_payment_settings(&frida(), &settings())
            .await
            .unwrap();
        assert_eq!(h.payment_settings().await.unwrap(), settings());
        // A day gone by cannot be paid on; with settings but nothing approved, nothing to pay.
        assert_eq!(
            invalid(
                h.propose_payments(&frida(), date(2026, 11, 22))
                    .await
                    .unwrap_err()
            ),
            (
                "pay_date",
                Problem::Suppliers(SupplierProblem::PayDatePassed)
            )
        );
        assert_eq!(
            conflict(h.propose_payments(&frida(), PAY_DAY).await.unwrap_err()),
            SupplierProblem::NothingToPay
        );
    }
}

#[tokio::test]
async fn a_proposal_pays_what_is_due_in_one_file_per_account_once_a_second_person_approves() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        h.save_payment_settings(&frida(), &settings())
            .await
            .unwrap();
        let [bg, pg, iban] = suppliers(&s).await;
        // Received 35, 33 and 31 days ago: due by the pay day. One due later, one not approved.
        let a = invoice(&s, bg, "", "A-1", "12 500,00", 35, "").await;
        let b = invoice(&s, pg, "", "B-1", "8 000,50", 33, "1234567897").await;
        let c = invoice(&s, iban, "", "C-1", "99 999,99", 31, "").await;
        let later = invoice(&s, bg, "", "A-2", "100,00", 1, "").await;
        let unapproved = invoice(&s, bg, "", "A-3", "100,00", 40, "").await;
        for id in [a, b, c, later] {
            approved(&s, id).await;
        }
        s.suppliers().attest(&pia(), unapproved).await.unwrap();
        // A credit note takes 500 kr off A before it is paid.
        let credit = invoice(&s, bg, "credit_note", "A-K", "500,00", 2, "").await;
        h.settle_credit_note(&frida(), credit, a).await.unwrap();

        let made = h.propose_payments(&frida(), PAY_DAY).await.unwrap();
        assert!(made.left_out.is_empty());
        let files: Vec<(&str, &str, u32, i64)> = made
            .files
            .iter()
            .map(|f| {
                (
                    f.debtor_account.as_str(),
                    f.version.as_str(),
                    f.payments,
                    f.sum.ore(),
                )
            })
            .collect();
        assert_eq!(
            files,
            vec![
                ("bank", "pain.001.001.03", 1, 9_999_999),
                ("bg", "pain.001.001.09", 2, 1_200_000 + 800_050),
            ],
            "{backend:?}"
        );
        for f in &made.files {
            let body = h.payment_file(&frida(), f.id).await.unwrap();
            assert!(body.contains(&f.version));
            // NbOfTxs and CtrlSum exact, in the group header and the batch.
            assert_eq!(elements(&body, "NbOfTxs"), vec![f.payments.to_string(); 2]);
            let sum = format!("{}.{:02}", f.sum.ore() / 100, f.sum.ore() % 100);
            assert_eq!(elements(&body, "CtrlSum"), vec![sum.as_str(); 2]);
            assert_eq!(elements(&body, "MsgId"), vec![f.message_id.as_str()]);
        }
        let bg_file = h.payment_file(&frida(), made.files[1].id).await.unwrap();
        // B's OCR number goes as a structured reference, A's invoice number as free text.
        assert!(bg_file.contains("1234567897"));
        assert!(elements(&bg_file, "Ustrd").contains(&"A-1"));
        // Everything due is held: a second proposal has nothing to pay.
        assert_eq!(
            conflict(h.propose_payments(&filip(), PAY_DAY).await.unwrap_err()),
            SupplierProblem::NothingToPay
        );

        // Four eyes: not the proposer; once only.
        assert_eq!(
            conflict(h.approve_proposal(&frida(), made.id).await.unwrap_err()),
            SupplierProblem::OwnProposal
        );
        h.approve_proposal(&filip(), made.id).await.unwrap();
        assert_eq!(
            conflict(h.approve_proposal(&filip(), made.id).await.unwrap_err()),
            SupplierProblem::ProposalClosed
        );
        let detail = h.proposal(&frida(), made.id).await.unwrap();
        assert_eq!(detail.proposal.state, ProposalState::Approved);
        assert!(
            detail
                .payments
                .iter()
                .all(|p| p.state == PaymentState::Sent)
        );
        let e2e = |invoice| {
            detail
                .payments
                .iter()
                .find(|p| p.invoice_id == invoice)
                .unwrap()
                .end_to_end_id
                .clone()
        };

        // The bank rejects A (wrong account) and accepts B.
        let report = status_report(
            "STS-1",
            &made.files[1].message_id,
            &[
                Status {
                    end_to_end_id: &e2e(a),
                    code: "RJCT",
                    reason: Some(("AC01", "Kontot finns inte")),
                },
                Status {
                    end_to_end_id: &e2e(b),
                    code: "ACSC",
                    reason: None,
                },
                Status {
                    end_to_end_id: "P999-I999",
                    code: "RJCT",
                    reason: Some(("AM05", "")),
                },
            ],
        );
        let done = h
            .import_bank_file(&frida(), "status.xml", report.as_bytes())
            .await
            .unwrap();
        assert_eq!(
            (done.accepted, done.rejected, done.unmatched, done.already),
            (1, 1, 1, false),
            "{backend:?}"
        );
        let again = h
            .import_bank_file(&frida(), "status-again.xml", report.as_bytes())
            .await
            .unwrap();
        assert!(again.already);
        assert_eq!((again.accepted, again.rejected, again.unmatched), (0, 0, 0));
        let rejected = h.proposal(&frida(), made.id).await.unwrap();
        let pa = rejected
            .payments
            .iter()
            .find(|p| p.invoice_id == a)
            .unwrap();
        assert_eq!(pa.state, PaymentState::Rejected);
        assert_eq!(pa.reason_code.as_deref(), Some("AC01"));
        // A is free again: the next proposal pays it alone.
        let next = h.propose_payments(&filip(), PAY_DAY).await.unwrap();
        assert_eq!(next.files.len(), 1);
        assert_eq!(next.files[0].payments, 1);
        assert_eq!(next.files[0].sum, Money::from_kronor(12_000));

        // The bank books B and C; an unknown debit waits in the queue; A's later return.
        let c_amount = Money::from_ore(9_999_999).ore();
        let notification = debit_notification(
            "NTF-1",
            "SE4550000000058398257466",
            &[
                Debit {
                    end_to_end_id: &e2e(b),
                    amount_ore: 800_050,
                    booked: "2026-11-30",
                    reversal: false,
                },
                Debit {
                    end_to_end_id: &e2e(c),
                    amount_ore: c_amount,
                    booked: "2026-11-30",
                    reversal: false,
                },
                Debit {
                    end_to_end_id: "okänd",
                    amount_ore: 4_200,
                    booked: "2026-11-30",
                    reversal: false,
                },
            ],
        );
        let booked = h
            .import_bank_file(&frida(), "camt.xml", notification.as_bytes())
            .await
            .unwrap();
        assert_eq!((booked.paid, booked.unmatched), (2, 1), "{backend:?}");
        assert_eq!(state(&s, b).await, InvoiceState::Paid);
        assert_eq!(state(&s, c).await, InvoiceState::Paid);
        assert_eq!(state(&s, later).await, InvoiceState::Approved);
        let queue = h.unmatched_entries(&frida()).await.unwrap();
        assert_eq!(
            queue.len(),
            2,
            "the pain.002 stranger and the unknown debit"
        );
        // C comes back (returned by the payee's bank): approved again, to be paid anew.
        let returned = debit_notification(
            "NTF-2",
            "SE4550000000058398257466",
            &[Debit {
                end_to_end_id: &e2e(c),
                amount_ore: c_amount,
                booked: "2026-12-01",
                reversal: true,
            }],
        );
        let back = h
            .import_bank_file(&frida(), "camt2.xml", returned.as_bytes())
            .await
            .unwrap();
        assert_eq!(back.returned, 1);
        assert_eq!(state(&s, c).await, InvoiceState::Approved);
        // Resolving an entry needs a note and happens once.
        let first = queue[0].id;
        assert_eq!(
            invalid(h.resolve_entry(&frida(), first, "").await.unwrap_err()).0,
            "note"
        );
        h.resolve_entry(&frida(), first, "Banken har rättat")
            .await
            .unwrap();
        assert!(h.resolve_entry(&frida(), first, "igen").await.is_err());
        assert_eq!(h.unmatched_entries(&frida()).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_bank_file_that_cannot_be_read_says_where_and_changes_nothing() {
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let broken = status_report("STS-9", "BRD-P1-bg", &[]).replace("<MsgId>STS-9</MsgId>", "");
        match invalid(
            h.import_bank_file(&frida(), "x.xml", broken.as_bytes())
                .await
                .unwrap_err(),
        ) {
            (
                "file",
                Problem::Suppliers(SupplierProblem::BankFile {
                    line, path, fault, ..
                }),
            ) => {
                assert_eq!(line, 4, "{backend:?}");
                assert!(path.ends_with("GrpHdr/MsgId"), "{path}");
                assert_eq!(fault, "missing");
            }
            other => panic!("{other:?}"),
        }
        let other = "<?xml version=\"1.0\"?><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>";
        assert_eq!(
            invalid(
                h.import_bank_file(&frida(), "y.xml", other.as_bytes())
                    .await
                    .unwrap_err()
            ),
            ("file", Problem::Suppliers(SupplierProblem::NotABankFile))
        );
        // Nothing was recorded: the good file is still new.
        let good = status_report("STS-9", "BRD-P1-bg", &[]);
        assert!(
            !h.import_bank_file(&frida(), "z.xml", good.as_bytes())
                .await
                .unwrap()
                .already
        );
    }
}

#[tokio::test]
async fn work_orders_go_to_a_suppliers_trade_come_forward_and_count_per_trade_beside_last_year() {
    use domain::suppliers::Trade;
    use domain::suppliers::work::Month;
    use services::suppliers::{ProjectInput, WorkOrderInput};
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        let [bg, pg, _] = suppliers(&s).await;
        let project = ProjectInput {
            name: "Fjärrvärme Bergsgatan".into(),
            kind: "district_heating".into(),
            budget: "4 800 000".into(),
            budget_owner: "Bodil Budget".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2027-06-30".into(),
        };
        let backwards = ProjectInput {
            ends_on: "2025-12-31".into(),
            ..project.clone()
        };
        assert_eq!(
            invalid(h.add_project(&pia(), &backwards).await.unwrap_err()).0,
            "ends_on"
        );
        assert!(matches!(
            h.add_project(&frida(), &project).await,
            Err(ServiceError::Forbidden)
        ));
        let p = h.add_project(&pia(), &project).await.unwrap();
        let now = Month::of(TODAY);
        let order =
            |supplier, trade: &str, reference: &str, month: Month, hours: &str| WorkOrderInput {
                project_id: Some(p),
                supplier_id: Some(supplier),
                trade: trade.into(),
                reference: reference.into(),
                description: "Schakt för fjärrvärmerör".into(),
                month: month.to_string(),
                hours: hours.into(),
                amount: format!("{}", hours.parse::<i64>().unwrap_or(0) * 650),
                ordered: false,
            };
        let later = h
            .add_work_order(&pia(), &order(bg, "excavation", "AO-1", now.plus(4), "120"))
            .await
            .unwrap();
        // Last year's same month as the one the work comes to.
        h.add_work_order(
            &pia(),
            &order(bg, "excavation", "AO-0", now.plus(1).year_before(), "40"),
        )
        .await
        .unwrap();
        assert_eq!(
            invalid(
                h.add_work_order(&pia(), &order(bg, "haulage", "AO-2", now, "8"))
                    .await
                    .unwrap_err()
            ),
            ("trade", Problem::Suppliers(SupplierProblem::NotInTrade))
        );
        assert!(matches!(
            invalid(
                h.add_work_order(&pia(), &order(pg, "excavation", "AO-1", now, "8"))
                    .await
                    .unwrap_err()
            ),
            (
                "reference",
                Problem::Suppliers(SupplierProblem::ReferenceTaken { .. })
            )
        ));
        assert_eq!(
            invalid(
                h.add_work_order(&pia(), &order(bg, "excavation", "AO-3", now, "x"))
                    .await
                    .unwrap_err()
            )
            .0,
            "hours"
        );
        // Forward, but not later, not into the past.
        assert_eq!(
            invalid(
                h.bring_forward(&pia(), later, &now.plus(5).to_string())
                    .await
                    .unwrap_err()
            ),
            ("month", Problem::Suppliers(SupplierProblem::NotEarlier))
        );
        assert_eq!(
            invalid(
                h.bring_forward(&pia(), later, &now.plus(-1).to_string())
                    .await
                    .unwrap_err()
            ),
            ("month", Problem::Suppliers(SupplierProblem::MonthPassed))
        );
        assert_eq!(
            h.bring_forward(&pia(), later, &now.plus(1).to_string())
                .await
                .unwrap(),
            now.plus(1)
        );
        let moved = h.work_orders(&frida()).await.unwrap();
        let moved = moved.iter().find(|o| o.id == later).unwrap();
        assert_eq!(
            (moved.month, moved.planned_month),
            (now.plus(1), now.plus(4))
        );

        let report = h.local_work_report(&frida(), now, 6).await.unwrap();
        let excavation = &report[&Trade::Excavation];
        let (month, work) = excavation[1];
        assert_eq!(month, now.plus(1));
        assert_eq!(
            (work.hours, work.hours_year_before),
            (120, 40),
            "{backend:?}"
        );
        assert_eq!(work.amount, Money::from_kronor(78_000));
        assert_eq!(excavation[4].1.hours, 0, "it left its old month");

        // An invoice quoting the order's reference is matched to it.
        let mut input = InvoiceInput {
            supplier_id: Some(bg),
            number: "F-77".into(),
            issue_date: TODAY.to_string(),
            amount: "1 000,00".into(),
            order_reference: "AO-1".into(),
            ..Default::default()
        };
        let matched = h.record_invoice(&frida(), &input).await.unwrap();
        input.number = "F-78".into();
        input.order_reference = "AO-404".into();
        let unmatched = h.record_invoice(&frida(), &input).await.unwrap();
        let read = |id| store::suppliers::payments::invoice(s.store(), id);
        assert_eq!(
            read(matched).await.unwrap().unwrap().work_order_id,
            Some(later)
        );
        assert_eq!(read(unmatched).await.unwrap().unwrap().work_order_id, None);
        // An e-invoice quoting the order in its buyer reference (BT-10) is matched too.
        use formats::peppol::write::{Invoice, Line, Party, write};
        let party = |org| Party {
            org_number: org,
            name: "Part AB",
            street: "Bruksgatan 1",
            city: "Karlskoga",
            postal_zone: "69131",
        };
        let xml = write(&Invoice {
            number: "E-1",
            issue_date: TODAY,
            due_date: TODAY,
            buyer_reference: "AO-1",
            order_reference: None,
            seller: party("5560360793"),
            buyer: party("5564001237"),
            bankgiro: "50501055",
            ocr: None,
            lines: vec![Line {
                name: "Schakt",
                quantity: 1,
                price_ore: 100_000,
            }],
        });
        let received = h
            .receive_einvoices(&frida(), &[("e1.xml".into(), xml.into_bytes())])
            .await
            .unwrap();
        let by_buyer_ref = received[0].invoice_id.expect("taken in");
        assert_eq!(
            read(by_buyer_ref).await.unwrap().unwrap().work_order_id,
            Some(later)
        );
        // The person who placed the order attests its delivery; another planner may not.
        let olle = person(Role::Planner, "Olle Planerare");
        assert_eq!(
            conflict(h.attest(&olle, matched).await.unwrap_err()),
            SupplierProblem::NotOrderer {
                orderer: "Pia Planerare".into()
            }
        );
        h.attest(&olle, unmatched).await.unwrap();
        h.attest(&pia(), matched).await.unwrap();
    }
}

#[tokio::test]
async fn days_to_pay_are_counted_per_group_and_the_forecast_shows_when_shorter_terms_cost() {
    use domain::suppliers::reports::{SupplierGroup, WhatIf, WhatIfRule};
    for backend in BACKENDS {
        let Some((s, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.suppliers();
        h.save_payment_settings(&frida(), &settings())
            .await
            .unwrap();
        let [bg, pg, _] = suppliers(&s).await;
        // Paid: received 35 days ago, booked today.
        let old = invoice(&s, bg, "", "A-1", "1 000,00", 35, "").await;
        approved(&s, old).await;
        let made = h.propose_payments(&frida(), TODAY).await.unwrap();
        h.approve_proposal(&filip(), made.id).await.unwrap();
        let e2e = h.proposal(&frida(), made.id).await.unwrap().payments[0]
            .end_to_end_id
            .clone();
        let booked = debit_notification(
            "NTF-9",
            "SE4550000000058398257466",
            &[Debit {
                end_to_end_id: &e2e,
                amount_ore: 100_000,
                booked: &TODAY.to_string(),
                reversal: false,
            }],
        );
        h.import_bank_file(&frida(), "n.xml", booked.as_bytes())
            .await
            .unwrap();
        let days = h.days_to_pay(&frida(), 3).await.unwrap();
        assert_eq!(days.target_days, 30, "the law's 30 days in normal times");
        let local = &days
            .rows
            .iter()
            .find(|(g, _)| *g == SupplierGroup::Local)
            .unwrap()
            .1;
        assert_eq!(
            local.last().copied().flatten(),
            Some((35.0, 1)),
            "{backend:?}"
        );

        // Open: received two days ago on 30 days, from two local suppliers.
        invoice(&s, bg, "", "A-2", "800,00", 2, "").await;
        invoice(&s, pg, "", "B-2", "300,00", 2, "").await;
        let plain = h.liquidity_forecast(&frida(), None).await.unwrap();
        let out: Money = plain.iter().map(|w| w.suppliers_out).sum();
        assert_eq!(out, Money::from_kronor(1_100));
        let local_ten = WhatIf {
            days: 10,
            rule: WhatIfRule::Local,
        };
        let shorter = h
            .liquidity_forecast(&frida(), Some(local_ten))
            .await
            .unwrap();
        let week_of = |weeks: &[domain::suppliers::reports::Week], amount: i64, if_: bool| {
            weeks
                .iter()
                .position(|w| {
                    (if if_ {
                        w.suppliers_out_if
                    } else {
                        w.suppliers_out
                    }) >= Money::from_kronor(amount)
                })
                .unwrap()
        };
        // Both fall due 20 days earlier: that week carries their cost.
        assert!(
            week_of(&shorter, 1_100, true) < week_of(&shorter, 1_100, false),
            "{backend:?}"
        );
        let cost = shorter
            .iter()
            .map(|w| w.balance - w.balance_if)
            .max()
            .unwrap();
        assert_eq!(cost, Money::from_kronor(1_100));
        assert_eq!(
            shorter[12].balance, shorter[12].balance_if,
            "made up by the end"
        );
        // Agents see no reports.
        let agent = person(Role::Agent, "Kim");
        assert!(matches!(
            h.days_to_pay(&agent, 3).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

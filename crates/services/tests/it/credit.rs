//! Credit on both backends: BgMax imports (samples, matching, idempotency, concurrency, bad
//! files), reminders with and without an agreed fee, the debt-collection list, late-payment
//! interest (paid late, partly paid, inside an extension, after a broken arrangement), and
//! extension requests approved by policy or decided by a credit officer.

use std::path::PathBuf;
use std::sync::Arc;

use domain::credit::{ArrangementStatus, Ask, CreditProblem, InvoiceStatus};
use domain::ids::{CustomerId, InvoiceId};
use domain::money::Money;
use domain::problem::Problem;
use domain::role::Role;
use formats::bgmax::{Date as BgDate, LineEnding, Payment, PaymentKind, Timestamp, Writer};
use jiff::civil::{Date, date};
use services::ServiceError;
use services::{Actor, FixedClock, Services};
use test_support::{BACKENDS, test_settings, test_store};
use views::Lang;

fn sample_dir() -> Option<PathBuf> {
    test_support::shared_data("formats/bgmax")
}

/// Services on a fresh database with the clock at `at` (Stockholm noon).
pub(crate) async fn services(
    backend: test_support::Backend,
    at: Date,
) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(FixedClock::new(noon(at)));
    Some((
        Services::new(store, clock.clone(), test_settings(false)),
        clock,
        db,
    ))
}

fn noon(d: Date) -> jiff::Timestamp {
    domain::time::at_civil(
        d,
        jiff::civil::time(12, 0, 0, 0),
        &domain::time::stockholm(),
    )
}

fn finance() -> Actor {
    Actor {
        role: Some(Role::Finance),
        name: "ekonomi".into(),
        ..Actor::system()
    }
}

/// A customer and their invoices `(amount öre, due date)`; returns (customer id, ocrs).
pub(crate) async fn customer_with_invoices(
    s: &Services,
    n: u32,
    fee_agreed: bool,
    invoices: &[(i64, Date)],
) -> (CustomerId, Vec<String>) {
    let mut tx = s.store().begin().await.unwrap();
    store::customers::insert_customers(
        &mut tx,
        &[store::customers::NewCustomer {
            customer_number: format!("{}", 5_000_000 + n),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Kund {n}"),
            identity_number: "19121212-1212".into(),
            email: Some(format!("kund{n}@example.se")),
            phone: None,
            language: domain::customer::Language::Sv,
            preferred_channel: domain::customer::Channel::Email,
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("kund {n}"),
            created_at: 0,
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let cid = store::backend::testing::query_strings(
        s.store(),
        &format!(
            "SELECT CAST(id AS TEXT) FROM customers WHERE customer_number = '{}'",
            5_000_000 + n
        ),
    )
    .await[0]
        .parse::<i64>()
        .unwrap();
    if fee_agreed {
        store::backend::testing::execute(
            s.store(),
            &format!("UPDATE customers SET reminder_fee_agreed = TRUE WHERE id = {cid}"),
        )
        .await;
    }
    let mut rows = Vec::new();
    let mut ocrs = Vec::new();
    for (k, (amount, due)) in invoices.iter().enumerate() {
        let ocr = domain::ocr::OcrReference::generate(&format!("{n}{k:03}"), true)
            .unwrap()
            .to_string();
        ocrs.push(ocr.clone());
        rows.push(store::credit::NewInvoice {
            customer_id: CustomerId::new(cid),
            invoice_number: format!("F{n}-{k}"),
            ocr,
            issued_on: due.checked_sub(jiff::Span::new().days(30)).unwrap(),
            due_on: *due,
            amount: Money::from_ore(*amount),
            paid: Money::ZERO,
            status: InvoiceStatus::Open,
            created_at: 0,
        });
    }
    let mut tx = s.store().begin().await.unwrap();
    store::credit::insert_invoices(&mut tx, &rows)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (CustomerId::new(cid), ocrs)
}

fn bg(d: Date) -> BgDate {
    BgDate::new(d.year() as u16, d.month() as u8, d.day() as u8).unwrap()
}

/// A BgMax file paying `(reference, öre, kind)` on `day`, with serials from `serial0`.
fn bgmax_file(
    day: Date,
    stamp_second: u8,
    payments: &[(&str, i64, PaymentKind)],
    serial0: u64,
) -> Vec<u8> {
    let created = Timestamp {
        date: bg(day),
        hour: 6,
        minute: 0,
        second: stamp_second,
        micros: 0,
    };
    let mut w = Writer::new(&created, false, LineEnding::CrLf);
    w.open_section("9912346", None, "SEK");
    for (i, (reference, ore, kind)) in payments.iter().enumerate() {
        w.payment(&Payment {
            line: 0,
            kind: *kind,
            sender_bankgiro: "3783511".into(),
            reference: (*reference).into(),
            reference_code: 2,
            amount_ore: *ore,
            channel_code: 1,
            bgc_serial: format!("{:012}", serial0 + i as u64),
            image_marker: false,
            deduction_code: (*kind == PaymentKind::Deduction).then_some(0),
            extra_references: Vec::new(),
            informations: Vec::new(),
            payer_name: None,
            payer_address: None,
            payer_org_number: None,
        });
    }
    w.close_section("99123465", bg(day), "00001", None);
    w.finish()
}

async fn invoice_status(s: &Services, ocr: &str) -> (InvoiceStatus, i64) {
    let r = store::credit::invoice_by_ocr_or_number(s.store(), ocr)
        .await
        .unwrap()
        .unwrap();
    (r.status, r.paid.ore())
}

/// A refusal's problem, and its sentence in both languages.
fn refusal(e: &ServiceError) -> (Problem, String, String) {
    let p = e
        .problem()
        .unwrap_or_else(|| panic!("not a refusal: {e:?}"));
    (
        p.clone(),
        views::explain(Lang::Sv, p),
        views::explain(Lang::En, p),
    )
}

#[tokio::test]
async fn bankgirots_example_files_import_once_and_bad_ones_name_the_line() {
    let Some(dir) = sample_dir() else { return };
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        let plain = read("bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv.txt");
        let r = s.credit().import_bgmax(&finance(), &plain).await.unwrap();
        assert_eq!(
            (r.payments, r.unmatched, r.already_imported),
            (5, 5, 0),
            "{backend:?} {r:?}"
        );
        assert_eq!(r.amount_ore, 85_000);
        // The same file again, and the same file with other line endings: nothing new.
        let again = s.credit().import_bgmax(&finance(), &plain).await.unwrap();
        assert_eq!((again.payments, again.already_imported), (0, 5));
        let lf = read(
            "bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv-with-new-line.txt",
        );
        assert_eq!(
            s.credit()
                .import_bgmax(&finance(), &lf)
                .await
                .unwrap()
                .already_imported,
            5
        );
        // Another file under the same TK01 timestamp and bankgiro is refused, not skipped.
        let other = read("bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_sv.txt");
        let e = s
            .credit()
            .import_bgmax(&finance(), &other)
            .await
            .unwrap_err();
        let (problem, sv, en) = refusal(&e);
        assert!(matches!(e, ServiceError::Conflict(_)), "{e:?}");
        assert!(
            matches!(
                problem,
                Problem::Credit(CreditProblem::BgmaxConflictingFile { .. })
            ),
            "{problem:?}"
        );
        assert!(en.contains("same TK01 timestamp"), "{en}");
        assert!(sv.contains("samma TK01-tidsstämpel"), "{sv}");
        let images = read(
            "bankgiroinbetalningar_bildfil_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_exempelfil.txt",
        );
        assert_eq!(
            s.credit()
                .import_bgmax(&finance(), &images)
                .await
                .unwrap()
                .payments,
            6
        );
        // A file with a TAB: the error names line 17, and nothing is recorded.
        let before = s.credit().unmatched_payments(1000).await.unwrap().len();
        let tab =
            read("bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt");
        let e = s.credit().import_bgmax(&finance(), &tab).await.unwrap_err();
        let (problem, sv, en) = refusal(&e);
        assert!(
            matches!(
                problem,
                Problem::Credit(CreditProblem::BgmaxFormat {
                    line: 17,
                    field: "record",
                    ..
                })
            ),
            "{problem:?}"
        );
        assert!(en.starts_with("line 17, field record"), "{en}");
        assert!(sv.starts_with("rad 17, fält record"), "{sv}");
        assert_eq!(
            s.credit().unmatched_payments(1000).await.unwrap().len(),
            before
        );
    }
}

/// A later file repeating a payment of an earlier one (same deposit date and BGC serial)
/// records only its new payments and applies nothing twice; the customer's payments, with an
/// invoice or without, are all listed.
#[tokio::test]
async fn a_payment_repeated_in_a_later_file_is_recorded_once() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        let (customer, ocr) =
            customer_with_invoices(&s, 1, false, &[(20_000, due), (30_000, due), (10_000, due)])
                .await;
        let day = date(2026, 11, 20);
        let first = bgmax_file(
            day,
            1,
            &[
                (&ocr[0], 25_000, PaymentKind::Payment),
                (&ocr[1], 10_000, PaymentKind::Payment),
            ],
            1,
        );
        let r = s.credit().import_bgmax(&finance(), &first).await.unwrap();
        assert_eq!((r.payments, r.matched), (2, 2), "{backend:?} {r:?}");
        // Serial 2 again (known) and serial 3 (new), in a file of another TK01 timestamp.
        let second = bgmax_file(
            day,
            2,
            &[
                (&ocr[1], 10_000, PaymentKind::Payment),
                (&ocr[2], 4_000, PaymentKind::Payment),
            ],
            2,
        );
        let r = s.credit().import_bgmax(&finance(), &second).await.unwrap();
        assert_eq!(
            (r.payments, r.matched, r.already_imported, r.amount_ore),
            (1, 1, 1, 4_000),
            "{backend:?} {r:?}"
        );
        assert_eq!(
            invoice_status(&s, &ocr[0]).await,
            (InvoiceStatus::Paid, 20_000)
        );
        assert_eq!(
            invoice_status(&s, &ocr[1]).await,
            (InvoiceStatus::PartlyPaid, 10_000)
        );
        assert_eq!(
            invoice_status(&s, &ocr[2]).await,
            (InvoiceStatus::PartlyPaid, 4_000)
        );
        // Three payments to invoices and the 50 kr over-payment, which has no invoice.
        let mut listed: Vec<(Option<bool>, i64)> =
            store::credit::payments_of(s.store(), customer, 100)
                .await
                .unwrap()
                .iter()
                .map(|p| (p.invoice_id.map(|_| true), p.amount.ore()))
                .collect();
        listed.sort_unstable();
        assert_eq!(
            listed,
            vec![
                (None, 5_000),
                (Some(true), 4_000),
                (Some(true), 10_000),
                (Some(true), 20_000)
            ]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn payments_match_by_ocr_partial_and_over_payments_and_never_twice() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        let (_, ocr) =
            customer_with_invoices(&s, 1, false, &[(50_000, due), (30_000, due), (20_000, due)])
                .await;
        let file = bgmax_file(
            date(2026, 11, 20),
            1,
            &[
                (&ocr[0], 50_000, PaymentKind::Payment),
                (&ocr[1], 10_000, PaymentKind::Payment),
                (&ocr[2], 25_000, PaymentKind::Payment),
                ("9999999999992", 700, PaymentKind::Payment),
                (&ocr[0], 1_000, PaymentKind::Deduction),
            ],
            1,
        );
        // The same file twice at the same time records one set of payments.
        let f = finance();
        let credit = s.credit();
        let (a, b) = tokio::join!(
            credit.import_bgmax(&f, &file),
            credit.import_bgmax(&f, &file)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let (first, second) = if a.payments > 0 { (a, b) } else { (b, a) };
        assert_eq!(first.payments, 5, "{backend:?} {first:?}");
        assert_eq!((first.matched, first.unmatched), (3, 2));
        assert_eq!(first.amount_ore, 50_000 + 10_000 + 25_000 + 700 - 1_000);
        assert_eq!((second.payments, second.already_imported), (0, 5));
        assert_eq!(
            invoice_status(&s, &ocr[0]).await,
            (InvoiceStatus::Paid, 50_000)
        );
        assert_eq!(
            invoice_status(&s, &ocr[1]).await,
            (InvoiceStatus::PartlyPaid, 10_000)
        );
        assert_eq!(
            invoice_status(&s, &ocr[2]).await,
            (InvoiceStatus::Paid, 20_000)
        );
        // The unknown reference, the deduction and the 50 kr over-payment wait for a person.
        let queue = s.credit().unmatched_payments(100).await.unwrap();
        let mut amounts: Vec<i64> = queue.iter().map(|p| p.amount.ore()).collect();
        amounts.sort_unstable();
        assert_eq!(amounts, vec![-1_000, 700, 5_000]);
        // Matching the unknown one by hand pays the second invoice further.
        let unknown = queue.iter().find(|p| p.amount.ore() == 700).unwrap().id;
        s.credit()
            .match_payment(&finance(), unknown, &ocr[1])
            .await
            .unwrap();
        assert_eq!(
            invoice_status(&s, &ocr[1]).await,
            (InvoiceStatus::PartlyPaid, 10_700)
        );
        assert!(
            s.credit()
                .match_payment(&finance(), unknown, &ocr[1])
                .await
                .is_err(),
            "matched twice"
        );
    }
}

/// An import of more than two chunks: every invoice is paid three times, 4 000 öre each
/// towards 10 000, its payments spread so that some fall in one chunk, some in the next and some
/// two chunks on. What an invoice still takes must carry across chunks (and across the read
/// ahead of the next chunk's invoices), so each ends paid exactly and the 2 000 over is queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_several_chunks_carries_what_each_invoice_still_takes_across_them() {
    let n = services::credit::IMPORT_CHUNK * 3 / 4;
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        let (_, ocr) = customer_with_invoices(&s, 7, false, &vec![(10_000, due); n]).await;
        // Entry k pays invoice k % n: rounds at k, n + k and 2n + k.
        let payments: Vec<(&str, i64, PaymentKind)> = (0..3 * n)
            .map(|k| (ocr[k % n].as_str(), 4_000, PaymentKind::Payment))
            .collect();
        assert!(payments.len() > 2 * services::credit::IMPORT_CHUNK);
        let file = bgmax_file(date(2026, 11, 20), 3, &payments, 1);
        let r = s.credit().import_bgmax(&finance(), &file).await.unwrap();
        assert_eq!(
            (r.payments, r.matched, r.unmatched, r.already_imported),
            (3 * n as u64, 3 * n as u64, 0, 0),
            "{backend:?}"
        );
        assert_eq!(r.amount_ore, 3 * n as i64 * 4_000);
        for (k, o) in ocr.iter().enumerate() {
            assert_eq!(
                invoice_status(&s, o).await,
                (InvoiceStatus::Paid, 10_000),
                "{backend:?}: invoice {k}"
            );
        }
        // The third payment of each went 2 000 to the invoice, 2 000 to the queue.
        let queue = s.credit().unmatched_payments(10 * n as i64).await.unwrap();
        assert_eq!(queue.len(), n, "{backend:?}");
        assert!(queue.iter().all(|p| p.amount.ore() == 2_000), "{backend:?}");
        // The same file again records nothing and pays nothing twice.
        let again = s.credit().import_bgmax(&finance(), &file).await.unwrap();
        assert_eq!((again.payments, again.already_imported), (0, 3 * n as u64));
        assert_eq!(
            invoice_status(&s, &ocr[n - 1]).await,
            (InvoiceStatus::Paid, 10_000)
        );
    }
}

#[tokio::test]
async fn reminders_fees_only_where_agreed_then_debt_collection() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let due = date(2026, 10, 1);
        let (_, no_fee) = customer_with_invoices(&s, 2, false, &[(40_000, due)]).await;
        let (_, fee) = customer_with_invoices(&s, 3, true, &[(40_000, due)]).await;
        let day1 = date(2026, 10, 20);
        let r = s.credit().run_dunning(day1).await.unwrap();
        assert_eq!(r.reminders, 2, "{backend:?} {r:?}");
        assert_eq!(r.fees_ore, 6_000, "only the customer who agreed pays a fee");
        assert_eq!(r.fees_not_agreed, 1);
        assert_eq!(
            invoice_status(&s, &no_fee[0]).await.0,
            InvoiceStatus::Overdue
        );
        // The same night again: nothing new.
        let again = s.credit().run_dunning(day1).await.unwrap();
        assert_eq!((again.reminders, again.fees_ore), (0, 0));
        let msgs = s.outbox(50, 0).await.unwrap();
        assert_eq!(
            msgs.iter()
                .filter(|m| m.subject.starts_with("Påminnelse 1"))
                .count(),
            2
        );
        // Level 2 after the first reminder's due date plus grace; then the collection list.
        let r2 = s.credit().run_dunning(date(2026, 11, 25)).await.unwrap();
        assert_eq!(r2.reminders, 2);
        let r3 = s.credit().run_dunning(date(2026, 12, 31)).await.unwrap();
        assert_eq!(r3.to_collection, 2);
        assert_eq!(
            invoice_status(&s, &fee[0]).await.0,
            InvoiceStatus::Collection
        );
        assert_eq!(s.credit().collection_list().await.unwrap().len(), 2);
        // 400 kr unpaid from 2026-10-01 to 2026-12-31 at 10 % (reference 2 % + 8): 91 days.
        let listed = s
            .credit()
            .collection_with_interest(date(2026, 12, 31))
            .await
            .unwrap();
        assert!(
            listed.iter().all(|l| l.interest.ore() == 997),
            "{backend:?} {:?}",
            listed.iter().map(|l| l.interest.ore()).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn interest_for_late_and_partial_payments_but_not_inside_an_extension() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = services(backend, date(2024, 3, 20)).await else {
            continue;
        };
        // 10 000 kr due 2024-03-31 paid 2024-04-30: 30 days at 12 % = 98,63 kr.
        let due = date(2024, 3, 31);
        let (cid, late) = customer_with_invoices(
            &s,
            4,
            false,
            &[(1_000_000, due), (1_000_000, due), (1_000_000, due)],
        )
        .await;
        // Invoice 1: paid late in full. Invoice 2: half on time, half late. Invoice 3: in an
        // extension to 2024-04-30 granted before the due date, paid on that day.
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(cid),
            name: "kund".into(),
            ..Actor::system()
        };
        let ext = s
            .credit()
            .request_extension(
                &customer,
                invoice_id(&s, &late[2]).await,
                Ask::NewDueDate(date(2024, 4, 30)),
            )
            .await
            .unwrap();
        // 10 000 kr is more than the policy grants by itself: a credit officer approves it.
        assert_eq!(
            ext.assessment.decision,
            domain::credit::Decision::Refer,
            "{:?}",
            ext.assessment.reasons
        );
        let officer = Actor {
            role: Some(Role::CreditOfficer),
            name: "kredit".into(),
            ..Actor::system()
        };
        s.credit()
            .decide_extension(
                &officer,
                ext.arrangement_id,
                true,
                "Tillfälligt inkomstbortfall",
            )
            .await
            .unwrap();
        assert_eq!(
            invoice_status(&s, &late[2]).await.0,
            InvoiceStatus::Extension
        );
        s.credit()
            .import_bgmax(
                &finance(),
                &bgmax_file(
                    date(2024, 3, 29),
                    1,
                    &[(&late[1], 500_000, PaymentKind::Payment)],
                    1,
                ),
            )
            .await
            .unwrap();
        clock.set(noon(date(2024, 5, 1)));
        // No reminder for the invoice in its extension while it runs.
        let r = s.credit().run_dunning(date(2024, 4, 20)).await.unwrap();
        assert_eq!(
            r.reminders, 2,
            "{backend:?}: only the two without an extension are reminded"
        );
        s.credit()
            .import_bgmax(
                &finance(),
                &bgmax_file(
                    date(2024, 4, 30),
                    2,
                    &[
                        (&late[0], 1_000_000, PaymentKind::Payment),
                        (&late[1], 500_000, PaymentKind::Payment),
                        (&late[2], 1_000_000, PaymentKind::Payment),
                    ],
                    10,
                ),
            )
            .await
            .unwrap();
        let r = s.credit().run_dunning(date(2024, 5, 1)).await.unwrap();
        assert_eq!(r.interest_posted, 2, "{backend:?} {r:?}");
        let charges = store::backend::testing::query_pairs(
            s.store(),
            "SELECT i.invoice_number, CAST(c.amount_ore AS TEXT) FROM invoice_charges c JOIN invoices i ON i.id = c.source_invoice_id WHERE c.kind = 'interest' ORDER BY i.invoice_number",
        )
        .await;
        assert_eq!(
            charges,
            vec![
                ("F4-0".to_owned(), "9863".to_owned()),
                ("F4-1".to_owned(), "4932".to_owned()),
                ("F4-2".to_owned(), "0".to_owned()),
            ],
            "{backend:?}"
        );
    }
}

async fn invoice_id(s: &Services, ocr: &str) -> InvoiceId {
    store::credit::invoice_by_ocr_or_number(s.store(), ocr)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_missed_extension_date_breaks_the_arrangement_and_dunning_resumes() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        let (cid, ocr) = customer_with_invoices(&s, 5, false, &[(80_000, due)]).await;
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(cid),
            name: "kund".into(),
            ..Actor::system()
        };
        let out = s
            .credit()
            .request_extension(
                &customer,
                invoice_id(&s, &ocr[0]).await,
                Ask::NewDueDate(date(2026, 11, 30)),
            )
            .await
            .unwrap();
        assert_eq!(out.assessment.decision, domain::credit::Decision::Approve);
        assert_eq!(
            s.credit()
                .run_dunning(date(2026, 11, 25))
                .await
                .unwrap()
                .reminders,
            0,
            "{backend:?}"
        );
        let r = s.credit().run_dunning(date(2026, 12, 15)).await.unwrap();
        assert_eq!(r.broken_arrangements, 1, "{backend:?} {r:?}");
        assert_eq!(r.reminders, 1, "dunning resumes from the missed date");
        let (_, arrangements) = s.credit().customer_credit(cid).await.unwrap();
        assert_eq!(arrangements[0].status, ArrangementStatus::Broken);
        // Another customer cannot ask for more time on this invoice.
        let stranger = Actor {
            customer_id: Some(domain::ids::CustomerId::new(cid.get() + 1000)),
            ..customer.clone()
        };
        assert!(matches!(
            s.credit()
                .request_extension(
                    &stranger,
                    invoice_id(&s, &ocr[0]).await,
                    Ask::Instalments(3)
                )
                .await,
            Err(services::ServiceError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_request_outside_the_policy_goes_to_a_credit_officer_who_decides_it() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let (cid, ocr) =
            customer_with_invoices(&s, 6, false, &[(2_500_000, date(2026, 11, 10))]).await;
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(cid),
            name: "kund".into(),
            ..Actor::system()
        };
        let out = s
            .credit()
            .request_extension(
                &customer,
                invoice_id(&s, &ocr[0]).await,
                Ask::Instalments(3),
            )
            .await
            .unwrap();
        assert_eq!(
            out.assessment.decision,
            domain::credit::Decision::Refer,
            "{backend:?}"
        );
        assert!(
            out.assessment
                .reasons
                .iter()
                .any(|r| !r.passed && views::explain(Lang::Sv, r).contains("överstiger"))
        );
        let queue = s.credit().credit_queue().await.unwrap();
        assert_eq!(queue.len(), 1);
        let officer = Actor {
            role: Some(Role::CreditOfficer),
            name: "kredit".into(),
            ..Actor::system()
        };
        assert!(
            s.credit()
                .decide_extension(&officer, out.arrangement_id, true, " ")
                .await
                .is_err(),
            "a reason is required"
        );
        s.credit()
            .decide_extension(
                &officer,
                out.arrangement_id,
                true,
                "Stabil inkomst, engångshändelse",
            )
            .await
            .unwrap();
        assert!(s.credit().credit_queue().await.unwrap().is_empty());
        assert_eq!(
            invoice_status(&s, &ocr[0]).await.0,
            InvoiceStatus::Extension
        );
        let d = s
            .credit()
            .arrangement_detail(out.arrangement_id)
            .await
            .unwrap();
        assert_eq!(d.arrangement.decided_by.as_deref(), Some("kredit"));
        assert!(
            s.credit()
                .decide_extension(&officer, out.arrangement_id, false, "igen")
                .await
                .is_err(),
            "decided once"
        );
        let report = s.credit().board_report().await.unwrap();
        assert_eq!(report.iter().map(|r| r.granted).sum::<i64>(), 1);
    }
}

/// Two requests for one invoice sent at once (the portal and an agent, or a double click):
/// one is filed, the other refused; and the officer who filed a referral cannot decide it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_open_request_per_invoice_and_four_eyes_on_each_decision() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let (_, ocr) =
            customer_with_invoices(&s, 8, false, &[(2_500_000, date(2026, 11, 10))]).await;
        let invoice = invoice_id(&s, &ocr[0]).await;
        let officer = |name: &str| Actor {
            role: Some(Role::CreditOfficer),
            name: name.into(),
            ..Actor::system()
        };
        // An officer on the phone asks for instalments beyond the policy, eight times at once.
        let (kim, eva) = (officer("kim"), officer("eva"));
        let credit = s.credit();
        let answers = futures_util::future::join_all(
            (0..8).map(|_| credit.request_extension(&kim, invoice, Ask::Instalments(3))),
        )
        .await;
        let filed: Vec<_> = answers.iter().filter_map(|a| a.as_ref().ok()).collect();
        assert_eq!(filed.len(), 1, "{backend:?}: {answers:?}");
        assert_eq!(
            filed[0].assessment.decision,
            domain::credit::Decision::Refer
        );
        for a in answers.iter().filter_map(|a| a.as_ref().err()) {
            assert_eq!(
                refusal(a).0,
                Problem::Credit(CreditProblem::AlreadyRequested),
                "{backend:?}"
            );
        }
        assert_eq!(s.credit().credit_queue().await.unwrap().len(), 1);
        // Kim filed it, so Kim does not decide it; Eva does.
        let id = filed[0].arrangement_id;
        let own = s
            .credit()
            .decide_extension(&kim, id, true, "Känd kund")
            .await
            .unwrap_err();
        assert_eq!(refusal(&own).0, Problem::Credit(CreditProblem::OwnRequest));
        s.credit()
            .decide_extension(&eva, id, false, "Beloppet är för stort")
            .await
            .unwrap();
        // Refused, the invoice may be asked about again.
        s.credit()
            .request_extension(&kim, invoice, Ask::Instalments(2))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn invoices_import_from_csv_all_or_nothing_and_bill_pending_charges() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 23)).await else {
            continue;
        };
        let (cid, _) = customer_with_invoices(&s, 7, true, &[(40_000, date(2026, 10, 1))]).await;
        s.credit().run_dunning(date(2026, 10, 20)).await.unwrap(); // a 60 kr fee is now pending
        let number = 5_000_007;
        let good = format!(
            "customer_number,invoice_number,issued_on,due_on,amount,ocr\n{number},20261201007,2026-12-01,2026-12-31,\"1 234,50\",\n"
        );
        let bad = format!(
            "customer_number;invoice_number;issued_on;due_on;amount;ocr\n{number};20261201008;2026-12-01;2026-12-31;100;\n{number};20261201009;2026-12-01;2026-13-01;100;\n"
        );
        let e = s
            .credit()
            .import_invoices(&finance(), bad.as_bytes())
            .await
            .unwrap_err();
        let services::credit::InvoiceImportError::Row { line, invalid } = e else {
            panic!("{backend:?}: {e:?}");
        };
        assert_eq!((line, invalid.field), (3, "due_on"), "{backend:?}");
        assert!(matches!(invalid.problem, Problem::Date(_)), "{invalid:?}");
        assert_eq!(
            views::explain(Lang::En, &invalid.problem),
            "There is no such date. Check the month and the day."
        );
        assert_eq!(
            views::explain(Lang::Sv, &invalid.problem),
            views::translate(Lang::Sv, "problem-no-such-date", &[])
        );
        assert!(
            store::credit::invoice_by_ocr_or_number(s.store(), "20261201008")
                .await
                .unwrap()
                .is_none(),
            "nothing imported"
        );
        let r = s
            .credit()
            .import_invoices(&finance(), good.as_bytes())
            .await
            .unwrap();
        assert_eq!(
            (r.invoices, r.amount_ore, r.charges_billed_ore),
            (1, 123_450, 6_000),
            "{backend:?}"
        );
        let inv = store::credit::invoice_by_ocr_or_number(s.store(), "20261201007")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            inv.amount.ore(),
            129_450,
            "the fee is a line on the next invoice"
        );
        assert!(domain::ocr::OcrReference::parse_with_length_digit(&inv.ocr).is_ok());
        assert_eq!(inv.customer_id, cid);
        let again = s
            .credit()
            .import_invoices(&finance(), good.as_bytes())
            .await
            .unwrap();
        assert_eq!((again.invoices, again.already_imported), (0, 1));
    }
}

#[tokio::test]
async fn a_missed_instalment_breaks_the_plan() {
    for backend in BACKENDS {
        let Some((s, _, _db)) = services(backend, date(2026, 11, 2)).await else {
            continue;
        };
        let due = date(2026, 11, 10);
        let (cid, ocr) = customer_with_invoices(&s, 8, false, &[(150_000, due)]).await;
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(cid),
            name: "kund".into(),
            ..Actor::system()
        };
        let out = s
            .credit()
            .request_extension(
                &customer,
                invoice_id(&s, &ocr[0]).await,
                Ask::Instalments(3),
            )
            .await
            .unwrap();
        // Three months is longer than the normal policy grants by itself: an officer approves.
        assert_eq!(
            out.assessment.decision,
            domain::credit::Decision::Refer,
            "{backend:?}"
        );
        let officer = Actor {
            role: Some(Role::CreditOfficer),
            name: "kredit".into(),
            ..Actor::system()
        };
        s.credit()
            .decide_extension(
                &officer,
                out.arrangement_id,
                true,
                "Delbetalning i tre månader",
            )
            .await
            .unwrap();
        let schedule = out.assessment.schedule.clone();
        assert_eq!(schedule.len(), 3);
        assert_eq!(schedule.iter().map(|s| s.1).sum::<i64>(), 150_000);
        // The first instalment is paid on time, the second is not.
        s.credit()
            .import_bgmax(
                &finance(),
                &bgmax_file(
                    schedule[0].0,
                    1,
                    &[(&ocr[0], schedule[0].1, PaymentKind::Payment)],
                    1,
                ),
            )
            .await
            .unwrap();
        let before_second = schedule[1]
            .0
            .checked_sub(jiff::Span::new().days(1))
            .unwrap();
        let r = s.credit().run_dunning(before_second).await.unwrap();
        assert_eq!(
            (r.broken_arrangements, r.reminders),
            (0, 0),
            "{backend:?} {r:?}"
        );
        let after_second = schedule[1]
            .0
            .checked_add(jiff::Span::new().days(1))
            .unwrap();
        let r = s.credit().run_dunning(after_second).await.unwrap();
        assert_eq!(r.broken_arrangements, 1, "{backend:?} {r:?}");
        let (_, arrangements) = s.credit().customer_credit(cid).await.unwrap();
        assert_eq!(arrangements[0].status, ArrangementStatus::Broken);
        // Overdue again (partly paid), and dunning resumes from the missed instalment.
        assert_eq!(
            invoice_status(&s, &ocr[0]).await,
            (InvoiceStatus::Overdue, schedule[0].1)
        );
        assert_eq!(
            r.reminders, 0,
            "grace days after the missed instalment first"
        );
    }
}

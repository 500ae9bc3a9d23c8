//! Multi-row statements at and across their parameter limits, on both backends: the positional
//! style ([`store::backend::Placeholders`], bare `?` on SQLite, `$n` on PostgreSQL, up to
//! [`store::backend::MAX_PARAMS`]) and the numbered style (`$n` on both, up to
//! [`store::backend::MAX_NUMBERED_PARAMS`]). Every row is written and every row found, whether
//! the rows fill a statement exactly, overflow it by one or span three.

use domain::credit::InvoiceStatus;
use domain::customer::{Channel, CustomerKind, Language};
use domain::ids::CustomerId;
use domain::money::Money;
use jiff::civil::date;
use store::backend::{MAX_NUMBERED_PARAMS, MAX_PARAMS, rows_per_statement};
use store::customers::NewCustomer;
use test_support::{BACKENDS, test_store};

/// Columns of a customer row and of an invoice row as their inserts bind them.
const CUSTOMER_COLUMNS: usize = 13;
const INVOICE_COLUMNS: usize = 9;

fn customer(n: usize) -> NewCustomer {
    NewCustomer {
        customer_number: format!("{}", 7_000_000 + n),
        kind: CustomerKind::Private,
        name: format!("Kund {n}"),
        identity_number: "19121212-1212".into(),
        email: None,
        phone: None,
        language: Language::Sv,
        preferred_channel: Channel::Letter,
        street: "Storgatan 1".into(),
        postal_code: "691 31".into(),
        city: "Karlskoga".into(),
        search_text: format!("kund {n}"),
        created_at: 0,
    }
}

async fn count(store: &store::Store, table: &str) -> usize {
    store::backend::testing::query_strings(
        store,
        &format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"),
    )
    .await[0]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn bulk_statements_at_and_across_their_parameter_limits() {
    let per = rows_per_statement(CUSTOMER_COLUMNS);
    // One call fills a statement exactly, the next overflows it by one row: 2 per + 1 rows.
    let total = 2 * per + 1;
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let rows: Vec<NewCustomer> = (0..total).map(customer).collect();
        let mut tx = store.begin().await.unwrap();
        store::customers::insert_customers(&mut tx, &rows[..per])
            .await
            .unwrap();
        store::customers::insert_customers(&mut tx, &rows[per..])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&store, "customers").await, total, "{backend:?}");

        // Numbered: customer ids by number, exactly one statement's worth and one more.
        let numbers: Vec<String> = rows.iter().map(|r| r.customer_number.clone()).collect();
        let mut ids = Vec::new();
        for n in [
            MAX_NUMBERED_PARAMS,
            MAX_NUMBERED_PARAMS + 1,
            2 * MAX_NUMBERED_PARAMS + 1,
        ] {
            let asked: Vec<&str> = numbers[..n].iter().map(String::as_str).collect();
            let mut tx = store.begin().await.unwrap();
            let found = store::credit::customer_ids_by_number(&mut tx, &asked)
                .await
                .unwrap();
            tx.rollback().await.unwrap();
            assert_eq!(found.len(), n, "{backend:?}: {n} numbers");
            ids = found
                .into_iter()
                .map(|(_, id)| id)
                .collect::<Vec<CustomerId>>();
        }
        ids.sort();
        let contacts = store::customer_changes::contacts(&store, &ids)
            .await
            .unwrap();
        assert_eq!(contacts.len(), ids.len(), "{backend:?}");

        // Positional: one invoice per customer, more than a statement's worth of invoices.
        assert!(total > rows_per_statement(INVOICE_COLUMNS));
        let all_ids = store::backend::testing::query_strings(
            &store,
            "SELECT CAST(id AS TEXT) FROM customers ORDER BY id",
        )
        .await;
        let invoices: Vec<store::credit::NewInvoice> = all_ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let ocr = domain::ocr::OcrReference::generate(&format!("7{k:05}"), true)
                    .unwrap()
                    .to_string();
                store::credit::NewInvoice {
                    customer_id: CustomerId::new(id.parse().unwrap()),
                    invoice_number: format!("B{k}"),
                    ocr,
                    issued_on: date(2026, 11, 1),
                    due_on: date(2026, 11, 30),
                    amount: Money::from_ore(10_000),
                    paid: Money::ZERO,
                    status: InvoiceStatus::Open,
                    created_at: 0,
                }
            })
            .collect();
        let mut tx = store.begin().await.unwrap();
        store::credit::insert_invoices(&mut tx, &invoices)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&store, "invoices").await, total, "{backend:?}");

        // Positional lists across MAX_PARAMS: references nobody has first, then every real one,
        // so the real ones straddle the statement boundary.
        let unknown: Vec<String> = (0..MAX_PARAMS - per)
            .map(|k| {
                domain::ocr::OcrReference::generate(&format!("9{k:06}"), true)
                    .unwrap()
                    .to_string()
            })
            .collect();
        let asked: Vec<&str> = unknown
            .iter()
            .map(String::as_str)
            .chain(invoices.iter().map(|i| i.ocr.as_str()))
            .collect();
        assert!(asked.len() > MAX_PARAMS && asked.len() < 2 * MAX_PARAMS);
        let mut tx = store.begin().await.unwrap();
        let found = store::credit::invoices_by_ocr(&mut tx, &asked)
            .await
            .unwrap();
        let numbers: Vec<&str> = invoices.iter().map(|i| i.invoice_number.as_str()).collect();
        let existing = store::credit::existing_invoice_numbers(&mut tx, &numbers)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(found.len(), total, "{backend:?}: invoices by OCR");
        assert_eq!(existing.len(), total, "{backend:?}: invoice numbers");
    }
}

//! `beredskap bench credit`: the credit figures for docs/benchmarks.md.
//!
//! 1. Writes `DIR/import.sqlite` with `--payments` open invoices (OCR with length digit) and
//!    `DIR/payments.bgmax` paying each of them once (in sections of 10 000, as deposits), then
//!    prints the command that times the import in its own process, so its peak memory is
//!    measured alone.
//! 2. Builds `DIR/dunning.sqlite` with `--overdue` unpaid invoices past due and a tenth as many
//!    paid late, and times `run_dunning` (reminders, fees, interest) in this process.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use domain::credit::{InvoiceStatus, PaymentSource};
use domain::ids::CustomerId;
use domain::money::Money;
use formats::bgmax::{Date as BgDate, LineEnding, Payment, PaymentKind, Timestamp, Writer};
use jiff::civil::Date;
use services::{FixedClock, Services};
use store::credit::{NewInvoice, NewPayment};
use store::customers::NewCustomer;
use store::{ConnectOptions, Store};

use crate::cli::BenchCreditArgs;
use crate::config::Config;

const CUSTOMERS: usize = 2_000;

async fn fresh(path: &std::path::Path) -> anyhow::Result<Store> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Store::connect(
        &format!("sqlite://{}", path.display()),
        &ConnectOptions {
            create_if_missing: true,
            ..Default::default()
        },
    )
    .await?;
    store.migrate().await?;
    Ok(store)
}

async fn customers(store: &Store) -> anyhow::Result<Vec<i64>> {
    let mut tx = store.begin().await?;
    let rows: Vec<NewCustomer> = (0..CUSTOMERS)
        .map(|i| NewCustomer {
            customer_number: format!("{}", 8_000_000 + i),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Bänkkund {i}"),
            identity_number: "19121212-1212".into(),
            email: Some(format!("kund{i}@example.se")),
            phone: None,
            language: domain::customer::Language::Sv,
            preferred_channel: domain::customer::Channel::Email,
            street: "Provgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("bänkkund {i}"),
            created_at: 0,
        })
        .collect();
    for chunk in rows.chunks(500) {
        store::customers::insert_customers(&mut tx, chunk).await?;
    }
    store::credit::demo_fee_agreement(&mut tx).await?;
    tx.commit().await?;
    Ok((1..=CUSTOMERS as i64).collect())
}

fn ocr(i: usize) -> anyhow::Result<String> {
    Ok(
        domain::ocr::OcrReference::generate(&format!("{:09}", i + 1), true)?
            .as_str()
            .to_owned(),
    )
}

/// Inserts `n` invoices due on `due`; `paid` returns (paid öre, paid on) for invoice i.
async fn invoices(
    store: &Store,
    ids: &[i64],
    n: usize,
    due: Date,
    paid: impl Fn(usize) -> Option<Date>,
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let mut batch = Vec::with_capacity(1000);
    let mut pays = Vec::new();
    for i in 0..n {
        let paid_on = paid(i);
        batch.push(NewInvoice {
            customer_id: CustomerId::new(ids[i % ids.len()]),
            invoice_number: format!("B{:09}", i + 1),
            ocr: ocr(i)?,
            issued_on: jiff::civil::date(2026, 9, 1),
            due_on: due,
            amount: Money::from_ore(125_000),
            paid: Money::from_ore(if paid_on.is_some() { 125_000 } else { 0 }),
            status: if paid_on.is_some() {
                InvoiceStatus::Paid
            } else {
                InvoiceStatus::Open
            },
            created_at: 0,
        });
        if let Some(on) = paid_on {
            pays.push((format!("B{:09}", i + 1), on, ids[i % ids.len()]));
        }
        if batch.len() == 1000 {
            flush(&mut tx, &mut batch, &mut pays).await?;
        }
    }
    flush(&mut tx, &mut batch, &mut pays).await?;
    store::credit::paid_on_from_payments(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn flush(
    tx: &mut store::Tx,
    batch: &mut Vec<NewInvoice>,
    pays: &mut Vec<(String, Date, i64)>,
) -> anyhow::Result<()> {
    let ids: std::collections::HashMap<String, domain::ids::InvoiceId> =
        store::credit::insert_invoices(tx, batch)
            .await?
            .into_iter()
            .collect();
    let rows: Vec<NewPayment> = pays
        .iter()
        .map(|(number, on, customer)| NewPayment {
            invoice_id: ids.get(number).copied(),
            customer_id: CustomerId::new(*customer),
            paid_on: *on,
            amount: Money::from_ore(125_000),
            source: PaymentSource::Demo,
            reference: number.clone(),
            created_at: 0,
        })
        .collect();
    if !rows.is_empty() {
        store::credit::insert_payments(tx, &rows).await?;
    }
    batch.clear();
    pays.clear();
    Ok(())
}

pub async fn run(config: &Config, args: &BenchCreditArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let day = jiff::civil::date(2026, 11, 20);
    let now = domain::time::at_civil(
        day,
        jiff::civil::time(3, 0, 0, 0),
        &domain::time::stockholm(),
    );

    // 1. The import: open invoices and a file paying each once.
    let t = Instant::now();
    let import_db = args.dir.join("import.sqlite");
    let store = fresh(&import_db).await?;
    let ids = customers(&store).await?;
    invoices(
        &store,
        &ids,
        args.payments,
        jiff::civil::date(2026, 11, 30),
        |_| None,
    )
    .await?;
    store.close().await;
    let created = Timestamp {
        date: BgDate::new(2026, 11, 20).context("date")?,
        hour: 5,
        minute: 30,
        second: 0,
        micros: 0,
    };
    let mut w = Writer::new(&created, false, LineEnding::CrLf);
    let mut serial = 0u64;
    for (s, chunk) in (0..args.payments)
        .collect::<Vec<_>>()
        .chunks(10_000)
        .enumerate()
    {
        w.open_section("9912346", None, "SEK");
        for i in chunk {
            serial += 1;
            w.payment(&Payment {
                line: 0,
                kind: PaymentKind::Payment,
                sender_bankgiro: String::new(),
                reference: ocr(*i)?,
                reference_code: 2,
                amount_ore: 125_000,
                channel_code: 1,
                bgc_serial: format!("{serial:012}"),
                image_marker: false,
                deduction_code: None,
                extra_references: Vec::new(),
                informations: Vec::new(),
                payer_name: None,
                payer_address: None,
                payer_org_number: None,
            });
        }
        w.close_section(
            "99123465",
            BgDate::new(2026, 11, 20).context("date")?,
            &format!("{:05}", s + 1),
            None,
        );
    }
    let file = args.dir.join("payments.bgmax");
    std::fs::write(&file, w.finish())?;
    let prepared = t.elapsed().as_secs_f64();

    // 2. The nightly run.
    let dunning_db = args.dir.join("dunning.sqlite");
    let store = fresh(&dunning_db).await?;
    let ids = customers(&store).await?;
    let late = args.overdue / 10;
    invoices(
        &store,
        &ids,
        args.overdue + late,
        jiff::civil::date(2026, 10, 15),
        |i| (i >= args.overdue).then(|| jiff::civil::date(2026, 11, 10)),
    )
    .await?;
    let services = Services::new(
        store,
        Arc::new(FixedClock::new(now)),
        config.service_settings(false),
    );
    services.credit().reference_rates().await?;
    let t = Instant::now();
    let report = services.credit().run_dunning(day).await?;
    let seconds = t.elapsed().as_secs_f64();
    services.store().close().await;
    println!(
        "{}",
        serde_json::json!({
            "prepared_seconds": prepared,
            "import_file": file.display().to_string(),
            "import_bytes": std::fs::metadata(&file)?.len(),
            "import_command": format!(
                "/usr/bin/time -v beredskap import bgmax {} --json --database-url sqlite://{}",
                file.display(), import_db.display()
            ),
            "dunning": { "overdue_invoices": args.overdue, "paid_late_invoices": late, "seconds": seconds, "report": report },
        })
    );
    Ok(ExitCode::SUCCESS)
}

//! `beredskap bench payments`: a payment proposal and its pain.001 files for many approved
//! supplier invoices, on a fresh SQLite database (issue 15's figure: 5 000 invoices ≤ 2 s).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use domain::identity::OrgNumber;
use domain::money::Money;
use domain::suppliers::{Bankgiro, Bic, Iban, InvoiceKind, PayTo, SizeClass, Trade};
use jiff::ToSpan;
use services::suppliers::{DebtorAccountSetting, PayeeKind, PaymentSettings};
use services::{Actor, FixedClock, Services};
use store::suppliers::{NewSupplier, NewSupplierInvoice};
use store::{ConnectOptions, Store};

use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchPaymentsArgs {
    /// Approved invoices due by the payment day.
    #[arg(long, default_value_t = 5000)]
    pub invoices: usize,
    /// Suppliers they come from (every tenth paid by IBAN, the rest by bankgiro).
    #[arg(long, default_value_t = 500)]
    pub suppliers: usize,
    /// Where the database and the files go (default: a folder in the temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

/// A bankgiro number with its check digit, different for each `i`.
fn bankgiro(i: usize) -> anyhow::Result<Bankgiro> {
    let base = format!("{:07}", 1_000_000 + i);
    let digit = domain::ocr::luhn_check_digit(&base);
    Ok(Bankgiro::parse(&format!("{base}{digit}"))?)
}

/// An organisation number with its check digit, different for each `i`.
fn org_number(i: usize) -> anyhow::Result<OrgNumber> {
    let base = format!("556{:06}", 100_000 + i);
    let digit = domain::ocr::luhn_check_digit(&base);
    Ok(OrgNumber::parse(&format!("{base}{digit}"))?)
}

/// `n` local suppliers (every tenth paid by IBAN, the rest by bankgiro); their organisation
/// numbers with the bankgiro of each (empty for IBAN payees), in id order.
pub async fn register(store: &Store, n: usize) -> anyhow::Result<Vec<(String, String)>> {
    let iban = PayTo::Iban {
        iban: Iban::parse("SE4550000000058398257466")?,
        bic: Bic::parse("ESSESESS")?,
    };
    let mut tx = store.begin().await?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let org = org_number(i)?;
        let pay_to = if i % 10 == 9 {
            iban.clone()
        } else {
            PayTo::Bankgiro(bankgiro(i)?)
        };
        let name = format!("Bänkleverantör {i} AB");
        let s = NewSupplier {
            org_number: &org,
            name: &name,
            vat_number: None,
            f_skatt: true,
            pay_to: &pay_to,
            municipality: "Karlskoga",
            is_local: true,
            size: SizeClass::Small,
            terms_days: 30,
            active: true,
            trades: &[Trade::Excavation],
        };
        store::suppliers::insert_supplier(&mut tx, &s, 0).await?;
        let giro = match &pay_to {
            PayTo::Bankgiro(b) => b.digits().to_owned(),
            _ => String::new(),
        };
        out.push((org.normalised(), giro));
    }
    tx.commit().await?;
    Ok(out)
}

async fn prepare(
    store: &Store,
    args: &BenchPaymentsArgs,
    today: jiff::civil::Date,
) -> anyhow::Result<()> {
    register(store, args.suppliers).await?;
    let ids: Vec<domain::ids::SupplierId> = store::suppliers::suppliers(store)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut tx = store.begin().await?;
    let received = today.saturating_sub(30.days());
    for i in 0..args.invoices {
        let number = format!("F-{i}");
        let id = store::suppliers::insert_invoice(
            &mut tx,
            &NewSupplierInvoice {
                supplier_id: ids[i % ids.len()],
                kind: InvoiceKind::Invoice,
                number: &number,
                issue_date: received,
                received_on: received,
                terms_days: 30,
                due_date: today,
                offer_id: None,
                amount: Money::from_ore(100_000 + i as i64 * 37),
                vat: Money::ZERO,
                order_reference: None,
                payment_reference: None,
                buyer_reference: None,
            },
            0,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("invoice {number} twice"))?;
        store::suppliers::payments::attest(&mut tx, id, "bench:planerare").await?;
        store::suppliers::payments::approve(&mut tx, id, "bench:budget").await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn run(config: &Config, args: &BenchPaymentsArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.suppliers > 0 && args.invoices > 0,
        "--suppliers and --invoices must be positive"
    );
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("beredskap-bench-payments"));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("payments.sqlite");
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
    let now = jiff::Timestamp::now();
    let services = Services::new(
        store,
        Arc::new(FixedClock::new(now)),
        config.service_settings(false),
    );
    let today = services.today();
    prepare(services.store(), args, today).await?;
    let system = Actor::system();
    let h = services.suppliers();
    h.save_payment_settings(
        &system,
        &PaymentSettings {
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
                    iban: "SE4550000000058398257466".into(),
                    bic: "ESSESESS".into(),
                    pays: vec![PayeeKind::Iban],
                    ..Default::default()
                },
            ],
            limits: Default::default(),
        },
    )
    .await?;
    let started = Instant::now();
    let made = h.propose_payments(&system, today).await?;
    let mut bytes = 0;
    for f in &made.files {
        let body = h.payment_file(&system, f.id).await?;
        bytes += body.len();
        std::fs::write(dir.join(format!("{}.xml", f.message_id)), body)?;
    }
    let took = started.elapsed();
    let payments: u32 = made.files.iter().map(|f| f.payments).sum();
    println!(
        "payment proposal and pain.001: {payments} payments in {} files ({} KiB) in {:.0} ms ({} invoices, {} suppliers); files in {}",
        made.files.len(),
        bytes / 1024,
        took.as_secs_f64() * 1000.0,
        args.invoices,
        args.suppliers,
        dir.display()
    );
    services.store().close().await;
    Ok(ExitCode::SUCCESS)
}

//! `beredskap bench peppol`: writes `DIR/peppol.sqlite` with a register of suppliers and
//! `DIR/inbox/` with `--invoices` Peppol BIS 3 e-invoices from them (each valid by every fatal
//! rule), then prints the command that times `beredskap import peppol` in its own process, so
//! its peak memory is measured alone (issue 15's figure: 10 000 invoices ≤ 10 s, ≤ 1 GiB).

use std::process::ExitCode;

use clap::Args;
use formats::peppol::write::{Invoice, Line, Party, write};
use jiff::ToSpan;
use store::{ConnectOptions, Store};

use crate::config::Config;

#[derive(Args, Debug)]
pub struct BenchPeppolArgs {
    /// E-invoices to write.
    #[arg(long, default_value_t = 10_000)]
    pub invoices: usize,
    /// Suppliers they come from.
    #[arg(long, default_value_t = 500)]
    pub suppliers: usize,
    /// Where the database and the files go (default: a folder in the temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

pub async fn run(_config: &Config, args: &BenchPeppolArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.suppliers > 0 && args.invoices > 0,
        "--suppliers and --invoices must be positive"
    );
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("beredskap-bench-peppol"));
    let inbox = dir.join("inbox");
    let _ = std::fs::remove_dir_all(&inbox);
    std::fs::create_dir_all(&inbox)?;
    let path = dir.join("peppol.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let store = Store::connect(
        &url,
        &ConnectOptions {
            create_if_missing: true,
            ..Default::default()
        },
    )
    .await?;
    store.migrate().await?;
    // The invoices name a bankgiro to pay to: the suppliers paid by bankgiro send them.
    let orgs: Vec<(String, String)> = super::bench_payments::register(&store, args.suppliers)
        .await?
        .into_iter()
        .filter(|(_, giro)| !giro.is_empty())
        .collect();
    store.close().await;
    let buyer = Party {
        org_number: "5564001237",
        name: "Karlskoga Energi & Miljö AB",
        street: "Box 42",
        city: "Karlskoga",
        postal_zone: "69121",
    };
    let issued = jiff::civil::date(2026, 11, 2);
    let mut bytes = 0;
    for i in 0..args.invoices {
        let (org, bankgiro) = &orgs[i % orgs.len()];
        let number = format!("B-{i:06}");
        let xml = write(&Invoice {
            number: &number,
            issue_date: issued,
            due_date: issued.saturating_add(30.days()),
            buyer_reference: "KEM-INKOP",
            order_reference: None,
            seller: Party {
                org_number: org,
                name: "Bänkleverantör AB",
                street: "Bruksgatan 1",
                city: "Karlskoga",
                postal_zone: "69131",
            },
            buyer: buyer.clone(),
            bankgiro,
            ocr: None,
            lines: vec![
                Line {
                    name: "Arbete",
                    quantity: 8,
                    price_ore: 65_000 + i as i64,
                },
                Line {
                    name: "Material",
                    quantity: 3,
                    price_ore: 12_500,
                },
            ],
        });
        bytes += xml.len();
        std::fs::write(inbox.join(format!("{number}.xml")), xml)?;
    }
    println!(
        "wrote {} e-invoices ({} MiB) from {} suppliers to {}; time the import with:\n  \
         /usr/bin/time -v beredskap import peppol {} --json --database-url {url} > /dev/null",
        args.invoices,
        bytes / (1024 * 1024),
        orgs.len(),
        inbox.display(),
        inbox.display()
    );
    Ok(ExitCode::SUCCESS)
}

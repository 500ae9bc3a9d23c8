//! `beredskap pay proposal --date D --out FILE.xml` (a payment proposal and its pain.001 files)
//! and `beredskap import bank FILE…` (the bank's pain.002 and camt.054 files), both through
//! `services.suppliers()`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;
use services::suppliers::ProposalOutcome;
use views::Lang;

use crate::config::Config;

/// Where each file of a proposal goes: `out` itself when there is one file, else `out`'s stem
/// with the debtor account's name (`pay.xml` → `pay-bg.xml`, `pay-swedbank.xml`).
pub fn file_paths(out: &Path, accounts: &[&str]) -> Vec<PathBuf> {
    if accounts.len() == 1 {
        return vec![out.to_path_buf()];
    }
    let stem = out
        .file_stem()
        .map_or_else(|| "pain001".into(), |s| s.to_string_lossy().into_owned());
    let ext = out
        .extension()
        .map_or_else(|| "xml".into(), |s| s.to_string_lossy().into_owned());
    accounts
        .iter()
        .map(|a| out.with_file_name(format!("{stem}-{a}.{ext}")))
        .collect()
}

/// Makes the proposal for `date` and writes its files; they go to the bank once someone in
/// finance has approved the proposal in the app (the command line proposes, a person approves).
pub async fn proposal(
    config: &Config,
    date: &str,
    out: &Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let Ok(date) = domain::time::parse_date(date.trim()) else {
        eprintln!("--date {date}: give the payment day as YYYY-MM-DD");
        return Ok(ExitCode::from(2));
    };
    let (services, actor) = super::import_suppliers::open(config, "pay-proposal").await?;
    let suppliers = services.suppliers();
    let made = suppliers
        .propose_payments(&actor, date)
        .await
        .map_err(super::refusal)?;
    let accounts: Vec<&str> = made
        .files
        .iter()
        .map(|f| f.debtor_account.as_str())
        .collect();
    let paths = file_paths(out, &accounts);
    let mut written = Vec::new();
    for (file, path) in made.files.iter().zip(&paths) {
        let body = suppliers
            .payment_file(&actor, file.id)
            .await
            .map_err(super::refusal)?;
        write_whole(path, &body)?;
        written.push((file, path));
    }
    services.store().close().await;
    report(&made, &written, json)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a file whole or not at all: a temporary file beside it, renamed into place.
fn write_whole(path: &Path, body: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("xml.partial");
    std::fs::write(&tmp, body).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

fn report(
    made: &ProposalOutcome,
    written: &[(&services::suppliers::FileRow, &PathBuf)],
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let files: Vec<serde_json::Value> = written
            .iter()
            .map(|(f, p)| {
                json!({
                    "path": p.display().to_string(),
                    "account": f.debtor_account,
                    "message_id": f.message_id,
                    "version": f.version,
                    "payments": f.payments,
                    "sum_ore": f.sum.ore(),
                })
            })
            .collect();
        let left_out: Vec<serde_json::Value> = made
            .left_out
            .iter()
            .map(|l| {
                json!({
                    "invoice_id": l.invoice_id.get(),
                    "supplier_id": l.supplier_id.get(),
                    "reason": views::explain(Lang::En, &l.reason),
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "proposal": made.id.get(),
                "pay_date": made.pay_date.to_string(),
                "files": files,
                "left_out": left_out,
            })
        );
        return Ok(());
    }
    for (f, p) in written {
        println!(
            "{}: {} payments, {} from account {} ({}, message {})",
            p.display(),
            f.payments,
            f.sum,
            f.debtor_account,
            f.version,
            f.message_id
        );
    }
    for l in &made.left_out {
        println!(
            "left out: invoice {} of supplier {}: {}",
            l.invoice_id.get(),
            l.supplier_id.get(),
            views::explain(Lang::En, &l.reason)
        );
    }
    println!(
        "proposal {} for {}: approve it in the app (a second person in finance) before sending the files",
        made.id.get(),
        made.pay_date
    );
    Ok(())
}

/// Takes in the bank's files, each in one transaction; stops at the first unreadable one (the
/// ones before it are in).
pub async fn bank(config: &Config, files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let (services, actor) = super::import_suppliers::open(config, "import-bank").await?;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                return Ok(ExitCode::from(2));
            }
        };
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let done = match services
            .suppliers()
            .import_bank_file(&actor, &name, &bytes)
            .await
        {
            Ok(d) => d,
            Err(e) => {
                eprintln!(
                    "{}: {}; nothing from it was taken in",
                    file.display(),
                    super::refusal(e)
                );
                return Ok(ExitCode::from(1));
            }
        };
        if json {
            let mut line = serde_json::to_value(&done)?;
            line["file"] = json!(file.display().to_string());
            println!("{line}");
        } else if done.already {
            println!(
                "{}: {} {} was taken in before; nothing changed",
                file.display(),
                done.kind,
                done.message_id
            );
        } else {
            println!(
                "{}: {} {}: {} accepted, {} rejected, {} paid, {} returned, {} not matched",
                file.display(),
                done.kind,
                done.message_id,
                done.accepted,
                done.rejected,
                done.paid,
                done.returned,
                done.unmatched
            );
        }
    }
    services.store().close().await;
    Ok(ExitCode::SUCCESS)
}

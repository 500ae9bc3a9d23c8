//! `beredskap import bgmax` and `beredskap import invoices`: the credit imports from the
//! command line, through `services.credit()`. Refusals are printed in English on one line,
//! named by the same messages the web uses.

use std::process::ExitCode;

use anyhow::{Context, bail};
use services::credit::InvoiceImportError;
use views::Lang;

use super::open_store;
use crate::config::Config;

/// The services of a migrated database, acting for the system.
async fn services_of(config: &Config) -> anyhow::Result<services::Services> {
    let store = open_store(config, false).await?;
    if !store.migration_status().await?.pending.is_empty() {
        bail!("the database has pending migrations: run `beredskap migrate` first");
    }
    Ok(services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    ))
}

pub async fn bgmax(
    config: &Config,
    file: &std::path::Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let services = services_of(config).await?;
    let actor = services::Actor {
        name: format!(
            "cli:{}",
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        ..services::Actor::system()
    };
    let report = match services.credit().import_bgmax(&actor, &bytes).await {
        Ok(r) => r,
        Err(e) => match e.problem() {
            Some(p) => bail!(
                "{}: {}; nothing was imported",
                file.display(),
                views::explain(Lang::En, p)
            ),
            None => return Err(e.into()),
        },
    };
    services.store().close().await;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{}: {} payments ({}) imported: {} matched to invoices, {} to the matching queue, {} already imported",
            file.display(),
            report.payments,
            report.amount(),
            report.matched,
            report.unmatched,
            report.already_imported
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn invoices(
    config: &Config,
    file: &std::path::Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let services = services_of(config).await?;
    let actor = services::Actor {
        name: "cli:import-invoices".into(),
        ..services::Actor::system()
    };
    let report = match services.credit().import_invoices(&actor, &bytes).await {
        Ok(r) => r,
        Err(InvoiceImportError::Row { line, invalid }) => bail!(
            "{}: line {line}, field {}: {}; nothing was imported",
            file.display(),
            invalid.field,
            views::explain(Lang::En, &invalid.problem)
        ),
        Err(InvoiceImportError::Service(e)) => match e.problem() {
            Some(p) => bail!(
                "{}: {}; nothing was imported",
                file.display(),
                views::explain(Lang::En, p)
            ),
            None => return Err(e.into()),
        },
    };
    services.store().close().await;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{}: {} invoices ({}) imported, {} already imported, {} in fees and interest billed on them",
            file.display(),
            report.invoices,
            domain::money::Money::from_ore(report.amount_ore),
            report.already_imported,
            domain::money::Money::from_ore(report.charges_billed_ore)
        );
    }
    Ok(ExitCode::SUCCESS)
}

//! `beredskap import customers|meter-points|subscriptions FILE`: the utility's own registers
//! from its billing system, through `services.registers()`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Customers,
    MeterPoints,
    Subscriptions,
}

pub async fn run(
    config: &Config,
    kind: Kind,
    file: &Path,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (name, what) = match kind {
        Kind::Customers => ("import-customers", "customers"),
        Kind::MeterPoints => ("import-meter-points", "meter points"),
        Kind::Subscriptions => ("import-subscriptions", "subscriptions"),
    };
    let (services, actor) = super::import_suppliers::open(config, name).await?;
    let registers = services.registers();
    let result = match kind {
        Kind::Customers => registers.import_customers(&actor, &bytes, dry_run).await,
        Kind::MeterPoints => registers.import_meter_points(&actor, &bytes, dry_run).await,
        Kind::Subscriptions => {
            registers
                .import_subscriptions(&actor, &bytes, dry_run)
                .await
        }
    };
    let counts = super::import_suppliers::counts_or_refusal(file, result)?;
    services.store().close().await;
    super::import_suppliers::print_counts(file, what, &counts, json, dry_run)?;
    Ok(ExitCode::SUCCESS)
}

//! `beredskap community orders --date D --out FILE [--format json|csv]`: the provisioning orders
//! that take effect on a day, as the file the network operator takes in, written whole (a
//! temporary file renamed into place); and `beredskap community run --date D`: the day's starts,
//! reminders and reverts of free broadband upgrades (the worker runs it each day too).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use services::community::OrderFormat;

use crate::config::Config;

pub async fn orders(
    config: &Config,
    date: &str,
    out: &Path,
    format: &str,
) -> anyhow::Result<ExitCode> {
    let Ok(date) = domain::time::parse_date(date.trim()) else {
        eprintln!("--date {date}: give the day as YYYY-MM-DD");
        return Ok(ExitCode::from(2));
    };
    let Some(format) = OrderFormat::parse(format.trim()) else {
        eprintln!("--format {format}: give json or csv");
        return Ok(ExitCode::from(2));
    };
    let (services, actor) = super::import_suppliers::open(config, "community-orders").await?;
    let orders = services
        .community()
        .orders_on(&actor, date)
        .await
        .map_err(super::refusal)?;
    let body = services::community::order_file(&orders, format).map_err(super::refusal)?;
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, &body).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    services.store().close().await;
    println!(
        "{} provisioning orders for {date} written to {}",
        orders.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn run(config: &Config, date: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Ok(date) = domain::time::parse_date(date.trim()) else {
        eprintln!("--date {date}: give the day as YYYY-MM-DD");
        return Ok(ExitCode::from(2));
    };
    let (services, actor) = super::import_suppliers::open(config, "community-run").await?;
    let run = services
        .community()
        .run_day(&actor, date)
        .await
        .map_err(super::refusal)?;
    services.store().close().await;
    if json {
        println!("{}", serde_json::to_string(&run)?);
    } else {
        println!(
            "{date}: {} started, {} reminded, {} reverted, {} lapsed; {} provisioning orders",
            run.started, run.reminded, run.reverted, run.lapsed, run.orders
        );
    }
    Ok(ExitCode::SUCCESS)
}

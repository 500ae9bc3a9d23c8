//! `beredskap import suppliers FILE` (the register's CSV) and `beredskap import peppol
//! FILE_OR_DIR…` (e-invoices): both through `services.suppliers()`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;
use services::import::ImportError;
use services::suppliers::{DocumentOutcome, FindingRow};
use views::Lang;

use crate::config::Config;

/// The database through the services, as the command line's actor `cli:{name}`; refuses a
/// database with pending migrations.
pub(super) async fn open(
    config: &Config,
    name: &str,
) -> anyhow::Result<(services::Services, services::Actor)> {
    let store = super::open_store(config, false).await?;
    if !store.migration_status().await?.pending.is_empty() {
        bail!("the database has pending migrations: run `beredskap migrate` first");
    }
    let services = services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    );
    let actor = services::Actor {
        name: format!("cli:{name}"),
        ..services::Actor::system()
    };
    Ok((services, actor))
}

/// A CSV import's counts, or its refusal as one line naming the file, the line and the field
/// (the command then exits 2).
pub(super) fn counts_or_refusal(
    file: &Path,
    result: Result<services::import::ImportCounts, ImportError>,
) -> anyhow::Result<services::import::ImportCounts> {
    match result {
        Ok(c) => Ok(c),
        Err(ImportError::Line(l)) => bail!(
            "{}: line {}, field {}: {}; nothing was imported",
            file.display(),
            l.line,
            l.field,
            views::explain(Lang::En, &l.problem)
        ),
        Err(ImportError::Service(e)) => Err(e.into()),
    }
}

/// Prints an import's counts: `{"inserted":N,"updated":N,"unchanged":N}` with `json`, else a
/// line naming the file and what happened (or, in a dry run, would happen) to the `what`.
pub(super) fn print_counts(
    file: &Path,
    what: &str,
    counts: &services::import::ImportCounts,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(counts)?);
    } else {
        let verb = if dry_run { "would be" } else { "were" };
        println!(
            "{}: {} {what} {verb} added, {} updated, {} unchanged{}",
            file.display(),
            counts.inserted,
            counts.updated,
            counts.unchanged,
            if dry_run {
                " (a dry run: nothing was written)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub async fn register(
    config: &Config,
    file: &Path,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (services, actor) = open(config, "import-suppliers").await?;
    let counts = counts_or_refusal(
        file,
        services.suppliers().import(&actor, &bytes, dry_run).await,
    )?;
    services.store().close().await;
    print_counts(file, "suppliers", &counts, json, dry_run)?;
    Ok(ExitCode::SUCCESS)
}

/// The files named: a file as itself, a folder as its `.xml` files in name order.
fn files_of(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file() && f.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml"))
                })
                .collect();
            inner.sort();
            out.extend(inner);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn findings(lang: Lang, rows: &[FindingRow]) -> Vec<serde_json::Value> {
    rows.iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "message": views::translate(lang, &format!("peppol-rule-{}", f.rule), &[]),
                "path": f.path,
            })
        })
        .collect()
}

/// The JSON line of one file; a refusal other than the rules is named as an error of its own.
fn line(o: &DocumentOutcome) -> serde_json::Value {
    let mut errors = findings(Lang::En, &o.errors);
    if let Some(r) = o
        .refusal
        .filter(|r| *r != domain::suppliers::Refusal::Rules)
    {
        let path = o
            .unreadable_at
            .map_or(String::new(), |(l, c)| format!("line {l}, column {c}"));
        errors.push(json!({
            "rule": format!("beredskap:{}", r.as_str()),
            "message": views::label(Lang::En, r),
            "path": path,
        }));
    }
    json!({
        "file": o.file,
        "accepted": o.accepted(),
        "duplicate": o.duplicate,
        "supplier": o.supplier,
        "invoice_number": o.invoice_number,
        "total_ore": o.total_minor,
        "errors": errors,
        "warnings": findings(Lang::En, &o.warnings),
    })
}

pub async fn peppol(config: &Config, paths: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let named = match files_of(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("reading the folders: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if named.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("no .xml files in {}", shown.join(", "));
        return Ok(ExitCode::from(2));
    }
    let mut files = Vec::with_capacity(named.len());
    for f in named {
        match std::fs::read(&f) {
            Ok(bytes) => files.push((f.display().to_string(), bytes)),
            Err(e) => {
                eprintln!("{}: {e}; nothing was imported", f.display());
                return Ok(ExitCode::from(2));
            }
        }
    }
    let (services, actor) = open(config, "import-peppol").await?;
    let outcomes = services
        .suppliers()
        .receive_einvoices(&actor, &files)
        .await?;
    services.store().close().await;
    for o in &outcomes {
        if json {
            println!("{}", line(o));
        } else if o.accepted() {
            println!(
                "{}: taken in: invoice {} from {}{}",
                o.file,
                o.invoice_number.as_deref().unwrap_or("-"),
                o.supplier.as_deref().unwrap_or("-"),
                if o.duplicate {
                    " (received before)"
                } else {
                    ""
                }
            );
        } else {
            let rules: Vec<&str> = o.errors.iter().map(|f| f.rule.as_str()).collect();
            println!(
                "{}: refused ({}){}{}",
                o.file,
                o.refusal.map_or("", |r| r.as_str()),
                if rules.is_empty() {
                    String::new()
                } else {
                    format!(": {}", rules.join(", "))
                },
                if o.duplicate {
                    " (received before)"
                } else {
                    ""
                }
            );
        }
    }
    let refused = outcomes.iter().filter(|o| !o.accepted()).count();
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

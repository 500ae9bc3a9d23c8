//! `beredskap restore BACKUP`: puts a backup made by `beredskap backup` in place of the SQLite
//! database, after checking a copy of it: SQLite's integrity and foreign-key checks, a schema
//! this version knows, and its rows counted. Nothing is replaced until the copy has passed;
//! the database it replaces is kept beside it. PostgreSQL is restored with `pg_restore`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use store::backend::Location;
use store::{ConnectOptions, Store};

use crate::config::Config;

use super::demo::{remove_all, sidecars};

fn beside(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Moves a database with its sidecars.
fn move_all(from: &Path, to: &Path) -> anyhow::Result<()> {
    for (a, b) in sidecars(from).iter().zip(sidecars(to).iter()) {
        if a.exists() {
            std::fs::rename(a, b)
                .with_context(|| format!("moving {} to {}", a.display(), b.display()))?;
        }
    }
    Ok(())
}

/// What the check of a copy found.
struct Checked {
    rows: Vec<(String, i64)>,
    pending: usize,
}

/// Checks the database at `path` (a copy: opening it may change its journal mode).
async fn check(path: &Path, shown: &Path) -> anyhow::Result<Checked> {
    let url = format!("sqlite://{}", path.display());
    let opts = ConnectOptions {
        create_if_missing: false,
        max_connections: 1,
        ..Default::default()
    };
    let store = Store::connect(&url, &opts)
        .await
        .with_context(|| format!("{} cannot be opened as a SQLite database", shown.display()))?;
    let result = async {
        let problems = store.integrity_problems().await.with_context(|| {
            format!(
                "{} is not a sound SQLite database: SQLite cannot read it",
                shown.display()
            )
        })?;
        if !problems.is_empty() {
            bail!(
                "{} is damaged (SQLite's integrity check: {}); take another backup",
                shown.display(),
                problems.join("; ")
            );
        }
        let status = store.migration_status().await?;
        if status.applied.is_empty() {
            bail!(
                "{} is not a Beredskap database: it has no schema version",
                shown.display()
            );
        }
        if !status.unknown.is_empty() {
            bail!(
                "{} was made by a newer Beredskap (schema versions {:?} are unknown to this one): restore it with that version",
                shown.display(),
                status.unknown
            );
        }
        Ok(Checked {
            rows: store.row_counts().await?,
            pending: status.pending.len(),
        })
    }
    .await;
    store.close().await;
    result
}

pub async fn run(config: &Config, from: &Path, replace: bool) -> anyhow::Result<ExitCode> {
    let target = match store::backend::parse_url(&config.database.url)? {
        Location::SqliteFile(p) => PathBuf::from(p),
        Location::SqliteMemory => {
            bail!("restore puts a backup in a database file: give --database-url sqlite://FILE")
        }
        Location::Postgres(_) => bail!(
            "PostgreSQL is restored with pg_restore (README, \"Backups\"); `beredskap restore` puts SQLite backups made by `beredskap backup` in place"
        ),
    };
    if !from.is_file() {
        bail!("{}: no such file", from.display());
    }
    if target.exists() && !replace {
        bail!(
            "{} exists: stop every server using it, then pass --replace (it is kept as {}.before-restore-…)",
            target.display(),
            target.display()
        );
    }
    // A copy next to the target is checked, so the backup itself is never changed and the
    // swap is a rename on one file system.
    let staging = beside(&target, ".restoring");
    remove_all(&staging)?;
    std::fs::copy(from, &staging)
        .with_context(|| format!("copying {} to {}", from.display(), staging.display()))?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("writing {} to disk", staging.display()))?;
    let checked = match check(&staging, from).await {
        Ok(c) => c,
        Err(e) => {
            remove_all(&staging)?;
            return Err(e.context("nothing was restored"));
        }
    };
    let kept = if target.exists() {
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let kept = beside(&target, &format!(".before-restore-{stamp}"));
        move_all(&target, &kept)?;
        Some(kept)
    } else {
        None
    };
    move_all(&staging, &target)?;
    let total: i64 = checked.rows.iter().map(|(_, n)| n).sum();
    println!(
        "restored {} into {}: {} tables, {} rows; SQLite's integrity check: ok",
        from.display(),
        target.display(),
        checked.rows.len(),
        total
    );
    for (table, n) in checked.rows.iter().filter(|(_, n)| *n > 0) {
        println!("  {table:<32} {n:>12}");
    }
    if let Some(kept) = kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    if checked.pending > 0 {
        println!(
            "the backup is from an older version: {} migrations to apply; run `beredskap migrate` before serving",
            checked.pending
        );
    }
    Ok(ExitCode::SUCCESS)
}

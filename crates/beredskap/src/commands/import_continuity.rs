//! `beredskap import functions|staff|roster`: continuity's CSV files (layouts in the README),
//! all or nothing, a bad value named by line and field, counts of rows inserted, updated and
//! unchanged.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use services::continuity::{ImportCounts, ImportError};

use crate::config::Config;

/// Which file.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Functions,
    Staff,
    Roster,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Functions => "functions",
            Kind::Staff => "staff",
            Kind::Roster => "roster",
        }
    }
}

/// Imports the file; `dry_run` (staff only) counts what would change and writes nothing.
pub async fn run(
    config: &Config,
    kind: Kind,
    file: &Path,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (services, actor) =
        super::import_suppliers::open(config, &format!("import-{}", kind.name())).await?;
    let c = services.continuity();
    let result = match kind {
        Kind::Functions => c.import_functions(&actor, &bytes).await,
        Kind::Staff => c.import_staff(&actor, &bytes, dry_run).await,
        Kind::Roster => c.import_roster(&actor, &bytes).await,
    };
    let counts: ImportCounts = match result {
        Ok(c) => c,
        Err(ImportError::Line(l)) => bail!(
            "{}: line {}, field {}: {}; nothing was imported",
            file.display(),
            l.line,
            l.field,
            views::explain(views::Lang::En, &l.problem)
        ),
        Err(ImportError::Service(services::ServiceError::Invalid(i))) => bail!(
            "{}: {}: {}; nothing was imported",
            file.display(),
            i.field,
            views::explain(views::Lang::En, &i.problem)
        ),
        Err(ImportError::Service(e)) => return Err(e.into()),
    };
    services.store().close().await;
    super::import_suppliers::print_counts(file, "rows", &counts, json, dry_run)?;
    Ok(ExitCode::SUCCESS)
}

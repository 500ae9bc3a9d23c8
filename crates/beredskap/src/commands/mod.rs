//! One module per subcommand. Async commands share one Tokio runtime built here.

pub mod bench;
mod bench_chat;
pub mod bench_cluster;
pub mod bench_community;
pub mod bench_continuity;
pub mod bench_crash;
mod bench_credit;
pub mod bench_crisis;
pub mod bench_payments;
pub mod bench_peppol;
pub mod bench_registers;
mod bench_security;
pub mod bench_summer;
mod bench_visits;
pub mod bench_vrptw;
mod cluster;
mod community;
pub mod demo;
mod import;
mod import_continuity;
mod import_registers;
mod import_suppliers;
mod pay;
pub mod plan;
mod restore;
pub mod serve;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use store::{ConnectOptions, Store};

use crate::cli::{
    BenchCommand, Cli, Command, CommunityCommand, ImportCommand, JobsCommand, PayCommand,
    PrivacyCommand, TokenCommand, UserCommand,
};
use crate::config::{Config, FlagOverrides, process_env};

/// `beredskap import …`: each register and file the utility hands over.
async fn import_command(config: &Config, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    use import_continuity::Kind as Continuity;
    use import_registers::Kind as Register;
    match cmd {
        ImportCommand::Bgmax { file, json } => import::bgmax(config, &file, json).await,
        ImportCommand::Invoices { file, json } => import::invoices(config, &file, json).await,
        ImportCommand::Functions { file, json } => {
            import_continuity::run(config, Continuity::Functions, &file, json, false).await
        }
        ImportCommand::Staff {
            file,
            json,
            dry_run,
        } => import_continuity::run(config, Continuity::Staff, &file, json, dry_run).await,
        ImportCommand::Roster { file, json } => {
            import_continuity::run(config, Continuity::Roster, &file, json, false).await
        }
        ImportCommand::Customers {
            file,
            json,
            dry_run,
        } => import_registers::run(config, Register::Customers, &file, json, dry_run).await,
        ImportCommand::MeterPoints {
            file,
            json,
            dry_run,
        } => import_registers::run(config, Register::MeterPoints, &file, json, dry_run).await,
        ImportCommand::Subscriptions {
            file,
            json,
            dry_run,
        } => import_registers::run(config, Register::Subscriptions, &file, json, dry_run).await,
        ImportCommand::Suppliers {
            file,
            json,
            dry_run,
        } => import_suppliers::register(config, &file, json, dry_run).await,
        ImportCommand::Peppol { files, json } => {
            import_suppliers::peppol(config, &files, json).await
        }
        ImportCommand::Bank { files, json } => pay::bank(config, &files, json).await,
    }
}

pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Plan(args) => return plan::run(args),
        Command::Bench(BenchCommand::Vrptw(args)) => return bench_vrptw::run(args),
        _ => {}
    }
    let listen = match &cli.command {
        Command::Serve(a) => a.listen.clone(),
        _ => None,
    };
    let flags = FlagOverrides {
        database_url: cli.database_url.clone(),
        listen,
    };
    let config = Config::load(cli.config.as_deref(), &process_env(), &flags)?;
    // Dropped after the runtime below: the last traces are sent before the process ends.
    let _telemetry = crate::telemetry::init(&config)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        match cli.command {
            Command::Demo(args) => demo::run(&config, cli.database_url.as_deref(), &args).await,
            Command::Serve(_) => serve::run_serve(&config).await,
            Command::Migrate(args) => migrate(&config, args.check).await,
            Command::Backup(args) => backup(&config, &args.to).await,
            Command::Restore(args) => restore::run(&config, &args.from, args.replace).await,
            Command::Config(args) => print_config(&config, args.example, args.effective),
            Command::User(UserCommand::Create {
                username,
                display_name,
                role,
            }) => create_user(&config, &username, &display_name, &role).await,
            Command::Import(cmd) => import_command(&config, cmd).await,
            Command::Pay(PayCommand::Proposal { date, out, json }) => {
                pay::proposal(&config, &date, &out, json).await
            }
            Command::Token(TokenCommand::Create { user, name, days }) => {
                create_token(&config, &user, &name, days).await
            }
            Command::Privacy(cmd) => privacy(&config, &cmd).await,
            Command::Jobs(JobsCommand::Run { now }) => run_jobs(&config, now.as_deref()).await,
            Command::Bench(BenchCommand::Visits(args)) => bench_visits::run(&config, &args).await,
            Command::Bench(BenchCommand::Credit(args)) => bench_credit::run(&config, &args).await,
            Command::Bench(BenchCommand::Chat(args)) => bench_chat::run(&config, &args).await,
            Command::Bench(BenchCommand::Cluster(args)) => bench_cluster::run(&config, &args).await,
            Command::Bench(BenchCommand::Crash(args)) => bench_crash::run(&config, &args).await,
            Command::Bench(BenchCommand::Security(args)) => {
                bench_security::run(&config, &args).await
            }
            Command::Bench(BenchCommand::Continuity(args)) => {
                bench_continuity::run(&config, &args).await
            }
            Command::Bench(BenchCommand::Crisis(args)) => bench_crisis::run(&config, &args).await,
            Command::Bench(BenchCommand::Peppol(args)) => bench_peppol::run(&config, &args).await,
            Command::Bench(BenchCommand::Registers(args)) => {
                bench_registers::run(&config, &args).await
            }
            Command::Community(CommunityCommand::Orders { date, out, format }) => {
                community::orders(&config, &date, &out, &format).await
            }
            Command::Community(CommunityCommand::Run { date, json }) => {
                community::run(&config, &date, json).await
            }
            Command::Bench(BenchCommand::Community(args)) => {
                bench_community::run(&config, &args).await
            }
            Command::Bench(BenchCommand::SummerDraw(args)) => {
                bench_summer::run(&config, &args).await
            }
            Command::Bench(BenchCommand::Payments(args)) => {
                bench_payments::run(&config, &args).await
            }
            Command::Bench(BenchCommand::Search(args)) => bench::search(&config, &args).await,
            Command::Bench(BenchCommand::Http(args)) => bench::http(&args).await,
            Command::Plan(_) | Command::Bench(BenchCommand::Vrptw(_)) => unreachable_sync(),
        }
    })
}

fn unreachable_sync() -> anyhow::Result<ExitCode> {
    bail!("internal: synchronous command reached the async dispatcher")
}

/// A service's refusal as the command line says it: the field, and why, in English (from the
/// same messages the pages use); any other error as it is.
pub(crate) fn refusal(e: services::ServiceError) -> anyhow::Error {
    let field = match &e {
        services::ServiceError::Invalid(i) => Some(i.field),
        _ => None,
    };
    match e.problem() {
        Some(p) => {
            let why = views::explain(views::Lang::En, p);
            match field {
                Some(f) => anyhow::anyhow!("{f}: {why}"),
                None => anyhow::anyhow!("{why}"),
            }
        }
        None => e.into(),
    }
}

/// `beredskap jobs run`: orphaned jobs back to the queue, then every due job, then exit.
async fn run_jobs(config: &Config, now: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = open_store(config, false).await?;
    store.migrate().await.context("migrating the database")?;
    let services = services::Services::new(store, clock(now)?, config.service_settings(false));
    let transports = services::outbox::Transports::from_settings(&services.settings().mail)?;
    let resumed = jobs::requeue_orphans(&services).await?;
    let ran = jobs::run_pending(&services, &transports).await?;
    println!("{ran} jobs run ({resumed} resumed after a worker died in them)");
    Ok(ExitCode::SUCCESS)
}

/// The wall clock, or a clock running on from `--now`.
pub(crate) fn clock(now: Option<&str>) -> anyhow::Result<std::sync::Arc<dyn services::Clock>> {
    Ok(match now {
        None => std::sync::Arc::new(services::SystemClock),
        Some(t) => std::sync::Arc::new(services::OffsetClock::starting_at(
            t.parse::<jiff::Timestamp>().map_err(|_| {
                anyhow::anyhow!(
                    "--now {t:?} is not an RFC 3339 time: write it like 2026-11-24T10:05:00+01:00"
                )
            })?,
        )),
    })
}

/// Opens the configured database; only `create` opens a missing SQLite file.
pub async fn open_store(config: &Config, create: bool) -> anyhow::Result<Store> {
    let opts = ConnectOptions {
        create_if_missing: create,
        max_connections: config.database.max_connections,
        ..Default::default()
    };
    Store::connect(&config.database.url, &opts)
        .await
        .with_context(|| {
            format!(
                "opening the database {}",
                store::backend::redact_url(&config.database.url)
            )
        })
}

async fn migrate(config: &Config, check: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(config, !check).await?;
    let status = store.migration_status().await?;
    if let Some(v) = status.unknown.first() {
        bail!(
            "the database has migration {v}, which this program does not know: run a newer beredskap"
        );
    }
    if check {
        if status.pending.is_empty() {
            println!("up to date: {} migrations applied", status.applied.len());
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "pending migrations: {:?} (run `beredskap migrate`)",
            status.pending
        );
        return Ok(ExitCode::from(1));
    }
    store.migrate().await?;
    println!(
        "migrated: {} applied now, {} in total",
        status.pending.len(),
        status.applied.len() + status.pending.len()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn backup(config: &Config, to: &std::path::Path) -> anyhow::Result<ExitCode> {
    if to.exists() {
        bail!(
            "{} already exists: choose a new file name for the backup",
            to.display()
        );
    }
    let store = open_store(config, false).await?;
    if store.backend() == store::Backend::Postgres {
        bail!(
            "backups of PostgreSQL are made with pg_dump; `beredskap backup` copies SQLite databases"
        );
    }
    let path = to.to_str().context("the backup path must be valid UTF-8")?;
    store
        .backup_to(path)
        .await
        .with_context(|| format!("writing the backup to {}", to.display()))?;
    println!("backup written to {}", to.display());
    Ok(ExitCode::SUCCESS)
}

fn print_config(config: &Config, example: bool, effective: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let text = if example || !effective {
        crate::config::EXAMPLE.to_owned()
    } else {
        toml::to_string(&config.redacted())?
    };
    // A closed pipe (e.g. `| head`) is not an error.
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        r => r
            .map(|_| ExitCode::SUCCESS)
            .context("writing to standard output"),
    }
}

async fn create_token(
    config: &Config,
    user: &str,
    name: &str,
    days: u32,
) -> anyhow::Result<ExitCode> {
    let store = open_store(config, false).await?;
    let status = store.migration_status().await?;
    if !status.pending.is_empty() {
        bail!("the database has pending migrations: run `beredskap migrate` first");
    }
    let services = services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    );
    let token = services
        .accounts()
        .create_api_token_for(user, name, days)
        .await
        .map_err(refusal)?;
    eprintln!(
        "API token for {user}, good for {days} days (shown once; send it as `Authorization: Bearer TOKEN`):"
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

async fn privacy(config: &Config, cmd: &PrivacyCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(config, false).await?;
    let status = store.migration_status().await?;
    if !status.pending.is_empty() {
        bail!("the database has pending migrations: run `beredskap migrate` first");
    }
    let services = services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    );
    let actor = services::Actor::system();
    match cmd {
        PrivacyCommand::Reseal => {
            if config.privacy.declaration_keys.trim().is_empty() {
                bail!(
                    "privacy.declaration_keys is empty: put the new key first, the old ones after it"
                );
            }
            let n = services.declarations().reseal(&actor).await?;
            println!("{n} declarations re-sealed under the first key");
        }
        PrivacyCommand::PurgeDeclarations => {
            let n = services.declarations().purge(&actor).await?;
            println!("{n} declarations deleted");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn create_user(
    config: &Config,
    username: &str,
    display_name: &str,
    role: &str,
) -> anyhow::Result<ExitCode> {
    let role: domain::role::Role = role.parse()?;
    if role == domain::role::Role::Customer {
        bail!(
            "customer accounts are created from the customer register, not here; choose a staff role"
        );
    }
    let password = match std::env::var("BEREDSKAP_NEW_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("password for {username}:");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let store = open_store(config, false).await?;
    store.migrate().await?;
    let services = services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    );
    let id = services
        .accounts()
        .create_user(username, display_name, role, None, &password, false)
        .await
        .map_err(refusal)?;
    println!("created user {username} (id {id}, role {role})");
    Ok(ExitCode::SUCCESS)
}

//! Command-line interface (clap derive). Flags that mirror configuration are applied last.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::bench_community::BenchCommunityArgs;
use crate::commands::bench_continuity::BenchContinuityArgs;
use crate::commands::bench_crisis::BenchCrisisArgs;
use crate::commands::bench_payments::BenchPaymentsArgs;
use crate::commands::bench_peppol::BenchPeppolArgs;
use crate::commands::bench_summer::BenchSummerArgs;
use crate::commands::{bench_vrptw::BenchVrptwArgs, plan::PlanArgs};

#[derive(Parser, Debug)]
#[command(
    name = "beredskap",
    version,
    about = "Beredskap: the crisis-ready operations platform of a municipal utility"
)]
pub struct Cli {
    /// Configuration file (TOML). Without it, ./beredskap.toml is read when present.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB (overrides the configuration).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create (or reuse) the demo town and serve it, with demo logins for every role.
    Demo(DemoArgs),
    /// Serve the application: HTTP and background workers. Never creates demo accounts.
    Serve(ServeArgs),
    /// Apply pending database migrations (creates a missing SQLite file).
    Migrate(MigrateArgs),
    /// Write an online, consistent copy of the SQLite database to a file.
    Backup(BackupArgs),
    /// Put a backup made by `backup` in place of the SQLite database, after checking it
    /// (integrity, schema version, rows); the database it replaces is kept beside it.
    Restore(RestoreArgs),
    /// Print the example configuration or the configuration in force (secrets hidden).
    Config(ConfigArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Import files from the bank.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Pay suppliers: payment proposals and their ISO 20022 pain.001 files.
    #[command(subcommand)]
    Pay(PayCommand),
    /// Community support: free broadband upgrades and their provisioning orders.
    #[command(subcommand)]
    Community(CommunityCommand),
    /// Manage API tokens (bearer tokens for API clients).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Sealed personal data: "no home visits" declarations.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Background jobs (the server's worker runs them too).
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Plan the meter-exchange campaign from CSV files.
    Plan(PlanArgs),
    /// Benchmarks; results go to docs/benchmarks.md.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Size {
    Small,
    Town,
    Region,
}

impl From<Size> for services::demo::DemoSize {
    fn from(s: Size) -> Self {
        match s {
            Size::Small => services::demo::DemoSize::Small,
            Size::Town => services::demo::DemoSize::Town,
            Size::Region => services::demo::DemoSize::Region,
        }
    }
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[arg(long, value_enum, default_value = "town")]
    pub size: Size,
    /// The SQLite file of the demo town (ignored with --database-url postgres://…).
    #[arg(long, default_value = "beredskap-demo.sqlite")]
    pub db: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Generate (or check) the town and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Regenerate even if the file already holds this town.
    #[arg(long)]
    pub fresh: bool,
    /// Run the town's clock from this instant instead of now (RFC 3339, for example
    /// 2026-11-24T10:05:00+01:00): a Tuesday morning at the customer centre at any hour.
    #[arg(long)]
    pub now: Option<String>,
    /// Leave the meter-exchange campaign unopened, for the walk-through where the planner
    /// opens it (by default it has been under way for some weeks).
    #[arg(long)]
    pub no_campaign: bool,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (overrides http.listen).
    #[arg(long)]
    pub listen: Option<String>,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// Only report: exit 1 when migrations are pending, 0 when up to date.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The file to write; it must not exist.
    pub to: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file (from `beredskap backup`).
    pub from: PathBuf,
    /// Replace the database that exists at --database-url (stop every server using it first).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Print the commented example configuration.
    #[arg(long, conflicts_with = "effective")]
    pub example: bool,
    /// Print the configuration in force after all layers, secrets hidden.
    #[arg(long)]
    pub effective: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff account; the password is read from BEREDSKAP_NEW_PASSWORD or standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// agent, credit_officer, planner, technician, finance, continuity_manager or admin.
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import the customer register from CSV (layout in the README): matched by customer
    /// number, all or nothing; a changed customer is updated and audited; the same file again
    /// changes nothing. Exit 2 with the line, the column and the reason for a bad file.
    Customers {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
        /// Check the file and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the meter points from CSV (layout in the README): matched by the 18-digit
    /// meter-point id, each tied to a customer already imported; all or nothing, as customers.
    MeterPoints {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
        /// Check the file and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the subscriptions from CSV (layout in the README): which customer has which
    /// service, on which meter point, from and until when; matched by customer number,
    /// service, meter point and start day; all or nothing, as customers.
    Subscriptions {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
        /// Check the file and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import a Bankgirot BgMax file of incoming payments: all or nothing, and a file imported
    /// before is not imported again. Payments are matched to invoices by OCR; the rest go to the
    /// manual matching queue.
    Bgmax {
        /// The file as received from the bank (ISO-8859-1, 80-character records).
        file: PathBuf,
        /// Print `{"payments":N,"amount_ore":N,"matched":N,"unmatched":N,"already_imported":N}`.
        #[arg(long)]
        json: bool,
    },
    /// Import invoices from CSV (layout in the README): all or nothing; invoice numbers imported
    /// before are skipped; pending fees and interest are billed on the new invoices.
    Invoices {
        file: PathBuf,
        /// Print `{"invoices":N,"amount_ore":N,"already_imported":N,"charges_billed_ore":N}`.
        #[arg(long)]
        json: bool,
    },
    /// Import critical functions and their shifts from CSV (layout in the README): one row per
    /// function and shift, all or nothing; the same file again changes nothing.
    Functions {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}` (rows of the file).
        #[arg(long)]
        json: bool,
    },
    /// Import staff from CSV (layout in the README), by employee number, all or nothing.
    Staff {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
        /// Check the file and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the supplier register from CSV (layout in the README): matched by organisation
    /// number, all or nothing; the same file again changes nothing.
    Suppliers {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
        /// Check the file and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Receive Peppol BIS Billing 3.0 e-invoices (UBL Invoice and CreditNote): each file (or
    /// every `.xml` file of a folder) is checked against the fatal rules of EN 16931 and Peppol
    /// and taken in as a supplier invoice, or refused into the inbox with its reasons. A file
    /// received before changes nothing. Exit 0 when all were taken in, 1 when some were refused,
    /// 2 for usage or file errors.
    Peppol {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One line per file: `{"file","accepted","supplier","invoice_number","total_ore",
        /// "errors":[{"rule","message","path"}],"warnings":[…]}`.
        #[arg(long)]
        json: bool,
    },
    /// Take in the bank's answers to the payment files: pain.002 status reports (accepted or
    /// rejected per payment) and camt.054 debit notifications (payments booked: their invoices
    /// are paid). Each file once, whole; entries matching no payment wait for finance. Exit 1
    /// at an unreadable file (those before it are in), 2 when a file cannot be read from disk.
    Bank {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One line per file: `{"file","kind","message_id","already","accepted","rejected",
        /// "paid","returned","unmatched"}`.
        #[arg(long)]
        json: bool,
    },
    /// Import rosters from CSV (layout in the README), all or nothing; every new entry is
    /// checked against the working-time rules.
    Roster {
        file: PathBuf,
        /// Print `{"inserted":N,"updated":N,"unchanged":N}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PayCommand {
    /// Propose paying, on DATE, every approved supplier invoice due by then (each under its own
    /// terms), and write the proposal's pain.001 file: one per debtor account (FILE-<account>.xml
    /// when there are several). The files go to the bank once a second person in finance has
    /// approved the proposal in the app.
    Proposal {
        /// The payment day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Where to write the pain.001 file.
        #[arg(long)]
        out: PathBuf,
        /// Print `{"proposal","pay_date","files":[{"path","account","message_id","version",
        /// "payments","sum_ore"}],"left_out":[{"invoice_id","supplier_id","reason"}]}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CommunityCommand {
    /// Write the provisioning orders that take effect on DATE (raise and restore the speed of
    /// free broadband upgrades) as the network operator's order file.
    Orders {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
        /// `json` (an array of orders) or `csv` (one header row).
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Start, remind and revert the free broadband upgrades due on DATE (the worker does this
    /// each day; running it again changes nothing).
    Run {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Print `{"date","started","reminded","reverted","lapsed","orders"}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Run every due job, then exit: first the jobs whose worker died in them (no heartbeat
    /// for 90 s) go back to the queue and resume where they stopped. For cron, for a host
    /// without `serve`, and after a crash.
    Run {
        /// Run as if it were this instant (RFC 3339, for example 2026-11-24T10:05:00+01:00),
        /// the clock running on from it: rehearsals on a copy of the database, and tests.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue a bearer token for a staff account; it is printed once and only its hash is kept.
    Create {
        #[arg(long)]
        user: String,
        /// What the token is for, shown in the audit log (for example "bokningssystem").
        #[arg(long, default_value = "api")]
        name: String,
        /// Days the token is good for (1–366); issue a new one before it runs out.
        #[arg(long, default_value_t = services::auth::API_TOKEN_DAYS)]
        days: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum PrivacyCommand {
    /// Re-seal every declaration under the first key of privacy.declaration_keys (after
    /// putting a new key first); the old key can be removed afterwards.
    Reseal,
    /// Delete every declaration: the meter-exchange campaign has closed.
    PurgeDeclarations,
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Solve Solomon-format VRPTW instances (DIMACS convention) and compare with best-known values.
    Vrptw(BenchVrptwArgs),
    /// Customer search latency over the database's customers.
    Search(BenchSearchArgs),
    /// HTTP load on a running server: N concurrent logged-in users fetching pages.
    Http(BenchHttpArgs),
    /// Customer centre: availability of one site over four weeks (through the service), then
    /// bookings over HTTP against a server started in this process on a fresh SQLite database.
    Visits(BenchVisitsArgs),
    /// Credit: prepares a database of open invoices and a BgMax file paying them (time the
    /// import with `/usr/bin/time -v beredskap import bgmax …`, printed at the end), and times
    /// the nightly dunning and interest run over overdue invoices.
    Credit(BenchCreditArgs),
    /// Chat: many WebSocket connections (half customers, half agents in active chats) served
    /// in this process, and the fan-out latency of messages between the two ends of a chat.
    Chat(BenchChatArgs),
    /// Running it for real: servers on one PostgreSQL database behind HAProxy under bookings,
    /// chat and a planning run while one server at a time is killed and started again; then
    /// checks that nothing acknowledged was lost or doubled and no visit is over its cap.
    Cluster(crate::commands::bench_cluster::BenchClusterArgs),
    /// Crash safety: one server killed with SIGKILL at random points under bookings, case
    /// replies and BgMax uploads, round after round; then every acknowledged write is checked.
    Crash(crate::commands::bench_crash::BenchCrashArgs),
    /// Continuity: the coverage board and a day's cover proposal over generated staff, functions
    /// and rosters on a fresh database.
    Continuity(BenchContinuityArgs),
    /// Crisis mode: the preview of the pandemic mode for a demo town, and the time from the
    /// approval of its activation to active, on a fresh database.
    Crisis(BenchCrisisArgs),
    /// Suppliers: a payment proposal and its pain.001 files for many approved invoices on a
    /// fresh SQLite database.
    Payments(BenchPaymentsArgs),
    /// Suppliers: a register and a folder of Peppol e-invoices to time `import peppol` on.
    Peppol(BenchPeppolArgs),
    /// Community: the daily run of free broadband upgrades (start, then revert) for many
    /// business subscriptions, and a run cut off half way and run again.
    Community(BenchCommunityArgs),
    /// Community: the summer-job draw over many applications, made twice from the same seed.
    SummerDraw(BenchSummerArgs),
    /// Security: a burst of wrong-password logins for one account (how many reach the password
    /// check, /healthz meanwhile), and cancellations with a long waitlist, on a fresh database.
    Security(BenchSecurityArgs),
    /// Registers: a region's customers and meter points written as CSV and imported on a
    /// fresh database, then imported again (nothing changes).
    Registers(crate::commands::bench_registers::BenchRegistersArgs),
}

#[derive(Args, Debug)]
pub struct BenchSecurityArgs {
    /// Wrong-password logins sent at once for one account.
    #[arg(long, default_value_t = 200)]
    pub attempts: usize,
    /// People on the waitlist of the day whose visits are cancelled.
    #[arg(long, default_value_t = 1000)]
    pub waiting: usize,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works).
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Args, Debug)]
pub struct BenchChatArgs {
    /// Open WebSocket connections: half customers, half agents, one chat per pair.
    #[arg(long, default_value_t = 500)]
    pub connections: usize,
    /// How long messages are sent.
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
    /// Each connection sends one message this often (staggered over the connections).
    #[arg(long, default_value_t = 2000)]
    pub interval_ms: u64,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works, with
    /// LISTEN/NOTIFY on the path of every event).
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Args, Debug)]
pub struct BenchCreditArgs {
    /// Payments in the generated BgMax file (one per open invoice).
    #[arg(long, default_value_t = 1_000_000)]
    pub payments: usize,
    /// Overdue invoices for the timed dunning run.
    #[arg(long, default_value_t = 100_000)]
    pub overdue: usize,
    /// Folder for the databases and the file (created; reused files are replaced).
    #[arg(long, default_value = "bench-credit")]
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct BenchVisitsArgs {
    /// Availability queries to time.
    #[arg(long, default_value_t = 500)]
    pub queries: usize,
    /// Visits booked before the availability timing, so the buckets are not empty.
    #[arg(long, default_value_t = 3000)]
    pub preload: usize,
    /// Concurrent booking clients.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Database of the bench (a fresh SQLite file by default; postgres://… also works).
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Args, Debug)]
pub struct BenchSearchArgs {
    /// Number of searches.
    #[arg(long, default_value_t = 2000)]
    pub queries: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Args, Debug)]
pub struct BenchHttpArgs {
    /// Base URL of the running server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub url: String,
    /// USER:PASSWORD to log in as (each client gets its own session).
    #[arg(long, default_value = "kundtjanst:demo")]
    pub login: String,
    /// Path template; {id} is replaced by a random id from --ids.
    #[arg(long, default_value = "/kunder/{id}")]
    pub path: String,
    /// Range of ids, e.g. 1-17000.
    #[arg(long, default_value = "1-17000")]
    pub ids: String,
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

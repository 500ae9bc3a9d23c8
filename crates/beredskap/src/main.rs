//! The `beredskap` binary: CLI, configuration and start-up. See `cli.rs` for the commands.

mod cli;
mod commands;
mod config;
mod telemetry;

use std::process::ExitCode;

/// mimalloc instead of glibc malloc: the server allocates per row and per template, and glibc's
/// allocator showed up at ≈ 14 % of CPU on the customer-detail page (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = <cli::Cli as clap::Parser>::parse();
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // The whole cause chain on one line; exit 2 means "failed, nothing done".
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

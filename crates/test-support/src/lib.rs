//! Test plumbing shared by every crate's integration tests: a fresh database per test on SQLite
//! and on PostgreSQL, a pinned clock, and a [`TestApp`] that drives the router in-process (the
//! feature `app`, on by default); and, without any feature (for the pure crates' tests and
//! xtask), the one rule for what counts as CI and how a skip is reported.
//!
//! PostgreSQL comes from `BEREDSKAP_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! each test gets its own database, dropped afterwards. When PostgreSQL cannot be reached the test
//! prints a loud SKIPPED line, unless `CI=true`, where that is a failure.

use std::io::Write as _;
use std::path::PathBuf;

pub mod bank;
pub mod peppol;

#[cfg(feature = "app")]
mod app;
#[cfg(feature = "app")]
pub use app::*;

/// The environment variable naming the file every skip is appended to (set by `cargo xtask
/// test`, which counts the lines in its summary: the test harness hides a passing test's
/// output, so a skip said only on stderr would be lost).
pub const SKIP_LOG: &str = "BEREDSKAP_SKIP_LOG";

/// Whether this is CI (`CI=true` or `CI=1`), where nothing may be skipped. The one place that
/// decides it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports a skipped part of a test so nobody mistakes a skip for a pass: a SKIPPED line on
/// stderr and in the skip log (see [`SKIP_LOG`]). Panics under CI, where a skip is a failure.
pub fn skip(what: &str) {
    if in_ci() {
        panic!("{what} is required with CI=true but is not available");
    }
    let line = format!("SKIPPED: {what} (not available on this machine)");
    let _ = writeln!(std::io::stderr(), "{line}");
    if let Some(path) = std::env::var_os(SKIP_LOG) {
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = written {
            panic!("{line}, and the skip log {path:?} cannot be written: {e}");
        }
    }
}

/// `../shared/data/<rel>` beside the checkout (the real sample files CI has), or `None` after
/// a [`skip`] when it is missing.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    skip(&format!(
        "../shared/data/{rel} (the sample files beside the checkout)"
    ));
    None
}

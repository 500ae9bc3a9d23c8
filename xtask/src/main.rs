//! Repository automation: `cargo xtask test` runs the whole test suite (tidy checks, Rust tests on
//! SQLite and PostgreSQL, the README's first command on the small town, browser tests) and
//! `cargo xtask tidy` checks the architecture rules.
//!
//! Skipped parts are announced loudly; with `CI=true` nothing may be skipped.

mod source;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("tidy") => tidy().map(|()| Tally::default()),
        _ => {
            eprintln!("usage: cargo xtask test | tidy");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(t) => {
            let mut kinds: Vec<(&String, usize)> = Vec::new();
            for s in &t.skipped {
                match kinds.iter_mut().find(|(k, _)| *k == s) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((s, 1)),
                }
            }
            for (s, n) in kinds {
                println!("SKIPPED ({n}×): {s}");
            }
            println!(
                "suite: {} passed, {} failed, {} skipped, {} ignored",
                t.passed,
                t.failed,
                t.skipped.len(),
                t.ignored
            );
            if t.failed > 0 || (in_ci() && !t.skipped.is_empty()) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    /// Tests marked `#[ignore]` (or skipped by node), counted so none hides.
    ignored: u64,
    skipped: Vec<String>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

use test_support::in_ci;

/// When the suite started (the first call), for the timestamps CI's log shows.
fn started() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}

/// Runs a command, echoing its output, and counts test results in it.
fn run_counting(cmd: &mut Command, tally: &mut Tally) -> Result<bool, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting {cmd:?}: {e}"))?;
    let out = child.stdout.take().ok_or("no stdout")?;
    for line in BufReader::new(out).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            // Where CI's time goes: each test binary's end, counted from the suite's start.
            println!("xtask: [{} s]", started().elapsed().as_secs());
            // "ok. 12 passed; 0 failed; 0 ignored; ..."
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                match words.as_slice() {
                    [.., n, "passed"] => tally.passed += n.parse::<u64>().unwrap_or(0),
                    [n, "failed"] => tally.failed += n.parse::<u64>().unwrap_or(0),
                    [n, "ignored"] => tally.ignored += n.parse::<u64>().unwrap_or(0),
                    _ => {}
                }
            }
        } else if let Some(n) = line.strip_prefix("# pass ") {
            tally.passed += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(n) = line.strip_prefix("# fail ") {
            tally.failed += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(n) = line.strip_prefix("# skipped ") {
            tally.ignored += n.trim().parse::<u64>().unwrap_or(0);
        } else if line.starts_with("SKIPPED: ") {
            tally
                .skipped
                .push(line.trim_start_matches("SKIPPED: ").to_owned());
        }
    }
    Ok(child.wait().map_err(|e| e.to_string())?.success())
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn test() -> Result<Tally, String> {
    let root = root();
    let mut tally = Tally::default();
    started();
    tidy()?;
    println!("xtask: tidy checks passed");
    let pg_ok = Command::new("sh")
        .arg("-c")
        .arg("command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432")
        .status()
        .is_ok_and(|s| s.success());
    if !pg_ok {
        if in_ci() {
            return Err(
                "PostgreSQL is not reachable at 127.0.0.1:5432 and CI=true requires it".into(),
            );
        }
        tally
            .skipped
            .push("PostgreSQL halves of the store tests (no server at 127.0.0.1:5432)".into());
    }
    // A test that skips (a backend or the sample files missing) appends a line to the skip
    // log, since the harness hides a passing test's output; every line is counted. No fail-fast,
    // so one failing crate does not hide the counts of the crates after it.
    let skip_log = std::env::temp_dir().join(format!("beredskap-skips-{}.log", std::process::id()));
    std::fs::write(&skip_log, "").map_err(|e| format!("creating {}: {e}", skip_log.display()))?;
    let ok = run_counting(
        Command::new("cargo")
            .args(["test", "--workspace", "--no-fail-fast", "--color", "never"])
            .env(test_support::SKIP_LOG, &skip_log)
            .current_dir(&root),
        &mut tally,
    )?;
    let skips = std::fs::read_to_string(&skip_log)
        .map_err(|e| format!("reading {}: {e}", skip_log.display()))?;
    let _ = std::fs::remove_file(&skip_log);
    tally.skipped.extend(
        skips
            .lines()
            .filter_map(|l| l.strip_prefix("SKIPPED: "))
            .map(str::to_owned),
    );
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    // The README's first command, literally, on the small town: it builds the release binary
    // the browser tests then use, so the release build is paid once.
    println!(
        "xtask: [{} s] cargo test done",
        started().elapsed().as_secs()
    );
    let Some(bin) = readme_demo(&root, &mut tally)? else {
        return Ok(tally);
    };
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() || !have("npm") {
        if in_ci() {
            return Err(format!(
                "browser tests need {chromium} and npm, and CI=true requires them"
            ));
        }
        tally.skipped.push(format!("browser tests ({chromium} or npm missing; `apt-get install chromium` and Node.js bring them)"));
        return Ok(tally);
    }
    let e2e = root.join("e2e");
    if !e2e.join("node_modules/playwright-core").exists() {
        let s = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e)
            .status()
            .map_err(|e| e.to_string())?;
        if !s.success() {
            return Err("npm ci in e2e/ failed".into());
        }
    }
    println!(
        "xtask: [{} s] release build and demo done",
        started().elapsed().as_secs()
    );
    let ok = run_counting(
        Command::new("npm")
            .args(["test", "--silent"])
            .env("E2E_BEREDSKAP_BIN", bin)
            .current_dir(&e2e),
        &mut tally,
    )?;
    if !ok && tally.failed == 0 {
        tally.failed += 1;
    }
    Ok(tally)
}

/// Runs `cargo run --release -- demo --size small --no-serve --db <a temp file>` from the root, as
/// the README's first command (with the small town, and without serving). Counts as one test;
/// returns the release binary it built, or `None` when it failed.
fn readme_demo(root: &Path, tally: &mut Tally) -> Result<Option<PathBuf>, String> {
    let dir = std::env::temp_dir().join(format!("beredskap-readme-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let db = dir.join("beredskap-demo.sqlite");
    println!(
        "xtask: cargo run --release -- demo --size small --no-serve --db {}",
        db.display()
    );
    let status = Command::new("cargo")
        .args([
            "run",
            "--release",
            "--",
            "demo",
            "--size",
            "small",
            "--no-serve",
            "--db",
        ])
        .arg(&db)
        .current_dir(root)
        .status()
        .map_err(|e| format!("starting cargo run: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !status.success() {
        println!("xtask: FAILED: `cargo run --release -- demo` on the small town ({status})");
        tally.failed += 1;
        return Ok(None);
    }
    println!("xtask: the README's demo command works");
    tally.passed += 1;
    Ok(Some(target_dir(root)?.join("release").join("beredskap")))
}

/// Where cargo puts its builds (`CARGO_TARGET_DIR`, or the workspace's `target`).
fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".to_owned())
}

/// Architecture rules that no compiler checks (ARCHITECTURE.md, "Invariants").
fn tidy() -> Result<(), String> {
    let root = root();
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(&root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    // Which workspace crates and outside crates each crate may use (normal dependencies only).
    let allowed: &[(&str, &[&str])] = &[
        ("domain", &["jiff", "thiserror", "serde", "serde_json"]),
        ("formats", &["thiserror", "serde", "roxmltree", "jiff"]),
        ("planner", &[]),
        (
            "views",
            &[
                "domain",
                "askama",
                "jiff",
                "fluent-bundle",
                "unic-langid",
                "thiserror",
            ],
        ),
    ];
    let mut problems = Vec::new();
    for pkg in meta["packages"].as_array().into_iter().flatten() {
        let name = pkg["name"].as_str().unwrap_or_default();
        if let Some((_, ok)) = allowed.iter().find(|(n, _)| *n == name) {
            for dep in pkg["dependencies"].as_array().into_iter().flatten() {
                let dep_name = dep["name"].as_str().unwrap_or_default();
                let is_dev = dep["kind"].as_str() == Some("dev");
                if !is_dev && !ok.contains(&dep_name) {
                    problems.push(format!("crate {name} must not depend on {dep_name} (pure crates do no IO; see ARCHITECTURE.md)"));
                }
            }
        }
        if ["web", "jobs", "views"].contains(&name) {
            for dep in pkg["dependencies"].as_array().into_iter().flatten() {
                if dep["name"].as_str() == Some("sqlx") && dep["kind"].as_str() != Some("dev") {
                    problems.push(format!(
                        "crate {name} must not use sqlx: SQL lives in store"
                    ));
                }
            }
        }
    }
    // Every Rust module starts with a `//!` paragraph saying what it owns.
    for dir in ["crates", "xtask"] {
        walk(&root.join(dir), &mut |p| {
            if p.extension().is_some_and(|e| e == "rs")
                && !p
                    .components()
                    .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "target")
            {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                if !text.trim_start().starts_with("//!") {
                    problems.push(format!("{} has no //! module documentation", p.display()));
                }
            }
        });
    }
    problems.extend(source_problems(&root));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The size rules (no non-test file over 1 000 lines, no function over 120) for the crates, and
/// the banned words for every Rust file and template; test code is excepted.
fn source_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for dir in ["crates", "xtask"] {
        walk(&root.join(dir), &mut |p| {
            let rel = p.strip_prefix(root).unwrap_or(p);
            if rel
                .components()
                .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "target")
            {
                return;
            }
            let is_rust = p.extension().is_some_and(|e| e == "rs");
            let is_template = rel.starts_with("crates/views/templates");
            if !is_rust && !is_template {
                return;
            }
            let Ok(text) = std::fs::read_to_string(p) else {
                problems.push(format!("{}: cannot be read as UTF-8", rel.display()));
                return;
            };
            let found = if is_rust {
                let mut found: Vec<source::Violation> =
                    source::check_rust(&text, source::BANNED_WORDS)
                        .into_iter()
                        // The size rules hold for the product's crates; xtask is automation.
                        .filter(|v| {
                            rel.starts_with("crates")
                                || matches!(v, source::Violation::Banned { .. })
                        })
                        .collect();
                if source::PURE_CRATES.iter().any(|c| rel.starts_with(c)) {
                    found.extend(source::check_pure(&text));
                }
                found
            } else {
                source::check_template(&text, source::BANNED_WORDS)
            };
            let name = rel.display().to_string();
            problems.extend(found.iter().map(|v| v.describe(&name)));
        });
    }
    problems
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, f);
        } else {
            f(&p);
        }
    }
}

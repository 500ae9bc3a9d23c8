//! The command line, run as a user would: exit codes, one-line errors, nothing half written.
mod cluster;
mod community;
mod continuity;
mod crash;
mod crisis;
mod import;
mod logs;
mod otlp;
mod pay;
mod pg_backup;
mod plan;
mod registers;
mod restore;
mod suppliers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_beredskap"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("BEREDSKAP_")) {
        c.env_remove(k);
    }
    c.env("RUST_LOG", "warn");
    c
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("beredskap-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(c: &mut Command, dir: &Path) -> Output {
    c.current_dir(dir).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// The security key a test server signs with (`serve` requires one outside demo mode).
const TEST_KEYS: &str = "1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// `beredskap serve` on the database at `url` and a free loopback port, from `dir`, with these
/// extra environment variables (not the caller's `RUST_LOG`: the configured filter holds) and
/// its standard error as asked; returns it and its port.
fn serve_on_free_port(
    dir: &Path,
    url: &str,
    env: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = bin()
        .args([
            "serve",
            "--database-url",
            url,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("BEREDSKAP_SECURITY__KEYS", TEST_KEYS)
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    (child, port)
}

#[test]
fn an_unknown_database_scheme_is_one_line_naming_the_fix() {
    let d = temp("scheme");
    let o = run(
        bin().args(["serve", "--database-url", "mysql://root:secret@localhost/x"]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(
        e.contains("sqlite://") && e.contains("postgres://") && !e.contains("secret"),
        "{e}"
    );
}

#[test]
fn serve_never_creates_a_missing_sqlite_file() {
    let d = temp("missing");
    let o = run(
        bin().args(["serve", "--database-url", "sqlite://absent.sqlite"]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no database file") && e.contains("beredskap migrate"),
        "{e}"
    );
    assert!(!d.join("absent.sqlite").exists());
}

#[test]
fn an_invalid_configuration_value_says_which_and_exits_2() {
    let d = temp("config");
    let o = run(
        bin()
            .args(["serve"])
            .env("BEREDSKAP_HTTP__LISTEN", "everywhere"),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("http.listen"), "{}", stderr(&o));
    std::fs::write(
        d.join("beredskap.toml"),
        "[auth]\nmax_failures_per_minute = \"lots\"\n",
    )
    .unwrap();
    let o = run(bin().args(["config", "--effective"]), &d);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("max_failures_per_minute"),
        "{}",
        stderr(&o)
    );
    std::fs::write(d.join("beredskap.toml"), "[auth]\nmax_failures = 3\n").unwrap();
    let o = run(bin().args(["config", "--effective"]), &d);
    assert_eq!(o.status.code(), Some(2), "unknown keys are refused");
}

#[test]
fn config_prints_the_example_and_the_effective_tree_without_secrets() {
    let d = temp("print");
    let o = run(bin().args(["config", "--example"]), &d);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("[database]"));
    let o = run(
        bin().args([
            "config",
            "--effective",
            "--database-url",
            "postgres://app:hunter2@db:5432/beredskap",
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("postgres://app:***@db:5432/beredskap") && !out.contains("hunter2"),
        "{out}"
    );
}

#[test]
fn migrate_check_and_backup() {
    let d = temp("migrate");
    std::fs::write(d.join("empty.sqlite"), b"").unwrap();
    let url = "sqlite://empty.sqlite";
    let o = run(
        bin().args(["migrate", "--check", "--database-url", url]),
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "pending migrations: {}",
        stderr(&o)
    );
    let o = run(bin().args(["migrate", "--database-url", url]), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        bin().args(["migrate", "--check", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(0));
    let o = run(
        bin().args(["backup", "copy.sqlite", "--database-url", url]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        bin().args([
            "migrate",
            "--check",
            "--database-url",
            "sqlite://copy.sqlite",
        ]),
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "the backup is a complete database"
    );
    let o = run(
        bin().args(["backup", "copy.sqlite", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2), "never overwrites");
}

#[test]
fn demo_builds_the_small_town_then_reuses_it() {
    let d = temp("demo");
    let o = run(bin().args(["demo", "--size", "small", "--no-serve"]), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("600 customers, 700 meter points"), "{out}");
    // The campaign is under way unless --no-campaign says otherwise.
    assert!(out.contains("meter-exchange campaign: opened"), "{out}");
    assert!(
        d.join("beredskap-demo.sqlite").exists()
            && !d.join("beredskap-demo.sqlite.partial").exists()
    );
    let o = run(bin().args(["demo", "--size", "small", "--no-serve"]), &d);
    assert!(String::from_utf8_lossy(&o.stdout).contains("reusing"));
    // `serve` on the demo file works, but demo logins do not (checked in the web tests).
    let o = run(
        bin()
            .args([
                "user",
                "create",
                "--username",
                "kim",
                "--display-name",
                "Kim",
                "--role",
                "agent",
                "--database-url",
                "sqlite://beredskap-demo.sqlite",
            ])
            .env("BEREDSKAP_NEW_PASSWORD", "a long enough password"),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

//! `beredskap bench crash`: one `beredskap serve` killed with SIGKILL at a random point under a
//! mixed write load, round after round, on SQLite (default) or PostgreSQL (`--database-url`).
//!
//! Each round starts the server on the same database, and `--concurrency` clients write
//! through HTTP as staff do: bookings (`POST /api/v1/visits` with a bearer token and an
//! `Idempotency-Key`), replies to cases (the case page's form), and BgMax files uploaded on
//! the finance page (each a new file of unmatched payments). After a random time up to
//! `--max-ms` the server is killed; on SQLite the file is checked at once
//! (`PRAGMA integrity_check` and the foreign keys). At the end every acknowledged write must
//! be there, no file's payments may differ from its total, no booking key is booked twice and
//! no bucket is over the cap. Meanwhile each round's worker carries a crisis activation (the
//! pandemic mode, approved before the first round) a little further; a last run of the queue
//! after the rounds, as after any crash, must find it active with every step finished.

use std::collections::HashMap;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::ids::{CaseId, VisitId};
use domain::role::Role;
use domain::visits::VisitStatus;
use formats::bgmax::{Date as BgDate, LineEnding, Payment, PaymentKind, Timestamp, Writer};
use rand::{Rng, SeedableRng};
use tokio_util::sync::CancellationToken;

use super::bench_cluster::CAP;
use super::cluster::wait_ready;
use crate::config::Config;

#[derive(clap::Args, Debug)]
pub struct BenchCrashArgs {
    /// An empty database to use; without it, a new SQLite file in a temporary folder.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Kills.
    #[arg(long, default_value_t = 30)]
    pub rounds: u32,
    /// The longest a round writes before the kill (milliseconds); the kill falls at a random
    /// point up to it.
    #[arg(long, default_value_t = 3_000)]
    pub max_ms: u64,
    /// Clients writing at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// A write the server acknowledged.
#[derive(Debug)]
enum Acked {
    Booking { key: String, visit: VisitId },
    Reply { case: CaseId, body: String },
    Bgmax { key: String },
}

/// What the clients need: where, who and what to write to.
struct Load {
    base: String,
    token: String,
    /// Agent and finance sessions, with their CSRF tokens.
    agent: (String, String),
    finance: (String, String),
    site: domain::ids::SiteId,
    service: domain::ids::SiteServiceId,
    slots: Vec<i64>,
    cases: Vec<CaseId>,
    /// The crisis activation the servers' workers carry out while they are killed.
    activation: i64,
    acked: Mutex<Vec<Acked>>,
}

fn cookie(session: &str) -> String {
    format!("{}={session}", web::session::session_cookie_name(true))
}

/// A new BgMax file of `n` unmatched payments; `file` (below a million) makes its TK01
/// timestamp unique. Returns the timestamp as the file has it, and the file.
fn bgmax_file(file: u64, n: u64) -> anyhow::Result<(String, Vec<u8>)> {
    let created = Timestamp {
        date: BgDate::new(2026, 11, 20).context("date")?,
        hour: 5,
        minute: 30,
        second: 0,
        micros: u32::try_from(file % 1_000_000)?,
    };
    let mut w = Writer::new(&created, false, LineEnding::CrLf);
    w.open_section("9912346", None, "SEK");
    for i in 0..n {
        let reference = domain::ocr::OcrReference::generate(&format!("7{file:06}{i:03}"), true)?;
        w.payment(&Payment {
            line: 0,
            kind: PaymentKind::Payment,
            sender_bankgiro: String::new(),
            reference: reference.as_str().to_owned(),
            reference_code: 2,
            amount_ore: 10_000 + (i as i64 * 100),
            channel_code: 1,
            bgc_serial: format!("{file:06}{i:06}"),
            image_marker: false,
            deduction_code: None,
            extra_references: Vec::new(),
            informations: Vec::new(),
            payer_name: None,
            payer_address: None,
            payer_org_number: None,
        });
    }
    w.close_section(
        "99123465",
        BgDate::new(2026, 11, 20).context("date")?,
        "00001",
        None,
    );
    // The import names a file by its TK01 timestamp and receiving bankgiro.
    Ok((created.to_bgmax(), w.finish()))
}

/// A client's writes until `stop`: bookings, case replies and BgMax files at random.
async fn client(load: Arc<Load>, w: usize, round: u32, seed: u64, stop: CancellationToken) {
    let Ok(http) = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
    else {
        return;
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ ((round as u64) << 16) ^ w as u64);
    let mut n = 0u64;
    while !stop.is_cancelled() {
        n += 1;
        let tag = format!("r{round}w{w}n{n}");
        let pick = rng.random_range(0..20);
        let acked = if pick < 12 {
            let slot = load.slots[rng.random_range(0..load.slots.len())];
            let body = serde_json::json!({
                "site": load.site, "service": load.service,
                "start": domain::time::from_micros(slot).to_string(),
                "party": rng.random_range(1..=3), "name": "Krasch Kund", "phone": "0701234567",
            });
            let r = http
                .post(format!("{}/api/v1/visits", load.base))
                .bearer_auth(&load.token)
                .header("idempotency-key", &tag)
                .json(&body)
                .send()
                .await;
            match r {
                Ok(r) if r.status().is_success() => {
                    r.json::<serde_json::Value>().await.ok().and_then(|v| {
                        Some(Acked::Booking {
                            key: tag,
                            visit: VisitId::new(v["id"].as_i64()?),
                        })
                    })
                }
                _ => None,
            }
        } else if pick < 18 {
            let case = load.cases[rng.random_range(0..load.cases.len())];
            let body = format!("Svar {tag}");
            let r = http
                .post(format!("{}/arenden/{}/svar", load.base, case.get()))
                .header("cookie", cookie(&load.agent.0))
                .header("x-csrf-token", &load.agent.1)
                .form(&[("meddelande", body.as_str())])
                .send()
                .await;
            r.ok()
                .filter(|r| r.status() == reqwest::StatusCode::SEE_OTHER)
                .map(|_| Acked::Reply { case, body })
        } else {
            let file = u64::from(round) * 10_000 + (w as u64 % 10) * 1_000 + n % 1_000;
            let Ok((key, bytes)) = bgmax_file(file, 20) else {
                return;
            };
            let boundary = format!("krasch{file}");
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{key}.bgmax\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let r = http
                .post(format!("{}/ekonomi/bgmax", load.base))
                .header("cookie", cookie(&load.finance.0))
                .header("x-csrf-token", &load.finance.1)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await;
            r.ok()
                .filter(|r| r.status().is_success())
                .map(|_| Acked::Bgmax { key })
        };
        if let Some(a) = acked
            && let Ok(mut list) = load.acked.lock()
        {
            list.push(a);
        }
    }
}

/// The server on `url` at `port`, its log appended to `log`.
fn serve(
    url: &str,
    port: u16,
    keys: &str,
    log: &std::path::Path,
) -> anyhow::Result<std::process::Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    Command::new(std::env::current_exe()?)
        .args([
            "serve",
            "--database-url",
            url,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("BEREDSKAP_SECURITY__KEYS", keys)
        .env(
            "BEREDSKAP_HTTP__PUBLIC_URL",
            format!("http://127.0.0.1:{port}"),
        )
        .env("BEREDSKAP_LOG__FORMAT", "json")
        .env("BEREDSKAP_WORKER__HEARTBEAT_SECONDS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("starting the server")
}

/// A staff session made directly (its password login is not what is measured): the session
/// token and its CSRF token; a case worker is put in every case team.
pub(super) async fn staff_session(
    services: &services::Services,
    username: &str,
    role: Role,
) -> anyhow::Result<(String, String)> {
    let uid = services
        .accounts()
        .create_user(username, username, role, None, "krasch-lösenord-123", false)
        .await?;
    let (token, csrf) = (services::auth::new_token(), services::auth::new_token());
    let mut tx = services.store().begin().await?;
    store::sessions::insert(
        &mut tx,
        &services::auth::token_hash(&token),
        uid,
        &csrf,
        false,
        services.now_micros(),
    )
    .await?;
    if matches!(role, Role::Agent | Role::CreditOfficer) {
        for team in store::cases::teams(services.store()).await? {
            store::cases::add_member(&mut tx, uid, team).await?;
        }
    }
    tx.commit().await?;
    Ok((token, csrf))
}

/// The pandemic mode proposed by one continuity manager and approved by another, starting now:
/// the servers' workers carry out its activation (every capability moved, every customer told)
/// while they are being killed.
async fn approved_activation(services: &services::Services) -> anyhow::Result<i64> {
    let (proposer, approver) = super::bench_crisis::managers(services).await?;
    let crisis = services.crisis();
    let mode = crisis
        .create(
            &proposer,
            "Pandemi",
            "",
            services::modes::NewMode::Preset(domain::policy::Preset::Pandemic),
        )
        .await?;
    let id = crisis
        .propose(
            &proposer,
            mode,
            None,
            services.now(),
            None,
            "Övning under krascher",
        )
        .await?;
    crisis.approve(&approver, id).await?;
    Ok(id)
}

/// The demo town, a site with a small cap, an agent with an API token and a session, a finance
/// officer's session, the demo's cases, and an approved crisis activation.
async fn set_up(services: &services::Services, base: String) -> anyhow::Result<Load> {
    services
        .generate_demo(services::demo::DemoSize::Small, 7, &services::demo::Quiet)
        .await?;
    let (site, service, slots) = super::bench_cluster::site(services, 400).await?;
    let agent = staff_session(services, "kraschagent", Role::Agent).await?;
    let token = services
        .accounts()
        .create_api_token("kraschagent", "bench")
        .await?;
    let finance = staff_session(services, "kraschekonomi", Role::Finance).await?;
    let mut cases = Vec::new();
    for id in 1..=200 {
        let id = CaseId::new(id);
        if store::cases::get(services.store(), id).await?.is_some() {
            cases.push(id);
        }
    }
    anyhow::ensure!(!cases.is_empty(), "the demo town has no cases");
    let activation = approved_activation(services).await?;
    Ok(Load {
        base,
        token,
        agent,
        finance,
        site,
        service,
        slots,
        cases,
        activation,
        acked: Mutex::new(Vec::new()),
    })
}

pub async fn run(config: &Config, args: &BenchCrashArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("beredskap-bench-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.sqlite").display()));
    let keys = super::cluster::new_security_keys();
    let mut config = config.clone();
    config.security.keys = keys.clone();
    // A killed worker's job is taken over after six missed beats: 6 s here, not 90.
    config.worker.heartbeat_seconds = 1;
    let services = super::bench::fresh_services(&config, Some(&url), &dir).await?;
    if store::customers::count(services.store()).await? > 0 {
        bail!("bench crash needs an empty database");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let load = Arc::new(set_up(&services, format!("http://127.0.0.1:{port}")).await?);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(args.seed);
    let (mut integrity, started) = (Vec::new(), Instant::now());
    for round in 0..args.rounds {
        let mut server = serve(&url, port, &keys, &dir.join("server.log"))?;
        if !wait_ready(port, Duration::from_secs(60)).await {
            let _ = server.kill();
            bail!(
                "round {round}: the server was not ready within 60 s (see {})",
                dir.join("server.log").display()
            );
        }
        let stop = CancellationToken::new();
        let clients: Vec<_> = (0..args.concurrency)
            .map(|w| tokio::spawn(client(load.clone(), w, round, args.seed, stop.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(
            rng.random_range(100..=args.max_ms.max(101)),
        ))
        .await;
        server.kill()?; // SIGKILL
        server.wait()?;
        stop.cancel();
        for c in clients {
            c.await?;
        }
        for p in services.store().integrity_problems().await? {
            integrity.push(format!("round {round}: {p}"));
        }
    }
    let acked = std::mem::take(
        &mut *load
            .acked
            .lock()
            .map_err(|_| anyhow::anyhow!("a client panicked"))?,
    );
    // The worker comes back once more, as after any crash: jobs whose worker died are queued
    // again once their claims are stale, and the queue is run empty (the activation ends).
    tokio::time::sleep(services.worker_silent_limit() + Duration::from_secs(1)).await;
    jobs::requeue_orphans(&services).await?;
    let transports = services::outbox::Transports::from_settings(&services.settings().mail)?;
    jobs::run_pending(&services, &transports).await?;
    let found = check(&services, &load, &acked).await?;
    let count = |f: fn(&Acked) -> bool| acked.iter().filter(|a| f(a)).count();
    let result = serde_json::json!({
        "database": format!("{:?}", services.store().backend()),
        "rounds": args.rounds, "max_ms": args.max_ms, "concurrency": args.concurrency,
        "seconds": started.elapsed().as_secs_f64(),
        "acknowledged": {
            "bookings": count(|a| matches!(a, Acked::Booking { .. })),
            "case_replies": count(|a| matches!(a, Acked::Reply { .. })),
            "bgmax_files": count(|a| matches!(a, Acked::Bgmax { .. })),
        },
        "integrity_problems": integrity,
        "found": found,
    });
    println!("{result}");
    services.store().close().await;
    let ok = integrity.is_empty() && found["violations"].as_u64() == Some(0);
    if ok && args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Every acknowledged write against the database, and the invariants.
async fn check(
    services: &services::Services,
    load: &Load,
    acked: &[Acked],
) -> anyhow::Result<serde_json::Value> {
    let store = services.store();
    let (files, out_of_balance) = store::credit::file_balances(store).await?;
    let mut replies: HashMap<CaseId, Vec<String>> = HashMap::new();
    let (mut lost_bookings, mut lost_replies, mut lost_files) = (0, 0, 0);
    for a in acked {
        match a {
            Acked::Booking { key, visit } => {
                let kept = store::visits::visit(store, *visit).await?.is_some_and(|v| {
                    v.status == VisitStatus::Booked
                        && v.idempotency_key
                            .is_some_and(|k| k.ends_with(&format!(":{key}")))
                });
                lost_bookings += usize::from(!kept);
            }
            Acked::Reply { case, body } => {
                if !replies.contains_key(case) {
                    let e = store::cases::entries(store, *case, true).await?;
                    replies.insert(*case, e.into_iter().map(|e| e.body).collect());
                }
                let n = replies[case].iter().filter(|b| *b == body).count();
                lost_replies += usize::from(n != 1);
            }
            Acked::Bgmax { key } => {
                lost_files += usize::from(!files.iter().any(|f| f.starts_with(key.as_str())))
            }
        }
    }
    let from = load.slots.iter().min().copied().unwrap_or(0);
    let to = load.slots.iter().max().copied().unwrap_or(0) + 86_400_000_000;
    let held = store::visits::site_visits(store, load.site, from, to, VisitStatus::HOLDING).await?;
    let mut per_key: HashMap<&str, usize> = HashMap::new();
    for v in &held {
        if let Some(k) = v.idempotency_key.as_deref() {
            *per_key.entry(k).or_default() += 1;
        }
    }
    let doubled = per_key.values().filter(|&&n| n > 1).count();
    // The cap in force is the bench's until the activation puts the pandemic mode's in force.
    let pandemic = match domain::policy::PolicyBody::preset(
        domain::policy::Capability::Visits,
        domain::policy::Preset::Pandemic,
    ) {
        domain::policy::PolicyBody::Visits(v) => v.max_present_per_site,
        _ => CAP,
    };
    let cap = i64::from(CAP.max(pandemic));
    let over_cap = store::visits::load(store, load.site, from, to)
        .await?
        .iter()
        .filter(|(_, present, _)| *present > cap)
        .count();
    let activation = store::modes::activation(store, load.activation).await?;
    let active = activation.is_some_and(|a| a.status == domain::modes::ActivationStatus::Active);
    let steps = store::modes::steps(store, load.activation).await?;
    let unfinished = steps.iter().filter(|s| s.done_at.is_none()).count();
    let violations = lost_bookings
        + lost_replies
        + lost_files
        + out_of_balance.len()
        + doubled
        + over_cap
        + usize::from(!active)
        + unfinished;
    Ok(serde_json::json!({
        "lost_bookings": lost_bookings, "lost_case_replies": lost_replies, "lost_bgmax_files": lost_files,
        "bgmax_files": files.len(), "files_out_of_balance": out_of_balance.len(),
        "doubled_bookings": doubled, "buckets_over_cap": over_cap,
        "activation_active": active, "activation_steps": steps.len(), "activation_steps_unfinished": unfinished,
        "violations": violations,
    }))
}

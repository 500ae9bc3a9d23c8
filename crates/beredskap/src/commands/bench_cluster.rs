//! `beredskap bench cluster`: several servers on one PostgreSQL database behind HAProxy, under
//! bookings, chat and a planning run, while one server at a time is killed with SIGKILL or
//! restarted with SIGTERM (by turns) and started again; then every server is stopped with
//! SIGTERM and the database is checked.
//!
//! - Bookings: `--concurrency` clients post `POST /api/v1/visits` through the load balancer with
//!   a bearer token and an `Idempotency-Key`, over a few slots of a site with a small cap, so
//!   the cap is reached and refusals are common. A request that fails (its server died under
//!   it) is sent again with the same key, as a careful client does; an answer 200 or 201 is an
//!   acknowledged booking.
//! - Chat: `--chats` customers in active chats send one message at a time over their WebSocket
//!   and take the echo as its acknowledgement; a dropped socket reconnects through the load
//!   balancer, and an unacknowledged message is not sent again. The agents' sockets listen.
//! - A planning run started from the planner's page (the form's POST with the session's CSRF
//!   token); the first kill aims at the server planning, so another must take the run over.
//!
//! Checked afterwards in the database: every acknowledged booking is there once, no bucket is
//! over the cap or out of step with its visits, every acknowledged chat message is there
//! exactly once and none twice, the planning run finished, no job is left claimed and none
//! failed, and every server stopped cleanly on SIGTERM.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::ids::{SiteId, SiteServiceId, VisitId};
use domain::policy::{PolicyBody, VisitsPolicy};
use domain::role::Role;
use domain::visits::VisitStatus;
use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use services::visits::NewSite;
use services::{Actor, OffsetClock, Services, SystemClock};
use store::{ConnectOptions, Store};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};
use tokio_util::sync::CancellationToken;

use super::bench::percentile;
use super::cluster::{self, Cluster};
use crate::config::Config;

#[derive(clap::Args, Debug)]
pub struct BenchClusterArgs {
    /// An empty PostgreSQL database the servers share (postgres://…).
    #[arg(long)]
    pub database_url: String,
    /// Application servers behind the load balancer.
    #[arg(long, default_value_t = 3)]
    pub servers: usize,
    /// How long the load runs.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Kill one server with SIGKILL every this many seconds, in turn, and start it again a
    /// second later; the first kill (a quarter into the first interval) waits for a server to
    /// be planning and kills that one. 0 kills none.
    #[arg(long, default_value_t = 10)]
    pub kill_every: u64,
    /// Every other stop a graceful restart instead: SIGTERM, as an upgrade does it, and the
    /// server started again once it has exited.
    #[arg(long)]
    pub graceful_restarts: bool,
    /// Booking clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Customers chatting, each with an agent.
    #[arg(long, default_value_t = 10)]
    pub chats: usize,
    /// Slots the bookings go to (few: most bookings meet the cap and are refused; many: the
    /// bookings per second of a site with room).
    #[arg(long, default_value_t = 1000)]
    pub slots: usize,
    /// The planning run's search time (`worker.plan_seconds` of the servers).
    #[arg(long, default_value_t = 5)]
    pub plan_seconds: u64,
    /// The HAProxy program.
    #[arg(long, default_value = "haproxy")]
    pub haproxy: String,
}

/// People present at once at the bench's site: small, so bookings meet the cap.
pub(super) const CAP: u32 = 6;

/// How many times a client sends a booking whose answer it did not get.
const ATTEMPTS: u32 = 4;

/// What the set-up made.
struct Setup {
    services: Services,
    site: SiteId,
    service: SiteServiceId,
    slots: Vec<i64>,
    token: String,
    /// The planner's session and its CSRF token.
    planner: (String, String),
    /// Each chat's customer and agent session tokens, and the chat.
    chats: Vec<(String, String, i64)>,
}

pub(super) fn admin() -> Actor {
    Actor {
        role: Some(Role::Admin),
        name: "bench".into(),
        ..Actor::system()
    }
}

/// A demo town with the campaign open and three crews, a site with a small cap, an agent with
/// an API token, a planner's session, and chats in progress.
async fn set_up(config: &Config, url: &str, args: &BenchClusterArgs) -> anyhow::Result<Setup> {
    let store = Store::connect(
        url,
        &ConnectOptions {
            max_connections: 8,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("opening {}", store::backend::redact_url(url)))?;
    if store.backend() != store::Backend::Postgres {
        bail!("bench cluster runs several servers on one database: give a postgres:// URL");
    }
    store.migrate().await?;
    if store::customers::count(&store).await? > 0 {
        bail!("bench cluster needs an empty database: create one (createdb) and name it");
    }
    let services = Services::new(
        store.clone(),
        Arc::new(SystemClock),
        config.service_settings(false),
    );
    services
        .generate_demo(services::demo::DemoSize::Small, 7, &services::demo::Quiet)
        .await?;
    let planner = Actor {
        role: Some(Role::Planner),
        name: "bench".into(),
        ..Actor::system()
    };
    let campaign = services.campaign();
    campaign
        .open(&planner, "Mätarbyte", services.today())
        .await?;
    for n in 1..=3 {
        campaign
            .add_crew(
                &planner,
                &services::campaign::CrewForm {
                    name: format!("Lag {n}"),
                    supplier_id: None,
                    skills: vec!["ct".into()],
                    depot: None,
                    shift_start_min: 7 * 60,
                    shift_end_min: 16 * 60,
                },
            )
            .await?;
    }
    let (site, service, slots) = site(&services, args.slots).await?;
    let accounts = services.accounts();
    accounts
        .create_user(
            "klusteragent",
            "Klusteragent",
            Role::Agent,
            None,
            "kluster-lösenord-123",
            false,
        )
        .await?;
    let token = accounts.create_api_token("klusteragent", "bench").await?;
    let planner_session =
        super::bench_crash::staff_session(&services, "klusterplanerare", Role::Planner).await?;
    // Chats are started on a Tuesday morning (the chat takes new ones in opening hours only);
    // messages in a chat under way go on at any hour.
    let tuesday = Services::new(
        store.clone(),
        Arc::new(OffsetClock::starting_at("2026-11-24T09:00:00Z".parse()?)),
        config.service_settings(false),
    );
    let (customers, agents) =
        super::bench_chat::people(&store, services.now_micros(), args.chats, "kl").await?;
    let chat_ids = super::bench_chat::pair_up(&tuesday, &customers, &agents).await?;
    let chats = customers
        .into_iter()
        .zip(agents)
        .zip(chat_ids)
        .map(|(((_, c), (_, a)), id)| (c, a, id))
        .collect();
    Ok(Setup {
        services,
        site,
        service,
        slots,
        token,
        planner: planner_session,
        chats,
    })
}

/// A site open on weekdays with four desks and a cap of [`CAP`]; its first `n` slots.
pub(super) async fn site(
    services: &Services,
    n: usize,
) -> anyhow::Result<(SiteId, SiteServiceId, Vec<i64>)> {
    let visits = services.visits();
    let site = visits
        .create_site(
            &admin(),
            &NewSite {
                name: "Klustercenter".into(),
                street: "Provgatan 1".into(),
                postal_code: "691 31".into(),
                city: "Karlskoga".into(),
                desks: 4,
            },
        )
        .await?;
    visits.set_up_standard_site(&admin(), site).await?;
    visits
        .update_site_settings(
            &admin(),
            site,
            &services::visits::SiteSettings {
                phone: "0586-610 00",
                desks: 4,
                lead_minutes: 60,
                horizon_days: 90,
                slot_step_minutes: 15,
                closed_on_holidays: true,
            },
        )
        .await?;
    services
        .policies()
        .set(
            &admin(),
            &PolicyBody::Visits(VisitsPolicy {
                walk_in: false,
                booking_required: true,
                max_present_per_site: CAP,
            }),
            services.now(),
            None,
            "bench",
        )
        .await?;
    let service = visits.site_view(site).await?.services[0].id;
    let today = services.today();
    let (_, slots) = visits
        .availability(
            site,
            service,
            today,
            today.saturating_add(jiff::Span::new().days(89)),
            1,
        )
        .await?;
    let slots: Vec<i64> = slots.iter().skip(4).take(n).map(|s| s.start).collect();
    anyhow::ensure!(!slots.is_empty(), "the bench site offers no slots");
    Ok((site, service, slots))
}

/// An acknowledged booking: its key, the visit and when the client had the answer.
struct Acked {
    key: String,
    visit: VisitId,
}

/// A booking attempt that got no answer or a server error: when it began and ended (seconds
/// into the run) and which server HAProxy says gave the answer (`x-served-by`).
struct AttemptError {
    began: f64,
    ended: f64,
    server: Option<String>,
    /// The answer's status; `None` when no answer came.
    status: Option<u16>,
}

#[derive(Default)]
struct BookingTally {
    acked: Vec<Acked>,
    /// Milliseconds from the first attempt to the answer (201, 200 or 409).
    latencies: Vec<f64>,
    full: u64,
    /// Attempts that got no answer or a server error.
    attempt_errors: Vec<AttemptError>,
    /// Bookings given up after [`ATTEMPTS`].
    given_up: u64,
}

/// One booking client until `until`.
async fn book(
    lb: String,
    setup: Arc<(SiteId, SiteServiceId, Vec<i64>, String)>,
    w: usize,
    start: Instant,
    until: Instant,
) -> anyhow::Result<BookingTally> {
    let (site, service, slots, token) = &*setup;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w as u64);
    let mut t = BookingTally::default();
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        let key = format!("w{w}-{n}");
        let start_at = slots[rng.random_range(0..slots.len())];
        let body = serde_json::json!({
            "site": site, "service": service,
            "start": domain::time::from_micros(start_at).to_string(),
            "party": rng.random_range(1..=3), "name": "Kluster Kund",
            "phone": format!("07{w:03}{n:07}"),
        });
        let began = Instant::now();
        let mut done = false;
        for _ in 0..ATTEMPTS {
            let attempt_began = start.elapsed().as_secs_f64();
            let r = client
                .post(format!("{lb}/api/v1/visits"))
                .bearer_auth(token)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
                .await;
            match r {
                Ok(r) if r.status().is_success() => {
                    let v: serde_json::Value = r.json().await?;
                    let id = v["id"].as_i64().context("a booking without an id")?;
                    t.latencies.push(began.elapsed().as_secs_f64() * 1000.0);
                    t.acked.push(Acked {
                        key: key.clone(),
                        visit: VisitId::new(id),
                    });
                    done = true;
                    break;
                }
                Ok(r) if r.status() == reqwest::StatusCode::CONFLICT => {
                    t.latencies.push(began.elapsed().as_secs_f64() * 1000.0);
                    t.full += 1;
                    done = true;
                    break;
                }
                Ok(r) if r.status().is_client_error() => {
                    bail!("booking refused: {} {}", r.status(), r.text().await?)
                }
                r => {
                    t.attempt_errors.push(AttemptError {
                        began: attempt_began,
                        ended: start.elapsed().as_secs_f64(),
                        status: r.as_ref().ok().map(|r| r.status().as_u16()),
                        server: r.ok().and_then(|r| {
                            Some(r.headers().get("x-served-by")?.to_str().ok()?.to_owned())
                        }),
                    });
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        if !done {
            t.given_up += 1;
        }
    }
    Ok(t)
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a socket through the load balancer, trying again until `stop`.
async fn connect(
    lb_port: u16,
    path: &str,
    cookie: &str,
    stop: &CancellationToken,
) -> Option<Socket> {
    while !stop.is_cancelled() {
        let Ok(mut req) = format!("ws://127.0.0.1:{lb_port}{path}").into_client_request() else {
            return None;
        };
        let headers = req.headers_mut();
        headers.insert("cookie", cookie.parse().ok()?);
        headers.insert(
            "origin",
            format!("http://127.0.0.1:{lb_port}").parse().ok()?,
        );
        if let Ok(Ok((ws, _))) = tokio::time::timeout(
            Duration::from_secs(5),
            tokio_tungstenite::connect_async(req),
        )
        .await
        {
            return Some(ws);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    None
}

#[derive(Default)]
struct ChatTally {
    sent: Vec<String>,
    acked: Vec<String>,
    reconnects: u64,
    /// Close frames with 1012 (service restart) the sockets were sent.
    restart_hints: u64,
}

/// A customer sending one message at a time until `until` (and listening until `stop`).
async fn customer(
    lb_port: u16,
    cookie: String,
    k: usize,
    until: Instant,
    stop: CancellationToken,
) -> ChatTally {
    let mut t = ChatTally::default();
    let mut n = 0;
    'socket: while !stop.is_cancelled() {
        let Some(ws) = connect(lb_port, "/mina-sidor/chatt/ws", &cookie, &stop).await else {
            break;
        };
        t.reconnects += 1;
        let (mut write, mut read) = ws.split();
        loop {
            let body = (Instant::now() < until).then(|| {
                n += 1;
                format!("k{k}:{n}")
            });
            if let Some(b) = &body {
                let frame = serde_json::json!({"type": "send", "body": b});
                t.sent.push(b.clone());
                if write
                    .send(tungstenite::Message::Text(frame.to_string().into()))
                    .await
                    .is_err()
                {
                    continue 'socket;
                }
            }
            // The echo acknowledges the message; the chat allows one a second.
            let wait = tokio::time::sleep(Duration::from_millis(1_100));
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = &mut wait => break,
                    () = stop.cancelled() => break 'socket,
                    m = read.next() => match m {
                        Some(Ok(tungstenite::Message::Text(f))) => {
                            let f: serde_json::Value = serde_json::from_str(f.as_str()).unwrap_or_default();
                            if f["type"] == "message" && body.as_deref().is_some_and(|b| f["body"] == b) {
                                t.acked.extend(body.clone());
                            }
                        }
                        Some(Ok(tungstenite::Message::Close(Some(c)))) => {
                            if u16::from(c.code) == web::chat::SERVICE_RESTART {
                                t.restart_hints += 1;
                            }
                            continue 'socket;
                        }
                        Some(Ok(_)) => {}
                        _ => continue 'socket,
                    }
                }
            }
        }
    }
    t.reconnects = t.reconnects.saturating_sub(1);
    t
}

/// An agent's socket, listening until `stop`: the 1012 close frames it is sent.
async fn agent(lb_port: u16, cookie: String, stop: CancellationToken) -> u64 {
    let mut hints = 0;
    while let Some(mut ws) = connect(lb_port, "/chatt/ws", &cookie, &stop).await {
        loop {
            tokio::select! {
                () = stop.cancelled() => return hints,
                m = ws.next() => match m {
                    Some(Ok(tungstenite::Message::Close(Some(c)))) => {
                        hints += u64::from(u16::from(c.code) == web::chat::SERVICE_RESTART);
                        break;
                    }
                    Some(Ok(_)) => {}
                    _ => break,
                }
            }
        }
    }
    hints
}

/// Starts a planning run as the planner's page does: the form's POST with the session's CSRF
/// token, through the load balancer.
async fn start_plan(lb: &str, (session, csrf): &(String, String)) -> anyhow::Result<()> {
    let cookie = format!("{}={session}", web::session::session_cookie_name(true));
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{lb}/kampanj/planera"))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .form(&[("weeks", "1")])
        .send()
        .await?;
    if r.status() != reqwest::StatusCode::SEE_OTHER {
        let status = r.status();
        let page = r.text().await.unwrap_or_default();
        let title = page
            .split_once("<title>")
            .and_then(|(_, t)| t.split_once("</title>"))
            .map_or("", |(t, _)| t);
        bail!("starting the planning run answered {status}: {title}");
    }
    Ok(())
}

/// Whether the planner's page says a run is going on (`None`: no answer).
async fn plan_running(lb: &str, (session, _): &(String, String)) -> Option<bool> {
    let cookie = format!("{}={session}", web::session::session_cookie_name(true));
    let r = reqwest::Client::new()
        .get(format!("{lb}/kampanj/planering.json"))
        .header("cookie", cookie)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    let v: serde_json::Value = r.json().await.ok()?;
    v["running"].as_bool()
}

/// The server whose worker holds the planning run's job, if one does.
async fn planning_server(store: &Store, cluster: &Cluster) -> Option<usize> {
    let claims = store::jobs::running_claims(store).await.ok()?;
    let pid = claims
        .iter()
        .find(|(_, kind, _)| kind == services::campaign::PLAN_RUN_JOB)
        .and_then(|(_, _, by)| by.as_deref()?.rsplit(':').next()?.parse::<u32>().ok())?;
    (0..cluster.len()).find(|&i| cluster.pid(i) == Some(pid))
}

/// A kill: when (seconds into the run), which server, and whether it was planning.
struct Kill {
    at: f64,
    server: usize,
    planning: bool,
    /// A graceful restart (SIGTERM) instead of SIGKILL: whether the server then exited 0.
    terminated: Option<bool>,
    /// API requests in flight on the server just before the signal, as HAProxy counted them.
    in_flight: Option<u32>,
}

/// Stops a server every `--kill-every` seconds until `until`, in turn: with SIGKILL, or with
/// `--graceful-restarts` by turns SIGKILL and SIGTERM; the first kill is aimed at the planning
/// server. None falls in the last second, so every server is up at the end. Follows the
/// planning run meanwhile. Returns the stops and when the run finished.
async fn kill_rounds(
    cluster: &mut Cluster,
    setup: &Setup,
    args: &BenchClusterArgs,
    lb: &str,
    start: Instant,
    until: Instant,
) -> anyhow::Result<(Vec<Kill>, Option<f64>)> {
    let mut kills = Vec::new();
    let every = Duration::from_secs(args.kill_every);
    let mut next_kill = (args.kill_every > 0).then(|| start + every / 4);
    let (mut turn, mut plan_done) = (0, None);
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if plan_done.is_none() && plan_running(lb, &setup.planner).await == Some(false) {
            plan_done = Some(start.elapsed().as_secs_f64());
        }
        let Some(at) =
            next_kill.filter(|t| Instant::now() >= *t && *t + Duration::from_secs(1) < until)
        else {
            continue;
        };
        let planning = planning_server(setup.services.store(), cluster).await;
        // The first kill waits (up to an interval) for a server to be planning, and kills it.
        if kills.is_empty() && planning.is_none() && plan_done.is_none() && at.elapsed() < every {
            continue;
        }
        let server = match planning {
            Some(p) if kills.is_empty() => p,
            _ => turn % cluster.len(),
        };
        let in_flight = cluster.in_flight(server);
        let at_s = start.elapsed().as_secs_f64();
        let terminated = if args.graceful_restarts && kills.len() % 2 == 1 {
            Some(cluster.stop(server, Duration::from_secs(30)).await)
        } else {
            cluster.kill(server)?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            None
        };
        kills.push(Kill {
            at: at_s,
            server,
            planning: planning == Some(server),
            terminated,
            in_flight,
        });
        cluster.restart(server)?;
        turn = server + 1;
        next_kill = Some(at + every);
    }
    Ok((kills, plan_done))
}

/// The clients of a run: booking clients until the end of the load, chat sockets until `stop`.
struct Clients {
    bookers: Vec<tokio::task::JoinHandle<anyhow::Result<BookingTally>>>,
    customers: Vec<tokio::task::JoinHandle<ChatTally>>,
    agents: Vec<tokio::task::JoinHandle<u64>>,
    stop: CancellationToken,
}

impl Clients {
    fn spawn(
        setup: &Setup,
        args: &BenchClusterArgs,
        lb_port: u16,
        start: Instant,
        until: Instant,
    ) -> Clients {
        let lb = format!("http://127.0.0.1:{lb_port}");
        let stop = CancellationToken::new();
        let shared = Arc::new((
            setup.site,
            setup.service,
            setup.slots.clone(),
            setup.token.clone(),
        ));
        let cookie = |t: &str| format!("{}={t}", web::session::session_cookie_name(true));
        Clients {
            bookers: (0..args.concurrency)
                .map(|w| tokio::spawn(book(lb.clone(), shared.clone(), w, start, until)))
                .collect(),
            customers: setup
                .chats
                .iter()
                .enumerate()
                .map(|(k, (c, _, _))| {
                    tokio::spawn(customer(lb_port, cookie(c), k, until, stop.clone()))
                })
                .collect(),
            agents: setup
                .chats
                .iter()
                .map(|(_, a, _)| tokio::spawn(agent(lb_port, cookie(a), stop.clone())))
                .collect(),
            stop,
        }
    }

    /// The booking clients' tallies, once their load has ended.
    async fn bookings(&mut self) -> anyhow::Result<BookingTally> {
        let mut all = BookingTally::default();
        for b in self.bookers.drain(..) {
            let t = b.await??;
            all.acked.extend(t.acked);
            all.latencies.extend(t.latencies);
            all.full += t.full;
            all.attempt_errors.extend(t.attempt_errors);
            all.given_up += t.given_up;
        }
        all.latencies.sort_by(f64::total_cmp);
        Ok(all)
    }

    /// Stops the chat sockets and gathers what they saw.
    async fn chats(self) -> anyhow::Result<ChatTally> {
        self.stop.cancel();
        let mut all = ChatTally::default();
        for c in self.customers {
            let t = c.await?;
            all.sent.extend(t.sent);
            all.acked.extend(t.acked);
            all.reconnects += t.reconnects;
            all.restart_hints += t.restart_hints;
        }
        for a in self.agents {
            all.restart_hints += a.await?;
        }
        Ok(all)
    }
}

/// Waits (up to two minutes past the search time) for the planning run to finish: a run taken
/// over after a kill begins again once the dead server's claim goes stale.
async fn plan_finished(
    lb: &str,
    setup: &Setup,
    args: &BenchClusterArgs,
    start: Instant,
) -> Option<f64> {
    let until = Instant::now() + Duration::from_secs(120 + args.plan_seconds);
    while Instant::now() < until {
        if plan_running(lb, &setup.planner).await == Some(false) {
            return Some(start.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    None
}

pub async fn run(config: &Config, args: &BenchClusterArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.servers >= 2, "--servers: at least 2");
    anyhow::ensure!(
        args.concurrency >= 1 && args.chats >= 1 && args.slots >= 1,
        "--concurrency, --chats and --slots: at least 1"
    );
    let dir = std::env::temp_dir().join(format!("beredskap-bench-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let key = super::cluster::new_security_keys();
    let mut config = config.clone();
    config.security.keys = key.clone();
    let setup = set_up(&config, &args.database_url, args).await?;
    let env = vec![
        ("BEREDSKAP_SECURITY__KEYS".to_owned(), key),
        (
            "BEREDSKAP_WORKER__HEARTBEAT_SECONDS".to_owned(),
            "1".to_owned(),
        ),
        (
            "BEREDSKAP_WORKER__PLAN_SECONDS".to_owned(),
            args.plan_seconds.to_string(),
        ),
        ("BEREDSKAP_LOG__FORMAT".to_owned(), "json".to_owned()),
        ("RUST_LOG".to_owned(), "warn".to_owned()),
    ];
    let mut cluster =
        Cluster::start(&dir, &args.database_url, args.servers, &args.haproxy, env).await?;
    let lb = format!("http://127.0.0.1:{}", cluster.lb_port);
    start_plan(&lb, &setup.planner).await?;

    let start = Instant::now();
    let until = start + Duration::from_secs(args.seconds);
    let mut clients = Clients::spawn(&setup, args, cluster.lb_port, start, until);
    let (kills, plan_done) = kill_rounds(&mut cluster, &setup, args, &lb, start, until).await?;
    let bookings = clients.bookings().await?;
    let plan_done = match plan_done {
        Some(t) => Some(t),
        None => plan_finished(&lb, &setup, args, start).await,
    };
    // Every server stopped as systemd stops it, once up, with the chat sockets still open.
    cluster.wait_all_ready(Duration::from_secs(60)).await;
    let stopped = cluster.terminate(Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let chats = clients.chats().await?;
    let starts = cluster.starts();
    drop(cluster);

    let found = check(&setup, &bookings, &chats).await?;
    let clean_stops = stopped
        .iter()
        .filter(|s| s.is_some_and(|s| s.success()))
        .count();
    let result = report(
        args,
        &kills,
        &bookings,
        &chats,
        serde_json::json!({
            "server_starts": starts, "plan_run_finished_at_s": plan_done,
            "clean_sigterm_stops": clean_stops, "found": found, "logs": dir.display().to_string(),
        }),
    );
    println!("{result}");
    let ok = found["violations"].as_u64() == Some(0)
        && plan_done.is_some()
        && clean_stops == args.servers
        && bookings.given_up == 0;
    if ok {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The run's figures as one JSON object, `more` merged in.
fn report(
    args: &BenchClusterArgs,
    kills: &[Kill],
    bookings: &BookingTally,
    chats: &ChatTally,
    more: serde_json::Value,
) -> serde_json::Value {
    let per_kill: Vec<serde_json::Value> = kills
        .iter()
        .map(|k| {
            let window: Vec<&AttemptError> = bookings
                .attempt_errors
                .iter()
                .filter(|e| e.ended >= k.at && e.ended < k.at + 3.0)
                .collect();
            // In flight on the stopped server when the signal went: began before it, and the
            // answer (HAProxy's error) names that server.
            let name = cluster::server_name(k.server);
            let on_server = window
                .iter()
                .filter(|e| e.began <= k.at && e.server.as_deref() == Some(name.as_str()))
                .count();
            serde_json::json!({
                "errors": window.len(), "in_flight_on_server": k.in_flight,
                "errors_of_requests_on_server": on_server, "errors_elsewhere": window.len() - on_server,
                "within_in_flight": k.in_flight.map(|n| window.len() <= n as usize),
            })
        })
        .collect();
    let mut result = serde_json::json!({
        "servers": args.servers, "seconds": args.seconds, "kill_every": args.kill_every,
        "concurrency": args.concurrency, "chats": args.chats,
        "kills": kills.iter().map(|k| serde_json::json!({
            "at_s": (k.at * 10.0).round() / 10.0, "server": k.server, "planning": k.planning,
            "signal": if k.terminated.is_some() { "TERM" } else { "KILL" }, "clean_exit": k.terminated,
        })).collect::<Vec<_>>(),
        "bookings": {
            "acknowledged": bookings.acked.len(), "full_409": bookings.full,
            "bookings_per_s": bookings.acked.len() as f64 / args.seconds.max(1) as f64,
            "answers_per_s": bookings.latencies.len() as f64 / args.seconds.max(1) as f64,
            "attempt_errors_at_s": bookings.attempt_errors.iter().map(|e| (e.ended * 10.0).round() / 10.0).collect::<Vec<_>>(),
            "attempt_errors_seen": bookings.attempt_errors.iter().map(|e| format!("{} {}", e.status.map_or("none".to_owned(), |s| s.to_string()), e.server.as_deref().unwrap_or("-"))).collect::<Vec<_>>(),
            "p50_ms": percentile(&bookings.latencies, 50.0), "p99_ms": percentile(&bookings.latencies, 99.0),
            "max_ms": bookings.latencies.last().copied().unwrap_or(0.0),
            "attempt_errors": bookings.attempt_errors.len(), "attempt_errors_per_kill": per_kill,
            "given_up": bookings.given_up,
        },
        "chat": {"sent": chats.sent.len(), "acknowledged": chats.acked.len(), "reconnects": chats.reconnects, "restart_hints": chats.restart_hints},
    });
    if let (Some(r), serde_json::Value::Object(m)) = (result.as_object_mut(), more) {
        r.extend(m);
    }
    result
}

/// What the database holds after the run, against what the clients were told.
async fn check(
    setup: &Setup,
    bookings: &BookingTally,
    chats: &ChatTally,
) -> anyhow::Result<serde_json::Value> {
    let store = setup.services.store();
    let mut lost_bookings = 0;
    for a in &bookings.acked {
        let v = store::visits::visit(store, a.visit).await?;
        let kept = v.is_some_and(|v| {
            v.status == VisitStatus::Booked
                && v.idempotency_key
                    .is_some_and(|k| k.ends_with(&format!(":{}", a.key)))
        });
        lost_bookings += usize::from(!kept);
    }
    let from = setup.slots.iter().min().copied().unwrap_or(0);
    let to = setup.slots.iter().max().copied().unwrap_or(0) + 86_400_000_000;
    let held =
        store::visits::site_visits(store, setup.site, from, to, VisitStatus::HOLDING).await?;
    let mut per_key: HashMap<&str, usize> = HashMap::new();
    for v in &held {
        if let Some(k) = v.idempotency_key.as_deref() {
            *per_key.entry(k).or_default() += 1;
        }
    }
    let doubled_bookings = per_key.values().filter(|&&n| n > 1).count();
    let buckets = store::visits::load(store, setup.site, from, to).await?;
    let over_cap = buckets
        .iter()
        .filter(|(_, present, _)| *present > i64::from(CAP))
        .count();
    let out_of_step = buckets
        .iter()
        .filter(|(at, present, _)| {
            let counted: i64 = held
                .iter()
                .filter(|v| v.starts_at <= *at && *at < v.ends_at)
                .map(|v| v.party)
                .sum();
            counted != *present
        })
        .count();
    // The bench's messages are `k{customer}:{n}`, unique over the run.
    let mut bodies: HashMap<String, usize> = HashMap::new();
    for (_, _, chat) in &setup.chats {
        for m in store::chat::messages(store, domain::ids::ChatId::new(*chat)).await? {
            if let Some(t) = m.text().filter(|t| t.starts_with('k')) {
                *bodies.entry(t.to_owned()).or_default() += 1;
            }
        }
    }
    let lost_messages = chats
        .acked
        .iter()
        .filter(|b| !bodies.contains_key(*b))
        .count();
    let doubled_messages = bodies.values().filter(|&&n| n > 1).count();
    let unacknowledged_but_kept = chats
        .sent
        .iter()
        .filter(|b| bodies.contains_key(*b))
        .count()
        - (chats.acked.len() - lost_messages);
    let running = store::jobs::count_by_status(store, domain::jobs::JobStatus::Running).await?;
    let failed = store::jobs::count_by_status(store, domain::jobs::JobStatus::Failed).await?;
    let plan_ok = store::campaign::runs::latest(store)
        .await?
        .is_some_and(|r| matches!(r.outcome, Some(Ok(_))));
    let violations = lost_bookings
        + doubled_bookings
        + over_cap
        + out_of_step
        + lost_messages
        + doubled_messages
        + usize::try_from(running + failed).unwrap_or(1)
        + usize::from(!plan_ok);
    Ok(serde_json::json!({
        "lost_bookings": lost_bookings, "doubled_bookings": doubled_bookings,
        "buckets_over_cap": over_cap, "buckets_out_of_step": out_of_step, "cap": CAP,
        "lost_chat_messages": lost_messages, "doubled_chat_messages": doubled_messages,
        "chat_messages_kept_unacknowledged": unacknowledged_but_kept,
        "jobs_left_claimed": running, "jobs_failed": failed, "plan_run_ok": plan_ok,
        "violations": violations,
    }))
}

//! `beredskap bench chat`: chat fan-out latency with many open sockets, for docs/benchmarks.md.
//!
//! The application is served in this process on loopback over a fresh database (SQLite by
//! default, `--database-url postgres://…` for PostgreSQL, where every event also goes through
//! `LISTEN/NOTIFY`). The bench makes half of `--connections` customers and as many agents,
//! puts every agent online with a limit of one, lets every customer start a chat and every
//! agent accept one, and opens one WebSocket per customer and per agent (with the Origin and
//! session cookie a browser would send). For `--seconds`, each socket sends a message every
//! `--interval-ms` (staggered); the latency is from just before the send on one end to the
//! frame arriving on the other end of the same chat. Client and server share the machine.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::chat::Topic;
use domain::role::Role;
use futures_util::{SinkExt, StreamExt};
use services::chat::Started;
use services::{Actor, OffsetClock, Services};
use store::{ConnectOptions, Store};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

use super::bench::percentile;
use crate::cli::BenchChatArgs;
use crate::config::Config;

/// One end of a chat as the bench drives it.
struct End {
    cookie: String,
    path: &'static str,
    /// The chat id for agents' frames; customers' chat is implied.
    chat: Option<i64>,
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An account the bench made, with its session token.
pub(super) type Person = (Actor, String);

async fn open(config: &Config, url: &str) -> anyhow::Result<(Store, Services)> {
    let store = Store::connect(
        url,
        &ConnectOptions {
            create_if_missing: true,
            max_connections: 32,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("opening {}", store::backend::redact_url(url)))?;
    store.migrate().await?;
    // A Tuesday morning that moves on with real time, so the chat is open whenever this runs.
    let base: jiff::Timestamp = "2026-11-24T09:00:00Z".parse()?;
    let services = Services::new(
        store.clone(),
        Arc::new(OffsetClock::starting_at(base)),
        config.service_settings(false),
    );
    Ok((store, services))
}

/// Customers, their accounts, and as many agents, with sessions made directly (logins with
/// the production password hash would dominate the set-up and are not what is measured).
pub(super) async fn people(
    store: &Store,
    now: i64,
    pairs: usize,
    run_tag: &str,
) -> anyhow::Result<(Vec<Person>, Vec<Person>)> {
    let mut tx = store.begin().await?;
    let rows: Vec<store::customers::NewCustomer> = (0..pairs)
        .map(|i| store::customers::NewCustomer {
            customer_number: format!("C{run_tag}{i:06}"),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Bänk Kund {i}"),
            identity_number: "19121212-1212".into(),
            email: None,
            phone: None,
            language: domain::customer::Language::Sv,
            preferred_channel: domain::customer::Channel::Email,
            street: "Provgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("bänk kund {i}"),
            created_at: now,
        })
        .collect();
    store::customers::insert_customers(&mut tx, &rows).await?;
    let ids: std::collections::HashMap<String, domain::ids::CustomerId> =
        store::customers::ids_by_number(&mut tx)
            .await?
            .into_iter()
            .collect();
    let mut customers = Vec::with_capacity(pairs);
    let mut agents = Vec::with_capacity(pairs);
    for i in 0..pairs {
        let cid = ids[&format!("C{run_tag}{i:06}")];
        for (kind, role) in [("k", Role::Customer), ("a", Role::Agent)] {
            let username = format!("bench-{kind}{run_tag}-{i}");
            let customer = (role == Role::Customer).then_some(cid);
            let uid = store::users::insert(
                &mut tx,
                &store::users::NewUser {
                    username: &username,
                    display_name: &format!("Bänk {kind}{i}"),
                    role,
                    customer_id: customer,
                    // Not a hash of anything: these accounts cannot log in with a password.
                    password_hash: "!bench",
                    is_demo: false,
                    now,
                },
            )
            .await?;
            let token = services::auth::new_token();
            store::sessions::insert(
                &mut tx,
                &services::auth::token_hash(&token),
                uid,
                &services::auth::new_token(),
                false,
                now,
            )
            .await?;
            let actor = Actor {
                user_id: Some(uid),
                name: username,
                role: Some(role),
                customer_id: customer,
                address: "bench".into(),
            };
            let list = if role == Role::Customer {
                &mut customers
            } else {
                &mut agents
            };
            list.push((actor, token));
        }
    }
    tx.commit().await?;
    Ok((customers, agents))
}

/// Every agent online with a limit of one, every customer in a chat, agent `i` in customer
/// `i`'s; returns each customer's chat.
pub(super) async fn pair_up(
    services: &Services,
    customers: &[Person],
    agents: &[Person],
) -> anyhow::Result<Vec<i64>> {
    for (a, _) in agents {
        services.chat().set_presence(a, true, Some(1)).await?;
    }
    let mut chat_of_customer = Vec::with_capacity(customers.len());
    for (c, _) in customers {
        match services
            .chat()
            .start(c, Topic::Other, "Hej från bänken")
            .await?
        {
            Started::Queued { chat_id } => chat_of_customer.push(chat_id.get()),
            other => anyhow::bail!("the bench chat was not queued: {other:?}"),
        }
    }
    // Agent i takes the chat of customer i (the queue is in start order).
    for (i, (a, _)) in agents.iter().enumerate() {
        let got = services.chat().accept_next(a).await?;
        anyhow::ensure!(
            got.map(domain::ids::ChatId::get) == Some(chat_of_customer[i]),
            "agent {i} took {got:?}, expected chat {}",
            chat_of_customer[i]
        );
    }
    Ok(chat_of_customer)
}

/// Opens every socket and waits for its first frame (the customer's transcript, the agent's
/// console) before the clock starts.
async fn connect(
    addr: std::net::SocketAddr,
    origin: &str,
    ends: &[End],
) -> anyhow::Result<Vec<Socket>> {
    let mut sockets = Vec::with_capacity(ends.len());
    for e in ends {
        let mut req = format!("ws://{addr}{}", e.path).into_client_request()?;
        req.headers_mut().insert("cookie", e.cookie.parse()?);
        req.headers_mut().insert("origin", origin.parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .context("opening a socket")?;
        tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .context("no first frame in 30 s")?;
        sockets.push(ws);
    }
    Ok(sockets)
}

/// When the run sends and until when it listens.
#[derive(Clone, Copy)]
struct Schedule {
    start: Instant,
    send_until: Instant,
    drain_until: Instant,
    interval: Duration,
    sockets: usize,
}

/// Socket `k`: sends every interval (staggered so the sends spread evenly over each
/// interval) and times the frames from the other end; returns (sent, latencies, errors).
async fn drive(k: usize, ws: Socket, chat: Option<i64>, at: Schedule) -> (u64, Vec<f64>, u64) {
    let (mut write, mut read) = ws.split();
    let offset = at.interval.mul_f64(k as f64 / at.sockets as f64);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, at.interval);
    let (mut sent, mut latencies, mut errors) = (0u64, Vec::new(), 0u64);
    loop {
        tokio::select! {
            _ = tick.tick(), if Instant::now() < at.send_until => {
                let when = at.start.elapsed().as_nanos();
                let mut frame = serde_json::json!({"type": "send", "body": format!("b:{k}:{when}")});
                if let Some(c) = chat {
                    frame["chat"] = c.into();
                }
                if write.send(tungstenite::Message::Text(frame.to_string().into())).await.is_err() {
                    errors += 1;
                    break;
                }
                sent += 1;
            }
            m = read.next() => {
                let Some(Ok(tungstenite::Message::Text(t))) = m else {
                    if m.is_none() { break; }
                    continue;
                };
                let received = at.start.elapsed().as_nanos();
                let Ok(f) = serde_json::from_str::<serde_json::Value>(t.as_str()) else { continue };
                match f["type"].as_str() {
                    Some("message") if f["mine"] == false => {
                        if let Some(sent_at) = f["body"].as_str().and_then(|b| b.rsplit(':').next()).and_then(|x| x.parse::<u128>().ok()) {
                            latencies.push((received - sent_at) as f64 / 1e6);
                        }
                    }
                    Some("error" | "reload") => errors += 1,
                    _ => {}
                }
            }
            _ = tokio::time::sleep_until(at.drain_until.into()) => break,
        }
    }
    (sent, latencies, errors)
}

pub async fn run(config: &Config, args: &BenchChatArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.connections >= 2 && args.connections.is_multiple_of(2),
        "--connections must be an even number of at least 2 (half customers, half agents)"
    );
    let pairs = args.connections / 2;
    let dir = std::env::temp_dir().join(format!("beredskap-bench-chat-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.sqlite").display()));
    let (store, services) = open(config, &url).await?;
    let run_tag = format!("{:06}", std::process::id() % 1_000_000);
    let (customers, agents) = people(&store, services.now_micros(), pairs, &run_tag).await?;
    let chat_of_customer = pair_up(&services, &customers, &agents).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let origin = format!("http://{addr}");
    services.set_bound_url(origin.clone());
    let state = web::AppState::new(
        services.clone(),
        web::HttpSettings {
            secure_cookies: false,
            show_demo_hint: false,
            ..Default::default()
        },
    );
    let shutdown = tokio_util::sync::CancellationToken::new();
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        web::serve(listener, state, async move { stop.cancelled().await }).await
    });
    let cookie_name = web::session::session_cookie_name(false);
    let mut ends = Vec::with_capacity(args.connections);
    for i in 0..pairs {
        ends.push(End {
            cookie: format!("{cookie_name}={}", customers[i].1),
            path: "/mina-sidor/chatt/ws",
            chat: None,
        });
        ends.push(End {
            cookie: format!("{cookie_name}={}", agents[i].1),
            path: "/chatt/ws",
            chat: Some(chat_of_customer[i]),
        });
    }
    let connect_started = Instant::now();
    let sockets = connect(addr, &origin, &ends).await?;
    let connect_secs = connect_started.elapsed().as_secs_f64();

    let start = Instant::now();
    let send_until = start + Duration::from_secs(args.seconds);
    let schedule = Schedule {
        start,
        send_until,
        drain_until: send_until + Duration::from_secs(3),
        interval: Duration::from_millis(args.interval_ms.max(1)),
        sockets: sockets.len(),
    };
    let tasks: Vec<_> = sockets
        .into_iter()
        .zip(ends)
        .enumerate()
        .map(|(k, (ws, e))| tokio::spawn(drive(k, ws, e.chat, schedule)))
        .collect();
    let (mut sent, mut all, mut errors) = (0u64, Vec::new(), 0u64);
    for t in tasks {
        let (s, l, e) = t.await?;
        sent += s;
        all.extend(l);
        errors += e;
    }
    shutdown.cancel();
    let _ = server.await;
    all.sort_by(f64::total_cmp);
    let received = all.len() as u64;
    let result = serde_json::json!({
        "database": format!("{:?}", services.store().backend()),
        "connections": args.connections,
        "chats": pairs,
        "seconds": args.seconds,
        "interval_ms": args.interval_ms,
        "connect_s": connect_secs,
        "sent": sent,
        "received": received,
        "lost": sent.saturating_sub(received),
        "errors": errors,
        "messages_per_s": sent as f64 / args.seconds.max(1) as f64,
        "p50_ms": percentile(&all, 50.0),
        "p95_ms": percentile(&all, 95.0),
        "p99_ms": percentile(&all, 99.0),
        "max_ms": all.last().copied().unwrap_or(0.0),
        "target": "p99 <= 100 ms at 500 connections",
    });
    println!("{result}");
    services.store().close().await;
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if errors == 0 && received == sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

//! `beredskap bench security`: the figures of issue 18, for docs/benchmarks.md.
//!
//! 1. **Login burst.** The application is served in this process on loopback over a fresh
//!    database (SQLite by default, `--database-url postgres://…` for PostgreSQL) with the
//!    production argon2 parameters. `--attempts` wrong-password logins for one account are sent
//!    at once; meanwhile `/healthz` is asked every 10 ms. Printed: how many attempts reached the
//!    password check (each one that did is in the audit log as a failed login; the rest were
//!    refused unchecked with 429) and `/healthz`'s latency during the burst.
//! 2. **A cancellation with a long waitlist.** A site with one desk, a day fully booked, and
//!    `--waiting` people on its waitlist; each cancellation offers the freed place to the first
//!    in line who fits. Printed: the cancellations' latency through the service.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::customer::Language;
use domain::role::Role;
use domain::visits::VisitSource;
use services::visits::{BookingRequest, NewSite};
use services::{Actor, Services};

use super::bench::percentile;
use crate::cli::BenchSecurityArgs;
use crate::config::Config;

pub async fn run(config: &Config, args: &BenchSecurityArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("beredskap-bench-security-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let services = super::bench::fresh_services(config, args.database_url.as_deref(), &dir).await?;
    let burst = login_burst(&services, args.attempts).await?;
    let waitlist = cancellation_with_waitlist(&services, args.waiting).await?;
    println!(
        "{}",
        serde_json::json!({
            "database": format!("{:?}", services.store().backend()),
            "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
            "login_burst": burst,
            "waitlist": waitlist,
        })
    );
    services.store().close().await;
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// The pre-session cookie (`name=value`) and CSRF token the login page hands out.
async fn pre_session(client: &reqwest::Client, base: &str) -> anyhow::Result<(String, String)> {
    let page = client.get(format!("{base}/logga-in")).send().await?;
    let cookie = page
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("csrf"))
        .and_then(|c| c.split(';').next())
        .context("the login page set no CSRF cookie")?
        .to_owned();
    let token = cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default();
    Ok((cookie, token))
}

async fn login_burst(services: &Services, attempts: usize) -> anyhow::Result<serde_json::Value> {
    services
        .accounts()
        .create_user(
            "utsatt",
            "Utsatt Konto",
            Role::Agent,
            None,
            "rätt-lösenord-för-bänken",
            false,
        )
        .await?;
    let state = web::AppState::new(
        services.clone(),
        web::HttpSettings {
            secure_cookies: false,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let shutdown = tokio_util::sync::CancellationToken::new();
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        web::serve(listener, state, async move { stop.cancelled().await }).await
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let (cookie, token) = pre_session(&client, &base).await?;

    // /healthz every 10 ms until the burst is over.
    let probing = tokio_util::sync::CancellationToken::new();
    let prober = {
        let (client, url, done) = (client.clone(), format!("{base}/healthz"), probing.clone());
        tokio::spawn(async move {
            let mut times = Vec::new();
            while !done.is_cancelled() {
                let t = Instant::now();
                if client.get(&url).send().await.is_ok() {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            times
        })
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..attempts)
        .map(|i| {
            let (client, cookie, url) =
                (client.clone(), cookie.clone(), format!("{base}/logga-in"));
            let form = [
                ("username", "utsatt".to_owned()),
                ("password", format!("fel-lösenord-{i}")),
                ("csrf", token.clone()),
            ];
            tokio::spawn(async move {
                client
                    .post(&url)
                    .header(reqwest::header::COOKIE, cookie)
                    .form(&form)
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    let (mut refused, mut checked, mut other) = (0, 0, 0);
    for t in tasks {
        match t.await? {
            Ok(s) if s == reqwest::StatusCode::TOO_MANY_REQUESTS => refused += 1,
            Ok(s) if s.is_client_error() || s.is_success() => checked += 1,
            _ => other += 1,
        }
    }
    let burst_ms = started.elapsed().as_secs_f64() * 1000.0;
    probing.cancel();
    let mut health = prober.await?;
    health.sort_by(f64::total_cmp);
    shutdown.cancel();
    let _ = server.await;
    // Every attempt that reached the password check is a failed login in the audit log.
    let reached: i64 = store::audit::list(services.store(), None, 100_000, 0)
        .await?
        .iter()
        .filter(|r| r.action == "login" && r.object_id == "utsatt")
        .count() as i64;
    Ok(serde_json::json!({
        "attempts": attempts, "reached_password_check": reached,
        "answered_429": refused, "answered_after_check": checked, "errors": other,
        "burst_ms": burst_ms,
        "healthz_probes": health.len(),
        "healthz_p50_ms": percentile(&health, 50.0), "healthz_p99_ms": percentile(&health, 99.0),
        "healthz_max_ms": health.last().copied().unwrap_or(0.0),
    }))
}

async fn cancellation_with_waitlist(
    services: &Services,
    waiting: usize,
) -> anyhow::Result<serde_json::Value> {
    let admin = Actor {
        role: Some(Role::Admin),
        ..Actor::system()
    };
    let agent = Actor {
        role: Some(Role::Agent),
        ..Actor::system()
    };
    let visits = services.visits();
    let site = visits
        .create_site(
            &admin,
            &NewSite {
                name: "Kökontoret".into(),
                street: "Provgatan 2".into(),
                postal_code: "691 31".into(),
                city: "Karlskoga".into(),
                desks: 1,
            },
        )
        .await?;
    visits.set_up_standard_site(&admin, site).await?;
    let service = visits.site_view(site).await?.services[0].id;
    // The first day with free slots, booked full.
    let today = services.today();
    let last = today.saturating_add(jiff::Span::new().days(27));
    let (_, slots) = visits.availability(site, service, today, last, 1).await?;
    let day = slots
        .first()
        .map(|s| domain::time::civil_date(domain::time::from_micros(s.start), services.tz()))
        .context("the bench site offers no slots")?;
    let request = |start: i64, phone: String| BookingRequest {
        site_id: site,
        service_id: service,
        start,
        party: 1,
        name: "Bänk Kund".into(),
        phone,
        email: None,
        language: Language::Sv,
        customer_id: None,
        source: VisitSource::Agent,
        idempotency_key: None,
    };
    let mut booked = Vec::new();
    for (i, s) in slots
        .iter()
        .filter(|s| {
            domain::time::civil_date(domain::time::from_micros(s.start), services.tz()) == day
        })
        .enumerate()
    {
        // Slots overlap (a visit is longer than the slot step): some are taken by the one
        // before.
        match visits
            .book(&agent, &request(s.start, format!("0701{i:06}")))
            .await
        {
            Ok(b) => booked.push(b.visit.id),
            Err(services::visits::BookingError::Full) => {}
            Err(e) => return Err(e.into()),
        }
    }
    for i in 0..waiting {
        visits
            .join_waitlist(&agent, &request(0, format!("0702{i:06}")), day)
            .await?;
    }
    let mut times = Vec::new();
    for id in booked.iter().take(20) {
        let t = Instant::now();
        visits.cancel(&agent, *id).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(serde_json::json!({
        "waiting": waiting, "booked_that_day": booked.len(), "cancellations": times.len(),
        "p50_ms": percentile(&times, 50.0), "p99_ms": percentile(&times, 99.0),
        "max_ms": times.last().copied().unwrap_or(0.0),
    }))
}

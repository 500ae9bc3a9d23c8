//! `beredskap bench search|http`: measured figures for docs/benchmarks.md.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::{Rng, SeedableRng};
use services::auth::SessionUser;
use services::{Services, SystemClock};

use crate::cli::{BenchHttpArgs, BenchSearchArgs};
use crate::config::Config;

/// The services of a bench's database: `database_url` when given (an empty database), else a
/// fresh SQLite file `bench.sqlite` in `dir`; migrated, on the wall clock.
pub(crate) async fn fresh_services(
    config: &Config,
    database_url: Option<&str>,
    dir: &std::path::Path,
) -> anyhow::Result<services::Services> {
    std::fs::create_dir_all(dir)?;
    let url = database_url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.sqlite").display()));
    let store = store::Store::connect(
        &url,
        &store::ConnectOptions {
            create_if_missing: true,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("opening {}", store::backend::redact_url(&url)))?;
    store.migrate().await?;
    Ok(services::Services::new(
        store,
        std::sync::Arc::new(services::SystemClock),
        config.service_settings(false),
    ))
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Search latency measured through the service (what a page or API call does), over queries
/// built from the database's own names, numbers, streets and meter-point ids.
pub async fn search(config: &Config, args: &BenchSearchArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config, false).await?;
    let services = Services::new(
        store.clone(),
        Arc::new(SystemClock),
        config.service_settings(false),
    );
    let n = store::customers::count(&store).await?;
    if n == 0 {
        bail!(
            "the database has no customers: run `beredskap demo --no-serve` first, or point --database-url at one"
        );
    }
    let agent = SessionUser {
        session_id: None,
        user_id: domain::ids::UserId::new(0),
        username: "bench".into(),
        display_name: "bench".into(),
        role: domain::role::Role::Agent,
        customer_id: None,
        csrf_token: String::new(),
        mfa_pending: false,
        totp_enabled: false,
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(args.seed);
    let mut queries = Vec::with_capacity(args.queries);
    while queries.len() < args.queries {
        let id = domain::ids::CustomerId::new(rng.random_range(1..=n));
        let Some(c) = store::customers::get(&store, id).await? else {
            continue;
        };
        let q = match queries.len() % 4 {
            0 => c.name.split(' ').next_back().unwrap_or(&c.name).to_owned(),
            1 => c.customer_number.clone(),
            2 => c.street.clone(),
            _ => match store::customers::meter_points_of(&store, id).await?.first() {
                Some(m) => m.anlaggnings_id.clone(),
                None => c.name.clone(),
            },
        };
        queries.push(q);
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in &queries {
        let t = Instant::now();
        hits += services.customers().search(&agent, q, 50).await?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", store.backend()),
            "customers": n,
            "queries": queries.len(),
            "hits": hits,
            "p50_ms": percentile(&times, 50.0),
            "p95_ms": percentile(&times, 95.0),
            "p99_ms": percentile(&times, 99.0),
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// A loopback load client: each worker logs in once, then requests the page as fast as it can.
pub async fn http(args: &BenchHttpArgs) -> anyhow::Result<ExitCode> {
    let (user, password) = args
        .login
        .split_once(':')
        .context("--login must be USER:PASSWORD")?;
    let (lo, hi) = args.ids.split_once('-').context("--ids must be FROM-TO")?;
    let (lo, hi): (i64, i64) = (lo.parse()?, hi.parse()?);
    let base = args.url.trim_end_matches('/').to_owned();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for w in 0..args.concurrency {
        let (base, user, password, path) = (
            base.clone(),
            user.to_owned(),
            password.to_owned(),
            args.path.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().cookie_store_like().build()?;
            let cookie = login(&client, &base, &user, &password).await?;
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w as u64);
            let (mut times, mut errors, mut bytes) = (Vec::new(), 0u64, 0u64);
            while Instant::now() < deadline {
                let url = format!(
                    "{base}{}",
                    path.replace("{id}", &rng.random_range(lo..=hi).to_string())
                );
                let t = Instant::now();
                match client.get(&url).header("cookie", &cookie).send().await {
                    Ok(r) if r.status().is_success() => {
                        bytes += r.bytes().await.map(|b| b.len() as u64).unwrap_or(0);
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => errors += 1,
                }
            }
            anyhow::Ok((times, errors, bytes))
        }));
    }
    let (mut all, mut errors, mut bytes) = (Vec::new(), 0, 0);
    for t in tasks {
        let (times, e, b) = t.await??;
        all.extend(times);
        errors += e;
        bytes += b;
    }
    all.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        serde_json::json!({
            "url": base, "path": args.path, "concurrency": args.concurrency, "seconds": args.seconds,
            "requests": all.len(), "errors": errors, "rps": all.len() as f64 / args.seconds as f64,
            "mean_bytes": if all.is_empty() { 0 } else { bytes / all.len() as u64 },
            "p50_ms": percentile(&all, 50.0), "p95_ms": percentile(&all, 95.0), "p99_ms": percentile(&all, 99.0),
        })
    );
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

trait NoRedirects {
    fn cookie_store_like(self) -> Self;
}

impl NoRedirects for reqwest::ClientBuilder {
    /// Redirects are not followed, so the login's Set-Cookie is seen.
    fn cookie_store_like(self) -> Self {
        self.redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(4)
    }
}

fn cookie_pair(set_cookie: &str) -> Option<String> {
    set_cookie.split(';').next().map(str::to_owned)
}

async fn login(
    client: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    let form = client
        .get(format!("{base}/logga-in"))
        .send()
        .await
        .context("fetching the login form")?;
    let csrf_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("-csrf="))
        .and_then(cookie_pair)
        .context("the login page set no CSRF cookie")?;
    let token = csrf_cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default();
    let resp = client
        .post(format!("{base}/logga-in"))
        .header("cookie", &csrf_cookie)
        .form(&[("username", user), ("password", password), ("csrf", &token)])
        .send()
        .await
        .context("logging in")?;
    let session = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("beredskap=") && !v.contains("-csrf="))
        .and_then(cookie_pair)
        .with_context(|| format!("login as {user} failed ({})", resp.status()))?;
    Ok(format!("{session}; {csrf_cookie}"))
}

//! `beredskap bench visits`: the customer centre's figures for docs/benchmarks.md.
//!
//! 1. Availability of one site for four weeks, timed through the service (what the booking page
//!    and `GET /api/v1/sites/{id}/availability` do), after preloading visits into the buckets.
//! 2. Bookings per second over HTTP: the application is served in this process on loopback and
//!    `--concurrency` clients post `POST /api/v1/visits` with a bearer token, each to the next
//!    slot of a round-robin over every slot of the four weeks, so bookings spread over distinct
//!    slots and none is refused for being full. Client and server share the machine's cores.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use domain::ids::{SiteId, SiteServiceId};
use domain::policy::{PolicyBody, VisitsPolicy};
use domain::role::Role;
use domain::visits::VisitSource;
use services::visits::{BookingRequest, NewSite};
use services::{Actor, Services};

use super::bench::percentile;
use crate::cli::BenchVisitsArgs;
use crate::config::Config;

pub async fn run(config: &Config, args: &BenchVisitsArgs) -> anyhow::Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!("beredskap-bench-visits-{}", std::process::id()));
    let bench = set_up(config, args, &dir).await?;
    preload(&bench, args.preload).await?;
    let availability = measure_availability(&bench, args).await?;
    let (bookings, errors) = measure_bookings(&bench, args).await?;
    let services = &bench.services;
    println!(
        "{}",
        serde_json::json!({ "database": format!("{:?}", services.store().backend()), "availability_4_weeks": availability, "bookings_http": bookings })
    );
    services.store().close().await;
    if args.database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The bench's site and one of its services, open for booking ninety days ahead.
struct Bench {
    services: Services,
    site: SiteId,
    service: SiteServiceId,
    /// Every service of the site, for availability queries that vary the service.
    all_services: Vec<SiteServiceId>,
    today: jiff::civil::Date,
    /// The last day of the four weeks availability is asked for.
    last: jiff::civil::Date,
    /// Every slot of those four weeks for one person.
    slots: Vec<domain::visits::Slot>,
}

/// Opens (or creates) the bench database and sets up a standard site with walk-ins allowed.
async fn set_up(
    config: &Config,
    args: &BenchVisitsArgs,
    dir: &std::path::Path,
) -> anyhow::Result<Bench> {
    std::fs::create_dir_all(dir)?;
    let services = super::bench::fresh_services(config, args.database_url.as_deref(), dir).await?;
    let admin = Actor {
        role: Some(Role::Admin),
        ..Actor::system()
    };
    let visits = services.visits();
    let site = visits
        .create_site(
            &admin,
            &NewSite {
                name: "Bänkcenter".into(),
                street: "Provgatan 1".into(),
                postal_code: "691 31".into(),
                city: "Karlskoga".into(),
                desks: 100,
            },
        )
        .await?;
    visits.set_up_standard_site(&admin, site).await?;
    // Ninety days open for booking, so a ten-second run spreads over enough distinct slots that
    // none fills up (a refused booking would not count, and would be cheaper than a real one).
    visits
        .update_site_settings(
            &admin,
            site,
            &services::visits::SiteSettings {
                phone: "0586-610 00",
                desks: 100,
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
            &admin,
            &PolicyBody::Visits(VisitsPolicy {
                walk_in: true,
                booking_required: false,
                max_present_per_site: 60,
            }),
            services.now(),
            None,
            "bench",
        )
        .await?;
    let view = visits.site_view(site).await?;
    let service = view.services[0].id;
    let today = services.today();
    let last = today.saturating_add(jiff::Span::new().days(27));
    let (_, slots) = visits.availability(site, service, today, last, 1).await?;
    anyhow::ensure!(!slots.is_empty(), "the bench site offers no slots");
    Ok(Bench {
        services,
        site,
        service,
        all_services: view.services.iter().map(|s| s.id).collect(),
        today,
        last,
        slots,
    })
}

/// Preloads visits spread over the four weeks, booked through the service.
async fn preload(bench: &Bench, count: usize) -> anyhow::Result<()> {
    let Bench {
        services,
        site,
        service,
        slots: all_slots,
        ..
    } = bench;
    let (site, service) = (*site, *service);
    let visits = services.visits();
    for i in 0..count {
        let slot = all_slots[(i * 7919) % all_slots.len()];
        let req = booking(
            site,
            service,
            slot.start,
            (i % 3) as u32 + 1,
            &format!("0709{i:06}"),
        );
        match visits.book(&Actor::system(), &req).await {
            Ok(_) | Err(services::visits::BookingError::Full) => {}
            Err(e) => anyhow::bail!("preloading: {e}"),
        }
    }
    Ok(())
}

/// 1. Availability of the site for four weeks, timed through the service.
async fn measure_availability(
    bench: &Bench,
    args: &BenchVisitsArgs,
) -> anyhow::Result<serde_json::Value> {
    let visits = bench.services.visits();
    let (site, today, last) = (bench.site, bench.today, bench.last);
    let mut times = Vec::with_capacity(args.queries);
    let mut offered = 0;
    for i in 0..args.queries {
        let party = (i % 4) as u32 + 1;
        let t = Instant::now();
        let (_, slots) = visits
            .availability(
                site,
                bench.all_services[i % bench.all_services.len()],
                today,
                last,
                party,
            )
            .await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        offered += slots.len();
    }
    times.sort_by(f64::total_cmp);
    Ok(serde_json::json!({
        "queries": args.queries, "days": 28, "preloaded_visits": args.preload,
        "mean_slots": offered / args.queries.max(1),
        "p50_ms": percentile(&times, 50.0), "p95_ms": percentile(&times, 95.0), "p99_ms": percentile(&times, 99.0),
    }))
}

/// 2. Bookings over HTTP against this process's server; the figures and the number of errors.
async fn measure_bookings(
    bench: &Bench,
    args: &BenchVisitsArgs,
) -> anyhow::Result<(serde_json::Value, u64)> {
    let Bench {
        services,
        site,
        service,
        today,
        ..
    } = bench;
    let (site, service, today) = (*site, *service, *today);
    let visits = services.visits();
    services
        .accounts()
        .create_user(
            "bankbokning",
            "Bänkbokning",
            Role::Agent,
            None,
            "bänk-lösenord-123",
            false,
        )
        .await?;
    let token = services
        .accounts()
        .create_api_token("bankbokning", "bench")
        .await?;
    let far = today.saturating_add(jiff::Span::new().days(89));
    let (_, slots) = visits.availability(site, service, today, far, 1).await?;
    let state = web::AppState::new(
        services.clone(),
        web::HttpSettings {
            secure_cookies: false,
            show_demo_hint: false,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        web::serve(listener, state, async move { stop.cancelled().await }).await
    });
    let slots = Arc::new(slots);
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for w in 0..args.concurrency {
        let (slots, next, token) = (slots.clone(), next.clone(), token.clone());
        let endpoint = format!("http://{addr}/api/v1/visits");
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()?;
            let (mut ok, mut full, mut errors) = (Vec::new(), 0u64, 0u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let slot = slots[k % slots.len()];
                n += 1;
                let body = serde_json::json!({
                    "site": site, "service": service,
                    "start": domain::time::from_micros(slot.start).to_string(),
                    "party": 1, "name": "Bänk Bokare", "phone": format!("07{w:03}{n:07}"),
                });
                let t = Instant::now();
                match client
                    .post(&endpoint)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        ok.push(t.elapsed().as_secs_f64() * 1000.0)
                    }
                    Ok(r) if r.status() == reqwest::StatusCode::CONFLICT => full += 1,
                    _ => errors += 1,
                }
            }
            anyhow::Ok((ok, full, errors))
        }));
    }
    let (mut all, mut full, mut errors) = (Vec::new(), 0, 0);
    for t in tasks {
        let (ok, f, e) = t.await??;
        all.extend(ok);
        full += f;
        errors += e;
    }
    shutdown.cancel();
    let _ = server.await;
    all.sort_by(f64::total_cmp);
    let bookings = serde_json::json!({
        "concurrency": args.concurrency, "seconds": args.seconds, "booked": all.len(),
        "full_409": full, "errors": errors,
        "bookings_per_s": all.len() as f64 / args.seconds as f64,
        "p50_ms": percentile(&all, 50.0), "p95_ms": percentile(&all, 95.0), "p99_ms": percentile(&all, 99.0),
    });
    Ok((bookings, errors))
}

fn booking(
    site: SiteId,
    service: SiteServiceId,
    start: i64,
    party: u32,
    phone: &str,
) -> BookingRequest {
    BookingRequest {
        site_id: site,
        service_id: service,
        start,
        party,
        name: "Förbokad Kund".into(),
        phone: phone.into(),
        email: None,
        language: domain::customer::Language::Sv,
        customer_id: None,
        source: VisitSource::Agent,
        idempotency_key: None,
    }
}

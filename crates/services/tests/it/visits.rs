//! Customer-centre visits through the service, on both backends: the cap under concurrency (one
//! and two app instances), cancel/rebook races, daylight-saving days, one visit per person at a
//! time, public confirmation, the waitlist, flagging after a lowered cap, walk-ins, the desk's
//! timing rules and idempotent retries.

use std::collections::HashMap;
use std::sync::Arc;

use domain::customer::Language;
use domain::ids::{SiteId, SiteServiceId, VisitId};
use domain::policy::{PolicyBody, VisitsPolicy};
use domain::problem::{Invalid, Problem};
use domain::time::{at_civil, from_micros, stockholm, to_micros};
use jiff::civil::{Date, date, time};
use jiff::{SignedDuration, Timestamp};
use services::visits::{
    BookingError, BookingRequest, NewSite, VisitError, VisitRow, VisitSource, VisitStatus,
    WaitStatus,
};
use services::{Actor, FixedClock, ServiceError, Services};
use store::ConnectOptions;
use test_support::{BACKENDS, Backend, TestDb, test_now, test_settings, test_store};

const MINUTE: i64 = 60_000_000;

/// A fresh database with one standard site (weekdays 09–12, 13–16, every desk staffed).
struct Env {
    s: Services,
    clock: Arc<FixedClock>,
    site: SiteId,
    backend: Backend,
    db: TestDb,
}

impl Env {
    async fn new(backend: Backend, desks: i64) -> Option<Env> {
        let (store, db) = test_store(backend).await?;
        let clock = Arc::new(FixedClock::new(test_now()));
        let s = Services::new(store, clock.clone(), test_settings(false));
        let site = s
            .visits()
            .create_site(
                &Actor::system(),
                &NewSite {
                    name: "Kundcenter Centrum".into(),
                    street: "Storgatan 1".into(),
                    postal_code: "111 22".into(),
                    city: "Stockholm".into(),
                    desks,
                },
            )
            .await
            .unwrap();
        s.visits()
            .set_up_standard_site(&Actor::system(), site)
            .await
            .unwrap();
        Some(Env {
            s,
            clock,
            site,
            backend,
            db,
        })
    }

    async fn service(&self, code: &str) -> SiteServiceId {
        self.s
            .visits()
            .site_view(self.site)
            .await
            .unwrap()
            .services
            .iter()
            .find(|s| s.code == code)
            .unwrap_or_else(|| panic!("service {code}"))
            .id
    }

    async fn set_cap(&self, cap: u32, walk_in: bool, from: Timestamp) {
        self.s
            .policies()
            .set(
                &manager(),
                &PolicyBody::Visits(VisitsPolicy {
                    walk_in,
                    booking_required: true,
                    max_present_per_site: cap,
                }),
                from,
                None,
                "test",
            )
            .await
            .unwrap();
    }

    fn req(
        &self,
        service: SiteServiceId,
        start: i64,
        phone: &str,
        party: u32,
        source: VisitSource,
    ) -> BookingRequest {
        BookingRequest {
            site_id: self.site,
            service_id: service,
            start,
            party,
            name: format!("Kund {phone}"),
            phone: phone.to_owned(),
            email: None,
            language: Language::Sv,
            customer_id: None,
            source,
            idempotency_key: None,
        }
    }

    async fn visit(&self, id: VisitId) -> VisitRow {
        store::visits::visit(self.s.store(), id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Stored `(present, visits)` per bucket with anyone in it.
    async fn load(&self, from: i64, to: i64) -> HashMap<i64, (i64, i64)> {
        store::visits::load(self.s.store(), self.site, from, to)
            .await
            .unwrap()
            .into_iter()
            .map(|(b, p, v)| (b, (p, v)))
            .collect()
    }

    async fn holding(&self, from: i64, to: i64) -> Vec<VisitRow> {
        store::visits::site_visits(self.s.store(), self.site, from, to, store::visits::HOLDING)
            .await
            .unwrap()
    }

    /// The buckets of `[from, to)` hold exactly what the visits holding places there add up to,
    /// and never more people than `cap`.
    async fn assert_counts_exact(&self, from: i64, to: i64, cap: i64, what: &str) {
        let stored = self.load(from, to).await;
        let mut want: HashMap<i64, (i64, i64)> = HashMap::new();
        for v in self.holding(from, to).await {
            for b in domain::visits::buckets(v.starts_at, v.ends_at) {
                if (from..to).contains(&b) {
                    let e = want.entry(b).or_default();
                    e.0 += v.party;
                    e.1 += 1;
                }
            }
        }
        assert_eq!(
            stored, want,
            "{:?} {what}: stored buckets vs visits",
            self.backend
        );
        for (b, (p, _)) in &stored {
            assert!(
                *p <= cap,
                "{:?} {what}: {p} present at {b} over the cap {cap}",
                self.backend
            );
        }
    }

    async fn outbox(&self) -> Vec<store::outbox::OutboxRow> {
        self.s.outbox(1000, 0).await.unwrap()
    }
}

fn manager() -> Actor {
    Actor {
        role: Some(domain::role::Role::ContinuityManager),
        ..Actor::system()
    }
}

fn agent() -> Actor {
    Actor {
        role: Some(domain::role::Role::Agent),
        name: "agent".into(),
        ..Actor::system()
    }
}

fn long_ago() -> Timestamp {
    "2020-01-01T00:00:00Z".parse().unwrap()
}

/// The instant the Stockholm clocks show `h:m` on `d`.
fn at(d: Date, h: i8, m: i8) -> i64 {
    to_micros(at_civil(d, time(h, m, 0, 0), &stockholm()))
}

fn day_bounds(d: Date) -> (i64, i64) {
    (at(d, 0, 0), at(d.tomorrow().unwrap(), 0, 0))
}

fn utc_hm(micros: i64) -> (i8, i8) {
    let dt = jiff::tz::TimeZone::UTC.to_datetime(from_micros(micros));
    (dt.hour(), dt.minute())
}

fn local_hm(micros: i64) -> (i8, i8) {
    let dt = stockholm().to_datetime(from_micros(micros));
    (dt.hour(), dt.minute())
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

/// Tuesday, the day after `test_now()`.
fn tuesday() -> Date {
    date(2026, 11, 24)
}

#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    full: usize,
    overlap: usize,
    other: Vec<String>,
}

impl Tally {
    fn add<T>(&mut self, r: &Result<T, BookingError>) {
        match r {
            Ok(_) => self.ok += 1,
            Err(BookingError::Full) => self.full += 1,
            Err(BookingError::Overlap) => self.overlap += 1,
            Err(e) => self.other.push(format!("{e:?}")),
        }
    }
}

/// Fires `n` bookings of party 1 for `start` through each of `instances` at once; distinct
/// phone numbers, so only the cap (and the desks) can refuse them.
async fn stampede(
    instances: &[Services],
    env: &Env,
    service: SiteServiceId,
    start: i64,
    n: usize,
    round: usize,
) -> Tally {
    let mut handles = Vec::new();
    for (k, s) in instances.iter().enumerate() {
        for i in 0..n {
            let s = s.clone();
            let source = if i % 2 == 0 {
                VisitSource::Agent
            } else {
                VisitSource::Api
            };
            let phone = format!("070{k}{round:02}{i:04}");
            let req = env.req(service, start, &phone, 1, source);
            handles.push(tokio::spawn(async move {
                s.visits().book(&agent(), &req).await
            }));
        }
    }
    let mut tally = Tally::default();
    for h in handles {
        tally.add(&h.await.unwrap());
    }
    tally
}

async fn assert_slot_sold_out(
    env: &Env,
    service: SiteServiceId,
    day: Date,
    start: i64,
    end: i64,
    cap: i64,
    t: &Tally,
) {
    let b = env.backend;
    assert!(
        t.other.is_empty(),
        "{b:?}: server errors reached users: {:#?}",
        t.other
    );
    assert_eq!(t.overlap, 0, "{b:?}");
    assert_eq!(
        t.ok, cap as usize,
        "{b:?}: every place sold, none over the cap ({t:?})"
    );
    let load = env.load(start, end).await;
    let buckets: Vec<i64> = domain::visits::buckets(start, end).collect();
    for bk in &buckets {
        assert_eq!(load.get(bk), Some(&(cap, cap)), "{b:?}: bucket {bk}");
    }
    let rows = env.holding(start, end).await;
    assert_eq!(rows.len(), cap as usize, "{b:?}: visits rows of the slot");
    assert!(
        rows.iter()
            .all(|v| v.starts_at == start && v.status == VisitStatus::Booked)
    );
    let (_, slots) = env
        .s
        .visits()
        .availability(env.site, service, day, day, 1)
        .await
        .unwrap();
    assert!(
        !slots.iter().any(|s| s.start == start),
        "{b:?}: a sold-out slot is not offered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_overbooking_under_200_concurrent_requests() {
    for backend in BACKENDS {
        // 12 staffed desks, cap 10: the cap is what binds.
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        env.set_cap(10, true, long_ago()).await;
        let service = env.service("moving").await; // 15 minutes: consecutive slots do not overlap
        let day = tuesday();
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert!(slots.len() >= 20, "{backend:?}: {} slots", slots.len());
        let started = std::time::Instant::now();
        for (round, slot) in slots.iter().take(20).enumerate() {
            assert_eq!(slot.free_places, 10, "{backend:?}: the last 10 places");
            let t = stampede(
                std::slice::from_ref(&env.s),
                &env,
                service,
                slot.start,
                200,
                round,
            )
            .await;
            assert_eq!(t.full, 190, "{backend:?} round {round}: {t:?}");
            assert_slot_sold_out(&env, service, day, slot.start, slot.end, 10, &t).await;
        }
        eprintln!("{backend:?}: 20 × 200 bookings in {:?}", started.elapsed());
        let (lo, hi) = day_bounds(day);
        env.assert_counts_exact(lo, hi, 10, "after the stampedes")
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_instances_never_overbook() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        env.set_cap(10, true, long_ago()).await;
        // A second app instance on the same database: its own pools, its own cached link secret.
        let store2 = store::Store::connect(&env.db.url, &ConnectOptions::default())
            .await
            .unwrap();
        let s2 = Services::new(store2, env.clock.clone(), test_settings(false));
        let instances = [env.s.clone(), s2];
        let service = env.service("moving").await;
        let day = date(2026, 11, 25);
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        for (round, slot) in slots.iter().take(10).enumerate() {
            let t = stampede(&instances, &env, service, slot.start, 100, round).await;
            assert_eq!(t.full, 190, "{backend:?} round {round}: {t:?}");
            assert_slot_sold_out(&env, service, day, slot.start, slot.end, 10, &t).await;
        }
        let (lo, hi) = day_bounds(day);
        env.assert_counts_exact(lo, hi, 10, "two instances").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_and_rebook_races_keep_the_count_exact() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        let cap = 6;
        env.set_cap(cap, true, long_ago()).await;
        let service = env.service("invoices").await; // 20 minutes: 15-minute slots overlap
        for (iteration, day) in [
            date(2026, 11, 24),
            date(2026, 11, 25),
            date(2026, 11, 26),
            date(2026, 11, 27),
        ]
        .into_iter()
        .enumerate()
        {
            let phone = |n: usize| format!("0702{iteration}{n:05}");
            let starts: Vec<i64> = [(9, 0), (9, 15), (9, 30), (9, 45), (10, 0), (10, 15)]
                .iter()
                .map(|(h, m)| at(day, *h, *m))
                .collect();
            let target = at(day, 11, 0);
            // The morning, as full as it gets.
            let mut booked: Vec<VisitRow> = Vec::new();
            for n in 0..24 {
                let party = (n % 2 + 1) as u32;
                let r = env
                    .s
                    .visits()
                    .book(
                        &agent(),
                        &env.req(
                            service,
                            starts[n % starts.len()],
                            &phone(n),
                            party,
                            VisitSource::Agent,
                        ),
                    )
                    .await;
                match r {
                    Ok(b) => booked.push(b.visit),
                    Err(BookingError::Full) => {}
                    Err(e) => panic!("{backend:?}: {e:?}"),
                }
            }
            assert!(booked.len() >= 12, "{backend:?}: {} booked", booked.len());
            // The target slot with one place left.
            for n in 0..5 {
                env.s
                    .visits()
                    .book(
                        &agent(),
                        &env.req(service, target, &phone(100 + n), 1, VisitSource::Api),
                    )
                    .await
                    .unwrap();
            }
            let (lo, hi) = day_bounds(day);
            env.assert_counts_exact(lo, hi, i64::from(cap), "before the races")
                .await;

            let mut ops: Vec<tokio::task::JoinHandle<(String, Result<(), String>)>> = Vec::new();
            let outcome = |r: Result<(), BookingError>| match r {
                Ok(()) | Err(BookingError::Full | BookingError::Overlap) => Ok(()),
                Err(BookingError::Service(ServiceError::Conflict(_))) => Ok(()),
                Err(e) => Err(format!("{e:?}")),
            };
            // Cancel some.
            for v in &booked[0..4] {
                let (s, id) = (env.s.clone(), v.id);
                ops.push(tokio::spawn(async move {
                    let r = s
                        .visits()
                        .cancel(&agent(), id)
                        .await
                        .map(|_| ())
                        .map_err(BookingError::from);
                    (format!("cancel {id}"), outcome(r))
                }));
            }
            // Rebook others into the nearly full target.
            for v in &booked[4..8] {
                let (s, id) = (env.s.clone(), v.id);
                ops.push(tokio::spawn(async move {
                    let r = s.visits().rebook(&agent(), id, target).await.map(|_| ());
                    (format!("rebook {id}"), outcome(r))
                }));
            }
            // Book new ones into the target and into the places being freed.
            for n in 0..6 {
                let s = env.s.clone();
                let start = if n % 2 == 0 {
                    target
                } else {
                    starts[n % starts.len()]
                };
                let req = env.req(service, start, &phone(200 + n), 1, VisitSource::Api);
                ops.push(tokio::spawn(async move {
                    let r = s.visits().book(&agent(), &req).await.map(|_| ());
                    (format!("book {start}"), outcome(r))
                }));
            }
            // The same visit cancelled and rebooked at once, and rebooked twice at once.
            for v in &booked[8..10] {
                let (s1, s2, id) = (env.s.clone(), env.s.clone(), v.id);
                let to = at(day, 13, 0);
                ops.push(tokio::spawn(async move {
                    let r = s1
                        .visits()
                        .cancel(&agent(), id)
                        .await
                        .map(|_| ())
                        .map_err(BookingError::from);
                    (format!("cancel {id} (raced)"), outcome(r))
                }));
                ops.push(tokio::spawn(async move {
                    let r = s2.visits().rebook(&agent(), id, to).await.map(|_| ());
                    (format!("rebook {id} (raced)"), outcome(r))
                }));
            }
            for v in &booked[10..12] {
                let id = v.id;
                for to in [at(day, 13, 30), at(day, 14, 0)] {
                    let s = env.s.clone();
                    ops.push(tokio::spawn(async move {
                        let r = s.visits().rebook(&agent(), id, to).await.map(|_| ());
                        (format!("rebook {id} → {to} (raced)"), outcome(r))
                    }));
                }
            }
            let mut failures = Vec::new();
            for h in ops {
                let (what, r) = h.await.unwrap();
                if let Err(e) = r {
                    failures.push(format!("{what}: {e}"));
                }
            }
            assert!(failures.is_empty(), "{backend:?} day {day}: {failures:#?}");
            env.assert_counts_exact(lo, hi, i64::from(cap), &format!("after the races on {day}"))
                .await;
            // The target never took more than its one free place.
            let at_target: i64 = env
                .holding(target, target + 20 * MINUTE)
                .await
                .iter()
                .map(|v| v.party)
                .sum();
            assert!(at_target <= i64::from(cap), "{backend:?}: {at_target}");
        }
    }
}

#[tokio::test]
async fn daylight_saving_days() {
    // 2027-03-28 is Easter Day and the spring change; 2027-10-31 an ordinary Sunday and the
    // autumn change. The site opens on both by exception, at night across the change too.
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("broadband").await; // 30 minutes
        for (day, now, utc_nine, night_slots, (bh, bm), utc_end) in [
            // Spring: 01:00–04:00 local is two real hours; 02:xx does not exist.
            (
                date(2027, 3, 28),
                "2027-03-25T09:00:00Z",
                7,
                7,
                (1, 45),
                (1, 15),
            ),
            // Autumn: 01:00–04:00 local is four real hours; 02:xx happens twice.
            (
                date(2027, 10, 31),
                "2027-10-28T09:00:00Z",
                8,
                15,
                (2, 45),
                (1, 15),
            ),
        ] {
            env.clock.set(now.parse().unwrap());
            let t = |h, m| time(h, m, 0, 0);
            env.s
                .visits()
                .set_site_exception(
                    &Actor::system(),
                    env.site,
                    day,
                    &[(t(1, 0), t(4, 0), 2), (t(9, 0), t(12, 0), 2)],
                    "öppet vid tidsomställningen",
                )
                .await
                .unwrap();
            let (_, slots) = env
                .s
                .visits()
                .availability(env.site, service, day, day, 1)
                .await
                .unwrap();
            let (night, daytime): (Vec<&domain::visits::Slot>, Vec<&domain::visits::Slot>) =
                slots.iter().partition(|s| s.start < at(day, 6, 0));
            assert_eq!(night.len(), night_slots, "{backend:?} {day}: {night:?}");
            assert!(
                night
                    .windows(2)
                    .all(|w| w[1].start - w[0].start == 15 * MINUTE)
            );
            assert!(slots.iter().all(|s| s.end - s.start == 30 * MINUTE));
            assert_eq!(daytime.len(), 11, "{backend:?} {day}");
            assert_eq!(local_hm(daytime[0].start), (9, 0), "{backend:?} {day}");
            assert_eq!(utc_hm(daytime[0].start), (utc_nine, 0), "{backend:?} {day}");
            assert_eq!(
                daytime[0].start,
                to_micros(
                    format!("{day}T{utc_nine:02}:00:00Z")
                        .parse::<Timestamp>()
                        .unwrap()
                )
            );

            // A visit across the change lasts exactly its 30 minutes.
            let start = at(day, bh, bm);
            let b = env
                .s
                .visits()
                .book(
                    &agent(),
                    &env.req(service, start, "0703000001", 1, VisitSource::Agent),
                )
                .await
                .unwrap();
            assert_eq!(b.visit.starts_at, start);
            assert_eq!(
                b.visit.ends_at - b.visit.starts_at,
                30 * MINUTE,
                "{backend:?} {day}"
            );
            assert_eq!(utc_hm(b.visit.ends_at), utc_end, "{backend:?} {day}");
            let load = env.load(start - 60 * MINUTE, start + 60 * MINUTE).await;
            assert_eq!(load.len(), 6, "{backend:?} {day}: six 5-minute buckets");
            assert!(load.values().all(|l| *l == (1, 1)));
            // The day view of the slot shows the place taken.
            let (_, after) = env
                .s
                .visits()
                .availability(env.site, service, day, day, 1)
                .await
                .unwrap();
            let slot = after.iter().find(|s| s.start == start).unwrap();
            assert_eq!(slot.free_places, 39);
            // The daytime slot books at 09:00 local too.
            let b = env
                .s
                .visits()
                .book(
                    &agent(),
                    &env.req(
                        service,
                        daytime[0].start,
                        "0703000002",
                        1,
                        VisitSource::Agent,
                    ),
                )
                .await
                .unwrap();
            assert_eq!(local_hm(b.visit.starts_at), (9, 0));
            assert_eq!(local_hm(b.visit.ends_at), (9, 30));
            let (lo, hi) = day_bounds(day);
            assert!(
                hi - lo != 24 * 60 * MINUTE,
                "a daylight-saving day is not 24 hours"
            );
            env.assert_counts_exact(lo, hi, 40, "daylight saving").await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_person_cannot_hold_two_overlapping_visits() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        let invoices = env.service("invoices").await; // 20 minutes
        let day = tuesday();
        env.s
            .visits()
            .book(
                &agent(),
                &env.req(
                    invoices,
                    at(day, 9, 0),
                    "070-123 45 67",
                    1,
                    VisitSource::Agent,
                ),
            )
            .await
            .unwrap();
        // The same number written otherwise is the same person.
        let r = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(
                    invoices,
                    at(day, 9, 15),
                    "+46 70 123 45 67",
                    1,
                    VisitSource::Api,
                ),
            )
            .await;
        assert!(
            matches!(r, Err(BookingError::Overlap)),
            "{backend:?}: {r:?}"
        );
        // Back to back is fine.
        env.s
            .visits()
            .book(
                &agent(),
                &env.req(invoices, at(day, 9, 30), "0701234567", 1, VisitSource::Api),
            )
            .await
            .unwrap();

        // Ten at once by one person, all overlapping each other: exactly one gets through.
        let broadband = env.service("broadband").await; // 30 minutes
        let mut handles = Vec::new();
        for i in 0..10 {
            let s = env.s.clone();
            let start = if i % 2 == 0 {
                at(day, 13, 0)
            } else {
                at(day, 13, 15)
            };
            let req = env.req(broadband, start, "0709876543", 1, VisitSource::Api);
            handles.push(tokio::spawn(async move {
                s.visits().book(&agent(), &req).await
            }));
        }
        let mut t = Tally::default();
        for h in handles {
            t.add(&h.await.unwrap());
        }
        assert!(t.other.is_empty(), "{backend:?}: {:#?}", t.other);
        assert_eq!((t.ok, t.overlap, t.full), (1, 9, 0), "{backend:?}");
        let (lo, hi) = day_bounds(day);
        let mine = env
            .holding(lo, hi)
            .await
            .into_iter()
            .filter(|v| v.person_key == "p:46709876543")
            .count();
        assert_eq!(mine, 1, "{backend:?}");
        env.assert_counts_exact(lo, hi, 40, "overlaps").await;
    }
}

#[tokio::test]
async fn public_bookings_wait_for_their_link() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("meter").await; // 20 minutes
        let day = tuesday();
        let start = at(day, 10, 0);
        let public = |phone: &str, email: &str| BookingRequest {
            email: Some(email.to_owned()),
            ..env.req(service, start, phone, 2, VisitSource::Public)
        };
        let b = env
            .s
            .visits()
            .book(
                &Actor::anonymous("192.0.2.1"),
                &public("0704000001", "anna@example.se"),
            )
            .await
            .unwrap();
        let now = to_micros(test_now());
        assert_eq!(b.visit.status, VisitStatus::Unconfirmed, "{backend:?}");
        assert_eq!(b.visit.expires_at, Some(now + 30 * MINUTE));
        assert!(b.link.contains("/besok/"), "{}", b.link);
        let token = token_of(&b.link).to_owned();
        assert_eq!(
            env.s.visits().visit_by_token(&token).await.unwrap().id,
            b.visit.id
        );
        let msgs = env.outbox().await;
        let request = msgs
            .iter()
            .find(|m| m.recipient == "anna@example.se")
            .expect("a confirm-request message");
        assert_eq!(request.channel, domain::customer::Channel::Email);
        assert_eq!(request.subject, "Bekräfta ditt besök hos kundcenter");
        assert!(request.body_text.contains(&b.link), "{}", request.body_text);
        assert!(
            request.attachment_name.is_none(),
            "no calendar entry before it is confirmed"
        );
        // The places are held meanwhile.
        let free = |slots: &[domain::visits::Slot]| {
            slots
                .iter()
                .find(|s| s.start == start)
                .map(|s| s.free_places)
        };
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert_eq!(free(&slots), Some(38));

        // A forged or altered token is refused.
        let mut forged = token.clone().into_bytes();
        let last = forged.len() - 1;
        forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(matches!(
            env.s.visits().confirm(&forged).await,
            Err(ServiceError::NotFound)
        ));

        env.clock.advance(SignedDuration::from_mins(10));
        let v = env.s.visits().confirm(&token).await.unwrap();
        assert_eq!(v.status, VisitStatus::Booked);
        assert_eq!(v.expires_at, None);
        let msgs = env.outbox().await;
        let confirmation = msgs
            .iter()
            .find(|m| m.recipient == "anna@example.se" && m.subject.starts_with("Bokat:"))
            .expect("a confirmation");
        assert_eq!(confirmation.attachment_name.as_deref(), Some("besok.ics"));
        assert!(
            confirmation
                .attachment_type
                .as_deref()
                .unwrap()
                .starts_with("text/calendar")
        );
        let ics = confirmation.attachment_body.as_deref().unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
        assert!(ics.contains("DTSTART:20261124T090000Z"), "{ics}");
        assert!(ics.contains("DTEND:20261124T092000Z"), "{ics}");
        assert!(matches!(
            env.s.visits().confirm(&token).await,
            Err(ServiceError::Conflict(_))
        ));

        // An unconfirmed booking is released after 30 minutes, not before.
        let late = env
            .s
            .visits()
            .book(
                &Actor::anonymous("192.0.2.2"),
                &public("0704000002", "bo@example.se"),
            )
            .await
            .unwrap();
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert_eq!(free(&slots), Some(36));
        env.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(env.s.visits().sweep().await.unwrap().expired, 0);
        assert_eq!(
            env.visit(late.visit.id).await.status,
            VisitStatus::Unconfirmed
        );
        env.clock.advance(SignedDuration::from_mins(1));
        assert_eq!(
            env.s.visits().sweep().await.unwrap().expired,
            1,
            "{backend:?}"
        );
        assert_eq!(env.visit(late.visit.id).await.status, VisitStatus::Expired);
        assert_eq!(env.visit(b.visit.id).await.status, VisitStatus::Booked);
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert_eq!(
            free(&slots),
            Some(38),
            "{backend:?}: the places are free again"
        );
        let r = env.s.visits().confirm(token_of(&late.link)).await;
        assert!(matches!(r, Err(ServiceError::Conflict(_))), "{r:?}");
        // A second sweep finds nothing more to do.
        assert_eq!(env.s.visits().sweep().await.unwrap().expired, 0);
        let (lo, hi) = day_bounds(day);
        env.assert_counts_exact(lo, hi, 40, "public").await;
    }
}

#[tokio::test]
async fn cancelling_frees_places_and_offers_them_to_the_waitlist() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        env.set_cap(2, true, long_ago()).await;
        let service = env.service("moving").await; // 15 minutes
        let day = tuesday();
        let free_at = |slots: &[domain::visits::Slot], start: i64| {
            slots
                .iter()
                .find(|s| s.start == start)
                .map_or(0, |s| s.free_places)
        };

        // Cancelling gives the party's places back at once.
        let start = at(day, 9, 0);
        let b = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(service, start, "0705000001", 2, VisitSource::Agent),
            )
            .await
            .unwrap();
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert_eq!(free_at(&slots, start), 0, "{backend:?}");
        let v = env.s.visits().cancel(&agent(), b.visit.id).await.unwrap();
        assert_eq!(v.status, VisitStatus::Cancelled);
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert_eq!(free_at(&slots, start), 2, "{backend:?}");
        assert!(matches!(
            env.s.visits().cancel(&agent(), b.visit.id).await,
            Err(ServiceError::Conflict(_))
        ));

        // A day with two slots, both full.
        let wed = date(2026, 11, 25);
        env.s
            .visits()
            .set_site_exception(
                &Actor::system(),
                env.site,
                wed,
                &[(time(9, 0, 0, 0), time(9, 30, 0, 0), 2)],
                "kort dag",
            )
            .await
            .unwrap();
        let x = env
            .s
            .visits()
            .book(
                &agent(),
                &BookingRequest {
                    email: Some("x@example.se".into()),
                    ..env.req(service, at(wed, 9, 0), "0705000002", 2, VisitSource::Agent)
                },
            )
            .await
            .unwrap();
        env.s
            .visits()
            .book(
                &agent(),
                &env.req(service, at(wed, 9, 15), "0705000003", 2, VisitSource::Agent),
            )
            .await
            .unwrap();
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, wed, wed, 1)
            .await
            .unwrap();
        assert!(slots.is_empty(), "{backend:?}: {slots:?}");
        let w1 = env
            .s
            .visits()
            .join_waitlist(
                &Actor::anonymous("test"),
                &BookingRequest {
                    email: Some("w1@example.se".into()),
                    ..env.req(service, 0, "0705000011", 2, VisitSource::Public)
                },
                wed,
            )
            .await
            .unwrap();
        let w2 = env
            .s
            .visits()
            .join_waitlist(
                &Actor::anonymous("test"),
                &env.req(service, 0, "0705000012", 2, VisitSource::Public),
                wed,
            )
            .await
            .unwrap();
        assert_eq!(
            (w1.status, w2.status),
            (WaitStatus::Waiting, WaitStatus::Waiting)
        );

        // The cancellation goes to the first in line.
        env.s.visits().cancel(&agent(), x.visit.id).await.unwrap();
        let w1 = store::visits::wait(env.s.store(), w1.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(w1.status, WaitStatus::Offered, "{backend:?}");
        let offer = env.visit(w1.visit_id.unwrap()).await;
        assert_eq!(offer.status, VisitStatus::Offered);
        assert_eq!(offer.source, VisitSource::Waitlist);
        assert_eq!(offer.starts_at, at(wed, 9, 0));
        assert_eq!(offer.party, 2);
        let now = to_micros(test_now());
        assert_eq!(offer.expires_at, Some(now + 2 * 60 * MINUTE));
        let msgs = env.outbox().await;
        assert!(
            msgs.iter()
                .any(|m| m.recipient == "x@example.se" && m.subject == "Ditt besök är avbokat")
        );
        let offered = msgs
            .iter()
            .find(|m| m.recipient == "w1@example.se")
            .expect("an offer message");
        assert_eq!(offered.subject, "En tid har blivit ledig hos kundcenter");
        assert_eq!(
            store::visits::wait(env.s.store(), w2.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            WaitStatus::Waiting
        );
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, wed, wed, 1)
            .await
            .unwrap();
        assert!(slots.is_empty(), "{backend:?}: the offer holds the places");

        // The offer runs out: the next in line gets it.
        env.clock.advance(SignedDuration::from_mins(2 * 60 + 1));
        let report = env.s.visits().sweep().await.unwrap();
        assert_eq!((report.expired, report.offered), (1, 1), "{backend:?}");
        assert_eq!(env.visit(offer.id).await.status, VisitStatus::Expired);
        assert_eq!(
            store::visits::wait(env.s.store(), w1.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            WaitStatus::Expired
        );
        let w2 = store::visits::wait(env.s.store(), w2.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(w2.status, WaitStatus::Offered, "{backend:?}");
        let offer2 = env.visit(w2.visit_id.unwrap()).await;
        assert_eq!(
            (offer2.status, offer2.starts_at),
            (VisitStatus::Offered, at(wed, 9, 0))
        );
        let msgs = env.outbox().await;
        let sms = msgs
            .iter()
            .find(|m| m.recipient == "0705000012")
            .expect("an offer by SMS");
        assert_eq!(sms.channel, domain::customer::Channel::Sms);
        // Accepting the offer books it.
        let token = env.s.visits().visit_token(offer2.id).await.unwrap();
        let v = env.s.visits().confirm(&token).await.unwrap();
        assert_eq!(v.status, VisitStatus::Booked);
        assert_eq!(
            store::visits::wait(env.s.store(), w2.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            WaitStatus::Booked
        );
        let (lo, hi) = day_bounds(wed);
        env.assert_counts_exact(lo, hi, 2, "waitlist").await;
        let (lo, hi) = day_bounds(day);
        env.assert_counts_exact(lo, hi, 2, "cancel").await;
    }
}

#[tokio::test]
async fn a_lowered_cap_flags_the_latest_bookings_and_cancels_none() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        env.set_cap(8, true, long_ago()).await;
        let service = env.service("moving").await;
        let day = tuesday();
        let start = at(day, 10, 0);
        let mut ids = Vec::new();
        for i in 0..8 {
            let b = env
                .s
                .visits()
                .book(
                    &agent(),
                    &BookingRequest {
                        email: Some(format!("v{i}@example.se")),
                        ..env.req(
                            service,
                            start,
                            &format!("07060000{i:02}"),
                            1,
                            VisitSource::Agent,
                        )
                    },
                )
                .await
                .unwrap();
            ids.push(b.visit.id);
        }
        let other = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(service, at(day, 13, 0), "0706000099", 1, VisitSource::Agent),
            )
            .await
            .unwrap();
        let before = env.outbox().await.len();

        env.set_cap(4, true, test_now()).await;
        let b = env.backend;
        for (i, id) in ids.iter().enumerate() {
            let v = env.visit(*id).await;
            assert_eq!(v.status, VisitStatus::Booked, "{b:?}: nothing is cancelled");
            assert_eq!(v.flagged_at.is_some(), i >= 4, "{b:?}: visit {i}");
        }
        assert!(env.visit(other.visit.id).await.flagged_at.is_none());
        let flagged: Vec<VisitId> = env
            .s
            .visits()
            .flagged_visits(env.site)
            .await
            .unwrap()
            .iter()
            .map(|v| v.id)
            .collect();
        assert_eq!(flagged, ids[4..].to_vec(), "{b:?}");
        let msgs = env.outbox().await;
        assert_eq!(
            msgs.len() - before,
            4,
            "{b:?}: one message per flagged visit"
        );
        let mut to: Vec<&str> = msgs[..4].iter().map(|m| m.recipient.as_str()).collect();
        to.sort_unstable();
        assert_eq!(
            to,
            [
                "v4@example.se",
                "v5@example.se",
                "v6@example.se",
                "v7@example.se"
            ]
        );
        assert!(
            msgs[..4]
                .iter()
                .all(|m| m.subject == "Välj gärna en ny tid för ditt besök")
        );
        // Nothing more is sold there, and a second run changes nothing.
        let (_, slots) = env
            .s
            .visits()
            .availability(env.site, service, day, day, 1)
            .await
            .unwrap();
        assert!(!slots.iter().any(|s| s.start == start));
        let r = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(service, start, "0706000050", 1, VisitSource::Api),
            )
            .await;
        assert!(matches!(r, Err(BookingError::Full)), "{r:?}");
        let report = env.s.visits().reconcile_caps().await.unwrap();
        assert!(
            report.flagged.is_empty() && report.unflagged.is_empty(),
            "{report:?}"
        );
        assert_eq!(env.outbox().await.len(), msgs.len());

        // Rebooking a flagged visit to a free time clears its flag.
        let moved = env
            .s
            .visits()
            .rebook(&agent(), ids[7], at(day, 11, 0))
            .await
            .unwrap();
        assert!(moved.flagged_at.is_none());

        // Raising the cap again clears the remaining flags.
        env.set_cap(
            8,
            true,
            test_now()
                .saturating_add(SignedDuration::from_secs(1))
                .unwrap(),
        )
        .await;
        assert!(
            env.s
                .visits()
                .flagged_visits(env.site)
                .await
                .unwrap()
                .is_empty(),
            "{b:?}"
        );
        for id in &ids {
            assert!(env.visit(*id).await.flagged_at.is_none());
        }
    }
}

#[tokio::test]
async fn walk_ins_need_the_policy_and_count_against_the_cap() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("moving").await; // 15 minutes
        env.set_cap(3, false, long_ago()).await;
        let r = env
            .s
            .visits()
            .walk_in(&agent(), env.site, service, 1, "")
            .await;
        assert!(
            matches!(
                r,
                Err(BookingError::Invalid(Invalid {
                    field: "policy",
                    problem: Problem::Visits(VisitError::WalkInsStopped),
                }))
            ),
            "{backend:?}: {r:?}"
        );
        env.set_cap(3, true, test_now()).await;
        let v = env
            .s
            .visits()
            .walk_in(&agent(), env.site, service, 2, "Eva")
            .await
            .unwrap();
        let now = to_micros(test_now());
        assert_eq!(
            (v.status, v.source),
            (VisitStatus::CheckedIn, VisitSource::WalkIn)
        );
        assert_eq!((v.starts_at, v.ends_at), (now, now + 15 * MINUTE));
        assert_eq!(v.checked_in_at, Some(now));
        env.s
            .visits()
            .walk_in(&agent(), env.site, service, 1, "")
            .await
            .unwrap();
        let r = env
            .s
            .visits()
            .walk_in(&agent(), env.site, service, 1, "")
            .await;
        assert!(matches!(r, Err(BookingError::Full)), "{backend:?}: {r:?}");
        assert_eq!(
            env.load(now, now + 15 * MINUTE).await.get(&now),
            Some(&(3, 2))
        );

        // Bookings and walk-ins share the cap.
        let eleven = at(date(2026, 11, 23), 11, 0);
        env.s
            .visits()
            .book(
                &agent(),
                &env.req(service, eleven, "0707000001", 3, VisitSource::Agent),
            )
            .await
            .unwrap();
        env.clock.set(from_micros(eleven));
        let r = env
            .s
            .visits()
            .walk_in(&agent(), env.site, service, 1, "")
            .await;
        assert!(matches!(r, Err(BookingError::Full)), "{backend:?}: {r:?}");
        // At lunch the centre is closed.
        env.clock.set(from_micros(at(date(2026, 11, 23), 12, 30)));
        let r = env
            .s
            .visits()
            .walk_in(&agent(), env.site, service, 1, "")
            .await;
        assert!(
            matches!(
                r,
                Err(BookingError::Invalid(Invalid {
                    field: "start",
                    problem: Problem::Visits(VisitError::ClosedNow)
                }))
            ),
            "{r:?}"
        );
        let (lo, hi) = day_bounds(date(2026, 11, 23));
        env.assert_counts_exact(lo, hi, 3, "walk-ins").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn check_in_no_show_and_idempotent_retries() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let broadband = env.service("broadband").await; // 30 minutes
        let moving = env.service("moving").await; // 15 minutes
        let day = tuesday();
        let nine = at(day, 9, 0);
        let a = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(broadband, nine, "0708000001", 1, VisitSource::Agent),
            )
            .await
            .unwrap()
            .visit;
        let b = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(broadband, nine, "0708000002", 1, VisitSource::Agent),
            )
            .await
            .unwrap()
            .visit;
        let c = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(moving, nine, "0708000003", 1, VisitSource::Agent),
            )
            .await
            .unwrap()
            .visit;
        let conflict =
            |r: Result<VisitRow, ServiceError>| matches!(r, Err(ServiceError::Conflict(_)));
        // Check-in opens 30 minutes before the start.
        assert!(
            conflict(env.s.visits().check_in(&agent(), a.id).await),
            "{backend:?}"
        );
        env.clock.set(from_micros(nine - 31 * MINUTE));
        assert!(conflict(env.s.visits().check_in(&agent(), a.id).await));
        env.clock.set(from_micros(nine - 30 * MINUTE));
        let v = env.s.visits().check_in(&agent(), a.id).await.unwrap();
        assert_eq!(v.status, VisitStatus::CheckedIn);
        assert_eq!(v.checked_in_at, Some(nine - 30 * MINUTE));
        assert!(
            conflict(env.s.visits().check_in(&agent(), a.id).await),
            "twice"
        );
        // No-show from ten minutes after the start; the rest of the time is given back.
        env.clock.set(from_micros(nine + 9 * MINUTE));
        assert!(conflict(env.s.visits().mark_no_show(&agent(), b.id).await));
        assert!(
            conflict(env.s.visits().cancel(&agent(), b.id).await),
            "started visits are not cancelled"
        );
        env.clock.set(from_micros(nine + 10 * MINUTE));
        let v = env.s.visits().mark_no_show(&agent(), b.id).await.unwrap();
        assert_eq!(v.status, VisitStatus::NoShow);
        assert_eq!(v.ended_at, Some(nine + 10 * MINUTE));
        assert!(
            conflict(env.s.visits().mark_no_show(&agent(), a.id).await),
            "a checked-in visit"
        );
        assert!(
            conflict(env.s.visits().check_in(&agent(), b.id).await),
            "after a no-show"
        );
        let load = env.load(nine, nine + 30 * MINUTE).await;
        let five = 5 * MINUTE;
        assert_eq!(load.get(&nine), Some(&(3, 3)), "{backend:?}");
        assert_eq!(
            load.get(&(nine + 2 * five)),
            Some(&(3, 3)),
            "{backend:?}: the current bucket stays"
        );
        assert_eq!(
            load.get(&(nine + 3 * five)),
            Some(&(1, 1)),
            "{backend:?}: released from 09:15"
        );
        assert_eq!(load.get(&(nine + 5 * five)), Some(&(1, 1)));
        // Check-in closes when the visit ends.
        env.clock.set(from_micros(c.ends_at));
        assert!(conflict(env.s.visits().check_in(&agent(), c.id).await));

        // A retried request with the same idempotency key books once.
        let wed = date(2026, 11, 25);
        let req = BookingRequest {
            idempotency_key: Some("client-1-req-1".into()),
            ..env.req(moving, at(wed, 10, 0), "0708000010", 2, VisitSource::Api)
        };
        let first = env.s.visits().book(&agent(), &req).await.unwrap();
        assert!(!first.replayed);
        let again = env.s.visits().book(&agent(), &req).await.unwrap();
        assert!(again.replayed, "{backend:?}");
        assert_eq!(again.visit.id, first.visit.id);
        assert_eq!(again.link, first.link);
        assert_eq!(env.holding(at(wed, 10, 0), at(wed, 10, 15)).await.len(), 1);
        // The key stands for that request: with another time (or person) it is refused, not
        // answered with the first booking.
        let other = BookingRequest {
            start: at(wed, 10, 30),
            ..req.clone()
        };
        match env.s.visits().book(&agent(), &other).await {
            Err(BookingError::Service(ServiceError::Conflict(Problem::Visits(
                VisitError::IdempotencyKeyReused,
            )))) => {}
            other => panic!("{backend:?}: a reused key with another body: {other:?}"),
        }
        assert!(
            env.holding(at(wed, 10, 30), at(wed, 10, 45))
                .await
                .is_empty()
        );

        // The same retried at once from several connections.
        let req = BookingRequest {
            idempotency_key: Some("client-1-req-2".into()),
            ..env.req(moving, at(wed, 11, 0), "0708000011", 1, VisitSource::Api)
        };
        let mut handles = Vec::new();
        for _ in 0..8 {
            let (s, req) = (env.s.clone(), req.clone());
            handles.push(tokio::spawn(async move {
                s.visits().book(&agent(), &req).await
            }));
        }
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.unwrap());
        }
        let errors: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| format!("{e:?}")))
            .collect();
        assert!(
            errors.is_empty(),
            "{backend:?}: retries must be answered with the booking: {errors:?}"
        );
        let oks: Vec<_> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!(oks.iter().filter(|b| !b.replayed).count(), 1, "{backend:?}");
        assert!(oks.iter().all(|b| b.visit.id == oks[0].visit.id));
        assert_eq!(env.holding(at(wed, 11, 0), at(wed, 11, 15)).await.len(), 1);
        let (lo, hi) = day_bounds(wed);
        env.assert_counts_exact(lo, hi, 40, "idempotency").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sweeping_and_rebooking_holds_at_once_keeps_the_count_exact() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        let service = env.service("moving").await;
        let day = tuesday();
        let (from, to) = (at(day, 9, 0), at(day, 10, 0));
        for round in 0..5 {
            let mut ids = Vec::new();
            for i in 0..10 {
                let b = env
                    .s
                    .visits()
                    .book(
                        // One address per customer: the public page's limit per address is
                        // not what this test is about.
                        &Actor::anonymous(&format!("192.0.2.{i}")),
                        &env.req(
                            service,
                            from,
                            &format!("07090{round}{i:04}"),
                            1,
                            VisitSource::Public,
                        ),
                    )
                    .await
                    .unwrap();
                ids.push(b.visit.id);
            }
            // Their links were never confirmed; the customers move them just as the sweep runs.
            env.clock.advance(SignedDuration::from_mins(31));
            let mut ops = Vec::new();
            for _ in 0..2 {
                let s = env.s.clone();
                ops.push(tokio::spawn(async move {
                    s.visits()
                        .sweep()
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("sweep: {e:?}"))
                }));
            }
            for id in ids {
                let s = env.s.clone();
                ops.push(tokio::spawn(async move {
                    match s.visits().rebook(&agent(), id, to).await {
                        Ok(_) | Err(BookingError::Service(ServiceError::Conflict(_))) => Ok(()),
                        Err(e) => Err(format!("rebook {id}: {e:?}")),
                    }
                }));
            }
            let mut failures = Vec::new();
            for h in ops {
                if let Err(e) = h.await.unwrap() {
                    failures.push(e);
                }
            }
            assert!(
                failures.is_empty(),
                "{backend:?} round {round}: {failures:#?}"
            );
            // Whatever was not expired yet goes now.
            env.s.visits().sweep().await.unwrap();
            let (lo, hi) = day_bounds(day);
            env.assert_counts_exact(lo, hi, 40, &format!("sweep round {round}"))
                .await;
            assert!(
                env.holding(lo, hi).await.is_empty(),
                "{backend:?}: all holds expired"
            );
        }
    }
}

#[tokio::test]
async fn one_phone_number_holds_at_most_two_unconfirmed_bookings() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("meter").await; // 20 minutes
        let day = tuesday();
        let anon = Actor::anonymous("192.0.2.1");
        for (i, h) in [9, 10].into_iter().enumerate() {
            let r = env.req(service, at(day, h, 0), "0704111111", 1, VisitSource::Public);
            let b = env.s.visits().book(&anon, &r).await.unwrap();
            assert_eq!(b.visit.status, VisitStatus::Unconfirmed, "{backend:?} {i}");
        }
        let third = env.req(
            service,
            at(day, 11, 0),
            "0704111111",
            1,
            VisitSource::Public,
        );
        match env.s.visits().book(&anon, &third).await {
            Err(BookingError::Invalid(Invalid {
                field: "phone",
                problem: Problem::Visits(VisitError::TooManyUnconfirmed),
            })) => {}
            other => panic!("{backend:?}: a third hold must be refused, got {other:?}"),
        }
        // Another number is not affected, and a portal booking by the same number is not held.
        let other = env.req(
            service,
            at(day, 11, 0),
            "0704222222",
            1,
            VisitSource::Public,
        );
        env.s.visits().book(&anon, &other).await.unwrap();
        let agent_booked = env.req(service, at(day, 13, 0), "0704111111", 1, VisitSource::Agent);
        env.s.visits().book(&agent(), &agent_booked).await.unwrap();
    }
}

/// A customer of record with an e-mail address (Swedish) or only a phone (English).
async fn customer(s: &Services, n: u32, email: bool) -> domain::ids::CustomerId {
    let mut tx = s.store().begin().await.unwrap();
    store::customers::insert_customers(
        &mut tx,
        &[store::customers::NewCustomer {
            customer_number: format!("{}", 7_000_000 + n),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Kund {n}"),
            identity_number: "19121212-1212".into(),
            email: email.then(|| format!("kund{n}@example.se")),
            phone: Some(format!("07055500{n:02}")),
            language: if email {
                domain::customer::Language::Sv
            } else {
                domain::customer::Language::En
            },
            preferred_channel: if email {
                domain::customer::Channel::Email
            } else {
                domain::customer::Channel::Sms
            },
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("kund {n}"),
            created_at: 0,
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let id = store::backend::testing::query_strings(
        s.store(),
        &format!(
            "SELECT CAST(id AS TEXT) FROM customers WHERE customer_number = '{}'",
            7_000_000 + n
        ),
    )
    .await[0]
        .parse()
        .unwrap();
    domain::ids::CustomerId::new(id)
}

fn visits_policy(cap: u32, walk_in: bool) -> PolicyBody {
    PolicyBody::Visits(VisitsPolicy {
        walk_in,
        booking_required: !walk_in,
        max_present_per_site: cap,
    })
}

#[tokio::test]
async fn the_policy_hook_previews_what_it_applies_and_tells_each_customer_once() {
    use domain::policy::{Capability, CustomerChange};
    use services::capability::PolicyChange;
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        env.set_cap(8, true, long_ago()).await;
        let karin = customer(&env.s, 1, true).await;
        let olle = customer(&env.s, 2, false).await;
        let service = env.service("moving").await;
        let start = at(tuesday(), 10, 0);
        // Eight visits at once, booked in this order; the last four are above a cap of four:
        // Karin twice (from two numbers), Olle once, and a visitor who is no customer.
        let owners = [
            None,
            None,
            None,
            None,
            Some(karin),
            Some(olle),
            Some(karin),
            None,
        ];
        let mut ids = Vec::new();
        for (i, owner) in owners.into_iter().enumerate() {
            let req = BookingRequest {
                customer_id: owner,
                email: Some(format!("hook{i}@example.se")),
                ..env.req(
                    service,
                    start,
                    &format!("07066600{i:02}"),
                    1,
                    VisitSource::Agent,
                )
            };
            ids.push(env.s.visits().book(&agent(), &req).await.unwrap().visit.id);
        }
        let change = PolicyChange {
            before: visits_policy(8, true),
            after: visits_policy(4, false),
            at: test_now(),
            until: None,
        };
        let hook = env.s.hook(Capability::Visits).expect("the visits hook");
        let keys: Vec<&str> = hook.describe(&change.after).iter().map(|m| m.key).collect();
        assert_eq!(
            keys,
            [
                "visits-measure-booking-required",
                "visits-measure-walk-ins-off",
                "visits-measure-cap"
            ]
        );
        let before = env.outbox().await.len();

        let preview = hook.preview(&change).await.unwrap();
        let over: Vec<i64> = ids[4..].iter().map(|id| id.get()).collect();
        let b = env.backend;
        let effect = |i: &services::capability::Impact| {
            i.effects
                .iter()
                .find(|e| e.key == "visits_over_cap")
                .unwrap()
                .ids
                .clone()
        };
        assert_eq!(effect(&preview), over, "{b:?}");
        assert_eq!(preview.effect("walk_in_stopped"), 1);
        let told = |c, id: VisitId| {
            (
                c,
                CustomerChange::VisitOverCap {
                    visit: id,
                    starts_at: from_micros(start),
                },
            )
        };
        let customers = vec![told(karin, ids[4]), told(olle, ids[5]), told(karin, ids[6])];
        assert_eq!(preview.customers, customers, "{b:?}");
        // A preview changes nothing.
        assert!(
            env.s
                .visits()
                .flagged_visits(env.site)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(env.outbox().await.len(), before);

        let applied = hook.apply(&change, "policy:test").await.unwrap();
        assert_eq!(effect(&applied), over, "{b:?}");
        assert_eq!(applied.customers, customers, "{b:?}");
        let flagged: Vec<VisitId> = env
            .s
            .visits()
            .flagged_visits(env.site)
            .await
            .unwrap()
            .iter()
            .map(|v| v.id)
            .collect();
        assert_eq!(flagged, ids[4..].to_vec(), "{b:?}: what the preview said");
        // The visitor who is no customer is told at once; customers wait for the composer.
        let msgs = env.outbox().await;
        assert_eq!(msgs.len(), before + 1, "{b:?}");
        assert_eq!(msgs[0].recipient, "hook7@example.se");
        assert_eq!(msgs[0].subject, "Välj gärna en ny tid för ditt besök");

        assert_eq!(
            env.s.tell_customers("policy:test").await.unwrap(),
            2,
            "{b:?}"
        );
        let msgs = env.outbox().await;
        let to_karin = msgs
            .iter()
            .find(|m| m.recipient == "kund1@example.se")
            .expect("Karin is told");
        for id in [ids[4], ids[6]] {
            let link = env.s.visits().visit_link(id).await.unwrap();
            assert!(to_karin.body_text.contains(&link), "{}", to_karin.body_text);
        }
        assert!(to_karin.body_text.contains("Kundcenter Centrum"));
        let to_olle = msgs
            .iter()
            .find(|m| m.recipient == "0705550002")
            .expect("Olle is told by text message");
        assert!(
            to_olle.body_text.contains("Please choose a new time"),
            "{}",
            to_olle.body_text
        );

        // Again under the same key: nothing more is flagged, recorded or sent.
        let count = env.outbox().await.len();
        let again = hook.apply(&change, "policy:test").await.unwrap();
        assert_eq!(
            effect(&again),
            over,
            "{b:?}: the visits are still above the cap"
        );
        assert!(again.customers.is_empty(), "{b:?}");
        assert_eq!(env.s.tell_customers("policy:test").await.unwrap(), 0);
        assert_eq!(
            env.outbox().await.len(),
            count,
            "{b:?}: each customer told once"
        );
        // A preview now tells nobody new: they know.
        let later = hook.preview(&change).await.unwrap();
        assert_eq!(effect(&later), over);
        assert!(later.customers.is_empty());
    }
}

#[tokio::test]
async fn a_change_later_on_only_counts_the_visits_it_reaches() {
    use domain::policy::Capability;
    use services::capability::PolicyChange;
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        env.set_cap(8, true, long_ago()).await;
        let service = env.service("moving").await;
        let (tue, wed) = (tuesday(), date(2026, 11, 25));
        for (day, n) in [(tue, 3), (wed, 3)] {
            for i in 0..n {
                let phone = format!("0707770{}{i}", day.day());
                env.s
                    .visits()
                    .book(
                        &agent(),
                        &env.req(service, at(day, 10, 0), &phone, 2, VisitSource::Agent),
                    )
                    .await
                    .unwrap();
            }
        }
        // A cap of two from Wednesday until Thursday: Tuesday's visits stay as they are.
        let change = PolicyChange {
            before: visits_policy(8, true),
            after: visits_policy(2, true),
            at: from_micros(at(wed, 0, 0)),
            until: Some(from_micros(at(date(2026, 11, 26), 0, 0))),
        };
        let hook = env.s.hook(Capability::Visits).unwrap();
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(preview.effect("visits_over_cap"), 2, "{backend:?}");
        assert_eq!(preview.effect("walk_in_stopped"), 0);
        let applied = hook.apply(&change, "policy:later").await.unwrap();
        let flagged = env.s.visits().flagged_visits(env.site).await.unwrap();
        assert_eq!(flagged.len(), 2, "{backend:?}");
        assert!(flagged.iter().all(|v| v.starts_at == at(wed, 10, 0)));
        assert_eq!(
            applied.effects, preview.effects,
            "{backend:?}: apply did what the preview said"
        );
    }
}

#[tokio::test]
async fn the_desk_and_the_site_settings_check_roles() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("moving").await;
        let customer = Actor {
            role: Some(domain::role::Role::Customer),
            customer_id: Some(domain::ids::CustomerId::new(1)),
            ..Actor::system()
        };
        let planner = Actor {
            role: Some(domain::role::Role::Planner),
            ..Actor::system()
        };
        let b = env
            .s
            .visits()
            .book(
                &agent(),
                &env.req(
                    service,
                    at(tuesday(), 9, 0),
                    "0708880001",
                    1,
                    VisitSource::Agent,
                ),
            )
            .await
            .unwrap();
        let forbidden =
            |r: Result<VisitRow, ServiceError>| matches!(r, Err(ServiceError::Forbidden));
        let v = env.s.visits();
        assert!(
            forbidden(v.check_in(&customer, b.visit.id).await),
            "{backend:?}"
        );
        assert!(forbidden(v.mark_no_show(&planner, b.visit.id).await));
        assert!(matches!(
            v.walk_in(&customer, env.site, service, 1, "").await,
            Err(BookingError::Service(ServiceError::Forbidden))
        ));
        assert!(matches!(
            v.set_site_hours(&planner, env.site, 1, &[]).await,
            Err(ServiceError::Forbidden)
        ));
        // Booking for a caller is the desk's; a customer books for themselves only.
        let for_caller = env.req(
            service,
            at(tuesday(), 10, 0),
            "0708880002",
            1,
            VisitSource::Agent,
        );
        assert!(matches!(
            v.book(&customer, &for_caller).await,
            Err(BookingError::Service(ServiceError::Forbidden))
        ));
        let someone_else = BookingRequest {
            customer_id: Some(domain::ids::CustomerId::new(2)),
            ..env.req(
                service,
                at(tuesday(), 10, 0),
                "0708880002",
                1,
                VisitSource::Portal,
            )
        };
        assert!(matches!(
            v.book(&customer, &someone_else).await,
            Err(BookingError::Service(ServiceError::Forbidden))
        ));
        assert!(matches!(
            v.book(&planner, &someone_else).await,
            Err(BookingError::Service(ServiceError::Forbidden))
        ));
    }
}

#[tokio::test]
async fn refusals_are_typed_problems() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 4).await else {
            continue;
        };
        let service = env.service("moving").await;
        let v = env.s.visits();
        let invalid = |r: Result<services::visits::Booked, BookingError>| match r {
            Err(BookingError::Invalid(i)) => Some((i.field, i.problem)),
            _ => None,
        };
        let nameless = BookingRequest {
            name: " ".into(),
            ..env.req(
                service,
                at(tuesday(), 9, 0),
                "0709990001",
                1,
                VisitSource::Agent,
            )
        };
        assert_eq!(
            invalid(v.book(&agent(), &nameless).await),
            Some(("name", Problem::Visits(VisitError::Name)))
        );
        let bad_email = BookingRequest {
            email: Some("nope".into()),
            ..env.req(
                service,
                at(tuesday(), 9, 0),
                "0709990001",
                1,
                VisitSource::Agent,
            )
        };
        assert_eq!(
            invalid(v.book(&agent(), &bad_email).await),
            Some(("email", Problem::Visits(VisitError::Email)))
        );
        let unknown = env.req(
            SiteServiceId::new(9_999),
            at(tuesday(), 9, 0),
            "0709990001",
            1,
            VisitSource::Agent,
        );
        assert_eq!(
            invalid(v.book(&agent(), &unknown).await),
            Some(("service", Problem::Visits(VisitError::UnknownService)))
        );
        let off_grid = env.req(
            service,
            at(tuesday(), 9, 5),
            "0709990001",
            1,
            VisitSource::Agent,
        );
        assert_eq!(
            invalid(v.book(&agent(), &off_grid).await),
            Some(("start", Problem::Visits(VisitError::NotOnGrid)))
        );
        // Conflicts say what stands in the way.
        let b = v
            .book(
                &agent(),
                &env.req(
                    service,
                    at(tuesday(), 9, 0),
                    "0709990001",
                    1,
                    VisitSource::Agent,
                ),
            )
            .await
            .unwrap();
        match v.check_in(&agent(), b.visit.id).await {
            Err(ServiceError::Conflict(p)) => {
                assert_eq!(p, Problem::Visits(VisitError::CheckInWindow))
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        v.cancel(&agent(), b.visit.id).await.unwrap();
        match v.cancel(&agent(), b.visit.id).await {
            Err(ServiceError::Conflict(p)) => {
                assert_eq!(p, Problem::Visits(VisitError::AlreadyCancelled))
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        match v.rebook(&agent(), b.visit.id, at(tuesday(), 10, 0)).await {
            Err(BookingError::Service(ServiceError::Conflict(p))) => {
                assert_eq!(p, Problem::Visits(VisitError::NotMovable))
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        // Site settings.
        let admin = Actor {
            role: Some(domain::role::Role::Admin),
            ..Actor::system()
        };
        let t = |h| time(h, 0, 0, 0);
        match v
            .set_site_hours(&admin, env.site, 1, &[(t(9), t(12), 9)])
            .await
        {
            Err(ServiceError::Invalid(i)) => assert_eq!(
                (i.field, i.problem),
                (
                    "staffed_desks",
                    Problem::Visits(VisitError::StaffedDesks { max: 4 })
                )
            ),
            other => panic!("{backend:?}: {other:?}"),
        }
        match v
            .set_site_hours(&admin, env.site, 1, &[(t(9), t(12), 1), (t(11), t(13), 1)])
            .await
        {
            Err(ServiceError::Invalid(i)) => {
                assert_eq!(i.problem, Problem::Visits(VisitError::SpanOverlap))
            }
            other => panic!("{backend:?}: {other:?}"),
        }
        match v.set_site_hours(&admin, env.site, 8, &[]).await {
            Err(ServiceError::Invalid(i)) => {
                assert_eq!(i.problem, Problem::OutOfRange { min: 1, max: 7 })
            }
            other => panic!("{backend:?}: {other:?}"),
        }
    }
}

/// Every measure and effect of the visits hook is named in both languages.
#[test]
fn the_hooks_words_are_in_the_message_files() {
    use domain::policy::{Capability, Preset};
    use services::capability::PolicyHook;
    for preset in [Preset::Normal, Preset::Pandemic] {
        let policy = PolicyBody::preset(Capability::Visits, preset);
        // The hook reads no data to describe a policy; any handle will do.
        let measures = describe_without_data(&policy);
        assert!(!measures.is_empty());
        for m in measures {
            for lang in [Language::Sv, Language::En] {
                let text = views::explain(lang, &m);
                assert_ne!(text, m.key, "{} has no {lang:?} text", m.key);
                assert!(!text.contains('$'), "{text}");
            }
        }
    }
    for effect in ["visits_over_cap", "walk_in_stopped"] {
        let key = format!("effect-visits-{effect}");
        for lang in [Language::Sv, Language::En] {
            assert_ne!(views::translate(lang, &key, &[]), key);
        }
    }

    fn describe_without_data(policy: &PolicyBody) -> Vec<services::capability::Measure> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store = store::Store::connect("sqlite::memory:", &ConnectOptions::default())
                .await
                .unwrap();
            let s = Services::new(
                store,
                Arc::new(FixedClock::new(test_now())),
                test_settings(false),
            );
            s.visits().describe(policy)
        })
    }
}

/// The public page's limits (issue 18, finding 5): from one client address at most the
/// configured number an hour, however many arrive at once; at most three messages an hour to one
/// recipient; Swedish mobile numbers only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_public_page_takes_at_most_the_configured_bookings_from_one_address() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        let service = env.service("meter").await;
        let day = tuesday();
        let limit = test_settings(false).auth.public_bookings_per_hour;
        // 40 bookings at once from one address, each for another phone, spread over the day's
        // slots (every 15 minutes, 09:00–11:30 and 13:00–15:30).
        let slot = |i: i64| {
            let k = i % 22;
            let (h, m) = if k < 11 {
                (9, k * 15)
            } else {
                (13, (k - 11) * 15)
            };
            at(day, (h + m / 60) as i8, (m % 60) as i8)
        };
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let s = env.s.clone();
                let req = env.req(
                    service,
                    slot(i),
                    &format!("0706{i:06}"),
                    1,
                    VisitSource::Public,
                );
                tokio::spawn(async move {
                    s.visits()
                        .book(&Actor::anonymous("198.51.100.7"), &req)
                        .await
                })
            })
            .collect();
        let (mut ok, mut limited) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(BookingError::Service(ServiceError::RateLimited)) => limited += 1,
                Err(e) => panic!("{backend:?}: {e:?}"),
            }
        }
        assert_eq!((ok, limited), (limit, 40 - limit), "{backend:?}");
        // Another address is not affected; after the hour, the first may book again.
        let req = env.req(
            service,
            at(day, 13, 0),
            "0707000001",
            1,
            VisitSource::Public,
        );
        env.s
            .visits()
            .book(&Actor::anonymous("198.51.100.8"), &req)
            .await
            .unwrap();
        env.clock.advance(SignedDuration::from_mins(61));
        let req = env.req(
            service,
            at(day, 13, 30),
            "0707000002",
            1,
            VisitSource::Public,
        );
        env.s
            .visits()
            .book(&Actor::anonymous("198.51.100.7"), &req)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_public_page_writes_to_one_recipient_at_most_three_times_an_hour_and_only_to_mobiles() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 12).await else {
            continue;
        };
        let service = env.service("meter").await;
        let day = tuesday();
        // Someone fills in another person's e-mail address from ever new addresses and phones.
        for i in 0..4 {
            let req = BookingRequest {
                email: Some("offer@example.se".into()),
                ..env.req(
                    service,
                    at(day, 9 + i as i8, 0),
                    &format!("070800000{i}"),
                    1,
                    VisitSource::Public,
                )
            };
            let r = env
                .s
                .visits()
                .book(&Actor::anonymous(&format!("203.0.113.{i}")), &req)
                .await;
            match (i, r) {
                (0..=2, Ok(_)) | (3, Err(BookingError::Service(ServiceError::RateLimited))) => {}
                (i, other) => panic!("{backend:?}: booking {i}: {other:?}"),
            }
        }
        let sent = env
            .outbox()
            .await
            .into_iter()
            .filter(|m| m.recipient == "offer@example.se")
            .count();
        assert_eq!(sent, 3, "{backend:?}");
        // A landline, a foreign or premium number gets no text from the public page; an agent
        // may still book for a caller with a landline.
        for phone in ["08-123 456 78", "+44 7700 900123", "0900-123 45 67"] {
            let req = env.req(service, at(day, 14, 0), phone, 1, VisitSource::Public);
            match env
                .s
                .visits()
                .book(&Actor::anonymous("203.0.113.99"), &req)
                .await
            {
                Err(BookingError::Invalid(Invalid {
                    field: "phone",
                    problem: Problem::Visits(VisitError::MobilePhone),
                })) => {}
                other => panic!("{backend:?}: {phone}: {other:?}"),
            }
        }
        let req = env.req(
            service,
            at(day, 14, 0),
            "08-123 456 78",
            1,
            VisitSource::Agent,
        );
        env.s.visits().book(&agent(), &req).await.unwrap();
    }
}

/// One waitlist place per person and day, three at once; and a freed place with a thousand
/// people waiting is offered to the first who fits, at the cost of a few searches.
#[tokio::test]
async fn the_waitlist_takes_one_place_per_person_and_day_and_a_few_at_once() {
    for backend in BACKENDS {
        let Some(env) = Env::new(backend, 1).await else {
            continue;
        };
        let service = env.service("meter").await;
        let first = tuesday();
        // Joined at the desk (the public page's limits per address and recipient are another
        // test's); the waitlist's own limits hold for every way of joining.
        let join = |phone: &'static str, day: Date, _desk: &'static str| {
            let s = env.s.clone();
            let req = env.req(service, 0, phone, 1, VisitSource::Agent);
            async move { s.visits().join_waitlist(&agent(), &req, day).await }
        };
        let days: Vec<Date> = (0..5)
            .map(|w| first.saturating_add(jiff::Span::new().days(7 * w)))
            .collect();
        join("0701234567", days[0], "192.0.2.50").await.unwrap();
        match join("0701234567", days[0], "192.0.2.51").await {
            Err(BookingError::Invalid(Invalid {
                field: "day",
                problem: Problem::Visits(VisitError::WaitingAlready),
            })) => {}
            other => panic!("{backend:?}: the same day twice: {other:?}"),
        }
        join("0701234567", days[1], "192.0.2.52").await.unwrap();
        join("0701234567", days[2], "192.0.2.53").await.unwrap();
        match join("0701234567", days[3], "192.0.2.54").await {
            Err(BookingError::Invalid(Invalid {
                field: "day",
                problem: Problem::Visits(VisitError::TooManyWaits { max: 3 }),
            })) => {}
            other => panic!("{backend:?}: a fourth day: {other:?}"),
        }
    }
}

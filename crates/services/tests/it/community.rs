//! Community support through its handle, on both backends: donations never below the reserve
//! and into the ledger; free upgrades only for businesses with broadband under a policy that
//! offers them; the daily run starting, reminding and reverting each upgrade once (also when cut
//! off half way); events refused above the gathering limit in force on their day; the ledger's
//! totals; and the hook: the preview equal to what apply does, organisers told once.

use std::sync::Arc;

use domain::community::upgrades::{UpgradeState, Via};
use domain::community::{CommunityPolicy, CommunityProblem, GatheringLimit, LedgerCategory};
use domain::customer::CustomerKind;
use domain::ids::CustomerId;
use domain::policy::{Capability, PolicyBody};
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use services::capability::PolicyChange;
use services::community::{DonationInput, EventInput, ItemInput, UpgradeInput};
use services::{Actor, FixedClock, ServiceError, Services};
use store::backend::testing::{execute, query_strings};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

/// `test_now()`'s day in Stockholm.
const TODAY: Date = date(2026, 11, 23);

fn manager() -> Actor {
    Actor {
        role: Some(Role::ContinuityManager),
        name: "Berit Beredskap".into(),
        ..Actor::system()
    }
}

fn as_role(role: Role) -> Actor {
    Actor {
        role: Some(role),
        ..manager()
    }
}

async fn setup(backend: Backend) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(FixedClock::new(test_now()));
    let s = Services::new(store, clock.clone(), test_settings(false));
    Some((s, clock, db))
}

/// A customer numbered `7000000 + n`, with broadband at `speed` when given.
async fn customer(s: &Services, n: u32, kind: CustomerKind, speed: Option<u32>) -> CustomerId {
    let number = format!("{}", 7_000_000 + n);
    let mut tx = s.store().begin().await.unwrap();
    store::customers::insert_customers(
        &mut tx,
        &[store::customers::NewCustomer {
            customer_number: number.clone(),
            kind,
            name: format!("Företag {n} AB"),
            identity_number: "556036-0793".into(),
            email: Some(format!("f{n}@example.se")),
            phone: None,
            language: domain::customer::Language::Sv,
            preferred_channel: domain::customer::Channel::Email,
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("företag {n}"),
            created_at: 0,
        }],
    )
    .await
    .unwrap();
    if speed.is_some() {
        store::customers::insert_subscriptions(
            &mut tx,
            &[store::customers::NewSubscription {
                customer_number: number.clone(),
                anlaggnings_id: None,
                service: domain::meter::UtilityService::Broadband,
                started_on: date(2020, 1, 1),
            }],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    if let Some(speed) = speed {
        let mut tx = s.store().begin().await.unwrap();
        store::community::upgrades::set_unrecorded_speeds(&mut tx, speed)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let id = query_strings(
        s.store(),
        &format!("SELECT CAST(id AS TEXT) FROM customers WHERE customer_number = '{number}'"),
    )
    .await[0]
        .parse::<i64>()
        .unwrap();
    CustomerId::new(id)
}

/// The community policy `p` in force from `from` until further notice.
async fn set_policy(s: &Services, p: CommunityPolicy, from: jiff::Timestamp) {
    s.policies()
        .change(
            &Actor::system(),
            &PolicyBody::Community(p),
            from,
            None,
            "test",
        )
        .await
        .unwrap();
}

fn upgrade(customer: u32, speed: u32, from: Date, to: Date) -> UpgradeInput {
    UpgradeInput {
        customer_number: format!("{}", 7_000_000 + customer),
        speed_mbit: speed.to_string(),
        from: from.to_string(),
        to: to.to_string(),
    }
}

fn conflict(e: ServiceError) -> Problem {
    match e {
        ServiceError::Conflict(p) => p,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid(e: ServiceError) -> (&'static str, Problem) {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

async fn count(s: &Services, sql: &str) -> i64 {
    query_strings(s.store(), &format!("SELECT CAST(({sql}) AS TEXT)")).await[0]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_donation_never_takes_the_stock_below_its_reserve_and_goes_into_the_ledger() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.community();
        let item = ItemInput {
            name: "Handsprit".into(),
            unit: "litre".into(),
            quantity: "500".into(),
            reserve: "120".into(),
            usage_per_week: "40".into(),
            unit_value: "45".into(),
            location: "Centrallagret".into(),
            function_id: None,
        };
        let id = h.add_item(&manager(), &item).await.unwrap();
        assert_eq!(
            invalid(h.add_item(&manager(), &item).await.unwrap_err()),
            ("name", CommunityProblem::NameTaken.into())
        );
        let gift = |qty: &str| DonationInput {
            item_id: Some(id),
            quantity: qty.into(),
            recipient: "Region Örebro län".into(),
            recipient_kind: "public_body".into(),
            org_number: "232100-0164".into(),
            reason: "Vården saknar handsprit".into(),
        };
        assert_eq!(
            invalid(h.donate(&manager(), &gift("381")).await.unwrap_err()),
            (
                "quantity",
                CommunityProblem::BelowReserve { available: 380 }.into()
            ),
            "{backend:?}"
        );
        assert!(matches!(
            h.donate(&as_role(Role::Agent), &gift("1")).await,
            Err(ServiceError::Forbidden)
        ));
        h.donate(&manager(), &gift("300")).await.unwrap();
        let stock = h.stock(&manager()).await.unwrap();
        assert_eq!(stock[0].item.quantity, 200);
        assert_eq!(stock[0].available, 80);
        assert_eq!(stock[0].weeks, Some(5), "200 litres at 40 a week");
        assert_eq!(
            invalid(h.donate(&manager(), &gift("81")).await.unwrap_err()).1,
            CommunityProblem::BelowReserve { available: 80 }.into()
        );
        let ledger = h
            .ledger(&as_role(Role::Finance), TODAY, TODAY)
            .await
            .unwrap();
        assert_eq!(ledger.entries.len(), 1);
        let e = &ledger.entries[0];
        assert_eq!(e.category, LedgerCategory::Donation);
        assert_eq!(e.amount.ore(), 300 * 4_500);
        assert_eq!(e.decided_by, "Berit Beredskap");
        assert_eq!(e.recipient_org_number.as_deref(), Some("232100-0164"));
        assert_eq!(
            ledger.totals.by_category[&LedgerCategory::Donation].ore(),
            1_350_000
        );
        let csv = String::from_utf8(
            h.ledger_csv(&as_role(Role::Finance), TODAY, TODAY)
                .await
                .unwrap(),
        )
        .unwrap();
        assert!(
            csv.contains("donation,1350000,public_body,Region Örebro län"),
            "{csv}"
        );
        assert!(matches!(
            h.ledger(&as_role(Role::Agent), TODAY, TODAY).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn free_upgrades_only_for_businesses_with_broadband_under_a_policy_that_offers_them() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        customer(&s, 1, CustomerKind::Business, Some(100)).await;
        customer(&s, 2, CustomerKind::Private, Some(100)).await;
        customer(&s, 3, CustomerKind::Business, None).await;
        let h = s.community();
        let agent = as_role(Role::Agent);
        let (from, to) = (
            TODAY.saturating_add(1.day()),
            TODAY.saturating_add(30.days()),
        );
        let ask = |n: u32, speed: u32, to: Date| {
            let h = h.clone();
            let agent = agent.clone();
            async move {
                h.request_upgrade(&agent, Via::Agent, &upgrade(n, speed, from, to))
                    .await
            }
        };
        assert_eq!(
            conflict(ask(1, 1000, to).await.unwrap_err()),
            CommunityProblem::NotOffered.into(),
            "{backend:?}: the normal policy offers none"
        );
        set_policy(&s, CommunityPolicy::preset(true), test_now()).await;
        assert_eq!(
            conflict(ask(2, 1000, to).await.unwrap_err()),
            CommunityProblem::NotABusiness.into()
        );
        assert_eq!(
            conflict(ask(3, 1000, to).await.unwrap_err()),
            CommunityProblem::NoBroadband.into()
        );
        assert_eq!(
            conflict(
                ask(1, 1000, from.saturating_add(90.days()))
                    .await
                    .unwrap_err()
            ),
            CommunityProblem::TooLong { max: 90 }.into()
        );
        assert_eq!(
            conflict(ask(1, 100, to).await.unwrap_err()),
            CommunityProblem::NotFaster { current: 100 }.into()
        );
        assert_eq!(
            invalid(ask(99, 1000, to).await.unwrap_err()).0,
            "customer_number"
        );
        let u = ask(1, 1000, to).await.unwrap();
        assert_eq!(u.state, UpgradeState::Scheduled);
        assert_eq!((u.normal_speed_mbit, u.speed_mbit), (100, 1000));
        // 500 kr a month more for 30 days: 6 000 kr × 30 / 365.
        assert_eq!(u.value.ore(), 49_315);
        assert_eq!(
            conflict(ask(1, 500, to).await.unwrap_err()),
            CommunityProblem::UpgradeExists.into()
        );
        assert!(matches!(
            h.request_upgrade(
                &as_role(Role::Planner),
                Via::Agent,
                &upgrade(1, 500, from, to)
            )
            .await,
            Err(ServiceError::Forbidden)
        ));
        let listed = h.upgrades_by_number(&agent, "7000001").await.unwrap();
        assert_eq!(listed.len(), 1);
        h.cancel_upgrade(&manager(), u.id).await.unwrap();
        assert_eq!(
            conflict(h.cancel_upgrade(&manager(), u.id).await.unwrap_err()),
            CommunityProblem::UpgradeClosed.into()
        );
        // Cancelled, the connection may ask again.
        ask(1, 500, to).await.unwrap();
    }
}

#[tokio::test]
async fn the_daily_run_starts_reminds_and_reverts_each_upgrade_once() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        let c = customer(&s, 1, CustomerKind::Business, Some(100)).await;
        set_policy(&s, CommunityPolicy::preset(true), test_now()).await;
        let h = s.community();
        let (from, to) = (
            TODAY.saturating_add(1.day()),
            TODAY.saturating_add(30.days()),
        );
        let u = h
            .request_upgrade(
                &as_role(Role::Agent),
                Via::Agent,
                &upgrade(1, 1000, from, to),
            )
            .await
            .unwrap();
        let system = Actor::system();
        let at = |d: Date| {
            domain::time::start_of_day(d, s.tz())
                .saturating_add(1.hour())
                .unwrap()
        };
        assert_eq!(h.run_day(&system, TODAY).await.unwrap().started, 0);
        clock.set(at(from));
        let run = h.run_day(&system, from).await.unwrap();
        assert_eq!((run.started, run.orders), (1, 1), "{backend:?}");
        assert_eq!(h.run_day(&system, from).await.unwrap().started, 0, "once");
        let (conn, list) = h.upgrades_of(&manager(), c).await.unwrap();
        assert_eq!(conn.unwrap().speed_mbit, Some(1000));
        assert_eq!(list[0].state, UpgradeState::Active);
        let ledger = h.ledger(&manager(), from, from).await.unwrap();
        assert_eq!(ledger.entries.len(), 1);
        assert_eq!(ledger.entries[0].category, LedgerCategory::BroadbandUpgrade);
        assert_eq!(ledger.entries[0].customer_id, Some(c));
        let reminder = to.saturating_sub(14.days());
        clock.set(at(reminder.saturating_sub(1.day())));
        assert_eq!(
            h.run_day(&system, reminder.saturating_sub(1.day()))
                .await
                .unwrap()
                .reminded,
            0
        );
        clock.set(at(reminder));
        assert_eq!(h.run_day(&system, reminder).await.unwrap().reminded, 1);
        assert_eq!(h.run_day(&system, reminder).await.unwrap().reminded, 0);
        clock.set(at(to));
        assert_eq!(
            h.run_day(&system, to).await.unwrap(),
            services::community::DayRun {
                date: to.to_string(),
                ..Default::default()
            }
        );
        let back = to.saturating_add(1.day());
        clock.set(at(back));
        let run = h.run_day(&system, back).await.unwrap();
        assert_eq!((run.reverted, run.orders), (1, 1));
        let (conn, list) = h.upgrades_of(&manager(), c).await.unwrap();
        assert_eq!(conn.unwrap().speed_mbit, Some(100));
        assert_eq!(list[0].state, UpgradeState::Reverted);
        let orders = h.orders_on(&manager(), back).await.unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].speed_mbit, 100);
        assert_eq!(
            orders[0].idempotency_key,
            format!("upgrade-{}-revert", u.id.get())
        );
        let file = services::community::order_file(&orders, services::community::OrderFormat::Csv)
            .unwrap();
        let file = String::from_utf8(file).unwrap();
        assert!(
            file.starts_with("idempotency_key,action,customer_number"),
            "{file}"
        );
        assert!(file.contains(",revert,7000001,"), "{file}");
        let messages = count(
            &s,
            &format!(
                "SELECT COUNT(*) FROM outbox WHERE customer_id = {}",
                c.get()
            ),
        )
        .await;
        assert_eq!(messages, 3, "start, the reminder and the end, once each");
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM provisioning_orders").await,
            2
        );
    }
}

#[tokio::test]
async fn a_run_cut_off_half_way_and_run_again_ends_as_one_whole_run() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        set_policy(&s, CommunityPolicy::preset(true), test_now()).await;
        let from = TODAY.saturating_add(1.day());
        let n = 450;
        for i in 0..n {
            customer(&s, 100 + i, CustomerKind::Business, Some(100)).await;
        }
        let h = s.community();
        for i in 0..n {
            h.request_upgrade(
                &as_role(Role::Agent),
                Via::Agent,
                &upgrade(100 + i, 250, from, from.saturating_add(20.days())),
            )
            .await
            .unwrap();
        }
        clock.set(domain::time::start_of_day(from, s.tz()));
        // Cut off at some point of the run (a transaction in flight is rolled back).
        let cut = {
            let h = h.clone();
            tokio::spawn(async move { h.run_day(&Actor::system(), from).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
        cut.abort();
        let _ = cut.await;
        let rest = h.run_day(&Actor::system(), from).await.unwrap();
        let started = count(
            &s,
            "SELECT COUNT(*) FROM broadband_upgrades WHERE state = 'active'",
        )
        .await;
        assert_eq!(
            started,
            i64::from(n),
            "{backend:?}: every upgrade started ({rest:?})"
        );
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM provisioning_orders").await,
            i64::from(n)
        );
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM community_ledger").await,
            i64::from(n)
        );
        assert_eq!(count(&s, "SELECT COUNT(*) FROM outbox").await, i64::from(n));
        assert_eq!(h.run_day(&Actor::system(), from).await.unwrap().started, 0);
    }
}

fn event(date: Date, people: u32) -> EventInput {
    EventInput {
        organiser: "Karlskoga Folkets Hus".into(),
        org_number: "802003-1236".into(),
        contact_name: "Kansliet".into(),
        contact_email: "kansli@example.se".into(),
        date: date.to_string(),
        place: "Folkets park".into(),
        expected_attendees: people.to_string(),
        needs: vec!["money".into()],
        amount: "5000".into(),
        description: String::new(),
    }
}

#[tokio::test]
async fn events_above_the_limit_in_force_on_their_day_are_refused_exactly_the_limit_is_allowed() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        let limit_day = TODAY.saturating_add(10.days());
        let mut eight = CommunityPolicy::preset(true);
        eight.gathering_limit = Some(GatheringLimit {
            max_people: 8,
            source: "SFS 2020:114".into(),
        });
        set_policy(&s, eight, domain::time::start_of_day(limit_day, s.tz())).await;
        let h = s.community();
        let public = Actor::anonymous("192.0.2.1");
        let before = limit_day.saturating_sub(1.day());
        h.apply_for_event(&public, &event(before, 20), true)
            .await
            .expect("no limit the day before");
        assert_eq!(
            invalid(
                h.apply_for_event(&public, &event(limit_day, 9), true)
                    .await
                    .unwrap_err()
            ),
            (
                "expected_attendees",
                CommunityProblem::AboveGatheringLimit {
                    expected: 9,
                    max: 8,
                    rule: "SFS 2020:114".into()
                }
                .into()
            ),
            "{backend:?}"
        );
        let id = h
            .apply_for_event(&public, &event(limit_day, 8), true)
            .await
            .expect("exactly the limit");
        let mut no_mail = event(limit_day, 5);
        no_mail.contact_email = String::new();
        assert_eq!(
            invalid(
                h.apply_for_event(&public, &no_mail, true)
                    .await
                    .unwrap_err()
            )
            .0,
            "contact_email"
        );
        let mut no_needs = event(limit_day, 5);
        no_needs.needs.clear();
        assert_eq!(
            invalid(
                h.apply_for_event(&public, &no_needs, true)
                    .await
                    .unwrap_err()
            ),
            ("needs", CommunityProblem::NoNeeds.into())
        );
        assert_eq!(
            invalid(
                h.decide_event(&manager(), id, false, "", "")
                    .await
                    .unwrap_err()
            ),
            ("note", Problem::ReasonRequired)
        );
        h.decide_event(&manager(), id, true, "4000", "Lycka till!")
            .await
            .unwrap();
        assert_eq!(
            conflict(
                h.decide_event(&manager(), id, true, "4000", "")
                    .await
                    .unwrap_err()
            ),
            CommunityProblem::AlreadyDecided.into()
        );
        let ledger = h.ledger(&manager(), TODAY, TODAY).await.unwrap();
        assert_eq!(ledger.entries.len(), 1);
        assert_eq!(ledger.entries[0].category, LedgerCategory::EventSupport);
        assert_eq!(ledger.entries[0].amount.ore(), 400_000);
        let mails = count(
            &s,
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'kansli@example.se'",
        )
        .await;
        assert_eq!(mails, 1, "the organiser is told the decision");
    }
}

#[tokio::test]
async fn the_hook_previews_what_apply_does_and_tells_each_organiser_once() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = setup(backend).await else {
            continue;
        };
        customer(&s, 1, CustomerKind::Business, Some(100)).await;
        let h = s.community();
        let public = Actor::anonymous("192.0.2.1");
        let day = TODAY.saturating_add(20.days());
        let big = h
            .apply_for_event(&public, &event(day, 30), true)
            .await
            .unwrap();
        let small = h
            .apply_for_event(&public, &event(day, 6), true)
            .await
            .unwrap();
        h.decide_event(&manager(), big, true, "0", "")
            .await
            .unwrap();
        h.decide_event(&manager(), small, true, "0", "")
            .await
            .unwrap();
        let mut eight = CommunityPolicy::preset(true);
        eight.gathering_limit = Some(GatheringLimit {
            max_people: 8,
            source: "SFS 2020:114".into(),
        });
        let change = PolicyChange {
            before: PolicyBody::Community(CommunityPolicy::preset(false)),
            after: PolicyBody::Community(eight),
            at: test_now(),
            until: None,
        };
        let hook = s.hook(Capability::Community).expect("a community hook");
        let preview = hook.preview(&change).await.unwrap();
        assert_eq!(preview.effect("events_above_limit"), 1, "{backend:?}");
        assert_eq!(preview.effect("organisers_told"), 1);
        assert_eq!(preview.effect("gathering_limit"), 8);
        assert_eq!(preview.effect("businesses_offered_upgrades"), 1);
        assert_eq!(preview.effect("free_upgrade_max_days"), 90);
        let before = count(&s, "SELECT COUNT(*) FROM outbox").await;
        let applied = hook.apply(&change, "policy:test").await.unwrap();
        assert_eq!(
            applied.effects, preview.effects,
            "the preview is what apply does"
        );
        hook.apply(&change, "policy:test").await.unwrap();
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM outbox").await,
            before + 1,
            "the organiser of the large event is told once"
        );
        assert!(
            applied.customers.is_empty(),
            "community records no customer changes"
        );
        let events = h.events(&manager()).await.unwrap();
        let flagged: Vec<_> = events
            .iter()
            .filter(|e| e.over_limit_key.is_some())
            .collect();
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0].id, big);
        // A policy that lifts the limit flags nothing.
        let lifted = PolicyChange {
            before: change.after.clone(),
            after: change.before.clone(),
            at: test_now(),
            until: None,
        };
        assert_eq!(
            hook.preview(&lifted)
                .await
                .unwrap()
                .effect("events_above_limit"),
            0
        );
        execute(
            s.store(),
            "UPDATE community_events SET over_limit_key = NULL",
        )
        .await;
    }
}

/// A network operator's webhook on loopback: answers each request with the next status of
/// `statuses` (then 200), and keeps every request's head and body.
async fn operator(statuses: Vec<u16>) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/orders", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut statuses = statuses.into_iter();
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head, then the body by its length.
            loop {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).into_owned());
            let status = statuses.next().unwrap_or(200);
            let reply =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    (url, seen)
}

#[tokio::test]
async fn orders_go_to_the_operator_s_webhook_with_their_idempotency_key_until_it_answers() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let (url, seen) = operator(vec![503]).await;
        let clock = Arc::new(FixedClock::new(test_now()));
        let mut settings = test_settings(false);
        settings.provisioning = services::community::ProvisioningSettings {
            url: Some(url),
            token: Some(secrecy::SecretString::from("hemligt".to_owned())),
        };
        let s = Services::new(store, clock.clone(), settings);
        customer(&s, 1, CustomerKind::Business, Some(100)).await;
        set_policy(&s, CommunityPolicy::preset(true), test_now()).await;
        let h = s.community();
        // Starting today: started at once, its order waiting for the operator.
        let u = h
            .request_upgrade(
                &as_role(Role::Agent),
                Via::Agent,
                &upgrade(1, 500, TODAY, TODAY.saturating_add(9.days())),
            )
            .await
            .unwrap();
        assert_eq!(u.state, UpgradeState::Active, "{backend:?}");
        assert_eq!(
            h.deliver_orders().await.unwrap(),
            (0, 1),
            "the operator answered 503"
        );
        assert_eq!(
            h.deliver_orders().await.unwrap(),
            (0, 0),
            "not before the retry is due"
        );
        clock.advance(jiff::SignedDuration::from_secs(61));
        assert_eq!(h.deliver_orders().await.unwrap(), (1, 0));
        assert_eq!(h.deliver_orders().await.unwrap(), (0, 0), "delivered once");
        let requests = seen.lock().unwrap().clone();
        assert_eq!(requests.len(), 2);
        let key = format!("upgrade-{}-upgrade", u.id.get());
        for r in &requests {
            let lower = r.to_ascii_lowercase();
            assert!(lower.contains(&format!("idempotency-key: {key}")), "{r}");
            assert!(lower.contains("authorization: bearer hemligt"), "{r}");
            assert!(
                r.contains("\"speed_mbit\":500") && r.contains("\"action\":\"upgrade\""),
                "{r}"
            );
        }
        let orders = h.recent_orders(&manager()).await.unwrap();
        assert_eq!(orders[0].attempts, 2);
        assert!(orders[0].delivered_at.is_some());
    }
}

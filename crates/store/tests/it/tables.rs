//! Row-level behaviour of the table modules, on both backends.

use domain::customer::{Channel, CustomerKind, Language};
use domain::meter::{MeterKind, Placement, PropertyKind, UtilityService};
use domain::policy::Capability;
use domain::role::Role;
use store::StoreError;
use test_support::{BACKENDS, test_store};

#[tokio::test]
async fn policy_at_picks_the_latest_start_in_force_and_ends_are_exclusive() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let p = |from: i64, to: Option<i64>, body: &'static str| store::policies::NewPolicy {
            capability: Capability::Visits,
            mode_id: None,
            effective_from: from,
            effective_to: to,
            body,
            set_by: "t",
            reason: "r",
            now: 0,
        };
        store::policies::insert(&mut tx, &p(100, None, "normal"))
            .await
            .unwrap();
        store::policies::insert(&mut tx, &p(200, Some(300), "pandemic"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let at = |t| {
            let store = store.clone();
            async move {
                store::policies::at(&store, Capability::Visits, t)
                    .await
                    .unwrap()
                    .map(|r| r.body)
            }
        };
        assert_eq!(at(99).await, None, "{backend:?}");
        assert_eq!(at(100).await.as_deref(), Some("normal"));
        assert_eq!(at(250).await.as_deref(), Some("pandemic"));
        assert_eq!(
            at(300).await.as_deref(),
            Some("normal"),
            "{backend:?}: the end instant is exclusive"
        );
        assert_eq!(
            store::policies::at(&store, Capability::Credit, 250)
                .await
                .unwrap()
                .map(|r| r.id),
            None
        );
    }
}

#[tokio::test]
async fn unique_violations_become_conflicts_naming_the_constraint() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let user = store::users::NewUser {
            username: "anna",
            display_name: "Anna",
            role: Role::Agent,
            customer_id: None,
            password_hash: "x",
            is_demo: false,
            now: 1,
        };
        let mut tx = store.begin().await.unwrap();
        store::users::insert(&mut tx, &user).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let err = store::users::insert(&mut tx, &user).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "{backend:?}: {err:?}"
        );
        assert!(err.is_conflict_on("username"), "{backend:?}: {err:?}");
    }
}

#[tokio::test]
async fn outbox_dedupe_keys_make_a_message_once() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let m = store::outbox::NewMessage {
            channel: domain::customer::Channel::Sms,
            customer_id: None,
            recipient: "0701234567",
            subject: "s",
            body_text: "b",
            body_html: None,
            attachment: Some(("a.ics", "text/calendar", "BEGIN:VCALENDAR")),
            status: domain::outbox::OutboxStatus::Pending,
            dedupe_key: Some("notice:1"),
            now: 5,
        };
        let mut tx = store.begin().await.unwrap();
        assert!(store::outbox::insert(&mut tx, &m).await.unwrap().is_some());
        assert!(
            store::outbox::insert(&mut tx, &m).await.unwrap().is_none(),
            "{backend:?}"
        );
        tx.commit().await.unwrap();
        let pending = store::outbox::claim_pending(&store, 10, 5, 6)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].attachment_name.as_deref(), Some("a.ics"));
        let mut tx = store.begin().await.unwrap();
        store::outbox::mark(
            &mut tx,
            pending[0].id,
            domain::outbox::OutboxStatus::Sent,
            None,
            9,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let row = store::outbox::get(&store, pending[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.status.as_str(), row.sent_at, row.attempts),
            ("sent", Some(9), 1)
        );
    }
}

#[tokio::test]
async fn search_treats_like_wildcards_as_text() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let c = |n: &str, name: &str| store::customers::NewCustomer {
            customer_number: n.into(),
            kind: CustomerKind::Private,
            name: name.into(),
            identity_number: "198112189876".into(),
            email: None,
            phone: None,
            language: Language::Sv,
            preferred_channel: Channel::Letter,
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("{} {n} storgatan 1 691 31 karlskoga", name.to_lowercase()),
            created_at: 0,
        };
        let mut tx = store.begin().await.unwrap();
        store::customers::insert_customers(
            &mut tx,
            &[
                c("1", "Åsa Öberg"),
                c("2", "Per 100% Nöjd"),
                c("3", "Ola_Svensson"),
            ],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let names = |hits: Vec<store::customers::SearchHit>| {
            hits.into_iter().map(|h| h.name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(
                store::customers::search(&store, "öberg", None, 10)
                    .await
                    .unwrap()
            ),
            vec!["Åsa Öberg"],
            "{backend:?}"
        );
        assert_eq!(
            names(
                store::customers::search(&store, "100%", None, 10)
                    .await
                    .unwrap()
            ),
            vec!["Per 100% Nöjd"]
        );
        assert_eq!(
            names(
                store::customers::search(&store, "a_s", None, 10)
                    .await
                    .unwrap()
            ),
            vec!["Ola_Svensson"]
        );
        assert_eq!(
            names(
                store::customers::search(&store, "2", None, 10)
                    .await
                    .unwrap()
            )[0],
            "Per 100% Nöjd",
            "exact number first"
        );
    }
}

/// A stored code the domain does not know is an error naming the table, the column and the
/// value, on both backends (read through a literal row, since the CHECK constraints keep such a
/// value out of the tables themselves).
#[tokio::test]
async fn an_unknown_stored_code_names_table_column_and_value() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let good = store::testing::outbox_row_from_literals(&store, "sms", "pending")
            .await
            .unwrap();
        assert_eq!(good.channel, domain::customer::Channel::Sms, "{backend:?}");
        let e = store::testing::outbox_row_from_literals(&store, "fax", "pending")
            .await
            .unwrap_err();
        match &e {
            store::StoreError::Corrupt {
                table,
                column,
                message,
            } => {
                assert_eq!((*table, *column), ("outbox", "channel"), "{backend:?}");
                assert!(message.contains("\"fax\""), "{message}");
            }
            other => panic!("{backend:?}: expected Corrupt, got {other:?}"),
        }
        let shown = e.to_string();
        assert!(
            shown.contains("outbox.channel") && shown.contains("fax"),
            "{shown}"
        );
    }
}

/// Accounts, sessions, customers, meter points and subscriptions come back as the domain's
/// types: the ids, the role, the closed sets and the dates that went in.
#[tokio::test]
async fn typed_rows_read_back_what_was_written() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        store::customers::insert_customers(
            &mut tx,
            &[store::customers::NewCustomer {
                customer_number: "7000001".into(),
                kind: CustomerKind::Business,
                name: "Bruket AB".into(),
                identity_number: "5560360793".into(),
                email: None,
                phone: Some("0586-100 00".into()),
                language: Language::En,
                preferred_channel: Channel::Sms,
                street: "Bruksgatan 1".into(),
                postal_code: "691 80".into(),
                city: "Karlskoga".into(),
                search_text: "bruket ab".into(),
                created_at: 1,
            }],
        )
        .await
        .unwrap();
        let (_, customer) = store::customers::ids_by_number(&mut tx).await.unwrap()[0].clone();
        store::customers::insert_meter_points(
            &mut tx,
            &[store::customers::NewMeterPoint {
                anlaggnings_id: "735999100000000005".into(),
                customer_id: customer,
                street: "Bruksgatan 1".into(),
                postal_code: "691 80".into(),
                city: "Karlskoga".into(),
                lat_e6: 59_326_700,
                lon_e6: 14_523_900,
                property_kind: PropertyKind::Business,
                placement: Placement::MeterRoom,
                fuse_amps: 160,
                meter_kind: MeterKind::Ct,
                meter_number: "KEM1".into(),
                created_at: 1,
            }],
        )
        .await
        .unwrap();
        let started: jiff::civil::Date = "2019-04-01".parse().unwrap();
        store::customers::insert_subscriptions(
            &mut tx,
            &[store::customers::NewSubscription {
                customer_number: "7000001".into(),
                anlaggnings_id: Some("735999100000000005".into()),
                service: UtilityService::DistrictHeating,
                started_on: started,
            }],
        )
        .await
        .unwrap();
        let user = store::users::insert(
            &mut tx,
            &store::users::NewUser {
                username: "bruket",
                display_name: "Bruket",
                role: Role::Customer,
                customer_id: Some(customer),
                password_hash: "x",
                is_demo: false,
                now: 1,
            },
        )
        .await
        .unwrap();
        let session = store::sessions::insert(&mut tx, "hash", user, "csrf", true, 5)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let c = store::customers::get(&store, customer)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (c.id, c.kind, c.language, c.preferred_channel),
            (customer, CustomerKind::Business, Language::En, Channel::Sms),
            "{backend:?}"
        );
        let m = &store::customers::meter_points_of(&store, customer)
            .await
            .unwrap()[0];
        assert_eq!(
            (m.customer_id, m.property_kind, m.placement, m.meter_kind),
            (
                customer,
                PropertyKind::Business,
                Placement::MeterRoom,
                MeterKind::Ct
            )
        );
        let s = &store::customers::subscriptions_of(&store, customer)
            .await
            .unwrap()[0];
        assert_eq!(
            (s.service, s.meter_point_id, s.started_on, s.ended_on),
            (UtilityService::DistrictHeating, Some(m.id), started, None)
        );
        let u = store::users::by_id(&store, user).await.unwrap().unwrap();
        assert_eq!((u.role, u.customer_id), (Role::Customer, Some(customer)));
        let w = store::sessions::with_user(&store, "hash")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (w.id, w.user_id, w.role, w.customer_id, w.mfa_pending),
            (session, user, Role::Customer, Some(customer), true)
        );
        assert_eq!(
            store::sessions::count_for_user(&store, user).await.unwrap(),
            1
        );
    }
}

/// Two servers' senders at once never get the same message; a claim its server left runs out
/// and the message is claimed again; a marked message is not claimed again.
#[tokio::test]
async fn outbox_claims_give_each_message_to_one_sender() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        for i in 0..40 {
            let key = format!("m:{i}");
            let m = store::outbox::NewMessage {
                channel: domain::customer::Channel::Email,
                customer_id: None,
                recipient: "a@example.se",
                subject: "s",
                body_text: "b",
                body_html: None,
                attachment: None,
                status: domain::outbox::OutboxStatus::Pending,
                dedupe_key: Some(&key),
                now: 5,
            };
            store::outbox::insert(&mut tx, &m).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut handles = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                store::outbox::claim_pending(&store, 15, 100, 1_000)
                    .await
                    .unwrap()
            }));
        }
        let mut ids = Vec::new();
        for h in handles {
            let rows = h.await.unwrap();
            assert!(rows.windows(2).all(|w| w[0].id.get() < w[1].id.get()));
            ids.extend(rows.iter().map(|r| r.id.get()));
        }
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            (ids.len(), n),
            (40, 40),
            "{backend:?}: a message went to two senders"
        );
        // Nothing left while the claims hold.
        assert!(
            store::outbox::claim_pending(&store, 100, 999, 2_000)
                .await
                .unwrap()
                .is_empty()
        );
        // One is sent; the claims run out; the rest are claimed again.
        let mut tx = store.begin().await.unwrap();
        store::outbox::mark(
            &mut tx,
            domain::ids::OutboxId::new(ids[0]),
            domain::outbox::OutboxStatus::Sent,
            None,
            500,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let again = store::outbox::claim_pending(&store, 100, 1_000, 2_000)
            .await
            .unwrap();
        assert_eq!(again.len(), 39, "{backend:?}");
        assert!(again.iter().all(|r| r.id.get() != ids[0]));
    }
}

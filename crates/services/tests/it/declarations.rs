//! "No home visits" declarations: consent recorded with its version and time, sealed at rest
//! (never in the database file or the logs in plain text), withdrawn by deletion, every read
//! audited, keys rotatable.

use std::sync::Arc;

use base64::Engine;
use domain::campaign::{CampaignProblem, ConsentVersion, RecordedBy};
use domain::ids::CustomerId;
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use services::declarations::{DeclarationForm, Keyring};
use services::{Actor, ServiceError, ServiceSettings, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

const NOTE: &str = "Maken har KOL-markör-7f3a och kan inte ta emot besök";

fn keyring(spec: &[(&str, u8)]) -> Keyring {
    Keyring::parse(
        &spec
            .iter()
            .map(|(id, b)| {
                format!(
                    "{id}:{}",
                    base64::engine::general_purpose::STANDARD.encode([*b; 32])
                )
            })
            .collect::<Vec<_>>()
            .join(","),
    )
    .unwrap()
}

fn settings(keys: Keyring) -> ServiceSettings {
    let mut s = test_settings(false);
    s.declaration_keys = keys;
    s
}

fn customer(id: i64) -> Actor {
    Actor {
        user_id: Some(domain::ids::UserId::new(100 + id)),
        name: format!("kund{id}"),
        role: Some(Role::Customer),
        customer_id: Some(domain::ids::CustomerId::new(id)),
        address: "127.0.0.1".into(),
    }
}

fn staff(role: Role) -> Actor {
    Actor {
        user_id: Some(domain::ids::UserId::new(1)),
        name: format!("{role:?}"),
        role: Some(role),
        customer_id: None,
        address: "127.0.0.1".into(),
    }
}

fn form(until: &str) -> DeclarationForm {
    DeclarationForm {
        consent: true,
        consent_version: ConsentVersion::CURRENT.to_string(),
        until: until.into(),
        note: NOTE.into(),
    }
}

async fn audit_count(s: &Services, action: &str, outcome: &str) -> usize {
    store::audit::all_in_order(s.store())
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == action && r.outcome.as_str() == outcome)
        .count()
}

async fn services_with_customers(
    backend: Backend,
    keys: Keyring,
) -> Option<(Services, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let s = Services::new(
        store,
        Arc::new(services::FixedClock::new(test_now())),
        settings(keys),
    );
    s.generate_demo(services::demo::DemoSize::Small, 3, &services::demo::Quiet)
        .await
        .unwrap();
    Some((s, db))
}

#[tokio::test(flavor = "current_thread")]
async fn a_declaration_is_consented_sealed_audited_and_withdrawn_by_deletion() {
    for backend in BACKENDS {
        let (sink, _guard) = crate::logs::Sink::capture();

        let Some((s, db)) = services_with_customers(backend, keyring(&[("k1", 1)])).await else {
            continue;
        };
        let today = s.today();
        let until = today.saturating_add(jiff::Span::new().days(90)).to_string();

        // Consent is required and the date must be sensible; nothing is stored otherwise.
        let mut no = form(&until);
        no.consent = false;
        let one = CustomerId::new(1);
        let refused = |r: Result<(), ServiceError>| match r {
            Err(ServiceError::Invalid(i)) => i,
            other => panic!("{other:?}"),
        };
        let d = s.declarations();
        assert_eq!(
            refused(d.declare(&customer(1), one, &no).await),
            Invalid::new("consent", CampaignProblem::ConsentRequired)
        );
        let mut old_text = form(&until);
        old_text.consent_version = "2019-1".into();
        assert_eq!(
            refused(d.declare(&customer(1), one, &old_text).await),
            Invalid::new("consent", CampaignProblem::ConsentOutdated)
        );
        assert_eq!(
            refused(d.declare(&customer(1), one, &form("2020-01-01")).await),
            Invalid::new(
                "until",
                CampaignProblem::ReviewDate {
                    latest: today.saturating_add(jiff::Span::new().days(366))
                }
            )
        );
        let bad_date = refused(d.declare(&customer(1), one, &form("31/12")).await);
        assert_eq!(bad_date.field, "until");
        assert!(matches!(bad_date.problem, Problem::Date(_)), "{bad_date:?}");
        let mut long = form(&until);
        long.note = "x".repeat(501);
        assert_eq!(
            refused(d.declare(&customer(1), one, &long).await),
            Invalid::new("note", Problem::TooLong { max: 500 })
        );
        // Another customer cannot declare for this one; the attempt is audited.
        assert!(matches!(
            s.declarations()
                .declare(&customer(2), CustomerId::new(1), &form(&until))
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert_eq!(audit_count(&s, "declaration_recorded", "denied").await, 1);
        assert!(
            store::declarations::of_customer(s.store(), CustomerId::new(1))
                .await
                .unwrap()
                .is_none()
        );

        s.declarations()
            .declare(&customer(1), CustomerId::new(1), &form(&until))
            .await
            .unwrap();
        // An agent records one for a caller.
        s.declarations()
            .declare(&staff(Role::Agent), CustomerId::new(2), &form(&until))
            .await
            .unwrap();

        // The row holds the consent version and time in the open, the rest sealed.
        let row = store::declarations::of_customer(s.store(), CustomerId::new(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.consent_version, ConsentVersion::CURRENT);
        assert_eq!(row.consented_at, s.now_micros());
        assert_eq!(row.review_on.to_string(), until);
        assert_eq!(row.recorded_by, RecordedBy::Customer);
        assert_eq!(row.key_id, "k1");
        // Ciphertext, not the words: decoded, the sealed bytes hold neither (compared as bytes,
        // since base64 text can spell "KOL" by chance).
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(&row.sealed)
            .unwrap();
        for word in [&b"KOL"[..], b"riskgrupp"] {
            assert!(
                !sealed.windows(word.len()).any(|w| w == word),
                "{backend:?}"
            );
        }

        // Every read is audited, the customer's own included; planners see no reason.
        let reads = audit_count(&s, "declaration_read", "success").await;
        let d = s
            .declarations()
            .read(&customer(1), CustomerId::new(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d.note, NOTE);
        assert!(d.consent_text.contains("riskgrupp"));
        assert_eq!(d.until.to_string(), until);
        s.declarations()
            .read(&staff(Role::Agent), CustomerId::new(1))
            .await
            .unwrap();
        assert_eq!(
            audit_count(&s, "declaration_read", "success").await,
            reads + 2
        );
        for (who, id) in [
            (customer(2), 1),
            (staff(Role::Planner), 1),
            (staff(Role::Technician), 1),
        ] {
            assert!(matches!(
                s.declarations().read(&who, CustomerId::new(id)).await,
                Err(ServiceError::Forbidden)
            ));
        }
        assert_eq!(audit_count(&s, "declaration_read", "denied").await, 3);
        let deferred = s
            .declarations()
            .deferred(&staff(Role::Planner))
            .await
            .unwrap();
        assert_eq!(
            deferred
                .iter()
                .map(|d| d.customer_id.get())
                .collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(audit_count(&s, "declarations_listed", "success").await, 1);

        // Nowhere in plain text: not in any table about the customer, not in the logs, and on
        // SQLite not anywhere in the database file or its write-ahead log.
        let export = store::export::customer_export(s.store(), domain::ids::CustomerId::new(1))
            .await
            .unwrap();
        let export = serde_json::to_string(&export).unwrap();
        assert!(export.contains("home_visit_declarations"));
        assert!(!export.contains("KOL-markör") && !export.contains("riskgrupp"));
        if backend == Backend::Sqlite {
            let path = db.url.trim_start_matches("sqlite://").to_owned();
            let mut seen = String::new();
            for file in [path.clone(), format!("{path}-wal")] {
                if let Ok(bytes) = std::fs::read(&file) {
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(
                        !text.contains("KOL-markör"),
                        "{file} holds the note in plain text"
                    );
                    assert!(
                        !text.contains("tillhör en riskgrupp"),
                        "{file} holds the statement"
                    );
                    seen.push_str(&text);
                }
            }
            // The scan saw the row: its open columns are there.
            assert!(
                seen.contains(&row.sealed[..16]),
                "the scan missed the declaration"
            );
        }
        let logs = sink.text();
        assert!(!logs.contains("KOL-markör"), "the logs hold the note");

        // Withdrawal deletes the row at once, and the household is no longer deferred.
        assert!(
            s.declarations()
                .withdraw(&customer(1), CustomerId::new(1))
                .await
                .unwrap()
        );
        assert!(
            store::declarations::of_customer(s.store(), CustomerId::new(1))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            s.declarations()
                .read(&customer(1), CustomerId::new(1))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            s.declarations()
                .deferred(&staff(Role::Planner))
                .await
                .unwrap()
                .iter()
                .map(|d| d.customer_id.get())
                .collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(audit_count(&s, "declaration_withdrawn", "success").await, 1);

        // Closing the campaign purges the rest.
        assert_eq!(
            s.declarations().purge(&staff(Role::Planner)).await.unwrap(),
            1
        );
        assert!(
            store::declarations::deferred(s.store())
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn keys_rotate_without_losing_a_declaration() {
    for backend in BACKENDS {
        let Some((old, _db)) = services_with_customers(backend, keyring(&[("old", 1)])).await
        else {
            continue;
        };
        let until = old
            .today()
            .saturating_add(jiff::Span::new().days(30))
            .to_string();
        old.declarations()
            .declare(&customer(3), CustomerId::new(3), &form(&until))
            .await
            .unwrap();
        // The new key first, the old one still there: old seals open, new ones use the new key.
        let both = Services::new(
            old.store().clone(),
            Arc::new(services::FixedClock::new(test_now())),
            settings(keyring(&[("new", 2), ("old", 1)])),
        );
        assert_eq!(
            both.declarations()
                .read(&customer(3), CustomerId::new(3))
                .await
                .unwrap()
                .unwrap()
                .note,
            NOTE
        );
        assert_eq!(
            both.declarations().reseal(&Actor::system()).await.unwrap(),
            1
        );
        assert_eq!(
            both.declarations().reseal(&Actor::system()).await.unwrap(),
            0
        );
        let row = store::declarations::of_customer(old.store(), CustomerId::new(3))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.key_id, "new");
        // The old key can go.
        let new_only = Services::new(
            old.store().clone(),
            Arc::new(services::FixedClock::new(test_now())),
            settings(keyring(&[("new", 2)])),
        );
        assert_eq!(
            new_only
                .declarations()
                .read(&customer(3), CustomerId::new(3))
                .await
                .unwrap()
                .unwrap()
                .note,
            NOTE
        );
        // Without any key nothing can be recorded, with a clear cause.
        let none = Services::new(
            old.store().clone(),
            Arc::new(services::FixedClock::new(test_now())),
            settings(Keyring::default()),
        );
        match none
            .declarations()
            .declare(&customer(4), CustomerId::new(4), &form(&until))
            .await
        {
            Err(ServiceError::Internal(m)) => assert!(m.contains("privacy.declaration_keys")),
            other => panic!("{other:?}"),
        }
    }
}

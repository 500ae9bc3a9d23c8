//! The server's own signatures under `security.keys` (issue 18, findings 8 and 9): links that
//! expire and survive a key rotation, an audit chain that cannot be rewritten without the key,
//! and the public page's limits (finding 5), on both backends.

use std::sync::Arc;

use jiff::SignedDuration;
use services::audit::{Event, Outcome};
use services::keys::Keyring;
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

fn ring(spec: &[(&str, u8)]) -> Keyring {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    Keyring::parse(
        &spec
            .iter()
            .map(|(n, b)| format!("{n}:{}", b64.encode([*b; 32])))
            .collect::<Vec<_>>()
            .join(","),
    )
    .unwrap()
}

fn services_with(store: store::Store, clock: Arc<FixedClock>, keys: Keyring) -> Services {
    let mut settings = test_settings(false);
    settings.security_keys = keys;
    Services::new(store, clock, settings)
}

#[tokio::test]
async fn a_link_expires_after_its_days_and_outlives_a_key_rotation() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(FixedClock::new(test_now()));
        let old = services_with(store.clone(), clock.clone(), ring(&[("a", 1)]));
        let token = old.link_token("wait", 42).await.unwrap();
        assert_eq!(old.link_id("wait", &token).await.unwrap(), Some(42));
        // Another kind of object, or an altered token, is not found.
        assert_eq!(old.link_id("visit", &token).await.unwrap(), None);
        let mut altered = token.clone().into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(old.link_id("wait", &altered).await.unwrap(), None);

        // A new key goes first; the old one stays to verify links already sent.
        let rotated = services_with(store.clone(), clock.clone(), ring(&[("b", 2), ("a", 1)]));
        assert_eq!(rotated.link_id("wait", &token).await.unwrap(), Some(42));
        let fresh = rotated.link_token("wait", 42).await.unwrap();
        assert_ne!(fresh, token, "new links are signed with the new key");
        // Once the old key is dropped, its links stop working; the new ones go on.
        let dropped = services_with(store.clone(), clock.clone(), ring(&[("b", 2)]));
        assert_eq!(dropped.link_id("wait", &token).await.unwrap(), None);
        assert_eq!(dropped.link_id("wait", &fresh).await.unwrap(), Some(42));

        // A waitlist link is good for 60 days: on the last day it works, the day after it is
        // gone (a page that says so, not "not found").
        let days = services::visits::link_lifetime_days("wait");
        assert_eq!(days, 60);
        clock.advance(SignedDuration::from_hours(24 * i64::from(days)));
        assert_eq!(dropped.link_id("wait", &fresh).await.unwrap(), Some(42));
        clock.advance(SignedDuration::from_hours(24));
        match dropped.link_id("wait", &fresh).await {
            Err(ServiceError::LinkExpired) => {}
            other => panic!("{backend:?}: an expired link must be gone, got {other:?}"),
        }
        // A forged token is never "expired": it says nothing about what exists.
        assert_eq!(dropped.link_id("wait", &altered).await.unwrap(), None);
    }
}

async fn probe(s: &Services, i: usize) {
    services::audit::record_alone(
        s,
        &Actor::system(),
        &Event {
            action: "probe",
            object_kind: "test",
            object_id: &i.to_string(),
            outcome: Outcome::Success,
            detail: "",
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_audit_chain_is_keyed_so_a_rewritten_log_does_not_verify() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(FixedClock::new(test_now()));
        // A database that ran without keys has an unkeyed start; then keys are configured.
        let unkeyed = services_with(store.clone(), clock.clone(), Keyring::default());
        for i in 0..3 {
            probe(&unkeyed, i).await;
        }
        let keyed = services_with(store.clone(), clock.clone(), ring(&[("a", 1)]));
        for i in 3..6 {
            probe(&keyed, i).await;
        }
        assert_eq!(services::audit::verify_chain(&keyed).await.unwrap(), None);
        let hashes = store::backend::testing::query_strings(
            keyed.store(),
            "SELECT hash FROM audit_log ORDER BY seq",
        )
        .await;
        assert!(
            !hashes[2].contains(':') && hashes[3].starts_with("a:"),
            "{hashes:?}"
        );
        let seq_of_last = hashes.len() as i64;

        // Rotation: entries under the new key follow, the old key still checks its own.
        let rotated = services_with(store.clone(), clock.clone(), ring(&[("b", 2), ("a", 1)]));
        probe(&rotated, 6).await;
        assert_eq!(services::audit::verify_chain(&rotated).await.unwrap(), None);
        // Without the old key, its entries cannot be checked: the chain is not said to hold.
        let forgot = services_with(store.clone(), clock.clone(), ring(&[("b", 2)]));
        assert_eq!(
            services::audit::verify_chain(&forgot).await.unwrap(),
            Some(4),
            "{backend:?}"
        );

        // Someone who can write to the database but has no key appends unkeyed entries (as a
        // server without keys would): a downgrade, found at the first of them.
        probe(&unkeyed, 7).await;
        assert_eq!(
            services::audit::verify_chain(&rotated).await.unwrap(),
            Some(seq_of_last + 2),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn an_edited_keyed_entry_breaks_the_chain_at_that_entry() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(FixedClock::new(test_now()));
        let s = services_with(store, clock, ring(&[("a", 1)]));
        for i in 0..4 {
            probe(&s, i).await;
        }
        let n: i64 = store::backend::testing::query_strings(
            s.store(),
            "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log",
        )
        .await[0]
            .parse()
            .unwrap();
        store::backend::testing::execute(
            s.store(),
            &format!(
                "UPDATE audit_log SET detail = 'rewritten' WHERE seq = {}",
                n - 1
            ),
        )
        .await;
        assert_eq!(
            services::audit::verify_chain(&s).await.unwrap(),
            Some(n - 1),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_sealed_second_factor_secret_is_not_in_the_database_in_the_clear() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let clock = Arc::new(FixedClock::new(test_now()));
        let s = services_with(store, clock, ring(&[("a", 1)]));
        let id = s
            .accounts()
            .create_user(
                "planner7",
                "Planerare Sju",
                domain::role::Role::Planner,
                None,
                "ett långt lösenord för test",
                false,
            )
            .await
            .unwrap();
        let user = store::users::by_id(s.store(), id).await.unwrap().unwrap();
        let session = services::auth::SessionUser {
            session_id: None,
            user_id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            customer_id: None,
            csrf_token: String::new(),
            mfa_pending: true,
            totp_enabled: false,
        };
        let shown = s.accounts().totp_begin(&session).await.unwrap();
        let stored = store::users::by_id(s.store(), user.id)
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .unwrap();
        assert!(
            stored.starts_with("sealed:a:") && !stored.contains(&shown.secret_base32),
            "{backend:?}: {stored}"
        );
        // The code from the stored (sealed) secret is the code from the one shown.
        assert_eq!(
            s.accounts().totp_code_for(user.id, &stored).unwrap(),
            s.accounts()
                .totp_code_for(user.id, &shown.secret_base32)
                .unwrap()
        );
    }
}

//! `policy_at` through the service, and validation of new policies.

use std::sync::Arc;

use domain::policy::{Capability, PolicyBody, Preset};
use jiff::{SignedDuration, Timestamp};
use services::{Actor, Services};
use test_support::{BACKENDS, test_now, test_settings, test_store};

#[tokio::test]
async fn the_policy_in_force_follows_its_dates() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let actor = Actor {
            role: Some(domain::role::Role::ContinuityManager),
            ..Actor::system()
        };
        let t0: Timestamp = "2020-03-16T00:00:00Z".parse().unwrap();
        let t1 = t0
            .saturating_add(SignedDuration::from_hours(24 * 400))
            .unwrap();
        assert_eq!(
            s.policy_at(Capability::Visits, t0).await.unwrap(),
            PolicyBody::preset(Capability::Visits, Preset::Normal)
        );
        let pandemic = PolicyBody::preset(Capability::Visits, Preset::Pandemic);
        s.set_policy(&actor, &pandemic, t0, Some(t1), "Folkhälsomyndighetens råd")
            .await
            .unwrap();
        assert_eq!(
            s.policy_at(Capability::Visits, t0).await.unwrap(),
            pandemic,
            "{backend:?}"
        );
        assert_eq!(
            s.policy_at(Capability::Visits, t1).await.unwrap(),
            PolicyBody::preset(Capability::Visits, Preset::Normal)
        );
        // Bad input is named.
        let e = s
            .set_policy(&actor, &pandemic, t1, Some(t0), "x")
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("effective_to"), "{e}");
        let e = s
            .set_policy(&actor, &pandemic, t0, None, " ")
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("reason"), "{e}");
        let agent = Actor {
            role: Some(domain::role::Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            s.set_policy(&agent, &pandemic, t0, None, "x").await,
            Err(services::ServiceError::Forbidden)
        ));
        // The change is audited.
        let log = services::audit::list(&s, 10, 0).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "policy_set" && e.detail == "visits")
        );
    }
}

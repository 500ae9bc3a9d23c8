//! `policies().at` through the service, and validation of new policies.

use std::sync::Arc;

use domain::policy::{Capability, PolicyBody, PolicyError, Preset};
use domain::problem::{Invalid, Problem};
use jiff::{SignedDuration, Timestamp};
use services::{Actor, ServiceError, Services};
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
            s.policies().at(Capability::Visits, t0).await.unwrap(),
            PolicyBody::preset(Capability::Visits, Preset::Normal)
        );
        let pandemic = PolicyBody::preset(Capability::Visits, Preset::Pandemic);
        s.policies()
            .set(&actor, &pandemic, t0, Some(t1), "Folkhälsomyndighetens råd")
            .await
            .unwrap();
        assert_eq!(
            s.policies().at(Capability::Visits, t0).await.unwrap(),
            pandemic,
            "{backend:?}"
        );
        assert_eq!(
            s.policies().at(Capability::Visits, t1).await.unwrap(),
            PolicyBody::preset(Capability::Visits, Preset::Normal)
        );
        // Bad input is named: the field, and why.
        let e = s
            .policies()
            .set(&actor, &pandemic, t1, Some(t0), "x")
            .await
            .unwrap_err();
        assert!(
            matches!(
                &e,
                ServiceError::Invalid(Invalid {
                    field: "effective_to",
                    problem: Problem::Policy(PolicyError::EndsBeforeStart)
                })
            ),
            "{e:?}"
        );
        let e = s
            .policies()
            .set(&actor, &pandemic, t0, None, " ")
            .await
            .unwrap_err();
        assert!(
            matches!(
                &e,
                ServiceError::Invalid(Invalid {
                    field: "reason",
                    problem: Problem::ReasonRequired
                })
            ),
            "{e:?}"
        );
        // A body a person could get wrong names its field.
        let mut closed = pandemic.clone();
        if let PolicyBody::Visits(v) = &mut closed {
            v.max_present_per_site = 0;
        }
        let e = s
            .policies()
            .set(&actor, &closed, t0, None, "x")
            .await
            .unwrap_err();
        assert!(
            matches!(
                &e,
                ServiceError::Invalid(Invalid {
                    field: "max_present_per_site",
                    problem: Problem::Policy(PolicyError::CapZero)
                })
            ),
            "{e:?}"
        );
        let agent = Actor {
            role: Some(domain::role::Role::Agent),
            ..Actor::system()
        };
        assert!(matches!(
            s.policies().set(&agent, &pandemic, t0, None, "x").await,
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

//! Crisis modes on the small demo town, on both backends: four eyes, the preview equal to what
//! the activation then does, one message per customer whatever runs twice, the end that moves
//! everything back, and the crisis log.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::modes::{ActivationStatus, LogKind, ModeProblem};
use domain::policy::{Capability, PolicyBody, Preset};
use domain::problem::Problem;
use domain::role::Role;
use jiff::{SignedDuration, Timestamp};
use services::demo::{DemoSize, Quiet};
use services::modes::{LogFilter, NewMode};
use services::{Actor, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

async fn town(
    backend: Backend,
) -> Option<(Services, Arc<services::FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(services::FixedClock::new(test_now()));
    let s = Services::new(store, clock.clone(), test_settings(true));
    s.generate_demo(DemoSize::Small, 42, &Quiet).await.unwrap();
    Some((s, clock, db))
}

/// Two continuity managers: the proposer and a second person.
async fn managers(s: &Services) -> (Actor, Actor) {
    let mut out = Vec::new();
    for name in ["anna.beredskap", "bo.beredskap"] {
        let id = s
            .accounts()
            .create_user(
                name,
                name,
                Role::ContinuityManager,
                None,
                "lösenord-lång-nog-1",
                false,
            )
            .await
            .unwrap();
        out.push(Actor {
            user_id: Some(id),
            name: name.into(),
            role: Some(Role::ContinuityManager),
            customer_id: None,
            address: "test".into(),
        });
    }
    let b = out.pop().unwrap();
    (out.pop().unwrap(), b)
}

/// How many composed messages each customer got under one change key.
async fn messages_per_customer(s: &Services, key: &str) -> BTreeMap<i64, usize> {
    let mut per = BTreeMap::new();
    for (dedupe, customer) in store::testing::outbox_keys(s.store()).await.unwrap() {
        if dedupe.starts_with(&format!("changes:{key}:")) {
            *per.entry(customer).or_default() += 1;
        }
    }
    per
}

#[tokio::test]
async fn the_proposer_cannot_approve_and_the_preview_is_what_activation_does() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = town(backend).await else {
            continue;
        };
        let (anna, bo) = managers(&s).await;
        let crisis = s.crisis();
        let mode = crisis
            .create(
                &anna,
                "Pandemi, test",
                "",
                NewMode::Preset(Preset::Pandemic),
            )
            .await
            .unwrap();
        let from = s.now();
        let to = from
            .checked_add(SignedDuration::from_hours(24 * 60))
            .unwrap();
        let preview = crisis.preview(&anna, mode, from, Some(to)).await.unwrap();
        // The preview says what the issue asks of it, from the demo town's live data: the
        // chat's hours, and customers newly able to get more time among those to tell (the
        // demo's unpaid invoices include clean histories). The campaign's forecast end is in
        // `campaign_hook` (the demo town has no open campaign).
        let effects = preview.effects();
        assert_eq!(
            (
                effects["portal"]["chat_opens_time"],
                effects["portal"]["chat_closes_time"]
            ),
            (700, 1900)
        );
        let eligible = effects["credit"]["customers_newly_eligible"];
        assert!(eligible > 0, "{backend:?}: {effects:?}");
        let asked = preview
            .customers
            .iter()
            .filter(|n| n.body.contains("anstånd") || n.body.contains("more to pay"))
            .count();
        assert_eq!(
            i64::try_from(asked).unwrap(),
            eligible,
            "{backend:?}: each newly eligible customer is told, in their one message"
        );
        let id = crisis
            .propose(
                &anna,
                mode,
                Some(1),
                from,
                Some(to),
                "Folkhälsomyndighetens råd",
            )
            .await
            .unwrap();
        // Four eyes: the proposer's own approval is refused (and audited), a second person's is not.
        let e = crisis.approve(&anna, id).await.unwrap_err();
        assert!(
            matches!(
                e,
                ServiceError::Conflict(Problem::Modes(ModeProblem::SamePerson))
            ),
            "{backend:?}: {e:?}"
        );
        assert_eq!(
            crisis.activation(&anna, id).await.unwrap().row.status,
            ActivationStatus::AwaitingApproval
        );
        assert_eq!(
            crisis.approve(&bo, id).await.unwrap(),
            ActivationStatus::Activating,
            "{backend:?}: a start that has come activates at once"
        );
        assert_eq!(
            crisis.run_start(id).await.unwrap(),
            ActivationStatus::Active
        );
        // Every capability is in the mode from its start.
        for &c in Capability::ALL {
            assert_eq!(
                s.policies().at(c, from).await.unwrap(),
                PolicyBody::preset(c, Preset::Pandemic),
                "{backend:?} {c}"
            );
        }
        // The steps report exactly the preview's effects.
        let view = crisis.activation(&anna, id).await.unwrap();
        let done: BTreeMap<String, BTreeMap<String, i64>> = view
            .steps
            .iter()
            .filter(|st| st.phase == domain::modes::StepPhase::Start)
            .map(|st| (st.capability.as_str().to_owned(), st.effects.clone()))
            .collect();
        let previewed: BTreeMap<String, BTreeMap<String, i64>> = preview
            .effects()
            .into_iter()
            .map(|(c, e)| {
                (
                    c.to_owned(),
                    e.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                )
            })
            .collect();
        assert_eq!(done, previewed, "{backend:?}");
        assert!(
            !view.steps.is_empty(),
            "{backend:?}: every capability with a hook takes a step"
        );
        // One message per customer the preview named, and only them.
        let told = messages_per_customer(&s, &format!("activation:{id}")).await;
        let expected: std::collections::BTreeSet<i64> =
            preview.customers.iter().map(|n| n.customer.get()).collect();
        assert_eq!(
            told.keys()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            expected,
            "{backend:?}"
        );
        assert!(told.values().all(|&n| n == 1), "{backend:?}: {told:?}");
        // Running it again changes nothing and tells nobody again.
        assert_eq!(
            crisis.run_start(id).await.unwrap(),
            ActivationStatus::Active
        );
        assert_eq!(
            messages_per_customer(&s, &format!("activation:{id}")).await,
            told
        );
    }
}

#[tokio::test]
async fn an_end_by_hand_needs_a_second_person_and_moves_everything_back() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = town(backend).await else {
            continue;
        };
        let (anna, bo) = managers(&s).await;
        let crisis = s.crisis();
        let mode = crisis
            .create(
                &anna,
                "Pandemi, slut",
                "",
                NewMode::Preset(Preset::Pandemic),
            )
            .await
            .unwrap();
        let from = s.now();
        let id = crisis
            .propose(&anna, mode, None, from, None, "Smittspridning")
            .await
            .unwrap();
        crisis.approve(&bo, id).await.unwrap();
        crisis.run_start(id).await.unwrap();
        // A second activation that overlaps is refused.
        let other = crisis
            .propose(&anna, mode, None, from, None, "Dubbel")
            .await
            .unwrap();
        assert!(matches!(
            crisis.approve(&bo, other).await,
            Err(ServiceError::Conflict(Problem::Modes(
                ModeProblem::Overlaps { .. }
            )))
        ));
        clock.advance(SignedDuration::from_hours(24 * 30));
        let end = s.now();
        crisis
            .propose_end(&anna, id, end, "Restriktionerna är hävda")
            .await
            .unwrap();
        assert!(matches!(
            crisis.approve_end(&anna, id).await,
            Err(ServiceError::Conflict(Problem::Modes(
                ModeProblem::SamePerson
            )))
        ));
        let preview = crisis.preview_end(&bo, id, end).await.unwrap();
        crisis.approve_end(&bo, id).await.unwrap();
        assert_eq!(crisis.run_end(id).await.unwrap(), ActivationStatus::Ended);
        for &c in Capability::ALL {
            assert_eq!(
                s.policies().at(c, end).await.unwrap(),
                PolicyBody::preset(c, Preset::Normal),
                "{backend:?} {c}: back to everyday operation at the end"
            );
        }
        let told = messages_per_customer(&s, &format!("activation:{id}:end")).await;
        assert_eq!(told.len(), preview.customers.len(), "{backend:?}");
        assert_eq!(crisis.run_end(id).await.unwrap(), ActivationStatus::Ended);
        // The log has every step, in order.
        let kinds: Vec<LogKind> = crisis
            .log(&anna, &LogFilter::default())
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.activation_id == Some(id))
            .map(|r| r.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                LogKind::Proposed,
                LogKind::Approved,
                LogKind::Activated,
                LogKind::EndProposed,
                LogKind::EndApproved,
                LogKind::Ended
            ],
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_mode_is_edited_with_field_errors_and_versions() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = town(backend).await else {
            continue;
        };
        let (anna, _) = managers(&s).await;
        let crisis = s.crisis();
        let mode = crisis
            .create(&anna, "Skärpt", "", NewMode::Preset(Preset::Normal))
            .await
            .unwrap();
        let mut policies = crisis.mode(&anna, mode).await.unwrap().policies;
        if let Some(PolicyBody::Visits(v)) = policies.get_mut(&Capability::Visits) {
            v.max_present_per_site = 0;
        }
        let e = crisis
            .save(&anna, mode, 1, "Skärpt", "", &policies)
            .await
            .unwrap_err();
        match e {
            ServiceError::Invalid(i) => assert_eq!(i.field, "visits.max_present_per_site"),
            other => panic!("{backend:?}: {other:?}"),
        }
        if let Some(PolicyBody::Visits(v)) = policies.get_mut(&Capability::Visits) {
            v.max_present_per_site = 12;
        }
        assert_eq!(
            crisis
                .save(&anna, mode, 1, "Skärpt", "", &policies)
                .await
                .unwrap(),
            2
        );
        // An editor still on version 1 is refused.
        assert!(matches!(
            crisis.save(&anna, mode, 1, "Skärpt", "", &policies).await,
            Err(ServiceError::Conflict(Problem::Modes(
                ModeProblem::StaleVersion {
                    previewed: 1,
                    current: 2
                }
            )))
        ));
        let copy = crisis
            .create(&anna, "Kopia", "", NewMode::Copy(mode))
            .await
            .unwrap();
        let copied = crisis.mode(&anna, copy).await.unwrap().policies;
        assert_eq!(copied, policies, "{backend:?}");
        // An agent may do none of it.
        let agent = Actor {
            role: Some(Role::Agent),
            user_id: Some(domain::ids::UserId::new(1)),
            ..Actor::system()
        };
        assert!(matches!(
            crisis.list(&agent).await,
            Err(ServiceError::Forbidden)
        ));
        let t: Timestamp = s.now();
        assert!(matches!(
            crisis.propose(&agent, mode, None, t, None, "x").await,
            Err(ServiceError::Forbidden)
        ));
    }
}

/// The kinds of the jobs due at the clock's instant, claimed one by one.
async fn due_kinds(s: &Services) -> Vec<store::jobs::JobRow> {
    let mut due = Vec::new();
    while let Some(job) = store::jobs::claim(s.store(), s.now_micros()).await.unwrap() {
        due.push(job);
    }
    due
}

#[tokio::test]
async fn continuity_managers_are_reminded_once_a_week_before_a_planned_end() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = town(backend).await else {
            continue;
        };
        let (anna, bo) = managers(&s).await;
        let crisis = s.crisis();
        let mode = crisis
            .create(
                &anna,
                "Pandemi, påminnelse",
                "",
                NewMode::Preset(Preset::Pandemic),
            )
            .await
            .unwrap();
        let from = s.now();
        let to = from
            .checked_add(SignedDuration::from_hours(24 * 30))
            .unwrap();
        let id = crisis
            .propose(&anna, mode, None, from, Some(to), "Smittspridning")
            .await
            .unwrap();
        crisis.approve(&bo, id).await.unwrap();
        assert_eq!(
            crisis.run_start(id).await.unwrap(),
            ActivationStatus::Active
        );
        let week_before = to.checked_sub(SignedDuration::from_hours(24 * 7)).unwrap();
        // A minute early nothing reminds anyone; at a week before the end the reminder is due.
        clock.set(
            week_before
                .checked_sub(SignedDuration::from_mins(1))
                .unwrap(),
        );
        assert!(
            due_kinds(&s)
                .await
                .iter()
                .all(|j| j.kind != services::modes::REMIND_JOB),
            "{backend:?}"
        );
        clock.set(week_before);
        let reminder = due_kinds(&s)
            .await
            .into_iter()
            .find(|j| j.kind == services::modes::REMIND_JOB)
            .expect("the reminder is due a week before the end");
        // Each continuity manager with an e-mail address (the demo's two) gets one message, once.
        assert_eq!(
            crisis.remind_job(&reminder.payload).await.unwrap(),
            2,
            "{backend:?}"
        );
        assert_eq!(
            crisis.remind_job(&reminder.payload).await.unwrap(),
            0,
            "{backend:?}"
        );
        let logged = crisis
            .log(
                &anna,
                &LogFilter {
                    from: None,
                    to: None,
                    kind: Some(LogKind::EndReminder),
                },
            )
            .await
            .unwrap();
        assert_eq!(logged.len(), 1, "{backend:?}");
    }
}

//! The campaign's policy hook on a real campaign: a preview's counts, job ids and customers are
//! what applying the change then does; applying twice under one key does it once; a policy
//! that starts later is applied by the worker's re-plan, which tells each household once.

use std::collections::BTreeSet;
use std::sync::Arc;

use base64::Engine;
use domain::campaign::{ConsentVersion, JobStatus, Plannability};
use domain::ids::{CampaignId, CampaignJobId, CustomerId};
use domain::meter::{Placement, PropertyKind};
use domain::policy::{Capability, CustomerChange, PolicyBody, Preset};
use domain::role::Role;
use services::campaign::{CrewForm, PlanBudget};
use services::capability::{Impact, PolicyChange};
use services::declarations::{DeclarationForm, Keyring};
use services::{Actor, Services};
use test_support::{BACKENDS, Backend, TestDb, test_now, test_settings, test_store};

/// The subjects of the message composed for a household whose visit is postponed (one
/// change, or several), in either language.
const POSTPONED: [&str; 4] = [
    "Ditt mätarbyte skjuts upp",
    "Ändringar som gäller dig",
    "Your meter exchange is postponed",
    "Changes that affect you",
];

fn planner() -> Actor {
    Actor {
        role: Some(Role::Planner),
        name: "planerare".into(),
        ..Actor::system()
    }
}

/// A planned campaign whose every planned job was told its day, with one household of an
/// indoor meter at a house that declared "no home visits".
struct Told {
    s: Services,
    _db: TestDb,
    campaign: CampaignId,
    declared: CustomerId,
}

async fn told_campaign(backend: Backend) -> Option<Told> {
    let (store, db) = test_store(backend).await?;
    let mut settings = test_settings(false);
    settings.declaration_keys = Keyring::parse(&format!(
        "k:{}",
        base64::engine::general_purpose::STANDARD.encode([5u8; 32])
    ))
    .unwrap();
    let s = Services::new(
        store,
        Arc::new(services::FixedClock::new(test_now())),
        settings,
    );
    s.generate_demo(services::demo::DemoSize::Small, 5, &services::demo::Quiet)
        .await
        .unwrap();
    let c = s.campaign();
    let campaign = c.open(&planner(), "Mätarbyte", s.today()).await.unwrap().0;
    for (name, skills) in [("Lag 1", vec!["ct".to_owned()]), ("Lag 2", vec![])] {
        let form = CrewForm {
            name: name.into(),
            supplier_id: None,
            skills,
            depot: Some((59_326_000, 14_523_000)),
            shift_start_min: 7 * 60,
            shift_end_min: 16 * 60,
        };
        c.add_crew(&planner(), &form).await.unwrap();
    }
    c.plan(&planner(), 2, PlanBudget::Iterations(1_500), 1)
        .await
        .unwrap();
    let jobs = store::campaign::jobs(s.store(), campaign).await.unwrap();
    let planned: Vec<CampaignJobId> = jobs
        .iter()
        .filter(|j| j.status == JobStatus::Planned)
        .map(|j| j.id)
        .collect();
    let mut tx = s.store().begin().await.unwrap();
    store::campaign::mark_notified(&mut tx, &planned, s.now_micros())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let declared = jobs
        .iter()
        .find(|j| {
            j.status == JobStatus::Planned
                && j.placement == Placement::Indoor
                && j.property_kind == PropertyKind::House
        })
        .expect("an indoor meter at a house is planned")
        .customer_id;
    let customer = Actor {
        role: Some(Role::Customer),
        customer_id: Some(declared),
        ..Actor::system()
    };
    let form = DeclarationForm {
        consent: true,
        consent_version: ConsentVersion::CURRENT.to_string(),
        until: s
            .today()
            .saturating_add(jiff::Span::new().days(90))
            .to_string(),
        note: String::new(),
    };
    s.declarations()
        .declare(&customer, declared, &form)
        .await
        .unwrap();
    Some(Told {
        s,
        _db: db,
        campaign,
        declared,
    })
}

fn preset(p: Preset) -> PolicyBody {
    PolicyBody::preset(Capability::Campaign, p)
}

fn pandemic_now(s: &Services) -> PolicyChange {
    PolicyChange {
        before: preset(Preset::Normal),
        after: preset(Preset::Pandemic),
        at: s.now(),
        until: None,
    }
}

fn ids(impact: &Impact, key: &str) -> Vec<i64> {
    impact
        .effects
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.ids.clone())
        .unwrap_or_default()
}

/// The customers in an impact, once each.
fn households(impact: &Impact) -> BTreeSet<CustomerId> {
    impact.customers.iter().map(|(c, _)| *c).collect()
}

async fn postponements(s: &Services, customer: CustomerId) -> usize {
    store::outbox::of_customer(s.store(), customer, 100)
        .await
        .unwrap()
        .iter()
        .filter(|m| POSTPONED.contains(&m.subject.as_str()))
        .count()
}

#[tokio::test]
async fn a_preview_is_what_applying_the_change_then_does() {
    for backend in BACKENDS {
        let Some(t) = told_campaign(backend).await else {
            continue;
        };
        let s = &t.s;
        let hook = s
            .hook(Capability::Campaign)
            .expect("the campaign has a hook");
        let change = pandemic_now(s);
        let before = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        let forecast = || async {
            let p = s.campaign().progress(&planner()).await.unwrap();
            services::capability::Unit::date_value(p.forecast)
        };
        let forecast_before = forecast().await;
        let preview = hook.preview(&change).await.unwrap();
        // The preview changed nothing.
        let after_preview = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        assert!(
            before
                .iter()
                .zip(&after_preview)
                .all(|(a, b)| a.status == b.status
                    && a.plannability == b.plannability
                    && a.crew_id == b.crew_id),
            "{backend:?}: a preview writes nothing"
        );
        assert!(
            preview.effect("jobs_deferred") >= 1,
            "{backend:?}: {preview:?}"
        );
        assert!(
            preview.effect("jobs_paused") >= 1,
            "{backend:?}: {preview:?}"
        );
        assert!(
            preview.effect("visits_postponed") >= 2,
            "{backend:?}: {preview:?}"
        );
        assert!(
            preview.effect("crew_days_affected") >= 1,
            "{backend:?}: {preview:?}"
        );
        assert_eq!(preview.effect("jobs_released"), 0);
        assert!(
            preview.customers.iter().any(|(c, change)| *c == t.declared
                && matches!(
                    change,
                    CustomerChange::MeterVisitPostponed {
                        at_request: true,
                        ..
                    }
                )),
            "{backend:?}: the declared household is told, at its request"
        );
        assert!(
            preview.customers.iter().any(|(_, change)| matches!(
                change,
                CustomerChange::MeterVisitPostponed {
                    at_request: false,
                    ..
                }
            )),
            "{backend:?}: a paused household is told, because of the restrictions"
        );

        // The forecast end before is the progress page's; the one after is what the progress
        // page says once the change is made (before the re-plan fills the freed places).
        assert!(
            forecast_before > 20_260_000,
            "{backend:?}: {forecast_before}"
        );
        assert_eq!(preview.effect("forecast_end_before_date"), forecast_before);

        let key = "test:pandemic";
        let applied = hook.apply(&change, key).await.unwrap();
        assert_eq!(
            applied, preview,
            "{backend:?}: apply did what the preview said"
        );
        assert_eq!(
            preview.effect("forecast_end_after_date"),
            forecast().await,
            "{backend:?}"
        );
        // The jobs are as the preview's ids say.
        let jobs = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        let job = |id: i64| jobs.iter().find(|j| j.id.get() == id).unwrap();
        for id in ids(&preview, "jobs_deferred") {
            assert_eq!(job(id).plannability, Plannability::DeferredAtRequest);
        }
        for id in ids(&preview, "jobs_paused") {
            assert_eq!(job(id).plannability, Plannability::Paused);
        }
        for id in ids(&preview, "visits_postponed") {
            let j = job(id);
            assert_eq!(
                (j.status, j.crew_id),
                (JobStatus::Open, None),
                "{backend:?}"
            );
        }
        let crew_days: BTreeSet<_> = ids(&preview, "crew_days_affected")
            .into_iter()
            .map(|id| {
                let b = before.iter().find(|j| j.id.get() == id).unwrap();
                (b.crew_id.unwrap(), b.planned_on.unwrap())
            })
            .collect();
        assert_eq!(crew_days.len() as i64, preview.effect("crew_days_affected"));
        // Each household is told once, whatever changed for it.
        let told = s.tell_customers(key).await.unwrap();
        assert_eq!(told, households(&preview).len(), "{backend:?}");
        for c in households(&preview) {
            assert_eq!(postponements(s, c).await, 1, "{backend:?}: customer {c}");
        }
        let declared = store::outbox::of_customer(s.store(), t.declared, 100)
            .await
            .unwrap();
        let m = declared
            .iter()
            .find(|m| POSTPONED.contains(&m.subject.as_str()))
            .expect("the declared household's message");
        assert!(
            m.body_text.contains("Som du bett om") || m.body_text.contains("As you asked"),
            "{}",
            m.body_text
        );
        assert!(!m.body_text.contains("hälsa") && !m.body_text.contains("health"));
        // The policy's start is queued as a re-plan under the key.
        let queued = store::jobs::claim(s.store(), s.now_micros())
            .await
            .unwrap()
            .expect("a re-plan is queued");
        assert_eq!(queued.kind, services::campaign::REPLAN_JOB);
        assert!(
            queued.payload.contains("test:pandemic:from"),
            "{}",
            queued.payload
        );
    }
}

#[tokio::test]
async fn applying_twice_under_one_key_does_it_once() {
    for backend in BACKENDS {
        let Some(t) = told_campaign(backend).await else {
            continue;
        };
        let s = &t.s;
        let hook = s.hook(Capability::Campaign).unwrap();
        let mut change = pandemic_now(s);
        change.until = Some(
            s.now()
                .checked_add(jiff::SignedDuration::from_hours(24 * 30))
                .unwrap(),
        );
        let first = hook.apply(&change, "twice").await.unwrap();
        assert!(!first.customers.is_empty(), "{backend:?}");
        let told = s.tell_customers("twice").await.unwrap();
        assert!(told >= 1);
        let messages = store::outbox::list(s.store(), 100_000, 0)
            .await
            .unwrap()
            .len();
        let queued = store::jobs::count_by_status(s.store(), domain::jobs::JobStatus::Queued)
            .await
            .unwrap();
        assert_eq!(
            queued, 2,
            "{backend:?}: a re-plan at the start and one at the end"
        );

        let second = hook.apply(&change, "twice").await.unwrap();
        assert!(
            second
                .effects
                .iter()
                .filter(|e| e.unit() == services::capability::Unit::Count)
                .all(|e| e.value == 0 && e.ids.is_empty()),
            "{backend:?}: {second:?}"
        );
        assert_eq!(
            second.effect("forecast_end_before_date"),
            second.effect("forecast_end_after_date"),
            "{backend:?}: the second time moves no forecast"
        );
        assert!(second.customers.is_empty(), "{backend:?}");
        assert_eq!(s.tell_customers("twice").await.unwrap(), 0, "{backend:?}");
        assert_eq!(
            store::outbox::list(s.store(), 100_000, 0)
                .await
                .unwrap()
                .len(),
            messages,
            "{backend:?}: nobody is told twice"
        );
        assert_eq!(
            store::jobs::count_by_status(s.store(), domain::jobs::JobStatus::Queued)
                .await
                .unwrap(),
            queued,
            "{backend:?}: the re-plans are queued once"
        );
    }
}

#[tokio::test]
async fn a_policy_that_starts_later_is_applied_by_the_worker_which_tells_once() {
    for backend in BACKENDS {
        let Some(t) = told_campaign(backend).await else {
            continue;
        };
        let s = &t.s;
        let cm = Actor {
            role: Some(Role::ContinuityManager),
            ..Actor::system()
        };
        let starts = s
            .now()
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap();
        let ends = starts
            .checked_add(jiff::SignedDuration::from_hours(48))
            .unwrap();
        let change = s
            .policies()
            .change(
                &cm,
                &preset(Preset::Pandemic),
                starts,
                Some(ends),
                "Pandemi",
            )
            .await
            .unwrap();
        // A re-plan waits for the start, and one for the end.
        for (at, what) in [(starts, "from"), (ends, "to")] {
            let queued = store::backend::testing::query_strings(
                s.store(),
                &format!(
                    "SELECT payload FROM jobs WHERE status = 'queued' AND run_at = {}",
                    domain::time::to_micros(at)
                ),
            )
            .await;
            assert!(
                queued
                    .iter()
                    .any(|p| p.contains(&format!("policy:{}:{what}", change.id))),
                "{backend:?}: no re-plan queued at the policy's {what}: {queued:?}"
            );
        }
        assert!(
            change
                .impact
                .as_ref()
                .is_none_or(|i| i.effect("jobs_deferred") == 0),
            "{backend:?}: nothing changes before it starts"
        );
        assert_eq!(postponements(s, t.declared).await, 0);
        let later = s.with_clock(Arc::new(services::FixedClock::new(
            starts
                .checked_add(jiff::SignedDuration::from_mins(5))
                .unwrap(),
        )));
        let job = store::jobs::claim(later.store(), later.now_micros())
            .await
            .unwrap()
            .expect("the policy's start is queued");
        assert!(job.payload.contains(&format!("policy:{}:from", change.id)));
        later.campaign().run_replan(&job.payload).await.unwrap();
        let jobs = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        assert!(
            jobs.iter()
                .filter(|j| j.customer_id == t.declared && j.placement == Placement::Indoor)
                .all(|j| j.plannability == Plannability::DeferredAtRequest && j.crew_id.is_none()),
            "{backend:?}: the worker classified under the policy that started"
        );
        assert_eq!(
            postponements(s, t.declared).await,
            1,
            "{backend:?}: told once"
        );
        // A retry of the same re-plan tells nobody again.
        later.campaign().run_replan(&job.payload).await.unwrap();
        assert_eq!(postponements(s, t.declared).await, 1, "{backend:?}");
        // At the end the everyday policy is back: the end's re-plan releases the household
        // (the everyday policy does not defer declared households).
        let after = s.with_clock(Arc::new(services::FixedClock::new(
            ends.checked_add(jiff::SignedDuration::from_mins(5))
                .unwrap(),
        )));
        after
            .campaign()
            .run_replan(&format!("{{\"key\":\"policy:{}:to\"}}", change.id))
            .await
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        assert!(
            jobs.iter()
                .filter(|j| j.customer_id == t.declared && j.placement == Placement::Indoor)
                .all(|j| j.plannability == Plannability::Plannable),
            "{backend:?}: the end's re-plan classified under the everyday policy"
        );
    }
}

#[tokio::test]
async fn without_an_open_campaign_a_change_does_nothing_to_it() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let hook = s.hook(Capability::Campaign).unwrap();
        let change = pandemic_now(&s);
        assert_eq!(
            hook.preview(&change).await.unwrap(),
            Impact::new(Capability::Campaign)
        );
        assert_eq!(
            hook.apply(&change, "none").await.unwrap(),
            Impact::new(Capability::Campaign)
        );
        // Every measure of a policy is said in both languages.
        for p in [Preset::Normal, Preset::Pandemic] {
            let measures = hook.describe(&preset(p));
            assert!(!measures.is_empty());
            for m in &measures {
                for lang in [views::Lang::Sv, views::Lang::En] {
                    let text = views::explain(lang, m);
                    assert!(text != m.key && !text.contains('$'), "{text}");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_declaration_under_a_pandemic_tells_the_household_once() {
    for backend in BACKENDS {
        let Some(t) = told_campaign(backend).await else {
            continue;
        };
        let s = &t.s;
        let cm = Actor {
            role: Some(Role::ContinuityManager),
            ..Actor::system()
        };
        s.policies()
            .change(&cm, &preset(Preset::Pandemic), s.now(), None, "Pandemi")
            .await
            .unwrap();
        assert_eq!(postponements(s, t.declared).await, 1, "{backend:?}");
        // Another household with a notified indoor visit at a house declares afterwards.
        let jobs = store::campaign::jobs(s.store(), t.campaign).await.unwrap();
        let Some(other) = jobs.iter().find(|j| {
            j.status == JobStatus::Notified
                && j.placement == Placement::Indoor
                && j.property_kind == PropertyKind::House
                && j.customer_id != t.declared
        }) else {
            panic!("{backend:?}: another notified indoor visit at a house");
        };
        let customer = Actor {
            role: Some(Role::Customer),
            customer_id: Some(other.customer_id),
            ..Actor::system()
        };
        let form = DeclarationForm {
            consent: true,
            consent_version: ConsentVersion::CURRENT.to_string(),
            until: s
                .today()
                .saturating_add(jiff::Span::new().days(30))
                .to_string(),
            note: String::new(),
        };
        s.declarations()
            .declare(&customer, other.customer_id, &form)
            .await
            .unwrap();
        // The declaration itself took the visit off and told the household; the planner's
        // classification after it finds nothing left to do and tells nobody again.
        assert_eq!(postponements(s, other.customer_id).await, 1, "{backend:?}");
        let r = s.campaign().classify(&planner()).await.unwrap();
        assert_eq!(
            (r.newly_deferred, r.unplanned),
            (0, 0),
            "{backend:?}: {r:?}"
        );
        assert_eq!(
            postponements(s, other.customer_id).await,
            1,
            "{backend:?}: once"
        );
        assert_eq!(postponements(s, t.declared).await, 1, "{backend:?}");
    }
}

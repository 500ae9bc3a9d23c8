//! The demo town is deterministic and plausible.

use std::sync::Arc;

use domain::ids::CustomerId;
use domain::meter::{MeterKind, Placement, PropertyKind};
use domain::problem::Problem;
use domain::role::AccountProblem;
use services::demo::{DemoSize, DemoStage, Quiet};
use services::{ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

async fn town(backend: Backend, seed: u64) -> Option<(Services, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let s = Services::new(
        store,
        Arc::new(services::FixedClock::new(test_now())),
        test_settings(true),
    );
    s.generate_demo(DemoSize::Small, seed, &Quiet)
        .await
        .unwrap();
    Some((s, db))
}

async fn fingerprint(s: &Services) -> Vec<String> {
    let store = s.store();
    let mut out = Vec::new();
    for id in [1, 2, 50, 333, 600] {
        let c = store::customers::get(store, CustomerId::new(id))
            .await
            .unwrap()
            .unwrap();
        out.push(format!(
            "{} {} {} {} {:?}",
            c.customer_number, c.name, c.identity_number, c.street, c.email
        ));
        for m in store::customers::meter_points_of(store, CustomerId::new(id))
            .await
            .unwrap()
        {
            out.push(format!(
                "{} {} {} {} {}",
                m.anlaggnings_id, m.lat_e6, m.lon_e6, m.placement, m.fuse_amps
            ));
        }
        for i in store::credit::invoices_of(store, CustomerId::new(id), 12)
            .await
            .unwrap()
        {
            out.push(format!(
                "{} {} {} {} {}",
                i.ocr,
                i.due_on,
                i.amount.ore(),
                i.paid.ore(),
                i.status
            ));
        }
    }
    out
}

#[tokio::test]
async fn same_seed_same_town_on_both_backends_and_another_seed_differs() {
    let Some((a, _da)) = town(Backend::Sqlite, 42).await else {
        return;
    };
    let fa = fingerprint(&a).await;
    let Some((b, _db)) = town(Backend::Sqlite, 42).await else {
        return;
    };
    assert_eq!(fa, fingerprint(&b).await);
    if let Some((p, _dp)) = town(Backend::Postgres, 42).await {
        assert_eq!(
            fa,
            fingerprint(&p).await,
            "PostgreSQL and SQLite must hold the same town"
        );
    }
    let Some((c, _dc)) = town(Backend::Sqlite, 43).await else {
        return;
    };
    assert_ne!(fa, fingerprint(&c).await);
}

#[tokio::test]
async fn shares_placements_and_numbers_are_plausible() {
    for backend in BACKENDS {
        let Some((s, _db)) = town(backend, 7).await else {
            continue;
        };
        let store = s.store();
        let n = store::customers::count_meter_points(store).await.unwrap();
        assert_eq!(n, 700);
        assert_eq!(store::customers::count(store).await.unwrap(), 600);
        let mut kinds = std::collections::HashMap::<PropertyKind, i64>::new();
        let mut ct = 0;
        for id in (1..=600).map(CustomerId::new) {
            for m in store::customers::meter_points_of(store, id).await.unwrap() {
                *kinds.entry(m.property_kind).or_default() += 1;
                ct += i64::from(m.meter_kind == MeterKind::Ct);
                domain::meter::AnlaggningsId::parse(&m.anlaggnings_id).unwrap();
                match m.property_kind {
                    PropertyKind::House => assert_ne!(
                        m.placement,
                        Placement::MeterRoom,
                        "houses have no meter room"
                    ),
                    PropertyKind::Apartment => assert_ne!(
                        m.placement,
                        Placement::OutdoorCabinet,
                        "apartments have no outdoor cabinet"
                    ),
                    _ => {}
                }
                let (lat, lon) = (m.lat_e6 as f64 / 1e6, m.lon_e6 as f64 / 1e6);
                assert!(
                    (59.2..59.45).contains(&lat) && (14.35..14.7).contains(&lon),
                    "around Karlskoga: {lat} {lon}"
                );
            }
            let c = store::customers::get(store, id).await.unwrap().unwrap();
            domain::identity::IdentityNumber::from_normalised(&c.identity_number).unwrap();
            for i in store::credit::invoices_of(store, id, 12).await.unwrap() {
                domain::ocr::OcrReference::parse_with_length_digit(&i.ocr).unwrap();
            }
        }
        let share = |k: PropertyKind| *kinds.get(&k).unwrap_or(&0) as f64 / n as f64;
        assert!(
            (0.49..0.61).contains(&share(PropertyKind::House)),
            "{kinds:?}"
        );
        assert!(
            (0.34..0.46).contains(&share(PropertyKind::Apartment)),
            "{kinds:?}"
        );
        assert!(
            (0.02..0.09).contains(&share(PropertyKind::Business)),
            "{kinds:?}"
        );
        assert!(
            (0.01..0.06).contains(&(ct as f64 / n as f64)),
            "CT share {ct}"
        );
        // Most invoices are paid; some are late or unpaid.
        let paid = store::credit::invoices_of(store, domain::ids::CustomerId::new(1), 12)
            .await
            .unwrap();
        assert_eq!(paid.len(), 12);
        assert_eq!(
            store::credit::count_invoices(store).await.unwrap(),
            600 * 13
        );
    }
}

#[tokio::test]
async fn a_second_demo_into_a_full_database_is_refused() {
    let Some((s, _db)) = town(Backend::Sqlite, 1).await else {
        return;
    };
    let err = s
        .generate_demo(DemoSize::Small, 1, &Quiet)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Conflict(Problem::Account(AccountProblem::DemoNeedsEmptyDatabase))
        ),
        "{err:?}"
    );
    for lang in [views::Lang::Sv, views::Lang::En] {
        let text = views::explain(lang, err.problem().unwrap());
        assert!(text.to_lowercase().contains("demo"), "{lang:?}: {text}");
    }
}

/// The progress stages the command line shows are named in both languages.
#[test]
fn every_stage_has_a_name() {
    for &stage in DemoStage::ALL {
        for lang in [views::Lang::Sv, views::Lang::En] {
            assert_ne!(views::label(lang, stage), stage.message_key(), "{lang:?}");
        }
    }
}

/// The campaign `beredskap demo` has under way: lived through day by day up to this morning,
/// with meters exchanged, visits failed and planned again, windows booked, visits postponed by
/// their households, and the weeks ahead planned.
#[tokio::test]
async fn the_demo_campaign_is_under_way() {
    use domain::campaign::JobStatus;
    for backend in BACKENDS {
        let Some((s, _db)) = town(backend, 42).await else {
            continue;
        };
        let c = s.seed_demo_campaign_in_progress(42).await.unwrap();
        assert!(
            c.days_worked >= 3 && c.done > 0 && c.failed > 0,
            "{backend:?}: {c:?}"
        );
        assert!(
            c.booked > 0 && c.postponed > 0 && c.planned_ahead > 0,
            "{backend:?}: {c:?}"
        );
        let today = s.today();
        assert!(c.opened_on.unwrap() < today);
        let campaign = store::campaign::open_campaign(s.store())
            .await
            .unwrap()
            .unwrap();
        let jobs = store::campaign::jobs(s.store(), campaign.id).await.unwrap();
        let done: Vec<_> = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Done)
            .collect();
        assert_eq!(done.len(), c.done, "{backend:?}");
        // Nothing is left undone on a day gone by, and nothing was done in the future.
        for j in &jobs {
            if let (Some(day), true) = (j.planned_on, j.status.is_placed()) {
                assert!(
                    day >= today,
                    "{backend:?}: job {} still {:?} on {day}",
                    j.id,
                    j.status
                );
            }
        }
        // Visits that failed for nobody home or no access are back in the plan or waiting for
        // it; those that failed for the wrong meter kind wait for the planner, and show.
        let failed = jobs
            .iter()
            .filter(|j| j.status == JobStatus::Failed)
            .count();
        assert!(
            failed > 0 && failed < c.failed,
            "{backend:?}: {failed} of {c:?}"
        );
        // Every booked window still in the plan is on a day to come.
        assert!(
            jobs.iter().any(|j| j.status == JobStatus::Booked),
            "{backend:?}: no booking left ahead"
        );
        // The town knows it holds the campaign (`beredskap demo` reuses it by this marker).
        assert_eq!(
            store::settings::get(s.store(), "demo")
                .await
                .unwrap()
                .as_deref(),
            Some("small:42:campaign")
        );
        // Households were told: notices, confirmations, arrival times, new windows.
        assert!(
            !store::outbox::list(s.store(), 1, 0)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}"
        );
    }
}

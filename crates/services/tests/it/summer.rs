//! Summer jobs through the community handle, on both backends: a season with postings checked
//! against the rules for minors, public applications (a guardian consents for those under 18,
//! one per address), the seed published once before a draw that anyone can recompute, minors
//! placed only where the hours fit, wages in the ledger, letters once, and the applications
//! purged after the season and its retention period.

use std::sync::Arc;

use domain::community::summer::ApplicationState;
use domain::community::{CommunityProblem, LedgerCategory};
use domain::problem::{Invalid, Problem};
use domain::role::Role;
use jiff::civil::{Date, date};
use services::community::{ApplicationInput, PostingInput, SeasonInput};
use services::{Actor, FixedClock, ServiceError, Services};
use store::backend::testing::query_strings;
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

const FIRST: Date = date(2027, 6, 21);

fn manager() -> Actor {
    Actor {
        role: Some(Role::ContinuityManager),
        name: "Berit Beredskap".into(),
        ..Actor::system()
    }
}

fn public() -> Actor {
    Actor {
        name: "-".into(),
        ..Actor::system()
    }
}

fn invalid(e: ServiceError) -> (&'static str, Problem) {
    match e {
        ServiceError::Invalid(Invalid { field, problem }) => (field, problem),
        other => panic!("expected an invalid value, got {other:?}"),
    }
}

fn conflict(e: ServiceError) -> CommunityProblem {
    match e {
        ServiceError::Conflict(Problem::Community(p)) => p,
        other => panic!("expected a community conflict, got {other:?}"),
    }
}

fn posting(workplace: &str, start: &str, end: &str, places: &str) -> PostingInput {
    PostingInput {
        year: 2027,
        workplace: workplace.into(),
        supervisor: "Eva Lindqvist".into(),
        description: String::new(),
        starts_on: FIRST.to_string(),
        weeks: "3".into(),
        start_time: start.into(),
        end_time: end.into(),
        break_minutes: "30".into(),
        days_per_week: "5".into(),
        places: places.into(),
        hourly_wage: "120".into(),
    }
}

fn applicant(n: usize, age: i16, first_job: bool) -> ApplicationInput {
    let birth = date(FIRST.year() - age, 1, 1 + (n % 28) as i8);
    let minor = age < 18;
    ApplicationInput {
        name: format!("Ung Person {n}"),
        birth_date: birth.to_string(),
        email: format!("Ung{n}@Example.se"),
        phone: "070-123 45 67".into(),
        first_job,
        wish: String::new(),
        guardian_name: if minor {
            "Förälder".into()
        } else {
            String::new()
        },
        guardian_email: if minor {
            format!("foralder{n}@example.se")
        } else {
            String::new()
        },
        guardian_consent: minor,
    }
}

async fn count(s: &Services, sql: &str) -> i64 {
    query_strings(s.store(), sql).await[0].parse().unwrap()
}

async fn setup(backend: Backend) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    let clock = Arc::new(FixedClock::new(test_now()));
    let s = Services::new(store, clock.clone(), test_settings(false));
    Some((s, clock, db))
}

#[tokio::test]
async fn applications_draw_letters_and_purge() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = setup(backend).await else {
            continue;
        };
        let h = s.community();
        let season = SeasonInput {
            year: "2027".into(),
            apply_until: "2027-03-31".into(),
            first_day: FIRST.to_string(),
            priority_first_job: true,
        };
        assert_eq!(
            conflict(
                h.apply_for_summer_job(&public(), &applicant(0, 17, true))
                    .await
                    .unwrap_err()
            ),
            CommunityProblem::NoSeason
        );
        let backwards = SeasonInput {
            first_day: "2027-03-01".into(),
            ..season.clone()
        };
        assert_eq!(
            invalid(h.open_season(&manager(), &backwards).await.unwrap_err()).0,
            "first_day"
        );
        h.open_season(&manager(), &season).await.unwrap();
        assert_eq!(
            invalid(h.open_season(&manager(), &season).await.unwrap_err()),
            ("year", Problem::Community(CommunityProblem::SeasonExists))
        );
        // Postings: one in the day (for anyone), one into the night (adults only).
        let day = h
            .add_posting(&manager(), &posting("Vattenverket", "08:00", "16:30", "3"))
            .await
            .unwrap();
        let evening = h
            .add_posting(
                &manager(),
                &posting("Fjärrvärmen kväll", "15:00", "22:30", "2"),
            )
            .await
            .unwrap();
        assert_eq!(
            invalid(
                h.add_posting(&manager(), &posting("Fel", "16:00", "08:00", "1"))
                    .await
                    .unwrap_err()
            ),
            (
                "end_time",
                Problem::Community(CommunityProblem::HoursInvalid)
            )
        );
        let view = h.season(&manager(), 2027).await.unwrap();
        assert_eq!(view.postings[0].for_minors, Ok(()));
        assert_eq!(
            view.postings[1].for_minors,
            Err(CommunityProblem::NightWork { from: 22, until: 6 })
        );

        // Applications: the guardian consents for a minor; one per address; ages 16–19.
        let mut no_consent = applicant(1, 16, true);
        no_consent.guardian_consent = false;
        assert_eq!(
            invalid(
                h.apply_for_summer_job(&public(), &no_consent)
                    .await
                    .unwrap_err()
            ),
            (
                "guardian_consent",
                Problem::Community(CommunityProblem::ConsentMissing)
            )
        );
        assert_eq!(
            invalid(
                h.apply_for_summer_job(&public(), &applicant(1, 15, true))
                    .await
                    .unwrap_err()
            ),
            (
                "birth_date",
                Problem::Community(CommunityProblem::AgeOutside { min: 16, max: 19 })
            )
        );
        let mut wish_unknown = applicant(1, 18, true);
        wish_unknown.wish = "99999".into();
        assert_eq!(
            invalid(
                h.apply_for_summer_job(&public(), &wish_unknown)
                    .await
                    .unwrap_err()
            )
            .0,
            "wish"
        );
        // Ten applicants: 0–5 minors, 6–9 adults; the even ones have had no summer job before.
        for n in 0..10 {
            let mut a = applicant(n, if n < 6 { 16 } else { 19 }, n % 2 == 0);
            if n == 7 {
                a.wish = evening.get().to_string();
            }
            let reference = h.apply_for_summer_job(&public(), &a).await.unwrap();
            assert!(reference.starts_with("2027-"), "{reference}");
        }
        let mut again = applicant(3, 16, true);
        again.email = "UNG3@example.SE".into();
        assert_eq!(
            invalid(h.apply_for_summer_job(&public(), &again).await.unwrap_err()),
            (
                "email",
                Problem::Community(CommunityProblem::AlreadyApplied)
            )
        );
        assert_eq!(
            count(&s, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE dedupe_key LIKE 'summer:%:received'").await,
            10,
            "a receipt to each applicant"
        );

        // The seed once, before the draw; the draw only after applications close.
        assert_eq!(
            conflict(h.draw(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::SeedMissing
        );
        let seed = h.publish_seed(&manager(), 2027).await.unwrap();
        assert_eq!(seed.len(), 32);
        assert_eq!(
            conflict(h.publish_seed(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::SeedPublished
        );
        assert_eq!(
            conflict(h.draw(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::ApplicationsOpen
        );
        assert_eq!(
            conflict(h.send_letters(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::NotDrawn
        );
        clock.set(domain::time::start_of_day(date(2027, 4, 1), s.tz()));
        let outcome = h.draw(&manager(), 2027).await.unwrap();
        assert_eq!((outcome.chosen, outcome.not_chosen), (5, 5), "{backend:?}");
        assert_eq!(
            conflict(h.draw(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::AlreadyDrawn
        );
        let rows = h.summer_applications(&manager(), 2027).await.unwrap();
        for a in &rows {
            let minor = domain::community::summer::age_on(a.birth_date, FIRST) < 18;
            if minor && a.posting_id.is_some() {
                assert_eq!(a.posting_id, Some(day), "a minor only in the day posting");
            }
        }
        assert_eq!(
            rows.iter()
                .filter(|a| a.posting_id == Some(evening))
                .count(),
            2
        );
        // Anyone can recompute the order from the published seed and references.
        let published = h.published_draw(2027).await.unwrap();
        assert_eq!(published.digest, outcome.digest);
        let mut recomputed = published.lines.clone();
        recomputed.sort_by_key(|l| {
            (
                !l.priority,
                domain::community::summer::ticket(&seed, &l.reference),
                l.reference.clone(),
            )
        });
        assert_eq!(
            recomputed.iter().map(|l| l.rank).collect::<Vec<_>>(),
            (1..=10).collect::<Vec<u32>>()
        );
        let priority: Vec<bool> = recomputed.iter().map(|l| l.priority).collect();
        assert!(priority.windows(2).all(|w| w[0] >= w[1]), "priority first");
        // Wages in the ledger, per posting, naming no one.
        let ledger = h
            .ledger(&manager(), date(2027, 1, 1), date(2027, 12, 31))
            .await
            .unwrap();
        let wages: Vec<_> = ledger
            .entries
            .iter()
            .filter(|e| e.category == LedgerCategory::SummerJobWages)
            .collect();
        assert_eq!(wages.len(), 2);
        // 15 working days × 120 kr an hour: 3 places of 8 hours, 2 of 7.
        assert_eq!(
            wages[0].amount.ore() + wages[1].amount.ore(),
            (3 * 8 + 2 * 7) * 15 * 120 * 100
        );
        assert!(wages.iter().all(|w| !w.recipient.contains("Ung Person")));

        // Letters once: each applicant, and the guardian of each minor.
        let sent = h.send_letters(&manager(), 2027).await.unwrap();
        assert_eq!(sent, 10);
        assert_eq!(
            count(&s, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE dedupe_key LIKE 'summer:2027:%:letter'").await,
            10
        );
        assert_eq!(
            count(&s, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE dedupe_key LIKE 'summer:2027:%:guardian'").await,
            6
        );
        assert_eq!(
            conflict(h.send_letters(&manager(), 2027).await.unwrap_err()),
            CommunityProblem::LettersSent
        );
        assert!(rows.iter().all(|a| a.state != ApplicationState::Applied));

        // Purged after the last working day and 90 days.
        let last = date(2027, 7, 11);
        assert_eq!(h.purge_summer(date(2027, 10, 9)).await.unwrap(), 0);
        assert_eq!(
            h.purge_summer(last.checked_add(jiff::Span::new().days(91)).unwrap())
                .await
                .unwrap(),
            10
        );
        assert_eq!(
            count(&s, "SELECT CAST(COUNT(*) AS TEXT) FROM summer_applications").await,
            0
        );
        assert_eq!(
            h.purge_summer(date(2028, 1, 1)).await.unwrap(),
            0,
            "purged once"
        );
    }
}

#[tokio::test]
async fn the_rules_for_minors_are_settings_admins_change() {
    let Some((s, _clock, _db)) = setup(Backend::Sqlite).await else {
        return;
    };
    let h = s.community();
    let admin = Actor {
        role: Some(Role::Admin),
        name: "Ada Admin".into(),
        ..Actor::system()
    };
    let values = |day: &'static str, min: &'static str| {
        vec![
            ("min_age", min),
            ("max_age", "19"),
            ("minor_age", "18"),
            ("night_from_hour", "22"),
            ("night_until_hour", "6"),
            ("max_hours_day", day),
            ("max_hours_week", "40"),
            ("retention_days", "90"),
        ]
    };
    assert!(matches!(
        h.save_summer_rules_input(&manager(), &values("6", "16"))
            .await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(
        invalid(
            h.save_summer_rules_input(&admin, &values("6", "20"))
                .await
                .unwrap_err()
        ),
        ("rules", Problem::Community(CommunityProblem::RulesInvalid))
    );
    h.save_summer_rules_input(&admin, &values("6", "16"))
        .await
        .unwrap();
    h.open_season(
        &manager(),
        &SeasonInput {
            year: "2027".into(),
            apply_until: "2027-03-31".into(),
            first_day: FIRST.to_string(),
            priority_first_job: false,
        },
    )
    .await
    .unwrap();
    h.add_posting(&manager(), &posting("Vattenverket", "08:00", "16:30", "3"))
        .await
        .unwrap();
    assert_eq!(
        h.season(&manager(), 2027).await.unwrap().postings[0].for_minors,
        Err(CommunityProblem::DayTooLong { max: 6 }),
        "eight hours a day are too long under the new setting"
    );
}

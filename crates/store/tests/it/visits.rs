//! The customer centre's tables read back as domain types, on both backends: every visit status
//! and source, waitlist statuses, languages and dates; status lists in SQL; transitions once.

use domain::customer::Language;
use domain::visits::{VisitSource, VisitStatus, WaitStatus};
use jiff::civil::date;
use store::visits::{NewService, NewSite, NewVisit, NewWait};
use test_support::{BACKENDS, test_store};

#[tokio::test]
async fn visits_rows_are_typed_and_status_lists_select_by_code() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let mut tx = store.begin().await.unwrap();
        let site = store::visits::insert_site(
            &mut tx,
            &NewSite {
                name: "Kundcenter",
                street: "Storgatan 1",
                postal_code: "111 22",
                city: "Stockholm",
                desks: 2,
                now: 0,
            },
        )
        .await
        .unwrap();
        let service = store::visits::upsert_service(
            &mut tx,
            site,
            &NewService {
                code: "moving",
                name_sv: "Flytt",
                name_en: "Moving house",
                duration_minutes: 15,
                active: true,
            },
        )
        .await
        .unwrap();
        store::visits::set_exception(&mut tx, site, date(2026, 12, 24), &[], "julafton")
            .await
            .unwrap();
        let wait = store::visits::insert_wait(
            &mut tx,
            &NewWait {
                site_id: site,
                service_id: service,
                day: date(2026, 11, 24),
                party: 2,
                customer_id: None,
                name: "Eva",
                phone: "0701234567",
                email: None,
                language: Language::En,
                person_key: "p:46701234567",
                now: 0,
            },
        )
        .await
        .unwrap();
        // One visit per source, one after the other.
        let mut ids = Vec::new();
        for (i, &source) in VisitSource::ALL.iter().enumerate() {
            let start = i64::try_from(i).unwrap() * 900_000_000;
            let id = store::visits::insert_visit(
                &mut tx,
                &NewVisit {
                    site_id: site,
                    service_id: service,
                    starts_at: start,
                    ends_at: start + 900_000_000,
                    party: 1,
                    status: VisitStatus::Booked,
                    source,
                    customer_id: None,
                    name: "Kund",
                    phone: "",
                    email: None,
                    language: Language::Sv,
                    person_key: &format!("k:{i}"),
                    idempotency_key: None,
                    booked_by: None,
                    waitlist_id: (source == VisitSource::Waitlist).then_some(wait),
                    expires_at: None,
                    checked_in_at: None,
                    now: 0,
                },
            )
            .await
            .unwrap();
            ids.push(id);
        }
        // Each visit to another status; a transition from a status it is not in does nothing.
        let to = [
            VisitStatus::Unconfirmed,
            VisitStatus::Offered,
            VisitStatus::CheckedIn,
            VisitStatus::NoShow,
            VisitStatus::Cancelled,
            VisitStatus::Expired,
        ];
        for (id, status) in ids.iter().zip(to) {
            assert!(
                store::visits::transition(&mut tx, *id, &[VisitStatus::Booked], status, 7)
                    .await
                    .unwrap(),
                "{backend:?}"
            );
            assert!(
                !store::visits::transition(&mut tx, *id, &[VisitStatus::Booked], status, 8)
                    .await
                    .unwrap(),
                "{backend:?}: once"
            );
        }
        assert!(
            store::visits::wait_transition(
                &mut tx,
                wait,
                WaitStatus::Waiting,
                WaitStatus::Offered,
                Some(ids[5])
            )
            .await
            .unwrap()
        );
        tx.commit().await.unwrap();

        for (id, (&source, status)) in ids.iter().zip(VisitSource::ALL.iter().zip(to)) {
            let v = store::visits::visit(&store, *id).await.unwrap().unwrap();
            assert_eq!((v.source, v.status), (source, status), "{backend:?}");
            assert_eq!(v.language, Language::Sv);
            assert_eq!(v.checked_in_at.is_some(), status == VisitStatus::CheckedIn);
            assert_eq!(
                v.ended_at.is_some(),
                matches!(
                    status,
                    VisitStatus::NoShow | VisitStatus::Cancelled | VisitStatus::Expired
                ),
                "{backend:?} {status}"
            );
        }
        let all = |statuses: &'static [VisitStatus]| {
            let store = store.clone();
            async move {
                store::visits::site_visits(&store, site, 0, i64::MAX, statuses)
                    .await
                    .unwrap()
                    .iter()
                    .map(|v| v.status)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(all(VisitStatus::ALL).await, to.to_vec(), "{backend:?}");
        assert_eq!(
            all(VisitStatus::HOLDING).await,
            [
                VisitStatus::Unconfirmed,
                VisitStatus::Offered,
                VisitStatus::CheckedIn
            ],
            "{backend:?}"
        );
        let w = store::visits::wait(&store, wait).await.unwrap().unwrap();
        assert_eq!(
            (w.status, w.day, w.language, w.visit_id),
            (
                WaitStatus::Offered,
                date(2026, 11, 24),
                Language::En,
                Some(ids[5])
            )
        );
        let ex = store::visits::exceptions(&store, site, date(2026, 12, 1), date(2026, 12, 31))
            .await
            .unwrap();
        assert_eq!(ex.len(), 1);
        assert_eq!((ex[0].day, ex[0].opens_min), (date(2026, 12, 24), None));
        let s = &store::visits::services(&store, site).await.unwrap()[0];
        assert_eq!((s.id, s.name(Language::En)), (service, "Moving house"));
        let outcomes = store::visits::outcome_counts(&store, site, 0, i64::MAX)
            .await
            .unwrap();
        assert_eq!(outcomes.len(), to.len(), "{backend:?}");
        assert!(
            outcomes
                .iter()
                .all(|o| o.count == 1 && o.service_id == service)
        );
    }
}

//! Cases on both backends: opening from each source with routing and SLA due times in business
//! hours, the at-risk and breached views, first response, internal notes hidden from the
//! customer, a customer reply reopening a waiting case, links to an arrangement, and access
//! (another customer's case, another team's case).

use std::sync::Arc;

use domain::cases::{CaseLink, CaseSource, CaseStatus, Category, EntryKind, SlaState, Team};
use domain::ids::{ArrangementId, CustomerId, VisitId};
use domain::role::Role;
use jiff::SignedDuration;
use services::cases::{NewCase, QueueQuery};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, test_settings, test_store};

fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> jiff::Timestamp {
    domain::time::at_civil(
        jiff::civil::date(y, m, d),
        jiff::civil::time(h, min, 0, 0),
        &domain::time::stockholm(),
    )
}

struct World {
    s: Services,
    clock: Arc<FixedClock>,
    _db: test_support::TestDb,
    karin: CustomerId,
    olle: CustomerId,
    karin_actor: Actor,
    olle_actor: Actor,
    /// In kundservice and fakturering.
    agent: Actor,
    /// In bredband only.
    agent2: Actor,
    admin: Actor,
}

async fn customer(s: &Services, n: u32, channel: &str) -> CustomerId {
    let mut tx = s.store().begin().await.unwrap();
    store::customers::insert_customers(
        &mut tx,
        &[store::customers::NewCustomer {
            customer_number: format!("{}", 6_000_000 + n),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Kund {n}"),
            identity_number: "19121212-1212".into(),
            email: Some(format!("kund{n}@example.se")),
            phone: Some(format!("07011100{n:02}")),
            language: if n == 2 {
                domain::customer::Language::En
            } else {
                domain::customer::Language::Sv
            },
            preferred_channel: channel.parse().unwrap(),
            street: "Storgatan 1".into(),
            postal_code: "691 31".into(),
            city: "Karlskoga".into(),
            search_text: format!("kund {n}"),
            created_at: 0,
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    store::backend::testing::query_strings(
        s.store(),
        &format!(
            "SELECT CAST(id AS TEXT) FROM customers WHERE customer_number = '{}'",
            6_000_000 + n
        ),
    )
    .await[0]
        .parse()
        .map(CustomerId::new)
        .unwrap()
}

async fn staff(s: &Services, name: &str, role: Role, teams: &[&str]) -> Actor {
    let id = s
        .accounts()
        .create_user(
            name,
            &name.to_uppercase(),
            role,
            None,
            "correct horse battery",
            true,
        )
        .await
        .unwrap();
    let admin = Actor {
        role: Some(Role::Admin),
        name: "admin".into(),
        ..Actor::system()
    };
    for t in teams {
        s.cases()
            .add_team_member(&admin, id, t.parse::<Team>().unwrap())
            .await
            .unwrap();
    }
    Actor {
        user_id: Some(id),
        name: name.into(),
        role: Some(role),
        customer_id: None,
        address: "127.0.0.1".into(),
    }
}

async fn world(backend: test_support::Backend) -> Option<World> {
    let (store, db) = test_store(backend).await?;
    // Friday 27 November 2026, 16:30 in Stockholm.
    let clock = Arc::new(FixedClock::new(at(2026, 11, 27, 16, 30)));
    let s = Services::new(store, clock.clone(), test_settings(false));
    let karin = customer(&s, 1, "email").await;
    let olle = customer(&s, 2, "sms").await;
    let cust = |id: CustomerId, name: &str| Actor {
        user_id: None,
        name: name.into(),
        role: Some(Role::Customer),
        customer_id: Some(id),
        address: "127.0.0.1".into(),
    };
    let agent = staff(&s, "agent", Role::Agent, &["kundservice", "fakturering"]).await;
    let agent2 = staff(&s, "agent2", Role::Agent, &["bredband"]).await;
    let admin = staff(&s, "admin", Role::Admin, &[]).await;
    Some(World {
        karin_actor: cust(karin, "Kund 1"),
        olle_actor: cust(olle, "Kund 2"),
        s,
        clock,
        _db: db,
        karin,
        olle,
        agent,
        agent2,
        admin,
    })
}

fn new_case(customer: CustomerId, category: Category, source: CaseSource) -> NewCase {
    NewCase {
        customer_id: customer,
        category,
        source,
        subject: "Strömmen har gått".into(),
        body: "Ingen ström sedan i morse.".into(),
        link: None,
    }
}

async fn outbox_subjects(s: &Services) -> Vec<String> {
    s.outbox(100, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{} {} {}", m.channel, m.recipient, m.subject))
        .collect()
}

#[tokio::test]
async fn cases_open_from_each_source_routed_with_business_hour_due_times() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        // Portal, outage: first response in 1 business hour → Monday 08:30.
        let outage =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Outage, CaseSource::Portal),
                )
                .await
                .unwrap();
        let c = store::cases::get(w.s.store(), outage)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.team, Team::Drift);
        assert_eq!(c.status, CaseStatus::New);
        assert_eq!(c.source, CaseSource::Portal);
        assert_eq!(
            c.first_response_due,
            domain::time::to_micros(at(2026, 11, 30, 8, 30))
        );
        // Resolution in one business day → Monday 16:30.
        assert_eq!(
            c.resolve_due,
            domain::time::to_micros(at(2026, 11, 30, 16, 30))
        );
        // Phone, invoice, by an agent: fakturering, 8 business hours → Monday 15:30.
        let phone =
            w.s.cases()
                .open(
                    &w.agent,
                    new_case(w.olle, Category::Invoice, CaseSource::Phone),
                )
                .await
                .unwrap();
        let c = store::cases::get(w.s.store(), phone)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.team, Team::Fakturering);
        assert_eq!(
            c.first_response_due,
            domain::time::to_micros(at(2026, 11, 30, 15, 30))
        );
        let entries = store::cases::entries(w.s.store(), phone, true)
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, EntryKind::CustomerMessage);
        // Signed with the display name, not the user name, and told apart as taken on the
        // phone (pages add "(telefon)" / "(by phone)").
        assert_eq!(entries[0].author_name, "AGENT");
        assert!(entries[0].taken_by_phone());
        // Chat by the system (no agent online): kundservice for "other".
        let chat =
            w.s.cases()
                .open(
                    &Actor::system(),
                    new_case(w.karin, Category::Other, CaseSource::Chat),
                )
                .await
                .unwrap();
        assert_eq!(
            store::cases::get(w.s.store(), chat)
                .await
                .unwrap()
                .unwrap()
                .team,
            Team::Kundservice
        );
        for (cat, team) in [
            (Category::Extension, Team::Fakturering),
            (Category::MeterVisit, Team::Matarbyte),
            (Category::Broadband, Team::Bredband),
            (Category::Moving, Team::Kundservice),
        ] {
            let id =
                w.s.cases()
                    .open(&w.karin_actor, new_case(w.karin, cat, CaseSource::Portal))
                    .await
                    .unwrap();
            assert_eq!(
                store::cases::get(w.s.store(), id)
                    .await
                    .unwrap()
                    .unwrap()
                    .team,
                team
            );
        }
        // A confirmation on each customer's channel (Olle: SMS, in English).
        let sent = outbox_subjects(&w.s).await;
        assert!(
            sent.contains(&format!(
                "email kund1@example.se Vi har tagit emot ditt ärende {outage}"
            )),
            "{sent:?}"
        );
        assert!(
            sent.contains(&format!(
                "sms 0701110002 We have received your case {phone}"
            )),
            "{sent:?}"
        );
        // A customer may not open a phone case or a case for someone else; bad input names
        // the field.
        assert!(matches!(
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.olle, Category::Other, CaseSource::Portal)
                )
                .await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Other, CaseSource::Phone)
                )
                .await,
            Err(ServiceError::Forbidden)
        ));
        let mut blank = new_case(w.karin, Category::Other, CaseSource::Portal);
        blank.subject = "  ".into();
        assert!(matches!(
            w.s.cases().open(&w.karin_actor, blank).await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "subject",
                ..
            }))
        ));
        // The audit log has the openings.
        let n = store::backend::testing::query_strings(
            w.s.store(),
            "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'case_opened'",
        )
        .await;
        assert_eq!(n, vec!["7".to_owned()]);
    }
}

#[tokio::test]
async fn at_risk_and_breached_views_follow_business_time() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        // Monday 08:00: an "other" case (8 h first response, due 16:00) for kundservice.
        w.clock.set(at(2026, 11, 30, 8, 0));
        let id =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Other, CaseSource::Portal),
                )
                .await
                .unwrap();
        let q = |at_risk, breached| QueueQuery {
            at_risk,
            breached,
            ..QueueQuery::default()
        };
        let ids =
            |qq: services::cases::Queue| qq.cases.iter().map(|c| c.case.id).collect::<Vec<_>>();
        assert_eq!(
            ids(w.s.cases().queue(&w.agent, &q(false, false)).await.unwrap()),
            vec![id]
        );
        assert!(ids(w.s.cases().queue(&w.agent, &q(true, false)).await.unwrap()).is_empty());
        // 14:30: 1.5 h of 8 left, less than a quarter → at risk.
        w.clock.set(at(2026, 11, 30, 14, 30));
        assert_eq!(
            ids(w.s.cases().queue(&w.agent, &q(true, false)).await.unwrap()),
            vec![id]
        );
        assert!(ids(w.s.cases().queue(&w.agent, &q(false, true)).await.unwrap()).is_empty());
        let d = w.s.cases().detail(&w.agent, id).await.unwrap();
        assert_eq!(d.first_response_state, Some(SlaState::AtRisk));
        // 16:01: breached, and no longer in the at-risk view.
        w.clock.set(at(2026, 11, 30, 16, 1));
        assert_eq!(
            ids(w.s.cases().queue(&w.agent, &q(false, true)).await.unwrap()),
            vec![id]
        );
        assert!(ids(w.s.cases().queue(&w.agent, &q(true, false)).await.unwrap()).is_empty());
        // A reply meets the first-response target; the resolution target is still on track.
        w.s.cases()
            .add_entry(&w.agent, id, EntryKind::AgentReply, "Vi tittar på det.")
            .await
            .unwrap();
        assert!(ids(w.s.cases().queue(&w.agent, &q(false, true)).await.unwrap()).is_empty());
        let d = w.s.cases().detail(&w.agent, id).await.unwrap();
        assert_eq!(d.first_response_state, None);
        assert_eq!(d.resolve_state, Some(SlaState::OnTrack));
        // The agent of bredband never sees it.
        assert!(
            ids(w
                .s
                .cases()
                .queue(&w.agent2, &q(false, false))
                .await
                .unwrap())
            .is_empty()
        );
    }
}

#[tokio::test]
async fn replies_notes_and_customer_answers() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        let id =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Moving, CaseSource::Portal),
                )
                .await
                .unwrap();
        w.clock.advance(SignedDuration::from_mins(10));
        w.s.cases()
            .add_entry(
                &w.agent,
                id,
                EntryKind::InternalNote,
                "Kolla flyttdatum i CIS.",
            )
            .await
            .unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(c.status, CaseStatus::Open);
        assert_eq!(c.first_response_at, None, "a note is not a response");
        w.s.cases()
            .add_entry(
                &w.agent,
                id,
                EntryKind::AgentReply,
                "Vilket datum flyttar du?",
            )
            .await
            .unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(c.first_response_at, Some(w.s.now_micros()));
        assert!(outbox_subjects(&w.s).await.contains(&format!(
            "email kund1@example.se Nytt svar i ditt ärende {id}"
        )));
        // The customer sees the message and the reply, never the note.
        let (_, entries) = w.s.cases().my_case(&w.karin_actor, id).await.unwrap();
        let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, vec!["customer_message", "agent_reply"]);
        assert!(entries.iter().all(|e| !e.body.contains("CIS")));
        // Waiting on the customer; their answer reopens the case.
        w.s.cases()
            .set_status(&w.agent, id, CaseStatus::WaitingOnCustomer)
            .await
            .unwrap();
        w.s.cases()
            .add_entry(
                &w.karin_actor,
                id,
                EntryKind::CustomerMessage,
                "Den 1 december.",
            )
            .await
            .unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(c.status, CaseStatus::Open);
        // A customer cannot write notes; another customer cannot read or answer.
        assert!(matches!(
            w.s.cases()
                .add_entry(&w.karin_actor, id, EntryKind::InternalNote, "x")
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            w.s.cases().my_case(&w.olle_actor, id).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            w.s.cases()
                .add_entry(&w.olle_actor, id, EntryKind::CustomerMessage, "hej")
                .await,
            Err(ServiceError::NotFound)
        ));
        // Resolved, then closed: a closed case takes no more customer messages.
        w.s.cases()
            .set_status(&w.agent, id, CaseStatus::Resolved)
            .await
            .unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(c.resolved_at, Some(w.s.now_micros()));
        w.s.cases()
            .set_status(&w.agent, id, CaseStatus::Closed)
            .await
            .unwrap();
        assert!(matches!(
            w.s.cases()
                .add_entry(
                    &w.karin_actor,
                    id,
                    EntryKind::CustomerMessage,
                    "en sak till"
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn teams_assignment_moves_and_access() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        let id =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Broadband, CaseSource::Portal),
                )
                .await
                .unwrap();
        // bredband is agent2's team, not agent's.
        assert!(matches!(
            w.s.cases().detail(&w.agent, id).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            w.s.cases()
                .add_entry(&w.agent, id, EntryKind::AgentReply, "hej")
                .await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            w.s.cases()
                .queue(
                    &w.agent,
                    &QueueQuery {
                        team: Some(Team::Bredband),
                        ..QueueQuery::default()
                    }
                )
                .await,
            Err(ServiceError::NotFound)
        ));
        w.s.cases().detail(&w.agent2, id).await.unwrap();
        w.s.cases().detail(&w.admin, id).await.unwrap();
        // Assign only within the team.
        assert!(matches!(
            w.s.cases().assign(&w.agent2, id, w.agent.user_id).await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "assignee",
                ..
            }))
        ));
        w.s.cases()
            .assign(&w.agent2, id, w.agent2.user_id)
            .await
            .unwrap();
        let mine =
            w.s.cases()
                .queue(
                    &w.agent2,
                    &QueueQuery {
                        mine: true,
                        ..QueueQuery::default()
                    },
                )
                .await
                .unwrap();
        assert_eq!(mine.cases.len(), 1);
        assert_eq!(mine.cases[0].assignee_name.as_deref(), Some("AGENT2"));
        // Moved to kundservice: agent sees it, agent2 no longer does; the assignee is cleared.
        w.s.cases()
            .move_to(&w.agent2, id, Team::Kundservice)
            .await
            .unwrap();
        let d = w.s.cases().detail(&w.agent, id).await.unwrap();
        assert_eq!(d.case.assignee_user_id, None);
        assert!(matches!(
            w.s.cases().detail(&w.agent2, id).await,
            Err(ServiceError::NotFound)
        ));
        // An unknown team is refused where it is read (the page answers 422); the service
        // only ever gets one of the teams.
        assert!("nowhere".parse::<Team>().is_err());
        // Nor can agent2 move it back: it is no longer their team's.
        assert!(matches!(
            w.s.cases().move_to(&w.agent2, id, Team::Bredband).await,
            Err(ServiceError::NotFound)
        ));
        // Customers are not staff.
        assert!(matches!(
            w.s.cases().detail(&w.karin_actor, id).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_case_links_to_the_customers_own_arrangement() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        let mut tx = w.s.store().begin().await.unwrap();
        store::credit::insert_invoices(
            &mut tx,
            &[store::credit::NewInvoice {
                customer_id: w.karin,
                invoice_number: "F1".into(),
                ocr: "1234567897".into(),
                issued_on: jiff::civil::date(2026, 10, 1),
                due_on: jiff::civil::date(2026, 10, 31),
                amount: domain::money::Money::from_ore(100_000),
                paid: domain::money::Money::ZERO,
                status: domain::credit::InvoiceStatus::Open,
                created_at: 0,
            }],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let invoice = store::backend::testing::query_strings(
            w.s.store(),
            "SELECT CAST(id AS TEXT) FROM invoices WHERE invoice_number = 'F1'",
        )
        .await[0]
            .parse::<i64>()
            .unwrap();
        let mut tx = w.s.store().begin().await.unwrap();
        let arrangement = store::credit::insert_arrangement(
            &mut tx,
            &store::credit::NewArrangement {
                invoice_id: domain::ids::InvoiceId::new(invoice),
                customer_id: w.karin,
                kind: domain::credit::ArrangementKind::Extension,
                status: domain::credit::ArrangementStatus::Referred,
                source: domain::credit::ArrangementSource::Portal,
                original_due_on: jiff::civil::date(2026, 10, 31),
                new_due_on: Some(jiff::civil::date(2026, 12, 31)),
                instalments: None,
                amount: domain::money::Money::from_ore(100_000),
                waive_interest: true,
                reasons: &[],
                requested_by: "Kund 1",
                decided_by: None,
                now: 0,
            },
        )
        .await
        .unwrap()
        .get();
        tx.commit().await.unwrap();
        let mut linked = new_case(w.karin, Category::Extension, CaseSource::Phone);
        let arrangement = ArrangementId::new(arrangement);
        linked.link = Some(CaseLink::Arrangement(arrangement));
        let id = w.s.cases().open(&w.agent, linked.clone()).await.unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(c.link, Some(CaseLink::Arrangement(arrangement)));
        // Olle's case cannot point at Karin's arrangement; a missing visit is refused too.
        linked.customer_id = w.olle;
        assert!(matches!(
            w.s.cases().open(&w.agent, linked.clone()).await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "link",
                ..
            }))
        ));
        linked.link = Some(CaseLink::Visit(VisitId::new(999_999)));
        assert!(matches!(
            w.s.cases().open(&w.agent, linked).await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "link",
                ..
            }))
        ));
    }
}

#[tokio::test]
async fn a_chat_closes_into_a_case_inside_the_callers_transaction() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        let mut tx = w.s.store().begin().await.unwrap();
        let id =
            w.s.cases()
                .open_in(
                    &mut tx,
                    &w.karin_actor,
                    &new_case(w.karin, Category::Invoice, CaseSource::Chat),
                )
                .await
                .unwrap();
        w.s.cases()
            .add_entry_in(
                &mut tx,
                &Actor::system(),
                id,
                EntryKind::ChatTranscript,
                "Kund: hej\nAgent: hej!",
            )
            .await
            .unwrap();
        // Dropped without commit: nothing is left behind.
        drop(tx);
        assert!(store::cases::get(w.s.store(), id).await.unwrap().is_none());
        assert!(outbox_subjects(&w.s).await.is_empty());
        let mut tx = w.s.store().begin().await.unwrap();
        let id =
            w.s.cases()
                .open_in(
                    &mut tx,
                    &w.karin_actor,
                    &new_case(w.karin, Category::Invoice, CaseSource::Chat),
                )
                .await
                .unwrap();
        w.s.cases()
            .add_entry_in(
                &mut tx,
                &Actor::system(),
                id,
                EntryKind::ChatTranscript,
                "Kund: hej",
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let (_, entries) = w.s.cases().my_case(&w.karin_actor, id).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].kind, EntryKind::ChatTranscript);
        // The system may not write replies.
        assert!(matches!(
            w.s.cases()
                .add_entry(&Actor::system(), id, EntryKind::AgentReply, "x")
                .await,
            Err(ServiceError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn the_settings_row_overrides_the_sla_targets() {
    for backend in BACKENDS {
        let Some(w) = world(backend).await else {
            continue;
        };
        let mut tx = w.s.store().begin().await.unwrap();
        store::settings::set(
            &mut tx,
            services::cases::SLA_SETTING,
            r#"{"outage": [30, 120]}"#,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Friday 16:30 + 30 business minutes is 17:00 the same day; resolution Monday 09:30.
        let id =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Outage, CaseSource::Portal),
                )
                .await
                .unwrap();
        let c = store::cases::get(w.s.store(), id).await.unwrap().unwrap();
        assert_eq!(
            c.first_response_due,
            domain::time::to_micros(at(2026, 11, 27, 17, 0))
        );
        assert_eq!(
            c.resolve_due,
            domain::time::to_micros(at(2026, 11, 30, 9, 30))
        );
        // Categories the row does not name keep the defaults (8 business hours).
        let other =
            w.s.cases()
                .open(
                    &w.karin_actor,
                    new_case(w.karin, Category::Other, CaseSource::Portal),
                )
                .await
                .unwrap();
        let c = store::cases::get(w.s.store(), other)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            c.first_response_due,
            domain::time::to_micros(at(2026, 11, 30, 15, 30))
        );
    }
}

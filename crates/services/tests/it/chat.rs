//! Chat on both backends: the queue with positions and waits, accepting within the per-agent
//! limit (also with many agents at once: never two agents on one chat), writing, handing over,
//! customers kept apart, offline chats filed as cases, closing into a case with the transcript,
//! and events reaching another app instance through PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use domain::cases::{CaseSource, Category, EntryKind};
use domain::chat::{ChatStatus, SystemNote, Topic};
use domain::ids::ChatId;
use domain::role::Role;
use services::chat::hub::{Channel, ChatEvent};
use services::chat::{Said, Started};
use services::{Actor, FixedClock, ServiceError, Services};
use test_support::{BACKENDS, Backend, test_now, test_settings, test_store};

async fn services(backend: Backend) -> Option<(Services, Arc<FixedClock>, test_support::TestDb)> {
    let (store, db) = test_store(backend).await?;
    // Monday 2026-11-23 10:00 Stockholm: the chat is open.
    let clock = Arc::new(FixedClock::new(test_now()));
    Some((
        Services::new(store, clock.clone(), test_settings(false)),
        clock,
        db,
    ))
}

async fn customer(s: &Services, n: u32) -> Actor {
    let mut tx = s.store().begin().await.unwrap();
    store::customers::insert_customers(
        &mut tx,
        &[store::customers::NewCustomer {
            customer_number: format!("{}", 7_000_000 + n),
            kind: domain::customer::CustomerKind::Private,
            name: format!("Kund {n}"),
            identity_number: "19121212-1212".into(),
            email: Some(format!("kund{n}@example.se")),
            phone: None,
            language: domain::customer::Language::Sv,
            preferred_channel: domain::customer::Channel::Email,
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
    let cid = store::backend::testing::query_strings(
        s.store(),
        &format!(
            "SELECT CAST(id AS TEXT) FROM customers WHERE customer_number = '{}'",
            7_000_000 + n
        ),
    )
    .await[0]
        .parse::<i64>()
        .map(domain::ids::CustomerId::new)
        .unwrap();
    let uid = s
        .accounts()
        .create_user(
            &format!("kund{n}"),
            &format!("Kund {n}"),
            Role::Customer,
            Some(cid),
            "password-long-enough",
            false,
        )
        .await
        .unwrap();
    Actor {
        user_id: Some(uid),
        name: format!("kund{n}"),
        role: Some(Role::Customer),
        customer_id: Some(cid),
        address: "test".into(),
    }
}

async fn agent(s: &Services, name: &str) -> Actor {
    let uid = s
        .accounts()
        .create_user(
            name,
            &format!("Agent {name}"),
            Role::Agent,
            None,
            "password-long-enough",
            false,
        )
        .await
        .unwrap();
    Actor {
        user_id: Some(uid),
        name: name.into(),
        role: Some(Role::Agent),
        customer_id: None,
        address: "test".into(),
    }
}

fn queued(s: Started) -> ChatId {
    match s {
        Started::Queued { chat_id } => chat_id,
        other => panic!("expected a queued chat, got {other:?}"),
    }
}

#[tokio::test]
async fn queue_accept_write_and_hand_over() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = services(backend).await else {
            continue;
        };
        let (a, b) = (customer(&s, 1).await, customer(&s, 2).await);
        let (anna, bert) = (agent(&s, "anna").await, agent(&s, "bert").await);
        s.chat().set_presence(&anna, true, Some(1)).await.unwrap();

        let chat_a = queued(
            s.chat()
                .start(&a, Topic::Invoice, "  Hej, fakturan?  ")
                .await
                .unwrap(),
        );
        let chat_b = queued(
            s.chat()
                .start(&b, Topic::Moving, "Jag flyttar")
                .await
                .unwrap(),
        );
        // Starting again returns the open chat.
        assert_eq!(
            queued(s.chat().start(&a, Topic::Other, "igen").await.unwrap()),
            chat_a
        );
        let ea = s.chat().estimate(chat_a).await.unwrap();
        let eb = s.chat().estimate(chat_b).await.unwrap();
        assert_eq!((ea.position, eb.position), (1, 2));
        assert!(eb.wait_minutes.unwrap() > ea.wait_minutes.unwrap());

        // Each customer sees their own chat only.
        let va = s.chat().of_customer(&a).await.unwrap().unwrap();
        let vb = s.chat().of_customer(&b).await.unwrap().unwrap();
        assert_eq!(va.chat.id, chat_a);
        assert_eq!(vb.chat.id, chat_b);
        assert_eq!(va.messages.len(), 1);
        assert_eq!(va.messages[0].text(), Some("Hej, fakturan?"));
        assert!(vb.messages.iter().all(|m| m.chat_id == chat_b));

        // Anna takes the first in line; her limit of one stops a second.
        assert_eq!(s.chat().accept_next(&anna).await.unwrap(), Some(chat_a));
        assert!(matches!(
            s.chat().accept_next(&anna).await,
            Err(ServiceError::Conflict(_))
        ));
        // Bert is offline: he may not take chats.
        assert!(matches!(
            s.chat().accept_next(&bert).await,
            Err(ServiceError::Conflict(_))
        ));
        // B moved up.
        assert_eq!(s.chat().estimate(chat_b).await.unwrap().position, 1);

        s.chat()
            .agent_send(&anna, chat_a, "Hej! Jag tittar.")
            .await
            .unwrap();
        s.chat().customer_send(&a, "Tack").await.unwrap();
        // Bert cannot write in Anna's chat, nor hand it over.
        assert!(matches!(
            s.chat().agent_send(&bert, chat_a, "intrång").await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            s.chat().agent_chat(&bert, chat_a).await,
            Err(ServiceError::NotFound)
        ));
        // Customers cannot act as agents and the other way round.
        assert!(matches!(
            s.chat().agent_send(&a, chat_a, "x").await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.chat().customer_send(&anna, "x").await,
            Err(ServiceError::Forbidden)
        ));
        // Empty and over-long messages are refused, naming the field.
        for bad in ["   ", &"x".repeat(2001)] {
            match s.chat().agent_send(&anna, chat_a, bad).await {
                Err(ServiceError::Invalid(domain::problem::Invalid { field, .. })) => {
                    assert_eq!(field, "body")
                }
                other => panic!("{other:?}"),
            }
        }

        // Handing over: not to someone offline, then to Bert once he is online.
        assert!(matches!(
            s.chat()
                .transfer(&anna, chat_a, bert.user_id.unwrap())
                .await,
            Err(ServiceError::Invalid(domain::problem::Invalid {
                field: "to",
                ..
            }))
        ));
        s.chat().set_presence(&bert, true, Some(2)).await.unwrap();
        s.chat()
            .transfer(&anna, chat_a, bert.user_id.unwrap())
            .await
            .unwrap();
        assert!(matches!(
            s.chat().agent_send(&anna, chat_a, "hallå").await,
            Err(ServiceError::NotFound)
        ));
        s.chat()
            .agent_send(&bert, chat_a, "Jag tar över.")
            .await
            .unwrap();
        let (line, messages) = s.chat().agent_chat(&bert, chat_a).await.unwrap();
        assert_eq!(line.agent_user_id, bert.user_id);
        let said: Vec<Said> = messages.iter().map(|m| m.said.clone()).collect();
        let text = |t: &str| Said::Text(t.into());
        assert_eq!(
            said,
            [
                text("Hej, fakturan?"),
                Said::Note(SystemNote::Joined {
                    agent: "Agent anna".into()
                }),
                text("Hej! Jag tittar."),
                text("Tack"),
                Said::Note(SystemNote::Transferred {
                    to: "Agent bert".into()
                }),
                text("Jag tar över."),
            ]
        );
        // Anna now has room again and takes B.
        assert_eq!(s.chat().accept_next(&anna).await.unwrap(), Some(chat_b));
        assert_eq!(s.chat().accept_next(&bert).await.unwrap(), None);

        // A customer leaving an active chat leaves it with the agent.
        s.chat().leave(&b).await.unwrap();
        assert!(s.chat().open_of_customer(&b).await.unwrap().is_none());
        let (line, _) = s.chat().agent_chat(&anna, chat_b).await.unwrap();
        assert_eq!(line.status, ChatStatus::Active);
        assert!(line.customer_left_at.is_some());

        let log = services::audit::list(&s, 100, 0).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "chat_accepted").count(),
            2,
            "{actions:?}"
        );
        assert!(actions.contains(&"chat_transferred"));
    }
}

#[tokio::test]
async fn a_customer_who_leaves_the_queue_is_withdrawn() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = services(backend).await else {
            continue;
        };
        let a = customer(&s, 1).await;
        let anna = agent(&s, "anna").await;
        s.chat().set_presence(&anna, true, None).await.unwrap();
        let id = queued(
            s.chat()
                .start(&a, Topic::Outage, "Strömmen är borta")
                .await
                .unwrap(),
        );
        s.chat().leave(&a).await.unwrap();
        assert_eq!(s.chat().estimate(id).await.unwrap().position, 0);
        assert_eq!(s.chat().accept_next(&anna).await.unwrap(), None);
        // A new chat can be started afterwards.
        let again = queued(s.chat().start(&a, Topic::Outage, "Igen").await.unwrap());
        assert_ne!(again, id);
    }
}

#[tokio::test]
async fn many_agents_accepting_at_once_never_share_a_chat_or_pass_their_limit() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = services(backend).await else {
            continue;
        };
        let mut agents = Vec::new();
        for i in 0..6 {
            let a = agent(&s, &format!("agent{i}")).await;
            s.chat().set_presence(&a, true, Some(3)).await.unwrap();
            agents.push(a);
        }
        let mut chats = Vec::new();
        for n in 0..24 {
            let c = customer(&s, n).await;
            chats.push(queued(
                s.chat().start(&c, Topic::Other, "Hej").await.unwrap(),
            ));
        }
        // Every agent tries to take four chats at once; the limit is three.
        let mut tasks = Vec::new();
        for a in &agents {
            for _ in 0..4 {
                let (s, a) = (s.clone(), a.clone());
                tasks.push(tokio::spawn(async move {
                    (a.user_id.unwrap(), s.chat().accept_next(&a).await)
                }));
            }
        }
        let mut taken = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (agent, Ok(Some(id))) => taken.push((agent, id)),
                (_, Ok(None) | Err(ServiceError::Conflict(_))) => {}
                (_, Err(e)) => panic!("{backend:?}: {e:?}"),
            }
        }
        assert_eq!(taken.len(), 18, "{backend:?}: six agents × three");
        let mut ids: Vec<ChatId> = taken.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 18, "{backend:?}: a chat went to two agents");
        // The first eighteen in line were taken, each by the agent the database names.
        assert_eq!(ids, chats[..18].to_vec());
        for (agent, id) in &taken {
            let row = s.chat().row(*id).await.unwrap().unwrap();
            assert_eq!(row.agent_user_id, Some(*agent));
            assert_eq!(row.status, ChatStatus::Active);
        }
        for a in &agents {
            let n = taken.iter().filter(|(u, _)| Some(*u) == a.user_id).count();
            assert_eq!(n, 3, "{backend:?}: an agent passed their limit");
        }
    }
}

#[tokio::test]
async fn events_reach_subscribers_on_this_and_another_instance() {
    for backend in BACKENDS {
        let Some((s1, clock, db)) = services(backend).await else {
            continue;
        };
        let a = customer(&s1, 1).await;
        let anna = agent(&s1, "anna").await;
        s1.chat().set_presence(&anna, true, None).await.unwrap();
        let id = queued(s1.chat().start(&a, Topic::Other, "Hej").await.unwrap());

        // The same instance.
        let mut local = s1.chat().subscribe(Channel::Chat(id)).await.unwrap();
        let sent = s1.chat().customer_send(&a, "lokalt").await.unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(5), local.recv())
            .await
            .expect("event in time")
            .unwrap();
        assert!(matches!(ev, ChatEvent::Message(m) if m.id == sent && m.text() == Some("lokalt")));

        if backend == Backend::Sqlite {
            // SQLite serves one instance: nothing crosses processes (documented).
            continue;
        }
        // A second instance on the same PostgreSQL database.
        let store2 = store::Store::connect(&db.url, &store::ConnectOptions::default())
            .await
            .unwrap();
        let s2 = Services::new(store2, clock.clone(), test_settings(false));
        let mut remote = s2.chat().subscribe(Channel::Chat(id)).await.unwrap();
        let mut console = s2.chat().subscribe(Channel::Console).await.unwrap();
        let sent = s1.chat().customer_send(&a, "över instanser").await.unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(5), remote.recv())
            .await
            .expect("event reached the other instance")
            .unwrap();
        assert!(
            matches!(&ev, ChatEvent::Message(m) if m.id == sent && m.text() == Some("över instanser")),
            "{ev:?}"
        );
        // An accept on instance 1 moves the queue on instance 2, and the agent's reply arrives.
        s1.chat().accept_next(&anna).await.unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(5), console.recv())
            .await
            .expect("queue event")
            .unwrap();
        assert!(matches!(ev, ChatEvent::Queue), "{ev:?}");
        let reply = s1.chat().agent_send(&anna, id, "svar").await.unwrap();
        let mut got = false;
        for _ in 0..5 {
            match tokio::time::timeout(Duration::from_secs(5), remote.recv()).await {
                Ok(Ok(ChatEvent::Message(m))) if m.id == reply => {
                    assert_eq!(m.user_name.as_deref(), Some("Agent anna"));
                    got = true;
                    break;
                }
                Ok(Ok(_)) => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(got);
        // The listener stops when its store closes, so closing does not wait for it.
        tokio::time::timeout(Duration::from_secs(10), s2.store().close())
            .await
            .expect("closing a store with a chat listener finishes");
    }
}

#[tokio::test]
async fn outside_hours_or_with_nobody_online_the_chat_becomes_a_case() {
    for backend in BACKENDS {
        let Some((s, clock, _db)) = services(backend).await else {
            continue;
        };
        let (a, b, c) = (
            customer(&s, 1).await,
            customer(&s, 2).await,
            customer(&s, 3).await,
        );
        // Open, but nobody online.
        let Started::Case {
            chat_id,
            case_id,
            why,
        } = s
            .chat()
            .start(&a, Topic::Extension, "Kan jag få anstånd?")
            .await
            .unwrap()
        else {
            panic!("expected a case");
        };
        assert_eq!(why, domain::chat::Intake::CaseNoAgent);
        let (case, entries) = s.cases().my_case(&a, case_id).await.unwrap();
        assert_eq!(
            (case.source.as_str(), case.category.as_str()),
            ("chat", "extension")
        );
        assert!(entries.iter().any(|e| e.body == "Kan jag få anstånd?"));
        // The case's subject is the customer's own words.
        assert_eq!(case.subject, "Kan jag få anstånd?");
        let row = s.chat().row(chat_id).await.unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.case_id),
            ("closed", Some(case_id))
        );
        // The customer is told: the chat's last line names the case.
        let view = s.chat().of_customer(&a).await.unwrap().unwrap();
        assert_eq!(
            view.messages.last().unwrap().note(),
            Some(&SystemNote::CaseNoAgent { case: case_id })
        );
        assert_eq!(
            view.last_note(),
            Some(&SystemNote::CaseNoAgent { case: case_id })
        );
        // B cannot read A's case.
        assert!(s.cases().my_case(&b, case_id).await.is_err());

        // 18:00 on the same Monday: closed, even with an agent online.
        let anna = agent(&s, "anna").await;
        clock.set("2026-11-23T17:00:00Z".parse().unwrap());
        s.chat().set_presence(&anna, true, None).await.unwrap();
        assert!(!s.chat().open_now().await.unwrap());
        match s.chat().start(&b, Topic::Visit, "Hej").await.unwrap() {
            Started::Case { why, case_id, .. } => {
                assert_eq!(why, domain::chat::Intake::CaseClosed);
                let (case, _) = s.cases().my_case(&b, case_id).await.unwrap();
                assert_eq!(case.category, Category::Other);
            }
            other => panic!("{other:?}"),
        }
        // A settings row keeps the chat open until 20:00.
        let mut tx = s.store().begin().await.unwrap();
        store::settings::set(&mut tx, services::chat::HOURS_SETTING, "08:00-20:00")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        queued(s.chat().start(&c, Topic::Other, "Hej").await.unwrap());
    }
}

#[tokio::test]
async fn closing_a_chat_files_its_transcript_on_a_case() {
    for backend in BACKENDS {
        let Some((s, _clock, _db)) = services(backend).await else {
            continue;
        };
        let (a, b) = (customer(&s, 1).await, customer(&s, 2).await);
        let (anna, bert) = (agent(&s, "anna").await, agent(&s, "bert").await);
        s.chat().set_presence(&anna, true, None).await.unwrap();
        let id = queued(
            s.chat()
                .start(&a, Topic::Invoice, "Min faktura är för hög")
                .await
                .unwrap(),
        );
        s.chat().accept_next(&anna).await.unwrap();
        s.chat()
            .agent_send(&anna, id, "Jag ser efter.")
            .await
            .unwrap();
        s.chat().customer_send(&a, "Tack!").await.unwrap();
        // Only the chat's agent closes it, into a category that exists (an unknown one is
        // refused where it is read: the page answers 422).
        assert!(matches!(
            s.chat().close(&bert, id, Category::Invoice).await,
            Err(ServiceError::NotFound)
        ));
        assert!("weather".parse::<Category>().is_err());
        let case_id = s
            .chat()
            .close(&anna, id, Category::Extension)
            .await
            .unwrap();
        let row = s.chat().row(id).await.unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.case_id),
            ("closed", Some(case_id))
        );
        let (case, entries) = s.cases().my_case(&a, case_id).await.unwrap();
        assert_eq!(case.category, Category::Extension);
        assert_eq!(case.source, CaseSource::Chat);
        // The subject and the first entry are the customer's first message, signed by them.
        assert_eq!(case.subject, "Min faktura är för hög");
        assert_eq!(entries[0].kind, EntryKind::CustomerMessage);
        assert_eq!(entries[0].body, "Min faktura är för hög");
        assert_eq!(entries[0].author_name, "Kund 1");
        assert!(!entries[0].taken_by_phone());
        let t = entries
            .iter()
            .find(|e| e.kind == EntryKind::ChatTranscript)
            .expect("transcript entry");
        assert!(
            t.body.contains("Kund 1: Min faktura är för hög"),
            "{}",
            t.body
        );
        assert!(t.body.contains("Agent anna: Jag ser efter."), "{}", t.body);
        assert!(t.body.contains("Kund 1: Tack!"), "{}", t.body);
        // Closed: no more messages either way, and closing again is refused.
        assert!(matches!(
            s.chat().agent_send(&anna, id, "hallå").await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(s.chat().customer_send(&a, "hallå").await.is_err());
        assert!(
            s.chat()
                .close(&anna, id, Category::Extension)
                .await
                .is_err()
        );
        // The customer's page now shows the case; B's shows nothing of it.
        let view = s.chat().of_customer(&a).await.unwrap().unwrap();
        assert_eq!(view.chat.case_id, Some(case_id));
        assert!(s.chat().of_customer(&b).await.unwrap().is_none());
        let log = services::audit::list(&s, 100, 0).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "chat_closed" && e.object_id == id.to_string())
        );
    }
}

//! The worker: outbox delivery through real transports, retries, demo mode holding messages.

mod continuity;

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use domain::customer::Channel;
use services::Services;
use services::outbox::{Message, MessageAttachment, SmsSettings, TransportSettings, Transports};
use test_support::{BACKENDS, test_now, test_settings, test_store};

type Received = Arc<Mutex<Vec<(String, serde_json::Value)>>>;

/// A stand-in SMS provider on a loopback port: records requests, answers with `status`.
async fn fake_sms_provider(status: StatusCode) -> (String, Received) {
    let received: Received = Arc::default();
    let r = received.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(
            move |headers: HeaderMap, Json(body): Json<serde_json::Value>| {
                let r = r.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    r.lock().unwrap().push((auth, body));
                    status
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/send"), received)
}

fn sms(url: &str) -> TransportSettings {
    TransportSettings {
        smtp: None,
        sms: Some(SmsSettings {
            url: url.into(),
            token: "secret-token".to_owned().into(),
            sender: "KEM".into(),
        }),
    }
}

async fn queue(s: &Services, channel: Channel, to: &str, key: &str) {
    let mut tx = s.store().begin().await.unwrap();
    s.queue_message(
        &mut tx,
        &Message {
            channel,
            customer_id: None,
            recipient: to.into(),
            subject: "Påminnelse".into(),
            body: "Ditt besök är i morgon kl. 10.00.".into(),
            html: None,
            attachment: Some(MessageAttachment {
                name: "besok.ics".into(),
                content_type: "text/calendar".into(),
                body: "BEGIN:VCALENDAR".into(),
            }),
            dedupe_key: Some(key.into()),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_worker_delivers_sms_through_the_provider_once() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let (url, received) = fake_sms_provider(StatusCode::OK).await;
        queue(&s, Channel::Sms, "+46701234567", "a").await;
        queue(&s, Channel::Sms, "+46701234567", "a").await;
        queue(&s, Channel::Letter, "Storgatan 1, 691 31 Karlskoga", "b").await;
        jobs::enqueue(
            &s,
            jobs::JobKind::DeliverOutbox,
            &serde_json::json!({}),
            test_now(),
            None,
        )
        .await
        .unwrap();
        let transports = Transports::from_settings(&sms(&url)).unwrap();
        assert_eq!(jobs::run_pending(&s, &transports).await.unwrap(), 1);
        let got = received.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "{backend:?}: one message, sent once");
        assert_eq!(got[0].0, "Bearer secret-token");
        assert_eq!(got[0].1["to"], "+46701234567");
        assert_eq!(got[0].1["from"], "KEM");
        let rows = s.outbox(10, 0).await.unwrap();
        assert!(
            rows.iter()
                .all(|r| r.status == domain::outbox::OutboxStatus::Sent),
            "{rows:?}"
        );
    }
}

#[tokio::test]
async fn a_failing_provider_leaves_the_message_pending_and_stops_after_five_tries() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let (url, received) = fake_sms_provider(StatusCode::BAD_GATEWAY).await;
        queue(&s, Channel::Sms, "+46701234567", "a").await;
        let transports = Transports::from_settings(&sms(&url)).unwrap();
        for _ in 0..7 {
            s.deliver_pending(&transports, 10).await.unwrap();
        }
        assert_eq!(received.lock().unwrap().len(), 5);
        let row = &s.outbox(1, 0).await.unwrap()[0];
        assert_eq!(row.status, domain::outbox::OutboxStatus::Failed);
        assert!(
            row.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("502")
        );
        // E-mail without an SMTP server configured fails with a message that says so.
        queue(&s, Channel::Email, "kund@example.com", "c").await;
        s.deliver_pending(&transports, 10).await.unwrap();
        let row = &s.outbox(1, 0).await.unwrap()[0];
        assert!(
            row.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("[mail.smtp]"),
            "{row:?}"
        );
    }
}

#[tokio::test]
async fn in_demo_mode_messages_are_held_for_the_outbox_page() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(true),
        );
        let (url, received) = fake_sms_provider(StatusCode::OK).await;
        queue(&s, Channel::Sms, "+46701234567", "a").await;
        s.deliver_pending(&Transports::from_settings(&sms(&url)).unwrap(), 10)
            .await
            .unwrap();
        assert!(received.lock().unwrap().is_empty());
        assert_eq!(
            s.outbox(1, 0).await.unwrap()[0].status,
            domain::outbox::OutboxStatus::Held
        );
    }
}

#[tokio::test]
async fn failed_jobs_back_off_and_unknown_kinds_fail_for_good() {
    assert_eq!(jobs::backoff(1).as_secs(), 10);
    assert_eq!(jobs::backoff(2).as_secs(), 20);
    assert_eq!(jobs::backoff(30).as_secs(), 3600);
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let mut tx = s.store().begin().await.unwrap();
        let id = store::jobs::enqueue(&mut tx, "no_such_kind", "{}", 0, 5, None, 0)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        let turn = jobs::run_once(
            &s,
            &Transports::from_settings(&TransportSettings::default()).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            turn,
            jobs::Turn::Failed {
                id,
                will_retry: false
            }
        );
    }
}

#[tokio::test]
async fn the_worker_stops_on_shutdown() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(store, Arc::new(services::SystemClock), test_settings(false));
        let token = tokio_util::sync::CancellationToken::new();
        let settings = jobs::WorkerSettings {
            idle_sleep: std::time::Duration::from_millis(20),
            ..Default::default()
        };
        let h = tokio::spawn(jobs::run_worker(
            s.clone(),
            Transports::from_settings(&TransportSettings::default()).unwrap(),
            settings,
            token.clone(),
        ));
        // Wait for the worker to have done something (its periodic jobs), not for a time.
        let done = || async {
            store::jobs::count_by_status(s.store(), domain::jobs::JobStatus::Done)
                .await
                .unwrap()
        };
        while done().await == 0 {
            assert!(!h.is_finished(), "the worker ended before it was told to");
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        token.cancel();
        // Generous: only a worker that ignores the token takes this long.
        tokio::time::timeout(std::time::Duration::from_secs(60), h)
            .await
            .expect("the worker stops when its token is cancelled")
            .unwrap();
        let after = done().await;
        assert!(after >= 1, "periodic jobs ran");
    }
}

/// A minimal SMTP server on a loopback port that accepts every message and keeps its DATA.
async fn fake_smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let mails: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = socket.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 fake ESMTP\r\n").await.ok()?;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap_or_default());
                            w.write_all(b"250 queued\r\n").await.ok()?;
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-fake\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.ok()?;
                            return Some(());
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.ok()?;
                }
                Some(())
            });
        }
    });
    (port, mails)
}

#[tokio::test]
async fn e_mail_goes_out_over_smtp_with_its_calendar_attachment() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let (port, mails) = fake_smtp_server().await;
        queue(&s, Channel::Email, "karin@example.com", "mail").await;
        let settings = TransportSettings {
            smtp: Some(services::outbox::SmtpSettings {
                host: "127.0.0.1".into(),
                port,
                security: services::outbox::SmtpSecurity::None,
                username: None,
                password: None,
                from: "Karlskoga Energi & Miljö <noreply@example.com>".into(),
            }),
            sms: None,
        };
        let (sent, failed) = s
            .deliver_pending(&Transports::from_settings(&settings).unwrap(), 10)
            .await
            .unwrap();
        assert_eq!(
            (sent, failed),
            (1, 0),
            "{:?}",
            s.outbox(1, 0).await.unwrap()
        );
        let mails = mails.lock().unwrap();
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert!(m.contains("To: karin@example.com"), "{m}");
        assert!(
            m.contains("text/calendar") && m.contains("besok.ics"),
            "{m}"
        );
    }
}

/// The prune job ends sessions idle or old past every role's limit, keeps live ones, and
/// forgets old failed logins (through `accounts().prune_sessions`).
#[tokio::test]
async fn the_prune_job_deletes_dead_sessions_only() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let user = s
            .accounts()
            .create_user(
                "pia",
                "Pia",
                domain::role::Role::Agent,
                None,
                "ett långt lösenord",
                false,
            )
            .await
            .unwrap();
        let now = s.now_micros();
        let minute = 60_000_000;
        let mut tx = s.store().begin().await.unwrap();
        // Idle for 31 minutes: dead for every role. Seen a minute ago: alive.
        store::sessions::insert(&mut tx, "old", user, "c1", false, now - 31 * minute)
            .await
            .unwrap();
        store::sessions::insert(&mut tx, "live", user, "c2", false, now - minute)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        jobs::enqueue(
            &s,
            jobs::JobKind::Prune,
            &serde_json::json!({}),
            test_now(),
            None,
        )
        .await
        .unwrap();
        let transports = Transports::from_settings(&TransportSettings::default()).unwrap();
        assert_eq!(jobs::run_pending(&s, &transports).await.unwrap(), 1);
        assert_eq!(
            store::sessions::count_for_user(s.store(), user)
                .await
                .unwrap(),
            1,
            "{backend:?}"
        );
        assert!(
            store::sessions::with_user(s.store(), "live")
                .await
                .unwrap()
                .is_some()
        );
    }
}

/// A worker shutting down gives the job in hand back when its grace runs out: the job is
/// queued again at once for another worker, the attempt not counted, and runs there.
#[tokio::test]
async fn a_job_not_done_by_the_end_of_the_grace_goes_back_to_the_queue() {
    for backend in BACKENDS {
        let Some((store, _db)) = test_store(backend).await else {
            continue;
        };
        let s = Services::new(
            store,
            Arc::new(services::FixedClock::new(test_now())),
            test_settings(false),
        );
        let id = jobs::enqueue(
            &s,
            jobs::JobKind::Prune,
            &serde_json::json!({}),
            s.now(),
            None,
        )
        .await
        .unwrap()
        .unwrap();
        let transports = Transports::from_settings(&TransportSettings::default()).unwrap();
        // The grace is over before the job could finish.
        let turn = jobs::run_turn(&s, &transports, std::future::ready(()))
            .await
            .unwrap();
        assert_eq!(turn, jobs::Turn::Released(id), "{backend:?}");
        let again = store::jobs::claim(s.store(), s.now_micros())
            .await
            .unwrap()
            .expect("queued again at once");
        assert_eq!((again.id, again.attempts), (id, 1), "{backend:?}");
        // A job no longer running is not this worker's to give back.
        store::jobs::complete(s.store(), id, s.now_micros())
            .await
            .unwrap();
        assert!(!store::jobs::release(s.store(), id).await.unwrap());
    }
}

//! The chat over HTTP and WebSocket: a socket needs a session (401) and our own origin (403);
//! the pages work without JavaScript; customer B never sees A's chat, on a page or a socket;
//! an agent cannot write in another agent's chat; messages cross between real sockets.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use domain::role::Role;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use test_support::{BACKENDS, Session, TestApp};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

const ORIGIN: &str = "http://localhost:8080";

fn upgrade_headers(origin: Option<&str>) -> Vec<(&str, &str)> {
    let mut h = vec![
        ("connection", "upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    if let Some(o) = origin {
        h.push(("origin", o));
    }
    h
}

/// A second customer account (demo accounts log in with `demo` in demo mode).
async fn second_customer(app: &TestApp) -> Session {
    let kund = store::users::by_username(app.services.store(), "kund")
        .await
        .unwrap()
        .unwrap();
    let other = store::backend::testing::query_strings(
        app.services.store(),
        &format!(
            "SELECT CAST(id AS TEXT) FROM customers WHERE id <> {} ORDER BY id LIMIT 1",
            kund.customer_id.unwrap()
        ),
    )
    .await[0]
        .parse::<i64>()
        .map(domain::ids::CustomerId::new)
        .unwrap();
    app.services
        .accounts()
        .create_user(
            "kund-b",
            "Kund B",
            Role::Customer,
            Some(other),
            "demo",
            true,
        )
        .await
        .unwrap();
    app.login_demo("kund-b").await
}

async fn second_agent(app: &TestApp) -> Session {
    app.services
        .accounts()
        .create_user("agent-b", "Agent B", Role::Agent, None, "demo", true)
        .await
        .unwrap();
    app.login_demo("agent-b").await
}

#[tokio::test]
async fn sockets_need_a_session_and_our_origin() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let kund = app.login_demo("kund").await;
    let agent = app.login_demo("kundtjanst").await;
    for path in ["/mina-sidor/chatt/ws", "/chatt/ws"] {
        let r = app
            .request(
                Method::GET,
                path,
                None,
                None,
                &upgrade_headers(Some(ORIGIN)),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{path} without a session"
        );
    }
    for (path, s) in [("/mina-sidor/chatt/ws", &kund), ("/chatt/ws", &agent)] {
        for bad in [Some("http://evil.example"), Some("null"), None] {
            let r = app
                .request(Method::GET, path, Some(s), None, &upgrade_headers(bad))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} from {bad:?}");
        }
        // Our own origin passes the checks (the in-process router cannot upgrade, so it ends
        // at the upgrade itself).
        let r = app
            .request(
                Method::GET,
                path,
                Some(s),
                None,
                &upgrade_headers(Some(ORIGIN)),
            )
            .await;
        assert!(
            !matches!(
                r.status,
                StatusCode::FORBIDDEN
                    | StatusCode::UNAUTHORIZED
                    | StatusCode::INTERNAL_SERVER_ERROR
            ),
            "{path}: {}",
            r.status
        );
    }
    // Each role reaches only its own socket.
    let r = app
        .request(
            Method::GET,
            "/chatt/ws",
            Some(&kund),
            None,
            &upgrade_headers(Some(ORIGIN)),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .request(
            Method::GET,
            "/mina-sidor/chatt/ws",
            Some(&agent),
            None,
            &upgrade_headers(Some(ORIGIN)),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_pages_work_without_javascript_and_keep_customers_and_agents_apart() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let a = app.login_demo("kund").await;
        let b = second_customer(&app).await;
        let anna = app.login_demo("kundtjanst").await;
        let bert = second_agent(&app).await;

        let console = app.get("/chatt", Some(&anna)).await;
        assert_eq!(console.status, StatusCode::OK);
        assert!(console.body.contains("Gå online"));
        let r = app
            .post(
                "/chatt/status",
                Some(&anna),
                &[("online", "1"), ("max_chats", "0")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a limit of 0 is refused"
        );
        let r = app
            .post(
                "/chatt/status",
                Some(&anna),
                &[("online", "1"), ("max_chats", "2")],
            )
            .await;
        assert_eq!(r.location(), Some("/chatt"));

        // A starts a chat; an empty message is refused naming the field.
        let page = app.get("/mina-sidor/chatt", Some(&a)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("/static/chat.js"));
        let r = app
            .post(
                "/mina-sidor/chatt",
                Some(&a),
                &[("topic", "invoice"), ("body", " ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#body\""));
        let r = app
            .post(
                "/mina-sidor/chatt",
                Some(&a),
                &[("topic", "invoice"), ("body", "A:s hemliga fråga")],
            )
            .await;
        assert_eq!(r.location(), Some("/mina-sidor/chatt"));
        let page = app.get("/mina-sidor/chatt", Some(&a)).await;
        assert!(page.body.contains("A:s hemliga fråga"));
        assert!(page.body.contains("Du är nummer 1 i kön"), "{}", page.body);

        // B sees nothing of it, and B's message does not land in A's chat.
        let page_b = app.get("/mina-sidor/chatt", Some(&b)).await;
        assert!(!page_b.body.contains("A:s hemliga fråga"));
        let r = app
            .post(
                "/mina-sidor/chatt/meddelande",
                Some(&b),
                &[("body", "B skriver")],
            )
            .await;
        assert_eq!(r.location(), Some("/mina-sidor/chatt"));
        assert!(
            !app.get("/mina-sidor/chatt", Some(&a))
                .await
                .body
                .contains("B skriver")
        );

        // Anna takes it and answers.
        let r = app.post("/chatt/nasta", Some(&anna), &[]).await;
        let to = r.location().expect("redirect to the chat").to_owned();
        assert!(to.starts_with("/chatt/"), "{to}");
        let id = to.trim_start_matches("/chatt/").to_owned();
        let chat = app.get(&to, Some(&anna)).await;
        assert!(chat.body.contains("A:s hemliga fråga"));
        let r = app
            .post(
                &format!("/chatt/{id}/meddelande"),
                Some(&anna),
                &[("body", "Hej från Anna")],
            )
            .await;
        assert_eq!(r.location(), Some(to.as_str()));
        let page = app.get("/mina-sidor/chatt", Some(&a)).await;
        assert!(page.body.contains("Hej från Anna"));
        assert!(page.body.contains("Du chattar med"));
        assert!(
            !app.get("/mina-sidor/chatt", Some(&b))
                .await
                .body
                .contains("Hej från Anna")
        );

        // Bert can neither read nor write in Anna's chat.
        assert_eq!(
            app.get(&to, Some(&bert)).await.status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .post(
                &format!("/chatt/{id}/meddelande"),
                Some(&bert),
                &[("body", "intrång")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app
            .post(
                &format!("/chatt/{id}/stang"),
                Some(&bert),
                &[("category", "invoice")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!app.get(&to, Some(&anna)).await.body.contains("intrång"));

        // Anna closes it into a case; A's page says so and links to it.
        let r = app
            .post(
                &format!("/chatt/{id}/stang"),
                Some(&anna),
                &[("category", "invoice")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("sparad som ärende"), "{}", r.body);
        let page = app.get("/mina-sidor/chatt", Some(&a)).await;
        assert!(page.body.contains("/mina-sidor/arenden/"), "{}", page.body);
        assert!(
            !app.get("/mina-sidor/chatt", Some(&b))
                .await
                .body
                .contains("/mina-sidor/arenden/")
        );
        // The case, with the transcript, is on A's case page; B cannot open it.
        let i = page.body.find("/mina-sidor/arenden/").unwrap();
        let link: String = page.body[i..].chars().take_while(|c| *c != '"').collect();
        let case = app.get(&link, Some(&a)).await;
        assert_eq!(case.status, StatusCode::OK);
        assert!(case.body.contains("Hej från Anna"), "{}", case.body);
        assert_eq!(app.get(&link, Some(&b)).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn crisis_deflection_offers_self_service_before_queuing() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let admin = services::Actor {
        role: Some(Role::Admin),
        name: "admin".into(),
        ..services::Actor::system()
    };
    app.services
        .policies()
        .set(
            &admin,
            &domain::policy::PolicyBody::Portal(domain::policy::PortalPolicy {
                banner_sv: Some("Krisläge".into()),
                banner_en: Some("Crisis".into()),
                deflect_to_self_service: true,
                chat_hours: None,
            }),
            app.services.now(),
            None,
            "test",
        )
        .await
        .unwrap();
    let a = app.login_demo("kund").await;
    let page = app.get("/mina-sidor/chatt", Some(&a)).await;
    assert!(page.body.contains("Krisläge"));
    assert!(page.body.contains("href=\"/mina-sidor/anstand\""));
    assert!(page.body.contains("href=\"/mina-sidor/besok\""));
    // A question about more time to pay is offered the extension page first.
    let r = app
        .post(
            "/mina-sidor/chatt",
            Some(&a),
            &[("topic", "extension"), ("body", "Anstånd?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"confirmed\" value=\"1\""));
    assert!(r.body.contains("href=\"/mina-sidor/anstand\""));
    let before = store::chat::last_of(
        app.services.store(),
        store::users::by_username(app.services.store(), "kund")
            .await
            .unwrap()
            .unwrap()
            .customer_id
            .unwrap(),
    )
    .await
    .unwrap();
    assert!(
        before.is_none(),
        "nothing is queued before the customer confirms"
    );
    // Confirming goes ahead (nobody is online, so it becomes a case).
    let r = app
        .post(
            "/mina-sidor/chatt",
            Some(&a),
            &[
                ("topic", "extension"),
                ("body", "Anstånd?"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/mina-sidor/chatt"));
    let page = app.get("/mina-sidor/chatt", Some(&a)).await;
    assert!(
        page.body.contains("Ingen handläggare är inloggad"),
        "{}",
        page.body
    );
}

/// The customer `kund` waiting in the queue with "A1", and the agent `kundtjanst` online.
async fn waiting_for_an_agent(app: &TestApp) -> (Session, Session) {
    let a = app.login_demo("kund").await;
    let anna = app.login_demo("kundtjanst").await;
    app.post(
        "/chatt/status",
        Some(&anna),
        &[("online", "1"), ("max_chats", "5")],
    )
    .await;
    app.post(
        "/mina-sidor/chatt",
        Some(&a),
        &[("topic", "other"), ("body", "A1")],
    )
    .await;
    (a, anna)
}

/// The application on a real port (sockets need one), stopped gracefully at the end.
struct Server {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(app: &TestApp, http: web::HttpSettings) -> (u16, Server) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        app.services
            .set_bound_url(format!("http://127.0.0.1:{port}"));
        let state = web::AppState::new(app.services.clone(), http);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        (port, Server { stop, task })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn ws_connect(port: u16, path: &str, s: &Session) -> Socket {
    try_ws_connect(port, path, s).await.unwrap()
}

async fn try_ws_connect(port: u16, path: &str, s: &Session) -> Result<Socket, tungstenite::Error> {
    let mut req = format!("ws://127.0.0.1:{port}{path}")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", s.cookie.parse().unwrap());
    req.headers_mut().insert(
        "origin",
        format!("http://127.0.0.1:{port}").parse().unwrap(),
    );
    tokio_tungstenite::connect_async(req)
        .await
        .map(|(ws, _)| ws)
}

async fn next_frame<S>(ws: &mut S) -> Value
where
    S: StreamExt<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame in time")
            .expect("socket open")
            .expect("frame");
        if let tungstenite::Message::Text(t) = m {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

/// Frames until a message frame with this body, returning everything seen.
async fn frames_until<S>(ws: &mut S, body: &str) -> Vec<Value>
where
    S: StreamExt<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    let mut seen = Vec::new();
    loop {
        let f = next_frame(ws).await;
        let done = f["type"] == "message" && f["body"] == body;
        seen.push(f);
        if done {
            return seen;
        }
    }
}

#[tokio::test]
async fn messages_cross_between_real_sockets_and_never_to_another_customer() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let a = app.login_demo("kund").await;
        let b = second_customer(&app).await;
        let anna = app.login_demo("kundtjanst").await;
        app.post(
            "/chatt/status",
            Some(&anna),
            &[("online", "1"), ("max_chats", "5")],
        )
        .await;
        app.post(
            "/mina-sidor/chatt",
            Some(&a),
            &[("topic", "other"), ("body", "A1")],
        )
        .await;
        app.post(
            "/mina-sidor/chatt",
            Some(&b),
            &[("topic", "other"), ("body", "B1")],
        )
        .await;

        let (port, server) = Server::start(
            &app,
            web::HttpSettings {
                secure_cookies: true,
                show_demo_hint: true,
                ..Default::default()
            },
        )
        .await;

        let mut ws_a = ws_connect(port, "/mina-sidor/chatt/ws", &a).await;
        let mut ws_b = ws_connect(port, "/mina-sidor/chatt/ws", &b).await;
        // Each first gets its own transcript and place in the queue.
        let first = frames_until(&mut ws_a, "A1").await;
        assert!(first.iter().all(|f| f["body"] != "B1"));
        let f = next_frame(&mut ws_a).await;
        assert_eq!(f["type"], "status");
        assert!(f["text"].as_str().unwrap().contains("nummer 1"), "{f}");
        frames_until(&mut ws_b, "B1").await;

        let mut ws_agent = ws_connect(port, "/chatt/ws", &anna).await;
        let f = next_frame(&mut ws_agent).await;
        assert_eq!(f["type"], "console");
        assert_eq!(f["queue"].as_array().unwrap().len(), 2);
        // Anna takes A's chat: her console follows it and A is told who answers.
        let r = app.post("/chatt/nasta", Some(&anna), &[]).await;
        let chat_a: i64 = r
            .location()
            .unwrap()
            .trim_start_matches("/chatt/")
            .parse()
            .unwrap();
        loop {
            let f = next_frame(&mut ws_agent).await;
            if f["type"] == "console" && f["mine"].as_array().unwrap().len() == 1 {
                assert_eq!(f["mine"][0]["id"], chat_a);
                break;
            }
        }
        loop {
            let f = next_frame(&mut ws_a).await;
            if f["type"] == "status" && f["text"].as_str().unwrap().contains("Du chattar med") {
                break;
            }
        }
        // Agent → customer over the sockets.
        ws_agent
            .send(tungstenite::Message::Text(
                serde_json::json!({"type": "send", "chat": chat_a, "body": "Hej A"})
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        let seen = frames_until(&mut ws_a, "Hej A").await;
        let last = seen.last().unwrap();
        assert_eq!(
            (last["sender"].as_str(), last["mine"].as_bool()),
            (Some("agent"), Some(false))
        );
        // Customer → agent.
        ws_a.send(tungstenite::Message::Text(
            serde_json::json!({"type": "send", "body": "Hej Anna"})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
        let seen = frames_until(&mut ws_agent, "Hej Anna").await;
        assert_eq!(seen.last().unwrap()["chat"], chat_a);
        // An agent's socket cannot write in a chat that is not theirs (B's, still queued).
        let chat_b = store::chat::open_of(
            app.services.store(),
            store::users::by_username(app.services.store(), "kund-b")
                .await
                .unwrap()
                .unwrap()
                .customer_id
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
        ws_agent
            .send(tungstenite::Message::Text(
                serde_json::json!({"type": "send", "chat": chat_b, "body": "intrång"})
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        loop {
            let f = next_frame(&mut ws_agent).await;
            if f["type"] == "error" {
                break;
            }
            assert_ne!(f["body"], "intrång");
        }
        // B, who is still waiting, saw nothing of A's chat: B's own next message proves
        // B's socket was served in the meantime.
        app.post("/mina-sidor/chatt/meddelande", Some(&b), &[("body", "B2")])
            .await;
        let seen = frames_until(&mut ws_b, "B2").await;
        for f in &seen {
            if f["type"] == "message" {
                assert_ne!(f["chat"], chat_a, "B's socket carried A's chat: {f}");
            }
            assert_ne!(f["body"], "Hej A");
            assert_ne!(f["body"], "Hej Anna");
            assert_ne!(f["body"], "intrång");
        }
        server.stop().await;
    }
}

/// Stays open (the next checks find the session good): a message sent after several checks
/// still arrives. Then logging out ends the session, and the next check closes the socket.
async fn closes_once_logged_out<S>(app: &TestApp, ws: &mut S, s: &Session, check: Duration)
where
    S: StreamExt<Item = Result<tungstenite::Message, tungstenite::Error>> + Unpin,
{
    let r = app.post("/logga-ut", Some(s), &[]).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    tokio::time::timeout(Duration::from_secs(10).max(check * 100), async {
        loop {
            match ws.next().await {
                None | Some(Err(_)) | Some(Ok(tungstenite::Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("the socket closes at the next session check");
}

#[tokio::test]
async fn an_open_socket_closes_at_the_next_check_once_its_session_ended() {
    let check = Duration::from_millis(50);
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (a, anna) = waiting_for_an_agent(&app).await;
        let (port, server) = Server::start(
            &app,
            web::HttpSettings {
                secure_cookies: true,
                socket_session_check: check,
                ..Default::default()
            },
        )
        .await;
        let mut ws_a = ws_connect(port, "/mina-sidor/chatt/ws", &a).await;
        let mut ws_agent = ws_connect(port, "/chatt/ws", &anna).await;
        frames_until(&mut ws_a, "A1").await;
        assert_eq!(next_frame(&mut ws_agent).await["type"], "console");
        // Several checks pass with both sessions good; both sockets still carry a message.
        tokio::time::sleep(check * 6).await;
        app.post("/mina-sidor/chatt/meddelande", Some(&a), &[("body", "A2")])
            .await;
        frames_until(&mut ws_a, "A2").await;
        app.post("/chatt/nasta", Some(&anna), &[]).await;
        while next_frame(&mut ws_agent).await["mine"]
            .as_array()
            .is_none_or(|m| m.is_empty())
        {}
        closes_once_logged_out(&app, &mut ws_a, &a, check).await;
        closes_once_logged_out(&app, &mut ws_agent, &anna, check).await;
        server.stop().await;
    }
}

/// A socket is bounded: a frame over the limit ends it, messages past the burst are refused
/// (each would be a database write), and a session holds only a few sockets at a time.
#[tokio::test]
async fn a_socket_is_bounded_in_frame_size_pace_and_number() {
    use web::chat::limits::{MAX_FRAME_BYTES, MAX_SOCKETS_PER_SESSION, SENDS_BURST};
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (a, _agent_online) = waiting_for_an_agent(&app).await;
        let (port, server) = Server::start(&app, web::HttpSettings::default()).await;
        let send = |body: String| {
            tungstenite::Message::Text(
                serde_json::json!({"type": "send", "body": body})
                    .to_string()
                    .into(),
            )
        };

        // Thirty messages at once (the clock stands still, so nothing refills): the burst is
        // stored, every other one is answered "too fast".
        let mut ws = ws_connect(port, "/mina-sidor/chatt/ws", &a).await;
        frames_until(&mut ws, "A1").await;
        for i in 0..30 {
            ws.send(send(format!("snabb {i}"))).await.unwrap();
        }
        let mut too_fast = 0;
        while too_fast < 30 - SENDS_BURST as usize {
            let f = next_frame(&mut ws).await;
            if f["type"] == "error" {
                assert!(f["text"].as_str().unwrap().contains("för snabbt"), "{f}");
                too_fast += 1;
            }
        }
        let stored = store::backend::testing::query_strings(
            app.services.store(),
            "SELECT CAST(COUNT(*) AS TEXT) FROM chat_messages WHERE body LIKE 'snabb %'",
        )
        .await;
        assert_eq!(stored[0], (SENDS_BURST as usize).to_string(), "{backend:?}");

        // A frame over the limit ends the socket.
        ws.send(send("x".repeat(MAX_FRAME_BYTES + 1)))
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match ws.next().await {
                    None | Some(Err(_)) | Some(Ok(tungstenite::Message::Close(_))) => return,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await
        .expect("an oversized frame closes the socket");

        // A few sockets per session; one more is refused until one closes.
        let mut open = Vec::new();
        for _ in 0..MAX_SOCKETS_PER_SESSION {
            open.push(ws_connect(port, "/mina-sidor/chatt/ws", &a).await);
        }
        let refused = try_ws_connect(port, "/mina-sidor/chatt/ws", &a).await;
        match refused {
            Err(tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 429),
            other => panic!("{backend:?}: a socket too many: {:?}", other.map(|_| ())),
        }
        let mut first = open.remove(0);
        first.close(None).await.unwrap();
        tokio::time::timeout(Duration::from_secs(10), async {
            while try_ws_connect(port, "/mina-sidor/chatt/ws", &a)
                .await
                .is_err()
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("a closed socket gives its place back");
        server.stop().await;
    }
}

/// A customer who reads English: the chat's notes and the case it becomes are in English, the
/// case's subject is the customer's own first message, and the transcript kept on the case is
/// written in the customer's language.
#[tokio::test]
async fn a_chat_in_english_becomes_a_case_in_the_customers_words() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let a = app.login_demo("kund").await;
    let a_en = Session {
        cookie: format!("{}; lang=en", a.cookie),
        csrf: a.csrf.clone(),
    };
    // Messages and transcripts in English, please.
    let r = app
        .post(
            "/mina-sidor/installningar",
            Some(&a_en),
            &[
                ("channel", "letter"),
                ("email", ""),
                ("phone", ""),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let anna = app.login_demo("kundtjanst").await;
    let r = app
        .post(
            "/chatt/status",
            Some(&anna),
            &[("online", "1"), ("max_chats", "2")],
        )
        .await;
    assert_eq!(r.location(), Some("/chatt"));
    // An empty message is refused in English.
    let r = app
        .post(
            "/mina-sidor/chatt",
            Some(&a_en),
            &[("topic", "invoice"), ("body", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Write a message."), "{}", r.body);
    let r = app
        .post(
            "/mina-sidor/chatt",
            Some(&a_en),
            &[
                ("topic", "invoice"),
                ("body", "My bill is far too high\nPlease check it"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/mina-sidor/chatt"));
    let page = app.get("/mina-sidor/chatt", Some(&a_en)).await;
    assert!(
        page.body.contains("You are number 1 in the queue"),
        "{}",
        page.body
    );
    let to = app
        .post("/chatt/nasta", Some(&anna), &[])
        .await
        .location()
        .expect("redirect to the chat")
        .to_owned();
    let page = app.get("/mina-sidor/chatt", Some(&a_en)).await;
    assert!(page.body.contains("has joined the chat."), "{}", page.body);
    let r = app
        .post(
            &format!("{to}/stang"),
            Some(&anna),
            &[("category", "invoice")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = app.get("/mina-sidor/chatt", Some(&a_en)).await;
    assert!(
        page.body
            .contains("The chat has ended and is saved as case"),
        "{}",
        page.body
    );
    let i = page.body.find("/mina-sidor/arenden/").unwrap();
    let link: String = page.body[i..].chars().take_while(|c| *c != '"').collect();
    let case = app.get(&link, Some(&a_en)).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(
        case.body.contains(": My bill is far too high</h1>"),
        "the subject is the customer's first line: {}",
        case.body
    );
    assert!(case.body.contains("Chat transcript"), "{}", case.body);
    assert!(case.body.contains("has joined the chat."), "{}", case.body);
    assert!(!case.body.contains("har anslutit"), "{}", case.body);
}

#[tokio::test]
async fn closing_into_an_unknown_category_is_refused_on_the_form() {
    let Some(app) = TestApp::demo(test_support::Backend::Sqlite).await else {
        return;
    };
    let a = app.login_demo("kund").await;
    let anna = app.login_demo("kundtjanst").await;
    app.post(
        "/chatt/status",
        Some(&anna),
        &[("online", "1"), ("max_chats", "2")],
    )
    .await;
    app.post(
        "/mina-sidor/chatt",
        Some(&a),
        &[("topic", "outage"), ("body", "Strömmen är borta")],
    )
    .await;
    let to = app
        .post("/chatt/nasta", Some(&anna), &[])
        .await
        .location()
        .expect("redirect to the chat")
        .to_owned();
    let r = app
        .post(
            &format!("{to}/stang"),
            Some(&anna),
            &[("category", "weather")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#category\""), "{}", r.body);
    assert!(r.body.contains("Välj ett av alternativen."), "{}", r.body);
    // Handing over to nobody names the field too.
    let r = app
        .post(&format!("{to}/overlamna"), Some(&anna), &[("to", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Välj en handläggare."), "{}", r.body);
}

/// A server shutting down closes its sockets with 1012 (service restart), which the page reads
/// as "reconnect in a moment", and stops once they are closed.
#[tokio::test]
async fn a_server_shutting_down_closes_its_sockets_with_a_hint_to_reconnect() {
    for backend in BACKENDS {
        let Some(app) = TestApp::demo(backend).await else {
            continue;
        };
        let (a, anna) = waiting_for_an_agent(&app).await;
        let (port, server) = Server::start(
            &app,
            web::HttpSettings {
                secure_cookies: true,
                ..Default::default()
            },
        )
        .await;
        let mut ws_a = ws_connect(port, "/mina-sidor/chatt/ws", &a).await;
        let mut ws_agent = ws_connect(port, "/chatt/ws", &anna).await;
        frames_until(&mut ws_a, "A1").await;
        assert_eq!(next_frame(&mut ws_agent).await["type"], "console");
        let _ = server.stop.send(());
        for ws in [&mut ws_a, &mut ws_agent] {
            let close = loop {
                match tokio::time::timeout(Duration::from_secs(10), ws.next())
                    .await
                    .expect("closed in time")
                {
                    Some(Ok(tungstenite::Message::Close(frame))) => break frame,
                    Some(Ok(_)) => continue,
                    other => panic!("{backend:?}: no close frame: {other:?}"),
                }
            };
            let close = close.expect("a close code");
            assert_eq!(u16::from(close.code), web::chat::SERVICE_RESTART);
            assert_eq!(close.reason.as_str(), "restart");
        }
        tokio::time::timeout(Duration::from_secs(10), server.task)
            .await
            .expect("the server stops once its sockets are closed")
            .unwrap()
            .unwrap();
    }
}

//! The chat's WebSockets: one upgrade with the session and `Origin` checks, and one socket loop
//! ([`run`]) that both sides share. A side ([`Side`]) says what its subscriptions mean, what a
//! frame from the browser does and how it re-reads its state; the loop forwards, re-checks the
//! session every `HttpSettings::socket_session_check` (30 s), and ends the socket when the
//! session, the chat or the connection does.
//!
//! The customer's side carries only their own open chat, found from the session; the agent's
//! side carries the console and the agent's own chats, each forwarded from its topic.

use std::collections::HashMap;
use std::future::Future;

use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use domain::chat::ChatStatus;
use domain::ids::{ChatId, UserId};
use domain::problem::Problem;
use serde_json::{Value, json};
use services::auth::SessionUser;
use services::chat::ChatLine;
use services::chat::hub::{Channel, ChatEvent};
use services::{Actor, ServiceError};
use tokio::sync::{broadcast, mpsc};
use views::Lang;

use super::limits::{MAX_FRAME_BYTES, Pace};
use super::portal::customer_status;
use super::{Reader, line_view, message_frame, message_view};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::session::{cookie, session_cookie_name};

/// The origin the browser must send: the public URL's scheme, host and port.
fn own_origin(public_url: &str) -> String {
    let (scheme, rest) = public_url.split_once("://").unwrap_or(("http", public_url));
    let host = rest.split('/').next().unwrap_or(rest);
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

fn origin_ok(headers: &HeaderMap, public_url: &str) -> bool {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o.trim_end_matches('/').to_ascii_lowercase() == own_origin(public_url))
}

/// The checks before an upgrade: a session (the guard answers 401 without one) and our own
/// origin (403 otherwise, so another site cannot open a socket with the visitor's cookie).
fn upgrade_checks(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<(SessionUser, String, WebSocketUpgrade), Box<Response>> {
    let Some(user) = ctx.user.clone() else {
        return Err(Box::new(AppError::Unauthorized.into_response()));
    };
    if !origin_ok(headers, state.services.public_url()) {
        return Err(Box::new(AppError::Forbidden.into_response()));
    }
    let ws = ws.map_err(|r| Box::new(r.into_response()))?;
    let token = cookie(headers, session_cookie_name(state.http.secure_cookies)).unwrap_or_default();
    Ok((user, token, ws))
}

async fn send_json(socket: &mut WebSocket, v: &Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

fn error_frame(lang: Lang, e: &ServiceError) -> Value {
    let text = match e.problem() {
        Some(problem) => views::explain(lang, problem),
        None => views::translate(lang, "chat-send-failed", &[]),
    };
    json!({"type": "error", "text": text})
}

fn reload() -> Value {
    json!({"type": "reload"})
}

/// An inbound frame: `{"type":"send","body":"…","chat":1}` or `{"type":"ping"}`.
#[derive(serde::Deserialize)]
struct Inbound {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    chat: Option<ChatId>,
}

/// What happened on a side's subscriptions.
enum Step {
    Nothing,
    /// A frame to send.
    Send(Value),
    /// Something moved: re-read the state.
    Refresh,
    /// Events may have been lost: the page reloads.
    Reload,
    /// The subscription ended.
    Stop,
}

/// One side of the chat as a socket sees it.
trait Side: Sized + Send {
    /// Subscribes and says where things stand: the side and its first frames, or the frames
    /// to send before closing.
    fn open(
        state: AppState,
        actor: Actor,
        lang: Lang,
    ) -> impl Future<Output = Result<(Self, Vec<Value>), Vec<Value>>> + Send;
    /// The next event of the side's subscriptions (cancel-safe).
    fn next(&mut self) -> impl Future<Output = Step> + Send;
    /// A frame from the browser; an error frame to send back, if any.
    fn inbound(&mut self, frame: Inbound) -> impl Future<Output = Option<Value>> + Send;
    /// At every session check, once the session is still good.
    fn tick(&mut self) -> impl Future<Output = ()> + Send;
    /// Re-reads the state: frames to send, or the last frame (if any) before closing.
    fn refresh(&mut self) -> impl Future<Output = Result<Vec<Value>, Option<Value>>> + Send;
}

/// The upgrade both sockets share: the checks, then [`run`] with side `S`.
async fn upgrade<S: Side + 'static>(
    state: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (user, token, ws) = match upgrade_checks(&state, &ctx, &headers, ws) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    // A session holds a few sockets at most; each frame is bounded (a larger one ends it).
    let Some(seat) = state.sockets.seat(&services::auth::token_hash(&token)) else {
        return AppError::RateLimited.into_response();
    };
    let actor = user.actor(&ctx.address);
    let lang = ctx.lang;
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            run::<S>(state, actor, token, lang, socket).await;
            drop(seat);
        })
}

pub async fn portal_ws(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    upgrade::<CustomerSide>(state, ctx, headers, ws).await
}

pub async fn agent_ws(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    upgrade::<AgentSide>(state, ctx, headers, ws).await
}

async fn send_all(socket: &mut WebSocket, frames: &[Value]) -> bool {
    for f in frames {
        if !send_json(socket, f).await {
            return false;
        }
    }
    true
}

/// The close code a socket gets when its server shuts down: come back in a moment.
pub const SERVICE_RESTART: u16 = 1012;

/// What woke the loop.
enum Woke {
    Step(Step),
    Frame(Inbound),
    Tick,
    Gone,
    /// This server is shutting down.
    Closing,
}

/// The socket loop of both sides.
async fn run<S: Side>(
    state: AppState,
    actor: Actor,
    token: String,
    lang: Lang,
    mut socket: WebSocket,
) {
    let mut side = match S::open(state.clone(), actor, lang).await {
        Ok((side, frames)) => {
            if !send_all(&mut socket, &frames).await {
                return;
            }
            side
        }
        Err(frames) => {
            send_all(&mut socket, &frames).await;
            return;
        }
    };
    let mut tick = tokio::time::interval(state.http.socket_session_check);
    tick.tick().await;
    let mut pace = Pace::new(state.services.now_micros());
    loop {
        let woke = tokio::select! {
            step = side.next() => Woke::Step(step),
            inbound = socket.recv() => match inbound {
                Some(Ok(Message::Text(t))) => serde_json::from_str::<Inbound>(t.as_str())
                    .map_or(Woke::Step(Step::Nothing), Woke::Frame),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Woke::Gone,
                Some(Ok(_)) => Woke::Step(Step::Nothing),
            },
            _ = tick.tick() => Woke::Tick,
            () = state.closing.cancelled() => Woke::Closing,
        };
        let step = match woke {
            Woke::Step(step) => step,
            // Each message is a database write: past the burst, one a second.
            Woke::Frame(f) if f.kind == "send" && !pace.take(state.services.now_micros()) => {
                Step::Send(json!({
                    "type": "error",
                    "text": views::translate(lang, "chat-too-fast", &[]),
                }))
            }
            Woke::Frame(f) => side.inbound(f).await.map_or(Step::Nothing, Step::Send),
            Woke::Tick => {
                if !matches!(
                    state.services.accounts().session_user(&token).await,
                    Ok(Some(_))
                ) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                side.tick().await;
                Step::Nothing
            }
            Woke::Gone => return,
            Woke::Closing => {
                // 1012 "service restart" (RFC 6455 §7.4, IANA registry): the page reconnects,
                // through the load balancer, to a server that is up.
                let _ = socket
                    .send(Message::Close(Some(axum::extract::ws::CloseFrame {
                        code: SERVICE_RESTART,
                        reason: "restart".into(),
                    })))
                    .await;
                return;
            }
        };
        let go_on = match step {
            Step::Nothing => true,
            Step::Send(v) => send_json(&mut socket, &v).await,
            Step::Reload => {
                let _ = send_json(&mut socket, &reload()).await;
                false
            }
            Step::Stop => false,
            Step::Refresh => match side.refresh().await {
                Ok(frames) => send_all(&mut socket, &frames).await,
                Err(last) => {
                    send_all(&mut socket, last.as_slice()).await;
                    false
                }
            },
        };
        if !go_on {
            return;
        }
    }
}

// ---- the customer's side ------------------------------------------------------------------------

struct CustomerSide {
    state: AppState,
    actor: Actor,
    lang: Lang,
    chat_id: ChatId,
    chat_rx: broadcast::Receiver<ChatEvent>,
    queue_rx: broadcast::Receiver<ChatEvent>,
    /// Only a waiting customer's place and wait move with the queue.
    queued: bool,
    last_status: String,
}

impl Side for CustomerSide {
    async fn open(
        state: AppState,
        actor: Actor,
        lang: Lang,
    ) -> Result<(Self, Vec<Value>), Vec<Value>> {
        let chat = state.services.chat();
        let Ok(Some(first)) = chat.open_of_customer(&actor).await else {
            return Err(vec![json!({"type": "closed"})]);
        };
        let chat_id = first.chat.id;
        let (Ok(chat_rx), Ok(queue_rx)) = (
            chat.subscribe(Channel::Chat(chat_id)).await,
            chat.subscribe(Channel::Console).await,
        ) else {
            return Err(Vec::new());
        };
        // What happened between the page load and the subscription is sent again (the script
        // skips lines it already has).
        let mut frames: Vec<Value> = first
            .messages
            .iter()
            .map(|m| message_frame(&message_view(m, Reader::Customer, lang)))
            .collect();
        let last_status = customer_status(lang, &first);
        frames.push(json!({"type": "status", "text": last_status}));
        let side = CustomerSide {
            state,
            actor,
            lang,
            chat_id,
            chat_rx,
            queue_rx,
            queued: first.chat.status == ChatStatus::Queued,
            last_status,
        };
        Ok((side, frames))
    }

    async fn next(&mut self) -> Step {
        tokio::select! {
            ev = self.chat_rx.recv() => match ev {
                Ok(ChatEvent::Message(m)) if m.chat_id == self.chat_id => {
                    Step::Send(message_frame(&message_view(&m, Reader::Customer, self.lang)))
                }
                Ok(ChatEvent::Message(_)) => Step::Nothing,
                Ok(ChatEvent::Changed(_) | ChatEvent::Queue) => Step::Refresh,
                Ok(ChatEvent::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => Step::Reload,
                Err(broadcast::error::RecvError::Closed) => Step::Stop,
            },
            ev = self.queue_rx.recv() => match ev {
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) if self.queued => Step::Refresh,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => Step::Nothing,
                Err(broadcast::error::RecvError::Closed) => Step::Stop,
            },
        }
    }

    async fn inbound(&mut self, frame: Inbound) -> Option<Value> {
        if frame.kind != "send" {
            return None;
        }
        let sent = self
            .state
            .services
            .chat()
            .customer_send(&self.actor, &frame.body)
            .await;
        sent.err().map(|e| error_frame(self.lang, &e))
    }

    async fn tick(&mut self) {}

    async fn refresh(&mut self) -> Result<Vec<Value>, Option<Value>> {
        match self
            .state
            .services
            .chat()
            .open_of_customer(&self.actor)
            .await
        {
            Ok(Some(c)) if c.chat.id == self.chat_id => {
                self.queued = c.chat.status == ChatStatus::Queued;
                let s = customer_status(self.lang, &c);
                if s == self.last_status {
                    return Ok(Vec::new());
                }
                self.last_status = s.clone();
                Ok(vec![json!({"type": "status", "text": s})])
            }
            Ok(_) => Err(Some(json!({"type": "closed"}))),
            Err(e) => {
                tracing::warn!(error = %e, "chat socket: reloading the chat failed");
                Err(None)
            }
        }
    }
}

// ---- the agent's side ---------------------------------------------------------------------------

/// The agent's chats, each forwarded from its topic into the socket's one queue.
struct Followed {
    tasks: HashMap<ChatId, (String, tokio::task::JoinHandle<()>)>,
    tx: mpsc::Sender<ChatEvent>,
}

impl Followed {
    async fn sync(&mut self, state: &AppState, mine: &[ChatLine]) -> bool {
        let keep: HashMap<ChatId, &str> = mine
            .iter()
            .map(|l| (l.id, l.customer_name.as_str()))
            .collect();
        self.tasks.retain(|id, (_, task)| {
            let k = keep.contains_key(id);
            if !k {
                task.abort();
            }
            k
        });
        for (id, name) in keep {
            if self.tasks.contains_key(&id) {
                continue;
            }
            let Ok(mut rx) = state.services.chat().subscribe(Channel::Chat(id)).await else {
                return false;
            };
            let tx = self.tx.clone();
            let task = tokio::spawn(async move {
                loop {
                    let ev = match rx.recv().await {
                        Ok(ev) => ev,
                        Err(broadcast::error::RecvError::Lagged(_)) => ChatEvent::Resync,
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    if tx.send(ev).await.is_err() {
                        return;
                    }
                }
            });
            self.tasks.insert(id, (name.to_owned(), task));
        }
        true
    }

    fn customer(&self, chat: ChatId) -> Option<&str> {
        self.tasks.get(&chat).map(|(n, _)| n.as_str())
    }
}

impl Drop for Followed {
    fn drop(&mut self) {
        for (_, task) in self.tasks.values() {
            task.abort();
        }
    }
}

/// The console as a frame, and the agent's chats to follow.
async fn console_frame(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
) -> Option<(Value, Vec<ChatLine>)> {
    let c = state.services.chat().console(actor).await.ok()?;
    let now = state.services.now_micros();
    let row = |l: &ChatLine| {
        let v = line_view(l, lang, now);
        json!({"id": v.id, "customer": v.customer, "topic": v.topic, "minutes": v.minutes, "left": v.left})
    };
    let frame = json!({
        "type": "console",
        "queue": c.queue.iter().map(row).collect::<Vec<_>>(),
        "mine": c.mine.iter().map(row).collect::<Vec<_>>(),
        "summary": views::translate(lang, "chat-queue-length", &[("count", c.queue_length.to_string())]),
        "left_label": views::translate(lang, "chat-customer-left", &[]),
    });
    Some((frame, c.mine))
}

struct AgentSide {
    state: AppState,
    actor: Actor,
    lang: Lang,
    me: UserId,
    console_rx: broadcast::Receiver<ChatEvent>,
    rx: mpsc::Receiver<ChatEvent>,
    followed: Followed,
}

impl Side for AgentSide {
    async fn open(
        state: AppState,
        actor: Actor,
        lang: Lang,
    ) -> Result<(Self, Vec<Value>), Vec<Value>> {
        let Ok(console_rx) = state.services.chat().subscribe(Channel::Console).await else {
            return Err(Vec::new());
        };
        let (tx, rx) = mpsc::channel::<ChatEvent>(256);
        let mut followed = Followed {
            tasks: HashMap::new(),
            tx,
        };
        let Some((frame, mine)) = console_frame(&state, &actor, lang).await else {
            return Err(Vec::new());
        };
        if !followed.sync(&state, &mine).await {
            return Err(Vec::new());
        }
        let _ = state.services.chat().heartbeat(&actor).await;
        let side = AgentSide {
            me: actor.user_id.ok_or_else(Vec::new)?,
            state,
            actor,
            lang,
            console_rx,
            rx,
            followed,
        };
        Ok((side, vec![frame]))
    }

    async fn next(&mut self) -> Step {
        tokio::select! {
            ev = self.rx.recv() => match ev {
                Some(ChatEvent::Message(m)) => {
                    let customer = self.followed.customer(m.chat_id).unwrap_or_default();
                    let reader = Reader::Agent { user_id: self.me, customer };
                    Step::Send(message_frame(&message_view(&m, reader, self.lang)))
                }
                Some(ChatEvent::Changed(_) | ChatEvent::Queue) => Step::Refresh,
                Some(ChatEvent::Resync) => Step::Reload,
                None => Step::Stop,
            },
            ev = self.console_rx.recv() => match ev {
                Ok(ChatEvent::Resync) => Step::Reload,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => Step::Refresh,
                Err(broadcast::error::RecvError::Closed) => Step::Stop,
            },
        }
    }

    async fn inbound(&mut self, frame: Inbound) -> Option<Value> {
        let chat = self.state.services.chat();
        match frame.kind.as_str() {
            "send" => {
                let sent = match frame.chat {
                    Some(id) => chat
                        .agent_send(&self.actor, id, &frame.body)
                        .await
                        .map(|_| ()),
                    None => Err(ServiceError::invalid("chat", Problem::Required)),
                };
                sent.err().map(|e| error_frame(self.lang, &e))
            }
            "ping" => {
                let _ = chat.heartbeat(&self.actor).await;
                None
            }
            _ => None,
        }
    }

    async fn tick(&mut self) {
        let _ = self.state.services.chat().heartbeat(&self.actor).await;
    }

    async fn refresh(&mut self) -> Result<Vec<Value>, Option<Value>> {
        let Some((frame, mine)) = console_frame(&self.state, &self.actor, self.lang).await else {
            return Err(None);
        };
        if !self.followed.sync(&self.state, &mine).await {
            return Err(None);
        }
        Ok(vec![frame])
    }
}

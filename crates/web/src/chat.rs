//! Pages and sockets of the chat: the customer's chat in the portal (`/mina-sidor/chatt`), the
//! agents' console (`/chatt`) and an agent's chat (`/chatt/{id}`).
//!
//! Every page works without JavaScript (forms post and redirect); `/static/chat.js` opens a
//! WebSocket to make them live. A socket needs a session (401 before the upgrade otherwise,
//! from the guard) and an `Origin` equal to this installation's own (403 otherwise). A
//! customer's socket carries only the customer's own open chat, found from the session; an
//! agent's socket carries the queue and the agent's own chats. Frames are JSON.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::cases::Category;
use domain::chat::{SelfService, Topic};
use domain::policy::{Capability, PolicyBody};
use services::auth::SessionUser;
use services::chat::{ChatLine, CustomerChat, MessageRow, Started, system};
use services::chat_hub::{Channel, ChatEvent};
use services::{Actor, ServiceError};
use tokio::sync::{broadcast, mpsc};
use views::Lang;
use views::chat::*;
use views::pages::FieldError;

use crate::AppState;
use crate::access::Access;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::pages::{PageResult, parse_id, render, see_other};
use crate::route;
#[allow(unused_imports)]
use crate::routes::DESK;
use crate::routes::RouteSpec;
use crate::session::{cookie, session_cookie_name};
use services::auth::roles::CUSTOMER;

pub async fn script() -> Response {
    crate::pages::script(include_str!("../../views/static/chat.js"))
}

// ---- shared -------------------------------------------------------------------------------------

fn hhmm(micros: i64) -> String {
    let s = domain::time::format_datetime(
        domain::time::from_micros(micros),
        &domain::time::stockholm(),
    );
    s.get(11..).unwrap_or(&s).to_owned()
}

fn system_text(lang: Lang, body: &str) -> String {
    let (key, arg) = system::parts(body);
    views::translate(
        lang,
        key,
        &[("name", arg.to_owned()), ("id", arg.to_owned())],
    )
}

/// Who reads the transcript: the customer, or an agent.
#[derive(Clone, Copy)]
enum Reader<'a> {
    Customer,
    Agent { user_id: i64, customer: &'a str },
}

fn message_view(m: &MessageRow, reader: Reader<'_>, lang: Lang) -> ChatMessageView {
    let you = views::translate(lang, "chat-you", &[]);
    let (who, body, mine) = match (m.sender.as_str(), reader) {
        ("system", _) => (
            views::translate(lang, "chat-system", &[]),
            system_text(lang, &m.body),
            false,
        ),
        ("customer", Reader::Customer) => (you, m.body.clone(), true),
        ("customer", Reader::Agent { customer, .. }) => {
            (customer.to_owned(), m.body.clone(), false)
        }
        (_, Reader::Agent { user_id, .. }) if m.user_id == Some(user_id) => {
            (you, m.body.clone(), true)
        }
        _ => (
            m.user_name
                .clone()
                .unwrap_or_else(|| views::translate(lang, "chat-agent", &[])),
            m.body.clone(),
            false,
        ),
    };
    ChatMessageView {
        id: m.id,
        chat: m.chat_id,
        sender: m.sender.clone(),
        who,
        body,
        at: hhmm(m.created_at),
        mine,
    }
}

fn message_frame(v: &ChatMessageView) -> serde_json::Value {
    serde_json::json!({
        "type": "message", "chat": v.chat, "id": v.id, "sender": v.sender,
        "who": v.who, "body": v.body, "at": v.at, "mine": v.mine,
    })
}

fn topic_label(lang: Lang, topic: &str) -> String {
    match Topic::parse(topic) {
        Some(t) => views::label(lang, t),
        None => topic.to_owned(),
    }
}

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

async fn send_json(socket: &mut WebSocket, v: &serde_json::Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

fn error_frame(lang: Lang, e: &ServiceError) -> serde_json::Value {
    let text = match e {
        ServiceError::Invalid(domain::problem::Invalid { problem, .. })
        | ServiceError::Conflict(problem) => views::explain(lang, problem),
        _ => views::translate(lang, "chat-send-failed", &[]),
    };
    serde_json::json!({"type": "error", "text": text})
}

/// An inbound frame: `{"type":"send","body":"…","chat":1}` or `{"type":"ping"}`.
#[derive(serde::Deserialize)]
struct Inbound {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    chat: Option<i64>,
}

/// How often an open socket re-checks its session and, for agents, refreshes their presence.
const SESSION_CHECK: Duration = Duration::from_secs(30);

// ---- customer -----------------------------------------------------------------------------------

fn customer_status(lang: Lang, c: &CustomerChat) -> String {
    match (c.chat.status.as_str(), &c.estimate, &c.agent_name) {
        ("queued", Some(e), _) => match e.wait_minutes {
            Some(w) => views::translate(
                lang,
                "chat-queued",
                &[
                    ("position", e.position.to_string()),
                    ("minutes", w.to_string()),
                ],
            ),
            None => views::translate(
                lang,
                "chat-queued-unknown",
                &[("position", e.position.to_string())],
            ),
        },
        ("active", _, Some(name)) => {
            views::translate(lang, "chat-active", &[("name", name.clone())])
        }
        ("active", _, None) => views::translate(lang, "chat-active-anon", &[]),
        _ => views::translate(lang, "chat-ended", &[]),
    }
}

fn deflect_links(state_policy: Option<bool>) -> Vec<SelfServiceLink> {
    if state_policy != Some(true) {
        return Vec::new();
    }
    SelfService::ALL
        .into_iter()
        .map(self_service_link)
        .collect()
}

fn self_service_link(s: SelfService) -> SelfServiceLink {
    SelfServiceLink {
        href: s.path(),
        title_key: format!("chat-self-{}", s.key()),
        text_key: format!("chat-self-{}-text", s.key()),
    }
}

/// Whether the portal policy in force asks the chat to offer self-service first.
async fn deflecting(state: &AppState) -> Option<bool> {
    match state
        .services
        .policies()
        .at(Capability::Portal, state.services.now())
        .await
    {
        Ok(PolicyBody::Portal(p)) => Some(p.deflect_to_self_service),
        _ => None,
    }
}

struct StartForm<'a> {
    topic: &'a str,
    draft: &'a str,
    offer: Option<DeflectOffer>,
}

async fn portal_page(
    state: &AppState,
    ctx: &Ctx,
    form: StartForm<'_>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let chat = state.services.customer_chat(&actor).await?;
    let hours = state.services.chat_hours().await?;
    let hours_text = format!(
        "{:02}:{:02}–{:02}:{:02}",
        hours.opens.hour(),
        hours.opens.minute(),
        hours.closes.hour(),
        hours.closes.minute()
    );
    let (open, notice, notice_case) = match &chat {
        Some(c) if c.chat.status != "closed" && c.chat.customer_left_at.is_none() => (
            Some(OpenChat {
                status_text: customer_status(ctx.lang, c),
                messages: c
                    .messages
                    .iter()
                    .map(|m| message_view(m, Reader::Customer, ctx.lang))
                    .collect(),
                left: false,
            }),
            None,
            None,
        ),
        Some(c) => {
            // The latest chat ended: say what became of it (the last system line says why).
            let why = c
                .messages
                .iter()
                .rev()
                .find(|m| m.sender == "system")
                .map(|m| system_text(ctx.lang, &m.body));
            (None, why, c.chat.case_id)
        }
        None => (None, None, None),
    };
    let page = PortalChatPage {
        layout: ctx.layout(state, "chat-title").await,
        open,
        deflect: deflect_links(deflecting(state).await),
        offer: form.offer,
        topics: Topic::ALL
            .iter()
            .map(|t| Choice {
                value: t.as_str().to_owned(),
                label: views::label(ctx.lang, *t),
                selected: t.as_str() == form.topic,
            })
            .collect(),
        draft: form.draft.to_owned(),
        errors,
        notice,
        notice_case,
        closed_now: !hours.is_open(state.services.now(), state.services.tz()),
        hours: hours_text,
    };
    render(status, &page)
}

pub async fn portal(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    portal_page(
        &state,
        &ctx,
        StartForm {
            topic: "",
            draft: "",
            offer: None,
        },
        vec![],
        StatusCode::OK,
    )
    .await
}

fn field_error(lang: Lang, e: ServiceError) -> Result<FieldError, AppError> {
    match e {
        ServiceError::Invalid(domain::problem::Invalid { problem, .. }) => Ok(FieldError {
            field: "body".into(),
            message: views::explain(lang, &problem),
        }),
        other => Err(other.into()),
    }
}

pub async fn portal_start(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let actor = ctx.actor();
    let Some(topic) = Topic::parse(form.get("topic")) else {
        let e = FieldError {
            field: "topic".into(),
            message: ctx.t("chat-topic-missing"),
        };
        return portal_page(
            &state,
            &ctx,
            StartForm {
                topic: "",
                draft: form.get("body"),
                offer: None,
            },
            vec![e],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // Crisis deflection: a topic with self-service is offered it before the chat is queued.
    if form.get("confirmed") != "1"
        && deflecting(&state).await == Some(true)
        && let Some(s) = topic.self_service()
        && !form.get("body").trim().is_empty()
    {
        return portal_page(
            &state,
            &ctx,
            StartForm {
                topic: topic.as_str(),
                draft: form.get("body"),
                offer: Some(DeflectOffer {
                    link: self_service_link(s),
                    topic: topic.as_str().to_owned(),
                    body: form.get("body").to_owned(),
                }),
            },
            vec![],
            StatusCode::OK,
        )
        .await;
    }
    match state
        .services
        .start_chat(&actor, topic, form.get("body"))
        .await
    {
        Ok(Started::Queued { .. } | Started::Case { .. }) => Ok(see_other("/mina-sidor/chatt")),
        Err(e) => {
            let e = field_error(ctx.lang, e)?;
            portal_page(
                &state,
                &ctx,
                StartForm {
                    topic: topic.as_str(),
                    draft: form.get("body"),
                    offer: None,
                },
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn portal_send(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    match state
        .services
        .customer_send(&ctx.actor(), form.get("body"))
        .await
    {
        Ok(_) | Err(ServiceError::Conflict(_)) => Ok(see_other("/mina-sidor/chatt")),
        Err(e) => {
            let e = field_error(ctx.lang, e)?;
            portal_page(
                &state,
                &ctx,
                StartForm {
                    topic: "",
                    draft: form.get("body"),
                    offer: None,
                },
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn portal_leave(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    state.services.customer_leave(&ctx.actor()).await?;
    Ok(see_other("/mina-sidor/chatt"))
}

pub async fn portal_ws(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (user, token, ws) = match upgrade_checks(&state, &ctx, &headers, ws) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let actor = user.actor(&ctx.address);
    let lang = ctx.lang;
    ws.on_upgrade(move |socket| customer_socket(state, actor, token, lang, socket))
}

async fn customer_socket(
    state: AppState,
    actor: Actor,
    token: String,
    lang: Lang,
    mut socket: WebSocket,
) {
    let services = &state.services;
    let Ok(Some(first)) = services.customer_open_chat(&actor).await else {
        let _ = send_json(&mut socket, &serde_json::json!({"type": "closed"})).await;
        return;
    };
    let chat_id = first.chat.id;
    let (Ok(mut chat_rx), Ok(mut queue_rx)) = (
        services.chat_subscribe(Channel::Chat(chat_id)).await,
        services.chat_subscribe(Channel::Console).await,
    ) else {
        return;
    };
    // What happened between the page load and the subscription is sent again (the script
    // skips lines it already has).
    for m in &first.messages {
        if !send_json(
            &mut socket,
            &message_frame(&message_view(m, Reader::Customer, lang)),
        )
        .await
        {
            return;
        }
    }
    let mut last_status = customer_status(lang, &first);
    let mut queued = first.chat.status == "queued";
    if !send_json(
        &mut socket,
        &serde_json::json!({"type": "status", "text": last_status}),
    )
    .await
    {
        return;
    }
    let mut tick = tokio::time::interval(SESSION_CHECK);
    tick.tick().await;
    loop {
        let refresh = tokio::select! {
            ev = chat_rx.recv() => match ev {
                Ok(ChatEvent::Message(m)) if m.chat_id == chat_id => {
                    let v = message_view(&m, Reader::Customer, lang);
                    if !send_json(&mut socket, &message_frame(&v)).await {
                        return;
                    }
                    false
                }
                Ok(ChatEvent::Message(_)) => false,
                Ok(ChatEvent::Changed(_) | ChatEvent::Queue) => true,
                Ok(ChatEvent::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    let _ = send_json(&mut socket, &serde_json::json!({"type": "reload"})).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            ev = queue_rx.recv() => match ev {
                // Only a waiting customer's place and wait move with the queue.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => queued,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            inbound = socket.recv() => match inbound {
                Some(Ok(Message::Text(t))) => {
                    if let Ok(f) = serde_json::from_str::<Inbound>(t.as_str())
                        && f.kind == "send"
                        && let Err(e) = services.customer_send(&actor, &f.body).await
                        && !send_json(&mut socket, &error_frame(lang, &e)).await
                    {
                        return;
                    }
                    false
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => false,
            },
            _ = tick.tick() => {
                if !matches!(services.accounts().session_user(&token).await, Ok(Some(_))) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                false
            }
        };
        if !refresh {
            continue;
        }
        match services.customer_open_chat(&actor).await {
            Ok(Some(c)) if c.chat.id == chat_id => {
                queued = c.chat.status == "queued";
                let s = customer_status(lang, &c);
                if s != last_status {
                    if !send_json(
                        &mut socket,
                        &serde_json::json!({"type": "status", "text": s}),
                    )
                    .await
                    {
                        return;
                    }
                    last_status = s;
                }
            }
            Ok(_) => {
                let _ = send_json(&mut socket, &serde_json::json!({"type": "closed"})).await;
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "chat socket: reloading the chat failed");
                return;
            }
        }
    }
}

// ---- agents -------------------------------------------------------------------------------------

fn minutes_since(now: i64, then: i64) -> i64 {
    ((now - then) / 60_000_000).max(0)
}

fn line_view(l: &ChatLine, lang: Lang, now: i64) -> ChatLineView {
    ChatLineView {
        id: l.id,
        customer: l.customer_name.clone(),
        topic: topic_label(lang, &l.topic),
        minutes: minutes_since(now, l.accepted_at.unwrap_or(l.queued_at)),
        left: l.customer_left_at.is_some(),
    }
}

async fn console_page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    state.services.chat_heartbeat(&actor).await?;
    let c = state.services.chat_console(&actor).await?;
    let now = state.services.now_micros();
    let page = ChatConsolePage {
        layout: ctx.layout(state, "chat-console-title").await,
        online: c.online,
        max_chats: c
            .presence
            .as_ref()
            .map_or(i64::from(domain::chat::DEFAULT_MAX_CHATS), |p| p.max_chats),
        queue: c
            .queue
            .iter()
            .map(|l| line_view(l, ctx.lang, now))
            .collect(),
        queue_length: c.queue_length,
        mine: c.mine.iter().map(|l| line_view(l, ctx.lang, now)).collect(),
        agents: c
            .agents
            .iter()
            .map(|a| AgentLine {
                name: a.display_name.clone(),
                active: a.active,
                max_chats: a.max_chats,
            })
            .collect(),
        message,
        errors,
        open_now: state.services.chat_open_now().await?,
    };
    render(status, &page)
}

pub async fn console(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    console_page(&state, &ctx, None, vec![], StatusCode::OK).await
}

pub async fn set_status(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let online = form.get("online") == "1";
    let raw = form.get("max_chats").trim();
    let max = if raw.is_empty() {
        Ok(None)
    } else {
        raw.parse::<u32>().map(Some)
    };
    let result = match max {
        Ok(max) => {
            state
                .services
                .set_chat_status(&ctx.actor(), online, max)
                .await
        }
        Err(_) => Err(ServiceError::invalid(
            "max_chats",
            ctx.t("chat-limit-invalid"),
        )),
    };
    match result {
        Ok(()) => Ok(see_other("/chatt")),
        Err(ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        })) => {
            let e = FieldError {
                field: field.into(),
                message: views::explain(ctx.lang, &message),
            };
            console_page(
                &state,
                &ctx,
                None,
                vec![e],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn accept_next(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    match state.services.accept_next_chat(&ctx.actor()).await {
        Ok(Some(id)) => Ok(see_other(&format!("/chatt/{id}"))),
        Ok(None) => {
            console_page(
                &state,
                &ctx,
                Some(ctx.t("chat-queue-empty")),
                vec![],
                StatusCode::OK,
            )
            .await
        }
        Err(ServiceError::Conflict(m)) => {
            let e = FieldError {
                field: "max_chats".into(),
                message: views::explain(ctx.lang, &m),
            };
            console_page(&state, &ctx, None, vec![e], StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn agent_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    draft: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> PageResult {
    let actor = ctx.actor();
    let me = actor
        .user_id
        .map(domain::ids::UserId::get)
        .unwrap_or_default();
    let (line, messages) = state.services.agent_chat(&actor, id).await?;
    let mine = line.agent_user_id == Some(me) && line.status == "active";
    let topic = Topic::parse(&line.topic).unwrap_or(Topic::Other);
    let transfer_to = if mine {
        state
            .services
            .chat_agents_online()
            .await?
            .into_iter()
            .filter(|a| a.user_id != me && a.active < a.max_chats)
            .map(|a| Choice {
                value: a.user_id.to_string(),
                label: format!("{} ({}/{})", a.display_name, a.active, a.max_chats),
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let categories = CATEGORIES
        .iter()
        .filter_map(|c| Category::parse(c))
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: views::label(ctx.lang, c),
            selected: c.as_str() == topic.case_category(),
        })
        .collect();
    let status_text = match (line.status.as_str(), line.customer_left_at) {
        ("active", Some(_)) => ctx.t("chat-customer-left"),
        ("active", None) => ctx.t("chat-agent-active"),
        ("queued", _) => ctx.t("chat-agent-queued"),
        _ => ctx.t("chat-ended"),
    };
    let page = AgentChatPage {
        layout: ctx.layout(state, "chat-console-title").await,
        id,
        customer: line.customer_name.clone(),
        customer_id: line.customer_id,
        topic: views::label(ctx.lang, topic),
        status: status_text,
        mine,
        messages: messages
            .iter()
            .map(|m| {
                message_view(
                    m,
                    Reader::Agent {
                        user_id: me,
                        customer: &line.customer_name,
                    },
                    ctx.lang,
                )
            })
            .collect(),
        transfer_to,
        categories,
        draft: draft.to_owned(),
        errors,
        left: line.customer_left_at.is_some(),
    };
    render(status, &page)
}

/// The case categories an agent closes a chat into (`domain::cases::Category`).
const CATEGORIES: [&str; 7] = [
    "invoice",
    "extension",
    "meter_visit",
    "outage",
    "broadband",
    "moving",
    "other",
];

pub async fn agent_chat(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    state.services.chat_heartbeat(&ctx.actor()).await?;
    agent_page(&state, &ctx, id, "", vec![], StatusCode::OK).await
}

async fn agent_form_error(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    draft: &str,
    e: ServiceError,
) -> PageResult {
    let (field, message, status) = match e {
        ServiceError::Invalid(domain::problem::Invalid {
            field,
            problem: message,
        }) => (field, message, StatusCode::UNPROCESSABLE_ENTITY),
        ServiceError::Conflict(m) => ("body", m, StatusCode::CONFLICT),
        other => return Err(other.into()),
    };
    let e = FieldError {
        field: field.into(),
        message: views::explain(ctx.lang, &message),
    };
    agent_page(state, ctx, id, draft, vec![e], status).await
}

pub async fn agent_send(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    match state
        .services
        .agent_send(&ctx.actor(), id, form.get("body"))
        .await
    {
        Ok(_) => Ok(see_other(&format!("/chatt/{id}"))),
        Err(e) => agent_form_error(&state, &ctx, id, form.get("body"), e).await,
    }
}

pub async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    let Ok(to) = form.get("to").parse::<i64>() else {
        let e = ServiceError::invalid("to", ctx.t("chat-transfer-pick"));
        return agent_form_error(&state, &ctx, id, "", e).await;
    };
    match state.services.transfer_chat(&ctx.actor(), id, to).await {
        Ok(()) => Ok(see_other("/chatt")),
        Err(e) => agent_form_error(&state, &ctx, id, "", e).await,
    }
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> PageResult {
    let id = parse_id(&id)?;
    match state
        .services
        .close_chat(&ctx.actor(), id, form.get("category"))
        .await
    {
        Ok(case_id) => {
            console_page(
                &state,
                &ctx,
                Some(views::translate(
                    ctx.lang,
                    "chat-closed-into-case",
                    &[("id", case_id.to_string())],
                )),
                vec![],
                StatusCode::OK,
            )
            .await
        }
        Err(e) => agent_form_error(&state, &ctx, id, "", e).await,
    }
}

pub async fn agent_ws(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (user, token, ws) = match upgrade_checks(&state, &ctx, &headers, ws) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let actor = user.actor(&ctx.address);
    let lang = ctx.lang;
    ws.on_upgrade(move |socket| agent_socket(state, actor, token, lang, socket))
}

/// The agent's chats, each forwarded from its topic into the socket's one queue.
struct Followed {
    tasks: HashMap<i64, (String, tokio::task::JoinHandle<()>)>,
    tx: mpsc::Sender<ChatEvent>,
}

impl Followed {
    async fn sync(&mut self, state: &AppState, mine: &[ChatLine]) -> bool {
        let keep: HashMap<i64, &str> = mine
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
            let Ok(mut rx) = state.services.chat_subscribe(Channel::Chat(id)).await else {
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

    fn customer(&self, chat: i64) -> Option<&str> {
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

async fn console_frame(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
) -> Option<(serde_json::Value, Vec<ChatLine>)> {
    let c = state.services.chat_console(actor).await.ok()?;
    let now = state.services.now_micros();
    let row = |l: &ChatLine| {
        let v = line_view(l, lang, now);
        serde_json::json!({"id": v.id, "customer": v.customer, "topic": v.topic, "minutes": v.minutes, "left": v.left})
    };
    let frame = serde_json::json!({
        "type": "console",
        "queue": c.queue.iter().map(row).collect::<Vec<_>>(),
        "mine": c.mine.iter().map(row).collect::<Vec<_>>(),
        "summary": views::translate(lang, "chat-queue-length", &[("count", c.queue_length.to_string())]),
        "left_label": views::translate(lang, "chat-customer-left", &[]),
    });
    Some((frame, c.mine))
}

async fn agent_socket(
    state: AppState,
    actor: Actor,
    token: String,
    lang: Lang,
    mut socket: WebSocket,
) {
    let services = &state.services;
    let me = actor
        .user_id
        .map(domain::ids::UserId::get)
        .unwrap_or_default();
    let Ok(mut console_rx) = services.chat_subscribe(Channel::Console).await else {
        return;
    };
    let (tx, mut rx) = mpsc::channel::<ChatEvent>(256);
    let mut followed = Followed {
        tasks: HashMap::new(),
        tx,
    };
    let Some((frame, mine)) = console_frame(&state, &actor, lang).await else {
        return;
    };
    if !followed.sync(&state, &mine).await || !send_json(&mut socket, &frame).await {
        return;
    }
    let _ = services.chat_heartbeat(&actor).await;
    let mut tick = tokio::time::interval(SESSION_CHECK);
    tick.tick().await;
    loop {
        let refresh = tokio::select! {
            ev = rx.recv() => match ev {
                Some(ChatEvent::Message(m)) => {
                    let customer = followed.customer(m.chat_id).unwrap_or_default().to_owned();
                    let v = message_view(&m, Reader::Agent { user_id: me, customer: &customer }, lang);
                    if !send_json(&mut socket, &message_frame(&v)).await {
                        return;
                    }
                    false
                }
                Some(ChatEvent::Changed(_) | ChatEvent::Queue) => true,
                Some(ChatEvent::Resync) => {
                    let _ = send_json(&mut socket, &serde_json::json!({"type": "reload"})).await;
                    return;
                }
                None => return,
            },
            ev = console_rx.recv() => match ev {
                Ok(ChatEvent::Resync) => {
                    let _ = send_json(&mut socket, &serde_json::json!({"type": "reload"})).await;
                    return;
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => true,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            inbound = socket.recv() => match inbound {
                Some(Ok(Message::Text(t))) => {
                    match serde_json::from_str::<Inbound>(t.as_str()) {
                        Ok(f) if f.kind == "send" => {
                            let r = match f.chat {
                                Some(chat) => services.agent_send(&actor, chat, &f.body).await.map(|_| ()),
                                None => Err(ServiceError::invalid("chat", "ange chatten")),
                            };
                            if let Err(e) = r
                                && !send_json(&mut socket, &error_frame(lang, &e)).await
                            {
                                return;
                            }
                        }
                        Ok(f) if f.kind == "ping" => {
                            let _ = services.chat_heartbeat(&actor).await;
                        }
                        _ => {}
                    }
                    false
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => false,
            },
            _ = tick.tick() => {
                if !matches!(services.accounts().session_user(&token).await, Ok(Some(_))) {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                let _ = services.chat_heartbeat(&actor).await;
                false
            }
        };
        if !refresh {
            continue;
        }
        let Some((frame, mine)) = console_frame(&state, &actor, lang).await else {
            return;
        };
        if !followed.sync(&state, &mine).await || !send_json(&mut socket, &frame).await {
            return;
        }
    }
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/static/chat.js", Access::Public, script),
        // Chat: the customer's chat in the portal and the agents' console.
        route!(get, "/mina-sidor/chatt", Access::Roles(CUSTOMER), portal),
        route!(
            post,
            "/mina-sidor/chatt",
            Access::Roles(CUSTOMER),
            portal_start
        ),
        route!(
            post,
            "/mina-sidor/chatt/meddelande",
            Access::Roles(CUSTOMER),
            portal_send
        ),
        route!(
            post,
            "/mina-sidor/chatt/avsluta",
            Access::Roles(CUSTOMER),
            portal_leave
        ),
        route!(
            get,
            "/mina-sidor/chatt/ws",
            Access::Roles(CUSTOMER),
            portal_ws
        ),
        route!(get, "/chatt", Access::Roles(DESK), console),
        route!(post, "/chatt/status", Access::Roles(DESK), set_status),
        route!(post, "/chatt/nasta", Access::Roles(DESK), accept_next),
        route!(get, "/chatt/ws", Access::Roles(DESK), agent_ws),
        route!(get, "/chatt/{id}", Access::Roles(DESK), agent_chat),
        route!(
            post,
            "/chatt/{id}/meddelande",
            Access::Roles(DESK),
            agent_send
        ),
        route!(post, "/chatt/{id}/overlamna", Access::Roles(DESK), transfer),
        route!(post, "/chatt/{id}/stang", Access::Roles(DESK), close),
    ]
}

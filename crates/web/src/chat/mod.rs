//! Pages and sockets of the chat: the customer's chat in the portal (`/mina-sidor/chatt`,
//! [`portal`]), the agents' console (`/chatt`) and an agent's chat (`/chatt/{id}`) ([`staff`]),
//! and their WebSockets ([`socket`]).
//!
//! Every page works without JavaScript (forms post and redirect); `/static/chat.js` opens a
//! WebSocket to make them live. A socket needs a session (401 before the upgrade otherwise,
//! from the guard) and an `Origin` equal to this installation's own (403 otherwise). A
//! customer's socket carries only the customer's own open chat, found from the session; an
//! agent's socket carries the queue and the agent's own chats. Frames are JSON.

pub mod limits;
mod portal;
mod socket;
pub use socket::SERVICE_RESTART;
mod staff;

use axum::response::Response;
use domain::chat::Sender;
use domain::ids::UserId;
use services::chat::roles::{AGENTS, CUSTOMER};
use services::chat::{ChatLine, MessageRow, Said};
use views::Lang;
use views::chat::{ChatLineView, ChatMessageView};

use crate::access::Access;
use crate::route;
use crate::routes::RouteSpec;

pub async fn script() -> Response {
    crate::pages::script(include_str!("../../../views/static/chat.js"))
}

fn hhmm(micros: i64) -> String {
    let s = domain::time::format_datetime(
        domain::time::from_micros(micros),
        &domain::time::stockholm(),
    );
    s.get(11..).unwrap_or(&s).to_owned()
}

/// Who reads the transcript: the customer, or an agent.
#[derive(Clone, Copy)]
enum Reader<'a> {
    Customer,
    Agent { user_id: UserId, customer: &'a str },
}

fn message_view(m: &MessageRow, reader: Reader<'_>, lang: Lang) -> ChatMessageView {
    let you = views::translate(lang, "chat-you", &[]);
    let (who, body, mine) = match (&m.said, m.sender, reader) {
        (Said::Note(note), _, _) => (
            views::translate(lang, "chat-system", &[]),
            views::chat::note_text(lang, note),
            false,
        ),
        (Said::Text(t), Sender::Customer, Reader::Customer) => (you, t.clone(), true),
        (Said::Text(t), Sender::Customer, Reader::Agent { customer, .. }) => {
            (customer.to_owned(), t.clone(), false)
        }
        (Said::Text(t), _, Reader::Agent { user_id, .. }) if m.user_id == Some(user_id) => {
            (you, t.clone(), true)
        }
        (Said::Text(t), _, _) => (
            views::chat::agent_name(lang, m.user_name.as_deref()),
            t.clone(),
            false,
        ),
    };
    ChatMessageView {
        id: m.id,
        chat: m.chat_id,
        sender: m.sender.as_str(),
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

fn minutes_since(now: i64, then: i64) -> i64 {
    ((now - then) / 60_000_000).max(0)
}

fn line_view(l: &ChatLine, lang: Lang, now: i64) -> ChatLineView {
    ChatLineView {
        id: l.id,
        customer: l.customer_name.clone(),
        topic: views::label(lang, l.topic),
        minutes: minutes_since(now, l.accepted_at.unwrap_or(l.queued_at)),
        left: l.customer_left_at.is_some(),
    }
}

/// The routes this module serves; `routes::table` joins every module's.
pub fn routes() -> Vec<RouteSpec> {
    vec![
        route!(get, "/static/chat.js", Access::Public, script),
        // Chat: the customer's chat in the portal and the agents' console.
        route!(
            get,
            "/mina-sidor/chatt",
            Access::Roles(CUSTOMER),
            portal::page
        ),
        route!(
            post,
            "/mina-sidor/chatt",
            Access::Roles(CUSTOMER),
            portal::start
        ),
        route!(
            post,
            "/mina-sidor/chatt/meddelande",
            Access::Roles(CUSTOMER),
            portal::send
        ),
        route!(
            post,
            "/mina-sidor/chatt/avsluta",
            Access::Roles(CUSTOMER),
            portal::leave
        ),
        route!(
            get,
            "/mina-sidor/chatt/ws",
            Access::Roles(CUSTOMER),
            socket::portal_ws
        ),
        route!(get, "/chatt", Access::Roles(AGENTS), staff::console),
        route!(
            post,
            "/chatt/status",
            Access::Roles(AGENTS),
            staff::set_status
        ),
        route!(
            post,
            "/chatt/nasta",
            Access::Roles(AGENTS),
            staff::accept_next
        ),
        route!(get, "/chatt/ws", Access::Roles(AGENTS), socket::agent_ws),
        route!(get, "/chatt/{id}", Access::Roles(AGENTS), staff::agent_chat),
        route!(
            post,
            "/chatt/{id}/meddelande",
            Access::Roles(AGENTS),
            staff::agent_send
        ),
        route!(
            post,
            "/chatt/{id}/overlamna",
            Access::Roles(AGENTS),
            staff::transfer
        ),
        route!(
            post,
            "/chatt/{id}/stang",
            Access::Roles(AGENTS),
            staff::close
        ),
    ]
}

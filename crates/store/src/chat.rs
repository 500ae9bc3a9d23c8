//! Chats, their messages, agents' presence, and the cross-instance notifications of new chat
//! events.
//!
//! Accepting the next chat is one conditional `UPDATE … WHERE status = 'queued'`: on PostgreSQL
//! two agents that pick the same row serialise on its lock and the second finds it taken (it
//! gets no row and tries again); on SQLite writers are serialised anyway. The agent's presence
//! row is locked first, so one agent's parallel accepts cannot pass their limit.
//!
//! Notifications are the backend-specific part: on PostgreSQL a `pg_notify` on the channel
//! [`CHANNEL`] inside the writing transaction (delivered on commit, to every instance) and a
//! listener connection per instance; SQLite is one instance, so it has neither.

use domain::chat::{ChatStatus, Sender, SystemNote, Topic};
use domain::ids::{CaseId, ChatId, ChatMessageId, CustomerId, UserId};

use crate::backend::Db;
use crate::{Backend, Result, Store, StoreError, Tx};

/// The PostgreSQL notification channel of chat events.
pub const CHANNEL: &str = "beredskap_chat";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRow {
    pub id: ChatId,
    pub customer_id: CustomerId,
    pub status: ChatStatus,
    pub topic: Topic,
    pub agent_user_id: Option<UserId>,
    pub queued_at: i64,
    pub accepted_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub customer_left_at: Option<i64>,
    pub case_id: Option<CaseId>,
}

from_row!(ChatRow, "chats", |c| ChatRow {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    status: c.code("status")?,
    topic: c.code("topic")?,
    agent_user_id: c.id_opt("agent_user_id")?,
    queued_at: c.get("queued_at")?,
    accepted_at: c.get("accepted_at")?,
    closed_at: c.get("closed_at")?,
    customer_left_at: c.get("customer_left_at")?,
    case_id: c.id_opt("case_id")?,
});

const CHAT_COLUMNS: &str = "id, customer_id, status, topic, agent_user_id, queued_at, accepted_at, closed_at, customer_left_at, case_id";

/// What a chat message says: the words of a customer or an agent, or a note of the chat itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Text(String),
    Note(SystemNote),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: ChatMessageId,
    pub chat_id: ChatId,
    pub sender: Sender,
    pub user_id: Option<UserId>,
    /// The agent's display name (agents' messages only).
    pub user_name: Option<String>,
    pub said: Said,
    pub created_at: i64,
}

impl MessageRow {
    /// The words of a customer's or an agent's message (`None` for a system note).
    pub fn text(&self) -> Option<&str> {
        match &self.said {
            Said::Text(t) => Some(t),
            Said::Note(_) => None,
        }
    }

    pub fn note(&self) -> Option<&SystemNote> {
        match &self.said {
            Said::Note(n) => Some(n),
            Said::Text(_) => None,
        }
    }
}

/// A system message's body is its note's stored form; anything else there is corrupt.
fn said(sender: Sender, body: String) -> Result<Said, sqlx::Error> {
    match sender {
        Sender::System => {
            SystemNote::decode(&body)
                .map(Said::Note)
                .map_err(|e| sqlx::Error::ColumnDecode {
                    index: "body".to_owned(),
                    source: Box::new(crate::codec::BadValue {
                        table: "chat_messages",
                        column: "body",
                        value: body.clone(),
                        reason: e.to_string(),
                    }),
                })
        }
        Sender::Customer | Sender::Agent => Ok(Said::Text(body)),
    }
}

from_row!(MessageRow, "chat_messages", |c| {
    let sender = c.code("sender")?;
    MessageRow {
        id: c.id("id")?,
        chat_id: c.id("chat_id")?,
        sender,
        user_id: c.id_opt("user_id")?,
        user_name: c.get("user_name")?,
        said: said(sender, c.get("body")?)?,
        created_at: c.get("created_at")?,
    }
});

const MESSAGE_SELECT: &str = "SELECT m.id, m.chat_id, m.sender, m.user_id, u.display_name AS user_name, m.body, m.created_at \
     FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id";

/// A chat with the customer's name, for the agents' lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub id: ChatId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub topic: Topic,
    pub status: ChatStatus,
    pub agent_user_id: Option<UserId>,
    pub queued_at: i64,
    pub accepted_at: Option<i64>,
    pub customer_left_at: Option<i64>,
}

from_row!(ChatLine, "chats", |c| ChatLine {
    id: c.id("id")?,
    customer_id: c.id("customer_id")?,
    customer_name: c.get("customer_name")?,
    topic: c.code("topic")?,
    status: c.code("status")?,
    agent_user_id: c.id_opt("agent_user_id")?,
    queued_at: c.get("queued_at")?,
    accepted_at: c.get("accepted_at")?,
    customer_left_at: c.get("customer_left_at")?,
});

const LINE_SELECT: &str = "SELECT ch.id, ch.customer_id, c.name AS customer_name, ch.topic, ch.status, ch.agent_user_id, \
     ch.queued_at, ch.accepted_at, ch.customer_left_at FROM chats ch JOIN customers c ON c.id = ch.customer_id";

/// An agent online now, with their limit and how many chats they have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    pub user_id: UserId,
    pub display_name: String,
    pub max_chats: i64,
    pub active: i64,
}

from_row!(AgentRow, "agent_presence", |c| AgentRow {
    user_id: c.id("user_id")?,
    display_name: c.get("display_name")?,
    max_chats: c.get("max_chats")?,
    active: c.get("active")?,
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRow {
    pub user_id: UserId,
    pub online: bool,
    pub max_chats: i64,
    pub last_seen: i64,
}

from_row!(PresenceRow, "agent_presence", |c| PresenceRow {
    user_id: c.id("user_id")?,
    online: c.get("online")?,
    max_chats: c.get("max_chats")?,
    last_seen: c.get("last_seen")?,
});

/// Inserts a chat. A customer with an open chat already gets `Conflict("chats_one_open_idx")`
/// (SQLite names the column).
pub async fn insert(
    tx: &mut Tx,
    customer_id: CustomerId,
    topic: Topic,
    status: ChatStatus,
    now: i64,
) -> Result<ChatId> {
    Ok(ChatId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO chats (customer_id, status, topic, queued_at) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(customer_id.get())
    .bind(status.as_str())
    .bind(topic.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?
    })))
}

pub async fn get(store: &Store, id: ChatId) -> Result<Option<ChatRow>> {
    let sql = format!("SELECT {CHAT_COLUMNS} FROM chats WHERE id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn get_tx(tx: &mut Tx, id: ChatId) -> Result<Option<ChatRow>> {
    let sql = format!("SELECT {CHAT_COLUMNS} FROM chats WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ChatRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(conn)
    .await?))
}

/// The customer's open chat (queued, or active and not left), if any.
pub async fn open_of(store: &Store, customer_id: CustomerId) -> Result<Option<ChatRow>> {
    let sql = format!(
        "SELECT {CHAT_COLUMNS} FROM chats WHERE customer_id = $1 AND status <> 'closed' AND customer_left_at IS NULL"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn open_of_tx(tx: &mut Tx, customer_id: CustomerId) -> Result<Option<ChatRow>> {
    let sql = format!(
        "SELECT {CHAT_COLUMNS} FROM chats WHERE customer_id = $1 AND status <> 'closed' AND customer_left_at IS NULL"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ChatRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .fetch_optional(conn)
    .await?))
}

/// The customer's latest chat, open or not.
pub async fn last_of(store: &Store, customer_id: CustomerId) -> Result<Option<ChatRow>> {
    let sql =
        format!("SELECT {CHAT_COLUMNS} FROM chats WHERE customer_id = $1 ORDER BY id DESC LIMIT 1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(customer_id.get())
    .fetch_optional(pool)
    .await?))
}

/// A message to write: the words of a customer or an agent, or a note of the chat.
pub struct NewMessage<'a> {
    pub chat_id: ChatId,
    pub sender: Sender,
    pub user_id: Option<UserId>,
    pub body: &'a str,
}

impl<'a> NewMessage<'a> {
    pub fn customer(chat_id: ChatId, user_id: Option<UserId>, body: &'a str) -> Self {
        NewMessage {
            chat_id,
            sender: Sender::Customer,
            user_id,
            body,
        }
    }

    pub fn agent(chat_id: ChatId, user_id: UserId, body: &'a str) -> Self {
        NewMessage {
            chat_id,
            sender: Sender::Agent,
            user_id: Some(user_id),
            body,
        }
    }
}

/// Writes a customer's or an agent's message.
pub async fn insert_message(tx: &mut Tx, m: &NewMessage<'_>, now: i64) -> Result<ChatMessageId> {
    insert_row(tx, m.chat_id, m.sender, m.user_id, m.body, now).await
}

/// Writes a note of the chat itself.
pub async fn insert_note(
    tx: &mut Tx,
    chat_id: ChatId,
    note: &SystemNote,
    now: i64,
) -> Result<ChatMessageId> {
    insert_row(tx, chat_id, Sender::System, None, &note.encode(), now).await
}

async fn insert_row(
    tx: &mut Tx,
    chat_id: ChatId,
    sender: Sender,
    user_id: Option<UserId>,
    body: &str,
    now: i64,
) -> Result<ChatMessageId> {
    Ok(ChatMessageId::new(with_tx!(tx, |conn| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO chat_messages (chat_id, sender, user_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(chat_id.get())
    .bind(sender.as_str())
    .bind(user_id.map(UserId::get))
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?
    })))
}

pub async fn message(store: &Store, id: ChatMessageId) -> Result<Option<MessageRow>> {
    let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, MessageRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id.get())
    .fetch_optional(pool)
    .await?))
}

/// A chat's messages in the order they were written.
pub async fn messages(store: &Store, chat_id: ChatId) -> Result<Vec<MessageRow>> {
    let sql = format!("{MESSAGE_SELECT} WHERE m.chat_id = $1 ORDER BY m.id");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, MessageRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(chat_id.get())
    .fetch_all(pool)
    .await?))
}

pub async fn messages_tx(tx: &mut Tx, chat_id: ChatId) -> Result<Vec<MessageRow>> {
    let sql = format!("{MESSAGE_SELECT} WHERE m.chat_id = $1 ORDER BY m.id");
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, MessageRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(chat_id.get())
    .fetch_all(conn)
    .await?))
}

/// The queue, first in line first.
pub async fn queue(store: &Store, limit: i64) -> Result<Vec<ChatLine>> {
    let sql =
        format!("{LINE_SELECT} WHERE ch.status = 'queued' ORDER BY ch.queued_at, ch.id LIMIT $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatLine>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// How many chats are queued.
pub async fn queue_length(store: &Store) -> Result<i64> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM chats WHERE status = 'queued'"
    )
    .fetch_one(pool)
    .await?))
}

/// A queued chat's place in line (1 for the first); 0 when it is not queued.
pub async fn position(store: &Store, chat_id: ChatId) -> Result<i64> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM chats q JOIN chats me ON me.id = $1 AND me.status = 'queued' \
         WHERE q.status = 'queued' AND (q.queued_at < me.queued_at OR (q.queued_at = me.queued_at AND q.id <= me.id))"
    )
    .bind(chat_id.get())
    .fetch_one(pool)
    .await?
    }))
}

/// The agent's active chats, oldest first.
pub async fn active_of(store: &Store, agent_user_id: UserId) -> Result<Vec<ChatLine>> {
    let sql = format!(
        "{LINE_SELECT} WHERE ch.status = 'active' AND ch.agent_user_id = $1 ORDER BY ch.accepted_at, ch.id"
    );
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatLine>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(agent_user_id.get())
    .fetch_all(pool)
    .await?))
}

pub async fn line(store: &Store, chat_id: ChatId) -> Result<Option<ChatLine>> {
    let sql = format!("{LINE_SELECT} WHERE ch.id = $1");
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, ChatLine>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(chat_id.get())
    .fetch_optional(pool)
    .await?))
}

pub async fn count_active_tx(tx: &mut Tx, agent_user_id: UserId) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM chats WHERE status = 'active' AND agent_user_id = $1"
    )
    .bind(agent_user_id.get())
    .fetch_one(conn)
    .await?))
}

/// Takes the first queued chat for the agent. `None` when the queue is empty or another agent
/// took the chosen row first (the caller tries again while the queue is not empty).
pub async fn take_next(tx: &mut Tx, agent_user_id: UserId, now: i64) -> Result<Option<ChatId>> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "UPDATE chats SET status = 'active', agent_user_id = $1, accepted_at = $2 \
         WHERE id = (SELECT id FROM chats WHERE status = 'queued' ORDER BY queued_at, id LIMIT 1) \
         AND status = 'queued' RETURNING id"
    )
    .bind(agent_user_id.get())
    .bind(now)
    .fetch_optional(conn)
    .await?)
    .map(ChatId::new))
}

pub async fn queue_length_tx(tx: &mut Tx) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM chats WHERE status = 'queued'"
    )
    .fetch_one(conn)
    .await?))
}

/// Moves an active chat from one agent to another; false when it is not that agent's.
pub async fn reassign(tx: &mut Tx, chat_id: ChatId, from: UserId, to: UserId) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE chats SET agent_user_id = $3 WHERE id = $1 AND agent_user_id = $2 AND status = 'active'"
    )
    .bind(chat_id.get())
    .bind(from.get())
    .bind(to.get())
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

/// Closes a chat, recording the case it became; false when it was closed already.
pub async fn close(
    tx: &mut Tx,
    chat_id: ChatId,
    case_id: Option<CaseId>,
    now: i64,
) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE chats SET status = 'closed', closed_at = $2, case_id = $3 WHERE id = $1 AND status <> 'closed'"
    )
    .bind(chat_id.get())
    .bind(now)
    .bind(case_id.map(CaseId::get))
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

/// Marks that the customer left an active chat.
pub async fn mark_left(tx: &mut Tx, chat_id: ChatId, now: i64) -> Result<bool> {
    Ok(with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE chats SET customer_left_at = $2 WHERE id = $1 AND status = 'active' AND customer_left_at IS NULL"
    )
    .bind(chat_id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    }) == 1)
}

/// Handling times (accepted → closed, seconds) of the latest closed chats.
pub async fn recent_handling_secs(store: &Store, limit: i64) -> Result<Vec<i64>> {
    Ok(with_pool!(store, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT (closed_at - accepted_at) / 1000000 FROM chats \
         WHERE status = 'closed' AND accepted_at IS NOT NULL AND closed_at IS NOT NULL \
         ORDER BY closed_at DESC LIMIT $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// Sets an agent online or offline (and their limit), creating the row on first use.
pub async fn set_presence(
    tx: &mut Tx,
    user_id: UserId,
    online: bool,
    max_chats: Option<i64>,
    now: i64,
) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO agent_presence (user_id, online, max_chats, last_seen) VALUES ($1, $2, COALESCE($3, 3), $4) \
         ON CONFLICT (user_id) DO UPDATE SET online = excluded.online, \
         max_chats = COALESCE($3, agent_presence.max_chats), last_seen = excluded.last_seen"
    )
    .bind(user_id.get())
    .bind(online)
    .bind(max_chats)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Records that an agent was seen (a page, an action, an open socket).
pub async fn touch(store: &Store, user_id: UserId, now: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    with_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE agent_presence SET last_seen = $2 WHERE user_id = $1 AND online = TRUE AND last_seen < $2"
    )
    .bind(user_id.get())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected()
    });
    tx.commit().await
}

pub async fn presence(store: &Store, user_id: UserId) -> Result<Option<PresenceRow>> {
    Ok(with_pool!(store, |pool| sqlx::query_as::<_, PresenceRow>(
        "SELECT user_id, online, max_chats, last_seen FROM agent_presence WHERE user_id = $1"
    )
    .bind(user_id.get())
    .fetch_optional(pool)
    .await?))
}

/// Locks an agent's presence row for the rest of the transaction (a write takes the row lock
/// on PostgreSQL; SQLite's write transaction holds the whole database).
pub async fn lock_presence(tx: &mut Tx, user_id: UserId) -> Result<Option<PresenceRow>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, PresenceRow>(
        "UPDATE agent_presence SET max_chats = max_chats WHERE user_id = $1 \
         RETURNING user_id, online, max_chats, last_seen"
    )
    .bind(user_id.get())
    .fetch_optional(conn)
    .await?))
}

/// Agents online and seen since `seen_since`, with their active chats, by name.
pub async fn agents_online(store: &Store, seen_since: i64) -> Result<Vec<AgentRow>> {
    Ok(with_pool!(store, |pool| {
        sqlx::query_as::<_, AgentRow>(
        "SELECT p.user_id, u.display_name, p.max_chats, \
         (SELECT COUNT(*) FROM chats c WHERE c.status = 'active' AND c.agent_user_id = p.user_id) AS active \
         FROM agent_presence p JOIN users u ON u.id = p.user_id \
         WHERE p.online = TRUE AND p.last_seen >= $1 AND u.disabled = FALSE ORDER BY u.display_name, p.user_id"
    )
    .bind(seen_since)
    .fetch_all(pool)
    .await?
    }))
}

pub async fn agents_online_tx(tx: &mut Tx, seen_since: i64) -> Result<i64> {
    Ok(with_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM agent_presence p JOIN users u ON u.id = p.user_id \
         WHERE p.online = TRUE AND p.last_seen >= $1 AND u.disabled = FALSE"
    )
    .bind(seen_since)
    .fetch_one(conn)
    .await?))
}

/// Announces a chat event to every instance once the transaction commits. On PostgreSQL this is
/// `pg_notify` on [`CHANNEL`]; on SQLite (one instance) it does nothing and the caller
/// publishes locally after the commit.
pub async fn notify(tx: &mut Tx, payload: &str) -> Result<()> {
    match tx.inner() {
        crate::backend::TxInner::Postgres(t) => {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&mut **t)
                .await?;
        }
        crate::backend::TxInner::Sqlite(_) => {}
    }
    Ok(())
}

/// Whether chat events reach other instances through the database ([`notify`] and
/// [`Listener`]); false on SQLite, which serves one instance.
pub fn notifies(store: &Store) -> bool {
    match store.backend() {
        Backend::Postgres => true,
        Backend::Sqlite => false,
    }
}

/// A connection listening on [`CHANNEL`] (PostgreSQL only).
pub struct Listener(sqlx::postgres::PgListener);

/// What the listener heard.
pub enum Heard {
    Payload(String),
    /// The connection was lost and is re-established on the next call; events in between
    /// may be lost, so subscribers should reload.
    Reconnected,
}

impl Listener {
    /// Opens the listener; `None` on SQLite.
    pub async fn open(store: &Store) -> Result<Option<Listener>> {
        match store.db() {
            Db::Postgres(pool) => {
                let mut l = sqlx::postgres::PgListener::connect_with(pool).await?;
                l.listen(CHANNEL).await?;
                Ok(Some(Listener(l)))
            }
            Db::Sqlite { .. } => Ok(None),
        }
    }

    pub async fn recv(&mut self) -> Result<Heard> {
        match self.0.try_recv().await {
            Ok(Some(n)) => Ok(Heard::Payload(n.payload().to_owned())),
            Ok(None) => Ok(Heard::Reconnected),
            Err(e) => Err(StoreError::from(e)),
        }
    }
}

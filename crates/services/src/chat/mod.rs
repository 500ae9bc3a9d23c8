//! Chat with customer service (measure M3): a customer starts a chat and waits in one queue
//! (seeing their place and the estimated wait); an agent online accepts the next chat within
//! their limit, writes, may hand it to another agent, and closes it into a case that keeps the
//! transcript. Outside opening hours, or with no agent online, the first message becomes a
//! case at once and the customer is told so.
//!
//! The handle is [`Chat`] (`services.chat()`); it owns the process's [`hub::ChatHub`], through
//! which events go out after the commit. A customer only ever reaches their own open chat (found
//! from the session, never from an id they send); an agent only writes in, hands over and
//! closes chats assigned to them ([`roles`]).
//!
//! A case opened from a chat takes the customer's first message as its subject, in their own
//! words (`domain::cases::subject_from_message`), so every reader reads what the customer
//! wrote; the topic becomes the case's category.

mod agent;
mod customer;
pub mod hub;

use std::sync::Arc;

use domain::chat::{self as rules, AgentLoad, ChatHours, QueueEstimate};
use domain::ids::{ChatId, CustomerId, UserId};
use domain::role::Role;
use store::Tx;
pub use store::chat::{AgentRow, ChatLine, ChatRow, MessageRow, PresenceRow, Said};

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};
use hub::{Channel, ChatEvent, ChatHub, Note};

pub use agent::Console;
pub use customer::{CustomerChat, Started};

/// Who may do what in the chat; the route table reads the same constants.
pub mod roles {
    use domain::role::Role;

    /// Agents take, answer, hand over and close chats (admins too, and may read any chat).
    pub const AGENTS: &[Role] = &[Role::Agent, Role::Admin];
    /// Who reads any chat, not only their own.
    pub const READ_ANY: &[Role] = &[Role::Admin];
    /// Customers chat about their own matters.
    pub use crate::portal::roles::CUSTOMER;
}

/// What the chat keeps in memory: the fan-out of its events to this process's sockets. Shared
/// by the handles of every clock view of one [`Services`].
#[derive(Clone, Default)]
pub struct State {
    hub: Arc<ChatHub>,
}

/// The chat capability: `services.chat()`.
#[derive(Clone)]
pub struct Chat {
    s: Services,
}

impl Chat {
    /// The handle over `s`; made by `Services::chat`.
    pub(crate) fn new(s: Services) -> Chat {
        Chat { s }
    }
}

/// The settings row that overrides the chat's hours on working days (`08:00-17:00`).
pub const HOURS_SETTING: &str = "chat.hours";

fn customer_of(actor: &Actor) -> Result<CustomerId> {
    match (actor.role, actor.customer_id) {
        (Some(r), Some(c)) if roles::CUSTOMER.contains(&r) => Ok(c),
        _ => Err(ServiceError::Forbidden),
    }
}

fn agent_of(actor: &Actor) -> Result<UserId> {
    match (actor.role, actor.user_id) {
        (Some(r), Some(u)) if roles::AGENTS.contains(&r) => Ok(u),
        _ => Err(ServiceError::Forbidden),
    }
}

fn reads_any(role: Option<Role>) -> bool {
    role.is_some_and(|r| roles::READ_ANY.contains(&r))
}

fn invalid_message(e: rules::MessageError) -> ServiceError {
    ServiceError::invalid("body", e)
}

impl Chat {
    fn hub(&self) -> &Arc<ChatHub> {
        &self.s.inner.chat.hub
    }

    /// Subscribes to a chat topic (see [`hub`]).
    pub async fn subscribe(
        &self,
        ch: Channel,
    ) -> Result<tokio::sync::broadcast::Receiver<ChatEvent>> {
        Ok(self.hub().subscribe(self.s.store(), ch).await?)
    }

    /// Commits a chat change and tells every socket about it: on PostgreSQL the notifications
    /// are sent in the transaction (delivered on commit); on SQLite they are published in
    /// process once the commit has succeeded.
    async fn commit_announcing(&self, mut tx: Tx, notes: &[Note]) -> Result<()> {
        for n in notes {
            store::chat::notify(&mut tx, &n.payload()).await?;
        }
        tx.commit().await?;
        self.hub().announce(self.s.store(), notes).await;
        Ok(())
    }

    /// The chat's hours on working days now: those of the portal policy in force, else the
    /// everyday hours.
    pub async fn hours(&self) -> Result<ChatHours> {
        match self.s.portal().policy().await?.chat_hours {
            Some(h) => Ok(h),
            None => self.everyday_hours().await,
        }
    }

    /// The everyday hours: the `chat.hours` settings row, else 08–17.
    pub async fn everyday_hours(&self) -> Result<ChatHours> {
        Ok(
            match store::settings::get(self.s.store(), HOURS_SETTING).await? {
                Some(s) => ChatHours::parse(&s).unwrap_or_else(|e| {
                    tracing::warn!(setting = HOURS_SETTING, value = %s, error = %e, "ignoring chat hours");
                    ChatHours::default()
                }),
                None => ChatHours::default(),
            },
        )
    }

    pub async fn open_now(&self) -> Result<bool> {
        Ok(self.hours().await?.is_open(self.s.now(), self.s.tz()))
    }

    fn presence_since(&self) -> i64 {
        self.s.now_micros() - rules::PRESENCE_TTL_SECS * 1_000_000
    }

    /// Agents online now, with their load.
    pub async fn agents_online(&self) -> Result<Vec<AgentRow>> {
        Ok(store::chat::agents_online(self.s.store(), self.presence_since()).await?)
    }

    /// Where a queued chat stands: its place in line and the estimated wait.
    pub async fn estimate(&self, chat_id: ChatId) -> Result<QueueEstimate> {
        let position = store::chat::position(self.s.store(), chat_id).await?;
        let agents = self.agents_online().await?;
        let loads: Vec<AgentLoad> = agents
            .iter()
            .map(|a| AgentLoad {
                max_chats: u32::try_from(a.max_chats).unwrap_or(0),
                active: u32::try_from(a.active).unwrap_or(0),
            })
            .collect();
        let handling = rules::mean_handling_secs(
            &store::chat::recent_handling_secs(self.s.store(), rules::HANDLING_SAMPLE).await?,
        );
        Ok(rules::estimate(
            u32::try_from(position).unwrap_or(u32::MAX),
            &loads,
            handling,
        ))
    }

    /// Who a chat belongs to, for a socket deciding what it may carry.
    pub async fn row(&self, chat_id: ChatId) -> Result<Option<ChatRow>> {
        Ok(store::chat::get(self.s.store(), chat_id).await?)
    }
}

//! The customer's side of the chat: starting one (queued, or a case at once), reading it,
//! writing in it and leaving it.

use domain::cases::CaseSource;
use domain::chat::{
    self as rules, ChatStatus, Intake, MessageError, QueueEstimate, SystemNote, Topic,
};
use domain::ids::{CaseId, ChatId, ChatMessageId};
use store::chat::NewMessage;

use super::hub::Note;
use super::{Chat, ChatRow, MessageRow, customer_of, invalid_message};
use crate::Actor;
use crate::cases::NewCase;
use crate::error::{Result, ServiceError};

/// What starting a chat did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    /// Waiting in the queue (or the customer's chat already open).
    Queued { chat_id: ChatId },
    /// Filed as a case: the chat is closed or nobody is online.
    Case {
        chat_id: ChatId,
        case_id: CaseId,
        why: Intake,
    },
}

/// The customer's view of their chat.
#[derive(Clone, Debug)]
pub struct CustomerChat {
    pub chat: ChatRow,
    pub messages: Vec<MessageRow>,
    /// Set while queued.
    pub estimate: Option<QueueEstimate>,
    /// The agent's display name while active.
    pub agent_name: Option<String>,
}

impl CustomerChat {
    /// Still open for the customer: queued, or with an agent and not left.
    pub fn is_open(&self) -> bool {
        self.chat.status != ChatStatus::Closed && self.chat.customer_left_at.is_none()
    }

    /// The last note of the chat itself (what became of it, once it ended).
    pub fn last_note(&self) -> Option<&SystemNote> {
        self.messages.iter().rev().find_map(MessageRow::note)
    }
}

impl Chat {
    /// A customer starts a chat with their first message.
    pub async fn start(&self, actor: &Actor, topic: Topic, body: &str) -> Result<Started> {
        let customer = customer_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        if let Some(open) = store::chat::open_of(self.s.store(), customer).await? {
            return Ok(Started::Queued { chat_id: open.id });
        }
        let open = self.open_now().await?;
        let agents = self.agents_online().await?.len();
        let now = self.s.now_micros();
        let user = actor.user_id;
        let mut tx = self.s.store().begin().await?;
        if let Some(open) = store::chat::open_of_tx(&mut tx, customer).await? {
            return Ok(Started::Queued { chat_id: open.id });
        }
        // Inserted as queued; when it becomes a case it is closed into the case in the same
        // transaction, so nobody ever sees it waiting.
        let id = store::chat::insert(&mut tx, customer, topic, ChatStatus::Queued, now).await?;
        let m = store::chat::insert_message(&mut tx, &NewMessage::customer(id, user, &body), now)
            .await?;
        let why = rules::intake(open, agents);
        if why == Intake::Queue {
            let notes = [
                Note::Message {
                    chat: id,
                    message: m,
                },
                Note::Queue,
            ];
            self.commit_announcing(tx, &notes).await?;
            return Ok(Started::Queued { chat_id: id });
        }
        let case_id = self
            .s
            .cases()
            .open_in(
                &mut tx,
                actor,
                &NewCase {
                    customer_id: customer,
                    category: topic.case_category(),
                    source: CaseSource::Chat,
                    subject: domain::cases::subject_from_message(&body),
                    body: body.clone(),
                    link: None,
                },
            )
            .await?;
        let note = if why == Intake::CaseClosed {
            SystemNote::CaseOutsideHours { case: case_id }
        } else {
            SystemNote::CaseNoAgent { case: case_id }
        };
        store::chat::insert_note(&mut tx, id, &note, now).await?;
        store::chat::close(&mut tx, id, Some(case_id), now).await?;
        tx.commit().await?;
        Ok(Started::Case {
            chat_id: id,
            case_id,
            why,
        })
    }

    /// The customer's open chat, or else their latest one; `None` when they never chatted.
    pub async fn of_customer(&self, actor: &Actor) -> Result<Option<CustomerChat>> {
        let customer = customer_of(actor)?;
        let chat = match store::chat::open_of(self.s.store(), customer).await? {
            Some(c) => c,
            None => match store::chat::last_of(self.s.store(), customer).await? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        self.customer_view(chat).await.map(Some)
    }

    /// The customer's open chat only.
    pub async fn open_of_customer(&self, actor: &Actor) -> Result<Option<CustomerChat>> {
        let customer = customer_of(actor)?;
        match store::chat::open_of(self.s.store(), customer).await? {
            Some(c) => self.customer_view(c).await.map(Some),
            None => Ok(None),
        }
    }

    async fn customer_view(&self, chat: ChatRow) -> Result<CustomerChat> {
        let messages = store::chat::messages(self.s.store(), chat.id).await?;
        let estimate = match chat.status {
            ChatStatus::Queued => Some(self.estimate(chat.id).await?),
            _ => None,
        };
        let agent_name = match (chat.status, chat.agent_user_id) {
            (ChatStatus::Active, Some(u)) => store::cases::account(self.s.store(), u)
                .await?
                .map(|u| u.display_name),
            _ => None,
        };
        Ok(CustomerChat {
            chat,
            messages,
            estimate,
            agent_name,
        })
    }

    /// A customer writes in their open chat.
    pub async fn customer_send(&self, actor: &Actor, body: &str) -> Result<ChatMessageId> {
        let customer = customer_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        let mut tx = self.s.store().begin().await?;
        let chat = store::chat::open_of_tx(&mut tx, customer)
            .await?
            .ok_or_else(|| ServiceError::conflict(MessageError::Ended))?;
        let m = store::chat::insert_message(
            &mut tx,
            &NewMessage::customer(chat.id, actor.user_id, &body),
            self.s.now_micros(),
        )
        .await?;
        let notes = [Note::Message {
            chat: chat.id,
            message: m,
        }];
        self.commit_announcing(tx, &notes).await?;
        Ok(m)
    }

    /// The customer leaves: a queued chat is withdrawn; an active one stays with the agent, who
    /// is told and closes it into a case.
    pub async fn leave(&self, actor: &Actor) -> Result<()> {
        let customer = customer_of(actor)?;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let Some(chat) = store::chat::open_of_tx(&mut tx, customer).await? else {
            return Ok(());
        };
        let mut notes = vec![Note::Changed(chat.id)];
        if chat.status == ChatStatus::Queued {
            store::chat::close(&mut tx, chat.id, None, now).await?;
            notes.push(Note::Queue);
        } else {
            store::chat::mark_left(&mut tx, chat.id, now).await?;
            let m = store::chat::insert_note(&mut tx, chat.id, &SystemNote::Left, now).await?;
            notes.insert(
                0,
                Note::Message {
                    chat: chat.id,
                    message: m,
                },
            );
        }
        self.commit_announcing(tx, &notes).await?;
        Ok(())
    }
}

//! The agents' side of the chat: presence and limit, the console, accepting the next chat,
//! writing, handing over, and closing a chat into a case with its transcript.

use domain::cases::{CaseSource, Category, EntryKind};
use domain::chat::{self as rules, ChatStatus, MessageError, Sender, SystemNote};
use domain::customer::Language;
use domain::ids::{CaseId, ChatId, ChatMessageId, UserId};
use domain::problem::Problem;
use store::Tx;
use store::chat::NewMessage;
use views::chat::Speaker;

use super::hub::Note;
use super::{
    AgentRow, Chat, ChatLine, ChatRow, MessageRow, PresenceRow, Said, agent_of, invalid_message,
    reads_any, roles,
};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::cases::NewCase;
use crate::error::{Result, ServiceError};

/// The agent console.
#[derive(Clone, Debug)]
pub struct Console {
    pub presence: Option<PresenceRow>,
    /// Online now (and seen recently).
    pub online: bool,
    pub queue: Vec<ChatLine>,
    pub queue_length: i64,
    pub mine: Vec<ChatLine>,
    pub agents: Vec<AgentRow>,
}

/// Transcript lines split into case entries no longer than the case's message limit.
const TRANSCRIPT_CHUNK: usize = 9_000;

/// The chat as case entries: one line per message in `lang` (the customer's), split into
/// entries of at most [`TRANSCRIPT_CHUNK`] characters.
fn transcript(
    messages: &[MessageRow],
    customer_name: &str,
    lang: Language,
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let mut out = vec![String::new()];
    for m in messages {
        let when = domain::time::format_datetime(domain::time::from_micros(m.created_at), tz);
        let speaker = match (&m.said, m.sender) {
            (Said::Note(note), _) => Speaker::Chat(note),
            (Said::Text(text), Sender::Customer) => Speaker::Customer {
                name: customer_name,
                text,
            },
            (Said::Text(text), _) => Speaker::Agent {
                name: m.user_name.as_deref(),
                text,
            },
        };
        let line = views::chat::transcript_line(lang, &when, &speaker);
        let last = out.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + line.chars().count() + 1 > TRANSCRIPT_CHUNK {
            out.push(line);
        } else {
            if !last.is_empty() {
                last.push('\n');
            }
            last.push_str(&line);
        }
    }
    out
}

impl Chat {
    /// An agent goes online or offline and sets their limit of concurrent chats.
    pub async fn set_presence(
        &self,
        actor: &Actor,
        online: bool,
        max_chats: Option<u32>,
    ) -> Result<()> {
        let agent = agent_of(actor)?;
        if let Some(m) = max_chats
            && !(1..=rules::MAX_MAX_CHATS).contains(&m)
        {
            return Err(ServiceError::invalid(
                "max_chats",
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(rules::MAX_MAX_CHATS),
                },
            ));
        }
        let mut tx = self.s.store().begin().await?;
        store::chat::set_presence(
            &mut tx,
            agent,
            online,
            max_chats.map(i64::from),
            self.s.now_micros(),
        )
        .await?;
        self.commit_announcing(tx, &[Note::Queue]).await
    }

    /// The agent is still there (a console page, an open socket).
    pub async fn heartbeat(&self, actor: &Actor) -> Result<()> {
        let agent = agent_of(actor)?;
        store::chat::touch(self.s.store(), agent, self.s.now_micros()).await?;
        Ok(())
    }

    pub async fn console(&self, actor: &Actor) -> Result<Console> {
        let agent = agent_of(actor)?;
        let store = self.s.store();
        let presence = store::chat::presence(store, agent).await?;
        let agents = self.agents_online().await?;
        Ok(Console {
            online: agents.iter().any(|a| a.user_id == agent),
            presence,
            queue: store::chat::queue(store, 100).await?,
            queue_length: store::chat::queue_length(store).await?,
            mine: store::chat::active_of(store, agent).await?,
            agents,
        })
    }

    /// The display name of an account, or `fallback` when it has none.
    async fn name_of(&self, user: UserId, fallback: &str) -> Result<String> {
        Ok(store::cases::account(self.s.store(), user)
            .await?
            .map_or_else(|| fallback.to_owned(), |a| a.display_name))
    }

    /// The agent takes the first chat in the queue, within their limit. Two agents never get
    /// the same chat: the take is a conditional update, retried when another agent won the row.
    pub async fn accept_next(&self, actor: &Actor) -> Result<Option<ChatId>> {
        let agent = agent_of(actor)?;
        let now = self.s.now_micros();
        // Read before the transaction: a transaction holds a connection, and waiting for a
        // second one from the pool while holding it can exhaust the pool under load.
        let name = self.name_of(agent, &actor.name).await?;
        let mut tx = self.s.store().begin().await?;
        match store::chat::lock_presence(&mut tx, agent).await? {
            Some(p) if p.online => {
                let active = store::chat::count_active_tx(&mut tx, agent).await?;
                if active >= p.max_chats {
                    return Err(ServiceError::conflict(MessageError::AtLimit {
                        active,
                        max: p.max_chats,
                    }));
                }
            }
            _ => return Err(ServiceError::conflict(MessageError::Offline)),
        }
        let mut taken = None;
        for _ in 0..50 {
            if let Some(id) = store::chat::take_next(&mut tx, agent, now).await? {
                taken = Some(id);
                break;
            }
            if store::chat::queue_length_tx(&mut tx).await? == 0 {
                break;
            }
        }
        let Some(id) = taken else {
            return Ok(None);
        };
        let m =
            store::chat::insert_note(&mut tx, id, &SystemNote::Joined { agent: name }, now).await?;
        self.audit(&mut tx, actor, "chat_accepted", id, "").await?;
        let notes = [
            Note::Message {
                chat: id,
                message: m,
            },
            Note::Changed(id),
            Note::Queue,
        ];
        self.commit_announcing(tx, &notes).await?;
        Ok(Some(id))
    }

    async fn audit(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        chat: ChatId,
        detail: &str,
    ) -> Result<()> {
        audit::record(
            tx,
            &self.s,
            actor,
            &Event {
                action,
                object_kind: "chat",
                object_id: &chat.to_string(),
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }

    /// A chat as its agent sees it (an admin may read any chat).
    pub async fn agent_chat(
        &self,
        actor: &Actor,
        chat_id: ChatId,
    ) -> Result<(ChatLine, Vec<MessageRow>)> {
        let agent = agent_of(actor)?;
        let line = store::chat::line(self.s.store(), chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if line.agent_user_id != Some(agent) && !reads_any(actor.role) {
            return Err(ServiceError::NotFound);
        }
        let messages = store::chat::messages(self.s.store(), chat_id).await?;
        Ok((line, messages))
    }

    /// Locks the chat for its agent: it must be active and theirs.
    async fn own_active(&self, tx: &mut Tx, agent: UserId, chat_id: ChatId) -> Result<ChatRow> {
        let chat = store::chat::get_tx(tx, chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if chat.agent_user_id != Some(agent) {
            return Err(ServiceError::NotFound);
        }
        if chat.status != ChatStatus::Active {
            return Err(ServiceError::conflict(MessageError::Ended));
        }
        Ok(chat)
    }

    /// The agent writes in one of their chats.
    pub async fn agent_send(
        &self,
        actor: &Actor,
        chat_id: ChatId,
        body: &str,
    ) -> Result<ChatMessageId> {
        let agent = agent_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        let mut tx = self.s.store().begin().await?;
        self.own_active(&mut tx, agent, chat_id).await?;
        let m = store::chat::insert_message(
            &mut tx,
            &NewMessage::agent(chat_id, agent, &body),
            self.s.now_micros(),
        )
        .await?;
        let notes = [Note::Message {
            chat: chat_id,
            message: m,
        }];
        self.commit_announcing(tx, &notes).await?;
        Ok(m)
    }

    /// The agent a chat may be handed to: an enabled agent account.
    async fn transfer_target(&self, agent: UserId, to: UserId) -> Result<store::cases::Account> {
        if to == agent {
            return Err(ServiceError::invalid("to", MessageError::TransferToSelf));
        }
        let target = store::cases::account(self.s.store(), to)
            .await?
            .ok_or_else(|| ServiceError::invalid("to", MessageError::NoSuchAgent))?;
        if !roles::AGENTS.contains(&target.role) || target.disabled {
            return Err(ServiceError::invalid(
                "to",
                MessageError::NotAnAgent {
                    name: target.display_name,
                },
            ));
        }
        Ok(target)
    }

    /// Hands an active chat to another agent who is online and under their limit.
    pub async fn transfer(&self, actor: &Actor, chat_id: ChatId, to: UserId) -> Result<()> {
        let agent = agent_of(actor)?;
        let target = self.transfer_target(agent, to).await?;
        let name = target.display_name;
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        self.own_active(&mut tx, agent, chat_id).await?;
        match store::chat::lock_presence(&mut tx, to).await? {
            Some(p) if p.online && p.last_seen >= self.presence_since() => {
                if store::chat::count_active_tx(&mut tx, to).await? >= p.max_chats {
                    return Err(ServiceError::invalid(
                        "to",
                        MessageError::AgentFull { name },
                    ));
                }
            }
            _ => {
                return Err(ServiceError::invalid(
                    "to",
                    MessageError::AgentOffline { name },
                ));
            }
        }
        if !store::chat::reassign(&mut tx, chat_id, agent, to).await? {
            return Err(ServiceError::conflict(MessageError::AlreadyTransferred));
        }
        let m =
            store::chat::insert_note(&mut tx, chat_id, &SystemNote::Transferred { to: name }, now)
                .await?;
        self.audit(
            &mut tx,
            actor,
            "chat_transferred",
            chat_id,
            &format!("to user {to}"),
        )
        .await?;
        let notes = [
            Note::Message {
                chat: chat_id,
                message: m,
            },
            Note::Changed(chat_id),
            Note::Queue,
        ];
        self.commit_announcing(tx, &notes).await
    }

    /// The agent closes their chat into a case of the category they choose; the transcript
    /// becomes the case's chat-transcript entries and the chat points at the case, all in one
    /// transaction. The case's subject and first entry are the customer's first message.
    pub async fn close(
        &self,
        actor: &Actor,
        chat_id: ChatId,
        category: Category,
    ) -> Result<CaseId> {
        let agent = agent_of(actor)?;
        let now = self.s.now_micros();
        let customer_id = store::chat::get(self.s.store(), chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .customer_id;
        let customer = store::portal::contact(self.s.store(), customer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.s.store().begin().await?;
        let chat = self.own_active(&mut tx, agent, chat_id).await?;
        let messages = store::chat::messages_tx(&mut tx, chat_id).await?;
        let first = messages
            .iter()
            .find(|m| m.sender == Sender::Customer)
            .and_then(MessageRow::text)
            .ok_or_else(|| {
                ServiceError::Internal(format!("chat {chat_id} has no message from the customer"))
            })?
            .to_owned();
        let case_id = self
            .s
            .cases()
            .open_in(
                &mut tx,
                actor,
                &NewCase {
                    customer_id: chat.customer_id,
                    category,
                    source: CaseSource::Chat,
                    subject: domain::cases::subject_from_message(&first),
                    body: first,
                    link: None,
                },
            )
            .await?;
        // The transcript is written by the chat itself, so it lands whichever team the
        // category routes the case to.
        let writer = Actor {
            user_id: None,
            name: "chat".into(),
            role: None,
            customer_id: None,
            address: actor.address.clone(),
        };
        for part in transcript(&messages, &customer.name, customer.language, self.s.tz()) {
            self.s
                .cases()
                .add_entry_in(&mut tx, &writer, case_id, EntryKind::ChatTranscript, &part)
                .await?;
        }
        let m =
            store::chat::insert_note(&mut tx, chat_id, &SystemNote::Closed { case: case_id }, now)
                .await?;
        if !store::chat::close(&mut tx, chat_id, Some(case_id), now).await? {
            return Err(ServiceError::conflict(MessageError::AlreadyClosed));
        }
        self.audit(
            &mut tx,
            actor,
            "chat_closed",
            chat_id,
            &format!("case {case_id}"),
        )
        .await?;
        let notes = [
            Note::Message {
                chat: chat_id,
                message: m,
            },
            Note::Changed(chat_id),
            Note::Queue,
        ];
        self.commit_announcing(tx, &notes).await?;
        Ok(case_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::ChatMessageId;

    fn msg(sender: Sender, said: Said) -> MessageRow {
        MessageRow {
            id: ChatMessageId::new(1),
            chat_id: ChatId::new(1),
            sender,
            user_id: None,
            user_name: Some("Anna Agent".into()),
            said,
            created_at: 1_795_000_000_000_000,
        }
    }

    fn text(sender: Sender, t: &str) -> MessageRow {
        msg(sender, Said::Text(t.into()))
    }

    #[test]
    fn transcript_names_speakers_in_the_customers_language_and_splits_long_chats() {
        let tz = domain::time::stockholm();
        let chat = [
            text(Sender::Customer, "Hej"),
            msg(
                Sender::System,
                Said::Note(SystemNote::Joined {
                    agent: "Anna Agent".into(),
                }),
            ),
            text(Sender::Agent, "Hej hej"),
        ];
        let t = transcript(&chat, "Karin Kund", Language::Sv, &tz);
        assert_eq!(t.len(), 1);
        assert!(t[0].contains("Karin Kund: Hej\n"), "{}", t[0]);
        assert!(t[0].contains("Anna Agent har anslutit till chatten."));
        assert!(t[0].ends_with("Anna Agent: Hej hej"));
        let en = transcript(&chat, "Karin Kund", Language::En, &tz);
        assert!(
            en[0].contains("Anna Agent has joined the chat."),
            "{}",
            en[0]
        );
        let long: Vec<MessageRow> = (0..20)
            .map(|_| text(Sender::Customer, &"x".repeat(1500)))
            .collect();
        let parts = transcript(&long, "K", Language::Sv, &tz);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= TRANSCRIPT_CHUNK));
        assert_eq!(
            parts.iter().map(|p| p.matches('x').count()).sum::<usize>(),
            30_000
        );
    }
}

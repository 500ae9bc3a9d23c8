//! Chat with customer service (measure M3): a customer starts a chat and waits in one queue
//! (seeing their place and the estimated wait); an agent online accepts the next chat within
//! their limit, writes, may hand it to another agent, and closes it into a case that keeps the
//! transcript. Outside opening hours, or with no agent online, the first message becomes a
//! case at once and the customer is told so.
//!
//! A customer only ever reaches their own open chat (found from the session, never from an id
//! they send); an agent only writes in, hands over and closes chats assigned to them.
//! Events go out through [`crate::chat_hub`] after the commit.

use std::sync::Arc;

use domain::cases::{CaseSource, Category, EntryKind};
use domain::chat::{self as rules, AgentLoad, ChatHours, Intake, QueueEstimate, Topic};
use domain::role::Role;
use store::Tx;
pub use store::chat::{AgentRow, ChatLine, ChatRow, MessageRow, PresenceRow};

use crate::audit::{self, Event, Outcome};
use crate::cases::NewCase;
use crate::chat_hub::{Channel, ChatEvent, ChatHub, Note};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// The settings row that overrides the chat's hours on working days (`08:00-17:00`).
pub const HOURS_SETTING: &str = "chat.hours";

/// System messages are stored as a message key and an argument (`chat-sys-joined|Anna`), so
/// pages show them in the reader's language.
pub mod system {
    pub const JOINED: &str = "chat-sys-joined";
    pub const TRANSFERRED: &str = "chat-sys-transferred";
    pub const LEFT: &str = "chat-sys-left";
    pub const CLOSED: &str = "chat-sys-closed";
    pub const CASE_CLOSED_HOURS: &str = "chat-sys-case-hours";
    pub const CASE_NO_AGENT: &str = "chat-sys-case-no-agent";

    /// Splits a stored system message into its key and argument.
    pub fn parts(body: &str) -> (&str, &str) {
        body.split_once('|').unwrap_or((body, ""))
    }

    /// The Swedish text of a system message, for transcripts on cases.
    pub fn text_sv(body: &str) -> String {
        let (key, arg) = parts(body);
        match key {
            JOINED => format!("{arg} har anslutit till chatten."),
            TRANSFERRED => format!("Chatten har lämnats över till {arg}."),
            LEFT => "Kunden har lämnat chatten.".to_owned(),
            CLOSED => format!("Chatten är avslutad och sparad som ärende {arg}."),
            CASE_CLOSED_HOURS => {
                format!("Chatten är stängd just nu. Meddelandet är sparat som ärende {arg}.")
            }
            CASE_NO_AGENT => {
                format!("Ingen handläggare är inloggad. Meddelandet är sparat som ärende {arg}.")
            }
            _ => body.to_owned(),
        }
    }
}

/// What starting a chat did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    /// Waiting in the queue (or the customer's chat already open).
    Queued { chat_id: i64 },
    /// Filed as a case: the chat is closed or nobody is online.
    Case {
        chat_id: i64,
        case_id: i64,
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

fn invalid_message(e: rules::MessageError) -> ServiceError {
    match e {
        rules::MessageError::Empty => ServiceError::invalid("body", "skriv ett meddelande"),
        rules::MessageError::TooLong => ServiceError::invalid(
            "body",
            format!(
                "meddelandet får vara högst {} tecken",
                rules::MAX_MESSAGE_CHARS
            ),
        ),
    }
}

fn customer_of(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.customer_id) {
        (Some(Role::Customer), Some(c)) => Ok(c.get()),
        _ => Err(ServiceError::Forbidden),
    }
}

fn agent_of(actor: &Actor) -> Result<i64> {
    match (actor.role, actor.user_id) {
        (Some(Role::Agent | Role::Admin), Some(u)) => Ok(u.get()),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Transcript lines split into case entries no longer than the case's message limit.
const TRANSCRIPT_CHUNK: usize = 9_000;

fn transcript(
    messages: &[MessageRow],
    customer_name: &str,
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let mut out = vec![String::new()];
    for m in messages {
        let when = domain::time::format_datetime(domain::time::from_micros(m.created_at), tz);
        let line = match m.sender.as_str() {
            "customer" => format!("{when} {customer_name}: {}", m.body),
            "agent" => format!(
                "{when} {}: {}",
                m.user_name.as_deref().unwrap_or("Handläggare"),
                m.body
            ),
            _ => format!("{when} – {}", system::text_sv(&m.body)),
        };
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

impl Services {
    pub fn chat_hub(&self) -> &Arc<ChatHub> {
        self.hub()
    }

    /// Subscribes to a chat topic (see [`crate::chat_hub`]).
    pub async fn chat_subscribe(
        &self,
        ch: Channel,
    ) -> Result<tokio::sync::broadcast::Receiver<ChatEvent>> {
        Ok(self.hub().subscribe(self.store(), ch).await?)
    }

    /// Commits a chat change and tells every socket about it: on PostgreSQL the notifications
    /// are sent in the transaction (delivered on commit); on SQLite they are published in
    /// process once the commit has succeeded.
    async fn commit_announcing(&self, mut tx: Tx, notes: &[Note]) -> Result<()> {
        for n in notes {
            store::chat::notify(&mut tx, &n.payload()).await?;
        }
        tx.commit().await?;
        self.hub().announce(self.store(), notes).await;
        Ok(())
    }

    /// The chat's hours on working days: the `chat.hours` settings row, else 08–17.
    pub async fn chat_hours(&self) -> Result<ChatHours> {
        Ok(
            match store::settings::get(self.store(), HOURS_SETTING).await? {
                Some(s) => ChatHours::parse(&s).unwrap_or_else(|e| {
                    tracing::warn!(setting = HOURS_SETTING, value = %s, error = %e, "ignoring chat hours");
                    ChatHours::default()
                }),
                None => ChatHours::default(),
            },
        )
    }

    pub async fn chat_open_now(&self) -> Result<bool> {
        Ok(self.chat_hours().await?.is_open(self.now(), self.tz()))
    }

    fn presence_since(&self) -> i64 {
        self.now_micros() - rules::PRESENCE_TTL_SECS * 1_000_000
    }

    /// Agents online now, with their load.
    pub async fn chat_agents_online(&self) -> Result<Vec<AgentRow>> {
        Ok(store::chat::agents_online(self.store(), self.presence_since()).await?)
    }

    /// A customer starts a chat with their first message.
    pub async fn start_chat(&self, actor: &Actor, topic: Topic, body: &str) -> Result<Started> {
        let customer = customer_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        if let Some(open) = store::chat::open_of(self.store(), customer).await? {
            return Ok(Started::Queued { chat_id: open.id });
        }
        let open = self.chat_open_now().await?;
        let agents = self.chat_agents_online().await?.len();
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        if let Some(open) = store::chat::open_of_tx(&mut tx, customer).await? {
            return Ok(Started::Queued { chat_id: open.id });
        }
        match rules::intake(open, agents) {
            Intake::Queue => {
                let id =
                    store::chat::insert(&mut tx, customer, topic.as_str(), "queued", now).await?;
                let m = store::chat::insert_message(
                    &mut tx,
                    id,
                    "customer",
                    actor.user_id.map(domain::ids::UserId::get),
                    &body,
                    now,
                )
                .await?;
                let notes = [
                    Note::Message {
                        chat: id,
                        message: m,
                    },
                    Note::Queue,
                ];
                self.commit_announcing(tx, &notes).await?;
                Ok(Started::Queued { chat_id: id })
            }
            why => {
                // Inserted as queued and closed into the case in the same transaction: nobody
                // ever sees it waiting.
                let id =
                    store::chat::insert(&mut tx, customer, topic.as_str(), "queued", now).await?;
                store::chat::insert_message(
                    &mut tx,
                    id,
                    "customer",
                    actor.user_id.map(domain::ids::UserId::get),
                    &body,
                    now,
                )
                .await?;
                let category = Category::parse(topic.case_category()).unwrap_or(Category::Other);
                let case_id = self
                    .open_case_in(
                        &mut tx,
                        actor,
                        &NewCase {
                            customer_id: customer,
                            category,
                            source: CaseSource::Chat,
                            subject: chat_subject(topic),
                            body: body.clone(),
                            link: None,
                        },
                    )
                    .await?;
                let key = if why == Intake::CaseClosed {
                    system::CASE_CLOSED_HOURS
                } else {
                    system::CASE_NO_AGENT
                };
                store::chat::insert_message(
                    &mut tx,
                    id,
                    "system",
                    None,
                    &format!("{key}|{case_id}"),
                    now,
                )
                .await?;
                store::chat::close(&mut tx, id, Some(case_id), now).await?;
                tx.commit().await?;
                Ok(Started::Case {
                    chat_id: id,
                    case_id,
                    why,
                })
            }
        }
    }

    /// Where a queued chat stands: its place in line and the estimated wait.
    pub async fn chat_estimate(&self, chat_id: i64) -> Result<QueueEstimate> {
        let position = store::chat::position(self.store(), chat_id).await?;
        let agents = self.chat_agents_online().await?;
        let loads: Vec<AgentLoad> = agents
            .iter()
            .map(|a| AgentLoad {
                max_chats: u32::try_from(a.max_chats).unwrap_or(0),
                active: u32::try_from(a.active).unwrap_or(0),
            })
            .collect();
        let handling = rules::mean_handling_secs(
            &store::chat::recent_handling_secs(self.store(), rules::HANDLING_SAMPLE).await?,
        );
        Ok(rules::estimate(
            u32::try_from(position).unwrap_or(u32::MAX),
            &loads,
            handling,
        ))
    }

    /// The customer's open chat, or else their latest one; `None` when they never chatted.
    pub async fn customer_chat(&self, actor: &Actor) -> Result<Option<CustomerChat>> {
        let customer = customer_of(actor)?;
        let chat = match store::chat::open_of(self.store(), customer).await? {
            Some(c) => c,
            None => match store::chat::last_of(self.store(), customer).await? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        self.customer_view(chat).await.map(Some)
    }

    /// The customer's open chat only.
    pub async fn customer_open_chat(&self, actor: &Actor) -> Result<Option<CustomerChat>> {
        let customer = customer_of(actor)?;
        match store::chat::open_of(self.store(), customer).await? {
            Some(c) => self.customer_view(c).await.map(Some),
            None => Ok(None),
        }
    }

    async fn customer_view(&self, chat: ChatRow) -> Result<CustomerChat> {
        let messages = store::chat::messages(self.store(), chat.id).await?;
        let estimate = if chat.status == "queued" {
            Some(self.chat_estimate(chat.id).await?)
        } else {
            None
        };
        let agent_name = match chat.agent_user_id {
            Some(u) if chat.status == "active" => {
                store::users::by_id(self.store(), domain::ids::UserId::new(u))
                    .await?
                    .map(|u| u.display_name)
            }
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
    pub async fn customer_send(&self, actor: &Actor, body: &str) -> Result<i64> {
        let customer = customer_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        let mut tx = self.store().begin().await?;
        let chat = store::chat::open_of_tx(&mut tx, customer)
            .await?
            .ok_or_else(|| ServiceError::conflict("chatten är avslutad"))?;
        let m = store::chat::insert_message(
            &mut tx,
            chat.id,
            "customer",
            actor.user_id.map(domain::ids::UserId::get),
            &body,
            self.now_micros(),
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
    pub async fn customer_leave(&self, actor: &Actor) -> Result<()> {
        let customer = customer_of(actor)?;
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        let Some(chat) = store::chat::open_of_tx(&mut tx, customer).await? else {
            return Ok(());
        };
        let mut notes = vec![Note::Changed(chat.id)];
        if chat.status == "queued" {
            store::chat::close(&mut tx, chat.id, None, now).await?;
            notes.push(Note::Queue);
        } else {
            store::chat::mark_left(&mut tx, chat.id, now).await?;
            let m =
                store::chat::insert_message(&mut tx, chat.id, "system", None, system::LEFT, now)
                    .await?;
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

    /// An agent goes online or offline and sets their limit of concurrent chats.
    pub async fn set_chat_status(
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
                format!("ange ett tal från 1 till {}", rules::MAX_MAX_CHATS),
            ));
        }
        let mut tx = self.store().begin().await?;
        store::chat::set_presence(
            &mut tx,
            agent,
            online,
            max_chats.map(i64::from),
            self.now_micros(),
        )
        .await?;
        let notes = [Note::Queue];
        self.commit_announcing(tx, &notes).await?;
        Ok(())
    }

    /// The agent is still there (a console page, an open socket).
    pub async fn chat_heartbeat(&self, actor: &Actor) -> Result<()> {
        let agent = agent_of(actor)?;
        store::chat::touch(self.store(), agent, self.now_micros()).await?;
        Ok(())
    }

    pub async fn chat_console(&self, actor: &Actor) -> Result<Console> {
        let agent = agent_of(actor)?;
        let presence = store::chat::presence(self.store(), agent).await?;
        let agents = self.chat_agents_online().await?;
        Ok(Console {
            online: agents.iter().any(|a| a.user_id == agent),
            presence,
            queue: store::chat::queue(self.store(), 100).await?,
            queue_length: store::chat::queue_length(self.store()).await?,
            mine: store::chat::active_of(self.store(), agent).await?,
            agents,
        })
    }

    /// The agent takes the first chat in the queue, within their limit. Two agents never get
    /// the same chat: the take is a conditional update, retried when another agent won the row.
    pub async fn accept_next_chat(&self, actor: &Actor) -> Result<Option<i64>> {
        let agent = agent_of(actor)?;
        let now = self.now_micros();
        // Read before the transaction: a transaction holds a connection, and waiting for a
        // second one from the pool while holding it can exhaust the pool under load.
        let name = store::users::by_id(self.store(), domain::ids::UserId::new(agent))
            .await?
            .map(|u| u.display_name)
            .unwrap_or_else(|| actor.name.clone());
        let mut tx = self.store().begin().await?;
        let presence = store::chat::lock_presence(&mut tx, agent).await?;
        match presence {
            Some(p) if p.online => {
                let active = store::chat::count_active_tx(&mut tx, agent).await?;
                if active >= p.max_chats {
                    return Err(ServiceError::conflict(format!(
                        "du har redan {active} chattar (din gräns är {})",
                        p.max_chats
                    )));
                }
            }
            _ => {
                return Err(ServiceError::conflict("gå online innan du tar en chatt"));
            }
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
        let m = store::chat::insert_message(
            &mut tx,
            id,
            "system",
            None,
            &format!("{}|{name}", system::JOINED),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "chat_accepted",
                object_kind: "chat",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
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

    /// A chat as its agent sees it (an admin may read any chat).
    pub async fn agent_chat(
        &self,
        actor: &Actor,
        chat_id: i64,
    ) -> Result<(ChatLine, Vec<MessageRow>)> {
        let agent = agent_of(actor)?;
        let line = store::chat::line(self.store(), chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if line.agent_user_id != Some(agent) && actor.role != Some(Role::Admin) {
            return Err(ServiceError::NotFound);
        }
        let messages = store::chat::messages(self.store(), chat_id).await?;
        Ok((line, messages))
    }

    /// Locks the chat for its agent: it must be active and theirs.
    async fn own_active(&self, tx: &mut Tx, agent: i64, chat_id: i64) -> Result<ChatRow> {
        let chat = store::chat::get_tx(tx, chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if chat.agent_user_id != Some(agent) {
            return Err(ServiceError::NotFound);
        }
        if chat.status != "active" {
            return Err(ServiceError::conflict("chatten är avslutad"));
        }
        Ok(chat)
    }

    /// The agent writes in one of their chats.
    pub async fn agent_send(&self, actor: &Actor, chat_id: i64, body: &str) -> Result<i64> {
        let agent = agent_of(actor)?;
        let body = rules::clean_message(body).map_err(invalid_message)?;
        let mut tx = self.store().begin().await?;
        self.own_active(&mut tx, agent, chat_id).await?;
        let m = store::chat::insert_message(
            &mut tx,
            chat_id,
            "agent",
            Some(agent),
            &body,
            self.now_micros(),
        )
        .await?;
        let notes = [Note::Message {
            chat: chat_id,
            message: m,
        }];
        self.commit_announcing(tx, &notes).await?;
        Ok(m)
    }

    /// Hands an active chat to another agent who is online and under their limit.
    pub async fn transfer_chat(&self, actor: &Actor, chat_id: i64, to: i64) -> Result<()> {
        let agent = agent_of(actor)?;
        if to == agent {
            return Err(ServiceError::invalid("to", "välj en annan handläggare"));
        }
        let target = store::users::by_id(self.store(), domain::ids::UserId::new(to))
            .await?
            .ok_or_else(|| ServiceError::invalid("to", "handläggaren finns inte"))?;
        if !matches!(target.role.as_str(), "agent" | "admin") || target.disabled {
            return Err(ServiceError::invalid("to", "handläggaren tar inte chattar"));
        }
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        self.own_active(&mut tx, agent, chat_id).await?;
        match store::chat::lock_presence(&mut tx, to).await? {
            Some(p) if p.online && p.last_seen >= self.presence_since() => {
                if store::chat::count_active_tx(&mut tx, to).await? >= p.max_chats {
                    return Err(ServiceError::invalid(
                        "to",
                        format!(
                            "{} har redan så många chattar som gränsen tillåter",
                            target.display_name
                        ),
                    ));
                }
            }
            _ => {
                return Err(ServiceError::invalid(
                    "to",
                    format!("{} är inte online", target.display_name),
                ));
            }
        }
        if !store::chat::reassign(&mut tx, chat_id, agent, to).await? {
            return Err(ServiceError::conflict("chatten har redan lämnats över"));
        }
        let m = store::chat::insert_message(
            &mut tx,
            chat_id,
            "system",
            None,
            &format!("{}|{}", system::TRANSFERRED, target.display_name),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "chat_transferred",
                object_kind: "chat",
                object_id: &chat_id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("to user {to}"),
            },
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
        Ok(())
    }

    /// The agent closes their chat into a case of the category they choose; the transcript
    /// becomes the case's chat-transcript entry and the chat points at the case, all in one
    /// transaction.
    pub async fn close_chat(&self, actor: &Actor, chat_id: i64, category: &str) -> Result<i64> {
        let agent = agent_of(actor)?;
        let category = Category::parse(category)
            .ok_or_else(|| ServiceError::invalid("category", "välj en kategori"))?;
        let now = self.now_micros();
        let customer_id = store::chat::get(self.store(), chat_id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .customer_id;
        let customer =
            store::customers::get(self.store(), domain::ids::CustomerId::new(customer_id))
                .await?
                .ok_or(ServiceError::NotFound)?;
        let mut tx = self.store().begin().await?;
        let chat = self.own_active(&mut tx, agent, chat_id).await?;
        let messages = store::chat::messages_tx(&mut tx, chat_id).await?;
        let topic = Topic::parse(&chat.topic).unwrap_or(Topic::Other);
        let first = messages
            .iter()
            .find(|m| m.sender == "customer")
            .map(|m| m.body.clone())
            .unwrap_or_else(|| chat_subject(topic));
        let case_id = self
            .open_case_in(
                &mut tx,
                actor,
                &NewCase {
                    customer_id: chat.customer_id,
                    category,
                    source: CaseSource::Chat,
                    subject: chat_subject(topic),
                    body: first,
                    link: None,
                },
            )
            .await?;
        // The transcript is written by the chat itself, so it lands whichever team the
        // category routes the case to.
        let writer = Actor {
            user_id: None,
            name: "Chatt".into(),
            role: None,
            customer_id: None,
            address: actor.address.clone(),
        };
        for part in transcript(&messages, &customer.name, self.tz()) {
            self.add_case_entry_in(&mut tx, &writer, case_id, EntryKind::ChatTranscript, &part)
                .await?;
        }
        let m = store::chat::insert_message(
            &mut tx,
            chat_id,
            "system",
            None,
            &format!("{}|{case_id}", system::CLOSED),
            now,
        )
        .await?;
        if !store::chat::close(&mut tx, chat_id, Some(case_id), now).await? {
            return Err(ServiceError::conflict("chatten är redan avslutad"));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "chat_closed",
                object_kind: "chat",
                object_id: &chat_id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("case {case_id}"),
            },
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

    /// Who a chat belongs to, for a socket deciding what it may carry.
    pub async fn chat_row(&self, chat_id: i64) -> Result<Option<ChatRow>> {
        Ok(store::chat::get(self.store(), chat_id).await?)
    }
}

/// TRANSITIONAL (issue 13): the Swedish subject of a case opened from a chat; replaced by the
/// topic itself, named in the reader's language, before the change lands.
fn chat_subject(topic: Topic) -> String {
    let label = match topic {
        Topic::Invoice => "Faktura",
        Topic::Extension => "Anstånd eller delbetalning",
        Topic::MeterVisit => "Mätarbyte",
        Topic::Outage => "Avbrott",
        Topic::Broadband => "Bredband",
        Topic::Moving => "Flytt",
        Topic::Visit => "Besök i kundcentret",
        Topic::Other => "Annat",
    };
    format!("Chatt: {label}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(sender: &str, body: &str) -> MessageRow {
        MessageRow {
            id: 1,
            chat_id: 1,
            sender: sender.into(),
            user_id: None,
            user_name: Some("Anna Agent".into()),
            body: body.into(),
            created_at: 1_795_000_000_000_000,
        }
    }

    #[test]
    fn transcript_names_speakers_and_splits_long_chats() {
        let tz = domain::time::stockholm();
        let t = transcript(
            &[
                msg("customer", "Hej"),
                msg("system", "chat-sys-joined|Anna Agent"),
                msg("agent", "Hej hej"),
            ],
            "Karin Kund",
            &tz,
        );
        assert_eq!(t.len(), 1);
        assert!(t[0].contains("Karin Kund: Hej\n"), "{}", t[0]);
        assert!(t[0].contains("Anna Agent har anslutit till chatten."));
        assert!(t[0].ends_with("Anna Agent: Hej hej"));
        let long: Vec<MessageRow> = (0..20)
            .map(|_| msg("customer", &"x".repeat(1500)))
            .collect();
        let parts = transcript(&long, "K", &tz);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= TRANSCRIPT_CHUNK));
        assert_eq!(
            parts.iter().map(|p| p.matches('x').count()).sum::<usize>(),
            30_000
        );
    }
}

//! Fan-out of chat events to open sockets: one `tokio::sync::broadcast` channel per topic (a
//! chat, or the agents' console), inside this process.
//!
//! With PostgreSQL several app instances share the database, so an event is announced with
//! `pg_notify` in the transaction that made it and every instance's listener task (started on
//! the first subscription) loads what it names and publishes it locally — the instance that
//! wrote it included, so there is one path. SQLite serves one instance: events are published
//! locally after the commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use domain::ids::{ChatId, ChatMessageId};
use store::Store;
use store::chat::{Heard, Listener, MessageRow};
use tokio::sync::broadcast;

/// Events buffered per subscriber before it counts as lagging (it is then told to reload).
const CAPACITY: usize = 256;

/// What a socket subscribes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// One chat: its messages and changes.
    Chat(ChatId),
    /// The queue and the agents: anything that moves positions or the consoles' lists.
    Console,
}

#[derive(Clone, Debug)]
pub enum ChatEvent {
    Message(Arc<MessageRow>),
    /// The chat's status or agent changed.
    Changed(ChatId),
    /// The queue or the agents online changed.
    Queue,
    /// Events may have been lost (a lagging subscriber, a lost listener connection): reload.
    Resync,
}

/// A change to announce once its transaction has committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    Message {
        chat: ChatId,
        message: ChatMessageId,
    },
    Changed(ChatId),
    Queue,
}

impl Note {
    pub fn payload(self) -> String {
        match self {
            Note::Message { chat, message } => format!("m:{chat}:{message}"),
            Note::Changed(chat) => format!("c:{chat}"),
            Note::Queue => "q".to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Note> {
        let mut parts = s.split(':');
        match (parts.next()?, parts.next(), parts.next()) {
            ("m", Some(c), Some(m)) => Some(Note::Message {
                chat: c.parse().ok()?,
                message: m.parse().ok()?,
            }),
            ("c", Some(c), None) => Some(Note::Changed(c.parse().ok()?)),
            ("q", None, None) => Some(Note::Queue),
            _ => None,
        }
    }
}

/// The sockets' subscriptions of this process, by topic.
#[derive(Default)]
pub struct ChatHub {
    topics: Mutex<HashMap<Channel, broadcast::Sender<ChatEvent>>>,
    listening: tokio::sync::OnceCell<()>,
}

impl ChatHub {
    fn sender(&self, ch: Channel) -> broadcast::Sender<ChatEvent> {
        let mut t = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        t.entry(ch)
            .or_insert_with(|| broadcast::channel(CAPACITY).0)
            .clone()
    }

    /// Sends to the subscribers of `ch` in this process; a topic nobody listens to is dropped.
    pub fn publish(&self, ch: Channel, ev: ChatEvent) {
        let mut t = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = t.get(&ch) {
            if s.receiver_count() == 0 {
                t.remove(&ch);
            } else {
                let _ = s.send(ev);
            }
        }
    }

    fn publish_all(&self, ev: ChatEvent) {
        let t = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        for s in t.values() {
            let _ = s.send(ev.clone());
        }
    }

    /// Subscribers in this process (for tests and metrics).
    pub fn subscribers(&self, ch: Channel) -> usize {
        let t = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        t.get(&ch).map_or(0, broadcast::Sender::receiver_count)
    }

    /// Subscribes to a topic; on PostgreSQL the first subscription starts this instance's
    /// listener (and waits until it listens, so nothing committed afterwards is missed).
    pub async fn subscribe(
        self: &Arc<Self>,
        store: &Store,
        ch: Channel,
    ) -> store::Result<broadcast::Receiver<ChatEvent>> {
        if store::chat::notifies(store) {
            self.listening
                .get_or_try_init(|| async {
                    let listener =
                        Listener::open(store)
                            .await?
                            .ok_or_else(|| store::StoreError::Corrupt {
                                table: "-",
                                column: "-",
                                message: "no listener on a backend that notifies".into(),
                            })?;
                    tokio::spawn(listen(Arc::downgrade(self), store.clone(), listener));
                    Ok::<(), store::StoreError>(())
                })
                .await?;
        }
        Ok(self.sender(ch).subscribe())
    }

    /// Delivers what a committed transaction announced: on PostgreSQL the listener does it
    /// (for every instance alike), on SQLite it is done here.
    pub async fn announce(&self, store: &Store, notes: &[Note]) {
        if store::chat::notifies(store) {
            return;
        }
        for n in notes {
            self.deliver(store, *n).await;
        }
    }

    async fn deliver(&self, store: &Store, n: Note) {
        match n {
            Note::Message { chat, message } => {
                if self.subscribers(Channel::Chat(chat)) == 0 {
                    return;
                }
                match store::chat::message(store, message).await {
                    Ok(Some(m)) => {
                        self.publish(Channel::Chat(chat), ChatEvent::Message(Arc::new(m)))
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, chat = chat.get(), "loading a chat message for fan-out failed");
                        self.publish(Channel::Chat(chat), ChatEvent::Resync);
                    }
                }
            }
            Note::Changed(chat) => self.publish(Channel::Chat(chat), ChatEvent::Changed(chat)),
            Note::Queue => self.publish(Channel::Console, ChatEvent::Queue),
        }
    }
}

/// The listener task of one instance: runs while the hub exists and the store is open (its
/// connection would otherwise keep `Store::close` waiting).
async fn listen(hub: Weak<ChatHub>, store: Store, mut listener: Listener) {
    loop {
        let heard = tokio::time::timeout(Duration::from_secs(1), listener.recv()).await;
        if store.is_closed() {
            return;
        }
        let Some(hub) = hub.upgrade() else {
            return;
        };
        match heard {
            Err(_) => {}
            Ok(Ok(Heard::Payload(p))) => match Note::parse(&p) {
                Some(n) => hub.deliver(&store, n).await,
                None => tracing::warn!(payload = %p, "unknown chat notification"),
            },
            Ok(Ok(Heard::Reconnected)) => hub.publish_all(ChatEvent::Resync),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "chat listener failed; retrying");
                hub.publish_all(ChatEvent::Resync);
                drop(hub);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_round_trip() {
        for n in [
            Note::Message {
                chat: ChatId::new(3),
                message: ChatMessageId::new(99),
            },
            Note::Changed(ChatId::new(7)),
            Note::Queue,
        ] {
            assert_eq!(Note::parse(&n.payload()), Some(n));
        }
        assert_eq!(Note::parse("m:1"), None);
        assert_eq!(Note::parse("x"), None);
        assert_eq!(Note::parse("c:a"), None);
    }
}

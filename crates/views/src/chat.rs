//! Views of the chat: the customer's chat page in the portal, the agents' console and an
//! agent's chat. The live updates come from `/static/chat.js`; every page works without it.

use askama::Template;
use domain::chat::SystemNote;

use crate::pages::FieldError;
use crate::{Lang, Layout};

/// Who said a line of a chat.
#[derive(Clone, Copy, Debug)]
pub enum Speaker<'a> {
    Customer {
        name: &'a str,
        text: &'a str,
    },
    /// An agent, by their display name when the account still has one.
    Agent {
        name: Option<&'a str>,
        text: &'a str,
    },
    /// The chat itself.
    Chat(&'a SystemNote),
}

/// A note of the chat itself, in `lang`.
pub fn note_text(lang: Lang, note: &SystemNote) -> String {
    crate::explain(lang, note)
}

/// An agent's name as a reader sees it: their display name, or "agent" in `lang`.
pub fn agent_name(lang: Lang, name: Option<&str>) -> String {
    name.map_or_else(|| crate::translate(lang, "chat-agent", &[]), str::to_owned)
}

/// One line of the transcript kept on a case: `2026-11-27 10:15 Karin Kund: Hej`, or
/// `2026-11-27 10:16 – Anna har anslutit till chatten.` for a note of the chat.
pub fn transcript_line(lang: Lang, when: &str, speaker: &Speaker<'_>) -> String {
    match speaker {
        Speaker::Customer { name, text } => format!("{when} {name}: {text}"),
        Speaker::Agent { name, text } => format!("{when} {}: {text}", agent_name(lang, *name)),
        Speaker::Chat(note) => format!("{when} – {}", note_text(lang, note)),
    }
}

/// One line of a transcript as shown (system lines already in the reader's language).
#[derive(Clone, Debug)]
pub struct ChatMessageView {
    pub id: domain::ids::ChatMessageId,
    pub chat: domain::ids::ChatId,
    /// `customer`, `agent` or `system` (the CSS class of the line).
    pub sender: &'static str,
    pub who: String,
    pub body: String,
    /// `HH:MM` Stockholm.
    pub at: String,
    /// Written by the reader.
    pub mine: bool,
}

/// A value and its label for a select.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A self-service page offered instead of a chat.
#[derive(Clone, Debug)]
pub struct SelfServiceLink {
    pub href: &'static str,
    pub title_key: &'static str,
    pub text_key: &'static str,
}

impl SelfServiceLink {
    pub fn new(s: domain::chat::SelfService) -> SelfServiceLink {
        SelfServiceLink {
            href: s.path(),
            title_key: s.message_key(),
            text_key: s.text_key(),
        }
    }
}

/// The offer shown before a chat on a topic with self-service is queued.
#[derive(Clone, Debug)]
pub struct DeflectOffer {
    pub link: SelfServiceLink,
    pub topic: domain::chat::Topic,
    pub body: String,
}

#[derive(Template)]
#[template(path = "portal_chat.html")]
pub struct PortalChatPage {
    pub layout: Layout,
    /// The transcript of the open chat; `None` shows the start form.
    pub open: Option<OpenChat>,
    pub deflect: Vec<SelfServiceLink>,
    pub offer: Option<DeflectOffer>,
    pub topics: Vec<Choice>,
    pub draft: String,
    pub errors: Vec<FieldError>,
    /// What became of the latest chat (a case), if it ended.
    pub notice: Option<String>,
    pub notice_case: Option<domain::ids::CaseId>,
    /// The chat is outside its hours now: the first message will become a case.
    pub closed_now: bool,
    pub hours: String,
}

#[derive(Clone, Debug)]
pub struct OpenChat {
    pub status_text: String,
    pub messages: Vec<ChatMessageView>,
    pub left: bool,
}

/// A chat in the console's lists.
#[derive(Clone, Debug)]
pub struct ChatLineView {
    pub id: domain::ids::ChatId,
    pub customer: String,
    pub topic: String,
    /// Waiting (queue) or open (mine) for this many minutes.
    pub minutes: i64,
    pub left: bool,
}

#[derive(Clone, Debug)]
pub struct AgentLine {
    pub name: String,
    pub active: i64,
    pub max_chats: i64,
}

#[derive(Template)]
#[template(path = "chat_console.html")]
pub struct ChatConsolePage {
    pub layout: Layout,
    pub online: bool,
    pub max_chats: i64,
    pub queue: Vec<ChatLineView>,
    pub queue_length: i64,
    pub mine: Vec<ChatLineView>,
    pub agents: Vec<AgentLine>,
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
    pub open_now: bool,
}

#[derive(Template)]
#[template(path = "chat_agent.html")]
pub struct AgentChatPage {
    pub layout: Layout,
    pub id: domain::ids::ChatId,
    pub customer: String,
    pub customer_id: domain::ids::CustomerId,
    pub topic: String,
    pub status: String,
    pub mine: bool,
    pub messages: Vec<ChatMessageView>,
    pub transfer_to: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub draft: String,
    pub errors: Vec<FieldError>,
    pub left: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::code::Code;

    fn named<T: Code>() {
        for &v in T::all() {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(crate::label(lang, v), v.message_key(), "{lang:?}");
            }
        }
    }

    #[test]
    fn chat_sets_have_names_and_self_service_a_text() {
        named::<domain::chat::ChatStatus>();
        named::<domain::chat::Sender>();
        named::<domain::chat::SelfService>();
        for &s in domain::chat::SelfService::ALL {
            let link = SelfServiceLink::new(s);
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(crate::translate(lang, link.text_key, &[]), link.text_key);
            }
        }
    }

    #[test]
    fn every_note_of_the_chat_reads_in_both_languages() {
        for note in SystemNote::examples() {
            for lang in [Lang::Sv, Lang::En] {
                let text = note_text(lang, &note);
                assert!(!text.starts_with("chat-sys"), "{note:?}: {text}");
                assert!(!text.contains('$'), "{text}");
            }
        }
        let closed = SystemNote::Closed {
            case: domain::ids::CaseId::new(12),
        };
        assert_eq!(
            note_text(Lang::En, &closed),
            "The chat has ended and is saved as case 12."
        );
    }

    #[test]
    fn transcript_lines_name_the_speaker() {
        let when = "2026-11-27 10:15";
        let line = |lang, s: &Speaker<'_>| transcript_line(lang, when, s);
        assert_eq!(
            line(
                Lang::Sv,
                &Speaker::Customer {
                    name: "Karin",
                    text: "Hej"
                }
            ),
            "2026-11-27 10:15 Karin: Hej"
        );
        assert_eq!(
            line(
                Lang::En,
                &Speaker::Agent {
                    name: None,
                    text: "Hi"
                }
            ),
            "2026-11-27 10:15 Agent: Hi"
        );
        assert_eq!(
            line(Lang::Sv, &Speaker::Chat(&SystemNote::Left)),
            "2026-11-27 10:15 – Kunden har lämnat chatten."
        );
    }
}

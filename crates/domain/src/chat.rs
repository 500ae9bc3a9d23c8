//! Chat with customer service: opening hours, the customer's place in the queue and the wait
//! shown to them, message rules, and the self-service a crisis portal policy offers instead.
//!
//! Pure rules; the service feeds in the queue, the agents online and their load. Instants are
//! microseconds since the epoch; civil time is Europe/Stockholm.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

use crate::calendar;
use crate::cases::Category;
use crate::ids::CaseId;

/// Longest message, in characters (a chat line, not a letter).
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Handling time assumed while no chat has been closed recently.
pub const DEFAULT_HANDLING_SECS: i64 = 6 * 60;
/// Chats whose handling time goes into the mean.
pub const HANDLING_SAMPLE: i64 = 50;
/// An agent not seen (page, action or open socket) for this long counts as offline.
pub const PRESENCE_TTL_SECS: i64 = 5 * 60;
/// The per-agent limit when none is set.
pub const DEFAULT_MAX_CHATS: u32 = 3;
/// The largest per-agent limit a console accepts.
pub const MAX_MAX_CHATS: u32 = 1000;

crate::closed_set! {
    /// What a customer wants to chat about; it becomes the case category when the chat is
    /// closed or turned into a case (`Visit` is filed as `other`).
    pub enum Topic in "chat-topic" {
        Invoice = "invoice",
        Extension = "extension",
        MeterVisit = "meter_visit",
        Outage = "outage",
        Broadband = "broadband",
        Moving = "moving",
        Visit = "visit",
        Other = "other",
    }
}

impl Topic {
    /// The case category a chat on this topic is filed under.
    pub fn case_category(self) -> Category {
        match self {
            Topic::Invoice => Category::Invoice,
            Topic::Extension => Category::Extension,
            Topic::MeterVisit => Category::MeterVisit,
            Topic::Outage => Category::Outage,
            Topic::Broadband => Category::Broadband,
            Topic::Moving => Category::Moving,
            Topic::Visit | Topic::Other => Category::Other,
        }
    }

    /// The self-service that answers this topic, offered before the chat is queued when the
    /// portal policy in force asks for it.
    pub fn self_service(self) -> Option<SelfService> {
        match self {
            Topic::Extension | Topic::Invoice => Some(SelfService::Extension),
            Topic::Visit => Some(SelfService::VisitBooking),
            Topic::MeterVisit => Some(SelfService::NoHomeVisits),
            _ => None,
        }
    }
}

crate::closed_set! {
    /// Where a chat stands: waiting in the queue, with an agent, or over.
    pub enum ChatStatus in "chat-status" {
        Queued = "queued",
        Active = "active",
        Closed = "closed",
    }
}

crate::closed_set! {
    /// Who wrote a chat message.
    pub enum Sender in "chat-sender" {
        Customer = "customer",
        Agent = "agent",
        System = "system",
    }
}

crate::closed_set! {
    /// A portal page a customer can use instead of waiting for an agent. Its name is the
    /// message `chat-self-<code>`, its description `chat-self-<code>-text`.
    pub enum SelfService in "chat-self" {
        /// Ask for more time to pay (`/mina-sidor/anstand`).
        Extension = "extension",
        /// Book a visit to the customer centre (`/mina-sidor/besok`).
        VisitBooking = "visit",
        /// Ask that nobody visits the home during the meter exchange (`/mina-sidor/hembesok`).
        NoHomeVisits = "homevisit",
    }
}

impl SelfService {
    pub fn path(self) -> &'static str {
        match self {
            SelfService::Extension => "/mina-sidor/anstand",
            SelfService::VisitBooking => "/mina-sidor/besok",
            SelfService::NoHomeVisits => "/mina-sidor/hembesok",
        }
    }

    /// The Fluent message describing the page (`chat-self-<code>-text`).
    pub fn text_key(self) -> &'static str {
        match self {
            SelfService::Extension => "chat-self-extension-text",
            SelfService::VisitBooking => "chat-self-visit-text",
            SelfService::NoHomeVisits => "chat-self-homevisit-text",
        }
    }
}

/// What the chat itself says in a transcript (someone joined, the chat became a case). Stored
/// as `<message key>|<argument>` (`chat-sys-joined|Anna`), so every reader reads it in their own
/// language; named by [`crate::problem::Explain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemNote {
    /// An agent took the chat.
    Joined { agent: String },
    /// The chat was handed to another agent.
    Transferred { to: String },
    /// The customer left.
    Left,
    /// The agent closed the chat into a case.
    Closed { case: CaseId },
    /// The chat was outside its hours: the message became a case.
    CaseOutsideHours { case: CaseId },
    /// Nobody was online: the message became a case.
    CaseNoAgent { case: CaseId },
}

/// A stored system note that is not one of [`SystemNote`]'s.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown chat system note {0:?}")]
pub struct UnknownNote(pub String);

const JOINED: &str = "chat-sys-joined";
const TRANSFERRED: &str = "chat-sys-transferred";
const LEFT: &str = "chat-sys-left";
const CLOSED: &str = "chat-sys-closed";
const CASE_HOURS: &str = "chat-sys-case-hours";
const CASE_NO_AGENT: &str = "chat-sys-case-no-agent";

impl SystemNote {
    /// The stored form.
    pub fn encode(&self) -> String {
        match self {
            SystemNote::Joined { agent } => format!("{JOINED}|{agent}"),
            SystemNote::Transferred { to } => format!("{TRANSFERRED}|{to}"),
            SystemNote::Left => LEFT.to_owned(),
            SystemNote::Closed { case } => format!("{CLOSED}|{case}"),
            SystemNote::CaseOutsideHours { case } => format!("{CASE_HOURS}|{case}"),
            SystemNote::CaseNoAgent { case } => format!("{CASE_NO_AGENT}|{case}"),
        }
    }

    /// Reads the stored form written by [`SystemNote::encode`].
    pub fn decode(stored: &str) -> Result<SystemNote, UnknownNote> {
        let (key, arg) = stored.split_once('|').unwrap_or((stored, ""));
        let case = || {
            arg.parse::<i64>()
                .map(CaseId::new)
                .map_err(|_| UnknownNote(stored.to_owned()))
        };
        Ok(match key {
            JOINED => SystemNote::Joined {
                agent: arg.to_owned(),
            },
            TRANSFERRED => SystemNote::Transferred { to: arg.to_owned() },
            LEFT => SystemNote::Left,
            CLOSED => SystemNote::Closed { case: case()? },
            CASE_HOURS => SystemNote::CaseOutsideHours { case: case()? },
            CASE_NO_AGENT => SystemNote::CaseNoAgent { case: case()? },
            _ => return Err(UnknownNote(stored.to_owned())),
        })
    }

    /// The case the chat became, when the note says so.
    pub fn case(&self) -> Option<CaseId> {
        match self {
            SystemNote::Closed { case }
            | SystemNote::CaseOutsideHours { case }
            | SystemNote::CaseNoAgent { case } => Some(*case),
            _ => None,
        }
    }

    /// One note of every kind, for the message-file test.
    pub fn examples() -> Vec<SystemNote> {
        vec![
            SystemNote::Joined {
                agent: "Anna".into(),
            },
            SystemNote::Transferred { to: "Bo".into() },
            SystemNote::Left,
            SystemNote::Closed {
                case: CaseId::new(7),
            },
            SystemNote::CaseOutsideHours {
                case: CaseId::new(7),
            },
            SystemNote::CaseNoAgent {
                case: CaseId::new(7),
            },
        ]
    }
}

impl crate::problem::Explain for SystemNote {
    fn message_key(&self) -> &'static str {
        match self {
            SystemNote::Joined { .. } => JOINED,
            SystemNote::Transferred { .. } => TRANSFERRED,
            SystemNote::Left => LEFT,
            SystemNote::Closed { .. } => CLOSED,
            SystemNote::CaseOutsideHours { .. } => CASE_HOURS,
            SystemNote::CaseNoAgent { .. } => CASE_NO_AGENT,
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            SystemNote::Joined { agent: name } | SystemNote::Transferred { to: name } => {
                vec![("name", name.clone())]
            }
            SystemNote::Left => Vec::new(),
            SystemNote::Closed { case }
            | SystemNote::CaseOutsideHours { case }
            | SystemNote::CaseNoAgent { case } => vec![("id", case.to_string())],
        }
    }
}

/// Why the chat refused something: a message, an accept, a hand-over or a close.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {MAX_MESSAGE_CHARS} characters")]
    TooLong,
    /// The chat has ended (or was never open).
    #[error("the chat has ended")]
    Ended,
    /// The agent already has as many chats as their limit.
    #[error("the agent has {active} chats, their limit is {max}")]
    AtLimit { active: i64, max: i64 },
    /// The agent is offline and cannot take chats.
    #[error("the agent is offline")]
    Offline,
    /// A chat handed to its own agent.
    #[error("a chat is handed to another agent")]
    TransferToSelf,
    /// The agent to hand over to does not exist.
    #[error("no such agent")]
    NoSuchAgent,
    /// The account handed to does not take chats (not an agent, or disabled).
    #[error("{name} does not take chats")]
    NotAnAgent { name: String },
    /// The agent handed to is at their limit.
    #[error("{name} is at their limit")]
    AgentFull { name: String },
    /// The agent handed to is not online.
    #[error("{name} is not online")]
    AgentOffline { name: String },
    /// Someone else handed the chat over first.
    #[error("the chat has been handed over already")]
    AlreadyTransferred,
    /// The chat was closed already.
    #[error("the chat is closed already")]
    AlreadyClosed,
}

impl MessageError {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<MessageError> {
        vec![
            MessageError::Empty,
            MessageError::TooLong,
            MessageError::Ended,
            MessageError::AtLimit { active: 3, max: 3 },
            MessageError::Offline,
            MessageError::TransferToSelf,
            MessageError::NoSuchAgent,
            MessageError::NotAnAgent { name: "Bo".into() },
            MessageError::AgentFull { name: "Bo".into() },
            MessageError::AgentOffline { name: "Bo".into() },
            MessageError::AlreadyTransferred,
            MessageError::AlreadyClosed,
        ]
    }
}

impl crate::problem::Explain for MessageError {
    fn message_key(&self) -> &'static str {
        match self {
            MessageError::Empty => "chat-problem-empty",
            MessageError::TooLong => "chat-problem-too-long",
            MessageError::Ended => "chat-problem-ended",
            MessageError::AtLimit { .. } => "chat-problem-at-limit",
            MessageError::Offline => "chat-problem-offline",
            MessageError::TransferToSelf => "chat-problem-transfer-to-self",
            MessageError::NoSuchAgent => "chat-problem-no-such-agent",
            MessageError::NotAnAgent { .. } => "chat-problem-not-an-agent",
            MessageError::AgentFull { .. } => "chat-problem-agent-full",
            MessageError::AgentOffline { .. } => "chat-problem-agent-offline",
            MessageError::AlreadyTransferred => "chat-problem-already-transferred",
            MessageError::AlreadyClosed => "chat-problem-already-closed",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MessageError::TooLong => vec![("max", MAX_MESSAGE_CHARS.to_string())],
            MessageError::AtLimit { active, max } => {
                vec![("active", active.to_string()), ("max", max.to_string())]
            }
            MessageError::NotAnAgent { name }
            | MessageError::AgentFull { name }
            | MessageError::AgentOffline { name } => vec![("name", name.clone())],
            _ => Vec::new(),
        }
    }
}

/// A message as stored: trimmed, not empty, at most [`MAX_MESSAGE_CHARS`] characters; control
/// characters other than line breaks and tabs are removed.
pub fn clean_message(s: &str) -> Result<String, MessageError> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let cleaned = cleaned.trim().replace("\r\n", "\n");
    if cleaned.is_empty() {
        return Err(MessageError::Empty);
    }
    if cleaned.chars().count() > MAX_MESSAGE_CHARS {
        return Err(MessageError::TooLong);
    }
    Ok(cleaned)
}

/// The hours the chat is staffed on working days (Monday–Friday, not public holidays or
/// de facto days off). Written and stored as `08:00-17:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChatHours {
    pub opens: Time,
    pub closes: Time,
}

impl Default for ChatHours {
    /// 08–17.
    fn default() -> Self {
        ChatHours {
            opens: Time::constant(8, 0, 0, 0),
            closes: Time::constant(17, 0, 0, 0),
        }
    }
}

/// Why a setting of chat hours was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "chat hours must be written HH:MM-HH:MM with the opening before the closing, for example 08:00-17:00"
)]
pub struct HoursError;

impl ChatHours {
    /// Parses `08:00-17:00` (the form of the `chat.hours` settings row).
    pub fn parse(s: &str) -> Result<ChatHours, HoursError> {
        let (a, b) = s.trim().split_once('-').ok_or(HoursError)?;
        let t = |x: &str| -> Result<Time, HoursError> {
            let (h, m) = x.trim().split_once(':').ok_or(HoursError)?;
            let (h, m): (i8, i8) = (
                h.parse().map_err(|_| HoursError)?,
                m.parse().map_err(|_| HoursError)?,
            );
            Time::new(h, m, 0, 0).map_err(|_| HoursError)
        };
        let (opens, closes) = (t(a)?, t(b)?);
        if closes <= opens {
            return Err(HoursError);
        }
        Ok(ChatHours { opens, closes })
    }

    /// A time of day as a number that reads like the clock: 07:30 is 730.
    pub fn hhmm(t: Time) -> i64 {
        i64::from(t.hour()) * 100 + i64::from(t.minute())
    }

    /// Whether the chat is staffed at `at`.
    pub fn is_open(&self, at: Timestamp, tz: &TimeZone) -> bool {
        let dt = tz.to_datetime(at);
        // Working days are Monday to Friday without public holidays and de facto days off.
        calendar::is_working_day(dt.date()) && dt.time() >= self.opens && dt.time() < self.closes
    }
}

impl std::fmt::Display for ChatHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.opens.hour(),
            self.opens.minute(),
            self.closes.hour(),
            self.closes.minute()
        )
    }
}

impl TryFrom<String> for ChatHours {
    type Error = HoursError;

    fn try_from(s: String) -> Result<ChatHours, HoursError> {
        ChatHours::parse(&s)
    }
}

impl From<ChatHours> for String {
    fn from(h: ChatHours) -> String {
        h.to_string()
    }
}

/// One agent's load, as the estimate sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    pub max_chats: u32,
    pub active: u32,
}

/// What a waiting customer is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueEstimate {
    /// 1 for the first in line.
    pub position: u32,
    /// Minutes until an agent is expected to take the chat, rounded up; `None` when no agent is
    /// online (the customer is told the wait is unknown).
    pub wait_minutes: Option<u32>,
}

/// The mean handling time of recently closed chats (accepted → closed), in seconds; the
/// default when there are none. Negative or absurd durations (clock changes) are ignored.
pub fn mean_handling_secs(durations_secs: &[i64]) -> i64 {
    let good: Vec<i64> = durations_secs
        .iter()
        .copied()
        .filter(|d| (0..=8 * 3600).contains(d))
        .collect();
    if good.is_empty() {
        return DEFAULT_HANDLING_SECS;
    }
    (good.iter().sum::<i64>() / good.len() as i64).max(30)
}

/// The wait of the customer at `position` (1-based) given the agents online and the mean
/// handling time: the first `free` in line are taken as soon as an agent accepts; the rest wait
/// for chats to end, `capacity` of them per mean handling time.
pub fn estimate(position: u32, agents: &[AgentLoad], mean_handling_secs: i64) -> QueueEstimate {
    if agents.is_empty() {
        return QueueEstimate {
            position,
            wait_minutes: None,
        };
    }
    let free: u32 = agents
        .iter()
        .map(|a| a.max_chats.saturating_sub(a.active))
        .sum();
    let capacity: u32 = agents.iter().map(|a| a.max_chats).sum::<u32>().max(1);
    let wait_secs = if position <= free {
        0
    } else {
        let rounds = i64::from((position - free).div_ceil(capacity));
        rounds * mean_handling_secs.max(1)
    };
    QueueEstimate {
        position,
        wait_minutes: Some(
            u32::try_from((wait_secs + 59) / 60)
                .unwrap_or(u32::MAX)
                .max(1),
        ),
    }
}

/// Whether a new chat is queued or filed as a case at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intake {
    Queue,
    /// Outside opening hours.
    CaseClosed,
    /// Open, but no agent online.
    CaseNoAgent,
}

pub fn intake(open: bool, agents_online: usize) -> Intake {
    match (open, agents_online) {
        (false, _) => Intake::CaseClosed,
        (true, 0) => Intake::CaseNoAgent,
        (true, _) => Intake::Queue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::stockholm;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn hours_follow_working_days_in_stockholm() {
        let h = ChatHours::default();
        let tz = stockholm();
        // Monday 2026-11-23: 08:00 CET is 07:00 UTC.
        assert!(!h.is_open(at("2026-11-23T06:59:59Z"), &tz));
        assert!(h.is_open(at("2026-11-23T07:00:00Z"), &tz));
        assert!(h.is_open(at("2026-11-23T15:59:59Z"), &tz));
        assert!(!h.is_open(at("2026-11-23T16:00:00Z"), &tz));
        // Saturday.
        assert!(!h.is_open(at("2026-11-28T10:00:00Z"), &tz));
        // Christmas Eve (a de facto day off) and Christmas Day fall on weekdays in 2026.
        assert!(!h.is_open(at("2026-12-24T10:00:00Z"), &tz));
        assert!(!h.is_open(at("2026-12-25T10:00:00Z"), &tz));
        // Summer time: 08:00 CEST is 06:00 UTC.
        assert!(h.is_open(at("2026-06-02T06:00:00Z"), &tz));
        assert!(!h.is_open(at("2026-06-02T05:59:00Z"), &tz));
    }

    #[test]
    fn hours_parse_and_refuse() {
        assert_eq!(
            ChatHours::parse("07:30-20:00").unwrap(),
            ChatHours {
                opens: Time::constant(7, 30, 0, 0),
                closes: Time::constant(20, 0, 0, 0)
            }
        );
        let h = ChatHours::parse("07:30-20:00").unwrap();
        assert_eq!(h.to_string(), "07:30-20:00");
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"07:30-20:00\"");
        assert_eq!(
            serde_json::from_str::<ChatHours>("\"07:30-20:00\"").unwrap(),
            h
        );
        assert!(serde_json::from_str::<ChatHours>("\"20:00-07:30\"").is_err());
        assert_eq!(
            (ChatHours::hhmm(h.opens), ChatHours::hhmm(h.closes)),
            (730, 2000)
        );
        for bad in [
            "",
            "8-17",
            "17:00-08:00",
            "08:00-08:00",
            "25:00-26:00",
            "08:00",
        ] {
            assert!(ChatHours::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(clean_message("  hej \n").unwrap(), "hej");
        assert_eq!(clean_message("a\u{7}b").unwrap(), "ab");
        assert_eq!(clean_message("rad 1\nrad 2").unwrap(), "rad 1\nrad 2");
        assert_eq!(clean_message("   "), Err(MessageError::Empty));
        assert_eq!(clean_message("\u{0}"), Err(MessageError::Empty));
        let long = "å".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(
            clean_message(&long).unwrap().chars().count(),
            MAX_MESSAGE_CHARS
        );
        assert_eq!(
            clean_message(&format!("{long}x")),
            Err(MessageError::TooLong)
        );
    }

    #[test]
    fn estimate_uses_free_slots_then_capacity() {
        let two = [
            AgentLoad {
                max_chats: 3,
                active: 3,
            },
            AgentLoad {
                max_chats: 2,
                active: 1,
            },
        ];
        // One free slot: the first in line is taken at once (shown as about a minute).
        assert_eq!(estimate(1, &two, 600).wait_minutes, Some(1));
        // The second waits one round of 10 minutes (capacity 5 per round).
        assert_eq!(estimate(2, &two, 600).wait_minutes, Some(10));
        assert_eq!(estimate(6, &two, 600).wait_minutes, Some(10));
        assert_eq!(estimate(7, &two, 600).wait_minutes, Some(20));
        // Nobody online: unknown.
        assert_eq!(estimate(1, &[], 600).wait_minutes, None);
        // Position never changes the order of waits.
        let mut last = 0;
        for p in 1..40 {
            let w = estimate(p, &two, 300).wait_minutes.unwrap();
            assert!(w >= last);
            last = w;
        }
    }

    #[test]
    fn mean_handling_ignores_nonsense() {
        assert_eq!(mean_handling_secs(&[]), DEFAULT_HANDLING_SECS);
        assert_eq!(mean_handling_secs(&[120, 240, -5, 100_000]), 180);
        assert_eq!(mean_handling_secs(&[1, 2]), 30);
    }

    #[test]
    fn intake_rules() {
        assert_eq!(intake(true, 2), Intake::Queue);
        assert_eq!(intake(true, 0), Intake::CaseNoAgent);
        assert_eq!(intake(false, 2), Intake::CaseClosed);
    }

    #[test]
    fn topics_round_trip_and_map_to_case_categories() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Topic::parse("nope"), None);
        assert_eq!(Topic::Visit.case_category(), Category::Other);
        assert_eq!(Topic::MeterVisit.case_category(), Category::MeterVisit);
        for t in Topic::ALL {
            if *t != Topic::Visit {
                assert_eq!(t.case_category().as_str(), t.as_str());
            }
        }
        assert_eq!(
            Topic::Extension.self_service(),
            Some(SelfService::Extension)
        );
        assert_eq!(
            Topic::MeterVisit.self_service(),
            Some(SelfService::NoHomeVisits)
        );
        assert_eq!(SelfService::VisitBooking.message_key(), "chat-self-visit");
    }

    #[test]
    fn system_notes_round_trip_their_stored_form() {
        for n in SystemNote::examples() {
            assert_eq!(SystemNote::decode(&n.encode()), Ok(n.clone()));
        }
        // The stored form of notes written before the notes were typed.
        assert_eq!(
            SystemNote::decode("chat-sys-joined|Anna Agent"),
            Ok(SystemNote::Joined {
                agent: "Anna Agent".into()
            })
        );
        assert_eq!(SystemNote::decode("chat-sys-left"), Ok(SystemNote::Left));
        assert!(SystemNote::decode("chat-sys-closed|x").is_err());
        assert!(SystemNote::decode("hello").is_err());
    }
}

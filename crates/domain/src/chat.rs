//! Chat with customer service: opening hours, the customer's place in the queue and the wait
//! shown to them, message rules, and the self-service a crisis portal policy offers instead.
//!
//! Pure rules; the service feeds in the queue, the agents online and their load. Instants are
//! microseconds since the epoch; civil time is Europe/Stockholm.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

use crate::calendar;

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
    /// The case category (`domain::cases::Category::as_str`) a chat on this topic is filed under.
    pub fn case_category(self) -> &'static str {
        match self {
            Topic::Visit => "other",
            t => t.as_str(),
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

/// A portal page a customer can use instead of waiting for an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfService {
    /// Ask for more time to pay (`/mina-sidor/anstand`).
    Extension,
    /// Book a visit to the customer centre (`/mina-sidor/besok`).
    VisitBooking,
    /// Ask that nobody visits the home during the meter exchange (`/mina-sidor/hembesok`).
    NoHomeVisits,
}

impl SelfService {
    pub const ALL: [SelfService; 3] = [
        SelfService::Extension,
        SelfService::VisitBooking,
        SelfService::NoHomeVisits,
    ];

    pub fn path(self) -> &'static str {
        match self {
            SelfService::Extension => "/mina-sidor/anstand",
            SelfService::VisitBooking => "/mina-sidor/besok",
            SelfService::NoHomeVisits => "/mina-sidor/hembesok",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            SelfService::Extension => "extension",
            SelfService::VisitBooking => "visit",
            SelfService::NoHomeVisits => "homevisit",
        }
    }
}

/// Why a message was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {MAX_MESSAGE_CHARS} characters")]
    TooLong,
}

impl MessageError {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<MessageError> {
        vec![MessageError::Empty, MessageError::TooLong]
    }
}

impl crate::problem::Explain for MessageError {
    fn message_key(&self) -> &'static str {
        match self {
            MessageError::Empty => "chat-problem-empty",
            MessageError::TooLong => "chat-problem-too-long",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MessageError::Empty => Vec::new(),
            MessageError::TooLong => vec![("max", MAX_MESSAGE_CHARS.to_string())],
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
/// de facto days off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// Whether the chat is staffed at `at`.
    pub fn is_open(&self, at: Timestamp, tz: &TimeZone) -> bool {
        let dt = tz.to_datetime(at);
        // Working days are Monday to Friday without public holidays and de facto days off.
        calendar::is_working_day(dt.date()) && dt.time() >= self.opens && dt.time() < self.closes
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
        assert_eq!(Topic::Visit.case_category(), "other");
        assert_eq!(Topic::MeterVisit.case_category(), "meter_visit");
        assert_eq!(
            Topic::Extension.self_service(),
            Some(SelfService::Extension)
        );
        assert_eq!(
            Topic::MeterVisit.self_service(),
            Some(SelfService::NoHomeVisits)
        );
    }
}

//! Customer-service cases: the closed sets (category, source, status, entry kind) and the SLA
//! clock counted in business hours.
//!
//! Business hours are Monday–Friday 08:00–17:00 Europe/Stockholm on working days as
//! [`crate::calendar::is_working_day`] defines them (no public holidays, no midsommarafton,
//! julafton or nyårsafton). SLA due times are instants reached by adding business minutes to the
//! moment a case was opened; time outside business hours does not count.
//!
//! The at-risk rule: a target is **at risk** once less than a quarter of the business time between
//! its start and its due time remains (`4 × remaining < total`, measured in business
//! microseconds), and **breached** once the clock has passed the due time. Because only business
//! time counts, a case does not drift into "at risk" over a weekend. [`at_risk_from`] gives the
//! instant at which a target turns at risk, so lists can filter on a stored instant;
//! [`sla_state`] is defined by the same instant, so the two always agree.
//!
//! Pure: time and the zone are arguments.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::calendar;
use crate::ids::{ArrangementId, VisitId};

crate::closed_set! {
    /// What a case is about; decides the team it is routed to and its SLA targets.
    pub enum Category in "case-category" {
        Invoice = "invoice",
        Extension = "extension",
        MeterVisit = "meter_visit",
        Outage = "outage",
        Broadband = "broadband",
        Moving = "moving",
        Other = "other",
    }
}

crate::closed_set! {
    /// Where a case came from.
    pub enum CaseSource in "case-source" {
        Chat = "chat",
        Portal = "portal",
        Phone = "phone",
    }
}

crate::closed_set! {
    /// One entry in a case's history. Only [`EntryKind::InternalNote`] is hidden from the
    /// customer.
    pub enum EntryKind in "case-entry" {
        CustomerMessage = "customer_message",
        AgentReply = "agent_reply",
        InternalNote = "internal_note",
        ChatTranscript = "chat_transcript",
    }
}

crate::closed_set! {
    /// Where a case stands.
    pub enum CaseStatus in "case-status" {
        New = "new",
        Open = "open",
        WaitingOnCustomer = "waiting_on_customer",
        Resolved = "resolved",
        Closed = "closed",
    }
}

crate::closed_set! {
    /// The teams cases are routed to (`teams.key`); every installation has the same five.
    pub enum Team in "case-team" {
        Kundservice = "kundservice",
        Fakturering = "fakturering",
        Matarbyte = "matarbyte",
        Drift = "drift",
        Bredband = "bredband",
    }
}

crate::closed_set! {
    /// What kind of object a case is linked to.
    pub enum LinkKind in "case-link" {
        Arrangement = "arrangement",
        Visit = "visit",
    }
}

/// The object a case is about: an extension request (or instalment plan) or a visit to the
/// customer centre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseLink {
    Arrangement(ArrangementId),
    Visit(VisitId),
}

impl CaseLink {
    pub fn kind(self) -> LinkKind {
        match self {
            CaseLink::Arrangement(_) => LinkKind::Arrangement,
            CaseLink::Visit(_) => LinkKind::Visit,
        }
    }

    /// The linked row's id.
    pub fn id(self) -> i64 {
        match self {
            CaseLink::Arrangement(id) => id.get(),
            CaseLink::Visit(id) => id.get(),
        }
    }

    pub fn new(kind: LinkKind, id: i64) -> CaseLink {
        match kind {
            LinkKind::Arrangement => CaseLink::Arrangement(ArrangementId::new(id)),
            LinkKind::Visit => CaseLink::Visit(VisitId::new(id)),
        }
    }

    /// The link as a form value: `arrangement:12`.
    pub fn to_value(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }

    /// A form value written by [`CaseLink::to_value`]; `None` for anything else.
    pub fn parse_value(value: &str) -> Option<CaseLink> {
        let (kind, id) = value.trim().split_once(':')?;
        let id = id.parse::<i64>().ok().filter(|i| *i > 0)?;
        Some(CaseLink::new(LinkKind::parse(kind)?, id))
    }
}

crate::closed_set! {
    /// Where an SLA target stands now.
    pub enum SlaState in "case-sla" {
        OnTrack = "on_track",
        AtRisk = "at_risk",
        Breached = "breached",
    }
}

impl EntryKind {
    /// `true` for everything the customer sees in the portal (all but internal notes).
    pub fn visible_to_customer(self) -> bool {
        self != EntryKind::InternalNote
    }
}

impl CaseStatus {
    /// `true` while the case still needs work (the SLA clocks run).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::New | CaseStatus::Open | CaseStatus::WaitingOnCustomer
        )
    }
}

impl Category {
    /// The team a new case of this category goes to.
    pub fn team(self) -> Team {
        match self {
            Category::Invoice | Category::Extension => Team::Fakturering,
            Category::MeterVisit => Team::Matarbyte,
            Category::Outage => Team::Drift,
            Category::Broadband => Team::Bredband,
            Category::Moving | Category::Other => Team::Kundservice,
        }
    }
}

/// One business hour in minutes.
pub const HOUR: i64 = 60;
/// One business day (08:00–17:00) in minutes.
pub const BUSINESS_DAY: i64 = 9 * HOUR;

/// How long a case may wait for the first reply and for its resolution, in business minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaTargets {
    pub first_response_minutes: i64,
    pub resolve_minutes: i64,
}

/// The default targets: an outage gets a first reply within 1 business hour and is resolved
/// within 1 business day; everything else gets a first reply within 8 business hours and is
/// resolved within 3 business days (3 × 9 h).
pub fn default_targets(category: Category) -> SlaTargets {
    match category {
        Category::Outage => SlaTargets {
            first_response_minutes: HOUR,
            resolve_minutes: BUSINESS_DAY,
        },
        _ => SlaTargets {
            first_response_minutes: 8 * HOUR,
            resolve_minutes: 3 * BUSINESS_DAY,
        },
    }
}

/// Opening hours for the SLA clock: the same civil window on every working day.
#[derive(Clone, Debug)]
pub struct BusinessHours {
    pub opens: Time,
    pub closes: Time,
    pub tz: TimeZone,
}

impl Default for BusinessHours {
    /// Monday–Friday 08:00–17:00 Europe/Stockholm, working days only.
    fn default() -> Self {
        BusinessHours {
            opens: Time::constant(8, 0, 0, 0),
            closes: Time::constant(17, 0, 0, 0),
            tz: crate::time::stockholm(),
        }
    }
}

const MICROS_PER_MINUTE: i64 = 60_000_000;

fn micros(d: SignedDuration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl BusinessHours {
    /// The open window of `date` as instants, or `None` on a day off.
    fn window(&self, date: Date) -> Option<(Timestamp, Timestamp)> {
        calendar::is_working_day(date).then(|| {
            (
                crate::time::at_civil(date, self.opens, &self.tz),
                crate::time::at_civil(date, self.closes, &self.tz),
            )
        })
    }

    /// `true` when `at` is inside business hours (the closing instant counts as inside, so a
    /// due time can be 17:00 sharp).
    pub fn is_open(&self, at: Timestamp) -> bool {
        let date = crate::time::civil_date(at, &self.tz);
        self.window(date).is_some_and(|(o, c)| o <= at && at <= c)
    }

    /// The instant `micros` business microseconds after `start`. A start outside business
    /// hours first moves to the next opening; the result is always inside business hours.
    /// Negative amounts count as zero. Saturates at the end of jiff's range.
    pub fn add_business_micros(&self, start: Timestamp, micros_to_add: i64) -> Timestamp {
        let mut remaining = micros_to_add.max(0);
        let mut date = crate::time::civil_date(start, &self.tz);
        let mut current = start;
        // Days off are at most a handful in a row; 100 000 iterations is ~270 years.
        for _ in 0..100_000 {
            if let Some((opens, closes)) = self.window(date)
                && current <= closes
            {
                let from = current.max(opens);
                let available = micros(closes.duration_since(from));
                if remaining <= available {
                    return from
                        .checked_add(SignedDuration::from_micros(remaining))
                        .unwrap_or(Timestamp::MAX);
                }
                remaining -= available;
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => return Timestamp::MAX,
            }
            current = crate::time::start_of_day(date, &self.tz);
        }
        Timestamp::MAX
    }

    /// The instant `minutes` business minutes after `start` (see [`Self::add_business_micros`]).
    pub fn add_business_minutes(&self, start: Timestamp, minutes: i64) -> Timestamp {
        self.add_business_micros(start, minutes.saturating_mul(MICROS_PER_MINUTE))
    }

    /// Business time between `a` and `b` in microseconds; negative when `b` is before `a`.
    pub fn business_micros_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        if b < a {
            return -self.business_micros_between(b, a);
        }
        let mut total = 0i64;
        let mut date = crate::time::civil_date(a, &self.tz);
        let last = crate::time::civil_date(b, &self.tz);
        while date <= last {
            if let Some((opens, closes)) = self.window(date) {
                let from = a.max(opens);
                let to = b.min(closes);
                if from < to {
                    total = total.saturating_add(micros(to.duration_since(from)));
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        total
    }

    /// Whole business minutes between `a` and `b` (rounded towards zero).
    pub fn business_minutes_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        self.business_micros_between(a, b) / MICROS_PER_MINUTE
    }

    /// The instant a target started at `started` and due at `due` turns at risk: the first
    /// business instant at which less than a quarter of the business time remains.
    pub fn at_risk_from(&self, started: Timestamp, due: Timestamp) -> Timestamp {
        let total = self.business_micros_between(started, due).max(0);
        // Remaining r = total − elapsed e; at risk when 4r < total, i.e. e > 3·total/4.
        let elapsed = (i128::from(total) * 3 / 4) as i64 + 1;
        self.add_business_micros(started, elapsed)
    }

    /// Where a target stands at `now`: breached after `due`, at risk from
    /// [`Self::at_risk_from`], otherwise on track.
    pub fn sla_state(&self, now: Timestamp, due: Timestamp, started: Timestamp) -> SlaState {
        if now > due {
            SlaState::Breached
        } else if now >= self.at_risk_from(started, due) {
            SlaState::AtRisk
        } else {
            SlaState::OnTrack
        }
    }
}

/// [`BusinessHours::add_business_minutes`] with the standard hours.
pub fn add_business_minutes(start: Timestamp, minutes: i64) -> Timestamp {
    BusinessHours::default().add_business_minutes(start, minutes)
}

/// [`BusinessHours::business_minutes_between`] with the standard hours.
pub fn business_minutes_between(a: Timestamp, b: Timestamp) -> i64 {
    BusinessHours::default().business_minutes_between(a, b)
}

/// [`BusinessHours::at_risk_from`] with the standard hours.
pub fn at_risk_from(started: Timestamp, due: Timestamp) -> Timestamp {
    BusinessHours::default().at_risk_from(started, due)
}

/// [`BusinessHours::sla_state`] with the standard hours.
pub fn sla_state(now: Timestamp, due: Timestamp, started: Timestamp) -> SlaState {
    BusinessHours::default().sla_state(now, due, started)
}

/// The due instants of a new case opened at `opened` with `targets`, and when each turns at
/// risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaDue {
    pub first_response_due: Timestamp,
    pub first_response_risk_at: Timestamp,
    pub resolve_due: Timestamp,
    pub resolve_risk_at: Timestamp,
}

impl BusinessHours {
    pub fn due_times(&self, opened: Timestamp, targets: SlaTargets) -> SlaDue {
        let first_response_due = self.add_business_minutes(opened, targets.first_response_minutes);
        let resolve_due = self.add_business_minutes(opened, targets.resolve_minutes);
        SlaDue {
            first_response_due,
            first_response_risk_at: self.at_risk_from(opened, first_response_due),
            resolve_due,
            resolve_risk_at: self.at_risk_from(opened, resolve_due),
        }
    }
}

/// The longest subject line, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest message of a case entry, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// The longest subject taken from a chat's first message, in characters.
pub const CHAT_SUBJECT_CHARS: usize = 80;

/// Checks a subject line: 1–200 characters after trimming.
pub fn check_subject(subject: &str) -> Result<&str, CaseProblem> {
    let s = subject.trim();
    if s.is_empty() {
        Err(CaseProblem::SubjectMissing)
    } else if s.chars().count() > MAX_SUBJECT_CHARS {
        Err(CaseProblem::SubjectTooLong)
    } else {
        Ok(s)
    }
}

/// Checks a message text: 1–10 000 characters after trimming.
pub fn check_body(body: &str) -> Result<&str, CaseProblem> {
    let s = body.trim();
    if s.is_empty() {
        Err(CaseProblem::BodyMissing)
    } else if s.chars().count() > MAX_BODY_CHARS {
        Err(CaseProblem::BodyTooLong)
    } else {
        Ok(s)
    }
}

/// The subject of a case opened from a chat: the customer's first message in their own words
/// (its first line, cut after at most [`CHAT_SUBJECT_CHARS`] characters at a word boundary and
/// marked with `…` when cut), so whoever reads it reads what the customer wrote.
pub fn subject_from_message(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() <= CHAT_SUBJECT_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(CHAT_SUBJECT_CHARS - 1).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i >= CHAT_SUBJECT_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// Why a case operation refused its input. People read [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseProblem {
    /// No subject line.
    SubjectMissing,
    /// A subject longer than [`MAX_SUBJECT_CHARS`].
    SubjectTooLong,
    /// No message.
    BodyMissing,
    /// A message longer than [`MAX_BODY_CHARS`].
    BodyTooLong,
    /// No category chosen.
    CategoryMissing,
    /// The extension request or visit chosen is not the customer's.
    LinkNotTheCustomers,
    /// The case is closed; the customer writes a new one through the contact form.
    CaseClosed,
    /// The assignee is not a member of the case's team.
    AssigneeNotInTeam,
    /// No customer has the customer number given on the phone-case form.
    NoSuchCustomerNumber,
}

impl CaseProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CaseProblem> {
        vec![
            CaseProblem::SubjectMissing,
            CaseProblem::SubjectTooLong,
            CaseProblem::BodyMissing,
            CaseProblem::BodyTooLong,
            CaseProblem::CategoryMissing,
            CaseProblem::LinkNotTheCustomers,
            CaseProblem::CaseClosed,
            CaseProblem::AssigneeNotInTeam,
            CaseProblem::NoSuchCustomerNumber,
        ]
    }
}

impl crate::problem::Explain for CaseProblem {
    fn message_key(&self) -> &'static str {
        match self {
            CaseProblem::SubjectMissing => "cases-problem-subject-missing",
            CaseProblem::SubjectTooLong => "cases-problem-subject-too-long",
            CaseProblem::BodyMissing => "cases-problem-body-missing",
            CaseProblem::BodyTooLong => "cases-problem-body-too-long",
            CaseProblem::CategoryMissing => "cases-problem-category-missing",
            CaseProblem::LinkNotTheCustomers => "cases-problem-link-not-theirs",
            CaseProblem::CaseClosed => "cases-problem-closed",
            CaseProblem::AssigneeNotInTeam => "cases-problem-assignee-not-in-team",
            CaseProblem::NoSuchCustomerNumber => "cases-problem-no-such-customer",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CaseProblem::SubjectTooLong => vec![("max", MAX_SUBJECT_CHARS.to_string())],
            CaseProblem::BodyTooLong => vec![("max", MAX_BODY_CHARS.to_string())],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        crate::time::at_civil(
            date(y, m, d),
            Time::constant(h, min, 0, 0),
            &crate::time::stockholm(),
        )
    }

    #[test]
    fn closed_sets_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Category::MeterVisit.as_str(), "meter_visit");
        assert_eq!(
            Category::MeterVisit.message_key(),
            "case-category-meter_visit"
        );
        assert_eq!(Category::parse("fax"), None);
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(*s));
        }
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(*k));
            assert_eq!(k.visible_to_customer(), *k != EntryKind::InternalNote);
        }
        assert_eq!(CaseSource::parse("phone"), Some(CaseSource::Phone));
    }

    #[test]
    fn routing_by_category() {
        assert_eq!(Category::Invoice.team(), Team::Fakturering);
        assert_eq!(Category::Extension.team(), Team::Fakturering);
        assert_eq!(Category::MeterVisit.team(), Team::Matarbyte);
        assert_eq!(Category::Outage.team(), Team::Drift);
        assert_eq!(Category::Broadband.team(), Team::Bredband);
        assert_eq!(Category::Moving.team(), Team::Kundservice);
        assert_eq!(Category::Other.team(), Team::Kundservice);
        assert_eq!(Team::Matarbyte.as_str(), "matarbyte");
    }

    #[test]
    fn links_round_trip_as_form_values() {
        let l = CaseLink::Arrangement(ArrangementId::new(12));
        assert_eq!(l.to_value(), "arrangement:12");
        assert_eq!(CaseLink::parse_value("arrangement:12"), Some(l));
        assert_eq!(
            CaseLink::parse_value("visit:7"),
            Some(CaseLink::Visit(VisitId::new(7)))
        );
        for bad in ["", "visit", "visit:x", "visit:0", "fax:3"] {
            assert_eq!(CaseLink::parse_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn subjects_and_bodies_are_checked() {
        assert_eq!(check_subject("  Fakturan "), Ok("Fakturan"));
        assert_eq!(check_subject(" "), Err(CaseProblem::SubjectMissing));
        assert_eq!(
            check_subject(&"x".repeat(201)),
            Err(CaseProblem::SubjectTooLong)
        );
        assert_eq!(check_body(""), Err(CaseProblem::BodyMissing));
        assert_eq!(
            check_body(&"x".repeat(10_001)),
            Err(CaseProblem::BodyTooLong)
        );
    }

    #[test]
    fn a_chat_subject_is_the_first_line_cut_at_a_word() {
        assert_eq!(subject_from_message("\n  Hej!\nMer text"), "Hej!");
        let long = "Min faktura för november är mycket högre än vanligt och jag undrar varför det blev så här";
        let s = subject_from_message(long);
        assert!(s.ends_with('…'), "{s}");
        assert!(s.chars().count() <= CHAT_SUBJECT_CHARS, "{s}");
        assert!(long.starts_with(s.trim_end_matches('…')), "{s}");
        assert!(!s.trim_end_matches('…').ends_with(' '));
        let word = "x".repeat(200);
        assert_eq!(
            subject_from_message(&word).chars().count(),
            CHAT_SUBJECT_CHARS
        );
        assert!(check_subject(&subject_from_message(long)).is_ok());
    }

    #[test]
    fn friday_afternoon_rolls_to_monday() {
        // Friday 2026-11-27 16:30 + 60 min → Monday 2026-11-30 08:30.
        assert_eq!(
            add_business_minutes(at(2026, 11, 27, 16, 30), 60),
            at(2026, 11, 30, 8, 30)
        );
        assert_eq!(
            business_minutes_between(at(2026, 11, 27, 16, 30), at(2026, 11, 30, 8, 30)),
            60
        );
    }

    #[test]
    fn before_opening_and_after_closing() {
        assert_eq!(
            add_business_minutes(at(2026, 11, 25, 6, 0), 30),
            at(2026, 11, 25, 8, 30)
        );
        assert_eq!(
            add_business_minutes(at(2026, 11, 25, 18, 0), 30),
            at(2026, 11, 26, 8, 30)
        );
        // Ending exactly at closing stays on the day.
        assert_eq!(
            add_business_minutes(at(2026, 11, 25, 16, 0), 60),
            at(2026, 11, 25, 17, 0)
        );
        assert_eq!(
            business_minutes_between(at(2026, 11, 25, 0, 0), at(2026, 11, 26, 0, 0)),
            BUSINESS_DAY
        );
        assert_eq!(
            business_minutes_between(at(2026, 11, 26, 0, 0), at(2026, 11, 25, 0, 0)),
            -BUSINESS_DAY
        );
    }

    #[test]
    fn midsommarafton_and_christmas_are_skipped() {
        // Thursday 2026-06-18 16:00 + 120 min: midsommarafton (Fri 19 June) is off →
        // Monday 22 June 09:00.
        assert_eq!(
            add_business_minutes(at(2026, 6, 18, 16, 0), 120),
            at(2026, 6, 22, 9, 0)
        );
        // Wednesday 2026-12-23 16:00 + 4 business days: 24, 25, 26 and 27 off, 28–30
        // working, 31 December, 1 January and the weekend off, then Monday 4 January.
        assert_eq!(
            add_business_minutes(at(2026, 12, 23, 16, 0), 4 * BUSINESS_DAY),
            at(2027, 1, 4, 16, 0)
        );
    }

    #[test]
    fn dst_weekends_do_not_change_business_time() {
        // Clocks go forward on Sunday 2026-03-29 and back on Sunday 2026-10-25.
        assert_eq!(
            add_business_minutes(at(2026, 3, 27, 16, 0), 120),
            at(2026, 3, 30, 9, 0)
        );
        assert_eq!(
            add_business_minutes(at(2026, 10, 23, 16, 0), 120),
            at(2026, 10, 26, 9, 0)
        );
        assert_eq!(
            business_minutes_between(at(2026, 3, 27, 8, 0), at(2026, 3, 30, 17, 0)),
            2 * BUSINESS_DAY
        );
    }

    #[test]
    fn sla_states_follow_the_quarter_rule() {
        let start = at(2026, 11, 25, 8, 0);
        let due = add_business_minutes(start, 8 * HOUR); // 16:00 the same day
        assert_eq!(due, at(2026, 11, 25, 16, 0));
        assert_eq!(
            sla_state(at(2026, 11, 25, 13, 0), due, start),
            SlaState::OnTrack
        );
        // 2 h left of 8 is exactly a quarter: not yet at risk.
        assert_eq!(
            sla_state(at(2026, 11, 25, 14, 0), due, start),
            SlaState::OnTrack
        );
        assert_eq!(
            sla_state(at(2026, 11, 25, 14, 1), due, start),
            SlaState::AtRisk
        );
        assert_eq!(sla_state(due, due, start), SlaState::AtRisk);
        assert_eq!(
            sla_state(at(2026, 11, 25, 16, 1), due, start),
            SlaState::Breached
        );
        // Over a weekend the state does not move: Friday 15:00 opened, 8 h due Monday 14:00.
        let fri = at(2026, 11, 27, 15, 0);
        let due = add_business_minutes(fri, 8 * HOUR);
        assert_eq!(due, at(2026, 11, 30, 14, 0));
        assert_eq!(
            sla_state(at(2026, 11, 29, 12, 0), due, fri),
            SlaState::OnTrack
        );
        assert!(at_risk_from(fri, due) > at(2026, 11, 30, 12, 0));
    }

    #[test]
    fn default_targets_by_category() {
        assert_eq!(default_targets(Category::Outage).first_response_minutes, 60);
        assert_eq!(
            default_targets(Category::Invoice).first_response_minutes,
            480
        );
        assert_eq!(default_targets(Category::Invoice).resolve_minutes, 3 * 540);
    }

    fn instant() -> impl Strategy<Value = Timestamp> {
        // 2024-01-01 .. 2030-01-01, any minute.
        (1_704_067_200i64..1_893_456_000).prop_map(|s| Timestamp::from_second(s).unwrap())
    }

    proptest! {
        #[test]
        fn lands_inside_hours_on_working_days(start in instant(), m in 0i64..20_000) {
            let h = BusinessHours::default();
            let end = h.add_business_minutes(start, m);
            prop_assert!(h.is_open(end), "{end}");
            prop_assert!(calendar::is_working_day(crate::time::civil_date(end, &h.tz)));
            prop_assert!(end >= start);
        }

        #[test]
        fn monotone(start in instant(), a in 0i64..10_000, b in 0i64..10_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(add_business_minutes(start, lo) <= add_business_minutes(start, hi));
        }

        #[test]
        fn additive(start in instant(), a in 0i64..10_000, b in 0i64..10_000) {
            prop_assert_eq!(
                add_business_minutes(add_business_minutes(start, a), b),
                add_business_minutes(start, a + b)
            );
        }

        #[test]
        fn between_inverts_add(start in instant(), m in 0i64..20_000) {
            let end = add_business_minutes(start, m);
            prop_assert_eq!(business_minutes_between(start, end), m);
            prop_assert_eq!(business_minutes_between(end, start), -m);
        }

        #[test]
        fn at_risk_is_between_start_and_due(start in instant(), m in 1i64..5_000, probe in 0i64..6_000) {
            let h = BusinessHours::default();
            let due = h.add_business_minutes(start, m);
            let risk = h.at_risk_from(start, due);
            prop_assert!(start <= risk && risk <= due, "{start} {risk} {due}");
            let now = h.add_business_minutes(start, probe);
            let state = h.sla_state(now, due, start);
            let remaining = h.business_micros_between(now, due);
            let total = h.business_micros_between(start, due);
            let expected = if now > due {
                SlaState::Breached
            } else if remaining * 4 < total {
                SlaState::AtRisk
            } else {
                SlaState::OnTrack
            };
            prop_assert_eq!(state, expected);
        }
    }
}

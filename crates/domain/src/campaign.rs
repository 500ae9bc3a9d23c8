//! The meter-exchange campaign's rules (DESIGN §3.2): which contact tier a meter point's job
//! falls in under the campaign policy in force, whether it may be planned, needs a booked
//! window or an interruption notice, which skill and how much time it takes.
//!
//! - **Tier 1, no contact:** the meter is in an outdoor cabinet or a meter room. Planned freely
//!   under every policy, with an interruption notice [`CampaignPolicy::notice_working_days`]
//!   working days ahead. A "no home visits" declaration does not hold it back: nobody enters
//!   the home.
//! - **Tier 2, contact:** the meter is indoors (or its place is unknown, so the fitter may need
//!   to get in) and the policy allows the visit. Under "house owners only" that is houses; the
//!   policy may require a window the customer booked.
//! - **Tier 3, paused:** an indoor meter the policy does not allow visiting now.
//! - **Deferred at the customer's request:** a tier 2 or 3 job of a household that declared
//!   "no home visits", while the policy defers risk groups. Never planned; released when the
//!   declaration is withdrawn or the policy lifts.

use jiff::civil::Date;

use crate::calendar;
use crate::meter::{MeterKind, Placement, PropertyKind};
use crate::policy::{CampaignPolicy, IndoorVisits};

/// Minutes on site for a direct-connected meter.
pub const DIRECT_MINUTES: i32 = 30;
/// Minutes on site for a CT-metered point (current transformers, a certified fitter).
pub const CT_MINUTES: i32 = 60;
/// Extra minutes when the meter's place is not known.
pub const UNKNOWN_PLACE_MINUTES: i32 = 10;
/// The skill a CT-metered point needs.
pub const CT_SKILL: &str = "ct";

crate::closed_set! {
    /// Whether a job may be planned now.
    pub enum Plannability in "campaign-plannability" {
        Plannable = "plannable",
        /// The campaign policy in force pauses indoor visits of this kind.
        Paused = "paused",
        /// The household asked for no home visits and the policy defers risk groups.
        DeferredAtRequest = "deferred",
    }
}

crate::closed_set! {
    /// Where a job stands: open (not on a day), planned (on a crew's day, may still move),
    /// notified or booked (fixed to the day: the customer was told or chose it), done or
    /// failed (the technician recorded it).
    pub enum JobStatus in "campaign-job-status" {
        Open = "open",
        Planned = "planned",
        Notified = "notified",
        Booked = "booked",
        Done = "done",
        Failed = "failed",
    }
}

impl JobStatus {
    /// On a crew's day: planned, notified or booked.
    pub fn is_placed(self) -> bool {
        matches!(
            self,
            JobStatus::Planned | JobStatus::Notified | JobStatus::Booked
        )
    }

    /// Fixed to its crew and day because the customer was told (or chose) it.
    pub fn is_fixed(self) -> bool {
        matches!(self, JobStatus::Notified | JobStatus::Booked)
    }

    /// Recorded by a technician: nothing moves it any more.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }
}

crate::closed_set! {
    /// The steps of the infection routine at an indoor visit, in the order the technician's
    /// list shows them.
    pub enum RoutineStep in "campaign-routine" {
        HandHygiene = "hand_hygiene",
        Distance = "distance",
        NoHandshake = "no_handshake",
        FaceMask = "face_mask",
    }
}

/// Whether an indoor visit follows the infection routine under `policy`: a contact (tier 2)
/// visit while the policy asks for it.
pub fn routine_applies(policy: &CampaignPolicy, tier: u8) -> bool {
    policy.indoor_routine && tier == 2
}

crate::closed_set! {
    /// Whether a campaign is running; at most one is open.
    pub enum CampaignStatus in "campaign-status" {
        Open = "open",
        Closed = "closed",
    }
}

crate::closed_set! {
    /// Whose people a crew is.
    pub enum CrewKind in "campaign-crew-kind" {
        Own = "own",
        /// A local electrical supplier's crew (linked to the supplier).
        Subcontractor = "subcontractor",
    }
}

crate::closed_set! {
    /// Why a crew is off on a day.
    pub enum DayOffReason in "campaign-day-off-reason" {
        Sick = "sick",
        Leave = "leave",
        Other = "other",
    }
}

crate::closed_set! {
    /// Why a planning run from the page stored no plan.
    pub enum PlanFailure in "campaign-plan-failure" {
        /// The campaign was closed meanwhile.
        NoCampaign = "no_campaign",
        /// Something unexpected; the cause is in the log of the server that ran it.
        Unexpected = "unexpected",
        /// The planner stopped (panicked, or its server was lost and the run was given up).
        Stopped = "stopped",
    }
}

crate::closed_set! {
    /// Why a visit failed, as the technician records it.
    pub enum FailReason in "campaign-fail-reason" {
        NotHome = "not_home",
        NoAccess = "no_access",
        WrongMeterKind = "wrong_meter_kind",
        CustomerDeclined = "customer_declined",
        Hazard = "hazard",
    }
}

impl FailReason {
    /// Whether the job goes back to be planned again; a hazard or the wrong meter kind needs
    /// a planner's decision first (another crew, other equipment).
    pub fn reopens(self) -> bool {
        matches!(
            self,
            FailReason::NotHome | FailReason::NoAccess | FailReason::CustomerDeclined
        )
    }
}

crate::closed_set! {
    /// Who recorded a "no home visits" declaration: the customer, or customer service for a
    /// caller.
    pub enum RecordedBy in "campaign-recorded-by" {
        Customer = "customer",
        Agent = "agent",
    }
}

crate::closed_set! {
    /// The versions of the consent text a customer accepts when declaring "no home visits". A
    /// new wording gets a new version (and its text in both languages, message
    /// `campaign-consent-<version>`); old versions stay, so every declaration names the text it
    /// was given under.
    pub enum ConsentVersion in "campaign-consent" {
        V2026_11_1 = "2026-11-1",
    }
}

impl ConsentVersion {
    /// The version new declarations are given under.
    pub const CURRENT: ConsentVersion = ConsentVersion::V2026_11_1;
}

crate::closed_set! {
    /// The meter exchange as its customer has been told it (Mina sidor): named by the portal's
    /// messages `portal-meter-<state>`, which take the day.
    pub enum ExchangeState in "portal-meter" {
        Notified = "notified",
        Booked = "booked",
        Deferred = "deferred",
        Done = "done",
    }
}

/// What a customer may know of their jobs in the open campaign, `(status, plannability, day)`
/// each: a notified or booked day (the first), else deferred at their request, else done when
/// every job is. A planned day that was not told may still move, so it is not said.
pub fn exchange_state(
    jobs: &[(JobStatus, Plannability, Option<Date>)],
) -> Option<(ExchangeState, Option<Date>)> {
    jobs.iter()
        .find_map(|(s, _, d)| match s {
            JobStatus::Notified => Some((ExchangeState::Notified, *d)),
            JobStatus::Booked => Some((ExchangeState::Booked, *d)),
            _ => None,
        })
        .or_else(|| {
            jobs.iter()
                .any(|(_, p, _)| *p == Plannability::DeferredAtRequest)
                .then_some((ExchangeState::Deferred, None))
        })
        .or_else(|| {
            (!jobs.is_empty() && jobs.iter().all(|(s, _, _)| *s == JobStatus::Done))
                .then_some((ExchangeState::Done, None))
        })
}

/// The longest note a customer may add to a declaration (their own words; they are asked not
/// to name illnesses).
pub const MAX_NOTE_CHARS: usize = 500;

/// The furthest ahead a declaration may run before it must be renewed.
pub const MAX_DAYS_AHEAD: i32 = 366;

/// The longest campaign name.
pub const MAX_CAMPAIGN_NAME: usize = 100;

/// The longest crew name.
pub const MAX_CREW_NAME: usize = 60;

/// The highest final reading of an old meter (kWh).
pub const MAX_OLD_READING: i64 = 99_999_999;

/// The most a brand-new meter may show when it is fitted (kWh).
pub const MAX_NEW_READING: i64 = 100;

/// What the rules say about one meter point's job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobClass {
    /// 1 no contact, 2 contact allowed, 3 paused by policy.
    pub tier: u8,
    pub plannability: Plannability,
    /// A window the customer booked is required before the job is planned on a day.
    pub needs_booking: bool,
    /// The customer gets an interruption notice ahead of the day.
    pub needs_notice: bool,
    pub skill: Option<&'static str>,
    pub service_minutes: i32,
}

/// A meter point as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterFacts {
    pub placement: Placement,
    pub property: PropertyKind,
    pub kind: MeterKind,
    /// The household declared "no home visits" and has not withdrawn it.
    pub declared_no_home_visits: bool,
}

/// Whether a meter point's job needs someone to enter the customer's home or premises.
pub fn needs_contact(placement: Placement) -> bool {
    matches!(placement, Placement::Indoor | Placement::Unknown)
}

/// Classifies one job under a campaign policy.
pub fn classify(m: MeterFacts, policy: &CampaignPolicy) -> JobClass {
    let contact = needs_contact(m.placement);
    let allowed = !contact
        || match policy.indoor_visits {
            IndoorVisits::Allowed => true,
            IndoorVisits::HouseOwnersOnly => m.property == PropertyKind::House,
            IndoorVisits::Paused => false,
        };
    let tier = match (contact, allowed) {
        (false, _) => 1,
        (true, true) => 2,
        (true, false) => 3,
    };
    let plannability = if contact && m.declared_no_home_visits && policy.defer_risk_group {
        Plannability::DeferredAtRequest
    } else if !allowed {
        Plannability::Paused
    } else {
        Plannability::Plannable
    };
    let (skill, base) = match m.kind {
        MeterKind::Ct => (Some(CT_SKILL), CT_MINUTES),
        MeterKind::Direct => (None, DIRECT_MINUTES),
    };
    let extra = if m.placement == Placement::Unknown {
        UNKNOWN_PLACE_MINUTES
    } else {
        0
    };
    JobClass {
        tier,
        plannability,
        needs_booking: tier == 2 && policy.indoor_requires_booking,
        needs_notice: true,
        skill,
        service_minutes: base + extra,
    }
}

/// Minutes either side of the expected arrival in a live arrival time.
pub const LIVE_SPREAD_MIN: i64 = 15;

/// When the crew is expected at the next stop, told to its customer as the crew leaves a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveArrival {
    /// The narrowed window, minutes after midnight.
    pub from_min: i64,
    pub to_min: i64,
    /// The crew is expected after the booked window closes.
    pub late: bool,
}

/// The live arrival time at the next stop when the crew leaves a stop at `now_min` with
/// `travel_min` to drive there (an estimate: it may be faster or slower): the expected arrival
/// rounded to five minutes with [`LIVE_SPREAD_MIN`] either side, but never before now nor before
/// a booked window opens (the crew waits for it); late when it is expected after the booked
/// window closes.
pub fn live_arrival(now_min: i64, travel_min: i64, booked: Option<(i64, i64)>) -> LiveArrival {
    let not_before = booked.map_or(now_min, |(start, _)| now_min.max(start));
    let expected = (now_min + travel_min.max(0)).max(not_before);
    let expected = (expected + 2).div_euclid(5) * 5;
    let last = 24 * 60 - 1;
    LiveArrival {
        from_min: (expected - LIVE_SPREAD_MIN)
            .max(not_before.div_euclid(5) * 5)
            .min(last),
        to_min: (expected + LIVE_SPREAD_MIN).min(last),
        late: booked.is_some_and(|(_, end)| expected > end),
    }
}

/// The first day a job may be visited when its notice goes out on `today`: the notice must
/// reach the customer `working_days` working days ahead (ellagen: "in good time").
pub fn first_visit_day(today: Date, working_days: u8) -> Date {
    calendar::add_working_days(today, u32::from(working_days))
}

/// The last day a notice for a visit on `visit` may be sent.
pub fn notice_due(visit: Date, working_days: u8) -> Date {
    let mut d = visit;
    let mut left = working_days;
    while left > 0 {
        d = d.yesterday().unwrap_or(d);
        if calendar::is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Why a campaign operation refused its input, or could not be done. People read
/// [`crate::problem::Explain`]'s message (`campaign-problem-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignProblem {
    /// A campaign is open already; close it before opening another.
    AlreadyOpen,
    /// A crew's shift must end after it starts, within the day.
    ShiftOutOfDay,
    /// Skills are written with letters, digits and `_` (`ct`).
    BadSkill,
    /// A subcontracted crew comes from a local electrical supplier of the register.
    NotALocalSupplier,
    /// Only a job placed on a crew's day can be pinned.
    NotPinnable,
    /// The account is not a technician's.
    NotATechnician,
    /// The old meter's final reading, in whole kWh.
    OldReading,
    /// The new meter's number: 6–20 letters and digits.
    MeterNumber,
    /// The new meter's first reading, 0 to `max` kWh.
    NewReading { max: i64 },
    /// The stop is not the technician's crew's, or was recorded already.
    StopNotYours,
    /// A planning run is going on already.
    PlanRunning,
    /// The visit takes no booking (not an indoor visit).
    NoBookingNeeded,
    /// The window is no longer free.
    WindowTaken,
    /// Many bookings came in at once; try again.
    Busy,
    /// The visit cannot be booked any more (done, failed, deferred or paused).
    NotBookable,
    /// The consent text the customer accepted is not the one in use any more.
    ConsentOutdated,
    /// The customer did not tick the consent box.
    ConsentRequired,
    /// A declaration's end must be after today and at most `latest`.
    ReviewDate { latest: Date },
    /// The infection routine must be confirmed at an indoor stop while the policy asks for it.
    RoutineNotConfirmed,
    /// The visit is not on a day (or already done) and cannot be postponed.
    NotPostponable,
}

impl CampaignProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CampaignProblem> {
        vec![
            CampaignProblem::AlreadyOpen,
            CampaignProblem::ShiftOutOfDay,
            CampaignProblem::BadSkill,
            CampaignProblem::NotALocalSupplier,
            CampaignProblem::NotPinnable,
            CampaignProblem::NotATechnician,
            CampaignProblem::OldReading,
            CampaignProblem::MeterNumber,
            CampaignProblem::NewReading {
                max: MAX_NEW_READING,
            },
            CampaignProblem::StopNotYours,
            CampaignProblem::PlanRunning,
            CampaignProblem::NoBookingNeeded,
            CampaignProblem::WindowTaken,
            CampaignProblem::Busy,
            CampaignProblem::NotBookable,
            CampaignProblem::ConsentOutdated,
            CampaignProblem::ConsentRequired,
            CampaignProblem::ReviewDate {
                latest: Date::constant(2027, 12, 1),
            },
            CampaignProblem::RoutineNotConfirmed,
            CampaignProblem::NotPostponable,
        ]
    }
}

impl crate::problem::Explain for CampaignProblem {
    fn message_key(&self) -> &'static str {
        match self {
            CampaignProblem::AlreadyOpen => "campaign-problem-already-open",
            CampaignProblem::ShiftOutOfDay => "campaign-problem-shift",
            CampaignProblem::BadSkill => "campaign-problem-skill",
            CampaignProblem::NotALocalSupplier => "campaign-problem-supplier",
            CampaignProblem::NotPinnable => "campaign-problem-not-pinnable",
            CampaignProblem::NotATechnician => "campaign-problem-not-a-technician",
            CampaignProblem::OldReading => "campaign-problem-old-reading",
            CampaignProblem::MeterNumber => "campaign-problem-meter-number",
            CampaignProblem::NewReading { .. } => "campaign-problem-new-reading",
            CampaignProblem::StopNotYours => "campaign-problem-stop-not-yours",
            CampaignProblem::PlanRunning => "campaign-problem-plan-running",
            CampaignProblem::NoBookingNeeded => "campaign-problem-no-booking-needed",
            CampaignProblem::WindowTaken => "campaign-problem-window-taken",
            CampaignProblem::Busy => "campaign-problem-busy",
            CampaignProblem::NotBookable => "campaign-problem-not-bookable",
            CampaignProblem::ConsentOutdated => "campaign-problem-consent-outdated",
            CampaignProblem::ConsentRequired => "campaign-problem-consent-required",
            CampaignProblem::RoutineNotConfirmed => "campaign-problem-routine",
            CampaignProblem::NotPostponable => "campaign-problem-not-postponable",
            CampaignProblem::ReviewDate { .. } => "campaign-problem-review-date",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CampaignProblem::NewReading { max } => vec![("max", max.to_string())],
            CampaignProblem::ReviewDate { latest } => vec![("latest", latest.to_string())],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_live_arrival_is_narrow_waits_for_a_booked_window_and_says_when_it_is_late() {
        // Leaving at 10:02 with 11 minutes to drive: expected 10:15, told 10:00-10:30.
        let a = live_arrival(10 * 60 + 2, 11, None);
        assert_eq!((a.from_min, a.to_min, a.late), (600, 630, false));
        // Far from the next stop: the whole window moves.
        let a = live_arrival(9 * 60, 40, None);
        assert_eq!((a.from_min, a.to_min), (9 * 60 + 25, 9 * 60 + 55));
        // A booked window 13:00-15:00: the crew waits for it and is not late.
        let a = live_arrival(11 * 60, 20, Some((13 * 60, 15 * 60)));
        assert_eq!((a.from_min, a.to_min, a.late), (780, 795, false));
        // Expected after the window closes: late.
        let a = live_arrival(14 * 60 + 50, 25, Some((13 * 60, 15 * 60)));
        assert!(a.late);
        assert_eq!((a.from_min, a.to_min), (900, 930));
        // Late in the evening the window stays in the day.
        let a = live_arrival(23 * 60 + 50, 30, None);
        assert!(a.to_min < 24 * 60 && a.from_min <= a.to_min);
    }

    use super::*;
    use crate::policy::{Capability, PolicyBody, Preset};
    use jiff::civil::date;

    fn policy(p: Preset) -> CampaignPolicy {
        match PolicyBody::preset(Capability::Campaign, p) {
            PolicyBody::Campaign(c) => c,
            other => panic!("{other:?}"),
        }
    }

    fn facts(placement: Placement, property: PropertyKind, declared: bool) -> MeterFacts {
        MeterFacts {
            placement,
            property,
            kind: MeterKind::Direct,
            declared_no_home_visits: declared,
        }
    }

    #[test]
    fn normal_times_plan_everything_and_ignore_declarations() {
        let p = policy(Preset::Normal);
        for placement in [
            Placement::OutdoorCabinet,
            Placement::MeterRoom,
            Placement::Indoor,
            Placement::Unknown,
        ] {
            for property in [PropertyKind::House, PropertyKind::Apartment] {
                let c = classify(facts(placement, property, true), &p);
                assert_eq!(c.plannability, Plannability::Plannable, "{placement:?}");
                assert!(!c.needs_booking);
                assert_eq!(c.tier, if needs_contact(placement) { 2 } else { 1 });
            }
        }
    }

    #[test]
    fn the_pandemic_policy_orders_contact_and_defers_risk_groups() {
        let p = policy(Preset::Pandemic);
        let c = classify(
            facts(Placement::OutdoorCabinet, PropertyKind::House, true),
            &p,
        );
        assert_eq!((c.tier, c.plannability), (1, Plannability::Plannable));
        let c = classify(facts(Placement::Indoor, PropertyKind::House, false), &p);
        assert_eq!(
            (c.tier, c.plannability, c.needs_booking),
            (2, Plannability::Plannable, true)
        );
        let c = classify(facts(Placement::Indoor, PropertyKind::Apartment, false), &p);
        assert_eq!((c.tier, c.plannability), (3, Plannability::Paused));
        let c = classify(facts(Placement::Indoor, PropertyKind::House, true), &p);
        assert_eq!(
            (c.tier, c.plannability),
            (2, Plannability::DeferredAtRequest)
        );
        let c = classify(facts(Placement::Unknown, PropertyKind::Apartment, true), &p);
        assert_eq!(
            (c.tier, c.plannability),
            (3, Plannability::DeferredAtRequest)
        );
    }

    #[test]
    fn paused_indoor_visits_pause_every_contact_job() {
        let mut p = policy(Preset::Pandemic);
        p.indoor_visits = IndoorVisits::Paused;
        p.defer_risk_group = false;
        let c = classify(facts(Placement::Indoor, PropertyKind::House, true), &p);
        assert_eq!((c.tier, c.plannability), (3, Plannability::Paused));
        assert_eq!(
            classify(
                facts(Placement::MeterRoom, PropertyKind::Apartment, true),
                &p
            )
            .plannability,
            Plannability::Plannable
        );
    }

    #[test]
    fn ct_meters_need_the_skill_and_more_time() {
        let p = policy(Preset::Normal);
        let mut f = facts(Placement::Unknown, PropertyKind::Business, false);
        f.kind = MeterKind::Ct;
        let c = classify(f, &p);
        assert_eq!(c.skill, Some(CT_SKILL));
        assert_eq!(c.service_minutes, CT_MINUTES + UNKNOWN_PLACE_MINUTES);
        assert_eq!(
            classify(facts(Placement::Indoor, PropertyKind::House, false), &p).service_minutes,
            DIRECT_MINUTES
        );
    }

    #[test]
    fn closed_sets_round_trip_and_statuses_group() {
        for &s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
            assert!(!(s.is_placed() && s.is_finished()), "{s}");
            assert!(!s.is_fixed() || s.is_placed(), "{s}");
        }
        assert_eq!(Plannability::DeferredAtRequest.as_str(), "deferred");
        assert_eq!(
            Plannability::Paused.message_key(),
            "campaign-plannability-paused"
        );
        assert_eq!(FailReason::parse("hazard"), Some(FailReason::Hazard));
        assert!(!FailReason::Hazard.reopens() && FailReason::NotHome.reopens());
        assert_eq!(ConsentVersion::CURRENT.as_str(), "2026-11-1");
        assert_eq!(
            ConsentVersion::CURRENT.message_key(),
            "campaign-consent-2026-11-1"
        );
        use crate::problem::Explain;
        let keys: std::collections::BTreeSet<_> = CampaignProblem::examples()
            .iter()
            .map(|p| p.message_key())
            .collect();
        assert_eq!(
            keys.len(),
            CampaignProblem::examples().len(),
            "one key each"
        );
        assert!(keys.iter().all(|k| k.starts_with("campaign-problem-")));
    }

    #[test]
    fn a_customer_is_told_only_what_was_told() {
        let day = Some(date(2026, 12, 1));
        assert_eq!(exchange_state(&[]), None);
        assert_eq!(
            exchange_state(&[(JobStatus::Planned, Plannability::Plannable, day)]),
            None,
            "a planned day may still move"
        );
        assert_eq!(
            exchange_state(&[
                (JobStatus::Planned, Plannability::Plannable, None),
                (JobStatus::Booked, Plannability::Plannable, day),
            ]),
            Some((ExchangeState::Booked, day))
        );
        assert_eq!(
            exchange_state(&[(JobStatus::Open, Plannability::DeferredAtRequest, None)]),
            Some((ExchangeState::Deferred, None))
        );
        assert_eq!(
            exchange_state(&[
                (JobStatus::Done, Plannability::Plannable, day),
                (JobStatus::Done, Plannability::Plannable, None),
            ]),
            Some((ExchangeState::Done, None))
        );
        assert_eq!(
            ExchangeState::Notified.message_key(),
            "portal-meter-notified"
        );
    }

    #[test]
    fn notices_count_working_days_around_holidays() {
        // Friday 2026-12-18 + 5 working days: the 24th, 25th and 26th are not working days.
        assert_eq!(first_visit_day(date(2026, 12, 18), 5), date(2026, 12, 29));
        assert_eq!(notice_due(date(2026, 12, 29), 5), date(2026, 12, 18));
        assert_eq!(notice_due(date(2026, 11, 30), 5), date(2026, 11, 23));
    }

    proptest::proptest! {
        #[test]
        fn a_declared_household_is_never_visited_at_home_while_the_policy_defers(
            placement in 0usize..4, property in 0usize..4, indoor in 0usize..3, booking: bool,
        ) {
            let placement = [Placement::OutdoorCabinet, Placement::MeterRoom, Placement::Indoor, Placement::Unknown][placement];
            let property = [PropertyKind::House, PropertyKind::Apartment, PropertyKind::Business, PropertyKind::Other][property];
            let p = CampaignPolicy {
                indoor_visits: [IndoorVisits::Allowed, IndoorVisits::HouseOwnersOnly, IndoorVisits::Paused][indoor],
                defer_risk_group: true,
                notice_working_days: 5,
                indoor_requires_booking: booking,
                indoor_routine: booking,
            };
            let c = classify(facts(placement, property, true), &p);
            proptest::prop_assert!(!(needs_contact(placement) && c.plannability == Plannability::Plannable));
            proptest::prop_assert!(needs_contact(placement) || c.plannability == Plannability::Plannable);
        }
    }
}

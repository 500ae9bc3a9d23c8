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

/// Whether a job may be planned now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plannability {
    Plannable,
    /// The campaign policy in force pauses indoor visits of this kind.
    Paused,
    /// The household asked for no home visits and the policy defers risk groups.
    DeferredAtRequest,
}

impl Plannability {
    pub fn as_str(self) -> &'static str {
        match self {
            Plannability::Plannable => "plannable",
            Plannability::Paused => "paused",
            Plannability::DeferredAtRequest => "deferred",
        }
    }
}

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

/// Why a campaign operation refused its input. People read [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignProblem {}

impl CampaignProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CampaignProblem> {
        Vec::new()
    }
}

impl crate::problem::Explain for CampaignProblem {
    fn message_key(&self) -> &'static str {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
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
            };
            let c = classify(facts(placement, property, true), &p);
            proptest::prop_assert!(!(needs_contact(placement) && c.plannability == Plannability::Plannable));
            proptest::prop_assert!(needs_contact(placement) || c.plannability == Plannability::Plannable);
        }
    }
}

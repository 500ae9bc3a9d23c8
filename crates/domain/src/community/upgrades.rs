//! Free faster broadband for businesses: who may have it under the policy in force, what it is
//! worth for the ledger, and what the daily run does with an upgrade on a given day.
//!
//! An upgrade runs from its first day to its last day (`to`, inclusive); the speed returns at the
//! start of the day after. The customer is told at the start, [`REMINDER_DAYS`] days before the
//! end (with an offer to keep the speed at the normal price) and at the end.

use jiff::ToSpan;
use jiff::civil::Date;

use super::{CommunityPolicy, CommunityProblem};
use crate::customer::CustomerKind;

/// Days before the last day that the customer is reminded.
pub const REMINDER_DAYS: i64 = 14;

crate::closed_set! {
    /// Where an upgrade stands; the API's `state`.
    pub enum UpgradeState in "community-upgrade" {
        /// Approved, starts on its first day.
        Scheduled = "scheduled",
        /// Running at the higher speed.
        Active = "active",
        /// Back at the normal speed.
        Reverted = "reverted",
        /// Withdrawn before it started.
        Cancelled = "cancelled",
    }
}

crate::closed_set! {
    /// What a provisioning order asks the network operator to do.
    pub enum OrderAction in "community-order" {
        Upgrade = "upgrade",
        Revert = "revert",
    }
}

crate::closed_set! {
    /// Who asked for an upgrade.
    pub enum Via in "community-via" {
        /// The customer, on Mina sidor.
        Portal = "portal",
        /// An agent, for a caller.
        Agent = "agent",
        /// A system, through the API.
        Api = "api",
    }
}

/// A customer's broadband connection as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// No broadband subscription.
    None,
    /// A subscription whose speed is not on record.
    SpeedUnknown,
    /// A subscription at this many Mbit/s.
    At(u32),
}

impl Line {
    /// The line of a customer with (or without) a broadband subscription at `speed`.
    pub fn of(has_subscription: bool, speed: Option<u32>) -> Line {
        match (has_subscription, speed) {
            (false, _) => Line::None,
            (true, None) => Line::SpeedUnknown,
            (true, Some(s)) => Line::At(s),
        }
    }
}

/// Whether a customer may ask for a free upgrade at all under `policy`, before any speed or
/// period is chosen (the portal shows the reason instead of the form): a business, with a
/// broadband line whose speed is on record, while the policy offers upgrades. `Ok`: today's
/// speed and the policy's longest period.
pub fn may_ask(
    policy: &CommunityPolicy,
    kind: CustomerKind,
    line: Line,
) -> Result<(u32, u32), CommunityProblem> {
    if kind != CustomerKind::Business {
        return Err(CommunityProblem::NotABusiness);
    }
    let current = match line {
        Line::None => return Err(CommunityProblem::NoBroadband),
        Line::SpeedUnknown => return Err(CommunityProblem::SpeedUnknown),
        Line::At(s) => s,
    };
    let Some(max) = policy.free_upgrade_max_days else {
        return Err(CommunityProblem::NotOffered);
    };
    Ok((current, max))
}

/// What an upgrade request is checked against.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub kind: CustomerKind,
    /// The customer's broadband line today.
    pub line: Line,
    pub speed: u32,
    pub from: Date,
    pub to: Date,
    /// The speeds the network offers (the price list's).
    pub speeds: &'a [u32],
}

/// Days an upgrade from `from` to `to` (both included) lasts.
pub fn days(from: Date, to: Date) -> i64 {
    (to - from).get_days() as i64 + 1
}

/// Whether `policy` grants the request: [`may_ask`], then a faster speed that is offered, for at
/// most the policy's days. Dates (not in the past, the end after the start) are
/// the caller's to check first.
pub fn check(policy: &CommunityPolicy, r: &Request<'_>) -> Result<(), CommunityProblem> {
    let (current, max) = may_ask(policy, r.kind, r.line)?;
    if !r.speeds.contains(&r.speed) {
        return Err(CommunityProblem::UnknownSpeed { speed: r.speed });
    }
    if r.speed <= current {
        return Err(CommunityProblem::NotFaster { current });
    }
    if days(r.from, r.to) > i64::from(max) {
        return Err(CommunityProblem::TooLong { max });
    }
    Ok(())
}

/// What the upgrade is worth: the monthly price difference for its days (a month is a twelfth
/// of a year of 365 days), rounded to the öre.
pub fn value_ore(monthly_difference_ore: i64, days: i64) -> i64 {
    let num = i128::from(monthly_difference_ore.max(0)) * 12 * i128::from(days.max(0));
    i64::try_from((num + 182) / 365).unwrap_or(i64::MAX)
}

/// The day the customer is reminded that the upgrade ends.
pub fn reminder_day(to: Date) -> Date {
    to.saturating_sub(REMINDER_DAYS.days())
}

/// The first day back at the normal speed.
pub fn revert_day(to: Date) -> Date {
    to.saturating_add(1.day())
}

/// What the daily run does with one upgrade on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Order the higher speed and tell the customer.
    Start,
    /// Remind the customer that the upgrade ends (once).
    Remind,
    /// Order the normal speed back and tell the customer.
    Revert,
    /// Its days passed before it could start: nothing to order back.
    Lapse,
}

/// The one step due on `today` for an upgrade in `state` from `from` to `to` (`reminded`: the
/// reminder has been sent); `None` when nothing is due.
pub fn due(state: UpgradeState, from: Date, to: Date, reminded: bool, today: Date) -> Option<Step> {
    match state {
        UpgradeState::Scheduled if to < today => Some(Step::Lapse),
        UpgradeState::Scheduled if from <= today => Some(Step::Start),
        UpgradeState::Active if to < today => Some(Step::Revert),
        UpgradeState::Active
            if !reminded && today >= reminder_day(to) && days(from, to) > REMINDER_DAYS =>
        {
            Some(Step::Remind)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn request(
        kind: CustomerKind,
        current: Option<u32>,
        speed: u32,
        days: i64,
    ) -> Request<'static> {
        let from = date(2026, 4, 1);
        Request {
            kind,
            line: current.map_or(Line::None, Line::At),
            speed,
            from,
            to: from.saturating_add((days - 1).days()),
            speeds: &[100, 250, 500, 1000],
        }
    }

    #[test]
    fn only_businesses_with_broadband_under_a_policy_that_offers_it() {
        let pandemic = CommunityPolicy::preset(true);
        let normal = CommunityPolicy::preset(false);
        let ok = request(CustomerKind::Business, Some(100), 500, 90);
        assert_eq!(check(&pandemic, &ok), Ok(()));
        assert_eq!(check(&normal, &ok), Err(CommunityProblem::NotOffered));
        assert_eq!(
            check(
                &pandemic,
                &request(CustomerKind::Private, Some(100), 500, 10)
            ),
            Err(CommunityProblem::NotABusiness)
        );
        assert_eq!(
            check(&pandemic, &request(CustomerKind::Business, None, 500, 10)),
            Err(CommunityProblem::NoBroadband)
        );
        assert_eq!(
            may_ask(&pandemic, CustomerKind::Business, Line::of(true, None)),
            Err(CommunityProblem::SpeedUnknown)
        );
        assert_eq!(
            may_ask(&pandemic, CustomerKind::Business, Line::of(true, Some(100))),
            Ok((100, 90))
        );
        assert_eq!(
            check(
                &pandemic,
                &request(CustomerKind::Business, Some(100), 500, 91)
            ),
            Err(CommunityProblem::TooLong { max: 90 })
        );
        assert_eq!(
            check(
                &pandemic,
                &request(CustomerKind::Business, Some(500), 250, 10)
            ),
            Err(CommunityProblem::NotFaster { current: 500 })
        );
        assert_eq!(
            check(
                &pandemic,
                &request(CustomerKind::Business, Some(100), 300, 10)
            ),
            Err(CommunityProblem::UnknownSpeed { speed: 300 })
        );
    }

    #[test]
    fn the_run_starts_reminds_once_and_reverts_the_day_after_the_last() {
        let (from, to) = (date(2026, 4, 1), date(2026, 4, 30));
        let s = UpgradeState::Scheduled;
        let a = UpgradeState::Active;
        assert_eq!(due(s, from, to, false, date(2026, 3, 31)), None);
        assert_eq!(due(s, from, to, false, from), Some(Step::Start));
        assert_eq!(due(a, from, to, false, date(2026, 4, 15)), None);
        assert_eq!(
            due(a, from, to, false, date(2026, 4, 16)),
            Some(Step::Remind)
        );
        assert_eq!(due(a, from, to, true, date(2026, 4, 16)), None);
        assert_eq!(due(a, from, to, true, to), None);
        assert_eq!(due(a, from, to, true, date(2026, 5, 1)), Some(Step::Revert));
        assert_eq!(revert_day(to), date(2026, 5, 1));
        assert_eq!(due(s, from, to, false, date(2026, 5, 1)), Some(Step::Lapse));
        // Too short to remind 14 days ahead: only the start and the end.
        assert_eq!(
            due(a, from, date(2026, 4, 10), false, date(2026, 4, 5)),
            None
        );
    }

    #[test]
    fn the_value_is_the_price_difference_for_the_days() {
        assert_eq!(value_ore(20_000, 365), 240_000);
        assert_eq!(value_ore(20_000, 0), 0);
        assert_eq!(value_ore(-5, 30), 0);
        // 200 kr a month for 90 days: 2 400 kr × 90 / 365 = 591,78 kr.
        assert_eq!(value_ore(20_000, 90), 59_178);
    }
}

//! Sponsorship agreements with local clubs: an amount over a period paid in instalments, what the
//! club gives back, and the community policy's crisis measures (extra support on each instalment;
//! paying even when the matches an instalment sponsors are cancelled).

use jiff::ToSpan;
use jiff::civil::Date;

use super::{CommunityPolicy, CommunityProblem};
use crate::money::Money;

crate::closed_set! {
    /// What a club gives back for its sponsorship.
    pub enum ReturnKind in "community-return" {
        /// The company's logo on the shirts.
        ShirtLogo = "shirt_logo",
        /// Tickets to home matches for staff and customers.
        Tickets = "tickets",
        /// Players visit schools (on safety near power lines, on water).
        SchoolVisits = "school_visits",
        /// Boards at the arena.
        Signage = "signage",
    }
}

crate::closed_set! {
    /// Where an agreement stands.
    pub enum AgreementState in "community-agreement" {
        Active = "active",
        /// Ended early: instalments not yet released are not paid.
        Terminated = "terminated",
    }
}

crate::closed_set! {
    /// Where one instalment stands.
    pub enum InstalmentState in "community-instalment" {
        /// Not yet due for payment.
        Planned = "planned",
        /// Sent to the suppliers' payment run as an invoice to pay.
        Released = "released",
        /// Not paid: its matches were cancelled and the policy in force did not keep paying.
        Withheld = "withheld",
        /// The agreement was terminated before it was due.
        Cancelled = "cancelled",
    }
}

/// The most instalments an agreement may have (monthly over two years).
pub const MAX_INSTALMENTS: u32 = 24;

/// The due dates and amounts of `count` instalments of `total` from `from` to `to`: the first on
/// `from`, the rest spread by whole months over the period (never after `to`); the öre that do
/// not divide go to the first instalment, so the instalments always sum to `total`.
pub fn schedule(
    total: Money,
    count: u32,
    from: Date,
    to: Date,
) -> Result<Vec<(Date, Money)>, CommunityProblem> {
    if to < from {
        return Err(CommunityProblem::PeriodBackwards);
    }
    if count == 0 || count > MAX_INSTALMENTS {
        return Err(CommunityProblem::Instalments {
            max: MAX_INSTALMENTS,
        });
    }
    if total.ore() <= 0 {
        return Err(CommunityProblem::QuantityZero);
    }
    let months = (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month())
        + 1;
    let step = (months / i32::try_from(count).unwrap_or(1)).max(1);
    let n = i64::from(count);
    let each = total.ore() / n;
    let rest = total.ore() - each * n;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let offset = step * i32::try_from(i).unwrap_or(0);
        let due = from.checked_add(offset.months()).unwrap_or(to).min(to);
        let amount = if i == 0 { each + rest } else { each };
        out.push((due, Money::from_ore(amount)));
    }
    Ok(out)
}

/// What becomes of an instalment under the policy in force on its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Paid: the instalment and the extra support of the policy's measure.
    Pay { base: Money, extra: Money },
    /// Not paid: its matches were cancelled and the policy does not keep paying.
    Withhold,
}

/// Decides an instalment of `base` whose matches were (or were not) cancelled.
pub fn release(base: Money, matches_cancelled: bool, policy: &CommunityPolicy) -> Release {
    if matches_cancelled && !policy.sponsorship_pay_cancelled {
        return Release::Withhold;
    }
    let extra = base.ore() * i64::from(policy.sponsorship_extra_percent) / 100;
    Release::Pay {
        base,
        extra: Money::from_ore(extra),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn instalments_sum_to_the_total_and_stay_in_the_period() {
        let s = schedule(
            Money::from_ore(10_000_001),
            4,
            date(2020, 1, 15),
            date(2020, 12, 31),
        )
        .unwrap();
        assert_eq!(
            s.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
            vec![
                date(2020, 1, 15),
                date(2020, 4, 15),
                date(2020, 7, 15),
                date(2020, 10, 15)
            ]
        );
        assert_eq!(s.iter().map(|(_, m)| m.ore()).sum::<i64>(), 10_000_001);
        assert_eq!(s[0].1.ore(), 2_500_001);
        let short = schedule(Money::from_ore(300), 3, date(2020, 5, 1), date(2020, 5, 31)).unwrap();
        assert!(short.iter().all(|(d, _)| *d <= date(2020, 5, 31)));
        assert_eq!(
            schedule(Money::from_ore(1), 2, date(2020, 5, 2), date(2020, 5, 1)),
            Err(CommunityProblem::PeriodBackwards)
        );
        assert_eq!(
            schedule(Money::from_ore(1), 25, date(2020, 5, 1), date(2020, 5, 1)),
            Err(CommunityProblem::Instalments { max: 24 })
        );
    }

    #[test]
    fn the_crisis_measures_add_support_and_pay_for_cancelled_matches() {
        let base = Money::from_ore(2_500_000);
        let normal = CommunityPolicy::preset(false);
        let pandemic = CommunityPolicy::preset(true);
        assert_eq!(release(base, true, &normal), Release::Withhold);
        assert_eq!(
            release(base, false, &normal),
            Release::Pay {
                base,
                extra: Money::ZERO
            }
        );
        assert_eq!(
            release(base, true, &pandemic),
            Release::Pay {
                base,
                extra: Money::from_ore(500_000)
            }
        );
    }
}

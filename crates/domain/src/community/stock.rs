//! The company's stock of critical supplies: what may be given away without touching the reserve
//! its own critical processes need, and how long what is left lasts.

use super::CommunityProblem;

/// How much of `quantity` may be given while `reserve` stays.
pub fn available(quantity: i64, reserve: i64) -> i64 {
    (quantity - reserve).max(0)
}

/// A donation of `amount` from `quantity`: refused when it would take the stock below
/// `reserve`, naming how much could be given.
pub fn check_donation(quantity: i64, reserve: i64, amount: i64) -> Result<(), CommunityProblem> {
    if amount < 1 {
        return Err(CommunityProblem::QuantityZero);
    }
    let available = available(quantity, reserve);
    if amount > available {
        return Err(CommunityProblem::BelowReserve { available });
    }
    Ok(())
}

/// An item's stock as counted: the reserve may not exceed what there is.
pub fn check_count(quantity: i64, reserve: i64) -> Result<(), CommunityProblem> {
    if quantity < 0 || reserve < 0 {
        return Err(CommunityProblem::QuantityZero);
    }
    if reserve > quantity {
        return Err(CommunityProblem::ReserveAboveStock);
    }
    Ok(())
}

/// Whole weeks `quantity` lasts at `usage_per_week` (`None` when nothing is used).
pub fn weeks_lasting(quantity: i64, usage_per_week: i64) -> Option<i64> {
    (usage_per_week > 0).then(|| quantity.max(0) / usage_per_week)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_donation_never_takes_the_stock_below_its_reserve() {
        assert_eq!(check_donation(500, 120, 380), Ok(()));
        assert_eq!(
            check_donation(500, 120, 381),
            Err(CommunityProblem::BelowReserve { available: 380 })
        );
        assert_eq!(
            check_donation(100, 120, 1),
            Err(CommunityProblem::BelowReserve { available: 0 })
        );
        assert_eq!(
            check_donation(500, 120, 0),
            Err(CommunityProblem::QuantityZero)
        );
    }

    #[test]
    fn weeks_are_whole_and_nothing_used_lasts_for_ever() {
        assert_eq!(weeks_lasting(120, 40), Some(3));
        assert_eq!(weeks_lasting(119, 40), Some(2));
        assert_eq!(weeks_lasting(120, 0), None);
        assert_eq!(
            check_count(10, 11),
            Err(CommunityProblem::ReserveAboveStock)
        );
    }
}

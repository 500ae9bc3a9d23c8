//! Support for local events: an event above the gathering limit in force on its day is refused
//! with the limit and its source; exactly the limit is allowed.

use super::{CommunityProblem, GatheringLimit};

crate::closed_set! {
    /// Where an application for event support stands.
    pub enum EventState in "community-event" {
        Applied = "applied",
        Approved = "approved",
        Refused = "refused",
    }
}

crate::closed_set! {
    /// What an organiser asks for.
    pub enum EventNeed in "community-need" {
        Money = "money",
        Equipment = "equipment",
        /// A temporary electricity connection.
        Electricity = "electricity",
    }
}

/// Whether `expected` people may gather under `limit` (none: no limit).
pub fn check_attendees(
    limit: Option<&GatheringLimit>,
    expected: u32,
) -> Result<(), CommunityProblem> {
    match limit {
        Some(l) if expected > l.max_people => Err(CommunityProblem::AboveGatheringLimit {
            expected,
            max: l.max_people,
            rule: l.source.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_limit_is_allowed_one_more_is_not() {
        let limit = GatheringLimit {
            max_people: 8,
            source: "SFS 2020:114".into(),
        };
        assert_eq!(check_attendees(Some(&limit), 8), Ok(()));
        assert_eq!(
            check_attendees(Some(&limit), 9),
            Err(CommunityProblem::AboveGatheringLimit {
                expected: 9,
                max: 8,
                rule: "SFS 2020:114".into()
            })
        );
        assert_eq!(check_attendees(None, 10_000), Ok(()));
    }
}

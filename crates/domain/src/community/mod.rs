//! Community support (issue 17): what the utility gives the town in a crisis, and the rules it
//! gives by.
//!
//! Everything given goes into one ledger, each entry with the decision behind it: items donated
//! from the company's own stock (never below the reserve its critical processes need), free faster
//! broadband for businesses (worth the price difference for the period), and support for local
//! events held within the gathering limit in force. The community policy says which limit is in
//! force (with its source, such as the ordinance (2020:114) on public gatherings), whether free
//! upgrades are offered and for how long.

pub mod events;
pub mod stock;
pub mod upgrades;

use serde::{Deserialize, Serialize};

crate::closed_set! {
    /// What a ledger entry gives.
    pub enum LedgerCategory in "community-category" {
        /// Items from the company's own stock.
        Donation = "donation",
        Sponsorship = "sponsorship",
        SummerJobWages = "summer_job_wages",
        /// The price difference of a free faster broadband connection.
        BroadbandUpgrade = "broadband_upgrade",
        EventSupport = "event_support",
    }
}

crate::closed_set! {
    /// Who received something.
    pub enum RecipientKind in "community-recipient" {
        /// A company, association or foundation with an organisation number.
        Organisation = "organisation",
        /// A region, municipality or state agency (health care, schools).
        PublicBody = "public_body",
        /// One of the utility's own customers (a free upgrade).
        Customer = "customer",
    }
}

crate::closed_set! {
    /// A unit an item of stock is counted in.
    pub enum StockUnit in "community-unit" {
        Litre = "litre",
        Piece = "piece",
        Pair = "pair",
        Box = "box",
        Kilogram = "kilogram",
    }
}

/// A limit on public gatherings, and the rule it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatheringLimit {
    /// The most people allowed; exactly this many is allowed.
    pub max_people: u32,
    /// The rule the limit comes from, as people cite it ("SFS 2020:114").
    pub source: String,
}

/// The community policy: the gathering limit in force, free upgrades, sponsorship measures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityPolicy {
    /// `None`: no limit on public gatherings.
    pub gathering_limit: Option<GatheringLimit>,
    /// Free faster broadband for businesses for at most this many days; `None`: not offered.
    pub free_upgrade_max_days: Option<u32>,
    /// Extra support to sponsored clubs, in per cent of each instalment.
    pub sponsorship_extra_percent: u32,
    /// Instalments are paid even when the matches they sponsor are cancelled.
    pub sponsorship_pay_cancelled: bool,
}

/// The longest free upgrade a policy may offer.
pub const MAX_UPGRADE_DAYS: u32 = 365;

impl CommunityPolicy {
    /// Everyday operation, or the measures of spring 2020 (the limit of 50 people from 29 March
    /// 2020 under the ordinance (2020:114); free upgrades for up to 90 days; sponsorship kept
    /// when matches are cancelled, with a fifth more).
    pub fn preset(pandemic: bool) -> CommunityPolicy {
        CommunityPolicy {
            gathering_limit: pandemic.then(|| GatheringLimit {
                max_people: 50,
                source: "SFS 2020:114".to_owned(),
            }),
            free_upgrade_max_days: pandemic.then_some(90),
            sponsorship_extra_percent: if pandemic { 20 } else { 0 },
            sponsorship_pay_cancelled: pandemic,
        }
    }

    /// The checks of `PolicyBody::validate` for this capability.
    pub fn validate(&self) -> Result<(), crate::policy::PolicyError> {
        use crate::policy::PolicyError;
        if let Some(limit) = &self.gathering_limit {
            if limit.max_people == 0 {
                return Err(PolicyError::GatheringLimitZero);
            }
            if limit.source.trim().is_empty() {
                return Err(PolicyError::GatheringSourceMissing);
            }
        }
        if self
            .free_upgrade_max_days
            .is_some_and(|d| d == 0 || d > MAX_UPGRADE_DAYS)
        {
            return Err(PolicyError::UpgradeDays {
                max: MAX_UPGRADE_DAYS,
            });
        }
        if self.sponsorship_extra_percent > 100 {
            return Err(PolicyError::ExtraPercent { max: 100 });
        }
        Ok(())
    }
}

/// Why a community request was refused. `Display` is for logs; people read [`Explain`].
///
/// [`Explain`]: crate::problem::Explain
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommunityProblem {
    #[error(
        "the donation would take the stock below its reserve: at most {available} can be given"
    )]
    BelowReserve { available: i64 },
    #[error("a quantity must be at least 1")]
    QuantityZero,
    #[error("the reserve is larger than the stock")]
    ReserveAboveStock,
    #[error("free upgrades are only for business customers")]
    NotABusiness,
    #[error("the customer has no broadband subscription")]
    NoBroadband,
    #[error("free upgrades are not offered under the community policy in force")]
    NotOffered,
    #[error("a free upgrade lasts at most {max} days under the policy in force")]
    TooLong { max: u32 },
    #[error("the speed must be higher than today's {current} Mbit/s")]
    NotFaster { current: u32 },
    #[error("{speed} Mbit/s is not one of the speeds offered")]
    UnknownSpeed { speed: u32 },
    #[error("the connection already has an upgrade planned or running")]
    UpgradeExists,
    #[error("the upgrade has ended or is cancelled")]
    UpgradeClosed,
    #[error("{expected} people is above the limit of {max} in force on that day ({rule})")]
    AboveGatheringLimit {
        expected: u32,
        max: u32,
        /// The rule the limit comes from.
        rule: String,
    },
    #[error("the application has already been decided")]
    AlreadyDecided,
    #[error("the event has already taken place")]
    EventPassed,
    #[error("at least one kind of support must be asked for")]
    NoNeeds,
    #[error("the broadband connection's speed is not recorded")]
    SpeedUnknown,
    #[error("no customer has this number")]
    UnknownCustomer,
    #[error("an item with this name exists")]
    NameTaken,
    #[error("a donation goes to an organisation or a public body")]
    DonationRecipient,
}

impl CommunityProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CommunityProblem> {
        vec![
            CommunityProblem::BelowReserve { available: 40 },
            CommunityProblem::QuantityZero,
            CommunityProblem::ReserveAboveStock,
            CommunityProblem::NotABusiness,
            CommunityProblem::NoBroadband,
            CommunityProblem::NotOffered,
            CommunityProblem::TooLong { max: 90 },
            CommunityProblem::NotFaster { current: 100 },
            CommunityProblem::UnknownSpeed { speed: 333 },
            CommunityProblem::UpgradeExists,
            CommunityProblem::UpgradeClosed,
            CommunityProblem::AboveGatheringLimit {
                expected: 60,
                max: 50,
                rule: "SFS 2020:114".into(),
            },
            CommunityProblem::AlreadyDecided,
            CommunityProblem::EventPassed,
            CommunityProblem::NoNeeds,
            CommunityProblem::NameTaken,
            CommunityProblem::UnknownCustomer,
            CommunityProblem::SpeedUnknown,
            CommunityProblem::DonationRecipient,
        ]
    }

    /// A stable code for API replies (`not_a_business`).
    pub fn code(&self) -> &'static str {
        match self {
            CommunityProblem::BelowReserve { .. } => "below_reserve",
            CommunityProblem::QuantityZero => "quantity_zero",
            CommunityProblem::ReserveAboveStock => "reserve_above_stock",
            CommunityProblem::NotABusiness => "not_a_business",
            CommunityProblem::NoBroadband => "no_broadband",
            CommunityProblem::NotOffered => "not_offered",
            CommunityProblem::TooLong { .. } => "too_long",
            CommunityProblem::NotFaster { .. } => "not_faster",
            CommunityProblem::UnknownSpeed { .. } => "unknown_speed",
            CommunityProblem::UpgradeExists => "upgrade_exists",
            CommunityProblem::UpgradeClosed => "upgrade_closed",
            CommunityProblem::AboveGatheringLimit { .. } => "above_gathering_limit",
            CommunityProblem::AlreadyDecided => "already_decided",
            CommunityProblem::EventPassed => "event_passed",
            CommunityProblem::NoNeeds => "no_needs",
            CommunityProblem::NameTaken => "name_taken",
            CommunityProblem::UnknownCustomer => "unknown_customer",
            CommunityProblem::SpeedUnknown => "speed_unknown",
            CommunityProblem::DonationRecipient => "donation_recipient",
        }
    }
}

impl crate::problem::Explain for CommunityProblem {
    fn message_key(&self) -> &'static str {
        match self {
            CommunityProblem::BelowReserve { .. } => "community-problem-below-reserve",
            CommunityProblem::QuantityZero => "community-problem-quantity-zero",
            CommunityProblem::ReserveAboveStock => "community-problem-reserve-above-stock",
            CommunityProblem::NotABusiness => "community-problem-not-a-business",
            CommunityProblem::NoBroadband => "community-problem-no-broadband",
            CommunityProblem::NotOffered => "community-problem-not-offered",
            CommunityProblem::TooLong { .. } => "community-problem-too-long",
            CommunityProblem::NotFaster { .. } => "community-problem-not-faster",
            CommunityProblem::UnknownSpeed { .. } => "community-problem-unknown-speed",
            CommunityProblem::UpgradeExists => "community-problem-upgrade-exists",
            CommunityProblem::UpgradeClosed => "community-problem-upgrade-closed",
            CommunityProblem::AboveGatheringLimit { .. } => "community-problem-above-limit",
            CommunityProblem::AlreadyDecided => "community-problem-already-decided",
            CommunityProblem::EventPassed => "community-problem-event-passed",
            CommunityProblem::NoNeeds => "community-problem-no-needs",
            CommunityProblem::NameTaken => "community-problem-name-taken",
            CommunityProblem::UnknownCustomer => "community-problem-unknown-customer",
            CommunityProblem::SpeedUnknown => "community-problem-speed-unknown",
            CommunityProblem::DonationRecipient => "community-problem-donation-recipient",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CommunityProblem::BelowReserve { available } => {
                vec![("available", available.to_string())]
            }
            CommunityProblem::TooLong { max } => vec![("max", max.to_string())],
            CommunityProblem::NotFaster { current } => vec![("current", current.to_string())],
            CommunityProblem::UnknownSpeed { speed } => vec![("speed", speed.to_string())],
            CommunityProblem::AboveGatheringLimit {
                expected,
                max,
                rule,
            } => vec![
                ("expected", expected.to_string()),
                ("max", max.to_string()),
                ("source", rule.clone()),
            ],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyError;

    #[test]
    fn presets_are_valid_and_only_the_pandemic_offers_upgrades() {
        assert_eq!(CommunityPolicy::preset(false).validate(), Ok(()));
        assert_eq!(CommunityPolicy::preset(true).validate(), Ok(()));
        assert_eq!(CommunityPolicy::preset(false).free_upgrade_max_days, None);
        assert_eq!(
            CommunityPolicy::preset(true).free_upgrade_max_days,
            Some(90)
        );
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let mut p = CommunityPolicy::preset(true);
        p.gathering_limit = Some(GatheringLimit {
            max_people: 0,
            source: "SFS 2020:114".into(),
        });
        assert_eq!(p.validate(), Err(PolicyError::GatheringLimitZero));
        p.gathering_limit = Some(GatheringLimit {
            max_people: 8,
            source: " ".into(),
        });
        assert_eq!(p.validate(), Err(PolicyError::GatheringSourceMissing));
        p.gathering_limit = None;
        p.free_upgrade_max_days = Some(0);
        assert_eq!(p.validate(), Err(PolicyError::UpgradeDays { max: 365 }));
        p.free_upgrade_max_days = Some(366);
        assert_eq!(p.validate(), Err(PolicyError::UpgradeDays { max: 365 }));
        p.free_upgrade_max_days = None;
        p.sponsorship_extra_percent = 101;
        assert_eq!(p.validate(), Err(PolicyError::ExtraPercent { max: 100 }));
    }
}

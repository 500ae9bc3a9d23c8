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
pub mod sponsorship;
pub mod stock;
pub mod summer;
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
        /// Young people in summer jobs, as a group (the ledger names no one).
        SummerWorkers = "summer_workers",
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
    #[error("the period ends before it starts")]
    PeriodBackwards,
    #[error("an agreement has from 1 to {max} instalments")]
    Instalments { max: u32 },
    #[error("the club has no account to be paid to in the supplier register")]
    NotPayable,
    #[error("the agreement has been terminated")]
    AgreementClosed,
    #[error("the instalment has already been released, withheld or cancelled")]
    InstalmentClosed,
    #[error("the rules for summer jobs do not hold together")]
    RulesInvalid,
    #[error("the working hours are not a working day")]
    HoursInvalid,
    #[error("minors may not work between {from} and {until}")]
    NightWork { from: u32, until: u32 },
    #[error("minors work at most {max} hours a day")]
    DayTooLong { max: u32 },
    #[error("minors work at most {max} hours a week")]
    WeekTooLong { max: u32 },
    #[error("summer jobs are for those aged {min} to {max} on the first working day")]
    AgeOutside { min: u32, max: u32 },
    #[error("an applicant under 18 needs a guardian's consent")]
    ConsentMissing,
    #[error("no summer-job season is open for applications")]
    NoSeason,
    #[error("a season for that year exists")]
    SeasonExists,
    #[error("the draw is made after applications close")]
    ApplicationsOpen,
    #[error("an application with this e-mail address has been made this season")]
    AlreadyApplied,
    #[error("the seed has already been published and cannot change")]
    SeedPublished,
    #[error("publish the seed before the draw")]
    SeedMissing,
    #[error("the draw has already been made")]
    AlreadyDrawn,
    #[error("the draw has not been made")]
    NotDrawn,
    #[error("the season has no postings with places")]
    NoPlaces,
    #[error("no posting of this season has that number")]
    UnknownPosting,
    #[error("the letters of this season have been sent")]
    LettersSent,
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
            CommunityProblem::PeriodBackwards,
            CommunityProblem::Instalments { max: 24 },
            CommunityProblem::NotPayable,
            CommunityProblem::AgreementClosed,
            CommunityProblem::InstalmentClosed,
            CommunityProblem::RulesInvalid,
            CommunityProblem::HoursInvalid,
            CommunityProblem::NightWork { from: 22, until: 6 },
            CommunityProblem::DayTooLong { max: 8 },
            CommunityProblem::WeekTooLong { max: 40 },
            CommunityProblem::AgeOutside { min: 16, max: 19 },
            CommunityProblem::ConsentMissing,
            CommunityProblem::NoSeason,
            CommunityProblem::SeasonExists,
            CommunityProblem::ApplicationsOpen,
            CommunityProblem::AlreadyApplied,
            CommunityProblem::SeedPublished,
            CommunityProblem::SeedMissing,
            CommunityProblem::AlreadyDrawn,
            CommunityProblem::NotDrawn,
            CommunityProblem::NoPlaces,
            CommunityProblem::UnknownPosting,
            CommunityProblem::LettersSent,
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
            CommunityProblem::PeriodBackwards => "period_backwards",
            CommunityProblem::Instalments { .. } => "instalments",
            CommunityProblem::NotPayable => "not_payable",
            CommunityProblem::AgreementClosed => "agreement_closed",
            CommunityProblem::InstalmentClosed => "instalment_closed",
            CommunityProblem::RulesInvalid => "rules_invalid",
            CommunityProblem::HoursInvalid => "hours_invalid",
            CommunityProblem::NightWork { .. } => "night_work",
            CommunityProblem::DayTooLong { .. } => "day_too_long",
            CommunityProblem::WeekTooLong { .. } => "week_too_long",
            CommunityProblem::AgeOutside { .. } => "age_outside",
            CommunityProblem::ConsentMissing => "consent_missing",
            CommunityProblem::NoSeason => "no_season",
            CommunityProblem::SeasonExists => "season_exists",
            CommunityProblem::ApplicationsOpen => "applications_open",
            CommunityProblem::AlreadyApplied => "already_applied",
            CommunityProblem::SeedPublished => "seed_published",
            CommunityProblem::SeedMissing => "seed_missing",
            CommunityProblem::AlreadyDrawn => "already_drawn",
            CommunityProblem::NotDrawn => "not_drawn",
            CommunityProblem::NoPlaces => "no_places",
            CommunityProblem::UnknownPosting => "unknown_posting",
            CommunityProblem::LettersSent => "letters_sent",
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
            CommunityProblem::PeriodBackwards => "community-problem-period-backwards",
            CommunityProblem::Instalments { .. } => "community-problem-instalments",
            CommunityProblem::NotPayable => "community-problem-not-payable",
            CommunityProblem::AgreementClosed => "community-problem-agreement-closed",
            CommunityProblem::InstalmentClosed => "community-problem-instalment-closed",
            CommunityProblem::RulesInvalid => "community-problem-rules-invalid",
            CommunityProblem::HoursInvalid => "community-problem-hours-invalid",
            CommunityProblem::NightWork { .. } => "community-problem-night-work",
            CommunityProblem::DayTooLong { .. } => "community-problem-day-too-long",
            CommunityProblem::WeekTooLong { .. } => "community-problem-week-too-long",
            CommunityProblem::AgeOutside { .. } => "community-problem-age-outside",
            CommunityProblem::ConsentMissing => "community-problem-consent-missing",
            CommunityProblem::NoSeason => "community-problem-no-season",
            CommunityProblem::SeasonExists => "community-problem-season-exists",
            CommunityProblem::ApplicationsOpen => "community-problem-applications-open",
            CommunityProblem::AlreadyApplied => "community-problem-already-applied",
            CommunityProblem::SeedPublished => "community-problem-seed-published",
            CommunityProblem::SeedMissing => "community-problem-seed-missing",
            CommunityProblem::AlreadyDrawn => "community-problem-already-drawn",
            CommunityProblem::NotDrawn => "community-problem-not-drawn",
            CommunityProblem::NoPlaces => "community-problem-no-places",
            CommunityProblem::UnknownPosting => "community-problem-unknown-posting",
            CommunityProblem::LettersSent => "community-problem-letters-sent",
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
            CommunityProblem::Instalments { max } => vec![("max", max.to_string())],
            CommunityProblem::NightWork { from, until } => {
                vec![("from", from.to_string()), ("until", until.to_string())]
            }
            CommunityProblem::DayTooLong { max } => vec![("max", max.to_string())],
            CommunityProblem::WeekTooLong { max } => vec![("max", max.to_string())],
            CommunityProblem::AgeOutside { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
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

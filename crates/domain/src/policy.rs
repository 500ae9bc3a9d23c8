//! Typed, effective-dated policies per capability, and the presets that modes bundle.
//!
//! Every module asks for the policy in force at the instant in question (`policy_at`), never a
//! global flag. A policy is data: who set it, why, and from when to when. When no row is in force
//! the capability's normal policy applies.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

crate::closed_set! {
    /// The capabilities whose behaviour a policy changes.
    pub enum Capability in "capability" {
        Campaign = "campaign",
        Visits = "visits",
        Credit = "credit",
        Suppliers = "suppliers",
        Portal = "portal",
        Continuity = "continuity",
        Community = "community",
    }
}

crate::closed_set! {
    /// Whether indoor meter visits may be planned.
    pub enum IndoorVisits in "indoor-visits" {
        Allowed = "allowed",
        HouseOwnersOnly = "house_owners_only",
        Paused = "paused",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignPolicy {
    pub indoor_visits: IndoorVisits,
    /// Households that declared "no home visits" are never planned while this holds.
    pub defer_risk_group: bool,
    /// Working days between the interruption notice and the visit (ellagen: "in good time").
    pub notice_working_days: u8,
    /// Indoor visits at house owners only with a window the customer booked.
    pub indoor_requires_booking: bool,
    /// Indoor visits follow the infection routine: the household is asked the day before
    /// whether anyone at home is ill or in quarantine (and may postpone without saying why), and
    /// the technician confirms the routine at each indoor stop (hand hygiene, distance, no
    /// handshake, face mask). Absent in policies recorded before it existed: off.
    #[serde(default)]
    pub indoor_routine: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitsPolicy {
    pub walk_in: bool,
    pub booking_required: bool,
    pub max_present_per_site: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditPolicy {
    pub max_extension_days: u32,
    pub max_amount_ore: i64,
    pub require_clean_history_months: u32,
    pub waive_interest: bool,
    pub auto_approve_up_to_ore: i64,
    pub reminder_grace_days: u32,
    pub max_instalments: u32,
}

/// Which suppliers a temporary shortened term applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "value")]
pub enum SupplierRule {
    All,
    Local,
    Small,
    Trade(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppliersPolicy {
    pub shortened_terms_days: Option<u32>,
    pub applies_to: SupplierRule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalPolicy {
    pub banner_sv: Option<String>,
    pub banner_en: Option<String>,
    /// Offer self-service (extension, booking, deferral) before a chat is queued.
    pub deflect_to_self_service: bool,
    /// The chat's hours on working days while the policy is in force; `None`: the everyday
    /// hours (the `chat.hours` setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_hours: Option<crate::chat::ChatHours>,
}

impl PortalPolicy {
    /// The crisis banner as written for readers of `lang`.
    pub fn banner(&self, lang: crate::customer::Language) -> Option<&str> {
        match lang {
            crate::customer::Language::Sv => self.banner_sv.as_deref(),
            crate::customer::Language::En => self.banner_en.as_deref(),
        }
    }
}

/// One capability's policy body; the variant is the capability.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "capability", content = "rules")]
pub enum PolicyBody {
    Campaign(CampaignPolicy),
    Visits(VisitsPolicy),
    Credit(CreditPolicy),
    Suppliers(SuppliersPolicy),
    Portal(PortalPolicy),
    Continuity(crate::continuity::ContinuityPolicy),
    Community(crate::community::CommunityPolicy),
}

/// A named set of policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Normal,
    Pandemic,
}

impl PolicyBody {
    pub fn capability(&self) -> Capability {
        match self {
            PolicyBody::Campaign(_) => Capability::Campaign,
            PolicyBody::Visits(_) => Capability::Visits,
            PolicyBody::Credit(_) => Capability::Credit,
            PolicyBody::Suppliers(_) => Capability::Suppliers,
            PolicyBody::Portal(_) => Capability::Portal,
            PolicyBody::Continuity(_) => Capability::Continuity,
            PolicyBody::Community(_) => Capability::Community,
        }
    }

    /// The preset values for a capability: everyday operation, or the pandemic measures of 2020.
    pub fn preset(capability: Capability, preset: Preset) -> PolicyBody {
        let pandemic = preset == Preset::Pandemic;
        match capability {
            Capability::Campaign => PolicyBody::Campaign(CampaignPolicy {
                indoor_visits: if pandemic { IndoorVisits::HouseOwnersOnly } else { IndoorVisits::Allowed },
                defer_risk_group: pandemic,
                notice_working_days: 5,
                indoor_requires_booking: pandemic,
                indoor_routine: pandemic,
            }),
            Capability::Visits => PolicyBody::Visits(VisitsPolicy {
                walk_in: !pandemic,
                booking_required: pandemic,
                max_present_per_site: if pandemic { 8 } else { 40 },
            }),
            Capability::Credit => PolicyBody::Credit(CreditPolicy {
                max_extension_days: if pandemic { 60 } else { 30 },
                max_amount_ore: 2_000_000,
                require_clean_history_months: 12,
                waive_interest: pandemic,
                auto_approve_up_to_ore: if pandemic { 500_000 } else { 200_000 },
                reminder_grace_days: 10,
                max_instalments: if pandemic { 6 } else { 3 },
            }),
            Capability::Suppliers => PolicyBody::Suppliers(SuppliersPolicy {
                shortened_terms_days: pandemic.then_some(10),
                applies_to: if pandemic { SupplierRule::Local } else { SupplierRule::All },
            }),
            Capability::Portal => PolicyBody::Portal(PortalPolicy {
                banner_sv: pandemic.then(|| {
                    "Kundcentret tar emot besök endast efter bokning. Använd gärna Mina sidor och chatten.".to_owned()
                }),
                banner_en: pandemic.then(|| {
                    "The customer centre receives visitors by appointment only. Please use My pages and the chat.".to_owned()
                }),
                deflect_to_self_service: pandemic,
                chat_hours: pandemic.then(|| crate::chat::ChatHours {
                    opens: jiff::civil::Time::constant(7, 0, 0, 0),
                    closes: jiff::civil::Time::constant(19, 0, 0, 0),
                }),
            }),
            Capability::Continuity => {
                PolicyBody::Continuity(crate::continuity::ContinuityPolicy::preset(pandemic))
            }
            Capability::Community => {
                PolicyBody::Community(crate::community::CommunityPolicy::preset(pandemic))
            }
        }
    }

    /// Checks values a person could get wrong; the error names the field.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match self {
            PolicyBody::Campaign(c) if c.notice_working_days > 30 => {
                Err(PolicyError::NoticeTooLong { max: 30 })
            }
            PolicyBody::Visits(v) if v.max_present_per_site == 0 => Err(PolicyError::CapZero),
            PolicyBody::Credit(c) if c.max_amount_ore < 0 || c.auto_approve_up_to_ore < 0 => {
                Err(PolicyError::NegativeAmount)
            }
            PolicyBody::Credit(c) if c.auto_approve_up_to_ore > c.max_amount_ore => {
                Err(PolicyError::AutoApproveAboveMax)
            }
            PolicyBody::Credit(c) if c.max_extension_days == 0 || c.max_extension_days > 365 => {
                Err(PolicyError::ExtensionDays { max: 365 })
            }
            PolicyBody::Suppliers(s) if s.shortened_terms_days == Some(0) => {
                Err(PolicyError::TermsZero)
            }
            PolicyBody::Suppliers(SuppliersPolicy {
                applies_to: SupplierRule::Trade(code),
                ..
            }) if crate::suppliers::Trade::parse(code).is_none() => {
                Err(PolicyError::UnknownTrade { code: code.clone() })
            }
            PolicyBody::Community(c) => c.validate(),
            _ => Ok(()),
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising these plain structs cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<PolicyBody, PolicyError> {
        serde_json::from_str(s).map_err(|e| PolicyError::Malformed(e.to_string()))
    }
}

/// What a change of policy changes for one customer; a customer affected by several
/// capabilities at once is told all of them in one message. Stored (as JSON) from the moment the
/// change is made until the message is composed, so the variants only ever gain fields with
/// defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum CustomerChange {
    /// The meter exchange the customer was told of (or booked) no longer happens on that day.
    /// `at_request`: because the household asked for no home visits, said without any reason of
    /// health.
    MeterVisitPostponed {
        job: crate::ids::CampaignJobId,
        planned_on: jiff::civil::Date,
        at_request: bool,
    },
    /// A booked visit to the customer centre is above the cap now in force; the customer is
    /// offered new times (nothing is cancelled).
    VisitOverCap {
        visit: crate::ids::VisitId,
        starts_at: Timestamp,
    },
    /// The customer has an invoice the platform would now grant more time for by itself: they
    /// may ask for up to `max_days` (without late-payment interest when `interest_waived`).
    ExtensionAvailable {
        invoices: u32,
        max_days: u32,
        interest_waived: bool,
    },
}

impl CustomerChange {
    /// The capability whose policy made the change.
    pub fn capability(&self) -> Capability {
        match self {
            CustomerChange::MeterVisitPostponed { .. } => Capability::Campaign,
            CustomerChange::VisitOverCap { .. } => Capability::Visits,
            CustomerChange::ExtensionAvailable { .. } => Capability::Credit,
        }
    }
}

/// A policy row: its body and when it is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub body: PolicyBody,
    pub effective_from: Timestamp,
    /// Exclusive end; `None` means until further notice.
    pub effective_to: Option<Timestamp>,
    pub set_by: String,
    pub reason: String,
}

impl Policy {
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.effective_from <= at && self.effective_to.is_none_or(|to| at < to)
    }
}

/// The pure rule behind `policy_at`: of the policies for `capability` in force at `at`, the one
/// that started latest wins (later entries win ties); with none, the normal preset applies.
pub fn select_in_force(policies: &[Policy], capability: Capability, at: Timestamp) -> PolicyBody {
    policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.body.capability() == capability && p.in_force_at(at))
        .max_by_key(|(i, p)| (p.effective_from, *i))
        .map(|(_, p)| p.body.clone())
        .unwrap_or_else(|| PolicyBody::preset(capability, Preset::Normal))
}

/// Why a policy was refused. `Display` is for logs; people read [`Explain`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("notice_working_days must be at most {max} working days")]
    NoticeTooLong { max: u8 },
    #[error(
        "max_present_per_site must be at least 1; close the site with opening-hour exceptions instead"
    )]
    CapZero,
    #[error("amounts must not be negative")]
    NegativeAmount,
    #[error("auto_approve_up_to_ore must not exceed max_amount_ore")]
    AutoApproveAboveMax,
    #[error("max_extension_days must be between 1 and {max}")]
    ExtensionDays { max: u32 },
    #[error("shortened_terms_days must be at least 1 day, or empty for the standard terms")]
    TermsZero,
    #[error("applies_to names the trade {code:?}, which is not one of the register's trades")]
    UnknownTrade { code: String },
    #[error("gathering_limit.max_people must be at least 1, or no limit")]
    GatheringLimitZero,
    #[error("gathering_limit.source must name the rule the limit comes from")]
    GatheringSourceMissing,
    #[error("free_upgrade_max_days must be between 1 and {max}, or empty when not offered")]
    UpgradeDays { max: u32 },
    #[error("sponsorship_extra_percent must be at most {max}")]
    ExtraPercent { max: u32 },
    #[error("policy body is not valid JSON for its capability: {0}")]
    Malformed(String),
    #[error("the policy ends before it starts: effective_to must be after effective_from")]
    EndsBeforeStart,
    #[error("a mode named {name:?} exists")]
    ModeExists { name: String },
}

impl PolicyError {
    /// The policy field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::NoticeTooLong { .. } => "notice_working_days",
            PolicyError::CapZero => "max_present_per_site",
            PolicyError::NegativeAmount => "max_amount_ore",
            PolicyError::AutoApproveAboveMax => "auto_approve_up_to_ore",
            PolicyError::ExtensionDays { .. } => "max_extension_days",
            PolicyError::TermsZero => "shortened_terms_days",
            PolicyError::UnknownTrade { .. } => "applies_to",
            PolicyError::GatheringLimitZero => "gathering_limit",
            PolicyError::GatheringSourceMissing => "gathering_limit_source",
            PolicyError::UpgradeDays { .. } => "free_upgrade_max_days",
            PolicyError::ExtraPercent { .. } => "sponsorship_extra_percent",
            PolicyError::Malformed(_) => "policy",
            PolicyError::EndsBeforeStart => "effective_to",
            PolicyError::ModeExists { .. } => "name",
        }
    }

    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<PolicyError> {
        vec![
            PolicyError::NoticeTooLong { max: 30 },
            PolicyError::CapZero,
            PolicyError::NegativeAmount,
            PolicyError::AutoApproveAboveMax,
            PolicyError::ExtensionDays { max: 365 },
            PolicyError::TermsZero,
            PolicyError::UnknownTrade {
                code: "astrology".into(),
            },
            PolicyError::GatheringLimitZero,
            PolicyError::GatheringSourceMissing,
            PolicyError::UpgradeDays { max: 365 },
            PolicyError::ExtraPercent { max: 100 },
            PolicyError::Malformed("x".into()),
            PolicyError::EndsBeforeStart,
            PolicyError::ModeExists {
                name: "Pandemi 2020".into(),
            },
        ]
    }
}

impl crate::problem::Explain for PolicyError {
    fn message_key(&self) -> &'static str {
        match self {
            PolicyError::NoticeTooLong { .. } => "policy-problem-notice-too-long",
            PolicyError::CapZero => "policy-problem-cap-zero",
            PolicyError::NegativeAmount => "policy-problem-negative-amount",
            PolicyError::AutoApproveAboveMax => "policy-problem-auto-approve-above-max",
            PolicyError::ExtensionDays { .. } => "policy-problem-extension-days",
            PolicyError::TermsZero => "policy-problem-terms-zero",
            PolicyError::UnknownTrade { .. } => "policy-problem-unknown-trade",
            PolicyError::GatheringLimitZero => "policy-problem-gathering-limit-zero",
            PolicyError::GatheringSourceMissing => "policy-problem-gathering-source",
            PolicyError::UpgradeDays { .. } => "policy-problem-upgrade-days",
            PolicyError::ExtraPercent { .. } => "policy-problem-extra-percent",
            PolicyError::Malformed(_) => "policy-problem-malformed",
            PolicyError::EndsBeforeStart => "problem-ends-before-start",
            PolicyError::ModeExists { .. } => "policy-problem-mode-exists",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PolicyError::NoticeTooLong { max } => vec![("max", max.to_string())],
            PolicyError::ExtensionDays { max } => vec![("max", max.to_string())],
            PolicyError::ModeExists { name } => vec![("name", name.clone())],
            PolicyError::UnknownTrade { code } => vec![("code", code.clone())],
            PolicyError::UpgradeDays { max } | PolicyError::ExtraPercent { max } => {
                vec![("max", max.to_string())]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_suppliers_policy_names_only_trades_of_the_register() {
        let policy = |code: &str| {
            PolicyBody::Suppliers(SuppliersPolicy {
                shortened_terms_days: Some(10),
                applies_to: SupplierRule::Trade(code.into()),
            })
        };
        assert_eq!(policy("excavation").validate(), Ok(()));
        assert_eq!(
            policy("astrology").validate(),
            Err(PolicyError::UnknownTrade {
                code: "astrology".into()
            })
        );
    }

    #[test]
    fn presets_are_valid_and_round_trip() {
        for &c in Capability::ALL {
            for p in [Preset::Normal, Preset::Pandemic] {
                let body = PolicyBody::preset(c, p);
                body.validate().unwrap();
                assert_eq!(body.capability(), c);
                assert_eq!(PolicyBody::from_json(&body.to_json()).unwrap(), body);
            }
        }
    }

    #[test]
    fn latest_start_in_force_wins_and_ends_are_exclusive() {
        let normal = PolicyBody::preset(Capability::Visits, Preset::Normal);
        let pandemic = PolicyBody::preset(Capability::Visits, Preset::Pandemic);
        let ps = vec![
            Policy {
                body: normal.clone(),
                effective_from: ts("2020-01-01T00:00:00Z"),
                effective_to: None,
                set_by: "a".into(),
                reason: "r".into(),
            },
            Policy {
                body: pandemic.clone(),
                effective_from: ts("2020-03-16T00:00:00Z"),
                effective_to: Some(ts("2021-10-01T00:00:00Z")),
                set_by: "a".into(),
                reason: "Covid-19".into(),
            },
        ];
        assert_eq!(
            select_in_force(&ps, Capability::Visits, ts("2020-03-15T23:59:59Z")),
            normal
        );
        assert_eq!(
            select_in_force(&ps, Capability::Visits, ts("2020-03-16T00:00:00Z")),
            pandemic
        );
        assert_eq!(
            select_in_force(&ps, Capability::Visits, ts("2021-10-01T00:00:00Z")),
            normal
        );
        // No row for a capability: the normal preset.
        assert_eq!(
            select_in_force(&ps, Capability::Credit, ts("2020-05-01T00:00:00Z")),
            PolicyBody::preset(Capability::Credit, Preset::Normal)
        );
    }

    #[test]
    fn validation_names_the_field() {
        let mut body = PolicyBody::preset(Capability::Visits, Preset::Pandemic);
        if let PolicyBody::Visits(v) = &mut body {
            v.max_present_per_site = 0;
        }
        let e = body.validate().unwrap_err();
        assert_eq!(e.field(), "max_present_per_site");
        assert!(
            PolicyBody::from_json(r#"{"capability":"visits","rules":{"walk_in":true}}"#).is_err()
        );
    }
}

//! Crisis modes: named, versioned bundles of one policy per capability, and the four-eyes
//! activation that switches the whole company into one and back.
//!
//! A mode is edited as data (one [`PolicyBody`] per capability, checked by
//! [`PolicyBody::validate`]); every save bumps its version. An activation is proposed for a mode
//! at the version the proposer previewed, approved by someone else, and then runs through the
//! states of [`ActivationStatus`]. The rules here are pure: who may approve, which transitions
//! exist, whether two activations overlap. Presets (`normal`, `pandemic`) are data files shipped
//! with the product (`crates/domain/presets/*.json`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;

use crate::policy::{Capability, PolicyBody, PolicyError, Preset};

crate::closed_set! {
    /// Where an activation of a mode stands.
    pub enum ActivationStatus in "activation-status" {
        /// Proposed; waiting for a second person to approve it.
        AwaitingApproval = "awaiting_approval",
        /// Approved; starts at its start instant.
        Scheduled = "scheduled",
        /// Its start instant has come: the capabilities are being moved, one step each.
        Activating = "activating",
        /// Every capability runs under the mode.
        Active = "active",
        /// Its end has come: the capabilities are being moved back.
        Ending = "ending",
        /// Over: the policies in force before it apply again.
        Ended = "ended",
        /// The second person said no.
        Rejected = "rejected",
        /// The proposer took it back before it was approved.
        Withdrawn = "withdrawn",
    }
}

crate::closed_set! {
    /// The half of an activation a step belongs to.
    pub enum StepPhase in "modes-phase" {
        /// Moving each capability into the mode.
        Start = "start",
        /// Moving each capability back at the end.
        End = "end",
    }
}

impl ActivationStatus {
    /// Approved and not over: its interval holds policy rows.
    pub fn holds_policies(self) -> bool {
        matches!(
            self,
            ActivationStatus::Scheduled
                | ActivationStatus::Activating
                | ActivationStatus::Active
                | ActivationStatus::Ending
        )
    }
}

crate::closed_set! {
    /// What an entry of the crisis log records.
    pub enum LogKind in "crisis-log-kind" {
        ModeCreated = "mode_created",
        ModeEdited = "mode_edited",
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        Activated = "activated",
        EndProposed = "end_proposed",
        EndApproved = "end_approved",
        Ended = "ended",
        /// A decision taken by hand, written down with who, when and why.
        Measure = "measure",
        /// The reminder that a planned end is a week away.
        EndReminder = "end_reminder",
    }
}

/// Why a step of a mode's life was refused. People read [`crate::problem::Explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModeProblem {
    /// The proposer (or the person who asked to end it) cannot also approve.
    SamePerson,
    /// The activation is not in a state that allows this step.
    WrongState { status: ActivationStatus },
    /// Another approved activation overlaps this one's interval.
    Overlaps { activation: i64 },
    /// The mode changed after the preview: preview again.
    StaleVersion { previewed: i64, current: i64 },
    /// The start lies in the past (more than a minute ago).
    StartsInThePast,
    /// A mode needs a name.
    NameRequired,
    /// Another mode has that name.
    NameTaken,
    /// The mode lacks a policy for a capability.
    MissingPolicy { capability: Capability },
    /// An ended or rejected activation cannot be ended.
    NotEndable,
}

impl ModeProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<ModeProblem> {
        vec![
            ModeProblem::SamePerson,
            ModeProblem::WrongState {
                status: ActivationStatus::Active,
            },
            ModeProblem::Overlaps { activation: 3 },
            ModeProblem::StaleVersion {
                previewed: 2,
                current: 3,
            },
            ModeProblem::StartsInThePast,
            ModeProblem::NameRequired,
            ModeProblem::NameTaken,
            ModeProblem::MissingPolicy {
                capability: Capability::Visits,
            },
            ModeProblem::NotEndable,
        ]
    }
}

impl crate::problem::Explain for ModeProblem {
    fn message_key(&self) -> &'static str {
        match self {
            ModeProblem::SamePerson => "modes-problem-same-person",
            ModeProblem::WrongState { .. } => "modes-problem-wrong-state",
            ModeProblem::Overlaps { .. } => "modes-problem-overlaps",
            ModeProblem::StaleVersion { .. } => "modes-problem-stale-version",
            ModeProblem::StartsInThePast => "modes-problem-starts-in-the-past",
            ModeProblem::NameRequired => "modes-problem-name-required",
            ModeProblem::NameTaken => "modes-problem-name-taken",
            ModeProblem::MissingPolicy { .. } => "modes-problem-missing-policy",
            ModeProblem::NotEndable => "modes-problem-not-endable",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ModeProblem::WrongState { status } => vec![("status", status.as_str().to_owned())],
            ModeProblem::Overlaps { activation } => vec![("activation", activation.to_string())],
            ModeProblem::StaleVersion { previewed, current } => vec![
                ("previewed", previewed.to_string()),
                ("current", current.to_string()),
            ],
            ModeProblem::MissingPolicy { capability } => {
                vec![("capability", capability.as_str().to_owned())]
            }
            _ => Vec::new(),
        }
    }
}

/// A preset as shipped: names and descriptions in both languages and one policy per
/// capability.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetData {
    pub name_sv: String,
    pub name_en: String,
    pub description_sv: String,
    pub description_en: String,
    pub policies: Vec<PolicyBody>,
}

impl PresetData {
    /// The preset's data file, compiled into the binary.
    pub fn of(preset: Preset) -> PresetData {
        let source = match preset {
            Preset::Normal => include_str!("../presets/normal.json"),
            Preset::Pandemic => include_str!("../presets/pandemic.json"),
        };
        // The files are part of the build and checked by a test; a broken one is a build bug.
        serde_json::from_str(source).unwrap_or_else(|e| panic!("preset {preset:?}: {e}"))
    }

    /// The preset's policy for one capability.
    pub fn policy(&self, capability: Capability) -> Option<&PolicyBody> {
        self.policies.iter().find(|p| p.capability() == capability)
    }
}

/// A mode's policies, one per capability, checked.
pub fn check_policies(
    policies: &BTreeMap<Capability, PolicyBody>,
) -> Result<(), (Capability, PolicyError)> {
    for (&c, body) in policies {
        body.validate().map_err(|e| (c, e))?;
    }
    Ok(())
}

/// The first capability a mode has no policy for.
pub fn missing_capability(policies: &BTreeMap<Capability, PolicyBody>) -> Option<Capability> {
    Capability::ALL
        .iter()
        .copied()
        .find(|c| !policies.contains_key(c))
}

/// The form and API name of the policy field an error is about: `visits.max_present_per_site`.
pub fn policy_field_path(capability: Capability, e: &PolicyError) -> &'static str {
    match e {
        PolicyError::NoticeTooLong { .. } => "campaign.notice_working_days",
        PolicyError::CapZero => "visits.max_present_per_site",
        PolicyError::NegativeAmount => "credit.max_amount_ore",
        PolicyError::AutoApproveAboveMax => "credit.auto_approve_up_to_ore",
        PolicyError::ExtensionDays { .. } => "credit.max_extension_days",
        PolicyError::TermsZero => "suppliers.shortened_terms_days",
        PolicyError::UnknownTrade { .. } => "suppliers.applies_to",
        PolicyError::GatheringLimitZero => "community.gathering_limit.max_people",
        PolicyError::GatheringSourceMissing => "community.gathering_limit.source",
        PolicyError::UpgradeDays { .. } => "community.free_upgrade_max_days",
        PolicyError::ExtraPercent { .. } => "community.sponsorship_extra_percent",
        PolicyError::Malformed(_)
        | PolicyError::EndsBeforeStart
        | PolicyError::ModeExists { .. } => capability.as_str(),
    }
}

/// A mode's name: trimmed, 1–80 characters.
pub fn check_name(name: &str) -> Result<&str, ModeProblem> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ModeProblem::NameRequired);
    }
    Ok(name)
}

/// A second person's approval: never the proposer's own.
pub fn may_approve(proposed_by: i64, approver: i64) -> Result<(), ModeProblem> {
    if proposed_by == approver {
        Err(ModeProblem::SamePerson)
    } else {
        Ok(())
    }
}

/// Whether two half-open intervals `[from, to)` (`to = None`: until further notice) overlap.
pub fn overlaps(a: (Timestamp, Option<Timestamp>), b: (Timestamp, Option<Timestamp>)) -> bool {
    let a_before_b_ends = b.1.is_none_or(|b_to| a.0 < b_to);
    let b_before_a_ends = a.1.is_none_or(|a_to| b.0 < a_to);
    a_before_b_ends && b_before_a_ends
}

/// The state an approval moves an activation to: scheduled for a later start, activating for
/// a start that has come.
pub fn approved_status(from: Timestamp, now: Timestamp) -> ActivationStatus {
    if from > now {
        ActivationStatus::Scheduled
    } else {
        ActivationStatus::Activating
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn presets_are_data_with_a_valid_policy_for_every_capability() {
        for preset in [Preset::Normal, Preset::Pandemic] {
            let data = PresetData::of(preset);
            let map: BTreeMap<_, _> = data
                .policies
                .iter()
                .map(|p| (p.capability(), p.clone()))
                .collect();
            assert_eq!(
                map.len(),
                data.policies.len(),
                "{preset:?}: one per capability"
            );
            assert_eq!(missing_capability(&map), None, "{preset:?}");
            check_policies(&map).unwrap();
            for (&c, body) in &map {
                assert_eq!(*body, PolicyBody::preset(c, preset), "{preset:?} {c}");
            }
        }
    }

    #[test]
    fn the_proposer_never_approves() {
        assert_eq!(may_approve(7, 7), Err(ModeProblem::SamePerson));
        assert_eq!(may_approve(7, 8), Ok(()));
    }

    #[test]
    fn intervals_overlap_half_open() {
        let a = (ts("2020-03-16T00:00:00Z"), Some(ts("2020-06-01T00:00:00Z")));
        let b = (ts("2020-06-01T00:00:00Z"), None);
        assert!(!overlaps(a, b), "an end is exclusive");
        assert!(overlaps(a, (ts("2020-05-31T23:00:00Z"), None)));
        assert!(overlaps((ts("2020-01-01T00:00:00Z"), None), b));
        assert!(!overlaps(
            b,
            (ts("2020-01-01T00:00:00Z"), Some(ts("2020-02-01T00:00:00Z")))
        ));
    }

    #[test]
    fn approval_schedules_a_later_start_and_activates_one_that_has_come() {
        let now = ts("2020-03-16T10:00:00Z");
        assert_eq!(
            approved_status(ts("2020-03-17T00:00:00Z"), now),
            ActivationStatus::Scheduled
        );
        assert_eq!(approved_status(now, now), ActivationStatus::Activating);
    }
}

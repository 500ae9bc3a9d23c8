//! The campaign's policy hook: what a campaign policy means, what a change of it would do to
//! the open campaign, and the change itself, idempotent under its key.
//!
//! A campaign policy never leaves a declared household in the plan: a policy in force at once
//! classifies the campaign in the transaction that records each postponed household's change,
//! and the moments it starts and ends queue re-plans (which classify first) keyed by the key.

use domain::policy::{CampaignPolicy, Capability, CustomerChange, IndoorVisits, PolicyBody};
use futures_util::future::BoxFuture;
use views::messages::policy::ChangeItem;

use super::classify::{Reclassification, Tell};
use super::run::queue_replan;
use super::{Campaign, campaign_policy};
use crate::capability::{Impact, Measure, PolicyChange, PolicyHook};
use crate::error::Result;
use crate::{Actor, ServiceError};

/// What a campaign policy means, one measure per line: who is visited indoors first, then
/// what holds for declared households, bookings and notices.
pub(super) fn measures(p: &CampaignPolicy) -> Vec<Measure> {
    let mut m = vec![Measure::new(match p.indoor_visits {
        IndoorVisits::Allowed => "campaign-measure-indoor-allowed",
        IndoorVisits::HouseOwnersOnly => "campaign-measure-indoor-house-owners",
        IndoorVisits::Paused => "campaign-measure-indoor-paused",
    })];
    if p.defer_risk_group {
        m.push(Measure::new("campaign-measure-declared-deferred"));
    }
    if p.indoor_requires_booking {
        m.push(Measure::new("campaign-measure-booking-required"));
    }
    if p.indoor_routine {
        m.push(Measure::new("campaign-measure-indoor-routine"));
    }
    m.push(Measure::new("campaign-measure-notice-days").with("days", p.notice_working_days));
    m
}

impl Campaign {
    /// What classifying the open campaign under `change.after` would do, against what is
    /// stored, without writing anything. No open campaign: an empty impact.
    pub async fn preview(&self, change: &PolicyChange) -> Result<Impact> {
        let policy = campaign_policy(&change.after)?;
        let Some(campaign) = store::campaign::open_campaign(self.s.store()).await? else {
            return Ok(Impact::new(Capability::Campaign));
        };
        let declared = self.declared(&Actor::system()).await?;
        let jobs = store::campaign::jobs(self.s.store(), campaign.id).await?;
        Ok(Reclassification::of(&jobs, &policy, &declared).impact())
    }

    /// Queues the re-plans at the change's start and end (keyed `<key>:from` and `<key>:to`)
    /// and, when `change.after` is in force now, classifies the open campaign under it,
    /// recording each postponed household's change under `key`. The caller then tells the
    /// customers (`Services::tell_customers(key)`).
    pub async fn apply(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let policy = campaign_policy(&change.after)?;
        let now = self.s.now();
        let now_micros = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        for (at, what) in [(Some(change.at), "from"), (change.until, "to")] {
            if let Some(at) = at {
                let at = domain::time::to_micros(at).max(now_micros);
                queue_replan(&mut tx, at, &format!("{key}:{what}"), now_micros).await?;
            }
        }
        tx.commit().await?;
        if !change.in_force_at(now) {
            return Ok(Impact::new(Capability::Campaign));
        }
        let by = Actor {
            name: format!("policy change {key}"),
            ..Actor::system()
        };
        match self.classify_with(&by, &policy, Tell::Recorded(key)).await {
            Ok(r) => Ok(r.impact()),
            Err(ServiceError::NotFound) => Ok(Impact::new(Capability::Campaign)),
            Err(e) => Err(e),
        }
    }

    /// What the message to a customer says about a postponed visit: the street of the meter.
    async fn change_item(&self, change: &CustomerChange) -> Result<ChangeItem> {
        match change {
            CustomerChange::MeterVisitPostponed {
                job,
                planned_on,
                at_request,
            } => {
                let street = store::campaign::job_street(self.s.store(), *job)
                    .await?
                    .ok_or_else(|| ServiceError::Internal(format!("campaign job {job} gone")))?;
                Ok(ChangeItem::MeterVisitPostponed {
                    street,
                    planned_on: *planned_on,
                    at_request: *at_request,
                })
            }
            other => Err(ServiceError::Internal(format!(
                "the campaign hook was asked about a {} change",
                other.capability()
            ))),
        }
    }
}

impl PolicyHook for Campaign {
    fn capability(&self) -> Capability {
        Capability::Campaign
    }

    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        match policy {
            PolicyBody::Campaign(p) => measures(p),
            _ => Vec::new(),
        }
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(Campaign::preview(self, change))
    }

    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(Campaign::apply(self, change, key))
    }

    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>> {
        Box::pin(Campaign::change_item(self, change))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::policy::Preset;

    fn policy(p: Preset) -> CampaignPolicy {
        match PolicyBody::preset(Capability::Campaign, p) {
            PolicyBody::Campaign(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_policy_is_described_by_what_differs_first() {
        let normal = measures(&policy(Preset::Normal));
        assert_eq!(normal[0].key, "campaign-measure-indoor-allowed");
        assert!(
            !normal
                .iter()
                .any(|m| m.key == "campaign-measure-declared-deferred")
        );
        let pandemic = measures(&policy(Preset::Pandemic));
        let keys: Vec<_> = pandemic.iter().map(|m| m.key).collect();
        assert_eq!(
            keys,
            [
                "campaign-measure-indoor-house-owners",
                "campaign-measure-declared-deferred",
                "campaign-measure-booking-required",
                "campaign-measure-indoor-routine",
                "campaign-measure-notice-days",
            ]
        );
        let days = policy(Preset::Pandemic).notice_working_days.to_string();
        assert_eq!(pandemic[4].args, vec![("days", days)]);
    }
}

//! The community policy's hook for crisis mode: what a policy means (the gathering limit and its
//! source, free upgrades, sponsorship measures), what a change would do (approved events now
//! above the limit, whose organisers are told; businesses that may ask for a free upgrade;
//! sponsorship instalments that get extra support or are paid despite cancelled matches), and
//! doing it once under a key. The policy is read at each request, so upgrades and applications
//! follow it without the hook; upgrades already granted run to their end. Organisers and
//! businesses are told by e-mail; the hook records no customer changes.

use domain::community::CommunityPolicy;
use domain::policy::{Capability, CustomerChange, PolicyBody};
use futures_util::future::BoxFuture;
use jiff::civil::Date;
use store::community::EventRow;
use views::messages::policy::ChangeItem;

use super::Community;
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook};
use crate::error::{Result, ServiceError};

fn community_policy(body: &PolicyBody) -> Result<&CommunityPolicy> {
    match body {
        PolicyBody::Community(p) => Ok(p),
        other => Err(ServiceError::Internal(format!(
            "the community hook was given a {} policy",
            other.capability()
        ))),
    }
}

/// What a community policy says.
pub fn measures(p: &CommunityPolicy) -> Vec<Measure> {
    let mut out = Vec::new();
    out.push(match &p.gathering_limit {
        Some(l) => Measure::new("community-measure-gathering-limit")
            .with("max", l.max_people)
            .with("source", l.source.clone()),
        None => Measure::new("community-measure-no-gathering-limit"),
    });
    out.push(match p.free_upgrade_max_days {
        Some(days) => Measure::new("community-measure-free-upgrades").with("days", days),
        None => Measure::new("community-measure-no-free-upgrades"),
    });
    if p.sponsorship_extra_percent > 0 {
        out.push(
            Measure::new("community-measure-sponsorship-extra")
                .with("percent", p.sponsorship_extra_percent),
        );
    }
    if p.sponsorship_pay_cancelled {
        out.push(Measure::new("community-measure-sponsorship-cancelled"));
    }
    out
}

/// What a change does, and what applying it needs.
struct Plan {
    impact: Impact,
    /// Approved events above the new limit, with the first day of the limit.
    over_limit: Vec<EventRow>,
    from: Date,
}

impl Community {
    async fn change_plan(&self, change: &PolicyChange) -> Result<Plan> {
        let before = community_policy(&change.before)?;
        let after = community_policy(&change.after)?;
        let tz = self.s.tz().clone();
        let from = domain::time::civil_date(change.at, &tz);
        let until = change.until.map(|u| domain::time::civil_date(u, &tz));
        let store = self.s.store();
        let mut impact = Impact::new(Capability::Community);
        let over_limit: Vec<EventRow> = match &after.gathering_limit {
            None => Vec::new(),
            Some(limit) => store::community::approved_from(store, from)
                .await?
                .into_iter()
                .filter(|e| until.is_none_or(|u| e.event_on < u))
                .filter(|e| e.expected_attendees > limit.max_people)
                .collect(),
        };
        impact.effects.push(Effect::count(
            "events_above_limit",
            over_limit.iter().map(|e| e.id.get()).collect(),
        ));
        impact.effects.push(Effect::count(
            "organisers_told",
            over_limit
                .iter()
                .filter(|e| e.contact_email.is_some())
                .map(|e| e.id.get())
                .collect(),
        ));
        impact.effects.push(Effect::figure(
            "gathering_limit",
            after
                .gathering_limit
                .as_ref()
                .map_or(0, |l| i64::from(l.max_people)),
        ));
        let offered = after.free_upgrade_max_days.is_some();
        let businesses = if offered && before.free_upgrade_max_days.is_none() {
            store::community::upgrades::businesses_with_broadband(store)
                .await?
                .into_iter()
                .map(|c| c.get())
                .collect()
        } else {
            Vec::new()
        };
        impact
            .effects
            .push(Effect::count("businesses_offered_upgrades", businesses));
        impact.effects.push(Effect::figure(
            "free_upgrade_max_days",
            i64::from(after.free_upgrade_max_days.unwrap_or(0)),
        ));
        impact.effects.push(Effect::figure(
            "sponsorship_extra_percent",
            i64::from(after.sponsorship_extra_percent),
        ));
        // Instalments due while the policy is in force: the extra support they would get, and
        // those for cancelled matches that would now be paid instead of withheld.
        let planned = store::community::sponsorship::planned_between(store, from, until).await?;
        let extra: i64 = planned
            .iter()
            .map(|i| i.base.ore() * i64::from(after.sponsorship_extra_percent) / 100)
            .sum();
        impact.effects.push(Effect::count(
            "instalments_with_extra",
            if after.sponsorship_extra_percent > 0 {
                planned.iter().map(|i| i.id.get()).collect()
            } else {
                Vec::new()
            },
        ));
        impact
            .effects
            .push(Effect::figure("sponsorship_extra_ore", extra));
        impact.effects.push(Effect::count(
            "cancelled_instalments_paid",
            if after.sponsorship_pay_cancelled && !before.sponsorship_pay_cancelled {
                planned
                    .iter()
                    .filter(|i| i.matches_cancelled)
                    .map(|i| i.id.get())
                    .collect()
            } else {
                Vec::new()
            },
        ));
        Ok(Plan {
            impact,
            over_limit,
            from,
        })
    }

    async fn apply_change(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let plan = self.change_plan(change).await?;
        let Some(limit) = community_policy(&change.after)?.gathering_limit.clone() else {
            return Ok(plan.impact);
        };
        let mut tx = self.s.store().begin().await?;
        for e in &plan.over_limit {
            if !store::community::mark_over_limit(&mut tx, e.id, key).await? {
                continue;
            }
            let Some(to) = e.contact_email.as_deref() else {
                continue;
            };
            let message = views::messages::community::EventOverLimit {
                organiser: e.organiser.clone(),
                place: e.place.clone(),
                date: e.event_on,
                expected: e.expected_attendees,
                max_people: limit.max_people,
                source: limit.source.clone(),
                from: plan.from,
            };
            self.email(
                &mut tx,
                to,
                &message,
                format!("community:{key}:event:{}", e.id.get()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(plan.impact)
    }
}

impl PolicyHook for Community {
    fn capability(&self) -> Capability {
        Capability::Community
    }

    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        community_policy(policy).map(measures).unwrap_or_default()
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(async move { Ok(self.change_plan(change).await?.impact) })
    }

    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.apply_change(change, key))
    }

    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>> {
        Box::pin(async move {
            Err(ServiceError::Internal(format!(
                "community records no customer changes, yet was asked to describe {change:?}"
            )))
        })
    }
}

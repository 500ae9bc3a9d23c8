//! The customer centre's policy hook: what a visits policy means, what a change of it would do
//! (the booked visits above a lowered cap, walk-ins stopped, and each customer to tell), and
//! applying it under a key.

use domain::policy::{Capability, CustomerChange, PolicyBody, VisitsPolicy};
use domain::time::{format_datetime, to_micros};
use futures_util::future::BoxFuture;
use views::messages::policy::ChangeItem;

use super::Visits;
use super::caps::{Caps, Telling, over_cap_change};
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook};
use crate::error::{Result, ServiceError};

/// Effects a change of the visits policy has, by their stable names.
pub const VISITS_OVER_CAP: &str = "visits_over_cap";
pub const WALK_IN_STOPPED: &str = "walk_in_stopped";

/// The visits policies before and after a change.
fn policies(change: &PolicyChange) -> Result<(&VisitsPolicy, &VisitsPolicy)> {
    match (&change.before, &change.after) {
        (PolicyBody::Visits(b), PolicyBody::Visits(a)) => Ok((b, a)),
        _ => Err(ServiceError::Internal(format!(
            "a change of the {} policy given to the visits hook",
            change.capability()
        ))),
    }
}

/// Walk-ins were allowed before and are not after: 1, else 0.
fn walk_in_stopped(before: &VisitsPolicy, after: &VisitsPolicy) -> Effect {
    Effect {
        value: i64::from(before.walk_in && !after.walk_in),
        ..Effect::count(WALK_IN_STOPPED, Vec::new())
    }
}

impl Visits {
    /// The caps on record with the change laid over them from `at` (until `until`).
    async fn caps_under(&self, change: &PolicyChange, after: &VisitsPolicy) -> Result<Caps> {
        Ok(self.caps().await?.with_change(
            after.clone(),
            to_micros(change.at),
            change.until.map(to_micros),
        ))
    }

    async fn preview_change(&self, change: &PolicyChange) -> Result<Impact> {
        let (before, after) = policies(change)?;
        let caps = self.caps_under(change, after).await?;
        let (now, at) = (self.now(), to_micros(change.at));
        let mut over = Vec::new();
        let mut customers = Vec::new();
        for check in self.check_sites(&caps).await? {
            for v in check.upcoming_over(now).filter(|v| v.ends_at > at) {
                over.push(v.id.get());
                if let (None, Some(c)) = (v.flagged_at, v.customer_id) {
                    customers.push((c, over_cap_change(v)));
                }
            }
        }
        Ok(Impact {
            capability: Capability::Visits,
            effects: vec![
                Effect::count(VISITS_OVER_CAP, over),
                walk_in_stopped(before, after),
            ],
            customers,
        })
    }

    async fn apply_change(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let (before, after) = policies(change)?;
        let caps = self.caps_under(change, after).await?;
        let done = self.reconcile(&caps, Telling::Under(key)).await?;
        let at = to_micros(change.at);
        let over = done
            .over
            .iter()
            .filter(|(_, ends_at)| *ends_at > at)
            .map(|(id, _)| id.get())
            .collect();
        Ok(Impact {
            capability: Capability::Visits,
            effects: vec![
                Effect::count(VISITS_OVER_CAP, over),
                walk_in_stopped(before, after),
            ],
            customers: done.recorded,
        })
    }

    async fn item(&self, change: &CustomerChange) -> Result<ChangeItem> {
        let CustomerChange::VisitOverCap { visit, starts_at } = change else {
            return Err(ServiceError::Internal(format!(
                "not a change of the visits capability: {change:?}"
            )));
        };
        let v = store::visits::visit(self.store(), *visit)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let site = store::visits::site(self.store(), v.site_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(ChangeItem::VisitOverCap {
            when: format_datetime(*starts_at, self.s.tz()),
            site: site.name,
            link: self.visit_link(*visit).await?,
        })
    }
}

impl PolicyHook for Visits {
    fn capability(&self) -> Capability {
        Capability::Visits
    }

    /// Booking only, no walk-ins, and the cap on people present (always said).
    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        let PolicyBody::Visits(p) = policy else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if p.booking_required {
            out.push(Measure::new("visits-measure-booking-required"));
        }
        if !p.walk_in {
            out.push(Measure::new("visits-measure-walk-ins-off"));
        }
        out.push(Measure::new("visits-measure-cap").with("max", p.max_present_per_site));
        out
    }

    /// The booked visits from `change.at` on that would be above the new cap or the staffed
    /// desks (flagged already or not), walk-ins stopped, and each customer whose visit would be
    /// flagged now.
    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.preview_change(change))
    }

    /// Flags the visits above the caps under the change (and clears flags that fit again),
    /// recording each customer's flagged visit under `key`; visitors who are no customer of
    /// record are told at once. The effects are what stands after it; the customers are those
    /// recorded by this call (a second call under the key records none).
    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.apply_change(change, key))
    }

    /// The time of the visit, the site, and the link to choose another time.
    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>> {
        Box::pin(self.item(change))
    }
}

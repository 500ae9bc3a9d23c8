//! The portal's policy hook. The portal policy is a banner on every page, whether the chat
//! offers self-service before it queues, and the chat's hours; all are read per request from
//! the policy in force, so a change has nothing to do at once and tells no customer anything
//! (the banner and the public crisis page are what tell them).

use domain::chat::ChatHours;
use domain::policy::{Capability, CustomerChange, PolicyBody, PortalPolicy};
use futures_util::future::BoxFuture;

use super::Portal;
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook};
use crate::error::{Result, ServiceError};

/// The effect keys (people read `effect-portal-<key>`).
pub const BANNER_SHOWN: &str = "banner_shown";
pub const DEFLECTION_ON: &str = "deflection_on";
/// The chat's opening and closing on working days once the change is in force (hhmm).
pub const CHAT_OPENS: &str = "chat_opens_time";
pub const CHAT_CLOSES: &str = "chat_closes_time";

fn portal_policy(body: &PolicyBody) -> Result<&PortalPolicy> {
    match body {
        PolicyBody::Portal(p) => Ok(p),
        other => Err(ServiceError::Internal(format!(
            "the portal hook was given a {} policy",
            other.capability()
        ))),
    }
}

/// What a change does: whether the banner shows, whether the chat deflects, and the chat's
/// hours once it is in force (the policy's own, else `everyday`). No customer is recorded: the
/// portal keeps nothing per customer.
fn impact(change: &PolicyChange, everyday: ChatHours) -> Result<Impact> {
    let after = portal_policy(&change.after)?;
    let hours = after.chat_hours.unwrap_or(everyday);
    let mut impact = Impact::new(Capability::Portal);
    impact.effects = vec![
        Effect::figure(BANNER_SHOWN, i64::from(banner(after).is_some())),
        Effect::figure(DEFLECTION_ON, i64::from(after.deflect_to_self_service)),
        Effect::figure(CHAT_OPENS, ChatHours::hhmm(hours.opens)),
        Effect::figure(CHAT_CLOSES, ChatHours::hhmm(hours.closes)),
    ];
    Ok(impact)
}

impl Portal {
    async fn impact(&self, change: &PolicyChange) -> Result<Impact> {
        impact(change, self.s.chat().everyday_hours().await?)
    }
}

/// The banner of a policy in each language (English falls back to the Swedish text), or
/// `None` when it has none.
fn banner(p: &PortalPolicy) -> Option<(&str, &str)> {
    let sv = p.banner_sv.as_deref().filter(|b| !b.trim().is_empty());
    let en = p.banner_en.as_deref().filter(|b| !b.trim().is_empty());
    match (sv, en) {
        (Some(sv), en) => Some((sv, en.unwrap_or(sv))),
        (None, Some(en)) => Some((en, en)),
        (None, None) => None,
    }
}

impl PolicyHook for Portal {
    fn capability(&self) -> Capability {
        Capability::Portal
    }

    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        let Ok(p) = portal_policy(policy) else {
            return Vec::new();
        };
        let banner = match banner(p) {
            Some((sv, en)) => Measure::new("portal-measure-banner")
                .with("sv", sv)
                .with("en", en),
            None => Measure::new("portal-measure-no-banner"),
        };
        let deflection = if p.deflect_to_self_service {
            Measure::new("portal-measure-deflection")
        } else {
            Measure::new("portal-measure-no-deflection")
        };
        // What differs from everyday operation first.
        let mut measures = vec![banner, deflection];
        if let Some(h) = p.chat_hours {
            measures.push(
                Measure::new("portal-measure-chat-hours")
                    .with("opens", h.opens.strftime("%H:%M"))
                    .with("closes", h.closes.strftime("%H:%M")),
            );
        }
        measures.sort_by_key(|m| {
            !matches!(m.key, "portal-measure-banner" | "portal-measure-deflection")
        });
        measures
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.impact(change))
    }

    /// Nothing to change at once: pages and the chat read the policy in force per request, and
    /// the caller records the policy row. Idempotent by having no effect of its own.
    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.impact(change))
    }

    fn change_item<'a>(
        &'a self,
        change: &'a CustomerChange,
    ) -> BoxFuture<'a, Result<views::messages::policy::ChangeItem>> {
        Box::pin(async move {
            Err(ServiceError::Internal(format!(
                "the portal records no customer changes, but was asked about a {} change",
                change.capability()
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::policy::Preset;

    fn portal(p: Preset) -> PolicyBody {
        PolicyBody::preset(Capability::Portal, p)
    }

    #[test]
    fn banners_fall_back_to_the_other_language() {
        let mut p = match portal(Preset::Pandemic) {
            PolicyBody::Portal(p) => p,
            other => panic!("{other:?}"),
        };
        assert!(banner(&p).is_some());
        p.banner_en = None;
        let (sv, en) = banner(&p).unwrap();
        assert_eq!(sv, en);
        p.banner_sv = Some("  ".into());
        assert_eq!(banner(&p), None);
    }

    #[test]
    fn the_impact_is_the_policy_after_the_change() {
        let change = PolicyChange {
            before: portal(Preset::Normal),
            after: portal(Preset::Pandemic),
            at: jiff::Timestamp::UNIX_EPOCH,
            until: None,
        };
        let everyday = ChatHours::parse("08:30-16:00").unwrap();
        let i = impact(&change, everyday).unwrap();
        assert_eq!(i.effect(BANNER_SHOWN), 1);
        assert_eq!(i.effect(DEFLECTION_ON), 1);
        assert_eq!((i.effect(CHAT_OPENS), i.effect(CHAT_CLOSES)), (700, 1900));
        assert!(i.customers.is_empty());
        let back = impact(&change.reverted(jiff::Timestamp::UNIX_EPOCH), everyday).unwrap();
        assert_eq!(back.effect(BANNER_SHOWN), 0);
        assert_eq!(back.effect(DEFLECTION_ON), 0);
        assert_eq!(
            (back.effect(CHAT_OPENS), back.effect(CHAT_CLOSES)),
            (830, 1600)
        );
        let wrong = PolicyChange {
            before: portal(Preset::Normal),
            after: PolicyBody::preset(Capability::Visits, Preset::Normal),
            at: jiff::Timestamp::UNIX_EPOCH,
            until: None,
        };
        assert!(impact(&wrong, everyday).is_err());
    }
}

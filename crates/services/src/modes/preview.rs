//! What switching into a mode (or back out of one) would do, per capability and per customer,
//! computed from the live data by the capabilities' hooks. Activation does the same through
//! the same hooks, so the preview is what activation does.

use std::collections::BTreeMap;

use domain::customer::{Channel, Language};
use domain::ids::{CustomerId, ModeId};
use domain::policy::{Capability, CustomerChange, PolicyBody};
use jiff::Timestamp;
use views::messages::CustomerMessage;
use views::messages::policy::PolicyChanges;

use super::{Modes, roles};
use crate::Actor;
use crate::capability::{Impact, PolicyChange};
use crate::error::{Result, ServiceError};

/// What one customer would be told, on their channel and in their language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerNotice {
    pub customer: CustomerId,
    pub name: String,
    pub channel: Channel,
    pub language: Language,
    pub subject: String,
    /// The body as sent: the text message for SMS, the plain text otherwise.
    pub body: String,
}

/// The preview of a switch: each capability's impact and each customer's one message.
#[derive(Clone, Debug)]
pub struct ModePreview {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
    pub impacts: Vec<Impact>,
    pub customers: Vec<CustomerNotice>,
}

impl ModePreview {
    /// `{"<capability>": {"<effect>": value}}`, as the API and the recorded steps give it.
    pub fn effects(&self) -> BTreeMap<&'static str, BTreeMap<&'static str, i64>> {
        self.impacts
            .iter()
            .map(|i| {
                (
                    i.capability.as_str(),
                    i.effects.iter().map(|e| (e.key, e.value)).collect(),
                )
            })
            .collect()
    }
}

impl Modes {
    /// The preview of switching into `mode` (its current version) from `from` until `to`.
    pub async fn preview(
        &self,
        actor: &Actor,
        mode: ModeId,
        from: Timestamp,
        to: Option<Timestamp>,
    ) -> Result<ModePreview> {
        Self::require(actor, roles::READ)?;
        let view = self.mode(actor, mode).await?;
        self.preview_policies(&view.policies, from, to, None).await
    }

    /// The preview of switching into `policies` at `from`: for each capability, the change
    /// from the policy in force then (ignoring the rows of `excluding`, an activation whose own
    /// rows are already written) to the mode's.
    pub(crate) async fn preview_policies(
        &self,
        policies: &BTreeMap<Capability, PolicyBody>,
        from: Timestamp,
        to: Option<Timestamp>,
        excluding: Option<i64>,
    ) -> Result<ModePreview> {
        if to.is_some_and(|t| t <= from) {
            return Err(ServiceError::invalid(
                "to",
                domain::problem::Problem::EndsBeforeStart,
            ));
        }
        let mut impacts = Vec::new();
        for hook in self.s.hooks() {
            let Some(after) = policies.get(&hook.capability()) else {
                continue;
            };
            let before = self.in_force(hook.capability(), from, excluding).await?;
            let change = PolicyChange {
                before,
                after: after.clone(),
                at: from,
                until: to,
            };
            impacts.push(hook.preview(&change).await?);
        }
        let customers = self.notices(&impacts).await?;
        Ok(ModePreview {
            from,
            to,
            impacts,
            customers,
        })
    }

    /// The policy in force for `capability` just before `at` would change it (ignoring one
    /// activation's own rows).
    pub(crate) async fn in_force(
        &self,
        capability: Capability,
        at: Timestamp,
        excluding: Option<i64>,
    ) -> Result<PolicyBody> {
        let at_us = domain::time::to_micros(at);
        match excluding {
            None => self.s.policy_at(capability, at).await,
            Some(a) => {
                match store::modes::policy_at_excluding(self.s.store(), capability, at_us, a)
                    .await?
                {
                    None => Ok(PolicyBody::preset(
                        capability,
                        domain::policy::Preset::Normal,
                    )),
                    Some(body) => PolicyBody::from_json(&body).map_err(|e| {
                        ServiceError::Internal(format!("stored {capability} policy: {e}"))
                    }),
                }
            }
        }
    }

    /// One message per customer for every change the impacts hold for them, rendered as it
    /// would be sent.
    pub(crate) async fn notices(&self, impacts: &[Impact]) -> Result<Vec<CustomerNotice>> {
        let mut per_customer: BTreeMap<CustomerId, Vec<&CustomerChange>> = BTreeMap::new();
        for i in impacts {
            for (c, change) in &i.customers {
                per_customer.entry(*c).or_default().push(change);
            }
        }
        let ids: Vec<CustomerId> = per_customer.keys().copied().collect();
        let contacts = store::customer_changes::contacts(self.s.store(), &ids).await?;
        let hooks = self.s.hooks();
        let mut out = Vec::with_capacity(contacts.len());
        for contact in contacts {
            let mut items = Vec::new();
            for change in per_customer.get(&contact.id).into_iter().flatten() {
                let hook = hooks
                    .iter()
                    .find(|h| h.capability() == change.capability())
                    .ok_or_else(|| {
                        ServiceError::Internal(format!(
                            "no policy hook for {}",
                            change.capability()
                        ))
                    })?;
                items.push(hook.change_item(change).await?);
            }
            let message = PolicyChanges {
                name: contact.name.clone(),
                items,
            };
            let rendered = message
                .render(contact.language)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let (channel, _) = crate::outbox::customer_route(
                contact.preferred_channel.as_str(),
                contact.email.as_deref(),
                contact.phone.as_deref(),
                &contact.letter_address,
            );
            out.push(CustomerNotice {
                customer: contact.id,
                name: contact.name,
                channel,
                language: contact.language,
                subject: rendered.subject,
                body: if channel == Channel::Sms {
                    rendered.sms
                } else {
                    rendered.text
                },
            });
        }
        Ok(out)
    }
}

impl Modes {
    /// The preview of an activation as approved (its own policies, from its start): what the
    /// approver sees.
    pub async fn preview_activation(&self, actor: &Actor, id: i64) -> Result<ModePreview> {
        Self::require(actor, roles::READ)?;
        let a = self.row(id).await?;
        let policies = super::activation::approved_policies(&a)?;
        let from = domain::time::from_micros(a.starts_at);
        let to = a.ends_at.map(domain::time::from_micros);
        let excluding = a.status.holds_policies().then_some(id);
        self.preview_policies(&policies, from, to, excluding).await
    }

    /// The preview of moving back at `at`: from the activation's policies to what is in force
    /// once it is over.
    pub async fn preview_end(&self, actor: &Actor, id: i64, at: Timestamp) -> Result<ModePreview> {
        Self::require(actor, roles::READ)?;
        let a = self.row(id).await?;
        let policies = super::activation::approved_policies(&a)?;
        let mut impacts = Vec::new();
        for hook in self.s.hooks() {
            let Some(before) = policies.get(&hook.capability()) else {
                continue;
            };
            let after = self.in_force(hook.capability(), at, Some(id)).await?;
            let change = PolicyChange {
                before: before.clone(),
                after,
                at,
                until: None,
            };
            impacts.push(hook.preview(&change).await?);
        }
        let customers = self.notices(&impacts).await?;
        Ok(ModePreview {
            from: at,
            to: None,
            impacts,
            customers,
        })
    }

    /// What each capability's policy in `policies` says, as measures (for the pages).
    pub fn describe(
        &self,
        policies: &BTreeMap<Capability, PolicyBody>,
    ) -> BTreeMap<Capability, Vec<crate::capability::Measure>> {
        self.s
            .hooks()
            .iter()
            .filter_map(|h| {
                policies
                    .get(&h.capability())
                    .map(|p| (h.capability(), h.describe(p)))
            })
            .collect()
    }
}

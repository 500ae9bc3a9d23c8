//! The suppliers policy's hook for crisis mode: what a policy means, what a change of it would
//! do (offers to send, suppliers who cannot be reached, and what if every offer were accepted:
//! the invoices brought forward and the cash that leaves earlier), and doing it once under a
//! key. Suppliers are not customers: the hook records no customer changes.

use std::collections::BTreeSet;

use domain::ids::SupplierId;
use domain::policy::{Capability, CustomerChange, PolicyBody, SupplierRule, SuppliersPolicy};
use domain::suppliers::{OfferState, SupplierFacts, eligible, terms};
use futures_util::future::BoxFuture;
use jiff::ToSpan;
use jiff::civil::Date;
use store::suppliers::{ContactRow, NewOffer, SupplierRow};
use views::messages::policy::ChangeItem;

use super::Suppliers;
use super::offers::LINK;
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook};
use crate::error::{Result, ServiceError};
use crate::outbox::Message;
use domain::customer::Channel;

/// The preview's cash moved per week, if every offer were accepted: paid in the first, second
/// and third week from the day the terms apply, and later.
const WEEK_KEYS: [&str; 4] = [
    "paid_earlier_week_1_ore",
    "paid_earlier_week_2_ore",
    "paid_earlier_week_3_ore",
    "paid_earlier_later_ore",
];

/// How long a supplier has to answer an offer.
pub const ANSWER_DAYS: i64 = 14;

fn suppliers_policy(body: &PolicyBody) -> Result<&SuppliersPolicy> {
    match body {
        PolicyBody::Suppliers(p) => Ok(p),
        other => Err(ServiceError::Internal(format!(
            "the suppliers hook was given a {} policy",
            other.capability()
        ))),
    }
}

/// What a suppliers policy says.
pub fn measures(p: &SuppliersPolicy) -> Vec<Measure> {
    let Some(days) = p.shortened_terms_days else {
        return vec![Measure::new("suppliers-measure-normal")];
    };
    let m = match &p.applies_to {
        SupplierRule::All => Measure::new("suppliers-measure-shortened-all"),
        SupplierRule::Local => Measure::new("suppliers-measure-shortened-local"),
        SupplierRule::Small => Measure::new("suppliers-measure-shortened-small"),
        SupplierRule::Trade(t) => {
            Measure::new("suppliers-measure-shortened-trade").with("trade", t.clone())
        }
    };
    vec![m.with("days", days)]
}

fn facts(s: &SupplierRow) -> SupplierFacts<'_> {
    SupplierFacts {
        local: s.is_local,
        size: s.size,
        trades: &s.trades,
        active: s.active,
    }
}

/// What a change does, and what applying it needs.
struct Plan {
    impact: Impact,
    /// Suppliers to offer the terms to, with the contact the offer goes to.
    offers: Vec<(SupplierRow, ContactRow)>,
    days: u32,
    from: Date,
    until: Option<Date>,
    /// Whether open offers lapse (the new policy shortens nothing).
    lapse: bool,
}

impl Suppliers {
    async fn change_plan(&self, change: &PolicyChange, key: Option<&str>) -> Result<Plan> {
        let before = suppliers_policy(&change.before)?;
        let after = suppliers_policy(&change.after)?;
        let tz = self.s.tz().clone();
        let from = domain::time::civil_date(change.at, &tz);
        let until = change.until.map(|u| domain::time::civil_date(u, &tz));
        let store = self.s.store();
        let suppliers = store::suppliers::suppliers(store).await?;
        let contacts = store::suppliers::contacts(store).await?;
        let offers = store::suppliers::offers(store).await?;
        let mut impact = Impact::new(Capability::Suppliers);
        let shortens = after.shortened_terms_days.is_some() && after != before;
        let days = after
            .shortened_terms_days
            .unwrap_or(domain::suppliers::LAW_TERMS_DAYS);
        let mut to_offer = Vec::new();
        let mut unreachable = Vec::new();
        if shortens {
            let made: BTreeSet<SupplierId> = offers
                .iter()
                .filter(|o| Some(o.change_key.as_str()) == key)
                .map(|o| o.supplier_id)
                .collect();
            for s in suppliers.iter().filter(|s| eligible(after, &facts(s))) {
                let contact = contacts.iter().find(|c| {
                    c.supplier_id == s.id
                        && c.email.as_deref().is_some_and(|e| !e.trim().is_empty())
                });
                match contact {
                    Some(c) => to_offer.push((s.clone(), c.clone())),
                    None if made.contains(&s.id) => {}
                    None => unreachable.push(s.id.get()),
                }
            }
        }
        impact.effects.push(Effect::count(
            "offers",
            to_offer.iter().map(|(s, _)| s.id.get()).collect(),
        ));
        impact
            .effects
            .push(Effect::count("suppliers_unreachable", unreachable));
        // What if every supplier offered the terms accepted them: their open invoices received
        // while the terms apply come forward, from the first day the terms apply.
        let offered: BTreeSet<SupplierId> = to_offer.iter().map(|(s, _)| s.id).collect();
        let start = from.max(self.s.today());
        let (mut moved, mut moved_ore) = (Vec::new(), 0i64);
        let mut earliest: Option<Date> = None;
        // Cash moved per week: the amounts whose new due date falls in the first, second and
        // third week from the start, and later.
        let mut weekly: [(Vec<i64>, i64); 4] = Default::default();
        for i in store::suppliers::open_invoices(store).await? {
            let Some(s) = suppliers.iter().find(|s| s.id == i.supplier_id) else {
                continue;
            };
            if !offered.contains(&s.id) || until.is_some_and(|u| i.received_on >= u) {
                continue;
            }
            let short = terms::days(s.terms_days, Some(days));
            let due = terms::shortened_due_date(i.received_on, i.due_date, short, start);
            if due < i.due_date {
                moved.push(i.id.get());
                moved_ore += i.amount.ore();
                let week = usize::try_from((due - start).get_days().max(0) / 7)
                    .unwrap_or(3)
                    .min(3);
                weekly[week].0.push(i.id.get());
                weekly[week].1 += i.amount.ore();
                earliest = Some(earliest.map_or(due, |e| e.min(due)));
            }
        }
        impact.effects.push(Effect::money(
            "brought_forward_if_accepted_ore",
            moved_ore,
            moved.clone(),
        ));
        impact
            .effects
            .push(Effect::count("invoices_brought_forward_if_accepted", moved));
        for ((ids, ore), key) in weekly.into_iter().zip(WEEK_KEYS) {
            impact.effects.push(Effect::money(key, ore, ids));
        }
        let lapse = after.shortened_terms_days.is_none() && before.shortened_terms_days.is_some();
        let lapsing: Vec<i64> = if lapse {
            offers
                .iter()
                .filter(|o| o.state == OfferState::Offered)
                .map(|o| o.id.get())
                .collect()
        } else {
            Vec::new()
        };
        impact
            .effects
            .push(Effect::count("offers_lapsing", lapsing));
        Ok(Plan {
            impact,
            offers: to_offer,
            days,
            from,
            until,
            lapse,
        })
    }

    async fn apply_change(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let plan = self.change_plan(change, Some(key)).await?;
        // The link secret exists before the write transaction opens (it is created in its own).
        self.s.link_token(LINK, 0).await?;
        let answer_by = {
            let by = plan.from.saturating_add(ANSWER_DAYS.days());
            plan.until
                .map_or(by, |u| by.min(u.saturating_sub(1.day())))
                .max(plan.from)
        };
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if plan.lapse {
            store::suppliers::lapse_open_offers(&mut tx).await?;
        }
        for (s, contact) in &plan.offers {
            let days = terms::days(s.terms_days, Some(plan.days));
            let (id, new) = store::suppliers::offer(
                &mut tx,
                &NewOffer {
                    supplier_id: s.id,
                    change_key: key,
                    days,
                    applies_from: plan.from,
                    applies_until: plan.until,
                    answer_by,
                },
                now,
            )
            .await?;
            if !new {
                continue;
            }
            let message = views::messages::suppliers::TermsOffer {
                contact: contact.name.clone(),
                supplier: s.name.clone(),
                days,
                standard_days: s.terms_days,
                from: plan.from,
                until: plan.until.map(|u| u.saturating_sub(1.day())),
                answer_by,
                link: self.offer_link(id).await?,
            };
            let rendered =
                views::messages::CustomerMessage::render(&message, domain::customer::Language::Sv)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
            self.s
                .queue_message(
                    &mut tx,
                    &Message {
                        channel: Channel::Email,
                        customer_id: None,
                        recipient: contact.email.clone().unwrap_or_default(),
                        subject: rendered.subject,
                        body: rendered.text,
                        html: Some(rendered.html),
                        attachment: None,
                        dedupe_key: Some(format!("suppliers:{key}:offer:{}", s.id)),
                    },
                )
                .await?;
        }
        tx.commit().await?;
        Ok(plan.impact)
    }
}

impl PolicyHook for Suppliers {
    fn capability(&self) -> Capability {
        Capability::Suppliers
    }

    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        suppliers_policy(policy).map(measures).unwrap_or_default()
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(async move { Ok(self.change_plan(change, None).await?.impact) })
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
                "suppliers records no customer changes, yet was asked to describe {change:?}"
            )))
        })
    }
}

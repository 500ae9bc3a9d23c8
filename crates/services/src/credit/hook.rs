//! The credit policy's hook: what a credit policy says, and what a change of it would change.
//!
//! Credit reads the policy in force at each decision (a request for more time, the nightly
//! run) and stores none of it, so a change of policy changes no invoice at once: `apply`
//! reports what the change opens up, exactly as `preview` does, and records for each customer
//! newly able to get more time that they may ask for it (`CustomerChange::ExtensionAvailable`,
//! once per customer under the key), when the change is in force at once.
//!
//! **The preview.** On the day of the change (today, or the day it takes effect if later),
//! every invoice not fully paid whose status allows an extension (open, partly paid, overdue)
//! is assessed twice with the request a customer in difficulty would make — the invoice's due
//! date moved by the new policy's longest extension (`after.max_extension_days`) — against the
//! customer's payment history, once under `change.before` and once under `change.after`.
//!
//! * `customers_newly_eligible`: the customers with at least one invoice the platform would
//!   grant by itself under `after` and none under `before` (their ids). Each is a customer to
//!   tell: "you may ask for up to N days more, without interest".
//! * `interest_waived_ore`: when `after` waives interest during an extension, the late-payment
//!   interest those customers would not be charged on the invoices they could now extend:
//!   for each such invoice, `late_interest` of what is left to pay, from the day after its due
//!   date to the end of the extension window (`due + after.max_extension_days`), at the
//!   reference rate of each day's half-year plus 8 points, actual/365 — the interest-free window
//!   an approved extension gets (`Assessment::interest_free`). An estimate: it assumes the
//!   customer asks for the whole window and pays nothing before its end. 0 when `after`
//!   charges interest during extensions. The ids are the invoices.
//! * `max_extension_days_before` and `max_extension_days_after`: the longest extension each
//!   policy grants by itself.

use std::collections::{BTreeMap, BTreeSet};

use domain::credit::{Ask, Decision, InterestQuery};
use domain::ids::{CustomerId, InvoiceId};
use domain::money::Money;
use domain::policy::{Capability, CreditPolicy, CustomerChange, PolicyBody, Preset};
use futures_util::future::BoxFuture;
use jiff::civil::Date;
use views::messages::policy::ChangeItem;

use super::Credit;
use super::extensions::extension_request;
use crate::capability::{Effect, Impact, Measure, PolicyChange, PolicyHook, record_change};
use crate::error::{Result, ServiceError};

/// The credit policies of a change: before and after.
fn policies(change: &PolicyChange) -> Result<(&CreditPolicy, &CreditPolicy)> {
    match (&change.before, &change.after) {
        (PolicyBody::Credit(b), PolicyBody::Credit(a)) => Ok((b, a)),
        _ => Err(ServiceError::Internal(
            "the credit hook was handed another capability's policy".into(),
        )),
    }
}

/// What a credit policy means, one line each.
fn measures(p: &CreditPolicy) -> Vec<Measure> {
    let money = |ore: i64| Money::from_ore(ore).to_string();
    vec![
        Measure::new("credit-measure-extension")
            .with("days", p.max_extension_days)
            .with("amount", money(p.max_amount_ore)),
        if p.require_clean_history_months == 0 {
            Measure::new("credit-measure-history-unchecked")
        } else {
            Measure::new("credit-measure-clean-history")
                .with("months", p.require_clean_history_months)
        },
        Measure::new(if p.waive_interest {
            "credit-measure-interest-waived"
        } else {
            "credit-measure-interest-charged"
        }),
        Measure::new("credit-measure-auto-approve").with("amount", money(p.auto_approve_up_to_ore)),
        Measure::new("credit-measure-instalments").with("count", p.max_instalments),
        Measure::new("credit-measure-reminder-grace").with("days", p.reminder_grace_days),
    ]
}

impl Credit {
    /// The impact of a change of credit policy from the live data (see the module docs).
    async fn impact(&self, change: &PolicyChange) -> Result<Impact> {
        let (before, after) = policies(change)?;
        let today = self
            .s
            .today()
            .max(domain::time::civil_date(change.at, self.s.tz()));
        let months = before
            .require_clean_history_months
            .max(after.require_clean_history_months);
        let since = today
            .checked_sub(jiff::Span::new().months(i64::from(months.min(600))))
            .unwrap_or(today);
        let histories = store::credit::histories(self.s.store(), since).await?;
        let invoices = store::credit::extendable_invoices(self.s.store()).await?;
        let window = jiff::Span::new().days(i64::from(after.max_extension_days));
        // Per customer: the invoices granted under `after`; and who gets one under `before`.
        let mut after_ok: BTreeMap<CustomerId, Vec<(InvoiceId, i64, Date, Date)>> = BTreeMap::new();
        let mut before_ok: BTreeSet<CustomerId> = BTreeSet::new();
        let empty = Default::default();
        for inv in &invoices {
            let history = histories.get(&inv.customer_id).unwrap_or(&empty);
            let end = inv.due_on.checked_add(window).unwrap_or(Date::MAX);
            let req = extension_request(inv, today, Ask::NewDueDate(end));
            let granted = |p: &CreditPolicy| {
                domain::credit::assess_extension(&req, history, p, today).decision
                    == Decision::Approve
            };
            if granted(after) {
                after_ok.entry(inv.customer_id).or_default().push((
                    inv.id,
                    req.outstanding_ore,
                    inv.due_on,
                    end,
                ));
            }
            if granted(before) {
                before_ok.insert(inv.customer_id);
            }
        }
        let newly: Vec<(&CustomerId, &Vec<_>)> = after_ok
            .iter()
            .filter(|(c, _)| !before_ok.contains(c))
            .collect();
        let rates = if after.waive_interest {
            self.reference_rates().await?
        } else {
            Vec::new()
        };
        let mut waived_ore = 0i64;
        let mut waived_ids = Vec::new();
        for (_, invoices) in newly.iter().filter(|_| after.waive_interest) {
            for &(id, outstanding, due, end) in invoices.iter() {
                let q = InterestQuery {
                    amount_ore: outstanding,
                    due,
                    payments: &[],
                    until: end,
                    rates: &rates,
                    waived: &[],
                };
                waived_ore += domain::credit::late_interest(&q).total_ore;
                waived_ids.push(id.get());
            }
        }
        let mut impact = Impact::new(Capability::Credit);
        impact.effects = vec![
            Effect::count(
                "customers_newly_eligible",
                newly.iter().map(|(c, _)| c.get()).collect(),
            ),
            Effect::money("interest_waived_ore", waived_ore, waived_ids),
            Effect::figure(
                "max_extension_days_before",
                i64::from(before.max_extension_days),
            ),
            Effect::figure(
                "max_extension_days_after",
                i64::from(after.max_extension_days),
            ),
        ];
        impact.customers = newly
            .iter()
            .map(|(c, invoices)| {
                let change = CustomerChange::ExtensionAvailable {
                    invoices: u32::try_from(invoices.len()).unwrap_or(u32::MAX),
                    max_days: after.max_extension_days,
                    interest_waived: after.waive_interest,
                };
                (**c, change)
            })
            .collect();
        Ok(impact)
    }

    /// The impact of the change; when it is in force now, each newly eligible customer's
    /// change recorded under `key` (once: a second call records none).
    async fn apply_change(&self, change: &PolicyChange, key: &str) -> Result<Impact> {
        let impact = self.impact(change).await?;
        if !change.in_force_at(self.s.now()) {
            return Ok(impact);
        }
        let mut tx = self.s.store().begin().await?;
        for (customer, told) in &impact.customers {
            record_change(&self.s, &mut tx, key, *customer, customer.get(), told).await?;
        }
        tx.commit().await?;
        Ok(impact)
    }

    /// What the message says: how many invoices, how many days, and where to ask.
    fn item(&self, change: &CustomerChange) -> Result<ChangeItem> {
        match change {
            CustomerChange::ExtensionAvailable {
                invoices,
                max_days,
                interest_waived,
            } => Ok(ChangeItem::ExtensionAvailable {
                invoices: *invoices,
                max_days: *max_days,
                interest_waived: *interest_waived,
                link: format!("{}/mina-sidor/anstand", self.s.public_url()),
            }),
            other => Err(ServiceError::Internal(format!(
                "the credit hook was asked about a {} change",
                other.capability()
            ))),
        }
    }
}

impl PolicyHook for Credit {
    fn capability(&self) -> Capability {
        Capability::Credit
    }

    /// The policy's measures, those that differ from the normal policy first.
    fn describe(&self, policy: &PolicyBody) -> Vec<Measure> {
        let (PolicyBody::Credit(p), PolicyBody::Credit(normal)) = (
            policy,
            PolicyBody::preset(Capability::Credit, Preset::Normal),
        ) else {
            return Vec::new();
        };
        let everyday = measures(&normal);
        let mut all = measures(p);
        all.sort_by_key(|m| everyday.contains(m));
        all
    }

    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.impact(change))
    }

    /// Changes no invoice (the policy in force is read at each decision), reports what the
    /// change opens up as the preview does, and records who may now ask for more time; so
    /// applying twice under one key tells nobody twice.
    fn apply<'a>(
        &'a self,
        change: &'a PolicyChange,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Impact>> {
        Box::pin(self.apply_change(change, key))
    }

    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>> {
        Box::pin(async move { self.item(change) })
    }
}

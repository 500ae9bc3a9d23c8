//! The cap in force at each instant (the visits policy), and flagging the booked visits that
//! no longer fit after the cap or the staffed desks dropped. Nothing is cancelled: a flagged
//! visit keeps its time and its visitor is offered others.

use std::collections::HashSet;

use domain::ids::{CustomerId, SiteId, VisitId};
use domain::policy::{
    Capability, CustomerChange, Policy, PolicyBody, Preset, VisitsPolicy, select_in_force,
};
use domain::time::from_micros;
use domain::visits::{self as rules, Occupancy};

use super::messages::Notice;
use super::{SiteView, VisitRow, Visits};
use crate::capability::record_change;
use crate::error::Result;

/// The visits policies on record, evaluated per instant like `policy_at`; optionally with a
/// change not (yet) on record laid over them (a preview, or a hook applying a change).
#[derive(Clone, Debug)]
pub struct Caps {
    policies: Vec<Policy>,
    change: Option<Overlay>,
}

#[derive(Clone, Debug)]
struct Overlay {
    policy: VisitsPolicy,
    from: i64,
    until: Option<i64>,
}

impl Caps {
    /// The visits policy in force at `at` (µs).
    pub fn at(&self, at: i64) -> VisitsPolicy {
        if let Some(o) = &self.change
            && o.from <= at
            && o.until.is_none_or(|u| at < u)
        {
            return o.policy.clone();
        }
        match select_in_force(&self.policies, Capability::Visits, from_micros(at)) {
            PolicyBody::Visits(v) => v,
            _ => normal(),
        }
    }

    /// The most people present at once at `at`.
    pub fn cap_at(&self, at: i64) -> u32 {
        self.at(at).max_present_per_site
    }

    /// These caps with `policy` in force from `from` until `until` (µs).
    pub fn with_change(mut self, policy: VisitsPolicy, from: i64, until: Option<i64>) -> Caps {
        self.change = Some(Overlay {
            policy,
            from,
            until,
        });
        self
    }
}

/// The normal preset, when no visits policy is on record.
fn normal() -> VisitsPolicy {
    match PolicyBody::preset(Capability::Visits, Preset::Normal) {
        PolicyBody::Visits(v) => v,
        // The preset of the visits capability is a visits policy; an empty cap lets nobody in.
        _ => VisitsPolicy {
            walk_in: false,
            booking_required: true,
            max_present_per_site: 0,
        },
    }
}

/// What the flagging after a cap change did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CapReport {
    pub checked: usize,
    pub flagged: Vec<VisitId>,
    pub unflagged: Vec<VisitId>,
}

/// What a reconciliation did, for the policy hook: the report, every upcoming visit above the
/// caps (flagged now or before), and the customers' changes recorded under the key.
#[derive(Debug, Default)]
pub(super) struct Reconciled {
    pub report: CapReport,
    /// Each upcoming visit above the caps, with the instant it ends.
    pub over: Vec<(VisitId, i64)>,
    pub recorded: Vec<(CustomerId, CustomerChange)>,
}

/// One site's visits holding places from now, in booking order, and those above the caps.
pub(super) struct SiteCheck {
    pub view: SiteView,
    pub rows: Vec<VisitRow>,
    pub over: HashSet<VisitId>,
}

impl SiteCheck {
    /// Visits above the caps that have not started: the ones flagged (whether already or now).
    pub fn upcoming_over(&self, now: i64) -> impl Iterator<Item = &VisitRow> {
        self.rows
            .iter()
            .filter(move |v| self.over.contains(&v.id) && v.starts_at > now)
    }
}

/// How the visitors of newly flagged visits are told.
#[derive(Clone, Copy)]
pub(super) enum Telling<'a> {
    /// A message each, now (the hours changed, or the sweep's retry).
    Directly,
    /// A customer's change recorded under the key of a policy change, for
    /// `Services::tell_customers`; visitors who are no customer of record get their message now.
    Under(&'a str),
}

impl Visits {
    /// The visits policies on record.
    pub async fn caps(&self) -> Result<Caps> {
        // The body says which capability a policy is for: no stored code is compared here.
        let policies = store::policies::list(self.store())
            .await?
            .into_iter()
            .filter_map(|r| {
                let body = PolicyBody::from_json(&r.body).ok()?;
                (body.capability() == Capability::Visits).then(|| Policy {
                    body,
                    effective_from: from_micros(r.effective_from),
                    effective_to: r.effective_to.map(from_micros),
                    set_by: r.set_by,
                    reason: r.reason,
                })
            })
            .collect();
        Ok(Caps {
            policies,
            change: None,
        })
    }

    /// Every site's visits holding places from now, and which of them no longer fit under
    /// `caps` and the staffed desks (the latest bookings first; see `domain::visits::over_cap`).
    pub(super) async fn check_sites(&self, caps: &Caps) -> Result<Vec<SiteCheck>> {
        let now = self.now();
        let mut out = Vec::new();
        for site in self.sites().await? {
            let view = self.site_view(site.id).await?;
            let rows = store::visits::holding_in_booking_order(self.store(), site.id, now).await?;
            let occ: Vec<Occupancy> = rows
                .iter()
                .map(|v| Occupancy {
                    id: v.id.get(),
                    start: v.starts_at,
                    end: v.ends_at,
                    party: u32::try_from(v.party).unwrap_or(1),
                })
                .collect();
            let over =
                rules::over_cap(&occ, |b| caps.cap_at(b), |b| view.rules.staffed_desks_at(b))
                    .into_iter()
                    .map(VisitId::new)
                    .collect();
            out.push(SiteCheck { view, rows, over });
        }
        Ok(out)
    }

    /// After the cap or the staffed desks changed: flags the visits that no longer fit (latest
    /// bookings first) and offers their visitors new times; clears flags that fit again.
    /// Nothing is cancelled.
    pub async fn reconcile_caps(&self) -> Result<CapReport> {
        let caps = self.caps().await?;
        Ok(self.reconcile(&caps, Telling::Directly).await?.report)
    }

    /// Flags and unflags under `caps`, one visit per transaction; a visit flagged before is not
    /// flagged (nor told) again, so running twice does it once.
    pub(super) async fn reconcile(&self, caps: &Caps, telling: Telling<'_>) -> Result<Reconciled> {
        // Links are signed with a key read (or created) before any write transaction opens.
        self.s.link_secret().await?;
        let mut done = Reconciled::default();
        let now = self.now();
        for check in self.check_sites(caps).await? {
            done.report.checked += check.rows.len();
            done.over
                .extend(check.upcoming_over(now).map(|v| (v.id, v.ends_at)));
            for v in &check.rows {
                let over = check.over.contains(&v.id);
                let mut tx = self.store().begin().await?;
                if over && v.starts_at > now {
                    if store::visits::flag(&mut tx, v.id, now).await? {
                        if let Some(told) =
                            self.tell_flagged(&mut tx, &check.view, v, telling).await?
                        {
                            done.recorded.push(told);
                        }
                        done.report.flagged.push(v.id);
                    }
                } else if v.flagged_at.is_some() && !over {
                    store::visits::unflag(&mut tx, v.id).await?;
                    done.report.unflagged.push(v.id);
                }
                tx.commit().await?;
            }
        }
        Ok(done)
    }

    /// Tells the visitor of a newly flagged visit, or records the customer's change under the
    /// key (returned).
    async fn tell_flagged(
        &self,
        tx: &mut store::Tx,
        view: &SiteView,
        v: &VisitRow,
        telling: Telling<'_>,
    ) -> Result<Option<(CustomerId, CustomerChange)>> {
        match (telling, v.customer_id) {
            (Telling::Under(key), Some(customer)) => {
                let change = over_cap_change(v);
                let new = record_change(&self.s, tx, key, customer, v.id.get(), &change).await?;
                Ok(new.then_some((customer, change)))
            }
            _ => {
                let link = self.visit_link(v.id).await?;
                self.notify(tx, view, v, Notice::Flagged, &link).await?;
                Ok(None)
            }
        }
    }

    /// Flagged visits from now on, for the desk and the continuity manager.
    pub async fn flagged_visits(&self, site_id: SiteId) -> Result<Vec<VisitRow>> {
        Ok(
            store::visits::holding_in_booking_order(self.store(), site_id, self.now())
                .await?
                .into_iter()
                .filter(|v| v.flagged_at.is_some())
                .collect(),
        )
    }
}

/// What a customer is told about one of their visits above the cap.
pub(super) fn over_cap_change(v: &VisitRow) -> CustomerChange {
    CustomerChange::VisitOverCap {
        visit: v.id,
        starts_at: from_micros(v.starts_at),
    }
}

//! The one shape every capability has in `services`, and the policy hook crisis mode talks to.
//!
//! A capability (campaign, visits, credit, portal, …) is a handle on [`crate::Services`]
//! (`services.visits()`) that owns the capability's state, declares who may do what once (its
//! `roles` module, read by the route table and by its own checks), and implements
//! [`PolicyHook`]: describe a policy, preview a change of policy at an instant, and apply it
//! idempotently under a key. Changing one policy and switching the whole company into a crisis
//! mode both go through the hooks only; a new capability joins by implementing the trait and
//! adding itself to [`crate::Services::hooks`].
//!
//! Customers are never told by a hook directly. A hook records each customer's
//! [`CustomerChange`] in the transaction that makes the change (`store::policies::record_change`),
//! and the caller composes one message per customer from everything recorded under the key, so a
//! customer affected by several capabilities at once gets one message, and a crash between the
//! change and the message loses nothing.

use domain::ids::CustomerId;
use domain::policy::{Capability, CustomerChange, PolicyBody};
use domain::problem::Explain;
use futures_util::future::BoxFuture;
use jiff::Timestamp;
use views::messages::policy::{ChangeItem, PolicyChanges};

use crate::Services;
use crate::error::{Result, ServiceError};

/// A change of one capability's policy: what is in force before `at`, what is in force from
/// `at`, and until when (the old policy returns at `until`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyChange {
    pub before: PolicyBody,
    pub after: PolicyBody,
    pub at: Timestamp,
    pub until: Option<Timestamp>,
}

impl PolicyChange {
    pub fn capability(&self) -> Capability {
        self.after.capability()
    }

    /// Whether `after` is in force at `at` (from `at`, before `until`).
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.at <= at && self.until.is_none_or(|u| at < u)
    }

    /// The same change undone: `after` gives way to `before` at the end.
    pub fn reverted(&self, at: Timestamp) -> PolicyChange {
        PolicyChange {
            before: self.after.clone(),
            after: self.before.clone(),
            at,
            until: None,
        }
    }
}

/// How an effect is counted; read from the ending of its key, so a stored step (a key and a
/// number) says its unit too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of things (jobs, visits, customers), or a yes (1) / no (0).
    Count,
    /// An amount of money in öre (keys ending `_ore`).
    Ore,
    /// A day written as the number yyyymmdd, 0 for none (keys ending `_date`).
    Date,
    /// A time of day written as the number hhmm, 07:30 is 730 (keys ending `_time`).
    TimeOfDay,
}

impl Unit {
    pub fn of_key(key: &str) -> Unit {
        if key.ends_with("_ore") {
            Unit::Ore
        } else if key.ends_with("_date") {
            Unit::Date
        } else if key.ends_with("_time") {
            Unit::TimeOfDay
        } else {
            Unit::Count
        }
    }

    /// A value in this unit as people read it: a count, kronor, a day or a time of day (the
    /// same in either language).
    pub fn show(self, value: i64) -> String {
        match self {
            Unit::Count => value.to_string(),
            Unit::Ore => domain::money::Money::from_ore(value).to_string(),
            Unit::Date if value == 0 => "–".to_owned(),
            Unit::Date => format!(
                "{:04}-{:02}-{:02}",
                value / 10_000,
                value / 100 % 100,
                value % 100
            ),
            Unit::TimeOfDay => format!("{:02}:{:02}", value / 100, value % 100),
        }
    }

    /// A day as an effect's value (yyyymmdd; `None` is 0).
    pub fn date_value(d: Option<jiff::civil::Date>) -> i64 {
        d.map_or(0, |d| {
            i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
        })
    }
}

/// One measurable effect of a policy change: `jobs_deferred: 12`, with the ids behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// Stable name, the same in a preview, in an activation's progress and in the API
    /// (`jobs_deferred`); people read the Fluent message `effect-<capability>-<key>`. Its
    /// ending says the unit ([`Unit::of_key`]).
    pub key: &'static str,
    pub value: i64,
    /// The objects affected (jobs, visits, invoices), for the CSV lists.
    pub ids: Vec<i64>,
}

impl Effect {
    /// As many as there are objects.
    pub fn count(key: &'static str, ids: Vec<i64>) -> Effect {
        Effect {
            key,
            value: i64::try_from(ids.len()).unwrap_or(i64::MAX),
            ids,
        }
    }

    /// An amount of money (`key` ends `_ore`) over the objects behind it.
    pub fn money(key: &'static str, ore: i64, ids: Vec<i64>) -> Effect {
        debug_assert_eq!(Unit::of_key(key), Unit::Ore, "{key}");
        Effect {
            key,
            value: ore,
            ids,
        }
    }

    /// A figure that is not of objects: days, a date, a time of day, a yes or no.
    pub fn figure(key: &'static str, value: i64) -> Effect {
        Effect {
            key,
            value,
            ids: Vec::new(),
        }
    }

    pub fn unit(&self) -> Unit {
        Unit::of_key(self.key)
    }
}

/// What a change of policy does, or would do: its effects, and each customer to tell with what
/// changes for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Impact {
    pub capability: Capability,
    pub effects: Vec<Effect>,
    pub customers: Vec<(CustomerId, CustomerChange)>,
}

impl Impact {
    pub fn new(capability: Capability) -> Impact {
        Impact {
            capability,
            effects: Vec::new(),
            customers: Vec::new(),
        }
    }

    /// The value of one effect (0 when the change has none of it).
    pub fn effect(&self, key: &str) -> i64 {
        self.effects
            .iter()
            .find(|e| e.key == key)
            .map_or(0, |e| e.value)
    }
}

/// One line of what a policy says, for people (the public crisis page, the mode editor): a
/// message key with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measure {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Measure {
    pub fn new(key: &'static str) -> Measure {
        Measure {
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Measure {
        self.args.push((name, value.to_string()));
        self
    }
}

impl Explain for Measure {
    fn message_key(&self) -> &'static str {
        self.key
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        self.args.clone()
    }
}

/// The hook every capability implements so that policies, and crisis mode, can move it.
pub trait PolicyHook: Send + Sync {
    fn capability(&self) -> Capability;

    /// What `policy` means for people, one measure per line (what differs from everyday
    /// operation first).
    fn describe(&self, policy: &PolicyBody) -> Vec<Measure>;

    /// What `change` would do if it took effect at `change.at`, computed from the live data.
    /// Changes nothing.
    fn preview<'a>(&'a self, change: &'a PolicyChange) -> BoxFuture<'a, Result<Impact>>;

    /// Makes the change's immediate effects (the policy row itself is recorded by the caller),
    /// and records each affected customer's change under `key`. Idempotent under `key`: called
    /// again after a crash, it finishes what is missing and records nothing twice. Work that
    /// waits for `change.at` or `change.until` is queued as jobs keyed by `key`.
    fn apply<'a>(&'a self, change: &'a PolicyChange, key: &'a str)
    -> BoxFuture<'a, Result<Impact>>;

    /// What the message to the customer says about one of this capability's changes (the
    /// street of the meter, the link to rebook a visit); read (from committed data) when the
    /// message is composed, and for the preview's list of messages.
    fn change_item<'a>(&'a self, change: &'a CustomerChange) -> BoxFuture<'a, Result<ChangeItem>>;
}

/// Customers told per transaction by [`Services::tell_customers`]: one commit (one fsync) per
/// batch instead of per customer.
pub const TELL_BATCH: i64 = 100;

/// Records that a change under `key` changed something for a customer, inside the transaction
/// that makes the change; the same change twice is recorded once.
pub async fn record_change(
    services: &Services,
    tx: &mut store::Tx,
    key: &str,
    customer: CustomerId,
    object_id: i64,
    change: &CustomerChange,
) -> Result<bool> {
    let body = serde_json::to_string(change)
        .map_err(|e| ServiceError::Internal(format!("customer change: {e}")))?;
    Ok(store::customer_changes::record(
        tx,
        &store::customer_changes::NewChange {
            change_key: key,
            customer_id: customer,
            capability: change.capability(),
            object_id,
            body: &body,
            now: services.now_micros(),
        },
    )
    .await?)
}

impl Services {
    /// Every capability's policy hook, in the order a crisis mode applies them.
    pub fn hooks(&self) -> Vec<Box<dyn PolicyHook>> {
        vec![
            Box::new(self.campaign()),
            Box::new(self.visits()),
            Box::new(self.credit()),
            Box::new(self.suppliers()),
            Box::new(self.portal()),
            Box::new(self.continuity()),
            Box::new(self.community()),
        ]
    }

    /// The hook of one capability.
    pub fn hook(&self, capability: Capability) -> Option<Box<dyn PolicyHook>> {
        self.hooks()
            .into_iter()
            .find(|h| h.capability() == capability)
    }

    /// Tells every customer with changes recorded under `key`, and not yet told, what changed
    /// for them: one message per customer however many capabilities changed something. Up to
    /// [`TELL_BATCH`] customers are told per transaction, each with the rows it composes, so a
    /// crash half way leaves the rest for the next call and nobody is told twice. Returns the
    /// number of messages queued.
    pub async fn tell_customers(&self, key: &str) -> Result<usize> {
        let mut told = 0;
        loop {
            let mut tx = self.store().begin().await?;
            let rows = store::customer_changes::next_pending(&mut tx, key, TELL_BATCH).await?;
            if rows.is_empty() {
                break;
            }
            let mut ids: Vec<CustomerId> = rows.iter().map(|r| r.customer_id).collect();
            ids.dedup();
            let contacts = store::customer_changes::contacts(self.store(), &ids).await?;
            for one in rows.chunk_by(|a, b| a.customer_id == b.customer_id) {
                let contact = contacts
                    .iter()
                    .find(|c| c.id == one[0].customer_id)
                    .ok_or(ServiceError::NotFound)?;
                told += usize::from(self.tell_one(&mut tx, key, contact, one).await?);
            }
            tx.commit().await?;
        }
        Ok(told)
    }

    /// Composes one customer's message from their pending `rows` under `key`, queues it and
    /// marks the rows composed; whether a message was queued (the customer may be unreachable).
    async fn tell_one(
        &self,
        tx: &mut store::Tx,
        key: &str,
        contact: &store::customers::Contact,
        rows: &[store::customer_changes::ChangeRow],
    ) -> Result<bool> {
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let change: CustomerChange = serde_json::from_str(&row.body)
                .map_err(|e| ServiceError::Internal(format!("customer change {}: {e}", row.id)))?;
            let hook = self.hook(row.capability).ok_or_else(|| {
                ServiceError::Internal(format!("no policy hook for {}", row.capability))
            })?;
            items.push(hook.change_item(&change).await?);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let message = PolicyChanges {
            name: contact.name.clone(),
            items,
        };
        let outbox = self
            .tell(
                tx,
                contact,
                &message,
                format!("changes:{key}:{}", contact.id),
            )
            .await?;
        store::customer_changes::mark_composed(tx, &ids, outbox, self.now_micros()).await?;
        Ok(outbox.is_some())
    }
}

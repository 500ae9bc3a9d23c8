//! Free faster broadband for businesses: a request (the customer on Mina sidor, an agent for a
//! caller, a system through the API) is granted or refused under the community policy in force
//! on its first day; the daily run starts upgrades on their first day, reminds the customer
//! 14 days before the end with an offer to keep the speed at the normal price, and reverts them
//! the day after their last, each step writing a provisioning order and a message once.

use domain::community::CommunityProblem;
use domain::community::upgrades::{self as rules, OrderAction, Step, UpgradeState, Via};
use domain::community::{LedgerCategory, RecipientKind};
use domain::ids::{CustomerId, UpgradeId};
use domain::money::Money;
use domain::problem::Problem;
use jiff::ToSpan;
use jiff::civil::Date;
use store::community::NewEntry;
use store::community::upgrades::{self as db, Connection, NewUpgrade, UpgradeRow};
use store::customers::Contact;

use super::{BroadbandSettings, Community, date, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// An upgrade request as typed in or sent to the API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpgradeInput {
    /// The customer (agents and the API; the portal uses the session's customer).
    pub customer_number: String,
    pub speed_mbit: String,
    /// The first day at the higher speed.
    pub from: String,
    /// The last day at the higher speed.
    pub to: String,
}

/// What one daily run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DayRun {
    pub date: String,
    pub started: usize,
    pub reminded: usize,
    pub reverted: usize,
    pub lapsed: usize,
    /// Provisioning orders written (started + reverted).
    pub orders: usize,
}

/// Who a step's message goes to, and the page it links to.
struct Said<'a> {
    link: &'a str,
    contact: &'a Contact,
}

/// Upgrades handled per transaction by the daily run.
const BATCH: usize = 500;

/// The page on Mina sidor that messages link to.
pub const PORTAL_PATH: &str = "/mina-sidor/bredband";

impl Community {
    /// Asks for a free upgrade: granted at once when the policy in force on its first day
    /// offers it (the customer is a business with broadband, the speed is faster and offered,
    /// the period within the policy's days), else refused with the reason (409). An upgrade
    /// starting today starts now.
    pub async fn request_upgrade(
        &self,
        actor: &Actor,
        via: Via,
        input: &UpgradeInput,
    ) -> Result<UpgradeRow> {
        let store = self.s.store();
        let connection = match via {
            Via::Portal => {
                let id = actor.customer_id.ok_or(ServiceError::Forbidden)?;
                db::connection_of(store, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?
            }
            Via::Agent | Via::Api => {
                Self::require(actor, roles::RECORD)?;
                let number = input.customer_number.trim();
                if number.is_empty() {
                    return Err(ServiceError::invalid("customer_number", Problem::Required));
                }
                db::connection(store, number)
                    .await?
                    .ok_or(ServiceError::invalid(
                        "customer_number",
                        CommunityProblem::UnknownCustomer,
                    ))?
            }
        };
        let speed =
            u32::try_from(super::count("speed_mbit", &input.speed_mbit, 1, 100_000)?).unwrap_or(0);
        let from = date("from", &input.from)?;
        let to = date("to", &input.to)?;
        let today = self.s.today();
        if from < today {
            return Err(ServiceError::invalid("from", Problem::InThePast));
        }
        if to < from {
            return Err(ServiceError::invalid("to", Problem::EndsBeforeStart));
        }
        let prices = self.broadband_settings().await?;
        let at = domain::time::start_of_day(from, self.s.tz()).max(self.s.now());
        let policy = self.policy_at(at).await?;
        let speeds = prices.speeds();
        rules::check(
            &policy,
            &rules::Request {
                kind: connection.kind,
                line: rules::Line::of(connection.subscription_id.is_some(), connection.speed_mbit),
                speed,
                from,
                to,
                speeds: &speeds,
            },
        )
        .map_err(ServiceError::conflict)?;
        let id = self
            .insert_upgrade(actor, via, &connection, speed, (from, to), &prices)
            .await?;
        let row = db::upgrade(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if from > today {
            return Ok(row);
        }
        self.run_upgrades(&[row], today, &mut DayRun::default())
            .await?;
        db::upgrade(store, id).await?.ok_or(ServiceError::NotFound)
    }

    async fn insert_upgrade(
        &self,
        actor: &Actor,
        via: Via,
        c: &Connection,
        speed: u32,
        (from, to): (Date, Date),
        prices: &BroadbandSettings,
    ) -> Result<UpgradeId> {
        let (Some(subscription), Some(normal)) = (c.subscription_id, c.speed_mbit) else {
            return Err(ServiceError::conflict(CommunityProblem::NoBroadband));
        };
        let difference = prices.price(speed).ore() - prices.price(normal).ore();
        let value = Money::from_ore(rules::value_ore(difference, rules::days(from, to)));
        let mut tx = self.s.store().begin().await?;
        let id = db::insert_upgrade(
            &mut tx,
            &NewUpgrade {
                customer_id: c.customer_id,
                subscription_id: subscription,
                normal_speed_mbit: normal,
                speed_mbit: speed,
                from,
                to,
                via,
                requested_by: &actor.name,
                value,
            },
            self.s.now_micros(),
        )
        .await?
        .ok_or(ServiceError::conflict(CommunityProblem::UpgradeExists))?;
        let detail = format!("{speed} Mbit/s {from}–{to}");
        self.audit(
            &mut tx,
            actor,
            "upgrade_granted",
            "broadband_upgrade",
            id.get(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws an upgrade that has not started (continuity managers, admins, or the customer
    /// it is for).
    pub async fn cancel_upgrade(&self, actor: &Actor, id: UpgradeId) -> Result<()> {
        let u = db::upgrade(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if actor.customer_id.is_some() {
            if actor.customer_id != Some(u.customer_id) {
                return Err(ServiceError::NotFound);
            }
        } else {
            Self::require(actor, roles::DECIDE)?;
        }
        let mut tx = self.s.store().begin().await?;
        let now = self.s.now_micros();
        if !db::set_state(
            &mut tx,
            id,
            UpgradeState::Scheduled,
            UpgradeState::Cancelled,
            Some(&actor.name),
            now,
        )
        .await?
        {
            return Err(ServiceError::conflict(CommunityProblem::UpgradeClosed));
        }
        self.audit(
            &mut tx,
            actor,
            "upgrade_cancelled",
            "broadband_upgrade",
            id.get(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A customer's connection and upgrades: the customer's own (portal), or any customer's for
    /// staff who record requests.
    pub async fn upgrades_of(
        &self,
        actor: &Actor,
        customer: CustomerId,
    ) -> Result<(Option<Connection>, Vec<UpgradeRow>)> {
        if actor.customer_id.is_some() {
            if actor.customer_id != Some(customer) {
                return Err(ServiceError::NotFound);
            }
        } else {
            Self::require(actor, roles::RECORD)?;
        }
        let store = self.s.store();
        Ok((
            db::connection_of(store, customer).await?,
            db::upgrades_of(store, customer).await?,
        ))
    }

    /// The upgrades of the customer with this number (the API).
    pub async fn upgrades_by_number(&self, actor: &Actor, number: &str) -> Result<Vec<UpgradeRow>> {
        Self::require(actor, roles::RECORD)?;
        let store = self.s.store();
        let c = db::connection(store, number.trim())
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(db::upgrades_of(store, c.customer_id).await?)
    }

    /// Upgrades scheduled or running, by first day (continuity managers and admins).
    pub async fn open_upgrades(&self, actor: &Actor) -> Result<Vec<UpgradeRow>> {
        Self::require(actor, roles::DECIDE)?;
        Ok(db::upgrades_in(
            self.s.store(),
            &[UpgradeState::Scheduled, UpgradeState::Active],
        )
        .await?)
    }

    /// The daily run for `today`: every upgrade due to start, be reminded, revert or lapse gets
    /// its step once (the system, or continuity managers and admins by hand). Safe to run again
    /// and after a crash: each step is a conditional change of the upgrade's row, written with
    /// its order, message and ledger entry in one transaction.
    pub async fn run_day(&self, actor: &Actor, today: Date) -> Result<DayRun> {
        Self::require(actor, roles::DECIDE)?;
        let remind_until = today.saturating_add(rules::REMINDER_DAYS.days());
        let due = db::due(self.s.store(), today, remind_until).await?;
        let mut run = DayRun {
            date: today.to_string(),
            ..DayRun::default()
        };
        for chunk in due.chunks(BATCH) {
            self.run_upgrades(chunk, today, &mut run).await?;
        }
        Ok(run)
    }

    /// Runs the due step of each of `due` (as read before) on `today` in one transaction; a step
    /// another run took meanwhile is found by its conditional update and skipped.
    async fn run_upgrades(&self, due: &[UpgradeRow], today: Date, run: &mut DayRun) -> Result<()> {
        let prices = self.broadband_settings().await?;
        let link = format!("{}{PORTAL_PATH}", self.s.public_url());
        let now = self.s.now_micros();
        let mut ids: Vec<CustomerId> = due.iter().map(|u| u.customer_id).collect();
        ids.sort();
        ids.dedup();
        let contacts: std::collections::HashMap<CustomerId, Contact> =
            store::customer_changes::contacts(self.s.store(), &ids)
                .await?
                .into_iter()
                .map(|c| (c.id, c))
                .collect();
        let mut tx = self.s.store().begin().await?;
        for u in due {
            let Some(contact) = contacts.get(&u.customer_id) else {
                continue;
            };
            let said = Said {
                link: &link,
                contact,
            };
            let Some(step) = rules::due(u.state, u.from, u.to, u.reminded_at.is_some(), today)
            else {
                continue;
            };
            let done = match step {
                Step::Start => self.start(&mut tx, u, &said, now).await?,
                Step::Remind => self.remind(&mut tx, u, &prices, &said, now).await?,
                Step::Revert => self.revert(&mut tx, u, &said, now).await?,
                Step::Lapse => {
                    db::set_state(&mut tx, u.id, u.state, UpgradeState::Reverted, None, now).await?
                }
            };
            if done {
                match step {
                    Step::Start => run.started += 1,
                    Step::Remind => run.reminded += 1,
                    Step::Revert => run.reverted += 1,
                    Step::Lapse => run.lapsed += 1,
                }
                run.orders += usize::from(matches!(step, Step::Start | Step::Revert));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn start(
        &self,
        tx: &mut store::Tx,
        u: &UpgradeRow,
        said: &Said<'_>,
        now: i64,
    ) -> Result<bool> {
        let today = self.s.today().max(u.from);
        let change = Switch {
            from: UpgradeState::Scheduled,
            to: UpgradeState::Active,
            action: OrderAction::Upgrade,
            speed: u.speed_mbit,
            effective_on: today,
        };
        if !switch(tx, u, &change, now).await? {
            return Ok(false);
        }
        let description = format!(
            "{} → {} Mbit/s {}–{}",
            u.normal_speed_mbit, u.speed_mbit, u.from, u.to
        );
        store::community::insert_entry(
            tx,
            &NewEntry {
                category: LedgerCategory::BroadbandUpgrade,
                given_on: u.from,
                amount: u.value,
                recipient_kind: RecipientKind::Customer,
                recipient: &u.customer_name,
                recipient_org_number: None,
                customer_id: Some(u.customer_id),
                description: &description,
                item_id: None,
                quantity: None,
                decided_by: &u.requested_by,
                reason: "community policy",
                source_key: Some(&format!("upgrade:{}", u.id.get())),
            },
            now,
        )
        .await?;
        let message = views::messages::community::UpgradeStarted {
            name: u.customer_name.clone(),
            speed_mbit: u.speed_mbit,
            normal_speed_mbit: u.normal_speed_mbit,
            from: u.from,
            to: u.to,
            link: said.link.to_owned(),
        };
        self.tell_customer(tx, u, said.contact, &message, "start")
            .await?;
        Ok(true)
    }

    async fn remind(
        &self,
        tx: &mut store::Tx,
        u: &UpgradeRow,
        prices: &BroadbandSettings,
        said: &Said<'_>,
        now: i64,
    ) -> Result<bool> {
        if !db::mark_reminded(tx, u.id, now).await? {
            return Ok(false);
        }
        let message = views::messages::community::UpgradeEnding {
            name: u.customer_name.clone(),
            speed_mbit: u.speed_mbit,
            normal_speed_mbit: u.normal_speed_mbit,
            to: u.to,
            monthly_price: prices.price(u.speed_mbit),
            link: said.link.to_owned(),
        };
        self.tell_customer(tx, u, said.contact, &message, "ending")
            .await?;
        Ok(true)
    }

    async fn revert(
        &self,
        tx: &mut store::Tx,
        u: &UpgradeRow,
        said: &Said<'_>,
        now: i64,
    ) -> Result<bool> {
        let back = rules::revert_day(u.to);
        let change = Switch {
            from: UpgradeState::Active,
            to: UpgradeState::Reverted,
            action: OrderAction::Revert,
            speed: u.normal_speed_mbit,
            effective_on: back,
        };
        if !switch(tx, u, &change, now).await? {
            return Ok(false);
        }
        let message = views::messages::community::UpgradeEnded {
            name: u.customer_name.clone(),
            normal_speed_mbit: u.normal_speed_mbit,
            from: back,
            link: said.link.to_owned(),
        };
        self.tell_customer(tx, u, said.contact, &message, "end")
            .await?;
        Ok(true)
    }

    async fn tell_customer(
        &self,
        tx: &mut store::Tx,
        u: &UpgradeRow,
        contact: &Contact,
        message: &dyn views::messages::CustomerMessage,
        what: &str,
    ) -> Result<()> {
        self.s
            .tell(
                tx,
                contact,
                message,
                format!("community:upgrade:{}:{what}", u.id.get()),
            )
            .await?;
        Ok(())
    }
}

/// One change of an upgrade's speed: its state moves on, the operator gets an order, the
/// subscription gets the speed.
struct Switch {
    from: UpgradeState,
    to: UpgradeState,
    action: OrderAction,
    speed: u32,
    effective_on: Date,
}

/// Makes `change` once: `false` when the upgrade was no longer in its `from` state (another run
/// got there first), and then nothing is written.
async fn switch(tx: &mut store::Tx, u: &UpgradeRow, change: &Switch, now: i64) -> Result<bool> {
    if !db::set_state(tx, u.id, change.from, change.to, None, now).await? {
        return Ok(false);
    }
    db::insert_order(
        tx,
        u.id,
        change.action,
        change.speed,
        change.effective_on,
        now,
    )
    .await?;
    db::set_speed(tx, u.subscription_id, change.speed).await?;
    Ok(true)
}

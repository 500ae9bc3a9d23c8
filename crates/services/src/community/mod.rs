//! Community support (issue 17): the stock of critical supplies and donations from it, one
//! ledger of everything given, free faster broadband for businesses (the daily run that starts
//! and reverts upgrades, the provisioning orders to the network operator), support for local
//! events within the gathering limit in force, and the community policy's hook for crisis mode.

mod events;
mod hook;
mod ledger;
mod provisioning;
mod sponsorship;
mod stock;
mod summer;
mod upgrades;

use domain::money::Money;
use domain::problem::Problem;
use domain::role::Role;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

pub use events::EventInput;
pub use ledger::{Ledger, LedgerTotals};
pub use provisioning::{OrderFormat, order_file};
pub use sponsorship::{AgreementInput, RELEASE_LEAD_DAYS, Released};
pub use stock::{DonationInput, ItemInput, StockLine};
pub use store::community::sponsorship::{AgreementRow, InstalmentRow};
pub use store::community::summer::{ApplicationRow, PostingRow, SeasonRow};
pub use store::community::upgrades::{Connection, OrderRow, UpgradeRow};
pub use store::community::{EventRow, ItemRow, LedgerRow};
pub use summer::{
    ApplicationInput, DrawLine, DrawOutcome, PostingInput, PostingLine, PublishedDraw, SeasonInput,
    SeasonView,
};
pub use upgrades::{DayRun, UpgradeInput};

use crate::audit;
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

/// Who may do what with community support; the route table reads the same lists.
pub mod roles {
    use domain::role::Role;

    /// Deciding events and upgrades, donations from stock, the stock itself.
    pub const DECIDE: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// The ledger and its totals (finance reports them).
    pub const LEDGER: &[Role] = &[Role::ContinuityManager, Role::Finance, Role::Admin];
    /// Recording an upgrade request for a caller, and seeing a customer's upgrades.
    pub const RECORD: &[Role] = &[Role::Agent, Role::ContinuityManager, Role::Admin];
}

/// Where provisioning orders go: the network operator's webhook (`community.provisioning_url`),
/// with its bearer token; without it, the day's order file is fetched from the page or the
/// command line.
#[derive(Clone, Debug, Default)]
pub struct ProvisioningSettings {
    pub url: Option<String>,
    pub token: Option<SecretString>,
}

/// One speed the network offers businesses, with its monthly price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeedPrice {
    pub mbit: u32,
    pub monthly_ore: i64,
}

/// The broadband price list: what a free upgrade is worth, and what keeping it costs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadbandSettings {
    pub speeds: Vec<SpeedPrice>,
}

impl Default for BroadbandSettings {
    /// The business price list of the demo's network (kronor a month, VAT excluded).
    fn default() -> Self {
        BroadbandSettings {
            speeds: [(100, 39_900), (250, 54_900), (500, 69_900), (1000, 89_900)]
                .into_iter()
                .map(|(mbit, monthly_ore)| SpeedPrice { mbit, monthly_ore })
                .collect(),
        }
    }
}

impl BroadbandSettings {
    pub fn speeds(&self) -> Vec<u32> {
        self.speeds.iter().map(|s| s.mbit).collect()
    }

    /// The monthly price of `mbit`; a speed not in the list costs what the next slower one does.
    pub fn price(&self, mbit: u32) -> Money {
        Money::from_ore(
            self.speeds
                .iter()
                .filter(|s| s.mbit <= mbit)
                .max_by_key(|s| s.mbit)
                .map_or(0, |s| s.monthly_ore),
        )
    }
}

const BROADBAND_KEY: &str = "community.broadband";

/// The community handle: `services.community()`.
#[derive(Clone)]
pub struct Community {
    s: Services,
}

impl Services {
    pub fn community(&self) -> Community {
        Community { s: self.clone() }
    }
}

fn text<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::invalid(field, Problem::Required));
    }
    if v.chars().count() > max {
        return Err(ServiceError::invalid(field, Problem::TooLong { max }));
    }
    Ok(v)
}

fn count(field: &'static str, value: &str, min: i64, max: i64) -> Result<i64> {
    let n: i64 = value
        .trim()
        .replace([' ', '\u{a0}'], "")
        .parse()
        .map_err(|_| ServiceError::invalid(field, Problem::NotANumber))?;
    if n < min || n > max {
        return Err(ServiceError::invalid(
            field,
            Problem::OutOfRange { min, max },
        ));
    }
    Ok(n)
}

fn date(field: &'static str, value: &str) -> Result<jiff::civil::Date> {
    domain::time::parse_date(value.trim())
        .map_err(|e| ServiceError::invalid(field, Problem::Date(e)))
}

fn kronor(field: &'static str, value: &str) -> Result<Money> {
    if value.trim().is_empty() {
        return Ok(Money::ZERO);
    }
    let m = domain::money::parse_kronor(value)
        .map_err(|e| ServiceError::invalid(field, Problem::Money(e)))?;
    if m.is_negative() {
        return Err(ServiceError::invalid(
            field,
            Problem::OutOfRange {
                min: 0,
                max: i64::MAX,
            },
        ));
    }
    Ok(m)
}

impl Community {
    fn require(actor: &Actor, roles: &[Role]) -> Result<()> {
        actor.require(roles)
    }

    async fn audit(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        kind: &str,
        id: i64,
        detail: &str,
    ) -> Result<()> {
        audit::success(tx, &self.s, actor, (action, kind, id), detail).await
    }

    /// The broadband price list (the demo's until an admin saves one).
    pub async fn broadband_settings(&self) -> Result<BroadbandSettings> {
        match store::settings::get(self.s.store(), BROADBAND_KEY).await? {
            None => Ok(BroadbandSettings::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| ServiceError::Internal(format!("broadband settings: {e}"))),
        }
    }

    /// Saves the broadband price list (admins), audited.
    pub async fn save_broadband_settings(
        &self,
        actor: &Actor,
        b: &BroadbandSettings,
    ) -> Result<()> {
        Self::require(actor, &[Role::Admin])?;
        if b.speeds.is_empty() || b.speeds.iter().any(|s| s.mbit == 0 || s.monthly_ore < 0) {
            return Err(ServiceError::invalid("speeds", Problem::Required));
        }
        let json = serde_json::to_string(b)
            .map_err(|e| ServiceError::Internal(format!("broadband settings: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        store::settings::set(&mut tx, BROADBAND_KEY, &json).await?;
        self.audit(&mut tx, actor, "broadband_prices", "settings", 0, &json)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The community policy in force at `at`.
    pub async fn policy_at(
        &self,
        at: jiff::Timestamp,
    ) -> Result<domain::community::CommunityPolicy> {
        match self
            .s
            .policies()
            .at(domain::policy::Capability::Community, at)
            .await?
        {
            domain::policy::PolicyBody::Community(p) => Ok(p),
            other => Err(ServiceError::Internal(format!(
                "the community policy is a {} policy",
                other.capability()
            ))),
        }
    }
}

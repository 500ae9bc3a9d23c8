//! The demo town: a deterministic synthetic Karlskoga (DESIGN §7).
//!
//! Given a size and a seed (and today's date from the clock) it fills an empty, migrated database
//! with customers, meter points with plausible placements, subscriptions, a year of invoices and
//! payments with on-time, late and chronic late payers, suppliers in the seven trades, staff, one
//! customer centre, policies and modes, and one demo account per role. Rows are inserted in
//! multi-row batches so the whole town takes seconds.
//!
//! Every random draw comes from one generator seeded with the seed, in a fixed order (the
//! properties, their owners, the customers, the meter points, the invoices, the suppliers, the
//! staff), so the same seed always gives the same rows: the demo test and the benchmarks rely
//! on it. Each step is a function of its own ([`town`], [`people`], [`billing`], [`registers`]);
//! the other capabilities seed their own parts ([`campaign`], [`cases`], [`visits`]).

use domain::role::{AccountProblem, Role};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

mod billing;
mod campaign;
mod campaign_progress;
pub use campaign_progress::CampaignInProgress;
mod cases;
mod community;
mod continuity;
mod names;
mod people;
mod registers;
mod sponsorship;
mod suppliers;
mod town;
mod visits;

use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoSize {
    Small,
    Town,
    Region,
}

impl DemoSize {
    pub fn meter_points(self) -> usize {
        match self {
            DemoSize::Small => 700,
            DemoSize::Town => 20_000,
            DemoSize::Region => 500_000,
        }
    }

    pub fn customers(self) -> usize {
        match self {
            DemoSize::Small => 600,
            DemoSize::Town => 17_000,
            DemoSize::Region => 425_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DemoSize::Small => "small",
            DemoSize::Town => "town",
            DemoSize::Region => "region",
        }
    }
}

domain::closed_set! {
    /// A stage of building the town, for progress reports (named in Fluent: `demo-stage-…`).
    pub enum DemoStage in "demo-stage" {
        Customers = "customers",
        MeterPoints = "meter_points",
        Invoices = "invoices",
        Registers = "registers",
    }
}

/// Reports progress to whoever runs the generation (the CLI draws a bar).
pub trait Progress: Sync {
    fn stage(&self, _stage: DemoStage, _total: u64) {}
    fn inc(&self, _n: u64) {}
}

/// No progress output (tests).
pub struct Quiet;
impl Progress for Quiet {}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub customers: usize,
    pub meter_points: usize,
    pub subscriptions: usize,
    pub invoices: usize,
    pub payments: usize,
    pub suppliers: usize,
    pub staff: usize,
    pub accounts: Vec<(String, Role)>,
}

/// What a town's marker ends with once its campaign is under way.
const CAMPAIGN_MARK: &str = ":campaign";

/// What a demo database records of its town (setting `demo`), so `beredskap demo` knows it
/// again: the size and the seed, and whether its campaign is under way.
pub fn marker(size: DemoSize, seed: u64, campaign: bool) -> String {
    let campaign = if campaign { CAMPAIGN_MARK } else { "" };
    format!("{}:{seed}{campaign}", size.as_str())
}

const BATCH: usize = 400;
/// Rows per transaction in the big stages.
const COMMIT_EVERY: usize = 40_000;
pub const DEMO_PASSWORD: &str = "demo";
/// The personal identity number of the demo's customer account (Karin Lindqvist, `kund`),
/// known so an e-ID broker in a test rig can vouch for her (`e2e/tests/sign_on.test.js`).
pub const DEMO_CUSTOMER_PERSONNUMMER: &str = "197803142384";

/// How a customer pays, decided once per customer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Payer {
    Punctual,
    SometimesLate,
    OftenLate,
    Chronic,
}

impl Services {
    /// Fills an empty, migrated database with the demo town.
    pub async fn generate_demo(
        &self,
        size: DemoSize,
        seed: u64,
        progress: &dyn Progress,
    ) -> Result<DemoSummary> {
        if store::customers::count(self.store()).await? > 0 {
            return Err(ServiceError::conflict(
                AccountProblem::DemoNeedsEmptyDatabase,
            ));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut summary = DemoSummary::default();
        let n_customers = size.customers();
        let points = town::properties(&mut rng, size);
        let owner = town::owners(&mut rng, &points, n_customers);
        let customers = self
            .demo_customers(&mut rng, &points, n_customers, progress)
            .await?;
        summary.customers = n_customers;
        self.demo_meter_points(
            &mut rng,
            &points,
            &owner,
            &customers.ids,
            progress,
            &mut summary,
        )
        .await?;
        let second_homes = owner.len() > n_customers;
        self.demo_invoices(
            &mut rng,
            &points,
            second_homes,
            &customers,
            progress,
            &mut summary,
        )
        .await?;
        progress.stage(DemoStage::Registers, 4);
        let now = self.now_micros();
        let mut tx = self.store().begin().await?;
        registers::suppliers(&mut tx, &mut rng, now, &mut summary).await?;
        progress.inc(1);
        registers::staff(&mut tx, &mut rng, now, &mut summary).await?;
        progress.inc(1);
        let site_id = self.demo_site_and_policies(&mut tx, size, seed).await?;
        tx.commit().await?;
        self.demo_modes().await?;
        self.visits()
            .set_up_standard_site(&Actor::system(), site_id)
            .await?;
        // The reference rates of räntelagen, as finance would keep them, and customer terms that
        // (mostly) agree to a reminder fee.
        self.credit().reference_rates().await?;
        let mut tx = self.store().begin().await?;
        store::credit::demo_fee_agreement(&mut tx).await?;
        tx.commit().await?;
        let ids: Vec<i64> = customers.ids.iter().map(|c| c.get()).collect();
        self.seed_demo_visits(site_id, &ids, seed).await?;
        progress.inc(1);
        self.demo_accounts(customers.ids[0], &mut summary).await?;
        self.seed_demo_cases(&ids, seed).await?;
        self.seed_demo_crews().await?;
        self.seed_demo_continuity(seed).await?;
        self.seed_demo_work().await?;
        self.seed_demo_supplier_invoices().await?;
        self.seed_demo_einvoices().await?;
        self.seed_demo_community().await?;
        self.seed_demo_sponsorship().await?;
        progress.inc(1);
        Ok(summary)
    }
}

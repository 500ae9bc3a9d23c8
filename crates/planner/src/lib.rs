//! Campaign planning: assigns meter-exchange jobs to crew-days and sequences
//! the routes. No IO: no files, no environment, no clock (time budgets come
//! with a caller-supplied elapsed-time function). Deterministic for a seed
//! and an iteration budget.
//!
//! Module map:
//! - [`model`]: input (jobs, crews, travel) and output (plan, reasons, KPIs) types.
//! - [`csv`]: JOBS.csv / CREWS.csv text parsing and validation with row and column.
//! - [`campaign`]: decomposition by week and area, tiers as prizes, re-planning.
//! - [`offers`]: booking windows a nearby crew can absorb.
//! - [`search`]: the generic integer VRPTW and its ruin-and-recreate search.
//! - [`solomon`]: Solomon/Gehring-Homberger parsing and the DIMACS instance.
//! - [`town`]: the synthetic benchmark town.
//! - [`date`], [`rng`]: small own date type and PRNG.

pub mod campaign;
pub mod csv;
pub mod date;
pub mod model;
pub mod offers;
pub mod rng;
pub mod search;
pub mod solomon;
pub mod town;

pub use campaign::{Change, apply_change, plan, replan};
pub use date::Date;
pub use model::*;
pub use offers::{Offer, OfferOptions, window_offers};
pub use search::Budget;

//! Validated types and pure business rules of Beredskap.
//!
//! This crate does no IO: no database, no network, no files, no clock.
//! Time and the civil zone are always arguments.

pub mod calendar;
pub mod customer;
pub mod identity;
pub mod meter;
pub mod money;
pub mod ocr;
pub mod policy;
pub mod role;
pub mod time;

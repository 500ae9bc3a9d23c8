//! Validated types and pure business rules of Beredskap.
//!
//! This crate does no IO: no database, no network, no files, no clock.
//! Time and the civil zone are always arguments.

pub mod audit;
pub mod calendar;
#[macro_use]
pub mod code;
pub mod campaign;
pub mod cases;
pub mod chat;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod customer;
pub mod identity;
pub mod ids;
pub mod jobs;
pub mod meter;
pub mod modes;
pub mod money;
pub mod ocr;
pub mod outbox;
pub mod policy;
pub mod portal;
pub mod problem;
pub mod registers;
pub mod role;
pub mod suppliers;
pub mod time;
pub mod visits;

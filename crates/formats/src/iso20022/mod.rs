//! ISO 20022 payment messages: pain.001 written, pain.002 and camt.054 read.
//!
//! [`pain001`] writes customer credit transfer initiations the way Swedish
//! banks take supplier payments (bankgiro `BGNR`, plusgiro `PGNR`, OCR as
//! structured `SCOR`); [`pain002`] reads the bank's status reports and
//! [`camt054`] its debit and credit notifications. Amounts are integer öre
//! throughout and are never held as floating point. Readers fail with a
//! [`ReadError`] naming the line, column and element path at fault.

mod amount;
pub mod camt054;
mod error;
pub mod pain001;
pub mod pain002;
mod read;
mod xml;

pub use error::{ReadError, ReadErrorKind};

//! File formats exchanged with banks and suppliers: parse and write, no IO.
//!
//! Every format lives in its own module with its own small types and
//! line-numbered errors. The crate reads and returns bytes and values only:
//! it opens no files, reads no clock and does not depend on `domain`, so the
//! services layer decides how a parsed file maps onto domain types.

pub mod bgmax;
pub mod ics;
pub mod iso20022;
pub mod peppol;

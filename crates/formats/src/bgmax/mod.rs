//! Bankgirot BgMax ("Bankgiro Inbetalningar"), the file that reports the
//! payments received on a bankgiro number.
//!
//! This module owns reading and writing the file: the 80-character
//! ISO-8859-1 records, every record type (TK01, TK05, TK15, TK20–TK23,
//! TK25–TK29, TK70) and every consistency rule of the reference
//! (`reference/swedish-formats.md` §1.4): record order, section sums and
//! counts, end-record counts, the OCR check for reference code 2 and the
//! sum of extra references. A file that breaks any rule is rejected as a
//! whole with a [`ParseError`] naming the line, the field and what to do,
//! because booking part of a damaged payment file is worse than booking
//! none of it.
//!
//! It deliberately does not decide what a payment means for the ledger:
//! matching references to invoices, partial and over-payments, refusing
//! test files in production and recognising a file delivered twice belong
//! to the importer. The values it needs for that are kept here: the TK01
//! timestamp and receiving bankgiro identify a file, the BGC serial number
//! identifies a payment (note that Bankgirot's own example files repeat
//! serial numbers and timestamps, so the importer should not trust either
//! key alone).
//!
//! * [`parse()`] turns bytes into a [`BgMaxFile`].
//! * [`records()`] only splits bytes into records; it checks characters,
//!   length and record type but no fields.
//! * [`write()`] and [`Writer`] produce files, for tests, fuzz seeds and
//!   benchmark data.
//! * [`ocr`] holds the Luhn ("10-modul") check of OCR references.

mod error;
mod model;
pub mod ocr;
mod parse;
mod records;
mod write;

pub use error::{ParseError, ParseErrorKind};
pub use model::{
    BgMaxFile, Date, Deposit, EndRecord, ExtraReference, ExtraReferenceKind, PayerAddress,
    PayerName, Payment, PaymentKind, Section, Timestamp,
};
pub use parse::{SectionReader, parse};
pub use records::{RECORD_LEN, Record, RecordType, Records, records};
pub use write::{LineEnding, Writer, write};

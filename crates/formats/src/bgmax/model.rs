//! The values a BgMax file carries, one type per record group.
//!
//! These types hold every field the reference lists, decoded but not
//! interpreted: giro numbers are digit strings, amounts are the unsigned
//! öre amounts as written (the record type gives the sign), codes are the
//! digits Bankgirot wrote. Line numbers are kept so that the importer can
//! point a person at the record behind any value.

use std::fmt;

/// A parsed BgMax file: the start record, its sections and the end record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgMaxFile {
    /// Layout version from TK01 (positions 23–24); always 1 after a
    /// successful parse, because other versions are rejected.
    pub layout_version: u8,
    /// When Bankgirot wrote the file (TK01 positions 25–44). Together with
    /// a section's receiving bankgiro this identifies the file.
    pub created: Timestamp,
    /// `true` for a test file (`T`), `false` for production (`P`). A test
    /// file must never be booked in production.
    pub test_marker: bool,
    /// One section (TK05 … TK15) per receiving bankgiro number and deposit.
    pub sections: Vec<Section>,
    /// The counts stated in TK70, already checked against the file.
    pub end: EndRecord,
}

impl BgMaxFile {
    /// Every payment and deduction of the file, in file order.
    pub fn entries(&self) -> impl Iterator<Item = &Payment> {
        self.sections.iter().flat_map(Section::entries)
    }
}

/// One section: a TK05 opening record, its payments and deductions, and
/// the TK15 deposit record that closes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Line of the TK05 record.
    pub line: usize,
    /// Receiving bankgiro number, digits without leading zeros.
    pub receiving_bankgiro: String,
    /// Receiving plusgiro number, digits without leading zeros; `None`
    /// when the field is blank or zero.
    pub receiving_plusgiro: Option<String>,
    /// Currency of the section (`SEK`; `EUR` existed until 2016).
    pub currency: String,
    /// The TK20 payment records, in file order.
    pub payments: Vec<Payment>,
    /// The TK21 deduction records, in file order.
    pub deductions: Vec<Payment>,
    /// The TK15 record closing the section.
    pub deposit: Deposit,
}

impl Section {
    /// Payments and deductions merged back into file order.
    pub fn entries(&self) -> impl Iterator<Item = &Payment> {
        let mut all: Vec<&Payment> = self.payments.iter().chain(&self.deductions).collect();
        all.sort_by_key(|payment| payment.line);
        all.into_iter()
    }
}

/// The TK15 deposit record: what the bank put on the account for a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposit {
    /// Line of the TK15 record.
    pub line: usize,
    /// Receiving bank account (clearing number and account number), digits
    /// without leading zeros.
    pub account: String,
    /// Payment date (positions 38–45).
    pub payment_date: Date,
    /// Deposit serial number, the five digits as written.
    pub deposit_serial: String,
    /// Deposited amount in öre; equals the section's payments minus its
    /// deductions.
    pub amount_ore: i64,
    /// Currency of the deposit; equals the section's currency.
    pub currency: String,
    /// Number of payments and deductions in the section.
    pub payment_count: u32,
    /// Deposit type (position 80), `None` when blank. Parsers accept `K`,
    /// `D` and `S`; their meaning is not established, so any character is
    /// kept as written.
    pub deposit_type: Option<char>,
}

/// Whether a payment record is a payment (TK20) or a deduction (TK21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentKind {
    /// TK20: money received.
    Payment,
    /// TK21: an amount deducted from the deposit, for example a returned
    /// payment.
    Deduction,
}

/// A TK20 payment or TK21 deduction with the records that belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Line of the TK20 or TK21 record.
    pub line: usize,
    /// Payment (TK20) or deduction (TK21).
    pub kind: PaymentKind,
    /// Payer's bankgiro number, digits without leading zeros; empty when
    /// Bankgirot wrote zeros (unknown sender).
    pub sender_bankgiro: String,
    /// The reference as written, without surrounding blanks. With
    /// reference code 2 it is an OCR number that passed the Luhn check.
    pub reference: String,
    /// Reference code (position 56): 0 none (extra references may follow),
    /// 1 none, 2 correct OCR, 3 free text, 4 correct reference without OCR
    /// check, 5 incorrect reference.
    pub reference_code: u8,
    /// Amount in öre as written (never negative); see
    /// [`Payment::signed_amount_ore`].
    pub amount_ore: i64,
    /// Payment channel (position 57): 1 internet bank, 2 Leverantörs-
    /// betalningar, 3 paper form, 4 Autogiro. Other digits are kept.
    pub channel_code: u8,
    /// BGC serial number (löpnummer), the twelve digits as written.
    pub bgc_serial: String,
    /// `true` when Bankgirot holds an image of a paper slip.
    pub image_marker: bool,
    /// TK21 only (position 71): 0 full deduction, 1 partial deduction,
    /// 2 final deduction after earlier partial ones. `None` for TK20.
    pub deduction_code: Option<u8>,
    /// TK22 and TK23 records following this payment.
    pub extra_references: Vec<ExtraReference>,
    /// TK25 information texts, trailing blanks removed.
    pub informations: Vec<String>,
    /// TK26 payer name.
    pub payer_name: Option<PayerName>,
    /// TK27 and TK28 payer address; present when either record is.
    pub payer_address: Option<PayerAddress>,
    /// TK29 payer organisation or personal number as written, blanks
    /// removed. Personal data when the payer is a person.
    pub payer_org_number: Option<String>,
}

impl Payment {
    /// The amount with the sign the record type gives it: negative for a
    /// deduction.
    pub fn signed_amount_ore(&self) -> i64 {
        match self.kind {
            PaymentKind::Payment => self.amount_ore,
            PaymentKind::Deduction => -self.amount_ore,
        }
    }
}

/// Whether an extra reference adds to (TK22) or subtracts from (TK23) its
/// payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtraReferenceKind {
    /// TK22: positive amount.
    Positive,
    /// TK23: negative amount, for example a credit note settled within the
    /// payment.
    Negative,
}

/// A TK22 or TK23 extra reference. The record repeats the payment's
/// fields, so all of them are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraReference {
    /// Line of the TK22 or TK23 record.
    pub line: usize,
    /// Positive (TK22) or negative (TK23).
    pub kind: ExtraReferenceKind,
    /// As [`Payment::sender_bankgiro`].
    pub sender_bankgiro: String,
    /// As [`Payment::reference`].
    pub reference: String,
    /// As [`Payment::reference_code`].
    pub reference_code: u8,
    /// Amount in öre as written (never negative); zero when the record only
    /// carries a reference. See [`ExtraReference::signed_amount_ore`].
    pub amount_ore: i64,
    /// As [`Payment::channel_code`].
    pub channel_code: u8,
    /// As [`Payment::bgc_serial`].
    pub bgc_serial: String,
    /// As [`Payment::image_marker`].
    pub image_marker: bool,
}

impl ExtraReference {
    /// The amount with its sign: negative for TK23.
    pub fn signed_amount_ore(&self) -> i64 {
        match self.kind {
            ExtraReferenceKind::Positive => self.amount_ore,
            ExtraReferenceKind::Negative => -self.amount_ore,
        }
    }
}

/// TK26: payer name, trailing blanks removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerName {
    /// Positions 3–37.
    pub name: String,
    /// Positions 38–72, empty when blank.
    pub extra_name: String,
}

/// TK27 and TK28: payer address, trailing blanks removed; the fields of a
/// record that is absent are empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerAddress {
    /// TK27 positions 3–37.
    pub street: String,
    /// TK27 positions 38–46.
    pub postal_code: String,
    /// TK28 positions 3–37.
    pub town: String,
    /// TK28 positions 38–72.
    pub country: String,
    /// TK28 positions 73–74.
    pub country_code: String,
}

/// The TK70 end record: the counts Bankgirot states for the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndRecord {
    /// Line of the TK70 record.
    pub line: usize,
    /// Number of TK20 records.
    pub payment_count: u32,
    /// Number of TK21 records.
    pub deduction_count: u32,
    /// Number of TK22 and TK23 records.
    pub extra_reference_count: u32,
    /// Number of TK15 records.
    pub deposit_count: u32,
}

/// A calendar date as written in the file (`YYYYMMDD`), checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 0–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
}

impl Date {
    /// The date if it exists in the Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The TK01 timestamp, in Bankgirot's (Swedish) local time as written;
/// the file does not state a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// The date part.
    pub date: Date,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
    /// Microseconds, 0–999 999.
    pub micros: u32,
}

impl Timestamp {
    /// The 20 digits as Bankgirot writes them (`YYYYMMDDhhmmss` and
    /// microseconds), the form to store as a file key.
    pub fn to_bgmax(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}{:06}",
            self.date.year,
            self.date.month,
            self.date.day,
            self.hour,
            self.minute,
            self.second,
            self.micros
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02}.{:06}",
            self.date, self.hour, self.minute, self.second, self.micros
        )
    }
}

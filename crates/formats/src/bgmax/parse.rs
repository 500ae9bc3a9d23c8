//! Reading the fields of each record and checking the file's structure and
//! totals.
//!
//! This module owns the record layouts (field positions of §1.3 of the
//! reference) and the validation rules of §1.4. It works on the records
//! that `records` yields and stops at the first fault, since a payment file
//! is booked whole or not at all.

use super::model::{
    BgMaxFile, Date, Deposit, EndRecord, ExtraReference, ExtraReferenceKind, PayerAddress,
    PayerName, Payment, PaymentKind, Section, Timestamp,
};
use super::records::{Record, RecordType, Records, latin1, records};
use super::{ParseError, ParseErrorKind, ocr};

/// Parse a BgMax file from its ISO-8859-1 bytes and check every rule.
///
/// # Errors
///
/// The first fault in line order, naming line and field; see
/// [`ParseErrorKind`] for the faults.
pub fn parse(bytes: &[u8]) -> Result<BgMaxFile, ParseError> {
    let mut parser = Parser::default();
    for record in records(bytes) {
        parser.record(&record?)?;
    }
    parser.finish()
}

/// Reads a file section by section, checking every rule as [`parse`] does, so a large file
/// never has to be held as a whole: each [`Section`] is handed over when its TK15 has been
/// checked, and [`SectionReader::finish`] checks the end record and the file's counts. A
/// caller that must not act on a bad file reads it twice: once to validate (dropping the
/// sections), then to act.
pub struct SectionReader<'a> {
    records: Records<'a>,
    parser: Parser,
}

impl<'a> SectionReader<'a> {
    pub fn new(bytes: &'a [u8]) -> SectionReader<'a> {
        SectionReader {
            records: records(bytes),
            parser: Parser::default(),
        }
    }

    /// The next complete section, `None` after the last one.
    ///
    /// # Errors
    ///
    /// The first fault in line order, as [`parse`] reports it.
    pub fn next_section(&mut self) -> Result<Option<Section>, ParseError> {
        loop {
            if let Some(section) = self.parser.sections.pop() {
                return Ok(Some(section));
            }
            match self.records.next() {
                Some(record) => self.parser.record(&record?)?,
                None => return Ok(None),
            }
        }
    }

    /// The TK01 timestamp and test marker, once the start record has been read.
    pub fn start(&self) -> Option<(Timestamp, bool)> {
        self.parser
            .start
            .as_ref()
            .map(|s| (s.created, s.test_marker))
    }

    /// Checks what is left (the end record and the counts) and returns the file without its
    /// sections.
    ///
    /// # Errors
    ///
    /// As [`parse`].
    pub fn finish(mut self) -> Result<BgMaxFile, ParseError> {
        while self.next_section()?.is_some() {}
        self.parser.finish()
    }
}

/// What TK01 said.
struct Start {
    line: usize,
    layout_version: u8,
    created: Timestamp,
    test_marker: bool,
}

/// Running totals of the file, for TK70.
#[derive(Default)]
struct Counts {
    payments: u64,
    deductions: u64,
    extra_references: u64,
    deposits: u64,
}

/// A section whose TK15 has not come yet.
struct OpenSection {
    line: usize,
    receiving_bankgiro: String,
    receiving_plusgiro: Option<String>,
    currency: String,
    payments: Vec<Payment>,
    deductions: Vec<Payment>,
    current: Option<OpenPayment>,
}

/// A payment still collecting its TK22–TK29 records.
struct OpenPayment {
    payment: Payment,
    /// The last of TK26–TK29 seen, 0 before any; records must come in the
    /// order 22/23/25, 26, 27, 28, 29.
    stage: u8,
}

#[derive(Default)]
struct Parser {
    start: Option<Start>,
    sections: Vec<Section>,
    open: Option<OpenSection>,
    end: Option<EndRecord>,
    counts: Counts,
    last_line: usize,
}

impl Parser {
    fn record(&mut self, record: &Record) -> Result<(), ParseError> {
        let line = record.line;
        let record_type = record.record_type;
        self.last_line = line;
        let fault = |field, kind| Err(ParseError::new(line, field, kind));

        if let Some(end) = &self.end {
            let end_line = end.line;
            return fault(
                "record_type",
                ParseErrorKind::AfterEnd {
                    record: record_type,
                    end_line,
                },
            );
        }
        match (&self.start, record_type) {
            (None, RecordType::Start) => {
                self.start = Some(start_record(record)?);
                return Ok(());
            }
            (None, found) => return fault("record_type", ParseErrorKind::MissingStart { found }),
            (Some(start), RecordType::Start) => {
                let first_line = start.line;
                return fault("record_type", ParseErrorKind::DuplicateStart { first_line });
            }
            (Some(_), _) => {}
        }

        match record_type {
            RecordType::Start => Ok(()),
            RecordType::Opening => self.opening(record),
            RecordType::Deposit => self.deposit(record),
            RecordType::End => self.end(record),
            RecordType::Payment | RecordType::Deduction => self.payment(record),
            RecordType::ExtraReference
            | RecordType::ExtraReferenceNegative
            | RecordType::Information
            | RecordType::Name
            | RecordType::Address1
            | RecordType::Address2
            | RecordType::OrgNumber => self.payment_detail(record),
        }
    }

    fn opening(&mut self, record: &Record) -> Result<(), ParseError> {
        if let Some(open) = &self.open {
            return Err(not_closed(record, open));
        }
        let receiving_bankgiro = giro(record, "receiving_bankgiro", 3, 10)?;
        if receiving_bankgiro.is_empty() {
            return Err(ParseError::new(
                record.line,
                "receiving_bankgiro",
                ParseErrorKind::Blank,
            ));
        }
        let plusgiro = giro(record, "receiving_plusgiro", 13, 10)?;
        let currency = currency(record, 23)?;
        self.open = Some(OpenSection {
            line: record.line,
            receiving_bankgiro,
            receiving_plusgiro: (!plusgiro.is_empty()).then_some(plusgiro),
            currency,
            payments: Vec::new(),
            deductions: Vec::new(),
            current: None,
        });
        Ok(())
    }

    fn payment(&mut self, record: &Record) -> Result<(), ParseError> {
        let Some(open) = &mut self.open else {
            return Err(outside_section(record));
        };
        close_payment(open)?;
        let fields = transaction(record)?;
        let (kind, deduction_code) = if record.record_type == RecordType::Deduction {
            let code = code_digit(record, "deduction_code", 71, 0..=9, "a digit 0–9")?;
            self.counts.deductions += 1;
            (PaymentKind::Deduction, Some(code))
        } else {
            self.counts.payments += 1;
            (PaymentKind::Payment, None)
        };
        open.current = Some(OpenPayment {
            payment: Payment {
                line: record.line,
                kind,
                sender_bankgiro: fields.sender_bankgiro,
                reference: fields.reference,
                reference_code: fields.reference_code,
                amount_ore: fields.amount_ore,
                channel_code: fields.channel_code,
                bgc_serial: fields.bgc_serial,
                image_marker: fields.image_marker,
                deduction_code,
                extra_references: Vec::new(),
                informations: Vec::new(),
                payer_name: None,
                payer_address: None,
                payer_org_number: None,
            },
            stage: 0,
        });
        Ok(())
    }

    /// TK22, TK23 and TK25–TK29: records that belong to the open payment.
    fn payment_detail(&mut self, record: &Record) -> Result<(), ParseError> {
        let Some(open) = &mut self.open else {
            return Err(outside_section(record));
        };
        let record_type = record.record_type;
        let Some(current) = &mut open.current else {
            return Err(ParseError::new(
                record.line,
                "record_type",
                ParseErrorKind::OutsidePayment {
                    record: record_type,
                },
            ));
        };
        let payment_line = current.payment.line;
        let stage = match record_type {
            RecordType::Name => 1,
            RecordType::Address1 => 2,
            RecordType::Address2 => 3,
            RecordType::OrgNumber => 4,
            _ => 0,
        };
        if stage <= current.stage && (stage > 0 || current.stage > 0) {
            let kind = if stage == current.stage {
                ParseErrorKind::Duplicate {
                    record: record_type,
                    payment_line,
                }
            } else {
                ParseErrorKind::OutOfOrder {
                    record: record_type,
                    payment_line,
                }
            };
            return Err(ParseError::new(record.line, "record_type", kind));
        }
        current.stage = stage;

        let payment = &mut current.payment;
        match record_type {
            RecordType::ExtraReference | RecordType::ExtraReferenceNegative => {
                let fields = transaction(record)?;
                self.counts.extra_references += 1;
                payment.extra_references.push(ExtraReference {
                    line: record.line,
                    kind: if record_type == RecordType::ExtraReference {
                        ExtraReferenceKind::Positive
                    } else {
                        ExtraReferenceKind::Negative
                    },
                    sender_bankgiro: fields.sender_bankgiro,
                    reference: fields.reference,
                    reference_code: fields.reference_code,
                    amount_ore: fields.amount_ore,
                    channel_code: fields.channel_code,
                    bgc_serial: fields.bgc_serial,
                    image_marker: fields.image_marker,
                });
            }
            RecordType::Information => payment.informations.push(text(record, 3, 50)),
            RecordType::Name => {
                payment.payer_name = Some(PayerName {
                    name: text(record, 3, 35),
                    extra_name: text(record, 38, 35),
                });
            }
            RecordType::Address1 => {
                let address = payment.payer_address.get_or_insert_with(empty_address);
                address.street = text(record, 3, 35);
                address.postal_code = text(record, 38, 9);
            }
            RecordType::Address2 => {
                let address = payment.payer_address.get_or_insert_with(empty_address);
                address.town = text(record, 3, 35);
                address.country = text(record, 38, 35);
                address.country_code = text(record, 73, 2);
            }
            RecordType::OrgNumber => payment.payer_org_number = Some(org_number(record)?),
            RecordType::Start
            | RecordType::Opening
            | RecordType::Deposit
            | RecordType::Payment
            | RecordType::Deduction
            | RecordType::End => {}
        }
        Ok(())
    }

    fn deposit(&mut self, record: &Record) -> Result<(), ParseError> {
        let Some(mut open) = self.open.take() else {
            return Err(outside_section(record));
        };
        close_payment(&mut open)?;
        let line = record.line;
        let account = giro(record, "account", 3, 35)?;
        let payment_date = date(record, "payment_date", 38)?;
        let deposit_serial = latin1(digits(record, "deposit_serial", 46, 5)?);
        let amount_ore = amount(record, 51)?;
        let currency = currency(record, 69)?;
        let payment_count = count(record, "payment_count", 72)?;
        let deposit_type = match record.field(80, 1) {
            [b' '] | [] => None,
            [byte, ..] => Some(char::from(*byte)),
        };

        if open.payments.is_empty() && open.deductions.is_empty() {
            let opened_line = open.line;
            return Err(ParseError::new(
                line,
                "record_type",
                ParseErrorKind::EmptySection { opened_line },
            ));
        }
        if currency != open.currency {
            return Err(ParseError::new(
                line,
                "currency",
                ParseErrorKind::CurrencyMismatch {
                    section: open.currency,
                    deposit: currency,
                },
            ));
        }
        let sum = |payments: &[Payment]| -> i128 {
            payments
                .iter()
                .fold(0i128, |sum, p| sum.saturating_add(i128::from(p.amount_ore)))
        };
        let computed = sum(&open.payments).saturating_sub(sum(&open.deductions));
        if computed != i128::from(amount_ore) {
            return Err(ParseError::new(
                line,
                "amount",
                ParseErrorKind::DepositAmountMismatch {
                    stated: amount_ore,
                    computed,
                },
            ));
        }
        let computed = (open.payments.len() as u64).saturating_add(open.deductions.len() as u64);
        if computed != u64::from(payment_count) {
            return Err(ParseError::new(
                line,
                "payment_count",
                ParseErrorKind::DepositCountMismatch {
                    stated: payment_count,
                    computed,
                },
            ));
        }

        self.counts.deposits += 1;
        self.sections.push(Section {
            line: open.line,
            receiving_bankgiro: open.receiving_bankgiro,
            receiving_plusgiro: open.receiving_plusgiro,
            currency: open.currency,
            payments: open.payments,
            deductions: open.deductions,
            deposit: Deposit {
                line,
                account,
                payment_date,
                deposit_serial,
                amount_ore,
                currency,
                payment_count,
                deposit_type,
            },
        });
        Ok(())
    }

    fn end(&mut self, record: &Record) -> Result<(), ParseError> {
        if let Some(open) = &self.open {
            return Err(not_closed(record, open));
        }
        let end = EndRecord {
            line: record.line,
            payment_count: count(record, "payment_count", 3)?,
            deduction_count: count(record, "deduction_count", 11)?,
            extra_reference_count: count(record, "extra_reference_count", 19)?,
            deposit_count: count(record, "deposit_count", 27)?,
        };
        let checks = [
            ("payment_count", end.payment_count, self.counts.payments),
            (
                "deduction_count",
                end.deduction_count,
                self.counts.deductions,
            ),
            (
                "extra_reference_count",
                end.extra_reference_count,
                self.counts.extra_references,
            ),
            ("deposit_count", end.deposit_count, self.counts.deposits),
        ];
        for (field, stated, computed) in checks {
            if u64::from(stated) != computed {
                return Err(ParseError::new(
                    record.line,
                    field,
                    ParseErrorKind::EndCountMismatch { stated, computed },
                ));
            }
        }
        self.end = Some(end);
        Ok(())
    }

    fn finish(self) -> Result<BgMaxFile, ParseError> {
        let (Some(start), Some(end)) = (self.start, self.end) else {
            let kind = if self.last_line == 0 {
                ParseErrorKind::EmptyFile
            } else {
                ParseErrorKind::MissingEnd {
                    open_section: self.open.as_ref().map(|open| open.line),
                }
            };
            // The fault is reported on the last line there is (line 1 for
            // an empty file), since the missing record has no line.
            return Err(ParseError::new(self.last_line.max(1), "record_type", kind));
        };
        Ok(BgMaxFile {
            layout_version: start.layout_version,
            created: start.created,
            test_marker: start.test_marker,
            sections: self.sections,
            end,
        })
    }
}

/// Check rule 7 for the open payment and move it into its section.
fn close_payment(open: &mut OpenSection) -> Result<(), ParseError> {
    let Some(current) = open.current.take() else {
        return Ok(());
    };
    let payment = current.payment;
    let extras = &payment.extra_references;
    // Extra references that only carry a reference number have amount 0;
    // when any carries an amount, together they must make up the payment.
    if extras.iter().any(|extra| extra.amount_ore != 0) {
        let extra = extras.iter().fold(0i128, |sum, extra| {
            sum.saturating_add(i128::from(extra.signed_amount_ore()))
        });
        if extra != i128::from(payment.amount_ore) {
            return Err(ParseError::new(
                payment.line,
                "amount",
                ParseErrorKind::ExtraReferenceSumMismatch {
                    payment: payment.amount_ore,
                    extra,
                },
            ));
        }
    }
    match payment.kind {
        PaymentKind::Payment => open.payments.push(payment),
        PaymentKind::Deduction => open.deductions.push(payment),
    }
    Ok(())
}

fn outside_section(record: &Record) -> ParseError {
    ParseError::new(
        record.line,
        "record_type",
        ParseErrorKind::OutsideSection {
            record: record.record_type,
        },
    )
}

fn not_closed(record: &Record, open: &OpenSection) -> ParseError {
    ParseError::new(
        record.line,
        "record_type",
        ParseErrorKind::SectionNotClosed {
            record: record.record_type,
            opened_line: open.line,
        },
    )
}

fn empty_address() -> PayerAddress {
    PayerAddress {
        street: String::new(),
        postal_code: String::new(),
        town: String::new(),
        country: String::new(),
        country_code: String::new(),
    }
}

/// TK01: layout name, version, timestamp and test marker.
fn start_record(record: &Record) -> Result<Start, ParseError> {
    let line = record.line;
    let layout = latin1(record.field(3, 20));
    if layout.trim_end() != "BGMAX" {
        return Err(ParseError::new(
            line,
            "layout",
            ParseErrorKind::WrongLayout { found: layout },
        ));
    }
    let version = record.field(23, 2);
    if version != b"01" {
        return Err(ParseError::new(
            line,
            "version",
            ParseErrorKind::UnsupportedVersion {
                found: latin1(version),
            },
        ));
    }
    let created = timestamp(record)?;
    let test_marker = match record.field(45, 1) {
        b"T" => true,
        b"P" => false,
        other => {
            return Err(ParseError::new(
                line,
                "test_marker",
                ParseErrorKind::InvalidCode {
                    value: latin1(other),
                    allowed: "T (test) or P (production)",
                },
            ));
        }
    };
    Ok(Start {
        line,
        layout_version: 1,
        created,
        test_marker,
    })
}

fn timestamp(record: &Record) -> Result<Timestamp, ParseError> {
    let raw = digits(record, "timestamp", 25, 20)?;
    let invalid = || {
        ParseError::new(
            record.line,
            "timestamp",
            ParseErrorKind::InvalidDate { value: latin1(raw) },
        )
    };
    let part = |from: usize, to: usize| number(raw.get(from..to).unwrap_or(&[]));
    let date = Date::new(
        u16::try_from(part(0, 4)).map_err(|_| invalid())?,
        u8::try_from(part(4, 6)).map_err(|_| invalid())?,
        u8::try_from(part(6, 8)).map_err(|_| invalid())?,
    )
    .ok_or_else(invalid)?;
    let (hour, minute, second) = (part(8, 10), part(10, 12), part(12, 14));
    if hour > 23 || minute > 59 || second > 59 {
        return Err(invalid());
    }
    Ok(Timestamp {
        date,
        hour: u8::try_from(hour).map_err(|_| invalid())?,
        minute: u8::try_from(minute).map_err(|_| invalid())?,
        second: u8::try_from(second).map_err(|_| invalid())?,
        micros: u32::try_from(part(14, 20)).map_err(|_| invalid())?,
    })
}

/// The fields TK20, TK21, TK22 and TK23 share.
struct Transaction {
    sender_bankgiro: String,
    reference: String,
    reference_code: u8,
    amount_ore: i64,
    channel_code: u8,
    bgc_serial: String,
    image_marker: bool,
}

fn transaction(record: &Record) -> Result<Transaction, ParseError> {
    let sender_bankgiro = giro(record, "sender_bankgiro", 3, 10)?;
    // The reference code says how to read the reference, so it comes first.
    let reference_code = code_digit(record, "reference_code", 56, 0..=5, "0–5")?;
    let reference = latin1(trim(record.field(13, 25)));
    if reference_code == 2 {
        let kind = if !reference.bytes().all(|b| b.is_ascii_digit())
            || !(ocr::MIN_LEN..=ocr::MAX_LEN).contains(&reference.len())
        {
            Some(ParseErrorKind::OcrFormat {
                reference: reference.clone(),
            })
        } else if !ocr::is_valid(&reference) {
            Some(ParseErrorKind::OcrCheckDigit {
                reference: reference.clone(),
            })
        } else {
            None
        };
        if let Some(kind) = kind {
            return Err(ParseError::new(record.line, "reference", kind));
        }
    }
    let amount_ore = amount(record, 38)?;
    let channel_code = code_digit(record, "channel_code", 57, 0..=9, "a digit 0–9")?;
    let bgc_serial = latin1(digits(record, "bgc_serial", 58, 12)?);
    let image_marker = code_digit(record, "image_marker", 70, 0..=1, "0 or 1")? == 1;
    Ok(Transaction {
        sender_bankgiro,
        reference,
        reference_code,
        amount_ore,
        channel_code,
        bgc_serial,
        image_marker,
    })
}

/// TK29: the number as written, blanks removed. One of Bankgirot's example
/// files has an 11-digit number followed by a blank, so the width is not
/// enforced.
fn org_number(record: &Record) -> Result<String, ParseError> {
    let number = trim(record.field(3, 12));
    if number.is_empty() || !number.iter().all(u8::is_ascii_digit) {
        // The value is withheld because it may be a personal number.
        let kind = if number.is_empty() {
            ParseErrorKind::Blank
        } else {
            ParseErrorKind::NotDigits {
                value: "(withheld: personal data)".to_owned(),
            }
        };
        return Err(ParseError::new(record.line, "payer_org_number", kind));
    }
    Ok(latin1(number))
}

/// A giro or account number: blanks around it are tolerated (two of
/// Bankgirot's example files have a 9-digit bankgiro followed by a blank),
/// then digits, returned without leading zeros. Blank or zero gives "".
fn giro(
    record: &Record,
    field: &'static str,
    pos: usize,
    len: usize,
) -> Result<String, ParseError> {
    let raw = record.field(pos, len);
    let number = trim(raw);
    if !number.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::new(
            record.line,
            field,
            ParseErrorKind::NotDigits { value: latin1(raw) },
        ));
    }
    let significant = number
        .iter()
        .position(|&b| b != b'0')
        .unwrap_or(number.len());
    Ok(latin1(number.get(significant..).unwrap_or(&[])))
}

/// A field that must be all digits.
fn digits<'r>(
    record: &'r Record,
    field: &'static str,
    pos: usize,
    len: usize,
) -> Result<&'r [u8], ParseError> {
    let raw = record.field(pos, len);
    if raw.len() == len && raw.iter().all(u8::is_ascii_digit) {
        Ok(raw)
    } else {
        Err(ParseError::new(
            record.line,
            field,
            ParseErrorKind::NotDigits { value: latin1(raw) },
        ))
    }
}

/// The value of ASCII digits; callers pass at most 18, which fits.
fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |value, digit| {
        value
            .saturating_mul(10)
            .saturating_add(u64::from(digit.saturating_sub(b'0')))
    })
}

/// An 18-digit amount in öre.
fn amount(record: &Record, pos: usize) -> Result<i64, ParseError> {
    let raw = digits(record, "amount", pos, 18)?;
    // 18 digits are below 10^18 < i64::MAX, so this never saturates.
    Ok(i64::try_from(number(raw)).unwrap_or(i64::MAX))
}

/// An 8-digit count.
fn count(record: &Record, field: &'static str, pos: usize) -> Result<u32, ParseError> {
    let raw = digits(record, field, pos, 8)?;
    // 8 digits are below 10^8 < u32::MAX, so this never saturates.
    Ok(u32::try_from(number(raw)).unwrap_or(u32::MAX))
}

/// A one-digit code within `allowed`.
fn code_digit(
    record: &Record,
    field: &'static str,
    pos: usize,
    allowed: std::ops::RangeInclusive<u8>,
    allowed_text: &'static str,
) -> Result<u8, ParseError> {
    let raw = record.field(pos, 1);
    match raw {
        [byte] if byte.is_ascii_digit() && allowed.contains(&(byte - b'0')) => Ok(byte - b'0'),
        _ => Err(ParseError::new(
            record.line,
            field,
            ParseErrorKind::InvalidCode {
                value: latin1(raw),
                allowed: allowed_text,
            },
        )),
    }
}

/// A `YYYYMMDD` date.
fn date(record: &Record, field: &'static str, pos: usize) -> Result<Date, ParseError> {
    let raw = digits(record, field, pos, 8)?;
    let part = |from: usize, to: usize| number(raw.get(from..to).unwrap_or(&[]));
    let year = u16::try_from(part(0, 4)).ok();
    let month = u8::try_from(part(4, 6)).ok();
    let day = u8::try_from(part(6, 8)).ok();
    match (year, month, day) {
        (Some(year), Some(month), Some(day)) => Date::new(year, month, day),
        _ => None,
    }
    .ok_or_else(|| {
        ParseError::new(
            record.line,
            field,
            ParseErrorKind::InvalidDate { value: latin1(raw) },
        )
    })
}

/// A three-letter currency code.
fn currency(record: &Record, pos: usize) -> Result<String, ParseError> {
    let raw = record.field(pos, 3);
    if raw.len() == 3 && raw.iter().all(u8::is_ascii_uppercase) {
        Ok(latin1(raw))
    } else {
        Err(ParseError::new(
            record.line,
            "currency",
            ParseErrorKind::InvalidCurrency { value: latin1(raw) },
        ))
    }
}

/// A left-aligned text field without its trailing blanks.
fn text(record: &Record, pos: usize, len: usize) -> String {
    let raw = record.field(pos, len);
    let end = raw
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |last| last + 1);
    latin1(raw.get(..end).unwrap_or(&[]))
}

/// `bytes` without blanks on either side.
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or(&[])
}

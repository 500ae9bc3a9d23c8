//! Writing BgMax files, for tests, fuzz seeds and benchmark data.
//!
//! Bankgirot writes BgMax files and we only read them, so this module
//! exists to produce inputs: [`write()`] turns a [`BgMaxFile`] back into
//! bytes exactly as its values say (including stated totals, so a test can
//! write a deliberately inconsistent file), and [`Writer`] streams records
//! and computes the TK15 and TK70 totals itself, so a benchmark can make a
//! file of a million payments without holding them all. Values that do not
//! fit a field are cut and characters outside ISO-8859-1 become `?`; the
//! writer never fails, so parse its output when validity matters.

use super::RECORD_LEN;
use super::model::{
    BgMaxFile, Date, Deposit, EndRecord, ExtraReference, ExtraReferenceKind, Payment, PaymentKind,
    Timestamp,
};

/// What ends each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    /// CR LF, as Bankgirot delivers files.
    #[default]
    CrLf,
    /// LF only.
    Lf,
    /// Nothing: records follow each other, 80 characters apiece.
    None,
}

/// Write `file` as its values say, totals included.
pub fn write(file: &BgMaxFile, line_ending: LineEnding) -> Vec<u8> {
    let mut writer = Writer::empty(line_ending);
    // The stored version is written, so a test can ask for another one.
    writer.push(&start_record(
        file.layout_version,
        &file.created,
        file.test_marker,
    ));
    for section in &file.sections {
        writer.open_section(
            &section.receiving_bankgiro,
            section.receiving_plusgiro.as_deref(),
            &section.currency,
        );
        for payment in section.entries() {
            writer.payment(payment);
        }
        writer.push_deposit(&section.deposit);
    }
    writer.push_end(&file.end);
    writer.out
}

/// Streams a BgMax file record by record and keeps the totals.
///
/// Call [`Writer::open_section`], then [`Writer::payment`] for each
/// payment or deduction, then [`Writer::close_section`], as often as
/// needed, and finally [`Writer::finish`].
#[derive(Debug, Clone)]
pub struct Writer {
    out: Vec<u8>,
    line_ending: LineEnding,
    /// Currency, Σ payments − Σ deductions and count of the open section.
    section: Option<(String, i128, u64)>,
    payments: u64,
    deductions: u64,
    extra_references: u64,
    deposits: u64,
}

impl Writer {
    /// Start a file with its TK01 record.
    pub fn new(created: &Timestamp, test_marker: bool, line_ending: LineEnding) -> Writer {
        let mut writer = Writer::empty(line_ending);
        writer.push(&start_record(1, created, test_marker));
        writer
    }

    fn empty(line_ending: LineEnding) -> Writer {
        Writer {
            out: Vec::new(),
            line_ending,
            section: None,
            payments: 0,
            deductions: 0,
            extra_references: 0,
            deposits: 0,
        }
    }

    /// Write a TK05 opening record.
    pub fn open_section(
        &mut self,
        receiving_bankgiro: &str,
        receiving_plusgiro: Option<&str>,
        currency: &str,
    ) {
        let mut record = blank_record("05");
        put(&mut record, 3, 10, receiving_bankgiro, Align::RightZero);
        if let Some(plusgiro) = receiving_plusgiro {
            put(&mut record, 13, 10, plusgiro, Align::RightZero);
        }
        put(&mut record, 23, 3, currency, Align::Left);
        self.push(&record);
        self.section = Some((currency.to_owned(), 0, 0));
    }

    /// Write a payment (TK20) or deduction (TK21) with its TK22–TK29
    /// records: extra references first, then information texts, then
    /// name, address and organisation number.
    pub fn payment(&mut self, payment: &Payment) {
        let (code, sign) = match payment.kind {
            PaymentKind::Payment => {
                self.payments += 1;
                ("20", 1)
            }
            PaymentKind::Deduction => {
                self.deductions += 1;
                ("21", -1)
            }
        };
        if let Some((_, sum, count)) = &mut self.section {
            *sum = sum.saturating_add(sign * i128::from(payment.amount_ore));
            *count += 1;
        }
        let mut record = transaction_record(
            code,
            &Transaction {
                sender_bankgiro: &payment.sender_bankgiro,
                reference: &payment.reference,
                reference_code: payment.reference_code,
                amount_ore: payment.amount_ore,
                channel_code: payment.channel_code,
                bgc_serial: &payment.bgc_serial,
                image_marker: payment.image_marker,
            },
        );
        if let (PaymentKind::Deduction, Some(code)) = (payment.kind, payment.deduction_code) {
            put(&mut record, 71, 1, &digit(code), Align::Left);
        }
        self.push(&record);

        for extra in &payment.extra_references {
            self.extra_reference(extra);
        }
        for information in &payment.informations {
            let mut record = blank_record("25");
            put(&mut record, 3, 50, information, Align::Left);
            self.push(&record);
        }
        if let Some(name) = &payment.payer_name {
            let mut record = blank_record("26");
            put(&mut record, 3, 35, &name.name, Align::Left);
            put(&mut record, 38, 35, &name.extra_name, Align::Left);
            self.push(&record);
        }
        if let Some(address) = &payment.payer_address {
            let has_second = !(address.town.is_empty()
                && address.country.is_empty()
                && address.country_code.is_empty());
            // An address read from a blank TK27 alone must come back as
            // one, so TK27 is written unless TK28 carries everything.
            if !address.street.is_empty() || !address.postal_code.is_empty() || !has_second {
                let mut record = blank_record("27");
                put(&mut record, 3, 35, &address.street, Align::Left);
                put(&mut record, 38, 9, &address.postal_code, Align::Left);
                self.push(&record);
            }
            if has_second {
                let mut record = blank_record("28");
                put(&mut record, 3, 35, &address.town, Align::Left);
                put(&mut record, 38, 35, &address.country, Align::Left);
                put(&mut record, 73, 2, &address.country_code, Align::Left);
                self.push(&record);
            }
        }
        if let Some(number) = &payment.payer_org_number {
            let mut record = blank_record("29");
            // Left-aligned, so a number of unusual width reads back the same.
            put(&mut record, 3, 12, number, Align::Left);
            self.push(&record);
        }
    }

    /// Write the TK15 record closing the open section, with the amount,
    /// count and currency of what was written since
    /// [`Writer::open_section`].
    pub fn close_section(
        &mut self,
        account: &str,
        payment_date: Date,
        deposit_serial: &str,
        deposit_type: Option<char>,
    ) {
        let (currency, sum, count) = self.section.take().unwrap_or_default();
        self.push_deposit(&Deposit {
            line: 0,
            account: account.to_owned(),
            payment_date,
            deposit_serial: deposit_serial.to_owned(),
            amount_ore: i64::try_from(sum).unwrap_or(i64::MAX),
            currency,
            payment_count: u32::try_from(count).unwrap_or(u32::MAX),
            deposit_type,
        });
    }

    /// Write the TK70 record with the counts of everything written and
    /// return the file.
    pub fn finish(mut self) -> Vec<u8> {
        let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let end = EndRecord {
            line: 0,
            payment_count: count(self.payments),
            deduction_count: count(self.deductions),
            extra_reference_count: count(self.extra_references),
            deposit_count: count(self.deposits),
        };
        self.push_end(&end);
        self.out
    }

    fn extra_reference(&mut self, extra: &ExtraReference) {
        self.extra_references += 1;
        let code = match extra.kind {
            ExtraReferenceKind::Positive => "22",
            ExtraReferenceKind::Negative => "23",
        };
        let record = transaction_record(
            code,
            &Transaction {
                sender_bankgiro: &extra.sender_bankgiro,
                reference: &extra.reference,
                reference_code: extra.reference_code,
                amount_ore: extra.amount_ore,
                channel_code: extra.channel_code,
                bgc_serial: &extra.bgc_serial,
                image_marker: extra.image_marker,
            },
        );
        self.push(&record);
    }

    fn push_deposit(&mut self, deposit: &Deposit) {
        self.deposits += 1;
        let mut record = blank_record("15");
        put(&mut record, 3, 35, &deposit.account, Align::RightZero);
        put(
            &mut record,
            38,
            8,
            &date_text(deposit.payment_date),
            Align::Left,
        );
        put(
            &mut record,
            46,
            5,
            &deposit.deposit_serial,
            Align::RightZero,
        );
        put(
            &mut record,
            51,
            18,
            &amount_text(deposit.amount_ore),
            Align::RightZero,
        );
        put(&mut record, 69, 3, &deposit.currency, Align::Left);
        put(
            &mut record,
            72,
            8,
            &deposit.payment_count.to_string(),
            Align::RightZero,
        );
        if let Some(deposit_type) = deposit.deposit_type {
            put(&mut record, 80, 1, &deposit_type.to_string(), Align::Left);
        }
        self.push(&record);
    }

    fn push_end(&mut self, end: &EndRecord) {
        let mut record = blank_record("70");
        let counts = [
            end.payment_count,
            end.deduction_count,
            end.extra_reference_count,
            end.deposit_count,
        ];
        for (pos, count) in [3, 11, 19, 27].into_iter().zip(counts) {
            put(&mut record, pos, 8, &count.to_string(), Align::RightZero);
        }
        self.push(&record);
    }

    fn push(&mut self, record: &[u8; RECORD_LEN]) {
        self.out.extend_from_slice(record);
        match self.line_ending {
            LineEnding::CrLf => self.out.extend_from_slice(b"\r\n"),
            LineEnding::Lf => self.out.push(b'\n'),
            LineEnding::None => {}
        }
    }
}

/// The fields TK20–TK23 share.
struct Transaction<'a> {
    sender_bankgiro: &'a str,
    reference: &'a str,
    reference_code: u8,
    amount_ore: i64,
    channel_code: u8,
    bgc_serial: &'a str,
    image_marker: bool,
}

fn transaction_record(code: &str, fields: &Transaction<'_>) -> [u8; RECORD_LEN] {
    let mut record = blank_record(code);
    put(&mut record, 3, 10, fields.sender_bankgiro, Align::RightZero);
    // An OCR reference is right-aligned (hb); other references are text.
    let align = if fields.reference_code == 2 {
        Align::RightBlank
    } else {
        Align::Left
    };
    put(&mut record, 13, 25, fields.reference, align);
    put(
        &mut record,
        38,
        18,
        &amount_text(fields.amount_ore),
        Align::RightZero,
    );
    put(
        &mut record,
        56,
        1,
        &digit(fields.reference_code),
        Align::Left,
    );
    put(&mut record, 57, 1, &digit(fields.channel_code), Align::Left);
    put(&mut record, 58, 12, fields.bgc_serial, Align::RightZero);
    put(
        &mut record,
        70,
        1,
        if fields.image_marker { "1" } else { "0" },
        Align::Left,
    );
    record
}

fn start_record(version: u8, created: &Timestamp, test_marker: bool) -> [u8; RECORD_LEN] {
    let mut record = blank_record("01");
    put(&mut record, 3, 20, "BGMAX", Align::Left);
    put(&mut record, 23, 2, &version.to_string(), Align::RightZero);
    put(&mut record, 25, 20, &created.to_bgmax(), Align::Left);
    put(
        &mut record,
        45,
        1,
        if test_marker { "T" } else { "P" },
        Align::Left,
    );
    record
}

/// A blank record with its type code.
fn blank_record(code: &str) -> [u8; RECORD_LEN] {
    let mut record = [b' '; RECORD_LEN];
    put(&mut record, 1, 2, code, Align::Left);
    record
}

fn date_text(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year, date.month, date.day)
}

/// Amounts have no sign in BgMax; a negative one is written as its size.
fn amount_text(amount_ore: i64) -> String {
    amount_ore.unsigned_abs().to_string()
}

fn digit(value: u8) -> String {
    if value <= 9 {
        value.to_string()
    } else {
        "?".to_owned()
    }
}

#[derive(Clone, Copy)]
enum Align {
    /// Left-aligned, blank-filled (`vb`); cut on the right.
    Left,
    /// Right-aligned, zero-filled (`h0`); cut on the left.
    RightZero,
    /// Right-aligned, blank-filled (`hb`); cut on the left.
    RightBlank,
}

/// Put `value` into the field at 1-based position `pos`, `len` wide.
fn put(record: &mut [u8; RECORD_LEN], pos: usize, len: usize, value: &str, align: Align) {
    let bytes: Vec<u8> = value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let start = pos.saturating_sub(1);
    let Some(field) = record.get_mut(start..start.saturating_add(len)) else {
        return;
    };
    let (fill, value) = match align {
        Align::Left => (b' ', bytes.get(..len).unwrap_or(&bytes)),
        Align::RightZero | Align::RightBlank => {
            let fill = if matches!(align, Align::RightZero) {
                b'0'
            } else {
                b' '
            };
            (
                fill,
                bytes
                    .get(bytes.len().saturating_sub(len)..)
                    .unwrap_or(&bytes),
            )
        }
    };
    field.fill(fill);
    let offset = match align {
        Align::Left => 0,
        Align::RightZero | Align::RightBlank => len.saturating_sub(value.len()),
    };
    if let Some(target) = field.get_mut(offset..offset + value.len()) {
        target.copy_from_slice(value);
    }
}

//! Splitting a BgMax file into 80-character records.
//!
//! This module owns the physical rules: line breaks (CRLF, LF, CR or none
//! at all, when records are simply concatenated), padding of records whose
//! trailing blanks were stripped, the character checks (TAB, control
//! characters, UTF-8 damage) and the record type. It knows nothing about
//! fields; that is `parse`.

use std::fmt;

use super::{ParseError, ParseErrorKind};

/// Length of every BgMax record.
pub const RECORD_LEN: usize = 80;

/// The record types ("transaktionskoder") of BgMax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// TK01, start record.
    Start,
    /// TK05, opening record of a section.
    Opening,
    /// TK15, deposit record closing a section.
    Deposit,
    /// TK20, payment.
    Payment,
    /// TK21, deduction.
    Deduction,
    /// TK22, extra reference with a positive amount.
    ExtraReference,
    /// TK23, extra reference with a negative amount.
    ExtraReferenceNegative,
    /// TK25, information text.
    Information,
    /// TK26, payer name.
    Name,
    /// TK27, payer street address and postal code.
    Address1,
    /// TK28, payer town and country.
    Address2,
    /// TK29, payer organisation number.
    OrgNumber,
    /// TK70, end record.
    End,
}

impl RecordType {
    /// The two-digit code as written at positions 1–2.
    pub fn code(self) -> &'static str {
        match self {
            RecordType::Start => "01",
            RecordType::Opening => "05",
            RecordType::Deposit => "15",
            RecordType::Payment => "20",
            RecordType::Deduction => "21",
            RecordType::ExtraReference => "22",
            RecordType::ExtraReferenceNegative => "23",
            RecordType::Information => "25",
            RecordType::Name => "26",
            RecordType::Address1 => "27",
            RecordType::Address2 => "28",
            RecordType::OrgNumber => "29",
            RecordType::End => "70",
        }
    }

    fn from_code(code: &[u8]) -> Option<RecordType> {
        Some(match code {
            b"01" => RecordType::Start,
            b"05" => RecordType::Opening,
            b"15" => RecordType::Deposit,
            b"20" => RecordType::Payment,
            b"21" => RecordType::Deduction,
            b"22" => RecordType::ExtraReference,
            b"23" => RecordType::ExtraReferenceNegative,
            b"25" => RecordType::Information,
            b"26" => RecordType::Name,
            b"27" => RecordType::Address1,
            b"28" => RecordType::Address2,
            b"29" => RecordType::OrgNumber,
            b"70" => RecordType::End,
            _ => return None,
        })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TK{}", self.code())
    }
}

/// One record, padded with blanks to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line number, or record number in a file without line breaks.
    pub line: usize,
    /// The record type from positions 1–2.
    pub record_type: RecordType,
    text: [u8; RECORD_LEN],
}

impl Record {
    /// The 80 ISO-8859-1 bytes of the record.
    pub fn bytes(&self) -> &[u8; RECORD_LEN] {
        &self.text
    }

    /// The bytes at 1-based position `pos`, `len` long, as the reference
    /// tables give them. A range beyond the record yields an empty slice;
    /// the parser only asks for ranges inside it.
    pub(crate) fn field(&self, pos: usize, len: usize) -> &[u8] {
        let start = pos.saturating_sub(1);
        self.text
            .get(start..start.saturating_add(len))
            .unwrap_or(&[])
    }
}

/// How records are separated in the input.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// Lines ending in this byte (a CR before an LF is dropped).
    Lines(u8),
    /// No line breaks at all: a record every 80 bytes.
    Concatenated,
}

/// Iterator over the records of a file; see [`records`].
#[derive(Debug, Clone)]
pub struct Records<'a> {
    rest: &'a [u8],
    layout: Layout,
    line: usize,
}

/// Split a file into records without looking at fields.
///
/// Each item is a record or the error of that line; the iterator goes on
/// after an error, so a caller can list every bad line. Blank lines at the
/// very end of the file are ignored, because transfers and editors add
/// them; a blank line anywhere else is an error.
pub fn records(bytes: &[u8]) -> Records<'_> {
    let layout = if bytes.contains(&b'\n') {
        Layout::Lines(b'\n')
    } else if bytes.contains(&b'\r') {
        Layout::Lines(b'\r')
    } else {
        Layout::Concatenated
    };
    Records {
        rest: bytes,
        layout,
        line: 0,
    }
}

impl Records<'_> {
    /// Cut the next physical line (without its line break) off the input.
    fn next_line(&mut self) -> &[u8] {
        let rest = self.rest;
        match self.layout {
            Layout::Lines(terminator) => {
                let (line, rest) = match rest.iter().position(|&b| b == terminator) {
                    Some(end) => (
                        rest.get(..end).unwrap_or(&[]),
                        rest.get(end + 1..).unwrap_or(&[]),
                    ),
                    None => (rest, &[][..]),
                };
                self.rest = rest;
                match (terminator, line.split_last()) {
                    (b'\n', Some((b'\r', body))) => body,
                    _ => line,
                }
            }
            Layout::Concatenated => {
                let (line, rest) = rest.split_at(rest.len().min(RECORD_LEN));
                self.rest = rest;
                line
            }
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.line += 1;
        let line_no = self.line;
        let line = self.next_line();

        if line.iter().all(|&b| b == b' ') {
            // Trailing blank lines are transfer noise; only a blank line
            // with records after it is a fault.
            if self.rest.iter().all(|b| matches!(b, b' ' | b'\r' | b'\n')) {
                self.rest = &[];
                return None;
            }
            return Some(Err(ParseError::new(
                line_no,
                "record",
                ParseErrorKind::EmptyLine,
            )));
        }
        Some(check_line(line_no, line, line_no == 1))
    }
}

/// Check one line's characters and length, then pad it and read its type.
fn check_line(line_no: usize, line: &[u8], first: bool) -> Result<Record, ParseError> {
    let fault = |kind| Err(ParseError::new(line_no, "record", kind));
    if first && line.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return fault(ParseErrorKind::ByteOrderMark);
    }
    for (index, &byte) in line.iter().enumerate() {
        let column = index + 1;
        if byte == b'\t' {
            return fault(ParseErrorKind::Tab { column });
        }
        if byte < 0x20 || (0x7F..=0x9F).contains(&byte) {
            return fault(ParseErrorKind::ControlCharacter { column, byte });
        }
        // In ISO-8859-1, Â or Ã followed by a high character is the UTF-8
        // form of a Latin-1 letter (å is C3 A5) and never Swedish text.
        let next = line.get(index + 1).copied().unwrap_or(b' ');
        if matches!(byte, 0xC2 | 0xC3) && (0x80..=0xBF).contains(&next) {
            return fault(ParseErrorKind::LooksLikeUtf8 { column });
        }
    }
    if line.len() > RECORD_LEN {
        return fault(ParseErrorKind::TooLong { length: line.len() });
    }
    let mut text = [b' '; RECORD_LEN];
    for (slot, &byte) in text.iter_mut().zip(line) {
        *slot = byte;
    }
    let code = text.get(..2).unwrap_or(&[]);
    match RecordType::from_code(code) {
        Some(record_type) => Ok(Record {
            line: line_no,
            record_type,
            text,
        }),
        None => Err(ParseError::new(
            line_no,
            "record_type",
            ParseErrorKind::UnknownRecordType { code: latin1(code) },
        )),
    }
}

/// Decode ISO-8859-1: every byte is the code point of the same value.
pub(crate) fn latin1(bytes: &[u8]) -> String {
    // Most fields are ASCII, which reads the same in UTF-8 and copies fast.
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => text.to_owned(),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

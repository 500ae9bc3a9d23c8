//! The one error a BgMax file can be rejected with.
//!
//! An error names the line (the record number when the file has no line
//! breaks), the field and what is wrong, and its `Display` ends with what a
//! person in finance should do about it. The messages are meant to be
//! shown as they are; the kind is there for code that reacts to specific
//! faults.

use super::RecordType;

/// Why a BgMax file was rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, field {field}: {kind} — {advice}", advice = .kind.advice())]
pub struct ParseError {
    /// 1-based line number; in a file without line breaks, the 1-based
    /// number of the 80-character record.
    pub line: usize,
    /// The field at fault, such as `amount`; `record` when the record as a
    /// whole is at fault and `record_type` when it is out of place.
    pub field: &'static str,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(line: usize, field: &'static str, kind: ParseErrorKind) -> Self {
        ParseError { line, field, kind }
    }
}

/// What is wrong with a record or field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input holds no records.
    #[error("the file is empty")]
    EmptyFile,
    /// The file starts with a UTF-8 byte-order mark.
    #[error("the file starts with a UTF-8 byte-order mark; BgMax files are ISO-8859-1")]
    ByteOrderMark,
    /// A line holds a TAB character.
    #[error("TAB character at column {column}; fixed-position fields after it are shifted")]
    Tab {
        /// 1-based column of the first TAB.
        column: usize,
    },
    /// A line holds a control character other than the line break.
    #[error("control character 0x{byte:02X} at column {column}")]
    ControlCharacter {
        /// 1-based column.
        column: usize,
        /// The byte.
        byte: u8,
    },
    /// A line holds what looks like a UTF-8 encoded letter (for example
    /// `Ã¥` for `å`).
    #[error("UTF-8 encoded character at column {column}; BgMax files are ISO-8859-1")]
    LooksLikeUtf8 {
        /// 1-based column of the first byte.
        column: usize,
    },
    /// A line is longer than 80 characters.
    #[error("the record is {length} characters long; BgMax records have 80")]
    TooLong {
        /// Length in bytes.
        length: usize,
    },
    /// An empty or blank line before the end of the file.
    #[error("empty line inside the file")]
    EmptyLine,
    /// The first two characters are not a known record type.
    #[error("unknown record type {code:?}")]
    UnknownRecordType {
        /// The two characters.
        code: String,
    },
    /// A numeric field holds something other than digits.
    #[error("expected digits, found {value:?}")]
    NotDigits {
        /// The field as written (withheld for personal numbers).
        value: String,
    },
    /// A required field is blank.
    #[error("the field is blank")]
    Blank,
    /// A code field holds a value outside its table.
    #[error("invalid value {value:?}; allowed: {allowed}")]
    InvalidCode {
        /// The field as written.
        value: String,
        /// The allowed values.
        allowed: &'static str,
    },
    /// A date or timestamp that does not exist.
    #[error("{value:?} is not a valid date or time")]
    InvalidDate {
        /// The field as written.
        value: String,
    },
    /// TK01 does not name the BGMAX layout.
    #[error("layout name is {found:?}, expected \"BGMAX\"")]
    WrongLayout {
        /// The field as written.
        found: String,
    },
    /// TK01 names a layout version other than 01.
    #[error("layout version {found:?} is not supported; expected \"01\"")]
    UnsupportedVersion {
        /// The field as written.
        found: String,
    },
    /// A currency field that is not three capital letters.
    #[error("{value:?} is not a currency code")]
    InvalidCurrency {
        /// The field as written.
        value: String,
    },
    /// A reference with reference code 2 that is not 2–25 digits.
    #[error("reference {reference:?} has reference code 2 (correct OCR) but is not 2–25 digits")]
    OcrFormat {
        /// The reference.
        reference: String,
    },
    /// A reference with reference code 2 that fails the Luhn check.
    #[error("reference {reference:?} has reference code 2 (correct OCR) but fails the check digit")]
    OcrCheckDigit {
        /// The reference.
        reference: String,
    },
    /// The first record is not TK01.
    #[error("the file must start with a TK01 start record, found {found}")]
    MissingStart {
        /// The record found instead.
        found: RecordType,
    },
    /// A second TK01.
    #[error("a second TK01 start record; the first is on line {first_line}")]
    DuplicateStart {
        /// Line of the first TK01.
        first_line: usize,
    },
    /// A record that needs an open section (TK05) outside one.
    #[error("{record} outside a section: no TK05 opening record before it")]
    OutsideSection {
        /// The record.
        record: RecordType,
    },
    /// TK05 or TK70 while a section is still open.
    #[error("{record} while the section opened on line {opened_line} has no TK15 deposit record")]
    SectionNotClosed {
        /// The record.
        record: RecordType,
        /// Line of the open section's TK05.
        opened_line: usize,
    },
    /// A record that belongs to a payment before any TK20 or TK21 of the
    /// section.
    #[error("{record} before any TK20 or TK21 payment record of the section")]
    OutsidePayment {
        /// The record.
        record: RecordType,
    },
    /// A record out of the order 22/23/25, 26, 27, 28, 29 within a payment.
    #[error(
        "{record} out of order for the payment on line {payment_line}; \
         the order is TK22/TK23/TK25, then TK26, TK27, TK28, TK29"
    )]
    OutOfOrder {
        /// The record.
        record: RecordType,
        /// Line of the payment.
        payment_line: usize,
    },
    /// A record that may occur once per payment occurs again.
    #[error("a second {record} for the payment on line {payment_line}")]
    Duplicate {
        /// The record.
        record: RecordType,
        /// Line of the payment.
        payment_line: usize,
    },
    /// A TK15 closing a section that has no payments.
    #[error("TK15 closes the section opened on line {opened_line}, which has no payments")]
    EmptySection {
        /// Line of the section's TK05.
        opened_line: usize,
    },
    /// A record after TK70.
    #[error("{record} after the TK70 end record on line {end_line}")]
    AfterEnd {
        /// The record.
        record: RecordType,
        /// Line of the TK70.
        end_line: usize,
    },
    /// The file ends before its TK70 end record.
    #[error("the file ends here without a TK70 end record{}", open_section_text(.open_section))]
    MissingEnd {
        /// Line of a section's TK05 that has no TK15 yet.
        open_section: Option<usize>,
    },
    /// TK15 and TK05 name different currencies.
    #[error("deposit currency {deposit:?} differs from the section's currency {section:?}")]
    CurrencyMismatch {
        /// Currency of TK05.
        section: String,
        /// Currency of TK15.
        deposit: String,
    },
    /// TK15 amount differs from payments minus deductions.
    #[error(
        "deposit amount is {stated} öre, but the section's payments minus deductions are \
         {computed} öre"
    )]
    DepositAmountMismatch {
        /// The amount in TK15.
        stated: i64,
        /// Σ TK20 − Σ TK21 of the section.
        computed: i128,
    },
    /// TK15 count differs from the number of TK20 and TK21 records.
    #[error(
        "deposit states {stated} payments, but the section has {computed} TK20 and TK21 records"
    )]
    DepositCountMismatch {
        /// The count in TK15.
        stated: u32,
        /// TK20 + TK21 records in the section.
        computed: u64,
    },
    /// A TK70 count differs from the records in the file.
    #[error("end record states {stated}, but the file has {computed}")]
    EndCountMismatch {
        /// The count in TK70.
        stated: u32,
        /// The records counted.
        computed: u64,
    },
    /// TK22 minus TK23 amounts differ from the payment amount.
    #[error(
        "the payment is {payment} öre, but its TK22 amounts minus TK23 amounts are {extra} öre"
    )]
    ExtraReferenceSumMismatch {
        /// The TK20 or TK21 amount.
        payment: i64,
        /// Σ TK22 − Σ TK23.
        extra: i128,
    },
}

/// Wording for [`ParseErrorKind::MissingEnd`], which reads differently when
/// a section is still open.
fn open_section_text(open_section: &Option<usize>) -> String {
    match open_section {
        Some(line) => format!(" (and the section opened on line {line} has no TK15)"),
        None => String::new(),
    }
}

/// Advice for faults that mean the bytes are not the file Bankgirot sent.
const DAMAGED: &str = "the file is not an unmodified BgMax file from Bankgirot; fetch the \
                       original file from the bank again (do not open and save it in an editor \
                       or convert it) and import that";
/// Advice for faults in the sums and counts Bankgirot states.
const TOTALS: &str = "do not book this file: it is incomplete or damaged; fetch it from the bank \
                      again, and if the error remains, contact Bankgirot with the file's date";
/// Advice for a truncated file.
const TRUNCATED: &str = "the file is incomplete; wait until the transfer has finished or fetch \
                         the file from the bank again";

impl ParseErrorKind {
    /// What a person should do about this fault.
    pub fn advice(&self) -> &'static str {
        use ParseErrorKind as K;
        match self {
            K::EmptyFile => "check that the right file was chosen; a BgMax file is never empty",
            K::ByteOrderMark | K::LooksLikeUtf8 { .. } => {
                "the file was converted to UTF-8 after it left the bank; import the original \
                 ISO-8859-1 file from the bank instead"
            }
            K::WrongLayout { .. } | K::UnsupportedVersion { .. } => {
                "this is not a BgMax version 01 file; check that the right file was chosen and \
                 that the bank agreement delivers \"Bankgiro Inbetalningar\" in BgMax format"
            }
            K::OcrFormat { .. } | K::OcrCheckDigit { .. } => {
                "Bankgirot reports reference code 2 only for references that passed the OCR \
                 check, so the file is damaged; fetch it from the bank again, and if the error \
                 remains, contact the bank"
            }
            K::MissingEnd { .. } => TRUNCATED,
            K::DepositAmountMismatch { .. }
            | K::DepositCountMismatch { .. }
            | K::EndCountMismatch { .. }
            | K::ExtraReferenceSumMismatch { .. }
            | K::CurrencyMismatch { .. }
            | K::EmptySection { .. } => TOTALS,
            K::Tab { .. }
            | K::ControlCharacter { .. }
            | K::TooLong { .. }
            | K::EmptyLine
            | K::UnknownRecordType { .. }
            | K::NotDigits { .. }
            | K::Blank
            | K::InvalidCode { .. }
            | K::InvalidDate { .. }
            | K::InvalidCurrency { .. }
            | K::MissingStart { .. }
            | K::DuplicateStart { .. }
            | K::OutsideSection { .. }
            | K::SectionNotClosed { .. }
            | K::OutsidePayment { .. }
            | K::OutOfOrder { .. }
            | K::Duplicate { .. }
            | K::AfterEnd { .. } => DAMAGED,
        }
    }
}

//! Why a credit operation refused its input, as data: people read the Fluent message of
//! [`Explain::message_key`] with its [`Explain::args`] (`views/i18n/*/credit.ftl`).

use crate::problem::Explain;

/// Why a credit operation (an import, a match, a rate, a decision) refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditProblem {
    /// No invoice has this OCR reference or invoice number.
    NoSuchInvoice,
    /// The payment has been matched to an invoice already.
    AlreadyMatched,
    /// The request for more time has been decided already.
    AlreadyDecided,
    /// The invoice has a request for more time waiting for a decision, or one in force.
    AlreadyRequested,
    /// A credit officer may not decide a request they filed themselves (four eyes).
    OwnRequest,
    /// A reference rate applies from 1 January or 1 July only.
    RateStart,
    /// A reference rate outside the range finance may set, in basis points.
    RateRange { min_bp: i32, max_bp: i32 },
    /// Not a percentage such as `2,00`.
    NotAPercent,
    /// An OCR reference of the file belongs to an invoice already.
    OcrTaken,
    /// A Bankgirot test file (TK01 marker T): never booked.
    BgmaxTestFile,
    /// Another file with the same TK01 timestamp and receiving bankgiro was imported before.
    BgmaxConflictingFile { key: String },
    /// The file is not valid BgMax: where, and what is wrong.
    BgmaxFormat {
        line: usize,
        field: &'static str,
        fault: BgmaxFault,
    },
    /// The file is not UTF-8.
    NotUtf8,
    /// The header row is not the expected columns.
    CsvHeader { expected: String },
    /// A row with another number of fields than the header.
    CsvFieldCount { expected: u64, found: u64 },
    /// A row the CSV reader could not read.
    CsvUnreadable,
    /// The same invoice number twice in one file.
    DuplicateInvoiceNumber { number: String },
    /// A due date before the issue date.
    DueBeforeIssued,
    /// Not a positive amount in kronor (`1 234,50`).
    NotAnAmount { found: String },
    /// No customer has this customer number.
    UnknownCustomer { number: String },
}

crate::closed_set! {
    /// What is wrong with a BgMax file (one per fault the parser in `formats::bgmax` reports;
    /// `other` for a fault this list does not know yet). The message `credit-problem-bgmax-<code>`
    /// says what is wrong and what to do.
    pub enum BgmaxFaultKind in "credit-problem-bgmax" {
        EmptyFile = "empty_file",
        ByteOrderMark = "byte_order_mark",
        Tab = "tab",
        ControlCharacter = "control_character",
        LooksLikeUtf8 = "looks_like_utf8",
        TooLong = "too_long",
        EmptyLine = "empty_line",
        UnknownRecordType = "unknown_record_type",
        NotDigits = "not_digits",
        Blank = "blank",
        InvalidCode = "invalid_code",
        InvalidDate = "invalid_date",
        WrongLayout = "wrong_layout",
        UnsupportedVersion = "unsupported_version",
        InvalidCurrency = "invalid_currency",
        OcrFormat = "ocr_format",
        OcrCheckDigit = "ocr_check_digit",
        MissingStart = "missing_start",
        DuplicateStart = "duplicate_start",
        OutsideSection = "outside_section",
        SectionNotClosed = "section_not_closed",
        OutsidePayment = "outside_payment",
        OutOfOrder = "out_of_order",
        Duplicate = "duplicate",
        EmptySection = "empty_section",
        AfterEnd = "after_end",
        MissingEnd = "missing_end",
        MissingEndInSection = "missing_end_in_section",
        CurrencyMismatch = "currency_mismatch",
        DepositAmountMismatch = "deposit_amount_mismatch",
        DepositCountMismatch = "deposit_count_mismatch",
        EndCountMismatch = "end_count_mismatch",
        ExtraReferenceSumMismatch = "extra_reference_sum_mismatch",
        Other = "other",
    }
}

/// One fault of a BgMax file: its kind and the values its message names (`column`, `value`,
/// `record`, …; record types as `TK20`, amounts in öre).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgmaxFault {
    pub kind: BgmaxFaultKind,
    pub args: Vec<(&'static str, String)>,
}

impl BgmaxFault {
    pub fn new(kind: BgmaxFaultKind) -> BgmaxFault {
        BgmaxFault {
            kind,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> BgmaxFault {
        self.args.push((name, value.to_string()));
        self
    }

    /// The arguments each kind's message names, for the examples.
    fn example(kind: BgmaxFaultKind) -> BgmaxFault {
        use BgmaxFaultKind as K;
        let f = BgmaxFault::new(kind);
        match kind {
            K::Tab | K::LooksLikeUtf8 => f.with("column", 12),
            K::ControlCharacter => f.with("column", 12).with("byte", "0x1A"),
            K::TooLong => f.with("length", 81),
            K::UnknownRecordType => f.with("code", "99"),
            K::NotDigits | K::InvalidDate | K::InvalidCurrency => f.with("value", "12A"),
            K::InvalidCode => f.with("value", "9").with("allowed", "1, 2, 3"),
            K::WrongLayout | K::UnsupportedVersion => f.with("found", "BGMAY"),
            K::OcrFormat | K::OcrCheckDigit => f.with("reference", "12345"),
            K::MissingStart | K::OutsideSection | K::OutsidePayment => f.with("record", "TK20"),
            K::DuplicateStart => f.with("first_line", 1),
            K::SectionNotClosed => f.with("record", "TK05").with("opened_line", 2),
            K::OutOfOrder | K::Duplicate => f.with("record", "TK26").with("payment_line", 3),
            K::EmptySection => f.with("opened_line", 2),
            K::AfterEnd => f.with("record", "TK20").with("end_line", 9),
            K::MissingEndInSection => f.with("opened_line", 2),
            K::CurrencyMismatch => f.with("section", "SEK").with("deposit", "EUR"),
            K::DepositAmountMismatch | K::DepositCountMismatch | K::EndCountMismatch => {
                f.with("stated", 100).with("computed", 90)
            }
            K::ExtraReferenceSumMismatch => f.with("payment", 100).with("extra", 90),
            K::Other => f.with("detail", "x"),
            K::EmptyFile | K::ByteOrderMark | K::EmptyLine | K::Blank | K::MissingEnd => f,
        }
    }
}

impl CreditProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<CreditProblem> {
        let mut all = vec![
            CreditProblem::NoSuchInvoice,
            CreditProblem::AlreadyMatched,
            CreditProblem::AlreadyDecided,
            CreditProblem::AlreadyRequested,
            CreditProblem::OwnRequest,
            CreditProblem::RateStart,
            CreditProblem::RateRange {
                min_bp: -1000,
                max_bp: 2000,
            },
            CreditProblem::NotAPercent,
            CreditProblem::OcrTaken,
            CreditProblem::BgmaxTestFile,
            CreditProblem::BgmaxConflictingFile {
                key: "2026-11-20 06:00:01.000000:9912346".into(),
            },
            CreditProblem::NotUtf8,
            CreditProblem::CsvHeader {
                expected: "customer_number,invoice_number".into(),
            },
            CreditProblem::CsvFieldCount {
                expected: 6,
                found: 5,
            },
            CreditProblem::CsvUnreadable,
            CreditProblem::DuplicateInvoiceNumber {
                number: "F1".into(),
            },
            CreditProblem::DueBeforeIssued,
            CreditProblem::NotAnAmount { found: "x".into() },
            CreditProblem::UnknownCustomer {
                number: "5000001".into(),
            },
        ];
        all.extend(
            BgmaxFaultKind::ALL
                .iter()
                .map(|&kind| CreditProblem::BgmaxFormat {
                    line: 17,
                    field: "record",
                    fault: BgmaxFault::example(kind),
                }),
        );
        all
    }
}

/// A rate in basis points as a percentage with a decimal comma (`-10,00`).
fn percent(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{},{:02}", bp / 100, bp % 100)
}

impl Explain for CreditProblem {
    fn message_key(&self) -> &'static str {
        match self {
            CreditProblem::NoSuchInvoice => "credit-problem-no-such-invoice",
            CreditProblem::AlreadyMatched => "credit-problem-already-matched",
            CreditProblem::AlreadyDecided => "credit-problem-already-decided",
            CreditProblem::AlreadyRequested => "credit-problem-already-requested",
            CreditProblem::OwnRequest => "credit-problem-own-request",
            CreditProblem::RateStart => "credit-problem-rate-start",
            CreditProblem::RateRange { .. } => "credit-problem-rate-range",
            CreditProblem::NotAPercent => "credit-problem-not-a-percent",
            CreditProblem::OcrTaken => "credit-problem-ocr-taken",
            CreditProblem::BgmaxTestFile => "credit-problem-bgmax-test-file",
            CreditProblem::BgmaxConflictingFile { .. } => "credit-problem-bgmax-conflicting-file",
            CreditProblem::BgmaxFormat { fault, .. } => fault.kind.message_key(),
            CreditProblem::NotUtf8 => "credit-problem-not-utf8",
            CreditProblem::CsvHeader { .. } => "credit-problem-csv-header",
            CreditProblem::CsvFieldCount { .. } => "credit-problem-csv-field-count",
            CreditProblem::CsvUnreadable => "credit-problem-csv-unreadable",
            CreditProblem::DuplicateInvoiceNumber { .. } => "credit-problem-duplicate-invoice",
            CreditProblem::DueBeforeIssued => "credit-problem-due-before-issued",
            CreditProblem::NotAnAmount { .. } => "credit-problem-not-an-amount",
            CreditProblem::UnknownCustomer { .. } => "credit-problem-unknown-customer",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CreditProblem::RateRange { min_bp, max_bp } => {
                vec![("min", percent(*min_bp)), ("max", percent(*max_bp))]
            }
            CreditProblem::BgmaxConflictingFile { key } => vec![("key", key.clone())],
            CreditProblem::BgmaxFormat { line, field, fault } => {
                let mut args = vec![("line", line.to_string()), ("field", (*field).to_owned())];
                args.extend(fault.args.iter().cloned());
                args
            }
            CreditProblem::CsvHeader { expected } => vec![("expected", expected.clone())],
            CreditProblem::CsvFieldCount { expected, found } => vec![
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
            CreditProblem::DuplicateInvoiceNumber { number }
            | CreditProblem::UnknownCustomer { number } => vec![("number", number.clone())],
            CreditProblem::NotAnAmount { found } => vec![("found", found.clone())],
            CreditProblem::NoSuchInvoice
            | CreditProblem::AlreadyMatched
            | CreditProblem::AlreadyDecided
            | CreditProblem::AlreadyRequested
            | CreditProblem::OwnRequest
            | CreditProblem::RateStart
            | CreditProblem::NotAPercent
            | CreditProblem::OcrTaken
            | CreditProblem::BgmaxTestFile
            | CreditProblem::NotUtf8
            | CreditProblem::CsvUnreadable
            | CreditProblem::DueBeforeIssued => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_a_decimal_comma() {
        assert_eq!(percent(-1000), "-10,00");
        assert_eq!(percent(2000), "20,00");
        assert_eq!(percent(-50), "-0,50");
    }

    #[test]
    fn every_fault_has_an_example_with_its_place() {
        let faults = CreditProblem::examples()
            .into_iter()
            .filter(|p| matches!(p, CreditProblem::BgmaxFormat { .. }))
            .count();
        assert_eq!(faults, BgmaxFaultKind::ALL.len());
        let p = &CreditProblem::examples()[20];
        assert!(p.args().iter().any(|(k, v)| *k == "line" && v == "17"));
        assert!(p.message_key().starts_with("credit-problem-bgmax-"));
    }
}

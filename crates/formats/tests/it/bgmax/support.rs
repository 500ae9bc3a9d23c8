//! Helpers shared by the BgMax tests: finding the shared sample files,
//! a small valid file to break on purpose, and line-level editing.

use std::path::PathBuf;

use formats::bgmax::{
    self, BgMaxFile, Date, Deposit, EndRecord, ExtraReference, ExtraReferenceKind, LineEnding,
    ParseError, PayerAddress, PayerName, Payment, PaymentKind, Section, Timestamp,
};

/// The folder of Bankgirot's example files, or `None` (after saying so)
/// when `../shared/data` is not beside the checkout. On CI its absence is
/// a failure, so a broken checkout cannot pass by skipping.
pub fn sample_dir() -> Option<PathBuf> {
    test_support::shared_data("formats/bgmax")
}

/// The bytes of one sample file, `None` when the folder is missing.
pub fn sample(name: &str) -> Option<Vec<u8>> {
    let path = sample_dir()?.join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())))
}

/// The error of a file that must not parse.
#[track_caller]
pub fn parse_err(bytes: &[u8]) -> ParseError {
    match bgmax::parse(bytes) {
        Ok(file) => panic!(
            "expected a parse error, got {} sections",
            file.sections.len()
        ),
        Err(error) => error,
    }
}

/// The file of a parse that must succeed.
#[track_caller]
pub fn parse_ok(bytes: &[u8]) -> BgMaxFile {
    bgmax::parse(bytes).unwrap_or_else(|e| panic!("expected a valid file: {e}"))
}

/// Split written bytes into lines without their CRLF.
pub fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        .filter(|line| !line.is_empty())
        .collect()
}

/// Join lines with CRLF, as Bankgirot does.
pub fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// 1-based number of the `nth` (0-based) line starting with `code`.
#[track_caller]
pub fn line_of(lines: &[Vec<u8>], code: &str, nth: usize) -> usize {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with(code.as_bytes()))
        .nth(nth)
        .map(|(index, _)| index + 1)
        .unwrap_or_else(|| panic!("no line {nth} of type {code}"))
}

/// Overwrite a line's bytes at 1-based position `pos`.
pub fn set(lines: &mut [Vec<u8>], line: usize, pos: usize, value: &[u8]) {
    let target = &mut lines[line - 1];
    target.resize(target.len().max(pos - 1 + value.len()), b' ');
    target[pos - 1..pos - 1 + value.len()].copy_from_slice(value);
}

/// A copy with every line number set to 0, for comparing a parsed file
/// with a generated model.
pub fn without_lines(file: &BgMaxFile) -> BgMaxFile {
    let mut file = file.clone();
    file.end.line = 0;
    for section in &mut file.sections {
        section.line = 0;
        section.deposit.line = 0;
        for payment in section.payments.iter_mut().chain(&mut section.deductions) {
            payment.line = 0;
            for extra in &mut payment.extra_references {
                extra.line = 0;
            }
        }
    }
    file
}

pub fn timestamp() -> Timestamp {
    Timestamp {
        date: Date::new(2020, 3, 16).expect("valid date"),
        hour: 6,
        minute: 5,
        second: 4,
        micros: 123_456,
    }
}

fn payment(kind: PaymentKind, reference: &str, code: u8, amount_ore: i64, serial: &str) -> Payment {
    Payment {
        line: 0,
        kind,
        sender_bankgiro: "3783511".into(),
        reference: reference.into(),
        reference_code: code,
        amount_ore,
        channel_code: 1,
        bgc_serial: serial.into(),
        image_marker: false,
        deduction_code: (kind == PaymentKind::Deduction).then_some(0),
        extra_references: Vec::new(),
        informations: Vec::new(),
        payer_name: None,
        payer_address: None,
        payer_org_number: None,
    }
}

fn extra(kind: ExtraReferenceKind, reference: &str, amount_ore: i64) -> ExtraReference {
    ExtraReference {
        line: 0,
        kind,
        sender_bankgiro: "3783511".into(),
        reference: reference.into(),
        reference_code: 2,
        amount_ore,
        channel_code: 1,
        bgc_serial: "000000000003".into(),
        image_marker: false,
    }
}

/// A small valid file exercising every record type. Written with CRLF its
/// lines are:
///
/// ```text
///  1 TK01
///  2 TK05 section 1
///  3 TK20 OCR 655969, 1 500.00, with name, address and org number
///  4 TK26   5 TK27   6 TK28   7 TK29
///  8 TK20 free text, 300.00
///  9 TK20 reference code 0, 200.00 = TK22 250.00 − TK23 50.00
/// 10 TK22  11 TK23  12 TK25
/// 13 TK21 deduction 100.00
/// 14 TK15 1 900.00, 4 payments
/// 15 TK05 section 2
/// 16 TK20 OCR 5249, 10.00
/// 17 TK15 10.00, 1 payment
/// 18 TK70 4 / 1 / 2 / 2
/// ```
pub fn base_file() -> BgMaxFile {
    let mut first = payment(PaymentKind::Payment, "655969", 2, 150_000, "000000000001");
    first.payer_name = Some(PayerName {
        name: "Kalles Plåt AB".into(),
        extra_name: "c/o Åsa Öberg".into(),
    });
    first.payer_address = Some(PayerAddress {
        street: "Storgatan 2".into(),
        postal_code: "12345".into(),
        town: "Storåker".into(),
        country: "Sverige".into(),
        country_code: "SE".into(),
    });
    first.payer_org_number = Some("005500001234".into());
    let second = payment(
        PaymentKind::Payment,
        "faktura 17 och 18",
        3,
        30_000,
        "000000000002",
    );
    let mut third = payment(PaymentKind::Payment, "", 0, 20_000, "000000000003");
    third.extra_references = vec![
        extra(ExtraReferenceKind::Positive, "655969", 25_000),
        extra(ExtraReferenceKind::Negative, "5249", 5_000),
    ];
    third.informations = vec!["Kreditfaktura avräknad".into()];
    let mut deduction = payment(PaymentKind::Deduction, "", 1, 10_000, "000000000004");
    deduction.deduction_code = Some(1);
    let other = payment(PaymentKind::Payment, "5249", 2, 1_000, "000000000005");

    let deposit = |amount_ore, payment_count, serial: &str| Deposit {
        line: 0,
        account: "5841000001009823".into(),
        payment_date: Date::new(2020, 3, 16).expect("valid date"),
        deposit_serial: serial.into(),
        amount_ore,
        currency: "SEK".into(),
        payment_count,
        deposit_type: None,
    };
    BgMaxFile {
        layout_version: 1,
        created: timestamp(),
        test_marker: false,
        sections: vec![
            Section {
                line: 0,
                receiving_bankgiro: "9912346".into(),
                receiving_plusgiro: None,
                currency: "SEK".into(),
                payments: vec![first, second, third],
                deductions: vec![deduction],
                deposit: deposit(190_000, 4, "00001"),
            },
            Section {
                line: 0,
                receiving_bankgiro: "9912346".into(),
                receiving_plusgiro: Some("8156086".into()),
                currency: "SEK".into(),
                payments: vec![other],
                deductions: Vec::new(),
                deposit: deposit(1_000, 1, "00002"),
            },
        ],
        end: EndRecord {
            line: 0,
            payment_count: 4,
            deduction_count: 1,
            extra_reference_count: 2,
            deposit_count: 2,
        },
    }
}

/// The lines of [`base_file`] written with CRLF.
pub fn base_lines() -> Vec<Vec<u8>> {
    lines(&bgmax::write(&base_file(), LineEnding::CrLf))
}

//! Hand-made faulty files: each breaks one rule of the valid base file
//! (see `support::base_file` for its line layout) and must be rejected on
//! the right line and field.

use formats::bgmax::{self, LineEnding, ParseErrorKind, RecordType};

use super::support::{base_file, base_lines, join, line_of, lines, parse_err, parse_ok, set};

/// Parse edited lines and check where and why they are rejected.
#[track_caller]
fn rejects(lines: &[Vec<u8>], line: usize, field: &str) -> ParseErrorKind {
    let error = parse_err(&join(lines));
    assert_eq!((error.line, error.field), (line, field), "{error}");
    // Every message names line and field and ends with advice.
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("line {line}, field {field}: ")),
        "{text}"
    );
    assert!(text.contains(" — "), "{text}");
    error.kind
}

#[test]
fn base_file_is_valid_and_has_the_documented_layout() {
    let lines = base_lines();
    let codes: Vec<&[u8]> = lines.iter().map(|l| &l[..2]).collect();
    let expected: Vec<&[u8]> = [
        "01", "05", "20", "26", "27", "28", "29", "20", "20", "22", "23", "25", "21", "15", "05",
        "20", "15", "70",
    ]
    .iter()
    .map(|c| c.as_bytes())
    .collect();
    assert_eq!(codes, expected);
    assert!(lines.iter().all(|l| l.len() == 80));
    parse_ok(&join(&lines));
}

#[test]
fn wrong_deposit_sum() {
    let mut lines = base_lines();
    set(&mut lines, 14, 51, b"000000000000190001");
    let kind = rejects(&lines, 14, "amount");
    assert_eq!(
        kind,
        ParseErrorKind::DepositAmountMismatch {
            stated: 190_001,
            computed: 190_000
        }
    );
}

#[test]
fn wrong_deposit_count() {
    let mut lines = base_lines();
    set(&mut lines, 14, 72, b"00000005");
    let kind = rejects(&lines, 14, "payment_count");
    assert_eq!(
        kind,
        ParseErrorKind::DepositCountMismatch {
            stated: 5,
            computed: 4
        }
    );
}

#[test]
fn wrong_counts_in_end_record() {
    for (pos, field, computed) in [
        (3, "payment_count", 4),
        (11, "deduction_count", 1),
        (19, "extra_reference_count", 2),
        (27, "deposit_count", 2),
    ] {
        let mut lines = base_lines();
        set(&mut lines, 18, pos, b"00000009");
        let kind = rejects(&lines, 18, field);
        assert_eq!(
            kind,
            ParseErrorKind::EndCountMismatch {
                stated: 9,
                computed
            }
        );
    }
}

#[test]
fn extra_references_not_adding_up_to_the_payment() {
    let mut lines = base_lines();
    // TK23 of the payment on line 9: 50.00 becomes 50.01.
    set(&mut lines, 11, 38, b"000000000000005001");
    let kind = rejects(&lines, 9, "amount");
    assert_eq!(
        kind,
        ParseErrorKind::ExtraReferenceSumMismatch {
            payment: 20_000,
            extra: 19_999
        }
    );
}

#[test]
fn extra_references_without_amounts_need_not_add_up() {
    let mut file = base_file();
    for extra in &mut file.sections[0].payments[2].extra_references {
        extra.amount_ore = 0;
    }
    parse_ok(&bgmax::write(&file, LineEnding::CrLf));
}

#[test]
fn tab_in_a_line() {
    let mut lines = base_lines();
    set(&mut lines, 4, 20, b"\t");
    assert_eq!(
        rejects(&lines, 4, "record"),
        ParseErrorKind::Tab { column: 20 }
    );
}

#[test]
fn other_control_characters() {
    let mut lines = base_lines();
    set(&mut lines, 5, 3, b"\0");
    let kind = rejects(&lines, 5, "record");
    assert_eq!(
        kind,
        ParseErrorKind::ControlCharacter { column: 3, byte: 0 }
    );
}

#[test]
fn unknown_record_type() {
    let mut lines = base_lines();
    let mut unknown = lines[11].clone();
    unknown[..2].copy_from_slice(b"24");
    lines.insert(11, unknown);
    let kind = rejects(&lines, 12, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::UnknownRecordType { code: "24".into() }
    );
}

#[test]
fn bad_ocr_with_reference_code_2() {
    let mut lines = base_lines();
    // 655969 → 655968: the check digit no longer fits.
    set(&mut lines, 3, 37, b"8");
    let kind = rejects(&lines, 3, "reference");
    assert_eq!(
        kind,
        ParseErrorKind::OcrCheckDigit {
            reference: "655968".into()
        }
    );

    let mut lines = base_lines();
    set(&mut lines, 16, 34, b"52A9");
    let kind = rejects(&lines, 16, "reference");
    assert_eq!(
        kind,
        ParseErrorKind::OcrFormat {
            reference: "52A9".into()
        }
    );
}

#[test]
fn same_wrong_reference_is_fine_with_code_3() {
    let mut lines = base_lines();
    set(&mut lines, 3, 37, b"8");
    set(&mut lines, 3, 56, b"3");
    let file = parse_ok(&join(&lines));
    assert_eq!(file.sections[0].payments[0].reference, "655968");
}

#[test]
fn payment_before_opening_record() {
    let mut lines = base_lines();
    lines.swap(1, 2);
    let kind = rejects(&lines, 2, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::OutsideSection {
            record: RecordType::Payment
        }
    );
}

#[test]
fn deposit_without_section() {
    let mut lines = base_lines();
    lines.remove(14);
    // Section 2 now has no TK05, so its TK20 is outside any section.
    let kind = rejects(&lines, 15, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::OutsideSection {
            record: RecordType::Payment
        }
    );
}

#[test]
fn missing_end_record() {
    let mut lines = base_lines();
    lines.pop();
    let kind = rejects(&lines, 17, "record_type");
    assert_eq!(kind, ParseErrorKind::MissingEnd { open_section: None });
    assert!(
        parse_err(&join(&lines))
            .to_string()
            .contains("the file is incomplete")
    );
}

#[test]
fn file_ending_inside_a_section() {
    let lines = base_lines()[..16].to_vec();
    let kind = rejects(&lines, 16, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::MissingEnd {
            open_section: Some(15)
        }
    );
}

#[test]
fn missing_deposit_record() {
    let mut lines = base_lines();
    lines.remove(13);
    let kind = rejects(&lines, 14, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::SectionNotClosed {
            record: RecordType::Opening,
            opened_line: 2
        }
    );
    let mut lines = base_lines();
    lines.remove(16);
    let kind = rejects(&lines, 17, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::SectionNotClosed {
            record: RecordType::End,
            opened_line: 15
        }
    );
}

#[test]
fn start_record_missing_or_repeated() {
    let mut lines = base_lines();
    lines.remove(0);
    let kind = rejects(&lines, 1, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::MissingStart {
            found: RecordType::Opening
        }
    );

    let mut lines = base_lines();
    let start = lines[0].clone();
    lines.insert(14, start);
    let kind = rejects(&lines, 15, "record_type");
    assert_eq!(kind, ParseErrorKind::DuplicateStart { first_line: 1 });
}

#[test]
fn record_after_end() {
    let mut lines = base_lines();
    let extra = lines[1].clone();
    lines.push(extra);
    let kind = rejects(&lines, 19, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::AfterEnd {
            record: RecordType::Opening,
            end_line: 18
        }
    );
}

#[test]
fn payment_details_out_of_place() {
    // TK22 directly after TK05.
    let mut lines = base_lines();
    let extra = lines[9].clone();
    lines.insert(15, extra);
    let kind = rejects(&lines, 16, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::OutsidePayment {
            record: RecordType::ExtraReference
        }
    );

    // TK26 twice.
    let mut lines = base_lines();
    let name = lines[3].clone();
    lines.insert(4, name);
    let kind = rejects(&lines, 5, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::Duplicate {
            record: RecordType::Name,
            payment_line: 3
        }
    );

    // TK27 before TK26.
    let mut lines = base_lines();
    lines.swap(3, 4);
    let kind = rejects(&lines, 5, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::OutOfOrder {
            record: RecordType::Name,
            payment_line: 3
        }
    );

    // TK25 after TK29.
    let mut lines = base_lines();
    let information = lines[11].clone();
    lines.insert(7, information);
    let kind = rejects(&lines, 8, "record_type");
    assert_eq!(
        kind,
        ParseErrorKind::OutOfOrder {
            record: RecordType::Information,
            payment_line: 3
        }
    );
}

#[test]
fn information_may_come_before_extra_references() {
    let mut lines = base_lines();
    // TK25 on line 12 moves before the TK22 on line 10.
    let information = lines.remove(11);
    lines.insert(9, information);
    let file = parse_ok(&join(&lines));
    assert_eq!(file.sections[0].payments[2].extra_references.len(), 2);
}

#[test]
fn empty_section() {
    let mut lines = base_lines();
    lines.remove(15);
    let kind = rejects(&lines, 16, "record_type");
    assert_eq!(kind, ParseErrorKind::EmptySection { opened_line: 15 });
}

#[test]
fn currency_differs_between_opening_and_deposit() {
    let mut lines = base_lines();
    set(&mut lines, 14, 69, b"EUR");
    let kind = rejects(&lines, 14, "currency");
    assert_eq!(
        kind,
        ParseErrorKind::CurrencyMismatch {
            section: "SEK".into(),
            deposit: "EUR".into()
        }
    );
}

#[test]
fn start_record_fields() {
    let cases: [(usize, &[u8], &str); 5] = [
        (3, b"BGMIN", "layout"),
        (23, b"02", "version"),
        (45, b"X", "test_marker"),
        (29, b"13", "timestamp"),
        (33, b"24", "timestamp"),
    ];
    for (pos, value, field) in cases {
        let mut lines = base_lines();
        set(&mut lines, 1, pos, value);
        rejects(&lines, 1, field);
    }
}

#[test]
fn test_marker_is_reported() {
    let mut lines = base_lines();
    set(&mut lines, 1, 45, b"T");
    assert!(parse_ok(&join(&lines)).test_marker);
}

#[test]
fn field_values() {
    let cases: [(usize, usize, &[u8], &str); 10] = [
        (3, 50, b"A", "amount"),
        (3, 56, b"7", "reference_code"),
        (3, 57, b" ", "channel_code"),
        (3, 60, b"X", "bgc_serial"),
        (3, 70, b"2", "image_marker"),
        (3, 5, b"A", "sender_bankgiro"),
        (13, 71, b" ", "deduction_code"),
        (2, 3, b"          ", "receiving_bankgiro"),
        (2, 23, b"kr ", "currency"),
        (14, 42, b"0230", "payment_date"),
    ];
    for (line, pos, value, field) in cases {
        let mut lines = base_lines();
        set(&mut lines, line, pos, value);
        rejects(&lines, line, field);
    }
}

#[test]
fn organisation_number_is_withheld_from_the_message() {
    let mut lines = base_lines();
    set(&mut lines, 7, 3, b"19701231-123");
    rejects(&lines, 7, "payer_org_number");
    let text = parse_err(&join(&lines)).to_string();
    assert!(!text.contains("19701231"), "{text}");
}

#[test]
fn record_too_long() {
    let mut lines = base_lines();
    lines[3].push(b'X');
    assert_eq!(
        rejects(&lines, 4, "record"),
        ParseErrorKind::TooLong { length: 81 }
    );
}

#[test]
fn empty_line_inside_but_not_at_the_end() {
    let mut lines = base_lines();
    lines.insert(5, Vec::new());
    assert_eq!(rejects(&lines, 6, "record"), ParseErrorKind::EmptyLine);

    let mut bytes = join(&base_lines());
    bytes.extend_from_slice(b"\r\n   \r\n\r\n");
    parse_ok(&bytes);
}

#[test]
fn utf8_converted_files() {
    let written = join(&base_lines());
    let utf8 = written
        .iter()
        .map(|&b| char::from(b))
        .collect::<String>()
        .into_bytes();
    let error = parse_err(&utf8);
    assert_eq!((error.line, error.field), (4, "record"));
    assert!(matches!(error.kind, ParseErrorKind::LooksLikeUtf8 { .. }));

    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(&written);
    let error = parse_err(&with_bom);
    assert_eq!((error.line, error.kind), (1, ParseErrorKind::ByteOrderMark));
}

#[test]
fn empty_input() {
    for input in [&b""[..], b"\r\n", b"   "] {
        let error = parse_err(input);
        assert_eq!((error.line, error.kind), (1, ParseErrorKind::EmptyFile));
    }
}

#[test]
fn any_line_ending_and_trimmed_records_read_the_same() {
    let file = base_file();
    let expected = parse_ok(&bgmax::write(&file, LineEnding::CrLf));
    for ending in [LineEnding::Lf, LineEnding::None] {
        assert_eq!(parse_ok(&bgmax::write(&file, ending)), expected);
    }
    let cr_only: Vec<u8> = bgmax::write(&file, LineEnding::Lf)
        .into_iter()
        .map(|b| if b == b'\n' { b'\r' } else { b })
        .collect();
    assert_eq!(parse_ok(&cr_only), expected);
    // Trailing blanks stripped from every record, as in one example file.
    let trimmed: Vec<Vec<u8>> = base_lines()
        .into_iter()
        .map(|mut line| {
            while line.last() == Some(&b' ') {
                line.pop();
            }
            line
        })
        .collect();
    assert!(trimmed.iter().any(|line| line.len() < 80));
    assert_eq!(parse_ok(&join(&trimmed)), expected);
}

#[test]
fn records_iterator_reports_every_bad_line() {
    let mut edited = base_lines();
    set(&mut edited, 4, 10, b"\t");
    edited[6][..2].copy_from_slice(b"99");
    let bytes = join(&edited);
    let bad: Vec<usize> = bgmax::records(&bytes)
        .filter_map(Result::err)
        .map(|e| e.line)
        .collect();
    assert_eq!(bad, [4, 7]);
    assert_eq!(bgmax::records(&bytes).count(), lines(&bytes).len());
    assert_eq!(line_of(&edited, "70", 0), 18);
}

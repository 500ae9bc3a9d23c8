//! Bankgirot's example files from `../shared/data/formats/bgmax`: each one
//! parses (or, for the file with a TAB, is rejected on the right line) and
//! the values match what the files say.

use formats::bgmax::{
    self, Date, ExtraReferenceKind, ParseErrorKind, PaymentKind, RecordType, Timestamp,
};

use super::support::{parse_err, parse_ok, sample, sample_dir};

const PLAIN: &str = "bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv.txt";
const PLAIN_LF: &str =
    "bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv-with-new-line.txt";
const EXTENDED: &str = "bankgiroinbetalningar_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_exempelfil.txt";
const IMAGES: &str = "bankgiroinbetalningar_bildfil_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_exempelfil.txt";
const OCR: &str = "bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_sv.txt";
const CHECK_AND_LENGTH: &str =
    "bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt";

/// Every file in the folder parses, except the one known to hold a TAB,
/// so a file added to the folder later is covered too.
#[test]
fn every_sample_file_parses_except_the_tab_file() {
    let Some(dir) = sample_dir() else { return };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("list sample dir") {
        let path = entry.expect("dir entry").path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read sample");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let result = bgmax::parse(&bytes);
        if name == CHECK_AND_LENGTH {
            let error = result.expect_err("the TAB line must be rejected");
            assert_eq!((error.line, error.field), (17, "record"), "{error}");
        } else {
            let file = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!file.sections.is_empty(), "{name}");
        }
        seen += 1;
    }
    assert!(seen >= 6, "expected the six example files, found {seen}");
}

#[test]
fn file_without_line_breaks_matches_the_one_with() {
    let (Some(plain), Some(with_lf)) = (sample(PLAIN), sample(PLAIN_LF)) else {
        return;
    };
    assert!(!plain.contains(&b'\n'));
    assert_eq!(parse_ok(&plain), parse_ok(&with_lf));
}

#[test]
fn plain_agreement_file_values() {
    let Some(bytes) = sample(PLAIN) else { return };
    let file = parse_ok(&bytes);
    assert_eq!(file.layout_version, 1);
    assert!(!file.test_marker);
    assert_eq!(
        file.created,
        Timestamp {
            date: Date::new(2004, 5, 25).expect("date"),
            hour: 17,
            minute: 30,
            second: 35,
            micros: 10_331,
        }
    );
    assert_eq!(file.created.to_bgmax(), "20040525173035010331");
    let [section] = file.sections.as_slice() else {
        panic!("one section expected")
    };
    assert_eq!(section.receiving_bankgiro, "9912346");
    assert_eq!(section.receiving_plusgiro, None);
    assert_eq!(section.currency, "SEK");
    let amounts: Vec<i64> = section.payments.iter().map(|p| p.amount_ore).collect();
    assert_eq!(amounts, [10_000, 20_000, 30_000, 10_000, 15_000]);
    assert!(section.deductions.is_empty());

    let first = &section.payments[0];
    assert_eq!(first.line, 3);
    assert_eq!(first.kind, PaymentKind::Payment);
    assert_eq!(first.sender_bankgiro, "3783511");
    assert_eq!(
        (first.reference.as_str(), first.reference_code),
        ("65598", 3)
    );
    assert_eq!(
        (first.channel_code, first.bgc_serial.as_str()),
        (2, "000000000001")
    );
    assert!(!first.image_marker);
    assert_eq!(first.informations, ["Här är betalning från mig till dig"]);
    let name = first.payer_name.as_ref().expect("TK26");
    assert_eq!(
        (name.name.as_str(), name.extra_name.as_str()),
        ("Kalles Plåt AB", "")
    );
    let address = first.payer_address.as_ref().expect("TK27/TK28");
    assert_eq!(address.street, "Storgatan 2");
    assert_eq!(address.postal_code, "12345");
    assert_eq!(address.town, "Storåker");
    assert_eq!(first.payer_org_number.as_deref(), Some("005500001234"));

    let last = &section.payments[4];
    assert_eq!(last.sender_bankgiro, "", "zeros mean an unknown sender");
    assert!(last.image_marker);
    assert_eq!(last.reference_code, 1);

    let deposit = &section.deposit;
    assert_eq!(deposit.account, "5841000001009823");
    assert_eq!(deposit.payment_date, Date::new(2004, 5, 25).expect("date"));
    assert_eq!(deposit.deposit_serial, "00005");
    assert_eq!((deposit.amount_ore, deposit.payment_count), (85_000, 5));
    assert_eq!(deposit.deposit_type, None);
    assert_eq!(
        (
            file.end.payment_count,
            file.end.deduction_count,
            file.end.extra_reference_count,
            file.end.deposit_count
        ),
        (5, 0, 0, 1)
    );
}

#[test]
fn extended_form_registration_file_values() {
    let Some(bytes) = sample(EXTENDED) else {
        return;
    };
    let file = parse_ok(&bytes);
    let deposits: Vec<i64> = file.sections.iter().map(|s| s.deposit.amount_ore).collect();
    assert_eq!(deposits, [370_000, 200_000, 290_000]);
    assert_eq!(file.entries().count(), 7);

    let first = &file.sections[0].payments[0];
    assert_eq!(first.reference_code, 0);
    let references: Vec<&str> = first
        .extra_references
        .iter()
        .map(|e| e.reference.as_str())
        .collect();
    assert_eq!(references, ["665760", "665869", "665661"]);
    assert_eq!(
        first.informations,
        ["Betalning med extra refnr 665869 657375 665661", "665760"]
    );
    // This example has an 11-digit organisation number followed by a blank.
    let second = &file.sections[0].payments[1];
    assert_eq!(second.payer_org_number.as_deref(), Some("00550000432"));

    // Σ TK22 − Σ TK23 = the payment, with a TK23 credit.
    let credited = &file.sections[2].payments[3];
    let kinds: Vec<ExtraReferenceKind> = credited.extra_references.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ExtraReferenceKind::Positive,
            ExtraReferenceKind::Positive,
            ExtraReferenceKind::Positive,
            ExtraReferenceKind::Negative
        ]
    );
    let codes: Vec<u8> = credited
        .extra_references
        .iter()
        .map(|e| e.reference_code)
        .collect();
    assert_eq!(codes, [5, 2, 5, 2]);
    let sum: i64 = credited
        .extra_references
        .iter()
        .map(|e| e.signed_amount_ore())
        .sum();
    assert_eq!(sum, credited.amount_ore);
    assert_eq!(file.end.extra_reference_count, 9);
}

#[test]
fn image_file_values() {
    let Some(bytes) = sample(IMAGES) else { return };
    let file = parse_ok(&bytes);
    assert_eq!(file.created.date, Date::new(2005, 12, 6).expect("date"));
    let section = &file.sections[0];
    assert!(section.payments.iter().all(|p| p.image_marker));
    assert_eq!(section.deposit.amount_ore, 353_300);
    // The last payment's bankgiro is written "009701233 " (nine digits
    // and a blank); it is read as the number it is.
    assert_eq!(section.payments[5].sender_bankgiro, "9701233");
    assert_eq!(section.payments[1].extra_references[1].reference, "3343");
}

#[test]
fn ocr_agreement_file_values() {
    let Some(bytes) = sample(OCR) else { return };
    let file = parse_ok(&bytes);
    let section = &file.sections[0];
    assert_eq!(section.receiving_plusgiro.as_deref(), Some("8156086"));
    let free_text = &section.payments[2];
    assert_eq!(free_text.reference, "65896,65862,65763");
    assert_eq!(free_text.reference_code, 3);
    assert!(free_text.extra_references.iter().all(|e| e.amount_ore == 0));
    assert_eq!(free_text.extra_references.len(), 3);
    assert_eq!(
        section.payments[3].informations,
        ["Faktura65581 Kundnr1233"]
    );
}

/// The "check digit and length" file has one TK22 line with two TABs
/// (line 17) and records shortened to 70 and 34 characters.
#[test]
fn check_and_length_file_is_rejected_at_its_tab_line() {
    let Some(bytes) = sample(CHECK_AND_LENGTH) else {
        return;
    };
    let error = parse_err(&bytes);
    assert_eq!(error.line, 17);
    assert_eq!(error.field, "record");
    assert_eq!(error.kind, ParseErrorKind::Tab { column: 13 });
    assert!(
        error
            .to_string()
            .starts_with("line 17, field record: TAB character at column 13")
    );
}

/// With its TABs expanded to the usual 8-column stops, the TAB line
/// becomes a proper TK22 and the whole file is valid: the shortened
/// records are padded and every total matches.
#[test]
fn check_and_length_file_with_tabs_expanded_is_valid() {
    let Some(bytes) = sample(CHECK_AND_LENGTH) else {
        return;
    };
    let mut expanded = Vec::new();
    let mut column = 0;
    for byte in bytes {
        match byte {
            b'\t' => {
                let next = (column / 8 + 1) * 8;
                expanded.resize(expanded.len() + (next - column), b' ');
                column = next;
            }
            b'\n' => {
                expanded.push(byte);
                column = 0;
            }
            _ => {
                expanded.push(byte);
                column += 1;
            }
        }
    }
    let file = parse_ok(&expanded);
    let first = &file.sections[0];
    assert_eq!(
        first.payments.iter().map(|p| p.amount_ore).sum::<i64>(),
        240_000
    );
    let [deduction] = first.deductions.as_slice() else {
        panic!("one deduction expected")
    };
    assert_eq!(deduction.kind, PaymentKind::Deduction);
    assert_eq!(deduction.signed_amount_ore(), -50_000);
    assert_eq!(deduction.deduction_code, Some(0));
    assert_eq!(deduction.reference, "89853");
    assert_eq!(
        (first.deposit.amount_ore, first.deposit.payment_count),
        (190_000, 3)
    );
    let fixed = &first.payments[1].extra_references[3];
    assert_eq!((fixed.line, fixed.reference.as_str()), (17, "657965"));
    assert_eq!(file.sections[1].deposit.amount_ore, 800_000);
    // Leading blanks of information texts are kept.
    assert_eq!(
        file.sections[1].payments[3].informations[0],
        " Faktura 658369"
    );
    // Bankgirot's example repeats BGC serial 000000000016 in one file, so
    // the parser must not treat serial numbers as unique.
    let serials: Vec<&str> = file.sections[1]
        .payments
        .iter()
        .map(|p| p.bgc_serial.as_str())
        .collect();
    assert_eq!(serials[2], serials[3]);
    assert_eq!(
        (
            file.end.payment_count,
            file.end.deduction_count,
            file.end.extra_reference_count
        ),
        (6, 1, 6)
    );
}

/// The `negative/` files are UTF-8 with a byte-order mark and made-up
/// records; the parser stops on line 1, and the record splitter (with
/// the mark removed) names the bad lines the files were made for.
#[test]
fn negative_sample_with_invalid_record_types() {
    let Some(bytes) = sample("negative/someInvalidTransaktionskoder.txt") else {
        return;
    };
    let error = parse_err(&bytes);
    assert_eq!(
        (error.line, error.kind.clone()),
        (1, ParseErrorKind::ByteOrderMark)
    );

    let stripped = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).expect("BOM");
    let errors: Vec<(usize, ParseErrorKind)> = bgmax::records(stripped)
        .filter_map(Result::err)
        .map(|e| (e.line, e.kind))
        .collect();
    assert_eq!(
        errors,
        [
            (4, ParseErrorKind::EmptyLine),
            (5, ParseErrorKind::UnknownRecordType { code: "XX".into() }),
            (6, ParseErrorKind::UnknownRecordType { code: "90".into() }),
        ]
    );
    // Line 7 ("not 80 chars long") is a short record: padded, not an error.
    let last = bgmax::records(stripped).last().expect("records");
    assert_eq!(
        last.map(|r| (r.line, r.record_type)),
        Ok((7, RecordType::End))
    );
}

#[test]
fn negative_sample_with_valid_record_types() {
    let Some(bytes) = sample("negative/validTransaktionskoder.txt") else {
        return;
    };
    assert_eq!(parse_err(&bytes).line, 1);
    let stripped = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).expect("BOM");
    let codes: Vec<&str> = bgmax::records(stripped)
        .map(|r| r.map(|r| r.record_type.code()))
        .collect::<Result<_, _>>()
        .expect("every record type is known");
    assert_eq!(
        codes,
        [
            "01", "05", "15", "20", "21", "22", "23", "25", "26", "27", "70"
        ]
    );
    // Its fields are not BgMax fields: TK05 holds "BGMAX" as a bankgiro.
    let error = parse_err(stripped);
    assert_eq!((error.line, error.field), (2, "receiving_bankgiro"));
}

/// Reading section by section gives what `parse` gives, and the same first fault.
#[test]
fn the_section_reader_agrees_with_parse() {
    let Some(dir) = sample_dir() else { return };
    for entry in std::fs::read_dir(&dir).expect("list sample dir") {
        let path = entry.expect("dir entry").path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read sample");
        let mut reader = bgmax::SectionReader::new(&bytes);
        let mut sections = Vec::new();
        let streamed = loop {
            match reader.next_section() {
                Ok(Some(s)) => sections.push(s),
                Ok(None) => break reader.finish(),
                Err(e) => break Err(e),
            }
        };
        match (bgmax::parse(&bytes), streamed) {
            (Ok(whole), Ok(rest)) => {
                assert_eq!(whole.sections, sections, "{}", path.display());
                assert_eq!((whole.created, whole.end), (rest.created, rest.end));
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{}", path.display()),
            (a, b) => panic!("{}: parse {a:?} but streaming {b:?}", path.display()),
        }
    }
}

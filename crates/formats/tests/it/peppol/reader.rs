//! Reading: the shared examples, a generated Swedish invoice, and documents
//! that are not UBL at all.

use formats::peppol::{self, DocumentKind, Flag, ReadError, seller_org_number};

use super::support::{self, GenLine, check_ok, invoice_with, swedish_invoice};

#[test]
fn generated_swedish_invoice_reads_and_passes() {
    let checked = check_ok(swedish_invoice().as_bytes());
    assert!(checked.accepted(), "findings: {:?}", checked.findings);
    assert!(
        checked.findings.is_empty(),
        "no warnings either: {:?}",
        checked.findings
    );
    let doc = checked.document.expect("document");
    assert_eq!(doc.kind, DocumentKind::Invoice);
    assert_eq!(doc.number, "F2026-0042");
    assert_eq!(doc.issue_date, jiff::civil::date(2026, 11, 30));
    assert_eq!(doc.due_date, Some(jiff::civil::date(2026, 12, 30)));
    assert_eq!(doc.currency, "SEK");
    assert_eq!(doc.buyer_reference.as_deref(), Some("KST-4711"));
    assert_eq!(doc.order_reference.as_deref(), Some("IO-2026-17"));
    assert_eq!(doc.payable_minor, 250_000);
    assert_eq!(doc.tax_exclusive_minor, 200_000);
    assert_eq!(doc.tax_minor, 50_000);
    assert_eq!(doc.seller.vat.as_deref(), Some("SE556036079301"));
    assert_eq!(doc.seller.country.as_deref(), Some("SE"));
    assert_eq!(
        doc.seller.endpoint,
        Some(("0007".to_owned(), "5560360793".to_owned()))
    );
    assert_eq!(doc.buyer.name.as_deref(), Some("Umeå kommun"));
    assert_eq!(doc.payment.len(), 1);
    assert_eq!(doc.payment[0].code, "30");
    assert_eq!(doc.payment[0].payment_id.as_deref(), Some("4711000000017"));
    assert_eq!(doc.payment[0].account_id.as_deref(), Some("56020053"));
    assert_eq!(doc.payment[0].branch_id.as_deref(), Some("SE:BANKGIRO"));
    assert_eq!(doc.lines.len(), 2);
    assert_eq!(doc.lines[1].quantity.as_deref(), Some("2500"));
    assert_eq!(doc.lines[1].net_minor, 100_000);
    assert_eq!(seller_org_number(&doc).as_deref(), Some("5560360793"));
}

#[test]
fn org_number_falls_back_to_the_vat_number() {
    let mut doc = check_ok(swedish_invoice().as_bytes())
        .document
        .expect("document");
    doc.seller.legal_id = None;
    doc.seller.endpoint = None;
    assert_eq!(seller_org_number(&doc).as_deref(), Some("5560360793"));
    doc.seller.vat = Some("SE556036079401".to_owned());
    assert_eq!(
        seller_org_number(&doc),
        None,
        "a failing check digit is no org. number"
    );
}

#[test]
fn wrong_totals_are_fatal_but_the_document_still_reads() {
    let lines = [GenLine {
        name: "Avgift",
        quantity: "3",
        price: "10.00",
        net: "30.00",
    }];
    let xml = invoice_with(&lines, "30.00", "7.50", "37.00");
    let checked = check_ok(xml.as_bytes());
    assert!(!checked.accepted());
    assert!(
        checked.fatal_rules().contains(&"BR-CO-15"),
        "{:?}",
        checked.findings
    );
    let finding = checked
        .findings
        .iter()
        .find(|f| f.rule == "BR-CO-15")
        .expect("BR-CO-15");
    assert_eq!(finding.flag, Flag::Fatal);
    assert_eq!(finding.path, "/Invoice");
    assert!(checked.document.is_some());
}

#[test]
fn a_wrong_line_amount_is_found_on_the_line() {
    let lines = [GenLine {
        name: "Avgift",
        quantity: "3",
        price: "10.00",
        net: "31.00",
    }];
    let xml = invoice_with(&lines, "31.00", "7.75", "38.75");
    let checked = check_ok(xml.as_bytes());
    let finding = checked
        .findings
        .iter()
        .find(|f| f.rule == "PEPPOL-EN16931-R120")
        .expect("R120");
    assert_eq!(finding.path, "/Invoice/cac:InvoiceLine[1]");
}

#[test]
fn three_decimals_in_the_payable_amount_is_fatal_and_no_document() {
    let xml = swedish_invoice().replace(
        "<cbc:PayableAmount currencyID=\"SEK\">2500.00</cbc:PayableAmount>",
        "<cbc:PayableAmount currencyID=\"SEK\">2500.001</cbc:PayableAmount>",
    );
    let checked = check_ok(xml.as_bytes());
    assert!(
        checked.fatal_rules().contains(&"BR-DEC-18"),
        "{:?}",
        checked.findings
    );
    assert!(checked.document.is_none());
}

#[test]
fn not_xml_not_utf8_and_not_ubl_are_read_errors() {
    match peppol::check(b"<Invoice>\n  <a></b>\n</Invoice>") {
        Err(ReadError::NotXml { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected NotXml, got {other:?}"),
    }
    match peppol::check(b"<?xml version=\"1.0\"?>\n<a>\xFF</a>") {
        Err(ReadError::NotUtf8 { line, column }) => assert_eq!((line, column), (2, 4)),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
    match peppol::check(b"\n<Invoice xmlns=\"urn:other\"/>") {
        Err(ReadError::NotUbl {
            line, column, name, ..
        }) => {
            assert_eq!((line, column, name.as_str()), (2, 1, "Invoice"));
        }
        other => panic!("expected NotUbl, got {other:?}"),
    }
    assert!(peppol::check(b"").is_err());
}

#[test]
fn every_shared_example_reads() {
    let Some(data) = support::data_dir() else {
        return;
    };
    let examples = support::examples(&data);
    assert!(examples.len() >= 40, "only {} examples", examples.len());
    for path in &examples {
        let bytes = std::fs::read(path).expect("example");
        let checked = peppol::check(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = checked
            .document
            .unwrap_or_else(|| panic!("{}: no document", path.display()));
        assert!(!doc.number.is_empty(), "{}", path.display());
        assert!(!doc.lines.is_empty(), "{}", path.display());
    }
}

#[test]
fn the_swedish_unit_tests_split_into_documents() {
    let Some(data) = support::data_dir() else {
        return;
    };
    let path = data.join("unit-tests/peppol-ubl-national/SE/UBL-IN_SE-R-013.xml");
    let text = std::fs::read_to_string(&path).expect("test set");
    let tests = support::split_test_set("UBL-IN_SE-R-013.xml", &text);
    assert!(!tests.is_empty());
    for t in &tests {
        assert_eq!(t.expectations.len(), 1);
        assert_eq!(t.expectations[0].1, "SE-R-013");
        check_ok(t.document.as_bytes());
    }
}

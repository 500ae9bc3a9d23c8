//! Documents no official test has: a credit note's fields, a large invoice,
//! and damaged bytes, which must give findings or a read error, never a
//! panic.

use formats::peppol::{self, DocumentKind};
use proptest::prelude::*;

use super::support::{self, GenLine, check_ok, invoice_with, swedish_invoice};

#[test]
fn a_shared_credit_note_reads_its_references() {
    let Some(data) = support::data_dir() else {
        return;
    };
    let path = data.join("examples/peppol-bis3-v3.0.19/base-creditnote-correction.xml");
    let checked = check_ok(&std::fs::read(&path).expect("credit note"));
    assert!(checked.accepted(), "{:?}", checked.findings);
    let doc = checked.document.expect("document");
    assert_eq!(doc.kind, DocumentKind::CreditNote);
    assert!(!doc.billing_references.is_empty());
    assert!(doc.payable_minor > 0);
}

#[test]
fn a_large_invoice_is_checked_line_by_line() {
    let lines: Vec<GenLine> = (0..4000)
        .map(|_| GenLine {
            name: "Mätarhyra",
            quantity: "1",
            price: "1.00",
            net: "1.00",
        })
        .collect();
    let xml = invoice_with(&lines, "4000.00", "1000.00", "5000.00");
    let checked = check_ok(xml.as_bytes());
    assert!(checked.accepted(), "{:?}", checked.findings.first());
    assert_eq!(checked.document.expect("document").lines.len(), 4000);
}

#[test]
fn every_finding_names_a_rule_in_the_table() {
    let xml = swedish_invoice()
        .replace(
            "<cbc:Percent>25</cbc:Percent>",
            "<cbc:Percent>24</cbc:Percent>",
        )
        .replace("SE:BANKGIRO", "SE:PLUSGIRO")
        .replace("56020053", "5602005300");
    let checked = check_ok(xml.as_bytes());
    let ids = peppol::rule_ids();
    for f in &checked.findings {
        assert!(
            ids.contains(&f.rule.as_str()),
            "{} is not in the table",
            f.rule
        );
    }
    let fatal = checked.fatal_rules();
    assert!(fatal.contains(&"SE-R-006"), "{fatal:?}");
    assert!(checked.findings.iter().any(|f| f.rule == "SE-R-010"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn damaged_invoices_never_panic(cut in 0usize..4000, byte in any::<u8>(), at in 0usize..4000) {
        let mut bytes = swedish_invoice().into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(bytes.len() - cut % bytes.len());
        let _ = peppol::check(&bytes);
    }

    #[test]
    fn changed_amounts_never_panic(amount in "-?[0-9]{0,25}(\\.[0-9]{0,25})?") {
        let xml = swedish_invoice().replace(">1000.00<", &format!(">{amount}<"));
        let checked = check_ok(xml.as_bytes());
        let _ = checked.accepted();
    }
}

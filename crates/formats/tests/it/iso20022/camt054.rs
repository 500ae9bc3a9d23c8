//! camt.054: generated notifications in every version, the genkgo samples
//! against the JSON that library parsed them into, the PostFinance
//! samples against an independent walk of their XML, and bad input.

use formats::iso20022::ReadErrorKind;
use formats::iso20022::camt054::{self, Notification};
use jiff::civil::date;
use serde_json::Value;

use super::generate::{Camt054, CamtEntry, CamtTx, camt054};
use super::support::{self, assert_valid, ore};

fn sample(version: Camt054) -> String {
    let first: &[CamtEntry<'_>] = &[
        CamtEntry {
            amount: "25575.51",
            debit: true,
            status: "BOOK",
            booking: "<Dt>2026-12-08</Dt>",
            txs: &[
                CamtTx {
                    end_to_end_id: "E2E-1",
                    amount: "18450.00",
                    creditor: "Sågverk Öster AB",
                    ocr: Some("20260911000000316"),
                    ustrd: &["ignored when there is an OCR"],
                },
                CamtTx {
                    end_to_end_id: "E2E-2",
                    amount: "7125.5",
                    creditor: "Fjällmaskin &amp; Service AB",
                    ocr: None,
                    ustrd: &["Faktura 2026-0512", "rad två"],
                },
                CamtTx {
                    end_to_end_id: "E2E-3",
                    amount: "0.01",
                    creditor: "Ettöringen AB",
                    ocr: None,
                    ustrd: &[],
                },
            ],
        },
        CamtEntry {
            amount: "100",
            debit: false,
            status: "PDNG",
            booking: "<DtTm>2026-12-08T23:30:00+01:00</DtTm>",
            txs: &[],
        },
    ];
    let second: &[CamtEntry<'_>] = &[CamtEntry {
        amount: "5.00",
        debit: true,
        status: "BOOK",
        booking: "<DtTm>2026-12-09T06:00:00.123</DtTm>",
        txs: &[CamtTx {
            end_to_end_id: "E2E-7",
            amount: "5.00",
            creditor: "Slam AB",
            ocr: None,
            ustrd: &["Slamtömning"],
        }],
    }];
    camt054(version, &[first, second])
}

#[test]
fn generated_notifications_are_valid_iso() {
    for version in Camt054::ALL {
        if !assert_valid(&sample(version), version.schema()) {
            return;
        }
    }
}

#[test]
fn reads_generated_notifications() {
    for version in Camt054::ALL {
        let note = camt054::read(sample(version).as_bytes()).expect("reads");
        assert_eq!(note.message_id, "NTF-0001");
        assert_eq!(note.entries.len(), 3, "{version:?}");
        let [first, credit, last] = note.entries.as_slice() else {
            unreachable!()
        };
        assert_eq!(first.account.as_deref(), Some("SE4550000000058398257466"));
        assert_eq!(
            (first.amount_ore, first.currency.as_str()),
            (2_557_551, "SEK")
        );
        assert!(first.debit && !first.reversal);
        assert_eq!(first.status, "BOOK");
        assert_eq!(first.booking_date, Some(date(2026, 12, 8)));
        assert_eq!(first.servicer_reference.as_deref(), Some("REF-0"));
        let ids: Vec<_> = first
            .details
            .iter()
            .map(|t| t.end_to_end_id.as_deref())
            .collect();
        assert_eq!(ids, [Some("E2E-1"), Some("E2E-2"), Some("E2E-3")]);
        let amounts: Vec<_> = first.details.iter().map(|t| t.amount_ore).collect();
        assert_eq!(amounts, [Some(1_845_000), Some(712_550), Some(1)]);
        let refs: Vec<_> = first
            .details
            .iter()
            .map(|t| t.reference.as_deref())
            .collect();
        assert_eq!(
            refs,
            [
                Some("20260911000000316"),
                Some("Faktura 2026-0512 rad två"),
                None
            ]
        );
        assert_eq!(
            first.details[1].counterparty.as_deref(),
            Some("Fjällmaskin & Service AB")
        );
        assert_eq!(first.details[0].instruction_id.as_deref(), Some("I-E2E-1"));
        let expected_debit = (version != Camt054::V02).then_some(true);
        assert_eq!(first.details[0].debit, expected_debit);

        assert_eq!((credit.amount_ore, credit.debit), (10_000, false));
        assert_eq!(credit.status, "PDNG");
        assert_eq!(credit.booking_date, Some(date(2026, 12, 8)));
        assert!(credit.details.is_empty());

        assert_eq!(last.booking_date, Some(date(2026, 12, 9)));
        assert_eq!(last.details[0].counterparty.as_deref(), Some("Slam AB"));
        assert_eq!(last.details[0].reference.as_deref(), Some("Slamtömning"));
    }
}

/// Follows genkgo's `__RECURSIVITY__` markers: an element of `list` that is
/// the marker stands for `first`.
fn resolve<'a>(list: &'a Value, first: &'a Value) -> Vec<&'a Value> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| if item.is_string() { first } else { item })
                .collect()
        })
        .unwrap_or_default()
}

fn string(value: &Value) -> Option<String> {
    value
        .as_str()
        .filter(|s| *s != "__RECURSIVITY__")
        .map(str::to_owned)
}

fn money(value: &Value) -> Option<i64> {
    string(&value["getAmount"]).map(|a| a.trim_start_matches('-').parse().expect("öre"))
}

/// The reference genkgo's JSON gives a transaction, by this reader's rule:
/// the first structured creditor reference, else the unstructured lines.
fn json_reference(tx: &Value) -> Option<String> {
    let info = &tx["getRemittanceInformation"];
    if info.is_null() {
        return None;
    }
    let structured = &info["getStructuredBlock"];
    let reference = string(&structured["getCreditorReferenceInformation"]["getRef"])
        .or_else(|| string(&info["getCreditorReferenceInformation"]["getRef"]));
    if reference.is_some() {
        return reference;
    }
    let first = &info["getUnstructuredBlock"];
    let lines: Vec<String> = resolve(&info["getUnstructuredBlocks"], first)
        .into_iter()
        .filter_map(|block| string(&block["getMessage"]))
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn compare_with_genkgo(note: &Notification, json: &Value, name: &str) {
    assert_eq!(
        Some(note.message_id.clone()),
        string(&json["getGroupHeader"]["getMessageId"]),
        "{name}"
    );
    let entries = json["getEntries"].as_array().expect("entries");
    assert_eq!(note.entries.len(), entries.len(), "{name}");
    for (entry, expected) in note.entries.iter().zip(entries) {
        assert_eq!(
            Some(entry.amount_ore),
            money(&expected["getAmount"]),
            "{name}"
        );
        assert_eq!(
            Some(entry.currency.clone()),
            string(&expected["getAmount"]["getCurrency"]["getCode"])
        );
        assert_eq!(entry.debit, expected["getCreditDebitIndicator"] == "DBIT");
        assert_eq!(Some(entry.status.clone()), string(&expected["getStatus"]));
        assert_eq!(entry.reversal, expected["getReversalIndicator"] == true);
        assert_eq!(
            entry.account,
            string(&expected["getRecord"]["getAccount"]["getIdentification"])
        );
        assert_eq!(
            entry.servicer_reference,
            string(&expected["getAccountServicerReference"])
        );
        // genkgo turns date-times into UTC; these samples stay on one day.
        let booking = string(&expected["getBookingDate"]["0"]).map(|d| d[..10].to_owned());
        assert_eq!(entry.booking_date.map(|d| d.to_string()), booking, "{name}");

        let details = resolve(
            &expected["getTransactionDetails"],
            &expected["getTransactionDetail"],
        );
        assert_eq!(entry.details.len(), details.len(), "{name}");
        for (tx, expected) in entry.details.iter().zip(details) {
            let refs = &expected["getReference"];
            assert_eq!(tx.end_to_end_id, string(&refs["getEndToEndId"]), "{name}");
            assert_eq!(tx.instruction_id, string(&refs["getInstructionId"]));
            assert_eq!(tx.payment_info_id, string(&refs["getPaymentInformationId"]));
            assert_eq!(tx.amount_ore, money(&expected["getAmount"]), "{name}");
            assert_eq!(tx.reference, json_reference(expected), "{name}");
            let parties: Vec<String> =
                resolve(&expected["getRelatedParties"], &expected["getRelatedParty"])
                    .into_iter()
                    .filter_map(|p| string(&p["getRelatedPartyType"]["getName"]))
                    .collect();
            if let Some(counterparty) = &tx.counterparty {
                assert!(parties.contains(counterparty), "{name}: {counterparty}");
            }
        }
    }
}

/// `xml` with every element in the default namespace moved to prefix `c`.
fn prefixed(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let slash = rest.starts_with('/');
        if slash {
            out.push('/');
            rest = &rest[1..];
        }
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push_str("c:");
        }
    }
    out.push_str(rest);
    out.replace("xmlns=", "xmlns:c=")
}

#[test]
fn prefixed_documents_read_the_same() {
    for version in Camt054::ALL {
        let plain = sample(version);
        let with_prefix = prefixed(&plain);
        assert!(with_prefix.contains("<c:Ntry>"));
        assert_valid(&with_prefix, version.schema());
        assert_eq!(
            camt054::read(with_prefix.as_bytes()).expect("reads"),
            camt054::read(plain.as_bytes()).expect("reads")
        );
    }
    // An element of another namespace is not the one the reader wants.
    let foreign = sample(Camt054::V04).replacen(
        "<MsgId>NTF-0001</MsgId>",
        "<MsgId xmlns=\"urn:other\">NTF-0001</MsgId>",
        1,
    );
    let error = camt054::read(foreign.as_bytes()).expect_err("foreign MsgId");
    assert_eq!(error.kind, ReadErrorKind::Missing);
}

#[test]
fn genkgo_samples_match_their_json() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    let dir = dir.join("samples/camt.054/genkgo");
    let files = support::xml_files(&dir);
    assert_eq!(files.len(), 3);
    for file in files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let note = camt054::read(&std::fs::read(&file).expect("sample"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let json: Value = serde_json::from_str(
            &std::fs::read_to_string(file.with_extension("json")).expect("JSON twin"),
        )
        .expect("JSON");
        compare_with_genkgo(&note, &json, &name);
    }
}

#[test]
fn genkgo_v4_in_detail() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    let bytes = std::fs::read(dir.join("samples/camt.054/genkgo/camt054.v4.xml")).expect("sample");
    let note = camt054::read(&bytes).expect("reads");
    let entry = &note.entries[0];
    assert_eq!((entry.amount_ore, entry.debit), (20_000_000, true));
    let tx = &entry.details[0];
    assert_eq!(
        (tx.amount_ore, tx.currency.as_deref()),
        (Some(310), Some("CHF"))
    );
    assert_eq!(tx.debit, Some(false));
    // The transaction is marked CRDT, so the other party is its debtor.
    assert_eq!(tx.counterparty.as_deref(), Some("UNIFITS GmbH"));
    assert_eq!(tx.reference.as_deref(), Some("ISR ref number V1"));
}

#[test]
fn postfinance_samples_agree_with_their_xml() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    let files = support::xml_files(&dir.join("samples/camt.054/ch-postfinance-camt.054.001.04"));
    assert_eq!(files.len(), 11);
    if !support::assert_valid_files(&files, "camt.054.001.04") {
        return;
    }
    let mut reversals = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("sample");
        let note =
            camt054::read(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let doc = roxmltree::Document::parse(&text).expect("well-formed");
        let ntries: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("Ntry"))
            .collect();
        assert_eq!(note.entries.len(), ntries.len(), "{}", file.display());
        for (entry, ntry) in note.entries.iter().zip(&ntries) {
            let amt = child(*ntry, "Amt").expect("Amt");
            assert_eq!(entry.amount_ore, ore(amt.text().expect("amount")));
            assert_eq!(Some(entry.currency.as_str()), amt.attribute("Ccy"));
            let indicator = child(*ntry, "CdtDbtInd").and_then(|n| n.text());
            assert_eq!(entry.debit, indicator == Some("DBIT"));
            let txs: Vec<_> = ntry
                .descendants()
                .filter(|n| n.has_tag_name("TxDtls"))
                .collect();
            assert_eq!(entry.details.len(), txs.len());
            for (tx, node) in entry.details.iter().zip(&txs) {
                let e2e = node
                    .descendants()
                    .find(|n| n.has_tag_name("EndToEndId"))
                    .and_then(|n| n.text());
                assert_eq!(tx.end_to_end_id.as_deref(), e2e);
                let amount = child(*node, "Amt").and_then(|n| n.text()).map(ore);
                if amount.is_some() {
                    assert_eq!(tx.amount_ore, amount);
                }
            }
            reversals += usize::from(entry.reversal);
        }
    }
    assert_eq!(reversals, 1);
}

#[test]
fn bad_amounts_name_line_and_path() {
    let good = sample(Camt054::V04);
    let cases = [
        (
            "<Amt Ccy=\"SEK\">7125.5</Amt>",
            "<Amt Ccy=\"SEK\">7125.505</Amt>",
            "BadAmount",
        ),
        (
            "<Amt Ccy=\"SEK\">7125.5</Amt>",
            "<Amt Ccy=\"SEK\">sjutusen</Amt>",
            "BadAmount",
        ),
        (
            "<Amt Ccy=\"SEK\">7125.5</Amt>",
            "<Amt Ccy=\"SEK\">-7125.50</Amt>",
            "BadAmount",
        ),
        (
            "<Amt Ccy=\"SEK\">7125.5</Amt>",
            "<Amt Ccy=\"SEK\">7.1255E3</Amt>",
            "BadAmount",
        ),
        (
            "<Amt Ccy=\"SEK\">7125.5</Amt>",
            "<Amt>7125.50</Amt>",
            "MissingAttribute",
        ),
    ];
    for (from, to, kind) in cases {
        let bad = good.replacen(from, to, 1);
        let error = camt054::read(bad.as_bytes()).expect_err(to);
        assert!(format!("{:?}", error.kind).starts_with(kind), "{error}");
        assert_eq!(
            error.path,
            "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[2]/Amt"
        );
        assert_eq!(error.line, 6);
    }

    let bad = good.replacen(
        "<Amt Ccy=\"SEK\">25575.51</Amt>",
        "<Amt Ccy=\"SEK\">1.001</Amt>",
        1,
    );
    let error = camt054::read(bad.as_bytes()).expect_err("three decimals");
    assert_eq!(
        error.kind,
        ReadErrorKind::BadAmount {
            value: "1.001".into()
        }
    );
    assert_eq!(
        error.path,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/Amt"
    );
    assert_eq!((error.line, error.column), (6, 7));
}

#[test]
fn bad_fields_and_documents() {
    let good = sample(Camt054::V04);
    let bad = good.replacen(
        "<CdtDbtInd>CRDT</CdtDbtInd>",
        "<CdtDbtInd>KRED</CdtDbtInd>",
        1,
    );
    let error = camt054::read(bad.as_bytes()).expect_err("indicator");
    assert_eq!(
        error.kind,
        ReadErrorKind::BadIndicator {
            value: "KRED".into()
        }
    );
    assert_eq!(
        error.path,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[2]/CdtDbtInd"
    );

    let bad = good.replacen("<Dt>2026-12-08</Dt>", "<Dt>2026-13-08</Dt>", 1);
    let error = camt054::read(bad.as_bytes()).expect_err("date");
    assert_eq!(
        error.kind,
        ReadErrorKind::BadDate {
            value: "2026-13-08".into()
        }
    );
    assert!(
        error.path.ends_with("/Ntry[1]/BookgDt/Dt"),
        "{}",
        error.path
    );

    let bad = good.replacen("2026-12-08T23:30:00+01:00", "2026-12-08 23:30", 1);
    let error = camt054::read(bad.as_bytes()).expect_err("date-time");
    assert!(
        matches!(error.kind, ReadErrorKind::BadDate { .. }),
        "{error}"
    );

    let bad = good.replacen("<Sts>PDNG</Sts>", "", 1);
    let error = camt054::read(bad.as_bytes()).expect_err("status");
    assert_eq!(error.kind, ReadErrorKind::Missing);
    assert_eq!(
        error.path,
        "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[2]/Sts"
    );

    let bad = good.replacen("<MsgId>NTF-0001</MsgId>", "", 1);
    let error = camt054::read(bad.as_bytes()).expect_err("MsgId");
    assert_eq!(error.path, "/Document/BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId");

    let error = camt054::read(b"").expect_err("empty input");
    assert!(matches!(error.kind, ReadErrorKind::Xml(_)));
    let error = camt054::read(b"<Document/>").expect_err("no namespace");
    assert!(matches!(
        error.kind,
        ReadErrorKind::UnsupportedDocument { .. }
    ));
    assert_eq!(error.path, "/Document");
}

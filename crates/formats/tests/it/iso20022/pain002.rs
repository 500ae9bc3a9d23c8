//! pain.002: generated reports in every version (accepted, rejected with
//! reasons, group-level rejection), the Swiss samples, and bad input.

use formats::iso20022::ReadErrorKind;
use formats::iso20022::pain002::{self, ReasonCode, Status};

use super::generate::{Pain002, PmtInf, Rsn, Tx, pain002};
use super::support::{self, assert_valid};

const NO_REASONS: &[Rsn<'static>] = &[];

fn accepted(version: Pain002) -> String {
    pain002(
        version,
        Some("ACSP"),
        NO_REASONS,
        &[PmtInf {
            id: "BER-PI-1",
            status: Some("ACSP"),
            reasons: NO_REASONS,
            txs: &[
                Tx {
                    end_to_end_id: "E2E-1",
                    instruction_id: Some("INSTR-1"),
                    status: Some("ACSC"),
                    reasons: NO_REASONS,
                },
                Tx {
                    end_to_end_id: "E2E-2",
                    instruction_id: None,
                    status: None,
                    reasons: NO_REASONS,
                },
            ],
        }],
    )
}

fn rejected(version: Pain002) -> String {
    pain002(
        version,
        Some("PART"),
        NO_REASONS,
        &[
            PmtInf {
                id: "BER-PI-1",
                status: Some("PART"),
                reasons: NO_REASONS,
                txs: &[
                    Tx {
                        end_to_end_id: "E2E-1",
                        instruction_id: Some("INSTR-1"),
                        status: Some("RJCT"),
                        reasons: &[Rsn {
                            code: "AC01",
                            proprietary: false,
                            info: &["Kontonummer felaktigt", "Kontrollera mottagaren"],
                        }],
                    },
                    Tx {
                        end_to_end_id: "E2E-2",
                        instruction_id: Some("INSTR-2"),
                        status: Some("RJCT"),
                        reasons: &[Rsn {
                            code: "AM04",
                            proprietary: false,
                            info: &["Täckning saknas"],
                        }],
                    },
                    Tx {
                        end_to_end_id: "E2E-3",
                        instruction_id: None,
                        status: Some("ACCP"),
                        reasons: NO_REASONS,
                    },
                ],
            },
            PmtInf {
                id: "BER-PI-2",
                status: Some("PDNG"),
                reasons: &[Rsn {
                    code: "B123",
                    proprietary: true,
                    info: &[],
                }],
                txs: &[],
            },
        ],
    )
}

fn group_rejected(version: Pain002) -> String {
    pain002(
        version,
        Some("RJCT"),
        &[Rsn {
            code: "FF01",
            proprietary: false,
            info: &["Ogiltigt filformat"],
        }],
        &[],
    )
}

#[test]
fn generated_reports_are_valid_iso() {
    for version in Pain002::ALL {
        for xml in [
            accepted(version),
            rejected(version),
            group_rejected(version),
        ] {
            if !assert_valid(&xml, version.schema()) {
                return;
            }
        }
    }
}

#[test]
fn reads_accepted_reports() {
    for version in Pain002::ALL {
        let report = pain002::read(accepted(version).as_bytes()).expect("reads");
        assert_eq!(report.message_id, "STS-0001");
        assert_eq!(report.original_message_id, "BER-20261207-0001");
        assert_eq!(report.group_status, Some(Status::Accepted));
        assert_eq!(report.group_status_code.as_deref(), Some("ACSP"));
        assert_eq!(report.batches.len(), 1);
        assert_eq!(report.batches[0].original_payment_info_id, "BER-PI-1");
        assert_eq!(report.batches[0].status, Some(Status::Accepted));
        let [first, second] = report.payments.as_slice() else {
            panic!("two payments expected: {:?}", report.payments);
        };
        assert_eq!(first.original_end_to_end_id, "E2E-1");
        assert_eq!(first.original_instruction_id.as_deref(), Some("INSTR-1"));
        assert_eq!(
            (first.status, first.status_code.as_str()),
            (Status::Accepted, "ACSC")
        );
        // No TxSts: the batch's status applies.
        assert_eq!(second.original_instruction_id, None);
        assert_eq!(
            (second.status, second.status_code.as_str()),
            (Status::Accepted, "ACSP")
        );
        assert!(first.reasons.is_empty() && second.reasons.is_empty());
    }
}

#[test]
fn reads_rejections_with_reasons() {
    for version in Pain002::ALL {
        let report = pain002::read(rejected(version).as_bytes()).expect("reads");
        assert_eq!(report.group_status, Some(Status::PartiallyAccepted));
        assert_eq!(report.payments.len(), 3);
        let first = &report.payments[0];
        assert_eq!(first.status, Status::Rejected);
        assert_eq!(first.reasons.len(), 1);
        assert_eq!(first.reasons[0].code, Some(ReasonCode::Iso("AC01".into())));
        assert_eq!(
            first.reasons[0].additional_info,
            ["Kontonummer felaktigt", "Kontrollera mottagaren"]
        );
        assert_eq!(
            report.payments[1].reasons[0].code,
            Some(ReasonCode::Iso("AM04".into()))
        );
        assert_eq!(report.payments[1].original_payment_info_id, "BER-PI-1");
        assert_eq!(report.payments[2].status, Status::Accepted);
        let pending = &report.batches[1];
        assert_eq!(pending.status, Some(Status::Pending));
        assert_eq!(
            pending.reasons[0].code,
            Some(ReasonCode::Proprietary("B123".into()))
        );
        assert!(pending.reasons[0].additional_info.is_empty());
    }
}

#[test]
fn reads_group_level_rejection() {
    for version in Pain002::ALL {
        let report = pain002::read(group_rejected(version).as_bytes()).expect("reads");
        assert_eq!(report.group_status, Some(Status::Rejected));
        assert_eq!(report.group_status_code.as_deref(), Some("RJCT"));
        assert_eq!(report.group_reasons.len(), 1);
        assert_eq!(
            report.group_reasons[0].code,
            Some(ReasonCode::Iso("FF01".into()))
        );
        assert!(report.batches.is_empty() && report.payments.is_empty());
    }
}

#[test]
fn every_iso_status_code_has_a_meaning() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    for set in [
        "external_payment_transaction_status_code.json",
        "external_payment_group_status_code.json",
    ] {
        let text = std::fs::read_to_string(dir.join("codesets").join(set)).expect("code set");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let codes = json["codes"].as_object().expect("codes");
        assert!(codes.len() > 10);
        for code in codes.keys() {
            assert!(Status::from_code(code).is_some(), "{set}: {code}");
        }
    }
    assert_eq!(Status::from_code("ZZZZ"), None);
    let text = std::fs::read_to_string(dir.join("codesets/external_status_reason_code.json"))
        .expect("reason codes");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for code in [
        "AC01", "AC04", "AM04", "AM05", "FF01", "NARR", "DUPL", "MS03",
    ] {
        assert!(json["codes"].get(code).is_some(), "reason code {code}");
    }
}

/// The Swiss SIX samples are pain.002.001.03 in SIX's own namespace: they
/// are refused as they are, and read once put in ISO's namespace (where
/// they also pass ISO's schema).
#[test]
fn swiss_samples() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    let files = support::xml_files(&dir.join("samples/pain.002/ch-six-pain.002.001.03.ch.02"));
    assert_eq!(files.len(), 5);
    for file in files {
        let bytes = std::fs::read(&file).expect("sample");
        let error = pain002::read(&bytes).expect_err("SIX namespace is refused");
        assert!(
            matches!(&error.kind, ReadErrorKind::UnsupportedDocument { namespace, .. }
                if namespace.contains("six-interbank-clearing")),
            "{error}"
        );
        assert_eq!((error.line, error.path.as_str()), (2, "/Document"));

        let text = String::from_utf8(bytes).expect("UTF-8");
        let iso = text.replace(
            "http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd",
            "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
        );
        assert_valid(&iso, "pain.002.001.03");
        let report =
            pain002::read(iso.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let doc = roxmltree::Document::parse(&iso).expect("well-formed");
        let count = |name: &str| doc.descendants().filter(|n| n.has_tag_name(name)).count();
        assert_eq!(
            report.payments.len(),
            count("TxInfAndSts"),
            "{}",
            file.display()
        );
        assert_eq!(report.batches.len(), count("OrgnlPmtInfAndSts"));
        let reasons: usize = report.group_reasons.len()
            + report
                .batches
                .iter()
                .map(|b| b.reasons.len())
                .sum::<usize>()
            + report
                .payments
                .iter()
                .map(|p| p.reasons.len())
                .sum::<usize>();
        assert_eq!(reasons, count("StsRsnInf"));
        assert_eq!(
            support::texts(&doc, "CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId"),
            std::slice::from_ref(&report.original_message_id)
        );
    }
}

#[test]
fn the_swiss_rejection_in_detail() {
    let Some(dir) = support::iso_dir() else {
        return;
    };
    let path = dir.join(
        "samples/pain.002/ch-six-pain.002.001.03.ch.02/\
         pain002-epo_p_ch2909000000250094239_1109800799_0_2018032612092784.xml",
    );
    let text = std::fs::read_to_string(path).expect("sample").replace(
        "http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd",
        "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
    );
    let report = pain002::read(text.as_bytes()).expect("reads");
    assert_eq!(report.original_message_id, "MsgId-006");
    assert_eq!(report.group_status, None);
    assert_eq!(report.batches[0].status, Some(Status::Rejected));
    assert_eq!(
        report.batches[0].reasons[0].code,
        Some(ReasonCode::Iso("NARR".into()))
    );
    let payment = &report.payments[0];
    assert_eq!(payment.original_end_to_end_id, "EndToEndId-006-01-01");
    assert_eq!(payment.status, Status::Rejected);
    assert_eq!(
        payment.reasons[0].code,
        Some(ReasonCode::Iso("AC01".into()))
    );
    assert_eq!(
        payment.reasons[0].additional_info,
        ["1301813;Konto ungültig"]
    );
}

#[test]
fn bad_input_names_line_and_path() {
    let good = rejected(Pain002::V10);

    let unknown = good.replacen("<TxSts>RJCT</TxSts>", "<TxSts>NOPE</TxSts>", 1);
    let error = pain002::read(unknown.as_bytes()).expect_err("unknown status");
    assert_eq!(
        error.kind,
        ReadErrorKind::UnknownStatus {
            code: "NOPE".into()
        }
    );
    assert_eq!(
        error.path,
        "/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[1]/TxSts"
    );
    assert_eq!(error.line, 7);

    let second = good.replacen("<OrgnlEndToEndId>E2E-2</OrgnlEndToEndId>", "", 1);
    let error = pain002::read(second.as_bytes()).expect_err("missing id");
    assert_eq!(error.kind, ReadErrorKind::Missing);
    assert_eq!(
        error.path,
        "/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[2]/OrgnlEndToEndId"
    );
    assert_eq!(error.line, 8);

    let no_status = accepted(Pain002::V11)
        .replace("<GrpSts>ACSP</GrpSts>", "")
        .replace("<PmtInfSts>ACSP</PmtInfSts>", "");
    let error = pain002::read(no_status.as_bytes()).expect_err("no status at all");
    assert_eq!(error.kind, ReadErrorKind::NoStatus);
    assert!(
        error.path.ends_with("/TxInfAndSts[2]/TxSts"),
        "{}",
        error.path
    );

    let empty_id = good.replace("<MsgId>STS-0001</MsgId>", "<MsgId>  </MsgId>");
    let error = pain002::read(empty_id.as_bytes()).expect_err("empty MsgId");
    assert_eq!(
        (error.kind, error.path.as_str()),
        (
            ReadErrorKind::Empty,
            "/Document/CstmrPmtStsRpt/GrpHdr/MsgId"
        )
    );
    assert_eq!((error.line, error.column), (4, 9));

    let truncated = &good.as_bytes()[..good.len() / 2];
    let error = pain002::read(truncated).expect_err("truncated");
    assert!(matches!(error.kind, ReadErrorKind::Xml(_)), "{error}");
    assert!(error.line >= 1);

    let mut latin1 = good.clone().into_bytes();
    let at = latin1
        .windows(2)
        .position(|w| w == "ä".as_bytes())
        .expect("ä");
    latin1.splice(at..at + 2, [0xE4]);
    let error = pain002::read(&latin1).expect_err("not UTF-8");
    assert_eq!(error.kind, ReadErrorKind::NotUtf8);
    assert_eq!(error.line, 8);

    let camt = good.replace("pain.002.001.10", "camt.054.001.04");
    let error = pain002::read(camt.as_bytes()).expect_err("other message");
    assert!(matches!(
        error.kind,
        ReadErrorKind::UnsupportedDocument { .. }
    ));

    let dtd = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]>{}",
        good.split_once("?>").expect("declaration").1
    );
    let error = pain002::read(dtd.as_bytes()).expect_err("DTD refused");
    assert!(matches!(error.kind, ReadErrorKind::Xml(_)), "{error}");

    let with_bom = [b"\xEF\xBB\xBF".as_slice(), good.as_bytes()].concat();
    assert!(pain002::read(&with_bom).is_ok());
}

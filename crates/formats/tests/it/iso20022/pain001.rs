//! pain.001: written files against ISO's schemas, the Swedish layout
//! element by element, the shared samples, and refused inputs.

use formats::iso20022::pain001::{
    self, Batch, Conventions, CreditorAccount, DebtorAccount, Field, GiroAgent, Initiation,
    Location, OrgIdScheme, Party, Payment, Reference, Version, WriteError, WriteErrorKind,
};
use jiff::civil::{Date, DateTime};

use super::generate::{self, initiation};
use super::support::{self, assert_valid, assert_valid_files, texts};

const VERSIONS: [(Version, &str); 2] = [
    (Version::V03, "pain.001.001.03"),
    (Version::V09, "pain.001.001.09"),
];

fn all_conventions() -> Vec<Conventions> {
    let mut all = Vec::new();
    for giro_agent in [GiroAgent::ClearingMember, GiroAgent::Bic] {
        for org_id_scheme in [OrgIdScheme::Orgnr, OrgIdScheme::Bank, OrgIdScheme::Customer] {
            all.push(Conventions {
                giro_agent,
                org_id_scheme,
            });
        }
    }
    all
}

#[test]
fn written_files_validate_against_the_iso_schemas() {
    let init = initiation();
    for (version, schema) in VERSIONS {
        for conventions in all_conventions() {
            let xml = pain001::write_with(&init, version, conventions).expect("writes");
            if !assert_valid(&xml, schema) {
                return;
            }
        }
    }
}

#[test]
fn single_payment_files_of_every_kind_validate() {
    let init = initiation();
    for (version, schema) in VERSIONS {
        let mut files = Vec::new();
        for batch in &init.batches {
            for payment in &batch.payments {
                let single = Initiation {
                    batches: vec![Batch {
                        payments: vec![payment.clone()],
                        ..batch.clone()
                    }],
                    ..init.clone()
                };
                let xml = pain001::write(&single, version).expect("writes");
                files.push(support::TempFile::new(&xml));
            }
        }
        let paths: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
        if !assert_valid_files(&paths, schema) {
            return;
        }
    }
}

#[test]
fn totals_are_exact_in_group_header_and_batches() {
    let init = initiation();
    for (version, _) in VERSIONS {
        let xml = pain001::write(&init, version).expect("writes");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        assert_eq!(texts(&doc, "CstmrCdtTrfInitn/GrpHdr/NbOfTxs"), ["7"]);
        assert_eq!(
            texts(&doc, "CstmrCdtTrfInitn/GrpHdr/CtrlSum"),
            ["1025931.00"]
        );
        assert_eq!(
            texts(&doc, "CstmrCdtTrfInitn/PmtInf/NbOfTxs"),
            ["3", "3", "1"]
        );
        assert_eq!(
            texts(&doc, "CstmrCdtTrfInitn/PmtInf/CtrlSum"),
            ["25575.51", "1000350.49", "5.00"]
        );
        assert_eq!(
            texts(&doc, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt"),
            [
                "18450.00",
                "7125.50",
                "0.01",
                "999999.99",
                "100.00",
                "250.50",
                "5.00"
            ]
        );
    }
}

/// The elements the Swedish banks look at, for the payment at `index`
/// of the written file, as `path=value` lines below `CdtTrfTxInf`.
fn payment_elements(xml: &str, index: usize) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed");
    let tx = doc
        .descendants()
        .filter(|n| n.has_tag_name("CdtTrfTxInf"))
        .nth(index)
        .expect("payment present");
    let mut out = Vec::new();
    for node in tx.descendants().filter(|n| n.is_element()) {
        let text = node.text().unwrap_or("").trim();
        if node.children().any(|c| c.is_element()) || text.is_empty() {
            continue;
        }
        let path: Vec<&str> = node
            .ancestors()
            .take_while(|a| *a != tx)
            .map(|a| a.tag_name().name())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        out.push(format!("{}={text}", path.join("/")));
    }
    out
}

#[test]
fn swedish_layout_of_each_payee_kind() {
    let init = initiation();
    let v09 = pain001::write(&init, Version::V09).expect("writes");
    let v03_bic = pain001::write_with(
        &init,
        Version::V03,
        Conventions {
            giro_agent: GiroAgent::Bic,
            org_id_scheme: OrgIdScheme::Bank,
        },
    )
    .expect("writes");
    let bankgiro = payment_elements(&v09, 0);
    assert_eq!(
        bankgiro,
        [
            "PmtId/InstrId=INSTR-1",
            "PmtId/EndToEndId=E2E-1",
            "Amt/InstdAmt=18450.00",
            "CdtrAgt/FinInstnId/ClrSysMmbId/ClrSysId/Cd=SESBA",
            "CdtrAgt/FinInstnId/ClrSysMmbId/MmbId=9900",
            "Cdtr/Nm=Leverantör 1 & Söner <AB>",
            "CdtrAcct/Id/Othr/Id=50501055",
            "CdtrAcct/Id/Othr/SchmeNm/Prtry=BGNR",
            "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Cd=SCOR",
            "RmtInf/Strd/CdtrRefInf/Ref=20260911000000316",
        ]
    );
    let plusgiro = payment_elements(&v09, 1);
    assert!(plusgiro.contains(&"CdtrAgt/FinInstnId/ClrSysMmbId/MmbId=9960".to_owned()));
    assert!(plusgiro.contains(&"CdtrAcct/Id/Othr/SchmeNm/Prtry=PGNR".to_owned()));
    assert!(plusgiro.contains(&"RmtInf/Ustrd=Faktura 2026-0512 \"VA\" 'reparation'".to_owned()));
    let plusgiro_bic = payment_elements(&v03_bic, 1);
    assert!(plusgiro_bic.contains(&"CdtrAgt/FinInstnId/BIC=NDEASESS".to_owned()));
    assert!(payment_elements(&v03_bic, 0).contains(&"CdtrAgt/FinInstnId/BIC=BGABSESS".to_owned()));
    let iban = payment_elements(&v09, 2);
    assert!(iban.contains(&"CdtrAgt/FinInstnId/BICFI=SWEDSESS".to_owned()));
    assert!(iban.iter().any(|l| l.starts_with("CdtrAcct/Id/IBAN=SE")));
    let iban_no_bic = payment_elements(&v09, 3);
    assert!(!iban_no_bic.iter().any(|l| l.starts_with("CdtrAgt")));
    let domestic = payment_elements(&v09, 5);
    assert!(domestic.contains(&"CdtrAgt/FinInstnId/ClrSysMmbId/MmbId=8214".to_owned()));
    assert!(domestic.contains(&"CdtrAcct/Id/Othr/Id=82149933843222".to_owned()));
    assert!(domestic.contains(&"CdtrAcct/Id/Othr/SchmeNm/Cd=BBAN".to_owned()));

    let doc = roxmltree::Document::parse(&v09).expect("well-formed");
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/GrpHdr/CreDtTm"),
        ["2026-12-07T08:30:15"]
    );
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt/Dt"),
        ["2026-12-08", "2026-12-09", "2027-01-04"]
    );
    assert_eq!(
        texts(
            &doc,
            "CstmrCdtTrfInitn/GrpHdr/InitgPty/Id/OrgId/Othr/SchmeNm/Prtry"
        ),
        ["ORGNR"]
    );
    assert_eq!(
        texts(
            &doc,
            "CstmrCdtTrfInitn/PmtInf/DbtrAcct/Id/Othr/SchmeNm/Prtry"
        ),
        ["BGNR"]
    );
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/PmtInf/PmtTpInf/SvcLvl/Cd"),
        ["NURG", "NURG", "NURG"]
    );
    let doc = roxmltree::Document::parse(&v03_bic).expect("well-formed");
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt"),
        ["2026-12-08", "2026-12-09", "2027-01-04"]
    );
    assert_eq!(
        texts(
            &doc,
            "CstmrCdtTrfInitn/GrpHdr/InitgPty/Id/OrgId/Othr/SchmeNm/Cd"
        ),
        ["BANK"]
    );
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/PmtInf/DbtrAgt/FinInstnId/BIC"),
        ["ESSESESS", "ESSESESS", "BGABSESS"]
    );
}

#[test]
fn shared_swedish_samples_validate_against_the_shared_schemas() {
    let Some(dir) = support::pain001_dir() else {
        return;
    };
    for (_, schema) in VERSIONS {
        let files: Vec<_> = support::xml_files(&dir)
            .into_iter()
            .filter(|f| f.to_string_lossy().ends_with(&format!("{schema}.xml")))
            .collect();
        assert!(files.len() >= 4, "samples for {schema}: {files:?}");
        if !assert_valid_files(&files, schema) {
            return;
        }
    }
    let Some(iso) = support::iso_dir() else {
        return;
    };
    let generic = iso.join("samples/pain.001/generic");
    for (_, schema) in VERSIONS {
        let file = generic.join(format!("pain001-lib-{schema}.xml"));
        assert_valid_files(&[file], schema);
    }
}

/// The initiation a shared Swedish supplier sample describes, read from
/// its XML (names, ids, amounts, accounts and references; addresses are
/// not part of the model).
fn initiation_of_sample(xml: &str) -> Initiation {
    let doc = roxmltree::Document::parse(xml).expect("well-formed");
    let root = doc.root_element();
    let child = |node: roxmltree::Node<'_, '_>, path: &str| -> Option<String> {
        let mut node = node;
        for name in path.split('/') {
            node = node.children().find(|c| c.has_tag_name(name))?;
        }
        Some(node.text().unwrap_or("").trim().to_owned())
    };
    let msg = root.first_element_child().expect("CstmrCdtTrfInitn");
    let party = |node: roxmltree::Node<'_, '_>, name: &str| Party {
        name: child(node, &format!("{name}/Nm")).expect("name"),
        org_number: child(node, &format!("{name}/Id/OrgId/Othr/Id")),
    };
    let group = msg
        .children()
        .find(|c| c.has_tag_name("GrpHdr"))
        .expect("GrpHdr");
    let batches = msg
        .children()
        .filter(|c| c.has_tag_name("PmtInf"))
        .map(|pmt| {
            let date = child(pmt, "ReqdExctnDt/Dt")
                .or_else(|| child(pmt, "ReqdExctnDt"))
                .expect("date");
            let bic = child(pmt, "DbtrAgt/FinInstnId/BICFI")
                .or_else(|| child(pmt, "DbtrAgt/FinInstnId/BIC"))
                .expect("debtor BIC");
            let payments = pmt
                .children()
                .filter(|c| c.has_tag_name("CdtTrfTxInf"))
                .map(|tx| {
                    let number = child(tx, "CdtrAcct/Id/Othr/Id").expect("giro number");
                    let creditor = match child(tx, "CdtrAcct/Id/Othr/SchmeNm/Prtry").as_deref() {
                        Some("BGNR") => CreditorAccount::Bankgiro(number),
                        Some("PGNR") => CreditorAccount::Plusgiro(number),
                        other => panic!("unexpected scheme {other:?}"),
                    };
                    let reference = match child(tx, "RmtInf/Strd/CdtrRefInf/Ref") {
                        Some(ocr) => Reference::Ocr(ocr),
                        None => Reference::Free(child(tx, "RmtInf/Ustrd").expect("Ustrd")),
                    };
                    let e2e = child(tx, "PmtId/EndToEndId").expect("EndToEndId");
                    Payment {
                        instruction_id: e2e.clone(),
                        end_to_end_id: e2e,
                        amount_ore: support::ore(&child(tx, "Amt/InstdAmt").expect("amount")),
                        creditor_name: child(tx, "Cdtr/Nm").expect("creditor"),
                        creditor,
                        reference,
                    }
                })
                .collect();
            Batch {
                payment_info_id: child(pmt, "PmtInfId").expect("PmtInfId"),
                execution_date: date.parse::<Date>().expect("date"),
                debtor: party(pmt, "Dbtr"),
                debtor_account: DebtorAccount::Iban {
                    iban: child(pmt, "DbtrAcct/Id/IBAN").expect("IBAN"),
                    bic,
                },
                payments,
            }
        })
        .collect();
    Initiation {
        message_id: child(group, "MsgId").expect("MsgId"),
        created: child(group, "CreDtTm")
            .expect("CreDtTm")
            .parse::<DateTime>()
            .expect("date-time"),
        initiator: party(group, "InitgPty"),
        batches,
    }
}

/// Element paths a bank acts on; both files must have the same values.
const SIGNIFICANT: &[&str] = &[
    "GrpHdr/MsgId",
    "GrpHdr/CreDtTm",
    "GrpHdr/NbOfTxs",
    "GrpHdr/CtrlSum",
    "GrpHdr/InitgPty/Nm",
    "PmtInf/PmtInfId",
    "PmtInf/PmtMtd",
    "PmtInf/BtchBookg",
    "PmtInf/NbOfTxs",
    "PmtInf/CtrlSum",
    "PmtInf/PmtTpInf/SvcLvl/Cd",
    "PmtInf/ReqdExctnDt",
    "PmtInf/ReqdExctnDt/Dt",
    "PmtInf/Dbtr/Nm",
    "PmtInf/Dbtr/Id/OrgId/Othr/Id",
    "PmtInf/Dbtr/Id/OrgId/Othr/SchmeNm/Prtry",
    "PmtInf/DbtrAcct/Id/IBAN",
    "PmtInf/DbtrAcct/Ccy",
    "PmtInf/DbtrAgt/FinInstnId/BIC",
    "PmtInf/DbtrAgt/FinInstnId/BICFI",
    "PmtInf/ChrgBr",
    "PmtInf/CdtTrfTxInf/PmtId/EndToEndId",
    "PmtInf/CdtTrfTxInf/Amt/InstdAmt",
    "PmtInf/CdtTrfTxInf/CdtrAgt/FinInstnId/BIC",
    "PmtInf/CdtTrfTxInf/CdtrAgt/FinInstnId/BICFI",
    "PmtInf/CdtTrfTxInf/Cdtr/Nm",
    "PmtInf/CdtTrfTxInf/CdtrAcct/Id/Othr/Id",
    "PmtInf/CdtTrfTxInf/CdtrAcct/Id/Othr/SchmeNm/Prtry",
    "PmtInf/CdtTrfTxInf/RmtInf/Ustrd",
    "PmtInf/CdtTrfTxInf/RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Cd",
    "PmtInf/CdtTrfTxInf/RmtInf/Strd/CdtrRefInf/Ref",
];

#[test]
fn writing_a_shared_sample_again_gives_the_same_significant_elements() {
    let Some(dir) = support::pain001_dir() else {
        return;
    };
    let conventions = Conventions {
        giro_agent: GiroAgent::Bic,
        org_id_scheme: OrgIdScheme::Orgnr,
    };
    for name in ["se.bankgiro.supplier", "se.plusgiro.supplier"] {
        for (version, schema) in VERSIONS {
            let path = dir.join(format!("{name}.{schema}.xml"));
            let sample = std::fs::read_to_string(&path).expect("reading the sample");
            let init = initiation_of_sample(&sample);
            let ours = pain001::write_with(&init, version, conventions).expect("writes");
            let sample_doc = roxmltree::Document::parse(&sample).expect("well-formed");
            let ours_doc = roxmltree::Document::parse(&ours).expect("well-formed");
            assert_eq!(
                ours_doc.root_element().tag_name().namespace(),
                sample_doc.root_element().tag_name().namespace()
            );
            for element in SIGNIFICANT {
                let path = format!("CstmrCdtTrfInitn/{element}");
                assert_eq!(
                    texts(&ours_doc, &path),
                    texts(&sample_doc, &path),
                    "{name} {schema}: {element}"
                );
            }
            assert!(assert_valid(&ours, schema) || !support::have_xmllint());
        }
    }
}

#[track_caller]
fn write_err(init: &Initiation) -> WriteError {
    match pain001::write(init, Version::V09) {
        Ok(_) => panic!("expected a write error"),
        Err(error) => error,
    }
}

fn at_payment(batch: usize, payment: usize, id: &str) -> Location {
    Location::Payment {
        batch,
        payment,
        end_to_end_id: id.into(),
    }
}

#[test]
fn refused_amounts_and_texts_name_the_payment_and_field() {
    let with_payment = payment_error;
    let cases: Vec<(WriteError, Field, WriteErrorKind)> = vec![
        (
            with_payment(&|p| p.amount_ore = 0),
            Field::Amount,
            WriteErrorKind::NotPositive,
        ),
        (
            with_payment(&|p| p.amount_ore = -100),
            Field::Amount,
            WriteErrorKind::NotPositive,
        ),
        (
            with_payment(&|p| p.amount_ore = 1_000_000_000_000_000_000),
            Field::Amount,
            WriteErrorKind::TooLarge,
        ),
        (
            with_payment(&|p| p.instruction_id = "x".repeat(36)),
            Field::InstructionId,
            WriteErrorKind::TooLong {
                length: 36,
                max: 35,
            },
        ),
        (
            with_payment(&|p| p.creditor_name = "å".repeat(141)),
            Field::CreditorName,
            WriteErrorKind::TooLong {
                length: 141,
                max: 140,
            },
        ),
        (
            with_payment(&|p| p.creditor_name = "Rad ett\nRad två".into()),
            Field::CreditorName,
            WriteErrorKind::BadCharacter { index: 7 },
        ),
        (
            with_payment(&|p| p.creditor_name.clear()),
            Field::CreditorName,
            WriteErrorKind::Empty,
        ),
    ];
    assert_cases(cases);
    let error = with_payment(&|p| p.amount_ore = 0);
    assert_eq!(error.at, at_payment(1, 1, "E2E-5"));
    assert_eq!(
        error.to_string(),
        "batch 1 payment 1 (\"E2E-5\"): amount_ore: amount not positive"
    );
}

/// Writes `base` with its sixth payment edited; the error must be there.
fn payment_error(edit: &dyn Fn(&mut Payment)) -> WriteError {
    let mut init = initiation();
    edit(&mut init.batches[1].payments[1]);
    write_err(&init)
}

#[track_caller]
fn assert_cases(cases: Vec<(WriteError, Field, WriteErrorKind)>) {
    for (error, field, kind) in cases {
        assert_eq!(error.field, field, "{error}");
        assert_eq!(error.kind, kind, "{error}");
        let Location::Payment { batch, payment, .. } = &error.at else {
            panic!("not located at a payment: {error}");
        };
        assert_eq!((*batch, *payment), (1, 1), "{error}");
    }
}

#[test]
fn refused_accounts_and_references_name_the_payment_and_field() {
    let with_payment = payment_error;
    let cases: Vec<(WriteError, Field, WriteErrorKind)> = vec![
        (
            with_payment(&|p| p.reference = Reference::Ocr("12345678".into())),
            Field::Reference,
            WriteErrorKind::CheckDigit,
        ),
        (
            with_payment(&|p| p.reference = Reference::Ocr("1234-5".into())),
            Field::Reference,
            WriteErrorKind::NotDigits,
        ),
        (
            with_payment(&|p| p.reference = Reference::Free("x".repeat(141))),
            Field::Reference,
            WriteErrorKind::TooLong {
                length: 141,
                max: 140,
            },
        ),
        (
            with_payment(&|p| p.creditor = CreditorAccount::Bankgiro("50501056".into())),
            Field::CreditorAccount,
            WriteErrorKind::CheckDigit,
        ),
        (
            with_payment(&|p| p.creditor = CreditorAccount::Plusgiro("1".into())),
            Field::CreditorAccount,
            WriteErrorKind::DigitCount {
                length: 1,
                min: 2,
                max: 8,
            },
        ),
        (
            with_payment(&|p| {
                p.creditor = CreditorAccount::Iban {
                    iban: "SE4550000000058398257467".into(),
                    bic: None,
                }
            }),
            Field::CreditorAccount,
            WriteErrorKind::BadIban,
        ),
        (
            with_payment(&|p| {
                p.creditor = CreditorAccount::Iban {
                    iban: generate::se_iban("50000000058398257466"),
                    bic: Some("NDEA SESS".into()),
                }
            }),
            Field::CreditorBic,
            WriteErrorKind::BadBic,
        ),
        (
            with_payment(&|p| {
                p.creditor = CreditorAccount::Domestic {
                    clearing: "330".into(),
                    account: "7805051234".into(),
                }
            }),
            Field::CreditorClearing,
            WriteErrorKind::DigitCount {
                length: 3,
                min: 4,
                max: 5,
            },
        ),
        (
            with_payment(&|p| p.end_to_end_id = "E2E-1".into()),
            Field::EndToEndId,
            WriteErrorKind::Duplicate,
        ),
    ];
    assert_cases(cases);
}

#[test]
fn refused_messages_and_batches() {
    let base = initiation();
    let mut init = base.clone();
    init.batches.clear();
    let error = write_err(&init);
    assert_eq!(
        (error.at, error.field, error.kind),
        (Location::Message, Field::Batches, WriteErrorKind::Empty)
    );

    let mut init = base.clone();
    init.batches[2].payments.clear();
    let error = write_err(&init);
    assert_eq!(
        (error.at, error.field, error.kind),
        (
            Location::Batch {
                batch: 2,
                payment_info_id: "BER-PI-3".into()
            },
            Field::Payments,
            WriteErrorKind::Empty
        )
    );

    let mut init = base.clone();
    init.message_id = "M".repeat(36);
    assert_eq!(write_err(&init).field, Field::MessageId);

    let mut init = base.clone();
    init.initiator.org_number = Some("556000-0001".into());
    assert_eq!(
        (write_err(&init).field, write_err(&init).kind),
        (Field::InitiatorOrgNumber, WriteErrorKind::NotDigits)
    );

    let mut init = base.clone();
    init.batches[1].payment_info_id = "BER-PI-1".into();
    let error = write_err(&init);
    assert_eq!(
        (error.field, error.kind),
        (Field::PaymentInfoId, WriteErrorKind::Duplicate)
    );

    let mut init = base.clone();
    init.batches[2].debtor_account = DebtorAccount::Bankgiro("5050105".into());
    let error = write_err(&init);
    assert_eq!(
        (error.field, error.kind),
        (Field::DebtorAccount, WriteErrorKind::CheckDigit)
    );

    let mut init = base.clone();
    init.batches[0].debtor_account = DebtorAccount::Iban {
        iban: generate::se_iban("50000000058398257466"),
        bic: "ESSESES".into(),
    };
    assert_eq!(write_err(&init).field, Field::DebtorBic);

    // Each amount fits, their sum does not.
    let mut init = base;
    let big = 600_000_000_000_000_000;
    let extra = Payment {
        end_to_end_id: "E2E-8".into(),
        amount_ore: big,
        ..init.batches[2].payments[0].clone()
    };
    init.batches[2].payments.push(extra);
    init.batches[2].payments[0].amount_ore = big;
    let error = write_err(&init);
    assert_eq!(
        (error.field, error.kind.clone()),
        (Field::Amount, WriteErrorKind::TooLarge)
    );
    assert_eq!(error.at, at_payment(2, 1, "E2E-8"));
}

#[test]
fn dates_are_written_with_four_digit_years() {
    let mut init = initiation();
    init.created = DateTime::constant(987, 1, 2, 3, 4, 5, 0);
    init.batches[0].execution_date = Date::constant(1, 2, 3);
    let xml = pain001::write(&init, Version::V09).expect("writes");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/GrpHdr/CreDtTm"),
        ["0987-01-02T03:04:05"]
    );
    assert_eq!(
        texts(&doc, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt/Dt")[0],
        "0001-02-03"
    );
    init.batches[1].execution_date = Date::constant(0, 12, 31);
    let error = write_err(&init);
    assert_eq!(
        (error.field, error.kind),
        (Field::ExecutionDate, WriteErrorKind::YearOutOfRange)
    );
}

#[test]
fn version_specific_bic_rules() {
    // Valid in .09 (BICFIDec2014), not in .03 (BIC with letters only first).
    let mut init = initiation();
    init.batches[0].debtor_account = DebtorAccount::Iban {
        iban: generate::se_iban("50000000058398257466"),
        bic: "1234SESS".into(),
    };
    let xml = pain001::write(&init, Version::V09).expect("valid for .09");
    assert_valid(&xml, "pain.001.001.09");
    let error = pain001::write(&init, Version::V03).expect_err("invalid for .03");
    assert_eq!(
        (error.field, error.kind),
        (Field::DebtorBic, WriteErrorKind::BadBic)
    );
}

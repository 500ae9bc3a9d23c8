//! Inputs made by the tests: pain.001 initiations, and pain.002 and camt.054
//! files in the shapes banks send, so the readers are tested without the
//! shared samples too.

use formats::bgmax::ocr;
use formats::iso20022::pain001::{
    Batch, CreditorAccount, DebtorAccount, Initiation, Party, Payment, Reference,
};
use jiff::civil::{date, datetime};

/// `base` with its Luhn check digit: a valid bankgiro, plusgiro or OCR
/// number.
pub fn luhn(base: &str) -> String {
    ocr::with_check_digit(base).expect("1-24 digits")
}

/// A Swedish IBAN for a 20-digit BBAN, with correct check digits.
pub fn se_iban(bban: &str) -> String {
    assert_eq!(bban.len(), 20);
    let rearranged = format!("{bban}281400"); // "SE00": S=28, E=14
    let remainder = rearranged
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    format!("SE{:02}{bban}", 98 - remainder)
}

pub fn payment(
    id: &str,
    amount_ore: i64,
    creditor: CreditorAccount,
    reference: Reference,
) -> Payment {
    Payment {
        end_to_end_id: format!("E2E-{id}"),
        instruction_id: format!("INSTR-{id}"),
        amount_ore,
        creditor_name: format!("Leverantör {id} & Söner <AB>"),
        creditor,
        reference,
    }
}

pub fn municipality() -> Party {
    Party {
        name: "Beredskap Kommunala Verk AB".into(),
        org_number: Some("5560000001".into()),
    }
}

/// Three batches covering every kind of payee and reference: bankgiro with
/// OCR, plusgiro with free text, IBAN with and without BIC, domestic
/// accounts with four- and five-digit clearing numbers; from an IBAN
/// account and from a bankgiro number.
pub fn initiation() -> Initiation {
    let from_iban = DebtorAccount::Iban {
        iban: se_iban("50000000058398257466"),
        bic: "ESSESESS".into(),
    };
    Initiation {
        message_id: "BER-20261207-0001".into(),
        created: datetime(2026, 12, 7, 8, 30, 15, 123_000_000),
        initiator: municipality(),
        batches: vec![
            Batch {
                payment_info_id: "BER-PI-1".into(),
                execution_date: date(2026, 12, 8),
                debtor: municipality(),
                debtor_account: from_iban.clone(),
                payments: vec![
                    payment(
                        "1",
                        1_845_000,
                        CreditorAccount::Bankgiro("50501055".into()),
                        Reference::Ocr("20260911000000316".into()),
                    ),
                    payment(
                        "2",
                        712_550,
                        CreditorAccount::Plusgiro("123455".into()),
                        Reference::Free("Faktura 2026-0512 \"VA\" 'reparation'".into()),
                    ),
                    payment(
                        "3",
                        1,
                        CreditorAccount::Iban {
                            iban: se_iban("80000832790000012345"),
                            bic: Some("SWEDSESS".into()),
                        },
                        Reference::Free("Avgift".into()),
                    ),
                ],
            },
            Batch {
                payment_info_id: "BER-PI-2".into(),
                execution_date: date(2026, 12, 9),
                debtor: Party {
                    name: "Beredskap VA".into(),
                    org_number: None,
                },
                debtor_account: from_iban,
                payments: vec![
                    payment(
                        "4",
                        99_999_999,
                        CreditorAccount::Iban {
                            iban: "GB82WEST12345698765432".into(),
                            bic: None,
                        },
                        Reference::Ocr(luhn("1234567")),
                    ),
                    payment(
                        "5",
                        10_000,
                        CreditorAccount::Domestic {
                            clearing: "3300".into(),
                            account: "7805051234".into(),
                        },
                        Reference::Free("Hyra januari".into()),
                    ),
                    payment(
                        "6",
                        25_050,
                        CreditorAccount::Domestic {
                            clearing: "82149".into(),
                            account: "933843222".into(),
                        },
                        Reference::Ocr(luhn("55501")),
                    ),
                ],
            },
            Batch {
                payment_info_id: "BER-PI-3".into(),
                execution_date: date(2027, 1, 4),
                debtor: municipality(),
                debtor_account: DebtorAccount::Bankgiro("50501055".into()),
                payments: vec![payment(
                    "7",
                    500,
                    CreditorAccount::Bankgiro(luhn("999123")),
                    Reference::Free("Slamtömning".into()),
                )],
            },
        ],
    }
}

/// Which pain.002 version to make.
#[derive(Clone, Copy, Debug)]
pub enum Pain002 {
    V03,
    V10,
    V11,
}

impl Pain002 {
    pub const ALL: [Pain002; 3] = [Pain002::V03, Pain002::V10, Pain002::V11];

    pub fn schema(self) -> &'static str {
        match self {
            Pain002::V03 => "pain.002.001.03",
            Pain002::V10 => "pain.002.001.10",
            Pain002::V11 => "pain.002.001.11",
        }
    }
}

/// A status reason: `Cd` (or `Prtry` when `proprietary`) and text lines.
pub struct Rsn<'a> {
    pub code: &'a str,
    pub proprietary: bool,
    pub info: &'a [&'a str],
}

pub struct Tx<'a> {
    pub end_to_end_id: &'a str,
    pub instruction_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub reasons: &'a [Rsn<'a>],
}

pub struct PmtInf<'a> {
    pub id: &'a str,
    pub status: Option<&'a str>,
    pub reasons: &'a [Rsn<'a>],
    pub txs: &'a [Tx<'a>],
}

fn reasons_xml(reasons: &[Rsn<'_>]) -> String {
    let mut out = String::new();
    for reason in reasons {
        let kind = if reason.proprietary { "Prtry" } else { "Cd" };
        out += &format!(
            "<StsRsnInf><Orgtr><Nm>Banken</Nm></Orgtr><Rsn><{kind}>{}</{kind}></Rsn>",
            reason.code
        );
        for line in reason.info {
            out += &format!("<AddtlInf>{line}</AddtlInf>");
        }
        out += "</StsRsnInf>";
    }
    out
}

/// A pain.002 answering message `BER-20261207-0001`.
pub fn pain002(
    version: Pain002,
    group_status: Option<&str>,
    group_reasons: &[Rsn<'_>],
    batches: &[PmtInf<'_>],
) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\">\n<CstmrPmtStsRpt>\n\
         <GrpHdr><MsgId>STS-0001</MsgId><CreDtTm>2026-12-07T09:01:02</CreDtTm>\
         <InitgPty><Nm>Banken</Nm></InitgPty></GrpHdr>\n\
         <OrgnlGrpInfAndSts><OrgnlMsgId>BER-20261207-0001</OrgnlMsgId>\
         <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><OrgnlNbOfTxs>7</OrgnlNbOfTxs>",
        version.schema()
    );
    if let Some(status) = group_status {
        out += &format!("<GrpSts>{status}</GrpSts>");
    }
    out += &reasons_xml(group_reasons);
    out += "</OrgnlGrpInfAndSts>\n";
    for batch in batches {
        out += &format!(
            "<OrgnlPmtInfAndSts><OrgnlPmtInfId>{}</OrgnlPmtInfId>",
            batch.id
        );
        if let Some(status) = batch.status {
            out += &format!("<PmtInfSts>{status}</PmtInfSts>");
        }
        out += &reasons_xml(batch.reasons);
        for tx in batch.txs {
            out += "\n<TxInfAndSts><StsId>S1</StsId>";
            if let Some(id) = tx.instruction_id {
                out += &format!("<OrgnlInstrId>{id}</OrgnlInstrId>");
            }
            out += &format!("<OrgnlEndToEndId>{}</OrgnlEndToEndId>", tx.end_to_end_id);
            if let Some(status) = tx.status {
                out += &format!("<TxSts>{status}</TxSts>");
            }
            out += &reasons_xml(tx.reasons);
            out += "</TxInfAndSts>";
        }
        out += "</OrgnlPmtInfAndSts>\n";
    }
    out + "</CstmrPmtStsRpt>\n</Document>\n"
}

/// Which camt.054 version to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Camt054 {
    V02,
    V04,
    V08,
}

impl Camt054 {
    pub const ALL: [Camt054; 3] = [Camt054::V02, Camt054::V04, Camt054::V08];

    pub fn schema(self) -> &'static str {
        match self {
            Camt054::V02 => "camt.054.001.02",
            Camt054::V04 => "camt.054.001.04",
            Camt054::V08 => "camt.054.001.08",
        }
    }
}

/// One transaction of a generated entry.
pub struct CamtTx<'a> {
    pub end_to_end_id: &'a str,
    pub amount: &'a str,
    pub creditor: &'a str,
    pub ocr: Option<&'a str>,
    pub ustrd: &'a [&'a str],
}

/// One entry of a generated notification.
pub struct CamtEntry<'a> {
    pub amount: &'a str,
    pub debit: bool,
    pub status: &'a str,
    pub booking: &'a str,
    pub txs: &'a [CamtTx<'a>],
}

fn party(version: Camt054, element: &str, name: &str) -> String {
    match version {
        Camt054::V08 => format!("<{element}><Pty><Nm>{name}</Nm></Pty></{element}>"),
        _ => format!("<{element}><Nm>{name}</Nm></{element}>"),
    }
}

fn camt_tx(version: Camt054, tx: &CamtTx<'_>) -> String {
    let mut out = format!(
        "<TxDtls><Refs><InstrId>I-{0}</InstrId><EndToEndId>{0}</EndToEndId></Refs>",
        tx.end_to_end_id
    );
    let amount = format!("<Amt Ccy=\"SEK\">{}</Amt>", tx.amount);
    if version == Camt054::V02 {
        out += &format!("<AmtDtls><TxAmt>{amount}</TxAmt></AmtDtls>");
    } else {
        out += &format!("{amount}<CdtDbtInd>DBIT</CdtDbtInd>");
    }
    out += "<RltdPties>";
    out += &party(version, "Dbtr", "Beredskap Kommunala Verk AB");
    out += &party(version, "Cdtr", tx.creditor);
    out += "</RltdPties><RmtInf>";
    for line in tx.ustrd {
        out += &format!("<Ustrd>{line}</Ustrd>");
    }
    if let Some(ocr) = tx.ocr {
        out += "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>";
        out += &format!("<Ref>{ocr}</Ref></CdtrRefInf></Strd>");
    }
    out + "</RmtInf></TxDtls>"
}

/// A camt.054 with one notification per element of `notifications`.
pub fn camt054(version: Camt054, notifications: &[&[CamtEntry<'_>]]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\">\n<BkToCstmrDbtCdtNtfctn>\n\
         <GrpHdr><MsgId>NTF-0001</MsgId><CreDtTm>2026-12-08T18:00:00+01:00</CreDtTm></GrpHdr>\n",
        version.schema()
    );
    for (index, entries) in notifications.iter().enumerate() {
        out += &format!(
            "<Ntfctn><Id>N{index}</Id><CreDtTm>2026-12-08T18:00:00</CreDtTm>\
             <Acct><Id><IBAN>{}</IBAN></Id></Acct>\n",
            se_iban("50000000058398257466")
        );
        for entry in *entries {
            let indicator = if entry.debit { "DBIT" } else { "CRDT" };
            let status = match version {
                Camt054::V08 => format!("<Sts><Cd>{}</Cd></Sts>", entry.status),
                _ => format!("<Sts>{}</Sts>", entry.status),
            };
            out += &format!(
                "<Ntry><Amt Ccy=\"SEK\">{}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>\
                 <RvslInd>false</RvslInd>{status}<BookgDt>{}</BookgDt>\
                 <AcctSvcrRef>REF-{index}</AcctSvcrRef>\
                 <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd>\
                 </Fmly></Domn></BkTxCd>",
                entry.amount, entry.booking
            );
            if !entry.txs.is_empty() {
                out += "<NtryDtls>";
                for tx in entry.txs {
                    out += &camt_tx(version, tx);
                }
                out += "</NtryDtls>";
            }
            out += "</Ntry>\n";
        }
        out += "</Ntfctn>\n";
    }
    out + "</BkToCstmrDbtCdtNtfctn>\n</Document>\n"
}

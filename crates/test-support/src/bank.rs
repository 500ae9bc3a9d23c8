//! The bank's answers to a pain.001 file, generated for tests: a pain.002.001.10 status report
//! and a camt.054.001.08 debit notification, as a Swedish bank writes them.

/// One payment's status in a report: its end-to-end id, the status code (`ACSC`, `RJCT`…) and
/// the reason code with the bank's text, when rejected.
pub struct Status<'a> {
    pub end_to_end_id: &'a str,
    pub code: &'a str,
    pub reason: Option<(&'a str, &'a str)>,
}

/// A pain.002 status report answering the pain.001 `original_message_id`.
pub fn status_report(
    message_id: &str,
    original_message_id: &str,
    statuses: &[Status<'_>],
) -> String {
    let mut tx = String::new();
    for s in statuses {
        let reason = s.reason.map_or(String::new(), |(code, text)| {
            let info = if text.is_empty() {
                String::new()
            } else {
                format!("<AddtlInf>{text}</AddtlInf>")
            };
            format!("<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn>{info}</StsRsnInf>")
        });
        tx.push_str(&format!(
            "<TxInfAndSts><OrgnlEndToEndId>{}</OrgnlEndToEndId><TxSts>{}</TxSts>{reason}</TxInfAndSts>",
            s.end_to_end_id, s.code
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
<CstmrPmtStsRpt>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-24T07:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{original_message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>{original_message_id}</OrgnlPmtInfId>{tx}</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt>
</Document>
"#
    )
}

/// One booked debit: the payment's end-to-end id, amount in öre and booking day.
pub struct Debit<'a> {
    pub end_to_end_id: &'a str,
    pub amount_ore: i64,
    pub booked: &'a str,
    /// A returned payment: the bank reverses the debit.
    pub reversal: bool,
}

fn kronor(ore: i64) -> String {
    format!("{}.{:02}", ore / 100, ore % 100)
}

/// A camt.054 debit notification of the account `iban`, one entry per debit.
pub fn debit_notification(message_id: &str, iban: &str, debits: &[Debit<'_>]) -> String {
    let mut entries = String::new();
    for d in debits {
        let (indicator, reversal) = if d.reversal {
            ("CRDT", "<RvslInd>true</RvslInd>")
        } else {
            ("DBIT", "")
        };
        entries.push_str(&format!(
            "<Ntry><Amt Ccy=\"SEK\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{reversal}\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>\
             <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>\
             <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>\
             <Amt Ccy=\"SEK\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd></TxDtls></NtryDtls></Ntry>",
            amount = kronor(d.amount_ore),
            booked = d.booked,
            e2e = d.end_to_end_id,
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
<BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-25T06:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>{message_id}-1</Id><CreDtTm>2026-11-25T06:00:00</CreDtTm><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{entries}</Ntfctn>
</BkToCstmrDbtCdtNtfctn>
</Document>
"#
    )
}

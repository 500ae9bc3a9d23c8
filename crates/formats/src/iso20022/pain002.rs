//! Reading pain.002 customer payment status reports (versions .03, .10
//! and .11 in ISO's namespaces): the status of the whole file, of each
//! payment batch (`PmtInf`) and of each payment, with the bank's reasons.

use super::ReadError;
use super::ReadErrorKind;
use super::read::{self, Elem};

/// The namespaces read, oldest first.
pub const NAMESPACES: [&str; 3] = [
    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10",
    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11",
];

/// A status report answering one pain.001 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// The report's own `GrpHdr/MsgId`.
    pub message_id: String,
    /// `MsgId` of the pain.001 this report answers.
    pub original_message_id: String,
    /// Status of the whole pain.001 (`GrpSts`), when given.
    pub group_status: Option<Status>,
    /// The code of [`Self::group_status`] as written, such as `RJCT`.
    pub group_status_code: Option<String>,
    /// Reasons given for the group status.
    pub group_reasons: Vec<Reason>,
    /// One per `OrgnlPmtInfAndSts`, in document order.
    pub batches: Vec<BatchStatus>,
    /// Every `TxInfAndSts` of every batch, in document order.
    pub payments: Vec<PaymentStatus>,
}

/// The status of one original payment batch (`PmtInf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStatus {
    /// `PmtInfId` of the batch in the pain.001.
    pub original_payment_info_id: String,
    /// `PmtInfSts`, when given.
    pub status: Option<Status>,
    /// The code of [`Self::status`] as written.
    pub status_code: Option<String>,
    /// Reasons given for the batch status.
    pub reasons: Vec<Reason>,
}

/// The status of one original payment (`CdtTrfTxInf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentStatus {
    /// `PmtInfId` of the batch the payment was in.
    pub original_payment_info_id: String,
    /// `EndToEndId` of the payment in the pain.001.
    pub original_end_to_end_id: String,
    /// `InstrId` of the payment in the pain.001, when the bank repeats it.
    pub original_instruction_id: Option<String>,
    /// `TxSts`; when the bank leaves it out, the batch's status, else the
    /// group's.
    pub status: Status,
    /// The code of [`Self::status`] as written, such as `ACSC`.
    pub status_code: String,
    /// Reasons given for this payment.
    pub reasons: Vec<Reason>,
}

/// What a status code means for the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Accepted at some stage: `ACCC`, `ACCP`, `ACFC`, `ACFW`, `ACIS`,
    /// `ACPD`, `ACSC`, `ACSP`, `ACTC`, `ACWC`, `ACWP`, `CPUC`.
    Accepted,
    /// Not final yet: `PDNG`, `RCVD`, `PATC`, `BLCK`, `PRES`, and the
    /// verification-of-payee codes `RCVC`, `RVCM`, `RVMC`, `RVNA`, `RVNC`,
    /// `RVNM`.
    Pending,
    /// Will not be paid: `RJCT`, and `CANC` (cancelled on request).
    Rejected,
    /// Some payments accepted, others not (`PART`, group and batch level).
    PartiallyAccepted,
}

impl Status {
    /// The meaning of a status code of the ISO external code sets
    /// (ExternalPaymentTransactionStatus1Code and
    /// ExternalPaymentGroupStatus1Code); `None` for any other code.
    pub fn from_code(code: &str) -> Option<Status> {
        Some(match code {
            "ACCC" | "ACCP" | "ACFC" | "ACFW" | "ACIS" | "ACPD" | "ACSC" | "ACSP" | "ACTC"
            | "ACWC" | "ACWP" | "CPUC" => Status::Accepted,
            "PDNG" | "RCVD" | "PATC" | "BLCK" | "PRES" | "RCVC" | "RVCM" | "RVMC" | "RVNA"
            | "RVNC" | "RVNM" => Status::Pending,
            "RJCT" | "CANC" => Status::Rejected,
            "PART" => Status::PartiallyAccepted,
            _ => return None,
        })
    }
}

/// One `StsRsnInf`: a reason code and the bank's free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// `Rsn/Cd` or `Rsn/Prtry`, when given.
    pub code: Option<ReasonCode>,
    /// The `AddtlInf` lines, in order.
    pub additional_info: Vec<String>,
}

/// The reason of a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasonCode {
    /// A code of ISO's ExternalStatusReason1Code set (`Rsn/Cd`), such as
    /// `AC01` (incorrect account number) or `AM04` (insufficient funds).
    Iso(String),
    /// A bank's own code (`Rsn/Prtry`).
    Proprietary(String),
}

/// Reads a pain.002 status report.
pub fn read(xml: &[u8]) -> Result<StatusReport, ReadError> {
    let doc = read::parse(xml)?;
    let (report, _version) = read::message(&doc, &NAMESPACES, "CstmrPmtStsRpt")?;
    let message_id = report.require("GrpHdr")?.text_of("MsgId")?;
    let group = report.require("OrgnlGrpInfAndSts")?;
    let original_message_id = group.text_of("OrgnlMsgId")?;
    let group_code = group.child("GrpSts").map(status).transpose()?;
    let group_reasons = reasons(group)?;
    let mut batches = Vec::new();
    let mut payments = Vec::new();
    for batch in report.children("OrgnlPmtInfAndSts") {
        let original_payment_info_id = batch.text_of("OrgnlPmtInfId")?;
        let batch_code = batch.child("PmtInfSts").map(status).transpose()?;
        for tx in batch.children("TxInfAndSts") {
            let (status, status_code) = match tx.child("TxSts").map(status).transpose()? {
                Some(own) => own,
                None => batch_code
                    .clone()
                    .or_else(|| group_code.clone())
                    .ok_or_else(|| tx.missing("TxSts"))
                    .map_err(|mut e| {
                        e.kind = ReadErrorKind::NoStatus;
                        e
                    })?,
            };
            payments.push(PaymentStatus {
                original_payment_info_id: original_payment_info_id.clone(),
                original_end_to_end_id: tx.text_of("OrgnlEndToEndId")?,
                original_instruction_id: tx.opt_text_of("OrgnlInstrId")?,
                status,
                status_code,
                reasons: reasons(tx)?,
            });
        }
        let (status, status_code) = batch_code.unzip();
        batches.push(BatchStatus {
            original_payment_info_id,
            status,
            status_code,
            reasons: reasons(batch)?,
        });
    }
    let (group_status, group_status_code) = group_code.unzip();
    Ok(StatusReport {
        message_id,
        original_message_id,
        group_status,
        group_status_code,
        group_reasons,
        batches,
        payments,
    })
}

/// The status of a `GrpSts`, `PmtInfSts` or `TxSts` element and its code.
fn status(elem: Elem<'_, '_>) -> Result<(Status, String), ReadError> {
    let code = elem.text()?;
    let status = Status::from_code(code).ok_or_else(|| {
        elem.error(ReadErrorKind::UnknownStatus {
            code: code.to_owned(),
        })
    })?;
    Ok((status, code.to_owned()))
}

/// The `StsRsnInf` children of `elem`.
fn reasons(elem: Elem<'_, '_>) -> Result<Vec<Reason>, ReadError> {
    elem.children("StsRsnInf")
        .map(|info| {
            let code = match info.child("Rsn") {
                None => None,
                Some(rsn) => Some(match rsn.opt_text_of("Cd")? {
                    Some(code) => ReasonCode::Iso(code),
                    None => ReasonCode::Proprietary(rsn.text_of("Prtry")?),
                }),
            };
            let additional_info = info
                .children("AddtlInf")
                .map(|line| line.text().map(str::to_owned))
                .collect::<Result<_, _>>()?;
            Ok(Reason {
                code,
                additional_info,
            })
        })
        .collect()
}

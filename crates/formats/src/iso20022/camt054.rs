//! Reading camt.054 bank-to-customer debit/credit notifications (versions
//! .02, .04 and .08): the booked entries of each notified account with
//! the payments (transaction details) behind them.

use super::read::{self, Elem};
use super::{ReadError, ReadErrorKind};

/// The namespaces read, oldest first.
pub const NAMESPACES: [&str; 3] = [
    "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.054.001.04",
    "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
];

/// One notification message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// `GrpHdr/MsgId`.
    pub message_id: String,
    /// The entries of every `Ntfctn`, in document order.
    pub entries: Vec<Entry>,
}

/// One booked (or pending, or informational) amount on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The notified account (`Ntfctn/Acct/Id`: the IBAN or `Othr/Id`).
    pub account: Option<String>,
    /// `Amt` in öre (always non-negative; see [`Self::debit`]).
    pub amount_ore: i64,
    /// `Amt/@Ccy`.
    pub currency: String,
    /// `CdtDbtInd` is `DBIT`.
    pub debit: bool,
    /// `RvslInd`: the entry reverses an earlier one (a returned payment).
    pub reversal: bool,
    /// `BookgDt` (its `Dt`, or the date part of its `DtTm` as written).
    pub booking_date: Option<jiff::civil::Date>,
    /// `ValDt`, read like [`Self::booking_date`].
    pub value_date: Option<jiff::civil::Date>,
    /// `Sts` (or `Sts/Cd`, `Sts/Prtry` from .08 on), such as `BOOK`.
    pub status: String,
    /// `AcctSvcrRef`, the bank's reference of the entry.
    pub servicer_reference: Option<String>,
    /// Every `TxDtls` of every `NtryDtls`, in document order.
    pub details: Vec<Transaction>,
}

/// One payment behind an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// `Refs/EndToEndId` (the id the pain.001 gave the payment).
    pub end_to_end_id: Option<String>,
    /// `Refs/InstrId`.
    pub instruction_id: Option<String>,
    /// `Refs/PmtInfId`.
    pub payment_info_id: Option<String>,
    /// The transaction's amount in öre: `Amt`, else `AmtDtls/TxAmt/Amt`,
    /// else `AmtDtls/InstdAmt/Amt`.
    pub amount_ore: Option<i64>,
    /// The currency of [`Self::amount_ore`].
    pub currency: Option<String>,
    /// The transaction's own `CdtDbtInd`, when given.
    pub debit: Option<bool>,
    /// The first structured `CdtrRefInf/Ref` (an OCR number for Swedish
    /// payments), else the `Ustrd` lines joined with a space.
    pub reference: Option<String>,
    /// The other party's name: the creditor of a debit, the debtor of a
    /// credit (the ultimate party when the direct one has no name).
    pub counterparty: Option<String>,
}

/// Reads a camt.054 notification.
pub fn read(xml: &[u8]) -> Result<Notification, ReadError> {
    let doc = read::parse(xml)?;
    let (message, _version) = read::message(&doc, &NAMESPACES, "BkToCstmrDbtCdtNtfctn")?;
    let message_id = message.require("GrpHdr")?.text_of("MsgId")?;
    let mut entries = Vec::new();
    for notification in message.children("Ntfctn") {
        let account = match notification.find(&["Acct", "Id"]) {
            Some(id) => match id.opt_text_of("IBAN")? {
                Some(iban) => Some(iban),
                None => id.opt_text_at(&["Othr", "Id"])?,
            },
            None => None,
        };
        for entry in notification.children("Ntry") {
            entries.push(read_entry(entry, account.clone())?);
        }
    }
    Ok(Notification {
        message_id,
        entries,
    })
}

fn read_entry(entry: Elem<'_, '_>, account: Option<String>) -> Result<Entry, ReadError> {
    let (amount_ore, currency) = entry.require("Amt")?.amount()?;
    let debit = indicator(entry.require("CdtDbtInd")?)?;
    let reversal = entry
        .child("RvslInd")
        .map(|r| r.boolean())
        .transpose()?
        .unwrap_or(false);
    let status_elem = entry.require("Sts")?;
    let status = match status_elem
        .child("Cd")
        .or_else(|| status_elem.child("Prtry"))
    {
        Some(code) => code.text()?.to_owned(),
        None => status_elem.text()?.to_owned(),
    };
    let booking_date = match entry.child("BookgDt") {
        Some(date) => date.date_choice()?,
        None => None,
    };
    let value_date = match entry.child("ValDt") {
        Some(date) => date.date_choice()?,
        None => None,
    };
    let mut details = Vec::new();
    for batch in entry.children("NtryDtls") {
        for tx in batch.children("TxDtls") {
            details.push(read_transaction(tx, debit)?);
        }
    }
    Ok(Entry {
        account,
        amount_ore,
        currency,
        debit,
        reversal,
        booking_date,
        value_date,
        status,
        servicer_reference: entry.opt_text_of("AcctSvcrRef")?,
        details,
    })
}

fn read_transaction(tx: Elem<'_, '_>, entry_debit: bool) -> Result<Transaction, ReadError> {
    let refs = tx.child("Refs");
    let reference_of = |name: &'static str| match refs {
        Some(refs) => refs.opt_text_of(name),
        None => Ok(None),
    };
    let amount = tx
        .child("Amt")
        .or_else(|| tx.find(&["AmtDtls", "TxAmt", "Amt"]))
        .or_else(|| tx.find(&["AmtDtls", "InstdAmt", "Amt"]))
        .map(|amt| amt.amount())
        .transpose()?;
    let debit = tx.child("CdtDbtInd").map(indicator).transpose()?;
    let (amount_ore, currency) = amount.unzip();
    Ok(Transaction {
        end_to_end_id: reference_of("EndToEndId")?,
        instruction_id: reference_of("InstrId")?,
        payment_info_id: reference_of("PmtInfId")?,
        amount_ore,
        currency,
        debit,
        reference: remittance(tx)?,
        counterparty: counterparty(tx, debit.unwrap_or(entry_debit))?,
    })
}

fn indicator(elem: Elem<'_, '_>) -> Result<bool, ReadError> {
    match elem.text()? {
        "DBIT" => Ok(true),
        "CRDT" => Ok(false),
        other => Err(elem.error(ReadErrorKind::BadIndicator {
            value: other.to_owned(),
        })),
    }
}

fn remittance(tx: Elem<'_, '_>) -> Result<Option<String>, ReadError> {
    let Some(info) = tx.child("RmtInf") else {
        return Ok(None);
    };
    for structured in info.children("Strd") {
        if let Some(reference) = structured.opt_text_at(&["CdtrRefInf", "Ref"])? {
            return Ok(Some(reference));
        }
    }
    let lines = info
        .children("Ustrd")
        .map(|line| line.text())
        .collect::<Result<Vec<_>, _>>()?;
    Ok((!lines.is_empty()).then(|| lines.join(" ")))
}

fn counterparty(tx: Elem<'_, '_>, debit: bool) -> Result<Option<String>, ReadError> {
    let Some(parties) = tx.child("RltdPties") else {
        return Ok(None);
    };
    let names: [&'static str; 2] = if debit {
        ["Cdtr", "UltmtCdtr"]
    } else {
        ["Dbtr", "UltmtDbtr"]
    };
    for name in names {
        if let Some(party) = parties.child(name) {
            // From .08 on the party sits in a `Pty` choice.
            let party = party.child("Pty").unwrap_or(party);
            if let Some(name) = party.opt_text_of("Nm")? {
                return Ok(Some(name));
            }
        }
    }
    Ok(None)
}

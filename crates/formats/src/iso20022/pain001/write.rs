//! Emitting a checked [`Initiation`] as XML.

use super::check::Totals;
use super::{
    Batch, Conventions, CreditorAccount, DebtorAccount, GiroAgent, Initiation, OrgIdScheme, Party,
    Payment, Reference, Version,
};
use crate::iso20022::amount;
use crate::iso20022::xml::XmlWriter;

/// Bankgirot's clearing member id and BIC.
const BANKGIROT: (&str, &str) = ("9900", "BGABSESS");
/// Plusgirot's clearing member id, and the BIC of Nordea, which runs it.
const PLUSGIROT: (&str, &str) = ("9960", "NDEASESS");
/// The Swedish clearing system of `ClrSysMmbId`.
const SWEDISH_CLEARING: &str = "SESBA";
/// Every amount is in Swedish kronor.
const CURRENCY: &str = "SEK";

struct Writer {
    xml: XmlWriter,
    version: Version,
    conventions: Conventions,
}

/// The XML of a checked initiation.
pub(super) fn write(
    initiation: &Initiation,
    version: Version,
    conventions: Conventions,
    totals: &Totals,
) -> String {
    let mut w = Writer {
        xml: XmlWriter::new(),
        version,
        conventions,
    };
    w.xml
        .open_with("Document", &[("xmlns", version.namespace())]);
    w.xml.open("CstmrCdtTrfInitn");
    w.xml.open("GrpHdr");
    w.xml.leaf("MsgId", &initiation.message_id);
    w.xml.leaf(
        "CreDtTm",
        &format!(
            "{}T{:02}:{:02}:{:02}",
            iso_date(initiation.created.date()),
            initiation.created.hour(),
            initiation.created.minute(),
            initiation.created.second()
        ),
    );
    w.xml.leaf("NbOfTxs", &totals.count.to_string());
    w.xml.leaf("CtrlSum", &amount::format(totals.sum_ore));
    w.party("InitgPty", &initiation.initiator);
    w.xml.close();
    for (batch, sum) in initiation.batches.iter().zip(&totals.batch_sums_ore) {
        w.batch(batch, *sum);
    }
    w.xml.finish()
}

/// `YYYY-MM-DD` of a date in years 1–9999.
fn iso_date(date: jiff::civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

impl Writer {
    fn bic_element(&self) -> &'static str {
        match self.version {
            Version::V03 => "BIC",
            Version::V09 => "BICFI",
        }
    }

    fn party(&mut self, element: &'static str, party: &Party) {
        self.xml.open(element);
        self.xml.leaf("Nm", &party.name);
        if let Some(number) = &party.org_number {
            self.xml.open("Id");
            self.xml.open("OrgId");
            self.xml.open("Othr");
            self.xml.leaf("Id", number);
            self.xml.open("SchmeNm");
            match self.conventions.org_id_scheme {
                OrgIdScheme::Orgnr => self.xml.leaf("Prtry", "ORGNR"),
                OrgIdScheme::Bank => self.xml.leaf("Cd", "BANK"),
                OrgIdScheme::Customer => self.xml.leaf("Cd", "CUST"),
            }
            self.xml.close();
            self.xml.close();
            self.xml.close();
            self.xml.close();
        }
        self.xml.close();
    }

    fn batch(&mut self, batch: &Batch, sum_ore: i64) {
        self.xml.open("PmtInf");
        self.xml.leaf("PmtInfId", &batch.payment_info_id);
        self.xml.leaf("PmtMtd", "TRF");
        self.xml.leaf("BtchBookg", "true");
        self.xml.leaf("NbOfTxs", &batch.payments.len().to_string());
        self.xml.leaf("CtrlSum", &amount::format(sum_ore));
        self.xml.open("PmtTpInf");
        self.xml.open("SvcLvl");
        self.xml.leaf("Cd", "NURG");
        self.xml.close();
        self.xml.close();
        let date = iso_date(batch.execution_date);
        match self.version {
            Version::V03 => self.xml.leaf("ReqdExctnDt", &date),
            Version::V09 => {
                self.xml.open("ReqdExctnDt");
                self.xml.leaf("Dt", &date);
                self.xml.close();
            }
        }
        self.party("Dbtr", &batch.debtor);
        self.xml.open("DbtrAcct");
        self.xml.open("Id");
        match &batch.debtor_account {
            DebtorAccount::Bankgiro(number) => self.other_account(number, "Prtry", "BGNR"),
            DebtorAccount::Iban { iban, .. } => self.xml.leaf("IBAN", iban),
        }
        self.xml.close();
        self.xml.leaf("Ccy", CURRENCY);
        self.xml.close();
        match &batch.debtor_account {
            DebtorAccount::Bankgiro(_) => self.giro_agent("DbtrAgt", BANKGIROT),
            DebtorAccount::Iban { bic, .. } => self.bic_agent("DbtrAgt", bic),
        }
        self.xml.leaf("ChrgBr", "SLEV");
        for payment in &batch.payments {
            self.payment(payment);
        }
        self.xml.close();
    }

    fn payment(&mut self, payment: &Payment) {
        self.xml.open("CdtTrfTxInf");
        self.xml.open("PmtId");
        self.xml.leaf("InstrId", &payment.instruction_id);
        self.xml.leaf("EndToEndId", &payment.end_to_end_id);
        self.xml.close();
        self.xml.open("Amt");
        self.xml.leaf_with(
            "InstdAmt",
            &[("Ccy", CURRENCY)],
            &amount::format(payment.amount_ore),
        );
        self.xml.close();
        match &payment.creditor {
            CreditorAccount::Bankgiro(_) => self.giro_agent("CdtrAgt", BANKGIROT),
            CreditorAccount::Plusgiro(_) => self.giro_agent("CdtrAgt", PLUSGIROT),
            CreditorAccount::Iban { bic: Some(bic), .. } => self.bic_agent("CdtrAgt", bic),
            CreditorAccount::Iban { bic: None, .. } => {}
            CreditorAccount::Domestic { clearing, .. } => {
                let member = clearing.get(..4).unwrap_or(clearing);
                self.clearing_agent("CdtrAgt", member);
            }
        }
        self.xml.open("Cdtr");
        self.xml.leaf("Nm", &payment.creditor_name);
        self.xml.close();
        self.xml.open("CdtrAcct");
        self.xml.open("Id");
        match &payment.creditor {
            CreditorAccount::Bankgiro(number) => self.other_account(number, "Prtry", "BGNR"),
            CreditorAccount::Plusgiro(number) => self.other_account(number, "Prtry", "PGNR"),
            CreditorAccount::Iban { iban, .. } => self.xml.leaf("IBAN", iban),
            CreditorAccount::Domestic { clearing, account } => {
                self.other_account(&format!("{clearing}{account}"), "Cd", "BBAN");
            }
        }
        self.xml.close();
        self.xml.close();
        self.xml.open("RmtInf");
        match &payment.reference {
            Reference::Free(message) => self.xml.leaf("Ustrd", message),
            Reference::Ocr(number) => {
                self.xml.open("Strd");
                self.xml.open("CdtrRefInf");
                self.xml.open("Tp");
                self.xml.open("CdOrPrtry");
                self.xml.leaf("Cd", "SCOR");
                self.xml.close();
                self.xml.close();
                self.xml.leaf("Ref", number);
                self.xml.close();
                self.xml.close();
            }
        }
        self.xml.close();
        self.xml.close();
    }

    /// `<Othr><Id>id</Id><SchmeNm><kind>scheme</kind></SchmeNm></Othr>`.
    fn other_account(&mut self, id: &str, kind: &'static str, scheme: &str) {
        self.xml.open("Othr");
        self.xml.leaf("Id", id);
        self.xml.open("SchmeNm");
        self.xml.leaf(kind, scheme);
        self.xml.close();
        self.xml.close();
    }

    fn giro_agent(&mut self, element: &'static str, (member, bic): (&str, &str)) {
        match self.conventions.giro_agent {
            GiroAgent::ClearingMember => self.clearing_agent(element, member),
            GiroAgent::Bic => self.bic_agent(element, bic),
        }
    }

    fn bic_agent(&mut self, element: &'static str, bic: &str) {
        self.xml.open(element);
        self.xml.open("FinInstnId");
        let name = self.bic_element();
        self.xml.leaf(name, bic);
        self.xml.close();
        self.xml.close();
    }

    fn clearing_agent(&mut self, element: &'static str, member: &str) {
        self.xml.open(element);
        self.xml.open("FinInstnId");
        self.xml.open("ClrSysMmbId");
        self.xml.open("ClrSysId");
        self.xml.leaf("Cd", SWEDISH_CLEARING);
        self.xml.close();
        self.xml.leaf("MmbId", member);
        self.xml.close();
        self.xml.close();
        self.xml.close();
    }
}

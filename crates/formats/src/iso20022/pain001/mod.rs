//! Writing pain.001 customer credit transfer initiations for Swedish
//! supplier payments, in version .03 (what most Swedish banks take) or .09.
//!
//! The layout follows the Swedish banks' common interpretation as the
//! sample files show it: one `PmtInf` per [`Batch`] with service level
//! `NURG`, charges `SLEV`, amounts in SEK; bankgiro payees as
//! `CdtrAcct/Id/Othr` with `SchmeNm/Prtry` `BGNR`, plusgiro payees with
//! `PGNR`, other Swedish accounts as `BBAN` with the clearing number as
//! `ClrSysMmbId` (`SESBA`); OCR numbers as structured `SCOR` references
//! and free text as `Ustrd`. Where banks differ (the creditor agent of
//! giro payments, the scheme of organisation numbers) [`Conventions`]
//! chooses.
//!
//! Everything is checked before anything is written: lengths against the
//! schema, giro numbers and OCR numbers against their check digits, IBANs
//! against ISO 7064, BICs against the schema pattern, amounts positive and
//! the sums within the schema's 18 digits.

mod check;
mod error;
mod write;

pub use error::{Field, Location, WriteError, WriteErrorKind};

/// The pain.001 version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// pain.001.001.03 (`BIC`, `ReqdExctnDt` as a date).
    V03,
    /// pain.001.001.09 (`BICFI`, `ReqdExctnDt/Dt`).
    V09,
}

impl Version {
    /// The XML namespace of the version.
    pub fn namespace(self) -> &'static str {
        match self {
            Version::V03 => "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
            Version::V09 => "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09",
        }
    }
}

/// One pain.001 message (one file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initiation {
    /// `GrpHdr/MsgId`, 1–35 characters, unique per file sent.
    pub message_id: String,
    /// `GrpHdr/CreDtTm`, Stockholm local time, written without offset.
    pub created: jiff::civil::DateTime,
    /// `GrpHdr/InitgPty`.
    pub initiator: Party,
    /// One `PmtInf` each; at least one.
    pub batches: Vec<Batch>,
}

/// A party: the initiator or the debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// `Nm`, 1–140 characters.
    pub name: String,
    /// Swedish organisation number, 10 digits without hyphen; written as
    /// `Id/OrgId/Othr/Id` with the scheme of [`Conventions::org_id_scheme`].
    pub org_number: Option<String>,
}

/// One `PmtInf`: payments from one account on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// `PmtInfId`, 1–35 characters, unique within the file.
    pub payment_info_id: String,
    /// `ReqdExctnDt`.
    pub execution_date: jiff::civil::Date,
    /// `Dbtr`.
    pub debtor: Party,
    /// `DbtrAcct` (and `DbtrAgt`).
    pub debtor_account: DebtorAccount,
    /// `CdtTrfTxInf`; at least one.
    pub payments: Vec<Payment>,
}

/// The account the payments are taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtorAccount {
    /// The payer's bankgiro number, 7–8 digits (`Othr/Id` + `BGNR`). The
    /// debtor agent is then written as for a bankgiro payee (see
    /// [`GiroAgent`]).
    Bankgiro(String),
    /// An account by IBAN, with its bank's BIC as `DbtrAgt`.
    Iban {
        /// Compact IBAN, upper case, no spaces.
        iban: String,
        /// BIC of the account's bank, 8 or 11 characters.
        bic: String,
    },
}

/// One payment (`CdtTrfTxInf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// `PmtId/EndToEndId`, 1–35 characters, unique within the file; the
    /// bank reports it back in pain.002 and camt.054.
    pub end_to_end_id: String,
    /// `PmtId/InstrId`, 1–35 characters.
    pub instruction_id: String,
    /// `Amt/InstdAmt` in öre of SEK; positive.
    pub amount_ore: i64,
    /// `Cdtr/Nm`, 1–140 characters.
    pub creditor_name: String,
    /// `CdtrAcct` (and `CdtrAgt`).
    pub creditor: CreditorAccount,
    /// `RmtInf`.
    pub reference: Reference,
}

/// Where a payment goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditorAccount {
    /// Bankgiro number, 7–8 digits with a Luhn check digit.
    Bankgiro(String),
    /// Plusgiro number, 2–8 digits with a Luhn check digit.
    Plusgiro(String),
    /// An account by IBAN; the BIC, when given, becomes `CdtrAgt`.
    Iban {
        /// Compact IBAN, upper case, no spaces.
        iban: String,
        /// BIC of the payee's bank, 8 or 11 characters.
        bic: Option<String>,
    },
    /// A Swedish bank account by clearing and account number (digits
    /// only). Written as `Othr/Id` = clearing followed by account, scheme
    /// `BBAN`, and `CdtrAgt/ClrSysMmbId` `SESBA` with the first four digits
    /// of the clearing number (a five-digit Swedbank clearing number's
    /// fifth digit belongs to the account and stays in the `Id`).
    Domestic {
        /// 4 or 5 digits.
        clearing: String,
        /// 1–12 digits.
        account: String,
    },
}

/// The payee's reference for the payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// An OCR number (2–25 digits, Luhn check digit), written as the
    /// structured creditor reference `SCOR`.
    Ocr(String),
    /// A message to the payee, 1–140 characters, written as `Ustrd`.
    Free(String),
}

/// Bank-specific choices the Swedish banks' guides differ on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Conventions {
    /// How a bankgiro or plusgiro payee's agent is identified.
    pub giro_agent: GiroAgent,
    /// The scheme written with an organisation number.
    pub org_id_scheme: OrgIdScheme,
}

/// The `CdtrAgt` of a bankgiro or plusgiro payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GiroAgent {
    /// `ClrSysMmbId`: clearing system `SESBA`, member `9900` (Bankgirot) or
    /// `9960` (Plusgirot), as the Swedish common guide has it.
    #[default]
    ClearingMember,
    /// A BIC, as in the sample files and some bank guides: `BGABSESS`
    /// (Bankgirot) or `NDEASESS` (Nordea, for Plusgirot).
    Bic,
}

/// How an organisation number is labelled in `Id/OrgId/Othr/SchmeNm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OrgIdScheme {
    /// `Prtry` `ORGNR`, as in the sample files.
    #[default]
    Orgnr,
    /// `Cd` `BANK` (an id the bank knows the customer by).
    Bank,
    /// `Cd` `CUST` (a customer number).
    Customer,
}

/// Writes `initiation` as a pain.001 of `version` with the default
/// [`Conventions`].
pub fn write(initiation: &Initiation, version: Version) -> Result<String, WriteError> {
    write_with(initiation, version, Conventions::default())
}

/// Writes `initiation` as a pain.001 of `version` following `conventions`.
pub fn write_with(
    initiation: &Initiation,
    version: Version,
    conventions: Conventions,
) -> Result<String, WriteError> {
    let totals = check::check(initiation, version)?;
    Ok(write::write(initiation, version, conventions, &totals))
}

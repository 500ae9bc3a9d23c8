//! Peppol BIS Billing 3.0 (UBL 2.1 Invoice and CreditNote): reading and the fatal rules.
//!
//! [`check`] parses a UBL document, reads the fields an accounts-payable
//! system needs into a [`Document`] and runs the EN 16931 and Peppol rules
//! (with the Swedish national rules) as a rule table. Findings carry the
//! rule id, its flag and the location of the context node; the text of each
//! rule lives in the `peppol.ftl` message files under the key
//! `peppol-rule-<RULE-ID>`.
//!
//! Amounts are exact: `*_minor` fields are hundredths of the currency unit
//! (öre for SEK). A document whose amounts have more than two decimals is
//! refused by the BR-DEC rules and yields no [`Document`].

mod decimal;
mod read;
mod rules;
pub mod write;
mod xml;

pub use rules::rule_ids;

/// Invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// UBL `Invoice`.
    Invoice,
    /// UBL `CreditNote`.
    CreditNote,
}

/// A seller or buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// `PartyLegalEntity/RegistrationName`, else `PartyName/Name`.
    pub name: Option<String>,
    /// `EndpointID` as (schemeID, value).
    pub endpoint: Option<(String, String)>,
    /// `PartyLegalEntity/CompanyID`.
    pub legal_id: Option<String>,
    /// The schemeID of `PartyLegalEntity/CompanyID`.
    pub legal_id_scheme: Option<String>,
    /// The VAT `PartyTaxScheme/CompanyID`.
    pub vat: Option<String>,
    /// `PostalAddress/Country/IdentificationCode`.
    pub country: Option<String>,
}

/// One payment instruction (`cac:PaymentMeans`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentMeans {
    /// `PaymentMeansCode`, e.g. `"30"`.
    pub code: String,
    /// `PaymentID`: the OCR number or payment reference.
    pub payment_id: Option<String>,
    /// `PayeeFinancialAccount/ID`: giro number, IBAN or account.
    pub account_id: Option<String>,
    /// `FinancialInstitutionBranch/ID`: `SE:BANKGIRO`, `SE:PLUSGIRO` or a BIC.
    pub branch_id: Option<String>,
}

/// One invoice or credit note line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// `cbc:ID`.
    pub id: String,
    /// `Item/Name`.
    pub name: Option<String>,
    /// `InvoicedQuantity` or `CreditedQuantity` as written.
    pub quantity: Option<String>,
    /// The unit code of the quantity.
    pub unit: Option<String>,
    /// `LineExtensionAmount` in hundredths.
    pub net_minor: i64,
}

/// The fields of an invoice or credit note an accounts-payable system needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// `cbc:ID` (BT-1).
    pub number: String,
    /// `cbc:IssueDate` (BT-2).
    pub issue_date: jiff::civil::Date,
    /// Invoice `cbc:DueDate`, or `PaymentMeans/PaymentDueDate` on credit notes.
    pub due_date: Option<jiff::civil::Date>,
    /// `DocumentCurrencyCode` (BT-5).
    pub currency: String,
    /// `BuyerReference` (BT-10).
    pub buyer_reference: Option<String>,
    /// `OrderReference/ID` (BT-13).
    pub order_reference: Option<String>,
    /// `BillingReference/InvoiceDocumentReference/ID` (BT-25).
    pub billing_references: Vec<String>,
    /// The seller (`AccountingSupplierParty`).
    pub seller: Party,
    /// The buyer (`AccountingCustomerParty`).
    pub buyer: Party,
    /// `PayableAmount` (BT-115) in hundredths.
    pub payable_minor: i64,
    /// `TaxExclusiveAmount` (BT-109) in hundredths.
    pub tax_exclusive_minor: i64,
    /// The VAT total in the document currency (BT-110) in hundredths.
    pub tax_minor: i64,
    /// Payment instructions.
    pub payment: Vec<PaymentMeans>,
    /// The lines.
    pub lines: Vec<Line>,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// The document must be refused.
    Fatal,
    /// The document may be accepted.
    Warning,
}

/// One failed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule id, e.g. `"BR-CO-15"`.
    pub rule: String,
    /// Fatal or warning.
    pub flag: Flag,
    /// The location of the context node, e.g. `/Invoice/cac:TaxTotal[1]`.
    pub path: String,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The document, when its fields could be read.
    pub document: Option<Document>,
    /// The failed rules.
    pub findings: Vec<Finding>,
}

impl Checked {
    /// No fatal finding.
    pub fn accepted(&self) -> bool {
        !self.findings.iter().any(|f| f.flag == Flag::Fatal)
    }

    /// The ids of the fatal findings, sorted, without repeats.
    pub fn fatal_rules(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.flag == Flag::Fatal)
            .map(|f| f.rule.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not UTF-8.
    #[error("line {line}, column {column}: not UTF-8")]
    NotUtf8 {
        /// 1-based line.
        line: u32,
        /// 1-based column (characters).
        column: u32,
    },
    /// The text is not well-formed XML.
    #[error("line {line}, column {column}: not well-formed XML: {detail}")]
    NotXml {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's description.
        detail: String,
    },
    /// The root element is not a UBL Invoice or CreditNote.
    #[error(
        "line {line}, column {column}: root element {{{namespace}}}{name} is not a UBL Invoice or CreditNote"
    )]
    NotUbl {
        /// 1-based line of the root element.
        line: u32,
        /// 1-based column of the root element.
        column: u32,
        /// The root's namespace.
        namespace: String,
        /// The root's local name.
        name: String,
    },
}

/// Parse a UBL Invoice or CreditNote and run the rules.
pub fn check(xml: &[u8]) -> Result<Checked, ReadError> {
    let text = read::utf8(xml)?;
    let tree = read::parse(text)?;
    let root = tree.root_element();
    let findings = rules::run(root);
    let document = read::document(root);
    Ok(Checked { document, findings })
}

/// The Swedish organisation number (10 digits) of the seller: from the
/// legal id, an endpoint of scheme 0007, or a VAT number `SE<10 digits>01`.
/// Only numbers that pass the Luhn check are returned.
pub fn seller_org_number(doc: &Document) -> Option<String> {
    let digits = |s: &str| -> String { s.chars().filter(|c| !matches!(c, '-' | ' ')).collect() };
    let valid = |s: String| -> Option<String> {
        (s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) && rules::luhn_ok(&s)).then_some(s)
    };
    let seller = &doc.seller;
    let legal = seller
        .legal_id
        .as_deref()
        .filter(|_| matches!(seller.legal_id_scheme.as_deref(), None | Some("0007")))
        .filter(|_| matches!(seller.country.as_deref(), None | Some("SE")))
        .and_then(|id| valid(digits(id)));
    let endpoint = || {
        seller
            .endpoint
            .as_ref()
            .filter(|(scheme, _)| scheme == "0007")
            .and_then(|(_, id)| valid(digits(id)))
    };
    let vat = || {
        let vat = seller.vat.as_deref()?.trim();
        let inner = vat.strip_prefix("SE")?.strip_suffix("01")?;
        valid(inner.to_owned())
    };
    legal.or_else(endpoint).or_else(vat)
}

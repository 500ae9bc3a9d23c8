//! Paying suppliers: the payment settings (who pays, from which accounts, the approval limits),
//! payment proposals for a day (the approved invoices due by then, under each one's terms),
//! approved by a second person in finance, and written as one ISO 20022 pain.001 file per debtor
//! account the Swedish way (bankgiro, plusgiro or IBAN payees; OCR or the invoice number as
//! reference).

use std::collections::{BTreeMap, HashMap};

use domain::identity::OrgNumber;
use domain::ids::{PaymentFileId, PaymentProposalId, SupplierId, SupplierInvoiceId};
use domain::money::Money;
use domain::ocr::OcrReference;
use domain::problem::Problem;
use domain::suppliers::pay::{self, ApprovalLimits, PaymentState, ProposalState};
use domain::suppliers::{Bankgiro, Bic, Iban, PayTo, SupplierProblem};
use formats::iso20022::pain001;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::suppliers::SupplierRow;
use store::suppliers::payments::{
    self as db, FileRow, NewFile, NewPayment, PaymentRow, ProposalRow,
};

use super::{Suppliers, roles};
use crate::Actor;
use crate::error::{Result, ServiceError};

/// The settings row's key in `settings`.
const KEY: &str = "suppliers.payments";

/// Who pays and from where.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// The paying company's name, as the bank knows it.
    pub payer_name: String,
    /// Its organisation number.
    pub payer_org_number: String,
    /// The accounts payments are taken from; each pays the kinds of payee it names.
    pub accounts: Vec<DebtorAccountSetting>,
    pub limits: ApprovalLimits,
}

/// How a payee is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayeeKind {
    Bankgiro,
    Plusgiro,
    Iban,
}

impl PayeeKind {
    pub fn of(p: &PayTo) -> PayeeKind {
        match p {
            PayTo::Bankgiro(_) => PayeeKind::Bankgiro,
            PayTo::Plusgiro(_) => PayeeKind::Plusgiro,
            PayTo::Iban { .. } => PayeeKind::Iban,
        }
    }
}

/// The pain.001 version a bank takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pain001Version {
    #[default]
    #[serde(rename = "pain.001.001.09")]
    V09,
    #[serde(rename = "pain.001.001.03")]
    V03,
}

impl Pain001Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Pain001Version::V09 => "pain.001.001.09",
            Pain001Version::V03 => "pain.001.001.03",
        }
    }

    fn format(self) -> pain001::Version {
        match self {
            Pain001Version::V09 => pain001::Version::V09,
            Pain001Version::V03 => pain001::Version::V03,
        }
    }
}

/// An account payments are taken from: the company's bankgiro, or a bank account by IBAN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebtorAccountSetting {
    /// A short name (letters, digits, hyphens; at most 12), in message ids and file names.
    pub name: String,
    #[serde(default)]
    pub bankgiro: String,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub bic: String,
    /// The payees it pays.
    pub pays: Vec<PayeeKind>,
    #[serde(default)]
    pub version: Pain001Version,
}

impl DebtorAccountSetting {
    fn account(&self) -> std::result::Result<pain001::DebtorAccount, SupplierProblem> {
        match (self.bankgiro.trim(), self.iban.trim()) {
            ("", "") => Err(SupplierProblem::NoAccount),
            (bg, "") => Ok(pain001::DebtorAccount::Bankgiro(
                Bankgiro::parse(bg)?.digits().to_owned(),
            )),
            ("", iban) => {
                let iban = Iban::parse(iban)?;
                let bic = Bic::parse(&self.bic)?;
                if bic.country() != iban.country() {
                    return Err(SupplierProblem::BicCountry);
                }
                Ok(pain001::DebtorAccount::Iban {
                    iban: iban.as_str().to_owned(),
                    bic: bic.as_str().to_owned(),
                })
            }
            _ => Err(SupplierProblem::SeveralAccounts),
        }
    }
}

impl PaymentSettings {
    /// Checks every value; the field named is where the first problem is.
    pub fn validate(&self) -> std::result::Result<(), ServiceError> {
        let name = self.payer_name.trim();
        if name.is_empty() {
            return Err(ServiceError::invalid("payer_name", Problem::Required));
        }
        if name.chars().count() > 140 {
            return Err(ServiceError::invalid(
                "payer_name",
                Problem::TooLong { max: 140 },
            ));
        }
        OrgNumber::parse(&self.payer_org_number)
            .map_err(|e| ServiceError::invalid("payer_org_number", Problem::Identity(e)))?;
        let mut kinds = Vec::new();
        for (i, a) in self.accounts.iter().enumerate() {
            let ok = !a.name.is_empty()
                && a.name.len() <= 12
                && a.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(ServiceError::invalid(
                    "accounts.name",
                    Problem::TooLong { max: 12 },
                ));
            }
            if self.accounts[..i].iter().any(|b| b.name == a.name) {
                return Err(ServiceError::invalid(
                    "accounts.name",
                    SupplierProblem::AccountNameTaken,
                ));
            }
            a.account()
                .map_err(|p| ServiceError::invalid("accounts.account", p))?;
            if a.pays.is_empty() {
                return Err(ServiceError::invalid("accounts.pays", Problem::Required));
            }
            for k in &a.pays {
                if kinds.contains(k) {
                    return Err(ServiceError::invalid(
                        "accounts.pays",
                        SupplierProblem::PayeeKindTaken,
                    ));
                }
                kinds.push(*k);
            }
        }
        for (field, limit) in [
            ("limits.planner", self.limits.planner),
            ("limits.finance", self.limits.finance),
        ] {
            if limit.is_negative() {
                return Err(ServiceError::invalid(
                    field,
                    Problem::OutOfRange {
                        min: 0,
                        max: i64::MAX,
                    },
                ));
            }
        }
        Ok(())
    }

    fn account_for(&self, kind: PayeeKind) -> Option<&DebtorAccountSetting> {
        self.accounts.iter().find(|a| a.pays.contains(&kind))
    }
}

/// An invoice a proposal could not pay, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub invoice_id: SupplierInvoiceId,
    pub supplier_id: SupplierId,
    pub reason: SupplierProblem,
}

/// A proposal as made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalOutcome {
    pub id: PaymentProposalId,
    pub pay_date: Date,
    pub files: Vec<FileRow>,
    pub left_out: Vec<LeftOut>,
}

/// A proposal with its payments and files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalDetail {
    pub proposal: ProposalRow,
    pub payments: Vec<PaymentRow>,
    pub files: Vec<FileRow>,
}

/// One payment ready for its file.
struct Planned<'a> {
    invoice: &'a store::suppliers::SupplierInvoiceRow,
    supplier: &'a SupplierRow,
    amount: Money,
}

fn creditor(p: &PayTo) -> pain001::CreditorAccount {
    match p {
        PayTo::Bankgiro(b) => pain001::CreditorAccount::Bankgiro(b.digits().to_owned()),
        PayTo::Plusgiro(p) => pain001::CreditorAccount::Plusgiro(p.digits().to_owned()),
        PayTo::Iban { iban, bic } => pain001::CreditorAccount::Iban {
            iban: iban.as_str().to_owned(),
            bic: Some(bic.as_str().to_owned()),
        },
    }
}

/// The payee's reference: the invoice's OCR number when it has a valid one, else its number.
fn reference(invoice: &store::suppliers::SupplierInvoiceRow) -> pain001::Reference {
    match invoice
        .payment_reference
        .as_deref()
        .and_then(|r| OcrReference::parse(r).ok())
    {
        Some(ocr) => pain001::Reference::Ocr(ocr.as_str().to_owned()),
        None => pain001::Reference::Free(invoice.number.chars().take(140).collect()),
    }
}

/// The payments to make on `pay_date`, by debtor account (in name order: the files' order), and
/// the invoices that cannot be paid (the supplier has no account, or no account pays its kind).
fn plan<'a>(
    settings: &'a PaymentSettings,
    invoices: &'a [store::suppliers::SupplierInvoiceRow],
    suppliers: &'a HashMap<SupplierId, SupplierRow>,
    pay_date: Date,
) -> (BTreeMap<&'a str, Vec<Planned<'a>>>, Vec<LeftOut>) {
    let mut left_out = Vec::new();
    let mut by_account: BTreeMap<&str, Vec<Planned<'_>>> = BTreeMap::new();
    for invoice in invoices {
        let Some(supplier) = suppliers.get(&invoice.supplier_id) else {
            continue;
        };
        let Some(amount) = pay::to_pay(
            invoice.kind,
            invoice.state,
            invoice.due_date,
            invoice.amount,
            invoice.credited,
            pay_date,
        ) else {
            continue;
        };
        let account = supplier
            .pay_to
            .as_ref()
            .ok_or(SupplierProblem::NoAccount)
            .and_then(|p| {
                settings
                    .account_for(PayeeKind::of(p))
                    .ok_or(SupplierProblem::NoDebtorAccount)
            });
        match account {
            Ok(a) => by_account
                .entry(a.name.as_str())
                .or_default()
                .push(Planned {
                    invoice,
                    supplier,
                    amount,
                }),
            Err(reason) => left_out.push(LeftOut {
                invoice_id: invoice.id,
                supplier_id: invoice.supplier_id,
                reason,
            }),
        }
    }
    (by_account, left_out)
}

/// The end-to-end id of an invoice's payment in a proposal (unique: an invoice is in a
/// proposal once), which the bank reports back.
fn end_to_end_id(proposal: PaymentProposalId, invoice: SupplierInvoiceId) -> String {
    format!("P{}-I{}", proposal.get(), invoice.get())
}

fn message_id(proposal: PaymentProposalId, account: &str) -> String {
    format!("BRD-P{}-{account}", proposal.get())
}

impl Suppliers {
    /// The payment settings in force (empty until finance saves them).
    pub async fn payment_settings(&self) -> Result<PaymentSettings> {
        match store::settings::get(self.s.store(), KEY).await? {
            None => Ok(PaymentSettings::default()),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| ServiceError::Internal(format!("payment settings: {e}"))),
        }
    }

    /// Saves the payment settings (finance and admins), checked and audited.
    pub async fn save_payment_settings(&self, actor: &Actor, s: &PaymentSettings) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        s.validate()?;
        let json = serde_json::to_string(s)
            .map_err(|e| ServiceError::Internal(format!("payment settings: {e}")))?;
        let mut tx = self.s.store().begin().await?;
        store::settings::set(&mut tx, KEY, &json).await?;
        self.audit(
            &mut tx,
            actor,
            "supplier_payment_settings",
            "settings",
            0,
            &json,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Proposes paying, on `pay_date`, every approved invoice due by then that no other payment
    /// holds: one payment per invoice (what is left after credit notes), one pain.001 file per
    /// debtor account, written now so what is approved is exactly what was proposed.
    pub async fn propose_payments(&self, actor: &Actor, pay_date: Date) -> Result<ProposalOutcome> {
        Self::require(actor, roles::MANAGE)?;
        if pay_date < self.s.today() {
            return Err(ServiceError::invalid(
                "pay_date",
                SupplierProblem::PayDatePassed,
            ));
        }
        let settings = self.payment_settings().await?;
        if settings.accounts.is_empty() {
            return Err(ServiceError::conflict(SupplierProblem::NoDebtorAccount));
        }
        let store = self.s.store();
        let invoices = db::payable(store, pay_date).await?;
        let suppliers: HashMap<SupplierId, SupplierRow> = store::suppliers::suppliers(store)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let (by_account, left_out) = plan(&settings, &invoices, &suppliers, pay_date);
        if by_account.is_empty() {
            return Err(ServiceError::conflict(SupplierProblem::NothingToPay));
        }
        let now = self.s.now_micros();
        let created = domain::time::stockholm().to_datetime(self.s.now());
        let mut tx = store.begin().await?;
        let id = db::insert_proposal(&mut tx, pay_date, &actor.name, now).await?;
        let mut files = Vec::new();
        for (name, planned) in &by_account {
            let Some(account) = settings.accounts.iter().find(|a| a.name == *name) else {
                continue;
            };
            let mut payments = Vec::with_capacity(planned.len());
            for p in planned {
                let e2e = end_to_end_id(id, p.invoice.id);
                let new = NewPayment {
                    proposal_id: id,
                    invoice_id: p.invoice.id,
                    supplier_id: p.supplier.id,
                    debtor_account: name,
                    end_to_end_id: &e2e,
                    amount: p.amount,
                };
                // Another proposal made at the same moment took it: it is paid there.
                if db::insert_payment(&mut tx, &new, now).await?.is_none() {
                    continue;
                }
                let Some(pay_to) = &p.supplier.pay_to else {
                    continue;
                };
                payments.push(pain001::Payment {
                    end_to_end_id: e2e.clone(),
                    instruction_id: e2e,
                    amount_ore: p.amount.ore(),
                    creditor_name: p.supplier.name.chars().take(140).collect(),
                    creditor: creditor(pay_to),
                    reference: reference(p.invoice),
                });
            }
            if payments.is_empty() {
                continue;
            }
            let file = write_file(&settings, account, id, pay_date, created, payments)?;
            let file_id = db::insert_file(&mut tx, &file.as_new(id, name)).await?;
            files.push(file.row(file_id, id, name));
        }
        self.audit(
            &mut tx,
            actor,
            "supplier_payments_proposed",
            "payment_proposal",
            id.get(),
            &pay_date.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(ProposalOutcome {
            id,
            pay_date,
            files,
            left_out,
        })
    }
}

/// Writes one debtor account's pain.001 (the checks are the writer's: lengths, check digits,
/// sums).
fn write_file(
    settings: &PaymentSettings,
    account: &DebtorAccountSetting,
    id: PaymentProposalId,
    pay_date: Date,
    created: jiff::civil::DateTime,
    payments: Vec<pain001::Payment>,
) -> Result<Written> {
    let debtor_account = account
        .account()
        .map_err(|p| ServiceError::invalid("accounts.account", p))?;
    let org = OrgNumber::parse(&settings.payer_org_number)
        .map(|o| o.normalised())
        .ok();
    let payer = pain001::Party {
        name: settings.payer_name.trim().to_owned(),
        org_number: org,
    };
    let message_id = message_id(id, &account.name);
    let count = payments.len();
    let sum: i64 = payments.iter().map(|p| p.amount_ore).sum();
    let initiation = pain001::Initiation {
        message_id: message_id.clone(),
        created,
        initiator: payer.clone(),
        batches: vec![pain001::Batch {
            payment_info_id: format!("P{}-{}", id.get(), account.name),
            execution_date: pay_date,
            debtor: payer,
            debtor_account,
            payments,
        }],
    };
    let body = pain001::write(&initiation, account.version.format())
        .map_err(|e| ServiceError::Internal(format!("pain.001 for {message_id}: {e}")))?;
    Ok(Written {
        message_id,
        version: account.version,
        payments: u32::try_from(count).unwrap_or(u32::MAX),
        sum: Money::from_ore(sum),
        body,
    })
}

impl Suppliers {
    /// The second person in finance approves a proposal: its payments are sent (its files may
    /// go to the bank). The person who proposed it may not.
    pub async fn approve_proposal(&self, actor: &Actor, id: PaymentProposalId) -> Result<()> {
        self.decide_proposal(actor, id, ProposalState::Approved)
            .await
    }

    /// Withdraws a proposal before approval; its invoices are free for the next one.
    pub async fn cancel_proposal(&self, actor: &Actor, id: PaymentProposalId) -> Result<()> {
        self.decide_proposal(actor, id, ProposalState::Cancelled)
            .await
    }

    async fn decide_proposal(
        &self,
        actor: &Actor,
        id: PaymentProposalId,
        to: ProposalState,
    ) -> Result<()> {
        Self::require(actor, roles::MANAGE)?;
        let proposal = db::proposal(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if proposal.state != ProposalState::Proposed {
            return Err(ServiceError::conflict(SupplierProblem::ProposalClosed));
        }
        if to == ProposalState::Approved && proposal.proposed_by == actor.name {
            return Err(ServiceError::conflict(SupplierProblem::OwnProposal));
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if !db::decide_proposal(&mut tx, id, to, &actor.name, now).await? {
            return Err(ServiceError::conflict(SupplierProblem::ProposalClosed));
        }
        let (payments, action) = match to {
            ProposalState::Approved => (PaymentState::Sent, "supplier_payments_approved"),
            _ => (PaymentState::Cancelled, "supplier_payments_cancelled"),
        };
        db::move_payments(&mut tx, id, PaymentState::Proposed, payments, now).await?;
        self.audit(&mut tx, actor, action, "payment_proposal", id.get(), "")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every proposal, newest first.
    pub async fn proposals(&self, actor: &Actor) -> Result<Vec<ProposalRow>> {
        Self::require(actor, roles::READ)?;
        Ok(db::proposals(self.s.store()).await?)
    }

    /// A proposal with its payments and files.
    pub async fn proposal(&self, actor: &Actor, id: PaymentProposalId) -> Result<ProposalDetail> {
        Self::require(actor, roles::READ)?;
        let store = self.s.store();
        let proposal = db::proposal(store, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(ProposalDetail {
            proposal,
            payments: db::payments_of(store, id).await?,
            files: db::files_of(store, id).await?,
        })
    }

    /// A proposal's files, by debtor account.
    pub async fn proposal_files(
        &self,
        actor: &Actor,
        id: PaymentProposalId,
    ) -> Result<Vec<FileRow>> {
        Self::require(actor, roles::READ)?;
        Ok(db::files_of(self.s.store(), id).await?)
    }

    /// A pain.001 file's text, for finance to send to the bank once its proposal is approved
    /// (or to read before approving).
    pub async fn payment_file(&self, actor: &Actor, id: PaymentFileId) -> Result<String> {
        Self::require(actor, roles::MANAGE)?;
        db::file_body(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

/// A file as written, before it has its id.
struct Written {
    message_id: String,
    version: Pain001Version,
    payments: u32,
    sum: Money,
    body: String,
}

impl Written {
    fn as_new<'a>(&'a self, id: PaymentProposalId, account: &'a str) -> NewFile<'a> {
        NewFile {
            proposal_id: id,
            debtor_account: account,
            message_id: &self.message_id,
            version: self.version.as_str(),
            payments: self.payments,
            sum: self.sum,
            body: &self.body,
        }
    }

    fn row(self, file_id: PaymentFileId, id: PaymentProposalId, account: &str) -> FileRow {
        FileRow {
            id: file_id,
            proposal_id: id,
            debtor_account: account.to_owned(),
            message_id: self.message_id,
            version: self.version.as_str().to_owned(),
            payments: self.payments,
            sum: self.sum,
        }
    }
}

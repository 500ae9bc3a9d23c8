//! Credit (measure M4): invoices and payments, BgMax imports matched to invoices by OCR and the
//! manual matching queue, the reference-rate table of räntelagen, the nightly dunning and
//! interest run, requests for more time (decided by the policy in force or by a credit
//! officer), the debt-collection list, the board report, and the invoice CSV import.
//!
//! Everything is reached through the handle [`Credit`] (`services.credit()`). Who may do what is
//! declared once in [`roles`], read by the route table and by the handle's own checks. The
//! credit policy is read where each decision is made (never stored), so a change of policy
//! changes nothing at once: [`hook`] says what it would change.

mod bgmax;
mod dunning;
mod extensions;
mod hook;
mod invoices;
mod matching;
mod rates;
mod report;

pub use bgmax::{IMPORT_CHUNK, ImportReport};
pub use dunning::{CollectionLine, DunningReport};
pub use extensions::{ExtensionOutcome, QueueItem};
pub use invoices::{INVOICE_COLUMNS, InvoiceImportError, InvoiceImportReport, parse_kronor};
pub use rates::RATE_RANGE_BP;
pub use report::BoardRow;
pub use store::credit::{ArrangementRow, CollectionRow, CreditInvoice, UnmatchedPayment};

use domain::policy::{Capability, CreditPolicy, PolicyBody};

use crate::Services;
use crate::error::{Result, ServiceError};

/// Who may do what in credit: the route table and the handle's checks read these.
pub mod roles {
    use domain::role::Role;

    /// Credit officers decide referred requests for more time.
    pub const CREDIT: &[Role] = &[Role::CreditOfficer, Role::Admin];
    /// Ask for more time for a caller: agents and credit officers.
    pub const EXTENSION_FOR_CALLER: &[Role] = &[Role::Agent, Role::CreditOfficer, Role::Admin];
    /// The debt-collection list: credit officers and finance.
    pub const COLLECTION: &[Role] = &[Role::CreditOfficer, Role::Finance, Role::Admin];
    /// Payments, matching, reference rates, the nightly run by hand, the board report.
    pub const FINANCE: &[Role] = &[Role::Finance, Role::Admin];
}

/// The credit capability: `services.credit()`.
#[derive(Clone)]
pub struct Credit {
    s: Services,
}

impl Credit {
    pub(crate) fn new(s: Services) -> Credit {
        Credit { s }
    }

    /// The credit policy in force at `at`.
    pub async fn policy_at(&self, at: jiff::Timestamp) -> Result<CreditPolicy> {
        match self.s.policies().at(Capability::Credit, at).await? {
            PolicyBody::Credit(p) => Ok(p),
            _ => Err(ServiceError::Internal(
                "credit policy of another kind".into(),
            )),
        }
    }

    /// The credit policy in force now.
    pub async fn policy_now(&self) -> Result<CreditPolicy> {
        self.policy_at(self.s.now()).await
    }
}

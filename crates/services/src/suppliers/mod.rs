//! Suppliers (issue 15): the register of the companies the utility buys from, their invoices
//! with due dates on the terms in force, and the suppliers policy's hook for crisis mode: the
//! policy names suppliers (local, small, a trade or all) who are offered shorter payment terms by
//! e-mail with a signed link; a supplier who accepts has its open and future invoices paid on
//! the shorter terms from the day the policy starts.

mod attest;
mod bank;
mod einvoices;
mod hook;
mod import;
mod invoices;
mod offers;
mod payments;
mod register;
mod reports;
mod work;

use domain::role::Role;

pub use bank::BankImport;
pub use einvoices::{CHUNK, DocumentOutcome};
pub use import::SUPPLIER_COLUMNS;
pub use invoices::InvoiceInput;
pub use offers::OfferView;
pub use payments::{
    DebtorAccountSetting, LeftOut, Pain001Version, PayeeKind, PaymentSettings, ProposalDetail,
    ProposalOutcome,
};
pub use register::{SupplierDetail, SupplierInput};
pub use reports::{DaysToPay, LocalSpend};
pub use store::suppliers::payments::{EntryRow, FileRow, PaymentRow, ProposalRow, RejectedRow};
pub use store::suppliers::work::{ProjectRow, WorkOrderRow};
pub use store::suppliers::{
    ContactRow, DocumentRow, FindingRow, OfferRow, SupplierInvoiceRow, SupplierRow,
};
pub use work::{ProjectInput, WorkOrderInput};

use crate::audit;
use crate::error::Result;
use crate::{Actor, Services};

/// Who may do what with suppliers; the route table reads the same lists. Purchasing is done by
/// the planners (who order the work) and finance (who pays); suppliers never log in.
pub mod roles {
    use domain::role::Role;

    /// The register, its suppliers' invoices and the offers made.
    pub const READ: &[Role] = &[Role::Finance, Role::Planner, Role::Admin];
    /// Adding, editing and importing suppliers; recording invoices; payment proposals.
    pub const MANAGE: &[Role] = &[Role::Finance, Role::Admin];
    /// Projects and work orders: adding them, bringing work forward.
    pub const PLAN: &[Role] = &[Role::Planner, Role::Admin];
}

/// The municipalities whose suppliers count as local: the town and its neighbours, where the
/// utility's work and its people are.
pub const LOCAL_MUNICIPALITIES: &[&str] =
    &["Karlskoga", "Degerfors", "Kristinehamn", "Storfors", "Laxå"];

/// Whether a workplace in `municipality` makes a supplier local.
pub fn is_local(municipality: &str) -> bool {
    let m = municipality.trim();
    LOCAL_MUNICIPALITIES
        .iter()
        .any(|l| l.to_lowercase() == m.to_lowercase())
}

/// The suppliers handle: `services.suppliers()`.
#[derive(Clone)]
pub struct Suppliers {
    s: Services,
}

impl Services {
    pub fn suppliers(&self) -> Suppliers {
        Suppliers { s: self.clone() }
    }
}

impl Suppliers {
    fn require(actor: &Actor, roles: &[Role]) -> Result<()> {
        actor.require(roles)
    }

    async fn audit(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        kind: &str,
        id: i64,
        detail: &str,
    ) -> Result<()> {
        audit::success(tx, &self.s, actor, (action, kind, id), detail).await
    }
}

//! Finding customers and showing one: the staff search and detail, and the customer's own overview.
//!
//! Identity numbers leave this module masked; the full number only through [`Services::reveal_identity`],
//! which writes an audit entry first.

use domain::identity::IdentityNumber;
use domain::money::Money;
use domain::role::Role;
use store::credit::{InvoiceRow, PaymentRow};
use store::customers::{CustomerRow, MeterPointRow, SubscriptionRow};

use crate::Services;
use crate::audit::{self, Event, Outcome};
use crate::auth::SessionUser;
use crate::error::{Result, ServiceError};

/// Roles that may search and open customers.
pub const CUSTOMER_READERS: &[Role] = &[
    Role::Agent,
    Role::CreditOfficer,
    Role::Planner,
    Role::Finance,
    Role::Admin,
];
/// Roles that may see a full identity number (each read is audited).
pub const IDENTITY_READERS: &[Role] =
    &[Role::Agent, Role::CreditOfficer, Role::Finance, Role::Admin];

#[derive(Debug, Clone)]
pub struct CustomerHit {
    pub id: i64,
    pub customer_number: String,
    pub kind: String,
    pub name: String,
    pub identity_masked: String,
    pub address: String,
}

#[derive(Debug, Clone)]
pub struct CustomerDetail {
    pub customer: CustomerRow,
    pub identity_masked: String,
    pub meter_points: Vec<MeterPointRow>,
    pub subscriptions: Vec<SubscriptionRow>,
    pub invoices: Vec<InvoiceRow>,
    pub payments: Vec<PaymentRow>,
    /// Unpaid remainder of all listed invoices.
    pub open_amount: Money,
    /// Listed invoices not yet fully paid.
    pub unpaid_count: usize,
    pub overdue_count: usize,
}

/// Masks a stored identity number for lists; falls back to a generic mask for unparseable values.
pub fn mask_identity(normalised: &str) -> String {
    IdentityNumber::from_normalised(normalised)
        .map(|i| i.masked())
        .unwrap_or_else(|_| "********-****".into())
}

fn require(user: &SessionUser, roles: &[Role]) -> Result<()> {
    if roles.contains(&user.role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

impl Services {
    /// Staff search by name, customer number, address or 18-digit meter-point id.
    pub async fn search_customers(
        &self,
        user: &SessionUser,
        query: &str,
        limit: i64,
    ) -> Result<Vec<CustomerHit>> {
        require(user, CUSTOMER_READERS)?;
        let q = query.trim();
        if q.chars().count() < 2 {
            return Ok(Vec::new());
        }
        if q.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "q",
                "search with at most 100 characters",
            ));
        }
        let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        let meter = (compact.len() == 18 && compact.bytes().all(|b| b.is_ascii_digit()))
            .then_some(compact.as_str());
        let needle = q.to_lowercase();
        let hits =
            store::customers::search(self.store(), &needle, meter, limit.clamp(1, 200)).await?;
        Ok(hits
            .into_iter()
            .map(|h| CustomerHit {
                id: h.id,
                customer_number: h.customer_number,
                kind: h.kind,
                name: h.name,
                identity_masked: mask_identity(&h.identity_number),
                address: format!("{}, {}", h.street, h.city),
            })
            .collect())
    }

    /// One customer with meter points, subscriptions and the latest invoices and payments.
    pub async fn customer_detail(&self, user: &SessionUser, id: i64) -> Result<CustomerDetail> {
        require(user, CUSTOMER_READERS)?;
        self.load_detail(id).await
    }

    async fn load_detail(&self, id: i64) -> Result<CustomerDetail> {
        let b = store::customers::bundle(self.store(), id, 12)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (customer, meter_points, subscriptions, invoices, payments) = (
            b.customer,
            b.meter_points,
            b.subscriptions,
            b.invoices,
            b.payments,
        );
        let today = self.today();
        let unpaid: Vec<_> = invoices.iter().filter(|i| i.paid < i.amount).collect();
        let open_amount: Money = unpaid.iter().map(|i| i.amount - i.paid).sum();
        let unpaid_count = unpaid.len();
        let overdue_count = unpaid.iter().filter(|i| i.due_on < today).count();
        Ok(CustomerDetail {
            identity_masked: mask_identity(&customer.identity_number),
            customer,
            meter_points,
            subscriptions,
            invoices,
            payments,
            open_amount,
            unpaid_count,
            overdue_count,
        })
    }

    /// The full identity number, for a staff member who needs it; every read is audited first.
    pub async fn reveal_identity(
        &self,
        user: &SessionUser,
        id: i64,
        address: &str,
    ) -> Result<String> {
        let allowed = require(user, IDENTITY_READERS);
        let customer = match &allowed {
            Ok(()) => Some(
                store::customers::get(self.store(), id)
                    .await?
                    .ok_or(ServiceError::NotFound)?,
            ),
            Err(_) => None,
        };
        let outcome = if allowed.is_ok() {
            Outcome::Success
        } else {
            Outcome::Denied
        };
        audit::record_alone(
            self,
            &user.actor(address),
            &Event {
                action: "identity_read",
                object_kind: "customer",
                object_id: &id.to_string(),
                outcome,
                detail: "",
            },
        )
        .await?;
        allowed?;
        let customer = customer.ok_or(ServiceError::NotFound)?;
        Ok(IdentityNumber::from_normalised(&customer.identity_number)
            .map(|i| i.to_string())
            .unwrap_or(customer.identity_number))
    }

    /// The logged-in customer's own overview ("Mina sidor"). Only ever the session's customer.
    pub async fn portal_overview(&self, user: &SessionUser) -> Result<CustomerDetail> {
        let id = match (user.role, user.customer_id) {
            (Role::Customer, Some(id)) => id,
            _ => return Err(ServiceError::Forbidden),
        };
        self.load_detail(id).await
    }
}

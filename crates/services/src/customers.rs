//! Customers (`services.customers()`): the staff search and detail, the audited identity
//! reveal, and the customer's own overview.
//!
//! Identity numbers leave this module masked; the full number only through
//! [`Customers::reveal_identity`], which writes an audit entry first.

use domain::customer::CustomerKind;
use domain::identity::IdentityNumber;
use domain::ids::CustomerId;
use domain::money::Money;
use domain::problem::Problem;
use domain::role::Role;
use store::credit::{InvoiceRow, PaymentRow};
use store::customers::{CustomerRow, MeterPointRow, SubscriptionRow};

use crate::Services;
use crate::audit::{self, Event, Outcome};
use crate::auth::SessionUser;
use crate::error::{Result, ServiceError};

/// Who may do what with customers, declared once: the route table, the navigation and the
/// checks below read these.
pub mod roles {
    use domain::role::Role;

    /// Search customers and open one.
    pub const READERS: &[Role] = &[
        Role::Agent,
        Role::CreditOfficer,
        Role::Planner,
        Role::Finance,
        Role::Admin,
    ];
    /// See a full identity number (each read is audited).
    pub const IDENTITY_READERS: &[Role] =
        &[Role::Agent, Role::CreditOfficer, Role::Finance, Role::Admin];
}

/// Longest search text accepted.
const MAX_QUERY_CHARS: usize = 100;

/// The customers handle: `services.customers()`.
#[derive(Clone)]
pub struct Customers {
    s: Services,
}

impl Customers {
    pub(crate) fn new(s: Services) -> Customers {
        Customers { s }
    }
}

#[derive(Debug, Clone)]
pub struct CustomerHit {
    pub id: CustomerId,
    pub customer_number: String,
    pub kind: CustomerKind,
    pub name: String,
    pub identity_masked: String,
    pub street: String,
    pub city: String,
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

fn require(user: &SessionUser, allowed: &[Role]) -> Result<()> {
    if allowed.contains(&user.role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

impl Customers {
    /// Staff search by name, customer number, address or 18-digit meter-point id.
    pub async fn search(
        &self,
        user: &SessionUser,
        query: &str,
        limit: i64,
    ) -> Result<Vec<CustomerHit>> {
        require(user, roles::READERS)?;
        let q = query.trim();
        if q.chars().count() < 2 {
            return Ok(Vec::new());
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ServiceError::invalid(
                "q",
                Problem::TooLong {
                    max: MAX_QUERY_CHARS,
                },
            ));
        }
        let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        let meter = (compact.len() == 18 && compact.bytes().all(|b| b.is_ascii_digit()))
            .then_some(compact.as_str());
        let needle = q.to_lowercase();
        let hits =
            store::customers::search(self.s.store(), &needle, meter, limit.clamp(1, 200)).await?;
        Ok(hits
            .into_iter()
            .map(|h| CustomerHit {
                id: h.id,
                customer_number: h.customer_number,
                kind: h.kind,
                name: h.name,
                identity_masked: mask_identity(&h.identity_number),
                street: h.street,
                city: h.city,
            })
            .collect())
    }

    /// One customer with meter points, subscriptions and the latest invoices and payments.
    pub async fn detail(&self, user: &SessionUser, id: CustomerId) -> Result<CustomerDetail> {
        require(user, roles::READERS)?;
        self.load_detail(id).await
    }

    async fn load_detail(&self, id: CustomerId) -> Result<CustomerDetail> {
        let b = store::customers::bundle(self.s.store(), id, 12)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (customer, meter_points, subscriptions, invoices, payments) = (
            b.customer,
            b.meter_points,
            b.subscriptions,
            b.invoices,
            b.payments,
        );
        let today = self.s.today();
        let unpaid: Vec<_> = invoices.iter().filter(|i| i.paid < i.amount).collect();
        let open_amount = unpaid.iter().map(|i| i.amount - i.paid).sum();
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
        id: CustomerId,
        address: &str,
    ) -> Result<String> {
        let allowed = require(user, roles::IDENTITY_READERS);
        let customer = match &allowed {
            Ok(()) => Some(
                store::customers::get(self.s.store(), id)
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
            &self.s,
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

//! "Mina sidor" beyond invoices: what needs attention, messages from the company, contact
//! preferences and the customer's own data (GDPR art. 15); and the portal policy, a banner on
//! every page and self-service offered before a chat is queued, read per request
//! ([`Portal::policy`]) and moved by its [`crate::capability::PolicyHook`] (`hook`).
//!
//! The handle is [`Portal`] (`services.portal()`). Every page acts for the customer of the
//! session ([`roles::CUSTOMER`]).

mod contact;
mod hook;

use domain::campaign::ExchangeState;
use domain::ids::{CustomerId, OutboxId};
use domain::policy::{Capability, PolicyBody, PortalPolicy};

use crate::audit::{self, Event, Outcome};
use crate::auth::SessionUser;
use crate::error::Result;
use crate::{Actor, ServiceError, Services};

pub use contact::ContactForm;

/// Who may do what in the portal; the route table reads the same constants.
pub mod roles {

    /// Customers, each acting for themselves (declared with the accounts).
    pub use crate::auth::roles::CUSTOMER;
}

/// The portal capability: `services.portal()`.
#[derive(Clone)]
pub struct Portal {
    s: Services,
}

impl Portal {
    /// The handle over `s`; made by `Services::portal`.
    pub(crate) fn new(s: Services) -> Portal {
        Portal { s }
    }
}

/// What the overview shows beside the invoices.
#[derive(Debug, Clone)]
pub struct Attention {
    /// Extension requests and plans still in play (with the credit officer, or approved).
    pub arrangements: Vec<store::credit::ArrangementRow>,
    /// The next booked customer-centre visit.
    pub next_visit: Option<store::visits::VisitRow>,
    /// Cases waiting for the customer's answer.
    pub cases_waiting: usize,
    /// Cases customer service is working on.
    pub cases_open: usize,
    /// The meter exchange as the customer has been told of it, with the day (`YYYY-MM-DD`)
    /// when one was given.
    pub meter_exchange: Option<(ExchangeState, Option<String>)>,
    /// The live arrival time of today's meter visit, told when the stop before was finished.
    pub arrival: Option<store::campaign::route_day::EtaRow>,
}

/// Everything held about one customer, as the download carries it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CustomerExport {
    /// What the file is, in Swedish and English.
    pub about: String,
    pub customer_id: CustomerId,
    pub created_at: String,
    /// The columns whose values are masked (`table.column`): credentials.
    pub masked: Vec<String>,
    pub tables: Vec<store::export::ExportTable>,
}

/// The most messages the portal lists.
const MESSAGES_SHOWN: i64 = 100;

impl Portal {
    /// The customer a session acts for; staff and anonymous sessions have none.
    pub fn customer_of(user: &SessionUser) -> Result<CustomerId> {
        match (user.role, user.customer_id) {
            (r, Some(id)) if roles::CUSTOMER.contains(&r) => Ok(id),
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// The portal policy in force now (read per request: pages show its banner, the chat
    /// offers self-service first when it says so).
    pub async fn policy(&self) -> Result<PortalPolicy> {
        match self
            .s
            .policies()
            .at(Capability::Portal, self.s.now())
            .await?
        {
            PolicyBody::Portal(p) => Ok(p),
            other => Err(ServiceError::Internal(format!(
                "the portal policy in force is a {} policy",
                other.capability()
            ))),
        }
    }

    /// What needs the customer's attention: decided in the store from each capability's
    /// tables, so only what the customer has been told is shown.
    pub async fn attention(&self, user: &SessionUser) -> Result<Attention> {
        let id = Self::customer_of(user)?;
        let seen = store::portal::attention(self.s.store(), id, self.s.now_micros()).await?;
        let arrangements = store::credit::customer_arrangements(self.s.store(), id)
            .await?
            .into_iter()
            .filter(|a| seen.arrangements.contains(&a.id))
            .collect();
        let next_visit = match seen.next_visit {
            None => None,
            Some(v) => self
                .s
                .visits()
                .customer_visits(id)
                .await?
                .into_iter()
                .find(|row| row.id == v),
        };
        let cases = store::cases::of_customer(self.s.store(), id, 200).await?;
        let count =
            |f: fn(domain::cases::CaseStatus) -> bool| cases.iter().filter(|c| f(c.status)).count();
        use domain::cases::CaseStatus;
        Ok(Attention {
            arrangements,
            next_visit,
            cases_waiting: count(|s| s == CaseStatus::WaitingOnCustomer),
            cases_open: count(|s| matches!(s, CaseStatus::New | CaseStatus::Open)),
            meter_exchange: self
                .s
                .campaign()
                .meter_exchange_for(id)
                .await?
                .map(|m| (m.state, m.on.map(|d| d.to_string()))),
            arrival: store::campaign::route_day::customer_eta(self.s.store(), id, self.s.today())
                .await?,
        })
    }

    /// Messages the company has sent the customer (or is about to), newest first.
    pub async fn messages(&self, user: &SessionUser) -> Result<Vec<store::outbox::OutboxRow>> {
        let id = Self::customer_of(user)?;
        Ok(store::outbox::of_customer(self.s.store(), id, MESSAGES_SHOWN).await?)
    }

    /// One message to the customer; another customer's message is not found.
    pub async fn message(
        &self,
        user: &SessionUser,
        message_id: OutboxId,
    ) -> Result<store::outbox::OutboxRow> {
        let id = Self::customer_of(user)?;
        match store::outbox::get(self.s.store(), message_id).await? {
            Some(m)
                if m.customer_id == Some(id)
                    && m.status != domain::outbox::OutboxStatus::Failed =>
            {
                Ok(m)
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    /// Everything held about the customer of the session, as one document (GDPR art. 15).
    /// The content comes from `store::export`, which follows the schema's foreign keys, so no
    /// table with the customer's rows can be left out. The export itself is recorded in the
    /// audit log.
    pub async fn export(&self, actor: &Actor, user: &SessionUser) -> Result<CustomerExport> {
        let id = Self::customer_of(user)?;
        self.export_of(actor, id).await
    }

    async fn export_of(&self, actor: &Actor, id: CustomerId) -> Result<CustomerExport> {
        store::portal::contact(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let tables = store::export::customer_export(self.s.store(), id).await?;
        audit::record_alone(
            &self.s,
            actor,
            &Event {
                action: "customer_data_exported",
                object_kind: "customer",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "{} tables, {} rows",
                    tables.iter().filter(|t| !t.rows.is_empty()).count(),
                    tables.iter().map(|t| t.rows.len()).sum::<usize>()
                ),
            },
        )
        .await?;
        let about = |lang| views::translate(lang, "mydata-export-about", &[]);
        Ok(CustomerExport {
            about: format!("{} {}", about(views::Lang::Sv), about(views::Lang::En)),
            customer_id: id,
            created_at: self.s.now().to_string(),
            masked: store::export::MASKED
                .iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect(),
            tables,
        })
    }

    /// How many rows of the customer's data each table holds, for the "Mina uppgifter" page:
    /// counts only, so viewing the page is not an export (the download is, and is audited).
    pub async fn data_summary(&self, user: &SessionUser) -> Result<Vec<(String, usize)>> {
        let id = Self::customer_of(user)?;
        Ok(store::export::customer_export(self.s.store(), id)
            .await?
            .into_iter()
            .filter(|t| !t.rows.is_empty())
            .map(|t| (t.table, t.rows.len()))
            .collect())
    }
}

impl Services {
    /// A customer's name, for staff pages that act for a caller (the "no home visits" pages of
    /// the campaign capability).
    pub async fn customer_name(&self, id: i64) -> Result<String> {
        Ok(store::portal::contact(self.store(), CustomerId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)?
            .name)
    }
}

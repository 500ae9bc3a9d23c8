//! "Mina sidor" beyond invoices: what needs attention, messages from the company, contact
//! preferences and the customer's own data (GDPR art. 15).

use crate::audit::{self, Event, Outcome};
use crate::auth::SessionUser;
use crate::error::Result;
use crate::{Actor, ServiceError, Services};

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
    /// The meter exchange as the customer has been told: `(state, date)` with state `notified`
    /// or `booked` (and the day), `deferred` (at their request) or `done`.
    pub meter_exchange: Option<(String, Option<String>)>,
}

/// Contact preferences as a customer submits them.
#[derive(Debug, Clone, Default)]
pub struct ContactForm {
    pub email: String,
    pub phone: String,
    pub language: String,
    pub channel: String,
}

/// The most messages the portal lists.
const MESSAGES_SHOWN: i64 = 100;

impl Services {
    /// The customer a session acts for; staff and anonymous sessions have none.
    pub fn portal_customer(user: &SessionUser) -> Result<i64> {
        match (user.role, user.customer_id) {
            (domain::role::Role::Customer, Some(id)) => Ok(id.get()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    pub async fn portal_attention(&self, user: &SessionUser) -> Result<Attention> {
        let id = Self::portal_customer(user)?;
        let arrangements = store::credit::customer_arrangements(self.store(), id)
            .await?
            .into_iter()
            .filter(|a| matches!(a.status.as_str(), "referred" | "approved"))
            .collect();
        let next_visit = self
            .customer_visits(id)
            .await?
            .into_iter()
            .filter(|v| matches!(v.status.as_str(), "booked" | "unconfirmed" | "offered"))
            .min_by_key(|v| v.starts_at);
        let cases = store::cases::of_customer(self.store(), id, 200).await?;
        // Only what the customer has been told: a planned but not yet notified day may move.
        let jobs = store::campaign::customer_jobs(self.store(), id).await?;
        let meter_exchange = jobs
            .iter()
            .find(|(s, _, _)| matches!(s.as_str(), "notified" | "booked"))
            .map(|(s, _, d)| (s.clone(), d.clone()))
            .or_else(|| {
                jobs.iter()
                    .find(|(_, p, _)| p == "deferred")
                    .map(|_| ("deferred".to_owned(), None))
            })
            .or_else(|| {
                (!jobs.is_empty() && jobs.iter().all(|(s, _, _)| s == "done"))
                    .then(|| ("done".to_owned(), None))
            });
        Ok(Attention {
            arrangements,
            next_visit,
            cases_waiting: cases
                .iter()
                .filter(|c| c.status == "waiting_on_customer")
                .count(),
            cases_open: cases
                .iter()
                .filter(|c| matches!(c.status.as_str(), "new" | "open"))
                .count(),
            meter_exchange,
        })
    }

    /// Messages the company has sent the customer (or is about to), newest first.
    pub async fn portal_messages(
        &self,
        user: &SessionUser,
    ) -> Result<Vec<store::outbox::OutboxRow>> {
        let id = Self::portal_customer(user)?;
        Ok(store::outbox::of_customer(
            self.store(),
            domain::ids::CustomerId::new(id),
            MESSAGES_SHOWN,
        )
        .await?)
    }

    /// One message to the customer; another customer's message is not found.
    pub async fn portal_message(
        &self,
        user: &SessionUser,
        message_id: domain::ids::OutboxId,
    ) -> Result<store::outbox::OutboxRow> {
        let id = domain::ids::CustomerId::new(Self::portal_customer(user)?);
        match store::outbox::get(self.store(), message_id).await? {
            Some(m)
                if m.customer_id == Some(id)
                    && m.status != domain::outbox::OutboxStatus::Failed =>
            {
                Ok(m)
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    pub async fn contact_preferences(
        &self,
        user: &SessionUser,
    ) -> Result<store::customers::CustomerRow> {
        let id = Self::portal_customer(user)?;
        store::customers::get(self.store(), domain::ids::CustomerId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Saves how the customer wants to be reached. The channel must be one they can be reached
    /// on: e-mail needs an address, SMS a mobile number; letters go to the address of record.
    pub async fn set_contact_preferences(
        &self,
        actor: &Actor,
        user: &SessionUser,
        form: &ContactForm,
    ) -> Result<()> {
        let id = Self::portal_customer(user)?;
        let prefs = validate_contact(form)?;
        let mut tx = self.store().begin().await?;
        store::customers::set_contact_preferences(
            &mut tx,
            domain::ids::CustomerId::new(id),
            &prefs,
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            &Event {
                action: "contact_preferences_changed",
                object_kind: "customer",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "channel {}, language {}",
                    prefs.preferred_channel, prefs.language
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everything held about the customer, as one JSON document (GDPR art. 15). The content
    /// comes from `store::export`, which follows the schema's foreign keys, so no table with the
    /// customer's rows can be left out. The export itself is recorded in the audit log.
    pub async fn customer_export(
        &self,
        actor: &Actor,
        user: &SessionUser,
    ) -> Result<serde_json::Value> {
        let id = Self::portal_customer(user)?;
        self.export_customer(actor, id).await
    }

    /// How many rows of the customer's data each table holds, for the "Mina uppgifter" page:
    /// counts only, so viewing the page is not an export (the download is, and is audited).
    pub async fn customer_data_summary(&self, user: &SessionUser) -> Result<Vec<(String, usize)>> {
        let id = Self::portal_customer(user)?;
        Ok(
            store::export::customer_export(self.store(), domain::ids::CustomerId::new(id))
                .await?
                .into_iter()
                .filter(|t| !t.rows.is_empty())
                .map(|t| (t.table, t.rows.len()))
                .collect(),
        )
    }

    /// A customer's name, for staff pages that act for a caller.
    pub async fn customer_name(&self, id: i64) -> Result<String> {
        Ok(
            store::customers::get(self.store(), domain::ids::CustomerId::new(id))
                .await?
                .ok_or(ServiceError::NotFound)?
                .name,
        )
    }

    /// The export of any customer's data, for a request made to staff.
    pub async fn export_customer(&self, actor: &Actor, id: i64) -> Result<serde_json::Value> {
        store::customers::get(self.store(), domain::ids::CustomerId::new(id))
            .await?
            .ok_or(ServiceError::NotFound)?;
        let tables =
            store::export::customer_export(self.store(), domain::ids::CustomerId::new(id)).await?;
        audit::record_alone(
            self,
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
        Ok(serde_json::json!({
            "about": "Alla uppgifter Beredskap har om kunden (dataskyddsförordningen artikel 15). \
                      All data Beredskap holds about the customer (GDPR article 15).",
            "customer_id": id,
            "created_at": self.now().to_string(),
            "masked": store::export::MASKED
                .iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect::<Vec<_>>(),
            "tables": tables,
        }))
    }
}

fn validate_contact(form: &ContactForm) -> Result<store::customers::ContactPreferences> {
    let email = form.email.trim();
    let email = if email.is_empty() {
        None
    } else if !email.contains('@')
        || email.len() > 200
        || email.chars().any(char::is_whitespace)
        || email.starts_with('@')
        || email.ends_with('@')
    {
        return Err(ServiceError::invalid(
            "email",
            "E-postadressen ser inte rätt ut, till exempel namn@exempel.se.",
        ));
    } else {
        Some(email.to_owned())
    };
    let phone = form.phone.trim();
    let phone = if phone.is_empty() {
        None
    } else if crate::visits::normalise_phone(phone).is_none() {
        return Err(ServiceError::invalid(
            "phone",
            "Skriv ett telefonnummer, till exempel 070-123 45 67.",
        ));
    } else {
        Some(phone.to_owned())
    };
    let language = match form.language.as_str() {
        l @ ("sv" | "en") => l.to_owned(),
        _ => {
            return Err(ServiceError::invalid(
                "language",
                "Välj svenska eller engelska.",
            ));
        }
    };
    let channel = match form.channel.as_str() {
        "email" if email.is_none() => {
            return Err(ServiceError::invalid(
                "channel",
                "Skriv en e-postadress för att få meddelanden med e-post.",
            ));
        }
        "sms" if !phone.as_deref().is_some_and(is_mobile) => {
            return Err(ServiceError::invalid(
                "channel",
                "Skriv ett mobilnummer (07…) för att få meddelanden med sms.",
            ));
        }
        c @ ("email" | "sms" | "letter") => c.to_owned(),
        _ => {
            return Err(ServiceError::invalid(
                "channel",
                "Välj e-post, sms eller brev.",
            ));
        }
    };
    Ok(store::customers::ContactPreferences {
        email,
        phone,
        language: language
            .parse()
            .map_err(|e| ServiceError::invalid("language", e))?,
        preferred_channel: channel
            .parse()
            .map_err(|e| ServiceError::invalid("channel", e))?,
    })
}

/// A Swedish mobile number (07x…), the only kind an SMS reaches.
fn is_mobile(phone: &str) -> bool {
    crate::visits::normalise_phone(phone).is_some_and(|n| n.starts_with("467") && n.len() == 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, phone: &str, channel: &str) -> ContactForm {
        ContactForm {
            email: email.into(),
            phone: phone.into(),
            language: "sv".into(),
            channel: channel.into(),
        }
    }

    fn field(r: Result<store::customers::ContactPreferences>) -> &'static str {
        match r {
            Err(ServiceError::Invalid(domain::problem::Invalid { field, .. })) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn channel_must_be_reachable() {
        assert_eq!(field(validate_contact(&form("", "", "email"))), "channel");
        assert_eq!(
            field(validate_contact(&form("", "0586-123 45", "sms"))),
            "channel"
        );
        assert!(validate_contact(&form("", "070-123 45 67", "sms")).is_ok());
        assert!(validate_contact(&form("", "", "letter")).is_ok());
        assert_eq!(
            field(validate_contact(&form("a b@c", "", "letter"))),
            "email"
        );
        assert_eq!(field(validate_contact(&form("", "abc", "letter"))), "phone");
        assert_eq!(field(validate_contact(&form("", "", "fax"))), "channel");
        let ok = validate_contact(&form(" karin@example.se ", "", "email")).unwrap();
        assert_eq!(ok.email.as_deref(), Some("karin@example.se"));
    }
}

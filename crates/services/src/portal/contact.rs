//! How a customer wants to be reached: e-mail, text message or letter, and in which language.

use domain::customer::{Channel, Language};
use domain::portal::PortalProblem;
use domain::problem::Problem;

use super::Portal;
use crate::audit::{self, Event, Outcome};
use crate::auth::SessionUser;
use crate::error::Result;
use crate::{Actor, ServiceError};

/// Contact preferences as a customer submits them.
#[derive(Debug, Clone, Default)]
pub struct ContactForm {
    pub email: String,
    pub phone: String,
    pub language: String,
    pub channel: String,
}

/// Contact preferences that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChoice {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub channel: Channel,
}

impl Portal {
    /// How the customer of the session can be reached now, as the preferences page shows it.
    pub async fn contact(&self, user: &SessionUser) -> Result<store::customers::Contact> {
        let id = Self::customer_of(user)?;
        store::portal::contact(self.s.store(), id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Saves how the customer wants to be reached. The channel must be one they can be reached
    /// on: e-mail needs an address, SMS a mobile number; letters go to the address of record.
    pub async fn set_contact(
        &self,
        actor: &Actor,
        user: &SessionUser,
        form: &ContactForm,
    ) -> Result<()> {
        let id = Self::customer_of(user)?;
        let choice = validate_contact(form)?;
        let prefs = store::customers::ContactPreferences {
            email: choice.email.clone(),
            phone: choice.phone.clone(),
            language: choice.language,
            preferred_channel: choice.channel,
        };
        let mut tx = self.s.store().begin().await?;
        store::customers::set_contact_preferences(&mut tx, id, &prefs).await?;
        audit::record(
            &mut tx,
            &self.s,
            actor,
            &Event {
                action: "contact_preferences_changed",
                object_kind: "customer",
                object_id: &id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("channel {}, language {}", choice.channel, choice.language),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn invalid(field: &'static str, problem: impl Into<Problem>) -> ServiceError {
    ServiceError::invalid(field, problem)
}

/// The preferences as submitted, checked field by field in the order of the form.
fn validate_contact(form: &ContactForm) -> Result<ContactChoice> {
    let email = form.email.trim();
    let email = match email {
        "" => None,
        e if domain::portal::plausible_email(e) => Some(e.to_owned()),
        _ => return Err(invalid("email", PortalProblem::BadEmail)),
    };
    let phone = form.phone.trim();
    let phone = match phone {
        "" => None,
        p if crate::visits::normalise_phone(p).is_some() => Some(p.to_owned()),
        _ => return Err(invalid("phone", PortalProblem::BadPhone)),
    };
    let language: Language = form
        .language
        .parse()
        .map_err(|e| invalid("language", Problem::UnknownChoice(e)))?;
    let channel: Channel = form
        .channel
        .parse()
        .map_err(|e| invalid("channel", Problem::UnknownChoice(e)))?;
    match channel {
        Channel::Email if email.is_none() => {
            return Err(invalid("channel", PortalProblem::EmailNeeded));
        }
        Channel::Sms if !phone.as_deref().is_some_and(is_mobile) => {
            return Err(invalid("channel", PortalProblem::MobileNeeded));
        }
        _ => {}
    }
    Ok(ContactChoice {
        email,
        phone,
        language,
        channel,
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

    fn refused(r: Result<ContactChoice>) -> (&'static str, Problem) {
        match r {
            Err(ServiceError::Invalid(domain::problem::Invalid { field, problem })) => {
                (field, problem)
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn channel_must_be_reachable() {
        let portal = |p| Problem::Portal(p);
        assert_eq!(
            refused(validate_contact(&form("", "", "email"))),
            ("channel", portal(PortalProblem::EmailNeeded))
        );
        assert_eq!(
            refused(validate_contact(&form("", "0586-123 45", "sms"))),
            ("channel", portal(PortalProblem::MobileNeeded))
        );
        assert!(validate_contact(&form("", "070-123 45 67", "sms")).is_ok());
        assert!(validate_contact(&form("", "", "letter")).is_ok());
        assert_eq!(
            refused(validate_contact(&form("a b@c", "", "letter"))),
            ("email", portal(PortalProblem::BadEmail))
        );
        assert_eq!(
            refused(validate_contact(&form("", "abc", "letter"))),
            ("phone", portal(PortalProblem::BadPhone))
        );
        assert!(matches!(
            refused(validate_contact(&form("", "", "fax"))),
            ("channel", Problem::UnknownChoice(_))
        ));
        let mut bad_language = form("", "", "letter");
        bad_language.language = "de".into();
        assert!(matches!(
            refused(validate_contact(&bad_language)),
            ("language", Problem::UnknownChoice(_))
        ));
        let ok = validate_contact(&form(" karin@example.se ", "", "email")).unwrap();
        assert_eq!(ok.email.as_deref(), Some("karin@example.se"));
        assert_eq!(ok.channel, Channel::Email);
        assert_eq!(ok.language, Language::Sv);
    }
}

//! "Mina sidor", the customers' portal: what its overview tells a customer about their meter
//! exchange, and why a change of contact preferences is refused.
//!
//! The portal policy (`policy::PortalPolicy`: a banner on every page, self-service offered
//! before a chat is queued) is read per request by the pages and the chat; nothing here stores
//! it.

crate::closed_set! {
    /// The meter exchange as the customer has been told of it: a day they were notified of or
    /// booked, put off at their request, or done. A day planned but not yet announced may
    /// still move, so it is never shown. Named by `portal-meter-<code>`.
    pub enum MeterExchange in "portal-meter" {
        Notified = "notified",
        Booked = "booked",
        Deferred = "deferred",
        Done = "done",
    }
}

/// The longest e-mail address a customer may give, in characters.
pub const MAX_EMAIL_CHARS: usize = 200;

/// Why the portal refused a change of contact preferences. People read
/// [`crate::problem::Explain`]'s message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalProblem {
    /// Not something an e-mail can be sent to.
    BadEmail,
    /// Not a phone number.
    BadPhone,
    /// E-mail chosen without an address.
    EmailNeeded,
    /// Text messages chosen without a mobile number (07…).
    MobileNeeded,
}

impl PortalProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<PortalProblem> {
        vec![
            PortalProblem::BadEmail,
            PortalProblem::BadPhone,
            PortalProblem::EmailNeeded,
            PortalProblem::MobileNeeded,
        ]
    }
}

impl crate::problem::Explain for PortalProblem {
    fn message_key(&self) -> &'static str {
        match self {
            PortalProblem::BadEmail => "portal-problem-bad-email",
            PortalProblem::BadPhone => "portal-problem-bad-phone",
            PortalProblem::EmailNeeded => "portal-problem-email-needed",
            PortalProblem::MobileNeeded => "portal-problem-mobile-needed",
        }
    }
}

/// A plausible e-mail address: one `@` with something on each side, no spaces, at most
/// [`MAX_EMAIL_CHARS`] characters. Whether it reaches anyone only sending can tell.
pub fn plausible_email(email: &str) -> bool {
    email.contains('@')
        && email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(char::is_whitespace)
        && !email.starts_with('@')
        && !email.ends_with('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_states_are_named_by_their_portal_messages() {
        assert_eq!(MeterExchange::Booked.message_key(), "portal-meter-booked");
        assert_eq!(
            MeterExchange::parse("deferred"),
            Some(MeterExchange::Deferred)
        );
    }

    #[test]
    fn emails_are_checked_for_shape_only() {
        assert!(plausible_email("karin@example.se"));
        for bad in ["", "karin", "@example.se", "karin@", "a b@c.se"] {
            assert!(!plausible_email(bad), "{bad}");
        }
        assert!(!plausible_email(&format!("{}@x.se", "a".repeat(200))));
    }
}

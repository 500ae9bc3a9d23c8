//! "Mina sidor", the customers' portal: why a change of contact preferences is refused. (What
//! its overview says of the meter exchange is the campaign's `ExchangeState`.)
//!
//! The portal policy (`policy::PortalPolicy`: a banner on every page, self-service offered
//! before a chat is queued) is read per request by the pages and the chat; nothing here stores
//! it.

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
    fn emails_are_checked_for_shape_only() {
        assert!(plausible_email("karin@example.se"));
        for bad in ["", "karin", "@example.se", "karin@", "a b@c.se"] {
            assert!(!plausible_email(bad), "{bad}");
        }
        assert!(!plausible_email(&format!("{}@x.se", "a".repeat(200))));
    }
}

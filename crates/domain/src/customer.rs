//! Customer attributes that are closed sets: kind, language and preferred channel.

crate::closed_set! {
    /// Private person or business (the business has an organisation number).
    pub enum CustomerKind in "customer-kind" {
        Private = "private",
        Business = "business",
    }
}

crate::closed_set! {
    /// The language the customer wants messages and pages in.
    pub enum Language in "language" {
        Sv = "sv",
        En = "en",
    }
}

impl Default for Language {
    /// Swedish first.
    fn default() -> Language {
        Language::Sv
    }
}

impl Language {
    /// The code (`sv`, `en`), as pages and cookies write it.
    pub const fn code(self) -> &'static str {
        self.as_str()
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::parse(code)
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Language {
        match self {
            Language::Sv => Language::En,
            Language::En => Language::Sv,
        }
    }
}

crate::closed_set! {
    /// How the customer wants to be reached; letter is for customers without digital channels.
    pub enum Channel in "channel" {
        Email = "email",
        Sms = "sms",
        Letter = "letter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_sets_round_trip() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), *c);
        }
        let e = "fax".parse::<Channel>().unwrap_err().to_string();
        assert!(e.contains("email, sms, letter"), "{e}");
    }
}

//! Customer attributes that are closed sets: kind, language and preferred channel.

use std::str::FromStr;

macro_rules! closed_set {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $db:literal, $sv:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $db),+ } }
            pub fn label_sv(self) -> &'static str { match self { $($name::$variant => $sv),+ } }
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($db => Ok($name::$variant),)+
                    _ => Err(UnknownValue { what: stringify!($name), value: s.to_owned(), expected: &[$($db),+] }),
                }
            }
        }
    };
}

/// A value outside a closed set, with the values that are accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}: expected one of {}", expected.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

closed_set!(
    /// Private person or business (the business has an organisation number).
    CustomerKind {
        Private => "private", "Privatperson", "Private";
        Business => "business", "Företag", "Business";
    }
);

closed_set!(
    /// The language the customer wants messages and pages in.
    Language {
        Sv => "sv", "Svenska", "Swedish";
        En => "en", "Engelska", "English";
    }
);

closed_set!(
    /// How the customer wants to be reached; letter is for customers without digital channels.
    Channel {
        Email => "email", "E-post", "E-mail";
        Sms => "sms", "SMS", "Text message";
        Letter => "letter", "Brev", "Letter";
    }
);

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

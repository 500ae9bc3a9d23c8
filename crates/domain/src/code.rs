//! Closed sets (a status, a kind, a channel) and typed ids: the two shapes every stored value
//! that is not free text or money takes.
//!
//! A closed set is declared once with [`closed_set!`]: its variants, the stable code each one is
//! stored, sent and serialised as, and the name of the set. People never read the code: they
//! read the Fluent message `<set>-<code>` (`views/i18n/*/`), so a new value without a name in
//! both languages fails the message-file test, not a customer.
//!
//! A typed id ([`id!`]) is a row's primary key that only fits where that kind of row is meant:
//! a `CaseId` cannot be passed where a `CustomerId` is expected.

use std::fmt;

/// A value of a closed set: stored and sent as [`Code::code`], named for people by the Fluent
/// message [`Code::message_key`].
pub trait Code: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// The set's name, the prefix of its message keys (`case-status`).
    const SET: &'static str;
    /// Every value, in declaration order (select lists, tests).
    fn all() -> &'static [Self];
    /// The stable stored and wire form.
    fn code(self) -> &'static str;
    /// The value for a stored or submitted code; `None` for anything else.
    fn from_code(code: &str) -> Option<Self>;
    /// The Fluent message that names this value (`case-status-open`).
    fn message_key(self) -> &'static str;
}

/// A typed id: an `i64` primary key of one kind of row (see [`id!`]).
pub trait TypedId: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    fn from_i64(id: i64) -> Self;
    fn get(self) -> i64;
}

/// A code that is not one of its set's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {set} {value:?}: expected one of {}", expected.join(", "))]
pub struct UnknownCode {
    pub set: &'static str,
    pub value: String,
    pub expected: Vec<&'static str>,
}

/// Parses a code of `T`'s set, naming the set and the accepted codes when it is not one.
pub fn parse_code<T: Code>(value: &str) -> Result<T, UnknownCode> {
    T::from_code(value).ok_or_else(|| UnknownCode {
        set: T::SET,
        value: value.to_owned(),
        expected: T::all().iter().map(|v| v.code()).collect(),
    })
}

/// Declares a closed set: the enum, its codes, `ALL`, `as_str`, `FromStr`, `Display`, serde as
/// the code, and [`Code`] with the message keys `<set>-<code>`.
///
/// ```
/// domain::closed_set! {
///     /// Where a case stands.
///     pub enum Status in "example-status" {
///         New = "new",
///         Closed = "closed",
///     }
/// }
/// assert_eq!(Status::Closed.as_str(), "closed");
/// assert_eq!("new".parse::<Status>().unwrap(), Status::New);
/// assert_eq!(domain::code::Code::message_key(Status::New), "example-status-new");
/// ```
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$m:meta])*
        $vis:vis enum $name:ident in $set:literal {
            $( $(#[$vm:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vm])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable stored and wire form.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value for a stored or submitted code; `None` for anything else.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The Fluent message that names this value (`<set>-<code>`).
            pub const fn message_key(self) -> &'static str {
                match self { $($name::$variant => concat!($set, "-", $code)),+ }
            }
        }

        impl $crate::code::Code for $name {
            const SET: &'static str = $set;
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn from_code(code: &str) -> Option<Self> {
                $name::parse(code)
            }
            fn message_key(self) -> &'static str {
                $name::message_key(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::code::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::code::parse_code(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                $crate::code::parse_code(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}

/// Declares typed ids: `i64` primary keys that only fit where their kind of row is meant.
/// Serialised and parsed (paths, forms) as the plain number.
#[macro_export]
macro_rules! id {
    ($( $(#[$m:meta])* $name:ident ),+ $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> $name {
                $name(id)
            }
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl $crate::code::TypedId for $name {
            fn from_i64(id: i64) -> $name {
                $name(id)
            }
            fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Path segments and form fields arrive as text, JSON as a number.
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " (a whole number)"))
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        Ok($name(v))
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        i64::try_from(v).map($name).map_err(E::custom)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        v.trim().parse().map($name).map_err(E::custom)
                    }
                }
                d.deserialize_any(V)
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    closed_set! {
        /// A test set.
        pub enum Colour in "test-colour" {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    crate::id!(
        /// A test id.
        ThingId
    );

    #[test]
    fn codes_round_trip_and_name_their_message() {
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>().unwrap(), *c);
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{c}\""));
        }
        assert_eq!(Colour::DarkBlue.message_key(), "test-colour-dark_blue");
        let e = "green".parse::<Colour>().unwrap_err();
        assert_eq!(e.set, "test-colour");
        assert!(e.to_string().contains("red, dark_blue"), "{e}");
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
    }

    #[test]
    fn ids_read_numbers_and_text() {
        assert_eq!(
            serde_json::from_str::<ThingId>("42").unwrap(),
            ThingId::new(42)
        );
        assert_eq!(
            serde_json::from_str::<ThingId>("\"42\"").unwrap(),
            ThingId::new(42)
        );
        assert_eq!(serde_json::to_string(&ThingId::new(7)).unwrap(), "7");
        assert_eq!(ThingId::new(7).get(), 7);
        assert!(serde_json::from_str::<ThingId>("\"x\"").is_err());
    }
}

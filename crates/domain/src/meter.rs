//! Metering points and the fixed vocabularies around a meter exchange.
//!
//! This module owns the anläggnings-ID (the 18-digit GS1 GSRN that
//! identifies a metering point in the Swedish electricity market) and the
//! small enums describing a property, where its meter sits, how the meter is
//! connected and which utility service a contract covers. Each enum has a
//! stable database form (`as_str`/`FromStr`, also its serde form); people read
//! their names from the message files (`property-kind-house`, …).

use std::fmt;
use std::str::FromStr;

/// Number of digits in an anläggnings-ID, check digit included.
pub const ANLAGGNINGS_ID_LEN: usize = 18;

/// Why a value is not a valid anläggnings-ID or enum value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeterError {
    /// Nothing but whitespace was given.
    #[error("the anläggnings-ID is empty; enter the 18 digits, usually starting with 735999")]
    Empty,
    /// A character other than a digit or a space.
    #[error(
        "the anläggnings-ID may only contain digits (spaces are ignored), found {ch:?} at position {position}"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 1 in the trimmed input.
        position: usize,
    },
    /// Not 18 digits (or not 17 for [`AnlaggningsId::from_body`]).
    #[error("the anläggnings-ID must have {expected} digits, found {found}")]
    WrongLength {
        /// Digits required.
        expected: usize,
        /// Digits found.
        found: usize,
    },
    /// The last digit is not the GS1 check digit of the others.
    #[error(
        "the anläggnings-ID check digit (the last digit) does not match the other digits; check for a mistyped digit"
    )]
    BadCheckDigit,
}

/// A metering point identity (anläggnings-ID, GSRN): 18 digits whose last
/// digit is the GS1 mod-10 check digit.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct AnlaggningsId(String);

impl AnlaggningsId {
    /// Parses an anläggnings-ID, ignoring surrounding whitespace and spaces
    /// between digit groups (as printed on invoices).
    pub fn parse(s: &str) -> Result<Self, MeterError> {
        let digits = clean_digits(s)?;
        if digits.len() != ANLAGGNINGS_ID_LEN {
            return Err(MeterError::WrongLength {
                expected: ANLAGGNINGS_ID_LEN,
                found: digits.len(),
            });
        }
        let (body, check) = digits.split_at(ANLAGGNINGS_ID_LEN - 1);
        if check.as_bytes()[0] - b'0' != gs1_check_digit(body) {
            return Err(MeterError::BadCheckDigit);
        }
        Ok(Self(digits))
    }

    /// Completes a 17-digit body with its GS1 check digit, for example when
    /// a grid operator hands out a range of metering points.
    pub fn from_body(body17: &str) -> Result<Self, MeterError> {
        let mut digits = clean_digits(body17)?;
        if digits.len() != ANLAGGNINGS_ID_LEN - 1 {
            return Err(MeterError::WrongLength {
                expected: ANLAGGNINGS_ID_LEN - 1,
                found: digits.len(),
            });
        }
        let check = gs1_check_digit(&digits);
        digits.push(char::from(b'0' + check));
        Ok(Self(digits))
    }

    /// The 18 digits without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AnlaggningsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for AnlaggningsId {
    type Err = MeterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for AnlaggningsId {
    type Error = MeterError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AnlaggningsId> for String {
    fn from(value: AnlaggningsId) -> Self {
        value.0
    }
}

/// The GS1 mod-10 check digit of ASCII digits: weights 3, 1, 3, … starting
/// from the rightmost digit, and the digit that brings the sum up to a
/// multiple of ten.
fn gs1_check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let weight = if index % 2 == 0 { 3 } else { 1 };
            u32::from(byte - b'0') * weight
        })
        .sum();
    // The result is below 10, so the narrowing is lossless.
    ((10 - sum % 10) % 10) as u8
}

/// Trims the input, drops spaces and returns the digits, rejecting anything
/// else so that a mistyped letter is reported rather than skipped.
fn clean_digits(s: &str) -> Result<String, MeterError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(MeterError::Empty);
    }
    let mut digits = String::with_capacity(ANLAGGNINGS_ID_LEN);
    for (index, ch) in trimmed.chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' | '\u{a0}' => {}
            _ => {
                return Err(MeterError::InvalidCharacter {
                    ch,
                    position: index + 1,
                });
            }
        }
    }
    Ok(digits)
}

crate::closed_set! {
    /// What kind of property a metering point serves.
    pub enum PropertyKind in "property-kind" {
        /// A detached or terraced house (villa).
        House = "house",
        /// A flat in a multi-dwelling building.
        Apartment = "apartment",
        /// Business premises.
        Business = "business",
        /// Anything else, such as a summer house or a pump station.
        Other = "other",
    }
}

crate::closed_set! {
    /// Where the meter is installed, which decides whether the fitter needs
    /// the customer to be at home.
    pub enum Placement in "placement" {
        /// In a cabinet on the outside wall or at the plot boundary.
        OutdoorCabinet = "outdoor_cabinet",
        /// In a shared meter room or stairwell.
        MeterRoom = "meter_room",
        /// Inside the customer's home or premises.
        Indoor = "indoor",
        /// Not yet known.
        Unknown = "unknown",
    }
}

crate::closed_set! {
    /// How the meter is connected to the supply.
    pub enum MeterKind in "meter-kind" {
        /// The load current passes through the meter.
        Direct = "direct",
        /// The meter measures through current transformers (larger fuses).
        Ct = "ct",
    }
}

crate::closed_set! {
    /// A utility service the municipal company delivers.
    pub enum UtilityService in "utility-service" {
        /// Electricity network (elnät).
        Electricity = "electricity",
        /// District heating.
        DistrictHeating = "district_heating",
        /// Broadband (city network).
        Broadband = "broadband",
        /// Water and sewerage.
        Water = "water",
        /// Waste collection.
        Waste = "waste",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gs1_algorithm_matches_known_codes() {
        // GTIN-13 4006381333931 and GTIN-12 036000291452 are published GS1
        // examples; the algorithm is the same for every length.
        assert_eq!(gs1_check_digit("400638133393"), 1);
        assert_eq!(gs1_check_digit("03600029145"), 2);
    }

    #[test]
    fn anlaggnings_id() {
        let id = AnlaggningsId::from_body("73599912345678901").unwrap();
        assert_eq!(id.as_str().len(), 18);
        assert!(id.as_str().starts_with("73599912345678901"));
        assert_eq!(AnlaggningsId::parse(id.as_str()).unwrap(), id);
        let spaced = format!(" {} {} ", &id.as_str()[..6], &id.as_str()[6..]);
        assert_eq!(AnlaggningsId::parse(&spaced).unwrap(), id);
        assert_eq!(id.to_string(), id.as_str());

        assert_eq!(AnlaggningsId::parse(""), Err(MeterError::Empty));
        assert_eq!(
            AnlaggningsId::parse("7359991234567890"),
            Err(MeterError::WrongLength {
                expected: 18,
                found: 16
            })
        );
        assert_eq!(
            AnlaggningsId::parse("73599912345678901x"),
            Err(MeterError::InvalidCharacter {
                ch: 'x',
                position: 18
            })
        );
        assert_eq!(
            AnlaggningsId::from_body("735999"),
            Err(MeterError::WrongLength {
                expected: 17,
                found: 6
            })
        );
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<AnlaggningsId>(&json).unwrap(), id);
    }

    #[test]
    fn vocabularies_round_trip() {
        // Every value must come back from its database and serde forms.
        macro_rules! check {
            ($ty:ty) => {
                for &value in <$ty>::ALL {
                    assert_eq!(value.as_str().parse::<$ty>().unwrap(), value);
                    let json = serde_json::to_string(&value).unwrap();
                    assert_eq!(json, format!("\"{}\"", value.as_str()));
                    assert_eq!(serde_json::from_str::<$ty>(&json).unwrap(), value);
                }
            };
        }
        check!(PropertyKind);
        check!(Placement);
        check!(MeterKind);
        check!(UtilityService);
        assert_eq!(PropertyKind::ALL.len(), 4);
        assert_eq!(Placement::ALL.len(), 4);
        assert_eq!(MeterKind::ALL.len(), 2);
        assert_eq!(UtilityService::ALL.len(), 5);
        assert_eq!(UtilityService::DistrictHeating.as_str(), "district_heating");
        let err = "villa".parse::<PropertyKind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown property-kind \"villa\": expected one of house, apartment, business, other"
        );
    }

    proptest! {
        #[test]
        fn from_body_then_parse(body in "[0-9]{17}") {
            let id = AnlaggningsId::from_body(&body).unwrap();
            prop_assert_eq!(&id.as_str()[..17], body.as_str());
            prop_assert_eq!(AnlaggningsId::parse(id.as_str()).unwrap(), id);
        }

        #[test]
        fn single_digit_change_is_rejected(
            body in "[0-9]{17}",
            position in 0usize..18,
            delta in 1u8..10,
        ) {
            let id = AnlaggningsId::from_body(&body).unwrap();
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(AnlaggningsId::parse(&mutated), Err(MeterError::BadCheckDigit));
        }
    }
}

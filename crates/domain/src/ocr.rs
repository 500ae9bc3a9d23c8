//! Bankgirot OCR reference numbers and the Luhn ("10-modul") check digit.
//!
//! This module owns the rules for the payment reference a customer types in
//! their internet bank: 2–25 digits whose last digit is a Luhn check digit,
//! optionally preceded by a length digit (swedish-formats.md §1.5). The Luhn
//! functions live here because the same algorithm also guards personnummer
//! and organisationsnummer (see [`crate::identity`]).

use std::fmt;

/// Shortest OCR reference Bankgirot accepts, counting the check digit.
pub const MIN_LEN: usize = 2;
/// Longest OCR reference Bankgirot accepts, counting the check digit.
pub const MAX_LEN: usize = 25;

/// Returns `true` when `digits` is a non-empty string of ASCII digits whose
/// last digit is the correct Luhn check digit for the digits before it.
///
/// Any character that is not an ASCII digit makes the result `false`, so
/// callers must strip separators first.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(digits.bytes().rev(), false).is_multiple_of(10)
}

/// Computes the Luhn check digit to append to `digits_without_check`.
///
/// Starting from the rightmost digit, digits are weighted 2, 1, 2, 1, … and
/// the digit sums of the products are added; the check digit is
/// `(10 - sum mod 10) mod 10`. Characters that are not ASCII digits are
/// skipped, which keeps the function total; validate the input first if a
/// stray character must be an error. An empty input gives `0`.
pub fn luhn_check_digit(digits_without_check: &str) -> u8 {
    let digits = digits_without_check
        .bytes()
        .filter(u8::is_ascii_digit)
        .rev();
    let sum = luhn_sum(digits, true);
    // The sum modulo 10 is below 10, so the narrowing cannot lose anything.
    ((10 - sum % 10) % 10) as u8
}

/// Adds up Luhn-weighted digits given right to left. `double_first` is
/// `true` when the first digit seen is the one right of which the check digit
/// will be appended (it gets weight 2), and `false` when the first digit is
/// the check digit itself (weight 1).
fn luhn_sum(digits_right_to_left: impl Iterator<Item = u8>, double_first: bool) -> u32 {
    let mut sum = 0u32;
    let mut double = double_first;
    for byte in digits_right_to_left {
        let digit = u32::from(byte - b'0');
        sum += if double {
            let product = digit * 2;
            product / 10 + product % 10
        } else {
            digit
        };
        double = !double;
    }
    sum
}

/// Why a string is not a usable OCR reference.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    /// Nothing but whitespace was given.
    #[error("the OCR reference is empty; enter the 2–25 digits printed on the invoice")]
    Empty,
    /// A character other than a digit or a space.
    #[error(
        "the OCR reference may only contain digits (spaces are ignored), found {ch:?} at position {position}"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 1 in the trimmed input.
        position: usize,
    },
    /// Fewer or more digits than Bankgirot allows.
    #[error("an OCR reference must have between 2 and 25 digits, found {found}")]
    WrongLength {
        /// Number of digits found (after removing spaces).
        found: usize,
    },
    /// The last digit is not the Luhn check digit of the others.
    #[error(
        "the OCR reference check digit (the last digit) does not match the other digits; check for a mistyped digit"
    )]
    BadCheckDigit,
    /// The second-to-last digit does not state the reference length.
    #[error(
        "the OCR reference length digit (second to last) is {found}, but the reference has {length} digits so it should be {expected}"
    )]
    BadLengthDigit {
        /// The length digit that was found.
        found: u8,
        /// The digit the length requires (`length % 10`).
        expected: u8,
        /// Total number of digits in the reference.
        length: usize,
    },
    /// `generate` was given a base that would give a too long reference.
    #[error(
        "the base has {base_len} digits, which makes a {total}-digit reference; OCR references may have at most 25 digits"
    )]
    BaseTooLong {
        /// Digits in the base.
        base_len: usize,
        /// Length the generated reference would have had.
        total: usize,
    },
}

/// A validated Bankgirot OCR reference: 2–25 ASCII digits, Luhn-valid.
///
/// The stored form has no spaces. Whether the reference also carries a
/// length digit depends on the bankgiro agreement, so it is checked only by
/// [`OcrReference::parse_with_length_digit`].
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct OcrReference(String);

impl OcrReference {
    /// Parses a reference as typed by a customer or read from a BgMax file.
    ///
    /// Surrounding whitespace and any inner spaces (regular or no-break) are
    /// removed; what remains must be 2–25 digits with a correct Luhn check
    /// digit.
    pub fn parse(s: &str) -> Result<Self, OcrError> {
        let digits = clean_digits(s)?;
        check_length(digits.len())?;
        if !luhn_valid(&digits) {
            return Err(OcrError::BadCheckDigit);
        }
        Ok(Self(digits))
    }

    /// Like [`OcrReference::parse`], and additionally requires the
    /// second-to-last digit to be the total length modulo 10 (Bankgirot's
    /// "variable length" control level).
    pub fn parse_with_length_digit(s: &str) -> Result<Self, OcrError> {
        let reference = Self::parse(s)?;
        let length = reference.0.len();
        let expected = length_digit(length);
        // parse guarantees at least two ASCII digits, so the index exists.
        let found = reference.0.as_bytes()[length - 2] - b'0';
        if found != expected {
            return Err(OcrError::BadLengthDigit {
                found,
                expected,
                length,
            });
        }
        Ok(reference)
    }

    /// Builds a reference from `base` (for example an invoice number) by
    /// appending, when `with_length_digit` is set, the length digit and then
    /// the Luhn check digit over everything before it.
    ///
    /// Spaces in `base` are ignored. The base must not be empty and the
    /// finished reference must have 2–25 digits.
    pub fn generate(base: &str, with_length_digit: bool) -> Result<Self, OcrError> {
        let mut digits = clean_digits(base)?;
        let total = digits.len() + if with_length_digit { 2 } else { 1 };
        if total > MAX_LEN {
            return Err(OcrError::BaseTooLong {
                base_len: digits.len(),
                total,
            });
        }
        check_length(total)?;
        if with_length_digit {
            digits.push(char::from(b'0' + length_digit(total)));
        }
        let check = luhn_check_digit(&digits);
        digits.push(char::from(b'0' + check));
        Ok(Self(digits))
    }

    /// The reference digits without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OcrReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl std::str::FromStr for OcrReference {
    type Err = OcrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OcrReference {
    type Error = OcrError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OcrReference> for String {
    fn from(value: OcrReference) -> Self {
        value.0
    }
}

/// The length digit for a reference of `total` digits: only the units digit
/// is used once the length reaches 10.
fn length_digit(total: usize) -> u8 {
    // A value modulo 10 always fits in a u8.
    (total % 10) as u8
}

fn check_length(found: usize) -> Result<(), OcrError> {
    if (MIN_LEN..=MAX_LEN).contains(&found) {
        Ok(())
    } else {
        Err(OcrError::WrongLength { found })
    }
}

/// Trims the input, drops spaces and returns the digits, rejecting anything
/// else so that a mistyped letter is reported rather than silently skipped.
fn clean_digits(s: &str) -> Result<String, OcrError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(OcrError::Empty);
    }
    let mut digits = String::with_capacity(trimmed.len());
    for (index, ch) in trimmed.chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' | '\u{a0}' | '\u{202f}' => {}
            _ => {
                return Err(OcrError::InvalidCharacter {
                    ch,
                    position: index + 1,
                });
            }
        }
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn luhn_known_values() {
        // Examples from swedish-formats.md: a personnummer and an org number.
        assert!(luhn_valid("8803200016"));
        assert!(!luhn_valid("8803200018"));
        assert!(luhn_valid("2120000142"));
        assert_eq!(luhn_check_digit("880320001"), 6);
        assert_eq!(luhn_check_digit("212000014"), 2);
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("88032a0016"));
    }

    #[test]
    fn reference_example_with_length_digit() {
        // 655969: six digits, length digit 6, check digit 9 (§1.5).
        let reference = OcrReference::parse_with_length_digit("655969").unwrap();
        assert_eq!(reference.as_str(), "655969");
        assert_eq!(
            OcrReference::generate("6559", true).unwrap().as_str(),
            "655969"
        );
    }

    #[test]
    fn spaces_are_removed() {
        let reference = OcrReference::parse(" 65 59\u{a0}69 ").unwrap();
        assert_eq!(reference.to_string(), "655969");
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(OcrReference::parse("  "), Err(OcrError::Empty));
        assert_eq!(
            OcrReference::parse("65x969"),
            Err(OcrError::InvalidCharacter {
                ch: 'x',
                position: 3
            })
        );
        assert_eq!(
            OcrReference::parse("0"),
            Err(OcrError::WrongLength { found: 1 })
        );
        assert_eq!(
            OcrReference::parse(&"0".repeat(26)),
            Err(OcrError::WrongLength { found: 26 })
        );
        assert_eq!(OcrReference::parse("655968"), Err(OcrError::BadCheckDigit));
        // 6559 plus its Luhn digit is a valid five-digit reference, but its
        // second-to-last digit is 9 where a length digit would have to be 5.
        let without = OcrReference::generate("6559", false).unwrap();
        assert_eq!(
            OcrReference::parse_with_length_digit(without.as_str()),
            Err(OcrError::BadLengthDigit {
                found: 9,
                expected: 5,
                length: 5
            })
        );
        assert!(matches!(
            OcrReference::generate(&"1".repeat(24), true),
            Err(OcrError::BaseTooLong {
                base_len: 24,
                total: 26
            })
        ));
        assert!(OcrReference::generate(&"1".repeat(23), true).is_ok());
        assert!(OcrReference::generate(&"1".repeat(24), false).is_ok());
        assert_eq!(OcrReference::generate("", false), Err(OcrError::Empty));
    }

    #[test]
    fn length_digit_uses_units_of_length() {
        // A 12-digit reference has length digit 2.
        let reference = OcrReference::generate("1234567890", true).unwrap();
        assert_eq!(reference.as_str().len(), 12);
        assert_eq!(&reference.as_str()[10..11], "2");
        assert!(OcrReference::parse_with_length_digit(reference.as_str()).is_ok());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let reference = OcrReference::generate("4711", true).unwrap();
        let json = serde_json::to_string(&reference).unwrap();
        assert_eq!(json, format!("\"{}\"", reference.as_str()));
        let back: OcrReference = serde_json::from_str(&json).unwrap();
        assert_eq!(back, reference);
        assert!(serde_json::from_str::<OcrReference>("\"655968\"").is_err());
    }

    proptest! {
        #[test]
        fn generate_then_parse(base in "[0-9]{1,23}", with_length in any::<bool>()) {
            let reference = OcrReference::generate(&base, with_length).unwrap();
            prop_assert!(reference.as_str().starts_with(&base));
            prop_assert_eq!(OcrReference::parse(reference.as_str()).unwrap(), reference.clone());
            if with_length {
                prop_assert_eq!(
                    OcrReference::parse_with_length_digit(reference.as_str()).unwrap(),
                    reference
                );
            }
        }

        #[test]
        fn single_digit_mutation_fails(
            base in "[0-9]{1,23}",
            with_length in any::<bool>(),
            position in any::<prop::sample::Index>(),
            delta in 1u8..10,
        ) {
            let reference = OcrReference::generate(&base, with_length).unwrap();
            let mut bytes = reference.as_str().as_bytes().to_vec();
            let index = position.index(bytes.len());
            bytes[index] = b'0' + (bytes[index] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(OcrReference::parse(&mutated), Err(OcrError::BadCheckDigit));
        }
    }
}

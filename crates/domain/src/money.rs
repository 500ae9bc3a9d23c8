//! Amounts of Swedish kronor, held as whole öre in an `i64`.
//!
//! This module owns the money type used everywhere in Beredskap, its Swedish
//! display form (`1 234,50 kr`) and the parser for amounts typed by staff.
//! Integer öre keep sums exact, which matters because BgMax files and
//! ledgers are reconciled to the öre (swedish-formats.md §1.1).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// The no-break space used as thousands separator and before "kr", so an
/// amount never wraps across lines.
const NBSP: char = '\u{a0}';

/// An amount of money in öre (1/100 SEK).
///
/// The arithmetic operators behave like the underlying `i64`: they panic on
/// overflow in debug builds and wrap in release builds. Overflow needs sums
/// beyond ±92 billion billion kronor, so the operators are fine for ordinary
/// totals; use [`Money::checked_add`] and [`Money::checked_sub`] where the
/// operands come from outside the system without bounds.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Money(i64);

impl Money {
    /// Zero kronor.
    pub const ZERO: Money = Money(0);

    /// Creates an amount from whole öre.
    pub const fn from_ore(ore: i64) -> Money {
        Money(ore)
    }

    /// The amount in whole öre.
    pub const fn ore(self) -> i64 {
        self.0
    }

    /// Creates an amount from whole kronor.
    ///
    /// Like integer multiplication this panics in debug builds (and wraps in
    /// release builds) when `kronor * 100` does not fit in an `i64`; use
    /// [`Money::checked_from_kronor`] for untrusted input.
    pub const fn from_kronor(kronor: i64) -> Money {
        Money(kronor * 100)
    }

    /// Creates an amount from whole kronor, or `None` if it would overflow.
    pub const fn checked_from_kronor(kronor: i64) -> Option<Money> {
        match kronor.checked_mul(100) {
            Some(ore) => Some(Money(ore)),
            None => None,
        }
    }

    /// Adds, returning `None` on overflow.
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.0.checked_add(other.0) {
            Some(ore) => Some(Money(ore)),
            None => None,
        }
    }

    /// Subtracts, returning `None` on overflow.
    pub const fn checked_sub(self, other: Money) -> Option<Money> {
        match self.0.checked_sub(other.0) {
            Some(ore) => Some(Money(ore)),
            None => None,
        }
    }

    /// Multiplies by a whole number (for example a quantity), returning
    /// `None` on overflow.
    pub const fn checked_mul(self, factor: i64) -> Option<Money> {
        match self.0.checked_mul(factor) {
            Some(ore) => Some(Money(ore)),
            None => None,
        }
    }

    /// `true` when the amount is below zero (a credit or a refund).
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `true` when the amount is exactly zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add for Money {
    type Output = Money;

    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;

    /// Negates the amount; like `i64`, negating `i64::MIN` öre overflows.
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

impl fmt::Display for Money {
    /// Writes the Swedish form `-1 234,50 kr`, with no-break spaces as the
    /// thousands separator and before "kr". Width and alignment flags apply
    /// to the whole text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // unsigned_abs gives the magnitude even for i64::MIN, which has no
        // positive i64 counterpart.
        let magnitude = self.0.unsigned_abs();
        let kronor = (magnitude / 100).to_string();
        let ore = magnitude % 100;

        let mut text = String::with_capacity(kronor.len() * 2 + 8);
        if self.0 < 0 {
            text.push('-');
        }
        let first_group = match kronor.len() % 3 {
            0 => 3,
            n => n,
        };
        for (index, digit) in kronor.chars().enumerate() {
            if index >= first_group && (index - first_group) % 3 == 0 {
                text.push(NBSP);
            }
            text.push(digit);
        }
        text.push(',');
        text.push_str(&format!("{ore:02}"));
        text.push(NBSP);
        text.push_str("kr");
        f.pad(&text)
    }
}

impl std::str::FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_kronor(s)
    }
}

/// Why a text is not an amount of kronor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but whitespace (or only "kr") was given.
    #[error("the amount is empty; enter kronor such as 1 234,50")]
    Empty,
    /// A character that has no place in an amount.
    #[error(
        "unexpected {ch:?} at position {position} in the amount; use digits, spaces between thousands, and ',' or '.' before öre, e.g. 1 234,50"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 1 in the trimmed input.
        position: usize,
    },
    /// No digits before the decimal separator.
    #[error("the amount has no kronor before the decimal separator; write 0,50 rather than ,50")]
    MissingKronor,
    /// A decimal separator without any öre after it.
    #[error(
        "the amount ends with a decimal separator; write öre after it (1 234,50) or leave it out (1 234)"
    )]
    MissingOre,
    /// More than two digits after the decimal separator.
    #[error(
        "the amount has {found} decimals but at most 2 (öre) are allowed; to group thousands use a space, not '.' or ','"
    )]
    TooManyDecimals {
        /// Number of digits after the separator.
        found: usize,
    },
    /// Thousands separators that do not split the kronor into groups of three.
    #[error(
        "digit groups in the amount must be three digits after the first, as in 1 234 567; remove the spaces or fix the grouping"
    )]
    BadGrouping,
    /// The amount cannot be held in öre as an `i64`.
    #[error("the amount is too large; the limit is about 92 000 000 000 000 000 kr")]
    OutOfRange,
}

/// Parses an amount of kronor as staff type it.
///
/// Accepted: `1234`, `1 234`, `1 234,50`, `1234.5`, `1 234,50 kr`, with an
/// optional leading `-`. Thousands may be separated by regular, no-break or
/// narrow no-break spaces, in groups of three; the decimal separator is `,`
/// or `.` followed by one or two öre digits. Surrounding whitespace and a
/// trailing `kr` (any case) are ignored, so every [`Money`] display form
/// parses back to the same amount.
pub fn parse_kronor(s: &str) -> Result<Money, MoneyError> {
    let trimmed = s.trim();
    let without_unit = strip_kr_suffix(trimmed).trim_end();
    if without_unit.is_empty() {
        return Err(MoneyError::Empty);
    }

    let (negative, body, offset) = match without_unit.strip_prefix('-') {
        Some(rest) => (true, rest, 1),
        None => (false, without_unit, 0),
    };
    if body.is_empty() {
        return Err(MoneyError::Empty);
    }

    let mut kronor: u128 = 0;
    let mut kronor_digits = 0usize;
    // Digits in the group currently being read and whether any separator
    // has been seen, so grouping can be checked as we go.
    let mut group_len = 0usize;
    let mut grouped = false;
    let mut decimals: Option<(u128, usize)> = None;

    for (index, ch) in body.chars().enumerate() {
        let position = offset + index + 1;
        match (ch, decimals.as_mut()) {
            ('0'..='9', None) => {
                kronor = kronor * 10 + u128::from(ch as u8 - b'0');
                kronor_digits += 1;
                group_len += 1;
                // Saturate well above the i64 range instead of overflowing
                // u128 on absurdly long input; the range check below rejects it.
                kronor = kronor.min(u128::from(u64::MAX) * 1000);
            }
            ('0'..='9', Some((value, count))) => {
                *value = *value * 10 + u128::from(ch as u8 - b'0');
                *count += 1;
                if *count > 2 {
                    let found = body
                        .chars()
                        .skip(index + 1 - *count)
                        .take_while(char::is_ascii_digit)
                        .count();
                    return Err(MoneyError::TooManyDecimals { found });
                }
            }
            (' ' | NBSP | '\u{202f}', None) => {
                if group_len == 0 || (grouped && group_len != 3) || (!grouped && group_len > 3) {
                    return Err(MoneyError::BadGrouping);
                }
                grouped = true;
                group_len = 0;
            }
            (',' | '.', None) => {
                if kronor_digits == 0 {
                    return Err(MoneyError::MissingKronor);
                }
                if grouped && group_len != 3 {
                    return Err(MoneyError::BadGrouping);
                }
                decimals = Some((0, 0));
            }
            _ => return Err(MoneyError::InvalidCharacter { ch, position }),
        }
    }

    let ore = match decimals {
        None => {
            if grouped && group_len != 3 {
                return Err(MoneyError::BadGrouping);
            }
            0
        }
        Some((_, 0)) => return Err(MoneyError::MissingOre),
        Some((value, 1)) => value * 10,
        Some((value, _)) => value,
    };

    let magnitude = i128::try_from(kronor * 100 + ore).map_err(|_| MoneyError::OutOfRange)?;
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed)
        .map(Money)
        .map_err(|_| MoneyError::OutOfRange)
}

/// Removes a trailing "kr" (in any case) so both typed and displayed
/// amounts parse.
fn strip_kr_suffix(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.len() >= 2 && bytes[bytes.len() - 2..].eq_ignore_ascii_case(b"kr") {
        &s[..s.len() - 2]
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(ore: i64) -> String {
        Money::from_ore(ore).to_string().replace(NBSP, " ")
    }

    #[test]
    fn display_examples() {
        assert_eq!(show(0), "0,00 kr");
        assert_eq!(show(5), "0,05 kr");
        assert_eq!(show(-5), "-0,05 kr");
        assert_eq!(show(123_450), "1 234,50 kr");
        assert_eq!(show(-123_450), "-1 234,50 kr");
        assert_eq!(show(100_000), "1 000,00 kr");
        assert_eq!(show(99_999), "999,99 kr");
        assert_eq!(show(12_345_678_900), "123 456 789,00 kr");
        assert_eq!(show(i64::MAX), "92 233 720 368 547 758,07 kr");
        assert_eq!(show(i64::MIN), "-92 233 720 368 547 758,08 kr");
        // The separators really are no-break spaces.
        assert_eq!(
            Money::from_ore(123_450).to_string(),
            "1\u{a0}234,50\u{a0}kr"
        );
    }

    #[test]
    fn parse_examples() {
        let ok = |s: &str| parse_kronor(s).unwrap().ore();
        assert_eq!(ok("1234"), 123_400);
        assert_eq!(ok("1 234,50"), 123_450);
        assert_eq!(ok("1234.5"), 123_450);
        assert_eq!(ok("1 234,50 kr"), 123_450);
        assert_eq!(ok("1\u{a0}234,50\u{a0}kr"), 123_450);
        assert_eq!(ok("  -1 234,05 KR "), -123_405);
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("-0,00"), 0);
        assert_eq!(ok("12 345 678"), 1_234_567_800);
        assert_eq!(ok("1234kr"), 123_400);
        assert_eq!(ok("-92233720368547758,08"), i64::MIN);
        assert_eq!(ok("92233720368547758,07"), i64::MAX);
    }

    #[test]
    fn parse_errors() {
        let err = |s: &str| parse_kronor(s).unwrap_err();
        assert_eq!(err(""), MoneyError::Empty);
        assert_eq!(err(" kr "), MoneyError::Empty);
        assert_eq!(err("-"), MoneyError::Empty);
        assert_eq!(err("12,345"), MoneyError::TooManyDecimals { found: 3 });
        // A dot used as thousands separator reads as three decimals.
        assert_eq!(err("1.234,50"), MoneyError::TooManyDecimals { found: 3 });
        assert_eq!(
            err("1,5x"),
            MoneyError::InvalidCharacter {
                ch: 'x',
                position: 4
            }
        );
        assert_eq!(err("1,2345"), MoneyError::TooManyDecimals { found: 4 });
        assert_eq!(err(",50"), MoneyError::MissingKronor);
        assert_eq!(err("12,"), MoneyError::MissingOre);
        assert_eq!(err("12 34"), MoneyError::BadGrouping);
        assert_eq!(err("1234 567"), MoneyError::BadGrouping);
        assert_eq!(err("1  234"), MoneyError::BadGrouping);
        assert_eq!(
            err("12a"),
            MoneyError::InvalidCharacter {
                ch: 'a',
                position: 3
            }
        );
        assert_eq!(
            err("--5"),
            MoneyError::InvalidCharacter {
                ch: '-',
                position: 2
            }
        );
        assert_eq!(err("92233720368547758,08"), MoneyError::OutOfRange);
        assert_eq!(err(&"9".repeat(60)), MoneyError::OutOfRange);
        // Messages say what is expected.
        assert!(err("12,345").to_string().contains("at most 2"));
    }

    #[test]
    fn arithmetic() {
        let a = Money::from_kronor(10);
        let b = Money::from_ore(250);
        assert_eq!((a + b).ore(), 1250);
        assert_eq!((a - b).ore(), 750);
        assert_eq!((-a).ore(), -1000);
        let mut c = a;
        c += b;
        c -= Money::from_ore(50);
        assert_eq!(c.ore(), 1200);
        assert_eq!([a, b].iter().sum::<Money>().ore(), 1250);
        assert_eq!(vec![a, b].into_iter().sum::<Money>().ore(), 1250);
        assert_eq!(
            Money::from_ore(i64::MAX).checked_add(Money::from_ore(1)),
            None
        );
        assert_eq!(
            Money::from_ore(i64::MIN).checked_sub(Money::from_ore(1)),
            None
        );
        assert_eq!(Money::checked_from_kronor(i64::MAX), None);
        assert!(Money::from_ore(-1).is_negative());
        assert!(!Money::ZERO.is_negative());
        assert_eq!(Money::default(), Money::ZERO);
        assert_eq!(serde_json::to_string(&b).unwrap(), "250");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(ore in any::<i64>()) {
            let money = Money::from_ore(ore);
            prop_assert_eq!(parse_kronor(&money.to_string()), Ok(money));
        }

        #[test]
        fn typed_forms_round_trip(kronor in 0i64..10_000_000_000, ore in 0i64..100) {
            let expected = Money::from_ore(kronor * 100 + ore);
            prop_assert_eq!(parse_kronor(&format!("{kronor},{ore:02}")), Ok(expected));
            prop_assert_eq!(parse_kronor(&format!("{kronor}.{ore:02}")), Ok(expected));
            prop_assert_eq!(parse_kronor(&format!("-{kronor},{ore:02} kr")), Ok(-expected));
        }

        #[test]
        fn display_grouping(ore in any::<i64>()) {
            let text = Money::from_ore(ore).to_string();
            let body = text.strip_suffix("\u{a0}kr").unwrap();
            let body = body.strip_prefix('-').unwrap_or(body);
            prop_assert_eq!(text.starts_with('-'), ore < 0);
            let (kronor, decimals) = body.split_once(',').unwrap();
            prop_assert_eq!(decimals.len(), 2);
            let groups: Vec<&str> = kronor.split(NBSP).collect();
            prop_assert!((1..=3).contains(&groups[0].len()));
            prop_assert!(groups[0] == "0" || !groups[0].starts_with('0'));
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
            prop_assert!(kronor.chars().all(|c| c.is_ascii_digit() || c == NBSP));
            let digits: String = groups.concat();
            prop_assert_eq!(digits, (ore.unsigned_abs() / 100).to_string());
        }
    }
}

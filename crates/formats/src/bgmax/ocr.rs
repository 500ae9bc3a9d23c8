//! OCR reference numbers as Bankgirot checks them: digits only, 2–25 long,
//! the last digit a Luhn ("10-modul") check digit, optionally preceded by a
//! length digit.
//!
//! The parser needs only [`is_valid`]; the length digit depends on the
//! payee's agreement with the bank, so checking it is left to callers that
//! know the agreement. This is a small copy of the rule, not the `domain`
//! type, because this crate does not depend on `domain`.

/// Shortest OCR reference Bankgirot accepts.
pub const MIN_LEN: usize = 2;
/// Longest OCR reference (the width of the reference field).
pub const MAX_LEN: usize = 25;

/// Whether `reference` is 2–25 digits with a correct Luhn check digit.
pub fn is_valid(reference: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&reference.len()) && luhn_sum(reference) == Some(0)
}

/// Whether the second-last digit equals the reference's length modulo 10,
/// as under the "check digit and length" agreement. Does not check the
/// check digit itself.
pub fn has_valid_length_digit(reference: &str) -> bool {
    let mut digits = reference.bytes().rev();
    match (digits.next(), digits.next()) {
        (Some(_), Some(length_digit)) if reference.bytes().all(|b| b.is_ascii_digit()) => {
            usize::from(length_digit - b'0') == reference.len() % 10
        }
        _ => false,
    }
}

/// `base` followed by its Luhn check digit, or `None` when `base` is not
/// 1–24 digits.
pub fn with_check_digit(base: &str) -> Option<String> {
    if base.is_empty() || base.len() >= MAX_LEN {
        return None;
    }
    // Appending a zero puts every digit of `base` in the weight it has next
    // to the check digit, and the sum's complement is the check digit.
    let sum = luhn_sum(&format!("{base}0"))?;
    let check = (10 - sum) % 10;
    Some(format!("{base}{check}"))
}

/// `base` followed by a length digit and a check digit, or `None` when
/// `base` is not 1–23 digits.
pub fn with_length_and_check_digit(base: &str) -> Option<String> {
    if base.is_empty() || base.len() + 2 > MAX_LEN {
        return None;
    }
    let length_digit = (base.len() + 2) % 10;
    with_check_digit(&format!("{base}{length_digit}"))
}

/// The Luhn sum modulo 10 of `digits`, counting from the rightmost digit
/// with weights 1, 2, 1, 2 …; `None` when there is a non-digit.
fn luhn_sum(digits: &str) -> Option<u32> {
    let mut sum = 0u32;
    for (index, byte) in digits.bytes().rev().enumerate() {
        let digit = u32::from(byte.checked_sub(b'0').filter(|d| *d <= 9)?);
        let weighted = if index % 2 == 1 { digit * 2 } else { digit };
        sum = (sum + weighted / 10 + weighted % 10) % 10;
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example_with_length_digit() {
        // The reference's worked example: 6 digits, length digit 6, check 9.
        assert!(is_valid("655969"));
        assert!(has_valid_length_digit("655969"));
        assert_eq!(
            with_length_and_check_digit("6559").as_deref(),
            Some("655969")
        );
    }

    #[test]
    fn wrong_check_digit_and_non_digits_fail() {
        assert!(!is_valid("655968"));
        assert!(!is_valid("65596a"));
        assert!(!is_valid("0"));
        assert!(!is_valid(""));
        assert!(!is_valid(&"0".repeat(26)));
    }

    #[test]
    fn check_digit_round_trips() {
        for base in ["1", "524", "12345678901234567890123", "99999"] {
            let full = with_check_digit(base).unwrap_or_default();
            assert!(is_valid(&full), "{full}");
        }
        assert_eq!(with_check_digit(""), None);
        assert_eq!(with_check_digit("12x"), None);
    }
}

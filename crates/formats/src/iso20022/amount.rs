//! Amounts as ISO 20022 writes them (`18450.00`) to and from integer öre.

/// `ore` as a decimal with exactly two decimals, such as `18450.00`.
pub(crate) fn format(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Integer öre of a non-negative decimal with at most two decimals
/// (`200000`, `1.5`, `7125.50`); `None` for anything else, including a sign,
/// an exponent, more than two decimals and values beyond `i64`.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    if text.ends_with('.') {
        return None;
    }
    let mut ore: i64 = 0;
    for byte in whole.bytes() {
        ore = ore.checked_mul(10)?.checked_add(i64::from(byte - b'0'))?;
    }
    let mut cents = 0;
    for (index, byte) in fraction.bytes().enumerate() {
        let weight = if index == 0 { 10 } else { 1 };
        cents += i64::from(byte - b'0') * weight;
    }
    ore.checked_mul(100)?.checked_add(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_two_decimals() {
        assert_eq!(format(0), "0.00");
        assert_eq!(format(5), "0.05");
        assert_eq!(format(1_845_000), "18450.00");
        assert_eq!(format(712_550), "7125.50");
        assert_eq!(format(-150), "-1.50");
        assert_eq!(format(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(parse("200000"), Some(20_000_000));
        assert_eq!(parse("1.5"), Some(150));
        assert_eq!(parse("7125.50"), Some(712_550));
        assert_eq!(parse("0.05"), Some(5));
        assert_eq!(parse("92233720368547758.07"), Some(i64::MAX));
        for bad in [
            "",
            ".5",
            "1.",
            "1.005",
            "1.000",
            "-1",
            "+1",
            "1e3",
            "1,50",
            " 1",
            "1.2.3",
            "92233720368547758.08",
            "99999999999999999999",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}

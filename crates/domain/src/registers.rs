//! The utility's own registers as it hands them over (issue 19): customers, meter points and
//! subscriptions from its billing system, checked line by line before anything is written. What a line must
//! hold, and why a line is refused.

/// Why a line of a register file is refused (the line and the column are with it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterProblem {
    #[error("the file is not UTF-8")]
    NotUtf8,
    #[error("the header row is not {expected}")]
    Header { expected: String },
    #[error("the same number is on line {line}")]
    Duplicate { line: u64 },
    /// A customer number outside 1–20 characters of letters, digits and `-`.
    #[error("a customer number is 1–20 letters, digits or '-'")]
    CustomerNumber,
    /// A meter point's customer number that is neither in the register nor in the file.
    #[error("no customer has number {number}: import the customers first")]
    UnknownCustomer { number: String },
    #[error("not a Swedish postal code (five digits, such as 691 45)")]
    PostalCode,
    #[error("not an e-mail address")]
    Email,
    #[error("not a Swedish phone number")]
    Phone,
    /// A position outside Sweden, or not a decimal number.
    #[error("not a position in Sweden (decimal degrees, such as 59.3293 and 14.5212)")]
    Coordinates,
    /// A subscription's meter point that is in neither the register nor an earlier import.
    #[error("no meter point has id {id}: import the meter points first")]
    UnknownMeterPoint { id: String },
    /// A subscription that ends before it starts.
    #[error("the subscription ends before it starts")]
    EndsBeforeStart,
    /// Two subscriptions of one service on one meter point at the same time.
    #[error("the meter point has this service from {started_on} already (customer {number})")]
    Overlap { started_on: String, number: String },
}

impl RegisterProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<RegisterProblem> {
        vec![
            RegisterProblem::NotUtf8,
            RegisterProblem::Header {
                expected: "customer_number,name".into(),
            },
            RegisterProblem::Duplicate { line: 2 },
            RegisterProblem::CustomerNumber,
            RegisterProblem::UnknownCustomer {
                number: "1000001".into(),
            },
            RegisterProblem::PostalCode,
            RegisterProblem::Email,
            RegisterProblem::Phone,
            RegisterProblem::Coordinates,
            RegisterProblem::UnknownMeterPoint {
                id: "735999000000000017".into(),
            },
            RegisterProblem::EndsBeforeStart,
            RegisterProblem::Overlap {
                started_on: "2024-01-01".into(),
                number: "1000001".into(),
            },
        ]
    }
}

impl crate::problem::Explain for RegisterProblem {
    fn message_key(&self) -> &'static str {
        match self {
            RegisterProblem::NotUtf8 => "register-problem-not-utf8",
            RegisterProblem::Header { .. } => "register-problem-header",
            RegisterProblem::Duplicate { .. } => "register-problem-duplicate",
            RegisterProblem::CustomerNumber => "register-problem-customer-number",
            RegisterProblem::UnknownCustomer { .. } => "register-problem-unknown-customer",
            RegisterProblem::PostalCode => "register-problem-postal-code",
            RegisterProblem::Email => "register-problem-email",
            RegisterProblem::Phone => "register-problem-phone",
            RegisterProblem::Coordinates => "register-problem-coordinates",
            RegisterProblem::UnknownMeterPoint { .. } => "register-problem-unknown-meter-point",
            RegisterProblem::EndsBeforeStart => "register-problem-ends-before-start",
            RegisterProblem::Overlap { .. } => "register-problem-overlap",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            RegisterProblem::Header { expected } => vec![("expected", expected.clone())],
            RegisterProblem::Duplicate { line } => vec![("line", line.to_string())],
            RegisterProblem::UnknownCustomer { number } => vec![("number", number.clone())],
            RegisterProblem::UnknownMeterPoint { id } => vec![("id", id.clone())],
            RegisterProblem::Overlap { started_on, number } => vec![
                ("started_on", started_on.clone()),
                ("number", number.clone()),
            ],
            _ => Vec::new(),
        }
    }
}

/// A customer number as the billing system writes it: 1–20 letters, digits or `-`.
pub fn customer_number(s: &str) -> Result<String, RegisterProblem> {
    let s = s.trim();
    if s.is_empty() || s.len() > 20 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(RegisterProblem::CustomerNumber);
    }
    Ok(s.to_owned())
}

/// A Swedish postal code, `NNN NN` or `NNNNN`, written `NNN NN` (the first digit is 1–9).
pub fn postal_code(s: &str) -> Result<String, RegisterProblem> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return Err(RegisterProblem::PostalCode);
    }
    Ok(format!("{} {}", &digits[..3], &digits[3..]))
}

/// An e-mail address as far as a register can tell: one `@`, something before it, a domain
/// with a dot after it, no spaces, at most 254 characters. Empty is none.
pub fn email(s: &str) -> Result<Option<String>, RegisterProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err(RegisterProblem::Email)
    }
}

/// A Swedish phone number (`070-123 45 67`, `+46 70 123 45 67`, `0586-123 45`), kept as
/// written (as the portal keeps what the customer types; messages normalise it when sent).
/// Empty is none.
pub fn phone(s: &str) -> Result<Option<String>, RegisterProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if !s.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c)) {
        return Err(RegisterProblem::Phone);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = s.strip_prefix('+') {
        let rest_digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        rest_digits
            .strip_prefix("46")
            .map(|n| n.trim_start_matches('0').to_owned())
            .ok_or(RegisterProblem::Phone)?
    } else if let Some(n) = digits.strip_prefix("0046") {
        n.trim_start_matches('0').to_owned()
    } else if let Some(n) = digits.strip_prefix('0') {
        n.to_owned()
    } else {
        return Err(RegisterProblem::Phone);
    };
    // Swedish numbers are 7 to 9 digits after the leading zero.
    if !(7..=9).contains(&national.len()) || national.starts_with('0') {
        return Err(RegisterProblem::Phone);
    }
    Ok(Some(s.to_owned()))
}

/// Sweden's extent with a margin: latitude 55.0–69.2, longitude 10.5–24.3.
const LAT_E6: (i64, i64) = (55_000_000, 69_200_000);
const LON_E6: (i64, i64) = (10_500_000, 24_300_000);

/// A position in decimal degrees (`59.3293` or `59,3293`), as millionths of a degree.
pub fn coordinates(lat: &str, lon: &str) -> Result<(i64, i64), RegisterProblem> {
    let e6 = |s: &str| -> Option<i64> {
        let s = s.trim().replace(',', ".");
        let v: f64 = s.parse().ok()?;
        v.is_finite().then(|| (v * 1e6).round() as i64)
    };
    match (e6(lat), e6(lon)) {
        (Some(la), Some(lo))
            if (LAT_E6.0..=LAT_E6.1).contains(&la) && (LON_E6.0..=LON_E6.1).contains(&lo) =>
        {
            Ok((la, lo))
        }
        _ => Err(RegisterProblem::Coordinates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes() {
        assert_eq!(postal_code("69145").unwrap(), "691 45");
        assert_eq!(postal_code(" 691 45 ").unwrap(), "691 45");
        assert!(postal_code("6914").is_err());
        assert!(postal_code("09145").is_err());
        assert!(postal_code("691-45").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("").unwrap(), None);
        assert_eq!(
            email(" karin@example.se ").unwrap().as_deref(),
            Some("karin@example.se")
        );
        for bad in [
            "karin",
            "@example.se",
            "karin@example",
            "ka rin@example.se",
            "a@b@c.se",
            "k@.se",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(phone("").unwrap(), None);
        for good in [
            "070-123 45 67",
            "+46 70 123 45 67",
            "0586-123 45",
            "0046701234567",
        ] {
            assert_eq!(phone(&format!(" {good} ")).unwrap().as_deref(), Some(good));
        }
        for bad in [
            "12345",
            "+47 912 34 567",
            "070-12",
            "070 ABC",
            "0701234567890",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positions() {
        assert_eq!(
            coordinates("59.3293", "14.5212").unwrap(),
            (59_329_300, 14_521_200)
        );
        assert_eq!(
            coordinates("59,3293", "14,5212").unwrap(),
            (59_329_300, 14_521_200)
        );
        assert!(coordinates("48.8566", "2.3522").is_err(), "Paris");
        assert!(coordinates("NaN", "14").is_err());
        assert!(coordinates("", "").is_err());
    }

    #[test]
    fn customer_numbers() {
        assert_eq!(customer_number(" 1000001 ").unwrap(), "1000001");
        assert!(customer_number("").is_err());
        assert!(customer_number("10 01").is_err());
        assert!(customer_number(&"1".repeat(21)).is_err());
    }
}

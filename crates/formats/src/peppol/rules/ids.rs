//! Identifier checks of the Peppol rules (`u:gln`, `u:mod11`, ...), written
//! after the XSLT functions of the Peppol Schematron.

fn digit(c: char) -> i64 {
    i64::from(c.to_digit(10).unwrap_or(0))
}

fn all_but_last_reversed(value: &str) -> (Vec<i64>, Option<char>) {
    let chars: Vec<char> = value.chars().collect();
    match chars.split_last() {
        Some((last, rest)) => (
            rest.iter().rev().map(|c| *c as i64 - 48).collect(),
            Some(*last),
        ),
        None => (Vec::new(), None),
    }
}

/// `u:gln`: the GS1 check digit (weights 3, 1 from the right).
pub fn gln(value: &str) -> bool {
    let (digits, last) = all_but_last_reversed(value);
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| d * (1 + (((i as i64) + 1) % 2) * 2))
        .sum();
    let expected = (10 - sum.rem_euclid(10)) % 10;
    last.and_then(|c| c.to_digit(10))
        .is_some_and(|d| i64::from(d) == expected)
}

/// `u:mod11`: the Norwegian organisation number check digit.
pub fn mod11(value: &str) -> bool {
    let positive = value.trim().parse::<f64>().is_ok_and(|v| v > 0.0);
    let (digits, last) = all_but_last_reversed(value);
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| d * ((i as i64 % 6) + 2))
        .sum();
    let expected = (11 - sum.rem_euclid(11)) % 11;
    positive
        && last
            .and_then(|c| c.to_digit(10))
            .is_some_and(|d| i64::from(d) == expected)
}

/// `u:mod97-0208`: the Belgian enterprise number check (10 digits given).
pub fn mod97_0208(value: &str) -> bool {
    let (Some(head), Some(check)) = (value.get(..8), value.get(8..10)) else {
        return false;
    };
    let (Ok(head), Ok(check)) = (head.parse::<i64>(), check.parse::<i64>()) else {
        return false;
    };
    97 - head % 97 == check
}

/// `u:checkCodiceIPA`: six ASCII letters or digits.
pub fn codice_ipa(value: &str) -> bool {
    value.chars().count() == 6 && value.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `castable as xs:integer`.
pub fn integer_lexical(value: &str) -> bool {
    let s = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

fn sub(chars: &[char], start: usize, len: usize) -> String {
    chars.iter().skip(start - 1).take(len).collect()
}

fn letters(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphabetic())
}

/// `u:checkCF`: an Italian tax code, 16 characters or 11 digits.
pub fn codice_fiscale(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        16 => {
            letters(&sub(&chars, 1, 6))
                && integer_lexical(&sub(&chars, 7, 2))
                && letters(&sub(&chars, 9, 1))
                && integer_lexical(&sub(&chars, 10, 2))
                && integer_lexical(&sub(&chars, 15, 1))
                && letters(&sub(&chars, 16, 1))
        }
        11 => integer_lexical(value),
        _ => false,
    }
}

/// `u:checkPIVAseIT`: an Italian VAT number when prefixed IT.
pub fn partita_iva(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    let country: String = chars.iter().take(2).collect();
    if country != "IT" && country != "it" {
        return true;
    }
    let code: String = chars.iter().skip(2).collect();
    if code.chars().count() != 11 || !integer_lexical(&code) {
        return false;
    }
    const EVEN: [i64; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let mut sum = 0;
    for (i, c) in code.chars().enumerate() {
        let Some(d) = c.to_digit(10) else {
            return false;
        };
        sum += if i % 2 == 1 {
            EVEN[d as usize]
        } else {
            i64::from(d)
        };
    }
    sum % 10 == 0
}

/// `u:abn`: the Australian Business Number check (11 digits given).
pub fn abn(value: &str) -> bool {
    const WEIGHTS: [i64; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != 11 {
        return false;
    }
    let mut sum = 0;
    for (i, c) in chars.iter().enumerate() {
        let d = digit(*c) - if i == 0 { 1 } else { 0 };
        sum += d * WEIGHTS[i];
    }
    sum % 89 == 0
}

/// `u:checkSEOrgnr`: digits only, and the tenth digit is the Luhn check of
/// the first nine.
pub fn se_orgnr(value: &str) -> bool {
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 10 {
        return false;
    }
    let main = &chars[..9];
    let mut sum = 0;
    for (pos, c) in main.iter().rev().enumerate() {
        let d = digit(*c);
        sum += if pos % 2 == 0 {
            (d * 2) % 10 + (d * 2) / 10
        } else {
            d
        };
    }
    (10 - sum % 10) % 10 == digit(chars[9])
}

/// The Luhn check over a whole digit string (last digit is the check).
pub fn luhn_ok(digits: &str) -> bool {
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let d = i64::from(b - b'0');
        sum += if i % 2 == 1 {
            (d * 2) % 10 + (d * 2) / 10
        } else {
            d
        };
    }
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_checks() {
        assert!(gln("7300010000001"));
        assert!(!gln("7300010000002"));
        assert!(mod11("974760673"));
        assert!(se_orgnr("5560360793"));
        assert!(!se_orgnr("5560360794"));
        assert!(luhn_ok("5560360793"));
        assert!(mod97_0208("0123456749"));
        assert!(abn("51824753556"));
        assert!(partita_iva("IT01234567890") == partita_iva("IT01234567890"));
        assert!(codice_ipa("AB12cd"));
        assert!(codice_fiscale("RSSMRA85T10A562S"));
    }
}

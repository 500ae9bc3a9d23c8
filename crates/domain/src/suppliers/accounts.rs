//! Where a supplier is paid and how it is registered for VAT: bankgiro and plusgiro numbers
//! (Luhn over all digits), IBAN (ISO 13616, mod 97) with its BIC (ISO 9362), and VAT numbers
//! (a Swedish one is `SE` + the organisation number + `01`).

use std::fmt;

use crate::identity::OrgNumber;
use crate::ocr::luhn_valid;

use super::SupplierProblem;

fn digits_only(input: &str) -> Option<String> {
    let kept: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    (!kept.is_empty() && kept.bytes().all(|b| b.is_ascii_digit())).then_some(kept)
}

/// A bankgiro number: 7 or 8 digits, the last a Luhn check digit; shown `NNN-NNNN` or
/// `NNNN-NNNN`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bankgiro(String);

impl Bankgiro {
    pub fn parse(input: &str) -> Result<Bankgiro, SupplierProblem> {
        let d = digits_only(input.trim()).ok_or(SupplierProblem::BadBankgiro)?;
        if !(7..=8).contains(&d.len()) || !luhn_valid(&d) {
            return Err(SupplierProblem::BadBankgiro);
        }
        Ok(Bankgiro(d))
    }

    /// The digits, for storage and payment files.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Bankgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(self.0.len() - 4);
        write!(f, "{a}-{b}")
    }
}

/// A plusgiro number: 2 to 8 digits, the last a Luhn check digit; shown with the check digit
/// after a dash (`4 12 34-5`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plusgiro(String);

impl Plusgiro {
    pub fn parse(input: &str) -> Result<Plusgiro, SupplierProblem> {
        let d = digits_only(input.trim()).ok_or(SupplierProblem::BadPlusgiro)?;
        if !(2..=8).contains(&d.len()) || !luhn_valid(&d) {
            return Err(SupplierProblem::BadPlusgiro);
        }
        Ok(Plusgiro(d))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Plusgiro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (body, check) = self.0.split_at(self.0.len() - 1);
        // Pairs from the right, as Plusgirot prints them.
        let mut groups: Vec<&str> = Vec::new();
        let mut end = body.len();
        while end > 0 {
            let start = end.saturating_sub(2);
            groups.push(&body[start..end]);
            end = start;
        }
        groups.reverse();
        write!(f, "{}-{check}", groups.join(" "))
    }
}

/// An IBAN: country, two check digits and the national account, mod 97 = 1.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iban(String);

/// The length of an IBAN in the countries a Swedish utility pays (the ISO 13616 registry).
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "SE" => 24,
        "NO" => 15,
        "DK" | "FI" | "NL" => 18,
        "DE" => 22,
        "GB" | "IE" => 22,
        "FR" | "IT" => 27,
        "ES" => 24,
        "PL" => 28,
        "EE" => 20,
        "LV" => 21,
        "LT" | "AT" => 20,
        "BE" => 16,
        "CH" => 21,
        _ => return None,
    })
}

impl Iban {
    pub fn parse(input: &str) -> Result<Iban, SupplierProblem> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let ok_chars = s.len() >= 15
            && s.len() <= 34
            && s[..2].bytes().all(|b| b.is_ascii_uppercase())
            && s[2..4].bytes().all(|b| b.is_ascii_digit())
            && s[4..].bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok_chars || iban_length(&s[..2]).is_some_and(|n| n != s.len()) {
            return Err(SupplierProblem::BadIban);
        }
        // Move the first four characters to the end, letters to 10..35, remainder mod 97.
        let rearranged = s[4..].bytes().chain(s[..4].bytes());
        let mut rem: u32 = 0;
        for b in rearranged {
            let v = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            rem = if v >= 10 {
                (rem * 100 + v) % 97
            } else {
                (rem * 10 + v) % 97
            };
        }
        if rem != 1 {
            return Err(SupplierProblem::BadIban);
        }
        Ok(Iban(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        f.write_str(&groups.join(" "))
    }
}

/// A BIC: four letters for the bank, two for the country, two letters or digits for the place,
/// and optionally three for the branch.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bic(String);

impl Bic {
    pub fn parse(input: &str) -> Result<Bic, SupplierProblem> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = (b.len() == 8 || b.len() == 11)
            && b[..6].iter().all(u8::is_ascii_uppercase)
            && b[6..].iter().all(u8::is_ascii_alphanumeric);
        if !ok {
            return Err(SupplierProblem::BadBic);
        }
        Ok(Bic(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[4..6]
    }
}

/// Where a supplier is paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayTo {
    Bankgiro(Bankgiro),
    Plusgiro(Plusgiro),
    /// An account abroad (or a Swedish account by IBAN); the BIC's country must be the IBAN's.
    Iban {
        iban: Iban,
        bic: Bic,
    },
}

impl PayTo {
    /// The account from the register's three fields: exactly one of bankgiro, plusgiro or
    /// IBAN (with BIC) is filled in.
    pub fn from_fields(
        bankgiro: &str,
        plusgiro: &str,
        iban: &str,
        bic: &str,
    ) -> Result<PayTo, (&'static str, SupplierProblem)> {
        let filled = [bankgiro, plusgiro, iban]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .count();
        if filled == 0 {
            return Err(("bankgiro", SupplierProblem::NoAccount));
        }
        if filled > 1 {
            return Err(("bankgiro", SupplierProblem::SeveralAccounts));
        }
        if !bankgiro.trim().is_empty() {
            return Bankgiro::parse(bankgiro)
                .map(PayTo::Bankgiro)
                .map_err(|e| ("bankgiro", e));
        }
        if !plusgiro.trim().is_empty() {
            return Plusgiro::parse(plusgiro)
                .map(PayTo::Plusgiro)
                .map_err(|e| ("plusgiro", e));
        }
        let iban = Iban::parse(iban).map_err(|e| ("iban", e))?;
        if bic.trim().is_empty() {
            return Err(("bic", SupplierProblem::BadBic));
        }
        let bic = Bic::parse(bic).map_err(|e| ("bic", e))?;
        if bic.country() != iban.country() {
            return Err(("bic", SupplierProblem::BicCountry));
        }
        Ok(PayTo::Iban { iban, bic })
    }
}

/// A VAT registration number. A Swedish one must be `SE`, the supplier's organisation number
/// and `01`; others are a country prefix and 2 to 13 letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VatNumber(String);

impl VatNumber {
    pub fn parse(input: &str, org: &OrgNumber) -> Result<VatNumber, SupplierProblem> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.len() < 4 || !s[..2].bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(SupplierProblem::BadVatNumber);
        }
        if &s[..2] == "SE" {
            if s.len() != 14 || !s.ends_with("01") {
                return Err(SupplierProblem::BadVatNumber);
            }
            if s[2..12] != org.normalised() {
                return Err(SupplierProblem::VatNotOrgNumber);
            }
        } else if s.len() > 15 || !s[2..].bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(SupplierProblem::BadVatNumber);
        }
        Ok(VatNumber(s))
    }

    /// The Swedish VAT number of an organisation.
    pub fn swedish(org: &OrgNumber) -> VatNumber {
        VatNumber(format!("SE{}01", org.normalised()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bankgiro_numbers_with_and_without_dash() {
        // Bankgirot's own test number and the one on its example files.
        let bg = Bankgiro::parse("5050-1055").unwrap();
        assert_eq!(bg.digits(), "50501055");
        assert_eq!(bg.to_string(), "5050-1055");
        assert_eq!(Bankgiro::parse("991-2346").unwrap().to_string(), "991-2346");
        assert_eq!(
            Bankgiro::parse("5050-1056"),
            Err(SupplierProblem::BadBankgiro)
        );
        assert_eq!(Bankgiro::parse("123456"), Err(SupplierProblem::BadBankgiro));
        assert_eq!(
            Bankgiro::parse("12a4567"),
            Err(SupplierProblem::BadBankgiro)
        );
    }

    #[test]
    fn plusgiro_numbers_print_in_pairs() {
        let digits = with_luhn("41234");
        let pg = Plusgiro::parse(&digits).unwrap();
        assert_eq!(pg.digits(), digits);
        assert_eq!(pg.to_string(), format!("4 12 34-{}", &digits[5..]));
        assert_eq!(Plusgiro::parse(&pg.to_string()).unwrap(), pg);
        let wrong = format!("41234{}", (digits.as_bytes()[5] - b'0' + 1) % 10);
        assert_eq!(Plusgiro::parse(&wrong), Err(SupplierProblem::BadPlusgiro));
        assert_eq!(Plusgiro::parse("1"), Err(SupplierProblem::BadPlusgiro));
    }

    #[test]
    fn iban_check_digits_and_lengths() {
        let iban = Iban::parse("SE45 5000 0000 0583 9825 7466").unwrap();
        assert_eq!(iban.as_str(), "SE4550000000058398257466");
        assert_eq!(iban.to_string(), "SE45 5000 0000 0583 9825 7466");
        assert!(Iban::parse("DE89370400440532013000").is_ok());
        assert!(Iban::parse("NO9386011117947").is_ok());
        // One digit changed, a Swedish IBAN one digit short.
        assert_eq!(
            Iban::parse("SE45 5000 0000 0583 9825 7467"),
            Err(SupplierProblem::BadIban)
        );
        assert_eq!(
            Iban::parse("SE45 5000 0000 0583 9825 746"),
            Err(SupplierProblem::BadIban)
        );
    }

    #[test]
    fn bic_shape_and_country_against_the_iban() {
        assert!(Bic::parse("ESSESESS").is_ok());
        assert!(Bic::parse("handsess").is_ok());
        assert!(Bic::parse("NDEASESSXXX").is_ok());
        assert_eq!(Bic::parse("ESSE5ESS"), Err(SupplierProblem::BadBic));
        assert_eq!(Bic::parse("ESSESES"), Err(SupplierProblem::BadBic));
        assert_eq!(
            PayTo::from_fields("", "", "DE89370400440532013000", "ESSESESS"),
            Err(("bic", SupplierProblem::BicCountry))
        );
        assert_eq!(
            PayTo::from_fields("", "", "", ""),
            Err(("bankgiro", SupplierProblem::NoAccount))
        );
        assert_eq!(
            PayTo::from_fields("5050-1055", "90 20 03-3", "", ""),
            Err(("bankgiro", SupplierProblem::SeveralAccounts))
        );
        assert!(matches!(
            PayTo::from_fields(" ", &with_luhn("902003"), "", ""),
            Ok(PayTo::Plusgiro(_))
        ));
    }

    #[test]
    fn swedish_vat_number_is_the_org_number() {
        let org = OrgNumber::parse("556036-0793").unwrap();
        assert_eq!(
            VatNumber::parse("SE556036079301", &org).unwrap().as_str(),
            "SE556036079301"
        );
        assert_eq!(VatNumber::swedish(&org).as_str(), "SE556036079301");
        assert_eq!(
            VatNumber::parse("SE556036079401", &org),
            Err(SupplierProblem::VatNotOrgNumber)
        );
        assert_eq!(
            VatNumber::parse("SE5560360793", &org),
            Err(SupplierProblem::BadVatNumber)
        );
        assert!(VatNumber::parse("NO 987654321 MVA", &org).is_ok());
    }

    fn with_luhn(body: &str) -> String {
        format!("{body}{}", crate::ocr::luhn_check_digit(body))
    }

    proptest! {
        #[test]
        fn every_giro_number_with_its_check_digit_is_taken_and_one_changed_digit_is_not(
            body in "[1-9][0-9]{5,6}", pos in 0usize..8, bump in 1u8..10,
        ) {
            let good = with_luhn(&body);
            let bg = Bankgiro::parse(&good).unwrap();
            prop_assert_eq!(Bankgiro::parse(&bg.to_string()).unwrap(), bg);
            let pg = Plusgiro::parse(&good).unwrap();
            prop_assert_eq!(Plusgiro::parse(&pg.to_string()).unwrap(), pg);
            let mut bytes = good.clone().into_bytes();
            let i = pos % bytes.len();
            bytes[i] = b'0' + (bytes[i] - b'0' + bump) % 10;
            let bad = String::from_utf8(bytes).unwrap();
            prop_assert!(Bankgiro::parse(&bad).is_err());
        }
    }
}

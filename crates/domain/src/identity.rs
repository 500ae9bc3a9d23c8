//! Swedish identity numbers: personnummer, samordningsnummer and
//! organisationsnummer.
//!
//! This module owns parsing, validation and the safe presentation of the
//! numbers that identify a contract holder (swedish-formats.md §3). A
//! personnummer is extra sensitive personal data (§3.3), so its `Debug`
//! output is masked and error messages never repeat the number; only
//! [`Personnummer::normalised`] and `Display` reveal it, for storage and for
//! screens where the user is allowed to see it.

use std::fmt;

use jiff::civil::Date;

use crate::ocr::luhn_valid;

/// Why a text is not a valid identity number.
///
/// Messages never contain the number itself, so they are safe to log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Nothing but whitespace was given.
    #[error(
        "the identity number is empty; enter a personnummer as YYYYMMDD-XXXX or an organisation number as NNNNNN-NNNN"
    )]
    Empty,
    /// A character that is neither a digit nor a single separator.
    #[error(
        "identity numbers may only contain digits and one '-' or '+' before the last four digits, found {ch:?} at position {position}"
    )]
    InvalidCharacter {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 1 in the trimmed input.
        position: usize,
    },
    /// A separator somewhere else than before the last four digits.
    #[error(
        "the '-' or '+' separator must come right before the last four digits, as in YYYYMMDD-XXXX or NNNNNN-NNNN"
    )]
    MisplacedSeparator,
    /// A personnummer with the wrong number of digits.
    #[error("a personnummer has 10 or 12 digits (YYMMDD-XXXX or YYYYMMDD-XXXX), found {found}")]
    PersonnummerLength {
        /// Number of digits found.
        found: usize,
    },
    /// An organisation number with the wrong number of digits.
    #[error(
        "an organisation number has 10 digits (NNNNNN-NNNN), optionally prefixed by 16, found {found}"
    )]
    OrgNumberLength {
        /// Number of digits found.
        found: usize,
    },
    /// Neither a personnummer nor an organisation number by length.
    #[error(
        "an identity number has 10 or 12 digits (personnummer YYYYMMDD-XXXX or organisation number NNNNNN-NNNN), found {found}"
    )]
    IdentityLength {
        /// Number of digits found.
        found: usize,
    },
    /// `+` used with a four-digit year, where it means nothing.
    #[error(
        "the '+' separator (for people aged 100 or more) belongs to the 10-digit form YYMMDD+XXXX; with a four-digit year write YYYYMMDD-XXXX"
    )]
    PlusWithFullYear,
    /// `+` used in an organisation number.
    #[error("organisation numbers are written with '-' (NNNNNN-NNNN), not '+'")]
    PlusInOrgNumber,
    /// A 12-digit personnummer whose century is not 18, 19 or 20.
    #[error(
        "a 12-digit personnummer starts with the century 18, 19 or 20, found {century:02}; check the year"
    )]
    UnsupportedCentury {
        /// The first two digits.
        century: u8,
    },
    /// A 12-digit organisation number without the `16` prefix.
    #[error(
        "a 12-digit organisation number starts with 16, found {prefix:02}; enter the 10 digits NNNNNN-NNNN"
    )]
    OrgPrefix {
        /// The first two digits.
        prefix: u8,
    },
    /// The month digits are not 01–12.
    #[error("the month (digits 3–4 of YYMMDD) must be 01–12, found {month:02}")]
    InvalidMonth {
        /// The month as written.
        month: u8,
    },
    /// The day digits are not a day of that month (or day + 60).
    #[error(
        "day {day:02} does not exist in month {month:02} of {year}; the day must be a real date, or the day + 60 for a samordningsnummer"
    )]
    InvalidDay {
        /// The inferred birth year.
        year: i16,
        /// The month as written.
        month: u8,
        /// The day as written (including the + 60 of a samordningsnummer).
        day: u8,
    },
    /// The birth date lies after `today`.
    #[error(
        "the birth date is in the future; check the year (write '+' instead of '-' for people aged 100 or more)"
    )]
    InFuture,
    /// The last digit is not the Luhn check digit of the others.
    #[error(
        "the check digit (last digit) does not match the other digits; check for a mistyped digit"
    )]
    BadCheckDigit,
    /// The third digit is 0 or 1, so this is a personnummer, not a legal
    /// entity's number.
    #[error(
        "the third digit of an organisation number is always 2 or higher; this looks like a personnummer (sole traders are identified by their personnummer)"
    )]
    NotALegalEntity,
}

/// A validated personnummer or samordningsnummer, held in its 12-digit form.
///
/// `Debug` prints only the masked form (`YYYYMMDD-****`) so the number cannot
/// leak into logs by accident; `Display` and [`Personnummer::normalised`]
/// give the full number and must be used deliberately.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Personnummer {
    /// The 12 ASCII digits YYYYMMDDNNNC.
    digits: [u8; 12],
    /// The real birth date (the day minus 60 for a samordningsnummer).
    birth_date: Date,
}

impl Personnummer {
    /// Parses a personnummer or samordningsnummer as typed by a person.
    ///
    /// Accepted forms, after trimming surrounding whitespace:
    /// `YYYYMMDD-XXXX`, `YYYYMMDDXXXX`, `YYMMDD-XXXX`, `YYMMDDXXXX` and
    /// `YYMMDD+XXXX`. For the 10-digit forms the century is inferred from
    /// `today`: with `-` (or no separator) the birth year is the latest one
    /// not after this year, and with `+` (written from the calendar year the
    /// person turns 100) the latest one at least 100 years before this year.
    ///
    /// The date must exist (day + 60 for a samordningsnummer), must not be
    /// after `today`, and the Luhn check digit over the 10 digits YYMMDDNNNC
    /// must match.
    pub fn parse(input: &str, today: Date) -> Result<Personnummer, IdentityError> {
        let (digits, separator) = split_number(input)?;
        let twelve: [u8; 12] = match digits.len() {
            12 => {
                if separator == Some('+') {
                    return Err(IdentityError::PlusWithFullYear);
                }
                to_array(&digits)
            }
            10 => {
                let short = &digits;
                let yy = i32::from(two_digits(short, 0));
                let latest = i32::from(today.year()) - if separator == Some('+') { 100 } else { 0 };
                let year = latest - (latest - yy).rem_euclid(100);
                let mut full = [b'0'; 12];
                // Four-digit years are written with leading zeros; a year
                // outside 0..=9999 cannot come out of jiff's date range.
                let year_text = format!("{:04}", year.clamp(0, 9999));
                full[..4].copy_from_slice(year_text.as_bytes());
                full[4..].copy_from_slice(&short[2..]);
                full
            }
            found => return Err(IdentityError::PersonnummerLength { found }),
        };
        let personnummer = Self::from_digits(twelve)?;
        if personnummer.birth_date > today {
            return Err(IdentityError::InFuture);
        }
        Ok(personnummer)
    }

    /// Rebuilds a personnummer from its stored 12-digit form (as returned by
    /// [`Personnummer::normalised`]).
    ///
    /// The digits, century, date and check digit are validated again, but
    /// not against today's date, since the stored value was checked when it
    /// was entered.
    pub fn from_normalised(s: &str) -> Result<Self, IdentityError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(IdentityError::Empty);
        }
        if let Some((index, ch)) = trimmed
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(IdentityError::InvalidCharacter {
                ch,
                position: index + 1,
            });
        }
        if trimmed.len() != 12 {
            return Err(IdentityError::PersonnummerLength {
                found: trimmed.len(),
            });
        }
        Self::from_digits(to_array(trimmed.as_bytes()))
    }

    /// Validates century, date and check digit of 12 ASCII digits.
    fn from_digits(digits: [u8; 12]) -> Result<Self, IdentityError> {
        let century = two_digits(&digits, 0);
        if !(18..=20).contains(&century) {
            return Err(IdentityError::UnsupportedCentury { century });
        }
        let year = i16::from(century) * 100 + i16::from(two_digits(&digits, 2));
        let month = two_digits(&digits, 4);
        let day = two_digits(&digits, 6);
        let birth_date = real_date(year, month, day)?;
        // The Luhn check covers YYMMDDNNNC; the century is not part of it.
        if !luhn_valid(ascii(&digits[2..])) {
            return Err(IdentityError::BadCheckDigit);
        }
        Ok(Self { digits, birth_date })
    }

    /// The 12-digit form `YYYYMMDDNNNC` without separator, for storage.
    pub fn normalised(&self) -> String {
        ascii(&self.digits).to_owned()
    }

    /// The real birth date; for a samordningsnummer the day minus 60.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// `true` for a samordningsnummer (co-ordination number), whose day is
    /// the birth day + 60.
    pub fn is_samordningsnummer(&self) -> bool {
        two_digits(&self.digits, 6) > 60
    }

    /// The form to show where the full number is not needed:
    /// `YYYYMMDD-****` (the date as written, so a samordningsnummer keeps
    /// its day + 60).
    pub fn masked(&self) -> String {
        format!("{}-****", ascii(&self.digits[..8]))
    }
}

impl fmt::Display for Personnummer {
    /// Writes `YYYYMMDD-XXXX`, the full number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{}-{}", ascii(&self.digits[..8]), ascii(&self.digits[8..]));
        f.pad(&text)
    }
}

impl fmt::Debug for Personnummer {
    /// Writes only the masked form so that the number never reaches logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Personnummer").field(&self.masked()).finish()
    }
}

/// A validated organisationsnummer of a legal entity, held as 10 digits.
///
/// Sole traders (enskild näringsidkare) have no organisation number of their
/// own; they are identified by their [`Personnummer`], which is why a third
/// digit below 2 is rejected here. Organisation numbers are public, so they
/// are never masked.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber {
    /// The 10 ASCII digits NNNNNNNNNC.
    digits: [u8; 10],
}

impl OrgNumber {
    /// Parses `NNNNNN-NNNN` or `NNNNNNNNNN`, optionally prefixed by `16`
    /// (the 12-digit form some systems use), after trimming whitespace.
    ///
    /// The third digit must be 2 or higher (legal entities) and the last
    /// digit must be the Luhn check digit.
    pub fn parse(input: &str) -> Result<OrgNumber, IdentityError> {
        let (digits, separator) = split_number(input)?;
        if separator == Some('+') {
            return Err(IdentityError::PlusInOrgNumber);
        }
        let ten = match digits.len() {
            10 => &digits[..],
            12 => {
                let prefix = two_digits(&digits, 0);
                if prefix != 16 {
                    return Err(IdentityError::OrgPrefix { prefix });
                }
                &digits[2..]
            }
            found => return Err(IdentityError::OrgNumberLength { found }),
        };
        if ten[2] < b'2' {
            return Err(IdentityError::NotALegalEntity);
        }
        if !luhn_valid(ascii(ten)) {
            return Err(IdentityError::BadCheckDigit);
        }
        let mut array = [b'0'; 10];
        array.copy_from_slice(ten);
        Ok(OrgNumber { digits: array })
    }

    /// Rebuilds an organisation number from its stored 10-digit form; this
    /// is the same validation as [`OrgNumber::parse`].
    pub fn from_normalised(s: &str) -> Result<Self, IdentityError> {
        Self::parse(s)
    }

    /// The 10 digits without separator, for storage.
    pub fn normalised(&self) -> String {
        ascii(&self.digits).to_owned()
    }
}

impl fmt::Display for OrgNumber {
    /// Writes `NNNNNN-NNNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{}-{}", ascii(&self.digits[..6]), ascii(&self.digits[6..]));
        f.pad(&text)
    }
}

impl fmt::Debug for OrgNumber {
    /// Writes `OrgNumber("NNNNNN-NNNN")` rather than the raw digit bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OrgNumber").field(&self.to_string()).finish()
    }
}

impl std::str::FromStr for OrgNumber {
    type Err = IdentityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = IdentityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgNumber> for String {
    fn from(value: OrgNumber) -> Self {
        value.normalised()
    }
}

/// The identity of a contract holder: a person or a legal entity.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentityNumber {
    /// A natural person (including sole traders), by personnummer or
    /// samordningsnummer.
    Person(Personnummer),
    /// A legal entity, by organisationsnummer.
    Org(OrgNumber),
}

impl IdentityNumber {
    /// Parses either kind of number.
    ///
    /// The input is read as a personnummer when it could be one: it has a
    /// `+` separator, or 12 digits not starting with `16`, or 10 digits whose
    /// first six look like a date (month 01–12 and day 01–31 or 61–91) or
    /// whose third digit is 0 or 1 (which no organisation number has, so a
    /// bad month or day is reported as such rather than as "not a legal
    /// entity"). Otherwise it is read as an organisation number, whose third
    /// digit of 2 or more can never start a month. The error is the one of
    /// the kind chosen, so a mistyped personnummer gets personnummer advice.
    pub fn parse(input: &str, today: Date) -> Result<IdentityNumber, IdentityError> {
        let (digits, separator) = split_number(input)?;
        let person = match digits.len() {
            _ if separator == Some('+') => true,
            12 => two_digits(&digits, 0) != 16,
            10 => {
                let month = two_digits(&digits, 2);
                let day = two_digits(&digits, 4);
                let date_like = (1..=12).contains(&month)
                    && ((1..=31).contains(&day) || (61..=91).contains(&day));
                date_like || digits[2] < b'2'
            }
            found => return Err(IdentityError::IdentityLength { found }),
        };
        if person {
            Personnummer::parse(input, today).map(IdentityNumber::Person)
        } else {
            OrgNumber::parse(input).map(IdentityNumber::Org)
        }
    }

    /// Rebuilds a stored number: 12 digits are a personnummer, 10 digits an
    /// organisation number.
    pub fn from_normalised(s: &str) -> Result<IdentityNumber, IdentityError> {
        let trimmed = s.trim();
        match trimmed.len() {
            12 => Personnummer::from_normalised(trimmed).map(IdentityNumber::Person),
            10 => OrgNumber::from_normalised(trimmed).map(IdentityNumber::Org),
            0 => Err(IdentityError::Empty),
            found => Err(IdentityError::IdentityLength { found }),
        }
    }

    /// The stored form: 12 digits for a person, 10 for an organisation.
    pub fn normalised(&self) -> String {
        match self {
            IdentityNumber::Person(p) => p.normalised(),
            IdentityNumber::Org(o) => o.normalised(),
        }
    }

    /// The form safe to show widely: a personnummer masked as
    /// `YYYYMMDD-****`, an organisation number in full since it is public.
    pub fn masked(&self) -> String {
        match self {
            IdentityNumber::Person(p) => p.masked(),
            IdentityNumber::Org(o) => o.to_string(),
        }
    }

    /// The personnummer, if this is a person.
    pub fn as_person(&self) -> Option<&Personnummer> {
        match self {
            IdentityNumber::Person(p) => Some(p),
            IdentityNumber::Org(_) => None,
        }
    }

    /// The organisation number, if this is a legal entity.
    pub fn as_org(&self) -> Option<&OrgNumber> {
        match self {
            IdentityNumber::Person(_) => None,
            IdentityNumber::Org(o) => Some(o),
        }
    }
}

impl fmt::Display for IdentityNumber {
    /// Writes `YYYYMMDD-XXXX` or `NNNNNN-NNNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityNumber::Person(p) => fmt::Display::fmt(p, f),
            IdentityNumber::Org(o) => fmt::Display::fmt(o, f),
        }
    }
}

impl fmt::Debug for IdentityNumber {
    /// Delegates to the masked `Debug` of [`Personnummer`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityNumber::Person(p) => f.debug_tuple("Person").field(p).finish(),
            IdentityNumber::Org(o) => f.debug_tuple("Org").field(o).finish(),
        }
    }
}

impl From<Personnummer> for IdentityNumber {
    fn from(value: Personnummer) -> Self {
        IdentityNumber::Person(value)
    }
}

impl From<OrgNumber> for IdentityNumber {
    fn from(value: OrgNumber) -> Self {
        IdentityNumber::Org(value)
    }
}

/// Trims the input and splits it into its ASCII digits and the optional
/// separator, which must stand right before the last four digits.
fn split_number(input: &str) -> Result<(Vec<u8>, Option<char>), IdentityError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(IdentityError::Empty);
    }
    let mut digits = Vec::with_capacity(12);
    let mut separator: Option<(char, usize)> = None;
    for (index, ch) in trimmed.chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch as u8),
            '-' | '+' if separator.is_none() => separator = Some((ch, digits.len())),
            _ => {
                return Err(IdentityError::InvalidCharacter {
                    ch,
                    position: index + 1,
                });
            }
        }
    }
    if let Some((_, at)) = separator
        && (digits.len() < 4 || at != digits.len() - 4)
    {
        return Err(IdentityError::MisplacedSeparator);
    }
    Ok((digits, separator.map(|(ch, _)| ch)))
}

/// The real birth date for the written year, month and day, where a day of
/// 61–91 marks a samordningsnummer.
fn real_date(year: i16, month: u8, day: u8) -> Result<Date, IdentityError> {
    if !(1..=12).contains(&month) {
        return Err(IdentityError::InvalidMonth { month });
    }
    let real_day = if day > 60 { day - 60 } else { day };
    let invalid = IdentityError::InvalidDay { year, month, day };
    if real_day == 0 || real_day > 31 {
        return Err(invalid);
    }
    // Month and day are at most 12 and 31 here, so the casts are lossless.
    Date::new(year, month as i8, real_day as i8).map_err(|_| invalid)
}

/// The value of the two ASCII digits starting at `index`.
fn two_digits(digits: &[u8], index: usize) -> u8 {
    (digits[index] - b'0') * 10 + (digits[index + 1] - b'0')
}

/// Copies ASCII digits into a fixed array; callers have checked the length.
fn to_array<const N: usize>(digits: &[u8]) -> [u8; N] {
    let mut array = [b'0'; N];
    array.copy_from_slice(&digits[..N]);
    array
}

/// Views ASCII digits as text. The digits were validated as ASCII when the
/// value was built, so the empty fallback is never used.
fn ascii(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::luhn_check_digit;
    use jiff::civil::date;
    use proptest::prelude::*;

    const TODAY: Date = Date::constant(2026, 6, 15);

    fn person(s: &str) -> Personnummer {
        Personnummer::parse(s, TODAY).unwrap()
    }

    fn person_err(s: &str) -> IdentityError {
        Personnummer::parse(s, TODAY).unwrap_err()
    }

    #[test]
    fn accepted_forms() {
        for form in [
            "19880320-0016",
            "198803200016",
            "880320-0016",
            "8803200016",
            "  880320-0016\n",
        ] {
            let p = person(form);
            assert_eq!(p.normalised(), "198803200016", "{form}");
            assert_eq!(p.to_string(), "19880320-0016");
            assert_eq!(p.birth_date(), date(1988, 3, 20));
            assert!(!p.is_samordningsnummer());
        }
    }

    #[test]
    fn century_inference() {
        // Born 1926: '+' in 2026 because the person turns 100 this year.
        let old = luhn_form("260101", "123", '+');
        assert_eq!(person(&old).birth_date(), date(1926, 1, 1));
        let young = luhn_form("260101", "123", '-');
        assert_eq!(person(&young).birth_date(), date(2026, 1, 1));
        // A '-' date later this year is in the future, not 1926.
        assert_eq!(
            person_err(&luhn_form("261224", "123", '-')),
            IdentityError::InFuture
        );
        assert_eq!(
            person(&luhn_form("270101", "123", '-')).birth_date(),
            date(1927, 1, 1)
        );
        assert_eq!(
            person(&luhn_form("270101", "123", '+')).birth_date(),
            date(1827, 1, 1)
        );
        // 29 February exists in 2000 but not in 1900.
        assert!(Personnummer::parse(&luhn_form("000229", "123", '-'), TODAY).is_ok());
        assert_eq!(
            person_err(&luhn_form("000229", "123", '+')),
            IdentityError::InvalidDay {
                year: 1900,
                month: 2,
                day: 29
            }
        );
    }

    #[test]
    fn samordningsnummer() {
        let text = luhn_form("880380", "123", '-');
        let p = person(&text);
        assert!(p.is_samordningsnummer());
        assert_eq!(p.birth_date(), date(1988, 3, 20));
        assert_eq!(p.masked(), "19880380-****");
        let too_high = luhn_form("880392", "123", '-');
        assert!(matches!(
            person_err(&too_high),
            IdentityError::InvalidDay { day: 92, .. }
        ));
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(person_err("   "), IdentityError::Empty);
        assert_eq!(person_err("880320-0018"), IdentityError::BadCheckDigit);
        assert_eq!(
            person_err("880320/0016"),
            IdentityError::InvalidCharacter {
                ch: '/',
                position: 7
            }
        );
        assert_eq!(
            person_err("880320-0016-"),
            IdentityError::InvalidCharacter {
                ch: '-',
                position: 12
            }
        );
        assert_eq!(person_err("8803-200016"), IdentityError::MisplacedSeparator);
        assert_eq!(
            person_err("88032-0016"),
            IdentityError::PersonnummerLength { found: 9 }
        );
        assert_eq!(person_err("19880320+0016"), IdentityError::PlusWithFullYear);
        assert_eq!(
            person_err("881320-0016"),
            IdentityError::InvalidMonth { month: 13 }
        );
        assert_eq!(
            person_err("880231-0016"),
            IdentityError::InvalidDay {
                year: 1988,
                month: 2,
                day: 31
            }
        );
        assert_eq!(
            person_err("17880320-0016"),
            IdentityError::UnsupportedCentury { century: 17 }
        );
        assert_eq!(
            Personnummer::parse("19880320-0016", date(1988, 3, 19)),
            Err(IdentityError::InFuture)
        );
        // Messages never repeat the number.
        assert!(!person_err("880320-0018").to_string().contains("880320"));
    }

    #[test]
    fn debug_is_masked() {
        let p = person("19880320-0016");
        let debug = format!("{p:?}");
        assert_eq!(debug, "Personnummer(\"19880320-****\")");
        let wrapped = format!("{:?}", IdentityNumber::Person(p));
        assert!(!wrapped.contains("0016"), "{wrapped}");
        let org = IdentityNumber::Org(OrgNumber::parse("2120000142").unwrap());
        assert_eq!(format!("{org:?}"), "Org(OrgNumber(\"212000-0142\"))");
    }

    #[test]
    fn from_normalised() {
        let p = Personnummer::from_normalised("198803200016").unwrap();
        assert_eq!(p, person("880320-0016"));
        assert_eq!(
            Personnummer::from_normalised("19880320-0016"),
            Err(IdentityError::InvalidCharacter {
                ch: '-',
                position: 9
            })
        );
        assert_eq!(
            Personnummer::from_normalised("8803200016"),
            Err(IdentityError::PersonnummerLength { found: 10 })
        );
    }

    #[test]
    fn org_numbers() {
        let org = OrgNumber::parse("212000-0142").unwrap();
        assert_eq!(org.normalised(), "2120000142");
        assert_eq!(org.to_string(), "212000-0142");
        assert_eq!(OrgNumber::parse("2120000142").unwrap(), org);
        assert_eq!(OrgNumber::parse("16212000-0142").unwrap(), org);
        assert_eq!(OrgNumber::parse("162120000142").unwrap(), org);
        assert_eq!(
            OrgNumber::parse("212000-0143"),
            Err(IdentityError::BadCheckDigit)
        );
        assert_eq!(
            OrgNumber::parse("880320-0016"),
            Err(IdentityError::NotALegalEntity)
        );
        assert_eq!(
            OrgNumber::parse("212000+0142"),
            Err(IdentityError::PlusInOrgNumber)
        );
        assert_eq!(
            OrgNumber::parse("192120000142"),
            Err(IdentityError::OrgPrefix { prefix: 19 })
        );
        assert_eq!(
            OrgNumber::parse("21200-0142"),
            Err(IdentityError::OrgNumberLength { found: 9 })
        );
        let json = serde_json::to_string(&org).unwrap();
        assert_eq!(json, "\"2120000142\"");
        assert_eq!(serde_json::from_str::<OrgNumber>(&json).unwrap(), org);
    }

    #[test]
    fn identity_number_dispatch() {
        let p = IdentityNumber::parse("880320-0016", TODAY).unwrap();
        assert!(matches!(p, IdentityNumber::Person(_)));
        assert_eq!(p.masked(), "19880320-****");
        assert_eq!(p.normalised(), "198803200016");
        assert_eq!(p.to_string(), "19880320-0016");
        let o = IdentityNumber::parse("212000-0142", TODAY).unwrap();
        assert!(matches!(o, IdentityNumber::Org(_)));
        assert_eq!(o.masked(), "212000-0142");
        assert_eq!(o.normalised(), "2120000142");
        assert!(matches!(
            IdentityNumber::parse("16212000-0142", TODAY),
            Ok(IdentityNumber::Org(_))
        ));
        // Looks like a person, so a personnummer error comes back.
        assert_eq!(
            IdentityNumber::parse("880320-0018", TODAY),
            Err(IdentityError::BadCheckDigit)
        );
        assert_eq!(
            IdentityNumber::parse("881320-0016", TODAY),
            Err(IdentityError::InvalidMonth { month: 13 })
        );
        assert_eq!(
            IdentityNumber::parse("880320", TODAY),
            Err(IdentityError::IdentityLength { found: 6 })
        );
        assert_eq!(IdentityNumber::from_normalised("198803200016").unwrap(), p);
        assert_eq!(IdentityNumber::from_normalised("2120000142").unwrap(), o);
        assert_eq!(
            IdentityNumber::from_normalised("123"),
            Err(IdentityError::IdentityLength { found: 3 })
        );
    }

    /// Builds `YYMMDD?NNNC` with the right check digit.
    fn luhn_form(yymmdd: &str, serial: &str, separator: char) -> String {
        let check = luhn_check_digit(&format!("{yymmdd}{serial}"));
        format!("{yymmdd}{separator}{serial}{check}")
    }

    fn arb_today() -> impl Strategy<Value = Date> {
        (2000i16..=2099, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
    }

    /// A valid person: today, birth date up to 150 years before, serial,
    /// samordning flag.
    fn arb_person() -> impl Strategy<Value = (Date, Date, u16, bool)> {
        (arb_today(), 0i64..=150 * 365, 0u16..1000, any::<bool>()).prop_map(
            |(today, days_back, serial, samordning)| {
                let birth = today
                    .checked_sub(jiff::Span::new().days(days_back))
                    .unwrap();
                (today, birth, serial, samordning)
            },
        )
    }

    fn forms(birth: Date, serial: u16, samordning: bool, today: Date) -> (String, String) {
        let day = birth.day() + if samordning { 60 } else { 0 };
        let yymmdd = format!("{:02}{:02}{:02}", birth.year() % 100, birth.month(), day);
        let separator = if today.year() - birth.year() >= 100 {
            '+'
        } else {
            '-'
        };
        let short = luhn_form(&yymmdd, &format!("{serial:03}"), separator);
        let long = format!("{}{}", birth.year() / 100, short.replace('+', "-"));
        (short, long)
    }

    proptest! {
        #[test]
        fn valid_personnummer_round_trip((today, birth, serial, samordning) in arb_person()) {
            let (short, long) = forms(birth, serial, samordning, today);
            let p = Personnummer::parse(&short, today).unwrap();
            prop_assert_eq!(p.birth_date(), birth);
            prop_assert_eq!(p.is_samordningsnummer(), samordning);
            prop_assert_eq!(&Personnummer::parse(&long, today).unwrap(), &p);
            prop_assert_eq!(&Personnummer::parse(&long.replace('-', ""), today).unwrap(), &p);
            prop_assert_eq!(&p.to_string(), &long);
            prop_assert_eq!(&Personnummer::parse(&p.to_string(), today).unwrap(), &p);
            prop_assert_eq!(&Personnummer::from_normalised(&p.normalised()).unwrap(), &p);
            prop_assert_eq!(
                IdentityNumber::parse(&short, today).unwrap(),
                IdentityNumber::Person(p.clone())
            );
            prop_assert_eq!(
                IdentityNumber::from_normalised(&p.normalised()).unwrap(),
                IdentityNumber::Person(p)
            );
        }

        #[test]
        fn single_digit_change_is_rejected(
            (today, birth, serial, samordning) in arb_person(),
            position in 0usize..10,
            delta in 1u8..10,
        ) {
            let (_, long) = forms(birth, serial, samordning, today);
            let mut bytes = long.replace('-', "").into_bytes();
            // Only the ten Luhn-protected digits YYMMDDNNNC are changed; the
            // century is not covered by the check digit.
            let index = position + 2;
            bytes[index] = b'0' + (bytes[index] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert!(Personnummer::parse(&mutated, today).is_err());
            prop_assert!(Personnummer::from_normalised(&mutated).is_err());
        }

        #[test]
        fn plus_means_at_least_100_years(
            today in arb_today(),
            yymmdd in (0u8..100, 1u8..=12, 1u8..=28),
            serial in 0u16..1000,
        ) {
            let (yy, mm, dd) = yymmdd;
            let text = luhn_form(&format!("{yy:02}{mm:02}{dd:02}"), &format!("{serial:03}"), '+');
            let p = Personnummer::parse(&text, today).unwrap();
            prop_assert!(today.year() - p.birth_date().year() >= 100);
            prop_assert!(today.year() - p.birth_date().year() < 200);
        }

        #[test]
        fn valid_org_numbers(
            head in (1u8..=9, 0u8..=9, 2u8..=9),
            rest in "[0-9]{6}",
        ) {
            let body = format!("{}{}{}{rest}", head.0, head.1, head.2);
            let check = luhn_check_digit(&body);
            let normalised = format!("{body}{check}");
            let org = OrgNumber::parse(&normalised).unwrap();
            prop_assert_eq!(org.normalised(), normalised.clone());
            prop_assert_eq!(&OrgNumber::parse(&org.to_string()).unwrap(), &org);
            prop_assert_eq!(&OrgNumber::parse(&format!("16{normalised}")).unwrap(), &org);
            prop_assert_eq!(
                IdentityNumber::parse(&org.to_string(), TODAY).unwrap(),
                IdentityNumber::Org(org.clone())
            );
            prop_assert_eq!(
                IdentityNumber::from_normalised(&normalised).unwrap(),
                IdentityNumber::Org(org)
            );
        }

        #[test]
        fn org_single_digit_change_is_rejected(
            rest in "[0-9]{7}",
            position in 0usize..10,
            delta in 1u8..10,
        ) {
            let body = format!("55{rest}");
            let check = luhn_check_digit(&body);
            let mut bytes = format!("{body}{check}").into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert!(OrgNumber::parse(&mutated).is_err());
        }
    }
}

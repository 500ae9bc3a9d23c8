//! Why an input was refused, as data, so each person reads it in their own language.
//!
//! Services return [`Invalid`] (which field, and the [`Problem`]); the web layer names the
//! problem with the Fluent message [`Explain::message_key`] and its [`Explain::args`]
//! (`views/i18n/*/problems.ftl` and the capability's own file). Nothing here holds a sentence
//! for a person: the `Display` of the value errors below is for logs and the command line.
//!
//! A capability with refusals of its own adds one variant wrapping its own enum (as
//! `Visits(VisitError)`), implements [`Explain`] for that enum next to it, and writes the
//! messages in its message file in both languages.

use crate::code::UnknownCode;
use crate::identity::IdentityError;
use crate::meter::MeterError;
use crate::money::MoneyError;
use crate::ocr::OcrError;
use crate::time::TimeError;

/// Something a person must be told: a message key and the values it names.
pub trait Explain {
    /// The Fluent message (`problem-required`).
    fn message_key(&self) -> &'static str;
    /// The message's arguments as text (`("max", "500")`).
    fn args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A refused input: the field it was in (the form's or JSON's name for it) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub problem: Problem,
}

impl Invalid {
    pub fn new(field: &'static str, problem: impl Into<Problem>) -> Invalid {
        Invalid {
            field,
            problem: problem.into(),
        }
    }
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was entered where something is needed.
    Required,
    /// Longer than the field takes.
    TooLong {
        max: usize,
    },
    /// Not a whole number.
    NotANumber,
    /// A number outside its range (both ends allowed).
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not a date written `YYYY-MM-DD`, or no such day.
    Date(TimeError),
    /// Not a date and time (`YYYY-MM-DDTHH:MM`).
    NotADateTime,
    /// Not a time of day (`HH:MM`).
    NotATime,
    /// Not opening hours written `HH:MM-HH:MM` with the opening first.
    NotHours,
    /// A moment or day that has passed where a future one is needed.
    InThePast,
    /// An end that is not after its start.
    EndsBeforeStart,
    /// Not one of the values offered.
    UnknownChoice(UnknownCode),
    /// A reason is needed for the record and none was given.
    ReasonRequired,
    Identity(IdentityError),
    Money(MoneyError),
    Ocr(OcrError),
    Meter(MeterError),
    Policy(crate::policy::PolicyError),
    Visits(crate::visits::VisitError),
    Chat(crate::chat::MessageError),
    Campaign(crate::campaign::CampaignProblem),
    Credit(crate::credit::CreditProblem),
    Cases(crate::cases::CaseProblem),
    Portal(crate::portal::PortalProblem),
    Account(crate::role::AccountProblem),
    Modes(crate::modes::ModeProblem),
    Continuity(crate::continuity::ContinuityProblem),
    Suppliers(crate::suppliers::SupplierProblem),
    Community(crate::community::CommunityProblem),
    Registers(crate::registers::RegisterProblem),
}

macro_rules! wraps {
    ($($variant:ident($t:ty)),+ $(,)?) => {$(
        impl From<$t> for Problem {
            fn from(e: $t) -> Problem {
                Problem::$variant(e)
            }
        }
    )+};
}

wraps!(
    Date(TimeError),
    UnknownChoice(UnknownCode),
    Identity(IdentityError),
    Money(MoneyError),
    Ocr(OcrError),
    Meter(MeterError),
    Policy(crate::policy::PolicyError),
    Visits(crate::visits::VisitError),
    Chat(crate::chat::MessageError),
    Campaign(crate::campaign::CampaignProblem),
    Credit(crate::credit::CreditProblem),
    Cases(crate::cases::CaseProblem),
    Portal(crate::portal::PortalProblem),
    Account(crate::role::AccountProblem),
    Modes(crate::modes::ModeProblem),
    Continuity(crate::continuity::ContinuityProblem),
    Suppliers(crate::suppliers::SupplierProblem),
    Community(crate::community::CommunityProblem),
    Registers(crate::registers::RegisterProblem),
);

impl Explain for Problem {
    fn message_key(&self) -> &'static str {
        match self {
            Problem::Required => "problem-required",
            Problem::TooLong { .. } => "problem-too-long",
            Problem::NotANumber => "problem-not-a-number",
            Problem::OutOfRange { .. } => "problem-out-of-range",
            Problem::Date(e) => e.message_key(),
            Problem::NotADateTime => "problem-not-a-date-time",
            Problem::NotATime => "problem-not-a-time",
            Problem::NotHours => "problem-not-hours",
            Problem::InThePast => "problem-in-the-past",
            Problem::EndsBeforeStart => "problem-ends-before-start",
            Problem::UnknownChoice(_) => "problem-unknown-choice",
            Problem::ReasonRequired => "problem-reason-required",
            Problem::Identity(e) => e.message_key(),
            Problem::Money(e) => e.message_key(),
            Problem::Ocr(e) => e.message_key(),
            Problem::Meter(e) => e.message_key(),
            Problem::Policy(e) => e.message_key(),
            Problem::Visits(e) => e.message_key(),
            Problem::Chat(e) => e.message_key(),
            Problem::Campaign(e) => e.message_key(),
            Problem::Credit(e) => e.message_key(),
            Problem::Cases(e) => e.message_key(),
            Problem::Portal(e) => e.message_key(),
            Problem::Account(e) => e.message_key(),
            Problem::Modes(e) => e.message_key(),
            Problem::Continuity(e) => e.message_key(),
            Problem::Suppliers(e) => e.message_key(),
            Problem::Community(e) => e.message_key(),
            Problem::Registers(e) => e.message_key(),
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::TooLong { max } => vec![("max", max.to_string())],
            Problem::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Problem::Date(e) => e.args(),
            Problem::Identity(e) => e.args(),
            Problem::Money(e) => e.args(),
            Problem::Ocr(e) => e.args(),
            Problem::Meter(e) => e.args(),
            Problem::Policy(e) => e.args(),
            Problem::Visits(e) => e.args(),
            Problem::Chat(e) => e.args(),
            Problem::Campaign(e) => e.args(),
            Problem::Credit(e) => e.args(),
            Problem::Cases(e) => e.args(),
            Problem::Portal(e) => e.args(),
            Problem::Account(e) => e.args(),
            Problem::Modes(e) => e.args(),
            Problem::Continuity(e) => e.args(),
            Problem::Suppliers(e) => e.args(),
            Problem::Community(e) => e.args(),
            Problem::Registers(e) => e.args(),
            _ => Vec::new(),
        }
    }
}

impl Explain for TimeError {
    fn message_key(&self) -> &'static str {
        match self {
            TimeError::DateFormat { .. } => "problem-date-format",
            TimeError::InvalidDate { .. } => "problem-no-such-date",
        }
    }
}

impl Explain for IdentityError {
    fn message_key(&self) -> &'static str {
        match self {
            IdentityError::Empty => "problem-identity-empty",
            IdentityError::InvalidCharacter { .. } => "problem-identity-character",
            IdentityError::MisplacedSeparator => "problem-identity-separator",
            IdentityError::PersonnummerLength { .. } => "problem-identity-personnummer-length",
            IdentityError::OrgNumberLength { .. } => "problem-identity-org-length",
            IdentityError::IdentityLength { .. } => "problem-identity-length",
            IdentityError::PlusWithFullYear => "problem-identity-plus-full-year",
            IdentityError::PlusInOrgNumber => "problem-identity-plus-org",
            IdentityError::UnsupportedCentury { .. } => "problem-identity-century",
            IdentityError::OrgPrefix { .. } => "problem-identity-org-prefix",
            IdentityError::InvalidMonth { .. } => "problem-identity-month",
            IdentityError::InvalidDay { .. } => "problem-identity-day",
            IdentityError::InFuture => "problem-identity-future",
            IdentityError::BadCheckDigit => "problem-identity-check-digit",
            IdentityError::NotALegalEntity => "problem-identity-not-legal-entity",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            IdentityError::InvalidCharacter { ch, position } => {
                vec![("ch", ch.to_string()), ("position", position.to_string())]
            }
            IdentityError::PersonnummerLength { found }
            | IdentityError::OrgNumberLength { found }
            | IdentityError::IdentityLength { found } => vec![("found", found.to_string())],
            IdentityError::UnsupportedCentury { century } => {
                vec![("found", format!("{century:02}"))]
            }
            IdentityError::OrgPrefix { prefix } => vec![("found", format!("{prefix:02}"))],
            IdentityError::InvalidMonth { month } => vec![("found", format!("{month:02}"))],
            IdentityError::InvalidDay { year, month, day } => vec![
                ("year", year.to_string()),
                ("month", format!("{month:02}")),
                ("day", format!("{day:02}")),
            ],
            _ => Vec::new(),
        }
    }
}

impl Explain for MoneyError {
    fn message_key(&self) -> &'static str {
        match self {
            MoneyError::Empty => "problem-money-empty",
            MoneyError::InvalidCharacter { .. } => "problem-money-character",
            MoneyError::MissingKronor => "problem-money-missing-kronor",
            MoneyError::MissingOre => "problem-money-missing-ore",
            MoneyError::TooManyDecimals { .. } => "problem-money-decimals",
            MoneyError::BadGrouping => "problem-money-grouping",
            MoneyError::OutOfRange => "problem-money-range",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MoneyError::InvalidCharacter { ch, position } => {
                vec![("ch", ch.to_string()), ("position", position.to_string())]
            }
            MoneyError::TooManyDecimals { found } => vec![("found", found.to_string())],
            _ => Vec::new(),
        }
    }
}

impl Explain for OcrError {
    fn message_key(&self) -> &'static str {
        match self {
            OcrError::Empty => "problem-ocr-empty",
            OcrError::InvalidCharacter { .. } => "problem-ocr-character",
            OcrError::WrongLength { .. } => "problem-ocr-length",
            OcrError::BadCheckDigit => "problem-ocr-check-digit",
            OcrError::BadLengthDigit { .. } => "problem-ocr-length-digit",
            OcrError::BaseTooLong { .. } => "problem-ocr-base-too-long",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            OcrError::InvalidCharacter { ch, position } => {
                vec![("ch", ch.to_string()), ("position", position.to_string())]
            }
            OcrError::WrongLength { found } => vec![("found", found.to_string())],
            OcrError::BadLengthDigit {
                found,
                expected,
                length,
            } => vec![
                ("found", found.to_string()),
                ("expected", expected.to_string()),
                ("length", length.to_string()),
            ],
            OcrError::BaseTooLong { base_len, total } => vec![
                ("found", base_len.to_string()),
                ("total", total.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

impl Explain for MeterError {
    fn message_key(&self) -> &'static str {
        match self {
            MeterError::Empty => "problem-meter-empty",
            MeterError::InvalidCharacter { .. } => "problem-meter-character",
            MeterError::WrongLength { .. } => "problem-meter-length",
            MeterError::BadCheckDigit => "problem-meter-check-digit",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MeterError::InvalidCharacter { ch, position } => {
                vec![("ch", ch.to_string()), ("position", position.to_string())]
            }
            MeterError::WrongLength { expected, found } => vec![
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

impl Problem {
    /// One value of every kind of problem, for the test that each has a message in both
    /// languages. A new variant without an example here fails `every_problem_has_an_example`.
    pub fn examples() -> Vec<Problem> {
        let mut all = vec![
            Problem::Required,
            Problem::TooLong { max: 500 },
            Problem::NotANumber,
            Problem::OutOfRange { min: 1, max: 4 },
            Problem::NotADateTime,
            Problem::NotATime,
            Problem::NotHours,
            Problem::InThePast,
            Problem::EndsBeforeStart,
            Problem::ReasonRequired,
            Problem::UnknownChoice(UnknownCode {
                set: "role",
                value: "x".into(),
                expected: vec!["a", "b"],
            }),
            Problem::Date(TimeError::DateFormat { found: "x".into() }),
            Problem::Date(TimeError::InvalidDate {
                found: "2026-02-30".into(),
            }),
        ];
        all.extend(value_examples());
        all.extend(
            crate::policy::PolicyError::examples()
                .into_iter()
                .map(Problem::Policy),
        );
        all.extend(
            crate::visits::VisitError::examples()
                .into_iter()
                .map(Problem::Visits),
        );
        all.extend(
            crate::chat::MessageError::examples()
                .into_iter()
                .map(Problem::Chat),
        );
        all.extend(
            crate::campaign::CampaignProblem::examples()
                .into_iter()
                .map(Problem::Campaign),
        );
        all.extend(
            crate::credit::CreditProblem::examples()
                .into_iter()
                .map(Problem::Credit),
        );
        all.extend(
            crate::cases::CaseProblem::examples()
                .into_iter()
                .map(Problem::Cases),
        );
        all.extend(
            crate::portal::PortalProblem::examples()
                .into_iter()
                .map(Problem::Portal),
        );
        all.extend(
            crate::role::AccountProblem::examples()
                .into_iter()
                .map(Problem::Account),
        );
        all.extend(
            crate::modes::ModeProblem::examples()
                .into_iter()
                .map(Problem::Modes),
        );
        all.extend(
            crate::continuity::ContinuityProblem::examples()
                .into_iter()
                .map(Problem::Continuity),
        );
        all.extend(
            crate::suppliers::SupplierProblem::examples()
                .into_iter()
                .map(Problem::Suppliers),
        );
        all.extend(
            crate::community::CommunityProblem::examples()
                .into_iter()
                .map(Problem::Community),
        );
        all.extend(
            crate::registers::RegisterProblem::examples()
                .into_iter()
                .map(Problem::Registers),
        );
        all
    }
}

/// One of every value error (identity numbers, money, OCR references, meter-point ids).
fn value_examples() -> Vec<Problem> {
    let mut out = Vec::new();
    out.extend(
        [
            IdentityError::Empty,
            IdentityError::InvalidCharacter {
                ch: 'x',
                position: 3,
            },
            IdentityError::MisplacedSeparator,
            IdentityError::PersonnummerLength { found: 9 },
            IdentityError::OrgNumberLength { found: 9 },
            IdentityError::IdentityLength { found: 9 },
            IdentityError::PlusWithFullYear,
            IdentityError::PlusInOrgNumber,
            IdentityError::UnsupportedCentury { century: 17 },
            IdentityError::OrgPrefix { prefix: 15 },
            IdentityError::InvalidMonth { month: 13 },
            IdentityError::InvalidDay {
                year: 1990,
                month: 2,
                day: 30,
            },
            IdentityError::InFuture,
            IdentityError::BadCheckDigit,
            IdentityError::NotALegalEntity,
        ]
        .map(Problem::Identity),
    );
    out.extend(
        [
            MoneyError::Empty,
            MoneyError::InvalidCharacter {
                ch: 'x',
                position: 2,
            },
            MoneyError::MissingKronor,
            MoneyError::MissingOre,
            MoneyError::TooManyDecimals { found: 3 },
            MoneyError::BadGrouping,
            MoneyError::OutOfRange,
        ]
        .map(Problem::Money),
    );
    out.extend(
        [
            OcrError::Empty,
            OcrError::InvalidCharacter {
                ch: 'x',
                position: 2,
            },
            OcrError::WrongLength { found: 1 },
            OcrError::BadCheckDigit,
            OcrError::BadLengthDigit {
                found: 3,
                expected: 4,
                length: 14,
            },
            OcrError::BaseTooLong {
                base_len: 30,
                total: 32,
            },
        ]
        .map(Problem::Ocr),
    );
    out.extend(
        [
            MeterError::Empty,
            MeterError::InvalidCharacter {
                ch: 'x',
                position: 2,
            },
            MeterError::WrongLength {
                expected: 18,
                found: 17,
            },
            MeterError::BadCheckDigit,
        ]
        .map(Problem::Meter),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_an_example() {
        // Adding a variant to `Problem` breaks this match until the variant has an example.
        let examples = Problem::examples();
        assert!(!examples.is_empty());
        for p in &examples {
            match p {
                Problem::Required
                | Problem::TooLong { .. }
                | Problem::NotANumber
                | Problem::OutOfRange { .. }
                | Problem::Date(_)
                | Problem::NotADateTime
                | Problem::NotATime
                | Problem::NotHours
                | Problem::InThePast
                | Problem::EndsBeforeStart
                | Problem::UnknownChoice(_)
                | Problem::ReasonRequired
                | Problem::Identity(_)
                | Problem::Money(_)
                | Problem::Ocr(_)
                | Problem::Meter(_)
                | Problem::Policy(_)
                | Problem::Visits(_)
                | Problem::Chat(_)
                | Problem::Campaign(_)
                | Problem::Credit(_)
                | Problem::Cases(_)
                | Problem::Portal(_)
                | Problem::Account(_)
                | Problem::Modes(_)
                | Problem::Continuity(_)
                | Problem::Suppliers(_)
                | Problem::Community(_)
                | Problem::Registers(_) => {}
            }
        }
        assert!(
            examples
                .iter()
                .all(|p| p.message_key().contains("problem-"))
        );
    }
}

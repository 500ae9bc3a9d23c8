//! Checking an [`Initiation`] against the schema and the Swedish number
//! rules before anything is written, and adding up its totals.

use std::collections::HashSet;

use super::{
    Batch, CreditorAccount, DebtorAccount, Field, Initiation, Location, Party, Payment, Reference,
    Version, WriteError, WriteErrorKind,
};
use crate::bgmax::ocr;
use crate::iso20022::xml;

/// The largest amount in öre the schema's 18 total digits allow.
pub(super) const MAX_ORE: i64 = 999_999_999_999_999_999;
/// `Max35Text`.
const ID_MAX: usize = 35;
/// `Max140Text`.
const TEXT_MAX: usize = 140;

/// Counts and sums of a checked initiation.
pub(super) struct Totals {
    /// Payments in the message.
    pub count: usize,
    /// Sum of all amounts in öre.
    pub sum_ore: i64,
    /// Sum of each batch's amounts in öre, in order.
    pub batch_sums_ore: Vec<i64>,
}

/// Checks every field of `initiation` and returns its totals.
pub(super) fn check(initiation: &Initiation, version: Version) -> Result<Totals, WriteError> {
    let fail = |field, kind| WriteError {
        at: Location::Message,
        field,
        kind,
    };
    text(&initiation.message_id, ID_MAX).map_err(|k| fail(Field::MessageId, k))?;
    year(initiation.created.year()).map_err(|k| fail(Field::Created, k))?;
    party(
        &initiation.initiator,
        Field::InitiatorName,
        Field::InitiatorOrgNumber,
    )
    .map_err(|(field, kind)| fail(field, kind))?;
    if initiation.batches.is_empty() {
        return Err(fail(Field::Batches, WriteErrorKind::Empty));
    }
    let mut payment_info_ids = HashSet::new();
    let mut end_to_end_ids = HashSet::new();
    let mut totals = Totals {
        count: 0,
        sum_ore: 0,
        batch_sums_ore: Vec::with_capacity(initiation.batches.len()),
    };
    for (index, batch) in initiation.batches.iter().enumerate() {
        let at = Location::Batch {
            batch: index,
            payment_info_id: batch.payment_info_id.clone(),
        };
        let fail = |field, kind| WriteError {
            at: at.clone(),
            field,
            kind,
        };
        check_batch(batch, version).map_err(|(field, kind)| fail(field, kind))?;
        if !payment_info_ids.insert(batch.payment_info_id.as_str()) {
            return Err(fail(Field::PaymentInfoId, WriteErrorKind::Duplicate));
        }
        let mut batch_sum: i64 = 0;
        for (position, payment) in batch.payments.iter().enumerate() {
            let fail = |field, kind| WriteError {
                at: Location::Payment {
                    batch: index,
                    payment: position,
                    end_to_end_id: payment.end_to_end_id.clone(),
                },
                field,
                kind,
            };
            check_payment(payment, version).map_err(|(field, kind)| fail(field, kind))?;
            if !end_to_end_ids.insert(payment.end_to_end_id.as_str()) {
                return Err(fail(Field::EndToEndId, WriteErrorKind::Duplicate));
            }
            batch_sum = add(batch_sum, payment.amount_ore)
                .ok_or_else(|| fail(Field::Amount, WriteErrorKind::TooLarge))?;
        }
        totals.sum_ore = add(totals.sum_ore, batch_sum)
            .ok_or_else(|| fail(Field::ControlSum, WriteErrorKind::TooLarge))?;
        totals.count += batch.payments.len();
        totals.batch_sums_ore.push(batch_sum);
    }
    Ok(totals)
}

/// `a + b` when it stays within the schema's 18 digits.
fn add(a: i64, b: i64) -> Option<i64> {
    a.checked_add(b).filter(|sum| *sum <= MAX_ORE)
}

type Fault = (Field, WriteErrorKind);

fn party(party: &Party, name: Field, org_number: Field) -> Result<(), Fault> {
    text(&party.name, TEXT_MAX).map_err(|k| (name, k))?;
    if let Some(number) = &party.org_number {
        digits(number, 10, 10).map_err(|k| (org_number, k))?;
    }
    Ok(())
}

fn check_batch(batch: &Batch, version: Version) -> Result<(), Fault> {
    text(&batch.payment_info_id, ID_MAX).map_err(|k| (Field::PaymentInfoId, k))?;
    year(batch.execution_date.year()).map_err(|k| (Field::ExecutionDate, k))?;
    party(&batch.debtor, Field::DebtorName, Field::DebtorOrgNumber)?;
    match &batch.debtor_account {
        DebtorAccount::Bankgiro(number) => {
            giro(number, 7, 8).map_err(|k| (Field::DebtorAccount, k))?;
        }
        DebtorAccount::Iban { iban: number, bic } => {
            iban(number).map_err(|k| (Field::DebtorAccount, k))?;
            check_bic(bic, version).map_err(|k| (Field::DebtorBic, k))?;
        }
    }
    if batch.payments.is_empty() {
        return Err((Field::Payments, WriteErrorKind::Empty));
    }
    Ok(())
}

fn check_payment(payment: &Payment, version: Version) -> Result<(), Fault> {
    text(&payment.end_to_end_id, ID_MAX).map_err(|k| (Field::EndToEndId, k))?;
    text(&payment.instruction_id, ID_MAX).map_err(|k| (Field::InstructionId, k))?;
    if payment.amount_ore <= 0 {
        return Err((Field::Amount, WriteErrorKind::NotPositive));
    }
    if payment.amount_ore > MAX_ORE {
        return Err((Field::Amount, WriteErrorKind::TooLarge));
    }
    text(&payment.creditor_name, TEXT_MAX).map_err(|k| (Field::CreditorName, k))?;
    let account = |k| (Field::CreditorAccount, k);
    match &payment.creditor {
        CreditorAccount::Bankgiro(number) => giro(number, 7, 8).map_err(account)?,
        CreditorAccount::Plusgiro(number) => giro(number, 2, 8).map_err(account)?,
        CreditorAccount::Iban { iban: number, bic } => {
            iban(number).map_err(account)?;
            if let Some(bic) = bic {
                check_bic(bic, version).map_err(|k| (Field::CreditorBic, k))?;
            }
        }
        CreditorAccount::Domestic {
            clearing,
            account: number,
        } => {
            digits(clearing, 4, 5).map_err(|k| (Field::CreditorClearing, k))?;
            digits(number, 1, 12).map_err(account)?;
        }
    }
    match &payment.reference {
        Reference::Ocr(number) => {
            digits(number, ocr::MIN_LEN, ocr::MAX_LEN).map_err(|k| (Field::Reference, k))?;
            if !ocr::is_valid(number) {
                return Err((Field::Reference, WriteErrorKind::CheckDigit));
            }
        }
        Reference::Free(message) => text(message, TEXT_MAX).map_err(|k| (Field::Reference, k))?,
    }
    Ok(())
}

/// A year written with four digits and no sign.
fn year(year: i16) -> Result<(), WriteErrorKind> {
    if year < 1 {
        return Err(WriteErrorKind::YearOutOfRange);
    }
    Ok(())
}

/// 1..=`max` characters XML can carry on one line.
fn text(value: &str, max: usize) -> Result<(), WriteErrorKind> {
    if value.is_empty() {
        return Err(WriteErrorKind::Empty);
    }
    if let Some(index) = value.chars().position(|c| !xml::is_text_char(c)) {
        return Err(WriteErrorKind::BadCharacter { index });
    }
    let length = value.chars().count();
    if length > max {
        return Err(WriteErrorKind::TooLong { length, max });
    }
    Ok(())
}

/// `min..=max` ASCII digits.
fn digits(value: &str, min: usize, max: usize) -> Result<(), WriteErrorKind> {
    if value.is_empty() {
        return Err(WriteErrorKind::Empty);
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WriteErrorKind::NotDigits);
    }
    if !(min..=max).contains(&value.len()) {
        return Err(WriteErrorKind::DigitCount {
            length: value.len(),
            min,
            max,
        });
    }
    Ok(())
}

/// A giro number: `min..=max` digits, the last a Luhn check digit.
fn giro(value: &str, min: usize, max: usize) -> Result<(), WriteErrorKind> {
    digits(value, min, max)?;
    if !ocr::is_valid(value) {
        return Err(WriteErrorKind::CheckDigit);
    }
    Ok(())
}

/// An IBAN in compact upper-case form with correct ISO 7064 check digits.
pub(super) fn iban(value: &str) -> Result<(), WriteErrorKind> {
    let bytes = value.as_bytes();
    let well_formed = (5..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !well_formed {
        return Err(WriteErrorKind::BadIban);
    }
    let mut remainder: u32 = 0;
    for &byte in bytes[4..].iter().chain(&bytes[..4]) {
        let value = if byte.is_ascii_digit() {
            u32::from(byte - b'0')
        } else {
            u32::from(byte - b'A') + 10
        };
        let scale = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * scale + value) % 97;
    }
    if remainder != 1 {
        return Err(WriteErrorKind::BadIban);
    }
    Ok(())
}

/// A BIC as the version's schema pattern has it: .03
/// `[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?`, .09
/// `[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?`.
fn check_bic(value: &str, version: Version) -> Result<(), WriteErrorKind> {
    let b = value.as_bytes();
    let alnum = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    let length_ok = b.len() == 8 || b.len() == 11;
    let ok = length_ok
        && b.iter().all(alnum)
        && match version {
            Version::V03 => {
                b[..6].iter().all(u8::is_ascii_uppercase)
                    && (b[6].is_ascii_uppercase() || (b'2'..=b'9').contains(&b[6]))
                    && b[7] != b'O'
            }
            Version::V09 => b[4..6].iter().all(u8::is_ascii_uppercase),
        };
    if ok {
        Ok(())
    } else {
        Err(WriteErrorKind::BadBic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans() {
        for good in [
            "SE4550000000058398257466",
            "SE4256065723789397612318",
            "CH2801234000123456789",
            "GB82WEST12345698765432",
        ] {
            assert_eq!(iban(good), Ok(()), "{good}");
        }
        for bad in [
            "SE4550000000058398257467",
            "se4550000000058398257466",
            "SE45 5000 0000 0583 9825 7466",
            "SE45",
            "",
        ] {
            assert_eq!(iban(bad), Err(WriteErrorKind::BadIban), "{bad}");
        }
    }

    #[test]
    fn bics() {
        assert_eq!(check_bic("NDEASESS", Version::V03), Ok(()));
        assert_eq!(check_bic("ESSESESSSTO", Version::V09), Ok(()));
        assert_eq!(check_bic("1234SESS", Version::V09), Ok(()));
        assert!(check_bic("1234SESS", Version::V03).is_err());
        assert!(check_bic("NDEASESO", Version::V03).is_err());
        assert!(check_bic("NDEASES", Version::V09).is_err());
        assert!(check_bic("ndeasess", Version::V09).is_err());
    }

    #[test]
    fn giros() {
        assert_eq!(giro("50501055", 7, 8), Ok(()));
        assert_eq!(giro("123455", 2, 8), Ok(()));
        assert_eq!(giro("50501056", 7, 8), Err(WriteErrorKind::CheckDigit));
        assert!(matches!(
            giro("123455", 7, 8),
            Err(WriteErrorKind::DigitCount { .. })
        ));
        assert_eq!(giro("5050-1055", 7, 8), Err(WriteErrorKind::NotDigits));
    }
}

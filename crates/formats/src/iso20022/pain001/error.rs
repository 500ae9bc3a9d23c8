//! Why a pain.001 could not be written.

use std::fmt;

/// A field of an [`Initiation`](super::Initiation) that cannot be written,
/// and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {field}: {kind}")]
pub struct WriteError {
    /// The message, batch or payment holding the field.
    pub at: Location,
    /// The field at fault.
    pub field: Field,
    /// What is wrong with it.
    pub kind: WriteErrorKind,
}

/// Where in the message a fault is. Indexes are 0-based positions in
/// `batches` and `payments`; the ids are repeated to find the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The group header.
    Message,
    /// A batch.
    Batch {
        /// Position in `Initiation::batches`.
        batch: usize,
        /// Its `payment_info_id`.
        payment_info_id: String,
    },
    /// A payment.
    Payment {
        /// Position of its batch in `Initiation::batches`.
        batch: usize,
        /// Position in `Batch::payments`.
        payment: usize,
        /// Its `end_to_end_id`.
        end_to_end_id: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Message => f.write_str("message"),
            Location::Batch {
                batch,
                payment_info_id,
            } => write!(f, "batch {batch} ({payment_info_id:?})"),
            Location::Payment {
                batch,
                payment,
                end_to_end_id,
            } => write!(f, "batch {batch} payment {payment} ({end_to_end_id:?})"),
        }
    }
}

/// The field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `Initiation::message_id`.
    MessageId,
    /// `Initiation::created`.
    Created,
    /// `Party::name` of the initiator.
    InitiatorName,
    /// `Party::org_number` of the initiator.
    InitiatorOrgNumber,
    /// `Initiation::batches`.
    Batches,
    /// `Batch::payment_info_id`.
    PaymentInfoId,
    /// `Batch::execution_date`.
    ExecutionDate,
    /// `Party::name` of the debtor.
    DebtorName,
    /// `Party::org_number` of the debtor.
    DebtorOrgNumber,
    /// The bankgiro number or IBAN of `Batch::debtor_account`.
    DebtorAccount,
    /// The BIC of `Batch::debtor_account`.
    DebtorBic,
    /// `Batch::payments`.
    Payments,
    /// The sum of a batch's or the message's amounts.
    ControlSum,
    /// `Payment::end_to_end_id`.
    EndToEndId,
    /// `Payment::instruction_id`.
    InstructionId,
    /// `Payment::amount_ore`.
    Amount,
    /// `Payment::creditor_name`.
    CreditorName,
    /// The giro number, IBAN or account number of `Payment::creditor`.
    CreditorAccount,
    /// The BIC of `Payment::creditor`.
    CreditorBic,
    /// The clearing number of `Payment::creditor`.
    CreditorClearing,
    /// `Payment::reference`.
    Reference,
}

impl Field {
    /// The field's name in the Rust model.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::MessageId => "message_id",
            Field::Created => "created",
            Field::InitiatorName => "initiator.name",
            Field::InitiatorOrgNumber => "initiator.org_number",
            Field::Batches => "batches",
            Field::PaymentInfoId => "payment_info_id",
            Field::ExecutionDate => "execution_date",
            Field::DebtorName => "debtor.name",
            Field::DebtorOrgNumber => "debtor.org_number",
            Field::DebtorAccount => "debtor_account",
            Field::DebtorBic => "debtor_account.bic",
            Field::Payments => "payments",
            Field::ControlSum => "control_sum",
            Field::EndToEndId => "end_to_end_id",
            Field::InstructionId => "instruction_id",
            Field::Amount => "amount_ore",
            Field::CreditorName => "creditor_name",
            Field::CreditorAccount => "creditor",
            Field::CreditorBic => "creditor.bic",
            Field::CreditorClearing => "creditor.clearing",
            Field::Reference => "reference",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteErrorKind {
    /// A text or list that must not be empty is.
    #[error("empty")]
    Empty,
    /// A text longer than the schema allows (in characters).
    #[error("too long: {length} > {max}")]
    TooLong {
        /// Length in characters.
        length: usize,
        /// The schema's maximum.
        max: usize,
    },
    /// A character XML cannot carry in a one-line field (control
    /// characters, line breaks, tabs).
    #[error("character not allowed at {index}")]
    BadCharacter {
        /// 0-based character index.
        index: usize,
    },
    /// A number field holds something other than ASCII digits.
    #[error("not digits")]
    NotDigits,
    /// A number field with the wrong number of digits.
    #[error("{length} digits, expected {min}..={max}")]
    DigitCount {
        /// Digits given.
        length: usize,
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// A giro or OCR number whose Luhn check digit is wrong.
    #[error("wrong check digit")]
    CheckDigit,
    /// Not an IBAN: bad form or wrong ISO 7064 check digits.
    #[error("not a valid IBAN")]
    BadIban,
    /// Not a BIC the schema of the version accepts.
    #[error("not a valid BIC")]
    BadBic,
    /// An amount of zero or less.
    #[error("amount not positive")]
    NotPositive,
    /// An amount or sum beyond the schema's 18 digits.
    #[error("amount too large")]
    TooLarge,
    /// A date before year 1 (the schema's dates have four-digit years
    /// and banks take no others).
    #[error("year out of range")]
    YearOutOfRange,
    /// An id used twice in the file.
    #[error("duplicate id")]
    Duplicate,
}

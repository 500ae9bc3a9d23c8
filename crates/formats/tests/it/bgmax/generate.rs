//! Proptest strategies for valid BgMax files.
//!
//! A generated [`BgMaxFile`] has all line numbers 0 and consistent totals,
//! uses every record type and the awkward parts of the format (Latin-1
//! letters, OCR references with and without a length digit, extra
//! references that add up to their payment, credits in TK23, deductions).
//! Texts never end in a blank, because the format cannot tell a trailing
//! blank from padding.

use formats::bgmax::{
    BgMaxFile, Date, Deposit, EndRecord, ExtraReference, ExtraReferenceKind, PayerAddress,
    PayerName, Payment, PaymentKind, Section, Timestamp, ocr,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Text up to `max` characters of a Swedish payment file, without
/// trailing blanks.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9åäöÅÄÖéü ,.:/-]{{0,{max}}}"))
        .expect("valid regex")
        .prop_map(|s| s.trim_end_matches(' ').to_owned())
}

fn digits(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[1-9][0-9]{{{},{}}}", min - 1, max - 1))
        .expect("valid regex")
}

fn date() -> impl Strategy<Value = Date> {
    (2000u16..2040, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        Date::new(y, m, d).unwrap_or(Date {
            year: y,
            month: m,
            day: 28,
        })
    })
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (date(), 0u8..24, 0u8..60, 0u8..60, 0u32..1_000_000).prop_map(
        |(date, hour, minute, second, micros)| Timestamp {
            date,
            hour,
            minute,
            second,
            micros,
        },
    )
}

/// A reference code and a reference that fits it.
fn reference() -> impl Strategy<Value = (u8, String)> {
    prop_oneof![
        Just((0u8, String::new())),
        Just((1u8, String::new())),
        digits(1, 23).prop_map(|base| (2u8, ocr::with_check_digit(&base).unwrap_or_default())),
        digits(1, 22).prop_map(|base| (
            2u8,
            ocr::with_length_and_check_digit(&base).unwrap_or_default()
        )),
        (3u8..=5, text(25)).prop_map(|(code, text)| (code, text.trim_matches(' ').to_owned())),
    ]
}

/// The shared fields of a payment record, before extras and payer data.
#[derive(Debug, Clone)]
struct Core {
    sender_bankgiro: String,
    reference_code: u8,
    reference: String,
    channel_code: u8,
    bgc_serial: String,
    image_marker: bool,
}

fn core() -> impl Strategy<Value = Core> {
    (
        prop_oneof![Just(String::new()), digits(7, 8)],
        reference(),
        1u8..=4,
        proptest::string::string_regex("[0-9]{12}").expect("valid regex"),
        any::<bool>(),
    )
        .prop_map(
            |(
                sender_bankgiro,
                (reference_code, reference),
                channel_code,
                bgc_serial,
                image_marker,
            )| Core {
                sender_bankgiro,
                reference_code,
                reference,
                channel_code,
                bgc_serial,
                image_marker,
            },
        )
}

/// Extra references: either reference numbers only (amount 0) or amounts
/// whose TK22 sum minus a TK23 credit is the payment.
fn extras(amount_ore: i64) -> impl Strategy<Value = Vec<ExtraReference>> {
    let one = (core(), prop_oneof![Just(2u8), Just(5u8)]);
    (vec(one, 0..4), any::<bool>(), 0i64..5_000).prop_map(move |(cores, with_amounts, credit)| {
        let mut extras: Vec<ExtraReference> = cores
            .into_iter()
            .map(|(core, code)| {
                let reference = if code == 2 {
                    ocr::with_check_digit(&core.bgc_serial[..6]).unwrap_or_default()
                } else {
                    core.reference
                };
                ExtraReference {
                    line: 0,
                    kind: ExtraReferenceKind::Positive,
                    sender_bankgiro: core.sender_bankgiro,
                    reference,
                    reference_code: code,
                    amount_ore: 0,
                    channel_code: core.channel_code,
                    bgc_serial: core.bgc_serial,
                    image_marker: core.image_marker,
                }
            })
            .collect();
        if with_amounts && extras.len() >= 2 {
            // The last one is a credit; the others share payment + credit.
            let count = extras.len() as i64 - 1;
            let total = amount_ore + credit;
            for (index, extra) in extras.iter_mut().enumerate() {
                let index = index as i64;
                extra.amount_ore = if index == count {
                    credit
                } else if index == count - 1 {
                    total - total / count * (count - 1)
                } else {
                    total / count
                };
            }
            if let Some(last) = extras.last_mut() {
                last.kind = ExtraReferenceKind::Negative;
            }
        }
        extras
    })
}

fn payer() -> impl Strategy<Value = (Option<PayerName>, Option<PayerAddress>, Option<String>)> {
    (
        option::of(
            (text(35), text(35)).prop_map(|(name, extra_name)| PayerName { name, extra_name }),
        ),
        option::of(
            (text(35), text(9), text(35), text(35), "[A-Z]{2}").prop_map(
                |(street, postal_code, town, country, country_code)| PayerAddress {
                    street,
                    postal_code,
                    town,
                    country,
                    country_code,
                },
            ),
        ),
        option::of(proptest::string::string_regex("[0-9]{12}").expect("valid regex")),
    )
}

/// A payment (amount 10.00–100 000.00) or a deduction (0.01–9.99), so
/// that a section with at least as many payments as deductions is
/// positive.
fn payment(kind: PaymentKind) -> impl Strategy<Value = Payment> {
    let amounts = match kind {
        PaymentKind::Payment => 1_000i64..10_000_000,
        PaymentKind::Deduction => 1i64..1_000,
    };
    (core(), amounts, 0u8..=2)
        .prop_flat_map(move |(core, amount_ore, deduction_code)| {
            (
                Just(core),
                Just(amount_ore),
                Just(deduction_code),
                extras(amount_ore),
                vec(text(50), 0..3),
                payer(),
            )
        })
        .prop_map(
            move |(core, amount_ore, deduction_code, extra_references, informations, payer)| {
                let (payer_name, payer_address, payer_org_number) = payer;
                Payment {
                    line: 0,
                    kind,
                    sender_bankgiro: core.sender_bankgiro,
                    reference: core.reference,
                    reference_code: core.reference_code,
                    amount_ore,
                    channel_code: core.channel_code,
                    bgc_serial: core.bgc_serial,
                    image_marker: core.image_marker,
                    deduction_code: (kind == PaymentKind::Deduction).then_some(deduction_code),
                    extra_references,
                    informations,
                    payer_name,
                    payer_address,
                    payer_org_number,
                }
            },
        )
}

fn section() -> impl Strategy<Value = Section> {
    (
        vec(payment(PaymentKind::Payment), 1..5),
        vec(payment(PaymentKind::Deduction), 0..2),
        digits(7, 8),
        option::of(digits(2, 8)),
        prop_oneof![Just("SEK".to_owned()), Just("EUR".to_owned())],
        digits(8, 16),
        date(),
        "[0-9]{5}",
        option::of(prop_oneof![Just('K'), Just('D'), Just('S')]),
    )
        .prop_map(
            |(
                payments,
                deductions,
                bankgiro,
                plusgiro,
                currency,
                account,
                date,
                serial,
                deposit_type,
            )| {
                let amount_ore = payments.iter().map(|p| p.amount_ore).sum::<i64>()
                    - deductions.iter().map(|p| p.amount_ore).sum::<i64>();
                let payment_count = (payments.len() + deductions.len()) as u32;
                Section {
                    line: 0,
                    receiving_bankgiro: bankgiro,
                    receiving_plusgiro: plusgiro,
                    currency: currency.clone(),
                    payments,
                    deductions,
                    deposit: Deposit {
                        line: 0,
                        account,
                        payment_date: date,
                        deposit_serial: serial,
                        amount_ore,
                        currency,
                        payment_count,
                        deposit_type,
                    },
                }
            },
        )
}

/// A valid BgMax file with 0–3 sections.
pub fn file() -> impl Strategy<Value = BgMaxFile> {
    (timestamp(), any::<bool>(), vec(section(), 0..4)).prop_map(
        |(created, test_marker, sections)| {
            let count = |f: fn(&Section) -> usize| sections.iter().map(f).sum::<usize>() as u32;
            let end = EndRecord {
                line: 0,
                payment_count: count(|s| s.payments.len()),
                deduction_count: count(|s| s.deductions.len()),
                extra_reference_count: count(|s| {
                    s.payments
                        .iter()
                        .chain(&s.deductions)
                        .map(|p| p.extra_references.len())
                        .sum()
                }),
                deposit_count: sections.len() as u32,
            };
            BgMaxFile {
                layout_version: 1,
                created,
                test_marker,
                sections,
                end,
            }
        },
    )
}

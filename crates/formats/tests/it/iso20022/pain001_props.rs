//! Property: for any valid payments, the written file's counts and
//! control sums equal the inputs, and every amount and text reads back.

use formats::iso20022::pain001::{
    self, Batch, CreditorAccount, DebtorAccount, Initiation, Payment, Reference, Version,
};
use jiff::civil::{date, datetime};
use proptest::prelude::*;

use super::generate::{luhn, municipality, se_iban};
use super::support::{self, ore, texts};

fn creditor() -> impl Strategy<Value = CreditorAccount> {
    prop_oneof![
        "[0-9]{6,7}".prop_map(|base| CreditorAccount::Bankgiro(luhn(&base))),
        "[0-9]{1,7}".prop_map(|base| CreditorAccount::Plusgiro(luhn(&base))),
        (
            "[0-9]{20}",
            proptest::option::of("[A-Z]{6}[A-Z2-9][A-NP-Z0-9]")
        )
            .prop_map(|(bban, bic)| CreditorAccount::Iban {
                iban: se_iban(&bban),
                bic,
            }),
        ("[0-9]{4,5}", "[0-9]{1,12}")
            .prop_map(|(clearing, account)| CreditorAccount::Domestic { clearing, account }),
    ]
}

fn reference() -> impl Strategy<Value = Reference> {
    prop_oneof![
        "[0-9]{1,24}".prop_map(|base| Reference::Ocr(luhn(&base))),
        "[^\\p{Cc}\\x{FFFE}\\x{FFFF}]{1,140}".prop_map(Reference::Free),
    ]
}

fn payment() -> impl Strategy<Value = (i64, String, CreditorAccount, Reference)> {
    (
        1..=10_000_000_000_000i64,
        "[^\\p{Cc}\\x{FFFE}\\x{FFFF}]{1,140}",
        creditor(),
        reference(),
    )
}

fn initiation() -> impl Strategy<Value = Initiation> {
    proptest::collection::vec(proptest::collection::vec(payment(), 1..6), 1..4).prop_map(
        |batches| {
            let mut n = 0;
            let batches = batches
                .into_iter()
                .enumerate()
                .map(|(b, payments)| Batch {
                    payment_info_id: format!("PI-{b}"),
                    execution_date: date(2026, 12, 8),
                    debtor: municipality(),
                    debtor_account: DebtorAccount::Bankgiro("50501055".into()),
                    payments: payments
                        .into_iter()
                        .map(|(amount_ore, creditor_name, creditor, reference)| {
                            n += 1;
                            Payment {
                                end_to_end_id: format!("E2E-{n}"),
                                instruction_id: format!("I-{n}"),
                                amount_ore,
                                creditor_name,
                                creditor,
                                reference,
                            }
                        })
                        .collect(),
                })
                .collect();
            Initiation {
                message_id: "PROP-1".into(),
                created: datetime(2026, 12, 7, 23, 59, 59, 0),
                initiator: municipality(),
                batches,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn counts_sums_and_texts_read_back(init in initiation()) {
        for version in [Version::V03, Version::V09] {
            let xml = pain001::write(&init, version).expect("valid input writes");
            let doc = roxmltree::Document::parse(&xml).expect("well-formed");
            let payments: Vec<&Payment> =
                init.batches.iter().flat_map(|b| &b.payments).collect();
            let total: i64 = payments.iter().map(|p| p.amount_ore).sum();
            prop_assert_eq!(
                texts(&doc, "CstmrCdtTrfInitn/GrpHdr/NbOfTxs"),
                vec![payments.len().to_string()]
            );
            let sums = texts(&doc, "CstmrCdtTrfInitn/GrpHdr/CtrlSum");
            prop_assert_eq!(sums.len(), 1);
            prop_assert_eq!(ore(&sums[0]), total);
            let counts = texts(&doc, "CstmrCdtTrfInitn/PmtInf/NbOfTxs");
            let batch_sums = texts(&doc, "CstmrCdtTrfInitn/PmtInf/CtrlSum");
            prop_assert_eq!(counts.len(), init.batches.len());
            for ((batch, count), sum) in init.batches.iter().zip(&counts).zip(&batch_sums) {
                prop_assert_eq!(count, &batch.payments.len().to_string());
                let expected: i64 = batch.payments.iter().map(|p| p.amount_ore).sum();
                prop_assert_eq!(ore(sum), expected);
                prop_assert!(sum.split_once('.').is_some_and(|(_, d)| d.len() == 2));
            }
            let amounts = texts(&doc, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt");
            let names = texts(&doc, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Cdtr/Nm");
            prop_assert_eq!(amounts.len(), payments.len());
            for ((payment, amount), name) in payments.iter().zip(&amounts).zip(&names) {
                prop_assert_eq!(ore(amount), payment.amount_ore);
                prop_assert_eq!(name, payment.creditor_name.trim());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Random files, random Unicode names and messages included, pass
    /// ISO's schemas.
    #[test]
    fn random_files_validate_against_the_iso_schemas(init in initiation()) {
        for (version, schema) in [(Version::V03, "pain.001.001.03"), (Version::V09, "pain.001.001.09")] {
            let xml = pain001::write(&init, version).expect("valid input writes");
            if !support::assert_valid(&xml, schema) {
                return Ok(());
            }
        }
    }
}

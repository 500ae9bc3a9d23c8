//! The readers on damaged input: any bytes give a value or an error with a
//! position, never a panic. (The fuzz targets do the same at scale.)

use formats::iso20022::{camt054, pain002};
use proptest::prelude::*;

use super::generate::{Camt054, CamtEntry, CamtTx, Pain002, PmtInf, Rsn, Tx, camt054, pain002};

fn pain002_seed() -> Vec<u8> {
    pain002(
        Pain002::V03,
        Some("PART"),
        &[],
        &[PmtInf {
            id: "PI",
            status: None,
            reasons: &[],
            txs: &[Tx {
                end_to_end_id: "E2E-1",
                instruction_id: Some("I-1"),
                status: Some("RJCT"),
                reasons: &[Rsn {
                    code: "AC01",
                    proprietary: false,
                    info: &["Fel konto"],
                }],
            }],
        }],
    )
    .into_bytes()
}

fn camt054_seed() -> Vec<u8> {
    camt054(
        Camt054::V08,
        &[&[CamtEntry {
            amount: "12.50",
            debit: true,
            status: "BOOK",
            booking: "<DtTm>2026-12-08T10:00:00+01:00</DtTm>",
            txs: &[CamtTx {
                end_to_end_id: "E2E-1",
                amount: "12.5",
                creditor: "AB",
                ocr: Some("18"),
                ustrd: &["x"],
            }],
        }]],
    )
    .into_bytes()
}

/// `seed` with bytes overwritten, removed or inserted at random places.
fn mutated(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = seed.len();
    proptest::collection::vec((0..len, any::<u8>(), 0..3u8), 1..8).prop_map(move |edits| {
        let mut bytes = seed.clone();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match op {
                0 if !bytes.is_empty() => bytes[at] = byte,
                1 if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, byte),
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn pain002_never_panics(bytes in mutated(pain002_seed())) {
        if let Err(error) = pain002::read(&bytes) {
            prop_assert!(error.line >= 1 && error.column >= 1, "{}", error);
            let _ = error.to_string();
        }
    }

    #[test]
    fn camt054_never_panics(bytes in mutated(camt054_seed())) {
        if let Err(error) = camt054::read(&bytes) {
            prop_assert!(error.line >= 1 && error.column >= 1, "{}", error);
            let _ = error.to_string();
        }
    }
}

#[test]
fn seeds_read() {
    assert!(pain002::read(&pain002_seed()).is_ok());
    let note = camt054::read(&camt054_seed()).expect("reads");
    assert_eq!(note.entries[0].details[0].reference.as_deref(), Some("18"));
}

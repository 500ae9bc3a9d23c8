//! Fuzz target for the pain.002 reader: any bytes must give a report or an
//! error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match formats::iso20022::pain002::read(data) {
        Ok(report) => {
            let _ = report.payments.len();
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});

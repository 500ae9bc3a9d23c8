//! Fuzz target for the camt.054 reader: any bytes must give a
//! notification or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match formats::iso20022::camt054::read(data) {
        Ok(notification) => {
            let _ = notification.entries.len();
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});

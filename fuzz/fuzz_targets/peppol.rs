//! Fuzz target for the Peppol reader and rule checker: any bytes must give
//! a checked document or a read error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match formats::peppol::check(data) {
        Ok(checked) => {
            let _ = checked.accepted();
            if let Some(doc) = &checked.document {
                let _ = formats::peppol::seller_org_number(doc);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});

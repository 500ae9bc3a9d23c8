//! Fuzz target for the BgMax parser: any bytes must give a value or an
//! error, never a panic; and whatever parses must survive a write and a
//! second parse unchanged, so the writer and parser agree on every field.

#![no_main]

use formats::bgmax::{self, LineEnding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The splitter goes on after errors, so it sees every line.
    for record in bgmax::records(data) {
        if let Err(error) = record {
            let _ = error.to_string();
        }
    }
    match bgmax::parse(data) {
        Ok(file) => {
            let written = bgmax::write(&file, LineEnding::CrLf);
            let again = match bgmax::parse(&written) {
                Ok(again) => again,
                Err(error) => panic!("the writer's copy of a valid file is invalid: {error}"),
            };
            assert!(
                bgmax::write(&again, LineEnding::CrLf) == written,
                "writing a parsed copy changed the file"
            );
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});

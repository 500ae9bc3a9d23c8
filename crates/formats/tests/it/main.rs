//! Integration tests of the `formats` crate: one test binary with a module
//! per format.

mod bgmax;
mod iso20022;
mod peppol;

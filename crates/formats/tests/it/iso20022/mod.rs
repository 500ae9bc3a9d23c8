//! ISO 20022: pain.001 files written and checked against ISO's schemas with
//! xmllint, pain.002 and camt.054 read from the shared samples and from
//! files made here.

mod camt054;
mod generate;
mod pain001;
mod pain001_props;
mod pain002;
mod robust;
mod support;

//! Peppol BIS Billing 3.0: reading the shared examples and a generated
//! invoice, the official Schematron (run by Saxon) as a test oracle, and
//! the rule messages.

mod differential;
mod messages;
mod mutants;
mod reader;
mod robust;
mod saxon;
mod support;

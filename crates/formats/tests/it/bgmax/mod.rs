//! BgMax: Bankgirot's example files, hand-made faulty files and generated
//! files that must round-trip.

mod generate;
mod negative;
mod roundtrip;
mod samples;
mod support;

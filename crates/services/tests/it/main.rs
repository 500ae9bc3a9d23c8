//! Service tests on both backends.

mod credit;
mod demo;
mod policies;
mod visits;

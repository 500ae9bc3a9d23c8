//! Service tests on both backends.

mod demo;
mod policies;
mod visits;

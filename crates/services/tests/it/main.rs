//! Service tests on both backends.

mod cases;
mod credit;
mod demo;
mod policies;
mod visits;

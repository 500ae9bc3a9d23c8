//! Service tests on both backends.

mod credit;
mod demo;
mod policies;
mod portal;
mod visits;

//! Service tests on both backends.

mod credit;
mod declarations;
mod demo;
mod policies;
mod portal;
mod visits;

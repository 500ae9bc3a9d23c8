//! Service tests on both backends.

mod chat;
mod credit;
mod demo;
mod policies;
mod visits;

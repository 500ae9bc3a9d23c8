//! Service tests on both backends.

mod cases;
mod chat;
mod credit;
mod demo;
mod policies;
mod visits;

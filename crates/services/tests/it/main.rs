//! Service tests on both backends.

mod campaign;
mod cases;
mod chat;
mod continuity;
mod credit;
mod declarations;
mod demo;
mod policies;
mod portal;
mod visits;

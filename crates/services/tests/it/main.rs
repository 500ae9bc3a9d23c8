//! Service tests on both backends.

mod accounts;
mod campaign;
mod cases;
mod chat;
mod credit;
mod declarations;
mod demo;
mod policies;
mod portal;
mod visits;

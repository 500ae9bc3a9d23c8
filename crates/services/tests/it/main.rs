//! Service tests on both backends.

mod campaign;
mod campaign_hook;
mod cases;
mod chat;
mod credit;
mod declarations;
mod demo;
mod policies;
mod portal;
mod visits;

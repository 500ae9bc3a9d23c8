//! Service tests on both backends.

mod accounts;
mod audit;
mod booking;
mod campaign;
mod campaign_hook;
mod cases;
mod chat;
mod community;
mod continuity;
mod credit;
mod credit_policy;
mod declaration_protects;
mod declarations;
mod demo;
mod live_arrival;
mod logs;
mod modes;
mod policies;
mod portal;
mod registers;
mod security;
mod sponsorship;
mod summer;
mod supplier_payments;
mod suppliers;
mod visits;

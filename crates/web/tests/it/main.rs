//! Web integration tests: the router in-process on a fresh database per test (SQLite and PostgreSQL).

mod access_matrix;
mod auth;
mod campaign;
mod cases;
mod chat;
mod community;
mod continuity;
mod modes;
mod pages;
mod portal;
mod safe_reads;
mod security;
mod summer;
mod suppliers;
mod visits;

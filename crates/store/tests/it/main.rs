//! Store tests: every test runs on SQLite and on PostgreSQL (each on a fresh database).

mod bulk;
mod campaign;
mod continuity;
mod export;
mod jobs;
mod schema;
mod sign_on;
mod tables;
mod visits;

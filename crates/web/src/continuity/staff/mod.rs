//! Continuity's pages for staff: the continuity manager's board, cover and rosters
//! ([`board`]), staff, functions, absences and settings ([`people`]), plans, situation reports
//! and the services' state ([`plans`]).

pub mod board;
pub mod people;
pub mod plans;

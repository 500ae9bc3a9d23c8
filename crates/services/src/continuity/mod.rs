//! Continuity (issue 16): the society-critical functions staffed around the clock.
//!
//! The handle `services.continuity()` owns the critical functions and their shifts, the staff
//! with teams and competences, the rosters (every change checked against the working-time rules
//! of Arbetstidslagen, a breach refused unless a manager records it as a deviation), absences
//! (a reason category, never a diagnosis; purged after the retention), the live coverage board
//! with a text message to the continuity managers when a shift within 48 hours turns red, cover
//! proposals (one shift's candidates with why the others are excluded, and the exact assignment
//! of a whole day's gaps), requests to cover by a signed link, contingency plans and exercises,
//! the daily situation report, and the continuity policy's hook for crisis mode.

mod absence;
mod cover;
mod coverage;
mod hook;
mod import;
mod plans;
mod report;
mod roster;
mod settings;
mod staff;
mod world;

use domain::continuity::worktime::Span;
use domain::role::Role;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use absence::{AbsenceInput, AbsenceLine};
pub use cover::{Candidate, CoverList, CoverRequestView, DayGap, DayProposal, Excluded};
pub use coverage::{Board, BoardCell, BoardRow};
pub use import::{ImportCounts, ImportError, LineError};
pub use plans::{PlanInput, PlanView, PlansOverview};
pub use report::{
    AbsenceCount, ChatFigures, CreditFigures, CustomerSide, Figures, ServiceLine, ShiftLine,
    SituationReport, StaffingLine,
};
pub use roster::{RosterChange, RosterDay, RosterShift, RosterView};
pub use settings::ContinuitySettings;
pub use staff::{FunctionView, StaffInput, StaffView};
pub use store::continuity::{
    AbsenceRow, CoverRequestRow, ExerciseRow, FunctionRow, PlanRow, ReportRow, RosterRow, ShiftRow,
    StaffRow,
};

use crate::audit;
use crate::error::Result;
use crate::{Actor, Services};

/// Who may do what with continuity; the route table reads the same lists.
pub mod roles {
    use domain::role::Role;

    /// The coverage board, the functions, plans and situation reports.
    pub const READ: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// Staff, rosters, absences of others, cover, plans and the settings.
    pub const MANAGE: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// Report whether a service is delivered without disturbance: the operator on duty.
    pub const SERVICE_STATUS: &[Role] = &[Role::ContinuityManager, Role::Technician, Role::Admin];
    /// Report one's own absence: everyone on the staff with an account.
    pub const OWN_ABSENCE: &[Role] = &Role::STAFF;
}

/// When the shift that starts on `date` runs, as a work period.
pub fn shift_span(shift: &ShiftRow, date: Date, tz: &TimeZone) -> Span {
    world::times(shift).span(date, tz)
}

/// The continuity handle: `services.continuity()`.
#[derive(Clone)]
pub struct Continuity {
    s: Services,
}

impl Services {
    pub fn continuity(&self) -> Continuity {
        Continuity { s: self.clone() }
    }
}

impl Continuity {
    fn require(actor: &Actor, roles: &[Role]) -> Result<()> {
        actor.require(roles)
    }

    async fn audit(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        kind: &str,
        id: i64,
        detail: &str,
    ) -> Result<()> {
        audit::success(tx, &self.s, actor, (action, kind, id), detail).await
    }
}

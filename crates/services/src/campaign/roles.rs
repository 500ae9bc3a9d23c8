//! Who may do what in the campaign, declared once: the route table (`web::campaign::routes`)
//! and the handle's own checks read these constants.

use domain::role::Role;

/// Who plans the campaign: open and close it, crews and days off, plan, pin, notices.
pub const PLANNERS: &[Role] = &[Role::Planner, Role::Admin];
/// Who books a customer's indoor meter visit for a caller.
pub const CALLER_BOOKERS: &[Role] = &[Role::Agent, Role::Planner, Role::Admin];
/// Who reads a crew's work list: its technicians, and planners naming the crew.
pub const WORK_LIST: &[Role] = &[Role::Technician, Role::Planner, Role::Admin];
/// Who records a stop done or failed: the crew's technicians.
pub const TECHNICIANS: &[Role] = &[Role::Technician];
/// Who follows the campaign's progress.
pub const PROGRESS: &[Role] = &[Role::Planner, Role::ContinuityManager, Role::Admin];

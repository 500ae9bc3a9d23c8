//! Continuity's pages: the coverage board, one shift's cover, the day's proposal, the answer to
//! a request by link, staff, functions, the roster editor, absences (the phone-sized page for
//! one's own and the manager's list), contingency plans, the situation report (printable on
//! A4) and the services' state, and the settings of the working-time rules.
//!
//! Handlers fill these structs with text already named in the reader's language; the templates
//! add the fixed words from `i18n/*/continuity.ftl`.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

/// A value and the text people read for it (select options, radio buttons).
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One shift on one day on the board.
#[derive(Clone, Debug)]
pub struct BoardCellView {
    /// `green`, `amber` or `red` (a class; the label says it in words).
    pub status: String,
    pub label: String,
    pub required: i64,
    pub rostered: i64,
    pub present: i64,
    pub missing: Vec<String>,
    pub deviations: usize,
    /// The cover page of the shift (red and amber shifts).
    pub href: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BoardRowView {
    pub function: String,
    pub service: String,
    pub shift: String,
    pub times: String,
    pub roster_href: String,
    pub cells: Vec<BoardCellView>,
}

#[derive(Clone, Debug)]
pub struct DayHead {
    pub label: String,
    /// The day's proposal when it has red shifts.
    pub day_href: Option<String>,
}

#[derive(Template)]
#[template(path = "continuity/board.html")]
pub struct BoardPage {
    pub layout: Layout,
    pub heads: Vec<DayHead>,
    pub rows: Vec<BoardRowView>,
    pub red: usize,
    pub amber: usize,
    pub earlier: String,
    pub later: String,
    /// What the continuity policy in force says.
    pub measures: Vec<String>,
}

/// A person who can cover a shift.
#[derive(Clone, Debug)]
pub struct CandidateView {
    pub staff_id: i64,
    pub number: String,
    pub name: String,
    pub team: String,
    pub overtime: String,
    pub week: String,
    pub request: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ExcludedView {
    pub number: String,
    pub name: String,
    pub team: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "continuity/cover.html")]
pub struct CoverPage {
    pub layout: Layout,
    pub function: String,
    pub shift: String,
    pub shift_id: i64,
    pub date: String,
    pub when: String,
    pub required: i64,
    pub present: i64,
    pub status: String,
    pub status_label: String,
    pub candidates: Vec<CandidateView>,
    pub excluded: Vec<ExcludedView>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct GapView {
    pub function: String,
    pub shift: String,
    pub shift_id: i64,
    pub when: String,
    pub required: i64,
    pub present: i64,
    pub proposed: Vec<CandidateView>,
    pub open: i64,
    pub cover_href: String,
}

#[derive(Template)]
#[template(path = "continuity/day.html")]
pub struct DayPage {
    pub layout: Layout,
    pub date: String,
    pub date_label: String,
    pub gaps: Vec<GapView>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "continuity/answer.html")]
pub struct AnswerPage {
    pub layout: Layout,
    pub token: String,
    pub name: String,
    pub function: String,
    pub shift: String,
    pub when: String,
    pub status: String,
    /// Still waiting for an answer.
    pub open: bool,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A competence with its expiry as people read it.
#[derive(Clone, Debug)]
pub struct CompetenceView {
    pub code: String,
    pub expires: Option<String>,
    /// Expired, or expiring within 30 days.
    pub warn: bool,
}

#[derive(Clone, Debug)]
pub struct StaffLine {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub team: String,
    pub competences: Vec<CompetenceView>,
    pub phone: String,
    pub email: String,
    pub remote: bool,
    pub hours: String,
    pub account: String,
}

#[derive(Template)]
#[template(path = "continuity/staff.html")]
pub struct StaffPage {
    pub layout: Layout,
    pub staff: Vec<StaffLine>,
    pub result: Option<String>,
}

/// The person form's values as typed.
#[derive(Clone, Debug, Default)]
pub struct StaffForm {
    pub number: String,
    pub name: String,
    pub team: String,
    pub competences: String,
    pub phone: String,
    pub email: String,
    pub remote: bool,
    pub hours: String,
    pub username: String,
}

#[derive(Template)]
#[template(path = "continuity/staff_edit.html")]
pub struct StaffEditPage {
    pub layout: Layout,
    /// `None` for a new person.
    pub id: Option<i64>,
    pub form: StaffForm,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct ShiftLine {
    pub name: String,
    pub times: String,
    pub min_staff: i64,
    pub min_staff_crisis: i64,
}

#[derive(Clone, Debug)]
pub struct FunctionLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub service: String,
    pub competences: String,
    pub remote_ok: bool,
    pub shifts: Vec<ShiftLine>,
}

#[derive(Template)]
#[template(path = "continuity/functions.html")]
pub struct FunctionsPage {
    pub layout: Layout,
    pub functions: Vec<FunctionLine>,
}

/// One field of the settings form.
#[derive(Clone, Debug)]
pub struct NumberField {
    pub name: String,
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "continuity/settings.html")]
pub struct SettingsPage {
    pub layout: Layout,
    pub fields: Vec<NumberField>,
    pub bases: Vec<Choice>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct RosterEntryView {
    pub id: i64,
    pub name: String,
    pub absent: bool,
    pub deviation: Option<String>,
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct RosterDayView {
    pub label: String,
    pub required: i64,
    pub present: i64,
    pub status: String,
    pub status_label: String,
    pub entries: Vec<RosterEntryView>,
}

#[derive(Clone, Debug)]
pub struct RosterShiftView {
    pub name: String,
    pub times: String,
    pub days: Vec<RosterDayView>,
}

#[derive(Template)]
#[template(path = "continuity/roster.html")]
pub struct RosterPage {
    pub layout: Layout,
    pub function_id: i64,
    pub function: String,
    pub from: String,
    pub earlier: String,
    pub later: String,
    pub shifts: Vec<RosterShiftView>,
    pub people: Vec<Choice>,
    pub shift_choices: Vec<Choice>,
    pub date: String,
    pub deviation: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct AbsenceView {
    pub id: i64,
    pub name: String,
    pub number: String,
    pub reason: String,
    pub from: String,
    pub to: String,
    pub reported_by: String,
}

#[derive(Template)]
#[template(path = "continuity/own_absence.html")]
pub struct OwnAbsencePage {
    pub layout: Layout,
    /// The account is linked to someone on the staff.
    pub linked: bool,
    pub name: String,
    pub reasons: Vec<Choice>,
    pub from: String,
    pub back: String,
    pub absences: Vec<AbsenceView>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "continuity/absences.html")]
pub struct AbsencesPage {
    pub layout: Layout,
    pub absences: Vec<AbsenceView>,
    pub people: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub from: String,
    pub back: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct PlanLine {
    pub id: i64,
    pub title: String,
    pub function: String,
    pub owner: String,
    pub last: String,
    pub next: String,
    pub due: bool,
    pub exercises: usize,
}

#[derive(Template)]
#[template(path = "continuity/plans.html")]
pub struct PlansPage {
    pub layout: Layout,
    pub plans: Vec<PlanLine>,
    pub due: usize,
    pub functions: Vec<Choice>,
    pub next: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct ExerciseLine {
    pub date: String,
    pub status: String,
    pub lessons: String,
    pub logged_by: String,
}

#[derive(Template)]
#[template(path = "continuity/plan.html")]
pub struct PlanPage {
    pub layout: Layout,
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub measures: String,
    pub last: String,
    pub next: String,
    pub due: bool,
    pub functions: Vec<Choice>,
    pub exercises: Vec<ExerciseLine>,
    pub next_review: String,
    pub today: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct ServiceStateView {
    pub service: String,
    pub code: String,
    /// `undisturbed`, `disturbed` or `unknown` (a class; the label says it in words).
    pub state: String,
    pub label: String,
    pub note: String,
    pub set: String,
}

#[derive(Clone, Debug)]
pub struct ShiftStateView {
    pub shift: String,
    pub times: String,
    pub required: i64,
    pub rostered: i64,
    pub present: i64,
    pub status: String,
    pub status_label: String,
}

#[derive(Clone, Debug)]
pub struct StaffingView {
    pub name: String,
    pub service: String,
    pub status: String,
    pub status_label: String,
    pub shifts: Vec<ShiftStateView>,
}

/// A labelled figure, or (with `value` empty) a capability without figures.
#[derive(Clone, Debug)]
pub struct FigureLine {
    pub label: String,
    pub value: String,
}

/// A situation report as the page prints it.
#[derive(Clone, Debug)]
pub struct ReportView {
    pub title: String,
    pub issued: String,
    pub services: Vec<ServiceStateView>,
    pub staffing: Vec<StaffingView>,
    pub absence: Vec<FigureLine>,
    pub customers: Vec<FigureLine>,
    pub credit: Vec<FigureLine>,
    pub suppliers: Vec<FigureLine>,
    pub community: Vec<FigureLine>,
}

#[derive(Clone, Debug)]
pub struct ReportLink {
    pub id: i64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "continuity/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub report: Option<ReportView>,
    /// The day's report as JSON (the API).
    pub json: Option<String>,
    pub previous: Vec<ReportLink>,
    pub result: Option<String>,
}

#[derive(Template)]
#[template(path = "continuity/services.html")]
pub struct ServicesPage {
    pub layout: Layout,
    pub services: Vec<ServiceStateView>,
    pub states: Vec<Choice>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

impl PlansPage {
    pub fn plan_title(&self) -> Option<&str> {
        None
    }

    pub fn plan_owner(&self) -> Option<&str> {
        None
    }

    pub fn plan_measures(&self) -> Option<&str> {
        None
    }
}

impl PlanPage {
    pub fn plan_title(&self) -> Option<&str> {
        Some(&self.title)
    }

    pub fn plan_owner(&self) -> Option<&str> {
        Some(&self.owner)
    }

    pub fn plan_measures(&self) -> Option<&str> {
        Some(&self.measures)
    }
}

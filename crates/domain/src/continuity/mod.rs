//! Continuity: keeping the society-critical functions staffed around the clock while protecting
//! the staff's health (issue 16).
//!
//! The capability's pure parts live here: its closed sets (services, absence reasons, coverage
//! status, why a person cannot cover a shift, the working-time rules), the continuity policy that
//! crisis mode switches, the working-time law as a checker ([`worktime`]), the coverage of a shift
//! ([`coverage`]), the cover candidates of a shift and the exact assignment of a whole day's gaps
//! ([`cover`], [`assign`]), and the parsing of the values in the import files ([`values`]).
//! Nothing here reads a clock or a database: instants, dates, rosters and rules are arguments.

pub mod assign;
pub mod cover;
pub mod coverage;
pub mod values;
pub mod worktime;

use serde::{Deserialize, Serialize};

crate::closed_set! {
    /// The services the utility delivers, whose critical functions must be staffed.
    pub enum Service in "continuity-service" {
        Electricity = "electricity",
        DistrictHeating = "district_heating",
        Water = "water",
        Waste = "waste",
        Broadband = "broadband",
        CustomerService = "customer_service",
        It = "it",
    }
}

crate::closed_set! {
    /// Why a person is away. A category only: a diagnosis is never asked or stored.
    pub enum AbsenceReason in "continuity-absence-reason" {
        Sick = "sick",
        /// Care of a sick child (VAB).
        CareOfSickChild = "care_of_sick_child",
        /// Quarantine or isolation.
        Quarantine = "quarantine",
        Other = "other",
    }
}

crate::closed_set! {
    /// A shift's staffing against its minimum: above it, at it, below it.
    pub enum CoverageStatus in "continuity-status" {
        Green = "green",
        Amber = "amber",
        Red = "red",
    }
}

crate::closed_set! {
    /// Why a person cannot cover a shift; a person excluded for several reasons is shown with
    /// the first that applies, in this order.
    pub enum Exclusion in "continuity-exclusion" {
        /// Absent on the day the shift starts.
        Absent = "absent",
        /// Lacks a competence the function requires, or it has expired by that day.
        Competence = "competence",
        /// Already rostered on a shift that overlaps this one.
        AlreadyRostered = "already_rostered",
        /// The shift would leave less than the daily rest.
        DailyRest = "daily_rest",
        /// The shift would leave less than the weekly rest.
        WeeklyRest = "weekly_rest",
        /// The shift would take overtime past its limit.
        Overtime = "overtime",
        /// The policy separates teams, and the person's team does not work this shift.
        TeamSeparation = "team_separation",
    }
}

crate::closed_set! {
    /// A working-time rule of Arbetstidslagen, as the settings give its numbers.
    pub enum Rule in "continuity-rule" {
        /// 13 §: consecutive rest within the 24 hours from the start of each work period.
        DailyRest = "daily_rest",
        /// 14 §: consecutive rest in each calendar week.
        WeeklyRest = "weekly_rest",
        /// 8 §: overtime in a period of four weeks.
        OvertimePeriod = "overtime_period",
        /// 8 §: overtime in a calendar month.
        OvertimeMonth = "overtime_month",
        /// 8 §: overtime in a calendar year.
        OvertimeYear = "overtime_year",
    }
}

crate::closed_set! {
    /// Whether a service is delivered as it should be, as the operator on duty reports it.
    pub enum ServiceState in "continuity-service-state" {
        Undisturbed = "undisturbed",
        Disturbed = "disturbed",
    }
}

crate::closed_set! {
    /// Where a request to cover a shift stands.
    pub enum RequestStatus in "continuity-request-status" {
        /// Sent; waiting for the answer.
        Asked = "asked",
        Accepted = "accepted",
        Declined = "declined",
        /// The shift no longer needed the person when they answered, or they no longer could.
        Lapsed = "lapsed",
    }
}

crate::closed_set! {
    /// Where a contingency exercise stands.
    pub enum ExerciseStatus in "continuity-exercise-status" {
        Planned = "planned",
        Held = "held",
        /// Postponed because the policy postpones meetings and events.
        Postponed = "postponed",
    }
}

crate::closed_set! {
    /// How a situation report came about.
    pub enum ReportKind in "continuity-report-kind" {
        /// The 07:00 report.
        Scheduled = "scheduled",
        OnDemand = "on_demand",
    }
}

crate::closed_set! {
    /// How a roster entry came about.
    pub enum RosterSource in "continuity-roster-source" {
        Import = "import",
        App = "app",
        /// A person asked to cover accepted.
        Cover = "cover",
    }
}

crate::closed_set! {
    /// Which overtime limit of 8 § applies (the employer chooses one, often by agreement).
    pub enum OvertimeBasis in "continuity-overtime-basis" {
        /// At most the set hours in any four consecutive calendar weeks.
        FourWeeks = "four_weeks",
        /// At most the set hours in a calendar month.
        CalendarMonth = "calendar_month",
    }
}

/// Which critical functions staff to their higher (crisis) minimum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "value")]
pub enum RaisedMinimum {
    /// Every function runs on its normal minimum.
    None,
    /// Every function runs on its crisis minimum.
    All,
    /// The named functions (by code) run on their crisis minimum.
    Functions(Vec<String>),
}

/// The continuity policy: how the company works while it is in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinuityPolicy {
    /// Staff who can work from home do so by default.
    pub remote_work_default: bool,
    /// Travel is limited to what the critical functions need.
    pub travel_limited: bool,
    /// Meetings, events and exercises are postponed.
    pub meetings_postponed: bool,
    /// Teams are kept apart: cover comes only from the team already on the shift.
    pub team_separation: bool,
    /// The functions that staff to their crisis minimum.
    pub raised_minimum: RaisedMinimum,
}

impl ContinuityPolicy {
    /// Everyday operation, or the measures of spring 2020.
    pub fn preset(pandemic: bool) -> ContinuityPolicy {
        ContinuityPolicy {
            remote_work_default: pandemic,
            travel_limited: pandemic,
            meetings_postponed: pandemic,
            team_separation: pandemic,
            raised_minimum: if pandemic {
                RaisedMinimum::All
            } else {
                RaisedMinimum::None
            },
        }
    }

    /// Whether the function with this code staffs to its crisis minimum.
    pub fn raises(&self, function_code: &str) -> bool {
        match &self.raised_minimum {
            RaisedMinimum::None => false,
            RaisedMinimum::All => true,
            RaisedMinimum::Functions(codes) => codes.iter().any(|c| c == function_code),
        }
    }

    /// Whether staff are to be told something when this policy follows `before`: one of the
    /// measures that concern everyone changed.
    pub fn staff_measures_differ(&self, before: &ContinuityPolicy) -> bool {
        self.remote_work_default != before.remote_work_default
            || self.travel_limited != before.travel_limited
            || self.meetings_postponed != before.meetings_postponed
    }
}

/// Why a continuity operation was refused. People read [`crate::problem::Explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContinuityProblem {
    /// A code (of a function, shift or competence) that is empty, too long or holds a
    /// separator.
    BadCode,
    /// No critical function has this code.
    UnknownFunction { code: String },
    /// The function has no shift by this name.
    UnknownShift { function: String, shift: String },
    /// Nobody on the staff has this employee number.
    UnknownStaff { employee_number: String },
    /// Another person has this employee number.
    EmployeeNumberTaken { employee_number: String },
    /// Not `true` or `false`.
    NotABoolean,
    /// Not a number of hours such as `40` or `37,5`.
    NotHours,
    /// The same key appears on an earlier line of the file.
    Duplicate { line: u64 },
    /// A function's row disagrees with an earlier row of the same function.
    Inconsistent { line: u64 },
    /// The file is not UTF-8.
    NotUtf8,
    /// The header row is not the documented one.
    Header { expected: String },
    /// The roster change breaks a working-time rule (`found` and `limit` in minutes).
    Breach {
        rule: Rule,
        found_minutes: i64,
        limit_minutes: i64,
    },
    /// The person is already on a shift that overlaps this one.
    AlreadyRostered,
    /// The person is absent that day.
    Absent,
    /// The person lacks a competence the function requires (or it has expired by then).
    MissingCompetence { competence: String },
    /// The account is not linked to anyone on the staff.
    NotOnStaff,
    /// No staff account has this user name.
    UnknownAccount { username: String },
    /// The account is linked to someone else on the staff.
    AccountTaken { username: String },
    /// Not an e-mail address.
    BadEmail,
    /// The person cannot take the shift, for this reason.
    Excluded { reason: Exclusion },
    /// The person has neither a phone number nor an e-mail address.
    Unreachable,
    /// The shift no longer needs anyone.
    NotNeeded,
    /// The request was answered before.
    Answered,
    /// The shift has already started.
    Started,
    /// An exercise logged as held on a day still to come.
    NotYetHeld,
}

impl ContinuityProblem {
    /// Every refusal, for the message-file test.
    pub fn examples() -> Vec<ContinuityProblem> {
        vec![
            ContinuityProblem::BadCode,
            ContinuityProblem::UnknownFunction { code: "x".into() },
            ContinuityProblem::UnknownShift {
                function: "x".into(),
                shift: "night".into(),
            },
            ContinuityProblem::UnknownStaff {
                employee_number: "1001".into(),
            },
            ContinuityProblem::EmployeeNumberTaken {
                employee_number: "1001".into(),
            },
            ContinuityProblem::NotABoolean,
            ContinuityProblem::NotHours,
            ContinuityProblem::Duplicate { line: 3 },
            ContinuityProblem::Inconsistent { line: 3 },
            ContinuityProblem::NotUtf8,
            ContinuityProblem::Header {
                expected: "a,b".into(),
            },
            ContinuityProblem::Breach {
                rule: Rule::DailyRest,
                found_minutes: 480,
                limit_minutes: 660,
            },
            ContinuityProblem::AlreadyRostered,
            ContinuityProblem::Absent,
            ContinuityProblem::MissingCompetence {
                competence: "x".into(),
            },
            ContinuityProblem::NotOnStaff,
            ContinuityProblem::UnknownAccount {
                username: "kim".into(),
            },
            ContinuityProblem::AccountTaken {
                username: "kim".into(),
            },
            ContinuityProblem::BadEmail,
            ContinuityProblem::Unreachable,
            ContinuityProblem::NotNeeded,
            ContinuityProblem::Answered,
            ContinuityProblem::Started,
            ContinuityProblem::NotYetHeld,
        ]
        .into_iter()
        .chain(
            Exclusion::ALL
                .iter()
                .map(|&reason| ContinuityProblem::Excluded { reason }),
        )
        .collect()
    }
}

/// Minutes as hours for people: `9` or `9,5` (Swedish decimal comma; the English messages
/// say the same number, which reads fine in both).
pub fn hours_text(minutes: i64) -> String {
    let whole = minutes / 60;
    let rest = minutes % 60;
    if rest == 0 {
        whole.to_string()
    } else {
        // Tenths, rounded half up; 9 h 59 min is 10,0 → shown as 10.
        let tenths = (rest * 10 + 30) / 60;
        if tenths == 10 {
            (whole + 1).to_string()
        } else if tenths == 0 {
            whole.to_string()
        } else {
            format!("{whole},{tenths}")
        }
    }
}

impl crate::problem::Explain for ContinuityProblem {
    fn message_key(&self) -> &'static str {
        match self {
            ContinuityProblem::BadCode => "continuity-problem-bad-code",
            ContinuityProblem::UnknownFunction { .. } => "continuity-problem-unknown-function",
            ContinuityProblem::UnknownShift { .. } => "continuity-problem-unknown-shift",
            ContinuityProblem::UnknownStaff { .. } => "continuity-problem-unknown-staff",
            ContinuityProblem::EmployeeNumberTaken { .. } => {
                "continuity-problem-employee-number-taken"
            }
            ContinuityProblem::NotABoolean => "continuity-problem-not-a-boolean",
            ContinuityProblem::NotHours => "continuity-problem-not-hours",
            ContinuityProblem::Duplicate { .. } => "continuity-problem-duplicate",
            ContinuityProblem::Inconsistent { .. } => "continuity-problem-inconsistent",
            ContinuityProblem::NotUtf8 => "continuity-problem-not-utf8",
            ContinuityProblem::Header { .. } => "continuity-problem-header",
            ContinuityProblem::Breach { rule, .. } => match rule {
                Rule::DailyRest => "continuity-problem-breach-daily_rest",
                Rule::WeeklyRest => "continuity-problem-breach-weekly_rest",
                Rule::OvertimePeriod => "continuity-problem-breach-overtime_period",
                Rule::OvertimeMonth => "continuity-problem-breach-overtime_month",
                Rule::OvertimeYear => "continuity-problem-breach-overtime_year",
            },
            ContinuityProblem::AlreadyRostered => "continuity-problem-already-rostered",
            ContinuityProblem::Absent => "continuity-problem-absent",
            ContinuityProblem::MissingCompetence { .. } => "continuity-problem-missing-competence",
            ContinuityProblem::NotOnStaff => "continuity-problem-not-on-staff",
            ContinuityProblem::UnknownAccount { .. } => "continuity-problem-unknown-account",
            ContinuityProblem::AccountTaken { .. } => "continuity-problem-account-taken",
            ContinuityProblem::BadEmail => "continuity-problem-bad-email",
            ContinuityProblem::Excluded { reason } => match reason {
                Exclusion::Absent => "continuity-problem-excluded-absent",
                Exclusion::Competence => "continuity-problem-excluded-competence",
                Exclusion::AlreadyRostered => "continuity-problem-excluded-already_rostered",
                Exclusion::DailyRest => "continuity-problem-excluded-daily_rest",
                Exclusion::WeeklyRest => "continuity-problem-excluded-weekly_rest",
                Exclusion::Overtime => "continuity-problem-excluded-overtime",
                Exclusion::TeamSeparation => "continuity-problem-excluded-team_separation",
            },
            ContinuityProblem::Unreachable => "continuity-problem-unreachable",
            ContinuityProblem::NotNeeded => "continuity-problem-not-needed",
            ContinuityProblem::Answered => "continuity-problem-answered",
            ContinuityProblem::Started => "continuity-problem-started",
            ContinuityProblem::NotYetHeld => "continuity-problem-not-yet-held",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ContinuityProblem::UnknownFunction { code } => vec![("code", code.clone())],
            ContinuityProblem::UnknownShift { function, shift } => {
                vec![("function", function.clone()), ("shift", shift.clone())]
            }
            ContinuityProblem::UnknownStaff { employee_number }
            | ContinuityProblem::EmployeeNumberTaken { employee_number } => {
                vec![("number", employee_number.clone())]
            }
            ContinuityProblem::Duplicate { line } | ContinuityProblem::Inconsistent { line } => {
                vec![("line", line.to_string())]
            }
            ContinuityProblem::Header { expected } => vec![("expected", expected.clone())],
            ContinuityProblem::Breach {
                found_minutes,
                limit_minutes,
                ..
            } => vec![
                ("found", hours_text(*found_minutes)),
                ("limit", hours_text(*limit_minutes)),
            ],
            ContinuityProblem::MissingCompetence { competence } => {
                vec![("competence", competence.clone())]
            }
            ContinuityProblem::UnknownAccount { username }
            | ContinuityProblem::AccountTaken { username } => {
                vec![("username", username.clone())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<worktime::Breach> for ContinuityProblem {
    fn from(b: worktime::Breach) -> ContinuityProblem {
        ContinuityProblem::Breach {
            rule: b.rule,
            found_minutes: b.found_minutes,
            limit_minutes: b.limit_minutes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_differ_in_every_measure() {
        let normal = ContinuityPolicy::preset(false);
        let pandemic = ContinuityPolicy::preset(true);
        assert!(!normal.raises("grid_control"));
        assert!(pandemic.raises("grid_control"));
        assert!(pandemic.staff_measures_differ(&normal));
        assert!(!normal.staff_measures_differ(&normal));
        let named = ContinuityPolicy {
            raised_minimum: RaisedMinimum::Functions(vec!["grid_control".into()]),
            ..normal
        };
        assert!(named.raises("grid_control") && !named.raises("water_works"));
    }

    #[test]
    fn hours_read_as_people_write_them() {
        assert_eq!(hours_text(660), "11");
        assert_eq!(hours_text(570), "9,5");
        assert_eq!(hours_text(599), "10");
        assert_eq!(hours_text(61), "1");
        assert_eq!(hours_text(0), "0");
    }

    #[test]
    fn the_exclusion_order_is_the_documented_one() {
        let codes: Vec<&str> = Exclusion::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(
            codes,
            [
                "absent",
                "competence",
                "already_rostered",
                "daily_rest",
                "weekly_rest",
                "overtime",
                "team_separation"
            ]
        );
    }
}

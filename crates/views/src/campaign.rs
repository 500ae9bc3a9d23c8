//! Views of the meter-exchange campaign: the planner's page with counts, crews, the plan per
//! crew and day on a map (`crate::map`); the planning run's
//! progress; the technician's work list; the campaign's progress with its charts; booking an
//! indoor window; and the "no home visits" declaration. Every word comes from
//! `i18n/*/campaign.ftl`; closed sets are named by their `<set>-<code>` messages.

use askama::Template;
use domain::campaign::{ConsentVersion, CrewKind, DayOffReason, FailReason, JobStatus, RecordedBy};
use domain::ids::{CampaignId, CampaignJobId, CrewId, CustomerId};
use domain::meter::Placement;
use jiff::civil::Date;

use crate::Layout;
use crate::pages::FieldError;

/// A count per tier and state.
#[derive(Clone, Debug, Default)]
pub struct TierCounts {
    pub tier: u8,
    pub plannable: usize,
    pub paused: usize,
    pub deferred: usize,
    pub planned: usize,
    pub notified: usize,
    pub booked: usize,
    pub done: usize,
    pub failed: usize,
}

#[derive(Clone, Debug)]
pub struct CrewLine {
    pub id: CrewId,
    pub name: String,
    pub kind: CrewKind,
    pub skills: String,
    pub shift: String,
}

#[derive(Clone, Debug)]
pub struct StopLine {
    pub job: CampaignJobId,
    pub pinned: bool,
    pub seq: i64,
    pub arrive: String,
    pub address: String,
    pub tier: u8,
    pub status: JobStatus,
    /// The booked window, `07:00–09:00`.
    pub window: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub mark: crate::map::StopMark,
}

#[derive(Clone, Debug)]
pub struct RouteLine {
    pub crew: String,
    pub day: String,
    pub stops: Vec<StopLine>,
    /// The route's colour on the map.
    pub colour: &'static str,
    pub depot: (f64, f64),
}

#[derive(Template)]
#[template(path = "campaign/planner.html")]
pub struct CampaignPage {
    pub layout: Layout,
    /// (id, name, starts on) of the open campaign.
    pub campaign: Option<(CampaignId, String, Date)>,
    pub counts: Vec<TierCounts>,
    pub crews: Vec<CrewLine>,
    pub routes: Vec<RouteLine>,
    /// The day the map and lists show.
    pub day: String,
    pub days: Vec<String>,
    /// The day's routes on a map.
    pub map: crate::map::MapView,
    /// The remaining jobs are drawn faintly.
    pub all: bool,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    pub today: String,
    /// Local suppliers a subcontracted crew may come from, `(id, name)`.
    pub suppliers: Vec<(i64, String)>,
    /// The reasons a crew may be off, for the select.
    pub day_off_reasons: &'static [DayOffReason],
}

/// A planning run in progress.
#[derive(Template)]
#[template(path = "campaign/planning.html")]
pub struct PlanRunPage {
    pub layout: Layout,
    pub percent: u8,
    pub elapsed: u64,
    pub budget: u64,
    pub started_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_campaign_value_has_a_name() {
        fn check<T: domain::code::Code>() {
            for &v in T::all() {
                for lang in [crate::Lang::Sv, crate::Lang::En] {
                    assert_ne!(crate::label(lang, v), v.message_key(), "{lang:?}");
                }
            }
        }
        check::<domain::campaign::Plannability>();
        check::<domain::campaign::JobStatus>();
        check::<domain::campaign::CampaignStatus>();
        check::<CrewKind>();
        check::<DayOffReason>();
        check::<FailReason>();
        check::<domain::campaign::PlanFailure>();
        check::<RecordedBy>();
        check::<ConsentVersion>();
        check::<domain::campaign::ExchangeState>();
        check::<domain::campaign::RoutineStep>();
        let sv = consent_text(crate::Lang::Sv, ConsentVersion::CURRENT);
        let en = consent_text(crate::Lang::En, ConsentVersion::CURRENT);
        assert!(sv.contains("riskgrupp") && en.contains("risk group"));
    }
}

/// One stop on the technician's list.
#[derive(Clone, Debug)]
pub struct WorkStop {
    pub id: CampaignJobId,
    pub seq: i64,
    pub arrive: String,
    pub window: Option<String>,
    pub address: String,
    pub nav: String,
    pub customer: String,
    pub phone: String,
    pub meter: String,
    pub meter_number: String,
    pub placement: Placement,
    pub ct: bool,
    pub status: JobStatus,
    /// Why the visit failed, once recorded.
    pub failure: Option<FailReason>,
    /// The new meter's number, once the exchange is recorded.
    pub new_meter_number: Option<String>,
    /// The stop's number on the route (1, 2, …), as on the map.
    pub number: usize,
    pub lat: f64,
    pub lon: f64,
    pub mark: crate::map::StopMark,
    /// The first stop not yet done or failed.
    pub next: bool,
    /// An indoor stop under the infection routine: its steps shown, and confirmed when done.
    pub routine: bool,
}

#[derive(Template)]
#[template(path = "campaign/work_list.html")]
pub struct WorkListPage {
    pub layout: Layout,
    pub day: String,
    /// The crew's name; `None` for a technician not yet in a crew.
    pub crew: Option<String>,
    pub stops: Vec<WorkStop>,
    /// The failure reasons a technician chooses from.
    pub reasons: &'static [FailReason],
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    /// The stop an error belongs to.
    pub error_stop: Option<CampaignJobId>,
    /// The day's route on a map; `None` without stops.
    pub map: Option<crate::map::MapView>,
    /// Stops struck off the day after it was planned: nobody goes.
    pub removed: Vec<RemovedStop>,
    /// The infection routine's steps, shown at indoor stops while the policy has it.
    pub routine_steps: &'static [domain::campaign::RoutineStep],
}

/// A stop struck off a technician's day.
#[derive(Debug, Clone)]
pub struct RemovedStop {
    /// When the crew was to arrive, `HH:MM`.
    pub time: Option<String>,
    pub address: String,
}

impl WorkListPage {
    pub fn error_for(&self, stop: &CampaignJobId, field: &str) -> Option<&str> {
        (Some(*stop) == self.error_stop)
            .then(|| {
                self.errors
                    .iter()
                    .find(|e| e.field == format!("{field}-{stop}"))
                    .map(|e| e.message.as_str())
            })
            .flatten()
    }
}

#[derive(Template)]
#[template(path = "campaign/progress.html")]
pub struct ProgressPage {
    pub layout: Layout,
    /// Per tier: (tier, done, planned, deferred, paused, failed, open).
    pub tiers: Vec<(u8, [usize; 6])>,
    pub total: usize,
    pub forecast: Option<String>,
    /// Server-drawn burn-up chart; built by [`crate::charts::burn_up`].
    pub chart: String,
    /// (date, done, done + planned) for the table under the chart.
    pub burn_up: Vec<(String, usize, usize)>,
    pub deferred_backlog: Vec<(String, usize)>,
    pub paused_backlog: usize,
    /// Server-drawn km per crew-day; built by [`crate::charts::hbars`].
    pub km_chart: String,
    pub km: Vec<(String, String, String)>,
}

/// One indoor job on the booking page.
#[derive(Clone, Debug)]
pub struct BookingJob {
    pub job_id: CampaignJobId,
    pub street: String,
    pub booked: Option<String>,
    /// Where the form posts.
    pub action: String,
    /// (value `DATE|START`, label).
    pub windows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "campaign/booking.html")]
pub struct MeterBookingPage {
    pub layout: Layout,
    pub jobs: Vec<BookingJob>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
    /// Signed in (Mina sidor) or through the link.
    pub portal: bool,
    /// Staff booking for a caller: the customer's id.
    pub caller: Option<CustomerId>,
}

/// Postponing an indoor visit through the link in the reminder (the infection routine's
/// question), without login and without a reason.
#[derive(Template)]
#[template(path = "campaign/postpone.html")]
pub struct PostponePage {
    pub layout: Layout,
    pub street: String,
    /// The visit's day, when it has one.
    pub day: Option<String>,
    pub action: String,
    /// The booking page of the same link.
    pub booking: String,
    pub result: Option<String>,
    pub error: Option<String>,
}

/// The "no home visits" page, for the customer or for an agent on the phone.
#[derive(Template)]
#[template(path = "campaign/home_visits.html")]
pub struct HomeVisitsPage {
    pub layout: Layout,
    /// Where the forms post: `/mina-sidor/hembesok` or `/kunder/{id}/hembesok`.
    pub action: String,
    /// An agent acting for a caller (the page words the consent step for reading aloud).
    pub for_caller: Option<String>,
    /// The declaration held.
    pub held: Option<HeldDeclaration>,
    /// The version of the consent text shown (its text is the message
    /// `campaign-consent-<version>`).
    pub consent_version: ConsentVersion,
    pub until: String,
    pub note: String,
    pub max_note: usize,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A declaration as its customer (or the agent on the phone) sees it.
#[derive(Clone, Debug)]
pub struct HeldDeclaration {
    pub until: Date,
    /// When the customer consented, microseconds UTC.
    pub consented_at: i64,
    pub consent_version: ConsentVersion,
    pub note: String,
    pub recorded_by: RecordedBy,
}

impl HeldDeclaration {
    /// Recorded by customer service for a caller (the page says so).
    pub fn by_agent(&self) -> bool {
        self.recorded_by == RecordedBy::Agent
    }
}

impl HomeVisitsPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The consent text of a version, in `lang`: what the customer accepts, and what is sealed
/// with the declaration (in Swedish).
pub fn consent_text(lang: crate::Lang, version: ConsentVersion) -> String {
    crate::label(lang, version)
}

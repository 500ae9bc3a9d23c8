//! Views of the customer centre: booking (public, portal, agent), the visit's own page behind
//! its link, the desk view and the site settings.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

/// A choice in a list: value and label.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone, Debug)]
pub struct SlotLine {
    /// The start as microseconds, posted back as the chosen time.
    pub value: String,
    pub time: String,
    pub free_places: u32,
}

/// The booking form: choose service, party and day (GET), then a time (POST).
#[derive(Template)]
#[template(path = "visit_book.html")]
pub struct BookPage {
    pub layout: Layout,
    pub heading_key: &'static str,
    /// Where the choice of service, party and day is sent (GET).
    pub choose_action: String,
    /// Where a chosen time is posted.
    pub book_action: String,
    /// Where "put me on the waitlist" is posted, when the day is full.
    pub waitlist_action: Option<String>,
    pub site_id: i64,
    pub site_name: String,
    pub site_address: String,
    pub services: Vec<Choice>,
    pub parties: Vec<Choice>,
    pub days: Vec<Choice>,
    pub day: String,
    pub slots: Vec<SlotLine>,
    /// Ask for name, phone and e-mail (public page and agents); the portal knows them.
    pub ask_contact: bool,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
}

impl BookPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// A visit as its owner sees it.
#[derive(Clone, Debug)]
pub struct VisitSummary {
    pub when: String,
    pub service: String,
    pub party: i64,
    /// The status, named in the reader's language.
    pub status: String,
    pub place: String,
    pub flagged: bool,
    pub expires: Option<String>,
}

/// The page behind a visit's link: confirm, cancel or move it, without logging in.
#[derive(Template)]
#[template(path = "visit_manage.html")]
pub struct VisitManagePage {
    pub layout: Layout,
    pub token: String,
    pub visit: VisitSummary,
    pub can_confirm: bool,
    pub can_cancel: bool,
    pub can_rebook: bool,
    pub days: Vec<Choice>,
    pub day: String,
    pub slots: Vec<SlotLine>,
    pub message: Option<String>,
    pub error: Option<String>,
}

/// A short answer page (booking sent, waitlist joined or left).
#[derive(Template)]
#[template(path = "visit_notice.html")]
pub struct VisitNoticePage {
    pub layout: Layout,
    pub heading_key: &'static str,
    pub text: String,
    pub back: Option<String>,
}

#[derive(Clone, Debug)]
pub struct MyVisitLine {
    pub visit: VisitSummary,
    pub link: String,
}

#[derive(Template)]
#[template(path = "portal_visits.html")]
pub struct PortalVisitsPage {
    pub layout: Layout,
    pub visits: Vec<MyVisitLine>,
}

#[derive(Clone, Debug)]
pub struct DeskLine {
    pub id: i64,
    pub time: String,
    pub name: String,
    pub phone: String,
    pub service: String,
    pub party: i64,
    /// The status and the source, named in the reader's language.
    pub status: String,
    pub source: String,
    pub flagged: bool,
    pub can_check_in: bool,
    pub can_no_show: bool,
    pub can_cancel: bool,
    pub link: String,
}

#[derive(Clone, Debug)]
pub struct DeskColumn {
    /// `None`: visits without a desk (more at once than staffed desks, after a change).
    pub desk: Option<u32>,
    pub lines: Vec<DeskLine>,
}

#[derive(Clone, Debug)]
pub struct WaitLine {
    pub name: String,
    pub phone: String,
    pub service: String,
    pub party: i64,
    /// Named in the reader's language.
    pub status: String,
}

#[derive(Template)]
#[template(path = "desk.html")]
pub struct DeskPage {
    pub layout: Layout,
    pub sites: Vec<Choice>,
    pub site_id: i64,
    pub site_name: String,
    pub date: String,
    pub prev: String,
    pub next: String,
    pub desks: u32,
    pub cap: u32,
    pub columns: Vec<DeskColumn>,
    pub waitlist: Vec<WaitLine>,
    pub flagged: Vec<DeskLine>,
    pub walk_in_allowed: bool,
    pub services: Vec<Choice>,
    pub no_shows: i64,
    pub due: i64,
    pub message: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HoursLine {
    pub weekday: i64,
    pub name_key: String,
    pub spans: String,
}

#[derive(Clone, Debug)]
pub struct ExceptionLine {
    pub day: String,
    pub spans: String,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct ServiceAdminLine {
    pub code: String,
    pub name_sv: String,
    pub name_en: String,
    pub minutes: i64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "site_settings.html")]
pub struct SiteSettingsPage {
    pub layout: Layout,
    pub sites: Vec<Choice>,
    pub site_id: i64,
    pub name: String,
    pub phone: String,
    pub desks: i64,
    pub lead_minutes: i64,
    pub horizon_days: i64,
    pub slot_step_minutes: i64,
    pub closed_on_holidays: bool,
    pub hours: Vec<HoursLine>,
    pub exceptions: Vec<ExceptionLine>,
    pub services: Vec<ServiceAdminLine>,
    pub cap_now: u32,
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
}

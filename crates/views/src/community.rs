//! Community support's pages: the stock with donations, applications for event support, free
//! broadband upgrades with their provisioning orders, the ledger (printable), the public event
//! form and the business customer's broadband page on Mina sidor.

use askama::Template;

use crate::Layout;
use crate::pages::FieldError;

/// An item of stock as the table shows it.
#[derive(Clone, Debug)]
pub struct StockLine {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub reserve: i64,
    pub available: i64,
    pub usage_per_week: i64,
    /// Whole weeks the stock lasts at its usage; `None`: not used.
    pub weeks: Option<i64>,
    pub reserve_weeks: Option<i64>,
    pub location: String,
    pub unit_value: String,
    /// The critical function whose processes need the reserve.
    pub function: Option<String>,
}

#[derive(Template)]
#[template(path = "community/stock.html")]
pub struct StockPage {
    pub layout: Layout,
    /// What the community policy in force says, one line each.
    pub measures: Vec<String>,
    pub items: Vec<StockLine>,
    /// `(code, name)` of units and of the kinds of recipient a donation may go to.
    pub unit_choices: Vec<(String, String)>,
    pub recipient_choices: Vec<(String, String)>,
    /// `(id, name)` of the critical functions.
    pub function_choices: Vec<(i64, String)>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// An application for event support as the list shows it.
#[derive(Clone, Debug)]
pub struct EventLine {
    pub id: i64,
    pub organiser: String,
    pub org_number: String,
    pub contact: String,
    pub date: String,
    pub place: String,
    pub expected: u32,
    pub needs: String,
    pub amount: String,
    pub description: String,
    pub state: String,
    pub open: bool,
    /// Above the gathering limit of a later policy (the organiser was told).
    pub over_limit: bool,
    /// Who decided, when, with what support and note.
    pub decision: Option<String>,
}

#[derive(Template)]
#[template(path = "community/events.html")]
pub struct EventsPage {
    pub layout: Layout,
    /// The gathering limit in force today, as a sentence.
    pub limit_today: String,
    pub events: Vec<EventLine>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// An upgrade as the lists show it.
#[derive(Clone, Debug)]
pub struct UpgradeLine {
    pub id: i64,
    pub customer_number: String,
    pub customer: String,
    pub normal_speed: u32,
    pub speed: u32,
    pub from: String,
    pub to: String,
    pub state: String,
    pub via: String,
    pub value: String,
    pub cancellable: bool,
}

/// A provisioning order as the list shows it.
#[derive(Clone, Debug)]
pub struct OrderLine {
    pub key: String,
    pub action: String,
    pub customer_number: String,
    pub speed: u32,
    pub effective_on: String,
    /// When it was delivered to the operator's webhook, or the last error with the attempts.
    pub delivery: String,
}

#[derive(Template)]
#[template(path = "community/broadband.html")]
pub struct BroadbandPage {
    pub layout: Layout,
    /// May cancel upgrades, run the day and fetch order files (continuity managers, admins).
    pub can_decide: bool,
    /// Whether the policy in force today offers free upgrades, as a sentence.
    pub offer_today: String,
    pub upgrades: Vec<UpgradeLine>,
    pub orders: Vec<OrderLine>,
    pub speed_choices: Vec<u32>,
    pub today: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One ledger entry as the table shows it.
#[derive(Clone, Debug)]
pub struct LedgerLine {
    pub date: String,
    pub category: String,
    pub amount: String,
    pub recipient: String,
    pub org_number: String,
    pub description: String,
    pub decision: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "community/ledger.html")]
pub struct LedgerPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    /// The categories' names in column order.
    pub categories: Vec<String>,
    /// `(month, amounts per category in column order, total)`.
    pub months: Vec<(String, Vec<String>, String)>,
    pub totals: Vec<String>,
    pub total: String,
    pub entries: Vec<LedgerLine>,
    /// The CSV of the same period.
    pub csv_link: String,
    pub errors: Vec<FieldError>,
}

/// The public application form for event support (no login).
#[derive(Template)]
#[template(path = "community/apply.html")]
pub struct ApplyPage {
    pub layout: Layout,
    /// The gathering limit in force today, as a sentence.
    pub limit_today: String,
    /// `(code, name, checked)` of the kinds of support.
    pub needs: Vec<(String, String, bool)>,
    /// The values as typed, by field name, to show again after a refusal.
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Set once the application is taken in: its number.
    pub received: Option<i64>,
}

/// A text field of the form: name, label key, input type, autocomplete hint, required.
type Field = (&'static str, &'static str, &'static str, &'static str, bool);

impl ApplyPage {
    pub fn fields(&self) -> [Field; 8] {
        [
            (
                "organiser",
                "community-organiser",
                "text",
                "organization",
                true,
            ),
            ("org_number", "community-org-number", "text", "off", true),
            (
                "contact_name",
                "community-contact-name",
                "text",
                "name",
                false,
            ),
            (
                "contact_email",
                "community-contact-email",
                "email",
                "email",
                true,
            ),
            ("date", "community-date", "date", "off", true),
            ("place", "community-place", "text", "off", true),
            (
                "expected_attendees",
                "community-expected-attendees",
                "number",
                "off",
                true,
            ),
            ("amount", "community-amount", "text", "off", false),
        ]
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The customer's broadband on Mina sidor.
#[derive(Template)]
#[template(path = "community/portal.html")]
pub struct PortalBroadbandPage {
    pub layout: Layout,
    /// Today's speed; `None`: no broadband subscription.
    pub speed: Option<u32>,
    /// Why the customer cannot ask (not a business, no broadband, not offered now), as a
    /// sentence; `None`: the form is shown.
    pub cannot: Option<String>,
    /// The days the policy in force allows.
    pub max_days: Option<u32>,
    pub speed_choices: Vec<u32>,
    pub upgrades: Vec<UpgradeLine>,
    pub today: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A sponsorship agreement as the list shows it.
#[derive(Clone, Debug)]
pub struct AgreementLine {
    pub id: i64,
    pub club: String,
    pub org_number: String,
    pub period: String,
    pub amount: String,
    pub instalments: u32,
    pub returns: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "community/sponsorship.html")]
pub struct SponsorshipPage {
    pub layout: Layout,
    /// May make agreements and release instalments (continuity managers, admins).
    pub can_decide: bool,
    pub agreements: Vec<AgreementLine>,
    /// `(id, name)` of suppliers with an account to be paid to.
    pub club_choices: Vec<(i64, String)>,
    /// `(code, name)` of what a club may give back.
    pub return_choices: Vec<(String, String)>,
    pub lead_days: i64,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// One instalment of an agreement.
#[derive(Clone, Debug)]
pub struct InstalmentLine {
    pub number: u32,
    pub due: String,
    pub base: String,
    pub extra: String,
    pub matches_cancelled: bool,
    pub state: String,
    /// Still planned: whether its matches were cancelled may be recorded.
    pub open: bool,
    /// The number of the invoice it became (in the suppliers' payments).
    pub invoice: Option<String>,
}

#[derive(Template)]
#[template(path = "community/agreement.html")]
pub struct AgreementPage {
    pub layout: Layout,
    pub can_decide: bool,
    pub agreement: AgreementLine,
    pub returns_note: String,
    pub decision: String,
    pub reason: String,
    pub active: bool,
    pub instalments: Vec<InstalmentLine>,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A summer-job posting as the lists show it.
#[derive(Clone, Debug)]
pub struct PostingView {
    pub id: i64,
    pub workplace: String,
    pub supervisor: String,
    pub description: String,
    pub period: String,
    pub hours: String,
    pub hours_week: u32,
    pub places: u32,
    pub wage: String,
    /// Whether minors may work its hours, or the rule it breaks.
    pub for_minors: String,
}

/// A season in the staff page's list.
#[derive(Clone, Debug)]
pub struct SeasonLine {
    pub year: i64,
    pub apply_until: String,
    pub first_day: String,
    pub applications: i64,
    /// The published seed, with who published it and when.
    pub seed: Option<String>,
    pub seed_note: String,
    pub drawn: Option<String>,
    pub letters: Option<String>,
    pub purged: bool,
    pub priority: bool,
}

#[derive(Template)]
#[template(path = "community/summer.html")]
pub struct SummerPage {
    pub layout: Layout,
    /// The season shown, with its postings.
    pub season: Option<SeasonLine>,
    pub postings: Vec<PostingView>,
    /// Every season's year, for the chooser.
    pub years: Vec<i64>,
    /// The rules for minors, as a sentence.
    pub rules: String,
    /// `(field, label key, value)` of the rules, for the admins' form; empty for others.
    pub rule_fields: Vec<(&'static str, &'static str, u32)>,
    pub next_year: i64,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

/// An application as staff see it.
#[derive(Clone, Debug)]
pub struct ApplicationLine {
    pub reference: String,
    pub name: String,
    pub age: u32,
    pub contact: String,
    pub first_job: bool,
    pub guardian: String,
    pub wish: String,
    pub state: String,
    pub rank: String,
    pub posting: String,
}

#[derive(Template)]
#[template(path = "community/summer_applications.html")]
pub struct SummerApplicationsPage {
    pub layout: Layout,
    pub year: i64,
    pub applications: Vec<ApplicationLine>,
}

/// The public summer-job page: the postings and the application form.
#[derive(Template)]
#[template(path = "community/summer_apply.html")]
pub struct SummerApplyPage {
    pub layout: Layout,
    /// The open season's year and last day to apply; `None`: no season open.
    pub open: Option<(i64, String)>,
    pub postings: Vec<PostingView>,
    /// The years whose draw can be seen.
    pub draws: Vec<i64>,
    pub values: Vec<(String, String)>,
    pub checked: Vec<String>,
    pub errors: Vec<FieldError>,
    /// Set once the application is taken in: its reference.
    pub received: Option<String>,
}

impl SummerApplyPage {
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn is_checked(&self, name: &str) -> bool {
        self.checked.iter().any(|c| c == name)
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The text fields: name, label key, input type, autocomplete hint, required.
    pub fn fields(&self) -> [Field; 4] {
        [
            ("name", "summer-name", "text", "name", true),
            ("birth_date", "summer-birth-date", "date", "bday", true),
            ("email", "summer-email", "email", "email", true),
            ("phone", "summer-phone", "tel", "tel", false),
        ]
    }
}

/// One line of the published draw.
#[derive(Clone, Debug)]
pub struct DrawRow {
    pub rank: u32,
    pub reference: String,
    pub priority: bool,
    pub ticket: String,
    pub chosen: bool,
}

/// The published draw of a season (anyone).
#[derive(Template)]
#[template(path = "community/summer_draw.html")]
pub struct SummerDrawPage {
    pub layout: Layout,
    pub year: i64,
    pub seed: Option<String>,
    pub seed_published: String,
    pub drawn: Option<String>,
    pub priority: bool,
    pub rows: Vec<DrawRow>,
    pub digest: String,
}

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

//! One view struct per page of the frame, accounts, customers and administration; each names
//! its template. The capabilities' pages are in their own modules (`visits`, `credit`, …).

use askama::Template;
use domain::ids::{CustomerId, OutboxId, UserId};
use domain::role::Role;

use crate::Layout;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub message_key: &'static str,
    /// Why, when the refusal says more than its status (a conflict, a wrong field).
    pub detail: Option<String>,
    pub request_id: String,
}

/// A field's error, for marking the field and listing it in the summary.
#[derive(Clone, Debug)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub username: String,
    pub error_key: Option<&'static str>,
    pub show_demo_hint: bool,
    /// The identity providers configured (`sign_on.staff`, `sign_on.customer`): a link each.
    pub sign_on: Vec<domain::role::SignOn>,
}

#[derive(Template)]
#[template(path = "totp.html")]
pub struct TotpPage {
    pub layout: Layout,
    pub enrolled: bool,
    /// Present right after a new key was made: shown once.
    pub new_secret: Option<String>,
    pub new_uri: Option<String>,
    pub error: bool,
    /// A recovery code was refused.
    pub recovery_error: bool,
    /// The account has passkeys: the page offers logging in with one.
    pub has_passkeys: bool,
}

/// Recovery codes, shown once: right after enrolment, or when made anew from the account page.
#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    /// Where "Continue" goes (the home page after enrolment, the account page otherwise).
    pub next: &'static str,
}

#[derive(Clone, Debug)]
pub struct InvoiceLine {
    pub invoice_number: String,
    pub ocr: String,
    pub due_on: String,
    pub amount_ore: i64,
    pub paid_ore: i64,
    pub status: domain::credit::InvoiceStatus,
}

#[derive(Clone, Debug)]
pub struct MeterLine {
    pub anlaggnings_id: String,
    pub address: String,
    pub property: String,
    pub placement: String,
    pub meter_kind: String,
    pub fuse_amps: i64,
}

#[derive(Clone, Debug)]
pub struct ServiceLine {
    pub service: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "portal_home.html")]
pub struct PortalHome {
    pub layout: Layout,
    pub name: String,
    pub unpaid_count: usize,
    pub unpaid_ore: i64,
    pub overdue_count: usize,
    pub invoices: Vec<InvoiceLine>,
    pub meters: Vec<MeterLine>,
    pub services: Vec<ServiceLine>,
    pub email: String,
    pub phone: String,
    pub channel: String,
    /// Extension requests and plans in play, one line each.
    pub extensions: Vec<String>,
    /// The next customer-centre visit, formatted.
    pub next_visit: Option<String>,
    /// Cases waiting for the customer's answer, and cases being worked on.
    pub cases_waiting: usize,
    pub cases_open: usize,
    /// The meter exchange, one sentence, when there is something to tell.
    pub meter_exchange: Option<String>,
}

#[derive(Clone, Debug)]
pub struct StaffLink {
    pub href: &'static str,
    pub label_key: &'static str,
}

#[derive(Template)]
#[template(path = "staff_home.html")]
pub struct StaffHome {
    pub layout: Layout,
    pub name: String,
    pub role: String,
    pub links: Vec<StaffLink>,
    pub can_search: bool,
}

#[derive(Clone, Debug)]
pub struct CustomerHitLine {
    pub id: CustomerId,
    pub customer_number: String,
    pub name: String,
    pub kind: String,
    pub identity_masked: String,
    pub address: String,
}

#[derive(Template)]
#[template(path = "customers.html")]
pub struct CustomersPage {
    pub layout: Layout,
    pub query: String,
    pub searched: bool,
    pub hits: Vec<CustomerHitLine>,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PaymentLine {
    pub paid_on: String,
    pub amount_ore: i64,
    pub reference: String,
}

#[derive(Template)]
#[template(path = "customer.html")]
pub struct CustomerPage {
    pub layout: Layout,
    pub id: CustomerId,
    pub customer_number: String,
    pub name: String,
    pub kind: String,
    pub identity: String,
    pub identity_revealed: bool,
    pub can_reveal: bool,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub channel: String,
    pub open_ore: i64,
    pub overdue_count: usize,
    pub meters: Vec<MeterLine>,
    pub services: Vec<ServiceLine>,
    pub invoices: Vec<InvoiceLine>,
    pub payments: Vec<PaymentLine>,
    /// An agent or credit officer may ask for more time for a caller.
    pub can_request_extension: bool,
    /// Customer service may record or withdraw a caller's "no home visits" declaration.
    pub can_handle_home_visits: bool,
    /// The customer's cases in the viewer's teams (case workers only).
    pub cases: Vec<crate::cases::PortalCaseLine>,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub username: String,
    pub role: domain::role::Role,
    /// The account logs in through an identity provider: its password and second factor are
    /// the provider's business.
    pub signed_on: bool,
    pub is_staff: bool,
    pub totp_enabled: bool,
    /// Recovery codes left, for staff with a second factor.
    pub recovery_codes_left: Option<i64>,
    /// The member of staff's passkeys.
    pub passkeys: Vec<PasskeyLine>,
    pub errors: Vec<FieldError>,
}

/// A passkey on the account page.
#[derive(Clone, Debug)]
pub struct PasskeyLine {
    pub id: i64,
    pub name: String,
    /// The day it was added, and last used (Swedish civil dates).
    pub added: String,
    pub used: Option<String>,
}

impl AccountPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct UserLine {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub totp_enabled: bool,
    pub is_demo: bool,
    pub is_customer: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Vec<UserLine>,
    /// Every staff role with its name, for the role select.
    pub staff_roles: Vec<(Role, String)>,
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct PolicyLine {
    pub capability: String,
    /// What the policy says, named from Fluent.
    pub summary: String,
    pub from: i64,
    pub to: Option<i64>,
    pub set_by: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct ModeLine {
    pub name: String,
    pub description: String,
    pub policies: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "policies.html")]
pub struct PoliciesPage {
    pub layout: Layout,
    pub in_force: Vec<(String, String)>,
    pub all: Vec<PolicyLine>,
    pub modes: Vec<ModeLine>,
    /// `(value, label)` of every capability, for the form that switches one.
    pub capabilities: Vec<(String, String)>,
    /// Now in Stockholm as a `datetime-local` value.
    pub now_local: String,
    pub result: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
pub struct AuditLine {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    /// The outcome's name.
    pub outcome: String,
    pub address: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub lines: Vec<AuditLine>,
    pub broken_at: Option<i64>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Clone, Debug)]
pub struct OutboxLine {
    pub id: OutboxId,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub created_at: i64,
    pub attachment: Option<String>,
}

#[derive(Template)]
#[template(path = "outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub lines: Vec<OutboxLine>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Template)]
#[template(path = "outbox_message.html")]
pub struct OutboxMessagePage {
    pub layout: Layout,
    pub line: OutboxLine,
    /// The customer the message is about, for a link to the customer's page.
    pub customer_id: Option<CustomerId>,
    pub body: String,
    pub attachment_body: Option<String>,
}

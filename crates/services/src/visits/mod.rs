//! Customer-centre visits by booking (measure M2), the `services.visits()` handle: availability,
//! booking, confirmation, cancel and rebook through a link, check-in, no-shows, walk-ins, the
//! waitlist, the sweep of holds and reminders, flagging visits above a lowered cap, the site
//! settings, and the policy hook.
//!
//! The cap is the visits policy in force at each instant of a visit; it is enforced in the
//! store by guarded bucket updates inside one write transaction (see `store::visits`), so it
//! holds under any concurrency, on both databases and with several app instances.
//!
//! Files by area: `availability` (sites as read, the slots they offer), `booking` (book,
//! confirm, cancel, rebook), `desk` (check-in, no-show, walk-in, the day per desk), `waitlist`,
//! `sweep` (expired holds, reminders), `caps` (the cap in force, flagging), `sites` (settings),
//! `links` (signed links), `messages` (what visitors are told), `hook` (the policy hook).

mod availability;
mod booking;
mod caps;
mod desk;
mod hook;
mod limits;
mod links;
mod messages;
mod sites;
mod sweep;
mod waitlist;

use domain::customer::Language;
use domain::ids::{CustomerId, SiteId, SiteServiceId};
use domain::problem::{Invalid, Problem};
use domain::visits::{self as rules, SiteRules};
pub use domain::visits::{VisitError, VisitSource, VisitStatus, WaitStatus};
use store::Tx;
pub use store::visits::{
    ExceptionRow, HoursRow, NewService, ServiceRow, SiteRow, SiteSettings, VisitRow, WaitRow,
};

pub use availability::rules_from_rows;
pub use caps::{CapReport, Caps};
pub use desk::{DeskDay, DeskVisit};
pub use limits::{MAX_OPEN_WAITS, MESSAGES_PER_RECIPIENT_PER_HOUR};
pub use links::link_lifetime_days;
pub use sites::NewSite;
pub use sweep::SweepReport;

use crate::Services;
use crate::error::{Result, ServiceError};

pub(crate) const MINUTE: i64 = 60_000_000;
/// A booking from the public page holds its places this long while the link is unconfirmed.
pub const CONFIRM_WITHIN_MINUTES: i64 = 30;
/// Unconfirmed public bookings one phone number may hold at once.
pub const MAX_UNCONFIRMED: i64 = 2;
/// A waitlist offer holds its places this long (or until the visit would start).
pub const OFFER_HOURS: i64 = 2;
/// Check-in opens this long before the start; no-show may be marked this long after it.
pub const CHECK_IN_EARLY_MINUTES: i64 = 30;
pub const NO_SHOW_AFTER_MINUTES: i64 = 10;

/// Who may do what at the customer centre, declared once: the route table (`web::visits`)
/// and the handle's own checks read these.
pub mod roles {
    use domain::role::Role;

    use crate::Actor;
    use crate::error::{Result, ServiceError};

    /// The desk: the day's visits, check-in, no-shows, walk-ins, booking for a caller (pages
    /// and the API).
    pub const DESK: &[Role] = &[Role::Agent, Role::Admin];
    /// A site's hours, desks and services.
    pub const SITE_ADMINS: &[Role] = &[Role::ContinuityManager, Role::Admin];
    /// Their own visits in the portal.
    pub const CUSTOMERS: &[Role] = &[Role::Customer];
    /// The sites and their free times through the API: every member of staff.
    pub const READERS: &[Role] = &Role::STAFF;

    /// The actor holds one of `roles`; the system (no role: jobs, the CLI, the demo) may too.
    pub(crate) fn may(actor: &Actor, roles: &[Role]) -> Result<()> {
        match actor.role {
            None => Ok(()),
            Some(r) if roles.contains(&r) => Ok(()),
            Some(_) => Err(ServiceError::Forbidden),
        }
    }
}

/// The customer centre's handle: `services.visits()`.
#[derive(Clone)]
pub struct Visits {
    s: Services,
}

impl Visits {
    pub(crate) fn new(s: Services) -> Visits {
        Visits { s }
    }

    fn store(&self) -> &store::Store {
        self.s.store()
    }

    fn now(&self) -> i64 {
        self.s.now_micros()
    }
}

/// A request to book (or to join the waitlist, where `start` is not read).
#[derive(Clone, Debug)]
pub struct BookingRequest {
    pub site_id: SiteId,
    pub service_id: SiteServiceId,
    pub start: i64,
    pub party: u32,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub language: Language,
    pub customer_id: Option<CustomerId>,
    pub source: VisitSource,
    /// A client's retry of the same request returns the first booking instead of a second.
    pub idempotency_key: Option<String>,
}

/// Why a booking was refused.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// 409: at some instant of the visit the cap or the staffed desks would be exceeded.
    #[error("the time is fully booked")]
    Full,
    /// 409: the same person already holds a visit at an overlapping time.
    #[error("you already have a visit at that time")]
    Overlap,
    /// 422: the request itself is wrong; the field says where and the problem why.
    #[error("{}: {:?}", .0.field, .0.problem)]
    Invalid(Invalid),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<store::StoreError> for BookingError {
    fn from(e: store::StoreError) -> Self {
        BookingError::Service(e.into())
    }
}

impl BookingError {
    pub(crate) fn invalid(field: &'static str, problem: impl Into<Problem>) -> BookingError {
        BookingError::Invalid(Invalid::new(field, problem))
    }
}

/// Every booking refusal as the service error callers answer with: full and overlapping are
/// conflicts (409) a person reads as [`VisitError::Full`] and [`VisitError::Overlap`].
impl From<BookingError> for ServiceError {
    fn from(e: BookingError) -> ServiceError {
        match e {
            BookingError::Full => ServiceError::conflict(VisitError::Full),
            BookingError::Overlap => ServiceError::conflict(VisitError::Overlap),
            BookingError::Invalid(i) => ServiceError::Invalid(i),
            BookingError::Service(e) => e,
        }
    }
}

/// A booking made: the visit and the secret link that manages it (shown once, sent by message).
#[derive(Debug, Clone)]
pub struct Booked {
    pub visit: VisitRow,
    pub link: String,
    /// The request repeated an idempotency key; nothing new was booked.
    pub replayed: bool,
}

/// A site with its rules and services, read once per request.
#[derive(Debug, Clone)]
pub struct SiteView {
    pub site: SiteRow,
    pub rules: SiteRules,
    pub services: Vec<ServiceRow>,
    pub hours: Vec<HoursRow>,
}

impl SiteView {
    /// An active service of the site.
    pub fn service(&self, id: SiteServiceId) -> Option<&ServiceRow> {
        self.services.iter().find(|s| s.id == id && s.active)
    }

    /// Any service of the site, active or not (a visit booked before it was retired).
    pub fn any_service(&self, id: SiteServiceId) -> Option<&ServiceRow> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Name and postal address, as a visitor's message and page give it.
    pub fn address(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.site.name, self.site.street, self.site.postal_code, self.site.city
        )
    }
}

/// Normalises a phone number to digits with the country code (`0701234567` → `46701234567`).
pub fn normalise_phone(phone: &str) -> Option<String> {
    let t = phone.trim();
    let plus = t.starts_with('+');
    if t.chars()
        .any(|c| !(c.is_ascii_digit() || " -+()".contains(c)))
    {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let n = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("46{rest}")
    } else {
        digits
    };
    (8..=15).contains(&n.len()).then_some(n)
}

/// A Swedish mobile number (`46` and nine digits starting 70, 72, 73, 76 or 79), normalised as
/// [`normalise_phone`] does: the only numbers the public page sends text messages to.
pub fn mobile_number(phone: &str) -> Option<String> {
    let n = normalise_phone(phone)?;
    let national = n.strip_prefix("46")?;
    let mobile = national.len() == 9
        && ["70", "72", "73", "76", "79"]
            .iter()
            .any(|p| national.starts_with(p));
    mobile.then_some(n)
}

/// Who a booking is for, for the one-visit-at-a-time rule: the phone number, else the customer.
fn person_key(customer_id: Option<CustomerId>, phone: &str) -> String {
    match normalise_phone(phone) {
        Some(p) => format!("p:{p}"),
        None => format!("c:{}", customer_id.map_or(0, CustomerId::get)),
    }
}

/// A failure worth one more try of the whole transaction (see `StoreError::is_transient`).
trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for ServiceError {
    fn is_transient(&self) -> bool {
        matches!(self, ServiceError::Store(e) if e.is_transient())
    }
}

impl Transient for BookingError {
    fn is_transient(&self) -> bool {
        matches!(self, BookingError::Service(e) if e.is_transient())
    }
}

/// Runs `attempt` again, up to five times with a short pause, while it fails with a transient
/// database error (a PostgreSQL deadlock victim or serialization failure, SQLite busy).
async fn retry_transient<T, E, F, Fut>(mut attempt: F) -> Result<T, E>
where
    E: Transient,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut n = 0u64;
    loop {
        n += 1;
        match attempt().await {
            Err(e) if e.is_transient() && n < 5 => {
                tokio::time::sleep(std::time::Duration::from_millis(5 * n)).await;
            }
            other => return other,
        }
    }
}

/// Takes the places of `[start, end)` for `party`, bucket by bucket in ascending order, or fails
/// with [`BookingError::Full`] (the caller's transaction is then dropped, undoing any bucket
/// already taken).
async fn take_places(
    tx: &mut Tx,
    view: &SiteView,
    caps: &Caps,
    start: i64,
    end: i64,
    party: u32,
) -> Result<(), BookingError> {
    for b in rules::buckets(start, end) {
        let cap = caps.cap_at(b);
        let desks = view.rules.staffed_desks_at(b);
        if party > cap || desks == 0 {
            return Err(BookingError::Full);
        }
        if !store::visits::take_bucket(
            tx,
            view.site.id,
            b,
            i64::from(party),
            i64::from(cap),
            i64::from(desks),
        )
        .await?
        {
            return Err(BookingError::Full);
        }
    }
    Ok(())
}

impl Services {
    /// After the cap or the hours changed: [`Visits::reconcile_caps`]. Kept for
    /// `policies::change_policy` until it calls the policy hooks.
    pub async fn reconcile_visit_caps(&self) -> Result<CapReport> {
        self.visits().reconcile_caps().await
    }
}

//! What anyone may do on the public pages without logging in (finding 5 of the security
//! review): each booking or waitlist place sends a message to a recipient the caller chooses
//! and holds places, so both are limited.
//!
//! - **Per client address**: [`crate::auth::AuthSettings::public_bookings_per_hour`] bookings
//!   and waitlist joins together in an hour (ASVS 5.0 2.4.1, anti-automation). The count is a
//!   row in the database, counted in one statement, so every server sees the same count.
//! - **Per recipient**: [`MESSAGES_PER_RECIPIENT_PER_HOUR`] in an hour, whoever asks, so the page
//!   cannot be used to flood one person's phone or mailbox.
//! - **Only Swedish mobile numbers** receive text messages from the public page (toll fraud
//!   goes through premium and foreign numbers; a landline cannot read a text).
//! - **The waitlist**: one place per person, site and day, at most [`MAX_OPEN_WAITS`] at once.
//!
//! Logged-in customers and staff are limited by their accounts instead.

use domain::visits::{VisitError, VisitSource};
use jiff::civil::Date;
use store::Tx;

use super::{BookingError, BookingRequest, Visits, mobile_number, normalise_phone};
use crate::Actor;
use crate::error::ServiceError;

/// Messages the public page may send to one phone number or e-mail address in an hour.
pub const MESSAGES_PER_RECIPIENT_PER_HOUR: i64 = 3;
/// Waitlist places one person may hold at once.
pub const MAX_OPEN_WAITS: u32 = 3;

const HOUR: i64 = 3_600_000_000;

impl Visits {
    /// Counts a request from the public page against its address's and its recipient's limits
    /// (before any other work); refuses it past them. Requests from anywhere else pass.
    pub(super) async fn count_public(
        &self,
        actor: &Actor,
        req: &BookingRequest,
    ) -> Result<(), BookingError> {
        if req.source != VisitSource::Public {
            return Ok(());
        }
        // What is wrong with the form is said first (a phone that is no number at all is not
        // told it is no mobile number).
        super::booking::validate_contact(req)?;
        if mobile_number(&req.phone).is_none() {
            return Err(BookingError::invalid("phone", VisitError::MobilePhone));
        }
        let recipient = match req.email.as_deref().map(str::trim) {
            Some(e) if !e.is_empty() => format!("email:{}", e.to_lowercase()),
            _ => format!("phone:{}", normalise_phone(&req.phone).unwrap_or_default()),
        };
        let per_address = self.s.settings().auth.public_bookings_per_hour;
        let now = self.now();
        let mut tx = self.store().begin().await?;
        let address = format!("public:address:{}", actor.address);
        let from_address = store::sessions::count_attempt(&mut tx, &address, now, HOUR).await?;
        let key = format!("public:recipient:{recipient}");
        let to_recipient = store::sessions::count_attempt(&mut tx, &key, now, HOUR).await?;
        tx.commit().await?;
        if from_address > per_address || to_recipient > MESSAGES_PER_RECIPIENT_PER_HOUR {
            return Err(ServiceError::RateLimited.into());
        }
        Ok(())
    }

    /// The waitlist's own limits, inside the joining transaction (after the person's lock, so
    /// two joins of one person take turns).
    pub(super) async fn may_wait(
        &self,
        tx: &mut Tx,
        person: &str,
        req: &BookingRequest,
        day: Date,
    ) -> Result<(), BookingError> {
        store::visits::lock_person(tx, person, self.now()).await?;
        let open = store::visits::open_waits_of(tx, person).await?;
        let day = day.to_string();
        if open
            .iter()
            .any(|(site, d)| *site == req.site_id && *d == day)
        {
            return Err(BookingError::invalid("day", VisitError::WaitingAlready));
        }
        if open.len() >= MAX_OPEN_WAITS as usize {
            return Err(BookingError::invalid(
                "day",
                VisitError::TooManyWaits {
                    max: MAX_OPEN_WAITS,
                },
            ));
        }
        Ok(())
    }
}

//! The customer centre's refusals and conflicts, named for people in the visits message file.

/// Why something about a visit, a site or a booking was refused. `Display` is for logs; people
/// read [`crate::problem::Explain`] (`visits-problem-*` in the visits message file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    #[error("a span closes before it opens")]
    SpanOrder,
    #[error("opening hours must be on the 5-minute grid")]
    SpanGrid,
    #[error("opening spans of one day overlap")]
    SpanOverlap,
    #[error("a span is not written as 09:00-12:00 3")]
    SpanFormat,
    #[error("more staffed desks than the site has ({max})")]
    StaffedDesks { max: u32 },
    #[error("a visit lasts 5-240 minutes in steps of five")]
    Duration,
    #[error("a booking is for 1-4 people")]
    Party,
    #[error("the start has passed or is inside the lead time")]
    TooSoon,
    #[error("the start is beyond the booking horizon")]
    TooFar,
    #[error("the site is closed that day")]
    Closed,
    #[error("the time is outside the opening hours")]
    OutsideHours,
    #[error("the start is not one of the offered slot starts")]
    NotOnGrid,
    #[error("the site is closed now or closes before the visit would end")]
    ClosedNow,
    #[error("no such site")]
    UnknownSite,
    #[error("no such active service at the site")]
    UnknownService,
    #[error("a name of 1-100 characters is needed")]
    Name,
    #[error("a phone number is needed")]
    Phone,
    #[error("not an e-mail address")]
    Email,
    #[error("this phone number already holds the most unconfirmed bookings")]
    TooManyUnconfirmed,
    #[error("a booking without logging in needs a Swedish mobile number")]
    MobilePhone,
    #[error("this person is on the waitlist of that day already")]
    WaitingAlready,
    #[error("this person is on the most waitlists at once ({max})")]
    TooManyWaits { max: u32 },
    #[error("the policy in force does not allow walk-ins")]
    WalkInsStopped,
    #[error(
        "the cap on people present or the staffed desks is reached at some instant of the visit"
    )]
    Full,
    #[error("the person already holds a visit at an overlapping time")]
    Overlap,
    #[error("a request with this idempotency key is being booked; retry")]
    Retry,
    #[error("this idempotency key was used for another request")]
    IdempotencyKeyReused,
    #[error("the time to confirm has run out")]
    ConfirmExpired,
    #[error("the booking is confirmed or cancelled already")]
    NotAwaitingConfirmation,
    #[error("the visit has started")]
    Started,
    #[error("the visit is cancelled already")]
    AlreadyCancelled,
    #[error("the visit is not booked, so it cannot be moved")]
    NotMovable,
    #[error("the visit changed meanwhile")]
    Changed,
    #[error("check-in is open from 30 minutes before the visit until its end")]
    CheckInWindow,
    #[error("the visit is not booked (checked in, cancelled or unconfirmed)")]
    NotBooked,
    #[error("a no-show can be marked from ten minutes after the start")]
    NoShowTooEarly,
    #[error("slots start every 5-120 minutes in steps of five")]
    SlotStep,
    #[error("a service code is a-z, 0-9 and hyphens")]
    ServiceCode,
    #[error("a service needs a Swedish and an English name")]
    ServiceNames,
    #[error("the dates span more than {max_days} days")]
    DateRange { max_days: u32 },
    #[error("the request is not a visit as the API describes it")]
    Malformed,
}

impl crate::problem::Explain for VisitError {
    fn message_key(&self) -> &'static str {
        match self {
            VisitError::SpanOrder => "visits-problem-span-order",
            VisitError::SpanGrid => "visits-problem-span-grid",
            VisitError::SpanOverlap => "visits-problem-span-overlap",
            VisitError::SpanFormat => "visits-problem-span-format",
            VisitError::StaffedDesks { .. } => "visits-problem-staffed-desks",
            VisitError::Duration => "visits-problem-duration",
            VisitError::Party => "visits-problem-party",
            VisitError::TooSoon => "visits-problem-too-soon",
            VisitError::TooFar => "visits-problem-too-far",
            VisitError::Closed => "visits-problem-closed",
            VisitError::OutsideHours => "visits-problem-outside-hours",
            VisitError::NotOnGrid => "visits-problem-not-on-grid",
            VisitError::ClosedNow => "visits-problem-closed-now",
            VisitError::UnknownSite => "visits-problem-unknown-site",
            VisitError::UnknownService => "visits-problem-unknown-service",
            VisitError::Name => "visits-problem-name",
            VisitError::Phone => "visits-problem-phone",
            VisitError::Email => "visits-problem-email",
            VisitError::TooManyUnconfirmed => "visits-problem-too-many-unconfirmed",
            VisitError::MobilePhone => "visits-problem-mobile-phone",
            VisitError::WaitingAlready => "visits-problem-waiting-already",
            VisitError::TooManyWaits { .. } => "visits-problem-too-many-waits",
            VisitError::WalkInsStopped => "visits-problem-walk-ins-stopped",
            VisitError::Full => "visits-problem-full",
            VisitError::Overlap => "visits-problem-overlap",
            VisitError::Retry => "visits-problem-retry",
            VisitError::IdempotencyKeyReused => "visits-problem-idempotency-key-reused",
            VisitError::ConfirmExpired => "visits-problem-confirm-expired",
            VisitError::NotAwaitingConfirmation => "visits-problem-not-awaiting-confirmation",
            VisitError::Started => "visits-problem-started",
            VisitError::AlreadyCancelled => "visits-problem-already-cancelled",
            VisitError::NotMovable => "visits-problem-not-movable",
            VisitError::Changed => "visits-problem-changed",
            VisitError::CheckInWindow => "visits-problem-check-in-window",
            VisitError::NotBooked => "visits-problem-not-booked",
            VisitError::NoShowTooEarly => "visits-problem-no-show-too-early",
            VisitError::SlotStep => "visits-problem-slot-step",
            VisitError::ServiceCode => "visits-problem-service-code",
            VisitError::ServiceNames => "visits-problem-service-names",
            VisitError::DateRange { .. } => "visits-problem-date-range",
            VisitError::Malformed => "visits-problem-malformed",
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            VisitError::StaffedDesks { max } => vec![("max", max.to_string())],
            VisitError::DateRange { max_days } => vec![("max", max_days.to_string())],
            VisitError::TooManyWaits { max } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

impl VisitError {
    /// Every refusal, for the message-file test. A new variant breaks the match below until it
    /// is listed here too.
    pub fn examples() -> Vec<VisitError> {
        let all = vec![
            VisitError::SpanOrder,
            VisitError::SpanGrid,
            VisitError::SpanOverlap,
            VisitError::SpanFormat,
            VisitError::StaffedDesks { max: 3 },
            VisitError::Duration,
            VisitError::Party,
            VisitError::TooSoon,
            VisitError::TooFar,
            VisitError::Closed,
            VisitError::OutsideHours,
            VisitError::NotOnGrid,
            VisitError::ClosedNow,
            VisitError::UnknownSite,
            VisitError::UnknownService,
            VisitError::Name,
            VisitError::Phone,
            VisitError::Email,
            VisitError::TooManyUnconfirmed,
            VisitError::MobilePhone,
            VisitError::WaitingAlready,
            VisitError::TooManyWaits { max: 3 },
            VisitError::WalkInsStopped,
            VisitError::Full,
            VisitError::Overlap,
            VisitError::Retry,
            VisitError::IdempotencyKeyReused,
            VisitError::ConfirmExpired,
            VisitError::NotAwaitingConfirmation,
            VisitError::Started,
            VisitError::AlreadyCancelled,
            VisitError::NotMovable,
            VisitError::Changed,
            VisitError::CheckInWindow,
            VisitError::NotBooked,
            VisitError::NoShowTooEarly,
            VisitError::SlotStep,
            VisitError::ServiceCode,
            VisitError::ServiceNames,
            VisitError::DateRange { max_days: 62 },
            VisitError::Malformed,
        ];
        for e in &all {
            match e {
                VisitError::SpanOrder
                | VisitError::SpanGrid
                | VisitError::SpanOverlap
                | VisitError::SpanFormat
                | VisitError::StaffedDesks { .. }
                | VisitError::Duration
                | VisitError::Party
                | VisitError::TooSoon
                | VisitError::TooFar
                | VisitError::Closed
                | VisitError::OutsideHours
                | VisitError::NotOnGrid
                | VisitError::ClosedNow
                | VisitError::UnknownSite
                | VisitError::UnknownService
                | VisitError::Name
                | VisitError::Phone
                | VisitError::Email
                | VisitError::TooManyUnconfirmed
                | VisitError::MobilePhone
                | VisitError::WaitingAlready
                | VisitError::TooManyWaits { .. }
                | VisitError::WalkInsStopped
                | VisitError::Full
                | VisitError::Overlap
                | VisitError::Retry
                | VisitError::IdempotencyKeyReused
                | VisitError::ConfirmExpired
                | VisitError::NotAwaitingConfirmation
                | VisitError::Started
                | VisitError::AlreadyCancelled
                | VisitError::NotMovable
                | VisitError::Changed
                | VisitError::CheckInWindow
                | VisitError::NotBooked
                | VisitError::NoShowTooEarly
                | VisitError::SlotStep
                | VisitError::ServiceCode
                | VisitError::ServiceNames
                | VisitError::DateRange { .. }
                | VisitError::Malformed => {}
            }
        }
        all
    }
}

//! The error every service returns: variants a caller (web, CLI, jobs) can act on.
//!
//! Refusals a person must read ([`ServiceError::Invalid`], [`ServiceError::Conflict`]) carry a
//! [`Problem`], never a sentence: the web layer names it in the reader's language.

use domain::problem::{Invalid, Problem};
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// 404: the object does not exist or the actor may not know it exists.
    #[error("not found")]
    NotFound,
    /// 403: the actor may not do this.
    #[error("not allowed")]
    Forbidden,
    /// 401: wrong credentials (the same answer for unknown accounts).
    #[error("wrong user name or password")]
    BadCredentials,
    /// 410: a signed link that was genuine but has expired.
    #[error("the link has expired")]
    LinkExpired,
    /// 429: too many failed attempts recently.
    #[error("too many failed attempts; wait a minute and try again")]
    RateLimited,
    /// 422: input that does not pass validation; the field says where.
    #[error("{}: {:?}", .0.field, .0.problem)]
    Invalid(Invalid),
    /// 409: the state of things does not allow it (already booked, already decided, taken).
    #[error("conflict: {0:?}")]
    Conflict(Problem),
    /// 500: the database failed.
    #[error("database error")]
    Store(#[from] StoreError),
    /// 500: anything else unexpected; the message is for the log, not the user.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &'static str, problem: impl Into<Problem>) -> ServiceError {
        ServiceError::Invalid(Invalid::new(field, problem))
    }

    pub fn conflict(problem: impl Into<Problem>) -> ServiceError {
        ServiceError::Conflict(problem.into())
    }

    /// The problem a person must be told about, for a refusal.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ServiceError::Invalid(i) => Some(&i.problem),
            ServiceError::Conflict(p) => Some(p),
            _ => None,
        }
    }
}

impl From<Invalid> for ServiceError {
    fn from(i: Invalid) -> Self {
        ServiceError::Invalid(i)
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

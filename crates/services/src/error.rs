//! The error every service returns: variants a caller (web, CLI, jobs) can act on.

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
    /// 429: too many failed attempts recently.
    #[error("too many failed attempts; wait a minute and try again")]
    RateLimited,
    /// 422: input that does not pass validation; the field says where.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// 409: it already exists or conflicts with existing state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 500: the database failed.
    #[error("database error")]
    Store(#[from] StoreError),
    /// 500: anything else unexpected; the message is for the log, not the user.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid {
            field,
            message: message.into(),
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

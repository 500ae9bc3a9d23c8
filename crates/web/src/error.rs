//! One error type for handlers, rendered once by middleware as an HTML page or JSON with the
//! request id, so users have something to quote and the cause is logged exactly once.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use services::ServiceError;
use views::pages::ErrorPage;

use crate::AppState;
use crate::ctx::lang_of;
use crate::middleware::RequestId;

#[derive(Debug)]
pub enum AppError {
    /// 400: the request could not be parsed.
    BadRequest,
    /// 401: an API call without a session.
    Unauthorized,
    /// 403: logged in, but not allowed.
    Forbidden,
    /// 403: the CSRF check failed.
    Csrf,
    /// 404.
    NotFound,
    /// 422 for the API: a field is wrong (pages re-render their form instead).
    Invalid(String),
    /// 409 for the API.
    Conflict(String),
    /// 429.
    RateLimited,
    /// 500: logged with its cause, shown generically.
    Internal(String),
}

/// Attached to an error response for the rendering middleware.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub key: &'static str,
    pub public: Option<String>,
    pub internal: Option<String>,
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::BadCredentials => AppError::Unauthorized,
            ServiceError::RateLimited => AppError::RateLimited,
            ServiceError::Invalid { field, message } => {
                AppError::Invalid(format!("{field}: {message}"))
            }
            ServiceError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(format!("{other:?}")),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, key, public, internal) = match self {
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "error-400", None, None),
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "error-403",
                Some("log in first".to_owned()),
                None,
            ),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-403", None, None),
            AppError::Csrf => (StatusCode::FORBIDDEN, "error-csrf", None, None),
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-404", None, None),
            AppError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, "error-400", Some(m), None),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "error-400", Some(m), None),
            AppError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "login-rate-limited",
                None,
                None,
            ),
            AppError::Internal(cause) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-500",
                None,
                Some(cause),
            ),
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorInfo {
            key,
            public,
            internal,
        });
        resp
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Renders responses that carry [`ErrorInfo`]: JSON under `/api/`, an HTML page elsewhere.
pub async fn render_errors(State(_state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let lang = lang_of(req.headers());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let resp = next.run(req).await;
    let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() else {
        return resp;
    };
    let status = resp.status();
    if let Some(cause) = &info.internal {
        tracing::error!(request_id = %request_id, %status, cause = %cause, "request failed");
    }
    let mut out = if is_api {
        let message = info
            .public
            .clone()
            .unwrap_or_else(|| views::translate(views::Lang::En, info.key, &[]));
        (
            status,
            axum::Json(serde_json::json!({ "error": message, "request_id": request_id })),
        )
            .into_response()
    } else {
        let layout = views::Layout {
            lang,
            title: views::translate(lang, "error-title", &[]),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            banner: None,
            path: "/".into(),
            demo: false,
        };
        let page = ErrorPage {
            layout,
            status: status.as_u16(),
            message_key: info.key,
            request_id,
        };
        match views::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "rendering the error page failed");
                (status, "error").into_response()
            }
        }
    };
    // Keep headers the handler set on purpose (e.g. Retry-After), but not a stale content type.
    for (k, v) in resp.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

//! One error type for handlers, rendered once by middleware as an HTML page or JSON with the
//! request id, so users have something to quote and the cause is logged exactly once.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use domain::problem::{Explain, Invalid, Problem};
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
    /// 410: a signed link that has expired.
    LinkExpired,
    /// 422 for the API: a field is wrong (pages re-render their form instead).
    Invalid(Invalid),
    /// 409: the state of things does not allow it.
    Conflict(Problem),
    /// 429.
    RateLimited,
    /// 500: logged with its cause, shown generically.
    Internal(String),
}

/// Attached to an error response for the rendering middleware.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub key: &'static str,
    /// What the person is told, named in their language when the response is rendered.
    pub problem: Option<(Option<&'static str>, Problem)>,
    pub internal: Option<String>,
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::LinkExpired => AppError::LinkExpired,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::BadCredentials => AppError::Unauthorized,
            ServiceError::RateLimited => AppError::RateLimited,
            ServiceError::Invalid(i) => AppError::Invalid(i),
            ServiceError::Conflict(p) => AppError::Conflict(p),
            other => AppError::Internal(format!("{other:?}")),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, key, problem, internal) = match self {
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "error-400", None, None),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "error-401", None, None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-403", None, None),
            AppError::Csrf => (StatusCode::FORBIDDEN, "error-csrf", None, None),
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-404", None, None),
            AppError::LinkExpired => (StatusCode::GONE, "error-410-link", None, None),
            AppError::Invalid(i) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-400",
                Some((Some(i.field), i.problem)),
                None,
            ),
            AppError::Conflict(p) => (StatusCode::CONFLICT, "error-409", Some((None, p)), None),
            AppError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "error-429", None, None),
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
            problem,
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
        // API clients read English and act on the stable code (the message key).
        let mut body = match &info.problem {
            Some((field, p)) => serde_json::json!({
                "error": views::explain(views::Lang::En, p),
                "code": p.message_key(),
                "field": field,
            }),
            None => serde_json::json!({
                "error": views::translate(views::Lang::En, info.key, &[]),
                "code": info.key,
            }),
        };
        body["request_id"] = serde_json::Value::String(request_id);
        (status, axum::Json(body)).into_response()
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
            detail: info.problem.as_ref().map(|(_, p)| views::explain(lang, p)),
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

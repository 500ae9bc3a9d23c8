//! Request ids (on every log line of a request, and one access-log line each) and security
//! headers on every response.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The id on every log line and error page of one request.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub async fn request_id(mut req: Request, next: Next) -> Response {
    let bytes: [u8; 8] = rand::random();
    let id = hex::encode(bytes);
    req.extensions_mut().insert(RequestId(id.clone()));
    // The path is logged, never the query: queries may hold search terms about people.
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    // One line per request, in its span (so with its id, method and path): the access log.
    tracing::info!(
        parent: &span,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "answered"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

pub async fn security_headers(
    State(state): State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    h.insert("content-security-policy", state.csp.clone());
    set(
        h,
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

//! Sessions from the cookie, the pre-session CSRF cookie, and the CSRF check on state changes.
//!
//! The session cookie is `__Host-beredskap` (Secure, HttpOnly, SameSite=Lax, Path=/). Forms carry
//! a `csrf` field (scripts an `x-csrf-token` header) equal to the session's token, or before login
//! to the `__Host-beredskap-csrf` cookie (double submit). Cross-site requests are refused outright
//! by `Sec-Fetch-Site` and `Origin`.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use services::auth::SessionUser;

use crate::AppState;
use crate::error::AppError;

/// The request's user, if its session cookie is valid.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Option<SessionUser>);

/// The token a form must echo before login.
#[derive(Clone, Debug)]
pub struct PreSessionCsrf(pub String);

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-beredskap"
    } else {
        "beredskap"
    }
}

fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-beredskap-csrf"
    } else {
        "beredskap-csrf"
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value with the attributes this application always uses.
pub fn set_cookie(
    secure: bool,
    name: &str,
    value: &str,
    max_age: Option<i64>,
    same_site: &str,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if secure {
        s.push_str("; Secure");
    }
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    set_cookie(
        state.http.secure_cookies,
        session_cookie_name(state.http.secure_cookies),
        token,
        None,
        "Lax",
    )
}

pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    set_cookie(
        state.http.secure_cookies,
        session_cookie_name(state.http.secure_cookies),
        "",
        Some(0),
        "Lax",
    )
}

/// The client's address as the server saw it ("local" for in-process requests).
pub fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".to_owned())
}

/// Marks a request authenticated by a bearer token (no cookies, so no CSRF check).
#[derive(Clone, Copy, Debug)]
pub struct BearerAuth;

pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let secure = state.http.secure_cookies;
    // API clients: a bearer token stands for the account it was issued to, only under /api/.
    if req.uri().path().starts_with("/api/")
        && let Some(token) = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
    {
        let user = match state.services.accounts().api_token_user(token.trim()).await {
            Ok(Some(u)) => u,
            Ok(None) => return AppError::Unauthorized.into_response(),
            Err(e) => return AppError::Internal(format!("token lookup: {e:?}")).into_response(),
        };
        req.extensions_mut().insert(CurrentUser(Some(user)));
        req.extensions_mut().insert(BearerAuth);
        req.extensions_mut().insert(PreSessionCsrf(String::new()));
        return next.run(req).await;
    }
    let user = match cookie(req.headers(), session_cookie_name(secure)) {
        Some(token) if !token.is_empty() => {
            match state.services.accounts().session_user(&token).await {
                Ok(u) => u,
                Err(e) => {
                    return AppError::Internal(format!("session lookup: {e:?}")).into_response();
                }
            }
        }
        _ => None,
    };
    let existing = cookie(req.headers(), csrf_cookie_name(secure)).filter(|t| t.len() >= 32);
    let pre = existing.clone().unwrap_or_else(services::auth::new_token);
    req.extensions_mut().insert(CurrentUser(user));
    req.extensions_mut().insert(PreSessionCsrf(pre.clone()));
    let mut resp = next.run(req).await;
    if existing.is_none() {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(secure, csrf_cookie_name(secure), &pre, None, "Strict"),
        );
    }
    resp
}

fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn csrf_layer(State(_state): State<AppState>, req: Request, next: Next) -> Response {
    // Bearer requests carry no cookie to forge with; an API call with no credentials at all is
    // left to the access guard, which answers 401 (no API route that changes state is public).
    let anonymous_api = req.uri().path().starts_with("/api/")
        && req
            .extensions()
            .get::<CurrentUser>()
            .is_none_or(|c| c.0.is_none());
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.extensions().get::<BearerAuth>().is_some()
        || anonymous_api
    {
        return next.run(req).await;
    }
    if !same_origin(req.headers()) {
        return AppError::Csrf.into_response();
    }
    let expected = match req
        .extensions()
        .get::<CurrentUser>()
        .and_then(|c| c.0.as_ref())
    {
        Some(u) => u.csrf_token.clone(),
        None => req
            .extensions()
            .get::<PreSessionCsrf>()
            .map(|p| p.0.clone())
            .unwrap_or_default(),
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // A file upload (multipart) carries its token in the query string, so the body is neither
    // buffered nor parsed here; the handler streams it with its own size limit.
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let given = header_token.or_else(|| {
            req.uri().query().and_then(|q| {
                form_urlencoded_pairs(q.as_bytes())
                    .into_iter()
                    .find(|(k, _)| k == "csrf")
                    .map(|(_, v)| v)
            })
        });
        return match given {
            Some(t) if !expected.is_empty() && constant_time_eq(&t, &expected) => {
                next.run(req).await
            }
            _ => AppError::Csrf.into_response(),
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return AppError::BadRequest.into_response(),
    };
    let given = header_token.or_else(|| {
        is_form.then(|| {
            form_urlencoded_pairs(&bytes)
                .into_iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
    });
    match given {
        Some(t) if !expected.is_empty() && constant_time_eq(&t, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => AppError::Csrf.into_response(),
    }
}

/// Decodes `a=1&b=2` leniently (invalid escapes are kept as text).
pub fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded_pairs(bytes)
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let s = s.replace('+', " ");
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%'
                && i + 2 < b.len()
                && let (Some(h), Some(l)) = (
                    (b[i + 1] as char).to_digit(16),
                    (b[i + 2] as char).to_digit(16),
                )
            {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(kv), String::new()),
        })
        .collect()
}

//! Sessions from the cookie, the pre-session CSRF cookie, and the CSRF check on state changes.
//!
//! The session cookie is `__Host-beredskap` (Secure, HttpOnly, SameSite=Lax, Path=/). Forms carry
//! a `csrf` field (scripts an `x-csrf-token` header) equal to the session's token, or before login
//! to the `__Host-beredskap-csrf` cookie (double submit). Cross-site requests are refused outright
//! by `Sec-Fetch-Site` and `Origin`.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
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

/// The client's address as [`crate::forwarded`] resolved it ("local" for in-process requests).
pub fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<crate::forwarded::ClientAddress>()
        .map_or_else(|| "local".to_owned(), |a| a.text())
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
    // A file upload (multipart) carries its token as the form's first field, read here from
    // the start of the body; the rest (the file) is streamed on to the handler unread, which
    // reads it with its own size limit. (Not the query string: a token there lands in browser
    // history and in proxies' logs.)
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart_boundary);
    if let Some(boundary) = boundary {
        let checked = |t: &str| !expected.is_empty() && constant_time_eq(t, &expected);
        if let Some(t) = header_token {
            return if checked(&t) {
                next.run(req).await
            } else {
                AppError::Csrf.into_response()
            };
        }
        let (parts, body) = req.into_parts();
        let Some((token, body)) = first_field_token(body, &boundary).await else {
            return AppError::Csrf.into_response();
        };
        return if checked(&token) {
            next.run(Request::from_parts(parts, body)).await
        } else {
            AppError::Csrf.into_response()
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

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// The most of a body read to find the token field at its start.
const TOKEN_FIELD_MAX_BYTES: usize = 8 * 1024;

/// Reads the start of a multipart body until its first field is complete: that field must be
/// `csrf` (the upload forms put it first). Returns its value and the whole body, the bytes read
/// put back in front of the rest, which is not read here.
async fn first_field_token(body: Body, boundary: &str) -> Option<(String, Body)> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let token = loop {
        if let Some(t) = token_of_first_field(&head, boundary) {
            break t?;
        }
        if head.len() > TOKEN_FIELD_MAX_BYTES {
            return None;
        }
        head.extend_from_slice(&stream.next().await?.ok()?);
    };
    let rest = futures_util::stream::iter([Ok::<_, axum::Error>(axum::body::Bytes::from(head))])
        .chain(stream);
    Some((token, Body::from_stream(rest)))
}

/// The value of the first field in `head` when it is complete: `Some(Some(token))` for a
/// `csrf` field, `Some(None)` for any other first field, `None` while more bytes are needed.
fn token_of_first_field(head: &[u8], boundary: &str) -> Option<Option<String>> {
    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }
    let opening = format!("--{boundary}\r\n");
    let start = find(head, opening.as_bytes())? + opening.len();
    let head = &head[start..];
    let headers_end = find(head, b"\r\n\r\n")?;
    let rest = &head[headers_end + 4..];
    let value_end = find(rest, format!("\r\n--{boundary}").as_bytes())?;
    let headers = String::from_utf8_lossy(&head[..headers_end]).to_ascii_lowercase();
    let is_token = headers.lines().any(|h| {
        h.starts_with("content-disposition:")
            && h.contains("name=\"csrf\"")
            && !h.contains("filename=")
    });
    Some(is_token.then(|| String::from_utf8_lossy(&rest[..value_end]).into_owned()))
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

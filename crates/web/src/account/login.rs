//! Logging in with a password, choosing the language, logging out.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use services::ServiceError;
use services::auth::LoginStep;
use views::pages::LoginPage;

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::home::home_of;
use crate::pages::{PageResult, ok, render, see_other};
use crate::session::{clear_session_cookie, session_cookie};

/// The login page, with the user name typed so far and the refusal to show, if any.
pub(super) async fn login_page(
    state: &AppState,
    ctx: &Ctx,
    username: String,
    error_key: Option<&'static str>,
) -> LoginPage {
    LoginPage {
        layout: ctx.layout(state, "login-title").await,
        username,
        error_key,
        show_demo_hint: state.http.show_demo_hint,
        sign_on: state.services.settings().sign_on.configured(),
    }
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    if let Some(u) = &ctx.user
        && !u.mfa_pending
    {
        return Ok(see_other(home_of(u.role)));
    }
    ok(&login_page(&state, &ctx, String::new(), None).await)
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let username = form.get("username").to_owned();
    let result = state
        .services
        .accounts()
        .login(&username, form.get("password"), &ctx.address)
        .await;
    let (status, key) = match result {
        Ok(session) => {
            let to = match session.next {
                LoginStep::Done => "/",
                LoginStep::EnterTotp | LoginStep::EnrolTotp => "/logga-in/totp",
            };
            let mut resp = see_other(to);
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &session.token));
            return Ok(resp);
        }
        Err(ServiceError::BadCredentials) => (StatusCode::UNAUTHORIZED, "login-failed"),
        Err(ServiceError::RateLimited) => (StatusCode::TOO_MANY_REQUESTS, "login-rate-limited"),
        Err(e) => return Err(e.into()),
    };
    let page = login_page(&state, &ctx, username, Some(key)).await;
    let mut resp = render(status, &page)?;
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("60"),
        );
    }
    Ok(resp)
}

pub async fn set_language(State(state): State<AppState>, form: FormData) -> Response {
    let lang = views::Lang::from_code(form.get("lang")).unwrap_or_default();
    // Only local paths, so the form cannot be used to redirect elsewhere.
    let next = form.get("next");
    let next = if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    };
    let mut resp = see_other(next);
    resp.headers_mut().append(
        header::SET_COOKIE,
        crate::session::set_cookie(
            state.http.secure_cookies,
            "lang",
            lang.code(),
            Some(365 * 24 * 3600),
            "Lax",
        ),
    );
    resp
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    state.services.accounts().logout(u, &ctx.address).await?;
    let mut resp = see_other("/logga-in");
    resp.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(resp)
}

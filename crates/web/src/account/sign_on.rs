//! Logging in through an identity provider (OpenID Connect): the organisation's for staff, an
//! e-ID broker for customers. `services::auth` does the protocol; this module sends the
//! browser there, takes the answer and sets the cookies.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use domain::problem::Explain;
use domain::role::{AccountProblem, SignOn};
use services::auth::Callback;

use crate::AppState;
use crate::ctx::Ctx;
use crate::pages::{PageResult, render, see_other};
use crate::session::{cookie, session_cookie, set_cookie};

/// The cookie that ties a login at the provider to the browser that began it. `SameSite=Lax`:
/// the provider sends the browser back with a top-level GET from its own site.
const BROWSER_COOKIE: &str = "sign_on";

pub async fn staff_start(State(state): State<AppState>) -> PageResult {
    start(&state, SignOn::Staff).await
}

pub async fn customer_start(State(state): State<AppState>) -> PageResult {
    start(&state, SignOn::Customer).await
}

pub async fn staff_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> PageResult {
    finish(&state, &ctx, &headers, SignOn::Staff, &answer).await
}

pub async fn customer_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> PageResult {
    finish(&state, &ctx, &headers, SignOn::Customer, &answer).await
}

async fn start(state: &AppState, kind: SignOn) -> PageResult {
    let begun = state.services.accounts().sign_on_begin(kind).await?;
    let mut resp = see_other(&begun.url);
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            state.http.secure_cookies,
            BROWSER_COOKIE,
            &begun.browser,
            Some(services::auth::SIGN_ON_MICROS / 1_000_000),
            "Lax",
        ),
    );
    Ok(resp)
}

async fn finish(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    kind: SignOn,
    answer: &Callback,
) -> PageResult {
    let browser = cookie(headers, BROWSER_COOKIE);
    let result = state
        .services
        .accounts()
        .sign_on_finish(kind, browser.as_deref(), answer, &ctx.address)
        .await?;
    let clear = set_cookie(
        state.http.secure_cookies,
        BROWSER_COOKIE,
        "",
        Some(0),
        "Lax",
    );
    let mut resp = match result {
        Ok(session) => {
            let mut resp = see_other("/");
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(state, &session.token));
            resp
        }
        Err(problem) => refused(state, ctx, problem).await?,
    };
    resp.headers_mut().append(header::SET_COOKIE, clear);
    Ok(resp)
}

async fn refused(state: &AppState, ctx: &Ctx, problem: AccountProblem) -> PageResult {
    let page =
        super::login::login_page(state, ctx, String::new(), Some(problem.message_key())).await;
    render(StatusCode::UNAUTHORIZED, &page)
}

//! The second factor: enrolling an authenticator and entering its code.

use axum::extract::State;
use axum::http::{StatusCode, header};
use services::ServiceError;
use services::auth::SessionUser;
use views::pages::{RecoveryCodesPage, TotpPage};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::error::AppError;
use crate::home::home_of;
use crate::pages::{PageResult, ok, render, see_other};
use crate::session::session_cookie;

/// What the second step's page says was refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refused {
    Nothing,
    Code,
    RecoveryCode,
}

/// The second step's page: the app's code, a recovery code, and a passkey when there is one.
async fn second_step(
    state: &AppState,
    ctx: &Ctx,
    u: &SessionUser,
    enrolled: bool,
    refused: Refused,
) -> Result<TotpPage, AppError> {
    Ok(TotpPage {
        layout: ctx.layout(state, "totp-title").await,
        enrolled,
        new_secret: None,
        new_uri: None,
        error: refused == Refused::Code,
        recovery_error: refused == Refused::RecoveryCode,
        has_passkeys: state.services.accounts().has_passkeys(u).await?,
    })
}

/// The second step done: home, under the new session's cookie.
fn signed_in(state: &AppState, u: &SessionUser, token: &str) -> axum::response::Response {
    let mut resp = see_other(home_of(u.role));
    resp.headers_mut()
        .append(header::SET_COOKIE, session_cookie(state, token));
    resp
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    ok(&second_step(&state, &ctx, u, u.totp_enabled, Refused::Nothing).await?)
}

pub async fn enrol(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    if u.totp_enabled {
        return Ok(see_other("/logga-in/totp"));
    }
    let e = state.services.accounts().totp_begin(u).await?;
    let page = TotpPage {
        layout: ctx.layout(&state, "totp-enrol-title").await,
        enrolled: false,
        new_secret: Some(e.secret_base32),
        new_uri: Some(e.uri),
        error: false,
        recovery_error: false,
        has_passkeys: false,
    };
    ok(&page)
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let u = ctx.user()?;
    match state
        .services
        .accounts()
        .totp_verify(u, form.get("code"), &ctx.address)
        .await
    {
        Ok(done) if done.recovery_codes.is_empty() => Ok(signed_in(&state, u, &done.token)),
        // Enrolment completed: the recovery codes, once, under the new session.
        Ok(done) => {
            let page = RecoveryCodesPage {
                layout: ctx.layout(&state, "recovery-codes-title").await,
                codes: done.recovery_codes,
                next: home_of(u.role),
            };
            let mut resp = ok(&page)?;
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &done.token));
            Ok(resp)
        }
        Err(ServiceError::Invalid(_)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &second_step(&state, &ctx, u, true, Refused::Code).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// Logs in with a recovery code in place of the authenticator's code.
pub async fn recovery(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let u = ctx.user()?;
    if !u.mfa_pending {
        return Ok(see_other(home_of(u.role)));
    }
    match state
        .services
        .accounts()
        .recovery_login(u, form.get("recovery"), &ctx.address)
        .await
    {
        Ok(token) => Ok(signed_in(&state, u, &token)),
        Err(ServiceError::Invalid(_)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &second_step(&state, &ctx, u, true, Refused::RecoveryCode).await?,
        ),
        Err(e) => Err(e.into()),
    }
}

/// A new set of recovery codes from the account page (the old set stops working).
pub async fn new_codes(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    if !u.totp_enabled {
        return Ok(see_other("/logga-in/totp"));
    }
    let codes = state
        .services
        .accounts()
        .new_recovery_codes(u, &ctx.address)
        .await?;
    ok(&RecoveryCodesPage {
        layout: ctx.layout(&state, "recovery-codes-title").await,
        codes,
        next: "/konto",
    })
}

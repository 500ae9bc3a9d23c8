//! The second factor: enrolling an authenticator and entering its code.

use axum::extract::State;
use axum::http::{StatusCode, header};
use services::ServiceError;
use views::pages::{RecoveryCodesPage, TotpPage};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::home::home_of;
use crate::pages::{PageResult, ok, render, see_other};
use crate::session::session_cookie;

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let page = TotpPage {
        layout: ctx.layout(&state, "totp-title").await,
        enrolled: u.totp_enabled,
        new_secret: None,
        new_uri: None,
        error: false,
        recovery_error: false,
        has_passkeys: state.services.accounts().has_passkeys(u).await?,
    };
    ok(&page)
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
        Ok(done) if done.recovery_codes.is_empty() => {
            let mut resp = see_other(home_of(u.role));
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &done.token));
            Ok(resp)
        }
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
        Err(ServiceError::Invalid(_)) => {
            let page = TotpPage {
                layout: ctx.layout(&state, "totp-title").await,
                enrolled: true,
                new_secret: None,
                new_uri: None,
                error: true,
                recovery_error: false,
                has_passkeys: state.services.accounts().has_passkeys(u).await?,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
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
        Ok(token) => {
            let mut resp = see_other(home_of(u.role));
            resp.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&state, &token));
            Ok(resp)
        }
        Err(ServiceError::Invalid(_)) => {
            let page = TotpPage {
                layout: ctx.layout(&state, "totp-title").await,
                enrolled: true,
                new_secret: None,
                new_uri: None,
                error: false,
                recovery_error: true,
                has_passkeys: state.services.accounts().has_passkeys(u).await?,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
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

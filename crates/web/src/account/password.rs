//! The account page and the password change.

use axum::extract::State;
use axum::http::{StatusCode, header};
use domain::problem::Invalid;
use services::ServiceError;
use views::pages::{AccountPage, FieldError};

use crate::AppState;
use crate::ctx::{Ctx, FormData};
use crate::pages::{PageResult, ok, render, see_other};
use crate::session::clear_session_cookie;

async fn page(state: &AppState, ctx: &Ctx, errors: Vec<FieldError>) -> PageResult {
    let u = ctx.user()?;
    let page = AccountPage {
        layout: ctx.layout(state, "account-title").await,
        username: u.username.clone(),
        role: u.role,
        signed_on: state.services.accounts().signs_on(u).await?,
        is_staff: u.role.is_staff(),
        totp_enabled: u.totp_enabled,
        recovery_codes_left: if u.role.is_staff() && u.totp_enabled {
            Some(state.services.accounts().recovery_codes_left(u).await?)
        } else {
            None
        },
        passkeys: passkey_lines(state, u).await?,
        errors,
    };
    if page.errors.is_empty() {
        ok(&page)
    } else {
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    }
}

/// The member of staff's passkeys as the account page lists them.
async fn passkey_lines(
    state: &AppState,
    u: &services::auth::SessionUser,
) -> Result<Vec<views::pages::PasskeyLine>, crate::error::AppError> {
    if !u.role.is_staff() {
        return Ok(Vec::new());
    }
    let tz = state.services.tz();
    let day =
        |micros: i64| domain::time::civil_date(domain::time::from_micros(micros), tz).to_string();
    Ok(state
        .services
        .accounts()
        .passkeys(u)
        .await?
        .into_iter()
        .map(|p| views::pages::PasskeyLine {
            id: p.id,
            name: p.name,
            added: day(p.created_at),
            used: p.last_used_at.map(day),
        })
        .collect())
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    page(&state, &ctx, Vec::new()).await
}

/// Changes the password; every session of the account ends, this one too.
pub async fn change(State(state): State<AppState>, ctx: Ctx, form: FormData) -> PageResult {
    let u = ctx.user()?;
    let result = state
        .services
        .accounts()
        .change_password(
            u,
            form.get("current_password"),
            form.get("new_password"),
            &ctx.address,
        )
        .await;
    match result {
        Ok(()) => {
            let mut resp = see_other("/logga-in");
            resp.headers_mut()
                .append(header::SET_COOKIE, clear_session_cookie(&state));
            Ok(resp)
        }
        Err(ServiceError::Invalid(Invalid { field, problem })) => {
            let error = FieldError {
                field: field.to_owned(),
                message: views::explain(ctx.lang, &problem),
            };
            page(&state, &ctx, vec![error]).await
        }
        Err(e) => Err(e.into()),
    }
}

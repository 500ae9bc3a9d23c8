//! Passkeys: adding and removing them on the account page, and logging in with one as the
//! second step. The ceremonies are JSON between `/static/passkey.js` and these handlers; the
//! CSRF token travels in the `x-csrf-token` header.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use services::auth::{Answer, PublicKeyCredential, RegisterPublicKeyCredential};

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::home::home_of;
use crate::pages::{PageResult, see_other};
use crate::session::session_cookie;

pub async fn script() -> axum::response::Response {
    crate::pages::script(include_str!("../../../views/static/passkey.js"))
}

/// Begins adding a passkey: the options for `navigator.credentials.create`.
pub async fn register_start(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    let challenge = state.services.accounts().passkey_register_begin(u).await?;
    Ok(Json(challenge).into_response())
}

#[derive(Deserialize)]
pub struct Registration {
    #[serde(flatten)]
    answer: Answer<RegisterPublicKeyCredential>,
    #[serde(default)]
    name: String,
}

/// Finishes adding a passkey.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(r): Json<Registration>,
) -> PageResult {
    let u = ctx.user()?;
    let id = state
        .services
        .accounts()
        .passkey_register_finish(u, &r.answer, &r.name, &ctx.address)
        .await?;
    Ok(Json(serde_json::json!({ "id": id })).into_response())
}

/// Removes one of the user's passkeys.
pub async fn remove(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let u = ctx.user()?;
    state
        .services
        .accounts()
        .remove_passkey(u, id, &ctx.address)
        .await?;
    Ok(see_other("/konto"))
}

/// Begins logging in with a passkey: the options for `navigator.credentials.get`.
pub async fn login_start(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let u = ctx.user()?;
    if !u.mfa_pending {
        return Err(AppError::NotFound);
    }
    let challenge = state.services.accounts().passkey_login_begin(u).await?;
    Ok(Json(challenge).into_response())
}

/// Finishes logging in with a passkey: the full session's cookie, and where to go.
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(answer): Json<Answer<PublicKeyCredential>>,
) -> PageResult {
    let u = ctx.user()?;
    if !u.mfa_pending {
        return Err(AppError::NotFound);
    }
    let token = state
        .services
        .accounts()
        .passkey_login_finish(u, &answer, &ctx.address)
        .await?;
    let mut resp = Json(serde_json::json!({ "next": home_of(u.role) })).into_response();
    resp.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, &token));
    Ok(resp)
}

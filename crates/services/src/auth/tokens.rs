//! API tokens: bearer tokens for staff accounts' integrations, expiring.

use domain::ids::{CustomerId, UserId};
use domain::role::{AccountProblem, Role};

use super::{Accounts, SessionUser, new_token, token_hash};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// Days an API token is good for unless its issuer says otherwise (ASVS 5.0 V7.3: tokens
/// expire); a new one is issued before the old one runs out.
pub const API_TOKEN_DAYS: u32 = 90;
/// The longest an API token may be issued for.
pub const MAX_API_TOKEN_DAYS: u32 = 366;

/// Prefix of API tokens, so a leaked one is recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "bk_";

impl Accounts {
    /// Issues an API token for a staff account, good for [`API_TOKEN_DAYS`]; see
    /// [`Accounts::create_api_token_for`].
    pub async fn create_api_token(&self, username: &str, name: &str) -> Result<String> {
        self.create_api_token_for(username, name, API_TOKEN_DAYS)
            .await
    }

    /// Issues an API token for a staff account, good for `days` (1–366); the token is shown
    /// once and only its hash is stored. Audited, with the day it expires.
    pub async fn create_api_token_for(
        &self,
        username: &str,
        name: &str,
        days: u32,
    ) -> Result<String> {
        if !(1..=MAX_API_TOKEN_DAYS).contains(&days) {
            return Err(ServiceError::invalid(
                "days",
                AccountProblem::TokenLifetime {
                    max: MAX_API_TOKEN_DAYS,
                },
            ));
        }
        let user = store::users::by_username(self.s.store(), username)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "user",
                    AccountProblem::NoSuchAccount {
                        username: username.to_owned(),
                    },
                )
            })?;
        let refusal = if !user.role.is_staff() {
            Some(AccountProblem::TokenForCustomer)
        } else if user.disabled {
            Some(AccountProblem::AccountDisabled)
        } else if user.is_demo {
            Some(AccountProblem::TokenForDemoAccount)
        } else {
            None
        };
        if let Some(p) = refusal {
            return Err(ServiceError::invalid("user", p));
        }
        let token = format!("{API_TOKEN_PREFIX}{}", new_token());
        let now = self.s.now_micros();
        let expires_at = now + i64::from(days) * 86_400_000_000;
        let mut tx = self.s.store().begin().await?;
        let id = store::visits::insert_token(
            &mut tx,
            user.id.get(),
            name.trim(),
            &token_hash(&token),
            now,
            expires_at,
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            &Actor::system(),
            &Event {
                action: "api_token_created",
                object_kind: "user",
                object_id: &user.id.to_string(),
                outcome: Outcome::Success,
                detail: &format!(
                    "token {id}, expires {}",
                    domain::time::from_micros(expires_at)
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The account behind a bearer token, as a session without CSRF (browsers never send a
    /// bearer token on their own, so there is nothing to forge).
    pub async fn api_token_user(&self, token: &str) -> Result<Option<SessionUser>> {
        if !token.starts_with(API_TOKEN_PREFIX) || token.len() > 100 {
            return Ok(None);
        }
        let now = self.s.now_micros();
        let Some(t) = store::visits::token_user(self.s.store(), &token_hash(token), now).await?
        else {
            return Ok(None);
        };
        if t.disabled {
            return Ok(None);
        }
        let role: Role = t
            .role
            .parse()
            .map_err(|e: domain::code::UnknownCode| ServiceError::Internal(e.to_string()))?;
        if !role.is_staff() {
            return Ok(None);
        }
        // Last use is kept to the minute: one write a minute per token, not per request.
        if t.last_used_at.is_none_or(|u| now - u > 60_000_000) {
            let mut tx = self.s.store().begin().await?;
            store::visits::touch_token(&mut tx, t.token_id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(SessionUser {
            session_id: None,
            user_id: UserId::new(t.user_id),
            username: t.username,
            display_name: t.display_name,
            role,
            customer_id: t.customer_id.map(CustomerId::new),
            csrf_token: String::new(),
            mfa_pending: false,
            totp_enabled: true,
        }))
    }
}

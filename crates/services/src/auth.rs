//! Accounts, passwords, sessions, login rate limiting and TOTP.
//!
//! Passwords are hashed with argon2id (m = 47 104 KiB, t = 1, p = 1: an ASVS 5.0 Appendix C row).
//! Session tokens are 256 random bits; only their SHA-256 is stored, so a copy of the database
//! cannot be used to log in. Login answers the same way, in the same time, for unknown accounts.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use domain::role::Role;
use sha2::{Digest, Sha256};
use store::users::UserRow;

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Failed logins per account and per address in a minute before answering 429.
    pub max_failures_per_minute: i64,
    pub min_password_length: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            argon2_memory_kib: 47_104,
            argon2_iterations: 1,
            max_failures_per_minute: 10,
            min_password_length: 12,
        }
    }
}

fn argon2(settings: &AuthSettings) -> Result<Argon2<'static>> {
    let params = Params::new(
        settings.argon2_memory_kib,
        settings.argon2_iterations,
        1,
        None,
    )
    .map_err(|e| ServiceError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password_with(settings: &AuthSettings, password: &str) -> Result<String> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
    Ok(argon2(settings)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))?
        .to_string())
}

fn verify_password(settings: &AuthSettings, hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2(settings).is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A fresh random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The logged-in user as every request sees it.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub session_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    pub csrf_token: String,
    /// Password accepted, second factor still owed: only the TOTP pages are open.
    pub mfa_pending: bool,
    pub totp_enabled: bool,
}

impl SessionUser {
    pub fn actor(&self, address: &str) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            name: self.username.clone(),
            role: Some(self.role),
            customer_id: self.customer_id,
            address: address.to_owned(),
        }
    }
}

/// A session just created: the cookie value goes to the client once and is never stored.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub next: LoginStep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStep {
    Done,
    EnterTotp,
    EnrolTotp,
}

fn role_of(u: &UserRow) -> Result<Role> {
    u.role
        .parse()
        .map_err(|e: domain::code::UnknownCode| ServiceError::Internal(e.to_string()))
}

impl Services {
    /// Checks the password and opens a session. Unknown account, wrong password and disabled
    /// account all answer [`ServiceError::BadCredentials`] after the same work.
    pub async fn login(&self, username: &str, password: &str, address: &str) -> Result<NewSession> {
        let account = username.trim().to_lowercase();
        let now = self.now_micros();
        let settings = &self.settings().auth;
        let (by_account, by_address) =
            store::sessions::recent_failures(self.store(), &account, address, now - 60_000_000)
                .await?;
        if by_account >= settings.max_failures_per_minute
            || by_address >= settings.max_failures_per_minute
        {
            return Err(ServiceError::RateLimited);
        }
        let user = store::users::by_username(self.store(), &account).await?;
        let ok = match &user {
            // Demo accounts work only while the program runs in demo mode.
            Some(u) => {
                verify_password(settings, &u.password_hash, password)
                    && !u.disabled
                    && (!u.is_demo || self.demo_mode())
            }
            None => {
                // Same cost as a real verification; the result is ignored.
                let _ = verify_password(settings, &self.inner.dummy_hash, password);
                false
            }
        };
        let mut tx = self.store().begin().await?;
        let Some(user) = user.filter(|_| ok) else {
            store::sessions::record_failure(&mut tx, &account, address, now).await?;
            let actor = Actor {
                name: account.clone(),
                ..Actor::anonymous(address)
            };
            audit::record(
                &mut tx,
                self,
                &actor,
                &Event {
                    action: "login",
                    object_kind: "user",
                    object_id: &account,
                    outcome: Outcome::Failure,
                    detail: "",
                },
            )
            .await?;
            tx.commit().await?;
            return Err(ServiceError::BadCredentials);
        };
        let role = role_of(&user)?;
        let next = if user.totp_enabled {
            LoginStep::EnterTotp
        } else if role.requires_totp() {
            LoginStep::EnrolTotp
        } else {
            LoginStep::Done
        };
        let token = new_token();
        store::sessions::insert(
            &mut tx,
            &token_hash(&token),
            user.id,
            &new_token(),
            next != LoginStep::Done,
            now,
        )
        .await?;
        let actor = Actor {
            user_id: Some(user.id),
            name: user.username.clone(),
            role: Some(role),
            customer_id: user.customer_id,
            address: address.to_owned(),
        };
        let detail = match next {
            LoginStep::Done => "",
            LoginStep::EnterTotp => "password accepted; totp required",
            LoginStep::EnrolTotp => "password accepted; totp enrolment required",
        };
        audit::record(
            &mut tx,
            self,
            &actor,
            &Event {
                action: "login",
                object_kind: "user",
                object_id: &user.username,
                outcome: Outcome::Success,
                detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewSession { token, next })
    }

    /// The user behind a session cookie, or `None` when the session is unknown, expired or the
    /// account is disabled. Expired sessions are deleted.
    pub async fn session_user(&self, token: &str) -> Result<Option<SessionUser>> {
        let Some(s) = store::sessions::with_user(self.store(), &token_hash(token)).await? else {
            return Ok(None);
        };
        let role: Role = s
            .role
            .parse()
            .map_err(|e: domain::code::UnknownCode| ServiceError::Internal(e.to_string()))?;
        let now = self.now_micros();
        let idle = micros(role.session_idle());
        let absolute = micros(role.session_absolute());
        if s.disabled || now - s.last_seen_at > idle || now - s.created_at > absolute {
            let mut tx = self.store().begin().await?;
            store::sessions::delete(&mut tx, s.id).await?;
            tx.commit().await?;
            return Ok(None);
        }
        // Refresh the idle clock at most once a minute: one write per minute, not per request.
        if now - s.last_seen_at > 60_000_000 {
            let mut tx = self.store().begin().await?;
            store::sessions::touch(&mut tx, s.id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(SessionUser {
            session_id: s.id,
            user_id: s.user_id,
            username: s.username,
            display_name: s.display_name,
            role,
            customer_id: s.customer_id,
            csrf_token: s.csrf_token,
            mfa_pending: s.mfa_pending,
            totp_enabled: s.totp_enabled,
        }))
    }

    pub async fn logout(&self, user: &SessionUser, address: &str) -> Result<()> {
        let mut tx = self.store().begin().await?;
        store::sessions::delete(&mut tx, user.session_id).await?;
        audit::record(
            &mut tx,
            self,
            &user.actor(address),
            &Event {
                action: "logout",
                object_kind: "user",
                object_id: &user.username,
                outcome: Outcome::Success,
                detail: "",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the password and ends every session of the account, this one included.
    pub async fn change_password(
        &self,
        user: &SessionUser,
        old: &str,
        new: &str,
        address: &str,
    ) -> Result<()> {
        let settings = &self.settings().auth;
        let row = store::users::by_id(self.store(), user.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !verify_password(settings, &row.password_hash, old) {
            return Err(ServiceError::invalid(
                "current_password",
                "the current password is wrong",
            ));
        }
        let len = new.chars().count();
        if len < settings.min_password_length {
            return Err(ServiceError::invalid(
                "new_password",
                format!("use at least {} characters", settings.min_password_length),
            ));
        }
        if len > 256 {
            return Err(ServiceError::invalid(
                "new_password",
                "use at most 256 characters",
            ));
        }
        if new == old {
            return Err(ServiceError::invalid(
                "new_password",
                "choose a password different from the current one",
            ));
        }
        let hash = hash_password_with(settings, new)?;
        let mut tx = self.store().begin().await?;
        store::users::set_password(&mut tx, user.user_id, &hash, self.now_micros()).await?;
        let ended = store::sessions::delete_for_user(&mut tx, user.user_id).await?;
        audit::record(
            &mut tx,
            self,
            &user.actor(address),
            &Event {
                action: "password_change",
                object_kind: "user",
                object_id: &user.username,
                outcome: Outcome::Success,
                detail: &format!("{ended} sessions ended"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an account. Used by the demo, `beredskap user create` and the admin pages.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        customer_id: Option<i64>,
        password: &str,
        is_demo: bool,
    ) -> Result<i64> {
        let username = username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(ServiceError::invalid(
                "username",
                "use 1–64 characters a–z, 0–9, '.', '_' or '-'",
            ));
        }
        if (role == Role::Customer) != customer_id.is_some() {
            return Err(ServiceError::invalid(
                "customer",
                "a customer account needs a customer, and only a customer account has one",
            ));
        }
        if !is_demo && password.chars().count() < self.settings().auth.min_password_length {
            return Err(ServiceError::invalid(
                "password",
                format!(
                    "use at least {} characters",
                    self.settings().auth.min_password_length
                ),
            ));
        }
        let hash = hash_password_with(&self.settings().auth, password)?;
        let mut tx = self.store().begin().await?;
        let id = store::users::insert(
            &mut tx,
            &store::users::NewUser {
                username: &username,
                display_name,
                role: role.as_str(),
                customer_id,
                password_hash: &hash,
                is_demo,
                now: self.now_micros(),
            },
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("username") {
                ServiceError::conflict(format!("user {username} exists"))
            } else {
                e.into()
            }
        })?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an account's role (admin only); the change and who made it are audited, and the
    /// account's sessions end so the new role applies at once.
    pub async fn set_role(
        &self,
        admin: &SessionUser,
        user_id: i64,
        role: Role,
        address: &str,
    ) -> Result<()> {
        if admin.role != Role::Admin {
            return Err(ServiceError::Forbidden);
        }
        let target = store::users::by_id(self.store(), user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let old = role_of(&target)?;
        if (role == Role::Customer) != target.customer_id.is_some() {
            return Err(ServiceError::invalid(
                "role",
                "customer accounts stay customers, and staff cannot become customers",
            ));
        }
        let mut tx = self.store().begin().await?;
        store::users::set_role(&mut tx, user_id, role.as_str()).await?;
        store::sessions::delete_for_user(&mut tx, user_id).await?;
        audit::record(
            &mut tx,
            self,
            &admin.actor(address),
            &Event {
                action: "role_change",
                object_kind: "user",
                object_id: &target.username,
                outcome: Outcome::Success,
                detail: &format!("{old} -> {role}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of an account (admin only).
    pub async fn end_sessions(
        &self,
        admin: &SessionUser,
        user_id: i64,
        address: &str,
    ) -> Result<u64> {
        if admin.role != Role::Admin {
            return Err(ServiceError::Forbidden);
        }
        let target = store::users::by_id(self.store(), user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.store().begin().await?;
        let n = store::sessions::delete_for_user(&mut tx, user_id).await?;
        audit::record(
            &mut tx,
            self,
            &admin.actor(address),
            &Event {
                action: "sessions_ended",
                object_kind: "user",
                object_id: &target.username,
                outcome: Outcome::Success,
                detail: &format!("{n} sessions"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    pub async fn users(&self) -> Result<Vec<UserRow>> {
        Ok(store::users::list(self.store()).await?)
    }

    /// Starts TOTP enrolment: a new secret, shown once as an otpauth URI and in base32.
    pub async fn totp_begin(&self, user: &SessionUser) -> Result<TotpEnrolment> {
        let secret: [u8; 20] = rand::random();
        let totp = make_totp(secret.to_vec(), &user.username)?;
        let encoded = totp.get_secret_base32();
        let mut tx = self.store().begin().await?;
        store::users::set_totp(&mut tx, user.user_id, Some(&encoded), false).await?;
        tx.commit().await?;
        Ok(TotpEnrolment {
            secret_base32: encoded,
            uri: totp.get_url(),
        })
    }

    /// Checks a code: completes enrolment or the second step of login, and rotates the session
    /// (a new token) so the pre-MFA token is dead.
    pub async fn totp_verify(
        &self,
        user: &SessionUser,
        code: &str,
        address: &str,
    ) -> Result<String> {
        let row = store::users::by_id(self.store(), user.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let secret = row
            .totp_secret
            .clone()
            .ok_or_else(|| ServiceError::invalid("code", "start enrolment first"))?;
        let bytes = totp_rs::Secret::Encoded(secret)
            .to_bytes()
            .map_err(|e| ServiceError::Internal(format!("stored totp secret: {e:?}")))?;
        let totp = make_totp(bytes, &user.username)?;
        let now = self.now().as_second().max(0) as u64;
        let code = code.trim().replace(' ', "");
        // The step the code belongs to (one step of clock skew either way).
        let step = (code.len() == 6)
            .then(|| {
                [now.saturating_sub(TOTP_STEP), now, now + TOTP_STEP]
                    .into_iter()
                    .find(|t| constant_time_eq(totp.generate(*t).as_bytes(), code.as_bytes()))
                    .map(|t| (t / TOTP_STEP) as i64)
            })
            .flatten();
        let mut tx = self.store().begin().await?;
        // A code is good once: a step at or before the last one accepted is a replay.
        let ok = match step {
            Some(step) => store::users::use_totp_step(&mut tx, user.user_id, step).await? == 1,
            None => false,
        };
        audit::record(
            &mut tx,
            self,
            &user.actor(address),
            &Event {
                action: if row.totp_enabled {
                    "totp_login"
                } else {
                    "totp_enrol"
                },
                object_kind: "user",
                object_id: &user.username,
                outcome: if ok {
                    Outcome::Success
                } else {
                    Outcome::Failure
                },
                detail: "",
            },
        )
        .await?;
        if !ok {
            store::sessions::record_failure(&mut tx, &user.username, address, self.now_micros())
                .await?;
            tx.commit().await?;
            return Err(ServiceError::invalid(
                "code",
                "the code is wrong or has expired; enter the current 6-digit code",
            ));
        }
        if !row.totp_enabled {
            store::users::set_totp(&mut tx, user.user_id, row.totp_secret.as_deref(), true).await?;
        }
        store::sessions::delete(&mut tx, user.session_id).await?;
        let token = new_token();
        store::sessions::insert(
            &mut tx,
            &token_hash(&token),
            user.user_id,
            &new_token(),
            false,
            self.now_micros(),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The current code for a stored secret (tests and the demo's printed hint use it).
    pub fn totp_code_for(&self, secret_base32: &str, username: &str) -> Result<String> {
        let bytes = totp_rs::Secret::Encoded(secret_base32.to_owned())
            .to_bytes()
            .map_err(|e| ServiceError::Internal(format!("totp secret: {e:?}")))?;
        Ok(make_totp(bytes, username)?.generate(self.now().as_second().max(0) as u64))
    }
}

#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret_base32: String,
    pub uri: String,
}

/// Seconds per TOTP step.
const TOTP_STEP: u64 = 30;

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn make_totp(secret: Vec<u8>, username: &str) -> Result<totp_rs::TOTP> {
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        TOTP_STEP,
        secret,
        Some("Beredskap".into()),
        username.replace(':', "_"),
    )
    .map_err(|e| ServiceError::Internal(format!("totp: {e}")))
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// Prefix of API tokens, so a leaked one is recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "bk_";

impl Services {
    /// Issues an API token for a staff account; the token is shown once and only its hash is
    /// stored. Audited.
    pub async fn create_api_token(&self, username: &str, name: &str) -> Result<String> {
        let user = store::users::by_username(self.store(), username)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("user", format!("no account named {username:?}"))
            })?;
        let role: Role = user
            .role
            .parse()
            .map_err(|e: domain::code::UnknownCode| ServiceError::Internal(e.to_string()))?;
        if !role.is_staff() {
            return Err(ServiceError::invalid(
                "user",
                "API tokens are for staff accounts; customers use the portal",
            ));
        }
        if user.disabled {
            return Err(ServiceError::invalid("user", "the account is disabled"));
        }
        if user.is_demo {
            return Err(ServiceError::invalid(
                "user",
                "demo accounts cannot have API tokens; create an account with `beredskap user create`",
            ));
        }
        let token = format!("{API_TOKEN_PREFIX}{}", new_token());
        let mut tx = self.store().begin().await?;
        let id = store::visits::insert_token(
            &mut tx,
            user.id,
            name.trim(),
            &token_hash(&token),
            self.now_micros(),
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            &Actor::system(),
            &Event {
                action: "api_token_created",
                object_kind: "user",
                object_id: &user.id.to_string(),
                outcome: Outcome::Success,
                detail: &format!("token {id}"),
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
        let Some(t) = store::visits::token_user(self.store(), &token_hash(token)).await? else {
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
        let now = self.now_micros();
        // Last use is kept to the minute: one write a minute per token, not per request.
        if t.last_used_at.is_none_or(|u| now - u > 60_000_000) {
            let mut tx = self.store().begin().await?;
            store::visits::touch_token(&mut tx, t.token_id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(SessionUser {
            session_id: 0,
            user_id: t.user_id,
            username: t.username,
            display_name: t.display_name,
            role,
            customer_id: t.customer_id,
            csrf_token: String::new(),
            mfa_pending: false,
            totp_enabled: true,
        }))
    }
}

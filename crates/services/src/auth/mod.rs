//! Accounts (`services.accounts()`): passwords, sessions, login rate limiting, TOTP, roles and
//! API tokens.
//!
//! Passwords are hashed with argon2id (m = 47 104 KiB, t = 1, p = 1: an ASVS 5.0 Appendix C row).
//! Session tokens are 256 random bits; only their SHA-256 is stored, so a copy of the database
//! cannot be used to log in. Login answers the same way, in the same time, for unknown accounts.

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use domain::ids::{CustomerId, SessionId, UserId};
use domain::role::{AccountProblem, Role};
use sha2::{Digest, Sha256};
use store::users::UserRow;

use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Actor, Services};

mod passkeys;
mod second_factor;
mod sign_on;
mod tokens;

pub use passkeys::{Answer, CEREMONY_MICROS, Challenge, PasskeyInfo};
/// The browser's answers in a passkey ceremony, as WebAuthn's JSON.
pub use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

pub use second_factor::{
    PENDING_SECOND_FACTOR_MICROS, RECOVERY_CODES, SecondFactorDone, TOTP_FAILURES_PER_HOUR,
    TOTP_TRIES_PER_LOGIN, TotpEnrolment,
};
pub use sign_on::{
    Callback, ClaimRules, NO_PASSWORD, OtherClaims, ProviderSettings, SIGN_ON_MICROS,
    SignOnSettings, SignOnStart, amr_satisfies, parse_role_rules, role_from_claims,
};
pub use tokens::{API_TOKEN_DAYS, API_TOKEN_PREFIX, MAX_API_TOKEN_DAYS};

/// Who may do what with accounts, declared once: the route table and the checks below read
/// these.
pub mod roles {
    use domain::role::Role;

    /// Every member of staff (the staff home page, the staff API).
    pub const STAFF: &[Role] = &Role::STAFF;
    /// The customer's own pages.
    pub const CUSTOMER: &[Role] = &[Role::Customer];
    /// Accounts and roles, the audit log.
    pub const ADMIN: &[Role] = &[Role::Admin];
}

/// The accounts handle: `services.accounts()`.
#[derive(Clone)]
pub struct Accounts {
    s: Services,
}

impl Accounts {
    pub(crate) fn new(s: Services) -> Accounts {
        Accounts { s }
    }
}

/// Longest password accepted (argon2 hashes any length; a limit keeps a request cheap).
const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Failed logins per account and per address in a minute before answering 429.
    pub max_failures_per_minute: i64,
    /// Failed logins per account in an hour before answering 429 (ASVS 4.0 2.2.1: at most 100).
    pub max_failures_per_hour: i64,
    pub min_password_length: usize,
    /// Bookings and waitlist places the public page takes from one client address in an hour
    /// (`auth.public_bookings_per_hour`; see `visits::limits`).
    pub public_bookings_per_hour: i64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            argon2_memory_kib: 47_104,
            argon2_iterations: 1,
            max_failures_per_minute: 10,
            max_failures_per_hour: 100,
            min_password_length: 12,
            public_bookings_per_hour: 20,
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

pub(crate) fn verify_password(settings: &AuthSettings, hash: &str, password: &str) -> bool {
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
    /// `None` for a bearer token, which has no session.
    pub session_id: Option<SessionId>,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub customer_id: Option<CustomerId>,
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

impl Accounts {
    /// Checks the password and opens a session. Unknown account, wrong password and disabled
    /// account all answer [`ServiceError::BadCredentials`] after the same work.
    pub async fn login(&self, username: &str, password: &str, address: &str) -> Result<NewSession> {
        let account = username.trim().to_lowercase();
        let Some(limits) = self.count_attempt(&account, address).await? else {
            return Err(ServiceError::RateLimited);
        };
        let user = store::users::by_username(self.s.store(), &account).await?;
        // Unknown accounts cost the same work: the result for the dummy hash is ignored.
        let hash = user
            .as_ref()
            .map_or(self.s.dummy_hash(), |u| u.password_hash.as_str());
        let verified = self.s.verify_password(hash, password).await;
        let ok = match &user {
            // Demo accounts work only while the program runs in demo mode.
            Some(u) => verified && !u.disabled && (!u.is_demo || self.s.demo_mode()),
            None => false,
        };
        match user.filter(|_| ok) {
            Some(user) => {
                self.forgive_attempt(&limits).await?;
                self.open_session(user, address).await
            }
            None => {
                self.record_failed_login(&account, address).await?;
                Err(ServiceError::BadCredentials)
            }
        }
    }

    /// Counts a login attempt against every limit before the password is checked, in one
    /// write transaction: of a burst of parallel attempts only the first few reach argon2.
    /// `None` when a limit is reached; that attempt is taken back in the same transaction
    /// (refused unchecked, it costs nothing and does not count towards the next window).
    async fn count_attempt(&self, account: &str, address: &str) -> Result<Option<Attempt>> {
        let now = self.s.now_micros();
        let attempt = Attempt {
            keys: Attempt::keys(account, address),
        };
        let mut tx = self.s.store().begin().await?;
        let mut counts = [0; 3];
        for (count, (key, window)) in counts.iter_mut().zip(&attempt.keys) {
            *count = store::sessions::count_attempt(&mut tx, key, now, *window).await?;
        }
        let admitted = Attempt::admitted(counts, &self.s.settings().auth);
        if !admitted {
            attempt.forgive(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(admitted.then_some(attempt))
    }

    /// A successful login's attempt is taken back: only failed checks count.
    async fn forgive_attempt(&self, attempt: &Attempt) -> Result<()> {
        let mut tx = self.s.store().begin().await?;
        attempt.forgive(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_failed_login(&self, account: &str, address: &str) -> Result<()> {
        let mut tx = self.s.store().begin().await?;
        store::sessions::record_failure(&mut tx, account, address, self.s.now_micros()).await?;
        let actor = Actor {
            name: account.to_owned(),
            ..Actor::anonymous(address)
        };
        audit::record(
            &mut tx,
            &self.s,
            &actor,
            &Event {
                action: "login",
                object_kind: "user",
                object_id: account,
                outcome: Outcome::Failure,
                detail: "",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The password was right: a session, owing the second factor when the account has one
    /// (or must enrol one).
    async fn open_session(&self, user: UserRow, address: &str) -> Result<NewSession> {
        let now = self.s.now_micros();
        let role = user.role;
        let mut tx = self.s.store().begin().await?;
        // Every member of staff has a second factor. The demo's accounts other than the
        // administrator are let in with the password alone, so a newcomer can look around; they
        // work only in demo mode, on a database made for the demo.
        let demo_pass = user.is_demo && self.s.demo_mode() && role != Role::Admin;
        let has_passkeys = store::users::has_passkeys(self.s.store(), user.id).await?;
        let next = if user.totp_enabled || has_passkeys {
            LoginStep::EnterTotp
        } else if role.requires_second_factor() && !demo_pass {
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
        let detail = match next {
            LoginStep::Done => "",
            LoginStep::EnterTotp => "password accepted; totp required",
            LoginStep::EnrolTotp => "password accepted; totp enrolment required",
        };
        self.audit_login(&mut tx, &user, address, detail).await?;
        tx.commit().await?;
        Ok(NewSession { token, next })
    }

    /// A successful login (or its first step) in the audit log, as the account itself.
    pub(super) async fn audit_login(
        &self,
        tx: &mut store::Tx,
        user: &UserRow,
        address: &str,
        detail: &str,
    ) -> Result<()> {
        let actor = Actor {
            user_id: Some(user.id),
            name: user.username.clone(),
            role: Some(user.role),
            customer_id: user.customer_id,
            address: address.to_owned(),
        };
        audit::record(
            tx,
            &self.s,
            &actor,
            &Event {
                action: "login",
                object_kind: "user",
                object_id: &user.username,
                outcome: Outcome::Success,
                detail,
            },
        )
        .await
    }

    /// The user behind a session cookie, or `None` when the session is unknown, expired or the
    /// account is disabled. Expired sessions are deleted.
    pub async fn session_user(&self, token: &str) -> Result<Option<SessionUser>> {
        let Some(s) = store::sessions::with_user(self.s.store(), &token_hash(token)).await? else {
            return Ok(None);
        };
        let role = s.role;
        let now = self.s.now_micros();
        let idle = micros(role.session_idle());
        let absolute = micros(role.session_absolute());
        let pending_too_long = s.mfa_pending && now - s.created_at > PENDING_SECOND_FACTOR_MICROS;
        // A demo account's session made while the program ran in demo mode ends when it runs
        // for real (a restart into production with the demo database still in place).
        let demo_outside_demo = s.is_demo && !self.s.demo_mode();
        if s.disabled
            || demo_outside_demo
            || now - s.last_seen_at > idle
            || now - s.created_at > absolute
            || pending_too_long
        {
            let mut tx = self.s.store().begin().await?;
            store::sessions::delete(&mut tx, s.id).await?;
            tx.commit().await?;
            return Ok(None);
        }
        // Refresh the idle clock at most once a minute: one write per minute, not per request.
        if now - s.last_seen_at > 60_000_000 {
            let mut tx = self.s.store().begin().await?;
            store::sessions::touch(&mut tx, s.id, now).await?;
            tx.commit().await?;
        }
        Ok(Some(SessionUser {
            session_id: Some(s.id),
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
        let mut tx = self.s.store().begin().await?;
        if let Some(session) = user.session_id {
            store::sessions::delete(&mut tx, session).await?;
        }
        audit::record(
            &mut tx,
            &self.s,
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
        let settings = &self.s.settings().auth;
        let row = store::users::by_id(self.s.store(), user.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // A wrong current password counts as a failed login of the account: someone at an
        // unlocked screen cannot try passwords here without limit, and each try is audited.
        let now = self.s.now_micros();
        let (by_account, _) = store::sessions::recent_failures(
            self.s.store(),
            &user.username,
            address,
            now - 60_000_000,
        )
        .await?;
        if by_account >= settings.max_failures_per_minute {
            return Err(ServiceError::RateLimited);
        }
        if !self.s.verify_password(&row.password_hash, old).await {
            let mut tx = self.s.store().begin().await?;
            store::sessions::record_failure(&mut tx, &user.username, address, now).await?;
            let event = Event {
                action: "password_change",
                object_kind: "user",
                object_id: &user.username,
                outcome: Outcome::Failure,
                detail: "wrong current password",
            };
            audit::record(&mut tx, &self.s, &user.actor(address), &event).await?;
            tx.commit().await?;
            return Err(ServiceError::invalid(
                "current_password",
                AccountProblem::WrongPassword,
            ));
        }
        check_new_password(settings, new, &[&user.username, &user.display_name])
            .map_err(|p| ServiceError::invalid("new_password", p))?;
        if new == old {
            return Err(ServiceError::invalid(
                "new_password",
                AccountProblem::PasswordUnchanged,
            ));
        }
        let hash = hash_password_with(settings, new)?;
        let mut tx = self.s.store().begin().await?;
        store::users::set_password(&mut tx, user.user_id, &hash, self.s.now_micros()).await?;
        let ended = store::sessions::delete_for_user(&mut tx, user.user_id).await?;
        audit::record(
            &mut tx,
            &self.s,
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
        customer_id: Option<CustomerId>,
        password: &str,
        is_demo: bool,
    ) -> Result<UserId> {
        let username = username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(ServiceError::invalid(
                "username",
                AccountProblem::BadUsername,
            ));
        }
        if (role == Role::Customer) != customer_id.is_some() {
            return Err(ServiceError::invalid(
                "customer",
                AccountProblem::CustomerMismatch,
            ));
        }
        let settings = &self.s.settings().auth;
        if !is_demo {
            check_new_password(settings, password, &[&username, display_name])
                .map_err(|p| ServiceError::invalid("password", p))?;
        }
        let hash = hash_password_with(settings, password)?;
        let mut tx = self.s.store().begin().await?;
        let id = store::users::insert(
            &mut tx,
            &store::users::NewUser {
                username: &username,
                display_name,
                role,
                customer_id,
                password_hash: &hash,
                is_demo,
                now: self.s.now_micros(),
            },
        )
        .await
        .map_err(|e| {
            if e.is_conflict_on("username") {
                ServiceError::conflict(AccountProblem::UsernameTaken {
                    username: username.clone(),
                })
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
        user_id: UserId,
        role: Role,
        address: &str,
    ) -> Result<()> {
        require(admin, roles::ADMIN)?;
        let target = store::users::by_id(self.s.store(), user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let old = target.role;
        if (role == Role::Customer) != target.customer_id.is_some() {
            return Err(ServiceError::invalid(
                "role",
                AccountProblem::RoleAcrossKinds,
            ));
        }
        let mut tx = self.s.store().begin().await?;
        store::users::set_role(&mut tx, user_id, role).await?;
        store::sessions::delete_for_user(&mut tx, user_id).await?;
        audit::record(
            &mut tx,
            &self.s,
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
        user_id: UserId,
        address: &str,
    ) -> Result<u64> {
        require(admin, roles::ADMIN)?;
        let target = store::users::by_id(self.s.store(), user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut tx = self.s.store().begin().await?;
        let n = store::sessions::delete_for_user(&mut tx, user_id).await?;
        audit::record(
            &mut tx,
            &self.s,
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

    /// Every account (admin only).
    pub async fn users(&self, admin: &SessionUser) -> Result<Vec<UserRow>> {
        require(admin, roles::ADMIN)?;
        Ok(store::users::list(self.s.store()).await?)
    }

    /// Deletes dead sessions (idle or too old for every role) and failed-login records older
    /// than the rate limit looks back; returns how many sessions went.
    pub async fn prune_sessions(&self) -> Result<u64> {
        let now = self.s.now_micros();
        let longest_idle = Role::ALL.iter().map(|r| r.session_idle()).max();
        let longest_life = Role::ALL.iter().map(|r| r.session_absolute()).max();
        let mut tx = self.s.store().begin().await?;
        let n = store::sessions::delete_older_than(
            &mut tx,
            now - micros(longest_idle.unwrap_or_default()),
            now - micros(longest_life.unwrap_or_default()),
        )
        .await?;
        store::sessions::prune_failures(&mut tx, now - 3_600_000_000).await?;
        // Counters run over an hour (logins) or a day (meter bookings).
        store::sessions::prune_attempts(&mut tx, now - 24 * 3_600_000_000).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// A login attempt as the limits counted it: per account and per address in a minute, per
/// account in an hour.
struct Attempt {
    keys: [(String, i64); 3],
}

impl Attempt {
    fn keys(account: &str, address: &str) -> [(String, i64); 3] {
        const MINUTE: i64 = 60_000_000;
        [
            (format!("account:{account}"), MINUTE),
            (format!("address:{address}"), MINUTE),
            (format!("account-hour:{account}"), 60 * MINUTE),
        ]
    }

    fn admitted(counts: [i64; 3], settings: &AuthSettings) -> bool {
        let [account, address, hour] = counts;
        account <= settings.max_failures_per_minute
            && address <= settings.max_failures_per_minute
            && hour <= settings.max_failures_per_hour
    }

    async fn forgive(&self, tx: &mut store::Tx) -> Result<()> {
        for (key, _) in &self.keys {
            store::sessions::forgive_attempt(tx, key).await?;
        }
        Ok(())
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The rules for a new password: its length, and not easy to guess (ASVS 5.0 6.2.4 and 6.2.11:
/// not among the commonly used passwords, nor built from the account's own names). zxcvbn
/// checks it against its lists of common passwords, words and names and against keyboard
/// rows, repeats, sequences and dates; a password it reckons takes fewer than a million
/// guesses (score 0–1: every common password is among them) is refused. With the login limits
/// and argon2, that is what an online attack can try. Nothing about which characters to use is
/// required (6.2.5).
fn check_new_password(
    settings: &AuthSettings,
    password: &str,
    own_words: &[&str],
) -> Result<(), AccountProblem> {
    let len = password.chars().count();
    if len < settings.min_password_length {
        return Err(AccountProblem::PasswordTooShort {
            min: settings.min_password_length,
        });
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(AccountProblem::PasswordTooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    // The names word by word and run together ("annaandersson"), as people write them.
    let mut words: Vec<String> = vec!["beredskap".into(), "karlskoga".into()];
    for w in own_words {
        let w = w.to_lowercase();
        words.extend(w.split_whitespace().map(str::to_owned));
        words.push(w.split_whitespace().collect());
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if zxcvbn::zxcvbn(password, &words).score() < zxcvbn::Score::Two {
        return Err(AccountProblem::EasyPassword);
    }
    Ok(())
}

fn require(user: &SessionUser, allowed: &[Role]) -> Result<()> {
    if allowed.contains(&user.role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

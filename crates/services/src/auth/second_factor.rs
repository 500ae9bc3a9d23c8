//! The second factor: TOTP enrolment and codes, and recovery codes for a member of staff
//! without their phone.

use domain::ids::UserId;
use domain::role::AccountProblem;

use super::{Accounts, SessionUser, new_token, token_hash};
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_read_as_printed_and_as_typed() {
        let c = new_code();
        assert_eq!(c.len(), 16);
        let printed = format_code(&c);
        assert_eq!(printed.len(), 19);
        assert_eq!(normalise_code(&printed).as_deref(), Some(c.as_str()));
        assert_eq!(
            normalise_code(&printed.to_uppercase().replace('-', " ")).as_deref(),
            Some(c.as_str())
        );
        assert_eq!(
            normalise_code("abcd-efgh-jkmn-pqr0"),
            None,
            "no 0 in the alphabet"
        );
        assert_eq!(normalise_code("abcd"), None);
    }
}

impl Accounts {
    /// Starts TOTP enrolment: a new secret, shown once as an otpauth URI and in base32.
    pub async fn totp_begin(&self, user: &SessionUser) -> Result<TotpEnrolment> {
        let secret: [u8; 20] = rand::random();
        let totp = make_totp(secret.to_vec(), &user.username)?;
        let encoded = totp.get_secret_base32();
        let sealed = crate::keys::seal_text(
            self.s.security_keys(),
            &totp_context(user.user_id),
            &encoded,
        )?;
        let mut tx = self.s.store().begin().await?;
        store::users::set_totp(&mut tx, user.user_id, Some(&sealed), false).await?;
        tx.commit().await?;
        Ok(TotpEnrolment {
            secret_base32: encoded,
            uri: totp.get_url(),
        })
    }

    /// Checks a code: completes enrolment or the second step of login, and rotates the session
    /// (a new token) so the pre-MFA token is dead. Completing enrolment issues the account's
    /// recovery codes, shown once.
    pub async fn totp_verify(
        &self,
        user: &SessionUser,
        code: &str,
        address: &str,
    ) -> Result<SecondFactorDone> {
        let row = store::users::by_id(self.s.store(), user.user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let stored = row
            .totp_secret
            .clone()
            .ok_or_else(|| ServiceError::invalid("code", AccountProblem::TotpNotStarted))?;
        let keys = self.s.security_keys();
        let secret = crate::keys::open_text(keys, &totp_context(user.user_id), &stored)?;
        let bytes = totp_rs::Secret::Encoded(secret.clone())
            .to_bytes()
            .map_err(|e| ServiceError::Internal(format!("stored totp secret: {e:?}")))?;
        let totp = make_totp(bytes, &user.username)?;
        let now = self.s.now().as_second().max(0) as u64;
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
        let mut tx = self.s.store().begin().await?;
        if let Err(e) = self.may_try_code(&mut tx, user).await {
            tx.commit().await?;
            return Err(e);
        }
        // A code is good once: a step at or before the last one accepted is a replay.
        let ok = match step {
            Some(step) => store::users::use_totp_step(&mut tx, user.user_id, step).await? == 1,
            None => false,
        };
        let action = if row.totp_enabled {
            "totp_login"
        } else {
            "totp_enrol"
        };
        self.audit_own(&mut tx, user, address, (action, ok), "")
            .await?;
        if !ok {
            store::sessions::record_failure(&mut tx, &user.username, address, self.s.now_micros())
                .await?;
            tx.commit().await?;
            return Err(ServiceError::invalid("code", AccountProblem::TotpWrongCode));
        }
        // Enrolment completes; a secret kept plain or under an older key is sealed anew.
        if !row.totp_enabled || !crate::keys::sealed_under_active(keys, &stored) {
            let sealed = crate::keys::seal_text(keys, &totp_context(user.user_id), &secret)?;
            store::users::set_totp(&mut tx, user.user_id, Some(&sealed), true).await?;
        }
        let token = self.rotate_session(&mut tx, user).await?;
        tx.commit().await?;
        let recovery_codes = if row.totp_enabled {
            Vec::new()
        } else {
            self.issue_recovery_codes(user, address).await?
        };
        Ok(SecondFactorDone {
            token,
            recovery_codes,
        })
    }

    /// Records an event of the user's own second factor: `(action, succeeded)` and a detail.
    pub(super) async fn audit_own(
        &self,
        tx: &mut store::Tx,
        user: &SessionUser,
        address: &str,
        (action, ok): (&str, bool),
        detail: &str,
    ) -> Result<()> {
        audit::record(
            tx,
            &self.s,
            &user.actor(address),
            &Event {
                action,
                object_kind: "user",
                object_id: &user.username,
                outcome: if ok {
                    Outcome::Success
                } else {
                    Outcome::Failure
                },
                detail,
            },
        )
        .await
    }

    /// The half-open session ends and a full one begins, under a new token (the cookie that
    /// carried the password step is dead).
    pub(super) async fn rotate_session(
        &self,
        tx: &mut store::Tx,
        user: &SessionUser,
    ) -> Result<String> {
        if let Some(session) = user.session_id {
            store::sessions::delete(tx, session).await?;
        }
        let token = new_token();
        store::sessions::insert(
            tx,
            &token_hash(&token),
            user.user_id,
            &new_token(),
            false,
            self.s.now_micros(),
        )
        .await?;
        Ok(token)
    }

    /// Logs in with a recovery code instead of the authenticator's code (the phone is lost or
    /// flat): the code is used up, the same limits apply as to TOTP codes, and the account's
    /// administrators can see it in the audit log. Returns the new session's token.
    pub async fn recovery_login(
        &self,
        user: &SessionUser,
        code: &str,
        address: &str,
    ) -> Result<String> {
        let wrong = || ServiceError::invalid("recovery", AccountProblem::RecoveryCodeWrong);
        let mut tx = self.s.store().begin().await?;
        if let Err(e) = self.may_try_code(&mut tx, user).await {
            tx.commit().await?;
            return Err(e);
        }
        tx.commit().await?;
        // A code is 16 characters from a 31-letter alphabet (79 bits); the first four find its
        // row, the rest is checked against its argon2 hash, outside any transaction.
        let found = match normalise_code(code) {
            Some(c) => store::users::recovery_code(self.s.store(), user.user_id, &c[..4])
                .await?
                .map(|row| (row, c)),
            None => None,
        };
        let verified = match &found {
            Some(((_, hash), c)) => self.s.verify_password(hash, &c[4..]).await,
            None => {
                // The same work whether or not the lookup matched.
                let _ = self.s.verify_password(self.s.dummy_hash(), code).await;
                false
            }
        };
        let mut tx = self.s.store().begin().await?;
        store::users::lock(&mut tx, user.user_id).await?;
        let ok = match (&found, verified) {
            (Some(((id, _), _)), true) => {
                store::users::use_recovery_code(&mut tx, *id, self.s.now_micros()).await? == 1
            }
            _ => false,
        };
        self.audit_own(&mut tx, user, address, ("recovery_code_login", ok), "")
            .await?;
        if !ok {
            store::sessions::record_failure(&mut tx, &user.username, address, self.s.now_micros())
                .await?;
            tx.commit().await?;
            return Err(wrong());
        }
        let token = self.rotate_session(&mut tx, user).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A new set of recovery codes for a member of staff with a second factor, in place of the
    /// old set (which stops working). Shown once.
    pub async fn new_recovery_codes(
        &self,
        user: &SessionUser,
        address: &str,
    ) -> Result<Vec<String>> {
        if !user.role.is_staff() || user.mfa_pending || !user.totp_enabled {
            return Err(ServiceError::Forbidden);
        }
        self.issue_recovery_codes(user, address).await
    }

    /// How many recovery codes the user has left.
    pub async fn recovery_codes_left(&self, user: &SessionUser) -> Result<i64> {
        Ok(store::users::recovery_codes_left(self.s.store(), user.user_id).await?)
    }

    async fn issue_recovery_codes(&self, user: &SessionUser, address: &str) -> Result<Vec<String>> {
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_code()).collect();
        let mut rows = Vec::with_capacity(codes.len());
        for c in &codes {
            rows.push((c[..4].to_owned(), self.s.hash_password(&c[4..]).await?));
        }
        let mut tx = self.s.store().begin().await?;
        store::users::replace_recovery_codes(&mut tx, user.user_id, &rows, self.s.now_micros())
            .await?;
        self.audit_own(
            &mut tx,
            user,
            address,
            ("recovery_codes_issued", true),
            &format!("{RECOVERY_CODES} codes"),
        )
        .await?;
        tx.commit().await?;
        Ok(codes.iter().map(|c| format_code(c)).collect())
    }

    /// Whether one more code may be tried now: attempts at one account's second factor take
    /// turns (its user row is locked first), so the counts include every earlier attempt from
    /// any server. After [`TOTP_TRIES_PER_LOGIN`] wrong codes the half-open session is ended
    /// (the password is asked again, itself rate limited); after [`TOTP_FAILURES_PER_HOUR`]
    /// failures of the account in an hour, no code is tried until the hour has passed.
    pub(super) async fn may_try_code(&self, tx: &mut store::Tx, user: &SessionUser) -> Result<()> {
        store::users::lock(tx, user.user_id).await?;
        let now = self.s.now_micros();
        let Some(session) = user.session_id else {
            return Err(ServiceError::Forbidden);
        };
        let Some(opened) = store::sessions::created_at(tx, session).await? else {
            return Err(ServiceError::RateLimited);
        };
        let this_login = store::sessions::failures_of(tx, &user.username, opened).await?;
        if this_login >= TOTP_TRIES_PER_LOGIN {
            store::sessions::delete(tx, session).await?;
            return Err(ServiceError::RateLimited);
        }
        let hour = store::sessions::failures_of(tx, &user.username, now - 3_600_000_000).await?;
        if hour >= TOTP_FAILURES_PER_HOUR {
            return Err(ServiceError::RateLimited);
        }
        Ok(())
    }

    /// The current code for a user's secret, as stored (sealed) or as shown at enrolment
    /// (tests and the demo's printed hint use it).
    pub fn totp_code_for(&self, user: UserId, secret: &str) -> Result<String> {
        let secret = crate::keys::open_text(self.s.security_keys(), &totp_context(user), secret)?;
        let bytes = totp_rs::Secret::Encoded(secret)
            .to_bytes()
            .map_err(|e| ServiceError::Internal(format!("totp secret: {e:?}")))?;
        Ok(make_totp(bytes, "")?.generate(self.s.now().as_second().max(0) as u64))
    }
}

/// The second factor accepted: the new session's token, and the recovery codes when this
/// completed enrolment (shown once; empty otherwise).
#[derive(Debug)]
pub struct SecondFactorDone {
    pub token: String,
    pub recovery_codes: Vec<String>,
}

/// Recovery codes an account is given at once.
pub const RECOVERY_CODES: usize = 10;

/// The letters of recovery codes: no 0/o, 1/l/i, so a code read off paper is typed right.
const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn new_code() -> String {
    (0..16)
        .map(|_| CODE_ALPHABET[rand::random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// `abcd-efgh-jkmn-pqrs`: as printed for the person.
fn format_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed (any case, with or without hyphens and spaces), or `None` when it cannot be
/// one.
fn normalise_code(typed: &str) -> Option<String> {
    let c: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (c.len() == 16 && c.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(c)
}

#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret_base32: String,
    pub uri: String,
}

/// What a sealed TOTP secret is bound to: it opens only on its own user's row.
fn totp_context(user: UserId) -> String {
    format!("beredskap:totp:{user}")
}

/// Seconds per TOTP step.
const TOTP_STEP: u64 = 30;

/// Wrong codes a half-open session (password accepted) may send before it is ended.
pub const TOTP_TRIES_PER_LOGIN: i64 = 5;

/// Failed logins and codes of one account in an hour after which no code is tried: with the
/// window of three steps a guess succeeds with odds of 3 in a million, so twenty an hour make a
/// lucky guess a matter of years (ASVS 5.0 V6.3.1).
pub const TOTP_FAILURES_PER_HOUR: i64 = 20;

/// How long a session whose second factor is still owed lives.
pub const PENDING_SECOND_FACTOR_MICROS: i64 = 5 * 60 * 1_000_000;

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

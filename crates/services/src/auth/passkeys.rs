//! Passkeys (WebAuthn, through webauthn-rs): a second factor that cannot be phished, bound to
//! this site's address. A member of staff adds one from the account page (after the first
//! second factor), and from then on may use it instead of the authenticator app's code.
//!
//! Each ceremony (adding a passkey, or logging in with one) is two requests: the first makes
//! a challenge whose state is kept in the database (any server can finish it), the second
//! checks the browser's answer against it. A state is good for [`CEREMONY_MICROS`] and once.
//! The relying party is the host of `http.public_url` (or of the address the server listens on).

use domain::role::AccountProblem;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Url, Uuid,
    Webauthn, WebauthnBuilder,
};

use super::{Accounts, SessionUser};
use crate::error::{Result, ServiceError};

/// How long a challenge may be answered.
pub const CEREMONY_MICROS: i64 = 5 * 60 * 1_000_000;

/// The most characters of a passkey's name ("Jobbdatorn", "YubiKey 5").
const MAX_NAME_CHARS: usize = 60;

const REGISTER: &str = "register";
const AUTHENTICATE: &str = "authenticate";

/// A challenge for the browser: the ceremony to quote back, and the options for
/// `navigator.credentials.create` or `.get` as WebAuthn's JSON.
#[derive(Debug, Serialize)]
pub struct Challenge<T> {
    pub ceremony: i64,
    #[serde(flatten)]
    pub options: T,
}

/// A passkey as its owner sees it on the account page.
#[derive(Debug, Clone)]
pub struct PasskeyInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What the browser sends back: the ceremony and the credential as WebAuthn's JSON.
#[derive(Debug, Deserialize)]
pub struct Answer<T> {
    pub ceremony: i64,
    pub credential: T,
}

impl Accounts {
    /// The relying party: this site as the browser sees it.
    fn webauthn(&self) -> Result<Webauthn> {
        let url = Url::parse(self.s.public_url())
            .map_err(|e| ServiceError::Internal(format!("public url: {e}")))?;
        let host = url
            .host_str()
            .ok_or_else(|| ServiceError::Internal("public url has no host".into()))?
            .to_owned();
        WebauthnBuilder::new(&host, &url)
            .and_then(|b| {
                b.rp_name("Beredskap")
                    .allow_any_port(host == "localhost")
                    .build()
            })
            .map_err(|e| ServiceError::Internal(format!("webauthn: {e:?}")))
    }

    /// The user's handle in WebAuthn: stable, and says nothing but the account's number.
    fn handle(user: &SessionUser) -> Uuid {
        Uuid::from_u64_pair(0x6265_7265_6473_6b61, user.user_id.get() as u64)
    }

    fn passkeys_of(rows: &[store::users::PasskeyRow]) -> Result<Vec<Passkey>> {
        rows.iter()
            .map(|r| {
                serde_json::from_str(&r.credential)
                    .map_err(|e| ServiceError::Internal(format!("stored passkey {}: {e}", r.id)))
            })
            .collect()
    }

    async fn keep_ceremony(&self, user: &SessionUser, kind: &str, state: &str) -> Result<i64> {
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let id = store::users::insert_ceremony(
            &mut tx,
            user.user_id,
            kind,
            state,
            now,
            now - CEREMONY_MICROS,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Begins adding a passkey: a member of staff, fully logged in.
    pub async fn passkey_register_begin(
        &self,
        user: &SessionUser,
    ) -> Result<Challenge<CreationChallengeResponse>> {
        if !user.role.is_staff() || user.mfa_pending || user.session_id.is_none() {
            return Err(ServiceError::Forbidden);
        }
        let existing = store::users::passkeys(self.s.store(), user.user_id).await?;
        let exclude = Self::passkeys_of(&existing)?
            .iter()
            .map(|p| p.cred_id().clone())
            .collect();
        let (options, state) = self
            .webauthn()?
            .start_passkey_registration(
                Self::handle(user),
                &user.username,
                &user.display_name,
                Some(exclude),
            )
            .map_err(|e| ServiceError::Internal(format!("webauthn: {e:?}")))?;
        let state =
            serde_json::to_string(&state).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Challenge {
            ceremony: self.keep_ceremony(user, REGISTER, &state).await?,
            options,
        })
    }

    /// Finishes adding a passkey under a name of the user's choosing. Audited.
    pub async fn passkey_register_finish(
        &self,
        user: &SessionUser,
        answer: &Answer<RegisterPublicKeyCredential>,
        name: &str,
        address: &str,
    ) -> Result<i64> {
        let name = name.trim();
        let name = if name.is_empty() { "Passkey" } else { name };
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(ServiceError::invalid(
                "name",
                AccountProblem::PasskeyName {
                    max: MAX_NAME_CHARS,
                },
            ));
        }
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        let state = store::users::take_ceremony(
            &mut tx,
            user.user_id,
            answer.ceremony,
            REGISTER,
            now - CEREMONY_MICROS,
        )
        .await?;
        tx.commit().await?;
        let state: PasskeyRegistration = state
            .and_then(|s| serde_json::from_str(&s).ok())
            .ok_or_else(|| ServiceError::invalid("passkey", AccountProblem::PasskeyRefused))?;
        let passkey = self
            .webauthn()?
            .finish_passkey_registration(&answer.credential, &state)
            .map_err(|_| ServiceError::invalid("passkey", AccountProblem::PasskeyRefused))?;
        let credential =
            serde_json::to_string(&passkey).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.s.store().begin().await?;
        let id = store::users::insert_passkey(
            &mut tx,
            user.user_id,
            name,
            &{
                use base64::Engine;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(passkey.cred_id())
            },
            &credential,
            now,
        )
        .await?;
        self.audit_own(
            &mut tx,
            user,
            address,
            ("passkey_added", true),
            &format!("passkey {id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Begins logging in with a passkey: the password was right, the second factor is owed.
    pub async fn passkey_login_begin(
        &self,
        user: &SessionUser,
    ) -> Result<Challenge<RequestChallengeResponse>> {
        if !user.mfa_pending {
            return Err(ServiceError::Forbidden);
        }
        let rows = store::users::passkeys(self.s.store(), user.user_id).await?;
        if rows.is_empty() {
            return Err(ServiceError::NotFound);
        }
        let (options, state) = self
            .webauthn()?
            .start_passkey_authentication(&Self::passkeys_of(&rows)?)
            .map_err(|e| ServiceError::Internal(format!("webauthn: {e:?}")))?;
        let state =
            serde_json::to_string(&state).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(Challenge {
            ceremony: self.keep_ceremony(user, AUTHENTICATE, &state).await?,
            options,
        })
    }

    /// Finishes logging in with a passkey: the half-open session ends and a full one begins
    /// (its token returned). The same limits apply as to codes; every attempt is audited.
    pub async fn passkey_login_finish(
        &self,
        user: &SessionUser,
        answer: &Answer<PublicKeyCredential>,
        address: &str,
    ) -> Result<String> {
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        if let Err(e) = self.may_try_code(&mut tx, user).await {
            tx.commit().await?;
            return Err(e);
        }
        let state = store::users::take_ceremony(
            &mut tx,
            user.user_id,
            answer.ceremony,
            AUTHENTICATE,
            now - CEREMONY_MICROS,
        )
        .await?;
        tx.commit().await?;
        let rows = store::users::passkeys(self.s.store(), user.user_id).await?;
        let checked = state
            .and_then(|s| serde_json::from_str::<PasskeyAuthentication>(&s).ok())
            .and_then(|state| {
                self.webauthn()
                    .ok()?
                    .finish_passkey_authentication(&answer.credential, &state)
                    .ok()
            });
        // The passkey used, with its signature counter moved on.
        let used = checked.as_ref().and_then(|result| {
            rows.iter().find_map(|r| {
                let mut p: Passkey = serde_json::from_str(&r.credential).ok()?;
                p.update_credential(result)?;
                Some((r.id, serde_json::to_string(&p).ok()?))
            })
        });
        let mut tx = self.s.store().begin().await?;
        store::users::lock(&mut tx, user.user_id).await?;
        self.audit_own(
            &mut tx,
            user,
            address,
            ("passkey_login", used.is_some()),
            &used
                .as_ref()
                .map(|(id, _)| format!("passkey {id}"))
                .unwrap_or_default(),
        )
        .await?;
        let Some((id, credential)) = used else {
            store::sessions::record_failure(&mut tx, &user.username, address, now).await?;
            tx.commit().await?;
            return Err(ServiceError::invalid(
                "passkey",
                AccountProblem::PasskeyRefused,
            ));
        };
        store::users::passkey_used(&mut tx, id, &credential, now).await?;
        let token = self.rotate_session(&mut tx, user).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The user's passkeys.
    pub async fn passkeys(&self, user: &SessionUser) -> Result<Vec<PasskeyInfo>> {
        Ok(store::users::passkeys(self.s.store(), user.user_id)
            .await?
            .into_iter()
            .map(|r| PasskeyInfo {
                id: r.id,
                name: r.name,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
            })
            .collect())
    }

    /// Removes one of the user's own passkeys (lost, or the computer is gone). Audited.
    pub async fn remove_passkey(&self, user: &SessionUser, id: i64, address: &str) -> Result<()> {
        if user.mfa_pending {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.s.store().begin().await?;
        if store::users::delete_passkey(&mut tx, user.user_id, id).await? == 0 {
            return Err(ServiceError::NotFound);
        }
        self.audit_own(
            &mut tx,
            user,
            address,
            ("passkey_removed", true),
            &format!("passkey {id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the user can log in with a passkey.
    pub async fn has_passkeys(&self, user: &SessionUser) -> Result<bool> {
        Ok(store::users::has_passkeys(self.s.store(), user.user_id).await?)
    }
}

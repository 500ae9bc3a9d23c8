//! Single sign-on with OpenID Connect: staff log in through the organisation's identity
//! provider (Entra ID, Keycloak, any OpenID provider), customers through an e-ID broker that
//! speaks OpenID Connect (BankID, Freja eID).
//!
//! The authorization code flow, as OpenID Connect Core 1.0 and RFC 9700 (OAuth 2.0 Security
//! Best Current Practice) describe it:
//! - the provider's metadata comes from discovery, and its `issuer` must be exactly the one
//!   configured (ASVS 5.0 10.5.3);
//! - every login carries a fresh `state`, `nonce` and PKCE verifier (S256), kept in the database
//!   (any server finishes what another began), good for ten minutes and once, and bound to the
//!   browser that began it by a cookie (ASVS 10.1.2, 10.2.1);
//! - the ID token's signature is checked against the provider's published keys (RS256 only:
//!   no `none`, no keys of the client's own), and so are its issuer, its audience (this
//!   client alone), its expiry against the server's clock and its nonce (ASVS 6.8.2, 9.2.1,
//!   10.5.1, 10.5.4);
//! - a person is who the provider says by its issuer and subject together, never by a name or
//!   an e-mail address another provider could also assert (ASVS 6.8.1, 10.5.2).
//!
//! Staff get the role the first matching rule of `sign_on.staff.roles` gives the role claim,
//! at every login: the organisation's directory is the source of truth, and a member of staff
//! whose groups map to no role is refused. Customers are matched by the personal identity
//! number claim to the private customers with that number.

use chrono::{DateTime, Utc};
use domain::identity::Personnummer;
use domain::ids::{CustomerId, UserId};
use domain::role::{AccountProblem, Role, SignOn};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthenticationFlow, AuthorizationCode, Client, ClientId,
    ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenClaims, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use store::users::UserRow;

use super::{Accounts, LoginStep, NewSession, new_token, token_hash};
use crate::Actor;
use crate::audit::{self, Event, Outcome};
use crate::error::{Result, ServiceError};

/// How long a login may stay at the identity provider (the person types, approves in the
/// BankID app, is asked for the organisation's second factor).
pub const SIGN_ON_MICROS: i64 = 10 * 60 * 1_000_000;

/// The identity providers configured (`sign_on.staff`, `sign_on.customer`); `None` is off.
#[derive(Clone, Debug, Default)]
pub struct SignOnSettings {
    pub staff: Option<ProviderSettings>,
    pub customer: Option<ProviderSettings>,
}

impl SignOnSettings {
    /// The providers configured, staff first.
    pub fn configured(&self) -> Vec<SignOn> {
        let mut out = Vec::new();
        if self.staff.is_some() {
            out.push(SignOn::Staff);
        }
        if self.customer.is_some() {
            out.push(SignOn::Customer);
        }
        out
    }

    pub fn get(&self, kind: SignOn) -> Option<&ProviderSettings> {
        match kind {
            SignOn::Staff => self.staff.as_ref(),
            SignOn::Customer => self.customer.as_ref(),
        }
    }
}

/// One identity provider, as registered there: this installation is its client.
#[derive(Clone, Debug)]
pub struct ProviderSettings {
    /// The issuer URL exactly as the provider's metadata names it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Scopes asked for besides `openid` (a broker may need its own for the identity number).
    pub scopes: Vec<String>,
    pub rules: ClaimRules,
}

/// What the ID token must say, and how it maps to an account here.
#[derive(Clone, Debug)]
pub enum ClaimRules {
    Staff {
        /// The claim with the person's groups or roles (`groups`, `roles`), a string or a list.
        role_claim: String,
        /// `(value, role)` in order: the first value the claim holds gives the role.
        roles: Vec<(String, Role)>,
        /// When not empty: the token's `amr` must hold one of these (`mfa`, `hwk`…), so a
        /// login without the organisation's second factor is refused (ASVS 6.8.4).
        required_amr: Vec<String>,
    },
    Customer {
        /// The claim with the personal identity number, such as
        /// `https://id.oidc.se/claim/personalIdentityNumber` (the Swedish OIDC profile).
        personnummer_claim: String,
    },
}

/// Reads `GROUP=ROLE,GROUP=ROLE` (`sign_on.staff.roles`). Staff roles only.
pub fn parse_role_rules(text: &str) -> std::result::Result<Vec<(String, Role)>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((value, role)) = part.rsplit_once('=') else {
            return Err(format!(
                "{part:?} is not VALUE=ROLE, such as beredskap-kundtjanst=agent"
            ));
        };
        let role = role
            .trim()
            .parse::<Role>()
            .ok()
            .filter(|r| r.is_staff())
            .ok_or_else(|| {
                format!(
                    "{:?} is not a staff role: use one of {}",
                    role.trim(),
                    Role::STAFF.map(Role::as_str).join(", ")
                )
            })?;
        out.push((value.trim().to_owned(), role));
    }
    Ok(out)
}

/// The claims of an ID token beyond the standard ones (groups, the identity number…).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

impl OtherClaims {
    /// A claim's values: a string is one, a list gives its strings.
    fn strings(&self, claim: &str) -> Vec<&str> {
        match self.values.get(claim) {
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

/// The role the first rule whose value the claim holds gives; `None` when none does.
pub fn role_from_claims(
    claims: &OtherClaims,
    claim: &str,
    rules: &[(String, Role)],
) -> Option<Role> {
    let held = claims.strings(claim);
    rules
        .iter()
        .find(|(value, _)| held.contains(&value.as_str()))
        .map(|(_, role)| *role)
}

/// Whether the token's authentication methods meet the requirement (empty: anything does).
pub fn amr_satisfies(required: &[String], got: &[String]) -> bool {
    required.is_empty() || required.iter().any(|r| got.contains(r))
}

type Claims = IdTokenClaims<OtherClaims, CoreGenderClaim>;
type TokenFields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<TokenFields, CoreTokenType>;
type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Where to send the browser, and the value of the cookie that binds the login to it.
#[derive(Debug)]
pub struct SignOnStart {
    pub url: String,
    pub browser: String,
}

/// What the provider sent back to the callback.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    /// The issuer of the answer (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
}

/// A refusal with what went wrong, for the log and the audit (never for the page: the person
/// reads the problem).
struct Refusal {
    problem: AccountProblem,
    why: String,
}

fn refuse(problem: AccountProblem, why: impl Into<String>) -> Refusal {
    Refusal {
        problem,
        why: why.into(),
    }
}

fn failed(why: impl std::fmt::Display) -> Refusal {
    refuse(AccountProblem::SignOnFailed, why.to_string())
}

impl Accounts {
    /// Whether an identity provider speaks for this account (its password and second factor
    /// are the provider's business).
    pub async fn signs_on(&self, user: &super::SessionUser) -> Result<bool> {
        Ok(store::sign_on::is_linked(self.s.store(), user.user_id).await?)
    }

    /// The callback URL of a provider, as registered with it.
    pub fn sign_on_redirect(&self, kind: SignOn) -> String {
        let path = match kind {
            SignOn::Staff => "/logga-in/organisation/svar",
            SignOn::Customer => "/logga-in/e-legitimation/svar",
        };
        format!("{}{path}", self.s.public_url())
    }

    fn provider(&self, kind: SignOn) -> Result<&ProviderSettings> {
        self.s
            .settings()
            .sign_on
            .get(kind)
            .ok_or(ServiceError::NotFound)
    }

    /// Begins a login at the provider: where to send the browser, and the cookie's value that
    /// ties the answer to this browser. The provider's metadata is read fresh (its keys may
    /// have rotated); a provider that cannot be reached is an error for the log.
    pub async fn sign_on_begin(&self, kind: SignOn) -> Result<SignOnStart> {
        let p = self.provider(kind)?;
        let http = http_client()?;
        let client = self.client(p, kind, &http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &p.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let browser = new_token();
        let now = self.s.now_micros();
        let mut tx = self.s.store().begin().await?;
        store::sign_on::insert_request(
            &mut tx,
            &store::sign_on::NewRequest {
                state_hash: &token_hash(state.secret()),
                browser_hash: &token_hash(&browser),
                provider: kind,
                pkce_verifier: verifier.secret(),
                nonce: nonce.secret(),
                now,
            },
            now - SIGN_ON_MICROS,
        )
        .await?;
        tx.commit().await?;
        Ok(SignOnStart {
            url: url.to_string(),
            browser,
        })
    }

    /// Finishes a login when the provider sends the browser back: checks that this browser
    /// began it, not long ago, and not already finished; exchanges the code (with the PKCE
    /// verifier); verifies the ID token; finds or makes the account. A refusal is audited
    /// and logged with its reason, and answers the problem the person is told about.
    pub async fn sign_on_finish(
        &self,
        kind: SignOn,
        browser: Option<&str>,
        answer: &Callback,
        address: &str,
    ) -> Result<std::result::Result<NewSession, AccountProblem>> {
        match self.verify_answer(kind, browser, answer).await? {
            Ok((issuer, claims)) => {
                let found = match self.provider(kind)?.rules.clone() {
                    ClaimRules::Staff {
                        role_claim,
                        roles,
                        required_amr,
                    } => {
                        self.staff_account(&issuer, &claims, (&role_claim, &roles), &required_amr)
                            .await?
                    }
                    ClaimRules::Customer { personnummer_claim } => {
                        self.customer_account(&issuer, &claims, &personnummer_claim)
                            .await?
                    }
                };
                match found {
                    Ok(user) => Ok(Ok(self
                        .open_signed_on(kind, &issuer, claims.subject().as_str(), user, address)
                        .await?)),
                    Err(r) => self.refused(kind, r, address).await,
                }
            }
            Err(r) => self.refused(kind, r, address).await,
        }
    }

    async fn refused(
        &self,
        kind: SignOn,
        r: Refusal,
        address: &str,
    ) -> Result<std::result::Result<NewSession, AccountProblem>> {
        tracing::warn!(provider = kind.as_str(), reason = %r.why, "sign-on refused");
        let mut tx = self.s.store().begin().await?;
        audit::record(
            &mut tx,
            &self.s,
            &Actor::anonymous(address),
            &Event {
                action: "sign_on",
                object_kind: "sign_on",
                object_id: kind.as_str(),
                outcome: Outcome::Failure,
                detail: &r.why,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Err(r.problem))
    }

    /// The answer's checks, up to the verified ID token's claims.
    async fn verify_answer(
        &self,
        kind: SignOn,
        browser: Option<&str>,
        answer: &Callback,
    ) -> Result<std::result::Result<(String, Claims), Refusal>> {
        let Some(state) = answer.state.as_deref() else {
            return Ok(Err(refuse(AccountProblem::SignOnStale, "no state")));
        };
        let mut tx = self.s.store().begin().await?;
        let request = store::sign_on::take_request(&mut tx, &token_hash(state)).await?;
        tx.commit().await?;
        let now = self.s.now_micros();
        let Some(request) = request.filter(|r| r.provider == kind) else {
            return Ok(Err(refuse(
                AccountProblem::SignOnStale,
                "unknown or used state (a replayed answer, or one for another provider)",
            )));
        };
        if browser.map(token_hash).as_deref() != Some(request.browser_hash.as_str()) {
            return Ok(Err(refuse(
                AccountProblem::SignOnStale,
                "the answer reached another browser than the one that began the login",
            )));
        }
        if request.created_at < now - SIGN_ON_MICROS {
            return Ok(Err(refuse(
                AccountProblem::SignOnStale,
                "begun too long ago",
            )));
        }
        if let Some(error) = &answer.error {
            let problem = if error == "access_denied" {
                AccountProblem::SignOnCancelled
            } else {
                AccountProblem::SignOnFailed
            };
            return Ok(Err(refuse(
                problem,
                format!("the provider answered {error:?}"),
            )));
        }
        let p = self.provider(kind)?;
        // A mix-up (ASVS 10.2.2): the answer names another provider than the one asked.
        if answer.iss.as_deref().is_some_and(|iss| iss != p.issuer) {
            return Ok(Err(failed("the answer's iss is not the provider's issuer")));
        }
        let Some(code) = answer.code.clone() else {
            return Ok(Err(failed("no code")));
        };
        let http = http_client()?;
        let client = self.client(p, kind, &http).await?;
        let tokens = match client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| ServiceError::Internal(format!("sign-on: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(request.pkce_verifier))
            .request_async(&http)
            .await
        {
            Ok(t) => t,
            Err(e) => return Ok(Err(failed(format!("the code was refused: {}", chain(&e))))),
        };
        Ok(self
            .verify_id_token(&client, &tokens, &request.nonce, now)
            .map(|claims| (p.issuer.clone(), claims)))
    }

    /// The ID token's signature, issuer, audience, expiry and nonce, and its `at_hash`.
    fn verify_id_token(
        &self,
        client: &OidcClient,
        tokens: &Tokens,
        nonce: &str,
        now: i64,
    ) -> std::result::Result<Claims, Refusal> {
        let id_token = tokens.id_token().ok_or_else(|| failed("no ID token"))?;
        let at = DateTime::<Utc>::from_timestamp_micros(now).unwrap_or_default();
        let verifier = client.id_token_verifier().set_time_fn(move || at);
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce.to_owned()))
            .map_err(|e| failed(format!("the ID token was refused: {}", chain(&e))))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token.signing_alg().map_err(failed)?;
            let key = id_token.signing_key(&verifier).map_err(failed)?;
            let actual =
                AccessTokenHash::from_token(tokens.access_token(), alg, key).map_err(failed)?;
            if actual != *expected {
                return Err(failed("the access token does not match at_hash"));
            }
        }
        Ok(claims.clone())
    }

    async fn client(
        &self,
        p: &ProviderSettings,
        kind: SignOn,
        http: &openidconnect::reqwest::Client,
    ) -> Result<OidcClient> {
        let issuer = IssuerUrl::new(p.issuer.clone())
            .map_err(|e| ServiceError::Internal(format!("sign_on issuer: {e}")))?;
        // Discovery refuses metadata whose issuer is not exactly the configured one.
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| {
                ServiceError::Internal(format!(
                    "the {} identity provider's metadata: {}",
                    kind.as_str(),
                    chain(&e)
                ))
            })?;
        let redirect = RedirectUrl::new(self.sign_on_redirect(kind))
            .map_err(|e| ServiceError::Internal(format!("sign_on redirect: {e}")))?;
        Ok(OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(
                p.client_secret.expose_secret().to_owned(),
            )),
        )
        .set_redirect_uri(redirect))
    }

    /// A member of staff: the account tied to the provider's subject, or a new one; its role
    /// from the role claim at every login.
    async fn staff_account(
        &self,
        issuer: &str,
        claims: &Claims,
        (role_claim, rules): (&str, &[(String, Role)]),
        required_amr: &[String],
    ) -> Result<std::result::Result<UserRow, Refusal>> {
        let amr: Vec<String> = claims
            .auth_method_refs()
            .map(|a| a.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default();
        if !amr_satisfies(required_amr, &amr) {
            return Ok(Err(refuse(
                AccountProblem::SignOnFailed,
                format!("amr {amr:?} holds none of {required_amr:?}"),
            )));
        }
        let Some(role) = role_from_claims(claims.additional_claims(), role_claim, rules) else {
            return Ok(Err(refuse(
                AccountProblem::SignOnNoRole,
                format!("no value of the {role_claim:?} claim maps to a role"),
            )));
        };
        let subject = claims.subject().as_str();
        let user = match store::sign_on::user_of(self.s.store(), issuer, subject).await? {
            Some(id) => store::users::by_id(self.s.store(), id).await?,
            None => None,
        };
        let user = match user {
            Some(u) => u,
            None => match self.new_staff_account(claims, role).await? {
                Ok(u) => u,
                Err(r) => return Ok(Err(r)),
            },
        };
        if user.disabled || !user.role.is_staff() {
            return Ok(Err(refuse(
                AccountProblem::AccountDisabled,
                "account disabled",
            )));
        }
        if user.role != role {
            let mut tx = self.s.store().begin().await?;
            store::users::set_role(&mut tx, user.id, role).await?;
            audit::record(
                &mut tx,
                &self.s,
                &Actor::system(),
                &Event {
                    action: "role_change",
                    object_kind: "user",
                    object_id: &user.username,
                    outcome: Outcome::Success,
                    detail: &format!("{} -> {role} (identity provider)", user.role),
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(Ok(UserRow { role, ..user }));
        }
        Ok(Ok(user))
    }

    /// The first login of a member of staff: an account named as the provider names them
    /// (`preferred_username`, else `email`). A name already taken is a refusal for an
    /// administrator to sort out.
    async fn new_staff_account(
        &self,
        claims: &Claims,
        role: Role,
    ) -> Result<std::result::Result<UserRow, Refusal>> {
        let name = claims
            .preferred_username()
            .map(|u| u.as_str().to_owned())
            .or_else(|| claims.email().map(|e| e.as_str().to_owned()))
            .map(|n| n.trim().to_lowercase())
            .filter(|n| valid_signed_on_name(n));
        let Some(username) = name else {
            return Ok(Err(failed(
                "neither preferred_username nor email is a usable user name",
            )));
        };
        // Never an account of that name made some other way: a provider whose people can choose
        // their own names could otherwise take over `admin`. An administrator renames or
        // disables the old account; the log says so.
        if store::users::by_username(self.s.store(), &username)
            .await?
            .is_some()
        {
            return Ok(Err(failed(format!(
                "the user name {username:?} belongs to an account made another way: rename or disable it"
            ))));
        }
        let display = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .unwrap_or_else(|| username.clone());
        let id = self.new_account(&username, &display, role, None).await?;
        Ok(store::users::by_id(self.s.store(), id)
            .await?
            .ok_or_else(|| failed("the new account vanished")))
    }

    /// A customer: the private customers with the identity number the broker vouches for; the
    /// account of the first that has one, or a new account for the oldest.
    async fn customer_account(
        &self,
        issuer: &str,
        claims: &Claims,
        personnummer_claim: &str,
    ) -> Result<std::result::Result<UserRow, Refusal>> {
        let today = self.s.today();
        let number = claims
            .additional_claims()
            .strings(personnummer_claim)
            .first()
            .and_then(|n| Personnummer::parse(n, today).ok());
        let Some(number) = number else {
            // The number itself stays out of the log.
            return Ok(Err(failed(format!(
                "the {personnummer_claim:?} claim is missing or not a personal identity number"
            ))));
        };
        let customers =
            store::sign_on::customers_with_identity(self.s.store(), &number.normalised()).await?;
        let Some(&(oldest, _)) = customers.first() else {
            return Ok(Err(refuse(
                AccountProblem::SignOnNoCustomer,
                "no private customer has the identity number",
            )));
        };
        let linked =
            store::sign_on::user_of(self.s.store(), issuer, claims.subject().as_str()).await?;
        let chosen = customers.iter().find_map(|(_, u)| *u);
        // A subject the broker once vouched for as another customer is not let in as that one.
        if let Some(linked) = linked
            && !customers.iter().any(|(_, u)| *u == Some(linked))
        {
            return Ok(Err(failed(format!(
                "the subject is tied to account {}, which belongs to no customer with the identity number",
                linked.get()
            ))));
        }
        let id = match linked.or(chosen) {
            Some(id) => id,
            None => self.new_customer_account(oldest).await?,
        };
        match store::users::by_id(self.s.store(), id).await? {
            Some(u) if !u.disabled && u.role == Role::Customer => Ok(Ok(u)),
            Some(_) => Ok(Err(refuse(
                AccountProblem::AccountDisabled,
                "account disabled",
            ))),
            None => Ok(Err(failed("the account vanished"))),
        }
    }

    async fn new_customer_account(&self, customer: CustomerId) -> Result<UserId> {
        let row = store::customers::get(self.s.store(), customer)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let username = format!("kund-{}", row.customer_number.to_lowercase());
        self.new_account(&username, &row.name, Role::Customer, Some(customer))
            .await
    }

    /// An account that logs in only through its provider: its password hash is not a hash,
    /// so no password ever matches it.
    async fn new_account(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        customer_id: Option<CustomerId>,
    ) -> Result<UserId> {
        let mut tx = self.s.store().begin().await?;
        let id = store::users::insert(
            &mut tx,
            &store::users::NewUser {
                username,
                display_name,
                role,
                customer_id,
                password_hash: NO_PASSWORD,
                is_demo: false,
                now: self.s.now_micros(),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.s,
            &Actor::system(),
            &Event {
                action: "user_create",
                object_kind: "user",
                object_id: username,
                outcome: Outcome::Success,
                detail: &format!("{role}, first login through the identity provider"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The session of a login the provider vouched for: complete at once (the provider asked
    /// for any second factor), and the subject tied to the account.
    async fn open_signed_on(
        &self,
        kind: SignOn,
        issuer: &str,
        subject: &str,
        user: UserRow,
        address: &str,
    ) -> Result<NewSession> {
        let now = self.s.now_micros();
        let token = new_token();
        let mut tx = self.s.store().begin().await?;
        store::sign_on::link(&mut tx, kind, issuer, subject, user.id, now).await?;
        store::sessions::insert(
            &mut tx,
            &token_hash(&token),
            user.id,
            &new_token(),
            false,
            now,
        )
        .await?;
        let detail = format!("sign-on ({}) through {issuer}", kind.as_str());
        self.audit_login(&mut tx, &user, address, &detail).await?;
        tx.commit().await?;
        Ok(NewSession {
            token,
            next: LoginStep::Done,
        })
    }
}

/// The password hash of accounts that log in only through an identity provider: not a PHC
/// string, so verification always fails.
pub const NO_PASSWORD: &str = "!sign-on";

/// A user name from a provider: 1–64 characters of `a–z 0–9 . _ - @`.
fn valid_signed_on_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c))
}

/// The HTTP client for the provider: no redirects followed (a redirect could lead the token
/// request elsewhere), and an answer within ten seconds.
fn http_client() -> Result<openidconnect::reqwest::Client> {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| ServiceError::Internal(format!("sign-on HTTP client: {e}")))
}

/// An error with its causes, for the log.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_rules_read_in_order_and_refuse_customer_and_unknown_roles() {
        let rules = parse_role_rules(
            " beredskap-admin=admin, beredskap-kundtjanst = agent ,cn=plan=planner",
        )
        .unwrap();
        assert_eq!(
            rules,
            vec![
                ("beredskap-admin".to_owned(), Role::Admin),
                ("beredskap-kundtjanst".to_owned(), Role::Agent),
                ("cn=plan".to_owned(), Role::Planner),
            ]
        );
        assert!(parse_role_rules("kunder=customer").is_err());
        assert!(parse_role_rules("x=boss").is_err());
        assert!(parse_role_rules("no-role").is_err());
        assert_eq!(parse_role_rules("").unwrap(), vec![]);
    }

    fn claims(json: serde_json::Value) -> OtherClaims {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_first_matching_rule_gives_the_role() {
        let rules = parse_role_rules("admins=admin,agents=agent,planners=planner").unwrap();
        let both = claims(serde_json::json!({"groups": ["planners", "agents"]}));
        assert_eq!(role_from_claims(&both, "groups", &rules), Some(Role::Agent));
        let one = claims(serde_json::json!({"groups": "planners"}));
        assert_eq!(
            role_from_claims(&one, "groups", &rules),
            Some(Role::Planner)
        );
        let none = claims(serde_json::json!({"groups": ["everyone"], "roles": ["admins"]}));
        assert_eq!(role_from_claims(&none, "groups", &rules), None);
        assert_eq!(role_from_claims(&none, "roles", &rules), Some(Role::Admin));
        let numbers = claims(serde_json::json!({"groups": [1, 2]}));
        assert_eq!(role_from_claims(&numbers, "groups", &rules), None);
    }

    #[test]
    fn amr_requirement() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert!(amr_satisfies(&[], &[]));
        assert!(amr_satisfies(&s(&["mfa", "hwk"]), &s(&["pwd", "mfa"])));
        assert!(!amr_satisfies(&s(&["mfa"]), &s(&["pwd"])));
        assert!(!amr_satisfies(&s(&["mfa"]), &[]));
    }

    #[test]
    fn names_from_a_provider() {
        assert!(valid_signed_on_name("anna.berg@kommun.se"));
        assert!(!valid_signed_on_name("Anna"));
        assert!(!valid_signed_on_name("anna berg"));
        assert!(!valid_signed_on_name(""));
        assert!(!valid_signed_on_name(&"a".repeat(65)));
    }
}

//! The configuration tree: defaults → TOML file → `BEREDSKAP_*` environment → flags.
//!
//! Each library crate owns its settings type; this module reads the sources, validates once and
//! converts into those types. It is the only place (with the commands) that reads files and the
//! environment. Secrets never print: [`Config::redacted`] masks them for `config --effective`.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub const EXAMPLE: &str = include_str!("../beredskap.example.toml");

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub worker: WorkerConfig,
    pub log: LogConfig,
    pub mail: MailConfig,
    pub privacy: PrivacyConfig,
    pub community: CommunityConfig,
    pub map: MapConfig,
    pub security: SecurityConfig,
    pub sign_on: SignOnConfig,
}

/// Single sign-on with OpenID Connect: the organisation's provider for staff, an e-ID broker
/// for customers. An empty issuer leaves that one off.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SignOnConfig {
    pub staff: StaffSignOnConfig,
    pub customer: CustomerSignOnConfig,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StaffSignOnConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes besides `openid`, space-separated.
    pub scopes: String,
    /// The claim with the person's groups or roles.
    pub role_claim: String,
    /// `VALUE=ROLE,…` in order: the first value the claim holds gives the role.
    pub roles: String,
    /// When not empty: `amr` must hold one of these (comma-separated).
    pub required_amr: String,
}

impl Default for StaffSignOnConfig {
    fn default() -> Self {
        StaffSignOnConfig {
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scopes: "profile email".into(),
            role_claim: "groups".into(),
            roles: String::new(),
            required_amr: String::new(),
        }
    }
}

impl std::fmt::Debug for StaffSignOnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSignOnConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scopes", &self.scopes)
            .field("role_claim", &self.role_claim)
            .field("roles", &self.roles)
            .field("required_amr", &self.required_amr)
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CustomerSignOnConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: String,
    /// The claim with the personal identity number.
    pub personnummer_claim: String,
}

impl Default for CustomerSignOnConfig {
    fn default() -> Self {
        CustomerSignOnConfig {
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            scopes: "profile".into(),
            personnummer_claim: "https://id.oidc.se/claim/personalIdentityNumber".into(),
        }
    }
}

impl std::fmt::Debug for CustomerSignOnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerSignOnConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scopes", &self.scopes)
            .field("personnummer_claim", &self.personnummer_claim)
            .finish()
    }
}

impl SignOnConfig {
    /// Checks every value; the message names the setting and what to write.
    fn validate(&self) -> anyhow::Result<()> {
        let s = &self.staff;
        check_provider("sign_on.staff", &s.issuer, &s.client_id, &s.client_secret)?;
        if !s.issuer.trim().is_empty() {
            let rules = services::auth::parse_role_rules(&s.roles)
                .map_err(|e| anyhow::anyhow!("invalid configuration: sign_on.staff.roles: {e}"))?;
            if rules.is_empty() || s.role_claim.trim().is_empty() {
                bail!(
                    "invalid configuration: sign_on.staff needs role_claim and roles, such as role_claim = \"groups\" and roles = \"beredskap-kundtjanst=agent,beredskap-admin=admin\""
                );
            }
        }
        let c = &self.customer;
        check_provider(
            "sign_on.customer",
            &c.issuer,
            &c.client_id,
            &c.client_secret,
        )?;
        if !c.issuer.trim().is_empty() && c.personnummer_claim.trim().is_empty() {
            bail!(
                "invalid configuration: sign_on.customer.personnummer_claim is empty: name the claim with the personal identity number"
            );
        }
        Ok(())
    }

    fn settings(&self) -> services::auth::SignOnSettings {
        use secrecy::SecretString;
        let scopes = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let s = &self.staff;
        let c = &self.customer;
        services::auth::SignOnSettings {
            staff: (!s.issuer.trim().is_empty()).then(|| services::auth::ProviderSettings {
                issuer: s.issuer.trim().to_owned(),
                client_id: s.client_id.trim().to_owned(),
                client_secret: SecretString::from(s.client_secret.clone()),
                scopes: scopes(&s.scopes),
                rules: services::auth::ClaimRules::Staff {
                    role_claim: s.role_claim.trim().to_owned(),
                    // Checked by `validate`.
                    roles: services::auth::parse_role_rules(&s.roles).unwrap_or_default(),
                    required_amr: s
                        .required_amr
                        .split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned)
                        .collect(),
                },
            }),
            customer: (!c.issuer.trim().is_empty()).then(|| services::auth::ProviderSettings {
                issuer: c.issuer.trim().to_owned(),
                client_id: c.client_id.trim().to_owned(),
                client_secret: SecretString::from(c.client_secret.clone()),
                scopes: scopes(&c.scopes),
                rules: services::auth::ClaimRules::Customer {
                    personnummer_claim: c.personnummer_claim.trim().to_owned(),
                },
            }),
        }
    }
}

fn check_provider(
    section: &str,
    issuer: &str,
    client_id: &str,
    secret: &str,
) -> anyhow::Result<()> {
    let issuer = issuer.trim();
    if issuer.is_empty() {
        return Ok(());
    }
    if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
        bail!(
            "invalid configuration: {section}.issuer {issuer:?} must be an https:// address, the issuer exactly as the provider's metadata names it"
        );
    }
    if client_id.trim().is_empty() || secret.is_empty() {
        bail!(
            "invalid configuration: {section} needs client_id and client_secret, as the provider registered this installation"
        );
    }
    Ok(())
}

/// Keys of the server's own signatures: signed links, the audit chain, sealed second-factor
/// secrets.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// `NAME:BASE64,NAME:BASE64…`, 32-byte keys; the first signs and seals, the rest still
    /// verify and open what older keys made (docs/security.md, "Rotating secrets").
    pub keys: String,
}

impl std::fmt::Debug for SecurityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityConfig")
            .field("keys", &"***")
            .finish()
    }
}

/// The tile source the maps draw over (the planner's page, the technician's list, the crisis
/// preview). Empty: maps are drawn as SVG on the server, without streets.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MapConfig {
    /// A tile URL template with `{z}`, `{x}` and `{y}` (and `{s}` for subdomains), such as
    /// `https://tile.openstreetmap.org/{z}/{x}/{y}.png` or Lantmäteriet's topographic web map.
    pub tiles_url: String,
    /// What the tile source's terms ask to be shown on the map (HTML allowed).
    pub attribution: String,
}

impl MapConfig {
    /// The web crate's tile source, `None` without a URL.
    pub fn tiles(&self) -> Option<views::map::Tiles> {
        let url = self.tiles_url.trim();
        (!url.is_empty()).then(|| views::map::Tiles {
            url: url.to_owned(),
            attribution: self.attribution.trim().to_owned(),
        })
    }
}

/// Community support: where provisioning orders for broadband upgrades go.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CommunityConfig {
    /// The network operator's webhook for provisioning orders (`https://…`). Empty: orders are
    /// only in the day's order file (the page, `beredskap community orders`).
    pub provisioning_url: String,
    /// The bearer token the webhook expects.
    pub provisioning_token: String,
}

impl std::fmt::Debug for CommunityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommunityConfig")
            .field("provisioning_url", &self.provisioning_url)
            .field("provisioning_token", &"***")
            .finish()
    }
}

/// Keys for data kept sealed: "no home visits" declarations (health data, GDPR art. 9).
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacyConfig {
    /// `NAME:BASE64,NAME:BASE64…`, 32-byte keys; the first seals new declarations, the rest
    /// still open old ones until `beredskap privacy reseal` has moved them to the first.
    pub declaration_keys: String,
}

impl std::fmt::Debug for PrivacyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivacyConfig")
            .field("declaration_keys", &"***")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &store::backend::redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    pub listen: String,
    pub secure_cookies: bool,
    /// Where customers reach this installation, for links in messages
    /// (`https://kund.example.se`). Empty: `http://` and the address the server listens on.
    pub public_url: String,
    /// The bearer token Prometheus sends to read `/metrics`. Empty: only requests from this
    /// machine may read them.
    pub metrics_token: String,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` headers name the client: addresses
    /// or networks, comma-separated. Empty: the socket's peer is the client.
    pub trusted_proxies: String,
}

impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("listen", &self.listen)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_url", &self.public_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field(
                "metrics_token",
                &if self.metrics_token.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .finish()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub max_failures_per_minute: i64,
    pub max_failures_per_hour: i64,
    pub min_password_length: usize,
    pub public_bookings_per_hour: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    pub enabled: bool,
    pub idle_sleep_ms: u64,
    /// The search time of a campaign planning run (the planner's page and the worker's
    /// re-plans), in seconds.
    pub plan_seconds: u64,
    /// How often a worker shows that it and its job are alive, in seconds; six beats missed
    /// and another server takes the job over, and `/readyz` fails.
    pub heartbeat_seconds: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    pub filter: String,
    /// Where OpenTelemetry traces go over OTLP/HTTP (a collector on this host, such as
    /// `http://127.0.0.1:4318`); empty: no traces are exported.
    pub otlp_endpoint: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: services::outbox::SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("password", &"***")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub url: String,
    pub token: String,
    pub sender: String,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &"***")
            .field("sender", &self.sender)
            .finish()
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://beredskap.sqlite".into(),
            max_connections: 16,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: "127.0.0.1:8080".into(),
            secure_cookies: true,
            public_url: String::new(),
            metrics_token: String::new(),
            trusted_proxies: String::new(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        let a = services::auth::AuthSettings::default();
        AuthConfig {
            max_failures_per_minute: a.max_failures_per_minute,
            max_failures_per_hour: a.max_failures_per_hour,
            min_password_length: a.min_password_length,
            public_bookings_per_hour: a.public_bookings_per_hour,
        }
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            enabled: true,
            idle_sleep_ms: 2000,
            plan_seconds: 10,
            heartbeat_seconds: 15,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Pretty,
            filter: "info".into(),
            otlp_endpoint: String::new(),
        }
    }
}

/// Values given on the command line, applied last.
#[derive(Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

impl Config {
    /// Loads and validates the configuration. `file` is `--config`; without it `beredskap.toml`
    /// in the working directory is read when present. Loading has no side effects.
    pub fn load(
        file: Option<&Path>,
        env: &[(String, String)],
        flags: &FlagOverrides,
    ) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(p) => {
                if !p.exists() {
                    bail!(
                        "configuration file {} does not exist: fix the --config path, or print an example with `beredskap config --example`",
                        p.display()
                    );
                }
                fig = fig.merge(Toml::file(p));
            }
            None if Path::new("beredskap.toml").exists() => {
                fig = fig.merge(Toml::file("beredskap.toml"))
            }
            None => {}
        }
        // The environment is passed in rather than read here, so tests can give their own.
        let env_toml = env_to_toml(env)?;
        fig = fig.merge(Toml::string(&env_toml));
        if let Some(url) = &flags.database_url {
            fig = fig.merge(Serialized::default("database.url", url));
        }
        if let Some(listen) = &flags.listen {
            fig = fig.merge(Serialized::default("http.listen", listen));
        }
        let config: Config = fig.extract().map_err(|e| {
            let e = e
                .into_iter()
                .next()
                .map(|e| e.to_string())
                .unwrap_or_default();
            anyhow::anyhow!(
                "invalid configuration: {e} — fix that value (see `beredskap config --example`)"
            )
        })?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        store::backend::parse_url(&self.database.url)
            .map_err(|e| anyhow::anyhow!("invalid configuration: database.url: {e}"))?;
        self.http.listen.parse::<SocketAddr>().map_err(|_| {
            anyhow::anyhow!("invalid configuration: http.listen {:?} is not an address: use IP:PORT such as 127.0.0.1:8080", self.http.listen)
        })?;
        let public = self.http.public_url.trim();
        if !(public.is_empty() || public.starts_with("https://") || public.starts_with("http://")) {
            bail!(
                "invalid configuration: http.public_url {public:?} must start with https:// (or http:// for a test rig), for example https://kund.example.se"
            );
        }
        if self.database.max_connections == 0 {
            bail!("invalid configuration: database.max_connections must be at least 1");
        }
        if self.auth.min_password_length < 8 {
            bail!(
                "invalid configuration: auth.min_password_length must be at least 8 (ASVS 6.2.1)"
            );
        }
        if self.auth.public_bookings_per_hour < 1 {
            bail!("invalid configuration: auth.public_bookings_per_hour must be at least 1");
        }
        if self.auth.max_failures_per_minute < 1 {
            bail!("invalid configuration: auth.max_failures_per_minute must be at least 1");
        }
        if self.auth.max_failures_per_hour < self.auth.max_failures_per_minute {
            bail!(
                "invalid configuration: auth.max_failures_per_hour must be at least auth.max_failures_per_minute"
            );
        }
        services::declarations::Keyring::parse(&self.privacy.declaration_keys)
            .map_err(|e| anyhow::anyhow!("invalid configuration: privacy.declaration_keys: {e}"))?;
        services::declarations::Keyring::parse(&self.security.keys)
            .map_err(|e| anyhow::anyhow!("invalid configuration: security.keys: {e}"))?;
        web::forwarded::parse_trusted(&self.http.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("invalid configuration: http.trusted_proxies: {e}"))?;
        self.sign_on.validate()?;
        let otlp = self.log.otlp_endpoint.trim();
        if !otlp.is_empty() && !otlp.starts_with("http://") {
            bail!(
                "invalid configuration: log.otlp_endpoint {otlp:?}: traces go over plain HTTP to an OpenTelemetry collector on this host, such as http://127.0.0.1:4318, which forwards them with TLS"
            );
        }
        let url = self.community.provisioning_url.trim();
        if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
            bail!(
                "invalid configuration: community.provisioning_url must be an http:// or https:// address"
            );
        }
        if let Some(t) = self.map.tiles() {
            web::map::tile_source(&t.url).map_err(|e| {
                anyhow::anyhow!(
                    "invalid configuration: map.tiles_url {:?} {e}, for example https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png",
                    t.url
                )
            })?;
            if t.attribution.is_empty() {
                bail!(
                    "invalid configuration: map.attribution is empty: a tile source's terms ask for an attribution, such as \"© OpenStreetMap contributors\""
                );
            }
        }
        Ok(())
    }

    /// A copy with every secret replaced, for printing.
    pub fn redacted(&self) -> Config {
        let mut c = self.clone();
        c.database.url = store::backend::redact_url(&c.database.url);
        if let Some(s) = &mut c.mail.smtp {
            s.password = s.password.as_ref().map(|_| "***".into());
        }
        if let Some(s) = &mut c.mail.sms {
            s.token = "***".into();
        }
        if !c.privacy.declaration_keys.is_empty() {
            c.privacy.declaration_keys = "***".into();
        }
        if !c.http.metrics_token.is_empty() {
            c.http.metrics_token = "***".into();
        }
        if !c.security.keys.is_empty() {
            c.security.keys = "***".into();
        }
        for secret in [
            &mut c.sign_on.staff.client_secret,
            &mut c.sign_on.customer.client_secret,
        ] {
            if !secret.is_empty() {
                *secret = "***".into();
            }
        }
        if !c.community.provisioning_token.is_empty() {
            c.community.provisioning_token = "***".into();
        }
        c
    }

    pub fn service_settings(&self, demo_mode: bool) -> services::ServiceSettings {
        use secrecy::SecretString;
        services::ServiceSettings {
            demo_mode,
            // Checked by `validate`; an unparsable value cannot reach here.
            declaration_keys: services::declarations::Keyring::parse(
                &self.privacy.declaration_keys,
            )
            .unwrap_or_default(),
            security_keys: services::declarations::Keyring::parse(&self.security.keys)
                .unwrap_or_default(),
            plan_seconds: Some(self.worker.plan_seconds.max(1)),
            heartbeat: Some(std::time::Duration::from_secs(
                self.worker.heartbeat_seconds.max(1),
            )),
            provisioning: services::community::ProvisioningSettings {
                url: Some(self.community.provisioning_url.trim().to_owned())
                    .filter(|u| !u.is_empty()),
                token: Some(self.community.provisioning_token.clone())
                    .filter(|t| !t.is_empty())
                    .map(SecretString::from),
            },
            public_url: self.http.public_url.trim().trim_end_matches('/').to_owned(),
            sign_on: self.sign_on.settings(),
            auth: services::auth::AuthSettings {
                max_failures_per_minute: self.auth.max_failures_per_minute,
                max_failures_per_hour: self.auth.max_failures_per_hour,
                min_password_length: self.auth.min_password_length,
                public_bookings_per_hour: self.auth.public_bookings_per_hour,
                ..Default::default()
            },
            mail: services::outbox::TransportSettings {
                smtp: self
                    .mail
                    .smtp
                    .as_ref()
                    .map(|s| services::outbox::SmtpSettings {
                        host: s.host.clone(),
                        port: s.port,
                        security: s.security,
                        username: s.username.clone(),
                        password: s.password.clone().map(SecretString::from),
                        from: s.from.clone(),
                    }),
                sms: self
                    .mail
                    .sms
                    .as_ref()
                    .map(|s| services::outbox::SmsSettings {
                        url: s.url.clone(),
                        token: SecretString::from(s.token.clone()),
                        sender: s.sender.clone(),
                    }),
            },
        }
    }
}

/// Turns `BEREDSKAP_SECTION__KEY=value` pairs into TOML so figment types them like the file
/// (numbers stay numbers, `true` stays a bool). Unknown variables are reported by validation.
/// `BEREDSKAP_*` variables that are inputs of single commands or tests, not configuration.
const NOT_CONFIGURATION: &[&str] = &["BEREDSKAP_NEW_PASSWORD", "BEREDSKAP_TEST_PG"];

fn env_to_toml(env: &[(String, String)]) -> anyhow::Result<String> {
    let mut root = toml::Table::new();
    for (k, v) in env {
        let Some(rest) = k.strip_prefix("BEREDSKAP_") else {
            continue;
        };
        if NOT_CONFIGURATION.contains(&k.as_str()) {
            continue;
        }
        let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        if path.len() < 2 {
            bail!(
                "environment variable {k} has no section: use BEREDSKAP_SECTION__KEY, e.g. BEREDSKAP_DATABASE__URL"
            );
        }
        let value = if let Ok(i) = v.parse::<i64>() {
            toml::Value::Integer(i)
        } else if let Ok(b) = v.parse::<bool>() {
            toml::Value::Boolean(b)
        } else {
            toml::Value::String(v.clone())
        };
        let mut table = &mut root;
        for part in &path[..path.len() - 1] {
            let entry = table
                .entry(part.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let Some(t) = entry.as_table_mut() else {
                bail!("environment variable {k} conflicts with another one")
            };
            table = t;
        }
        table.insert(path[path.len() - 1].clone(), value);
    }
    Ok(toml::to_string(&root)?)
}

/// Reads `BEREDSKAP_*` variables from the process environment.
pub fn process_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("BEREDSKAP_"))
        .collect()
}

pub fn listen_addr(c: &Config) -> anyhow::Result<SocketAddr> {
    c.http
        .listen
        .parse()
        .with_context(|| format!("http.listen {:?}", c.http.listen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_is_the_defaults() {
        let from_example: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(EXAMPLE))
            .extract()
            .unwrap();
        assert_eq!(
            from_example,
            Config::default(),
            "beredskap.example.toml and Config::default() drifted apart"
        );
    }

    #[test]
    fn layering_env_over_defaults_and_flags_over_env() {
        let env = vec![
            (
                "BEREDSKAP_DATABASE__URL".to_owned(),
                "sqlite://from-env.db".to_owned(),
            ),
            (
                "BEREDSKAP_AUTH__MAX_FAILURES_PER_MINUTE".to_owned(),
                "5".to_owned(),
            ),
        ];
        let c = Config::load(None, &env, &FlagOverrides::default()).unwrap();
        assert_eq!(c.database.url, "sqlite://from-env.db");
        assert_eq!(c.auth.max_failures_per_minute, 5);
        let flags = FlagOverrides {
            database_url: Some("sqlite://from-flag.db".into()),
            listen: None,
        };
        assert_eq!(
            Config::load(None, &env, &flags).unwrap().database.url,
            "sqlite://from-flag.db"
        );
    }

    #[test]
    fn bad_values_say_where_and_how_to_fix() {
        let env = vec![(
            "BEREDSKAP_HTTP__LISTEN".to_owned(),
            "not-an-address".to_owned(),
        )];
        let e = Config::load(None, &env, &FlagOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("http.listen") && e.contains("IP:PORT"), "{e}");
        let env = vec![(
            "BEREDSKAP_AUTH__MAX_FAILURES_PER_MINUTE".to_owned(),
            "many".to_owned(),
        )];
        let e = Config::load(None, &env, &FlagOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_failures_per_minute"), "{e}");
        let flags = FlagOverrides {
            database_url: Some("mysql://root:pw@h/db".into()),
            listen: None,
        };
        let e = Config::load(None, &[], &flags).unwrap_err().to_string();
        assert!(e.contains("sqlite://") && !e.contains(":pw@"), "{e}");
        let map = |url: &str, attribution: &str| {
            let env = vec![
                ("BEREDSKAP_MAP__TILES_URL".to_owned(), url.to_owned()),
                (
                    "BEREDSKAP_MAP__ATTRIBUTION".to_owned(),
                    attribution.to_owned(),
                ),
            ];
            Config::load(None, &env, &FlagOverrides::default()).map_err(|e| e.to_string())
        };
        let osm = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
        let c = map(osm, "© OpenStreetMap contributors").unwrap();
        assert_eq!(c.map.tiles().map(|t| t.url).as_deref(), Some(osm));
        let e = map("https://tile.openstreetmap.org/{z}/{x}.png", "©").unwrap_err();
        assert!(
            e.contains("map.tiles_url") && e.contains("{z}, {x} and {y}"),
            "{e}"
        );
        let e = map(osm, "").unwrap_err();
        assert!(e.contains("map.attribution"), "{e}");
        assert_eq!(Config::default().map.tiles(), None);
    }

    #[test]
    fn sign_on_is_checked_and_read() {
        let staff = |pairs: &[(&str, &str)]| {
            let env: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (format!("BEREDSKAP_SIGN_ON__STAFF__{k}"), (*v).to_owned()))
                .collect();
            Config::load(None, &env, &FlagOverrides::default()).map_err(|e| e.to_string())
        };
        let good = [
            ("ISSUER", "https://login.example.se/realms/kommun"),
            ("CLIENT_ID", "beredskap"),
            ("CLIENT_SECRET", "s3cret"),
            ("ROLES", "beredskap-admin=admin,beredskap-kundtjanst=agent"),
            ("REQUIRED_AMR", "mfa, hwk"),
        ];
        let c = staff(&good).unwrap();
        let settings = c.service_settings(false).sign_on;
        assert_eq!(settings.configured(), vec![domain::role::SignOn::Staff]);
        let p = settings.staff.unwrap();
        assert_eq!(p.scopes, vec!["profile", "email"]);
        match p.rules {
            services::auth::ClaimRules::Staff {
                role_claim,
                roles,
                required_amr,
            } => {
                assert_eq!(role_claim, "groups");
                assert_eq!(roles.len(), 2);
                assert_eq!(required_amr, vec!["mfa", "hwk"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{:?}", c.sign_on).contains("s3cret"));
        assert_eq!(c.redacted().sign_on.staff.client_secret, "***");
        let e = staff(&good[..3]).unwrap_err();
        assert!(
            e.contains("sign_on.staff needs role_claim and roles"),
            "{e}"
        );
        let e = staff(&[good[0], good[1], good[2], ("ROLES", "alla=customer")]).unwrap_err();
        assert!(
            e.contains("sign_on.staff.roles") && e.contains("not a staff role"),
            "{e}"
        );
        let e = staff(&good[..1]).unwrap_err();
        assert!(e.contains("client_id and client_secret"), "{e}");
        let e = staff(&[("ISSUER", "login.example.se"), good[1], good[2], good[3]]).unwrap_err();
        assert!(e.contains("sign_on.staff.issuer"), "{e}");
        assert!(
            Config::default()
                .service_settings(false)
                .sign_on
                .configured()
                .is_empty()
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let mut c = Config::default();
        c.database.url = "postgres://app:hunter2@db/beredskap".into();
        c.mail.sms = Some(SmsConfig {
            url: "https://sms".into(),
            token: "tok-secret".into(),
            sender: "KEM".into(),
        });
        c.privacy.declaration_keys = "k1:S0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0U=".into();
        c.http.metrics_token = "skrapnyckel".into();
        c.security.keys = "s1:U0VDUkVUU0VDUkVUU0VDUkVUU0VDUkVUU0VDUkVUMTI=".into();
        c.validate().unwrap();
        let printed = toml::to_string(&c.redacted()).unwrap();
        assert!(
            !printed.contains("hunter2")
                && !printed.contains("tok-secret")
                && !printed.contains("S0VZS0VZ")
                && !printed.contains("skrapnyckel")
                && !printed.contains("U0VDUkVU"),
            "{printed}"
        );
        assert!(!format!("{c:?}").contains("U0VDUkVU"));
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!format!("{c:?}").contains("skrapnyckel"));
        assert!(!format!("{c:?}").contains("S0VZS0VZ"));
        c.privacy.declaration_keys = "k1:short".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("privacy.declaration_keys"), "{e}");
        c.privacy.declaration_keys = String::new();
        c.security.keys = "s1".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("security.keys") && e.contains("NAME:BASE64"),
            "{e}"
        );
        c.security.keys = String::new();
        c.http.trusted_proxies = "127.0.0.1, proxy.internal".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("http.trusted_proxies") && e.contains("proxy.internal"),
            "{e}"
        );
    }
}

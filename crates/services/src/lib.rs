//! Use cases of Beredskap: one function per user-visible operation.
//!
//! Services own transaction boundaries, read the clock through [`Clock`], write the audit log and
//! queue notifications in the outbox. The web handlers, the job workers and the CLI all call the
//! same functions, so a rule is never written twice. Nothing here knows about HTTP.
//!
//! Each capability is a handle on [`Services`] (`services.accounts()`, `services.customers()`,
//! `services.policies()`, …) with its operations and its `roles` module; what every capability
//! shares (the store, the clock, settings, the audit log, telling customers) stays on `Services`.

pub mod audit;
pub mod auth;
pub mod campaign;
pub mod capability;
pub mod cases;
pub mod chat;
pub mod clock;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod customers;
pub mod declarations;
pub mod demo;
pub mod error;
pub mod import;
pub mod keys;
pub mod modes;
pub mod outbox;
pub mod policies;
pub mod portal;
pub mod registers;
pub mod suppliers;
pub mod visits;

use std::sync::Arc;

pub use clock::{Clock, FixedClock, OffsetClock, SystemClock};
use domain::ids::{CustomerId, UserId};
pub use error::ServiceError;
use jiff::tz::TimeZone;
use store::Store;

/// Settings that services need, composed by the binary from the configuration tree.
#[derive(Clone, Debug, Default)]
pub struct ServiceSettings {
    /// Demo mode: messages are kept on the Outbox page instead of being sent.
    pub demo_mode: bool,
    pub auth: auth::AuthSettings,
    pub mail: outbox::TransportSettings,
    /// The address customers reach this installation at, for links in messages
    /// (`https://kund.example.se`); no trailing slash.
    pub public_url: String,
    /// Keys that seal "no home visits" declarations (`privacy.declaration_keys`); the first
    /// seals. Empty in demo mode means a key for this process only.
    pub declaration_keys: declarations::Keyring,
    /// Keys of the server's own signatures (`security.keys`): links, the audit chain, sealed
    /// second-factor secrets. Empty in demo mode means a key for this process only; empty
    /// otherwise (tests, tools) means the legacy ways: a link key kept in the database, an
    /// unkeyed audit chain, plain second-factor secrets.
    pub security_keys: keys::Keyring,
    /// Search time of a campaign planning run started from the planner's page (default 10 s).
    pub plan_seconds: Option<u64>,
    /// How often the worker shows that it and the job in hand are alive
    /// (`worker.heartbeat_seconds`; default 15 s). Six beats missed and the worker is taken for
    /// dead ([`Services::worker_silent_limit`]).
    pub heartbeat: Option<std::time::Duration>,
    /// Where provisioning orders for broadband upgrades are sent (`community.provisioning_url`).
    pub provisioning: community::ProvisioningSettings,
    /// Single sign-on through OpenID Connect providers (`sign_on.staff`, `sign_on.customer`).
    pub sign_on: auth::SignOnSettings,
}

/// The shared queues (see [`Services::backlog`]).
#[derive(Debug, Clone, Copy)]
pub struct Backlog {
    pub jobs: store::jobs::QueueStats,
    pub outbox_pending: i64,
    /// When the oldest message waiting was written (microseconds).
    pub outbox_oldest_at: Option<i64>,
    /// Planning runs from the planner's page going on, on any server.
    pub plan_runs: i64,
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct Services {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    tz: TimeZone,
    settings: ServiceSettings,
    /// A hash to verify against when the account does not exist, so that a login for an unknown
    /// name costs as much time as one for a known name.
    dummy_hash: String,
    /// Key of the MACs in the links sent to customers; read from the database once.
    link_secret: std::sync::OnceLock<Vec<u8>>,
    /// The public URL when configuration leaves it empty: set once the server has bound.
    bound_url: std::sync::OnceLock<String>,
    /// The declaration keys in use: the configured ones, or the demo's own.
    declaration_keys: declarations::Keyring,
    /// The security keys in use: the configured ones, or the demo's own.
    security_keys: keys::Keyring,
    /// The chat's own state (its fan-out of events to this process's sockets), shared by
    /// clock views; only the chat handle reaches into it.
    chat: chat::State,
    /// Password hashing (argon2, ~50 MiB and tens of milliseconds each) runs on the blocking
    /// pool, at most one per core at a time: a burst of logins queues here instead of taking
    /// the async workers from every other request.
    hashing: Arc<tokio::sync::Semaphore>,
    /// When this process's background worker last showed it was alive (microseconds on the
    /// clock); 0 while no worker runs here. `/readyz` reads it.
    worker_beat: Arc<std::sync::atomic::AtomicI64>,
}

impl Services {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: ServiceSettings) -> Services {
        let dummy_hash = auth::hash_password_with(&settings.auth, "dummy password for timing")
            .unwrap_or_default();
        let declaration_keys = if settings.declaration_keys.is_empty() && settings.demo_mode {
            declarations::Keyring::ephemeral()
        } else {
            settings.declaration_keys.clone()
        };
        let security_keys = if settings.security_keys.is_empty() && settings.demo_mode {
            keys::Keyring::ephemeral()
        } else {
            settings.security_keys.clone()
        };
        Services {
            inner: Arc::new(Inner {
                store,
                clock,
                tz: domain::time::stockholm(),
                settings,
                dummy_hash,
                link_secret: std::sync::OnceLock::new(),
                bound_url: std::sync::OnceLock::new(),
                declaration_keys,
                security_keys,
                chat: chat::State::default(),
                hashing: Arc::new(tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(1, |n| n.get()),
                )),
                worker_beat: Arc::default(),
            }),
        }
    }

    /// The same database and settings seen from another clock (the demo books its visits as
    /// if days ago).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Services {
        Services {
            inner: Arc::new(Inner {
                store: self.inner.store.clone(),
                clock,
                tz: self.inner.tz.clone(),
                settings: self.inner.settings.clone(),
                dummy_hash: self.inner.dummy_hash.clone(),
                link_secret: std::sync::OnceLock::new(),
                bound_url: std::sync::OnceLock::new(),
                declaration_keys: self.inner.declaration_keys.clone(),
                security_keys: self.inner.security_keys.clone(),
                chat: self.inner.chat.clone(),
                hashing: self.inner.hashing.clone(),
                worker_beat: self.inner.worker_beat.clone(),
            }),
        }
    }

    pub(crate) fn declaration_keys(&self) -> &declarations::Keyring {
        &self.inner.declaration_keys
    }

    pub(crate) fn security_keys(&self) -> &keys::Keyring {
        &self.inner.security_keys
    }

    /// Accounts: login, sessions, passwords, TOTP, roles, API tokens.
    pub fn accounts(&self) -> auth::Accounts {
        auth::Accounts::new(self.clone())
    }

    pub fn registers(&self) -> registers::Registers {
        registers::Registers::new(self.clone())
    }

    /// Customers: search, detail, the audited identity reveal, the customer's own overview.
    pub fn customers(&self) -> customers::Customers {
        customers::Customers::new(self.clone())
    }

    /// Policies and modes: what is in force, and changing it.
    pub fn policies(&self) -> policies::Policies {
        policies::Policies::new(self.clone())
    }

    /// Checks a password against its argon2 hash on the blocking pool, one per core at a time.
    pub(crate) async fn verify_password(&self, hash: &str, password: &str) -> bool {
        let Ok(_turn) = self.inner.hashing.acquire().await else {
            return false;
        };
        let (settings, hash, password) = (
            self.inner.settings.auth.clone(),
            hash.to_owned(),
            password.to_owned(),
        );
        tokio::task::spawn_blocking(move || auth::verify_password(&settings, &hash, &password))
            .await
            .unwrap_or(false)
    }

    /// Hashes a secret with argon2 on the blocking pool, one per core at a time (as
    /// [`Services::verify_password`] checks it).
    pub(crate) async fn hash_password(&self, password: &str) -> error::Result<String> {
        let _turn = self
            .inner
            .hashing
            .acquire()
            .await
            .map_err(|_| ServiceError::Internal("the hashing pool is closed".into()))?;
        let (settings, password) = (self.inner.settings.auth.clone(), password.to_owned());
        tokio::task::spawn_blocking(move || auth::hash_password_with(&settings, &password))
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))?
    }

    /// The hash a login for an unknown account is checked against (same cost as a real one).
    pub(crate) fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    pub fn now_micros(&self) -> i64 {
        domain::time::to_micros(self.now())
    }

    /// The shared queues as the metrics show them: background jobs, and messages not yet sent.
    pub async fn backlog(&self) -> error::Result<Backlog> {
        let jobs = store::jobs::queue_stats(self.store(), self.now_micros()).await?;
        let (outbox_pending, outbox_oldest_at) = store::outbox::backlog(self.store()).await?;
        let plan_runs = store::campaign::runs::running(self.store()).await?;
        Ok(Backlog {
            jobs,
            outbox_pending,
            outbox_oldest_at,
            plan_runs,
        })
    }

    /// How often a worker beats (`worker.heartbeat_seconds`, 15 s unless configured).
    pub fn heartbeat_every(&self) -> std::time::Duration {
        self.inner
            .settings
            .heartbeat
            .unwrap_or(std::time::Duration::from_secs(15))
    }

    /// A worker silent this long (six beats) is taken for dead: its job goes back to the queue
    /// (`jobs::requeue_orphans`), and `/readyz` says the server is not ready. 90 s by default.
    pub fn worker_silent_limit(&self) -> std::time::Duration {
        self.heartbeat_every() * 6
    }

    /// The background worker of this process is alive (its loop turned, or a job in hand beat).
    pub fn note_worker_alive(&self) {
        self.inner
            .worker_beat
            .store(self.now_micros(), std::sync::atomic::Ordering::Relaxed);
    }

    /// How long since this process's worker last showed it was alive; `None` when no worker
    /// runs here.
    pub fn worker_silent_for(&self) -> Option<std::time::Duration> {
        let beat = self
            .inner
            .worker_beat
            .load(std::sync::atomic::Ordering::Relaxed);
        (beat != 0).then(|| {
            std::time::Duration::from_micros(u64::try_from(self.now_micros() - beat).unwrap_or(0))
        })
    }

    pub fn tz(&self) -> &TimeZone {
        &self.inner.tz
    }

    /// Today's civil date in Stockholm.
    pub fn today(&self) -> jiff::civil::Date {
        domain::time::civil_date(self.now(), &self.inner.tz)
    }

    pub fn settings(&self) -> &ServiceSettings {
        &self.inner.settings
    }

    /// Base of the links in messages, without a trailing slash.
    pub fn public_url(&self) -> &str {
        let u = self.inner.settings.public_url.trim_end_matches('/');
        if !u.is_empty() {
            return u;
        }
        self.inner
            .bound_url
            .get()
            .map_or("http://localhost:8080", String::as_str)
    }

    /// Records the address the server listens on, used for links when no public URL is set.
    pub fn set_bound_url(&self, url: String) {
        let _ = self.inner.bound_url.set(url);
    }

    /// The meter-exchange campaign.
    pub fn campaign(&self) -> campaign::Campaign {
        campaign::Campaign::new(self.clone())
    }

    /// "No home visits" declarations.
    pub fn declarations(&self) -> declarations::Declarations {
        declarations::Declarations::new(self.clone())
    }

    pub fn demo_mode(&self) -> bool {
        self.inner.settings.demo_mode
    }

    /// Customer-service cases: `services.cases().open(…)`.
    pub fn cases(&self) -> cases::Cases {
        cases::Cases::new(self.clone())
    }

    /// The chat, with its own hub of events: `services.chat().start(…)`.
    pub fn chat(&self) -> chat::Chat {
        chat::Chat::new(self.clone())
    }

    /// "Mina sidor" and the portal policy: `services.portal().attention(…)`.
    pub fn portal(&self) -> portal::Portal {
        portal::Portal::new(self.clone())
    }

    /// The customer centre: sites, bookings, the desk, the waitlist, caps and signed links.
    pub fn visits(&self) -> visits::Visits {
        visits::Visits::new(self.clone())
    }

    /// Credit: invoices and payments, BgMax, dunning, extensions, the board report.
    pub fn credit(&self) -> credit::Credit {
        credit::Credit::new(self.clone())
    }
}

/// Who is acting, for the audit log and for access decisions inside services.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub role: Option<domain::role::Role>,
    pub customer_id: Option<CustomerId>,
    /// The client's address as the server saw it.
    pub address: String,
}

impl Actor {
    pub fn anonymous(address: &str) -> Actor {
        Actor {
            user_id: None,
            name: "anonymous".into(),
            role: None,
            customer_id: None,
            address: address.into(),
        }
    }

    /// Whether the actor may act in one of `roles`: someone holding one of them, or the system
    /// (the worker, the command line), which acts without a role. An anonymous visitor (who
    /// has an address) never may.
    pub fn require(&self, roles: &[domain::role::Role]) -> crate::error::Result<()> {
        match self.role {
            Some(r) if roles.contains(&r) => Ok(()),
            None if self.user_id.is_none()
                && self.customer_id.is_none()
                && self.address == Actor::system().address =>
            {
                Ok(())
            }
            _ => Err(crate::error::ServiceError::Forbidden),
        }
    }

    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "system".into(),
            role: None,
            customer_id: None,
            address: "-".into(),
        }
    }
}

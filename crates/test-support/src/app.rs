//! The application half: databases on both backends, services, the router in-process.

use std::sync::Arc;

use crate::skip;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use services::{FixedClock, ServiceSettings, Services};
use store::{ConnectOptions, Store};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Both backends, in the order tests run them.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn pg_admin_url() -> String {
    std::env::var("BEREDSKAP_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile_dir::TempDir>,
    pg_name: Option<String>,
}

mod tempfile_dir {
    /// A temporary directory removed on drop (no extra crate needed for this much).
    pub struct TempDir(pub std::path::PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = pg_admin_url();
            // Drop from a thread with its own runtime: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let pool = sqlx::PgPool::connect(&admin).await.ok()?;
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    Some(())
                })
            })
            .join();
        }
    }
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let r: u32 = rand::random();
    format!("{prefix}_{}_{n}_{r:08x}", std::process::id())
}

/// A PostgreSQL URL without its database name: the server other databases are made on.
fn server_of(url: &str) -> &str {
    url.rsplit_once('/').map_or(url, |(server, _)| server)
}

/// A fresh, empty database (not migrated). `None` when the backend is unavailable outside CI.
pub async fn test_db(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique("beredskap_test"));
            if let Err(e) = std::fs::create_dir_all(&dir) {
                skip(&format!(
                    "SQLite: no temporary directory {} ({e})",
                    dir.display()
                ));
                return None;
            }
            let url = format!("sqlite://{}", dir.join("test.sqlite").display());
            Some(TestDb {
                url,
                backend,
                _dir: Some(tempfile_dir::TempDir(dir)),
                pg_name: None,
            })
        }
        Backend::Postgres => {
            let admin = pg_admin_url();
            let pool = match sqlx::PgPool::connect(&admin).await {
                Ok(p) => p,
                Err(e) => {
                    skip(&format!(
                        "PostgreSQL at {} ({e})",
                        store::backend::redact_url(&admin)
                    ));
                    return None;
                }
            };
            let name = unique("bt");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&pool)
                .await
                .expect("creating a test database");
            pool.close().await;
            Some(TestDb {
                url: format!("{}/{name}", server_of(&admin)),
                backend,
                _dir: None,
                pg_name: Some(name),
            })
        }
    }
}

/// A copy of a database nobody is connected to: the SQLite file copied, or a PostgreSQL
/// database made with the first as its template. Tests build a costly state once and start
/// each round from a copy.
pub async fn copy_db(from: &TestDb) -> TestDb {
    match from.backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique("beredskap_test"));
            std::fs::create_dir_all(&dir).expect("creating a test directory");
            let source = from
                .url
                .strip_prefix("sqlite://")
                .expect("a sqlite:// test URL");
            let target = dir.join("test.sqlite");
            for suffix in ["", "-wal", "-shm"] {
                let s = format!("{source}{suffix}");
                if std::path::Path::new(&s).exists() {
                    std::fs::copy(&s, format!("{}{suffix}", target.display()))
                        .expect("copying the test database");
                }
            }
            TestDb {
                url: format!("sqlite://{}", target.display()),
                backend: Backend::Sqlite,
                _dir: Some(tempfile_dir::TempDir(dir)),
                pg_name: None,
            }
        }
        Backend::Postgres => {
            let template = from.pg_name.as_deref().expect("a test database's name");
            let pool = sqlx::PgPool::connect(&pg_admin_url())
                .await
                .expect("PostgreSQL went away");
            let name = unique("bt");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            )))
            .execute(&pool)
            .await
            .expect("copying a test database");
            pool.close().await;
            TestDb {
                url: format!("{}/{name}", server_of(&from.url)),
                backend: Backend::Postgres,
                _dir: None,
                pg_name: Some(name),
            }
        }
    }
}

/// A migrated store on a fresh database.
pub async fn test_store(backend: Backend) -> Option<(Store, TestDb)> {
    let db = test_db(backend).await?;
    let store = Store::connect(
        &db.url,
        &ConnectOptions {
            create_if_missing: true,
            ..Default::default()
        },
    )
    .await
    .expect("connecting to the test database");
    store.migrate().await.expect("migrating the test database");
    Some((store, db))
}

/// Monday 2026-11-23 10:00 Stockholm: a fixed, ordinary working day.
/// Runs the queued jobs due now, one after another as a server's worker would, until none is
/// left; returns how many ran (failed ones included).
pub async fn run_due_jobs(services: &Services) -> usize {
    let transports =
        services::outbox::Transports::from_settings(&Default::default()).expect("transports");
    jobs::run_pending(services, &transports)
        .await
        .expect("the queue")
}

pub fn test_now() -> jiff::Timestamp {
    "2026-11-23T09:00:00Z".parse().expect("valid timestamp")
}

/// Settings for tests: cheap password hashing (the production parameters are tested on their own).
pub fn test_settings(demo_mode: bool) -> ServiceSettings {
    let mut s = ServiceSettings {
        demo_mode,
        ..Default::default()
    };
    s.auth.argon2_memory_kib = 1024;
    s.plan_seconds = Some(1);
    // Keys as a server running for real has them (`serve` requires them), so the tests sign
    // links, key the audit chain and seal second-factor secrets the way production does.
    s.security_keys = test_security_keys();
    s
}

/// The tests' `security.keys`: one key named `test`.
pub fn test_security_keys() -> services::keys::Keyring {
    services::keys::Keyring::parse("test:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE=")
        .expect("a valid test key")
}

/// The application on a fresh database, driven in-process.
pub struct TestApp {
    pub services: Services,
    pub clock: Arc<FixedClock>,
    pub router: Router,
    pub backend: Backend,
    _db: TestDb,
}

/// A logged-in session as a browser would hold it.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .iter()
            .filter_map(|c| c.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The CSRF token a page's forms carry.
    pub fn csrf(&self) -> Option<String> {
        let i = self.body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
        Some(self.body[i..].split('"').next()?.to_owned())
    }
}

impl TestApp {
    /// An empty, migrated application; `None` when the backend is unavailable outside CI.
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::build(backend, false).await
    }

    /// The small demo town, demo accounts included.
    pub async fn demo(backend: Backend) -> Option<TestApp> {
        Self::build(backend, true).await
    }

    async fn build(backend: Backend, demo: bool) -> Option<TestApp> {
        Self::build_with(backend, demo, web::HttpSettings::default()).await
    }

    /// The demo town served with these HTTP settings (cookies stay secure, the demo hint on).
    pub async fn demo_with(backend: Backend, http: web::HttpSettings) -> Option<TestApp> {
        Self::build_with(backend, true, http).await
    }

    async fn build_with(backend: Backend, demo: bool, http: web::HttpSettings) -> Option<TestApp> {
        let (store, db) = test_store(backend).await?;
        let clock = Arc::new(FixedClock::new(test_now()));
        let services = Services::new(store, clock.clone(), test_settings(demo));
        if demo {
            services
                .generate_demo(services::demo::DemoSize::Small, 42, &services::demo::Quiet)
                .await
                .expect("demo town");
        }
        let http = web::HttpSettings {
            secure_cookies: true,
            show_demo_hint: demo,
            ..http
        };
        let router = web::router(web::AppState::new(services.clone(), http));
        Some(TestApp {
            services,
            clock,
            router,
            backend,
            _db: db,
        })
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.request_from(None, method, path, session, body, headers)
            .await
    }

    /// [`TestApp::request`] as if it came over a socket from `peer` (the server sees the peer's
    /// address as the connection's, as `web::serve` gives it).
    pub async fn request_from(
        &self,
        peer: Option<std::net::SocketAddr>,
        method: Method,
        path: &str,
        session: Option<&Session>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if let Some(s) = session {
            b = b.header("cookie", &s.cookie);
        }
        if body.is_some()
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            b = b.header("content-type", "application/x-www-form-urlencoded");
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .expect("request");
        if let Some(peer) = peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Calls the JSON API with a bearer token, as an API client does: the status and the body
    /// as JSON (`null` when it is not JSON).
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (axum::http::StatusCode, serde_json::Value) {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("authorization", bearer.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let r = self
            .request(method, path, None, body.map(|v| v.to_string()), &headers)
            .await;
        (
            r.status,
            serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> TestResponse {
        self.request(Method::GET, path, session, None, &[]).await
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(
        &self,
        path: &str,
        session: Option<&Session>,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(s) = session {
            all.push(("csrf".into(), s.csrf.clone()));
        }
        self.request(Method::POST, path, session, Some(encode(&all)), &[])
            .await
    }

    /// Uploads one file as a browser's `multipart/form-data` form does, the CSRF token as the
    /// form's first field as the upload forms carry it.
    pub async fn upload(
        &self,
        path: &str,
        session: &Session,
        field: &str,
        file_name: &str,
        content: &str,
    ) -> TestResponse {
        let boundary = "----beredskap-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n",
            session.csrf
        );
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.request(
            Method::POST,
            path,
            Some(session),
            Some(body),
            &[("content-type", &content_type)],
        )
        .await
    }

    /// An anonymous visitor's pre-session cookie and token, as the login page hands them out.
    pub async fn anonymous(&self) -> Session {
        let page = self.get("/logga-in", None).await;
        let token = page
            .cookie("__Host-beredskap-csrf")
            .expect("pre-session csrf cookie");
        Session {
            cookie: format!("__Host-beredskap-csrf={token}"),
            csrf: token,
        }
    }

    /// Logs in through the login form and returns the session (second factor not handled).
    pub async fn try_login(
        &self,
        username: &str,
        password: &str,
    ) -> (TestResponse, Option<Session>) {
        let anon = self.anonymous().await;
        let resp = self
            .post(
                "/logga-in",
                Some(&anon),
                &[("username", username), ("password", password)],
            )
            .await;
        let Some(token) = resp.cookie("__Host-beredskap") else {
            return (resp, None);
        };
        let session = self.session_with(&token, &anon.cookie).await;
        (resp, Some(session))
    }

    /// Logs in through the form, completing the second factor (enrolling one, as a member of
    /// staff's first login does) when the account owes it.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let (resp, s) = self.try_login(username, password).await;
        let s = s
            .unwrap_or_else(|| panic!("login as {username} failed: {} {}", resp.status, resp.body));
        if resp.location() != Some("/logga-in/totp") {
            return s;
        }
        self.second_factor(username, s).await
    }

    /// Logs in a demo account (the administrator owes a second factor, the others not).
    pub async fn login_demo(&self, username: &str) -> Session {
        self.login(username, "demo").await
    }

    /// Completes the second factor of a half-open session: enrols TOTP when the account has
    /// none, then enters the current code.
    async fn second_factor(&self, username: &str, s: Session) -> Session {
        let page = self.get("/logga-in/totp", Some(&s)).await;
        let s = Session {
            csrf: page.csrf().expect("csrf on totp page"),
            ..s
        };
        let row = store::users::by_username(self.services.store(), username)
            .await
            .expect("db")
            .expect("user");
        let secret = match (row.totp_enabled, row.totp_secret.clone()) {
            (true, Some(secret)) => secret,
            _ => {
                let page = self.post("/logga-in/totp/ny", Some(&s), &[]).await;
                page.body
                    .split("<code>")
                    .nth(1)
                    .and_then(|x| x.split("</code>").next())
                    .expect("secret shown")
                    .to_owned()
            }
        };
        // A code is good once: the next login of the same account waits for the next step.
        self.clock.advance(jiff::SignedDuration::from_secs(30));
        let code = self
            .services
            .accounts()
            .totp_code_for(row.id, &secret)
            .expect("totp code");
        let done = self
            .post("/logga-in/totp", Some(&s), &[("code", &code)])
            .await;
        let token = done
            .cookie("__Host-beredskap")
            .unwrap_or_else(|| panic!("totp failed: {} {}", done.status, done.body));
        self.session_with(&token, s.cookie.split("; ").nth(1).unwrap_or_default())
            .await
    }

    /// A session from a session token and the pre-session cookie, with the CSRF token its
    /// pages carry.
    async fn session_with(&self, token: &str, pre_session_cookie: &str) -> Session {
        let cookie = format!("__Host-beredskap={token}; {pre_session_cookie}");
        let probe = self
            .get(
                "/konto",
                Some(&Session {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await;
        Session {
            cookie,
            csrf: probe.csrf().unwrap_or_default(),
        }
    }

    /// The id of an account.
    pub async fn user_id(&self, username: &str) -> domain::ids::UserId {
        store::users::by_username(self.services.store(), username)
            .await
            .expect("db")
            .expect("user")
            .id
    }
}

pub fn encode(fields: &[(String, String)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

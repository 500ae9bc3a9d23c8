//! The HTTP face of Beredskap: every route in one table, authentication, CSRF, pages and JSON API.
//!
//! [`router`] builds the axum router from the specs in [`routes::table`]: each route
//! names its method, path and who may call it, and the guard enforces exactly that on the server.
//! The checked-in access matrix (`docs/access-matrix.md`) must list every route; a test walks the
//! table, fails on a missing row, and checks every allowance and every denial with real requests.
//! Handlers are thin: extract, call one service, render a view or a DTO. Each capability is a
//! module with its `routes()` (`account`, `customers`, `admin`, `home`, `visits`, `credit`, …),
//! its handlers split by audience where it has several.

pub mod access;
pub mod account;
pub mod admin;
pub mod api;
pub mod campaign;
pub mod cases;
pub mod chat;
pub mod community;
pub mod continuity;
pub mod credit;
pub mod ctx;
pub mod customers;
pub mod error;
pub mod forwarded;
pub mod home;
pub mod map;
pub mod metrics;
pub mod middleware;
pub mod modes;
pub mod pages;
pub mod portal;
pub mod routes;
pub mod session;
pub mod suppliers;
pub mod visits;

use std::sync::Arc;

use axum::Router;
use services::Services;

pub use routes::{RouteSpec, table};

/// HTTP settings owned by this crate; the binary fills them from configuration.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Cookies carry `Secure` (and the `__Host-` prefix). Only a plain-HTTP test rig turns this off.
    pub secure_cookies: bool,
    /// Show the demo logins on the login page (demo mode only).
    pub show_demo_hint: bool,
    /// The bearer token a scraper of `/metrics` sends; without one, only requests from this
    /// machine (loopback) may read the metrics.
    pub metrics_token: Option<secrecy::SecretString>,
    /// How often an open chat socket re-checks its session (and, for agents, refreshes their
    /// presence): a socket whose session ended closes at the next check.
    pub socket_session_check: std::time::Duration,
    /// The tile source the maps draw over (`map.tiles_url`); without one, maps are SVG only.
    pub map_tiles: Option<views::map::Tiles>,
    /// Reverse proxies whose forwarding headers are believed (`http.trusted_proxies`): see
    /// [`forwarded`].
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            secure_cookies: true,
            show_demo_hint: false,
            metrics_token: None,
            socket_session_check: std::time::Duration::from_secs(30),
            map_tiles: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub http: Arc<HttpSettings>,
    pub metrics: Arc<metrics::Metrics>,
    /// Open chat sockets per session on this server.
    pub sockets: Arc<chat::limits::SocketCounts>,
    /// The content security policy of every response (it names the map's tile source).
    pub csp: axum::http::HeaderValue,
    /// Cancelled when this server begins to shut down: open sockets close with a hint to
    /// reconnect (to another server behind the load balancer).
    pub closing: tokio_util::sync::CancellationToken,
}

impl AppState {
    pub fn new(services: Services, http: HttpSettings) -> AppState {
        let csp = map::content_security_policy(http.map_tiles.as_ref());
        AppState {
            csp: axum::http::HeaderValue::from_str(&csp)
                .expect("the policy is ASCII: tile sources are checked by map::tile_source"),
            services,
            http: Arc::new(http),
            metrics: Arc::new(metrics::Metrics::default()),
            sockets: Arc::default(),
            closing: tokio_util::sync::CancellationToken::new(),
        }
    }
}

/// The whole application: routes, guards and the middleware stack.
pub fn router(state: AppState) -> Router {
    let mut r = Router::new();
    for spec in routes::table() {
        r = r.route(spec.path, access::guarded(spec, state.clone()));
    }
    r.fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::csrf_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::session_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            forwarded::layer,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
        // gzip for clients that ask (pages, scripts, JSON, CSV); not images, not small bodies,
        // not a WebSocket's upgrade. Leaflet goes from 147 KB to about 43 KB, which a phone on a
        // mobile network feels.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Serves the application on a bound listener until `shutdown` completes, with client addresses
/// available to handlers (login rate limiting, audit).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let closing = state.closing.clone();
    axum::serve(
        without_delay(listener),
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        // Requests in flight finish; sockets close with a reconnect hint.
        closing.cancel();
    })
    .await
}

/// The listener with `TCP_NODELAY` on every connection it accepts: a small write (a chat
/// message on a socket, a short response) goes out at once instead of waiting for the
/// client's delayed ACK (Nagle's algorithm), which cost about 40 ms per chat message.
fn without_delay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn no_delay(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY on a connection");
        }
    }
    listener.tap_io(no_delay as fn(&mut tokio::net::TcpStream))
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn connections_are_accepted_without_nagles_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = super::without_delay(listener);
        let client = tokio::net::TcpStream::connect(addr);
        let ((server_side, _), client) = tokio::join!(listener.accept(), client);
        let client = client.unwrap();
        assert!(
            !client.nodelay().unwrap(),
            "the control: a socket starts with Nagle on"
        );
        assert!(server_side.nodelay().unwrap());
    }
}

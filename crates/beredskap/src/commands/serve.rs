//! `beredskap serve`: HTTP and the background worker as sibling tasks, with graceful shutdown.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use services::{Services, SystemClock};
use tokio_util::sync::CancellationToken;

use crate::config::Config;

pub async fn run_serve(config: &Config) -> anyhow::Result<ExitCode> {
    let store = super::open_store(config, false).await?;
    // Without keys of its own, a server would sign links with a key kept in the database and
    // leave the audit chain unkeyed: anyone who can write to the database could forge both.
    if config.security.keys.trim().is_empty() {
        anyhow::bail!(
            "invalid configuration: security.keys is empty; a server that runs for real signs its links and its audit log with keys of its own: set BEREDSKAP_SECURITY__KEYS=1:$(openssl rand -base64 32) (docs/security.md)"
        );
    }
    store.migrate().await.context("migrating the database")?;
    let services = Services::new(store, Arc::new(SystemClock), config.service_settings(false));
    serve(config, services, false, None).await?;
    Ok(ExitCode::SUCCESS)
}

/// What to print once the listener accepts connections, given the address it really bound.
pub type OnReady = Box<dyn FnOnce(SocketAddr) -> String + Send>;

/// Serves until SIGINT or SIGTERM.
pub async fn serve(
    config: &Config,
    services: Services,
    demo: bool,
    on_ready: Option<OnReady>,
) -> anyhow::Result<()> {
    let addr: SocketAddr = crate::config::listen_addr(config)?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!(
            "listening on {addr}: is another program using the port? choose another with --listen"
        )
    })?;
    let state = web::AppState::new(
        services.clone(),
        web::HttpSettings {
            secure_cookies: config.http.secure_cookies,
            show_demo_hint: demo,
            metrics_token: Some(config.http.metrics_token.trim())
                .filter(|t| !t.is_empty())
                .map(|t| secrecy::SecretString::from(t.to_owned())),
            map_tiles: config.map.tiles(),
            // Checked by `Config::validate`.
            trusted_proxies: web::forwarded::parse_trusted(&config.http.trusted_proxies)
                .unwrap_or_default(),
            ..Default::default()
        },
    );
    let shutdown = CancellationToken::new();
    let worker = if config.worker.enabled {
        let transports = services::outbox::Transports::from_settings(&services.settings().mail)?;
        let settings = jobs::WorkerSettings {
            idle_sleep: std::time::Duration::from_millis(config.worker.idle_sleep_ms),
            ..Default::default()
        };
        Some(tokio::spawn(jobs::run_worker(
            services.clone(),
            transports,
            settings,
            shutdown.clone(),
        )))
    } else {
        None
    };
    let bound = listener.local_addr().context("reading the bound address")?;
    tracing::info!(addr = %bound, "listening");
    state.services.set_bound_url(if bound.ip().is_loopback() {
        format!("http://localhost:{}", bound.port())
    } else {
        format!("http://{bound}")
    });
    if let Some(msg) = on_ready {
        use std::io::Write;
        println!("{}", msg(bound));
        let _ = std::io::stdout().flush();
    }
    let token = shutdown.clone();
    let result = web::serve(listener, state, async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        token.cancel();
    })
    .await;
    shutdown.cancel();
    if let Some(w) = worker {
        let _ = w.await;
    }
    services.store().close().await;
    result.context("serving HTTP")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

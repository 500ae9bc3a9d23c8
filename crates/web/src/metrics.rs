//! Prometheus metrics: request counts by route and status, and a latency histogram by route.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

const BUCKETS: [f64; 11] = [
    0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route.to_owned()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP beredskap_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE beredskap_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "beredskap_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP beredskap_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE beredskap_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "beredskap_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "beredskap_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "beredskap_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "beredskap_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    // The route template, never the concrete path, so ids do not explode the label set.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

/// The metrics, for a scraper with the configured bearer token or, without a token configured,
/// for requests from this machine; anyone else gets 404 (the metrics tell an outsider how the
/// service is used).
pub async fn render(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    if !may_read_metrics(&state, &req) {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render() + &state_of_things(&state).await,
    )
        .into_response()
}

/// Gauges read at each scrape: the job queue and the outbox (shared by every server, from the
/// database), the planning runs (on any server), and this server's chat sockets and worker.
async fn state_of_things(state: &AppState) -> String {
    let s = &state.services;
    let now = s.now_micros();
    let age = |t: Option<i64>| t.map_or(0.0, |t| (now - t).max(0) as f64 / 1e6);
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, lines: &[(String, f64)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for (labels, v) in lines {
            let _ = writeln!(out, "{name}{labels} {v}");
        }
    };
    match s.backlog().await {
        Ok(b) => {
            let q = b.jobs;
            gauge(
                "beredskap_jobs",
                "Background jobs due and waiting, running, and failed for good.",
                &[
                    ("{state=\"due\"}".into(), q.due as f64),
                    ("{state=\"running\"}".into(), q.running as f64),
                    ("{state=\"failed\"}".into(), q.failed as f64),
                ],
            );
            gauge(
                "beredskap_jobs_oldest_due_seconds",
                "How long the oldest due job has waited.",
                &[(String::new(), age(q.oldest_due_at))],
            );
            gauge(
                "beredskap_outbox_pending",
                "Messages to customers and staff waiting to be sent.",
                &[(String::new(), b.outbox_pending as f64)],
            );
            gauge(
                "beredskap_outbox_oldest_pending_seconds",
                "How long the oldest waiting message has waited.",
                &[(String::new(), age(b.outbox_oldest_at))],
            );
            gauge(
                "beredskap_plan_runs_active",
                "Planning runs from the planner's page going on, on any server.",
                &[(String::new(), b.plan_runs as f64)],
            );
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the queues could not be read"),
    }
    gauge(
        "beredskap_websockets_open",
        "Chat sockets open on this server.",
        &[(String::new(), state.sockets.total() as f64)],
    );
    if let Some(silent) = s.worker_silent_for() {
        gauge(
            "beredskap_worker_silent_seconds",
            "Since this server's background worker last showed it was alive.",
            &[(String::new(), silent.as_secs_f64())],
        );
    }
    out
}

fn may_read_metrics(state: &AppState, req: &axum::extract::Request) -> bool {
    use secrecy::ExposeSecret;
    match &state.http.metrics_token {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                constant_time_eq(given.as_bytes(), token.expose_secret().as_bytes())
            }),
        // Only this machine itself, and never through a proxy (a proxy on this machine would
        // otherwise let the world in). In-process requests (tests) have no address.
        None => req
            .extensions()
            .get::<crate::forwarded::ClientAddress>()
            .is_none_or(|a| a.is_local_machine()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

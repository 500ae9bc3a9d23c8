//! Tracing to standard error: pretty for people, JSON for collectors; `RUST_LOG` wins. With
//! `log.otlp_endpoint` set, every span (a request, a job) also goes to an OpenTelemetry
//! collector over OTLP/HTTP, batched on a thread of its own, named by `service.name`
//! `beredskap` and `service.instance.id` (`host:pid`, as jobs name their worker).

use anyhow::Context;
use opentelemetry::trace::TracerProvider;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{Config, LogFormat};

/// Sends what is still batched when dropped (at the end of the command).
pub struct Guard(Option<SdkTracerProvider>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take()
            && let Err(e) = p.shutdown()
        {
            eprintln!("traces not all sent to the OpenTelemetry collector: {e}");
        }
    }
}

/// The OTLP trace endpoint of a collector's base address (`http://host:4318`), or the address
/// as given when it names the path already.
fn traces_url(endpoint: &str) -> String {
    let e = endpoint.trim().trim_end_matches('/');
    if e.ends_with("/v1/traces") {
        e.to_owned()
    } else {
        format!("{e}/v1/traces")
    }
}

fn provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(traces_url(endpoint))
        .build()
        .context("setting up the OpenTelemetry exporter (log.otlp_endpoint)")?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("beredskap")
        .with_attribute(opentelemetry::KeyValue::new(
            "service.instance.id",
            jobs::worker_name().to_owned(),
        ))
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

pub fn init(config: &Config) -> anyhow::Result<Guard> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.filter));
    let provider = match config.log.otlp_endpoint.trim() {
        "" => None,
        endpoint => Some(provider(endpoint)?),
    };
    let otel = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("beredskap")));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    // A second initialisation (tests) is harmless, so the error is ignored.
    let _ = match config.log.format {
        LogFormat::Json => registry.with(fmt.json()).try_init(),
        LogFormat::Pretty => registry.with(fmt.compact()).try_init(),
    };
    Ok(Guard(provider))
}

//! OpenTelemetry traces over OTLP/HTTP: a server with `log.otlp_endpoint` sends its request
//! spans to the collector, named `beredskap`, and the last batch goes out at SIGTERM. The
//! collector here is a few lines of HTTP that keep what they are sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::restore::ready;
use super::{bin, run, serve_on_free_port, stderr, temp};

/// What the collector was sent: path, content type and body of each request.
type Received = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A collector on a free port that answers every request with 200.
fn collector() -> (u16, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Received = Arc::default();
    let keep = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut out) = stream else { continue };
            let mut r = BufReader::new(out.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                let (mut len, mut kind) = (0usize, String::new());
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim_end().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.trim_end().split_once(':') {
                        match k.to_ascii_lowercase().as_str() {
                            "content-length" => len = v.trim().parse().unwrap_or(0),
                            "content-type" => kind = v.trim().to_owned(),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    break;
                }
                keep.lock().unwrap().push((path, kind, body));
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            }
        }
    });
    (port, got)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_sends_its_request_spans_to_the_collector() {
    let (port, got) = collector();
    let d = temp("otlp");
    std::fs::write(d.join("t.sqlite"), b"").unwrap();
    let o = run(
        bin().args(["migrate", "--database-url", "sqlite://t.sqlite"]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let endpoint = format!("http://127.0.0.1:{port}");
    let (mut server, http) = serve_on_free_port(
        &d,
        "sqlite://t.sqlite",
        &[("BEREDSKAP_LOG__OTLP_ENDPOINT", &endpoint)],
        std::process::Stdio::null(),
    );
    assert!(ready(http).await, "the server did not start");
    for _ in 0..3 {
        reqwest::get(format!("http://127.0.0.1:{http}/healthz"))
            .await
            .unwrap();
    }
    // SIGTERM: the server stops cleanly and sends what is still batched.
    std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let status = tokio::task::spawn_blocking(move || server.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    let got = got.lock().unwrap();
    let traces: Vec<_> = got.iter().filter(|(p, _, _)| p == "/v1/traces").collect();
    assert!(
        !traces.is_empty(),
        "nothing sent: {:?}",
        got.iter().map(|g| &g.0).collect::<Vec<_>>()
    );
    assert!(
        traces
            .iter()
            .all(|(_, kind, _)| kind == "application/x-protobuf")
    );
    let all: Vec<u8> = traces.iter().flat_map(|(_, _, b)| b.clone()).collect();
    for needle in [
        &b"beredskap"[..],
        b"service.instance.id",
        b"request",
        b"/healthz",
    ] {
        assert!(
            contains(&all, needle),
            "no {:?} in the spans sent",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn an_otlp_endpoint_that_is_not_plain_http_is_refused_at_start() {
    let d = temp("otlp-tls");
    let o = run(
        bin().args(["config", "--effective"]).env(
            "BEREDSKAP_LOG__OTLP_ENDPOINT",
            "https://collector.example.se",
        ),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("log.otlp_endpoint"), "{}", stderr(&o));
}

//! Logs for a collector: with `log.format = "json"` every request leaves one JSON line carrying
//! its id (the `x-request-id` the client got), method, path, status and time, never the query.

use std::io::Read;

use super::{bin, run, serve_on_free_port, stderr, temp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_leaves_a_json_line_with_its_id() {
    let d = temp("logs");
    let url = "sqlite://logs.sqlite";
    let o = run(bin().args(["migrate", "--database-url", url]), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    let (mut server, port) = serve_on_free_port(
        &d,
        url,
        &[("BEREDSKAP_LOG__FORMAT", "json")],
        std::process::Stdio::piped(),
    );
    let mut id = None;
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(format!(
            "http://127.0.0.1:{port}/healthz?personnummer=197803142384"
        ))
        .await
        {
            id = r
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = id.expect("the server answered with a request id");
    // Let the line be written, then stop the server and read what it logged.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let _ = server.kill();
    let _ = server.wait();
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        !log.contains("197803142384"),
        "the query is never logged: {log}"
    );
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let line = lines
        .iter()
        .find(|l| l["span"]["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no line for request {id}: {log}"));
    assert_eq!(line["fields"]["message"], "answered", "{line}");
    assert_eq!(line["fields"]["status"], 200, "{line}");
    assert_eq!(line["span"]["method"], "GET", "{line}");
    assert_eq!(line["span"]["path"], "/healthz", "{line}");
    assert!(line["fields"]["ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["level"], "INFO", "{line}");
}

//! Several `beredskap serve` processes on one database behind HAProxy, on loopback: started,
//! killed with SIGKILL, started again and stopped with SIGTERM, as `bench cluster` drives them.
//! Every process gets a log file of its own in the cluster's folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// One application server.
struct Server {
    port: u16,
    child: Option<Child>,
    /// How many times it was started.
    starts: u32,
}

/// The servers and the load balancer in front of them.
pub(super) struct Cluster {
    dir: PathBuf,
    url: String,
    env: Vec<(String, String)>,
    servers: Vec<Server>,
    haproxy: Option<Child>,
    /// Where the load balancer listens.
    pub lb_port: u16,
}

/// A new signing key for servers of a bench (`security.keys`): they must share one.
pub(super) fn new_security_keys() -> String {
    use base64::Engine;
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    format!(
        "1:{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn log_file(dir: &Path, name: &str) -> anyhow::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{name}.log")))
        .with_context(|| format!("opening the log of {name} in {}", dir.display()))
}

/// HAProxy's configuration: round robin over the servers, each checked on `/readyz` twice a
/// second and taken out after two failures; a request whose connection fails is sent to another
/// server (`retries`, `redispatch`); WebSockets may stay open for an hour. The API has a
/// backend of its own (the same servers), so the stats socket in `dir` counts the API requests
/// in flight on each server apart from the long-lived sockets; every answer names the server
/// that gave it (`x-served-by`, `<NOSRV>` for none), HAProxy's own errors included. An API
/// request whose server closed the connection without an answer is tried again elsewhere.
fn haproxy_config(dir: &Path, lb_port: u16, ports: &[u16]) -> String {
    let mut cfg = format!(
        "global\n  maxconn 4096\n  stats socket {sock} mode 600 level user\n\
         defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n  \
         timeout tunnel 1h\n  retries 2\n  option redispatch\n  option httpchk GET /readyz\n  \
         default-server inter 500ms fall 2 rise 1\n\
         frontend web\n  bind 127.0.0.1:{lb_port}\n  http-after-response set-header x-served-by %s\n  \
         use_backend api if {{ path_beg /api/ }}\n  default_backend app\n",
        sock = dir.join("haproxy.sock").display()
    );
    for backend in ["api", "app"] {
        cfg.push_str(&format!("backend {backend}\n  balance roundrobin\n"));
        if backend == "api" {
            // A request whose server died before answering is sent to another one: the API's
            // writes carry idempotency keys, so a second delivery books nothing twice.
            cfg.push_str("  retry-on conn-failure empty-response\n");
        }
        for (i, p) in ports.iter().enumerate() {
            cfg.push_str(&format!(
                "  server {} 127.0.0.1:{p} check\n",
                server_name(i)
            ));
        }
    }
    cfg
}

/// HAProxy's name for server `i` (`x-served-by`).
pub(super) fn server_name(i: usize) -> String {
    format!("s{i}")
}

/// API requests in flight on server `i` (queued or being served), from the row of the `api`
/// backend in `show stat` (columns `pxname,svname,qcur,qmax,scur,…`).
fn api_in_flight(stat: &str, i: usize) -> Option<u32> {
    let name = server_name(i);
    stat.lines().find_map(|l| {
        let f: Vec<&str> = l.split(',').collect();
        (f.len() > 4 && f[0] == "api" && f[1] == name)
            .then(|| Some(f[2].parse::<u32>().ok()? + f[4].parse::<u32>().ok()?))?
    })
}

/// Whether `GET /readyz` on this port answers 200 within `timeout`.
pub(super) async fn wait_ready(port: u16, timeout: Duration) -> bool {
    let client = reqwest::Client::new();
    let until = Instant::now() + timeout;
    while Instant::now() < until {
        let r = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if r.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// Waits for a process to exit until `until`; past it, kills it (`None`).
async fn wait_exit(mut child: Child, until: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

impl Cluster {
    /// Starts `n` servers on the migrated database at `url` with these extra environment
    /// variables, waits until each is ready, then starts HAProxy in front of them.
    pub(super) async fn start(
        dir: &Path,
        url: &str,
        n: usize,
        haproxy: &str,
        env: Vec<(String, String)>,
    ) -> anyhow::Result<Cluster> {
        let lb_port = free_port()?;
        let mut env = env;
        // Links in messages and the chat's Origin check name the load balancer's address.
        env.push((
            "BEREDSKAP_HTTP__PUBLIC_URL".into(),
            format!("http://127.0.0.1:{lb_port}"),
        ));
        let mut c = Cluster {
            dir: dir.to_owned(),
            url: url.to_owned(),
            env,
            servers: Vec::with_capacity(n),
            haproxy: None,
            lb_port,
        };
        for _ in 0..n {
            c.servers.push(Server {
                port: free_port()?,
                child: None,
                starts: 0,
            });
        }
        for i in 0..n {
            c.spawn(i)?;
        }
        for s in &c.servers {
            if !wait_ready(s.port, Duration::from_secs(60)).await {
                bail!(
                    "server on port {} was not ready within 60 s (see {})",
                    s.port,
                    dir.display()
                );
            }
        }
        let ports: Vec<u16> = c.servers.iter().map(|s| s.port).collect();
        let cfg = dir.join("haproxy.cfg");
        std::fs::write(&cfg, haproxy_config(dir, lb_port, &ports))?;
        let child = Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(log_file(dir, "haproxy")?)
            .spawn()
            .with_context(|| {
                format!("starting {haproxy}: install Debian's haproxy, or name it with --haproxy")
            })?;
        c.haproxy = Some(child);
        if !wait_ready(lb_port, Duration::from_secs(20)).await {
            bail!(
                "HAProxy on port {lb_port} did not answer (see {})",
                dir.join("haproxy.log").display()
            );
        }
        Ok(c)
    }

    fn spawn(&mut self, i: usize) -> anyhow::Result<()> {
        let exe = std::env::current_exe().context("finding this program")?;
        let s = &mut self.servers[i];
        let child = Command::new(exe)
            .args(["serve", "--database-url", &self.url, "--listen"])
            .arg(format!("127.0.0.1:{}", s.port))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log_file(&self.dir, &format!("server-{i}"))?)
            .spawn()
            .context("starting a server")?;
        s.child = Some(child);
        s.starts += 1;
        Ok(())
    }

    pub(super) fn len(&self) -> usize {
        self.servers.len()
    }

    /// The process id of server `i`, while it runs.
    pub(super) fn pid(&self, i: usize) -> Option<u32> {
        self.servers[i].child.as_ref().map(Child::id)
    }

    /// API requests in flight on server `i` now, as HAProxy counts them; `None` when its stats
    /// socket does not answer.
    pub(super) fn in_flight(&self, i: usize) -> Option<u32> {
        use std::io::{Read, Write};
        let mut sock =
            std::os::unix::net::UnixStream::connect(self.dir.join("haproxy.sock")).ok()?;
        sock.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        sock.write_all(b"show stat\n").ok()?;
        let mut stat = String::new();
        sock.read_to_string(&mut stat).ok()?;
        api_in_flight(&stat, i)
    }

    /// Kills server `i` with SIGKILL (no chance to finish anything) and reaps it.
    pub(super) fn kill(&mut self, i: usize) -> anyhow::Result<()> {
        if let Some(mut child) = self.servers[i].child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Stops server `i` with SIGTERM and waits up to `grace` for it; whether it exited 0 (a
    /// server still running at the end of the grace is killed and counts as not clean).
    pub(super) async fn stop(&mut self, i: usize, grace: Duration) -> bool {
        let Some(child) = self.servers[i].child.take() else {
            return false;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        wait_exit(child, Instant::now() + grace)
            .await
            .is_some_and(|s| s.success())
    }

    /// Starts server `i` again on its port; HAProxy sends it traffic once `/readyz` answers.
    pub(super) fn restart(&mut self, i: usize) -> anyhow::Result<()> {
        self.spawn(i)
    }

    /// Stops every server with SIGTERM, as systemd would, and waits up to `grace` for each;
    /// returns their exit statuses (`None`: still running at the end of the grace, then killed).
    pub(super) async fn terminate(&mut self, grace: Duration) -> Vec<Option<ExitStatus>> {
        for s in &self.servers {
            if let Some(child) = &s.child {
                let _ = Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .status();
            }
        }
        let until = Instant::now() + grace;
        let mut out = Vec::with_capacity(self.servers.len());
        for s in &mut self.servers {
            if let Some(child) = s.child.take() {
                out.push(wait_exit(child, until).await);
            }
        }
        out
    }

    /// Waits until every running server answers `/readyz`.
    pub(super) async fn wait_all_ready(&self, timeout: Duration) {
        for s in self.servers.iter().filter(|s| s.child.is_some()) {
            wait_ready(s.port, timeout).await;
        }
    }

    /// How many times the servers were started in all.
    pub(super) fn starts(&self) -> u32 {
        self.servers.iter().map(|s| s.starts).sum()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for s in &mut self.servers {
            if let Some(mut c) = s.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        if let Some(mut h) = self.haproxy.take() {
            let _ = h.kill();
            let _ = h.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_reads_the_api_row_of_the_server() {
        let stat = "# pxname,svname,qcur,qmax,scur,smax\n\
                    app,s1,0,0,9,9\napi,s0,0,0,1,4\napi,s1,2,3,3,5\napi,BACKEND,0,0,4,8\n";
        assert_eq!(api_in_flight(stat, 1), Some(5));
        assert_eq!(api_in_flight(stat, 0), Some(1));
        assert_eq!(api_in_flight(stat, 2), None);
    }

    #[test]
    fn the_api_has_its_own_backend_on_the_same_servers() {
        let cfg = haproxy_config(Path::new("/tmp/c"), 8000, &[8001, 8002]);
        assert!(cfg.contains("stats socket /tmp/c/haproxy.sock"));
        assert!(cfg.contains("use_backend api if { path_beg /api/ }"));
        assert_eq!(
            cfg.matches("retry-on conn-failure empty-response").count(),
            1
        );
        assert_eq!(cfg.matches("server s1 127.0.0.1:8002 check").count(), 2);
    }
}

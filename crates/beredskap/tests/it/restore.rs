//! Backups that restore: a backup taken while the database is written holds every write
//! acknowledged before it began; `restore` checks a copy before it replaces anything, keeps
//! the database it replaces, and the application runs on what it restored.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::{bin, run, serve_on_free_port, stderr, stdout, temp};

async fn open(path: &std::path::Path) -> store::Store {
    store::Store::connect(
        &format!("sqlite://{}", path.display()),
        &store::ConnectOptions::default(),
    )
    .await
    .unwrap()
}

/// One message written and committed; `true` once acknowledged.
async fn write_one(store: &store::Store, i: u64) -> bool {
    let key = format!("w:{i}");
    let m = store::outbox::NewMessage {
        channel: domain::customer::Channel::Email,
        customer_id: None,
        recipient: "a@example.se",
        subject: &key,
        body_text: "b",
        body_html: None,
        attachment: None,
        status: domain::outbox::OutboxStatus::Held,
        dedupe_key: Some(&key),
        now: 1,
    };
    let Ok(mut tx) = store.begin().await else {
        return false;
    };
    store::outbox::insert(&mut tx, &m).await.is_ok() && tx.commit().await.is_ok()
}

/// A writer committing one message after another until stopped, counting what was
/// acknowledged.
pub(super) struct WriteLoad {
    acked: Arc<Mutex<Vec<u64>>>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl WriteLoad {
    /// Starts writing, and returns once `first` writes are acknowledged.
    pub(super) async fn start(store: &store::Store, first: usize) -> WriteLoad {
        let acked = Arc::new(Mutex::new(Vec::<u64>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let task = {
            let (acked, stop, store) = (acked.clone(), stop.clone(), store.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    if write_one(&store, i).await {
                        acked.lock().unwrap().push(i);
                    }
                    i += 1;
                }
            })
        };
        while acked.lock().unwrap().len() < first {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        WriteLoad { acked, stop, task }
    }

    /// The writes acknowledged so far.
    pub(super) fn acked(&self) -> Vec<u64> {
        self.acked.lock().unwrap().clone()
    }

    /// Stops writing; how many writes were acknowledged in all.
    pub(super) async fn stop(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap();
        self.acked.lock().unwrap().len()
    }
}

/// `/readyz` of a server on this port, once it answers.
pub(super) async fn ready(port: u16) -> bool {
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await {
            return r.status().is_success();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_after_its_checks_and_serves() {
    let d = temp("restore");
    let url = "sqlite://live.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    let live = open(&d.join("live.sqlite")).await;
    // Everything acknowledged by now must be in the backup; writes go on while it is taken.
    let load = WriteLoad::start(&live, 200).await;
    let before = load.acked();
    let dir = d.clone();
    let o = tokio::task::spawn_blocking(move || {
        run(
            bin().args(["backup", "copy.sqlite", "--database-url", url]),
            &dir,
        )
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let after = load.stop().await;
    assert!(after > before.len(), "the writes went on during the backup");
    live.close().await;

    // Restored into a new file: checked, counted, in place.
    let target = "sqlite://restored.sqlite";
    let o = run(
        bin().args(["restore", "copy.sqlite", "--database-url", target]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("integrity check: ok") && stdout(&o).contains("outbox"),
        "{}",
        stdout(&o)
    );
    let restored = open(&d.join("restored.sqlite")).await;
    let keys: std::collections::HashSet<String> = store::outbox::list(&restored, 1_000_000, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.subject)
        .collect();
    for i in &before {
        assert!(
            keys.contains(&format!("w:{i}")),
            "write {i}, acknowledged before the backup, is missing"
        );
    }
    assert!(keys.len() <= after);
    assert!(restored.integrity_problems().await.unwrap().is_empty());
    restored.close().await;

    // The application runs on it.
    let (mut server, port) = serve_on_free_port(&d, target, &[], std::process::Stdio::null());
    let up = ready(port).await;
    let _ = server.kill();
    let _ = server.wait();
    assert!(up, "the server answers ready on the restored database");

    // It exists: replaced only when asked, and the old one is kept.
    let o = run(
        bin().args(["restore", "copy.sqlite", "--database-url", target]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--replace"), "{}", stderr(&o));
    let o = run(
        bin().args([
            "restore",
            "copy.sqlite",
            "--replace",
            "--database-url",
            target,
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("kept as"), "{}", stdout(&o));
    let kept: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("restored.sqlite.before-restore-")
        })
        .collect();
    assert!(!kept.is_empty());

    // Bad backups are refused and nothing is replaced.
    let size = std::fs::metadata(d.join("restored.sqlite")).unwrap().len();
    std::fs::write(
        d.join("garbage.sqlite"),
        b"not a database at all, not even close",
    )
    .unwrap();
    let copy = std::fs::read(d.join("copy.sqlite")).unwrap();
    std::fs::write(d.join("torn.sqlite"), &copy[..copy.len() / 2]).unwrap();
    std::fs::copy(d.join("copy.sqlite"), d.join("newer.sqlite")).unwrap();
    let newer = open(&d.join("newer.sqlite")).await;
    store::testing::record_unknown_migration(&newer, 99_990_101)
        .await
        .unwrap();
    newer.close().await;
    for (file, why) in [
        ("garbage.sqlite", "SQLite"),
        ("torn.sqlite", "SQLite"),
        ("newer.sqlite", "newer Beredskap"),
        ("absent.sqlite", "no such file"),
    ] {
        let o = run(
            bin().args(["restore", file, "--replace", "--database-url", target]),
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stdout(&o));
        assert!(stderr(&o).contains(why), "{file}: {}", stderr(&o));
        assert_eq!(
            std::fs::metadata(d.join("restored.sqlite")).unwrap().len(),
            size,
            "{file}: the database was not touched"
        );
        assert!(!d.join("restored.sqlite.restoring").exists());
    }
}

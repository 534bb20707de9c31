//! What the admin CLI tests share: the real binary run with a private home and a deadline,
//! the in-process fake on port 0, and the writes that reached it.
#![allow(dead_code)]

use super::client::Address;
use orws::fake::{FakeConfig, FakeServer, RecordedRequest};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_orws");
pub const KEY: &str = "sk-or-v1-test-0123456789abcdef";
pub const DEADLINE: Duration = Duration::from_secs(60);
pub const PROD_ID: &str = "550e8400-e29b-41d4-a716-446655440000";
pub const STAGING_ID: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";
pub const DEV_ID: &str = "b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d";
pub const STAGING_KEY: &str = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub home: tempfile::TempDir,
}

impl Run {
    /// The history file as it is on disk (empty when there is none).
    pub fn history_text(&self) -> String {
        std::fs::read_to_string(self.home.path().join("state/orws/history.jsonl"))
            .unwrap_or_default()
    }

    /// The history as orws reads it, oldest first: a batch's part lines under its `parts`.
    pub fn history(&self) -> Vec<Value> {
        let dir = self.home.path().join("state/orws");
        let read = orws::state::history::read_all(&dir).unwrap();
        assert_eq!(read.unreadable, 0, "every history line is an entry");
        read.entries
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect()
    }
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs orws (stdin not a terminal) with a private home, killed past the deadline.
pub fn orws(args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let Out {
        code,
        stdout,
        stderr,
    } = orws_in(home.path(), args);
    Run {
        code,
        stdout,
        stderr,
        home,
    }
}

/// Runs orws with `home` as its home (so runs share a history and drafts), stdin not a
/// terminal, killed past the deadline.
pub fn orws_in(home: &Path, args: &[&str]) -> Out {
    let mut cmd = bare(home, args);
    cmd.env("OPENROUTER_API_KEY", KEY);
    finish(&mut cmd, args)
}

/// Runs orws with a private home and no OpenRouter settings but `envs`.
pub fn orws_env(args: &[&str], envs: &[(&str, &str)]) -> Out {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = bare(home.path(), args);
    cmd.envs(envs.iter().copied());
    finish(&mut cmd, args)
}

/// The binary with `home` as its home and XDG dirs, no OpenRouter settings from the
/// environment (no key, no base URL), stdin not a terminal.
pub fn bare(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("OPENROUTER_BASE_URL")
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null());
    cmd
}

/// [`bare`] against `url` with the test key.
pub fn command_at(home: &Path, url: &str, args: &[&str]) -> Command {
    let mut all = vec!["--base-url", url];
    all.extend_from_slice(args);
    let mut cmd = bare(home, &all);
    cmd.env("OPENROUTER_API_KEY", KEY);
    cmd
}

/// [`command_at`] started with stdout and stderr piped, for a test that signals it.
pub fn spawn_at(home: &Path, url: &str, args: &[&str]) -> Child {
    command_at(home, url, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// The lines `child` writes to stderr, as they come (its stderr taken).
pub fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader};
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Runs `cmd` to the end, stdout and stderr collected, killed past the deadline (`args` name
/// it in the panic).
pub fn finish(cmd: &mut Command, args: &[&str]) -> Out {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (tx, rx) = mpsc::channel();
    let readers: Vec<_> = [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ]
    .into_iter()
    .map(|mut pipe| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            let _ = tx.send(());
            text
        })
    })
    .collect();
    let deadline = Instant::now() + DEADLINE;
    for _ in 0..readers.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("orws {args:?} did not finish within {DEADLINE:?}");
        }
    }
    let status = child.wait().unwrap();
    let mut texts = readers.into_iter().map(|r| r.join().unwrap());
    Out {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: texts.next().unwrap(),
        stderr: texts.next().unwrap(),
    }
}

/// The ids of the history of `home` for `server`'s host, newest first (`orws history`).
pub fn history_ids(home: &std::path::Path, server: impl Address) -> Vec<String> {
    let r = orws_at(home, server, &["--output", "json", "history"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list: Value = serde_json::from_str(&r.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// Rewrites the history of `home` as one batch entry of all its lines, as `apply` or a bulk
/// edit writes it; the batch's id.
pub fn as_one_batch(home: &Path) -> String {
    let path = home.join("state/orws/history.jsonl");
    let parts: Vec<orws::state::history::HistoryEntry> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let host = parts[0].host.clone();
    let batch = orws::state::history::HistoryEntry::batch(&host, parts);
    std::fs::write(
        &path,
        format!("{}\n", serde_json::to_string(&batch).unwrap()),
    )
    .unwrap();
    batch.id
}

/// [`orws_in`] against `server` (a fake, a hostile server or a URL).
pub fn orws_at(home: &Path, server: impl Address, args: &[&str]) -> Out {
    finish(&mut command_at(home, &server.address(), args), args)
}

/// The in-process fake on port 0, served by a runtime on its own thread.
pub fn fake() -> FakeServer {
    fake_with(FakeConfig::default())
}

/// [`fake`] with this configuration (e.g. `extra_workspaces`).
pub fn fake_with(config: FakeConfig) -> FakeServer {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let server = orws::fake::start(config).await.unwrap();
            tx.send(server).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv_timeout(DEADLINE).expect("the fake starts")
}

/// orws against `server` with the test key and a private home (kept in the run).
pub fn at(server: impl Address, args: &[&str]) -> Run {
    keyed_at(server, KEY, args)
}

/// [`at`] with another key.
pub fn keyed_at(server: impl Address, key: &str, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let url = server.address();
    let mut all = vec!["--base-url", url.as_str()];
    all.extend_from_slice(args);
    let mut cmd = bare(home.path(), &all);
    cmd.env("OPENROUTER_API_KEY", key);
    let Out {
        code,
        stdout,
        stderr,
    } = finish(&mut cmd, &all);
    Run {
        code,
        stdout,
        stderr,
        home,
    }
}

/// The requests other than GETs that reached the fake.
pub fn writes(server: &FakeServer) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

/// `orws serve-fake` run from `cmd` (its arguments and home already set), killed when
/// dropped; its URL is the first line it prints.
pub struct ServeFake {
    child: Child,
    pub url: String,
}

impl ServeFake {
    pub fn start(mut cmd: Command) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve-fake starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep draining so the child never blocks on a full pipe.
            for _ in lines {}
        });
        let url = match rx.recv_timeout(DEADLINE) {
            Ok(Some(Ok(line))) => line.trim().to_string(),
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("serve-fake printed no URL: {other:?}");
            }
        };
        let guard = Self { child, url };
        assert!(
            guard.url.starts_with("http://127.0.0.1:") && guard.url.ends_with("/api/v1"),
            "first line: {}",
            guard.url
        );
        guard
    }
}

impl Drop for ServeFake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A usage error: exit 2, nothing on stdout (it carries only results), each needle on stderr.
#[track_caller]
pub fn assert_usage(run: &Out, needles: &[&str]) {
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "stdout carries only results: {run:?}");
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "stderr lacks {needle:?}: {run:?}"
        );
    }
}

/// A fresh fake and a fresh home for runs against it.
pub fn fake_and_home() -> (FakeServer, tempfile::TempDir) {
    (fake(), tempfile::tempdir().unwrap())
}

/// [`orws_at`], which must succeed (exit 0).
#[track_caller]
pub fn ok_at(home: &Path, server: impl Address, args: &[&str]) -> Out {
    let r = orws_at(home, server, args);
    assert_eq!(r.code, 0, "orws {args:?}: {r:?}");
    r
}

/// `content` written to `dir/name`; the file's path.
pub fn written(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> std::path::PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    file
}

//! Ctrl-C while a CLI write is in flight: the first one lets it finish, so what landed is told
//! and recorded; a second quits at once (exit 130). Before, the first Ctrl-C killed `orws
//! patch` mid-PATCH: the change landed on the server with no history entry and no word.

use orws::fake::{FakeConfig, FakeServer};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_orws");
const DEADLINE: Duration = Duration::from_secs(30);

/// The fake on its own thread, every answer delayed by `latency`.
fn slow_fake(latency: Duration) -> FakeServer {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let config = FakeConfig {
                latency,
                ..FakeConfig::default()
            };
            tx.send(orws::fake::start(config).await.unwrap()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv_timeout(DEADLINE).expect("the fake starts")
}

fn patch(server: &FakeServer, home: &std::path::Path) -> Child {
    Command::new(BIN)
        .args(["--base-url", &server.url(), "patch", "production"])
        .args(["--set", "description=interrupted"])
        .env_remove("OPENROUTER_BASE_URL")
        .env("OPENROUTER_API_KEY", "sk-or-v1-test")
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orws runs")
}

/// Waits until the fake has received a PATCH (its answer is still `latency` away).
fn until_patch_received(server: &FakeServer) {
    let start = Instant::now();
    while !server.requests().iter().any(|r| r.method == "PATCH") {
        assert!(start.elapsed() < DEADLINE, "no PATCH reached the fake");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn interrupt(child: &Child) {
    // SAFETY: kill(2) on our own child's pid, with a valid signal number.
    let r = unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(r, 0);
}

#[test]
fn the_first_ctrl_c_finishes_the_patch_and_records_it() {
    let server = slow_fake(Duration::from_millis(1500));
    let home = tempfile::tempdir().unwrap();
    let child = patch(&server, home.path());
    until_patch_received(&server);
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("finished first"), "{stderr}");
    assert_eq!(
        server.workspace("production").unwrap()["description"],
        "interrupted"
    );
    let history =
        std::fs::read_to_string(home.path().join("state/orws/history.jsonl")).unwrap_or_default();
    assert!(
        history.contains("interrupted"),
        "no history entry: {history:?}"
    );
}

#[test]
fn a_second_ctrl_c_quits_at_once_with_130() {
    use std::io::{BufRead, BufReader};
    let server = slow_fake(Duration::from_millis(3000));
    let home = tempfile::tempdir().unwrap();
    let mut child = patch(&server, home.path());
    until_patch_received(&server);
    interrupt(&child);
    // The second once orws has said it took the first (its handler is then waiting again).
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    loop {
        let line = rx
            .recv_timeout(DEADLINE)
            .expect("orws says it took the Ctrl-C");
        said.push(line.clone());
        if line.contains("finished first") {
            break;
        }
    }
    let start = Instant::now();
    interrupt(&child);
    let status = child.wait().unwrap();
    said.extend(rx.try_iter());
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(2)) {
        said.push(line);
    }
    assert_eq!(status.code(), Some(130), "{said:?}");
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "it waited for the answer"
    );
    assert!(
        said.iter().any(|l| l.contains("may still land")),
        "{said:?}"
    );
}

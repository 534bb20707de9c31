//! Stop signals while a CLI write is in flight: the first Ctrl-C, SIGTERM or SIGHUP lets it
//! finish, so what landed is told and recorded, then exits 128+n; a second, or SIGQUIT, quits
//! at once. Before, the first Ctrl-C killed `orws patch` mid-PATCH: the change landed on the
//! server with no history entry and no word.

use crate::support::cli_bin;
use crate::support::common::assert_has;
use crate::support::sent::Sent;
use orws::fake::{FakeConfig, FakeServer};
use std::process::Child;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);

/// The fake on its own thread, every answer delayed by `latency`.
fn slow_fake(latency: Duration) -> FakeServer {
    slow_fake_with(latency, 0)
}

fn patch(server: &FakeServer, home: &std::path::Path) -> Child {
    cli_bin::spawn_at(
        home,
        &server.url(),
        &["patch", "production", "--set", "description=interrupted"],
    )
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
    // Told and recorded, and still a signal's end (product.md §15 "Exit code 128+n").
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert_has(&stderr, "finished first");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("interrupted"),
        "the result is printed"
    );
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
    let server = slow_fake(Duration::from_millis(3000));
    let home = tempfile::tempdir().unwrap();
    let mut child = patch(&server, home.path());
    until_patch_received(&server);
    interrupt(&child);
    // The second once orws has said it took the first (its handler is then waiting again).
    let rx = cli_bin::stderr_lines(&mut child);
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

// ---- Stop signals during `orws apply` (product.md §6 "Record", §15 "Stop signals",
// "Batch history lines", "Exit code 128+n"). `timeout 120 orws apply` changed 33,005 of
// 50,015 workspaces and wrote no history line: SIGTERM killed it, and the batch's one entry
// was to be written only at its end.

/// The fake with `extra` generated workspaces, every answer delayed by `latency`.
fn slow_fake_with(latency: Duration, extra: usize) -> FakeServer {
    cli_bin::fake_with(FakeConfig {
        latency,
        extra_workspaces: extra,
        ..FakeConfig::default()
    })
}

const MARK: &str = "set by a signalled apply";

/// `orws apply FILE --yes` setting every workspace's description, at most `concurrency` at once.
fn apply_all(server: &FakeServer, home: &std::path::Path, concurrency: usize) -> Child {
    let file = home.join("all.toml");
    let text: String = server
        .workspaces()
        .iter()
        .map(|w| {
            format!(
                "[workspaces.\"{}\"]\ndescription = \"{MARK}\"\n",
                w["id"].as_str().unwrap()
            )
        })
        .collect();
    std::fs::write(&file, text).unwrap();
    let concurrency = concurrency.to_string();
    let file = file.to_str().unwrap();
    let args = ["--concurrency", &concurrency, "apply", file, "--yes"];
    cli_bin::spawn_at(home, &server.url(), &args)
}

/// Waits until the fake has received `n` PATCHes.
fn until_patches(server: &FakeServer, n: usize) {
    let start = Instant::now();
    while server.sent("PATCH") < n {
        assert!(
            start.elapsed() < DEADLINE,
            "fewer than {n} PATCHes reached the fake"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn signal(child: &Child, n: i32) {
    // SAFETY: kill(2) on our own child's pid, with a valid signal number.
    assert_eq!(unsafe { libc::kill(child.id() as i32, n) }, 0);
}

/// The workspaces the fake holds with the apply's value.
fn changed(server: &FakeServer) -> std::collections::BTreeSet<String> {
    server
        .workspaces()
        .iter()
        .filter(|w| w["description"] == MARK)
        .map(|w| w["id"].as_str().unwrap().to_string())
        .collect()
}

/// The history file's lines: the batch lines, and the workspace of each part line (which must
/// name one of those batches).
fn history_lines(home: &std::path::Path) -> (Vec<serde_json::Value>, Vec<String>) {
    let text = std::fs::read_to_string(home.join("state/orws/history.jsonl")).unwrap_or_default();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every history line is JSON"))
        .collect();
    let heads: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l["kind"] == "batch")
        .cloned()
        .collect();
    let parts = lines
        .iter()
        .filter(|l| l["kind"] != "batch")
        .map(|l| {
            assert!(
                heads.iter().any(|h| h["id"] == l["batch"]),
                "a part line names no batch line before it: {l}"
            );
            assert_eq!(l["kind"], "patch", "{l}");
            l["workspace_id"].as_str().unwrap().to_string()
        })
        .collect();
    (heads, parts)
}

fn stopped_mid_batch_records_each_landed_part(sig: i32) {
    let server = slow_fake_with(Duration::from_millis(40), 45);
    let home = tempfile::tempdir().unwrap();
    let child = apply_all(&server, home.path(), 2);
    until_patches(&server, 6);
    signal(&child, sig);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(128 + sig), "{stderr}");
    assert!(
        stderr.contains("stopped by"),
        "it says it was stopped: {stderr}"
    );
    assert!(
        !stderr.contains("a conflict or failure left"),
        "nothing failed: {stderr}"
    );
    let changed = changed(&server);
    assert!(
        changed.len() >= 6 && changed.len() < 60,
        "{} changed: the stop came at the wrong time",
        changed.len()
    );
    let (heads, parts) = history_lines(home.path());
    assert_eq!(heads.len(), 1, "one batch line");
    let recorded: std::collections::BTreeSet<String> = parts.iter().cloned().collect();
    assert_eq!(parts.len(), recorded.len(), "one line per part");
    assert_eq!(
        recorded, changed,
        "every write that landed is recorded, no other"
    );
    // The results on stdout name the ones never started.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_has(&stdout, "not started");
}

#[test]
fn sigterm_mid_apply_records_each_landed_part_and_exits_143() {
    stopped_mid_batch_records_each_landed_part(libc::SIGTERM);
}

#[test]
fn sighup_mid_apply_records_each_landed_part_and_exits_129() {
    stopped_mid_batch_records_each_landed_part(libc::SIGHUP);
}

/// Ctrl-C in the middle of `apply`: the same, exit 130 (it was exit 1, "a conflict or
/// failure left that workspace as it was", when nothing had failed).
#[test]
fn ctrl_c_mid_apply_says_it_was_stopped_and_exits_130() {
    stopped_mid_batch_records_each_landed_part(libc::SIGINT);
}

/// `kill -9` cannot be caught: the history still holds every write that landed except those in
/// flight (at most the concurrency), because each is appended as it settles.
#[test]
fn kill_9_mid_apply_loses_at_most_the_writes_in_flight() {
    let concurrency = 2;
    let server = slow_fake_with(Duration::from_millis(40), 45);
    let home = tempfile::tempdir().unwrap();
    let mut child = apply_all(&server, home.path(), concurrency);
    until_patches(&server, 8);
    child.kill().unwrap();
    child.wait().unwrap();
    // Whatever was on its way has arrived by now.
    std::thread::sleep(Duration::from_millis(300));
    let changed = changed(&server);
    let (heads, parts) = history_lines(home.path());
    assert_eq!(
        heads.len(),
        1,
        "the batch line is written before its first write"
    );
    let recorded: std::collections::BTreeSet<String> = parts.iter().cloned().collect();
    assert!(
        recorded.is_subset(&changed),
        "a part is recorded that did not land"
    );
    assert!(
        changed.len() - recorded.len() <= concurrency,
        "{} landed, {} recorded: more than the writes in flight were lost",
        changed.len(),
        recorded.len()
    );
}

/// SIGQUIT quits at once, without waiting for the writes in flight, and names them.
#[test]
fn sigquit_mid_apply_quits_at_once_naming_what_may_still_land() {
    let server = slow_fake_with(Duration::from_millis(2500), 3);
    let home = tempfile::tempdir().unwrap();
    let child = apply_all(&server, home.path(), 1);
    until_patches(&server, 1);
    let start = Instant::now();
    signal(&child, libc::SIGQUIT);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        start.elapsed() < Duration::from_millis(2000),
        "it waited for the answer: {stderr}"
    );
    assert_eq!(out.status.code(), Some(128 + libc::SIGQUIT), "{stderr}");
    assert_has(&stderr, "may still land");
    let patched = server
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .unwrap();
    let id = patched.path.rsplit('/').next().unwrap().to_string();
    assert!(
        stderr.contains(&id),
        "it names the write in flight ({id}): {stderr}"
    );
}

/// A second stop signal after the first quits at once too.
#[test]
fn a_second_sigterm_mid_apply_quits_at_once() {
    let server = slow_fake_with(Duration::from_millis(2500), 3);
    let home = tempfile::tempdir().unwrap();
    let mut child = apply_all(&server, home.path(), 1);
    until_patches(&server, 1);
    signal(&child, libc::SIGTERM);
    let rx = cli_bin::stderr_lines(&mut child);
    let mut said = Vec::new();
    loop {
        let line = rx.recv_timeout(DEADLINE).expect("orws says it is stopping");
        said.push(line.clone());
        if line.contains("stopping") {
            break;
        }
    }
    let start = Instant::now();
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(2)) {
        said.push(line);
    }
    assert!(start.elapsed() < Duration::from_millis(2000), "{said:?}");
    assert_eq!(status.code(), Some(143), "{said:?}");
    assert!(
        said.iter().any(|l| l.contains("may still land")),
        "{said:?}"
    );
}

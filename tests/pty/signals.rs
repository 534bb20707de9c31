//! Stop signals while the TUI writes (product.md §6 "Record", §15 "Stop signals"): SIGTERM
//! during a submit or a bulk run let what is in flight settle and be recorded, then restores
//! the terminal and exits 143. Before, the signal ended orws at once: the write landed on the
//! server with no history entry (a bulk edit killed at 16/30 recorded nothing).

use crate::support::common::assert_has;
use crate::support::pty_screen;

use pty_screen::{
    FakeProcess, Pty, Sandbox, WAIT, assert_restored, bulk_sort_to_exacto, has_row, rfind,
};
use reqwest::Method;
use serde_json::Value;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const FORM_LOADED: &str = "Production environment workspace";

/// The workspace (uuid or slug) as the fake holds it now.
fn server_workspace(fake: &FakeProcess, ws: &str) -> Value {
    let (status, body) = fake.request(Method::GET, &format!("/workspaces/{ws}"), None);
    assert_eq!(status, 200, "{body}");
    body.get("data").cloned().unwrap_or(body)
}

/// Every line of the history file, parsed.
fn history_lines(sb: &Sandbox) -> Vec<Value> {
    std::fs::read_to_string(sb.state_dir().join("history.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a history line is JSON"))
        .collect()
}

/// The form on production against a fake answering after `latency_ms`: `suffix` added to
/// the name, reviewed and sent; the PATCH is on its way.
fn submitting(sb: &Sandbox, latency_ms: &str, suffix: &str) -> (FakeProcess, Pty) {
    let fake = FakeProcess::start_with(sb, &["--latency-ms", latency_ms]);
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let pty = Pty::spawn(cmd, 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    pty.enter();
    pty.send(suffix);
    let name = format!("Production{suffix}");
    pty.wait_for(&name, WAIT);
    pty.enter();
    pty.send("s");
    pty.wait_for(&format!(r#""name": "{name}""#), WAIT);
    pty.enter();
    pty.wait_for("Sending PATCH", WAIT);
    (fake, pty)
}

#[test]
fn sigterm_during_a_submit_lets_it_land_records_it_and_exits_143() {
    let sb = Sandbox::new();
    // The PATCH is on its way (its answer 1.2 s off).
    let (fake, mut pty) = submitting(&sb, "1200", " termed");
    pty.signal("TERM");
    let status = pty.wait_exit(WAIT);
    assert_eq!(status.exit_code(), 143, "exit 128 + SIGTERM");
    assert_restored(&pty, "after exit");
    assert_eq!(
        server_workspace(&fake, PROD)["name"],
        "Production termed",
        "the write landed"
    );
    let lines = history_lines(&sb);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["workspace_id"], PROD);
    assert_eq!(lines[0]["after"]["name"], "Production termed");
}

#[test]
fn sigterm_during_a_bulk_run_records_what_landed_and_exits_143() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start_with(&sb, &["--latency-ms", "700"]);
    let mut cmd = sb.command(&["--base-url", &fake.url, "--concurrency", "1"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let mut pty = Pty::spawn(cmd, 100, 30);
    pty.wait_until("the list", WAIT, |s| has_row(s, &["Staging", "staging"]));
    bulk_sort_to_exacto(&pty);
    pty.wait_for("Apply to 2 workspaces", WAIT);
    let before = [
        server_workspace(&fake, "staging")["default_provider_sort"].clone(),
        server_workspace(&fake, "dev")["default_provider_sort"].clone(),
    ];
    assert!(before.iter().all(|v| v != "exacto"));
    pty.enter();
    // One at a time, each a GET and a PATCH of 0.7 s: stop while the first PATCH is on its way.
    pty.wait_for("… sending", WAIT);
    pty.signal("TERM");
    let status = pty.wait_exit(WAIT);
    assert_eq!(status.exit_code(), 143, "exit 128 + SIGTERM");
    assert_restored(&pty, "after exit");
    let landed: Vec<&str> = ["staging", "dev"]
        .into_iter()
        .filter(|ws| server_workspace(&fake, ws)["default_provider_sort"] == "exacto")
        .collect();
    assert_eq!(
        landed.len(),
        1,
        "the first landed, the second never started"
    );
    let lines = history_lines(&sb);
    assert_eq!(lines.len(), 2, "the batch line and one part: {lines:?}");
    assert_eq!(lines[0]["kind"], "batch");
    assert_eq!(lines[1]["batch"], lines[0]["id"]);
    assert_eq!(lines[1]["after"]["default_provider_sort"], "exacto");
    let id = lines[1]["workspace_id"].as_str().unwrap();
    assert_eq!(server_workspace(&fake, id)["slug"], landed[0]);
}

/// SIGQUIT during a submit does not wait for the answer: the terminal is restored, orws says
/// the write may still land (unrecorded), exit 131.
#[test]
fn sigquit_during_a_submit_quits_at_once_saying_it_may_still_land() {
    let sb = Sandbox::new();
    let (_fake, mut pty) = submitting(&sb, "3000", " quit");
    let start = std::time::Instant::now();
    pty.signal("QUIT");
    let status = pty.wait_exit(WAIT);
    assert!(
        start.elapsed() < std::time::Duration::from_millis(2500),
        "it waited for the answer"
    );
    assert_eq!(status.exit_code(), 131, "exit 128 + SIGQUIT");
    assert_restored(&pty, "after exit");
    // What was written once the terminal was given back.
    let raw = pty.raw();
    let back = rfind(&raw, b"\x1b[?1049l").expect("the alternate screen was left");
    let said = String::from_utf8_lossy(&raw[back..]).into_owned();
    assert_has(&said, "may still land");
    assert!(said.contains("production"), "names the workspace: {said}");
}

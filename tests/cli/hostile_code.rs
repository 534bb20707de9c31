//! `orws export`, `plan` and `apply` (product.md §11) against a hostile server and a careless
//! person: each test here failed on the code as first merged, and names the promise it broke.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_terminal_safe};

use cli_bin::*;
use serde_json::{Value, json};
use std::path::Path;

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A field name the server sends that orws does not know is shown as a comment: its escape
/// codes must not reach the terminal, and its newline must not end the comment (the next
/// line would then be read as a field the file manages).
#[test]
fn an_unknown_field_name_with_escapes_and_a_newline_stays_inside_its_comment() {
    let server = fake();
    assert!(server.set_field(PROD_ID, "x\u{1b}[2J\ndescription", json!("evil")));
    assert!(server.set_field(PROD_ID, "\u{202e}y", json!(1)));
    for format in ["toml", "yaml"] {
        let r = at(&server, &["export", PROD_ID, "--format", format]);
        assert_eq!(r.code, 0, "{r:?}");
        assert_terminal_safe(&r.stdout);
        assert!(
            !r.stdout
                .lines()
                .any(|l| l.trim_start().starts_with("description: \"evil\"")
                    || l.starts_with("description = \"evil\"")),
            "{format}: the field name broke out of its comment:\n{}",
            r.stdout
        );
        // The exported file plans with no changes.
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join(format!("ws.{format}"));
        std::fs::write(&file, &r.stdout).unwrap();
        let p = at(&server, &["plan", path_str(&file), "--detailed-exitcode"]);
        assert_eq!(p.code, 0, "{format}: {p:?}\n{}", r.stdout);
    }
}

/// The size limit holds for what is not a regular file too (a pipe, `/dev/zero`): its size is
/// not known beforehand, so the read itself must stop at the limit.
#[test]
fn a_pipe_larger_than_the_limit_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("ws.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                return;
            };
            // 65 MiB of blank lines: valid TOML that manages nothing, past the 64 MiB limit.
            let chunk = vec![b'\n'; 1024 * 1024];
            for _ in 0..65 {
                if f.write_all(&chunk).is_err() {
                    return;
                }
            }
        })
    };
    let r = orws(&["--demo", "plan", path_str(&fifo)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "the limit is");
    writer.join().unwrap();
}

/// A file saved with a byte order mark (Windows editors add one) reads as without it, in
/// every format, rather than being refused for an "unknown key" that looks like the right one.
#[test]
fn a_byte_order_mark_is_ignored_in_every_format() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let files = [
        (
            "ws.toml",
            format!("[workspaces.\"{PROD_ID}\"]\r\nname = \"P2\"\r\n"),
        ),
        (
            "ws.yaml",
            format!("workspaces:\r\n  {PROD_ID}:\r\n    name: \"P2\"\r\n"),
        ),
        (
            "ws.json",
            format!("{{\"workspaces\": {{\"{PROD_ID}\": {{\"name\": \"P2\"}}}}}}\r\n"),
        ),
    ];
    for (name, text) in files {
        let file = d.path().join(name);
        std::fs::write(&file, format!("\u{feff}{text}")).unwrap();
        let r = at(&server, &["--output", "json", "plan", path_str(&file)]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        let plan: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(plan["changed"], 1, "{name}: {}", r.stdout);
    }
}

/// `plan FILE --out FILE` would replace the person's file with the plan: refused, the file
/// kept as it was.
#[test]
fn plan_out_onto_the_file_it_plans_is_refused_and_the_file_kept() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("ws.toml");
    let text = format!("[workspaces.\"{PROD_ID}\"]\nname = \"P2\"\n");
    std::fs::write(&file, &text).unwrap();
    let same = d.path().join(".").join("ws.toml");
    let r = at(
        &server,
        &["plan", path_str(&file), "--out", path_str(&same)],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_has(&r.stderr, "--out");
}

/// A saved plan edited by hand to list one workspace twice would send two writes to it at
/// once, each checked before the other landed (so neither sees a conflict): refused before
/// any request, as a file naming a workspace twice is.
#[test]
fn a_saved_plan_naming_a_workspace_twice_is_refused() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "ws.toml",
        format!("[workspaces.\"{PROD_ID}\"]\nname = \"X1\"\n"),
    );
    let saved = d.path().join("ws.plan");
    let r = at(
        &server,
        &["plan", path_str(&file), "--out", path_str(&saved)],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let mut twin = plan["workspaces"][0].clone();
    twin["changes"][0]["file"] = json!("X2");
    plan["workspaces"].as_array_mut().unwrap().push(twin);
    std::fs::write(&saved, plan.to_string()).unwrap();
    let r = at(&server, &["apply", path_str(&saved), "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "twice");
    assert!(writes(&server).is_empty(), "nothing may be sent");
}

/// JSON nested a hundred thousand deep passed serde_json's check (which has no depth limit)
/// and overflowed the stack of the scanner that finds each value's line: orws aborted. It is
/// refused with its line, as YAML and TOML nested so deep are.
#[test]
fn json_nested_too_deep_is_refused_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("ws.json");
    let depth = 100_000;
    let text = format!(
        "{{\"workspaces\": {{\"{PROD_ID}\": {{\"disabled_server_tools\": {}{}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(&file, text).unwrap();
    let r = orws(&["--demo", "plan", path_str(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "nested more than");
}

/// `orws apply FILE --yes 2>&1 | head`: once the reader is gone every message to stderr
/// fails, and orws panicked on the first progress line, halfway through its writes and before
/// recording what landed. It must finish the batch and record it.
#[test]
fn apply_with_stderr_closed_finishes_and_records_its_writes() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    let file = written(
        home.path(),
        "ws.toml",
        format!(
            "[workspaces.\"{PROD_ID}\"]\nname = \"P2\"\n[workspaces.\"{STAGING_ID}\"]\nname = \"S2\"\n"
        ),
    );
    let mut child = cli_bin::command_at(
        home.path(),
        &server.url(),
        &["apply", path_str(&file), "--yes"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // The reader goes away at once, as `head` does once it has its lines.
    drop(child.stderr.take());
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "orws did not finish");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert_eq!(server.workspace(PROD_ID).unwrap()["name"], "P2");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "S2");
    // One batch, its two parts written line by line as they landed.
    let history = orws::state::history::read(&home.path().join("state/orws")).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].parts.len(), 2);
}

//! The real binary against hostile data and servers: nothing from the server reaches the
//! terminal raw, the key never comes back, malformed keys and names are usage errors before any
//! request (product.md sections 1 and 5).

use crate::support::cli_bin::{self, Out as Run, orws_env as orws};
use crate::support::common::{assert_has, assert_has_for, assert_lacks, assert_terminal_safe};
use crate::support::hostile_http;

use hostile_http::{Body, Reply, Request, serve};
use serde_json::{Value, json};
use std::process::Command;

const KEY: &str = "sk-or-v1-SECRET-0123456789abcdef";
/// A name that retitles the window and clears the screen, then a C1 CSI and a bidi override.
const EVIL: &str = "Prod\x1b]0;x\x07\x1b[2J\u{9b}31m\u{202e}dorp";
const EVIL_ESCAPED: &str = "Prod\\x1b]0;x\\x07\\x1b[2J\\x9b31m\\u{202e}dorp";

/// Runs orws against `url` with the test key.
fn against(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["--base-url", url];
    all.extend_from_slice(args);
    orws(&all, &[("OPENROUTER_API_KEY", KEY)])
}

fn evil_workspace() -> Value {
    json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": EVIL,
        "slug": "production",
        "description": "line 1\n\x1b[31mred\x1b[0m\u{2066}",
        "io_logging_sampling_rate": 1,
        "x_unknown": "\u{9d}8;;http://evil\u{9c}",
        "updated_at": "2025-08-24T15:45:00Z"
    })
}

/// A server holding one workspace with escape codes everywhere; a PATCH is applied to it (and
/// forgotten).
fn evil_server() -> hostile_http::Hostile {
    serve(|req: &Request, _| {
        if req.path.contains("/workspaces?") {
            return Reply::json(200, &json!({"data": [evil_workspace()], "total_count": 1}));
        }
        hostile_http::patched(evil_workspace(), req)
    })
}

#[test]
fn list_and_get_tables_escape_server_text() {
    let server = evil_server();
    for args in [&["list"][..], &["get", "production"]] {
        let run = against(&server.url, args);
        assert_eq!(run.code, 0, "{run:?}");
        assert_terminal_safe(&run.stdout);
        assert_has_for(format_args!("{args:?}"), &run.stdout, EVIL_ESCAPED);
    }
    let run = against(&server.url, &["get", "production"]);
    assert_has(&run.stdout, "\\x9d8;;http://evil\\x9c");
    assert_has(&run.stdout, "line 1⏎\\x1b[31mred");
}

/// JSON stays the same data; serde_json's raw C1 and bidi characters are escaped too.
#[test]
fn json_output_escapes_what_serde_leaves_raw() {
    let server = evil_server();
    for args in [
        &["--output", "json", "list"][..],
        &["--output", "json", "get", "production"],
    ] {
        let run = against(&server.url, args);
        assert_eq!(run.code, 0, "{run:?}");
        assert_terminal_safe(&run.stdout);
        let value: Value = serde_json::from_str(&run.stdout).expect("still JSON");
        let ws = if value.is_array() { &value[0] } else { &value };
        assert_eq!(ws, &evil_workspace());
        assert_has(&run.stdout, "\\u009b31m\\u202edorp");
    }
}

#[test]
fn the_patch_table_escapes_server_text() {
    let server = evil_server();
    let run = against(
        &server.url,
        &["patch", "production", "--set", "description=calm"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_terminal_safe(&run.stdout);
    assert_terminal_safe(&run.stderr);
    assert_has(&run.stdout, "line 1⏎\\x1b[31mred");
}

/// An error message with escape codes and the echoed Authorization header: one escaped line on
/// stderr, the key redacted.
#[test]
fn error_messages_are_escaped_and_the_key_redacted() {
    let server = hostile_http::echoing_auth(400, |auth| {
        format!("bad \x1b]0;pwned\x07 name; you sent {auth}")
    });
    for args in [
        &["get", "production"][..],
        &["list"],
        &["patch", "production", "--set", "name=X"],
    ] {
        let run = against(&server.url, args);
        assert_eq!(run.code, 1, "{run:?}");
        assert_terminal_safe(&run.stderr);
        assert!(
            !run.stderr.contains("SECRET") && !run.stderr.contains(KEY),
            "{run:?}"
        );
        assert!(
            run.stderr.contains("bad \\x1b]0;pwned\\x07 name"),
            "{run:?}"
        );
        assert!(run.stderr.contains("Bearer <redacted>"), "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    }
}

#[test]
fn a_retry_notice_is_escaped_and_redacted() {
    let server = serve(|req: &Request, _| {
        let auth = req.header("authorization").unwrap_or_default();
        Reply::json(
            503,
            &json!({"error": {"message": format!("\u{9b}2J {auth}")}}),
        )
        .header("Retry-After", "0")
    });
    let run = against(&server.url, &["get", "production"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("retrying"), "{run:?}");
    assert_terminal_safe(&run.stderr);
    assert!(!run.stderr.contains("SECRET"), "{run:?}");
}

/// A 3xx is an error naming the Location; the target hears nothing.
#[test]
fn a_redirect_exits_1_naming_the_location() {
    let target = serve(|_: &Request, _| Reply::new(200, Body::Bytes(b"{}".to_vec())));
    let location = format!("{}/workspaces/production", target.url);
    let loc = location.clone();
    let server =
        serve(move |_: &Request, _| Reply::new(307, Body::Bytes(vec![])).header("Location", &loc));
    let run = against(&server.url, &["patch", "production", "--set", "name=X"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(&location), "{run:?}");
    assert!(run.stderr.contains("follows no redirects"), "{run:?}");
    assert_eq!(target.count(), 0);
}

/// Numbers orws does not know are printed with the digits the server sent, not rounded
/// through a float.
#[test]
fn unknown_numbers_keep_their_exact_digits() {
    const BODY: &str = r#"{"data":{"id":"550e8400-e29b-41d4-a716-446655440000","name":"P","slug":"production","io_logging_sampling_rate":1.0,"x_big":123456789012345678901234567890,"x_precise":0.10000000000000000001,"x_neg":-9007199254740993}}"#;
    let server = serve(|_: &Request, _| {
        Reply::new(200, Body::Bytes(BODY.as_bytes().to_vec()))
            .header("Content-Type", "application/json")
    });
    let run = against(&server.url, &["--output", "json", "get", "production"]);
    assert_eq!(run.code, 0, "{run:?}");
    for digits in [
        "\"x_big\": 123456789012345678901234567890",
        "\"x_precise\": 0.10000000000000000001",
        "\"x_neg\": -9007199254740993",
        "\"io_logging_sampling_rate\": 1.0",
    ] {
        assert_has_for(digits, &run.stdout, digits);
    }
    let run = against(&server.url, &["get", "production"]);
    assert_has(&run.stdout, "123456789012345678901234567890");
    assert_has(&run.stdout, "0.10000000000000000001");
}

// ---------------------------------------------------------------- refused before any request

/// A server that must not be asked anything.
fn untouched() -> hostile_http::Hostile {
    serve(|_: &Request, _| Reply::json(500, &json!({"error": {"message": "asked"}})))
}

/// A usage error (cli_bin's) that neither leaks the key nor writes a control character.
#[track_caller]
fn assert_safe_usage(run: &Run, needles: &[&str]) {
    cli_bin::assert_usage(run, needles);
    assert!(!run.stderr.contains("SECRET"), "{run:?}");
    assert_terminal_safe(&run.stderr);
}

#[test]
fn dot_dot_and_other_non_names_are_refused_before_any_request() {
    let server = untouched();
    for name in ["..", ".", "", "a/b", "a?b", "a#b", "../keys"] {
        let run = against(&server.url, &["get", name]);
        assert_safe_usage(&run, &["cannot name a workspace"]);
        let run = against(&server.url, &["patch", name, "--set", "name=X"]);
        assert_safe_usage(&run, &["cannot name a workspace"]);
    }
    assert_eq!(server.count(), 0);
}

#[test]
fn a_malformed_key_in_the_environment_is_a_usage_error_naming_it() {
    let server = untouched();
    for key in ["sk-or-v1-a\nsk-or-v1-b", "sk-or\r-v1", "sk\x1b[2J", "sk or"] {
        let run = orws(
            &["--base-url", &server.url, "get", "production"],
            &[("OPENROUTER_API_KEY", key)],
        );
        assert_safe_usage(&run, &["OPENROUTER_API_KEY", "malformed"]);
    }
    let run = orws(
        &["--base-url", &server.url, "list"],
        &[("OPENROUTER_API_KEY", "   ")],
    );
    assert_safe_usage(&run, &["OPENROUTER_API_KEY", "only spaces"]);
    assert_eq!(server.count(), 0);
}

/// A key that is not UTF-8 was reported as "no API key": say what is wrong with it (exit 2).
#[test]
#[cfg(unix)]
fn a_key_that_is_not_utf8_is_named_so() {
    use std::os::unix::ffi::OsStrExt;
    let server = untouched();
    let home = tempfile::tempdir().unwrap();
    let out = cli_bin::bare(home.path(), &["--base-url", &server.url, "list"])
        .env(
            "OPENROUTER_API_KEY",
            std::ffi::OsStr::from_bytes(b"sk-or-v1-\xff\xfe"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_has(&stderr, "OPENROUTER_API_KEY");
    assert_has(&stderr, "not valid UTF-8");
    assert_lacks(&stderr, "no API key");
    assert_eq!(server.count(), 0);
}

#[test]
fn a_malformed_key_file_is_a_usage_error_naming_it() {
    let server = untouched();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "two-lines",
            format!("{KEY}\n{KEY}\n").into_bytes(),
            "line break",
        ),
        (
            "control",
            b"sk-or-v1-\x1b[2Jx\n".to_vec(),
            "control character",
        ),
        ("huge", vec![b'k'; 5000], "larger than 4 KiB"),
        ("empty", b"\n\n".to_vec(), "is empty"),
    ];
    for (name, bytes, why) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.display().to_string();
        let run = orws(
            &["--base-url", &server.url, "--api-key-file", &path, "list"],
            &[],
        );
        assert_safe_usage(&run, &[&path, why]);
    }
    // A key file with a trailing newline is fine (the server then answers 500 here).
    let path = dir.path().join("fine");
    std::fs::write(&path, format!("{KEY}\n")).unwrap();
    let run = orws(
        &[
            "--base-url",
            &server.url,
            "--api-key-file",
            &path.display().to_string(),
            "list",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(server.count(), 1);
}

/// A directory or a FIFO is not read (a FIFO would block for ever).
#[cfg(unix)]
#[test]
fn a_key_file_must_be_a_regular_file() {
    let server = untouched();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (path, kind) in [
        (dir.path().to_path_buf(), "a directory"),
        (fifo, "a FIFO"),
        ("/dev/zero".into(), "a device"),
    ] {
        let path = path.display().to_string();
        let run = orws(
            &["--base-url", &server.url, "--api-key-file", &path, "list"],
            &[],
        );
        assert_safe_usage(&run, &[&path, kind, "not a regular file"]);
    }
    assert_eq!(server.count(), 0);
}

/// Names typed into orws cannot hold what a terminal acts on (exit 2, nothing sent).
#[test]
fn a_name_with_escape_codes_is_refused() {
    let server = untouched();
    let set = format!("name={EVIL}");
    let run = against(&server.url, &["patch", "production", "--set", &set]);
    assert_safe_usage(&run, &["name has an escape character (\\x1b)"]);
    assert_eq!(server.count(), 0);
}

/// The patch's own notices on stderr (a retry's reason, what the server stored instead) quote
/// the server: escaped like everything else.
#[test]
fn patch_warnings_on_stderr_escape_server_text() {
    let patches = std::sync::atomic::AtomicUsize::new(0);
    let server = serve(move |req: &Request, _| {
        if req.method != "PATCH" {
            return Reply::json(200, &json!({ "data": evil_workspace() }));
        }
        if patches.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return Reply::json(503, &json!({"error": {"message": "busy \x1b]0;x\x07"}}))
                .header("Retry-After", "0");
        }
        // Stores something else than asked: the CLI warns, quoting the stored value.
        let mut ws = evil_workspace();
        ws["description"] = Value::from(EVIL);
        Reply::json(200, &json!({ "data": ws }))
    });
    let run = against(
        &server.url,
        &["patch", "production", "--set", "description=calm"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("retrying"), "{run:?}");
    assert!(run.stderr.contains("did not store"), "{run:?}");
    assert_terminal_safe(&run.stderr);
    assert!(run.stderr.contains(EVIL_ESCAPED), "{run:?}");
}

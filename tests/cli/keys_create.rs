//! `orws keys create|get|edit|audit` of the real binary against the fake (product.md §12, §15):
//! the secret goes to exactly one place and is found nowhere else — not in any file orws
//! wrote, not in the other stream; refusals before any request; the edit and its undo; the
//! audit's labels; hostile answers to a create.

use crate::support::cli_bin::*;
use crate::support::common::assert_has;
use crate::support::hostile_http::{Reply, Request, serve, tamper};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn secret_shaped(s: &str) -> bool {
    s.strip_prefix("sk-or-v1-")
        .is_some_and(|hex| hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle)) {
            found.push(path.display().to_string());
        }
    }
    found
}

fn posts(server: &orws::fake::FakeServer) -> usize {
    writes(server)
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/v1/keys"))
        .count()
}

/// The one test the issue asks for: each destination, then every file orws wrote (state,
/// config, cache: the whole private home) and every stream but the intended one is searched.
#[test]
fn a_new_keys_secret_goes_to_exactly_one_place() {
    let server = fake();
    let out_dir = tempfile::tempdir().unwrap();
    let secret_path = out_dir.path().join("secret");
    let env_path = out_dir.path().join("env");
    let cmd_secret = out_dir.path().join("from-cmd");
    let cmd = format!(
        "env > {}; cat > {}",
        env_path.display(),
        cmd_secret.display()
    );
    let json_file = out_dir.path().join("json-secret");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("stdout", vec![]),
        (
            "file",
            vec!["--secret-file".into(), secret_path.display().to_string()],
        ),
        ("cmd", vec!["--secret-cmd".into(), cmd.clone()]),
        (
            "json",
            vec![
                "--secret-file".into(),
                json_file.display().to_string(),
                "--output".into(),
                "json".into(),
            ],
        ),
    ];
    for (case, extra) in cases {
        let home = tempfile::tempdir().unwrap();
        let name = format!("made by {case}");
        let mut args = vec![
            "keys",
            "create",
            "production",
            "--name",
            &name,
            "--limit",
            "20",
        ];
        args.extend(extra.iter().map(String::as_str));
        let r = orws_at(home.path(), &server, &args);
        assert_eq!(r.code, 0, "{case}: {r:?}");
        let secret = match case {
            "stdout" => {
                let line = r.stdout.strip_suffix('\n').unwrap();
                assert!(!line.contains('\n'), "{case}: one line alone");
                line.to_string()
            }
            "file" => {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&secret_path)
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{case}");
                std::fs::read_to_string(&secret_path).unwrap().trim().into()
            }
            "cmd" => {
                let env = std::fs::read_to_string(&env_path).unwrap();
                assert!(!env.contains("OPENROUTER_"), "{case}: {env}");
                std::fs::read_to_string(&cmd_secret).unwrap().trim().into()
            }
            _ => {
                let key: Value = serde_json::from_str(&r.stdout).unwrap();
                assert_eq!(key["name"], json!(name));
                std::fs::read_to_string(&json_file).unwrap().trim().into()
            }
        };
        assert!(secret_shaped(&secret), "{case}: {secret:?}");
        if case != "stdout" {
            assert!(!r.stdout.contains(&secret), "{case}: in stdout");
        }
        assert!(!r.stderr.contains(&secret), "{case}: in stderr");
        assert_eq!(
            files_holding(home.path(), &secret),
            Vec::<String>::new(),
            "{case}: a file orws wrote holds the secret"
        );
        if case == "cmd" {
            assert!(
                !std::fs::read_to_string(&env_path)
                    .unwrap()
                    .contains(&secret)
            );
        }
        // The history has the create, as kind key, naming the key by its hash.
        let history = std::fs::read_to_string(home.path().join("state/orws/history.jsonl"))
            .unwrap_or_default();
        let entry: Value = serde_json::from_str(history.lines().last().unwrap()).unwrap();
        assert_eq!(entry["kind"], "key", "{case}");
        assert_eq!(entry["patch"]["requests"][0]["method"], "POST");
        assert!(entry["target"].as_str().is_some_and(|h| h.len() == 64));
    }
    assert_eq!(posts(&server), 4);
}

#[test]
fn a_bad_create_is_refused_before_any_request() {
    let server = fake();
    let dir = tempfile::tempdir().unwrap();
    let taken = written(dir.path(), "taken", "x");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--output".into(), "json".into()], "--secret-file"),
        (
            vec!["--secret-file".into(), taken.display().to_string()],
            "exists",
        ),
        (
            vec!["--secret-file".into(), link.display().to_string()],
            "exists",
        ),
        (
            vec![
                "--secret-file".into(),
                dir.path().join("no/such/dir").display().to_string(),
            ],
            "folder",
        ),
        (vec!["--limit".into(), "0".into()], "--limit"),
        (
            vec!["--limit-reset".into(), "yearly".into()],
            "--limit-reset",
        ),
        (vec!["--expires".into(), "yesterday".into()], "--expires"),
        (
            vec!["--expires".into(), "2001-01-01T00:00:00Z".into()],
            "future",
        ),
    ];
    for (extra, says) in cases {
        let mut args = vec!["keys", "create", "production", "--name", "N"];
        args.extend(extra.iter().map(String::as_str));
        let r = at(&server, &args);
        assert_eq!(r.code, 2, "{extra:?}: {r:?}");
        assert_has(&r.stderr, says);
        assert!(
            server.requests().is_empty(),
            "{extra:?}: nothing is read or sent"
        );
    }
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "x");
}

#[test]
fn a_failed_destination_without_a_terminal_deletes_the_key_just_made() {
    let server = fake();
    let before = server.keys(Some("production")).len();
    let r = at(
        &server,
        &[
            "keys",
            "create",
            "production",
            "--name",
            "doomed",
            "--secret-cmd",
            "cat > /dev/null; exit 3",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "deleted again");
    assert_has(&r.stderr, "cat > /dev/null; exit 3");
    assert_eq!(r.stdout, "");
    assert_eq!(server.keys(Some("production")).len(), before);
    assert!(!r.stderr.contains("sk-or-v1-"), "{}", r.stderr);
    let kinds: Vec<String> = r
        .history()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["key", "delete"]);
}

#[test]
fn an_edit_sends_only_what_changes_and_is_undone_by_an_edit_back() {
    let server = fake();
    let (fake_home, _) = (tempfile::tempdir().unwrap(), ());
    let home = fake_home.path();
    let hash = STAGING_KEY;
    let r = orws_at(
        home,
        &server,
        &[
            "keys",
            "edit",
            hash,
            "--set",
            "name=Staging CI",
            "--set",
            "limit=75",
            "--set",
            "limit_reset=null",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(w.len(), 1);
    // The name already held is not sent.
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"limit": 75.0, "limit_reset": null})
    );
    let key = &server.keys(Some("staging"))[0];
    assert_eq!(key["limit"], json!(75.0));
    let listed = orws_at(home, &server, &["history"]);
    assert_has(
        &listed.stdout,
        "edited key Staging CI: limit: 50.0 → 75.0, limit_reset: \"weekly\" → ∅",
    );
    let ids = history_ids(home, &server);
    let r = orws_at(home, &server, &["revert", &ids[0], "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let key = &server.keys(Some("staging"))[0];
    assert_eq!(key["limit"].as_f64(), Some(50.0));
    assert_eq!(key["limit_reset"], "weekly");
    // An expiry is set only at creation.
    let r = orws_at(
        home,
        &server,
        &["keys", "edit", hash, "--set", "expires_at=30d"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "only be set when a key is created");
}

#[test]
fn a_create_is_undone_by_deleting_the_key_which_needs_yes() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s");
    let r = orws_at(
        home.path(),
        &server,
        &[
            "keys",
            "create",
            "staging",
            "--name",
            "short-lived",
            "--expires",
            "30d",
            "--secret-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let made = server
        .keys(Some("staging"))
        .into_iter()
        .find(|k| k["name"] == "short-lived")
        .unwrap();
    assert!(made["expires_at"].as_str().unwrap().ends_with('Z'));
    let ids = history_ids(home.path(), &server);
    let r = orws_at(home.path(), &server, &["revert", &ids[0]]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--yes");
    let r = orws_at(home.path(), &server, &["revert", &ids[0], "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        server
            .keys(Some("staging"))
            .iter()
            .all(|k| k["name"] != "short-lived")
    );
}

#[test]
fn get_and_audit_show_every_label_and_count_them() {
    let server = fake();
    let r = at(&server, &["keys", "get", STAGING_KEY]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "expires soon");
    assert!(!r.stdout.contains("idle"), "{}", r.stdout);
    let r = at(&server, &["keys", "audit"]);
    assert_eq!(r.code, 0, "{r:?}");
    for label in [
        "no limit",
        "high limit",
        "no expiry",
        "expires soon",
        "expired",
        "idle 30d",
        "idle 90d",
        "never used",
        "disabled",
    ] {
        assert_has(&r.stdout, label);
    }
    let r = at(&server, &["--output", "json", "keys", "audit", "--all"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["keys"].as_array().unwrap().len(), 8);
    assert_eq!(v["counts"]["never used"], 1);
    assert_eq!(v["counts"]["disabled"], 1);
    assert!(v["keys"][0]["labels"].is_array());
    let r = at(&server, &["keys", "audit", "staging", "--output", "csv"]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "workspace,hash,name,disabled,limit,usage,expires_at,last_used_at,labels"
    );
    assert!(lines.next().unwrap().ends_with(",expires soon"));
    assert_has(&r.stderr, "expires soon: 1");
}

// ---- hostile answers to a create ----

/// A server that holds the keys it made and answers a create as `answer` says.
fn create_server(answer: fn(&Value) -> Reply) -> crate::support::hostile_http::Hostile {
    let made: Arc<Mutex<Vec<Value>>> = Arc::default();
    let ws =
        json!({"id": PROD_ID, "name": "Production", "slug": "production", "description": null});
    serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "POST" && path == "/keys" {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            let key = json!({
                "hash": "a".repeat(64), "name": body["name"], "workspace_id": body["workspace_id"],
                "disabled": false, "limit": body.get("limit").cloned().unwrap_or(Value::Null),
                "usage": 0, "created_at": now, "label": "sk-or-v1-abc...def",
            });
            made.lock().unwrap().push(key.clone());
            return answer(&key);
        }
        if path.starts_with("/keys?") {
            let first = req.query_number("offset") == Some(0);
            let keys = if first {
                Value::Array(made.lock().unwrap().clone())
            } else {
                json!([])
            };
            return Reply::json(200, &json!({ "data": keys }));
        }
        if path.starts_with("/workspaces/") {
            return Reply::json(200, &json!({ "data": ws }));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    })
}

const HOSTILE_SECRET: &str =
    "sk-or-v1-0000000000000000000000000000000000000000000000000000000000000bad";

#[test]
fn a_create_answer_about_another_workspace_is_not_claimed_and_its_secret_not_shown() {
    let server = create_server(|key| {
        let mut other = key.clone();
        other["workspace_id"] = json!(STAGING_ID);
        Reply::json(201, &json!({"data": other, "key": HOSTILE_SECRET}))
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "keys",
        "create",
        "production",
        "--name",
        "x",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "cannot tell");
    assert!(!r.stdout.contains(HOSTILE_SECRET) && !r.stderr.contains(HOSTILE_SECRET));
    assert!(r.history().is_empty(), "nothing is recorded");
}

#[test]
fn a_lost_create_answer_is_settled_by_a_reread_and_names_the_key_whose_secret_is_lost() {
    let lost: [fn(&Value) -> Reply; 2] = [
        |_| {
            Reply::json(
                502,
                &json!({"error": {"code": 502, "message": "bad gateway"}}),
            )
        },
        // Busy, yet it landed: the re-read finds the key, so the create is not sent again.
        |_| {
            Reply::json(503, &json!({"error": {"code": 503, "message": "busy"}}))
                .header("Retry-After", "0")
        },
    ];
    for answer in lost {
        let server = create_server(answer);
        let r = orws(&[
            "--base-url",
            &server.url,
            "keys",
            "create",
            "production",
            "--name",
            "x",
        ]);
        assert_eq!(r.code, 1, "{r:?}");
        let hash = "a".repeat(64);
        assert_has(&r.stderr, &hash);
        assert_has(&r.stderr, "secret");
        assert_eq!(r.stdout, "");
        let posts = server
            .requests()
            .iter()
            .filter(|q| q.method == "POST")
            .count();
        assert_eq!(posts, 1, "sent once: the re-read found it");
        let history = r.history();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["target"], json!(hash));
    }
}

#[test]
fn a_create_answer_about_another_key_is_not_claimed() {
    let server = create_server(|key| {
        let mut other = key.clone();
        other["name"] = json!("someone else's");
        Reply::json(201, &json!({"data": other, "key": HOSTILE_SECRET}))
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "keys",
        "create",
        "production",
        "--name",
        "x",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "someone else");
    assert!(!r.stdout.contains(HOSTILE_SECRET) && !r.stderr.contains(HOSTILE_SECRET));
    assert!(r.history().is_empty());
}

#[test]
fn a_busy_create_is_sent_again_only_when_the_reread_finds_no_key() {
    let server = fake_with(orws::fake::FakeConfig {
        fail_next: vec!["POST:503".parse().unwrap()],
        retry_after: std::time::Duration::ZERO,
        ..orws::fake::FakeConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s");
    let r = at(
        &server,
        &[
            "keys",
            "create",
            "production",
            "--name",
            "retried",
            "--secret-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(posts(&server), 2);
    let made: Vec<Value> = server
        .keys(Some("production"))
        .into_iter()
        .filter(|k| k["name"] == "retried")
        .collect();
    assert_eq!(made.len(), 1);
}

/// `serve-fake --now` (and `ORWS_NOW`) fixes the fake's now: the seed's key times are offsets
/// from it, so the audit's dates and labels are the same whatever the day.
#[test]
fn serve_fake_now_fixes_the_seed_times() {
    let home = tempfile::tempdir().unwrap();
    let bad = orws_in(home.path(), &["serve-fake", "--now", "tomorrow"]);
    assert_usage(&bad, &["--now"]);
    let mut by_flag = bare(
        home.path(),
        &["serve-fake", "--now", "2031-03-04T05:06:07Z"],
    );
    by_flag.env_remove("ORWS_NOW");
    let mut by_env = bare(home.path(), &["serve-fake"]);
    by_env.env("ORWS_NOW", "2031-03-04T05:06:07Z");
    for cmd in [by_flag, by_env] {
        let fake = ServeFake::start(cmd);
        let r = orws_in(
            home.path(),
            &[
                "--base-url",
                &fake.url,
                "--output",
                "json",
                "keys",
                "audit",
                "production",
            ],
        );
        assert_eq!(r.code, 0, "{r:?}");
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        let backend = v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == "Production backend")
            .unwrap();
        assert_eq!(backend["last_used_at"], "2031-03-04T04:06:07Z");
        assert_eq!(backend["labels"], json!(["no expiry"]));
        // Labels are judged on the server's clock (its Date), not this machine's.
        let batch = v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == "Batch jobs")
            .unwrap();
        assert_eq!(
            batch["labels"],
            json!(["no limit", "no expiry", "idle 30d"])
        );
    }
}

// ---- hostile answers to an edit ----

/// An edit that landed but whose answer was lost is settled by reading the key again: applied,
/// recorded once, never sent twice.
#[test]
fn a_lost_edit_answer_is_settled_by_a_reread() {
    let server = fake();
    let proxy = tamper(server.url(), "PATCH", |_| {
        Reply::json(502, &json!({"error": {"code": 502, "message": "lost"}}))
    });
    let r = at(
        &proxy,
        &["keys", "edit", STAGING_KEY, "--set", "name=Renamed"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history()[0]["kind"], "key", "{:?}", r.history());
    let patches = proxy
        .requests()
        .iter()
        .filter(|q| q.method == "PATCH")
        .count();
    assert_eq!(patches, 1, "sent once");
}

/// An edit answered with another key is not believed: the key is read again, and what it
/// holds decides (here the edit landed, so it is applied; the other key is never claimed).
#[test]
fn an_edit_answered_with_another_key_is_settled_by_reading_ours() {
    let server = fake();
    let proxy = tamper(server.url(), "PATCH", |reply| {
        let mut v = crate::support::hostile_http::reply_json(&reply);
        v["data"]["hash"] = json!("f".repeat(64));
        v["data"]["name"] = json!("Someone else's");
        Reply::json(200, &v)
    });
    let r = at(
        &proxy,
        &["keys", "edit", STAGING_KEY, "--set", "name=Renamed"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "the answer is about key 'ffff");
    assert_has(&r.stderr, "reading again");
    assert_has(&r.stdout, "→ \"Renamed\"");
    assert!(!r.stdout.contains("Someone else's"), "{}", r.stdout);
    let entry = r.history()[0].to_string();
    assert!(
        entry.contains("Renamed") && !entry.contains("Someone else's"),
        "{entry}"
    );
}

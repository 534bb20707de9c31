//! Hostile and careless use of the admin commands of the real binary (product.md §1, §10):
//! each test names a defect found by attacking the commands, and fails on the code before its fix.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_has_for, assert_lacks, assert_lacks_for};
use crate::support::hostile_http;
use crate::support::sent::Sent;

use cli_bin::*;

use hostile_http::{Reply, Request, budget_reads, serve};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn ws_json(id: &str, slug: &str) -> Value {
    json!({"id": id, "name": slug, "slug": slug, "description": null})
}

/// A workspace as a create that sent `name` and `slug` just made it (created now).
fn created_json(id: &str, name: &str, slug: &str) -> Value {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    json!({"id": id, "name": name, "slug": slug, "description": null, "created_at": now})
}

fn budget(interval: &str, limit: f64) -> Value {
    json!({"workspace_id": PROD_ID, "reset_interval": interval, "limit_usd": limit})
}

// ---- budgets ----

/// Defect: a BYOK-only change re-sends an unchanged limit (R10); when that PUT was answered 500
/// without being applied, the re-read compared only the limits (unchanged either way), called
/// the write applied, exited 0 and wrote a history entry. The switch must be compared too.
#[test]
fn a_byok_only_put_answered_500_and_not_applied_is_not_called_applied() {
    let puts = Arc::new(AtomicUsize::new(0));
    let p = puts.clone();
    let server = serve(move |req: &Request, _| {
        if req.method == "PUT" {
            p.fetch_add(1, Ordering::SeqCst);
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        budget_reads(
            req,
            json!({"data": [budget("monthly", 500.0)], "include_byok_in_budgets": false}),
            ws_json(PROD_ID, "production"),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "budgets",
        "set",
        "production",
        "--include-byok",
        "true",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "it was not applied");
    assert_lacks(&r.stderr, "shows it was applied");
    assert_eq!(
        puts.load(Ordering::SeqCst),
        1,
        "a refusal-free 500 is not resent"
    );
    assert!(r.history().is_empty(), "{:?}", r.history());
}

/// Defect: a dry run with nothing to change printed `{}` on stdout even as a table.
#[test]
fn a_dry_run_with_nothing_to_change_prints_no_json_as_a_table() {
    let server = fake();
    // staging has no daily budget: deleting it changes nothing.
    let r = at(
        &server,
        &["budgets", "delete", "staging", "daily", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    assert_has(&r.stderr, "nothing to change");
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "budgets",
            "delete",
            "staging",
            "daily",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let _: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    assert!(writes(&server).is_empty());
}

// ---- members ----

/// Defect: the same user twice on the command line was sent twice in `user_ids` and reported
/// "already members: U, U"; it is sent once.
#[test]
fn members_add_sends_a_user_named_twice_once() {
    let server = fake();
    let new = "user_2dHFtVWx2n56w6HkM0000000003";
    let r = at(
        &server,
        &["--output", "json", "members", "add", "dev", new, new],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(w.len(), 1, "{w:?}");
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(body, json!({"user_ids": [new]}));
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["added"], json!([new]));
}

/// A workspace "dev" with two members, Ada and Grace; its removal takes the users out but
/// answers `removed_count: 3` whatever it removed.
fn miscounting_server() -> (hostile_http::Hostile, Arc<std::sync::Mutex<Vec<String>>>) {
    let members = Arc::new(std::sync::Mutex::new(vec![
        "user_ada".to_string(),
        "user_grace".to_string(),
    ]));
    let held = members.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        let first = req.query_number("offset").is_none_or(|o| o == 0);
        if req.method == "POST" && path.ends_with("/members/remove") {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let sent: Vec<String> = serde_json::from_value(body["user_ids"].clone()).unwrap();
            held.lock().unwrap().retain(|u| !sent.contains(u));
            return Reply::json(200, &json!({"removed_count": 3}));
        }
        if path.starts_with("/organization/members") {
            let data = if first {
                json!([
                    {"id": "user_ada", "first_name": "Ada", "last_name": "Lovelace",
                     "email": "ada@example.com", "role": "org:member"},
                    {"id": "user_grace", "first_name": "Grace", "last_name": "Hopper",
                     "email": "grace@example.com", "role": "org:member"}])
            } else {
                json!([])
            };
            return Reply::json(200, &json!({"data": data, "total_count": 2}));
        }
        if path.starts_with(&format!("/workspaces/{DEV_ID}/members")) {
            let data: Vec<Value> = if first {
                held.lock()
                    .unwrap()
                    .iter()
                    .map(|u| {
                        json!({"id": format!("m-{u}"), "workspace_id": DEV_ID,
                        "user_id": u, "role": "member", "created_at": "2025-01-01T00:00:00Z"})
                    })
                    .collect()
            } else {
                vec![]
            };
            return Reply::json(200, &json!({"data": data, "total_count": data.len()}));
        }
        if path.starts_with("/keys") {
            return Reply::json(200, &json!({"data": []}));
        }
        if path == "/workspaces/dev" || path == format!("/workspaces/{DEV_ID}") {
            return Reply::json(200, &json!({"data": ws_json(DEV_ID, "dev")}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    });
    (server, members)
}

/// Defect: `members remove` printed the server's `removed_count` ("removed 3 member(s)") when
/// one person was sent and removed: the count can disagree with what the server did. Now it
/// names who was removed, as settled, by name and email.
#[test]
fn members_remove_names_who_was_removed_not_the_servers_count() {
    let (server, members) = miscounting_server();
    let r = orws(&[
        "--base-url",
        &server.url,
        "members",
        "remove",
        "dev",
        "user_ada",
        "--yes",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(*members.lock().unwrap(), ["user_grace"]);
    assert_has(&r.stdout, "removed Ada Lovelace <ada@example.com>");
    assert!(!r.stdout.contains('3'), "{}", r.stdout);
    assert_lacks(&r.stdout, "Grace");
    let h = r.history();
    assert_eq!(h[0]["after"]["removed"], json!(["user_ada"]), "{h:?}");
}

// ---- escape codes and bidi in every server string ----

const EVIL: &str = "E\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}vil";
/// Ids stay plain: an id with a control or bidi character is refused as a path segment.
const EVIL_ID: &str = DEV_ID;

/// A server whose every string holds escape codes or a bidi override; `with_keys` says
/// whether the workspace still has a key.
fn evil_server(with_keys: bool) -> hostile_http::Hostile {
    serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        let ws = json!({"id": EVIL_ID, "name": EVIL, "slug": "dev", "description": EVIL,
            "default_guardrail_id": "g1"});
        let key = json!({"hash": "h1", "name": EVIL, "label": EVIL, "workspace_id": EVIL_ID,
            "disabled": false, "usage": 1.0, "creator_user_id": format!("user_{EVIL}")});
        match req.method.as_str() {
            "DELETE" => return Reply::json(200, &json!({"deleted": true})),
            "PATCH" if path.starts_with("/keys/") => {
                let mut k = key.clone();
                k["disabled"] = json!(true);
                return Reply::json(200, &json!({"data": k}));
            }
            "POST" if path.ends_with("/members/remove") => {
                return Reply::json(200, &json!({"removed_count": 1}));
            }
            "GET" => {}
            _ => return Reply::json(400, &json!({"error": {"code": 400, "message": EVIL}})),
        }
        if path.starts_with("/workspaces?") {
            return Reply::json(200, &json!({"data": [ws], "total_count": 1}));
        }
        if path == "/keys/h1" {
            return Reply::json(200, &json!({"data": key}));
        }
        if path.starts_with("/keys") {
            let here =
                with_keys && path.contains("workspace_id") && req.query_number("offset") == Some(0);
            return Reply::json(
                200,
                &json!({"data": if here { json!([key]) } else { json!([]) }}),
            );
        }
        if path.starts_with("/organization/members") {
            let data = if req.query_number("offset") == Some(0) {
                json!([{"id": format!("user_{EVIL}"), "first_name": EVIL, "last_name": EVIL,
                    "email": EVIL, "role": "org:member"}])
            } else {
                json!([])
            };
            return Reply::json(200, &json!({"data": data, "total_count": 1}));
        }
        if path.contains("/members") {
            let data = if req.query_number("offset") == Some(0) {
                json!([{"id": "m1", "workspace_id": EVIL_ID, "user_id": format!("user_{EVIL}"),
                    "role": EVIL, "created_at": EVIL}])
            } else {
                json!([])
            };
            return Reply::json(200, &json!({"data": data, "total_count": 1}));
        }
        if path.ends_with("/budgets") {
            return Reply::json(200, &json!({"data": []}));
        }
        if path.starts_with("/guardrails/") {
            return Reply::json(
                200,
                &json!({"data": {"id": "g1", "name": EVIL, "description": EVIL,
                    "allowed_models": [EVIL], "allowed_providers": [EVIL]}}),
            );
        }
        if path.starts_with("/workspaces/") {
            return Reply::json(200, &json!({"data": ws}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": EVIL}}))
    })
}

fn assert_clean(r: &Run, what: &str) {
    for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{what}: raw escape code or bidi override on {stream}: {text:?}"
        );
    }
}

/// Held (no defect found): reading and writing against a server full of escape codes and bidi
/// overrides, nothing of it reaches the terminal raw, on stdout or stderr, as a table or JSON.
#[test]
fn no_server_string_reaches_the_terminal_raw() {
    let server = evil_server(true);
    let url = server.url.as_str();
    let user = format!("user_{EVIL}");
    let commands: Vec<Vec<&str>> = vec![
        vec!["members", "list", "dev"],
        vec!["keys", "list", "dev"],
        vec!["budgets", "get", "dev"],
        vec!["guardrail", "get", "dev"],
        vec!["delete", "dev", "--yes"],
        vec!["keys", "disable", "h1"],
        vec!["keys", "delete", "h1", "--yes"],
        vec!["members", "remove", "dev", &user, "--yes"],
        vec!["members", "add", "dev", "user_x"],
    ];
    for output in ["table", "json"] {
        for c in &commands {
            let mut args = vec!["--base-url", url, "--output", output];
            args.extend_from_slice(c);
            let r = orws(&args);
            assert_clean(&r, &format!("{output} {c:?}"));
        }
    }
    // A workspace without keys is deleted, and its id is said.
    let server = evil_server(false);
    for output in ["table", "json"] {
        let r = orws(&[
            "--base-url",
            &server.url,
            "--output",
            output,
            "delete",
            "dev",
            "--yes",
        ]);
        assert_eq!(r.code, 0, "{r:?}");
        assert_clean(&r, &format!("{output} delete"));
    }
}

// ---- busy servers and echoed keys ----

/// A workspace `dev` with one enabled key `h1`; `patch` answers every PATCH of the key.
fn key_server(patch: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> hostile_http::Hostile {
    serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "PATCH" || req.method == "DELETE" {
            return patch(req);
        }
        let ws = json!({"id": DEV_ID, "name": "Dev", "slug": "dev", "description": null});
        if path.starts_with("/workspaces?") {
            return Reply::json(200, &json!({"data": [ws], "total_count": 1}));
        }
        let key = json!({"hash": "h1", "name": "CI", "workspace_id": DEV_ID, "disabled": false});
        if path == "/keys/h1" {
            return Reply::json(200, &json!({"data": key}));
        }
        if path.starts_with("/keys") {
            let here = path.contains("workspace_id") && req.query_number("offset") == Some(0);
            return Reply::json(
                200,
                &json!({"data": if here { json!([key]) } else { json!([]) }}),
            );
        }
        if path.starts_with("/workspaces/") {
            return Reply::json(200, &json!({"data": ws}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    })
}

/// Held: a write answered 429 every time is tried at most three times, read again between
/// tries, and ends as not applied (exit 1) with no history entry.
#[test]
fn a_429_storm_on_a_write_is_bounded_and_not_called_applied() {
    let server = key_server(|_| {
        Reply::json(
            429,
            &json!({"error": {"code": 429, "message": "slow down"}}),
        )
        .header("Retry-After", "0")
    });
    let r = orws(&["--base-url", &server.url, "keys", "disable", "h1"]);
    assert_eq!(r.code, 1, "{r:?}");
    let patches = server.sent("PATCH");
    assert_eq!(patches, 3, "{r:?}");
    assert_has(&r.stderr, "not applied");
    assert!(r.history().is_empty());
    assert_eq!(r.stdout, "");
}

/// Held: a server that echoes the key back in its refusal does not get it printed.
#[test]
fn the_key_echoed_in_a_refusal_is_not_printed() {
    let server = key_server(|req| {
        let auth = req.header("Authorization").unwrap_or_default().to_string();
        Reply::json(
            400,
            &json!({"error": {"code": 400, "message": format!("bad {auth}")}}),
        )
    });
    for args in [
        vec!["keys", "disable", "h1"],
        vec!["keys", "delete", "h1", "--yes"],
        vec!["keys", "move", "h1", "--to", "dev", "--yes"],
    ] {
        let mut all = vec!["--base-url", server.url.as_str()];
        all.extend_from_slice(&args);
        let r = orws(&all);
        assert_lacks_for(format_args!("{args:?}"), &r.stderr, &KEY[8..]);
        assert_lacks_for(format_args!("{args:?}"), &r.stdout, &KEY[8..]);
    }
}

// ---- careless members ----

const JANE: &str = "user_2dHFtVWx2n56w6HkM0000000001";

/// Defect: removing a user who is not a member (a mistyped id) sent the POST, said "removed 0
/// member(s)", exited 0 and wrote a history entry. Now nothing is sent and it says why.
#[test]
fn members_remove_of_a_non_member_sends_nothing() {
    let server = fake();
    let r = at(&server, &["members", "remove", "dev", "user_typo", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
    assert_has(&r.stderr, "not members of 'dev'");
    assert!(r.history().is_empty(), "{:?}", r.history());
    assert_eq!(r.stdout, "");
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "members",
            "remove",
            "dev",
            "user_typo",
            "--yes",
        ],
    );
    let out: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    assert_eq!(out["removed"], json!([]));
}

/// Defect: adding a user who is a member already sent the POST and wrote a history entry of a
/// change that did not happen.
#[test]
fn members_add_of_a_member_sends_nothing() {
    let server = fake();
    let r = at(&server, &["members", "add", "dev", JANE]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
    assert_has(&r.stderr, "already members");
    assert!(r.history().is_empty(), "{:?}", r.history());
}

/// Defect: a user the organisation does not know went to the server, whose 400 exited 1; a
/// typing error is refused before any write (exit 2), naming the user.
#[test]
fn members_add_of_an_unknown_user_is_refused_before_sending() {
    let server = fake();
    let r = at(&server, &["members", "add", "dev", "user_nobody"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "user_nobody");
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
}

// ---- dry runs, --read-only, JSON everywhere ----

const STAGING_KEY: &str = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";

/// Every write command, as a careless user might type it against the demo's seed.
fn write_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["create", "--set", "name=New", "--set", "slug=new-one"],
        vec!["delete", "research", "--yes"],
        vec!["members", "add", "dev", "user_2dHFtVWx2n56w6HkM0000000003"],
        vec!["members", "remove", "dev", JANE, "--yes"],
        vec!["keys", "move", STAGING_KEY, "--to", "dev", "--yes"],
        vec!["keys", "disable", STAGING_KEY],
        vec!["keys", "enable", STAGING_KEY],
        vec!["keys", "delete", STAGING_KEY, "--yes"],
        vec!["budgets", "set", "production", "--monthly", "700"],
        vec!["budgets", "set", "production", "--include-byok", "true"],
        vec!["budgets", "delete", "production", "daily", "--yes"],
        vec![
            "guardrail",
            "patch",
            "production",
            "--set",
            "enforce_zdr_openai=false",
        ],
        vec![
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=New",
        ],
        vec![
            "guardrails",
            "patch",
            "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e",
            "--set",
            "name=Renamed",
        ],
        vec![
            "guardrails",
            "assign",
            "7b1e4c2a-3d5f-4a6b-9c8d-0e1f2a3b4c5d",
            "--key",
            "6e5ad04c0f3dea0f64c407238a9938a12eac8df4a6e3e8cba908f842d430c899",
        ],
        vec![
            "guardrails",
            "unassign",
            "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e",
            "--key",
            "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b",
            "--yes",
        ],
        vec![
            "guardrails",
            "delete",
            "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e",
            "--yes",
        ],
    ]
}

/// Held: `--read-only` refuses every write with exit 2 before any request; `--dry-run` sends
/// nothing but reads; with `--output json` stdout is JSON or nothing.
#[test]
fn read_only_refuses_and_dry_run_only_reads_every_write() {
    for c in write_commands() {
        let server = fake();
        let mut args = vec!["--read-only"];
        args.extend_from_slice(&c);
        let r = at(&server, &args);
        assert_eq!(r.code, 2, "{c:?}: {r:?}");
        assert_has_for(format_args!("{c:?}"), &r.stderr, "read-only");
        assert!(server.requests().is_empty(), "{c:?}");
        assert_eq!(r.stdout, "", "{c:?}");
        for output in ["table", "json"] {
            let mut args = vec!["--output", output];
            args.extend_from_slice(&c);
            args.push("--dry-run");
            let r = at(&server, &args);
            assert!(matches!(r.code, 0 | 2 | 3), "{c:?}: {r:?}");
            assert!(writes(&server).is_empty(), "{c:?}: {:?}", writes(&server));
            assert!(r.history().is_empty(), "{c:?}");
            if output == "json" && !r.stdout.is_empty() {
                let _: Value = serde_json::from_str(&r.stdout)
                    .unwrap_or_else(|e| panic!("{c:?}: not JSON ({e}): {}", r.stdout));
            }
        }
    }
}

/// Held: every write, done for real with `--output json`, prints JSON (or nothing) on stdout
/// and writes one history entry when it changed something.
#[test]
fn every_write_prints_json_and_one_history_entry() {
    for c in write_commands() {
        let server = fake();
        let mut args = vec!["--output", "json"];
        args.extend_from_slice(&c);
        let r = at(&server, &args);
        if !r.stdout.is_empty() {
            let _: Value = serde_json::from_str(&r.stdout)
                .unwrap_or_else(|e| panic!("{c:?}: not JSON ({e}): {}", r.stdout));
        }
        let sent = writes(&server).len();
        let history = r.history().len();
        if r.code == 0 && sent > 0 {
            assert_eq!(history, 1, "{c:?}: {r:?}");
        }
        if sent == 0 {
            assert_eq!(history, 0, "{c:?}: {r:?}");
        }
    }
}

/// Defect: after a partial failure (monthly landed, weekly refused) `--output json` left stdout
/// empty, so a script could not read what landed; it now gets it, as `patch` does.
#[test]
fn budgets_partial_failure_prints_what_landed_as_json() {
    let puts = Arc::new(AtomicUsize::new(0));
    let p = puts.clone();
    let server = serve(move |req: &Request, _| {
        if req.method == "PUT" {
            if p.fetch_add(1, Ordering::SeqCst) == 0 {
                return Reply::json(200, &json!({"data": budget("monthly", 1000.0)}));
            }
            return Reply::json(400, &json!({"error": {"code": 400, "message": "no"}}));
        }
        budget_reads(
            req,
            json!({"data": [budget("daily", 30.0), budget("weekly", 150.0), budget("monthly", 500.0)]}),
            ws_json(PROD_ID, "production"),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "--output",
        "json",
        "budgets",
        "set",
        "production",
        "--monthly",
        "1000",
        "--weekly",
        "600",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).expect("what landed, as JSON");
    assert_eq!(out["after"]["monthly"], json!(1000.0));
    assert_eq!(out["after"]["weekly"], json!(150.0));
    assert_eq!(out["requests"].as_array().unwrap().len(), 1);
    assert_eq!(out["not_applied"][0]["method"], "PUT");
    assert_eq!(r.history().len(), 1);
}

/// Held: a write answered by a redirect is not followed (the write is not sent again
/// elsewhere) and nothing is recorded.
#[test]
fn a_redirected_write_is_not_followed() {
    let server = key_server(|req| {
        Reply::new(307, hostile_http::Body::Bytes(Vec::new()))
            .header("Location", &format!("{}-elsewhere", req.path))
    });
    for args in [
        vec!["keys", "disable", "h1"],
        vec!["keys", "delete", "h1", "--yes"],
    ] {
        let mut all = vec!["--base-url", server.url.as_str()];
        all.extend_from_slice(&args);
        let r = orws(&all);
        assert_ne!(r.code, 0, "{args:?}: {r:?}");
        assert!(r.history().is_empty(), "{args:?}");
    }
    let writes = server
        .requests()
        .iter()
        .filter(|q| q.method != "GET")
        .count();
    assert_eq!(
        writes, 2,
        "each write sent once, never to the redirect's target"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|q| !q.path.contains("elsewhere"))
    );
}

/// Held: a delete applied but answered with a body that never ends is read again, called
/// applied, and recorded once.
#[test]
fn a_delete_answered_with_an_endless_body_after_applying_is_recorded_once() {
    let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let g = gone.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "DELETE" {
            g.store(true, Ordering::SeqCst);
            return Reply::new(200, hostile_http::Body::EndlessUnframed);
        }
        let ws = json!({"id": DEV_ID, "name": "Dev", "slug": "dev", "description": null});
        if path.starts_with("/workspaces?") {
            return Reply::json(200, &json!({"data": [ws], "total_count": 1}));
        }
        let key = json!({"hash": "h1", "name": "CI", "workspace_id": DEV_ID});
        if path == "/keys/h1" {
            return if g.load(Ordering::SeqCst) {
                Reply::json(
                    404,
                    &json!({"error": {"code": 404, "message": "no such key"}}),
                )
            } else {
                Reply::json(200, &json!({"data": key}))
            };
        }
        if path.starts_with("/keys") {
            let here = !g.load(Ordering::SeqCst)
                && path.contains("workspace_id")
                && req.query_number("offset") == Some(0);
            return Reply::json(
                200,
                &json!({"data": if here { json!([key]) } else { json!([]) }}),
            );
        }
        if path.starts_with("/workspaces/") {
            return Reply::json(200, &json!({"data": ws}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    });
    let r = orws(&["--base-url", &server.url, "keys", "delete", "h1", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "shows it was applied");
    assert_eq!(r.history().len(), 1, "{:?}", r.history());
    let deletes = server.sent("DELETE");
    assert_eq!(deletes, 1);
}

/// Defect: an answer with two budgets for one interval was read as the last one, silently;
/// which one the server enforces cannot be told, so it is refused (exit 1), nothing written.
#[test]
fn two_budgets_for_one_interval_are_refused() {
    let server = serve(move |req: &Request, _| {
        budget_reads(
            req,
            json!({"data": [budget("monthly", 500.0), budget("monthly", 5.0)]}),
            ws_json(PROD_ID, "production"),
        )
    });
    let r = orws(&["--base-url", &server.url, "budgets", "get", "production"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "two budgets for the monthly");
    assert_eq!(r.stdout, "");
    let r = orws(&[
        "--base-url",
        &server.url,
        "budgets",
        "set",
        "production",
        "--weekly",
        "100",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(server.requests().iter().all(|q| q.method == "GET"));
}

/// Defect: `--confirm-default` by habit on a workspace that is not the default one made orws
/// say "This is the default workspace: deleting it permanently disables …" — a false claim.
#[test]
fn confirm_default_on_another_workspace_does_not_call_it_the_default() {
    let server = fake();
    let r = at(
        &server,
        &[
            "delete",
            "research",
            "--yes",
            "--confirm-default",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_lacks(&r.stderr, "This is the default workspace");
    assert_has(&r.stderr, "not needed");
    // The default workspace itself is still told what its deletion disables.
    let r = at(
        &server,
        &[
            "delete",
            "default",
            "--yes",
            "--confirm-default",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 3, "the default workspace holds keys: {r:?}");
    assert!(writes(&server).is_empty());
}

/// Defect: a create or guardrail patch answered 500 after applying was read again (applied),
/// then read a third time; when that read failed, orws exited 1 as if nothing had happened and
/// wrote no history. The re-read that showed it applied is used: exit 0, one history entry.
#[test]
fn an_applied_write_whose_third_read_fails_is_still_applied_and_recorded() {
    let reads = Arc::new(AtomicUsize::new(0));
    let n = reads.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method != "GET" {
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        if path.starts_with("/guardrails/g1") || path.starts_with("/workspaces/new-one") {
            let applied = match n.fetch_add(1, Ordering::SeqCst) {
                0 => false,
                1 => true,
                _ => return Reply::json(500, &json!({"error": {"code": 500, "message": "down"}})),
            };
            if path.starts_with("/guardrails/") {
                return Reply::json(
                    200,
                    &json!({"data": {"id": "g1", "name": "G", "workspace_id": PROD_ID, "enforce_zdr_openai": applied}}),
                );
            }
            if !applied {
                return Reply::json(404, &json!({"error": {"code": 404, "message": "none"}}));
            }
            return Reply::json(
                200,
                &json!({"data": created_json(DEV_ID, "New", "new-one")}),
            );
        }
        if path.starts_with("/workspaces/") {
            let mut ws = ws_json(PROD_ID, "production");
            ws["default_guardrail_id"] = json!("g1");
            return Reply::json(200, &json!({"data": ws}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "guardrail",
        "patch",
        "production",
        "--set",
        "enforce_zdr_openai=true",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history().len(), 1, "{r:?}");
    assert_eq!(r.history()[0]["kind"], "guardrail");
    reads.store(0, Ordering::SeqCst);
    let r = orws(&[
        "--base-url",
        &server.url,
        "--output",
        "json",
        "create",
        "--set",
        "name=New",
        "--set",
        "slug=new-one",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["id"], DEV_ID);
    assert_eq!(r.history().len(), 1, "{r:?}");
}

/// Defect: the history entry of a BYOK-only change kept only the limits, so its before and
/// after were the same: the change it records was not in it.
#[test]
fn the_history_of_a_byok_change_holds_the_switch() {
    let server = fake();
    let r = at(
        &server,
        &["budgets", "set", "production", "--include-byok", "true"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let h = r.history();
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        h[0]["before"]["include_byok_in_budgets"],
        json!(false),
        "{h:?}"
    );
    assert_eq!(
        h[0]["after"]["include_byok_in_budgets"],
        json!(true),
        "{h:?}"
    );
    assert_eq!(h[0]["after"]["monthly"], h[0]["before"]["monthly"]);
}

/// Defect: more than 100 users (the spec's maxItems for `user_ids`) went to the server, whose
/// 400 exited 1; refused before any request, exit 2. The same user 101 times is one user.
#[test]
fn more_users_than_one_request_takes_are_refused_before_any_request() {
    let server = fake();
    let many: Vec<String> = (0..101).map(|i| format!("user_{i}")).collect();
    for cmd in ["add", "remove"] {
        let mut args = vec!["members", cmd, "dev"];
        args.extend(many.iter().map(String::as_str));
        args.push("--yes");
        if cmd == "add" {
            args.pop();
        }
        let r = at(&server, &args);
        assert_eq!(r.code, 2, "{cmd}: {r:?}");
        assert_has(&r.stderr, "at most 100");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    let same = vec![JANE; 101];
    let mut args = vec!["members", "add", "dev"];
    args.extend(same);
    let r = at(&server, &args);
    assert_eq!(r.code, 0, "{r:?}");
}

/// Defect: when the server already held limits out of order (daily above weekly, another
/// client's doing), `budgets delete` was refused with a Rust debug dump of the rule
/// (`[NotDecreasing { … }]`, exit 2). A DELETE never breaks R8: it is sent.
#[test]
fn budgets_delete_is_sent_when_the_server_holds_limits_out_of_order() {
    let server = serve(move |req: &Request, _| {
        if req.method == "DELETE" {
            return Reply::json(200, &json!({"deleted": true}));
        }
        budget_reads(
            req,
            json!({"data": [budget("daily", 200.0), budget("weekly", 150.0), budget("monthly", 500.0)]}),
            ws_json(PROD_ID, "production"),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "budgets",
        "delete",
        "production",
        "monthly",
        "--dry-run",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_lacks(&r.stderr, "NotDecreasing");
    assert!(r.stdout.starts_with("DELETE "), "{r:?}");
    assert!(r.stdout.trim_end().ends_with("/budgets/monthly"), "{r:?}");
    assert!(server.requests().iter().all(|q| q.method == "GET"));
}

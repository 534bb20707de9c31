//! The admin commands of the real binary (product.md §1, §10): exit codes, refusals before any
//! request, the exact requests that reach the fake, dry runs, --read-only, history kinds, and
//! hostile answers for the delete and the key move.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_has_for};
use crate::support::hostile_http;
use crate::support::pty_screen;
use crate::support::sent::Sent;

use cli_bin::*;

use hostile_http::{Reply, Request, budget_reads, serve};
use orws::fake::RecordedRequest;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn body(r: &RecordedRequest) -> Value {
    serde_json::from_str(&r.body).unwrap()
}

// ---- refusals: nothing is written (or nothing sent at all) ----

/// What a refused command may have sent.
#[derive(Clone, Copy, Debug)]
enum Allowed {
    /// No request at all: refused before reading anything.
    NoRequest,
    /// Reads only: refused after looking, before writing.
    NoWrite,
}

/// A refused command: its exit code, what stderr says, and what it sent.
struct Refusal {
    case: &'static str,
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
    sent: Allowed,
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        case: "create_without_a_slug_is_refused_before_any_request",
        args: &["create", "--set", "name=New"],
        code: 2,
        says: &["slug is required"],
        sent: Allowed::NoRequest,
    },
    Refusal {
        case: "create_with_a_slug_breaking_the_rules_names_the_field",
        args: &["create", "--set", "name=New", "--set", "slug=Bad Slug"],
        code: 2,
        says: &["slug"],
        sent: Allowed::NoRequest,
    },
    Refusal {
        case: "create_of_a_taken_slug_is_a_precondition",
        args: &["create", "--set", "name=P", "--set", "slug=production"],
        code: 3,
        says: &[],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "delete_without_a_terminal_needs_yes",
        args: &["delete", "dev"],
        code: 2,
        says: &["--yes"],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "deleting_the_default_workspace_needs_confirm_default",
        args: &["delete", "default", "--yes"],
        code: 2,
        says: &["--confirm-default", "unscoped"],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "members_remove_from_the_default_workspace_is_refused_before_sending",
        args: &["members", "remove", "default", "user_abc123", "--yes"],
        code: 3,
        says: &["default workspace"],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "members_remove_without_a_terminal_needs_yes",
        args: &[
            "members",
            "remove",
            "dev",
            "user_2dHFtVWx2n56w6HkM0000000001",
        ],
        code: 2,
        says: &[],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "keys_move_without_a_terminal_needs_yes",
        args: &["keys", "move", STAGING_KEY, "--to", "dev"],
        code: 2,
        says: &[],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "budgets_set_breaking_r8_against_the_server_names_both_limits",
        args: &["budgets", "set", "production", "--weekly", "600"],
        code: 2,
        says: &["monthly limit ($500)", "weekly limit ($600)"],
        sent: Allowed::NoWrite,
    },
    Refusal {
        case: "budgets_set_bad_number_is_refused_before_any_request",
        args: &["budgets", "set", "production", "--daily", "0"],
        code: 2,
        says: &[],
        sent: Allowed::NoRequest,
    },
    Refusal {
        case: "guardrail_patch_of_the_name_is_refused",
        args: &["guardrail", "patch", "staging", "--set", "name=x"],
        code: 2,
        says: &[],
        sent: Allowed::NoRequest,
    },
    Refusal {
        case: "budgets_delete_of_an_unknown_interval_is_usage",
        args: &["budgets", "delete", "production", "hourly"],
        code: 2,
        says: &[],
        sent: Allowed::NoRequest,
    },
];

/// Each refusal exits with its code, says why, and sends nothing it should not (each case
/// on a fresh fake; a failure names the case).
#[test]
fn refused_commands_say_why_and_write_nothing() {
    for &Refusal {
        case,
        args,
        code,
        says,
        sent,
    } in REFUSALS
    {
        let server = fake();
        let r = at(&server, args);
        assert_eq!(r.code, code, "{case}: {r:?}");
        for needle in says {
            assert_has_for(case, &r.stderr, needle);
        }
        let (what, left) = match sent {
            Allowed::NoRequest => ("request", server.requests()),
            Allowed::NoWrite => ("write", writes(&server)),
        };
        assert!(left.is_empty(), "{case}: a {what} was sent: {left:?}");
    }
}

// ---- create ----

#[test]
fn create_posts_the_body_and_records_a_create() {
    let server = fake();
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "create",
            "--set",
            "name=New one",
            "--set",
            "slug=new-one",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["slug"], "new-one");
    let w = writes(&server);
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("POST", "/api/v1/workspaces")
    );
    assert_eq!(body(&w[0]), json!({"name": "New one", "slug": "new-one"}));
    let h = r.history();
    assert_eq!(h[0]["kind"], "create");
    assert_eq!(h[0]["workspace_id"], out["id"]);
}

#[test]
fn create_dry_run_prints_the_post_and_sends_nothing() {
    let server = fake();
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "create",
            "--set",
            "name=N",
            "--set",
            "slug=n",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        out["requests"],
        json!([{"method": "POST", "path": "/workspaces", "body": {"name": "N", "slug": "n"}}])
    );
    assert!(writes(&server).is_empty());
}

// ---- delete ----

#[test]
fn delete_with_keys_left_is_exit_3_naming_them() {
    let server = fake();
    let r = at(&server, &["delete", "staging", "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, STAGING_KEY);
    assert_has(&r.stderr, "orws keys move");
    let listed = server.requests().into_iter().any(|q| {
        q.path.contains("/keys?")
            && q.path.contains("include_disabled=true")
            && q.path.contains("include_expired=true")
    });
    assert!(listed, "the keys are listed with disabled and expired ones");
    assert!(writes(&server).is_empty());
}

#[test]
fn delete_sends_the_delete_and_records_it() {
    let server = fake();
    let r = at(&server, &["delete", "dev", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "cannot be undone");
    let w = writes(&server);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].method, "DELETE");
    assert_eq!(w[0].path, format!("/api/v1/workspaces/{DEV_ID}"));
    assert!(server.workspace(DEV_ID).is_none());
    assert_eq!(r.history()[0]["kind"], "delete");
}

#[test]
fn delete_dry_run_prints_the_request() {
    let server = fake();
    let r = at(&server, &["delete", "dev", "--dry-run"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.trim(), format!("DELETE /workspaces/{DEV_ID}"));
    assert!(writes(&server).is_empty());
}

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

/// A server whose DELETE answers 500 after deleting: the re-read says it is gone.
#[test]
fn delete_answered_500_after_applying_is_reported_applied() {
    let deleted = Arc::new(AtomicBool::new(false));
    let d = deleted.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "DELETE" {
            d.store(true, Ordering::SeqCst);
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        if path.starts_with("/keys") {
            return Reply::json(200, &json!({"data": []}));
        }
        if path == format!("/workspaces/{DEV_ID}") || path == "/workspaces/dev" {
            if d.load(Ordering::SeqCst) {
                return Reply::json(
                    404,
                    &json!({"error": {"code": 404, "message": "not found"}}),
                );
            }
            return Reply::json(200, &json!({"data": ws_json(DEV_ID, "dev")}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    });
    let r = orws(&["--base-url", &server.url, "delete", "dev", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "shows it was applied");
    assert!(deleted.load(Ordering::SeqCst));
    assert_eq!(r.history()[0]["kind"], "delete");
}

/// An answer about another workspace than the one asked for: nothing is sent.
#[test]
fn delete_refuses_an_answer_about_another_workspace() {
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if path.starts_with("/workspaces/") {
            return Reply::json(200, &json!({"data": ws_json(PROD_ID, "production")}));
        }
        Reply::json(200, &json!({"data": []}))
    });
    let r = orws(&["--base-url", &server.url, "delete", "dev", "--yes"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(server.requests().iter().all(|q| q.method == "GET"));
}

// ---- members ----

#[test]
fn members_list_joins_names() {
    let server = fake();
    let r = at(
        &server,
        &["--output", "json", "members", "list", "production"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        out.as_array()
            .unwrap()
            .iter()
            .any(|m| m["email"] == "jane.doe@example.com")
    );
}

/// The organisation's members, with the user ids `members add` takes (issue 20 item 17: the
/// CLI could not show them).
#[test]
fn members_org_lists_the_organisation_with_user_ids() {
    let server = fake();
    let r = at(&server, &["members", "org"]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut lines = r.stdout.lines();
    let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(head, ["NAME", "EMAIL", "USER", "ROLE"], "{}", r.stdout);
    assert!(
        lines.any(|l| l.contains("jane.doe@example.com")
            && l.contains("user_2dHFtVWx2n56w6HkM0000000001")),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 7, "every member:\n{}", r.stdout);
    let r = at(&server, &["--output", "json", "members", "org"]);
    assert_eq!(r.code, 0, "{r:?}");
    let all: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(all.len(), 6);
    let mei = all
        .iter()
        .find(|m| m["email"] == "mei.tanaka@example.com")
        .unwrap();
    assert_eq!(mei["user_id"], "user_2dHFtVWx2n56w6HkM0000000003");
    assert!(mei["name"].as_str().unwrap().starts_with("Mei"), "{mei}");
    // One without a name has none, not its email twice.
    let bot = all
        .iter()
        .find(|m| m["email"] == "ops-bot@example.com")
        .unwrap();
    assert_eq!(bot["name"], Value::Null, "{bot}");
    assert!(writes(&server).is_empty());
}

/// `members add` takes an email the organisation knows; an unknown one is exit 2 naming it,
/// nothing sent (issue 20 item 17).
#[test]
fn members_add_takes_an_email_and_refuses_an_unknown_one() {
    let server = fake();
    let r = at(
        &server,
        &[
            "members",
            "add",
            "dev",
            "nobody@example.com",
            "Mei.Tanaka@example.com",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        "no member of the organisation has the email nobody@example.com",
    );
    assert!(writes(&server).is_empty());
    let r = at(
        &server,
        &["members", "add", "dev", "Mei.Tanaka@example.com"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(
        w[0].path,
        format!("/api/v1/workspaces/{DEV_ID}/members/add")
    );
    assert_eq!(
        body(&w[0]),
        json!({"user_ids": ["user_2dHFtVWx2n56w6HkM0000000003"]})
    );
}

#[test]
fn members_add_posts_the_user_ids() {
    let server = fake();
    let user = "user_2dHFtVWx2n56w6HkM0000000003";
    let r = at(&server, &["members", "add", "dev", user]);
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(
        w[0].path,
        format!("/api/v1/workspaces/{DEV_ID}/members/add")
    );
    assert_eq!(body(&w[0]), json!({"user_ids": [user]}));
    assert_eq!(r.history()[0]["kind"], "members");
}

#[test]
fn members_remove_warns_of_keys_and_explains_the_refusal() {
    let server = fake();
    let user = "user_2dHFtVWx2n56w6HkM0000000001";
    let r = at(&server, &["members", "remove", "production", user, "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "warning");
    assert_has(&r.stderr, "active keys");
}

#[test]
fn members_remove_of_a_scim_member_is_explained() {
    let server = fake();
    let r = at(
        &server,
        &[
            "members",
            "remove",
            "staging",
            "user_2dHFtVWx2n56w6HkM0000000002",
            "--yes",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "identity provider");
}

#[test]
fn members_remove_sends_the_user_ids() {
    let server = fake();
    let user = "user_2dHFtVWx2n56w6HkM0000000001";
    let r = at(&server, &["members", "remove", "dev", user, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(
        w[0].path,
        format!("/api/v1/workspaces/{DEV_ID}/members/remove")
    );
    assert_eq!(body(&w[0]), json!({"user_ids": [user]}));
}

// ---- keys ----

#[test]
fn keys_list_shows_every_key() {
    let server = fake();
    let r = at(&server, &["--output", "json", "keys", "list", "staging"]);
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out[0]["hash"], STAGING_KEY);
}

#[test]
fn keys_move_patches_the_workspace_and_says_what_stays() {
    let server = fake();
    let r = at(
        &server,
        &["keys", "move", STAGING_KEY, "--to", "dev", "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "stay in the old workspace");
    let w = writes(&server);
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("PATCH", format!("/api/v1/keys/{STAGING_KEY}").as_str())
    );
    assert_eq!(body(&w[0]), json!({"workspace_id": DEV_ID}));
    let h = r.history();
    assert_eq!(
        (h[0]["kind"].as_str(), h[0]["target"].as_str()),
        (Some("key"), Some(STAGING_KEY))
    );
    assert_eq!(h[0]["before"]["workspace_id"], STAGING_ID);
}

#[test]
fn keys_disable_and_enable_patch_disabled() {
    let server = fake();
    assert_eq!(at(&server, &["keys", "disable", STAGING_KEY]).code, 0);
    assert_eq!(at(&server, &["keys", "enable", STAGING_KEY]).code, 0);
    let bodies: Vec<Value> = writes(&server).iter().map(body).collect();
    assert_eq!(
        bodies,
        [json!({"disabled": true}), json!({"disabled": false})]
    );
}

/// The fake with this many generated workspaces beside the seed's.
fn crowded_fake(extra: usize) -> orws::fake::FakeServer {
    fake_with(orws::fake::FakeConfig {
        extra_workspaces: extra,
        ..orws::fake::FakeConfig::default()
    })
}

/// The requests to `/keys…` that reached the fake, as `METHOD path`.
fn key_requests(server: &orws::fake::FakeServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|q| q.path.starts_with("/api/v1/keys"))
        .map(|q| format!("{} {}", q.method, q.path))
        .collect()
}

/// A hash no workspace holds is told by one `GET /keys/{hash}`, however many workspaces there
/// are (it used to read every workspace's keys: 1,300+ requests for 5,000 workspaces).
#[test]
fn keys_disable_of_an_unknown_hash_is_one_request_among_many_workspaces() {
    let server = crowded_fake(400);
    let unknown = "0".repeat(64);
    let r = at(&server, &["keys", "disable", &unknown]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "no API key with the hash");
    assert_has(&r.stderr, &unknown);
    assert_has(&r.stderr, "nothing was sent");
    assert_eq!(
        key_requests(&server),
        [format!("GET /api/v1/keys/{unknown}")]
    );
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
    assert!(r.history().is_empty());
}

/// A known key among many workspaces: one lookup by hash, its workspace by uuid, the check
/// right before the write that the key is still there (the one send's, both front ends'), the
/// PATCH.
#[test]
fn keys_disable_of_a_known_hash_among_many_workspaces_is_one_lookup() {
    let server = crowded_fake(400);
    let r = at(&server, &["keys", "disable", STAGING_KEY]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        key_requests(&server),
        [
            format!("GET /api/v1/keys/{STAGING_KEY}"),
            format!("GET /api/v1/keys/{STAGING_KEY}"),
            format!("PATCH /api/v1/keys/{STAGING_KEY}"),
        ]
    );
    let gets: Vec<String> = server
        .requests()
        .iter()
        .filter(|q| q.method == "GET" && !q.path.starts_with("/api/v1/keys"))
        .map(|q| q.path.clone())
        .collect();
    assert_eq!(gets, [format!("/api/v1/workspaces/{STAGING_ID}")]);
    assert_eq!(r.history()[0]["before"]["disabled"], json!(false));
}

#[test]
fn keys_delete_needs_yes_then_deletes() {
    let server = fake();
    assert_eq!(at(&server, &["keys", "delete", STAGING_KEY]).code, 2);
    assert!(writes(&server).is_empty());
    let r = at(&server, &["keys", "delete", STAGING_KEY, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("DELETE", format!("/api/v1/keys/{STAGING_KEY}").as_str())
    );
    assert_eq!(r.history()[0]["kind"], "delete");
}

#[test]
fn keys_move_dry_run_prints_the_patch() {
    let server = fake();
    let r = at(
        &server,
        &["keys", "move", STAGING_KEY, "--to", "dev", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.starts_with(&format!("PATCH /keys/{STAGING_KEY}")),
        "{}",
        r.stdout
    );
    assert!(writes(&server).is_empty());
}

/// A key-move server: one key in staging; `patch` answers the PATCH (and may move the key).
fn key_server(
    patch: impl Fn(&AtomicBool) -> Reply + Send + Sync + 'static,
) -> (hostile_http::Hostile, Arc<AtomicBool>) {
    let moved = Arc::new(AtomicBool::new(false));
    let m = moved.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "PATCH" {
            return patch(&m);
        }
        if path.starts_with("/workspaces?") {
            return Reply::json(
                200,
                &json!({"data": [ws_json(STAGING_ID, "staging"), ws_json(DEV_ID, "dev")], "total_count": 2}),
            );
        }
        if path == "/workspaces/dev" || path == format!("/workspaces/{DEV_ID}") {
            return Reply::json(200, &json!({"data": ws_json(DEV_ID, "dev")}));
        }
        if path == format!("/workspaces/{STAGING_ID}") {
            return Reply::json(200, &json!({"data": ws_json(STAGING_ID, "staging")}));
        }
        if path == format!("/keys/{STAGING_KEY}") {
            let ws = if m.load(Ordering::SeqCst) {
                DEV_ID
            } else {
                STAGING_ID
            };
            return Reply::json(
                200,
                &json!({"data": {"hash": STAGING_KEY, "name": "Staging CI", "workspace_id": ws}}),
            );
        }
        if path.starts_with("/keys?") {
            let in_dev = path.contains(DEV_ID);
            let here = in_dev == m.load(Ordering::SeqCst) && req.query_number("offset") == Some(0);
            let ws = if in_dev { DEV_ID } else { STAGING_ID };
            let data = if here && (in_dev || path.contains(STAGING_ID)) {
                json!([{"hash": STAGING_KEY, "name": "Staging CI", "workspace_id": ws}])
            } else {
                json!([])
            };
            return Reply::json(200, &json!({"data": data}));
        }
        Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
    });
    (server, moved)
}

#[test]
fn keys_move_answered_500_after_applying_is_reported_applied() {
    let (server, moved) = key_server(|m| {
        m.store(true, Ordering::SeqCst);
        Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}))
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "keys",
        "move",
        STAGING_KEY,
        "--to",
        "dev",
        "--yes",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "shows it was applied");
    assert!(moved.load(Ordering::SeqCst));
    assert_eq!(r.history()[0]["kind"], "key");
}

#[test]
fn keys_move_answered_about_another_key_is_not_taken_for_applied() {
    let (server, _) = key_server(|_| {
        Reply::json(
            200,
            &json!({"data": {"hash": "other", "name": "x", "workspace_id": DEV_ID}}),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "keys",
        "move",
        STAGING_KEY,
        "--to",
        "dev",
        "--yes",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "other");
    assert_has(&r.stderr, "not applied");
    assert!(r.history().is_empty());
}

// ---- budgets ----

#[test]
fn budgets_set_sends_the_ordered_plan() {
    let server = fake();
    let r = at(
        &server,
        &[
            "budgets",
            "set",
            "production",
            "--monthly",
            "1000",
            "--weekly",
            "600",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w: Vec<(String, String, Value)> = writes(&server)
        .iter()
        .map(|q| (q.method.clone(), q.path.clone(), body(q)))
        .collect();
    let base = format!("/api/v1/workspaces/{PROD_ID}/budgets");
    assert_eq!(
        w,
        [
            (
                "PUT".into(),
                format!("{base}/monthly"),
                json!({"limit_usd": 1000.0})
            ),
            (
                "PUT".into(),
                format!("{base}/weekly"),
                json!({"limit_usd": 600.0})
            ),
        ]
    );
    assert_eq!(r.history()[0]["kind"], "budgets");
}

/// The second PUT of a plan is refused: the first landed, and both the output and the history
/// say so.
#[test]
fn budgets_partial_failure_says_what_landed() {
    let puts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let p = puts.clone();
    let server = serve(move |req: &Request, _| {
        let budget =
            |i: &str, l: f64| json!({"workspace_id": PROD_ID, "reset_interval": i, "limit_usd": l});
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
        "budgets",
        "set",
        "production",
        "--monthly",
        "1000",
        "--weekly",
        "600",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "landed: PUT monthly $1000");
    assert_has(&r.stderr, "not sent or not applied: PUT weekly $600");
    let h = r.history();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["patch"]["requests"].as_array().unwrap().len(), 1);
}

#[test]
fn budgets_delete_sends_one_delete() {
    let server = fake();
    // Destructive: without a terminal to ask on, it needs --yes (nothing sent).
    let r = at(&server, &["budgets", "delete", "production", "daily"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--yes");
    assert!(writes(&server).is_empty());
    let r = at(
        &server,
        &["budgets", "delete", "production", "daily", "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!((w.len(), w[0].method.as_str()), (1, "DELETE"));
    assert!(w[0].path.ends_with("/budgets/daily"));
}

#[test]
fn budgets_of_a_non_enterprise_workspace_say_the_403_plainly() {
    let server = fake();
    let r = at(&server, &["budgets", "get", "sandbox"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "Enterprise");
}

// ---- guardrail ----

#[test]
fn guardrail_get_of_an_unconfigured_one_says_so() {
    let server = fake();
    let r = at(&server, &["guardrail", "get", "staging"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "not configured: the account's policy applies");
}

#[test]
fn guardrail_patch_sends_the_minimal_patch() {
    let server = fake();
    let r = at(
        &server,
        &[
            "guardrail",
            "patch",
            "staging",
            "--set",
            "enforce_zdr_openai=true",
            "--set",
            "allowed_models=openai/gpt-4o",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let w = writes(&server);
    assert_eq!(w[0].method, "PATCH");
    assert!(w[0].path.starts_with("/api/v1/guardrails/"));
    assert_eq!(
        body(&w[0]),
        json!({"allowed_models": ["openai/gpt-4o"], "enforce_zdr_openai": true})
    );
    assert_eq!(r.history()[0]["kind"], "guardrail");
}

#[test]
fn guardrail_patch_three_state_null_means_inherit() {
    let server = fake();
    let r = at(
        &server,
        &[
            "guardrail",
            "patch",
            "production",
            "--set",
            "enforce_zdr_openai=null",
            "--dry-run",
            "--output",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    let sent = &out["requests"][0]["body"];
    assert!(
        sent.as_object()
            .is_none_or(|b| b.get("enforce_zdr_openai").is_none_or(Value::is_null)),
        "{sent}"
    );
}

// ---- read-only ----

#[test]
fn read_only_refuses_every_write_and_patch() {
    let server = fake();
    for args in [
        &["--read-only", "patch", "production", "--set", "name=X"][..],
        &["--read-only", "delete", "dev", "--yes"],
        &["--read-only", "keys", "disable", STAGING_KEY],
        &["--read-only", "budgets", "delete", "production", "daily"],
        &[
            "--read-only",
            "create",
            "--set",
            "name=N",
            "--set",
            "slug=n",
        ],
    ] {
        let r = at(&server, args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert_has(&r.stderr, "--read-only");
    }
    assert!(writes(&server).is_empty());
}

#[test]
fn read_only_from_the_config_file_refuses_writes() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/orws")).unwrap();
    std::fs::write(
        home.path().join("config/orws/config.toml"),
        "read_only = true\n",
    )
    .unwrap();
    let status = cli_bin::command_at(
        home.path(),
        &server.url(),
        &["keys", "disable", STAGING_KEY],
    )
    .output()
    .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(writes(&server).is_empty());
}

// ---- busy servers: read again before sending again ----

/// A 503 that did not apply: read again, then sent again, and it lands.
#[test]
fn a_busy_delete_is_read_again_then_sent_again() {
    let server = fake();
    server.inject("DELETE", orws::fake::Fault::Status(503), 1);
    let r = at(&server, &["delete", "dev", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "retrying");
    let deletes = writes(&server)
        .iter()
        .filter(|q| q.method == "DELETE")
        .count();
    assert_eq!(deletes, 2);
    assert!(server.workspace(DEV_ID).is_none());
}

/// A 503 that came after the write was applied: the read before a retry shows it, and the
/// write is not sent twice.
#[test]
fn a_busy_key_move_that_landed_is_not_sent_again() {
    let (server, _) = key_server(|m| {
        m.store(true, Ordering::SeqCst);
        Reply::json(503, &json!({"error": {"code": 503, "message": "busy"}}))
            .header("Retry-After", "0")
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "keys",
        "move",
        STAGING_KEY,
        "--to",
        "dev",
        "--yes",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "shows it was applied");
    let patches = server.sent("PATCH");
    assert_eq!(patches, 1);
}

// ---- on a terminal ----

/// On a terminal, `delete` asks for the slug: a wrong one sends nothing, the right one deletes.
#[test]
fn delete_on_a_terminal_asks_for_the_slug() {
    use pty_screen::{Pty, Sandbox};
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(sb.command(&["--demo", "delete", "dev"]), 100, 30);
    pty.wait_for("Type the slug 'dev'", DEADLINE);
    pty.send("prod\r");
    let status = pty.wait_exit(DEADLINE);
    assert_eq!(status.exit_code(), 2);
    assert_has(&pty.screen(), "does not match");

    let mut pty = Pty::spawn(sb.command(&["--demo", "delete", "dev"]), 100, 30);
    pty.wait_for("Type the slug 'dev'", DEADLINE);
    pty.send("dev\r");
    let status = pty.wait_exit(DEADLINE);
    assert_eq!(status.exit_code(), 0, "{}", pty.screen());
    assert_has(&pty.screen(), "deleted dev");
}

/// On a terminal, `keys delete` asks y/N; anything but yes sends nothing.
#[test]
fn keys_delete_on_a_terminal_asks_yes_or_no() {
    use pty_screen::{Pty, Sandbox};
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(
        sb.command(&["--demo", "keys", "delete", STAGING_KEY]),
        100,
        30,
    );
    pty.wait_for("[y/N]", DEADLINE);
    pty.send("\r");
    assert_eq!(pty.wait_exit(DEADLINE).exit_code(), 2);
    assert_has(&pty.screen(), "not confirmed");
}

// ---- more hostile answers ----

/// A name that clears the screen and reorders the line, as a server could send it.
const EVIL: &str = "CI\x1b[2J\u{202e}";

/// Key names from the server reach the terminal escaped, in the exit-3 message too.
#[test]
fn key_names_in_the_delete_refusal_are_escaped() {
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        // Only the workspace's own list holds the key: R21 does not point at dev.
        if path.starts_with("/keys")
            && path.contains(DEV_ID)
            && req.query_number("offset") == Some(0)
        {
            return Reply::json(
                200,
                &json!({"data": [{"hash": "h1", "name": EVIL, "workspace_id": DEV_ID}]}),
            );
        }
        if path.starts_with("/keys") {
            return Reply::json(200, &json!({"data": []}));
        }
        Reply::json(200, &json!({"data": ws_json(DEV_ID, "dev")}))
    });
    let r = orws(&["--base-url", &server.url, "delete", "dev", "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        !r.stderr.contains('\x1b') && !r.stderr.contains('\u{202e}'),
        "{:?}",
        r.stderr
    );
    assert_has(&r.stderr, "CI\\x1b[2J");
    assert!(server.requests().iter().all(|q| q.method == "GET"));
}

/// POST answered 500 after creating: the re-read by slug finds it, and says so.
#[test]
fn create_answered_500_after_creating_is_reported_created() {
    let created = Arc::new(AtomicBool::new(false));
    let c = created.clone();
    let server = serve(move |req: &Request, _| {
        if req.method == "POST" {
            c.store(true, Ordering::SeqCst);
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        if c.load(Ordering::SeqCst) {
            return Reply::json(200, &json!({"data": created_json(DEV_ID, "N", "new-one")}));
        }
        Reply::json(
            404,
            &json!({"error": {"code": 404, "message": "not found"}}),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "create",
        "--set",
        "name=N",
        "--set",
        "slug=new-one",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "shows it was applied");
    let posts = server.sent("POST");
    assert_eq!(posts, 1);
    assert_eq!(r.history()[0]["kind"], "create");
}

/// R10: the BYOK switch alone re-sends one unchanged limit with it.
#[test]
fn budgets_include_byok_alone_rides_on_one_put() {
    let server = fake();
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "budgets",
            "set",
            "production",
            "--include-byok",
            "true",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    let reqs = out["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["method"], "PUT");
    assert_eq!(reqs[0]["body"]["include_byok_in_budgets"], true);
    assert!(writes(&server).is_empty());
}

/// When the keys cannot tell the default workspace (R21), the server's refusal does (R3): it
/// is explained, exit 2, and the way on is `--confirm-default`.
#[test]
fn a_delete_refused_as_the_default_workspace_is_explained() {
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "DELETE" {
            return Reply::json(
                400,
                &json!({"error": {"code": 400, "message": "Deleting the default workspace requires confirm_default_workspace_deletion=true"}}),
            );
        }
        if path.starts_with("/keys") {
            return Reply::json(200, &json!({"data": []}));
        }
        Reply::json(200, &json!({"data": ws_json(DEV_ID, "dev")}))
    });
    let r = orws(&["--base-url", &server.url, "delete", "dev", "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--confirm-default");
    assert_has(&r.stderr, "unscoped");
    let deletes: Vec<String> = server
        .requests()
        .iter()
        .filter(|q| q.method == "DELETE")
        .map(|q| q.path.clone())
        .collect();
    assert_eq!(deletes, [format!("/api/v1/workspaces/{DEV_ID}")]);
}

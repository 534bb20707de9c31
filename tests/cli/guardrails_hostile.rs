//! Named guardrails' writes through a hostile proxy in front of the fake: an answer about
//! another workspace's guardrail, an assignment that landed on another key, a lost answer
//! settled by a re-read, a colleague's change during a 429 wait.

use crate::support::cli_bin::*;
use crate::support::hostile_http::{Reply, Request, forward, reply_json, serve, tamper};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";
const STAGING: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";
const BATCH_GUARDRAIL: &str = "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e";
const CI_GUARDRAIL: &str = "9d3a6e4c-5f7b-4c8d-9e0f-2a3b4c5d6e7f";
const EU_GUARDRAIL: &str = "7b1e4c2a-3d5f-4a6b-9c8d-0e1f2a3b4c5d";
const BATCH_KEY: &str = "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b";
const OLD_KEY: &str = "6e5ad04c0f3dea0f64c407238a9938a12eac8df4a6e3e8cba908f842d430c899";

fn path(req: &Request) -> &str {
    req.path.trim_start_matches("/api/v1")
}

fn busy() -> Reply {
    Reply::json(
        429,
        &json!({"error": {"code": 429, "message": "slow down"}}),
    )
    .header("Retry-After", "0")
}

#[test]
fn a_patch_answered_with_another_workspaces_guardrail_is_not_believed() {
    let server = fake();
    let proxy = tamper(server.url(), "PATCH", move |reply| {
        let mut answer = reply_json(&reply);
        answer["data"]["workspace_id"] = json!(STAGING);
        Reply::json(200, &answer)
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "patch",
            BATCH_GUARDRAIL,
            "--set",
            "description=nightly",
        ],
    );
    // The guardrail read again by its id is production's and holds the change: applied, said.
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("not believed"), "{}", r.stderr);
    let entry = &r.history()[0];
    assert_eq!(entry["kind"], "guardrail");
    assert_eq!(
        entry["workspace_id"], PRODUCTION,
        "recorded under its own workspace: {entry}"
    );
}

#[test]
fn a_patch_answered_with_another_guardrail_is_settled_by_reading_ours() {
    let server = fake();
    let other = forward_get(&server.url(), CI_GUARDRAIL);
    let proxy = tamper(server.url(), "PATCH", move |_| {
        Reply::json(200, &json!({"data": other}))
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "patch",
            BATCH_GUARDRAIL,
            "--set",
            "description=nightly",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history()[0]["target"], BATCH_GUARDRAIL);
    assert!(!r.stdout.contains("CI models"), "{}", r.stdout);
}

/// The guardrail's JSON as the fake holds it.
fn forward_get(base: &str, id: &str) -> Value {
    let req = Request {
        method: "GET".into(),
        path: format!("/api/v1/guardrails/{id}"),
        headers: vec![("Authorization".into(), format!("Bearer {KEY}"))],
        body: vec![],
    };
    reply_json(&forward(base, &req, None))["data"].clone()
}

#[test]
fn an_assignment_that_landed_on_another_key_is_a_conflict_not_a_success() {
    let server = fake();
    let base = server.url();
    let proxy = serve(move |req, _| {
        if req.method == "POST" && path(req).ends_with("/assignments/keys") {
            // The server assigns another key and answers only a count.
            let body = json!({"key_hashes": [OLD_KEY]}).to_string();
            return forward(&base, req, Some(body.as_bytes()));
        }
        forward(&base, req, None)
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "assign",
            EU_GUARDRAIL,
            "--key",
            BATCH_KEY,
            "--yes",
        ],
    );
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("reading guardrail"), "{}", r.stderr);
    assert!(
        r.history().is_empty(),
        "nothing recorded as assigned: {:?}",
        r.history()
    );
}

#[test]
fn a_lost_answer_is_settled_by_a_re_read() {
    let server = fake();
    let proxy = tamper(server.url(), "POST", move |_| {
        // Applied, but the answer is lost.
        Reply::json(500, &json!({"error": {"code": 500, "message": "lost"}}))
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Lost",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history()[0]["kind"], "guardrail");
    assert_eq!(r.history()[0]["after"]["name"], "Lost", "{:?}", r.history());
    let r = at(
        &proxy,
        &["guardrails", "assign", BATCH_GUARDRAIL, "--key", OLD_KEY],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history()[0]["kind"], "assignment");
    let posts = proxy
        .requests()
        .iter()
        .filter(|q| q.method == "POST")
        .count();
    assert_eq!(posts, 2, "each sent once");
}

#[test]
fn a_colleagues_change_during_a_429_wait_is_a_conflict_not_overwritten() {
    let server = fake();
    let base = server.url();
    let patches = Arc::new(AtomicUsize::new(0));
    let n = patches.clone();
    let proxy = serve(move |req, _| {
        if req.method == "PATCH" && n.fetch_add(1, Ordering::SeqCst) == 0 {
            // A colleague renames the guardrail while orws waits.
            let colleague = json!({"description": "the colleague's"}).to_string();
            forward(&base, req, Some(colleague.as_bytes()));
            return busy();
        }
        forward(&base, req, None)
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "patch",
            BATCH_GUARDRAIL,
            "--set",
            "description=mine",
        ],
    );
    assert_eq!(r.code, 3, "a conflict: {r:?}");
    assert_eq!(patches.load(Ordering::SeqCst), 1, "not sent again");
    assert_eq!(
        forward_get(&server.url(), BATCH_GUARDRAIL)["description"],
        "the colleague's"
    );
    assert!(r.history().is_empty());
}

#[test]
fn a_create_answered_with_another_workspaces_guardrail_is_settled_by_reading_the_list() {
    let server = fake();
    let proxy = tamper(server.url(), "POST", move |reply| {
        let mut answer = reply_json(&reply);
        answer["data"]["workspace_id"] = json!(STAGING);
        answer["data"]["id"] = json!(CI_GUARDRAIL);
        Reply::json(201, &answer)
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Mine",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("not believed"), "{}", r.stderr);
    let after = &r.history()[0]["after"];
    assert_eq!(after["workspace_id"], PRODUCTION, "{after}");
    assert_ne!(after["id"], CI_GUARDRAIL);
}

#[test]
fn a_lost_create_answer_with_two_candidates_cannot_be_told_and_records_nothing() {
    let server = fake();
    let base = server.url();
    let proxy = serve(move |req, _| {
        if req.method == "POST" {
            // A colleague creates the same guardrail at the same moment; our answer is lost.
            forward(&base, req, None);
            forward(&base, req, None);
            return Reply::json(500, &json!({"error": {"code": 500, "message": "lost"}}));
        }
        forward(&base, req, None)
    });
    let r = at(
        &proxy,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Twin",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("cannot tell"), "{}", r.stderr);
    assert!(r.history().is_empty());
}

//! The TUI's admin writes when the answer does not tell: a write whose answer was lost is
//! settled by reading the server again, and a busy server is read again before another try
//! (product.md §6). Before, the TUI said only "it may have landed: r re-reads the list" and
//! gave up on a 429 with "try again later".

use crate::support::client::client;
use crate::support::common::assert_has;
use crate::support::hostile_http;
use crate::support::sent::Sent;

use hostile_http::{Reply, Request, serve};
use orws::admin::keys::KeyPatch;
use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest, send};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const WS: &str = "550e8400-e29b-41d4-a716-446655440000";

fn member(user: &str) -> Value {
    json!({"id": format!("m-{user}"), "workspace_id": WS, "user_id": user, "role": "member",
           "created_at": "2025-01-01T00:00:00Z"})
}

fn boom() -> Reply {
    Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}))
}

/// A members endpoint whose POST /members/add answers 500; `applies` says whether it added
/// the user first; `reads_fail` makes the re-read fail too.
fn members_server(applies: bool, reads_fail: bool) -> hostile_http::Hostile {
    let added = Arc::new(AtomicBool::new(false));
    serve(move |req: &Request, _| {
        if req.method == "POST" {
            if applies {
                added.store(true, Ordering::SeqCst);
            }
            return boom();
        }
        if reads_fail {
            return boom();
        }
        let mut list = vec![member("user_a")];
        if added.load(Ordering::SeqCst) {
            list.push(member("user_new"));
        }
        Reply::json(200, &json!({ "data": list }))
    })
}

fn add() -> Vec<AdminRequest> {
    vec![AdminRequest::AddMembers {
        workspace: WS.into(),
        user_ids: vec!["user_new".into()],
    }]
}

#[tokio::test]
async fn a_lost_answer_to_an_add_that_landed_is_called_applied() {
    let server = members_server(true, false);
    let answers = send(&client(&server.url), &add(), Some(WS), None)
        .await
        .unwrap();
    assert!(
        matches!(&answers[..], [AdminAnswer::Note(n), AdminAnswer::MembersAdded(m)] if n.contains("landed") && m.0 == ["user_new"]),
        "{answers:?}"
    );
    let posts = server.sent("POST");
    assert_eq!(posts, 1, "never sent twice");
}

#[tokio::test]
async fn a_lost_answer_to_an_add_that_did_not_land_says_so() {
    let error = add_refused(members_server(false, false)).await;
    assert_has(&error, "it was not applied");
}

#[tokio::test]
async fn when_the_re_read_fails_too_it_says_it_may_have_landed() {
    let error = add_refused(members_server(true, true)).await;
    assert_has(&error, "may have landed");
    assert_has(&error, "r re-reads");
}

fn key(disabled: bool) -> Value {
    json!({"hash": "h1", "name": "ci", "label": "sk-or-…", "disabled": disabled, "limit": null,
           "usage": 0, "workspace_id": WS, "created_at": "2025-01-01T00:00:00Z"})
}

/// A 429 on the key's PATCH: orws reads the keys again, sees it still enabled, and tries again
/// (it used to end with "try again later").
#[tokio::test]
async fn a_busy_answer_is_read_again_and_tried_again() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = log.clone();
    let server = serve(move |req: &Request, _| {
        let mut log = seen.lock().unwrap();
        log.push(req.method.clone());
        let patches = log.iter().filter(|m| *m == "PATCH").count();
        match req.method.as_str() {
            "PATCH" if patches == 1 => Reply::json(
                429,
                &json!({"error": {"code": 429, "message": "slow down"}}),
            )
            .header("Retry-After", "0"),
            "PATCH" => Reply::json(200, &json!({ "data": key(true) })),
            // The key by its hash (one request): still enabled between the tries.
            _ if req.path.contains("/keys/h1") => Reply::json(200, &json!({ "data": key(false) })),
            _ if req.query_number("offset").unwrap_or(0) > 0 => {
                Reply::json(200, &json!({ "data": [] }))
            }
            _ => Reply::json(200, &json!({ "data": [key(false)] })),
        }
    });
    let disable = vec![AdminRequest::PatchKey {
        hash: "h1".into(),
        patch: KeyPatch {
            disabled: Some(true),
            ..KeyPatch::default()
        },
    }];
    let answers = send(&client(&server.url), &disable, Some(WS), None)
        .await
        .unwrap();
    assert!(
        matches!(&answers[..], [AdminAnswer::Key(k)] if k.disabled),
        "{answers:?}"
    );
    // The key is read where it was seen (its base), then again between the two tries.
    let mut log = log.lock().unwrap().clone();
    log.dedup();
    assert_eq!(log, ["GET", "PATCH", "GET", "PATCH"]);
}

/// A delete cut off by a 500 is settled by GETting the workspace: a 404 means it is gone.
#[tokio::test]
async fn a_delete_answered_500_but_gone_is_called_deleted() {
    let server = serve(move |req: &Request, _| match req.method.as_str() {
        "DELETE" => boom(),
        _ => Reply::json(
            404,
            &json!({"error": {"code": 404, "message": "not found"}}),
        ),
    });
    let delete = vec![AdminRequest::DeleteWorkspace {
        id: WS.into(),
        confirm_default: false,
    }];
    let answers = send(&client(&server.url), &delete, Some(WS), None)
        .await
        .unwrap();
    assert!(
        matches!(
            &answers[..],
            [AdminAnswer::Note(_), AdminAnswer::WorkspaceDeleted]
        ),
        "{answers:?}"
    );
}

/// A key write checks first that the key is still where it was seen (a move or an undo of
/// one): moved meanwhile, nothing is sent. Before, the undo of a move from the history sent the
/// PATCH unchecked and could pull the key out of wherever it had gone since.
#[tokio::test]
async fn a_key_moved_meanwhile_is_not_patched() {
    let server = serve(move |req: &Request, _| match req.method.as_str() {
        "PATCH" => Reply::json(200, &json!({ "data": key(false) })),
        // The key by its hash is in WS, not where it was seen: it was moved meanwhile.
        _ if req.path.contains("/keys/h1") => Reply::json(200, &json!({ "data": key(false) })),
        _ => Reply::json(200, &json!({ "data": [] })),
    });
    let back = vec![AdminRequest::PatchKey {
        hash: "h1".into(),
        patch: KeyPatch {
            workspace_id: Some(WS.into()),
            ..KeyPatch::default()
        },
    }];
    let elsewhere = (
        "h1".to_string(),
        "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b".to_string(),
    );
    let error = send(&client(&server.url), &back, Some(WS), Some(&elsewhere))
        .await
        .unwrap_err()
        .to_string();
    assert_has(&error, "no longer in workspace");
    assert!(server.requests().iter().all(|r| r.method != "PATCH"));
}

/// Why the add to `server` did not go through, as the person reads it.
async fn add_refused(server: hostile_http::Hostile) -> String {
    send(&client(&server.url), &add(), Some(WS), None)
        .await
        .unwrap_err()
        .to_string()
}

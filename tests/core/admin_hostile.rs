//! The admin client against servers that answer about something else, or never stop paging:
//! every answer that names what it is about is checked, and no list loops forever.

use crate::support;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::hostile_http;

use hostile_http::{Reply, Request, serve};
use orws::admin::budgets::Interval;
use orws::admin::keys::{KeyPatch, KeyQuery};
use orws::api::{ApiError, Client, WriteFailure};
use serde_json::{Map, Value, json};
use std::time::Duration;

const WS: &str = "550e8400-e29b-41d4-a716-446655440000";
const OTHER: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";

fn client(url: &str) -> Client {
    let mut config = support::client::config(url);
    config.timeout = Duration::from_secs(20);
    support::client::built(config)
}

fn key(hash: &str, ws: &str) -> Value {
    json!({"hash": hash, "name": "k", "label": "l", "disabled": false, "workspace_id": ws})
}

#[track_caller]
fn assert_malformed<T: std::fmt::Debug>(r: Result<T, WriteFailure>) {
    match r {
        Err(WriteFailure::Failed(ApiError::Malformed(m))) => assert!(!m.is_empty()),
        other => panic!("expected a refused answer, got {other:?}"),
    }
}

#[tokio::test]
async fn writes_answered_about_something_else_are_refused() {
    let s = serve(
        |r: &Request, _| match (r.method.as_str(), r.path.as_str()) {
            ("PATCH", p) if p.starts_with("/api/v1/keys/") => {
                Reply::json(200, &json!({"data": key("another", WS)}))
            }
            ("PATCH", _) => Reply::json(200, &json!({"data": {"id": "another-guardrail"}})),
            ("PUT", _) => Reply::json(
                200,
                &json!({"data": {"workspace_id": WS, "limit_usd": 5, "reset_interval": "weekly"}}),
            ),
            ("POST", "/api/v1/workspaces") => Reply::json(
                201,
                &json!({"data": {"id": WS, "name": "N", "slug": "not-asked"}}),
            ),
            _ => Reply::json(
                200,
                &json!({"data": [{"id": "m", "workspace_id": OTHER, "user_id": "u", "role": "member", "created_at": "t"}], "added_count": 1}),
            ),
        },
    );
    let c = client(&s.url);
    assert_malformed(
        c.patch_key(
            "mine",
            &KeyPatch {
                disabled: Some(true),
                ..KeyPatch::default()
            },
        )
        .await,
    );
    assert_malformed(c.patch_guardrail("mine", &Map::new()).await);
    assert_malformed(c.put_budget(WS, Interval::Daily, 5.0, None).await);
    let mut body = Map::new();
    body.insert("name".into(), json!("N"));
    body.insert("slug".into(), json!("asked"));
    assert_malformed(c.create_workspace(&body).await);
    assert_malformed(c.add_members(WS, &["u".to_string()]).await);
    // Each write went out exactly once.
    assert_eq!(s.count(), 5);
}

#[tokio::test]
async fn reads_answered_about_something_else_are_refused() {
    let s = serve(|r: &Request, _| {
        if r.path.starts_with("/api/v1/guardrails/") {
            Reply::json(200, &json!({"data": {"id": "another"}}))
        } else if r.path.starts_with("/api/v1/keys") {
            Reply::json(200, &json!({"data": [key("k1", OTHER)]}))
        } else {
            Reply::json(
                200,
                &json!({"data": [{"id": "m", "workspace_id": OTHER, "user_id": "u", "role": "member", "created_at": "t"}], "total_count": 1}),
            )
        }
    });
    let c = client(&s.url);
    assert!(matches!(
        c.get_guardrail("mine").await,
        Err(ApiError::Malformed(_))
    ));
    assert!(matches!(
        c.list_keys(&KeyQuery::all_in(WS)).await,
        Err(ApiError::Malformed(_))
    ));
    assert!(matches!(
        c.list_members(WS).await,
        Err(ApiError::Malformed(_))
    ));
}

/// `GET /keys/{hash}` answered about another key (or with no key at all) is refused, never
/// taken for the key asked for; a 404 is "no such key".
#[tokio::test]
async fn a_key_read_by_hash_answered_about_another_key_is_refused() {
    let s = serve(|r: &Request, _| match r.path.as_str() {
        "/api/v1/keys/mine" => Reply::json(200, &json!({"data": key("another", WS)})),
        "/api/v1/keys/empty" => Reply::json(200, &json!({"data": null})),
        "/api/v1/keys/gone" => Reply::json(
            404,
            &json!({"error": {"code": 404, "message": "no such key"}}),
        ),
        _ => Reply::json(200, &json!({"data": key("exact", OTHER)})),
    });
    let c = client(&s.url);
    assert!(matches!(
        c.get_key("mine").await,
        Err(ApiError::Malformed(_))
    ));
    assert!(matches!(
        c.get_key("empty").await,
        Err(ApiError::Malformed(_))
    ));
    assert_eq!(c.get_key("gone").await.unwrap(), None);
    let k = c.get_key("exact").await.unwrap().unwrap();
    assert_eq!((k.hash.as_str(), k.workspace_id.as_str()), ("exact", OTHER));
    // A hash that cannot be a path segment is refused before any request.
    assert!(matches!(
        c.get_key("..").await,
        Err(ApiError::InvalidTarget(_))
    ));
    assert!(!s.requests().iter().any(|q| q.path.ends_with("/keys/..")));
}

#[tokio::test]
async fn a_key_list_that_repeats_its_page_stops() {
    let s = serve(|_: &Request, _| Reply::json(200, &json!({"data": [key("same", WS)]})));
    let c = client(&s.url);
    match c.list_keys(&KeyQuery::all_in(WS)).await {
        Err(ApiError::Paging(m)) => assert!(m.contains("already listed"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.count(), 2);
}

/// A members or keys list that does not advance says which list it was: it said "the
/// workspace list makes no progress" for every list.
#[tokio::test]
async fn a_list_that_makes_no_progress_is_named() {
    let s = serve(|r: &Request, _| {
        if r.path.contains("/members") {
            Reply::json(
                200,
                &json!({"data": [{"id": "m", "workspace_id": WS, "user_id": "u", "role": "member",
                    "created_at": "t"}], "total_count": 5}),
            )
        } else {
            Reply::json(200, &json!({"data": [key("same", WS)]}))
        }
    });
    let c = client(&s.url);
    let keys = c.list_keys(&KeyQuery::all_in(WS)).await.unwrap_err();
    let members = c.list_members(WS).await.unwrap_err();
    for (e, list) in [(keys, "keys"), (members, "members")] {
        assert!(matches!(e, ApiError::Paging(_)), "{e:?}");
        let shown = e.to_string();
        assert_has(
            &shown,
            &format!("the list of the {list} of workspace '{WS}' makes no progress"),
        );
        assert_lacks(&shown, "workspace list");
    }
}

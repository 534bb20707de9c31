//! `POST /keys` and the fake's clock: the secret answered once and never again, the rules of a
//! new key (R28), seed times as offsets from the fake's now, every hygiene label in the seed.

use super::admin::{assert_answer, assert_requests_valid, client, raw, server};
use orws::admin::key_labels::{self, ALL, KeyCreate, KeyEdit, Label};
use orws::admin::keys::{Key, KeyQuery};
use orws::fake::{self, FakeConfig};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";
const DEFAULT: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";

fn is_secret_shaped(s: &str) -> bool {
    s.strip_prefix("sk-or-v1-")
        .is_some_and(|hex| hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

#[tokio::test]
async fn a_new_keys_secret_is_answered_once_and_never_again() {
    let s = server().await;
    let body = json!({
        "name": "CI deploy", "workspace_id": PRODUCTION, "limit": 25,
        "limit_reset": "weekly", "include_byok_in_limit": true,
        "expires_at": "2099-01-01T00:00:00Z",
    });
    let (status, answer) = raw(&s, Method::POST, "/keys", Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    assert_answer("post", "/keys", 201, &answer);
    let secret = answer["key"].as_str().unwrap().to_string();
    assert!(is_secret_shaped(&secret), "{secret}");
    let data = &answer["data"];
    assert_eq!(data["workspace_id"], PRODUCTION);
    assert_eq!(data["limit"], 25);
    assert_eq!(data["limit_reset"], "weekly");
    assert_eq!(data["expires_at"], "2099-01-01T00:00:00Z");
    assert!(data.get("last_used_at").is_none());
    let hash = data["hash"].as_str().unwrap();
    // Never again: not by hash, not in the list.
    let (_, again) = raw(&s, Method::GET, &format!("/keys/{hash}"), None).await;
    assert_answer("get", "/keys/{hash}", 200, &again);
    assert!(!again.to_string().contains(&secret));
    let (_, list) = raw(
        &s,
        Method::GET,
        &format!("/keys?workspace_id={PRODUCTION}&include_disabled=true&include_expired=true"),
        None,
    )
    .await;
    assert!(!list.to_string().contains(&secret));
    let listed = client(&s)
        .list_keys(&KeyQuery::all_in(PRODUCTION))
        .await
        .unwrap();
    let new = listed.iter().find(|k| k.hash == hash).unwrap();
    // A key just made has not been used.
    assert_eq!(
        key_labels::labels(new, OffsetDateTime::now_utc()),
        [Label::NeverUsed]
    );
    // Without a workspace: the default one (R21).
    let (status, answer) = raw(&s, Method::POST, "/keys", Some(json!({"name": "x"}))).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["data"]["workspace_id"], DEFAULT);
    assert_ne!(answer["key"], json!(secret));
}

#[tokio::test]
async fn a_new_key_is_refused_what_the_api_refuses() {
    let s = server().await;
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x", "limit": -1}),
        json!({"name": "x", "limit_reset": "yearly"}),
        json!({"name": "x", "expires_at": "2000-01-01T00:00:00Z"}),
        json!({"name": "x", "expires_at": "2099-01-01T00:00:00+02:00"}),
        json!({"name": "x", "flavour": "mint"}),
    ] {
        let (status, answer) = raw(&s, Method::POST, "/keys", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_answer("post", "/keys", 400, &answer);
    }
    let (status, _) = raw(
        &s,
        Method::POST,
        "/keys",
        Some(json!({"name": "x", "workspace_id": "nope"})),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_keys_edit_fields_are_patched_and_validated() {
    let s = server().await;
    let hash = s.keys(Some("production"))[0]["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let body = json!({"name": "Renamed", "limit": null, "limit_reset": "daily", "include_byok_in_limit": true});
    let (status, answer) = raw(&s, Method::PATCH, &format!("/keys/{hash}"), Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_answer("patch", "/keys/{hash}", 200, &answer);
    assert_eq!(answer["data"]["name"], "Renamed");
    assert_eq!(answer["data"]["limit"], Value::Null);
    assert_eq!(answer["data"]["include_byok_in_limit"], true);
    // R28: an expiry is only set at creation.
    let (status, _) = raw(
        &s,
        Method::PATCH,
        &format!("/keys/{hash}"),
        Some(json!({"expires_at": "2099-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn seed_times_are_offsets_from_the_fakes_now_and_every_label_appears() {
    let now = OffsetDateTime::parse("2031-03-04T05:06:07Z", &Rfc3339).unwrap();
    let s = fake::start(FakeConfig {
        now: Some(now),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let keys: Vec<Key> = s
        .keys(None)
        .into_iter()
        .map(|k| serde_json::from_value(k).unwrap())
        .collect();
    let created: Vec<OffsetDateTime> = keys
        .iter()
        .map(|k| OffsetDateTime::parse(k.extra["created_at"].as_str().unwrap(), &Rfc3339).unwrap())
        .collect();
    assert!(
        created
            .iter()
            .all(|t| *t < now && *t > now - time::Duration::days(600))
    );
    let seen: BTreeSet<Label> = keys
        .iter()
        .flat_map(|k| key_labels::labels(k, now))
        .collect();
    assert_eq!(seen, ALL.into_iter().collect::<BTreeSet<_>>());
    // The fake's Date and its stamps follow its clock.
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/models", s.url()))
        .send()
        .await
        .unwrap();
    let date = resp.headers()["date"].to_str().unwrap().to_string();
    assert!(date.contains("2031"), "{date}");
}

#[tokio::test]
async fn the_clients_create_and_edit_are_valid_requests_and_read_valid_answers() {
    let s = server().await;
    let c = client(&s);
    let body = KeyCreate {
        name: "valid".into(),
        workspace_id: PRODUCTION.into(),
        limit: Some(5.0),
        limit_reset: Some("daily".into()),
        include_byok_in_limit: Some(true),
        expires_at: Some("2099-01-01T00:00:00Z".into()),
    };
    let (key, secret) = c.create_key(&body).await.unwrap();
    assert!(is_secret_shaped(secret.expose()));
    assert!(!format!("{secret:?}").contains(secret.expose()));
    assert_eq!(
        key_labels::created_mismatch(&body, &key, OffsetDateTime::now_utc()),
        None
    );
    assert_eq!(assert_requests_valid(&s, "POST", "/keys", "/keys"), 1);
    let edit = KeyEdit {
        name: Some("renamed".into()),
        limit: Some(None),
        limit_reset: Some(None),
        include_byok_in_limit: Some(false),
    };
    let edited = c.edit_key(&key.hash, &edit).await.unwrap();
    assert_eq!(edited.name, "renamed");
    assert_eq!(edited.limit, None);
    assert_eq!(
        assert_requests_valid(&s, "PATCH", "/keys/", "/keys/{hash}"),
        1
    );
}

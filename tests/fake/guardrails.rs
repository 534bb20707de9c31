//! Named guardrails and their assignments in the fake (R15–R17, R22, R23), every answer and
//! request body validated against admin.json.

use super::admin::{
    assert_answer, assert_requests_valid, assert_valid_at, client, raw, request_pointer, server,
};
use reqwest::Method;
use serde_json::{Value, json};

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";
const STAGING: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";
const DEFAULT: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";
const BATCH_KEY: &str = "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b";
const OLD_KEY: &str = "6e5ad04c0f3dea0f64c407238a9938a12eac8df4a6e3e8cba908f842d430c899";
const STAGING_KEY: &str = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";
const BATCH_GUARDRAIL: &str = "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e";
const JANE: &str = "user_2dHFtVWx2n56w6HkM0000000001";

async fn post(s: &fake::FakeServer, path: &str, body: Value) -> (u16, Value) {
    assert_valid_at(&request_pointer("post", &spec_path(path)), &body);
    raw(s, Method::POST, path, Some(body)).await
}

use orws::fake;

/// The spec's path for a concrete one: a guardrail id becomes `{id}`.
fn spec_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "guardrails", id, rest @ ..] if *id != "assignments" => {
            let mut p = "/guardrails/{id}".to_string();
            for r in rest {
                p.push('/');
                p.push_str(r);
            }
            p
        }
        _ => path.to_string(),
    }
}

#[tokio::test]
async fn seeded_guardrails_list_with_their_assignments_and_account_wide_ones_with_the_default() {
    let s = server().await;
    let (_, list) = raw(
        &s,
        Method::GET,
        &format!("/guardrails?workspace_id={PRODUCTION}"),
        None,
    )
    .await;
    assert_answer("get", "/guardrails", 200, &list);
    let names: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Batch budget"), "{names:?}");
    let (_, list) = raw(
        &s,
        Method::GET,
        &format!("/guardrails?workspace_id={DEFAULT}"),
        None,
    )
    .await;
    assert_eq!(
        list["data"][0]["workspace_id"],
        Value::Null,
        "account-wide: {list}"
    );
    for path in [
        "/guardrails/assignments/keys",
        "/guardrails/assignments/members",
    ] {
        let (status, all) = raw(&s, Method::GET, path, None).await;
        assert_eq!(status, 200);
        assert_answer("get", path, 200, &all);
    }
    let path = format!("/guardrails/{BATCH_GUARDRAIL}/assignments/keys");
    let (_, mine) = raw(&s, Method::GET, &path, None).await;
    assert_answer("get", "/guardrails/{id}/assignments/keys", 200, &mine);
    assert_eq!(mine["data"][0]["key_hash"], json!(BATCH_KEY));
    let path = format!("/guardrails/{BATCH_GUARDRAIL}/assignments/members");
    let (_, mine) = raw(&s, Method::GET, &path, None).await;
    assert_answer("get", "/guardrails/{id}/assignments/members", 200, &mine);
}

#[tokio::test]
async fn create_patch_and_delete_a_named_guardrail_r15_to_r17() {
    let s = server().await;
    // R17: limit and interval together.
    let (status, answer) = post(
        &s,
        "/guardrails",
        json!({"name": "Half", "workspace_id": PRODUCTION, "limit_usd": 5}),
    )
    .await;
    assert_eq!(status, 400);
    assert_answer("post", "/guardrails", 400, &answer);
    let body = json!({"name": "Night shift", "description": "cheap models", "workspace_id": PRODUCTION,
        "limit_usd": 20, "reset_interval": "weekly", "allowed_providers": ["openai"]});
    let (status, created) = post(&s, "/guardrails", body).await;
    assert_eq!(status, 201, "{created}");
    assert_answer("post", "/guardrails", 201, &created);
    let id = created["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["data"]["workspace_id"], json!(PRODUCTION));

    // A named guardrail's name and description can change (R15 binds only the default's).
    let patch = json!({"name": "Night owls", "description": null});
    assert_valid_at(&request_pointer("patch", "/guardrails/{id}"), &patch);
    let (status, patched) = raw(&s, Method::PATCH, &format!("/guardrails/{id}"), Some(patch)).await;
    assert_eq!(status, 200, "{patched}");
    assert_answer("patch", "/guardrails/{id}", 200, &patched);
    assert_eq!(patched["data"]["name"], json!("Night owls"));

    // The default cannot be renamed nor deleted.
    let (_, production) = raw(&s, Method::GET, &format!("/workspaces/{PRODUCTION}"), None).await;
    let gid = production["data"]["default_guardrail_id"].as_str().unwrap();
    let (status, _) = raw(
        &s,
        Method::PATCH,
        &format!("/guardrails/{gid}"),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, answer) = raw(&s, Method::DELETE, &format!("/guardrails/{gid}"), None).await;
    assert_eq!(status, 400, "{answer}");

    let (status, answer) = raw(&s, Method::DELETE, &format!("/guardrails/{id}"), None).await;
    assert_eq!(status, 200);
    assert_answer("delete", "/guardrails/{id}", 200, &answer);
    let (status, answer) = raw(&s, Method::DELETE, &format!("/guardrails/{id}"), None).await;
    assert_eq!(status, 404);
    assert_answer("delete", "/guardrails/{id}", 404, &answer);
}

#[tokio::test]
async fn a_key_holds_one_guardrail_of_its_own_workspace_r22_r23() {
    let s = server().await;
    let (_, created) = post(
        &s,
        "/guardrails",
        json!({"name": "Other", "workspace_id": PRODUCTION}),
    )
    .await;
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let keys = format!("/guardrails/{id}/assignments/keys");
    // Another workspace's key is refused.
    let (status, answer) = post(&s, &keys, json!({"key_hashes": [STAGING_KEY]})).await;
    assert_eq!(status, 400, "{answer}");
    assert_answer("post", "/guardrails/{id}/assignments/keys", 400, &answer);
    // The batch key held "Batch budget": assigning this one replaces it.
    let (status, answer) = post(&s, &keys, json!({"key_hashes": [BATCH_KEY, OLD_KEY]})).await;
    assert_eq!(status, 200);
    assert_answer("post", "/guardrails/{id}/assignments/keys", 200, &answer);
    assert_eq!(answer["assigned_count"], json!(2));
    let (_, old) = raw(
        &s,
        Method::GET,
        &format!("/guardrails/{BATCH_GUARDRAIL}/assignments/keys"),
        None,
    )
    .await;
    assert_eq!(old["total_count"], json!(0), "replaced: {old}");
    let (status, answer) = post(
        &s,
        &format!("{keys}/remove"),
        json!({"key_hashes": [OLD_KEY]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_answer(
        "post",
        "/guardrails/{id}/assignments/keys/remove",
        200,
        &answer,
    );
    assert_eq!(answer["unassigned_count"], json!(1));

    let members = format!("/guardrails/{id}/assignments/members");
    let (_, answer) = post(&s, &members, json!({"member_user_ids": [JANE]})).await;
    assert_answer("post", "/guardrails/{id}/assignments/members", 200, &answer);
    assert_eq!(answer["assigned_count"], json!(1));
    let (status, _) = post(&s, &members, json!({"member_user_ids": ["user_nobody"]})).await;
    assert_eq!(status, 400);
    let (_, answer) = post(
        &s,
        &format!("{members}/remove"),
        json!({"member_user_ids": [JANE]}),
    )
    .await;
    assert_answer(
        "post",
        "/guardrails/{id}/assignments/members/remove",
        200,
        &answer,
    );
    assert_eq!(answer["unassigned_count"], json!(1));

    // R23: the default guardrail is never assigned.
    let (_, staging) = raw(&s, Method::GET, &format!("/workspaces/{STAGING}"), None).await;
    let gid = staging["data"]["default_guardrail_id"].as_str().unwrap();
    let (_, production) = raw(&s, Method::GET, &format!("/workspaces/{PRODUCTION}"), None).await;
    let pid = production["data"]["default_guardrail_id"].as_str().unwrap();
    let (status, _) = post(
        &s,
        &format!("/guardrails/{pid}/assignments/keys"),
        json!({"key_hashes": [BATCH_KEY]}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &s,
        &format!("/guardrails/{gid}/assignments/keys"),
        json!({"key_hashes": [STAGING_KEY]}),
    )
    .await;
    assert_eq!(status, 404, "not configured yet");
}

#[tokio::test]
async fn the_clients_requests_are_valid_per_the_spec() {
    let s = server().await;
    let c = client(&s);
    let mut body = serde_json::Map::new();
    body.insert("name".into(), json!("From the client"));
    body.insert("workspace_id".into(), json!(PRODUCTION));
    body.insert("limit_usd".into(), json!(10));
    body.insert("reset_interval".into(), json!("monthly"));
    let g = c.create_guardrail(&body).await.unwrap();
    let id = g["id"].as_str().unwrap().to_string();
    let mut patch = serde_json::Map::new();
    patch.insert("name".into(), json!("Renamed"));
    c.patch_guardrail(&id, &patch).await.unwrap();
    let keys = vec![OLD_KEY.to_string()];
    let members = vec![JANE.to_string()];
    assert_eq!(c.assign(&id, false, true, &keys).await.unwrap(), 1);
    assert_eq!(c.assign(&id, true, true, &members).await.unwrap(), 1);
    assert_eq!(c.guardrail_assignments(&id, false).await.unwrap(), keys);
    assert_eq!(c.guardrail_assignments(&id, true).await.unwrap(), members);
    assert!(
        c.all_assignments(false)
            .await
            .unwrap()
            .iter()
            .any(|a| a.holder == OLD_KEY && a.guardrail_id == id)
    );
    assert_eq!(c.assign(&id, false, false, &keys).await.unwrap(), 1);
    assert_eq!(c.assign(&id, true, false, &members).await.unwrap(), 1);
    let listed = c.list_guardrails(PRODUCTION).await.unwrap();
    assert!(listed.iter().any(|g| g["id"] == json!(id)));
    c.delete_guardrail(&id).await.unwrap();

    let creates: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/api/v1/guardrails")
        .collect();
    assert_eq!(creates.len(), 1);
    let body: Value = serde_json::from_str(&creates[0].body).unwrap();
    assert_valid_at(&request_pointer("post", "/guardrails"), &body);
    assert_eq!(
        assert_requests_valid(&s, "PATCH", "/guardrails/", "/guardrails/{id}"),
        1
    );
    for (path, spec) in [
        ("/keys", "/guardrails/{id}/assignments/keys"),
        ("/keys/remove", "/guardrails/{id}/assignments/keys/remove"),
        ("/members", "/guardrails/{id}/assignments/members"),
        (
            "/members/remove",
            "/guardrails/{id}/assignments/members/remove",
        ),
    ] {
        let sent: Vec<_> = s
            .requests()
            .into_iter()
            .filter(|r| {
                r.method == "POST" && r.path == format!("/api/v1/guardrails/{id}/assignments{path}")
            })
            .collect();
        assert_eq!(sent.len(), 1, "{path}");
        let body: Value = serde_json::from_str(&sent[0].body).unwrap();
        assert_valid_at(&request_pointer("post", spec), &body);
    }
}

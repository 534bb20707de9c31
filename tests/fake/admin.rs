//! The admin endpoints end to end: the orws client against the fake over real HTTP, every rule
//! and refusal (R1–R21), the fake's answers validated against admin.json's response schemas and
//! the client's request bodies against its request schemas.

use crate::support;
use crate::support::sent::Sent;
use orws::admin::budgets::{self, Budgets, Interval, Limits};
use orws::admin::guardrail;
use orws::admin::keys::{KeyPatch, KeyQuery};
use orws::admin::members;
use orws::api::{ApiError, Client, WriteFailure};
use orws::fake::{self, FakeConfig, FakeServer, Fault};
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;
use std::time::Duration;

const KEY: &str = "sk-or-v1-admin";
const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";
const DEFAULT: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";
const STAGING: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";
const JANE: &str = "user_2dHFtVWx2n56w6HkM0000000001";
const BOB_SCIM: &str = "user_2dHFtVWx2n56w6HkM0000000002";
const MEI: &str = "user_2dHFtVWx2n56w6HkM0000000003";
const PRIYA: &str = "user_2dHFtVWx2n56w6HkM0000000005";

static SPEC: LazyLock<Value> = LazyLock::new(|| {
    let path = format!("{}/tests/fixtures/admin.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
});

/// A validator for a schema inside the spec (at a JSON pointer), with the spec's components
/// beside it so every `#/components/...` reference resolves.
fn validator(pointer: &str) -> jsonschema::Validator {
    let mut root = SPEC
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no schema at {pointer}"))
        .clone();
    root["components"] = SPEC["components"].clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {pointer}: {e}"))
}

fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

fn response_pointer(method: &str, path: &str, status: u16) -> String {
    format!(
        "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
        escape(path)
    )
}

pub(crate) fn request_pointer(method: &str, path: &str) -> String {
    format!(
        "/paths/{}/{method}/requestBody/content/application~1json/schema",
        escape(path)
    )
}

#[track_caller]
pub(crate) fn assert_valid_at(pointer: &str, instance: &Value) {
    let errors: Vec<String> = validator(pointer)
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid per {pointer}: {errors:#?}\n{instance:#}"
    );
}

/// The fake's answer is valid per the spec's schema for that operation and status.
#[track_caller]
pub(crate) fn assert_answer(method: &str, spec_path: &str, status: u16, body: &Value) {
    assert_valid_at(&response_pointer(method, spec_path, status), body);
}

pub(crate) async fn server() -> FakeServer {
    fake::start(FakeConfig::default()).await.unwrap()
}

pub(crate) fn client(s: &FakeServer) -> Client {
    support::client::built(support::client::keyed(s, KEY))
}

pub(crate) async fn raw(
    s: &FakeServer,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut req = http
        .request(method, format!("{}{path}", s.url()))
        .bearer_auth(KEY);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

/// Every body the client sent with `method` to a path starting with `prefix`, validated against
/// the request schema of `spec_path`.
pub(crate) fn assert_requests_valid(
    s: &FakeServer,
    method: &str,
    prefix: &str,
    spec_path: &str,
) -> usize {
    let sent: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path.starts_with(&format!("/api/v1{prefix}")))
        .collect();
    for r in &sent {
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_valid_at(&request_pointer(&method.to_lowercase(), spec_path), &body);
    }
    sent.len()
}

fn refusal(r: Result<impl std::fmt::Debug, WriteFailure>) -> ApiError {
    match r {
        Err(WriteFailure::Failed(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn bad_request_message(e: &ApiError) -> String {
    match e {
        ApiError::BadRequest { message, .. } => message.clone(),
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[test]
fn the_schemas_can_fail() {
    let keys = validator(&response_pointer("get", "/keys", 200));
    assert!(!keys.is_valid(&json!({"data": [{"hash": "x"}]})));
    let key = validator(&response_pointer("get", "/keys/{hash}", 200));
    assert!(!key.is_valid(&json!({"data": {"hash": "x"}})));
    assert!(!key.is_valid(&json!({"data": []})));
    let budgets = validator(&response_pointer(
        "get",
        "/workspaces/{workspace_ref}/budgets",
        200,
    ));
    assert!(!budgets.is_valid(&json!({"data": [{"limit_usd": "5"}]})));
    let upsert = validator(&request_pointer(
        "put",
        "/workspaces/{workspace_ref}/budgets/{interval}",
    ));
    assert!(!upsert.is_valid(&json!({"include_byok_in_budgets": true})));
    let guardrail = validator(&request_pointer("patch", "/guardrails/{id}"));
    assert!(!guardrail.is_valid(&json!({"allowed_models": []})));
    let remove = validator(&request_pointer("post", "/workspaces/{id}/members/remove"));
    assert!(!remove.is_valid(&json!({"user_ids": []})));
}

#[tokio::test]
async fn create_then_delete_and_the_delete_rules_r1_r2_r3() {
    let s = server().await;
    let c = client(&s);
    let mut body = Map::new();
    body.insert("name".into(), json!("Analytics"));
    body.insert("slug".into(), json!("analytics"));
    let ws = c.create_workspace(&body).await.unwrap();
    assert_eq!(ws.slug(), "analytics");
    assert_eq!(
        assert_requests_valid(&s, "POST", "/workspaces", "/workspaces"),
        1
    );
    let (status, answer) = raw(
        &s,
        Method::POST,
        "/workspaces",
        Some(json!({"name": "Again", "slug": "analytics"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_answer("post", "/workspaces", 400, &answer);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("analytics")
    );
    // The creator is its first admin.
    let members = c.list_members(ws.id()).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].role, "admin");
    c.delete_workspace(ws.id(), false).await.unwrap();
    assert!(s.workspace("analytics").is_none());

    // R1: production still has keys (a disabled and an expired one among them).
    let e = refusal(c.delete_workspace(PRODUCTION, false).await);
    let message = bad_request_message(&e);
    assert!(
        orws::admin::keys::refusal_means_keys_remain(&message),
        "{e}"
    );
    assert!(!orws::admin::keys::refusal_means_default(&message));
    let keys = c.list_keys(&KeyQuery::all_in(PRODUCTION)).await.unwrap();
    assert_eq!(keys.len(), 4);
    for k in &keys {
        c.delete_key(&k.hash).await.unwrap();
    }
    c.delete_workspace(PRODUCTION, false).await.unwrap();
    // R2: its budgets and guardrail went with it.
    let (status, answer) = raw(
        &s,
        Method::GET,
        &format!("/workspaces/{PRODUCTION}/budgets"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_answer("get", "/workspaces/{workspace_ref}/budgets", 404, &answer);
    assert_eq!(
        c.get_guardrail("595d5849-7e86-51fd-a7c0-705c34e4afff")
            .await
            .unwrap(),
        None
    );

    // R3: the default workspace, once empty, needs the confirmation.
    assert_eq!(
        c.default_workspace_id().await.unwrap().as_deref(),
        Some(DEFAULT)
    );
    for k in c.list_keys(&KeyQuery::all_in(DEFAULT)).await.unwrap() {
        c.delete_key(&k.hash).await.unwrap();
    }
    let e = refusal(c.delete_workspace(DEFAULT, false).await);
    assert!(
        bad_request_message(&e).contains("confirm_default_workspace_deletion=true"),
        "{e}"
    );
    c.delete_workspace(DEFAULT, true).await.unwrap();
    let last = s
        .requests()
        .into_iter()
        .rfind(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(
        last.path,
        format!("/api/v1/workspaces/{DEFAULT}?confirm_default_workspace_deletion=true")
    );
    // R19: with no default workspace, GET /keys without workspace_id is refused.
    let (status, answer) = raw(&s, Method::GET, "/keys", None).await;
    assert_eq!(status, 400);
    assert_answer("get", "/keys", 400, &answer);
}

#[tokio::test]
async fn members_list_add_remove_and_r6_r7() {
    let s = server().await;
    let c = client(&s);
    let members = c.list_members(PRODUCTION).await.unwrap();
    assert_eq!(members.len(), 4);
    let (status, page) = raw(
        &s,
        Method::GET,
        &format!("/workspaces/{PRODUCTION}/members?offset=2&limit=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_answer("get", "/workspaces/{id}/members", 200, &page);
    assert_eq!(
        (
            page["data"].as_array().unwrap().len(),
            page["total_count"].as_u64()
        ),
        (1, Some(4))
    );
    let org = c.organization_members().await.unwrap();
    assert_eq!(org.len(), 6);
    let (_, org_page) = raw(&s, Method::GET, "/organization/members", None).await;
    assert_answer("get", "/organization/members", 200, &org_page);
    // The default workspace holds every organisation member (R7).
    assert_eq!(c.list_members(DEFAULT).await.unwrap().len(), org.len());

    let added = c
        .add_members(PRODUCTION, &[MEI.to_string(), JANE.to_string()])
        .await
        .unwrap();
    assert_eq!(
        (added.added_count, added.added[0].user_id.as_str()),
        (1, MEI)
    );
    let (_, again) = raw(
        &s,
        Method::POST,
        &format!("/workspaces/{PRODUCTION}/members/add"),
        Some(json!({"user_ids": [MEI]})),
    )
    .await;
    assert_answer("post", "/workspaces/{id}/members/add", 200, &again);
    assert_eq!(again["added_count"], json!(0));
    let e = refusal(c.add_members(PRODUCTION, &["user_nobody".into()]).await);
    assert!(bad_request_message(&e).contains("user_nobody"));

    // R6: Jane has an active key here.
    let e = refusal(c.remove_members(PRODUCTION, &[JANE.to_string()]).await);
    assert_eq!(
        members::explain_removal_refusal(&bad_request_message(&e)),
        Some(members::REMOVE_NEEDS_NO_KEYS)
    );
    // R7: Bob is SCIM-managed.
    let e = refusal(c.remove_members(PRODUCTION, &[BOB_SCIM.to_string()]).await);
    assert_eq!(
        members::explain_removal_refusal(&bad_request_message(&e)),
        Some(members::SCIM_OR_DEFAULT)
    );
    // R7: nobody leaves the default workspace.
    let e = refusal(c.remove_members(DEFAULT, &[PRIYA.to_string()]).await);
    assert_eq!(
        members::explain_removal_refusal(&bad_request_message(&e)),
        Some(members::SCIM_OR_DEFAULT)
    );
    assert_eq!(
        c.remove_members(PRODUCTION, &[PRIYA.to_string(), MEI.to_string()])
            .await
            .unwrap(),
        2
    );
    let (status, answer) = raw(
        &s,
        Method::POST,
        &format!("/workspaces/{PRODUCTION}/members/remove"),
        Some(json!({"user_ids": [PRIYA]})),
    )
    .await;
    assert_eq!(status, 200);
    assert_answer("post", "/workspaces/{id}/members/remove", 200, &answer);
    assert_eq!(c.list_members(PRODUCTION).await.unwrap().len(), 3);
    assert!(
        assert_requests_valid(
            &s,
            "POST",
            &format!("/workspaces/{PRODUCTION}/members/add"),
            "/workspaces/{id}/members/add"
        ) >= 2
    );
    assert!(
        assert_requests_valid(
            &s,
            "POST",
            &format!("/workspaces/{PRODUCTION}/members/remove"),
            "/workspaces/{id}/members/remove"
        ) >= 3
    );
}

#[tokio::test]
async fn keys_filter_page_move_disable_and_delete() {
    let s = server().await;
    let c = client(&s);
    // Hidden by default: the disabled key and the expired one.
    let visible = c
        .list_keys(&KeyQuery {
            workspace_id: Some(PRODUCTION.into()),
            ..KeyQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(visible.len(), 2);
    let all = c.list_keys(&KeyQuery::all_in(PRODUCTION)).await.unwrap();
    assert_eq!(all.len(), 4);
    let (_, page) = raw(
        &s,
        Method::GET,
        &format!("/keys?workspace_id={PRODUCTION}&include_disabled=true&include_expired=true"),
        None,
    )
    .await;
    assert_answer("get", "/keys", 200, &page);
    // R21: without workspace_id, the default workspace's keys.
    let default_keys = c.list_keys(&KeyQuery::default()).await.unwrap();
    assert!(default_keys.iter().all(|k| k.workspace_id == DEFAULT) && default_keys.len() == 3);

    // R5: move every key into staging; eight keys then take two pages and an empty one.
    for k in all.iter().chain(&default_keys) {
        let moved = c
            .patch_key(
                &k.hash,
                &KeyPatch {
                    workspace_id: Some(STAGING.into()),
                    ..KeyPatch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(moved.workspace_id, STAGING);
    }
    let before = s.requests().len();
    let staging = c.list_keys(&KeyQuery::all_in(STAGING)).await.unwrap();
    assert_eq!(staging.len(), 8);
    let offsets: Vec<String> = s.requests()[before..]
        .iter()
        .map(|r| r.path.rsplit('=').next().unwrap().to_string())
        .collect();
    assert_eq!(offsets, ["0", "5", "8"]);

    let k = &staging[0];
    let disabled = c
        .patch_key(
            &k.hash,
            &KeyPatch {
                disabled: Some(true),
                ..KeyPatch::default()
            },
        )
        .await
        .unwrap();
    assert!(disabled.disabled);
    let (_, answer) = raw(
        &s,
        Method::PATCH,
        &format!("/keys/{}", k.hash),
        Some(json!({"disabled": false})),
    )
    .await;
    assert_answer("patch", "/keys/{hash}", 200, &answer);
    assert_eq!(
        assert_requests_valid(&s, "PATCH", "/keys/", "/keys/{hash}"),
        9
    );
    let e = refusal(
        c.patch_key(
            &k.hash,
            &KeyPatch {
                workspace_id: Some("00000000-0000-4000-8000-000000000000".into()),
                ..KeyPatch::default()
            },
        )
        .await,
    );
    assert!(matches!(e, ApiError::NotFound { .. }), "{e}");

    c.delete_key(&k.hash).await.unwrap();
    let (status, answer) = raw(&s, Method::DELETE, &format!("/keys/{}", k.hash), None).await;
    assert_eq!(status, 404);
    assert_answer("delete", "/keys/{hash}", 404, &answer);
    let (status, answer) = raw(
        &s,
        Method::DELETE,
        &format!("/keys/{}", staging[1].hash),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_answer("delete", "/keys/{hash}", 200, &answer);
    // Names that are not one path segment never leave.
    let e = refusal(c.delete_key("..").await);
    assert!(matches!(e, ApiError::InvalidTarget(_)));
}

/// `GET /keys/{hash}` per the spec: every key of the seed, wherever it is, disabled and expired
/// ones too, answered as the spec's schema says and with only the fields it names (no
/// `last_used_at`, §15); an unknown hash is a 404 and no key is a 401, both per the spec.
#[tokio::test]
async fn a_key_read_by_hash_matches_the_spec() {
    let s = server().await;
    let spec_fields: Vec<String> = SPEC
        .pointer(&format!(
            "{}/properties/data/properties",
            response_pointer("get", "/keys/{hash}", 200)
        ))
        .and_then(Value::as_object)
        .expect("the spec names the fields of GET /keys/{hash}")
        .keys()
        .cloned()
        .collect();
    assert!(!spec_fields.iter().any(|f| f == "last_used_at"));
    let all = s.keys(None);
    assert!(all.len() >= 8, "{}", all.len());
    for listed in &all {
        let hash = listed["hash"].as_str().unwrap();
        let (status, answer) = raw(&s, Method::GET, &format!("/keys/{hash}"), None).await;
        assert_eq!(status, 200, "{answer}");
        assert_answer("get", "/keys/{hash}", 200, &answer);
        let data = answer["data"].as_object().unwrap();
        for field in data.keys() {
            assert!(spec_fields.contains(field), "{field} is not in the spec");
        }
        assert_eq!(data["hash"], listed["hash"]);
        assert_eq!(data["workspace_id"], listed["workspace_id"]);
        assert_eq!(data["disabled"], listed["disabled"]);
        let key = client(&s).get_key(hash).await.unwrap().unwrap();
        assert_eq!(key.hash, hash);
        assert!(!key.extra.contains_key("last_used_at"));
    }
    let unknown = "0".repeat(64);
    let (status, answer) = raw(&s, Method::GET, &format!("/keys/{unknown}"), None).await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["error"]["code"], 404);
    assert_answer("get", "/keys/{hash}", 404, &answer);
    assert_eq!(client(&s).get_key(&unknown).await.unwrap(), None);
    let hash = all[0]["hash"].as_str().unwrap();
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/keys/{hash}", s.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let answer: Value = resp.json().await.unwrap();
    assert_answer("get", "/keys/{hash}", 401, &answer);
}

#[tokio::test]
async fn budgets_rules_and_a_planned_change_r8_to_r13() {
    let s = server().await;
    let c = client(&s);
    let held = c.get_budgets(PRODUCTION).await.unwrap();
    let want = Limits::default()
        .with(Interval::Daily, Some(30.0))
        .with(Interval::Weekly, Some(150.0))
        .with(Interval::Monthly, Some(500.0));
    assert_eq!(
        held,
        Budgets {
            limits: want,
            include_byok: Some(false)
        }
    );
    let (_, answer) = raw(&s, Method::GET, "/workspaces/production/budgets", None).await;
    assert_answer("get", "/workspaces/{workspace_ref}/budgets", 200, &answer);

    let (_, one) = raw(
        &s,
        Method::GET,
        "/workspaces/production/budgets/monthly",
        None,
    )
    .await;
    assert_answer(
        "get",
        "/workspaces/{workspace_ref}/budgets/{interval}",
        200,
        &one,
    );
    assert_eq!(one["data"]["limit_usd"], json!(500));
    let (status, _) = raw(
        &s,
        Method::GET,
        "/workspaces/production/budgets/lifetime",
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, answer) = raw(
        &s,
        Method::PUT,
        "/workspaces/production/budgets/yearly",
        Some(json!({"limit_usd": 5})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("yearly")
    );

    // R8, with the message naming both limits.
    let e = refusal(
        c.put_budget(PRODUCTION, Interval::Weekly, 600.0, None)
            .await,
    );
    assert!(
        bad_request_message(&e)
            .contains("the monthly limit ($500) must be greater than the weekly limit ($600)"),
        "{e}"
    );
    // R9.
    let (status, answer) = raw(
        &s,
        Method::PUT,
        "/workspaces/production/budgets/daily",
        Some(json!({"limit_usd": 0})),
    )
    .await;
    assert_eq!(status, 400);
    assert_answer(
        "put",
        "/workspaces/{workspace_ref}/budgets/{interval}",
        400,
        &answer,
    );

    // A change whose naive order would break R8: everything lower, a lifetime added.
    let target = Budgets {
        limits: Limits::default()
            .with(Interval::Daily, Some(2.0))
            .with(Interval::Weekly, Some(10.0))
            .with(Interval::Monthly, Some(20.0))
            .with(Interval::Lifetime, Some(25.0)),
        include_byok: Some(false),
    };
    let plan = budgets::plan(&held, &target).unwrap();
    for r in &plan {
        c.send_budget_request(PRODUCTION, r).await.unwrap();
    }
    assert_eq!(c.get_budgets(PRODUCTION).await.unwrap(), target);

    // R10: the switch alone re-sends one unchanged limit.
    let byok = Budgets {
        include_byok: Some(true),
        ..target
    };
    let plan = budgets::plan(&target, &byok).unwrap();
    assert_eq!(plan.len(), 1);
    c.send_budget_request(PRODUCTION, &plan[0]).await.unwrap();
    assert_eq!(c.get_budgets(PRODUCTION).await.unwrap(), byok);
    let (_, answer) = raw(
        &s,
        Method::PUT,
        "/workspaces/production/budgets/lifetime",
        Some(json!({"limit_usd": 30})),
    )
    .await;
    assert_answer(
        "put",
        "/workspaces/{workspace_ref}/budgets/{interval}",
        200,
        &answer,
    );
    assert!(
        assert_requests_valid(
            &s,
            "PUT",
            "/workspaces/",
            "/workspaces/{workspace_ref}/budgets/{interval}"
        ) >= 5
    );

    // R13: deleting a budget that is not there succeeds; a deleted one is gone.
    c.delete_budget("research", Interval::Weekly).await.unwrap();
    c.delete_budget(PRODUCTION, Interval::Daily).await.unwrap();
    assert_eq!(
        crate::support::client::limit_of(&c, PRODUCTION, Interval::Daily).await,
        None
    );
    assert!(c.get_budgets("research").await.unwrap().limits.is_empty());
    let (_, answer) = raw(
        &s,
        Method::DELETE,
        "/workspaces/research/budgets/daily",
        None,
    )
    .await;
    assert_answer(
        "delete",
        "/workspaces/{workspace_ref}/budgets/{interval}",
        200,
        &answer,
    );

    // R11: the seed's sandbox has no Enterprise plan.
    match c.get_budgets("sandbox").await {
        Err(ApiError::Forbidden { message }) => {
            assert!(message.contains("Enterprise"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let (status, answer) = raw(
        &s,
        Method::PUT,
        "/workspaces/sandbox/budgets/daily",
        Some(json!({"limit_usd": 5})),
    )
    .await;
    assert_eq!(status, 403);
    assert_answer(
        "put",
        "/workspaces/{workspace_ref}/budgets/{interval}",
        403,
        &answer,
    );
}

#[tokio::test]
async fn guardrail_is_404_until_first_written_and_patched_per_r15() {
    let s = server().await;
    let c = client(&s);
    let production = c.get("production").await.unwrap();
    let gid = production
        .get("default_guardrail_id")
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    let configured = c
        .get_guardrail(&gid)
        .await
        .unwrap()
        .expect("seeded as configured");
    let (_, answer) = raw(&s, Method::GET, &format!("/guardrails/{gid}"), None).await;
    assert_answer("get", "/guardrails/{id}", 200, &answer);

    let staging = c.get("staging").await.unwrap();
    let sid = staging
        .get("default_guardrail_id")
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    assert_eq!(
        c.get_guardrail(&sid).await.unwrap(),
        None,
        "R14: not configured yet"
    );
    let (status, answer) = raw(&s, Method::GET, &format!("/guardrails/{sid}"), None).await;
    assert_eq!(status, 404);
    assert_answer("get", "/guardrails/{id}", 404, &answer);

    let mut target = Map::new();
    target.insert("allowed_providers".into(), json!(["openai"]));
    target.insert("enforce_zdr_google".into(), json!(true));
    target.insert("limit_usd".into(), json!(50));
    target.insert("reset_interval".into(), json!("weekly"));
    let patch = guardrail::patch(None, &target).unwrap();
    let created = c.patch_guardrail(&sid, &patch).await.unwrap();
    assert_eq!(created["name"], json!(guardrail::default_name(STAGING)));
    assert_eq!(created["allowed_providers"], json!(["openai"]));
    assert_eq!(
        c.get_guardrail(&sid).await.unwrap().as_ref(),
        Some(&created)
    );

    // An emptied list goes as null; the name stays out.
    let mut edit = configured.clone();
    edit.insert("allowed_models".into(), json!([]));
    edit.insert("name".into(), json!("Renamed"));
    let patch = guardrail::patch(Some(&configured), &edit).unwrap();
    assert_eq!(
        Value::Object(patch.clone()),
        json!({"allowed_models": null})
    );
    let updated = c.patch_guardrail(&gid, &patch).await.unwrap();
    assert_eq!(updated["allowed_models"], Value::Null);
    let (_, answer) = raw(
        &s,
        Method::PATCH,
        &format!("/guardrails/{gid}"),
        Some(json!({"enforce_zdr_xai": null})),
    )
    .await;
    assert_answer("patch", "/guardrails/{id}", 200, &answer);
    assert_eq!(
        assert_requests_valid(&s, "PATCH", "/guardrails/", "/guardrails/{id}"),
        3
    );

    // The name is fixed; limit and interval go together; an empty list is refused.
    for body in [
        json!({"name": "Other"}),
        json!({"limit_usd": 5}),
        json!({"allowed_models": []}),
    ] {
        let (status, answer) = raw(
            &s,
            Method::PATCH,
            &format!("/guardrails/{gid}"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_answer("patch", "/guardrails/{id}", 400, &answer);
    }
    let (status, _) = raw(
        &s,
        Method::PATCH,
        "/guardrails/00000000-0000-4000-8000-000000000000",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);

    // R21: GET /guardrails without workspace_id lists the default workspace's.
    let (_, list) = raw(&s, Method::GET, "/guardrails", None).await;
    assert_answer("get", "/guardrails", 200, &list);
    // Only the account-wide seed guardrail: the default workspace's default is not configured.
    assert_eq!(list["total_count"], json!(1));
    assert_eq!(list["data"][0]["workspace_id"], Value::Null);
    let (_, list) = raw(
        &s,
        Method::GET,
        &format!("/guardrails?workspace_id={PRODUCTION}"),
        None,
    )
    .await;
    assert_eq!(list["data"][0]["id"], json!(gid));
}

#[tokio::test]
async fn faults_apply_to_admin_routes_and_writes_are_never_retried_blindly() {
    let s = server().await;
    let c = client(&s);
    s.inject("PUT", Fault::Status(503), 1);
    match c
        .put_budget(PRODUCTION, Interval::Lifetime, 900.0, None)
        .await
    {
        Err(WriteFailure::Busy { retry_after, .. }) => {
            assert_eq!(retry_after, Some(Duration::from_secs(1)))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.sent("PUT"), 1);
    assert_eq!(
        crate::support::client::limit_of(&c, PRODUCTION, Interval::Lifetime).await,
        None
    );
    // A read is retried.
    s.inject("GET", Fault::Status(503), 1);
    assert_eq!(
        c.list_keys(&KeyQuery::all_in(PRODUCTION))
            .await
            .unwrap()
            .len(),
        4
    );
    // A malformed answer to a write is "may have landed", never a success.
    s.inject("PATCH", Fault::WrongShape, 1);
    let hash = c.list_keys(&KeyQuery::all_in(PRODUCTION)).await.unwrap()[0]
        .hash
        .clone();
    let e = refusal(
        c.patch_key(
            &hash,
            &KeyPatch {
                disabled: Some(true),
                ..KeyPatch::default()
            },
        )
        .await,
    );
    assert!(e.may_have_landed(), "{e}");
}

#[tokio::test]
async fn every_admin_answer_of_the_whole_seed_is_valid() {
    let s = server().await;
    for ws in s.workspaces() {
        let id = ws["id"].as_str().unwrap();
        let (status, members) = raw(
            &s,
            Method::GET,
            &format!("/workspaces/{id}/members?limit=100"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_answer("get", "/workspaces/{id}/members", 200, &members);
        let (_, keys) = raw(
            &s,
            Method::GET,
            &format!("/keys?workspace_id={id}&include_disabled=true&include_expired=true"),
            None,
        )
        .await;
        assert_answer("get", "/keys", 200, &keys);
        let (status, budgets) =
            raw(&s, Method::GET, &format!("/workspaces/{id}/budgets"), None).await;
        assert_answer(
            "get",
            "/workspaces/{workspace_ref}/budgets",
            status,
            &budgets,
        );
        let (_, guardrails) = raw(
            &s,
            Method::GET,
            &format!("/guardrails?workspace_id={id}"),
            None,
        )
        .await;
        assert_answer("get", "/guardrails", 200, &guardrails);
    }
}

#[tokio::test]
async fn a_plan_that_fails_part_way_says_what_landed_and_undoes_only_that() {
    let s = server().await;
    let c = client(&s);
    let held = c.get_budgets(PRODUCTION).await.unwrap();
    let target = Budgets {
        limits: held
            .limits
            .with(Interval::Daily, None)
            .with(Interval::Lifetime, Some(900.0)),
        ..held
    };
    let plan = budgets::plan(&held, &target).unwrap();
    assert_eq!(plan.len(), 2);
    s.inject("PUT", Fault::Status(500), 1);
    let failure = c.apply_budget_plan(PRODUCTION, &plan).await.unwrap_err();
    assert_eq!(failure.landed, 1);
    let undo = budgets::undo_plan(&held, &plan[..failure.landed]);
    c.apply_budget_plan(PRODUCTION, &undo).await.unwrap();
    assert_eq!(c.get_budgets(PRODUCTION).await.unwrap(), held);
}

#[tokio::test]
async fn changes_behind_the_clients_back_show_as_conflicts() {
    let s = server().await;
    let c = client(&s);
    let base = c.get_budgets(PRODUCTION).await.unwrap();
    let target = Budgets {
        limits: base.limits.with(Interval::Daily, Some(20.0)),
        ..base
    };
    assert!(s.set_budget("production", Interval::Daily, Some(25.0)));
    let now = c.get_budgets(PRODUCTION).await.unwrap();
    assert_eq!(
        budgets::conflicts(&base, &now, &target),
        vec![Some(Interval::Daily)]
    );

    let gid = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let g = c.get_guardrail(gid).await.unwrap().unwrap();
    let mut edit = g.clone();
    edit.insert("allowed_providers".into(), json!(["openai"]));
    let patch = guardrail::patch(Some(&g), &edit).unwrap();
    assert!(s.set_guardrail_field(gid, "allowed_providers", json!(["google"])));
    let now = c.get_guardrail(gid).await.unwrap();
    assert_eq!(
        guardrail::conflicts(Some(&g), now.as_ref(), &patch),
        vec!["allowed_providers"]
    );
    assert_eq!(s.keys(Some("production")).len(), 4);
    assert_eq!(s.keys(None).len(), 8);
}

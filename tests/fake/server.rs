//! The embedded fake OpenRouter over real HTTP on loopback: routes, rules, auth and faults.

use orws::fake::{self, FailNext, FakeConfig, FakeServer, Fault};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const KEY: &str = "sk-or-v1-test-key";
const PRODUCTION_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

async fn server() -> FakeServer {
    server_with(FakeConfig::default()).await
}

async fn server_with(config: FakeConfig) -> FakeServer {
    fake::start(config).await.expect("the fake starts")
}

fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    json: Value,
}

/// Sends a request with the test key; `body` goes out as raw bytes.
/// `POST /workspaces` with `body`.
async fn create(s: &FakeServer, body: &str) -> Answer {
    call(s, Method::POST, "/workspaces", Some(body)).await
}

async fn call(s: &FakeServer, method: Method, path: &str, body: Option<&str>) -> Answer {
    call_as(s, method, path, body, Some(&format!("Bearer {KEY}"))).await
}

async fn call_as(
    s: &FakeServer,
    method: Method,
    path: &str,
    body: Option<&str>,
    auth: Option<&str>,
) -> Answer {
    let mut req = client().request(method, format!("{}{path}", s.url()));
    if let Some(auth) = auth {
        req = req.header("authorization", auth);
    }
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let resp = req.send().await.expect("the request is answered");
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let text = resp.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Answer {
        status,
        retry_after,
        json,
    }
}

async fn get(s: &FakeServer, path: &str) -> Answer {
    call(s, Method::GET, path, None).await
}

async fn patch(s: &FakeServer, key: &str, body: Value) -> Answer {
    call(
        s,
        Method::PATCH,
        &format!("/workspaces/{key}"),
        Some(&body.to_string()),
    )
    .await
}

/// Asserts OpenRouter's error shape with code = status, and returns the message.
fn error_message(a: &Answer, status: u16) -> String {
    assert_eq!(a.status.as_u16(), status, "{}", a.json);
    assert_eq!(a.json["error"]["code"], json!(status), "{}", a.json);
    a.json["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {}", a.json))
        .to_string()
}

fn slugs(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["slug"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn list_pages_through_every_workspace() {
    let s = server().await;
    let all = get(&s, "/workspaces").await;
    assert_eq!(all.status, 200);
    let total = all.json["total_count"].as_u64().unwrap() as usize;
    assert!(total >= 12, "{total}");
    let every = slugs(&all.json);
    assert_eq!(
        every.len(),
        total,
        "the default limit of 50 covers the seed"
    );
    assert_eq!(&every[..2], ["production", "default"]);

    let mut paged = Vec::new();
    for offset in (0..total).step_by(5) {
        let page = get(&s, &format!("/workspaces?offset={offset}&limit=5")).await;
        assert_eq!(page.json["total_count"], json!(total));
        let got = slugs(&page.json);
        assert_eq!(got.len(), 5.min(total - offset));
        paged.extend(got);
    }
    assert_eq!(paged, every);

    let beyond = get(&s, &format!("/workspaces?offset={}", total + 3)).await;
    assert_eq!(beyond.status, 200);
    assert_eq!(beyond.json["data"], json!([]));
    assert_eq!(beyond.json["total_count"], json!(total));
    let one = get(&s, "/workspaces?limit=1&offset=1").await;
    assert_eq!(slugs(&one.json), ["default"]);
    let max = get(&s, "/workspaces?limit=100").await;
    assert_eq!(max.status, 200);
}

#[tokio::test]
async fn list_refuses_limits_and_offsets_out_of_range() {
    let s = server().await;
    for (query, word) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
    ] {
        let a = get(&s, &format!("/workspaces?{query}")).await;
        let msg = error_message(&a, 400);
        assert!(msg.contains(word), "{query}: {msg}");
    }
}

#[tokio::test]
async fn get_by_slug_and_by_uuid_give_openrouters_example() {
    let s = server().await;
    let by_slug = get(&s, "/workspaces/production").await;
    let by_id = get(&s, &format!("/workspaces/{PRODUCTION_ID}")).await;
    assert_eq!(by_slug.status, 200);
    assert_eq!(by_slug.json, by_id.json);
    assert_eq!(
        by_slug.json,
        json!({"data": crate::support::common::production_json()})
    );
    assert_eq!(s.workspace("production"), Some(by_id.json["data"].clone()));
}

#[tokio::test]
async fn unknown_workspace_is_404_for_every_method() {
    let s = server().await;
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let body = (method == Method::PATCH).then_some(r#"{"name":"x"}"#);
        let a = call(&s, method.clone(), "/workspaces/no-such-thing", body).await;
        let msg = error_message(&a, 404);
        assert!(msg.contains("no-such-thing"), "{method}: {msg}");
    }
    assert_eq!(s.workspace("no-such-thing"), None);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_openrouters_shape() {
    let s = server().await;
    let a = get(&s, "/no-such-route").await;
    error_message(&a, 404);
    let a = call(&s, Method::PUT, "/workspaces/production", Some("{}")).await;
    error_message(&a, 405);
}

#[tokio::test]
async fn requests_without_a_bearer_are_401() {
    let s = server().await;
    for auth in [None, Some("Basic abc"), Some("Bearer "), Some(KEY)] {
        let a = call_as(&s, Method::GET, "/workspaces", None, auth).await;
        assert_eq!(
            error_message(&a, 401),
            "Missing Authentication header",
            "{auth:?}"
        );
    }
    // Without a configured key any bearer is accepted.
    let a = call_as(
        &s,
        Method::GET,
        "/workspaces",
        None,
        Some("Bearer anything"),
    )
    .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_configured_key_is_the_only_one_accepted() {
    let s = server_with(FakeConfig {
        api_key: Some(KEY.into()),
        ..FakeConfig::default()
    })
    .await;
    let wrong = call_as(
        &s,
        Method::GET,
        "/workspaces/production",
        None,
        Some("Bearer sk-or-v1-wrong"),
    )
    .await;
    assert_eq!(error_message(&wrong, 401), "Invalid API key");
    let wrong_patch = call_as(
        &s,
        Method::PATCH,
        "/workspaces/production",
        Some(r#"{"name":"Hacked"}"#),
        Some("Bearer sk-or-v1-wrong"),
    )
    .await;
    error_message(&wrong_patch, 401);
    assert_eq!(s.workspace("production").unwrap()["name"], "Production");
    let missing = call_as(&s, Method::GET, "/workspaces", None, None).await;
    assert_eq!(
        error_message(&missing, 401),
        "Missing Authentication header"
    );
    let right = get(&s, "/workspaces/production").await;
    assert_eq!(right.status, 200);
    // The model catalog is public, as on OpenRouter.
    let models = call_as(&s, Method::GET, "/models", None, None).await;
    assert_eq!(models.status, 200);
}

#[tokio::test]
async fn patch_changes_only_the_named_fields_and_updated_at() {
    let s = server().await;
    let before = s.workspace("ml-platform").unwrap();
    let a = patch(
        &s,
        "ml-platform",
        json!({"name": "ML Platform (EU)", "description": null, "io_logging_api_key_ids": [14, 11]}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.json);
    let after = a.json["data"].clone();

    let mut expected = before.clone();
    expected["name"] = json!("ML Platform (EU)");
    expected["description"] = Value::Null;
    expected["io_logging_api_key_ids"] = json!([14, 11]);
    expected["updated_at"] = after["updated_at"].clone();
    assert_eq!(after, expected);
    assert_ne!(after["updated_at"], before["updated_at"]);
    let stamp = after["updated_at"].as_str().unwrap();
    time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{stamp}: {e}"));
    assert!(stamp.ends_with('Z'), "{stamp}");
    // Fields the client does not know (budget_alerts) survive untouched, in place.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&after), keys(&before));
    assert_eq!(s.workspace("ml-platform"), Some(after.clone()));

    let again = patch(
        &s,
        "ml-platform",
        json!({"is_observability_broadcast_enabled": false}),
    )
    .await;
    assert!(
        again.json["data"]["updated_at"].as_str().unwrap() > stamp,
        "each PATCH gets a later updated_at"
    );
}

#[tokio::test]
async fn patch_adds_a_field_the_workspace_did_not_have() {
    let s = server().await;
    assert!(
        s.workspace("production")
            .unwrap()
            .get("disabled_server_tools")
            .is_none()
    );
    let a = patch(
        &s,
        "production",
        json!({"disabled_server_tools": ["openrouter:web_search", "acme:custom"]}),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json["data"]["disabled_server_tools"],
        json!(["openrouter:web_search", "acme:custom"])
    );
}

#[tokio::test]
async fn slug_change_keeps_the_uuid_and_frees_the_old_slug() {
    let s = server().await;
    let a = patch(&s, "production", json!({"slug": "prod-eu"})).await;
    assert_eq!(a.status, 200, "{}", a.json);
    assert_eq!(a.json["data"]["id"], PRODUCTION_ID);
    assert_eq!(a.json["data"]["slug"], "prod-eu");
    error_message(&get(&s, "/workspaces/production").await, 404);
    let by_new = get(&s, "/workspaces/prod-eu").await;
    assert_eq!(by_new.json["data"]["id"], PRODUCTION_ID);
    let by_id = get(&s, &format!("/workspaces/{PRODUCTION_ID}")).await;
    assert_eq!(by_id.json["data"]["slug"], "prod-eu");
    // The old slug is free for another workspace now.
    let taken = patch(&s, "staging", json!({"slug": "production"})).await;
    assert_eq!(taken.status, 200, "{}", taken.json);
}

#[tokio::test]
async fn a_slug_taken_by_another_workspace_is_400_naming_it() {
    let s = server().await;
    let before = s.workspace("dev").unwrap();
    let a = patch(&s, "dev", json!({"slug": "staging", "name": "Dev 2"})).await;
    let msg = error_message(&a, 400);
    assert_eq!(msg, "Slug 'staging' is already in use");
    assert_eq!(s.workspace("dev"), Some(before), "nothing is applied");
    // Its own slug is not "taken".
    let same = patch(&s, "dev", json!({"slug": "dev"})).await;
    assert_eq!(same.status, 200);
}

#[tokio::test]
async fn every_broken_rule_is_400_naming_the_field() {
    let s = server().await;
    let before = s.workspace("staging").unwrap();
    // By uuid: one of the allowed edges below changes the slug.
    let id = &before["id"].as_str().unwrap().to_string();
    let long = |n: usize| json!("x".repeat(n));
    let cases = [
        ("name", json!("")),
        ("name", json!("   ")),
        ("name", long(101)),
        ("name", Value::Null),
        ("name", json!(7)),
        ("slug", json!("Staging")),
        ("slug", json!("stag_ing")),
        ("slug", json!("-staging")),
        ("slug", json!("stag--ing")),
        ("slug", json!("stag ing")),
        ("slug", json!("")),
        ("slug", long(51)),
        ("description", long(501)),
        ("description", json!(["a"])),
        ("default_text_model", json!("gpt-4o")),
        ("default_text_model", json!("openai/gpt 4o")),
        ("default_image_model", json!("openai/dall-e-3/x")),
        ("default_provider_sort", json!("cheapest")),
        ("io_logging_sampling_rate", json!(0)),
        ("io_logging_sampling_rate", json!(1.00001)),
        ("io_logging_sampling_rate", json!("1")),
        ("io_logging_sampling_rate", Value::Null),
        ("io_logging_api_key_ids", json!([-1])),
        ("io_logging_api_key_ids", json!([1.5])),
        ("io_logging_api_key_ids", json!("1,2")),
        ("is_data_discount_logging_enabled", json!("yes")),
        ("is_observability_broadcast_enabled", Value::Null),
        ("is_observability_io_logging_enabled", json!(1)),
        ("disabled_server_tools", json!([""])),
        ("disabled_server_tools", json!("openrouter:web_search")),
    ];
    for (field, value) in cases {
        let a = patch(&s, id, json!({ field: value.clone() })).await;
        let msg = error_message(&a, 400);
        assert!(msg.contains(field), "{field}={value}: {msg}");
    }
    assert_eq!(
        s.workspace("staging").as_ref(),
        Some(&before),
        "no broken value was stored"
    );

    // The edges that are allowed.
    for (field, value) in [
        ("name", long(100)),
        ("slug", long(50)),
        ("description", long(500)),
        ("io_logging_sampling_rate", json!(0.0001)),
        ("io_logging_api_key_ids", json!([])),
        ("io_logging_api_key_ids", Value::Null),
        ("disabled_server_tools", Value::Null),
        ("default_provider_sort", Value::Null),
        ("default_text_model", json!("unknown-lab/not-in-catalog")),
    ] {
        let a = patch(&s, id, json!({ field: value.clone() })).await;
        assert_eq!(a.status, 200, "{field}={value}: {}", a.json);
        assert_eq!(a.json["data"][field], value);
    }
}

#[tokio::test]
async fn read_only_and_unknown_fields_are_400() {
    let s = server().await;
    let before = s.workspace("research").unwrap();
    for field in [
        "id",
        "created_at",
        "created_by",
        "updated_at",
        "default_guardrail_id",
        "include_byok_in_budgets",
    ] {
        let a = patch(&s, "research", json!({"name": "Fine", field: "x"})).await;
        assert_eq!(
            error_message(&a, 400),
            format!("Field '{field}' is read-only")
        );
    }
    let a = patch(&s, "research", json!({"colour": "blue"})).await;
    assert_eq!(error_message(&a, 400), "Unknown field 'colour'");
    assert_eq!(s.workspace("research"), Some(before));
}

#[tokio::test]
async fn malformed_bodies_are_400_in_openrouters_shape() {
    let s = server().await;
    let before = s.workspace("sandbox").unwrap();
    for (body, needle) in [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        (r#"{"name":"a"}}"#, "not valid JSON"),
        ("[1,2]", "JSON object"),
        ("\"name\"", "JSON object"),
        ("null", "JSON object"),
    ] {
        for method in [Method::PATCH, Method::POST] {
            let path = if method == Method::POST {
                "/workspaces"
            } else {
                "/workspaces/sandbox"
            };
            let a = call(&s, method.clone(), path, Some(body)).await;
            let msg = error_message(&a, 400);
            assert!(msg.contains(needle), "{method} {body:?}: {msg}");
        }
    }
    assert_eq!(s.workspace("sandbox"), Some(before));
}

#[tokio::test]
async fn post_creates_a_complete_workspace() {
    let s = server().await;
    let total = get(&s, "/workspaces").await.json["total_count"].clone();
    let a = create(
        &s,
        r#"{"name":"Billing","slug":"billing","default_provider_sort":"latency"}"#,
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.json);
    let ws = &a.json["data"];
    let id = ws["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "a v4-shaped uuid: {id}");
    assert_ne!(ws["default_guardrail_id"], ws["id"]);
    assert_eq!(ws["name"], "Billing");
    assert_eq!(ws["default_provider_sort"], "latency");
    assert_eq!(ws["description"], Value::Null);
    assert_eq!(ws["io_logging_sampling_rate"], json!(1));
    assert_eq!(ws["created_at"], ws["updated_at"]);
    assert_eq!(get(&s, "/workspaces/billing").await.json["data"], *ws);
    assert_eq!(
        get(&s, &format!("/workspaces/{id}")).await.json["data"],
        *ws
    );
    let list = get(&s, "/workspaces").await;
    assert_eq!(list.json["total_count"], json!(total.as_u64().unwrap() + 1));
    assert_eq!(slugs(&list.json).last().unwrap(), "billing");

    let second = create(&s, r#"{"name":"B2","slug":"b2"}"#).await;
    assert_ne!(second.json["data"]["id"], ws["id"]);

    for (body, msg) in [
        (r#"{"name":"No slug"}"#, "slug is required"),
        (r#"{"slug":"no-name"}"#, "name is required"),
        (
            r#"{"name":"Dup","slug":"staging"}"#,
            "Slug 'staging' is already in use",
        ),
        (
            r#"{"name":"X","slug":"Bad"}"#,
            "slug has an uppercase letter",
        ),
        (
            r#"{"name":"X","slug":"x","id":"abc"}"#,
            "Field 'id' is read-only",
        ),
    ] {
        let a = call(&s, Method::POST, "/workspaces", Some(body)).await;
        let got = error_message(&a, 400);
        assert!(got.starts_with(msg), "{body}: {got}");
    }
}

#[tokio::test]
async fn delete_removes_the_workspace_but_not_one_with_keys() {
    let s = server().await;
    let total = get(&s, "/workspaces").await.json["total_count"]
        .as_u64()
        .unwrap();
    let a = call(&s, Method::DELETE, "/workspaces/sandbox", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json, json!({"deleted": true}));
    error_message(&get(&s, "/workspaces/sandbox").await, 404);
    error_message(
        &call(&s, Method::DELETE, "/workspaces/sandbox", None).await,
        404,
    );
    assert_eq!(
        get(&s, "/workspaces").await.json["total_count"],
        json!(total - 1)
    );
    // R1: the default workspace holds keys; the refusal says so (tests/fake_admin.rs has R3).
    let d = call(&s, Method::DELETE, "/workspaces/default", None).await;
    assert!(error_message(&d, 400).contains("API key"));
    assert!(s.workspace("default").is_some());
}

#[tokio::test]
async fn models_are_text_by_default_image_on_request_and_all_with_all() {
    let s = server().await;
    let ids = |a: &Answer| -> Vec<String> {
        a.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    let outputs = |a: &Answer| -> Vec<Vec<Value>> {
        a.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                m["architecture"]["output_modalities"]
                    .as_array()
                    .unwrap()
                    .clone()
            })
            .collect()
    };
    let text = get(&s, "/models").await;
    assert_eq!(text.json["total_count"], json!(ids(&text).len()));
    assert!(ids(&text).len() >= 24);
    assert!(ids(&text).contains(&"anthropic/claude-sonnet-4.5".to_string()));
    assert!(outputs(&text).iter().all(|o| o.contains(&json!("text"))));
    assert_eq!(
        ids(&get(&s, "/models?output_modalities=text").await),
        ids(&text)
    );

    let image = get(&s, "/models?output_modalities=image").await;
    assert!(ids(&image).len() >= 6);
    assert!(ids(&image).contains(&"openai/dall-e-3".to_string()));
    assert!(!ids(&text).contains(&"openai/dall-e-3".to_string()));
    assert!(outputs(&image).iter().all(|o| o.contains(&json!("image"))));

    let all = get(&s, "/models?output_modalities=all").await;
    let both = get(&s, "/models?output_modalities=text%2Cimage").await;
    assert_eq!(ids(&all).len(), ids(&both).len());
    assert!(ids(&all).len() > ids(&text).len() && ids(&all).len() > ids(&image).len());
}

/// `serve-fake --retry-after SECS` sets the Retry-After of every 429/503, 0 included, so a test
/// of what happens during a wait never sleeps for a real one (product.md §15).
#[tokio::test]
async fn the_retry_after_is_set_from_outside() {
    let s = server_with(FakeConfig {
        fail_next: vec!["PATCH:429".parse().unwrap(), "GET:503".parse().unwrap()],
        retry_after: std::time::Duration::ZERO,
        ..FakeConfig::default()
    })
    .await;
    let a = patch(&s, "production", json!({"name": "P"})).await;
    error_message(&a, 429);
    assert_eq!(a.retry_after.as_deref(), Some("0"));
    let a = get(&s, "/workspaces/production").await;
    error_message(&a, 503);
    assert_eq!(a.retry_after.as_deref(), Some("0"));
}

#[tokio::test]
async fn fail_next_answers_the_next_requests_of_that_method() {
    let s = server_with(FakeConfig {
        fail_next: vec![
            "PATCH:503:2".parse().unwrap(),
            "GET:429".parse().unwrap(),
            "POST:500".parse().unwrap(),
        ],
        ..FakeConfig::default()
    })
    .await;
    let a = get(&s, "/workspaces/production").await;
    error_message(&a, 429);
    assert_eq!(a.retry_after.as_deref(), Some("1"));
    assert_eq!(get(&s, "/workspaces/production").await.status, 200);

    for _ in 0..2 {
        let a = patch(&s, "production", json!({"name": "P"})).await;
        error_message(&a, 503);
        assert_eq!(a.retry_after.as_deref(), Some("1"));
    }
    assert_eq!(s.workspace("production").unwrap()["name"], "Production");
    let ok = patch(&s, "production", json!({"name": "P"})).await;
    assert_eq!(ok.status, 200);

    let a = create(&s, r#"{"name":"A","slug":"a"}"#).await;
    error_message(&a, 500);
    assert_eq!(a.retry_after, None, "only 429 and 503 carry Retry-After");
    assert!(s.workspace("a").is_none());
}

#[tokio::test]
async fn faults_for_get_leave_the_model_catalog_alone() {
    let s = server().await;
    s.inject("GET", Fault::Status(500), 1);
    assert_eq!(get(&s, "/models").await.status, 200);
    error_message(&get(&s, "/workspaces").await, 500);
    s.inject("MODELS", Fault::Status(502), 1);
    assert_eq!(get(&s, "/workspaces").await.status, 200);
    error_message(&get(&s, "/models").await, 502);
    assert_eq!(get(&s, "/models").await.status, 200);
}

#[tokio::test]
async fn latency_delays_every_response() {
    let latency = Duration::from_millis(200);
    let s = server_with(FakeConfig {
        latency,
        ..FakeConfig::default()
    })
    .await;
    for path in ["/workspaces", "/models", "/workspaces/nope"] {
        let started = Instant::now();
        get(&s, path).await;
        assert!(
            started.elapsed() >= latency,
            "{path}: {:?}",
            started.elapsed()
        );
    }
}

async fn raw_get(s: &FakeServer, client: &Client) -> reqwest::Result<reqwest::Response> {
    client
        .get(format!("{}/workspaces/production", s.url()))
        .bearer_auth(KEY)
        .send()
        .await
}

#[tokio::test]
async fn injected_status_malformed_and_wrong_shape_reach_the_client() {
    let s = server().await;
    let c = client();
    s.inject("get", Fault::Status(503), 1);
    let r = raw_get(&s, &c).await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");

    s.inject("GET", Fault::Malformed, 1);
    let r = raw_get(&s, &c).await.unwrap();
    assert_eq!(r.status(), 200);
    let err = r.json::<Value>().await.unwrap_err();
    assert!(err.is_decode(), "{err}");

    s.inject("GET", Fault::WrongShape, 1);
    let r = raw_get(&s, &c).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"data": 42}));

    let r = raw_get(&s, &c).await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["slug"], "production", "faults are used up");
}

#[tokio::test]
async fn truncated_body_is_an_error_for_the_client() {
    let s = server().await;
    let c = client();
    s.inject("GET", Fault::Truncated, 1);
    let r = raw_get(&s, &c).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], "4096");
    let err = r.bytes().await.unwrap_err();
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    // The next request, on a fresh connection, is fine.
    assert_eq!(raw_get(&s, &c).await.unwrap().status(), 200);
}

#[tokio::test]
async fn hang_never_answers_until_shutdown() {
    let s = server().await;
    s.inject("PATCH", Fault::Hang, 1);
    let c = Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = c
        .patch(format!("{}/workspaces/production", s.url()))
        .bearer_auth(KEY)
        .body(r#"{"name":"Never"}"#)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(s.workspace("production").unwrap()["name"], "Production");
    assert_eq!(
        patch(&s, "production", json!({"name": "Now"})).await.status,
        200
    );
}

#[tokio::test]
async fn requests_are_recorded_exactly() {
    let s = server().await;
    let body = r#"{"name":"Staging",   "description":null}"#;
    call(&s, Method::PATCH, "/workspaces/staging", Some(body)).await;
    get(&s, "/workspaces?offset=5&limit=5").await;
    call_as(&s, Method::GET, "/models", None, None).await;
    let seen = s.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].method, "PATCH");
    assert_eq!(seen[0].path, "/api/v1/workspaces/staging");
    assert_eq!(seen[0].body, body);
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(seen[1].method, "GET");
    assert_eq!(seen[1].path, "/api/v1/workspaces?offset=5&limit=5");
    assert_eq!(seen[1].body, "");
    assert_eq!(seen[2].authorization, None);
}

#[tokio::test]
async fn set_field_changes_the_server_behind_the_clients_back() {
    let s = server().await;
    let before = get(&s, "/workspaces/staging").await.json["data"].clone();
    assert!(s.set_field("staging", "default_provider_sort", json!("latency")));
    let after = get(&s, "/workspaces/staging").await.json["data"].clone();
    assert_eq!(after["default_provider_sort"], "latency");
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["id"], before["id"]);
    assert!(!s.set_field("no-such-workspace", "name", json!("x")));
}

#[tokio::test]
async fn seed_comes_from_a_file_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    let seed = json!({"data": [
        {"id": "11111111-1111-4111-8111-111111111111", "name": "One", "slug": "one", "x_extra": [1]},
        {"id": "22222222-2222-4222-8222-222222222222", "name": "Two", "slug": "two"}
    ]});
    std::fs::write(&path, seed.to_string()).unwrap();
    let s = server_with(FakeConfig {
        seed: Some(path.clone()),
        ..FakeConfig::default()
    })
    .await;
    let list = get(&s, "/workspaces").await;
    assert_eq!(list.json["total_count"], json!(2));
    assert_eq!(list.json["data"], seed["data"]);

    std::fs::write(&path, r#"[{"id":"u","name":"no slug"}]"#).unwrap();
    let err = fake::start(FakeConfig {
        seed: Some(path.clone()),
        ..FakeConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("slug"), "{err}");

    let err = fake::start(FakeConfig {
        seed: Some(dir.path().join("missing.json")),
        ..FakeConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("missing.json"), "{err}");
}

#[tokio::test]
async fn fail_next_parses_good_input_and_explains_bad_input() {
    assert_eq!(
        "PATCH:503".parse::<FailNext>(),
        Ok(FailNext {
            method: "PATCH".into(),
            status: 503,
            count: 1
        })
    );
    assert_eq!(
        "delete:429:3".parse::<FailNext>(),
        Ok(FailNext {
            method: "DELETE".into(),
            status: 429,
            count: 3
        })
    );
    for bad in [
        "",
        "PATCH",
        "PATCH:",
        "PATCH:5xx",
        "PATCH:200",
        "PATCH:503:0",
        "PATCH:503:-1",
        "GRAB:500",
        "PATCH:503:1:1",
    ] {
        let err = bad.parse::<FailNext>().unwrap_err();
        assert!(
            err.contains("fail-next") && err.contains(bad),
            "{bad:?}: {err}"
        );
    }
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let s = server().await;
    let url = format!("{}/models", s.url());
    assert_eq!(client().get(&url).send().await.unwrap().status(), 200);
    s.shutdown();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // A fresh client each time, so no pooled connection hides the closed listener.
        match client().get(&url).send().await {
            Err(e) if e.is_connect() => break,
            _ if Instant::now() > deadline => panic!("still serving after shutdown"),
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

#[tokio::test]
async fn serve_forever_announces_a_live_url() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(fake::serve_forever(FakeConfig::default(), move |url| {
        tx.send(url.to_string()).unwrap();
    }));
    let url = rx.await.unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api/v1"),
        "{url}"
    );
    let r = client()
        .get(format!("{url}/workspaces/default"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    task.abort();
}

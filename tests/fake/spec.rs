//! The fake answers exactly per OpenRouter's OpenAPI 3.1 spec (tests/fixtures/*.json, converted once from its YAML): every
//! response it gives, and the seed and catalog it serves, validate against the spec's schemas.

use orws::fake::{self, FakeConfig, FakeServer, Fault};
use reqwest::{Client, Method};
use serde_json::{Value, json};
use std::sync::LazyLock;

const KEY: &str = "sk-or-v1-spec";

static WORKSPACES: LazyLock<Value> = LazyLock::new(|| load("workspaces.json"));
static MODELS: LazyLock<Value> = LazyLock::new(|| load("models.json"));

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A validator for one component schema: the spec's components under a root that `$ref`s the
/// schema, so every internal `#/components/schemas/...` reference resolves (JSON Schema 2020-12,
/// as OpenAPI 3.1 uses).
fn schema(spec: &Value, name: &str) -> jsonschema::Validator {
    assert!(
        spec["components"]["schemas"].get(name).is_some(),
        "no schema {name} in the spec"
    );
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": spec["components"],
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {name}: {e}"))
}

#[track_caller]
fn assert_valid(spec: &Value, name: &str, instance: &Value) {
    let v = schema(spec, name);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not a valid {name}: {errors:#?}\n{instance:#}"
    );
}

#[track_caller]
fn assert_invalid(spec: &Value, name: &str, instance: &Value) {
    assert!(
        !schema(spec, name).is_valid(instance),
        "unexpectedly a valid {name}: {instance}"
    );
}

async fn server() -> FakeServer {
    fake::start(FakeConfig::default()).await.unwrap()
}

/// Sends a request with the key and returns the status and JSON body.
async fn call(s: &FakeServer, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    call_with(s, method, path, body, Some(KEY)).await
}

async fn call_with(
    s: &FakeServer,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let client = Client::builder().no_proxy().build().unwrap();
    let mut req = client.request(method, format!("{}{path}", s.url()));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn seed() -> Value {
    let text = include_str!("../../assets/workspaces.json");
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_schemas_can_fail() {
    let ws = &*WORKSPACES;
    let good = ws["components"]["schemas"]["Workspace"]["example"].clone();
    assert_valid(ws, "Workspace", &good);
    for (field, bad) in [
        ("slug", None),
        ("description", None),
        ("id", Some(json!("not-a-uuid"))),
        ("io_logging_sampling_rate", Some(json!("1"))),
        ("io_logging_api_key_ids", Some(json!(["1"]))),
        ("name", Some(Value::Null)),
        ("is_data_discount_logging_enabled", Some(json!("true"))),
    ] {
        let mut broken = good.clone();
        match bad {
            None => {
                broken.as_object_mut().unwrap().remove(field);
            }
            Some(v) => broken[field] = v,
        }
        assert_invalid(ws, "Workspace", &broken);
    }
    assert_invalid(ws, "GetWorkspaceResponse", &json!({"data": 42}));
    assert_invalid(ws, "ListWorkspacesResponse", &json!({"data": [good]}));
    assert_invalid(ws, "DeleteWorkspaceResponse", &json!({"deleted": false}));
    assert_invalid(
        ws,
        "BadRequestResponse",
        &json!({"error": {"message": "no code"}}),
    );
    assert_invalid(ws, "NotFoundResponse", &json!({"message": "flat"}));
    assert_invalid(ws, "UpdateWorkspaceRequest", &json!({"slug": "Bad_Slug"}));

    let model = MODELS["components"]["schemas"]["Model"]["example"].clone();
    assert_valid(&MODELS, "Model", &model);
    let mut broken = model.clone();
    broken["architecture"]["output_modalities"] = json!(["hologram"]);
    assert_invalid(&MODELS, "Model", &broken);
    assert_invalid(&MODELS, "ModelsListResponse", &json!({"data": [model]}));
}

#[test]
fn the_seed_is_valid_and_starts_with_openrouters_own_example() {
    let seed = seed();
    let items = seed.as_array().unwrap();
    assert!(items.len() >= 12);
    for ws in items {
        assert_valid(&WORKSPACES, "Workspace", ws);
    }
    assert_eq!(
        items[0], WORKSPACES["components"]["schemas"]["Workspace"]["example"],
        "production is the spec's example, exactly"
    );
    assert_eq!(items[1]["slug"], "default");
    // What a client must cope with is in there.
    let has = |pred: &dyn Fn(&Value) -> bool| items.iter().any(pred);
    assert!(has(&|w| w.get("disabled_server_tools").is_none()));
    assert!(has(&|w| w["disabled_server_tools"]
        .as_array()
        .is_some_and(|t| t.len() > 1)));
    assert!(has(&|w| w["io_logging_api_key_ids"]
        .as_array()
        .is_some_and(|t| t.len() > 1)));
    assert!(has(&|w| w["description"]
        .as_str()
        .is_some_and(|d| d.chars().count() > 400)));
    assert!(has(&|w| w["name"].as_str().is_some_and(|n| !n.is_ascii())));
    assert!(has(&|w| w.get("budget_alerts").is_some()));
    assert!(has(
        &|w| w["default_text_model"].is_null() && w["default_provider_sort"].is_null()
    ));
}

#[test]
fn the_catalog_is_valid_and_has_text_and_image_models() {
    let models: Value = serde_json::from_str(include_str!("../../assets/models.json")).unwrap();
    assert_valid(&MODELS, "ModelsListResponseData", &models);
    let outputs = |kind: &str| {
        models
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| {
                m["architecture"]["output_modalities"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(kind))
            })
            .count()
    };
    assert!(outputs("text") >= 24 && outputs("image") >= 6);
}

#[tokio::test]
async fn list_responses_match_the_spec() {
    let s = server().await;
    for path in [
        "/workspaces",
        "/workspaces?limit=3&offset=2",
        "/workspaces?offset=500",
    ] {
        let (status, body) = call(&s, Method::GET, path, None).await;
        assert_eq!(status, 200);
        assert_valid(&WORKSPACES, "ListWorkspacesResponse", &body);
    }
}

#[tokio::test]
async fn every_workspace_get_matches_the_spec() {
    let s = server().await;
    for ws in seed().as_array().unwrap() {
        let slug = ws["slug"].as_str().unwrap();
        let (status, body) = call(&s, Method::GET, &format!("/workspaces/{slug}"), None).await;
        assert_eq!(status, 200);
        assert_valid(&WORKSPACES, "GetWorkspaceResponse", &body);
    }
}

#[tokio::test]
async fn a_patch_of_every_editable_field_matches_the_spec() {
    let s = server().await;
    let patch = json!({
        "name": "Production – EU 🇪🇺",
        "slug": "production-eu",
        "description": "Serves EU customers.\nSecond line.",
        "default_text_model": "anthropic/claude-sonnet-4.5",
        "default_image_model": "google/gemini-2.5-flash-image",
        "default_provider_sort": "exacto",
        "io_logging_sampling_rate": 0.25,
        "io_logging_api_key_ids": [3, 1, 2],
        "is_data_discount_logging_enabled": false,
        "is_observability_broadcast_enabled": true,
        "is_observability_io_logging_enabled": true,
        "disabled_server_tools": ["openrouter:web_search", "openrouter:bash"],
    });
    assert_eq!(
        patch.as_object().unwrap().len(),
        orws::workspace::FIELDS.len()
    );
    assert_valid(&WORKSPACES, "UpdateWorkspaceRequest", &patch);
    let (status, body) = call(
        &s,
        Method::PATCH,
        "/workspaces/production",
        Some(patch.clone()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_valid(&WORKSPACES, "UpdateWorkspaceResponse", &body);
    for (field, value) in patch.as_object().unwrap() {
        assert_eq!(&body["data"][field], value, "{field}");
    }
}

#[tokio::test]
async fn create_and_delete_responses_match_the_spec() {
    let s = server().await;
    let request = json!({"name": "Spec", "slug": "spec", "description": null, "io_logging_sampling_rate": 0.5});
    assert_valid(&WORKSPACES, "CreateWorkspaceRequest", &request);
    let (status, body) = call(&s, Method::POST, "/workspaces", Some(request)).await;
    assert_eq!(status, 201, "{body}");
    assert_valid(&WORKSPACES, "CreateWorkspaceResponse", &body);
    let (status, body) = call(&s, Method::DELETE, "/workspaces/spec", None).await;
    assert_eq!(status, 200);
    assert_valid(&WORKSPACES, "DeleteWorkspaceResponse", &body);
}

/// Sends the request and checks the error's status, `code` and schema.
async fn check_error(
    s: &FakeServer,
    req: (Method, &str, Option<Value>, Option<&str>),
    want: u16,
    schema_name: &str,
) {
    let (method, path, body, key) = req;
    let (status, json) = call_with(s, method.clone(), path, body, key).await;
    assert_eq!(status, want, "{method} {path}: {json}");
    assert_eq!(json["error"]["code"], json!(want));
    assert_valid(&WORKSPACES, schema_name, &json);
}

#[tokio::test]
async fn error_responses_match_the_spec() {
    let s = server().await;
    let taken = json!({"slug": "staging"});
    check_error(
        &s,
        (Method::PATCH, "/workspaces/dev", Some(taken), Some(KEY)),
        400,
        "BadRequestResponse",
    )
    .await;
    check_error(
        &s,
        (Method::GET, "/workspaces?limit=0", None, Some(KEY)),
        400,
        "BadRequestResponse",
    )
    .await;
    let nameless = json!({"name": "x"});
    check_error(
        &s,
        (Method::POST, "/workspaces", Some(nameless), Some(KEY)),
        400,
        "BadRequestResponse",
    )
    .await;
    check_error(
        &s,
        (Method::GET, "/workspaces", None, None),
        401,
        "UnauthorizedResponse",
    )
    .await;
    check_error(
        &s,
        (Method::GET, "/workspaces/nope", None, Some(KEY)),
        404,
        "NotFoundResponse",
    )
    .await;
    check_error(
        &s,
        (Method::DELETE, "/workspaces/nope", None, Some(KEY)),
        404,
        "NotFoundResponse",
    )
    .await;
    // R1: the default workspace still holds keys (R3 is in tests/fake_admin.rs).
    check_error(
        &s,
        (Method::DELETE, "/workspaces/default", None, Some(KEY)),
        400,
        "BadRequestResponse",
    )
    .await;
    // R11: the seed's sandbox has no Enterprise plan for budgets.
    check_error(
        &s,
        (Method::GET, "/workspaces/sandbox/budgets", None, Some(KEY)),
        403,
        "ForbiddenResponse",
    )
    .await;
    for code in [429, 500, 503] {
        s.inject("GET", Fault::Status(code), 1);
        check_error(
            &s,
            (Method::GET, "/workspaces", None, Some(KEY)),
            code,
            "InternalServerResponse",
        )
        .await;
    }
}

#[tokio::test]
async fn model_lists_match_the_spec() {
    let s = server().await;
    for (query, kind) in [("", "text"), ("?output_modalities=image", "image")] {
        let (status, body) =
            call_with(&s, Method::GET, &format!("/models{query}"), None, None).await;
        assert_eq!(status, 200);
        assert_valid(&MODELS, "ModelsListResponse", &body);
        let data = body["data"].as_array().unwrap();
        assert!(!data.is_empty());
        assert!(data.iter().all(|m| {
            m["architecture"]["output_modalities"]
                .as_array()
                .unwrap()
                .contains(&json!(kind))
        }));
    }
}

/// The client's own requests: bodies built from typed values through the field rules, sent by
/// `orws::api::Client`, and read back from the fake's request log, validate as
/// UpdateWorkspaceRequest.
#[tokio::test]
async fn the_clients_patch_requests_match_the_spec() {
    use orws::workspace::{PatchBody, Workspace, field, parse_input};
    let s = server().await;
    let client = orws::api::Client::new(orws::api::ClientConfig::new(
        s.url(),
        orws::api::ApiKey::new(KEY),
    ))
    .unwrap();
    let typed: &[&[(&str, &str)]] = &[
        &[
            ("name", "Prod 2"),
            ("slug", "prod-2"),
            ("description", "null"),
        ],
        &[
            ("io_logging_sampling_rate", "0.25"),
            ("io_logging_api_key_ids", "1, 2,3"),
        ],
        &[
            ("io_logging_api_key_ids", "[]"),
            ("default_provider_sort", "null"),
        ],
        &[
            ("io_logging_api_key_ids", "null"),
            ("default_text_model", "openai/gpt-4o-mini"),
        ],
        &[
            ("is_data_discount_logging_enabled", "false"),
            ("disabled_server_tools", "openrouter:bash"),
        ],
        &[
            ("disabled_server_tools", "null"),
            ("default_image_model", "null"),
        ],
    ];
    for sets in typed {
        let base = Workspace::from_json(s.workspace(PROD_ID).unwrap()).unwrap();
        let current = sets
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    parse_input(field(name).unwrap(), text).unwrap(),
                )
            })
            .collect();
        let patch = PatchBody::between(&base, &current);
        client.patch(base.id(), &patch).await.unwrap();
    }
    let bodies: Vec<Value> = s
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), typed.len());
    for body in &bodies {
        assert!(!body.as_object().unwrap().is_empty());
        assert_valid(&WORKSPACES, "UpdateWorkspaceRequest", body);
    }
}

const PROD_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

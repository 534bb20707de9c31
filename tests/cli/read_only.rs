//! Read-only is a hard guarantee of the connection itself (product.md §1): a client in
//! read-only mode sends nothing but GET, whichever write method is called, and says where
//! read-only came from. The CLI exits 2 naming the flag or the config file.

use crate::support::cli_bin;
use crate::support::hostile_http;

use cli_bin::{STAGING_KEY, fake, writes};
use hostile_http::{Reply, serve};
use orws::admin::budgets::{BudgetRequest, Interval};
use orws::admin::keys::KeyPatch;
use orws::api::{ApiError, ApiKey, Client, ClientConfig, WriteFailure};
use orws::workspace::PatchBody;
use serde_json::{Map, json};
use std::time::Duration;

const FROM: &str = "read_only = true in the config file /home/x/.config/orws/config.toml";

fn read_only_client(url: &str, from: &str) -> Client {
    let mut config = ClientConfig::new(url, ApiKey::new("sk-or-v1-test-0123456789abcdef"));
    config.timeout = Duration::from_secs(5);
    config.initial_backoff = Duration::from_millis(1);
    config.read_only = Some(from.to_string());
    Client::new(config).expect("client")
}

/// The refusal of one write: read-only, exit 2, naming the source and the request.
#[track_caller]
fn assert_refused(what: &str, e: &ApiError, method: &str) {
    assert!(
        matches!(e, ApiError::ReadOnly { .. }),
        "{what}: not a read-only refusal: {e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains(FROM),
        "{what}: the source is not named: {text}"
    );
    assert!(text.contains(method), "{what}: {text}");
    assert!(text.contains("nothing was sent"), "{what}: {text}");
    assert_eq!(e.exit_code(), 2, "{what}");
    assert!(!e.may_have_landed(), "{what}");
}

#[track_caller]
fn failed(what: &str, f: WriteFailure) -> ApiError {
    match f {
        WriteFailure::Failed(e) => e,
        WriteFailure::Busy { error, .. } => panic!("{what}: busy, as if it was sent: {error}"),
    }
}

#[tokio::test]
async fn a_read_only_client_sends_no_write_whatever_is_called() {
    // Answers anything: were a write to leave, it would be recorded (and "succeed").
    let server = serve(|_, _| Reply::json(200, &json!({"data": {}, "deleted": true})));
    let client = read_only_client(&server.url, FROM);
    assert_eq!(client.read_only(), Some(FROM));
    let ws = "550e8400-e29b-41d4-a716-446655440000";
    let users = vec!["user_1".to_string()];
    let patch = PatchBody::from_fields(Map::from_iter([("name".to_string(), json!("X"))]));
    let body = Map::from_iter([
        ("name".to_string(), json!("N")),
        ("slug".to_string(), json!("n")),
    ]);
    let move_key = KeyPatch {
        workspace_id: Some(ws.to_string()),
        disabled: Some(true),
    };

    let e = failed(
        "patch_once",
        client.patch_once(ws, &patch).await.unwrap_err(),
    );
    assert_refused("patch_once", &e, "PATCH");
    let e = client.patch(ws, &patch).await.unwrap_err();
    assert_refused("patch", &e, "PATCH");
    let e = failed("create", client.create_workspace(&body).await.unwrap_err());
    assert_refused("create_workspace", &e, "POST");
    for confirm in [false, true] {
        let e = failed(
            "delete",
            client.delete_workspace(ws, confirm).await.unwrap_err(),
        );
        assert_refused("delete_workspace", &e, "DELETE");
    }
    let e = failed("add", client.add_members(ws, &users).await.unwrap_err());
    assert_refused("add_members", &e, "POST");
    let e = failed(
        "remove",
        client.remove_members(ws, &users).await.unwrap_err(),
    );
    assert_refused("remove_members", &e, "POST");
    let e = failed("key", client.patch_key("abc", &move_key).await.unwrap_err());
    assert_refused("patch_key", &e, "PATCH");
    let e = failed("delete key", client.delete_key("abc").await.unwrap_err());
    assert_refused("delete_key", &e, "DELETE");
    let e = failed(
        "put budget",
        client
            .put_budget(ws, Interval::Daily, 5.0, Some(true))
            .await
            .unwrap_err(),
    );
    assert_refused("put_budget", &e, "PUT");
    let e = failed(
        "delete budget",
        client
            .delete_budget(ws, Interval::Weekly)
            .await
            .unwrap_err(),
    );
    assert_refused("delete_budget", &e, "DELETE");
    let plan = [
        BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 1.0,
            include_byok: None,
        },
        BudgetRequest::Delete {
            interval: Interval::Lifetime,
        },
    ];
    for request in &plan {
        let e = failed(
            "budget request",
            client.send_budget_request(ws, request).await.unwrap_err(),
        );
        assert_refused("send_budget_request", &e, "");
    }
    let stopped = client.apply_budget_plan(ws, &plan).await.unwrap_err();
    assert_eq!(stopped.landed, 0);
    assert_refused("apply_budget_plan", &failed("plan", stopped.failure), "PUT");
    let guard = Map::from_iter([("limit_usd".to_string(), json!(3))]);
    let e = failed(
        "guardrail",
        client.patch_guardrail("g-1", &guard).await.unwrap_err(),
    );
    assert_refused("patch_guardrail", &e, "PATCH");

    // Nothing at all reached the server; a read still does.
    assert_eq!(server.count(), 0, "{:?}", server.requests());
    let _ = client.get_guardrail("g-1").await;
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
}

#[tokio::test]
async fn the_refusal_names_the_flag() {
    let server = serve(|_, _| Reply::json(200, &json!({"data": {}})));
    let client = read_only_client(&server.url, "--read-only");
    let e = failed("delete", client.delete_key("abc").await.unwrap_err());
    assert_eq!(
        e.to_string(),
        "DELETE /keys/abc is a write, and --read-only refuses every write; nothing was sent"
    );
    assert_eq!(server.count(), 0);
}

/// `read_only = true` in the config file: `orws patch` exits 2 naming that file; nothing but
/// GETs reaches the server.
#[test]
fn read_only_in_the_config_file_is_named_by_the_cli() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/orws/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "read_only = true\n").unwrap();
    for args in [
        &["patch", "production", "--set", "name=X"][..],
        &["keys", "disable", STAGING_KEY],
        &["members", "remove", "production", "user_1", "--yes"],
    ] {
        let out = cli_bin::command_at(home.path(), &server.url(), args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "read_only = true in the config file {}",
                config.display()
            )),
            "{args:?}: the config file is not named: {stderr}"
        );
    }
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
}

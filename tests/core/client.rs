//! The client against the fake OpenRouter over real HTTP on loopback (port 0): every endpoint,
//! the exact bytes sent, and every fault (product.md section 5, testing.md layer 4).

use crate::support::common::{assert_has, assert_lacks};
use crate::support::sent::Sent;
use crate::support::{self, client::Notices};
use orws::api::{ApiError, ApiKey, Client, ClientConfig, RetryNotice};
use orws::fake::{self, FakeConfig, FakeServer, Fault};
use orws::workspace::{PatchBody, Workspace};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk-or-v1-SECRET-0123456789abcdef";
const PROD_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

async fn fake_with(config: FakeConfig) -> FakeServer {
    fake::start(config).await.expect("the fake starts")
}

async fn fake_default() -> FakeServer {
    fake_with(FakeConfig::default()).await
}

fn config(url: &str) -> ClientConfig {
    support::client::keyed(url, KEY)
}

/// A client that records every retry notice.
fn client_with(config: ClientConfig) -> (Client, Notices) {
    support::client::recording(config)
}

fn client(server: &FakeServer) -> (Client, Notices) {
    client_with(config(&server.url()))
}

fn seen(n: &Notices) -> Vec<RetryNotice> {
    n.lock().unwrap().clone()
}

/// The key never shows in an error, whether printed for a person or for a developer.
#[track_caller]
fn assert_secret_free(e: &ApiError) {
    for text in [format!("{e:?}"), e.to_string(), format!("{e:#?}")] {
        assert!(
            !text.contains(KEY) && !text.contains("SECRET"),
            "the key leaks: {text}"
        );
    }
}

fn query_param(path: &str, name: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().expect("an object").clone()
}

// ---------------------------------------------------------------- list

fn seed_file(dir: &tempfile::TempDir, n: usize) -> std::path::PathBuf {
    let workspaces: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("00000000-0000-4000-8000-{i:012}"),
                "name": format!("Workspace {i}"),
                "slug": format!("ws-{i}"),
                "description": null,
                "io_logging_sampling_rate": 1,
                "io_logging_api_key_ids": null,
                "is_data_discount_logging_enabled": false,
                "is_observability_broadcast_enabled": false,
                "is_observability_io_logging_enabled": false,
                "created_at": "2025-08-24T10:30:00Z",
                "created_by": "user_abc123",
                "updated_at": "2025-08-24T10:30:00Z"
            })
        })
        .collect();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, serde_json::to_string(&workspaces).unwrap()).unwrap();
    path
}

/// Lists a fake seeded with `n` workspaces; returns what came back and the (offset, limit) pairs.
async fn list_seeded(n: usize) -> (Vec<Workspace>, Vec<(usize, usize)>) {
    let dir = tempfile::tempdir().unwrap();
    let server = fake_with(FakeConfig {
        seed: Some(seed_file(&dir, n)),
        ..FakeConfig::default()
    })
    .await;
    let (client, _) = client(&server);
    let all = client.list().await.expect("the list");
    let pages = server
        .sent_with("GET")
        .iter()
        .map(|r| {
            assert!(
                r.path.starts_with("/api/v1/workspaces?"),
                "unexpected request {}",
                r.path
            );
            assert_eq!(r.authorization.as_deref(), Some(&*format!("Bearer {KEY}")));
            let offset = query_param(&r.path, "offset").expect("an offset");
            let limit = query_param(&r.path, "limit").expect("a limit");
            (offset.parse().unwrap(), limit.parse().unwrap())
        })
        .collect();
    (all, pages)
}

#[tokio::test]
async fn list_follows_every_page() {
    let (all, pages) = list_seeded(250).await;
    assert_eq!(all.len(), 250);
    for (i, ws) in all.iter().enumerate() {
        assert_eq!(ws.slug(), format!("ws-{i}"), "in server order, no repeats");
    }
    // Consecutive pages, each starting where the last ended, none beyond the end.
    assert!(pages.len() >= 3, "{pages:?}");
    let mut next = 0;
    for (offset, limit) in &pages {
        assert_eq!(*offset, next, "{pages:?}");
        assert!(
            (1..=100).contains(limit),
            "the spec's limit is 1..=100: {pages:?}"
        );
        next += limit;
    }
    assert!(
        next >= 250 && next - pages.last().unwrap().1 < 250,
        "{pages:?}"
    );
}

#[tokio::test]
async fn list_of_exactly_one_page_and_of_none() {
    let (all, pages) = list_seeded(100).await;
    assert_eq!(all.len(), 100);
    assert_eq!(pages.first().map(|p| p.0), Some(0));
    assert_eq!(
        pages.len(),
        1,
        "total_count says there is no second page: {pages:?}"
    );
    let (all, pages) = list_seeded(0).await;
    assert!(all.is_empty());
    assert_eq!(pages.len(), 1, "{pages:?}");
}

#[tokio::test]
async fn list_of_the_embedded_seed() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let all = client.list().await.unwrap();
    assert!(all.len() >= 12, "{}", all.len());
    assert!(all.iter().any(|w| w.slug() == "production"));
    assert!(all.iter().any(|w| w.slug() == "default"));
    let ids: std::collections::BTreeSet<&str> = all.iter().map(Workspace::id).collect();
    assert_eq!(ids.len(), all.len(), "no workspace twice");
}

// ---------------------------------------------------------------- get

#[tokio::test]
async fn get_by_slug_and_by_uuid() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let by_slug = client.get("production").await.unwrap();
    let by_id = client.get(PROD_ID).await.unwrap();
    assert_eq!(by_slug, by_id);
    assert_eq!(by_slug.id(), PROD_ID);
    assert_eq!(by_slug.name(), "Production");
    assert_eq!(
        by_slug.get("description"),
        Some(&json!("Production environment workspace"))
    );
    assert_eq!(by_slug.get("io_logging_api_key_ids"), Some(&Value::Null));
    assert_eq!(
        by_slug.to_json(),
        server.workspace("production").unwrap(),
        "exactly what the server holds"
    );
    let paths: Vec<String> = server
        .sent_with("GET")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/workspaces/production".to_string(),
            format!("/api/v1/workspaces/{PROD_ID}")
        ]
    );
}

#[tokio::test]
async fn get_keeps_unknown_extra_fields() {
    let server = fake_default().await;
    assert!(server.set_field("production", "flavour", json!({"a": [1, "x"]})));
    let (client, _) = client(&server);
    let ws = client.get("production").await.unwrap();
    assert_eq!(ws.get("flavour"), Some(&json!({"a": [1, "x"]})));
    let unknown: Vec<&str> = ws.unknown_fields().map(|(k, _)| k.as_str()).collect();
    assert_eq!(unknown, ["flavour"]);
    // And a patch answer keeps them too.
    let patch = PatchBody::between(&ws, &fields(json!({"name": "Prod 2"})));
    let after = client.patch(ws.id(), &patch).await.unwrap();
    assert_eq!(after.get("flavour"), Some(&json!({"a": [1, "x"]})));
}

#[tokio::test]
async fn get_of_a_missing_workspace_is_not_found() {
    let server = fake_default().await;
    let (client, notices) = client(&server);
    let e = client.get("no-such-workspace").await.unwrap_err();
    match &e {
        ApiError::NotFound { what } => assert!(what.contains("no-such-workspace"), "{what}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(e.to_string().contains("no-such-workspace"), "{e}");
    assert_eq!(e.exit_code(), 1);
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty(), "a 404 is not retried");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn slug_with_odd_characters_is_encoded_in_the_path() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let e = client.get("日本-é~x").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    let path = &server.requests()[0].path;
    assert!(
        path.starts_with("/api/v1/workspaces/") && path.is_ascii(),
        "{path}"
    );
    assert_eq!(path.matches('/').count(), 4, "one path segment: {path}");
}

/// `..`, `.`, empty and names with `/`, `?`, `#` could address another resource: refused
/// (a usage error) before any request, for reads and writes alike.
#[tokio::test]
async fn names_that_are_not_one_path_segment_are_refused_before_any_request() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    for bad in ["..", ".", "", "a b/c?d", "../keys", "x#y", "prod?x=1"] {
        let e = client.get(bad).await.unwrap_err();
        assert!(matches!(e, ApiError::InvalidTarget(_)), "{bad:?}: {e:?}");
        assert_eq!(e.exit_code(), 2, "{bad:?}");
        let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
        let e = client.patch(bad, &patch).await.unwrap_err();
        assert!(matches!(e, ApiError::InvalidTarget(_)), "{bad:?}: {e:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

// ---------------------------------------------------------------- patch

#[tokio::test]
async fn patch_sends_exactly_the_body_to_the_uuid() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let before = client.get("production").await.unwrap();
    let patch = PatchBody::between(
        &before,
        &fields(json!({
            "name": "Prod 2",
            "slug": "production",
            "io_logging_sampling_rate": 1.0,
            "description": null,
            "io_logging_api_key_ids": null,
        })),
    );
    let after = client.patch(before.id(), &patch).await.unwrap();

    let patches = server.sent_with("PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].path, format!("/api/v1/workspaces/{PROD_ID}"));
    assert_eq!(patches[0].body, r#"{"name":"Prod 2","description":null}"#);
    assert_eq!(
        patches[0].authorization.as_deref(),
        Some(&*format!("Bearer {KEY}"))
    );

    assert_eq!(after.name(), "Prod 2");
    assert_eq!(after.get("description"), Some(&Value::Null));
    let held = server.workspace(PROD_ID).unwrap();
    assert_eq!(after.to_json(), held, "the answer is what the server holds");
    // Only the patched fields and updated_at changed.
    let (b, a) = (before.fields(), after.fields());
    let mut changed: Vec<&str> = a
        .keys()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(String::as_str)
        .collect();
    changed.sort_unstable();
    assert_eq!(changed, ["description", "name", "updated_at"]);
    assert_eq!(a.len(), b.len());
}

#[tokio::test]
async fn patch_changing_the_slug_keeps_the_uuid() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let before = client.get("production").await.unwrap();
    let patch = PatchBody::between(&before, &fields(json!({"slug": "prod-eu"})));
    let after = client.patch(before.id(), &patch).await.unwrap();
    assert_eq!(after.id(), PROD_ID);
    assert_eq!(after.slug(), "prod-eu");
    assert!(server.workspace("production").is_none());
    assert_eq!(client.get("prod-eu").await.unwrap().id(), PROD_ID);
}

// ---------------------------------------------------------------- 4xx

#[tokio::test]
async fn taken_slug_is_a_bad_request_on_the_slug() {
    let server = fake_default().await;
    let (client, notices) = client(&server);
    let before = client.get("production").await.unwrap();
    let patch = PatchBody::between(&before, &fields(json!({"slug": "default"})));
    let e = client.patch(before.id(), &patch).await.unwrap_err();
    match &e {
        ApiError::BadRequest { message, field } => {
            assert_eq!(field.as_deref(), Some("slug"), "{message}");
            assert_has(message, "default");
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
    assert_eq!(e.field(), Some("slug"));
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(
        server.workspace(PROD_ID).unwrap(),
        before.to_json(),
        "unchanged"
    );
}

#[tokio::test]
async fn server_validation_names_the_field() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    let patch = PatchBody::from_fields(fields(json!({"io_logging_sampling_rate": 5})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    assert_eq!(e.field(), Some("io_logging_sampling_rate"), "{e:?}");
}

#[tokio::test]
async fn bad_request_without_a_field() {
    let server = fake_default().await;
    server.inject("PATCH", Fault::Status(400), 1);
    let (client, notices) = client(&server);
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    match &e {
        ApiError::BadRequest { message, field } => {
            assert_eq!(*field, None, "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
    assert!(e.to_string().contains("rejected"), "{e}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(server.sent_with("PATCH").len(), 1);
}

#[tokio::test]
async fn wrong_key_is_unauthorized() {
    let server = fake_with(FakeConfig {
        api_key: Some("sk-or-v1-the-right-one".into()),
        ..FakeConfig::default()
    })
    .await;
    let (client, notices) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    let text = e.to_string();
    assert_has(&text, "OPENROUTER_API_KEY");
    assert_has(&text, "management key");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(server.requests().len(), 1, "a 401 is not retried");
    // The right key works against the same server.
    let right = Client::new(ClientConfig::new(
        server.url(),
        ApiKey::new("sk-or-v1-the-right-one"),
    ))
    .unwrap();
    assert_eq!(right.get("production").await.unwrap().id(), PROD_ID);
}

#[tokio::test]
async fn forbidden_explains_the_management_key() {
    let server = fake_default().await;
    server.inject("GET", Fault::Status(403), 1);
    let (client, notices) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    assert!(e.to_string().contains("management key"), "{e}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn rate_limit_is_retried_after_retry_after() {
    let server = fake_default().await;
    server.inject("GET", Fault::Status(429), 1);
    let (client, notices) = client(&server);
    let ws = client.get("production").await.expect("retried to success");
    assert_eq!(ws.id(), PROD_ID);
    let n = seen(&notices);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].attempt, 2);
    assert_eq!(n[0].max_attempts, 3);
    // The fake sends Retry-After: 1, which wins over the 10 ms backoff.
    assert_eq!(n[0].wait, Duration::from_secs(1));
    assert_has(&n[0].reason, "429");
    assert_eq!(server.sent_with("GET").len(), 2);
}

#[tokio::test]
async fn unavailable_is_retried_and_the_patch_lands_once() {
    let server = fake_default().await;
    server.inject("PATCH", Fault::Status(503), 2);
    let (client, notices) = client(&server);
    let patch = PatchBody::from_fields(fields(json!({"name": "After 503"})));
    let after = client.patch(PROD_ID, &patch).await.expect("third try");
    assert_eq!(after.name(), "After 503");
    let n = seen(&notices);
    assert_eq!(
        n.iter().map(|n| n.attempt).collect::<Vec<_>>(),
        [2, 3],
        "{n:?}"
    );
    assert!(n.iter().all(|n| n.wait == Duration::from_secs(1)), "{n:?}");
    let patches = server.sent_with("PATCH");
    assert_eq!(patches.len(), 3);
    assert!(
        patches.iter().all(|r| r.body == r#"{"name":"After 503"}"#),
        "the same body every time"
    );
}

#[tokio::test]
async fn persistent_unavailable_gives_up_busy_after_three_tries() {
    let server = fake_default().await;
    server.inject("GET", Fault::Status(503), 10);
    let (client, notices) = client(&server);
    let e = client.get("production").await.unwrap_err();
    match &e {
        ApiError::Busy {
            status, attempts, ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    assert!(e.to_string().contains('3'), "{e}");
    assert_secret_free(&e);
    assert_eq!(seen(&notices).len(), 2);
    assert_eq!(server.sent_with("GET").len(), 3, "at most 3 tries");
}

#[tokio::test]
async fn server_error_is_not_retried() {
    let server = fake_default().await;
    server.inject("PATCH", Fault::Status(500), 5);
    let (client, notices) = client(&server);
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    match &e {
        ApiError::Server { status, .. } => assert_eq!(*status, 500),
        other => panic!("expected Server, got {other:?}"),
    }
    assert!(e.may_have_landed());
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(server.requests().len(), 1, "exactly one request");
    assert_eq!(server.workspace(PROD_ID).unwrap()["name"], "Production");
}

// ---------------------------------------------------------------- transport faults

#[tokio::test]
async fn a_hanging_server_times_out() {
    let server = fake_default().await;
    server.inject("GET", Fault::Hang, 1);
    let mut c = config(&server.url());
    c.timeout = Duration::from_secs(1);
    let (client, notices) = client_with(c);
    let e = client.get("production").await.unwrap_err();
    assert_eq!(e, ApiError::Timeout { secs: 1 });
    assert!(e.to_string().contains("--timeout"), "{e}");
    assert_secret_free(&e);
    assert!(
        seen(&notices).is_empty(),
        "a timeout may have landed: no retry"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // dropped: nothing listens there now
    let (client, notices) = client_with(config(&format!("http://127.0.0.1:{port}/api/v1")));
    let e = client.get("production").await.unwrap_err();
    match &e {
        ApiError::Connect { host, cause } => {
            assert_eq!(host, "127.0.0.1");
            assert!(!cause.is_empty());
        }
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_secret_free(&e);
    let n = seen(&notices);
    assert_eq!(n.len(), 2, "max_attempts 3 = two retries: {n:?}");
    assert_eq!(n[0].wait, Duration::from_millis(10), "the initial backoff");
    assert!(n[1].wait > n[0].wait, "backoff grows: {n:?}");
}

#[tokio::test]
async fn malformed_json_is_reported() {
    let server = fake_default().await;
    server.inject("GET", Fault::Malformed, 1);
    let (client, notices) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    // The next answer is fine again.
    assert_eq!(client.get("production").await.unwrap().id(), PROD_ID);
}

/// Whatever the error, a cut-short answer is one line, not retried, and leaves the client usable.
#[tokio::test]
async fn truncated_body_is_an_error_and_the_client_recovers() {
    let server = fake_default().await;
    server.inject("GET", Fault::Truncated, 1);
    let (client, notices) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(client.get("production").await.unwrap().id(), PROD_ID);
}

/// A body cut short after the request was sent is a malformed answer (the server was reached,
/// and a PATCH may have landed), not "cannot reach".
#[tokio::test]
async fn truncated_body_is_malformed_and_may_have_landed() {
    let server = fake_default().await;
    server.inject("GET", Fault::Truncated, 1);
    server.inject("PATCH", Fault::Truncated, 1);
    let (client, _) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    assert!(e.may_have_landed(), "{e:?}");
}

/// A server that reads each request and closes the connection without answering, as a server
/// crashing mid-request does. Returns its base URL and a count of requests read.
async fn hang_up_server() -> (String, Arc<Mutex<u32>>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let count: Arc<Mutex<u32>> = Arc::default();
    let seen_requests = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the head and whatever body came with it, then hang up.
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            *seen_requests.lock().unwrap() += 1;
            drop(socket);
        }
    });
    (url, count)
}

/// The request reached the server and the connection closed before an answer: the PATCH may
/// have been applied, so the error must say so (and must not claim the host was unreachable).
#[tokio::test]
async fn connection_closed_after_the_request_may_have_landed() {
    let (url, count) = hang_up_server().await;
    let (client, notices) = client_with(config(&url));
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    assert!(
        *count.lock().unwrap() >= 1,
        "the request reached the server"
    );
    assert!(
        seen(&notices).is_empty(),
        "a request that may have landed is not retried"
    );
    assert!(!matches!(e, ApiError::Connect { .. }), "{e:?}");
    assert!(e.may_have_landed(), "{e:?}");
}

/// What the client does today with that hang-up: one readable line, no retry, no key.
#[tokio::test]
async fn connection_closed_after_the_request_is_one_line_and_not_retried() {
    let (url, count) = hang_up_server().await;
    let (client, notices) = client_with(config(&url));
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    assert_secret_free(&e);
    assert!(seen(&notices).is_empty(), "{:?}", seen(&notices));
    assert_eq!(*count.lock().unwrap(), 1, "sent once");
}

#[tokio::test]
async fn wrong_shape_is_malformed_for_get_list_and_patch() {
    let server = fake_default().await;
    server.inject("GET", Fault::WrongShape, 2);
    server.inject("PATCH", Fault::WrongShape, 1);
    let (client, _) = client(&server);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    let e = client.list().await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    let patch = PatchBody::from_fields(fields(json!({"name": "X"})));
    let e = client.patch(PROD_ID, &patch).await.unwrap_err();
    assert!(matches!(e, ApiError::Malformed(_)), "{e:?}");
    assert!(e.may_have_landed());
    assert_secret_free(&e);
}

// ---------------------------------------------------------------- the key and the URL

#[tokio::test]
async fn the_key_is_sent_but_never_printed() {
    let server = fake_default().await;
    let (client, _) = client(&server);
    client.get("production").await.unwrap();
    assert_eq!(
        server.requests()[0].authorization.as_deref(),
        Some(&*format!("Bearer {KEY}"))
    );
    for text in [format!("{client:?}"), format!("{client:#?}")] {
        assert_lacks(&text, "SECRET");
    }
    let key = ApiKey::new(KEY);
    assert!(!format!("{key:?} {key}").contains("SECRET"));
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    for url in [
        "http://example.com",
        "http://example.com/api/v1",
        "http://10.0.0.1/api/v1",
    ] {
        let e = Client::new(ClientConfig::new(url, ApiKey::new(KEY))).unwrap_err();
        assert!(matches!(e, ApiError::InsecureBaseUrl(_)), "{url}: {e:?}");
        assert_eq!(e.exit_code(), 2);
        assert_secret_free(&e);
    }
    let e = Client::new(ClientConfig::new("not a url", ApiKey::new(KEY))).unwrap_err();
    assert!(matches!(e, ApiError::InvalidBaseUrl(_)), "{e:?}");
    assert!(
        Client::new(ClientConfig::new(
            "https://openrouter.ai/api/v1",
            ApiKey::new(KEY)
        ))
        .is_ok()
    );
    assert!(
        Client::new(ClientConfig::new(
            "http://127.0.0.1:9/api/v1",
            ApiKey::new(KEY)
        ))
        .is_ok()
    );
}

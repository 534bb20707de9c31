//! The one stop signal (product.md §15): after it, a write waiting on `Retry-After` is settled
//! by one re-read at once and nothing more is sent. One test per process: the stop is global.
//! Before, the wait ran to its end and the PATCH was sent again after the signal.

use crate::support::scripted;

use orws::api::{ApiError, ApiKey, Client, ClientConfig};
use orws::submit::{RetryPolicy, WriteOutcome, WriteRequest, safe_patch};
use orws::workspace::{PatchBody, Workspace};
use scripted::{Hostile, ID, Reply, Req, World, honest};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_stop_during_a_retry_wait_settles_at_once_and_sends_nothing_more() {
    orws::write::stop::reset_for_tests();
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            // A long wait: a test that sat it out would take a minute.
            return Reply::Json(
                429,
                json!({"error": {"code": 429, "message": "slow down"}}),
                vec![("Retry-After", "60".to_string())],
            );
        }
        honest(req, w)
    });
    let mut config = ClientConfig::new(server.url.clone(), ApiKey::new("k"));
    config.timeout = Duration::from_secs(10);
    let client = Client::new(config).unwrap();
    let base = Workspace::from_json(scripted::production()).unwrap();
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!("Mine"));
    let patch = PatchBody::from_fields(m);
    let request = WriteRequest {
        id: ID,
        base: &base,
        patch: &patch,
        expects: &[],
        base_is_fresh: false,
    };
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        orws::write::stop::request(libc::SIGTERM);
    });
    let started = Instant::now();
    let outcome = safe_patch(&client, request, RetryPolicy::default(), |_| {}).await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the wait was cut short: {:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            &outcome,
            WriteOutcome::NotApplied {
                checked: Some(_),
                ..
            }
        ),
        "settled by a re-read as not applied: {outcome:?}"
    );
    assert_eq!(server.count("PATCH"), 1, "nothing sent after the stop");
    assert_eq!(server.count("GET"), 2, "the check before, and one re-read");

    // A write that starts after the stop sends nothing at all.
    let outcome = safe_patch(&client, request, RetryPolicy::default(), |_| {}).await;
    assert!(
        matches!(
            &outcome,
            WriteOutcome::NotApplied {
                error: ApiError::Stopped,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(server.count("PATCH"), 1);
}

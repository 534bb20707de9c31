//! The batch write engine (`orws::batch`) against the fake and a counting server: bounded
//! concurrency, a conflict check per workspace, failures that stay per workspace, a 429 that
//! slows the whole batch, stop, history and undo.

use crate::support::client::client;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use orws::api::Client;
use orws::batch::{self, Event, Item, Options, Status};
use orws::fake::{FakeConfig, FakeServer, Fault};
use orws::state::history::Kind;
use orws::workspace::{PatchBody, Workspace};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

fn patch(v: Value) -> PatchBody {
    PatchBody::from_fields(v.as_object().unwrap().clone())
}

/// One item per fake workspace (the first `n`), setting `description` to `to`.
/// A fresh fake, a client of it, and `n` of its workspaces each to get the description `to`.
async fn started(n: usize, to: &str) -> (FakeServer, Client, Vec<Item>) {
    let fake = orws::fake::start(FakeConfig::default()).await.unwrap();
    let client = client(&fake);
    let items = items(&fake, n, to);
    (fake, client, items)
}

fn items(fake: &FakeServer, n: usize, to: &str) -> Vec<Item> {
    fake.workspaces()
        .into_iter()
        .take(n)
        .map(|v| {
            let ws = Workspace::from_json(v).unwrap();
            Item {
                id: ws.id().to_string(),
                label: Item::label_of(&ws),
                patch: patch(json!({ "description": to })),
                base: ws,
            }
        })
        .collect()
}

fn fast() -> Options {
    fast_with(3)
}

/// `concurrency` writes at once, a retry after 10 ms.
fn fast_with(concurrency: usize) -> Options {
    let mut o = Options::new(concurrency);
    o.policy.backoff = Duration::from_millis(10);
    o
}

async fn run(
    client: &Client,
    items: &[Item],
    options: Options,
) -> (Vec<Option<orws::submit::WriteOutcome>>, Vec<Event>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (_stop_tx, stop) = watch::channel(false);
    let out = batch::run(client, items, options, tx, stop).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (out, events)
}

#[tokio::test]
async fn every_item_lands_and_history_and_undo_cover_exactly_them() {
    let (fake, client, items) = started(5, "batched").await;
    let (out, events) = run(&client, &items, fast()).await;
    assert_eq!(batch::counts(&out), [5, 0, 0, 0]);
    for item in &items {
        assert_eq!(
            fake.workspace(&item.id).unwrap()["description"],
            "batched",
            "{}",
            item.label
        );
    }
    let done = events
        .iter()
        .filter(|e| matches!(e, Event::Done { .. }))
        .count();
    assert_eq!(done, 5);

    let entry = batch::history_entry("h", &out).unwrap();
    assert_eq!(entry.kind, Kind::Batch);
    assert_eq!(entry.parts.len(), 5);
    assert!(entry.parts.iter().all(|p| p.kind == Kind::Patch));
    assert!(entry.touches(&items[2].id));

    // Undo puts every description back as it was before.
    let before: Vec<Value> = items
        .iter()
        .map(|i| i.base.get("description").cloned().unwrap_or(Value::Null))
        .collect();
    let undo = batch::undo_items(&items, &out);
    assert_eq!(undo.len(), 5);
    let (out, _) = run(&client, &undo, fast()).await;
    assert_eq!(batch::counts(&out), [5, 0, 0, 0]);
    for (item, was) in items.iter().zip(before) {
        assert_eq!(fake.workspace(&item.id).unwrap()["description"], was);
    }
}

#[tokio::test]
async fn a_conflict_stops_only_its_workspace_and_is_never_overwritten() {
    let (fake, client, items) = started(4, "batched").await;
    assert!(fake.set_field(&items[1].id, "description", json!("theirs")));
    let (out, _) = run(&client, &items, fast()).await;
    assert_eq!(batch::status(out[1].as_ref()), Status::Conflict);
    assert_eq!(
        fake.workspace(&items[1].id).unwrap()["description"],
        "theirs"
    );
    assert!(
        batch::reason(out[1].as_ref()).contains("description changed on the server"),
        "{}",
        batch::reason(out[1].as_ref())
    );
    assert_eq!(batch::counts(&out), [3, 1, 0, 0]);
    // Conflicts are never offered again; only failures are.
    assert!(batch::failed_items(&items, &out).is_empty());
    assert_eq!(batch::undo_items(&items, &out).len(), 3);
    assert_eq!(batch::history_entry("h", &out).unwrap().parts.len(), 3);
}

#[tokio::test]
async fn a_refused_write_fails_alone_and_is_offered_again() {
    let (fake, client, items) = started(3, "batched").await;
    fake.inject("PATCH", Fault::Status(400), 1);
    let (out, _) = run(&client, &items, fast_with(1)).await;
    assert_eq!(batch::counts(&out), [2, 0, 1, 0]);
    let failed = batch::failed_items(&items, &out);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, items[0].id);
    assert!(batch::reason(out[0].as_ref()).starts_with("failed:"));
    let (again, _) = run(&client, &failed, fast()).await;
    assert_eq!(batch::counts(&again), [1, 0, 0, 0]);
}

#[tokio::test]
async fn a_429_slows_the_whole_batch_and_the_item_lands_on_its_next_try() {
    let (fake, client, items) = started(4, "batched").await;
    fake.inject("PATCH", Fault::Status(429), 1);
    let mut options = Options::new(4);
    options.policy.max_wait = Duration::from_millis(50);
    let (out, events) = run(&client, &items, options).await;
    assert_eq!(batch::counts(&out), [4, 0, 0, 0]);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Slowed { limit: 2, .. })),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_stop_leaves_the_rest_unstarted() {
    let (fake, client, items) = started(4, "batched").await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(true);
    let out = batch::run(&client, &items, Options::new(2), tx, stop).await;
    drop(stop_tx);
    assert_eq!(batch::counts(&out), [0, 0, 0, 4]);
    assert_eq!(batch::unstarted_items(&items, &out).len(), 4);
    assert!(fake.requests().iter().all(|r| r.method != "PATCH"));
    assert!(batch::history_entry("h", &out).is_none());
}

/// A server that counts requests in flight at once, and answers each after 30 ms.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
}

async fn slow_ws(State(g): State<Arc<Gauge>>, Path(id): Path<String>) -> axum::Json<Value> {
    let n = g.now.fetch_add(1, Ordering::SeqCst) + 1;
    g.max.fetch_max(n, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(30)).await;
    g.now.fetch_sub(1, Ordering::SeqCst);
    axum::Json(json!({ "data": {
        "id": id, "name": "W", "slug": format!("w-{id}"), "description": "new",
        "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"
    }}))
}

#[tokio::test]
async fn never_more_than_the_concurrency_in_flight() {
    let gauge = Arc::new(Gauge::default());
    let app = Router::new()
        .route("/api/v1/workspaces/{id}", get(slow_ws).patch(slow_ws))
        .with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = client(&url);
    let items: Vec<Item> = (0..8)
        .map(|n| {
            let id = format!("00000000-0000-4000-8000-00000000000{n}");
            let base = Workspace::from_json(json!({
                "id": id, "name": "W", "slug": format!("w-{id}"), "description": "old",
                "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"
            }))
            .unwrap();
            Item {
                id,
                label: "w".into(),
                base,
                patch: patch(json!({"description": "new"})),
            }
        })
        .collect();
    let (out, _) = run(&client, &items, Options::new(3)).await;
    // The GET shows "new" already: applied after all or applied, never a conflict.
    assert_eq!(batch::counts(&out)[1], 0, "{out:?}");
    let max = gauge.max.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "max in flight {max}");
}

/// With a journal the batch records itself as it goes (product.md §15 "Batch history lines"):
/// its `batch` line first, then one `patch` line per write that landed, each on disk before
/// the write's `Done` is told (so a kill right after loses nothing told). A conflict writes no
/// line; [`history::read`] puts the parts back under their batch.
#[tokio::test]
async fn a_journal_appends_each_part_as_it_lands() {
    use orws::state::history;
    let (fake, client, mut items) = started(6, "journalled").await;
    // The last one meets a change made since the plan: a conflict, nothing sent.
    fake.set_field(&items[5].id, "description", json!("theirs"));
    let state = tempfile::tempdir().unwrap();
    let options = fast().recorded(Some(state.path().to_path_buf()), "h");
    let file = state.path().join("history.jsonl");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (_stop_tx, stop) = watch::channel(false);
    let watch_file = async {
        let mut applied = 0;
        while let Some(event) = rx.recv().await {
            if let Event::Done {
                status: Status::Applied,
                ..
            } = event
            {
                applied += 1;
                let lines = std::fs::read_to_string(&file).unwrap().lines().count();
                assert!(lines > applied, "{applied} told applied, {lines} lines");
            }
        }
        applied
    };
    let (out, applied) = tokio::join!(batch::run(&client, &items, options, tx, stop), watch_file);
    assert_eq!(applied, 5);
    assert_eq!(batch::counts(&out), [5, 1, 0, 0]);
    let lines: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "the batch line and five parts");
    assert_eq!(lines[0]["kind"], "batch");
    assert!(lines[0].get("parts").is_none());
    for part in &lines[1..] {
        assert_eq!(part["kind"], "patch");
        assert_eq!(part["batch"], lines[0]["id"]);
        assert_eq!(part["after"]["description"], "journalled");
    }
    let all = history::read(state.path()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].parts.len(), 5);
    assert!(!all[0].touches(&items[5].id));
    // Undo from the record: the same items `undo_items` gives.
    let undo = orws::revert::revert(&all[0], &Default::default()).unwrap();
    let orws::revert::Revert::Batch(undo) = undo else {
        panic!("a batch's undo is a batch")
    };
    items.truncate(5);
    assert_eq!(undo.len(), batch::undo_items(&items, &out[..5]).len());

    // Stopped before it started: not even the batch line.
    let empty = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let (_stop_tx, stop) = watch::channel(true);
    let options = fast().recorded(Some(empty.path().to_path_buf()), "h");
    batch::run(&client, &items, options, tx, stop).await;
    assert!(!empty.path().join("history.jsonl").exists());
}

/// Issue 18 item 11: after a batch, a read-back names each workspace another writer changed
/// since the batch wrote it (before, nothing said so).
#[tokio::test]
async fn a_read_back_after_the_batch_names_what_another_writer_changed_since() {
    let (fake, client, items) = started(3, "written by the batch").await;
    let (outcomes, _) = run(&client, &items, fast()).await;
    assert!(
        outcomes
            .iter()
            .all(|o| batch::status(o.as_ref()) == Status::Applied)
    );
    assert_eq!(
        batch::read_back(&client, &items, &outcomes).await.unwrap(),
        vec![],
        "nobody else wrote: nothing to say"
    );
    // A colleague changes the second workspace's description after the batch wrote it.
    assert!(fake.set_field(&items[1].id, "description", json!("the colleague's")));
    let over = batch::read_back(&client, &items, &outcomes).await.unwrap();
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0].id, items[1].id);
    assert_eq!(over[0].fields, ["description"]);
    assert!(over[0].line().contains(&items[1].label));
}

//! A burst of typing and the disk: 300 keys in edit mode, each of which changes the draft.
//! `burst_is_one_draft_write` checks the debounce through the real loop; the ignored
//! `measure_*` prints the numbers quoted in the README (`cargo test --test draft_burst --
//! --ignored --nocapture`), comparing a synchronous atomic write per key (as orws did) with
//! the debounced writer.

use crate::support::client::client;
use crate::support::tui_loop::{Setup, WAIT};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::fake::FakeConfig;
use orws::state::drafts;
use orws::tui::app::{App, Effect, Msg};
use orws::tui::draft_writer::DEBOUNCE;
use orws::workspace::Workspace;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const KEYS: usize = 300;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// An app on the production form, in edit mode on the name.
fn editing_app(ws: Workspace) -> App {
    let (mut app, _) = App::new("127.0.0.1", Some("production".into()));
    app.update(app.loaded(Ok(ws)));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    app
}

async fn production() -> (orws::fake::FakeServer, Workspace) {
    let server = orws::fake::start(FakeConfig::default()).await.unwrap();
    let ws = Workspace::from_json(server.workspace("production").unwrap()).unwrap();
    (server, ws)
}

/// 300 keys through update, each draft change written at once (fsync and rename each).
fn per_key_writes(ws: &Workspace, dir: &std::path::Path) -> Duration {
    let mut app = editing_app(ws.clone());
    let t = Instant::now();
    for i in 0..KEYS {
        for effect in app.update(key(char::from(b'a' + (i % 26) as u8))) {
            if let Effect::SaveDraft(d) = effect {
                drafts::save(dir, &d).unwrap();
            }
        }
    }
    t.elapsed()
}

/// 300 keys through update, the latest draft kept for the writer (what the runtime does now).
fn debounced(ws: &Workspace) -> Duration {
    let mut app = editing_app(ws.clone());
    let t = Instant::now();
    let mut latest = None;
    for i in 0..KEYS {
        for effect in app.update(key(char::from(b'a' + (i % 26) as u8))) {
            if let Effect::SaveDraft(d) = effect {
                latest = Some(d);
            }
        }
    }
    assert!(latest.is_some());
    t.elapsed()
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn measure_a_burst_of_300_keys() {
    let (_server, ws) = production().await;
    let dir = tempfile::tempdir().unwrap();
    let before = per_key_writes(&ws, dir.path());
    let after = debounced(&ws);
    println!(
        "{KEYS} keys through update: one synchronous draft write per key {before:?} \
         ({:.2} ms/key); debounced {after:?} ({:.3} ms/key)",
        before.as_secs_f64() * 1000.0 / KEYS as f64,
        after.as_secs_f64() * 1000.0 / KEYS as f64,
    );
}

/// Every version of this workspace's draft files seen by reading them every 200 µs until
/// `stop`: a write the watcher misses is one it had less than 200 µs to see.
fn watch_drafts(dir: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut versions: Vec<String> = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let text: String = drafts::files(&dir, "127.0.0.1", PROD)
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect();
            if !text.is_empty() && versions.last() != Some(&text) {
                versions.push(text);
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        versions
    })
}

/// Through the real loop: a burst of 300 keys is on screen, and on disk as one draft holding
/// all of it, without a write per key: the draft is written at most once per debounce window
/// while the burst lasts (each write stamps the draft's `saved_at`, so each is a version the
/// watcher can tell apart).
#[tokio::test]
async fn a_burst_reaches_the_screen_and_then_the_disk() {
    let (server, _) = production().await;
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = Setup::sized(client(&server), Some("production"), 400, 30)
        .state(state.path())
        .spawn();
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    let burst: String = (0..KEYS)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_drafts(state.path().to_path_buf(), stop.clone());
    let t = Instant::now();
    ui.text(&burst);
    ui.wait_for(&burst[KEYS - 40..], WAIT).await;
    let on_screen = t.elapsed();
    let deadline = Instant::now() + WAIT;
    loop {
        let text: String = drafts::files(state.path(), "127.0.0.1", PROD)
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        if text.contains(&burst) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the burst never reached the draft"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let on_disk = t.elapsed();
    // Past the last write, so that a write per key still queued would be seen too.
    tokio::time::sleep(DEBOUNCE * 2).await;
    stop.store(true, Ordering::Relaxed);
    let versions = watcher.join().unwrap();
    assert!(
        versions.last().is_some_and(|v| v.contains(&burst)),
        "the last draft written holds the whole burst"
    );
    let windows = (on_disk + DEBOUNCE * 2).as_millis() / DEBOUNCE.as_millis();
    let most = windows as usize + 1;
    assert!(
        versions.len() <= most,
        "{} draft writes seen for {KEYS} keys in {on_disk:?}: more than one per {DEBOUNCE:?} \
         window ({most} at most)",
        versions.len()
    );
    println!(
        "{KEYS} keys on screen through the loop in {on_screen:?}, on disk in {on_disk:?}, {} writes",
        versions.len()
    );
}

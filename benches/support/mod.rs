//! App states for the benches, built through the public API the way the runtime builds them:
//! `App::new`, then messages and keystrokes through `App::update`.

#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::tui::app::{App, Msg, Screen, SubmitOutcome};
use orws::workspace::{PatchBody, Workspace, check_conflicts};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../assets/workspaces.json");
const MODELS: &str = include_str!("../../assets/models.json");

/// The demo's workspaces (the embedded seed).
pub fn seed() -> Vec<Workspace> {
    let value: Value = serde_json::from_str(SEED).expect("the seed is JSON");
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => items,
            _ => panic!("the seed has no data array"),
        },
        _ => panic!("the seed is neither a list nor {{data: [...]}}"),
    };
    items
        .into_iter()
        .map(|w| Workspace::from_json(w).expect("a seed workspace parses"))
        .collect()
}

pub fn production() -> Workspace {
    seed()
        .into_iter()
        .find(|w| w.slug() == "production")
        .expect("production is in the seed")
}

/// `n` workspaces: the seed repeated, each with its own id, name and slug.
pub fn many(n: usize) -> Vec<Workspace> {
    let seed = seed();
    (0..n)
        .map(|i| {
            let mut w = seed[i % seed.len()].clone();
            let (name, slug) = (w.name().to_string(), w.slug().to_string());
            w.set("id", json!(format!("00000000-0000-4000-8000-{i:012}")));
            w.set("name", json!(format!("{name} {i}")));
            w.set("slug", json!(format!("{slug}-{i}")));
            w
        })
        .collect()
}

/// The seed and `n` generated workspaces: what `serve-fake --extra-workspaces n` lists.
pub fn generated(n: usize) -> Vec<Workspace> {
    let catalog: Vec<Value> = serde_json::from_str(MODELS).expect("the catalog is a JSON list");
    let mut list = seed();
    list.extend(orws::fake::generate::workspaces(n, &catalog));
    list
}

pub fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub fn picker_app(list: Vec<Workspace>) -> App {
    let (mut app, _) = App::new("openrouter.ai", None);
    app.update(Msg::ListLoaded(Ok(list)));
    assert!(matches!(app.screen, Screen::Picker));
    app
}

/// The form on production, clean.
pub fn form_app() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(production())));
    assert!(matches!(app.screen, Screen::Form));
    app
}

/// The form in edit mode on the name, text "Production 2".
pub fn editing_app() -> App {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    assert!(app.form.as_ref().expect("form").is_editing());
    app
}

/// The form with the name changed to "Production 2", back in browse mode.
pub fn edited_app() -> App {
    let mut app = editing_app();
    key(&mut app, KeyCode::Enter);
    app
}

pub fn review_app() -> App {
    let mut app = edited_app();
    key(&mut app, KeyCode::Char('s'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    app
}

fn submitting_app() -> App {
    let mut app = review_app();
    key(&mut app, KeyCode::Enter);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Sending));
    app
}

pub fn result_app() -> App {
    let mut app = submitting_app();
    let before = production();
    let mut after = production();
    after.set("name", json!("Production 2"));
    after.set("updated_at", json!("2026-11-29T00:00:00Z"));
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!("Production 2"));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(
        SubmitOutcome {
            before,
            after,
            patch: PatchBody::from_fields(fields),
            remote_changes: vec![],
        },
    )));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    app
}

pub fn conflict_app() -> App {
    let mut app = submitting_app();
    let mut server = production();
    server.set("name", json!("Renamed Elsewhere"));
    server.set("description", json!("Changed remotely too"));
    let patch = app.form.as_ref().expect("form").patch();
    let report = check_conflicts(&production(), &server, &patch);
    app.update(Msg::SubmitConflict { server, report });
    assert!(matches!(app.screen, Screen::Conflict(_)));
    app
}

pub fn help_app() -> App {
    let mut app = form_app();
    key(&mut app, KeyCode::Char('?'));
    assert!(app.overlay.is_some());
    app
}

/// Short runs: `cargo bench` over every bench finishes in about a minute.
pub fn quick() -> criterion::Criterion {
    criterion::Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(30)
}

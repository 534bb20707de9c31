//! The Guardrail tab's update with plain values (R14, R15): the not-configured state, three-state
//! cycling, the minimal PATCH body, conflict, result and undo; one loop against the fake checking
//! the exact PATCH that reached it.

use crate::support::common::assert_has;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::admin::guardrail::{GUARDRAIL_FIELDS, TriState};
use orws::api::{ApiError, ApiKey, Client, ClientConfig};
use orws::config::{Action, Scope};
use orws::fake::{self, FakeConfig};
use orws::tui::screens::guardrail::{
    Entry, GuardrailEffect, GuardrailMsg, GuardrailState, Phase, runner,
};
use serde_json::{Map, Value, json};
use std::time::Duration;

const GUARDRAIL: &str = "595d5849-7e86-51fd-a7c0-705c34e4afff";
const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";

fn row(field: &str) -> usize {
    GUARDRAIL_FIELDS
        .iter()
        .position(|(f, _)| *f == field)
        .unwrap()
}

fn held() -> Map<String, Value> {
    json!({
        "id": GUARDRAIL,
        "name": "Workspace 550e8400-e29b-41d4-a716-446655440000 Default",
        "workspace_id": PROD,
        "allowed_models": ["openai/gpt-4o", "anthropic/claude-sonnet-4"],
        "allowed_providers": ["openai", "anthropic"],
        "allowed_data_regions": ["europe"],
        "enforce_zdr_anthropic": true,
        "enforce_zdr_google": null,
        "include_byok_in_budgets": false,
        "limit_usd": 200,
        "reset_interval": "monthly"
    })
    .as_object()
    .unwrap()
    .clone()
}

fn loaded(g: Option<Map<String, Value>>) -> GuardrailState {
    let (mut s, fx) = GuardrailState::new(PROD, GUARDRAIL);
    assert_eq!(fx, vec![GuardrailEffect::Load]);
    s.update(GuardrailMsg::Loaded(Ok(g)));
    assert_eq!(s.phase, Phase::Edit);
    assert_eq!(s.scope(), Some(Scope::Guardrail));
    s
}

fn focus(s: &mut GuardrailState, field: &str) {
    s.act(Action::Top, None);
    for _ in 0..row(field) {
        s.act(Action::Down, None);
    }
    assert_eq!(s.field(s.focus), field);
}

fn type_into(s: &mut GuardrailState, field: &str, text: &str) {
    focus(s, field);
    s.act(Action::Clear, None);
    s.act(Action::Edit, None);
    assert_eq!(s.scope(), None);
    for c in text.chars() {
        s.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    s.text(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
}

fn review_patch(s: &mut GuardrailState) -> Map<String, Value> {
    s.act(Action::Review, None);
    match s.reviewing() {
        Some(p) => p.patch.clone(),
        None => panic!("not a review: {:?} ({:?})", s.phase, s.status),
    }
}

#[test]
fn a_404_means_not_configured_and_the_form_starts_empty() {
    let mut s = loaded(None);
    assert_eq!(s.base, None);
    assert!(s.entries.iter().all(|e| matches!(
        e,
        Entry::Text(t) if t.is_empty()
    ) || matches!(
        e,
        Entry::Tri(TriState::Inherit)
            | Entry::Bool(false)
            | Entry::Interval(None)
            | Entry::Fixed(Value::Null)
    )));
    assert_eq!(s.unsaved(), 0);
    // The first write creates it: the PATCH holds only what was set.
    focus(&mut s, "enforce_zdr_openai");
    s.act(Action::Toggle, None);
    assert_eq!(
        review_patch(&mut s),
        json!({"enforce_zdr_openai": true})
            .as_object()
            .unwrap()
            .clone()
    );
    let Some(p) = s.reviewing() else { panic!() };
    assert_eq!(p.base, None);
}

#[test]
fn three_state_cycles_on_off_inherit_with_space_and_arrows() {
    let mut s = loaded(Some(held()));
    focus(&mut s, "enforce_zdr_anthropic");
    let at = s.focus;
    assert_eq!(s.entries[at], Entry::Tri(TriState::On));
    s.act(Action::Toggle, None);
    assert_eq!(s.entries[at], Entry::Tri(TriState::Off));
    s.act(Action::CycleOn, None);
    assert_eq!(s.entries[at], Entry::Tri(TriState::Inherit));
    s.act(Action::CycleOn, None);
    assert_eq!(s.entries[at], Entry::Tri(TriState::On));
    s.act(Action::CycleBack, None);
    assert_eq!(s.entries[at], Entry::Tri(TriState::Inherit));
    assert_eq!(
        review_patch(&mut s),
        json!({"enforce_zdr_anthropic": null})
            .as_object()
            .unwrap()
            .clone()
    );
}

#[test]
fn the_patch_sends_a_changed_list_whole_an_emptied_one_as_null_and_limit_with_interval() {
    let mut s = loaded(Some(held()));
    type_into(&mut s, "allowed_providers", "openai, anthropic google");
    type_into(&mut s, "allowed_data_regions", "");
    type_into(&mut s, "limit_usd", "250");
    // A model typed in another case is the same model: not sent.
    type_into(
        &mut s,
        "allowed_models",
        "OpenAI/GPT-4o anthropic/claude-sonnet-4",
    );
    let patch = review_patch(&mut s);
    assert_eq!(
        Value::Object(patch),
        json!({
            "allowed_providers": ["openai", "anthropic", "google"],
            "allowed_data_regions": null,
            "limit_usd": 250.0,
            "reset_interval": "monthly"
        })
    );
}

#[test]
fn live_rules_refuse_a_bad_region_and_an_interval_without_a_limit() {
    let mut s = loaded(Some(held()));
    type_into(&mut s, "allowed_data_regions", "mars");
    type_into(&mut s, "limit_usd", "");
    let rules = s.rules();
    assert!(
        rules
            .iter()
            .any(|r| r.contains("'mars' is not a data region")),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.contains("a reset interval needs a limit")),
        "{rules:?}"
    );
    s.act(Action::Review, None);
    assert_eq!(s.phase, Phase::Edit);
}

#[test]
fn a_conflict_sends_nothing_and_result_undo_reviews_the_inverse() {
    let mut s = loaded(Some(held()));
    type_into(&mut s, "limit_usd", "250");
    review_patch(&mut s);
    s.act(Action::Submit, None);
    s.update(GuardrailMsg::Conflict {
        fields: vec!["limit_usd".into()],
        now: Some(held()),
    });
    assert_eq!(s.scope(), Some(Scope::Conflict));
    s.act(Action::KeepMine, None);
    review_patch(&mut s);
    assert!(matches!(
        s.act(Action::Submit, None).as_slice(),
        [GuardrailEffect::Send(_)]
    ));
    let mut after = held();
    after.insert("limit_usd".into(), json!(250.0));
    let fx = s.update(GuardrailMsg::Sent(Ok(after)));
    assert!(matches!(fx.as_slice(), [GuardrailEffect::Record(_)]));
    assert_eq!(s.scope(), Some(Scope::Result));
    s.act(Action::Undo, None);
    let Some(p) = s.reviewing() else {
        panic!("{:?}", s.phase)
    };
    assert!(p.undo);
    assert_eq!(
        Value::Object(p.patch.clone()),
        json!({"limit_usd": 200, "reset_interval": "monthly"})
    );
}

#[test]
fn a_403_on_reading_is_said_with_the_servers_message() {
    let (mut s, _) = GuardrailState::new(PROD, GUARDRAIL);
    s.update(GuardrailMsg::Loaded(Err(ApiError::Forbidden {
        message: "no access".into(),
    })));
    let Phase::LoadFailed(why) = &s.phase else {
        panic!()
    };
    assert!(why.contains("no access"));
}

#[tokio::test]
async fn the_fake_receives_exactly_the_minimal_patch() {
    let server = fake::start(FakeConfig::default()).await.unwrap();
    let mut c = ClientConfig::new(server.url(), ApiKey::new("sk-or-v1-admin"));
    c.timeout = Duration::from_secs(10);
    let c = Client::new(c).unwrap();
    let (mut s, mut fx) = GuardrailState::new(PROD, GUARDRAIL);
    let drive = async |s: &mut GuardrailState, mut fx: Vec<GuardrailEffect>| {
        while let Some(e) = fx.pop() {
            if let Some(m) = runner::run(
                &c,
                GUARDRAIL,
                e,
                orws::write::RetryPolicy::without_waiting(),
            )
            .await
            {
                fx.extend(s.update(m));
            }
        }
    };
    drive(&mut s, std::mem::take(&mut fx)).await;
    assert_eq!(s.phase, Phase::Edit);
    focus(&mut s, "enforce_zdr_google");
    s.act(Action::Toggle, None);
    type_into(&mut s, "limit_usd", "300");
    review_patch(&mut s);
    let fx = s.act(Action::Submit, None);
    drive(&mut s, fx).await;
    let Some(o) = s.result() else {
        panic!("{:?}", s.phase)
    };
    assert!(o.after.is_ok(), "{:?}", o.after);
    let reqs: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/guardrails/"))
        .collect();
    let methods: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "PATCH"]);
    let body: Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(
        body,
        json!({"enforce_zdr_google": true, "limit_usd": 300.0, "reset_interval": "monthly"})
    );
}

/// The tab in the app at 60×20, not configured yet (R14).
#[test]
fn the_tab_at_60x20_not_configured_yet() {
    use orws::tui::app::Msg;
    let mut app = production_app();
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('5'),
        KeyModifiers::NONE,
    )));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(None))));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(' '),
        KeyModifiers::NONE,
    )));
    insta::assert_snapshot!(crate::support::tui_app::draw(&app, 60, 20));
}

/// An applied PATCH is kept in the history (kind `guardrail`, the guardrail as target, before
/// and after of the fields sent), through the app as the runtime sees it.
#[test]
fn an_applied_patch_is_recorded_in_the_history() {
    use orws::state::history::Kind;
    use orws::tui::app::{App, Effect, Msg};
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "Production",
        "slug": "production",
        "default_guardrail_id": GUARDRAIL,
    }))
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(held())))));
    press(&mut app, KeyCode::Char('g'));
    for _ in 0..row("limit_usd") {
        press(&mut app, KeyCode::Down);
    }
    for code in [
        KeyCode::Delete,
        KeyCode::Enter,
        KeyCode::Char('9'),
        KeyCode::Esc,
    ] {
        press(&mut app, code);
    }
    press(&mut app, KeyCode::Char('s'));
    let sent = press(&mut app, KeyCode::Enter);
    assert!(
        sent.iter().any(|e| matches!(e, Effect::Guardrail { .. })),
        "Enter on the review sends: {sent:?}"
    );
    let mut after = held();
    after.insert("limit_usd".into(), json!(9));
    let fx = app.update(Msg::Guardrail(GuardrailMsg::Sent(Ok(after))));
    let record = crate::support::tui_app::recorded(&fx);
    assert_eq!(record.kind, Kind::Guardrail);
    assert_eq!(record.target.as_deref(), Some(GUARDRAIL));
    assert_eq!(record.workspace_id, "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(record.before["limit_usd"], json!(200));
    assert_eq!(record.after["limit_usd"], json!(9));
}

/// Was: the focused field differed only by colour, so without colour it could not be told apart.
#[test]
fn the_focused_field_is_marked_without_colour_and_keeps_its_modified_mark() {
    use orws::tui::app::{App, Msg};
    let mut app = production_app();
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(held())))));
    for _ in 0..row("limit_usd") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Delete);
    let screen = |app: &App| crate::support::tui_app::draw(app, 100, 30);
    let line = |text: &str, field: &str| {
        text.lines()
            .find(|l| l.contains(field))
            .unwrap_or_else(|| panic!("no {field} in {text}"))
            .to_string()
    };
    let shown = screen(&app);
    assert!(line(&shown, "Limit (USD)").contains("▶●"), "{shown}");
    assert!(!line(&shown, "Allowed models").contains('▶'), "{shown}");
    press(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(line(&shown, "Limit (USD)").contains("✎●"), "{shown}");
}

fn editing(field: &str) -> GuardrailState {
    let mut s = loaded(Some(held()));
    focus(&mut s, field);
    s.act(Action::Edit, None);
    assert_eq!(s.scope(), None);
    s
}

fn ctrl(s: &mut GuardrailState, c: char) {
    s.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typed_text(s: &GuardrailState) -> String {
    match &s.entries[s.focus] {
        Entry::Text(t) => t.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// Was: Ctrl-U and the other readline keys did nothing in the tab's value editor.
#[test]
fn ctrl_u_kills_to_the_start_of_the_value() {
    let mut s = editing("limit_usd");
    ctrl(&mut s, 'u');
    assert_eq!(typed_text(&s), "");
}

#[test]
fn ctrl_a_ctrl_e_and_ctrl_k_move_and_kill_to_the_end() {
    let mut s = editing("limit_usd");
    ctrl(&mut s, 'a');
    s.text(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE));
    assert_eq!(typed_text(&s), "1200");
    ctrl(&mut s, 'k');
    assert_eq!(typed_text(&s), "1");
    ctrl(&mut s, 'e');
    s.text(KeyEvent::new(KeyCode::Char('5'), KeyModifiers::NONE));
    assert_eq!(typed_text(&s), "15");
}

#[test]
fn ctrl_w_kills_the_last_word_of_a_list() {
    let mut s = editing("allowed_models");
    ctrl(&mut s, 'w');
    assert_eq!(typed_text(&s), "openai/gpt-4o, ");
}

fn catalog(ids: &[&str]) -> std::sync::Arc<orws::catalog::Catalog> {
    let models: Vec<orws::api::ModelSummary> = ids
        .iter()
        .map(|id| orws::api::ModelSummary {
            id: id.to_string(),
            name: id.to_string(),
        })
        .collect();
    std::sync::Arc::new(orws::catalog::Catalog {
        text: models.clone(),
        image: models,
    })
}

const IDS: &[&str] = &[
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "anthropic/claude-sonnet-4",
    "google/gemini-2.5-pro",
];

fn typing_models(text: &str) -> GuardrailState {
    let mut s = loaded(Some(held()));
    s.catalog = Some(catalog(IDS));
    focus(&mut s, "allowed_models");
    s.act(Action::Clear, None);
    s.act(Action::Edit, None);
    for c in text.chars() {
        s.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    s
}

fn key(s: &mut GuardrailState, code: KeyCode) {
    s.text(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn a_partial_model_word_gets_catalog_suggestions() {
    let s = typing_models("anthropic/claude-sonnet-4, gem");
    assert_eq!(s.suggestions(), vec!["google/gemini-2.5-pro".to_string()]);
    let s = typing_models("openai/gpt");
    assert_eq!(
        s.suggestions(),
        vec![
            "openai/gpt-4o".to_string(),
            "openai/gpt-4o-mini".to_string()
        ]
    );
    // Not in a list of providers, and not once the word is a separator away.
    let mut s = typing_models("gem, ");
    assert!(s.suggestions().is_empty());
    focus(&mut s, "allowed_providers");
    s.act(Action::Edit, None);
    key(&mut s, KeyCode::Char('o'));
    assert!(s.suggestions().is_empty());
}

#[test]
fn down_and_enter_replace_the_typed_word_with_the_highlighted_id() {
    let mut s = typing_models("anthropic/claude-sonnet-4, gpt");
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    assert_eq!(s.suggestion, Some(1));
    key(&mut s, KeyCode::Up);
    assert_eq!(s.suggestion, Some(0));
    key(&mut s, KeyCode::Enter);
    assert_eq!(typed_text(&s), "anthropic/claude-sonnet-4, openai/gpt-4o");
    assert_eq!(s.suggestion, None);
    assert_eq!(s.focus, row("allowed_models"));
    key(&mut s, KeyCode::Esc);
    let patch = review_patch(&mut s);
    assert_eq!(
        patch["allowed_models"],
        json!(["anthropic/claude-sonnet-4", "openai/gpt-4o"])
    );
}

#[test]
fn enter_with_nothing_highlighted_keeps_the_typed_text_even_if_unknown() {
    let mut s = typing_models("openai/gpt-4o, gem");
    assert!(!s.suggestions().is_empty());
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.scope(), Some(Scope::Guardrail), "the edit ended");
    assert_eq!(typed_text(&s), "openai/gpt-4o, gem");
    let patch = review_patch(&mut s);
    assert_eq!(patch["allowed_models"], json!(["openai/gpt-4o", "gem"]));
}

#[test]
fn the_suggestions_are_drawn_under_the_model_list_being_typed() {
    use orws::tui::app::{App, Msg};
    let mut app = production_app();
    app.update(Msg::CatalogLoaded(Ok((*catalog(IDS)).clone())));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(held())))));
    for _ in 0..row("allowed_models") {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    for c in ", gpt".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Down);
    let shown = crate::support::tui_app::draw(&app, 100, 30);
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Allowed models"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(lines[at + 1].contains("▸ openai/gpt-4o "), "{shown}");
    assert!(lines[at + 2].contains("openai/gpt-4o-mini"), "{shown}");
}

/// The App on the Guardrail tab, loaded with `g`, focus on `field`.
fn app_on(g: Map<String, Value>, field: &str) -> orws::tui::app::App {
    use orws::tui::app::Msg;
    let mut app = production_app();
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('5'),
        KeyModifiers::NONE,
    )));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(g)))));
    for _ in 0..row(field) {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
    }
    assert_eq!(
        app.tabs.guardrail.as_ref().unwrap().field(row(field)),
        field
    );
    app
}

fn filters_held() -> Map<String, Value> {
    let mut g = held();
    g.insert(
        "content_filters".into(),
        json!([{"pattern": "secret", "action": "block"}]),
    );
    g
}

/// `e` on content_filters hands it to the editor as pretty JSON; the text that comes back is
/// taken, marked modified and sent whole in the minimal PATCH.
#[test]
fn content_filters_edited_in_the_editor_are_sent_whole() {
    use orws::tui::app::{Effect, Msg};
    let mut app = app_on(filters_held(), "content_filters");
    let fx = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    let text = fx
        .iter()
        .find_map(|e| match e {
            Effect::OpenEditor { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no editor: {fx:?}"));
    let shown: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown, json!([{"pattern": "secret", "action": "block"}]));
    assert!(text.contains("\n  {"), "pretty: {text}");
    let edited =
        r#"[{"pattern": "secret", "action": "block"}, {"pattern": "pin", "action": "redact"}]"#;
    app.update(Msg::EditorClosed(Ok(edited.into())));
    let s = app.tabs.guardrail.as_mut().unwrap();
    let r = row("content_filters");
    assert!(s.modified(r), "{:?}", s.status);
    assert_eq!(s.unsaved(), 1);
    let patch = review_patch(s);
    assert_eq!(
        Value::Object(patch),
        json!({"content_filters": [
            {"pattern": "secret", "action": "block"},
            {"pattern": "pin", "action": "redact"}
        ]})
    );
}

#[test]
fn content_filters_emptied_in_the_editor_are_sent_as_null() {
    let mut s = loaded(Some(filters_held()));
    focus(&mut s, "content_filters");
    assert!(matches!(
        s.act(Action::Editor, None).as_slice(),
        [GuardrailEffect::OpenEditor { .. }]
    ));
    s.editor_closed(Ok("[]\n".into()));
    let patch = review_patch(&mut s);
    assert_eq!(Value::Object(patch), json!({"content_filters": null}));
}

/// Bad JSON, or JSON the field does not take, is refused with a clear line: the old value
/// stays and nothing is sent.
#[test]
fn bad_json_from_the_editor_keeps_the_old_value_and_sends_nothing() {
    use orws::tui::app::Msg;
    for (bad, says) in [
        ("[{\"pattern\": ", "not JSON"),
        ("[\"a string\"]", "content_filters"),
        ("{\"pattern\": \"x\"}", "content_filters"),
    ] {
        let mut app = app_on(filters_held(), "content_filters");
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('e'),
            KeyModifiers::NONE,
        )));
        app.update(Msg::EditorClosed(Ok(bad.into())));
        let s = app.tabs.guardrail.as_mut().unwrap();
        let status = s.status.clone().unwrap_or_default();
        assert!(
            status.contains("not taken") && status.contains(says) && status.contains("unchanged"),
            "{bad}: {status}"
        );
        assert_eq!(
            s.entries[row("content_filters")],
            Entry::Fixed(json!([{"pattern": "secret", "action": "block"}]))
        );
        assert_eq!(s.unsaved(), 0);
        s.act(Action::Review, None);
        assert_eq!(s.phase, Phase::Edit, "{bad}: nothing to send");
    }
}

/// Issue 20 item 2: text the field cannot take is not thrown away. As `kubectl edit` does,
/// the editor opens again on the person's own text with the reason on top as `//` lines
/// (product.md §15), in a file named for its content; quitting it unchanged keeps the old
/// value and says so; fixed text is taken with the `//` lines removed.
#[test]
fn bad_json_from_the_editor_reopens_it_on_the_same_text_with_the_reason_on_top() {
    use orws::tui::app::Msg;
    let opened = crate::support::tui_app::opened_editor;
    let old = Entry::Fixed(json!([{"pattern": "secret", "action": "block"}]));
    let mut app = app_on(filters_held(), "content_filters");
    let fx = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    assert_eq!(opened(&fx).1, "content_filters.json");
    let bad = "[{\"pattern\": \"pin\", \"action\": \"redact\"},\n";
    let fx = app.update(Msg::EditorClosed(Ok(bad.into())));
    let (again, file) = opened(&fx);
    assert_eq!(file, "content_filters.json");
    assert!(again.starts_with("// "), "the reason on top: {again}");
    assert_has(&again, "not JSON");
    assert!(again.ends_with(bad), "the person's own text: {again}");
    let s = app.tabs.guardrail.as_ref().unwrap();
    assert_eq!(
        s.entries[row("content_filters")],
        old,
        "unchanged meanwhile"
    );
    // Quitting the editor with the text as it was handed keeps the old value and says so.
    let fx = app.update(Msg::EditorClosed(Ok(again.clone())));
    assert!(fx.is_empty(), "{fx:?}");
    let s = app.tabs.guardrail.as_ref().unwrap();
    assert_eq!(s.entries[row("content_filters")], old);
    let status = s.status.clone().unwrap_or_default();
    assert_has(&status, "unchanged");
    assert_has(&status, "old value");
    // Again, then fixed with the reason lines left in: they come off before parsing.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    let fx = app.update(Msg::EditorClosed(Ok(bad.into())));
    let (again, _) = opened(&fx);
    let fixed = format!("{}]\n", again.trim_end().trim_end_matches(','));
    let fx = app.update(Msg::EditorClosed(Ok(fixed)));
    // The edit is kept in the draft, and nothing else happens.
    assert!(
        fx.iter()
            .all(|e| matches!(e, orws::tui::app::Effect::SaveDraft(_))),
        "{fx:?}"
    );
    let s = app.tabs.guardrail.as_ref().unwrap();
    assert_eq!(
        s.entries[row("content_filters")],
        Entry::Fixed(json!([{"pattern": "pin", "action": "redact"}])),
        "{:?}",
        s.status
    );
    // JSON the field does not take reopens it too, with the field's rule in words.
    let mut app = app_on(filters_held(), "content_filters");
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::NONE,
    )));
    let fx = app.update(Msg::EditorClosed(Ok("[\"a string\"]\n".into())));
    let (again, _) = opened(&fx);
    assert!(again.starts_with("// not taken"), "{again}");
    assert!(again.ends_with("[\"a string\"]\n"), "{again}");
}

#[test]
fn e_on_another_row_opens_no_editor() {
    let mut s = loaded(Some(held()));
    focus(&mut s, "allowed_models");
    assert_eq!(s.act(Action::Editor, None), vec![]);
    assert!(!s.awaits_editor());
    assert!(s.status.is_some());
}

/// The rows edited in `$EDITOR` name the key bound to it, not a hard-coded `e`.
#[test]
fn the_filter_rows_name_the_editor_key_as_bound() {
    use orws::config::Action;
    let mut app = app_on(filters_held(), "content_filters");
    let draw = |app: &orws::tui::app::App| crate::support::tui_app::draw(app, 100, 30);
    assert!(draw(&app).contains("(e edits them as JSON)"));
    app.keys.set(Action::Editor, vec!["E".parse().unwrap()]);
    let shown = draw(&app);
    assert_has(&shown, "(E edits them as JSON)");
}

#[test]
fn a_long_list_wraps_under_its_value_never_under_the_names() {
    let mut s = loaded(Some(held()));
    let long = "openai/gpt-4o, anthropic/claude-3.5-sonnet, google/gemini-pro-1.5, meta-llama/llama-3.1-405b-instruct, mistralai/mistral-large";
    type_into(&mut s, "allowed_models", long);
    focus(&mut s, "ignored_models");
    let theme = orws::tui::theme::Theme::new(false);
    let lines = orws::tui::screens::guardrail::view::lines(&s, &theme, (98, 28), "e", None);
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let at = text
        .iter()
        .position(|l| l.contains("Allowed models"))
        .unwrap();
    let byte = text[at].find("openai/").unwrap();
    let value_col = text[at][..byte].chars().count();
    let next_col = text[at + 1].chars().take_while(|c| *c == ' ').count();
    assert_eq!(
        next_col, value_col,
        "the second line of the value starts under it: {text:#?}"
    );
    assert!(
        text[at + 2].contains("Ignored models"),
        "two lines when not focused: {text:#?}"
    );
}

#[test]
fn the_bar_counts_changes_says_edit_while_typing_and_names_the_suggestion_keys() {
    use orws::tui::app::{App, Msg};
    let mut app = production_app();
    let press = |app: &mut App, code: KeyCode| {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    };
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Enter);
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(held())))));
    app.catalog = Some(catalog(IDS));
    let bar = |app: &App| {
        crate::support::tui_app::draw(app, 100, 30)
            .lines()
            .last()
            .unwrap()
            .to_string()
    };
    assert!(
        bar(&app).contains("GUARDRAIL  0 changes · 0 errors │"),
        "{}",
        bar(&app)
    );
    press(&mut app, KeyCode::Enter);
    for c in ", gem".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let typing = bar(&app);
    assert!(typing.contains("EDIT  1 change"), "{typing}");
    assert!(typing.contains("↓↑ suggestion  Enter take it"), "{typing}");
    assert!(!typing.contains("next field"), "{typing}");
}

/// The app on Production, whose default guardrail is `GUARDRAIL`, on its Settings tab.
fn production_app() -> orws::tui::app::App {
    let (mut app, _) = orws::tui::app::App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "Production",
        "slug": "production",
        "default_guardrail_id": GUARDRAIL
    }))
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    app
}

/// Item 9: the tab has the form's detail panel — the focused field's name and the API's, what
/// it does, and the server's value once the edit differs from it.
#[test]
fn the_detail_panel_names_the_focused_field_and_the_servers_value_when_edited() {
    let mut s = loaded(Some(held()));
    let theme = orws::tui::theme::Theme::new(false);
    let text = |s: &orws::tui::screens::guardrail::GuardrailState| {
        orws::tui::screens::guardrail::view::lines(s, &theme, (98, 28), "e", None)
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    focus(&mut s, "limit_usd");
    let shown = text(&s);
    assert_has(&shown, "── Limit (USD) · limit_usd ");
    assert_has(&shown, "in US dollars");
    assert!(!shown.contains("On the server"), "{shown}");
    type_into(&mut s, "limit_usd", "75");
    let held_limit = held()["limit_usd"].to_string();
    assert_has(&text(&s), &format!("On the server: {held_limit}"));
}

/// Was: the conflict named the fields only. Now each shows the value the edit was made on,
/// the server's now, and what would have been sent, as the Budgets tab does.
#[test]
fn a_conflict_shows_the_three_values_of_each_field() {
    let mut s = loaded(Some(held()));
    type_into(&mut s, "limit_usd", "250");
    review_patch(&mut s);
    s.act(Action::Submit, None);
    let mut now = held();
    now.insert("limit_usd".into(), json!(300));
    s.update(GuardrailMsg::Conflict {
        fields: vec!["limit_usd".into()],
        now: Some(now),
    });
    let theme = orws::tui::theme::Theme::new(false);
    let text: String = orws::tui::screens::guardrail::view::lines(&s, &theme, (98, 28), "e", None)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let read = held()["limit_usd"].to_string();
    assert_has(
        &text,
        &format!("Limit (USD): you read {read}, the server now holds 300; yours: 250"),
    );
}

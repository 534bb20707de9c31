//! `App::update` with plain values: every key path of the form, review, submit, result and
//! conflict screens. No terminal, no server.

use crate::support::common;
use crate::support::common::assert_has;
use crate::support::tui_app::{key, typed};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::api::ApiError;
use orws::tui::app::{App, Effect, Level, Msg, Overlay, Screen, SubmitOutcome};
use orws::tui::screens::form::Mode;
use orws::workspace::{ConflictReport, PatchBody, Workspace, check_conflicts};
use serde_json::{Value, json};
use std::time::Duration;

/// The spec's example, from a server that sends disabled_server_tools.
fn production() -> Workspace {
    let mut ws = common::production();
    ws.set("disabled_server_tools", Value::Null);
    ws
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

/// An app with the form open on production.
fn form_app() -> App {
    let (mut app, effects) = App::new("openrouter.ai", Some("production".into()));
    assert_eq!(effects, vec![Effect::LoadWorkspace("production".into())]);
    let effects = app.update(app.loaded(Ok(production())));
    assert!(matches!(app.screen, Screen::Form));
    assert!(
        effects.contains(&Effect::LoadCatalog),
        "the catalog is fetched once the form has its values"
    );
    app
}

fn focus(app: &App) -> &'static str {
    app.form.as_ref().unwrap().focused().spec.name
}

fn current(app: &App, name: &str) -> Option<Value> {
    let form = app.form.as_ref().unwrap();
    form.fields
        .iter()
        .find(|f| f.spec.name == name)
        .unwrap()
        .current
        .clone()
}

fn patch_body(app: &App) -> String {
    app.form.as_ref().unwrap().patch().to_body_string()
}

#[test]
fn starts_on_the_picker_without_a_workspace() {
    let (app, effects) = App::new("h", None);
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(effects, vec![Effect::LoadList]);
    assert!(app.is_busy(), "the list is loading");
}

#[test]
fn picker_filter_and_enter_open_the_match() {
    let (mut app, _) = App::new("h", None);
    let other = Workspace::from_json(json!({"id":"u2","name":"Staging","slug":"staging"})).unwrap();
    app.update(Msg::ListLoaded(Ok(vec![other, production()])));
    assert!(!app.is_busy());
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "prod");
    // Enter applies the filter and returns to the list; Enter there opens.
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
    assert!(!app.picker.filtering && app.picker.filter == "prod");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::LoadWorkspace(production().id().into())]
    );
    assert!(matches!(app.screen, Screen::Loading { .. }));
}

#[test]
fn picker_keys_move_reload_and_quit() {
    let (mut app, _) = App::new("h", None);
    let a = Workspace::from_json(json!({"id":"a","name":"A","slug":"a"})).unwrap();
    let b = Workspace::from_json(json!({"id":"b","name":"B","slug":"b"})).unwrap();
    app.update(Msg::ListLoaded(Ok(vec![a, b])));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.picker.selected, 1);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.picker.selected, 1, "stays on the last row");
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.picker.selected, 0);
    assert_eq!(key(&mut app, KeyCode::Char('r')), vec![Effect::LoadList]);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
}

#[test]
fn a_failed_list_is_an_error_line() {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Err(ApiError::Timeout { secs: 3 })));
    let status = app.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(status.text.contains("3 s"));
}

#[test]
fn moving_with_j_k_tab_and_arrows() {
    let mut app = form_app();
    assert_eq!(focus(&app), "name");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(focus(&app), "slug");
    key(&mut app, KeyCode::Down);
    assert_eq!(focus(&app), "description");
    key(&mut app, KeyCode::Tab);
    assert_eq!(focus(&app), "default_text_model");
    key(&mut app, KeyCode::BackTab);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(focus(&app), "name");
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(focus(&app), "name", "no wrap-around: up at the top stays");
}

#[test]
fn enter_edits_typing_changes_enter_ends() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().unwrap().is_editing());
    typed(&mut app, " 2");
    assert_eq!(
        current(&app, "name"),
        Some(json!("Production 2")),
        "checked on every keystroke"
    );
    key(&mut app, KeyCode::Enter);
    assert!(!app.form.as_ref().unwrap().is_editing());
    assert_eq!(patch_body(&app), r#"{"name":"Production 2"}"#);
}

#[test]
fn typing_in_edit_mode_never_fires_commands() {
    let mut app = form_app();
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "qsu?");
    assert!(!app.quit);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(current(&app, "name"), Some(json!("Productionqsu?")));
}

/// Ctrl-C leaves edit mode as Esc does (vim users press it by habit), keeping the text; `u`
/// then undoes the edit like any other (issue 20 item 3).
#[test]
fn ctrl_c_ends_the_edit_keeping_the_text_and_u_undoes_it() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "xyz");
    ctrl(&mut app, 'c');
    assert!(!app.form.as_ref().unwrap().is_editing());
    assert_eq!(current(&app, "name"), Some(json!("Productionxyz")));
    assert!(!app.quit);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(current(&app, "name"), Some(json!("Production")));
}

#[test]
fn esc_ends_the_edit_and_keeps_the_text() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(current(&app, "name"), Some(json!("Production!")));
}

#[test]
fn tab_commits_the_field_and_edits_the_next_one() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Tab);
    assert!(
        app.form.as_ref().unwrap().is_editing(),
        "edit mode is sticky"
    );
    assert_eq!(focus(&app), "slug");
    assert_eq!(
        current(&app, "name"),
        Some(json!("Production!")),
        "no tab inserted"
    );
    // What follows a Tab is text, never a command (s would review, q quit).
    let effects = {
        let mut all = vec![];
        for c in "sq".chars() {
            all.extend(key(&mut app, KeyCode::Char(c)));
        }
        all
    };
    assert!(
        effects.iter().all(|e| matches!(e, Effect::SaveDraft(_))),
        "{effects:?}"
    );
    assert!(matches!(app.screen, Screen::Form) && app.overlay.is_none());
    assert_eq!(current(&app, "slug"), Some(json!("productionsq")));
    key(&mut app, KeyCode::BackTab);
    assert_eq!(focus(&app), "name");
    assert!(app.form.as_ref().unwrap().is_editing());
    key(&mut app, KeyCode::Esc);
    assert!(!app.form.as_ref().unwrap().is_editing());
    // Each field's edit is one step of its own.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(current(&app, "slug"), Some(json!("production")));
    assert_eq!(current(&app, "name"), Some(json!("Production!")));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(current(&app, "name"), Some(json!("Production")));
}

#[test]
fn tab_onto_a_boolean_or_choice_field_waits_for_space() {
    let mut app = form_app();
    focus_on(&mut app, "io_logging_api_key_ids");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Tab);
    assert_eq!(focus(&app), "is_data_discount_logging_enabled");
    assert!(matches!(
        app.form.as_ref().unwrap().mode,
        Mode::Switch { .. }
    ));
    // Printable keys change nothing and run nothing; they say what Space does.
    typed(&mut app, "qsux");
    assert_eq!(modified(&app), 0);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Form));
    assert!(app.status.clone().unwrap().text.contains("Space"));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        current(&app, "is_data_discount_logging_enabled"),
        Some(json!(false))
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(focus(&app), "is_observability_broadcast_enabled");
    // Ctrl-C ends the edit as Esc does, keeping the change.
    key(&mut app, KeyCode::Char(' '));
    ctrl(&mut app, 'c');
    assert!(!app.form.as_ref().unwrap().is_editing());
    assert_eq!(
        current(&app, "is_observability_broadcast_enabled"),
        Some(json!(true))
    );
    assert_eq!(modified(&app), 2);
    // Shift-Tab back through a choice field, then Enter ends the edit.
    focus_on(&mut app, "io_logging_sampling_rate");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(focus(&app), "default_provider_sort");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Enter);
    assert!(!app.form.as_ref().unwrap().is_editing());
    assert_eq!(modified(&app), 3);
}

#[test]
fn ctrl_underscore_undoes_typing_and_ctrl_r_redoes() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "abc");
    // Terminals send Ctrl-_ as Ctrl-7; some as Ctrl-_ or Ctrl-/.
    ctrl(&mut app, '7');
    assert_eq!(current(&app, "name"), Some(json!("Productionab")));
    ctrl(&mut app, '_');
    assert_eq!(current(&app, "name"), Some(json!("Productiona")));
    ctrl(&mut app, '/');
    assert_eq!(current(&app, "name"), Some(json!("Production")));
    ctrl(&mut app, 'r');
    assert_eq!(current(&app, "name"), Some(json!("Productiona")));
    // Ctrl-Z is job control (the runtime suspends), never an edit.
    ctrl(&mut app, 'z');
    assert_eq!(current(&app, "name"), Some(json!("Productiona")));
    assert!(app.form.as_ref().unwrap().is_editing());
}

#[test]
fn readline_keys_kill_and_yank() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    // Ctrl-U kills to the start of the line (it was textarea's undo).
    ctrl(&mut app, 'u');
    assert_eq!(current(&app, "name"), Some(json!("on")));
    ctrl(&mut app, 'e');
    ctrl(&mut app, 'y');
    assert_eq!(current(&app, "name"), Some(json!("onProducti")));
    ctrl(&mut app, 'w');
    assert_eq!(current(&app, "name"), Some(json!("")));
    ctrl(&mut app, 'y');
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    assert_eq!(current(&app, "name"), Some(json!("")));
    ctrl(&mut app, 'y');
    assert_eq!(current(&app, "name"), Some(json!("onProducti")));
}

#[test]
fn an_invalid_slug_is_flagged_at_once_and_kept() {
    let mut app = form_app();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "_");
    let form = app.form.as_ref().unwrap();
    let error = form.focused().error().expect("flagged on the keystroke");
    assert_has(&error, "slug");
    assert_has(&error, "underscore");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        current(&app, "slug"),
        Some(json!("production_")),
        "invalid text is kept"
    );
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.screen, Screen::Form), "submit refused");
    let status = app.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert_has(&status.text, "slug");
}

#[test]
fn an_unparsable_rate_is_kept_as_typed() {
    let mut app = form_app();
    app.form
        .as_mut()
        .unwrap()
        .focus_field("io_logging_sampling_rate");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "x");
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.focused().display(), "1x");
    assert!(form.focused().error().unwrap().contains("decimal"));
    assert_eq!(form.invalid_fields(), vec!["io_logging_sampling_rate"]);
}

#[test]
fn space_toggles_booleans_and_cycles_the_sort() {
    let mut app = form_app();
    app.form
        .as_mut()
        .unwrap()
        .focus_field("is_data_discount_logging_enabled");
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        current(&app, "is_data_discount_logging_enabled"),
        Some(json!(false))
    );
    app.form
        .as_mut()
        .unwrap()
        .focus_field("default_provider_sort");
    let mut seen = vec![];
    for _ in 0..5 {
        key(&mut app, KeyCode::Char(' '));
        seen.push(current(&app, "default_provider_sort").unwrap());
    }
    assert_eq!(
        seen,
        vec![
            json!("throughput"),
            json!("latency"),
            json!("exacto"),
            Value::Null,
            json!("price")
        ]
    );
}

#[test]
fn delete_sets_a_nullable_field_to_null_only() {
    let mut app = form_app();
    key(&mut app, KeyCode::Delete);
    assert_eq!(
        current(&app, "name"),
        Some(json!("Production")),
        "name cannot be null"
    );
    app.form.as_mut().unwrap().focus_field("description");
    key(&mut app, KeyCode::Delete);
    assert_eq!(patch_body(&app), r#"{"description":null}"#);
}

#[test]
fn x_resets_one_field_and_shift_x_asks_then_resets_all() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    app.form.as_mut().unwrap().focus_field("description");
    key(&mut app, KeyCode::Delete);
    app.form.as_mut().unwrap().focus_field("slug");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "-2");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 3);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 2);
    assert_eq!(current(&app, "slug"), Some(json!("production")));
    // Resetting all asks first; n and Esc mean not now.
    for not_now in [KeyCode::Char('n'), KeyCode::Esc] {
        key(&mut app, KeyCode::Char('X'));
        assert_eq!(app.overlay, Some(Overlay::ConfirmResetAll));
        key(&mut app, not_now);
        assert_eq!(app.overlay, None);
        assert_eq!(app.form.as_ref().unwrap().modified_count(), 2);
    }
    key(&mut app, KeyCode::Char('X'));
    let effects = key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    assert_eq!(
        effects,
        vec![Effect::DeleteDraft {
            workspace_id: production().id().into()
        }]
    );
    // Both resets are undone by u.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 2);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(current(&app, "slug"), Some(json!("production-2")));
}

#[test]
fn editing_back_to_the_base_unmodifies() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.screen, Screen::Form));
    assert!(app.status.clone().unwrap().text.contains("Nothing to save"));
}

#[test]
fn description_enter_is_a_newline_and_paste_keeps_lines() {
    let mut app = form_app();
    app.form.as_mut().unwrap().focus_field("description");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "more");
    app.update(Msg::Paste("\nline".into()));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        current(&app, "description"),
        Some(json!("Production environment workspace\nmore\nline"))
    );
}

#[test]
fn paste_strips_newlines_in_one_line_fields() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Paste(" a\nb\r\n".into()));
    key(&mut app, KeyCode::Enter);
    assert_eq!(current(&app, "name"), Some(json!("Production a b")));
}

#[test]
fn paste_in_browse_mode_changes_nothing() {
    let mut app = form_app();
    app.update(Msg::Paste("qqq".into()));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    assert!(!app.quit);
}

#[test]
fn checklist_toggles_tools() {
    let mut app = form_app();
    app.form
        .as_mut()
        .unwrap()
        .focus_field("disabled_server_tools");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(
        app.form.as_ref().unwrap().mode,
        Mode::Checklist { .. }
    ));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        patch_body(&app),
        r#"{"disabled_server_tools":["openrouter:advisor","openrouter:apply_patch"]}"#
    );
    // Unchecking everything is the same as null: nothing to send.
    app.form
        .as_mut()
        .unwrap()
        .focus_field("disabled_server_tools");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Esc);
    assert_eq!(patch_body(&app), "{}");
}

#[test]
fn e_asks_for_the_editor_and_its_text_comes_back_modified() {
    let mut app = form_app();
    app.form.as_mut().unwrap().focus_field("description");
    let effects = key(&mut app, KeyCode::Char('e'));
    assert_eq!(
        effects,
        vec![Effect::OpenEditor {
            text: "Production environment workspace".into(),
            file: "description.md".into(),
        }]
    );
    app.update(Msg::EditorClosed(Ok("From the editor\n".into())));
    assert_eq!(current(&app, "description"), Some(json!("From the editor")));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
    app.update(Msg::EditorClosed(Err(
        orws::tui::external_editor::EditorError::NoneInTests,
    )));
    assert_eq!(app.status.clone().unwrap().level, Level::Error);
    assert_eq!(current(&app, "description"), Some(json!("From the editor")));
}

/// Issue 20 item 2 on the form: the key id list goes to the editor as JSON, in a file named
/// for it; a list that cannot be taken opens the editor again on the person's own text with
/// the reason on top as `//` lines; quitting it unchanged keeps the old value and says so.
#[test]
fn e_on_the_key_id_list_reopens_the_editor_on_text_it_cannot_take() {
    let mut app = form_app();
    app.form
        .as_mut()
        .unwrap()
        .focus_field("io_logging_api_key_ids");
    let opened = crate::support::tui_app::opened_editor;
    let (text, file) = opened(&key(&mut app, KeyCode::Char('e')));
    assert_eq!(file, "io_logging_api_key_ids.json");
    assert!(text.trim_end().ends_with("null"), "{text}");
    let bad = "[1, 2, \"x\"]\n";
    let (again, file) = opened(&app.update(Msg::EditorClosed(Ok(bad.into()))));
    assert_eq!(file, "io_logging_api_key_ids.json");
    assert!(again.starts_with("// "), "{again}");
    assert!(again.ends_with(bad), "the person's own text: {again}");
    assert_eq!(current(&app, "io_logging_api_key_ids"), Some(Value::Null));
    // Quit unchanged: the old value stays, and the status says so.
    assert!(
        app.update(Msg::EditorClosed(Ok(again.clone())))
            .iter()
            .all(|e| !matches!(e, Effect::OpenEditor { .. }))
    );
    assert_eq!(current(&app, "io_logging_api_key_ids"), Some(Value::Null));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    let status = app.status.clone().unwrap().text;
    assert_has(&status, "old value");
    // Fixed, the reason lines left in: taken.
    key(&mut app, KeyCode::Char('e'));
    let (again, _) = opened(&app.update(Msg::EditorClosed(Ok(bad.into()))));
    let fixed = again.replace(", \"x\"", "");
    app.update(Msg::EditorClosed(Ok(fixed)));
    assert_eq!(current(&app, "io_logging_api_key_ids"), Some(json!([1, 2])));
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = form_app();
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, None);
    assert!(!app.quit, "the key only closed the help");
}

#[test]
fn q_without_edits_quits_at_once() {
    let mut app = form_app();
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn q_with_edits_asks_and_n_stays() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![]);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.overlay, None);
    assert!(!app.quit);
    key(&mut app, KeyCode::Char('q'));
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit);
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(key(&mut app, KeyCode::Char('y')), vec![Effect::Quit]);
}

#[test]
fn q_then_k_keeps_the_draft_and_quits() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(key(&mut app, KeyCode::Char('k')), vec![Effect::Quit]);
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
}

#[test]
fn q_then_d_discards_and_quits() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('q'));
    let effects = key(&mut app, KeyCode::Char('d'));
    assert_eq!(effects[0], Effect::Quit);
    assert!(effects[1..].iter().all(|e| *e
        == Effect::DeleteDraft {
            workspace_id: production().id().into()
        }));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
}

#[test]
fn esc_goes_back_to_the_picker_when_there_is_one() {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![production()])));
    key(&mut app, KeyCode::Enter);
    app.update(app.loaded(Ok(production())));
    assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::LoadList]);
    assert!(matches!(app.screen, Screen::Picker));
}

#[test]
fn review_then_enter_submits_the_minimal_patch() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(
        app.form.as_ref().unwrap().modified_count(),
        1,
        "nothing lost"
    );
    key(&mut app, KeyCode::Char('s'));
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { base, patch }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(base, &production());
    assert_eq!(patch.to_body_string(), r#"{"name":"Production 2"}"#);
    assert!(matches!(
        orws::tui::app::settings_write::flow(&app).map(|f| &f.phase),
        Some(orws::tui::flow::Phase::Sending(s)) if !s.sending
    ));
    assert!(app.is_busy(), "the spinner runs");
}

fn submitting_app() -> App {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    app
}

#[test]
fn ticks_animate_while_submitting() {
    let mut app = submitting_app();
    app.update(Msg::Tick(Duration::from_millis(1200)));
    app.update(Msg::Tick(Duration::from_millis(1280)));
    assert_eq!(app.elapsed, Duration::from_millis(1280));
    assert_eq!(app.frame, 2);
}

#[test]
fn esc_before_sending_cancels_without_a_reread() {
    let mut app = submitting_app();
    let effects = key(&mut app, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::CancelSubmit { reread: None }]);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
}

#[test]
fn esc_while_sending_rereads_and_says_whether_it_landed() {
    let mut app = submitting_app();
    app.update(Msg::SubmitSending);
    let effects = key(&mut app, KeyCode::Esc);
    assert_eq!(
        effects,
        vec![Effect::CancelSubmit {
            reread: Some(production().id().into())
        }]
    );
    let mut landed = production();
    landed.set("name", json!("Production 2"));
    app.update(Msg::Reread(Ok(landed)));
    assert!(
        app.status
            .clone()
            .unwrap()
            .text
            .contains("was applied after all")
    );
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
}

#[test]
fn a_late_answer_after_cancel_is_ignored() {
    let mut app = submitting_app();
    key(&mut app, KeyCode::Esc);
    app.update(Msg::Written(orws::submit::WriteOutcome::InDoubt {
        error: ApiError::Timeout { secs: 1 },
        reread: "no answer either".into(),
    }));
    assert!(matches!(app.screen, Screen::Form));
}

fn outcome(after_name: &str) -> SubmitOutcome {
    let before = production();
    let mut after = production();
    after.set("name", json!(after_name));
    after.set("updated_at", json!("2026-11-29T00:00:00Z"));
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!("Production 2"));
    SubmitOutcome {
        before,
        after,
        patch: PatchBody::from_fields(fields),
        remote_changes: vec![],
    }
}

#[test]
fn the_result_becomes_the_new_base() {
    let mut app = submitting_app();
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(outcome(
        "Production 2",
    ))));
    let Some(view) = app.settings_result() else {
        panic!("{:?}", app.screen)
    };
    let fields: Vec<_> = view.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["name", "updated_at"]);
    assert!(view.echo_warnings.is_empty());
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Form));
}

#[test]
fn a_server_that_stores_something_else_is_a_warning() {
    let mut app = submitting_app();
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(outcome(
        "production 2 (trimmed)",
    ))));
    let Some(view) = app.settings_result() else {
        panic!()
    };
    assert_eq!(view.echo_warnings.len(), 1);
    assert_eq!(app.status.clone().unwrap().level, Level::Warning);
}

#[test]
fn u_on_the_result_reviews_then_enter_sends_the_inverse() {
    let mut app = submitting_app();
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(outcome(
        "Production 2",
    ))));
    let effects = key(&mut app, KeyCode::Char('u'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Submit { .. })));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { patch, base, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(patch.to_body_string(), r#"{"name":"Production"}"#);
    assert_eq!(base.name(), "Production 2");
}

#[test]
fn an_error_keeps_the_edits_and_a_400_lands_on_its_field() {
    let mut app = submitting_app();
    app.update(Msg::Written(orws::submit::WriteOutcome::NotApplied {
        error: ApiError::BadRequest {
            message: "Slug 'x' is already in use".into(),
            field: Some("slug".into()),
        },
        checked: None,
        server: None,
    }));
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(focus(&app), "slug");
    assert!(app.form.as_ref().unwrap().focused().error().is_some());
    assert_eq!(current(&app, "name"), Some(json!("Production 2")));
    assert_eq!(app.status.clone().unwrap().level, Level::Error);
}

fn conflict_app() -> App {
    let mut app = submitting_app();
    let mut server = production();
    server.set("name", json!("Theirs"));
    server.set("description", json!("remote"));
    let patch = app.form.as_ref().unwrap().patch();
    let report: ConflictReport = check_conflicts(&production(), &server, &patch);
    app.update(Msg::SubmitConflict { server, report });
    assert!(app.conflict_view().is_some());
    app
}

#[test]
fn conflict_keep_mine_reviews_again_on_the_new_base() {
    let mut app = conflict_app();
    assert_eq!(key(&mut app, KeyCode::Char('m')), vec![]);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { base, patch }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(base.name(), "Theirs");
    assert_eq!(patch.to_body_string(), r#"{"name":"Production 2"}"#);
}

#[test]
fn conflict_take_theirs_drops_the_field() {
    let mut app = conflict_app();
    assert_eq!(
        key(&mut app, KeyCode::Char('t')),
        vec![Effect::DeleteDraft {
            workspace_id: production().id().into()
        }],
        "nothing of mine is left: the draft goes"
    );
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(current(&app, "name"), Some(json!("Theirs")));
    assert_eq!(
        current(&app, "description"),
        Some(json!("remote")),
        "remote change folded in"
    );
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
}

#[test]
fn conflict_esc_goes_back_with_the_edit() {
    let mut app = conflict_app();
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(current(&app, "name"), Some(json!("Production 2")));
}

#[test]
fn a_failed_open_offers_retry() {
    let (mut app, _) = App::new("h", Some("nope".into()));
    app.update(app.loaded(Err(ApiError::NotFound {
        what: "workspace 'nope'".into(),
    })));
    let Screen::Loading { error: Some(e), .. } = &app.screen else {
        panic!()
    };
    assert!(e.contains("nope"));
    assert!(!app.is_busy(), "no spinner on an error");
    assert_eq!(
        key(&mut app, KeyCode::Char('r')),
        vec![Effect::LoadWorkspace("nope".into())]
    );
}

#[test]
fn retry_notices_show_in_the_status_line() {
    let mut app = submitting_app();
    app.update(Msg::Retrying(orws::api::RetryNotice {
        attempt: 2,
        max_attempts: 3,
        wait: Duration::from_secs(1),
        reason: "server error 503: busy".into(),
    }));
    let s = app.status.clone().unwrap();
    assert_has(&s.text, "try 2 of 3");
}

fn catalog() -> orws::catalog::Catalog {
    let m = |id: &str| orws::api::ModelSummary {
        id: id.into(),
        name: id.into(),
    };
    orws::catalog::Catalog {
        text: vec![
            m("openai/gpt-4o"),
            m("anthropic/claude-sonnet-4.5"),
            m("anthropic/claude-3.5-haiku"),
            m("anthropic/claude-opus-4.1"),
        ],
        image: vec![m("openai/dall-e-3")],
    }
}

fn suggestions(app: &App) -> Vec<String> {
    let form = app.form.as_ref().unwrap();
    form.suggestions().iter().map(|m| m.id.clone()).collect()
}

#[test]
fn typing_a_model_lists_catalog_ids_and_enter_takes_one() {
    let mut app = form_app();
    app.update(Msg::CatalogLoaded(Ok(catalog())));
    app.form.as_mut().unwrap().focus_field("default_text_model");
    key(&mut app, KeyCode::Enter);
    // Clear the field, then type.
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    typed(&mut app, "anthropic/");
    assert_eq!(suggestions(&app).len(), 3, "{:?}", suggestions(&app));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.form.as_ref().unwrap().suggestion, Some(1));
    let second = suggestions(&app)[1].clone();
    key(&mut app, KeyCode::Enter);
    assert!(
        !app.form.as_ref().unwrap().is_editing(),
        "Enter takes it and ends the edit"
    );
    assert_eq!(current(&app, "default_text_model"), Some(json!(second)));

    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    typed(&mut app, "gpt4o");
    key(&mut app, KeyCode::Down);
    // Tab moves on keeping the typed text, highlighted suggestion or not (issue 11).
    key(&mut app, KeyCode::Tab);
    assert_eq!(current(&app, "default_text_model"), Some(json!("gpt4o")));
    assert_eq!(focus(&app), "default_image_model");
    assert!(app.form.as_ref().unwrap().is_editing());
    key(&mut app, KeyCode::BackTab);
    assert_eq!(focus(&app), "default_text_model");
    // With none highlighted, Tab moves on keeping the typed text.
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    typed(&mut app, "gpt4o");
    key(&mut app, KeyCode::Tab);
    assert_eq!(current(&app, "default_text_model"), Some(json!("gpt4o")));
    assert_eq!(focus(&app), "default_image_model");
}

#[test]
fn an_unknown_model_is_a_warning_not_an_error() {
    let mut app = form_app();
    app.form.as_mut().unwrap().focus_field("default_text_model");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    typed(&mut app, "nobody/nothing");
    key(&mut app, KeyCode::Enter);
    // The catalog arrives after the edit: the warning appears then.
    app.update(Msg::CatalogLoaded(Ok(catalog())));
    let form = app.form.as_ref().unwrap();
    let f = form.focused();
    assert!(f.warning.as_deref().unwrap().contains("nobody/nothing"));
    assert_eq!(f.error(), None);
    key(&mut app, KeyCode::Char('s'));
    assert!(
        app.settings_write() == Some(orws::tui::flow::Shown::Review),
        "it can still be submitted"
    );
}

#[test]
fn a_failed_catalog_never_blocks_editing() {
    let mut app = form_app();
    app.update(Msg::CatalogLoaded(Err(ApiError::Timeout { secs: 1 })));
    assert!(app.catalog_error.is_some());
    app.form.as_mut().unwrap().focus_field("default_text_model");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        current(&app, "default_text_model"),
        Some(json!("openai/gpt-4ox"))
    );
}

#[test]
fn configured_keys_replace_the_defaults() {
    let mut app = form_app();
    let spec: orws::config::KeySpec = "Q".parse().unwrap();
    app.keys.set(orws::config::Action::Quit, vec![spec]);
    assert_eq!(
        key(&mut app, KeyCode::Char('q')),
        vec![],
        "q no longer quits"
    );
    assert!(!app.quit);
    assert_eq!(key(&mut app, KeyCode::Char('Q')), vec![Effect::Quit]);
}

#[test]
fn esc_from_a_form_opened_directly_shows_the_list() {
    let mut app = form_app();
    assert!(!app.has_picker);
    assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::LoadList]);
    assert!(matches!(app.screen, Screen::Picker));
    assert!(app.picker.loading);
    assert!(!app.quit);
}

#[test]
fn the_list_fills_in_page_by_page_with_a_count() {
    let (mut app, _) = App::new("h", None);
    let ws = |i: usize| {
        Workspace::from_json(
            json!({"id": format!("u{i}"), "name": format!("W{i}"), "slug": format!("w{i}")}),
        )
        .unwrap()
    };
    app.update(Msg::ListPage {
        page: (0..100).map(ws).collect(),
        total: Some(150),
    });
    assert_eq!(app.picker.workspaces.len(), 100);
    assert_eq!(app.picker.expected, Some(150));
    assert!(app.is_busy(), "still loading");
    app.update(Msg::ListPage {
        page: (100..150).map(ws).collect(),
        total: Some(150),
    });
    app.update(Msg::ListLoaded(Ok((0..150).map(ws).collect())));
    assert_eq!(app.picker.workspaces.len(), 150);
    assert_eq!(app.picker.expected, None);
    // A reload starts over with its first page.
    key(&mut app, KeyCode::Char('r'));
    app.update(Msg::ListPage {
        page: vec![ws(7)],
        total: Some(1),
    });
    assert_eq!(app.picker.workspaces.len(), 1);
}

#[test]
fn the_unknown_model_warning_waits_for_the_end_of_the_edit() {
    let mut app = form_app();
    app.update(Msg::CatalogLoaded(Ok(catalog())));
    app.form.as_mut().unwrap().focus_field("default_text_model");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    typed(&mut app, "anthropic/cla");
    assert_eq!(
        app.form.as_ref().unwrap().focused().warning,
        None,
        "still typing"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.form.as_ref().unwrap().focused().warning.is_some());
}

/// An app with the form open on this workspace.
fn form_on(ws: Workspace) -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(ws)));
    assert!(matches!(app.screen, Screen::Form));
    app
}

fn modified(app: &App) -> usize {
    app.form.as_ref().unwrap().modified_count()
}

fn focus_on(app: &mut App, name: &str) {
    app.form.as_mut().unwrap().focus_field(name);
}

#[test]
fn entering_and_leaving_a_null_field_without_typing_keeps_it_null() {
    let mut ws = production();
    for name in [
        "description",
        "default_text_model",
        "io_logging_api_key_ids",
    ] {
        ws.set(name, Value::Null);
    }
    let cases = [
        // Enter in the description is a newline (typing), so only Esc and Tab leave it.
        (
            "description",
            &[KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab][..],
        ),
        (
            "default_text_model",
            &[KeyCode::Esc, KeyCode::Enter, KeyCode::Tab],
        ),
        (
            "io_logging_api_key_ids",
            &[KeyCode::Esc, KeyCode::Enter, KeyCode::Tab],
        ),
    ];
    for (name, leaves) in cases {
        for &leave in leaves {
            let mut app = form_on(ws.clone());
            app.update(Msg::CatalogLoaded(Ok(catalog())));
            focus_on(&mut app, name);
            key(&mut app, KeyCode::Enter);
            assert!(app.form.as_ref().unwrap().is_editing(), "{name}");
            let mut effects = key(&mut app, leave);
            // Tab edits the next field: leave that one too, untouched.
            if app.form.as_ref().unwrap().is_editing() {
                effects.extend(key(&mut app, KeyCode::Esc));
            }
            assert!(!app.form.as_ref().unwrap().is_editing(), "{name} {leave:?}");
            assert_eq!(current(&app, name), Some(Value::Null), "{name} {leave:?}");
            assert_eq!(modified(&app), 0, "{name} {leave:?}");
            assert_eq!(effects, vec![], "no draft for {name} {leave:?}");
            assert_eq!(
                app.form.as_ref().unwrap().invalid_fields(),
                Vec::<&str>::new()
            );
        }
    }
    // Typing and erasing it again is no change either; typing is.
    let mut app = form_on(ws.clone());
    focus_on(&mut app, "io_logging_api_key_ids");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "1");
    assert_eq!(current(&app, "io_logging_api_key_ids"), Some(json!([1])));
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    assert_eq!(current(&app, "io_logging_api_key_ids"), Some(Value::Null));
    // The same for text handed back unchanged by $EDITOR.
    focus_on(&mut app, "description");
    key(&mut app, KeyCode::Char('e'));
    app.update(Msg::EditorClosed(Ok("\n".into())));
    assert_eq!(current(&app, "description"), Some(Value::Null));
    assert_eq!(modified(&app), 0);
}

/// A draft of one edit to the name, as the form writes it.
fn name_draft() -> orws::state::drafts::Draft {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " (draft)");
    key(&mut app, KeyCode::Enter);
    app.form.as_ref().unwrap().draft("openrouter.ai").unwrap()
}

fn offered_app() -> App {
    let mut app = form_app();
    app.update(Msg::DraftLoaded(Ok(Some(name_draft()))));
    assert_eq!(app.overlay, Some(Overlay::RestoreDraft));
    app
}

#[test]
fn restore_draft_n_and_esc_are_not_now_and_keep_the_file() {
    for not_now in [KeyCode::Esc, KeyCode::Char('n')] {
        let mut app = offered_app();
        let effects = key(&mut app, not_now);
        assert_eq!(effects, vec![], "{not_now:?} deletes nothing");
        assert_eq!(app.overlay, None);
        assert_eq!(modified(&app), 0, "the form opens without the draft");
        assert!(app.status.clone().unwrap().text.contains("kept"));
    }
    // y restores; d is the one key that discards.
    let mut app = offered_app();
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(current(&app, "name"), Some(json!("Production (draft)")));
    let mut app = offered_app();
    assert_eq!(
        key(&mut app, KeyCode::Char('d')),
        vec![Effect::DeleteDraft {
            workspace_id: production().id().into()
        }]
    );
    assert_eq!(modified(&app), 0);
}

#[test]
fn back_to_the_list_then_d_deletes_the_draft() {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![production()])));
    key(&mut app, KeyCode::Enter);
    app.update(app.loaded(Ok(production())));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: false }));
    let effects = key(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.screen, Screen::Picker));
    assert!(
        effects.contains(&Effect::DeleteDraft {
            workspace_id: production().id().into()
        }),
        "{effects:?}"
    );
    // Going back keeping the draft deletes nothing.
    key(&mut app, KeyCode::Enter);
    app.update(app.loaded(Ok(production())));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(key(&mut app, KeyCode::Char('k')), vec![Effect::LoadList]);
}

#[test]
fn u_undoes_a_whole_edit_and_ctrl_r_redoes_it() {
    let mut app = form_app();
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " EU");
    key(&mut app, KeyCode::Left);
    typed(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    assert_eq!(current(&app, "name"), Some(json!("Production ExU")));
    key(&mut app, KeyCode::Down);
    // One u takes back the whole edit, puts the focus on it, and rewrites the draft.
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(current(&app, "name"), Some(json!("Production")));
    assert_eq!(focus(&app), "name");
    assert!(app.status.clone().unwrap().text.contains("name"));
    assert_eq!(
        effects,
        vec![Effect::DeleteDraft {
            workspace_id: production().id().into()
        }]
    );
    let effects = ctrl(&mut app, 'r');
    assert_eq!(current(&app, "name"), Some(json!("Production ExU")));
    assert!(matches!(effects[..], [Effect::SaveDraft(_)]));
    ctrl(&mut app, 'r');
    assert!(app.status.clone().unwrap().text.contains("Nothing to redo"));
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Char('u'));
    assert!(app.status.clone().unwrap().text.contains("Nothing to undo"));
    assert_eq!(modified(&app), 0);
    // Leaving an edit with Ctrl-C keeps it, as one step `u` takes back.
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "zz");
    ctrl(&mut app, 'c');
    assert_eq!(modified(&app), 1);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(modified(&app), 0);
    key(&mut app, KeyCode::Char('u'));
    assert!(app.status.clone().unwrap().text.contains("Nothing to undo"));
}

#[test]
fn u_undoes_nulls_toggles_cycles_checklists_and_editor_text() {
    let mut app = form_app();
    let before = app.form.as_ref().unwrap().current_values();
    focus_on(&mut app, "description");
    key(&mut app, KeyCode::Backspace);
    assert_eq!(current(&app, "description"), Some(Value::Null));
    focus_on(&mut app, "is_data_discount_logging_enabled");
    key(&mut app, KeyCode::Char(' '));
    focus_on(&mut app, "default_provider_sort");
    key(&mut app, KeyCode::Char(' '));
    focus_on(&mut app, "disabled_server_tools");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Enter);
    focus_on(&mut app, "slug");
    key(&mut app, KeyCode::Char('e'));
    app.update(Msg::EditorClosed(Ok("from-vi\n".into())));
    let after = app.form.as_ref().unwrap().current_values();
    assert_eq!(modified(&app), 5);
    let steps = [
        "slug",
        "disabled_server_tools",
        "default_provider_sort",
        "is_data_discount_logging_enabled",
        "description",
    ];
    for name in steps {
        key(&mut app, KeyCode::Char('u'));
        assert_eq!(focus(&app), name, "u goes back to the field it changed");
    }
    assert_eq!(app.form.as_ref().unwrap().current_values(), before);
    for name in steps.iter().rev() {
        ctrl(&mut app, 'r');
        assert_eq!(focus(&app), *name);
    }
    assert_eq!(app.form.as_ref().unwrap().current_values(), after);
}

#[test]
fn u_undoes_a_restored_draft() {
    let mut app = offered_app();
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(modified(&app), 1);
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(modified(&app), 0);
    assert_eq!(current(&app, "name"), Some(json!("Production")));
    assert!(matches!(effects[..], [Effect::DeleteDraft { .. }]));
    ctrl(&mut app, 'r');
    assert_eq!(current(&app, "name"), Some(json!("Production (draft)")));
}

#[test]
fn the_undo_history_keeps_the_last_hundred_steps() {
    let mut app = form_app();
    focus_on(&mut app, "is_data_discount_logging_enabled");
    for _ in 0..150 {
        key(&mut app, KeyCode::Char(' '));
    }
    for _ in 0..100 {
        key(&mut app, KeyCode::Char('u'));
        assert!(!app.status.clone().unwrap().text.contains("Nothing"));
    }
    key(&mut app, KeyCode::Char('u'));
    assert!(app.status.clone().unwrap().text.contains("Nothing to undo"));
}

#[test]
fn a_new_base_from_the_server_is_not_undone() {
    let mut app = submitting_app();
    let mut done = outcome("Production 2");
    done.after.set("slug", json!("changed-elsewhere"));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(done)));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    // The form's undo history starts again at a submit: `u` takes back neither the edit the
    // server now holds nor the slug it sent.
    key(&mut app, KeyCode::Char('u'));
    assert!(app.status.clone().unwrap().text.contains("Nothing to undo"));
    assert_eq!(current(&app, "slug"), Some(json!("changed-elsewhere")));
    assert_eq!(current(&app, "name"), Some(json!("Production 2")));
}

#[test]
fn an_untouched_value_that_breaks_a_rule_is_a_warning_not_a_block() {
    let mut ws = production();
    ws.set("description", json!("x".repeat(501)));
    let mut app = form_on(ws);
    let form = app.form.as_ref().unwrap();
    let f = form
        .fields
        .iter()
        .find(|f| f.spec.name == "description")
        .unwrap();
    assert_eq!(f.error(), None);
    assert!(
        f.warning.as_deref().unwrap().contains("500"),
        "{:?}",
        f.warning
    );
    assert!(form.invalid_fields().is_empty());
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(
        app.settings_write() == Some(orws::tui::flow::Shown::Review),
        "{:?}",
        app.status
    );
    assert_eq!(patch_body(&app), r#"{"name":"Production!"}"#);
    // Once changed, it must follow the rules like any edit.
    key(&mut app, KeyCode::Esc);
    focus_on(&mut app, "description");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "y");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.screen, Screen::Form));
    assert!(app.status.clone().unwrap().text.contains("description"));
}

/// `Esc` and `j` typed fast after a burst reach orws in one read, as `Alt-j`: in edit mode that
/// is `Esc` (done) then `j` (next field), never a lost key. The editor's own Alt keys stay.
#[test]
fn esc_and_a_key_read_together_as_alt_key_are_both_kept() {
    let (mut app, _) = App::new("h", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(app.form.as_ref().unwrap().is_editing());
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('b'),
        KeyModifiers::ALT,
    )));
    assert!(
        app.form.as_ref().unwrap().is_editing(),
        "Alt-b moves a word"
    );
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('j'),
        KeyModifiers::ALT,
    )));
    let form = app.form.as_ref().unwrap();
    assert!(!form.is_editing(), "Esc was kept");
    assert_eq!(form.focused().spec.name, "slug", "j was kept");
    assert_eq!(form.patch().len(), 1, "the typed x was kept");
}

/// The runtime moves each page into the picker and ends with `ListEnded`: the pages are the
/// list (one copy, not a second one at the end), with the drafts looked up as for `ListLoaded`.
#[test]
fn pages_then_list_ended_are_the_list() {
    let ws = |i: usize| {
        let mut w = common::production();
        w.set("id", json!(format!("00000000-0000-4000-8000-{i:012}")));
        w.set("slug", json!(format!("w{i}")));
        w
    };
    let (mut app, _) = App::new("h", None);
    assert!(app.picker.loading);
    app.update(Msg::ListPage {
        page: (0..100).map(ws).collect(),
        total: Some(150),
    });
    app.update(Msg::ListPage {
        page: (100..150).map(ws).collect(),
        total: Some(150),
    });
    let effects = app.update(Msg::ListEnded(Ok(())));
    assert!(!app.picker.loading);
    assert_eq!(app.picker.workspaces.len(), 150);
    assert_eq!(app.picker.workspaces[149].slug(), "w149");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::FindDrafts(ids) if ids.len() == 150)),
        "{effects:?}"
    );
    // A load that fails at its end says why.
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListPage {
        page: (0..100).map(ws).collect(),
        total: Some(150),
    });
    app.update(Msg::ListEnded(Err(ApiError::Paging("stuck".into()))));
    assert!(!app.picker.loading);
    assert!(app.status.as_ref().unwrap().text.contains("stuck"));
}

//! The one key table, walked: on every screen and question, each key its handler acts on is in
//! its help and hints, and every other key does nothing. Plus the mode guarantees of product.md
//! §4: the too-small notice lets only quit act, a failed direct open leads to the picker, the
//! picker's filter takes text.

use crate::support::common;
use crate::support::common::assert_has;
use crate::support::tui_app::draw;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::api::ApiError;
use orws::config::{Action, KeyBindings, Scope};
use orws::submit::WriteOutcome;
use orws::tui::app::{App, ConflictFound, Effect, Msg, Overlay, Screen, SubmitOutcome};
use orws::tui::chrome::{all_keys, scope_hints};
use orws::tui::input;
use orws::tui::theme::Theme;
use orws::tui::view;
use orws::workspace::{FIELDS, FieldKind, PatchBody, Workspace, check_conflicts};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use std::collections::BTreeSet;

fn production() -> Workspace {
    common::production()
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::NONE)
}

fn ws(id: &str, name: &str) -> Workspace {
    Workspace::from_json(json!({"id": id, "name": name, "slug": name.to_lowercase()})).unwrap()
}

fn picker() -> App {
    let (mut app, _) = App::new("h", None);
    let list = vec![ws("u1", "Alpha"), ws("u2", "Beta"), ws("u3", "Gamma")];
    app.update(Msg::ListLoaded(Ok(list)));
    app.picker.filter = "a".into();
    app.picker.selected = 1;
    app
}

fn loading_failed() -> App {
    let (mut app, _) = App::new("h", Some("nope".into()));
    app.update(app.loaded(Err(ApiError::NotFound {
        what: "workspace 'nope'".into(),
    })));
    app
}

fn form() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(production())));
    app
}

fn focus_on(app: &mut App, pick: impl Fn(usize) -> bool) {
    let i = (1..FIELDS.len()).find(|&i| pick(i)).unwrap();
    app.form.as_mut().unwrap().focus = i;
}

/// A nullable text field in the middle, edited, nulled and that undone: every form action
/// but Toggle has something to act on.
fn form_text() -> App {
    let mut app = form();
    focus_on(&mut app, |i| {
        FIELDS[i].nullable
            && FIELDS[i].kind.is_text()
            && FIELDS[i].kind != FieldKind::MultilineText
            && i + 1 < FIELDS.len()
    });
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Delete);
    key(&mut app, KeyCode::Char('u'));
    app.status = None;
    app
}

fn form_toggle() -> App {
    let mut app = form();
    focus_on(&mut app, |i| FIELDS[i].kind == FieldKind::Toggle);
    app
}

fn review() -> App {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    app
}

/// A review longer than the screen, drawn at 80×24 and scrolled a row: it can go both ways.
fn review_scrolled() -> App {
    let mut app = review();
    let long = "A description long enough to wrap over many lines of the request body. ".repeat(6);
    let form = app.form.as_mut().unwrap();
    form.field_mut("description")
        .unwrap()
        .set_value(json!(long));
    for spec in FIELDS.iter().filter(|f| f.kind == FieldKind::Toggle) {
        let f = form.field_mut(spec.name).unwrap();
        let on = f
            .current
            .as_ref()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        f.set_value(json!(!on));
    }
    draw(&app, 80, 24);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        orws::tui::app::settings_write::flow(&app).map_or(0, |f| f.scroll),
        1
    );
    app
}

fn submitting() -> App {
    let mut app = review();
    key(&mut app, KeyCode::Enter);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Sending));
    app
}

fn result() -> App {
    let mut app = submitting();
    let mut after = production();
    after.set("name", json!("Production2"));
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!("Production2"));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(
        SubmitOutcome {
            before: production(),
            after,
            patch: PatchBody::from_fields(fields),
            remote_changes: vec![],
        },
    )));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    app
}

fn conflict() -> App {
    let mut app = submitting();
    let mut server = production();
    server.set("name", json!("Theirs"));
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&production(), &server, &patch);
    app.update(Msg::Written(WriteOutcome::Conflict { server, report }));
    assert!(app.conflict_view().is_some());
    app
}

fn question_leave() -> App {
    let mut app = review();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    app
}

fn question_draft() -> App {
    let draft = review().form.unwrap().draft("openrouter.ai").unwrap();
    let mut app = form();
    app.update(Msg::DraftLoaded(Ok(Some(draft))));
    assert_eq!(app.overlay, Some(Overlay::RestoreDraft));
    app
}

fn question_reset_all() -> App {
    let mut app = review();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('X'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmResetAll));
    app
}

fn too_small() -> App {
    let mut app = review();
    key(&mut app, KeyCode::Esc);
    draw(&app, 40, 10);
    assert!(app.too_small());
    app
}

/// The Budgets tab, loaded: daily $30, weekly $150, monthly $500; on the first row.
fn budgets_top() -> App {
    use orws::admin::budgets::{Budgets, Interval, Limits};
    use orws::tui::screens::budgets::BudgetsMsg;
    let mut app = form();
    key(&mut app, KeyCode::Char('2'));
    let held = Budgets {
        limits: Limits::default()
            .with(Interval::Daily, Some(30.0))
            .with(Interval::Weekly, Some(150.0))
            .with(Interval::Monthly, Some(500.0)),
        include_byok: Some(false),
    };
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held))));
    assert_eq!(input::context(&app), Ok(Scope::Budgets));
    app
}

/// The Budgets tab on its last row (the BYOK switch), with a status line showing.
fn budgets_bottom() -> App {
    let mut app = budgets_top();
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('u'));
    app
}

/// The Guardrail tab, not configured yet (R14), on its first row.
fn guardrail_top() -> App {
    use orws::tui::screens::guardrail::GuardrailMsg;
    let mut app = form();
    key(&mut app, KeyCode::Char('5'));
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(None))));
    // The tab opens on its list; Enter opens the default guardrail's form.
    assert_eq!(input::context(&app), Ok(Scope::Guardrails));
    key(&mut app, KeyCode::Enter);
    assert_eq!(input::context(&app), Ok(Scope::Guardrail));
    app
}

/// The Guardrails tab's list, read: the default and two named ones.
fn guardrails_list() -> App {
    use orws::tui::screens::guardrails::ListData;
    let mut app = form();
    key(&mut app, KeyCode::Char('5'));
    let id = app.form.as_ref().unwrap().workspace.id().to_string();
    let g = |id: &str, name: &str, ws: &str| {
        serde_json::json!({"id": id, "name": name, "workspace_id": ws})
            .as_object()
            .unwrap()
            .clone()
    };
    let default = app.tabs.guardrails.default_id.clone();
    let held = |holder: &str, g: &str| orws::api::Assignment {
        holder: holder.into(),
        guardrail_id: g.into(),
        ..Default::default()
    };
    app.update(Msg::GuardrailsLoaded {
        workspace_id: id.clone(),
        result: Ok(ListData {
            guardrails: vec![
                g(&default, "Default", &id),
                g("g1", "EU only", &id),
                g("g2", "CI", &id),
            ],
            keys: vec![held("h1", "g1"), held("h2", "g2")],
            members: vec![held("u1", "g1")],
            ws_keys: ["h1", "h2"]
                .map(|h| {
                    serde_json::from_value(serde_json::json!({
                        "hash": h, "name": format!("key {h}"), "workspace_id": id
                    }))
                    .unwrap()
                })
                .to_vec(),
            org: ["u1", "u2"]
                .map(|u| {
                    serde_json::from_value(serde_json::json!({
                        "id": u, "email": format!("{u}@example.com"), "role": "org:member"
                    }))
                    .unwrap()
                })
                .to_vec(),
        }),
    });
    assert_eq!(input::context(&app), Ok(Scope::Guardrails));
    // A status showing, as the tab keys clear it.
    app.tabs.guardrails.status = Some("read".into());
    app
}

/// A named guardrail's assignments (a key and a member), on the first.
fn guardrail_assign() -> App {
    let mut app = guardrails_list();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(input::context(&app), Ok(Scope::GuardrailAssign));
    app
}

/// The same, on the last.
fn guardrail_assign_bottom() -> App {
    let mut app = guardrail_assign();
    key(&mut app, KeyCode::End);
    app
}

/// Choosing what to assign (a key that replaces CI, a member), on the first.
fn guardrail_assign_add() -> App {
    let mut app = guardrail_assign();
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(input::context(&app), Ok(Scope::GuardrailAssignAdd));
    app
}

/// The same, on the last.
fn guardrail_assign_add_bottom() -> App {
    let mut app = guardrail_assign_add();
    key(&mut app, KeyCode::End);
    app
}

/// The new guardrail form, not typing.
fn guardrail_new() -> App {
    let mut app = guardrails_list();
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(input::context(&app), Ok(Scope::GuardrailNew));
    app
}

/// The new guardrail form on its reset interval.
fn guardrail_new_reset() -> App {
    let mut app = guardrail_new();
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    app
}

/// The Guardrail tab on its last row, with a status line showing.
fn guardrail_bottom() -> App {
    let mut app = guardrail_top();
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('u'));
    app
}

fn three_keys() -> Vec<orws::admin::keys::Key> {
    ["a", "b", "c"]
        .iter()
        .map(|h| {
            serde_json::from_value(json!({
                "hash": h, "name": format!("key {h}"), "workspace_id": production().id(),
            }))
            .unwrap()
        })
        .collect()
}

/// The Keys tab with three keys, the middle one selected.
fn keys_tab() -> App {
    let mut app = form();
    key(&mut app, KeyCode::Char('4'));
    app.update(Msg::KeysLoaded {
        workspace_id: production().id().to_string(),
        result: Ok(three_keys()),
    });
    key(&mut app, KeyCode::Down);
    app
}

/// The Keys tab after a review left with Esc: a status line the tab keys clear.
fn keys_tab_with_status() -> App {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Esc);
    assert!(app.status.is_some());
    app
}

/// A new key's form, its name typed (valid), not typing.
fn key_form_name() -> App {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('n'));
    for c in "ci".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Esc);
    app.status = None;
    app
}

/// The same form on its limit reset, a choice.
fn key_form_reset() -> App {
    let mut app = key_form_name();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    app
}

/// Choosing where a key moves, the middle of three workspaces selected.
fn key_move() -> App {
    let mut app = keys_tab();
    app.picker.set_workspaces(vec![
        production(),
        ws("u1", "Alpha"),
        ws("u2", "Beta"),
        ws("u3", "Gamma"),
    ]);
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.tabs.keys.moving, Some(1));
    app
}

fn members_data() -> orws::tui::screens::members_tab::MembersData {
    let id = production().id().to_string();
    let member = |u: &str| {
        serde_json::from_value(json!({
            "id": format!("m-{u}"), "workspace_id": id, "user_id": u, "role": "member",
            "created_at": "2025-01-01T00:00:00Z",
        }))
        .unwrap()
    };
    let org = |u: &str| {
        serde_json::from_value(json!({
            "id": u, "first_name": u, "email": format!("{u}@example.com"), "role": "org:member",
        }))
        .unwrap()
    };
    orws::tui::screens::members_tab::MembersData {
        members: vec![member("u1"), member("u2"), member("u3")],
        org: ["u1", "u2", "u3", "u4", "u5", "u6"].map(org).to_vec(),
        keys: vec![],
        default_id: None,
    }
}

/// The Members tab with three members, the middle one selected.
fn members_tab() -> App {
    let mut app = form();
    key(&mut app, KeyCode::Char('3'));
    app.update(Msg::MembersLoaded {
        workspace_id: production().id().to_string(),
        result: Ok(members_data()),
    });
    key(&mut app, KeyCode::Down);
    app
}

fn members_tab_with_status() -> App {
    let mut app = members_tab();
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Esc);
    assert!(app.status.is_some());
    app
}

/// Choosing whom to add: three candidates, the middle one selected.
fn member_add() -> App {
    let mut app = members_tab();
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Down);
    app
}

/// The new workspace form in browse mode, a name typed, on the name.
fn create_name() -> App {
    let mut app = picker();
    key(&mut app, KeyCode::Char('n'));
    for c in "Team".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(input::context(&app), Ok(Scope::Create));
    app
}

fn create_slug() -> App {
    let mut app = create_name();
    key(&mut app, KeyCode::Down);
    app
}

/// The guided delete, not typing.
fn delete_flow() -> App {
    let mut app = form();
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(input::context(&app), Ok(Scope::Delete));
    app
}

/// The guided delete of the default workspace, its slug typed: Space confirms.
fn delete_default() -> App {
    let mut app = form();
    key(&mut app, KeyCode::Char('D'));
    let id = production().id().to_string();
    app.update(Msg::DefaultLoaded {
        workspace_id: id.clone(),
        result: Ok(Some(id)),
    });
    for c in "production".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(input::context(&app), Ok(Scope::Delete));
    app
}

fn admin_review() -> App {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    app
}

fn admin_sending() -> App {
    let mut app = admin_review();
    key(&mut app, KeyCode::Enter);
    app
}

fn admin_result() -> App {
    let mut app = admin_sending();
    let mut k = three_keys()[1].clone();
    k.disabled = true;
    app.update(Msg::AdminSent(Ok(vec![
        orws::tui::screens::admin_write::AdminAnswer::Key(Box::new(k)),
    ])));
    // Scrolled one line, so scrolling back acts too.
    key(&mut app, KeyCode::Char('j'));
    app
}

/// Three entries, the middle one a batch of two, read for the History screen.
pub fn history_entries() -> Vec<orws::state::history::HistoryEntry> {
    use orws::state::history::{HistoryEntry, Kind};
    let m = |v: serde_json::Value| v.as_object().unwrap().clone();
    let patch = |ws: &str, before: &str, after: &str| {
        HistoryEntry::admin(
            Kind::Patch,
            "h",
            ws,
            None,
            m(json!({"description": after})),
            m(json!({"description": before})),
            m(json!({"description": after})),
        )
    };
    vec![
        patch("u1", "a", "b"),
        HistoryEntry::batch("h", vec![patch("u2", "x", "y"), patch("u3", "x", "y")]),
        patch("u3", "c", "d"),
    ]
}

fn history() -> App {
    let mut app = picker();
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(history_entries())));
    key(&mut app, KeyCode::Down);
    app
}

fn history_expanded() -> App {
    let mut app = history();
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Down);
    app
}

/// Thirty workspaces, every one marked, and the bulk form open on them.
fn bulk_form() -> App {
    let (mut app, _) = App::new("h", None);
    let list: Vec<Workspace> = (0..30)
        .map(|i| {
            let mut w = production();
            w.set("id", json!(format!("u{i:02}")));
            w.set("name", json!(format!("W{i:02}")));
            w.set("slug", json!(format!("w{i:02}")));
            w
        })
        .collect();
    app.update(Msg::ListLoaded(Ok(list)));
    for _ in 0..30 {
        key(&mut app, KeyCode::Char(' '));
    }
    key(&mut app, KeyCode::Char('e'));
    assert!(matches!(app.screen, Screen::Bulk));
    app.status = None;
    app
}

/// The bulk form on a nullable text field, edited, nulled and that undone.
fn bulk_text() -> App {
    let mut app = bulk_form();
    app.bulk
        .as_mut()
        .unwrap()
        .form
        .focus_field("default_text_model");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Delete);
    key(&mut app, KeyCode::Char('u'));
    app.status = None;
    app
}

fn bulk_toggle() -> App {
    let mut app = bulk_form();
    let form = &mut app.bulk.as_mut().unwrap().form;
    form.focus_field("is_observability_broadcast_enabled");
    app
}

/// A review of thirty patches, drawn at 80×24 and scrolled a row.
fn bulk_review() -> App {
    let mut app = bulk_form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('N'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    app.status = None;
    draw(&app, 80, 24);
    key(&mut app, KeyCode::Char('j'));
    app
}

fn bulk_progress() -> App {
    let mut app = bulk_review();
    key(&mut app, KeyCode::Enter);
    draw(&app, 80, 24);
    key(&mut app, KeyCode::Char('j'));
    app
}

fn bulk_result() -> App {
    let mut app = bulk_progress();
    app.update(Msg::Bulk(orws::tui::screens::bulk::BulkMsg::Finished(
        vec![None; 30],
    )));
    app.status = None;
    draw(&app, 80, 24);
    key(&mut app, KeyCode::Char('j'));
    app
}

/// Fresh apps in each scope; an action acts if it changes something in at least one of them.
fn states(scope: Scope) -> Vec<fn() -> App> {
    match scope {
        Scope::Picker => vec![picker],
        Scope::BulkForm => vec![bulk_text, bulk_toggle],
        Scope::Loading => vec![loading_failed],
        Scope::Form => vec![form_text, form_toggle],
        Scope::Review => vec![review_scrolled, admin_review, bulk_review],
        Scope::Submitting => vec![submitting, admin_sending, bulk_progress],
        Scope::Result => vec![result, admin_result, bulk_result],
        Scope::Conflict => vec![conflict],
        Scope::QuestionLeave => vec![question_leave],
        Scope::QuestionDraft => vec![question_draft],
        Scope::QuestionResetAll => vec![question_reset_all],
        Scope::TooSmall => vec![too_small],
        Scope::Budgets => vec![budgets_top, budgets_bottom],
        Scope::Guardrail => vec![guardrail_top, guardrail_bottom],
        Scope::Keys => vec![keys_tab, keys_tab_with_status],
        Scope::KeyMove => vec![key_move],
        Scope::KeyForm => vec![key_form_name, key_form_reset],
        Scope::Members => vec![members_tab, members_tab_with_status],
        Scope::MemberAdd => vec![member_add],
        Scope::Create => vec![create_name, create_slug],
        Scope::Delete => vec![delete_flow, delete_default],
        Scope::History => vec![history, history_expanded],
        Scope::Guardrails => vec![guardrails_list],
        Scope::GuardrailNew => vec![guardrail_new, guardrail_new_reset],
        Scope::GuardrailAssign => vec![guardrail_assign, guardrail_assign_bottom],
        Scope::GuardrailAssignAdd => vec![guardrail_assign_add, guardrail_assign_add_bottom],
    }
}

/// Every key a person could press that the table might bind.
fn candidates() -> Vec<(KeyCode, KeyModifiers)> {
    let none = KeyModifiers::NONE;
    let mut keys: Vec<(KeyCode, KeyModifiers)> =
        (' '..='~').map(|c| (KeyCode::Char(c), none)).collect();
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Delete,
        KeyCode::Backspace,
        KeyCode::Insert,
        KeyCode::F(1),
        KeyCode::F(2),
        KeyCode::F(5),
    ] {
        keys.push((code, none));
    }
    for c in ['c', 'r', 's', 'x', 'a', 'u'] {
        keys.push((KeyCode::Char(c), KeyModifiers::CONTROL));
    }
    keys
}

fn changed(make: fn() -> App, code: KeyCode, modifiers: KeyModifiers) -> bool {
    let mut app = make();
    let before = format!("{app:?}");
    let effects = press(&mut app, code, modifiers);
    !effects.is_empty() || format!("{app:?}") != before
}

#[test]
fn every_screen_acts_on_exactly_the_keys_its_help_and_hints_list() {
    let keys = KeyBindings::default();
    for scope in Scope::ALL {
        // Hints and help are built from the same list. A scope several screens share (the
        // write flow's, over every kind of write) lists, over them, every action of the scope;
        // each lists only actions of the scope.
        let table: BTreeSet<Action> = scope.actions().iter().copied().collect();
        let mut listed: BTreeSet<Action> = BTreeSet::new();
        for make in states(scope) {
            let app = make();
            assert_eq!(input::context(&app), Ok(scope), "{scope}");
            let here: BTreeSet<Action> = scope_hints(&app, scope)
                .into_iter()
                .map(|(a, _)| a)
                .collect();
            assert!(here.is_subset(&table), "{scope}: {here:?} not in {table:?}");
            listed.extend(here);
        }
        assert_eq!(
            listed, table,
            "{scope}: hints and help list the handler's actions"
        );
        for (code, modifiers) in candidates() {
            let event = KeyEvent::new(code, modifiers);
            let bound = keys.action_for(scope, &event);
            let acts = states(scope)
                .into_iter()
                .any(|make| changed(make, code, modifiers));
            match bound {
                Some(action) => assert!(acts, "{scope}: {action} ({code:?}) does nothing"),
                None => assert!(!acts, "{scope}: unlisted key {code:?} {modifiers:?} acts"),
            }
        }
    }
}

#[test]
fn help_shows_on_every_screen_and_lists_its_keys() {
    let keys = KeyBindings::default();
    for scope in [
        Scope::Picker,
        Scope::BulkForm,
        Scope::Loading,
        Scope::Form,
        Scope::Review,
        Scope::Submitting,
        Scope::Result,
        Scope::Conflict,
        Scope::Budgets,
        Scope::Guardrail,
        Scope::Keys,
        Scope::KeyMove,
        Scope::Members,
        Scope::MemberAdd,
        Scope::Create,
        Scope::Delete,
        Scope::History,
    ] {
        for (make, help) in states(scope)
            .into_iter()
            .flat_map(|m| [(m, KeyCode::Char('?')), (m, KeyCode::F(1))])
        {
            let mut app = make();
            let hinted = scope_hints(&app, scope);
            key(&mut app, help);
            assert_eq!(app.overlay, Some(Overlay::Help), "{scope} {help:?}");
            // At the largest and the smallest size: every key of the screen is in sight.
            for (w, h) in [(120, 40), (60, 20)] {
                let text = draw(&app, w, h);
                for (a, _) in &hinted {
                    assert!(
                        text.contains(&all_keys(&keys, *a)),
                        "{scope} at {w}x{h}: help lacks {a}\n{text}"
                    );
                }
            }
        }
    }
    // F1 from a text input too; `?` there is text.
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, None);
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.overlay, Some(Overlay::Help));
}

#[test]
fn while_too_small_only_quit_acts_with_its_usual_question() {
    let mut app = too_small();
    for c in "jkseuX?".chars() {
        assert_eq!(key(&mut app, KeyCode::Char(c)), vec![]);
    }
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Form) && app.overlay.is_none());
    // Quit asks, as always with unsaved edits; the notice says how to answer.
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![]);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    assert!(draw(&app, 50, 10).contains("stay"));
    draw(&app, 40, 10);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.overlay, None);
    // A resize back to a usable size: keys act again.
    draw(&app, 80, 24);
    key(&mut app, KeyCode::Char('j'));
    assert!(!app.too_small());
    assert_eq!(key(&mut app, KeyCode::Char('s')), vec![]);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
}

/// `i`, the terminal shrinks, typing goes on: the text reaches the field (issue 20 item 4);
/// once the edit ends, only quit acts until the terminal grows again.
#[test]
fn text_typed_while_the_terminal_is_too_small_reaches_the_field() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    draw(&app, 40, 10);
    assert!(app.too_small());
    for c in " 42".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.update(Msg::Paste("!".into()));
    key(&mut app, KeyCode::Esc);
    let name = app.form.as_ref().unwrap().current_values()["name"].clone();
    assert_eq!(name, serde_json::json!("Production 42!"));
    // Edit mode over: only quit acts now.
    assert_eq!(key(&mut app, KeyCode::Char('s')), vec![]);
    assert!(app.settings_write().is_none());
}

#[test]
fn a_failed_direct_open_leads_to_the_picker_with_esc() {
    let mut app = loading_failed();
    assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::LoadList]);
    assert!(matches!(app.screen, Screen::Picker));
    assert!(app.is_busy(), "the list is loading");
}

#[test]
fn the_picker_filter_takes_text_enter_applies_esc_clears() {
    let (mut app, _) = App::new("h", None);
    let list = vec![ws("u1", "Alpha"), ws("u2", "Quebec"), ws("u3", "Romeo")];
    app.update(Msg::ListLoaded(Ok(list)));
    key(&mut app, KeyCode::Char('/'));
    // q, r and ? are text here: no quit, no reload, no help.
    for c in "qr?".chars() {
        assert_eq!(key(&mut app, KeyCode::Char(c)), vec![]);
    }
    assert!(!app.quit && app.overlay.is_none());
    assert_eq!(app.picker.filter, "qr?");
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
    assert!(!app.picker.filtering);
    assert_eq!(app.picker.matches().len(), 1);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace("u2".into())]
    );
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![
        ws("u1", "Alpha"),
        ws("u2", "Quebec"),
    ])));
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Char('q'));
    key(&mut app, KeyCode::Esc);
    assert!(!app.picker.filtering && app.picker.filter.is_empty());
    assert_eq!(app.picker.matches().len(), 2);
}

#[test]
fn navigation_does_not_wrap_around() {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![
        ws("u1", "Alpha"),
        ws("u2", "Beta"),
    ])));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.picker.selected, 0);
    let mut app = form();
    key(&mut app, KeyCode::Up);
    assert_eq!(app.form.as_ref().unwrap().focus, 0);
    key(&mut app, KeyCode::End);
    let last = app.form.as_ref().unwrap().focus;
    key(&mut app, KeyCode::Down);
    assert_eq!(app.form.as_ref().unwrap().focus, last);
}

#[test]
fn the_review_scrolls_so_every_change_can_be_read_at_80x24() {
    let mut app = review_scrolled();
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(
        orws::tui::app::settings_write::flow(&app).map_or(0, |f| f.scroll),
        0
    );
    let top = draw(&app, 80, 24);
    assert_has(&top, "more (j PgDn)");
    key(&mut app, KeyCode::Char('G'));
    let (content, shown) = app.drawn.borrow().review;
    assert_eq!(
        orws::tui::app::settings_write::flow(&app).map_or(0, |f| f.scroll),
        content - shown
    );
    let bottom = draw(&app, 80, 24);
    assert_has(&bottom, "Only this is sent");
    // No letter sends, scrolling or not; Enter does.
    for c in "jkgGsSyY".chars() {
        assert!(
            !key(&mut app, KeyCode::Char(c))
                .iter()
                .any(|e| matches!(e, Effect::Submit { .. }))
        );
    }
    assert!(matches!(
        key(&mut app, KeyCode::Enter).as_slice(),
        [Effect::Submit { .. }]
    ));
    // A new review starts at the top.
    let mut app = review_scrolled();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(
        orws::tui::app::settings_write::flow(&app).map_or(0, |f| f.scroll),
        0
    );
}

#[test]
fn a_rebound_quit_acts_on_every_screen() {
    let mut app = review();
    app.keys.set(Action::Quit, vec!["Q".parse().unwrap()]);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![]);
    assert!(app.overlay.is_none());
    key(&mut app, KeyCode::Char('Q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
}

#[test]
fn a_click_focuses_the_row_the_last_frame_drew_there() {
    let mut app = form();
    app.mouse = true;
    draw(&app, 80, 24);
    let (rect, i) = app.drawn.borrow().field_rows[2];
    app.update(Msg::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: rect.x + 3,
        row: rect.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.form.as_ref().unwrap().focus, i);
}

fn mouse(app: &mut App, kind: crossterm::event::MouseEventKind, column: u16, row: u16) {
    app.update(Msg::Mouse(crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
}

#[test]
fn left_and_right_cycle_a_choice_either_way_and_flip_a_boolean() {
    let mut app = form();
    let i = (0..FIELDS.len())
        .find(|&i| matches!(FIELDS[i].kind, FieldKind::Choice(_)))
        .unwrap();
    let FieldKind::Choice(options) = FIELDS[i].kind else {
        unreachable!()
    };
    app.form.as_mut().unwrap().focus = i;
    let value = |app: &App| app.form.as_ref().unwrap().fields[i].current.clone();
    let start = value(&app);
    key(&mut app, KeyCode::Right);
    let on = value(&app);
    assert_ne!(on, start);
    key(&mut app, KeyCode::Left);
    assert_eq!(value(&app), start, "← undoes →");
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(value(&app), start);
    // Round the ring backwards: every option (and null when allowed) comes once.
    let ring = options.len() + usize::from(FIELDS[i].nullable);
    let mut seen = BTreeSet::new();
    for _ in 0..ring {
        key(&mut app, KeyCode::Left);
        seen.insert(value(&app).map(|v| v.to_string()));
    }
    assert_eq!(seen.len(), ring);
    assert_eq!(value(&app), start);
    let mut app = form_toggle();
    let f = |app: &App| app.form.as_ref().unwrap().focused().current.clone();
    let before = f(&app);
    key(&mut app, KeyCode::Left);
    assert_ne!(f(&app), before);
    key(&mut app, KeyCode::Right);
    assert_eq!(f(&app), before);
}

#[test]
fn the_wheel_moves_and_a_click_on_the_focused_checkbox_ticks_it() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = form();
    app.mouse = true;
    draw(&app, 80, 24);
    mouse(&mut app, MouseEventKind::ScrollDown, 10, 5);
    assert_eq!(app.form.as_ref().unwrap().focus, 1);
    mouse(&mut app, MouseEventKind::ScrollUp, 10, 5);
    assert_eq!(app.form.as_ref().unwrap().focus, 0);
    let toggle = (0..FIELDS.len())
        .find(|&i| FIELDS[i].kind == FieldKind::Toggle)
        .unwrap();
    let (rect, _) = *app
        .drawn
        .borrow()
        .field_rows
        .iter()
        .find(|(_, i)| *i == toggle)
        .unwrap();
    let value = |app: &App| app.form.as_ref().unwrap().fields[toggle].current.clone();
    let before = value(&app);
    let click = MouseEventKind::Down(MouseButton::Left);
    mouse(&mut app, click, rect.x + 2, rect.y);
    assert_eq!(app.form.as_ref().unwrap().focus, toggle);
    assert_eq!(value(&app), before, "the first click focuses");
    draw(&app, 80, 24);
    mouse(&mut app, click, rect.x + 2, rect.y);
    assert_ne!(
        value(&app),
        before,
        "a click on the focused checkbox ticks it"
    );
    // Without --mouse, nothing.
    let mut app = form();
    draw(&app, 80, 24);
    mouse(&mut app, MouseEventKind::ScrollDown, 10, 5);
    assert_eq!(app.form.as_ref().unwrap().focus, 0);
}

/// The form with its name edited to "Production2".
fn edited() -> App {
    let mut app = review();
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    app
}

#[test]
fn r_rereads_keeping_edits_and_a_clash_goes_to_the_conflict_screen() {
    let mut app = edited();
    let id = production().id().to_string();
    assert_eq!(key(&mut app, KeyCode::Char('r')), vec![Effect::Refresh(id)]);
    // A field changed only on the server is taken in; the edit stays.
    let mut server = production();
    server.set("slug", json!("prod-new"));
    let effects = app.update(Msg::Refreshed(Ok(server)));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Submit { .. })));
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.workspace.slug(), "prod-new");
    assert_eq!(form.patch().to_body_string(), r#"{"name":"Production2"}"#);
    // The edited field changed there too: the Conflict screen; m keeps mine, sends nothing.
    let mut server = app.form.as_ref().unwrap().workspace.clone();
    server.set("name", json!("Theirs"));
    app.update(Msg::Refreshed(Ok(server.clone())));
    assert!(
        app.conflict_view()
            .is_some_and(|v| v.found == ConflictFound::Rereading),
        "{:?}",
        app.screen
    );
    let effects = key(&mut app, KeyCode::Char('m'));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.screen, Screen::Form));
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.workspace.name(), "Theirs");
    assert_eq!(form.patch().to_body_string(), r#"{"name":"Production2"}"#);
    // t takes theirs.
    let mut app = edited();
    app.update(Msg::Refreshed(Ok(server)));
    key(&mut app, KeyCode::Char('t'));
    assert!(matches!(app.screen, Screen::Form));
    assert!(app.form.as_ref().unwrap().patch().is_empty());
    // A failed re-read keeps everything and says why; a late one after leaving is dropped.
    let mut app = edited();
    app.update(Msg::Refreshed(Err(ApiError::Timeout { secs: 3 })));
    assert!(app.status.clone().unwrap().text.contains("3 s"));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
    let mut app = edited();
    key(&mut app, KeyCode::Char('s'));
    let before = format!("{app:?}");
    app.update(Msg::Refreshed(Ok(production())));
    assert_eq!(format!("{app:?}"), before);
}

#[test]
fn the_description_soft_wraps_while_edited() {
    let mut app = form();
    let i = FIELDS
        .iter()
        .position(|f| f.kind == FieldKind::MultilineText)
        .unwrap();
    app.form.as_mut().unwrap().focus = i;
    key(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().unwrap().is_editing());
    // Select all is not a key here: clear with Ctrl-U, then type one long line.
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    let text = "Beginning of a long description that goes on well past the width of the value \
                column so that it has to wrap onto further rows to the last word ENDMARK";
    for c in text.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = draw(&app, w, h);
        assert!(
            screen.contains("Beginning") && screen.contains("ENDMARK"),
            "{w}x{h}: both ends of the line are in sight\n{screen}"
        );
    }
}

/// Down to 60×20 every screen is drawn (no "too small" notice) with its hint bar.
#[test]
fn every_screen_is_usable_at_60x20() {
    for scope in Scope::ALL {
        if scope == Scope::TooSmall {
            continue;
        }
        let app = states(scope)[0]();
        let text = draw(&app, 60, 20);
        assert!(!text.contains("too small"), "{scope}\n{text}");
        assert!(!app.too_small());
        let bar = text.lines().last().unwrap_or_default().to_string();
        let first = scope_hints(&app, scope)[0].0;
        let key = orws::tui::chrome::first_key(&app.keys, first);
        assert!(bar.contains(&key), "{scope}: the bar shows {key}\n{text}");
    }
    let small = too_small();
    assert!(draw(&small, 59, 19).contains("need at least 60×20"));
}

#[test]
fn a_pasted_tab_becomes_a_space_in_a_one_line_field() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Paste("\tA\tB\n".into()));
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().unwrap();
    assert_eq!(
        form.fields[0].current,
        Some(json!("Production A B")),
        "{:?}",
        form.fields[0]
    );
    let mut app = form_text();
    let i = app.form.as_ref().unwrap().focus;
    app.update(Msg::EditorClosed(Ok("x\ty\n".into())));
    assert_eq!(
        app.form.as_ref().unwrap().fields[i].current,
        Some(json!("x y"))
    );
}

#[test]
fn the_cursor_is_never_drawn_over_the_modified_mark() {
    use ratatui::style::Modifier;
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    for _ in 0..60 {
        key(&mut app, KeyCode::Char('z'));
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| view::draw(frame, &app, &Theme::new(false)))
        .unwrap();
    let buf = terminal.backend().buffer();
    let (rect, _) = app.drawn.borrow().field_rows[0];
    let mark_x = rect.right() - 3;
    assert_eq!(buf[(mark_x, rect.y)].symbol(), "●");
    assert!(
        !buf[(mark_x, rect.y)].modifier.contains(Modifier::REVERSED),
        "the cursor sits on the mark"
    );
    assert!(
        (rect.x..mark_x).any(|x| buf[(x, rect.y)].modifier.contains(Modifier::REVERSED)),
        "the cursor is drawn"
    );
}

#[test]
fn the_picker_filters_with_the_suggestions_fuzzy_matching_best_first() {
    let (mut app, _) = App::new("h", None);
    let list = vec![
        ws("u1", "Staging West"),
        ws("u2", "Production"),
        ws("u3", "Prod Mirror"),
    ];
    app.update(Msg::ListLoaded(Ok(list)));
    let matched = |app: &mut App, filter: &str| {
        app.picker.filter = filter.into();
        app.picker
            .matches()
            .into_iter()
            .map(|i| app.picker.workspaces[i].slug().to_string())
            .collect::<Vec<_>>()
    };
    // Letters in order, not only substrings.
    assert_eq!(matched(&mut app, "prdctn"), ["production"]);
    // A slug prefix before a name match; the rest keep their order.
    assert_eq!(matched(&mut app, "prod"), ["production", "prod mirror"]);
    assert_eq!(matched(&mut app, "west"), ["staging west"]);
    assert_eq!(matched(&mut app, "").len(), 3);
}

/// `? help` and `q quit` stay in the hint bar at every size, down to 60×20 (issue 20 item 8):
/// what does not fit is the rest, least useful first.
#[test]
fn help_and_quit_stay_in_the_hint_bar_at_60_columns() {
    for scope in Scope::ALL {
        for make in states(scope) {
            let app = make();
            let hinted = scope_hints(&app, scope);
            let text = draw(&app, 60, 20);
            let bar = text.lines().last().unwrap_or_default().to_string();
            for (action, word) in [(Action::Help, "? help"), (Action::Quit, "q quit")] {
                if hinted.iter().any(|(a, _)| *a == action) && input::context(&app).is_ok() {
                    assert!(bar.contains(word), "{scope}: {word} missing from {bar:?}");
                }
            }
        }
    }
}

/// `orws beta`, then `Esc`: the picker opens with its cursor on `beta`, the workspace just left
/// (issue 20 polish), and Enter opens it again.
#[test]
fn back_on_the_picker_the_cursor_is_on_the_workspace_just_left() {
    let (mut app, _) = App::new("h", Some("beta".into()));
    app.update(app.loaded(Ok(ws("u2", "Beta"))));
    assert!(matches!(app.screen, Screen::Form));
    let effects = key(&mut app, KeyCode::Esc);
    assert!(effects.contains(&Effect::LoadList), "{effects:?}");
    let list = vec![ws("u1", "Alpha"), ws("u2", "Beta"), ws("u3", "Gamma")];
    app.update(Msg::ListLoaded(Ok(list)));
    assert_eq!(app.picker.selected, 1);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace("u2".into())]
    );
}

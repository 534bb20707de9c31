//! A policy in the TUI (product.md §13, §15): every write's Review shows the rules its writes
//! break; a deny offers no Enter and sends nothing, a warn is said and Enter still sends.

use crate::support::common::{self, assert_has, assert_lacks};
use crate::support::tui_app::{draw, key, keys_of, typed};
use crossterm::event::KeyCode;
use orws::code::policy::parse;
use orws::tui::app::{App, Effect, Msg};
use std::sync::Arc;

fn opened(policy: &str) -> App {
    let ws = common::production();
    let (mut app, _) = App::new("openrouter.ai", Some(ws.slug().to_string()));
    app.policy = Some(Arc::new(parse(policy).unwrap()));
    app.update(app.loaded(Ok(ws)));
    app
}

const FORBID_PATCH_IN_PROD: &str = "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"prod*\"\n";

#[test]
fn a_denied_settings_patch_shows_its_rule_and_enter_sends_nothing() {
    let mut app = opened(FORBID_PATCH_IN_PROD);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    let review = draw(&app, 100, 30);
    assert_has(&review, "✗ Policy denies, Enter sends nothing");
    assert_has(&review, "workspaces.patch is forbidden");
    assert_lacks(&review, "Enter submit");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Submit { .. })),
        "{effects:?}"
    );
    assert_has(&draw(&app, 100, 30), "the policy denies this write");
}

#[test]
fn a_rule_for_other_workspaces_or_a_warn_leaves_enter_to_send() {
    let mut other = opened(
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"staging\"\n",
    );
    key(&mut other, KeyCode::Enter);
    typed(&mut other, " 2");
    key(&mut other, KeyCode::Esc);
    key(&mut other, KeyCode::Char('s'));
    assert_lacks(&draw(&other, 100, 30), "Policy");
    let mut warned = opened(
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nlevel = \"warn\"\n",
    );
    key(&mut warned, KeyCode::Enter);
    typed(&mut warned, " 2");
    key(&mut warned, KeyCode::Esc);
    key(&mut warned, KeyCode::Char('s'));
    let review = draw(&warned, 100, 30);
    assert_has(&review, "! Policy warns");
    assert_has(&review, "Enter submit");
    let effects = key(&mut warned, KeyCode::Enter);
    assert!(effects.iter().any(|e| matches!(e, Effect::Submit { .. })));
}

#[test]
fn a_denied_key_disable_is_refused_on_its_review() {
    let mut app = opened(
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"keys.disable\"]\nworkspaces = \"production\"\n",
    );
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('4'));
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys_of(&id)),
    });
    key(&mut app, KeyCode::Char('d'));
    let review = draw(&app, 100, 30);
    assert_has(&review, "keys.disable is forbidden");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::AdminSend { .. })),
        "{effects:?}"
    );
    assert_has(&draw(&app, 100, 30), "policy denies");
}

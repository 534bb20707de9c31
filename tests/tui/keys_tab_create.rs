//! The Keys tab's columns (product.md §12, §15: the effective guardrail, usage and limit,
//! expiry, last use, the labels; at 60 columns name, state and labels with the rest in the
//! detail line), a key created from `n` through its Review to the secret's dialog, and `e`.

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::{draw, key};

use crossterm::event::KeyCode;
use orws::tui::app::{App, Msg};
use orws::tui::screens::keys_tab::KeysContext;

pub fn at(t: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
}

/// The Keys tab of Production with three keys read at 2026-12-01 noon UTC, one assigned
/// guardrail "EU only".
pub fn tab() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('4'));
    let keys = [
        serde_json::json!({"hash": "h1", "name": "Backend", "label": "sk-or-v1-0a1", "workspace_id": id,
            "usage": 12.5, "limit": 50.0, "expires_at": "2026-12-05T00:00:00Z",
            "last_used_at": "2026-11-30T08:00:00Z"}),
        serde_json::json!({"hash": "h2", "name": "Old batch job", "label": "sk-or-v1-0b2", "workspace_id": id,
            "usage": 3.0, "limit": null, "last_used_at": "2026-08-01T00:00:00Z", "disabled": true}),
        serde_json::json!({"hash": "h3", "name": "Spare", "label": "sk-or-v1-0c3", "workspace_id": id,
            "usage": 0.0, "limit": 1500.0, "expires_at": "2027-06-01T00:00:00Z", "last_used_at": null}),
    ]
    .into_iter()
    .map(|v| serde_json::from_value(v).unwrap())
    .collect();
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys),
    });
    app.update(Msg::KeysContext {
        workspace_id: id,
        context: KeysContext {
            now: at("2026-12-01T12:00:00Z"),
            assigned: Ok([("h1".to_string(), "EU only".to_string())].into()),
        },
    });
    app
}

#[test]
fn the_keys_tab_shows_guardrail_usage_expiry_last_use_and_labels() {
    let app = tab();
    let wide = draw(&app, 100, 30);
    assert_has(&wide, "EU only");
    assert_has(&wide, "default");
    assert_has(&wide, "$12.50 / $50.00");
    assert_has(&wide, "in 3d");
    assert_has(&wide, "1d ago");
    assert_has(&wide, "expires soon");
    assert_has(&wide, "disabled, no limit");
    insta::assert_snapshot!("keys_tab_100x30", wide);
    let narrow = draw(&app, 60, 20);
    assert_lacks(&narrow, "Usage / limit");
    assert_has(&narrow, "State");
    // The rest of the selected key is in the detail line.
    assert_has(&narrow, "guardrail EU only");
    insta::assert_snapshot!("keys_tab_60x20", narrow);
}

#[test]
fn an_unread_assignment_list_says_so_and_the_labels_wait_for_no_one() {
    let mut app = tab();
    let id = common::production().id().to_string();
    app.update(Msg::KeysContext {
        workspace_id: id,
        context: KeysContext {
            now: at("2026-12-01T12:00:00Z"),
            assigned: Err("HTTP 500".into()),
        },
    });
    let text = draw(&app, 100, 30);
    assert_has(&text, "guardrail ?");
    assert_has(&text, "never used");
}

//! The Keys tab shows each key's hygiene labels (product.md §12), as `orws keys audit` does;
//! at 80 columns the table has name, state and labels, and the selected key is whole below.

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::{draw, key, typed};

use crossterm::event::KeyCode;
use orws::tui::app::{App, Msg};

#[test]
fn the_keys_tab_shows_each_keys_hygiene_labels() {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('4'));
    let keys = [
        serde_json::json!({"hash": "h1", "name": "Wide open", "workspace_id": id, "usage": 3.0,
            "limit": null, "last_used_at": null}),
        serde_json::json!({"hash": "h2", "name": "Big spender", "workspace_id": id, "usage": 0.0,
            "limit": 5000.0, "expires_at": "2000-01-01T00:00:00Z", "last_used_at": null}),
    ]
    .into_iter()
    .map(|v| serde_json::from_value(v).unwrap())
    .collect();
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys),
    });
    let text = draw(&app, 120, 24);
    assert_has(&text, "Labels");
    assert_has(&text, "no limit, no expiry, idle 90d");
    assert_has(&text, "high limit, expired, never used");
    let narrow = draw(&app, 80, 24);
    // At 80 columns: name, state and labels; the selected key in full below.
    assert_has(&narrow, "usage $3.00 / none");

    // `/` filters by a hygiene label too; Enter keeps the filter, Esc clears it.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "expired");
    let text = draw(&app, 120, 24);
    assert_has(&text, "Filter: expired");
    assert_has(&text, "Big spender");
    assert_lacks(&text, "Wide open");
    key(&mut app, KeyCode::Enter);
    // `d` acts on the key shown, not on the first of the whole list.
    key(&mut app, KeyCode::Char('d'));
    let review = draw(&app, 120, 24);
    assert_has(&review, "Big spender");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "nothing like this");
    assert_has(&draw(&app, 120, 24), "No key matches the filter");
    key(&mut app, KeyCode::Esc);
    let text = draw(&app, 120, 24);
    assert_has(&text, "Wide open");
    assert_has(&text, "Big spender");
}

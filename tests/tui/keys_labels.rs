//! The Keys tab shows each key's hygiene labels (product.md §12), as `orws keys audit` does;
//! at 80 columns the limit still shows and the labels are what is cut.

use crate::support::common;
use crate::support::common::assert_has;
use crate::support::tui_app::{draw, key};

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
    assert_has(&text, "Hygiene");
    assert_has(&text, "no limit, no expiry, idle 90d");
    assert_has(&text, "high limit, expired, never used");
    let narrow = draw(&app, 80, 24);
    assert_has(&narrow, "$5000.00");
}

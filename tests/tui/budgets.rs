//! The Budgets tab's update with plain values (R8–R11): live rules, the request order shown in
//! the review, a partial failure and the undo of only what landed, a conflict, a 403; and one
//! loop against the fake checking the exact requests that reached it.

use crate::support::client::client;
use crate::support::common::assert_has;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::admin::budgets::{BudgetRequest, Budgets, Interval, Limits};
use orws::api::{ApiError, Client, WriteFailure};
use orws::config::{Action, Scope};
use orws::fake::{self, FakeConfig};
use orws::tui::screens::budgets::{BudgetsEffect, BudgetsMsg, BudgetsState, Phase, runner};
use serde_json::Value;

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";

fn held() -> Budgets {
    Budgets {
        limits: Limits::default()
            .with(Interval::Daily, Some(30.0))
            .with(Interval::Weekly, Some(150.0))
            .with(Interval::Monthly, Some(500.0)),
        include_byok: Some(false),
    }
}

fn loaded(b: Budgets) -> BudgetsState {
    let (mut s, fx) = BudgetsState::new(PRODUCTION);
    assert_eq!(fx, vec![BudgetsEffect::Load]);
    assert_eq!(s.scope(), Some(Scope::Budgets));
    s.update(BudgetsMsg::Loaded(Ok(b)));
    assert_eq!(s.phase, Phase::Edit);
    s
}

fn key(s: &mut BudgetsState, code: KeyCode) {
    s.text(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(s: &mut BudgetsState, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

/// Focus `row`, clear it and type `text` (then leave edit mode).
fn set(s: &mut BudgetsState, row: usize, text: &str) {
    s.act(Action::Top, None);
    for _ in 0..row {
        s.act(Action::Down, None);
    }
    s.act(Action::Clear, None);
    s.act(Action::Edit, None);
    assert_eq!(s.scope(), None, "typing: keys are text");
    typed(s, text);
    key(s, KeyCode::Enter);
}

fn review_lines(s: &BudgetsState) -> Vec<String> {
    match s.reviewing() {
        Some(p) => BudgetsState::review_lines(p),
        None => panic!("not a review: {:?}", s.phase),
    }
}

#[test]
fn live_rules_name_both_limits_and_refuse_zero() {
    let mut s = loaded(held());
    set(&mut s, 1, "20");
    assert_eq!(
        s.rules(),
        vec!["the weekly limit ($20) must be greater than the daily limit ($30)".to_string()]
    );
    // Every keystroke is judged: one more digit and the rule holds.
    s.act(Action::Edit, None);
    typed(&mut s, "0");
    assert!(s.rules().is_empty(), "{:?}", s.rules());
    key(&mut s, KeyCode::Esc);
    set(&mut s, 0, "0");
    assert_eq!(
        s.rules(),
        vec!["the daily limit must be a number of US dollars greater than 0 (got '0')".to_string()]
    );
    // Review refuses while a rule is broken, and says why.
    s.act(Action::Review, None);
    assert_eq!(s.phase, Phase::Edit);
    assert!(s.status.as_deref().unwrap().contains("daily"));
}

#[test]
fn the_review_lists_the_requests_in_the_order_they_are_sent() {
    let mut s = loaded(held());
    set(&mut s, 0, "200");
    set(&mut s, 1, "300");
    set(&mut s, 3, "");
    set(&mut s, 2, "");
    s.act(Action::Review, None);
    // Deletes first, then raised limits broadest first: R8 holds after every request.
    assert_eq!(
        review_lines(&s),
        vec![
            "1. DELETE monthly",
            "2. PUT weekly $300",
            "3. PUT daily $200"
        ]
    );
    assert_eq!(s.scope(), Some(Scope::Review));
    // Back never sends and keeps the edit.
    assert!(s.act(Action::Back, None).is_empty());
    assert_eq!(s.phase, Phase::Edit);
    assert_eq!(s.unsaved(), 3);
}

#[test]
fn a_partial_failure_shows_what_landed_and_undo_reverts_only_that() {
    let mut s = loaded(held());
    set(&mut s, 0, "200");
    set(&mut s, 1, "300");
    s.act(Action::Review, None);
    let fx = s.act(Action::Submit, None);
    let Some(BudgetsEffect::Send(p)) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(p.requests.len(), 2);
    let fx = s.update(BudgetsMsg::Sent {
        landed: 1,
        failure: Some(WriteFailure::Failed(ApiError::Forbidden {
            message: "Budgets require an Enterprise plan".into(),
        })),
    });
    let Some(o) = s.result() else {
        panic!("{:?}", s.phase)
    };
    assert_eq!(
        o.landed,
        vec![BudgetRequest::Put {
            interval: Interval::Weekly,
            limit_usd: 300.0,
            include_byok: None
        }]
    );
    assert_eq!(o.after.limits.get(Interval::Weekly), Some(300.0));
    assert_eq!(o.after.limits.get(Interval::Daily), Some(30.0));
    let (failed, why) = o.failure.clone().unwrap();
    assert_eq!(failed.summary(), "PUT daily $200");
    assert_has(&why, "Budgets require an Enterprise plan");
    assert!(matches!(fx.as_slice(), [BudgetsEffect::Record(_)]));
    // Undo goes through a Review of only what landed.
    s.act(Action::Undo, None);
    assert_eq!(review_lines(&s), vec!["1. PUT weekly $150"]);
    let Some(p) = s.reviewing() else { panic!() };
    assert!(p.undo);
    assert_eq!(p.target, held());
}

#[test]
fn a_conflict_sends_nothing_more_and_keep_mine_rebases() {
    let mut s = loaded(held());
    set(&mut s, 1, "300");
    s.act(Action::Review, None);
    s.act(Action::Submit, None);
    let now = Budgets {
        limits: held().limits.with(Interval::Weekly, Some(100.0)),
        ..held()
    };
    s.update(BudgetsMsg::Conflict {
        now,
        changed: vec![Some(Interval::Weekly)],
    });
    assert_eq!(s.scope(), Some(orws::config::Scope::Conflict));
    assert_eq!(s.scope(), Some(Scope::Conflict));
    // Mine: rebased on what the server holds, and its Review again.
    assert!(s.act(Action::KeepMine, None).is_empty());
    assert_eq!(s.held, now);
    assert_eq!(review_lines(&s), vec!["1. PUT weekly $300"]);
}

#[test]
fn a_403_is_said_plainly_with_the_servers_message() {
    let (mut s, _) = BudgetsState::new("ws");
    s.update(BudgetsMsg::Loaded(Err(ApiError::Forbidden {
        message: "Workspace budgets require an Enterprise plan".into(),
    })));
    let Phase::LoadFailed(why) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    assert_has(why, "Workspace budgets require an Enterprise plan");
    assert!(!why.contains("R11"), "no rule numbers on screen: {why}");
    // Without the word, orws says what R11 means.
    let (mut s, _) = BudgetsState::new("ws");
    s.update(BudgetsMsg::Loaded(Err(ApiError::Forbidden {
        message: "forbidden".into(),
    })));
    let Phase::LoadFailed(why) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    assert!(
        why.ends_with("forbidden — budgets are an Enterprise-plan feature"),
        "{why}"
    );
    assert_eq!(s.act(Action::Reload, None), vec![BudgetsEffect::Load]);
}

#[test]
fn byok_alone_resends_one_unchanged_limit_and_without_a_budget_cannot_change() {
    let mut s = loaded(held());
    s.act(Action::Bottom, None);
    s.act(Action::Toggle, None);
    s.act(Action::Review, None);
    assert_eq!(
        review_lines(&s),
        vec!["1. PUT monthly $500, include BYOK on"]
    );

    let mut s = loaded(Budgets::default());
    s.act(Action::Bottom, None);
    s.act(Action::Toggle, None);
    assert_eq!(s.byok, None);
    assert!(
        s.status
            .as_deref()
            .unwrap()
            .contains("set a limit for at least one interval first"),
        "{:?}",
        s.status
    );
}

#[test]
fn edit_is_sticky_esc_keeps_the_text_and_undo_redo_work() {
    let mut s = loaded(held());
    s.act(Action::Edit, None);
    typed(&mut s, "5");
    key(&mut s, KeyCode::Down); // still editing, on weekly
    assert_eq!(s.scope(), None);
    typed(&mut s, "0");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.texts[0], "305");
    assert_eq!(s.texts[1], "1500");
    s.act(Action::Undo, None);
    assert_eq!(s.texts[1], "150");
    s.act(Action::Undo, None);
    assert_eq!(s.texts[0], "30");
    s.act(Action::Redo, None);
    assert_eq!(s.texts[0], "305");
}

#[test]
fn cancelling_a_send_re_reads_and_keeps_the_edit() {
    let mut s = loaded(held());
    set(&mut s, 1, "300");
    s.act(Action::Review, None);
    s.act(Action::Submit, None);
    assert_eq!(s.scope(), Some(Scope::Submitting));
    assert_eq!(
        s.act(Action::Cancel, None),
        vec![BudgetsEffect::Cancel, BudgetsEffect::Load]
    );
    s.update(BudgetsMsg::Loaded(Ok(held())));
    assert_eq!(s.phase, Phase::Edit);
    assert_eq!(s.texts[1], "300");
    assert_eq!(s.unsaved(), 1);
}

/// Runs the effects the runner handles until none is left.
async fn drive(s: &mut BudgetsState, c: &Client, mut fx: Vec<BudgetsEffect>) {
    while let Some(e) = fx.pop() {
        if let Some(msg) = runner::run(
            c,
            PRODUCTION,
            e,
            orws::write::RetryPolicy::without_waiting(),
        )
        .await
        {
            fx.extend(s.update(msg));
        }
    }
}

#[tokio::test]
async fn the_fake_receives_exactly_the_planned_requests_in_order() {
    let server = fake::start(FakeConfig::default()).await.unwrap();
    let c = client(server.url());
    let (mut s, fx) = BudgetsState::new(PRODUCTION);
    drive(&mut s, &c, fx).await;
    assert_eq!(
        s.held,
        Budgets {
            include_byok: s.held.include_byok,
            ..held()
        }
    );
    set(&mut s, 0, "200");
    set(&mut s, 1, "300");
    s.act(Action::Review, None);
    let fx = s.act(Action::Submit, None);
    drive(&mut s, &c, fx).await;
    let Some(o) = s.result() else {
        panic!("{:?}", s.phase)
    };
    assert!(o.failure.is_none());
    let writes: Vec<(String, String, Option<f64>)> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/budgets"))
        .map(|r| {
            let limit = serde_json::from_str::<Value>(&r.body)
                .ok()
                .and_then(|b| b.get("limit_usd").and_then(Value::as_f64));
            (
                r.method,
                r.path.rsplit('/').next().unwrap().to_string(),
                limit,
            )
        })
        .collect();
    assert_eq!(
        writes,
        vec![
            ("GET".into(), "budgets".into(), None),
            ("GET".into(), "budgets".into(), None),
            ("PUT".into(), "weekly".into(), Some(300.0)),
            ("PUT".into(), "daily".into(), Some(200.0)),
        ]
    );
    assert_eq!(
        crate::support::client::limit_of(&c, PRODUCTION, Interval::Daily).await,
        Some(200.0)
    );
}

/// The tab in the app at 60×20 with a broken R8 rule showing.
#[test]
fn the_tab_at_60x20_shows_the_limits_and_the_rule() {
    use orws::tui::app::{App, Msg};
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held()))));
    for code in [
        KeyCode::Down,
        KeyCode::Delete,
        KeyCode::Enter,
        KeyCode::Char('9'),
    ] {
        press(&mut app, code);
    }
    insta::assert_snapshot!(crate::support::tui_app::draw(&app, 60, 20));
}

/// An applied plan is kept in the history (kind `budgets`, the requests that landed, the limits
/// before and after), through the app as the runtime sees it.
#[test]
fn an_applied_plan_is_recorded_in_the_history() {
    use orws::state::history::Kind;
    use orws::tui::app::{App, Effect, Msg};
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held()))));
    // The daily limit (first row): clear it, type 20, done; review; Enter sends.
    for code in [
        KeyCode::Delete,
        KeyCode::Enter,
        KeyCode::Char('2'),
        KeyCode::Char('0'),
    ] {
        press(&mut app, code);
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    let sent = press(&mut app, KeyCode::Enter);
    assert!(
        sent.iter().any(|e| matches!(e, Effect::Budgets { .. })),
        "Enter on the review sends: {sent:?}"
    );
    let fx = app.update(Msg::Budgets(BudgetsMsg::Sent {
        landed: 1,
        failure: None,
    }));
    let record = crate::support::tui_app::recorded(&fx);
    assert_eq!(record.kind, Kind::Budgets);
    assert_eq!(record.workspace_id, PRODUCTION);
    assert_eq!(record.before["daily"], serde_json::json!(30.0));
    assert_eq!(record.after["daily"], serde_json::json!(20.0));
    // The switch is kept too: a BYOK-only change would otherwise look like no change.
    assert_eq!(
        record.before["include_byok_in_budgets"],
        serde_json::json!(false)
    );
    let requests = record.patch["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["method"], "PUT");
    assert_eq!(requests[0]["body"]["limit_usd"], serde_json::json!(20.0));
}

/// The review shows each request as it goes on the wire: method, path and JSON body.
#[test]
fn the_review_shows_the_exact_requests() {
    use orws::tui::app::{App, Msg};
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held()))));
    for code in [
        KeyCode::Down,
        KeyCode::Delete,
        KeyCode::Enter,
        KeyCode::Char('1'),
        KeyCode::Char('2'),
        KeyCode::Char('0'),
        KeyCode::Enter,
        KeyCode::Char('s'),
    ] {
        press(&mut app, code);
    }
    let text = crate::support::tui_app::draw(&app, 100, 30);
    assert_has(
        &text,
        &format!("PUT /workspaces/{PRODUCTION}/budgets/weekly  {{\"limit_usd\":120"),
    );
}

/// Renders the app without colour at 100×30 (product.md §4: no state by colour alone).
fn plain_screen(app: &orws::tui::app::App) -> Vec<String> {
    crate::support::tui_app::draw(app, 100, 30)
        .lines()
        .map(str::to_string)
        .collect()
}

fn row_of<'a>(screen: &'a [String], label: &str) -> &'a str {
    screen
        .iter()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} row in {screen:#?}"))
}

/// Was: the focused row differed only by colour, so without colour it could not be told apart.
#[test]
fn the_focused_limit_is_marked_without_colour_and_keeps_its_modified_mark() {
    use orws::tui::app::{App, Msg};
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held()))));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Delete);
    let screen = plain_screen(&app);
    assert!(row_of(&screen, "weekly").contains("▶●"), "{screen:#?}");
    assert!(!row_of(&screen, "daily").contains('▶'), "{screen:#?}");
    press(&mut app, KeyCode::Enter);
    let screen = plain_screen(&app);
    assert!(row_of(&screen, "weekly").contains("✎●"), "{screen:#?}");
    assert!(!row_of(&screen, "weekly").contains('▶'), "{screen:#?}");
}

fn ctrl(s: &mut BudgetsState, c: char) {
    s.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Focus the daily limit ("30") and start typing in it.
fn editing_daily() -> BudgetsState {
    let mut s = loaded(held());
    s.act(Action::Top, None);
    s.act(Action::Edit, None);
    assert_eq!(s.scope(), None);
    s
}

/// Was: Ctrl-U and the other readline keys did nothing in the tab's value editor.
#[test]
fn ctrl_u_kills_to_the_start_of_the_limit() {
    let mut s = editing_daily();
    ctrl(&mut s, 'u');
    assert_eq!(s.texts[0], "");
    typed(&mut s, "45");
    assert_eq!(s.texts[0], "45");
}

#[test]
fn ctrl_a_and_ctrl_e_move_to_the_start_and_end() {
    let mut s = editing_daily();
    ctrl(&mut s, 'a');
    typed(&mut s, "1");
    assert_eq!(s.texts[0], "130");
    ctrl(&mut s, 'e');
    typed(&mut s, "5");
    assert_eq!(s.texts[0], "1305");
}

#[test]
fn ctrl_k_kills_to_the_end_of_the_limit() {
    let mut s = editing_daily();
    ctrl(&mut s, 'a');
    key(&mut s, KeyCode::Right);
    ctrl(&mut s, 'k');
    assert_eq!(s.texts[0], "3");
}

#[test]
fn ctrl_w_kills_the_word_before_the_cursor_and_undo_brings_it_back() {
    let mut s = editing_daily();
    typed(&mut s, " 12");
    ctrl(&mut s, 'w');
    assert_eq!(s.texts[0], "30 ");
    key(&mut s, KeyCode::Esc);
    s.act(Action::Undo, None);
    assert_eq!(s.texts[0], "30");
}

/// Issue 18 item 9: the Budgets review speaks the one review language — each interval's
/// before and after (it showed `PUT monthly $777` with no "was $500"), `∅` for none.
#[test]
fn the_review_shows_each_interval_before_and_after() {
    let mut s = loaded(held());
    set(&mut s, 2, "777");
    set(&mut s, 0, "");
    s.act(Action::Review, None);
    let Some(p) = s.reviewing() else {
        panic!("{:?}", s.phase)
    };
    let rows = BudgetsState::review_rows(p);
    let table = orws::write::review::table(&rows, 80);
    assert_eq!(
        table[0].split_whitespace().collect::<Vec<_>>(),
        ["FIELD", "BEFORE", "AFTER"]
    );
    assert!(
        table
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["monthly", "$500", "$777"]),
        "{table:?}"
    );
    assert!(
        table
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["daily", "$30", "∅"]),
        "{table:?}"
    );
    let drawn: Vec<String> =
        orws::tui::screens::budgets::view::lines(&s, None, &orws::tui::theme::Theme::new(false))
            .iter()
            .map(|l| l.to_string())
            .collect();
    assert!(
        drawn
            .iter()
            .any(|l| l.contains("$500") && l.contains("$777")),
        "{drawn:#?}"
    );
}

/// A draft typed over weekly $100, restored after a colleague set it to $150: the send reads
/// again, sees weekly moved from the draft's base, and stops on the conflict; nothing is sent.
#[tokio::test]
async fn a_restored_draft_over_a_changed_limit_stops_on_the_conflict() {
    let server = fake::start(FakeConfig::default()).await.unwrap();
    let c = client(server.url());
    let (mut s, fx) = BudgetsState::new(PRODUCTION);
    drive(&mut s, &c, fx).await;
    let draft = orws::state::drafts::TabDraft {
        base: serde_json::json!({"daily": 30, "weekly": 100, "monthly": 500}),
        edits: serde_json::json!({"weekly": "120"})
            .as_object()
            .unwrap()
            .clone(),
    };
    assert_eq!(s.restore_draft(&draft), ["weekly"]);
    assert_eq!(s.texts[1], "120");
    s.act(Action::Review, None);
    let fx = s.act(Action::Submit, None);
    drive(&mut s, &c, fx).await;
    let Phase::Write(flow) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    let orws::tui::flow::Phase::Conflict(conflict) = &flow.phase else {
        panic!("{flow:?}")
    };
    assert_eq!(conflict.changed, vec![Some(Interval::Weekly)]);
    let now = c.get_budgets(PRODUCTION).await.unwrap();
    assert_eq!(
        now.limits.get(Interval::Weekly),
        Some(150.0),
        "nothing sent"
    );
}

/// Issue 23 item 2: each limit beside what was spent in its window's completed days and the
/// forecast at reset, a gauge with its percentage written; the detail panel says it in words.
/// Wednesday 2026-12-09: the week began Monday the 7th (two completed days).
#[test]
fn the_tab_shows_spend_and_forecast_against_each_limit() {
    use orws::admin::spend::{ActivityRow, parse_date};
    use orws::tui::app::{App, Msg};
    use orws::tui::screens::budgets::SpendRead;
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    let press = |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    press(&mut app, KeyCode::Char('2'));
    let effects = app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(held()))));
    // The limits first; the spend is asked for once they are there.
    assert!(
        effects.iter().any(|e| matches!(
            e,
            orws::tui::app::Effect::Budgets {
                effect: BudgetsEffect::LoadSpend,
                ..
            }
        )),
        "{effects:?}"
    );
    let row = |date: &str, usd: f64| ActivityRow {
        date: parse_date(date).unwrap(),
        workspace_id: PRODUCTION.into(),
        model: "openai/gpt-4o".into(),
        usage: usd,
        byok_usage_inference: 0.0,
    };
    let rows = vec![
        row("2026-12-01", 40.0),
        row("2026-12-07", 10.0),
        row("2026-12-08", 20.0),
    ];
    // Per key, the windows GET /keys gives: the month's biggest spenders first, six keys of
    // which five are listed, a name that would move the cursor escaped.
    let key = |name: &str, month: f64, limit: serde_json::Value| {
        serde_json::from_value::<orws::admin::keys::Key>(serde_json::json!({
            "hash": format!("h-{name}"), "name": name, "workspace_id": PRODUCTION,
            "usage": month * 3.0, "limit": limit, "limit_reset": "monthly",
            "usage_daily": month / 20.0, "usage_weekly": month / 4.0, "usage_monthly": month,
        }))
        .unwrap()
    };
    let keys = vec![
        key("small", 1.0, serde_json::Value::Null),
        key("Production API", 31.0, serde_json::json!(50)),
        key("ci\u{1b}[2Jbot", 12.5, serde_json::Value::Null),
        key("a", 0.5, serde_json::Value::Null),
        key("b", 0.25, serde_json::Value::Null),
        key("c", 0.0, serde_json::Value::Null),
    ];
    app.update(Msg::Budgets(BudgetsMsg::Spend(Ok(SpendRead {
        rows,
        today: parse_date("2026-12-09").unwrap(),
        keys: Ok(keys),
    }))));
    press(&mut app, KeyCode::Down);
    let text = crate::support::tui_app::draw(&app, 100, 30);
    // Weekly: $30 in two days, $15 a day for five more days (today included): $105 at reset;
    // $30 is 20% of $150.
    assert_has(&text, "$30.00 → $105.00  ▕██░░░░░░▏ 20%");
    // Monthly: $70 in eight days → $70 + 8.75 × 23 = $271.25 of $500.
    assert_has(&text, "$70.00 → $271.25");
    assert_has(&text, "today not reported");
    assert_has(&text, "in 2 completed day(s)");
    assert_has(
        &text,
        "  Production API             $1.55     $7.75    $31.00   limit $50.00 monthly",
    );
    assert_has(&text, "ci\\x1b[2Jbot");
    assert_has(&text, "… 1 more on the Keys tab (4)");
    let lines: Vec<&str> = text.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap();
    assert!(at("Production API") < at("ci\\x1b") && at("ci\\x1b") < at("  small"));
    insta::assert_snapshot!("budgets_spend_100x30", text);
    insta::assert_snapshot!(
        "budgets_spend_60x20",
        crate::support::tui_app::draw(&app, 60, 20)
    );
}

//! Defects found by trying the one write flow as a careless and hostile user would: each test
//! names what went wrong.

use crate::support::common;
use crate::support::common::assert_has;
use crate::support::tui_app::{key, keys_of, typed};
use crate::support::tui_loop::Setup;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::admin::budgets::{Budgets, Interval, Limits};
use orws::tui::app::{App, Effect, Msg};
use orws::tui::screens::admin_write::{AdminFailure, AdminRequest};
use orws::tui::screens::budgets::BudgetsMsg;
use orws::write::send::Why;

/// An admin write the server refused.
fn rejected() -> AdminFailure {
    let refusal = orws::api::ApiError::BadRequest {
        message: "no".into(),
        field: None,
    };
    AdminFailure::single(
        AdminRequest::DeleteKey { hash: "h1".into() },
        Why::Refused(refusal),
    )
}

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";

fn opened() -> App {
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": PRODUCTION, "name": "Production", "slug": "production"}),
    )
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    app
}

/// The app drawn without colour at `w`×`h`.
fn screen(app: &App, w: u16, h: u16) -> String {
    crate::support::tui_app::draw(app, w, h)
}

/// Was: the Budgets review counted its lines before they wrapped, so at 60×20 End stopped a
/// screenful short and the last requests of a long plan could never be seen before Enter.
#[test]
fn a_long_budgets_review_scrolls_to_its_last_request_at_60x20() {
    let mut app = opened();
    key(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(Budgets {
        limits: Limits::default()
            .with(Interval::Daily, Some(30.0))
            .with(Interval::Weekly, Some(150.0))
            .with(Interval::Monthly, Some(500.0)),
        include_byok: Some(false),
    }))));
    for v in ["1", "2", "3", "4"] {
        key(&mut app, KeyCode::Enter);
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        typed(&mut app, v);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('s'));
    let first = screen(&app, 60, 20);
    assert_has(&first, "PUT daily $1");
    key(&mut app, KeyCode::End);
    let last = screen(&app, 60, 20);
    assert_has(&last, "4. PUT lifetime $4");
    assert_has(&last, "{\"limit_usd\":4.0}");
}

/// Was: the Guardrail review, like the Budgets one, counted its lines before they wrapped, so
/// at 60×20 the end of a long PATCH body stayed below the last line End could reach.
#[test]
fn a_long_guardrail_review_scrolls_to_the_end_of_its_body_at_60x20() {
    use orws::tui::screens::guardrail::GuardrailMsg;
    let guardrail = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let (mut app, _) = App::new("h", Some("production".into()));
    let ws = orws::workspace::Workspace::from_json(serde_json::json!({
        "id": PRODUCTION, "name": "Production", "slug": "production",
        "default_guardrail_id": guardrail,
    }))
    .unwrap();
    app.update(app.loaded(Ok(ws)));
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Enter);
    let held = serde_json::json!({"id": guardrail, "workspace_id": PRODUCTION});
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(
        held.as_object().unwrap().clone(),
    )))));
    // Every on/off/inherit field, from inherit to on.
    for (i, (field, _)) in orws::admin::guardrail::GUARDRAIL_FIELDS.iter().enumerate() {
        if field.starts_with("enforce_") || field.starts_with("allow_safety") {
            key(&mut app, KeyCode::Home);
            for _ in 0..i {
                key(&mut app, KeyCode::Down);
            }
            key(&mut app, KeyCode::Char(' '));
        }
    }
    key(&mut app, KeyCode::Char('s'));
    let first = screen(&app, 60, 20);
    assert_has(&first, "enforce_zdr_anthropic");
    key(&mut app, KeyCode::End);
    let last = screen(&app, 60, 20);
    let body_end = last.lines().rev().nth(2).unwrap_or_default();
    assert!(body_end.starts_with("│}"), "{last}");
}

fn keys_tab() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('4'));
    app.update(Msg::KeysLoaded {
        result: Ok(keys_of(&id)),
        workspace_id: id,
    });
    app
}

/// The key `h1` as the server answers it after a write.
fn answered(app: &App, disabled: bool) -> orws::tui::screens::admin_write::AdminAnswer {
    let mut key = app.tabs.keys.list()[0].clone();
    key.disabled = disabled;
    orws::tui::screens::admin_write::AdminAnswer::Key(Box::new(key))
}

/// Was: the undo of a key write (u on its Result) named no key in the history ("enabled key
/// 5e7c…"), its Review showed no before and after, and u on its own Result said "Nothing to
/// undo: the write did not go through" although it had landed (a revert is itself undoable).
#[test]
fn the_undo_of_a_key_write_names_the_key_and_is_itself_undoable() {
    use orws::tui::flow::Phase;
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let landed = answered(&app, true);
    app.update(Msg::AdminSent(Ok(vec![landed])));
    key(&mut app, KeyCode::Char('u'));
    let text = screen(&app, 80, 24);
    assert!(
        text.lines()
            .any(|l| l.contains("Backend") && l.contains("disabled") && l.contains("enabled")),
        "the undo's Review shows the key before and after\n{text}"
    );
    key(&mut app, KeyCode::Enter);
    let landed = answered(&app, false);
    let effects = app.update(Msg::AdminSent(Ok(vec![landed])));
    let [Effect::RecordWrite(record)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(record.before["key_name"], "Backend", "{record:?}");
    assert_eq!(record.before["disabled"], true, "{record:?}");
    assert_eq!(record.after["disabled"], false, "{record:?}");
    // u on the undo's Result reviews the write again; it does not say it did not go through.
    key(&mut app, KeyCode::Char('u'));
    let flow = app.admin.clone().unwrap();
    assert_eq!(flow.phase, Phase::Review, "{:?}", app.status);
    assert_eq!(
        flow.plan
            .requests
            .first()
            .and_then(|r| r.to_history()["body"]["disabled"].as_bool()),
        Some(true)
    );
}

fn status(app: &App) -> String {
    app.status.clone().map(|s| s.text).unwrap_or_default()
}

/// The settings form with the name edited to "Production 2", on the Review.
fn settings_review() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.settings_write(), Some(orws::tui::flow::Shown::Review));
    app
}

/// Was: Esc on the undo's Review came back to the Result with the Review's line still under
/// it ("Undo: … Enter sends it …; Esc goes back"), where Enter closes and Esc closes too.
#[test]
fn back_from_the_undo_review_the_result_does_not_keep_the_reviews_line() {
    use orws::tui::flow::Shown;
    let mut app = settings_review();
    key(&mut app, KeyCode::Enter);
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), serde_json::json!("Production 2"));
    let mut after = common::production();
    after.set("name", serde_json::json!("Production 2"));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(
        orws::tui::app::SubmitOutcome {
            before: common::production(),
            after,
            patch: orws::workspace::PatchBody::from_fields(fields),
            remote_changes: vec![],
        },
    )));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.settings_write(), Some(Shown::Review));
    assert!(status(&app).contains("Enter sends"), "{}", status(&app));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.settings_write(), Some(Shown::Result));
    assert!(!status(&app).contains("Enter sends"), "{}", status(&app));
}

/// Was: m on a Conflict, then Esc on its Review: the form kept "Your values on top of the
/// server's: Enter sends them …" although nothing is being reviewed any more.
#[test]
fn leaving_a_keep_mine_review_says_nothing_was_sent() {
    let mut app = settings_review();
    key(&mut app, KeyCode::Enter);
    let mut server = common::production();
    server.set("name", serde_json::json!("Theirs"));
    let patch = app.form.as_ref().unwrap().patch();
    let report = orws::workspace::check_conflicts(&common::production(), &server, &patch);
    app.update(Msg::Written(orws::submit::WriteOutcome::Conflict {
        server,
        report,
    }));
    key(&mut app, KeyCode::Char('m'));
    assert!(status(&app).contains("Enter sends"), "{}", status(&app));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.settings_write(), None);
    assert!(!status(&app).contains("Enter sends"), "{}", status(&app));
}

/// Was: a key write refused because the key had moved meanwhile said "nothing was sent: r
/// re-reads the list", but r on that Result did nothing (and the list kept the moved key).
#[test]
fn r_on_a_failed_key_write_re_reads_the_list_as_it_says() {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let gone = Why::KeyGone {
        hash: "h1".into(),
        at: Some("ws".into()),
    };
    app.update(Msg::AdminSent(Err(AdminFailure::single(
        AdminRequest::DeleteKey { hash: "h1".into() },
        gone,
    ))));
    let effects = key(&mut app, KeyCode::Char('r'));
    assert_eq!(
        effects,
        vec![Effect::LoadKeys(common::production().id().to_string())]
    );
    assert!(app.admin.is_none(), "the result is closed");
}

/// Was: m ("keep mine") on a Budgets or Guardrail conflict dropped back to the edit, where a
/// reflexive Enter started editing a limit; product.md §4: after a submit, m rebases and
/// returns to the Review (Enter there checks again), as the settings form does.
#[test]
fn keep_mine_on_a_budgets_or_guardrail_conflict_returns_to_the_review() {
    use orws::config::Action;
    use orws::tui::screens::budgets::{BudgetsState, Phase as BPhase};
    use orws::tui::screens::guardrail::{GuardrailMsg, GuardrailState};
    let held = Budgets {
        limits: Limits::default().with(Interval::Weekly, Some(150.0)),
        include_byok: Some(false),
    };
    let (mut s, _) = BudgetsState::new(PRODUCTION);
    s.update(BudgetsMsg::Loaded(Ok(held)));
    s.act(Action::Down, None);
    s.act(Action::Clear, None);
    s.act(Action::Edit, None);
    for c in "300".chars() {
        s.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    s.text(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    s.act(Action::Review, None);
    s.act(Action::Submit, None);
    let now = Budgets {
        limits: held.limits.with(Interval::Weekly, Some(100.0)),
        ..held
    };
    s.update(BudgetsMsg::Conflict {
        now,
        changed: vec![Some(Interval::Weekly)],
    });
    assert!(s.act(Action::KeepMine, None).is_empty(), "m sends nothing");
    let Some(p) = s.reviewing() else {
        panic!("{:?}", s.phase)
    };
    assert_eq!(p.base, now, "on top of what the server holds now");
    assert_eq!(p.target.limits.get(Interval::Weekly), Some(300.0));
    // Esc there goes back to the edit, which keeps the value.
    s.act(Action::Back, None);
    assert_eq!(s.phase, BPhase::Edit);
    assert_eq!(s.held, now);

    let guardrail = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let held = serde_json::json!({"id": guardrail, "workspace_id": PRODUCTION,
        "limit_usd": 200, "reset_interval": "monthly"});
    let held = held.as_object().unwrap().clone();
    let (mut g, _) = GuardrailState::new(PRODUCTION, guardrail);
    g.update(GuardrailMsg::Loaded(Ok(Some(held.clone()))));
    let row = orws::admin::guardrail::GUARDRAIL_FIELDS
        .iter()
        .position(|(f, _)| *f == "limit_usd")
        .unwrap();
    for _ in 0..row {
        g.act(Action::Down, None);
    }
    g.act(Action::Clear, None);
    g.act(Action::Edit, None);
    for c in "250".chars() {
        g.text(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    g.text(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    g.act(Action::Review, None);
    g.act(Action::Submit, None);
    let mut now = held;
    now.insert("limit_usd".into(), serde_json::json!(100));
    g.update(GuardrailMsg::Conflict {
        fields: vec!["limit_usd".into()],
        now: Some(now),
    });
    assert!(g.act(Action::KeepMine, None).is_empty(), "m sends nothing");
    let Some(p) = g.reviewing() else {
        panic!("{:?}", g.phase)
    };
    assert_eq!(p.patch["limit_usd"], serde_json::json!(250.0), "{p:?}");
}

/// Was: a Budgets or Guardrail undo from the History screen that met a conflict lost its
/// `revert` mark on m: what landed was recorded as a plain write naming nothing.
#[test]
fn keep_mine_keeps_a_budgets_or_guardrail_undo_an_undo() {
    use orws::config::Action;
    use orws::state::history::Kind;
    use orws::tui::screens::budgets::{BudgetsState, Phase as BPhase};
    use orws::tui::screens::guardrail::{GuardrailMsg, GuardrailState, Phase as GPhase};
    use orws::write::record::Reverting;
    let reverting = Reverting {
        of: "e-1".into(),
        reverts: Kind::Budgets,
    };
    let held = Budgets {
        limits: Limits::default().with(Interval::Weekly, Some(150.0)),
        include_byok: Some(false),
    };
    let (mut s, _) = BudgetsState::new(PRODUCTION);
    s.update(BudgetsMsg::Loaded(Ok(held)));
    s.act(Action::Down, None);
    s.act(Action::Clear, None);
    s.act(Action::Review, None);
    let BPhase::Write(f) = &mut s.phase else {
        panic!("{:?}", s.phase)
    };
    f.reverting = Some(reverting.clone());
    s.act(Action::Submit, None);
    let now = Budgets {
        limits: held.limits.with(Interval::Weekly, Some(100.0)),
        ..held
    };
    s.update(BudgetsMsg::Conflict {
        now,
        changed: vec![Some(Interval::Weekly)],
    });
    s.act(Action::KeepMine, None);
    let BPhase::Write(f) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    assert_eq!(f.reverting, Some(reverting.clone()));

    let guardrail = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let held = serde_json::json!({"id": guardrail, "workspace_id": PRODUCTION,
        "allowed_models": ["openai/gpt-4o"]});
    let held = held.as_object().unwrap().clone();
    let (mut g, _) = GuardrailState::new(PRODUCTION, guardrail);
    g.update(GuardrailMsg::Loaded(Ok(Some(held.clone()))));
    g.act(Action::Clear, None);
    g.act(Action::Review, None);
    let GPhase::Write(f) = &mut g.phase else {
        panic!("{:?}", g.phase)
    };
    f.reverting = Some(reverting.clone());
    g.act(Action::Submit, None);
    let mut now = held;
    now.insert("allowed_models".into(), serde_json::json!(["x/y"]));
    g.update(GuardrailMsg::Conflict {
        fields: vec!["allowed_models".into()],
        now: Some(now),
    });
    g.act(Action::KeepMine, None);
    let GPhase::Write(f) = &g.phase else {
        panic!("{:?}", g.phase)
    };
    assert_eq!(f.reverting, Some(reverting));
}

fn offers(flow: &orws::tui::screens::admin_write::AdminFlow, action: orws::config::Action) -> bool {
    flow.hints().iter().any(|(a, _)| *a == action)
}

/// Was: every admin Result offered "u undo", also where there is nothing to undo (the write
/// failed) or it cannot be undone (a deleted key).
#[test]
fn an_admin_result_offers_undo_only_where_there_is_one() {
    use orws::config::Action;
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let landed = answered(&app, true);
    app.update(Msg::AdminSent(Ok(vec![landed])));
    assert!(offers(app.admin.as_ref().unwrap(), Action::Undo));
    key(&mut app, KeyCode::Enter);

    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Err(rejected())));
    assert!(!offers(app.admin.as_ref().unwrap(), Action::Undo));
    key(&mut app, KeyCode::Enter);

    key(&mut app, KeyCode::Char('x'));
    crate::support::tui_app::confirm_key_delete(&mut app);
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Ok(vec![
        orws::tui::screens::admin_write::AdminAnswer::KeyDeleted("h1".into()),
    ])));
    let flow = app.admin.as_ref().unwrap();
    assert!(matches!(flow.phase, orws::tui::flow::Phase::Result(Ok(_))));
    assert!(!offers(flow, Action::Undo));
    // The Result says why.
    assert!(screen(&app, 80, 24).contains("cannot be brought back"));
}

/// Was: Enter typed twice by reflex sends on the first and closes the Result on the second
/// (a fast server answers in between): an admin write or a Budgets plan then left no word of
/// how it ended. Closing a Result now leaves its outcome on the status line.
#[test]
fn closing_a_result_leaves_its_outcome_on_the_status_line() {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let landed = answered(&app, true);
    app.update(Msg::AdminSent(Ok(vec![landed])));
    key(&mut app, KeyCode::Enter);
    assert!(app.admin.is_none());
    let said = status(&app);
    assert_has(&said, "Disable key \"Backend\"");
    assert_has(&said, "applied");

    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Err(rejected())));
    key(&mut app, KeyCode::Esc);
    let said = status(&app);
    assert_has(&said, "the server rejected the request");

    let mut app = opened();
    key(&mut app, KeyCode::Char('2'));
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(Budgets {
        limits: Limits::default().with(Interval::Daily, Some(30.0)),
        include_byok: Some(false),
    }))));
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "11");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Budgets(BudgetsMsg::Sent {
        landed: 1,
        failure: None,
    }));
    key(&mut app, KeyCode::Enter);
    let text = screen(&app, 60, 20);
    assert!(
        text.contains("daily              $11"),
        "back on the tab\n{text}"
    );
    assert_has(&text, "Applied");

    use orws::config::Action;
    use orws::tui::screens::guardrail::{GuardrailMsg, GuardrailState};
    let guardrail = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let held = serde_json::json!({"id": guardrail, "workspace_id": PRODUCTION,
        "allowed_models": ["openai/gpt-4o"]});
    let held = held.as_object().unwrap().clone();
    let (mut g, _) = GuardrailState::new(PRODUCTION, guardrail);
    g.update(GuardrailMsg::Loaded(Ok(Some(held.clone()))));
    g.act(Action::Clear, None);
    g.act(Action::Review, None);
    g.act(Action::Submit, None);
    g.update(GuardrailMsg::Sent(Err(orws::api::WriteFailure::Failed(
        orws::api::ApiError::Forbidden {
            message: "the server rejected the request".into(),
        },
    ))));
    g.act(Action::Done, None);
    assert_eq!(g.phase, orws::tui::screens::guardrail::Phase::Edit);
    let said = g.status.clone().unwrap_or_default();
    assert_has(&said, "the server rejected the request");
}

/// Was: a Budgets or Guardrail Result where nothing landed offered "u undo".
#[test]
fn a_budgets_or_guardrail_result_where_nothing_landed_offers_no_undo() {
    use orws::config::Action;
    use orws::tui::screens::guardrail::{GuardrailMsg, GuardrailState};
    let undo = |h: Vec<(Action, &str)>| h.iter().any(|(a, _)| *a == Action::Undo);
    let (mut s, _) = orws::tui::screens::budgets::BudgetsState::new(PRODUCTION);
    s.update(BudgetsMsg::Loaded(Ok(Budgets {
        limits: Limits::default().with(Interval::Weekly, Some(150.0)),
        include_byok: Some(false),
    })));
    s.act(Action::Down, None);
    s.act(Action::Clear, None);
    s.act(Action::Review, None);
    s.act(Action::Submit, None);
    s.update(BudgetsMsg::Sent {
        landed: 0,
        failure: Some(orws::api::WriteFailure::Failed(
            orws::api::ApiError::Forbidden {
                message: "no".into(),
            },
        )),
    });
    assert!(s.result().is_some());
    assert!(!undo(s.hints()), "{:?}", s.hints());

    let guardrail = "595d5849-7e86-51fd-a7c0-705c34e4afff";
    let held = serde_json::json!({"id": guardrail, "workspace_id": PRODUCTION,
        "allowed_models": ["openai/gpt-4o"]});
    let (mut g, _) = GuardrailState::new(PRODUCTION, guardrail);
    g.update(GuardrailMsg::Loaded(Ok(Some(
        held.as_object().unwrap().clone(),
    ))));
    g.act(Action::Clear, None);
    g.act(Action::Review, None);
    g.act(Action::Submit, None);
    g.update(GuardrailMsg::Sent(Err(orws::api::WriteFailure::Failed(
        orws::api::ApiError::Forbidden {
            message: "no".into(),
        },
    ))));
    assert!(!undo(g.hints()), "{:?}", g.hints());
}

/// Was: the settings Result scrolled by rows up to its last row whether or not they all fit,
/// so End (or ↓) on a short result hid its first rows behind an empty screen.
#[test]
fn a_settings_result_that_fits_does_not_scroll_away() {
    let mut app = settings_review();
    key(&mut app, KeyCode::Enter);
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), serde_json::json!("Production 2"));
    let mut after = common::production();
    after.set("name", serde_json::json!("Production 2"));
    after.set("updated_at", serde_json::json!("2026-12-07T13:03:31.136Z"));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(
        orws::tui::app::SubmitOutcome {
            before: common::production(),
            after,
            patch: orws::workspace::PatchBody::from_fields(fields),
            remote_changes: vec![],
        },
    )));
    let first = screen(&app, 60, 20);
    assert_has(&first, "✓ applied");
    for code in [KeyCode::End, KeyCode::Down, KeyCode::PageDown] {
        key(&mut app, code);
        let text = screen(&app, 60, 20);
        assert!(
            text.contains("✓ applied"),
            "{code:?} hid the first row\n{text}"
        );
    }
}

/// Was: an undo opened from the History screen that met a conflict lost its `revert` mark on
/// m (keep mine): the Review m opened was a new plain patch, so what landed was recorded as
/// kind `patch` naming nothing.
#[tokio::test]
async fn a_history_undo_kept_through_a_conflict_is_still_recorded_as_its_revert() {
    use crate::support::{client::client, tui_loop};
    use orws::state::history::{self, Kind};
    use orws::workspace::PatchBody;
    use tui_loop::WAIT;
    let server = tui_loop::fake().await;
    let client = client(&server);
    let fields = |v: serde_json::Value| v.as_object().unwrap().clone();
    let (state, e) = tui_loop::a_change_in_history(&client, PRODUCTION).await;
    let (ui, task) = Setup::new(client.clone(), None).state(state.path()).spawn();
    tui_loop::undo_from_history(&ui).await;
    // Someone else changes it during the review.
    let theirs = PatchBody::from_fields(fields(serde_json::json!({"description": "theirs"})));
    client.patch(PRODUCTION, &theirs).await.unwrap();
    ui.key(KeyCode::Enter);
    ui.wait_for("Conflict", WAIT).await;
    ui.key(KeyCode::Char('m'));
    ui.wait_for("Your values on top", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("applied", WAIT).await;
    let all = history::read(state.path()).unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    let undo = all.iter().find(|x| x.id != e.id).unwrap();
    assert_eq!(undo.kind, Kind::Revert, "{undo:?}");
    assert_eq!(undo.of.as_deref(), Some(e.id.as_str()));
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

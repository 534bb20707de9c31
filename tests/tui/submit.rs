//! The TUI's submit decisions: `update()` with plain values (no single letter sends a write,
//! keep-mine and revert go through a Review, a cancelled write is "not applied yet" until a
//! re-read tells), and the loop against hostile servers (identity, retries, may-have-landed).

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::scripted;
use crate::support::tui_app::key;
use crate::support::{client, tui_loop};

use crossterm::event::KeyCode;
use orws::api::ApiError;
use orws::submit::{Applied, WriteOutcome};
use orws::tui::app::{App, Effect, Level, Msg, Screen, SubmitOutcome};
use orws::tui::test_host::TestDriver;
use orws::workspace::{PatchBody, Workspace, check_conflicts};
use scripted::{Hostile, ID, OTHER_ID, Reply, Req, World, honest};
use serde_json::json;
use std::time::Duration;

fn production() -> Workspace {
    common::production()
}

/// The form on production with the name edited to "Production 2", on the Review.
fn review_app() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(production())));
    key(&mut app, KeyCode::Enter);
    for c in " 2".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    app
}

fn submitting_app() -> App {
    let mut app = review_app();
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::Submit { .. }]),
        "{effects:?}"
    );
    app
}

fn status(app: &App) -> String {
    app.status.clone().map(|s| s.text).unwrap_or_default()
}

fn sends(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::Submit { .. }))
}

fn renamed(name: &str) -> Workspace {
    let mut ws = production();
    ws.set("name", json!(name));
    ws
}

fn applied(after_name: &str) -> SubmitOutcome {
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!("Production 2"));
    SubmitOutcome {
        before: production(),
        after: renamed(after_name),
        patch: PatchBody::from_fields(fields),
        remote_changes: vec![],
    }
}

#[test]
fn no_single_letter_on_the_review_sends() {
    let mut app = review_app();
    for c in "yYsSmu".chars() {
        assert!(!sends(&key(&mut app, KeyCode::Char(c))), "{c} sent a write");
    }
    assert!(sends(&key(&mut app, KeyCode::Enter)));
}

// ---- item 3: keep mine goes back to the Review; Enter there checks again -----------------

fn conflict_app(theirs: &str) -> App {
    let mut app = submitting_app();
    let server = renamed(theirs);
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&production(), &server, &patch);
    app.update(Msg::Written(WriteOutcome::Conflict { server, report }));
    assert!(app.conflict_view().is_some());
    app
}

#[test]
fn keep_mine_rebases_and_returns_to_the_review_without_sending() {
    let mut app = conflict_app("Theirs");
    let effects = key(&mut app, KeyCode::Char('m'));
    assert!(!sends(&effects), "{effects:?}");
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    // Enter submits on the base that was shown, with the conflict check (no force exists).
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { base, patch }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(base.name(), "Theirs");
    assert_eq!(patch.to_body_string(), r#"{"name":"Production 2"}"#);
    // A change newer than the one shown: a new Conflict screen, nothing sent.
    let newer = renamed("Newer");
    let report = check_conflicts(base, &newer, patch);
    assert!(report.has_conflicts());
    app.update(Msg::Written(WriteOutcome::Conflict {
        server: newer,
        report,
    }));
    let Some(view) = app.conflict_view() else {
        panic!("{:?}", app.screen)
    };
    assert_eq!(view.server.name(), "Newer");
}

// ---- revert: a Review of the inverse patch, only Enter sends --------------------------------

fn result_app() -> App {
    let mut app = submitting_app();
    app.update(Msg::Written(WriteOutcome::applied(applied("Production 2"))));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    app
}

#[test]
fn undo_on_the_result_opens_a_review_of_the_inverse() {
    let mut app = result_app();
    let effects = key(&mut app, KeyCode::Char('u'));
    assert!(!sends(&effects), "{effects:?}");
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    assert!(app.overlay.is_none());
    assert_eq!(
        app.form.as_ref().unwrap().patch().to_body_string(),
        r#"{"name":"Production"}"#
    );
    // Esc goes back to the result with nothing changed.
    key(&mut app, KeyCode::Esc);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    let mut app = result_app();
    key(&mut app, KeyCode::Char('u'));
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { base, patch }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(base.name(), "Production 2");
    assert_eq!(patch.to_body_string(), r#"{"name":"Production"}"#);
    let flow = orws::tui::app::settings_write::flow(&app).unwrap();
    assert!(flow.is_sending() && flow.plan.revert);
}

#[test]
fn keep_mine_on_a_reverts_conflict_leads_to_the_inverse_review() {
    let mut app = result_app();
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Enter);
    let server = renamed("Someone else's");
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&renamed("Production 2"), &server, &patch);
    app.update(Msg::Written(WriteOutcome::Conflict { server, report }));
    let effects = key(&mut app, KeyCode::Char('m'));
    assert!(!sends(&effects), "{effects:?}");
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    let effects = key(&mut app, KeyCode::Enter);
    let [Effect::Submit { base, patch }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(base.name(), "Someone else's");
    assert_eq!(patch.to_body_string(), r#"{"name":"Production"}"#);
}

// ---- item 4: cancel is "not applied yet"; a later re-read that finds it applied counts ---

#[test]
fn cancel_while_sending_is_not_applied_yet_and_rechecks() {
    let mut app = submitting_app();
    app.update(Msg::SubmitSending);
    let effects = key(&mut app, KeyCode::Esc);
    assert_eq!(
        effects,
        vec![Effect::CancelSubmit {
            reread: Some(ID.into())
        }]
    );
    assert!(status(&app).contains("not applied yet"), "{}", status(&app));
    // Still the base: not applied yet, check again later.
    let effects = app.update(Msg::Reread(Ok(production())));
    assert_eq!(
        effects,
        vec![Effect::Recheck {
            id: ID.into(),
            after: Duration::from_secs(1)
        }]
    );
    assert!(status(&app).contains("not applied yet"), "{}", status(&app));
    // The late request landed: history, the result screen and undo, like any other.
    let effects = app.update(Msg::Reread(Ok(renamed("Production 2"))));
    let record = effects
        .iter()
        .find(|e| matches!(e, Effect::RecordHistory { .. }))
        .expect("a history entry");
    let Effect::RecordHistory { patch, after, .. } = record else {
        unreachable!()
    };
    assert_eq!(patch.to_body_string(), r#"{"name":"Production 2"}"#);
    assert_eq!(after.name(), "Production 2");
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    assert!(status(&app).contains("applied after all"));
    key(&mut app, KeyCode::Char('u'));
    assert!(
        app.settings_write() == Some(orws::tui::flow::Shown::Review),
        "undo works"
    );
}

#[test]
fn a_late_recheck_never_touches_a_submit_in_flight() {
    let mut app = submitting_app();
    app.update(Msg::SubmitSending);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Sending));
    assert_eq!(app.update(Msg::Reread(Ok(production()))), vec![]);
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Sending));
}

#[test]
fn rechecks_stop_after_a_few() {
    let mut app = submitting_app();
    app.update(Msg::SubmitSending);
    key(&mut app, KeyCode::Esc);
    let mut rechecks = 0;
    for _ in 0..10 {
        let effects = app.update(Msg::Reread(Ok(production())));
        if effects.is_empty() {
            break;
        }
        rechecks += 1;
    }
    assert_eq!(rechecks, 4);
    assert!(
        status(&app).contains("Your edits are kept"),
        "{}",
        status(&app)
    );
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
}

#[test]
fn a_doubtful_error_rereads_and_an_applied_change_gets_its_result() {
    let mut app = submitting_app();
    app.update(Msg::SubmitSending);
    let effects = app.update(Msg::Written(WriteOutcome::InDoubt {
        error: ApiError::Timeout { secs: 1 },
        reread: "no answer either".into(),
    }));
    assert!(
        matches!(effects.as_slice(), [Effect::Recheck { .. }]),
        "{effects:?}"
    );
    let effects = app.update(Msg::Reread(Ok(renamed("Production 2"))));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RecordHistory { .. })),
        "{effects:?}"
    );
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
}

// ---- item 10: a 404 on submit says the workspace was deleted ----------------------------

#[test]
fn a_404_on_submit_names_the_deleted_workspace_and_keeps_the_draft() {
    let mut app = submitting_app();
    app.update(Msg::Written(WriteOutcome::NotApplied {
        error: ApiError::NotFound {
            what: format!("workspace '{ID}'"),
        },
        checked: None,
        server: None,
    }));
    let text = status(&app);
    assert_has(&text, "Workspace 'Production' was deleted");
    assert_has(&text, "kept in the draft");
    assert_lacks(&text, "try again");
    assert_eq!(app.status.clone().unwrap().level, Level::Error);
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
}

#[test]
fn an_answer_about_another_workspace_is_an_error_and_sends_nothing_more() {
    let mut app = submitting_app();
    let effects = app.update(Msg::Written(WriteOutcome::WrongTarget(
        orws::submit::WrongTarget::new(ID, OTHER_ID, true),
    )));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.screen, Screen::Form));
    assert!(status(&app).contains(OTHER_ID));
}

/// Every way the safe write can end, decided by `update` from plain values: what the screen
/// becomes, what the status says, and whether anything else is asked of the runtime.
#[test]
fn every_write_outcome_is_decided_in_update() {
    let applied = |notes: Vec<String>, after_all: bool| {
        WriteOutcome::Applied(Box::new(Applied {
            outcome: applied("Production 2"),
            mismatches: vec![],
            notes,
            after_all,
        }))
    };
    // Applied: the result, the history recorded, the form rebased.
    let mut app = submitting_app();
    let effects = app.update(Msg::Written(applied(vec![], false)));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RecordHistory { .. })),
        "{effects:?}"
    );
    assert!(status(&app).contains("saved"), "{}", status(&app));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
    // Applied with a note: said as a warning on the result.
    let mut app = submitting_app();
    app.update(Msg::Written(applied(vec!["re-read".into()], false)));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    assert_eq!(app.status.clone().unwrap().level, Level::Warning);
    assert!(status(&app).contains("re-read"));
    // Applied after all (a lost answer, then a re-read).
    let mut app = submitting_app();
    app.update(Msg::Written(applied(vec![], true)));
    assert!(status(&app).contains("after all"), "{}", status(&app));
    // Conflict: the Conflict screen; nothing sent.
    let mut app = submitting_app();
    let mut server = production();
    server.set("name", json!("Theirs"));
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&production(), &server, &patch);
    let effects = app.update(Msg::Written(WriteOutcome::Conflict { server, report }));
    assert!(effects.is_empty() && app.conflict_view().is_some());
    // An expectation that does not hold: back to the form, said as an error, edits kept.
    let mut app = submitting_app();
    let effects = app.update(Msg::Written(WriteOutcome::Expectation {
        server: production(),
        message: "name is not X".into(),
    }));
    assert!(effects.is_empty() && matches!(app.screen, Screen::Form));
    assert_eq!(app.status.clone().unwrap().level, Level::Error);
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
    // Not applied: back to the form, the cause said, the edits kept, nothing more sent.
    let mut app = submitting_app();
    let effects = app.update(Msg::Written(WriteOutcome::NotApplied {
        error: ApiError::Timeout { secs: 3 },
        checked: Some("re-read: unchanged".into()),
        server: None,
    }));
    assert!(!sends(&effects), "{effects:?}");
    assert!(app.settings_write() != Some(orws::tui::flow::Shown::Sending));
    assert!(status(&app).contains("3 s"), "{}", status(&app));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 1);
    // In doubt: the form, a warning, and a re-check asked for (never a resend).
    let mut app = submitting_app();
    let effects = app.update(Msg::Written(WriteOutcome::InDoubt {
        error: ApiError::Timeout { secs: 3 },
        reread: "refused".into(),
    }));
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(app.status.clone().unwrap().level, Level::Warning);
    assert!(
        matches!(effects.as_slice(), [Effect::Recheck { .. }]),
        "{effects:?}"
    );
    // Cancelled meanwhile: a late outcome changes nothing.
    let mut app = submitting_app();
    key(&mut app, KeyCode::Esc);
    let before = format!("{app:?}");
    let effects = app.update(Msg::Written(applied(vec![], false)));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(format!("{app:?}"), before);
}

// ---- the loop against hostile servers ------------------------------------------------------

const WAIT: Duration = Duration::from_secs(10);

fn start(server: &Hostile) -> (TestDriver, tokio::task::JoinHandle<App>) {
    tui_loop::start(client::client(server), Some(ID))
}

async fn edit_and_submit(ui: &TestDriver) {
    ui.wait_for("Production environment workspace", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" mine");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review ·", WAIT).await;
    ui.key(KeyCode::Enter);
}

/// GETs answer honestly until the submit's check, which answers about another workspace.
#[tokio::test]
async fn loop_a_check_about_another_workspace_sends_no_patch() {
    let mut gets = 0;
    let server = Hostile::start(move |req: &Req, w: &mut World| {
        if req.is("GET") && req.path.contains("/workspaces/") {
            gets += 1;
        }
        if req.is("GET") && gets > 1 {
            let mut other = w.ws.clone();
            other["id"] = json!(OTHER_ID);
            return Reply::ok(&other);
        }
        honest(req, w)
    });
    let (ui, _task) = start(&server);
    edit_and_submit(&ui).await;
    ui.wait_for("nothing was sent", WAIT).await;
    assert_eq!(server.count("PATCH"), 0, "{:?}", server.requests());
}

#[tokio::test]
async fn loop_a_change_during_a_429_wait_shows_a_conflict() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") && w.count("PATCH") == 1 {
            w.ws["name"] = json!("Theirs");
            return Reply::error(429);
        }
        honest(req, w)
    });
    let (ui, _task) = start(&server);
    edit_and_submit(&ui).await;
    let screen = ui.wait_for("Conflict ·", WAIT).await;
    assert_has(&screen, "Theirs");
    assert_eq!(server.count("PATCH"), 1);
    assert_eq!(server.workspace()["name"], "Theirs");
}

#[tokio::test]
async fn loop_applied_then_500_shows_the_result() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            return Reply::error(500);
        }
        honest(req, w)
    });
    let (ui, _task) = start(&server);
    edit_and_submit(&ui).await;
    let screen = ui.wait_for("applied after all", WAIT).await;
    assert_has(&screen, "✓ applied");
    assert_eq!(server.count("PATCH"), 1);
}

/// `u` on a Result undoes the entry that write was recorded as: the undo is recorded as kind
/// `revert` naming it (product.md §15), and the undo of that undo names the undo in turn.
#[test]
fn the_undo_of_a_result_is_recorded_as_the_revert_of_its_entry() {
    use orws::state::history::Kind;
    let recorded = |effects: &[Effect]| {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::RecordHistory { id, reverting, .. } => {
                    Some((id.clone(), reverting.clone()))
                }
                _ => None,
            })
            .expect("a history entry")
    };
    let mut app = submitting_app();
    let (first, reverting) =
        recorded(&app.update(Msg::Written(WriteOutcome::applied(applied("Production 2")))));
    assert_eq!(reverting, None, "a write of its own");
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Enter);
    let mut back = serde_json::Map::new();
    back.insert("name".into(), json!("Production"));
    let (second, reverting) = recorded(&app.update(Msg::Written(WriteOutcome::applied(
        SubmitOutcome {
            before: renamed("Production 2"),
            after: production(),
            patch: PatchBody::from_fields(back),
            remote_changes: vec![],
        },
    ))));
    let reverting = reverting.expect("recorded as a revert");
    assert_eq!(reverting.of, first);
    assert_eq!(reverting.reverts, Kind::Patch);
    // The undo of the undo names the undo.
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Enter);
    let (_, reverting) =
        recorded(&app.update(Msg::Written(WriteOutcome::applied(applied("Production 2")))));
    assert_eq!(reverting.map(|r| r.of), Some(second));
}

/// After a submit the form's undo history starts again: `u` in the form does not bring back
/// edits the server now holds (it once said "Undid the change to name", like a server action).
#[test]
fn after_a_submit_u_in_the_form_has_nothing_to_undo() {
    let mut app = result_app();
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    key(&mut app, KeyCode::Char('u'));
    assert!(status(&app).contains("Nothing to undo"), "{}", status(&app));
    assert_eq!(app.form.as_ref().unwrap().modified_count(), 0);
}

/// The undo of a Result (not one from the History) that meets a conflict: `m` opens its Review
/// again, and Esc there goes back to the form, not to a History it never came from.
#[test]
fn esc_after_keep_mine_on_a_results_undo_goes_to_the_form() {
    let mut app = result_app();
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Enter);
    let server = renamed("Someone else's");
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&renamed("Production 2"), &server, &patch);
    app.update(Msg::Written(WriteOutcome::Conflict { server, report }));
    key(&mut app, KeyCode::Char('m'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    let effects = key(&mut app, KeyCode::Esc);
    assert!(!effects.contains(&Effect::LoadHistory), "{effects:?}");
    assert!(matches!(app.screen, Screen::Form));
}

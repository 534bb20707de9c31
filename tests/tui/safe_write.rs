//! The safe write (product.md §6) against hostile servers, through the real `orws patch`
//! binary and through the shared core: identity, retries of a write, "may have landed", the
//! server echo, and partial answers. One misbehaviour per test.

use crate::support::cli_bin::{self, Run};
use crate::support::client::client;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::scripted;

use orws::submit::{RetryPolicy, WriteOutcome, WriteRequest, safe_patch};
use orws::workspace::{PatchBody, Workspace};
use scripted::{Hostile, ID, OTHER_ID, Reply, Req, World, honest};
use serde_json::{Value, json};
use std::time::Duration;

/// `orws --base-url URL ARGS…` with a key and a private home; a 10 s timeout per request.
fn orws(server: &Hostile, args: &[&str]) -> Run {
    let mut all = vec!["--timeout", "10"];
    all.extend_from_slice(args);
    cli_bin::keyed_at(server, "sk-or-v1-hostile-test", &all)
}

fn methods(server: &Hostile) -> Vec<String> {
    server.requests().into_iter().map(|r| r.method).collect()
}

/// How many PATCHes the server has seen so far (inside a script).
fn patches(w: &World) -> usize {
    w.count("PATCH")
}

// ---- item 1: every write goes to the uuid that was loaded -------------------------------

#[test]
fn cli_a_get_about_another_workspace_sends_nothing() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("GET") {
            let mut other = w.ws.clone();
            other["id"] = json!(OTHER_ID);
            return Reply::ok(&other);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(OTHER_ID), "{run:?}");
    assert!(run.stderr.contains("nothing was sent"), "{run:?}");
    assert_eq!(methods(&server), ["GET"], "no PATCH to either id");
}

/// Issue 18 item 5: an answer about another workspace proves nothing about whether the write
/// landed: orws reads its own workspace by id and settles three ways.
#[test]
fn cli_a_patch_that_landed_but_was_answered_about_another_workspace_is_applied_and_recorded() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            let mut other = w.ws.clone();
            other["id"] = json!(OTHER_ID);
            return Reply::ok(&other);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(OTHER_ID),
        "the odd answer is told: {run:?}"
    );
    assert!(run.stderr.contains("landed"), "{run:?}");
    assert!(!run.stderr.contains("left as it was"), "{run:?}");
    let history = run.history_text();
    assert_eq!(
        history.lines().count(),
        1,
        "what landed is recorded: {history}"
    );
    assert_has(&history, ID);
    assert_has(&history, "Mine");
    assert_eq!(
        methods(&server),
        ["GET", "PATCH", "GET"],
        "one PATCH, then a read of ours"
    );
}

#[test]
fn cli_a_patch_answered_about_another_workspace_that_did_not_land_says_so_from_a_read() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            // A proxy that sent it elsewhere: ours still holds the base.
            let mut other = w.ws.clone();
            other["id"] = json!(OTHER_ID);
            other["name"] = json!("Mine");
            return Reply::ok(&other);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("not applied"), "{run:?}");
    assert!(
        run.history_text().is_empty(),
        "nothing landed, nothing recorded"
    );
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

#[test]
fn cli_a_patch_answered_about_another_workspace_while_a_colleague_wrote_is_a_conflict() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.ws["name"] = json!("Colleague");
            let mut other = w.ws.clone();
            other["id"] = json!(OTHER_ID);
            return Reply::ok(&other);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.history_text().is_empty());
    assert_eq!(
        methods(&server),
        ["GET", "PATCH", "GET"],
        "nothing more was sent"
    );
}

// ---- item 2: a write is retried only after a fresh GET -----------------------------------

#[test]
fn cli_a_change_made_during_the_wait_is_a_conflict_not_overwritten() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") && patches(w) == 1 {
            // A colleague renames it while orws waits out the 429.
            w.ws["name"] = json!("Theirs");
            return Reply::error(429);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("name is now \"Theirs\""), "{run:?}");
    assert_eq!(server.workspace()["name"], "Theirs", "not overwritten");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

#[test]
fn cli_a_refused_write_is_retried_after_a_get_that_shows_the_base() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") && patches(w) == 1 {
            return Reply::error(503);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("retrying"), "{run:?}");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET", "PATCH"]);
    assert_eq!(server.workspace()["name"], "Mine");
}

#[test]
fn cli_a_503_after_the_write_landed_is_not_sent_again() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            return Reply::error(503);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("was applied"), "{run:?}");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"], "one PATCH only");
    assert!(run.stdout.contains("Mine"), "{run:?}");
    assert_eq!(run.history_text().lines().count(), 1, "{run:?}");
}

#[test]
fn cli_expect_is_checked_again_before_a_retry() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") && patches(w) == 1 {
            w.ws["description"] = json!("changed meanwhile");
            return Reply::error(429);
        }
        honest(req, w)
    });
    let run = orws(
        &server,
        &[
            "patch",
            ID,
            "--set",
            "name=Mine",
            "--expect",
            "description=Production environment workspace",
        ],
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("description"), "{run:?}");
    assert_eq!(server.workspace()["name"], "Production");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

// ---- item 4: a write that may have landed is re-read --------------------------------------

#[test]
fn cli_applied_then_500_says_applied_and_records_history() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            return Reply::error(500);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("shows it was applied"), "{run:?}");
    assert!(run.stdout.contains("✓ applied"), "{run:?}");
    let history = run.history_text();
    assert_eq!(history.lines().count(), 1, "{run:?}");
    assert_has(&history, "Mine");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

#[test]
fn cli_applied_then_cut_off_says_applied() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            return Reply::Drop;
        }
        honest(req, w)
    });
    let run = orws(
        &server,
        &["--output", "json", "patch", ID, "--set", "name=Mine"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("shows it was applied"), "{run:?}");
    let out: Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(out["after"]["name"], "Mine");
    assert_eq!(run.history_text().lines().count(), 1);
}

#[test]
fn cli_a_500_that_did_not_land_says_not_applied() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            return Reply::error(500);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{run:?}");
    assert!(
        lines[0].contains("500") && lines[0].contains("not applied"),
        "{run:?}"
    );
    assert!(run.history_text().is_empty());
}

// ---- item 9: a value stored differently is not "✓ applied" -------------------------------

/// Stores the name lowercased and ignores the description.
fn bending(req: &Req, w: &mut World) -> Reply {
    if req.is("PATCH") {
        let mut patch: Value = serde_json::from_str(&req.body).unwrap();
        if let Some(name) = patch.get("name").and_then(Value::as_str) {
            patch["name"] = json!(name.to_lowercase());
        }
        patch.as_object_mut().unwrap().remove("description");
        w.apply(&patch.to_string());
    }
    Reply::ok(&w.ws)
}

#[test]
fn cli_table_marks_fields_stored_differently_or_ignored() {
    let server = Hostile::start(bending);
    let run = orws(
        &server,
        &[
            "patch",
            ID,
            "--set",
            "name=Mine",
            "--set",
            "description=New",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_lacks(&run.stdout, "✓ applied");
    let name = run.stdout.lines().find(|l| l.starts_with("name")).unwrap();
    assert!(name.contains("stored differently"), "{}", run.stdout);
    let description = run
        .stdout
        .lines()
        .find(|l| l.starts_with("description"))
        .expect("an ignored field still has its row");
    assert!(description.contains("ignored"), "{}", run.stdout);
}

#[test]
fn cli_json_carries_the_mismatches_as_data() {
    let server = Hostile::start(bending);
    let run = orws(
        &server,
        &["--output", "json", "patch", ID, "--set", "name=Mine"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        out["mismatches"],
        json!([{"field": "name", "sent": "Mine", "stored": "mine"}])
    );
}

// ---- item 10: a PATCH answer missing fields is malformed, not a remote change -------------

#[test]
fn cli_a_patch_answer_missing_fields_is_reread_and_warned() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            w.apply(&req.body);
            let mut partial = w.ws.clone();
            partial.as_object_mut().unwrap().remove("description");
            partial
                .as_object_mut()
                .unwrap()
                .remove("default_text_model");
            return Reply::ok(&partial);
        }
        honest(req, w)
    });
    let run = orws(&server, &["patch", ID, "--set", "name=Mine"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("lacked description"), "{run:?}");
    assert_lacks(&run.stdout, "changed remotely");
    assert_lacks(&run.stdout, "description");
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

// ---- the core, as the TUI calls it ---------------------------------------------------------

fn base() -> Workspace {
    Workspace::from_json(scripted::production()).unwrap()
}

fn name_patch(name: &str) -> PatchBody {
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!(name));
    PatchBody::from_fields(m)
}

async fn write(server: &Hostile, patch: &PatchBody) -> (WriteOutcome, Vec<String>) {
    let base = base();
    let mut phases = Vec::new();
    let request = WriteRequest {
        id: ID,
        base: &base,
        patch,
        expects: &[],
        base_is_fresh: false,
    };
    let policy = RetryPolicy {
        backoff: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let outcome = safe_patch(&client(server), request, policy, |p| {
        phases.push(format!("{p:?}"))
    })
    .await;
    (outcome, phases)
}

#[tokio::test]
async fn core_a_pre_submit_get_about_another_id_sends_nothing() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        let mut other = w.ws.clone();
        other["id"] = json!(OTHER_ID);
        if req.is("PATCH") {
            w.apply(&req.body);
        }
        Reply::ok(&other)
    });
    let (outcome, _) = write(&server, &name_patch("Mine")).await;
    let WriteOutcome::WrongTarget(w) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(w.answered, OTHER_ID);
    assert_eq!(methods(&server), ["GET"]);
}

#[tokio::test]
async fn core_a_storm_of_429_stops_after_three_tries() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") {
            return Reply::error(429);
        }
        honest(req, w)
    });
    let (outcome, phases) = write(&server, &name_patch("Mine")).await;
    assert!(
        matches!(outcome, WriteOutcome::NotApplied { .. }),
        "{outcome:?}"
    );
    assert_eq!(server.count("PATCH"), 3, "{:?}", methods(&server));
    assert_eq!(
        phases.iter().filter(|p| p.starts_with("Waiting")).count(),
        2
    );
}

#[tokio::test]
async fn core_a_remote_change_to_another_field_during_the_wait_is_taken_in() {
    let server = Hostile::start(|req: &Req, w: &mut World| {
        if req.is("PATCH") && patches(w) == 1 {
            w.ws["description"] = json!("theirs");
            return Reply::error(503);
        }
        honest(req, w)
    });
    let (outcome, _) = write(&server, &name_patch("Mine")).await;
    let WriteOutcome::Applied(applied) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        applied.outcome.before.get("description"),
        Some(&json!("theirs"))
    );
    assert!(
        applied
            .outcome
            .remote_changes
            .iter()
            .any(|c| c.field == "description"),
        "{applied:?}"
    );
}

// ---- a write the server applied in part (D5, D6) -------------------------------------------

/// A backend that is not atomic: it applies `name` only, then answers 500.
fn half_applier(req: &Req, w: &mut World) -> Reply {
    if req.is("PATCH") {
        let patch: Value = serde_json::from_str(&req.body).unwrap();
        w.ws["name"] = patch["name"].clone();
        return Reply::error(500);
    }
    honest(req, w)
}

fn name_and_description() -> PatchBody {
    let mut m = serde_json::Map::new();
    m.insert("name".into(), json!("Mine"));
    m.insert("description".into(), json!("Mine too"));
    PatchBody::from_fields(m)
}

#[tokio::test]
async fn core_a_partly_applied_write_names_what_landed() {
    let server = Hostile::start(half_applier);
    let (outcome, _) = write(&server, &name_and_description()).await;
    let WriteOutcome::PartlyApplied {
        applied, missing, ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(applied.outcome.patch, name_patch("Mine"));
    assert_eq!(applied.outcome.before.name(), "Production");
    assert_eq!(applied.outcome.after.name(), "Mine");
    assert_eq!(missing, ["description"]);
    assert_eq!(methods(&server), ["GET", "PATCH", "GET"]);
}

#[test]
fn cli_a_partly_applied_write_records_what_landed_and_exits_1() {
    let server = Hostile::start(half_applier);
    let run = orws(
        &server,
        &[
            "patch",
            ID,
            "--set",
            "name=Mine",
            "--set",
            "description=Mine too",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("partly applied: name landed, description did not"),
        "{run:?}"
    );
    let history = run.history_text();
    assert_eq!(history.lines().count(), 1, "{run:?}");
    assert!(
        history.contains("Mine") && !history.contains("Mine too"),
        "only what landed is undoable: {history}"
    );
}

/// A server-supplied id that is not a plausible id never becomes a path: refused before any
/// write, through the one checked path builder.
#[tokio::test]
async fn core_a_dot_id_never_reaches_the_wire() {
    let server = Hostile::start(honest);
    for id in ["..", ".", "", "a/b"] {
        // A base carrying the bad id, as a hostile server would send it.
        let mut bad = base();
        bad.set("id", json!(id));
        let request = WriteRequest {
            id,
            base: &bad,
            patch: &name_patch("Mine"),
            expects: &[],
            base_is_fresh: true,
        };
        let outcome = safe_patch(&client(&server), request, RetryPolicy::default(), |_| {}).await;
        assert!(
            matches!(outcome, WriteOutcome::NotApplied { .. }),
            "{id:?}: {outcome:?}"
        );
    }
    assert_eq!(server.count("PATCH"), 0);
}

/// The TUI shows the Result for the part that landed, and warns that the rest did not.
#[tokio::test]
async fn tui_a_partly_applied_write_shows_what_landed_and_warns() {
    use crate::support::tui_loop::{Setup, WAIT};
    use crossterm::event::KeyCode;

    let server = Hostile::start(half_applier);
    let state = tempfile::tempdir().unwrap();
    let (ui, _task) = Setup::sized(client(&server), Some(ID), 120, 40)
        .state(state.path())
        .spawn();
    ui.wait_for("BROWSE", WAIT).await;
    ui.key(KeyCode::Enter);
    ui.text(" X");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Enter);
    ui.text("-y");
    ui.key(KeyCode::Enter);
    ui.wait_for("2 changes", WAIT).await;
    ui.key(KeyCode::Char('s'));
    ui.wait_for("Review", WAIT).await;
    ui.key(KeyCode::Enter);
    let screen = ui.wait_for("partly applied", WAIT).await;
    assert_has(&screen, "name landed, slug did not");
    assert_has(&screen, "✓ applied");
    // Back in the form, the edit that did not land is still there to send.
    ui.key(KeyCode::Enter);
    ui.wait_for("1 change", WAIT).await;
}

//! End to end, the workspace's other tabs: the real binary against `orws serve-fake` in a
//! pseudo terminal. Each tab is reached with its number key, edited, reviewed (the exact
//! request shown), sent with Enter, and what reached the server is read back from the fake.

use crate::support::common::assert_has;
use crate::support::pty_screen;

use pty_screen::{FakeProcess, Pty, Sandbox, WAIT, has_row};
use reqwest::Method;
use serde_json::Value;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const FORM_LOADED: &str = "Production environment workspace";

fn against_fake(sb: &Sandbox, fake: &FakeProcess) -> Pty {
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let pty = Pty::spawn(cmd, 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    pty
}

#[test]
fn the_budgets_tab_reviews_the_exact_put_and_sends_it() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.send("2");
    pty.wait_until("the budgets", WAIT, |s| has_row(s, &["weekly", "$150"]));
    // The weekly limit (second row): clear, type 120, done, review.
    pty.send("j");
    pty.send("\x1b[3~");
    pty.enter();
    pty.send("120");
    pty.wait_until("the typed limit", WAIT, |s| has_row(s, &["weekly", "120"]));
    pty.enter();
    pty.send("s");
    let review = pty.wait_for(&format!("PUT /workspaces/{PROD}/budgets/weekly"), WAIT);
    assert_has(&review, r#"{"limit_usd":120"#);
    let (_, before) = fake.request(Method::GET, &format!("/workspaces/{PROD}/budgets"), None);
    assert!(
        before.to_string().contains("150"),
        "nothing sent before Enter: {before}"
    );
    pty.enter();
    // The review shows the same row: the result is the one that says it was applied.
    pty.wait_until("the result", WAIT, |s| {
        s.contains("Applied.") && has_row(s, &["weekly", "$150", "$120"])
    });
    let (status, after) = fake.request(Method::GET, &format!("/workspaces/{PROD}/budgets"), None);
    assert_eq!(status, 200, "{after}");
    let weekly = after["data"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|b| b.to_string().contains("week"))
                .and_then(|b| b.get("limit_usd").and_then(Value::as_f64))
        })
        .unwrap_or_else(|| panic!("no weekly budget: {after}"));
    assert_eq!(weekly, 120.0);
    pty.send("q");
    pty.wait_exit(WAIT);
}

#[test]
fn the_guardrail_tab_reviews_the_exact_patch_and_sends_it() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.send("5");
    // The Guardrails list first; Enter opens the default guardrail.
    pty.enter();
    pty.wait_until("the guardrail", WAIT, |s| {
        has_row(s, &["Zero retention: Anthropic", "on"])
    });
    // Zero retention: Anthropic (enforce_zdr_anthropic) is the sixth row: on → off.
    pty.send("jjjjj ");
    pty.wait_until("the toggled value", WAIT, |s| {
        has_row(s, &["Zero retention: Anthropic", "off"])
    });
    pty.send("s");
    let review = pty.wait_for("PATCH /guardrails/", WAIT);
    assert_has(&review, r#""enforce_zdr_anthropic": false"#);
    pty.enter();
    pty.wait_until("the result", WAIT, |s| s.to_lowercase().contains("applied"));
    let ws = fake
        .request(Method::GET, &format!("/workspaces/{PROD}"), None)
        .1;
    let id = ws["data"]["default_guardrail_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, g) = fake.request(Method::GET, &format!("/guardrails/{id}"), None);
    assert_eq!(status, 200, "{g}");
    assert_eq!(
        g["data"]["enforce_zdr_anthropic"],
        Value::Bool(false),
        "{g}"
    );
    pty.send("q");
    pty.wait_exit(WAIT);
}

#[test]
fn the_keys_tab_disables_a_key_through_a_review() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.send("4");
    pty.wait_for("Production backend", WAIT);
    pty.send("d");
    pty.wait_for(r#""disabled": true"#, WAIT);
    let (_, keys) = fake.request(Method::GET, &format!("/keys?workspace_id={PROD}"), None);
    let enabled = |keys: &Value| {
        keys["data"].as_array().is_some_and(|a| {
            a.iter()
                .any(|k| k["name"] == "Production backend" && k["disabled"] == false)
        })
    };
    assert!(enabled(&keys), "nothing sent before Enter: {keys}");
    pty.enter();
    pty.wait_for("applied", WAIT);
    let (status, keys) = fake.request(
        Method::GET,
        &format!("/keys?workspace_id={PROD}&include_disabled=true"),
        None,
    );
    assert_eq!(status, 200, "{keys}");
    let backend = keys["data"]
        .as_array()
        .and_then(|a| a.iter().find(|k| k["name"] == "Production backend"))
        .unwrap_or_else(|| panic!("no key: {keys}"));
    assert_eq!(backend["disabled"], Value::Bool(true), "{backend}");
    pty.esc();
    pty.wait_gone("✓ applied", WAIT);
    pty.send("q");
    pty.wait_exit(WAIT);
}

#[test]
fn the_members_tab_lists_members_with_their_names() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.send("3");
    pty.wait_until("the members", WAIT, |s| {
        has_row(s, &["Jane Doe", "jane.doe@example.com"])
    });
    pty.send("q");
    pty.wait_exit(WAIT);
}

/// Was: "k/y quit and keep the draft" kept only the Settings edits; the Budgets and Guardrail
/// edits the question counted were dropped (issue 20 item 1). Now one draft keeps every tab's
/// edits, and the next open restores each onto its tab.
#[test]
fn quitting_keeps_every_tabs_edits_and_the_next_open_restores_them() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    // Settings: the name.
    pty.enter();
    pty.send("X");
    pty.wait_for("ProductionX", WAIT);
    pty.enter();
    // Budgets: weekly 150 → 120.
    pty.send("2");
    pty.wait_until("the budgets", WAIT, |s| has_row(s, &["weekly", "$150"]));
    pty.send("j");
    pty.send("\x1b[3~");
    pty.enter();
    pty.send("120");
    pty.wait_until("the typed limit", WAIT, |s| has_row(s, &["weekly", "120"]));
    pty.enter();
    // Guardrail: Zero retention: Anthropic on → off.
    pty.send("5");
    // The Guardrails list first; Enter opens the default guardrail.
    pty.enter();
    pty.wait_until("the guardrail", WAIT, |s| {
        has_row(s, &["Zero retention: Anthropic", "on"])
    });
    pty.send("jjjjj ");
    pty.wait_until("the toggled value", WAIT, |s| {
        has_row(s, &["Zero retention: Anthropic", "off"])
    });
    pty.send("q");
    let question = pty.wait_for("3 unsaved changes", WAIT);
    assert_has(&question, "keep the draft");
    pty.send("y");
    assert!(pty.wait_exit(WAIT).success());
    let draft = sb.draft_text(fake.host(), PROD);
    for part in [
        "ProductionX",
        "\"weekly\": \"120\"",
        "\"enforce_zdr_anthropic\": false",
    ] {
        assert!(draft.contains(part), "{part} is not in the draft: {draft}");
    }

    // The next open offers all three and puts each back on its tab.
    let mut pty = against_fake(&sb, &fake);
    let question = pty.wait_for("Restore the draft?", WAIT);
    assert_has(&question, "3 unsaved edit");
    assert_has(&question, "Budgets: weekly");
    pty.send("y");
    pty.wait_until("the restored name", WAIT, |s| {
        has_row(s, &["Name", "ProductionX", "●"])
    });
    pty.send("2");
    pty.wait_until("the restored limit", WAIT, |s| {
        has_row(s, &["weekly", "120"])
    });
    pty.send("5");
    // The Guardrails list first; Enter opens the default guardrail.
    pty.enter();
    pty.wait_until("the restored switch", WAIT, |s| {
        has_row(s, &["Zero retention: Anthropic", "off"])
    });
    // Still three unsaved: the question counts them again.
    pty.send("q");
    pty.wait_for("3 unsaved changes", WAIT);
    pty.send("d");
    assert!(pty.wait_exit(WAIT).success());
    assert_eq!(sb.draft_text(fake.host(), PROD), "", "d deletes the draft");
}

/// A new workspace's typing survives `kill -9`: `n` on the next run offers it back.
#[test]
fn a_new_workspaces_typing_survives_kill_9() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let picker = |sb: &Sandbox| {
        let mut cmd = sb.command(&["--base-url", &fake.url]);
        cmd.env("OPENROUTER_API_KEY", "test");
        let pty = Pty::spawn(cmd, 100, 30);
        pty.wait_for("production", WAIT);
        pty
    };
    let mut pty = picker(&sb);
    pty.send("n");
    pty.send("Team Rocket");
    pty.wait_for("team-rocket", WAIT);
    let new = orws::state::drafts::NEW_WORKSPACE;
    let deadline = std::time::Instant::now() + WAIT;
    while !sb.draft_text(fake.host(), new).contains("Team Rocket") {
        assert!(
            std::time::Instant::now() < deadline,
            "no draft of the typing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pty.kill9();

    let mut pty = picker(&sb);
    pty.send("n");
    // "… for a new workspace: Name." (where it wraps moves with the draft's age).
    pty.wait_until("the question for the new workspace", WAIT, |s| {
        s.contains("Restore the draft?") && s.contains("workspace: Name.")
    });
    pty.send("y");
    pty.wait_until("the name and the slug that follows it", WAIT, |s| {
        s.contains("Team Rocket") && s.contains("team-rocket")
    });
    // Out of typing first (an Esc glued to the next key reads as Alt).
    pty.esc();
    pty.wait_gone("type · Tab other field", WAIT);
    pty.send("q");
    pty.wait_for_nocase("unsaved", WAIT);
    pty.send("d");
    assert!(pty.wait_exit(WAIT).success());
    assert_eq!(sb.draft_text(fake.host(), new), "");
}

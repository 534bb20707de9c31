//! End to end, the Guardrails tab (5): the real binary against `orws serve-fake` in a pseudo
//! terminal at 100×30 and 60×20 — the list with its counts, a named guardrail opened as a form,
//! and a create through the Review of the exact POST, read back from the fake.

use crate::support::common::assert_has;
use crate::support::pty_screen;

use pty_screen::{FakeProcess, Pty, Sandbox, WAIT, has_row};
use reqwest::Method;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const EU: &str = "7b1e4c2a-3d5f-4a6b-9c8d-0e1f2a3b4c5d";

fn against_fake(sb: &Sandbox, fake: &FakeProcess, cols: u16, rows: u16) -> Pty {
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let pty = Pty::spawn(cmd, cols, rows);
    pty.wait_for("Settings", WAIT);
    pty
}

/// The guardrails named in the fake's workspace.
fn names(fake: &FakeProcess) -> Vec<String> {
    let (status, body) = fake.request(
        Method::GET,
        &format!("/guardrails?workspace_id={PROD}"),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str().map(str::to_string))
        .collect()
}

fn list_open_and_create(cols: u16, rows: u16) {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake, cols, rows);
    pty.send("5");
    // The default first, then the named ones with their key and member counts.
    let list = pty.wait_until("the list with counts", WAIT, |s| {
        has_row(s, &["EU data only", "1", "1"]) && has_row(s, &["Batch budget", "1", "0"])
    });
    assert!(has_row(&list, &["(default)", "all", "all"]), "{list}");

    // A named guardrail opens as a form with its name and description.
    pty.send("j");
    pty.enter();
    let form = pty.wait_until("the named form", WAIT, |s| {
        has_row(s, &["Name", "EU data only"]) && s.contains("Description")
    });
    assert_has(&form, "Allowed data regions");
    pty.esc();
    pty.wait_until("the list again", WAIT, |s| {
        has_row(s, &["Batch budget", "1", "0"])
    });

    // A create: name, a limit with its reset, through the Review of the exact POST.
    pty.send("n");
    pty.wait_for("New guardrail", WAIT);
    pty.send("Night batch\t\t40");
    // Enter ends the typing (an Esc followed at once by a key would read as Alt).
    pty.enter();
    pty.send("j ");
    pty.wait_until("the reset chosen", WAIT, |s| {
        has_row(s, &["Limit resets", "daily"])
    });
    pty.send("s");
    let review = pty.wait_until("the review", WAIT, |s| {
        s.contains("POST /guardrails") && s.contains("Enter send")
    });
    assert_has(&review, "enforces nothing until");
    assert!(
        !names(&fake).contains(&"Night batch".to_string()),
        "nothing sent before Enter"
    );
    pty.enter();
    pty.wait_for("created", WAIT);
    assert!(names(&fake).contains(&"Night batch".to_string()));
    pty.enter();
    pty.wait_until("the new one listed", WAIT, |s| {
        has_row(s, &["Night batch", "0", "0"])
    });
    // Untouched by all this: the named guardrail opened.
    let (_, eu) = fake.request(Method::GET, &format!("/guardrails/{EU}"), None);
    assert_eq!(eu["data"]["name"], "EU data only");
    pty.send("q");
    assert!(pty.wait_exit(WAIT).success());
}

#[test]
fn the_guardrails_tab_at_100x30_lists_opens_and_creates() {
    list_open_and_create(100, 30);
}

#[test]
fn the_guardrails_tab_at_60x20_lists_opens_and_creates() {
    list_open_and_create(60, 20);
}

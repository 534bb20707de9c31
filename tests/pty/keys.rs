//! End to end, the Keys tab (4): the real binary against `orws serve-fake --now` in a pseudo
//! terminal at 100×30 and 60×20 (product.md §12, §15): the columns (effective guardrail,
//! usage and limit, expiry, last use, the labels), and a key created through its Review to
//! the secret's dialog, which closes only once the person says the secret is stored.

use crate::support::common::{assert_has, assert_lacks};
use crate::support::pty_screen;

use pty_screen::{FakeProcess, Pty, Sandbox, WAIT, has_row};
use reqwest::Method;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const NOW: &str = "2026-12-01T12:00:00Z";

fn keys_tab(sb: &Sandbox, fake: &FakeProcess, cols: u16, rows: u16) -> Pty {
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let pty = Pty::spawn(cmd, cols, rows);
    pty.wait_for("Production", WAIT);
    pty.send("4");
    pty.wait_for("Production backend", WAIT);
    pty
}

#[test]
fn the_keys_tab_at_100x30_shows_each_keys_guardrail_dates_and_labels() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start_with(&sb, &["--now", NOW]);
    let mut pty = keys_tab(&sb, &fake, 100, 30);
    let screen = pty.wait_until("the assignments", WAIT, |s| {
        has_row(s, &["Batch jobs", "Batch budget"])
    });
    for row in [
        &[
            "Production back",
            "EU data only",
            "$123.45 / $500.00",
            "never",
            "today",
            "no expiry",
        ][..],
        &[
            "Batch jobs",
            "$17.20 / none",
            "45d ago",
            "no limit, no expiry, idle 3",
        ],
        &["Old integration", "default", "never", "disabled, no limit"],
        &[
            "Trial 2025",
            "default",
            "expired",
            "6d ago",
            "no limit, expired",
        ],
    ] {
        assert!(has_row(&screen, row), "{row:?}\n{screen}");
    }
    pty.send("q");
    pty.wait_exit(WAIT);
}

#[test]
fn the_keys_tab_at_60x20_shows_name_state_and_labels_and_the_rest_below() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start_with(&sb, &["--now", NOW]);
    let mut pty = keys_tab(&sb, &fake, 60, 20);
    let screen = pty.wait_for("guardrail EU", WAIT);
    assert!(has_row(&screen, &["Name", "State", "Labels"]), "{screen}");
    assert!(
        has_row(&screen, &["Old integration", "disabled"]),
        "{screen}"
    );
    assert_lacks(&screen, "Usage / limit");
    // The detail line follows the selection.
    pty.send("j");
    pty.wait_for("guardrail Batch", WAIT);
    pty.send("jj");
    pty.wait_for("expires 2026-11-26", WAIT);
    pty.send("q");
    pty.wait_exit(WAIT);
}

/// `n`, a name and a limit, the Review of the exact POST, Enter: the secret's dialog, which
/// Enter alone does not close and Esc asks about; Space then Enter close it. The key is on the
/// server, and the secret is in no file orws wrote.
fn create_through_the_dialog(cols: u16, rows: u16) {
    let sb = Sandbox::new();
    let fake = FakeProcess::start_with(&sb, &["--now", NOW]);
    let mut pty = keys_tab(&sb, &fake, cols, rows);
    pty.send("n");
    pty.wait_for("New key", WAIT);
    pty.send("pty key\t0");
    pty.wait_for("✗ '0' is not an amount", WAIT);
    pty.send("\x7f25");
    pty.esc();
    pty.wait_gone("✗", WAIT);
    pty.send("s");
    let review = pty.wait_for("Create key \"pty key\"", WAIT);
    assert_has(&review, "$25");
    let (_, before) = fake.request(Method::GET, &format!("/keys?workspace_id={PROD}"), None);
    assert!(
        !before.to_string().contains("pty key"),
        "nothing sent before Enter"
    );
    pty.enter();
    let dialog = pty.wait_for("I have stored it", WAIT);
    let secret = dialog
        .lines()
        .find_map(|l| {
            let at = l.find("sk-or-v1-")?;
            Some(l[at..].trim_end_matches(['│', ' ']).to_string())
        })
        .expect("the secret shows");
    pty.enter();
    pty.wait_for("first (Space)", WAIT);
    pty.esc();
    pty.wait_for("Have you stored it?", WAIT);
    pty.send("n");
    pty.send(" ");
    pty.wait_for("[x] I have stored it", WAIT);
    pty.enter();
    let after = pty.wait_gone("I have stored it", WAIT);
    assert_lacks(&after, &secret);
    let (_, keys) = fake.request(Method::GET, &format!("/keys?workspace_id={PROD}"), None);
    assert!(keys.to_string().contains("pty key"), "{keys}");
    pty.send("q");
    pty.wait_exit(WAIT);
    let mut todo = vec![sb.path().to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(&secret),
                    "the secret is in {}",
                    p.display()
                );
            }
        }
    }
}

#[test]
fn a_key_created_at_100x30_shows_its_secret_until_it_is_stored() {
    create_through_the_dialog(100, 30);
}

#[test]
fn a_key_created_at_60x20_shows_its_secret_until_it_is_stored() {
    create_through_the_dialog(60, 20);
}

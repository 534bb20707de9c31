//! A production profile in the real binary (product.md §14): the title names the profile
//! beside READ-ONLY, a write's Review offers no Enter and nothing leaves; with `--write` the
//! title says WRITE and the edit lands; each profile's drafts are its own.

use crate::support::common::assert_has;
use crate::support::pty_screen;

use pty_screen::{FakeProcess, Pty, Sandbox, WAIT};
use reqwest::Method;

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const FORM_LOADED: &str = "Production environment workspace";

/// A config with the profile `acme` (production, red) on `fake`, its key from a command.
fn configured(sb: &Sandbox, fake: &FakeProcess) {
    let dir = sb.path().join("config/orws");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[profiles.acme]\nbase_url = \"{}\"\napi_key_cmd = \"echo test\"\nproduction = true\ncolor = \"red\"\n",
            fake.url
        ),
    )
    .unwrap();
}

fn name_on_server(fake: &FakeProcess) -> String {
    let (status, body) = fake.request(Method::GET, &format!("/workspaces/{PROD}"), None);
    assert_eq!(status, 200, "{body}");
    body["data"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_production_profile_is_read_only_in_the_tui_until_the_run_says_write() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    configured(&sb, &fake);

    let mut pty = Pty::spawn(sb.command(&["--profile", "acme", "production"]), 100, 30);
    let screen = pty.wait_for(FORM_LOADED, WAIT);
    let title = screen.lines().next().unwrap_or_default().to_string();
    assert!(
        title.contains(" acme ") && title.contains("READ-ONLY"),
        "{title}"
    );
    pty.enter();
    pty.send(" 2");
    pty.wait_for("Production 2", WAIT);
    pty.esc();
    pty.wait_for(" BROWSE ", WAIT);
    pty.send("s");
    let review = pty.wait_for("production profile acme", WAIT);
    assert_has(&review, "--write");
    pty.enter();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(name_on_server(&fake), "Production", "nothing was sent");
    // The draft is kept under the profile, not the host.
    pty.esc();
    pty.wait_gone("Review ·", WAIT);
    pty.send("q");
    pty.wait_for_nocase("keep", WAIT);
    pty.send("k");
    pty.wait_exit(WAIT);
    assert!(
        !sb.draft_files("profile:acme", PROD).is_empty(),
        "the profile's draft is kept"
    );
    assert!(sb.draft_files(fake.host(), PROD).is_empty());

    let mut pty = Pty::spawn(
        sb.command(&["--profile", "acme", "--write", "production"]),
        100,
        30,
    );
    pty.wait_until("the draft question", WAIT, |s| {
        s.to_lowercase().contains("draft")
    });
    pty.send("y");
    let screen = pty.wait_for("Production 2", WAIT);
    let title = screen.lines().next().unwrap_or_default().to_string();
    assert!(
        title.contains(" acme ") && title.contains("WRITE"),
        "{title}"
    );
    assert!(!title.contains("READ-ONLY"), "{title}");
    pty.send("s");
    pty.wait_for_nocase("enter", WAIT);
    pty.enter();
    pty.wait_for_nocase("applied", WAIT);
    assert_eq!(name_on_server(&fake), "Production 2");
    pty.send("q");
    pty.wait_exit(WAIT);
}

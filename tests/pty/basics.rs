//! End to end: the real binary in a pseudo terminal, driven by keystrokes, its screen read
//! through a VT parser. Open → edit → review → submit → result; the quit question; a conflict;
//! a draft surviving `kill -9`; the too-small notice and a resize; the picker's filter;
//! signals and Ctrl-Z; the demo keeping nothing in the person's state.
//! Each test has its own PTY, temp HOME/XDG dirs and (where needed) its own `orws serve-fake`,
//! so they run in parallel. Every wait polls the screen with a deadline.

use crate::support::common::{assert_has, assert_lacks};
use crate::support::pty_screen;

use pty_screen::{
    FakeProcess, Pty, Sandbox, WAIT, assert_restored, contains, has_row, rfind, stty_flag,
};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
/// On the form only (the description's value): the workspace is loaded and drawn.
const FORM_LOADED: &str = "Production environment workspace";

/// `orws --base-url URL production` against a `serve-fake` child, with a key in the env.
fn against_fake(sb: &Sandbox, fake: &FakeProcess) -> Pty {
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "test");
    Pty::spawn(cmd, 100, 30)
}

/// The workspace as the fake holds it now.
fn server_workspace(fake: &FakeProcess) -> Value {
    let (status, body) = fake.request(Method::GET, &format!("/workspaces/{PROD}"), None);
    assert_eq!(status, 200, "{body}");
    body.get("data").cloned().unwrap_or(body)
}

/// True when one screen row holds all of `parts`. Frames can arrive in several reads, so the
/// tests wait for whole rows rather than assert on a screen caught mid-frame.
/// Enters edit mode on the focused field (name), appends `suffix`, waits for the echo.
fn append_to_name(pty: &Pty, suffix: &str, expected: &str) {
    pty.enter();
    pty.send(suffix);
    pty.wait_for(expected, WAIT);
}

#[test]
fn demo_edit_review_submit_result_then_quit_restores_the_terminal() {
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(sb.command(&["--demo", "production"]), 100, 30);
    pty.wait_until("the form with its values", WAIT, |s| {
        s.contains(FORM_LOADED) && has_row(s, &["Name", "Production"])
    });

    let running = pty.stty();
    assert!(
        !stty_flag(&running, "icanon") && !stty_flag(&running, "echo"),
        "orws runs the terminal raw:\n{running}"
    );

    append_to_name(&pty, " 2", "Production 2");
    pty.enter();
    pty.send("s");
    let review = pty.wait_for(r#""name": "Production 2""#, WAIT);
    assert!(
        !review.contains(r#""slug""#),
        "only name is sent:\n{review}"
    );

    pty.enter();
    pty.wait_until("the name applied on the result", WAIT, |s| {
        has_row(s, &["Name", "Production 2", "applied"])
    });

    pty.esc();
    pty.wait_until("the form after the result", WAIT, |s| {
        s.contains(FORM_LOADED) && !s.contains("applied")
    });
    // The submit made the server's answer the base: nothing unsaved, so q quits at once.
    pty.send("q");
    let status = pty.wait_exit(WAIT);
    assert!(status.success(), "exit status {status:?}");

    let raw = pty.raw();
    let pairs: [(&[u8], &[u8], &str); 3] = [
        (b"\x1b[?1049h", b"\x1b[?1049l", "the alternate screen"),
        (b"\x1b[?2004h", b"\x1b[?2004l", "bracketed paste"),
        (b"\x1b[?25l", b"\x1b[?25h", "the hidden cursor"),
    ];
    for (on, off, what) in pairs {
        let entered = rfind(&raw, on).unwrap_or_else(|| panic!("{what} was never entered"));
        let left = rfind(&raw, off).unwrap_or_else(|| panic!("{what} was never left"));
        assert!(left > entered, "{what} is still on after exit");
    }
    let after = pty.stty();
    assert!(
        stty_flag(&after, "icanon") && stty_flag(&after, "echo"),
        "raw mode is off after exit:\n{after}"
    );
    // The demo's history went to its own temp dir, not the person's state.
    assert!(
        !sb.state_dir().join("history.jsonl").exists(),
        "the demo wrote history into the real state dir"
    );
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.wait_for(FORM_LOADED, WAIT);
    append_to_name(&pty, "X", "ProductionX");
    pty.enter();

    pty.send("q");
    pty.wait_for_nocase("unsaved", WAIT);
    assert!(pty.try_status().is_none(), "q asked instead of quitting");

    pty.send("n");
    pty.wait_until("the question to close, the edit kept", WAIT, |s| {
        !s.to_lowercase().contains("unsaved") && has_row(s, &["Name", "ProductionX", "●"])
    });
    assert!(pty.try_status().is_none(), "n stays");

    pty.send("q");
    pty.wait_for_nocase("unsaved", WAIT);
    pty.send("y");
    let status = pty.wait_exit(WAIT);
    assert!(status.success(), "exit status {status:?}");
    // y quits keeping the draft (d would discard it).
    let draft = sb.draft_text(fake.host(), PROD);
    assert!(
        draft.contains("ProductionX"),
        "the draft is kept: {draft:?}"
    );
}

/// `--demo` keeps its drafts and history in a temp dir of its own: nothing lands in the
/// person's state, and nothing is offered from it next time.
#[test]
fn the_demo_keeps_nothing_in_the_real_state() {
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(sb.command(&["--demo", "production"]), 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    append_to_name(&pty, "X", "ProductionX");
    pty.enter();
    pty.send("q");
    pty.wait_for_nocase("unsaved", WAIT);
    // The demo keeps no draft once it quits: `d` is the way out (`y` would lose the edit).
    pty.send("d");
    assert!(pty.wait_exit(WAIT).success());
    assert!(
        !sb.state_dir().join("drafts").exists(),
        "the demo wrote a draft into the real state dir"
    );
}

/// A demo killed earlier left its temp dir behind: the next demo removes it when it quits
/// (not on its way to the first form), and leaves what is not a dead demo's alone.
#[test]
fn a_demo_removes_the_dirs_of_killed_demos_when_it_quits() {
    let sb = Sandbox::new();
    let tmp = sb.path().join("tmp");
    let dead = tmp.join("orws-demo-killed");
    let other = tmp.join("orws-demo-not-ours");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    // A lock file nobody holds: its demo is gone. The other has no lock file.
    std::fs::write(dead.join(".orws-demo.lock"), "").unwrap();
    let mut cmd = sb.command(&["--demo", "production"]);
    cmd.env("TMPDIR", &tmp);
    let mut pty = Pty::spawn(cmd, 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    assert!(dead.exists(), "removed on the way to the first form");
    pty.send("q");
    assert!(pty.wait_exit(WAIT).success());
    assert!(!dead.exists(), "the killed demo's dir is still there");
    assert!(other.exists(), "a dir without orws's lock file was removed");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        [std::ffi::OsString::from("orws-demo-not-ours")],
        "its own dir went too"
    );
}

#[test]
fn a_conflict_stops_the_submit_and_shows_the_remote_value() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let pty = against_fake(&sb, &fake);
    pty.wait_for(FORM_LOADED, WAIT);
    append_to_name(&pty, " 2", "Production 2");
    pty.enter();

    // Someone else renames it between our load and our submit.
    let (status, body) = fake.request(
        Method::PATCH,
        "/workspaces/production",
        Some(json!({"name": "Renamed Elsewhere"})),
    );
    assert_eq!(status, 200, "{body}");

    pty.send("s");
    pty.wait_for(r#""name": "Production 2""#, WAIT);
    pty.enter();
    // The row: field, base, theirs, yours.
    pty.wait_until("the conflict row", WAIT, |s| {
        has_row(
            s,
            &["Name", "Production", "Renamed Elsewhere", "Production 2"],
        )
    });
    assert_eq!(
        server_workspace(&fake)["name"],
        json!("Renamed Elsewhere"),
        "orws sent no PATCH"
    );
}

#[test]
fn a_draft_survives_kill_9_and_is_offered_on_the_next_open() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut pty = against_fake(&sb, &fake);
    pty.wait_for(FORM_LOADED, WAIT);
    // Still in edit mode when killed: every keystroke counts, not only finished edits.
    append_to_name(&pty, " 2", "Production 2");

    // Drafts are written a debounce window (250 ms) after a change: wait well past it, by
    // polling for the file, before the kill.
    let deadline = Instant::now() + WAIT;
    let path = loop {
        let files = sb.draft_files(fake.host(), PROD);
        let name = files
            .first()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|d| d["fields"]["name"].as_str().map(str::to_string));
        if name.as_deref() == Some("Production 2") {
            break files[0].clone();
        }
        assert!(
            Instant::now() < deadline,
            "no draft with the edit (files {files:?}, name {name:?})"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "the draft is private");
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&sb.state_dir()), 0o700);
    }
    let status = pty.kill9();
    assert!(!status.success());

    let pty = against_fake(&sb, &fake);
    let question = pty.wait_until("the restore question", WAIT, |s| {
        let s = s.to_lowercase();
        s.contains("restore") && s.contains("draft")
    });
    assert!(
        !question.contains("Production 2"),
        "not restored before the answer:\n{question}"
    );
    pty.send("y");
    // The name row shows the edit, marked modified, and the question is gone.
    pty.wait_until("the restored edit, marked modified", WAIT, |s| {
        has_row(s, &["Name", "Production 2", "●"]) && !s.to_lowercase().contains("draft")
    });
    assert_eq!(
        server_workspace(&fake)["name"],
        json!("Production"),
        "restoring sends nothing"
    );
}

#[test]
fn too_small_shows_a_notice_and_a_resize_brings_the_form() {
    let sb = Sandbox::new();
    let pty = Pty::spawn(sb.command(&["--demo", "production"]), 59, 19);
    let small = pty.wait_for_nocase("too small", WAIT);
    assert_lacks(&small, FORM_LOADED);
    pty.resize(100, 30);
    pty.wait_until("the form in place of the notice", WAIT, |s| {
        s.contains(FORM_LOADED) && !s.to_lowercase().contains("too small")
    });
}

#[test]
fn the_demo_picker_filters_and_opens() {
    let sb = Sandbox::new();
    let pty = Pty::spawn(sb.command(&["--demo"]), 100, 30);
    pty.wait_until("the list", WAIT, |s| {
        s.contains("production") && s.contains("staging")
    });
    pty.send("/prod");
    pty.wait_until("the filtered list", WAIT, |s| {
        !s.contains("staging") && s.contains("production")
    });
    // Enter applies the filter and returns to the list; Enter there opens.
    pty.enter();
    pty.wait_until("the list again", WAIT, |s| s.contains("WORKSPACES"));
    pty.enter();
    pty.wait_for(FORM_LOADED, WAIT);
}

#[test]
fn the_harness_sees_what_it_sends() {
    // The harness itself: escape sequences found in raw output, flags read from stty.
    assert!(contains(b"ab\x1b[?1049lcd", b"\x1b[?1049l"));
    assert_eq!(rfind(b"xaxa", b"xa"), Some(2));
    assert!(stty_flag("speed 38400 baud; -icanon echo", "echo"));
    assert!(!stty_flag("speed 38400 baud; -icanon echo", "icanon"));
}

/// `e` hands the terminal to $EDITOR (here a script that writes text) and takes it back: the
/// text lands in the description, marked modified, and the screen is redrawn whole.
#[test]
fn the_editor_script_text_comes_back_into_the_description() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let script = sb.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf 'Written by the editor script\\n' > \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = sb.command(&["--demo", "production"]);
    cmd.env("EDITOR", script.display().to_string());
    let pty = Pty::spawn(cmd, 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    pty.send("jj");
    pty.wait_until("the description focused", WAIT, |s| {
        s.lines().any(|l| l.contains("▶ Description"))
    });
    pty.send("e");
    pty.wait_until("the edited description, modified", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("Written by the editor script") && l.contains('●'))
    });
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end orws cleanly, with exit code 128 + the signal
/// number (143, 129, 130, 131): the terminal is back in cooked
/// mode, the alternate screen and mouse capture are left, and the unsaved edit is on disk as
/// a draft (written at once, not after the debounce).
#[test]
fn stop_signals_restore_the_terminal_and_keep_the_draft() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130), ("QUIT", 131)] {
        let sb = Sandbox::new();
        let fake = FakeProcess::start(&sb);
        let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
        cmd.env("OPENROUTER_API_KEY", "test");
        let mut pty = Pty::spawn(cmd, 100, 30);
        pty.wait_for(FORM_LOADED, WAIT);
        append_to_name(&pty, " signalled", "Production signalled");
        pty.signal(signal);
        let status = pty.wait_exit(WAIT);
        assert_eq!(
            status.exit_code(),
            code,
            "SIG{signal}: exit 128 + the signal's number, so scripts can tell"
        );
        assert_restored(&pty, &format!("SIG{signal}"));
        let text = sb.draft_text(fake.host(), PROD);
        assert!(
            text.contains("Production signalled"),
            "SIG{signal}: {text:?}"
        );
    }
}

/// Ctrl-Z (here in edit mode) and SIGTSTP suspend cleanly: the draft is on disk, the terminal
/// is cooked and off the alternate screen while stopped; SIGCONT takes it back and redraws,
/// and typing goes on where it was.
#[test]
fn ctrl_z_and_sigtstp_suspend_and_sigcont_redraws() {
    for how in ["Ctrl-Z", "SIGTSTP"] {
        let sb = Sandbox::new();
        let fake = FakeProcess::start(&sb);
        let mut pty = against_fake(&sb, &fake);
        pty.wait_for(FORM_LOADED, WAIT);
        append_to_name(&pty, " zz", "Production zz");
        if how == "Ctrl-Z" {
            pty.send(b"\x1a");
        } else {
            pty.signal("TSTP");
        }
        pty.wait_stty(&format!("{how}: the terminal given back"), WAIT, |s| {
            stty_flag(s, "icanon") && stty_flag(s, "echo")
        });
        pty.wait_gone(FORM_LOADED, WAIT);
        let deadline = Instant::now() + WAIT;
        while pty.proc_state() != Some('T') {
            assert!(
                Instant::now() < deadline,
                "{how}: the process never stopped"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let text = sb.draft_text(fake.host(), PROD);
        assert!(
            text.contains("Production zz"),
            "{how}: the draft before the stop: {text:?}"
        );
        let raw = pty.raw();
        let entered = rfind(&raw, b"\x1b[?1049h").expect("the alternate screen was entered");
        let left = rfind(&raw, b"\x1b[?1049l").expect("the alternate screen was left");
        assert!(
            left > entered,
            "{how}: still on the alternate screen while stopped"
        );

        pty.signal("CONT");
        pty.wait_until(&format!("{how}: the form redrawn"), WAIT, |s| {
            s.contains(FORM_LOADED) && s.contains("Production zz")
        });
        pty.wait_stty(&format!("{how}: raw again"), WAIT, |s| {
            !stty_flag(s, "icanon") && !stty_flag(s, "echo")
        });
        // Still in edit mode: typing goes on.
        pty.send("!");
        pty.wait_for("Production zz!", WAIT);
        assert!(pty.try_status().is_none(), "{how}: still running");
    }
}

/// `$EDITOR` runs without `OPENROUTER_API_KEY` (nor any `OPENROUTER_*`) in its environment,
/// on a 0600 file in a 0700 directory of its own; the script reports what it saw.
#[test]
fn the_editor_never_sees_the_key() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let report = sb.path().join("report");
    let script = sb.path().join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nenv > '{r}.env'\nstat -c '%a' \"$1\" \"$(dirname \"$1\")\" > '{r}.modes'\n\
             printf 'edited\\n' > \"$1\"\n",
            r = report.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = sb.command(&["--base-url", &fake.url, "production"]);
    cmd.env("OPENROUTER_API_KEY", "sk-or-v1-must-not-leak");
    cmd.env("EDITOR", script.display().to_string());
    let pty = Pty::spawn(cmd, 100, 30);
    pty.wait_for(FORM_LOADED, WAIT);
    pty.send("jj");
    pty.wait_until("the description focused", WAIT, |s| {
        s.lines().any(|l| l.contains("▶ Description"))
    });
    pty.send("e");
    pty.wait_until("the edited description", WAIT, |s| {
        s.lines().any(|l| l.contains("edited") && l.contains('●'))
    });
    let env = std::fs::read_to_string(sb.path().join("report.env")).expect("the script ran");
    assert_has(&env, "PATH=");
    assert_lacks(&env, "OPENROUTER_API_KEY");
    assert_lacks(&env, "must-not-leak");
    let modes = std::fs::read_to_string(sb.path().join("report.modes")).unwrap();
    assert_eq!(modes.split_whitespace().collect::<Vec<_>>(), ["600", "700"]);
}

/// `?` and F1 show the keys on the picker, the form and the review of the real binary, and any
/// key closes them; a mistyped workspace leads back to the list with Esc.
#[test]
fn help_shows_everywhere_and_a_failed_open_is_not_a_dead_end() {
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(sb.command(&["--demo", "prodution"]), 80, 24);
    pty.wait_for_nocase("not found", WAIT);
    pty.esc();
    pty.wait_until("the list", WAIT, |s| {
        s.contains("production") && s.contains("staging")
    });
    pty.send("?");
    pty.wait_for("Workspaces", WAIT);
    pty.wait_for("any key closes", WAIT);
    pty.send("x");
    pty.wait_gone("any key closes", WAIT);
    pty.send("/prod");
    pty.enter();
    pty.enter();
    pty.wait_for(FORM_LOADED, WAIT);
    // F1 is "\x1bOP" in most terminals.
    pty.send("\x1bOP");
    // The tab keys share two lines (`1 2 3 4 5`, `[ ]`): the form's help fits 24 rows.
    let help = pty.wait_for("any key closes", WAIT);
    assert_has(&help, "go to tab 1–5");
    assert_has(&help, "delete the workspace");
    pty.send("x");
    pty.wait_gone("any key closes", WAIT);
    append_to_name(&pty, " 2", "Production 2");
    pty.enter();
    pty.send("s");
    pty.wait_for(r#""name": "Production 2""#, WAIT);
    pty.send("?");
    let help = pty.wait_for("any key closes", WAIT);
    assert_has(&help, "Review");
    assert_has(&help, "Enter");
    pty.send("x");
    pty.wait_gone("any key closes", WAIT);
    pty.esc();
    pty.wait_gone("Review ·", WAIT);
    pty.send("q");
    pty.wait_for("Quit?", WAIT);
    pty.send("d");
    pty.wait_exit(WAIT);
}

/// 60×20 (a tmux split) is usable: the form, its hints and help, no "too small" notice.
#[test]
fn the_form_is_usable_at_60x20() {
    let sb = Sandbox::new();
    let mut pty = Pty::spawn(sb.command(&["--demo", "production"]), 60, 20);
    let form = pty.wait_until("the form at 60x20", WAIT, |s| {
        has_row(s, &["Name", "Production"]) && s.contains("BROWSE")
    });
    assert!(!form.to_lowercase().contains("too small"), "{form}");
    pty.send("?");
    // Longer than the screen: the help scrolls with j k PgUp PgDn, other keys close it.
    pty.wait_for("others close", WAIT);
    pty.send("j");
    pty.wait_until("scrolled one row", WAIT, |s| s.contains(" 1/"));
    pty.send("x");
    pty.wait_gone("others close", WAIT);
    pty.send("q");
    pty.wait_exit(WAIT);
}

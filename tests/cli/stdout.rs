//! A result that cannot be written to stdout is not a success (product.md §1, §15 "stdout"):
//! a full disk or a stdout not open for writing is a line on stderr and exit 1; a reader that
//! quit early (`orws list | head`) is a quiet exit 0. The real binary, against the in-process
//! fake, with a private home.

use crate::support::cli_bin;
use crate::support::common::assert_has;

use cli_bin::*;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

/// orws against `url` with the private home `home`, stdin not a terminal, stderr piped.
fn command(home: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = command_at(home, url, args);
    cmd.stderr(Stdio::piped());
    cmd
}

/// Runs to the end with stdout going to `stdout`: the exit code and stderr.
fn run_with_stdout(cmd: &mut Command, stdout: Stdio) -> (i32, String) {
    let out = cmd.stdout(stdout).output().expect("the binary runs");
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A fake, a home whose history has one entry, and a file that plans one change: every
/// command below has something to print.
fn setup() -> (orws::fake::FakeServer, tempfile::TempDir, String) {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    let (code, stderr) = run_with_stdout(
        &mut command(
            home.path(),
            &server.url(),
            &["patch", "staging", "--set", "description=written"],
        ),
        Stdio::null(),
    );
    assert_eq!(code, 0, "{stderr}");
    let file = home.path().join("ws.toml");
    std::fs::write(
        &file,
        format!("[workspaces.\"{PROD_ID}\"]\nname = \"Planned name\"\n"),
    )
    .unwrap();
    (server, home, file.display().to_string())
}

fn commands(file: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["export", "--all"],
        vec!["list"],
        vec!["get", "production"],
        vec!["plan", file],
        vec!["history"],
        vec!["--output", "json", "list"],
    ]
}

/// `> /dev/full`: nothing could be written, so the run fails with one clear line (it used to
/// exit 0 having written nothing).
#[test]
fn a_full_disk_on_stdout_is_exit_1_with_a_clear_line() {
    let (server, home, file) = setup();
    for args in commands(&file) {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_with_stdout(
            &mut command(home.path(), &server.url(), &args),
            Stdio::from(full),
        );
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the result to stdout")
                && stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// A stdout open only for reading (EBADF on write) is a failure too, not a silent success.
#[test]
fn a_stdout_not_open_for_writing_is_exit_1() {
    let (server, home, file) = setup();
    for args in [vec!["list"], vec!["plan", file.as_str()]] {
        let read_only = std::fs::File::open("/dev/null").unwrap();
        let (code, stderr) = run_with_stdout(
            &mut command(home.path(), &server.url(), &args),
            Stdio::from(read_only),
        );
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the result to stdout"),
            "{args:?}: {stderr}"
        );
    }
}

/// `plan --detailed-exitcode` prints its plan before it exits 4: when that plan cannot be
/// written the run is a failure (1), not "changes present".
#[test]
fn a_plan_that_cannot_be_written_is_exit_1_not_4() {
    let (server, home, file) = setup();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let (code, stderr) = run_with_stdout(
        &mut command(
            home.path(),
            &server.url(),
            &["plan", "--detailed-exitcode", &file],
        ),
        Stdio::from(full),
    );
    assert_eq!(code, 1, "{stderr}");
    assert_has(&stderr, "cannot write the result to stdout");
    // With a stdout that works, the same plan is exit 4.
    let (code, stderr) = run_with_stdout(
        &mut command(
            home.path(),
            &server.url(),
            &["plan", "--detailed-exitcode", &file],
        ),
        Stdio::null(),
    );
    assert_eq!(code, 4, "{stderr}");
}

/// Asserts stderr says nothing of the pipe and nothing panicked.
#[track_caller]
fn quiet_about_the_pipe(args: &[&str], stderr: &str) {
    for word in ["pipe", "Pipe", "panick", "stdout", "error"] {
        assert!(!stderr.contains(word), "{args:?}: {stderr}");
    }
}

/// A reader that is gone before orws writes (its end of the pipe closed): exit 0, quietly.
#[test]
fn a_pipe_closed_before_the_result_is_a_quiet_exit_0() {
    let (server, home, file) = setup();
    for args in commands(&file) {
        let mut child = command(home.path(), &server.url(), &args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        quiet_exit_0(child, &args);
    }
}

/// Once the reader is gone: orws exits 0 and says nothing about the pipe.
fn quiet_exit_0(mut child: std::process::Child, args: &[&str]) {
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let code = child.wait().unwrap().code().expect("exited, not killed");
    assert_eq!(code, 0, "{args:?}: {stderr}");
    quiet_about_the_pipe(args, &stderr);
}

/// `orws export --all | head -1` over thousands of workspaces: the reader quits part-way
/// through a result larger than the pipe holds; orws stops printing and exits 0 quietly.
#[test]
fn a_reader_that_quits_part_way_is_a_quiet_exit_0() {
    let server = fake_with(orws::fake::FakeConfig {
        extra_workspaces: 3000,
        ..orws::fake::FakeConfig::default()
    });
    let home = tempfile::tempdir().unwrap();
    for args in [vec!["export", "--all"], vec!["--output", "json", "list"]] {
        let mut child = command(home.path(), &server.url(), &args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}");
        quiet_exit_0(child, &args);
    }
}

//! Runs the real `orws` binary in a pseudo terminal and reads its screen.
//!
//! A reader thread drains the PTY for as long as the child lives (a child blocked on a full PTY
//! would look like a hang) and feeds every byte to a `vt100::Parser`; the tests poll the parsed
//! screen for text with a deadline and never sleep for a fixed time. The raw byte stream is kept
//! too, to check the escape sequences that restore the terminal.

#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Generous: CI machines have two cores and run the tests in parallel.
pub const WAIT: Duration = Duration::from_secs(20);

/// The binary under test.
pub const ORWS: &str = env!("CARGO_BIN_EXE_orws");

/// A temp dir standing in for HOME and the XDG dirs, so drafts and history stay in the test.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "state", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("sandbox dirs");
        }
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `$XDG_STATE_HOME/orws`: where drafts and history go.
    pub fn state_dir(&self) -> PathBuf {
        self.path().join("state").join("orws")
    }

    /// The draft files of a workspace on a host (each orws writes its own).
    pub fn draft_files(&self, host: &str, workspace_id: &str) -> Vec<PathBuf> {
        orws::state::drafts::files(&self.state_dir(), host, workspace_id)
    }

    /// The text of every draft of a workspace, one string.
    pub fn draft_text(&self, host: &str, workspace_id: &str) -> String {
        self.draft_files(host, workspace_id)
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// `orws ARGS` with the sandbox's environment: HOME and XDG dirs in the temp dir,
    /// TERM=xterm-256color, no NO_COLOR, no OPENROUTER_* from the caller.
    pub fn command(&self, args: &[&str]) -> CommandBuilder {
        let mut cmd = CommandBuilder::new(ORWS);
        cmd.args(args);
        cmd.cwd(self.path());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("OPENROUTER_")
                || matches!(
                    k.as_ref(),
                    "NO_COLOR" | "COLUMNS" | "LINES" | "VISUAL" | "EDITOR"
                )
            {
                cmd.env_remove(&key);
            }
        }
        cmd.env("HOME", self.path().join("home"));
        cmd.env("XDG_STATE_HOME", self.path().join("state"));
        cmd.env("XDG_CONFIG_HOME", self.path().join("config"));
        cmd.env("XDG_CACHE_HOME", self.path().join("cache"));
        cmd.env("TERM", "xterm-256color");
        cmd
    }
}

struct State {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The PTY has no writer left: the child and everything it started are gone.
    eof: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One child process on its own pseudo terminal.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
}

impl Pty {
    /// Starts `cmd` on a new PTY of `cols`×`rows`.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn orws");
        // Only the child holds the slave now, so the reader sees the end when it exits.
        drop(pair.slave);
        let master = pair.master;
        let mut reader = master.try_clone_reader().expect("pty reader");
        let writer = Arc::new(Mutex::new(master.take_writer().expect("pty writer")));
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                parser: vt100::Parser::new(rows, cols, 0),
                raw: Vec::new(),
                eof: false,
            }),
            changed: Condvar::new(),
        });
        let thread = {
            let shared = shared.clone();
            let writer = writer.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                loop {
                    let n = match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let mut state = shared.lock();
                    let from = state.raw.len().saturating_sub(3);
                    state.raw.extend_from_slice(&buf[..n]);
                    state.parser.process(&buf[..n]);
                    // A real terminal answers a cursor-position query; vt100 does not.
                    let asked = contains(&state.raw[from..], b"\x1b[6n");
                    let (row, col) = state.parser.screen().cursor_position();
                    drop(state);
                    shared.changed.notify_all();
                    if asked {
                        let answer = format!("\x1b[{};{}R", row + 1, col + 1);
                        let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = w.write_all(answer.as_bytes());
                        let _ = w.flush();
                    }
                }
                shared.lock().eof = true;
                shared.changed.notify_all();
            })
        };
        Self {
            child,
            master,
            writer,
            shared,
            reader: Some(thread),
            status: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// The screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// Every byte the child wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.shared.lock().raw.clone()
    }

    /// Writes bytes to the child's input, as typed.
    pub fn send(&self, bytes: impl AsRef<[u8]>) {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(bytes.as_ref()).expect("write to the pty");
        w.flush().expect("flush the pty");
    }

    /// Esc on its own. Anything sent right after it could arrive in the same read and turn it
    /// into Alt-<key>: wait for its effect on the screen before sending more.
    pub fn esc(&self) {
        self.send(b"\x1b");
    }

    pub fn enter(&self) {
        self.send(b"\r");
    }

    /// Polls the screen until `pred` holds; panics with the screen after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            let screen = state.parser.screen().contents();
            if pred(&screen) {
                return screen;
            }
            let now = Instant::now();
            if now >= deadline {
                let eof = state.eof;
                drop(state);
                panic!(
                    "timed out after {timeout:?} waiting for {what}{}; the screen:\n{}",
                    if eof { " (the child has exited)" } else { "" },
                    frame(&screen)
                );
            }
            // Woken by new output; the slice bound only limits how long a wake-up can be missed.
            let slice = (deadline - now).min(Duration::from_millis(200));
            state = self
                .shared
                .changed
                .wait_timeout(state, slice)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits for `text` on the screen and returns the screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// Waits for `text` in any letter case.
    pub fn wait_for_nocase(&self, text: &str, timeout: Duration) -> String {
        let needle = text.to_lowercase();
        self.wait_until(&format!("{text:?} (any case)"), timeout, |s| {
            s.to_lowercase().contains(&needle)
        })
    }

    /// Waits until `text` has left the screen.
    pub fn wait_gone(&self, text: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{text:?} to disappear"), timeout, |s| {
            !s.contains(text)
        })
    }

    /// Resizes the PTY (the child gets SIGWINCH) and the parsed screen with it.
    pub fn resize(&self, cols: u16, rows: u16) {
        self.shared.lock().parser.screen_mut().set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// The exit status, if the child has exited.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
        }
        self.status.clone()
    }

    /// Waits for the child to exit and for its last output to be read.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.try_status() {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "orws did not exit within {timeout:?}; the screen:\n{}",
                    frame(&self.screen())
                );
            }
            // Nothing to be woken by: the output may have ended long before the exit.
            let state = self.shared.lock();
            let _ = self
                .shared
                .changed
                .wait_timeout(state, Duration::from_millis(20));
        };
        let mut state = self.shared.lock();
        while !state.eof {
            let now = Instant::now();
            assert!(now < deadline, "the PTY output did not end after the exit");
            state = self
                .shared
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(state);
        if let Some(t) = self.reader.take() {
            let _ = t.join();
        }
        status
    }

    /// Sends `kill -SIGNAL` (e.g. "TERM", "CONT") to the child.
    pub fn signal(&self, signal: &str) {
        let ok = std::process::Command::new("sh")
            .args([
                "-c",
                &format!("kill -{signal} \"$1\""),
                "sh",
                &self.pid().to_string(),
            ])
            .status()
            .expect("run sh -c kill")
            .success();
        assert!(ok, "kill -{signal} failed");
    }

    /// Polls `stty -a` until `pred` holds of it; panics with the last output after `timeout`.
    pub fn wait_stty(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let stty = self.stty();
            if pred(&stty) {
                return stty;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; stty -a says:\n{stty}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The child's state letter from /proc (`T` when stopped), Linux only.
    pub fn proc_state(&self) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        // "pid (comm) S …": the state follows the last ')'.
        stat.rsplit_once(')')?.1.trim_start().chars().next()
    }

    /// SIGKILL: no chance to restore anything or flush anything.
    pub fn kill9(&mut self) -> ExitStatus {
        // The shell's own kill: no procps needed.
        let ok = std::process::Command::new("sh")
            .args(["-c", "kill -9 \"$1\"", "sh", &self.pid().to_string()])
            .status()
            .expect("run sh -c kill")
            .success();
        assert!(ok, "kill -9 failed");
        self.wait_exit(WAIT)
    }

    /// `stty -a` on the PTY: the terminal's modes as the next program would find them.
    pub fn stty(&self) -> String {
        let tty = self.master.tty_name().expect("the pty has a name");
        let input = std::fs::File::open(&tty).expect("open the pty's slave");
        let out = std::process::Command::new("stty")
            .arg("-a")
            .stdin(input)
            .output()
            .expect("run stty");
        assert!(
            out.status.success(),
            "stty -a failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.try_status().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// In the picker: filters to `slug`, marks the match, clears the filter, and waits until
/// `count` are marked.
#[allow(dead_code)]
pub fn mark(pty: &Pty, slug: &str, count: usize) {
    pty.send("/");
    pty.send(slug);
    pty.enter();
    pty.send(" ");
    pty.esc();
    pty.wait_for(&format!("{count} marked"), WAIT);
}

/// A line of the screen holds every one of `parts`.
pub fn has_row(screen: &str, parts: &[&str]) -> bool {
    screen.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

/// In the picker: marks staging and dev, opens their bulk form, steps Provider sort (the
/// fifth row: throughput and latency, "2 values") back to exacto, and asks for the Review.
pub fn bulk_sort_to_exacto(pty: &Pty) {
    mark(pty, "staging", 1);
    mark(pty, "dev", 2);
    pty.wait_until("both marked", WAIT, |s| {
        has_row(s, &["✓ Staging"]) && has_row(s, &["✓ Development"])
    });
    pty.send("e");
    pty.wait_for("Bulk edit of 2 workspaces", WAIT);
    pty.send("jjjj");
    pty.wait_until("the mixed field", WAIT, |s| {
        has_row(s, &["▶ Provider sort", "2 values"])
    });
    pty.send("h");
    pty.wait_until("the new value", WAIT, |s| {
        has_row(s, &["▶ Provider sort", "exacto", "●"])
    });
    pty.send("s");
}

/// True when `stty -a` output lists `flag` as on (not `-flag`).
pub fn stty_flag(stty: &str, flag: &str) -> bool {
    stty.split_whitespace().any(|w| w == flag)
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The position of the last occurrence of `needle`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn frame(screen: &str) -> String {
    let mut out = String::from("+----\n");
    for line in screen.lines() {
        out.push_str("| ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("+----");
    out
}

/// `orws serve-fake` as a child process; killed when dropped.
pub struct FakeProcess {
    child: std::process::Child,
    pub url: String,
}

impl FakeProcess {
    pub fn start(sandbox: &Sandbox) -> Self {
        Self::start_with(sandbox, &[])
    }

    /// `orws serve-fake ARGS` (e.g. `--latency-ms 1500`).
    pub fn start_with(sandbox: &Sandbox, args: &[&str]) -> Self {
        let mut child = std::process::Command::new(ORWS)
            .arg("serve-fake")
            .args(args)
            .current_dir(sandbox.path())
            .env("HOME", sandbox.path().join("home"))
            .env("XDG_STATE_HOME", sandbox.path().join("state"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start orws serve-fake");
        let stdout = child.stdout.take().expect("fake stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the fake's URL");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "the fake's first line is its URL, got {line:?}"
        );
        Self { child, url }
    }

    /// The host part drafts are kept under.
    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    /// One request to the fake, as another client would make it.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}{path}", self.url);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let mut req = reqwest::Client::new()
                .request(method, url)
                .header("Authorization", "Bearer x")
                .timeout(Duration::from_secs(10));
            if let Some(body) = body {
                req = req.json(&body);
            }
            let resp = req.send().await.expect("request to the fake");
            let status = resp.status().as_u16();
            let json = resp.json().await.expect("JSON from the fake");
            (status, json)
        })
    }
}

impl Drop for FakeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The terminal is cooked again and off the alternate screen; a failure names `case`.
#[track_caller]
pub fn assert_restored(pty: &Pty, case: &str) {
    let after = pty.stty();
    assert!(
        stty_flag(&after, "icanon") && stty_flag(&after, "echo"),
        "{case}: raw mode is off after exit:\n{after}"
    );
    let raw = pty.raw();
    let entered = rfind(&raw, b"\x1b[?1049h")
        .unwrap_or_else(|| panic!("{case}: the alternate screen was never entered"));
    let left = rfind(&raw, b"\x1b[?1049l")
        .unwrap_or_else(|| panic!("{case}: the alternate screen was never left"));
    assert!(left > entered, "{case}: still on the alternate screen");
}

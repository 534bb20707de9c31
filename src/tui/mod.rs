//! The terminal front end: picker, live-validated form, review, asynchronous submit, result.
//! One state ([`app::App`]), messages in, effects out ([`runtime::Runtime`]).

pub mod app;
pub mod chrome;
pub mod draft_writer;
pub mod effect;
pub mod external_editor;
pub mod flow;
pub mod input;
pub mod route;
pub mod runtime;
pub mod screens;
pub mod terminal;
#[cfg(any(test, feature = "test-util"))]
pub mod test_host;
pub mod theme;
pub mod view;

use crate::connection::Connection;
use crate::error::RunError;
use crate::settings::Settings;

/// The TUI needs a terminal on both ends: without one it would write escape codes into a pipe
/// or wait for keys that never come.
pub fn check_terminal(stdin_is_tty: bool, stdout_is_tty: bool) -> Result<(), RunError> {
    let redirected = match (stdin_is_tty, stdout_is_tty) {
        (true, true) => return Ok(()),
        (false, true) => "stdin is",
        (true, false) => "stdout is",
        (false, false) => "stdin and stdout are",
    };
    Err(RunError::usage(format!(
        "the interactive form needs a terminal, but {redirected} not one; \
         for scripts use orws list, get or patch (orws --help)"
    )))
}

/// `orws [WORKSPACE]`: the picker, or straight into the form, over a connection made by the
/// caller (its state and cache directories are the demo's own under `--demo`). The caller
/// checks for a terminal first ([`check_terminal`]).
pub async fn run(
    settings: Settings,
    conn: Connection,
    workspace: Option<String>,
    terminal: terminal::Prepared,
) -> Result<(), RunError> {
    // A bad policy is said before the screen changes, as the CLI says it.
    let policy = match &settings.policy {
        Some(path) => Some(crate::code::policy::read_file(path).map_err(RunError::usage)?),
        None => None,
    };
    // The terminal is taken over once its parts are made (on a thread since `main` began)
    // and the drafts are ready; the first read runs meanwhile.
    let host = terminal::CrosstermHost::start(
        terminal,
        settings.mouse,
        settings.editor_command().to_string(),
    );
    let (mut app, first) = app::App::new(conn.client.host(), workspace);
    let mut runtime = runtime::Runtime::new(conn.client.clone());
    let first = runtime.start_loads(first);
    let mut runtime = runtime
        .with_state_dir(conn.state_dir.clone())
        .with_cache_dir(conn.cache_dir.clone())
        .with_concurrency(settings.concurrency);
    crate::startup::mark("drafts");
    app.state_key = conn.client.state_key().to_string();
    app.profile = settings.profile.clone();
    app.policy = policy.map(std::sync::Arc::new);
    app.write = settings.write && settings.profile.as_ref().is_some_and(|p| p.production);
    app.mouse = settings.mouse;
    app.demo = settings.demo;
    app.keys = settings.keys.clone();
    // The screens say read-only exactly when the client refuses writes (it does so anyway).
    app.read_only = conn.client.read_only().map(str::to_string);
    let theme = theme::Theme::from_setting(settings.theme);
    let mut host = host
        .await
        .map_err(|e| RunError::Terminal(format!("cannot use the terminal: {e}")))?;
    crate::startup::mark("terminal");
    let result = runtime.run(&mut host, &mut app, &theme, first).await;
    let signal = host.stopped_by();
    drop(host);
    // Said once the terminal is back: writes a quit left in doubt.
    if let Some(line) = runtime.abandoned() {
        crate::say::warn(&line);
    }
    result.map_err(|e| RunError::Terminal(format!("terminal error: {e}")))?;
    // Said after the terminal is back, where it stays readable.
    match (runtime.lost_edits(), signal) {
        (Some(lost), _) => Err(RunError::State(lost)),
        // Scripts tell a signalled end by its exit code (128 + n), as a shell does.
        (None, Some(n)) => Err(RunError::Signalled(n)),
        (None, None) => Ok(()),
    }
}

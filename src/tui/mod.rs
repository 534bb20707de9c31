//! The terminal front end: picker, live-validated form, review, asynchronous submit, result.
//! One state ([`app::App`]), messages in, effects out ([`runtime::Runtime`]).

pub mod app;
pub mod chrome;
pub mod draft_writer;
pub mod external_editor;
pub mod input;
pub mod runtime;
pub mod screens;
pub mod terminal;
#[cfg(any(test, feature = "test-util"))]
pub mod test_host;
pub mod theme;
pub mod view;

use crate::cli::{CliError, Settings, connect};

/// `orws [WORKSPACE]`: the picker, or straight into the form.
pub async fn run(settings: Settings, workspace: Option<String>) -> Result<(), CliError> {
    // Connect first: a missing key or a bad URL is reported before the screen changes.
    let conn = connect(&settings, None).await?;
    // The demo's drafts, history and catalog live in a temp dir removed on exit, never in
    // the person's real state.
    let demo_dir = if settings.demo {
        Some(
            tempfile::Builder::new()
                .prefix("orws-demo-")
                .tempdir()
                .map_err(|e| CliError::api(format!("cannot create the demo's temp dir: {e}")))?,
        )
    } else {
        None
    };
    if let Some(d) = &demo_dir {
        crate::state::private_dir(d.path())
            .map_err(|e| CliError::api(format!("cannot use the demo's temp dir: {e}")))?;
    }
    let (state_dir, cache_dir) = match &demo_dir {
        Some(d) => (Some(d.path().join("state")), Some(d.path().join("cache"))),
        None => (
            crate::state::default_state_dir(),
            crate::catalog::default_cache_dir(),
        ),
    };
    let mut runtime = runtime::Runtime::new(conn.client.clone())
        .with_state_dir(state_dir)
        .with_cache_dir(cache_dir);
    let (mut app, first) = app::App::new(conn.client.host(), workspace);
    app.mouse = settings.mouse;
    app.keys = settings.keys.clone();
    let theme = theme::Theme::from_setting(settings.theme);
    let mut host =
        terminal::CrosstermHost::new(settings.mouse, settings.editor_command().to_string())
            .map_err(|e| CliError::api(format!("cannot use the terminal: {e}")))?;
    let result = runtime.run(&mut host, &mut app, &theme, first).await;
    drop(host);
    result.map_err(|e| CliError::api(format!("terminal error: {e}")))?;
    // Said after the terminal is back, where it stays readable.
    match runtime.lost_edits() {
        Some(lost) => Err(CliError::api(lost)),
        None => Ok(()),
    }
}

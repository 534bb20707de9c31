//! The scriptable front end: `list`, `get`, `patch`, `serve-fake`, `config`, `completions`,
//! `man`. Results on stdout, messages on stderr, and exit codes 0 ok, 1 API error, 2 usage,
//! 3 conflict.

pub mod args;
mod get;
mod list;
pub mod output;
mod patch;
mod serve_fake;
pub mod settings;

pub use args::{Cli, Command, ConfigCommand, GlobalArgs, Output};
pub use settings::{Connection, Origin, Origins, Settings, connect};

use crate::api::{ApiError, RetryHook};
use clap::CommandFactory;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// A failure with its exit code and one line for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub const API: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const CONFLICT: i32 = 3;

    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: Self::USAGE,
            message: message.into(),
        }
    }

    pub fn api(message: impl Into<String>) -> Self {
        Self {
            code: Self::API,
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            code: Self::CONFLICT,
            message: message.into(),
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        Self {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for CliError {
    /// The message as it may reach a terminal: one line, control characters escaped (it can
    /// quote a server, a file or a name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::text::escape(&self.message))
    }
}

/// Retries are shown on stderr as they happen.
fn stderr_retry_hook() -> RetryHook {
    Arc::new(|n| {
        eprintln!(
            "orws: {}; retrying in {:.1} s (try {} of {})",
            crate::text::escape(&n.reason),
            n.wait.as_secs_f64(),
            n.attempt,
            n.max_attempts
        );
    })
}

/// The commands that need no settings, and so work even when the config file is broken:
/// `completions`, `man` and `config path` (which heeds only the `--output` flag). `None` for
/// the others.
pub fn run_standalone(
    command: &Command,
    global: &GlobalArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Option<Result<String, CliError>> {
    match command {
        Command::Completions { shell } => Some(Ok(completions(*shell))),
        Command::Man => Some(man_page()),
        Command::Config(ConfigCommand::Path) => Some(config_path_output(
            crate::config::config_path(env),
            global.output.unwrap_or_default(),
        )),
        _ => None,
    }
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "orws", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual page, in roff.
pub fn man_page() -> Result<String, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| CliError::api(format!("cannot render the manual page: {e}")))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn config_path_output(path: Option<PathBuf>, output: Output) -> Result<String, CliError> {
    let path = path.ok_or_else(|| {
        CliError::usage("no place for a config file: set HOME or XDG_CONFIG_HOME")
    })?;
    Ok(match output {
        Output::Table => format!("{}\n", path.display()),
        Output::Json => output::json_pretty(&json!({
            "path": path.display().to_string(),
            "exists": path.exists(),
        })),
    })
}

/// `orws config show`: every setting, its value and where it comes from. The key is never
/// shown, only whether it is set and from where.
pub fn config_show(settings: &Settings) -> String {
    let rows = settings.describe();
    let file = settings
        .config_path
        .as_ref()
        .map(|p| p.display().to_string());
    let detail = |origin: Origin| -> Option<String> {
        match origin {
            Origin::Flag(flag) => Some(flag.to_string()),
            Origin::Env(var) => Some(var.to_string()),
            Origin::File => file.clone(),
            Origin::Default => None,
        }
    };
    match settings.output {
        Output::Json => {
            let mut map = Map::new();
            for (name, value, origin) in rows {
                let mut entry = json!({"value": value, "source": origin.kind()});
                if let Some(d) = detail(origin) {
                    entry["detail"] = Value::from(d);
                }
                map.insert(name, entry);
            }
            output::json_pretty(&json!({
                "config_file": {"path": file, "exists": settings.config_loaded},
                "settings": map,
            }))
        }
        Output::Table => {
            let file_state = match (&file, settings.config_loaded) {
                (Some(_), true) => "read".to_string(),
                (Some(_), false) => "not found; defaults apply".to_string(),
                (None, _) => "none (no HOME or XDG_CONFIG_HOME)".to_string(),
            };
            let mut table_rows = vec![vec![
                "config file".to_string(),
                file.clone().unwrap_or_else(|| "-".into()),
                file_state,
            ]];
            for (name, value, origin) in rows {
                let value = match value {
                    Value::String(s) => s,
                    Value::Null => "-".to_string(),
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                let source = match detail(origin) {
                    Some(d) => format!("{} {d}", origin.kind()),
                    None => origin.kind().to_string(),
                };
                table_rows.push(vec![name, value, source]);
            }
            output::table(&["SETTING", "VALUE", "SOURCE"], &table_rows)
        }
    }
}

/// Runs a subcommand and returns what to print on stdout.
pub async fn run_command(settings: &Settings, command: Command) -> Result<String, CliError> {
    match command {
        Command::Completions { shell } => Ok(completions(shell)),
        Command::Man => man_page(),
        Command::Config(ConfigCommand::Path) => {
            config_path_output(settings.config_path.clone(), settings.output)
        }
        Command::Config(ConfigCommand::Show) => Ok(config_show(settings)),
        Command::ServeFake(args) => serve_fake::run(args).await.map(|()| String::new()),
        Command::List => list::run(&connected(settings).await?.client, settings.output).await,
        Command::Get { workspace } => {
            let conn = connected(settings).await?;
            get::run(&conn.client, settings.output, &workspace).await
        }
        Command::Patch(args) => {
            // Bad values are refused before anything is started or sent.
            let plan = patch::plan(args)?;
            let conn = connected(settings).await?;
            patch::run(&conn.client, settings.output, plan).await
        }
    }
}

async fn connected(settings: &Settings) -> Result<Connection, CliError> {
    connect(settings, Some(stderr_retry_hook())).await
}

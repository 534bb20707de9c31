//! The scriptable front end: `list`, `get`, `patch`, `serve-fake`. Results on stdout,
//! messages on stderr, and exit codes 0 ok, 1 API error, 2 usage, 3 conflict.

pub mod args;
mod get;
mod list;
pub mod output;
mod patch;
mod serve_fake;
pub mod settings;

pub use args::{Cli, Command, GlobalArgs, Output};
pub use settings::{Connection, Settings, connect};

use crate::api::{ApiError, RetryHook};
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
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Retries are shown on stderr as they happen.
fn stderr_retry_hook() -> RetryHook {
    Arc::new(|n| {
        eprintln!(
            "orws: {}; retrying in {:.1} s (try {} of {})",
            n.reason,
            n.wait.as_secs_f64(),
            n.attempt,
            n.max_attempts
        );
    })
}

/// Runs a subcommand and returns what to print on stdout.
pub async fn run_command(settings: &Settings, command: Command) -> Result<String, CliError> {
    match command {
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

//! What ends a run, and the exit code each kind means (product.md §1): 0 ok, 1 API, network,
//! server, terminal or local-file failure, 2 bad usage or a bad value, 3 a conflict, 4 changes
//! or drift present, 5 a policy denies the change.

use crate::api::ApiError;
use crate::config::ConfigError;
use crate::text::escape;

/// A failure that ends the run: one line for the person, and its exit code.
///
/// Shown escaped: a message can quote a server, a file or a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Bad arguments, a bad value, a missing key, no terminal for the TUI: nothing was sent.
    #[error("{}", escape(.0))]
    Usage(String),
    /// The configuration file cannot be read or understood.
    #[error("{}", escape(&.0.to_string()))]
    Config(#[from] ConfigError),
    /// The API, the network or the server failed.
    #[error("{}", escape(.0))]
    Api(String),
    /// The server's state stops the change (`--expect`, a remote change): nothing was sent.
    #[error("{}", escape(.0))]
    Conflict(String),
    /// The terminal could not be used or failed while in use, or a result could not be
    /// written to stdout (a full disk, stdout not writable; a reader that quit is no error).
    #[error("{}", escape(.0))]
    Terminal(String),
    /// orws's own files (drafts, history, the demo's temporary directory) failed.
    #[error("{}", escape(.0))]
    State(String),
    /// `plan --detailed-exitcode` found changes (exit 4); the plan is already printed.
    #[error("changes present")]
    ChangesPresent,
    /// A policy denies the change (exit 5): each rule it breaks is already said; nothing was
    /// written.
    #[error("{}", escape(.0))]
    Policy(String),
    /// The TUI was stopped by this signal (after restoring the terminal): exit 128 + n.
    #[error("stopped by signal {0}")]
    Signalled(i32),
}

impl RunError {
    pub const API: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const CONFLICT: i32 = 3;
    pub const CHANGES: i32 = 4;
    pub const POLICY: i32 = 5;

    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Usage(_) | RunError::Config(_) => Self::USAGE,
            RunError::Api(_) | RunError::Terminal(_) | RunError::State(_) => Self::API,
            RunError::Conflict(_) => Self::CONFLICT,
            RunError::ChangesPresent => Self::CHANGES,
            RunError::Policy(_) => Self::POLICY,
            RunError::Signalled(n) => 128 + n,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        RunError::Usage(message.into())
    }

    pub fn api(message: impl Into<String>) -> Self {
        RunError::Api(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        RunError::Conflict(message.into())
    }

    /// The same error with `more` added to its line (`message; more`).
    pub fn with_detail(self, more: impl std::fmt::Display) -> Self {
        let add = |m: String| format!("{m}; {more}");
        match self {
            RunError::Usage(m) => RunError::Usage(add(m)),
            RunError::Config(e) => RunError::Usage(add(e.to_string())),
            RunError::Api(m) => RunError::Api(add(m)),
            RunError::Conflict(m) => RunError::Conflict(add(m)),
            RunError::Terminal(m) => RunError::Terminal(add(m)),
            RunError::State(m) => RunError::State(add(m)),
            RunError::ChangesPresent => RunError::ChangesPresent,
            RunError::Policy(m) => RunError::Policy(add(m)),
            RunError::Signalled(n) => RunError::Signalled(n),
        }
    }
}

impl From<ApiError> for RunError {
    /// What the client refused before sending (a bad URL, target or key) is usage; the rest
    /// is the API's.
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::InvalidBaseUrl(_)
            | ApiError::InsecureBaseUrl(_)
            | ApiError::InvalidTarget(_)
            | ApiError::InvalidKey(_)
            | ApiError::ReadOnly { .. } => RunError::Usage(e.to_string()),
            _ => RunError::Api(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_exit_code() {
        assert_eq!(RunError::usage("x").exit_code(), 2);
        assert_eq!(RunError::api("x").exit_code(), 1);
        assert_eq!(RunError::conflict("x").exit_code(), 3);
        assert_eq!(RunError::Terminal("x".into()).exit_code(), 1);
        assert_eq!(RunError::State("x".into()).exit_code(), 1);
        let config = ConfigError {
            path: "/c".into(),
            line: Some(2),
            message: "bad".into(),
        };
        assert_eq!(RunError::from(config).exit_code(), 2);
    }

    #[test]
    fn client_side_refusals_are_usage_and_the_rest_api() {
        assert_eq!(
            RunError::from(ApiError::InvalidBaseUrl("x".into())).exit_code(),
            2
        );
        assert_eq!(RunError::from(ApiError::Timeout { secs: 3 }).exit_code(), 1);
    }

    #[test]
    fn the_line_is_escaped_for_the_terminal() {
        let e = RunError::api("server said \x1b[2Jhi");
        assert_eq!(e.to_string(), "server said \\x1b[2Jhi");
    }
}

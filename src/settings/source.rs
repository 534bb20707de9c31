//! Where each setting's value came from, for `orws config show`.

use crate::config::Action;
use std::collections::BTreeMap;

/// Where a setting's value comes from, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--timeout`.
    Flag(&'static str),
    /// An environment variable, e.g. `OPENROUTER_BASE_URL`.
    Env(&'static str),
    /// The configuration file ([`super::Paths::config_file`]).
    File,
    /// The profile in use ([`super::Settings::profile`]): its server, key or `production`.
    Profile,
    Default,
}

impl Source {
    /// `flag`, `env`, `file` or `default`.
    pub fn kind(self) -> &'static str {
        match self {
            Source::Flag(_) => "flag",
            Source::Env(_) => "env",
            Source::File => "file",
            Source::Profile => "profile",
            Source::Default => "default",
        }
    }
}

/// Where each setting came from, for `orws config show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub base_url: Source,
    /// Where the key was read from: a key file (flag or config) or `OPENROUTER_API_KEY`.
    pub api_key: Source,
    pub timeout: Source,
    pub concurrency: Source,
    pub output: Source,
    pub mouse: Source,
    pub read_only: Source,
    pub editor: Source,
    pub theme: Source,
    /// `File` for the actions the file binds, `Default` for the rest.
    pub keys: BTreeMap<Action, Source>,
}

impl Default for Sources {
    fn default() -> Self {
        Self {
            base_url: Source::Default,
            api_key: Source::Default,
            timeout: Source::Default,
            concurrency: Source::Default,
            output: Source::Default,
            mouse: Source::Default,
            read_only: Source::Default,
            editor: Source::Default,
            theme: Source::Default,
            keys: Action::ALL.iter().map(|a| (*a, Source::Default)).collect(),
        }
    }
}

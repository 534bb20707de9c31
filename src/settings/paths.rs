//! Where orws keeps things: the one XDG lookup for the config file, the state (drafts,
//! history) and the cache (the model catalog).

use std::path::{Path, PathBuf};

/// The three places, from one environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    /// `$XDG_CONFIG_HOME/orws/config.toml` (it need not exist).
    pub config_file: Option<PathBuf>,
    /// `$XDG_STATE_HOME/orws`: drafts and history.
    pub state_dir: Option<PathBuf>,
    /// `$XDG_CACHE_HOME/orws`: the model catalog.
    pub cache_dir: Option<PathBuf>,
}

impl Paths {
    /// All three from an environment lookup; `None` for each when neither its XDG variable nor
    /// HOME is set.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            config_file: config_file(&env),
            state_dir: crate::state::state_dir(&env),
            cache_dir: crate::catalog::cache_dir(&env),
        }
    }
}

/// The configuration file's path: `$XDG_CONFIG_HOME/orws/config.toml`, else
/// `$HOME/.config/orws/config.toml`.
pub fn config_file(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    xdg_dir(&env, "XDG_CONFIG_HOME", ".config").map(|d| d.join("orws").join("config.toml"))
}

/// `$VAR` when it is an absolute path (a relative one is ignored, as the XDG spec says), else
/// `$HOME/<fallback>`.
pub fn xdg_dir(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
    fallback: &str,
) -> Option<PathBuf> {
    env(var)
        .filter(|v| !v.is_empty() && Path::new(v).is_absolute())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(fallback))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_xdg() {
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(config_file(env), Some(PathBuf::from("/x/orws/config.toml")));
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("relative".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            config_file(env),
            Some(PathBuf::from("/h/.config/orws/config.toml"))
        );
        assert_eq!(config_file(|_| None), None);
    }

    #[test]
    fn all_three_come_from_one_environment() {
        let env = |k: &str| match k {
            "HOME" => Some("/h".to_string()),
            "XDG_STATE_HOME" => Some("/s".to_string()),
            _ => None,
        };
        assert_eq!(
            Paths::from_env(env),
            Paths {
                config_file: Some(PathBuf::from("/h/.config/orws/config.toml")),
                state_dir: Some(PathBuf::from("/s/orws")),
                cache_dir: Some(PathBuf::from("/h/.cache/orws")),
            }
        );
    }
}

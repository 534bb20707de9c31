//! The configuration file, `$XDG_CONFIG_HOME/orws/config.toml` (default
//! `~/.config/orws/config.toml`). Every key is optional; an unknown key is an error.
//!
//! ```toml
//! base_url = "https://openrouter.ai/api/v1"
//! api_key_file = "~/.config/orws/key"   # relative paths are relative to this file
//! output = "table"                      # or "json"
//! mouse = false
//! read_only = false
//! editor = "nvim"
//! theme = "dark"                        # "light", or "none" for no colours
//! timeout = 30                          # seconds
//! concurrency = 4                       # writes at once in a bulk edit or `apply`
//! policy = "policy.toml"                # rules for plan, apply and drift (like --policy)
//!
//! default_profile = "staging"           # see [`profiles`]
//!
//! [keys]                                # an action's keys replace its defaults
//! review = ["s", "ctrl-s"]
//! quit = ["q"]
//!
//! [profiles.production]                 # one server and key per organisation
//! api_key_cmd = "pass show openrouter/production"
//! production = true
//! color = "red"
//! ```
//!
//! Flags and environment variables win over the file; see [`crate::settings::Settings`]. This
//! module knows only the file: no front end, no environment.

pub mod keys;
pub mod profiles;

pub use keys::{Action, KeyBindings, KeyConflict, KeyParseError, KeySpec, Scope, ScopedKey};
pub use profiles::{Profile, ProfileColor, ProfileKey};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The most writes a batch keeps in flight at once (`concurrency`).
pub const MAX_CONCURRENCY: usize = 64;

/// How results are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    #[default]
    Table,
    Json,
}

impl Output {
    pub fn name(self) -> &'static str {
        match self {
            Output::Table => "table",
            Output::Json => "json",
        }
    }
}

/// The colour scheme a person chose for the terminal interface (the TUI's `Theme` is the
/// palette made from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// For dark terminal backgrounds.
    #[default]
    Dark,
    /// For light terminal backgrounds.
    Light,
    /// No colours at all (also what `--no-color` and `NO_COLOR` choose).
    None,
}

impl ThemeName {
    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::None => "none",
        }
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The file's settings, checked: every value is usable as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    pub base_url: Option<String>,
    /// `~/` expanded; relative paths made relative to the file's directory.
    pub api_key_file: Option<PathBuf>,
    pub output: Option<Output>,
    pub mouse: Option<bool>,
    /// Refuse every write (`--read-only`).
    pub read_only: Option<bool>,
    pub editor: Option<String>,
    pub theme: Option<ThemeName>,
    /// Seconds, at least 1.
    pub timeout: Option<u64>,
    /// Writes in flight at once in a batch (bulk edit, `apply`), 1 to 64.
    pub concurrency: Option<usize>,
    /// The policy file for `plan`, `apply` and `drift` (`--policy`); like `api_key_file`,
    /// `~/` expanded and relative to the config file's directory.
    pub policy: Option<PathBuf>,
    /// The actions the file binds; the others keep their defaults.
    pub keys: BTreeMap<Action, Vec<KeySpec>>,
    /// Defaults with the file's `[keys]` applied.
    pub bindings: KeyBindings,
    /// `[profiles.NAME]`, by name.
    pub profiles: BTreeMap<String, Profile>,
    /// The profile used when neither `--profile` nor `ORWS_PROFILE` names one (it exists).
    pub default_profile: Option<String>,
}

/// A configuration file that could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config file {}{}: {message}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based, when the problem is at a place in the file.
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Option<Spanned<String>>,
    api_key_file: Option<Spanned<String>>,
    output: Option<Output>,
    mouse: Option<bool>,
    read_only: Option<bool>,
    editor: Option<Spanned<String>>,
    theme: Option<ThemeName>,
    timeout: Option<Spanned<toml::Value>>,
    concurrency: Option<Spanned<toml::Value>>,
    policy: Option<Spanned<String>>,
    keys: Option<KeyTable>,
    default_profile: Option<Spanned<String>>,
    profiles: Option<BTreeMap<Spanned<String>, profiles::RawProfile>>,
}

/// `[keys]`: action → list of key strings, each with its place in the file.
type KeyTable = BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

impl ConfigFile {
    /// Reads the file; `Ok(None)` when there is none.
    pub fn load(path: &Path, home: Option<&Path>) -> Result<Option<Self>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path, home).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigError {
                path: path.to_path_buf(),
                line: None,
                message: format!("cannot read it: {e}"),
            }),
        }
    }

    /// Parses and checks the text of the file at `path` (used for messages and relative paths).
    pub fn parse(text: &str, path: &Path, home: Option<&Path>) -> Result<Self, ConfigError> {
        let error = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
            path: path.to_path_buf(),
            line: span.map(|s| line_of(text, s.start)),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().replace(
                "expected a sequence",
                "expected a list of keys, e.g. [\"q\"]",
            );
            let message = match e.span().and_then(|s| key_before(text, s.start)) {
                Some(key) => format!("{key}: {message}"),
                None => message.to_string(),
            };
            error(e.span(), message)
        })?;
        let non_empty = |value: Option<Spanned<String>>, key: &str| match value {
            Some(v) if v.get_ref().trim().is_empty() => {
                Err(error(Some(v.span()), format!("{key} is empty")))
            }
            Some(v) => Ok(Some(v)),
            None => Ok(None),
        };

        let base_url = non_empty(raw.base_url, "base_url")?;
        if let Some(url) = &base_url {
            crate::api::check_base_url(url.get_ref())
                .map_err(|e| error(Some(url.span()), format!("base_url: {e}")))?;
        }
        let api_key_file = non_empty(raw.api_key_file, "api_key_file")?.map(|p| {
            let dir = path.parent().unwrap_or(Path::new("."));
            expand_path(p.get_ref(), dir, home)
        });
        let policy = non_empty(raw.policy, "policy")?.map(|p| {
            let dir = path.parent().unwrap_or(Path::new("."));
            expand_path(p.get_ref(), dir, home)
        });
        let editor = non_empty(raw.editor, "editor")?;
        let whole = |value: Option<Spanned<toml::Value>>, range: (i64, i64), what: &str| {
            let Some(t) = value else { return Ok(None) };
            match t.get_ref() {
                toml::Value::Integer(n) if (range.0..=range.1).contains(n) => Ok(Some(*n as u64)),
                other => {
                    let shown = match other {
                        toml::Value::Integer(n) => n.to_string(),
                        toml::Value::Float(x) => x.to_string(),
                        toml::Value::String(s) => format!("{s:?}"),
                        v => format!("a {}", v.type_str()),
                    };
                    Err(error(Some(t.span()), format!("{what}, not {shown}")))
                }
            }
        };
        let timeout = whole(
            raw.timeout,
            (1, i64::MAX),
            "timeout: a whole number of seconds, at least 1",
        )?;
        let concurrency = whole(
            raw.concurrency,
            (1, MAX_CONCURRENCY as i64),
            &format!("concurrency: a whole number from 1 to {MAX_CONCURRENCY}"),
        )?
        .map(|n| n as usize);

        let mut keys = BTreeMap::new();
        for (action, list) in raw.keys.unwrap_or_default() {
            let Some(a) = Action::from_name(action.get_ref()) else {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                return Err(error(
                    Some(action.span()),
                    format!(
                        "[keys]: unknown action `{}`; the actions are {}",
                        action.get_ref(),
                        known.join(", ")
                    ),
                ));
            };
            let mut specs = Vec::new();
            for key in list.get_ref() {
                let spec = key
                    .get_ref()
                    .parse::<KeySpec>()
                    .map_err(|e| error(Some(key.span()), format!("[keys] {}: {e}", a.name())))?;
                specs.push(spec);
            }
            keys.insert(a, (list.span(), specs));
        }
        let mut bindings = KeyBindings::default();
        for (action, (_, specs)) in &keys {
            bindings.set(*action, specs.clone());
        }
        if let Some(conflict) = bindings.conflicts().into_iter().next() {
            // Point at an entry the file wrote (one of the two may be a default).
            let span = keys
                .get(&conflict.second)
                .or_else(|| keys.get(&conflict.first))
                .map(|(span, _)| span.clone());
            return Err(error(span, format!("[keys]: {conflict}")));
        }
        if let Some(taken) = bindings.reserved().into_iter().next() {
            let span = keys.get(&taken.action).map(|(span, _)| span.clone());
            return Err(error(span, format!("[keys]: {taken}")));
        }

        let dir = path.parent().unwrap_or(Path::new("."));
        let mut profiles = BTreeMap::new();
        for (name, raw) in raw.profiles.unwrap_or_default() {
            let profile = raw
                .check(&name, |p| expand_path(p, dir, home))
                .map_err(|(span, message)| error(span, message))?;
            profiles.insert(profile.name.clone(), profile);
        }
        let default_profile = match raw.default_profile {
            None => None,
            Some(name) if profiles.contains_key(name.get_ref()) => Some(name.into_inner()),
            Some(name) => {
                return Err(error(
                    Some(name.span()),
                    format!(
                        "default_profile: no [profiles.{}] in this file{}",
                        crate::text::escape(name.get_ref()),
                        profiles::known(profiles.keys())
                    ),
                ));
            }
        };

        Ok(Self {
            base_url: base_url.map(Spanned::into_inner),
            api_key_file,
            output: raw.output,
            mouse: raw.mouse,
            read_only: raw.read_only,
            editor: editor.map(|e| e.into_inner().trim().to_string()),
            theme: raw.theme,
            timeout,
            concurrency,
            policy,
            keys: keys.into_iter().map(|(a, (_, specs))| (a, specs)).collect(),
            bindings,
            profiles,
            default_profile,
        })
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The key of a `key = value` line when `offset` is where its value starts.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let key = line.trim_end().strip_suffix('=')?.trim();
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    (!key.is_empty() && key.chars().all(plain)).then_some(key)
}

/// `~/x` under `home`; a relative path under `dir`; an absolute path as it is.
fn expand_path(p: &str, dir: &Path, home: Option<&Path>) -> PathBuf {
    if let (Some(rest), Some(home)) = (p.strip_prefix("~/"), home) {
        return home.join(rest);
    }
    if p == "~"
        && let Some(home) = home
    {
        return home.to_path_buf();
    }
    let path = Path::new(p);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(
            text,
            Path::new("/c/orws/config.toml"),
            Some(Path::new("/h")),
        )
    }

    #[test]
    fn a_full_file_parses() {
        let c = parse(
            "base_url = \"https://example.com/api/v1\"\napi_key_file = \"~/key\"\n\
             output = \"json\"\nmouse = true\neditor = \"nano\"\ntheme = \"light\"\n\
             timeout = 5\n[keys]\nreview = [\"v\"]\n",
        )
        .unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://example.com/api/v1"));
        assert_eq!(c.api_key_file, Some(PathBuf::from("/h/key")));
        assert_eq!(c.output, Some(Output::Json));
        assert_eq!(c.mouse, Some(true));
        assert_eq!(c.editor.as_deref(), Some("nano"));
        assert_eq!(c.theme, Some(ThemeName::Light));
        assert_eq!(c.timeout, Some(5));
        assert_eq!(c.bindings.label(Action::Review), "v");
        assert_eq!(c.bindings.label(Action::Quit), "q / ctrl-c");
        assert_eq!(
            parse("api_key_file = \"key\"").unwrap().api_key_file,
            Some(PathBuf::from("/c/orws/key"))
        );
        // The policy file, like the key file, is relative to the config file.
        assert_eq!(
            parse("policy = \"rules.toml\"").unwrap().policy,
            Some(PathBuf::from("/c/orws/rules.toml"))
        );
        assert_eq!(
            parse("policy = \"~/p.toml\"").unwrap().policy,
            Some(PathBuf::from("/h/p.toml"))
        );
        assert_eq!(parse("").unwrap(), ConfigFile::default());
    }

    #[test]
    fn profiles_parse_with_their_key_source_and_default() {
        let c = parse(
            "default_profile = \"prod\"\n[profiles.prod]\napi_key_cmd = \" pass show or \"\n\
             production = true\ncolor = \"red\"\n[profiles.dev]\nbase_url = \"http://127.0.0.1:8080/api/v1\"\n\
             api_key_file = \"~/dev.key\"\n[profiles.bare]\n",
        )
        .unwrap();
        assert_eq!(c.default_profile.as_deref(), Some("prod"));
        let prod = &c.profiles["prod"];
        assert_eq!(prod.key, ProfileKey::Command("pass show or".into()));
        assert!(prod.production);
        assert_eq!(prod.color, Some(ProfileColor::Red));
        assert_eq!(prod.base_url, None);
        let dev = &c.profiles["dev"];
        assert_eq!(dev.key, ProfileKey::File(PathBuf::from("/h/dev.key")));
        assert!(!dev.production);
        assert_eq!(c.profiles["bare"].key, ProfileKey::None);
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line, needle) in [
            ("mouse = true\ncolour = 1\n", 2, "colour"),
            ("\n\nmouse = \"yes\"\n", 3, "mouse"),
            ("theme = \"blue\"", 1, "blue"),
            ("timeout = 0", 1, "at least 1"),
            ("\ntimeout = \"x\"", 2, "whole number"),
            ("base_url = \"http://example.com\"", 1, "clear text"),
            ("a = [", 1, ""),
            ("[keys]\nsave = [\"s\"]\n", 2, "unknown action `save`"),
            ("[keys]\nquit = [\"q\", \"ctrl-\"]\n", 2, "\"ctrl-\""),
            ("[keys]\n\nquit = [\"j\"]\n", 3, "both"),
            ("[profiles.p]\ncolour = \"red\"\n", 2, "colour"),
            ("[profiles.p]\ncolor = \"purple\"\n", 2, "not a colour"),
            (
                "[profiles.p]\nbase_url = \"http://example.com\"\n",
                2,
                "base_url",
            ),
            (
                "[profiles.p]\napi_key_file = \"k\"\napi_key_cmd = \"pass x\"\n",
                3,
                "keep one",
            ),
            ("[profiles.p]\napi_key_cmd = \" \"\n", 2, "is empty"),
            ("[profiles.\"a b\"]\n", 1, "not one word"),
            (
                "default_profile = \"q\"\n[profiles.p]\n",
                1,
                "the profiles are p",
            ),
            ("default_profile = \"q\"\n", 1, "no profile"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {e}");
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
            assert!(
                e.to_string()
                    .starts_with("config file /c/orws/config.toml, line")
            );
        }
    }
}

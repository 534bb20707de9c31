//! The effective settings: flag, else environment, else config file, else default; and the
//! client they make.

use super::CliError;
use super::args::{GlobalArgs, Output};
use crate::api::{ApiKey, Client, ClientConfig, RetryHook};
use crate::config::{Action, ConfigFile, KeyBindings, Theme, config_path, xdg_dir};
use crate::fake::{FakeConfig, FakeServer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// The editor when neither `VISUAL`, `EDITOR` nor the config file names one.
pub const DEFAULT_EDITOR: &str = "vi";

/// Where a setting's value comes from, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, e.g. `--timeout`.
    Flag(&'static str),
    /// An environment variable, e.g. `OPENROUTER_BASE_URL`.
    Env(&'static str),
    /// The configuration file ([`Settings::config_path`]).
    File,
    Default,
}

impl Origin {
    /// `flag`, `env`, `file` or `default`.
    pub fn kind(self) -> &'static str {
        match self {
            Origin::Flag(_) => "flag",
            Origin::Env(_) => "env",
            Origin::File => "file",
            Origin::Default => "default",
        }
    }
}

/// Where each setting came from, for `orws config show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins {
    pub base_url: Origin,
    /// Where the key was read from: a key file (flag or config) or `OPENROUTER_API_KEY`.
    pub api_key: Origin,
    pub timeout: Origin,
    pub output: Origin,
    pub mouse: Origin,
    pub editor: Origin,
    pub theme: Origin,
    /// `File` for the actions the file binds, `Default` for the rest.
    pub keys: BTreeMap<Action, Origin>,
}

impl Default for Origins {
    fn default() -> Self {
        Self {
            base_url: Origin::Default,
            api_key: Origin::Default,
            timeout: Origin::Default,
            output: Origin::Default,
            mouse: Origin::Default,
            editor: Origin::Default,
            theme: Origin::Default,
            keys: Action::ALL.iter().map(|a| (*a, Origin::Default)).collect(),
        }
    }
}

/// Everything a run needs to know: flag, else environment, else config file, else default.
#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    pub base_url: String,
    pub key: Option<ApiKey>,
    /// The key file in use (from `--api-key-file` or the config's `api_key_file`), if any.
    pub api_key_file: Option<PathBuf>,
    /// Why the key file could not be used; reported by [`connect`] when a key is needed.
    pub key_error: Option<String>,
    pub timeout: Duration,
    pub output: Output,
    /// False exactly when `theme` is [`Theme::None`].
    pub color: bool,
    pub mouse: bool,
    /// The editor command from `VISUAL`, `EDITOR` or the config file; `None` means
    /// [`DEFAULT_EDITOR`] (see [`Settings::editor_command`]).
    pub editor: Option<String>,
    /// `--no-color` and a non-empty `NO_COLOR` force [`Theme::None`].
    pub theme: Theme,
    pub keys: KeyBindings,
    /// Where the configuration file is looked for (`None` without HOME or XDG_CONFIG_HOME).
    pub config_path: Option<PathBuf>,
    /// Whether that file exists and was read.
    pub config_loaded: bool,
    /// `$XDG_CACHE_HOME/orws` (default `~/.cache/orws`), for the model catalog.
    pub cache_dir: Option<PathBuf>,
    pub origins: Origins,
}

impl Default for Settings {
    /// The built-in defaults: no key, no config file, no directories.
    fn default() -> Self {
        Self {
            demo: false,
            base_url: DEFAULT_BASE_URL.to_string(),
            key: None,
            api_key_file: None,
            key_error: None,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            output: Output::Table,
            color: true,
            mouse: false,
            editor: None,
            theme: Theme::Dark,
            keys: KeyBindings::default(),
            config_path: None,
            config_loaded: false,
            cache_dir: None,
            origins: Origins::default(),
        }
    }
}

impl Settings {
    /// Resolves the settings from the flags, an environment lookup (a closure, for tests) and
    /// the config file the environment points at (`XDG_CONFIG_HOME`, `HOME`). A broken config
    /// file is a usage error naming the file and line.
    pub fn resolve(
        global: &GlobalArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CliError> {
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let config_path = config_path(&env);
        let file = match &config_path {
            Some(path) => ConfigFile::load(path, home.as_deref())
                .map_err(|e| CliError::usage(e.to_string()))?,
            None => None,
        };
        let config_loaded = file.is_some();
        let file = file.unwrap_or_default();
        let mut origins = Origins::default();

        let (base_url, origin) = pick([
            (global.base_url.clone(), Origin::Flag("--base-url")),
            (
                var("OPENROUTER_BASE_URL"),
                Origin::Env("OPENROUTER_BASE_URL"),
            ),
            (file.base_url.clone(), Origin::File),
        ])
        .unwrap_or_else(|| (DEFAULT_BASE_URL.to_string(), Origin::Default));
        origins.base_url = origin;

        let env_key = var("OPENROUTER_API_KEY").map(|text| {
            checked_key(
                ApiKey::new(text),
                "OPENROUTER_API_KEY is set but holds only spaces",
                "the key in OPENROUTER_API_KEY",
            )
        });
        let (key, api_key_file, key_error) = match (&global.api_key_file, env_key) {
            (Some(path), _) => {
                origins.api_key = Origin::Flag("--api-key-file");
                let (key, error) = read_key_file(path);
                (key, Some(path.clone()), error)
            }
            (None, Some(key)) => {
                origins.api_key = Origin::Env("OPENROUTER_API_KEY");
                match key {
                    Ok(key) => (Some(key), None, None),
                    Err(problem) => (None, None, Some(problem)),
                }
            }
            (None, None) => match &file.api_key_file {
                Some(path) => {
                    origins.api_key = Origin::File;
                    let (key, error) = read_key_file(path);
                    let error = error.map(|e| {
                        let file = config_path.as_deref().unwrap_or(Path::new("config.toml"));
                        format!("{e} (api_key_file in {})", file.display())
                    });
                    (key, Some(path.clone()), error)
                }
                None => (None, None, None),
            },
        };

        let (timeout, origin) = pick([
            (global.timeout, Origin::Flag("--timeout")),
            (file.timeout, Origin::File),
        ])
        .unwrap_or((DEFAULT_TIMEOUT_SECS, Origin::Default));
        origins.timeout = origin;

        let (output, origin) = pick([
            (global.output, Origin::Flag("--output")),
            (file.output, Origin::File),
        ])
        .unwrap_or((Output::Table, Origin::Default));
        origins.output = origin;

        let (mouse, origin) = pick([
            (global.mouse.then_some(true), Origin::Flag("--mouse")),
            (file.mouse, Origin::File),
        ])
        .unwrap_or((false, Origin::Default));
        origins.mouse = origin;

        let editor_var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let editor = pick([
            (editor_var("VISUAL"), Origin::Env("VISUAL")),
            (editor_var("EDITOR"), Origin::Env("EDITOR")),
            (file.editor.clone(), Origin::File),
        ]);
        origins.editor = editor.as_ref().map_or(Origin::Default, |(_, o)| *o);
        let editor = editor.map(|(e, _)| e);

        let (theme, origin) = pick([
            (
                global.no_color.then_some(Theme::None),
                Origin::Flag("--no-color"),
            ),
            (
                var("NO_COLOR").map(|_| Theme::None),
                Origin::Env("NO_COLOR"),
            ),
            (file.theme, Origin::File),
        ])
        .unwrap_or((Theme::Dark, Origin::Default));
        origins.theme = origin;

        for action in file.keys.keys() {
            origins.keys.insert(*action, Origin::File);
        }

        let cache_dir = xdg_dir(&env, "XDG_CACHE_HOME", ".cache").map(|d| d.join("orws"));
        Ok(Self {
            demo: global.demo,
            base_url,
            key,
            api_key_file,
            key_error,
            timeout: Duration::from_secs(timeout.max(1)),
            output,
            color: theme != Theme::None,
            mouse,
            editor,
            theme,
            keys: file.bindings,
            config_path,
            config_loaded,
            cache_dir,
            origins,
        })
    }

    /// The editor to run: `VISUAL`, else `EDITOR`, else the config's `editor`, else `vi`.
    pub fn editor_command(&self) -> &str {
        self.editor.as_deref().unwrap_or(DEFAULT_EDITOR)
    }

    /// The settings as `(name, value, origin)`, for `orws config show`. Never holds the key.
    pub fn describe(&self) -> Vec<(String, Value, Origin)> {
        let secs = self.timeout.as_secs();
        let key_where = match (self.origins.api_key, &self.api_key_file) {
            (Origin::Env(var), _) => format!("from env {var}"),
            (_, Some(path)) => format!("from file {}", path.display()),
            _ => String::new(),
        };
        let key_state = match (&self.key, &self.key_error) {
            _ if self.demo => "not needed (--demo)".to_string(),
            (_, Some(e)) => format!("unusable: {e}"),
            (Some(_), None) => format!("set ({key_where})"),
            (None, None) => "not set".to_string(),
        };
        let mut rows = vec![
            (
                "base_url".to_string(),
                Value::from(self.base_url.clone()),
                self.origins.base_url,
            ),
            (
                "api_key".to_string(),
                Value::from(key_state),
                self.origins.api_key,
            ),
            (
                "api_key_file".to_string(),
                self.api_key_file
                    .as_ref()
                    .map_or(Value::Null, |p| Value::from(p.display().to_string())),
                if self.api_key_file.is_some() {
                    self.origins.api_key
                } else {
                    Origin::Default
                },
            ),
            (
                "timeout".to_string(),
                Value::from(secs),
                self.origins.timeout,
            ),
            (
                "output".to_string(),
                Value::from(self.output.name()),
                self.origins.output,
            ),
            (
                "mouse".to_string(),
                Value::from(self.mouse),
                self.origins.mouse,
            ),
            (
                "editor".to_string(),
                Value::from(self.editor_command()),
                self.origins.editor,
            ),
            (
                "theme".to_string(),
                Value::from(self.theme.name()),
                self.origins.theme,
            ),
        ];
        for action in Action::ALL {
            let keys: Vec<Value> = self
                .keys
                .keys(action)
                .iter()
                .map(|k| Value::from(k.to_string()))
                .collect();
            let origin = self
                .origins
                .keys
                .get(&action)
                .copied()
                .unwrap_or(Origin::Default);
            rows.push((
                format!("keys.{}", action.name()),
                Value::Array(keys),
                origin,
            ));
        }
        rows
    }
}

/// The first value that is there, with its origin.
fn pick<T, const N: usize>(candidates: [(Option<T>, Origin); N]) -> Option<(T, Origin)> {
    candidates
        .into_iter()
        .find_map(|(value, origin)| value.map(|v| (v, origin)))
}

/// The most a key file may hold: a key is about 80 characters.
pub const MAX_KEY_FILE_BYTES: u64 = 4096;

/// The key, or why it cannot be one, naming where it came from (never showing it).
fn checked_key(key: ApiKey, empty: &str, source: &str) -> Result<ApiKey, String> {
    if key.is_empty() {
        return Err(empty.to_string());
    }
    match key.problem() {
        Some(problem) => Err(format!("{source} is malformed: {problem}")),
        None => Ok(key),
    }
}

/// The key in a key file, or why there is none.
fn read_key_file(path: &Path) -> (Option<ApiKey>, Option<String>) {
    let shown = path.display();
    let key = read_small_file(path).and_then(|text| {
        checked_key(
            ApiKey::new(text),
            &format!("the key file {shown} is empty"),
            &format!("the key in the key file {shown}"),
        )
    });
    match key {
        Ok(key) => (Some(key), None),
        Err(problem) => (None, Some(problem)),
    }
}

/// A regular file of at most [`MAX_KEY_FILE_BYTES`]: a FIFO or a device could block or never
/// end, a directory is a mistake.
fn read_small_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| format!("cannot read the key file {shown}: {e}");
    let not_regular = |meta: &std::fs::Metadata| {
        format!(
            "the key file {shown} is {}, not a regular file; give the path of the file that holds the key",
            file_kind(meta)
        )
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Checked again on what was opened, in case the path changed in between.
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(format!(
            "the key file {shown} is larger than {} KiB; it should hold only the key",
            MAX_KEY_FILE_BYTES / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("the key file {shown} is not text"))
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "something else"
}

/// A client ready to talk, and the in-process fake it talks to under `--demo`.
pub struct Connection {
    pub client: Client,
    /// Kept alive as long as the client is used.
    pub demo_server: Option<FakeServer>,
}

/// Builds the client; under `--demo`, starts the fake first. Must run inside a tokio runtime.
pub async fn connect(
    settings: &Settings,
    on_retry: Option<RetryHook>,
) -> Result<Connection, CliError> {
    let (base_url, key, demo_server) = if settings.demo {
        let server = crate::fake::start(FakeConfig::default())
            .await
            .map_err(|e| CliError::api(format!("cannot start the demo server: {e}")))?;
        (server.url(), ApiKey::new("orws-demo"), Some(server))
    } else {
        if let Some(problem) = &settings.key_error {
            return Err(CliError::usage(problem.clone()));
        }
        let key = settings.key.clone().ok_or_else(|| {
            CliError::usage(
                "no API key: set OPENROUTER_API_KEY to a management key, or pass --api-key-file PATH \
                 (or try orws --demo, which needs no key)",
            )
        })?;
        (settings.base_url.clone(), key, None)
    };
    let mut config = ClientConfig::new(base_url, key);
    config.timeout = settings.timeout;
    let mut client = Client::new(config).map_err(CliError::from)?;
    if let Some(hook) = on_retry {
        client = client.with_retry_hook(hook);
    }
    Ok(Connection {
        client,
        demo_server,
    })
}

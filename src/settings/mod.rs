//! The effective settings: flag, else environment, else config file, else default, each with
//! its [`Source`]; and [`paths`], where orws keeps things. No front end in here: the CLI and
//! the TUI both start from a [`Settings`].

pub mod paths;
pub mod profile;
mod source;

pub use crate::config::{Output, ThemeName};
pub use paths::Paths;
pub use profile::ProfileInUse;
pub use source::{Source, Sources};

use crate::api::ApiKey;
use crate::config::{Action, ConfigFile, KeyBindings, ProfileKey};
use crate::error::RunError;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The global flags, as clap parses them (flattened into the CLI's arguments).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Flags {
    /// Run against a built-in fake OpenRouter (no key, no network).
    #[arg(long, global = true)]
    pub demo: bool,

    /// API base URL [env: OPENROUTER_BASE_URL] [config: base_url] [default:
    /// https://openrouter.ai/api/v1]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read the management key from this file (else env OPENROUTER_API_KEY, else the
    /// config's api_key_file).
    #[arg(long, global = true, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,

    /// Seconds to wait for each answer [config: timeout] [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,

    /// How results are printed [config: output] [default: table]
    #[arg(long, global = true, value_enum)]
    pub output: Option<Output>,

    /// No colours (NO_COLOR is honoured too; config: theme = "none").
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Let the mouse focus fields in the form [config: mouse].
    #[arg(long, global = true)]
    pub mouse: bool,

    /// Refuse every write (exit 2): for looking around production safely [config: read_only].
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Use the config's [profiles.NAME]: its server and key [env: ORWS_PROFILE] [config:
    /// default_profile]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Allow writes under a production profile (which is otherwise read-only).
    #[arg(long, global = true)]
    pub write: bool,

    /// Writes in flight at once in a bulk edit or `apply` [config: concurrency] [default: 4]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=crate::config::MAX_CONCURRENCY as u64))]
    pub concurrency: Option<u64>,
}

pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_CONCURRENCY: usize = 4;
/// The editor when neither `VISUAL`, `EDITOR` nor the config file names one.
pub const DEFAULT_EDITOR: &str = "vi";

/// Everything a run needs to know: flag, else environment, else config file, else default.
#[derive(Debug, Clone)]
pub struct Settings {
    pub demo: bool,
    pub base_url: String,
    pub key: Option<ApiKey>,
    /// The key file in use (from `--api-key-file` or the config's `api_key_file`), if any.
    pub api_key_file: Option<PathBuf>,
    /// Why the key file could not be used; reported by [`crate::connection::connect`] when a key is needed.
    pub key_error: Option<String>,
    pub timeout: Duration,
    /// Writes in flight at once in a batch (bulk edit, `apply`).
    pub concurrency: usize,
    pub output: Output,
    pub mouse: bool,
    /// Every write is refused (exit 2).
    pub read_only: bool,
    /// The config file's `policy` (`--policy` wins, in the commands that take it).
    pub policy: Option<PathBuf>,
    /// The editor command from `VISUAL`, `EDITOR` or the config file; `None` means
    /// [`DEFAULT_EDITOR`] (see [`Settings::editor_command`]).
    pub editor: Option<String>,
    /// `--no-color` and a non-empty `NO_COLOR` force [`ThemeName::None`].
    pub theme: ThemeName,
    pub keys: KeyBindings,
    /// Where the config file is looked for, and the state and cache directories (each `None`
    /// without HOME or its XDG variable).
    pub paths: Paths,
    /// Whether that file exists and was read.
    pub config_loaded: bool,
    pub sources: Sources,
    /// The profile in use, if any: its server and key replace every other source.
    pub profile: Option<ProfileInUse>,
    /// The profile's `api_key_cmd`, run by [`crate::connection::connect`] when a key is needed
    /// (never for `--demo`, `config show` or `profiles`).
    pub key_cmd: Option<String>,
    /// `--write`: a production profile's read-only is lifted.
    pub write: bool,
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
            concurrency: DEFAULT_CONCURRENCY,
            output: Output::Table,
            mouse: false,
            read_only: false,
            policy: None,
            editor: None,
            theme: ThemeName::Dark,
            keys: KeyBindings::default(),
            paths: Paths::default(),
            config_loaded: false,
            sources: Sources::default(),
            profile: None,
            key_cmd: None,
            write: false,
        }
    }
}

/// What [`process_env`] gives for an `OPENROUTER_API_KEY` that is not UTF-8. A real value
/// cannot hold NUL, so it is never mistaken for one.
pub const NOT_UTF8: &str = "\0not-utf-8";

/// The process environment for [`Settings::resolve`]: a variable that is not UTF-8 counts as
/// unset, except the key, which is reported as not UTF-8 rather than as missing.
pub fn process_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotUnicode(_)) if name == "OPENROUTER_API_KEY" => {
            Some(NOT_UTF8.to_string())
        }
        Err(_) => None,
    }
}

impl Settings {
    /// `--read-only` (flag or config): every write is refused before anything is sent. The
    /// CLI's early check, with the command's name; the client refuses on its own anyway
    /// ([`Settings::read_only_from`] goes into its [`crate::api::ClientConfig`]).
    pub fn writable(&self, what: &str) -> Result<(), RunError> {
        if let Some(from) = self.read_only_from() {
            return Err(RunError::usage(format!(
                "{what} is a write, and {from} refuses every write; nothing was sent"
            )));
        }
        Ok(())
    }

    /// Where read-only came from, when it is on: `--read-only`, or `read_only = true in the
    /// config file PATH`.
    pub fn read_only_from(&self) -> Option<String> {
        if !self.read_only {
            return None;
        }
        Some(match self.sources.read_only {
            Source::Flag(flag) => flag.to_string(),
            Source::Env(var) => format!("{var}=true"),
            Source::Profile => match &self.profile {
                Some(p) => format!(
                    "the production profile {} (run with --write to write)",
                    p.name
                ),
                None => "a production profile".to_string(),
            },
            Source::File | Source::Default => match &self.paths.config_file {
                Some(path) => format!("read_only = true in the config file {}", path.display()),
                None => "read_only = true in the config file".to_string(),
            },
        })
    }

    /// Resolves the settings from the flags, an environment lookup (a closure, for tests) and
    /// the config file the environment points at (`XDG_CONFIG_HOME`, `HOME`). A broken config
    /// file is a [`RunError::Config`] naming the file and line.
    pub fn resolve(flags: &Flags, env: impl Fn(&str) -> Option<String>) -> Result<Self, RunError> {
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let paths = Paths::from_env(&env);
        let file = match &paths.config_file {
            Some(path) => ConfigFile::load(path, home.as_deref())?,
            None => None,
        };
        let config_loaded = file.is_some();
        let file = file.unwrap_or_default();
        let mut sources = Sources::default();
        let chosen = pick([
            (flags.profile.clone(), Source::Flag("--profile")),
            (var("ORWS_PROFILE"), Source::Env("ORWS_PROFILE")),
            (file.default_profile.clone(), Source::File),
        ]);
        let profile = match chosen {
            None => None,
            Some((name, from)) => Some(select_profile(&file, &paths, flags, &name, from)?),
        };
        if flags.write && (flags.read_only || file.read_only == Some(true)) {
            let from = if flags.read_only {
                "--read-only".to_string()
            } else {
                "read_only = true in the config file".to_string()
            };
            return Err(RunError::usage(format!(
                "--write lifts only a production profile's read-only; {from} refuses every write, so the two cannot go together"
            )));
        }

        let from_profile = profile.as_ref().map(|(p, _)| {
            (
                p.base_url
                    .clone()
                    .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
                Source::Profile,
            )
        });
        let (base_url, source) = from_profile
            .or_else(|| {
                pick([
                    (flags.base_url.clone(), Source::Flag("--base-url")),
                    (
                        var("OPENROUTER_BASE_URL"),
                        Source::Env("OPENROUTER_BASE_URL"),
                    ),
                    (file.base_url.clone(), Source::File),
                ])
            })
            .unwrap_or_else(|| (DEFAULT_BASE_URL.to_string(), Source::Default));
        sources.base_url = source;

        let env_key = var("OPENROUTER_API_KEY").map(|text| {
            if text == NOT_UTF8 {
                return Err("OPENROUTER_API_KEY is set but is not valid UTF-8 text; a management key is plain ASCII (sk-or-v1-…): set it again".to_string());
            }
            checked_key(
                ApiKey::new(text),
                "OPENROUTER_API_KEY is set but holds only spaces",
                "the key in OPENROUTER_API_KEY",
            )
        });
        let mut key_cmd = None;
        let (key, api_key_file, key_error) = match (&profile, &flags.api_key_file, env_key) {
            (Some((p, in_use)), _, _) => {
                sources.api_key = Source::Profile;
                let shown = in_use.described();
                match &p.key {
                    ProfileKey::File(path) => {
                        let (key, error) = read_key_file(path);
                        let error = error.map(|e| format!("{e} (api_key_file of {shown})"));
                        (key, Some(path.clone()), error)
                    }
                    ProfileKey::Command(cmd) => {
                        key_cmd = Some(cmd.clone());
                        (None, None, None)
                    }
                    ProfileKey::None => (
                        None,
                        None,
                        Some(format!(
                            "{shown} names no key: give it api_key_file or api_key_cmd"
                        )),
                    ),
                }
            }
            (None, Some(path), _) => {
                sources.api_key = Source::Flag("--api-key-file");
                let (key, error) = read_key_file(path);
                (key, Some(path.clone()), error)
            }
            (None, None, Some(key)) => {
                sources.api_key = Source::Env("OPENROUTER_API_KEY");
                match key {
                    Ok(key) => (Some(key), None, None),
                    Err(problem) => (None, None, Some(problem)),
                }
            }
            (None, None, None) => match &file.api_key_file {
                Some(path) => {
                    sources.api_key = Source::File;
                    let (key, error) = read_key_file(path);
                    let error = error.map(|e| {
                        let file = paths
                            .config_file
                            .as_deref()
                            .unwrap_or(Path::new("config.toml"));
                        format!("{e} (api_key_file in {})", file.display())
                    });
                    (key, Some(path.clone()), error)
                }
                None => (None, None, None),
            },
        };

        let (timeout, source) = pick([
            (flags.timeout, Source::Flag("--timeout")),
            (file.timeout, Source::File),
        ])
        .unwrap_or((DEFAULT_TIMEOUT_SECS, Source::Default));
        sources.timeout = source;

        let (concurrency, source) = pick([
            (
                flags.concurrency.map(|n| n as usize),
                Source::Flag("--concurrency"),
            ),
            (file.concurrency, Source::File),
        ])
        .unwrap_or((DEFAULT_CONCURRENCY, Source::Default));
        sources.concurrency = source;

        let (output, source) = pick([
            (flags.output, Source::Flag("--output")),
            (file.output, Source::File),
        ])
        .unwrap_or((Output::Table, Source::Default));
        sources.output = source;

        let (mouse, source) = pick([
            (flags.mouse.then_some(true), Source::Flag("--mouse")),
            (file.mouse, Source::File),
        ])
        .unwrap_or((false, Source::Default));
        sources.mouse = source;

        let production = profile.as_ref().is_some_and(|(p, _)| p.production);
        let (read_only, source) = pick([
            (flags.read_only.then_some(true), Source::Flag("--read-only")),
            (file.read_only.filter(|on| *on), Source::File),
            (
                (production && !flags.write).then_some(true),
                Source::Profile,
            ),
            (file.read_only, Source::File),
        ])
        .unwrap_or((false, Source::Default));
        sources.read_only = source;

        let editor_var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let editor = pick([
            (editor_var("VISUAL"), Source::Env("VISUAL")),
            (editor_var("EDITOR"), Source::Env("EDITOR")),
            (file.editor.clone(), Source::File),
        ]);
        sources.editor = editor.as_ref().map_or(Source::Default, |(_, o)| *o);
        let editor = editor.map(|(e, _)| e);

        let (theme, source) = pick([
            (
                flags.no_color.then_some(ThemeName::None),
                Source::Flag("--no-color"),
            ),
            (
                var("NO_COLOR").map(|_| ThemeName::None),
                Source::Env("NO_COLOR"),
            ),
            (file.theme, Source::File),
        ])
        .unwrap_or((ThemeName::Dark, Source::Default));
        sources.theme = source;

        for action in file.keys.keys() {
            sources.keys.insert(*action, Source::File);
        }

        Ok(Self {
            demo: flags.demo,
            base_url,
            key,
            api_key_file,
            key_error,
            timeout: Duration::from_secs(timeout.max(1)),
            concurrency: concurrency.clamp(1, crate::config::MAX_CONCURRENCY),
            output,
            mouse,
            read_only,
            policy: file.policy.clone(),
            editor,
            theme,
            keys: file.bindings,
            paths,
            config_loaded,
            sources,
            profile: profile.map(|(_, in_use)| in_use),
            key_cmd,
            write: flags.write,
        })
    }

    /// The editor to run: `VISUAL`, else `EDITOR`, else the config's `editor`, else `vi`.
    pub fn editor_command(&self) -> &str {
        self.editor.as_deref().unwrap_or(DEFAULT_EDITOR)
    }

    /// The settings as `(name, value, source)`, for `orws config show`. Never holds the key.
    pub fn describe(&self) -> Vec<(String, Value, Source)> {
        let secs = self.timeout.as_secs();
        let key_where = match (self.sources.api_key, &self.api_key_file) {
            (Source::Env(var), _) => format!("from env {var}"),
            (_, Some(path)) => format!("from file {}", path.display()),
            _ => String::new(),
        };
        let key_state = match (&self.key, &self.key_error) {
            _ if self.demo => "not needed (--demo)".to_string(),
            (_, Some(e)) => format!("unusable: {e}"),
            (Some(_), None) => format!("set ({key_where})"),
            (None, None) if self.key_cmd.is_some() => {
                "from api_key_cmd (run when a key is needed)".to_string()
            }
            (None, None) => "not set".to_string(),
        };
        let profile = match &self.profile {
            Some(p) => (Value::from(p.name.clone()), p.from),
            None => (Value::Null, Source::Default),
        };
        let mut rows = vec![
            ("profile".to_string(), profile.0, profile.1),
            (
                "base_url".to_string(),
                Value::from(self.base_url.clone()),
                self.sources.base_url,
            ),
            (
                "api_key".to_string(),
                Value::from(key_state),
                self.sources.api_key,
            ),
            (
                "api_key_file".to_string(),
                self.api_key_file
                    .as_ref()
                    .map_or(Value::Null, |p| Value::from(p.display().to_string())),
                if self.api_key_file.is_some() {
                    self.sources.api_key
                } else {
                    Source::Default
                },
            ),
            (
                "timeout".to_string(),
                Value::from(secs),
                self.sources.timeout,
            ),
            (
                "concurrency".to_string(),
                Value::from(self.concurrency),
                self.sources.concurrency,
            ),
            (
                "output".to_string(),
                Value::from(self.output.name()),
                self.sources.output,
            ),
            (
                "mouse".to_string(),
                Value::from(self.mouse),
                self.sources.mouse,
            ),
            (
                "read_only".to_string(),
                Value::from(self.read_only),
                self.sources.read_only,
            ),
            (
                "policy".to_string(),
                self.policy
                    .as_ref()
                    .map_or(Value::Null, |p| Value::from(p.display().to_string())),
                if self.policy.is_some() {
                    Source::File
                } else {
                    Source::Default
                },
            ),
            (
                "editor".to_string(),
                Value::from(self.editor_command()),
                self.sources.editor,
            ),
            (
                "theme".to_string(),
                Value::from(self.theme.name()),
                self.sources.theme,
            ),
        ];
        for action in Action::ALL {
            let keys: Vec<Value> = self
                .keys
                .keys(action)
                .iter()
                .map(|k| Value::from(k.to_string()))
                .collect();
            let source = self
                .sources
                .keys
                .get(&action)
                .copied()
                .unwrap_or(Source::Default);
            rows.push((
                format!("keys.{}", action.name()),
                Value::Array(keys),
                source,
            ));
        }
        rows
    }
}

/// The profile `name` (chosen by `from`) of the config file, or why it cannot be used: no such
/// profile, or a flag that names a server or key beside it.
fn select_profile(
    file: &ConfigFile,
    paths: &Paths,
    flags: &Flags,
    name: &str,
    from: Source,
) -> Result<(crate::config::Profile, ProfileInUse), RunError> {
    let Some(profile) = file.profiles.get(name) else {
        let from = match from {
            Source::Flag(f) => f.to_string(),
            Source::Env(v) => v.to_string(),
            _ => "default_profile".to_string(),
        };
        let file_name = paths.config_file.as_ref().map_or_else(
            || "the config file".to_string(),
            |p| p.display().to_string(),
        );
        return Err(RunError::usage(format!(
            "no profile {} (from {from}) in {file_name}{}",
            crate::text::escape(name),
            crate::config::profiles::known(file.profiles.keys())
        )));
    };
    let in_use = ProfileInUse {
        name: profile.name.clone(),
        production: profile.production,
        color: profile.color,
        from,
    };
    for (given, flag) in [
        (flags.base_url.is_some(), "--base-url"),
        (flags.api_key_file.is_some(), "--api-key-file"),
    ] {
        if given {
            let way_out = match from {
                Source::File => "add a [profiles.NAME] for that server, or remove default_profile",
                _ => "drop one of the two",
            };
            return Err(RunError::usage(format!(
                "{flag} cannot be used with {}: a profile names its own server and key; {way_out}",
                in_use.described()
            )));
        }
    }
    Ok((profile.clone(), in_use))
}

/// The first value that is there, with its source.
fn pick<T, const N: usize>(candidates: [(Option<T>, Source); N]) -> Option<(T, Source)> {
    candidates
        .into_iter()
        .find_map(|(value, source)| value.map(|v| (v, source)))
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

//! The configuration file and the precedence of settings: flag > environment > file > default
//! (product.md section 1, issue 5). Everything through `Settings::resolve` with a private
//! XDG_CONFIG_HOME.

use crate::support::common::{assert_has, assert_lacks};
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::cli::{Cli, config_show};
use orws::config::{Action, ConfigFile, KeyBindings, Output, ThemeName};
use orws::error::RunError;
use orws::settings::{Settings, Source};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A private home with an optional config file.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = Self { dir };
        if let Some(text) = config {
            home.write_config(text);
        }
        home
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config/orws/config.toml")
    }

    fn write_config(&self, text: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Settings from these arguments and this environment (HOME and XDG dirs added).
    fn resolve(&self, args: &[&str], vars: &[(&str, &str)]) -> Result<Settings, RunError> {
        let mut env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let root = self.dir.path().display().to_string();
        env.entry("HOME".into()).or_insert(root.clone());
        env.entry("XDG_CONFIG_HOME".into())
            .or_insert(format!("{root}/config"));
        env.entry("XDG_CACHE_HOME".into())
            .or_insert(format!("{root}/cache"));
        let mut argv = vec!["orws"];
        argv.extend_from_slice(args);
        argv.push("list");
        let cli = Cli::try_parse_from(argv).expect("the arguments parse");
        Settings::resolve(&cli.global, |k| env.get(k).cloned())
    }

    fn settings(&self, args: &[&str], vars: &[(&str, &str)]) -> Settings {
        self.resolve(args, vars).expect("the settings resolve")
    }
}

const FILE: &str = r#"
base_url = "https://file.example/api/v1"
output = "json"
mouse = true
editor = "file-editor"
theme = "light"
timeout = 7
"#;

#[test]
fn without_a_file_the_defaults_apply() {
    let home = Home::new(None);
    let s = home.settings(&[], &[]);
    assert_eq!(s.base_url, "https://openrouter.ai/api/v1");
    assert_eq!(s.timeout, Duration::from_secs(30));
    assert_eq!(s.output, Output::Table);
    assert!(!s.mouse);
    assert_eq!(s.editor, None);
    assert_eq!(s.editor_command(), "vi");
    assert_eq!(s.theme, ThemeName::Dark);
    assert_eq!(s.keys, KeyBindings::default());
    assert!(s.key.is_none());
    assert_eq!(
        s.paths.config_file.as_deref(),
        Some(home.config_path().as_path())
    );
    assert!(!s.config_loaded);
    assert_eq!(s.paths.cache_dir, Some(home.path("cache/orws")));
    assert_eq!(s.sources.base_url, Source::Default);
    assert_eq!(s.sources.timeout, Source::Default);
}

#[test]
fn the_file_beats_the_defaults() {
    let home = Home::new(Some(FILE));
    let s = home.settings(&[], &[]);
    assert!(s.config_loaded);
    assert_eq!(s.base_url, "https://file.example/api/v1");
    assert_eq!(s.output, Output::Json);
    assert!(s.mouse);
    assert_eq!(s.editor_command(), "file-editor");
    assert_eq!(s.theme, ThemeName::Light);
    assert_eq!(s.timeout, Duration::from_secs(7));
    for source in [
        s.sources.base_url,
        s.sources.output,
        s.sources.mouse,
        s.sources.editor,
        s.sources.theme,
        s.sources.timeout,
    ] {
        assert_eq!(source, Source::File);
    }
}

#[test]
fn the_environment_beats_the_file() {
    let home = Home::new(Some(FILE));
    let s = home.settings(
        &[],
        &[
            ("OPENROUTER_BASE_URL", "https://env.example/api/v1"),
            ("EDITOR", "env-editor"),
            ("NO_COLOR", "1"),
        ],
    );
    assert_eq!(s.base_url, "https://env.example/api/v1");
    assert_eq!(s.sources.base_url, Source::Env("OPENROUTER_BASE_URL"));
    assert_eq!(s.editor_command(), "env-editor");
    assert_eq!(s.sources.editor, Source::Env("EDITOR"));
    assert_eq!(s.theme, ThemeName::None);
    assert_eq!(s.sources.theme, Source::Env("NO_COLOR"));
    // VISUAL beats EDITOR.
    let s = home.settings(&[], &[("EDITOR", "env-editor"), ("VISUAL", "visual")]);
    assert_eq!(s.editor_command(), "visual");
    assert_eq!(s.sources.editor, Source::Env("VISUAL"));
    // Empty variables are not set.
    let s = home.settings(
        &[],
        &[
            ("OPENROUTER_BASE_URL", ""),
            ("EDITOR", " "),
            ("NO_COLOR", ""),
        ],
    );
    assert_eq!(s.base_url, "https://file.example/api/v1");
    assert_eq!(s.editor_command(), "file-editor");
    assert_eq!(s.theme, ThemeName::Light);
}

#[test]
fn flags_beat_the_environment_and_the_file() {
    let home = Home::new(Some(FILE));
    let env = [("OPENROUTER_BASE_URL", "https://env.example/api/v1")];
    let s = home.settings(
        &[
            "--base-url",
            "https://flag.example/api/v1",
            "--timeout",
            "3",
            "--output",
            "table",
            "--no-color",
        ],
        &env,
    );
    assert_eq!(s.base_url, "https://flag.example/api/v1");
    assert_eq!(s.sources.base_url, Source::Flag("--base-url"));
    assert_eq!(s.timeout, Duration::from_secs(3));
    assert_eq!(s.sources.timeout, Source::Flag("--timeout"));
    assert_eq!(s.output, Output::Table);
    assert_eq!(s.sources.output, Source::Flag("--output"));
    assert_eq!(s.theme, ThemeName::None);
    assert_eq!(s.sources.theme, Source::Flag("--no-color"));

    // --mouse turns the mouse on over a file that turns it off.
    let home = Home::new(Some("mouse = false"));
    assert!(!home.settings(&[], &[]).mouse);
    let s = home.settings(&["--mouse"], &[]);
    assert!(s.mouse);
    assert_eq!(s.sources.mouse, Source::Flag("--mouse"));
}

#[test]
fn theme_none_in_the_file_means_no_colour() {
    let home = Home::new(Some("theme = \"none\""));
    let s = home.settings(&[], &[]);
    assert_eq!(s.theme, ThemeName::None);
}

#[test]
fn the_key_flag_file_beats_the_environment_beats_the_config_key_file() {
    let home = Home::new(None);
    std::fs::write(home.path("flag-key"), "sk-or-v1-flag\n").unwrap();
    std::fs::write(home.path("file-key"), "sk-or-v1-file\n").unwrap();
    // A relative api_key_file is relative to the config file's directory.
    std::fs::write(home.path("config-dir-key"), "x").unwrap();
    home.write_config("api_key_file = \"~/file-key\"");
    let flag_key = home.path("flag-key").display().to_string();
    let env = [("OPENROUTER_API_KEY", "sk-or-v1-env")];

    let s = home.settings(&["--api-key-file", &flag_key], &env);
    assert!(s.key.is_some());
    assert_eq!(s.sources.api_key, Source::Flag("--api-key-file"));
    assert_eq!(s.api_key_file, Some(home.path("flag-key")));

    let s = home.settings(&[], &env);
    assert_eq!(s.sources.api_key, Source::Env("OPENROUTER_API_KEY"));
    assert_eq!(s.api_key_file, None);

    let s = home.settings(&[], &[]);
    assert!(s.key.is_some());
    assert_eq!(s.sources.api_key, Source::File);
    assert_eq!(s.api_key_file, Some(home.path("file-key")));

    home.write_config("api_key_file = \"key\"");
    let s = home.settings(&[], &[]);
    assert_eq!(s.api_key_file, Some(home.path("config/orws/key")));
    // The file is missing: no key, and the reason names the file and the config.
    assert!(s.key.is_none());
    let problem = s.key_error.expect("the missing key file is reported");
    assert_has(&problem, "config/orws/key");
    assert_has(&problem, "config.toml");

    home.write_config("");
    assert!(home.settings(&[], &[]).key.is_none());
    assert_eq!(home.settings(&[], &[]).sources.api_key, Source::Default);
}

#[test]
fn config_show_never_prints_the_key_and_names_sources() {
    let home = Home::new(Some("timeout = 9"));
    let secret = "sk-or-v1-do-not-print-me";
    let s = home.settings(&["--output", "json"], &[("OPENROUTER_API_KEY", secret)]);
    let out = config_show(&s);
    assert_lacks(&out, secret);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["settings"]["api_key"]["value"],
        "set (from env OPENROUTER_API_KEY)"
    );
    assert_eq!(json["settings"]["timeout"]["value"], 9);
    assert_eq!(json["settings"]["timeout"]["source"], "file");
    assert_eq!(json["settings"]["output"]["source"], "flag");
    assert_eq!(json["settings"]["output"]["detail"], "--output");
    assert_eq!(json["settings"]["base_url"]["source"], "default");
    assert_eq!(json["settings"]["keys.review"]["value"][1], "ctrl-s");
    assert_eq!(json["config_file"]["exists"], true);

    let key_file = home.path("key");
    std::fs::write(&key_file, secret).unwrap();
    let s = home.settings(&["--api-key-file", key_file.to_str().unwrap()], &[]);
    let out = config_show(&s);
    assert_lacks(&out, secret);
    assert_has(&out, &format!("set (from file {})", key_file.display()));
    let out = config_show(&home.settings(&[], &[]));
    assert_has(&out, "not set");
}

#[test]
fn a_broken_file_is_a_usage_error_naming_the_file_and_line() {
    let home = Home::new(Some("timeout = 5\nmouse = \n"));
    let err = home.resolve(&[], &[]).unwrap_err();
    assert!(matches!(err, RunError::Config(_)), "{err:?}");
    assert_eq!(err.exit_code(), 2);
    let path = home.config_path().display().to_string();
    assert!(err.to_string().contains(&path), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");

    home.write_config("[keys\nquit = [\"q\"]");
    let err = home.resolve(&[], &[]).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("line 1"), "{err}");

    // A flag does not excuse a broken file.
    home.write_config("\n\n\ntimeout = -1\n");
    let err = home.resolve(&["--timeout", "3"], &[]).unwrap_err();
    assert!(err.to_string().contains("line 4"), "{err}");
    assert!(err.to_string().contains("timeout"), "{err}");
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let home = Home::new(Some("output = \"json\"\ncolor = false\n"));
    let err = home.resolve(&[], &[]).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("`color`"), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");

    home.write_config("[keys]\nsave = [\"s\"]\n");
    let err = home.resolve(&[], &[]).unwrap_err();
    assert!(err.to_string().contains("`save`"), "{err}");
    assert!(
        err.to_string().contains("review"),
        "lists the actions: {err}"
    );
}

#[test]
fn bad_values_are_errors_naming_the_key() {
    for (text, needles) in [
        ("output = \"xml\"", &["xml", "table", "json"][..]),
        ("theme = \"blue\"", &["theme", "blue", "dark"]),
        ("mouse = \"yes\"", &["mouse", "boolean"]),
        ("timeout = 0", &["timeout", "at least 1"]),
        ("timeout = \"ten\"", &["timeout", "whole number"]),
        ("base_url = \"\"", &["base_url", "empty"]),
        (
            "base_url = \"http://example.com/api/v1\"",
            &["base_url", "http://"],
        ),
        ("editor = \"  \"", &["editor", "empty"]),
    ] {
        let home = Home::new(Some(text));
        let err = home.resolve(&[], &[]).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{text}");
        for needle in needles {
            assert!(
                err.to_string().contains(needle),
                "{text}: {err} lacks {needle}"
            );
        }
        assert!(err.to_string().contains("line 1"), "{text}: {err}");
    }
}

#[test]
fn a_bad_key_binding_is_an_error_naming_the_key_string() {
    for (text, needles) in [
        (
            "[keys]\nreview = [\"ctrl-\"]",
            &["\"ctrl-\"", "review", "line 2"][..],
        ),
        (
            "[keys]\nquit = [\"q\", \"hyper-q\"]",
            &["\"hyper-q\"", "line 2"],
        ),
        ("[keys]\nquit = \"q\"", &["quit", "line 2"]),
        ("[keys]\nquit = [1]", &["line 2"]),
        // The key of another action's defaults.
        (
            "[keys]\n\nquit = [\"s\"]",
            &["both", "review", "quit", "line 3"],
        ),
        // A binding from before `u` meant undo: refused, naming both actions.
        (
            "[keys]\nreset = [\"u\"]",
            &["both", "undo", "reset", "line 2"],
        ),
    ] {
        let home = Home::new(Some(text));
        let err = home.resolve(&[], &[]).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{text}");
        for needle in needles {
            assert!(
                err.to_string().contains(needle),
                "{text}: {err} lacks {needle}"
            );
        }
    }
}

#[test]
fn keys_replace_the_defaults_of_their_action_only() {
    let home = Home::new(Some(
        "[keys]\nreview = [\"v\", \"ctrl-x\"]\nquit = [\"Q\", \"ctrl-q\"]\n",
    ));
    let s = home.settings(&[], &[]);
    let press = |code, modifiers| KeyEvent::new(code, modifiers);
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('v'), KeyModifiers::NONE)
        ),
        Some(Action::Review)
    );
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('x'), KeyModifiers::CONTROL)
        ),
        Some(Action::Review)
    );
    // The replaced defaults are gone.
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('s'), KeyModifiers::NONE)
        ),
        None
    );
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('q'), KeyModifiers::NONE)
        ),
        None
    );
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('Q'), KeyModifiers::SHIFT)
        ),
        Some(Action::Quit)
    );
    // Every other action keeps its defaults.
    let defaults = KeyBindings::default();
    for action in Action::ALL {
        if ![Action::Review, Action::Quit].contains(&action) {
            assert_eq!(s.keys.keys(action), defaults.keys(action), "{action}");
            assert_eq!(s.sources.keys[&action], Source::Default, "{action}");
        }
    }
    assert_eq!(s.sources.keys[&Action::Review], Source::File);
    assert_eq!(s.keys.label(Action::Review), "v / ctrl-x");
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('j'), KeyModifiers::NONE)
        ),
        Some(Action::Down)
    );
    // An empty list unbinds the action.
    let home = Home::new(Some("[keys]\nhelp = []\n"));
    let s = home.settings(&[], &[]);
    assert!(s.keys.keys(Action::Help).is_empty());
    assert_eq!(
        s.keys.action_for(
            orws::config::Scope::Form,
            &press(KeyCode::Char('?'), KeyModifiers::SHIFT)
        ),
        None
    );
}

#[test]
fn a_missing_home_means_no_config_file() {
    let cli = Cli::try_parse_from(["orws", "list"]).unwrap();
    let s = Settings::resolve(&cli.global, |_| None).unwrap();
    assert_eq!(s.paths.config_file, None);
    assert_eq!(s.paths.cache_dir, None);
    assert!(!s.config_loaded);
}

#[test]
fn the_config_file_parses_on_its_own() {
    let c = ConfigFile::parse(FILE, Path::new("/etc/x/config.toml"), None).unwrap();
    assert_eq!(c.timeout, Some(7));
    assert_eq!(c.theme, Some(ThemeName::Light));
    assert!(c.keys.is_empty());
}

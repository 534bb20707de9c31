//! The conventions of a well-behaved CLI (issue 5), on the real binary with a private HOME and
//! XDG dirs: --version, completions, the man page, --help examples, `config path`,
//! `config show`, a `base_url` from config.toml, a broken config.toml, NO_COLOR.

use crate::support::cli_bin::ServeFake;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_orws");
const PROD_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A private home: HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_STATE_HOME inside a temp dir.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn config_home(&self) -> PathBuf {
        self.root().join("xdg-config")
    }

    fn config_file(&self) -> PathBuf {
        self.config_home().join("orws/config.toml")
    }

    fn write_config(&self, text: &str) {
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn command(&self, args: &[&str], envs: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("OPENROUTER_API_KEY")
            .env_remove("OPENROUTER_BASE_URL")
            .env_remove("NO_COLOR")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env("HOME", self.root())
            .env("XDG_CONFIG_HOME", self.config_home())
            .env("XDG_CACHE_HOME", self.root().join("xdg-cache"))
            .env("XDG_STATE_HOME", self.root().join("xdg-state"))
            .envs(envs.iter().copied())
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str], envs: &[(&str, &str)]) -> Run {
        let out = self.command(args, envs).output().expect("the binary runs");
        Run {
            code: out.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

fn ok(run: &Run) {
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.is_empty(), "{run:?}");
}

/// `orws serve-fake` as a child process in a home of its own; killed when dropped.
fn serve_fake() -> ServeFake {
    ServeFake::start(Home::new().command(&["serve-fake"], &[]))
}

#[test]
fn version_prints_name_and_version() {
    let run = Home::new().run(&["--version"], &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "orws 0.1.0\n");
}

#[test]
fn help_has_examples_of_the_new_commands() {
    let run = Home::new().run(&["--help"], &[]);
    assert_eq!(run.code, 0, "{run:?}");
    for needle in [
        "Examples",
        "orws config show",
        "orws completions bash",
        "orws man",
        "config.toml",
        "Exit codes",
    ] {
        assert!(
            run.stdout.contains(needle),
            "--help lacks {needle}: {run:?}"
        );
    }
}

#[test]
fn completions_are_printed_for_every_shell() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = home.run(&["completions", shell], &[]);
        ok(&run);
        assert!(run.stdout.contains("orws"), "{shell}: {run:?}");
        // The subcommands are completed too.
        assert!(run.stdout.contains("serve-fake"), "{shell}: {run:?}");
        assert!(run.stderr.is_empty(), "{shell}: {run:?}");
    }
    let run = home.run(&["completions", "tcsh"], &[]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn completions_and_man_work_with_a_broken_config() {
    let home = Home::new();
    home.write_config("this is not toml");
    ok(&home.run(&["completions", "bash"], &[]));
    ok(&home.run(&["man"], &[]));
    let run = home.run(&["config", "path"], &[]);
    ok(&run);
    assert_eq!(run.stdout.trim(), home.config_file().display().to_string());
}

#[test]
fn man_prints_a_roff_page() {
    let run = Home::new().run(&["man"], &[]);
    ok(&run);
    // clap_mangen defines a string for apostrophes first, then the title.
    let title = run
        .stdout
        .lines()
        .find(|l| l.starts_with(".TH"))
        .expect("a .TH line");
    assert!(title.starts_with(".TH orws 1"), "{title}");
    assert!(
        run.stdout
            .lines()
            .take_while(|l| !l.starts_with(".TH"))
            .all(|l| l.starts_with(".ie") || l.starts_with(".el")),
        "{}",
        run.stdout
    );
    for needle in [".SH NAME", ".SH SYNOPSIS", "serve\\-fake", "completions"] {
        assert!(run.stdout.contains(needle), "the page lacks {needle}");
    }
}

#[test]
fn config_path_honours_xdg_config_home_and_home() {
    let home = Home::new();
    let run = home.run(&["config", "path"], &[]);
    ok(&run);
    assert_eq!(run.stdout, format!("{}\n", home.config_file().display()));

    // Without XDG_CONFIG_HOME: ~/.config.
    let out = home
        .command(&["config", "path"], &[])
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        home.root()
            .join(".config/orws/config.toml")
            .display()
            .to_string()
    );

    let run = home.run(&["--output", "json", "config", "path"], &[]);
    ok(&run);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["path"], home.config_file().display().to_string());
    assert_eq!(json["exists"], false);
}

#[test]
fn config_show_names_sources_and_never_the_key() {
    let home = Home::new();
    home.write_config("timeout = 12\ntheme = \"light\"\n[keys]\nquit = [\"ctrl-q\"]\n");
    let secret = "sk-or-v1-never-shown-anywhere";
    let env = [
        ("OPENROUTER_API_KEY", secret),
        ("OPENROUTER_BASE_URL", "https://env.example/api/v1"),
    ];
    let run = home.run(&["config", "show"], &env);
    ok(&run);
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    let line = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} line: {run:?}"))
            .to_string()
    };
    assert!(line("api_key").contains("set (from env OPENROUTER_API_KEY)"));
    assert!(line("base_url").contains("env OPENROUTER_BASE_URL"));
    let file = home.config_file().display().to_string();
    assert!(line("timeout").contains("12"));
    assert!(line("timeout").contains(&format!("file {file}")));
    assert!(line("theme").contains("light"));
    assert!(line("keys.quit").contains("ctrl-q"));
    assert!(line("output").ends_with("default"));

    let run = home.run(
        &["--timeout", "4", "--output", "json", "config", "show"],
        &env,
    );
    ok(&run);
    assert!(!run.stdout.contains(secret));
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let settings = &json["settings"];
    assert_eq!(settings["timeout"]["value"], 4);
    assert_eq!(settings["timeout"]["source"], "flag");
    assert_eq!(settings["theme"]["source"], "file");
    assert_eq!(settings["theme"]["detail"], file);
    assert_eq!(settings["api_key"]["source"], "env");
    assert_eq!(json["config_file"]["exists"], true);

    // A key from a file: where it is, never what it is.
    let key_file = home.root().join("key");
    std::fs::write(&key_file, secret).unwrap();
    home.write_config(&format!(
        "api_key_file = {:?}\n",
        key_file.display().to_string()
    ));
    let run = home.run(&["config", "show"], &[]);
    ok(&run);
    assert!(!run.stdout.contains(secret));
    assert!(
        run.stdout
            .contains(&format!("set (from file {})", key_file.display())),
        "{run:?}"
    );

    let run = Home::new().run(&["config", "show"], &[]);
    ok(&run);
    assert!(run.stdout.contains("not set"), "{run:?}");
    assert!(run.stdout.contains("not found"), "{run:?}");
}

#[test]
fn base_url_from_the_config_file_is_used() {
    let fake = serve_fake();
    let home = Home::new();
    home.write_config(&format!("base_url = \"{}\"\ntimeout = 20\n", fake.url));
    let key = [("OPENROUTER_API_KEY", "sk-or-v1-conventions")];
    let run = home.run(&["get", "production"], &key);
    ok(&run);
    assert!(run.stdout.contains(PROD_ID), "{run:?}");
    // `output` from the file too.
    home.write_config(&format!("base_url = \"{}\"\noutput = \"json\"\n", fake.url));
    let run = home.run(&["get", "production"], &key);
    ok(&run);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON from the file's output");
    assert_eq!(json["id"], PROD_ID);
    // The environment beats the file: a dead URL there fails.
    let run = home.run(
        &["--timeout", "2", "get", "production"],
        &[key[0], ("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")],
    );
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn a_broken_config_exits_2_naming_the_file_and_line() {
    let home = Home::new();
    home.write_config("timeout = 5\nbase_url = [\n");
    let file = home.config_file().display().to_string();
    for args in [
        &["get", "production"][..],
        &["list"],
        &["config", "show"],
        &["--demo", "list"],
    ] {
        let run = home.run(args, &[("OPENROUTER_API_KEY", "sk-or-v1-x")]);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(run.stderr.contains(&file), "{args:?}: {run:?}");
        assert!(run.stderr.contains("line 2"), "{args:?}: {run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "one line: {run:?}");
    }
}

#[test]
fn tables_carry_no_colour_codes() {
    let home = Home::new();
    for envs in [&[][..], &[("NO_COLOR", "1")]] {
        for args in [
            &["--demo", "list"][..],
            &["--demo", "get", "production"],
            &["config", "show"],
        ] {
            let run = home.run(args, envs);
            ok(&run);
            assert!(!run.stdout.contains('\x1b'), "{args:?}: {run:?}");
        }
    }
    let run = home.run(
        &["--output", "json", "config", "show"],
        &[("NO_COLOR", "1")],
    );
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["settings"]["theme"]["value"], "none");
    assert_eq!(json["settings"]["theme"]["detail"], "NO_COLOR");
}

#[test]
fn json_output_on_every_data_command() {
    let home = Home::new();
    for args in [
        &["--demo", "--output", "json", "list"][..],
        &["--demo", "--output", "json", "get", "production"],
        &[
            "--demo",
            "--output",
            "json",
            "patch",
            "production",
            "--set",
            "name=X",
            "--dry-run",
        ],
        &["--output", "json", "config", "show"],
        &["--output", "json", "config", "path"],
    ] {
        let run = home.run(args, &[]);
        ok(&run);
        serde_json::from_str::<Value>(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {run:?}"));
    }
}

#[test]
fn the_form_without_a_terminal_refuses_in_one_line_and_writes_nothing_to_stdout() {
    // stdin is /dev/null and stdout a pipe: neither is a terminal. Said before anything else,
    // even a missing key.
    for args in [
        &["--demo"][..],
        &["--demo", "production"],
        &[],
        &["production"],
    ] {
        let run = Home::new().run(args, &[]);
        assert_eq!(run.code, 2, "{run:?}");
        assert_eq!(run.stdout, "", "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
        assert!(run.stderr.contains("needs a terminal"), "{run:?}");
        assert!(!run.stderr.contains('\x1b'), "{run:?}");
    }
}

#[test]
fn the_terminal_check_names_what_is_redirected() {
    use orws::tui::check_terminal;
    assert!(check_terminal(true, true).is_ok());
    for (stdin, stdout, says) in [
        (false, true, "stdin is not"),
        (true, false, "stdout is not"),
        (false, false, "stdin and stdout are not"),
    ] {
        let e = check_terminal(stdin, stdout).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(says), "{e}");
    }
}

#[test]
fn a_demo_patch_leaves_the_real_state_dir_alone() {
    let home = Home::new();
    let run = home.run(
        &["--demo", "patch", "production", "--set", "name=Demo"],
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    // HOME and every XDG dir point inside this directory: the demo wrote none of them.
    let left: Vec<_> = std::fs::read_dir(home.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "the demo wrote {left:?}");
}

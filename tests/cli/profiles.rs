//! Profiles (product.md §14, §15): `[profiles.NAME]` picks a server and key by name; a
//! production profile is read-only unless the run says `--write`; the key from `api_key_cmd`
//! never shows in any output; drafts and history are kept per profile.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_lacks};

use cli_bin::{KEY, Out, PROD_ID, bare, fake, finish, writes};
use orws::fake::FakeServer;
use std::path::Path;

/// A home whose config has `production` (read-only, key from a command) and `staging` (key
/// from a file), both on `server`, and `default_profile = "staging"`.
fn home_with_profiles(server: &FakeServer) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let url = server.url();
    let (head, tail) = KEY.split_at(13);
    let (head, tail) = (head.trim_end_matches('-'), tail.trim_start_matches('-'));
    assert_eq!(format!("{head}-{tail}"), KEY);
    std::fs::create_dir_all(home.path().join("config/orws")).unwrap();
    std::fs::write(home.path().join("config/orws/staging.key"), KEY).unwrap();
    let config = format!(
        r#"default_profile = "staging"

[profiles.production]
base_url = "{url}"
# Fails if orws's own key variables reach it: a command never sees them. It builds the key
# from parts, so the command's text (which `profiles` shows) is not the key.
api_key_cmd = "test -z \"$OPENROUTER_API_KEY$OPENROUTER_BASE_URL\" || exit 9; printf '%s-%s\\n' {head} {tail}"
production = true
color = "red"

[profiles.staging]
base_url = "{url}"
api_key_file = "staging.key"
"#
    );
    std::fs::write(home.path().join("config/orws/config.toml"), config).unwrap();
    home
}

/// orws in `home`, with OpenRouter variables that a profile must override (a dead server and
/// a wrong key), stdin not a terminal.
fn run(home: &Path, args: &[&str]) -> Out {
    let mut cmd = bare(home, args);
    cmd.env("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")
        .env("OPENROUTER_API_KEY", "sk-or-v1-the-environments-key");
    finish(&mut cmd, args)
}

#[test]
fn a_production_profile_refuses_writes_unless_the_run_says_write() {
    let server = fake();
    let home = home_with_profiles(&server);
    let set = ["patch", PROD_ID, "--set", "description=from prod"];

    let refused = run(
        home.path(),
        &[&["--profile", "production"][..], &set].concat(),
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_has(&refused.stderr, "the production profile production");
    assert_has(&refused.stderr, "--write");
    assert!(writes(&server).is_empty(), "nothing was sent");

    let landed = run(
        home.path(),
        &[&["--profile", "production", "--write"][..], &set].concat(),
    );
    assert_eq!(landed.code, 0, "{}", landed.stderr);
    assert_eq!(writes(&server).len(), 1);
    assert_has(&landed.stdout, "applied");

    // The same server under another profile keeps its own history.
    let prod = run(home.path(), &["--profile", "production", "history"]);
    assert_has(&prod.stdout, "from prod");
    let staging = run(home.path(), &["history"]);
    assert_eq!(staging.code, 0, "{}", staging.stderr);
    assert_lacks(&staging.stdout, "from prod");

    // `--write` elsewhere is accepted and does nothing; beside read-only it is refused.
    let staging_write = run(
        home.path(),
        &["--write", "patch", PROD_ID, "--set", "description=st"],
    );
    assert_eq!(staging_write.code, 0, "{}", staging_write.stderr);
    let both = run(home.path(), &["--write", "--read-only", "list"]);
    assert_eq!(both.code, 2);
    assert_has(&both.stderr, "--write");
    assert_has(&both.stderr, "--read-only");
}

#[test]
fn the_key_from_api_key_cmd_never_shows_and_the_command_sees_no_openrouter_variables() {
    let server = fake();
    let home = home_with_profiles(&server);
    let mut seen = String::new();
    for args in [
        &["--profile", "production", "list"][..],
        &["--profile", "production", "config", "show"],
        &[
            "--profile",
            "production",
            "--output",
            "json",
            "config",
            "show",
        ],
        &["--profile", "production", "profiles"],
        &["--profile", "production", "--output", "json", "profiles"],
        &["--profile", "production", "get", "no-such-workspace"],
        &["--profile", "production", "history"],
    ] {
        let out = run(home.path(), args);
        // The command exits 9 if it sees OPENROUTER_*: every run that needs the key works.
        assert_ne!(out.code, 9, "{args:?}: {}", out.stderr);
        seen.push_str(&out.stdout);
        seen.push_str(&out.stderr);
    }
    assert_has(&seen, "Production");
    assert_lacks(&seen, KEY);
    assert_lacks(&seen, "the-environments-key");
    // Nothing orws keeps (drafts, history, cache) holds it either.
    for entry in walk(home.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        if entry.ends_with("staging.key") || entry.ends_with("config.toml") {
            continue;
        }
        assert_lacks(&text, KEY);
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_key_command_that_fails_or_prints_more_than_a_key_is_exit_2_without_its_output() {
    let server = fake();
    for (cmd, why) in [
        // The commands build what they print, so their own text (which the error names)
        // never holds it.
        ("printf 'sk-or-v1-%s\\n' half-printed; exit 4", "failed"),
        ("printf 'sk-or-v1-%s\\n' one two", "more than one line"),
        ("true", "printed nothing"),
        ("exit 127", "failed"),
    ] {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("config/orws")).unwrap();
        let config = format!(
            "[profiles.p]\nbase_url = \"{}\"\napi_key_cmd = {cmd:?}\n",
            server.url()
        );
        std::fs::write(home.path().join("config/orws/config.toml"), config).unwrap();
        let out = run(home.path(), &["--profile", "p", "list"]);
        assert_eq!(out.code, 2, "{cmd}: {}", out.stderr);
        assert_has(&out.stderr, "api_key_cmd of the profile p");
        assert_has(&out.stderr, why);
        assert_lacks(&out.stderr, "sk-or-v1-half");
        assert_lacks(&out.stderr, "sk-or-v1-one");
        assert_lacks(&out.stderr, "sk-or-v1-two");
        assert_eq!(out.stdout, "", "{cmd}");
    }
    assert!(server.requests().is_empty(), "no request without a key");
}

#[test]
fn the_profile_is_chosen_by_flag_then_environment_then_default_and_replaces_other_sources() {
    let server = fake();
    let home = home_with_profiles(&server);
    let show = |args: &[&str], vars: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.extend(["--output", "json", "config", "show"]);
        let mut cmd = bare(home.path(), &all);
        cmd.envs(vars.iter().copied());
        let out = finish(&mut cmd, &all);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        (
            v["settings"]["profile"]["value"].clone(),
            v["settings"]["profile"]["source"].clone(),
            v["settings"]["read_only"]["value"].clone(),
            v["settings"]["base_url"]["source"].clone(),
        )
    };
    let (name, source, read_only, base) = show(&[], &[]);
    assert_eq!((name, source), ("staging".into(), "file".into()));
    assert_eq!((read_only, base), (false.into(), "profile".into()));
    let (name, source, read_only, _) = show(&[], &[("ORWS_PROFILE", "production")]);
    assert_eq!((name, source), ("production".into(), "env".into()));
    assert_eq!(
        read_only,
        serde_json::Value::Bool(true),
        "production is read-only"
    );
    let (name, source, _, _) = show(&["--profile", "staging"], &[("ORWS_PROFILE", "production")]);
    assert_eq!((name, source), ("staging".into(), "flag".into()));
    let (_, _, read_only, _) = show(&["--profile", "production", "--write"], &[]);
    assert_eq!(read_only, serde_json::Value::Bool(false));

    // The profile's server and key win over OPENROUTER_BASE_URL and OPENROUTER_API_KEY.
    let list = run(home.path(), &["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_has(&list.stdout, "production");

    let unknown = run(home.path(), &["--profile", "prd", "list"]);
    assert_eq!(unknown.code, 2);
    assert_has(&unknown.stderr, "no profile prd (from --profile)");
    assert_has(&unknown.stderr, "production, staging");
    for flag in [
        ["--base-url", "http://127.0.0.1:1/api/v1"],
        ["--api-key-file", "k"],
    ] {
        let out = run(home.path(), &[&flag[..], &["list"]].concat());
        assert_eq!(out.code, 2, "{flag:?}");
        assert_has(&out.stderr, flag[0]);
        assert_has(&out.stderr, "the profile staging (from default_profile");
    }
    assert!(writes(&server).is_empty());
}

#[test]
fn profiles_lists_them_and_which_is_in_use_never_a_key() {
    let server = fake();
    let home = home_with_profiles(&server);
    let out = run(home.path(), &["profiles"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(&out.stdout, "production");
    assert_has(&out.stdout, "* staging (default)");
    assert_has(&out.stdout, "yes, read-only without --write");
    assert_has(&out.stdout, "in use (from default_profile)");
    assert_lacks(&out.stdout, KEY);
    let json = run(home.path(), &["--output", "json", "profiles"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["selected"], "staging");
    assert_eq!(v["profiles"][0]["name"], "production");
    assert_eq!(v["profiles"][0]["production"], true);
    assert_eq!(v["profiles"][0]["color"], "red");
    assert_eq!(v["profiles"][1]["key_from"], "file");
    // A name that is not defined is said, not an error: this is where one looks it up.
    let missing = run(home.path(), &["--profile", "nope", "profiles"]);
    assert_eq!(missing.code, 0);
    assert_has(
        &missing.stdout,
        "names the profile nope, which this file does not define",
    );
    assert!(
        server.requests().is_empty(),
        "profiles reads nothing from a server"
    );
}

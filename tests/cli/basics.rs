//! The real binary: stdout, stderr and exit codes of list/get/patch/serve-fake (product.md
//! section 1), against `--demo` and against an `orws serve-fake` child process.

use serde_json::{Value, json};
use std::process::Command;

use crate::support::cli_bin::{self, Out as Run, assert_usage, orws_env};

const PROD_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

/// A command with a private home and XDG dirs, and no OpenRouter settings from the environment.
fn command(home: &tempfile::TempDir, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = cli_bin::bare(home.path(), args);
    cmd.envs(envs.iter().copied());
    cmd
}

fn orws(args: &[&str]) -> Run {
    orws_env(args, &[])
}

/// `orws serve-fake` as a child process in a home of its own, killed when dropped.
struct ServeFake {
    /// Dropped first: the server stops before its home goes.
    _fake: cli_bin::ServeFake,
    url: String,
    _home: tempfile::TempDir,
}

impl ServeFake {
    fn start(extra: &[&str]) -> Self {
        let home = tempfile::tempdir().unwrap();
        let mut args = vec!["serve-fake"];
        args.extend_from_slice(extra);
        let fake = cli_bin::ServeFake::start(command(&home, &args, &[]));
        Self {
            url: fake.url.clone(),
            _fake: fake,
            _home: home,
        }
    }

    /// Runs orws against this server with a key.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--base-url", self.url.as_str()];
        all.extend_from_slice(args);
        orws_env(&all, &[("OPENROUTER_API_KEY", "sk-or-v1-cli-test")])
    }

    /// The workspace as the server holds it, via `get --output json`.
    fn get_json(&self, workspace: &str) -> Value {
        let run = self.run(&["--output", "json", "get", workspace]);
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).expect("get prints JSON")
    }
}

/// The keys whose values differ between two JSON objects, sorted.
fn changed_keys(before: &Value, after: &Value) -> Vec<String> {
    let (b, a) = (before.as_object().unwrap(), after.as_object().unwrap());
    let mut keys: Vec<String> = b
        .keys()
        .chain(a.keys())
        .filter(|k| b.get(*k) != a.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

// ---------------------------------------------------------------- --demo, no server needed

#[test]
fn demo_dry_run_prints_exactly_the_body() {
    let run = orws(&[
        "--demo",
        "--output",
        "json",
        "patch",
        "production",
        "--set",
        "name=Prod 2",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "{\"name\":\"Prod 2\"}\n");
}

#[test]
fn demo_dry_run_of_several_fields_is_in_form_order() {
    let run = orws(&[
        "--demo",
        "patch",
        "production",
        "--set",
        "io_logging_sampling_rate=0.25",
        "--set",
        "description=null",
        "--set-json",
        "io_logging_api_key_ids=[2,1]",
        "--set",
        "name=Production",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "{\"description\":null,\"io_logging_sampling_rate\":0.25,\"io_logging_api_key_ids\":[2,1]}\n"
    );
}

/// How `--set`/`--set-json` values become JSON, seen in the dry-run body.
#[test]
fn demo_dry_run_value_forms() {
    let cases: [(&[&str], &str); 7] = [
        (&["--set", "description=null"], r#"{"description":null}"#),
        (
            &["--set-json", "description=\"null\""],
            r#"{"description":"null"}"#,
        ),
        (&["--set", "description="], r#"{"description":""}"#),
        (
            &["--set", "io_logging_api_key_ids=[]"],
            r#"{"io_logging_api_key_ids":[]}"#,
        ),
        (
            &["--set", "io_logging_api_key_ids=3,1"],
            r#"{"io_logging_api_key_ids":[3,1]}"#,
        ),
        // Production has no disabled_server_tools: [] and null mean the same, nothing to send.
        (&["--set", "disabled_server_tools=[]"], "{}"),
        (
            &["--set", "is_observability_broadcast_enabled=true"],
            r#"{"is_observability_broadcast_enabled":true}"#,
        ),
    ];
    for (sets, body) in cases {
        let mut args = vec!["--demo", "patch", "production"];
        args.extend_from_slice(sets);
        args.push("--dry-run");
        let run = orws(&args);
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.stdout, format!("{body}\n"), "{sets:?}");
    }
}

#[test]
fn demo_setting_current_values_changes_nothing() {
    let sets = [
        "--set",
        "name=Production",
        "--set",
        "io_logging_sampling_rate=1.0",
        "--set",
        "io_logging_api_key_ids=null",
    ];
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["--demo", "--output", "json", "patch", "production"];
        args.extend_from_slice(&sets);
        args.extend_from_slice(extra);
        let run = orws(&args);
        assert_eq!(run.code, 0, "{run:?}");
        assert_eq!(run.stdout, "{}\n", "{args:?}");
        assert!(run.stderr.contains("nothing to change"), "{run:?}");
    }
}

#[test]
fn broken_rules_exit_2_naming_the_field() {
    let long_name = format!("name={}", "n".repeat(101));
    let long_description = format!("description={}", "d".repeat(501));
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["--set", "slug=Production"], &["slug", "uppercase"]),
        (vec!["--set", "slug=prod--eu"], &["slug", "double hyphen"]),
        (vec!["--set", "name="], &["name", "empty"]),
        (vec!["--set", &long_name], &["name", "100"]),
        (vec!["--set", &long_description], &["description", "500"]),
        (
            vec!["--set", "io_logging_sampling_rate=0"],
            &["io_logging_sampling_rate", "0.0001"],
        ),
        (
            vec!["--set", "io_logging_sampling_rate=1.5"],
            &["io_logging_sampling_rate", "at most 1"],
        ),
        (
            vec!["--set", "default_provider_sort=fastest"],
            &["default_provider_sort", "fastest"],
        ),
        (
            vec!["--set", "io_logging_api_key_ids=1,x"],
            &["io_logging_api_key_ids", "\"x\""],
        ),
        (vec!["--set", "name=null"], &["name", "null"]),
        (vec!["--set", "id=x"], &["id", "read-only"]),
        (vec!["--set", "updated_at=x"], &["updated_at", "read-only"]),
        (vec!["--set", "flavour=1"], &["flavour", "unknown"]),
        (
            vec!["--set", "name=A", "--set", "name=B"],
            &["name", "more than once"],
        ),
        (
            vec!["--set", "name=A", "--set-json", "name=\"B\""],
            &["name", "more than once"],
        ),
        (
            vec!["--set-json", "description=nope"],
            &["description", "JSON"],
        ),
        (
            vec!["--set-json", "io_logging_sampling_rate=\"1\""],
            &["io_logging_sampling_rate"],
        ),
        (vec!["--set", "name"], &["name", "FIELD=VALUE"]),
        (vec![], &["--set"]),
    ];
    for (sets, needles) in cases {
        let mut args = vec!["--demo", "patch", "production"];
        args.extend_from_slice(&sets);
        let run = orws(&args);
        assert_usage(&run, needles);
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "one line for {sets:?}: {run:?}"
        );
    }
}

#[test]
fn rules_are_checked_before_looking_for_a_key() {
    // No key, no --demo: the bad value is what is reported, not the missing key.
    let run = orws(&["patch", "production", "--set", "slug=a_b"]);
    assert_usage(&run, &["slug", "underscore"]);
    assert!(!run.stderr.contains("OPENROUTER_API_KEY"), "{run:?}");
}

#[test]
fn no_key_and_no_demo_says_how_to_set_one() {
    for args in [
        &["list"][..],
        &["get", "production"][..],
        &["patch", "production", "--set", "name=X"][..],
    ] {
        let run = orws(args);
        assert_usage(&run, &["OPENROUTER_API_KEY", "--demo"]);
    }
    // An empty variable is no key either.
    let run = orws_env(&["list"], &[("OPENROUTER_API_KEY", "")]);
    assert_usage(&run, &["OPENROUTER_API_KEY", "--demo"]);
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    let key = [("OPENROUTER_API_KEY", "sk-or-v1-cli-test")];
    let run = orws_env(&["--base-url", "http://example.com/api/v1", "list"], &key);
    assert_usage(&run, &["http://", "clear text"]);
    assert!(!run.stderr.contains("sk-or-v1-cli-test"), "{run:?}");
    // The same from the environment.
    let run = orws_env(
        &["get", "production"],
        &[key[0], ("OPENROUTER_BASE_URL", "http://example.com/api/v1")],
    );
    assert_usage(&run, &["clear text"]);
}

#[test]
fn a_missing_key_file_is_a_usage_error() {
    let run = orws(&["--api-key-file", "/nonexistent/orws-key", "list"]);
    assert_usage(&run, &["/nonexistent/orws-key"]);
}

#[test]
fn version_and_help() {
    let run = orws(&["--version"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        format!("orws {}", env!("CARGO_PKG_VERSION"))
    );
    let run = orws(&["--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    for needle in ["Examples", "--demo", "patch", "serve-fake", "Exit codes"] {
        assert!(
            run.stdout.contains(needle),
            "--help lacks {needle}: {run:?}"
        );
    }
}

#[test]
fn serve_fake_refuses_a_bad_fail_next() {
    let run = orws(&["serve-fake", "--fail-next", "bogus"]);
    assert_usage(&run, &["fail-next", "bogus"]);
    let run = orws(&["serve-fake", "--fail-next", "PATCH:200"]);
    assert_usage(&run, &["fail-next"]);
    let run = orws(&["serve-fake", "--addr", "0.0.0.0:0"]);
    assert_usage(&run, &["loopback"]);
    let run = orws(&["serve-fake", "--seed", "/nonexistent/seed.json"]);
    assert_usage(&run, &["seed", "/nonexistent/seed.json"]);
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("seed.json");
    std::fs::write(&broken, "{not json").unwrap();
    let run = orws(&["serve-fake", "--seed", broken.to_str().unwrap()]);
    assert_usage(&run, &["seed", "JSON"]);
}

// ---------------------------------------------------------------- against `orws serve-fake`

#[test]
fn list_shows_every_workspace() {
    let fake = ServeFake::start(&[]);
    let json = fake.run(&["--output", "json", "list"]);
    assert_eq!(json.code, 0, "{json:?}");
    let all: Vec<Value> = serde_json::from_str::<Value>(&json.stdout)
        .unwrap()
        .as_array()
        .expect("list --output json is an array")
        .clone();
    assert!(all.len() >= 12, "{}", all.len());
    assert!(all.iter().any(|w| w["id"] == PROD_ID));

    let table = fake.run(&["list"]);
    assert_eq!(table.code, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].contains("NAME") && lines[0].contains("SLUG"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), all.len() + 1, "a header and one row each");
    for w in &all {
        let name = w["name"].as_str().unwrap();
        let shown: String = name.chars().take(39).collect();
        assert!(
            table.stdout.contains(&shown),
            "{name} missing from the table"
        );
        assert!(table.stdout.contains(w["slug"].as_str().unwrap()));
    }
    assert!(table.stdout.contains("Production") && table.stdout.contains("default"));
}

#[test]
fn get_as_table_and_as_json() {
    let fake = ServeFake::start(&[]);
    let run = fake.run(&["get", "production"]);
    assert_eq!(run.code, 0, "{run:?}");
    for needle in [
        PROD_ID,
        "Production environment workspace",
        "io_logging_sampling_rate",
        "openai/gpt-4o",
        "read-only",
    ] {
        assert!(run.stdout.contains(needle), "table lacks {needle}: {run:?}");
    }
    let by_slug = fake.get_json("production");
    let by_id = fake.get_json(PROD_ID);
    assert_eq!(by_slug, by_id);
    assert_eq!(by_slug["name"], "Production");
    assert_eq!(by_slug["io_logging_sampling_rate"], json!(1));
    assert_eq!(by_slug["io_logging_api_key_ids"], Value::Null);
    assert_eq!(by_slug["created_by"], "user_abc123");

    let missing = fake.run(&["get", "no-such-workspace"]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert_eq!(missing.stdout, "");
    assert!(missing.stderr.contains("no-such-workspace"), "{missing:?}");
}

#[test]
fn patch_changes_only_the_field_and_updated_at() {
    let fake = ServeFake::start(&[]);
    let before = fake.get_json("production");
    let run = fake.run(&["patch", "production", "--set", "name=X"]);
    assert_eq!(run.code, 0, "{run:?}");
    let name_row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("name "))
        .unwrap_or_else(|| panic!("no name row: {run:?}"));
    assert!(
        name_row.contains("Production") && name_row.contains('X') && name_row.contains("applied"),
        "{name_row}"
    );
    let after = fake.get_json("production");
    assert_eq!(changed_keys(&before, &after), ["name", "updated_at"]);
    assert_eq!(after["name"], "X");
    assert_eq!(after["id"], PROD_ID);
}

#[test]
fn patch_with_json_output_prints_patch_before_after() {
    let fake = ServeFake::start(&[]);
    let server_before = fake.get_json("production");
    let run = fake.run(&[
        "--output",
        "json",
        "patch",
        "production",
        "--set",
        "name=Prod X",
        "--set",
        "io_logging_sampling_rate=1",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let out: Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["patch", "before", "after"]);
    assert_eq!(out["patch"], json!({"name": "Prod X"}));
    assert_eq!(out["before"], server_before, "the whole workspace before");
    assert_eq!(
        out["after"],
        fake.get_json("production"),
        "the whole workspace after"
    );
    assert_eq!(out["after"]["name"], "Prod X");
}

#[test]
fn dry_run_against_a_server_sends_no_patch() {
    let fake = ServeFake::start(&[]);
    let before = fake.get_json("production");
    let run = fake.run(&["patch", "production", "--set", "slug=prod-eu", "--dry-run"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "{\"slug\":\"prod-eu\"}\n");
    assert_eq!(fake.get_json("production"), before, "nothing changed");
}

#[test]
fn a_broken_expectation_exits_3_and_sends_nothing() {
    let fake = ServeFake::start(&[]);
    let before = fake.get_json("production");
    let run = fake.run(&[
        "patch",
        "production",
        "--set",
        "name=X",
        "--expect",
        "name=Nope",
    ]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("name"), "{run:?}");
    assert_eq!(
        fake.get_json("production"),
        before,
        "name and updated_at unchanged"
    );
    // A holding expectation lets the patch through.
    let run = fake.run(&[
        "patch",
        "production",
        "--set",
        "name=X",
        "--expect",
        "name=Production",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fake.get_json("production")["name"], "X");
}

#[test]
fn a_503_is_retried_visibly_and_the_patch_lands() {
    let fake = ServeFake::start(&["--fail-next", "PATCH:503"]);
    let run = fake.run(&["patch", "production", "--set", "name=After retry"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("retrying"), "{run:?}");
    assert_eq!(fake.get_json("production")["name"], "After retry");
}

#[test]
fn a_500_exits_1_with_one_readable_line() {
    let fake = ServeFake::start(&["--fail-next", "PATCH:500:5"]);
    let run = fake.run(&["patch", "production", "--set", "name=Never"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{run:?}");
    assert!(lines[0].contains("500"), "{run:?}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    assert_eq!(fake.get_json("production")["name"], "Production");
}

#[test]
fn a_wrong_key_exits_1_explaining_the_management_key() {
    let fake = ServeFake::start(&["--api-key", "sk-or-v1-the-right-one"]);
    let run = fake.run(&["list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("management key"), "{run:?}");
    assert!(
        !run.stderr.contains("sk-or-v1-cli-test"),
        "the key leaks: {run:?}"
    );
}

#[test]
fn the_key_file_wins_over_the_environment() {
    let fake = ServeFake::start(&["--api-key", "sk-or-v1-from-file"]);
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "sk-or-v1-from-file\n").unwrap();
    let key_path = key_file.to_str().unwrap();
    let run = orws_env(
        &[
            "--base-url",
            &fake.url,
            "--api-key-file",
            key_path,
            "get",
            "production",
        ],
        &[("OPENROUTER_API_KEY", "sk-or-v1-wrong")],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(PROD_ID), "{run:?}");
    // Without the file, the (wrong) variable is used and refused.
    let run = orws_env(
        &["--base-url", &fake.url, "get", "production"],
        &[("OPENROUTER_API_KEY", "sk-or-v1-wrong")],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        !run.stderr.contains("sk-or-v1-wrong"),
        "the key leaks: {run:?}"
    );
    // An empty key file is a usage error.
    std::fs::write(&key_file, "  \n").unwrap();
    let run = orws(&["--base-url", &fake.url, "--api-key-file", key_path, "list"]);
    assert_usage(&run, &["empty"]);
}

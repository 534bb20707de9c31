//! `export`, `plan` and `apply` of budgets, members, guardrails and keys (product.md §13,
//! §15 "The file"): the real binary against the in-process fake.

use crate::support::cli_bin::*;
use crate::support::common::{assert_has, assert_lacks};
use orws::admin::budgets::Interval;
use orws::fake::FakeServer;
use serde_json::Value;
use std::path::{Path, PathBuf};

const DEFAULT_ID: &str = "3f1c2b7a-9d4e-4c61-8f2a-0b5e6d7c8a91";
const MOBILE_ID: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const NOTEBOOK_KEY: &str = "0dec07abf92dbe7289d69e237b93540aa5421478748103f37712e518c3be3f94";
const LEGACY_GUARDRAIL: &str = "ae4b7f5d-6a8c-4d9e-8f1a-3b4c5d6e7f8a";
const CI_GUARDRAIL: &str = "9d3a6e4c-5f7b-4c8d-9e0f-2a3b4c5d6e7f";

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn export(server: &FakeServer, home: &Path, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut args = vec!["export", "--all", "-o", path_str(&path)];
    args.extend_from_slice(extra);
    ok_at(home, server, &args);
    path
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in\n{text}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().position(|l| l.starts_with(needle)).unwrap() + 1
}

#[test]
fn export_writes_every_part_and_only_narrows_it() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let all = export(&server, home.path(), d.path(), "all.toml", &[]);
    let text = std::fs::read_to_string(&all).unwrap();
    for needle in [
        &format!("[workspaces.\"{PROD_ID}\".budgets]\ndaily = 30\nweekly = 150\nmonthly = 500\n"),
        &format!("[workspaces.\"{PROD_ID}\".guardrail]\nallowed_models = "),
        "members = [\"user_2dHFtVWx2n56w6HkM0000000001\", ",
        &format!("[guardrails.\"{LEGACY_GUARDRAIL}\"]\nname = \"Legacy account policy\""),
        &format!("[keys.\"{NOTEBOOK_KEY}\"]\n# workspace_id = "),
    ] {
        assert_has(&text, needle);
    }
    assert_lacks(&text, "sk-or-v1-test");
    // Never members for the default workspace (every member of the organisation is in it).
    let default_entry = text
        .split(&format!("[workspaces.\"{DEFAULT_ID}\"]"))
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    assert_lacks(default_entry, "members");
    let r = orws_at(
        home.path(),
        &server,
        &["plan", path_str(&all), "--detailed-exitcode"],
    );
    assert_eq!(r.code, 0, "{r:?}");

    let keys = export(
        &server,
        home.path(),
        d.path(),
        "keys.yaml",
        &["--only", "keys"],
    );
    let text = std::fs::read_to_string(&keys).unwrap();
    assert_has(&text, &format!("keys:\n  \"{NOTEBOOK_KEY}\":\n"));
    assert_lacks(&text, "workspaces:");
    assert_lacks(&text, "guardrails:");
    let some = export(
        &server,
        home.path(),
        d.path(),
        "some.json",
        &["--only", "budgets,members"],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&some).unwrap()).unwrap();
    let prod = &v["workspaces"][PROD_ID];
    assert_eq!(prod["budgets"]["monthly"], 500);
    assert!(prod["members"].is_array());
    assert!(prod.get("name").is_none(), "{prod}");
    assert!(v.get("keys").is_none() && v.get("guardrails").is_none());
    for file in [&keys, &some] {
        let r = orws_at(
            home.path(),
            &server,
            &["plan", path_str(file), "--detailed-exitcode"],
        );
        assert_eq!(r.code, 0, "{r:?}");
    }
}

#[test]
fn plan_shows_and_apply_lands_budgets_members_guardrails_and_keys_with_history() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let file = export(&server, home.path(), d.path(), "org.toml", &[]);
    edit(
        &file,
        "lifetime = 1000",
        "lifetime = 2000\nmonthly = 1500\ndaily = 100",
    );
    edit(
        &file,
        "daily = 30\nweekly = 150\nmonthly = 500",
        "weekly = 150\nmonthly = 500\nclear = [\"daily\"]",
    );
    edit(
        &file,
        "members = [\"user_2dHFtVWx2n56w6HkM0000000001\"]\n",
        "members = [\"user_2dHFtVWx2n56w6HkM0000000003\"]\n",
    );
    edit(&file, "name = \"Notebook\"", "name = \"Notebook 2\"");
    edit(
        &file,
        "keys = []\nmembers = [\"user_2dHFtVWx2n56w6HkM0000000005\"]",
        "keys = []\nmembers = []",
    );
    edit(
        &file,
        "name = \"CI models\"\nallowed_models = [\"openai/gpt-4o-mini\"]",
        "name = \"CI models\"\nallowed_models = [\"openai/gpt-4o-mini\", \"openai/gpt-4o\"]",
    );
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!(
        "\n[workspaces.\"{MOBILE_ID}\".guardrail]\nallowed_data_regions = [\"europe\"]\n"
    ));
    std::fs::write(&file, text).unwrap();

    let r = orws_at(
        home.path(),
        &server,
        &["plan", path_str(&file), "--detailed-exitcode"],
    );
    assert_eq!(r.code, 4, "{r:?}");
    assert_has(
        &r.stdout,
        &format!(
            "staging ({STAGING_ID}): budgets\nFIELD     SERVER  FILE\ndaily     ∅       $100\nmonthly   ∅       $1500\nlifetime  $1000   $2000\nrequests, in this order:\n  1. PUT lifetime $2000\n  2. PUT monthly $1500\n  3. PUT daily $100\n"
        ),
    );
    assert_has(
        &r.stdout,
        &format!(
            "dev ({DEV_ID}): members\n  add member user_2dHFtVWx2n56w6HkM0000000003\n  remove member user_2dHFtVWx2n56w6HkM0000000001\n"
        ),
    );
    assert_has(
        &r.stdout,
        &format!(
            "mobile-app ({MOBILE_ID}): default guardrail\n  not configured yet: this write configures it\n"
        ),
    );
    assert_has(
        &r.stdout,
        &format!(
            "key Notebook ({NOTEBOOK_KEY})\nFIELD  SERVER    FILE\nname   Notebook  Notebook 2\n"
        ),
    );
    assert_has(
        &r.stdout,
        &format!(
            "guardrail Legacy account policy ({LEGACY_GUARDRAIL})\n  unassign member user_2dHFtVWx2n56w6HkM0000000005\n"
        ),
    );
    assert_has(
        &r.stdout,
        "7 resources of budgets, members, guardrails or keys to change",
    );
    assert!(writes(&server).is_empty(), "plan sends nothing");
    // The same as JSON, walkable by resource.
    let r = orws_at(
        home.path(),
        &server,
        &["--output", "json", "plan", path_str(&file)],
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let kinds: Vec<&str> = v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["changes"].as_array().unwrap().is_empty())
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "budgets",
            "budgets",
            "members",
            "guardrail",
            "key",
            "named_guardrail",
            "named_guardrail"
        ]
    );

    let r = orws_at(home.path(), &server, &["apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(
        &r.stderr,
        "apply to 7 resources of budgets, members, guardrails or keys",
    );
    assert_has(
        &r.stderr,
        "7 of 7 budgets, members, guardrails or keys applied",
    );
    assert_has(&r.stdout, "staging (budgets)");
    let sent: Vec<String> = writes(&server)
        .iter()
        .map(|w| format!("{} {}", w.method, w.path.trim_start_matches("/api/v1")))
        .collect();
    assert_eq!(
        sent,
        [
            format!("DELETE /workspaces/{PROD_ID}/budgets/daily"),
            format!("PUT /workspaces/{STAGING_ID}/budgets/lifetime"),
            format!("PUT /workspaces/{STAGING_ID}/budgets/monthly"),
            format!("PUT /workspaces/{STAGING_ID}/budgets/daily"),
            format!("POST /workspaces/{DEV_ID}/members/add"),
            format!("POST /workspaces/{DEV_ID}/members/remove"),
            "PATCH /guardrails/071bdb0f-6966-5e1d-a36b-ac77b5ffc6d6".to_string(),
            format!("PATCH /keys/{NOTEBOOK_KEY}"),
            format!("PATCH /guardrails/{CI_GUARDRAIL}"),
            format!("POST /guardrails/{LEGACY_GUARDRAIL}/assignments/members/remove"),
        ]
    );
    let history = orws_at(home.path(), &server, &["--output", "json", "history"]);
    let entries: Value = serde_json::from_str(&history.stdout).unwrap();
    let mut kinds: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "assignment",
            "budgets",
            "budgets",
            "guardrail",
            "guardrail",
            "key",
            "members",
            "members"
        ]
    );
    let r = orws_at(
        home.path(),
        &server,
        &["plan", path_str(&file), "--detailed-exitcode"],
    );
    assert_eq!(r.code, 0, "applied, the file holds: {r:?}");
}

#[test]
fn a_missing_key_or_guardrail_is_refused_with_its_line() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "org.toml",
        "[keys.nokey]\nname = \"x\"\n\n[guardrails.noguard]\nname = \"y\"\n",
    );
    for command in ["plan", "apply"] {
        let r = orws_at(
            home.path(),
            &server,
            &[command, path_str(&file), "--yes"][..if command == "plan" { 2 } else { 3 }],
        );
        assert_eq!(r.code, 2, "{r:?}");
        let shown = path_str(&file);
        assert_has(
            &r.stderr,
            &format!("{shown}:1: key nokey does not exist (a file never creates a key)"),
        );
        assert_has(
            &r.stderr,
            &format!("{shown}:4: guardrail noguard does not exist"),
        );
        assert_has(&r.stderr, "nothing was sent");
    }
    assert!(writes(&server).is_empty());
}

#[test]
fn members_of_the_default_workspace_are_refused_and_removing_every_member_is_said_and_asked() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "default.toml",
        format!("[workspaces.\"{DEFAULT_ID}\"]\nmembers = []\n"),
    );
    let r = orws_at(home.path(), &server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        &format!(
            "{}:2: workspace {DEFAULT_ID} is the default workspace",
            path_str(&file)
        ),
    );
    let file = written(
        d.path(),
        "staging.yaml",
        format!("workspaces:\n  {STAGING_ID}:\n    members: []\n"),
    );
    let r = orws_at(home.path(), &server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(
        &r.stdout,
        &format!("staging ({STAGING_ID}): members\n  removes every member (3)\n"),
    );
    // Without a terminal to ask on and without --yes: refused, nothing sent.
    let r = orws_at(home.path(), &server, &["apply", path_str(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "this removes every member (3) of staging");
    assert!(writes(&server).is_empty());
}

#[test]
fn a_key_in_two_assignment_sets_is_refused_naming_both_lines() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "two.toml",
        format!(
            "[guardrails.\"{CI_GUARDRAIL}\"]\nkeys = [\"{NOTEBOOK_KEY}\"]\n\n[guardrails.\"{LEGACY_GUARDRAIL}\"]\nkeys = [\"{NOTEBOOK_KEY}\"]\n"
        ),
    );
    let r = orws_at(home.path(), &server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        &format!(
            "{}:5: guardrail {LEGACY_GUARDRAIL}: key {NOTEBOOK_KEY} is also assigned to guardrail {CI_GUARDRAIL} (line 2)",
            path_str(&file)
        ),
    );
    assert_eq!(line_of(&file, "keys"), 2);
}

#[test]
fn a_saved_plan_carries_them_and_refuses_when_one_moved() {
    let (server, home) = fake_and_home();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "b.toml",
        format!(
            "[workspaces.\"{STAGING_ID}\".budgets]\nlifetime = 3000\n\n[workspaces.\"{DEV_ID}\"]\nmembers = []\n\n[keys.\"{NOTEBOOK_KEY}\"]\nlimit = 7\n"
        ),
    );
    let out = d.path().join("plan.json");
    ok_at(
        home.path(),
        &server,
        &["plan", path_str(&file), "--out", path_str(&out)],
    );
    // Moved since: refused before anything is asked or sent (exit 3).
    server.set_budget(STAGING_ID, Interval::Lifetime, Some(2500.0));
    let r = orws_at(home.path(), &server, &["apply", path_str(&out), "--yes"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "budgets changed since the plan (lifetime)");
    assert!(writes(&server).is_empty());
    // As planned: applied, every part.
    server.set_budget(STAGING_ID, Interval::Lifetime, Some(1000.0));
    let r = orws_at(home.path(), &server, &["apply", path_str(&out), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "limit  ∅       $7\n");
    assert_has(
        &r.stderr,
        "3 of 3 budgets, members, guardrails or keys applied",
    );
    let r = orws_at(
        home.path(),
        &server,
        &["plan", path_str(&file), "--detailed-exitcode"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // What `plan --output json` prints is the same plan: it carries them too.
    let edited = written(
        d.path(),
        "c.toml",
        format!("[keys.\"{NOTEBOOK_KEY}\"]\nlimit = 9\n"),
    );
    let r = ok_at(
        home.path(),
        &server,
        &["--output", "json", "plan", path_str(&edited)],
    );
    let saved = written(d.path(), "printed.json", r.stdout);
    ok_at(home.path(), &server, &["apply", path_str(&saved), "--yes"]);
    let key = server
        .keys(None)
        .into_iter()
        .find(|k| k["hash"] == NOTEBOOK_KEY)
        .unwrap();
    assert_eq!(key["limit"], 9.0);
}

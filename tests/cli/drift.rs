//! `orws drift` and policies (product.md §13) as CI runs them: the real binary against the
//! in-process fake. Drift reads only; each report is parsed back (the JSON one against its
//! schema file); a deny stops `apply` before any write; the policy input validates against
//! its schema file.

use crate::support::cli_bin::*;
use crate::support::common::{assert_has, assert_lacks};
use orws::fake::FakeServer;
use serde_json::Value;
use std::path::{Path, PathBuf};

const ARCHIVE_ID: &str = "6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c";

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn export_all(server: &FakeServer, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let r = at(server, &["export", "--all", "-o", p(&path)]);
    assert_eq!(r.code, 0, "{r:?}");
    path
}

/// A config file in `home` naming `rules.toml` beside it as its policy, holding `rules`;
/// the config directory, to write the rules again.
fn config_policy(home: &Path, rules: &str) -> PathBuf {
    let config = home.join("config/orws");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "policy = \"rules.toml\"\n").unwrap();
    std::fs::write(config.join("rules.toml"), rules).unwrap();
    config
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {name}: {e}"))
}

fn assert_valid(name: &str, instance: &Value) {
    let v = schema(name);
    let errors: Vec<String> = v.iter_errors(instance).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{instance:#}");
}

/// Staging renamed behind the file's back, through `orws patch`.
fn rename_staging(server: &FakeServer) {
    let r = at(server, &["patch", "staging", "--set", "name=Moved"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn drift_is_0_after_export_and_4_after_a_patch_and_never_writes() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    for name in ["ws.toml", "ws.yaml", "ws.json"] {
        let file = export_all(&server, d.path(), name);
        let r = at(&server, &["drift", p(&file)]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        // The whole organisation: 15 workspaces and their budgets, members, default
        // guardrails, the keys and the named guardrails, every one in sync.
        assert_has(&r.stdout, "0 drifted, 44 in sync");
        assert_has(&r.stderr, "no drift");
        let json = at(&server, &["drift", p(&file), "--report", "json"]);
        let report: Value = serde_json::from_str(&json.stdout).unwrap();
        let kinds: std::collections::BTreeSet<&str> = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["kind"].as_str())
            .collect();
        for kind in [
            "workspace",
            "budgets",
            "members",
            "guardrail",
            "key",
            "named_guardrail",
        ] {
            assert!(kinds.contains(kind), "{name}: no {kind} in {kinds:?}");
        }
    }
    rename_staging(&server);
    let before = writes(&server).len();
    let r = at(&server, &["drift", p(&d.path().join("ws.toml"))]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_has(
        &r.stdout,
        &format!("workspace staging ({STAGING_ID})\nFIELD  SERVER  FILE     UPDATED"),
    );
    assert_has(&r.stdout, "name   Moved   Staging  ");
    assert_has(&r.stdout, "1 drifted, 43 in sync");
    assert_has(&r.stderr, "drift: 1 of 44 resources differ from the file");
    assert_lacks(&r.stderr, "error");
    assert_eq!(writes(&server).len(), before, "drift sends nothing");
    assert_eq!(r.history_text(), "");
}

#[test]
fn each_report_parses_back_and_o_writes_the_file() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "ws.toml");
    rename_staging(&server);

    let r = at(&server, &["drift", p(&file), "--report", "json"]);
    assert_eq!(r.code, 4, "{r:?}");
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid("drift-report.v1.json", &json);
    assert_eq!(json["schema"], "orws.drift/v1");
    assert_eq!(json["drifted"], 1);
    let staging: Vec<&Value> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "drifted")
        .collect();
    assert_eq!(staging.len(), 1);
    assert_eq!(staging[0]["id"], STAGING_ID);
    let field = &staging[0]["fields"][0];
    assert_eq!(
        (&field["field"], &field["file"], &field["server"]),
        (
            &Value::from("name"),
            &Value::from("Staging"),
            &Value::from("Moved")
        )
    );
    assert!(field["updated_at"].is_string(), "{field}");

    let out = d.path().join("drift.xml");
    let r = at(
        &server,
        &["drift", p(&file), "--report", "junit", "-o", p(&out)],
    );
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(r.stdout, "", "-o holds the report");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 44, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert_has(
        &xml,
        &format!(
            "name=\"staging ({STAGING_ID})\">\n      <failure message=\"drifted: name: file Staging, server Moved"
        ),
    );

    let r = at(&server, &["drift", p(&file), "--report", "markdown"]);
    assert_eq!(r.code, 4, "{r:?}");
    let rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 3, "{}", r.stdout);
    assert_eq!(rows[0], "| Resource | Field | File | Server | Updated |");
    assert!(
        rows[2].contains("| name | Staging | Moved |"),
        "{}",
        rows[2]
    );

    // In sync, each report says so and the exit is 0.
    let fresh = export_all(&server, d.path(), "fresh.json");
    for report in ["json", "junit", "markdown"] {
        let r = at(&server, &["drift", p(&fresh), "--report", report]);
        assert_eq!(r.code, 0, "{report}: {r:?}");
    }
}

#[test]
fn a_workspace_deleted_on_the_server_is_drift_not_a_bad_file() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "ws.yaml");
    let r = at(&server, &["delete", ARCHIVE_ID, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = at(&server, &["drift", p(&file), "--report", "json"]);
    assert_eq!(r.code, 4, "{r:?}");
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid("drift-report.v1.json", &json);
    let gone: Vec<&Value> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "absent")
        .collect();
    assert_eq!(gone.len(), 1, "{json:#}");
    assert_eq!(gone[0]["id"], ARCHIVE_ID);
    assert!(gone[0]["line"].as_u64().unwrap() > 1);
    assert!(
        gone[0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["server_state"] == "absent")
    );
    let r = at(&server, &["drift", p(&file)]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_has(&r.stdout, "absent on the server");
}

#[test]
fn a_bad_file_is_exit_2_before_any_request() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = written(
        d.path(),
        "ws.toml",
        format!("[workspaces.\"{STAGING_ID}\"]\nnot_a_field = 1\n"),
    );
    let r = at(&server, &["drift", p(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "not_a_field");
    assert!(server.requests().is_empty(), "nothing asked of the server");
    let bad_policy = written(d.path(), "p.toml", "[[rule]]\ncheck = \"keys.nope\"\n");
    let file = export_all(&server, d.path(), "ok.toml");
    let before = server.requests().len();
    let r = at(&server, &["drift", p(&file), "--policy", p(&bad_policy)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        "p.toml:2: unknown check `keys.nope`; the checks are keys.require_limit",
    );
    assert_eq!(
        server.requests().len(),
        before,
        "nothing asked of the server"
    );
}

#[test]
fn a_deny_stops_apply_before_any_write_and_a_warn_is_said() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "ws.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("name = \"Staging\"", "name = \"Staging 2\"", 1),
    )
    .unwrap();
    let deny = written(
        d.path(),
        "deny.toml",
        "[[rule]]\ncheck = \"keys.max_limit_usd\"\nvalue = 10\nlevel = \"warn\"\n\
         [[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"stag*\"\n",
    );
    let before = writes(&server).len();
    let r = at(&server, &["apply", p(&file), "--yes", "--policy", p(&deny)]);
    assert_eq!(r.code, 5, "{r:?}");
    assert_has(
        &r.stderr,
        &format!(
            "policy deny: changes.forbid (rule at line 5): workspace staging ({STAGING_ID}): workspaces.patch (name) is forbidden"
        ),
    );
    assert_has(
        &r.stderr,
        &format!(
            "policy warn: keys.max_limit_usd (rule at line 1): key Staging CI ({STAGING_KEY}): limit $50 is above $10"
        ),
    );
    assert_has(&r.stderr, "nothing was written");
    assert_lacks(&r.stderr, "apply to 1 workspace");
    assert_eq!(writes(&server).len(), before, "nothing written");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "Staging");
    assert_eq!(r.history_text(), "");

    // plan: the deny is 5 before 4 for changes; drift the same.
    let r = at(
        &server,
        &[
            "plan",
            p(&file),
            "--detailed-exitcode",
            "--policy",
            p(&deny),
        ],
    );
    assert_eq!(r.code, 5, "{r:?}");
    assert_has(&r.stdout, "Staging 2");
    let r = at(&server, &["drift", p(&file), "--policy", p(&deny)]);
    assert_eq!(r.code, 5, "{r:?}");

    // A warn alone: printed, and the apply goes on.
    let warn = written(
        d.path(),
        "warn.toml",
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nlevel = \"warn\"\n",
    );
    let r = at(&server, &["apply", p(&file), "--yes", "--policy", p(&warn)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "policy warn: changes.forbid (rule at line 1)");
    assert_eq!(server.workspace(STAGING_ID).unwrap()["name"], "Staging 2");
}

#[test]
fn the_config_policy_is_read_relative_to_the_config_file() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    config_policy(
        home.path(),
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\n",
    );
    let file = export_all(&server, home.path(), "ws.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("name = \"Staging\"", "name = \"S\"", 1),
    )
    .unwrap();
    let r = orws_at(home.path(), &server, &["plan", p(&file)]);
    assert_eq!(r.code, 5, "{r:?}");
    assert_has(&r.stderr, "policy deny: changes.forbid");
}

#[test]
fn the_policy_input_validates_against_its_schema() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "ws.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("\"name\": \"Staging\"", "\"name\": \"S\"", 1),
    )
    .unwrap();
    let input = d.path().join("input.json");
    let r = at(&server, &["plan", p(&file), "--policy-input", p(&input)]);
    assert_eq!(r.code, 0, "{r:?}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    assert_valid("policy-input.v1.json", &doc);
    assert_eq!(doc["command"], "plan");
    assert_eq!(
        doc["workspaces"].as_array().unwrap().len(),
        1,
        "the touched one"
    );
    assert_eq!(doc["workspaces"][0]["fields"]["name"], "S");
    assert!(doc["workspaces"][0]["budgets"].is_object(), "{doc:#}");
    assert_eq!(
        doc["keys"][0]["hash"], STAGING_KEY,
        "staging's keys: {doc:#}"
    );
    assert_eq!(doc["guardrails"][0]["fields"]["name"], "CI models");
    assert_eq!(doc["changes"][0]["kind"], "workspaces.patch");
    assert_eq!(doc["changes"][0]["from"], "Staging");

    let r = at(&server, &["drift", p(&file), "--policy-input", p(&input)]);
    assert_eq!(r.code, 4, "{r:?}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    assert_valid("policy-input.v1.json", &doc);
    assert_eq!(
        doc["workspaces"].as_array().unwrap().len(),
        15,
        "drift: every one"
    );

    // The schema can fail, and names exactly the write kinds `changes.forbid` knows.
    let mut broken = doc.clone();
    broken["changes"][0]["kind"] = Value::from("explode");
    assert!(!schema("policy-input.v1.json").is_valid(&broken));
    let schema_doc: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/policy-input.v1.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let kinds: Vec<&str> = schema_doc["$defs"]["change"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(kinds, orws::code::policy::WRITE_KINDS);
}

/// `changes.forbid` reaches the CLI's own writes: checked once at their entry, before any
/// write (exit 5), scoped by the target's slug (a key's: its workspace's).
#[test]
fn changes_forbid_stops_cli_writes_before_any_write() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    config_policy(
        home.path(),
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"keys.disable\", \"workspaces.patch\"]\nworkspaces = \"stag*\"\n\n\
         [[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"budgets.delete\"]\nlevel = \"warn\"\n",
    );
    let r = orws_at(home.path(), &server, &["keys", "disable", STAGING_KEY]);
    assert_eq!(r.code, 5, "{r:?}");
    assert_has(
        &r.stderr,
        &format!(
            "policy deny: changes.forbid (rule at line 1): workspace staging ({STAGING_ID}): keys.disable is forbidden"
        ),
    );
    let r = orws_at(
        home.path(),
        &server,
        &["patch", STAGING_ID, "--set", "name=X"],
    );
    assert_eq!(r.code, 5, "{r:?}");
    assert!(writes(&server).is_empty(), "nothing written");
    // A dry run writes nothing, so it may look.
    let r = orws_at(
        home.path(),
        &server,
        &["patch", "staging", "--set", "name=X", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // Out of the rule's scope: the write goes on.
    let r = orws_at(
        home.path(),
        &server,
        &["patch", "production", "--set", "name=P"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(writes(&server).len(), 1);
}

/// A name the server holds is anyone's: the table, the JUnit and the markdown report each
/// escape it their way, and `--output json` is the JSON report.
#[test]
fn a_hostile_server_value_cannot_break_any_report() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "ws.toml");
    let evil = "E\u{1b}[2J|</failure>]]><x/>\n[go](http://e) @all \u{202e}";
    assert!(server.set_field(STAGING_ID, "name", Value::from(evil)));

    let r = at(&server, &["drift", p(&file)]);
    assert_eq!(r.code, 4, "{r:?}");
    crate::support::common::assert_terminal_safe(&r.stdout);
    crate::support::common::assert_terminal_safe(&r.stderr);
    assert_has(&r.stdout, "E\\x1b[2J|</failure>");

    let r = at(&server, &["drift", p(&file), "--report", "junit"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    assert_eq!(r.stdout.matches("</failure>").count(), 1, "{}", r.stdout);
    assert_lacks(&r.stdout, "<x/>");
    assert_has(
        &r.stdout,
        "server E\\x1b[2J|&lt;/failure&gt;]]&gt;&lt;x/&gt;",
    );

    let r = at(&server, &["drift", p(&file), "--report", "markdown"]);
    assert_eq!(r.code, 4, "{r:?}");
    let rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 3, "one line per row: {}", r.stdout);
    assert_eq!(
        rows[2].replace("\\|", "").matches('|').count(),
        6,
        "{}",
        rows[2]
    );
    assert_has(rows[2], "\\[go\\]\\(http\\:\\/\\/e\\) \\@all");
    assert_lacks(&r.stdout, "<x/>");
    assert!(!r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{202e}'));

    let r = at(&server, &["--output", "json", "drift", p(&file)]);
    assert_eq!(r.code, 4, "{r:?}");
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid("drift-report.v1.json", &json);
    let drifted: Vec<&Value> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "drifted")
        .collect();
    assert_eq!(drifted[0]["label"], "staging");
    assert_eq!(
        drifted[0]["fields"][0]["server"], evil,
        "JSON carries the value exactly"
    );
}

/// Drift beyond the workspace fields: a key renamed, a budget changed and a named guardrail
/// deleted since the export — each named in the report with both values (the deleted one
/// `absent`, not a bad file), and nothing written.
#[test]
fn a_key_a_budget_and_a_deleted_guardrail_are_drift() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "org.toml");
    let key = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";
    let guardrail = "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e";
    for args in [
        &["keys", "edit", key, "--set", "name=Renamed"][..],
        &["budgets", "set", "production", "--monthly", "900"],
        &["guardrails", "delete", guardrail, "--yes"],
    ] {
        let r = at(&server, args);
        assert_eq!(r.code, 0, "{args:?}: {r:?}");
    }
    let before = writes(&server).len();
    let r = at(&server, &["drift", p(&file), "--report", "json"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_eq!(writes(&server).len(), before, "drift writes nothing");
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let drifted: Vec<&Value> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "in_sync")
        .collect();
    let find = |kind: &str| {
        drifted
            .iter()
            .find(|r| r["kind"] == kind)
            .unwrap_or_else(|| panic!("no drifted {kind} in {drifted:?}"))
    };
    let k = find("key");
    assert_eq!(k["id"], key);
    assert_eq!(k["fields"][0]["field"], "name");
    assert_eq!(k["fields"][0]["server"], "Renamed");
    let b = find("budgets");
    assert_eq!(b["fields"][0]["field"], "monthly");
    assert_eq!(b["fields"][0]["server"], 900.0);
    let g = find("named_guardrail");
    assert_eq!(g["status"], "absent");
    assert_eq!(g["id"], guardrail);
    assert_eq!(drifted.len(), 3, "{drifted:?}");
}

/// At scale (issue 22 item 5): 315 workspaces with their budgets and members (the generated
/// ones have some), read 8 at a time with progress on stderr; export then drift finds nothing.
#[test]
fn many_workspaces_with_budgets_and_members_drift_nothing_after_export_with_progress() {
    let server = fake_with(orws::fake::FakeConfig {
        extra_workspaces: 300,
        ..orws::fake::FakeConfig::default()
    });
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("org.toml");
    let r = at(
        &server,
        &[
            "export",
            "--all",
            "--only",
            "workspaces,budgets,members",
            "-o",
            p(&file),
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "read 315 of 315 workspaces");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.matches(".budgets]").count() > 100, "budgets exported");
    assert!(
        text.matches("members = [").count() > 250,
        "members exported"
    );
    let r = at(&server, &["drift", p(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "no drift");
    // Every workspace but the default one, whose members are never managed (and it has no
    // budgets): its entry names nothing more to read.
    assert_has(&r.stderr, "read 314 of 314 workspaces");
}

/// A key assigned to a named guardrail behind the file's back: the drifted `keys` set names
/// who assigned it and when (`assigned_by`, from the assignment list).
#[test]
fn an_assignment_made_elsewhere_is_drift_naming_who_made_it() {
    let server = fake();
    let d = tempfile::tempdir().unwrap();
    let file = export_all(&server, d.path(), "org.json");
    let guardrail = "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e";
    let old_key = "6e5ad04c0f3dea0f64c407238a9938a12eac8df4a6e3e8cba908f842d430c899";
    let r = at(
        &server,
        &["guardrails", "assign", guardrail, "--key", old_key, "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = at(&server, &["drift", p(&file), "--report", "json"]);
    assert_eq!(r.code, 4, "{r:?}");
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let g = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "named_guardrail" && r["id"] == guardrail)
        .expect("the guardrail is in the report");
    assert_eq!(g["status"], "drifted", "{g}");
    let keys = g["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "keys")
        .expect("its keys drifted");
    assert_eq!(keys["assigned_by"], "user_abc123", "{keys}");
    assert!(keys["updated_at"].is_string(), "{keys}");
    assert!(keys["server"].to_string().contains(old_key), "{keys}");
}

/// `orws revert` is a write too: its undo's writes are judged by their own kinds (an undo of a
/// members add is a `members.remove`) before any write; a dry run is not judged.
#[test]
fn changes_forbid_stops_a_revert_by_the_kind_of_its_undo() {
    let server = fake();
    let home = tempfile::tempdir().unwrap();
    let r = orws_at(
        home.path(),
        &server,
        &["patch", "staging", "--set", "name=Moved"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let config = config_policy(
        home.path(),
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"stag*\"\n",
    );
    let id = history_ids(home.path(), &server)[0].clone();
    let before = writes(&server).len();
    let r = orws_at(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 5, "{r:?}");
    assert_has(&r.stderr, "workspaces.patch is forbidden");
    assert_eq!(writes(&server).len(), before, "nothing written");
    let r = orws_at(home.path(), &server, &["revert", &id, "--dry-run"]);
    assert_eq!(r.code, 0, "{r:?}");
    // A rule for other workspaces leaves it alone.
    std::fs::write(
        config.join("rules.toml"),
        "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"prod*\"\n",
    )
    .unwrap();
    let r = orws_at(home.path(), &server, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(writes(&server).len(), before + 1);
}

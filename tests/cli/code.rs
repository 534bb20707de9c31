//! `orws export`, `plan` and `apply` (product.md §11) as a person uses them, the real binary
//! against the in-process fake: a file exported, edited by hand, planned and applied; round
//! trips in every format; conflicts and failures injected between plan and apply.

use crate::support::cli_bin;
use crate::support::common::{assert_has, assert_has_for, assert_lacks};
use crate::support::pty_screen;

use cli_bin::*;
use orws::fake::{FakeServer, Fault};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Exports every workspace to `name` in `dir`; returns its path.
fn export_all(server: &FakeServer, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let r = at(server, &["export", "--all", "-o", path_str(&path)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "the file, not stdout, holds the export");
    path
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in\n{text}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn name_of(server: &FakeServer, id: &str) -> Value {
    server.workspace(id).unwrap()["name"].clone()
}

fn patches(server: &FakeServer) -> Vec<(String, Value)> {
    writes(server)
        .into_iter()
        .map(|r| {
            assert_eq!(r.method, "PATCH", "{r:?}");
            (r.path.clone(), serde_json::from_str(&r.body).unwrap())
        })
        .collect()
}

#[test]
fn export_edit_plan_apply_then_plan_shows_no_changes() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    // Only the owner can read it.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let r = at(&server, &["plan", path_str(&file), "--detailed-exitcode"]);
    assert_eq!(r.code, 4, "{r:?}");
    assert_has(
        &r.stdout,
        &format!("staging ({STAGING_ID})\nFIELD  SERVER   FILE\nname   Staging  Staging 2\n"),
    );
    assert_has(
        &r.stdout,
        "14 workspaces unchanged (--show-unchanged lists them)\n1 workspace to change (1 field); ",
    );
    assert_lacks(&r.stdout, "production");
    assert!(writes(&server).is_empty(), "plan sends nothing");

    let r = at(&server, &["apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, "apply to 1 workspace (1 field)");
    assert_has(&r.stdout, "staging");
    assert_has(&r.stdout, "applied");
    assert_eq!(
        patches(&server),
        [(
            format!("/api/v1/workspaces/{STAGING_ID}"),
            json!({"name": "Staging 2"})
        )]
    );
    assert_eq!(name_of(&server, STAGING_ID), "Staging 2");
    let history = r.history();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["kind"], "batch");
    assert_eq!(history[0]["parts"][0]["workspace_id"], STAGING_ID);

    let r = at(&server, &["plan", path_str(&file), "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "no changes: the ");
    let r = at(&server, &["apply", path_str(&file)]);
    assert_eq!(r.code, 0, "nothing to change needs no --yes: {r:?}");
    assert_has(&r.stderr, "nothing to change");
    assert_eq!(writes(&server).len(), 1);
}

#[test]
fn every_format_round_trips_with_no_changes_and_clears_through_null() {
    let server = fake();
    let d = dir();
    for name in ["ws.toml", "ws.yaml", "ws.json"] {
        let file = export_all(&server, d.path(), name);
        let r = at(&server, &["plan", path_str(&file), "--detailed-exitcode"]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        assert_has_for(name, &r.stdout, "no changes: the 15 workspaces");
        assert_has(&r.stdout, "; 0 on the server not managed");
    }
    // Clearing: null in YAML and JSON, `clear` in TOML.
    let yaml = d.path().join("ws.yaml");
    edit(
        &yaml,
        "description: \"Production environment workspace\"",
        "description: null",
    );
    let json_file = d.path().join("ws.json");
    edit(
        &json_file,
        "\"description\": \"Pre-production mirror of production; deploys land here first.\"",
        "\"description\": null",
    );
    let toml = d.path().join("ws.toml");
    edit(
        &toml,
        "description = \"Local development and CI. Anything goes, nothing is logged for long.\"\n",
        "",
    );
    edit(
        &toml,
        "clear = [\"default_image_model\"]\n\n[workspaces.\"c0a8012c",
        "clear = [\"default_image_model\", \"description\"]\n\n[workspaces.\"c0a8012c",
    );
    for (file, id) in [(&yaml, PROD_ID), (&json_file, STAGING_ID), (&toml, DEV_ID)] {
        let r = at(&server, &["--output", "json", "plan", path_str(file)]);
        assert_eq!(r.code, 0, "{r:?}");
        let plan: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(plan["changed"], 1, "{}", r.stdout);
        let changed: Vec<&Value> = plan["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| !w["changes"].as_array().unwrap().is_empty())
            .collect();
        assert_eq!(changed[0]["id"], id);
        assert_eq!(changed[0]["changes"][0]["field"], "description");
        assert_eq!(changed[0]["changes"][0]["file"], Value::Null);
    }
}

#[test]
fn a_field_left_out_is_not_managed_and_unmanaged_workspaces_are_counted() {
    let server = fake();
    let d = dir();
    let file = written(
        d.path(),
        "one.yaml",
        format!("workspaces:\n  {PROD_ID}:\n    name: Prod\n"),
    );
    let r = at(&server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "name   Production  Prod\n");
    assert!(
        r.stdout.ends_with(
            "\n\n1 workspace to change (1 field); 14 on the server not managed by the file\n"
        ),
        "{}",
        r.stdout
    );
}

/// A saved plan the server has moved away from is refused before it is shown or asked about:
/// each moved field is named, exit 3, "plan again", nothing sent (issue 20 item 16). It used
/// to show the saved values, ask, and send the workspaces that had not moved.
#[test]
fn a_stale_saved_plan_is_refused_before_asking_and_nothing_is_sent() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    edit(&file, "name = \"Production\"", "name = \"Production 2\"");
    let plan = d.path().join("plan.json");
    let r = at(
        &server,
        &["plan", path_str(&file), "--out", path_str(&plan)],
    );
    assert_eq!(r.code, 0, "{r:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&plan).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(saved["orws_plan"], 1);
    // Someone renames staging after the plan; a field the plan does not change moves too.
    assert!(server.set_field(STAGING_ID, "name", json!("Staging (theirs)")));
    assert!(server.set_field(PROD_ID, "description", json!("theirs")));
    for yes in [true, false] {
        let mut args = vec!["apply", path_str(&plan)];
        if yes {
            args.push("--yes");
        }
        let r = at(&server, &args);
        assert_eq!(r.code, 3, "{r:?}");
        assert_has(
            &r.stderr,
            &format!("staging ({STAGING_ID}): name is now Staging (theirs); the plan saw Staging"),
        );
        assert_has(&r.stderr, "plan again");
        assert_has(&r.stderr, "nothing was sent");
        // Neither the plan nor the question came first; production's description is not a
        // field the plan changes.
        assert_lacks(&r.stderr, "apply to");
        assert_lacks(&r.stderr, "FIELD");
        assert_lacks(&r.stderr, "production");
        assert!(writes(&server).is_empty(), "nothing sent");
    }
    assert_eq!(name_of(&server, STAGING_ID), "Staging (theirs)");
    assert_eq!(name_of(&server, PROD_ID), "Production");
    // Planned again, it applies.
    let r = at(
        &server,
        &["plan", path_str(&file), "--out", path_str(&plan)],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = at(&server, &["apply", path_str(&plan), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(name_of(&server, STAGING_ID), "Staging 2");
    assert_eq!(name_of(&server, PROD_ID), "Production 2");
}

/// On a terminal a long value wraps within its column, whole (it was cut at 40 with `…`).
#[test]
fn plan_on_a_terminal_wraps_long_values_and_cuts_none() {
    use pty_screen::{Pty, Sandbox};
    let server = fake();
    let d = dir();
    let file = d.path().join("one.yaml");
    let words: Vec<String> = (1..=20).map(|i| format!("w{i:02}")).collect();
    std::fs::write(
        &file,
        format!(
            "workspaces:\n  {DEV_ID}:\n    description: {}\n",
            words.join(" ")
        ),
    )
    .unwrap();
    let sb = Sandbox::new();
    let url = server.url();
    let mut cmd = sb.command(&["--base-url", &url, "plan", path_str(&file)]);
    cmd.env("OPENROUTER_API_KEY", KEY);
    let mut pty = Pty::spawn(cmd, 60, 30);
    let screen = pty.wait_for("not managed by the file", DEADLINE);
    assert_eq!(pty.wait_exit(DEADLINE).exit_code(), 0, "{screen}");
    assert!(!screen.contains('…'), "{screen}");
    for w in &words {
        assert_eq!(screen.matches(w.as_str()).count(), 1, "{w}:\n{screen}");
    }
    let rows = screen
        .lines()
        .filter(|l| l.contains("w0") || l.contains("w1") || l.contains("w20"))
        .count();
    assert!(rows > 1, "wrapped over several rows:\n{screen}");
}

/// `plan` lists only the workspaces with changes, by slug, the rest as one count
/// (`--show-unchanged` lists them), values whole when piped; `--output json` keeps every
/// workspace in the same order (issue 20 item 15). It printed "no changes" for each, in uuid
/// order, with values cut at 40 characters.
#[test]
fn plan_lists_the_changed_workspaces_by_slug_with_whole_values() {
    let server = fake();
    let d = dir();
    let file = d.path().join("three.yaml");
    let long =
        "A description long enough to be cut at forty characters, which a pipe must never see cut.";
    std::fs::write(
        &file,
        format!(
            "workspaces:\n  {STAGING_ID}:\n    name: Staging 2\n  {DEV_ID}:\n    description: {long}\n  {PROD_ID}:\n    name: Production\n"
        ),
    )
    .unwrap();
    let r = at(&server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    let dev = r
        .stdout
        .find(&format!("dev ({DEV_ID})\n"))
        .expect(&r.stdout);
    let staging = r
        .stdout
        .find(&format!("staging ({STAGING_ID})\n"))
        .expect(&r.stdout);
    assert!(dev < staging, "by slug, not by uuid:\n{}", r.stdout);
    assert!(r.stdout.contains(long), "whole when piped:\n{}", r.stdout);
    assert!(!r.stdout.contains('…'), "{}", r.stdout);
    assert_lacks(&r.stdout, "production");
    assert_lacks(&r.stdout, "no changes");
    assert!(
        r.stdout.ends_with(
            "1 workspace unchanged (--show-unchanged lists them)\n\
             2 workspaces to change (2 fields); 12 on the server not managed by the file\n"
        ),
        "{}",
        r.stdout
    );

    let r = at(&server, &["plan", path_str(&file), "--show-unchanged"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(
        &r.stdout,
        &format!("1 workspace unchanged:\n  production ({PROD_ID})\n"),
    );

    let r = at(&server, &["--output", "json", "plan", path_str(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    let plan: Value = serde_json::from_str(&r.stdout).unwrap();
    let order: Vec<(&str, usize)> = plan["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap(),
                w["changes"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(order, [(DEV_ID, 1), (PROD_ID, 0), (STAGING_ID, 1)]);
    assert!(writes(&server).is_empty(), "plan sends nothing");

    // Apply's table says `applied` once, in RESULT.
    let r = at(&server, &["apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    let row = r.stdout.lines().find(|l| l.starts_with("staging")).unwrap();
    assert_eq!(row.matches("applied").count(), 1, "{}", r.stdout);
}

#[test]
fn a_failed_patch_is_reported_and_exits_1_while_the_others_land() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.json");
    edit(&file, "\"name\": \"Staging\"", "\"name\": \"Staging 2\"");
    edit(
        &file,
        "\"name\": \"Production\"",
        "\"name\": \"Production 2\"",
    );
    server.inject("PATCH", Fault::Status(500), 1);
    // One at a time, in uuid order: production (550e…) gets the 500.
    let r = at(
        &server,
        &["--concurrency", "1", "apply", path_str(&file), "--yes"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let prod_line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("production"))
        .unwrap();
    assert!(
        prod_line.contains("failed") && prod_line.contains("500"),
        "{}",
        r.stdout
    );
    let staging_line = r.stdout.lines().find(|l| l.starts_with("staging")).unwrap();
    assert!(staging_line.contains("applied"), "{}", r.stdout);
    assert_eq!(name_of(&server, PROD_ID), "Production");
    assert_eq!(name_of(&server, STAGING_ID), "Staging 2");
    assert_has(&r.stderr, "1 applied, 0 stopped by a conflict, 1 failed");
    // Without a terminal, plain progress lines.
    assert_has(&r.stderr, "orws: applying 2/2 · 1 failed");
}

#[test]
fn a_plan_saved_for_another_host_is_refused() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let plan = d.path().join("plan.json");
    assert_eq!(
        at(
            &server,
            &["plan", path_str(&file), "--out", path_str(&plan)]
        )
        .code,
        0
    );
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_ne!(saved["host"], "", "the host is saved");
    saved["server"] = json!("https://openrouter.ai/api/v1");
    std::fs::write(&plan, saved.to_string()).unwrap();
    let r = at(&server, &["apply", path_str(&plan), "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "made against https://openrouter.ai/api/v1");
    assert!(writes(&server).is_empty());
}

/// A plan without `server` names only a host, and two servers on one host (another port) are
/// two servers: such a plan was matched on its host alone and applied against values it never
/// saw. It is now a bad file (exit 2) that says to plan again, whichever server it meets.
#[test]
fn a_saved_plan_without_its_server_is_refused_even_on_its_host() {
    let first = fake();
    let second = fake();
    let d = dir();
    let file = export_all(&first, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let plan = d.path().join("plan.json");
    assert_eq!(
        at(&first, &["plan", path_str(&file), "--out", path_str(&plan)]).code,
        0
    );
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(saved["host"], "127.0.0.1", "both fakes share this host");
    saved.as_object_mut().unwrap().remove("server");
    std::fs::write(&plan, saved.to_string()).unwrap();
    for server in [&second, &first] {
        let r = at(server, &["apply", path_str(&plan), "--yes"]);
        assert_eq!(r.code, 2, "{r:?}");
        assert_has(&r.stderr, "`server`");
        assert_has(&r.stderr, "orws plan");
        assert_has(&r.stderr, "nothing was sent");
        assert!(writes(server).is_empty());
    }
}

/// Two servers on one host (another port) are two servers: a plan saved against one is refused
/// by the other. Before, only the host name was compared, and the plan's checks ran against
/// values it never saw.
#[test]
fn a_plan_saved_against_another_port_of_the_same_host_is_refused() {
    let first = fake();
    let second = fake();
    let d = dir();
    let file = export_all(&first, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let plan = d.path().join("plan.json");
    assert_eq!(
        at(&first, &["plan", path_str(&file), "--out", path_str(&plan)]).code,
        0
    );
    let r = at(&second, &["apply", path_str(&plan), "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "made against http://127.0.0.1:");
    assert!(writes(&second).is_empty());
    // The server it was made against takes it.
    assert_eq!(at(&first, &["apply", path_str(&plan), "--yes"]).code, 0);
}

#[test]
fn apply_without_a_terminal_needs_yes_and_read_only_refuses() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let r = at(&server, &["apply", path_str(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        "apply to 1 workspace (1 field) needs confirmation",
    );
    assert_has(&r.stderr, "--yes");
    let r = at(&server, &["--read-only", "apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--read-only");
    assert!(writes(&server).is_empty());
    assert_eq!(name_of(&server, STAGING_ID), "Staging");
}

#[test]
fn a_file_breaking_a_rule_is_refused_with_file_line_and_field_before_any_request() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    let before = server.requests().len();
    edit(&file, "slug = \"staging\"", "slug = \"Staging_1\"");
    edit(&file, "name = \"Production\"", "nmae = \"Production\"");
    let text = std::fs::read_to_string(&file).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    for command in ["plan", "apply"] {
        let r = at(
            &server,
            &[command, path_str(&file), "--yes"][..if command == "plan" { 2 } else { 3 }],
        );
        assert_eq!(r.code, 2, "{r:?}");
        let shown = path_str(&file);
        assert_has(
            &r.stderr,
            &format!(
                "{shown}:{}: workspace {STAGING_ID}: slug has an uppercase letter 'S'",
                line_of("slug = \"Staging_1\"")
            ),
        );
        assert_has(
            &r.stderr,
            &format!(
                "{shown}:{}: workspace {PROD_ID}: unknown field 'nmae'",
                line_of("nmae")
            ),
        );
        assert_has(&r.stderr, "2 problems in");
    }
    assert_eq!(
        server.requests().len(),
        before,
        "nothing asked of the server"
    );
}

#[test]
fn an_entry_for_a_workspace_not_on_the_server_is_refused() {
    let server = fake();
    let d = dir();
    let file = written(
        d.path(),
        "ws.json",
        format!(
            "{{\"workspaces\": {{\n  \"{PROD_ID}\": {{\"name\": \"P\"}},\n  \"00000000-0000-4000-8000-000000000000\": {{\"name\": \"New\"}}\n}}}}"
        ),
    );
    let r = at(&server, &["apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(
        &r.stderr,
        ":3: workspace 00000000-0000-4000-8000-000000000000 is not on the server",
    );
    assert!(writes(&server).is_empty());
}

#[test]
fn export_needs_workspaces_or_all_and_resolves_slugs() {
    let server = fake();
    let r = at(&server, &["export"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "--all");
    assert_has(&r.stderr, "uuid or slug");
    let r = at(&server, &["export", "staging", PROD_ID, "--format", "yaml"]);
    assert_eq!(r.code, 0, "{r:?}");
    let prod = r.stdout.find(PROD_ID).unwrap();
    let staging = r.stdout.find(STAGING_ID).unwrap();
    assert!(prod < staging, "sorted by uuid:\n{}", r.stdout);
    assert_eq!(r.stdout.matches("    slug: ").count(), 2, "{}", r.stdout);
    let d = dir();
    let target = written(d.path(), "target", "keep");
    let link = d.path().join("link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = at(&server, &["export", "--all", "-o", path_str(&link)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
}

#[test]
fn server_text_in_a_plan_is_escaped() {
    let server = fake();
    assert!(server.set_field(PROD_ID, "name", json!("Evil\u{1b}]0;x\u{7}\u{1b}[2J")));
    let d = dir();
    let file = written(
        d.path(),
        "ws.toml",
        format!("[workspaces.\"{PROD_ID}\"]\nname = \"Good\"\n"),
    );
    let r = at(&server, &["plan", path_str(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "Evil\\x1b]0;x\\x07\\x1b[2J");
    assert!(!r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'));
    let r = at(&server, &["apply", path_str(&file), "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'));
}

/// On a terminal, apply shows the plan and asks y/N: no sends nothing, yes applies and draws
/// the progress line in place.
#[test]
fn apply_on_a_terminal_asks_yes_or_no() {
    use pty_screen::{Pty, Sandbox};
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.toml");
    edit(&file, "name = \"Staging\"", "name = \"Staging 2\"");
    let sb = Sandbox::new();
    let url = server.url();
    let spawn = || {
        let mut cmd = sb.command(&["--base-url", &url, "apply", path_str(&file)]);
        cmd.env("OPENROUTER_API_KEY", KEY);
        Pty::spawn(cmd, 120, 40)
    };
    let mut pty = spawn();
    let screen = pty.wait_for("[y/N]", DEADLINE);
    assert_has(&screen, "name   Staging  Staging 2");
    assert_has(&screen, "apply to 1 workspace (1 field) [y/N]");
    pty.send("n\r");
    assert_eq!(pty.wait_exit(DEADLINE).exit_code(), 2);
    assert!(writes(&server).is_empty());

    let mut pty = spawn();
    pty.wait_for("[y/N]", DEADLINE);
    pty.send("y\r");
    assert_eq!(pty.wait_exit(DEADLINE).exit_code(), 0, "{}", pty.screen());
    assert_has(&pty.screen(), "orws: applying 1/1");
    assert_eq!(name_of(&server, STAGING_ID), "Staging 2");
}

/// `plan --output json` prints the same plan `--out` saves, and apply takes it; apply's own
/// `--output json` gives each workspace's status.
#[test]
fn a_json_plan_from_stdout_is_a_saved_plan_and_apply_reports_in_json() {
    let server = fake();
    let d = dir();
    let file = export_all(&server, d.path(), "ws.yaml");
    edit(&file, "name: \"Staging\"", "name: \"Staging 2\"");
    let saved = d.path().join("saved.json");
    let r = at(
        &server,
        &[
            "--output",
            "json",
            "plan",
            path_str(&file),
            "--out",
            path_str(&saved),
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, std::fs::read_to_string(&saved).unwrap());
    let plan: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan["unmanaged"], 0);
    let staging = plan["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == STAGING_ID)
        .unwrap();
    assert_eq!(
        staging["changes"],
        json!([{"field": "name", "server": "Staging", "file": "Staging 2"}])
    );
    assert_eq!(staging["base"]["name"], "Staging");
    let printed = written(d.path(), "printed.json", &r.stdout);
    let r = at(
        &server,
        &["--output", "json", "apply", path_str(&printed), "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let result: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(result["applied"], 1);
    assert_eq!(result["results"][0]["id"], STAGING_ID);
    assert_eq!(result["results"][0]["status"], "applied");
    assert_eq!(name_of(&server, STAGING_ID), "Staging 2");
    // The same saved plan again once someone set a third value: refused before anything is
    // asked or sent (exit 3, "plan again"), not an overwrite.
    assert!(server.set_field(STAGING_ID, "name", json!("Staging 3")));
    let r = at(
        &server,
        &["--output", "json", "apply", path_str(&saved), "--yes"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert_eq!(r.stdout, "", "no result: nothing was tried");
    assert_has(&r.stderr, "plan again");
    assert_eq!(name_of(&server, STAGING_ID), "Staging 3");
    assert_eq!(patches(&server).len(), 1);
}

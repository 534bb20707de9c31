//! `orws guardrails …`: the real binary against the fake — list, create (R17, R16 said),
//! patch (name too), assign (R22: replaces, asks), unassign, delete (asks), and their history.

use crate::support::cli_bin::*;
use fake::Fault;
use orws::fake;

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";
const BATCH_GUARDRAIL: &str = "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e";
const BATCH_KEY: &str = "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b";
const OLD_KEY: &str = "6e5ad04c0f3dea0f64c407238a9938a12eac8df4a6e3e8cba908f842d430c899";
const STAGING_KEY: &str = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";

#[test]
fn list_shows_the_default_first_then_the_others_with_counts() {
    let server = fake();
    let r = at(&server, &["guardrails", "list", "production"]);
    assert_eq!(r.code, 0, "{r:?}");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[1].contains("default"), "{}", r.stdout);
    assert!(r.stdout.contains("Batch budget"), "{}", r.stdout);
    let r = at(&server, &["guardrails", "list"]);
    assert!(r.stdout.contains("account-wide"), "{}", r.stdout);
}

#[test]
fn create_refuses_a_limit_without_its_reset_and_says_it_enforces_nothing() {
    let server = fake();
    let r = at(
        &server,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Half",
            "--set",
            "limit_usd=5",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("R17"), "{}", r.stderr);
    assert!(writes(&server).is_empty());
    let r = at(
        &server,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Night",
            "--set",
            "limit_usd=5",
            "--set",
            "reset_interval=daily",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("enforces nothing until"), "{}", r.stderr);
    assert_eq!(r.history()[0]["kind"], "guardrail");
}

#[test]
fn a_create_answered_503_is_sent_again_only_when_a_re_read_finds_none() {
    let server = fake_with(fake::FakeConfig {
        retry_after: std::time::Duration::ZERO,
        ..fake::FakeConfig::default()
    });
    server.inject("POST", Fault::Status(503), 1);
    let r = at(
        &server,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Busy",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let posts = writes(&server)
        .iter()
        .filter(|w| w.method == "POST")
        .count();
    assert_eq!(posts, 2, "the re-read found none: sent again");
    let r = at(&server, &["guardrails", "list", PRODUCTION]);
    assert_eq!(r.stdout.matches("Busy").count(), 1, "{}", r.stdout);
}

#[test]
fn patch_renames_a_named_guardrail_and_records_it() {
    let server = fake();
    let r = at(
        &server,
        &[
            "guardrails",
            "patch",
            BATCH_GUARDRAIL,
            "--set",
            "name=Nightly budget",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Nightly budget"), "{}", r.stdout);
    assert_eq!(r.history()[0]["kind"], "guardrail");
}

#[test]
fn assign_refuses_another_workspaces_key_and_asks_before_replacing() {
    let server = fake();
    let r = at(
        &server,
        &[
            "guardrails",
            "create",
            "--workspace",
            "production",
            "--set",
            "name=Other",
        ],
    );
    let id = server_guardrail_named(&server, "Other");
    assert_eq!(r.code, 0);
    let r = at(
        &server,
        &["guardrails", "assign", &id, "--key", STAGING_KEY],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("R22"), "{}", r.stderr);
    // The batch key holds "Batch budget": replacing it needs --yes without a terminal.
    let r = at(&server, &["guardrails", "assign", &id, "--key", BATCH_KEY]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("replaces Batch budget"), "{}", r.stderr);
    let r = at(
        &server,
        &[
            "guardrails",
            "assign",
            &id,
            "--key",
            BATCH_KEY,
            "--key",
            OLD_KEY,
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.history()[0]["kind"], "assignment");
    let r = at(&server, &["guardrails", "unassign", &id, "--key", OLD_KEY]);
    assert_eq!(r.code, 2, "unassigning asks: {r:?}");
    let r = at(
        &server,
        &["guardrails", "unassign", &id, "--key", OLD_KEY, "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = at(&server, &["guardrails", "delete", &id]);
    assert_eq!(r.code, 2, "deleting asks: {r:?}");
    let r = at(&server, &["guardrails", "delete", &id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
}

fn server_guardrail_named(server: &fake::FakeServer, name: &str) -> String {
    let r = at(
        server,
        &["guardrails", "list", PRODUCTION, "--output", "json"],
    );
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .map(|g| g["id"].as_str().unwrap().to_string())
        .unwrap()
}

/// A private home against one fake, so history and revert see the writes.
struct World {
    server: fake::FakeServer,
    home: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        World {
            server: fake(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn ok(&self, args: &[&str]) -> Out {
        ok_at(self.home.path(), &self.server, args)
    }

    fn newest(&self) -> serde_json::Value {
        let r = self.ok(&["--output", "json", "history"]);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()[0].clone()
    }

    fn undo_newest(&self) -> serde_json::Value {
        let id = self.newest()["id"].as_str().unwrap().to_string();
        self.ok(&["revert", &id, "--yes"]);
        let undo = self.newest();
        assert_eq!(undo["kind"], "revert", "{undo}");
        assert_eq!(undo["of"], id.as_str(), "{undo}");
        undo
    }

    fn guardrail(&self, id: &str) -> serde_json::Value {
        let r = self.ok(&["--output", "json", "guardrails", "get", id]);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

#[test]
fn a_patch_is_undone_by_a_patch_back_a_create_by_a_delete_an_assignment_by_the_opposite() {
    let w = World::new();
    w.ok(&[
        "guardrails",
        "patch",
        BATCH_GUARDRAIL,
        "--set",
        "name=Renamed",
        "--set",
        "limit_usd=70",
        "--set",
        "reset_interval=daily",
    ]);
    assert_eq!(w.guardrail(BATCH_GUARDRAIL)["guardrail"]["name"], "Renamed");
    let undo = w.undo_newest();
    assert_eq!(undo["reverts"], "guardrail");
    let back = w.guardrail(BATCH_GUARDRAIL);
    assert_eq!(back["guardrail"]["name"], "Batch budget", "{back}");
    assert_eq!(back["guardrail"]["limit_usd"], 50, "{back}");

    w.ok(&[
        "guardrails",
        "create",
        "--workspace",
        "production",
        "--set",
        "name=Temporary",
    ]);
    let created = w.newest()["after"]["id"].as_str().unwrap().to_string();
    w.undo_newest();
    let r = at(&w.server, &["guardrails", "get", &created]);
    assert_ne!(r.code, 0, "deleted by the undo: {r:?}");

    w.ok(&["guardrails", "assign", BATCH_GUARDRAIL, "--key", OLD_KEY]);
    assert_eq!(
        w.guardrail(BATCH_GUARDRAIL)["keys"],
        serde_json::json!([BATCH_KEY, OLD_KEY])
    );
    let undo = w.undo_newest();
    assert_eq!(undo["reverts"], "assignment");
    assert_eq!(
        w.guardrail(BATCH_GUARDRAIL)["keys"],
        serde_json::json!([BATCH_KEY])
    );

    // A delete cannot be undone.
    w.ok(&["guardrails", "delete", BATCH_GUARDRAIL, "--yes"]);
    let id = w.newest()["id"].as_str().unwrap().to_string();
    let r = orws_at(w.home.path(), w.server.url(), &["revert", &id, "--yes"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("cannot be brought back"), "{}", r.stderr);
}

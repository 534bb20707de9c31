//! Issue 18: one history builder for the admin writes. The same write made from the CLI and
//! from the TUI (its own Review builders, sent through the same core send) leaves the same
//! history entry: kind, workspace, target, the requests, before and after. Before, the CLI
//! and the TUI each built their own (a key write's `after` was the patched field in one and
//! nothing in the other; a members add recorded who was added in one only).

mod cli_admin_support;

use cli_admin_support::{DEV_ID, STAGING_ID, STAGING_KEY, at, fake};
use orws::api::{ApiKey, Client, ClientConfig};
use orws::fake::FakeServer;
use orws::tui::screens::admin_write::{AdminRequest, AdminWrite, send_reviewed, write_record};
use orws::tui::screens::{keys_tab, members_tab};
use serde_json::{Map, Value, json};
use std::time::Duration;

fn client(server: &FakeServer) -> Client {
    let mut config = ClientConfig::new(server.url(), ApiKey::new("k"));
    config.timeout = Duration::from_secs(10);
    Client::new(config).unwrap()
}

/// What two entries of the same write must share (not its id, time or host).
fn essence(mut entry: Value) -> Value {
    let mut out = Map::new();
    for k in ["kind", "workspace_id", "target", "patch", "before", "after"] {
        out.insert(k.into(), entry[k].take());
    }
    // A created workspace's ids and stamps are the fake's, new at each create.
    if out["kind"] == "create" {
        assert_eq!(
            out["workspace_id"], out["after"]["id"],
            "recorded under the created one"
        );
        out.insert("workspace_id".into(), json!("(new)"));
    }
    if let Some(after) = out.get_mut("after").and_then(Value::as_object_mut) {
        for k in ["id", "default_guardrail_id", "created_at", "updated_at"] {
            if after.contains_key(k) {
                after.insert(k.into(), json!("(new)"));
            }
        }
    }
    Value::Object(out)
}

/// The CLI's entry of `args` against a fresh fake.
fn cli_entry(args: &[&str]) -> Value {
    let server = fake();
    let r = at(&server, args);
    assert_eq!(r.code, 0, "{r:?}");
    let h = r.history();
    assert_eq!(h.len(), 1, "{h:?}");
    essence(h[0].clone())
}

/// The TUI's entry of `write` against a fresh fake (`open`: the workspace open; `reviewed`:
/// the workspace as the Review saw it, for a delete, whose `before` it is).
async fn tui_entry(
    server: &FakeServer,
    write: &AdminWrite,
    open: &str,
    reviewed: Option<&orws::workspace::Workspace>,
) -> Value {
    let c = client(server);
    let answers = send_reviewed(
        &c,
        &write.requests,
        Some(open),
        write.key_in.as_ref(),
        reviewed,
    )
    .await
    .unwrap();
    let before = reviewed.map_or_else(|| write.seen.clone(), |ws| ws.fields().clone());
    let record = write_record(open.to_string(), &write.requests, before, &answers).unwrap();
    essence(serde_json::to_value(record.entry(c.host())).unwrap())
}

async fn staging_key(server: &FakeServer) -> orws::admin::keys::Key {
    client(server).get_key(STAGING_KEY).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_key_write_leaves_one_entry_from_either_front_end() {
    let cli = cli_entry(&["keys", "disable", STAGING_KEY]);
    let server = fake();
    let key = staging_key(&server).await;
    let tui = tui_entry(&server, &keys_tab::disable_write(&key), STAGING_ID, None).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["after"]["disabled"], json!(true), "{cli}");

    let cli = cli_entry(&["keys", "move", STAGING_KEY, "--to", "dev", "--yes"]);
    let server = fake();
    let key = staging_key(&server).await;
    let c = client(&server);
    let (from, to) = (
        c.get(STAGING_ID).await.unwrap(),
        c.get(DEV_ID).await.unwrap(),
    );
    let write = keys_tab::move_write(&key, Some(&from), &to);
    let tui = tui_entry(&server, &write, STAGING_ID, None).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["before"]["workspace_id"], json!(STAGING_ID), "{cli}");
    assert_eq!(cli["after"]["workspace_id"], json!(DEV_ID), "{cli}");

    let cli = cli_entry(&["keys", "delete", STAGING_KEY, "--yes"]);
    let server = fake();
    let key = staging_key(&server).await;
    let tui = tui_entry(&server, &keys_tab::delete_write(&key), STAGING_ID, None).await;
    assert_eq!(cli, tui);
}

#[tokio::test]
async fn a_members_write_leaves_one_entry_from_either_front_end() {
    let user = "user_2dHFtVWx2n56w6HkM0000000003";
    let cli = cli_entry(&["members", "add", "dev", user]);
    let server = fake();
    let org = client(&server).organization_members().await.unwrap();
    // As the tab's Review of an add names them.
    let mut write = members_tab::add_write(DEV_ID, vec![user.into()]);
    write.seen = orws::write::record::people_seen(&[user.into()], &org);
    let tui = tui_entry(&server, &write, DEV_ID, None).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["after"]["added"], json!([user]), "{cli}");
    assert!(cli["after"]["people"][user].is_string(), "{cli}");

    let user = "user_2dHFtVWx2n56w6HkM0000000001";
    let cli = cli_entry(&["members", "remove", "dev", user, "--yes"]);
    let server = fake();
    let data = members_tab::MembersData {
        members: vec![],
        org: client(&server).organization_members().await.unwrap(),
        keys: vec![],
        default_id: None,
    };
    let write = members_tab::remove_write(DEV_ID, vec![user.into()], &data);
    let tui = tui_entry(&server, &write, DEV_ID, None).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["after"]["removed"], json!([user]), "{cli}");
    assert!(cli["after"]["people"][user].is_string(), "{cli}");
}

#[tokio::test]
async fn a_workspace_create_or_delete_leaves_one_entry_from_either_front_end() {
    let cli = cli_entry(&["delete", "dev", "--yes"]);
    let server = fake();
    let dev = client(&server).get(DEV_ID).await.unwrap();
    let write = AdminWrite::new(
        "Delete",
        vec![AdminRequest::DeleteWorkspace {
            id: DEV_ID.into(),
            confirm_default: false,
        }],
    );
    let tui = tui_entry(&server, &write, DEV_ID, Some(&dev)).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["before"]["slug"], json!("dev"), "{cli}");

    let cli = cli_entry(&["create", "--set", "name=Our Team", "--set", "slug=team"]);
    let server = fake();
    let body = json!({"name": "Our Team", "slug": "team"});
    let write = AdminWrite::new(
        "Create",
        vec![AdminRequest::CreateWorkspace {
            body: body.as_object().unwrap().clone(),
        }],
    );
    // The workspace open while creating is none: the created one's id is the entry's.
    let tui = tui_entry(&server, &write, "", None).await;
    assert_eq!(cli, tui);
    assert_eq!(cli["after"]["slug"], json!("team"), "{cli}");
}

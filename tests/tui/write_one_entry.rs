//! Issue 18: one history builder for the admin writes. The same write made from the CLI and
//! from the TUI (its own Review builders, sent through the same core send) leaves the same
//! history entry: kind, workspace, target, the requests, before and after. Before, the CLI
//! and the TUI each built their own (a key write's `after` was the patched field in one and
//! nothing in the other; a members add recorded who was added in one only).

use crate::support::cli_bin;
use crate::support::client::client;
use orws::write::RetryPolicy;

use cli_bin::{DEV_ID, STAGING_ID, STAGING_KEY, at, fake};
use orws::api::Client;
use orws::fake::FakeServer;
use orws::tui::screens::admin_write::{AdminRequest, AdminWrite, send_reviewed, write_record};
use orws::tui::screens::{keys_tab, members_tab};
use serde_json::{Map, Value, json};

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
        orws::write::RetryPolicy::without_waiting(),
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

// ---- budgets and the default guardrail: the tabs, as the runtime runs them ----

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::tui::app::{App, Effect, Msg};
use orws::tui::screens::{budgets, guardrail};

/// The app open on workspace `id` (as the fake holds it), and the client it talks through.
async fn app_on(server: &FakeServer, id: &str) -> (App, Client) {
    let c = client(server);
    let ws = c.get(id).await.unwrap();
    let (mut app, _) = App::new(c.host(), Some(ws.slug().to_string()));
    app.update(app.loaded(Ok(ws)));
    (app, c)
}

/// Presses `keys` and runs what they ask of the tabs' runners (and what answers to those
/// ask) against the fake, as the runtime does; the history entries the app asks for.
async fn press(app: &mut App, c: &Client, keys: &[KeyCode]) -> Vec<Value> {
    let mut recorded = vec![];
    for code in keys {
        let mut fx = app.update(Msg::Key(KeyEvent::new(*code, KeyModifiers::NONE)));
        while !fx.is_empty() {
            let mut next = vec![];
            for e in fx {
                let msg = match e {
                    Effect::Budgets { workspace, effect } => {
                        budgets::runner::run(c, &workspace, effect, no_wait())
                            .await
                            .map(Msg::Budgets)
                    }
                    Effect::Guardrail { id, effect } => {
                        guardrail::runner::run(c, &id, effect, no_wait())
                            .await
                            .map(Msg::Guardrail)
                    }
                    Effect::RecordWrite(r) => {
                        recorded.push(essence(serde_json::to_value(r.entry(c.host())).unwrap()));
                        None
                    }
                    _ => None,
                };
                if let Some(msg) = msg {
                    next.extend(app.update(msg));
                }
            }
            fx = next;
        }
    }
    recorded
}

fn typed(text: &str) -> Vec<KeyCode> {
    text.chars().map(KeyCode::Char).collect()
}

/// Two budget requests (weekly first, R8's order): `budgets set` and the Budgets tab leave the
/// same entry, both requests in it, before and after the limits and the BYOK switch.
#[tokio::test]
async fn a_budgets_write_leaves_one_entry_from_either_front_end() {
    let cli = cli_entry(&[
        "budgets",
        "set",
        "production",
        "--daily",
        "200",
        "--weekly",
        "300",
    ]);
    let server = fake();
    let (mut app, c) = app_on(&server, cli_bin::PROD_ID).await;
    press(&mut app, &c, &[KeyCode::Char('2')]).await;
    // Daily (the first row): clear, edit, type, done; then weekly, the row below.
    let mut keys = vec![KeyCode::Delete, KeyCode::Enter];
    keys.extend(typed("200"));
    keys.extend([
        KeyCode::Enter,
        KeyCode::Down,
        KeyCode::Delete,
        KeyCode::Enter,
    ]);
    keys.extend(typed("300"));
    keys.extend([KeyCode::Enter, KeyCode::Char('s'), KeyCode::Enter]);
    let tui = press(&mut app, &c, &keys).await;
    assert_eq!(tui.len(), 1, "{tui:?}");
    assert_eq!(cli, tui[0]);
    let requests = cli["patch"]["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "{cli}");
    assert!(
        requests[0]["path"].as_str().unwrap().ends_with("/weekly"),
        "{cli}"
    );
    assert_eq!(cli["before"]["daily"], json!(30.0), "{cli}");
    assert_eq!(cli["after"]["daily"], json!(200.0), "{cli}");
}

/// `guardrail patch` and the Guardrail tab leave the same entry: on production's configured
/// guardrail, and on staging's not configured yet (its first PATCH creates it).
#[tokio::test]
async fn a_guardrail_write_leaves_one_entry_from_either_front_end() {
    let row = |field: &str| {
        orws::admin::guardrail::GUARDRAIL_FIELDS
            .iter()
            .position(|(f, _)| *f == field)
            .unwrap()
    };
    for (slug, id, field) in [
        ("production", cli_bin::PROD_ID, "enforce_zdr_google"),
        ("staging", STAGING_ID, "enforce_zdr_openai"),
    ] {
        let set = format!("{field}=true");
        let cli = cli_entry(&["guardrail", "patch", slug, "--set", &set]);
        let server = fake();
        let (mut app, c) = app_on(&server, id).await;
        press(&mut app, &c, &[KeyCode::Char('5'), KeyCode::Enter]).await;
        let mut keys = vec![KeyCode::Char('g')];
        keys.extend(std::iter::repeat_n(KeyCode::Down, row(field)));
        keys.extend([KeyCode::Char(' '), KeyCode::Char('s'), KeyCode::Enter]);
        let tui = press(&mut app, &c, &keys).await;
        assert_eq!(tui.len(), 1, "{slug}: {tui:?}");
        assert_eq!(cli, tui[0], "{slug}");
        assert_eq!(cli["kind"], "guardrail", "{cli}");
        assert_eq!(cli["workspace_id"], json!(id), "{cli}");
        assert_eq!(cli["after"][field], json!(true), "{cli}");
        assert_eq!(cli["patch"], json!({ field: true }), "{cli}");
    }
}

/// The runners answer at once: no test waits a real `Retry-After`.
fn no_wait() -> RetryPolicy {
    RetryPolicy::without_waiting()
}

//! Identity down to nested resources (product.md §6, §15), attacked with a server that answers
//! about the wrong thing: a workspace naming another workspace's default guardrail, a create
//! answered with an existing workspace, a colleague creating the same slug during a 429 wait,
//! and an undo of a create whose workspace was deleted and recreated since. Each test fails on
//! the code before this fix: orws wrote production's guardrail from staging, called someone
//! else's workspace "created", and its undo deleted it.

use crate::support::cli_bin;
use crate::support::client::client;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::hostile_http;
use crate::support::sent::Sent;
use crate::support::tui_app::key;

use cli_bin::{DEV_ID, Out, PROD_ID, STAGING_ID, orws_at};
use crossterm::event::KeyCode;
use hostile_http::{Hostile, Reply, Request, serve};
use orws::tui::app::{App, Effect, Msg};
use orws::tui::screens::guardrail::{GuardrailEffect, GuardrailMsg, Pending, Phase, runner};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::sync::{Arc, Mutex};

const G_PROD: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const G_STAGING: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const G_DEV: &str = "aaaaaaaa-0000-4000-8000-000000000003";
const OLD: &str = "2025-08-24T10:30:00Z";

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

type PostHook = Box<dyn FnMut(&mut Vec<Value>, &Map<String, Value>, usize) -> Reply + Send>;

/// What the server holds; each test changes it to lie in its own way.
struct World {
    workspaces: Vec<Value>,
    guardrails: Vec<Value>,
    /// Which workspace each guardrail id really belongs to (configured or not).
    owners: Vec<(&'static str, &'static str)>,
    /// What a POST /workspaces does, given the workspaces, the body and how many came before.
    post: Option<PostHook>,
    posts: usize,
    /// Staging read by uuid (not by slug) names this default guardrail.
    staging_by_uuid_names: Option<&'static str>,
}

fn workspace(id: &str, name: &str, slug: &str, guardrail: &str, created_at: &str) -> Value {
    json!({"id": id, "name": name, "slug": slug, "description": null,
           "default_guardrail_id": guardrail, "created_at": created_at,
           "updated_at": created_at})
}

impl World {
    fn new() -> Self {
        World {
            workspaces: vec![
                workspace(PROD_ID, "Production", "production", G_PROD, OLD),
                workspace(STAGING_ID, "Staging", "staging", G_STAGING, OLD),
                workspace(DEV_ID, "Development", "dev", G_DEV, OLD),
            ],
            // Production's is configured; staging's and dev's are not yet (404).
            guardrails: vec![json!({"id": G_PROD, "name": "Workspace Production Default",
                "workspace_id": PROD_ID, "enforce_zdr_openai": false,
                "include_byok_in_budgets": false})],
            owners: vec![(G_PROD, PROD_ID), (G_STAGING, STAGING_ID), (G_DEV, DEV_ID)],
            post: None,
            posts: 0,
            staging_by_uuid_names: None,
        }
    }

    /// Staging's answer names `guardrail` as its default one.
    fn staging_names(mut self, guardrail: &str) -> Self {
        self.workspaces[1]["default_guardrail_id"] = json!(guardrail);
        self
    }

    fn on_post(
        mut self,
        hook: impl FnMut(&mut Vec<Value>, &Map<String, Value>, usize) -> Reply + Send + 'static,
    ) -> Self {
        self.post = Some(Box::new(hook));
        self
    }
}

fn not_found() -> Reply {
    Reply::json(
        404,
        &json!({"error": {"code": 404, "message": "not found"}}),
    )
}

fn find<'a>(all: &'a mut [Value], key: &str) -> Option<&'a mut Value> {
    all.iter_mut()
        .find(|w| w["id"].as_str() == Some(key) || w["slug"].as_str() == Some(key))
}

fn start(world: World) -> (Hostile, Arc<Mutex<World>>) {
    let world = Arc::new(Mutex::new(world));
    let w = world.clone();
    let server = serve(move |req: &Request, _| {
        let mut w = w.lock().unwrap();
        let path = req.path.trim_start_matches("/api/v1").to_string();
        let (path, _query) = path.split_once('?').unwrap_or((&path, ""));
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let rest = |prefix: &str| path.strip_prefix(prefix).map(str::to_string);
        match (req.method.as_str(), path) {
            ("GET", "/keys") => Reply::json(200, &json!({"data": []})),
            ("POST", "/workspaces") => {
                let n = w.posts;
                w.posts += 1;
                let mut hook = w.post.take().expect("this test creates nothing");
                let reply = hook(&mut w.workspaces, body.as_object().unwrap(), n);
                w.post = Some(hook);
                reply
            }
            _ => {
                if let Some(key) = rest("/workspaces/") {
                    return match req.method.as_str() {
                        "GET" => {
                            let swapped = w.staging_by_uuid_names.filter(|_| key == STAGING_ID);
                            match find(&mut w.workspaces, &key) {
                                Some(ws) => {
                                    let mut ws = ws.clone();
                                    if let Some(g) = swapped {
                                        ws["default_guardrail_id"] = json!(g);
                                    }
                                    Reply::json(200, &json!({ "data": ws }))
                                }
                                None => not_found(),
                            }
                        }
                        "DELETE" => {
                            let before = w.workspaces.len();
                            w.workspaces.retain(|ws| ws["id"].as_str() != Some(&key));
                            if w.workspaces.len() == before {
                                not_found()
                            } else {
                                Reply::json(200, &json!({"deleted": true}))
                            }
                        }
                        _ => not_found(),
                    };
                }
                if let Some(id) = rest("/guardrails/") {
                    return match req.method.as_str() {
                        "GET" => match find(&mut w.guardrails, &id) {
                            Some(g) => Reply::json(200, &json!({"data": g})),
                            None => not_found(),
                        },
                        "PATCH" => {
                            let owner = w.owners.iter().find(|(g, _)| *g == id).map(|(_, o)| *o);
                            if find(&mut w.guardrails, &id).is_none() {
                                let Some(owner) = owner else {
                                    return not_found();
                                };
                                w.guardrails.push(json!({"id": id, "name": "Default",
                                    "workspace_id": owner, "include_byok_in_budgets": false}));
                            }
                            let g = find(&mut w.guardrails, &id).unwrap();
                            for (k, v) in body.as_object().unwrap() {
                                g[k] = v.clone();
                            }
                            Reply::json(200, &json!({"data": g}))
                        }
                        _ => not_found(),
                    };
                }
                not_found()
            }
        }
    });
    (server, world)
}

/// orws against `url` with the state kept in `home` across runs (stdin not a terminal).
fn run(home: &Path, url: &str, args: &[&str]) -> Out {
    orws_at(home, url, args)
}

fn history(home: &Path) -> Vec<Value> {
    std::fs::read_to_string(home.join("state/orws/history.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn guardrail_of(world: &Arc<Mutex<World>>, id: &str) -> Option<Value> {
    let mut w = world.lock().unwrap();
    find(&mut w.guardrails, id).cloned()
}

// ---- a guardrail write goes to the guardrail of the workspace asked for -------------------

/// Staging's answer names production's (configured) guardrail: before, `guardrail patch
/// staging` changed production's guardrail. Its `workspace_id` names production: nothing is sent.
#[test]
fn cli_guardrail_patch_through_a_swapped_guardrail_id_writes_nothing() {
    let (server, world) = start(World::new().staging_names(G_PROD));
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        &server.url,
        &[
            "guardrail",
            "patch",
            "staging",
            "--set",
            "enforce_zdr_openai=true",
        ],
    );
    assert_ne!(r.code, 0, "{r:?}");
    assert_has(&r.stderr, &format!("belongs to workspace {PROD_ID}"));
    assert_has(&r.stderr, "nothing was sent");
    assert!(server.sent_with("PATCH").is_empty());
    assert_eq!(
        guardrail_of(&world, G_PROD).unwrap()["enforce_zdr_openai"],
        false
    );
    assert!(history(home.path()).is_empty());
    // Reading it is refused too: it is not staging's.
    let r = run(home.path(), &server.url, &["guardrail", "get", "staging"]);
    assert_ne!(r.code, 0, "{r:?}");
}

/// Staging's answer names dev's guardrail, not configured yet (404: nothing to check before
/// the first PATCH). Before, orws created dev's guardrail and said it had patched staging's.
/// Now the workspace is read again by uuid just before, and the answer's `workspace_id` tells
/// whose guardrail was written: said, recorded as dev's, and its undo offered (and working).
#[test]
fn cli_guardrail_patch_of_a_swapped_unconfigured_guardrail_says_whose_it_wrote() {
    let (server, world) = start(World::new().staging_names(G_DEV));
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        &server.url,
        &[
            "guardrail",
            "patch",
            "staging",
            "--set",
            "enforce_zdr_openai=true",
        ],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(
        &r.stderr,
        &format!("wrote the default guardrail of workspace {DEV_ID}"),
    );
    assert_has(&r.stderr, "orws revert");
    // The workspace was read again by uuid right before the PATCH.
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|q| format!("{} {}", q.method, q.path.trim_start_matches("/api/v1")))
        .collect();
    let reread = paths
        .iter()
        .position(|p| p == &format!("GET /workspaces/{STAGING_ID}"));
    let patch = paths.iter().position(|p| p.starts_with("PATCH"));
    assert!(reread.is_some() && reread < patch, "{paths:?}");
    let h = history(home.path());
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["kind"], "guardrail");
    assert_eq!(h[0]["workspace_id"], DEV_ID);
    assert_eq!(h[0]["target"], G_DEV);
    // The undo offered puts dev's guardrail back.
    let id = h[0]["id"].as_str().unwrap();
    let r = run(home.path(), &server.url, &["revert", id, "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        guardrail_of(&world, G_DEV).unwrap()["enforce_zdr_openai"],
        Value::Null
    );
}

/// The workspace read again just before the first PATCH names another guardrail than the
/// first read: nothing is sent.
#[test]
fn cli_an_unconfigured_guardrail_needs_the_same_id_on_both_reads() {
    let mut world = World::new();
    world.staging_by_uuid_names = Some(G_DEV);
    let (server, world) = start(world);
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        &server.url,
        &[
            "guardrail",
            "patch",
            "staging",
            "--set",
            "enforce_zdr_openai=true",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "nothing was sent");
    assert!(server.sent_with("PATCH").is_empty());
    assert!(guardrail_of(&world, G_DEV).is_none());
    assert!(guardrail_of(&world, G_STAGING).is_none());
}

// ---- the Guardrail tab (5) ------------------------------------------------------------------

fn draw(app: &App) -> String {
    crate::support::tui_app::draw(app, 220, 40)
}

/// The app on staging, whose answer names `guardrail` as its default one.
fn staging_app(guardrail: &str) -> App {
    let (mut app, _) = App::new("h", Some("staging".into()));
    let ws = workspace(STAGING_ID, "Staging", "staging", guardrail, OLD);
    app.update(app.loaded(Ok(orws::workspace::Workspace::from_json(ws).unwrap())));
    app
}

fn guardrail_effect(effects: Vec<Effect>) -> Option<(String, GuardrailEffect)> {
    effects.into_iter().find_map(|e| match e {
        Effect::Guardrail { id, effect } => Some((id, effect)),
        _ => None,
    })
}

fn row(field: &str) -> usize {
    orws::admin::guardrail::GUARDRAIL_FIELDS
        .iter()
        .position(|(f, _)| *f == field)
        .unwrap()
}

/// Toggles `field` on the loaded tab and sends it: the effect Enter on the Review gives.
fn toggle_and_send(app: &mut App, field: &str) -> Option<(String, GuardrailEffect)> {
    key(app, KeyCode::Char('g'));
    for _ in 0..row(field) {
        key(app, KeyCode::Down);
    }
    key(app, KeyCode::Char(' '));
    key(app, KeyCode::Char('s'));
    guardrail_effect(key(app, KeyCode::Enter))
}

/// Before, staging's tab showed production's guardrail as staging's and sent its PATCH there.
#[test]
fn tui_the_tab_refuses_another_workspaces_guardrail_named_as_this_ones() {
    let mut app = staging_app(G_PROD);
    let (id, load) = guardrail_effect(key(&mut app, KeyCode::Char('5'))).expect("the tab loads");
    let _ = key(&mut app, KeyCode::Enter);
    assert_eq!((id.as_str(), load), (G_PROD, GuardrailEffect::Load));
    let prod = json!({"id": G_PROD, "name": "Workspace Production Default",
        "workspace_id": PROD_ID, "enforce_zdr_openai": false});
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(
        prod.as_object().unwrap().clone(),
    )))));
    let phase = &app.tabs.guardrail.as_ref().unwrap().phase;
    let Phase::LoadFailed(why) = phase else {
        panic!("{phase:?}");
    };
    assert_has(why, &format!("belongs to workspace {PROD_ID}"));
    assert_eq!(toggle_and_send(&mut app, "enforce_zdr_openai"), None);
}

/// The guardrail read when the tab opened was staging's; right before the PATCH the server
/// answers production's under that id: nothing is sent.
#[tokio::test]
async fn tui_the_send_refuses_a_guardrail_that_names_another_workspace_now() {
    let (server, world) = start(World::new().staging_names(G_PROD));
    let base = json!({"id": G_PROD, "name": "n", "workspace_id": STAGING_ID,
        "enforce_zdr_openai": false});
    let pending = Pending {
        base: Some(base.as_object().unwrap().clone()),
        patch: json!({"enforce_zdr_openai": true})
            .as_object()
            .unwrap()
            .clone(),
        undo: false,
        owner: STAGING_ID.into(),
        named: false,
    };
    let msg = runner::run(
        &client(&server.url),
        G_PROD,
        GuardrailEffect::Send(pending),
        orws::write::RetryPolicy::without_waiting(),
    )
    .await;
    let Some(GuardrailMsg::CheckFailed(e)) = msg else {
        panic!("{msg:?}");
    };
    assert!(e.to_string().contains(PROD_ID), "{e}");
    assert!(server.sent_with("PATCH").is_empty());
    assert_eq!(
        guardrail_of(&world, G_PROD).unwrap()["enforce_zdr_openai"],
        false
    );
}

/// Staging names dev's unconfigured guardrail: the first PATCH creates dev's. Before, the tab
/// said "Applied." and recorded it as staging's; now it says whose it wrote, records it as
/// dev's, and `u` reviews its undo on dev's guardrail.
#[tokio::test]
async fn tui_a_write_to_a_swapped_unconfigured_guardrail_says_whose_it_wrote() {
    let (server, world) = start(World::new().staging_names(G_DEV));
    let c = client(&server.url);
    let mut app = staging_app(G_DEV);
    let (id, load) = guardrail_effect(key(&mut app, KeyCode::Char('5'))).unwrap();
    let _ = key(&mut app, KeyCode::Enter);
    let msg = runner::run(&c, &id, load, orws::write::RetryPolicy::without_waiting())
        .await
        .unwrap();
    assert_eq!(msg, GuardrailMsg::Loaded(Ok(None)));
    app.update(Msg::Guardrail(msg));
    let (id, send) = toggle_and_send(&mut app, "enforce_zdr_openai").expect("Enter sends");
    let msg = runner::run(&c, &id, send, orws::write::RetryPolicy::without_waiting())
        .await
        .unwrap();
    let fx = app.update(Msg::Guardrail(msg));
    assert_eq!(
        guardrail_of(&world, G_DEV).unwrap()["enforce_zdr_openai"],
        true,
        "the server did write dev's guardrail"
    );
    let record = crate::support::tui_app::recorded(&fx);
    assert_eq!(record.workspace_id, DEV_ID);
    assert_eq!(record.target.as_deref(), Some(G_DEV));
    let text = draw(&app);
    assert_has(
        &text,
        &format!("wrote the default guardrail of workspace {DEV_ID}"),
    );
    key(&mut app, KeyCode::Char('u'));
    let g = app.tabs.guardrail.as_ref().unwrap();
    let Some(p) = g.reviewing() else {
        panic!("{:?}", g.phase);
    };
    assert_eq!(p.owner, DEV_ID);
}

// ---- a create is claimed only when it is ours ------------------------------------------------

const NEW_ID: &str = "cccccccc-0000-4000-8000-000000000001";
const COLLEAGUE_ID: &str = "cccccccc-0000-4000-8000-000000000002";

/// POST answered with production (its id, its created_at) dressed in the sent name and slug.
#[allow(clippy::ptr_arg)] // the hook's type: the others push
fn answered_with_production(
    workspaces: &mut Vec<Value>,
    body: &Map<String, Value>,
    _: usize,
) -> Reply {
    let mut ws = workspaces[0].clone();
    ws["name"] = body["name"].clone();
    ws["slug"] = body["slug"].clone();
    Reply::json(201, &json!({ "data": ws }))
}

/// The first POST is answered 429; meanwhile a colleague creates the same slug.
fn colleague_during_the_wait(
    workspaces: &mut Vec<Value>,
    body: &Map<String, Value>,
    n: usize,
) -> Reply {
    if n == 0 {
        let slug = body["slug"].as_str().unwrap();
        workspaces.push(workspace(
            COLLEAGUE_ID,
            "Colleague Team",
            slug,
            G_STAGING,
            &now(),
        ));
        return Reply::json(
            429,
            &json!({"error": {"code": 429, "message": "slow down"}}),
        )
        .header("Retry-After", "0");
    }
    Reply::json(
        400,
        &json!({"error": {"code": 400, "message": "slug taken"}}),
    )
}

/// The first POST is answered 429; meanwhile a colleague creates a workspace with the same name
/// and slug, stamped now, but with a description this create did not send.
fn colleague_with_a_description_during_the_wait(
    workspaces: &mut Vec<Value>,
    body: &Map<String, Value>,
    n: usize,
) -> Reply {
    if n == 0 {
        let mut theirs = workspace(
            COLLEAGUE_ID,
            body["name"].as_str().unwrap(),
            body["slug"].as_str().unwrap(),
            G_STAGING,
            &now(),
        );
        theirs["description"] = json!("the colleague's team");
        workspaces.push(theirs);
        return Reply::json(
            429,
            &json!({"error": {"code": 429, "message": "slow down"}}),
        )
        .header("Retry-After", "0");
    }
    Reply::json(
        400,
        &json!({"error": {"code": 400, "message": "slug taken"}}),
    )
}

/// An honest create, stamped now.
fn honest_create(workspaces: &mut Vec<Value>, body: &Map<String, Value>, _: usize) -> Reply {
    let ws = workspace(
        NEW_ID,
        body["name"].as_str().unwrap(),
        body["slug"].as_str().unwrap(),
        G_STAGING,
        &now(),
    );
    workspaces.push(ws.clone());
    Reply::json(201, &json!({ "data": ws }))
}

fn exists(world: &Arc<Mutex<World>>, id: &str) -> bool {
    world
        .lock()
        .unwrap()
        .workspaces
        .iter()
        .any(|w| w["id"] == id)
}

const CREATE: &[&str] = &["create", "--set", "name=Our Team", "--set", "slug=team"];

/// Before: "created workspace", recorded, and `orws revert` then deleted production.
#[test]
fn cli_a_create_answered_with_an_existing_workspace_is_not_claimed() {
    let (server, world) = start(World::new().on_post(answered_with_production));
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &server.url, CREATE);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(
        &r.stderr,
        "a workspace with this slug exists, but orws cannot tell that it created it",
    );
    assert_lacks(&r.stderr, "created workspace");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(history(home.path()).is_empty(), "nothing recorded");
    // Nothing to revert, so nothing of production's can be deleted through it.
    let r = run(home.path(), &server.url, &["revert", "HEAD", "--yes"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(server.sent_with("DELETE").is_empty());
    assert!(exists(&world, PROD_ID));
}

/// Before: after the 429 the re-read found the colleague's workspace by its slug, said
/// "created", recorded it, and its undo deleted the colleague's workspace.
#[test]
fn cli_a_colleague_creating_the_slug_during_a_429_wait_is_not_claimed() {
    let (server, world) = start(World::new().on_post(colleague_during_the_wait));
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &server.url, CREATE);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "cannot tell that it created it");
    assert_lacks(&r.stderr, "Colleague Team\n");
    assert_eq!(server.sent_with("POST").len(), 1, "nothing more is sent");
    assert!(history(home.path()).is_empty(), "nothing recorded");
    assert!(exists(&world, COLLEAGUE_ID));
}

/// Before: the colleague's workspace held everything sent (name, slug) and was fresh, so the
/// re-read claimed it: "created", recorded, and its undo deleted the colleague's workspace. A
/// field the create did not send holding more than a fresh workspace's default says it is not
/// ours.
#[test]
fn cli_a_colleague_create_with_a_field_not_sent_is_not_claimed() {
    let (server, world) = start(World::new().on_post(colleague_with_a_description_during_the_wait));
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &server.url, CREATE);
    assert_eq!(r.code, 3, "{r:?}");
    assert_has(&r.stderr, "cannot tell that it created it");
    assert_has(&r.stderr, "description");
    assert_lacks(&r.stderr, "created workspace");
    assert_eq!(server.sent_with("POST").len(), 1, "nothing more is sent");
    assert!(history(home.path()).is_empty(), "nothing recorded");
    assert!(exists(&world, COLLEAGUE_ID));
}

fn create_body() -> Map<String, Value> {
    json!({"name": "Our Team", "slug": "team"})
        .as_object()
        .unwrap()
        .clone()
}

/// The TUI's create, the same two ways: neither is claimed (so nothing is recorded).
#[tokio::test]
async fn tui_a_create_that_is_not_ours_is_not_claimed() {
    use orws::tui::screens::admin_write::{AdminRequest, send};
    for hook in [
        answered_with_production,
        colleague_during_the_wait,
        colleague_with_a_description_during_the_wait,
    ] {
        let (server, world) = start(World::new().on_post(hook));
        let requests = [AdminRequest::CreateWorkspace {
            body: create_body(),
        }];
        let result = send(&client(&server.url), &requests, None, None).await;
        let Err(why) = result else {
            panic!("claimed: {result:?}");
        };
        assert_has(&why.to_string(), "cannot tell that it created it");
        assert_eq!(server.sent_with("POST").len(), 1);
        assert!(exists(&world, PROD_ID));
    }
}

// ---- undoing a create deletes only the workspace it created ----------------------------------

fn created_entry(home: &Path, url: &str) -> String {
    let r = run(home, url, CREATE);
    assert_eq!(r.code, 0, "{r:?}");
    let h = history(home);
    assert_eq!(h[0]["kind"], "create");
    assert!(h[0]["after"]["created_at"].is_string(), "{h:?}");
    h[0]["id"].as_str().unwrap().to_string()
}

/// Deleted and recreated with the same slug since: with the same id but a new `created_at`
/// (before: deleted), or under a new id. Refused, nothing deleted.
#[test]
fn cli_revert_of_a_create_whose_workspace_was_recreated_deletes_nothing() {
    for same_id in [true, false] {
        let (server, world) = start(World::new().on_post(honest_create));
        let home = tempfile::tempdir().unwrap();
        let id = created_entry(home.path(), &server.url);
        {
            let mut w = world.lock().unwrap();
            w.workspaces.retain(|ws| ws["id"] != NEW_ID);
            let again = if same_id { NEW_ID } else { COLLEAGUE_ID };
            let later = "2099-01-01T00:00:00Z";
            w.workspaces
                .push(workspace(again, "Our Team", "team", G_STAGING, later));
        }
        let r = run(home.path(), &server.url, &["revert", &id, "--yes"]);
        assert_ne!(r.code, 0, "{r:?}");
        if same_id {
            assert_eq!(r.code, 3, "{r:?}");
            assert_has(&r.stderr, "not the one this entry created");
        }
        assert!(server.sent_with("DELETE").is_empty(), "same id: {same_id}");
        assert_eq!(world.lock().unwrap().workspaces.len(), 4);
    }
}

/// The TUI history's undo: the workspace opened has a new `created_at`: no guided delete.
#[test]
fn tui_undo_of_a_create_whose_workspace_was_recreated_deletes_nothing() {
    use orws::state::history::{HistoryEntry, Kind};
    let created = workspace(
        NEW_ID,
        "Our Team",
        "team",
        G_STAGING,
        "2026-12-07T10:00:00Z",
    );
    let entry = HistoryEntry::admin(
        Kind::Create,
        "h",
        NEW_ID,
        None,
        create_body(),
        Map::new(),
        created.as_object().unwrap().clone(),
    );
    let (mut app, _) = App::new("h", None);
    let recreated = workspace(
        NEW_ID,
        "Our Team",
        "team",
        G_STAGING,
        "2026-12-07T11:00:00Z",
    );
    let list = vec![orws::workspace::Workspace::from_json(recreated.clone()).unwrap()];
    app.update(Msg::ListLoaded(Ok(list)));
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(vec![entry])));
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(effects, vec![Effect::LoadWorkspace(NEW_ID.into())]);
    app.update(app.loaded(Ok(
        orws::workspace::Workspace::from_json(recreated).unwrap(),
    )));
    assert!(
        app.delete.is_none(),
        "no guided delete of another workspace"
    );
    let text = draw(&app);
    assert_has(&text, "Not the workspace this entry created");
}

/// A create entry without `created_at` (an older orws's): orws cannot tell its workspace from
/// one recreated since, so it does not undo it, and says so (before: it deleted by id).
#[test]
fn an_entry_without_created_at_cannot_be_undone_and_says_so() {
    let (server, world) = start(World::new().on_post(honest_create));
    let home = tempfile::tempdir().unwrap();
    let id = created_entry(home.path(), &server.url);
    let file = home.path().join("state/orws/history.jsonl");
    let mut h = history(home.path());
    h[0]["after"].as_object_mut().unwrap().remove("created_at");
    std::fs::write(&file, format!("{}\n", h[0])).unwrap();
    let r = run(home.path(), &server.url, &["revert", &id, "--yes"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_has(&r.stderr, "recorded no created_at");
    assert!(server.sent_with("DELETE").is_empty());
    assert!(exists(&world, NEW_ID));
    // The TUI history says the same and opens nothing.
    let entry: orws::state::history::HistoryEntry = serde_json::from_value(h[0].clone()).unwrap();
    let (mut app, _) = App::new(&entry.host.clone(), None);
    app.update(Msg::ListLoaded(Ok(vec![])));
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(vec![entry])));
    let effects = key(&mut app, KeyCode::Char('u'));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadWorkspace(_))),
        "{effects:?}"
    );
    assert!(draw(&app).contains("recorded no created_at"));
}

/// Product.md §15: a create's time is checked by the server's clock (its `Date`), not only this
/// machine's. A server whose clock runs an hour behind stamped a real create an hour "before"
/// the request, and orws refused to claim its own workspace.
#[test]
fn cli_a_create_on_a_server_whose_clock_is_behind_is_still_ours() {
    let hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let stamp = hour_ago
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let date = httpdate::fmt_http_date(std::time::SystemTime::from(hour_ago));
    let server = serve(move |req: &Request, _| {
        let reply = if req.method == "POST" {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let mut ws = workspace(
                "cccccccc-0000-4000-8000-000000000001",
                "Our Team",
                "team",
                G_DEV,
                &stamp,
            );
            for (k, v) in body.as_object().unwrap() {
                ws[k] = v.clone();
            }
            Reply::json(201, &json!({ "data": ws }))
        } else {
            not_found()
        };
        reply.header("Date", &date)
    });
    let home = tempfile::tempdir().unwrap();
    let r = run(home.path(), &server.url, CREATE);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(history(home.path()).len(), 1, "recorded as ours");
}

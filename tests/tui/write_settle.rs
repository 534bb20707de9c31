//! Issue 18 item 4: after a 429/503 (and after a lost answer) every kind of write is settled by
//! comparing three states — the base the review showed, what was sent, what the server holds
//! now. A colleague's write during the wait is a conflict: never overwritten, never recorded as
//! ours. Each test fails on the code before the one write (it asked only "is my write there?").

use crate::support::cli_bin;
use crate::support::client::client;
use crate::support::common::{assert_has, assert_has_for};
use crate::support::hostile_http;
use crate::support::sent::Sent;

use cli_bin::{PROD_ID, orws};
use hostile_http::{Reply, Request, budget_reads, serve};
use orws::admin::keys::KeyPatch;
use orws::tui::screens::admin_write::{AdminRequest, send, send_reviewed};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const DEV: &str = "b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d";
const STAGING: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";

fn busy() -> Reply {
    Reply::json(
        429,
        &json!({"error": {"code": 429, "message": "slow down"}}),
    )
    .header("Retry-After", "0")
}

fn key_at(ws: &str) -> Value {
    json!({"hash": "h1", "name": "ci", "label": "sk-or-…", "disabled": false, "limit": null,
           "usage": 0, "workspace_id": ws, "created_at": "2025-01-01T00:00:00Z"})
}

/// A server holding one key in `PROD_ID`: its PATCH and DELETE answer 429 after a colleague
/// moved the key to `DEV` (the colleague's write lands during orws's wait).
fn key_server() -> (hostile_http::Hostile, Arc<Mutex<Vec<String>>>) {
    let place = Arc::new(Mutex::new(PROD_ID.to_string()));
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let server = serve(move |req: &Request, _| {
        seen.lock()
            .unwrap()
            .push(format!("{} {}", req.method, req.path));
        let mut at = place.lock().unwrap();
        let path = req.path.trim_start_matches("/api/v1");
        match req.method.as_str() {
            "PATCH" | "DELETE" => {
                *at = DEV.to_string();
                busy()
            }
            _ if path.starts_with("/keys/h1") => Reply::json(200, &json!({"data": key_at(&at)})),
            _ if req.query_number("offset").unwrap_or(0) > 0 => {
                Reply::json(200, &json!({"data": []}))
            }
            _ if path.starts_with("/keys") => {
                let asked = path.contains(&format!("workspace_id={}", *at));
                let list = if asked { vec![key_at(&at)] } else { vec![] };
                Reply::json(200, &json!({"data": list}))
            }
            _ => Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}})),
        }
    });
    (server, log)
}

fn writes(log: &Mutex<Vec<String>>) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("PATCH") || l.starts_with("DELETE"))
        .count()
}

#[tokio::test]
async fn a_key_a_colleague_moved_during_the_wait_is_not_moved_again() {
    let (server, log) = key_server();
    let moving = vec![AdminRequest::PatchKey {
        hash: "h1".into(),
        patch: KeyPatch {
            workspace_id: Some(STAGING.into()),
            disabled: None,
        },
    }];
    let error = send(&client(&server.url), &moving, Some(PROD_ID), None)
        .await
        .unwrap_err()
        .to_string();
    assert_has(&error, "conflict");
    assert_has(&error, "nothing more was sent");
    assert_eq!(
        writes(&log),
        1,
        "never sent again: {:?}",
        log.lock().unwrap()
    );
}

#[tokio::test]
async fn a_key_delete_when_the_key_was_moved_away_is_a_conflict_not_deleted() {
    let (server, log) = key_server();
    let deleting = vec![AdminRequest::DeleteKey { hash: "h1".into() }];
    let error = send(&client(&server.url), &deleting, Some(PROD_ID), None)
        .await
        .unwrap_err()
        .to_string();
    assert_has(&error, "conflict");
    assert!(error.contains(DEV), "names where the key went: {error}");
    assert_eq!(writes(&log), 1, "{:?}", log.lock().unwrap());
}

fn budget(interval: &str, limit: f64) -> Value {
    json!({"workspace_id": PROD_ID, "reset_interval": interval, "limit_usd": limit})
}

/// `orws budgets set production --monthly 400` on $500: the PUT answers 429 while a colleague
/// sets $450. Before: the re-read saw "not $400", retried, and overwrote the colleague's $450.
#[test]
fn cli_a_budget_a_colleague_set_during_the_wait_is_a_conflict_not_overwritten() {
    let monthly = Arc::new(Mutex::new(500.0));
    let puts = Arc::new(Mutex::new(0));
    let (m, p) = (monthly.clone(), puts.clone());
    let server = serve(move |req: &Request, _| {
        if req.method == "PUT" {
            *p.lock().unwrap() += 1;
            *m.lock().unwrap() = 450.0;
            return busy();
        }
        let limit = *m.lock().unwrap();
        budget_reads(
            req,
            json!({"data": [budget("monthly", limit)], "include_byok_in_budgets": false}),
            json!({"id": PROD_ID, "name": "Production", "slug": "production"}),
        )
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "budgets",
        "set",
        "production",
        "--monthly",
        "400",
    ]);
    assert_eq!(r.code, 3, "a conflict: {r:?}");
    assert_has_for("says what the server holds", &r.stderr, "$450");
    assert_has(&r.stderr, "nothing more was sent");
    assert_eq!(
        *puts.lock().unwrap(),
        1,
        "the colleague's $450 is not overwritten"
    );
    assert_eq!(*monthly.lock().unwrap(), 450.0);
    assert!(
        r.history().is_empty(),
        "nothing of ours landed: {:?}",
        r.history()
    );
}

const G: &str = "aaaaaaaa-0000-4000-8000-000000000001";

fn no_route() -> Reply {
    Reply::json(404, &json!({"error": {"code": 404, "message": "no route"}}))
}

/// Production, whose default guardrail is `guardrail`; `on_patch` answers each PATCH of it (and
/// may change it, as the server or a colleague would).
fn guardrail_server(
    guardrail: Arc<Mutex<Value>>,
    on_patch: impl Fn(&mut Value, &Request) -> Reply + Send + Sync + 'static,
) -> hostile_http::Hostile {
    serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if path.starts_with("/guardrails/") {
            let mut g = guardrail.lock().unwrap();
            if req.method == "PATCH" {
                return on_patch(&mut g, req);
            }
            return Reply::json(200, &json!({"data": *g}));
        }
        if path.starts_with("/workspaces/") {
            return Reply::json(
                200,
                &json!({"data": {"id": PROD_ID, "name": "Production", "slug": "production",
                                 "default_guardrail_id": G}}),
            );
        }
        no_route()
    })
}

fn guardrail_with(fields: Value) -> Arc<Mutex<Value>> {
    let mut g = json!({"id": G, "name": "Workspace Production Default",
                       "workspace_id": PROD_ID, "include_byok_in_budgets": false});
    for (k, v) in fields.as_object().unwrap() {
        g[k] = v.clone();
    }
    Arc::new(Mutex::new(g))
}

/// A workspace "sandbox" (id `DEV`) with no keys; its DELETE answers 429 while a colleague
/// renames it. Returns the server and the count of DELETEs it saw.
fn renamed_during_the_wait() -> (hostile_http::Hostile, Arc<Mutex<usize>>) {
    let name = Arc::new(Mutex::new("Sandbox".to_string()));
    let deletes = Arc::new(Mutex::new(0));
    let d = deletes.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "DELETE" {
            *d.lock().unwrap() += 1;
            *name.lock().unwrap() = "Sandbox renamed".into();
            return busy();
        }
        if path.starts_with("/workspaces/") {
            let name = name.lock().unwrap().clone();
            return Reply::json(
                200,
                &json!({"data": {"id": DEV, "name": name, "slug": "sandbox",
                                 "updated_at": format!("t-{name}")}}),
            );
        }
        if path.starts_with("/keys") {
            return Reply::json(200, &json!({"data": []}));
        }
        no_route()
    });
    (server, deletes)
}

/// `orws guardrail patch production --set limit_usd=200 --set reset_interval=monthly` on a
/// guardrail at $100: the PATCH answers 429 while a colleague sets $150. Before: the re-read
/// saw "not what I sent" and sent it again over the colleague's $150.
#[test]
fn cli_a_guardrail_a_colleague_changed_during_the_wait_is_a_conflict_not_overwritten() {
    let guardrail = guardrail_with(json!({"limit_usd": 100.0, "reset_interval": "monthly"}));
    let patches = Arc::new(Mutex::new(0));
    let p = patches.clone();
    let server = guardrail_server(guardrail.clone(), move |g, _| {
        *p.lock().unwrap() += 1;
        g["limit_usd"] = json!(150.0);
        busy()
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "guardrail",
        "patch",
        "production",
        "--set",
        "limit_usd=200",
    ]);
    assert_eq!(r.code, 3, "a conflict: {r:?}");
    assert_has(&r.stderr, "limit_usd");
    assert_has(&r.stderr, "nothing more was sent");
    assert_eq!(
        *patches.lock().unwrap(),
        1,
        "the colleague's $150 is not overwritten"
    );
    assert_eq!(guardrail.lock().unwrap()["limit_usd"], json!(150.0));
    assert!(r.history().is_empty(), "{:?}", r.history());
}

/// `orws delete sandbox --yes`: the DELETE answers 429 while a colleague renames the workspace.
/// Before: the re-read saw it still there, sent the DELETE again and deleted the colleague's
/// change unseen.
#[test]
fn cli_a_workspace_a_colleague_changed_during_the_wait_is_not_deleted() {
    let (server, deletes) = renamed_during_the_wait();
    let r = orws(&["--base-url", &server.url, "delete", "sandbox", "--yes"]);
    assert_eq!(r.code, 3, "a conflict: {r:?}");
    assert_has(&r.stderr, "nothing more was sent");
    assert_eq!(*deletes.lock().unwrap(), 1, "never sent again");
    assert!(r.history().is_empty(), "{:?}", r.history());
}

/// A proxy rewrites only the PATCH answer's `workspace_id`: the write went to production's own
/// guardrail (its GET said so before and after). Before: orws said "wrote the default guardrail
/// of workspace <staging>", exited 1 and filed the write under staging.
#[test]
fn cli_a_guardrail_answer_naming_another_workspace_is_read_again_before_it_is_believed() {
    let guardrail = guardrail_with(json!({"enforce_zdr_other": false}));
    let server = guardrail_server(guardrail, |g, req| {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        for (k, v) in body.as_object().unwrap() {
            g[k] = v.clone();
        }
        let mut lie = g.clone();
        lie["workspace_id"] = json!(STAGING);
        Reply::json(200, &json!({"data": lie}))
    });
    let r = orws(&[
        "--base-url",
        &server.url,
        "guardrail",
        "patch",
        "production",
        "--set",
        "enforce_zdr_other=true",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let h = r.history();
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        h[0]["workspace_id"], PROD_ID,
        "filed under the workspace it was: {h:?}"
    );
}

/// The TUI's guided delete, as the runtime sends it (with the workspace the Review showed): the
/// DELETE answers 429 while a colleague renames the workspace. Before: sent again, deleted.
#[tokio::test]
async fn a_tui_delete_of_a_workspace_changed_during_the_wait_is_a_conflict() {
    let (server, deletes) = renamed_during_the_wait();
    let reviewed = orws::workspace::Workspace::from_json(
        json!({"id": DEV, "name": "Sandbox", "slug": "sandbox", "updated_at": "t-Sandbox"}),
    )
    .unwrap();
    let deleting = vec![AdminRequest::DeleteWorkspace {
        id: DEV.into(),
        confirm_default: false,
    }];
    let error = send_reviewed(
        &client(&server.url),
        &deleting,
        Some(DEV),
        None,
        Some(&reviewed),
        orws::write::RetryPolicy::without_waiting(),
    )
    .await
    .unwrap_err()
    .to_string();
    assert_has(&error, "conflict");
    assert_has(&error, "name");
    assert_eq!(*deletes.lock().unwrap(), 1, "never sent again");
}

/// The one send's pre-check, for both front ends' budgets and guardrail writes: the Review's
/// base is compared with what the server holds before anything is sent. A monthly limit a
/// colleague set since the Review ($450, this plan $400 on $500) is a conflict; an
/// unconfigured default guardrail the workspace, read again, no longer names is refused.
/// Nothing is sent in either case.
#[tokio::test]
async fn the_one_send_compares_the_reviews_base_before_sending_budgets_or_a_guardrail() {
    use orws::admin::budgets::{BudgetRequest, Budgets, Interval, Limits};
    use orws::write::request::Request as Write;
    use orws::write::send::{Base, Changed, Plan, Why, send};
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        match req.method.as_str() {
            "GET" if path.ends_with("/budgets") => Reply::json(
                200,
                &json!({"data": [budget("monthly", 450.0)], "include_byok_in_budgets": false}),
            ),
            "GET" if path.starts_with("/guardrails/") => no_route(),
            "GET" if path.starts_with("/workspaces/") => Reply::json(
                200,
                &json!({"data": {"id": PROD_ID, "name": "Production", "slug": "production",
                                 "default_guardrail_id": "another"}}),
            ),
            _ => Reply::json(200, &json!({"data": {}})),
        }
    });
    let c = client(&server.url);
    let reviewed = Budgets {
        limits: Limits::default().with(Interval::Monthly, Some(500.0)),
        include_byok: Some(false),
    };
    let put = [Write::Budget {
        workspace: PROD_ID.into(),
        request: BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 400.0,
            include_byok: None,
        },
    }];
    let plan = Plan {
        requests: &put,
        base: Some(Base::Budgets(&reviewed)),
        read_again: true,
        ..Plan::default()
    };
    let f = send(&c, &plan, orws::write::RetryPolicy::default(), |_, _| {})
        .await
        .unwrap_err();
    let Why::Changed(Changed::Budgets { now, changed }) = &f.why else {
        panic!("{f:?}")
    };
    assert_eq!(now.limits.get(Interval::Monthly), Some(450.0));
    assert_eq!(changed, &[Some(Interval::Monthly)]);
    assert!(f.to_string().contains("nothing was sent"), "{f}");

    let patch = [Write::Guardrail {
        workspace: PROD_ID.into(),
        guardrail_id: G.into(),
        patch: json!({"enforce_zdr_openai": true})
            .as_object()
            .unwrap()
            .clone(),
    }];
    for read_again in [false, true] {
        let plan = Plan {
            requests: &patch,
            base: Some(Base::Guardrail(None)),
            read_again,
            ..Plan::default()
        };
        let f = send(&c, &plan, orws::write::RetryPolicy::default(), |_, _| {})
            .await
            .unwrap_err();
        assert!(matches!(f.why, Why::DefaultMoved { .. }), "{f:?}");
        assert!(f.to_string().contains("'another'"), "{f}");
    }
    assert!(
        server.requests().iter().all(|q| q.method == "GET"),
        "nothing was sent: {:?}",
        server.requests()
    );
}

/// The tabs, through the one send: a 429 during which a colleague sets the value this write
/// changes is the tab's Conflict (what the server holds now, which field), sent once.
#[tokio::test]
async fn the_tabs_show_a_colleagues_change_during_the_wait_as_a_conflict() {
    use orws::admin::budgets::{BudgetRequest, Budgets, Interval, Limits};
    use orws::tui::screens::{budgets, guardrail};
    let guardrail = guardrail_with(json!({"limit_usd": 100.0, "reset_interval": "monthly"}));
    let patches = Arc::new(Mutex::new(0));
    let p = patches.clone();
    let server = guardrail_server(guardrail.clone(), move |g, _| {
        *p.lock().unwrap() += 1;
        g["limit_usd"] = json!(150.0);
        busy()
    });
    let base = guardrail.lock().unwrap().as_object().unwrap().clone();
    let pending = guardrail::Pending {
        base: Some(base),
        patch: json!({"limit_usd": 200.0, "reset_interval": "monthly"})
            .as_object()
            .unwrap()
            .clone(),
        undo: false,
        owner: PROD_ID.into(),
        named: false,
    };
    let msg = guardrail::runner::run(
        &client(&server.url),
        G,
        guardrail::GuardrailEffect::Send(pending),
        orws::write::RetryPolicy::without_waiting(),
    )
    .await;
    let Some(guardrail::GuardrailMsg::Conflict { fields, now }) = msg else {
        panic!("{msg:?}")
    };
    assert_eq!(fields, ["limit_usd"]);
    assert_eq!(now.unwrap()["limit_usd"], json!(150.0));
    assert_eq!(*patches.lock().unwrap(), 1);

    let monthly = Arc::new(Mutex::new(500.0));
    let m = monthly.clone();
    let server = serve(move |req: &Request, _| {
        let path = req.path.trim_start_matches("/api/v1");
        if req.method == "PUT" {
            *m.lock().unwrap() = 450.0;
            return busy();
        }
        if path.ends_with("/budgets") {
            let limit = *m.lock().unwrap();
            return Reply::json(
                200,
                &json!({"data": [budget("monthly", limit)], "include_byok_in_budgets": false}),
            );
        }
        no_route()
    });
    let held = Budgets {
        limits: Limits::default().with(Interval::Monthly, Some(500.0)),
        include_byok: Some(false),
    };
    let put = BudgetRequest::Put {
        interval: Interval::Monthly,
        limit_usd: 400.0,
        include_byok: None,
    };
    let pending = budgets::Pending {
        base: held,
        target: put.apply(&held),
        requests: vec![put],
        undo: false,
    };
    let msg = budgets::runner::run(
        &client(&server.url),
        PROD_ID,
        budgets::BudgetsEffect::Send(pending),
        orws::write::RetryPolicy::without_waiting(),
    )
    .await;
    let Some(budgets::BudgetsMsg::Conflict { now, changed }) = msg else {
        panic!("{msg:?}")
    };
    assert_eq!(changed, [Some(Interval::Monthly)]);
    assert_eq!(now.limits.get(Interval::Monthly), Some(450.0));
    let puts = server.sent("PUT");
    assert_eq!(puts, 1);
}

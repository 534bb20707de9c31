//! The History screen (product.md §11): `H` from the picker and the tabs, the list newest first,
//! the workspace filter, batches that expand, and `u`, which undoes through a Review with the
//! conflict check — decided in `update` (plain values) and run for real in the loop against the
//! fake, with the file read by the runtime.

use crate::support::client::client;
use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::hostile_http;
use crate::support::sent::Sent;
use crate::support::tui_app::draw;
use crate::support::tui_app::{key, typed};
use crate::support::tui_loop::{Setup, a_change_in_history, undo_from_history};

use crossterm::event::KeyCode;
use orws::api::{ApiKey, Client, ClientConfig};
use orws::state::history::{self, HistoryEntry, Kind};
use orws::tui::app::{App, Effect, Msg, Screen};
use orws::tui::screens::admin_write::AdminRequest;
use orws::workspace::{PatchBody, Workspace};
use orws::write::RetryPolicy;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// A busy server's `Retry-After` is not waited for.
fn no_wait() -> RetryPolicy {
    RetryPolicy::without_waiting()
}

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";
const WAIT: Duration = Duration::from_secs(10);

fn m(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn entry(
    kind: Kind,
    ws: &str,
    patch: Value,
    before: Value,
    after: Value,
    id: &str,
) -> HistoryEntry {
    let mut e = HistoryEntry::admin(kind, "h", ws, None, m(patch), m(before), m(after));
    e.id = id.into();
    e.time = "2026-11-29T14:05:09Z".into();
    e
}

fn description(ws: &str, before: &str, after: &str, id: &str) -> HistoryEntry {
    entry(
        Kind::Patch,
        ws,
        json!({"description": after}),
        json!({"description": before}),
        json!({"description": after}),
        id,
    )
}

/// Newest first, as the runtime reads them: a patch of production, a batch of two, a members
/// add, a delete.
fn entries() -> Vec<HistoryEntry> {
    let mut batch = HistoryEntry::batch(
        "h",
        vec![
            description("u2", "x", "y", ""),
            description("u3", "x", "y", ""),
        ],
    );
    batch.id = "bbbbbbbb-2".into();
    batch.time = "2026-11-29T14:04:00Z".into();
    vec![
        description(
            PROD,
            "Production environment workspace",
            "changed",
            "aaaaaaaa-1",
        ),
        batch,
        entry(
            Kind::Members,
            "u3",
            json!({"action": "add", "user_ids": ["user_1"]}),
            json!({}),
            json!({"added": ["user_1"]}),
            "cccccccc-3",
        ),
        entry(
            Kind::Delete,
            "u4",
            json!({}),
            json!({"id": "u4", "name": "Old", "slug": "old"}),
            json!({}),
            "dddddddd-4",
        ),
    ]
}

fn ws(id: &str, slug: &str) -> Workspace {
    Workspace::from_json(json!({"id": id, "name": slug.to_uppercase(), "slug": slug})).unwrap()
}

/// The picker with four workspaces, then `H` and the entries read.
fn history_open() -> App {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![
        common::production(),
        ws("u2", "staging"),
        ws("u3", "dev"),
    ])));
    let effects = key(&mut app, KeyCode::Char('H'));
    assert_eq!(effects, vec![Effect::LoadHistory]);
    assert!(matches!(app.screen, Screen::History(_)));
    app.update(Msg::HistoryLoaded(Ok(entries())));
    app
}

fn shown_ids(app: &App) -> Vec<String> {
    let Screen::History(v) = &app.screen else {
        panic!("not the history");
    };
    v.rows()
        .iter()
        .map(|r| match r.part {
            Some(p) => format!("{}#{p}", v.list()[r.entry].id),
            None => v.list()[r.entry].id.clone(),
        })
        .collect()
}

#[test]
fn h_opens_the_list_newest_first_and_esc_returns() {
    let mut app = history_open();
    assert_eq!(
        shown_ids(&app),
        ["aaaaaaaa-1", "bbbbbbbb-2", "cccccccc-3", "dddddddd-4"]
    );
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("production"),
        "labels from the list:\n{screen}"
    );
    assert_has(&screen, "2 workspaces");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Picker));
}

#[test]
fn the_history_opens_from_a_tab_and_esc_goes_back_to_that_tab() {
    let (mut app, _) = App::new("h", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    key(&mut app, KeyCode::Char('4'));
    let effects = key(&mut app, KeyCode::Char('H'));
    assert!(effects.contains(&Effect::LoadHistory), "{effects:?}");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Form));
    assert_eq!(app.tabs.current, orws::tui::screens::tabs::Tab::Keys);
}

#[test]
fn the_filter_keeps_entries_touching_a_matching_workspace() {
    let mut app = history_open();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "dev");
    key(&mut app, KeyCode::Enter);
    // dev is u3: the batch with a part there, and the members add.
    assert_eq!(shown_ids(&app), ["bbbbbbbb-2", "cccccccc-3"]);
    // By uuid too; Esc in the filter clears it.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(shown_ids(&app).len(), 4);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "550e8400");
    key(&mut app, KeyCode::Enter);
    assert_eq!(shown_ids(&app), ["aaaaaaaa-1"]);
}

#[test]
fn a_batch_expands_and_collapses() {
    let mut app = history_open();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        shown_ids(&app),
        [
            "aaaaaaaa-1",
            "bbbbbbbb-2",
            "bbbbbbbb-2#0",
            "bbbbbbbb-2#1",
            "cccccccc-3",
            "dddddddd-4"
        ]
    );
    key(&mut app, KeyCode::Down);
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("patch · staging"),
        "the part's diff:\n{screen}"
    );
    assert_has(&screen, r#"description: "x" → "y""#);
    key(&mut app, KeyCode::Left);
    assert_eq!(shown_ids(&app).len(), 4);
    key(&mut app, KeyCode::Right);
    assert_eq!(shown_ids(&app).len(), 6);
}

#[test]
fn u_on_a_patch_opens_a_review_of_the_inverse_on_the_entrys_after() {
    let mut app = history_open();
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(effects, vec![Effect::LoadWorkspace(PROD.into())]);
    // The server holds what the entry left.
    let mut now = common::production();
    now.set("description", json!("changed"));
    app.update(app.loaded(Ok(now)));
    assert!(
        app.settings_write() == Some(orws::tui::flow::Shown::Review),
        "{:?}",
        app.screen
    );
    let form = app.form.as_ref().unwrap();
    assert_eq!(
        form.patch(),
        PatchBody::from_fields(m(
            json!({"description": "Production environment workspace"})
        ))
    );
    // Enter sends with the conflict check against the entry's `after`.
    let effects = key(&mut app, KeyCode::Enter);
    let Some(Effect::Submit { base, patch }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(base.get("description"), Some(&json!("changed")));
    assert_eq!(
        patch.fields()["description"],
        "Production environment workspace"
    );
}

/// The server changed the field since the entry: the Review still shows the entry's `after`
/// as the base, so the submit's check stops at the Conflict screen instead of overwriting.
#[test]
fn u_after_a_later_change_keeps_the_entrys_after_as_the_base() {
    let mut app = history_open();
    key(&mut app, KeyCode::Char('u'));
    let mut now = common::production();
    now.set("description", json!("later"));
    app.update(app.loaded(Ok(now.clone())));
    let said = app.status.as_ref().unwrap().text.clone();
    assert_has(&said, "description (now \"later\")");
    let effects = key(&mut app, KeyCode::Enter);
    let Some(Effect::Submit { base, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(base.get("description"), Some(&json!("changed")));
    let report = orws::workspace::check_conflicts(base, &now, &app.form.as_ref().unwrap().patch());
    assert!(report.has_conflicts());
}

#[test]
fn u_on_a_members_add_opens_the_admin_review_of_the_removal() {
    let mut app = history_open();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(effects, vec![Effect::LoadWorkspace("u3".into())]);
    app.update(app.loaded(Ok(ws("u3", "dev"))));
    let write = app.admin.as_ref().expect("an admin review");
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::RemoveMembers {
            workspace: "u3".into(),
            user_ids: vec!["user_1".into()],
        }]
    );
    // What lands is recorded as the revert of the entry, not as a members write of its own.
    let undone = entries()[2].clone();
    key(&mut app, KeyCode::Enter);
    let effects = app.update(Msg::AdminSent(Ok(vec![
        orws::tui::screens::admin_write::AdminAnswer::MembersRemoved(
            orws::write::request::Members(vec!["user_1".into()]),
        ),
    ])));
    let record = effects
        .iter()
        .find_map(|e| match e {
            Effect::RecordWrite(r) => Some(r.clone()),
            _ => None,
        })
        .expect("recorded");
    let entry = record.entry("h");
    assert_eq!(entry.kind, Kind::Revert, "{entry:?}");
    assert_eq!(entry.of.as_deref(), Some(undone.id.as_str()));
    assert_eq!(entry.reverts, Some(undone.kind));
}

#[test]
fn u_on_a_delete_says_why_and_sends_nothing() {
    let mut app = history_open();
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    let said = app.status.as_ref().unwrap().text.clone();
    assert_has(&said, "cannot be recreated with its id");
    assert_has(&said, "orws create --set name=Old --set slug=old");
}

/// `u` on a batch opens the bulk Review of its inverse (each part back to its `before`, on the
/// entry's `after` as the base); only Enter there sends, and Esc closes it with nothing sent.
#[test]
fn u_on_a_batch_opens_the_bulk_review_of_its_undo() {
    use orws::tui::screens::bulk::Purpose;
    let mut app = history_open();
    key(&mut app, KeyCode::Down);
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    assert!(matches!(app.screen, Screen::Bulk));
    let bulk = app.bulk.as_ref().expect("a bulk review");
    let Some(review) = bulk.reviewing() else {
        panic!("not a review: {:?}", bulk.phase)
    };
    assert_eq!(review.purpose, Purpose::Undo);
    let ids: Vec<&str> = review.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["u2", "u3"]);
    for item in &review.items {
        assert_eq!(item.patch.fields()["description"], "x");
        assert_eq!(item.base.get("description"), Some(&json!("y")));
    }
    let shown = draw(&app, 100, 30);
    assert_has(&shown, "Undo on 2 workspaces");
    // Esc: nothing sent, back to the History it came from.
    let effects = key(&mut app, KeyCode::Esc);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Bulk(_))),
        "{effects:?}"
    );
    assert!(effects.contains(&Effect::LoadHistory), "{effects:?}");
    assert!(app.bulk.is_none());
    assert!(matches!(app.screen, Screen::History(_)));
}

#[test]
fn snapshots_of_the_screen() {
    let mut app = history_open();
    insta::assert_snapshot!("history_list_100x30", draw(&app, 100, 30));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    insta::assert_snapshot!("history_batch_expanded_80x24", draw(&app, 80, 24));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zzz");
    insta::assert_snapshot!("history_filter_nothing_60x20", draw(&app, 60, 20));
}

// ---- the loop, against the fake, with the file read by the runtime ---------------------------

#[tokio::test]
async fn h_then_u_then_enter_reverts_through_the_review() {
    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let client = client(&server);
    // A change made earlier: the server holds its `after`, the file its entry.
    let (state, e) = a_change_in_history(&client, PROD).await;
    let (ui, task) = Setup::new(client.clone(), None).state(state.path()).spawn();
    undo_from_history(&ui).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("applied", WAIT).await;
    assert_eq!(
        client.get(PROD).await.unwrap().get("description"),
        Some(&json!("Production environment workspace"))
    );
    // The revert is in the history too: kind `revert`, naming the entry it undid.
    let all = history::read(state.path()).unwrap();
    assert_eq!(all.len(), 2);
    let undo = all.iter().find(|x| x.id != e.id).unwrap();
    assert_eq!(undo.kind, Kind::Revert, "{undo:?}");
    assert_eq!(undo.of.as_deref(), Some(e.id.as_str()));
    assert_eq!(undo.reverts, Some(Kind::Patch));
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

#[tokio::test]
async fn an_undo_from_the_history_comes_back_to_the_tab_it_was_opened_from() {
    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let client = client(&server);
    let (state, _) = a_change_in_history(&client, PROD).await;
    let (ui, task) = Setup::new(client.clone(), Some("production"))
        .state(state.path())
        .spawn();
    ui.wait_for("[1 Settings]", WAIT).await;
    ui.key(KeyCode::Char('2'));
    ui.wait_for("weekly", WAIT).await;
    undo_from_history(&ui).await;
    ui.key(KeyCode::Enter);
    ui.wait_for("applied", WAIT).await;
    ui.key(KeyCode::Enter);
    // The Budgets tab, as it was left (it was on Settings after the undo).
    let screen = ui.wait_for("[2 Budgets]", WAIT).await;
    assert_has(&screen, "weekly");
    ui.key(KeyCode::Char('q'));
    task.await.unwrap();
}

#[test]
fn u_when_the_server_already_holds_the_before_values_sends_nothing() {
    let mut app = history_open();
    key(&mut app, KeyCode::Char('u'));
    app.update(app.loaded(Ok(common::production())));
    assert!(matches!(app.screen, Screen::Form), "{:?}", app.screen);
    assert!(app.form.as_ref().unwrap().patch().is_empty());
    let said = app.status.as_ref().unwrap().text.clone();
    assert_has(&said, "Nothing to undo");
}

// ---- audit: a Guardrail tab write whose answer was lost still gets its history entry ----------

const GR: &str = "595d5849-7e86-51fd-a7c0-705c34e4afff";

/// A guardrail endpoint whose PATCH answers 500; `applies` says whether it stored the change
/// first.
fn guardrail_server(applies: bool) -> hostile_http::Hostile {
    use hostile_http::{Reply, Request};
    let zdr = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    hostile_http::serve(move |req: &Request, _| {
        use std::sync::atomic::Ordering;
        if req.method == "PATCH" {
            if applies {
                zdr.store(true, Ordering::SeqCst);
            }
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        let g = json!({"id": GR, "name": "Default", "workspace_id": PROD, "enforce_zdr": zdr.load(Ordering::SeqCst)});
        Reply::json(200, &json!({ "data": g }))
    })
}

/// Before, the tab's PATCH was sent once and a lost answer was a failure: a change that had
/// landed was neither shown as applied nor recorded. Now the runner reads again, like the CLI.
#[tokio::test]
async fn a_guardrail_write_whose_answer_was_lost_but_landed_is_applied_and_recorded() {
    use orws::tui::screens::guardrail::{GuardrailEffect, GuardrailMsg, Pending, runner};
    let pending = || Pending {
        base: Some(m(
            json!({"id": GR, "name": "Default", "enforce_zdr": false}),
        )),
        patch: m(json!({"enforce_zdr": true})),
        undo: false,
        owner: PROD.into(),
        named: false,
    };
    let landed = guardrail_server(true);
    let c = {
        let mut config = ClientConfig::new(landed.url.clone(), ApiKey::new("k"));
        config.timeout = Duration::from_secs(10);
        Client::new(config).unwrap()
    };
    let msg = runner::run(&c, GR, GuardrailEffect::Send(pending()), no_wait()).await;
    let Some(GuardrailMsg::Sent(Ok(g))) = msg else {
        panic!("{msg:?}");
    };
    assert_eq!(g["enforce_zdr"], true);
    let patches = landed.sent("PATCH");
    assert_eq!(patches, 1, "never sent twice");

    let lost = guardrail_server(false);
    let c = {
        let mut config = ClientConfig::new(lost.url.clone(), ApiKey::new("k"));
        config.timeout = Duration::from_secs(10);
        Client::new(config).unwrap()
    };
    let msg = runner::run(&c, GR, GuardrailEffect::Send(pending()), no_wait()).await;
    assert!(matches!(msg, Some(GuardrailMsg::Sent(Err(_)))), "{msg:?}");
}

/// A budgets endpoint whose PUT answers 500; `applies` says whether it stored the limit first.
fn budgets_server(applies: bool) -> hostile_http::Hostile {
    use hostile_http::{Reply, Request};
    let monthly = std::sync::Arc::new(std::sync::Mutex::new(100.0));
    hostile_http::serve(move |req: &Request, _| {
        if req.method == "PUT" {
            if applies {
                *monthly.lock().unwrap() = 500.0;
            }
            return Reply::json(500, &json!({"error": {"code": 500, "message": "boom"}}));
        }
        let limit = *monthly.lock().unwrap();
        Reply::json(
            200,
            &json!({"data": [{"workspace_id": PROD, "reset_interval": "monthly", "limit_usd": limit}],
                    "include_byok_in_budgets": false}),
        )
    })
}

/// Before, a Budgets tab PUT whose answer was lost counted as not landed: a limit that was
/// stored got no history entry. Now the runner reads again, like the CLI.
#[tokio::test]
async fn a_budgets_write_whose_answer_was_lost_but_landed_counts_as_landed() {
    use orws::admin::budgets::{BudgetRequest, Budgets, Interval};
    use orws::tui::screens::budgets::{BudgetsEffect, BudgetsMsg, Pending, runner};
    let held = Budgets {
        limits: Default::default(),
        include_byok: Some(false),
    };
    let base = Budgets {
        limits: held.limits.with(Interval::Monthly, Some(100.0)),
        ..held
    };
    let pending = || Pending {
        base,
        target: Budgets {
            limits: held.limits.with(Interval::Monthly, Some(500.0)),
            ..held
        },
        requests: vec![BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 500.0,
            include_byok: None,
        }],
        undo: false,
    };
    for (applies, want) in [(true, 1), (false, 0)] {
        let server = budgets_server(applies);
        let mut config = ClientConfig::new(server.url.clone(), ApiKey::new("k"));
        config.timeout = Duration::from_secs(10);
        let c = Client::new(config).unwrap();
        let msg = runner::run(&c, PROD, BudgetsEffect::Send(pending()), no_wait()).await;
        let Some(BudgetsMsg::Sent { landed, failure }) = msg else {
            panic!("{msg:?}");
        };
        assert_eq!(landed, want, "applies: {applies}");
        assert_eq!(failure.is_some(), !applies);
        let puts = server.sent("PUT");
        assert_eq!(puts, 1, "never sent twice");
    }
}

// ---- undo of a guardrail or budgets entry: the tab's own Review -------------------------------

fn with_entry(e: HistoryEntry) -> App {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![common::production()])));
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(vec![e])));
    let effects = key(&mut app, KeyCode::Char('u'));
    assert_eq!(effects, vec![Effect::LoadWorkspace(PROD.into())]);
    app.update(app.loaded(Ok(common::production())));
    app
}

#[test]
fn u_on_a_guardrail_entry_opens_the_guardrail_tabs_review_on_the_entrys_after() {
    use orws::tui::screens::guardrail::GuardrailMsg;
    let mut e = entry(
        Kind::Guardrail,
        PROD,
        json!({"enforce_zdr_openai": true}),
        json!({"enforce_zdr_openai": null}),
        json!({"enforce_zdr_openai": true}),
        "eeeeeeee-5",
    );
    e.target = Some("595d5849-7e86-51fd-a7c0-705c34e4afff".into());
    let mut app = with_entry(e);
    assert_eq!(app.tabs.current, orws::tui::screens::tabs::Tab::Guardrail);
    let g = json!({"id": "595d5849-7e86-51fd-a7c0-705c34e4afff", "name": "n", "workspace_id": PROD, "enforce_zdr_openai": true});
    app.update(Msg::Guardrail(GuardrailMsg::Loaded(Ok(Some(m(g))))));
    let Some(p) = app.tabs.guardrail.as_ref().unwrap().reviewing() else {
        panic!("{:?}", app.tabs.guardrail.as_ref().unwrap().phase);
    };
    assert_eq!(p.patch, m(json!({"enforce_zdr_openai": null})));
    assert_eq!(p.base.as_ref().unwrap()["enforce_zdr_openai"], true);
    assert!(app.after_open.is_none());
}

fn budgets_entry() -> HistoryEntry {
    let limits = |monthly: f64| {
        json!({"daily": null, "weekly": null, "monthly": monthly, "lifetime": null,
               "include_byok_in_budgets": false})
    };
    entry(
        Kind::Budgets,
        PROD,
        json!({"requests": []}),
        limits(100.0),
        limits(500.0),
        "ffffffff-6",
    )
}

fn budgets_now(monthly: f64) -> orws::admin::budgets::Budgets {
    use orws::admin::budgets::{Budgets, Interval, Limits};
    Budgets {
        limits: Limits::default().with(Interval::Monthly, Some(monthly)),
        include_byok: Some(false),
    }
}

#[test]
fn u_on_a_budgets_entry_opens_the_budgets_tabs_review_of_the_requests_back() {
    use orws::admin::budgets::{BudgetRequest, Interval};
    use orws::tui::screens::budgets::BudgetsMsg;
    let mut app = with_entry(budgets_entry());
    assert_eq!(app.tabs.current, orws::tui::screens::tabs::Tab::Budgets);
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(budgets_now(500.0)))));
    let Some(p) = app.tabs.budgets.as_ref().unwrap().reviewing() else {
        panic!("{:?}", app.tabs.budgets.as_ref().unwrap().phase);
    };
    assert_eq!(
        p.requests,
        vec![BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 100.0,
            include_byok: None,
        }]
    );
}

#[test]
fn u_on_a_budgets_entry_changed_since_says_so_and_reviews_nothing() {
    use orws::tui::screens::budgets::BudgetsMsg;
    let mut app = with_entry(budgets_entry());
    app.update(Msg::Budgets(BudgetsMsg::Loaded(Ok(budgets_now(700.0)))));
    let b = app.tabs.budgets.as_ref().unwrap();
    assert_eq!(b.phase, orws::tui::screens::budgets::Phase::Edit);
    assert!(
        b.status.as_deref().unwrap_or_default().contains("monthly"),
        "{:?}",
        b.status
    );
}

/// A batch of one part is "1 workspace" in the list and in its before → after (the CLI said so
/// already; the screen said "1 workspaces").
#[test]
fn a_batch_of_one_is_one_workspace() {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![common::production()])));
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(vec![HistoryEntry::batch(
        "h",
        vec![description("u2", "x", "y", "")],
    )])));
    let shown = draw(&app, 100, 30);
    assert_has(&shown, "1 workspace ");
    assert_lacks(&shown, "1 workspaces");
}

/// Unreadable history lines were skipped in silence on the History screen; now it says how
/// many, and the batch written line by line (a batch line, then its parts) shows as one entry.
#[tokio::test]
async fn the_history_screen_says_how_many_lines_could_not_be_read() {
    let server = orws::fake::start(orws::fake::FakeConfig::default())
        .await
        .unwrap();
    let client = client(&server);
    let state = tempfile::tempdir().unwrap();
    let head = HistoryEntry::batch(client.host(), vec![]);
    history::append(state.path(), &head).unwrap();
    let mut part = description(PROD, "old", "new", "p1");
    part.host = client.host().to_string();
    history::append(state.path(), &part.part_of(&head.id)).unwrap();
    let file = state.path().join("history.jsonl");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("{\"cut\n");
    std::fs::write(&file, text).unwrap();

    let (ui, task) = Setup::new(client.clone(), None).state(state.path()).spawn();
    ui.wait_for("production", WAIT).await;
    ui.key(KeyCode::Char('H'));
    ui.wait_for("1 history line could not be read", WAIT).await;
    ui.key(KeyCode::Char('q'));
    let app = task.await.unwrap();
    let Screen::History(view) = &app.screen else {
        panic!("the History screen was open: {:?}", app.screen)
    };
    let list = view.list();
    assert_eq!(list.len(), 1, "the batch and its part are one entry");
    assert_eq!(list[0].parts.len(), 1);
}

/// A revert is listed as one (kind `revert`, "revert of <id>: …", the detail naming the entry
/// it undid), a key moved names where it went, and a batch's undo folds its parts as a batch
/// does. Before: a revert line could not be read at all (no kind `revert`).
#[test]
fn a_revert_is_listed_as_the_undo_of_its_entry() {
    let original = description(PROD, "old", "new", "aaaaaaaa-1");
    let mut undo = description(PROD, "new", "old", "cccccccc-3").reverting(&original);
    undo.time = "2026-11-29T14:06:00Z".into();
    let mut batch = HistoryEntry::batch("h", vec![]);
    batch.id = "bbbbbbbb-2".into();
    let mut batch_undo = HistoryEntry::batch(
        "h",
        vec![
            description("u2", "y", "x", ""),
            description("u3", "y", "x", ""),
        ],
    )
    .reverting(&batch);
    batch_undo.id = "dddddddd-4".into();
    let mut moved = entry(
        Kind::Keys,
        "u2",
        json!({"requests": [{"method": "PATCH", "path": "/keys/k1", "body": {"workspace_id": "u3"}}]}),
        json!({"key_name": "ci", "workspace_id": "u2"}),
        json!({}),
        "eeeeeeee-5",
    );
    moved.target = Some("k1".into());
    // Written and read back as the file holds them.
    let line = serde_json::to_string(&undo).unwrap();
    let read: HistoryEntry = serde_json::from_str(&line).unwrap();
    assert_eq!(read, undo);

    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![
        common::production(),
        ws("u2", "staging"),
        ws("u3", "dev"),
    ])));
    key(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryLoaded(Ok(vec![
        moved, batch_undo, undo, original,
    ])));
    let shown = draw(&app, 140, 30);
    assert_has(&shown, "moved key ci to dev");
    assert_lacks(&shown, "to u3");
    assert_has(&shown, "revert of aaaaaaaa");
    assert_has(&shown, "2 workspaces");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        shown_ids(&app),
        [
            "eeeeeeee-5",
            "dddddddd-4",
            "dddddddd-4#0",
            "dddddddd-4#1",
            "cccccccc-3",
            "aaaaaaaa-1"
        ]
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let shown = draw(&app, 140, 30);
    assert_has(&shown, "revert of aaaaaaaa ·");
    assert_has(&shown, "description: \"new\" → \"old\"");
}

/// Esc on an undo's Review opened from the History goes back to the History, with nothing
/// staged in the form (and so no draft written), for the form's undo and an admin write's.
#[test]
fn esc_on_an_undo_review_from_the_history_returns_to_it_with_nothing_staged() {
    // The entry's after is what the server holds, so the undo's Review opens.
    let mut now = common::production();
    now.set("description", json!("changed"));
    let mut app2 = history_open();
    key(&mut app2, KeyCode::Char('u'));
    app2.update(app2.loaded(Ok(now)));
    assert_eq!(
        app2.settings_write(),
        Some(orws::tui::flow::Shown::Review),
        "{:?}",
        app2.status
    );
    let effects = key(&mut app2, KeyCode::Esc);
    assert!(effects.contains(&Effect::LoadHistory), "{effects:?}");
    assert!(matches!(app2.screen, Screen::History(_)));
    assert!(
        app2.form.as_ref().unwrap().patch().is_empty(),
        "nothing staged"
    );
    assert_eq!(app2.unsaved(), 0);

    // An admin write's undo (members) the same way.
    let mut app = history_open();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('u'));
    app.update(app.loaded(Ok(ws("u3", "dev"))));
    assert!(app.admin.is_some());
    let effects = key(&mut app, KeyCode::Esc);
    assert!(effects.contains(&Effect::LoadHistory), "{effects:?}");
    assert!(app.admin.is_none());
    assert!(matches!(app.screen, Screen::History(_)));
}

/// An undo from the History stopped with Esc while sending, then found applied by the re-read,
/// is still recorded as the revert of its entry (not as a plain patch naming nothing).
#[test]
fn an_undo_found_applied_after_esc_is_still_recorded_as_its_revert() {
    let mut app = history_open();
    key(&mut app, KeyCode::Char('u'));
    let mut now = common::production();
    now.set("description", json!("changed"));
    app.update(app.loaded(Ok(now.clone())));
    assert!(matches!(
        key(&mut app, KeyCode::Enter).as_slice(),
        [Effect::Submit { .. }]
    ));
    app.update(Msg::SubmitSending);
    key(&mut app, KeyCode::Esc);
    // The server holds the undo after all.
    let effects = app.update(Msg::Reread(Ok(common::production())));
    let reverting = effects
        .iter()
        .find_map(|e| match e {
            Effect::RecordHistory { reverting, .. } => Some(reverting.clone()),
            _ => None,
        })
        .expect("recorded");
    assert_eq!(reverting.map(|r| r.of), Some("aaaaaaaa-1".to_string()));
}

/// A named guardrail's assignment is undone from the History as an admin write's Review of the
/// opposite assignment (was: "undo it from the CLI"); its own undo assigns again.
#[test]
fn u_on_an_assignment_opens_the_review_of_the_opposite_assignment() {
    let key_hash = "5e7c2b7eeb49ee2d64d51b8d7ce84190d7f10f757c8b0dce49109484a1cc78cc";
    let mut e = entry(
        Kind::Assignment,
        PROD,
        json!({"requests": [{
            "method": "POST",
            "path": "/guardrails/g-eu/assignments/keys",
            "body": {"key_hashes": [key_hash]}
        }]}),
        json!({}),
        json!({"assigned": [key_hash]}),
        "eeeeeeee-7",
    );
    e.target = Some("g-eu".into());
    let app = with_entry(e);
    let write = app.admin.as_ref().expect("an admin review");
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::Assign {
            guardrail_id: "g-eu".into(),
            workspace: Some(PROD.into()),
            members: false,
            adding: false,
            ids: vec![key_hash.into()],
        }]
    );
    let (_, redo) = write.plan.undo.clone().expect("its own undo");
    assert!(matches!(
        &redo[..],
        [AdminRequest::Assign { adding: true, .. }]
    ));
    assert_has(
        &crate::support::tui_app::draw(&app, 100, 30),
        "/guardrails/g-eu/assignments/keys/remove",
    );
}

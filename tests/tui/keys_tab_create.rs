//! The Keys tab's columns (product.md §12, §15: the effective guardrail, usage and limit,
//! expiry, last use, the labels; at 60 columns name, state and labels with the rest in the
//! detail line), a key created from `n` through its Review to the secret's dialog, and `e`.

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::{draw, key, typed};

use crossterm::event::KeyCode;
use orws::admin::key_labels::Secret;
use orws::tui::app::{App, Msg};
use orws::tui::effect::Effect;
use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
use orws::tui::screens::keys_tab::KeysContext;

pub fn at(t: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
}

/// The Keys tab of Production with three keys read at 2026-12-01 noon UTC, one assigned
/// guardrail "EU only".
pub fn tab() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('4'));
    let keys = [
        serde_json::json!({"hash": "h1", "name": "Backend", "label": "sk-or-v1-0a1", "workspace_id": id,
            "usage": 12.5, "limit": 50.0, "expires_at": "2026-12-05T00:00:00Z",
            "last_used_at": "2026-11-30T08:00:00Z"}),
        serde_json::json!({"hash": "h2", "name": "Old batch job", "label": "sk-or-v1-0b2", "workspace_id": id,
            "usage": 3.0, "limit": null, "last_used_at": "2026-08-01T00:00:00Z", "disabled": true}),
        serde_json::json!({"hash": "h3", "name": "Spare", "label": "sk-or-v1-0c3", "workspace_id": id,
            "usage": 0.0, "limit": 1500.0, "expires_at": "2027-06-01T00:00:00Z", "last_used_at": null}),
    ]
    .into_iter()
    .map(|v| serde_json::from_value(v).unwrap())
    .collect();
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys),
    });
    app.update(Msg::KeysContext {
        workspace_id: id,
        context: KeysContext {
            now: at("2026-12-01T12:00:00Z"),
            assigned: Ok([("h1".to_string(), "EU only".to_string())].into()),
        },
    });
    app
}

#[test]
fn the_keys_tab_shows_guardrail_usage_expiry_last_use_and_labels() {
    let app = tab();
    let wide = draw(&app, 100, 30);
    assert_has(&wide, "EU only");
    assert_has(&wide, "default");
    assert_has(&wide, "$12.50 / $50.00");
    assert_has(&wide, "in 3d");
    assert_has(&wide, "1d ago");
    assert_has(&wide, "expires soon");
    assert_has(&wide, "disabled, no limit");
    insta::assert_snapshot!("keys_tab_100x30", wide);
    let narrow = draw(&app, 60, 20);
    assert_lacks(&narrow, "Usage / limit");
    assert_has(&narrow, "State");
    // The rest of the selected key is in the detail line.
    assert_has(&narrow, "guardrail EU only");
    insta::assert_snapshot!("keys_tab_60x20", narrow);
}

#[test]
fn slash_filters_by_the_effective_guardrail_too() {
    let mut app = tab();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "eu only");
    let text = draw(&app, 100, 30);
    assert_has(&text, "Backend");
    assert_lacks(&text, "Spare");
}

#[test]
fn an_unread_assignment_list_says_so_and_the_labels_wait_for_no_one() {
    let mut app = tab();
    let id = common::production().id().to_string();
    app.update(Msg::KeysContext {
        workspace_id: id,
        context: KeysContext {
            now: at("2026-12-01T12:00:00Z"),
            assigned: Err("HTTP 500".into()),
        },
    });
    let text = draw(&app, 100, 30);
    assert_has(&text, "guardrail ?");
    assert_has(&text, "never used");
}

const PROD: &str = "550e8400-e29b-41d4-a716-446655440000";

/// Every file under `dir`, read whole (bytes as text, lossily).
fn every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

/// `n` through the form, its Review and Enter, to the secret's dialog: written to a new
/// 0600 file, closed only after "I have stored it"; then quit. The secret is in that file and
/// in no other file orws wrote (history, drafts), nor on the screen once closed.
#[tokio::test]
async fn a_key_created_from_the_tab_shows_its_secret_once_and_writes_it_only_where_named() {
    use crate::support::tui_loop::{Setup, WAIT, fake_with};
    use std::os::unix::fs::PermissionsExt;
    let server = fake_with(orws::fake::FakeConfig {
        now: Some(at("2026-12-01T12:00:00Z")),
        ..Default::default()
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let client = crate::support::client::built(crate::support::client::config(&server));
    let (ui, task) = Setup::new(client, Some(PROD)).state(state.path()).spawn();
    ui.wait_for("Production", WAIT).await;
    ui.key(KeyCode::Char('4'));
    ui.wait_for("Labels", WAIT).await;
    ui.key(KeyCode::Char('n'));
    let form = ui.wait_for("New key", WAIT).await;
    assert_has(&form, "a name is required");
    ui.text("ci deploy");
    ui.key(KeyCode::Tab);
    ui.text("0");
    ui.wait_for("above zero", WAIT).await;
    ui.key(KeyCode::Backspace);
    ui.text("25");
    // Tab onto a choice: typing ends there, Space cycles it.
    ui.key(KeyCode::Tab);
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Down);
    ui.key(KeyCode::Enter);
    ui.text("30d");
    ui.key(KeyCode::Esc);
    ui.wait_for("‹ daily ›", WAIT).await;
    ui.key(KeyCode::Char('s'));
    let review = ui.wait_for("Create key \"ci deploy\"", WAIT).await;
    assert_has(&review, "POST /keys");
    // 30 days from the server's now (a second or two on, as the fake's clock runs).
    assert_has(&review, "2026-12-31T12:00:0");
    assert_has(&review, "shown once");
    ui.key(KeyCode::Enter);
    let dialog = ui.wait_for("I have stored it", WAIT).await;
    let secret = dialog
        .lines()
        .find_map(|l| {
            let at = l.find("sk-or-v1-")?;
            Some(l[at..].trim_end_matches(['│', ' ']).to_string())
        })
        .expect("the secret shows");
    assert!(secret.len() > 20, "{secret}");
    // Esc asks; n keeps it; Enter without the tick says what it needs.
    ui.key(KeyCode::Esc);
    ui.wait_for("Have you stored it?", WAIT).await;
    ui.key(KeyCode::Char('n'));
    ui.key(KeyCode::Enter);
    ui.wait_for("first (Space)", WAIT).await;
    // w: a file that exists is refused, a new one is written 0600.
    let taken = out.path().join("taken");
    std::fs::write(&taken, "x").unwrap();
    ui.key(KeyCode::Char('w'));
    ui.text(&taken.display().to_string());
    ui.key(KeyCode::Enter);
    ui.wait_for("Not written", WAIT).await;
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "x");
    let file = out.path().join("ci.key");
    ui.key(KeyCode::Char('w'));
    ui.text(&file.display().to_string());
    ui.key(KeyCode::Enter);
    ui.wait_for("Written to", WAIT).await;
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{secret}\n")
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    ui.key(KeyCode::Char(' '));
    ui.key(KeyCode::Enter);
    let after = ui.wait_for("its secret is no longer shown", WAIT).await;
    assert_lacks(&after, &secret);
    assert_has(&after, "ci deploy");
    ui.key(KeyCode::Char('q'));
    let app = task.await.unwrap();
    assert!(app.tabs.keys.secret.is_none());
    let files = every_file(state.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("history.jsonl")),
        "the create is recorded: {files:?}"
    );
    for (path, text) in files {
        assert!(
            !text.contains(&secret),
            "the secret is in {}",
            path.display()
        );
    }
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/keys"))
    );
}

fn created_key(name: &str) -> orws::admin::keys::Key {
    serde_json::from_value(
        serde_json::json!({"hash": "h9", "name": name, "label": "sk-or-v1-9f",
        "workspace_id": common::production().id(), "usage": 0.0, "limit": null,
        "created_at": "2026-12-01T12:00:00Z"}),
    )
    .unwrap()
}

/// The form of a new key named `name`, on its Review.
fn review_of_new(name: &str) -> App {
    let mut app = tab();
    let effects = key(&mut app, KeyCode::Char('n'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadDraft { workspace_id }
            if *workspace_id == format!("new-key-{}", common::production().id()))),
        "a draft left by a gone session is asked for: {effects:?}"
    );
    typed(&mut app, name);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    app
}

#[test]
fn the_new_keys_form_keeps_a_draft_without_a_secret_and_its_review_is_the_exact_post() {
    let mut app = review_of_new("ci");
    let ids: Vec<String> = app.drafts_now().into_iter().map(|(id, _)| id).collect();
    assert!(
        ids.contains(&format!("new-key-{}", common::production().id())),
        "{ids:?}"
    );
    let text = draw(&app, 100, 30);
    assert_has(&text, "Create key \"ci\"");
    let effects = key(&mut app, KeyCode::Enter);
    let Some(Effect::AdminSend { requests, .. }) = effects.first() else {
        panic!("Enter sends: {effects:?}");
    };
    assert!(
        matches!(&requests[0], AdminRequest::CreateKey { body } if body.name == "ci" && body.limit.is_none())
    );
    let effects = app.update(Msg::AdminSent(Ok(vec![AdminAnswer::KeyCreated {
        key: Box::new(created_key("ci")),
        secret: Some(Secret::new("sk-or-v1-0123456789abcdef".into())),
    }])));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::DeleteDraft { workspace_id } if workspace_id.starts_with("new-key-"))),
        "the form's draft goes once sent: {effects:?}"
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::RecordWrite(_))));
    for e in &effects {
        assert!(!format!("{e:?}").contains("0123456789abcdef"), "{e:?}");
    }
    assert!(app.drafts_now().iter().all(|(_, d)| d.is_none()));
    let dialog = draw(&app, 100, 30);
    assert_has(&dialog, "sk-or-v1-0123456789abcdef");
    // q asks as quitting does, and says what would be lost.
    key(&mut app, KeyCode::Char('q'));
    let question = draw(&app, 100, 30);
    assert_has(&question, "never shown again");
    key(&mut app, KeyCode::Esc);
    assert!(app.tabs.keys.secret.is_some());
    key(&mut app, KeyCode::Enter);
    assert!(
        app.tabs.keys.secret.is_some(),
        "Enter closes only once ticked"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    assert!(app.tabs.keys.secret.is_none(), "y: stored, closed");
    assert_lacks(&draw(&app, 100, 30), "0123456789abcdef");
}

#[test]
fn a_create_whose_answer_was_lost_says_the_secret_is_gone_and_offers_the_keys_delete() {
    let mut app = review_of_new("ci");
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Ok(vec![AdminAnswer::KeyCreated {
        key: Box::new(created_key("ci")),
        secret: None,
    }])));
    assert!(app.tabs.keys.secret.is_none());
    let text = draw(&app, 100, 30);
    assert_has(&text, "Delete key \"ci\"");
    assert_has(&text, "the secret cannot be");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.first(), Some(Effect::AdminSend { requests, .. })
        if matches!(&requests[0], AdminRequest::DeleteKey { hash } if hash == "h9"))
    );
}

#[test]
fn e_edits_the_selected_key_through_a_review_and_its_result_undoes_it() {
    let mut app = tab();
    let effects = key(&mut app, KeyCode::Char('e'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadDraft { workspace_id } if workspace_id == "key-h1"))
    );
    let form = draw(&app, 100, 30);
    assert_has(&form, "Edit key \"Backend\"");
    assert_lacks(&form, "Expires");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " v2");
    key(&mut app, KeyCode::Esc);
    assert!(
        app.drafts_now()
            .iter()
            .any(|(id, d)| id == "key-h1" && d.is_some())
    );
    // Nothing changed but the name: only the name is sent.
    key(&mut app, KeyCode::Char('s'));
    // Esc on the Review: the form again, as it was left.
    key(&mut app, KeyCode::Esc);
    assert_has(&draw(&app, 100, 30), "Edit key \"Backend\"");
    key(&mut app, KeyCode::Char('s'));
    let review = draw(&app, 100, 30);
    assert_has(&review, "Backend v2");
    let effects = key(&mut app, KeyCode::Enter);
    let Some(Effect::AdminSend { requests, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let AdminRequest::EditKey { hash, edit } = &requests[0] else {
        panic!("{requests:?}");
    };
    assert_eq!(hash, "h1");
    assert_eq!(edit.name.as_deref(), Some("Backend v2"));
    assert_eq!(edit.limit, None);
    let mut after = app.tabs.keys.list()[0].clone();
    after.name = "Backend v2".into();
    let effects = app.update(Msg::AdminSent(Ok(vec![AdminAnswer::Key(Box::new(after))])));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteDraft { workspace_id } if workspace_id == "key-h1"))
    );
    assert!(app.tabs.keys.form.is_none());
    key(&mut app, KeyCode::Char('u'));
    let undo = draw(&app, 100, 30);
    assert_has(&undo, "Undo the edit of key \"Backend\"");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.first(), Some(Effect::AdminSend { requests, .. })
        if matches!(&requests[0], AdminRequest::EditKey { edit, .. } if edit.name.as_deref() == Some("Backend")))
    );
}

#[test]
fn a_key_forms_draft_is_put_back_when_offered() {
    let mut app = tab();
    key(&mut app, KeyCode::Char('n'));
    let id = format!("new-key-{}", common::production().id());
    let mut draft =
        orws::state::drafts::Draft::empty("openrouter.ai", &id, serde_json::Value::Null);
    draft
        .fields
        .insert("name".into(), serde_json::json!("nightly"));
    draft.fields.insert("limit".into(), serde_json::json!("12"));
    draft
        .fields
        .insert("limit_reset".into(), serde_json::json!("weekly"));
    app.update(Msg::DraftLoaded(Ok(Some(draft))));
    key(&mut app, KeyCode::Char('y'));
    let text = draw(&app, 100, 30);
    assert_has(&text, "nightly");
    assert_has(&text, "‹ weekly ›");
}

/// `p`: the selected key's effective policy over the tab, computed by orws and said so; an
/// answer for another key is not shown; any key of the tab closes it.
#[test]
fn p_shows_the_keys_effective_policy_computed_and_any_key_closes_it() {
    use orws::admin::policy::{Applied, Layer, Policy, Why};
    let mut app = tab();
    let effects = key(&mut app, KeyCode::Char('p'));
    let [Effect::LoadKeyPolicy { key: k, workspace }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!((k.hash.as_str(), workspace.slug()), ("h1", "production"));
    assert_has(&draw(&app, 100, 30), "Reading the guardrails");
    let policy = Policy {
        key_hash: "h1".into(),
        key_name: "Backend".into(),
        computed: true,
        guardrails: vec![Applied {
            id: "g-eu".into(),
            name: "EU only".into(),
            why: Why::AssignedToKey,
        }],
        allowed_models: None,
        ignored_models: Default::default(),
        allowed_providers: None,
        ignored_providers: Default::default(),
        allowed_data_regions: Some(["europe".to_string()].into()),
        zdr: Default::default(),
        switches: Default::default(),
        budget_layers: vec![Layer {
            what: "the key's own limit".into(),
            limit_usd: 50.0,
            reset: None,
        }],
        unknown: vec![],
    };
    // A late answer about another key changes nothing.
    app.update(Msg::KeyPolicy {
        hash: "h2".into(),
        result: Ok(policy.clone()),
    });
    assert_has(&draw(&app, 100, 30), "Reading the guardrails");
    app.update(Msg::KeyPolicy {
        hash: "h1".into(),
        result: Ok(policy),
    });
    let text = draw(&app, 100, 30);
    assert_has(&text, "Effective policy of \"Backend\" (computed)");
    assert_has(&text, "Computed by orws from R22–R24");
    assert_has(&text, "Guardrail EU only: assigned to the key");
    assert_has(&text, "Data regions: europe");
    assert_has(&text, "1. the key's own limit — $50 (never resets)");
    assert_has(&draw(&app, 60, 20), "(computed)");
    // Any key closes it, and does nothing else.
    assert_eq!(key(&mut app, KeyCode::Char('x')), vec![]);
    assert!(app.tabs.keys.policy.is_none());
    assert!(app.tabs.keys.deleting.is_none());
    assert_lacks(&draw(&app, 100, 30), "(computed)");
}

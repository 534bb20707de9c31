//! The workspace's tabs and admin screens, decided by `update` with plain values: no I/O.

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::draw;
use crate::support::tui_app::{key, keys_of, typed};

use crossterm::event::KeyCode;
use orws::api::ApiError;
use orws::tui::app::{App, Effect, Msg, Overlay, Screen};
use orws::tui::screens::admin_write::{AdminFailure, AdminRequest};
use orws::tui::screens::tabs::Tab;
use orws::write::send::Why;

fn form() -> App {
    let (mut app, _) = App::new("openrouter.ai", Some("production".into()));
    app.update(app.loaded(Ok(common::production())));
    app
}

#[test]
fn the_workspace_opens_on_settings_and_loads_nothing_else() {
    let (mut app, first) = App::new("openrouter.ai", Some("production".into()));
    assert_eq!(first, vec![Effect::LoadWorkspace("production".into())]);
    let effects = app.update(app.loaded(Ok(common::production())));
    assert_eq!(app.tabs.current, Tab::Settings);
    // The draft and the catalog; no tab loads before its first visit.
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::LoadDraft { .. } | Effect::LoadCatalog)),
        "{effects:?}"
    );
    let text = draw(&app, 80, 24);
    assert!(text.contains("[1 Settings] · 2 Budgets · 3 Members · 4 Keys · 5 Guardrail"));
    assert_has(&text, "Production (production) · 1 Settings");
}

#[test]
fn number_keys_jump_and_brackets_step_around() {
    let mut app = form();
    for (c, tab) in [
        ('3', Tab::Members),
        ('5', Tab::Guardrail),
        ('1', Tab::Settings),
        ('4', Tab::Keys),
        ('2', Tab::Budgets),
    ] {
        key(&mut app, KeyCode::Char(c));
        assert_eq!(app.tabs.current, tab, "{c}");
    }
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('['));
    assert_eq!(app.tabs.current, Tab::Guardrail, "[ wraps to the last");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Settings, "] wraps to the first");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Budgets);
    let text = draw(&app, 80, 24);
    assert!(
        text.contains("· 2 Budgets"),
        "the title shows the tab\n{text}"
    );
    assert_has(&text, "Reading the budgets");
}

#[test]
fn digits_are_text_while_editing_a_field() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.tabs.current, Tab::Settings);
    key(&mut app, KeyCode::Enter);
    let name = app.form.as_ref().unwrap().fields[0].current.clone();
    assert_eq!(name, Some(serde_json::json!("Production3]")));
}

#[test]
fn leaving_from_another_tab_asks_about_the_settings_edits() {
    let mut app = form();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.unsaved(), 1);
    assert_eq!(key(&mut app, KeyCode::Esc), vec![]);
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: false }));
    let text = draw(&app, 80, 24);
    assert_has(&text, "1 unsaved");
    // Esc never discards: it answers "stay".
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none() && matches!(app.screen, Screen::Form));
    assert_eq!(app.tabs.current, Tab::Members);
}

#[test]
fn every_tab_is_usable_at_60x20() {
    let mut app = form();
    for c in "12345".chars() {
        key(&mut app, KeyCode::Char(c));
        let text = draw(&app, 60, 20);
        assert!(!app.too_small());
        assert!(text.contains("Settings"), "{c}\n{text}");
        assert!(text.contains("? help"), "{c}\n{text}");
    }
}

#[test]
fn opening_another_workspace_starts_on_settings() {
    let mut app = form();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(app.tabs.current, Tab::Settings);
}

fn keys_tab() -> App {
    let mut app = form();
    let id = common::production().id().to_string();
    let effects = key(&mut app, KeyCode::Char('4'));
    assert_eq!(effects, vec![Effect::LoadKeys(id.clone())]);
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys_of(&id)),
    });
    app
}

#[test]
fn the_keys_tab_loads_on_its_first_visit_only() {
    let mut app = keys_tab();
    assert_eq!(key(&mut app, KeyCode::Char('1')), vec![]);
    assert_eq!(key(&mut app, KeyCode::Char('4')), vec![], "loaded already");
    let text = draw(&app, 80, 24);
    assert_has(&text, "Backend");
    assert_has(&text, "disabled");
    assert_has(&text, "$1.50");
    assert_has(&text, "$10.00");
    // r reads it again.
    assert!(matches!(
        key(&mut app, KeyCode::Char('r')).as_slice(),
        [Effect::LoadKeys(_)]
    ));
}

#[test]
fn a_key_list_holding_another_workspaces_key_is_refused() {
    let mut app = form();
    key(&mut app, KeyCode::Char('4'));
    let id = common::production().id().to_string();
    let mut keys = keys_of(&id);
    keys[1].workspace_id = "someone-else".into();
    app.update(Msg::KeysLoaded {
        workspace_id: id,
        result: Ok(keys),
    });
    assert!(app.tabs.keys.list().is_empty());
    let text = draw(&app, 80, 24);
    assert_has(&text, "another workspace");
    // Nothing to act on: d opens no review.
    key(&mut app, KeyCode::Char('d'));
    assert!(app.admin.is_none());
}

#[test]
fn d_reviews_the_exact_patch_only_enter_sends_and_undo_reviews_the_inverse() {
    use orws::admin::keys::KeyPatch;
    use orws::tui::flow::Phase;
    use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
    let mut app = keys_tab();
    assert_eq!(key(&mut app, KeyCode::Char('d')), vec![]);
    let write = app.admin.clone().unwrap();
    let disable = AdminRequest::PatchKey {
        hash: "h1".into(),
        patch: KeyPatch {
            disabled: Some(true),
            ..KeyPatch::default()
        },
    };
    assert_eq!(write.plan.requests, vec![disable.clone()]);
    let text = draw(&app, 80, 24);
    assert_has(&text, "PATCH /keys/h1");
    assert_has(&text, r#""disabled": true"#);
    // No letter sends; Esc sends nothing and says so.
    for c in "dsyq".chars().filter(|c| *c != 'q') {
        assert_eq!(key(&mut app, KeyCode::Char(c)), vec![]);
    }
    assert_eq!(key(&mut app, KeyCode::Esc), vec![]);
    assert!(app.admin.is_none());
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::AdminSend {
            requests: vec![disable.clone()],
            workspace: Some(common::production().id().to_string()),
            key_in: Some(("h1".into(), common::production().id().to_string())),
            base: None,
        }]
    );
    assert!(app.is_busy());
    let mut answered = keys_of("x")[0].clone();
    answered.workspace_id = common::production().id().to_string();
    answered.disabled = true;
    let effects = app.update(Msg::AdminSent(Ok(vec![AdminAnswer::Key(Box::new(
        answered,
    ))])));
    // The history records its kind, the key and the exact request.
    let [Effect::RecordWrite(record)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(record.kind, orws::state::history::Kind::Keys);
    assert_eq!(record.target.as_deref(), disable_hash(&disable));
    assert_eq!(record.workspace_id, common::production().id());
    assert_eq!(record.patch["requests"][0]["method"], "PATCH");
    assert!(matches!(
        app.admin.as_ref().unwrap().phase,
        Phase::Result(Ok(_))
    ));
    assert!(
        app.tabs.keys.list()[0].disabled,
        "the list shows the answer"
    );
    // u: a Review of the inverse, not a send.
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    let undo = app.admin.clone().unwrap();
    assert_eq!(undo.phase, Phase::Review);
    assert_eq!(
        undo.plan.requests,
        vec![AdminRequest::PatchKey {
            hash: "h1".into(),
            patch: KeyPatch {
                disabled: Some(false),
                ..KeyPatch::default()
            },
        }]
    );
}

#[test]
fn esc_while_sending_stops_waiting_and_rereads_the_keys() {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Esc);
    assert_eq!(effects[0], Effect::CancelAdmin);
    assert!(matches!(effects[1], Effect::LoadKeys(_)));
    assert!(app.admin.is_none());
    // A late answer changes nothing.
    app.update(Msg::AdminSent(Err(AdminFailure::single(
        AdminRequest::DeleteKey { hash: "h1".into() },
        Why::Stopped,
    ))));
    assert!(app.admin.is_none());
}

#[test]
fn a_failed_write_says_why_and_offers_no_undo() {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Enter);
    let error = ApiError::Server {
        status: 500,
        message: "boom".into(),
    };
    app.update(Msg::AdminSent(Err(AdminFailure::single(
        AdminRequest::DeleteKey { hash: "h1".into() },
        Why::NotApplied(error),
    ))));
    let text = draw(&app, 80, 24);
    assert_has(&text, "✗ server error 500");
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    // The result stays, saying why there is nothing to undo.
    assert!(matches!(
        app.admin.as_ref().unwrap().phase,
        orws::tui::flow::Phase::Result(Err(_))
    ));
    assert!(!app.tabs.keys.list()[0].disabled);
}

#[test]
fn the_keys_tab_and_its_review_are_usable_at_60x20() {
    let mut app = keys_tab();
    let text = draw(&app, 60, 20);
    assert_has(&text, "Backend");
    assert_has(&text, "? help");
    key(&mut app, KeyCode::Char('d'));
    let text = draw(&app, 60, 20);
    assert_has(&text, "PATCH /keys/h1");
    assert_has(&text, "Enter sends");
}

fn workspace(id: &str, name: &str) -> orws::workspace::Workspace {
    orws::workspace::Workspace::from_json(
        serde_json::json!({"id": id, "name": name, "slug": name.to_lowercase()}),
    )
    .unwrap()
}

#[test]
fn m_chooses_another_workspace_says_what_stays_and_reviews_the_move() {
    use orws::admin::keys::KeyPatch;
    use orws::tui::flow::Phase;
    use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
    let mut app = keys_tab();
    // Opened straight into the workspace: the list to choose from is loaded now.
    assert_eq!(key(&mut app, KeyCode::Char('m')), vec![Effect::LoadList]);
    app.update(Msg::ListLoaded(Ok(vec![
        common::production(),
        workspace("u-staging", "Staging"),
    ])));
    let text = draw(&app, 80, 24);
    assert_has(&text, "Staging (staging)");
    assert!(!text.contains("Production (production)\n"), "not to itself");
    assert!(
        text.contains("presets"),
        "R5 is said before the move\n{text}"
    );
    // Esc leaves it untouched; tab keys are not tab keys here.
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tabs.current, Tab::Keys);
    key(&mut app, KeyCode::Esc);
    assert!(app.tabs.keys.moving.is_none() && app.admin.is_none());
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Enter);
    let write = app.admin.clone().unwrap();
    let to = |ws: &str| AdminRequest::PatchKey {
        hash: "h1".into(),
        patch: KeyPatch {
            workspace_id: Some(ws.into()),
            ..KeyPatch::default()
        },
    };
    assert_eq!(write.plan.requests, vec![to("u-staging")]);
    assert!(draw(&app, 80, 24).contains(r#""workspace_id": "u-staging""#));
    key(&mut app, KeyCode::Enter);
    let mut moved = app.tabs.keys.list()[0].clone();
    moved.workspace_id = "u-staging".into();
    app.update(Msg::AdminSent(Ok(vec![AdminAnswer::Key(Box::new(moved))])));
    assert_eq!(
        app.tabs.keys.list().len(),
        1,
        "the moved key left this list"
    );
    key(&mut app, KeyCode::Char('u'));
    let undo = app.admin.clone().unwrap();
    assert_eq!(undo.phase, Phase::Review);
    assert_eq!(undo.plan.requests, vec![to(common::production().id())]);
    // The move checked the key was here; its undo checks it is still where it was moved to.
    assert_eq!(
        write.plan.key_in,
        Some(("h1".into(), common::production().id().to_string()))
    );
    assert_eq!(undo.plan.key_in, Some(("h1".into(), "u-staging".into())));
}

/// Issue 20 item 6: the move target list can be long (hundreds of workspaces): `/` filters it
/// by slug or name (letters are text there: `m`, `j`, `q` too), `Esc` clears the filter,
/// `Enter` picks the highlighted workspace.
#[test]
fn the_move_target_list_filters_with_slash_esc_clears_and_enter_picks() {
    use orws::admin::keys::KeyPatch;
    use orws::tui::screens::admin_write::AdminRequest;
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('m'));
    let mut list = vec![common::production()];
    list.extend((0..40).map(|i| workspace(&format!("u-team{i}"), &format!("Team{i}"))));
    list.push(workspace("u-mjq", "Majorq"));
    list.push(workspace("u-staging", "Staging"));
    app.update(Msg::ListLoaded(Ok(list)));
    assert!(draw(&app, 80, 24).contains("/ filter"), "the hint says so");
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "mjq");
    assert_eq!(app.tabs.current, Tab::Keys, "letters are text here");
    assert!(app.tabs.keys.moving.is_some(), "q did not quit nor m leave");
    let text = draw(&app, 80, 24);
    assert_has(&text, "Majorq (majorq)");
    assert_lacks(&text, "Team1 (team1)");
    assert!(text.contains("mjq"), "the filter is shown\n{text}");
    // Esc clears the filter; the list is whole again and still open.
    key(&mut app, KeyCode::Esc);
    assert!(app.tabs.keys.moving.is_some());
    assert!(draw(&app, 80, 24).contains("Team1 (team1)"));
    // Filtered by name, Enter picks the highlighted one: the Review of that move.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "Stag");
    key(&mut app, KeyCode::Enter);
    let write = app.admin.clone().expect("the Review of the move");
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::PatchKey {
            hash: "h1".into(),
            patch: KeyPatch {
                workspace_id: Some("u-staging".into()),
                ..KeyPatch::default()
            },
        }]
    );
}

#[test]
fn a_key_is_deleted_only_after_its_name_is_typed_exactly() {
    let mut app = keys_tab();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('x'));
    let name = app.tabs.keys.deleting.as_ref().unwrap().name.clone();
    assert_eq!(
        orws::tui::input::context(&app),
        Err(orws::tui::input::TextInput::KeyDeleteName)
    );
    assert_has(&draw(&app, 80, 24), &format!("Delete key \"{name}\""));
    // Typed text stays text: a digit is not a tab key, `x` not another delete.
    for c in "4x".chars() {
        assert_eq!(key(&mut app, KeyCode::Char(c)), vec![]);
    }
    assert_eq!(app.tabs.current, Tab::Keys);
    // Enter on anything but the name: no Review, nothing sent, the question stays.
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
    assert!(app.admin.is_none());
    assert_has(&app.status.as_ref().unwrap().text, "exactly");
    // Esc: nothing deleted, back on the list.
    key(&mut app, KeyCode::Esc);
    assert!(app.tabs.keys.deleting.is_none() && app.admin.is_none());
    assert_eq!(
        orws::tui::input::context(&app),
        Ok(orws::config::Scope::Keys)
    );
    // The name, exactly: the delete's Review (where Enter alone sends).
    key(&mut app, KeyCode::Char('x'));
    for c in name.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(key(&mut app, KeyCode::Enter), vec![], "nothing sent yet");
    assert!(matches!(
        app.admin.as_ref().unwrap().plan.requests.as_slice(),
        [AdminRequest::DeleteKey { .. }]
    ));
}

#[test]
fn x_reviews_a_delete_that_says_it_cannot_be_undone() {
    use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
    let mut app = keys_tab();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Delete);
    crate::support::tui_app::confirm_key_delete(&mut app);
    let write = app.admin.clone().unwrap();
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::DeleteKey { hash: "h2".into() }]
    );
    let text = draw(&app, 80, 24);
    assert_has(&text, "DELETE /keys/h2");
    assert_has(&text, "cannot be undone");
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Ok(vec![AdminAnswer::KeyDeleted(
        "h2".into(),
    )])));
    assert_eq!(app.tabs.keys.list().len(), 1);
    // A delete offers no undo: no `u` in the hints, `u` does nothing, the result says why.
    let text = draw(&app, 80, 24);
    assert_lacks(&text, "u undo");
    assert_has(&text, "cannot be brought back");
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    assert!(matches!(
        app.admin.as_ref().unwrap().phase,
        orws::tui::flow::Phase::Result(Ok(_))
    ));
}

fn members_data(default_id: Option<String>) -> orws::tui::screens::members_tab::MembersData {
    let id = common::production().id().to_string();
    let member = |u: &str| {
        serde_json::from_value(serde_json::json!({
            "id": format!("m-{u}"), "workspace_id": id, "user_id": u, "role": "member",
            "created_at": "2025-01-01T00:00:00Z",
        }))
        .unwrap()
    };
    let org = |(u, name): (&str, &str)| {
        serde_json::from_value(serde_json::json!({
            "id": u, "first_name": name, "email": format!("{}@example.com", name.to_lowercase()),
            "role": "org:member",
        }))
        .unwrap()
    };
    let mut key = keys_of(&id)[0].clone();
    key.creator_user_id = Some("u1".into());
    orws::tui::screens::members_tab::MembersData {
        members: vec![member("u1"), member("u2")],
        org: [
            ("u1", "Jane"),
            ("u2", "Bob"),
            ("u3", "Mei"),
            ("u4", "Max"),
            ("u5", "Priya"),
        ]
        .map(org)
        .to_vec(),
        keys: vec![key],
        default_id,
    }
}

fn members_tab(default_id: Option<String>) -> App {
    let mut app = form();
    let id = common::production().id().to_string();
    assert_eq!(
        key(&mut app, KeyCode::Char('3')),
        vec![Effect::LoadMembers(id.clone())]
    );
    app.update(Msg::MembersLoaded {
        workspace_id: id,
        result: Ok(members_data(default_id)),
    });
    app
}

#[test]
fn the_members_tab_joins_names_and_emails() {
    let app = members_tab(None);
    let text = draw(&app, 80, 24);
    assert_has(&text, "Jane");
    assert_has(&text, "jane@example.com");
    assert_has(&text, "member");
    assert!(
        !text.contains("Mei"),
        "only the workspace's members\n{text}"
    );
    let text = draw(&app, 60, 20);
    assert_has(&text, "Bob");
    assert_has(&text, "? help");
}

#[test]
fn a_filters_the_organisation_space_marks_several_and_s_reviews_the_exact_post() {
    use orws::tui::screens::admin_write::AdminRequest;
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char('a'));
    let text = draw(&app, 80, 24);
    assert_has(&text, "Mei");
    assert_has(&text, "Priya");
    // The filter takes text: m, a, x and s are letters there.
    key(&mut app, KeyCode::Char('/'));
    for c in "ma".chars() {
        assert_eq!(key(&mut app, KeyCode::Char(c)), vec![]);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tabs.members.candidates().len(), 1, "Max");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.tabs.members.candidates().len(), 3);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('s'));
    let write = app.admin.clone().unwrap();
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::AddMembers {
            workspace: common::production().id().to_string(),
            user_ids: vec!["u3".into(), "u4".into()],
        }]
    );
    let text = draw(&app, 80, 24);
    assert_has(&text, "/members/add");
    assert_has(&text, r#""u4""#);
    // Sent, the list is read again, and the choice (kept through the Review) is no longer
    // unsaved: its draft goes.
    key(&mut app, KeyCode::Enter);
    let effects = app.update(Msg::AdminSent(Ok(vec![
        orws::tui::screens::admin_write::AdminAnswer::MembersAdded(orws::write::request::Members(
            vec!["u3".into(), "u4".into()],
        )),
    ])));
    assert!(matches!(
        effects.as_slice(),
        [Effect::RecordWrite(r), Effect::LoadMembers(_), Effect::DeleteDraft { .. }]
            if r.kind == orws::state::history::Kind::Members
                && r.patch["requests"][0]["path"].as_str().is_some_and(|p| p.ends_with("/members/add"))
    ));
}

/// Issue 20 item 6: the members to add filter by name or email with `/` (`Esc` clears), and
/// `Enter` picks: the highlighted one (or the marked ones), as `s` does.
#[test]
fn the_members_to_add_filter_by_name_or_email_and_enter_picks() {
    use orws::tui::screens::admin_write::AdminRequest;
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "priya@");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tabs.members.candidates().len(), 1, "by email");
    assert!(app.admin.is_none(), "Enter in the filter applies it");
    key(&mut app, KeyCode::Enter);
    let write = app.admin.clone().expect("Enter picks");
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::AddMembers {
            workspace: common::production().id().to_string(),
            user_ids: vec!["u5".into()],
        }]
    );
}

#[test]
fn removing_a_member_with_keys_here_warns_of_r6_before_the_request() {
    use orws::tui::screens::admin_write::AdminRequest;
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('x'));
    let write = app.admin.clone().unwrap();
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::RemoveMembers {
            workspace: common::production().id().to_string(),
            user_ids: vec!["u1".into(), "u2".into()],
        }]
    );
    assert!(
        write.plan.notes[0].contains("Jane <jane@example.com>")
            && write.plan.notes[0].contains("Backend")
    );
    let text = draw(&app, 100, 30);
    assert_has(&text, "will refuse");
    // Issue 18 item 9: a destructive remove names the people, not only their ids.
    assert_has(&text, "Jane <jane@example.com> · u1");
    assert_has(&text, "Bob <bob@example.com> · u2");
    assert_has(&text, "FIELD");
    assert_has(&text, "BEFORE");
    assert_has(&text, "AFTER");
    // The undo re-adds them, and says the role may not come back.
    assert!(write.plan.notes.iter().any(|n| n.contains("admin role")));
}

/// A rule's number (`R6`) in what a person reads: never (product.md §15), its words instead.
fn rule_number(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(1))
        .find(|&i| {
            b[i] == b'R'
                && b[i + 1].is_ascii_digit()
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        })
        .map(|i| text[i..(i + 3).min(text.len())].to_string())
}

/// Issue 20 item 13 (product.md §15 "Known refusals"): a removal orws infers the server will
/// refuse (the member created active keys here, by `creator_user_id`) keeps Enter, and the
/// Review says in words, where Enter is offered, that it is expected to be refused; a delete
/// of a workspace that still holds keys (certain) offers no Enter and says why in words.
#[test]
fn a_refusal_orws_infers_keeps_enter_with_the_warning_and_a_certain_one_offers_none() {
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char('x'));
    let write = app.admin.clone().unwrap();
    assert!(write.plan.blocked.is_none(), "inferred: Enter stays");
    let text = draw(&app, 100, 30);
    assert_has(&text, "expected to refuse");
    assert_has(&text, "Enter sends it anyway");
    assert_has(&text, "Jane <jane@example.com>");
    assert_eq!(rule_number(&text), None, "{text}");
    assert!(matches!(
        key(&mut app, KeyCode::Enter).as_slice(),
        [Effect::AdminSend { .. }]
    ));
    // Bob created no key here: nothing to warn of.
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('x'));
    let text = draw(&app, 100, 30);
    assert_lacks(&text, "refuse");
    assert_has(&text, "Enter sends");
    // Certain: keys are still in the workspace to delete.
    let mut app = form();
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('D'));
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys_of(&id)),
    });
    typed(&mut app, "production");
    key(&mut app, KeyCode::Enter);
    let text = draw(&app, 100, 30);
    assert_has(&text, "a workspace with keys cannot be deleted");
    assert_has(&text, "Enter sends nothing");
    assert!(
        !text.contains("Enter send "),
        "no send in the hints\n{text}"
    );
    assert_eq!(rule_number(&text), None, "{text}");
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
}

#[test]
fn the_default_workspace_refuses_removal_before_any_request() {
    let mut app = members_tab(Some(common::production().id().to_string()));
    assert_eq!(key(&mut app, KeyCode::Char('x')), vec![]);
    assert!(app.admin.is_none());
    let status = app.status.clone().unwrap().text;
    assert_has(&status, "default workspace");
    assert_has(&status, "SCIM");
}

#[test]
fn the_members_header_lines_up_and_the_move_note_is_read_whole() {
    let app = members_tab(None);
    let text = draw(&app, 80, 24);
    let col = |needle: &str| {
        let line = text.lines().find(|l| l.contains(needle)).unwrap();
        line.chars()
            .take_while(|_| true)
            .collect::<String>()
            .find(needle)
            .map(|b| line[..b].chars().count())
    };
    assert_eq!(col("Name"), col("Jane"), "{text}");
    let mut app = keys_tab();
    key(&mut app, KeyCode::Char('m'));
    let text = draw(&app, 80, 24);
    assert!(
        text.contains("routing rules"),
        "R5 is not cut short\n{text}"
    );
}

fn picker() -> App {
    let (mut app, _) = App::new("h", None);
    app.update(Msg::ListLoaded(Ok(vec![common::production()])));
    app
}

#[test]
fn n_creates_the_slug_follows_the_name_until_edited_and_s_reviews_the_exact_post() {
    use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
    let mut app = picker();
    key(&mut app, KeyCode::Char('n'));
    // Letters are text here: q and s neither quit nor review.
    typed(&mut app, "My Team qs");
    assert!(!app.quit && app.admin.is_none());
    let form = app.create.clone().unwrap();
    assert_eq!(form.slug, "my-team-qs");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "!");
    let form = app.create.clone().unwrap();
    assert_eq!(form.slug, "my-team", "an edited slug no longer follows");
    key(&mut app, KeyCode::Enter);
    // Esc hides the form and keeps it; n brings it back.
    key(&mut app, KeyCode::Esc);
    assert!(!app.create.as_ref().unwrap().open);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.create.as_ref().unwrap().name, "My Team qs!");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    let write = app.admin.clone().unwrap();
    let mut body = serde_json::Map::new();
    body.insert("name".into(), serde_json::json!("My Team qs!"));
    body.insert("slug".into(), serde_json::json!("my-team"));
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::CreateWorkspace { body: body.clone() }]
    );
    let text = draw(&app, 80, 24);
    assert_has(&text, "POST /workspaces");
    assert_has(&text, r#""slug": "my-team""#);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::AdminSend {
            requests: vec![AdminRequest::CreateWorkspace { body }],
            workspace: None,
            key_in: None,
            base: None,
        }]
    );
    let created = orws::workspace::Workspace::from_json(
        serde_json::json!({"id": "new-id", "name": "My Team qs!", "slug": "my-team"}),
    )
    .unwrap();
    // Landed: the typing is no longer unsaved, and its draft goes at once (a kill on the
    // result must not leave it to be offered, and sent, again).
    let effects = app.update(Msg::AdminSent(Ok(vec![AdminAnswer::Created(Box::new(
        created,
    ))])));
    assert!(
        effects.contains(&Effect::DeleteDraft {
            workspace_id: orws::state::drafts::NEW_WORKSPACE.into()
        }),
        "{effects:?}"
    );
    assert_eq!(app.unsaved_on_leave(true), 0);
    assert!(draw(&app, 80, 24).contains("created My Team qs! (my-team)"));
    // It opens like any other workspace.
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::LoadWorkspace("new-id".into())]
    );
    assert!(app.create.is_none());
}

#[test]
fn a_create_without_a_name_is_not_reviewed_and_says_why() {
    let mut app = picker();
    key(&mut app, KeyCode::Char('n'));
    // Before anything is typed, an empty field is no error yet (issue 20 polish).
    let text = draw(&app, 60, 20);
    assert_lacks(&text, "✗");
    assert_has(&text, "required");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(app.admin.is_none());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("name is required")
    );
    let text = draw(&app, 60, 20);
    assert_has(&text, "name is required");
}

#[test]
fn d_guides_the_delete_only_the_exact_slug_reviews_and_the_default_needs_its_own_yes() {
    use orws::tui::screens::admin_write::{AdminAnswer, AdminRequest};
    let mut app = form();
    let id = common::production().id().to_string();
    let effects = key(&mut app, KeyCode::Char('D'));
    assert_eq!(
        effects,
        vec![
            Effect::LoadKeys(id.clone()),
            Effect::LoadDefault(id.clone())
        ]
    );
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys_of(&id)),
    });
    let text = draw(&app, 80, 24);
    assert!(text.contains("budgets and guardrails"), "R2\n{text}");
    assert!(
        text.contains("2 API key(s) in it block the delete") && text.contains("Backend"),
        "R1\n{text}"
    );
    // Letters are the slug here; only the exact slug goes on.
    typed(&mut app, "productio");
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
    assert!(app.admin.is_none());
    typed(&mut app, "n");
    app.update(Msg::DefaultLoaded {
        workspace_id: id.clone(),
        result: Ok(Some(id.clone())),
    });
    key(&mut app, KeyCode::Enter);
    assert!(
        app.admin.is_none(),
        "the default needs its own confirmation"
    );
    let text = draw(&app, 100, 30);
    assert!(text.contains("unscoped inference"), "R3\n{text}");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('i'));
    key(&mut app, KeyCode::Enter);
    let write = app.admin.clone().unwrap();
    assert_eq!(
        write.plan.requests,
        vec![AdminRequest::DeleteWorkspace {
            id: id.clone(),
            confirm_default: true
        }]
    );
    let text = draw(&app, 100, 30);
    assert_has(
        &text,
        &format!("DELETE /workspaces/{id}?confirm_default_workspace_deletion=true"),
    );
    assert_has(&text, "cannot be undone");
    // Keys are still in it: a refusal orws is certain of, so the Review offers no Enter
    // (product.md §15 "Known refusals"), and Enter sends nothing.
    assert_has(&text, "Enter sends nothing");
    assert_lacks(&text, "Enter send ");
    assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
    assert!(app.status.as_ref().unwrap().text.contains("Nothing sent"));
    // Once they are gone (as if moved meanwhile and the review made again), it sends.
    app.admin.as_mut().unwrap().plan.blocked = None;
    assert!(matches!(
        key(&mut app, KeyCode::Enter).as_slice(),
        [Effect::AdminSend { .. }]
    ));
    app.update(Msg::AdminSent(Ok(vec![AdminAnswer::WorkspaceDeleted])));
    // No undo is offered for a delete, and `u` sends nothing nor reopens the delete.
    let text = draw(&app, 80, 24);
    assert_lacks(&text, "u undo");
    assert_has(&text, "cannot be brought back");
    assert_eq!(key(&mut app, KeyCode::Char('u')), vec![]);
    assert!(
        key(&mut app, KeyCode::Enter)
            .iter()
            .all(|e| !matches!(e, Effect::AdminSend { .. }))
    );
}

/// Issue 20 item 12: "type the slug exactly" goes once the slug is right and is not carried
/// into the Review and the Result; the default workspace's confirmation shows, and `Space`
/// toggles it, only once the slug is right and the input has let go (`Space` while typing is
/// the slug's).
#[test]
fn the_delete_says_type_the_slug_only_until_it_is_right_and_confirms_the_default_after() {
    use orws::tui::screens::admin_write::AdminAnswer;
    let mut app = form();
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('D'));
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(vec![]),
    });
    app.update(Msg::DefaultLoaded {
        workspace_id: id.clone(),
        result: Ok(Some(id.clone())),
    });
    let slug_warning = |app: &App| {
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("slug exactly"))
    };
    typed(&mut app, "prod");
    key(&mut app, KeyCode::Enter);
    assert!(slug_warning(&app));
    let text = draw(&app, 100, 30);
    assert!(!text.contains("I understand"), "not while typing\n{text}");
    // Space while the input has the focus is the slug's, not the confirmation's.
    key(&mut app, KeyCode::Char(' '));
    assert!(!app.delete.as_ref().unwrap().confirm_default);
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "uction");
    assert!(!slug_warning(&app), "the slug is right now");
    let text = draw(&app, 100, 30);
    assert!(!text.contains("I understand"), "still typing\n{text}");
    assert_lacks(&text, "slug exactly");
    key(&mut app, KeyCode::Enter);
    assert!(app.admin.is_none(), "the default needs its own yes");
    let text = draw(&app, 100, 30);
    assert_has(&text, "[ ] Space: I understand");
    key(&mut app, KeyCode::Char(' '));
    assert!(draw(&app, 100, 30).contains("[x] Space: I understand"));
    key(&mut app, KeyCode::Enter);
    assert!(
        app.admin.is_some(),
        "Enter reviews once the slug and the yes are given"
    );
    let text = draw(&app, 100, 30);
    assert_lacks(&text, "slug exactly");
    assert_lacks(&text, "Space confirms");
    key(&mut app, KeyCode::Enter);
    app.update(Msg::AdminSent(Ok(vec![AdminAnswer::WorkspaceDeleted])));
    let text = draw(&app, 100, 30);
    assert_lacks(&text, "slug exactly");
}

/// Before the slug is right, `Space` off the input confirms nothing and the box is not shown.
#[test]
fn space_confirms_the_default_delete_only_after_the_right_slug() {
    let mut app = form();
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('D'));
    app.update(Msg::DefaultLoaded {
        workspace_id: id.clone(),
        result: Ok(Some(id)),
    });
    typed(&mut app, "prod");
    key(&mut app, KeyCode::Esc);
    assert!(!app.delete.as_ref().unwrap().typing);
    key(&mut app, KeyCode::Char(' '));
    assert!(!app.delete.as_ref().unwrap().confirm_default);
    let text = draw(&app, 100, 30);
    assert_lacks(&text, "I understand");
}

#[test]
fn a_refused_delete_is_explained_and_the_flow_stays() {
    let mut app = form();
    key(&mut app, KeyCode::Char('D'));
    typed(&mut app, "production");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let refusal = ApiError::BadRequest {
        message: "Workspace has 4 API key(s); workspaces with active API keys cannot be deleted"
            .into(),
        field: None,
    };
    let delete = AdminRequest::DeleteWorkspace {
        id: common::production().id().to_string(),
        confirm_default: false,
    };
    app.update(Msg::AdminSent(Err(AdminFailure::single(
        delete,
        Why::Refused(refusal),
    ))));
    let text = draw(&app, 100, 30);
    assert_has(&text, "move each key");
    key(&mut app, KeyCode::Esc);
    assert!(app.delete.is_some() && matches!(app.screen, Screen::Form));
}

#[test]
fn d_in_the_picker_opens_the_workspace_then_the_guided_delete() {
    let mut app = picker();
    assert_eq!(
        key(&mut app, KeyCode::Char('D')),
        vec![Effect::LoadWorkspace(common::production().id().to_string())]
    );
    let effects = app.update(app.loaded(Ok(common::production())));
    assert!(effects.iter().any(|e| matches!(e, Effect::LoadDefault(_))));
    assert!(app.delete.is_some());
}

#[test]
fn a_key_delete_is_recorded_as_a_delete_of_that_key_with_its_exact_request() {
    use orws::state::history::{HistoryEntry, Kind};
    use orws::tui::screens::admin_write::{AdminRequest, write_record};
    let r = write_record(
        "ws".into(),
        &[AdminRequest::DeleteKey { hash: "h1".into() }],
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!((r.kind, r.target.as_deref()), (Kind::Delete, Some("h1")));
    let entry = HistoryEntry::admin(
        r.kind,
        "h",
        &r.workspace_id,
        r.target,
        r.patch,
        r.before,
        r.after,
    );
    let line = serde_json::to_value(&entry).unwrap();
    assert_eq!(line["kind"], "delete");
    assert_eq!(line["target"], "h1");
    assert_eq!(line["patch"]["requests"][0]["method"], "DELETE");
    assert_eq!(line["patch"]["requests"][0]["path"], "/keys/h1");
    let back: HistoryEntry = serde_json::from_value(line).unwrap();
    assert_eq!(back.kind, Kind::Delete);
}

#[test]
fn the_guided_delete_says_so_in_the_bar_and_its_key_advice_is_read_whole_at_60x20() {
    let mut app = form();
    key(&mut app, KeyCode::Char('D'));
    let id = common::production().id().to_string();
    app.update(Msg::KeysLoaded {
        workspace_id: id.clone(),
        result: Ok(keys_of(&id)),
    });
    let text = draw(&app, 60, 20);
    assert_has(&text, "x deletes each");
    assert!(
        !text.contains("0 changes"),
        "the form's counts are not the delete's\n{text}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(draw(&app, 60, 20).contains("DELETE"));
}

fn disable_hash(r: &orws::tui::screens::admin_write::AdminRequest) -> Option<&str> {
    match r {
        orws::tui::screens::admin_write::AdminRequest::PatchKey { hash, .. } => Some(hash),
        _ => None,
    }
}

/// Was: `q` with a half-typed new workspace quit at once and lost it, then it asked and
/// offered only discard. Now it asks and keeps it as a draft: `Esc`/`n` stay with the text
/// kept, `y` keeps the draft and quits, `d` discards it and quits.
#[test]
fn quitting_with_a_half_typed_new_workspace_asks_first() {
    let mut app = picker();
    key(&mut app, KeyCode::Char('n'));
    typed(&mut app, "My Te");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.unsaved_on_leave(true), 1);
    assert_eq!(
        app.unsaved(),
        0,
        "the form's reset-all count is not touched"
    );
    for stay in [KeyCode::Esc, KeyCode::Char('n')] {
        assert_eq!(key(&mut app, KeyCode::Char('q')), vec![]);
        assert!(matches!(
            app.overlay,
            Some(Overlay::ConfirmLeave { quit: true })
        ));
        let shown = draw(&app, 80, 24);
        assert_has(&shown, "quit and keep the draft");
        key(&mut app, stay);
        assert!(app.overlay.is_none() && !app.quit);
        assert_eq!(app.create.as_ref().unwrap().name, "My Te");
    }
    // Hidden with Esc, the picker's q asks too.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('q'));
    assert!(matches!(
        app.overlay,
        Some(Overlay::ConfirmLeave { quit: true })
    ));
    assert_eq!(
        key(&mut app, KeyCode::Char('d')),
        vec![
            Effect::Quit,
            Effect::DeleteDraft {
                workspace_id: orws::state::drafts::NEW_WORKSPACE.into()
            }
        ]
    );
    assert!(app.quit);
    assert!(app.drafts_now().is_empty(), "nothing left to keep");
}

#[test]
fn quitting_with_an_empty_create_form_does_not_ask() {
    let mut app = picker();
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
}

/// The people chosen to add are a selection the quit question counts and the draft keeps; a
/// restored draft puts them back once the Members tab has loaded (issue 20 item 1).
#[test]
fn a_member_selection_is_kept_in_the_draft_and_restored_when_the_tab_loads() {
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char('a'));
    let effects = key(&mut app, KeyCode::Char(' '));
    let [Effect::SaveDraft(draft)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let chosen = app.tabs.members.adding.as_ref().unwrap().chosen.clone();
    assert_eq!(chosen.len(), 1);
    assert_eq!(app.unsaved(), 1);
    assert_eq!(
        draft.tabs["members"].edits["add"],
        serde_json::json!(chosen.iter().collect::<Vec<_>>())
    );

    let mut app = form();
    app.update(Msg::DraftLoaded(Ok(Some(draft.clone()))));
    assert_has(&draw(&app, 100, 30), "Members: 1 to add");
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.unsaved(), 1, "waiting for its tab, still counted");
    let id = common::production().id().to_string();
    key(&mut app, KeyCode::Char('3'));
    app.update(Msg::MembersLoaded {
        workspace_id: id,
        result: Ok(members_data(None)),
    });
    assert_eq!(app.tabs.members.adding.as_ref().unwrap().chosen, chosen);
    assert_has(
        &app.status.clone().unwrap().text,
        "Members: the draft's edits are back",
    );
}

/// Was: `Esc` in the add list dropped the people marked, with no question (and their draft).
/// Now they are kept: counted, in the draft, and `a` opens the list on them again; a Review
/// left with Esc keeps them too.
#[test]
fn closing_the_add_list_keeps_who_was_chosen() {
    let mut app = members_tab(None);
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    let chosen = app.tabs.members.adding.as_ref().unwrap().chosen.clone();
    assert_eq!(chosen.len(), 2);
    let effects = key(&mut app, KeyCode::Esc);
    assert!(app.tabs.members.adding.is_none());
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteDraft { .. })),
        "{effects:?}"
    );
    assert_eq!(app.unsaved(), 2);
    assert_has(&app.status.clone().unwrap().text, "2 chosen to add, kept");
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.tabs.members.adding.as_ref().unwrap().chosen, chosen);
    // Reviewed, then left: still chosen.
    key(&mut app, KeyCode::Char('s'));
    assert!(app.admin.is_some());
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.unsaved(), 2);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.tabs.members.adding.as_ref().unwrap().chosen, chosen);
}

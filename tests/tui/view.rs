//! `view::draw` snapshots: every screen at 80×24 and 120×40 (and the too-small notice), app
//! states built through the public API (`App::new`, then messages and keys through `update`).
//! One snapshot keeps the styles (the buffer's Debug); one test checks that `--no-color` leaves
//! every cell without a colour.

use crate::support::common;
use crate::support::common::{assert_has, assert_lacks};
use crate::support::tui_app::{key, typed};
use common::production;

use crossterm::event::KeyCode;
use orws::api::{ApiError, ModelSummary};
use orws::catalog::Catalog;
use orws::tui::app::{App, Msg, Overlay, Screen, SubmitOutcome};
use orws::tui::test_host::buffer_text;
use orws::tui::theme::Theme;
use orws::tui::view;
use orws::workspace::{Change, PatchBody, Workspace, check_conflicts};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use serde_json::{Map, json};
use std::time::Duration;

const HOST: &str = "openrouter.ai";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

// ---- workspaces -------------------------------------------------------------------------

/// A newer server's workspace: disabled_server_tools (with a tool orws does not know), a
/// sampling rate below 1, key ids, and a field orws has never heard of.
fn staging() -> Workspace {
    Workspace::from_json(json!({
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "name": "Staging",
        "slug": "staging",
        "description": null,
        "default_text_model": "anthropic/claude-sonnet-4",
        "default_image_model": null,
        "default_provider_sort": null,
        "io_logging_sampling_rate": 0.25,
        "io_logging_api_key_ids": [12, 40],
        "is_data_discount_logging_enabled": false,
        "is_observability_broadcast_enabled": true,
        "is_observability_io_logging_enabled": true,
        "disabled_server_tools": ["openrouter:web_search", "acme:internal_tool"],
        "default_guardrail_id": null,
        "include_byok_in_budgets": true,
        "created_at": "2025-09-01T09:00:00Z",
        "created_by": "user_def456",
        "updated_at": "2026-11-02T17:20:00Z",
        "region_pinning": {"mode": "eu", "strict": true}
    }))
    .unwrap()
}

fn small(i: usize, name: &str, slug: &str, updated: &str) -> Workspace {
    Workspace::from_json(json!({
        "id": format!("00000000-0000-4000-8000-{i:012}"),
        "name": name,
        "slug": slug,
        "updated_at": updated,
    }))
    .unwrap()
}

/// Fourteen workspaces, three of which match `prod`.
fn list() -> Vec<Workspace> {
    let mut list = vec![production(), staging()];
    let more = [
        ("Default", "default", "2025-03-02T08:00:00Z"),
        (
            "Product Research",
            "product-research",
            "2026-10-11T12:00:00Z",
        ),
        ("EU Prod", "prod-eu", "2026-09-30T23:59:00Z"),
        ("Development", "development", "2026-11-20T10:15:00Z"),
        ("Data Science", "data-science", "2026-07-14T08:30:00Z"),
        ("Marketing", "marketing", "2026-05-05T05:05:00Z"),
        (
            "Customer Support Bots",
            "support-bots",
            "2026-08-01T16:45:00Z",
        ),
        ("Internal Tools", "internal-tools", "2026-06-21T11:11:00Z"),
        ("Evaluations", "evals", "2026-11-27T19:00:00Z"),
        ("Sandbox", "sandbox", "2026-01-01T00:00:00Z"),
        ("Mobile App", "mobile", "2026-04-18T14:20:00Z"),
        ("Partners", "partners", "2026-03-03T03:03:00Z"),
    ];
    for (i, (name, slug, updated)) in more.into_iter().enumerate() {
        list.push(small(i + 1, name, slug, updated));
    }
    list
}

// ---- driving the app --------------------------------------------------------------------

fn picker_app() -> App {
    let (mut app, _) = App::new(HOST, None);
    app.update(Msg::ListLoaded(Ok(list())));
    app
}

fn form_on(ws: Workspace) -> App {
    let (mut app, _) = App::new(HOST, Some(ws.slug().to_string()));
    app.update(app.loaded(Ok(ws)));
    assert!(matches!(app.screen, Screen::Form));
    app
}

/// Name edited to "Production 2"; slug typed as `_` (invalid), focus on the slug.
fn invalid_app() -> App {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    for _ in 0.."production".len() {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "_");
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.focused().spec.name, "slug");
    assert!(form.focused().error().is_some());
    app
}

/// Name and description edited, in browse mode.
fn edited_app() -> App {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " (EU and US)");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('u'));
    // `u` undid the description's edit: edit it again, then leave it modified.
    key(&mut app, KeyCode::Enter);
    typed(&mut app, ", main account");
    key(&mut app, KeyCode::Esc);
    app
}

fn review_app() -> App {
    let mut app = edited_app();
    key(&mut app, KeyCode::Char('s'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    app
}

fn submitting_app(sending: bool) -> App {
    let mut app = review_app();
    key(&mut app, KeyCode::Enter);
    if sending {
        app.update(Msg::SubmitSending);
    }
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Sending));
    app.elapsed = Duration::from_millis(1240);
    app.frame = 3;
    app
}

fn result_app() -> App {
    let mut app = submitting_app(true);
    let before = production();
    let mut after = production();
    let long = "Production environment workspace for the customer-facing apps; \
                changes go through review first";
    after.set("name", json!("Production 2"));
    after.set("slug", json!("production-2"));
    after.set("description", json!(long));
    after.set("updated_at", json!("2026-11-29T10:00:00Z"));
    let mut fields = Map::new();
    fields.insert("name".into(), json!("Production 2"));
    fields.insert("slug".into(), json!("prod-2"));
    fields.insert("description".into(), json!(long));
    app.update(Msg::Written(orws::submit::WriteOutcome::applied(
        SubmitOutcome {
            before,
            after,
            patch: PatchBody::from_fields(fields),
            remote_changes: vec![Change {
                field: "default_provider_sort".into(),
                before: Some(json!("throughput")),
                after: Some(json!("price")),
            }],
        },
    )));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    app
}

fn conflict_app() -> App {
    let mut app = submitting_app(false);
    let mut server = production();
    server.set("name", json!("Renamed Elsewhere"));
    server.set("default_provider_sort", json!("latency"));
    server.set("updated_at", json!("2026-11-29T09:59:00Z"));
    let patch = app.form.as_ref().unwrap().patch();
    let report = check_conflicts(&production(), &server, &patch);
    app.update(Msg::SubmitConflict { server, report });
    assert!(app.conflict_view().is_some());
    app
}

fn catalog() -> Catalog {
    let m = |id: &str, name: &str| ModelSummary {
        id: id.into(),
        name: name.into(),
    };
    Catalog {
        text: vec![
            m("openai/gpt-4o", "OpenAI: GPT-4o"),
            m("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini"),
            m("openai/gpt-4.1", "OpenAI: GPT-4.1"),
            m("anthropic/claude-sonnet-4", "Anthropic: Claude Sonnet 4"),
        ],
        image: vec![m("openai/dall-e-3", "OpenAI: DALL-E 3")],
    }
}

// ---- rendering --------------------------------------------------------------------------

fn buffer(app: &App, (w, h): (u16, u16), color: bool) -> Buffer {
    crate::support::tui_app::buffer(app, w, h, color)
}

fn screen(app: &App, size: (u16, u16)) -> String {
    buffer_text(&buffer(app, size, false))
}

/// Snapshots the app at 80×24 and 120×40.
fn snap(name: &str, app: &App) {
    for size in SIZES {
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen(app, size));
    }
}

// ---- the screens ------------------------------------------------------------------------

#[test]
fn picker_loaded() {
    snap("picker", &picker_app());
}

#[test]
fn picker_filtered() {
    let mut app = picker_app();
    typed(&mut app, "/prod");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.picker.matches().len(), 3);
    snap("picker_filtering", &app);
    // Enter would open; Esc clears. With the filter kept but not typing:
    let (mut app, _) = App::new(HOST, None);
    app.update(Msg::ListLoaded(Ok(list())));
    app.picker.filter = "prod".into();
    snap("picker_filtered", &app);
}

#[test]
fn picker_loading() {
    let (mut app, _) = App::new(HOST, None);
    app.frame = 3;
    snap("picker_loading", &app);
}

#[test]
fn opening_a_workspace() {
    let (mut app, _) = App::new(HOST, Some("production".into()));
    app.elapsed = Duration::from_millis(400);
    app.frame = 5;
    snap("loading", &app);
}

#[test]
fn loading_error() {
    let (mut app, _) = App::new(HOST, Some("prod".into()));
    app.update(app.loaded(Err(ApiError::NotFound {
        what: "workspace prod".into(),
    })));
    snap("loading_error", &app);
}

#[test]
fn form_clean() {
    snap("form_clean", &form_on(production()));
}

#[test]
fn form_clean_newer_server() {
    snap("form_staging", &form_on(staging()));
}

#[test]
fn form_modified_and_invalid() {
    snap("form_invalid", &invalid_app());
}

#[test]
fn form_editing() {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Enter);
    typed(&mut app, " 2");
    assert!(app.form.as_ref().unwrap().is_editing());
    snap("form_editing", &app);
}

#[test]
fn form_editing_the_description() {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "Second line.");
    snap("form_editing_description", &app);
}

#[test]
fn form_model_suggestions() {
    let mut app = form_on(production());
    app.update(Msg::CatalogLoaded(Ok(catalog())));
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    for _ in 0.."gpt-4o".len() {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Down);
    assert!(!app.form.as_ref().unwrap().suggestions().is_empty());
    snap("form_suggestions", &app);
}

#[test]
fn form_checklist() {
    let mut app = form_on(staging());
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    assert!(matches!(
        app.form.as_ref().unwrap().mode,
        orws::tui::screens::form::Mode::Checklist { cursor: 2, .. }
    ));
    snap("form_checklist", &app);
}

#[test]
fn review() {
    snap("review", &review_app());
}

#[test]
fn submitting() {
    snap("submitting", &submitting_app(false));
    insta::assert_snapshot!(
        "submitting_sending_80x24",
        screen(&submitting_app(true), (80, 24))
    );
}

#[test]
fn result() {
    snap("result", &result_app());
}

#[test]
fn conflict() {
    snap("conflict", &conflict_app());
}

#[test]
fn help_overlay() {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.overlay, Some(Overlay::Help));
    snap("help_form", &app);
    let mut app = picker_app();
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_picker_80x24", screen(&app, (80, 24)));
}

#[test]
fn quit_confirm_overlay() {
    let mut app = edited_app();
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    snap("confirm_quit", &app);
}

#[test]
fn restore_draft_overlay() {
    let draft = edited_app().form.as_ref().unwrap().draft(HOST).unwrap();
    let mut app = form_on(production());
    app.update(Msg::DraftLoaded(Ok(Some(draft))));
    assert_eq!(app.overlay, Some(Overlay::RestoreDraft));
    insta::assert_snapshot!("confirm_restore_draft_80x24", screen(&app, (80, 24)));
}

#[test]
fn reset_all_confirm_overlay() {
    let mut app = edited_app();
    key(&mut app, KeyCode::Char('X'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmResetAll));
    insta::assert_snapshot!("confirm_reset_all_80x24", screen(&app, (80, 24)));
}

#[test]
fn an_untouched_value_that_breaks_a_rule_is_marked_as_a_warning() {
    let mut ws = production();
    ws.set("description", json!("x".repeat(501)));
    let mut app = form_on(ws);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    insta::assert_snapshot!("form_untouched_breach_80x24", screen(&app, (80, 24)));
}

#[test]
fn revert_review() {
    let mut app = result_app();
    key(&mut app, KeyCode::Char('u'));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
    insta::assert_snapshot!("revert_review_80x24", screen(&app, (80, 24)));
}

#[test]
fn error_status() {
    let mut app = submitting_app(true);
    // A 500 to the PATCH, and the server read again shows it was not applied.
    app.update(Msg::Written(orws::submit::WriteOutcome::NotApplied {
        error: ApiError::Server {
            status: 500,
            message: "internal error".into(),
        },
        checked: Some("checked the server: the change was not applied".into()),
        server: None,
    }));
    assert!(matches!(app.screen, Screen::Form));
    snap("error_status", &app);
}

#[test]
fn too_small() {
    let app = form_on(production());
    let text = screen(&app, (59, 19));
    assert!(text.contains("Terminal too small: need at least 60×20, have 59×19"));
    insta::assert_snapshot!("too_small_59x19", text);
}

#[test]
fn a_popup_over_the_list_lets_none_of_it_show_beside_it() {
    let mut app = picker_app();
    key(&mut app, KeyCode::Char('n'));
    let text = screen(&app, (100, 30));
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("▶ Name")).collect();
    assert_eq!(rows.len(), 1, "{text}");
    // Border to border: the panel's, a blank, the popup's — on both sides, no list text.
    assert!(rows[0].starts_with("│ │▶ Name"), "{}", rows[0]);
    assert!(rows[0].trim_end().ends_with("│ │"), "{}", rows[0]);
}

#[test]
fn the_too_small_notice_wraps_and_offers_no_draft_where_none_would_be_kept() {
    // Narrower than its sentence: wrapped, every word there (it was cut with "…").
    let app = form_on(production());
    let text = screen(&app, (30, 12));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("need at least 60×20, have 30×12"), "{text}");
    assert!(
        flat.contains("Enlarge the window to continue (q/Ctrl-C quits)."),
        "{text}"
    );
    assert!(!text.contains('…'), "{text}");
    // Quitting the demo with edits: no draft outlives it, so only discard and stay.
    let mut app = edited_app();
    app.demo = true;
    key(&mut app, KeyCode::Char('q'));
    let text = screen(&app, (59, 19));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Quit? d discard · n/Esc stay"), "{text}");
    assert!(!flat.contains("keep draft"), "{text}");
    // Outside the demo the draft is offered.
    let mut app = edited_app();
    key(&mut app, KeyCode::Char('q'));
    let flat = screen(&app, (59, 19))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("Quit? k/y keep draft"), "{flat}");
}

#[test]
fn styles_of_an_invalid_field() {
    let buf = buffer(&invalid_app(), (80, 24), true);
    insta::assert_snapshot!("form_invalid_styles_80x24", format!("{buf:?}"));
}

#[test]
fn no_color_means_no_colour_anywhere() {
    let mut apps = vec![
        picker_app(),
        form_on(production()),
        form_on(staging()),
        invalid_app(),
        review_app(),
        submitting_app(true),
        result_app(),
        conflict_app(),
    ];
    let mut help = form_on(production());
    key(&mut help, KeyCode::Char('?'));
    apps.push(help);
    let mut editing = form_on(production());
    key(&mut editing, KeyCode::Enter);
    apps.push(editing);
    let mut checklist = form_on(staging());
    key(&mut checklist, KeyCode::Char('G'));
    key(&mut checklist, KeyCode::Char(' '));
    apps.push(checklist);
    for app in &apps {
        for size in SIZES {
            let buf = buffer(app, size, false);
            for (i, cell) in buf.content().iter().enumerate() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "cell {i} ({:?}) of {:?} at {size:?} has a colour: {cell:?}",
                    cell.symbol(),
                    app.screen
                );
            }
        }
    }
    // With colour on, colours are used (the check above can fail).
    let buf = buffer(&invalid_app(), (80, 24), true);
    assert!(buf.content().iter().any(|c| c.fg != Color::Reset));
}

/// A drawing depends on the app's state alone: the same state, built twice, draws the same
/// cells (symbols and styles, with and without colour) at each size, on a fresh terminal and
/// on one that showed every other screen before it, and again a moment later.
#[test]
fn drawing_is_deterministic() {
    type Build = fn() -> App;
    let screens: [(&str, Build); 9] = [
        ("picker", picker_app),
        ("form", || form_on(production())),
        ("newer server form", || form_on(staging())),
        ("invalid form", invalid_app),
        ("edited form", edited_app),
        ("review", review_app),
        ("submitting", || submitting_app(true)),
        ("result", result_app),
        ("conflict", conflict_app),
    ];
    for color in [false, true] {
        for size in [(60, 20), (80, 24), (120, 40)] {
            let mut reused = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
            for (name, build) in screens {
                let first = buffer(&build(), size, color);
                std::thread::sleep(Duration::from_millis(2));
                let again = buffer(&build(), size, color);
                assert_eq!(
                    first, again,
                    "{name} at {size:?}, colour {color}: drawn twice"
                );
                reused
                    .draw(|frame| view::draw(frame, &build(), &Theme::new(color)))
                    .unwrap();
                assert_eq!(
                    reused.backend().buffer(),
                    &first,
                    "{name} at {size:?}, colour {color}: drawn after other screens"
                );
            }
        }
    }
}

/// The Conflict screen says exactly what m, t and Esc do, for each way it was found, and the
/// keys do that: after a submit `m` rebases and returns to the Review (it sends nothing); after
/// a restored draft or a re-read, `m` and `t` go back to the form.
#[test]
fn the_conflict_text_says_what_m_t_and_esc_do() {
    use orws::tui::app::ConflictFound;
    use orws::tui::screens::conflict::view::explanation;
    for found in [
        ConflictFound::Submitting,
        ConflictFound::RestoringDraft,
        ConflictFound::Rereading,
    ] {
        let mut app = conflict_app();
        // A submit's conflict is its write flow's; the others are the Conflict screen.
        if found != ConflictFound::Submitting {
            let mut v = app.conflict_view().unwrap().clone();
            v.found = found;
            app.screen = Screen::Conflict(v);
        }
        let Some(v) = app.conflict_view() else {
            unreachable!()
        };
        let text = explanation(app.form.as_ref().unwrap(), v);
        assert_lacks(&text, "sends yours anyway");
        let shown = screen(&app, (120, 40)).replace(['│', '\n'], " ");
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_has(&shown, "t takes theirs");
        key(&mut app, KeyCode::Char('m'));
        match found {
            ConflictFound::Submitting => {
                assert_has(
                    &text,
                    "m puts your values on top of theirs and shows the review again",
                );
                assert_has(&text, "Esc goes back to the form");
                assert!(app.settings_write() == Some(orws::tui::flow::Shown::Review));
            }
            ConflictFound::RestoringDraft => {
                assert_has(&text, "m or Esc keeps your draft's values");
                assert_has(&text, "nothing is sent until you review");
                assert!(matches!(app.screen, Screen::Form));
            }
            ConflictFound::Rereading => {
                assert_has(&text, "m keeps your values on top of the server's");
                assert_has(&text, "Esc goes back without taking the re-read in");
                assert!(matches!(app.screen, Screen::Form));
            }
        }
    }
}

/// A PATCH of two fields of which one landed: the Result counts both, and what landed.
#[test]
fn a_partly_applied_result_counts_sent_and_landed() {
    use orws::submit::{Applied, WriteOutcome};
    let mut app = submitting_app(true);
    let before = production();
    let mut after = production();
    after.set("name", json!("Production 2"));
    let mut landed = Map::new();
    landed.insert("name".into(), json!("Production 2"));
    app.update(Msg::Written(WriteOutcome::PartlyApplied {
        applied: Box::new(Applied {
            mismatches: vec![],
            outcome: SubmitOutcome {
                before,
                after,
                patch: PatchBody::from_fields(landed),
                remote_changes: vec![],
            },
            notes: vec![],
            after_all: true,
        }),
        missing: vec!["description".into()],
        error: ApiError::Timeout { secs: 3 },
    }));
    assert!(app.settings_write() == Some(orws::tui::flow::Shown::Result));
    let shown = screen(&app, (120, 40));
    assert_has(&shown, "Partly applied · 2 fields sent · 1 landed");
}

/// A null key-id list opens an empty editor that says what empty means (dimmed, not text):
/// leaving it empty keeps null ("all keys"); `[]` means no keys.
#[test]
fn a_null_field_opens_with_a_placeholder_that_keeps_it_null() {
    let mut app = form_on(production());
    for _ in 0..20 {
        if app.form.as_ref().unwrap().focused().spec.name == "io_logging_api_key_ids" {
            break;
        }
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(
        app.form.as_ref().unwrap().focused().spec.name,
        "io_logging_api_key_ids"
    );
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app, (120, 40));
    assert_has(&shown, "all keys (null)");
    assert_has(&shown, "all keys (null); [] = no keys");
    key(&mut app, KeyCode::Esc);
    let form = app.form.as_ref().unwrap();
    assert!(form.patch().is_empty(), "leaving it empty keeps null");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "[]");
    key(&mut app, KeyCode::Esc);
    let patch = app.form.as_ref().unwrap().patch();
    assert_eq!(patch.fields()["io_logging_api_key_ids"], json!([]));
}

/// The compact layout at 60×20 (a tmux split): the form, the review and the form's help.
#[test]
fn compact_60x20() {
    let mut form = edited_app();
    key(&mut form, KeyCode::Up);
    insta::assert_snapshot!("form_60x20", screen(&form, (60, 20)));
    insta::assert_snapshot!("review_60x20", screen(&review_app(), (60, 20)));
    let mut help = form_on(production());
    key(&mut help, KeyCode::Char('?'));
    insta::assert_snapshot!("help_60x20", screen(&help, (60, 20)));
}

/// At 60×20 the form's help is longer than the screen: `j`/PgDn scroll it to its last
/// section, which is not cut; any other key closes it.
#[test]
fn the_help_scrolls_at_60x20() {
    let mut app = form_on(production());
    key(&mut app, KeyCode::Char('?'));
    let first = screen(&app, (60, 20));
    assert_lacks(&first, "Tool checklist");
    for _ in 0..8 {
        key(&mut app, KeyCode::PageDown);
    }
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.overlay, Some(Overlay::Help), "scroll keys keep it open");
    let last = screen(&app, (60, 20));
    assert_has(&last, "Tool checklist");
    // The border shows `n/max`: scrolled to the very end.
    let (at, max) = last
        .split(" · ")
        .find_map(|part| {
            let (a, b) = part.trim().split_once('/')?;
            Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?))
        })
        .expect("a scroll position on the border");
    assert_eq!(at, max, "{last}");
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.overlay, None);
}

/// Was: at 60×20 the help's second column cut every description ("go to …"). Now a description
/// wraps under itself (or under its key where the column is narrow): scrolled from top to
/// bottom, no line of the help is cut, at 60×20 and 80×24.
#[test]
fn no_help_description_is_cut_at_small_sizes() {
    for size in [(60, 20), (80, 24)] {
        let mut app = form_on(production());
        key(&mut app, KeyCode::Char('?'));
        let mut seen = String::new();
        for _ in 0..40 {
            let text = screen(&app, size);
            let body: Vec<&str> = text.lines().filter(|l| l.starts_with('│')).collect();
            assert!(
                body.iter().all(|l| !l.contains('…')),
                "cut at {size:?}:\n{text}"
            );
            seen.push_str(&text);
            key(&mut app, KeyCode::Char('j'));
        }
        for whole in [
            "go to tab 1–5",
            "history of applied",
            "done, keeping the text",
        ] {
            assert_has(&seen, whole);
        }
    }
}

/// Issue 23 item 3: the picker's `30d` column — one `/activity` read asked once the list is
/// there (the first frame never waits), then a sparkline and the total per workspace where the
/// width allows, the credits left in the title; a failed read says so and shows no column.
#[test]
fn the_picker_shows_thirty_days_of_spend_once_read() {
    use orws::tui::app::Effect;
    use orws::tui::screens::picker::Spend;
    let (mut app, _) = App::new(HOST, None);
    let effects = app.update(Msg::ListLoaded(Ok(list())));
    assert!(effects.contains(&Effect::LoadSpend), "{effects:?}");
    let before = screen(&app, (120, 30));
    assert_lacks(&before, "30D");
    // Asked once: a reload does not ask again.
    let again = app.update(Msg::ListLoaded(Ok(list())));
    assert!(!again.contains(&Effect::LoadSpend));
    let mut days = vec![0.0; 30];
    days[28] = 4.0;
    days[29] = 8.0;
    let spend = Spend {
        daily: [(production().id().to_string(), days)]
            .into_iter()
            .collect(),
        credits_left: Some(1234.5),
    };
    app.update(Msg::SpendLoaded(Ok(spend)));
    let wide = screen(&app, (120, 30));
    assert_has(&wide, "30D (UTC days)");
    assert_has(&wide, "credits left $1234.50");
    let prod = wide.lines().find(|l| l.contains("production")).unwrap();
    assert!(prod.contains("█") && prod.contains("$12.00"), "{prod}");
    let idle = wide.lines().find(|l| l.contains("staging")).unwrap();
    assert!(
        idle.trim_end_matches('│').trim_end().ends_with('—'),
        "{idle}"
    );
    // Too narrow for the column: the list as before.
    assert_lacks(&screen(&app, (80, 24)), "30D");
    app.update(Msg::SpendLoaded(Err("403: no".into())));
    assert_has(&screen(&app, (120, 30)), "30d spend unknown");
}

/// A profile (product.md §14): the title names it in its colour at all times, with
/// `READ-ONLY` under a production profile or `WRITE` once `--write` lifted it; at 60 columns
/// the workspace's name gives way, never they.
#[test]
fn the_title_names_the_profile_in_its_colour_beside_read_only_or_write() {
    use orws::config::ProfileColor;
    use orws::settings::{ProfileInUse, Source};
    let profiled = |read_only: bool| {
        let mut app = form_on(production());
        app.profile = Some(ProfileInUse {
            name: "acme-prod".into(),
            production: true,
            color: Some(ProfileColor::Red),
            from: Source::Flag("--profile"),
        });
        if read_only {
            app.read_only = Some("the production profile acme-prod".into());
        } else {
            app.write = true;
        }
        app
    };
    let read_only = profiled(true);
    for size in [(100, 30), (60, 20)] {
        insta::assert_snapshot!(
            format!("title_production_profile_{}x{}", size.0, size.1),
            screen(&read_only, size)
        );
    }
    let write = profiled(false);
    for (size, cut) in [((100, 30), false), ((60, 20), true)] {
        let text = screen(&write, size);
        let title = text.lines().next().unwrap();
        assert!(title.starts_with(" orws  acme-prod  · WRITE · "), "{title}");
        assert_eq!(title.contains("(production)"), !cut, "{size:?}: {title}");
    }
    // The name is drawn on the profile's colour; without colours it is still set apart (bold).
    let buf = buffer(&read_only, (100, 30), true);
    let at = |x: u16| buf.cell((x, 0)).unwrap().clone();
    assert_eq!(at(7).symbol(), "a");
    assert_eq!(at(7).bg, Color::Red);
    let plain = buffer(&read_only, (100, 30), false);
    assert!(
        plain
            .cell((7, 0))
            .unwrap()
            .modifier
            .contains(ratatui::style::Modifier::BOLD)
    );
}

/// Drafts are kept under the profile, not the host: two profiles on one server never offer
/// each other's edits (product.md §15).
#[test]
fn a_profiles_drafts_are_kept_under_its_name() {
    let mut app = edited_app();
    app.state_key = "profile:acme-prod".into();
    let drafts = app.drafts_now();
    let (_, draft) = &drafts[0];
    let draft = draft.as_ref().expect("the edits are drafted");
    assert_eq!(draft.host, "profile:acme-prod");
    let dir = tempfile::tempdir().unwrap();
    orws::state::drafts::save(dir.path(), draft).unwrap();
    assert!(
        dir.path().join("drafts/profile_acme-prod").is_dir(),
        "kept in the profile's own folder"
    );
}

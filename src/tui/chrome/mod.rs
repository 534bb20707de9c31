//! The chrome around every screen: the title bar, the status message, the hint bar and the help
//! overlay. Hints and help are built from the screens' `hints()` and the key table, so a key
//! and its hint cannot drift apart.

pub mod help;

use crate::config::keys::QUIT_HINT;
use crate::config::{Action, KeyBindings, KeySpec, Scope};
use crate::tui::app::App;
use crate::tui::app::questions;
use crate::tui::input;
use crate::tui::route::{Level, Overlay, Screen};
use crate::tui::screens::form::{FormState, Mode};
use crate::tui::screens::{conflict, loading, picker};
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, width, wrap_marked};
use crate::workspace::FieldKind;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// A key and what it does, as shown in the hint bar.
pub struct Hint(pub Cow<'static, str>, pub Cow<'static, str>);

fn hint(key: &'static str, what: &'static str) -> Hint {
    Hint(Cow::Borrowed(key), Cow::Borrowed(what))
}

/// `orws · host · Workspace (slug)`; `orws · PROFILE · READ-ONLY · host · …` with a profile
/// and under read-only (`WRITE` when `--write` lifted a production profile's read-only): first,
/// so a narrow terminal cuts the workspace name, never them.
pub fn title(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    buf.set_style(area, theme.title);
    let mut spans = vec![Span::styled(" orws", theme.title_accent)];
    if let Some(profile) = &app.profile {
        spans.push(Span::styled(" ", theme.title));
        spans.push(Span::styled(
            format!(" {} ", profile.name),
            profile_style(profile.color, theme),
        ));
    }
    if app.read_only.is_some() {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled("READ-ONLY", theme.title.patch(theme.warning)));
    } else if app.write {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled(
            "WRITE",
            theme
                .title
                .patch(theme.error)
                .add_modifier(ratatui::style::Modifier::BOLD),
        ));
    }
    spans.push(Span::styled(" · ", theme.title));
    spans.push(Span::styled(app.host.as_str(), theme.title));
    let workspace = match (&app.screen, &app.form) {
        (Screen::Picker | Screen::Loading { .. }, _) | (_, None) => None,
        (_, Some(form)) => Some(&form.workspace),
    };
    if let Some(ws) = workspace {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled(ws.name(), theme.title_accent));
        spans.push(Span::styled(format!(" ({})", ws.slug()), theme.title));
        if matches!(app.screen, Screen::Form) {
            let tab = app.tabs.current;
            spans.push(Span::styled(" · ", theme.title));
            spans.push(Span::styled(
                format!("{} {}", tab.number(), tab.label()),
                theme.title_accent,
            ));
        }
    }
    // Stays in sight while the edits are not safe on disk (the status line is cleared by keys).
    if app.draft_error.is_some() {
        spans.push(Span::styled(" · ", theme.title));
        spans.push(Span::styled("✗ draft not saved", theme.error));
    }
    put(buf, area, 0, &Line::from(spans));
}

/// A profile's name as a badge in its colour (bold and not reversed when there are no
/// colours, so it stands out of the reversed bar all the same).
fn profile_style(color: Option<crate::config::ProfileColor>, theme: &Theme) -> Style {
    use crate::config::ProfileColor as P;
    use ratatui::style::{Color, Modifier};
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let Some(color) = color.filter(|_| theme.color) else {
        return if theme.color {
            theme.title_accent.add_modifier(Modifier::REVERSED)
        } else {
            bold
        };
    };
    let (bg, dark_text) = match color {
        P::Red => (Color::Red, false),
        P::Green => (Color::Green, true),
        P::Yellow => (Color::Yellow, true),
        P::Blue => (Color::Blue, false),
        P::Magenta => (Color::Magenta, false),
        P::Cyan => (Color::Cyan, true),
        P::White => (Color::White, true),
        P::Gray => (Color::Gray, true),
        // Perceived brightness decides the text's colour, so any colour stays readable.
        P::Rgb(r, g, b) => (
            Color::Rgb(r, g, b),
            299 * r as u32 + 587 * g as u32 + 114 * b as u32 > 128_000,
        ),
    };
    bold.bg(bg).fg(if dark_text {
        Color::Black
    } else {
        Color::White
    })
}

/// Rows the status message takes at this width (0 without one).
pub fn message_height(app: &App, width: u16) -> u16 {
    match &app.status {
        None => 0,
        Some(s) if width_of_message(&s.text) <= width as usize => 1,
        Some(_) => 2,
    }
}

fn width_of_message(text: &str) -> usize {
    width(text) + 3
}

fn level_mark(level: Level, theme: &Theme) -> (&'static str, Style) {
    match level {
        Level::Error => ("✗ ", theme.error),
        Level::Warning => ("! ", theme.warning),
        Level::Info => ("· ", theme.info),
    }
}

/// The status message, its level shown by a mark (`✗`, `!`, `·`) as well as by colour.
pub fn message(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(status) = &app.status else { return };
    let (mark, style) = level_mark(status.level, theme);
    let text_style = match status.level {
        Level::Info => theme.info,
        _ => style,
    };
    let lines = wrap_marked(
        (mark, style),
        &[(status.text.as_str(), text_style)],
        area.width.saturating_sub(1) as usize,
        area.height as usize,
    );
    for (i, line) in lines.iter().enumerate() {
        let row = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(1),
            area.height,
        );
        put(buf, row, i as u16, line);
    }
}

/// The bottom bar: a mode badge, the form's counts, and the keys of the current screen.
pub fn bar(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    buf.set_style(area, theme.bar);
    let mut spans: Vec<Span> = Vec::with_capacity(24);
    spans.push(Span::styled(format!(" {} ", badge(app)), theme.badge));
    spans.push(Span::raw(" "));
    // The form's counts only over the form itself.
    let settings = app.tabs.current == crate::tui::screens::tabs::Tab::Settings
        && app.admin.is_none()
        && app.delete.is_none();
    if let (Screen::Form, Some(form), None, true) = (&app.screen, &app.form, app.overlay, settings)
    {
        // A narrow bar leaves out "0 errors" (nothing to see) so the keys keep their room.
        let errors = form.fields.iter().filter(|f| f.error().is_some()).count();
        counts(
            &mut spans,
            form.modified_count(),
            errors,
            theme,
            area.width >= 80,
        );
        spans.push(Span::styled(" │ ", theme.bar.patch(theme.dim)));
    } else if let (Screen::Form, None, Some((changes, errors, _))) =
        (&app.screen, app.overlay, tab_edit(app))
    {
        // The Budgets and Guardrail tabs count as the form does.
        counts(&mut spans, changes, errors, theme, area.width >= 80);
        spans.push(Span::styled(" │ ", theme.bar.patch(theme.dim)));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let max = area.width as usize;
    let all = hints(app);
    // `? help` and `q quit` stay at every size: the rest fits in what they leave, in order.
    let kept = |what: &str| matches!(what, "help" | "quit");
    let cost = |Hint(key, what): &Hint| 2 + width(key) + 1 + width(what);
    // Each hint costs its separator; the first has none.
    let mut room = (max + 2).saturating_sub(used);
    room = room.saturating_sub(all.iter().filter(|h| kept(&h.1)).map(cost).sum::<usize>());
    let mut shown = vec![false; all.len()];
    for (i, h) in all.iter().enumerate() {
        if kept(&h.1) {
            shown[i] = true;
        } else if cost(h) <= room {
            room -= cost(h);
            shown[i] = true;
        } else {
            // The hints are ordered most useful first: none after one that does not fit.
            room = 0;
        }
    }
    let mut first = true;
    for (Hint(key, what), _) in all.into_iter().zip(shown).filter(|(_, s)| *s) {
        if !first {
            spans.push(Span::raw("  "));
        }
        first = false;
        spans.push(Span::styled(key, theme.bar.patch(theme.key)));
        spans.push(Span::styled(format!(" {what}"), theme.bar));
    }
    put(buf, area, 0, &Line::from(spans));
}

/// The Budgets or Guardrail tab showing its fields (not a write's phase): its unsent changes,
/// the rules they break, and whether a value is being typed.
fn tab_edit(app: &App) -> Option<(usize, usize, bool)> {
    use crate::tui::screens::tabs::Tab;
    if app.admin.is_some() || app.delete.is_some() {
        return None;
    }
    match app.tabs.current {
        Tab::Budgets => app
            .tabs
            .budgets
            .as_ref()
            .filter(|b| matches!(b.phase, crate::tui::screens::budgets::Phase::Edit))
            .map(|b| (b.unsaved(), b.rules().len(), b.editing)),
        Tab::Guardrail => crate::tui::app::guardrail::showing(app)
            .filter(|g| matches!(g.phase, crate::tui::screens::guardrail::Phase::Edit))
            .map(|g| (g.unsaved(), g.rules().len(), g.editing)),
        Tab::Settings | Tab::Members | Tab::Keys => None,
    }
}

fn counts(
    spans: &mut Vec<Span<'static>>,
    changes: usize,
    errors: usize,
    theme: &Theme,
    roomy: bool,
) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let change_style = if changes > 0 {
        theme.bar.patch(theme.modified)
    } else {
        theme.bar
    };
    let error_style = if errors > 0 {
        theme.bar.patch(theme.error)
    } else {
        theme.bar
    };
    spans.push(Span::styled(
        format!("{changes} change{}", plural(changes)),
        change_style,
    ));
    if errors == 0 && !roomy {
        return;
    }
    spans.push(Span::styled(" · ", theme.bar));
    spans.push(Span::styled(
        format!("{errors} error{}", plural(errors)),
        error_style,
    ));
}

fn badge(app: &App) -> &'static str {
    match (app.overlay, &app.screen) {
        (Some(Overlay::Help), _) => "HELP",
        (
            Some(Overlay::ConfirmLeave { .. } | Overlay::RestoreDraft | Overlay::ConfirmResetAll),
            _,
        ) => "CONFIRM",
        (None, Screen::Picker) if app.admin.is_some() => "ADMIN",
        (None, Screen::Picker) if app.create.as_ref().is_some_and(|c| c.open) => "NEW",
        (None, Screen::Picker) if app.picker.filtering => "FILTER",
        (None, Screen::Picker) => "WORKSPACES",
        (None, Screen::Loading { .. }) => "OPENING",
        (None, Screen::Form) if app.admin.is_some() => "ADMIN",
        (None, Screen::Form) if app.delete.is_some() => "DELETE",
        // Typing a value on the Budgets or Guardrail tab: EDIT, as in the form.
        (None, Screen::Form) if tab_edit(app).is_some_and(|(_, _, typing)| typing) => "EDIT",
        (None, Screen::Form) if app.tabs.current != crate::tui::screens::tabs::Tab::Settings => {
            app.tabs.current.badge()
        }
        (None, Screen::Form) => match app.form.as_ref().map(|f| &f.mode) {
            Some(Mode::Edit { .. } | Mode::Switch { .. }) => "EDIT",
            Some(Mode::Checklist { .. }) => "CHECKLIST",
            Some(Mode::Browse) | None => "BROWSE",
        },
        (None, Screen::Write(flow)) => match flow.shown() {
            crate::tui::flow::Shown::Review => "REVIEW",
            crate::tui::flow::Shown::Sending => "SENDING",
            crate::tui::flow::Shown::Result => "RESULT",
            crate::tui::flow::Shown::Conflict => "CONFLICT",
        },
        (None, Screen::Conflict(_)) => "CONFLICT",
        (None, Screen::History(v)) if v.filtering => "FILTER",
        (None, Screen::History(_)) => "HISTORY",
        (None, Screen::Bulk) => match input::context(app) {
            Ok(Scope::Review) => "REVIEW",
            Ok(Scope::Submitting) => "SENDING",
            Ok(Scope::Result) => "RESULT",
            Err(_) => "EDIT",
            Ok(_) => "BULK",
        },
    }
}

/// The scope of the screen under any overlay or text input: whose keys help lists.
pub fn screen_scope(app: &App) -> Scope {
    match &app.screen {
        Screen::Picker => crate::tui::app::tabs::picker_scope(app),
        Screen::Loading { .. } => Scope::Loading,
        Screen::Form => crate::tui::app::tabs::scope(app).unwrap_or(app.tabs.current.scope()),
        Screen::Write(flow) => flow.scope(),
        Screen::Conflict(_) => Scope::Conflict,
        Screen::History(_) => Scope::History,
        Screen::Bulk => match &app.bulk {
            Some(bulk) => crate::tui::screens::bulk::scope(bulk).unwrap_or(Scope::BulkForm),
            None => Scope::Picker,
        },
    }
}

/// A scope's actions with their labels, most useful first (every action of the scope is there).
pub fn scope_hints(app: &App, scope: Scope) -> Vec<(Action, &'static str)> {
    let mut h = screen_hints(app, scope);
    // `H` is bound wherever the key table lists it (the picker and the workspace tabs).
    if scope != Scope::History && scope.actions().contains(&Action::History) {
        h.push((Action::History, "history"));
    }
    h
}

fn screen_hints(app: &App, scope: Scope) -> Vec<(Action, &'static str)> {
    if let Some(flow) = app
        .admin
        .as_ref()
        .filter(|_| crate::tui::app::is_flow_scope(scope))
    {
        return flow.hints();
    }
    if let Some(flow) =
        crate::tui::app::bulk::flow(app).filter(|_| crate::tui::app::is_flow_scope(scope))
    {
        return flow.hints();
    }
    if let Some(flow) =
        crate::tui::app::settings_write::flow(app).filter(|_| crate::tui::app::is_flow_scope(scope))
    {
        return flow.hints();
    }
    if crate::tui::app::tabs::owns(app, scope) {
        return crate::tui::app::tabs::hints(app, scope);
    }
    match scope {
        Scope::Picker => {
            let mut h = picker::hints(&app.picker);
            h.push((Action::Create, "new"));
            h.push((Action::DeleteWorkspace, "delete"));
            h
        }
        Scope::BulkForm => app.bulk.as_ref().map_or_else(Vec::new, |b| {
            crate::tui::screens::bulk::form::hints(&b.form)
        }),
        Scope::Loading => {
            loading::hints(matches!(app.screen, Screen::Loading { error: Some(_), .. }))
        }
        Scope::Form => {
            let mut h = app
                .form
                .as_ref()
                .map_or_else(Vec::new, crate::tui::screens::form::hints);
            h.extend(crate::tui::screens::tabs::tab_hints());
            h.push((Action::DeleteWorkspace, "delete workspace"));
            h
        }
        // The write flow's scopes are hinted by the flow showing (above).
        Scope::Review | Scope::Submitting | Scope::Result => vec![],
        Scope::Conflict => conflict::hints(),
        Scope::QuestionLeave => questions::leave_hints(app),
        Scope::QuestionDraft => questions::draft_hints(),
        Scope::QuestionResetAll => questions::reset_all_hints(),
        Scope::TooSmall => vec![QUIT_HINT],
        Scope::Budgets | Scope::Guardrail => crate::tui::app::tabs::hints(app, scope),
        Scope::Keys => crate::tui::screens::keys_tab::hints(),
        Scope::KeyMove => crate::tui::screens::keys_tab::move_hints(),
        Scope::KeyForm => app
            .tabs
            .keys
            .form
            .as_ref()
            .map_or_else(Vec::new, crate::tui::screens::key_form::hints),
        Scope::Members => crate::tui::screens::members_tab::hints(),
        Scope::MemberAdd => crate::tui::screens::members_tab::add_hints(),
        Scope::Create => crate::tui::screens::create::hints(),
        Scope::Delete => crate::tui::app::delete::hints(app),
        Scope::History => crate::tui::screens::history::hints(),
        Scope::Guardrails => crate::tui::screens::guardrails::GuardrailsTab::hints(),
        Scope::GuardrailNew => crate::tui::screens::guardrails::NewGuardrail::hints(),
        Scope::GuardrailAssign => crate::tui::screens::guardrails::assign::Assign::hints(),
        Scope::GuardrailAssignAdd => crate::tui::screens::guardrails::assign::Assign::add_hints(),
    }
}

/// Whether `action` in `scope` opens a write's Review (directly or through a chooser or a
/// form): under read-only its hint says `(read-only)`, and the key still opens the Review.
pub fn leads_to_write(scope: Scope, action: Action) -> bool {
    match action {
        Action::Review
        | Action::Create
        | Action::DeleteWorkspace
        | Action::EditMarked
        | Action::Disable
        | Action::MoveKey
        | Action::NewKey
        | Action::EditKey
        | Action::Remove
        | Action::Add => true,
        // Elsewhere `u` undoes an edit in a form, and `r` reads again.
        Action::Undo => matches!(scope, Scope::Result | Scope::History),
        Action::Retry => scope == Scope::Result,
        // Choosing where a key moves to; typing the slug of the workspace to delete.
        Action::Open => scope == Scope::KeyMove,
        Action::Edit => scope == Scope::Delete,
        _ => false,
    }
}

/// Read-only (product.md §15): the hints of the keys that lead to a write's Review are marked
/// `(read-only)`, and a Review offers no Enter. Unchanged otherwise.
fn read_only_marks(
    app: &App,
    scope: Scope,
    list: Vec<(Action, &'static str)>,
) -> Vec<(Action, Cow<'static, str>)> {
    let read_only = app.read_only.is_some();
    list.into_iter()
        .filter(|(a, _)| !(read_only && *a == Action::Submit))
        .map(|(a, label)| {
            if read_only && leads_to_write(scope, a) {
                // `undo (reviewed)` → `undo (reviewed, read-only)`
                let marked = match label.strip_suffix(')') {
                    Some(open) => format!("{open}, read-only)"),
                    None => format!("{label} (read-only)"),
                };
                (a, Cow::Owned(marked))
            } else {
                (a, Cow::Borrowed(label))
            }
        })
        .collect()
}

/// Hints for the bar: consecutive actions with one label share it (`k/y keep draft`, `↑↓ move`).
/// Questions show every key of an answer (`n/Esc`); screens the first one.
fn action_hints(
    keys: &KeyBindings,
    list: Vec<(Action, Cow<'static, str>)>,
    every: bool,
) -> Vec<Hint> {
    let mut out: Vec<(Vec<String>, Cow<'static, str>)> = Vec::with_capacity(list.len());
    for (action, label) in list {
        let key = if every {
            keys_of(keys, &[action])
        } else {
            first_key(keys, action)
        };
        match out.last_mut() {
            Some((ks, l)) if *l == label => ks.push(key),
            _ => out.push((vec![key], label)),
        }
    }
    out.into_iter()
        .map(|(ks, label)| {
            let joined = if ks == ["↑", "↓"] {
                "↑↓".to_string()
            } else {
                ks.join("/")
            };
            Hint(Cow::Owned(joined), label)
        })
        .collect()
}

/// The keys of some actions as a person reads them, e.g. `k/y` or `n/Esc`.
pub fn keys_of(keys: &KeyBindings, actions: &[Action]) -> String {
    let list: Vec<String> = actions
        .iter()
        .flat_map(|a| keys.keys(*a))
        .map(pretty_key)
        .collect();
    list.join("/")
}

/// The keys that matter now, most useful first (the bar drops what does not fit).
pub fn hints(app: &App) -> Vec<Hint> {
    if app.overlay == Some(Overlay::Help) {
        return vec![hint("any key", "close")];
    }
    match input::context(app) {
        Err(input::TextInput::PickerFilter) => vec![
            hint("type", "to filter"),
            hint("↑↓", "move"),
            hint("Enter", "apply"),
            hint("Esc", "clear"),
        ],
        Err(input::TextInput::DeleteSlug) => vec![
            hint("type", "the slug"),
            hint("Enter", "review"),
            hint("Esc", "stop typing"),
        ],
        Err(input::TextInput::CreateEdit) => vec![
            hint("type", "text"),
            hint("Tab", "other field"),
            hint("Enter/Esc", "done"),
        ],
        Err(input::TextInput::HistoryFilter) => vec![
            hint("type", "slug, name or uuid"),
            hint("Enter", "apply"),
            hint("Esc", "clear"),
        ],
        Err(input::TextInput::KeyDeleteName) => vec![
            hint("type", "the key's name"),
            hint("Enter", "review the delete"),
            hint("Esc", "cancel"),
        ],
        Err(input::TextInput::KeyFormEdit) => vec![
            hint("type", "the value"),
            hint("Tab/↓", "next field"),
            hint("Enter/Esc", "done"),
        ],
        Err(input::TextInput::KeySecret) => vec![
            hint("Space", "I have stored it"),
            hint("Enter", "close"),
            hint("w", "write to a file"),
            hint("Esc/q", "ask"),
        ],
        Err(input::TextInput::KeyMoveFilter) => vec![
            hint("type", "slug or name"),
            hint("↑↓", "move"),
            hint("Enter", "choose"),
            hint("Esc", "clear"),
        ],
        Err(input::TextInput::KeysFilter) => vec![
            hint("type", "name, label or hygiene label"),
            hint("↑↓", "move"),
            hint("Enter", "apply"),
            hint("Esc", "clear"),
        ],
        Err(input::TextInput::MemberFilter) => vec![
            hint("type", "to filter"),
            hint("Enter", "apply"),
            hint("Esc", "clear"),
        ],
        Err(input::TextInput::FormEdit) if matches!(app.screen, Screen::Bulk) => app
            .bulk
            .as_ref()
            .map_or_else(Vec::new, |b| edit_hints(&b.form)),
        Err(input::TextInput::FormEdit) => app.form.as_ref().map_or_else(Vec::new, edit_hints),
        // While the catalog suggests, ↓↑ move its highlight and Enter takes it.
        Err(input::TextInput::TabEdit)
            if app.tabs.current == crate::tui::screens::tabs::Tab::Guardrail
                && crate::tui::app::guardrail::showing(app)
                    .is_some_and(|g| !g.suggestions().is_empty()) =>
        {
            vec![
                hint("type", "a value"),
                hint("↓↑", "suggestion"),
                hint("Enter", "take it"),
                hint("Esc", "done (keeps it)"),
                hint("F1", "help"),
            ]
        }
        Err(input::TextInput::TabEdit)
            if app.tabs.current == crate::tui::screens::tabs::Tab::Guardrail
                && app.tabs.guardrails.deleting.is_some() =>
        {
            vec![
                hint("type", "the guardrail's name"),
                hint("Enter", "review the delete"),
                hint("Esc", "cancel"),
            ]
        }
        Err(input::TextInput::TabEdit)
            if app.tabs.current == crate::tui::screens::tabs::Tab::Guardrail
                && app.tabs.guardrails.assigning.is_some() =>
        {
            vec![
                hint("type", "to filter"),
                hint("Enter", "apply"),
                hint("Esc", "clear"),
            ]
        }
        Err(input::TextInput::TabEdit) => vec![
            hint("type", "a value"),
            hint("↑↓", "next field"),
            hint("Enter/Esc", "done (keeps it)"),
            hint("F1", "help"),
        ],
        // The bar leaves out what would do nothing now (help still lists every key).
        Ok(Scope::BulkForm) => app.bulk.as_ref().map_or_else(Vec::new, |b| {
            let list = crate::tui::screens::form::bar_hints(&b.form)
                .into_iter()
                .filter(|(a, _)| Scope::BulkForm.actions().contains(a))
                .collect::<Vec<_>>();
            action_hints(
                &app.keys,
                read_only_marks(app, Scope::BulkForm, list),
                false,
            )
        }),
        Ok(Scope::Form) => app.form.as_ref().map_or_else(Vec::new, |f| {
            let list = crate::tui::screens::form::bar_hints(f);
            action_hints(&app.keys, read_only_marks(app, Scope::Form, list), false)
        }),
        Ok(scope) => {
            let question = matches!(
                scope,
                Scope::QuestionLeave | Scope::QuestionDraft | Scope::QuestionResetAll
            );
            let list = read_only_marks(app, scope, scope_hints(app, scope));
            action_hints(&app.keys, list, question)
        }
    }
}

fn edit_hints(form: &FormState) -> Vec<Hint> {
    let f = form.focused();
    match &form.mode {
        Mode::Edit { editor, .. } => {
            let mut h = Vec::new();
            // A highlighted suggestion is what Enter takes; Tab moves on with the typed text.
            let taking = form.suggestion.is_some() && !form.suggestions().is_empty();
            if taking {
                h.push(hint("Enter", "take"));
            } else if !form.suggestions().is_empty() {
                h.push(hint("↓", "suggestions"));
            }
            if editor.multiline {
                h.push(hint("Enter", "new line"));
                h.push(hint("Esc", "done"));
            } else if !taking {
                h.push(hint("Enter", "done"));
            }
            h.push(hint("Ctrl-_", "undo"));
            if !editor.multiline {
                h.push(hint("Tab", "next"));
            }
            h
        }
        Mode::Checklist { .. } => vec![
            hint("↑↓", "move"),
            hint("Space", "check"),
            hint("Enter", "done"),
            hint("Tab", "next"),
        ],
        Mode::Switch { .. } => vec![
            match f.spec.kind {
                FieldKind::Toggle => hint("Space", "toggle"),
                FieldKind::Text
                | FieldKind::MultilineText
                | FieldKind::Model { .. }
                | FieldKind::Choice(_)
                | FieldKind::Rate
                | FieldKind::KeyIds
                | FieldKind::ToolList => hint("Space", "cycle"),
            },
            hint("Enter/Esc", "done"),
            hint("Tab", "next"),
        ],
        Mode::Browse => vec![],
    }
}

/// The first key bound to an action, as a person reads it (`↑`, `Enter`, `Ctrl-S`).
pub fn first_key(keys: &KeyBindings, action: Action) -> String {
    keys.keys(action)
        .first()
        .map_or_else(|| "—".to_string(), pretty_key)
}

/// Every key bound to an action, e.g. `↓ j Tab`.
pub fn all_keys(keys: &KeyBindings, action: Action) -> String {
    let list: Vec<String> = keys.keys(action).iter().map(pretty_key).collect();
    if list.is_empty() {
        "—".into()
    } else {
        list.join(" ")
    }
}

pub fn pretty_key(k: &KeySpec) -> String {
    let mut s = String::new();
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        s.push_str("Ctrl-");
    }
    if k.modifiers.contains(KeyModifiers::ALT) {
        s.push_str("Alt-");
    }
    if k.modifiers.contains(KeyModifiers::SHIFT) {
        s.push_str("Shift-");
    }
    let ctrl = !s.is_empty();
    match k.code {
        KeyCode::Up => s.push('↑'),
        KeyCode::Down => s.push('↓'),
        KeyCode::Left => s.push('←'),
        KeyCode::Right => s.push('→'),
        KeyCode::Enter => s.push_str("Enter"),
        KeyCode::Esc => s.push_str("Esc"),
        KeyCode::Tab => s.push_str("Tab"),
        KeyCode::BackTab => s.push_str("S-Tab"),
        KeyCode::Char(' ') => s.push_str("Space"),
        KeyCode::Char(c) if ctrl => s.push(c.to_ascii_uppercase()),
        KeyCode::Char(c) => s.push(c),
        KeyCode::Delete => s.push_str("Del"),
        KeyCode::Backspace => s.push_str("Bksp"),
        KeyCode::Home => s.push_str("Home"),
        KeyCode::End => s.push_str("End"),
        KeyCode::PageUp => s.push_str("PgUp"),
        KeyCode::PageDown => s.push_str("PgDn"),
        KeyCode::Insert => s.push_str("Ins"),
        KeyCode::F(n) => s.push_str(&format!("F{n}")),
        _ => s.push_str(&k.to_string()),
    }
    s
}

/// A centred notice when the terminal is below the smallest size (and the question quitting
/// asks, if any).
pub fn too_small(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let text = format!(
        "Terminal too small: need at least {}×{}, have {}×{}",
        crate::tui::view::MIN_WIDTH,
        crate::tui::view::MIN_HEIGHT,
        area.width,
        area.height
    );
    let more = match app.overlay {
        // Where nothing would keep the edits (the demo, a bulk edit), no "keep" is offered.
        Some(Overlay::ConfirmLeave { quit }) => match questions::nothing_keeps(app, quit) {
            Some(_) => format!(
                "Quit? {} discard · {} stay (no draft would keep the edits)",
                keys_of(&app.keys, &[Action::Discard]),
                keys_of(&app.keys, &[Action::No]),
            ),
            None => format!(
                "Quit? {} keep draft · {} discard · {} stay",
                keys_of(&app.keys, &[Action::KeepDraft, Action::Yes]),
                keys_of(&app.keys, &[Action::Discard]),
                keys_of(&app.keys, &[Action::No]),
            ),
        },
        _ => format!(
            "Enlarge the window to continue ({} quits).",
            keys_of(&app.keys, &[Action::Quit])
        ),
    };
    // Wrapped, not cut: the notice is read in a terminal as narrow as it says.
    let w = area.width as usize;
    let mut lines = crate::tui::view::text::wrap_owned(&[(&text, theme.warning)], w, 3);
    if area.height > 2 {
        lines.extend(crate::tui::view::text::wrap_owned(
            &[(&more, theme.dim)],
            w,
            3,
        ));
    }
    let rows = (lines.len() as u16).min(area.height);
    let top = area.y + area.height.saturating_sub(rows) / 2;
    for (i, line) in lines.iter().take(usize::from(rows)).enumerate() {
        let lw = line.width() as u16;
        let x = area.x + area.width.saturating_sub(lw) / 2;
        buf.set_line(x, top + i as u16, line, area.width);
    }
}

//! Input is mapped once, here, to what it means for the app now: an [`Action`] of the active
//! screen's key table, text for an input that takes text, or help. Text-entry contexts (the
//! form's edit mode, the picker's filter input) get their keys as text first, so typed letters
//! never become actions; only non-character help keys (`F1`) reach help from there.

pub use crate::config::{Action, KeyBindings, Scope};
use crate::tui::app::App;
use crate::tui::route::{Overlay, Screen};
use crossterm::event::{KeyCode, KeyEvent};

/// Where a key press goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An action of this scope.
    Action(Scope, Action),
    /// A key for a text input.
    Text(TextInput, KeyEvent),
    /// Show the keys of the current screen (F1 from a text input).
    Help,
    /// Any key closes the help (but the scroll keys, when it is longer than the screen).
    CloseHelp,
    /// Scroll the help by rows.
    ScrollHelp(i32),
    /// Nothing here acts on this key.
    Unbound,
}

/// The inputs whose keys are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextInput {
    /// A field in the form's edit mode.
    FormEdit,
    /// The picker's filter.
    PickerFilter,
    /// A limit or list being typed on a workspace tab (Budgets, Guardrail).
    TabEdit,
    /// The filter of the members to add.
    MemberFilter,
    /// The filter of the workspaces a key may move to.
    KeyMoveFilter,
    /// The Keys tab's filter (name, label, hash or hygiene label).
    KeysFilter,
    /// A key's name typed to confirm its delete.
    KeyDeleteName,
    /// A field of the new workspace form.
    CreateEdit,
    /// The slug typed to confirm a delete.
    DeleteSlug,
    /// The history's workspace filter.
    HistoryFilter,
    /// A field of a key's form (Keys tab).
    KeyFormEdit,
    /// A created key's secret dialog: its own keys (tick, close, write to a file, ask).
    KeySecret,
}

/// The scope whose keys are commands now, or the text input that takes keys as text.
pub fn context(app: &App) -> Result<Scope, TextInput> {
    if app.too_small() {
        // Text being typed still reaches its input (typing on while the terminal shrank loses
        // nothing); otherwise only quit acts while the notice shows, and the question quitting
        // asks.
        if app.overlay.is_none()
            && let Err(input) = shown(app)
        {
            return Err(input);
        }
        return Ok(match app.overlay {
            Some(Overlay::ConfirmLeave { .. }) => Scope::QuestionLeave,
            Some(Overlay::Help | Overlay::RestoreDraft | Overlay::ConfirmResetAll) | None => {
                Scope::TooSmall
            }
        });
    }
    shown(app)
}

/// [`context`] at a size the screens fit in.
fn shown(app: &App) -> Result<Scope, TextInput> {
    match app.overlay {
        Some(Overlay::ConfirmLeave { .. }) => return Ok(Scope::QuestionLeave),
        Some(Overlay::RestoreDraft) => return Ok(Scope::QuestionDraft),
        Some(Overlay::ConfirmResetAll) => return Ok(Scope::QuestionResetAll),
        Some(Overlay::Help) | None => {}
    }
    Ok(match &app.screen {
        Screen::Picker
            if app.admin.is_none() && app.create.as_ref().is_some_and(|c| c.open && c.editing) =>
        {
            return Err(TextInput::CreateEdit);
        }
        Screen::Picker if app.picker.filtering && app.admin.is_none() => {
            return Err(TextInput::PickerFilter);
        }
        Screen::Picker => crate::tui::app::tabs::picker_scope(app),
        Screen::Loading { .. } => Scope::Loading,
        Screen::Form if app.form.as_ref().is_some_and(|f| f.is_editing()) => {
            return Err(TextInput::FormEdit);
        }
        // A new key's secret is over everything on the tab until it is stored.
        Screen::Form if app.tabs.keys.secret.is_some() => return Err(TextInput::KeySecret),
        Screen::Form
            if app.admin.is_none()
                && app.tabs.current == crate::tui::screens::tabs::Tab::Keys
                && app
                    .tabs
                    .keys
                    .form
                    .as_ref()
                    .is_some_and(|f| f.open && f.editing) =>
        {
            return Err(TextInput::KeyFormEdit);
        }
        Screen::Form if app.admin.is_none() && app.delete.as_ref().is_some_and(|d| d.typing) => {
            return Err(TextInput::DeleteSlug);
        }
        Screen::Form
            if app.admin.is_none()
                && app.delete.is_none()
                && app.tabs.current == crate::tui::screens::tabs::Tab::Members
                && app
                    .tabs
                    .members
                    .adding
                    .as_ref()
                    .is_some_and(|p| p.filtering) =>
        {
            return Err(TextInput::MemberFilter);
        }
        Screen::Form
            if app.admin.is_none()
                && app.delete.is_none()
                && app.tabs.current == crate::tui::screens::tabs::Tab::Keys
                && app.tabs.keys.deleting.is_some() =>
        {
            return Err(TextInput::KeyDeleteName);
        }
        Screen::Form
            if app.admin.is_none()
                && app.delete.is_none()
                && app.tabs.current == crate::tui::screens::tabs::Tab::Keys
                && app.tabs.keys.moving.is_some()
                && app.tabs.keys.move_filtering =>
        {
            return Err(TextInput::KeyMoveFilter);
        }
        Screen::Form
            if app.admin.is_none()
                && app.delete.is_none()
                && app.tabs.current == crate::tui::screens::tabs::Tab::Keys
                && app.tabs.keys.moving.is_none()
                && app.tabs.keys.filtering =>
        {
            return Err(TextInput::KeysFilter);
        }
        Screen::Form => crate::tui::app::tabs::scope(app).ok_or(TextInput::TabEdit)?,
        Screen::Write(flow) => flow.scope(),
        Screen::Conflict(_) => Scope::Conflict,
        Screen::History(view) if view.filtering => return Err(TextInput::HistoryFilter),
        Screen::History(_) => Scope::History,
        Screen::Bulk => match &app.bulk {
            Some(bulk) => crate::tui::screens::bulk::scope(bulk).ok_or(TextInput::FormEdit)?,
            None => Scope::Picker,
        },
    })
}

/// What one key press means now.
pub fn map(app: &App, key: KeyEvent) -> Input {
    if app.overlay == Some(Overlay::Help) && !app.too_small() {
        let scrolls = app.drawn.borrow().help_scroll_max > 0;
        return match key.code {
            KeyCode::Char('j') | KeyCode::Down if scrolls => Input::ScrollHelp(1),
            KeyCode::Char('k') | KeyCode::Up if scrolls => Input::ScrollHelp(-1),
            KeyCode::PageDown if scrolls => Input::ScrollHelp(10),
            KeyCode::PageUp if scrolls => Input::ScrollHelp(-10),
            _ => Input::CloseHelp,
        };
    }
    match context(app) {
        Ok(scope) => app
            .keys
            .action_for(scope, &key)
            .map_or(Input::Unbound, |a| Input::Action(scope, a)),
        // A character is text here; a help key that is no character (F1) still opens help.
        Err(_) if app.keys.is(Action::Help, &key) && !matches!(key.code, KeyCode::Char(_)) => {
            Input::Help
        }
        Err(text) => Input::Text(text, key),
    }
}

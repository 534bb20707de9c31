//! The form screen's state and keys: browse mode (keys are commands) and edit mode (keys are text).

pub mod detail;
pub mod editor;
pub mod field_state;
pub mod undo;
pub mod view;

use self::editor::{EditOutcome, Editor};
use self::field_state::FieldState;
use self::undo::UndoHistory;
use crate::api::ModelSummary;
use crate::catalog::{Catalog, knows, suggest};
use crate::config::Action;
use crate::config::keys::{BulkFormKey, FormKey, HELP_HINT, QUIT_HINT};
use crate::state::drafts::Draft;
use crate::workspace::field::{FieldKind, KNOWN_SERVER_TOOLS, Step};
use crate::workspace::{FIELDS, PatchBody, Workspace, values_equal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Debug)]
pub enum Mode {
    Browse,
    /// Editing a text field; `before` is what leaving it untouched gives back.
    Edit {
        editor: Box<Editor>,
        before: Box<FieldState>,
    },
    /// A boolean or choice field in edit mode (reached with Tab from another field): Space flips
    /// or cycles it, other printable keys only show a hint, so typing never runs a command.
    Switch {
        before: Box<FieldState>,
    },
    /// Moving through the checklist of disabled_server_tools.
    Checklist {
        cursor: usize,
        before: Box<FieldState>,
    },
}

/// What the form asks of the app after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    None,
    Review,
    /// Re-read the workspace from the server, keeping the edits.
    Reread,
    Back,
    /// The workspace's guided delete.
    DeleteWorkspace,
    /// Open the focused field's text in $VISUAL / $EDITOR.
    ExternalEditor,
    /// Ask before putting every field back to the server's value.
    ConfirmResetAll,
    /// A word for the status line (what `u` undid, or that there was nothing to undo).
    Notice(String),
}

/// What the undo history keeps of a field: its value and any text that did not parse.
pub type Held = (Option<Value>, Option<(String, String)>);

#[derive(Debug)]
pub struct FormState {
    /// The workspace as last loaded (the base of every field).
    pub workspace: Workspace,
    pub fields: Vec<FieldState>,
    pub focus: usize,
    pub mode: Mode,
    /// The model catalog, once loaded: suggestions and "unknown model" warnings.
    pub catalog: Option<Arc<Catalog>>,
    /// The highlighted suggestion while editing a model field.
    pub suggestion: Option<usize>,
    /// `u` / `Ctrl-R`: the person's changes to the form, one step per edit, toggle, reset….
    pub undo: UndoHistory<Held>,
    /// A bulk edit: how many workspaces this one form changes (no slug, no read-only fields,
    /// no draft).
    pub bulk: Option<usize>,
    /// The text handed to $VISUAL/$EDITOR, and whether it was handed back with a reason
    /// (what came back could not be taken), until the editor closes.
    pub in_editor: Option<(String, bool)>,
}

/// What the text back from $VISUAL/$EDITOR did.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorBack {
    /// Taken into the focused field (validated like typed text).
    Taken,
    /// The reason's text came back as it was handed: the field keeps its old value.
    Unchanged,
    /// It cannot be taken: the editor again on this text (the reason on top), in `file`.
    Again {
        reason: String,
        text: String,
        file: String,
    },
}

/// How many suggestions are shown under a model field.
pub const SUGGESTIONS: usize = 8;

impl FormState {
    pub fn new(workspace: Workspace) -> Self {
        let fields: Vec<FieldState> = FIELDS
            .iter()
            .map(|spec| FieldState::new(spec, workspace.get(spec.name).cloned()))
            .collect();
        Self::with_fields(workspace, fields)
    }

    fn with_fields(workspace: Workspace, fields: Vec<FieldState>) -> Self {
        let undo = UndoHistory::new(fields.iter().map(FieldState::held).collect());
        Self {
            workspace,
            fields,
            focus: 0,
            mode: Mode::Browse,
            catalog: None,
            suggestion: None,
            undo,
            bulk: None,
            in_editor: None,
        }
    }

    /// One form for many workspaces (a bulk edit): every field but the slug; a field they all
    /// hold the same value in shows it, one they differ in shows "N values" and has no value
    /// until the person sets one.
    pub fn for_many(workspaces: &[Workspace]) -> Self {
        let fields = FIELDS
            .iter()
            .filter(|spec| spec.name != "slug")
            .map(|spec| {
                let mut distinct: Vec<Option<&Value>> = Vec::new();
                for ws in workspaces {
                    let v = ws.get(spec.name);
                    if !distinct.iter().any(|d| values_equal(spec, *d, v)) {
                        distinct.push(v);
                    }
                }
                match distinct.as_slice() {
                    [] => FieldState::new(spec, None),
                    [one] => FieldState::new(spec, one.cloned()),
                    many => FieldState::mixed(spec, many.len()),
                }
            })
            .collect();
        // The form's own workspace only names the read-only fields, which a bulk form leaves out.
        let none = serde_json::json!({"id": "", "name": "", "slug": ""});
        let workspace = Workspace::from_json(none).expect("a literal with id, name and slug");
        let mut form = Self::with_fields(workspace, fields);
        form.bulk = Some(workspaces.len());
        form
    }

    /// The values the person set (modified fields only): what a bulk edit sends where they differ.
    pub fn modified_values(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .filter(|f| f.is_modified())
            .filter_map(|f| Some((f.spec.name.to_string(), f.current.clone()?)))
            .collect()
    }

    fn held(&self) -> Vec<Held> {
        self.fields.iter().map(FieldState::held).collect()
    }

    /// Records what changed since the form last settled as one undo step. Called after every
    /// message; while a field is being edited nothing settles, so a whole edit is one step.
    pub fn settle(&mut self) {
        if matches!(self.mode, Mode::Browse) {
            let now = self.held();
            self.undo.record(&now);
        }
    }

    /// `u`: puts back the values from before the last change and focuses the field it changed.
    pub fn undo(&mut self) -> String {
        match self.undo.undo() {
            Some(values) => format!("Undid the change to {}.", self.put_back(values)),
            None => "Nothing to undo.".to_string(),
        }
    }

    /// `Ctrl-R`: does again what `u` undid.
    pub fn redo(&mut self) -> String {
        match self.undo.redo() {
            Some(values) => format!("Redid the change to {}.", self.put_back(values)),
            None => "Nothing to redo.".to_string(),
        }
    }

    /// Sets fields to values from the undo history; the names of those fields.
    fn put_back(&mut self, values: Vec<(usize, Held)>) -> String {
        let mut names = Vec::with_capacity(values.len());
        let mut first_visible = None;
        for (i, held) in values {
            let Some(f) = self.fields.get_mut(i) else {
                continue;
            };
            f.put_back(held);
            names.push(f.spec.name);
            if first_visible.is_none() && f.is_visible() {
                first_visible = Some(i);
            }
        }
        if let Some(i) = first_visible {
            self.focus = i;
        }
        names.join(", ")
    }

    /// Every field back to the server's value (one undo step).
    pub fn reset_all(&mut self) {
        self.fields.iter_mut().for_each(FieldState::reset);
    }

    /// Takes the model catalog and checks the model fields against it.
    pub fn set_catalog(&mut self, catalog: Arc<Catalog>) {
        self.catalog = Some(catalog);
        self.refresh_warnings();
    }

    /// Re-checks the fields' warnings (after any change): a value the server holds that breaks
    /// a rule, a model id missing from the catalog.
    pub fn refresh_warnings(&mut self) {
        for i in 0..self.fields.len() {
            let warning = self.fields[i]
                .untouched_breach()
                .map(|e| {
                    format!(
                        "{e} (the server holds this value; it blocks nothing until you change it)"
                    )
                })
                .or_else(|| self.model_warning(i))
                .or_else(|| self.same_name_warning(i));
            self.fields[i].warning = warning;
        }
    }

    /// A bulk edit's new name goes to every workspace alike.
    fn same_name_warning(&self, i: usize) -> Option<String> {
        let (f, n) = (&self.fields[i], self.bulk?);
        (f.spec.name == "name" && f.is_modified() && n > 1)
            .then(|| format!("all {n} workspaces will get this same name"))
    }

    /// An id missing from the catalog is a warning, never an error.
    fn model_warning(&self, i: usize) -> Option<String> {
        // While the id is being typed the suggestions speak; the warning waits for the edit's end.
        let typing = i == self.focus && matches!(self.mode, Mode::Edit { .. });
        let f = &self.fields[i];
        let (FieldKind::Model { image }, Some(catalog)) = (f.spec.kind, &self.catalog) else {
            return None;
        };
        match f.current.as_ref().and_then(Value::as_str) {
            Some(_) if typing => None,
            Some(id) if f.error().is_none() && !knows(catalog.models(image), id) => Some(format!(
                "{id} is not in OpenRouter's model catalog (new, or misspelt?); it can still be saved"
            )),
            _ => None,
        }
    }

    /// The catalog ids matching the text being typed in a model field, best first.
    pub fn suggestions(&self) -> Vec<&ModelSummary> {
        let (Mode::Edit { editor, .. }, Some(catalog)) = (&self.mode, &self.catalog) else {
            return vec![];
        };
        let FieldKind::Model { image } = self.focused().spec.kind else {
            return vec![];
        };
        let text = editor.text();
        let list = suggest(catalog.models(image), &text, SUGGESTIONS);
        // Nothing to suggest when the text already is the one match.
        if list.len() == 1 && list[0].id == text {
            return vec![];
        }
        list
    }

    pub fn focused(&self) -> &FieldState {
        &self.fields[self.focus]
    }

    pub fn visible(&self) -> impl Iterator<Item = (usize, &FieldState)> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_visible())
    }

    pub fn is_editing(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    pub fn modified_count(&self) -> usize {
        self.fields.iter().filter(|f| f.is_modified()).count()
    }

    /// The fields whose errors block a submit (only fields the person changed can have one).
    pub fn invalid_fields(&self) -> Vec<&'static str> {
        self.fields
            .iter()
            .filter(|f| f.error().is_some())
            .map(|f| f.spec.name)
            .collect()
    }

    /// The current values of every field, for the patch.
    pub fn current_values(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .filter_map(|f| Some((f.spec.name.to_string(), f.current.clone()?)))
            .collect()
    }

    pub fn patch(&self) -> PatchBody {
        PatchBody::between(&self.workspace, &self.current_values())
    }

    /// Takes the server's state as the new base; edits that differ from it are kept.
    pub fn rebase(&mut self, workspace: Workspace) {
        for f in &mut self.fields {
            f.rebase(workspace.get(f.spec.name).cloned());
        }
        self.workspace = workspace;
        // The server's values are not the person's change: `u` does not undo them.
        let now = self.held();
        self.undo.resettle(now);
    }

    /// A submit landed: the form's undo history starts again here (`u` in the form never
    /// brings back edits the server now holds, or ones a revert took back).
    pub fn forget_undo(&mut self) {
        self.undo = UndoHistory::new(self.held());
    }

    /// The unsaved edits as a draft; `None` when nothing is modified.
    pub fn draft(&self, host: &str) -> Option<Draft> {
        let modified: Vec<&FieldState> = self.fields.iter().filter(|f| f.is_modified()).collect();
        if modified.is_empty() {
            return None;
        }
        Some(Draft {
            host: host.to_string(),
            workspace_id: self.workspace.id().to_string(),
            saved_at: String::new(),
            base: self.workspace.to_json(),
            fields: modified
                .iter()
                .filter(|f| f.unparsed.is_none())
                .filter_map(|f| Some((f.spec.name.to_string(), f.current.clone()?)))
                .collect(),
            unparsed: modified
                .iter()
                .filter_map(|f| Some((f.spec.name.to_string(), f.unparsed.as_ref()?.0.clone())))
                .collect(),
            tabs: Default::default(),
        })
    }

    pub fn field_mut(&mut self, name: &str) -> Option<&mut FieldState> {
        self.fields.iter_mut().find(|f| f.spec.name == name)
    }

    pub fn focus_field(&mut self, name: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.spec.name == name) {
            self.focus = i;
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let n = self.fields.len();
        let mut i = self.focus;
        // No wrap-around: past the last (or before the first) field, the focus stays.
        for _ in 0..n {
            i = match (forward, i) {
                (true, i) if i + 1 < n => i + 1,
                (false, i) if i > 0 => i - 1,
                _ => return,
            };
            if self.fields[i].is_visible() {
                self.focus = i;
                return;
            }
        }
    }

    /// A key in edit mode (a text field, a switch, the checklist): keys are text here.
    pub fn edit_mode_key(&mut self, key: KeyEvent) -> FormAction {
        match &mut self.mode {
            Mode::Edit { .. } => {
                self.edit_key(key);
                FormAction::None
            }
            Mode::Checklist { .. } => {
                self.checklist_key(key);
                FormAction::None
            }
            Mode::Switch { .. } => self.switch_key(key),
            Mode::Browse => FormAction::None,
        }
    }

    /// Does what a browse-mode action means for the focused field.
    pub fn act(&mut self, key: FormKey) -> FormAction {
        match key {
            FormKey::Down => self.move_focus(true),
            FormKey::Up => self.move_focus(false),
            FormKey::Top => {
                let first = self.visible().next().map(|(i, _)| i);
                self.focus = first.unwrap_or(self.focus);
            }
            FormKey::Bottom => {
                let last = self.visible().last().map(|(i, _)| i);
                self.focus = last.unwrap_or(self.focus);
            }
            FormKey::Edit => self.begin_edit(),
            FormKey::Toggle => self.space(),
            FormKey::CycleBack => self.cycle(false),
            FormKey::CycleOn => self.cycle(true),
            FormKey::Clear => {
                let f = &mut self.fields[self.focus];
                if f.spec.nullable {
                    f.set_value(Value::Null);
                }
            }
            FormKey::Undo => return FormAction::Notice(self.undo()),
            FormKey::Redo => return FormAction::Notice(self.redo()),
            FormKey::Reset => self.fields[self.focus].reset(),
            FormKey::ResetAll if self.modified_count() > 0 => return FormAction::ConfirmResetAll,
            FormKey::ResetAll => {}
            FormKey::Editor if self.focused().spec.kind.is_text() => {
                return FormAction::ExternalEditor;
            }
            FormKey::Editor => {}
            FormKey::Review => return FormAction::Review,
            FormKey::Reload => return FormAction::Reread,
            FormKey::Back => return FormAction::Back,
            FormKey::DeleteWorkspace => return FormAction::DeleteWorkspace,
        }
        FormAction::None
    }

    /// Space: toggles a boolean, cycles a choice (null last), begins the checklist.
    fn space(&mut self) {
        let f = &mut self.fields[self.focus];
        match f.spec.kind {
            FieldKind::Toggle | FieldKind::Choice(_) => {
                let next = f
                    .spec
                    .kind
                    .cycle(f.current.as_ref(), f.spec.nullable, Step::Forward);
                if let Some(next) = next {
                    f.set_value(next);
                }
            }
            FieldKind::ToolList => self.begin_edit(),
            FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Rate
            | FieldKind::KeyIds => {}
        }
    }

    /// `←`/`→`: a choice cycles either way (null after the last option when it may be null);
    /// a boolean flips; other kinds stay as they are.
    fn cycle(&mut self, forward: bool) {
        let f = &mut self.fields[self.focus];
        let step = if forward { Step::Forward } else { Step::Back };
        // The one rule of cycling, the core's (the bulk form and the CLI step the same way).
        if let Some(next) = f.spec.kind.cycle(f.current.as_ref(), f.spec.nullable, step) {
            f.set_value(next);
        }
    }

    /// `Enter` in browse mode: a boolean or choice field flips at once, others open an editor.
    fn begin_edit(&mut self) {
        match self.focused().spec.kind {
            FieldKind::Toggle | FieldKind::Choice(_) => self.space(),
            FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Rate
            | FieldKind::KeyIds
            | FieldKind::ToolList => self.open_edit(),
        }
    }

    /// Puts the focused field in edit mode (the editor, the checklist, or Space-only).
    fn open_edit(&mut self) {
        let f = &self.fields[self.focus];
        let before = f.clone();
        match f.spec.kind {
            FieldKind::Toggle | FieldKind::Choice(_) => {
                self.mode = Mode::Switch {
                    before: Box::new(before),
                }
            }
            FieldKind::ToolList => {
                self.mode = Mode::Checklist {
                    cursor: 0,
                    before: Box::new(before),
                }
            }
            kind @ (FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Rate
            | FieldKind::KeyIds) => {
                let mut editor = Editor::new(&f.edit_text(), kind == FieldKind::MultilineText);
                let null = f.current.as_ref().is_none_or(serde_json::Value::is_null);
                if null && f.unparsed.is_none() && f.mixed.is_none() {
                    // Empty text over a null: say that leaving it empty keeps the null.
                    editor.set_null_placeholder(kind == FieldKind::KeyIds);
                }
                self.mode = Mode::Edit {
                    editor: Box::new(editor),
                    before: Box::new(before),
                };
            }
        }
    }

    /// Keys of the suggestion list: arrows move, Tab takes the highlighted id (with none
    /// highlighted it moves on keeping the typed text, so a null stays null),
    /// Enter takes the highlighted id and ends the edit. `true` when the key was used.
    fn suggestion_key(&mut self, key: KeyEvent) -> bool {
        let ids: Vec<String> = self.suggestions().iter().map(|m| m.id.clone()).collect();
        if ids.is_empty() {
            return false;
        }
        let pick = match crate::tui::screens::suggest::step(&key, self.suggestion, ids.len()) {
            Some(crate::tui::screens::suggest::Step::Highlight(at)) => {
                self.suggestion = at;
                return true;
            }
            Some(crate::tui::screens::suggest::Step::Take(i)) => ids[i].clone(),
            None => return false,
        };
        self.suggestion = None;
        if let Mode::Edit { editor, .. } = &mut self.mode {
            **editor = Editor::new(&pick, false);
        }
        self.take_text(&pick);
        if key.code == KeyCode::Enter {
            self.mode = Mode::Browse;
        }
        true
    }

    fn edit_key(&mut self, key: KeyEvent) {
        if self.suggestion_key(key) {
            return;
        }
        let Mode::Edit { editor, .. } = &mut self.mode else {
            return;
        };
        let outcome = editor.handle_key(key);
        let text = editor.text();
        self.suggestion = None;
        self.take_text(&text);
        match outcome {
            EditOutcome::Editing => {}
            // Every way out of edit mode keeps the text; `u` undoes the edit.
            EditOutcome::Done | EditOutcome::Cancelled => self.mode = Mode::Browse,
            EditOutcome::DoneNext | EditOutcome::DonePrev => {
                self.edit_next(outcome == EditOutcome::DoneNext);
            }
        }
    }

    /// Tab / Shift-Tab in edit mode: the field's edit ends (one undo step) and the next or
    /// previous field is edited, still in edit mode: edit mode lasts until Enter or Esc.
    fn edit_next(&mut self, forward: bool) {
        self.mode = Mode::Browse;
        self.suggestion = None;
        self.settle();
        self.move_focus(forward);
        self.open_edit();
    }

    /// Keys of a boolean or choice field in edit mode.
    fn switch_key(&mut self, key: KeyEvent) -> FormAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => self.mode = Mode::Browse,
            KeyCode::Char(' ') => self.space(),
            KeyCode::Left => self.cycle(false),
            KeyCode::Right => self.cycle(true),
            KeyCode::Enter | KeyCode::Esc => self.mode = Mode::Browse,
            KeyCode::Tab => self.edit_next(true),
            KeyCode::BackTab => self.edit_next(false),
            KeyCode::Char(_) if !ctrl => {
                return FormAction::Notice(
                    "Space changes this field; Enter or Esc ends the edit, Tab moves on."
                        .to_string(),
                );
            }
            _ => {}
        }
        FormAction::None
    }

    /// The editor's text becomes the field's value, except that the text it opened with gives
    /// back the value from before the edit: entering and leaving a field without typing changes
    /// nothing (a null stays null, never `""` or `[]`).
    fn take_text(&mut self, text: &str) {
        let Mode::Edit { before, .. } = &self.mode else {
            return;
        };
        if text == before.edit_text() {
            self.fields[self.focus] = (**before).clone();
        } else {
            self.fields[self.focus].set_text(text);
        }
    }

    /// Paste goes into the editor; in browse mode it is ignored (typing never fires commands).
    pub fn paste(&mut self, text: &str) {
        if let Mode::Edit { editor, .. } = &mut self.mode {
            editor.paste(text);
            let text = editor.text();
            self.take_text(&text);
        }
    }

    /// The focused field's text for $VISUAL/$EDITOR and the file it is edited in, named for its
    /// content: a key id list as JSON, the description as Markdown, the rest as plain text.
    pub fn external_editor_text(&mut self) -> (String, String) {
        let f = self.focused();
        let (text, ext) = match f.spec.kind {
            FieldKind::KeyIds => {
                let json = match (&f.unparsed, &f.current) {
                    (Some((typed, _)), _) => typed.clone(),
                    (None, Some(v @ Value::Array(_))) => v.to_string(),
                    (None, _) => "null".to_string(),
                };
                (format!("{json}\n"), "json")
            }
            FieldKind::MultilineText => (f.edit_text(), "md"),
            _ => (f.edit_text(), "txt"),
        };
        let file = format!("{}.{ext}", f.spec.name);
        self.in_editor = Some((text.clone(), false));
        (text, file)
    }

    /// The text back from $VISUAL/$EDITOR for the focused field. A key id list is read as
    /// JSON (or as typed in the form, `1,2 3`), its leading `//` lines removed; one that
    /// cannot be taken is handed back to the editor with the reason on top, as `kubectl
    /// edit` does, and that text back unchanged keeps the old value.
    pub fn editor_closed(&mut self, text: &str) -> EditorBack {
        let handed = self.in_editor.take();
        if self.focused().spec.kind != FieldKind::KeyIds {
            self.set_external_text(text);
            return EditorBack::Taken;
        }
        let strip = crate::tui::external_editor::strip_json_reasons;
        if let Some((handed, retry)) = &handed {
            if *retry && text.trim_end() == handed.trim_end() {
                return EditorBack::Unchanged;
            }
            if strip(text).trim() == strip(handed).trim() {
                return EditorBack::Taken;
            }
        }
        let body = strip(text);
        let typed = match serde_json::from_str::<Value>(body) {
            Ok(Value::Null) => Ok("null".to_string()),
            Ok(Value::Array(items)) if items.is_empty() => Ok("[]".to_string()),
            Ok(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_u64().map(|n| n.to_string()))
                .collect::<Option<Vec<_>>>()
                .map(|ids| ids.join(","))
                .ok_or_else(|| {
                    "every key id is a whole number (a list like [1, 2], [] for no keys, null for all keys)"
                        .to_string()
                }),
            Ok(_) => Err(
                "the key ids are a list like [1, 2], [] for no keys, or null for all keys".into(),
            ),
            // As typed in the form (`1,2 3`), when it is not JSON.
            Err(e) => match crate::workspace::validate::parse_typed(self.focused().spec, body) {
                Ok(_) => Ok(body.trim().to_string()),
                Err(_) if body.trim_start().starts_with('[') => Err(format!("not JSON ({e})")),
                Err(why) => Err(why),
            },
        };
        match typed {
            Ok(t) => {
                self.set_external_text(&t);
                EditorBack::Taken
            }
            Err(reason) => {
                let again = crate::tui::external_editor::with_json_reason(&reason, body);
                self.in_editor = Some((again.clone(), true));
                EditorBack::Again {
                    reason,
                    text: again,
                    file: format!("{}.json", self.focused().spec.name),
                }
            }
        }
    }

    /// Text from $EDITOR replaces the focused field's text, validated like typed text.
    pub fn set_external_text(&mut self, text: &str) {
        let f = &mut self.fields[self.focus];
        let one_line = f.spec.kind != FieldKind::MultilineText;
        // Editors add a final newline; one-line fields keep one line.
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = if one_line {
            text.replace(['\n', '\t'], " ")
        } else {
            text.to_string()
        };
        // The text as it was handed over changes nothing (a null stays null).
        if text != f.edit_text() {
            f.set_text(&text);
        }
    }

    /// The checklist's entries: known tools, then values orws does not know (kept, shown).
    pub fn checklist_items(&self) -> Vec<(String, bool)> {
        let f = self.focused();
        let chosen: Vec<String> = match &f.current {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => vec![],
        };
        let mut items: Vec<(String, bool)> = KNOWN_SERVER_TOOLS
            .iter()
            .map(|t| (t.to_string(), chosen.iter().any(|c| c == t)))
            .collect();
        for c in &chosen {
            if !KNOWN_SERVER_TOOLS.contains(&c.as_str()) {
                items.push((c.clone(), true));
            }
        }
        items
    }

    fn checklist_key(&mut self, key: KeyEvent) {
        let items = self.checklist_items();
        let Mode::Checklist { cursor, .. } = &mut self.mode else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => self.mode = Mode::Browse,
            KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(items.len() - 1),
            KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
            KeyCode::Char(' ') => {
                let i = *cursor;
                let mut chosen: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .filter(|(j, (_, on))| if *j == i { !on } else { *on })
                    .map(|(_, (name, _))| Value::String(name.clone()))
                    .collect();
                chosen.dedup();
                self.fields[self.focus].set_value(Value::Array(chosen));
            }
            KeyCode::Enter | KeyCode::Esc => self.mode = Mode::Browse,
            KeyCode::Tab => self.edit_next(true),
            KeyCode::BackTab => self.edit_next(false),
            _ => {}
        }
    }
}

/// Every browse-mode action of the form with its label, most useful first: help lists these.
pub fn hints(form: &FormState) -> Vec<(Action, &'static str)> {
    let f = form.focused();
    let first = match f.spec.kind {
        FieldKind::Toggle => (Action::Toggle, "toggle"),
        FieldKind::Choice(_) => (Action::Toggle, "cycle"),
        FieldKind::ToolList => (Action::Toggle, "choose"),
        FieldKind::Text
        | FieldKind::MultilineText
        | FieldKind::Model { .. }
        | FieldKind::Rate
        | FieldKind::KeyIds => (Action::Edit, "edit"),
    };
    let second = if first.0 == Action::Edit {
        (Action::Toggle, "toggle")
    } else {
        (Action::Edit, "edit")
    };
    vec![
        first,
        (Action::Review, "review"),
        HELP_HINT,
        QUIT_HINT,
        (Action::Undo, "undo"),
        (Action::Redo, "redo"),
        (Action::Clear, "null"),
        (Action::Reset, "reset"),
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Back, "list"),
        second,
        (Action::Reload, "re-read"),
        (Action::CycleBack, "previous choice"),
        (Action::CycleOn, "next choice"),
        (Action::ResetAll, "reset all"),
        (Action::Editor, "$EDITOR"),
        (Action::Top, "first"),
        (Action::Bottom, "last"),
    ]
}

/// The hints worth the bar's room now: actions that would do nothing here are left out.
pub fn bar_hints(form: &FormState) -> Vec<(Action, &'static str)> {
    let f = form.focused();
    hints(form)
        .into_iter()
        .take_while(|(a, _)| *a != Action::Back)
        .filter(|(a, _)| {
            let idle = [
                (Action::Undo, form.undo.undo_len() == 0),
                (Action::Redo, form.undo.redo_len() == 0),
                (Action::Clear, !f.spec.nullable),
                (Action::Reset, !f.is_modified()),
            ];
            !idle.contains(&(*a, true))
        })
        .chain([(Action::Back, "list")])
        .collect()
}

/// A bulk form is the form over many workspaces: its keys are some of the form's.
impl From<BulkFormKey> for FormKey {
    fn from(key: BulkFormKey) -> Self {
        match key {
            BulkFormKey::Up => FormKey::Up,
            BulkFormKey::Down => FormKey::Down,
            BulkFormKey::Top => FormKey::Top,
            BulkFormKey::Bottom => FormKey::Bottom,
            BulkFormKey::Edit => FormKey::Edit,
            BulkFormKey::Toggle => FormKey::Toggle,
            BulkFormKey::CycleBack => FormKey::CycleBack,
            BulkFormKey::CycleOn => FormKey::CycleOn,
            BulkFormKey::Clear => FormKey::Clear,
            BulkFormKey::Undo => FormKey::Undo,
            BulkFormKey::Redo => FormKey::Redo,
            BulkFormKey::Reset => FormKey::Reset,
            BulkFormKey::Review => FormKey::Review,
            BulkFormKey::Back => FormKey::Back,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::field::Step;
    use serde_json::json;

    /// The form steps through a choice exactly as the core's rule does, also from a value the
    /// server holds that is not one of the options (the two once disagreed stepping back).
    #[test]
    fn cycling_a_choice_is_the_cores_rule_even_from_a_value_not_an_option() {
        for held in [json!("weird"), json!(null), json!("price")] {
            for (action, step) in [
                (FormKey::CycleBack, Step::Back),
                (FormKey::CycleOn, Step::Forward),
            ] {
                let ws = Workspace::from_json(json!({
                    "id": "w", "name": "W", "slug": "w", "default_provider_sort": held,
                }))
                .unwrap();
                let mut form = FormState::new(ws);
                form.focus_field("default_provider_sort");
                let spec = form.focused().spec;
                let want = spec.kind.cycle(Some(&held), spec.nullable, step);
                form.act(action);
                assert_eq!(form.focused().current, want, "{held} {action:?}");
            }
        }
    }
}

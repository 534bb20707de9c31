//! The Guardrail tab (product.md §10, R14, R15): the workspace's default guardrail as a form.
//! Lists are typed as comma or space separated text; booleans that allow null are three-state
//! (on / off / inherit, cycled with Space/←/→); the minimal PATCH is `admin::guardrail::patch`.
//! A 404 on reading means "not configured yet: the account's policy applies" and the form starts
//! empty (the first write creates it). Pure: its I/O is in `runner.rs`.

mod draft;
pub mod runner;
pub mod view;

use crate::admin::guardrail::{
    self, GUARDRAIL_FIELDS, GuardrailKind, RESET_INTERVALS, TriState, canonical_model,
};
use crate::admin::guardrails::{self, TEXT_FIELDS};
use crate::api::{ApiError, WriteFailure};
use crate::catalog::{Catalog, suggest};
use crate::config::keys::GuardrailKey;
use crate::config::{Action, Scope};
use crate::tui::external_editor;
use crate::tui::screens::budgets::error_text;
use crate::tui::screens::line_edit;
use crate::tui::screens::tab_write::{self, EditLabels, WriteTab};
use crossterm::event::{KeyCode, KeyEvent};
use serde_json::{Map, Value};
use std::sync::Arc;

/// How many catalog ids are suggested under a model list being typed.
pub const SUGGESTIONS: usize = 6;

/// Where the tab is: reading, the edit, or a write (Review → Sending → Conflict → Result).
pub type Phase = tab_write::Phase<Pending>;

/// The Guardrail tab's write in the one write flow.
pub type GuardrailFlow = crate::tui::flow::Flow<Pending>;

/// Someone else changed a field this edit changes: nothing was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub fields: Vec<String>,
    pub now: Option<Map<String, Value>>,
}

impl crate::tui::flow::Plan for Pending {
    type Conflict = Conflict;
    type Outcome = Outcome;
    type Progress = ();

    fn progress(&self) {}

    fn writes(&self) -> Vec<crate::tui::flow::PlannedWrite> {
        use crate::tui::flow::PlannedWrite;
        let id = self
            .base
            .as_ref()
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let owner = (!self.owner.is_empty()).then(|| self.owner.clone());
        vec![match self.named {
            // An account-wide guardrail (no owner) is judged by every rule.
            true => PlannedWrite {
                in_open: false,
                ..PlannedWrite::in_workspace("guardrails.patch", "named_guardrail", id, owner)
            },
            false => PlannedWrite::in_workspace("guardrail.patch", "guardrail", id, owner),
        }]
    }

    /// A PATCH that was not applied has nothing to undo.
    fn undoable(&self, outcome: &Outcome) -> bool {
        outcome.after.is_ok()
    }

    fn label(shown: crate::tui::flow::Shown, action: Action) -> Option<&'static str> {
        use crate::tui::flow::Shown;
        Some(match (shown, action) {
            (Shown::Review, Action::Submit) => "send the PATCH",
            (Shown::Sending, Action::Cancel) => "cancel",
            (Shown::Result, Action::Done | Action::Back) => "back to guardrail",
            (Shown::Conflict, Action::KeepMine) => "keep mine (review again)",
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The guardrail the edit was based on (`None`: not configured yet, R14).
    pub base: Option<Map<String, Value>>,
    pub patch: Map<String, Value>,
    pub undo: bool,
    /// The workspace (uuid) whose default guardrail this must be: the open one, or for the
    /// undo of a write that landed on another workspace's guardrail, that one. For a named
    /// guardrail, the workspace it belongs to (empty: account-wide).
    pub owner: String,
    /// A named guardrail's PATCH (name and description editable; its identity checked by
    /// the core's named-guardrail send), not the default's.
    pub named: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub before: Option<Map<String, Value>>,
    /// What the server answered, or why it failed.
    pub after: Result<Map<String, Value>, String>,
    pub patch: Map<String, Value>,
    pub undo: bool,
    /// The workspace whose guardrail the answer says was written, when not the one meant
    /// (`Pending::owner`): recorded as that workspace's, said, and undoable.
    pub elsewhere: Option<String>,
    /// The workspace meant (`Pending::owner`).
    pub owner: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GuardrailEffect {
    /// GET /guardrails/{id} (answered with `GuardrailMsg::Loaded`).
    Load,
    /// GET again, stop on a conflict against `base`, else PATCH.
    Send(Pending),
    Cancel,
    /// Record the applied change in the history (kind `guardrail`).
    Record(Outcome),
    Back,
    /// Hand a content-filter list to $VISUAL/$EDITOR, in a file named `file`
    /// (`content_filters.json`; answered with `editor_closed`).
    OpenEditor {
        text: String,
        file: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum GuardrailMsg {
    Loaded(Result<Option<Map<String, Value>>, ApiError>),
    Conflict {
        fields: Vec<String>,
        now: Option<Map<String, Value>>,
    },
    CheckFailed(ApiError),
    Sent(Result<Map<String, Value>, WriteFailure>),
}

/// One field of the form as it is being edited.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A list or `limit_usd`, as typed.
    Text(String),
    Tri(TriState),
    Bool(bool),
    /// `reset_interval`: none or one of RESET_INTERVALS.
    Interval(Option<String>),
    /// Content filters (objects): shown as a count, edited as JSON in $VISUAL/$EDITOR (`e`).
    Fixed(Value),
}

#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailState {
    /// The open workspace (uuid): the guardrail must be its default one. For a named
    /// guardrail, the workspace it belongs to (empty: account-wide).
    pub workspace_id: String,
    pub guardrail_id: String,
    /// A named guardrail (its name and description are the first two rows), not the
    /// workspace's default one (R15 fixes the default's name).
    pub named: bool,
    pub phase: Phase,
    /// The guardrail as the server holds it; `None` when not configured yet (R14).
    pub base: Option<Map<String, Value>>,
    pub entries: Vec<Entry>,
    pub focus: usize,
    pub editing: bool,
    pub status: Option<String>,
    undo: Vec<Vec<Entry>>,
    redo: Vec<Vec<Entry>>,
    typing: bool,
    /// The typing cursor, as characters from the end of the text (0 = at the end).
    back: usize,
    last: Option<Outcome>,
    /// The model catalog (the App's, handed in by the host): suggestions for the model lists.
    pub catalog: Option<Arc<Catalog>>,
    /// The highlighted suggestion while typing a model list.
    pub suggestion: Option<usize>,
    /// The row whose JSON is in the external editor, and the text it was handed, until its
    /// text comes back.
    in_editor: Option<(usize, String)>,
}

fn list_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// The entries of every field from a guardrail (empty when not configured).
pub fn entries_of(g: Option<&Map<String, Value>>) -> Vec<Entry> {
    GUARDRAIL_FIELDS
        .iter()
        .map(|(f, kind)| {
            let v = g.and_then(|g| g.get(*f));
            match kind {
                GuardrailKind::List if f.starts_with("content_filter") => {
                    Entry::Fixed(v.cloned().unwrap_or(Value::Null))
                }
                GuardrailKind::List => Entry::Text(list_text(v)),
                GuardrailKind::TriState => Entry::Tri(TriState::from_value(v)),
                GuardrailKind::Bool => Entry::Bool(v.and_then(Value::as_bool).unwrap_or(false)),
                GuardrailKind::Limit => Entry::Text(match v {
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                }),
                GuardrailKind::ResetInterval => {
                    Entry::Interval(v.and_then(Value::as_str).map(str::to_string))
                }
            }
        })
        .collect()
}

fn is_separator(c: char) -> bool {
    c == ',' || c.is_whitespace()
}

/// A list as typed: items split on commas and white space.
fn parse_list(text: &str) -> Value {
    let items: Vec<Value> = text
        .split(is_separator)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_string()))
        .collect();
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

impl GuardrailState {
    /// A tab for the guardrail `guardrail_id` (workspace `workspace_id`'s
    /// `default_guardrail_id`), loading.
    pub fn new(
        workspace_id: impl Into<String>,
        guardrail_id: impl Into<String>,
    ) -> (Self, Vec<GuardrailEffect>) {
        let s = GuardrailState {
            workspace_id: workspace_id.into(),
            guardrail_id: guardrail_id.into(),
            named: false,
            phase: Phase::Loading,
            base: None,
            entries: entries_of(None),
            focus: 0,
            editing: false,
            status: None,
            undo: Vec::new(),
            redo: Vec::new(),
            typing: false,
            back: 0,
            last: None,
            catalog: None,
            suggestion: None,
            in_editor: None,
        };
        (s, vec![GuardrailEffect::Load])
    }

    /// A form for the named guardrail `guardrail_id` of workspace `owner` (empty:
    /// account-wide), loading: every field editable, name and description included.
    pub fn named(
        owner: impl Into<String>,
        guardrail_id: impl Into<String>,
    ) -> (Self, Vec<GuardrailEffect>) {
        let (mut s, fx) = Self::new(owner, guardrail_id);
        s.named = true;
        s.entries = s.entries_for(None);
        (s, fx)
    }

    /// How many rows come before the guardrail fields (name and description of a named one).
    fn lead(&self) -> usize {
        if self.named { TEXT_FIELDS.len() } else { 0 }
    }

    /// The entries of every row from a guardrail: [`entries_of`], after the name and
    /// description of a named one.
    pub fn entries_for(&self, g: Option<&Map<String, Value>>) -> Vec<Entry> {
        let mut out: Vec<Entry> = if self.named {
            TEXT_FIELDS
                .iter()
                .map(|f| {
                    let v = g.and_then(|g| g.get(*f)).and_then(Value::as_str);
                    Entry::Text(v.unwrap_or_default().to_string())
                })
                .collect()
        } else {
            vec![]
        };
        out.extend(entries_of(g));
        out
    }

    pub fn scope(&self) -> Option<Scope> {
        self.phase.scope(Scope::Guardrail, self.editing)
    }

    pub fn field(&self, row: usize) -> &'static str {
        match row.checked_sub(self.lead()) {
            Some(r) => GUARDRAIL_FIELDS[r].0,
            None => TEXT_FIELDS[row],
        }
    }

    /// The edit as a guardrail object (the base with the edited fields), or why a limit is not
    /// a number.
    pub fn target(&self) -> Result<Map<String, Value>, String> {
        let mut t = self.base.clone().unwrap_or_default();
        for (row, e) in self.entries.iter().enumerate() {
            let Some(at) = row.checked_sub(self.lead()) else {
                // A named guardrail's name (trimmed) and description (empty: none).
                let text = match e {
                    Entry::Text(t) => t.trim(),
                    _ => "",
                };
                let v = match (TEXT_FIELDS[row], text) {
                    ("description", "") => Value::Null,
                    (_, t) => Value::String(t.to_string()),
                };
                t.insert(TEXT_FIELDS[row].to_string(), v);
                continue;
            };
            let (f, kind) = GUARDRAIL_FIELDS[at];
            let v = match (e, kind) {
                (Entry::Text(s), GuardrailKind::Limit) => {
                    let s = s.trim().trim_start_matches('$').trim();
                    if s.is_empty() {
                        Value::Null
                    } else {
                        let held = self.base.as_ref().and_then(|g| g.get(f));
                        match s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                            // The held value as the server wrote it (200, not 200.0): unchanged.
                            Some(n) if held.and_then(Value::as_f64) == n.as_f64() => {
                                held.cloned().unwrap_or(Value::Number(n))
                            }
                            Some(n) => Value::Number(n),
                            None => {
                                return Err(format!(
                                    "limit_usd must be a number of US dollars of 0 or more (got {s})"
                                ));
                            }
                        }
                    }
                }
                (Entry::Text(s), _) => parse_list(s),
                (Entry::Tri(t), _) => t.to_value(),
                (Entry::Bool(b), _) => {
                    // Only sent when the person changed it (patch skips an absent one).
                    if self.base.as_ref().and_then(|g| g.get(f)).is_none() && !*b {
                        continue;
                    }
                    Value::Bool(*b)
                }
                (Entry::Interval(i), _) => i.clone().map_or(Value::Null, Value::String),
                (Entry::Fixed(v), _) => v.clone(),
            };
            t.insert(f.to_string(), v);
        }
        Ok(t)
    }

    /// The minimal PATCH (R15), or every broken rule as lines.
    pub fn patch(&self) -> Result<Map<String, Value>, Vec<String>> {
        let target = self.target().map_err(|e| vec![e])?;
        if self.named {
            return guardrails::patch(&self.base.clone().unwrap_or_default(), &target);
        }
        guardrail::patch(self.base.as_ref(), &target)
            .map_err(|b| b.iter().map(ToString::to_string).collect())
    }

    /// Live rules, one line each.
    pub fn rules(&self) -> Vec<String> {
        self.patch().err().unwrap_or_default()
    }

    pub fn modified(&self, row: usize) -> bool {
        let base = self.entries_for(self.base.as_ref());
        match (&base[row], &self.entries[row]) {
            (Entry::Text(a), Entry::Text(b)) if self.field(row).ends_with("_models") => {
                parse_list(&canonical_model(a)) != parse_list(&canonical_model(b))
            }
            (Entry::Text(a), Entry::Text(b)) => {
                parse_list(a) != parse_list(b) && a.trim() != b.trim()
            }
            (a, b) => a != b,
        }
    }

    /// The write under review, if the tab shows one.
    pub fn reviewing(&self) -> Option<&Pending> {
        self.phase.reviewing()
    }

    /// How the last write ended, while its result shows.
    pub fn result(&self) -> Option<&Outcome> {
        self.phase.result()
    }

    pub fn unsaved(&self) -> usize {
        if self.phase.is_loading() {
            return 0;
        }
        (0..self.entries.len())
            .filter(|r| self.modified(*r))
            .count()
    }

    fn remember(&mut self) {
        self.undo.push(self.entries.clone());
        self.redo.clear();
    }

    fn show(&mut self, g: Option<Map<String, Value>>) {
        self.entries = self.entries_for(g.as_ref());
        self.base = g;
    }

    pub fn update(&mut self, msg: GuardrailMsg) -> Vec<GuardrailEffect> {
        match msg {
            GuardrailMsg::Loaded(Ok(Some(g))) if let Some(why) = self.not_this_one(&g) => {
                // Another workspace's guardrail is neither shown nor edited as this one's.
                self.base = None;
                self.phase = Phase::LoadFailed(format!("{why}; nothing is shown or sent"));
                vec![]
            }
            GuardrailMsg::Loaded(Ok(g)) => {
                // A re-read (`r`, or after a cancelled send) keeps what is typed.
                if (0..self.entries.len()).any(|r| self.modified(r)) {
                    self.base = g;
                } else {
                    self.show(g);
                }
                self.phase.loaded();
                vec![]
            }
            GuardrailMsg::Loaded(Err(e)) => {
                self.phase = Phase::LoadFailed(error_text(&e));
                vec![]
            }
            GuardrailMsg::Conflict { fields, now } => {
                self.phase.conflict(Conflict { fields, now });
                vec![]
            }
            GuardrailMsg::CheckFailed(e) => {
                if self.phase.is_sending() {
                    self.phase = Phase::Edit;
                    self.status = Some(format!("nothing was sent: {}", error_text(&e)));
                }
                vec![]
            }
            GuardrailMsg::Sent(result) => {
                let p = match &self.phase {
                    Phase::Write(f) if f.is_sending() => f.plan.clone(),
                    _ => return vec![],
                };
                let after = result.map_err(|f| crate::tui::screens::budgets::failure_text(&f));
                let elsewhere = match after.as_ref().map(|g| guardrail::written(g, &p.owner)) {
                    // A named guardrail's answer was checked by the core's send.
                    Ok(guardrail::Written::Other(owner)) if !p.named => Some(owner),
                    _ => None,
                };
                let outcome = Outcome {
                    before: p.base.clone(),
                    after: after.clone(),
                    patch: p.patch,
                    undo: p.undo,
                    elsewhere: elsewhere.clone(),
                    owner: p.owner,
                };
                let mut fx = vec![];
                if let Ok(g) = after {
                    // Another workspace's guardrail is not shown as this one's.
                    if elsewhere.is_none() && outcome.owner == self.workspace_id {
                        self.show(Some(g));
                    }
                    self.undo.clear();
                    self.redo.clear();
                    self.last = Some(outcome.clone());
                    fx.push(GuardrailEffect::Record(outcome.clone()));
                }
                if let Phase::Write(flow) = &mut self.phase {
                    flow.finish(outcome);
                }
                fx
            }
        }
    }

    /// Why a guardrail read is not the one this form edits: another workspace's default
    /// one, or for a named one another id or workspace. `None` when it is.
    fn not_this_one(&self, g: &Map<String, Value>) -> Option<String> {
        if !self.named {
            return guardrail::not_the_default_of(g, &self.workspace_id);
        }
        let owner = Some(self.workspace_id.as_str()).filter(|w| !w.is_empty());
        guardrails::not_the_one(g, &self.guardrail_id, owner)
    }

    /// The entry being typed in a model list: the text after the last comma or space.
    fn typed_word(&self) -> Option<&str> {
        let r = self.focus;
        if !self.editing || self.back != 0 || !self.field(r).ends_with("_models") {
            return None;
        }
        let Entry::Text(t) = &self.entries[r] else {
            return None;
        };
        let word = t.rsplit(is_separator).next().unwrap_or("");
        (!word.is_empty()).then_some(word)
    }

    /// The catalog ids matching the entry being typed in a model list, best first (none when
    /// the word already is the one match or no catalog is loaded).
    pub fn suggestions(&self) -> Vec<String> {
        let (Some(word), Some(catalog)) = (self.typed_word(), &self.catalog) else {
            return vec![];
        };
        let list = suggest(catalog.models(false), word, SUGGESTIONS);
        if list.len() == 1 && list[0].id == word {
            return vec![];
        }
        list.into_iter().map(|m| m.id.clone()).collect()
    }

    /// ↓/↑ move the highlight, Enter takes the highlighted id in place of the typed word (with
    /// none highlighted Enter ends the edit as typed). `true` when the key was used.
    fn suggestion_key(&mut self, key: &KeyEvent) -> bool {
        let ids = self.suggestions();
        if ids.is_empty() {
            self.suggestion = None;
            return false;
        }
        let pick = match crate::tui::screens::suggest::step(key, self.suggestion, ids.len()) {
            Some(crate::tui::screens::suggest::Step::Highlight(at)) => {
                self.suggestion = at;
                return true;
            }
            Some(crate::tui::screens::suggest::Step::Take(i)) => ids[i].clone(),
            None => return false,
        };
        self.suggestion = None;
        let r = self.focus;
        if !self.typing {
            self.remember();
        }
        if let Entry::Text(t) = &mut self.entries[r] {
            let word = t.rsplit(is_separator).next().unwrap_or("").len();
            t.truncate(t.len() - word);
            t.push_str(&pick);
        }
        self.typing = false;
        true
    }

    pub fn text(&mut self, key: KeyEvent) -> Vec<GuardrailEffect> {
        if !self.editing {
            return vec![];
        }
        if self.suggestion_key(&key) {
            return vec![];
        }
        self.suggestion = None;
        let r = self.focus;
        match key.code {
            // The readline keys, as in the settings form's editor.
            _ if line_edit::handles(&key) => {
                if line_edit::changes(&key) && !self.typing {
                    self.remember();
                    self.typing = true;
                }
                if let Entry::Text(s) = &mut self.entries[r] {
                    line_edit::apply(s, &mut self.back, &key);
                }
            }
            KeyCode::Up | KeyCode::BackTab => self.move_focus(r.saturating_sub(1), true),
            KeyCode::Down | KeyCode::Tab => self.move_focus(r + 1, true),
            KeyCode::Enter | KeyCode::Esc => {
                self.editing = false;
                self.typing = false;
                self.back = 0;
            }
            _ => {}
        }
        vec![]
    }

    /// Whether a content-filter list is out in the external editor.
    pub fn awaits_editor(&self) -> bool {
        self.in_editor.is_some()
    }

    /// The external editor's text for the content-filter row it was opened on: taken when it is
    /// a JSON array the field accepts (an empty one clears it), else a clear status and the old
    /// value kept.
    ///
    /// Text that cannot be taken is not thrown away (as `kubectl edit` does): the editor opens
    /// again on it with the reason on top as `//` lines; quitting it with the text as it was
    /// handed keeps the old value and says so.
    pub fn editor_closed(
        &mut self,
        result: Result<String, crate::tui::external_editor::EditorError>,
    ) -> Vec<GuardrailEffect> {
        let Some((r, handed)) = self.in_editor.take() else {
            return vec![];
        };
        let field = self.field(r);
        let text = match result {
            Ok(t) => t,
            Err(e) => {
                self.status = Some(format!("the editor failed: {e}; {field} is unchanged"));
                return vec![];
            }
        };
        let retry = handed.starts_with("//");
        if retry && text.trim_end() == handed.trim_end() {
            self.status = Some(format!(
                "the editor's text was left unchanged: {field} keeps its old value"
            ));
            return vec![];
        }
        let body = external_editor::strip_json_reasons(&text);
        let value = match serde_json::from_str::<Value>(body) {
            Ok(Value::Array(a)) if a.is_empty() => Value::Null,
            Ok(v) => v,
            Err(e) => {
                return self.editor_again(
                    r,
                    &format!("not taken: the text is not JSON ({e})"),
                    body,
                );
            }
        };
        if let Some(rule) = guardrail::check_field(field, &value).first() {
            return self.editor_again(r, &format!("not taken: {rule}"), body);
        }
        if self.entries[r] != Entry::Fixed(value.clone()) {
            self.remember();
            self.entries[r] = Entry::Fixed(value);
        }
        self.status = Some(format!("{field} taken from the editor"));
        vec![]
    }

    /// What came back cannot be taken: the editor again, on the person's own text with the
    /// reason on top; the field keeps its value meanwhile.
    fn editor_again(&mut self, r: usize, reason: &str, text: &str) -> Vec<GuardrailEffect> {
        let field = self.field(r);
        self.status = Some(format!(
            "{reason}; {field} is unchanged. The editor opens again on your text (quit it unchanged to keep the old value)"
        ));
        let again = external_editor::with_json_reason(reason, text);
        self.in_editor = Some((r, again.clone()));
        vec![GuardrailEffect::OpenEditor {
            text: again,
            file: format!("{field}.json"),
        }]
    }

    fn move_focus(&mut self, to: usize, keep_editing: bool) {
        self.focus = to.min(self.entries.len() - 1);
        self.suggestion = None;
        self.typing = false;
        self.back = 0;
        self.editing = keep_editing && matches!(self.entries[self.focus], Entry::Text(_));
    }

    /// Space/←/→: a three-state cycles on / off / inherit, a boolean flips, the interval steps.
    fn cycle(&mut self, forward: bool) {
        let r = self.focus;
        let next = match &self.entries[r] {
            Entry::Tri(t) => {
                let n = if forward { t.next() } else { t.next().next() };
                Entry::Tri(n)
            }
            Entry::Bool(b) => Entry::Bool(!b),
            Entry::Interval(i) => {
                let mut all: Vec<Option<String>> = vec![None];
                all.extend(RESET_INTERVALS.iter().map(|s| Some(s.to_string())));
                let at = all.iter().position(|x| x == i).unwrap_or(0);
                let n = all.len();
                Entry::Interval(
                    all[if forward {
                        (at + 1) % n
                    } else {
                        (at + n - 1) % n
                    }]
                    .clone(),
                )
            }
            Entry::Text(_) => {
                self.status = Some("Enter edits this list; separate items with , or space".into());
                return;
            }
            Entry::Fixed(_) => {
                self.status = Some("e edits the content filters as JSON in $VISUAL/$EDITOR".into());
                return;
            }
        };
        self.remember();
        self.entries[r] = next;
    }

    fn review(&mut self) {
        match self.patch() {
            Ok(p) if p.is_empty() => {
                self.status =
                    Some("nothing to send: the guardrail is as the server holds it".into());
            }
            Ok(patch) => {
                self.editing = false;
                self.phase = Phase::Write(Box::new(GuardrailFlow::review(Pending {
                    base: self.base.clone(),
                    patch,
                    undo: false,
                    owner: self.workspace_id.clone(),
                    named: self.named,
                })));
            }
            Err(rules) => self.status = Some(format!("fix first: {}", rules[0])),
        }
    }

    fn review_undo(&mut self) {
        let Some(last) = self.last.clone() else {
            self.status = Some("nothing to undo".into());
            return;
        };
        let Ok(after) = last.after else {
            self.status = Some("nothing landed, so there is nothing to undo".into());
            return;
        };
        let target = last.before.clone().unwrap_or_default();
        // Back to the fields as they were: each field the patch changed, at its old value.
        let mut t = after.clone();
        for f in last.patch.keys() {
            t.insert(f.clone(), target.get(f).cloned().unwrap_or(Value::Null));
        }
        let back = if self.named {
            guardrails::patch(&after, &t)
        } else {
            guardrail::patch(Some(&after), &t)
                .map_err(|b| b.iter().map(ToString::to_string).collect())
        };
        match back {
            Ok(patch) if !patch.is_empty() => {
                // The guardrail written, wherever it was: its undo goes to the same one.
                let owner = last.elsewhere.clone().unwrap_or(last.owner.clone());
                let undo = Pending {
                    base: Some(after),
                    patch,
                    undo: true,
                    owner,
                    named: self.named,
                };
                match &mut self.phase {
                    Phase::Write(flow) => flow.undo(undo),
                    _ => self.phase = Phase::Write(Box::new(GuardrailFlow::review(undo))),
                }
            }
            Ok(_) => self.status = Some("nothing to undo".into()),
            Err(b) => self.status = Some(format!("cannot undo: {}", b[0])),
        }
    }

    /// The hints of the current phase: the actions it acts on with their labels.
    pub fn hints(&self) -> Vec<(Action, &'static str)> {
        tab_write::hints(self)
    }

    /// What an action does in the current phase; an action the phase does not list does nothing.
    pub fn act(&mut self, action: Action, read_only: Option<&str>) -> Vec<GuardrailEffect> {
        tab_write::act(self, action, read_only)
    }

    fn act_edit(&mut self, key: GuardrailKey) -> Vec<GuardrailEffect> {
        let r = self.focus;
        let last = self.entries.len() - 1;
        match key {
            GuardrailKey::Up => self.move_focus(r.saturating_sub(1), false),
            GuardrailKey::Down => self.move_focus(r + 1, false),
            GuardrailKey::Top => self.move_focus(0, false),
            GuardrailKey::Bottom => self.move_focus(last, false),
            GuardrailKey::Edit => match self.entries[r] {
                Entry::Text(_) => {
                    self.editing = true;
                    self.typing = false;
                    self.back = 0;
                }
                _ => self.cycle(true),
            },
            GuardrailKey::Toggle | GuardrailKey::CycleOn => self.cycle(true),
            GuardrailKey::CycleBack => self.cycle(false),
            GuardrailKey::Clear => {
                let cleared = match &self.entries[r] {
                    Entry::Text(_) => Some(Entry::Text(String::new())),
                    Entry::Tri(_) => Some(Entry::Tri(TriState::Inherit)),
                    Entry::Interval(_) => Some(Entry::Interval(None)),
                    Entry::Bool(_) | Entry::Fixed(_) => None,
                };
                match cleared {
                    Some(e) => {
                        self.remember();
                        self.entries[r] = e;
                    }
                    None => self.status = Some("this field cannot be cleared here".into()),
                }
            }
            GuardrailKey::Undo => match self.undo.pop() {
                Some(s) => {
                    self.redo.push(std::mem::replace(&mut self.entries, s));
                }
                None => self.status = Some("nothing to undo".into()),
            },
            GuardrailKey::Redo => match self.redo.pop() {
                Some(s) => {
                    self.undo.push(std::mem::replace(&mut self.entries, s));
                }
                None => self.status = Some("nothing to redo".into()),
            },
            GuardrailKey::Reset => {
                self.remember();
                self.entries[r] = self.entries_for(self.base.as_ref())[r].clone();
            }
            GuardrailKey::ResetAll => {
                self.remember();
                self.entries = self.entries_for(self.base.as_ref());
            }
            GuardrailKey::Review => self.review(),
            GuardrailKey::Editor => match &self.entries[r] {
                Entry::Fixed(v) => {
                    let v = if v.is_null() {
                        &Value::Array(vec![])
                    } else {
                        v
                    };
                    let text = format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default());
                    self.in_editor = Some((r, text.clone()));
                    return vec![GuardrailEffect::OpenEditor {
                        text,
                        file: format!("{}.json", self.field(r)),
                    }];
                }
                _ => {
                    self.status =
                        Some("e is for the content filters; Enter edits this field".into())
                }
            },
            GuardrailKey::Reload => {
                self.phase = Phase::Loading;
                return vec![GuardrailEffect::Load];
            }
            GuardrailKey::Back => return vec![GuardrailEffect::Back],
        }
        vec![]
    }
}

impl WriteTab for GuardrailState {
    type Plan = Pending;
    type Effect = GuardrailEffect;

    fn phase(&self) -> &Phase {
        &self.phase
    }

    fn phase_mut(&mut self) -> &mut Phase {
        &mut self.phase
    }

    fn status_mut(&mut self) -> &mut Option<String> {
        &mut self.status
    }

    fn edit_hints(&self) -> Vec<(Action, &'static str)> {
        tab_write::edit_hints(EditLabels {
            toggle: "cycle",
            cycle: ("previous", "next"),
            clear: "clear",
            editor: Some("filters in $EDITOR"),
        })
    }

    fn act_on_edit(&mut self, action: Action) -> Vec<GuardrailEffect> {
        match GuardrailKey::from_action(action) {
            Some(key) => self.act_edit(key),
            None => vec![],
        }
    }

    fn start_review(&mut self) {
        self.review();
    }

    fn start_undo(&mut self) {
        self.review_undo();
    }

    fn closed_line(o: &Outcome) -> String {
        match (&o.after, o.undo) {
            (Ok(_), false) => "Applied.".to_string(),
            (Ok(_), true) => "Undone.".to_string(),
            (Err(why), _) => format!("Not applied: {why}"),
        }
    }

    fn rebase(&mut self, conflict: Conflict) {
        self.base = conflict.now;
    }

    fn take_theirs(&mut self, conflict: Conflict) {
        self.remember();
        self.show(conflict.now);
    }

    fn undo_flag(plan: &mut Pending) -> &mut bool {
        &mut plan.undo
    }

    fn load() -> GuardrailEffect {
        GuardrailEffect::Load
    }

    fn back() -> GuardrailEffect {
        GuardrailEffect::Back
    }

    fn send(plan: Pending) -> GuardrailEffect {
        GuardrailEffect::Send(plan)
    }

    fn cancel() -> GuardrailEffect {
        GuardrailEffect::Cancel
    }
}

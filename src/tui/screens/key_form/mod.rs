//! A key's form on the Keys tab: `n` creates a key (name; limit, limit reset, include BYOK in
//! the limit, expiry — R28: an expiry can only be set at creation), `e` edits the selected one
//! (name, limit, limit reset, include BYOK). Validated on every keystroke; `s` opens the Review
//! of the exact `POST /keys` or `PATCH /keys/{hash}` in the one write flow. Its draft is kept
//! (`new-key-<workspace>` or `key-<hash>`), never a secret.

pub mod view;

use crate::admin::key_labels::{self, KeyCreate, KeyEdit};
use crate::admin::keys::Key;
use crate::config::Action;
use crate::config::keys::{HELP_HINT, KeyFormKey, QUIT_HINT};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::write::review::{self, Row};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// The limit's reset, in the order `Space` cycles it.
pub const RESETS: [&str; 4] = ["none", "daily", "weekly", "monthly"];

/// A field of the form, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Limit,
    Reset,
    Byok,
    Expires,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Limit => "Limit (USD)",
            Field::Reset => "Limit reset",
            Field::Byok => "Include BYOK in limit",
            Field::Expires => "Expires",
        }
    }

    /// A field typed as text (the others are choices).
    pub fn typed(self) -> bool {
        matches!(self, Field::Name | Field::Limit | Field::Expires)
    }
}

/// Creating a key in a workspace, or editing one.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Create { workspace_id: String },
    Edit(Box<Key>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyForm {
    pub target: Target,
    pub name: String,
    /// Dollars as typed; empty: no limit.
    pub limit: String,
    /// An index into [`RESETS`].
    pub reset: usize,
    pub byok: bool,
    /// RFC 3339 or `30d`/`2w`; empty: never (create only).
    pub expires: String,
    pub focus: usize,
    pub editing: bool,
    /// Shown (hidden by `Esc`, kept: `n`/`e` bring it back).
    pub open: bool,
}

fn reset_of(key: &Key) -> usize {
    let held = key.extra.get("limit_reset").and_then(Value::as_str);
    RESETS.iter().position(|r| Some(*r) == held).unwrap_or(0)
}

fn byok_of(key: &Key) -> bool {
    key.extra
        .get("include_byok_in_limit")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn money(v: f64) -> String {
    let s = format!("{v:.2}");
    s.strip_suffix(".00").map(str::to_string).unwrap_or(s)
}

impl KeyForm {
    pub fn create(workspace_id: &str) -> Self {
        Self {
            target: Target::Create {
                workspace_id: workspace_id.to_string(),
            },
            name: String::new(),
            limit: String::new(),
            reset: 0,
            byok: false,
            expires: String::new(),
            focus: 0,
            editing: true,
            open: true,
        }
    }

    /// The key's values as the list read them.
    pub fn edit(key: &Key) -> Self {
        Self {
            target: Target::Edit(Box::new(key.clone())),
            name: key.name.clone(),
            limit: key.limit.map(money).unwrap_or_default(),
            reset: reset_of(key),
            byok: byok_of(key),
            expires: String::new(),
            focus: 0,
            editing: false,
            open: true,
        }
    }

    pub fn is_create(&self) -> bool {
        matches!(self.target, Target::Create { .. })
    }

    /// The fields, in order (an expiry only at creation, R28).
    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Name, Field::Limit, Field::Reset, Field::Byok];
        if self.is_create() {
            f.push(Field::Expires);
        }
        f
    }

    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus.min(f.len() - 1)]
    }

    /// The id its draft is kept under.
    pub fn draft_id(&self) -> String {
        match &self.target {
            Target::Create { workspace_id } => format!("new-key-{workspace_id}"),
            Target::Edit(key) => format!("key-{}", key.hash),
        }
    }

    /// Why a field's value is not acceptable, if it is not (at the server's `now`).
    pub fn error(&self, field: Field, now: OffsetDateTime) -> Option<String> {
        match field {
            Field::Name if self.name.trim().is_empty() => Some("a name is required".into()),
            Field::Limit if !self.limit.trim().is_empty() => {
                key_labels::parse_limit(&self.limit).err()
            }
            Field::Expires if !self.expires.trim().is_empty() => {
                key_labels::parse_expiry(&self.expires, now).err()
            }
            _ => None,
        }
    }

    pub fn first_error(&self, now: OffsetDateTime) -> Option<String> {
        self.fields().into_iter().find_map(|f| self.error(f, now))
    }

    fn limit_value(&self) -> Option<f64> {
        key_labels::parse_limit(&self.limit).ok()
    }

    fn reset_value(&self) -> Option<String> {
        (self.reset > 0).then(|| RESETS[self.reset].to_string())
    }

    /// The `POST /keys` body (fields left at their default are not sent).
    pub fn body(&self, workspace_id: &str, now: OffsetDateTime) -> KeyCreate {
        KeyCreate {
            name: self.name.trim().to_string(),
            workspace_id: workspace_id.to_string(),
            limit: self.limit_value(),
            limit_reset: self.reset_value(),
            include_byok_in_limit: self.byok.then_some(true),
            expires_at: key_labels::parse_expiry(&self.expires, now).ok(),
        }
    }

    /// The `PATCH /keys/{hash}` of what differs from the key as read.
    pub fn changes(&self, key: &Key) -> KeyEdit {
        let limit = self.limit_value();
        KeyEdit {
            name: (self.name.trim() != key.name).then(|| self.name.trim().to_string()),
            limit: (limit != key.limit).then_some(limit),
            limit_reset: (self.reset != reset_of(key)).then(|| self.reset_value()),
            include_byok_in_limit: (self.byok != byok_of(key)).then_some(self.byok),
        }
    }

    /// Fields typed and not sent, for the quit question.
    pub fn unsaved(&self) -> usize {
        match &self.target {
            Target::Create { .. } => {
                usize::from(!self.name.is_empty())
                    + usize::from(!self.limit.is_empty())
                    + usize::from(self.reset > 0)
                    + usize::from(self.byok)
                    + usize::from(!self.expires.is_empty())
            }
            Target::Edit(key) => {
                let other = Self::edit(key);
                usize::from(self.name != other.name)
                    + usize::from(self.limit != other.limit)
                    + usize::from(self.reset != other.reset)
                    + usize::from(self.byok != other.byok)
            }
        }
    }

    /// What was typed, as a draft (never a secret: a form has none).
    pub fn draft(&self, host: &str) -> Option<crate::state::drafts::Draft> {
        if self.unsaved() == 0 {
            return None;
        }
        let base = match &self.target {
            Target::Create { .. } => Value::Null,
            Target::Edit(key) => serde_json::to_value(key.as_ref()).unwrap_or(Value::Null),
        };
        let mut d = crate::state::drafts::Draft::empty(host, &self.draft_id(), base);
        d.fields.insert("name".into(), json!(self.name));
        d.fields.insert("limit".into(), json!(self.limit));
        d.fields
            .insert("limit_reset".into(), json!(RESETS[self.reset]));
        d.fields
            .insert("include_byok_in_limit".into(), json!(self.byok));
        if self.is_create() {
            d.fields.insert("expires".into(), json!(self.expires));
        }
        Some(d)
    }

    /// Puts a draft's fields back.
    pub fn restore(&mut self, draft: &crate::state::drafts::Draft) {
        let text = |k: &str| draft.fields.get(k).and_then(Value::as_str);
        if let Some(v) = text("name") {
            self.name = v.to_string();
        }
        if let Some(v) = text("limit") {
            self.limit = v.to_string();
        }
        if let Some(i) = text("limit_reset").and_then(|r| RESETS.iter().position(|x| *x == r)) {
            self.reset = i;
        }
        if let Some(b) = draft
            .fields
            .get("include_byok_in_limit")
            .and_then(Value::as_bool)
        {
            self.byok = b;
        }
        if let (true, Some(v)) = (self.is_create(), text("expires")) {
            self.expires = v.to_string();
        }
    }

    /// The Review of what the form sends, or why not yet.
    pub fn review(&self, now: OffsetDateTime) -> Result<AdminWrite, String> {
        if let Some(why) = self.first_error(now) {
            return Err(format!("Not yet: {why}."));
        }
        match &self.target {
            Target::Create { workspace_id } => Ok(create_write(&self.body(workspace_id, now))),
            Target::Edit(key) => {
                let edit = self.changes(key);
                if edit.is_empty() {
                    return Err("Nothing to send: the key already holds these values.".into());
                }
                Ok(edit_write(key, edit))
            }
        }
    }

    /// A key of the form: the Review when it is valid, else why not; Esc hides it (kept).
    pub fn act(
        &mut self,
        key: KeyFormKey,
        now: OffsetDateTime,
    ) -> Result<Option<AdminWrite>, String> {
        let n = self.fields().len();
        match key {
            KeyFormKey::Up => self.focus = self.focus.saturating_sub(1),
            KeyFormKey::Down => self.focus = (self.focus + 1).min(n - 1),
            KeyFormKey::Edit | KeyFormKey::Toggle | KeyFormKey::CycleOn => match self.focused() {
                f if f.typed() => self.editing = true,
                Field::Byok => self.byok = !self.byok,
                _ => self.reset = (self.reset + 1) % RESETS.len(),
            },
            KeyFormKey::CycleBack => match self.focused() {
                Field::Byok => self.byok = !self.byok,
                Field::Reset => self.reset = (self.reset + RESETS.len() - 1) % RESETS.len(),
                _ => {}
            },
            KeyFormKey::Review => return self.review(now).map(Some),
            KeyFormKey::Back => self.open = false,
        }
        Ok(None)
    }

    /// Keys while a text field is typed: text; Enter/Esc done, Tab/↓ the next field, ↑ back.
    pub fn edit_key(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.fields().len();
        let field = self.focused();
        let text = match field {
            Field::Name => &mut self.name,
            Field::Limit => &mut self.limit,
            Field::Expires => &mut self.expires,
            Field::Reset | Field::Byok => {
                self.editing = false;
                return;
            }
        };
        match key.code {
            KeyCode::Enter | KeyCode::Esc => self.editing = false,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(n - 1);
                self.editing = self.focused().typed();
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = self.focus.saturating_sub(1);
                self.editing = self.focused().typed();
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char('u') if ctrl => text.clear(),
            KeyCode::Char(c) if !ctrl => text.push(c),
            _ => {}
        }
    }
}

fn money_or_none(v: Option<f64>) -> String {
    v.map_or_else(|| review::NULL.to_string(), |l| format!("${}", money(l)))
}

/// `POST /keys`: its Review rows, and why it has no undo here (a created key is undone by
/// deleting it, which its Result offers).
pub fn create_write(body: &KeyCreate) -> AdminWrite {
    let or_null = |v: Option<String>| v.unwrap_or_else(|| review::NULL.to_string());
    let mut write = AdminWrite::new(
        format!("Create key \"{}\"", body.name),
        vec![AdminRequest::CreateKey { body: body.clone() }],
    )
    .with_rows(vec![
        Row::new("name", review::NULL, &body.name),
        Row::new("limit", review::NULL, money_or_none(body.limit)),
        Row::new(
            "limit reset",
            review::NULL,
            or_null(body.limit_reset.clone()),
        ),
        Row::new(
            "include BYOK in limit",
            review::NULL,
            body.include_byok_in_limit.unwrap_or(false).to_string(),
        ),
        Row::new("expires", review::NULL, or_null(body.expires_at.clone())),
    ]);
    write.notes.push(
        "The new key's secret is shown once, in a dialog, and never again: store it then (it can be written to a new file you name)."
            .into(),
    );
    if body.expires_at.is_some() {
        write
            .notes
            .push("An expiry can only be set now; it cannot be changed later.".into());
    }
    write.no_undo = Some("A created key is removed by deleting it (x on the Keys tab).".into());
    write
}

/// `PATCH /keys/{hash}` of the fields that change; undone by sending what the key held.
pub fn edit_write(key: &Key, edit: KeyEdit) -> AdminWrite {
    let back = edit.of_key(key);
    let mut rows = Vec::new();
    let shown = |v: &Value| match v {
        Value::Null => review::NULL.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_f64()
            .map_or(n.to_string(), |f| format!("${}", money(f))),
        v => v.to_string(),
    };
    let (after, before) = (edit.to_map(), back.to_map());
    for (field, to) in &after {
        let from = before.get(field).cloned().unwrap_or(Value::Null);
        rows.push(Row::new(field.replace('_', " "), shown(&from), shown(to)));
    }
    let request = |edit: KeyEdit| AdminRequest::EditKey {
        hash: key.hash.clone(),
        edit,
    };
    let mut write =
        AdminWrite::new(format!("Edit key \"{}\"", key.name), vec![request(edit)]).with_rows(rows);
    write.undo = Some((
        format!("Undo the edit of key \"{}\"", key.name),
        vec![request(back)],
    ));
    write.seen = crate::write::record::key_seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

pub fn hints(form: &KeyForm) -> Vec<(Action, &'static str)> {
    let choice = match form.focused() {
        Field::Byok => "toggle",
        Field::Reset => "next reset",
        _ => "edit",
    };
    vec![
        (KeyFormKey::Edit.into(), choice),
        (KeyFormKey::Review.into(), "review"),
        HELP_HINT,
        (KeyFormKey::Up.into(), "move"),
        (KeyFormKey::Down.into(), "move"),
        (KeyFormKey::Toggle.into(), "toggle / next"),
        (KeyFormKey::CycleOn.into(), "next"),
        (KeyFormKey::CycleBack.into(), "previous"),
        (KeyFormKey::Back.into(), "back (kept)"),
        QUIT_HINT,
    ]
}

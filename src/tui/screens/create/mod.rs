//! Creating a workspace (`n` in the picker): name and slug with create's rules (both required;
//! the slug follows the name, slugified, until the person edits it), a Review of the exact
//! `POST /workspaces`, and then it opens like any other workspace. `Esc` hides the form and
//! keeps what was typed (`n` brings it back).

pub mod view;

use crate::config::Action;
use crate::config::keys::{CreateKey, HELP_HINT, QUIT_HINT};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value, json};

/// The two fields of a new workspace.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CreateForm {
    pub name: String,
    pub slug: String,
    /// The person typed the slug: it no longer follows the name.
    pub slug_edited: bool,
    /// 0 = name, 1 = slug.
    pub focus: usize,
    pub editing: bool,
    /// Shown over the picker (hidden by `Esc`, kept).
    pub open: bool,
    /// A Review was asked for: an empty field is then an error, not only a note.
    pub tried: bool,
}

/// `My Team 2` → `my-team-2`: lower case letters and digits, one dash between words.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

impl CreateForm {
    /// Why a field is not acceptable yet, if it is not (create's rules: both required).
    pub fn error(&self, field: usize) -> Option<String> {
        let (name, text) = if field == 0 {
            ("name", &self.name)
        } else {
            ("slug", &self.slug)
        };
        if text.trim().is_empty() {
            return Some(format!("{name} is required"));
        }
        let spec = crate::workspace::field(name)?;
        spec.check(&json!(text)).err().map(|e| e.to_string())
    }

    /// Typed fields not sent yet, for the quit question (a slug that only follows the name is
    /// not a field of its own).
    pub fn unsaved(&self) -> usize {
        usize::from(!self.name.is_empty()) + usize::from(self.slug_edited && !self.slug.is_empty())
    }

    /// What was typed, as a draft (a slug that only follows the name is left out).
    pub fn draft(&self, host: &str) -> Option<crate::state::drafts::Draft> {
        use crate::state::drafts::{Draft, NEW_WORKSPACE};
        if self.unsaved() == 0 {
            return None;
        }
        let mut d = Draft::empty(host, NEW_WORKSPACE, Value::Null);
        d.fields.insert("name".into(), json!(self.name));
        if self.slug_edited {
            d.fields.insert("slug".into(), json!(self.slug));
        }
        Some(d)
    }

    /// Puts a draft's name and slug back (the slug follows the name when the draft has none).
    pub fn restore(&mut self, draft: &crate::state::drafts::Draft) {
        let text = |k: &str| {
            draft
                .fields
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        self.name = text("name").unwrap_or_default();
        match text("slug") {
            Some(slug) => {
                self.slug = slug;
                self.slug_edited = true;
            }
            None => {
                self.slug_edited = false;
                self.follow();
            }
        }
    }

    pub fn valid(&self) -> bool {
        self.error(0).is_none() && self.error(1).is_none()
    }

    pub fn body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("name".into(), json!(self.name));
        body.insert("slug".into(), json!(self.slug));
        body
    }

    fn type_char(&mut self, c: char) {
        if self.focus == 0 {
            self.name.push(c);
        } else {
            self.slug.push(c);
            self.slug_edited = true;
        }
    }

    fn erase(&mut self) {
        if self.focus == 0 {
            self.name.pop();
        } else {
            self.slug.pop();
            self.slug_edited = true;
        }
    }

    fn follow(&mut self) {
        if !self.slug_edited {
            self.slug = slugify(&self.name);
        }
    }
}

impl CreateForm {
    /// `n` in the picker: the form, as it was left.
    pub fn show(&mut self) {
        self.open = true;
        self.editing = true;
    }

    /// A key of the form: the Review of the create when the name and slug are valid, else
    /// why not (said as an error); Esc hides the form and keeps what was typed.
    pub fn act(&mut self, key: CreateKey) -> Result<Option<AdminWrite>, String> {
        match key {
            CreateKey::Up => self.focus = 0,
            CreateKey::Down => self.focus = 1,
            CreateKey::Edit => self.editing = true,
            CreateKey::Review if self.valid() => {
                let mut write = AdminWrite::new(
                    format!("Create workspace \"{}\" ({})", self.name, self.slug),
                    vec![AdminRequest::CreateWorkspace { body: self.body() }],
                );
                write.no_undo = Some(
                    "A created workspace is removed by deleting it (it holds no keys yet).".into(),
                );
                return Ok(Some(write));
            }
            CreateKey::Review => {
                self.tried = true;
                let why = self.error(0).or_else(|| self.error(1)).unwrap_or_default();
                return Err(format!("Not yet: {why}."));
            }
            CreateKey::Back => self.open = false,
        }
        Ok(None)
    }

    /// Keys while a field is edited: text; Enter/Esc done, Tab the other field.
    pub fn edit_key(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter | KeyCode::Esc => self.editing = false,
            KeyCode::Tab | KeyCode::BackTab => self.focus = 1 - self.focus,
            KeyCode::Backspace => self.erase(),
            KeyCode::Char('u') if ctrl => {
                if self.focus == 0 {
                    self.name.clear();
                } else {
                    self.slug.clear();
                    self.slug_edited = true;
                }
            }
            KeyCode::Char(c) if !ctrl => self.type_char(c),
            _ => {}
        }
        self.follow();
    }
}

pub fn hints() -> Vec<(Action, &'static str)> {
    vec![
        (CreateKey::Edit.into(), "edit"),
        (CreateKey::Review.into(), "review"),
        HELP_HINT,
        (CreateKey::Up.into(), "move"),
        (CreateKey::Down.into(), "move"),
        (CreateKey::Back.into(), "back (kept)"),
        QUIT_HINT,
    ]
}

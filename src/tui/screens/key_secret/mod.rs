//! A new key's secret (product.md §12, §15): shown once, in a dialog over the Keys tab, until
//! the person says they stored it. `w` writes it to a new 0600 file they name (never over a
//! file, never through a link); `Space` ticks "I have stored it" and only then `Enter`
//! closes; `Esc` asks first; `q` asks as quitting does (the dialog counts as unsaved). The
//! secret is in no draft, history entry, status line or file but the one named.

pub mod view;

use crate::admin::key_labels::Secret;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, PartialEq)]
pub struct SecretDialog {
    pub name: String,
    pub hash: String,
    secret: Secret,
    /// "I have stored it" ticked.
    pub stored: bool,
    /// A file path being typed (`w`).
    pub path: Option<String>,
    /// The file the secret went to, once written.
    pub written: Option<String>,
    /// A write to a file in flight.
    pub writing: bool,
    /// `Esc` asked: "have you stored it?".
    pub asking: bool,
    /// The last thing to say in the dialog (why a file was not written, what Enter needs).
    pub note: Option<String>,
}

/// What a key in the dialog asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    Nothing,
    /// Write the secret to this new file.
    Write(String, Secret),
    /// Stored: the dialog closes and the secret is forgotten.
    Close,
    /// `q`: the quit question.
    Quit,
}

impl SecretDialog {
    pub fn new(name: &str, hash: &str, secret: Secret) -> Self {
        Self {
            name: name.to_string(),
            hash: hash.to_string(),
            secret,
            stored: false,
            path: None,
            written: None,
            writing: false,
            asking: false,
            note: None,
        }
    }

    /// The secret, for the dialog's own view only.
    pub fn expose(&self) -> &str {
        self.secret.expose()
    }

    /// A key typed while the dialog shows.
    pub fn key(&mut self, key: KeyEvent) -> Asked {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(path) = &mut self.path {
            match key.code {
                KeyCode::Esc => self.path = None,
                KeyCode::Enter if path.trim().is_empty() => {
                    self.note = Some("Type the file's path, or Esc.".into());
                }
                KeyCode::Enter => {
                    let path = self.path.take().unwrap_or_default();
                    self.writing = true;
                    self.note = None;
                    return Asked::Write(path, self.secret.clone());
                }
                KeyCode::Backspace => {
                    path.pop();
                }
                KeyCode::Char('u') if ctrl => path.clear(),
                KeyCode::Char(c) if !ctrl => path.push(c),
                _ => {}
            }
            return Asked::Nothing;
        }
        if self.asking {
            match key.code {
                KeyCode::Char('y') => return Asked::Close,
                KeyCode::Char('n') | KeyCode::Esc => self.asking = false,
                _ => {}
            }
            return Asked::Nothing;
        }
        match key.code {
            KeyCode::Char(' ') => self.stored = !self.stored,
            KeyCode::Char('w') if !self.writing => {
                self.path = Some(String::new());
                self.note = None;
            }
            KeyCode::Enter if self.stored => return Asked::Close,
            KeyCode::Enter => {
                self.note = Some(
                    "Tick \"I have stored it\" first (Space): the secret is never shown again."
                        .into(),
                );
            }
            KeyCode::Esc => self.asking = true,
            KeyCode::Char('q') => return Asked::Quit,
            _ => {}
        }
        Asked::Nothing
    }

    /// The file write's answer: where it went, or why not (the dialog stays either way).
    pub fn wrote(&mut self, result: Result<String, String>) {
        self.writing = false;
        match result {
            Ok(path) => {
                self.note = None;
                self.written = Some(path);
            }
            Err(why) => self.note = Some(format!("Not written: {why}")),
        }
    }
}

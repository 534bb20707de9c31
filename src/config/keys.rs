//! Key bindings of the form's browse mode: named actions, each bound to a list of keys that the
//! configuration file may replace (`[keys]` in `config.toml`).
//!
//! Key strings: a single character (`"j"`, `"?"`, `"U"`), a name (`enter`, `esc`, `tab`,
//! `backtab`, `space`, `up`, `down`, `left`, `right`, `delete`, `backspace`, `home`, `end`,
//! `pageup`, `pagedown`, `insert`, `f1`…`f12`), optionally after `ctrl-`, `alt-` and `shift-`
//! (`"ctrl-s"`, `"alt-x"`, `"shift-tab"`). Names and modifiers are case-insensitive; single
//! characters are not (`"u"` and `"U"` are different keys).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// What a key does in the form when no field is being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Focus the previous field.
    Up,
    /// Focus the next field.
    Down,
    /// Start editing the focused field.
    Edit,
    /// Flip a boolean, or open the choices of a list field.
    Toggle,
    /// Set the focused field to null (when it may be null).
    Clear,
    /// Undo the last change to the form.
    Undo,
    /// Redo what `Undo` undid.
    Redo,
    /// Put the focused field back to the server's value.
    Reset,
    /// Put every field back to the server's value (asks first).
    ResetAll,
    /// Edit the focused text field in $VISUAL / $EDITOR.
    Editor,
    /// Review the change before sending it.
    Review,
    /// Show the keys.
    Help,
    /// Quit orws.
    Quit,
    /// Back to the workspace list.
    Back,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 14] = [
        Action::Up,
        Action::Down,
        Action::Edit,
        Action::Toggle,
        Action::Clear,
        Action::Undo,
        Action::Redo,
        Action::Reset,
        Action::ResetAll,
        Action::Editor,
        Action::Review,
        Action::Help,
        Action::Quit,
        Action::Back,
    ];

    /// The name used in `config.toml`'s `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::Edit => "edit",
            Action::Toggle => "toggle",
            Action::Clear => "clear",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Reset => "reset",
            Action::ResetAll => "reset_all",
            Action::Editor => "editor",
            Action::Review => "review",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Back => "back",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A few words for the help screen.
    pub fn description(self) -> &'static str {
        match self {
            Action::Up => "previous field",
            Action::Down => "next field",
            Action::Edit => "edit the field",
            Action::Toggle => "toggle / choose",
            Action::Clear => "set to null",
            Action::Undo => "undo a change",
            Action::Redo => "redo",
            Action::Reset => "reset the field",
            Action::ResetAll => "reset all fields",
            Action::Editor => "edit in $EDITOR",
            Action::Review => "review and save",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Back => "back to the list",
        }
    }

    /// The keys bound to the action when the configuration says nothing about it.
    pub fn default_keys(self) -> &'static [&'static str] {
        match self {
            Action::Up => &["up", "k", "backtab"],
            Action::Down => &["down", "j", "tab"],
            Action::Edit => &["enter", "i"],
            Action::Toggle => &["space"],
            Action::Clear => &["delete", "backspace"],
            Action::Undo => &["u"],
            Action::Redo => &["ctrl-r"],
            Action::Reset => &["x"],
            Action::ResetAll => &["X"],
            Action::Editor => &["e"],
            Action::Review => &["s", "ctrl-s"],
            Action::Help => &["?"],
            Action::Quit => &["q"],
            Action::Back => &["esc"],
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key string that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParseError {
    /// The key string as written.
    pub key: String,
    pub reason: String,
}

impl fmt::Display for KeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad key {:?}: {}", self.key, self.reason)
    }
}

impl std::error::Error for KeyParseError {}

/// One key: a code and the modifiers that matter (ctrl, alt, and shift on non-character keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("backspace", KeyCode::Backspace),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("insert", KeyCode::Insert),
];

impl KeySpec {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Self::normalized(code, modifiers)
    }

    /// Keeps ctrl and alt; shift only where the code does not already carry it (a character
    /// comes as its shifted self, `U`; shift-tab comes as BackTab).
    fn normalized(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                // Terminals cannot tell ctrl-s from ctrl-S.
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, modifiers }
    }

    /// True when the event is a press (or repeat) of this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        event.kind != KeyEventKind::Release
            && Self::normalized(event.code, event.modifiers) == *self
    }
}

impl FromStr for KeySpec {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| KeyParseError {
            key: s.to_string(),
            reason: reason.to_string(),
        };
        if s.is_empty() {
            return Err(err("empty"));
        }
        let mut rest = s;
        let mut modifiers = KeyModifiers::NONE;
        // A single character is itself, even `-`; longer strings may start with modifiers.
        while rest.chars().count() > 1 {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if modifiers.contains(flag) {
                return Err(err("a modifier is given twice"));
            }
            modifiers |= flag;
            rest = &rest[len..];
        }
        if rest.is_empty() {
            return Err(err("a modifier needs a key after it, e.g. ctrl-s"));
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_control() => {
                return Err(err("a control character; write e.g. ctrl-x or a key name"));
            }
            (Some(c), None) => {
                if modifiers.contains(KeyModifiers::SHIFT) {
                    if !c.is_alphabetic() {
                        return Err(err(
                            "shift- goes with a letter or a named key; write the shifted character itself",
                        ));
                    }
                    modifiers.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                    *code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=24).contains(n))
                {
                    KeyCode::F(n)
                } else {
                    return Err(err(
                        "not a key; use one character, or enter, esc, tab, backtab, space, up, \
                         down, left, right, delete, backspace, home, end, pageup, pagedown, \
                         insert, f1-f24, after ctrl-, alt- or shift- if needed",
                    ));
                }
            }
        };
        Ok(Self::normalized(code, modifiers))
    }
}

impl fmt::Display for KeySpec {
    /// The canonical key string, which parses back to the same key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(name, _)| *name);
                f.write_str(name)
            }
        }
    }
}

/// Every action's keys. Build with [`KeyBindings::default`], then [`KeyBindings::set`] or
/// [`KeyBindings::from_config`] to replace the keys of some actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindings {
    map: BTreeMap<Action, Vec<KeySpec>>,
}

impl Default for KeyBindings {
    fn default() -> Self {
        let map = Action::ALL
            .into_iter()
            .map(|a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .map(|k| k.parse().expect("default keys parse"))
                    .collect();
                (a, keys)
            })
            .collect();
        Self { map }
    }
}

/// Two actions that were given the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConflict {
    pub key: KeySpec,
    pub first: Action,
    pub second: Action,
}

impl fmt::Display for KeyConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the key {} is bound to both {} and {}; give one of them other keys",
            self.key, self.first, self.second
        )
    }
}

impl KeyBindings {
    /// The defaults with the given actions' keys replaced (an empty list unbinds the action).
    /// Refuses a key string that does not parse and a key bound to two actions.
    pub fn from_config<'a>(
        entries: impl IntoIterator<Item = (Action, &'a [String])>,
    ) -> Result<Self, KeyBindingError> {
        let mut bindings = Self::default();
        for (action, keys) in entries {
            let keys = keys
                .iter()
                .map(|k| k.parse::<KeySpec>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(KeyBindingError::Parse)?;
            bindings.set(action, keys);
        }
        if let Some(conflict) = bindings.conflicts().into_iter().next() {
            return Err(KeyBindingError::Conflict(conflict));
        }
        Ok(bindings)
    }

    /// Replaces the keys of one action (duplicates dropped, order kept).
    pub fn set(&mut self, action: Action, keys: Vec<KeySpec>) {
        let mut unique: Vec<KeySpec> = Vec::with_capacity(keys.len());
        for k in keys {
            if !unique.contains(&k) {
                unique.push(k);
            }
        }
        self.map.insert(action, unique);
    }

    /// The keys of an action, first the one help shows.
    pub fn keys(&self, action: Action) -> &[KeySpec] {
        self.map.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The action a key press stands for, if any. Releases never match.
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let pressed = KeySpec::normalized(event.code, event.modifiers);
        Action::ALL
            .into_iter()
            .find(|a| self.keys(*a).contains(&pressed))
    }

    /// The keys of an action as text for help and hints, e.g. `s / ctrl-s`.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(|k| k.to_string()).collect();
        keys.join(" / ")
    }

    /// Keys bound to more than one action.
    pub fn conflicts(&self) -> Vec<KeyConflict> {
        let mut out = Vec::new();
        for (i, first) in Action::ALL.iter().enumerate() {
            for second in &Action::ALL[i + 1..] {
                for key in self.keys(*first) {
                    if self.keys(*second).contains(key) {
                        out.push(KeyConflict {
                            key: *key,
                            first: *first,
                            second: *second,
                        });
                    }
                }
            }
        }
        out
    }
}

/// Why `[keys]` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyBindingError {
    Parse(KeyParseError),
    Conflict(KeyConflict),
}

impl fmt::Display for KeyBindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyBindingError::Parse(e) => e.fmt(f),
            KeyBindingError::Conflict(c) => c.fmt(f),
        }
    }
}

impl std::error::Error for KeyBindingError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn key_strings_parse_and_print_back() {
        for s in [
            "j",
            "U",
            "?",
            "-",
            "space",
            "enter",
            "esc",
            "tab",
            "backtab",
            "ctrl-s",
            "alt-x",
            "ctrl-alt-d",
            "delete",
            "backspace",
            "home",
            "end",
            "up",
            "f5",
            "shift-up",
        ] {
            let k: KeySpec = s.parse().unwrap();
            assert_eq!(k.to_string(), s, "{s}");
            assert_eq!(k.to_string().parse::<KeySpec>().unwrap(), k);
        }
        assert_eq!(
            "shift-tab".parse::<KeySpec>().unwrap().to_string(),
            "backtab"
        );
        assert_eq!("shift-u".parse::<KeySpec>().unwrap().to_string(), "U");
        assert_eq!("CTRL-S".parse::<KeySpec>().unwrap().to_string(), "ctrl-s");
        assert_eq!("ctrl--".parse::<KeySpec>().unwrap().to_string(), "ctrl--");
        assert_eq!(" ".parse::<KeySpec>().unwrap().to_string(), "space");
        for bad in ["", "ctrl-", "foo", "ctrl-ctrl-x", "shift-1", "f99", "\t"] {
            let e = bad.parse::<KeySpec>().unwrap_err();
            assert_eq!(e.key, bad);
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
    }

    #[test]
    fn events_match_as_terminals_send_them() {
        let keys = KeyBindings::default();
        let cases = [
            (
                press(KeyCode::Char('j'), KeyModifiers::NONE),
                Some(Action::Down),
            ),
            (
                press(KeyCode::Char('X'), KeyModifiers::SHIFT),
                Some(Action::ResetAll),
            ),
            (
                press(KeyCode::Char('x'), KeyModifiers::NONE),
                Some(Action::Reset),
            ),
            (
                press(KeyCode::Char('u'), KeyModifiers::NONE),
                Some(Action::Undo),
            ),
            (
                press(KeyCode::Char('r'), KeyModifiers::CONTROL),
                Some(Action::Redo),
            ),
            (press(KeyCode::Char('U'), KeyModifiers::SHIFT), None),
            (
                press(KeyCode::Char('?'), KeyModifiers::SHIFT),
                Some(Action::Help),
            ),
            (
                press(KeyCode::BackTab, KeyModifiers::SHIFT),
                Some(Action::Up),
            ),
            (
                press(KeyCode::Char('s'), KeyModifiers::CONTROL),
                Some(Action::Review),
            ),
            (
                press(
                    KeyCode::Char('S'),
                    KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                ),
                Some(Action::Review),
            ),
            (
                press(KeyCode::Char(' '), KeyModifiers::NONE),
                Some(Action::Toggle),
            ),
            (press(KeyCode::Esc, KeyModifiers::NONE), Some(Action::Back)),
            (press(KeyCode::Char('q'), KeyModifiers::CONTROL), None),
            (press(KeyCode::Char('z'), KeyModifiers::NONE), None),
        ];
        for (event, want) in cases {
            assert_eq!(keys.action_for(&event), want, "{event:?}");
        }
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(keys.action_for(&release), None);
    }

    #[test]
    fn defaults_have_no_conflicts() {
        assert!(KeyBindings::default().conflicts().is_empty());
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(!KeyBindings::default().keys(a).is_empty());
        }
    }

    #[test]
    fn config_replaces_one_action_and_refuses_conflicts() {
        let review = vec!["r".to_string(), "ctrl-x".to_string()];
        let keys = KeyBindings::from_config([(Action::Review, review.as_slice())]).unwrap();
        assert_eq!(keys.label(Action::Review), "r / ctrl-x");
        assert_eq!(keys.label(Action::Quit), "q");
        let quit = vec!["j".to_string()];
        let err = KeyBindings::from_config([(Action::Quit, quit.as_slice())]).unwrap_err();
        assert!(err.to_string().contains("down") && err.to_string().contains("quit"));
        let bad = vec!["ctrl-".to_string()];
        let err = KeyBindings::from_config([(Action::Quit, bad.as_slice())]).unwrap_err();
        assert!(err.to_string().contains("\"ctrl-\""), "{err}");
    }
}

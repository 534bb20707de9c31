//! One row of the form: a field's base value (as loaded), its current value, and its checks.

use crate::workspace::field::{FieldKind, FieldSpec};
use crate::workspace::{check_value, display_value, edit_text, parse_typed, values_equal};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct FieldState {
    pub spec: &'static FieldSpec,
    /// The value as last loaded from the server; `None` when the server did not send the field.
    pub base: Option<Value>,
    /// The value the patch would send.
    pub current: Option<Value>,
    /// Typed text that does not parse (e.g. `0.5x` as a rate): kept and shown, never dropped.
    pub unparsed: Option<(String, String)>,
    /// A message the server gave for this field on the last submit.
    pub server_error: Option<String>,
    /// A non-blocking remark, e.g. a model id missing from the catalog.
    pub warning: Option<String>,
    /// A bulk edit's field whose workspaces hold this many different values: it has no base
    /// (and no value) until the person sets one, which then goes to all of them.
    pub mixed: Option<usize>,
}

impl FieldState {
    pub fn new(spec: &'static FieldSpec, base: Option<Value>) -> Self {
        Self {
            spec,
            current: base.clone(),
            base,
            unparsed: None,
            server_error: None,
            warning: None,
            mixed: None,
        }
    }

    /// A bulk edit's field whose workspaces hold `values` different values.
    pub fn mixed(spec: &'static FieldSpec, values: usize) -> Self {
        Self {
            mixed: Some(values),
            ..Self::new(spec, None)
        }
    }

    /// Showing "N values": a bulk edit's field with different values, not set here.
    pub fn shows_mixed(&self) -> Option<usize> {
        self.mixed
            .filter(|_| self.current.is_none() && self.unparsed.is_none())
    }

    /// Shown in the form: disabled_server_tools only when the server knows it.
    pub fn is_visible(&self) -> bool {
        self.spec.kind != FieldKind::ToolList || self.base.is_some() || self.mixed.is_some()
    }

    pub fn is_modified(&self) -> bool {
        self.unparsed.is_some()
            || !values_equal(self.spec, self.base.as_ref(), self.current.as_ref())
    }

    /// The error that blocks a submit, if any: unparsable text, a broken rule in a value the
    /// person changed, or the server's word. A value nobody touched is not sent, so it blocks
    /// nothing (see [`FieldState::untouched_breach`]).
    pub fn error(&self) -> Option<String> {
        if let Some((_, e)) = &self.unparsed {
            return Some(e.clone());
        }
        let null = Value::Null;
        if self.is_modified()
            && let Err(e) = check_value(self.spec, self.current.as_ref().unwrap_or(&null))
        {
            return Some(e);
        }
        self.server_error.clone()
    }

    /// The rule an untouched value from the server breaks (e.g. a 501-character description
    /// written elsewhere): a warning, since orws only sends what the person changed.
    pub fn untouched_breach(&self) -> Option<String> {
        if self.is_modified() {
            return None;
        }
        check_value(self.spec, self.current.as_ref()?).err()
    }

    /// What the undo history keeps of this field.
    pub fn held(&self) -> (Option<Value>, Option<(String, String)>) {
        (self.current.clone(), self.unparsed.clone())
    }

    /// Takes a value back from the undo history.
    pub fn put_back(&mut self, (current, unparsed): (Option<Value>, Option<(String, String)>)) {
        self.current = current;
        self.unparsed = unparsed;
        self.server_error = None;
    }

    /// The value as a person reads it in the form.
    pub fn display(&self) -> String {
        match (&self.unparsed, self.shows_mixed()) {
            (Some((text, _)), _) => text.clone(),
            (None, Some(n)) => format!("{n} values"),
            (None, None) => display_value(self.current.as_ref()),
        }
    }

    /// The text an editor opens with.
    pub fn edit_text(&self) -> String {
        match &self.unparsed {
            Some((text, _)) => text.clone(),
            None => edit_text(self.current.as_ref()),
        }
    }

    /// Takes text typed in the editor: parsed when it can be, kept as typed when it cannot.
    pub fn set_text(&mut self, text: &str) {
        self.server_error = None;
        match parse_typed(self.spec, text) {
            Ok(v) => {
                self.current = Some(v);
                self.unparsed = None;
            }
            Err(e) => self.unparsed = Some((text.to_string(), e)),
        }
    }

    pub fn set_value(&mut self, value: Value) {
        self.server_error = None;
        self.unparsed = None;
        self.current = Some(value);
    }

    pub fn reset(&mut self) {
        self.current = self.base.clone();
        self.unparsed = None;
        self.server_error = None;
    }

    /// Takes a new base from the server. An unmodified field follows it; an edit is kept.
    pub fn rebase(&mut self, base: Option<Value>) {
        if !self.is_modified() {
            self.current = base.clone();
        }
        self.base = base;
        self.server_error = None;
    }

    /// The live counter, e.g. `37/100`, for fields with a length limit.
    pub fn counter(&self) -> Option<String> {
        let max = self.spec.max_chars?;
        let n = match (&self.unparsed, &self.current) {
            (Some((t, _)), _) => t.chars().count(),
            (None, Some(Value::String(s))) => s.chars().count(),
            _ => 0,
        };
        Some(format!("{n}/{max}"))
    }
}

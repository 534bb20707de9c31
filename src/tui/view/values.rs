//! How a field's value reads on screen, the same on every screen: toggles as `[x] on`, rates
//! with their percentage, `null` and absent values dimmed, empty text as `""`.

use crate::tui::theme::Theme;
use crate::workspace::{FieldKind, FieldSpec, display_value, field, percentage};
use ratatui::style::Style;
use serde_json::Value;
use std::borrow::Cow;

/// A value as text, and whether it is a placeholder (null, absent, empty) shown dimmed.
pub struct Shown<'a> {
    pub text: Cow<'a, str>,
    pub placeholder: bool,
}

impl Shown<'_> {
    pub fn style(&self, theme: &Theme, normal: Style) -> Style {
        if self.placeholder { theme.dim } else { normal }
    }
}

fn placeholder(text: &'static str) -> Shown<'static> {
    Shown {
        text: Cow::Borrowed(text),
        placeholder: true,
    }
}

fn shown(text: String) -> Shown<'static> {
    Shown {
        text: Cow::Owned(text),
        placeholder: false,
    }
}

/// The value of an editable field (`spec`), or of any other field when `spec` is `None`.
pub fn value<'a>(spec: Option<&FieldSpec>, v: Option<&'a Value>) -> Shown<'a> {
    let kind = spec.map(|s| s.kind);
    match (kind, v) {
        (_, None) => placeholder("(absent)"),
        (Some(FieldKind::ToolList), Some(Value::Null)) => placeholder("none"),
        (Some(FieldKind::ToolList), Some(Value::Array(a))) if a.is_empty() => placeholder("none"),
        (_, Some(Value::Null)) => placeholder("null"),
        (Some(FieldKind::Toggle), Some(Value::Bool(true))) => shown("[x] on".into()),
        (Some(FieldKind::Toggle), Some(Value::Bool(false))) => shown("[ ] off".into()),
        (Some(FieldKind::Rate), Some(Value::Number(n))) => match n.as_f64() {
            Some(x) => shown(format!("{n} ({})", percentage(x))),
            None => shown(n.to_string()),
        },
        (_, Some(Value::String(s))) if s.is_empty() => placeholder("\"\""),
        (_, Some(Value::String(s))) => Shown {
            text: Cow::Borrowed(s),
            placeholder: false,
        },
        (None, Some(v @ (Value::Object(_) | Value::Array(_)))) => shown(v.to_string()),
        (_, Some(v)) => shown(display_value(Some(v))),
    }
}

/// A value of the field called `name` (editable or not).
pub fn named<'a>(name: &str, v: Option<&'a Value>) -> Shown<'a> {
    value(field(name), v)
}

/// A field's label for tables: the form's label for editable fields, else the API name.
pub fn label(name: &str) -> &str {
    field(name).map_or(name, |f| f.label)
}

/// Whether a value is long text, shown as a word diff on the result screen.
pub fn is_long_text(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::String(s)) if s.chars().count() > 40 || s.contains('\n'))
}

/// A change made on the server by someone else, as wrapped lines: `  Label: before → after`.
pub fn remote_change_lines(
    c: &crate::workspace::Change,
    width: usize,
    theme: &Theme,
) -> Vec<ratatui::text::Line<'static>> {
    let (b, a) = (
        named(&c.field, c.before.as_ref()),
        named(&c.field, c.after.as_ref()),
    );
    let text = format!(
        "  {}: {} → {}",
        label(&c.field),
        super::text::one_line(&b.text),
        super::text::one_line(&a.text)
    );
    super::text::wrap_owned(&[(&text, theme.label)], width, 2)
}

//! How a field's value reads on screen, the same on every screen: toggles as `[x] on`, rates
//! with their percentage, null as `∅`, placeholders dimmed, empty text as `""`.

use crate::tui::theme::Theme;
use crate::workspace::{FieldKind, FieldSpec, field, show_value};
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

fn shown(text: String) -> Shown<'static> {
    Shown {
        text: Cow::Owned(text),
        placeholder: false,
    }
}

/// The value of an editable field (`spec`), or of any other field when `spec` is `None`:
/// the domain's [`show_value`] (`∅`, quoted look-alikes, `all keys`), toggles as checkboxes.
pub fn value<'a>(spec: Option<&FieldSpec>, v: Option<&'a Value>) -> Shown<'a> {
    let is_toggle = spec.is_some_and(|s| s.kind == FieldKind::Toggle);
    match v {
        Some(Value::Bool(true)) if is_toggle => shown("[x] on".into()),
        Some(Value::Bool(false)) if is_toggle => shown("[ ] off".into()),
        Some(_) | None => {
            let s = show_value(spec, v);
            Shown {
                text: Cow::Owned(s.text),
                placeholder: s.placeholder,
            }
        }
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

//! How a value reads to a person on a screen or in a table, without colour: null is `∅` (or
//! what null means for the field, e.g. `all keys`), text that could be mistaken for something
//! else is quoted (`"null"`, `""`, `" x"`), key ids read `1, 2, 3` or `no keys`.

use super::field::{FieldKind, FieldSpec};
use super::rule::{Null, Rule, percentage};
use serde_json::Value;

/// The sign for JSON null.
pub const NULL_SIGN: &str = "∅";

/// A value as one text, and whether it stands for the value rather than being it (null, absent,
/// an empty list, empty text): front ends may dim those, but the text alone tells them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueText {
    pub text: String,
    pub placeholder: bool,
}

impl ValueText {
    fn value(text: String) -> Self {
        Self {
            text,
            placeholder: false,
        }
    }

    fn placeholder(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            placeholder: true,
        }
    }
}

impl std::fmt::Display for ValueText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The value of an editable field (`spec`), or of any other field when `spec` is `None`.
pub fn show_value(spec: Option<&FieldSpec>, value: Option<&Value>) -> ValueText {
    let Some(value) = value else {
        return ValueText::placeholder("(absent)");
    };
    let Some(spec) = spec else {
        return match value {
            Value::Null => ValueText::placeholder(NULL_SIGN),
            Value::String(s) => text(s),
            Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => {
                ValueText::value(value.to_string())
            }
        };
    };
    if value.is_null() {
        return match spec.null {
            Null::Means(what) => ValueText::placeholder(what),
            Null::Refused | Null::Clears => ValueText::placeholder(NULL_SIGN),
        };
    }
    match spec.kind {
        FieldKind::Text
        | FieldKind::MultilineText
        | FieldKind::Model { .. }
        | FieldKind::Choice(_) => match value.as_str() {
            Some(s) => text(s),
            None => ValueText::value(value.to_string()),
        },
        FieldKind::Rate => match value.as_f64() {
            Some(x) => ValueText::value(format!("{value} ({})", percentage(x))),
            None => ValueText::value(value.to_string()),
        },
        FieldKind::Toggle => match value.as_bool() {
            Some(true) => ValueText::value("on".into()),
            Some(false) => ValueText::value("off".into()),
            None => ValueText::value(value.to_string()),
        },
        FieldKind::KeyIds | FieldKind::ToolList => match value.as_array() {
            Some(items) if items.is_empty() => ValueText::placeholder(empty_list(&spec.rule)),
            Some(items) => ValueText::value(
                items
                    .iter()
                    .map(|v| match v.as_str() {
                        Some(s) => text(s).text,
                        None => v.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            None => ValueText::value(value.to_string()),
        },
    }
}

/// What the empty list of a list rule is called (`no keys`, `none`).
fn empty_list(rule: &Rule) -> &'static str {
    match rule {
        Rule::Ids { none } | Rule::Tools { none } => none,
        Rule::Text { .. }
        | Rule::Model { .. }
        | Rule::Choice(_)
        | Rule::Decimal { .. }
        | Rule::Bool => "[]",
    }
}

/// Text as is, unless it could be mistaken for null, an absent value, another text or a
/// placeholder: then quoted (as JSON, so a quote or line break inside stays readable).
fn text(s: &str) -> ValueText {
    if s.is_empty() {
        return ValueText::placeholder("\"\"");
    }
    let mistakable = matches!(
        s,
        "null" | NULL_SIGN | "(absent)" | "all keys" | "no keys" | "none" | "[]"
    ) || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
        || s.starts_with('"');
    if mistakable {
        ValueText::value(serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\"")))
    } else {
        ValueText::value(s.to_string())
    }
}

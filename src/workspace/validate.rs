//! The rules of every editable field, and parsing of typed text into JSON values.
//! Every failure is one sentence that names the field and says what is wrong.

use super::field::{FieldKind, FieldSpec};
use serde_json::{Number, Value};

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Checks a JSON value against the field's type and rule.
pub fn check_value(spec: &FieldSpec, value: &Value) -> Result<(), String> {
    let name = spec.name;
    if value.is_null() {
        return if spec.nullable {
            Ok(())
        } else {
            Err(format!("{name} cannot be null"))
        };
    }
    match spec.kind {
        FieldKind::Text | FieldKind::MultilineText => {
            let Some(s) = value.as_str() else {
                return Err(format!("{name} must be text"));
            };
            match name {
                "name" => check_name(s),
                "slug" => check_slug(s),
                _ => {
                    // Multi-line text keeps its line breaks (CRLF too) and tabs; nothing else.
                    let allowed = matches!(spec.kind, FieldKind::MultilineText);
                    check_visible(name, s, allowed)?;
                    check_max_chars(spec, s)
                }
            }
        }
        FieldKind::Model { .. } => {
            let Some(s) = value.as_str() else {
                return Err(format!("{name} must be text"));
            };
            check_model_id(name, s)
        }
        FieldKind::Choice(options) => match value.as_str() {
            Some(s) if options.contains(&s) => Ok(()),
            Some(s) => Err(format!(
                "{name} must be one of {} (not \"{s}\")",
                options.join(", ")
            )),
            None => Err(format!("{name} must be one of {}", options.join(", "))),
        },
        FieldKind::Rate => match value.as_f64() {
            Some(x) => check_rate(x),
            None => Err(format!("{name} must be a number from 0.0001 to 1")),
        },
        FieldKind::KeyIds => {
            let Some(items) = value.as_array() else {
                return Err(format!("{name} must be a list of key ids"));
            };
            match items.iter().find(|v| v.as_u64().is_none()) {
                Some(bad) => Err(format!(
                    "{name}: {bad} is not a non-negative integer key id"
                )),
                None => Ok(()),
            }
        }
        FieldKind::Toggle => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(format!("{name} must be true or false")),
        },
        FieldKind::ToolList => {
            let Some(items) = value.as_array() else {
                return Err(format!("{name} must be a list of tool names"));
            };
            if items
                .iter()
                .any(|v| v.as_str().is_none_or(|s| s.trim().is_empty()))
            {
                Err(format!("{name}: every entry must be a non-empty tool name"))
            } else {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .try_for_each(|s| check_visible(name, s, false))
            }
        }
    }
}

fn check_max_chars(spec: &FieldSpec, s: &str) -> Result<(), String> {
    let n = chars(s);
    match spec.max_chars {
        Some(max) if n > max => Err(format!(
            "{} is {n} characters long; the limit is {max}",
            spec.name
        )),
        _ => Ok(()),
    }
}

fn check_name(s: &str) -> Result<(), String> {
    let n = chars(s);
    if n == 0 {
        Err("name cannot be empty (1–100 characters)".into())
    } else if n > 100 {
        Err(format!("name is {n} characters long; the limit is 100"))
    } else if s.trim().is_empty() {
        Err("name cannot be only whitespace".into())
    } else {
        check_visible("name", s, false)
    }
}

/// Refuses control characters (C0, DEL, C1) and bidi overrides, which a terminal would act on
/// or which reorder what is shown; `lines` allows line breaks (`\n`, `\r`) and tabs.
fn check_visible(name: &str, s: &str, lines: bool) -> Result<(), String> {
    let bad = s
        .chars()
        .filter(|c| !(lines && matches!(c, '\n' | '\r' | '\t')))
        .find(|c| crate::text::is_unsafe(*c));
    match bad.and_then(|c| crate::text::first_unsafe(&c.to_string())) {
        Some(what) if lines => Err(format!(
            "{name} has {what}; only line breaks and tabs may stand among the text"
        )),
        Some(what) => Err(format!(
            "{name} has {what}; it must be visible text on one line"
        )),
        None => Ok(()),
    }
}

/// Says which part of the slug is wrong, not just that the pattern failed.
fn check_slug(s: &str) -> Result<(), String> {
    let n = chars(s);
    if n == 0 {
        return Err("slug cannot be empty (1–50 characters)".into());
    }
    if n > 50 {
        return Err(format!("slug is {n} characters long; the limit is 50"));
    }
    if let Some(c) = s.chars().find(|c| c.is_uppercase()) {
        return Err(format!(
            "slug has an uppercase letter '{c}'; use lowercase a–z"
        ));
    }
    if s.contains('_') {
        return Err("slug has an underscore '_'; use a single hyphen '-' between words".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let shown = if c.is_whitespace() {
            "a space".to_string()
        } else {
            format!("'{c}'")
        };
        return Err(format!(
            "slug has {shown}; only a–z, 0–9 and single hyphens are allowed"
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("slug cannot start or end with a hyphen".into());
    }
    if s.contains("--") {
        return Err("slug has a double hyphen '--'; use a single one".into());
    }
    Ok(())
}

fn check_model_id(name: &str, s: &str) -> Result<(), String> {
    let shape = format!("{name} must look like author/model, e.g. openai/gpt-4o");
    if s.chars().any(char::is_whitespace) {
        return Err(format!(
            "{name} cannot contain spaces; it must look like author/model"
        ));
    }
    check_visible(name, s, false)?;
    match s.split_once('/') {
        Some((author, model))
            if !author.is_empty() && !model.is_empty() && !model.contains('/') =>
        {
            Ok(())
        }
        _ => Err(shape),
    }
}

fn check_rate(x: f64) -> Result<(), String> {
    if !x.is_finite() {
        Err("io_logging_sampling_rate must be a number from 0.0001 to 1".into())
    } else if x < 0.0001 {
        Err(format!(
            "io_logging_sampling_rate must be at least 0.0001 (it is {x})"
        ))
    } else if x > 1.0 {
        Err(format!(
            "io_logging_sampling_rate must be at most 1, i.e. 100% (it is {x})"
        ))
    } else {
        Ok(())
    }
}

/// Parses text typed in the form (not the CLI): text stays text; numbers and lists are parsed.
/// The result still has to pass [`check_value`].
pub fn parse_typed(spec: &FieldSpec, text: &str) -> Result<Value, String> {
    let name = spec.name;
    match spec.kind {
        FieldKind::Rate => parse_decimal(text.trim()).ok_or_else(|| {
            format!("{name} must be a decimal number such as 0.25 (got \"{text}\")")
        }),
        FieldKind::KeyIds => parse_key_ids(name, text),
        FieldKind::Toggle => parse_bool(name, text.trim()),
        FieldKind::ToolList => Ok(Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// Parses a `--set FIELD=VALUE` value: as [`parse_typed`], plus `null` to clear a nullable field
/// and `[]` for an empty list. The result has passed [`check_value`].
pub fn parse_input(spec: &FieldSpec, raw: &str) -> Result<Value, String> {
    let value = if raw == "null" {
        Value::Null
    } else if raw.trim() == "[]" && matches!(spec.kind, FieldKind::KeyIds | FieldKind::ToolList) {
        Value::Array(vec![])
    } else {
        parse_typed(spec, raw)?
    };
    check_value(spec, &value)?;
    Ok(value)
}

fn parse_bool(name: &str, text: &str) -> Result<Value, String> {
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => Err(format!("{name} must be true or false (got \"{text}\")")),
    }
}

/// A plain decimal (`1`, `1.0`, `0.25`, `.5`); no exponents, signs other than `-`, or words.
fn parse_decimal(text: &str) -> Option<Value> {
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && text.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    let x: f64 = text.parse().ok()?;
    Number::from_f64(x).map(Value::Number)
}

fn parse_key_ids(name: &str, text: &str) -> Result<Value, String> {
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim) {
        if part.is_empty() {
            if text.trim().is_empty() {
                continue;
            }
            return Err(format!("{name} has an empty entry; write ids like 1,2,3"));
        }
        match part.parse::<u64>() {
            Ok(id) => ids.push(Value::Number(id.into())),
            Err(_) => {
                return Err(format!(
                    "{name}: \"{part}\" is not a non-negative integer key id"
                ));
            }
        }
    }
    Ok(Value::Array(ids))
}

/// How a value is shown to a person in one line: text as is, lists comma-separated.
pub fn display_value(value: Option<&Value>) -> String {
    match value {
        None => "(absent)".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => "[]".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// The text a text field's editor starts with for a value (the inverse of [`parse_typed`]).
pub fn edit_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(v) => display_value(Some(v)),
    }
}

/// The sampling rate as a percentage, e.g. `25%` or `0.01%`.
pub fn percentage(x: f64) -> String {
    let p = x * 100.0;
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::field;
    use serde_json::json;

    fn check(name: &str, value: Value) -> Result<(), String> {
        check_value(field(name).unwrap(), &value)
    }

    #[test]
    fn names_refuse_what_a_terminal_would_act_on() {
        let e = check("name", json!("Prod\x1b]0;x\x07\x1b[2J")).unwrap_err();
        assert_eq!(
            e,
            "name has an escape character (\\x1b); it must be visible text on one line"
        );
        for bad in [
            "a\nb",
            "a\tb",
            "a\u{7f}",
            "a\u{9b}",
            "abc\u{202e}",
            "\u{2066}x",
            "x\u{2028}",
        ] {
            assert!(check("name", json!(bad)).is_err(), "{bad:?}");
        }
        for good in ["Prod 2", "日本", "🧑‍💻 team", "Café", "שלום\u{200f} 2"] {
            assert_eq!(check("name", json!(good)), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn descriptions_keep_line_breaks_and_tabs_only() {
        assert_eq!(check("description", json!("line 1\r\n\tline 2")), Ok(()));
        for bad in ["a\x1b[2Jb", "a\u{85}", "a\u{202d}b", "a\u{7f}", "a\x00"] {
            let e = check("description", json!(bad)).unwrap_err();
            assert!(e.starts_with("description has "), "{bad:?}: {e}");
        }
    }

    #[test]
    fn model_ids_and_tool_names_refuse_control_characters() {
        assert!(check("default_text_model", json!("openai/gpt\x1b[2J")).is_err());
        assert!(check("disabled_server_tools", json!(["web\u{9b}"])).is_err());
        assert_eq!(
            check("disabled_server_tools", json!(["web_search"])),
            Ok(())
        );
    }
}
